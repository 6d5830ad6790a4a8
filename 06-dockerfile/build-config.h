/*
 * build-config.h - the instructions that change an image's config and make no layer: CMD,
 * ENTRYPOINT, ENV, LABEL, EXPOSE, VOLUME, USER, WORKDIR, SHELL, STOPSIGNAL, HEALTHCHECK,
 * ONBUILD, MAINTAINER. Pure (json.h trees, expand.h), unit-tested.
 */
#ifndef TINYDOCK_BUILD_CONFIG_H
#define TINYDOCK_BUILD_CONFIG_H

#include "dockerfile.h"
#include "expand.h"
#include "json.h"

#include <stdbool.h>

/* What the stage being built remembers between its config steps. */
struct config_step_state {
	bool cmd_set; /* CMD was given in this stage: a later ENTRYPOINT keeps it */
};

/* Is this an instruction that only changes the config? */
bool build_config_instruction(enum instruction_kind kind);

/* Apply in to config (the whole image config: its "config" object, and "author"), its words
 * expanded with env where the reference says they are. *description gets the step as Docker
 * records it in the history and as the cache compares it ("ENV A=1", "CMD [\"sh\"]"), malloc'd.
 * 0, or -1 with a message naming the line. */
int build_config_apply(struct json *config, const struct instruction *in, const struct expand_env *env, char escape,
		       struct config_step_state *state, char **description);

/* WORKDIR's path: absolute as given, or relative to the current one; cleaned ("/a/b/../c" ->
 * "/a/c"). malloc'd. */
char *build_workdir_join(const char *current, const char *path);

/* The exec form of a shell-form text with the stage's SHELL (settings' "Shell", or /bin/sh -c),
 * as a new JSON array. */
struct json *build_shell_command(const struct json *settings, const char *text);

#endif
