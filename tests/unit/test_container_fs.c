/*
 * test_container_fs.c - a container's fs/lowers file, written and read back (04-layers/container-fs.c).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container-fs.h"
#include "error.h"

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
	return s;
}
