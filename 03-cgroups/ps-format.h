/*
 * ps-format.h - the words and columns of `tinydock ps`, as `docker ps` prints them.
 *
 * Pure: unit-tested in tests/unit/test_ps_format.c.
 */
#ifndef TINYDOCK_PS_FORMAT_H
#define TINYDOCK_PS_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* STATUS: "Up 3 seconds", "Exited (0) 2 minutes ago", "Created", "Restarting (1) 5 seconds ago".
 * seconds: since the start (running) or the end (exited, restarting). */
void ps_status(const char *state, int exit_code, int64_t seconds, char *out, size_t size);

/* COMMAND: the command line in double quotes (an argument with a space in single quotes), cut
 * to 20 characters with "…" unless no_trunc. */
void ps_command(char *const *argv, bool no_trunc, char *out, size_t size);

/* A table printed as Go's text/tabwriter does for Docker (minimum width 10, padding 3): each
 * column as wide as its widest cell plus 3 spaces, the last column not padded. */
struct table {
	size_t columns, rows;
	char **cells; /* rows x columns, malloc'd copies */
};

int table_add_row(struct table *t, const char *const *cells);
void table_print(const struct table *t, FILE *out);
void table_free(struct table *t);

#endif
