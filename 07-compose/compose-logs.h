/*
 * compose-logs.h - the log follower of `compose logs [-f] [--tail N] [-t]` and of an attached
 * `compose up`: what every container of a project writes, in one stream, each line prefixed
 * with its container's name (compose-log-format.h), in the order the lines were written.
 *
 * Each container's log is its own file, written by its own monitor (03-cgroups/container-log.h,
 * Docker's json-file format). The follower reads them all in one process: it waits in ppoll(2)
 * on an inotify(7) descriptor that reports each write to any of the logs, and on a pidfd per
 * container's monitor that reports its end: it wakes up when something happened, not on a
 * timer (ppoll returns EINTR on a signal, SA_RESTART or not: signal(7)). Lines are
 * printed whole, one write each, and lines read in the same round from several logs are put in
 * the order of the times their monitors gave them.
 *
 *     struct compose_log_source web = { "shop-website-1", id };
 *     struct compose_log_options o = { .follow = true, .color = true, .tail = -1 };
 *     int rc = compose_logs_follow(&web, 1, &o, stdout, stderr, &interrupted);
 *
 * Following ends when every container has ended, each end printed as "NAME exited with code
 * N" as attached `up` prints it (also the end of a container that had ended before following
 * began: a short-lived service of `up` can end before the follower starts), or when
 * *interrupted is set by the caller's signal handler (Ctrl-C): the follower returns 1 and the
 * caller stops the containers (and prints Compose's "Gracefully stopping..." itself). SIGINT,
 * SIGTERM and SIGHUP are blocked while the follower checks *interrupted and let in only inside
 * ppoll, so a signal between the check and the wait cannot be lost (ppoll(2), the reason it
 * exists); the caller's handler must be installed.
 */
#ifndef TINYDOCK_COMPOSE_LOGS_H
#define TINYDOCK_COMPOSE_LOGS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* One container to show: the name on its lines ("shop-website-1") and its full id. */
struct compose_log_source {
	const char *prefix;
	const char *container_id;
};

struct compose_logs;

struct compose_log_options {
	bool follow;     /* -f: keep showing new lines until every container has ended */
	bool color;      /* a colour per container (compose_log_use_color decides) */
	bool timestamps; /* -t: the time each line was written, after the prefix */
	long tail;       /* --tail N: only the last N lines already in each log; -1: all */
	/* Called after a followed container's end is printed, before the follower checks whether
	 * every container has ended: the caller may compose_logs_add() the container that
	 * replaces it (a recreated service). NULL: nothing to do. */
	void (*on_exit)(struct compose_logs *logs, const char *container_id, int exit_code, void *arg);
	void *arg;
};

/* A follower writing to out (stdout lines and the ends) and err (the containers' stderr
 * lines; may be out). NULL with a message when it cannot be made. */
struct compose_logs *compose_logs_new(const struct compose_log_options *options, FILE *out, FILE *err);

/* Show one more container, before or while following (from on_exit). Its prefix gets the next
 * colour, and every prefix is padded again to the longest name. A container already shown is
 * not added twice: if it had ended and has been started again (`restart` keeps the id and the
 * log), following it resumes where its log was. */
int compose_logs_add(struct compose_logs *logs, const struct compose_log_source *source);

/* Print what the logs hold (the last tail lines of each), then, with follow, every new line
 * until all containers have ended. 0 then; 1 when *interrupted was set; -1 on an error. */
int compose_logs_run(struct compose_logs *logs, volatile sig_atomic_t *interrupted);

void compose_logs_free(struct compose_logs *logs);

/* All of the above in one call, for a fixed set of containers. */
int compose_logs_follow(const struct compose_log_source *sources, size_t count, const struct compose_log_options *options,
			FILE *out, FILE *err, volatile sig_atomic_t *interrupted);

#endif
