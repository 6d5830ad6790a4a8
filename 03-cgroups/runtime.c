/*
 * runtime.c - the container runtime's part of `tinydock run`: the record, the cgroup, and, with
 * -d, the monitor that looks after the container once `run` has returned.
 *
 * Lecture: "a container runtime without a daemon". Docker's CLI asks a daemon (dockerd, then
 * containerd, then one containerd-shim per container) to run a container. Podman has no
 * daemon: `podman run -d` forks conmon, a small monitor that outlives the CLI, holds the
 * container's output and waits for its exit code. tinydock does what Podman does:
 *
 *   tinydock run -d ...                          (the CLI: exits as soon as the container runs)
 *     |- prepare: record the container           $TINYDOCK_ROOT/containers/<id>/config.json
 *     |- launch: fork ----------------------.
 *     |  wait for "started" or the error     |   the MONITOR: setsid(), stdio -> log pipes
 *     |  print the id, exit 0                |- clone() the container (chapter 02), and at
 *                                            |   SYNC_CGROUP: cgroup_create, the device rules
 *                                            |   (device-cgroup.c), cgroup_attach
 *                                            |- started: $TINYDOCK_RUN/containers/<id>/state.json
 *                                            |- wait for init; the logger process copies the output
 *                                            |- again: record the exit; the restart policy may
 *                                            |   start the container again after a delay
 *                                            '- finished: remove the cgroup (and all with --rm)
 *
 * Without -d the `run` process itself is the monitor (it waits anyway), so `ps`, `stop` and
 * `exec` work on foreground containers too.
 *
 * Next: container-view.c, container-commands.c (ps, logs, inspect: what is) and
 * container-lifecycle.c (stop, start, rm: what changes) read and change what this file writes.
 */
#include "runtime.h"
#include "cgroup.h"
#include "cgroup_stats.h"
#include "container-log.h"
#include "container-store.h"
#include "container.h"
#include "device-cgroup.h"
#include "error.h"
#include "explain.h"
#include "files.h"
#include "names.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char CHAPTER[] = "03-cgroups";

enum {
	OPT_DETACH = 'd',
	OPT_MEMORY = 'm',
	OPT_CPU_SHARES = 'c',
	OPT_RESTART = 1300,
	OPT_MEMORY_SWAP,
	OPT_CPUS,
	OPT_PIDS_LIMIT,
	OPT_CPUSET_CPUS,
	OPT_START_ID,
};

static const struct option options[] = {
	{ "detach", no_argument, NULL, OPT_DETACH },
	{ "restart", required_argument, NULL, OPT_RESTART },
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "memory-swap", required_argument, NULL, OPT_MEMORY_SWAP },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "cpu-shares", required_argument, NULL, OPT_CPU_SHARES },
	{ "pids-limit", required_argument, NULL, OPT_PIDS_LIMIT },
	{ "cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS },
	/* Not for users: `tinydock start ID` runs `run --start-id ID <the recorded arguments>`. */
	{ "start-id", required_argument, NULL, OPT_START_ID },
	{ 0 },
};

static const char help[] =
	"  -d, --detach               Run in the background under a monitor and print the container ID\n"
	"      --restart POLICY       no, on-failure[:N], always, unless-stopped (default no)\n" CGROUP_LIMITS_HELP
	"\n"
	"Every container is recorded (with its log, also in the foreground) under $TINYDOCK_ROOT\n"
	"(default /var/lib/tinydock; not root: $XDG_DATA_HOME/tinydock or ~/.local/share/tinydock),\n"
	"its live state under $TINYDOCK_RUN (default /run/tinydock; not root: $XDG_RUNTIME_DIR/tinydock\n"
	"or /tmp/tinydock-UID, mode 0700).\n";

/* Everything the hooks share, for the one container this process runs. */
struct runtime {
	bool detach, start_existing;
	struct cgroup_limits limits;
	struct restart_policy restart;
	bool restart_given;

	struct container_record record; /* as this process knows it; state fields are ours */
	bool recorded;
	struct cgroup cgroup;
	bool in_cgroup;
	bool cgroup_left;               /* its removal failed: only `rm` may remove the record now */
	struct container_log log;
	int report;                     /* -d: the socket to the waiting CLI, until "started" */
	bool running;                   /* between started and the exit being recorded */
	struct timespec run_began;      /* monotonic, for the restart delay */
};

