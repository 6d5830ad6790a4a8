/*
 * health-check.h - the health checker: the process beside a running container that runs its
 * HEALTHCHECK (health.h) now and then and writes what it found where `ps` and `inspect` read
 * it, $TINYDOCK_RUN/containers/<id>/health.json (State.Health). And `run`'s --health-* flags.
 */
#ifndef TINYDOCK_HEALTH_CHECK_H
#define TINYDOCK_HEALTH_CHECK_H

#include <sys/types.h>

#include "container-record.h"
#include "health.h"
#include "runtime.h"

/* Their lines in `run --help` (chapter 03's flags print them). */
#define HEALTH_FLAGS_HELP                                                                                   \
	"      --health-cmd CMD       Command to run to check health (in the container, as exec does)\n"   \
	"      --health-interval D    Time between running the check (ms|s|m|h) (default 30s)\n"           \
	"      --health-timeout D     Maximum time to allow one check to run (ms|s|m|h) (default 30s)\n"   \
	"      --health-retries N     Consecutive failures needed to report unhealthy (default 3)\n"       \
	"      --health-start-period D  Time for the container to start before failures count (default 0s)\n" \
	"      --no-healthcheck       Disable any container-specified HEALTHCHECK\n"

/* `run`'s flags: --health-cmd, --health-interval, --health-timeout, --health-retries,
 * --health-start-period, --no-healthcheck (into spec->health, as docker/cli reads them). */
extern const struct run_flags health_flags;

/* After the flags: --no-healthcheck conflicts with --health-*, and makes the Test ["NONE"].
 * 0, or -1 with docker/cli's words. */
int health_flags_finish(struct runtime_spec *spec);

/* For the monitor of container r, whose init (the process init) has just started at
 * started_at, with the check c (enabled: health_config_enabled): the state "starting" written
 * (keeping the Log of an earlier run), and the checker forked. 0 with *checker its pid, or -1
 * with the message recorded. r and c are copied: they need not outlive the call. */
int health_checker_start(const struct container_record *r, const struct health_config *c, pid_t init,
			 timestamp_ns started_at, pid_t *checker);

/* Stop the checker (a check under way is killed) and collect it, before the container's
 * cgroup goes. Nothing when *checker is 0; *checker is 0 afterwards. */
void health_checker_stop(pid_t *checker);

/* The state the checker last wrote for container id: 0 and *s filled, 1 when there is none
 * (no health check), -1 on error. */
int health_load(const char *id, struct health_state *s);

#endif
