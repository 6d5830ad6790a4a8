/*
 * test_manage.c - Docker's management commands and everyday ones as a student types them:
 * pause/unpause (the cgroup freezer) seen through ps, inspect and info, stop and kill of a paused
 * container; create then start; attach; cp both ways; `container ls` and `image ls` as `ps` and `images`; version;
 * info; system df.
 *
 * Each test has its own sandbox; the harness removes every container left in it, so a failed
 * test leaves no process frozen or running. Every wait is a bounded poll.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "files.h"
#include "harness.h"

static long long monotonic_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* `tinydock ARGS...` that must succeed: its stdout (malloc'd). */
#define OK(...) ok_output((const char *[]){ __VA_ARGS__, NULL })
static char *ok_output(const char **args)
{
	const char *argv[32] = { tinydock_binary() };
	size_t n = 1;
	for (; *args && n < 31; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	struct run_result r = run_program(NULL, 20, argv);
	ck_assert_msg(r.status == 0, "%s %s failed (%d): %s", argv[1], argv[2] ? argv[2] : "", r.status, r.err);
	char *out = r.out;
	r.out = NULL;
	run_free(&r);
	return out;
}

/* A container that counts as fast as a shell can, its count in /tmp/n (renamed into place, so
 * a reader never sees a half-written number); its id (static). */
static const char *start_counter(const char *name)
{
	static char id[65];
	char *out = OK("run", "-d", "--name", name, "--rootfs", sandbox.rootfs, "sh", "-c",
		       "i=0; while :; do i=$((i+1)); echo $i > /tmp/n.new; mv /tmp/n.new /tmp/n; done");
	snprintf(id, sizeof(id), "%.64s", out);
	free(out);
	return id;
}

/* The container's count, read through its init's root (/proc/PID/root); -1 before the first. */
static long read_count(const char *name)
{
	char *pid = OK("inspect", "-f", "{{.State.Pid}}", name);
	char path[128];
	snprintf(path, sizeof(path), "/proc/%ld/root/tmp/n", atol(pid));
	free(pid);
	char *text = read_file(path, NULL);
	long count = text ? atol(text) : -1;
	free(text);
	return count;
}

/* Does the count move within ms? */
static bool count_moves_within(const char *name, long ms)
{
	long start = read_count(name);
	for (long long deadline = monotonic_ms() + ms; monotonic_ms() < deadline; usleep(5000))
		if (read_count(name) != start)
			return true;
	return read_count(name) != start;
}

static bool status_becomes(const char *name, const char *status, long ms)
{
	for (long long deadline = monotonic_ms() + ms; monotonic_ms() < deadline; usleep(20000)) {
		char *out = OK("inspect", "-f", "{{.State.Status}}", name);
		bool done = strncmp(out, status, strlen(status)) == 0;
		free(out);
		if (done)
			return true;
	}
	return false;
}

START_TEST(a_paused_container_stops_counting_shows_paused_and_counts_on_once_unpaused)
{
	start_counter("counter");
	ck_assert_msg(count_moves_within("counter", 10000), "the container never counted");
	free(OK("pause", "counter"));
	char *state = OK("inspect", "-f", "{{.State.Status}} {{.State.Paused}} {{.State.Running}}", "counter");
	ck_assert_str_eq(state, "paused true true\n");
	free(state);
	char *ps = OK("ps", "--format", "{{.Status}}");
	ck_assert_msg(strstr(ps, "(Paused)") && strncmp(ps, "Up ", 3) == 0, "%s", ps);
	free(ps);
	char *info = OK("info");
	ck_assert_msg(strstr(info, "  Running: 0\n  Paused: 1\n"), "%s", info);
	free(info);
	/* Frozen: not one more count in half a second (running, it counts hundreds). */
	ck_assert_msg(!count_moves_within("counter", 500), "the count moved while paused");
	/* Pausing twice is refused, as Docker does. */
	struct run_result r = run_tinydock(NULL, 10, "pause", "counter", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "is already paused"), "%s", r.err);
	run_free(&r);
	free(OK("unpause", "counter"));
	ck_assert_msg(count_moves_within("counter", 10000), "the count did not go on after unpause");
	r = run_tinydock(NULL, 10, "unpause", "counter", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "is not paused"), "%s", r.err);
	run_free(&r);
}
END_TEST

