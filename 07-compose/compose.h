/*
 * compose.h - `tinydock compose`: a project's containers made, started, listed, stopped and
 * removed as one application (compose.c and the compose-*.c files it lists).
 */
#ifndef TINYDOCK_COMPOSE_H
#define TINYDOCK_COMPOSE_H

#include "compose-env-file.h"
#include "compose-graph.h"
#include "compose-labels.h"
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

/* The start order of the model's services (compose-graph.h), indices into m->services:
 * 0, or -1 with the message (an undefined service, a cycle named). */
int compose_service_order(const struct compose_project *m, struct compose_start_order *order);

/* The label key of a viewed container, or NULL. */
const char *compose_view_label(const struct view *v, const char *key);

/* compose up [-d] [--build] [--no-build] [--force-recreate] [--remove-orphans] [SERVICE...]
 * (compose-up.c); argv[0] is "up". Returns the exit status. */
int compose_up(struct compose_loaded *project, int argc, char **argv);

/* Whether service s is active: it has no profiles, or one of them is enabled by --profile
 * (compose-up.c; `up SERVICE` starts a named one whatever its profiles). */
bool compose_profile_enabled(const struct compose_options *o, const struct compose_service *s);

/* compose logs [-f] [--tail N] [--no-color] [-t] [SERVICE...] (compose-attach.c). */
int compose_logs(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv);

/* The attached part of `compose up` (compose-attach.c): follow the logs of the containers of
 * the services selected[i] until they all end (0), or until Ctrl-C (the containers stopped,
 * a second Ctrl-C kills them: 130), or with abort_on_exit until the first ends (the others
 * stopped: its exit code). -1 with the message on an error. */
int compose_attach(struct compose_loaded *p, const bool *selected, bool abort_on_exit, bool no_color);

/* compose config [--format yaml|json] [--services] [--volumes] [-q] (compose-config.c): the
 * resolved model printed back. Needs no container. Returns the exit status. */
int compose_config(struct compose_loaded *project, int argc, char **argv);

/* Stop the given containers (indices into c->mine), each with its service's stop_signal and
 * stop_grace_period (or seconds when >= 0), all at once: one child process per container.
 * Prints " Container NAME  Stopped" for each. 0, or -1 when one failed (said on stderr). */
int compose_stop_containers(const struct compose_loaded *project, const struct compose_containers *c,
			    const size_t *which, size_t count, long seconds);

/* What every container of the project needs first: its network PROJECT_default, and the
 * volumes the file declares (compose-up.c). 0, or -1 with the message. */
int compose_up_resources(const struct compose_loaded *project);

/* Service s's env_file variables, read relative to the project folder, in order. */
int compose_env_files(const struct compose_loaded *project, const struct compose_service *s,
		      struct compose_env_file *out);

/* The id of image name ("sha256:..."), or "" when there is no such image. */
void compose_image_id(const char *name, char id[SHA256_DIGEST_SIZE]);

/* The image a service runs: its `image:`, else PROJECT-SERVICE (what Compose v2 tags a
 * build with). A new string, or NULL with the message (no image and no build). */
char *compose_service_image(const struct compose_loaded *project, const struct compose_service *s);

/* Build service s's image with chapter 06's builder, in this process, tagged image: its build
 * context and Dockerfile relative to the project folder, its args and target (compose-images.c).
 * 0, or -1 with the message. */
int compose_build_service(const struct compose_loaded *project, const struct compose_service *s, const char *image);

/* stop, start, restart, kill, rm, down (compose-lifecycle.c); build, pull, push, images (compose-images.c); exec, run, top (compose-oneoff.c). argv[0] is
 * the subcommand; each returns the exit status. */
int compose_stop(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv);
int compose_start(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv);
int compose_restart(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv);
int compose_kill(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv);
int compose_rm(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv);
int compose_down(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv);
int compose_build(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv);
int compose_pull(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv);
int compose_push(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv);
int compose_images(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv);
int compose_exec(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv);
int compose_run(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv);
int compose_top(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv);

/* Refuse a SERVICE operand the file does not define, as Compose does: 0, or -1 with
 * "no such service: NAME". */
int compose_check_services(const struct compose_loaded *p, char **names, int count);

/* Whether v's service is among names[0..count) (all when count is 0), and whether v is a
 * one-off container of `compose run`. */
bool compose_view_named(const struct view *v, char **names, int count);
bool compose_view_oneoff(const struct view *v);

/* `tinydock compose ...`. */
int cmd_compose(int argc, char **argv);

#endif
