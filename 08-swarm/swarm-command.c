/*
 * swarm-command.c - the swarm store's commands as bytes, and back (swarm-command.h).
 *
 * These bytes are what Raft's log carries and what a manager reads back from its disk or from
 * another manager, so decoding trusts nothing: every member is checked for its type, every
 * name for its length, every enum for a known word. A command that does not decode is an
 * error, never a guess. Encoding always writes the same members in the same order, so the
 * same command is always the same bytes.
 */
#include "swarm-command.h"

#include "error.h"
#include "json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char *const command_names[] = {
	"service-create", "service-update", "service-remove", "service-update-state",
	"service-rollback", "node-join", "node-update", "node-status", "task-create",
	"task-assign", "task-state", "task-desired",
};

#define COUNT(table) (sizeof(table) / sizeof(table[0]))

const char *swarm_command_name(enum swarm_command_kind kind)
{
	return (size_t)kind < COUNT(command_names) ? command_names[kind] : "unknown";
}

void swarm_command_init(struct swarm_command *command, enum swarm_command_kind kind, uint64_t at)
{
	*command = (struct swarm_command){ .kind = kind, .at = at };
}

void swarm_command_free(struct swarm_command *command)
{
	swarm_service_spec_free(&command->spec);
	swarm_node_spec_free(&command->node);
}

/* --- encoding ------------------------------------------------------------------------------- */

/* json_add and friends take ownership and return NULL on failure; one failure anywhere makes
 * the whole tree's build fail, which `ok` collects. */
static struct json *add_strings(struct json *obj, const char *key, const struct swarm_strings *list)
{
	struct json *array = json_add(obj, key, json_new_array());
	for (size_t i = 0; array && i < list->count; i++)
		if (!json_append(array, json_new_string(list->items[i])))
			return NULL;
	return array;
}

static struct json *encode_spec(const struct swarm_service_spec *spec)
{
	struct json *obj = json_new_object(), *ports, *restart, *update;
	bool ok = obj &&
		json_add_string(obj, "name", spec->name) &&
		json_add_string(obj, "image", spec->image) &&
		add_strings(obj, "command", &spec->command) &&
		add_strings(obj, "env", &spec->env) &&
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
		add_strings(obj, "constraints", &spec->constraints) &&
		json_add_int(obj, "reserve_nano_cpus", spec->reserve_nano_cpus) &&
		json_add_int(obj, "reserve_memory_bytes", spec->reserve_memory_bytes) &&
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

static struct json *encode_node(const struct swarm_node_spec *node)
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
		add_strings(obj, "labels", &node->labels);
	if (!ok) {
		json_free(obj);
		return NULL;
	}
	return obj;
}

static struct json *encode_task(const struct swarm_task *task)
{
	struct json *obj = json_new_object();
	bool ok = obj &&
		json_add_string(obj, "service", task->service) &&
		json_add_int(obj, "slot", task->slot) &&
		json_add_string(obj, "node", task->node) &&
		json_add_int(obj, "service_version", (int64_t)task->service_version) &&
		json_add_int(obj, "attempt", task->attempt) &&
		json_add_int(obj, "window_start", (int64_t)task->window_start);
	if (!ok) {
		json_free(obj);
		return NULL;
	}
	return obj;
}

/* The members each kind carries after "op" and "at" (the same order for encoding and the
 * same checks for decoding). */
enum { HAS_NAME = 1, HAS_MESSAGE = 2, HAS_SPEC = 4, HAS_NODE = 8, HAS_TASK = 16,
       HAS_TASK_ID = 32, HAS_STATE = 64, HAS_NODE_STATUS = 128, HAS_UPDATE_STATE = 256 };

