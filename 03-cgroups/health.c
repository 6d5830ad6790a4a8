/*
 * health.c - the health check's rules and its state machine (see health.h).
 *
 * A process that runs is not always a service that works: a web server stuck in a loop still
 * runs. A health check is a command run inside the container now and then; its exit code says
 * whether the service works (0: healthy; anything else: a failure). Docker's reference
 * (Dockerfile HEALTHCHECK) gives the rules this file follows:
 *
 *   - the status starts as "starting"; a check that passes makes it "healthy", whatever it
 *     was before; Retries failures in a row (default 3) make it "unhealthy";
 *   - a failure during the start period (StartPeriod, from the container's start) does not
 *     count, unless a check has passed since the start (the container is no longer starting);
 *   - the last 5 results are kept, each with the first 4096 bytes of the check's output.
 *
 * Nothing here reads a clock or runs anything: the checker (health-check.c) passes in what
 * happened and when, and writes the state where `ps` and `inspect` read it.
 */
#include "health.h"
#include "container-record.h"
#include "duration.h"
#include "error.h"
#include "json.h"

#include <stdio.h>
#include <string.h>

/* --- the config ----------------------------------------------------------------------------- */

bool health_config_given(const struct health_config *c)
{
	const struct health_timing *t = &c->timing;
	return c->test[0] || t->interval || t->timeout || t->start_period || t->retries;
}

bool health_config_enabled(const struct health_config *c)
{
	return c->test[0] && c->test[1] && (strcmp(c->test[0], "CMD") == 0 || strcmp(c->test[0], "CMD-SHELL") == 0);
}

/* A duration Docker's daemon accepts: 0 (not set) or at least 1 ms. */
static int check_duration(const char *name, int64_t ns)
{
	if (ns < 0)
		return fail_errno(0, "%s in Healthcheck cannot be negative", name);
	if (ns != 0 && ns < HEALTH_MINIMUM_DURATION)
		return fail_errno(0, "%s in Healthcheck cannot be less than 1ms", name);
	return 0;
}

int health_config_check(const struct health_config *c)
{
	const struct health_timing *t = &c->timing;
	if (check_duration("Interval", t->interval) < 0 || check_duration("Timeout", t->timeout) < 0 ||
	    check_duration("StartPeriod", t->start_period) < 0)
		return -1;
	if (t->retries < 0)
		return fail_errno(0, "Retries in Healthcheck cannot be negative");
	if (!c->test[0] || strcmp(c->test[0], "NONE") == 0)
		return 0;
	if (strcmp(c->test[0], "CMD") != 0 && strcmp(c->test[0], "CMD-SHELL") != 0)
		return fail_errno(0, "unknown Healthcheck type \"%s\" (expected CMD, CMD-SHELL or NONE)", c->test[0]);
	if (!c->test[1] || !*c->test[1])
		return fail_errno(0, "the Healthcheck %s has no command", c->test[0]);
	return 0;
}

void health_config_inherit(struct health_config *c, const struct json *image)
{
	if (!json_is(image, JSON_OBJECT))
		return;
	if (!c->test[0]) {
		size_t n = 0;
		json_for_each(word, json_get(image, "Test"))
			if (json_is(word, JSON_STRING) && n < HEALTH_TEST_MAX)
				c->test[n++] = word->text;
		c->test[n] = NULL;
	}
	struct health_timing theirs;
	health_timing_from_json(image, &theirs);
	struct health_timing *t = &c->timing;
	if (!t->interval)
		t->interval = theirs.interval;
	if (!t->timeout)
		t->timeout = theirs.timeout;
	if (!t->start_period)
		t->start_period = theirs.start_period;
	if (!t->retries)
		t->retries = theirs.retries;
}

size_t health_command(const struct health_config *c, const char *argv[HEALTH_TEST_MAX + 3])
{
	size_t n = 0;
	if (!health_config_enabled(c))
		return 0;
	if (strcmp(c->test[0], "CMD-SHELL") == 0) {
		argv[n++] = "/bin/sh";
		argv[n++] = "-c";
		argv[n++] = c->test[1];
	} else {
		for (size_t i = 1; c->test[i]; i++)
			argv[n++] = c->test[i];
	}
	argv[n] = NULL;
	return n;
}

int64_t health_interval(const struct health_timing *t)
{
	return t->interval ? t->interval : HEALTH_DEFAULT_INTERVAL;
}

int64_t health_timeout(const struct health_timing *t)
{
	return t->timeout ? t->timeout : HEALTH_DEFAULT_TIMEOUT;
}

int health_retries(const struct health_timing *t)
{
	return t->retries > 0 ? t->retries : HEALTH_DEFAULT_RETRIES;
}

struct json *health_config_to_json(const char *const *test, size_t count, const struct health_timing *t)
{
	struct json *obj = json_new_object(), *words = json_new_array();
	bool ok = obj && words;
	for (size_t i = 0; ok && i < count; i++)
		ok = json_append(words, json_new_string(test[i])) != NULL;
	/* Go's `json:",omitempty"` on every member of HealthConfig: zeros are left out. */
	if (ok && count) {
		ok = json_add(obj, "Test", words) != NULL;
		words = NULL;
	}
	if (ok && t->interval)
		ok = json_add_int(obj, "Interval", t->interval) != NULL;
	if (ok && t->timeout)
		ok = json_add_int(obj, "Timeout", t->timeout) != NULL;
	if (ok && t->start_period)
		ok = json_add_int(obj, "StartPeriod", t->start_period) != NULL;
	if (ok && t->retries)
		ok = json_add_int(obj, "Retries", t->retries) != NULL;
	json_free(words);
	if (!ok) {
		json_free(obj);
		return NULL;
	}
	return obj;
}

