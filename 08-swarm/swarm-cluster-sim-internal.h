/*
 * swarm-cluster-sim-internal.h - the joined simulation's own state, shared by its three files:
 * swarm-cluster-sim.c (the world and one step of it), swarm-cluster-check.c (the invariants
 * and convergence) and swarm-cluster-scenarios.c (what happens when, and whole runs). Not an
 * interface: swarm-cluster-sim.h is.
 */
#ifndef TINYDOCK_SWARM_CLUSTER_SIM_INTERNAL_H
#define TINYDOCK_SWARM_CLUSTER_SIM_INTERNAL_H

#include "swarm-cluster-sim.h"

/* A manager's state machine: its store, as far as it applied its Raft node's log. */
struct manager {
	bool up;
	uint32_t restarts;        /* the Raft node's, when this store was built */
	struct swarm_store store;
	raft_index applied;       /* the last log index this store reflects */
	raft_index checked;       /* the last index its store was checked at */
};

/* A container a worker model runs: starting until ready_at, then running. */
struct container {
	uint64_t task;
	bool running;
	uint64_t ready_at;
};

struct worker {
	char id[SWARM_NAME_MAX];
	bool up;
	raft_id leader;           /* the manager it believes leads; 0: it is looking */
	uint64_t next_heartbeat;
	struct container *containers;
	size_t count, capacity;
};

struct swarm_cluster_sim {
	struct swarm_cluster_options options;
	struct raft_sim raft;     /* the managers' Raft, its network and its faults */
	uint64_t now, random;
	struct manager managers[RAFT_MAX_MEMBERS]; /* manager id i + 1 */
	struct worker *workers;

	raft_id leader;           /* whose loops run (0: none) */
	raft_term leader_term;
	struct swarm_dispatcher dispatcher; /* the leader's: volatile, started afresh by each */
	struct swarm_commands commands;     /* this step's, proposed together */

	uint64_t *store_hash;     /* by log index: the hash of a store after it (check_stores) */
	size_t store_hash_capacity;
	raft_index noted;         /* the timeline has the commands up to here */
	struct swarm_cluster_result *result;
	uint32_t extra_replicas;  /* the operator's change of kill-leader */
};

/* A number in [0, bound) drawn from the seed. */
uint64_t cluster_random_below(struct swarm_cluster_sim *sim, uint64_t bound);

/* Record a broken invariant (the first one) in the result, with the seed and the time, and
 * in the timeline; returns 1, which stops the run. */
int cluster_broken(struct swarm_cluster_sim *sim, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct raft_sim_node *cluster_raft_node(struct swarm_cluster_sim *sim, raft_id id);
struct container *cluster_container_of(struct worker *worker, uint64_t task);

/* "web-1.3": how `docker service ps` names the task of a slot. */
const char *cluster_task_name(const struct swarm_task *task, char *buffer, size_t size);

/* Is the leader's store up to date with everything in its log? Only then do its loops run. */
bool cluster_leader_caught_up(struct swarm_cluster_sim *sim);

void cluster_worker_crash(struct swarm_cluster_sim *sim, struct worker *worker);
void cluster_worker_restart(struct swarm_cluster_sim *sim, struct worker *worker);

/* One step of tick_ms (swarm-cluster-sim.c): 0, 1 when an invariant broke, -1 out of memory. */
int cluster_step(struct swarm_cluster_sim *sim);

/* The invariants on the managers' stores that changed since the last step (swarm-cluster-check.c):
 * 0, 1 when one broke, -1 out of memory. */
int cluster_check_stores(struct swarm_cluster_sim *sim);

/* Desired equals actual, everywhere (swarm-cluster-check.c). */
bool cluster_converged(struct swarm_cluster_sim *sim);

#endif
