/*
 * swarm-simulate.c - `tinydock swarm simulate`: run a scenario in the swarm simulator and tell
 * it, for the lecture and the labs.
 *
 * The point is to see what a majority means. With 3 managers the leader can die and another
 * takes over within seconds; with 2, one down leaves one, which is not a majority of 2, so no
 * leader can be elected and no change is accepted until the other returns. The numbers come
 * from the simulator; the command only chooses the scenario and prints.
 */
#include "swarm-simulate.h"
#include "swarm-node-command.h"
#include "cli.h"
#include "error.h"

#include <inttypes.h>
#include <string.h>

static const char SWARM_HELP[] =
	"Usage:  tinydock swarm COMMAND\n"
	"\n"
	"  init         start this machine's node process as a new swarm's first manager\n"
	"  join         join a swarm as a worker or a manager\n"
	"  join-token   show the token to join as a worker or a manager\n"
	"  leave        leave the swarm (the node process stops)\n"
	"  start        start the node process again from its state (after a crash)\n"
	"  simulate     run a swarm in the simulator (below)\n"
	"\n"
	"Usage:  tinydock swarm simulate [OPTIONS]\n"
	"\n"
	"Run a swarm of managers (Raft) and workers in a simulator with a virtual clock, and\n"
	"print its timeline: who led when, which tasks moved where. Exits 0 only when every\n"
	"invariant held and the swarm converged to its desired state.\n"
	"\n"
	"Options:\n"
	"      --managers N      managers (1 to 9; default 3)\n"
	"      --workers N       workers (default 5)\n"
	"      --seed S          the seed: the same seed runs the same story (default 1)\n"
	"      --scenario NAME   kill-leader, kill-worker, partition or churn (default kill-leader)\n"
	"      --trace           print every Raft message as well\n";

static void print_settings(const struct swarm_cluster_options *o, FILE *out)
{
	fprintf(out, "swarm simulate: %zu managers, %zu workers, %zu services of %" PRIu32 " replicas, seed %" PRIu64
		", scenario %s\n", o->managers, o->workers, o->services, o->replicas, o->seed,
		swarm_cluster_scenario_name(o->scenario));
	fprintf(out, "settings: election timeout %u ms, Raft heartbeat %u ms, worker heartbeat %" PRIu64
		" ms (down after %d missed), step %" PRIu64 " ms\n\n", o->raft.election_timeout_ms, o->raft.heartbeat_ms,
		o->heartbeat_ms, SWARM_HEARTBEAT_GRACE, o->tick_ms);
}

static void print_summary(const struct swarm_cluster_options *o, const struct swarm_cluster_result *r, FILE *out)
{
	size_t majority = o->managers / 2 + 1;
	fprintf(out, "\nsummary:\n");
	fprintf(out, "  quorum: %zu managers need %zu up to elect a leader and commit a change "
		"(they tolerate %zu failure%s)\n", o->managers, majority, o->managers - majority,
		o->managers - majority == 1 ? "" : "s");
	if (r->calm_ms)
		fprintf(out, "  the swarm was up (every slot running) at %" PRIu64 " ms\n", r->calm_ms);
	switch (o->scenario) {
	case SWARM_CLUSTER_KILL_LEADER:
	case SWARM_CLUSTER_PARTITION:
		if (r->new_leader_ms)
			fprintf(out, "  a new leader %" PRIu64 " ms after the %s\n", r->new_leader_ms,
				o->scenario == SWARM_CLUSTER_PARTITION ? "partition" : "leader's death");
		else if (r->fault_ms)
			fprintf(out, "  no leader while %s: the managers left were no majority (no quorum)\n",
				o->scenario == SWARM_CLUSTER_PARTITION ? "the partition lasted" : "the manager was down");
		if (r->leader_after_return_ms)
			fprintf(out, "  a leader %" PRIu64 " ms after the manager returned\n", r->leader_after_return_ms);
		if (r->changes_refused)
			fprintf(out, "  %zu change%s refused for want of a leader\n", r->changes_refused,
				r->changes_refused == 1 ? "" : "s");
		break;
	case SWARM_CLUSTER_KILL_WORKER:
		if (r->recovery_ms)
			fprintf(out, "  the dead worker's tasks ran elsewhere %" PRIu64 " ms after the kill\n", r->recovery_ms);
		break;
	case SWARM_CLUSTER_CHURN:
		break;
	}
	fprintf(out, "  %zu term%s had a leader, %zu swarm commands committed, %zu task%s moved\n", r->leaders,
		r->leaders == 1 ? "" : "s", r->entries, r->moves, r->moves == 1 ? "" : "s");
	if (r->manager_restarts || r->snapshots_installed)
		fprintf(out, "  %zu manager restart%s (each rebuilt its store from its disk), %zu snapshot%s sent to a manager "
			"behind\n", r->manager_restarts, r->manager_restarts == 1 ? "" : "s", r->snapshots_installed,
			r->snapshots_installed == 1 ? "" : "s");
	if (r->converged_ms)
		fprintf(out, "  converged %" PRIu64 " ms after the last fault ended\n", r->converged_ms);
}

