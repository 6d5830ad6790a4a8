/*
 * test_health.c - HEALTHCHECK as a user meets it (03-cgroups/health*.c): run's --health-*
 * flags, the monitor's checker running each check inside the container, the status in `ps`
 * and `inspect`, a check killed at its timeout with everything it started, `stop` that does
 * not wait for a check, `start` that keeps the check, and (chapter 05) an image whose config
 * has a Healthcheck.
 *
 * Every wait is a poll of `inspect` with a deadline; the harness removes what a test leaves.
 */
#include <check.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "files.h"
#include "harness.h"
#include "json.h"

static double now_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&t, NULL);
}

/* `tinydock run -d ARGS...` (the stage's binary): the id it printed (static buffer). */
#define RUN_D(...) run_detached((const char *[]){ __VA_ARGS__, NULL })
static const char *run_detached(const char **args)
{
	static char id[65];
	const char *argv[40] = { tinydock_binary(), "run", "-d", "--network", "none" };
	size_t n = 5;
	for (; *args && n < 39; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	struct run_result r = run_program(NULL, 30, argv);
	ck_assert_msg(r.status == 0, "run -d failed (%d): %s", r.status, r.err);
	ck_assert_uint_eq(strlen(r.out), 65);
	snprintf(id, sizeof(id), "%.64s", r.out);
	run_free(&r);
	return id;
}

static const struct json *health_of(const struct json *doc)
{
	return json_get(json_get(doc, "State"), "Health");
}

/* Poll until State.Health.Status is status, at most seconds: the inspect document then
 * (free it), or NULL. */
static struct json *wait_health(const char *ref, const char *status, double seconds)
{
	double end = now_seconds() + seconds;
	while (now_seconds() < end) {
		struct json *doc = inspect_json(ref);
		const char *now = json_get_string(health_of(doc), "Status");
		if (now && strcmp(now, status) == 0)
			return doc;
		json_free(doc);
		sleep_ms(50);
	}
	return NULL;
}

/* `ps -a` and the container's State, to explain a failure (static buffer). */
static const char *describe(const char *ref)
{
	static char text[16384];
	struct run_result p = run_tinydock(NULL, 10, "ps", "-a", NULL);
	struct run_result i = run_tinydock(NULL, 10, "inspect", ref, NULL);
	const char *state = strstr(i.out ? i.out : "", "\"State\"");
	snprintf(text, sizeof(text), "ps -a:\n%s\n%.6000s", p.out, state ? state : i.err);
	run_free(&p);
	run_free(&i);
	return text;
}

/* How many processes on the host run exactly argv (as /proc/PID/cmdline shows it): the
 * container's processes are the host's too, seen from outside. */
static int processes_running(const char *const *argv)
{
	char want[256];
	size_t length = 0;
	for (; *argv; argv++) {
		size_t n = strlen(*argv) + 1;
		memcpy(want + length, *argv, n);
		length += n;
	}
	int found = 0;
	DIR *proc = opendir("/proc");
	ck_assert_ptr_nonnull(proc);
	struct dirent *e;
	while ((e = readdir(proc))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		char path[300], line[256];
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		size_t n = fread(line, 1, sizeof(line), f);
		fclose(f);
		found += n == length && memcmp(line, want, length) == 0;
	}
	closedir(proc);
	return found;
}

static bool wait_process(const char *const *argv, double seconds)
{
	double end = now_seconds() + seconds;
	while (now_seconds() < end) {
		if (processes_running(argv) > 0)
			return true;
		sleep_ms(20);
	}
	return false;
}

static struct run_result ps(void)
{
	struct run_result r = run_tinydock(NULL, 10, "ps", NULL);
	ck_assert_msg(r.status == 0, "ps: %s", r.err);
	return r;
}

START_TEST(a_passing_check_turns_a_starting_container_healthy_in_ps_and_inspect)
{
	/* An hour's interval: no check yet, and "starting" is there as soon as run -d returns. */
	const char *id = RUN_D("--name", "slow", "--health-cmd", "true", "--health-interval", "1h", "--rootfs",
			       sandbox.rootfs, "sleep", "60");
	struct run_result r = ps();
	ck_assert_msg(strstr(r.out, " (health: starting) "), "%s", r.out);
	run_free(&r);
	struct json *doc = inspect_json(id);
	ck_assert_str_eq(json_get_string(health_of(doc), "Status"), "starting");
	json_free(doc);

	id = RUN_D("--name", "fast", "--health-cmd", "echo ok from $HOSTNAME", "--health-interval", "100ms",
		   "--hostname", "web", "--rootfs", sandbox.rootfs, "sleep", "60");
	doc = wait_health(id, "healthy", 20);
	ck_assert_msg(doc, "not healthy: %s", describe(id));
	const struct json *health = health_of(doc), *first = json_at(json_get(health, "Log"), 0);
	int64_t streak = -1, code = -1;
	json_int64(json_get(health, "FailingStreak"), &streak);
	json_int64(json_get(first, "ExitCode"), &code);
	ck_assert_int_eq(streak, 0);
	ck_assert_int_eq(code, 0);
	/* Run inside the container, as exec runs a command: its hostname, its environment. */
	ck_assert_str_eq(json_get_string(first, "Output"), "ok from web\n");
	ck_assert_msg(strcmp(json_get_string(first, "Start"), json_get_string(first, "End")) < 0, "Start after End");
	const struct json *config = json_get(json_get(doc, "Config"), "Healthcheck");
	ck_assert_str_eq(json_string(json_at(json_get(config, "Test"), 0)), "CMD-SHELL");
	ck_assert_str_eq(json_string(json_at(json_get(config, "Test"), 1)), "echo ok from $HOSTNAME");
	int64_t interval = 0;
	json_int64(json_get(config, "Interval"), &interval);
	ck_assert(interval == 100000000);
	ck_assert_ptr_null(json_get(config, "Timeout")); /* Docker leaves zeros out */
	json_free(doc);
	r = ps();
	ck_assert_msg(strstr(r.out, " (healthy) "), "%s", r.out);
	run_free(&r);
}
END_TEST

START_TEST(retries_failing_checks_in_a_row_make_it_unhealthy_with_each_result_logged)
{
	const char *id = RUN_D("--health-cmd", "echo bad; exit 3", "--health-interval", "100ms", "--health-retries",
			       "2", "--rootfs", sandbox.rootfs, "sleep", "60");
	struct json *doc = wait_health(id, "unhealthy", 20);
	ck_assert_msg(doc, "not unhealthy: %s", describe(id));
	const struct json *health = health_of(doc), *log = json_get(health, "Log");
	int64_t streak = 0;
	json_int64(json_get(health, "FailingStreak"), &streak);
	ck_assert_msg(streak >= 2, "FailingStreak %lld", (long long)streak);
	ck_assert_uint_ge(log->count, 2);
	json_for_each(entry, log)
	{
		int64_t code = 0;
		json_int64(json_get(entry, "ExitCode"), &code);
		ck_assert_int_eq(code, 3);
		ck_assert_str_eq(json_get_string(entry, "Output"), "bad\n");
	}
	json_free(doc);
	struct run_result r = ps();
	ck_assert_msg(strstr(r.out, " (unhealthy) "), "%s", r.out);
	run_free(&r);
}
END_TEST

START_TEST(a_check_past_its_timeout_fails_and_is_killed_with_all_it_started)
{
	/* The check starts a background sleep and a foreground one: at the timeout both go.
	 * A 3 s interval leaves 3 s without a check after the first, to look. */
	const char *id = RUN_D("--health-cmd", "sleep 7777 & echo waiting; sleep 7778", "--health-interval", "3s",
			       "--health-timeout", "200ms", "--health-retries", "1", "--rootfs", sandbox.rootfs, "sleep",
			       "60");
	const char *background[] = { "sleep", "7777", NULL }, *foreground[] = { "sleep", "7778", NULL };
	ck_assert_msg(wait_process(foreground, 20), "the check never ran: %s", describe(id));
	struct json *doc = wait_health(id, "unhealthy", 20);
	ck_assert_msg(doc, "not unhealthy: %s", describe(id));
	ck_assert_int_eq(processes_running(background), 0);
	ck_assert_int_eq(processes_running(foreground), 0);
	const struct json *entry = json_at(json_get(health_of(doc), "Log"), 0);
	int64_t code = 0;
	json_int64(json_get(entry, "ExitCode"), &code);
	ck_assert_int_eq(code, -1);
	ck_assert_str_eq(json_get_string(entry, "Output"), "Health check exceeded timeout (200ms): waiting\n");
	json_free(doc);
	/* The killed check's processes were reaped at once: the container's PID namespace, which
	 * cannot end before every process of it is reaped, ends as soon as its init does. (Left
	 * to the host's init, they held `stop` up for a second here.) */
	double before = now_seconds();
	struct run_result r = run_tinydock(NULL, 20, "stop", id, NULL);
	double took = now_seconds() - before;
	ck_assert_msg(r.status == 0, "stop: %s", r.err);
	run_free(&r);
	ck_assert_msg(took < 0.9, "stop took %.2f s", took);
}
END_TEST

START_TEST(stop_does_not_wait_for_a_check_under_way_and_leaves_no_check_behind)
{
	const char *id = RUN_D("--health-cmd", "sleep 7779", "--health-interval", "100ms", "--health-timeout", "1m",
			       "--rootfs", sandbox.rootfs, "sleep", "60");
	const char *check[] = { "sleep", "7779", NULL };
	ck_assert_msg(wait_process(check, 20), "the check never ran: %s", describe(id));
	double before = now_seconds();
	struct run_result r = run_tinydock(NULL, 20, "stop", id, NULL);
	double took = now_seconds() - before;
	ck_assert_msg(r.status == 0, "stop: %s", r.err);
	run_free(&r);
	ck_assert_msg(took < 3, "stop took %.2f s", took);
	ck_assert_int_eq(processes_running(check), 0);
}
END_TEST

START_TEST(no_healthcheck_runs_none_and_conflicts_with_the_health_flags)
{
	const char *id = RUN_D("--no-healthcheck", "--rootfs", sandbox.rootfs, "sleep", "60");
	struct json *doc = inspect_json(id);
	ck_assert_ptr_null(health_of(doc));
	const struct json *test = json_get(json_get(json_get(doc, "Config"), "Healthcheck"), "Test");
	ck_assert_uint_eq(test ? test->count : 0, 1);
	ck_assert_str_eq(json_string(json_at(test, 0)), "NONE");
	json_free(doc);
	struct run_result r = ps();
	ck_assert_msg(!strstr(r.out, "health"), "%s", r.out);
	run_free(&r);
	r = run_tinydock(NULL, 10, "run", "--no-healthcheck", "--health-cmd", "true", "--rootfs", sandbox.rootfs,
			 "true", NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "--no-healthcheck conflicts with --health-* options"), "%s", r.err);
	run_free(&r);
	r = run_tinydock(NULL, 10, "run", "--health-interval", "10", "--rootfs", sandbox.rootfs, "true", NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "time: missing unit in duration \"10\""), "%s", r.err);
	run_free(&r);
	r = run_tinydock(NULL, 10, "run", "--health-cmd", "true", "--health-interval", "10us", "--rootfs",
			 sandbox.rootfs, "true", NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "Interval in Healthcheck cannot be less than 1ms"), "%s", r.err);
	run_free(&r);
}
END_TEST

