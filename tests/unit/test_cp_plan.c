/*
 * test_cp_plan.c - Docker's rules for where `cp` puts things (04-layers/cp-plan.c), case
 * by case as docker-container-cp(1) lists them.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "cp-plan.h"
#include "error.h"

/* Plan SRC -> DEST; fails the test if refused. */
static struct cp_plan plan_of(const char *src, bool src_is_dir, const char *dest, bool exists, bool is_dir)
{
	struct cp_paths p = { src, dest, src_is_dir, exists, is_dir };
	struct cp_plan plan;
	ck_assert_msg(cp_plan_make(&p, &plan) == 0, "%s -> %s: %s", src, dest, error_message());
	return plan;
}

static const char *refusal(const char *src, bool src_is_dir, const char *dest, bool exists, bool is_dir)
{
	static char message[512];
	struct cp_paths p = { src, dest, src_is_dir, exists, is_dir };
	struct cp_plan plan;
	ck_assert_int_eq(cp_plan_make(&p, &plan), -1);
	snprintf(message, sizeof(message), "%s", error_message());
	error_clear();
	return message;
}

START_TEST(a_file_to_a_missing_path_is_made_under_that_name)
{
	struct cp_plan p = plan_of("/etc/hosts", false, "out/h.txt", false, false);
	ck_assert_str_eq(p.into, "out");
	ck_assert_str_eq(p.name, "h.txt");
}
END_TEST

START_TEST(a_file_to_an_existing_folder_goes_into_it_under_its_own_name)
{
	struct cp_plan p = plan_of("/etc/hosts", false, "/tmp/", true, true);
	ck_assert_str_eq(p.into, "/tmp/");
	ck_assert_str_eq(p.name, "hosts");
}
END_TEST

START_TEST(a_file_to_an_existing_file_overwrites_it)
{
	struct cp_plan p = plan_of("a.conf", false, "/etc/app.conf", true, false);
	ck_assert_str_eq(p.into, "/etc");
	ck_assert_str_eq(p.name, "app.conf");
}
END_TEST

START_TEST(a_file_to_a_missing_path_with_a_trailing_slash_is_refused)
{
	ck_assert_ptr_nonnull(strstr(refusal("a.conf", false, "/nowhere/", false, false), "must exist"));
}
END_TEST

START_TEST(a_file_named_with_a_trailing_slash_is_refused_as_not_a_directory)
{
	ck_assert_ptr_nonnull(strstr(refusal("/etc/hosts/", false, "out", false, false), "not a directory"));
}
END_TEST

START_TEST(a_folder_to_a_missing_path_is_made_as_that_folder)
{
	struct cp_plan p = plan_of("/srv/app", true, "backup", false, false);
	ck_assert_str_eq(p.into, ".");
	ck_assert_str_eq(p.name, "backup");
}
END_TEST

START_TEST(a_folder_to_an_existing_folder_goes_into_it)
{
	struct cp_plan p = plan_of("/srv/app/", true, "/backup", true, true);
	ck_assert_str_eq(p.into, "/backup");
	ck_assert_str_eq(p.name, "app");
}
END_TEST

START_TEST(a_folder_ending_in_slash_dot_copies_its_contents_into_the_folder)
{
	struct cp_plan p = plan_of("/srv/app/.", true, "/backup", true, true);
	ck_assert_str_eq(p.into, "/backup");
	ck_assert_str_eq(p.name, "");
}
END_TEST

START_TEST(a_folder_to_an_existing_file_is_refused)
{
	ck_assert_ptr_nonnull(strstr(refusal("/srv/app", true, "notes.txt", true, false), "cannot copy a directory to a file"));
}
END_TEST

Suite *cp_plan_suite(void)
{
	Suite *s = suite_create("cp_plan");
	TCase *t = tcase_create("docker cp rules");
	tcase_add_test(t, a_file_to_a_missing_path_is_made_under_that_name);
	tcase_add_test(t, a_file_to_an_existing_folder_goes_into_it_under_its_own_name);
	tcase_add_test(t, a_file_to_an_existing_file_overwrites_it);
	tcase_add_test(t, a_file_to_a_missing_path_with_a_trailing_slash_is_refused);
	tcase_add_test(t, a_file_named_with_a_trailing_slash_is_refused_as_not_a_directory);
	tcase_add_test(t, a_folder_to_a_missing_path_is_made_as_that_folder);
	tcase_add_test(t, a_folder_to_an_existing_folder_goes_into_it);
	tcase_add_test(t, a_folder_ending_in_slash_dot_copies_its_contents_into_the_folder);
	tcase_add_test(t, a_folder_to_an_existing_file_is_refused);
	suite_add_tcase(s, t);
	return s;
}
