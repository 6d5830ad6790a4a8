/*
 * container-view.h - a container as the commands see it: its record and whether it runs now,
 * and the few things every command does with one (find it, wait for it, signal its init).
 * Shared by container-commands.c (what is) and container-lifecycle.c (what changes).
 */
#ifndef TINYDOCK_CONTAINER_VIEW_H
#define TINYDOCK_CONTAINER_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "container-store.h"

struct view {
	struct container_record r;
	struct container_live live;
	const char *state; /* "created", "running", "paused", "restarting", "exited" */
};

/* By full id, or by a name / id / prefix (container_resolve). Free v->r afterwards. */
int view_load_id(const char *id, struct view *v);
int view_load(const char *ref, struct view *v);

/* Every container, newest first (malloc'd; free with free_views). */
int load_all(struct view **views, size_t *count);
void free_views(struct view *views, size_t count);

/* "running", "paused" or "restarting": it has a live monitor. */
bool is_running(const struct view *v);

void sleep_ms(long ms);

/* Poll until the container's monitor has recorded the end (live state gone), at most ms. */
bool wait_until_stopped(const char *id, long ms);

/* Send sig to the container's init, if it is still the process the monitor recorded. */
int signal_init(const struct view *v, int sig);

/* `ps`'s STATUS ("Up 5 seconds (healthy)", "Exited (0) 2 minutes ago") and PORTS
 * ("0.0.0.0:8080->80/tcp, ...") of a container: shared with `compose ps`. */
void view_status(const struct view *v, char *out, size_t size);
void view_ports(const struct container_record *r, char *out, size_t size);

/* A signal by name (KILL, SIGTERM, case ignored) or number, as `kill -s` takes it. 0, or -1
 * with the message. */
int signal_parse(const char *text, int *sig);

/* Run one action per argument, as Docker does: report each failure, go on, fail at the end. */
int for_each(int argc, char **argv, int (*action)(const char *ref, void *arg), void *arg);

#endif