static const unsigned command_members[] = {
	[SWARM_SERVICE_CREATE] = HAS_SPEC,
	[SWARM_SERVICE_UPDATE] = HAS_SPEC,
	[SWARM_SERVICE_REMOVE] = HAS_NAME,
	[SWARM_SERVICE_UPDATE_STATE] = HAS_NAME | HAS_UPDATE_STATE | HAS_MESSAGE,
	[SWARM_SERVICE_ROLLBACK] = HAS_NAME | HAS_MESSAGE,
	[SWARM_NODE_JOIN] = HAS_NODE,
	[SWARM_NODE_UPDATE] = HAS_NODE,
	[SWARM_NODE_STATUS] = HAS_NAME | HAS_NODE_STATUS | HAS_MESSAGE,
	[SWARM_TASK_CREATE] = HAS_TASK,
	[SWARM_TASK_ASSIGN] = HAS_TASK_ID | HAS_NAME,
	[SWARM_TASK_STATE] = HAS_TASK_ID | HAS_STATE | HAS_MESSAGE,
	[SWARM_TASK_DESIRED] = HAS_TASK_ID | HAS_STATE | HAS_MESSAGE,
};

char *swarm_command_encode(const struct swarm_command *command, size_t *size)
{
	if ((size_t)command->kind >= COUNT(command_names)) {
		fail_errno(EINVAL, "swarm command: unknown kind %d", (int)command->kind);
		return NULL;
	}
	unsigned members = command_members[command->kind];
	struct json *obj = json_new_object();
	bool ok = obj &&
		json_add_string(obj, "op", swarm_command_name(command->kind)) &&
		json_add_int(obj, "at", (int64_t)command->at) &&
		(!(members & HAS_TASK_ID) || json_add_int(obj, "task", (int64_t)command->task_id)) &&
		(!(members & HAS_NAME) || json_add_string(obj, "name", command->name)) &&
		(!(members & HAS_STATE) || json_add_string(obj, "state", swarm_task_state_name(command->state))) &&
		(!(members & HAS_NODE_STATUS) ||
		 json_add_string(obj, "status", swarm_node_status_name(command->node_status))) &&
		(!(members & HAS_UPDATE_STATE) ||
		 json_add_string(obj, "update_state", swarm_update_state_name(command->update_state))) &&
		(!(members & HAS_MESSAGE) || json_add_string(obj, "message", command->message)) &&
		(!(members & HAS_SPEC) || json_add(obj, "spec", encode_spec(&command->spec))) &&
		(!(members & HAS_NODE) || json_add(obj, "node", encode_node(&command->node))) &&
		(!(members & HAS_TASK) || json_add(obj, "task", encode_task(&command->task)));
	char *text = ok ? json_write(obj, 0, size) : NULL;
	json_free(obj);
	if (!text)
		fail_context("cannot encode swarm command %s", swarm_command_name(command->kind));
	return text;
}

/* --- decoding ------------------------------------------------------------------------------- */

static int bad(const char *key, const char *problem)
{
	return fail_errno(EINVAL, "swarm command: \"%s\" %s", key, problem);
}

static int get_text(const struct json *obj, const char *key, char *dst, size_t size)
{
	const struct json *node = json_get(obj, key);
	if (!json_is(node, JSON_STRING))
		return bad(key, "is missing or not a string");
	if (node->length >= size || memchr(node->text, '\0', node->length))
		return bad(key, "is too long or holds a NUL");
	memcpy(dst, node->text, node->length + 1);
	return 0;
}

static int get_int(const struct json *obj, const char *key, int64_t min, int64_t max, int64_t *value)
{
	if (json_int64(json_get(obj, key), value) < 0)
		return bad(key, "is missing or not a whole number");
	if (*value < min || *value > max)
		return bad(key, "is out of range");
	return 0;
}

#define GET_UINT(obj, key, max, field) \
	({ int64_t value_; int rc_ = get_int(obj, key, 0, max, &value_); if (rc_ == 0) field = value_; rc_; })

static int get_enum(const struct json *obj, const char *key, const char *const *names, size_t count, int *value)
{
	const char *text = json_get_string(obj, key);
	if (!text)
		return bad(key, "is missing or not a string");
	if ((*value = swarm_name_lookup(names, count, text)) < 0)
		return bad(key, "names no known value");
	return 0;
}

#define GET_ENUM(obj, key, table, field) \
	({ int value_; int rc_ = get_enum(obj, key, table, COUNT(table), &value_); if (rc_ == 0) field = value_; rc_; })

