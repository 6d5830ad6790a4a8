/*
 * raft-sim.c - the driver of `make sim`: runs the Raft simulation (08-swarm/raft-sim.h) over
 * many seeds and reports.
 *
 *   build/raft-sim --seeds 100000            every seed from 1: faults for 20 s, then calm
 *   build/raft-sim --seed 4242 --timeline    one seed, and who was leader when
 *   build/raft-sim --seed 4242 --trace       one seed, every event (how a failure is read)
 *   build/raft-sim --failover --seeds 1000   kill the leader of a calm cluster: time to a new one
 *   build/raft-sim --scenario kill-leader|no-quorum|partition   the lesson's timelines
 *   --members N (3), --election-timeout MS (1000), --no-pre-vote, --fault-every MS (a fault drawn
 *   about this often), --faults-until MS (when faults stop)
 *
 * A failing seed is run again with the trace on, and its trace printed: a run is a function
 * of its seed, so the second run is the first one, event for event.
 */
#include "error.h"
#include "raft-sim.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How long after faults stop the cluster has to elect a leader and apply a command. */
#define LIVENESS_MS 30000

static double seconds_now(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec + now.tv_nsec / 1e9;
}

static int usage(void)
{
	fprintf(stderr, "usage: raft-sim [--seeds N] [--first S] [--seed S] [--timeline] [--trace] "
			"[--failover] [--scenario kill-leader|no-quorum|partition] [--members N] [--election-timeout MS] "
			"[--no-pre-vote] [--fault-every MS] [--faults-until MS]\n");
	return 2;
}

static int replay(struct raft_sim_options options)
{
	struct raft_sim sim;
	options.trace = true;
	raft_sim_run_seed(&options, LIVENESS_MS, &sim);
	raft_sim_print_trace(stderr, &sim);
	fprintf(stderr, "timeline:\n");
	raft_sim_print_timeline(stderr, &sim);
	raft_sim_free(&sim);
	fprintf(stderr, "replay: build/raft-sim --seed %" PRIu64 " --members %zu --election-timeout %u%s --trace\n",
		options.seed, options.members, options.raft.election_timeout_ms,
		options.raft.pre_vote ? "" : " --no-pre-vote");
	return 1;
}

static int run_seeds(struct raft_sim_options options, uint64_t first, uint64_t count, bool timeline)
{
	double start = seconds_now();
	uint64_t worst_convergence = 0, steps = 0, delivered = 0, committed = 0, leaders = 0, crashes = 0;
	for (uint64_t seed = first; seed < first + count; seed++) {
		options.seed = seed;
		struct raft_sim sim;
		if (raft_sim_run_seed(&options, LIVENESS_MS, &sim) < 0) {
			fprintf(stderr, "raft-sim: %s\n", error_message());
			raft_sim_free(&sim);
			return options.trace ? 1 : replay(options);
		}
		if (options.trace)
			raft_sim_print_trace(stdout, &sim);
		if (timeline)
			raft_sim_print_timeline(stdout, &sim);
		if (sim.converged_after_ms > worst_convergence)
			worst_convergence = sim.converged_after_ms;
		steps += sim.steps;
		delivered += sim.delivered;
		committed += raft_sim_committed(&sim);
		leaders += raft_checks_leaders(&sim.checks);
		for (size_t n = 0; n < sim.node_count; n++)
			crashes += sim.nodes[n].restarts;
		raft_sim_free(&sim);
	}
	double elapsed = seconds_now() - start;
	printf("%" PRIu64 " seeds from %" PRIu64 ", %zu managers, every check held: %.0f seeds/s, %.1f M steps/s;\n"
	       "a seed on average: %.0f messages delivered, %.1f restarts, %.1f leaders elected, %.0f entries committed;\n"
	       "after %" PRIu64 " s of faults, a command was applied by every manager within %" PRIu64
	       " ms (worst seed)\n",
	       count, first, options.members, count / elapsed, steps / elapsed / 1e6, (double)delivered / count,
	       (double)crashes / count, (double)leaders / count, (double)committed / count,
	       options.faults_until_ms / 1000, worst_convergence);
	return 0;
}

/* --- scenarios for the lesson (08-swarm/raft.md) --- */

static int fail_scenario(struct raft_sim *sim)
{
	fprintf(stderr, "raft-sim: %s\n", error_message());
	raft_sim_free(sim);
	return 1;
}

/* Run until `until`, then say how far the log is committed. */
static int phase(struct raft_sim *sim, uint64_t until)
{
	if (raft_sim_run_until(sim, until) < 0)
		return -1;
	/* Every node that believes it leads: one cut off from the majority may, in an old term. */
	char leaders[256] = "";
	for (size_t i = 0; i < sim->node_count; i++) {
		const struct raft_sim_node *node = &sim->nodes[i];
		if (node->up && node->raft.role == RAFT_LEADER)
			snprintf(leaders + strlen(leaders), sizeof(leaders) - strlen(leaders),
				 "%s%zu leads term %" PRIu64 " and has committed %" PRIu64, leaders[0] ? "; " : "",
				 i + 1, node->raft.persisted.term, node->raft.commit_index);
	}
	raft_sim_note(sim, "%s (entries committed in the cluster: %" PRIu64 ")", leaders[0] ? leaders : "no leader",
		      raft_sim_committed(sim));
	return 0;
}

