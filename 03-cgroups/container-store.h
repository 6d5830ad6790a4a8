/*
 * container-store.h - where containers live between commands: their folders, their record,
 * their names, and the lock that keeps two `tinydock` processes from corrupting them.
 *
 * There is no daemon holding containers in memory (daemonless, as Podman is): every
 * command (`ps`, `stop`, `rm`, ...) reads the state from the file system, and the monitor of
 * each container writes it. The layout:
 *
 *   $TINYDOCK_ROOT/containers/.lock         flock: held while names or records change
 *   $TINYDOCK_ROOT/containers/<id>/         the container's persistent home
 *       config.json                         the record (this file), Docker's field names
 *       container.log                       its output, one JSON line per line (container-log.h)
 *       fs/upper fs/work fs/merged fs/lowers  chapter 04's overlay (not ours)
 *   $TINYDOCK_RUN/containers/<id>/          live state, on a tmpfs: a reboot empties it
 *       state.json                          the monitor's and init's pids and start times
 *       stopping                            present once `stop`/`kill` asked: no restart then
 *
 * A container whose live state is missing, or whose monitor is no longer the process that
 * wrote it (pid and start time from /proc/PID/stat, so a recycled pid does not fool us), is
 * not running, whatever its record says: that is how a SIGKILLed monitor or a reboot shows.
 */
#ifndef TINYDOCK_CONTAINER_STORE_H
#define TINYDOCK_CONTAINER_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup_limits.h"
#include "container.h"
#include "restart-policy.h"
#include "timestamp.h"

#define CONTAINER_NAME_MAX 128

struct json;

/* A NULL-terminated, malloc'd list of strings (argv, environment). */
struct string_list {
	char **items;
	size_t count;
};

int string_list_add(struct string_list *list, const char *text);
void string_list_free(struct string_list *list);

/* What a container is (config.json). Strings are "" when unknown. */
struct container_record {
	char id[CONTAINER_ID_LENGTH + 1];         /* Id */
	char name[CONTAINER_NAME_MAX + 1];        /* Name, without Docker's leading "/" */
	timestamp_ns created;                     /* Created */
	char image[PATH_MAX];                     /* Config.Image: the image, or the --rootfs folder */
	char rootfs[PATH_MAX];                    /* the --rootfs folder, absolute, or "" */
	struct string_list command;               /* Path = command[0], Args = the rest */
	struct string_list env;                   /* Config.Env: the -e values */
	char workdir[PATH_MAX];                   /* Config.WorkingDir */
	char user[128];                           /* Config.User */
	char hostname[MAX_HOSTNAME + 1];          /* Config.Hostname */
	bool tty, interactive;                    /* Config.Tty, Config.OpenStdin */
	struct cgroup_limits limits;              /* HostConfig.Memory, NanoCpus, ... */
	struct restart_policy restart;            /* HostConfig.RestartPolicy */
	bool auto_remove;                         /* HostConfig.AutoRemove (--rm) */
	struct security_settings security;        /* HostConfig.Privileged, CapAdd, CapDrop, SecurityOpt:
						     what `exec` applies too, as `docker exec` does */
	char network[64];                         /* HostConfig.NetworkMode: none, host, bridge, NAME */
	struct port_mapping ports[MAX_PORTS];     /* HostConfig.PortBindings */
	size_t port_count;
	struct string_list run_args;              /* the `run` arguments, so `start` can run it again */

	/* State, as the monitor last wrote it (container_state() says what holds now). */
	char status[16];                          /* "created", "running", "restarting", "exited" */
	int exit_code;                            /* State.ExitCode */
	bool oom_killed;                          /* State.OOMKilled */
	timestamp_ns started_at, finished_at;     /* State.StartedAt, State.FinishedAt */
	int restart_count;                        /* RestartCount */
	char ip_address[64];                      /* NetworkSettings.IPAddress, or "" */
};

void container_record_free(struct container_record *r);

