/*
 * compose-load.c - the compose file found, read with its variables, and modelled
 * (compose-load.h): yaml.h parses, compose-env-file.h reads .env, compose-interpolate.h
 * substitutes, compose-merge.h merges the -f files, compose-extends.h follows `extends`,
 * compose-model.h checks and types.
 */
#include "compose-load.h"
#include "compose-env-file.h"
#include "compose-extends.h"
#include "compose-interpolate.h"
#include "compose-merge.h"
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

/* Parse and interpolate one file ("-": the standard input, as `docker compose -f -` reads
 * it). NULL with the message. */
static struct yaml_node *read_tree(const char *file, const struct compose_env *env)
{
	size_t size;
	char *text = read_file(strcmp(file, "-") == 0 ? "/dev/stdin" : file, &size);
	if (!text)
		return NULL;
	struct yaml_node *root = yaml_parse(file, text, size);
	free(text);
	if (root && compose_interpolate_tree(root, file, env) < 0) {
		yaml_free(root);
		return NULL;
	}
	return root;
}

/* extends' loader: another file, `extends: {file: common.yaml}`, read as the project's own
 * files are, with the same variables (context is the struct compose_env). */
static struct yaml_node *read_other_tree(void *context, const char *path)
{
	return read_tree(path, context);
}

/* The files: -f, else COMPOSE_FILE (paths separated by ':', as Compose on Linux reads it),
 * else the first default name here or above. Each a new string in files[]. */
static int find_files(const struct compose_options *o, char **files, size_t *count)
{
	char cwd[PATH_MAX];
	*count = 0;
	const char *variable = getenv("COMPOSE_FILE");
	if (o->file_count) {
		for (; *count < o->file_count; (*count)++)
			if (!(files[*count] = strdup(o->files[*count])))
				return fail_errno(ENOMEM, "cannot keep the file names");
		return 0;
	}
	if (variable && variable[0]) {
		for (const char *p = variable; *p && *count < COMPOSE_MAX_FILES; p += strcspn(p, ":"), p += *p == ':')
			if (strcspn(p, ":") && !(files[(*count)++] = strndup(p, strcspn(p, ":"))))
				return fail_errno(ENOMEM, "cannot keep the file names");
		return 0;
	}
	if (!getcwd(cwd, sizeof(cwd)))
		return fail_sys("cannot read the working folder");
	if (!(files[0] = compose_find_file(cwd, file_exists)))
		return -1;
	*count = 1;
	return 0;
}

int compose_load(const struct compose_options *options, struct compose_loaded *out)
{
	*out = (struct compose_loaded){ .options = options };
	char *files[COMPOSE_MAX_FILES] = { NULL };
	size_t file_count = 0;
	int rc = -1;
	struct compose_env_file dotenv = { 0 };
	const char **vars = NULL;
	size_t var_count = 0;
	struct yaml_node *root = NULL;
	if (find_files(options, files, &file_count) < 0)
		goto done;
	if (!(out->file = strdup(files[0]))) {
		fail_errno(ENOMEM, "cannot keep the file name");
		goto done;
	}
	/* The project folder: --project-directory, else the first file's. */
	char folder[PATH_MAX];
	snprintf(folder, sizeof(folder), "%s", files[0]);
	char *slash = strrchr(folder, '/');
	if (slash)
		*(slash == folder ? slash + 1 : slash) = '\0';
	if (absolute(options->project_directory ? options->project_directory : slash ? folder : ".", &out->directory) < 0)
		goto done;
	char env_path[PATH_MAX + 8];
	snprintf(env_path, sizeof(env_path), "%s/.env", out->directory);
	if (variables(options->env_file ? options->env_file : env_path, options->env_file != NULL, &dotenv, &vars,
		      &var_count) < 0)
		goto done;
	struct compose_env env = { vars, var_count };
	if (!(root = read_tree(files[0], &env)))
		goto done;
	for (size_t i = 1; i < file_count; i++) {
		struct yaml_node *over = read_tree(files[i], &env);
		if (!over || compose_merge(root, over, files[i]) < 0)
			goto done;
	}
	/* extends after the merge, so that an override file may add or change `extends` too, and
	 * before the model, which then checks each merged service as written in one place. */
	if (compose_extends_resolve(files[0], root, read_other_tree, &env) < 0)
		goto done;
	if (compose_model_read(files[0], root, &out->model) < 0)
		goto done;
	/* The name: -p, else COMPOSE_PROJECT_NAME, else the file's `name:`, else the folder's
	 * (Docker's documentation, "Specify a project name", gives this precedence). */
	const char *flag = options->project_name ? options->project_name : getenv("COMPOSE_PROJECT_NAME");
	if (flag && !flag[0])
		flag = NULL;
	if (!(out->name = compose_project_name(flag ? NULL : out->model.name, flag, out->directory)))
		goto done;
	/* Kept for what is read from the environment later: secrets' `environment:`. */
	out->variables = env;
	out->dotenv = dotenv;
	vars = NULL;
	dotenv = (struct compose_env_file){ 0 };
	rc = 0;
done:
	yaml_free(root);
	free(vars);
	compose_env_file_free(&dotenv);
	for (size_t i = 0; i < file_count; i++)
		free(files[i]);
	if (rc < 0)
		compose_loaded_free(out);
	return rc;
}

void compose_loaded_free(struct compose_loaded *loaded)
{
	free(loaded->file);
	free(loaded->directory);
	free(loaded->name);
	free((void *)loaded->variables.vars);
	compose_env_file_free(&loaded->dotenv);
	compose_project_free(&loaded->model);
	*loaded = (struct compose_loaded){ 0 };
}
