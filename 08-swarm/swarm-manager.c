/*
 * swarm-manager.c - a manager's committed entries into its store, and the leader's round
 * (swarm-manager.h).
 */
#include "swarm-manager.h"

#include "error.h"
#include "swarm-orchestrator.h"
#include "swarm-scheduler.h"
#include "swarm-snapshot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int swarm_manager_apply_batch(struct swarm_store *store, const void *bytes, size_t size,
			      swarm_manager_applied_fn *applied, void *context, char *refusal, size_t refusal_size)
{
	const char *line = bytes, *end = line + size;
	if (refusal && refusal_size)
		refusal[0] = '\0';
	while (line < end) {
		const char *line_end = memchr(line, '\n', (size_t)(end - line));
		size_t length = line_end ? (size_t)(line_end - line) : (size_t)(end - line);
		struct swarm_command command;
		if (swarm_command_decode(line, length, &command) < 0)
			return -1;
		const char *refused = NULL;
		if (swarm_store_apply(store, &command) < 0) {
			/* A stale report, a second join: refused the same way everywhere, and skipped. */
			refused = error_message();
			if (refusal && refusal_size && !refusal[0])
				swarm_copy_name(refusal, refusal_size, refused);
		}
		if (applied)
			applied(context, store, &command, refused);
		error_clear();
		swarm_command_free(&command);
		line += length + 1;
	}
	return 0;
}

int swarm_manager_loops(const struct swarm_store *store, struct swarm_dispatcher *dispatcher, uint64_t now,
			struct swarm_commands *out, size_t round_start)
{
	if (swarm_dispatcher_tick(dispatcher, store, now, out) < 0)
		return -1;
	/* Nodes that went down first: the scheduler must not place a task on one in the same
	 * breath. The next round, the store knows, and the loops run on it. */
	if (out->count > round_start)
		return 0;
	uint64_t wake_at = UINT64_MAX; /* the loops run every round anyway */
	if (swarm_orchestrate(store, now, out, &wake_at) < 0)
		return -1;
	if (out->count > round_start)
		return 0; /* tasks created or stopped: placed in the next round, on the store that has them */
	return swarm_schedule(store, now, out);
}

char *swarm_manager_batch(struct swarm_commands *list, size_t *size)
{
	char *batch = NULL;
	size_t length = 0, capacity = 0;
	for (size_t i = 0; i < list->count; i++) {
		size_t command_size;
		char *bytes = swarm_command_encode(&list->items[i], &command_size);
		if (!bytes)
			goto fail;
		if (length + command_size + 1 > capacity) {
			size_t grown_capacity = 2 * (length + command_size + 1);
			char *grown = realloc(batch, grown_capacity);
			if (!grown) {
				free(bytes);
				fail_errno(ENOMEM, "cannot batch %zu swarm commands", list->count);
				goto fail;
			}
			batch = grown;
			capacity = grown_capacity;
		}
		memcpy(batch + length, bytes, command_size);
		length += command_size;
		batch[length++] = '\n';
		free(bytes);
	}
	swarm_commands_clear(list);
	*size = length;
	return batch;
fail:
	swarm_commands_clear(list);
	free(batch);
	return NULL;
}

/* --- a manager as the node process runs it ------------------------------------------------ */

/* The store the snapshot of the log holds (an empty one before the first snapshot). */
static int restore_store(struct swarm_manager *manager)
{
	const struct raft_snapshot *snapshot = &manager->raft.persisted.log.snapshot;
	if (snapshot->size && swarm_store_restore(&manager->store, snapshot->data, snapshot->size) < 0)
		return fail_context("cannot restore the swarm's store from the snapshot at entry %llu",
				    (unsigned long long)snapshot->index);
	manager->applied = snapshot->index;
	return 0;
}

int swarm_manager_init(struct swarm_manager *manager, const struct raft_options *options,
		       const struct raft_config *initial, const struct raft_persisted *restored, uint64_t now)
{
	memset(manager, 0, sizeof *manager);
	swarm_store_init(&manager->store);
	manager->snapshot_every = 64;
	manager->heartbeat_ms = SWARM_HEARTBEAT_MS;
	swarm_dispatcher_init(&manager->dispatcher, manager->heartbeat_ms, now);
	if (raft_node_init(&manager->raft, options, initial, restored, now) < 0) {
		swarm_store_free(&manager->store);
		swarm_dispatcher_free(&manager->dispatcher);
		return -1;
	}
	if (restore_store(manager) < 0) {
		swarm_manager_free(manager);
		return -1;
	}
	return 0;
}

