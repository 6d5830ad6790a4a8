/*
 * swarm-orchestrator.c - reconcile each service, slot by slot (swarm-orchestrator.h).
 *
 * A service's tasks are sorted into slots (replicated: the slot number; global: the node).
 * In each slot the newest task is the one that counts ("latest" below); older ones are history,
 * or, during a start-first update, the old task still serving until the new one runs. Each
 * slot is then in one of a few situations, and each situation has one answer:
 *
 *     no task yet                                create one
 *     latest ended, and should run               replace it per the restart policy (or give up)
 *     latest's node went down (ORPHANED)         replace it at once
 *     latest runs on a drained node              stop it, replace it once it has stopped
 *     latest runs an old spec, update going      stop-first: stop it; start-first: start the new
 *     latest told to stop, and stopped           create its replacement
 *     slot not wanted (scaled down, node gone)   stop what runs there
 */
#include "swarm-orchestrator.h"

#include "error.h"
#include "swarm-constraint.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct service_round {
	const struct swarm_store *store;
	const struct swarm_service *service;
	uint64_t now;
	struct swarm_commands *out;
	uint64_t *wake_at;
	bool updating;          /* a rolling update (or its rollback) may replace tasks */
	size_t update_budget;   /* how many more old tasks it may replace in this round */
	size_t slot_first;      /* the first command made for the slot at hand */
};

static bool is_failure(enum swarm_task_state state)
{
	return state == SWARM_TASK_FAILED || state == SWARM_TASK_REJECTED || state == SWARM_TASK_ORPHANED;
}

static void wake_at(struct service_round *round, uint64_t when)
{
	if (when > round->now && when < *round->wake_at)
		*round->wake_at = when;
}

/* --- commands ------------------------------------------------------------------------------- */

static int create_task(struct service_round *round, uint32_t slot, const char *node, uint32_t attempt,
                       uint64_t window_start)
{
	struct swarm_command *command = swarm_commands_add(round->out, SWARM_TASK_CREATE, round->now);
	if (!command)
		return -1;
	struct swarm_task *task = &command->task;
	swarm_copy_name(task->service, sizeof(task->service), round->service->spec.name);
	task->slot = slot;
	swarm_copy_name(task->node, sizeof(task->node), node ? node : "");
	task->service_version = round->service->version;
	task->attempt = attempt;
	task->window_start = window_start;
	return 0;
}

static int shut_down(struct service_round *round, const struct swarm_task *task, const char *why)
{
	if (task->desired >= SWARM_TASK_SHUTDOWN)
		return 0;
	for (size_t i = round->slot_first; i < round->out->count; i++)
		if (round->out->items[i].kind == SWARM_TASK_DESIRED && round->out->items[i].task_id == task->id)
			return 0; /* told already in this round */
	struct swarm_command *command = swarm_commands_add(round->out, SWARM_TASK_DESIRED, round->now);
	if (!command)
		return -1;
	command->task_id = task->id;
	command->state = SWARM_TASK_SHUTDOWN;
	swarm_copy_name(command->message, sizeof(command->message), why);
	return 0;
}

static int service_state(struct service_round *round, enum swarm_command_kind kind, enum swarm_update_state state,
                         const char *message)
{
	struct swarm_command *command = swarm_commands_add(round->out, kind, round->now);
	if (!command)
		return -1;
	swarm_copy_name(command->name, sizeof(command->name), round->service->spec.name);
	command->update_state = state;
	swarm_copy_name(command->message, sizeof(command->message), message);
	return 0;
}

/* --- the restart policy --------------------------------------------------------------------- */

/* Restart the ended task latest? Yes now (filling *attempt and *window_start for the new task),
 * later (a delay is running: -1), or never (0). */
