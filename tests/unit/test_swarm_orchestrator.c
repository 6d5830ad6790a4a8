/*
 * test_swarm_orchestrator.c - reconciliation: slots, restarts, nodes lost and drained,
 * global services, rolling updates (08-swarm/swarm-orchestrator.c).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "swarm-fixtures.h"
#include "swarm-orchestrator.h"

static void three_workers(struct swarm_store *store)
{
	swarm_store_init(store);
	swarm_fixture_join(store, "w1", SWARM_WORKER);
	swarm_fixture_join(store, "w2", SWARM_WORKER);
	swarm_fixture_join(store, "w3", SWARM_WORKER);
}

static size_t running(const struct swarm_store *store, const char *service)
{
	return swarm_fixture_count(store, service, SWARM_TASK_RUNNING, NULL, true);
}

static void scale(struct swarm_store *store, const char *name, uint32_t replicas, uint64_t at)
{
	struct swarm_service_spec spec;
	ck_assert_int_eq(swarm_service_spec_copy(&spec, &swarm_store_service(store, name)->spec), 0);
	spec.replicas = replicas;
	swarm_fixture_update(store, &spec, at);
}

START_TEST(missing_slots_get_tasks_and_a_settled_swarm_gets_no_commands)
{
	struct swarm_store store;
	three_workers(&store);
	struct swarm_service_spec spec = swarm_fixture_spec("web", 5);
	swarm_fixture_create(&store, &spec, 0);
	swarm_fixture_settle(&store, 0);
	ck_assert_uint_eq(running(&store, "web"), 5);
	for (uint32_t slot = 1; slot <= 5; slot++)
		ck_assert_ptr_nonnull(swarm_fixture_latest(&store, "web", slot));
	ck_assert_uint_eq(swarm_fixture_round(&store, 1000), 0);
	swarm_store_free(&store);
}
END_TEST

START_TEST(scaling_down_stops_the_highest_slots_and_scaling_up_refills_them)
{
	struct swarm_store store;
	three_workers(&store);
	struct swarm_service_spec spec = swarm_fixture_spec("web", 5);
	swarm_fixture_create(&store, &spec, 0);
	swarm_fixture_settle(&store, 0);
	scale(&store, "web", 2, 10);
	swarm_fixture_round(&store, 10);
	ck_assert_str_eq(swarm_fixture_latest(&store, "web", 5)->message, "scaled down");
	swarm_fixture_settle(&store, 10);
	ck_assert_uint_eq(running(&store, "web"), 2);
	ck_assert_int_eq(swarm_fixture_latest(&store, "web", 5)->observed, SWARM_TASK_SHUTDOWN);
	ck_assert_int_eq(swarm_fixture_latest(&store, "web", 1)->observed, SWARM_TASK_RUNNING);
	scale(&store, "web", 4, 20);
	swarm_fixture_settle(&store, 20);
	ck_assert_uint_eq(running(&store, "web"), 4);
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_failed_task_is_replaced_after_the_restart_delay)
{
	struct swarm_store store;
	three_workers(&store);
	struct swarm_service_spec spec = swarm_fixture_spec("web", 1); /* delay 5 s */
	swarm_fixture_create(&store, &spec, 0);
	swarm_fixture_settle(&store, 0);
	uint64_t first = swarm_fixture_latest(&store, "web", 1)->id;
	ck_assert_int_eq(swarm_fixture_report(&store, first, SWARM_TASK_FAILED, 1000), 0);
	struct swarm_commands out = { 0 };
	uint64_t wake = UINT64_MAX;
	ck_assert_int_eq(swarm_orchestrate(&store, 3000, &out, &wake), 0);
	ck_assert_uint_eq(out.count, 0);
	ck_assert_uint_eq(wake, 6000); /* it knows when to look again */
	swarm_fixture_settle(&store, 6000);
	const struct swarm_task *replacement = swarm_fixture_latest(&store, "web", 1);
	ck_assert_uint_ne(replacement->id, first);
	ck_assert_int_eq(replacement->observed, SWARM_TASK_RUNNING);
	ck_assert_uint_eq(replacement->attempt, 1);
	ck_assert_int_eq(swarm_store_task(&store, first)->desired, SWARM_TASK_SHUTDOWN);
	swarm_commands_free(&out);
	swarm_store_free(&store);
}
END_TEST

