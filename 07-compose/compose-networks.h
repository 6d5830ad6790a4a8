/*
 * compose-networks.h - the networks of a project: what each service's `networks:` key is on
 * the host, and which networks `up` makes and `down` removes. Pure.
 */
#ifndef TINYDOCK_COMPOSE_NETWORKS_H
#define TINYDOCK_COMPOSE_NETWORKS_H

#include "compose-model.h"

#include <stdbool.h>

/* The top-level definition of network key, or NULL ("default" may have none). */
const struct compose_resource *compose_network_definition(const struct compose_project *m, const char *key);

/* The host's name of network key: its `name:`, else the key itself when it is external, else
 * PROJECT_KEY (PROJECT_default for "default"). A new string, or NULL with the message. */
char *compose_network_name(const char *project, const struct compose_project *m, const char *key);

/* The subnet given by the definition's ipam.config (its first subnet), or NULL. */
const char *compose_network_subnet(const struct compose_resource *definition);

/* The keys of the networks the project's services join (a service with no `networks:` joins
 * "default"; network_mode host and none join none), each once, in order of first
 * use, added to keys. 0, or -1 with the message. */
int compose_networks_used(const struct compose_project *m, struct compose_strings *keys);

#endif
