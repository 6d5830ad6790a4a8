/*
 * test_health.c - the health check's pure parts: Go's durations (03-cgroups/duration.c), the
 * rules and the state machine (health.c), and `run`'s --health-* flags (health-flags.c), with
 * time passed in.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "error.h"
#include "health-check.h"
#include "health.h"
#include "json.h"
#include "runtime.h"

#define MS 1000000LL
#define S (1000 * MS)

/* --- durations ---------------------------------------------------------------------------- */

static int64_t parsed(const char *text)
{
	int64_t ns = -12345;
	ck_assert_msg(duration_parse(text, &ns) == 0, "%s: %s", text, error_message());
	return ns;
}

START_TEST(durations_read_as_go_reads_them)
{
	ck_assert(parsed("1s") == S);
	ck_assert(parsed("500ms") == 500 * MS);
	ck_assert(parsed("1m30s") == 90 * S);
	ck_assert(parsed("1.5h") == 5400 * S);
	ck_assert(parsed(".5s") == 500 * MS);
	ck_assert(parsed("4.5s") == 4500 * MS);
	ck_assert(parsed("2h45m") == (2 * 3600 + 45 * 60) * S);
	ck_assert(parsed("100us") == 100000);
	ck_assert(parsed("100\u00b5s") == 100000);
	ck_assert(parsed("7ns") == 7);
	ck_assert(parsed("0") == 0);
	ck_assert(parsed("-1s") == -S);
	ck_assert(parsed("+2ms") == 2 * MS);
	ck_assert(parsed("1h1m1s1ms1us1ns") == 3661 * S + MS + 1000 + 1);
	ck_assert(parsed("9223372036854775807ns") == INT64_MAX);
}
END_TEST

START_TEST(durations_go_refuses_are_refused_with_gos_words)
{
	int64_t ns;
	ck_assert_int_eq(duration_parse("1", &ns), -1);
	ck_assert_str_eq(error_message(), "time: missing unit in duration \"1\"");
	ck_assert_int_eq(duration_parse("3 s", &ns), -1);
	ck_assert_int_eq(duration_parse("5x", &ns), -1);
	ck_assert_str_eq(error_message(), "time: unknown unit \"x\" in duration \"5x\"");
	const char *bad[] = { "", "s", ".s", "-", "1s2", "abc", "1.2.3s", "9223372036854775808ns", "3000000h" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(duration_parse(bad[i], &ns) == -1, "\"%s\" accepted", bad[i]);
		ck_assert_msg(strstr(error_message(), "time: "), "%s", error_message());
	}
	error_clear();
}
END_TEST

static const char *formatted(int64_t ns)
{
	static char out[DURATION_SIZE];
	duration_format(ns, out);
	return out;
}

START_TEST(durations_print_as_go_prints_them)
{
	ck_assert_str_eq(formatted(0), "0s");
	ck_assert_str_eq(formatted(1), "1ns");
	ck_assert_str_eq(formatted(1500), "1.5\u00b5s");
	ck_assert_str_eq(formatted(100 * MS), "100ms");
	ck_assert_str_eq(formatted(1500 * MS), "1.5s");
	ck_assert_str_eq(formatted(30 * S), "30s");
	ck_assert_str_eq(formatted(90 * S), "1m30s");
	ck_assert_str_eq(formatted(3600 * S), "1h0m0s");
	ck_assert_str_eq(formatted(-2 * MS), "-2ms");
	ck_assert_str_eq(formatted(INT64_MIN), "-2562047h47m16.854775808s");
	for (int64_t ns = 1; ns < 4000 * S; ns = ns * 7 + 3)
		ck_assert(parsed(formatted(ns)) == ns); /* what is printed reads back the same */
}
END_TEST

/* --- the config --------------------------------------------------------------------------- */

START_TEST(docker_defaults_apply_to_what_is_not_set)
{
	struct health_timing none = { 0 }, set = { 2 * S, 3 * S, 0, 7 };
	ck_assert(health_interval(&none) == 30 * S);
	ck_assert(health_timeout(&none) == 30 * S);
	ck_assert_int_eq(health_retries(&none), 3);
	ck_assert(health_interval(&set) == 2 * S);
	ck_assert(health_timeout(&set) == 3 * S);
	ck_assert_int_eq(health_retries(&set), 7);
}
END_TEST

