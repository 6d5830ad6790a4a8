/*
 * test_cgroup_fake.c - cgroup.c against FAKE cgroup roots: plain folders laid out like a v2 root
 * (cgroup.controllers, cgroup.subtree_control), a v1 root (one folder per controller) and a hybrid
 * one. No root needed, and the v2 logic is covered on a machine that only has v1 (and back).
 *
 * A fake root is not a kernel: files appear only when written. The tests write what the kernel
 * would report (memory.current, ...) where they read stats.
 */
#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_stats.h"
#include "device-cgroup.h"
#include "error.h"
#include "explain.h"
#include "files.h"

/* Each test gets fake = base/XXXXXX. The base is made and removed by the runner process (an
 * unchecked fixture), so a test that fails half-way leaves nothing in /tmp. */
static char base[PATH_MAX], fake[PATH_MAX];

static void base_setup(void)
{
	snprintf(base, sizeof(base), "/tmp/tinydock-fakecg.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(base));
}

static void base_teardown(void)
{
	if (strncmp(base, "/tmp/tinydock-fakecg.", 21) == 0)
		remove_tree(base);
}

static void fake_setup(void)
{
	snprintf(fake, sizeof(fake), "%s/XXXXXX", base);
	ck_assert_ptr_nonnull(mkdtemp(fake));
}

/* Write text to fake/relative (making its folder). */
static void put(const char *relative, const char *text)
{
	char path[PATH_MAX], dir[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", fake, relative);
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	ck_assert_int_eq(make_dirs(dir, 0755), 0);
	ck_assert_msg(write_file_atomic(path, text, strlen(text), 0644) == 0, "%s", error_message());
}

/* The content of fake/relative, without its trailing newline ("<missing>" if absent). */
static const char *get(const char *relative)
{
	static char text[4096];
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", fake, relative);
	char *data = read_file(path, NULL);
	snprintf(text, sizeof(text), "%s", data ? data : "<missing>");
	free(data);
	text[strcspn(text, "\n")] = '\0';
	return text;
}

static bool exists(const char *relative)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", fake, relative);
	return access(path, F_OK) == 0;
}

static void make_v2_root(const char *controllers, const char *enabled)
{
	put("cgroup.controllers", controllers);
	put("cgroup.subtree_control", enabled);
	put("cgroup.procs", "1\n");
}

static void make_v1_root(bool with_pids)
{
	const char *names[] = { "memory", "cpu", "cpuacct", "cpuset", "pids" };
	for (int i = 0; i < 5; i++) {
		if (!with_pids && strcmp(names[i], "pids") == 0)
			continue;
		char file[64];
		snprintf(file, sizeof(file), "%s/cgroup.procs", names[i]);
		put(file, "1\n");
	}
	put("cpuset/cpuset.cpus", "0-3\n");
	put("cpuset/cpuset.mems", "0\n");
}

static struct cgroup_layout detect(enum cgroup_mode expected)
{
	struct cgroup_layout layout;
	ck_assert_msg(cgroup_detect(fake, &layout) == 0, "%s", error_message());
	ck_assert_int_eq(layout.mode, expected);
	ck_assert(layout.simulated);
	return layout;
}

static struct cgroup_limits limits_of(const char *flag, ...)
{
	struct cgroup_limits l = { 0 };
	va_list ap;
	va_start(ap, flag);
	for (const char *f = flag; f; f = va_arg(ap, const char *))
		ck_assert_msg(cgroup_limits_set(&l, f, va_arg(ap, const char *)) == 0, "%s", error_message());
	va_end(ap);
	return l;
}

/* ---- v2 ----------------------------------------------------------------------------------- */

START_TEST(a_fake_v2_root_is_detected_by_its_cgroup_controllers_file)
{
	make_v2_root("cpuset cpu io memory pids\n", "");
	struct cgroup_layout l = detect(CGROUP_V2);
	ck_assert_str_eq(l.unified, fake);
}
END_TEST

START_TEST(the_root_can_come_from_tinydock_cgroup_root)
{
	make_v2_root("cpu memory pids\n", "");
	setenv("TINYDOCK_CGROUP_ROOT", fake, 1);
	struct cgroup_layout l;
	int rc = cgroup_detect(NULL, &l);
	unsetenv("TINYDOCK_CGROUP_ROOT");
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(l.root, fake);
	ck_assert_int_eq(l.mode, CGROUP_V2);
}
END_TEST

START_TEST(v2_enables_the_needed_controllers_down_the_parents_then_writes_the_limits)
{
	make_v2_root("cpuset cpu io memory pids\n", "");
	struct cgroup_layout l = detect(CGROUP_V2);
	struct cgroup_limits lim = limits_of("memory", "64m", "cpus", "0.5", "pids-limit", "50", NULL);
	struct cgroup cg;
	ck_assert_msg(cgroup_create(&l, "tinydock", "4f2a", &lim, &cg) == 0, "%s", error_message());
	/* the root hands the controllers to tinydock/, and tinydock/ hands them to its containers */
	ck_assert_str_eq(get("cgroup.subtree_control"), "+memory +cpu +pids");
	ck_assert_str_eq(get("tinydock/cgroup.subtree_control"), "+memory +cpu +pids");
	ck_assert_str_eq(get("tinydock/4f2a/memory.max"), "67108864");
	ck_assert_str_eq(get("tinydock/4f2a/cpu.max"), "50000 100000");
	ck_assert_str_eq(get("tinydock/4f2a/pids.max"), "50");
	/* the leaf hands nothing on: processes live there (no internal processes above it) */
	ck_assert(!exists("tinydock/4f2a/cgroup.subtree_control"));
	char expected[PATH_MAX];
	snprintf(expected, sizeof(expected), "%s/tinydock/4f2a", fake);
	ck_assert_str_eq(cg.v2, expected);
}
END_TEST

START_TEST(v2_enables_only_what_is_not_enabled_yet)
{
	make_v2_root("cpu memory pids\n", "memory pids\n");
	struct cgroup_layout l = detect(CGROUP_V2);
	struct cgroup_limits lim = limits_of("cpus", "1", NULL);
	struct cgroup cg;
	ck_assert_msg(cgroup_create(&l, "tinydock", "c1", &lim, &cg) == 0, "%s", error_message());
	ck_assert_str_eq(get("cgroup.subtree_control"), "+cpu");
}
END_TEST

START_TEST(v2_without_limits_still_enables_memory_and_pids_for_stats_when_offered)
{
	make_v2_root("memory\n", "");
	struct cgroup_layout l = detect(CGROUP_V2);
	struct cgroup_limits lim = { 0 };
	struct cgroup cg;
	ck_assert_msg(cgroup_create(&l, "tinydock", "c1", &lim, &cg) == 0, "%s", error_message());
	ck_assert_str_eq(get("cgroup.subtree_control"), "+memory");
}
END_TEST

START_TEST(v2_nests_a_parent_of_several_levels)
{
	make_v2_root("pids\n", "");
	struct cgroup_layout l = detect(CGROUP_V2);
	struct cgroup_limits lim = limits_of("pids-limit", "10", NULL);
	struct cgroup cg;
	ck_assert_msg(cgroup_create(&l, "tinydock/tests", "c1", &lim, &cg) == 0, "%s", error_message());
	ck_assert_str_eq(get("tinydock/cgroup.subtree_control"), "+pids");
	ck_assert_str_eq(get("tinydock/tests/cgroup.subtree_control"), "+pids");
	ck_assert_str_eq(get("tinydock/tests/c1/pids.max"), "10");
}
END_TEST

START_TEST(v2_names_a_controller_the_tree_does_not_offer)
{
	make_v2_root("memory pids\n", "");
	struct cgroup_layout l = detect(CGROUP_V2);
	struct cgroup_limits lim = limits_of("cpus", "0.5", NULL);
	struct cgroup cg;
	ck_assert_int_eq(cgroup_create(&l, "tinydock", "c1", &lim, &cg), -1);
	char expected[PATH_MAX * 2];
	snprintf(expected, sizeof(expected), "the cpu controller is not available: %s/cgroup.controllers lists \"memory pids\"",
		 fake);
	ck_assert_msg(strstr(error_message(), expected) != NULL, "%s", error_message());
	ck_assert(!exists("tinydock/c1"));
}
END_TEST

START_TEST(v2_says_where_to_enable_a_controller_it_could_not_enable)
{
	make_v2_root("cpu memory\n", "");
	/* a subtree_control file that reads but refuses writes, as a kernel's does when it says no */
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", fake);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(symlink("/proc/version", path), 0);
	struct cgroup_layout l = detect(CGROUP_V2);
	struct cgroup_limits lim = limits_of("cpus", "0.5", NULL);
	struct cgroup cg;
	ck_assert_int_eq(cgroup_create(&l, "tinydock", "c1", &lim, &cg), -1);
	char expected[PATH_MAX * 2];
	snprintf(expected, sizeof(expected), "the cpu controller is not enabled in %s/cgroup.subtree_control", fake);
	ck_assert_msg(strstr(error_message(), expected) != NULL, "%s", error_message());
	snprintf(expected, sizeof(expected), "enable it with: echo \"+cpu\" > %s/cgroup.subtree_control", fake);
	ck_assert_msg(strstr(error_message(), expected) != NULL, "%s", error_message());
}
END_TEST

START_TEST(a_cgroup_that_exists_already_is_refused_and_left_alone)
{
	make_v2_root("memory\n", "memory\n");
	put("tinydock/c1/memory.max", "1234\n");
	struct cgroup_layout l = detect(CGROUP_V2);
	struct cgroup_limits lim = limits_of("memory", "64m", NULL);
	struct cgroup cg;
	ck_assert_int_eq(cgroup_create(&l, "tinydock", "c1", &lim, &cg), -1);
	ck_assert_msg(strstr(error_message(), "cannot create cgroup") && strstr(error_message(), "File exists"), "%s",
		      error_message());
	ck_assert_str_eq(get("tinydock/c1/memory.max"), "1234");
}
END_TEST

/* Every path below base with its size, one a line (static buffer): what a refusal must leave
 * as it was, inside the fake root and beside it. */
static char listing[16384];
static int list_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)type;
	(void)ftw;
	size_t used = strlen(listing);
	snprintf(listing + used, sizeof(listing) - used, "%s %lld\n", path, (long long)st->st_size);
	return 0;
}

