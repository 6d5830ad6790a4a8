/*
 * container-record.h - what a container is, as config.json holds it, in Docker's field names.
 *
 * `docker inspect` shows a container as Docker stores it (config.v2.json); tinydock keeps the
 * same field names (Id, Name, Config.Env, HostConfig.Memory, State.ExitCode, ...), so what
 * `inspect` prints is the record itself and a reader who knows Docker knows the file. The
 * conversion both ways is pure (no files), so the unit tests check it without root.
 * Where the record is kept, and under which lock: container-store.h.
 */
#ifndef TINYDOCK_CONTAINER_RECORD_H
#define TINYDOCK_CONTAINER_RECORD_H

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

/* A member of a file tinydock wrote itself (config.json, state.json), read leniently: 0,
 * false or 0 ns when it is missing or of another type, as for a field an older version did
 * not write. */
int64_t stored_int(const struct json *obj, const char *key);
bool stored_bool(const struct json *obj, const char *key);
timestamp_ns stored_time(const struct json *obj, const char *key);

#endif
