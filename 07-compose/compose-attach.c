/*
 * compose-attach.c - a project watched from the terminal: `compose logs` and the attached
 * `compose up` (without -d).
 *
 * Both show every selected container's log in one stream through compose-logs.h. Attached
 * `up` then stays until the application ends, as `docker compose up` does:
 *
 *   - every container ended by itself: `up` returns 0 (or, with --abort-on-container-exit,
 *     the first container to end stops the others and its exit code is up's);
 *   - Ctrl-C: "Gracefully stopping... (press Ctrl+C again to force)", then the containers are
 *     stopped as `compose stop` stops them (each service's stop_signal, then SIGKILL after its
 *     stop_grace_period), their last lines and ends still shown; a second Ctrl-C kills them at
 *     once. `up` then returns 130, the status a shell gives a command that SIGINT ended
 *     (128 + 2).
 *
 * Ctrl-C only sets a flag here (signal-safety(7): a handler may do little more); what it means
 * is decided by the code the signal wakes up: the follower's ppoll(2), interrupted by it.
 */
#include "compose.h"
#include "cli.h"
#include "compose-labels.h"
#include "compose-log-format.h"
#include "compose-logs.h"
#include "error.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Ctrl-C (SIGINT), or SIGTERM/SIGHUP from whoever runs us, counted (an abort of
 * --abort-on-container-exit counts as the first); once the containers are being stopped, one
 * more is a request to kill them. */
static volatile sig_atomic_t stop_requests, stopping, kill_requested;

static void count_stop_request(int sig)
{
	(void)sig;
	if (stopping)
		kill_requested = 1;
	else
		stop_requests++;
}

/* Count the stop signals from now on. Without SA_RESTART, so that a wait in progress returns
 * EINTR and looks at the counter (signal(7), "Interruption of system calls"). */
static void catch_stop_signals(void)
{
	struct sigaction action = { .sa_handler = count_stop_request };
	sigemptyset(&action.sa_mask);
	stop_requests = stopping = kill_requested = 0;
	sigaction(SIGINT, &action, NULL);
	sigaction(SIGTERM, &action, NULL);
	sigaction(SIGHUP, &action, NULL);
}

/* The sources of the containers chosen (indices into c->mine), named by their containers. */
static struct compose_log_source *sources_of(const struct compose_containers *c, const size_t *which, size_t count)
{
	struct compose_log_source *sources = calloc(count + 1, sizeof(*sources));
	if (!sources) {
		fail_errno(ENOMEM, "cannot follow the logs");
		return NULL;
	}
	for (size_t i = 0; i < count; i++) {
		const struct view *v = &c->views[c->mine[which[i]]];
		sources[i] = (struct compose_log_source){ v->r.name, v->r.id };
	}
	return sources;
}

static bool use_color(bool no_color)
{
	return compose_log_use_color(no_color, getenv("NO_COLOR"), isatty(STDOUT_FILENO));
}

/* --- compose logs ---------------------------------------------------------------------------- */

int compose_logs(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv)
{
	enum { OPT_TAIL = 1900, OPT_NO_COLOR };
	static const struct option options[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "tail", required_argument, NULL, OPT_TAIL },
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		{ "timestamps", no_argument, NULL, 't' },
		{ 0 },
	};
	struct compose_log_options o = { .tail = -1 };
	bool no_color = false;
	int opt;
	while ((opt = cli_getopt(argc, argv, "+ft", options, NULL)) != -1) {
		char *end = NULL;
		if (opt == 'f')
			o.follow = cli_flag_on(optarg);
		else if (opt == 't')
			o.timestamps = cli_flag_on(optarg);
		else if (opt == OPT_NO_COLOR)
			no_color = cli_flag_on(optarg);
		else if (opt == OPT_TAIL && strcmp(optarg, "all") == 0)
			o.tail = -1;
		else if (opt != OPT_TAIL || (o.tail = strtol(optarg, &end, 10)) < 0 || *end || end == optarg)
			return usage_error("compose logs", "bad flag or value: %s", argv[optind - 1]);
	}
	o.color = use_color(no_color);
	char **names = argv + optind;
	int name_count = argc - optind;
	if (compose_check_services(p, names, name_count) < 0)
		return error_report(1);
	size_t count = 0;
	for (size_t i = 0; i < c->mine_count; i++) {
		const struct view *v = &c->views[c->mine[i]];
		if (!compose_view_oneoff(v) && compose_view_named(v, names, name_count))
			c->which[count++] = i;
	}
	struct compose_log_source *sources = sources_of(c, c->which, count);
	if (!sources)
		return error_report(1);
	catch_stop_signals();
	int rc = compose_logs_follow(sources, count, &o, stdout, stdout, &stop_requests);
	free(sources);
	fflush(stdout);
	return rc < 0 ? error_report(1) : rc == 1 ? 130 : 0;
}

