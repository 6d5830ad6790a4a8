/*
 * swarm-cluster-scenarios.c - what happens to the joined swarm, and when: a leader killed, a
 * worker killed, a partition, churn; and whole runs, from the first election to convergence.
 *
 * Every scenario but churn first waits for the swarm to come up (a leader, the workers joined,
 * every slot running), strikes, watches, then requires convergence within settle_limit_ms.
 * The figures of a run (how soon a new leader, how soon the tasks ran elsewhere) are measured
 * here, in virtual time, and handed out in struct swarm_cluster_result.
 */
#include "swarm-cluster-sim-internal.h"
#include "error.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

/* Run steps until done(sim) or the deadline: 1 when done, 0 when not (or an invariant
 * broke), -1 when out of memory. */
static int run_until(struct swarm_cluster_sim *sim, bool (*done)(struct swarm_cluster_sim *sim), uint64_t deadline)
{
	while (sim->result->ok && !done(sim)) {
		if (sim->now >= deadline)
			return 0;
		if (cluster_step(sim) < 0)
			return -1;
	}
	return sim->result->ok ? 1 : 0;
}

static bool never(struct swarm_cluster_sim *sim)
{
	(void)sim;
	return false;
}

static bool has_leader(struct swarm_cluster_sim *sim)
{
	return raft_sim_leader(&sim->raft) != 0;
}

static int run_for(struct swarm_cluster_sim *sim, uint64_t ms)
{
	return run_until(sim, never, sim->now + ms) < 0 ? -1 : 0;
}

/* Converge within the settle limit, or the run fails. -1 when out of memory. */
static int settle(struct swarm_cluster_sim *sim, uint64_t from, const char *after)
{
	int found = run_until(sim, cluster_converged, from + sim->options.settle_limit_ms);
	if (found < 0)
		return -1;
	if (found == 0 && sim->result->ok)
		cluster_broken(sim, "not converged %" PRIu64 " ms after %s", sim->options.settle_limit_ms, after);
	if (found == 1) {
		sim->result->converged_ms = sim->now - from;
		raft_sim_note(&sim->raft, "converged: every slot runs, every manager up has the same store (%" PRIu64
			      " ms after %s)", sim->now - from, after);
	}
	return 0;
}

/* --- the scenarios -------------------------------------------------------------------------- */

/* The operator asks the managers for a change: one more replica of web-1. Without a leader,
 * nobody can take it; the manager asked says so. */
static int ask_for_change(struct swarm_cluster_sim *sim)
{
	if (raft_sim_leader(&sim->raft)) {
		sim->extra_replicas = 1; /* the leader's loops propose it (operator_commands) */
		raft_sim_note(&sim->raft, "the operator scales web-1 to %" PRIu32 " replicas: leader %u takes the change",
			      sim->options.replicas + 1, raft_sim_leader(&sim->raft));
		return 1;
	}
	size_t up = 0, majority = sim->options.managers / 2 + 1;
	for (raft_id id = 1; id <= sim->options.managers; id++)
		up += cluster_raft_node(sim, id)->up;
	sim->result->changes_refused++;
	if (up >= majority)
		raft_sim_note(&sim->raft, "the operator scales web-1: refused, no leader yet (an election is under way)");
	else
		raft_sim_note(&sim->raft, "the operator scales web-1: refused, no leader (no quorum: %zu of %zu managers "
			      "up, a majority is %zu)", up, sim->options.managers, majority);
	return 0;
}

