/*
 * compose.h - `tinydock compose`: a project's containers made, started, listed, stopped and
 * removed as one application (compose.c, compose-up.c).
 */
#ifndef TINYDOCK_COMPOSE_H
#define TINYDOCK_COMPOSE_H

#include "compose-load.h"
#include "container-view.h"

#include <stdbool.h>
#include <stddef.h>

/* The project's containers as they exist, found by their labels (compose-labels.h). */
struct compose_containers {
	struct view *views;     /* every container (load_all) */
	size_t count;
	size_t *mine;           /* indices into views of the project's containers */
	size_t mine_count;
	size_t *which;          /* room for a selection of mine (select_containers) */
};

int compose_containers_load(const char *project, struct compose_containers *out);
void compose_containers_free(struct compose_containers *c);

/* The label key of a viewed container, or NULL. */
const char *compose_view_label(const struct view *v, const char *key);

/* compose up [-d] [--build] [--no-build] [--force-recreate] [--remove-orphans] [SERVICE...]
 * (compose-up.c); argv[0] is "up". Returns the exit status. */
int compose_up(struct compose_loaded *project, int argc, char **argv);

/* Stop the given containers (indices into c->mine), each with its service's stop_signal and
 * stop_grace_period (or seconds when >= 0), all at once: one child process per container.
 * Prints " Container NAME  Stopped" for each. 0, or -1 when one failed (said on stderr). */
int compose_stop_containers(const struct compose_loaded *project, const struct compose_containers *c,
			    const size_t *which, size_t count, long seconds);

/* `tinydock compose ...`. */
int cmd_compose(int argc, char **argv);

#endif
