/*
 * swarm-executor-watch.h - noticing that a task's container ended by itself, and saying how.
 *
 * Nobody tells a worker that its container exited: the container's monitor (chapter 03) is
 * not the node's child (it is a child of the process that started it, in a session of its
 * own), so no SIGCHLD and no waitpid(2) reach the node. Two ways remain:
 *
 *   - poll the record: read config.json and the monitor's live state every so often and see
 *     whether it still runs (what `docker ps` does); a change is seen up to a period late, and
 *     every period costs file reads for every container;
 *   - watch the monitor: pidfd_open(2) (Linux 5.3) gives a file descriptor for any process,
 *     which poll(2) reports readable when that process exits. The monitor exits exactly when
 *     its container has ended for good (a task's restart policy is "no") and after it has
 *     written the exit code into the record, so the moment the fd is ready the record says
 *     how the container ended.
 *
 * The executor watches the monitor: it joins the node's poll(2) with the node's own sockets,
 * costs nothing while the container runs and wakes the node at once. A pid can be reused by
 * another process once the first one is reaped; the live state keeps the monitor's start time
 * too, and a pidfd opened on a pid whose start time differs is not the monitor's (and the
 * monitor is gone). Where pidfd_open is missing, the watch falls back to asking whether the
 * monitor is alive (kill(pid, 0) and its start time) each time it is asked.
 */
#ifndef TINYDOCK_SWARM_EXECUTOR_WATCH_H
#define TINYDOCK_SWARM_EXECUTOR_WATCH_H

#include "swarm-store.h"

#include <stdbool.h>
#include <sys/types.h>

struct swarm_watch {
	int fd;                           /* the monitor's pidfd, or -1 (the fallback) */
	pid_t monitor;
	unsigned long long monitor_start; /* its start time (container-live.h) */
};

/* Watch the monitor of container id: 0 watching, 1 when the container does not run now (it
 * ended already: nothing to watch), -1 with the message. */
int swarm_watch_begin(const char *id, struct swarm_watch *w);

/* Has the monitor exited? Never blocks. */
bool swarm_watch_ended(const struct swarm_watch *w);

void swarm_watch_end(struct swarm_watch *w);

/* Pure: the report of a container that ended, as Docker words it in the task's ERROR column:
 * status is its record's status and running_now whether its monitor lives. COMPLETE
 * "finished" for exit 0; FAILED "task: non-zero exit (N)"; FAILED "task: non-zero exit (137):
 * killed for using more than its memory limit" when OOMKilled; a record that says running
 * with its monitor gone: FAILED "task: its monitor died and its exit was not recorded"; a
 * container created and never started: FAILED "task: its container never started". */
void swarm_watch_verdict(const char *status, bool running_now, int exit_code, bool oom_killed,
			 enum swarm_task_state *state, char message[SWARM_MESSAGE_MAX]);

/* swarm_watch_verdict for container id, read from its record: 0, or -1 with the message (no
 * record: removed behind the executor's back). */
int swarm_watch_outcome(const char *id, enum swarm_task_state *state, char message[SWARM_MESSAGE_MAX]);

#endif