START_TEST(stop_and_kill_end_a_paused_container)
{
	start_counter("stopped");
	start_counter("killed");
	ck_assert(count_moves_within("stopped", 10000) && count_moves_within("killed", 10000));
	free(OK("pause", "stopped", "killed"));
	long long before = monotonic_ms();
	free(OK("stop", "stopped"));
	ck_assert_msg(monotonic_ms() - before < 5000, "stop waited for its grace period");
	char *code = OK("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "stopped");
	ck_assert_str_eq(code, "exited 143\n"); /* the shell ended by the SIGTERM, not SIGKILL */
	free(code);
	free(OK("kill", "killed"));
	ck_assert(status_becomes("killed", "exited", 10000));
	code = OK("inspect", "-f", "{{.State.ExitCode}}", "killed");
	ck_assert_str_eq(code, "137\n");
	free(code);
}
END_TEST

START_TEST(container_ls_is_ps_and_container_inspect_sees_only_containers)
{
	start_counter("listed");
	char *ps = OK("ps", "-a", "--format", "{{.Names}} {{.Status}}");
	char *ls = OK("container", "ls", "-a", "--format", "{{.Names}} {{.Status}}");
	ck_assert_str_eq(ls, ps);
	free(ls);
	free(ps);
	char *name = OK("container", "inspect", "-f", "{{.Name}}", "listed");
	ck_assert_str_eq(name, "/listed\n");
	free(name);
	/* bridge is a network: `inspect` finds it, `container inspect` does not (Docker's answer) */
	struct run_result r = run_tinydock(NULL, 10, "container", "inspect", "bridge", NULL);
	ck_assert_int_ne(r.status, 0);
	run_free(&r);
	free(OK("container", "stop", "listed"));
	free(OK("container", "rm", "listed"));
	ps = OK("container", "ls", "-aq");
	ck_assert_str_eq(ps, "");
	free(ps);
}
END_TEST

START_TEST(a_stage_offers_only_the_subcommands_of_its_chapters)
{
	char *help = OK("container", "--help");
	ck_assert_msg(strstr(help, "  pause ") && strstr(help, "  prune ") && strstr(help, "  ls "), "%s", help);
	ck_assert_msg(!strstr(help, "  cp ") && !strstr(help, "  commit "), "chapter 03 has no cp: %s", help);
	free(help);
	struct run_result r = run_tinydock(NULL, 10, "container", "commit", "x", NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "unknown command \"commit\""), "%s", r.err);
	run_free(&r);
	r = run_tinydock(NULL, 10, "image", "ls", NULL); /* images are chapter 05's */
	ck_assert_int_eq(r.status, 1);
	run_free(&r);
	char *version = OK("version");
	ck_assert_msg(strstr(version, " Chapters:          01-chroot 02-namespaces 03-cgroups\n"), "%s", version);
	free(version);
}
END_TEST

START_TEST(a_subcommand_asked_for_its_help_prints_it_and_does_nothing)
{
	start_counter("helped");
	const char *const subcommands[] = { "pause", "stop", "kill", "rm", "prune", "restart" };
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		struct run_result r = run_tinydock(NULL, 10, "container", subcommands[i], "--help", NULL);
		ck_assert_msg(r.status == 0 && strstr(r.out, "Usage:"), "container %s --help: %d %s", subcommands[i],
			      r.status, r.err);
		run_free(&r);
	}
	char *state = OK("inspect", "-f", "{{.State.Status}}", "helped");
	ck_assert_str_eq(state, "running\n");
	free(state);
}
END_TEST