static int kill_leader(struct swarm_cluster_sim *sim)
{
	raft_id old = raft_sim_leader(&sim->raft);
	sim->result->fault_ms = sim->now;
	raft_sim_crash(&sim->raft, old);
	size_t majority = sim->options.managers / 2 + 1;
	if (sim->options.managers - 1 < majority)
		raft_sim_note(&sim->raft, "%zu of %zu managers up, and a majority is %zu: no leader can be elected (no "
			      "quorum)", sim->options.managers - 1, sim->options.managers, majority);
	uint64_t back_at = sim->now + sim->options.down_for_ms;
	bool asked = false;
	/* While it is down: watch for a new leader, and try the operator's change every 2 s. */
	for (uint64_t next_ask = sim->now + 2000; sim->now < back_at && sim->result->ok;) {
		if (!sim->result->new_leader_ms && has_leader(sim))
			sim->result->new_leader_ms = sim->raft.leader_elected_at - sim->result->fault_ms;
		if (!asked && sim->now >= next_ask) {
			asked = ask_for_change(sim);
			next_ask += 2000;
		}
		if (cluster_step(sim) < 0)
			return -1;
	}
	if (raft_sim_restart(&sim->raft, old) < 0)
		return -1;
	uint64_t returned_at = sim->now;
	if (!asked) { /* no quorum all along: the change waits for the manager to return */
		if (run_until(sim, has_leader, sim->now + sim->options.settle_limit_ms) < 0)
			return -1;
		if (has_leader(sim))
			sim->result->leader_after_return_ms = sim->raft.leader_elected_at - returned_at;
		ask_for_change(sim);
	}
	return settle(sim, sim->now, "the manager returned");
}

/* The worker with the most containers. */
static struct worker *busiest_worker(struct swarm_cluster_sim *sim)
{
	struct worker *busiest = &sim->workers[0];
	for (size_t w = 1; w < sim->options.workers; w++)
		if (sim->workers[w].count > busiest->count)
			busiest = &sim->workers[w];
	return busiest;
}

static int kill_worker(struct swarm_cluster_sim *sim)
{
	struct worker *victim = busiest_worker(sim);
	sim->result->fault_ms = sim->now;
	cluster_worker_crash(sim, victim);
	if (settle(sim, sim->now, "the kill") < 0)
		return -1;
	sim->result->recovery_ms = sim->result->converged_ms;
	if (!sim->result->ok || run_for(sim, 2000) < 0)
		return sim->result->ok ? -1 : 0;
	cluster_worker_restart(sim, victim); /* it comes back empty; its old tasks stay where they went */
	return settle(sim, sim->now, "the worker returned");
}

static int partition(struct swarm_cluster_sim *sim)
{
	raft_id leader = raft_sim_leader(&sim->raft);
	sim->result->fault_ms = sim->now;
	raft_sim_partition(&sim->raft, &leader, 1);
	uint64_t heal_at = sim->now + sim->options.down_for_ms;
	while (sim->now < heal_at && sim->result->ok) {
		raft_id now_leading = raft_sim_leader(&sim->raft);
		if (!sim->result->new_leader_ms && now_leading && now_leading != leader)
			sim->result->new_leader_ms = sim->raft.leader_elected_at - sim->result->fault_ms;
		if (cluster_step(sim) < 0)
			return -1;
	}
	raft_sim_heal(&sim->raft);
	return settle(sim, sim->now, "the network healed");
}

static int churn(struct swarm_cluster_sim *sim)
{
	/* Raft's own faults (crashes, restarts, partitions, loss, duplication) run until
	 * churn_until_ms (raft-sim.c); the workers crash and come back besides. */
	while (sim->now < sim->options.churn_until_ms && sim->result->ok) {
		if (cluster_random_below(sim, 1000) < 10) {
			struct worker *worker = &sim->workers[cluster_random_below(sim, sim->options.workers)];
			if (worker->up)
				cluster_worker_crash(sim, worker);
			else
				cluster_worker_restart(sim, worker);
		}
		if (cluster_step(sim) < 0)
			return -1;
	}
	/* Raft's faults have ended by now: at its last fault, raft-sim.c restarted every manager and
	 * healed every link. */
	raft_sim_note(&sim->raft, "faults stop: every worker starts again");
	for (size_t w = 0; w < sim->options.workers; w++)
		cluster_worker_restart(sim, &sim->workers[w]);
	return settle(sim, sim->options.churn_until_ms, "the faults stopped");
}

