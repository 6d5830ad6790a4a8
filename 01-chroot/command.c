/*
 * command.c - finding a command in the tables a binary links, and listing them (command.h).
 *
 * Pure logic over the tables, no system calls, so tests/unit checks it without a binary.
 */
#include "command.h"

#include <stdbool.h>
#include <string.h>

/* A weak reference (the GNU toolchain's): where no stage-NN.c is linked, it is NULL. */
#pragma weak stage_commands

const struct command *const *command_tables(void)
{
	static const struct command *const none[] = { NULL };
	return stage_commands ? stage_commands : none;
}

const struct command *command_find(const struct command *const *tables, const char *name)
{
	const struct command *found = NULL;
	for (size_t t = 0; tables[t]; t++)
		for (const struct command *c = tables[t]; c->name; c++)
			if (strcmp(c->name, name) == 0)
				found = c;
	return found;
}

/* The first row of that name: the chapter that teaches the command. */
static const struct command *first_row(const struct command *const *tables, const char *name)
{
	for (size_t t = 0; tables[t]; t++)
		for (const struct command *c = tables[t]; c->name; c++)
			if (strcmp(c->name, name) == 0)
				return c;
	return NULL;
}

/* The summary of the last row of that name that has one: what the command does in this binary. */
static const char *last_summary(const struct command *const *tables, const char *name)
{
	const char *summary = "";
	for (size_t t = 0; tables[t]; t++)
		for (const struct command *c = tables[t]; c->name; c++)
			if (c->summary && strcmp(c->name, name) == 0)
				summary = c->summary;
	return summary;
}

void command_list(FILE *out, const struct command *const *tables)
{
	for (size_t t = 0; tables[t]; t++)
		for (const struct command *c = tables[t]; c->name; c++)
			if (first_row(tables, c->name) == c)
				fprintf(out, "  %-10s %-14s %s\n", c->name, c->chapter, last_summary(tables, c->name));
}
