/*
 * ps-format.c - `docker ps`'s output, reproduced: a status in words, a quoted and shortened
 * command, and columns aligned as Go's text/tabwriter aligns them (docker/cli builds every table
 * with tabwriter.NewWriter(out, 10, 1, 3, ' ', 0): cells at least 10 wide, 3 spaces between).
 * Students compare screenshots with Docker's; the columns should line up the same way.
 */
#include "ps-format.h"
#include "error.h"
#include "humanize.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void ps_status(const char *state, int exit_code, int64_t seconds, char *out, size_t size)
{
	char age[64];
	human_duration(seconds, age, sizeof(age));
	if (strcmp(state, "running") == 0)
		snprintf(out, size, "Up %s", age);
	else if (strcmp(state, "paused") == 0)
		snprintf(out, size, "Up %s (Paused)", age); /* Docker's words */
	else if (strcmp(state, "restarting") == 0)
		snprintf(out, size, "Restarting (%d) %s ago", exit_code, age);
	else if (strcmp(state, "exited") == 0)
		snprintf(out, size, "Exited (%d) %s ago", exit_code, age);
	else
		snprintf(out, size, "Created");
}

/* Characters, not bytes: UTF-8 continuation bytes (10xxxxxx) do not start a character. */
static size_t display_width(const char *text)
{
	size_t width = 0;
	for (; *text; text++)
		if (((unsigned char)*text & 0xc0) != 0x80)
			width++;
	return width;
}

void ps_command(char *const *argv, bool no_trunc, char *out, size_t size)
{
	char line[4096] = "";
	size_t used = 0;
	/* The daemon's words (its container list): the path, then each argument, one that holds
	 * a space in single quotes, so `sh -c 'exit 3'` reads as it was typed. */
	for (size_t i = 0; argv && argv[i] && used < sizeof(line); i++) {
		bool quote = i > 0 && strchr(argv[i], ' ');
		used += (size_t)snprintf(line + used, sizeof(line) - used, "%s%s%s%s", i ? " " : "", quote ? "'" : "",
					 argv[i], quote ? "'" : "");
	}
	/* Docker's Ellipsis(command, 20): keep 19 characters and add "…". */
	if (!no_trunc && display_width(line) > 20) {
		size_t chars = 0, i = 0;
		for (; line[i]; i++) {
			if (((unsigned char)line[i] & 0xc0) == 0x80)
				continue;
			if (chars == 19)
				break;
			chars++;
		}
		snprintf(line + i, sizeof(line) - i, "…");
	}
	snprintf(out, size, "\"%s\"", line);
}

int table_add_row(struct table *t, const char *const *cells)
{
	char **bigger = realloc(t->cells, (t->rows + 1) * t->columns * sizeof(*bigger));
	if (!bigger)
		return fail_errno(ENOMEM, "cannot grow the table");
	t->cells = bigger;
	for (size_t c = 0; c < t->columns; c++) {
		char *copy = strdup(cells[c] ? cells[c] : "");
		if (!copy) {
			while (c-- > 0)
				free(t->cells[t->rows * t->columns + c]);
			return fail_errno(ENOMEM, "cannot grow the table");
		}
		t->cells[t->rows * t->columns + c] = copy;
	}
	t->rows++;
	return 0;
}

void table_print(const struct table *t, FILE *out)
{
	for (size_t r = 0; r < t->rows; r++) {
		for (size_t c = 0; c < t->columns; c++) {
			const char *cell = t->cells[r * t->columns + c];
			if (c + 1 == t->columns) {
				fprintf(out, "%s\n", cell);
				break;
			}
			size_t width = 0;
			for (size_t i = 0; i < t->rows; i++) {
				size_t w = display_width(t->cells[i * t->columns + c]) + 3;
				if (w > width)
					width = w;
			}
			if (width < 10)
				width = 10;
			fprintf(out, "%s%*s", cell, (int)(width - display_width(cell)), "");
		}
	}
}

void table_free(struct table *t)
{
	for (size_t i = 0; i < t->rows * t->columns; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->rows = 0;
}