START_TEST(a_shell_test_runs_under_bin_sh_and_an_exec_test_runs_its_words)
{
	const char *argv[HEALTH_TEST_MAX + 3];
	struct health_config shell = { .test = { "CMD-SHELL", "curl -f localhost || exit 1" } };
	ck_assert_uint_eq(health_command(&shell, argv), 3);
	ck_assert_str_eq(argv[0], "/bin/sh");
	ck_assert_str_eq(argv[1], "-c");
	ck_assert_str_eq(argv[2], "curl -f localhost || exit 1");
	ck_assert_ptr_null(argv[3]);
	struct health_config exec = { .test = { "CMD", "/bin/check", "-q" } };
	ck_assert_uint_eq(health_command(&exec, argv), 2);
	ck_assert_str_eq(argv[0], "/bin/check");
	ck_assert_str_eq(argv[1], "-q");
	struct health_config none = { .test = { "NONE" } }, unset = { 0 };
	ck_assert_uint_eq(health_command(&none, argv), 0);
	ck_assert_uint_eq(health_command(&unset, argv), 0);
	ck_assert(!health_config_enabled(&none));
	ck_assert(health_config_given(&none));
	ck_assert(!health_config_given(&unset));
}
END_TEST

START_TEST(the_daemon_refuses_durations_under_a_millisecond_and_unknown_tests)
{
	struct health_config c = { .test = { "CMD-SHELL", "true" }, .timing = { .interval = MS } };
	ck_assert_int_eq(health_config_check(&c), 0);
	c.timing.interval = MS - 1;
	ck_assert_int_eq(health_config_check(&c), -1);
	ck_assert_str_eq(error_message(), "Interval in Healthcheck cannot be less than 1ms");
	c.timing.interval = 0;
	c.timing.start_period = 10;
	ck_assert_int_eq(health_config_check(&c), -1);
	ck_assert_str_eq(error_message(), "StartPeriod in Healthcheck cannot be less than 1ms");
	c.timing.start_period = 0;
	c.timing.retries = -1;
	ck_assert_int_eq(health_config_check(&c), -1);
	ck_assert_str_eq(error_message(), "Retries in Healthcheck cannot be negative");
	struct health_config odd = { .test = { "HTTP", "/" } }, empty = { .test = { "CMD" } };
	ck_assert_int_eq(health_config_check(&odd), -1);
	ck_assert_int_eq(health_config_check(&empty), -1);
	error_clear();
}
END_TEST

START_TEST(unset_parts_are_inherited_from_the_image_field_by_field)
{
	const char *text = "{\"Test\":[\"CMD\",\"/bin/ok\"],\"Interval\":5000000000,\"Timeout\":1000000000,"
			   "\"StartPeriod\":2000000000,\"Retries\":4}";
	struct json *image = json_parse(text, strlen(text));
	ck_assert_ptr_nonnull(image);
	struct health_config c = { .timing = { .interval = 100 * MS } };
	health_config_inherit(&c, image);
	ck_assert_str_eq(c.test[0], "CMD");
	ck_assert_str_eq(c.test[1], "/bin/ok");
	ck_assert_ptr_null(c.test[2]);
	ck_assert(c.timing.interval == 100 * MS); /* the user's */
	ck_assert(c.timing.timeout == S);
	ck_assert(c.timing.start_period == 2 * S);
	ck_assert_int_eq(c.timing.retries, 4);
	struct health_config off = { .test = { "NONE" } }; /* --no-healthcheck beats the image */
	health_config_inherit(&off, image);
	ck_assert_str_eq(off.test[0], "NONE");
	ck_assert_ptr_null(off.test[1]);
	json_free(image);
}
END_TEST

START_TEST(the_config_is_written_as_docker_writes_it_without_zero_members)
{
	const char *test[] = { "CMD-SHELL", "true" };
	struct health_timing t = { .interval = 100 * MS, .retries = 2 };
	struct json *doc = health_config_to_json(test, 2, &t);
	char *text = json_write(doc, 0, NULL);
	ck_assert_str_eq(text, "{\"Test\":[\"CMD-SHELL\",\"true\"],\"Interval\":100000000,\"Retries\":2}");
	struct health_timing back;
	health_timing_from_json(doc, &back);
	ck_assert(back.interval == t.interval && back.timeout == 0 && back.start_period == 0 && back.retries == 2);
	free(text);
	json_free(doc);
}
END_TEST

