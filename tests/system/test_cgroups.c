/*
 * test_cgroups.c - 03-cgroups against the REAL cgroup hierarchy of this machine (v1, v2 or
 * hybrid, whichever it has): limits hold, an OOM kill is seen, the cgroup goes away afterwards.
 *
 * Every cgroup lives under a parent named tinydock-test-<runner pid>, so tests running side by
 * side never meet. The runner process removes that parent (killing whatever is left inside it)
 * after the test case, in an unchecked teardown that runs even when a test failed or crashed.
 * Every loop is bounded: 32 MiB limits, 64 MiB allocations, 10-process limits, 1 s CPU windows.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_stats.h"
#include "error.h"
#include "files.h"
#include "freezer.h"
#include "harness.h"

static char parent[64];

static struct cgroup_layout real_layout(void)
{
	struct cgroup_layout layout;
	ck_assert_msg(cgroup_detect("/sys/fs/cgroup", &layout) == 0, "%s", error_message());
	ck_assert(!layout.simulated);
	return layout;
}

/* ---- cleanup, in the runner process -------------------------------------------------------- */

static void parent_setup(void)
{
	snprintf(parent, sizeof(parent), "tinydock-test-%d", (int)getpid());
}

/* Remove every cgroup below one tree's copy of our parent, then the parent itself. */
static void clean_tree(const struct cgroup_layout *layout, const char *tree)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/%s", tree, parent);
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *entry;
	while ((entry = readdir(d)) != NULL) {
		struct cgroup cg;
		if (entry->d_type == DT_DIR && entry->d_name[0] != '.' &&
		    cgroup_open(layout, parent, entry->d_name, &cg) == 0 && cgroup_remove(&cg) < 0)
			fprintf(stderr, "test_cgroups: cleanup: %s\n", error_message());
	}
	closedir(d);
	if (rmdir(dir) < 0 && errno != ENOENT)
		fprintf(stderr, "test_cgroups: cleanup: cannot remove %s: %s\n", dir, strerror(errno));
}

static void parent_teardown(void)
{
	struct cgroup_layout layout;
	if (!parent[0] || cgroup_detect("/sys/fs/cgroup", &layout) < 0)
		return;
	for (int c = 0; c < CG_CONTROLLER_COUNT; c++)
		if (layout.v1[c][0])
			clean_tree(&layout, layout.v1[c]);
	if (layout.unified[0])
		clean_tree(&layout, layout.unified);
}

/* ---- a child that waits for its cgroup before it runs ---------------------------------------- */

struct child {
	pid_t pid;
	int go;  /* write a byte here to let it run */
	int out; /* its stdout */
};

enum body { BODY_PROBE, BODY_BUSY_LOOP, BODY_HOLD_16MIB, BODY_AFFINITY, BODY_COUNT };

/* BODY_COUNT adds one to *counter, in memory shared with the test, as fast as it can. */
static volatile unsigned long *counter;

static struct child spawn(enum body body, const char *const probe_args[])
{
	int go[2], out[2];
	ck_assert(pipe2(go, O_CLOEXEC) == 0 && pipe2(out, O_CLOEXEC) == 0);
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(out[1], 1);
		char byte;
		if (read(go[0], &byte, 1) != 1)
			_exit(99); /* the test gave up on us */
		alarm(20);         /* never outlive a broken test */
		if (body == BODY_PROBE) {
			const char *argv[16] = { probe_binary() };
			for (int i = 0; probe_args[i] && i < 14; i++)
				argv[i + 1] = probe_args[i];
			execv(argv[0], (char *const *)argv);
			_exit(127);
		}
		if (body == BODY_BUSY_LOOP)
			for (volatile unsigned long spin = 0;; spin++)
				;
		if (body == BODY_COUNT)
			for (;;)
				(*counter)++;
		if (body == BODY_HOLD_16MIB) {
			size_t size = 16 << 20;
			char *memory = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (memory == MAP_FAILED)
				_exit(98);
			memset(memory, 1, size);
			printf("held=16\n");
			fflush(stdout);
			pause();
		}
		if (body == BODY_AFFINITY) {
			cpu_set_t set;
			CPU_ZERO(&set);
			sched_getaffinity(0, sizeof(set), &set);
			printf("cpus=%d first=%d\n", CPU_COUNT(&set), CPU_ISSET(0, &set) ? 0 : -1);
			fflush(stdout);
		}
		_exit(0);
	}
	close(go[0]);
	close(out[1]);
	return (struct child){ pid, go[1], out[0] };
}

