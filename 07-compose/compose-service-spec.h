/*
 * compose-service-spec.h - one replica of a service, as the spec of one container.
 *
 * A service is `docker run` written as data: `image:` is IMAGE, `command:` is CMD, `ports:`
 * are -p, `volumes:` are -v. So each field fills the field of chapter 06's spec (volume-run.h)
 * that the flag would have filled, directly, with no argv built and parsed again:
 *
 *     image, command, entrypoint   image_spec.name, container.command, image_spec.entrypoint
 *     environment, env_file        container.env (env_file first: environment wins)
 *     user, working_dir, hostname  container.user, workdir, hostname
 *     ports                        container.ports (compose-ports.h -> chapter 02's port_mapping)
 *     volumes, tmpfs               volume_spec.requests: a bind relative to the project folder,
 *                                  a named volume as PROJECT_NAME, an anonymous one, a tmpfs
 *     networks (none: default)     --network per network: the first at start, the others right
 *                                  after (PROJECT_KEY, name:, or external as named), known on
 *                                  each by its service name, container name and aliases there:
 *                                  how services find each other
 *     extra_hosts, sysctls         container.extra_hosts (--add-host), sysctls (--sysctl)
 *     read_only, tty               container.read_only (--read-only), tty (-t)
 *     restart, healthcheck         runtime_spec.restart, health
 *     deploy.resources.limits      runtime_spec.limits (cpus, memory, pids)
 *     cap_add, cap_drop            container.security
 *     secrets, configs             volume_spec.requests: the file bound read-only at its target
 *                                  (compose-secrets.h)
 *     labels (+ Compose's own)     runtime_spec.labels (compose-labels.h)
 *
 * What a container here cannot have (stdin_open without tty, an external secret, a
 * network_mode of another service's, UDP ports, ...) is added to a list of warnings that `up`
 * prints once, so nothing in the file is dropped silently. stop_signal and stop_grace_period
 * are not part of the container: `stop` reads them from the file when it stops it.
 *
 * Pure: files (env_file) are read by the caller; nothing is made.
 */
#ifndef TINYDOCK_COMPOSE_SERVICE_SPEC_H
#define TINYDOCK_COMPOSE_SERVICE_SPEC_H

#include "compose-model.h"
#include "volume-run.h"

#include <stdbool.h>

/* What a service's container needs besides the service itself. */
struct compose_spec_input {
	const char *project;            /* the project's name */
	const char *directory;          /* the project folder, absolute: relative binds start there */
	const char *image;              /* what to run: `image:`, or PROJECT-SERVICE when built */
	const char *hash;               /* compose_config_hash of the service */
	int number;                     /* the replica, from 1 */
	const char *name;               /* the container's name; NULL: container_name or PROJECT-SERVICE-N */
	bool oneoff;                    /* `compose run`: labelled oneoff=True, no service alias */
	char *const *env_file_vars;     /* the service's env_file variables, "NAME=value", in order */
	size_t env_file_count;
	const struct compose_project *model; /* its networks, secrets and configs; NULL: the default
					      network, and secrets and configs named in the warnings */
	const char *state;              /* the project's folder of values (compose-secrets.h) */
};

/* Strings made for a spec (names, labels, argv): the spec points into them. */
struct compose_spec_strings {
	char **items;
	size_t count;
	char **argv;                    /* the command, NULL-terminated (the strings are the service's
					   or in items) */
};

/* Fill spec (zeroed by the caller: it is large) for one replica of service. Strings the spec
 * needs beyond the service's are kept in *strings (free with compose_spec_strings_free after
 * the spec's last use). Each field that cannot be acted on here is added to warnings, as
 * "services.NAME.FIELD". 0, or -1 with the message (a bad value: cpus "x", a bad restart). */
int compose_service_spec(const struct compose_spec_input *in, const struct compose_service *service,
			 struct volume_spec *spec, struct compose_spec_strings *strings,
			 struct compose_strings *warnings);

void compose_spec_strings_free(struct compose_spec_strings *strings);

/* Add a copy of text to list (for warnings). 0, or -1 with the message. */
int compose_strings_add(struct compose_strings *list, const char *text);
void compose_strings_free(struct compose_strings *list);

#endif