/* --- the state machine -------------------------------------------------------------------- */

static struct health_result result_at(timestamp_ns start, int exit_code, const char *output)
{
	struct health_result r;
	memset(&r, 0, sizeof(r));
	r.start = start;
	r.end = start + 10 * MS;
	r.exit_code = exit_code;
	health_output_append(&r, output, strlen(output));
	health_output_finish(&r);
	return r;
}

START_TEST(a_passing_check_makes_a_starting_container_healthy)
{
	struct health_state s = { .status = HEALTH_UNHEALTHY, .failing_streak = 9 };
	struct health_timing t = { 0 };
	health_begin(&s);
	ck_assert_int_eq(s.status, HEALTH_STARTING);
	ck_assert_int_eq(s.failing_streak, 0);
	struct health_result ok = result_at(30 * S, 0, "fine\n");
	health_record(&s, &t, 0, &ok);
	ck_assert_int_eq(s.status, HEALTH_HEALTHY);
	ck_assert_uint_eq(s.log_count, 1);
	ck_assert_str_eq(s.log[0].output, "fine\n");
	ck_assert_str_eq(health_status_words(s.status), "healthy");
	ck_assert_str_eq(health_status_words(HEALTH_STARTING), "health: starting");
}
END_TEST

START_TEST(retries_failures_in_a_row_make_it_unhealthy_and_one_success_heals_it)
{
	struct health_state s = { 0 };
	struct health_timing t = { .retries = 2 };
	health_begin(&s);
	struct health_result bad = result_at(S, 1, ""), ok = result_at(2 * S, 0, "");
	health_record(&s, &t, 0, &bad);
	ck_assert_int_eq(s.status, HEALTH_STARTING);
	ck_assert_int_eq(s.failing_streak, 1);
	health_record(&s, &t, 0, &bad);
	ck_assert_int_eq(s.status, HEALTH_UNHEALTHY);
	ck_assert_int_eq(s.failing_streak, 2);
	health_record(&s, &t, 0, &ok);
	ck_assert_int_eq(s.status, HEALTH_HEALTHY);
	ck_assert_int_eq(s.failing_streak, 0);
	health_record(&s, &t, 0, &bad); /* one failure: still healthy */
	ck_assert_int_eq(s.status, HEALTH_HEALTHY);
	ck_assert_int_eq(s.failing_streak, 1);
	struct health_result odd = result_at(3 * S, 2, ""), lost = result_at(3 * S, -1, "");
	health_record(&s, &t, 0, &odd); /* any code but 0 is a failure, 2 ("reserved") too */
	ck_assert_int_eq(s.status, HEALTH_UNHEALTHY);
	health_record(&s, &t, 0, &lost);
	ck_assert_int_eq(s.failing_streak, 3);
}
END_TEST

START_TEST(failures_in_the_start_period_do_not_count_until_a_check_has_passed)
{
	struct health_state s = { 0 };
	struct health_timing t = { .retries = 1, .start_period = 10 * S };
	timestamp_ns started = 1000 * S;
	health_begin(&s);
	struct health_result early = result_at(started + 9 * S, 1, "");
	health_record(&s, &t, started, &early);
	ck_assert_int_eq(s.status, HEALTH_STARTING);
	ck_assert_int_eq(s.failing_streak, 0);
	ck_assert_uint_eq(s.log_count, 1); /* logged all the same */
	struct health_result late = result_at(started + 10 * S, 1, "");
	health_record(&s, &t, started, &late);
	ck_assert_int_eq(s.status, HEALTH_UNHEALTHY);
	/* Once a check has passed, the start period is over for good. */
	health_begin(&s);
	struct health_result ok = result_at(started + S, 0, "");
	health_record(&s, &t, started, &ok);
	health_record(&s, &t, started, &early);
	ck_assert_int_eq(s.status, HEALTH_UNHEALTHY);
	ck_assert_int_eq(s.failing_streak, 1);
}
END_TEST

