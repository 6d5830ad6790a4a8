/*
 * swarm-mesh-table.c - the routing mesh's table and its round robin (swarm-mesh-table.h).
 */
#include "swarm-mesh-table.h"

#include "error.h"
#include "grow.h"
#include "json.h"
#include "swarm-json.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void swarm_mesh_table_free(struct swarm_mesh_table *table)
{
	for (size_t i = 0; i < table->service_count; i++)
		free(table->services[i].backends);
	free(table->services);
	table->services = NULL;
	table->service_count = 0;
}

struct swarm_mesh_service *swarm_mesh_table_row(const struct swarm_mesh_table *table, struct in_addr vip,
                                                uint16_t port, bool udp)
{
	for (size_t i = 0; i < table->service_count; i++) {
		struct swarm_mesh_service *row = &table->services[i];
		if (row->vip.s_addr == vip.s_addr && row->published == port && row->udp == udp)
			return row;
	}
	return NULL;
}

struct swarm_mesh_service *swarm_mesh_table_find(const struct swarm_mesh_table *table, uint16_t published, bool udp)
{
	return swarm_mesh_table_row(table, (struct in_addr){ .s_addr = htonl(INADDR_ANY) }, published, udp);
}

struct swarm_mesh_service *swarm_mesh_table_route(const struct swarm_mesh_table *table, struct in_addr local,
                                                  uint16_t port, bool udp)
{
	struct swarm_mesh_service *row = NULL;
	if (local.s_addr != htonl(INADDR_ANY))
		row = swarm_mesh_table_row(table, local, port, udp);
	return row ? row : swarm_mesh_table_find(table, port, udp);
}

/* "10.199.0.12:30001" -> address and port; -1 (nothing recorded) for anything else. A port
 * is required: the mesh reaches a task on one exact port. */
static int parse_host_port(const char *text, struct in_addr *host, uint16_t *port)
{
	const char *colon = strrchr(text, ':');
	if (!colon || colon == text || (size_t)(colon - text) >= INET_ADDRSTRLEN)
		return -1;
	char address[INET_ADDRSTRLEN];
	memcpy(address, text, (size_t)(colon - text));
	address[colon - text] = '\0';
	if (inet_pton(AF_INET, address, host) != 1)
		return -1;
	unsigned long value = 0;
	const char *digit = colon + 1;
	if (*digit == '\0' || strlen(digit) > 5)
		return -1;
	for (; *digit; digit++) {
		if (*digit < '0' || *digit > '9')
			return -1;
		value = value * 10 + (unsigned long)(*digit - '0');
	}
	if (value == 0 || value > UINT16_MAX)
		return -1;
	*port = (uint16_t)value;
	return 0;
}

void swarm_mesh_backend_format(const struct swarm_mesh_backend *backend, char *text, size_t size)
{
	char address[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &backend->host, address, sizeof(address));
	snprintf(text, size, "%s:%u", address, backend->port);
}

/* --- from the store ------------------------------------------------------------------------- */

/* A task that serves connections now: running, and not being stopped. */
static bool in_rotation(const struct swarm_task *task)
{
	return task->observed == SWARM_TASK_RUNNING && task->desired == SWARM_TASK_RUNNING;
}

int swarm_mesh_add_backends(const struct swarm_store *store, struct swarm_mesh_service *row)
{
	size_t capacity = 0;
	for (size_t t = 0; t < store->task_count; t++) {
		const struct swarm_task *task = &store->tasks[t];
		if (row->backend_count == SWARM_MESH_MAX_BACKENDS)
			break;
		if (strcmp(task->service, row->name) != 0 || !in_rotation(task))
			continue;
		const struct swarm_node *node = swarm_store_node(store, task->node);
		struct in_addr host;
		uint16_t agent_port;
		if (!node || parse_host_port(node->spec.address, &host, &agent_port) < 0)
			continue; /* a node the mesh cannot reach by address */
		for (size_t e = 0; e < task->endpoint_count; e++) {
			const struct swarm_endpoint *endpoint = &task->endpoints[e];
			if (endpoint->target != row->target || endpoint->udp != row->udp || endpoint->published == 0)
				continue;
			if (grow_array((void **)&row->backends, &capacity, row->backend_count + 1, sizeof(*row->backends),
			               "the mesh's backends") < 0)
				return -1;
			row->backends[row->backend_count++] =
				(struct swarm_mesh_backend){ .host = host, .port = endpoint->published };
			break;
		}
	}
	return 0;
}

