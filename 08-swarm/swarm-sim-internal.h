/*
 * swarm-sim-internal.h - the simulation's own state, shared by swarm-sim.c (the run: workers,
 * faults, the manager) and swarm-sim-check.c (the invariants and convergence). Not an
 * interface: swarm-sim.h is.
 */
#ifndef TINYDOCK_SWARM_SIM_INTERNAL_H
#define TINYDOCK_SWARM_SIM_INTERNAL_H

#include "swarm-sim.h"

/* A container a worker model runs: the task, how far it got, its timers. */
struct container {
	uint64_t task;
	enum swarm_task_state reported;
	uint64_t ready_at;       /* when it runs */
	uint64_t fail_at;        /* when it exits non-zero; 0: never */
};

/* A worker model: its node id, whether it is up, its containers. */
struct worker {
	char id[SWARM_NAME_MAX];
	bool up;
	uint64_t next_heartbeat;
	uint64_t restart_at;     /* a crashed worker comes back then; 0: not by itself */
	struct container *containers;
	size_t count, capacity;
};

/* What the invariant "states only move forward" compares with: the states of the last step. */
struct seen_task {
	uint64_t id;
	enum swarm_task_state observed, desired;
};

/* A running task, for counting them per slot: the slot as one number (slot_key), the task
 * (the highest id of a slot is its newest) and the version of the service it runs. */
struct running {
	uint64_t key;
	uint64_t task;
	uint64_t version;
};

/* A start-first update may run two tasks in a slot for a moment: the invariant needs to know
 * which versions of a service were rolled out start-first. */
struct version_order {
	char service[SWARM_NAME_MAX];
	uint64_t version;
	bool start_first;
};

struct swarm_sim {
	struct swarm_sim_options options;
	uint64_t now, random;
	struct swarm_store store;
	struct swarm_dispatcher dispatcher;
	struct worker *workers;
	struct swarm_commands commands;
	uint64_t round_applied, wake_at; /* when the manager's loops last ran; their next timer */
	struct seen_task *seen;
	size_t seen_count;
	struct running *keys;            /* scratch for counting running tasks per slot */
	struct version_order *orders;    /* each service version's update order, as applied */
	size_t order_count, order_capacity;
	bool faults_over;
	uint64_t killed_at;
	struct swarm_sim_result *result;
	char trace[SWARM_SIM_TRACE][176];
	size_t trace_next, trace_count;
};

/* Add a line to the trace, stamped with the virtual time. */
void swarm_sim_note(struct swarm_sim *sim, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Record the run as failed, with the reason (printf-style) in the result and the trace; 1. */
int swarm_sim_fail(struct swarm_sim *sim, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The container of task on worker, or NULL. */
struct container *swarm_sim_container_of(struct worker *worker, uint64_t task);

/* After a step: 0 when every invariant holds; otherwise 1, with the failure in the result and
 * the trace. */
int swarm_sim_check_invariants(struct swarm_sim *sim);

/* Is every service's desired state the actual one? */
bool swarm_sim_converged(struct swarm_sim *sim);

#endif
