/*
 * compose-secrets.c - where secrets and configs come from on the host and where they go in
 * the container (compose-secrets.h). The paths are pure; compose_secrets_write writes.
 */
#include "compose-secrets.h"
#include "error.h"
#include "files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fits(int n, size_t size, const char *what)
{
	if (n < 0 || (size_t)n >= size)
		return fail_errno(ENAMETOOLONG, "the path of %s is too long", what);
	return 0;
}

int compose_secret_source(const struct compose_resource *def, bool is_secret, const char *directory, const char *state,
			  char *out, size_t size)
{
	if (def->external)
		return 1;
	if (def->file) {
		const char *file = def->file;
		while (file[0] == '.' && file[1] == '/')
			file += 2;
		return fits(file[0] == '/' ? snprintf(out, size, "%s", file) : snprintf(out, size, "%s/%s", directory, file),
			    size, def->key);
	}
	if (def->environment || def->content)
		return fits(snprintf(out, size, "%s/%s/%s", state, is_secret ? "secrets" : "configs", def->key), size, def->key);
	return 1;
}

int compose_secret_target(const struct compose_file_ref *ref, bool is_secret, char *out, size_t size)
{
	const char *target = ref->target ? ref->target : ref->source;
	if (target[0] == '/')
		return fits(snprintf(out, size, "%s", target), size, ref->source);
	return fits(snprintf(out, size, "%s/%s", is_secret ? "/run/secrets" : "", target), size, ref->source);
}

char *compose_secrets_folder(const char *project)
{
	char *folder;
	if (asprintf(&folder, "%s/compose/%s", state_root(), project) < 0) {
		fail_errno(ENOMEM, "cannot name the folder of project %s", project);
		return NULL;
	}
	return folder;
}

/* One definition's value, when it is written here (environment or content). */
static int write_value(const struct compose_resource *def, bool is_secret, const char *state, const struct compose_env *env)
{
	if (def->external || def->file || (!def->environment && !def->content))
		return 0;
	const char *value = def->content;
	if (def->environment && !(value = compose_env_get(env, def->environment, strlen(def->environment))))
		return fail_errno(0, "%s \"%s\": the environment variable %s is not set", is_secret ? "secret" : "config",
				  def->key, def->environment);
	char folder[4096], path[4096];
	if (fits(snprintf(folder, sizeof folder, "%s/%s", state, is_secret ? "secrets" : "configs"), sizeof folder,
		 def->key) < 0 ||
	    compose_secret_source(def, is_secret, NULL, state, path, sizeof path) < 0)
		return -1;
	if (make_dirs(folder, 0700) < 0)
		return -1;
	return write_file_atomic_nosync(path, value, strlen(value), 0444);
}

int compose_secrets_write(const struct compose_project *m, const char *state, const struct compose_env *env)
{
	for (size_t i = 0; i < m->secret_definitions.count; i++)
		if (write_value(&m->secret_definitions.items[i], true, state, env) < 0)
			return -1;
	for (size_t i = 0; i < m->config_definitions.count; i++)
		if (write_value(&m->config_definitions.items[i], false, state, env) < 0)
			return -1;
	return 0;
}
