/*
 * build-step-run.c - the RUN step: its command (shell or exec form, here-documents), its cache
 * key with the build args in scope, and the container that runs it (build-run.c).
 *
 * Docker records a RUN that sees build args as "|2 A=1 B=2 /bin/sh -c make" in the history:
 * the args are part of what the step was, so they are part of its cache key, and a changed
 * --build-arg runs the step again; they reach the command as environment variables, never
 * the image's Env.
 */
#include "build-run.h"
#include "build-state.h"
#include "error.h"
#include "heredoc.h"
#include "image-config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The text RUN runs: a lone here-document's body, or the shell form's line with its
 * here-documents put back after it as the shell reads them (`RUN cat <<EOF` then the lines and
 * EOF), the shell then expanding them or not as their delimiters say. */
static char *run_text(const struct instruction *in)
{
	/* `RUN <<EOF` alone: the reference runs the body itself with the shell, as BuildKit does
	 * (its "fake heredoc", so that a shell without here-documents still runs it). */
	if (in->heredoc_count == 1 && heredoc_is_marker(in->args[0]))
		return strdup(in->heredocs[0].content);
	size_t size = strlen(in->args[0]) + 2;
	for (size_t i = 0; i < in->heredoc_count; i++)
		size += strlen(in->heredocs[i].content) + strlen(in->heredocs[i].name) + 2;
	char *text = malloc(size);
	if (!text)
		return NULL;
	strcpy(text, in->args[0]);
	for (size_t i = 0; i < in->heredoc_count; i++)
		sprintf(text + strlen(text), "\n%s%s", in->heredocs[i].content, in->heredocs[i].name);
	return text;
}

int build_step_run(struct build *b, struct stage_state *st, const struct instruction *in)
{
	if (in->flag_count > 0)
		return fail_errno(0, "Dockerfile line %d: RUN %s is not supported here (BuildKit's RUN flags: --mount, "
				     "--network, --security need `docker buildx`)",
				  in->line, in->flags[0]);
	if (in->arg_count == 0)
		return fail_errno(0, "Dockerfile line %d: RUN requires at least one argument", in->line);
	const struct json *settings = json_get(st->image->config, "config");
	struct json *argv_json = NULL;
	char *text = NULL;
	if (in->json) {
		argv_json = json_new_array();
		for (size_t i = 0; argv_json && i < in->arg_count; i++)
			if (!json_append(argv_json, json_new_string(in->args[i])))
				argv_json = NULL;
	} else if ((text = run_text(in))) {
		argv_json = build_shell_command(settings, text);
	}
	free(text);
	size_t argc = 0;
	const char **argv = argv_json ? calloc(argv_json->count + 1, sizeof(*argv)) : NULL;
	if (!argv) {
		json_free(argv_json);
		return fail_errno(ENOMEM, "RUN");
	}
	json_for_each(a, argv_json)
		argv[argc++] = a->text;

	/* Docker's created_by: "|2 A=1 B=2 /bin/sh -c make" when build args are in scope. */
	size_t size = 64;
	for (size_t i = 0; i < argc; i++)
		size += strlen(argv[i]) + 1;
	for (size_t i = 0; i < st->arg_count; i++)
		size += strlen(st->args[i]) + 1;
	char *created_by = malloc(size);
	int rc = created_by ? 0 : fail_errno(ENOMEM, "RUN");
	if (rc == 0) {
		created_by[0] = '\0';
		if (st->arg_count)
			sprintf(created_by, "|%zu ", st->arg_count);
		for (size_t i = 0; i < st->arg_count; i++)
			sprintf(created_by + strlen(created_by), "%s ", st->args[i]);
		for (size_t i = 0; i < argc; i++)
			sprintf(created_by + strlen(created_by), "%s%s", i ? " " : "", argv[i]);
	}
	char hex[SHA256_HEX_SIZE];
	if (rc == 0) {
		cache_key_of_step(st->image->id, created_by, hex);
		rc = build_from_cache(b, hex, st->image);
	}
	if (rc == 0) {
		/* The container's environment: the config's Env, and the ARGs it does not set. */
		const char *env[MAX_VARS * 2];
		size_t env_count = 0;
		json_for_each(e, json_get(settings, "Env"))
			if (json_is(e, JSON_STRING) && env_count < MAX_VARS)
				env[env_count++] = e->text;
		for (size_t i = 0; i < st->arg_count; i++) {
			char name[256];
			snprintf(name, sizeof(name), "%.*s", (int)strcspn(st->args[i], "="), st->args[i]);
			if (!image_config_env(settings, name))
				env[env_count++] = st->args[i];
		}
		/* The predefined proxy ARGs reach RUN without an ARG line, and stay out of the history
		 * and the cache key (the reference, "Predefined ARGs"). */
		for (size_t i = 0; i < b->options->build_arg_count && env_count < MAX_VARS * 2; i++) {
			const char *a = b->options->build_args[i];
			char name[256];
			snprintf(name, sizeof(name), "%.*s", (int)strcspn(a, "="), a);
			if (strchr(a, '=') && build_predefined_arg(name) && !build_var_value(st->args, st->arg_count, name))
				env[env_count++] = a;
		}
		struct build_run run = { .image_id = st->image->id,
					 .layers = st->image->layers,
					 .layer_count = st->image->layer_count,
					 .argv = (char *const *)argv,
					 .env = env,
					 .env_count = env_count,
					 .workdir = json_get_string(settings, "WorkingDir"),
					 .user = json_get_string(settings, "User"),
					 .network = b->options->network };
		struct oci_layer layer;
		int code;
		rc = build_run(&b->store, &run, &layer, &code);
		if (rc == 0 && code != 0) {
			char shown[4096] = "";
			for (size_t i = 0; i < argc; i++)
				snprintf(shown + strlen(shown), sizeof(shown) - strlen(shown), "%s%s", i ? " " : "", argv[i]);
			rc = fail_errno(0, "The command '%s' returned a non-zero code: %d", shown, code);
		}
		if (rc == 0) {
			struct json *config = json_copy(st->image->config);
			rc = config ? build_finish_step(st->image, config, created_by, &layer, hex) : -1;
		}
	}
	free(created_by);
	free(argv);
	json_free(argv_json);
	return rc < 0 ? -1 : 0;
}
