/*
 * test_swarm_cluster_sim.c - the swarm joined: Raft managers carrying the store, the leader's
 * loops, workers following the leader (08-swarm/swarm-cluster-sim.c), and `tinydock swarm
 * simulate` telling it (08-swarm/swarm-simulate.c). A failing seed names itself and the
 * command that replays it with its trace.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "swarm-main.h"
#include "swarm-simulate.h"
#include "swarm-snapshot.h"

static void run(const struct swarm_cluster_options *options, struct swarm_cluster_result *result)
{
	struct swarm_cluster_sim *sim = swarm_cluster_sim_new(options);
	ck_assert_msg(sim != NULL, "%s", error_message());
	ck_assert_msg(swarm_cluster_sim_run(sim, result) == 0, "%s", error_message());
	swarm_cluster_sim_free(sim);
	ck_assert_msg(result->ok, "%s (replay: tinydock swarm simulate --managers %zu --seed %llu --scenario %s --trace)",
		      result->failure, options->managers, (unsigned long long)options->seed,
		      swarm_cluster_scenario_name(options->scenario));
}

static void run_seeds(size_t managers, enum swarm_cluster_scenario scenario, uint64_t count)
{
	for (uint64_t seed = 1; seed <= count; seed++) {
		struct swarm_cluster_options options = swarm_cluster_default_options(seed);
		options.managers = managers;
		options.scenario = scenario;
		struct swarm_cluster_result result;
		run(&options, &result);
	}
}

START_TEST(every_invariant_holds_and_the_swarm_converges_over_100_seeds_of_each_scenario)
{
	for (int scenario = 0; scenario <= SWARM_CLUSTER_CHURN; scenario++)
		run_seeds(3, (enum swarm_cluster_scenario)scenario, 100);
}
END_TEST

/* The paths a calm run never takes: a manager that restarts rebuilds its store from its disk,
 * and one too far behind gets the leader's snapshot (swarm_store_restore). */
START_TEST(churn_restarts_managers_and_sends_snapshots_and_every_store_stays_the_same)
{
	size_t restarts = 0, snapshots = 0;
	for (uint64_t seed = 1; seed <= 50; seed++) {
		struct swarm_cluster_options options = swarm_cluster_default_options(seed);
		options.scenario = SWARM_CLUSTER_CHURN;
		struct swarm_cluster_result result;
		run(&options, &result);
		restarts += result.manager_restarts;
		snapshots += result.snapshots_installed;
	}
	ck_assert_uint_gt(restarts, 100);
	ck_assert_uint_gt(snapshots, 10);
}
END_TEST

START_TEST(five_managers_hold_every_invariant_through_100_seeds_of_churn)
{
	run_seeds(5, SWARM_CLUSTER_CHURN, 100);
}
END_TEST

/* The story of a run as swarm_simulate tells it, and its exit status. */
static char *simulate(const struct swarm_cluster_options *options, int *status)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	ck_assert_ptr_nonnull(out);
	*status = swarm_simulate(options, out);
	fclose(out);
	return text;
}

static struct swarm_cluster_options scenario_options(size_t managers, enum swarm_cluster_scenario scenario)
{
	struct swarm_cluster_options options = swarm_cluster_default_options(1);
	options.managers = managers;
	options.scenario = scenario;
	return options;
}

#define ck_assert_says(text, line) ck_assert_msg(strstr(text, line) != NULL, "no \"%s\" in:\n%s", line, text)

START_TEST(the_same_seed_tells_the_same_story)
{
	struct swarm_cluster_options options = scenario_options(3, SWARM_CLUSTER_CHURN);
	options.seed = 42;
	int first_status, second_status;
	char *first = simulate(&options, &first_status), *second = simulate(&options, &second_status);
	ck_assert_int_eq(first_status, second_status);
	ck_assert_str_eq(first, second);
	options.seed = 43;
	char *other = simulate(&options, &second_status);
	ck_assert_str_ne(first, other);
	free(first);
	free(second);
	free(other);
}
END_TEST

/* The replay of a failing seed runs with the trace on: the trace must not change the run. */
START_TEST(a_run_with_its_trace_kept_is_the_same_run)
{
	for (uint64_t seed = 1; seed <= 20; seed++) {
		struct swarm_cluster_options options = swarm_cluster_default_options(seed);
		options.scenario = SWARM_CLUSTER_CHURN;
		struct swarm_cluster_result quiet, traced;
		run(&options, &quiet);
		options.trace = true;
		run(&options, &traced);
		ck_assert_uint_eq(quiet.end_ms, traced.end_ms);
		ck_assert_uint_eq(quiet.entries, traced.entries);
		ck_assert_uint_eq(quiet.moves, traced.moves);
		ck_assert_uint_eq(quiet.leaders, traced.leaders);
	}
}
END_TEST

