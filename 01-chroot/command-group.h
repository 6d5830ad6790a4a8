/*
 * command-group.h - Docker's management commands: `container ls`, `image rm`, `system df`.
 *
 * Docker 1.13 grouped its commands by the object they act on (`docker container ls` is
 * `docker ps`, `docker image rm` is `docker rmi`), and kept the old top-level names. Here a group
 * is one table of its subcommands, each naming the top-level command that does the work. The
 * group finds that command in the tables of the binary that runs (command.h), so the group grows
 * as the chapters do: `container cp` exists in the binaries that have `cp` (chapter 04 on), and
 * `container start` runs the last chapter's `start`, the same function as `tinydock start`. A
 * subcommand with no top-level form (`container prune`) names its own function instead. When a
 * later chapter adds subcommands of its own (`system df` needs chapter 05's images), its group
 * extends the earlier chapter's, and its table row of the group's name replaces the earlier one.
 */
#ifndef TINYDOCK_COMMAND_GROUP_H
#define TINYDOCK_COMMAND_GROUP_H

#include "command.h"

#include <stdio.h>

struct command_alias {
	const char *name;                   /* NULL ends a table; the subcommand: "ls" */
	const char *command;                /* the top-level command that does it: "ps" */
	int (*run)(int argc, char **argv);  /* or, with command NULL, its own function */
	const char *summary;                /* one line for the group's --help; NULL: an alias
					     * not listed (`container list` for `ls`) */
};

struct command_group {
	const char *name;                   /* "container" */
	const char *summary;                /* "Manage containers" */
	const struct command_alias *rows;
	const struct command_group *extends; /* an earlier chapter's group of the same name, whose
					      * rows this one adds to (NULL: none) */
};

/* The function that runs subcommand NAME of group in a binary of these tables: the row's own
 * function, or the last row of its top-level command (command_find), looked for in group's rows
 * then in the group it extends; NULL when there is no such subcommand or this binary lacks its
 * command (a later chapter's). */
int (*command_group_find(const struct command_group *group, const struct command *const *tables,
			 const char *name))(int, char **);

/* The group's help: its usage line, and the subcommands this binary has, one a line (the
 * extended group's first). */
void command_group_help(FILE *out, const struct command_group *group, const struct command *const *tables);

/* `tinydock GROUP SUBCOMMAND ARGS...` (argv[0] is the group's name): the subcommand's function
 * with argv[1..] (so its argv[0] is the subcommand); the group's help for none or --help (exit
 * 0 for --help, 125 for none, as Docker's), a usage error (125) for an unknown one. */
int command_group_run(const struct command_group *group, const struct command *const *tables, int argc,
		      char **argv);

#endif
