/*
 * test_user_files.c - the container's /etc/passwd and /etc/group are the container's to write,
 * so `run -u` and `exec -u` read them as hostile input (02-namespaces/users.c): ids the kernel
 * would misread are refused, and a file that is not a small regular one is never read at all
 * (01-chroot/files.c, read_regular_file).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "files.h"
#include "users.h"

/* --- ids ------------------------------------------------------------------------------------ */

static const char GROUP[] = "root:x:0:\n"
			    "web:x:1000:\n";

/* A passwd file whose line 3 is evil's, with the uid and gid given. */
static const char *passwd_with(const char *uid, const char *gid)
{
	static char text[512];
	snprintf(text, sizeof(text),
		 "root:x:0:0:root:/root:/bin/sh\n"
		 "# evil follows\n"
		 "evil:x:%s:%s::/:/bin/sh\n",
		 uid, gid);
	return text;
}

/* 4294967296 is 2^32: cut to 32 bits, uid 0. 4294967295 is (uid_t)-1, which setresuid(2) reads
 * as "leave this id unchanged": the command would stay root. runc refuses both and every id
 * above 2^31-1 (libcontainer/user: "uids and gids must be in range 0-2147483647"). */
START_TEST(uids_above_2147483647_in_passwd_are_refused_naming_the_file_and_line)
{
	struct user_identity id;
	ck_assert_int_eq(resolve_user("evil", passwd_with("4294967296", "1000"), GROUP, &id), -1);
	ck_assert_str_eq(error_message(), "/etc/passwd, line 3: uid \"4294967296\" of user \"evil\" is out of range: "
					  "uids and gids must be in range 0-2147483647");
	const char *bad[] = { "4294967295", "2147483648", "18446744073709551616", "99999999999999999999999" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(resolve_user("evil", passwd_with(bad[i], "1000"), GROUP, &id), -1);
		ck_assert_msg(strstr(error_message(), "/etc/passwd, line 3: uid \"") &&
				      strstr(error_message(), bad[i]),
			      "%s: %s", bad[i], error_message());
	}
}
END_TEST

START_TEST(gids_above_2147483647_in_passwd_or_group_are_refused_naming_the_file_and_line)
{
	struct user_identity id;
	ck_assert_int_eq(resolve_user("evil", passwd_with("1000", "4294967296"), GROUP, &id), -1);
	ck_assert_str_eq(error_message(), "/etc/passwd, line 3: gid \"4294967296\" of user \"evil\" is out of range: "
					  "uids and gids must be in range 0-2147483647");
	ck_assert_int_eq(resolve_user("evil", passwd_with("1000", "4294967295"), GROUP, &id), -1);
	ck_assert_int_eq(resolve_user("evil", passwd_with("1000", "2147483648"), GROUP, &id), -1);

	/* -u USER:GROUP takes the gid from /etc/group */
	const char group[] = "root:x:0:\nbig:x:4294967296:\n";
	ck_assert_int_eq(resolve_user("evil:big", passwd_with("1000", "1000"), group, &id), -1);
	ck_assert_str_eq(error_message(), "/etc/group, line 2: gid \"4294967296\" of group \"big\" is out of range: "
					  "uids and gids must be in range 0-2147483647");
	/* and so do the supplementary groups: a group listing evil would make it a member of gid 0 */
	const char member[] = "root:x:0:\nwheel:x:4294967296:other,evil\n";
	ck_assert_int_eq(resolve_user("evil", passwd_with("1000", "1000"), member, &id), -1);
	ck_assert_str_eq(error_message(), "/etc/group, line 2: gid \"4294967296\" of group \"wheel\" is out of range: "
					  "uids and gids must be in range 0-2147483647");
}
END_TEST

START_TEST(ids_up_to_2147483647_are_accepted)
{
	struct user_identity id;
	ck_assert_int_eq(resolve_user("evil", passwd_with("2147483647", "2147483647"), GROUP, &id), 0);
	ck_assert(id.uid == 2147483647 && id.gid == 2147483647);
	const char group[] = "root:x:0:\nbig:x:2147483647:evil\n";
	ck_assert_int_eq(resolve_user("evil", passwd_with("1000", "1000"), group, &id), 0);
	ck_assert(id.uid == 1000 && id.gid == 1000 && id.group_count == 1 && id.groups[0] == 2147483647);
	/* a line that does not match is none of our business, whatever its ids (runc's rule) */
	ck_assert_int_eq(resolve_user("root", passwd_with("4294967296", "4294967296"), GROUP, &id), 0);
	ck_assert(id.uid == 0 && id.gid == 0);
}
END_TEST

START_TEST(a_numeric_user_or_group_above_2147483647_is_refused)
{
	struct user_identity id;
	ck_assert_int_eq(check_user_spec("2147483647"), 0);
	ck_assert_int_eq(check_user_spec("2147483647:2147483647"), 0);
	ck_assert_int_eq(check_user_spec("2147483648"), -1);
	ck_assert_int_eq(check_user_spec("4294967295"), -1);
	ck_assert_int_eq(check_user_spec("0:4294967296"), -1);
	ck_assert_int_eq(resolve_user("4294967296", NULL, NULL, &id), -1);
	ck_assert_int_eq(resolve_user("2147483647:2147483647", NULL, NULL, &id), 0);
	ck_assert(id.uid == 2147483647 && id.gid == 2147483647);
}
END_TEST

