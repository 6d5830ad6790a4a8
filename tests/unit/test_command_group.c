/*
 * test_command_group.c - Docker's management commands (01-chroot/command-group.c): a group's
 * subcommand runs the top-level command of the binary it is in, and only exists where it does.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command-group.h"

static int ps_early(int argc, char **argv)
{
	(void)argc, (void)argv;
	return 1;
}

static int start_later(int argc, char **argv)
{
	(void)argc, (void)argv;
	return 2;
}

static int start_early(int argc, char **argv)
{
	(void)argc, (void)argv;
	return 3;
}

static int cp_later(int argc, char **argv)
{
	(void)argc, (void)argv;
	return 4;
}

static int prune_own(int argc, char **argv)
{
	/* what the subcommand sees: its own name first, then its arguments */
	return argc == 2 && strcmp(argv[0], "prune") == 0 && strcmp(argv[1], "-f") == 0 ? 5 : 99;
}

static const struct command early[] = {
	{ "ps", ps_early, "03-cgroups", "List containers" },
	{ "start", start_early, "03-cgroups", "Start containers" },
	{ NULL, NULL, NULL, NULL },
};
static const struct command later[] = {
	{ "start", start_later, "05-images", NULL },
	{ "cp", cp_later, "04-layers", "Copy files" },
	{ NULL, NULL, NULL, NULL },
};
static const struct command *const early_stage[] = { early, NULL };
static const struct command *const later_stage[] = { early, later, NULL };

static const struct command_alias rows[] = {
	{ "cp", "cp", NULL, "Copy files/folders" },
	{ "ls", "ps", NULL, "List containers" },
	{ "list", "ps", NULL, NULL },
	{ "prune", NULL, prune_own, "Remove all stopped containers" },
	{ "start", "start", NULL, "Start one or more stopped containers" },
	{ NULL, NULL, NULL, NULL },
};
static const struct command_group group = { .name = "container", .summary = "Manage containers", .rows = rows };

START_TEST(a_subcommand_runs_the_same_function_as_its_top_level_command)
{
	ck_assert_ptr_eq(command_group_find(&group, early_stage, "ls"), ps_early);
	ck_assert_ptr_eq(command_group_find(&group, early_stage, "list"), ps_early);
	ck_assert_ptr_eq(command_group_find(&group, early_stage, "start"), start_early);
}
END_TEST

START_TEST(a_later_chapters_command_replaces_the_subcommand_as_it_replaces_the_top_level_one)
{
	ck_assert_ptr_eq(command_group_find(&group, later_stage, "start"), start_later);
}
END_TEST

START_TEST(a_subcommand_whose_command_the_binary_lacks_does_not_exist)
{
	ck_assert_ptr_null(command_group_find(&group, early_stage, "cp"));
	ck_assert_ptr_eq(command_group_find(&group, later_stage, "cp"), cp_later);
	ck_assert_ptr_null(command_group_find(&group, later_stage, "bogus"));
}
END_TEST

START_TEST(the_subcommand_gets_its_own_name_and_the_arguments_after_it)
{
	char *argv[] = { "container", "prune", "-f", NULL };
	ck_assert_int_eq(command_group_run(&group, early_stage, 3, argv), 5);
}
END_TEST

START_TEST(an_unknown_subcommand_is_a_usage_error_and_none_runs)
{
	char *argv[] = { "container", "cp", "a:/x", "y", NULL };
	ck_assert_int_eq(command_group_run(&group, early_stage, 4, argv), 125);
	char *alone[] = { "container", NULL };
	ck_assert_int_eq(command_group_run(&group, early_stage, 1, alone), 125);
}
END_TEST

START_TEST(help_lists_only_the_subcommands_of_this_binary_without_aliases)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	ck_assert_ptr_nonnull(out);
	command_group_help(out, &group, early_stage);
	ck_assert_int_eq(fclose(out), 0);
	ck_assert_str_eq(text, "Usage:  tinydock container COMMAND\n\nManage containers\n\nCommands:\n"
			       "  ls         List containers\n"
			       "  prune      Remove all stopped containers\n"
			       "  start      Start one or more stopped containers\n"
			       "\nRun 'tinydock container COMMAND --help' for more information on a command.\n");
	free(text);
}
END_TEST

static const struct command_alias later_rows[] = {
	{ "prune", NULL, cp_later, "Remove all stopped containers, and more" },
	{ "top", "top", NULL, "Display the running processes" },
	{ NULL, NULL, NULL, NULL },
};
static const struct command_group later_group = { .name = "container", .summary = "Manage containers",
						   .rows = later_rows, .extends = &group };

START_TEST(a_later_chapters_group_adds_rows_and_replaces_those_of_the_same_name)
{
	ck_assert_ptr_eq(command_group_find(&later_group, early_stage, "prune"), cp_later);
	ck_assert_ptr_eq(command_group_find(&later_group, early_stage, "ls"), ps_early);
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	ck_assert_ptr_nonnull(out);
	command_group_help(out, &later_group, early_stage);
	ck_assert_int_eq(fclose(out), 0);
	ck_assert_str_eq(text, "Usage:  tinydock container COMMAND\n\nManage containers\n\nCommands:\n"
			       "  ls         List containers\n"
			       "  start      Start one or more stopped containers\n"
			       "  prune      Remove all stopped containers, and more\n"
			       "\nRun 'tinydock container COMMAND --help' for more information on a command.\n");
	free(text);
}
END_TEST

Suite *command_group_suite(void)
{
	Suite *s = suite_create("command_group");
	TCase *t = tcase_create("group");
	tcase_add_test(t, a_subcommand_runs_the_same_function_as_its_top_level_command);
	tcase_add_test(t, a_later_chapters_command_replaces_the_subcommand_as_it_replaces_the_top_level_one);
	tcase_add_test(t, a_subcommand_whose_command_the_binary_lacks_does_not_exist);
	tcase_add_test(t, the_subcommand_gets_its_own_name_and_the_arguments_after_it);
	tcase_add_test(t, an_unknown_subcommand_is_a_usage_error_and_none_runs);
	tcase_add_test(t, help_lists_only_the_subcommands_of_this_binary_without_aliases);
	tcase_add_test(t, a_later_chapters_group_adds_rows_and_replaces_those_of_the_same_name);
	suite_add_tcase(s, t);
	return s;
}