START_TEST(system_df_counts_images_and_containers_in_dockers_columns)
{
	char *df = OK("system", "df");
	ck_assert_str_eq(df, "TYPE         TOTAL     ACTIVE    SIZE      RECLAIMABLE\n"
			     "Images       0         0         0B        0B\n"
			     "Containers   0         0         0B        0B\n");
	free(df);
	char *info = OK("system", "info");
	ck_assert_msg(strstr(info, " Images: 0\n") && strstr(info, " Storage Driver: overlay\n"), "%s", info);
	free(info);
}
END_TEST

START_TEST(create_records_a_container_that_only_start_runs)
{
	char *id = OK("create", "--name", "made", "--rootfs", sandbox.rootfs, "sh", "-c", "echo started");
	ck_assert_uint_eq(strlen(id), 65);
	free(id);
	char *status = OK("ps", "-a", "--format", "{{.Names}} {{.Status}}");
	ck_assert_str_eq(status, "made Created\n");
	free(status);
	char *log = OK("logs", "made");
	ck_assert_str_eq(log, ""); /* it never ran */
	free(log);
	free(OK("start", "made"));
	char *code = OK("wait", "made");
	ck_assert_str_eq(code, "0\n");
	free(code);
	log = OK("logs", "made");
	ck_assert_str_eq(log, "started\n");
	free(log);
	/* its name is taken, as by run */
	struct run_result r = run_tinydock(NULL, 10, "create", "--name", "made", "--rootfs", sandbox.rootfs, "true", NULL);
	ck_assert_int_eq(r.status, 125);
	run_free(&r);
}
END_TEST

START_TEST(create_with_rm_keeps_its_layer_until_it_has_run_then_removes_it)
{
	char *id = OK("create", "--rm", "--name", "once", "--rootfs", sandbox.rootfs, "sh", "-c", "echo x > /made");
	id[64] = '\0';
	char upper[PATH_MAX];
	snprintf(upper, sizeof(upper), "%s/containers/%s/fs/upper", sandbox.root, id);
	ck_assert_msg(is_directory(upper), "create made no writable layer at %s", upper);
	free(OK("start", "once"));
	struct run_result r = run_tinydock(NULL, 20, "wait", "once", NULL);
	run_free(&r); /* it may be gone before wait looks: --rm */
	for (long long deadline = monotonic_ms() + 10000; is_directory(upper) && monotonic_ms() < deadline;)
		usleep(20000);
	ck_assert_msg(!is_directory(upper), "--rm left the layer");
	char *all = OK("ps", "-aq");
	ck_assert_str_eq(all, "");
	free(all);
	free(id);
}
END_TEST

/* Has process pid installed a handler for sig? /proc/PID/status, SigCgt (proc(5)): a hex mask. */
static bool catches(pid_t pid, int sig)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	unsigned long long mask = 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SigCgt: %llx", &mask) == 1)
			break;
	fclose(f);
	return mask & (1ULL << (sig - 1));
}