static int restart_now(struct service_round *round, const struct swarm_task *latest, uint32_t *attempt,
                       uint64_t *window_start)
{
	const struct swarm_restart_policy *policy = &round->service->spec.restart;
	/* A task whose node was lost did not fail: nothing to back off from, no attempt spent.
	 * It is rescheduled at once, whatever the policy: the lecture's example, a crashed worker's
	 * replicas "created and assigned to workers that are running and available". */
	if (latest->observed == SWARM_TASK_ORPHANED) {
		*attempt = latest->attempt;
		*window_start = latest->window_start;
		return 1;
	}
	if (policy->condition == SWARM_RESTART_NONE)
		return 0;
	if (policy->condition == SWARM_RESTART_ON_FAILURE && !is_failure(latest->observed))
		return 0;
	/* The window slides: attempts older than it no longer count (`--restart-window`). */
	*attempt = latest->attempt;
	*window_start = latest->window_start;
	if (policy->window_ms && round->now - latest->window_start > policy->window_ms) {
		*attempt = 0;
		*window_start = round->now;
	}
	if (policy->max_attempts && *attempt >= policy->max_attempts) {
		if (policy->window_ms)
			wake_at(round, latest->window_start + policy->window_ms + 1);
		return 0;
	}
	uint64_t due = latest->observed_at + policy->delay_ms;
	if (round->now < due) {
		wake_at(round, due);
		return -1;
	}
	(*attempt)++;
	return 1;
}

/* --- one slot ------------------------------------------------------------------------------- */

static const struct swarm_node *node_of(const struct service_round *round, const struct swarm_task *task)
{
	return task->node[0] ? swarm_store_node(round->store, task->node) : NULL;
}

static bool out_of_date(const struct service_round *round, const struct swarm_task *task)
{
	return task->service_version != round->service->version;
}

/* A slot is being updated while its newest task is of the new spec and not yet running, after
 * an older one; or while its old task is told to stop and not yet replaced (stop-first). */
static bool slot_in_flight(const struct service_round *round, const struct swarm_task **tasks, size_t count)
{
	const struct swarm_task *latest = tasks[count - 1];
	if (!out_of_date(round, latest))
		return count > 1 && latest->desired == SWARM_TASK_RUNNING && latest->observed < SWARM_TASK_RUNNING &&
		       tasks[count - 2]->service_version != latest->service_version;
	return latest->desired >= SWARM_TASK_SHUTDOWN;
}

/* Is a task before the latest of its slot still alive (a start-first predecessor, or one that
 * is being stopped)? Tasks on a down node are not: the store has orphaned them. */
static bool older_alive(const struct swarm_task **tasks, size_t count)
{
	for (size_t i = 0; i + 1 < count; i++)
		if (!swarm_task_state_is_final(tasks[i]->observed))
			return true;
	return false;
}

/* Tell every task of the slot but the latest to stop. */
static int shut_down_older(struct service_round *round, const struct swarm_task **tasks, size_t count, const char *why)
{
	for (size_t i = 0; i + 1 < count; i++)
		if (tasks[i]->desired == SWARM_TASK_RUNNING && shut_down(round, tasks[i], why) < 0)
			return -1;
	return 0;
}

static bool start_first(const struct service_round *round)
{
	return round->service->spec.update.order == SWARM_START_FIRST;
}

static int reconcile_ended(struct service_round *round, const struct swarm_task **tasks, size_t count)
{
	const struct swarm_task *latest = tasks[count - 1];
	uint32_t attempt;
	uint64_t window_start;
	int decision = restart_now(round, latest, &attempt, &window_start);
	if (decision <= 0)
		return 0;
	/* stop-first: a predecessor still running must stop before a new task starts */
	if (!start_first(round) && older_alive(tasks, count))
		return shut_down_older(round, tasks, count, "replaced");
	if (shut_down(round, latest, latest->observed == SWARM_TASK_ORPHANED ? "node down: rescheduling" : "restarting") < 0)
		return -1;
	return create_task(round, latest->slot, round->service->spec.mode == SWARM_GLOBAL ? latest->node : NULL,
	                   attempt, window_start);
}

