/*
 * swarm-cluster-sim.h - the whole swarm joined: managers that agree through Raft on the
 * commands of the swarm's store, a leader that runs the control loops, and workers, all on a
 * virtual clock, with faults drawn from a seed.
 *
 * Each part was proven alone: Raft on a simulated network (raft-sim.h), the store and its
 * control loops with one manager and no Raft (swarm-sim.h). Here they are one system, as a
 * swarm is:
 *   - N managers run Raft (raft-sim.c: the real raft.c, messages delayed, lost, reordered,
 *     partitions, crashes and restarts with what was persisted kept). Each manager applies
 *     the entries Raft commits to a store of its own (swarm_command_decode, then
 *     swarm_store_apply), and now and then writes its store into a Raft snapshot
 *     (swarm_store_snapshot); a manager that restarts, or is far behind, rebuilds its store
 *     from the snapshot (swarm_store_restore) and the entries after it.
 *   - The leader alone runs the dispatcher, the orchestrator and the scheduler, on its own
 *     store, and proposes their commands through Raft (a step's commands in one entry, one
 *     JSON line each): nothing changes anywhere until a
 *     majority of managers has the command in its log. A new leader starts its dispatcher
 *     afresh (heartbeat clocks are volatile), and runs its loops only once its store holds
 *     everything in its log, its no-op included: before that, it does not know what is
 *     committed (Raft paper, section 8), and would propose again what is already on its way.
 *   - M workers find the leader (they ask a manager who leads, and follow leader changes),
 *     heartbeat to it, read their assignments from it, run their containers and report.
 *
 * After every step (tick_ms of virtual time) the invariants of issue 15 are checked: Raft's
 * (at most one leader per term, committed entries never lost or changed: raft-check.h), and
 * the swarm's: every manager's store is the same, byte for byte, at the same applied index;
 * in the store, no slot has two running tasks and every running task is on a node that is
 * ready. And once the faults stop, the actual state must reach the desired state within
 * settle_limit_ms: every slot of every service running on a live worker, every live manager's
 * store caught up.
 *
 * Pure, like its parts: no clock, no socket, no file. A seed replays its run exactly; a run
 * that breaks an invariant says which, the seed and the time, and keeps a trace to print.
 */
#ifndef TINYDOCK_SWARM_CLUSTER_SIM_H
#define TINYDOCK_SWARM_CLUSTER_SIM_H

#include "raft-sim.h"
#include "swarm-dispatcher.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum swarm_cluster_scenario {
	SWARM_CLUSTER_KILL_LEADER, /* the leader dies; the operator changes a service meanwhile */
	SWARM_CLUSTER_KILL_WORKER, /* the busiest worker dies; its tasks must run elsewhere */
	SWARM_CLUSTER_PARTITION,   /* the leader is cut off from the other managers, then heals */
	SWARM_CLUSTER_CHURN,       /* random faults of every kind, then calm */
};

/* "kill-leader", ...; -1 (recorded) for a name that is none. */
int swarm_cluster_scenario_parse(const char *name, enum swarm_cluster_scenario *scenario);
const char *swarm_cluster_scenario_name(enum swarm_cluster_scenario scenario);

struct swarm_cluster_options {
	uint64_t seed;
	enum swarm_cluster_scenario scenario;
	size_t managers, workers;
	size_t services;             /* replicated services web-1, web-2, ... */
	uint32_t replicas;           /* each one's replicas */
	uint64_t tick_ms;            /* the workers and the leader's loops act this often */
	uint64_t heartbeat_ms;       /* the dispatcher's period (swarm-dispatcher.h) */
	uint64_t start_min_ms, start_max_ms; /* a worker takes this long to start a container */
	uint64_t down_for_ms;        /* a killed manager stays down, a partition lasts, this long */
	uint64_t churn_until_ms;     /* churn: faults until then */
	unsigned churn_clock_skew_permille; /* churn: each manager's clock fast or slow by up to this */
	uint64_t settle_limit_ms;    /* after the faults, convergence must come within this */
	size_t snapshot_every;       /* a manager snapshots its store every so many entries */
	bool check_stores;           /* check the stores' invariants (costs a serialization a step) */
	bool trace;                  /* keep Raft's trace of every message (for a failing seed) */
	struct raft_options raft;    /* Raft's options, for every manager */
};

/* 3 managers, 5 workers, 2 services of 3 replicas, 50 ms steps, heartbeat 1 s, containers
 * start in 100..500 ms, a manager down or cut off for 10 s, churn for 20 s with managers' clocks
 * off by up to 5 %, 60 s to settle,
 * a snapshot every 8 entries, Raft's default options (1 s election timeout, 100 ms
 * heartbeat, pre-vote, check-quorum). */
struct swarm_cluster_options swarm_cluster_default_options(uint64_t seed);

struct swarm_cluster_result {
	bool ok;                     /* every invariant held and the swarm converged */
	char failure[512];           /* otherwise why, with the seed and the time */
	uint64_t end_ms;
	uint64_t calm_ms;            /* when the swarm first ran everything it should */
	uint64_t fault_ms;           /* when the scenario's fault struck */
	uint64_t new_leader_ms;      /* kill-leader, partition: from the fault to a new leader */
	uint64_t leader_after_return_ms; /* kill-leader without a quorum: from the return to a leader */
	uint64_t recovery_ms;        /* kill-worker: from the kill to every slot running again */
	uint64_t converged_ms;       /* from the end of the faults to convergence */
	size_t changes_refused;      /* operator changes refused for want of a leader */
	size_t leaders;              /* terms that had a leader */
	size_t entries;              /* swarm commands committed (a Raft entry holds a step's) */
	size_t moves;                /* tasks that were placed on another node than their slot's last */
	size_t manager_restarts;     /* managers that came back, their stores rebuilt from disk */
	size_t snapshots_installed;  /* snapshots a leader sent to a manager too far behind */
};

struct swarm_cluster_sim;

/* A simulation as options say (nothing runs yet); NULL (recorded) for options that cannot be
 * simulated, or out of memory. */
struct swarm_cluster_sim *swarm_cluster_sim_new(const struct swarm_cluster_options *options);
void swarm_cluster_sim_free(struct swarm_cluster_sim *sim);

/* Run the scenario to its end. -1 only when out of memory; result says how it went. */
int swarm_cluster_sim_run(struct swarm_cluster_sim *sim, struct swarm_cluster_result *result);

/* Start the swarm (workers join, services are created) and run until every task is assigned
 * or until deadline_ms: 1 when they are, 0 when time ran out or an invariant broke (in
 * result), -1 when out of memory. For the figure of how fast 1,000 tasks are placed. */
int swarm_cluster_sim_run_until_assigned(struct swarm_cluster_sim *sim, uint64_t deadline_ms,
					 struct swarm_cluster_result *result);

/* The store of manager id (1..managers), as far as it applied; NULL while it is down. */
const struct swarm_store *swarm_cluster_sim_store(const struct swarm_cluster_sim *sim, raft_id id);

/* The timeline (elections, crashes, partitions, nodes down, tasks placed and moved), then
 * who led when; and Raft's trace of every message (options.trace). */
void swarm_cluster_sim_print_timeline(const struct swarm_cluster_sim *sim, FILE *out);
void swarm_cluster_sim_print_trace(const struct swarm_cluster_sim *sim, FILE *out);

#endif
