/*
 * swarm-vip.c - each service's virtual IP, its rows in the mesh, its hosts lines (swarm-vip.h).
 */
#include "swarm-vip.h"

#include "error.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* FNV-1a (32 bits): a few lines, and names that differ in one letter land far apart. */
static uint32_t name_hash(const char *name)
{
	uint32_t hash = 2166136261u;
	for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
		hash ^= *c;
		hash *= 16777619u;
	}
	return hash;
}

/* The VIPs of names[0..count), in order: each its hash's address in the subnet, or the next
 * one up (wrapping) that no earlier name took. The network and broadcast addresses are never
 * given. */
static int assign(const struct subnet *vips, const char *const *names, size_t count, struct in_addr *out)
{
	uint32_t hosts = vips->prefix >= 31 ? 0 : (1u << (32 - vips->prefix)) - 2;
	uint32_t network = ntohl(vips->network.s_addr);
	for (size_t i = 0; i < count; i++) {
		if (i >= hosts) {
			char text[32];
			subnet_format(vips, text, sizeof(text));
			return fail_errno(ENOSPC, "no virtual IP left in %s for service %s", text, names[i]);
		}
		uint32_t offset = name_hash(names[i]) % hosts;
		for (;;) {
			uint32_t candidate = network + 1 + offset;
			bool taken = false;
			for (size_t k = 0; k < i && !taken; k++)
				taken = ntohl(out[k].s_addr) == candidate;
			if (!taken) {
				out[i].s_addr = htonl(candidate);
				break;
			}
			offset = (offset + 1) % hosts;
		}
	}
	return 0;
}

int swarm_vip_of(const struct subnet *vips, const char *const *names, size_t count, const char *name,
                 struct in_addr *out)
{
	struct in_addr *all = calloc(count ? count : 1, sizeof(*all));
	if (!all)
		return fail_errno(ENOMEM, "cannot choose virtual IPs");
	int rc = -1;
	for (size_t i = 0; i < count; i++)
		if (strcmp(names[i], name) == 0) {
			if (assign(vips, names, i + 1, all) == 0) {
				*out = all[i];
				rc = 0;
			}
			free(all);
			return rc;
		}
	free(all);
	return fail_errno(ENOENT, "no service %s", name);
}

/* Rows for service's ports (each target and protocol once) at vip. */
/* A stack's service "shop_product-service", labelled com.docker.stack.namespace=shop, is also
 * "product-service": the name its compose file gives it (Docker: an alias on the stack's
 * network). Other services: no alias. */
static void stack_alias(const struct swarm_service_spec *spec, char *alias, size_t size)
{
	alias[0] = '\0';
	const char *key = SWARM_STACK_LABEL "=";
	for (size_t i = 0; i < spec->labels.count; i++) {
		const char *label = spec->labels.items[i];
		if (strncmp(label, key, strlen(key)) != 0)
			continue;
		const char *stack = label + strlen(key);
		size_t length = strlen(stack);
		if (length && strncmp(spec->name, stack, length) == 0 && spec->name[length] == '_' && spec->name[length + 1])
			swarm_copy_name(alias, size, spec->name + length + 1);
	}
}

static int add_service_rows(const struct swarm_store *store, const struct swarm_service_spec *spec,
                            struct in_addr vip, struct swarm_mesh_table *table)
{
	for (size_t p = 0; p < spec->port_count; p++) {
		const struct swarm_port *port = &spec->ports[p];
		if (port->target == 0 || swarm_mesh_table_row(table, vip, port->target, port->udp))
			continue;
		if (table->service_count == SWARM_MESH_MAX_SERVICES)
			return 0; /* the first rows are kept, as swarm_mesh_table_from_store does */
		/* The table grows one row at a time here: a few services, a few ports each. */
		struct swarm_mesh_service *more = realloc(table->services, (table->service_count + 1) * sizeof(*more));
		if (!more)
			return fail_errno(ENOMEM, "cannot add the virtual IP of service %s", spec->name);
		table->services = more;
		struct swarm_mesh_service *row = &table->services[table->service_count++];
		*row = (struct swarm_mesh_service){ .vip = vip, .published = port->target, .target = port->target,
		                                    .udp = port->udp };
		swarm_copy_name(row->name, sizeof(row->name), spec->name);
		stack_alias(spec, row->alias, sizeof(row->alias));
		if (swarm_mesh_add_backends(store, row) < 0)
			return -1;
	}
	return 0;
}

int swarm_vip_add_rows(const struct swarm_store *store, const struct subnet *vips, struct swarm_mesh_table *table)
{
	if (store->service_count == 0)
		return 0;
	const char **names = calloc(store->service_count, sizeof(*names));
	struct in_addr *addresses = calloc(store->service_count, sizeof(*addresses));
	int rc = -1;
	if (!names || !addresses) {
		fail_errno(ENOMEM, "cannot choose virtual IPs");
		goto out;
	}
	for (size_t i = 0; i < store->service_count; i++)
		names[i] = store->services[i].spec.name;
	if (assign(vips, names, store->service_count, addresses) < 0)
		goto out;
	for (size_t i = 0; i < store->service_count; i++)
		if (add_service_rows(store, &store->services[i].spec, addresses[i], table) < 0)
			goto out;
	rc = 0;
out:
	free(names);
	free(addresses);
	return rc;
}

size_t swarm_vip_addresses(const struct swarm_mesh_table *table, struct in_addr *out, size_t room)
{
	size_t count = 0;
	for (size_t i = 0; i < table->service_count; i++) {
		struct in_addr vip = table->services[i].vip;
		if (vip.s_addr == htonl(INADDR_ANY))
			continue;
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = table->services[k].vip.s_addr == vip.s_addr;
		if (seen)
			continue;
		if (count < room)
			out[count] = vip;
		count++;
	}
	return count;
}

char *swarm_vip_hosts(const struct swarm_mesh_table *table)
{
	size_t size = 1;
	for (size_t i = 0; i < table->service_count; i++)
		size += INET_ADDRSTRLEN + 1 + strlen(table->services[i].name) + 1 + strlen(table->services[i].alias) + 1;
	char *text = malloc(size);
	if (!text) {
		fail_errno(ENOMEM, "cannot write the services' hosts lines");
		return NULL;
	}
	size_t used = 0;
	text[0] = '\0';
	for (size_t i = 0; i < table->service_count; i++) {
		const struct swarm_mesh_service *row = &table->services[i];
		if (row->vip.s_addr == htonl(INADDR_ANY))
			continue;
		bool seen = false; /* one line per service, not per port */
		for (size_t k = 0; k < i && !seen; k++)
			seen = table->services[k].vip.s_addr == row->vip.s_addr;
		if (seen)
			continue;
		char address[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &row->vip, address, sizeof(address));
		/* hosts(5): "IP_address canonical_hostname [aliases...]", fields separated by blanks */
		used += (size_t)snprintf(text + used, size - used, "%s\t%s%s%s\n", address, row->name,
					 row->alias[0] ? " " : "", row->alias);
	}
	return text;
}
