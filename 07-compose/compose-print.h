/*
 * compose-print.h - the resolved model printed back: `compose config`.
 *
 * A compose file can say one thing many ways: a port as "5000:80" or as a mapping, an
 * environment as a list or a mapping, a service written out or extending another, values
 * from ${VAR} and .env. `compose config` shows what the file means once all of that is
 * resolved, in one canonical form, the form `docker compose config` prints: the project's
 * `name:` first, then services (by name), networks, volumes, secrets and configs; ports and
 * volumes in their long syntax, environment and labels as mappings, command and entrypoint
 * as lists, durations as Go writes them, every service on the project's `default` network
 * unless it names others. Keys of the model are printed in alphabetical order.
 *
 * What it prints is itself a compose file: read again, it gives the same model (the unit
 * tests check that it prints the same text again). Pure: writes to the FILE it is given.
 */
#ifndef TINYDOCK_COMPOSE_PRINT_H
#define TINYDOCK_COMPOSE_PRINT_H

#include <stdio.h>

#include "compose-model.h"
#include "json.h"

enum compose_format { COMPOSE_FORMAT_YAML, COMPOSE_FORMAT_JSON };

/* The project as a JSON tree in the canonical form (free it with json_free); NULL when memory
 * runs out. project->name is printed as `name:` when set: a caller sets it to the project's
 * resolved name first (compose_project_name), as Compose prints the name it uses, and the
 * networks and volumes are then given their names on the host (PROJECT_default, ...). */
struct json *compose_config_tree(const struct compose_project *project);

/* Print the project to out as YAML or as JSON (two spaces a level). Returns 0, or -1 with
 * the error recorded. */
int compose_print(FILE *out, const struct compose_project *project, enum compose_format format);

#endif
