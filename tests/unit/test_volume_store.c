/*
 * test_volume_store.c - the local volume driver on disk (06-dockerfile/volume-store.c):
 * volumes made once and found again, anonymous ones labelled, listed in order, refused names,
 * removed. Each test has its own TINYDOCK_ROOT in /tmp; no root needed, no container made.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "files.h"
#include "volume-store.h"

static char root[] = "/tmp/tinydock-volumes.XXXXXX";

static void make_root(void)
{
	snprintf(root, sizeof(root), "/tmp/tinydock-volumes.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	setenv("TINYDOCK_ROOT", root, 1);
}

static void remove_root(void)
{
	unsetenv("TINYDOCK_ROOT");
	remove_tree(root);
}

START_TEST(a_volume_is_made_once_and_found_again_with_its_data_folder)
{
	char name[VOLUME_NAME_MAX + 1] = "site", path[PATH_MAX];
	bool created;
	ck_assert_msg(volume_create(name, false, &created) == 0, "%s", error_message());
	ck_assert(created);
	ck_assert_int_eq(volume_create(name, false, &created), 0);
	ck_assert(!created);
	struct volume_info info;
	ck_assert_int_eq(volume_load("site", &info), 0);
	snprintf(path, sizeof(path), "%s/volumes/site/_data", root);
	ck_assert_str_eq(info.mountpoint, path);
	ck_assert(is_directory(path));
	ck_assert(!info.anonymous);
	ck_assert_msg(strlen(info.created_at) >= 20 && info.created_at[strlen(info.created_at) - 1] == 'Z', "%s",
		      info.created_at);
}
END_TEST

START_TEST(an_anonymous_volume_gets_a_random_64_hex_name_and_its_label)
{
	char name[VOLUME_NAME_MAX + 1] = "";
	bool created;
	ck_assert_int_eq(volume_create(name, true, &created), 0);
	ck_assert_uint_eq(strlen(name), 64);
	ck_assert_uint_eq(strspn(name, "0123456789abcdef"), 64);
	struct volume_info info;
	ck_assert_int_eq(volume_load(name, &info), 0);
	ck_assert(info.anonymous);
}
END_TEST

START_TEST(volumes_are_listed_sorted_and_removed)
{
	const char *names[] = { "zeta", "alpha", "mid" };
	for (size_t i = 0; i < 3; i++) {
		char name[VOLUME_NAME_MAX + 1];
		bool created;
		snprintf(name, sizeof(name), "%s", names[i]);
		ck_assert_int_eq(volume_create(name, false, &created), 0);
	}
	char **list;
	size_t count;
	ck_assert_int_eq(volume_list(&list, &count), 0);
	ck_assert_uint_eq(count, 3);
	ck_assert_str_eq(list[0], "alpha");
	ck_assert_str_eq(list[1], "mid");
	ck_assert_str_eq(list[2], "zeta");
	volume_list_free(list, count);
	ck_assert_msg(volume_remove("mid", NULL) == 0, "%s", error_message());
	ck_assert_int_eq(volume_list(&list, &count), 0);
	ck_assert_uint_eq(count, 2);
	volume_list_free(list, count);
	ck_assert_int_eq(volume_remove("mid", NULL), -1);
	ck_assert_str_eq(error_message(), "get mid: no such volume");
	error_clear();
}
END_TEST

START_TEST(a_bad_name_is_refused_and_nothing_is_made)
{
	char name[VOLUME_NAME_MAX + 1] = "../escape";
	bool created;
	ck_assert_int_eq(volume_create(name, false, &created), -1);
	ck_assert_msg(strstr(error_message(), "includes invalid characters for a local volume name"), "%s", error_message());
	error_clear();
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/escape", root);
	ck_assert_int_ne(access(path, F_OK), 0);
	ck_assert_int_eq(volume_load("../escape", &(struct volume_info){ 0 }), -1);
	error_clear();
}
END_TEST

Suite *volume_store_suite(void)
{
	Suite *s = suite_create("06-dockerfile volume store");
	TCase *t = tcase_create("volume store");
	tcase_add_checked_fixture(t, make_root, remove_root);
	tcase_add_test(t, a_volume_is_made_once_and_found_again_with_its_data_folder);
	tcase_add_test(t, an_anonymous_volume_gets_a_random_64_hex_name_and_its_label);
	tcase_add_test(t, volumes_are_listed_sorted_and_removed);
	tcase_add_test(t, a_bad_name_is_refused_and_nothing_is_made);
	suite_add_tcase(s, t);
	return s;
}
