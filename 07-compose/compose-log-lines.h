/*
 * compose-log-lines.h - bytes read from a growing file, handed out as complete lines.
 *
 * A container's log grows while we read it: the logger appends one JSON line per write(2)
 * (O_APPEND, 03-cgroups/container-log.c), but a read(2) of a regular file is not atomic with a
 * write to it, so a read may end in the middle of a line that the logger is still writing.
 * The follower never decodes such a half: it keeps the partial rest here and completes it with
 * the next read. The same buffer gives `--tail N` (the last N complete lines of what is there).
 *
 * Pure: no file, no clock. Unit-tested in tests/unit/test_compose_logs.c.
 */
#ifndef TINYDOCK_COMPOSE_LOG_LINES_H
#define TINYDOCK_COMPOSE_LOG_LINES_H

#include <stdbool.h>
#include <stddef.h>

/* data[start..length) is what is not handed out yet: complete lines, then maybe a partial one. */
struct log_lines {
	char *data;
	size_t start, length, capacity;
};

/* Append count bytes (a chunk read from the file). -1 when memory runs out. */
int log_lines_add(struct log_lines *lines, const char *bytes, size_t count);

/* The next complete line (without its '\n'; not NUL-terminated), valid until the next
 * log_lines_add. False when only a partial line (or nothing) is left. */
bool log_lines_next(struct log_lines *lines, const char **line, size_t *length);

/* Drop all complete lines but the last tail (tail < 0 keeps them all). */
void log_lines_keep_last(struct log_lines *lines, long tail);

/* Bytes of a line not yet complete. */
size_t log_lines_partial(const struct log_lines *lines);

void log_lines_free(struct log_lines *lines);

#endif
