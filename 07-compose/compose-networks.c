/*
 * compose-networks.c - a project's networks, from the file's keys to the host's networks.
 *
 * A service's `networks:` names keys of the top-level `networks:`; the specification says a
 * network is created by Compose as PROJECT_KEY unless it says `name:` (used as written) or
 * `external: true` (made outside the project, "Compose doesn't attempt to create it"). A
 * service that names no network joins `default`, the network PROJECT_default. Each network
 * is one of chapter 02's bridge networks, with its own Linux bridge and subnet: services on
 * one reach each other by name, and services on two disjoint ones do not, because their
 * containers share no bridge and no /etc/hosts names (02-namespaces/network.c).
 */
#include "compose-networks.h"
#include "compose-project.h"
#include "compose-service-spec.h"
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct compose_resource *compose_network_definition(const struct compose_project *m, const char *key)
{
	for (size_t i = 0; i < m->network_definitions.count; i++)
		if (strcmp(m->network_definitions.items[i].key, key) == 0)
			return &m->network_definitions.items[i];
	return NULL;
}

char *compose_network_name(const char *project, const struct compose_project *m, const char *key)
{
	const struct compose_resource *d = compose_network_definition(m, key);
	const char *given = d && d->name ? d->name : d && d->external ? d->key : NULL;
	char *name = given ? strdup(given)
		   : strcmp(key, "default") == 0 ? compose_default_network(project)
						 : compose_volume_name(project, key); /* the same PROJECT_KEY form */
	if (!name)
		fail_errno(ENOMEM, "cannot name network %s", key);
	return name;
}

const char *compose_network_subnet(const struct compose_resource *definition)
{
	/* ipam: { config: [ { subnet: 10.5.0.0/24 } ] }, kept as written among the other keys */
	const struct yaml_node *config = definition ? yaml_get(yaml_get(definition->other, "ipam"), "config") : NULL;
	yaml_for_each(item, config) {
		const struct yaml_node *subnet = yaml_get(item, "subnet");
		if (subnet && subnet->kind == YAML_SCALAR)
			return subnet->text;
	}
	return NULL;
}

static int add_once(struct compose_strings *keys, const char *key)
{
	for (size_t i = 0; i < keys->count; i++)
		if (strcmp(keys->items[i], key) == 0)
			return 0;
	return compose_strings_add(keys, key);
}

int compose_networks_used(const struct compose_project *m, struct compose_strings *keys)
{
	for (size_t i = 0; i < m->service_count; i++) {
		const struct compose_service *s = &m->services[i];
		if (s->network_mode && (strcmp(s->network_mode, "host") == 0 || strcmp(s->network_mode, "none") == 0))
			continue; /* the host's network, or none: no network of the project's */
		if (s->network_count == 0 && add_once(keys, "default") < 0)
			return -1;
		for (size_t n = 0; n < s->network_count; n++)
			if (add_once(keys, s->networks[n].name) < 0)
				return -1;
	}
	return 0;
}