static struct runtime runtime = { .report = -1 };

static int option(void *ctx, struct container *c, int opt, const char *arg)
{
	struct runtime *rt = ctx;
	switch (opt) {
	case OPT_DETACH:
		rt->detach = true;
		return 0;
	case OPT_RESTART:
		rt->restart_given = true;
		return restart_policy_parse(arg, &rt->restart);
	case OPT_MEMORY:
		return cgroup_limits_set(&rt->limits, "memory", arg);
	case OPT_MEMORY_SWAP:
		return cgroup_limits_set(&rt->limits, "memory-swap", arg);
	case OPT_CPUS:
		return cgroup_limits_set(&rt->limits, "cpus", arg);
	case OPT_CPU_SHARES:
		return cgroup_limits_set(&rt->limits, "cpu-shares", arg);
	case OPT_PIDS_LIMIT:
		return cgroup_limits_set(&rt->limits, "pids-limit", arg);
	case OPT_CPUSET_CPUS:
		return cgroup_limits_set(&rt->limits, "cpuset-cpus", arg);
	case OPT_START_ID:
		if (strlen(arg) != CONTAINER_ID_LENGTH || !looks_like_id_prefix(arg))
			return fail_errno(0, "--start-id expects a full container id");
		snprintf(c->id, sizeof(c->id), "%s", arg);
		rt->start_existing = true;
		return 0;
	}
	return fail_errno(0, "unknown option %d", opt);
}

/* --- the record ----------------------------------------------------------------------------- */

/* What run was asked for, as config.json keeps it. */
static int describe(const struct runtime *rt, const struct container *c, struct container_record *r)
{
	snprintf(r->id, sizeof(r->id), "%s", c->id);
	r->created = timestamp_now();
	char folder[PATH_MAX];
	if (c->rootfs && realpath(c->rootfs, folder))
		snprintf(r->rootfs, sizeof(r->rootfs), "%s", folder);
	snprintf(r->image, sizeof(r->image), "%s", r->rootfs[0] ? r->rootfs : (c->rootfs ? c->rootfs : ""));
	for (char **arg = c->command; arg && *arg; arg++)
		if (string_list_add(&r->command, *arg) < 0)
			return -1;
	for (size_t i = 0; i < c->env_count; i++)
		if (string_list_add(&r->env, c->env[i]) < 0)
			return -1;
	for (int i = 0; i < c->argc; i++)
		if (string_list_add(&r->run_args, c->argv[i]) < 0)
			return -1;
	snprintf(r->workdir, sizeof(r->workdir), "%s", c->workdir ? c->workdir : "");
	snprintf(r->user, sizeof(r->user), "%s", c->user ? c->user : "");
	snprintf(r->hostname, sizeof(r->hostname), "%s", c->hostname);
	r->tty = c->tty;
	r->interactive = c->interactive;
	r->limits = rt->limits;
	r->restart = rt->restart;
	r->auto_remove = c->remove;
	r->security = c->security;
	snprintf(r->network, sizeof(r->network), "%s",
		 c->network == NETWORK_HOST ? "host" : c->network == NETWORK_BRIDGE ? c->network_name : "none");
	r->port_count = c->port_count;
	memcpy(r->ports, c->ports, c->port_count * sizeof(c->ports[0]));
	snprintf(r->status, sizeof(r->status), "created");
	return 0;
}

/* Record a new container under a free name: the one given, or one made up (retrying when a
 * made-up name is taken; a given one in use is the user's conflict to solve). */
static int record_new(struct runtime *rt, struct container *c)
{
	struct container_record *r = &rt->record;
	if (describe(rt, c, r) < 0)
		return -1;
	char first[17];
	snprintf(first, sizeof(first), "%.16s", c->id);
	uint64_t seed = strtoull(first, NULL, 16); /* the id is random: so is the name */
	for (int attempt = 0; attempt < 16; attempt++) {
		if (c->name)
			snprintf(r->name, sizeof(r->name), "%s", c->name);
		else
			container_name_generate(seed + (uint64_t)attempt * 0x9e3779b97f4a7c15ULL, r->name, sizeof(r->name));
		if (container_create(r) == 0) {
			explain(CHAPTER, "recorded container %.12s as \"%s\" in %s/containers", c->id, r->name, state_root());
			return 0;
		}
		if (c->name || !strstr(error_message(), "Conflict."))
			return -1;
		error_clear();
	}
	return -1;
}