/* --- reading the files ---------------------------------------------------------------------- */

static char folder[64];

static void make_folder(void)
{
	snprintf(folder, sizeof(folder), "/tmp/tinydock-unit.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(folder));
}

static void remove_folder(void)
{
	remove_tree(folder);
}

static const char *in_folder(const char *name)
{
	static char path[128];
	snprintf(path, sizeof(path), "%s/%s", folder, name);
	return path;
}

static void write_bytes(const char *path, size_t count)
{
	char *data = malloc(count);
	memset(data, 'x', count);
	ck_assert_int_eq(write_file_atomic(path, data, count, 0644), 0);
	free(data);
}

START_TEST(a_regular_file_is_read_whole_up_to_the_limit)
{
	write_bytes(in_folder("passwd"), 64);
	size_t size = 0;
	char *data = read_regular_file(in_folder("passwd"), 64, &size);
	ck_assert_msg(data != NULL, "%s", error_message());
	ck_assert_uint_eq(size, 64);
	ck_assert_uint_eq(strlen(data), 64);
	free(data);
}
END_TEST

START_TEST(a_file_larger_than_the_limit_is_refused)
{
	write_bytes(in_folder("passwd"), 65);
	ck_assert_ptr_null(read_regular_file(in_folder("passwd"), 64, NULL));
	ck_assert_msg(strstr(error_message(), in_folder("passwd")) && strstr(error_message(), "larger than 64 bytes"),
		      "%s", error_message());
}
END_TEST

/* Nobody writes to this FIFO: an open(2) without O_NONBLOCK would wait for a writer, forever
 * (fifo(7)); the test's timeout turns such a hang into a failure. */
START_TEST(a_fifo_is_refused_without_waiting_for_a_writer)
{
	ck_assert_int_eq(mkfifo(in_folder("passwd"), 0644), 0);
	ck_assert_ptr_null(read_regular_file(in_folder("passwd"), 1 << 20, NULL));
	ck_assert_msg(strstr(error_message(), in_folder("passwd")) && strstr(error_message(), "not a regular file"),
		      "%s", error_message());
}
END_TEST

START_TEST(a_device_or_a_folder_is_refused)
{
	ck_assert_ptr_null(read_regular_file("/dev/zero", 1 << 20, NULL));
	ck_assert_msg(strstr(error_message(), "\"/dev/zero\"") && strstr(error_message(), "not a regular file"), "%s",
		      error_message());
	ck_assert_ptr_null(read_regular_file(folder, 1 << 20, NULL));
}
END_TEST

/* /dev/zero never ends: read to the end, it would take every byte of memory there is. */
START_TEST(a_symlink_is_refused_even_to_a_regular_file)
{
	ck_assert_int_eq(symlink("/dev/zero", in_folder("passwd")), 0);
	ck_assert_ptr_null(read_regular_file(in_folder("passwd"), 1 << 20, NULL));
	ck_assert_msg(strstr(error_message(), in_folder("passwd")), "%s", error_message());
	write_bytes(in_folder("real"), 10);
	ck_assert_int_eq(symlink("real", in_folder("link")), 0);
	ck_assert_ptr_null(read_regular_file(in_folder("link"), 1 << 20, NULL));
	ck_assert_int_eq(error_errno(), ELOOP);
}
END_TEST

START_TEST(a_missing_file_is_refused_with_enoent)
{
	ck_assert_ptr_null(read_regular_file(in_folder("none"), 1 << 20, NULL));
	ck_assert_int_eq(error_errno(), ENOENT);
}
END_TEST

Suite *user_files_suite(void)
{
	Suite *s = suite_create("02-namespaces the container's passwd and group");
	TCase *ids = tcase_create("ids");
	tcase_add_test(ids, uids_above_2147483647_in_passwd_are_refused_naming_the_file_and_line);
	tcase_add_test(ids, gids_above_2147483647_in_passwd_or_group_are_refused_naming_the_file_and_line);
	tcase_add_test(ids, ids_up_to_2147483647_are_accepted);
	tcase_add_test(ids, a_numeric_user_or_group_above_2147483647_is_refused);
	suite_add_tcase(s, ids);
	TCase *reading = tcase_create("reading");
	tcase_add_checked_fixture(reading, make_folder, remove_folder);
	tcase_set_timeout(reading, 5);
	tcase_add_test(reading, a_regular_file_is_read_whole_up_to_the_limit);
	tcase_add_test(reading, a_file_larger_than_the_limit_is_refused);
	tcase_add_test(reading, a_fifo_is_refused_without_waiting_for_a_writer);
	tcase_add_test(reading, a_device_or_a_folder_is_refused);
	tcase_add_test(reading, a_symlink_is_refused_even_to_a_regular_file);
	tcase_add_test(reading, a_missing_file_is_refused_with_enoent);
	suite_add_tcase(s, reading);
	return s;
}
