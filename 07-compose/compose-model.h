/*
 * compose-model.h - the Compose model: a compose file read into typed services.
 *
 * `docker run -d --name web -p 5000:80 -v ./website:/var/www/html php:apache` is one
 * container; an application is several, with their order and their links. A compose file
 * writes each of those commands once, as data, and the model is that data read and checked:
 * every key of the file is one of the Compose specification's (an unknown key or a wrong
 * type is an error at its line and column), short and long syntaxes are read into one form,
 * and `depends_on` names services that exist, without a cycle.
 *
 * Keys the specification defines but this model does not act on (`runtime`, `gpus`, ...) are
 * accepted, listed in `ignored` by their path, so that `up` can name them in one warning, and
 * kept as written in `other`, so that `config` prints them back (compose-print.h).
 *
 * Pure: the caller parses and interpolates the YAML and resolves `extends` (yaml.h,
 * compose-interpolate.h, compose-extends.h).
 */
#ifndef TINYDOCK_COMPOSE_MODEL_H
#define TINYDOCK_COMPOSE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compose-ports.h"
#include "yaml.h"

/* A list of strings, in the order written. */
struct compose_strings {
	char **items;
	size_t count;
};

struct compose_build {
	char *context;     /* NULL when the service has no build */
	char *dockerfile;
	char *target;
	struct compose_strings args; /* "NAME=value", or "NAME" for a value from the environment */
};

enum compose_mount_type { COMPOSE_MOUNT_VOLUME, COMPOSE_MOUNT_BIND, COMPOSE_MOUNT_TMPFS };

struct compose_mount {
	enum compose_mount_type type;
	char *source;      /* a volume's name or a host path; NULL for an anonymous volume */
	char *target;
	bool read_only;
};

enum compose_condition {
	COMPOSE_SERVICE_STARTED,
	COMPOSE_SERVICE_HEALTHY,
	COMPOSE_SERVICE_COMPLETED_SUCCESSFULLY,
};

struct compose_dependency {
	char *service;
	enum compose_condition condition;
	int line, column;  /* where the entry is written, for a message about it */
};

/* healthcheck: test as the command to run ("CMD", "CMD-SHELL", or "NONE" words first, as in
 * the image config), times in nanoseconds (0: the default). */
struct compose_healthcheck {
	struct compose_strings test;
	int64_t interval, timeout, start_period;
	int64_t retries;                /* -1: the default */
	bool disable;
};

/* deploy: what a swarm reads (`stack deploy`); `up` reads replicas and limits only (the
 * service's own fields above). Not given: NULL, 0, or -1 where 0 is a value. */
struct compose_deploy {
	char *mode;                            /* "replicated" or "global" */
	struct compose_strings labels;         /* deploy.labels, "NAME=value": the service's own */
	char *reserve_cpus;                    /* resources.reservations.cpus, as written */
	int64_t reserve_memory;                /* resources.reservations.memory, bytes */
	struct compose_strings constraints;    /* placement.constraints */
	bool has_update_config, has_restart_policy;
	int64_t update_parallelism;            /* -1: not given */
	int64_t update_delay;                  /* nanoseconds; -1: not given */
	char *update_failure_action, *update_order;
	char *restart_condition;
	int64_t restart_delay, restart_window; /* nanoseconds; -1: not given */
	int64_t restart_max_attempts;          /* -1: not given */
	struct compose_strings unread;         /* "deploy.endpoint_mode": keys of deploy not read */
};

/* A network the service joins, with the extra names it is known by there. */
struct compose_network_ref {
	char *name;
	struct compose_strings aliases;
};

/* A secret or config given to the service: short syntax is the name alone; the target is then
 * /run/secrets/NAME for a secret and /NAME for a config (the specification's defaults). */
struct compose_file_ref {
	char *source;
	char *target;   /* NULL: the default */
	char *mode;     /* as written ("0440"), NULL: the default */
};

struct compose_service {
	char *name;
	char *image;
	struct compose_build build;
	struct compose_strings command, entrypoint; /* count 0: the image's */
	bool has_command, has_entrypoint;
	struct compose_strings environment;         /* "NAME=value" or "NAME" */
	struct compose_strings env_file;
	struct compose_port *ports;
	size_t port_count;
	struct compose_strings expose;
	struct compose_mount *mounts;
	size_t mount_count;
	struct compose_dependency *depends_on;
	size_t depends_count;
	char *restart, *hostname, *working_dir, *user, *container_name;
	struct compose_strings labels;              /* "NAME=value" */
	struct compose_strings profiles;
	bool has_healthcheck;
	struct compose_healthcheck healthcheck;
	char *stop_signal, *network_mode;
	int64_t stop_grace_period;      /* nanoseconds; -1: not given (10 s) */
	bool stdin_open, tty, init, read_only;
	struct compose_strings cap_add, cap_drop, extra_hosts, tmpfs, sysctls;
	int64_t replicas;               /* deploy.replicas, 1 when not given */
	char *cpus;                     /* deploy.resources.limits.cpus, as written ("0.5") */
	int64_t memory, pids;           /* deploy.resources.limits; 0: no limit */
	struct compose_deploy deploy;   /* the rest of deploy, for a swarm */
	struct compose_network_ref *networks;       /* none given: the project's default network */
	size_t network_count;
	struct compose_file_ref *secrets, *configs;
	size_t secret_count, config_count;
	struct yaml_node *other;  /* a mapping of the keys not read (listed in ignored), as written */
};

/* A top-level volume, network, secret or config: what is created for the project (or, when
 * external, found). */
struct compose_resource {
	char *key;               /* as the file names it: "data" */
	char *name;              /* `name:`, its name on the host; NULL: the default */
	bool external;           /* made outside the project: used, never created or removed */
	char *driver;
	char *file, *environment, *content; /* a secret's or config's value: a file, a variable, text */
	struct compose_strings labels, driver_opts; /* "NAME=value" */
	struct yaml_node *other; /* a mapping of the keys not read (ipam, internal, ...), as written */
};

struct compose_resources {
	struct compose_resource *items;  /* in the file's order */
	size_t count;
};

struct compose_project {
	char *name;                                 /* the file's `name:`, or NULL */
	struct compose_service *services;           /* sorted by name */
	size_t service_count;
	struct compose_strings volumes, networks, secrets, configs; /* top-level names */
	struct compose_resources volume_definitions, network_definitions;   /* the same, in full */
	struct compose_resources secret_definitions, config_definitions;
	struct compose_strings ignored;             /* "services.web.runtime": accepted, not acted on */
	struct yaml_node *other;                    /* top-level keys not read (include, models) */
};

/* Read root (a parsed, interpolated compose file called file, its extends resolved) into
 * *project: checked against the specification's schema (compose-schema.h), then read. Returns
 * 0, or -1 with "FILE:LINE:COLUMN: problem" recorded. */
int compose_model_read(const char *file, const struct yaml_node *root, struct compose_project *project);

const struct compose_service *compose_find_service(const struct compose_project *project, const char *name);

void compose_project_free(struct compose_project *project);

#endif
