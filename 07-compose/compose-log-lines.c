/*
 * compose-log-lines.c - complete lines out of the chunks of a growing file (compose-log-lines.h).
 *
 * The buffer only grows to hold what has not been handed out: before appending, the lines
 * already given are dropped by moving the rest (a partial line, usually a few bytes) to the
 * front, so following a log for hours keeps one line's worth of memory, not the whole file.
 */
#include "compose-log-lines.h"
#include "container-log.h"
#include "error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int log_lines_add(struct log_lines *lines, const char *bytes, size_t count)
{
	if (count == 0)
		return 0; /* (and no memcpy into a buffer not yet made: NULL is not allowed even for 0) */
	if (lines->start > 0) {
		memmove(lines->data, lines->data + lines->start, lines->length - lines->start);
		lines->length -= lines->start;
		lines->start = 0;
	}
	if (count > lines->capacity - lines->length) {
		size_t capacity = lines->capacity ? lines->capacity : 4096;
		while (count > capacity - lines->length)
			capacity *= 2;
		char *bigger = realloc(lines->data, capacity);
		if (!bigger)
			return fail_errno(ENOMEM, "cannot hold %zu bytes of a log", lines->length + count);
		lines->data = bigger;
		lines->capacity = capacity;
	}
	memcpy(lines->data + lines->length, bytes, count);
	lines->length += count;
	return 0;
}

bool log_lines_next(struct log_lines *lines, const char **line, size_t *length)
{
	const char *from = lines->data + lines->start;
	const char *newline = lines->length > lines->start ? memchr(from, '\n', lines->length - lines->start) : NULL;
	if (!newline)
		return false;
	*line = from;
	*length = (size_t)(newline - from);
	lines->start += *length + 1;
	return true;
}

void log_lines_keep_last(struct log_lines *lines, long tail)
{
	lines->start += log_tail_start(lines->data + lines->start, lines->length - lines->start, tail);
}

size_t log_lines_partial(const struct log_lines *lines)
{
	size_t end = lines->length;
	while (end > lines->start && lines->data[end - 1] != '\n')
		end--;
	return lines->length - end;
}

void log_lines_free(struct log_lines *lines)
{
	free(lines->data);
	memset(lines, 0, sizeof(*lines));
}
