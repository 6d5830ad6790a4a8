/*
 * swarm-sim.h - a whole swarm in one process: a store, the manager's control loops, and worker
 * models, on a virtual clock, faults drawn from a seed.
 *
 * Every step (tick_ms of virtual time) the workers act (heartbeat, take their assignments,
 * start and stop containers, report, sometimes fail a container), then the manager acts
 * (dispatcher, orchestrator, scheduler), and every command goes through its bytes
 * (swarm_command_encode, then decode) into the store, as it will go through Raft's log.
 * While faults run, the seed crashes and restarts workers, drains them, scales and updates
 * services, and makes containers fail. After every step the invariants are checked:
 *   - no slot has two running tasks (two during a start-first update, as Swarm allows):
 *     on the workers themselves, and among the tasks the store wants running;
 *   - every task the store has RUNNING is on a node that is ready;
 *   - no task state, observed or desired, ever moved backwards.
 * When faults stop, every worker is healed, and the actual state must reach the desired
 * state (every slot running the current spec on a live worker, updates finished) within
 * settle_limit_ms of virtual time.
 *
 * Nothing reads the real clock and the only randomness is the seed's: a seed replays
 * exactly, and a failing seed prints itself and the trace of its last events.
 */
#ifndef TINYDOCK_SWARM_SIM_H
#define TINYDOCK_SWARM_SIM_H

#include "swarm-dispatcher.h"

#include <stdio.h>

enum swarm_sim_scenario {
	SWARM_SIM_CHURN,         /* random faults until fault_time_ms, then heal and converge */
	SWARM_SIM_KILL_WORKER,   /* converge, kill the busiest worker, measure the recovery */
};

struct swarm_sim_options {
	uint64_t seed;
	enum swarm_sim_scenario scenario;
	size_t workers;
	size_t services;                 /* replicated services web-1..; one global one besides */
	uint32_t replicas;               /* each replicated service's replicas at the start */
	uint64_t tick_ms;                /* one step of virtual time */
	uint64_t heartbeat_ms;           /* the dispatcher's period */
	uint64_t start_min_ms, start_max_ms; /* a worker takes this long to start a container */
	unsigned fail_percent;           /* chance a started container fails later (faults only) */
	unsigned fault_percent;          /* chance of a fault (crash, drain, scale, update) a step */
	uint64_t fault_time_ms;          /* faults stop here */
	uint64_t settle_limit_ms;        /* then convergence must come within this */
	bool stop_on_converged;          /* end the run once converged (else run settle_limit) */
};

/* 5 workers, 2 replicated services of 3 replicas and a global one, 50 ms steps, heartbeat
 * 1 s, containers start in 100..500 ms, 20 s of faults, 60 s to settle. */
struct swarm_sim_options swarm_sim_default_options(uint64_t seed);

struct swarm_sim_result {
	bool ok;                         /* invariants held and the swarm converged */
	char failure[256];               /* otherwise, why */
	uint64_t end_ms;                 /* the virtual time the run ended */
	uint64_t converged_ms;           /* when it converged after the faults (after the kill) */
	uint64_t recovery_ms;            /* kill-worker: from the kill to every slot running again */
	size_t commands, refused;        /* commands applied, and those the store refused */
	size_t crashes, drains, updates, scalings, container_failures;
};

struct swarm_sim;

/* A simulation as options say; NULL (recorded) when out of memory. */
struct swarm_sim *swarm_sim_new(const struct swarm_sim_options *options);
void swarm_sim_free(struct swarm_sim *sim);

/* Run the scenario to its end; result says how it went. -1 only when out of memory. */
int swarm_sim_run(struct swarm_sim *sim, struct swarm_sim_result *result);

/* The store the simulation ended with (for tests to look into). */
const struct swarm_store *swarm_sim_store(const struct swarm_sim *sim);

/* Print the last events (at most SWARM_SIM_TRACE lines), oldest first, as a timeline. */
#define SWARM_SIM_TRACE 400
void swarm_sim_print_trace(const struct swarm_sim *sim, FILE *out);

#endif
