/*
 * test_swarm_dispatcher.c - heartbeats, assignments and reports (08-swarm/swarm-dispatcher.c).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "swarm-dispatcher.h"
#include "swarm-fixtures.h"

static void two_workers_with_web(struct swarm_store *store, uint32_t replicas)
{
	swarm_store_init(store);
	swarm_fixture_join(store, "w1", SWARM_WORKER);
	swarm_fixture_join(store, "w2", SWARM_WORKER);
	struct swarm_service_spec spec = swarm_fixture_spec("web", replicas);
	swarm_fixture_create(store, &spec, 0);
	swarm_fixture_settle(store, 0);
}

START_TEST(a_node_silent_for_three_periods_is_marked_down)
{
	struct swarm_store store;
	two_workers_with_web(&store, 2);
	struct swarm_dispatcher dispatcher;
	swarm_dispatcher_init(&dispatcher, 0, 0);
	ck_assert_uint_eq(dispatcher.heartbeat_ms, 1000);
	struct swarm_commands out = { 0 };
	for (uint64_t now = 0; now <= 3000; now += 1000) {
		ck_assert_int_eq(swarm_dispatcher_heartbeat(&dispatcher, &store, "w1", now, &out), 0);
		ck_assert_int_eq(swarm_dispatcher_tick(&dispatcher, &store, now, &out), 0);
	}
	ck_assert_uint_eq(out.count, 0); /* w2 silent for exactly 3 periods: still within grace */
	ck_assert_int_eq(swarm_dispatcher_heartbeat(&dispatcher, &store, "w1", 3001, &out), 0);
	ck_assert_int_eq(swarm_dispatcher_tick(&dispatcher, &store, 3001, &out), 0);
	ck_assert_uint_eq(out.count, 1);
	ck_assert_int_eq(out.items[0].kind, SWARM_NODE_STATUS);
	ck_assert_str_eq(out.items[0].name, "w2");
	ck_assert_int_eq(out.items[0].node_status, SWARM_NODE_DOWN);
	ck_assert_str_eq(out.items[0].message, "heartbeat failure: node silent for 3001 ms");
	swarm_fixture_apply_all(&store, &out);
	/* w2's task is orphaned, and the orchestrator puts it on w1 */
	ck_assert_uint_eq(swarm_fixture_count(&store, "web", SWARM_TASK_ORPHANED, "w2", false), 1);
	swarm_fixture_settle(&store, 3001);
	ck_assert_uint_eq(swarm_fixture_count(&store, "web", SWARM_TASK_RUNNING, "w1", true), 2);
	swarm_commands_free(&out);
	swarm_dispatcher_free(&dispatcher);
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_down_node_that_heartbeats_again_is_ready)
{
	struct swarm_store store;
	two_workers_with_web(&store, 1);
	struct swarm_dispatcher dispatcher;
	swarm_dispatcher_init(&dispatcher, 500, 0);
	struct swarm_commands out = { 0 };
	ck_assert_int_eq(swarm_dispatcher_tick(&dispatcher, &store, 1600, &out), 0);
	ck_assert_uint_eq(out.count, 2); /* both silent since the leader started */
	swarm_fixture_apply_all(&store, &out);
	ck_assert_int_eq(swarm_dispatcher_heartbeat(&dispatcher, &store, "w2", 1700, &out), 0);
	ck_assert_uint_eq(out.count, 1);
	ck_assert_int_eq(out.items[0].node_status, SWARM_NODE_READY);
	swarm_fixture_apply_all(&store, &out);
	ck_assert_int_eq(swarm_store_node(&store, "w2")->status, SWARM_NODE_READY);
	ck_assert_int_eq(swarm_dispatcher_heartbeat(&dispatcher, &store, "nobody", 1700, &out), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "\"nobody\""));
	swarm_commands_free(&out);
	swarm_dispatcher_free(&dispatcher);
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_new_leader_gives_every_node_a_full_grace)
{
	struct swarm_store store;
	two_workers_with_web(&store, 1);
	struct swarm_dispatcher dispatcher;
	swarm_dispatcher_init(&dispatcher, 1000, 60000); /* took office at 60 s */
	struct swarm_commands out = { 0 };
	ck_assert_int_eq(swarm_dispatcher_tick(&dispatcher, &store, 62000, &out), 0);
	ck_assert_uint_eq(out.count, 0);
	swarm_dispatcher_free(&dispatcher);
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_worker_is_told_its_tasks_with_their_desired_state)
{
	struct swarm_store store;
	two_workers_with_web(&store, 4);
	struct swarm_assignment *assignments;
	size_t count;
	ck_assert_int_eq(swarm_dispatcher_assignments(&store, "w1", &assignments, &count), 0);
	ck_assert_uint_eq(count, 2);
	for (size_t i = 0; i < count; i++) {
		ck_assert_int_eq(assignments[i].desired, SWARM_TASK_RUNNING);
		ck_assert_str_eq(assignments[i].spec->image, "web:v1");
		ck_assert_str_eq(assignments[i].record->node, "w1");
	}
	free(assignments);
	/* drained: the same tasks, now to be stopped */
	swarm_fixture_availability(&store, "w1", SWARM_DRAIN);
	swarm_fixture_round(&store, 10);
	ck_assert_int_eq(swarm_dispatcher_assignments(&store, "w1", &assignments, &count), 0);
	ck_assert_uint_eq(count, 2);
	for (size_t i = 0; i < count; i++)
		ck_assert_int_eq(assignments[i].desired, SWARM_TASK_SHUTDOWN);
	free(assignments);
	/* once stopped they are no longer the worker's business */
	swarm_fixture_settle(&store, 20);
	ck_assert_int_eq(swarm_dispatcher_assignments(&store, "w1", &assignments, &count), 0);
	ck_assert_uint_eq(count, 0);
	free(assignments);
	swarm_store_free(&store);
}
END_TEST

