/*
 * restart-policy.c - deciding whether, and when, a container that ended is started again.
 *
 * Lecture, Swarm part: "desired state" and "reconciliation". The smallest form of that idea
 * lives here, in one container's monitor: the user declares a policy (`--restart always`), and
 * whenever the actual state (exited) differs from it, the monitor starts the container again.
 *
 * The delay grows (100 ms, 200 ms, 400 ms, ... at most a minute) so that a container that
 * crashes at once does not spin the CPU, and resets once a run lasted 10 seconds, which is how
 * Docker's documentation describes its restart delay ("docker run --restart").
 */
#include "restart-policy.h"
#include "cli.h"
#include "error.h"

#include <string.h>

int restart_policy_parse(const char *text, struct restart_policy *policy)
{
	policy->max_retries = 0;
	if (strcmp(text, "no") == 0) {
		policy->mode = RESTART_NO;
	} else if (strcmp(text, "always") == 0) {
		policy->mode = RESTART_ALWAYS;
	} else if (strcmp(text, "unless-stopped") == 0) {
		policy->mode = RESTART_UNLESS_STOPPED;
	} else if (strncmp(text, "on-failure", 10) == 0 && (text[10] == '\0' || text[10] == ':')) {
		policy->mode = RESTART_ON_FAILURE;
		unsigned long long retries = 0;
		if (text[10] == ':' && parse_uint(text + 11, 1000000, &retries) < 0)
			return fail_errno(0, "invalid restart policy \"%s\": the retry count must be a number", text);
		policy->max_retries = (int)retries;
	} else {
		return fail_errno(0, "invalid restart policy \"%s\" (use no, on-failure[:N], always or unless-stopped)",
				  text);
	}
	if (policy->mode != RESTART_ON_FAILURE && strchr(text, ':'))
		return fail_errno(0, "invalid restart policy \"%s\": only on-failure takes a retry count", text);
	return 0;
}

const char *restart_policy_name(enum restart_mode mode)
{
	switch (mode) {
	case RESTART_ON_FAILURE: return "on-failure";
	case RESTART_ALWAYS: return "always";
	case RESTART_UNLESS_STOPPED: return "unless-stopped";
	case RESTART_NO: break;
	}
	return "no";
}

bool restart_wanted(const struct restart_policy *policy, int exit_code, int restarts_so_far, bool stopped_by_user)
{
	if (stopped_by_user)
		return false;
	switch (policy->mode) {
	case RESTART_NO:
		return false;
	case RESTART_ON_FAILURE:
		return exit_code != 0 && (policy->max_retries == 0 || restarts_so_far < policy->max_retries);
	case RESTART_ALWAYS:
	case RESTART_UNLESS_STOPPED:
		return true;
	}
	return false;
}

int64_t restart_delay_ms(int restarts_so_far, int64_t last_run_ms)
{
	if (last_run_ms >= 10000 || restarts_so_far <= 0)
		return 100;
	int64_t delay = 100;
	for (int i = 0; i < restarts_so_far && delay < 60000; i++)
		delay *= 2;
	return delay < 60000 ? delay : 60000;
}
