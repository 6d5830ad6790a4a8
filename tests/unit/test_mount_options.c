/*
 * test_mount_options.c - mount(8)'s words split into mount(2)'s flags and a tmpfs's data, and
 * the order mounts are made in (02-namespaces/mount-options.c). Pure.
 */
#include <check.h>
#include <string.h>
#include <sys/mount.h>

#include "container.h"
#include "error.h"

START_TEST(a_tmpfs_is_nosuid_nodev_and_noexec_unless_told_otherwise)
{
	unsigned long flags;
	char data[64];
	ck_assert_int_eq(tmpfs_mount_options("", &flags, data, sizeof(data)), 0);
	ck_assert_uint_eq(flags, MS_NOSUID | MS_NODEV | MS_NOEXEC);
	ck_assert_str_eq(data, "");
	ck_assert_int_eq(tmpfs_mount_options("exec,dev", &flags, data, sizeof(data)), 0);
	ck_assert_uint_eq(flags, MS_NOSUID);
}
END_TEST

START_TEST(flag_words_become_flags_and_tmpfs_keys_become_data)
{
	unsigned long flags;
	char data[64];
	ck_assert_int_eq(tmpfs_mount_options("ro,size=64m,noatime,mode=1777", &flags, data, sizeof(data)), 0);
	ck_assert_uint_eq(flags, MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY | MS_NOATIME);
	ck_assert_str_eq(data, "size=64m,mode=1777");
}
END_TEST

START_TEST(an_unknown_option_is_refused_by_name)
{
	unsigned long flags;
	char data[64];
	ck_assert_int_eq(tmpfs_mount_options("size=1m,bogus", &flags, data, sizeof(data)), -1);
	ck_assert_str_eq(error_message(), "invalid tmpfs option \"bogus\"");
	ck_assert_int_eq(tmpfs_mount_options("colour=red", &flags, data, sizeof(data)), -1);
	ck_assert_int_eq(tmpfs_mount_options("size=", &flags, data, sizeof(data)), -1);
	error_clear();
}
END_TEST

START_TEST(data_too_long_for_its_buffer_is_refused)
{
	unsigned long flags;
	char data[8];
	ck_assert_int_eq(tmpfs_mount_options("size=64m,mode=1777", &flags, data, sizeof(data)), -1);
	error_clear();
}
END_TEST

START_TEST(parents_are_mounted_before_their_children_whatever_the_order_given)
{
	struct mount_request m[4] = { 0 };
	strcpy(m[0].target, "/a/b/c");
	strcpy(m[1].target, "/data");
	strcpy(m[2].target, "/a/b");
	strcpy(m[3].target, "/a");
	size_t order[4];
	mount_order(m, 4, order);
	ck_assert_uint_eq(order[0], 1); /* depth 1, given first */
	ck_assert_uint_eq(order[1], 3);
	ck_assert_uint_eq(order[2], 2);
	ck_assert_uint_eq(order[3], 0);
}
END_TEST

Suite *mount_options_suite(void)
{
	Suite *s = suite_create("02-namespaces mount options");
	TCase *t = tcase_create("mount options");
	tcase_add_test(t, a_tmpfs_is_nosuid_nodev_and_noexec_unless_told_otherwise);
	tcase_add_test(t, flag_words_become_flags_and_tmpfs_keys_become_data);
	tcase_add_test(t, an_unknown_option_is_refused_by_name);
	tcase_add_test(t, data_too_long_for_its_buffer_is_refused);
	tcase_add_test(t, parents_are_mounted_before_their_children_whatever_the_order_given);
	suite_add_tcase(s, t);
	return s;
}