START_TEST(reports_become_task_state_commands_and_stale_ones_are_dropped)
{
	struct swarm_store store;
	swarm_store_init(&store);
	swarm_fixture_join(&store, "w1", SWARM_WORKER);
	swarm_fixture_join(&store, "w2", SWARM_WORKER);
	struct swarm_service_spec spec = swarm_fixture_spec("web", 1);
	swarm_fixture_create(&store, &spec, 0);
	swarm_fixture_round(&store, 0);
	const struct swarm_task *task = swarm_fixture_latest(&store, "web", 1);
	ck_assert_int_eq(task->observed, SWARM_TASK_ASSIGNED);
	struct swarm_commands out = { 0 };
	ck_assert_int_eq(swarm_dispatcher_report(&store, "w1", task->id, SWARM_TASK_RUNNING, "started", 5, &out), 0);
	ck_assert_uint_eq(out.count, 1);
	ck_assert_int_eq(out.items[0].kind, SWARM_TASK_STATE);
	ck_assert_str_eq(out.items[0].message, "started");
	swarm_fixture_apply_all(&store, &out);
	/* a late STARTING, a report from the wrong node, a task that does not exist: nothing */
	ck_assert_int_eq(swarm_dispatcher_report(&store, "w1", task->id, SWARM_TASK_STARTING, "", 6, &out), 0);
	ck_assert_int_eq(swarm_dispatcher_report(&store, "w2", task->id, SWARM_TASK_FAILED, "", 6, &out), 0);
	ck_assert_int_eq(swarm_dispatcher_report(&store, "w1", 999, SWARM_TASK_FAILED, "", 6, &out), 0);
	ck_assert_uint_eq(out.count, 0);
	swarm_commands_free(&out);
	swarm_store_free(&store);
}
END_TEST

Suite *swarm_dispatcher_suite(void)
{
	Suite *s = suite_create("swarm_dispatcher");
	TCase *tc = tcase_create("dispatcher");
	tcase_add_test(tc, a_node_silent_for_three_periods_is_marked_down);
	tcase_add_test(tc, a_down_node_that_heartbeats_again_is_ready);
	tcase_add_test(tc, a_new_leader_gives_every_node_a_full_grace);
	tcase_add_test(tc, a_worker_is_told_its_tasks_with_their_desired_state);
	tcase_add_test(tc, reports_become_task_state_commands_and_stale_ones_are_dropped);
	suite_add_tcase(s, tc);
	return s;
}