static const char *tree_listing(void)
{
	listing[0] = '\0';
	ck_assert_int_eq(nftw(base, list_one, 16, FTW_PHYS), 0);
	ck_assert_uint_lt(strlen(listing), sizeof(listing) - 1);
	return listing;
}

START_TEST(names_that_climb_out_of_the_tree_are_refused)
{
	make_v2_root("memory\n", "");
	struct cgroup_layout l = detect(CGROUP_V2);
	struct cgroup_limits lim = { 0 };
	struct cgroup cg;
	char before[sizeof(listing)];
	snprintf(before, sizeof(before), "%s", tree_listing());
	ck_assert_int_eq(cgroup_create(&l, "tinydock", "..", &lim, &cg), -1);
	ck_assert_str_eq(error_message(), "invalid cgroup name \"..\": Invalid argument");
	ck_assert_int_eq(cgroup_create(&l, "tinydock", "a/b", &lim, &cg), -1);
	ck_assert_int_eq(cgroup_create(&l, "/etc", "c1", &lim, &cg), -1);
	ck_assert_int_eq(cgroup_create(&l, "tinydock/../..", "c1", &lim, &cg), -1);
	ck_assert_str_eq(error_message(), "invalid cgroup parent \"tinydock/../..\": Invalid argument");
	ck_assert_str_eq(tree_listing(), before);
}
END_TEST

