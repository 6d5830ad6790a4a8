/*
 * test_restart_policy.c - parsing --restart and deciding restarts (03-cgroups/restart-policy.c).
 */
#include <check.h>
#include <string.h>

#include "error.h"
#include "restart-policy.h"

START_TEST(every_docker_policy_parses)
{
	struct restart_policy p;
	ck_assert_int_eq(restart_policy_parse("no", &p), 0);
	ck_assert_int_eq(p.mode, RESTART_NO);
	ck_assert_int_eq(restart_policy_parse("always", &p), 0);
	ck_assert_int_eq(p.mode, RESTART_ALWAYS);
	ck_assert_int_eq(restart_policy_parse("unless-stopped", &p), 0);
	ck_assert_int_eq(p.mode, RESTART_UNLESS_STOPPED);
	ck_assert_int_eq(restart_policy_parse("on-failure", &p), 0);
	ck_assert_int_eq(p.mode, RESTART_ON_FAILURE);
	ck_assert_int_eq(p.max_retries, 0);
	ck_assert_int_eq(restart_policy_parse("on-failure:3", &p), 0);
	ck_assert_int_eq(p.max_retries, 3);
	ck_assert_str_eq(restart_policy_name(p.mode), "on-failure");
}
END_TEST

START_TEST(bad_policies_are_refused_with_the_value_named)
{
	struct restart_policy p;
	ck_assert_int_eq(restart_policy_parse("sometimes", &p), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "\"sometimes\""));
	ck_assert_int_eq(restart_policy_parse("on-failure:x", &p), -1);
	ck_assert_int_eq(restart_policy_parse("always:3", &p), -1);
	ck_assert_int_eq(restart_policy_parse("on-failures", &p), -1);
}
END_TEST

START_TEST(on_failure_restarts_only_failures_up_to_the_limit)
{
	struct restart_policy p = { RESTART_ON_FAILURE, 2 };
	ck_assert(!restart_wanted(&p, 0, 0, false));
	ck_assert(restart_wanted(&p, 1, 0, false));
	ck_assert(restart_wanted(&p, 137, 1, false));
	ck_assert(!restart_wanted(&p, 1, 2, false));
}
END_TEST

START_TEST(a_stop_by_the_user_is_never_undone)
{
	struct restart_policy always = { RESTART_ALWAYS, 0 }, never = { RESTART_NO, 0 };
	ck_assert(restart_wanted(&always, 0, 50, false));
	ck_assert(!restart_wanted(&always, 143, 0, true));
	ck_assert(!restart_wanted(&never, 1, 0, false));
}
END_TEST

START_TEST(the_delay_doubles_up_to_a_minute_and_resets_after_a_long_run)
{
	ck_assert_int_eq(restart_delay_ms(0, 0), 100);
	ck_assert_int_eq(restart_delay_ms(1, 50), 200);
	ck_assert_int_eq(restart_delay_ms(3, 50), 800);
	ck_assert_int_eq(restart_delay_ms(30, 50), 60000);
	ck_assert_int_eq(restart_delay_ms(30, 10000), 100);
}
END_TEST

Suite *restart_policy_suite(void)
{
	Suite *s = suite_create("restart-policy");
	TCase *t = tcase_create("policy");
	tcase_add_test(t, every_docker_policy_parses);
	tcase_add_test(t, bad_policies_are_refused_with_the_value_named);
	tcase_add_test(t, on_failure_restarts_only_failures_up_to_the_limit);
	tcase_add_test(t, a_stop_by_the_user_is_never_undone);
	tcase_add_test(t, the_delay_doubles_up_to_a_minute_and_resets_after_a_long_run);
	suite_add_tcase(s, t);
	return s;
}