START_TEST(kill_leader_shows_the_death_a_new_leader_and_the_workers_following_it)
{
	struct swarm_cluster_options options = scenario_options(3, SWARM_CLUSTER_KILL_LEADER);
	int status;
	char *text = simulate(&options, &status);
	ck_assert_int_eq(status, 0);
	ck_assert_says(text, "crashes (it was the leader)");
	ck_assert_says(text, "is leader of term 2");
	ck_assert_says(text, "follows leader");
	ck_assert_says(text, "leader 1 takes the change"); /* with 2 of 3 up, changes go on */
	ck_assert_says(text, "ms after the leader's death");
	ck_assert_says(text, "ok: every invariant held and the swarm converged");
	free(text);
}
END_TEST

START_TEST(kill_worker_shows_the_node_down_and_its_tasks_moving_elsewhere)
{
	struct swarm_cluster_options options = scenario_options(3, SWARM_CLUSTER_KILL_WORKER);
	int status;
	char *text = simulate(&options, &status);
	ck_assert_int_eq(status, 0);
	ck_assert_says(text, "crashes (its containers die with it)");
	ck_assert_says(text, "is down (heartbeat failure");
	ck_assert_says(text, "moves from");
	ck_assert_says(text, "tasks ran elsewhere");
	ck_assert_says(text, "ok: every invariant held and the swarm converged");
	free(text);
}
END_TEST

START_TEST(partition_shows_the_cut_off_leader_stepping_down_and_another_elected)
{
	struct swarm_cluster_options options = scenario_options(3, SWARM_CLUSTER_PARTITION);
	int status;
	char *text = simulate(&options, &status);
	ck_assert_int_eq(status, 0);
	ck_assert_says(text, "cut off from the others");
	ck_assert_says(text, "steps down"); /* check-quorum */
	ck_assert_says(text, "is leader of term 2");
	ck_assert_says(text, "the network heals");
	ck_assert_says(text, "ok: every invariant held and the swarm converged");
	free(text);
}
END_TEST

START_TEST(churn_ends_with_every_worker_back_and_the_swarm_converged)
{
	struct swarm_cluster_options options = scenario_options(3, SWARM_CLUSTER_CHURN);
	int status;
	char *text = simulate(&options, &status);
	ck_assert_int_eq(status, 0);
	ck_assert_says(text, "faults stop: every worker starts again");
	ck_assert_says(text, "converged: every slot runs, every manager up has the same store");
	free(text);
}
END_TEST

START_TEST(two_managers_with_the_leader_killed_elect_no_leader_and_take_no_change_until_it_returns)
{
	struct swarm_cluster_options options = scenario_options(2, SWARM_CLUSTER_KILL_LEADER);
	struct swarm_cluster_result result;
	run(&options, &result);
	ck_assert_uint_eq(result.new_leader_ms, 0);
	ck_assert_uint_ge(result.changes_refused, 4); /* one every 2 s of the 10 s */
	ck_assert_uint_gt(result.leader_after_return_ms, 0);
	int status;
	char *text = simulate(&options, &status);
	ck_assert_int_eq(status, 0);
	ck_assert_says(text, "1 of 2 managers up, and a majority is 2: no leader can be elected (no quorum)");
	ck_assert_says(text, "refused, no leader (no quorum");
	ck_assert_says(text, "ms after the manager returned");
	ck_assert_says(text, "(they tolerate 0 failures)");
	free(text);
}
END_TEST

START_TEST(a_run_that_does_not_converge_in_time_exits_1_with_its_seed_trace_and_replay)
{
	struct swarm_cluster_options options = scenario_options(3, SWARM_CLUSTER_KILL_WORKER);
	options.seed = 7;
	options.settle_limit_ms = 2000; /* the swarm comes up in time; a dead worker is noticed after 3 s */
	int status;
	char *text = simulate(&options, &status);
	ck_assert_int_eq(status, 1);
	ck_assert_says(text, "FAILED: seed 7, at");
	ck_assert_says(text, "not converged 2000 ms after the kill");
	ck_assert_says(text, "replay: tinydock swarm simulate --managers 3 --workers 5 --seed 7 --scenario kill-worker --trace");
	ck_assert_says(text, "\ntrace:\n");
	free(text);
}
END_TEST

/* Every manager's store, byte for byte, is the same at the end of a run with a failover. */
START_TEST(after_a_failover_every_managers_store_holds_the_same_bytes)
{
	struct swarm_cluster_options options = scenario_options(3, SWARM_CLUSTER_KILL_LEADER);
	struct swarm_cluster_sim *sim = swarm_cluster_sim_new(&options);
	struct swarm_cluster_result result;
	ck_assert_int_eq(swarm_cluster_sim_run(sim, &result), 0);
	ck_assert_msg(result.ok, "%s", result.failure);
	char *first = NULL;
	for (raft_id id = 1; id <= 3; id++) {
		const struct swarm_store *store = swarm_cluster_sim_store(sim, id);
		ck_assert_ptr_nonnull(store);
		ck_assert_uint_eq(store->service_count, 2);
		size_t size;
		char *bytes = swarm_store_snapshot(store, &size);
		ck_assert_ptr_nonnull(bytes);
		if (!first)
			first = bytes;
		else {
			ck_assert_str_eq(bytes, first);
			free(bytes);
		}
	}
	free(first);
	swarm_cluster_sim_free(sim);
}
END_TEST