/* --- the record as JSON: pure --------------------------------------------------------------- */

/* Build config.json's tree from r (NULL when memory runs out). */
struct json *container_record_to_json(const struct container_record *r);
/* Fill r from config.json's tree; -1 (message recorded) if a required field is missing. */
int container_record_from_json(const struct json *doc, struct container_record *r);

/* --- folders ------------------------------------------------------------------------------- */

/* $TINYDOCK_ROOT/containers/<id> and $TINYDOCK_RUN/containers/<id> (id "" gives the parent). */
void container_dir(const char *id, char *out, size_t size);
void container_run_dir(const char *id, char *out, size_t size);

/* --- the lock ------------------------------------------------------------------------------ */

/* Take the store's lock (flock on $TINYDOCK_ROOT/containers/.lock); close the fd to release.
 * Held for the few milliseconds of a read-modify-write, never while waiting for a container. */
int container_store_lock(void);

/* --- records ------------------------------------------------------------------------------- */

/* Read config.json of id. */
int container_record_load(const char *id, struct container_record *r);
/* Write config.json atomically (the caller holds the lock if it read the record first). */
int container_record_save(const struct container_record *r);

/* Create the container's folder and record, under the lock. Returns 0; 1 when the name is in
 * use, with Docker's message: `Conflict. The container name "/web" is already in use by
 * container "<id>". ...`; -1 on any other failure (message recorded). */
int container_create(const struct container_record *r);

/* Remove the container's folders (the record, the log, the live state). The caller stopped it. */
int container_remove_files(const char *id);

/* Give the container another name, under the lock (refusing one in use). */
int container_rename(const char *id, const char *name);

/* --- finding containers -------------------------------------------------------------------- */

/* A name, a full id or a unique id prefix -> the full id. Errors as Docker words them:
 * "No such container: web", "multiple IDs found with provided prefix: 4f". */
int container_resolve(const char *ref, char id[CONTAINER_ID_LENGTH + 1]);

/* Pure: the same decision, over known (id, name) pairs. Returns the index, or -1 with the message. */
int container_resolve_among(const char *ref, const char *const *ids, const char *const *names, size_t count);

/* Every container's id (malloc'd array of malloc'd strings; free with container_list_free). */
int container_list(char ***ids, size_t *count);
void container_list_free(char **ids, size_t count);

/* --- live state ---------------------------------------------------------------------------- */

/* What $TINYDOCK_RUN/containers/<id>/state.json holds while a monitor looks after the container. */
struct container_live {
	pid_t monitor;                   /* the monitor (or the foreground `run`) */
	unsigned long long monitor_start; /* its start time, field 22 of /proc/PID/stat */
	pid_t pid;                       /* the container's init, as the host sees it; 0 between restarts */
	unsigned long long pid_start;
	timestamp_ns started_at;
	bool restarting;                 /* waiting out a restart delay */
};

int container_live_save(const char *id, const struct container_live *live);
/* 0 and *live filled, 1 when there is no live state, -1 on error. */
int container_live_load(const char *id, struct container_live *live);
int container_live_clear(const char *id);

/* The start time of process pid (clock ticks since boot, proc(5) field 22); -1 if it is gone. */
int process_start_time(pid_t pid, unsigned long long *start);
/* Pure: field 22 from the text of /proc/PID/stat (the command name may hold spaces and ')'). */
int parse_stat_start_time(const char *stat, unsigned long long *start);

/* True when the process that wrote live is still the same process. */
bool container_monitor_alive(const struct container_live *live);

/* The state that holds now: r's status, corrected by the live state. "running" and
 * "restarting" need a live monitor; a record that says running with a dead monitor is
 * "exited" (the monitor was killed, or the host rebooted). Fills *live when running. */
const char *container_state(const struct container_record *r, struct container_live *live);

/* `stop`/`kill` mark the container so that its monitor does not restart it. */
int container_mark_stopping(const char *id);
bool container_is_stopping(const char *id);

#endif
