/*
 * container-view.c - reading a container's state for a command, and the waits and signals the
 * commands share (container-view.h).
 *
 * A command never trusts the record alone: container_state() asks whether the monitor that
 * wrote the live state is still the same process. And it signals the container's init only
 * if init is still the process the monitor recorded (pid and start time): a pid may have been
 * given to another process since.
 */
#include "container-view.h"
#include "container-pause.h"
#include "error.h"
#include "explain.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char CHAPTER[] = "03-cgroups";

int view_load_id(const char *id, struct view *v)
{
	if (container_record_load(id, &v->r) < 0)
		return -1;
	v->state = container_state(&v->r, &v->live);
	if (strcmp(v->state, "running") == 0 && container_is_paused(id))
		v->state = "paused"; /* still running, its cgroup frozen (container-pause.c) */
	if (strcmp(v->state, "exited") == 0 && strcmp(v->r.status, "exited") != 0) {
		/* The record says it runs, but its monitor has gone (SIGKILL, or a reboot emptied
		 * TINYDOCK_RUN): its init died with it (PR_SET_PDEATHSIG), killed by SIGKILL. */
		v->r.exit_code = 128 + SIGKILL;
		if (!v->r.finished_at)
			v->r.finished_at = v->r.started_at;
	}
	return 0;
}

int view_load(const char *ref, struct view *v)
{
	char id[CONTAINER_ID_LENGTH + 1];
	if (container_resolve(ref, id) < 0)
		return -1;
	return view_load_id(id, v);
}

bool is_running(const struct view *v)
{
	return strcmp(v->state, "running") == 0 || strcmp(v->state, "restarting") == 0 ||
	       strcmp(v->state, "paused") == 0;
}

void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&t, NULL);
}

/* Wait at most ms for process pid to exit. pidfd_open(2) gives a file descriptor that poll(2)
 * reports readable when the process exits, so the wait ends then, not at the next step of a
 * loop of sleeps (which cost `stop` 10 ms every time). A process already gone: no wait; a
 * kernel without pidfd_open (before 5.3): a plain sleep. */
static void wait_for_exit(pid_t pid, long ms)
{
	int fd = pid > 0 ? (int)syscall(SYS_pidfd_open, pid, 0) : -1;
	if (fd < 0) {
		if (errno != ESRCH)
			sleep_ms(ms);
		return;
	}
	struct pollfd p = { .fd = fd, .events = POLLIN };
	while (poll(&p, 1, (int)ms) < 0 && errno == EINTR)
		;
	close(fd);
}

/* Until the container's monitor has recorded the end (live state gone), at most ms: the
 * monitor exits right after that (unless its restart policy starts the container again), so
 * each round waits for the monitor's exit, 10 ms at most, and looks again. */
bool wait_until_stopped(const char *id, long ms)
{
	for (long waited = 0;; waited += 10) {
		struct view v;
		if (view_load_id(id, &v) < 0) {
			error_clear();
			return true; /* removed (--rm): certainly stopped */
		}
		bool running = is_running(&v);
		pid_t monitor = v.live.monitor;
		container_record_free(&v.r);
		if (!running)
			return true;
		if (waited >= ms)
			return false;
		wait_for_exit(monitor, 10);
	}
}

/* Send sig to the container's init, if it is still the process the monitor recorded. */
int signal_init(const struct view *v, int sig)
{
	unsigned long long start;
	if (v->live.pid <= 0 || process_start_time(v->live.pid, &start) < 0 || start != v->live.pid_start)
		return 0; /* between two restarts, or already gone */
	int rc = kill(v->live.pid, sig);
	explain_result(CHAPTER, rc, "kill(%d, SIG%s) (the container's init)", (int)v->live.pid, sigabbrev_np(sig));
	if (rc < 0 && errno != ESRCH)
		return fail_sys("cannot send SIG%s to container %.12s", sigabbrev_np(sig), v->r.id);
	return 0;
}

/* Run one action per argument, as Docker does: report each failure, go on, fail at the end. */
int for_each(int argc, char **argv, int (*action)(const char *ref, void *arg), void *arg)
{
	int code = 0;
	for (int i = 0; i < argc; i++) {
		if (action(argv[i], arg) < 0) {
			error_report(1);
			error_clear();
			code = 1;
		}
	}
	return code;
}

static int compare_created(const void *a, const void *b)
{
	const struct view *x = a, *y = b;
	return (y->r.created > x->r.created) - (y->r.created < x->r.created);
}

/* Every container, newest first (malloc'd; free with free_views). */
int load_all(struct view **views, size_t *count)
{
	char **ids;
	size_t n;
	*views = NULL;
	*count = 0;
	if (container_list(&ids, &n) < 0)
		return -1;
	*views = calloc(n + 1, sizeof(**views));
	if (!*views) {
		container_list_free(ids, n);
		return fail_errno(ENOMEM, "cannot list the containers");
	}
	for (size_t i = 0; i < n; i++) {
		if (view_load_id(ids[i], &(*views)[*count]) == 0)
			(*count)++;
		else
			error_clear(); /* being created or removed right now */
	}
	container_list_free(ids, n);
	qsort(*views, *count, sizeof(**views), compare_created);
	return 0;
}

void free_views(struct view *views, size_t count)
{
	for (size_t i = 0; i < count; i++)
		container_record_free(&views[i].r);
	free(views);
}

