/*
 * test_demos.c - the demos of chapters 03, 04, 05 and 08 (NN-topic/demo.sh) run to the end without
 * a terminal, in a bounded time, against their chapter's own binary, and leave nothing behind: no
 * file, no mount, no process, no container's cgroup, no bridge.
 */
#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "harness.h"

/* A demo's whole run; the slowest (05) takes a few seconds on an idle machine. */
#define DEMO_SECONDS 120

/* Is a process left whose environment has TINYDOCK_ROOT inside folder (the demo's state)? */
static bool process_left_in(const char *folder)
{
	char wanted[PATH_MAX + 16];
	snprintf(wanted, sizeof(wanted), "TINYDOCK_ROOT=%s/", folder);
	DIR *proc = opendir("/proc");
	ck_assert_ptr_nonnull(proc);
	bool found = false;
	struct dirent *e;
	while (!found && (e = readdir(proc))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "/proc/%s/environ", e->d_name);
		size_t size;
		char *environ = read_file(path, &size);
		for (size_t at = 0; environ && at < size; at += strlen(environ + at) + 1)
			if (strncmp(environ + at, wanted, strlen(wanted)) == 0)
				found = true;
		free(environ);
	}
	closedir(proc);
	return found;
}

/* Is a cgroup left, in any v1 or v2 tree, named by a container id of the demo's output? Ids are
 * the words of 12 or 64 hex digits (ps, run -d, inspect); image ids among them name no cgroup. */
static bool cgroup_left_for(const char *output)
{
	for (const char *at = output; *at; at++) {
		size_t length = 0;
		while (isxdigit((unsigned char)at[length]) && !isupper((unsigned char)at[length]))
			length++;
		if ((length == 12 || length == 64) && (at == output || !isalnum((unsigned char)at[-1]))) {
			char pattern[PATH_MAX];
			snprintf(pattern, sizeof(pattern), "/sys/fs/cgroup/*/tinydock/%.12s*", at);
			glob_t g;
			int found = glob(pattern, 0, NULL, &g) == 0;
			if (!found) {
				snprintf(pattern, sizeof(pattern), "/sys/fs/cgroup/tinydock/%.12s*", at);
				found = glob(pattern, 0, NULL, &g) == 0;
			}
			globfree(&g);
			if (found)
				return true;
		}
		if (length)
			at += length - 1;
	}
	return false;
}

static bool mount_left_in(const char *folder)
{
	size_t size;
	char *mounts = read_file("/proc/self/mountinfo", &size);
	ck_assert_ptr_nonnull(mounts);
	bool found = strstr(mounts, folder) != NULL;
	free(mounts);
	return found;
}

static bool link_exists(const char *name)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "/sys/class/net/%s", name);
	return access(path, F_OK) == 0;
}

static void run_demo_of(int chapter, const char *folder, const char *expected)
{
	char demo[PATH_MAX], binary[PATH_MAX], tmp[PATH_MAX];
	ck_assert_ptr_nonnull(getcwd(demo, sizeof(demo)));
	snprintf(demo + strlen(demo), sizeof(demo) - strlen(demo), "/%s/demo.sh", folder);
	harness_stage_binary(chapter, binary);
	snprintf(tmp, sizeof(tmp), "%s/tmp", sandbox.dir);
	ck_assert_int_eq(mkdir(tmp, 0755), 0);
	/* The demo makes its folder under TMPDIR: here, the sandbox, so that what it leaves is seen. */
	setenv("TMPDIR", tmp, 1);
	setenv("TINYDOCK", binary, 1);
	unsetenv("DEMO_PAUSE");
	const char *bridge = getenv("TINYDOCK_BRIDGE");
	bool bridge_before = bridge && link_exists(bridge);

	const char *argv[] = { demo, NULL };
	struct run_result r = run_program("", DEMO_SECONDS, argv);
	ck_assert_msg(r.status == 0, "%s exited %d\nstdout:\n%s\nstderr:\n%s", demo, r.status, r.out, r.err);
	ck_assert_msg(strstr(r.out, expected), "%s did not show \"%s\":\n%s", demo, expected, r.out);

	DIR *left = opendir(tmp);
	ck_assert_ptr_nonnull(left);
	struct dirent *e;
	while ((e = readdir(left)))
		ck_assert_msg(e->d_name[0] == '.', "%s left %s/%s behind", folder, tmp, e->d_name);
	closedir(left);
	ck_assert_msg(!mount_left_in(tmp), "%s left a mount under %s", folder, tmp);
	ck_assert_msg(!process_left_in(tmp), "%s left a process running", folder);
	ck_assert_msg(!cgroup_left_for(r.out), "%s left a container's cgroup:\n%s", folder, r.out);
	ck_assert_msg(!bridge || bridge_before || !link_exists(bridge), "%s made the bridge %s", folder, bridge);
	run_free(&r);
}

START_TEST(the_cgroups_demo_shows_an_oom_kill_and_cleans_up)
{
	run_demo_of(3, "03-cgroups", "\"OOMKilled\": true");
}
END_TEST

START_TEST(the_layers_demo_shows_a_whiteout_and_cleans_up)
{
	run_demo_of(4, "04-layers", "bin/.wh.vi");
}
END_TEST

START_TEST(the_images_demo_pushes_and_pulls_through_a_registry_and_cleans_up)
{
	run_demo_of(5, "05-images", "hello from the pulled image");
}
END_TEST

/* The whole system: images built and pushed, a 3+3 swarm on simulated machines, the shop as a
 * stack, a worker's and the leader's power cut (about 12 s). On a bridge and subnet of its own, so
 * that it meets no other swarm of this host; the bridge is removed at the end even if the demo's
 * own clean-up did not run. */
START_TEST(the_swarm_demo_serves_the_shop_through_a_worker_and_a_leader_failover_and_cleans_up)
{
	char bridge[16], subnet[32], expected[128];
	snprintf(bridge, sizeof(bridge), "tdd8%d", (int)getpid() % 10000000);
	harness_free_subnet(243, subnet);
	harness_remove_link_at_end(bridge);
	setenv("DEMO_SWARM_BRIDGE", bridge, 1);
	setenv("DEMO_SWARM_SUBNET", subnet, 1);
	/* after the leader's power cut, every request through another manager's mesh gets the page */
	snprintf(expected, sizeof(expected), "10 of 10 requests through %.*s12:5000 answered with the products",
		 (int)(strrchr(subnet, '.') - subnet + 1), subnet);
	run_demo_of(8, "08-swarm", expected);
	ck_assert_msg(!link_exists(bridge), "the swarm demo left its bridge %s", bridge);
}
END_TEST

Suite *demos_suite(void)
{
	Suite *s = suite_create("demos");
	TCase *t = tcase_create("demos");
	harness_use_sandbox(t);
	tcase_set_timeout(t, DEMO_SECONDS + 30);
	tcase_add_test(t, the_cgroups_demo_shows_an_oom_kill_and_cleans_up);
	tcase_add_test(t, the_layers_demo_shows_a_whiteout_and_cleans_up);
	tcase_add_test(t, the_images_demo_pushes_and_pulls_through_a_registry_and_cleans_up);
	tcase_add_test(t, the_swarm_demo_serves_the_shop_through_a_worker_and_a_leader_failover_and_cleans_up);
	suite_add_tcase(s, t);
	return s;
}