static int reconcile_slot(struct service_round *round, const struct swarm_task **tasks, size_t count)
{
	const struct swarm_task *latest = tasks[count - 1];
	const struct swarm_node *node = node_of(round, latest);
	const char *global_node = round->service->spec.mode == SWARM_GLOBAL ? latest->node : NULL;
	round->slot_first = round->out->count;

	/* start-first: an older task still told to run is stopped once its successor runs */
	if (latest->observed == SWARM_TASK_RUNNING && shut_down_older(round, tasks, count, "replaced") < 0)
		return -1;

	if (latest->desired >= SWARM_TASK_SHUTDOWN) {
		/* We stopped it (drain, stop-first update): replace it once the slot is empty. */
		if (shut_down_older(round, tasks, count, "replaced") < 0)
			return -1;
		bool gone = swarm_task_state_is_final(latest->observed) || (node && node->status == SWARM_NODE_DOWN);
		if (gone && !older_alive(tasks, count))
			return create_task(round, latest->slot, global_node, latest->attempt, latest->window_start);
		return 0;
	}
	if (swarm_task_state_is_final(latest->observed))
		return reconcile_ended(round, tasks, count);
	if (node && node->spec.availability == SWARM_DRAIN)
		return shut_down(round, latest, "node drained");
	/* An update replaces one task of a slot at a time: a slot still finishing a start-first
	 * replacement (its older task not stopped yet) waits for it. */
	if (out_of_date(round, latest) && round->updating && round->update_budget > 0 && !older_alive(tasks, count)) {
		round->update_budget--;
		if (start_first(round))
			return create_task(round, latest->slot, global_node, latest->attempt, latest->window_start);
		if (shut_down_older(round, tasks, count, "updating") < 0)
			return -1;
		return shut_down(round, latest, "updating");
	}
	return 0;
}

/* --- one service ---------------------------------------------------------------------------- */