int swarm_simulate(const struct swarm_cluster_options *options, FILE *out)
{
	struct swarm_cluster_options o = *options;
	o.trace = true; /* kept in memory; printed when the run fails, or when asked */
	struct swarm_cluster_sim *sim = swarm_cluster_sim_new(&o);
	if (!sim)
		return error_report(-1);
	struct swarm_cluster_result result;
	if (swarm_cluster_sim_run(sim, &result) < 0) {
		swarm_cluster_sim_free(sim);
		return error_report(-1);
	}
	print_settings(&o, out);
	swarm_cluster_sim_print_timeline(sim, out);
	print_summary(&o, &result, out);
	if (options->trace || !result.ok) {
		fprintf(out, "\ntrace:\n");
		swarm_cluster_sim_print_trace(sim, out);
	}
	if (result.ok)
		fprintf(out, "\nok: every invariant held and the swarm converged\n");
	else
		fprintf(out, "\nFAILED: %s\nreplay: tinydock swarm simulate --managers %zu --workers %zu --seed %" PRIu64
			" --scenario %s --trace\n", result.failure, o.managers, o.workers, o.seed,
			swarm_cluster_scenario_name(o.scenario));
	swarm_cluster_sim_free(sim);
	return result.ok ? 0 : 1;
}

/* --name VALUE as a number in [min, max]. */
static int number_flag(const char *flag, const char *value, unsigned long long min, unsigned long long max,
		       unsigned long long *number)
{
	if (!value)
		return usage_error("swarm simulate", "%s needs a value", flag);
	if (parse_uint(value, max, number) < 0 || *number < min)
		return usage_error("swarm simulate", "%s takes a number from %llu to %llu, not \"%s\"", flag, min, max, value);
	return 0;
}

int cmd_swarm(int argc, char **argv)
{
	bool handled; /* init, join, join-token, leave, start: the node process's (each with its --help) */
	int status = swarm_node_command(argc, argv, &handled);
	if (handled)
		return status;
	if (asks_for_help(argc, argv))
		return print_help(SWARM_HELP);
	if (argc < 2)
		return usage_error("swarm", "requires a command: init, join, join-token, leave, start or simulate");
	if (strcmp(argv[1], "simulate") != 0)
		return usage_error("swarm", "unknown command \"%s\": init, join, join-token, leave, start or simulate", argv[1]);
	struct swarm_cluster_options options = swarm_cluster_default_options(1);
	for (int i = 2; i < argc; i++) {
		const char *flag = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
		unsigned long long number;
		int code = 0;
		if (strcmp(flag, "--trace") == 0) {
			options.trace = true;
			continue;
		}
		if (strcmp(flag, "--managers") == 0) {
			if (!(code = number_flag(flag, value, 1, RAFT_MAX_MEMBERS, &number)))
				options.managers = number;
		} else if (strcmp(flag, "--workers") == 0) {
			if (!(code = number_flag(flag, value, 1, 1000, &number)))
				options.workers = number;
		} else if (strcmp(flag, "--seed") == 0) {
			if (!(code = number_flag(flag, value, 0, UINT64_MAX, &number)))
				options.seed = number;
		} else if (strcmp(flag, "--scenario") == 0) {
			if (!value)
				return usage_error("swarm simulate", "--scenario needs a value");
			if (swarm_cluster_scenario_parse(value, &options.scenario) < 0) {
				code = usage_error("swarm simulate", "%s", error_message());
				error_clear();
			}
		} else {
			return usage_error("swarm simulate", "unknown flag: %s", flag);
		}
		if (code)
			return code;
		i++; /* the value */
	}
	return swarm_simulate(&options, stdout);
}