static void release(struct child *c)
{
	ck_assert_int_eq(write(c->go, "g", 1), 1);
	close(c->go);
	c->go = -1;
}

/* Read the child's stdout until it has a line (or 10 s pass). */
static const char *read_line(struct child *c)
{
	static char text[4096];
	size_t len = 0;
	time_t deadline = time(NULL) + 10;
	while (len < sizeof(text) - 1 && !memchr(text, '\n', len) && time(NULL) < deadline) {
		ssize_t n = read(c->out, text + len, sizeof(text) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	text[len] = '\0';
	return text;
}

/* Wait for the child, at most 10 s; its waitpid status. */
static int reap(struct child *c)
{
	int status = 0;
	for (int round = 0; round < 1000; round++) {
		if (waitpid(c->pid, &status, WNOHANG) == c->pid)
			goto done;
		usleep(10000);
	}
	kill(c->pid, SIGKILL);
	waitpid(c->pid, &status, 0);
done:
	if (c->go >= 0)
		close(c->go);
	close(c->out);
	return status;
}

static struct cgroup make(const char *id, const char *flag, ...)
{
	struct cgroup_limits limits = { 0 };
	va_list ap;
	va_start(ap, flag);
	for (const char *f = flag; f; f = va_arg(ap, const char *))
		ck_assert_msg(cgroup_limits_set(&limits, f, va_arg(ap, const char *)) == 0, "%s", error_message());
	va_end(ap);
	struct cgroup_layout layout = real_layout();
	struct cgroup cg;
	ck_assert_msg(cgroup_create(&layout, parent, id, &limits, &cg) == 0, "%s", error_message());
	return cg;
}

static bool any_folder_left(const struct cgroup *cg)
{
	for (int c = 0; c < CG_CONTROLLER_COUNT; c++)
		if (cg->v1[c][0] && is_directory(cg->v1[c]))
			return true;
	return cg->v2[0] && is_directory(cg->v2);
}

/* ---- the tests --------------------------------------------------------------------------- */

START_TEST(a_process_moved_in_is_listed_there_and_remove_kills_it_and_leaves_nothing)
{
	struct cgroup cg = make("basic", "memory", "64m", "pids-limit", "20", NULL);
	const char *const args[] = { "sleep", "30", NULL };
	struct child c = spawn(BODY_PROBE, args);
	ck_assert_msg(cgroup_attach(&cg, c.pid) == 0, "%s", error_message());
	release(&c);

	char path[64], expected[256];
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)c.pid);
	char *membership = read_file(path, NULL);
	ck_assert_ptr_nonnull(membership);
	snprintf(expected, sizeof(expected), "/%s/basic\n", parent);
	ck_assert_msg(strstr(membership, expected) != NULL, "%s", membership);
	free(membership);

	pid_t *pids;
	size_t count;
	ck_assert_int_eq(cgroup_pids(&cg, &pids, &count), 0);
	ck_assert_uint_eq(count, 1);
	ck_assert_int_eq(pids[0], c.pid);
	free(pids);

	struct cgroup_stats s;
	ck_assert_int_eq(cgroup_read_stats(&cg, &s), 0);
	ck_assert_int_eq(s.memory_limit, 64 << 20);
	ck_assert_int_eq(s.pids_limit, 20);
	ck_assert_int_eq(s.pids_current, 1);
	ck_assert_int_eq(s.oom_kills, 0);

	ck_assert_msg(cgroup_remove(&cg) == 0, "%s", error_message());
	int status = reap(&c);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %#x", status);
	ck_assert(!any_folder_left(&cg));
}
END_TEST

