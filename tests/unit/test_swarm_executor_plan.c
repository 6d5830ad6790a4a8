/*
 * test_swarm_executor_plan.c - what a worker does with its assignments
 * (08-swarm/swarm-executor-plan.c): made-up assignments against made-up tasks known here.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "swarm-executor-plan.h"

static struct swarm_service_spec service = { .name = "web", .image = "busybox" };

/* A task record the store would hold, observed in state. */
static struct swarm_task record(uint64_t id, enum swarm_task_state observed)
{
	return (struct swarm_task){ .id = id, .service = "web", .slot = 1, .node = "n1",
				    .desired = SWARM_TASK_RUNNING, .observed = observed };
}

static struct swarm_assignment assign(const struct swarm_task *task, enum swarm_task_state desired)
{
	return (struct swarm_assignment){ .task = task->id, .record = task, .spec = &service, .desired = desired };
}

/* The plan, asserted to succeed. */
static struct swarm_executor_action *plan(const struct swarm_assignment *a, size_t count,
					  const struct swarm_executor_known *known, size_t known_count, size_t *n)
{
	struct swarm_executor_action *actions;
	ck_assert_int_eq(swarm_executor_plan(a, count, known, known_count, &actions, n), 0);
	return actions;
}

START_TEST(a_task_assigned_to_run_and_unknown_here_is_started)
{
	struct swarm_task t = record(7, SWARM_TASK_ASSIGNED);
	struct swarm_assignment a = assign(&t, SWARM_TASK_RUNNING);
	size_t n;
	struct swarm_executor_action *actions = plan(&a, 1, NULL, 0, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(actions[0].kind, SWARM_EXEC_START);
	ck_assert_uint_eq(actions[0].task, 7);
	ck_assert_uint_eq(actions[0].assignment, 0);
	ck_assert_uint_eq(actions[0].known, SIZE_MAX);
	free(actions);
}
END_TEST

START_TEST(a_task_taken_up_before_but_unknown_here_is_reported_lost_not_started_again)
{
	/* the node restarted and its container is gone: only the swarm may replace the task */
	struct swarm_task t = record(7, SWARM_TASK_RUNNING);
	struct swarm_assignment a = assign(&t, SWARM_TASK_RUNNING);
	size_t n;
	struct swarm_executor_action *actions = plan(&a, 1, NULL, 0, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(actions[0].kind, SWARM_EXEC_SAY_LOST);
	free(actions);
}
END_TEST

START_TEST(a_task_known_here_and_still_wanted_is_left_alone_in_every_phase)
{
	struct swarm_task t = record(7, SWARM_TASK_ACCEPTED);
	struct swarm_assignment a = assign(&t, SWARM_TASK_RUNNING);
	enum swarm_executor_phase phases[] = { SWARM_EXEC_STARTING, SWARM_EXEC_RUNNING, SWARM_EXEC_ENDED,
					       SWARM_EXEC_STOPPING, SWARM_EXEC_GONE };
	for (size_t i = 0; i < sizeof(phases) / sizeof(phases[0]); i++) {
		struct swarm_executor_known k = { 7, phases[i] };
		size_t n;
		struct swarm_executor_action *actions = plan(&a, 1, &k, 1, &n);
		ck_assert_msg(n == 0, "phase %d: %zu actions", (int)phases[i], n);
		free(actions);
	}
}
END_TEST

START_TEST(a_task_desired_shutdown_is_stopped_while_it_runs_or_starts)
{
	struct swarm_task t = record(7, SWARM_TASK_RUNNING);
	struct swarm_assignment a = assign(&t, SWARM_TASK_SHUTDOWN);
	enum swarm_executor_phase phases[] = { SWARM_EXEC_RUNNING, SWARM_EXEC_STARTING };
	for (size_t i = 0; i < 2; i++) {
		struct swarm_executor_known k = { 7, phases[i] };
		size_t n;
		struct swarm_executor_action *actions = plan(&a, 1, &k, 1, &n);
		ck_assert_uint_eq(n, 1);
		ck_assert_int_eq(actions[0].kind, SWARM_EXEC_STOP);
		ck_assert_uint_eq(actions[0].known, 0);
		free(actions);
	}
}
END_TEST

START_TEST(a_task_desired_shutdown_that_ended_or_is_stopping_needs_nothing_more)
{
	struct swarm_task t = record(7, SWARM_TASK_RUNNING);
	struct swarm_assignment a = assign(&t, SWARM_TASK_SHUTDOWN);
	enum swarm_executor_phase phases[] = { SWARM_EXEC_ENDED, SWARM_EXEC_STOPPING, SWARM_EXEC_GONE };
	for (size_t i = 0; i < 3; i++) {
		struct swarm_executor_known k = { 7, phases[i] };
		size_t n;
		struct swarm_executor_action *actions = plan(&a, 1, &k, 1, &n);
		ck_assert_uint_eq(n, 0);
		free(actions);
	}
}
END_TEST

START_TEST(a_task_desired_shutdown_never_started_here_is_reported_shutdown)
{
	struct swarm_task t = record(7, SWARM_TASK_ASSIGNED);
	struct swarm_assignment a = assign(&t, SWARM_TASK_SHUTDOWN);
	size_t n;
	struct swarm_executor_action *actions = plan(&a, 1, NULL, 0, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(actions[0].kind, SWARM_EXEC_SAY_SHUTDOWN);
	free(actions);
}
END_TEST

START_TEST(a_task_of_a_removed_service_is_stopped_even_if_desired_running)
{
	struct swarm_task t = record(7, SWARM_TASK_RUNNING);
	struct swarm_assignment a = assign(&t, SWARM_TASK_RUNNING);
	a.spec = NULL;
	struct swarm_executor_known k = { 7, SWARM_EXEC_RUNNING };
	size_t n;
	struct swarm_executor_action *actions = plan(&a, 1, &k, 1, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(actions[0].kind, SWARM_EXEC_STOP);
	free(actions);
}
END_TEST

START_TEST(a_task_no_longer_assigned_is_removed_forgotten_or_left_to_its_stop)
{
	struct swarm_executor_known known[] = {
		{ 1, SWARM_EXEC_RUNNING }, { 2, SWARM_EXEC_ENDED }, { 3, SWARM_EXEC_STARTING },
		{ 4, SWARM_EXEC_GONE }, { 5, SWARM_EXEC_STOPPING },
	};
	size_t n;
	struct swarm_executor_action *actions = plan(NULL, 0, known, 5, &n);
	ck_assert_uint_eq(n, 4);
	enum swarm_executor_action_kind expected[] = { SWARM_EXEC_REMOVE, SWARM_EXEC_REMOVE, SWARM_EXEC_REMOVE,
						       SWARM_EXEC_FORGET };
	for (size_t i = 0; i < 4; i++) {
		ck_assert_int_eq(actions[i].kind, expected[i]);
		ck_assert_uint_eq(actions[i].task, i + 1);
		ck_assert_uint_eq(actions[i].known, i);
		ck_assert_uint_eq(actions[i].assignment, SIZE_MAX);
	}
	free(actions);
}
END_TEST

START_TEST(a_full_set_starts_the_new_stops_the_unwanted_and_removes_the_forgotten_in_that_order)
{
	struct swarm_task t1 = record(1, SWARM_TASK_RUNNING), t2 = record(2, SWARM_TASK_ASSIGNED),
			  t3 = record(3, SWARM_TASK_RUNNING);
	struct swarm_assignment a[] = { assign(&t1, SWARM_TASK_RUNNING), assign(&t2, SWARM_TASK_RUNNING),
					assign(&t3, SWARM_TASK_SHUTDOWN) };
	struct swarm_executor_known known[] = { { 9, SWARM_EXEC_RUNNING }, { 3, SWARM_EXEC_RUNNING },
						{ 1, SWARM_EXEC_RUNNING } };
	size_t n;
	struct swarm_executor_action *actions = plan(a, 3, known, 3, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(actions[0].kind, SWARM_EXEC_START);
	ck_assert_uint_eq(actions[0].task, 2);
	ck_assert_int_eq(actions[1].kind, SWARM_EXEC_STOP);
	ck_assert_uint_eq(actions[1].task, 3);
	ck_assert_uint_eq(actions[1].known, 1);
	ck_assert_int_eq(actions[2].kind, SWARM_EXEC_REMOVE);
	ck_assert_uint_eq(actions[2].task, 9);
	free(actions);
}
END_TEST

START_TEST(an_assignment_without_its_task_record_is_left_alone)
{
	struct swarm_task t = record(7, SWARM_TASK_ASSIGNED);
	struct swarm_assignment a = assign(&t, SWARM_TASK_RUNNING);
	a.record = NULL;
	struct swarm_executor_known k = { 7, SWARM_EXEC_RUNNING };
	size_t n;
	struct swarm_executor_action *actions = plan(&a, 1, NULL, 0, &n);
	ck_assert_uint_eq(n, 0);
	free(actions);
	actions = plan(&a, 1, &k, 1, &n); /* still assigned: not removed either */
	ck_assert_uint_eq(n, 0);
	free(actions);
}
END_TEST

START_TEST(nothing_assigned_and_nothing_known_is_no_action)
{
	struct swarm_executor_action *actions = (void *)1;
	size_t n = 99;
	ck_assert_int_eq(swarm_executor_plan(NULL, 0, NULL, 0, &actions, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(actions);
}
END_TEST

Suite *swarm_executor_plan_suite(void)
{
	Suite *s = suite_create("08-swarm executor plan");
	TCase *t = tcase_create("reconcile");
	tcase_add_test(t, a_task_assigned_to_run_and_unknown_here_is_started);
	tcase_add_test(t, a_task_taken_up_before_but_unknown_here_is_reported_lost_not_started_again);
	tcase_add_test(t, a_task_known_here_and_still_wanted_is_left_alone_in_every_phase);
	tcase_add_test(t, a_task_desired_shutdown_is_stopped_while_it_runs_or_starts);
	tcase_add_test(t, a_task_desired_shutdown_that_ended_or_is_stopping_needs_nothing_more);
	tcase_add_test(t, a_task_desired_shutdown_never_started_here_is_reported_shutdown);
	tcase_add_test(t, a_task_of_a_removed_service_is_stopped_even_if_desired_running);
	tcase_add_test(t, a_task_no_longer_assigned_is_removed_forgotten_or_left_to_its_stop);
	tcase_add_test(t, a_full_set_starts_the_new_stops_the_unwanted_and_removes_the_forgotten_in_that_order);
	tcase_add_test(t, an_assignment_without_its_task_record_is_left_alone);
	tcase_add_test(t, nothing_assigned_and_nothing_known_is_no_action);
	suite_add_tcase(s, t);
	return s;
}