START_TEST(on_failure_restarts_failures_only_and_none_restarts_nothing)
{
	struct swarm_store store;
	three_workers(&store);
	struct swarm_service_spec job = swarm_fixture_spec("job", 1);
	job.restart = (struct swarm_restart_policy){ .condition = SWARM_RESTART_ON_FAILURE };
	swarm_fixture_create(&store, &job, 0);
	struct swarm_service_spec once = swarm_fixture_spec("once", 1);
	once.restart = (struct swarm_restart_policy){ .condition = SWARM_RESTART_NONE };
	swarm_fixture_create(&store, &once, 0);
	swarm_fixture_settle(&store, 0);
	ck_assert_int_eq(swarm_fixture_report(&store, swarm_fixture_latest(&store, "job", 1)->id, SWARM_TASK_COMPLETE, 1), 0);
	ck_assert_int_eq(swarm_fixture_report(&store, swarm_fixture_latest(&store, "once", 1)->id, SWARM_TASK_FAILED, 1), 0);
	swarm_fixture_settle(&store, 10);
	ck_assert_uint_eq(swarm_fixture_count(&store, "job", -1, NULL, false), 1);
	ck_assert_uint_eq(swarm_fixture_count(&store, "once", -1, NULL, false), 1);
	swarm_store_free(&store);
}
END_TEST

