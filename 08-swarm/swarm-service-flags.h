/*
 * swarm-service-flags.h - `docker service create`, `update` and `scale` flags, into a service
 * spec.
 *
 * A service is the swarm's unit of desired state: "run 3 replicas of this image, with these
 * ports, limits and policies". `service create` writes one with Docker's flags:
 *
 *     tinydock service create --name web --replicas 3 -p 8080:80 --limit-memory 64M nginx
 *
 * and `service update` changes one by the flags given, the rest left as it was:
 *
 *     tinydock service update --image nginx:1.27 --env-add MODE=prod --publish-rm 80 web
 *
 * Pure: the flags become a spec (swarm-store.h) or a change to one, and nothing is sent; the
 * command (swarm-cli.c) proposes the result to the swarm. A bad flag is refused with its name
 * and the reason, as Docker's CLI words it: `invalid argument "x" for "--replicas" flag: ...`.
 */
#ifndef TINYDOCK_SWARM_SERVICE_FLAGS_H
#define TINYDOCK_SWARM_SERVICE_FLAGS_H

#include "swarm-store.h"

#include <stdbool.h>
#include <stddef.h>

struct swarm_flag; /* a row of the flags' table (swarm-service-flags.c) */

/* What the command does besides the spec: -d (return at once, do not wait for the tasks) and
 * -q (print the service's ID only). */
struct swarm_service_options {
	bool detach, quiet;
};

/* service create [OPTIONS] IMAGE [COMMAND] [ARG...]: argv[0] is "create". The spec starts as
 * Swarm's defaults (swarm_service_spec_default); a name left empty by a missing --name is the
 * caller's to choose. 0, or -1 with the flag and the reason recorded (spec freed). */
int swarm_service_create_flags(int argc, char **argv, struct swarm_service_spec *spec,
			       struct swarm_service_options *options);

/* service update [OPTIONS] SERVICE: the flags as given, checked, to be applied to the spec the
 * swarm holds (read after parsing, since the name comes last). Points into argv. */
struct swarm_service_update {
	const char *service;
	struct swarm_update_flag {
		const struct swarm_flag *flag;
		const char *value;
	} *flags;
	size_t count;
	struct swarm_service_options options;
	bool rollback; /* --rollback: go back to the previous spec (a SERVICE_ROLLBACK) */
};

/* 0, or -1 with the flag and the reason recorded. */
int swarm_service_update_flags(int argc, char **argv, struct swarm_service_update *update);

/* Apply the changes, in the order given, to spec (the service's current spec). 0, or -1
 * recorded (a value that cannot apply to this spec, as --replicas on a global service). */
int swarm_service_update_apply(const struct swarm_service_update *update, struct swarm_service_spec *spec);

void swarm_service_update_free(struct swarm_service_update *update);

/* service scale SERVICE=REPLICAS...: argv[0] is "scale". */
struct swarm_scale {
	char service[SWARM_NAME_MAX];
	uint32_t replicas;
};
/* *scales malloc'd, *count of them. 0, or -1 with the argument and the reason recorded. */
int swarm_service_scale_args(int argc, char **argv, struct swarm_scale **scales, size_t *count);

/* One --publish value: "8080:80", "8080:80/udp", "80" (the swarm picks the published port),
 * or "published=8080,target=80,protocol=udp,mode=host". 0, or -1 recorded. */
int swarm_port_parse(const char *text, struct swarm_port *port);

/* Docker's --limit-cpu and --reserve-cpu: a decimal number of CPUs ("0.5") in billionths. */
int swarm_parse_nano_cpus(const char *flag, const char *text, int64_t *nano_cpus);

#endif
