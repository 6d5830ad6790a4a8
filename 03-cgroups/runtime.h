/*
 * runtime.h - chapter 03's container lifecycle: a spec that embeds chapter 02's (run-flags.h),
 * and create -> start -> wait for one container, with its record, its cgroup, its limits, -d and
 * its monitor, --rm and --restart. All the state of a container is in its handle (struct
 * runtime), owned by the caller: one process may run several containers at once.
 *
 * And the commands on recorded containers: ps, logs, wait, inspect, rename, port
 * (container-commands.c); stop, kill, start, restart, rm, container prune (container-lifecycle.c);
 * exec (container-exec.c); stats, top (container-stats.c).
 */
#ifndef TINYDOCK_RUNTIME_H
#define TINYDOCK_RUNTIME_H

#include "cgroup_limits.h"
#include "container-store.h"
#include "container.h"
#include "health.h"
#include "restart-policy.h"

#include <stdbool.h>

#define RUNTIME_MAX_LABELS 32

/* What a container of chapter 03 is: chapter 02's spec, first (run-flags.h), and ours. */
struct runtime_spec {
	struct container container;
	const char *image;           /* the record's Config.Image (chapter 05: the IMAGE); NULL: the rootfs */
	bool detach;                 /* -d: a monitor process looks after the container */
	bool create_only;            /* `create`: recorded and its root made, not started */
	struct cgroup_limits limits; /* -m, --cpus, ... */
	struct restart_policy restart;
	bool restart_given;
	struct health_config health; /* --health-*, or the image's HEALTHCHECK (health.h) */
	bool no_healthcheck;         /* --no-healthcheck (Test ["NONE"] once parsed) */
	const char *labels[RUNTIME_MAX_LABELS]; /* -l KEY=VALUE: the record's Config.Labels, read
						   by whoever looks for its containers (compose) */
	size_t label_count;
	const char *stop_signal;     /* --stop-signal: what `stop` sends first (NULL: SIGTERM) */
	long stop_timeout;           /* --stop-timeout: `stop`'s seconds before SIGKILL ... */
	bool stop_timeout_given;     /* ... when given (else 10, or stop -t) */
	/* A later chapter's part of the record (chapter 05: Config.Entrypoint), written with ours
	 * at create (container-spec.h); NULL when there is none. 0, or -1 with the message. */
	int (*write_record)(const struct runtime_spec *spec, struct container_record *r);
};

/* Chapter 03's flags for `run` (-d, --restart, the limits), and its health check's
 * (health-check.h: --health-cmd, ...). */
extern const struct run_flags runtime_flags;

/* How a later chapter gives the container its root filesystem (chapter 04: an overlay). The
 * hooks run with the container recorded: mount before the container is prepared (it sets
 * spec->container.rootfs and rootfs_path), unmount once it has ended for good (with --rm it
 * also removes what mount made). Each returns 0, or -1 with a message recorded. */
struct runtime_rootfs {
	void *ctx;
	int (*mount)(void *ctx, struct runtime_spec *spec);
	int (*unmount)(void *ctx, struct runtime_spec *spec);
};

/* Add label ("KEY=VALUE", or "KEY": empty) to spec, replacing the key's earlier value; label is
 * kept, not copied. 0, or -1 with the message (an empty key, too many). */
int runtime_add_label(struct runtime_spec *spec, const char *label);

/* One container's lifecycle, owned by the caller. */
struct runtime;

/* Record a new container of spec (a new id, unless spec has one) and prepare it: its rootfs
 * (rootfs may be NULL: --rootfs DIR as it is), the checks of chapter 02. Returns 0 with *out,
 * or the exit code (125, 127) with the message recorded and nothing left but, as Docker, the
 * record of a container that never started (none with --rm). spec must outlive the handle. */
int runtime_create(struct runtime_spec *spec, const struct runtime_rootfs *rootfs, struct runtime **out);

/* The same for a recorded container (spec->container.id), its spec read back from its record
 * (container-spec.h): `start`. */
