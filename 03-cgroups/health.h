/*
 * health.h - a container's health check, as Docker defines it: how to check (HealthConfig,
 * Config.Healthcheck in a container's or an image's config) and what the checks found (the
 * health state, State.Health in `inspect`).
 *
 *   Config.Healthcheck  {"Test": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
 *                        "Interval": 30000000000, "Timeout": 3000000000, "StartPeriod": 0,
 *                        "Retries": 3}                      (durations in nanoseconds)
 *   State.Health        {"Status": "healthy", "FailingStreak": 0,
 *                        "Log": [{"Start": ..., "End": ..., "ExitCode": 0, "Output": "ok\n"}]}
 *
 * Pure: the rules (defaults, inheritance from the image, validation) and the state machine
 * (starting -> healthy <-> unhealthy), with time passed in, never read; unit-tested in
 * tests/unit/test_health.c. Who runs the checks: health-check.h.
 */
#ifndef TINYDOCK_HEALTH_H
#define TINYDOCK_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "timestamp.h"

struct json;

/* Docker's defaults (moby, daemon/health.go). */
#define HEALTH_DEFAULT_INTERVAL (30 * 1000000000LL)
#define HEALTH_DEFAULT_TIMEOUT (30 * 1000000000LL)
#define HEALTH_DEFAULT_RETRIES 3
#define HEALTH_MINIMUM_DURATION 1000000LL /* 1 ms: a shorter non-zero duration is refused */
#define HEALTH_LOG_MAX 5                  /* results kept in the Log */
#define HEALTH_OUTPUT_MAX 4096            /* bytes of a check's output kept ("..." after) */

#define HEALTH_TEST_MAX 32

/* When and how often: 0 means "not set" (inherit from the image, else the default). */
struct health_timing {
	int64_t interval, timeout, start_period; /* nanoseconds */
	int retries;
};

/* How to check (HealthConfig). test is NULL-terminated and points into someone else's strings
 * (the flags, the image's config, the record): ["CMD-SHELL", "cmd"], ["CMD", "prog", "arg"...],
 * ["NONE"] (no check, even if the image has one), or empty (not set: the image's). */
struct health_config {
	const char *test[HEALTH_TEST_MAX + 1];
	struct health_timing timing;
};

/* True when any part is set (Docker then records a Healthcheck). */
bool health_config_given(const struct health_config *c);

/* True when there is a check to run: Test is CMD or CMD-SHELL with a command. */
bool health_config_enabled(const struct health_config *c);

/* Docker's daemon rules (validateHealthCheck): a non-zero duration of at least 1 ms, retries
 * not negative, a Test of a known kind with a command. 0, or -1 with Docker's words. */
int health_config_check(const struct health_config *c);

/* Fill what c leaves unset from an image's Healthcheck (a JSON object, or NULL), field by
 * field, as Docker merges a container's config with its image's. c points into image's
 * strings afterwards. */
void health_config_inherit(struct health_config *c, const struct json *image);

/* The command a check runs, NULL-terminated, pointing into c (and static strings): CMD-SHELL
 * runs /bin/sh -c CMD (Docker's default shell on Linux); CMD runs its words. Returns the
 * count, or 0 when nothing is to run. */
size_t health_command(const struct health_config *c, const char *argv[HEALTH_TEST_MAX + 3]);

/* The timing with Docker's defaults applied. */
int64_t health_interval(const struct health_timing *t);
int64_t health_timeout(const struct health_timing *t);
int health_retries(const struct health_timing *t);

/* Config.Healthcheck as Docker writes it (members that are zero left out); NULL when memory
 * runs out. Reading back: health_timing_from_json (Test is a list of strings). */
struct json *health_config_to_json(const char *const *test, size_t count, const struct health_timing *t);
void health_timing_from_json(const struct json *obj, struct health_timing *t);

/* --- the state ------------------------------------------------------------------------------ */

enum health_status { HEALTH_STARTING, HEALTH_HEALTHY, HEALTH_UNHEALTHY };

/* One check's result, a Log entry. ExitCode -1: it did not finish (timeout, or it could not
 * be started). */
struct health_result {
	timestamp_ns start, end;
	int exit_code;
	char output[HEALTH_OUTPUT_MAX + 4]; /* NUL-terminated; may hold "..." at the end */
	size_t output_length;
	bool truncated;
};

struct health_state {
	enum health_status status;
	int failing_streak;
	struct health_result log[HEALTH_LOG_MAX]; /* oldest first */
	size_t log_count;
};

/* "starting", "healthy", "unhealthy" (State.Health.Status). */
const char *health_status_name(enum health_status status);

/* What `ps` shows after "Up 5 seconds": "health: starting", "healthy", "unhealthy". */
const char *health_status_words(enum health_status status);

/* A start (or a restart): starting again with no failures; the Log is kept, as Docker does. */
void health_begin(struct health_state *s);

/* Append output to a result, keeping the first HEALTH_OUTPUT_MAX bytes; what does not fit
 * is dropped and marks the result truncated. */
void health_output_append(struct health_result *r, const char *data, size_t length);

/* Close the output: "..." after it when it was truncated, as Docker's limitedBuffer shows it. */
void health_output_finish(struct health_result *r);

/* A check that ran past its timeout (ns) and was killed: exit code -1 and Docker's words,
 * "Health check exceeded timeout (30s)", followed by ": " and what it wrote, if anything. */
void health_timed_out(struct health_result *r, int64_t timeout);

/* The state machine, one finished check at a time (Docker's handleProbeResult): the result
 * joins the Log (the oldest leaves past HEALTH_LOG_MAX); exit code 0 makes the container
 * healthy and ends the streak; any other code is a failure, counted unless the container is
 * still starting within the start period (measured from started_at to the check's start),
 * and the retries-th failure in a row makes it unhealthy. */
void health_record(struct health_state *s, const struct health_timing *t, timestamp_ns started_at,
		   const struct health_result *r);

/* State.Health as JSON, and back (lenient: what is missing is empty). */
struct json *health_state_to_json(const struct health_state *s);
void health_state_from_json(const struct json *obj, struct health_state *s);

#endif
