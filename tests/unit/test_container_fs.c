/*
 * test_container_fs.c - a container's fs/lowers file, written and read back, and the shared
 * init layers it may name (04-layers/container-fs.c).
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container-fs.h"
#include "error.h"
#include "files.h"

START_TEST(lowers_are_written_one_a_line_lowest_first_and_read_back)
{
	const char *lowers[] = { "/layers/base/diff", "/layers/top dir/diff" };
	char *text = lowers_format(lowers, 2);
	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text, "/layers/base/diff\n/layers/top dir/diff\n");
	char **back;
	size_t count;
	ck_assert_int_eq(lowers_parse(text, &back, &count), 0);
	ck_assert_uint_eq(count, 2);
	ck_assert_str_eq(back[0], "/layers/base/diff");
	ck_assert_str_eq(back[1], "/layers/top dir/diff");
	lowers_free(back, count);
	free(text);
}
END_TEST

START_TEST(a_folder_with_a_newline_or_a_relative_path_cannot_be_recorded)
{
	const char *newline[] = { "/a\nb" }, *relative[] = { "rootfs" };
	ck_assert_ptr_null(lowers_format(newline, 1));
	ck_assert_int_eq(error_errno(), EINVAL);
	ck_assert_ptr_null(lowers_format(relative, 1));
	ck_assert_ptr_nonnull(strstr(error_message(), "\"rootfs\""));
	error_clear();
}
END_TEST

START_TEST(a_damaged_lowers_file_is_an_error)
{
	char **back;
	size_t count;
	ck_assert_int_eq(lowers_parse("", &back, &count), -1);
	ck_assert_int_eq(lowers_parse("\n\n", &back, &count), -1);
	ck_assert_int_eq(lowers_parse("/ok\nrelative\n", &back, &count), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "not absolute"));
	/* a missing last newline and blank lines are tolerated */
	ck_assert_int_eq(lowers_parse("/a\n\n/b", &back, &count), 0);
	ck_assert_uint_eq(count, 2);
	ck_assert_str_eq(back[1], "/b");
	lowers_free(back, count);
	error_clear();
}
END_TEST

START_TEST(more_lowers_than_overlayfs_stacks_are_refused)
{
	size_t n = OVERLAY_MAX_LOWERS + 1;
	char *text = malloc(n * 3 + 1), *end = text;
	for (size_t i = 0; i < n; i++)
		end += sprintf(end, "/x\n");
	char **back;
	size_t count;
	ck_assert_int_eq(lowers_parse(text, &back, &count), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "too many layers"));
	end -= 3;
	*end = '\0';
	ck_assert_int_eq(lowers_parse(text, &back, &count), 0);
	ck_assert_uint_eq(count, OVERLAY_MAX_LOWERS);
	lowers_free(back, count);
	free(text);
	error_clear();
}
END_TEST

START_TEST(the_folders_of_a_container_are_under_the_state_root)
{
	setenv("TINYDOCK_ROOT", "/state", 1);
	struct container_fs fs;
	ck_assert_int_eq(container_fs_init(&fs, "abc"), 0);
	ck_assert_str_eq(fs.upper, "/state/containers/abc/fs/upper");
	ck_assert_str_eq(fs.work, "/state/containers/abc/fs/work");
	ck_assert_str_eq(fs.merged, "/state/containers/abc/fs/merged");
	ck_assert_str_eq(fs.lowers_file, "/state/containers/abc/fs/lowers");
	unsetenv("TINYDOCK_ROOT");
}
END_TEST

/* A state root of its own, with an image folder that has /etc/hosts but no /etc/resolv.conf. */
static char root[] = "/tmp/tinydock-container-fs-XXXXXX";
static char image[PATH_MAX];

static void make_root(void)
{
	ck_assert_ptr_nonnull(mkdtemp(root));
	setenv("TINYDOCK_ROOT", root, 1);
	snprintf(image, sizeof(image), "%s/image/etc", root);
	ck_assert_int_eq(make_dirs(image, 0755), 0);
	snprintf(image, sizeof(image), "%s/image/etc/hosts", root);
	ck_assert_int_eq(write_file_atomic_nosync(image, "127.0.0.1 localhost\n", 20, 0644), 0);
	snprintf(image, sizeof(image), "%s/image", root);
}

