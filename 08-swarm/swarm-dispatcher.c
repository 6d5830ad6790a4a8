/*
 * swarm-dispatcher.c - heartbeats, assignments and status reports (swarm-dispatcher.h).
 */
#include "swarm-dispatcher.h"

#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void swarm_dispatcher_init(struct swarm_dispatcher *dispatcher, uint64_t heartbeat_ms, uint64_t now)
{
	*dispatcher = (struct swarm_dispatcher){
		.heartbeat_ms = heartbeat_ms ? heartbeat_ms : SWARM_HEARTBEAT_MS,
		.started_at = now,
	};
}

void swarm_dispatcher_free(struct swarm_dispatcher *dispatcher)
{
	free(dispatcher->sessions);
	*dispatcher = (struct swarm_dispatcher){ 0 };
}

static struct swarm_session *session_of(const struct swarm_dispatcher *dispatcher, const char *node)
{
	for (size_t i = 0; i < dispatcher->session_count; i++)
		if (strcmp(dispatcher->sessions[i].node, node) == 0)
			return &dispatcher->sessions[i];
	return NULL;
}

int swarm_dispatcher_heartbeat(struct swarm_dispatcher *dispatcher, const struct swarm_store *store,
                               const char *node, uint64_t now, struct swarm_commands *out)
{
	const struct swarm_node *record = swarm_store_node(store, node);
	if (!record)
		return fail_errno(ENOENT, "heartbeat from node \"%s\": no such node in the swarm", node);
	struct swarm_session *session = session_of(dispatcher, node);
	if (!session) {
		if (dispatcher->session_count == dispatcher->session_capacity) {
			size_t capacity = dispatcher->session_capacity ? 2 * dispatcher->session_capacity : 16;
			struct swarm_session *sessions = realloc(dispatcher->sessions, capacity * sizeof(*sessions));
			if (!sessions)
				return fail_errno(ENOMEM, "heartbeat from node \"%s\"", node);
			dispatcher->sessions = sessions;
			dispatcher->session_capacity = capacity;
		}
		session = &dispatcher->sessions[dispatcher->session_count++];
		swarm_copy_name(session->node, sizeof(session->node), node);
	}
	session->last_seen = now;
	if (record->status == SWARM_NODE_READY)
		return 0;
	struct swarm_command *command = swarm_commands_add(out, SWARM_NODE_STATUS, now);
	if (!command)
		return -1;
	swarm_copy_name(command->name, sizeof(command->name), node);
	command->node_status = SWARM_NODE_READY;
	swarm_copy_name(command->message, sizeof(command->message), "heartbeat received");
	return 0;
}

int swarm_dispatcher_tick(struct swarm_dispatcher *dispatcher, const struct swarm_store *store, uint64_t now,
                          struct swarm_commands *out)
{
	uint64_t grace = SWARM_HEARTBEAT_GRACE * dispatcher->heartbeat_ms;
	for (size_t i = 0; i < store->node_count; i++) {
		const struct swarm_node *node = &store->nodes[i];
		if (node->status != SWARM_NODE_READY)
			continue;
		const struct swarm_session *session = session_of(dispatcher, node->spec.id);
		uint64_t last = session ? session->last_seen : dispatcher->started_at;
		if (now <= last + grace)
			continue;
		struct swarm_command *command = swarm_commands_add(out, SWARM_NODE_STATUS, now);
		if (!command)
			return -1;
		swarm_copy_name(command->name, sizeof(command->name), node->spec.id);
		command->node_status = SWARM_NODE_DOWN;
		snprintf(command->message, sizeof(command->message), "heartbeat failure: node silent for %llu ms",
		         (unsigned long long)(now - last));
	}
	return 0;
}

int swarm_dispatcher_assignments(const struct swarm_store *store, const char *node,
                                 struct swarm_assignment **assignments, size_t *count)
{
	*assignments = NULL;
	*count = 0;
	size_t capacity = 0;
	for (size_t i = 0; i < store->task_count; i++) {
		const struct swarm_task *task = &store->tasks[i];
		if (strcmp(task->node, node) != 0 || task->observed < SWARM_TASK_ASSIGNED ||
		    swarm_task_state_is_final(task->observed))
			continue;
		if (*count == capacity) {
			capacity = capacity ? 2 * capacity : 8;
			struct swarm_assignment *grown = realloc(*assignments, capacity * sizeof(*grown));
			if (!grown) {
				free(*assignments);
				*assignments = NULL;
				*count = 0;
				return fail_errno(ENOMEM, "cannot list the tasks of node \"%s\"", node);
			}
			*assignments = grown;
		}
		const struct swarm_service *service = swarm_store_service(store, task->service);
		(*assignments)[(*count)++] = (struct swarm_assignment){
			.task = task->id,
			.record = task,
			.spec = service ? &service->spec : NULL,
			.desired = task->desired,
		};
	}
	return 0;
}

int swarm_dispatcher_report(const struct swarm_store *store, const char *node, uint64_t task_id,
                            enum swarm_task_state state, const char *message, uint64_t now,
                            struct swarm_commands *out)
{
	const struct swarm_task *task = swarm_store_task(store, task_id);
	/* A report about a task that is gone, on another node, or already past that state says
	 * nothing new: the worker's view was older than the store's. */
	if (!task || strcmp(task->node, node) != 0 || state <= task->observed)
		return 0;
	struct swarm_command *command = swarm_commands_add(out, SWARM_TASK_STATE, now);
	if (!command)
		return -1;
	command->task_id = task_id;
	command->state = state;
	swarm_copy_name(command->message, sizeof(command->message), message);
	return 0;
}
