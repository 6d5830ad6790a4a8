/*
 * test_command_table.c - the command table of a stage, assembled from chapters' tables
 * (01-chroot/command.c).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"

static int run_early(int argc, char **argv)
{
	(void)argc, (void)argv;
	return 1;
}

static int run_later(int argc, char **argv)
{
	(void)argc, (void)argv;
	return 2;
}

/* Two chapters: the second gives `run` a new function (no summary of its own) and `inspect` a
 * new function and a new summary, and adds `ps`. */
static const struct command early[] = {
	{ "run", run_early, "02-namespaces", "Run a command" },
	{ "inspect", run_early, "02-namespaces", "Show containers" },
	{ NULL, NULL, NULL, NULL },
};
static const struct command later[] = {
	{ "ps", run_later, "03-cgroups", "List containers" },
	{ "run", run_later, "03-cgroups", NULL },
	{ "inspect", run_later, "03-cgroups", "Show containers or images" },
	{ NULL, NULL, NULL, NULL },
};
static const struct command *const early_stage[] = { early, NULL };
static const struct command *const later_stage[] = { early, later, NULL };

START_TEST(the_last_row_of_a_name_is_the_one_that_runs)
{
	ck_assert_ptr_eq(command_find(early_stage, "run")->run, run_early);
	ck_assert_ptr_eq(command_find(later_stage, "run")->run, run_later);
	ck_assert_ptr_eq(command_find(later_stage, "inspect")->run, run_later);
	ck_assert_ptr_eq(command_find(later_stage, "ps")->run, run_later);
}
END_TEST

START_TEST(a_later_chapters_command_is_not_found_in_an_earlier_stage)
{
	ck_assert_ptr_null(command_find(early_stage, "ps"));
	ck_assert_ptr_null(command_find(later_stage, "pus"));
	ck_assert_ptr_null(command_find(later_stage, ""));
}
END_TEST

/* What command_list prints for tables (malloc'd). */
static char *listing(const struct command *const *tables)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	ck_assert_ptr_nonnull(out);
	command_list(out, tables);
	ck_assert_int_eq(fclose(out), 0);
	return text;
}

START_TEST(help_lists_each_command_once_with_its_teaching_chapter_and_latest_summary)
{
	char *text = listing(later_stage);
	ck_assert_str_eq(text, "  run        02-namespaces  Run a command\n"
			       "  inspect    02-namespaces  Show containers or images\n"
			       "  ps         03-cgroups     List containers\n");
	free(text);
	text = listing(early_stage);
	ck_assert_str_eq(text, "  run        02-namespaces  Run a command\n"
			       "  inspect    02-namespaces  Show containers\n");
	free(text);
}
END_TEST

Suite *command_table_suite(void)
{
	Suite *s = suite_create("command_table");
	TCase *t = tcase_create("command table");
	tcase_add_test(t, the_last_row_of_a_name_is_the_one_that_runs);
	tcase_add_test(t, a_later_chapters_command_is_not_found_in_an_earlier_stage);
	tcase_add_test(t, help_lists_each_command_once_with_its_teaching_chapter_and_latest_summary);
	suite_add_tcase(s, t);
	return s;
}
