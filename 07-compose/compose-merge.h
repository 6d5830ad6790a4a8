/*
 * compose-merge.h - one service or one file merged over another, by the Compose
 * specification's merge rules (merge.md), for both places that merge:
 *
 *     compose -f compose.yaml -f compose.prod.yaml up     the later file over the earlier
 *     services: {web: {extends: base, ...}}               web's keys over base's (compose-extends.h)
 *
 * The specification gives both the same rules, so that a value means the same thing however
 * it reached the service. They depend on what a key holds:
 *
 *   mappings (environment, labels, build.args, sysctls, ulimits, healthcheck, deploy...)
 *       merged key by key, the later value winning; the list form (["PORT=8080"]) is read as
 *       the mapping it means first, so both forms merge alike
 *   volumes, devices, blkio_config.device_*
 *       merged by the path inside the container: the later /data replaces the earlier /data
 *   cap_add, cap_drop, expose, ports, secrets, configs, security_opt, external_links,
 *   device_cgroup_rules, deploy.placement.*, deploy.resources.reservations.generic_resources
 *       the earlier items, then the later ones, each once
 *   command, entrypoint, healthcheck.test
 *       the later replaces the earlier: a command is one thing, not two to concatenate
 *   other sequences (dns, env_file, tmpfs, profiles, ...)
 *       the earlier items, then the later ones
 *   scalars (image, user, ...)
 *       the later one
 *
 * Services are merged by name; outside services (networks, volumes, secrets, configs, x-...)
 * mappings merge key by key, sequences append and scalars are replaced. Paths stay relative
 * to the first file's folder (the project folder), as the specification says. Pure: trees
 * in, one tree out.
 */
#ifndef TINYDOCK_COMPOSE_MERGE_H
#define TINYDOCK_COMPOSE_MERGE_H

#include "yaml.h"

/* Merge the service body later (a mapping) into base (a mapping), by the rules above; later
 * is only read. 0, or -1 when memory runs out. */
int compose_merge_service(struct yaml_node *base, const struct yaml_node *later);

/* Merge the tree of the file over_name into base (both whole compose files); over is consumed
 * (freed) in every case. 0, or -1 with the message recorded. */
int compose_merge(struct yaml_node *base, struct yaml_node *over, const char *over_name);

#endif