static int by_slot(const void *a, const void *b)
{
	const struct swarm_task *x = *(const struct swarm_task *const *)a, *y = *(const struct swarm_task *const *)b;
	if (x->slot != y->slot)
		return x->slot < y->slot ? -1 : 1;
	if (x->slot == 0) {
		int order = strcmp(x->node, y->node);
		if (order)
			return order;
	}
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The end of the slot that starts at tasks[start] (tasks sorted by_slot). */
static size_t slot_end(const struct swarm_task **tasks, size_t start, size_t count)
{
	size_t end = start + 1;
	while (end < count && tasks[end]->slot == tasks[start]->slot &&
	       (tasks[end]->slot != 0 || strcmp(tasks[end]->node, tasks[start]->node) == 0))
		end++;
	return end;
}

/* May a global service run on node? Ready, not drained, constraints met. New tasks also need
 * the node active (a paused node keeps what it runs and takes nothing new). */
static bool global_wanted(const struct swarm_service *service, const struct swarm_node *node)
{
	return node && node->status == SWARM_NODE_READY && node->spec.availability != SWARM_DRAIN &&
	       swarm_constraints_match(&service->spec.constraints, &node->spec);
}

static bool slot_wanted(const struct service_round *round, const struct swarm_task *task)
{
	if (round->service->spec.mode == SWARM_REPLICATED)
		return task->slot >= 1 && task->slot <= round->service->spec.replicas;
	return global_wanted(round->service, swarm_store_node(round->store, task->node));
}

/* How far the rolling update has come, and what that allows in this round: a failed new task
 * triggers the failure action; all slots new and running completes the update; otherwise up
 * to `parallelism` slots in flight, and with a delay, a new batch only when the last one has
 * run for `delay`. */
static int plan_update(struct service_round *round, const struct swarm_task **tasks, size_t count)
{
	const struct swarm_service *service = round->service;
	bool rolling_back = service->update_state == SWARM_UPDATE_ROLLBACK_STARTED;
	if (service->update_state != SWARM_UPDATE_UPDATING && !rolling_back)
		return 0;
	size_t in_flight = 0, old = 0;
	uint64_t last_running = 0;
	for (size_t start = 0; start < count;) {
		size_t end = slot_end(tasks, start, count);
		const struct swarm_task *latest = tasks[end - 1];
		if (slot_wanted(round, latest)) {
			in_flight += slot_in_flight(round, &tasks[start], end - start);
			old += out_of_date(round, latest) || (latest->observed != SWARM_TASK_RUNNING);
			for (size_t i = start; i < end; i++) {
				const struct swarm_task *task = tasks[i];
				if (out_of_date(round, task) || task->created_at < service->updated_at)
					continue;
				if (!rolling_back && is_failure(task->observed) && task->observed != SWARM_TASK_ORPHANED) {
					char why[SWARM_MESSAGE_MAX];
					snprintf(why, sizeof(why), "update paused due to failure of task %llu",
					         (unsigned long long)task->id);
					if (service->spec.update.failure_action == SWARM_UPDATE_PAUSE)
						return service_state(round, SWARM_SERVICE_UPDATE_STATE, SWARM_UPDATE_PAUSED, why);
					if (service->spec.update.failure_action == SWARM_UPDATE_ROLLBACK) {
						snprintf(why, sizeof(why), "update rolled back due to failure of task %llu",
						         (unsigned long long)task->id);
						return service_state(round, SWARM_SERVICE_ROLLBACK, 0, why);
					}
				}
				if (task->observed == SWARM_TASK_RUNNING && task->observed_at > last_running)
					last_running = task->observed_at;
			}
		}
		start = end;
	}
	if (old == 0 && in_flight == 0)
		return service_state(round, SWARM_SERVICE_UPDATE_STATE,
		                     rolling_back ? SWARM_UPDATE_ROLLBACK_COMPLETED : SWARM_UPDATE_COMPLETED,
		                     rolling_back ? "rollback completed" : "update completed");
	size_t parallelism = service->spec.update.parallelism ? service->spec.update.parallelism : SIZE_MAX;
	round->updating = true;
	round->update_budget = in_flight < parallelism ? parallelism - in_flight : 0;
	if (service->spec.update.delay_ms && last_running) {
		/* a batch at a time: wait until it is all running, then for the delay */
		if (in_flight > 0)
			round->update_budget = 0;
		else if (round->now < last_running + service->spec.update.delay_ms) {
			round->update_budget = 0;
			wake_at(round, last_running + service->spec.update.delay_ms);
		}
	}
	return 0;
}

static int reconcile_service(const struct swarm_store *store, const struct swarm_service *service, uint64_t now,
                             struct swarm_commands *out, uint64_t *wake, const struct swarm_task **tasks)
{
	struct service_round round = { .store = store, .service = service, .now = now, .out = out, .wake_at = wake };
	size_t count = 0;
	for (size_t i = 0; i < store->task_count; i++)
		if (strcmp(store->tasks[i].service, service->spec.name) == 0)
			tasks[count++] = &store->tasks[i];
	qsort(tasks, count, sizeof(*tasks), by_slot);
	if (plan_update(&round, tasks, count) < 0)
		return -1;

	/* which slots exist already: replicated by number, global by node */
	size_t seen_count = service->spec.mode == SWARM_REPLICATED ? service->spec.replicas + 1 : store->node_count;
	bool *seen = calloc(seen_count ? seen_count : 1, sizeof(*seen));
	if (!seen)
		return fail_errno(ENOMEM, "cannot reconcile service \"%s\"", service->spec.name);
	int rc = 0;
	for (size_t start = 0; start < count && rc == 0;) {
		size_t end = slot_end(tasks, start, count);
		const struct swarm_task *latest = tasks[end - 1];
		if (slot_wanted(&round, latest)) {
			if (service->spec.mode == SWARM_REPLICATED)
				seen[latest->slot] = true;
			else
				seen[swarm_store_node(store, latest->node) - store->nodes] = true;
			rc = reconcile_slot(&round, &tasks[start], end - start);
		} else {
			const char *why = service->spec.mode == SWARM_REPLICATED ? "scaled down" : "node not eligible";
			round.slot_first = out->count;
			for (size_t i = start; i < end && rc == 0; i++)
				if (tasks[i]->desired == SWARM_TASK_RUNNING)
					rc = shut_down(&round, tasks[i], why);
		}
		start = end;
	}
	for (size_t i = 0; i < seen_count && rc == 0; i++) {
		if (seen[i])
			continue;
		if (service->spec.mode == SWARM_REPLICATED) {
			if (i >= 1)
				rc = create_task(&round, (uint32_t)i, NULL, 0, now);
		} else if (global_wanted(service, &store->nodes[i]) && store->nodes[i].spec.availability == SWARM_ACTIVE) {
			rc = create_task(&round, 0, store->nodes[i].spec.id, 0, now);
		}
	}
	free(seen);
	return rc;
}

int swarm_orchestrate(const struct swarm_store *store, uint64_t now, struct swarm_commands *out, uint64_t *wake_at)
{
	const struct swarm_task **tasks = malloc((store->task_count ? store->task_count : 1) * sizeof(*tasks));
	if (!tasks)
		return fail_errno(ENOMEM, "cannot reconcile %zu tasks", store->task_count);
	int rc = 0;
	for (size_t i = 0; i < store->service_count && rc == 0; i++)
		rc = reconcile_service(store, &store->services[i], now, out, wake_at, tasks);
	free(tasks);
	return rc;
}
