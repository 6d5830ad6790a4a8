/*
 * container-lifecycle.c - what changes: stop, kill, start, restart, rm, container prune.
 *
 * A command acts on processes the kernel knows. `stop` sends SIGTERM to the
 * container's init (init.c passes it on to the command), waits, then sends SIGKILL; the monitor
 * sees its init exit and records the exit code, and `stop` returns once it has. Before
 * signalling, `stop` and `kill` mark the container as stopping, so that the restart policy
 * leaves it stopped. A command never writes what a live monitor owns; `rm` cleans up after a
 * monitor that is dead (its cgroup, a mount left behind).
 *
 * Next: container-exec.c (entering a running container).
 */
#include "runtime.h"
#include "cgroup.h"
#include "cli.h"
#include "container-store.h"
#include "container-pause.h"
#include "container-view.h"
#include "error.h"
#include "exec.h"
#include "explain.h"
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

static const char CHAPTER[] = "03-cgroups";

/* --- stop, kill ----------------------------------------------------------------------------- */

static const char stop_help[] =
	"Usage:  tinydock stop [OPTIONS] CONTAINER [CONTAINER...]\n"
	"\n"
	"Stop one or more running containers: SIGTERM to the container's init (which passes it on\n"
	"to the command), then SIGKILL after the timeout. A stopped container is not restarted by\n"
	"its restart policy.\n"
	"\n"
	"Options:\n"
	"  -s, --signal SIGNAL   The signal to send first (default: the container's --stop-signal,\n"
	"                        else SIGTERM)\n"
	"  -t, --time N          Seconds to wait before SIGKILL (default: its --stop-timeout, else 10)\n";

/* Stop a container: sig (SIGTERM, or its image's or service's stop signal), and SIGKILL after
 * seconds; returns once its monitor recorded it. */
static int stop_container(const struct view *v, int sig, long seconds)
{
	if (!is_running(v))
		return 0;
	/* A paused container is thawed once signalled, to take the signal (container-pause.h). */
	if (container_mark_stopping(v->r.id) < 0 || signal_init(v, sig) < 0 || container_thaw(v->r.id) < 0)
		return -1;
	if (wait_until_stopped(v->r.id, seconds * 1000))
		return 0;
	struct view now;
	int rc = 0;
	if (view_load_id(v->r.id, &now) == 0) {
		rc = signal_init(&now, SIGKILL);
		container_record_free(&now.r);
	}
	error_clear();
	if (rc == 0 && !wait_until_stopped(v->r.id, 10000))
		rc = fail_errno(0, "container %.12s did not stop after SIGKILL", v->r.id);
	return rc;
}

/* How `stop` and `restart` stop: -s/--signal and -t/--time as given, or 0 and -1 for the
 * container's own (--stop-signal and --stop-timeout of its run, else SIGTERM and 10 s). */
struct stopping {
	int sig;
	long seconds;
};

/* Stop v as how says, its record filling in what the command line left out. */
static int stop_as_asked(const struct view *v, const struct stopping *how)
{
	int sig = how->sig;
	if (sig == 0 && (!v->r.stop_signal[0] || signal_parse(v->r.stop_signal, &sig) < 0))
		sig = SIGTERM;
	long seconds = how->seconds >= 0 ? how->seconds : v->r.stop_timeout_set ? v->r.stop_timeout : 10;
	return stop_container(v, sig, seconds);
}

static int stop_one(const char *ref, void *arg)
{
	struct view v;
	if (view_load(ref, &v) < 0)
		return -1;
	int rc = stop_as_asked(&v, arg);
	if (rc == 0)
		printf("%s\n", ref);
	container_record_free(&v.r);
	return rc;
}

static int parse_seconds(const char *text, long *seconds)
{
	unsigned long long n;
	if (parse_uint(text, 100000, &n) < 0)
		return -1;
	*seconds = (long)n;
	return 0;
}

/* `stop` and `restart`: [-s SIGNAL] [-t N | --time N | --timeout N] CONTAINER...: the signal sent
 * first and the seconds before SIGKILL (docker stop's flags). Returns 0 with optind at the first
 * container, or the exit status after saying what is wrong (usage_error, arguments_error). */
