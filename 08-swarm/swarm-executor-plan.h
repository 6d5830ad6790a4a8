/*
 * swarm-executor-plan.h - what a worker does with its assignments: the executor's decision,
 * apart from its doing.
 *
 * The dispatcher tells a worker the full set of tasks it should know about, each with its
 * desired state (swarm-dispatcher.h). The worker compares that set with what it has (the
 * tasks it is starting, running, stopping, or saw end) and acts on the difference, as the
 * orchestrator does one level up: reconciliation, the lecture's swarm idea on one node.
 *
 *   assigned, desired RUNNING, unknown here    start it (if it was never started: a task the
 *                                              worker lost, by a restart, is reported failed,
 *                                              since only the swarm may replace a task)
 *   assigned, desired SHUTDOWN                 stop and remove its container, then say SHUTDOWN
 *                                              (unknown here: nothing to stop, say SHUTDOWN)
 *   known here, not assigned any more          stop and remove its container, say nothing: the
 *                                              swarm has finished with it
 *
 * Pure: the executor (swarm-executor.c) feeds it and does what it says; the unit tests
 * (tests/unit/test_swarm_executor_plan.c) feed it made-up sets.
 */
#ifndef TINYDOCK_SWARM_EXECUTOR_PLAN_H
#define TINYDOCK_SWARM_EXECUTOR_PLAN_H

#include "swarm-dispatcher.h"

#include <stddef.h>
#include <stdint.h>

/* Where a task the executor knows is. */
enum swarm_executor_phase {
	SWARM_EXEC_STARTING, /* a child process pulls its image, creates and starts its container */
	SWARM_EXEC_RUNNING,  /* its container runs; its monitor is watched */
	SWARM_EXEC_ENDED,    /* its container ended by itself (or never ran); the end is reported,
				the container kept until the swarm lets go of the task */
	SWARM_EXEC_STOPPING, /* a child process stops and removes its container */
	SWARM_EXEC_GONE,     /* its container is removed; its end reported */
};

struct swarm_executor_known {
	uint64_t task;
	enum swarm_executor_phase phase;
};

enum swarm_executor_action_kind {
	SWARM_EXEC_START,         /* start the task's container */
	SWARM_EXEC_STOP,          /* stop and remove it, then report SHUTDOWN */
	SWARM_EXEC_REMOVE,        /* stop and remove it, then forget the task */
	SWARM_EXEC_FORGET,        /* nothing left of it here: forget the task */
	SWARM_EXEC_SAY_SHUTDOWN,  /* never started here: report SHUTDOWN */
	SWARM_EXEC_SAY_LOST,      /* started once, unknown here now: report FAILED */
};

struct swarm_executor_action {
	enum swarm_executor_action_kind kind;
	uint64_t task;
	size_t assignment;   /* its index in the assignments, or SIZE_MAX */
	size_t known;        /* its index in the known tasks, or SIZE_MAX */
};

/* The actions that bring what is known here to the assignments, assignments' first (in their
 * order), then the known tasks no longer assigned (an assignment without its task record is
 * left alone). *actions malloc'd (free it), *count may be
 * 0. -1 (recorded) when out of memory. */
int swarm_executor_plan(const struct swarm_assignment *assignments, size_t count,
			const struct swarm_executor_known *known, size_t known_count,
			struct swarm_executor_action **actions, size_t *action_count);

#endif