static int get_strings(const struct json *obj, const char *key, struct swarm_strings *list)
{
	const struct json *array = json_get(obj, key);
	if (!json_is(array, JSON_ARRAY))
		return bad(key, "is missing or not an array");
	json_for_each(item, array) {
		if (!json_is(item, JSON_STRING) || memchr(item->text, '\0', item->length))
			return bad(key, "holds something that is not a string");
		if (swarm_strings_add(list, item->text) < 0)
			return -1;
	}
	return 0;
}

static int decode_spec(const struct json *obj, struct swarm_service_spec *spec)
{
	const struct json *ports = json_get(obj, "ports");
	const struct json *restart = json_get(obj, "restart"), *update = json_get(obj, "update");
	if (!json_is(obj, JSON_OBJECT) || !json_is(ports, JSON_ARRAY) ||
	    !json_is(restart, JSON_OBJECT) || !json_is(update, JSON_OBJECT))
		return bad("spec", "is not a whole service spec");
	if (get_text(obj, "name", spec->name, sizeof(spec->name)) < 0 ||
	    get_text(obj, "image", spec->image, sizeof(spec->image)) < 0 ||
	    get_strings(obj, "command", &spec->command) < 0 ||
	    get_strings(obj, "env", &spec->env) < 0 ||
	    GET_ENUM(obj, "mode", swarm_mode_names, spec->mode) < 0 ||
	    GET_UINT(obj, "replicas", UINT32_MAX, spec->replicas) < 0 ||
	    get_strings(obj, "constraints", &spec->constraints) < 0 ||
	    GET_UINT(obj, "reserve_nano_cpus", INT64_MAX, spec->reserve_nano_cpus) < 0 ||
	    GET_UINT(obj, "reserve_memory_bytes", INT64_MAX, spec->reserve_memory_bytes) < 0 ||
	    GET_ENUM(restart, "condition", swarm_restart_condition_names, spec->restart.condition) < 0 ||
	    GET_UINT(restart, "delay_ms", INT64_MAX, spec->restart.delay_ms) < 0 ||
	    GET_UINT(restart, "max_attempts", UINT32_MAX, spec->restart.max_attempts) < 0 ||
	    GET_UINT(restart, "window_ms", INT64_MAX, spec->restart.window_ms) < 0 ||
	    GET_UINT(update, "parallelism", UINT32_MAX, spec->update.parallelism) < 0 ||
	    GET_UINT(update, "delay_ms", INT64_MAX, spec->update.delay_ms) < 0 ||
	    GET_ENUM(update, "failure_action", swarm_failure_action_names, spec->update.failure_action) < 0 ||
	    GET_ENUM(update, "order", swarm_update_order_names, spec->update.order) < 0)
		return -1;
	if (ports->count) {
		if (!(spec->ports = calloc(ports->count, sizeof(*spec->ports))))
			return fail_errno(ENOMEM, "swarm command: cannot read the ports");
		json_for_each(item, ports) {
			struct swarm_port *port = &spec->ports[spec->port_count++];
			int udp, host;
			static const char *const protocols[] = { "tcp", "udp" };
			static const char *const publish_modes[] = { "ingress", "host" };
			if (GET_UINT(item, "published", UINT16_MAX, port->published) < 0 ||
			    GET_UINT(item, "target", UINT16_MAX, port->target) < 0 ||
			    get_enum(item, "protocol", protocols, 2, &udp) < 0 ||
			    get_enum(item, "mode", publish_modes, 2, &host) < 0)
				return -1;
			port->udp = udp;
			port->host_mode = host;
		}
	}
	return 0;
}

static int decode_node(const struct json *obj, struct swarm_node_spec *node)
{
	if (!json_is(obj, JSON_OBJECT))
		return bad("node", "is not an object");
	return get_text(obj, "id", node->id, sizeof(node->id)) < 0 ||
	       get_text(obj, "hostname", node->hostname, sizeof(node->hostname)) < 0 ||
	       get_text(obj, "address", node->address, sizeof(node->address)) < 0 ||
	       GET_ENUM(obj, "role", swarm_role_names, node->role) < 0 ||
	       GET_ENUM(obj, "availability", swarm_availability_names, node->availability) < 0 ||
	       GET_UINT(obj, "nano_cpus", INT64_MAX, node->nano_cpus) < 0 ||
	       GET_UINT(obj, "memory_bytes", INT64_MAX, node->memory_bytes) < 0 ||
	       get_strings(obj, "labels", &node->labels) < 0 ? -1 : 0;
}

