/*
 * swarm-json.c - the swarm's records as JSON, and back (swarm-json.h).
 */
#include "swarm-json.h"

#include "error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct json *swarm_json_add_strings(struct json *obj, const char *key, const struct swarm_strings *list)
{
	struct json *array = json_add(obj, key, json_new_array());
	for (size_t i = 0; array && i < list->count; i++)
		if (!json_append(array, json_new_string(list->items[i])))
			return NULL;
	return array;
}

struct json *swarm_json_from_spec(const struct swarm_service_spec *spec)
{
	struct json *obj = json_new_object(), *ports, *restart, *update;
	bool ok = obj &&
		json_add_string(obj, "name", spec->name) &&
		json_add_string(obj, "image", spec->image) &&
		swarm_json_add_strings(obj, "command", &spec->command) &&
		swarm_json_add_strings(obj, "env", &spec->env) &&
		json_add_string(obj, "mode", swarm_mode_name(spec->mode)) &&
		json_add_int(obj, "replicas", spec->replicas) &&
		(ports = json_add(obj, "ports", json_new_array()));
	for (size_t i = 0; ok && i < spec->port_count; i++) {
		struct json *port = json_append(ports, json_new_object());
		ok = port &&
			json_add_int(port, "published", spec->ports[i].published) &&
			json_add_int(port, "target", spec->ports[i].target) &&
			json_add_string(port, "protocol", spec->ports[i].udp ? "udp" : "tcp") &&
			json_add_string(port, "mode", spec->ports[i].host_mode ? "host" : "ingress");
	}
	ok = ok &&
		swarm_json_add_strings(obj, "constraints", &spec->constraints) &&
		json_add_int(obj, "reserve_nano_cpus", spec->reserve_nano_cpus) &&
		json_add_int(obj, "reserve_memory_bytes", spec->reserve_memory_bytes) &&
		json_add_int(obj, "limit_nano_cpus", spec->limit_nano_cpus) &&
		json_add_int(obj, "limit_memory_bytes", spec->limit_memory_bytes) &&
		swarm_json_add_strings(obj, "labels", &spec->labels) &&
		(restart = json_add(obj, "restart", json_new_object())) &&
		json_add_string(restart, "condition", swarm_restart_condition_name(spec->restart.condition)) &&
		json_add_int(restart, "delay_ms", (int64_t)spec->restart.delay_ms) &&
		json_add_int(restart, "max_attempts", spec->restart.max_attempts) &&
		json_add_int(restart, "window_ms", (int64_t)spec->restart.window_ms) &&
		(update = json_add(obj, "update", json_new_object())) &&
		json_add_int(update, "parallelism", spec->update.parallelism) &&
		json_add_int(update, "delay_ms", (int64_t)spec->update.delay_ms) &&
		json_add_string(update, "failure_action", swarm_failure_action_name(spec->update.failure_action)) &&
		json_add_string(update, "order", swarm_update_order_name(spec->update.order));
	if (!ok) {
		json_free(obj);
		return NULL;
	}
	return obj;
}

struct json *swarm_json_from_node(const struct swarm_node_spec *node)
{
	struct json *obj = json_new_object();
	bool ok = obj &&
		json_add_string(obj, "id", node->id) &&
		json_add_string(obj, "hostname", node->hostname) &&
		json_add_string(obj, "address", node->address) &&
		json_add_string(obj, "role", swarm_role_name(node->role)) &&
		json_add_string(obj, "availability", swarm_availability_name(node->availability)) &&
		json_add_int(obj, "nano_cpus", node->nano_cpus) &&
		json_add_int(obj, "memory_bytes", node->memory_bytes) &&
		swarm_json_add_strings(obj, "labels", &node->labels);
	if (!ok) {
		json_free(obj);
		return NULL;
	}
	return obj;
}

int swarm_json_bad(const char *key, const char *problem)
{
	return fail_errno(EINVAL, "\"%s\" %s", key, problem);
}

