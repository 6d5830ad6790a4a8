/*
 * command.h - the command table, assembled from the chapters a binary links.
 *
 * Like git's builtins (git.c), every command is a function `int cmd_NAME(int argc, char **argv)`
 * in the chapter that teaches it. Each chapter lists the commands it adds in its own table
 * (01-chroot/chapter-01.c, 02-namespaces/chapter-02.c, ...), and each chapter's binary,
 * build/chNN/tinydock, is described by that chapter's stage-NN.c: the tables of chapters 01..NN,
 * earliest first. So build/ch02/tinydock knows `rootfs`, `chroot`, `run`, ... and nothing of
 * chapter 03, and the last chapter's stage links every table into build/tinydock.
 *
 * A later chapter may give an earlier chapter's command a new function: chapter 03's table has
 * a `run` with -d, limits and state (runtime_cmd_run, which calls chapter 02's) in a row of the
 * same name. The
 * last row of a name is the one that runs; --help shows the chapter of the first (the chapter
 * that teaches it) and the last summary given (what the command does in this binary).
 */
#ifndef TINYDOCK_COMMAND_H
#define TINYDOCK_COMMAND_H

#include <stdio.h>

struct command {
	const char *name;                    /* NULL ends a table */
	int (*run)(int argc, char **argv);   /* argv[0] is the name; returns the exit status */
	const char *chapter;                 /* "03-cgroups": the chapter that wrote this row */
	const char *summary;                 /* one line for --help; NULL: the earlier row's line
					      * still says what the extended command does */
};

/* The binary's tables, earliest chapter first, ending with NULL: defined by the stage-NN.c of
 * the chapter the binary is built for, and read by main (01-chroot/main.c). */
extern const struct command *const stage_commands[];

/* The global option --node NAME (or TINYDOCK_NODE=NAME): make this process act as on machine
 * NAME of a simulated swarm (its namespaces, TINYDOCK_ROOT and TINYDOCK_RUN), so that any command
 * runs there. Defined by stage-NN.c like the tables: chapter 08's binary has machines, the earlier
 * ones have none (NULL). Returns -1 with the message recorded. */
extern int (*const stage_select_node)(const char *name);

/* The binary's tables for a command that looks up others (`container ls` runs `ps`):
 * stage_commands, or no tables at all in a program that links the chapters without a stage
 * (the test runners, the fuzz targets), so that these link as they are. */
const struct command *const *command_tables(void);

/* The row that runs NAME: the last one of that name in tables (NULL-terminated); NULL if none. */
const struct command *command_find(const struct command *const *tables, const char *name);

/* One line per command for --help, in the order the chapters teach them: each name once, with
 * the chapter of its first row and the summary of its last row that has one. */
void command_list(FILE *out, const struct command *const *tables);

#endif
