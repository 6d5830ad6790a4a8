/*
 * test_mount_points.c - the mount points a run makes in its rootfs (02-namespaces/mounts.c),
 * when several runs share that rootfs and start at the same moment.
 *
 * `run` makes a missing /etc/resolv.conf or /proc of a --rootfs DIR before it mounts over it.
 * Twenty `run -d` at once on a new folder all find it missing, and all but one find it made
 * when they try: each must take the one that is there, not fail (as one of twenty did, beside
 * CPU burners, in test_runtime's twenty_runs_at_once_are_all_recorded_with_their_names).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "error.h"
#include "files.h"

enum { RUNS = 20, ROUNDS = 40 };

/* RUNS processes released at the same moment (all blocked on one pipe until it closes) each
 * make folder/name in a new rootfs; returns how many failed. */
static int make_at_once(const char *folder, const char *name)
{
	char rootfs[] = "/tmp/tinydock-unit.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(rootfs));
	int go[2];
	ck_assert_int_eq(pipe(go), 0);
	pid_t runs[RUNS];
	for (int i = 0; i < RUNS; i++) {
		runs[i] = fork();
		ck_assert_int_ge(runs[i], 0);
		if (runs[i] == 0) {
			close(go[1]);
			char byte, path[PATH_MAX];
			ssize_t ignored = read(go[0], &byte, 1); /* returns 0 when the parent closes it */
			(void)ignored;
			_exit(file_mount_point(rootfs, folder, name, path, sizeof(path)) == 0 ? 0 : 1);
		}
	}
	close(go[0]);
	close(go[1]);
	int failed = 0;
	for (int i = 0; i < RUNS; i++) {
		int status;
		ck_assert_int_eq(waitpid(runs[i], &status, 0), runs[i]);
		failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	char path[PATH_MAX];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s/%s", rootfs, folder, name);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(remove_tree(rootfs), 0);
	return failed;
}

START_TEST(runs_starting_together_on_a_new_rootfs_all_get_the_mount_points)
{
	for (int round = 0; round < ROUNDS; round++) {
		/* the folder and the file missing, then only the file (etc is in every rootfs) */
		ck_assert_int_eq(make_at_once("run", "lock"), 0);
		ck_assert_int_eq(make_at_once(".", "resolv.conf"), 0);
	}
}
END_TEST

START_TEST(a_symbolic_link_where_a_mount_point_goes_is_refused)
{
	char rootfs[] = "/tmp/tinydock-unit.XXXXXX", path[PATH_MAX];
	ck_assert_ptr_nonnull(mkdtemp(rootfs));
	snprintf(path, sizeof(path), "%s/etc", rootfs);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/etc/resolv.conf", rootfs);
	ck_assert_int_eq(symlink("/etc/passwd", path), 0);
	ck_assert_int_eq(file_mount_point(rootfs, "etc", "resolv.conf", path, sizeof(path)), -1);
	ck_assert_msg(strstr(error_message(), "not a regular file"), "%s", error_message());
	error_clear();
	ck_assert_int_eq(remove_tree(rootfs), 0);
}
END_TEST

Suite *mount_points_suite(void)
{
	Suite *s = suite_create("mount_points");
	TCase *t = tcase_create("mount points");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, runs_starting_together_on_a_new_rootfs_all_get_the_mount_points);
	tcase_add_test(t, a_symbolic_link_where_a_mount_point_goes_is_refused);
	suite_add_tcase(s, t);
	return s;
}
