/*
 * swarm-executor-plan.c - the executor's reconciliation (swarm-executor-plan.h).
 */
#include "swarm-executor-plan.h"

#include "error.h"
#include "grow.h"

#include <stdlib.h>

static size_t find_known(const struct swarm_executor_known *known, size_t count, uint64_t task)
{
	for (size_t i = 0; i < count; i++)
		if (known[i].task == task)
			return i;
	return SIZE_MAX;
}

static size_t find_assignment(const struct swarm_assignment *assignments, size_t count, uint64_t task)
{
	for (size_t i = 0; i < count; i++)
		if (assignments[i].task == task)
			return i;
	return SIZE_MAX;
}

/* A task the swarm wants to run: desired RUNNING (or before it) and its service still there. */
static bool wanted_running(const struct swarm_assignment *a)
{
	return a->desired <= SWARM_TASK_RUNNING && a->spec;
}

/* Has a worker already taken this task up? The store says so once it observed ACCEPTED or
 * later; until then nobody started it, so starting it now cannot run it twice. */
static bool taken_up(const struct swarm_assignment *a)
{
	return a->record && a->record->observed >= SWARM_TASK_ACCEPTED;
}

/* What to do for assignment a, with k the index of its known task (SIZE_MAX: none); false
 * when nothing. */
static bool decide_assigned(const struct swarm_assignment *a, const struct swarm_executor_known *k,
			    enum swarm_executor_action_kind *kind)
{
	if (!a->record)
		return false; /* no task to name a container after: nothing to act on */
	if (wanted_running(a)) {
		if (k)
			return false; /* starting, running, or over and reported: the swarm decides next */
		*kind = taken_up(a) ? SWARM_EXEC_SAY_LOST : SWARM_EXEC_START;
		return true;
	}
	if (!k) {
		*kind = SWARM_EXEC_SAY_SHUTDOWN;
		return true;
	}
	if (k->phase == SWARM_EXEC_STARTING || k->phase == SWARM_EXEC_RUNNING) {
		*kind = SWARM_EXEC_STOP;
		return true;
	}
	return false; /* ended (reported), stopping, or gone */
}

static int add(struct swarm_executor_action **actions, size_t *count, size_t *capacity,
	       struct swarm_executor_action action)
{
	if (grow_array((void **)actions, capacity, *count + 1, sizeof(**actions), "the executor's actions") < 0)
		return -1;
	(*actions)[(*count)++] = action;
	return 0;
}

int swarm_executor_plan(const struct swarm_assignment *assignments, size_t count,
			const struct swarm_executor_known *known, size_t known_count,
			struct swarm_executor_action **actions, size_t *action_count)
{
	size_t capacity = 0;
	*actions = NULL;
	*action_count = 0;
	for (size_t i = 0; i < count; i++) {
		size_t k = find_known(known, known_count, assignments[i].task);
		enum swarm_executor_action_kind kind;
		if (decide_assigned(&assignments[i], k == SIZE_MAX ? NULL : &known[k], &kind) &&
		    add(actions, action_count, &capacity,
			(struct swarm_executor_action){ kind, assignments[i].task, i, k }) < 0)
			goto fail;
	}
	for (size_t k = 0; k < known_count; k++) {
		if (find_assignment(assignments, count, known[k].task) != SIZE_MAX ||
		    known[k].phase == SWARM_EXEC_STOPPING)
			continue; /* assigned (decided above), or on its way out already */
		enum swarm_executor_action_kind kind =
			known[k].phase == SWARM_EXEC_GONE ? SWARM_EXEC_FORGET : SWARM_EXEC_REMOVE;
		if (add(actions, action_count, &capacity,
			(struct swarm_executor_action){ kind, known[k].task, SIZE_MAX, k }) < 0)
			goto fail;
	}
	return 0;
fail:
	free(*actions);
	*actions = NULL;
	*action_count = 0;
	return -1;
}