START_TEST(attach_shows_the_output_from_now_on_proxies_a_signal_and_exits_with_the_containers_code)
{
	free(OK("run", "-d", "--name", "talker", "--rootfs", sandbox.rootfs, "sh", "-c",
		"trap 'echo got-usr1; exit 7' USR1; echo early; while :; do sleep 0.05; done"));
	char *log = NULL;
	for (long long deadline = monotonic_ms() + 10000; monotonic_ms() < deadline; usleep(20000)) {
		free(log);
		log = OK("logs", "talker");
		if (strcmp(log, "early\n") == 0)
			break;
	}
	ck_assert_str_eq(log, "early\n");
	free(log);
	int out[2];
	ck_assert_int_eq(pipe(out), 0);
	pid_t attach = fork();
	ck_assert_int_ge(attach, 0);
	if (attach == 0) {
		dup2(out[1], 1);
		close(out[0]);
		execl(tinydock_binary(), tinydock_binary(), "attach", "talker", (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	long long deadline = monotonic_ms() + 10000;
	while (!catches(attach, SIGUSR1) && monotonic_ms() < deadline)
		usleep(5000);
	ck_assert_msg(catches(attach, SIGUSR1), "attach never set up its signal proxy");
	kill(attach, SIGUSR1);
	char text[256] = "";
	size_t len = 0;
	for (ssize_t n; len < sizeof(text) - 1 && (n = read(out[0], text + len, sizeof(text) - 1 - len)) > 0;)
		len += (size_t)n;
	text[len] = '\0';
	close(out[0]);
	int status = 0;
	ck_assert_int_eq(waitpid(attach, &status, 0), attach);
	ck_assert_str_eq(text, "got-usr1\n"); /* not "early": attach shows what comes after it */
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 7, "attach status %#x", status);
}
END_TEST

START_TEST(attach_to_a_stopped_container_is_refused)
{
	free(OK("create", "--name", "idle", "--rootfs", sandbox.rootfs, "true"));
	struct run_result r = run_tinydock(NULL, 10, "attach", "idle", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "You cannot attach to a stopped container, start it first"), "%s", r.err);
	run_free(&r);
}
END_TEST

/* --- cp (chapter 04) ------------------------------------------------------------------------ */

/* A host folder for cp tests: sandbox.dir/host with a.txt ("hello") and sub/b.txt ("deep"). */
static void make_host_tree(char dir[PATH_MAX])
{
	snprintf(dir, PATH_MAX, "%s/host", sandbox.dir);
	char path[PATH_MAX + 32];
	snprintf(path, sizeof(path), "%s/sub", dir);
	ck_assert_int_eq(make_dirs(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/a.txt", dir);
	ck_assert_int_eq(write_file_atomic(path, "hello\n", 6, 0644), 0);
	snprintf(path, sizeof(path), "%s/sub/b.txt", dir);
	ck_assert_int_eq(write_file_atomic(path, "deep\n", 5, 0644), 0);
}

/* `exec NAME cat PATH`'s output (malloc'd). */
static char *cat_in(const char *name, const char *path)
{
	return OK("exec", name, "cat", path);
}

START_TEST(cp_copies_a_file_and_a_folder_both_ways_by_dockers_rules)
{
	char host[PATH_MAX], path[PATH_MAX + 64];
	make_host_tree(host);
	free(OK("run", "-d", "--name", "box", "--rootfs", sandbox.rootfs, "sh", "-c", "mkdir /data; sleep 1000"));
	for (long long deadline = monotonic_ms() + 10000; monotonic_ms() < deadline; usleep(20000)) {
		struct run_result r = run_tinydock(NULL, 10, "exec", "box", "test", "-d", "/data", NULL);
		bool ready = r.status == 0;
		run_free(&r);
		if (ready)
			break;
	}
	/* a file into an existing folder: under its own name */
	snprintf(path, sizeof(path), "%s/a.txt", host);
	free(OK("cp", path, "box:/data/"));
	char *text = cat_in("box", "/data/a.txt");
	ck_assert_str_eq(text, "hello\n");
	free(text);
	/* a folder into an existing folder: the folder itself goes in */
	free(OK("cp", host, "box:/data"));
	text = cat_in("box", "/data/host/sub/b.txt");
	ck_assert_str_eq(text, "deep\n");
	free(text);
	/* "/." : the folder's contents straight into the destination */
	snprintf(path, sizeof(path), "%s/sub/.", host);
	free(OK("cp", path, "box:/data"));
	text = cat_in("box", "/data/b.txt");
	ck_assert_str_eq(text, "deep\n");
	free(text);
	/* out: a folder to a missing path is made as that folder */
	snprintf(path, sizeof(path), "%s/back", sandbox.dir);
	free(OK("cp", "box:/data/host", path));
	snprintf(path, sizeof(path), "%s/back/sub/b.txt", sandbox.dir);
	char *back = read_file(path, NULL);
	ck_assert_ptr_nonnull(back);
	ck_assert_str_eq(back, "deep\n");
	free(back);
	/* refused as Docker refuses */
	struct run_result r = run_tinydock(NULL, 10, "cp", "box:/data/host", path, NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "cannot copy a directory to a file"), "%s", r.err);
	run_free(&r);
	r = run_tinydock(NULL, 10, "cp", "box:/nope", sandbox.dir, NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "Could not find the file /nope"), "%s", r.err);
	run_free(&r);
}
END_TEST

START_TEST(cp_through_a_symlink_in_the_container_stays_inside_its_root)
{
	char host[PATH_MAX], path[PATH_MAX + 64], marker[64];
	make_host_tree(host);
	/* /evil -> /tmp: resolved on the host, it would be the host's /tmp */
	free(OK("run", "-d", "--name", "trap", "--rootfs", sandbox.rootfs, "sh", "-c", "ln -s /tmp /evil; sleep 1000"));
	for (long long deadline = monotonic_ms() + 10000; monotonic_ms() < deadline; usleep(20000)) {
		struct run_result r = run_tinydock(NULL, 10, "exec", "trap", "test", "-L", "/evil", NULL);
		bool ready = r.status == 0;
		run_free(&r);
		if (ready)
			break;
	}
	snprintf(marker, sizeof(marker), "tinydock-cp-escape-%d", (int)getpid());
	snprintf(path, sizeof(path), "%s/%s", host, marker);
	ck_assert_int_eq(write_file_atomic(path, "x", 1, 0644), 0);
	free(OK("cp", path, "trap:/evil/"));
	char host_tmp[PATH_MAX + 64], inside[PATH_MAX + 64];
	snprintf(host_tmp, sizeof(host_tmp), "/tmp/%s", marker);
	ck_assert_msg(access(host_tmp, F_OK) < 0, "cp followed the container's symlink out to %s", host_tmp);
	unlink(host_tmp);
	snprintf(inside, sizeof(inside), "/tmp/%s", marker);
	char *text = cat_in("trap", inside); /* in the container's own /tmp */
	ck_assert_str_eq(text, "x");
	free(text);
}
END_TEST

START_TEST(cp_works_on_a_stopped_container_and_streams_tar_both_ways)
{
	char host[PATH_MAX], path[PATH_MAX + 64];
	make_host_tree(host);
	free(OK("run", "--name", "done", "--rootfs", sandbox.rootfs, "sh", "-c", "mkdir /data; echo kept > /data/k"));
	/* stopped: out and in */
	snprintf(path, sizeof(path), "%s/k", sandbox.dir);
	free(OK("cp", "done:/data/k", path));
	char *text = read_file(path, NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text, "kept\n");
	free(text);
	snprintf(path, sizeof(path), "%s/a.txt", host);
	free(OK("cp", path, "done:/data/"));
	/* a tar stream out: the source under its own name */
	char *tar = OK("cp", "done:/data", "-");
	ck_assert_msg(strncmp(tar, "data/", 5) == 0, "first entry: %.100s", tar);
	free(tar);
	/* a tar stream in, from `tar` itself */
	char script[PATH_MAX * 3];
	snprintf(script, sizeof(script), "tar -C '%s' -cf - sub | '%s' cp - done:/data", host, tinydock_binary());
	const char *const sh[] = { "sh", "-c", script, NULL };
	struct run_result r = run_program(NULL, 20, sh);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	/* both copies are in its layer: they are there after it ran again */
	free(OK("start", "done"));
	free(OK("wait", "done"));
	snprintf(path, sizeof(path), "%s/check", sandbox.dir);
	free(OK("cp", "done:/data/a.txt", path));
	text = read_file(path, NULL);
	ck_assert_str_eq(text, "hello\n");
	free(text);
	snprintf(path, sizeof(path), "%s/check2", sandbox.dir);
	free(OK("cp", "done:/data/sub/b.txt", path));
	text = read_file(path, NULL);
	ck_assert_str_eq(text, "deep\n");
	free(text);
}
END_TEST

START_TEST(system_df_of_chapter_06_adds_the_volumes_and_the_build_cache)
{
	free(OK("volume", "create", "unused"));
	char *df = OK("system", "df");
	ck_assert_msg(strstr(df, "TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE\n"), "%s", df);
	ck_assert_msg(strstr(df, "\nLocal Volumes   1         0         0B        0B\n"), "%s", df);
	ck_assert_msg(strstr(df, "\nBuild Cache     0         0         "), "%s", df);
	free(df);
}
END_TEST

START_TEST(system_prune_asks_first_and_with_volumes_removes_anonymous_volumes_too)
{
	free(OK("volume", "create", "keep"));
	free(OK("run", "--name", "gone", "--rootfs", sandbox.rootfs, "-v", "/anon", "true"));
	/* no answer: nothing removed */
	struct run_result r = run_tinydock("n\n", 20, "system", "prune", "--volumes", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strstr(r.out, "  - all anonymous volumes not used by at least one container\n"), "%s", r.out);
	run_free(&r);
	char *all = OK("ps", "-aq");
	ck_assert_str_ne(all, "");
	free(all);
	free(OK("system", "prune", "-f", "--volumes"));
	all = OK("ps", "-aq");
	ck_assert_str_eq(all, "");
	free(all);
	char *volumes = OK("volume", "ls", "-q");
	ck_assert_str_eq(volumes, "keep\n"); /* a named volume is not pruned */
	free(volumes);
}
END_TEST

Suite *manage_suite(void)
{
	Suite *s = suite_create("manage");
	TCase *t = tcase_create("chapter 03");
	harness_use_stage(t, 3);
	harness_use_sandbox(t);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, a_paused_container_stops_counting_shows_paused_and_counts_on_once_unpaused);
	tcase_add_test(t, stop_and_kill_end_a_paused_container);
	tcase_add_test(t, container_ls_is_ps_and_container_inspect_sees_only_containers);
	tcase_add_test(t, a_stage_offers_only_the_subcommands_of_its_chapters);
	tcase_add_test(t, a_subcommand_asked_for_its_help_prints_it_and_does_nothing);
	tcase_add_test(t, create_records_a_container_that_only_start_runs);
	tcase_add_test(t, attach_shows_the_output_from_now_on_proxies_a_signal_and_exits_with_the_containers_code);
	tcase_add_test(t, attach_to_a_stopped_container_is_refused);
	suite_add_tcase(s, t);
	t = tcase_create("chapter 04");
	harness_use_stage(t, 4);
	harness_use_sandbox(t);
	tcase_set_timeout(t, 30);
	tcase_add_test(t, create_with_rm_keeps_its_layer_until_it_has_run_then_removes_it);
	tcase_add_test(t, cp_copies_a_file_and_a_folder_both_ways_by_dockers_rules);
	tcase_add_test(t, cp_through_a_symlink_in_the_container_stays_inside_its_root);
	tcase_add_test(t, cp_works_on_a_stopped_container_and_streams_tar_both_ways);
	suite_add_tcase(s, t);
	t = tcase_create("chapter 05");
	harness_use_stage(t, 5);
	harness_use_sandbox(t);
	tcase_set_timeout(t, 30);
	tcase_add_test(t, system_df_counts_images_and_containers_in_dockers_columns);
	suite_add_tcase(s, t);
	t = tcase_create("chapter 06");
	harness_use_stage(t, 6);
	harness_use_sandbox(t);
	tcase_set_timeout(t, 30);
	tcase_add_test(t, system_df_of_chapter_06_adds_the_volumes_and_the_build_cache);
	tcase_add_test(t, system_prune_asks_first_and_with_volumes_removes_anonymous_volumes_too);
	suite_add_tcase(s, t);
	return s;
}