/* Write our state fields into the record, under the lock (someone may have renamed it). */
static int save_state(struct runtime *rt)
{
	int lock = container_store_lock();
	if (lock < 0)
		return -1;
	struct container_record now;
	int rc = container_record_load(rt->record.id, &now);
	if (rc == 0) {
		snprintf(now.status, sizeof(now.status), "%s", rt->record.status);
		now.exit_code = rt->record.exit_code;
		now.oom_killed = rt->record.oom_killed;
		now.started_at = rt->record.started_at;
		now.finished_at = rt->record.finished_at;
		now.restart_count = rt->record.restart_count;
		now.port_count = rt->record.port_count;
		memcpy(now.ports, rt->record.ports, rt->record.port_count * sizeof(rt->record.ports[0]));
		rc = container_record_save(&now);
		container_record_free(&now);
	}
	close(lock);
	return rc;
}

static int save_live(struct runtime *rt, pid_t pid, bool restarting)
{
	struct container_live live = { .monitor = getpid(), .pid = pid, .restarting = restarting,
				       .started_at = rt->record.started_at };
	if (process_start_time(live.monitor, &live.monitor_start) < 0 ||
	    (pid > 0 && process_start_time(pid, &live.pid_start) < 0))
		return fail_errno(0, "cannot read the start time of process %d", (int)pid);
	return container_live_save(rt->record.id, &live);
}

/* --- the hooks ---------------------------------------------------------------------------- */

static int prepare(void *ctx, struct container *c)
{
	struct runtime *rt = ctx;
	if (cgroup_limits_check(&rt->limits, sysconf(_SC_NPROCESSORS_ONLN)) < 0)
		return -1;
	if (c->remove && rt->restart_given && rt->restart.mode != RESTART_NO)
		return fail_errno(0, "conflicting options: cannot specify both --restart and --rm");
	if (!rt->start_existing) {
		if (record_new(rt, c) == 0) {
			rt->recorded = true;
			return 0;
		}
		/* A user without root, and without a state folder of their own, can still run a
		 * foreground container (rootless, chapter 02); only what needs a record cannot be. */
		if (geteuid() == 0 || error_errno() != EACCES || rt->detach || rt->restart.mode != RESTART_NO)
			return -1;
		explain(CHAPTER, "not recorded (%s): a foreground run needs no record", error_message());
		error_clear();
		return 0;
	}
	/* `start`: the record exists; the arguments were parsed again from it. */
	if (container_record_load(c->id, &rt->record) < 0)
		return -1;
	rt->recorded = true;
	container_live_clear(c->id); /* a `stop` of the last run must not stop this one */
	return 0;
}

/* Connect the confirmation socket's reader to the user: copy the monitor's messages to our
 * stderr until "started" or "failed" (bounded: a setup takes milliseconds, not a minute). */
static int wait_for_monitor(int sock)
{
	char message[1 + 4096];
	for (int waited_ms = 0; waited_ms < 60000;) {
		struct pollfd fd = { sock, POLLIN, 0 };
		int ready = poll(&fd, 1, 100);
		if (ready == 0) {
			waited_ms += 100;
			continue;
		}
		if (ready < 0 && errno == EINTR)
			continue;
		ssize_t n = ready < 0 ? -1 : recv(sock, message, sizeof(message), 0);
		if (n <= 0) {
			fail_errno(0, "the monitor exited before the container started");
			return 0;
		}
		if (message[0] == 'e')
			write_all(STDERR_FILENO, message + 1, (size_t)n - 1);
		else
			return message[0];
	}
	fail_errno(0, "the monitor did not report within 60 seconds");
	return 0;
}

/* The container's output into its log (container-log.h), for a monitor (-d: report is the
 * socket to the waiting CLI) or a foreground run (echo: the user's terminal still shows it). */
static int start_log(struct runtime *rt, int report, bool echo)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	container_dir(rt->record.id, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/container.log", dir);
	/* --explain lines go to stderr, that is into the log from now on. */
	if (container_log_start(&rt->log, path, report, echo) < 0)
		return -1;
	explain(CHAPTER, "%s %d: stdout and stderr -> pipes -> %s%s", echo ? "run" : "monitor", (int)getpid(), path,
		echo ? " (and, as they come, to the terminal)" : "");
	rt->report = report;
	return 0;
}