/* --- whole runs ----------------------------------------------------------------------------- */

static const char *const scenario_names[] = {
	[SWARM_CLUSTER_KILL_LEADER] = "kill-leader",
	[SWARM_CLUSTER_KILL_WORKER] = "kill-worker",
	[SWARM_CLUSTER_PARTITION] = "partition",
	[SWARM_CLUSTER_CHURN] = "churn",
};

int swarm_cluster_scenario_parse(const char *name, enum swarm_cluster_scenario *scenario)
{
	for (size_t i = 0; i < sizeof(scenario_names) / sizeof(scenario_names[0]); i++)
		if (strcmp(name, scenario_names[i]) == 0) {
			*scenario = (enum swarm_cluster_scenario)i;
			return 0;
		}
	return fail_errno(0, "unknown scenario '%s' (kill-leader, kill-worker, partition or churn)", name);
}

const char *swarm_cluster_scenario_name(enum swarm_cluster_scenario scenario)
{
	return scenario_names[scenario];
}

static void start_result(struct swarm_cluster_sim *sim, struct swarm_cluster_result *result)
{
	*result = (struct swarm_cluster_result){ .ok = true };
	sim->result = result;
}

static void finish_result(struct swarm_cluster_sim *sim)
{
	sim->result->end_ms = sim->now;
	sim->result->leaders = raft_checks_leaders(&sim->raft.checks);
	for (raft_id id = 1; id <= sim->options.managers; id++) {
		sim->result->manager_restarts += cluster_raft_node(sim, id)->restarts;
		sim->result->snapshots_installed += cluster_raft_node(sim, id)->snapshots_installed;
	}
}

int swarm_cluster_sim_run(struct swarm_cluster_sim *sim, struct swarm_cluster_result *result)
{
	start_result(sim, result);
	int status = 0;
	if (sim->options.scenario == SWARM_CLUSTER_CHURN) {
		status = churn(sim);
	} else {
		/* First the swarm comes up: a leader, the workers joined, every task running. */
		int found = run_until(sim, cluster_converged, sim->options.settle_limit_ms);
		if (found == 0 && result->ok)
			cluster_broken(sim, "the swarm did not come up within %" PRIu64 " ms", sim->options.settle_limit_ms);
		if (found == 1) {
			result->calm_ms = sim->now;
			raft_sim_note(&sim->raft, "the swarm is up: every slot runs");
			status = run_for(sim, 1000);
		}
		if (found < 0)
			status = -1;
		if (status == 0 && result->ok) {
			switch (sim->options.scenario) {
			case SWARM_CLUSTER_KILL_LEADER:
				status = kill_leader(sim);
				break;
			case SWARM_CLUSTER_KILL_WORKER:
				status = kill_worker(sim);
				break;
			case SWARM_CLUSTER_PARTITION:
				status = partition(sim);
				break;
			case SWARM_CLUSTER_CHURN:
				break;
			}
		}
	}
	finish_result(sim);
	return status < 0 ? -1 : 0;
}

static bool all_assigned(struct swarm_cluster_sim *sim)
{
	if (!cluster_leader_caught_up(sim))
		return false;
	const struct swarm_store *store = &sim->managers[sim->leader - 1].store;
	size_t wanted = sim->options.services * sim->options.replicas, assigned = 0;
	for (size_t i = 0; i < store->task_count; i++)
		assigned += store->tasks[i].node[0] != '\0';
	return assigned >= wanted;
}

int swarm_cluster_sim_run_until_assigned(struct swarm_cluster_sim *sim, uint64_t deadline_ms,
					 struct swarm_cluster_result *result)
{
	start_result(sim, result);
	int found = run_until(sim, all_assigned, deadline_ms);
	finish_result(sim);
	return found;
}