static int parse_stopping(const char *command, int argc, char **argv, struct stopping *how)
{
	static const struct option long_options[] = { { "time", required_argument, NULL, 't' },
						      { "timeout", required_argument, NULL, 't' },
						      { "signal", required_argument, NULL, 's' },
						      { 0 } };
	how->sig = 0;
	how->seconds = -1;
	int opt;
	optind = 0;
	opterr = 0;
	while ((opt = cli_getopt(argc, argv, "+t:s:", long_options, NULL)) != -1) {
		if (opt == 's') {
			if (signal_parse(optarg, &how->sig) < 0)
				return usage_error(command, "%s", error_message());
		} else if (opt != 't' || parse_seconds(optarg, &how->seconds) < 0) {
			return usage_error(command, "bad flag or value: %s", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return arguments_error(command, "requires at least 1 argument");
	return 0;
}

int cmd_stop(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(stop_help);
	struct stopping how;
	int code = parse_stopping("stop", argc, argv, &how);
	if (code)
		return code;
	return for_each(argc - optind, argv + optind, stop_one, &how);
}

static const char kill_help[] =
	"Usage:  tinydock kill [OPTIONS] CONTAINER [CONTAINER...]\n"
	"\n"
	"Send a signal to the init of one or more running containers (it passes it on).\n"
	"\n"
	"Options:\n"
	"  -s, --signal SIG   Signal to send: a name (KILL, SIGTERM) or a number (default KILL)\n";

int signal_parse(const char *text, int *sig)
{
	unsigned long long n;
	if (parse_uint(text, 64, &n) == 0 && n > 0) {
		*sig = (int)n;
		return 0;
	}
	error_clear();
	const char *name = strncasecmp(text, "SIG", 3) == 0 ? text + 3 : text;
	for (int s = 1; s < NSIG; s++) {
		const char *abbrev = sigabbrev_np(s);
		if (abbrev && strcasecmp(abbrev, name) == 0) {
			*sig = s;
			return 0;
		}
	}
	return fail_errno(0, "invalid signal: %s", text);
}

static int kill_one(const char *ref, void *arg)
{
	int sig = *(int *)arg;
	struct view v;
	if (view_load(ref, &v) < 0)
		return -1;
	int rc = 0;
	if (!is_running(&v))
		rc = fail_errno(0, "cannot kill container: %s: container %.12s is not running", ref, v.r.id);
	else if ((sig == SIGKILL || sig == SIGTERM || sig == SIGINT) && container_mark_stopping(v.r.id) < 0)
		rc = -1;
	else
		rc = signal_init(&v, sig);
	/* Paused: thawed, so that the signal is taken (for one that does not end it, the container
	 * runs on, unpaused). */
	if (rc == 0 && strcmp(v.state, "paused") == 0)
		rc = container_thaw(v.r.id);
	if (rc == 0)
		printf("%s\n", ref);
	container_record_free(&v.r);
	return rc;
}

int cmd_kill(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(kill_help);
	static const struct option long_options[] = { { "signal", required_argument, NULL, 's' }, { 0 } };
	int sig = SIGKILL, opt;
	optind = 0;
	opterr = 0;
	while ((opt = cli_getopt(argc, argv, "+s:", long_options, NULL)) != -1) {
		if (opt != 's')
			return usage_error("kill", "unknown flag: %s", argv[optind - 1]);
		if (signal_parse(optarg, &sig) < 0)
			return usage_error("kill", "%s", error_message());
	}
	if (optind >= argc)
		return arguments_error("kill", "requires at least 1 argument");
	return for_each(argc - optind, argv + optind, kill_one, &sig);
}

/* --- start, restart ---------------------------------------------------------------------------- */

static const char start_help[] =
	"Usage:  tinydock start CONTAINER [CONTAINER...]\n"
	"\n"
	"Start one or more stopped containers, detached, under a new monitor: `run` again with the\n"
	"recorded arguments and the same id, name, log and (chapter 04) writable layer.\n";

/* How start and restart start a container again: runtime_start_recorded, or a later chapter's. */
struct starting {
	runtime_starter *start;
	struct stopping stopping; /* restart: how it stops first */
};

static int start_one(const char *ref, void *arg)
{
	const struct starting *how = arg;
	struct view v;
	if (view_load(ref, &v) < 0)
		return -1;
	int rc = is_running(&v) ? 0 : how->start(&v.r);
	if (rc == 0)
		printf("%s\n", ref);
	container_record_free(&v.r);
	return rc;
}

int cmd_start_with(int argc, char **argv, runtime_starter *start)
{
	if (asks_for_help(argc, argv))
		return print_help(start_help);
	if (argc < 2 || argv[1][0] == '-')
		return arguments_error("start", "requires at least 1 argument (no options)");
	struct starting how = { .start = start };
	return for_each(argc - 1, argv + 1, start_one, &how);
}

int cmd_start(int argc, char **argv)
{
	return cmd_start_with(argc, argv, runtime_start_recorded);
}

static const char restart_help[] =
	"Usage:  tinydock restart [OPTIONS] CONTAINER [CONTAINER...]\n"
	"\n"
	"Stop (as `stop` does), then start one or more containers.\n"
	"\n"
	"Options:\n"
	"  -s, --signal SIGNAL   The signal to send first (default: the container's --stop-signal,\n"
	"                        else SIGTERM)\n"
	"  -t, --time N          Seconds to wait before SIGKILL (default: its --stop-timeout, else 10)\n";

static int restart_one(const char *ref, void *arg)
{
	const struct starting *how = arg;
	struct view v;
	if (view_load(ref, &v) < 0)
		return -1;
	int rc = stop_as_asked(&v, &how->stopping);
	if (rc == 0)
		rc = how->start(&v.r);
	if (rc == 0)
		printf("%s\n", ref);
	container_record_free(&v.r);
	return rc;
}

int cmd_restart_with(int argc, char **argv, runtime_starter *start)
{
	if (asks_for_help(argc, argv))
		return print_help(restart_help);
	struct starting how = { .start = start };
	int code = parse_stopping("restart", argc, argv, &how.stopping);
	if (code)
		return code;
	return for_each(argc - optind, argv + optind, restart_one, &how);
}

int cmd_restart(int argc, char **argv)
{
	return cmd_restart_with(argc, argv, runtime_start_recorded);
}

/* --- rm, prune ------------------------------------------------------------------------------- */

static const char rm_help[] =
	"Usage:  tinydock rm [OPTIONS] CONTAINER [CONTAINER...]\n"
	"\n"
	"Remove one or more containers: their record, log, live state and leftover cgroup.\n"
	"\n"
	"Options:\n"
	"  -f, --force   Force the removal of a running container (uses SIGKILL)\n";

/* Remove a stopped container and whatever a dead monitor may have left behind. */
static int remove_container(const struct view *v)
{
	struct cgroup_layout layout;
	struct cgroup cg;
	if (cgroup_detect(NULL, &layout) == 0 && cgroup_open(&layout, CGROUP_DEFAULT_PARENT, v->r.id, &cg) == 0) {
		explain(CHAPTER, "a cgroup was left behind (its monitor died): removing it");
		if (cgroup_remove(&cg) < 0)
			return -1;
	}
	error_clear();
	/* Chapter 04's overlay, if a dead monitor left it mounted: remove_tree never crosses mounts. */
	char dir[PATH_MAX], merged[PATH_MAX + 16];
	container_dir(v->r.id, dir, sizeof(dir));
	snprintf(merged, sizeof(merged), "%s/fs/merged", dir);
	if (umount2(merged, MNT_DETACH) == 0)
		explain(CHAPTER, "umount2(\"%s\", MNT_DETACH) = 0 (left mounted by a dead monitor)", merged);
	int lock = container_store_lock();
	if (lock < 0)
		return -1;
	int rc = container_remove_files(v->r.id);
	close(lock);
	explain_result(CHAPTER, rc, "remove %s and its live state", dir);
	return rc;
}

/* Remove v's container; a running one only with force (SIGKILL first), as `rm -f`. */
static int remove_viewed(const struct view *v, bool force)
{
	int rc = 0;
	if (is_running(v)) {
		if (!force)
			rc = fail_errno(0,
					"cannot remove container \"/%s\": container is running: stop the container before "
					"removing or force remove",
					v->r.name);
		else if (container_mark_stopping(v->r.id) < 0 || signal_init(v, SIGKILL) < 0 ||
			 container_thaw(v->r.id) < 0) /* a v1 frozen task dies only once thawed */
			rc = -1;
		else if (!wait_until_stopped(v->r.id, 10000))
			rc = fail_errno(0, "container %.12s did not stop after SIGKILL", v->r.id);
	}
	if (rc == 0) {
		char dir[PATH_MAX];
		container_dir(v->r.id, dir, sizeof(dir));
		if (is_directory(dir))
			rc = remove_container(v);
	}
	return rc;
}

static int rm_one(const char *ref, void *arg)
{
	bool force = *(bool *)arg;
	struct view v;
	if (view_load(ref, &v) < 0)
		return -1;
	int rc = remove_viewed(&v, force);
	if (rc == 0)
		printf("%s\n", ref);
	container_record_free(&v.r);
	return rc;
}

int cmd_rm(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(rm_help);
	static const struct option long_options[] = { { "force", no_argument, NULL, 'f' }, { 0 } };
	bool force = false;
	int opt;
	optind = 0;
	opterr = 0;
	while ((opt = cli_getopt(argc, argv, "+f", long_options, NULL)) != -1) {
		if (opt != 'f')
			return usage_error("rm", "unknown flag: %s", argv[optind - 1]);
		force = cli_flag_on(optarg);
	}
	if (optind >= argc)
		return arguments_error("rm", "requires at least 1 argument");
	return for_each(argc - optind, argv + optind, rm_one, &force);
}

/* --- the same for a handle of the lifecycle API (runtime.h) ---------------------------------- */

int container_stop(const char *id, int sig, long seconds)
{
	struct view v;
	if (view_load_id(id, &v) < 0)
		return -1;
	int rc = stop_container(&v, sig, seconds);
	container_record_free(&v.r);
	return rc;
}

int container_remove(const char *id, bool force)
{
	struct view v;
	if (view_load_id(id, &v) < 0)
		return -1;
	int rc = remove_viewed(&v, force);
	container_record_free(&v.r);
	return rc;
}

int runtime_stop(struct runtime *rt, long seconds)
{
	struct view v;
	if (view_load_id(runtime_id(rt), &v) < 0)
		return -1;
	int rc = stop_container(&v, SIGTERM, seconds);
	container_record_free(&v.r);
	return rc;
}

int runtime_remove(struct runtime *rt)
{
	struct view v;
	if (view_load_id(runtime_id(rt), &v) < 0)
		return -1;
	int rc = is_running(&v) ? fail_errno(0, "cannot remove container %.12s: it is running", v.r.id)
				: remove_container(&v);
	container_record_free(&v.r);
	return rc;
}

static const char prune_help[] =
	"Usage:  tinydock container prune [OPTIONS]\n"
	"\n"
	"Remove all stopped containers\n"
	"\n"
	"Options:\n"
	"  -f, --force   Do not prompt for confirmation\n";

int cmd_container_prune(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(prune_help); /* and nothing else: `prune --help` must never prune */
	bool all, force; /* -a is accepted, as by every prune: all stopped containers go either way */
	int code = parse_prune_flags("container prune", argc, argv, &all, &force);
	if (code)
		return code;
	if (!force && !confirmed("This will remove all stopped containers."))
		return 0;
	struct view *views;
	size_t count;
	if (load_all(&views, &count) < 0)
		return error_report(EXIT_TINYDOCK_FAILED);
	code = 0;
	printf("Deleted Containers:\n");
	for (size_t i = 0; i < count; i++) {
		if (is_running(&views[i]))
			continue;
		if (remove_container(&views[i]) < 0) {
			error_report(0);
			error_clear();
			code = 1;
			continue;
		}
		printf("%s\n", views[i].r.id);
	}
	printf("\nTotal reclaimed space: 0B\n");
	free_views(views, count);
	return code;
}