START_TEST(v2_attach_writes_the_pid_to_cgroup_procs_and_stats_read_the_v2_files)
{
	make_v2_root("cpu memory pids\n", "");
	struct cgroup_layout l = detect(CGROUP_V2);
	struct cgroup_limits lim = limits_of("memory", "64m", NULL);
	struct cgroup cg;
	ck_assert_msg(cgroup_create(&l, "tinydock", "c1", &lim, &cg) == 0, "%s", error_message());
	ck_assert_msg(cgroup_attach(&cg, 4242) == 0, "%s", error_message());
	ck_assert_str_eq(get("tinydock/c1/cgroup.procs"), "4242");
	put("tinydock/c1/memory.current", "1048576\n");
	put("tinydock/c1/cpu.stat", "usage_usec 250000\nuser_usec 200000\nsystem_usec 50000\n");
	put("tinydock/c1/pids.current", "3\n");
	put("tinydock/c1/pids.max", "max\n");
	put("tinydock/c1/memory.events", "low 0\nhigh 0\nmax 7\noom 1\noom_kill 1\n");
	struct cgroup_stats s;
	ck_assert_int_eq(cgroup_read_stats(&cg, &s), 0);
	ck_assert_int_eq(s.memory_usage, 1048576);
	ck_assert_int_eq(s.memory_limit, 67108864);
	ck_assert_int_eq(s.cpu_usage_usec, 250000);
	ck_assert_int_eq(s.pids_current, 3);
	ck_assert_int_eq(s.pids_limit, -1);
	ck_assert_int_eq(s.oom_kills, 1);
}
END_TEST

