/*
 * command-group.c - a management command's dispatch (command-group.h): find the subcommand's
 * row, then the top-level command it names in this binary's tables.
 *
 * Pure over the tables, no system calls: tests/unit checks it with tables of its own.
 */
#include "command-group.h"

#include "cli.h"
#include "error.h"

#include <stdbool.h>
#include <string.h>

int (*command_group_find(const struct command_group *group, const struct command *const *tables,
			 const char *name))(int, char **)
{
	for (const struct command_alias *row = group->rows; row->name; row++) {
		if (strcmp(row->name, name) != 0)
			continue;
		if (row->run)
			return row->run;
		const struct command *command = command_find(tables, row->command);
		return command ? command->run : NULL;
	}
	return group->extends ? command_group_find(group->extends, tables, name) : NULL;
}

/* Has a group between top and group (a later chapter's) a row of that name, replacing it? */
static bool replaced(const struct command_group *top, const struct command_group *group, const char *name)
{
	for (const struct command_group *g = top; g && g != group; g = g->extends)
		for (const struct command_alias *row = g->rows; row->name; row++)
			if (strcmp(row->name, name) == 0)
				return true;
	return false;
}

/* The rows of group and the groups it extends, earliest chapter's first, each name once. */
static void list_rows(FILE *out, const struct command_group *top, const struct command_group *group,
		      const struct command *const *tables)
{
	if (group->extends)
		list_rows(out, top, group->extends, tables);
	for (const struct command_alias *row = group->rows; row->name; row++)
		if (row->summary && !replaced(top, group, row->name) && command_group_find(group, tables, row->name))
			fprintf(out, "  %-10s %s\n", row->name, row->summary); /* else an alias, or a row
										 * of a chapter not linked */
}

void command_group_help(FILE *out, const struct command_group *group, const struct command *const *tables)
{
	fprintf(out, "Usage:  tinydock %s COMMAND\n\n%s\n\nCommands:\n", group->name, group->summary);
	list_rows(out, group, group, tables);
	fprintf(out, "\nRun 'tinydock %s COMMAND --help' for more information on a command.\n", group->name);
}

int command_group_run(const struct command_group *group, const struct command *const *tables, int argc,
		      char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		/* Docker prints the group's help either way; alone, it is a usage error (exit 125
		 * here, as every usage error of tinydock). */
		command_group_help(argc < 2 ? stderr : stdout, group, tables);
		return argc < 2 ? EXIT_TINYDOCK_FAILED : 0;
	}
	int (*run)(int, char **) = command_group_find(group, tables, argv[1]);
	if (!run)
		return usage_error(group->name, "unknown command \"%s\" (tinydock %s --help lists them)", argv[1],
				   group->name);
	return run(argc - 1, argv + 1);
}
