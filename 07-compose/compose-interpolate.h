/*
 * compose-interpolate.h - ${VAR} in a compose file, as the Compose specification defines it
 * ("Interpolation", https://github.com/compose-spec/compose-spec/blob/main/spec.md#interpolation).
 *
 * Values in a compose file may name variables of the environment that runs `compose`, so one
 * file serves many machines: `image: "shop:${TAG:-latest}"`. The forms:
 *
 *     $VAR  ${VAR}          the value, "" when unset
 *     ${VAR:-default}       default when VAR is unset or empty;   ${VAR-default}: only unset
 *     ${VAR:?message}       an error when VAR is unset or empty;  ${VAR?message}: only unset
 *     ${VAR:+alternative}   alternative when VAR is set and not empty; ${VAR+alternative}: set
 *     $$                    a literal $ (so `command: echo $$HOME` leaves $HOME to the shell)
 *
 * The default, message and alternative are themselves interpolated (`${A:-${B:-none}}`), and
 * only when used. Any other `$` (`$1`, `${}`, an unclosed `${`) is an error, as in Compose v2:
 * write `$$` for a literal dollar. Only scalar values are interpolated, never keys, and before
 * the model is read, so `ports: ["${PORT}:80"]` is checked after the port is known.
 *
 * Pure: the variables come from the caller (the process environment and `.env`, merged by the
 * caller), never from this process's environment.
 */
#ifndef TINYDOCK_COMPOSE_INTERPOLATE_H
#define TINYDOCK_COMPOSE_INTERPOLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "yaml.h"

/* The variables: "NAME=value" strings; when a name appears twice the last one wins, so a
 * caller puts .env first and the process environment after it (the environment overrides). */
struct compose_env {
	const char *const *vars;
	size_t count;
};

/* The value of name in env, or NULL when it is not set. */
const char *compose_env_get(const struct compose_env *env, const char *name, size_t name_length);

/* Interpolate text into a new string *out (free it). Returns 0, or -1 with a message such as
 * `required variable TAG is missing a value: set it in .env` or `invalid interpolation format
 * for "$1"`. */
int compose_interpolate(const char *text, const struct compose_env *env, char **out);

/* Interpolate every scalar value of the tree in place (keys are left alone). A plain scalar
 * stays plain, so `${PORT}` set to 80 reads as an integer afterwards, as it does in Compose.
 * Returns 0, or -1 with "FILE:LINE:COLUMN: message" for the first scalar that fails. */
int compose_interpolate_tree(struct yaml_node *root, const char *file, const struct compose_env *env);

#endif
