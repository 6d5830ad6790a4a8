/*
 * swarm-dispatcher.h - the leader's side of its conversation with the workers.
 *
 * Every worker keeps a session with the leading manager's dispatcher, and three things pass:
 *
 *   1. heartbeats: the worker says "I am here" every period (1 s by default here; Swarm's
 *      `--dispatcher-heartbeat` is 5 s). A node not heard from for SWARM_HEARTBEAT_GRACE
 *      periods is declared down (a NODE_STATUS command): the store then orphans its tasks in
 *      the same step and the orchestrator replaces them elsewhere. A node heard from again
 *      is ready again.
 *   2. assignments: the worker is told the full set of tasks it should know about, each with
 *      its desired state. It runs those desired RUNNING, stops those desired SHUTDOWN, and
 *      stops anything it runs that is not in the set at all (a task it kept while it was cut
 *      off, which the swarm has replaced meanwhile). A full set, rather than a stream of
 *      changes, means a worker that missed messages is right again after one answer.
 *   3. status reports: the worker says what became of each task (ACCEPTED, ..., RUNNING,
 *      FAILED); the dispatcher turns each into a TASK_STATE command, dropping reports that
 *      are stale (a state the task has passed) or about a task that is not the node's.
 *
 * The heartbeat times are the leader's own, volatile state, not replicated: a new leader
 * starts every node's clock afresh (swarm_dispatcher_init), so a failover never makes healthy
 * workers look dead.
 */
#ifndef TINYDOCK_SWARM_DISPATCHER_H
#define TINYDOCK_SWARM_DISPATCHER_H

#include "swarm-command.h"

#define SWARM_HEARTBEAT_MS 1000
/* Periods a node may miss before it is down (Swarm's grace multiplier is also 3). */
#define SWARM_HEARTBEAT_GRACE 3

struct swarm_session {
	char node[SWARM_NAME_MAX];
	uint64_t last_seen;
};

struct swarm_dispatcher {
	uint64_t heartbeat_ms;
	uint64_t started_at;             /* nodes never heard from count from here */
	struct swarm_session *sessions;
	size_t session_count, session_capacity;
};

/* A dispatcher on a leader that took office at now, with the heartbeat period heartbeat_ms
 * (0: SWARM_HEARTBEAT_MS). */
void swarm_dispatcher_init(struct swarm_dispatcher *dispatcher, uint64_t heartbeat_ms, uint64_t now);
void swarm_dispatcher_free(struct swarm_dispatcher *dispatcher);

/* Node says it is alive at now; a node the store has down is ready again (a NODE_STATUS in out).
 * -1 (recorded) for an unknown node or out of memory. */
int swarm_dispatcher_heartbeat(struct swarm_dispatcher *dispatcher, const struct swarm_store *store,
                               const char *node, uint64_t now, struct swarm_commands *out);

/* Time has passed: the ready nodes that have been silent too long are down (commands in out). */
int swarm_dispatcher_tick(struct swarm_dispatcher *dispatcher, const struct swarm_store *store, uint64_t now,
                          struct swarm_commands *out);

/* What a worker is told about one task. */
struct swarm_assignment {
	uint64_t task;
	const struct swarm_task *record;         /* in the store: valid until it changes */
	const struct swarm_service_spec *spec;   /* what to run; NULL for a removed service's task */
	enum swarm_task_state desired;
};

/* The assignments of node: its tasks that were given to it and have not ended, in id order.
 * *assignments is malloc'd (free it), *count may be 0. -1 (recorded) when out of memory. */
int swarm_dispatcher_assignments(const struct swarm_store *store, const char *node,
                                 struct swarm_assignment **assignments, size_t *count);

/* Node reports task in state (with message): a TASK_STATE command in out, or nothing when the
 * report is stale or not node's to make. */
int swarm_dispatcher_report(const struct swarm_store *store, const char *node, uint64_t task,
                            enum swarm_task_state state, const char *message, uint64_t now,
                            struct swarm_commands *out);

#endif
