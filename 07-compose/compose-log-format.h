/*
 * compose-log-format.h - how `compose logs` and an attached `compose up` show a line: the
 * container's name, padded, a bar, then the line, each container's prefix in its own colour.
 *
 *     shop-product-service-1  | {"products": ["Ice cream", ...]}
 *     shop-website-1          | 172.18.0.3 GET /
 *     shop-website-1 exited with code 0
 *
 * As Compose v2 prints it (cmd/formatter/logs.go and colors.go in docker/compose): the names
 * are padded to the longest name plus one, then " | "; the whole prefix is coloured, the line
 * itself never (it is the container's own text, which may hold its own colours). Colours are
 * given to containers in the order they are first shown, cycling through ten: cyan, yellow,
 * green, magenta, blue, then the same five bold. A container's end is one line in its colour,
 * "NAME exited with code N", with no bar (it is Compose's word, not the container's).
 *
 * Pure: strings in, strings out. Unit-tested in tests/unit/test_compose_logs.c.
 */
#ifndef TINYDOCK_COMPOSE_LOG_FORMAT_H
#define TINYDOCK_COMPOSE_LOG_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#include "container-log.h"

/* Colour or not: never with --no-color, never when NO_COLOR is set to anything but ""
 * (https://no-color.org, which Compose follows too), and only when stdout is a
 * terminal: escape sequences in a file or a pipe are noise. no_color_env is getenv("NO_COLOR"). */
bool compose_log_use_color(bool no_color_flag, const char *no_color_env, bool stdout_is_terminal);

/* The SGR parameters (ECMA-48, "Select Graphic Rendition") of the index-th container's colour:
 * "36" (cyan) for the first, ..., "34;1" (bold blue) for the tenth, then again from cyan. */
const char *compose_log_color(size_t index);

/* The width names are padded to: the longest name's length plus one. */
size_t compose_log_prefix_width(const char *const *names, size_t count);

/* The prefix "NAME<spaces> | " (name padded to width), wrapped in color's escape sequences when
 * color is not NULL. malloc'd; NULL when memory runs out. */
char *compose_log_prefix(const char *name, size_t width, const char *color);

/* One line as shown: prefix, with timestamps the time the line was written (RFC 3339, as
 * `logs -t` prints it) and a space, then the text, ending in exactly one '\n' (a line that the
 * container left without one, its last or a cut 16 KiB piece, gets one). malloc'd, *length set. */
char *compose_log_line(const char *prefix, const struct log_entry *entry, bool timestamps, size_t *length);

/* "NAME exited with code N\n", in color when not NULL. malloc'd. */
char *compose_log_exit_line(const char *name, int exit_code, const char *color);

#endif
