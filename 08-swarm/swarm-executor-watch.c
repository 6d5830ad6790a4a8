/*
 * swarm-executor-watch.c - a task container's monitor watched through a pidfd, and the words
 * for how the container ended (swarm-executor-watch.h).
 */
#include "swarm-executor-watch.h"

#include "container-store.h"
#include "error.h"
#include "explain.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char CHAPTER[] = "08-swarm";

int swarm_watch_begin(const char *id, struct swarm_watch *w)
{
	*w = (struct swarm_watch){ .fd = -1 };
	struct container_live live;
	int rc = container_live_load(id, &live);
	if (rc < 0)
		return fail_context("container %.12s", id);
	if (rc == 1 || !container_monitor_alive(&live))
		return 1;
	w->monitor = live.monitor;
	w->monitor_start = live.monitor_start;
	/* Open first, check after: if the pid still belongs to the monitor (same start time)
	 * once the fd is open, the fd is the monitor's. Had the monitor exited and its pid gone to
	 * another process before the open, the start time would differ. */
	w->fd = (int)explain_result(CHAPTER, syscall(SYS_pidfd_open, live.monitor, 0),
				    "pidfd_open(%d) (the monitor of container %.12s: readable when it exits)",
				    (int)live.monitor, id);
	if (w->fd < 0) {
		if (errno == ESRCH)
			return 1; /* gone between the two reads */
		if (errno != ENOSYS)
			return fail_sys("pidfd_open of the monitor %d of container %.12s", (int)live.monitor, id);
		return 0; /* before Linux 5.3: swarm_watch_ended asks each time */
	}
	if (!container_monitor_alive(&live)) {
		swarm_watch_end(w);
		return 1;
	}
	return 0;
}

bool swarm_watch_ended(const struct swarm_watch *w)
{
	if (w->fd < 0) {
		struct container_live live = { .monitor = w->monitor, .monitor_start = w->monitor_start };
		return !container_monitor_alive(&live);
	}
	struct pollfd p = { .fd = w->fd, .events = POLLIN };
	int ready;
	while ((ready = poll(&p, 1, 0)) < 0 && errno == EINTR)
		;
	return ready != 0; /* readable (exited), or an error: either way no monitor to wait for */
}

void swarm_watch_end(struct swarm_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	w->monitor = 0;
}

void swarm_watch_verdict(const char *status, bool running_now, int exit_code, bool oom_killed,
			 enum swarm_task_state *state, char message[SWARM_MESSAGE_MAX])
{
	*state = SWARM_TASK_FAILED;
	if (strcmp(status, "created") == 0) {
		snprintf(message, SWARM_MESSAGE_MAX, "task: its container never started");
	} else if (!running_now && (strcmp(status, "running") == 0 || strcmp(status, "restarting") == 0)) {
		/* the monitor was killed (or the machine rebooted) before it wrote the end */
		snprintf(message, SWARM_MESSAGE_MAX, "task: its monitor died and its exit was not recorded");
	} else if (exit_code == 0) {
		*state = SWARM_TASK_COMPLETE;
		snprintf(message, SWARM_MESSAGE_MAX, "finished");
	} else {
		snprintf(message, SWARM_MESSAGE_MAX, "task: non-zero exit (%d)%s", exit_code,
			 oom_killed ? ": killed for using more than its memory limit" : "");
	}
}

int swarm_watch_outcome(const char *id, enum swarm_task_state *state, char message[SWARM_MESSAGE_MAX])
{
	struct container_record r;
	if (container_record_load(id, &r) < 0)
		return fail_context("container %.12s", id);
	bool running = strcmp(container_state(&r, NULL), "running") == 0;
	swarm_watch_verdict(r.status, running, r.exit_code, r.oom_killed, state, message);
	container_record_free(&r);
	return 0;
}
