/*
 * compose-env-file.h - the `.env` and `env_file` format, as Compose v2 reads it.
 *
 * One variable a line, `KEY=VALUE`, the way a shell script would set it, without a shell:
 *
 *     # the shop's settings           a comment line
 *     export TAG=1.3                  `export ` is allowed and ignored, so the file can be sourced
 *     PORT=5000   # the host port     after an unquoted value, ` #` starts a comment
 *     GREETING="hello\n${USER}"       double quotes: \n \t \r \\ \" \$ escapes, interpolation
 *     RAW='${not} interpolated'       single quotes: every character as written
 *     EMPTY=                          an empty value
 *     HOME_DIR                        no `=`: the value of HOME_DIR in the environment, if any
 *
 * Unquoted and double-quoted values are interpolated (compose-interpolate.h) with the
 * variables of the environment first, then those set earlier in the same file, as Compose v2
 * does; a quoted value may span lines. Pure: the caller reads the file.
 */
#ifndef TINYDOCK_COMPOSE_ENV_FILE_H
#define TINYDOCK_COMPOSE_ENV_FILE_H

#include <stddef.h>

#include "compose-interpolate.h"

/* The variables of one file, in order, as "NAME=value" strings (ready for a compose_env). */
struct compose_env_file {
	char **vars;
	size_t count;
};

/* Parse text (the file's bytes; name for messages) into *file. environment is what the values
 * may name (may be NULL). Returns 0, or -1 with "NAME:LINE: problem" recorded. */
int compose_env_file_parse(const char *name, const char *text, size_t size,
			   const struct compose_env *environment, struct compose_env_file *file);

void compose_env_file_free(struct compose_env_file *file);

#endif