void swarm_manager_free(struct swarm_manager *manager)
{
	raft_node_free(&manager->raft);
	swarm_store_free(&manager->store);
	swarm_dispatcher_free(&manager->dispatcher);
	swarm_commands_free(&manager->commands);
}

int swarm_manager_apply(struct swarm_manager *manager, const struct raft_output *out,
			swarm_manager_entry_fn *entry_done, void *context)
{
	if (out->restore_snapshot) {
		struct swarm_store fresh;
		swarm_store_init(&fresh);
		swarm_store_free(&manager->store);
		manager->store = fresh;
		if (restore_store(manager) < 0)
			return -1;
	}
	for (size_t i = 0; i < out->apply_count; i++) {
		raft_index index = out->apply_first + i;
		const struct raft_entry *entry = &out->apply[i];
		if (index <= manager->applied)
			continue; /* in the snapshot just restored */
		char refusal[SWARM_MESSAGE_MAX] = "";
		if (entry->kind == RAFT_ENTRY_COMMAND &&
		    swarm_manager_apply_batch(&manager->store, entry->data, entry->size, NULL, NULL, refusal,
					      sizeof refusal) < 0)
			return fail_context("cannot apply entry %llu", (unsigned long long)index);
		manager->applied = index;
		if (entry_done)
			entry_done(context, index, entry->term, refusal[0] ? refusal : NULL);
	}
	return 0;
}

bool swarm_manager_caught_up(const struct swarm_manager *manager)
{
	return manager->raft.role == RAFT_LEADER && manager->applied == raft_log_last_index(&manager->raft.persisted.log);
}

/* A leader in a new term starts its dispatcher afresh: the heartbeat times were the old
 * leader's memory, and every worker gets a whole grace period to find the new one. */
static void follow_term(struct swarm_manager *manager, uint64_t now)
{
	raft_term term = manager->raft.role == RAFT_LEADER ? manager->raft.persisted.term : 0;
	if (term == manager->dispatcher_term)
		return;
	manager->dispatcher_term = term;
	swarm_dispatcher_free(&manager->dispatcher);
	swarm_dispatcher_init(&manager->dispatcher, manager->heartbeat_ms, now);
}

int swarm_manager_heartbeat(struct swarm_manager *manager, const char *node, uint64_t now)
{
	follow_term(manager, now);
	return swarm_dispatcher_heartbeat(&manager->dispatcher, &manager->store, node, now, &manager->commands);
}

int swarm_manager_report(struct swarm_manager *manager, const char *node, uint64_t task, enum swarm_task_state state,
			 const char *message, const struct swarm_endpoint *endpoints, size_t endpoint_count, uint64_t now)
{
	size_t before = manager->commands.count;
	if (swarm_dispatcher_report(&manager->store, node, task, state, message, now, &manager->commands) < 0)
		return -1;
	if (manager->commands.count > before && endpoint_count) {
		struct swarm_command *command = &manager->commands.items[manager->commands.count - 1];
		if (endpoint_count > SWARM_MAX_ENDPOINTS)
			endpoint_count = SWARM_MAX_ENDPOINTS;
		memcpy(command->endpoints, endpoints, endpoint_count * sizeof *endpoints);
		command->endpoint_count = endpoint_count;
	}
	return 0;
}

int swarm_manager_round(struct swarm_manager *manager, uint64_t now, char **bytes, size_t *size)
{
	*bytes = NULL;
	*size = 0;
	follow_term(manager, now);
	if (!swarm_manager_caught_up(manager)) {
		swarm_commands_clear(&manager->commands);
		return 0;
	}
	if (swarm_manager_loops(&manager->store, &manager->dispatcher, now, &manager->commands,
				manager->commands.count) < 0)
		return -1;
	if (!manager->commands.count)
		return 0;
	return (*bytes = swarm_manager_batch(&manager->commands, size)) ? 0 : -1;
}

int swarm_manager_snapshot(struct swarm_manager *manager, char **bytes, size_t *size, raft_index *index)
{
	*bytes = NULL;
	const struct raft_log *log = &manager->raft.persisted.log;
	if (!manager->snapshot_every || manager->applied < log->snapshot.index + manager->snapshot_every ||
	    manager->applied != manager->raft.last_applied)
		return 0;
	if (!(*bytes = swarm_store_snapshot(&manager->store, size)))
		return -1;
	*index = manager->applied;
	return 0;
}
