/*
 * test_overlay.c - the overlay mount options string (04-layers/overlay.c), built purely.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "changes.h"
#include "overlay.h"

START_TEST(lowerdir_lists_the_top_layer_first)
{
	const char *lowers[] = { "/layers/base", "/layers/middle", "/layers/top" }; /* lowest first */
	struct overlay o = { lowers, 3, "/c/upper", "/c/work", "/c/merged", false };
	char buf[256];
	ck_assert_int_gt(overlay_options(&o, NULL, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "lowerdir=/layers/top:/layers/middle:/layers/base,upperdir=/c/upper,workdir=/c/work");
	o.upper = o.work = NULL;
	ck_assert_int_gt(overlay_options(&o, NULL, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "lowerdir=/layers/top:/layers/middle:/layers/base");
}
END_TEST

START_TEST(a_volatile_upper_adds_the_volatile_option_and_only_with_an_upper)
{
	const char *lowers[] = { "/layers/base", "/layers/top" };
	struct overlay o = { lowers, 2, "/c/upper", "/c/work", "/c/merged", true };
	char buf[256];
	ck_assert_int_gt(overlay_options(&o, NULL, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "lowerdir=/layers/top:/layers/base,upperdir=/c/upper,workdir=/c/work,volatile");
	o.upper = o.work = NULL; /* read-only: no upper to sync, no option */
	ck_assert_int_gt(overlay_options(&o, NULL, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "lowerdir=/layers/top:/layers/base");
}
END_TEST

START_TEST(commas_colons_and_backslashes_in_paths_are_escaped)
{
	const char *lowers[] = { "/l/a:b", "/l/c,d" };
	struct overlay o = { lowers, 2, "/u\\x", "/w", "/m", false };
	char buf[256];
	ck_assert_int_gt(overlay_options(&o, NULL, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "lowerdir=/l/c\\,d:/l/a\\:b,upperdir=/u\\\\x,workdir=/w");
}
END_TEST

START_TEST(options_that_do_not_fit_are_an_error_not_a_truncation)
{
	const char *lowers[] = { "/a/very/long/layer/path", "/another/long/layer/path" };
	struct overlay o = { lowers, 2, NULL, NULL, "/m", false };
	char buf[20];
	errno = 0;
	ck_assert_int_eq(overlay_options(&o, NULL, buf, sizeof(buf)), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
}
END_TEST

START_TEST(relative_options_strip_the_common_folder_to_fit_many_layers)
{
	static char paths[100][96];
	const char *lowers[100];
	for (int i = 0; i < 100; i++) {
		snprintf(paths[i], sizeof(paths[i]), "/var/lib/tinydock/layers/%064x/diff", i);
		lowers[i] = paths[i];
	}
	struct overlay o = { lowers, 100, "/var/lib/tinydock/containers/c1/upper", "/var/lib/tinydock/containers/c1/work", "/m", false };
	char common[256], buf[16384];
	ck_assert_int_eq(overlay_common_folder(&o, common, sizeof(common)), 0);
	ck_assert_str_eq(common, "/var/lib/tinydock");
	int absolute = overlay_options(&o, NULL, buf, sizeof(buf));
	ck_assert_int_gt(absolute, 4096); /* would not fit in mount(2)'s page */
	int relative = overlay_options(&o, common, buf, sizeof(buf));
	ck_assert_int_lt(relative, absolute);
	ck_assert(strncmp(buf, "lowerdir=layers/", 16) == 0);
	ck_assert_ptr_nonnull(strstr(buf, ",upperdir=containers/c1/upper,workdir=containers/c1/work"));
}
END_TEST

START_TEST(the_common_folder_is_a_whole_folder_not_a_string_prefix)
{
	const char *lowers[] = { "/data/layer1", "/data/layer10" };
	struct overlay o = { lowers, 2, "/data/up", "/data/work", "/m", false };
	char common[64];
	ck_assert_int_eq(overlay_common_folder(&o, common, sizeof(common)), 0);
	ck_assert_str_eq(common, "/data");
	const char *apart[] = { "/a/x", "/b/y" };
	struct overlay p = { apart, 2, NULL, NULL, "/m", false };
	ck_assert_int_eq(overlay_common_folder(&p, common, sizeof(common)), 0);
	ck_assert_str_eq(common, "/");
}
END_TEST

START_TEST(upper_entries_are_classified_as_docker_diff_does)
{
	ck_assert_int_eq(change_kind(true, true), 'D');
	ck_assert_int_eq(change_kind(false, true), 'C');
	ck_assert_int_eq(change_kind(false, false), 'A');
}
END_TEST

Suite *overlay_suite(void)
{
	Suite *s = suite_create("overlay");
	TCase *t = tcase_create("options");
	tcase_add_test(t, lowerdir_lists_the_top_layer_first);
	tcase_add_test(t, a_volatile_upper_adds_the_volatile_option_and_only_with_an_upper);
	tcase_add_test(t, commas_colons_and_backslashes_in_paths_are_escaped);
	tcase_add_test(t, options_that_do_not_fit_are_an_error_not_a_truncation);
	tcase_add_test(t, relative_options_strip_the_common_folder_to_fit_many_layers);
	tcase_add_test(t, the_common_folder_is_a_whole_folder_not_a_string_prefix);
	tcase_add_test(t, upper_entries_are_classified_as_docker_diff_does);
	suite_add_tcase(s, t);
	return s;
}