START_TEST(max_attempts_stop_the_restarts_until_the_window_has_passed)
{
	struct swarm_store store;
	three_workers(&store);
	struct swarm_service_spec spec = swarm_fixture_spec("web", 1);
	spec.restart = (struct swarm_restart_policy){ SWARM_RESTART_ANY, 0, 2, 60000 };
	swarm_fixture_create(&store, &spec, 0);
	uint64_t now = 0;
	swarm_fixture_settle(&store, now);
	for (int i = 0; i < 3; i++) {
		now += 1000;
		ck_assert_int_eq(swarm_fixture_report(&store, swarm_fixture_latest(&store, "web", 1)->id, SWARM_TASK_FAILED, now), 0);
		swarm_fixture_settle(&store, now);
	}
	/* the first task and two restarts; the third failure is left alone */
	ck_assert_uint_eq(swarm_fixture_count(&store, "web", SWARM_TASK_FAILED, NULL, false), 3);
	ck_assert_uint_eq(running(&store, "web"), 0);
	/* a minute after the window began, attempts count from zero again */
	swarm_fixture_settle(&store, 62000);
	ck_assert_uint_eq(running(&store, "web"), 1);
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_down_nodes_tasks_are_rescheduled_at_once_elsewhere)
{
	struct swarm_store store;
	three_workers(&store);
	struct swarm_service_spec spec = swarm_fixture_spec("web", 6); /* restart delay 5 s */
	swarm_fixture_create(&store, &spec, 0);
	swarm_fixture_settle(&store, 0);
	struct swarm_command down;
	swarm_command_init(&down, SWARM_NODE_STATUS, 3000);
	swarm_copy_name(down.name, sizeof(down.name), "w2");
	down.node_status = SWARM_NODE_DOWN;
	ck_assert_int_eq(swarm_fixture_apply(&store, &down), 0);
	swarm_fixture_settle(&store, 3000); /* no delay: the tasks did not fail, their node went */
	ck_assert_uint_eq(running(&store, "web"), 6);
	ck_assert_uint_eq(swarm_fixture_count(&store, "web", SWARM_TASK_RUNNING, "w2", true), 0);
	ck_assert_uint_eq(swarm_fixture_count(&store, "web", SWARM_TASK_ORPHANED, "w2", false), 2);
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_drained_nodes_tasks_stop_and_then_start_elsewhere)
{
	struct swarm_store store;
	three_workers(&store);
	struct swarm_service_spec spec = swarm_fixture_spec("web", 3);
	swarm_fixture_create(&store, &spec, 0);
	swarm_fixture_settle(&store, 0);
	swarm_fixture_availability(&store, "w3", SWARM_DRAIN);
	swarm_fixture_round(&store, 10);
	const struct swarm_task *old = swarm_fixture_latest(&store, "web", 3);
	ck_assert_str_eq(old->node, "w3");
	ck_assert_int_eq(old->desired, SWARM_TASK_SHUTDOWN);
	ck_assert_str_eq(old->message, "node drained");
	/* no replacement while the old one still runs: the slot never has two */
	ck_assert_uint_eq(swarm_fixture_round(&store, 10), 0);
	swarm_fixture_settle(&store, 20);
	ck_assert_uint_eq(running(&store, "web"), 3);
	ck_assert_uint_eq(swarm_fixture_count(&store, "web", SWARM_TASK_RUNNING, "w3", true), 0);
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_global_service_runs_one_task_on_each_eligible_node)
{
	struct swarm_store store;
	three_workers(&store);
	swarm_fixture_join(&store, "m1", SWARM_MANAGER);
	struct swarm_service_spec spec = swarm_fixture_spec("agent", 0);
	spec.mode = SWARM_GLOBAL;
	ck_assert_int_eq(swarm_strings_add(&spec.constraints, "node.role==worker"), 0);
	swarm_fixture_create(&store, &spec, 0);
	swarm_fixture_settle(&store, 0);
	ck_assert_uint_eq(running(&store, "agent"), 3);
	ck_assert_uint_eq(swarm_fixture_count(&store, "agent", SWARM_TASK_RUNNING, "m1", true), 0);
	swarm_fixture_join(&store, "w4", SWARM_WORKER);
	swarm_fixture_settle(&store, 10);
	ck_assert_uint_eq(swarm_fixture_count(&store, "agent", SWARM_TASK_RUNNING, "w4", true), 1);
	swarm_fixture_availability(&store, "w1", SWARM_DRAIN);
	swarm_fixture_settle(&store, 20);
	ck_assert_uint_eq(swarm_fixture_count(&store, "agent", SWARM_TASK_RUNNING, "w1", true), 0);
	ck_assert_uint_eq(running(&store, "agent"), 3);
	swarm_store_free(&store);
}
END_TEST

/* An update of web to v2 with the given order and parallelism, on 4 running replicas. */
static void start_update(struct swarm_store *store, enum swarm_update_order order, uint32_t parallelism,
                         enum swarm_failure_action action)
{
	three_workers(store);
	struct swarm_service_spec spec = swarm_fixture_spec("web", 4);
	swarm_fixture_create(store, &spec, 0);
	swarm_fixture_settle(store, 0);
	spec = swarm_fixture_spec("web", 4);
	swarm_copy_name(spec.image, sizeof(spec.image), "web:v2");
	spec.update = (struct swarm_update_config){ parallelism, 0, action, order };
	swarm_fixture_update(store, &spec, 100);
}

static size_t on_version(const struct swarm_store *store, uint64_t version)
{
	size_t count = 0;
	for (size_t i = 0; i < store->task_count; i++)
		count += store->tasks[i].service_version == version && store->tasks[i].observed == SWARM_TASK_RUNNING &&
		         store->tasks[i].desired == SWARM_TASK_RUNNING;
	return count;
}

