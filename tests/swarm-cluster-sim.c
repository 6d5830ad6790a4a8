/*
 * swarm-cluster-sim.c - the driver of the joined swarm simulation in `make sim`: runs the
 * scenarios of 08-swarm/swarm-cluster-sim.h over many seeds, and measures issue 15's figures.
 *
 *   build/swarm-cluster-sim --seeds 1000                 every scenario, seeds 1..1000
 *   build/swarm-cluster-sim --seeds 1000 --scenario churn --managers 5
 *   build/swarm-cluster-sim --figures                    the speed figures, with their settings
 *
 * A failing seed prints the failure and the command that replays it with its trace
 * (`tinydock swarm simulate ... --trace`): a run is a function of its seed.
 */
#include "error.h"
#include "swarm-cluster-sim.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double seconds_now(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec + now.tv_nsec / 1e9;
}

/* One run; 0 when it held, 1 when it failed (said on stderr), -1 when it could not run. */
static int run_one(const struct swarm_cluster_options *options, struct swarm_cluster_result *result)
{
	struct swarm_cluster_sim *sim = swarm_cluster_sim_new(options);
	if (!sim || swarm_cluster_sim_run(sim, result) < 0) {
		swarm_cluster_sim_free(sim);
		return error_report(-1);
	}
	swarm_cluster_sim_free(sim);
	if (result->ok)
		return 0;
	fprintf(stderr, "FAILED: %s\nreplay: build/tinydock swarm simulate --managers %zu --workers %zu --seed %" PRIu64
		" --scenario %s --trace\n", result->failure, options->managers, options->workers, options->seed,
		swarm_cluster_scenario_name(options->scenario));
	return 1;
}

static int run_seeds(size_t managers, int scenario, uint64_t first, uint64_t count)
{
	for (int s = 0; s <= SWARM_CLUSTER_CHURN; s++) {
		if (scenario >= 0 && s != scenario)
			continue;
		double start = seconds_now();
		uint64_t worst_converged = 0;
		for (uint64_t seed = first; seed < first + count; seed++) {
			struct swarm_cluster_options options = swarm_cluster_default_options(seed);
			options.managers = managers;
			options.scenario = (enum swarm_cluster_scenario)s;
			struct swarm_cluster_result result;
			int status = run_one(&options, &result);
			if (status)
				return 1;
			if (result.converged_ms > worst_converged)
				worst_converged = result.converged_ms;
		}
		printf("%-12s %zu manager%s: %" PRIu64 " seeds from %" PRIu64 " held, converged at worst %" PRIu64
		       " ms after the faults (%.1f s)\n", swarm_cluster_scenario_name((enum swarm_cluster_scenario)s), managers, managers == 1 ? "" : "s",
		       count, first, worst_converged, seconds_now() - start);
	}
	return 0;
}

/* Issue 15's Speed: 1,000 tasks placed, a dead worker's tasks elsewhere, a new leader. */
static int figures(uint64_t seeds)
{
	struct swarm_cluster_options options = swarm_cluster_default_options(1);
	options.workers = 100;
	options.services = 1;
	options.replicas = 1000;
	options.check_stores = false; /* the figure is the swarm's time, not the checks' */
	struct swarm_cluster_sim *sim = swarm_cluster_sim_new(&options);
	if (!sim)
		return error_report(-1);
	struct swarm_cluster_result result;
	double start = seconds_now();
	int found = swarm_cluster_sim_run_until_assigned(sim, 60000, &result);
	double elapsed = seconds_now() - start;
	swarm_cluster_sim_free(sim);
	if (found != 1) {
		fprintf(stderr, "FAILED: 1,000 tasks not placed within 60 s of virtual time%s%s\n", result.ok ? "" : ": ",
			result.ok ? "" : result.failure);
		return 1;
	}
	printf("3 managers, 100 workers: 1,000 tasks created, placed and committed through Raft in %.0f ms of real "
	       "time (%" PRIu64 " ms of virtual time, the first election included; %zu commands)\n",
	       elapsed * 1000, result.end_ms, result.entries);

	uint64_t worst_recovery = 0, total_recovery = 0, worst_leader = 0, total_leader = 0;
	for (uint64_t seed = 1; seed <= seeds; seed++) {
		struct swarm_cluster_options o = swarm_cluster_default_options(seed);
		o.scenario = SWARM_CLUSTER_KILL_WORKER;
		if (run_one(&o, &result))
			return 1;
		total_recovery += result.recovery_ms;
		if (result.recovery_ms > worst_recovery)
			worst_recovery = result.recovery_ms;
		o.scenario = SWARM_CLUSTER_KILL_LEADER;
		if (run_one(&o, &result))
			return 1;
		total_leader += result.new_leader_ms;
		if (result.new_leader_ms > worst_leader)
			worst_leader = result.new_leader_ms;
	}
	struct swarm_cluster_options d = swarm_cluster_default_options(0);
	printf("a worker killed: its tasks run elsewhere after %" PRIu64 " ms on average, %" PRIu64
	       " ms at worst (%" PRIu64 " seeds; heartbeat %" PRIu64 " ms, down after %d missed, containers start in "
	       "%" PRIu64 "..%" PRIu64 " ms)\n", total_recovery / seeds, worst_recovery, seeds, d.heartbeat_ms,
	       SWARM_HEARTBEAT_GRACE, d.start_min_ms, d.start_max_ms);
	printf("the leader killed: a new leader after %" PRIu64 " ms on average, %" PRIu64 " ms at worst (%" PRIu64
	       " seeds; election timeout %u ms, drawn from [%u, %u), Raft heartbeat %u ms, pre-vote, check-quorum)\n",
	       total_leader / seeds, worst_leader, seeds, d.raft.election_timeout_ms, d.raft.election_timeout_ms,
	       2 * d.raft.election_timeout_ms, d.raft.heartbeat_ms);
	return worst_recovery <= 5000 && worst_leader <= 3000 ? 0 : 1;
}

int main(int argc, char **argv)
{
	uint64_t seeds = 100, first = 1;
	size_t managers = 3;
	int scenario = -1;
	bool want_figures = false;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(arg, "--figures") == 0) {
			want_figures = true;
			continue;
		}
		if (!value)
			goto usage;
		if (strcmp(arg, "--seeds") == 0)
			seeds = strtoull(value, NULL, 10);
		else if (strcmp(arg, "--first") == 0)
			first = strtoull(value, NULL, 10);
		else if (strcmp(arg, "--managers") == 0)
			managers = strtoul(value, NULL, 10);
		else if (strcmp(arg, "--scenario") == 0) {
			enum swarm_cluster_scenario parsed;
			if (swarm_cluster_scenario_parse(value, &parsed) < 0)
				return error_report(2);
			scenario = (int)parsed;
		} else
			goto usage;
		i++;
	}
	if (seeds == 0)
		goto usage;
	return want_figures ? figures(seeds) : run_seeds(managers, scenario, first, seeds);
usage:
	fprintf(stderr, "usage: swarm-cluster-sim [--seeds N] [--first S] [--managers N] "
			"[--scenario kill-leader|kill-worker|partition|churn] [--figures]\n");
	return 2;
}