START_TEST(a_container_started_again_checks_again)
{
	const char *id = RUN_D("--name", "again", "--health-cmd", "true", "--health-interval", "100ms", "--rootfs",
			       sandbox.rootfs, "sleep", "60");
	struct json *doc = wait_health(id, "healthy", 20);
	ck_assert_msg(doc, "not healthy: %s", describe(id));
	json_free(doc);
	struct run_result r = run_tinydock(NULL, 20, "stop", "again", NULL);
	ck_assert_msg(r.status == 0, "stop: %s", r.err);
	run_free(&r);
	r = run_tinydock(NULL, 20, "start", "again", NULL);
	ck_assert_msg(r.status == 0, "start: %s", r.err);
	run_free(&r);
	/* A check of the new run: its Start after the new StartedAt (RFC 3339 in UTC, with the
	 * same number of digits, compares as text). */
	double end = now_seconds() + 20;
	bool checked = false;
	while (!checked && now_seconds() < end) {
		doc = inspect_json(id);
		const char *started = json_get_string(json_get(doc, "State"), "StartedAt");
		const struct json *log = json_get(health_of(doc), "Log");
		const char *last = log && log->last ? json_get_string(log->last, "Start") : NULL;
		const char *status = json_get_string(health_of(doc), "Status");
		checked = last && started && strcmp(last, started) > 0 && status && strcmp(status, "healthy") == 0;
		json_free(doc);
		if (!checked)
			sleep_ms(50);
	}
	ck_assert_msg(checked, "no check after start: %s", describe(id));
}
END_TEST