/* --- the attached up ------------------------------------------------------------------------ */

/* What the first container to end said, for --abort-on-container-exit. */
struct first_exit {
	bool abort_on_exit;
	bool ended;
	int code;
};

static void on_container_exit(struct compose_logs *logs, const char *container_id, int exit_code, void *arg)
{
	(void)logs;
	(void)container_id;
	struct first_exit *first = arg;
	if (!first->abort_on_exit || first->ended)
		return;
	first->ended = true;
	first->code = exit_code;
	stop_requests++; /* the follower stops following, as after a Ctrl-C */
}

/* Kill the running containers chosen (the second Ctrl-C). */
static void kill_now(const struct compose_containers *c, const size_t *which, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		const struct view *v = &c->views[c->mine[which[i]]];
		if (is_running(v) && signal_init(v, SIGKILL) == 0)
			printf(" Container %s  Killed\n", v->r.name);
		error_clear(); /* one that ended meanwhile is not an error */
	}
	fflush(stdout);
}

/* Stop the containers chosen as `compose stop` does, in a child, while this process goes on
 * showing their last lines and their ends ("exited with code 137"), and kills them at a
 * second Ctrl-C. */
static int stop_while_following(const struct compose_loaded *p, struct compose_logs *logs,
				const struct compose_containers *c, const size_t *which, size_t count)
{
	stopping = 1;
	fflush(stdout);
	pid_t child = fork();
	if (child < 0)
		return fail_sys("cannot fork to stop the containers");
	if (child == 0) {
		int code = compose_stop_containers(p, c, which, count, -1) == 0 ? 0 : error_report(1);
		fflush(stdout);
		_exit(code);
	}
	int rc;
	bool killed = false;
	/* Until every container has ended (the child's SIGKILL at the end of each grace period
	 * sees to it); a second Ctrl-C interrupts the follower once, to kill them now. */
	while ((rc = compose_logs_run(logs, &kill_requested)) == 1) {
		kill_requested = 0;
		if (!killed)
			kill_now(c, which, count);
		killed = true;
	}
	int status;
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return fail_sys("cannot wait for the containers to stop");
	if (rc < 0)
		return -1;
	if (!killed && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		return fail_errno(0, "cannot stop every container");
	return 0;
}

int compose_attach(struct compose_loaded *p, const bool *selected, bool abort_on_exit, bool no_color)
{
	struct compose_containers c;
	catch_stop_signals();
	if (compose_containers_load(p->name, &c) < 0)
		return -1;
	size_t count = 0;
	for (size_t i = 0; i < c.mine_count; i++) {
		const struct view *v = &c.views[c.mine[i]];
		const char *service = compose_view_label(v, COMPOSE_LABEL_SERVICE);
		for (size_t s = 0; service && !compose_view_oneoff(v) && s < p->model.service_count; s++)
			if (selected[s] && strcmp(p->model.services[s].name, service) == 0)
				c.which[count++] = i;
	}
	struct first_exit first = { .abort_on_exit = abort_on_exit };
	struct compose_log_options o = {
		.follow = true, .color = use_color(no_color), .tail = -1, .on_exit = on_container_exit, .arg = &first,
	};
	fflush(stdout);
	struct compose_logs *logs = compose_logs_new(&o, stdout, stdout);
	int rc = logs ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < count; i++) {
		const struct view *v = &c.views[c.mine[c.which[i]]];
		rc = compose_logs_add(logs, &(struct compose_log_source){ v->r.name, v->r.id });
	}
	if (rc == 0)
		rc = compose_logs_run(logs, &stop_requests);
	if (rc == 1) {
		printf(first.ended ? "Aborting on container exit...\n" : "Gracefully stopping... (press Ctrl+C again to force)\n");
		/* The state now, not at the start: some ended meanwhile. */
		struct compose_containers now;
		if (compose_containers_load(p->name, &now) < 0) {
			rc = -1;
		} else {
			size_t n = 0;
			for (size_t i = 0; i < now.mine_count; i++)
				for (size_t k = 0; k < count; k++)
					if (strcmp(now.views[now.mine[i]].r.id, c.views[c.mine[c.which[k]]].r.id) == 0)
						now.which[n++] = i;
			rc = stop_while_following(p, logs, &now, now.which, n) < 0 ? -1 : first.ended ? first.code : 130;
			compose_containers_free(&now);
		}
	}
	fflush(stdout);
	compose_logs_free(logs);
	compose_containers_free(&c);
	return rc;
}