static void remove_root(void)
{
	remove_tree(root);
	unsetenv("TINYDOCK_ROOT");
	strcpy(root, "/tmp/tinydock-container-fs-XXXXXX");
}

/* Create the filesystem of container id on the image; its lowers text, malloc'd. */
static char *create(const char *id, bool scratch)
{
	struct container_fs fs;
	ck_assert_int_eq(container_fs_init(&fs, id), 0);
	fs.scratch = scratch;
	const char *lowers[] = { image };
	ck_assert_msg(container_fs_create(&fs, lowers, 1) == 0, "%s", error_message());
	container_fs_free(&fs);
	char *text = read_file(fs.lowers_file, NULL);
	ck_assert_ptr_nonnull(text);
	return text;
}

START_TEST(containers_whose_image_lacks_a_mount_point_share_one_init_layer_for_it)
{
	char expected[2 * PATH_MAX + 8], layer_file[PATH_MAX + 32];
	snprintf(expected, sizeof(expected), "%s\n%s/init-layers/resolv.conf\n", image, root);
	char *a = create("aaa", false), *b = create("bbb", true);
	ck_assert_str_eq(a, expected); /* the image's /etc/hosts is enough: no layer for it */
	ck_assert_str_eq(b, expected);
	free(a);
	free(b);
	/* the layer holds the one empty file, and no container has an init folder of its own */
	snprintf(layer_file, sizeof(layer_file), "%s/init-layers/resolv.conf/etc/resolv.conf", root);
	struct stat st;
	ck_assert_int_eq(stat(layer_file, &st), 0);
	ck_assert(S_ISREG(st.st_mode) && st.st_size == 0);
	snprintf(layer_file, sizeof(layer_file), "%s/containers/aaa/fs/init", root);
	ck_assert_int_eq(stat(layer_file, &st), -1);
}
END_TEST

START_TEST(a_half_built_init_layer_left_by_a_dead_run_is_not_used_nor_in_the_way)
{
	/* a run that died while building the layer left its temporary folder, named by its pid;
	 * ours has the same name when the pid comes round again */
	char temp[PATH_MAX + 64];
	snprintf(temp, sizeof(temp), "%s/init-layers/.resolv.conf.%d/etc", root, (int)getpid());
	ck_assert_int_eq(make_dirs(temp, 0755), 0);
	char *text = create("ccc", false);
	char expected[2 * PATH_MAX + 8];
	snprintf(expected, sizeof(expected), "%s\n%s/init-layers/resolv.conf\n", image, root);
	ck_assert_str_eq(text, expected);
	free(text);
	snprintf(temp, sizeof(temp), "%s/init-layers/.resolv.conf.%d", root, (int)getpid());
	struct stat st;
	ck_assert_int_eq(stat(temp, &st), -1);
}
END_TEST

Suite *container_fs_suite(void)
{
	Suite *s = suite_create("container-fs");
	TCase *t = tcase_create("lowers");
	tcase_add_test(t, lowers_are_written_one_a_line_lowest_first_and_read_back);
	tcase_add_test(t, a_folder_with_a_newline_or_a_relative_path_cannot_be_recorded);
	tcase_add_test(t, a_damaged_lowers_file_is_an_error);
	tcase_add_test(t, more_lowers_than_overlayfs_stacks_are_refused);
	tcase_add_test(t, the_folders_of_a_container_are_under_the_state_root);
	suite_add_tcase(s, t);
	TCase *init = tcase_create("init layers");
	tcase_add_checked_fixture(init, make_root, remove_root);
	tcase_add_test(init, containers_whose_image_lacks_a_mount_point_share_one_init_layer_for_it);
	tcase_add_test(init, a_half_built_init_layer_left_by_a_dead_run_is_not_used_nor_in_the_way);
	suite_add_tcase(s, init);
	return s;
}