/* Issue 15's Speed, in virtual time with the default settings (make sim prints them). */
START_TEST(a_killed_workers_tasks_run_elsewhere_within_5_s_and_a_new_leader_comes_within_3_s)
{
	for (uint64_t seed = 1; seed <= 20; seed++) {
		struct swarm_cluster_options options = swarm_cluster_default_options(seed);
		struct swarm_cluster_result result;
		options.scenario = SWARM_CLUSTER_KILL_WORKER;
		run(&options, &result);
		ck_assert_uint_gt(result.recovery_ms, 0);
		ck_assert_uint_le(result.recovery_ms, 5000);
		options.scenario = SWARM_CLUSTER_KILL_LEADER;
		run(&options, &result);
		ck_assert_uint_gt(result.new_leader_ms, 0);
		ck_assert_uint_le(result.new_leader_ms, 3000);
	}
}
END_TEST

START_TEST(a_thousand_tasks_on_a_hundred_workers_are_placed_through_raft)
{
	struct swarm_cluster_options options = swarm_cluster_default_options(1);
	options.workers = 100;
	options.services = 1;
	options.replicas = 1000;
	struct swarm_cluster_sim *sim = swarm_cluster_sim_new(&options);
	struct swarm_cluster_result result;
	ck_assert_int_eq(swarm_cluster_sim_run_until_assigned(sim, 10000, &result), 1);
	const struct swarm_store *store = swarm_cluster_sim_store(sim, 1);
	ck_assert_ptr_nonnull(store);
	ck_assert_uint_eq(store->task_count, 1000);
	swarm_cluster_sim_free(sim);
}
END_TEST

START_TEST(an_unknown_scenario_is_a_usage_error)
{
	char *argv[] = { "swarm", "simulate", "--scenario", "kill-everyone", NULL };
	ck_assert_int_eq(cmd_swarm(4, argv), 125);
	char *count[] = { "swarm", "simulate", "--managers", "10", NULL };
	ck_assert_int_eq(cmd_swarm(4, count), 125);
	char *unknown[] = { "swarm", "simulte", NULL };
	ck_assert_int_eq(cmd_swarm(2, unknown), 125);
}
END_TEST

Suite *swarm_cluster_sim_suite(void)
{
	Suite *s = suite_create("swarm_cluster_sim");
	TCase *seeds = tcase_create("seeds");
	tcase_set_timeout(seeds, 120);
	tcase_add_test(seeds, every_invariant_holds_and_the_swarm_converges_over_100_seeds_of_each_scenario);
	tcase_add_test(seeds, five_managers_hold_every_invariant_through_100_seeds_of_churn);
	tcase_add_test(seeds, churn_restarts_managers_and_sends_snapshots_and_every_store_stays_the_same);
	tcase_add_test(seeds, the_same_seed_tells_the_same_story);
	tcase_add_test(seeds, a_run_with_its_trace_kept_is_the_same_run);
	tcase_add_test(seeds, after_a_failover_every_managers_store_holds_the_same_bytes);
	suite_add_tcase(s, seeds);
	TCase *scenarios = tcase_create("simulate");
	tcase_set_timeout(scenarios, 60);
	tcase_add_test(scenarios, kill_leader_shows_the_death_a_new_leader_and_the_workers_following_it);
	tcase_add_test(scenarios, kill_worker_shows_the_node_down_and_its_tasks_moving_elsewhere);
	tcase_add_test(scenarios, partition_shows_the_cut_off_leader_stepping_down_and_another_elected);
	tcase_add_test(scenarios, churn_ends_with_every_worker_back_and_the_swarm_converged);
	tcase_add_test(scenarios, two_managers_with_the_leader_killed_elect_no_leader_and_take_no_change_until_it_returns);
	tcase_add_test(scenarios, a_run_that_does_not_converge_in_time_exits_1_with_its_seed_trace_and_replay);
	tcase_add_test(scenarios, an_unknown_scenario_is_a_usage_error);
	suite_add_tcase(s, scenarios);
	TCase *speed = tcase_create("speed");
	tcase_set_timeout(speed, 60);
	tcase_add_test(speed, a_killed_workers_tasks_run_elsewhere_within_5_s_and_a_new_leader_comes_within_3_s);
	tcase_add_test(speed, a_thousand_tasks_on_a_hundred_workers_are_placed_through_raft);
	suite_add_tcase(s, speed);
	return s;
}