int runtime_open(struct runtime_spec *spec, const struct runtime_rootfs *rootfs, struct runtime **out);

/* Start the container. With spec->detach: fork its monitor, which runs it (and restarts it) to
 * the end and exits with its exit code; return 0 once it runs, 1 when it failed to start (its
 * monitor said why on our stderr and cleaned up). In the foreground this process is the
 * monitor: runtime_wait runs the container. -1 when we failed (message recorded). */
int runtime_start(struct runtime *rt);

/* Wait for the container to end for good and return its exit code (125 when tinydock failed,
 * said on stderr). Foreground: runs it here, passing signals on, and cleans up after it. */
int runtime_wait(struct runtime *rt);

/* Stop it as `stop` does: SIGTERM, SIGKILL after seconds; returns once its monitor recorded
 * the exit (container-lifecycle.c). 0, or -1 with the message. */
int runtime_stop(struct runtime *rt, long seconds);

/* The same by id, for a program that manages containers it did not create in this process
 * (chapter 07's compose): stop with sig then SIGKILL after seconds (0 when it was not running);
 * remove as `rm` (force: `rm -f`, SIGKILL first). 0, or -1 with the message. */
int container_stop(const char *id, int sig, long seconds);
int container_remove(const char *id, bool force);

/* Remove the ended container as `rm` does: its record, log, live state (container-lifecycle.c). */
int runtime_remove(struct runtime *rt);

/* The container's id. */
const char *runtime_id(const struct runtime *rt);

/* Free the handle (a started -d container goes on under its monitor). */
void runtime_free(struct runtime *rt);

/* `run`'s arguments into spec: chapter 02's flags, ours, then more (a later chapter's). Zeroes
 * spec's chapter 02 and 03 parts. Called as `create` (argv[0]), the spec is create_only: Docker's
 * `create` takes every flag and argument of `run`, so each chapter's run function is its create
 * too, by the name it is called with. Returns 0, or -1 with the message. */
int runtime_parse(int argc, char **argv, struct runtime_spec *spec, const struct run_flags *const *more,
		  size_t count);

/* create -> start -> wait for a parsed spec, as `run` does: prints the id with -d. With
 * create_only, create alone: the id printed, the record "created", for `start`. Returns the
 * exit code; errors are reported on stderr. */
int runtime_run(struct runtime_spec *spec, const struct runtime_rootfs *rootfs);

/* `start` and `restart` of a recorded container (container-lifecycle.c): its spec read back
 * from its record (runtime_spec_read), started again under a monitor. Returns 0, or -1 with
 * the message. A later chapter passes its own (chapter 05: the image's layers as the rootfs). */
typedef int runtime_starter(const struct container_record *r);
int runtime_start_recorded(const struct container_record *r);

/* For a later chapter's starter, with the spec read back (and -d): runtime_open and
 * runtime_start; 0, or -1 with the message (the reasons said above). */
int runtime_start_again(struct runtime_spec *spec, const struct runtime_rootfs *rootfs);
int cmd_start_with(int argc, char **argv, runtime_starter *start);
int cmd_restart_with(int argc, char **argv, runtime_starter *start);

/* create -> start under a monitor (-d), for a program that starts many containers (chapter 07's
 * compose): nothing printed; 0 with the id in spec->container.id, or -1 with the message and
 * nothing left but, as Docker, the record of a container that never started. */
int runtime_run_detached(struct runtime_spec *spec, const struct runtime_rootfs *rootfs);

/* `tinydock run` of chapter 03: chapter 02's run with a record, a cgroup and -d. */
int runtime_cmd_run(int argc, char **argv);

int cmd_ps(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_start(int argc, char **argv);
int cmd_restart(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_wait(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_rename(int argc, char **argv);
int cmd_port(int argc, char **argv);
int cmd_attach(int argc, char **argv);            /* container-attach.c */
int cmd_container_prune(int argc, char **argv);
int cmd_container_inspect(int argc, char **argv); /* containers only, as `container inspect` */
int cmd_container(int argc, char **argv);         /* container-group.c */

#endif