int swarm_mesh_table_from_store(const struct swarm_store *store, struct swarm_mesh_table *table)
{
	size_t capacity = 0;
	*table = (struct swarm_mesh_table){ 0 };
	for (size_t s = 0; s < store->service_count; s++) {
		const struct swarm_service_spec *spec = &store->services[s].spec;
		for (size_t p = 0; p < spec->port_count; p++) {
			const struct swarm_port *port = &spec->ports[p];
			/* mode=host is not in the mesh; a port without a number has nowhere to listen;
			 * a port another service took first stays with that one (the manager refuses
			 * such a service; this only guards the table against it). */
			if (port->host_mode || port->published == 0 ||
			    swarm_mesh_table_find(table, port->published, port->udp) ||
			    table->service_count == SWARM_MESH_MAX_SERVICES)
				continue;
			if (grow_array((void **)&table->services, &capacity, table->service_count + 1,
			               sizeof(*table->services), "the mesh's table") < 0)
				goto fail;
			struct swarm_mesh_service *row = &table->services[table->service_count++];
			*row = (struct swarm_mesh_service){ .published = port->published, .target = port->target,
			                                    .udp = port->udp };
			swarm_copy_name(row->name, sizeof(row->name), spec->name);
			if (swarm_mesh_add_backends(store, row) < 0)
				goto fail;
		}
	}
	return 0;
fail:
	swarm_mesh_table_free(table);
	return -1;
}

/* --- as JSON -------------------------------------------------------------------------------- */

static struct json *row_to_json(const struct swarm_mesh_service *row)
{
	struct json *obj = json_new_object(), *backends;
	char vip[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &row->vip, vip, sizeof(vip));
	bool ok = obj &&
		json_add_string(obj, "name", row->name) &&
		(row->vip.s_addr == htonl(INADDR_ANY) || json_add_string(obj, "vip", vip)) &&
		(!row->alias[0] || json_add_string(obj, "alias", row->alias)) &&
		json_add_int(obj, "published", row->published) &&
		json_add_int(obj, "target", row->target) &&
		json_add_string(obj, "protocol", row->udp ? "udp" : "tcp") &&
		(backends = json_add(obj, "backends", json_new_array()));
	for (size_t i = 0; ok && i < row->backend_count; i++) {
		char text[32];
		swarm_mesh_backend_format(&row->backends[i], text, sizeof(text));
		ok = json_append(backends, json_new_string(text)) != NULL;
	}
	if (!ok) {
		json_free(obj);
		return NULL;
	}
	return obj;
}

char *swarm_mesh_table_encode(const struct swarm_mesh_table *table)
{
	struct json *obj = json_new_object();
	struct json *services = obj ? json_add(obj, "services", json_new_array()) : NULL;
	bool ok = services != NULL;
	for (size_t i = 0; ok && i < table->service_count; i++)
		ok = json_append(services, row_to_json(&table->services[i])) != NULL;
	char *text = ok ? json_write(obj, 0, NULL) : NULL;
	json_free(obj);
	if (!text)
		fail_context("cannot write the mesh table");
	return text;
}

