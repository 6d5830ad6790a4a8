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
#include "swarm-json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char *const command_names[] = {
	"service-create", "service-update", "service-remove", "service-update-state",
	"service-rollback", "node-join", "node-update", "node-status", "task-create",
	"task-assign", "task-state", "task-desired", "node-remove",
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
       HAS_TASK_ID = 32, HAS_STATE = 64, HAS_NODE_STATUS = 128, HAS_UPDATE_STATE = 256,
       HAS_ENDPOINTS = 512 };

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
	[SWARM_TASK_STATE] = HAS_TASK_ID | HAS_STATE | HAS_MESSAGE | HAS_ENDPOINTS,
	[SWARM_TASK_DESIRED] = HAS_TASK_ID | HAS_STATE | HAS_MESSAGE,
	[SWARM_NODE_REMOVE] = HAS_NAME,
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
		(!(members & HAS_SPEC) || json_add(obj, "spec", swarm_json_from_spec(&command->spec))) &&
		(!(members & HAS_NODE) || json_add(obj, "node", swarm_json_from_node(&command->node))) &&
		(!(members & HAS_TASK) || json_add(obj, "task", encode_task(&command->task))) &&
		(!(members & HAS_ENDPOINTS) ||
		 swarm_json_add_endpoints(obj, command->endpoints, command->endpoint_count));
	char *text = ok ? json_write(obj, 0, size) : NULL;
	json_free(obj);
	if (!text)
		fail_context("cannot encode swarm command %s", swarm_command_name(command->kind));
	return text;
}

/* --- decoding ------------------------------------------------------------------------------- */

static int decode_task(const struct json *obj, struct swarm_task *task)
{
	if (!json_is(obj, JSON_OBJECT))
		return swarm_json_bad("task", "is not an object");
	return swarm_json_get_text(obj, "service", task->service, sizeof(task->service)) < 0 ||
	       SWARM_JSON_UINT(obj, "slot", UINT32_MAX, task->slot) < 0 ||
	       swarm_json_get_text(obj, "node", task->node, sizeof(task->node)) < 0 ||
	       SWARM_JSON_UINT(obj, "service_version", INT64_MAX, task->service_version) < 0 ||
	       SWARM_JSON_UINT(obj, "attempt", UINT32_MAX, task->attempt) < 0 ||
	       SWARM_JSON_UINT(obj, "window_start", INT64_MAX, task->window_start) < 0 ? -1 : 0;
}

int swarm_command_decode(const void *bytes, size_t size, struct swarm_command *command)
{
	swarm_command_init(command, 0, 0);
	struct json *obj = json_parse(bytes, size);
	if (!obj)
		return fail_context("swarm command");
	int kind, rc = -1;
	if (!json_is(obj, JSON_OBJECT)) {
		swarm_json_bad("command", "is not a JSON object");
		goto out;
	}
	if (swarm_json_get_enum(obj, "op", command_names, COUNT(command_names), &kind) < 0 ||
	    SWARM_JSON_UINT(obj, "at", INT64_MAX, command->at) < 0)
		goto out;
	command->kind = kind;
	unsigned members = command_members[kind];
	if ((members & HAS_TASK_ID) && SWARM_JSON_UINT(obj, "task", INT64_MAX, command->task_id) < 0)
		goto out;
	if ((members & HAS_NAME) && swarm_json_get_text(obj, "name", command->name, sizeof(command->name)) < 0)
		goto out;
	if ((members & HAS_STATE) && SWARM_JSON_ENUM(obj, "state", swarm_task_state_names, command->state) < 0)
		goto out;
	if ((members & HAS_NODE_STATUS) && SWARM_JSON_ENUM(obj, "status", swarm_node_status_names, command->node_status) < 0)
		goto out;
	if ((members & HAS_UPDATE_STATE) &&
	    SWARM_JSON_ENUM(obj, "update_state", swarm_update_state_names, command->update_state) < 0)
		goto out;
	if ((members & HAS_MESSAGE) && swarm_json_get_text(obj, "message", command->message, sizeof(command->message)) < 0)
		goto out;
	if ((members & HAS_SPEC) && swarm_json_to_spec(json_get(obj, "spec"), &command->spec) < 0)
		goto out;
	if ((members & HAS_NODE) && swarm_json_to_node(json_get(obj, "node"), &command->node) < 0)
		goto out;
	if ((members & HAS_TASK) && decode_task(json_get(obj, "task"), &command->task) < 0)
		goto out;
	if ((members & HAS_ENDPOINTS) &&
	    swarm_json_get_endpoints(obj, command->endpoints, &command->endpoint_count) < 0)
		goto out;
	rc = 0;
out:
	json_free(obj);
	if (rc < 0) {
		swarm_command_free(command);
		fail_context("swarm command");
	}
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
