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
#include "health.h"
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

/* One of the container's mounts, as Docker's `inspect` shows it in Mounts (a MountPoint). */
struct recorded_mount {
	char type[8];                 /* Type: "bind", "volume" (chapter 06) or "tmpfs" */
	char name[256];               /* Name: a volume's name, or "" */
	char source[PATH_MAX];        /* Source: the host's path ("" for a tmpfs) */
	char destination[PATH_MAX];   /* Destination: the path inside */
	char driver[32];              /* Driver: a volume's ("local"), or "" */
	char mode[32];                /* Mode: as given after the second ':' of -v ("ro", "z"), or "" */
	bool rw;                      /* RW */
	char propagation[16];         /* Propagation: "rprivate" for a bind, "" otherwise */
	char options[256];            /* a tmpfs's options (HostConfig.Tmpfs), or "" */
};

/* What a container is (config.json): its spec, field by field, as it was created (written by
 * container-spec.c from the spec, and read back by `start`: Docker's names where Docker has the
 * field), then its state. Strings are "" when unknown. */
/* A network joined after the first (run --network given again): its name and the names the
 * container has there. */
struct recorded_network {
	char name[64];
	struct string_list aliases;
};

struct container_record {
	char id[CONTAINER_ID_LENGTH + 1];         /* Id */
	char name[CONTAINER_NAME_MAX + 1];        /* Name, without Docker's leading "/" */
	timestamp_ns created;                     /* Created */

	/* Chapter 02's part of the spec (struct container). */
	char rootfs[PATH_MAX];                    /* Rootfs (tinydock's): the --rootfs folder, or "" */
	struct string_list command;               /* Config.Cmd; Path = command[0], Args = the rest */
	struct string_list env;                   /* Config.Env: the -e values */
	char workdir[PATH_MAX];                   /* Config.WorkingDir */
	char user[128];                           /* Config.User */
	char hostname[MAX_HOSTNAME + 1];          /* Config.Hostname */
	bool tty, interactive;                    /* Config.Tty, Config.OpenStdin */
	bool auto_remove;                         /* HostConfig.AutoRemove (--rm) */
	struct security_settings security;        /* HostConfig.Privileged, CapAdd, CapDrop, SecurityOpt:
						     what `exec` applies too, as `docker exec` does */
	char network[64];                         /* HostConfig.NetworkMode: none, host, bridge, NAME */
	struct string_list aliases;               /* NetworkSettings.Networks.NAME.Aliases */
	struct recorded_network more_networks[MAX_MORE_NETWORKS]; /* the other members of
						     NetworkSettings.Networks, in the order joined */
	size_t more_network_count;
	struct string_list extra_hosts;           /* HostConfig.ExtraHosts: --add-host */
	struct string_list sysctls;               /* HostConfig.Sysctls, as "KEY=VALUE" (a JSON object) */
	bool read_only;                           /* HostConfig.ReadonlyRootfs: --read-only */
	struct port_mapping ports[MAX_PORTS];     /* HostConfig.PortBindings: as asked (-p 80: port 0) */
	size_t port_count;
	bool userns;                              /* Userns (tinydock's): a user namespace */
	struct id_map uid_maps[MAX_ID_MAPS], gid_maps[MAX_ID_MAPS]; /* Userns.UidMap, GidMap */
	size_t uid_map_count, gid_map_count;
	struct recorded_mount *mounts;            /* Mounts (and HostConfig.Binds, Tmpfs); malloc'd */
	size_t mount_count;

	/* Chapter 03's part (struct runtime_spec). */
	char image[PATH_MAX];                     /* Config.Image: the image, or the --rootfs folder */
	struct cgroup_limits limits;              /* HostConfig.Memory, NanoCpus, ... */
	struct restart_policy restart;            /* HostConfig.RestartPolicy */
	struct string_list health_test;           /* Config.Healthcheck.Test (health.h) */
	struct health_timing health_timing;       /* ... Interval, Timeout, StartPeriod, Retries */
	struct string_list labels;                /* Config.Labels, as "KEY=VALUE" (a JSON object) */
	char stop_signal[16];                     /* Config.StopSignal: --stop-signal as given, or "" */
	long stop_timeout;                        /* Config.StopTimeout: --stop-timeout seconds ... */
	bool stop_timeout_set;                    /* ... when given (else `stop` waits 10 s, Docker's default) */

	/* A later chapter's part: chapter 05's --entrypoint (Config.Entrypoint). */
	struct string_list entrypoint;

	/* State, as the monitor last wrote it (container_state() says what holds now). */
	char status[16];                          /* "created", "running", "restarting", "exited" */
	int exit_code;                            /* State.ExitCode */
	bool oom_killed;                          /* State.OOMKilled */
	timestamp_ns started_at, finished_at;     /* State.StartedAt, State.FinishedAt */
	int restart_count;                        /* RestartCount */
	char ip_address[64];                      /* NetworkSettings.IPAddress, or "" */
	struct port_mapping bound[MAX_PORTS];     /* NetworkSettings.Ports: the host ports of the last
						     start (-p 80: the one the kernel chose then) */
	size_t bound_count;
};

void container_record_free(struct container_record *r);

/* A new, zeroed mount at the end of r->mounts (NULL, message recorded, when memory runs out). */
struct recorded_mount *container_record_add_mount(struct container_record *r);

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