int swarm_json_get_text(const struct json *obj, const char *key, char *dst, size_t size)
{
	const struct json *node = json_get(obj, key);
	if (!json_is(node, JSON_STRING))
		return swarm_json_bad(key, "is missing or not a string");
	if (node->length >= size || memchr(node->text, '\0', node->length))
		return swarm_json_bad(key, "is too long or holds a NUL");
	memcpy(dst, node->text, node->length + 1);
	return 0;
}

int swarm_json_get_int(const struct json *obj, const char *key, int64_t min, int64_t max, int64_t *value)
{
	if (json_int64(json_get(obj, key), value) < 0)
		return swarm_json_bad(key, "is missing or not a whole number");
	if (*value < min || *value > max)
		return swarm_json_bad(key, "is out of range");
	return 0;
}

int swarm_json_get_enum(const struct json *obj, const char *key, const char *const *names, size_t count, int *value)
{
	const char *text = json_get_string(obj, key);
	if (!text)
		return swarm_json_bad(key, "is missing or not a string");
	if ((*value = swarm_name_lookup(names, count, text)) < 0)
		return swarm_json_bad(key, "names no known value");
	return 0;
}

int swarm_json_get_strings(const struct json *obj, const char *key, struct swarm_strings *list)
{
	const struct json *array = json_get(obj, key);
	if (!json_is(array, JSON_ARRAY))
		return swarm_json_bad(key, "is missing or not an array");
	json_for_each(item, array) {
		if (!json_is(item, JSON_STRING) || memchr(item->text, '\0', item->length))
			return swarm_json_bad(key, "holds something that is not a string");
		if (swarm_strings_add(list, item->text) < 0)
			return -1;
	}
	return 0;
}

int swarm_json_to_spec(const struct json *obj, struct swarm_service_spec *spec)
{
	const struct json *ports = json_get(obj, "ports");
	const struct json *restart = json_get(obj, "restart"), *update = json_get(obj, "update");
	if (!json_is(obj, JSON_OBJECT) || !json_is(ports, JSON_ARRAY) ||
	    !json_is(restart, JSON_OBJECT) || !json_is(update, JSON_OBJECT))
		return swarm_json_bad("spec", "is not a whole service spec");
	if (swarm_json_get_text(obj, "name", spec->name, sizeof(spec->name)) < 0 ||
	    swarm_json_get_text(obj, "image", spec->image, sizeof(spec->image)) < 0 ||
	    swarm_json_get_strings(obj, "command", &spec->command) < 0 ||
	    swarm_json_get_strings(obj, "env", &spec->env) < 0 ||
	    SWARM_JSON_ENUM(obj, "mode", swarm_mode_names, spec->mode) < 0 ||
	    SWARM_JSON_UINT(obj, "replicas", UINT32_MAX, spec->replicas) < 0 ||
	    swarm_json_get_strings(obj, "constraints", &spec->constraints) < 0 ||
	    SWARM_JSON_UINT(obj, "reserve_nano_cpus", INT64_MAX, spec->reserve_nano_cpus) < 0 ||
	    SWARM_JSON_UINT(obj, "reserve_memory_bytes", INT64_MAX, spec->reserve_memory_bytes) < 0 ||
	    SWARM_JSON_UINT(obj, "limit_nano_cpus", INT64_MAX, spec->limit_nano_cpus) < 0 ||
	    SWARM_JSON_UINT(obj, "limit_memory_bytes", INT64_MAX, spec->limit_memory_bytes) < 0 ||
	    swarm_json_get_strings(obj, "labels", &spec->labels) < 0 ||
	    SWARM_JSON_ENUM(restart, "condition", swarm_restart_condition_names, spec->restart.condition) < 0 ||
	    SWARM_JSON_UINT(restart, "delay_ms", INT64_MAX, spec->restart.delay_ms) < 0 ||
	    SWARM_JSON_UINT(restart, "max_attempts", UINT32_MAX, spec->restart.max_attempts) < 0 ||
	    SWARM_JSON_UINT(restart, "window_ms", INT64_MAX, spec->restart.window_ms) < 0 ||
	    SWARM_JSON_UINT(update, "parallelism", UINT32_MAX, spec->update.parallelism) < 0 ||
	    SWARM_JSON_UINT(update, "delay_ms", INT64_MAX, spec->update.delay_ms) < 0 ||
	    SWARM_JSON_ENUM(update, "failure_action", swarm_failure_action_names, spec->update.failure_action) < 0 ||
	    SWARM_JSON_ENUM(update, "order", swarm_update_order_names, spec->update.order) < 0)
		return -1;
	if (ports->count) {
		if (!(spec->ports = calloc(ports->count, sizeof(*spec->ports))))
			return fail_errno(ENOMEM, "swarm command: cannot read the ports");
		json_for_each(item, ports) {
			struct swarm_port *port = &spec->ports[spec->port_count++];
			int udp, host;
			static const char *const protocols[] = { "tcp", "udp" };
			static const char *const publish_modes[] = { "ingress", "host" };
			if (SWARM_JSON_UINT(item, "published", UINT16_MAX, port->published) < 0 ||
			    SWARM_JSON_UINT(item, "target", UINT16_MAX, port->target) < 0 ||
			    swarm_json_get_enum(item, "protocol", protocols, 2, &udp) < 0 ||
			    swarm_json_get_enum(item, "mode", publish_modes, 2, &host) < 0)
				return -1;
			port->udp = udp;
			port->host_mode = host;
		}
	}
	return 0;
}

