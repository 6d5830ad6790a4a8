/*
 * compose-logs.c - following several containers' logs at once, without polling (compose-logs.h).
 *
 * Chapter 03's `logs -f` follows one container by reading its log again every 100 ms. A
 * project has many containers, and an attached `up` follows them all for hours, so here the
 * kernel says when to look:
 *
 *   - inotify(7) watches each container's folder: IN_MODIFY for every write(2) to a file in it
 *     (container.log), IN_CREATE for the log appearing. One descriptor for all the folders.
 *   - a pidfd per container's monitor (pidfd_open(2), Linux 5.3) turns readable when the
 *     monitor exits. The monitor exits last, after its logger has written the last line and
 *     the record holds the exit code (03-cgroups/runtime.c, finish()), so once it is gone the
 *     log is complete and the exit code known. A kernel without pidfd_open: the follower looks
 *     at the monitor every 100 ms instead.
 *
 * One round: wait in ppoll for any of them; read what every log has gained (complete lines
 * only, compose-log-lines.h); print the new lines of all containers merged by the time each
 * was written; then print the end of each container whose monitor has gone.
 *
 * Next: compose-log-format.c (how a line looks), logs.md (why Compose shows logs this way).
 */
#include "compose-logs.h"
#include "compose-log-format.h"
#include "compose-log-lines.h"
#include "container-log.h"
#include "container-store.h"
#include "container-view.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The follower looks at monitors this often when it cannot get a pidfd for them. */
#define MONITOR_CHECK_MS 100

/* Decoded lines of one container, waiting to be merged with the others' (oldest first). */
struct entry_queue {
	struct log_entry *entries;
	size_t first, count, capacity;
};

struct source {
	char *name;
	char id[CONTAINER_ID_LENGTH + 1];
	size_t color_index;
	char *prefix;               /* compose_log_prefix(), recomputed when a longer name comes */
	int watch;                  /* inotify watch of the container's folder, -1 when gone */
	int log;                    /* container.log, open for reading; -1 until it exists */
	struct log_lines lines;     /* what was read from log and not decoded yet */
	struct entry_queue queue;
	int pidfd;                  /* the monitor; -1 when none (or no pidfd_open: see live) */
	struct container_live live; /* the monitor we follow, while running */
	bool running;               /* its monitor was alive when last looked at */
	bool monitor_gone;          /* the monitor has exited: look at the record */
	bool end_to_print;          /* ended, "exited with code" not printed yet */
	int exit_code;
	timestamp_ns finished_at;   /* when the run we saw end ended (the record's FinishedAt) */
};

struct compose_logs {
	struct compose_log_options options;
	FILE *out, *err;
	int inotify;
	struct source **sources;
	size_t count, capacity;
};

/* --- one container --------------------------------------------------------------------- */

static void free_source(struct source *s)
{
	if (s->log >= 0)
		close(s->log);
	if (s->pidfd >= 0)
		close(s->pidfd);
	for (size_t i = s->queue.first; i < s->queue.count; i++)
		log_entry_free(&s->queue.entries[i]);
	free(s->queue.entries);
	log_lines_free(&s->lines);
	free(s->prefix);
	free(s->name);
	free(s);
}

/* Look at the container's monitor: follow it (a pidfd) while it runs; else the container has
 * ended, and its record says how. A removed container (`run --rm`) has no record left: its
 * exit code is lost, and 0 is shown, as `wait` prints then. */
static void attach_monitor(struct source *s)
{
	if (s->pidfd >= 0)
		close(s->pidfd);
	s->pidfd = -1;
	s->running = false;
	s->monitor_gone = false;
	struct view v;
	if (view_load_id(s->id, &v) < 0) {
		error_clear();
		s->exit_code = 0;
		return;
	}
	if (is_running(&v)) {
		s->live = v.live;
		s->running = true;
		/* Open first, then check that the pid is still the monitor's (not a pid reused since
		 * the state was read): from then on the pidfd pins that very process. */
		s->pidfd = (int)syscall(SYS_pidfd_open, v.live.monitor, 0);
		if (!container_monitor_alive(&v.live)) {
			s->running = false;
			if (s->pidfd >= 0)
				close(s->pidfd);
			s->pidfd = -1;
			container_record_free(&v.r);
			attach_monitor(s); /* it ended just now: read the record it left */
			return;
		}
		if (s->pidfd < 0)
			error_clear(); /* no pidfd_open: MONITOR_CHECK_MS it is */
	} else {
		s->exit_code = v.r.exit_code;
		s->finished_at = v.r.finished_at;
	}
	container_record_free(&v.r);
}

