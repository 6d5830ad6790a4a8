/*
 * health-flags.c - `run`'s health flags, read as docker/cli reads them (cli/command/container/
 * opts.go): any --health-* flag makes a HealthConfig, whose unset parts the image fills in
 * (chapter 05); --health-cmd is a shell command (Test ["CMD-SHELL", CMD]); the durations are Go
 * durations (duration.h: 1s, 500ms, 1m30s); and --no-healthcheck, which turns off even the
 * image's check (Test ["NONE"]), cannot be combined with the others.
 *
 * They are chapter 03's second set of run flags (run-flags.h): the health check is run by the
 * monitor, so it belongs to the runtime, beside -d and --restart.
 */
#include "health-check.h"
#include "duration.h"
#include "cli.h"
#include "error.h"

#include <errno.h>
#include <stdlib.h>

enum {
	OPT_HEALTH_CMD = 1350,
	OPT_HEALTH_INTERVAL,
	OPT_HEALTH_TIMEOUT,
	OPT_HEALTH_RETRIES,
	OPT_HEALTH_START_PERIOD,
	OPT_NO_HEALTHCHECK,
};

static const struct option options[] = {
	{ "health-cmd", required_argument, NULL, OPT_HEALTH_CMD },
	{ "health-interval", required_argument, NULL, OPT_HEALTH_INTERVAL },
	{ "health-timeout", required_argument, NULL, OPT_HEALTH_TIMEOUT },
	{ "health-retries", required_argument, NULL, OPT_HEALTH_RETRIES },
	{ "health-start-period", required_argument, NULL, OPT_HEALTH_START_PERIOD },
	{ "no-healthcheck", no_argument, NULL, OPT_NO_HEALTHCHECK },
	{ 0 },
};

/* A duration flag: Go's syntax, and not negative. */
static int duration_flag(const char *flag, const char *arg, int64_t *ns)
{
	if (duration_parse(arg, ns) < 0)
		return fail_context("invalid argument \"%s\" for \"--%s\" flag", arg, flag);
	if (*ns < 0)
		return fail_errno(0, "--%s cannot be negative", flag);
	return 0;
}

static int option(struct container *c, int opt, const char *arg)
{
	struct runtime_spec *spec = (struct runtime_spec *)c; /* run-flags.h: ours begins with c */
	struct health_config *h = &spec->health;
	switch (opt) {
	case OPT_HEALTH_CMD:
		/* docker/cli: an empty --health-cmd is the same as none given. */
		h->test[0] = *arg ? "CMD-SHELL" : NULL;
		h->test[1] = *arg ? arg : NULL;
		h->test[2] = NULL;
		return 0;
	case OPT_HEALTH_INTERVAL:
		return duration_flag("health-interval", arg, &h->timing.interval);
	case OPT_HEALTH_TIMEOUT:
		return duration_flag("health-timeout", arg, &h->timing.timeout);
	case OPT_HEALTH_START_PERIOD:
		return duration_flag("health-start-period", arg, &h->timing.start_period);
	case OPT_HEALTH_RETRIES: {
		char *end;
		errno = 0;
		long n = strtol(arg, &end, 10);
		if (errno || end == arg || *end || n > INT32_MAX || n < INT32_MIN)
			return fail_errno(0, "invalid argument \"%s\" for \"--health-retries\" flag: strconv.ParseInt: "
					     "parsing \"%s\": invalid syntax", arg, arg);
		if (n < 0)
			return fail_errno(0, "--health-retries cannot be negative");
		h->timing.retries = (int)n;
		return 0;
	}
	case OPT_NO_HEALTHCHECK:
		spec->no_healthcheck = cli_flag_on(arg);
		return 0;
	}
	return fail_errno(0, "unknown option %d", opt);
}

const struct run_flags health_flags = {
	.chapter = "03-cgroups",
	.options = options,
	.help = NULL, /* HEALTH_FLAGS_HELP, printed with chapter 03's other flags */
	.option = option,
};

int health_flags_finish(struct runtime_spec *spec)
{
	if (!spec->no_healthcheck)
		return 0;
	if (health_config_given(&spec->health))
		return fail_errno(0, "--no-healthcheck conflicts with --health-* options");
	spec->health.test[0] = "NONE";
	spec->health.test[1] = NULL;
	return 0;
}