/* kill-leader: 3 managers; the leader dies and comes back. no-quorum: 2 managers; the leader
 * dies, the other cannot be elected alone; it comes back. partition: 5 managers; the leader and
 * one other are cut off from the three others, who elect a leader; the network heals. */
static int run_scenario(struct raft_sim_options options, const char *name)
{
	options.faults = false;
	bool kill_leader = strcmp(name, "kill-leader") == 0, no_quorum = strcmp(name, "no-quorum") == 0;
	bool partition = strcmp(name, "partition") == 0;
	if (!kill_leader && !no_quorum && !partition)
		return usage();
	options.members = kill_leader ? 3 : no_quorum ? 2 : 5;
	struct raft_sim sim;
	if (raft_sim_init(&sim, &options) < 0)
		return fail_scenario(&sim);
	if (phase(&sim, 5000) < 0)
		return fail_scenario(&sim);
	raft_id leader = raft_sim_leader(&sim);
	if (partition) {
		raft_id side[2] = { leader, leader % options.members + 1 };
		raft_sim_partition(&sim, side, 2);
	} else {
		raft_sim_crash(&sim, leader);
	}
	if (phase(&sim, 15000) < 0)
		return fail_scenario(&sim);
	if (partition)
		raft_sim_heal(&sim);
	else if (raft_sim_restart(&sim, leader) < 0)
		return fail_scenario(&sim);
	if (phase(&sim, 20000) < 0)
		return fail_scenario(&sim);
	if (options.trace)
		raft_sim_print_trace(stdout, &sim);
	raft_sim_print_timeline(stdout, &sim);
	raft_sim_free(&sim);
	return 0;
}

static int compare_times(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int run_failover(struct raft_sim_options options, uint64_t first, uint64_t count)
{
	uint64_t *times = calloc(count, sizeof(*times)), total = 0;
	if (!times) {
		fprintf(stderr, "raft-sim: out of memory\n");
		return 1;
	}
	for (uint64_t i = 0; i < count; i++) {
		options.seed = first + i;
		if (raft_sim_measure_failover(&options, &times[i]) < 0) {
			fprintf(stderr, "raft-sim: %s\n", error_message());
			free(times);
			return 1;
		}
		total += times[i];
	}
	qsort(times, count, sizeof(*times), compare_times);
	printf("leader killed, %zu managers, election timeout %u ms, heartbeat %u ms, pre-vote %s, %" PRIu64
	       " seeds: a new leader after %" PRIu64 " ms on average; median %" PRIu64 ", 99th percentile %" PRIu64
	       ", min %" PRIu64 ", max %" PRIu64 " ms\n",
	       options.members, options.raft.election_timeout_ms, options.raft.heartbeat_ms,
	       options.raft.pre_vote ? "on" : "off", count, total / count, times[count / 2], times[count * 99 / 100],
	       times[0], times[count - 1]);
	free(times);
	return 0;
}

int main(int argc, char **argv)
{
	struct raft_sim_options options = raft_sim_default_options(1);
	uint64_t first = 1, count = 1000;
	bool timeline = false, failover = false;
	const char *scenario = NULL;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(arg, "--timeline") == 0) {
			timeline = true;
		} else if (strcmp(arg, "--trace") == 0) {
			options.trace = true;
		} else if (strcmp(arg, "--failover") == 0) {
			failover = true;
		} else if (strcmp(arg, "--no-pre-vote") == 0) {
			options.raft.pre_vote = false;
		} else if (value && strcmp(arg, "--seeds") == 0) {
			count = strtoull(value, NULL, 10), i++;
		} else if (value && strcmp(arg, "--first") == 0) {
			first = strtoull(value, NULL, 10), i++;
		} else if (value && strcmp(arg, "--seed") == 0) {
			first = strtoull(value, NULL, 10), count = 1, i++;
		} else if (value && strcmp(arg, "--scenario") == 0) {
			scenario = value, i++;
		} else if (value && strcmp(arg, "--members") == 0) {
			options.members = strtoul(value, NULL, 10), i++;
		} else if (value && strcmp(arg, "--fault-every") == 0) {
			options.fault_every_ms = strtoul(value, NULL, 10), i++;
		} else if (value && strcmp(arg, "--faults-until") == 0) {
			options.faults_until_ms = strtoull(value, NULL, 10), i++;
		} else if (value && strcmp(arg, "--election-timeout") == 0) {
			options.raft.election_timeout_ms = strtoul(value, NULL, 10), i++;
		} else {
			return usage();
		}
	}
	if (count == 0 || options.members == 0 || options.members > RAFT_MAX_MEMBERS ||
	    options.raft.election_timeout_ms == 0)
		return usage();
	if (scenario)
		return run_scenario(options, scenario);
	return failover ? run_failover(options, first, count) : run_seeds(options, first, count, timeline);
}