START_TEST(open_finds_an_existing_cgroup_and_remove_deletes_it)
{
	make_v2_root("memory\n", "");
	struct cgroup_layout l = detect(CGROUP_V2);
	struct cgroup_limits lim = limits_of("memory", "64m", NULL);
	struct cgroup made, found;
	ck_assert_int_eq(cgroup_create(&l, "tinydock", "c1", &lim, &made), 0);
	ck_assert_msg(cgroup_open(&l, "tinydock", "c1", &found) == 0, "%s", error_message());
	ck_assert_str_eq(found.v2, made.v2);
	ck_assert_msg(cgroup_remove(&found) == 0, "%s", error_message());
	ck_assert(!exists("tinydock/c1"));
	ck_assert(exists("tinydock")); /* the parent stays, as Docker's docker/ does */
	ck_assert_int_eq(cgroup_open(&l, "tinydock", "c1", &found), -1);
	ck_assert_msg(strstr(error_message(), "no cgroup \"tinydock/c1\"") != NULL, "%s", error_message());
}
END_TEST

/* Run cgroup_create in a child with --explain on, and return what it printed on stderr. */
static const char *explained_create(const struct cgroup_layout *l, const struct cgroup_limits *lim)
{
	static char out[16384];
	int pipefd[2];
	ck_assert_int_eq(pipe(pipefd), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(pipefd[1], 2);
		explain_enable(true);
		struct cgroup cg;
		_exit(cgroup_create(l, "tinydock", "4f2a", lim, &cg) == 0 ? 0 : 1);
	}
	close(pipefd[1]);
	size_t len = 0;
	ssize_t n;
	while (len < sizeof(out) - 1 && (n = read(pipefd[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(pipefd[0]);
	int status;
	waitpid(pid, &status, 0);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "create failed: %s", out);
	return out;
}

START_TEST(every_step_is_explained_with_the_file_and_the_value)
{
	make_v2_root("cpu memory pids\n", "");
	struct cgroup_layout l = detect(CGROUP_V2);
	struct cgroup_limits lim = limits_of("memory", "64m", "cpus", "0.5", NULL);
	const char *out = explained_create(&l, &lim);
	char line[PATH_MAX * 2];
	/* what the limits need first (a failure names exactly those), then what stats would like */
	snprintf(line, sizeof(line), "[03-cgroups] write %s/cgroup.subtree_control = +memory +cpu\n", fake);
	ck_assert_msg(strstr(out, line) != NULL, "missing %s in:\n%s", line, out);
	snprintf(line, sizeof(line), "[03-cgroups] write %s/cgroup.subtree_control = +pids\n", fake);
	ck_assert_msg(strstr(out, line) != NULL, "missing %s in:\n%s", line, out);
	snprintf(line, sizeof(line), "[03-cgroups] mkdir %s/tinydock/4f2a = 0\n", fake);
	ck_assert_msg(strstr(out, line) != NULL, "missing %s in:\n%s", line, out);
	snprintf(line, sizeof(line), "[03-cgroups] write %s/tinydock/4f2a/memory.max = 67108864\n", fake);
	ck_assert_msg(strstr(out, line) != NULL, "missing %s in:\n%s", line, out);
	snprintf(line, sizeof(line), "[03-cgroups] write %s/tinydock/4f2a/cpu.max = 50000 100000\n", fake);
	ck_assert_msg(strstr(out, line) != NULL, "missing %s in:\n%s", line, out);
}
END_TEST

/* ---- v1 and hybrid ------------------------------------------------------------------------ */

START_TEST(a_fake_v1_root_has_a_folder_per_controller)
{
	make_v1_root(true);
	struct cgroup_layout l = detect(CGROUP_V1);
	char expected[PATH_MAX];
	snprintf(expected, sizeof(expected), "%s/memory", fake);
	ck_assert_str_eq(l.v1[CG_MEMORY], expected);
	ck_assert_str_eq(l.unified, "");
}
END_TEST

START_TEST(v1_writes_each_limit_in_its_controllers_tree)
{
	make_v1_root(true);
	struct cgroup_layout l = detect(CGROUP_V1);
	struct cgroup_limits lim = limits_of("memory", "64m", "memory-swap", "128m", "cpus", "0.5", "cpu-shares",
					     "512", "pids-limit", "50", NULL);
	struct cgroup cg;
	ck_assert_msg(cgroup_create(&l, "tinydock", "c1", &lim, &cg) == 0, "%s", error_message());
	ck_assert_str_eq(get("memory/tinydock/c1/memory.limit_in_bytes"), "67108864");
	ck_assert_str_eq(get("memory/tinydock/c1/memory.memsw.limit_in_bytes"), "134217728");
	ck_assert_str_eq(get("cpu/tinydock/c1/cpu.cfs_period_us"), "100000");
	ck_assert_str_eq(get("cpu/tinydock/c1/cpu.cfs_quota_us"), "50000");
	ck_assert_str_eq(get("cpu/tinydock/c1/cpu.shares"), "512");
	ck_assert_str_eq(get("pids/tinydock/c1/pids.max"), "50");
	ck_assert(exists("cpuacct/tinydock/c1")); /* joined for CPU usage */
	ck_assert(!exists("cpuset/tinydock")); /* no --cpuset-cpus, no cpuset to fill in */
	ck_assert(!exists("cgroup.subtree_control")); /* v1 has no such thing */
}
END_TEST

START_TEST(v1_cpuset_copies_cpus_and_mems_from_the_parent_before_a_process_may_join)
{
	make_v1_root(true);
	struct cgroup_layout l = detect(CGROUP_V1);
	struct cgroup_limits lim = limits_of("cpuset-cpus", "0-1", NULL);
	struct cgroup cg;
	ck_assert_msg(cgroup_create(&l, "tinydock", "c1", &lim, &cg) == 0, "%s", error_message());
	ck_assert_str_eq(get("cpuset/tinydock/cpuset.cpus"), "0-3");
	ck_assert_str_eq(get("cpuset/tinydock/cpuset.mems"), "0");
	ck_assert_str_eq(get("cpuset/tinydock/c1/cpuset.cpus"), "0-1");
	ck_assert_str_eq(get("cpuset/tinydock/c1/cpuset.mems"), "0");
}
END_TEST

START_TEST(v1_names_a_controller_that_is_not_mounted)
{
	make_v1_root(false);
	struct cgroup_layout l = detect(CGROUP_V1);
	struct cgroup_limits lim = limits_of("pids-limit", "50", NULL);
	struct cgroup cg;
	ck_assert_int_eq(cgroup_create(&l, "tinydock", "c1", &lim, &cg), -1);
	ck_assert_msg(strstr(error_message(), "the pids controller is not mounted") != NULL, "%s", error_message());
	ck_assert_msg(strstr(error_message(), "mount -t cgroup -o pids cgroup") != NULL, "%s", error_message());
}
END_TEST

START_TEST(a_failed_create_removes_what_it_made_and_keeps_the_first_error)
{
	make_v1_root(true);
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/cpuset/cpuset.mems", fake);
	ck_assert_int_eq(unlink(path), 0);
	struct cgroup_layout l = detect(CGROUP_V1);
	struct cgroup_limits lim = limits_of("memory", "64m", "cpuset-cpus", "0", NULL);
	struct cgroup cg;
	ck_assert_int_eq(cgroup_create(&l, "tinydock", "c1", &lim, &cg), -1);
	ck_assert_msg(strstr(error_message(), "cpuset.mems") != NULL, "%s", error_message());
	ck_assert(!exists("memory/tinydock/c1"));
	ck_assert(!exists("cpu/tinydock/c1"));
}
END_TEST

START_TEST(v1_attach_joins_every_tree_and_stats_read_the_v1_files)
{
	make_v1_root(true);
	struct cgroup_layout l = detect(CGROUP_V1);
	struct cgroup_limits lim = limits_of("memory", "64m", NULL);
	struct cgroup cg;
	ck_assert_msg(cgroup_create(&l, "tinydock", "c1", &lim, &cg) == 0, "%s", error_message());
	ck_assert_msg(cgroup_attach(&cg, 4242) == 0, "%s", error_message());
	for (const char *const *t = (const char *const[]){ "memory", "cpu", "cpuacct", "pids", NULL }; *t; t++) {
		char file[128];
		snprintf(file, sizeof(file), "%s/tinydock/c1/cgroup.procs", *t);
		ck_assert_str_eq(get(file), "4242");
	}
	put("memory/tinydock/c1/memory.usage_in_bytes", "2097152\n");
	put("memory/tinydock/c1/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
	put("cpuacct/tinydock/c1/cpuacct.usage", "1500000000\n");
	put("pids/tinydock/c1/pids.current", "4\n");
	put("pids/tinydock/c1/pids.max", "max\n");
	struct cgroup_stats s;
	ck_assert_int_eq(cgroup_read_stats(&cg, &s), 0);
	ck_assert_int_eq(s.memory_usage, 2097152);
	ck_assert_int_eq(s.memory_limit, 67108864);
	ck_assert_int_eq(s.cpu_usage_usec, 1500000); /* cpuacct.usage counts nanoseconds */
	ck_assert_int_eq(s.pids_current, 4);
	ck_assert_int_eq(s.pids_limit, -1);
	ck_assert_int_eq(s.oom_kills, 2);
}
END_TEST

START_TEST(v1_reads_the_unlimited_memory_value_as_unlimited_and_old_kernels_oom_from_failcnt)
{
	make_v1_root(true);
	struct cgroup_layout l = detect(CGROUP_V1);
	struct cgroup_limits lim = { 0 };
	struct cgroup cg;
	ck_assert_msg(cgroup_create(&l, "tinydock", "c1", &lim, &cg) == 0, "%s", error_message());
	put("memory/tinydock/c1/memory.limit_in_bytes", "9223372036854771712\n");
	put("memory/tinydock/c1/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\n");
	put("memory/tinydock/c1/memory.failcnt", "3\n");
	struct cgroup_stats s;
	ck_assert_int_eq(cgroup_read_stats(&cg, &s), 0);
	ck_assert_int_eq(s.memory_limit, -1);
	ck_assert_int_eq(s.oom_kills, 1);
}
END_TEST

START_TEST(hybrid_also_makes_the_v2_folder_that_tracks_the_processes)
{
	make_v1_root(true);
	put("unified/cgroup.controllers", "\n");
	put("unified/cgroup.procs", "1\n");
	struct cgroup_layout l = detect(CGROUP_HYBRID);
	struct cgroup_limits lim = limits_of("memory", "64m", NULL);
	struct cgroup cg;
	ck_assert_msg(cgroup_create(&l, "tinydock", "c1", &lim, &cg) == 0, "%s", error_message());
	ck_assert_str_eq(get("memory/tinydock/c1/memory.limit_in_bytes"), "67108864");
	ck_assert(exists("unified/tinydock/c1"));
	ck_assert(!exists("unified/tinydock/c1/memory.max"));
	ck_assert_int_eq(cgroup_attach(&cg, 4242), 0);
	ck_assert_str_eq(get("unified/tinydock/c1/cgroup.procs"), "4242");
	ck_assert_str_eq(get("memory/tinydock/c1/cgroup.procs"), "4242");
	ck_assert_msg(cgroup_remove(&cg) == 0, "%s", error_message());
	ck_assert(!exists("unified/tinydock/c1"));
	ck_assert(!exists("memory/tinydock/c1"));
	ck_assert(!exists("pids/tinydock/c1"));
}
END_TEST

/* ---- the device rules (device-cgroup.c) ------------------------------------------------------ */

/* In a child with --explain on: cgroup_create, then the device rules; what it printed on stderr,
 * and whether the rules were applied (*ok). */
static const char *explained_devices(const struct cgroup_layout *l, bool privileged, bool *ok)
{
	static char out[32768];
	int pipefd[2];
	ck_assert_int_eq(pipe(pipefd), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(pipefd[1], 2);
		explain_enable(true);
		struct cgroup cg;
		struct cgroup_limits none = { 0 };
		if (cgroup_create(l, "tinydock", "4f2a", &none, &cg) < 0)
			_exit(2);
		if (device_cgroup_apply(&cg, privileged) < 0) {
			fprintf(stderr, "error: %s\n", error_message());
			_exit(1);
		}
		_exit(0);
	}
	close(pipefd[1]);
	size_t len = 0;
	ssize_t n;
	while (len < sizeof(out) - 1 && (n = read(pipefd[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(pipefd[0]);
	int status;
	waitpid(pid, &status, 0);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) != 2, "create failed: %s", out);
	*ok = WEXITSTATUS(status) == 0;
	return out;
}

START_TEST(v1_device_rules_refuse_every_device_then_allow_dockers_defaults_one_by_one)
{
	make_v1_root(true);
	put("devices/cgroup.procs", "1\n");
	struct cgroup_layout l = detect(CGROUP_V1);
	bool ok;
	const char *out = explained_devices(&l, false, &ok);
	ck_assert_msg(ok, "%s", out);
	/* "a" to devices.deny first (forget the list copied from the parent), then each allow line */
	char line[PATH_MAX * 2];
	snprintf(line, sizeof(line), "[03-cgroups] write %s/devices/tinydock/4f2a/devices.deny = a\n", fake);
	const char *at = strstr(out, line);
	ck_assert_msg(at != NULL, "missing %s in:\n%s", line, out);
	static const char *const allowed[] = { "c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm",
					       "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm",
					       "c 136:* rwm", "c 10:200 rwm" };
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		snprintf(line, sizeof(line), "[03-cgroups] write %s/devices/tinydock/4f2a/devices.allow = %s\n", fake,
			 allowed[i]);
		const char *next = strstr(at, line);
		ck_assert_msg(next != NULL, "missing, or out of order: %s in:\n%s", line, out);
		at = next;
	}
	ck_assert_str_eq(get("devices/tinydock/4f2a/devices.deny"), "a");
	ck_assert_str_eq(get("devices/tinydock/4f2a/devices.allow"), "c 10:200 rwm");
}
END_TEST

START_TEST(v1_privileged_allows_every_device)
{
	make_v1_root(true);
	put("devices/cgroup.procs", "1\n");
	struct cgroup_layout l = detect(CGROUP_V1);
	bool ok;
	const char *out = explained_devices(&l, true, &ok);
	ck_assert_msg(ok, "%s", out);
	ck_assert_str_eq(get("devices/tinydock/4f2a/devices.deny"), "a");
	ck_assert_str_eq(get("devices/tinydock/4f2a/devices.allow"), "a *:* rwm");
}
END_TEST

START_TEST(hybrid_uses_the_v1_devices_controller)
{
	make_v1_root(true);
	put("devices/cgroup.procs", "1\n");
	put("unified/cgroup.controllers", "\n");
	put("unified/cgroup.procs", "1\n");
	struct cgroup_layout l = detect(CGROUP_HYBRID);
	bool ok;
	const char *out = explained_devices(&l, false, &ok);
	ck_assert_msg(ok, "%s", out);
	ck_assert_str_eq(get("devices/tinydock/4f2a/devices.deny"), "a");
	ck_assert_msg(strstr(out, "device program") == NULL, "%s", out);
}
END_TEST

START_TEST(a_container_without_any_device_controller_is_refused)
{
	make_v1_root(true); /* no devices tree, and no v2 tree */
	struct cgroup_layout l = detect(CGROUP_V1);
	bool ok;
	const char *out = explained_devices(&l, false, &ok);
	ck_assert(!ok);
	ck_assert_msg(strstr(out, "error: no device cgroup for \"tinydock/4f2a\": no v1 hierarchy under ") != NULL, "%s",
		      out);
}
END_TEST

START_TEST(a_refused_allow_line_is_explained_by_the_parents_list)
{
	/* v1 refuses (EPERM) to allow what the parent does not, even to root (devices.rst) */
	const char *hint = cgroup_write_hint("devices.allow", EPERM);
	ck_assert_ptr_nonnull(hint);
	ck_assert_msg(strstr(hint, "only allow what its parent allows") != NULL, "%s", hint);
	ck_assert_str_eq(cgroup_write_hint("memory.max", EPERM), "changing cgroups needs root (or a cgroup delegated to you)");
}
END_TEST

START_TEST(v2_puts_the_device_program_on_the_containers_own_cgroup)
{
	make_v2_root("memory pids\n", "");
	struct cgroup_layout l = detect(CGROUP_V2);
	bool ok;
	const char *out = explained_devices(&l, false, &ok);
	ck_assert_msg(ok, "%s", out);
	char line[PATH_MAX * 2];
	snprintf(line, sizeof(line),
		 "[03-cgroups] device program for %s/tinydock/4f2a: allows c *:* m, b *:* m, c 1:3 rwm, c 1:5 rwm, "
		 "c 1:7 rwm, c 1:8 rwm, c 1:9 rwm, c 5:0 rwm, c 5:1 rwm, c 5:2 rwm, c 136:* rwm, c 10:200 rwm; "
		 "refuses every other device\n",
		 fake);
	ck_assert_msg(strstr(out, line) != NULL, "missing %s in:\n%s", line, out);
	/* a fake root is a plain folder: nothing to load a program into, and it says so */
	ck_assert_msg(strstr(out, "simulated cgroup root: no program attached to ") != NULL, "%s", out);
}
END_TEST

Suite *cgroup_fake_suite(void)
{
	Suite *s = suite_create("cgroup_fake");
	TCase *t = tcase_create("v2");
	tcase_add_unchecked_fixture(t, base_setup, base_teardown);
	tcase_add_checked_fixture(t, fake_setup, NULL);
	tcase_add_test(t, a_fake_v2_root_is_detected_by_its_cgroup_controllers_file);
	tcase_add_test(t, the_root_can_come_from_tinydock_cgroup_root);
	tcase_add_test(t, v2_enables_the_needed_controllers_down_the_parents_then_writes_the_limits);
	tcase_add_test(t, v2_enables_only_what_is_not_enabled_yet);
	tcase_add_test(t, v2_without_limits_still_enables_memory_and_pids_for_stats_when_offered);
	tcase_add_test(t, v2_nests_a_parent_of_several_levels);
	tcase_add_test(t, v2_names_a_controller_the_tree_does_not_offer);
	tcase_add_test(t, v2_says_where_to_enable_a_controller_it_could_not_enable);
	tcase_add_test(t, a_cgroup_that_exists_already_is_refused_and_left_alone);
	tcase_add_test(t, names_that_climb_out_of_the_tree_are_refused);
	tcase_add_test(t, v2_attach_writes_the_pid_to_cgroup_procs_and_stats_read_the_v2_files);
	tcase_add_test(t, open_finds_an_existing_cgroup_and_remove_deletes_it);
	tcase_add_test(t, every_step_is_explained_with_the_file_and_the_value);
	suite_add_tcase(s, t);
	t = tcase_create("v1");
	tcase_add_unchecked_fixture(t, base_setup, base_teardown);
	tcase_add_checked_fixture(t, fake_setup, NULL);
	tcase_add_test(t, a_fake_v1_root_has_a_folder_per_controller);
	tcase_add_test(t, v1_writes_each_limit_in_its_controllers_tree);
	tcase_add_test(t, v1_cpuset_copies_cpus_and_mems_from_the_parent_before_a_process_may_join);
	tcase_add_test(t, v1_names_a_controller_that_is_not_mounted);
	tcase_add_test(t, a_failed_create_removes_what_it_made_and_keeps_the_first_error);
	tcase_add_test(t, v1_attach_joins_every_tree_and_stats_read_the_v1_files);
	tcase_add_test(t, v1_reads_the_unlimited_memory_value_as_unlimited_and_old_kernels_oom_from_failcnt);
	tcase_add_test(t, hybrid_also_makes_the_v2_folder_that_tracks_the_processes);
	suite_add_tcase(s, t);
	t = tcase_create("devices");
	tcase_add_unchecked_fixture(t, base_setup, base_teardown);
	tcase_add_checked_fixture(t, fake_setup, NULL);
	tcase_add_test(t, v1_device_rules_refuse_every_device_then_allow_dockers_defaults_one_by_one);
	tcase_add_test(t, v1_privileged_allows_every_device);
	tcase_add_test(t, hybrid_uses_the_v1_devices_controller);
	tcase_add_test(t, a_container_without_any_device_controller_is_refused);
	tcase_add_test(t, a_refused_allow_line_is_explained_by_the_parents_list);
	tcase_add_test(t, v2_puts_the_device_program_on_the_containers_own_cgroup);
	suite_add_tcase(s, t);
	return s;
}