START_TEST(the_log_keeps_the_last_five_results_oldest_first)
{
	struct health_state s = { 0 };
	struct health_timing t = { 0 };
	for (int i = 0; i < 8; i++) {
		char said[8];
		snprintf(said, sizeof(said), "%d", i);
		struct health_result r = result_at(i * S, i % 2, said);
		health_record(&s, &t, 0, &r);
	}
	ck_assert_uint_eq(s.log_count, HEALTH_LOG_MAX);
	ck_assert_str_eq(s.log[0].output, "3");
	ck_assert_str_eq(s.log[4].output, "7");
	ck_assert_int_eq(s.log[4].exit_code, 1);
}
END_TEST

START_TEST(output_is_cut_at_4096_bytes_with_dots_as_docker_shows_it)
{
	struct health_result r = { 0 };
	char chunk[1000];
	memset(chunk, 'x', sizeof(chunk));
	for (int i = 0; i < 5; i++)
		health_output_append(&r, chunk, sizeof(chunk));
	health_output_finish(&r);
	ck_assert_uint_eq(r.output_length, 4096 + 3);
	ck_assert_str_eq(r.output + 4096, "...");
	struct health_result exact = { 0 };
	health_output_append(&exact, chunk, sizeof(chunk));
	health_output_finish(&exact);
	ck_assert_uint_eq(exact.output_length, 1000);
}
END_TEST

START_TEST(a_timed_out_check_fails_with_dockers_words_and_what_it_said)
{
	struct health_result r = result_at(S, 0, "");
	health_timed_out(&r, 30 * S);
	ck_assert_int_eq(r.exit_code, -1);
	ck_assert_str_eq(r.output, "Health check exceeded timeout (30s)");
	struct health_result said = { 0 };
	health_output_append(&said, "waiting\n", 8);
	health_timed_out(&said, 250 * MS);
	ck_assert_str_eq(said.output, "Health check exceeded timeout (250ms): waiting\n");
}
END_TEST

START_TEST(the_state_is_written_as_docker_inspect_shows_it_and_read_back)
{
	struct health_state s = { 0 }, back;
	struct health_timing t = { 0 };
	health_begin(&s);
	struct health_result r = result_at(1764000000LL * S, 1, "no \"answer\"\n");
	health_record(&s, &t, 0, &r);
	struct json *doc = health_state_to_json(&s);
	char *text = json_write(doc, 0, NULL);
	ck_assert_str_eq(text, "{\"Status\":\"starting\",\"FailingStreak\":1,\"Log\":[{\"Start\":"
			       "\"2025-11-24T16:00:00.000000000Z\",\"End\":\"2025-11-24T16:00:00.010000000Z\",\"ExitCode\":1,"
			       "\"Output\":\"no \\\"answer\\\"\\n\"}]}");
	health_state_from_json(doc, &back);
	ck_assert_int_eq(back.status, s.status);
	ck_assert_int_eq(back.failing_streak, 1);
	ck_assert_uint_eq(back.log_count, 1);
	ck_assert(back.log[0].start == r.start && back.log[0].end == r.end);
	ck_assert_str_eq(back.log[0].output, r.output);
	free(text);
	json_free(doc);
}
END_TEST

/* --- run's flags -------------------------------------------------------------------------- */

static int parse(struct runtime_spec *spec, const char *const words[])
{
	static char *argv[64];
	int argc = 0;
	argv[argc++] = (char *)"run";
	for (int i = 0; words[i]; i++)
		argv[argc++] = (char *)words[i];
	argv[argc] = NULL;
	return runtime_parse(argc, argv, spec, NULL, 0);
}

START_TEST(health_flags_make_a_shell_test_and_go_durations)
{
	static struct runtime_spec spec;
	ck_assert_msg(parse(&spec, (const char *const[]){ "--health-cmd", "wget -q localhost", "--health-interval",
							  "1m30s", "--health-timeout=500ms", "--health-retries", "5",
							  "--health-start-period", "2s", "--rootfs", "/r", NULL }) == 0,
		      "%s", error_message());
	ck_assert_str_eq(spec.health.test[0], "CMD-SHELL");
	ck_assert_str_eq(spec.health.test[1], "wget -q localhost");
	ck_assert_ptr_null(spec.health.test[2]);
	ck_assert(spec.health.timing.interval == 90 * S);
	ck_assert(spec.health.timing.timeout == 500 * MS);
	ck_assert(spec.health.timing.start_period == 2 * S);
	ck_assert_int_eq(spec.health.timing.retries, 5);
	/* Only a timing: the Test is left for the image to give. */
	ck_assert_int_eq(parse(&spec, (const char *const[]){ "--health-retries", "1", "--rootfs", "/r", NULL }), 0);
	ck_assert_ptr_null(spec.health.test[0]);
	ck_assert(health_config_given(&spec.health));
}
END_TEST

