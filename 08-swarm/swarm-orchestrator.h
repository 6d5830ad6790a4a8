/*
 * swarm-orchestrator.h - reconciliation: the commands that bring the actual state to the
 * desired one.
 *
 * The lecture's words: manager nodes "constantly monitor the cluster state and reconcile any
 * differences between the actual state and your expressed desired state". This is that loop.
 * It reads the store and, for each service, compares the slots it should have (replicas 1..N,
 * or one per eligible node for a global service) with the tasks it has, and answers with the
 * commands that close the gap:
 *
 *   - a slot with no task gets one (TASK_CREATE; the scheduler then finds it a node);
 *   - a slot beyond the replica count has its task shut down (scale down);
 *   - a task that ended is replaced when the restart policy says so: its condition (none,
 *     on-failure, any), after its delay, at most max attempts within its window;
 *   - a task on a node that went down (ORPHANED by the store) is replaced like a failed one; a
 *     task on a drained node is stopped and, once stopped, replaced elsewhere;
 *   - a service whose spec changed is rolled out slot by slot: `parallelism` at a time,
 *     `delay` between batches, stop-first (stop the old task, then start the new) or
 *     start-first (start the new, stop the old once the new runs); a new task that fails
 *     makes the update pause, continue, or roll back to the previous spec.
 *
 * It is a pure function of the store and the time: run it twice on the same store and it
 * says the same thing, and once its commands are applied it has nothing more to say until
 * something changes (a task ends, a node goes, a delay passes). That is what makes it safe
 * to run on a timer, after every change, or on a new leader that knows nothing else.
 *
 * Read next: swarm-scheduler.h (where the new tasks go).
 */
#ifndef TINYDOCK_SWARM_ORCHESTRATOR_H
#define TINYDOCK_SWARM_ORCHESTRATOR_H

#include "swarm-command.h"

/* Append to out the commands that reconcile every service of store at time now. *wake_at is
 * lowered to the earliest later time at which a delay (restart or update) runs out and the
 * orchestrator will have more to say; it is left alone when none is waiting. -1 (recorded)
 * when out of memory. */
int swarm_orchestrate(const struct swarm_store *store, uint64_t now, struct swarm_commands *out, uint64_t *wake_at);

#endif