START_TEST(the_memory_limit_kills_an_allocation_beyond_it_and_the_oom_kill_is_counted)
{
	/* memory-swap equal to memory: no swap to escape to, on machines that have swap */
	struct cgroup cg = make("oom", "memory", "32m", "memory-swap", "32m", NULL);
	const char *const args[] = { "alloc", "64", NULL };
	struct child c = spawn(BODY_PROBE, args);
	ck_assert_msg(cgroup_attach(&cg, c.pid) == 0, "%s", error_message());
	release(&c);
	int status = reap(&c);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %#x", status);
	int64_t kills = 0;
	ck_assert_msg(cgroup_oom_kills(&cg, &kills) == 0, "%s", error_message());
	ck_assert_int_ge(kills, 1);
	ck_assert_msg(cgroup_remove(&cg) == 0, "%s", error_message());
	ck_assert(!any_folder_left(&cg));
}
END_TEST

START_TEST(an_allocation_below_the_memory_limit_runs_and_no_oom_is_counted)
{
	struct cgroup cg = make("no-oom", "memory", "64m", "memory-swap", "64m", NULL);
	const char *const args[] = { "alloc", "16", NULL };
	struct child c = spawn(BODY_PROBE, args);
	ck_assert_msg(cgroup_attach(&cg, c.pid) == 0, "%s", error_message());
	release(&c);
	ck_assert_str_eq(read_line(&c), "alloc=ok\n");
	int status = reap(&c);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	int64_t kills = -1;
	ck_assert_int_eq(cgroup_oom_kills(&cg, &kills), 0);
	ck_assert_int_eq(kills, 0);
	ck_assert_int_eq(cgroup_remove(&cg), 0);
}
END_TEST

START_TEST(the_pids_limit_stops_a_fork_loop_inside_and_remove_ends_it)
{
	struct cgroup cg = make("pids", "pids-limit", "10", NULL);
	const char *const args[] = { "fork", "50", NULL };
	struct child c = spawn(BODY_PROBE, args);
	ck_assert_msg(cgroup_attach(&cg, c.pid) == 0, "%s", error_message());
	release(&c);
	const char *line = read_line(&c);
	long forked = -1;
	ck_assert_msg(sscanf(line, "forked=%ld", &forked) == 1, "probe said: %s", line);
	/* the probe itself counts: 10 processes are itself and 9 children */
	ck_assert_int_eq(forked, 9);
	struct cgroup_stats s;
	ck_assert_int_eq(cgroup_read_stats(&cg, &s), 0);
	ck_assert_int_eq(s.pids_current, 10);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_msg(cgroup_remove(&cg) == 0, "%s", error_message());
	clock_gettime(CLOCK_MONOTONIC, &t1);
	reap(&c);
	/* all ten killed at once, not after the children's 5 s sleep */
	ck_assert_int_lt(t1.tv_sec - t0.tv_sec, 3);
	ck_assert(!any_folder_left(&cg));
}
END_TEST

