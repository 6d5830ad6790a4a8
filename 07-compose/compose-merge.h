/*
 * compose-merge.h - several compose files read as one: `-f compose.yaml -f compose.prod.yaml`.
 *
 * A base file describes the application; an override file changes a few things for one place
 * (a port, a command, a volume for development). Compose merges them in the order given, as
 * the Compose specification's merge rules say (compose-spec merge.md):
 *
 *     a mapping        merged key by key (services by name, a service's keys one by one)
 *     a scalar         the later file's value wins           image: busybox -> image: nginx
 *     a sequence       the later file's items appended       dns: [1.1.1.1] + [8.8.8.8]
 *     command, entrypoint, healthcheck.test                   replaced, not appended
 *     volumes          an item with the same target replaced, others appended
 *
 * A key written as a list in one file and as a mapping in the other (environment: [A=1] and
 * environment: {A: 1}) is refused with both places named: Compose converts both, here the
 * file is to be written one way. Paths stay relative to the first file's folder (the project
 * folder), as the specification says. Pure: trees in, one tree out.
 */
#ifndef TINYDOCK_COMPOSE_MERGE_H
#define TINYDOCK_COMPOSE_MERGE_H

#include "yaml.h"

/* Merge over (from file over_name) into base; over is consumed (freed) in every case.
 * 0, or -1 with "FILE:LINE:COLUMN: problem" recorded. */
int compose_merge(struct yaml_node *base, struct yaml_node *over, const char *over_name);

#endif
