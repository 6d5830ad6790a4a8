/*
 * compose-log-format.c - the prefixes, colours and lines of `compose logs` (compose-log-format.h).
 *
 * An ANSI colour is two escape sequences around the text: ESC [ params m to set it, ESC [ 0 m
 * to reset everything (ECMA-48 section 8.3.117, SGR). 30 + n is the foreground colour n of the
 * eight (31 red, 32 green, 33 yellow, 34 blue, 35 magenta, 36 cyan); ";1" adds bold, which most
 * terminals also draw brighter. Red and the greys are not in the cycle (nor in Compose's).
 */
#include "compose-log-format.h"
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const colors[] = { "36", "33", "32", "35", "34", "36;1", "33;1", "32;1", "35;1", "34;1" };

bool compose_log_use_color(bool no_color_flag, const char *no_color_env, bool stdout_is_terminal)
{
	return !no_color_flag && !(no_color_env && *no_color_env) && stdout_is_terminal;
}

const char *compose_log_color(size_t index)
{
	return colors[index % (sizeof(colors) / sizeof(colors[0]))];
}

size_t compose_log_prefix_width(const char *const *names, size_t count)
{
	size_t longest = 0;
	for (size_t i = 0; i < count; i++)
		if (strlen(names[i]) > longest)
			longest = strlen(names[i]);
	return longest + 1;
}

/* text wrapped in color (or as it is, without one): malloc'd. */
static char *colored(const char *color, const char *text)
{
	char *out = NULL;
	int n = color ? asprintf(&out, "\033[%sm%s\033[0m", color, text) : asprintf(&out, "%s", text);
	if (n < 0) {
		fail_errno(ENOMEM, "cannot format a log line");
		return NULL;
	}
	return out;
}

char *compose_log_prefix(const char *name, size_t width, const char *color)
{
	char *plain = NULL;
	if (asprintf(&plain, "%-*s | ", (int)width, name) < 0) {
		fail_errno(ENOMEM, "cannot format the prefix of %s", name);
		return NULL;
	}
	char *prefix = colored(color, plain);
	free(plain);
	return prefix;
}

char *compose_log_line(const char *prefix, const struct log_entry *entry, bool timestamps, size_t *length)
{
	char when[TIMESTAMP_SIZE + 1] = "";
	if (timestamps) {
		timestamp_format(entry->time, when);
		strcat(when, " ");
	}
	size_t text = entry->length;
	if (text > 0 && entry->text[text - 1] == '\n')
		text--; /* the one '\n' is added below, for every line */
	size_t prefix_length = strlen(prefix), when_length = strlen(when);
	*length = prefix_length + when_length + text + 1;
	char *line = malloc(*length + 1);
	if (!line) {
		fail_errno(ENOMEM, "cannot format a log line");
		return NULL;
	}
	memcpy(line, prefix, prefix_length);
	memcpy(line + prefix_length, when, when_length);
	memcpy(line + prefix_length + when_length, entry->text, text);
	line[*length - 1] = '\n';
	line[*length] = '\0';
	return line;
}

char *compose_log_exit_line(const char *name, int exit_code, const char *color)
{
	char *plain = NULL;
	if (asprintf(&plain, "%s exited with code %d", name, exit_code) < 0) {
		fail_errno(ENOMEM, "cannot format the exit of %s", name);
		return NULL;
	}
	char *line = colored(color, plain);
	free(plain);
	if (!line)
		return NULL;
	/* The '\n' after the reset, so a terminal that colours the rest of a line does not. */
	size_t n = strlen(line);
	char *with_newline = realloc(line, n + 2);
	if (!with_newline) {
		free(line);
		fail_errno(ENOMEM, "cannot format the exit of %s", name);
		return NULL;
	}
	memcpy(with_newline + n, "\n", 2);
	return with_newline;
}
