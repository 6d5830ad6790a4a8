/*
 * test_names.c - container names and id prefixes (03-cgroups/names.c).
 */
#include <check.h>
#include <string.h>

#include "names.h"

START_TEST(names_follow_dockers_rule)
{
	ck_assert(container_name_valid("web"));
	ck_assert(container_name_valid("shop_db-1.primary"));
	ck_assert(container_name_valid("a1"));
	ck_assert(!container_name_valid("a"));
	ck_assert(!container_name_valid("-web"));
	ck_assert(!container_name_valid("_web"));
	ck_assert(!container_name_valid("web/1"));
	ck_assert(!container_name_valid("web 1"));
	ck_assert(!container_name_valid("../etc"));
	char long_name[200];
	memset(long_name, 'a', 199);
	long_name[199] = '\0';
	ck_assert(!container_name_valid(long_name));
}
END_TEST

START_TEST(generated_names_are_valid_and_vary_with_the_seed)
{
	char a[64], b[64];
	container_name_generate(1, a, sizeof(a));
	container_name_generate(1 + 64 * 5 + 3, b, sizeof(b));
	ck_assert(container_name_valid(a));
	ck_assert(container_name_valid(b));
	ck_assert_str_ne(a, b);
	ck_assert_ptr_nonnull(strchr(a, '_'));
}
END_TEST

START_TEST(id_prefixes_are_lowercase_hex)
{
	ck_assert(looks_like_id_prefix("4f2a"));
	ck_assert(looks_like_id_prefix("0123456789abcdef"));
	ck_assert(!looks_like_id_prefix(""));
	ck_assert(!looks_like_id_prefix("4F2A"));
	ck_assert(!looks_like_id_prefix("web"));
}
END_TEST

Suite *names_suite(void)
{
	Suite *s = suite_create("names");
	TCase *t = tcase_create("names");
	tcase_add_test(t, names_follow_dockers_rule);
	tcase_add_test(t, generated_names_are_valid_and_vary_with_the_seed);
	tcase_add_test(t, id_prefixes_are_lowercase_hex);
	suite_add_tcase(s, t);
	return s;
}
