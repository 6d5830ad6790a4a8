/*
 * compose-secrets.h - secrets and configs: a file given to a service's containers, read-only,
 * at a path of its own, instead of a value baked into the image or put in the environment.
 *
 *     services:
 *       db:
 *         secrets: [db_password]          # /run/secrets/db_password in the container
 *         configs: [{source: my_cnf, target: /etc/mysql/my.cnf}]
 *     secrets:
 *       db_password: {file: ./db_password.txt}
 *     configs:
 *       my_cnf: {content: "[mysqld]\nmax_connections=50\n"}
 *
 * Why files and not environment variables: a variable is inherited by every process the
 * container starts, shown by `docker inspect` and easily logged; a file is read by the one
 * program that wants it, and here the container cannot change it (a read-only bind mount,
 * mount(2) MS_RDONLY). The Compose specification (secrets.md, configs.md) places a secret at
 * /run/secrets/NAME (a relative target is under /run/secrets) and a config at /NAME unless a
 * target is given.
 *
 * Without a swarm there is no store of secrets: each value is a file on the host. One given
 * as `file:` is bound as it is (relative to the project folder); one given by `environment:`
 * (the variable's value when `up` runs, from the environment or .env) or by `content:` is
 * first written into a file of the project's own, under STATE/compose/PROJECT/{secrets,
 * configs}/, in a folder only root can enter on the host; `down` removes them. An `external`
 * one (made by `docker secret create` on a swarm) cannot be had here: `up` names it in its
 * warning.
 */
#ifndef TINYDOCK_COMPOSE_SECRETS_H
#define TINYDOCK_COMPOSE_SECRETS_H

#include "compose-interpolate.h"
#include "compose-model.h"

#include <stdbool.h>
#include <stddef.h>

/* The host file holding the value of def (a secret when is_secret, else a config), into out:
 * def->file relative to directory (the project folder), or the file state/secrets/NAME or
 * state/configs/NAME that compose_secrets_write writes. 0; 1 when the value cannot be had here
 * (external, or no value given); -1 with the message when it does not fit. Pure. */
int compose_secret_source(const struct compose_resource *def, bool is_secret, const char *directory, const char *state,
			  char *out, size_t size);

/* Where ref is mounted in the container, into out: its target, a relative one under
 * /run/secrets for a secret; by default /run/secrets/SOURCE or /SOURCE. 0, or -1. Pure. */
int compose_secret_target(const struct compose_file_ref *ref, bool is_secret, char *out, size_t size);

/* The project's own folder for values: STATE/compose/PROJECT, a new string (NULL: no memory). */
char *compose_secrets_folder(const char *project);

/* Write every value of m's secrets and configs given by `environment:` (looked up in env, the
 * project's variables: the environment's, else .env's, as for interpolation) or `content:` into
 * its file under state (compose_secret_source): mode 0444, as Docker gives a secret, so that
 * a container's non-root user reads it, in folders of mode 0700, so that no other user of
 * the host reaches it (the container sees the file alone, bound at its target). A variable that is not set is an error,
 * as it is for Compose. 0, or -1 with the message. */
int compose_secrets_write(const struct compose_project *m, const char *state, const struct compose_env *env);

#endif
