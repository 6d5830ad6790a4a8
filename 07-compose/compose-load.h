/*
 * compose-load.h - from the command line to a project: which file, which folder, which name,
 * which variables.
 *
 * `docker compose up` in ~/shop reads ~/shop/compose.yaml without being told. The Compose
 * specification names the files looked for, in this order of preference: compose.yaml,
 * compose.yml, then the older docker-compose.yaml and docker-compose.yml; Compose v2 looks in
 * the working folder, then in each parent up to the root, so a command run from ~/shop/web
 * still finds ~/shop/compose.yaml. -f names the file instead (`-f -`: the standard input,
 * the project folder then the working one; several: merged in order,
 * compose-merge.h), and so does COMPOSE_FILE when there is no -f. A service's `extends` is
 * followed after that merge (compose-extends.h), another file it names read with the same
 * variables.
 *
 * The project folder is the file's (or --project-directory): relative paths in the file
 * (build contexts, bind mounts, env_file) start there, and its `.env` gives variables to
 * interpolation, below the shell's environment, which wins (Compose's precedence). The
 * project's name: -p, else COMPOSE_PROJECT_NAME, else the file's `name:`, else the folder's
 * name (compose-project.h).
 */
#ifndef TINYDOCK_COMPOSE_LOAD_H
#define TINYDOCK_COMPOSE_LOAD_H

#include "compose-env-file.h"
#include "compose-interpolate.h"
#include "compose-model.h"

#include <stdbool.h>
#include <stddef.h>

#define COMPOSE_MAX_FILES 8

/* The global flags of `tinydock compose`. */
struct compose_options {
	const char *files[COMPOSE_MAX_FILES]; /* -f, in order (merged: compose-merge.h) */
	size_t file_count;
	const char *project_name;      /* -p */
	const char *env_file;          /* --env-file (default: the project folder's .env) */
	const char *project_directory; /* --project-directory */
	const char *profiles[8];       /* --profile */
	size_t profile_count;
};

struct compose_loaded {
	char *file;                    /* the compose file, as found */
	char *directory;               /* the project folder, absolute */
	char *name;                    /* the project's name */
	const struct compose_options *options; /* as given (its profiles select services) */
	struct compose_project model;
	struct compose_env variables;  /* what interpolation saw: .env's, then the environment's */
	struct compose_env_file dotenv; /* .env's variables (variables points into them) */
};

/* The first of the default file names present in folder or one of its parents, as a new
 * string; NULL with "no configuration file provided: not found" when there is none.
 * exists is how a name is tested (access(2) in the command, a fake in the unit tests). */
char *compose_find_file(const char *folder, bool (*exists)(const char *path));

/* Find, read, interpolate and model the project of options. 0, or -1 with the message. */
int compose_load(const struct compose_options *options, struct compose_loaded *out);

void compose_loaded_free(struct compose_loaded *loaded);

#endif
