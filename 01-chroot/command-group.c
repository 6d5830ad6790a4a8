/*
 * command-group.c - a management command's dispatch (command-group.h): find the subcommand's
 * row, then the top-level command it names in this binary's tables.
 *
 * Pure over the tables, no system calls: tests/unit checks it with tables of its own.
 */
#include "command-group.h"

#include "cli.h"
#include "error.h"

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

static void list_rows(FILE *out, const struct command_group *group, const struct command *const *tables)
{
	if (group->extends)
		list_rows(out, group->extends, tables);
	for (const struct command_alias *row = group->rows; row->name; row++)
		if (row->summary && command_group_find(group, tables, row->name)) /* else an alias, or
										       * a later chapter's */
			fprintf(out, "  %-10s %s\n", row->name, row->summary);
}

void command_group_help(FILE *out, const struct command_group *group, const struct command *const *tables)
{
	fprintf(out, "Usage:  tinydock %s COMMAND\n\n%s\n\nCommands:\n", group->name, group->summary);
	list_rows(out, group, tables);
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
