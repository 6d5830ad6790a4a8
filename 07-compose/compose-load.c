/*
 * compose-load.c - the compose file found, read with its variables, and modelled
 * (compose-load.h): yaml.h parses, compose-env-file.h reads .env, compose-interpolate.h
 * substitutes, compose-model.h checks and types.
 */
#include "compose-load.h"
#include "compose-env-file.h"
#include "compose-interpolate.h"
#include "compose-project.h"
#include "error.h"
#include "files.h"
#include "yaml.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

/* The Compose specification's default names, most preferred first. */
static const char *const default_names[] = { "compose.yaml", "compose.yml", "docker-compose.yaml",
					     "docker-compose.yml" };

char *compose_find_file(const char *folder, bool (*exists)(const char *path))
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", folder);
	for (;;) {
		for (size_t i = 0; i < sizeof(default_names) / sizeof(default_names[0]); i++) {
			char path[PATH_MAX + 32];
			snprintf(path, sizeof(path), "%s%s%s", dir, strcmp(dir, "/") == 0 ? "" : "/", default_names[i]);
			if (exists(path)) {
				char *found = strdup(path);
				if (!found)
					fail_errno(ENOMEM, "cannot keep \"%s\"", path);
				return found;
			}
		}
		char *slash = strrchr(dir, '/');
		if (!slash || strcmp(dir, "/") == 0)
			break;
		if (slash == dir)
			slash[1] = '\0'; /* "/shop" -> "/" */
		else
			*slash = '\0';
	}
	fail_errno(0, "no configuration file provided: not found (compose.yaml, compose.yml, docker-compose.yaml or "
		      "docker-compose.yml in %s or a parent folder)", folder);
	return NULL;
}

static bool file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* The variables interpolation sees: .env's, then the environment's (the last one wins). */
static int variables(const char *env_path, bool must_exist, struct compose_env_file *dotenv, const char ***vars,
		     size_t *count)
{
	size_t environment_count = 0;
	while (environ[environment_count])
		environment_count++;
	struct compose_env environment = { (const char *const *)environ, environment_count };
	*dotenv = (struct compose_env_file){ 0 };
	size_t size;
	char *text = read_file(env_path, &size);
	if (!text && (must_exist || error_errno() != ENOENT))
		return -1;
	error_clear();
	if (text) {
		int rc = compose_env_file_parse(env_path, text, size, &environment, dotenv);
		free(text);
		if (rc < 0)
			return -1;
	}
	*count = dotenv->count + environment_count;
	*vars = calloc(*count + 1, sizeof(char *));
	if (!*vars)
		return fail_errno(ENOMEM, "cannot gather the variables");
	for (size_t i = 0; i < dotenv->count; i++)
		(*vars)[i] = dotenv->vars[i];
	for (size_t i = 0; i < environment_count; i++)
		(*vars)[dotenv->count + i] = environ[i];
	return 0;
}

static int absolute(const char *path, char **out)
{
	char resolved[PATH_MAX];
	if (!realpath(path, resolved))
		return fail_sys("cannot resolve \"%s\"", path);
	if (!(*out = strdup(resolved)))
		return fail_errno(ENOMEM, "cannot keep \"%s\"", resolved);
	return 0;
}

int compose_load(const struct compose_options *options, struct compose_loaded *out)
{
	*out = (struct compose_loaded){ .options = options };
	if (options->file_count > 1)
		return fail_errno(0, "several -f files: merging compose files is not supported yet; give one file");
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd)))
		return fail_sys("cannot read the working folder");
	char *found = options->file_count ? strdup(options->files[0]) : compose_find_file(cwd, file_exists);
	if (!found)
		return options->file_count ? fail_errno(ENOMEM, "cannot keep the file name") : -1;
	out->file = found;
	int rc = -1;
	char *folder = strdup(found), *text = NULL;
	struct compose_env_file dotenv = { 0 };
	const char **vars = NULL;
	size_t var_count = 0, size;
	struct yaml_node *root = NULL;
	if (!folder) {
		fail_errno(ENOMEM, "cannot keep the file name");
		goto done;
	}
	char *slash = strrchr(folder, '/');
	if (slash)
		*slash = '\0';
	if (absolute(options->project_directory ? options->project_directory : slash ? (folder[0] ? folder : "/") : ".",
		     &out->directory) < 0)
		goto done;
	char env_path[PATH_MAX + 8];
	snprintf(env_path, sizeof(env_path), "%s/.env", out->directory);
	if (variables(options->env_file ? options->env_file : env_path, options->env_file != NULL, &dotenv, &vars,
		      &var_count) < 0)
		goto done;
	if (!(text = read_file(found, &size)))
		goto done;
	if (!(root = yaml_parse(found, text, size)))
		goto done;
	struct compose_env env = { vars, var_count };
	if (compose_interpolate_tree(root, found, &env) < 0 || compose_model_read(found, root, &out->model) < 0)
		goto done;
	if (!(out->name = compose_project_name(out->model.name, options->project_name, out->directory)))
		goto done;
	rc = 0;
done:
	yaml_free(root);
	free(text);
	free(vars);
	compose_env_file_free(&dotenv);
	free(folder);
	if (rc < 0)
		compose_loaded_free(out);
	return rc;
}

void compose_loaded_free(struct compose_loaded *loaded)
{
	free(loaded->file);
	free(loaded->directory);
	free(loaded->name);
	compose_project_free(&loaded->model);
	*loaded = (struct compose_loaded){ 0 };
}