/* The monitor: a new session (no terminal to lose, no Ctrl-C from the CLI's), stdin from
 * /dev/null, stdout and stderr into the log. */
static int become_monitor(struct runtime *rt, int report)
{
	explain(CHAPTER, "monitor %d: setsid() = %d", (int)getpid(), (int)setsid());
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null < 0 || dup2(null, STDIN_FILENO) < 0)
		return fail_sys("cannot put /dev/null on the monitor's stdin");
	close(null);
	return start_log(rt, report, false);
}

static int launch(void *ctx, struct container *c, int *code)
{
	struct runtime *rt = ctx;
	if (!rt->detach) {
		/* The foreground run is the monitor: it keeps the log too, as Docker's does. */
		return rt->recorded ? start_log(rt, -1, true) : 0;
	}
	int sock[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) < 0)
		return fail_sys("cannot make the monitor's socket");
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(sock[0]);
		close(sock[1]);
		return fail_sys("cannot fork the monitor");
	}
	if (pid == 0) {
		close(sock[0]);
		if (become_monitor(rt, sock[1]) < 0)
			return -1; /* run reports it (on the CLI's stderr, still ours) and cleans up */
		return 0;          /* the monitor goes on with the run */
	}
	close(sock[1]);
	explain(CHAPTER, "fork() = %d (the monitor of %.12s)", (int)pid, c->id);
	int verdict = wait_for_monitor(sock[0]);
	close(sock[0]);
	if (verdict == 's') {
		printf("%s\n", c->id);
		*code = 0;
	} else {
		*code = EXIT_TINYDOCK_FAILED;
	}
	if (!verdict) {
		fail_context("run");
		error_report(EXIT_TINYDOCK_FAILED);
		error_clear();
	}
	fflush(stdout);
	return 1;
}

static int join_cgroup(void *ctx, struct container *c, pid_t pid)
{
	struct runtime *rt = ctx;
	/* Without root there is no cgroup to make (unless the user was delegated one); no limits
	 * asked means nothing is lost. */
	if (geteuid() != 0 && !cgroup_limits_any(&rt->limits)) {
		explain(CHAPTER, "not root: no cgroup for %d", (int)pid);
		return 0;
	}
	struct cgroup_layout layout;
	if (cgroup_detect(NULL, &layout) < 0)
		return -1;
	/* `start` of a container whose monitor was SIGKILLed: its cgroup may still be there (its
	 * processes died with the monitor, PR_SET_PDEATHSIG). Remove it, or mkdir says EEXIST. */
	struct cgroup stale;
	if (cgroup_open(&layout, CGROUP_DEFAULT_PARENT, c->id, &stale) == 0) {
		explain(CHAPTER, "a cgroup of %.12s was left by a monitor that died: removing it", c->id);
		if (cgroup_remove(&stale) < 0)
			return -1;
	}
	error_clear();
	if (cgroup_create(&layout, CGROUP_DEFAULT_PARENT, c->id, &rt->limits, &rt->cgroup) < 0)
		return -1;
	rt->in_cgroup = true;
	/* The device rules before the process joins: CAP_MKNOD lets container root make any node,
	 * and only the device cgroup keeps it from opening one (device-cgroup.c). A user without
	 * root (in a cgroup delegated to them) may not set them, and needs none: their container's
	 * root holds no capability over the host's devices, not even CAP_MKNOD (mknod(2)), so it
	 * can open no node its owner could not open outside. */
	if (geteuid() != 0)
		explain(CHAPTER, "not root: no device rules (nor any power over the host's devices to limit)");
	else if (device_cgroup_apply(&rt->cgroup, c->privileged) < 0)
		return -1;
	return cgroup_attach(&rt->cgroup, pid);
}

static int started(void *ctx, struct container *c, pid_t pid)
{
	struct runtime *rt = ctx;
	if (!rt->recorded)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &rt->run_began);
	rt->record.started_at = timestamp_now();
	snprintf(rt->record.status, sizeof(rt->record.status), "running");
	/* The proxy has bound the published ports by now; `-p 80` asked the kernel for a free host
	 * port, and the record must say which one it chose (what `port` and `ps` show). */
	rt->record.port_count = c->port_count;
	memcpy(rt->record.ports, c->ports, c->port_count * sizeof(c->ports[0]));
	if (save_live(rt, pid, false) < 0 || save_state(rt) < 0)
		return -1;
	rt->running = true;
	explain(CHAPTER, "container %.12s running: init is %d, state in %s/containers/%.12s...", c->id, (int)pid,
		state_run(), c->id);
	if (rt->report >= 0) {
		container_log_report(&rt->log, 's');
		rt->report = -1;
	}
	return 0;
}