/* A `docker save` archive made by hand whose config has a Healthcheck (as a Dockerfile's
 * HEALTHCHECK --interval=100ms --retries=1 CMD echo from-image stores it). */
static const char IMAGE_WITH_A_HEALTHCHECK[] =
	"set -e; cd \"$S\"; mkdir -p fs hand/l1; \"$T\" rootfs fs >/dev/null;"
	"tar --numeric-owner -cf hand/l1/layer.tar -C fs .;"
	"diff=$(sha256sum hand/l1/layer.tar | cut -d' ' -f1);"
	"printf '{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"sleep\",\"60\"],"
	"\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"echo from-image\"],\"Interval\":100000000,\"Retries\":1}},"
	"\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:%s\"]}}' $diff > config.json;"
	"cfg=$(sha256sum config.json | cut -d' ' -f1); cp config.json hand/$cfg.json;"
	"printf '[{\"Config\":\"%s.json\",\"RepoTags\":[\"hc/img:1\"],\"Layers\":[\"l1/layer.tar\"]}]' $cfg"
	" > hand/manifest.json; tar -cf hand.tar -C hand .; \"$T\" load -i hand.tar";

START_TEST(an_image_with_a_healthcheck_gives_it_to_its_containers_unless_overridden)
{
	char script[4096];
	snprintf(script, sizeof(script), "T='%s'; S='%s'; %s", tinydock_binary(), sandbox.dir, IMAGE_WITH_A_HEALTHCHECK);
	const char *argv[] = { "sh", "-c", script, NULL };
	struct run_result r = run_program(NULL, 120, argv);
	ck_assert_msg(r.status == 0, "making the image: %s %s", r.out, r.err);
	run_free(&r);

	const char *id = RUN_D("hc/img:1");
	struct json *doc = wait_health(id, "healthy", 20);
	ck_assert_msg(doc, "not healthy: %s", describe(id));
	ck_assert_str_eq(json_get_string(json_at(json_get(health_of(doc), "Log"), 0), "Output"), "from-image\n");
	json_free(doc);

	/* A flag replaces its part only: the image's interval and retries stay. */
	id = RUN_D("--health-cmd", "exit 1", "hc/img:1");
	doc = wait_health(id, "unhealthy", 20);
	ck_assert_msg(doc, "not unhealthy: %s", describe(id));
	const struct json *config = json_get(json_get(doc, "Config"), "Healthcheck");
	ck_assert_str_eq(json_string(json_at(json_get(config, "Test"), 1)), "exit 1");
	int64_t retries = 0;
	json_int64(json_get(config, "Retries"), &retries);
	ck_assert_int_eq(retries, 1);
	json_free(doc);

	id = RUN_D("--no-healthcheck", "hc/img:1");
	doc = inspect_json(id);
	ck_assert_ptr_null(health_of(doc));
	json_free(doc);
}
END_TEST

Suite *health_system_suite(void)
{
	Suite *s = suite_create("health");
	TCase *t = tcase_create("health");
	harness_use_stage(t, 3);
	harness_use_sandbox(t);
	tcase_set_timeout(t, 90);
	tcase_add_test(t, a_passing_check_turns_a_starting_container_healthy_in_ps_and_inspect);
	tcase_add_test(t, retries_failing_checks_in_a_row_make_it_unhealthy_with_each_result_logged);
	tcase_add_test(t, a_check_past_its_timeout_fails_and_is_killed_with_all_it_started);
	tcase_add_test(t, stop_does_not_wait_for_a_check_under_way_and_leaves_no_check_behind);
	tcase_add_test(t, no_healthcheck_runs_none_and_conflicts_with_the_health_flags);
	tcase_add_test(t, a_container_started_again_checks_again);
	suite_add_tcase(s, t);
	TCase *i = tcase_create("health of images");
	harness_use_stage(i, 5);
	harness_use_sandbox(i);
	tcase_set_timeout(i, 180);
	tcase_add_test(i, an_image_with_a_healthcheck_gives_it_to_its_containers_unless_overridden);
	suite_add_tcase(s, i);
	return s;
}