static int row_from_json(const struct json *obj, struct swarm_mesh_service *row)
{
	static const char *const protocols[] = { "tcp", "udp" };
	int udp;
	if (!json_is(obj, JSON_OBJECT))
		return fail_errno(0, "a service is not an object");
	if (swarm_json_get_text(obj, "name", row->name, sizeof(row->name)) < 0 ||
	    SWARM_JSON_UINT(obj, "published", UINT16_MAX, row->published) < 0 ||
	    SWARM_JSON_UINT(obj, "target", UINT16_MAX, row->target) < 0 ||
	    swarm_json_get_enum(obj, "protocol", protocols, 2, &udp) < 0)
		return -1;
	row->udp = udp;
	const struct json *vip = json_get(obj, "vip");
	if (vip && (!json_string(vip) || inet_pton(AF_INET, json_string(vip), &row->vip) != 1 ||
	            row->vip.s_addr == htonl(INADDR_ANY)))
		return swarm_json_bad("vip", "is not an IPv4 address");
	if (json_get(obj, "alias") && swarm_json_get_text(obj, "alias", row->alias, sizeof(row->alias)) < 0)
		return -1;
	if (strspn(row->alias, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != strlen(row->alias))
		return swarm_json_bad("alias", "is not a host name"); /* it becomes a hosts(5) line */
	if (row->published == 0 || row->target == 0)
		return swarm_json_bad(row->published == 0 ? "published" : "target", "is port 0");
	const struct json *backends = json_get(obj, "backends");
	if (!json_is(backends, JSON_ARRAY))
		return swarm_json_bad("backends", "is missing or not an array");
	if (backends->count > SWARM_MESH_MAX_BACKENDS)
		return fail_errno(0, "\"backends\" holds more than %d", SWARM_MESH_MAX_BACKENDS);
	if (backends->count > 0) {
		row->backends = calloc(backends->count, sizeof(*row->backends));
		if (!row->backends)
			return fail_errno(ENOMEM, "cannot read %zu backends", backends->count);
	}
	json_for_each(item, backends) {
		struct swarm_mesh_backend *backend = &row->backends[row->backend_count];
		const char *text = json_string(item);
		if (!text || parse_host_port(text, &backend->host, &backend->port) < 0)
			return fail_errno(0, "service \"%s\": backend %s%s%s is not IPV4:PORT", row->name,
			                  text ? "\"" : "", text ? text : "(not a string)", text ? "\"" : "");
		row->backend_count++;
	}
	return 0;
}

int swarm_mesh_table_decode(const char *text, size_t size, struct swarm_mesh_table *table)
{
	*table = (struct swarm_mesh_table){ 0 };
	struct json *root = json_parse(text, size);
	if (!root)
		return fail_context("mesh table");
	const struct json *services = json_get(root, "services");
	int rc = -1;
	if (!json_is(services, JSON_ARRAY)) {
		swarm_json_bad("services", "is missing or not an array");
		goto out;
	}
	if (services->count > SWARM_MESH_MAX_SERVICES) {
		fail_errno(0, "\"services\" holds more than %d", SWARM_MESH_MAX_SERVICES);
		goto out;
	}
	if (services->count > 0 && !(table->services = calloc(services->count, sizeof(*table->services)))) {
		fail_errno(ENOMEM, "cannot read %zu services", services->count);
		goto out;
	}
	json_for_each(item, services) {
		struct swarm_mesh_service *row = &table->services[table->service_count++];
		if (row_from_json(item, row) < 0)
			goto out;
		/* One port, one service: two rows for it would make every node's listener ambiguous. */
		if (swarm_mesh_table_row(table, row->vip, row->published, row->udp) != row) {
			const struct swarm_mesh_service *first = swarm_mesh_table_row(table, row->vip, row->published, row->udp);
			fail_errno(0, "port %u/%s is published by both \"%s\" and \"%s\"", row->published,
			           row->udp ? "udp" : "tcp", first->name, row->name);
			goto out;
		}
	}
	rc = 0;
out:
	json_free(root);
	if (rc < 0) {
		swarm_mesh_table_free(table);
		fail_context("mesh table");
	}
	return rc;
}

/* --- the chooser ---------------------------------------------------------------------------- */

static bool same_backend(const struct swarm_mesh_backend *a, const struct swarm_mesh_backend *b)
{
	return a->host.s_addr == b->host.s_addr && a->port == b->port;
}

void swarm_mesh_table_carry(struct swarm_mesh_table *fresh, const struct swarm_mesh_table *old)
{
	for (size_t i = 0; i < fresh->service_count; i++) {
		struct swarm_mesh_service *row = &fresh->services[i];
		const struct swarm_mesh_service *before = swarm_mesh_table_row(old, row->vip, row->published, row->udp);
		if (!before)
			continue;
		row->cursor = before->cursor;
		for (size_t b = 0; b < row->backend_count; b++)
			for (size_t o = 0; o < before->backend_count; o++)
				if (same_backend(&row->backends[b], &before->backends[o]))
					row->backends[b].failed_until = before->backends[o].failed_until;
	}
}

void swarm_mesh_begin(struct swarm_mesh_service *service, struct swarm_mesh_attempts *attempts)
{
	attempts->count = 0;
	attempts->start = service->cursor++;
}

static bool tried(const struct swarm_mesh_attempts *attempts, const struct swarm_mesh_backend *backend)
{
	for (size_t i = 0; i < attempts->count; i++)
		if (same_backend(&attempts->tried[i], backend))
			return true;
	return false;
}

const struct swarm_mesh_backend *swarm_mesh_choose(const struct swarm_mesh_service *service,
                                                   struct swarm_mesh_attempts *attempts, uint64_t now)
{
	size_t n = service->backend_count;
	if (n == 0 || attempts->count == SWARM_MESH_MAX_ATTEMPTS)
		return NULL;
	const struct swarm_mesh_backend *fallback = NULL;
	for (size_t k = 0; k < n; k++) {
		const struct swarm_mesh_backend *backend = &service->backends[(attempts->start + k) % n];
		if (tried(attempts, backend))
			continue;
		if (backend->failed_until <= now) {
			attempts->tried[attempts->count++] = *backend;
			return backend;
		}
		if (!fallback)
			fallback = backend;
	}
	if (fallback)
		attempts->tried[attempts->count++] = *fallback;
	return fallback;
}

void swarm_mesh_mark_failed(struct swarm_mesh_service *service, struct in_addr host, uint16_t port, uint64_t now)
{
	struct swarm_mesh_backend failed = { .host = host, .port = port };
	for (size_t i = 0; i < service->backend_count; i++)
		if (same_backend(&service->backends[i], &failed))
			service->backends[i].failed_until = now + SWARM_MESH_FAILED_MS;
}
