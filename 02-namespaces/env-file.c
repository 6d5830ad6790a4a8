/*
 * env-file.c - Docker's --env-file format (see env-file.h): KEY=VALUE lines, '#' comments, KEY
 * alone for the host's value.
 */
#include "env-file.h"
#include "error.h"
#include "files.h"

#include <stdlib.h>
#include <string.h>

/* The blanks Docker's reader trims before a name, and refuses inside one. */
static const char BLANKS[] = " \t\v\f\r";

int env_file_parse(const char *name, char *text, const char **entries, size_t max, size_t *count)
{
	/* A UTF-8 byte order mark, which some editors put first, is not part of the first name. */
	if (strncmp(text, "\xEF\xBB\xBF", 3) == 0)
		text += 3;
	char *line = text;
	for (int number = 1; line && *line; number++) {
		char *end = strchr(line, '\n');
		if (end)
			*end = '\0';
		char *next = end ? end + 1 : NULL;
		/* A file written on Windows ends its lines with "\r\n": the '\r' is not the value's. */
		size_t length = strlen(line);
		if (length > 0 && line[length - 1] == '\r')
			line[length - 1] = '\0';
		line += strspn(line, BLANKS);
		if (*line == '\0' || *line == '#') {
			line = next;
			continue;
		}
		size_t key_length = strcspn(line, "=");
		if (key_length == 0)
			return fail_errno(0, "%s line %d: no variable name before the '='", name, number);
		/* the name runs to the '=' (or the end): a blank within it, trailing ones too, is refused */
		if (strcspn(line, BLANKS) < key_length)
			return fail_errno(0, "%s line %d: variable \"%.*s\" contains blanks", name, number,
					  (int)key_length, line);
		if (*count == max)
			return fail_errno(0, "%s: too many variables (at most %zu with the -e values)", name, max);
		entries[(*count)++] = line;
		line = next;
	}
	return 0;
}

/* The text of every file read: kept, since the entries point into it, until the process exits. */
static char **kept;
static size_t kept_count;

static void free_kept(void)
{
	for (size_t i = 0; i < kept_count; i++)
		free(kept[i]);
	free(kept);
	kept = NULL;
	kept_count = 0;
}

int env_file_load(const char *path, const char **entries, size_t max, size_t *count)
{
	size_t size;
	char *text = read_file(path, &size);
	if (!text)
		return fail_context("--env-file");
	if (memchr(text, '\0', size)) {
		free(text);
		return fail_errno(0, "--env-file %s: not a text file (a NUL byte)", path);
	}
	char **grown = realloc(kept, (kept_count + 1) * sizeof(*kept));
	if (!grown) {
		free(text);
		return fail_errno(0, "--env-file %s: out of memory", path);
	}
	if (!kept)
		atexit(free_kept);
	kept = grown;
	kept[kept_count++] = text;
	return env_file_parse(path, text, entries, max, count);
}