/* Look again at an ended container: started again since (`start`, `restart`: the same id and
 * log), it is followed again; if that new run has ended already, its end is printed too (the
 * record's FinishedAt has moved). */
static void look_again(struct source *s)
{
	timestamp_ns ended = s->finished_at;
	attach_monitor(s);
	if (!s->running && s->finished_at != ended)
		s->end_to_print = true;
}

/* Read what the log has gained and decode its complete lines into the queue. Returns the
 * number of bytes read, -1 on an error. */
static ssize_t read_log(struct source *s, long tail)
{
	if (s->log < 0) {
		char dir[PATH_MAX], path[PATH_MAX + 32];
		container_dir(s->id, dir, sizeof(dir));
		snprintf(path, sizeof(path), "%s/container.log", dir);
		s->log = open(path, O_RDONLY | O_CLOEXEC);
		if (s->log < 0)
			return errno == ENOENT ? 0 : fail_sys("cannot open the log \"%s\"", path);
	}
	ssize_t total = 0;
	char chunk[16384];
	for (;;) {
		ssize_t n = read(s->log, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail_sys("cannot read the log of %s", s->name);
		if (n == 0)
			break;
		if (log_lines_add(&s->lines, chunk, (size_t)n) < 0)
			return -1;
		total += n;
	}
	log_lines_keep_last(&s->lines, tail);
	const char *line;
	size_t length;
	while (log_lines_next(&s->lines, &line, &length)) {
		struct entry_queue *q = &s->queue;
		if (q->count == q->capacity) {
			size_t capacity = q->capacity ? 2 * q->capacity : 16;
			struct log_entry *bigger = realloc(q->entries, capacity * sizeof(*bigger));
			if (!bigger)
				return fail_errno(ENOMEM, "cannot hold the log of %s", s->name);
			q->entries = bigger;
			q->capacity = capacity;
		}
		if (log_line_decode(line, length, &q->entries[q->count]) == 0)
			q->count++;
		else
			error_clear(); /* not a log entry (a line cut by a full disk): skipped, as `logs` does */
	}
	return total;
}

/* --- the stream ----------------------------------------------------------------------- */

static int write_line(FILE *to, const char *line, size_t length)
{
	if (fwrite(line, 1, length, to) != length || fflush(to) != 0)
		return fail_sys("cannot write the logs");
	return 0;
}

/* Read every log, then print the queued lines of all containers, oldest first: each queue is
 * in order already, so the next line is always the oldest of the queues' heads. */
static int show_new_lines(struct compose_logs *logs, long tail)
{
	for (size_t i = 0; i < logs->count; i++) {
		struct source *s = logs->sources[i];
		ssize_t n = read_log(s, tail);
		if (n < 0)
			return -1;
		if (n > 0 && !s->running && logs->options.follow && !s->end_to_print)
			look_again(s); /* an ended container writes again: it was started again */
	}
	for (;;) {
		struct source *oldest = NULL;
		for (size_t i = 0; i < logs->count; i++) {
			struct source *s = logs->sources[i];
			if (s->queue.first < s->queue.count &&
			    (!oldest || s->queue.entries[s->queue.first].time < oldest->queue.entries[oldest->queue.first].time))
				oldest = s;
		}
		if (!oldest)
			return 0;
		struct log_entry *e = &oldest->queue.entries[oldest->queue.first++];
		size_t length;
		char *line = compose_log_line(oldest->prefix, e, logs->options.timestamps, &length);
		int rc = line ? write_line(e->is_stderr ? logs->err : logs->out, line, length) : -1;
		free(line);
		log_entry_free(e);
		if (oldest->queue.first == oldest->queue.count)
			oldest->queue.first = oldest->queue.count = 0;
		if (rc < 0)
			return -1;
	}
}

/* Print the end of every container that has ended since the last round, then tell the caller
 * (which may add containers: the loop looks at the count again, and reads their logs before
 * it decides that all have ended). */
static int show_ends(struct compose_logs *logs)
{
	for (size_t i = 0; i < logs->count; i++) {
		struct source *s = logs->sources[i];
		if (!s->end_to_print)
			continue;
		s->end_to_print = false;
		char *line = compose_log_exit_line(s->name, s->exit_code,
						   logs->options.color ? compose_log_color(s->color_index) : NULL);
		int rc = line ? write_line(logs->out, line, strlen(line)) : -1;
		free(line);
		if (rc < 0)
			return -1;
		if (logs->options.on_exit)
			logs->options.on_exit(logs, s->id, s->exit_code, logs->options.arg);
	}
	return 0;
}

/* Containers whose monitor has gone: read the record (or a new monitor, if it was started
 * again meanwhile: it has ended and runs again, both are shown). */
static void notice_ends(struct compose_logs *logs)
{
	for (size_t i = 0; i < logs->count; i++) {
		struct source *s = logs->sources[i];
		if (s->running && s->pidfd < 0 && !container_monitor_alive(&s->live))
			s->monitor_gone = true;
		if (!s->monitor_gone)
			continue;
		attach_monitor(s);
		s->end_to_print = true;
		if (s->running) {
			struct view v; /* the run that ended left its code in the record before the restart */
			if (view_load_id(s->id, &v) == 0) {
				s->exit_code = v.r.exit_code;
				s->finished_at = v.r.finished_at;
				container_record_free(&v.r);
			}
			error_clear();
		}
	}
}

/* Events say "something was written or created"; which log does not matter, every log is read
 * after them. IN_IGNORED says a watch is gone: the folder was removed (`rm`), its monitor too. */
static int drain_events(struct compose_logs *logs)
{
	char buffer[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(logs->inotify, buffer, sizeof(buffer));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : fail_sys("cannot read inotify events");
		for (ssize_t at = 0; at < n;) {
			const struct inotify_event *event = (const struct inotify_event *)(buffer + at);
			if (event->mask & IN_IGNORED)
				for (size_t i = 0; i < logs->count; i++)
					if (logs->sources[i]->watch == event->wd)
						logs->sources[i]->watch = -1;
			at += (ssize_t)(sizeof(*event) + event->len);
		}
	}
}

/* Nothing left to wait for: no container runs. */
static bool all_ended(const struct compose_logs *logs)
{
	for (size_t i = 0; i < logs->count; i++)
		if (logs->sources[i]->running)
			return false;
	return true;
}

/* An end is known but not printed yet (a container on_exit gave back had ended again). */
static bool ends_to_print(const struct compose_logs *logs)
{
	for (size_t i = 0; i < logs->count; i++)
		if (logs->sources[i]->end_to_print)
			return true;
	return false;
}

/* Wait for the next event (any log written, any monitor gone) or a signal. */
static int wait_for_events(struct compose_logs *logs, const sigset_t *unblocked)
{
	struct pollfd *fds = calloc(logs->count + 1, sizeof(*fds));
	if (!fds)
		return fail_errno(ENOMEM, "cannot wait for the logs");
	size_t n = 0;
	fds[n++] = (struct pollfd){ .fd = logs->inotify, .events = POLLIN };
	bool check_monitors = false;
	for (size_t i = 0; i < logs->count; i++) {
		struct source *s = logs->sources[i];
		if (s->running && s->pidfd >= 0)
			fds[n++] = (struct pollfd){ .fd = s->pidfd, .events = POLLIN };
		else if (s->running)
			check_monitors = true;
	}
	struct timespec check = { 0, MONITOR_CHECK_MS * 1000000L };
	int rc = ppoll(fds, n, check_monitors ? &check : NULL, unblocked);
	if (rc < 0 && errno != EINTR) {
		free(fds);
		return fail_sys("cannot wait for the logs");
	}
	for (size_t f = 1; rc > 0 && f < n; f++)
		for (size_t i = 0; fds[f].revents && i < logs->count; i++)
			if (logs->sources[i]->pidfd == fds[f].fd)
				logs->sources[i]->monitor_gone = true;
	bool events = rc > 0 && fds[0].revents;
	free(fds);
	return events ? drain_events(logs) : 0;
}

/* --- the follower ---------------------------------------------------------------------- */

struct compose_logs *compose_logs_new(const struct compose_log_options *options, FILE *out, FILE *err)
{
	struct compose_logs *logs = calloc(1, sizeof(*logs));
	if (!logs) {
		fail_errno(ENOMEM, "cannot follow logs");
		return NULL;
	}
	logs->options = *options;
	logs->out = out;
	logs->err = err;
	logs->inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (logs->inotify < 0) {
		fail_sys("cannot follow logs: inotify_init1");
		free(logs);
		return NULL;
	}
	return logs;
}

/* Pad every prefix to the longest name (a longer one has come). */
static int make_prefixes(struct compose_logs *logs)
{
	const char **names = malloc(logs->count * sizeof(*names));
	if (!names)
		return fail_errno(ENOMEM, "cannot follow logs");
	for (size_t i = 0; i < logs->count; i++)
		names[i] = logs->sources[i]->name;
	size_t width = compose_log_prefix_width(names, logs->count);
	free(names);
	for (size_t i = 0; i < logs->count; i++) {
		struct source *s = logs->sources[i];
		char *prefix = compose_log_prefix(s->name, width, logs->options.color ? compose_log_color(s->color_index) : NULL);
		if (!prefix)
			return -1;
		free(s->prefix);
		s->prefix = prefix;
	}
	return 0;
}

int compose_logs_add(struct compose_logs *logs, const struct compose_log_source *source)
{
	for (size_t i = 0; i < logs->count; i++) {
		struct source *s = logs->sources[i];
		if (strcmp(s->id, source->container_id) == 0) {
			if (!s->running && !s->end_to_print)
				look_again(s);
			return 0;
		}
	}
	if (logs->count == logs->capacity) {
		size_t capacity = logs->capacity ? 2 * logs->capacity : 8;
		struct source **bigger = realloc(logs->sources, capacity * sizeof(*bigger));
		if (!bigger)
			return fail_errno(ENOMEM, "cannot follow logs");
		logs->sources = bigger;
		logs->capacity = capacity;
	}
	struct source *s = calloc(1, sizeof(*s));
	if (!s || !(s->name = strdup(source->prefix))) {
		free(s);
		return fail_errno(ENOMEM, "cannot follow logs");
	}
	snprintf(s->id, sizeof(s->id), "%s", source->container_id);
	s->color_index = logs->count;
	s->log = s->pidfd = -1;
	char dir[PATH_MAX];
	container_dir(s->id, dir, sizeof(dir));
	s->watch = inotify_add_watch(logs->inotify, dir, IN_MODIFY | IN_CREATE);
	if (s->watch < 0 && errno != ENOENT) {
		fail_sys("cannot watch \"%s\"", dir);
		free_source(s);
		return -1;
	}
	/* Watch first, then look: a line written in between is read, not missed. */
	attach_monitor(s);
	s->end_to_print = !s->running && logs->options.follow;
	logs->sources[logs->count++] = s;
	if (make_prefixes(logs) < 0)
		return -1;
	/* What the log holds already, cut to the tail; the rest of the log comes as it is written. */
	return read_log(s, logs->options.tail) < 0 ? -1 : 0;
}

int compose_logs_run(struct compose_logs *logs, volatile sig_atomic_t *interrupted)
{
	if (!logs->options.follow)
		return show_new_lines(logs, -1);
	sigset_t stop_signals, unblocked;
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop_signals, &unblocked);
	int rc = 0;
	for (;;) {
		/* Every line a container wrote comes before its end. */
		if (show_new_lines(logs, -1) < 0) {
			rc = -1;
			break;
		}
		notice_ends(logs);
		if (show_ends(logs) < 0) {
			rc = -1;
			break;
		}
		if (*interrupted) {
			rc = 1;
			break;
		}
		if (ends_to_print(logs))
			continue; /* its lines and its end, without waiting */
		if (all_ended(logs))
			break;
		if (wait_for_events(logs, &unblocked) < 0) {
			rc = -1;
			break;
		}
	}
	sigprocmask(SIG_SETMASK, &unblocked, NULL);
	return rc;
}

void compose_logs_free(struct compose_logs *logs)
{
	if (!logs)
		return;
	for (size_t i = 0; i < logs->count; i++)
		free_source(logs->sources[i]);
	free(logs->sources);
	close(logs->inotify);
	free(logs);
}

int compose_logs_follow(const struct compose_log_source *sources, size_t count, const struct compose_log_options *options,
			FILE *out, FILE *err, volatile sig_atomic_t *interrupted)
{
	struct compose_logs *logs = compose_logs_new(options, out, err);
	if (!logs)
		return -1;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < count; i++)
		rc = compose_logs_add(logs, &sources[i]);
	if (rc == 0)
		rc = compose_logs_run(logs, interrupted);
	compose_logs_free(logs);
	return rc;
}