int swarm_json_to_node(const struct json *obj, struct swarm_node_spec *node)
{
	if (!json_is(obj, JSON_OBJECT))
		return swarm_json_bad("node", "is not an object");
	return swarm_json_get_text(obj, "id", node->id, sizeof(node->id)) < 0 ||
	       swarm_json_get_text(obj, "hostname", node->hostname, sizeof(node->hostname)) < 0 ||
	       swarm_json_get_text(obj, "address", node->address, sizeof(node->address)) < 0 ||
	       SWARM_JSON_ENUM(obj, "role", swarm_role_names, node->role) < 0 ||
	       SWARM_JSON_ENUM(obj, "availability", swarm_availability_names, node->availability) < 0 ||
	       SWARM_JSON_UINT(obj, "nano_cpus", INT64_MAX, node->nano_cpus) < 0 ||
	       SWARM_JSON_UINT(obj, "memory_bytes", INT64_MAX, node->memory_bytes) < 0 ||
	       swarm_json_get_strings(obj, "labels", &node->labels) < 0 ? -1 : 0;
}


struct json *swarm_json_add_endpoints(struct json *obj, const struct swarm_endpoint *endpoints, size_t count)
{
	struct json *array = json_add(obj, "endpoints", json_new_array());
	for (size_t i = 0; array && i < count; i++) {
		struct json *item = json_append(array, json_new_object());
		if (!item || !json_add_int(item, "target", endpoints[i].target) ||
		    !json_add_int(item, "published", endpoints[i].published) ||
		    !json_add_string(item, "protocol", endpoints[i].udp ? "udp" : "tcp"))
			return NULL;
	}
	return array;
}

int swarm_json_get_endpoints(const struct json *obj, struct swarm_endpoint *endpoints, size_t *count)
{
	const struct json *array = json_get(obj, "endpoints");
	*count = 0;
	if (!json_is(array, JSON_ARRAY))
		return swarm_json_bad("endpoints", "is missing or not an array");
	if (array->count > SWARM_MAX_ENDPOINTS)
		return swarm_json_bad("endpoints", "holds more ports than a task may publish");
	json_for_each(item, array) {
		static const char *const protocols[] = { "tcp", "udp" };
		struct swarm_endpoint *endpoint = &endpoints[*count];
		int udp;
		if (SWARM_JSON_UINT(item, "target", UINT16_MAX, endpoint->target) < 0 ||
		    SWARM_JSON_UINT(item, "published", UINT16_MAX, endpoint->published) < 0 ||
		    swarm_json_get_enum(item, "protocol", protocols, 2, &udp) < 0)
			return -1;
		endpoint->udp = udp;
		(*count)++;
	}
	return 0;
}
