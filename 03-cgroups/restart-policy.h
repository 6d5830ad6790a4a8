/*
 * restart-policy.h - `--restart no|on-failure[:N]|always|unless-stopped`, and when to restart.
 */
#ifndef TINYDOCK_RESTART_POLICY_H
#define TINYDOCK_RESTART_POLICY_H

#include <stdbool.h>
#include <stdint.h>

enum restart_mode { RESTART_NO, RESTART_ON_FAILURE, RESTART_ALWAYS, RESTART_UNLESS_STOPPED };

struct restart_policy {
	enum restart_mode mode;
	int max_retries; /* on-failure:N; 0 means no limit */
};

/* Parse Docker's syntax; -1 with a message naming the value otherwise. */
int restart_policy_parse(const char *text, struct restart_policy *policy);

/* Docker's name for the mode: "no", "on-failure", "always", "unless-stopped". */
const char *restart_policy_name(enum restart_mode mode);

/* Should the monitor start the container again? restarts_so_far counts earlier restarts;
 * stopped_by_user is true after `tinydock stop` or `kill` (never restart then). */
bool restart_wanted(const struct restart_policy *policy, int exit_code, int restarts_so_far, bool stopped_by_user);

/* The delay before restart number n (0-based), in milliseconds: 100 ms doubling each time, at
 * most one minute, and back to 100 ms when the container had run for 10 s or more. */
int64_t restart_delay_ms(int restarts_so_far, int64_t last_run_ms);

#endif
