/*
 * raft-sim.c - the driver of `make sim`: runs the Raft simulation (08-swarm/raft-sim.h) over
 * many seeds and reports.
 *
 *   build/raft-sim --seeds 100000            every seed from 1: faults for 20 s, then calm
 *   build/raft-sim --seed 4242 --timeline    one seed, and who was leader when
 *   build/raft-sim --seed 4242 --trace       one seed, every event (how a failure is read)
 *   build/raft-sim --failover --seeds 1000   kill the leader of a calm cluster: time to a new one
 *   --members N (3), --election-timeout MS (1000), --no-pre-vote
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
			"[--failover] [--members N] [--election-timeout MS] [--no-pre-vote]\n");
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
	uint64_t worst_convergence = 0, steps = 0;
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
		raft_sim_free(&sim);
	}
	double elapsed = seconds_now() - start;
	printf("%" PRIu64 " seeds from %" PRIu64 ", %zu managers, every check held: %.0f seeds/s, %.1f M steps/s;\n"
	       "after %" PRIu64 " s of faults, a command was applied by every manager within %" PRIu64
	       " ms (worst seed)\n",
	       count, first, options.members, count / elapsed, steps / elapsed / 1e6,
	       options.faults_until_ms / 1000, worst_convergence);
	return 0;
}

static int run_failover(struct raft_sim_options options, uint64_t first, uint64_t count)
{
	uint64_t total = 0, worst = 0, best = UINT64_MAX;
	for (uint64_t seed = first; seed < first + count; seed++) {
		options.seed = seed;
		uint64_t elapsed;
		if (raft_sim_measure_failover(&options, &elapsed) < 0) {
			fprintf(stderr, "raft-sim: %s\n", error_message());
			return 1;
		}
		total += elapsed;
		worst = elapsed > worst ? elapsed : worst;
		best = elapsed < best ? elapsed : best;
	}
	printf("leader killed, %zu managers, election timeout %u ms, heartbeat %u ms, pre-vote %s: "
	       "a new leader after %" PRIu64 " ms on average, %" PRIu64 " to %" PRIu64 " ms (%" PRIu64 " seeds)\n",
	       options.members, options.raft.election_timeout_ms, options.raft.heartbeat_ms,
	       options.raft.pre_vote ? "on" : "off", total / count, best, worst, count);
	return 0;
}

int main(int argc, char **argv)
{
	struct raft_sim_options options = raft_sim_default_options(1);
	uint64_t first = 1, count = 1000;
	bool timeline = false, failover = false;
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
		} else if (value && strcmp(arg, "--members") == 0) {
			options.members = strtoul(value, NULL, 10), i++;
		} else if (value && strcmp(arg, "--election-timeout") == 0) {
			options.raft.election_timeout_ms = strtoul(value, NULL, 10), i++;
		} else {
			return usage();
		}
	}
	if (count == 0 || options.members == 0 || options.members > RAFT_MAX_MEMBERS ||
	    options.raft.election_timeout_ms == 0)
		return usage();
	return failover ? run_failover(options, first, count) : run_seeds(options, first, count, timeline);
}