START_TEST(a_stop_first_update_replaces_parallelism_tasks_at_a_time)
{
	struct swarm_store store;
	start_update(&store, SWARM_STOP_FIRST, 2, SWARM_UPDATE_PAUSE);
	swarm_fixture_round(&store, 100);
	/* two old tasks told to stop, nothing new yet: stop first */
	ck_assert_uint_eq(swarm_fixture_count(&store, "web", SWARM_TASK_RUNNING, NULL, true), 2);
	ck_assert_uint_eq(swarm_fixture_count(&store, "web", -1, NULL, false), 4);
	swarm_fixture_workers(&store, 100);     /* they stop */
	swarm_fixture_round(&store, 100);       /* their replacements are made and placed */
	swarm_fixture_workers(&store, 100);     /* and run */
	ck_assert_uint_eq(on_version(&store, 2), 2);
	ck_assert_uint_eq(on_version(&store, 1), 2);
	swarm_fixture_settle(&store, 200);
	ck_assert_uint_eq(on_version(&store, 2), 4);
	ck_assert_int_eq(swarm_store_service(&store, "web")->update_state, SWARM_UPDATE_COMPLETED);
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_start_first_update_starts_the_new_task_before_stopping_the_old)
{
	struct swarm_store store;
	start_update(&store, SWARM_START_FIRST, 1, SWARM_UPDATE_PAUSE);
	swarm_fixture_round(&store, 100);
	ck_assert_uint_eq(on_version(&store, 1), 4); /* nothing stopped */
	swarm_fixture_workers(&store, 100);
	/* for a moment slot 1 runs both, as start-first means */
	ck_assert_uint_eq(swarm_fixture_count(&store, "web", SWARM_TASK_RUNNING, NULL, false), 5);
	/* slot 1's new task runs: its old one is stopped, and slot 2 starts its new one */
	swarm_fixture_round(&store, 100);
	ck_assert_int_eq(swarm_store_task(&store, 1)->desired, SWARM_TASK_SHUTDOWN);
	swarm_fixture_workers(&store, 100);
	ck_assert_uint_eq(on_version(&store, 2), 2);
	ck_assert_uint_eq(swarm_fixture_count(&store, "web", SWARM_TASK_RUNNING, NULL, false), 5);
	swarm_fixture_settle(&store, 200);
	ck_assert_uint_eq(on_version(&store, 2), 4);
	ck_assert_uint_eq(swarm_fixture_count(&store, "web", SWARM_TASK_RUNNING, NULL, false), 4);
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_delay_waits_between_batches)
{
	struct swarm_store store;
	three_workers(&store);
	struct swarm_service_spec spec = swarm_fixture_spec("web", 2);
	swarm_fixture_create(&store, &spec, 0);
	swarm_fixture_settle(&store, 0);
	spec = swarm_fixture_spec("web", 2);
	swarm_copy_name(spec.image, sizeof(spec.image), "web:v2");
	spec.update.delay_ms = 10000;
	swarm_fixture_update(&store, &spec, 100);
	swarm_fixture_settle(&store, 100);
	ck_assert_uint_eq(on_version(&store, 2), 1);
	swarm_fixture_settle(&store, 5000);
	ck_assert_uint_eq(on_version(&store, 2), 1);
	swarm_fixture_settle(&store, 10100);
	ck_assert_uint_eq(on_version(&store, 2), 2);
	swarm_store_free(&store);
}
END_TEST

/* Make every new-version task that is assigned fail, as a broken image would. */
static void fail_new_tasks(struct swarm_store *store, uint64_t version, uint64_t now)
{
	for (size_t i = 0; i < store->task_count; i++)
		if (store->tasks[i].service_version == version && store->tasks[i].observed == SWARM_TASK_ASSIGNED)
			ck_assert_int_eq(swarm_fixture_report(store, store->tasks[i].id, SWARM_TASK_FAILED, now), 0);
}

