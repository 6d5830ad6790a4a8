/*
 * test_runtime.c - the container runtime of chapter 03 as a user meets it: run -d and its
 * monitor, logs, stop, restart policies, exec, ps/inspect, limits seen through inspect and
 * stats, 20 runs at once, a killed monitor, --rm, and failures that leave nothing behind.
 *
 * Each test has its own sandbox (TINYDOCK_ROOT/TINYDOCK_RUN); the harness runs `tinydock rm -f`
 * on every container left in it, so a failed test leaves no monitor, process or cgroup. Every
 * wait is a bounded poll.
 */
#include <arpa/inet.h>
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "container-store.h"
#include "error.h"
#include "files.h"
#include "harness.h"
#include "json.h"
#include "runtime.h"

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&t, NULL);
}

static double now_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* `run -d --rootfs ROOTFS <args>`: the id it printed (static buffer). */
#define START(...) start_detached((const char *[]){ __VA_ARGS__, NULL })
static const char *start_detached(const char **args)
{
	static char id[65];
	const char *argv[32] = { "run", "-d", "--rootfs", sandbox.rootfs };
	size_t n = 4;
	for (; *args && n < 31; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	const char *full[34] = { tinydock_binary() };
	for (size_t i = 0; i <= n; i++)
		full[i + 1] = argv[i];
	struct run_result r = run_program(NULL, 20, full);
	ck_assert_msg(r.status == 0, "run -d failed (%d): %s", r.status, r.err);
	ck_assert_uint_eq(strlen(r.out), 65);
	snprintf(id, sizeof(id), "%.64s", r.out);
	run_free(&r);
	return id;
}

static const char *state_status(const struct json *doc)
{
	return json_get_string(json_get(doc, "State"), "Status");
}

static int64_t state_int(const struct json *doc, const char *key)
{
	int64_t value = -1;
	json_int64(json_get(json_get(doc, "State"), key), &value);
	return value;
}

/* Poll until the container's status is `status`, at most seconds. */
static bool wait_status(const char *ref, const char *status, double seconds)
{
	double end = now_seconds() + seconds;
	while (now_seconds() < end) {
		struct json *doc = inspect_json(ref);
		bool done = strcmp(state_status(doc), status) == 0;
		json_free(doc);
		if (done)
			return true;
		sleep_ms(50);
	}
	return false;
}

/* Whether the container's monitor is done with it: the live state (TINYDOCK_RUN/containers/ID/
 * state.json) is the last thing it removes (runtime.c, finished()), after deciding not to
 * restart, so from then on no restart can come and one look at the record is final. */
static bool monitor_done(const char *id)
{
	char path[PATH_MAX + 128];
	snprintf(path, sizeof(path), "%s/containers/%s/state.json", sandbox.run, id);
	return access(path, F_OK) < 0;
}

static bool wait_monitor_done(const char *id, double seconds)
{
	double end = now_seconds() + seconds;
	while (!monitor_done(id)) {
		if (now_seconds() >= end)
			return false;
		sleep_ms(20);
	}
	return true;
}

/* How many folders the container's cgroup has on this machine: one per v1 controller tree
 * and one in the v2 tree, whichever of them this machine has (v1, v2 or hybrid). */
static int cgroup_folders(const char *id)
{
	struct cgroup_layout layout;
	ck_assert_msg(cgroup_detect(NULL, &layout) == 0, "%s", error_message());
	int found = 0;
	char path[PATH_MAX * 2];
	for (int c = 0; c < CG_CONTROLLER_COUNT; c++) {
		snprintf(path, sizeof(path), "%s/%s/%s", layout.v1[c], CGROUP_DEFAULT_PARENT, id);
		found += layout.v1[c][0] && is_directory(path);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", layout.unified, CGROUP_DEFAULT_PARENT, id);
	found += layout.unified[0] && is_directory(path);
	return found;
}

/* How many times needle occurs in haystack. */
static int count(const char *haystack, const char *needle)
{
	int n = 0;
	for (const char *p = haystack; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* `logs ref` (stdout then stderr) and its state, to explain a failure (static buffer). */
static const char *describe(const char *ref)
{
	static char text[8192];
	struct run_result r = run_tinydock(NULL, 10, "logs", ref, NULL);
	struct run_result p = run_tinydock(NULL, 10, "ps", "-a", NULL);
	snprintf(text, sizeof(text), "logs: [%s] [%s]\nps -a:\n%s", r.out, r.err, p.out);
	run_free(&r);
	run_free(&p);
	return text;
}

/* Poll `logs ref` until it holds needle at least times times, at most seconds. */
static bool wait_logs(const char *ref, const char *needle, int times, double seconds)
{
	double end = now_seconds() + seconds;
	while (now_seconds() < end) {
		struct run_result r = run_tinydock(NULL, 10, "logs", ref, NULL);
		bool done = count(r.out, needle) + count(r.err, needle) >= times;
		run_free(&r);
		if (done)
			return true;
		sleep_ms(50);
	}
	return false;
}

START_TEST(run_d_prints_the_id_at_once_and_the_monitor_keeps_the_log)
{
	double before = now_seconds();
	const char *id = START("--name", "web", "sh", "-c", "echo hello; echo oops >&2; sleep 30");
	ck_assert_msg(now_seconds() - before < 2.0, "run -d took %.2f s", now_seconds() - before);
	ck_assert_msg(wait_logs("web", "oops", 1, 20), "no log");
	struct run_result r = run_tinydock(NULL, 10, "logs", "web", NULL);
	ck_assert_str_eq(r.out, "hello\n");
	ck_assert_str_eq(r.err, "oops\n");
	run_free(&r);
	r = run_tinydock(NULL, 10, "logs", "-t", "--tail", "2", id, NULL);
	/* "2026-11-28T16:05:03.123456789Z hello" */
	ck_assert_msg(strlen(r.out) == 37 && r.out[10] == 'T' && r.out[29] == 'Z' && strcmp(r.out + 31, "hello\n") == 0,
		      "logs -t printed \"%s\"", r.out);
	run_free(&r);
}
END_TEST

START_TEST(stop_ends_a_command_that_ignores_sigterm_within_a_second)
{
	START("--name", "deaf", "probe", "ignore-signals");
	/* Once it says so, SIGTERM is ignored (a SIGTERM pending before that would be dropped when
	 * SIG_IGN is set, and only the 10-second SIGKILL would end it: not what we test). */
	ck_assert(wait_logs("deaf", "ignoring=all", 1, 20));
	double before = now_seconds();
	struct run_result r = run_tinydock(NULL, 20, "stop", "deaf", NULL);
	double took = now_seconds() - before;
	ck_assert_msg(r.status == 0, "stop failed: %s", r.err);
	ck_assert_str_eq(r.out, "deaf\n");
	run_free(&r);
	ck_assert_msg(took < 1.0, "stop took %.2f s", took);
	struct json *doc = inspect_json("deaf");
	ck_assert_str_eq(state_status(doc), "exited");
	ck_assert_int_eq(state_int(doc, "ExitCode"), 137);
	json_free(doc);
}
END_TEST

START_TEST(stop_sends_the_runs_stop_signal_and_stop_s_another)
{
	/* --stop-signal USR1: the probe waiting for a signal reports USR1 and exits 0 (not 137) */
	START("--name", "usr1", "--stop-signal", "SIGUSR1", "--stop-timeout", "30", "probe", "wait-signal");
	ck_assert(wait_logs("usr1", "waiting=signals", 1, 20));
	struct run_result r = run_tinydock(NULL, 40, "stop", "usr1", NULL);
	ck_assert_msg(r.status == 0, "stop failed: %s", r.err);
	run_free(&r);
	ck_assert(wait_logs("usr1", "signal=SIGUSR1", 1, 5));
	struct json *doc = inspect_json("usr1");
	ck_assert_int_eq(state_int(doc, "ExitCode"), 0);
	ck_assert_str_eq(json_get_string(json_get(doc, "Config"), "StopSignal"), "SIGUSR1");
	json_free(doc);
	/* stop -s names the signal for this stop only */
	START("--name", "hup", "--stop-signal", "USR1", "probe", "wait-signal");
	ck_assert(wait_logs("hup", "waiting=signals", 1, 20));
	r = run_tinydock(NULL, 40, "stop", "-s", "HUP", "hup", NULL);
	ck_assert_msg(r.status == 0, "stop -s failed: %s", r.err);
	run_free(&r);
	ck_assert(wait_logs("hup", "signal=SIGHUP", 1, 5));
	/* --stop-timeout 0: a command deaf to the signal is killed at once */
	START("--name", "deaf0", "--stop-timeout", "0", "probe", "ignore-signals");
	ck_assert(wait_logs("deaf0", "ignoring=all", 1, 20));
	double before = now_seconds();
	r = run_tinydock(NULL, 20, "stop", "deaf0", NULL);
	double took = now_seconds() - before;
	ck_assert_msg(r.status == 0, "stop failed: %s", r.err);
	run_free(&r);
	ck_assert_msg(took < 1.0, "stop took %.2f s", took);
	/* a signal that does not exist is refused at run, before anything is made */
	r = run_tinydock(NULL, 10, "run", "--stop-signal", "SIGNOPE", "--rootfs", sandbox.rootfs, "true", NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "invalid signal: SIGNOPE"), "%s", r.err);
	run_free(&r);
}
END_TEST

START_TEST(on_failure_2_restarts_twice_then_stays_exited)
{
	const char *id = START("--name", "flaky", "--restart", "on-failure:2", "sh", "-c", "echo run; exit 3");
	ck_assert_msg(wait_logs("flaky", "run", 3, 20), "not restarted twice: %s", describe("flaky"));
	ck_assert_msg(wait_monitor_done(id, 20), "the monitor is still there: %s", describe("flaky"));
	struct json *doc = inspect_json("flaky");
	int64_t restarts = -1;
	json_int64(json_get(doc, "RestartCount"), &restarts);
	ck_assert_int_eq(restarts, 2);
	ck_assert_str_eq(state_status(doc), "exited");
	ck_assert_int_eq(state_int(doc, "ExitCode"), 3);
	json_free(doc);
	struct run_result r = run_tinydock(NULL, 10, "logs", "flaky", NULL);
	ck_assert_int_eq(count(r.out, "run"), 3);
	run_free(&r);
}
END_TEST

START_TEST(always_restarts_even_after_success_until_stop)
{
	const char *id = START("--name", "again", "--restart", "always", "sh", "-c", "echo run; exit 0");
	ck_assert_msg(wait_logs("again", "run", 3, 20), "not restarted: %s", describe("again"));
	struct run_result r = run_tinydock(NULL, 20, "stop", "-t", "1", "again", NULL);
	ck_assert_msg(r.status == 0, "stop failed: %s", r.err);
	run_free(&r);
	/* `stop` returns once the monitor is done (its live state gone), so no restart can follow,
	 * and the record and the log are final. */
	ck_assert_msg(monitor_done(id), "stop returned before the monitor was done: %s", describe("again"));
	struct json *doc = inspect_json("again");
	ck_assert_str_eq(state_status(doc), "exited");
	int64_t restarts = -1;
	json_int64(json_get(doc, "RestartCount"), &restarts);
	json_free(doc);
	r = run_tinydock(NULL, 10, "logs", "again", NULL);
	ck_assert_int_eq(count(r.out, "run"), restarts + 1);
	run_free(&r);
}
END_TEST

START_TEST(exec_joins_the_namespaces_and_the_cgroup_of_the_container)
{
	const char *id = START("--hostname", "box1", "probe", "sleep", "30");
	char short_id[13];
	snprintf(short_id, sizeof(short_id), "%.12s", id);
	struct run_result r = run_tinydock(NULL, 10, "exec", short_id, "probe", "pid", "hostname", "cgroup", NULL);
	ck_assert_msg(r.status == 0, "exec failed (%d): %s", r.status, r.err);
	ck_assert_msg(strstr(r.out, "hostname=box1\n"), "%s", r.out);
	/* Inside the container's PID namespace: a small pid other than init's 1 (2 or 3: init may
	 * not have forked the container's probe yet when exec comes in), and its parent, exec,
	 * lives outside the namespace, so it shows as 0. */
	int pid = 0, ppid = -1;
	ck_assert(sscanf(r.out, "pid=%d\nppid=%d", &pid, &ppid) == 2);
	ck_assert_msg(pid >= 2 && pid < 100, "pid=%d", pid);
	ck_assert_int_eq(ppid, 0);
	ck_assert_msg(strstr(r.out, id), "not in the container's cgroup: %s", r.out);
	run_free(&r);
	r = run_tinydock(NULL, 10, "exec", "-e", "GREETING=hi", "-w", "/etc", id, "sh", "-c", "echo $GREETING $PWD",
			 NULL);
	ck_assert_str_eq(r.out, "hi /etc\n");
	run_free(&r);
	r = run_tinydock(NULL, 10, "exec", id, "sh", "-c", "exit 7", NULL);
	ck_assert_int_eq(r.status, 7);
	run_free(&r);
}
END_TEST

/* Does the line of text that contains needle name a write of a pid to a cgroup.procs? */
static bool writes_procs(const char *needle)
{
	const char *procs = strstr(needle, "/cgroup.procs = "), *end = strchr(needle, '\n');
	return procs && (!end || procs < end);
}

/* clone3's CLONE_INTO_CGROUP: on a v2 machine the first process is born in its cgroup's v2
 * folder, so no pid is written to that folder's cgroup.procs (a write that waits for an RCU
 * grace period). On a hybrid machine the v1 trees need that write anyway: the helper that starts
 * its grace period comes before the clone, which so is a plain one (CLONE_INTO_CGROUP would wait
 * behind the helper for cgroup_mutex), and every tree, the v2 one too, takes the pid before
 * SYNC_GO. Either way, it is in every tree before it runs. */
START_TEST(the_first_process_is_born_in_its_v2_folder_or_on_hybrid_joins_every_tree_before_it_runs)
{
	struct cgroup_layout layout;
	ck_assert_msg(cgroup_detect(NULL, &layout) == 0, "%s", error_message());
	if (layout.mode == CGROUP_V1) {
		harness_skip("cgroup v1 only: no v2 folder to be born in (CLONE_INTO_CGROUP names v2 folders alone)");
		return;
	}
	struct run_result r = run_tinydock(NULL, 20, "--explain", "run", "--rm", "--network", "none", "--rootfs",
					   sandbox.rootfs, "probe", "cgroup", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	char v2_write[PATH_MAX + 32];
	snprintf(v2_write, sizeof(v2_write), "write %s/tinydock/", layout.unified);
	const char *v2_moved = NULL;
	for (const char *at = strstr(r.err, v2_write); at; at = strstr(at + 1, v2_write))
		if (writes_procs(at))
			v2_moved = at;
	if (layout.mode == CGROUP_V2) {
		ck_assert_msg(strstr(r.err, "] clone3({flags=CLONE_NEWPID|") && strstr(r.err, "|CLONE_INTO_CGROUP, "),
			      "%s", r.err);
		ck_assert_msg(strstr(r.err, " was born in ") && strstr(r.err, "(CLONE_INTO_CGROUP)"), "%s", r.err);
		ck_assert_msg(!v2_moved, "a pid written into the v2 folder: %s", r.err);
	} else {
		const char *helper = strstr(r.err, "it writes its own pid to "), *clone = strstr(r.err, "] clone(CLONE_NEWPID|");
		const char *go = strstr(r.err, "sync: sent SYNC_GO");
		ck_assert_msg(helper && clone && helper < clone, "the grace period began after the clone: %s", r.err);
		ck_assert_msg(!strstr(r.err, "CLONE_INTO_CGROUP, "), "%s", r.err);
		ck_assert_msg(v2_moved && go && v2_moved < go, "no move into the v2 folder before SYNC_GO: %s", r.err);
	}
	/* inside, /proc/self/cgroup: the v2 line and (hybrid) the v1 trees name the container's cgroup */
	ck_assert_msg(strstr(r.out, "cgroup=0::/tinydock/"), "%s", r.out);
	if (layout.mode == CGROUP_HYBRID)
		ck_assert_msg(strstr(r.out, ":memory:/tinydock/") || strstr(r.out, ":pids:/tinydock/"), "%s", r.out);
	run_free(&r);
}
END_TEST

/* On v1 trees the init's moves wait for SYNC_GO (a helper starts the RCU grace period they
 * cost first, cgroup_warm.c): the command must still be in every v1 tree of its cgroup before
 * it starts, so each limit and device rule holds from its first instruction. */
START_TEST(the_command_is_in_every_v1_tree_of_its_cgroup_before_it_starts)
{
	struct cgroup_layout layout;
	ck_assert_msg(cgroup_detect(NULL, &layout) == 0, "%s", error_message());
	if (layout.mode == CGROUP_V2) {
		harness_skip("cgroup v2 only: no v1 tree to move into");
		return;
	}
	struct run_result r = run_tinydock(NULL, 20, "--explain", "run", "--rm", "--network", "none", "--rootfs",
					   sandbox.rootfs, "probe", "cgroup", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	const char *go = strstr(r.err, "sync: sent SYNC_GO");
	ck_assert_msg(go, "%s", r.err);
	for (int c = 0; c < CG_CONTROLLER_COUNT; c++) {
		if (!layout.v1[c][0] || c == CG_CPUSET) /* cpuset: only with --cpuset-cpus */
			continue;
		/* the write of the pid, before SYNC_GO */
		char write_line[PATH_MAX + 32];
		snprintf(write_line, sizeof(write_line), "write %s/tinydock/", layout.v1[c]);
		const char *moved = NULL;
		for (const char *at = strstr(r.err, write_line); at; at = strstr(at + 1, write_line)) {
			const char *procs = strstr(at, "/cgroup.procs = "), *end = strchr(at, '\n');
			if (procs && end && procs < end)
				moved = at;
		}
		ck_assert_msg(moved && moved < go, "%s: no move before SYNC_GO: %s", cgroup_controller_name(c), r.err);
		/* and the command's own /proc/self/cgroup line for that tree names the container's cgroup */
		char own[64];
		snprintf(own, sizeof(own), "%s:/tinydock/", cgroup_controller_name(c));
		ck_assert_msg(strstr(r.out, own), "%s: %s", own, r.out);
	}
	run_free(&r);
}
END_TEST

START_TEST(ps_and_inspect_use_dockers_columns_and_field_names)
{
	const char *id = START("--name", "fmt", "-m", "32m", "--pids-limit", "20", "probe", "sleep", "30");
	struct run_result r = run_tinydock(NULL, 10, "ps", NULL);
	ck_assert_msg(strncmp(r.out, "CONTAINER ID   IMAGE", 20) == 0, "%s", r.out);
	ck_assert_msg(strstr(r.out, "   COMMAND   ") || strstr(r.out, "COMMAND "), "%s", r.out);
	ck_assert_msg(strstr(r.out, "\"probe sleep 30\"") && strstr(r.out, "Up ") && strstr(r.out, " fmt\n"), "%s",
		      r.out);
	char line[80];
	snprintf(line, sizeof(line), "\n%.12s   ", id);
	ck_assert_msg(strstr(r.out, line), "%s", r.out);
	run_free(&r);
	r = run_tinydock(NULL, 10, "ps", "-q", "--no-trunc", NULL);
	snprintf(line, sizeof(line), "%s\n", id);
	ck_assert_str_eq(r.out, line);
	run_free(&r);

	struct json *doc = inspect_json("fmt");
	ck_assert_str_eq(json_get_string(doc, "Id"), id);
	ck_assert_str_eq(json_get_string(doc, "Name"), "/fmt");
	ck_assert_str_eq(json_get_string(doc, "Path"), "probe");
	ck_assert_str_eq(state_status(doc), "running");
	ck_assert(state_int(doc, "Pid") > 1);
	bool running = false;
	ck_assert_int_eq(json_bool(json_get(json_get(doc, "State"), "Running"), &running), 0);
	ck_assert(running);
	int64_t memory = 0, pids = 0;
	json_int64(json_pointer(doc, "/HostConfig/Memory"), &memory);
	json_int64(json_pointer(doc, "/HostConfig/PidsLimit"), &pids);
	ck_assert(memory == 32 << 20);
	ck_assert(pids == 20);
	ck_assert_str_eq(json_string(json_pointer(doc, "/Config/Cmd/2")), "30");
	json_free(doc);

	r = run_tinydock(NULL, 20, "stop", "fmt", NULL);
	run_free(&r);
	r = run_tinydock(NULL, 10, "ps", "-a", NULL);
	ck_assert_msg(strstr(r.out, "Exited (143) "), "%s", r.out); /* SIGTERM: 128 + 15 */
	run_free(&r);
}
END_TEST

START_TEST(a_memory_limit_kills_and_inspect_reports_oom_killed)
{
	START("--name", "hog", "-m", "16m", "--memory-swap", "16m", "probe", "alloc", "64");
	ck_assert(wait_status("hog", "exited", 20));
	struct json *doc = inspect_json("hog");
	bool oom = false;
	json_bool(json_get(json_get(doc, "State"), "OOMKilled"), &oom);
	ck_assert(oom);
	ck_assert_int_eq(state_int(doc, "ExitCode"), 137);
	json_free(doc);
}
END_TEST

START_TEST(the_pids_limit_stops_a_fork_bomb_inside)
{
	struct run_result r = run_tinydock(NULL, 20, "run", "--rm", "--pids-limit", "10", "--rootfs", sandbox.rootfs,
					   "probe", "fork", "30", NULL);
	int forked = -1;
	const char *line = strstr(r.out, "forked=");
	ck_assert_msg(line && sscanf(line, "forked=%d", &forked) == 1, "%s %s", r.out, r.err);
	ck_assert_msg(forked < 10, "forked=%d under --pids-limit 10", forked);
	run_free(&r);
}
END_TEST

/* The CPU column of `stats --no-stream NAME` (one sample, over half a second). */
static double stats_cpu_percent(const char *name)
{
	struct run_result r = run_tinydock(NULL, 10, "stats", "--no-stream", name, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_msg(strstr(r.out, "MEM USAGE / LIMIT"), "%s", r.out);
	char row_start[64];
	snprintf(row_start, sizeof(row_start), " %s ", name);
	const char *row = strstr(r.out, row_start);
	double cpu = -1;
	ck_assert_msg(row && sscanf(row + strlen(row_start), "%lf%%", &cpu) == 1, "%s", r.out);
	run_free(&r);
	return cpu;
}

START_TEST(a_cpu_quota_of_half_a_cpu_holds_in_stats)
{
	START("--name", "spin", "--cpus", "0.5", "sh", "-c", "while :; do :; done");
	/* The first sample that shows any CPU proves the loop spins in its cgroup; the next one
	 * is the measurement. */
	double end = now_seconds() + 20;
	while (stats_cpu_percent("spin") <= 0)
		ck_assert_msg(now_seconds() < end, "the loop never showed in stats within 20 s");
	double cpu = stats_cpu_percent("spin");
	/* 0.5 CPU = 50%, measured over half a second: a wide margin for a busy shared machine. */
	ck_assert_msg(cpu > 20 && cpu < 70, "CPU %.2f%% under --cpus 0.5", cpu);
}
END_TEST

START_TEST(twenty_runs_at_once_are_all_recorded_with_their_names)
{
	pid_t children[20];
	for (int i = 0; i < 20; i++) {
		children[i] = fork();
		if (children[i] == 0) {
			char name[16];
			snprintf(name, sizeof(name), "c%d", i);
			struct run_result r = run_tinydock(NULL, 30, "run", "-d", "--name", name, "--rootfs", sandbox.rootfs,
							   "probe", "sleep", "30", NULL);
			if (r.status != 0) /* say why, on the runner's stderr: the assertion below only counts */
				fprintf(stderr, "run -d --name %s: status %d: %s\n", name, r.status, r.err);
			_exit(r.status == 0 ? 0 : 1);
		}
	}
	int failed = 0;
	for (int i = 0; i < 20; i++) {
		int status;
		waitpid(children[i], &status, 0);
		failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	ck_assert_int_eq(failed, 0);
	struct run_result r = run_tinydock(NULL, 10, "ps", NULL);
	for (int i = 0; i < 20; i++) {
		char name[16];
		snprintf(name, sizeof(name), " c%d\n", i);
		ck_assert_msg(strstr(r.out, name), "%s missing: %s", name, r.out);
	}
	ck_assert_int_eq(count(r.out, "Up "), 20);
	run_free(&r);
}
END_TEST

START_TEST(a_name_in_use_is_refused_as_docker_words_it)
{
	START("--name", "dup", "probe", "sleep", "30");
	struct run_result r = run_tinydock(NULL, 10, "run", "-d", "--name", "dup", "--rootfs", sandbox.rootfs, "true",
					   NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "Conflict. The container name \"/dup\" is already in use"), "%s", r.err);
	run_free(&r);
	r = run_tinydock(NULL, 10, "stop", "nosuch", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "No such container: nosuch"), "%s", r.err);
	run_free(&r);
}
END_TEST

START_TEST(a_container_whose_monitor_was_killed_shows_exited_and_can_be_removed)
{
	const char *id = START("--name", "orphan", "probe", "sleep", "30");
	char path[4200];
	snprintf(path, sizeof(path), "%s/containers/%s/state.json", sandbox.run, id);
	struct json *state = json_parse_file(path);
	ck_assert_ptr_nonnull(state);
	int64_t monitor = 0;
	ck_assert_int_eq(json_int64(json_get(state, "MonitorPid"), &monitor), 0);
	json_free(state);
	ck_assert_int_eq(kill((pid_t)monitor, SIGKILL), 0);
	ck_assert(wait_status("orphan", "exited", 20));
	struct run_result r = run_tinydock(NULL, 10, "ps", "-a", NULL);
	ck_assert_msg(strstr(r.out, "Exited (137)"), "%s", r.out);
	run_free(&r);
	r = run_tinydock(NULL, 10, "rm", "orphan", NULL);
	ck_assert_msg(r.status == 0, "rm failed: %s", r.err);
	run_free(&r);
	r = run_tinydock(NULL, 10, "ps", "-aq", NULL);
	ck_assert_str_eq(r.out, "");
	run_free(&r);
	/* Its cgroup went with it. */
	ck_assert_int_eq(cgroup_folders(id), 0);
}
END_TEST

START_TEST(start_works_after_the_monitor_was_killed_and_left_its_cgroup)
{
	const char *id = START("--name", "phoenix", "probe", "sleep", "30");
	char path[4200];
	snprintf(path, sizeof(path), "%s/containers/%s/state.json", sandbox.run, id);
	struct json *state = json_parse_file(path);
	ck_assert_ptr_nonnull(state);
	int64_t monitor = 0;
	ck_assert_int_eq(json_int64(json_get(state, "MonitorPid"), &monitor), 0);
	json_free(state);
	ck_assert_int_eq(kill((pid_t)monitor, SIGKILL), 0);
	ck_assert(wait_status("phoenix", "exited", 20));
	ck_assert_msg(cgroup_folders(id) > 0, "the killed monitor's cgroup should still be there");
	struct run_result r = run_tinydock(NULL, 20, "start", "phoenix", NULL);
	ck_assert_msg(r.status == 0, "start failed: %s", r.err);
	run_free(&r);
	ck_assert(wait_status("phoenix", "running", 20));
}
END_TEST

START_TEST(rm_flag_removes_the_container_when_it_exits)
{
	struct run_result r = run_tinydock(NULL, 20, "run", "--rm", "--name", "gone", "--rootfs", sandbox.rootfs, "probe",
					   "exit", "3", NULL);
	ck_assert_int_eq(r.status, 3);
	run_free(&r);
	r = run_tinydock(NULL, 10, "ps", "-aq", NULL);
	ck_assert_str_eq(r.out, "");
	run_free(&r);
}
END_TEST

START_TEST(dockers_boolean_syntax_is_taken_by_run_ps_and_rm)
{
	/* --rm=true removes, --detach=false stays in the foreground (the exit code, not an id) */
	struct run_result r = run_tinydock(NULL, 20, "run", "--rm=true", "--detach=false", "--name", "gone", "--rootfs",
					   sandbox.rootfs, "probe", "exit", "3", NULL);
	ck_assert_msg(r.status == 3, "%d: %s", r.status, r.err);
	run_free(&r);
	r = run_tinydock(NULL, 10, "ps", "--all=true", "--quiet=true", NULL);
	ck_assert_str_eq(r.out, "");
	run_free(&r);
	/* -d=false and --rm=false: a foreground run whose exited container stays */
	r = run_tinydock(NULL, 20, "run", "-d=false", "--rm=false", "--name", "kept", "--rootfs", sandbox.rootfs, "probe",
			 "exit", "0", NULL);
	ck_assert_msg(r.status == 0 && strlen(r.out) != 65, "%d: %s%s", r.status, r.out, r.err);
	run_free(&r);
	r = run_tinydock(NULL, 10, "ps", "-a=false", "-q", NULL);
	ck_assert_str_eq(r.out, ""); /* exited: shown with -a only */
	run_free(&r);
	r = run_tinydock(NULL, 10, "ps", "-a=1", "-q", NULL);
	ck_assert_int_eq(count(r.out, "\n"), 1);
	run_free(&r);
	r = run_tinydock(NULL, 10, "rm", "--force=true", "kept", NULL);
	ck_assert_msg(r.status == 0, "%d: %s", r.status, r.err);
	run_free(&r);
	/* a value that is not a boolean: refused as Docker does (125), and nothing made */
	r = run_tinydock(NULL, 10, "run", "--rm=maybe", "--name", "never", "--rootfs", sandbox.rootfs, "true", NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "--rm=maybe"), "%s", r.err);
	run_free(&r);
	r = run_tinydock(NULL, 10, "ps", "-aq", NULL);
	ck_assert_str_eq(r.out, "");
	run_free(&r);
}
END_TEST

START_TEST(attach_shows_only_the_streams_named_and_the_log_keeps_both)
{
	struct run_result r = run_tinydock(NULL, 20, "run", "-a", "stderr", "--name", "half", "--rootfs", sandbox.rootfs,
					   "sh", "-c", "echo to-out; echo to-err >&2", NULL);
	ck_assert_msg(r.status == 0, "%d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, "");
	ck_assert_msg(strstr(r.err, "to-err\n"), "%s", r.err);
	run_free(&r);
	r = run_tinydock(NULL, 10, "logs", "half", NULL);
	ck_assert_str_eq(r.out, "to-out\n");
	ck_assert_str_eq(r.err, "to-err\n");
	run_free(&r);
	r = run_tinydock(NULL, 10, "run", "-d", "-a", "stdout", "--rootfs", sandbox.rootfs, "true", NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "conflicting options"), "%s", r.err);
	run_free(&r);
}
END_TEST

START_TEST(logs_since_and_until_keep_the_lines_written_in_that_window)
{
	struct run_result r = run_tinydock(NULL, 20, "run", "--name", "said", "--rootfs", sandbox.rootfs, "sh", "-c",
					   "echo hello", NULL);
	ck_assert_msg(r.status == 0, "%d: %s", r.status, r.err);
	run_free(&r);
	struct {
		const char *flag, *time, *out;
	} cases[] = {
		{ "--since", "1h", "hello\n" },               /* written within the last hour */
		{ "--until", "1h", "" },                      /* nothing is older than an hour */
		{ "--since", "2000-01-01T00:00:00Z", "hello\n" },
		{ "--until", "2000-01-01T00:00:00Z", "" },
		{ "--since", "4102444800", "" },              /* 2100-01-01, in seconds since 1970 */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = run_tinydock(NULL, 10, "logs", cases[i].flag, cases[i].time, "said", NULL);
		ck_assert_msg(r.status == 0, "case %zu: %s", i, r.err);
		ck_assert_msg(strcmp(r.out, cases[i].out) == 0, "case %zu: %s", i, r.out);
		run_free(&r);
	}
	r = run_tinydock(NULL, 10, "logs", "--since", "yesterday", "said", NULL);
	ck_assert_int_eq(r.status, 1); /* Docker's status: the request's error, not the command line's */
	ck_assert_msg(strstr(r.err, "invalid value for a time: \"yesterday\""), "%s", r.err);
	run_free(&r);
}
END_TEST

START_TEST(exec_takes_an_env_file_and_d_leaves_the_command_running_on_its_own)
{
	START("--name", "box", "probe", "sleep", "60");
	char env_file[PATH_MAX];
	snprintf(env_file, sizeof(env_file), "%s/exec.env", sandbox.dir);
	static const char variables[] = "# for exec\nFROM_FILE=yes\nBOTH=file\n";
	ck_assert_int_eq(write_file_atomic(env_file, variables, sizeof(variables) - 1, 0644), 0);
	struct run_result r = run_tinydock(NULL, 20, "exec", "--env-file", env_file, "-e", "BOTH=e", "box", "sh", "-c",
					   "echo $FROM_FILE $BOTH", NULL);
	ck_assert_msg(r.status == 0, "%d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, "yes e\n");
	run_free(&r);
	/* -d: back at once, nothing printed, the command goes on in the container */
	r = run_tinydock(NULL, 20, "exec", "-d", "box", "sh", "-c", "sleep 0.2; echo done > /tmp/detached", NULL);
	ck_assert_msg(r.status == 0, "%d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, "");
	run_free(&r);
	bool written = false;
	for (double deadline = now_seconds() + 10; !written && now_seconds() < deadline; sleep_ms(50)) {
		r = run_tinydock(NULL, 10, "exec", "box", "cat", "/tmp/detached", NULL);
		written = r.status == 0 && strcmp(r.out, "done\n") == 0;
		run_free(&r);
	}
	ck_assert_msg(written, "the detached command did not write its file");
	/* a command that cannot start is said, with its exit code, even detached */
	r = run_tinydock(NULL, 20, "exec", "-d", "box", "no-such-command", NULL);
	ck_assert_int_eq(r.status, 127);
	ck_assert_msg(strstr(r.err, "no-such-command"), "%s", r.err);
	run_free(&r);
}
END_TEST

/* A CPU number this machine cannot have: one past the last in /sys/devices/system/cpu/possible
 * ("0-1", "0-3,8-11": cpu-hotplug.rst), as text. */
static const char *a_cpu_that_does_not_exist(void)
{
	static char text[16];
	char *possible = read_file("/sys/devices/system/cpu/possible", NULL);
	ck_assert_msg(possible != NULL, "%s", error_message());
	size_t end = strcspn(possible, "\n");
	while (end > 0 && possible[end - 1] >= '0' && possible[end - 1] <= '9')
		end--;
	snprintf(text, sizeof(text), "%d", atoi(possible + end) + 1);
	free(possible);
	return text;
}

START_TEST(a_setup_failure_reaches_the_user_of_run_d_and_leaves_no_cgroup)
{
	/* A CPU that does not exist passes tinydock's check of the list's form; the kernel refuses
	 * the cpuset at SYNC_CGROUP, after the container was created. */
	const char *cpu = a_cpu_that_does_not_exist();
	struct run_result r = run_tinydock(NULL, 20, "run", "-d", "--name", "broken", "--cpuset-cpus", cpu, "--rootfs",
					   sandbox.rootfs, "true", NULL);
	ck_assert_msg(r.status == 125, "status %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.err, "cpuset.cpus") && strstr(r.err, "does not exist"), "%s", r.err);
	ck_assert_str_eq(r.out, "");
	run_free(&r);
	struct json *doc = inspect_json("broken");
	ck_assert_str_eq(state_status(doc), "created");
	ck_assert_int_eq(cgroup_folders(json_get_string(doc, "Id")), 0);
	json_free(doc);
}
END_TEST

START_TEST(start_runs_a_stopped_container_again_with_the_same_id_and_log)
{
	const char *id = START("--name", "again2", "sh", "-c", "echo boot; sleep 30");
	char saved[65];
	snprintf(saved, sizeof(saved), "%s", id);
	ck_assert(wait_logs("again2", "boot", 1, 20));
	struct run_result r = run_tinydock(NULL, 20, "stop", "-t", "1", "again2", NULL);
	run_free(&r);
	r = run_tinydock(NULL, 20, "start", "again2", NULL);
	ck_assert_msg(r.status == 0, "start failed: %s", r.err);
	ck_assert_str_eq(r.out, "again2\n");
	run_free(&r);
	ck_assert(wait_logs("again2", "boot", 2, 20));
	struct json *doc = inspect_json("again2");
	ck_assert_str_eq(json_get_string(doc, "Id"), saved);
	ck_assert_str_eq(state_status(doc), "running");
	json_free(doc);
}
END_TEST

START_TEST(a_prune_asked_for_its_help_prints_it_and_removes_nothing)
{
	struct run_result r = run_tinydock(NULL, 20, "run", "--name", "kept", "--rootfs", sandbox.rootfs, "true", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	const char *const prunes[][3] = { { "container", "prune", "--help" }, { "container", "prune", "-h" } };
	for (size_t i = 0; i < sizeof(prunes) / sizeof(prunes[0]); i++) {
		r = run_tinydock("y\n", 10, prunes[i][0], prunes[i][1], prunes[i][2], NULL);
		ck_assert_msg(r.status == 0 && strncmp(r.out, "Usage:", 6) == 0, "%s %s %s: %d, %s%s", prunes[i][0],
			      prunes[i][1], prunes[i][2], r.status, r.out, r.err);
		run_free(&r);
	}
	r = run_tinydock(NULL, 10, "inspect", "-f", "{{.State.Status}}", "kept", NULL);
	ck_assert_msg(r.status == 0 && strcmp(r.out, "exited\n") == 0, "the stopped container is gone: %s", r.err);
	run_free(&r);
	r = run_tinydock(NULL, 10, "rm", "kept", NULL);
	run_free(&r);
}
END_TEST

START_TEST(a_foreground_run_keeps_a_log_and_still_prints_its_output)
{
	/* As Docker: the output reaches the terminal as it happens, stdout and stderr apart ... */
	struct run_result r = run_tinydock(NULL, 20, "run", "--name", "fg", "--rootfs", sandbox.rootfs, "sh", "-c",
					   "echo hi; echo oops >&2", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "hi\n");
	ck_assert_str_eq(r.err, "oops\n");
	run_free(&r);
	/* ... and `logs` has it afterwards. */
	r = run_tinydock(NULL, 10, "logs", "fg", NULL);
	ck_assert_str_eq(r.out, "hi\n");
	ck_assert_str_eq(r.err, "oops\n");
	run_free(&r);
	/* With -t the pty's output is logged too (one stream, with the terminal's \r\n). */
	r = run_tinydock(NULL, 20, "run", "-t", "--name", "fgtty", "--rootfs", sandbox.rootfs, "echo", "tty", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "tty\r\n");
	run_free(&r);
	r = run_tinydock(NULL, 10, "logs", "fgtty", NULL);
	ck_assert_str_eq(r.out, "tty\r\n");
	run_free(&r);
	/* `start` runs it again under a monitor, into the same log. */
	r = run_tinydock(NULL, 20, "start", "fg", NULL);
	ck_assert_msg(r.status == 0, "start failed: %s", r.err);
	run_free(&r);
	ck_assert_msg(wait_logs("fg", "hi", 2, 20), "%s", describe("fg"));
	ck_assert(wait_status("fg", "exited", 20));
	r = run_tinydock(NULL, 10, "logs", "fg", NULL);
	ck_assert_str_eq(r.out, "hi\nhi\n");
	ck_assert_str_eq(r.err, "oops\noops\n");
	run_free(&r);
}
END_TEST

/* CapEff of the container's first process (its log) and of a process exec'd into it. */
static void compare_exec_capabilities(const char *name, const char *flag, const char *expected)
{
	const char *id = START("--name", name, flag, "sh", "-c", "grep CapEff /proc/self/status; sleep 30");
	(void)id;
	ck_assert_msg(wait_logs(name, "CapEff", 1, 20), "%s", describe(name));
	struct run_result logs = run_tinydock(NULL, 10, "logs", name, NULL);
	struct run_result r = run_tinydock(NULL, 10, "exec", name, "grep", "CapEff", "/proc/self/status", NULL);
	ck_assert_msg(r.status == 0, "exec failed: %s", r.err);
	ck_assert_msg(strcmp(r.out, logs.out) == 0, "%s: exec has %s, the container %s", flag, r.out, logs.out);
	if (expected)
		ck_assert_str_eq(r.out, expected);
	else /* --privileged: every capability tinydock itself holds, far more than the default */
		ck_assert_msg(strcmp(r.out, "CapEff:\t00000000a80425fb\n") != 0 && strlen(r.out) == 25, "%s", r.out);
	run_free(&r);
	run_free(&logs);
}

START_TEST(exec_gets_the_capabilities_of_the_container_not_the_defaults)
{
	compare_exec_capabilities("nocaps", "--cap-drop=ALL", "CapEff:\t0000000000000000\n");
	compare_exec_capabilities("allcaps", "--privileged", NULL);
	/* and the filter: the container's seccomp=unconfined holds for exec too */
	START("--name", "nofilter", "--security-opt", "seccomp=unconfined", "probe", "sleep", "30");
	struct run_result r = run_tinydock(NULL, 10, "exec", "nofilter", "grep", "Seccomp:", "/proc/self/status", NULL);
	ck_assert_str_eq(r.out, "Seccomp:\t0\n");
	run_free(&r);
	START("--name", "filter", "probe", "sleep", "30");
	r = run_tinydock(NULL, 10, "exec", "filter", "grep", "Seccomp:", "/proc/self/status", NULL);
	ck_assert_str_eq(r.out, "Seccomp:\t2\n");
	run_free(&r);
}
END_TEST

/* A spec as a program fills it (a compose service, a swarm task): no flags, no argv. */
static void api_spec(struct runtime_spec *spec, char **command)
{
	memset(spec, 0, sizeof(*spec));
	container_init(&spec->container);
	spec->container.rootfs = sandbox.rootfs;
	spec->container.network = NETWORK_NONE;
	spec->container.command = command;
	spec->detach = true;
}

START_TEST(one_process_runs_ten_containers_at_once_through_the_api_and_gets_each_exit_code)
{
	enum { COUNT = 10 };
	/* Each container marks that it runs, then waits until all ten do: they all finish only
	 * if they ran at the same time. Then each exits with a code of its own. */
	char ran[PATH_MAX];
	snprintf(ran, sizeof(ran), "%s/ran", sandbox.rootfs);
	ck_assert_int_eq(make_dirs(ran, 0777), 0);
	static struct runtime_spec specs[COUNT];
	static char scripts[COUNT][256];
	static char *commands[COUNT][4];
	struct runtime *handles[COUNT];
	for (int i = 0; i < COUNT; i++) {
		snprintf(scripts[i], sizeof(scripts[i]),
			 "touch /ran/%d; n=0; while [ $(ls /ran | wc -l) -lt %d ]; do n=$((n+1)); "
			 "[ $n -gt 1000 ] && exit 99; sleep 0.02; done; exit %d",
			 i, COUNT, 10 + i);
		commands[i][0] = (char *)"/bin/sh";
		commands[i][1] = (char *)"-c";
		commands[i][2] = scripts[i];
		commands[i][3] = NULL;
		api_spec(&specs[i], commands[i]);
		ck_assert_msg(runtime_create(&specs[i], NULL, &handles[i]) == 0, "%s", error_message());
	}
	for (int i = 0; i < COUNT; i++)
		ck_assert_msg(runtime_start(handles[i]) == 0, "container %d: %s", i, error_message());
	for (int i = 0; i < COUNT; i++) {
		ck_assert_int_eq(runtime_wait(handles[i]), 10 + i);
		struct container_record r;
		ck_assert_msg(container_record_load(runtime_id(handles[i]), &r) == 0, "%s", error_message());
		ck_assert_str_eq(r.status, "exited");
		ck_assert_int_eq(r.exit_code, 10 + i);
		container_record_free(&r);
		ck_assert_msg(runtime_remove(handles[i]) == 0, "%s", error_message());
		runtime_free(handles[i]);
	}
	char **ids;
	size_t count;
	ck_assert_int_eq(container_list(&ids, &count), 0);
	ck_assert_uint_eq(count, 0);
	container_list_free(ids, count);
}
END_TEST

START_TEST(a_container_of_the_api_stops_with_sigterm_and_is_removed)
{
	static struct runtime_spec spec;
	static char *command[] = { (char *)"sleep", (char *)"100", NULL };
	api_spec(&spec, command);
	struct runtime *rt;
	ck_assert_msg(runtime_create(&spec, NULL, &rt) == 0, "%s", error_message());
	ck_assert_msg(runtime_start(rt) == 0, "%s", error_message());
	ck_assert_msg(runtime_stop(rt, 10) == 0, "%s", error_message());
	ck_assert_int_eq(runtime_wait(rt), 128 + SIGTERM);
	ck_assert_msg(runtime_remove(rt) == 0, "%s", error_message());
	char id[CONTAINER_ID_LENGTH + 1];
	ck_assert_int_eq(container_resolve(runtime_id(rt), id), -1);
	error_clear();
	runtime_free(rt);
}
END_TEST

/* The first line of text that starts with prefix, to its end (static buffer; "" when none). */
static const char *line_after(const char *text, const char *prefix)
{
	static char line[512];
	line[0] = '\0';
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, prefix, strlen(prefix)) == 0) {
			snprintf(line, sizeof(line), "%.*s", (int)strcspn(p + strlen(prefix), "\n"), p + strlen(prefix));
			break;
		}
	return line;
}

/* The memory limit of the cgroup that probe's cgroup lines name: "N:memory:PATH" in the v1
 * memory tree (v1, hybrid), else "0::PATH" in the v2 tree. */
static long long memory_max_of(const char *probe_output)
{
	struct cgroup_layout layout;
	ck_assert_msg(cgroup_detect(NULL, &layout) == 0, "%s", error_message());
	bool v1 = layout.v1[CG_MEMORY][0] != '\0';
	const char *path = strstr(probe_output, v1 ? ":memory:" : "cgroup=0::");
	ck_assert_msg(path, "no memory cgroup line: %s", probe_output);
	path = strchr(path + 1, ':') + (v1 ? 1 : 2);
	char file[PATH_MAX * 2];
	snprintf(file, sizeof(file), "%s%.*s/%s", v1 ? layout.v1[CG_MEMORY] : layout.unified, (int)strcspn(path, "\n"),
		 path, v1 ? "memory.limit_in_bytes" : "memory.max");
	char *text = read_file(file, NULL);
	ck_assert_msg(text, "%s", error_message());
	long long limit = atoll(text);
	free(text);
	return limit;
}

/* Connect to 127.0.0.1:port, send data and return the answer of `probe serve` (static). */
static const char *ask(unsigned port, const char *data)
{
	static char answer[256];
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
				 .sin_port = htons((uint16_t)port) };
	ck_assert_msg(connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0, "nothing listens on port %u", port);
	ck_assert(write(fd, data, strlen(data)) == (ssize_t)strlen(data));
	shutdown(fd, SHUT_WR);
	size_t used = 0;
	ssize_t n;
	while ((n = read(fd, answer + used, sizeof(answer) - 1 - used)) > 0)
		used += (size_t)n;
	answer[used] = '\0';
	close(fd);
	return answer;
}

/* The host port that `tinydock port` shows for the container's port 80. */
static unsigned published_port(const char *ref)
{
	struct run_result r = run_tinydock(NULL, 10, "port", ref, NULL);
	unsigned port = 0;
	ck_assert_msg(sscanf(r.out, "80/tcp -> 127.0.0.1:%u", &port) == 1 && port > 0, "port said: %s %s", r.out, r.err);
	run_free(&r);
	return port;
}

START_TEST(a_container_the_api_made_from_a_spec_starts_again_from_the_cli_with_that_spec)
{
	/* A spec built in C, as a compose service or a swarm task fills it: no argv anywhere. */
	static struct runtime_spec spec;
	static char *command[] = { (char *)"probe", (char *)"hostname", (char *)"env", (char *)"cgroup",
				   (char *)"serve", (char *)"80", (char *)"100", NULL };
	api_spec(&spec, command);
	spec.container.name = "fromc";
	snprintf(spec.container.hostname, sizeof(spec.container.hostname), "made-in-c");
	spec.container.network = NETWORK_BRIDGE; /* the test's own bridge (harness_begin) */
	spec.container.env[spec.container.env_count++] = "GREETING=from C";
	ck_assert_int_eq(port_mapping_parse("127.0.0.1::80", &spec.container.ports[0]), 0);
	spec.container.port_count = 1;
	spec.limits.memory = 48 << 20;
	struct runtime *rt;
	ck_assert_msg(runtime_create(&spec, NULL, &rt) == 0, "%s", error_message());
	ck_assert_msg(runtime_start(rt) == 0, "%s", error_message());
	ck_assert_msg(wait_logs("fromc", "listening=80", 1, 10), "%s", describe("fromc"));
	unsigned first_port = published_port("fromc");
	ck_assert_str_eq(ask(first_port, "one"), "made-in-c:one");
	ck_assert_msg(runtime_stop(rt, 10) == 0, "%s", error_message());
	ck_assert_int_eq(runtime_wait(rt), 128 + SIGTERM);
	runtime_free(rt);

	struct run_result r = run_tinydock(NULL, 20, "start", "fromc", NULL);
	ck_assert_msg(r.status == 0, "start failed (%d): %s", r.status, r.err);
	run_free(&r);
	ck_assert_msg(wait_logs("fromc", "listening=80", 2, 10), "%s", describe("fromc"));
	r = run_tinydock(NULL, 10, "logs", "fromc", NULL);
	const char *second = strstr(strstr(r.out, "listening=80") + 1, "hostname=");
	ck_assert_msg(second, "one run in the log: %s", r.out);
	ck_assert_str_eq(line_after(second, "hostname="), "made-in-c");
	ck_assert_msg(strstr(second, "env=GREETING=from C\n"), "%s", second);
	ck_assert_msg(memory_max_of(second) == 48 << 20, "%s", second);
	run_free(&r);
	/* -p 127.0.0.1::80 again: Docker keeps the binding as asked and the kernel picks a port on
	 * each start, so it need not be the first one; it serves the same container. */
	ck_assert_str_eq(ask(published_port("fromc"), "two"), "made-in-c:two");
	struct json *doc = inspect_json("fromc");
	ck_assert_str_eq(json_string(json_pointer(doc, "/HostConfig/PortBindings/80~1tcp/0/HostPort")), "");
	ck_assert_str_eq(json_string(json_pointer(doc, "/Config/Cmd/0")), "probe");
	json_free(doc);
	r = run_tinydock(NULL, 20, "rm", "-f", "fromc", NULL);
	ck_assert_int_eq(r.status, 0);
	run_free(&r);
}
END_TEST

Suite *runtime_suite(void)
{
	Suite *s = suite_create("runtime");
	TCase *t = tcase_create("runtime");
	harness_use_stage(t, 3);
	harness_use_sandbox(t);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, run_d_prints_the_id_at_once_and_the_monitor_keeps_the_log);
	tcase_add_test(t, a_prune_asked_for_its_help_prints_it_and_removes_nothing);
	tcase_add_test(t, stop_ends_a_command_that_ignores_sigterm_within_a_second);
	tcase_add_test(t, stop_sends_the_runs_stop_signal_and_stop_s_another);
	tcase_add_test(t, on_failure_2_restarts_twice_then_stays_exited);
	tcase_add_test(t, always_restarts_even_after_success_until_stop);
	tcase_add_test(t, exec_joins_the_namespaces_and_the_cgroup_of_the_container);
	tcase_add_test(t, the_first_process_is_born_in_its_v2_folder_or_on_hybrid_joins_every_tree_before_it_runs);
	tcase_add_test(t, the_command_is_in_every_v1_tree_of_its_cgroup_before_it_starts);
	tcase_add_test(t, ps_and_inspect_use_dockers_columns_and_field_names);
	tcase_add_test(t, a_memory_limit_kills_and_inspect_reports_oom_killed);
	tcase_add_test(t, the_pids_limit_stops_a_fork_bomb_inside);
	tcase_add_test(t, a_cpu_quota_of_half_a_cpu_holds_in_stats);
	tcase_add_test(t, twenty_runs_at_once_are_all_recorded_with_their_names);
	tcase_add_test(t, a_name_in_use_is_refused_as_docker_words_it);
	tcase_add_test(t, a_container_whose_monitor_was_killed_shows_exited_and_can_be_removed);
	tcase_add_test(t, start_works_after_the_monitor_was_killed_and_left_its_cgroup);
	tcase_add_test(t, rm_flag_removes_the_container_when_it_exits);
	tcase_add_test(t, dockers_boolean_syntax_is_taken_by_run_ps_and_rm);
	tcase_add_test(t, attach_shows_only_the_streams_named_and_the_log_keeps_both);
	tcase_add_test(t, logs_since_and_until_keep_the_lines_written_in_that_window);
	tcase_add_test(t, exec_takes_an_env_file_and_d_leaves_the_command_running_on_its_own);
	tcase_add_test(t, a_setup_failure_reaches_the_user_of_run_d_and_leaves_no_cgroup);
	tcase_add_test(t, start_runs_a_stopped_container_again_with_the_same_id_and_log);
	tcase_add_test(t, a_foreground_run_keeps_a_log_and_still_prints_its_output);
	tcase_add_test(t, exec_gets_the_capabilities_of_the_container_not_the_defaults);
	tcase_add_test(t, one_process_runs_ten_containers_at_once_through_the_api_and_gets_each_exit_code);
	tcase_add_test(t, a_container_of_the_api_stops_with_sigterm_and_is_removed);
	tcase_add_test(t, a_container_the_api_made_from_a_spec_starts_again_from_the_cli_with_that_spec);
	suite_add_tcase(s, t);
	return s;
}