void health_timing_from_json(const struct json *obj, struct health_timing *t)
{
	t->interval = stored_int(obj, "Interval");
	t->timeout = stored_int(obj, "Timeout");
	t->start_period = stored_int(obj, "StartPeriod");
	t->retries = (int)stored_int(obj, "Retries");
}

/* --- the state ------------------------------------------------------------------------------ */

static const char *const status_names[] = { "starting", "healthy", "unhealthy" };

const char *health_status_name(enum health_status status)
{
	return status_names[status];
}

const char *health_status_words(enum health_status status)
{
	/* Docker's Health.String(): "healthy" and "unhealthy" say it; "starting" alone would not. */
	return status == HEALTH_STARTING ? "health: starting" : status_names[status];
}

void health_begin(struct health_state *s)
{
	s->status = HEALTH_STARTING;
	s->failing_streak = 0;
}

void health_output_append(struct health_result *r, const char *data, size_t length)
{
	size_t room = HEALTH_OUTPUT_MAX - r->output_length;
	size_t keep = length < room ? length : room;
	memcpy(r->output + r->output_length, data, keep);
	r->output_length += keep;
	r->output[r->output_length] = '\0';
	if (keep < length)
		r->truncated = true;
}

void health_output_finish(struct health_result *r)
{
	if (r->truncated && r->output_length == HEALTH_OUTPUT_MAX) {
		memcpy(r->output + r->output_length, "...", 4);
		r->output_length += 3;
	}
}

void health_timed_out(struct health_result *r, int64_t timeout)
{
	char limit[DURATION_SIZE], said[HEALTH_OUTPUT_MAX];
	size_t said_length = r->output_length;
	bool cut = r->truncated;
	memcpy(said, r->output, said_length);
	duration_format(timeout, limit);
	char words[64 + DURATION_SIZE];
	int n = snprintf(words, sizeof(words), "Health check exceeded timeout (%s)%s", limit, said_length ? ": " : "");
	r->exit_code = -1;
	r->output_length = 0;
	r->truncated = false;
	health_output_append(r, words, (size_t)n);
	health_output_append(r, said, said_length);
	r->truncated = r->truncated || cut;
	health_output_finish(r);
}

void health_record(struct health_state *s, const struct health_timing *t, timestamp_ns started_at,
		   const struct health_result *r)
{
	if (s->log_count == HEALTH_LOG_MAX) {
		memmove(&s->log[0], &s->log[1], (HEALTH_LOG_MAX - 1) * sizeof(s->log[0]));
		s->log_count--;
	}
	s->log[s->log_count++] = *r;
	if (r->exit_code == 0) {
		s->failing_streak = 0;
		s->status = HEALTH_HEALTHY;
		return;
	}
	/* Starting means no check has passed yet: within the start period, failures are the
	 * service still coming up, and do not count. */
	if (s->status == HEALTH_STARTING && r->start - started_at < t->start_period)
		return;
	if (++s->failing_streak >= health_retries(t))
		s->status = HEALTH_UNHEALTHY;
}

static struct json *time_string(timestamp_ns t)
{
	char text[TIMESTAMP_SIZE];
	timestamp_format(t, text);
	return json_new_string(text);
}

struct json *health_state_to_json(const struct health_state *s)
{
	struct json *obj = json_new_object(), *log = json_new_array();
	bool ok = obj && log;
	for (size_t i = 0; ok && i < s->log_count; i++) {
		const struct health_result *r = &s->log[i];
		struct json *entry = json_append(log, json_new_object());
		ok = entry && json_add(entry, "Start", time_string(r->start)) && json_add(entry, "End", time_string(r->end)) &&
		     json_add_int(entry, "ExitCode", r->exit_code) &&
		     json_add(entry, "Output", json_new_stringn(r->output, r->output_length));
	}
	ok = ok && json_add_string(obj, "Status", health_status_name(s->status)) &&
	     json_add_int(obj, "FailingStreak", s->failing_streak);
	if (ok) {
		ok = json_add(obj, "Log", log) != NULL;
		log = NULL;
	}
	json_free(log);
	if (!ok) {
		json_free(obj);
		return NULL;
	}
	return obj;
}

void health_state_from_json(const struct json *obj, struct health_state *s)
{
	memset(s, 0, sizeof(*s));
	const char *status = json_get_string(obj, "Status");
	for (size_t i = 0; status && i < sizeof(status_names) / sizeof(status_names[0]); i++)
		if (strcmp(status, status_names[i]) == 0)
			s->status = (enum health_status)i;
	s->failing_streak = (int)stored_int(obj, "FailingStreak");
	json_for_each(entry, json_get(obj, "Log"))
	{
		if (s->log_count == HEALTH_LOG_MAX)
			break;
		struct health_result *r = &s->log[s->log_count++];
		r->start = stored_time(entry, "Start");
		r->end = stored_time(entry, "End");
		r->exit_code = (int)stored_int(entry, "ExitCode");
		const struct json *output = json_get(entry, "Output");
		if (json_is(output, JSON_STRING)) {
			size_t n = output->length < HEALTH_OUTPUT_MAX + 3 ? output->length : HEALTH_OUTPUT_MAX + 3;
			memcpy(r->output, output->text, n);
			r->output[n] = '\0';
			r->output_length = n;
		}
	}
}
