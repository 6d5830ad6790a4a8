/*
 * test_swarm_sim.c - the swarm's control loops under faults, seed after seed
 * (08-swarm/swarm-sim.c). A failing seed prints itself and its trace, to be replayed with
 * swarm_sim_default_options(seed).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "swarm-sim.h"

/* Run options; on failure print the seed and the trace, and fail. */
static void run(const struct swarm_sim_options *options, struct swarm_sim_result *result)
{
	struct swarm_sim *sim = swarm_sim_new(options);
	ck_assert_ptr_nonnull(sim);
	ck_assert_msg(swarm_sim_run(sim, result) == 0, "seed %llu: %s", (unsigned long long)options->seed,
	              error_message());
	if (!result->ok) {
		fprintf(stderr, "swarm simulation: seed %llu failed: %s\ntrace (last events):\n",
		        (unsigned long long)options->seed, result->failure);
		swarm_sim_print_trace(sim, stderr);
	}
	swarm_sim_free(sim);
	ck_assert_msg(result->ok, "seed %llu: %s", (unsigned long long)options->seed, result->failure);
}

#define SEEDS 500

START_TEST(under_crashes_drains_scaling_updates_and_failures_every_invariant_holds_and_the_swarm_converges)
{
	struct swarm_sim_result totals = { 0 };
	uint64_t slowest = 0;
	for (uint64_t seed = 1; seed <= SEEDS; seed++) {
		struct swarm_sim_options options = swarm_sim_default_options(seed);
		struct swarm_sim_result result;
		run(&options, &result);
		ck_assert_uint_eq(result.refused, 0);
		if (result.converged_ms - options.fault_time_ms > slowest)
			slowest = result.converged_ms - options.fault_time_ms;
		totals.commands += result.commands;
		totals.crashes += result.crashes;
		totals.drains += result.drains;
		totals.updates += result.updates;
		totals.scalings += result.scalings;
		totals.container_failures += result.container_failures;
	}
	fprintf(stderr, "swarm simulation: %d seeds, %zu commands, %zu worker crashes, %zu drains, %zu updates, "
	        "%zu scalings, %zu container failures; converged at most %llu ms after the faults stopped\n",
	        SEEDS, totals.commands, totals.crashes, totals.drains, totals.updates, totals.scalings,
	        totals.container_failures, (unsigned long long)slowest);
	/* the faults did happen: a run without them would prove nothing */
	ck_assert_uint_gt(totals.crashes, SEEDS / 2);
	ck_assert_uint_gt(totals.updates, SEEDS / 2);
	ck_assert_uint_gt(totals.container_failures, SEEDS);
}
END_TEST

/* The figure: a killed worker's tasks run elsewhere within 5 s of virtual time with
 * the default settings (heartbeat 1 s, grace 3 periods). */
START_TEST(a_killed_workers_tasks_run_elsewhere_within_five_seconds)
{
	uint64_t slowest = 0;
	for (uint64_t seed = 1; seed <= 100; seed++) {
		struct swarm_sim_options options = swarm_sim_default_options(seed);
		options.scenario = SWARM_SIM_KILL_WORKER;
		options.settle_limit_ms = 30000;
		struct swarm_sim_result result;
		run(&options, &result);
		ck_assert_uint_eq(result.crashes, 1);
		ck_assert_uint_gt(result.recovery_ms, 0);
		if (result.recovery_ms > slowest)
			slowest = result.recovery_ms;
	}
	fprintf(stderr, "swarm simulation: a killed worker's tasks ran elsewhere at most %llu ms later "
	        "(heartbeat 1000 ms, grace 3 periods, containers start in 100-500 ms)\n", (unsigned long long)slowest);
	ck_assert_uint_lt(slowest, 5000);
}
END_TEST

/* The same at the scale: 100 workers, a service of 1,000 replicas and a global one. */
START_TEST(on_a_hundred_workers_a_killed_workers_tasks_run_elsewhere_within_five_seconds)
{
	for (uint64_t seed = 1; seed <= 2; seed++) {
		struct swarm_sim_options options = swarm_sim_default_options(seed);
		options.scenario = SWARM_SIM_KILL_WORKER;
		options.workers = 100;
		options.services = 1;
		options.replicas = 1000;
		options.settle_limit_ms = 30000;
		struct swarm_sim_result result;
		run(&options, &result);
		fprintf(stderr, "swarm simulation: seed %llu, 100 workers, 1000 replicas: the killed worker's tasks "
		        "ran elsewhere %llu ms later\n", (unsigned long long)seed, (unsigned long long)result.recovery_ms);
		ck_assert_uint_gt(result.recovery_ms, 0);
		ck_assert_uint_lt(result.recovery_ms, 5000);
	}
}
END_TEST

START_TEST(a_seed_replays_exactly)
{
	struct swarm_sim_options options = swarm_sim_default_options(77);
	struct swarm_sim_result first, second;
	run(&options, &first);
	run(&options, &second);
	ck_assert_uint_eq(first.commands, second.commands);
	ck_assert_uint_eq(first.converged_ms, second.converged_ms);
	ck_assert_uint_eq(first.crashes, second.crashes);
}
END_TEST

/* The checks are not blind: a swarm that cannot converge (every worker drained for good)
 * is reported, with the seed and a trace. */
START_TEST(a_swarm_that_cannot_converge_is_reported)
{
	struct swarm_sim_options options = swarm_sim_default_options(5);
	options.workers = 1;
	options.replicas = 200;          /* 200 x 64 MiB reserved does not fit in 8 GiB */
	options.fault_percent = 0;
	options.fault_time_ms = 0;
	options.settle_limit_ms = 5000;
	struct swarm_sim *sim = swarm_sim_new(&options);
	struct swarm_sim_result result;
	ck_assert_int_eq(swarm_sim_run(sim, &result), 0);
	ck_assert(!result.ok);
	ck_assert_str_eq(result.failure, "not converged 5000 ms after the faults stopped");
	char *trace = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&trace, &size);
	swarm_sim_print_trace(sim, out);
	fclose(out);
	ck_assert_ptr_nonnull(strstr(trace, "no suitable node (insufficient resources on 1 node)"));
	free(trace);
	swarm_sim_free(sim);
}
END_TEST

Suite *swarm_sim_suite(void)
{
	Suite *s = suite_create("swarm_sim");
	TCase *tc = tcase_create("simulation");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, under_crashes_drains_scaling_updates_and_failures_every_invariant_holds_and_the_swarm_converges);
	tcase_add_test(tc, a_killed_workers_tasks_run_elsewhere_within_five_seconds);
	tcase_add_test(tc, on_a_hundred_workers_a_killed_workers_tasks_run_elsewhere_within_five_seconds);
	tcase_add_test(tc, a_seed_replays_exactly);
	tcase_add_test(tc, a_swarm_that_cannot_converge_is_reported);
	suite_add_tcase(s, tc);
	return s;
}