static int decode_task(const struct json *obj, struct swarm_task *task)
{
	if (!json_is(obj, JSON_OBJECT))
		return bad("task", "is not an object");
	return get_text(obj, "service", task->service, sizeof(task->service)) < 0 ||
	       GET_UINT(obj, "slot", UINT32_MAX, task->slot) < 0 ||
	       get_text(obj, "node", task->node, sizeof(task->node)) < 0 ||
	       GET_UINT(obj, "service_version", INT64_MAX, task->service_version) < 0 ||
	       GET_UINT(obj, "attempt", UINT32_MAX, task->attempt) < 0 ||
	       GET_UINT(obj, "window_start", INT64_MAX, task->window_start) < 0 ? -1 : 0;
}

int swarm_command_decode(const void *bytes, size_t size, struct swarm_command *command)
{
	swarm_command_init(command, 0, 0);
	struct json *obj = json_parse(bytes, size);
	if (!obj)
		return fail_context("swarm command");
	int kind, rc = -1;
	if (!json_is(obj, JSON_OBJECT)) {
		bad("command", "is not a JSON object");
		goto out;
	}
	if (get_enum(obj, "op", command_names, COUNT(command_names), &kind) < 0 ||
	    GET_UINT(obj, "at", INT64_MAX, command->at) < 0)
		goto out;
	command->kind = kind;
	unsigned members = command_members[kind];
	if ((members & HAS_TASK_ID) && GET_UINT(obj, "task", INT64_MAX, command->task_id) < 0)
		goto out;
	if ((members & HAS_NAME) && get_text(obj, "name", command->name, sizeof(command->name)) < 0)
		goto out;
	if ((members & HAS_STATE) && GET_ENUM(obj, "state", swarm_task_state_names, command->state) < 0)
		goto out;
	if ((members & HAS_NODE_STATUS) && GET_ENUM(obj, "status", swarm_node_status_names, command->node_status) < 0)
		goto out;
	if ((members & HAS_UPDATE_STATE) &&
	    GET_ENUM(obj, "update_state", swarm_update_state_names, command->update_state) < 0)
		goto out;
	if ((members & HAS_MESSAGE) && get_text(obj, "message", command->message, sizeof(command->message)) < 0)
		goto out;
	if ((members & HAS_SPEC) && decode_spec(json_get(obj, "spec"), &command->spec) < 0)
		goto out;
	if ((members & HAS_NODE) && decode_node(json_get(obj, "node"), &command->node) < 0)
		goto out;
	if ((members & HAS_TASK) && decode_task(json_get(obj, "task"), &command->task) < 0)
		goto out;
	rc = 0;
out:
	json_free(obj);
	if (rc < 0)
		swarm_command_free(command);
	return rc;
}

/* --- lists of commands ---------------------------------------------------------------------- */

struct swarm_command *swarm_commands_add(struct swarm_commands *list, enum swarm_command_kind kind, uint64_t at)
{
	if (list->count == list->capacity) {
		size_t capacity = list->capacity ? 2 * list->capacity : 16;
		struct swarm_command *items = realloc(list->items, capacity * sizeof(*items));
		if (!items) {
			fail_errno(ENOMEM, "cannot add a swarm command");
			return NULL;
		}
		list->items = items;
		list->capacity = capacity;
	}
	struct swarm_command *command = &list->items[list->count++];
	swarm_command_init(command, kind, at);
	return command;
}

void swarm_commands_clear(struct swarm_commands *list)
{
	for (size_t i = 0; i < list->count; i++)
		swarm_command_free(&list->items[i]);
	list->count = 0;
}

void swarm_commands_free(struct swarm_commands *list)
{
	swarm_commands_clear(list);
	free(list->items);
	*list = (struct swarm_commands){ 0 };
}
