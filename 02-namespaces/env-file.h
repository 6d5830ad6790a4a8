/*
 * env-file.h - `run --env-file FILE` and `exec --env-file FILE`: Docker's environment file.
 *
 * Not Compose's `.env` (chapter 07 has that one, with quotes and ${interpolation}): Docker's
 * CLI reads a simpler format, documented under `docker run --env-file`:
 *
 *     # a comment: a line whose first non-blank character is '#'
 *     GREETING=hello # not a comment    everything after the first '=' is the value, as written
 *     EMPTY=                            an empty value
 *     HOME                              no '=': the value of HOME in tinydock's environment,
 *                                       and nothing at all when it has none (as -e HOME)
 *
 * Blank lines are skipped; blanks before the name are dropped; a name with a blank in it, or no
 * name before the '=', is refused (a typo, not a variable). No quotes, no escapes, no ${...}:
 * `A="x"` sets A to the three characters "x" with its quotes, as Docker does.
 */
#ifndef TINYDOCK_ENV_FILE_H
#define TINYDOCK_ENV_FILE_H

#include <stddef.h>

/* Parse text (NUL-terminated, changed in place: each line cut at its end) into entries, which
 * point into text: "KEY=VALUE", or "KEY" alone for the host's value (build_environment and
 * exec read both forms, as they read -e). At most max entries in total, *count included (the
 * file adds to the -e values before it). name is for messages. 0, or -1 with "NAME line N:
 * problem" recorded. Pure. */
int env_file_parse(const char *name, char *text, const char **entries, size_t max, size_t *count);

/* Read the file at path and parse it as above. The file's text is kept until the process exits
 * (the entries point into it, as -e values point into argv, and live as long). */
int env_file_load(const char *path, const char **entries, size_t max, size_t *count);

#endif
