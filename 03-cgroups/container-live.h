/*
 * container-live.h - whether a container runs now: the monitor's pid and start time.
 *
 * A record that says "running" is what was true when it was written. The monitor may have been
 * SIGKILLed since, or the host rebooted, and neither writes anything on the way out. So the
 * monitor writes its pid and start time under $TINYDOCK_RUN (a tmpfs: a reboot empties it), and
 * a reader checks that this very process still exists. A pid alone is not enough: pids are
 * reused; the (pid, start time) pair is not (proc(5), /proc/PID/stat field 22).
 */
#ifndef TINYDOCK_CONTAINER_LIVE_H
#define TINYDOCK_CONTAINER_LIVE_H

#include <stdbool.h>
#include <sys/types.h>

#include "container-record.h"
#include "timestamp.h"

/* What $TINYDOCK_RUN/containers/<id>/state.json holds while a monitor looks after the container. */
struct container_live {
	pid_t monitor;                   /* the monitor (or the foreground `run`) */
	unsigned long long monitor_start; /* its start time, field 22 of /proc/PID/stat */
	pid_t pid;                       /* the container's init, as the host sees it; 0 between restarts */
	unsigned long long pid_start;
	timestamp_ns started_at;
	bool restarting;                 /* waiting out a restart delay */
};

int container_live_save(const char *id, const struct container_live *live);
/* 0 and *live filled, 1 when there is no live state, -1 on error. */
int container_live_load(const char *id, struct container_live *live);
int container_live_clear(const char *id);

/* The start time of process pid (clock ticks since boot, proc(5) field 22); -1 if it is gone. */
int process_start_time(pid_t pid, unsigned long long *start);
/* Pure: field 22 from the text of /proc/PID/stat (the command name may hold spaces and ')'). */
int parse_stat_start_time(const char *stat, unsigned long long *start);

/* True when the process that wrote live is still the same process. */
bool container_monitor_alive(const struct container_live *live);

/* The state that holds now: r's status, corrected by the live state. "running" and
 * "restarting" need a live monitor; a record that says running with a dead monitor is
 * "exited" (the monitor was killed, or the host rebooted). Fills *live when running. */
const char *container_state(const struct container_record *r, struct container_live *live);

/* `stop`/`kill` mark the container so that its monitor does not restart it. */
int container_mark_stopping(const char *id);
bool container_is_stopping(const char *id);

#endif