START_TEST(no_healthcheck_is_test_none_and_conflicts_with_the_other_health_flags)
{
	static struct runtime_spec spec;
	ck_assert_int_eq(parse(&spec, (const char *const[]){ "--no-healthcheck", "--rootfs", "/r", NULL }), 0);
	ck_assert_str_eq(spec.health.test[0], "NONE");
	ck_assert_ptr_null(spec.health.test[1]);
	ck_assert_int_eq(parse(&spec, (const char *const[]){ "--no-healthcheck", "--health-interval", "1s", "--rootfs",
							     "/r", NULL }),
			 -1);
	ck_assert_str_eq(error_message(), "--no-healthcheck conflicts with --health-* options");
	error_clear();
}
END_TEST

START_TEST(bad_health_flags_are_refused_naming_the_flag)
{
	static struct runtime_spec spec;
	ck_assert_int_eq(parse(&spec, (const char *const[]){ "--health-interval", "10", "--rootfs", "/r", NULL }), -1);
	ck_assert_str_eq(error_message(),
			 "invalid argument \"10\" for \"--health-interval\" flag: time: missing unit in duration \"10\"");
	ck_assert_int_eq(parse(&spec, (const char *const[]){ "--health-timeout", "-1s", "--rootfs", "/r", NULL }), -1);
	ck_assert_str_eq(error_message(), "--health-timeout cannot be negative");
	ck_assert_int_eq(parse(&spec, (const char *const[]){ "--health-retries", "-2", "--rootfs", "/r", NULL }), -1);
	ck_assert_str_eq(error_message(), "--health-retries cannot be negative");
	ck_assert_int_eq(parse(&spec, (const char *const[]){ "--health-retries", "two", "--rootfs", "/r", NULL }), -1);
	ck_assert_msg(strstr(error_message(), "\"--health-retries\""), "%s", error_message());
	error_clear();
}
END_TEST

Suite *health_suite(void)
{
	Suite *s = suite_create("03-cgroups health check");
	TCase *d = tcase_create("durations");
	tcase_add_test(d, durations_read_as_go_reads_them);
	tcase_add_test(d, durations_go_refuses_are_refused_with_gos_words);
	tcase_add_test(d, durations_print_as_go_prints_them);
	suite_add_tcase(s, d);
	TCase *c = tcase_create("config");
	tcase_add_test(c, docker_defaults_apply_to_what_is_not_set);
	tcase_add_test(c, a_shell_test_runs_under_bin_sh_and_an_exec_test_runs_its_words);
	tcase_add_test(c, the_daemon_refuses_durations_under_a_millisecond_and_unknown_tests);
	tcase_add_test(c, unset_parts_are_inherited_from_the_image_field_by_field);
	tcase_add_test(c, the_config_is_written_as_docker_writes_it_without_zero_members);
	suite_add_tcase(s, c);
	TCase *m = tcase_create("state machine");
	tcase_add_test(m, a_passing_check_makes_a_starting_container_healthy);
	tcase_add_test(m, retries_failures_in_a_row_make_it_unhealthy_and_one_success_heals_it);
	tcase_add_test(m, failures_in_the_start_period_do_not_count_until_a_check_has_passed);
	tcase_add_test(m, the_log_keeps_the_last_five_results_oldest_first);
	tcase_add_test(m, output_is_cut_at_4096_bytes_with_dots_as_docker_shows_it);
	tcase_add_test(m, a_timed_out_check_fails_with_dockers_words_and_what_it_said);
	tcase_add_test(m, the_state_is_written_as_docker_inspect_shows_it_and_read_back);
	suite_add_tcase(s, m);
	TCase *f = tcase_create("run flags");
	tcase_add_test(f, health_flags_make_a_shell_test_and_go_durations);
	tcase_add_test(f, no_healthcheck_is_test_none_and_conflicts_with_the_other_health_flags);
	tcase_add_test(f, bad_health_flags_are_refused_naming_the_flag);
	suite_add_tcase(s, f);
	return s;
}