START_TEST(a_failing_update_pauses_by_default)
{
	struct swarm_store store;
	start_update(&store, SWARM_STOP_FIRST, 1, SWARM_UPDATE_PAUSE);
	swarm_fixture_round(&store, 100);
	swarm_fixture_workers(&store, 100);
	swarm_fixture_round(&store, 100);
	fail_new_tasks(&store, 2, 200);
	swarm_fixture_round(&store, 300);
	const struct swarm_service *web = swarm_store_service(&store, "web");
	ck_assert_int_eq(web->update_state, SWARM_UPDATE_PAUSED);
	ck_assert_ptr_nonnull(strstr(web->update_message, "update paused due to failure of task"));
	swarm_fixture_settle(&store, 300);
	ck_assert_uint_eq(on_version(&store, 1), 3); /* the other three were left alone */
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_failing_update_with_rollback_returns_every_task_to_the_old_spec)
{
	struct swarm_store store;
	start_update(&store, SWARM_STOP_FIRST, 1, SWARM_UPDATE_ROLLBACK);
	swarm_fixture_round(&store, 100);
	swarm_fixture_workers(&store, 100);
	swarm_fixture_round(&store, 100);
	fail_new_tasks(&store, 2, 200);
	swarm_fixture_settle(&store, 300);
	const struct swarm_service *web = swarm_store_service(&store, "web");
	ck_assert_uint_eq(web->version, 1);
	ck_assert_str_eq(web->spec.image, "web:v1");
	ck_assert_int_eq(web->update_state, SWARM_UPDATE_ROLLBACK_STARTED);
	swarm_fixture_settle(&store, 6000); /* the failed slot's restart delay */
	ck_assert_int_eq(web->update_state, SWARM_UPDATE_ROLLBACK_COMPLETED);
	ck_assert_uint_eq(on_version(&store, 1), 4);
	ck_assert_uint_eq(on_version(&store, 2), 0);
	/* the three tasks the update never reached were never touched */
	for (uint64_t id = 2; id <= 4; id++)
		ck_assert_int_eq(swarm_store_task(&store, id)->observed, SWARM_TASK_RUNNING);
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_failing_update_with_continue_finishes_the_rollout)
{
	struct swarm_store store;
	start_update(&store, SWARM_STOP_FIRST, 4, SWARM_UPDATE_CONTINUE);
	swarm_fixture_round(&store, 100);
	swarm_fixture_workers(&store, 100);
	swarm_fixture_round(&store, 100);
	fail_new_tasks(&store, 2, 200);
	swarm_fixture_settle(&store, 6000);
	ck_assert_uint_eq(on_version(&store, 2), 4);
	ck_assert_int_eq(swarm_store_service(&store, "web")->update_state, SWARM_UPDATE_COMPLETED);
	swarm_store_free(&store);
}
END_TEST

Suite *swarm_orchestrator_suite(void)
{
	Suite *s = suite_create("swarm_orchestrator");
	TCase *tc = tcase_create("orchestrator");
	tcase_add_test(tc, missing_slots_get_tasks_and_a_settled_swarm_gets_no_commands);
	tcase_add_test(tc, scaling_down_stops_the_highest_slots_and_scaling_up_refills_them);
	tcase_add_test(tc, a_failed_task_is_replaced_after_the_restart_delay);
	tcase_add_test(tc, on_failure_restarts_failures_only_and_none_restarts_nothing);
	tcase_add_test(tc, max_attempts_stop_the_restarts_until_the_window_has_passed);
	tcase_add_test(tc, a_down_nodes_tasks_are_rescheduled_at_once_elsewhere);
	tcase_add_test(tc, a_drained_nodes_tasks_stop_and_then_start_elsewhere);
	tcase_add_test(tc, a_global_service_runs_one_task_on_each_eligible_node);
	tcase_add_test(tc, a_stop_first_update_replaces_parallelism_tasks_at_a_time);
	tcase_add_test(tc, a_start_first_update_starts_the_new_task_before_stopping_the_old);
	tcase_add_test(tc, a_delay_waits_between_batches);
	tcase_add_test(tc, a_failing_update_pauses_by_default);
	tcase_add_test(tc, a_failing_update_with_rollback_returns_every_task_to_the_old_spec);
	tcase_add_test(tc, a_failing_update_with_continue_finishes_the_rollout);
	suite_add_tcase(s, tc);
	return s;
}
