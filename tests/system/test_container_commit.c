/*
 * test_container_commit.c - `tinydock commit` (05-images/container-commit.c) on a real container
 * (root): the layer is written under its sha256, and the same changes give the same digest.
 * What the layer holds is tested in test_layers_run.c.
 */
#include <check.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "harness.h"

START_TEST(commit_writes_the_layer_under_its_sha256_and_prints_the_digest)
{
	struct run_result r = run_tinydock(NULL, 30, "run", "--rootfs", sandbox.rootfs, "sh", "-c",
					   "rm /bin/ls && echo x > /new", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/containers", sandbox.root);
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	char id[CONTAINER_ID_LENGTH + 1] = "";
	for (struct dirent *e; (e = readdir(d));)
		if (strlen(e->d_name) == CONTAINER_ID_LENGTH)
			snprintf(id, sizeof(id), "%s", e->d_name);
	closedir(d);
	ck_assert_uint_eq(strlen(id), CONTAINER_ID_LENGTH);

	r = run_tinydock(NULL, 30, "commit", id, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_msg(strncmp(r.out, "sha256:", 7) == 0 && strlen(r.out) == 7 + 64 + 1, "%s", r.out);
	char hex[65], layer[PATH_MAX];
	snprintf(hex, sizeof(hex), "%.64s", r.out + 7);
	snprintf(layer, sizeof(layer), "%s/layers/%s.tar", sandbox.root, hex);
	ck_assert_msg(strstr(r.err, " bytes, 3 entries, 1 whiteouts\n") != NULL, "%s", r.err);
	run_free(&r);

	r = run_program(NULL, 10, (const char *[]){ "sha256sum", layer, NULL });
	ck_assert_msg(r.status == 0 && strncmp(r.out, hex, 64) == 0, "%s%s", r.out, r.err);
	run_free(&r);
	r = run_program(NULL, 10, (const char *[]){ "tar", "-tf", layer, NULL });
	ck_assert_msg(strstr(r.out, "bin/.wh.ls\n") && strstr(r.out, "new\n"), "%s", r.out);
	run_free(&r);

	/* the same changes give the same bytes, so the same digest */
	r = run_tinydock(NULL, 30, "commit", id, NULL);
	ck_assert_msg(r.status == 0 && strncmp(r.out + 7, hex, 64) == 0, "%s", r.out);
	run_free(&r);
	r = run_tinydock(NULL, 30, "commit", "no-such-container", NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strncmp(r.err, "tinydock: commit: ", 18) == 0, "%s", r.err);
	run_free(&r);
}
END_TEST

Suite *container_commit_suite(void)
{
	Suite *s = suite_create("container_commit");
	TCase *t = tcase_create("commit");
	harness_use_sandbox(t);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, commit_writes_the_layer_under_its_sha256_and_prints_the_digest);
	suite_add_tcase(s, t);
	return s;
}