/* The container's init has exited with code: what the record must say, and the cgroup goes. */
static void record_exit(struct runtime *rt, int code)
{
	if (rt->in_cgroup) {
		int64_t kills = 0;
		rt->record.oom_killed = cgroup_oom_kills(&rt->cgroup, &kills) == 0 && kills > 0;
		error_clear();
		explain(CHAPTER, "the out-of-memory killer killed %lld process(es) in the cgroup", (long long)kills);
		if (cgroup_remove(&rt->cgroup) < 0) {
			/* Kept: the record stays (even with --rm) so that `rm` can remove it later. */
			fail_context("container %.12s", rt->record.id);
			error_report(0);
			error_clear();
			rt->cgroup_left = true;
		}
		rt->in_cgroup = false;
	}
	if (!rt->running)
		return;
	rt->running = false;
	rt->record.exit_code = code;
	rt->record.finished_at = timestamp_now();
	snprintf(rt->record.status, sizeof(rt->record.status), "exited");
}

static int64_t ms_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* Wait ms, but give up as soon as `stop` marks the container. Returns false if stopped. */
static bool delay_unless_stopped(const char *id, int64_t ms)
{
	for (int64_t waited = 0; waited < ms; waited += 20) {
		if (container_is_stopping(id))
			return false;
		struct timespec step = { 0, 20 * 1000000L };
		nanosleep(&step, NULL);
	}
	return !container_is_stopping(id);
}

static int again(void *ctx, struct container *c, int code)
{
	struct runtime *rt = ctx;
	if (!rt->recorded)
		return 0;
	record_exit(rt, code);
	bool stopped = container_is_stopping(c->id);
	if (!restart_wanted(&rt->restart, code, rt->record.restart_count, stopped)) {
		save_state(rt);
		return 0;
	}
	int64_t delay = restart_delay_ms(rt->record.restart_count, ms_since(&rt->run_began));
	snprintf(rt->record.status, sizeof(rt->record.status), "restarting");
	if (save_live(rt, 0, true) < 0 || save_state(rt) < 0) {
		error_report(0);
		error_clear();
	}
	explain(CHAPTER, "restart policy %s: exit code %d, restart %d in %lld ms", restart_policy_name(rt->restart.mode),
		code, rt->record.restart_count + 1, (long long)delay);
	if (!delay_unless_stopped(c->id, delay)) {
		snprintf(rt->record.status, sizeof(rt->record.status), "exited");
		save_state(rt);
		return 0;
	}
	rt->record.restart_count++;
	return 1;
}

static void finished(void *ctx, struct container *c, int code)
{
	struct runtime *rt = ctx;
	if (!rt->recorded)
		return;
	record_exit(rt, code);
	if (rt->record.started_at == 0)
		rt->record.exit_code = code; /* never started: "Created", with the reason's code */
	bool remove = c->remove && !rt->cgroup_left; /* never lose the only trace of a cgroup */
	if (!remove && save_state(rt) < 0) {
		fail_context("cannot record the exit of container %.12s", c->id);
		error_report(0);
		error_clear();
	}
	if (rt->report >= 0) {
		container_log_report(&rt->log, 'f');
		rt->report = -1;
	}
	/* The logger writes what is left (and, in the foreground, has echoed all of it) first. */
	container_log_stop(&rt->log);
	/* Last: the live state. `stop`, `wait` and `rm` return once it is gone, so by then the
	 * record holds the exit and the log holds every line (no line may appear after `stop`). */
	container_live_clear(c->id);
	if (remove && container_remove_files(c->id) == 0)
		explain(CHAPTER, "--rm: removed container %.12s", c->id);
	container_record_free(&rt->record);
}

const struct run_extension runtime_run_extension = {
	.chapter = "03-cgroups",
	.options = options,
	.short_options = "dm:c:",
	.help = help,
	.ctx = &runtime,
	.option = option,
	.prepare = prepare,
	.launch = launch,
	.cgroup = join_cgroup,
	.started = started,
	.again = again,
	.finished = finished,
};