static double seconds(const struct timespec *t)
{
	return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

START_TEST(the_cpu_quota_holds_a_busy_loop_near_half_a_core)
{
	struct cgroup cg = make("cpu", "cpus", "0.5", NULL);
	struct child c = spawn(BODY_BUSY_LOOP, NULL);
	ck_assert_msg(cgroup_attach(&cg, c.pid) == 0, "%s", error_message());
	release(&c);
	/* Measure from the steady state: once the loop has used 100 ms of CPU, it has run for at
	 * least two 100 ms periods of its quota (at most 20 s, on a busy machine). */
	struct cgroup_stats before, after;
	struct timespec t0, t1;
	time_t deadline = time(NULL) + 20;
	do {
		ck_assert_msg(time(NULL) < deadline, "the busy loop used under 100 ms of CPU in 20 s");
		usleep(10000);
		ck_assert_int_eq(cgroup_read_stats(&cg, &before), 0);
	} while (before.cpu_usage_usec < 100000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	usleep(1000000); /* the measurement's window, not a wait for anything */
	ck_assert_int_eq(cgroup_read_stats(&cg, &after), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_int_ge(before.cpu_usage_usec, 0);
	double cores = (double)(after.cpu_usage_usec - before.cpu_usage_usec) / 1e6 / (seconds(&t1) - seconds(&t0));
	printf("cpu quota 0.5: the busy loop used %.3f cores over %.2f s\n", cores, seconds(&t1) - seconds(&t0));
	/* The quota is a ceiling: at most half a core, plus one 100 ms period of slack at the edges
	 * of the window. It is no floor: on this shared 2-core machine other tests' processes compete
	 * for the CPU (measured 0.36 with two suites at once), so below only a sanity bound. */
	ck_assert_msg(cores <= 0.6, "used %.3f cores", cores);
	ck_assert_msg(cores >= 0.15, "used %.3f cores", cores);
	ck_assert_msg(cgroup_remove(&cg) == 0, "%s", error_message());
	reap(&c);
}
END_TEST

START_TEST(stats_read_back_the_memory_a_process_holds)
{
	struct cgroup cg = make("stats", "memory", "64m", NULL);
	struct child c = spawn(BODY_HOLD_16MIB, NULL);
	ck_assert_msg(cgroup_attach(&cg, c.pid) == 0, "%s", error_message());
	release(&c);
	ck_assert_str_eq(read_line(&c), "held=16\n");
	struct cgroup_stats s;
	ck_assert_int_eq(cgroup_read_stats(&cg, &s), 0);
	ck_assert_msg(s.memory_usage >= 16 << 20 && s.memory_usage < 64 << 20, "usage %lld", (long long)s.memory_usage);
	ck_assert_int_eq(s.memory_limit, 64 << 20);
	ck_assert_int_ge(s.cpu_usage_usec, 0);
	ck_assert_int_eq(s.pids_current, 1);
	ck_assert_int_eq(cgroup_remove(&cg), 0);
	reap(&c);
	ck_assert(!any_folder_left(&cg));
}
END_TEST

START_TEST(cpuset_cpus_pins_the_process_to_the_cpus_listed)
{
	struct cgroup cg = make("cpuset", "cpuset-cpus", "0", NULL);
	struct child c = spawn(BODY_AFFINITY, NULL);
	ck_assert_msg(cgroup_attach(&cg, c.pid) == 0, "%s", error_message());
	release(&c);
	ck_assert_str_eq(read_line(&c), "cpus=1 first=0\n");
	reap(&c);
	ck_assert_int_eq(cgroup_remove(&cg), 0);
	ck_assert(!any_folder_left(&cg));
}
END_TEST

START_TEST(cpu_shares_are_written_to_the_file_of_the_layout)
{
	struct cgroup cg = make("shares", "cpu-shares", "512", NULL);
	char path[PATH_MAX];
	if (cg.layout.mode == CGROUP_V2)
		snprintf(path, sizeof(path), "%s/cpu.weight", cg.v2);
	else
		snprintf(path, sizeof(path), "%s/cpu.shares", cg.v1[CG_CPU]);
	char *value = read_file(path, NULL);
	ck_assert_ptr_nonnull(value);
	ck_assert_str_eq(value, cg.layout.mode == CGROUP_V2 ? "20\n" : "512\n");
	free(value);
	ck_assert_int_eq(cgroup_remove(&cg), 0);
}
END_TEST

START_TEST(a_cpuset_of_a_cpu_that_does_not_exist_is_refused_with_the_file_and_value)
{
	struct cgroup_limits limits = { 0 };
	ck_assert_int_eq(cgroup_limits_set(&limits, "cpuset-cpus", "4000"), 0);
	struct cgroup_layout layout = real_layout();
	struct cgroup cg;
	ck_assert_int_eq(cgroup_create(&layout, parent, "bad-cpuset", &limits, &cg), -1);
	/* v2 says EINVAL, v1 says ERANGE: the advice is the same */
	ck_assert_msg(strstr(error_message(), "cannot write \"4000\" to \"") &&
			      strstr(error_message(), "/cpuset.cpus\": ") &&
			      strstr(error_message(), " (a CPU in the list does not exist"),
		      "%s", error_message());
	/* and nothing is left of the half-made cgroup */
	ck_assert_int_eq(cgroup_open(&layout, parent, "bad-cpuset", &cg), -1);
}
END_TEST

START_TEST(the_v2_tree_of_a_hybrid_machine_works_as_a_v2_root_of_its_own)
{
	struct cgroup_layout full = real_layout(), layout;
	if (full.mode != CGROUP_HYBRID) {
		harness_skip("this machine is %s, not hybrid: no separate v2 tree to try", cgroup_mode_name(full.mode));
		return;
	}
	/* pointed at /sys/fs/cgroup/unified, the detection sees a cgroup2 mount: a v2 root */
	ck_assert_msg(cgroup_detect(full.unified, &layout) == 0, "%s", error_message());
	ck_assert_int_eq(layout.mode, CGROUP_V2);
	struct cgroup_limits none = { 0 };
	struct cgroup cg;
	ck_assert_msg(cgroup_create(&layout, parent, "v2", &none, &cg) == 0, "%s", error_message());
	const char *const args[] = { "fork", "3", NULL };
	struct child c = spawn(BODY_PROBE, args);
	ck_assert_msg(cgroup_attach(&cg, c.pid) == 0, "%s", error_message());
	release(&c);
	ck_assert_str_eq(read_line(&c), "forked=3\n");
	pid_t *pids;
	size_t count;
	ck_assert_int_eq(cgroup_pids(&cg, &pids, &count), 0);
	free(pids);
	ck_assert_uint_eq(count, 4); /* the probe and its three children, all tracked by the v2 tree */
	struct cgroup_stats s;
	ck_assert_int_eq(cgroup_read_stats(&cg, &s), 0);
	ck_assert_int_ge(s.cpu_usage_usec, 0); /* cpu.stat exists in every v2 cgroup */
	/* cgroup.kill (Linux 5.14) ends all four at once */
	ck_assert_msg(cgroup_remove(&cg) == 0, "%s", error_message());
	int status = reap(&c);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	ck_assert(!any_folder_left(&cg));
}
END_TEST

/* ---- the freezer (pause) ----------------------------------------------------------------- */

/* A counting child in cg (its counter shared with us), started. */
static struct child spawn_counter(const struct cgroup *cg)
{
	counter = mmap(NULL, sizeof(*counter), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert(counter != MAP_FAILED);
	*counter = 0;
	struct child c = spawn(BODY_COUNT, NULL);
	ck_assert_msg(cgroup_attach(cg, c.pid) == 0, "%s", error_message());
	release(&c);
	return c;
}

static long long monotonic_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Does the counter move from where it is now, within ms? */
static bool counter_moves_within(long ms)
{
	unsigned long start = *counter;
	for (long long deadline = monotonic_ms() + ms; monotonic_ms() < deadline;) {
		if (*counter != start)
			return true;
		usleep(1000);
	}
	return *counter != start;
}

/* Freeze the counter's cgroup with kind; it must stand still, then move again once thawed. */
static void check_freezer(struct cgroup *cg, enum freezer_kind kind)
{
	struct child c = spawn_counter(cg);
	ck_assert_msg(counter_moves_within(5000), "the counter never started");
	ck_assert_msg(freezer_set(cg, kind, true, 5000) == 0, "%s", error_message());
	bool frozen = false;
	ck_assert_int_eq(freezer_get(cg, kind, &frozen), 0);
	ck_assert(frozen);
	/* Frozen: not one more count in a fifth of a second (a running one makes millions). */
	ck_assert_msg(!counter_moves_within(200), "the counter moved while frozen");
	ck_assert_msg(freezer_set(cg, kind, false, 5000) == 0, "%s", error_message());
	ck_assert_msg(counter_moves_within(5000), "the counter did not go on after the thaw");
	ck_assert_msg(cgroup_remove(cg) == 0, "%s", error_message());
	int status = reap(&c);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	munmap((void *)counter, sizeof(*counter));
}

START_TEST(the_v1_freezer_stops_every_count_and_thawed_the_process_counts_on)
{
	struct cgroup_layout layout = real_layout();
	if (!layout.v1[CG_FREEZER][0]) {
		harness_skip("this machine (%s) has no v1 freezer tree", cgroup_mode_name(layout.mode));
		return;
	}
	struct cgroup cg = make("freeze-v1", NULL);
	ck_assert_int_eq(freezer_of(&cg), FREEZER_V1);
	check_freezer(&cg, FREEZER_V1);
}
END_TEST

START_TEST(the_v2_freezer_stops_every_count_and_thawed_the_process_counts_on)
{
	/* On a hybrid machine the v2 tree holds every process too: its cgroup.freeze works there. */
	struct cgroup_layout full = real_layout(), layout = full;
	if (full.mode == CGROUP_HYBRID)
		ck_assert_msg(cgroup_detect(full.unified, &layout) == 0, "%s", error_message());
	if (layout.mode != CGROUP_V2) {
		harness_skip("this machine is %s: no v2 tree", cgroup_mode_name(full.mode));
		return;
	}
	struct cgroup_limits none = { 0 };
	struct cgroup cg;
	ck_assert_msg(cgroup_create(&layout, parent, "freeze-v2", &none, &cg) == 0, "%s", error_message());
	ck_assert_int_eq(freezer_of(&cg), FREEZER_V2);
	check_freezer(&cg, FREEZER_V2);
}
END_TEST

/* ---- the commands -------------------------------------------------------------------------- */

START_TEST(cgroup_info_names_the_layout_of_this_machine)
{
	struct cgroup_layout layout = real_layout();
	struct run_result r = run_tinydock(NULL, 10, "cgroup", "info", NULL);
	ck_assert_int_eq(r.status, 0);
	char expected[64];
	snprintf(expected, sizeof(expected), "Layout:        %s (", cgroup_mode_name(layout.mode));
	ck_assert_msg(strstr(r.out, expected) != NULL, "stdout: %s", r.out);
	ck_assert_msg(strstr(r.out, "Root:          /sys/fs/cgroup\n") != NULL, "stdout: %s", r.out);
	run_free(&r);
}
END_TEST

START_TEST(cgroup_run_reports_an_oom_kill_with_exit_137_and_explains_each_write)
{
	struct run_result r = run_tinydock(NULL, 30, "--explain", "cgroup", "run", "--cgroup-parent", parent, "--memory",
					   "32m", "--memory-swap", "32m", probe_binary(), "alloc", "64", NULL);
	ck_assert_msg(r.status == 137, "status %d, stderr: %s", r.status, r.err);
	ck_assert_msg(strstr(r.err, "the command was killed by the out-of-memory killer") != NULL, "%s", r.err);
	ck_assert_msg(strstr(r.err, "OOM kills 1") != NULL, "%s", r.err);
	struct cgroup_layout layout = real_layout();
	const char *file = layout.mode == CGROUP_V2 ? "memory.max = 33554432\n" : "memory.limit_in_bytes = 33554432\n";
	ck_assert_msg(strstr(r.err, file) != NULL, "no \"%s\" in: %s", file, r.err);
	ck_assert_msg(strstr(r.err, "[03-cgroups] write /sys/fs/cgroup/") != NULL, "%s", r.err);
	ck_assert_msg(strstr(r.err, "[03-cgroups] rmdir /sys/fs/cgroup/") != NULL, "%s", r.err);
	run_free(&r);
}
END_TEST

/* A cgroup folder below our parent in any tree of this machine (v1, v2 or hybrid), as
 * "TREE/PARENT/NAME" in a static buffer; NULL when there is none. */
static const char *a_cgroup_below_our_parent(void)
{
	static char found[PATH_MAX + 256];
	struct cgroup_layout layout = real_layout();
	const char *trees[CG_CONTROLLER_COUNT + 1];
	int n = 0;
	for (int c = 0; c < CG_CONTROLLER_COUNT; c++)
		if (layout.v1[c][0])
			trees[n++] = layout.v1[c];
	if (layout.unified[0])
		trees[n++] = layout.unified;
	for (int i = 0; i < n; i++) {
		char dir[PATH_MAX];
		snprintf(dir, sizeof(dir), "%s/%s", trees[i], parent);
		DIR *d = opendir(dir);
		if (!d)
			continue;
		struct dirent *entry;
		while ((entry = readdir(d)) != NULL) {
			if (entry->d_type == DT_DIR && entry->d_name[0] != '.') {
				snprintf(found, sizeof(found), "%s/%s", dir, entry->d_name);
				closedir(d);
				return found;
			}
		}
		closedir(d);
	}
	return NULL;
}

START_TEST(cgroup_run_passes_the_exit_code_on_and_leaves_no_cgroup)
{
	struct run_result r = run_tinydock(NULL, 30, "cgroup", "run", "--cgroup-parent", parent, "--pids-limit", "10",
					   probe_binary(), "fork", "50", "exit", "3", NULL);
	ck_assert_msg(r.status == 3, "status %d, stderr: %s", r.status, r.err);
	ck_assert_str_eq(r.out, "forked=9\n");
	run_free(&r);
	const char *left = a_cgroup_below_our_parent();
	ck_assert_msg(left == NULL, "left behind: %s", left);
}
END_TEST

START_TEST(cgroup_run_refuses_bad_flags_before_touching_anything)
{
	struct run_result r = run_tinydock(NULL, 10, "cgroup", "run", "--cgroup-parent", parent, "--memory", "lots",
					   "true", NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "invalid argument \"lots\" for \"--memory\" flag") != NULL, "%s", r.err);
	run_free(&r);
	r = run_tinydock(NULL, 10, "cgroup", "run", "--cgroup-parent", parent, "--memory-swap", "64m", "true", NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "--memory-swap needs --memory") != NULL, "%s", r.err);
	run_free(&r);
	/* Nothing was touched: no cgroup below our parent in any tree. */
	const char *left = a_cgroup_below_our_parent();
	ck_assert_msg(left == NULL, "made: %s", left);
}
END_TEST

Suite *cgroups_suite(void)
{
	Suite *s = suite_create("cgroups");
	TCase *t = tcase_create("real hierarchy");
	harness_use_stage(t, 3);
	tcase_set_timeout(t, 30);
	tcase_add_unchecked_fixture(t, parent_setup, parent_teardown);
	tcase_add_test(t, a_process_moved_in_is_listed_there_and_remove_kills_it_and_leaves_nothing);
	tcase_add_test(t, the_memory_limit_kills_an_allocation_beyond_it_and_the_oom_kill_is_counted);
	tcase_add_test(t, an_allocation_below_the_memory_limit_runs_and_no_oom_is_counted);
	tcase_add_test(t, the_pids_limit_stops_a_fork_loop_inside_and_remove_ends_it);
	tcase_add_test(t, the_cpu_quota_holds_a_busy_loop_near_half_a_core);
	tcase_add_test(t, stats_read_back_the_memory_a_process_holds);
	tcase_add_test(t, cpuset_cpus_pins_the_process_to_the_cpus_listed);
	tcase_add_test(t, cpu_shares_are_written_to_the_file_of_the_layout);
	tcase_add_test(t, a_cpuset_of_a_cpu_that_does_not_exist_is_refused_with_the_file_and_value);
	tcase_add_test(t, the_v2_tree_of_a_hybrid_machine_works_as_a_v2_root_of_its_own);
	tcase_add_test(t, the_v1_freezer_stops_every_count_and_thawed_the_process_counts_on);
	tcase_add_test(t, the_v2_freezer_stops_every_count_and_thawed_the_process_counts_on);
	tcase_add_test(t, cgroup_info_names_the_layout_of_this_machine);
	tcase_add_test(t, cgroup_run_reports_an_oom_kill_with_exit_137_and_explains_each_write);
	tcase_add_test(t, cgroup_run_passes_the_exit_code_on_and_leaves_no_cgroup);
	tcase_add_test(t, cgroup_run_refuses_bad_flags_before_touching_anything);
	suite_add_tcase(s, t);
	return s;
}
