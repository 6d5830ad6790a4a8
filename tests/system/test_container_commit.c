/*
 * test_container_commit.c - `tinydock commit`: a container's changes become a new image
 * (05-images/image-create.c on chapter 04's container_layer_write).
 */
#include <check.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "harness.h"

/* The last diff_id of an image, from `inspect`. */
static void last_layer(const char *image, char hex[65])
{
	struct run_result r = run_tinydock(NULL, 30, "image", "inspect", image, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	const char *layers = strstr(r.out, "\"Layers\"");
	ck_assert_ptr_nonnull(layers);
	const char *last = NULL, *end = strchr(layers, ']');
	for (const char *p = layers; (p = strstr(p, "\"sha256:")) && p < end; p++)
		last = p;
	ck_assert_ptr_nonnull(last);
	snprintf(hex, 65, "%.64s", last + 8);
	run_free(&r);
}

START_TEST(commit_makes_an_image_of_the_parent_and_the_containers_changes)
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

	r = run_tinydock(NULL, 30, "commit", "-m", "remove ls", id, "shop/changed:1", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_msg(strncmp(r.out, "sha256:", 7) == 0 && strlen(r.out) == 7 + 64 + 1, "%s", r.out);
	run_free(&r);

	/* the new top layer is a blob named by its sha256, with the deletion as a whiteout */
	char hex[65], layer[PATH_MAX];
	last_layer("shop/changed:1", hex);
	snprintf(layer, sizeof(layer), "%s/blobs/sha256/%s", sandbox.root, hex);
	r = run_program(NULL, 10, (const char *[]){ "sha256sum", layer, NULL });
	ck_assert_msg(r.status == 0 && strncmp(r.out, hex, 64) == 0, "%s%s", r.out, r.err);
	run_free(&r);
	r = run_program(NULL, 10, (const char *[]){ "tar", "-tf", layer, NULL });
	ck_assert_msg(strstr(r.out, "bin/.wh.ls\n") && strstr(r.out, "new\n"), "%s", r.out);
	run_free(&r);

	/* the image runs, with the change in it */
	r = run_tinydock(NULL, 30, "run", "--rm", "shop/changed:1", "sh", "-c", "cat /new; ls /bin/ls || echo gone", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_msg(strstr(r.out, "x\n") && strstr(r.out, "gone\n"), "%s", r.out);
	run_free(&r);

	/* the same changes give the same bytes, so the same layer digest */
	r = run_tinydock(NULL, 30, "commit", id, "shop/changed:2", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	char again[65];
	last_layer("shop/changed:2", again);
	ck_assert_str_eq(again, hex);

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
	harness_use_stage(t, 5);
	harness_use_sandbox(t);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, commit_makes_an_image_of_the_parent_and_the_containers_changes);
	suite_add_tcase(s, t);
	return s;
}
