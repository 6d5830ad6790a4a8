/*
 * runtime.c - the container runtime's lifecycle: create (the record), start (with -d, the monitor
 * that looks after the container once `run` has returned), wait; the cgroup of every run.
 *
 * A container runtime without a daemon. Docker's CLI asks a daemon (dockerd, then
 * containerd, then one containerd-shim per container) to run a container. Podman has no
 * daemon: `podman run -d` forks conmon, a small monitor that outlives the CLI, holds the
 * container's output and waits for its exit code. tinydock does what Podman does:
 *
 *   tinydock run -d ...                          (the CLI: exits as soon as the container runs)
 *     |- runtime_create: record the container    $TINYDOCK_ROOT/containers/<id>/config.json,
 *     |  (and a later chapter's rootfs mount)     then chapter 02's container_prepare
 *     |- runtime_start: fork ---------------.
 *     |  wait for "started" or the error     |   the MONITOR: setsid(), stdio -> log pipes
 *     |  print the id, exit 0                |- container_run (chapter 02): cgroup_create,
 *                                            |   the device rules (device-cgroup.c), clone3()
 *                                            |   into the cgroup's v2 folder; on a hybrid
 *                                            |   machine a clone, and every tree at SYNC_GO
 *                                            |   (cgroup_warm.c says why)
 *                                            |- started: $TINYDOCK_RUN/containers/<id>/state.json
 *                                            |- wait for init; the logger process copies the output
 *                                            |- record the exit; the restart policy may start
 *                                            |   the container again after a delay
 *                                            '- finish: remove the cgroup (and all with --rm),
 *                                                exit with the container's exit code
 *
 * Everything about one container is in its handle (struct runtime), never in a static, so a
 * program may create, start and wait for many containers at once (a compose project, a swarm
 * worker); each -d container has a monitor process of its own.
 *
 * Without -d the `run` process itself is the monitor (it waits anyway), so `ps`, `stop` and
 * `exec` work on foreground containers too.
 *
 * Next: container-view.c, container-commands.c (ps, logs, inspect: what is) and
 * container-lifecycle.c (stop, start, rm: what changes) read and change what this file writes.
 */
#include "runtime.h"
#include "cgroup.h"
#include "cli.h"
#include "cgroup_stats.h"
#include "cgroup_warm.h"
#include "container-log.h"
#include "container-spec.h"
#include "container-store.h"
#include "container-view.h"
#include "container.h"
#include "device-cgroup.h"
#include "error.h"
#include "exec.h"
#include "explain.h"
#include "files.h"
#include "health-check.h"
#include "names.h"
#include "sync.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char CHAPTER[] = "03-cgroups";


enum {
	OPT_DETACH = 'd',
	OPT_MEMORY = 'm',
	OPT_LABEL = 'l',
	OPT_CPU_SHARES = 'c',
	OPT_RESTART = 1300,
	OPT_MEMORY_SWAP,
	OPT_CPUS,
	OPT_PIDS_LIMIT,
	OPT_CPUSET_CPUS,
	OPT_STOP_SIGNAL,
	OPT_STOP_TIMEOUT,
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
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "stop-signal", required_argument, NULL, OPT_STOP_SIGNAL },
	{ "stop-timeout", required_argument, NULL, OPT_STOP_TIMEOUT },
	{ 0 },
};

static const char help[] =
	"  -d, --detach               Run in the background under a monitor and print the container ID\n"
	"      --restart POLICY       no, on-failure[:N], always, unless-stopped (default no)\n"
	"  -l, --label KEY=VALUE      Set metadata on the container (Config.Labels; repeatable)\n"
	"      --stop-signal SIGNAL   The signal `stop` sends first (default SIGTERM)\n"
	"      --stop-timeout N       Seconds `stop` waits before SIGKILL (default 10)\n" CGROUP_LIMITS_HELP
		HEALTH_FLAGS_HELP
	"\n"
	"Every container is recorded (with its log, also in the foreground) under $TINYDOCK_ROOT\n"
	"(default /var/lib/tinydock; not root: $XDG_DATA_HOME/tinydock or ~/.local/share/tinydock),\n"
	"its live state under $TINYDOCK_RUN (default /run/tinydock; not root: $XDG_RUNTIME_DIR/tinydock\n"
	"or /tmp/tinydock-UID, mode 0700).\n";

/* One container, from create to the end of its last run. */
struct runtime {
	struct runtime_spec *spec;
	struct runtime_rootfs rootfs;   /* a later chapter's, or none */
	bool rootfs_mounted;

	struct container_record record; /* as this process knows it; state fields are ours */
	bool recorded;
	struct cgroup cgroup;
	bool in_cgroup;
	bool cgroup_left;               /* its removal failed: only `rm` may remove the record now */
	struct container_log log;
	int report;                     /* -d: the socket to the waiting CLI, until "started" */
	bool running;                   /* between started and the exit being recorded */
	struct timespec run_began;      /* monotonic, for the restart delay */
	pid_t monitor;                  /* -d: the monitor, once started (0: none) */
	int folder;                     /* the cgroup's v2 folder, open until the clone is done */
	pid_t health_checker;           /* the HEALTHCHECK's checker while it runs (health-check.h) */
	pid_t cgroup_warm;              /* the helper that starts the v1 move's wait (cgroup_warm.h) */
	bool v1_pending;                /* the init is still to join the v1 trees (at SYNC_GO) */
	bool born_in_folder;            /* ... and was born in the v2 one (CLONE_INTO_CGROUP) */
};

int runtime_add_label(struct runtime_spec *spec, const char *label)
{
	/* docker run --label: "KEY=VALUE", or "KEY" alone for an empty value; a key set twice
	 * keeps its last value, as Docker's map of labels does. */
	size_t key_length = strcspn(label, "=");
	if (key_length == 0)
		return fail_errno(0, "invalid label \"%s\": empty key", label);
	for (size_t i = 0; i < spec->label_count; i++)
		if (strncmp(spec->labels[i], label, key_length) == 0 &&
		    (spec->labels[i][key_length] == '=' || spec->labels[i][key_length] == '\0')) {
			spec->labels[i] = label;
			return 0;
		}
	if (spec->label_count == RUNTIME_MAX_LABELS)
		return fail_errno(0, "too many labels (at most %d)", RUNTIME_MAX_LABELS);
	spec->labels[spec->label_count++] = label;
	return 0;
}

static int option(struct container *c, int opt, const char *arg)
{
	struct runtime_spec *spec = (struct runtime_spec *)c; /* run-flags.h: ours begins with c */
	switch (opt) {
	case OPT_DETACH:
		spec->detach = cli_flag_on(arg);
		return 0;
	case OPT_RESTART:
		spec->restart_given = true;
		return restart_policy_parse(arg, &spec->restart);
	case OPT_MEMORY:
		return cgroup_limits_set(&spec->limits, "memory", arg);
	case OPT_MEMORY_SWAP:
		return cgroup_limits_set(&spec->limits, "memory-swap", arg);
	case OPT_CPUS:
		return cgroup_limits_set(&spec->limits, "cpus", arg);
	case OPT_CPU_SHARES:
		return cgroup_limits_set(&spec->limits, "cpu-shares", arg);
	case OPT_PIDS_LIMIT:
		return cgroup_limits_set(&spec->limits, "pids-limit", arg);
	case OPT_CPUSET_CPUS:
		return cgroup_limits_set(&spec->limits, "cpuset-cpus", arg);
	case OPT_LABEL:
		return runtime_add_label(spec, arg);
	case OPT_STOP_SIGNAL: {
		int sig;
		if (signal_parse(arg, &sig) < 0)
			return -1;
		spec->stop_signal = arg;
		return 0;
	}
	case OPT_STOP_TIMEOUT: {
		unsigned long long seconds;
		if (parse_uint(arg, 100000, &seconds) < 0)
			return fail_errno(0, "invalid --stop-timeout \"%s\": whole seconds expected", arg);
		spec->stop_timeout = (long)seconds;
		spec->stop_timeout_given = true;
		return 0;
	}
	}
	return fail_errno(0, "unknown option %d", opt);
}

const struct run_flags runtime_flags = {
	.chapter = "03-cgroups",
	.options = options,
	.short_options = "dm:c:l:",
	.help = help,
	.option = option,
};

#define MAX_RUN_FLAGS 8

int runtime_parse(int argc, char **argv, struct runtime_spec *spec, const struct run_flags *const *more,
		  size_t count)
{
	const struct run_flags *flags[MAX_RUN_FLAGS] = { &runtime_flags, &health_flags };
	if (count + 2 > MAX_RUN_FLAGS)
		return fail_errno(0, "too many sets of run flags");
	for (size_t i = 0; i < count; i++)
		flags[2 + i] = more[i];
	struct runtime_spec zero = { .image = NULL };
	*spec = zero;
	if (parse_run_options_with(argc, argv, &spec->container, flags, count + 2) < 0)
		return -1;
	spec->create_only = strcmp(argv[0], "create") == 0;
	/* docker run: "Conflicting options: -a and -d" (a detached run has no terminal to show). */
	if (spec->detach && spec->container.attach)
		return fail_errno(0, "conflicting options: cannot specify both --attach and --detach");
	return health_flags_finish(spec);
}

/* --- the record ----------------------------------------------------------------------------- */

/* What run was asked for, as config.json keeps it: the spec (container-spec.c), its folder
 * made absolute (realpath(3)) so that `start` finds it from any working directory. */
static int describe(const struct runtime_spec *spec, struct container_record *r)
{
	r->created = timestamp_now();
	if (runtime_spec_write(spec, r) < 0)
		return -1;
	char folder[PATH_MAX];
	if (r->rootfs[0] && realpath(r->rootfs, folder)) {
		snprintf(r->rootfs, sizeof(r->rootfs), "%s", folder);
		if (!spec->image)
			snprintf(r->image, sizeof(r->image), "%s", folder);
	}
	snprintf(r->status, sizeof(r->status), "created");
	return 0;
}

/* Record a new container under a free name: the one given, or one made up (retrying when a
 * made-up name is taken; a given one in use is the user's conflict to solve). */
static int record_new(struct runtime *rt)
{
	const struct container *c = &rt->spec->container;
	struct container_record *r = &rt->record;
	if (describe(rt->spec, r) < 0)
		return -1;
	char first[17];
	snprintf(first, sizeof(first), "%.16s", c->id);
	uint64_t seed = strtoull(first, NULL, 16); /* the id is random: so is the name */
	for (int attempt = 0; attempt < 16; attempt++) {
		if (c->name)
			snprintf(r->name, sizeof(r->name), "%s", c->name);
		else
			container_name_generate(seed + (uint64_t)attempt * 0x9e3779b97f4a7c15ULL, r->name, sizeof(r->name));
		int rc = container_create(r);
		if (rc == 0) {
			explain(CHAPTER, "recorded container %.12s as \"%s\" in %s/containers", c->id, r->name, state_root());
			return 0;
		}
		if (rc < 0 || c->name)
			return -1;
		error_clear(); /* a made-up name that is taken: make up another */
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
		now.bound_count = rt->record.bound_count;
		memcpy(now.bound, rt->record.bound, rt->record.bound_count * sizeof(rt->record.bound[0]));
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

/* --- create ------------------------------------------------------------------------------- */

/* The container has ended for good (or never started): its root unmounted, the exit recorded,
 * the cgroup and (--rm) the container removed. Defined with the hooks, below. */
static int finish(struct runtime *rt, int code);

static struct runtime *runtime_new(struct runtime_spec *spec, const struct runtime_rootfs *rootfs)
{
	struct runtime *rt = calloc(1, sizeof(*rt));
	if (!rt) {
		fail_errno(ENOMEM, "cannot create a container");
		return NULL;
	}
	rt->spec = spec;
	if (rootfs)
		rt->rootfs = *rootfs;
	rt->report = -1;
	rt->folder = -1;
	return rt;
}

/* The rootfs of a later chapter, then chapter 02's checks. Returns 0 or the exit code. */
static int prepare(struct runtime *rt)
{
	struct container *c = &rt->spec->container;
	if (rt->rootfs.mount) {
		if (rt->rootfs.mount(rt->rootfs.ctx, rt->spec) < 0)
			return EXIT_TINYDOCK_FAILED;
		rt->rootfs_mounted = true;
	}
	return container_prepare(c);
}

/* Undo a create that failed, keeping its message (the first failure is the one to report). */
static int undo_create(struct runtime *rt, int code)
{
	struct error_saved first;
	error_save(&first);
	error_clear();
	if (finish(rt, code) < 0)
		error_defer(); /* a clean-up step failed too: said after the first (error.h) */
	error_restore(&first);
	free(rt);
	return code;
}

int runtime_create(struct runtime_spec *spec, const struct runtime_rootfs *rootfs, struct runtime **out)
{
	struct container *c = &spec->container;
	if (cgroup_limits_check(&spec->limits, sysconf(_SC_NPROCESSORS_ONLN)) < 0)
		return EXIT_TINYDOCK_FAILED;
	if (c->remove && spec->restart_given && spec->restart.mode != RESTART_NO) {
		fail_errno(0, "conflicting options: cannot specify both --restart and --rm");
		return EXIT_TINYDOCK_FAILED;
	}
	if (health_config_check(&spec->health) < 0 || container_identify(c) < 0)
		return EXIT_TINYDOCK_FAILED;
	struct runtime *rt = runtime_new(spec, rootfs);
	if (!rt)
		return EXIT_TINYDOCK_FAILED;
	if (record_new(rt) == 0) {
		rt->recorded = true;
	} else if (geteuid() == 0 || error_errno() != EACCES || spec->detach || spec->restart.mode != RESTART_NO) {
		container_record_free(&rt->record);
		free(rt);
		return EXIT_TINYDOCK_FAILED;
	} else {
		/* A user without root, and without a state folder of their own, can still run a
		 * foreground container (rootless, chapter 02); only what needs a record cannot be. */
		explain(CHAPTER, "not recorded (%s): a foreground run needs no record", error_message());
		error_clear();
	}
	int code = prepare(rt);
	if (code != 0)
		return undo_create(rt, code);
	*out = rt;
	return 0;
}

int runtime_open(struct runtime_spec *spec, const struct runtime_rootfs *rootfs, struct runtime **out)
{
	struct runtime *rt = runtime_new(spec, rootfs);
	if (!rt)
		return EXIT_TINYDOCK_FAILED;
	if (container_record_load(spec->container.id, &rt->record) < 0) {
		free(rt);
		return EXIT_TINYDOCK_FAILED;
	}
	rt->recorded = true;
	container_live_clear(spec->container.id); /* a `stop` of the last run must not stop this one */
	if (container_identify(&spec->container) < 0) {
		container_record_free(&rt->record);
		free(rt);
		return EXIT_TINYDOCK_FAILED;
	}
	int code = prepare(rt);
	if (code != 0)
		return undo_create(rt, code);
	*out = rt;
	return 0;
}

const char *runtime_id(const struct runtime *rt)
{
	return rt->spec->container.id;
}

/* --- the hooks of chapter 02's run ---------------------------------------------------------- */

/* Before the clone: the container's cgroup, made with its limits and device rules, and its v2
 * folder opened for the first process to be born in (chapter 02's clone3, CLONE_INTO_CGROUP).
 * Made before the process exists, the cgroup is ready and empty when it arrives: nothing of the
 * container runs anywhere else. */
static int make_cgroup(void *ctx, struct container *c, int *folder)
{
	struct runtime *rt = ctx;
	*folder = -1;
	/* Without root there is no cgroup to make (unless the user was delegated one); no limits
	 * asked means nothing is lost. */
	if (geteuid() != 0 && !cgroup_limits_any(&rt->spec->limits)) {
		explain(CHAPTER, "not root: no cgroup for container %.12s", c->id);
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
	if (cgroup_create(&layout, CGROUP_DEFAULT_PARENT, c->id, &rt->spec->limits, &rt->cgroup) < 0)
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
	if (rt->cgroup.layout.mode != CGROUP_V2) {
		/* v1 trees (hybrid): the first move waits for a grace period, so a helper starts that
		 * wait now, nothing of the cgroup being left to do (cgroup_warm.c). The child is then
		 * cloned without CLONE_INTO_CGROUP, which takes cgroup_mutex and so would wait behind
		 * the helper, and joins every tree, the v2 one too, at SYNC_GO (join_cgroup). */
		cgroup_warm_finish(&rt->cgroup_warm); /* a run before this one that ended before SYNC_GO */
		rt->cgroup_warm = cgroup_warm_start(&rt->cgroup.layout);
		return 0;
	}
	if (cgroup_open_folder(&rt->cgroup, &rt->folder) < 0)
		return -1;
	*folder = rt->folder;
	return 0;
}

/* The folder given to clone3 has done its work once the child exists (or never will). */
static void close_folder(struct runtime *rt)
{
	if (rt->folder >= 0)
		close(rt->folder);
	rt->folder = -1;
}

/* At SYNC_CGROUP, the child waiting. On a v2 tree it was born in its cgroup, or moves now. A
 * tree of v1 makes the first move wait an RCU grace period (cgroup_warm.c), so there a helper
 * started that wait before the clone (make_cgroup) and the moves themselves come at SYNC_GO
 * (move_into_v1 below): the wait runs while the child is cloned, the network is plugged in and
 * the child mounts its filesystems, none of which needs the cgroup. The child runs nothing of
 * the user's before SYNC_GO, and by then it is in every tree: each limit and device rule holds
 * from the command's first instruction. */
static int join_cgroup(void *ctx, struct container *c, pid_t pid, bool born_in_folder)
{
	struct runtime *rt = ctx;
	(void)c;
	close_folder(rt);
	if (!rt->in_cgroup)
		return 0;
	if (rt->cgroup.layout.mode == CGROUP_V2) {
		if (!born_in_folder)
			return cgroup_attach(&rt->cgroup, pid);
		explain(CHAPTER, "%d was born in %s (CLONE_INTO_CGROUP)", (int)pid, rt->cgroup.v2);
		return 0;
	}
	explain(CHAPTER, "%d: every tree takes its pid at %s, once the grace period begun before the clone is over",
		(int)pid, sync_step_name(SYNC_GO));
	rt->v1_pending = true;
	rt->born_in_folder = born_in_folder;
	return 0;
}

/* Just before SYNC_GO: the moves join_cgroup left for now, then the helper is reaped (its wait
 * was the one just over). */
static int move_into_v1(struct runtime *rt, pid_t pid)
{
	if (!rt->v1_pending)
		return 0;
	rt->v1_pending = false;
	int rc = rt->born_in_folder ? cgroup_attach_v1(&rt->cgroup, pid) : cgroup_attach(&rt->cgroup, pid);
	cgroup_warm_finish(&rt->cgroup_warm);
	return rc;
}

/* Just before SYNC_GO: the record says "running" (with the live state), and the init joins
 * the v1 trees: after the record's writes, which so run inside the grace period's wait. */
static int started(void *ctx, struct container *c, pid_t pid)
{
	struct runtime *rt = ctx;
	if (!rt->recorded)
		return move_into_v1(rt, pid);
	clock_gettime(CLOCK_MONOTONIC, &rt->run_began);
	rt->record.started_at = timestamp_now();
	snprintf(rt->record.status, sizeof(rt->record.status), "running");
	/* The proxy has bound the published ports by now; `-p 80` asked the kernel for a free host
	 * port, and the record must say which one it chose (NetworkSettings.Ports: what `port` and
	 * `ps` show), keeping the binding as asked for the next start (container-spec.c). */
	rt->record.bound_count = c->port_count;
	memcpy(rt->record.bound, c->ports, c->port_count * sizeof(c->ports[0]));
	if (save_live(rt, pid, false) < 0 || save_state(rt) < 0)
		return -1;
	rt->running = true;
	if (move_into_v1(rt, pid) < 0)
		return -1;
	explain(CHAPTER, "container %.12s running: init is %d, state in %s/containers/%.12s...", c->id, (int)pid,
		state_run(), c->id);
	/* Its HEALTHCHECK runs in a child of ours (health-check.c), so that no check holds up
	 * this process's loop (signals, the terminal, `stop`); "starting" is written before
	 * `run -d` returns. */
	if (health_config_enabled(&rt->spec->health) &&
	    health_checker_start(&rt->record, &rt->spec->health, pid, rt->record.started_at, &rt->health_checker) < 0)
		return -1;
	if (rt->report >= 0) {
		container_log_report(&rt->log, 's');
		rt->report = -1;
	}
	return 0;
}

/* The container's init has exited with code: what the record must say, and the cgroup goes. */
static void record_exit(struct runtime *rt, int code)
{
	close_folder(rt);
	health_checker_stop(&rt->health_checker); /* its check is in the cgroup too */
	if (rt->in_cgroup) {
		int64_t kills = 0;
		rt->record.oom_killed = cgroup_oom_kills(&rt->cgroup, &kills) == 0 && kills > 0;
		error_clear();
		explain(CHAPTER, "the out-of-memory killer killed %lld process(es) in the cgroup", (long long)kills);
		if (cgroup_remove(&rt->cgroup) < 0) {
			/* Kept: the record stays (even with --rm) so that `rm` can remove it later. */
			fail_context("container %.12s", rt->record.id);
			error_defer();
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

/* After init exited with code: record it; true when the restart policy starts it again. */
static bool again(struct runtime *rt, int code)
{
	if (!rt->recorded)
		return false;
	const char *id = rt->record.id;
	record_exit(rt, code);
	bool stopped = container_is_stopping(id);
	/* The end: finish() records the exit, once. (A second save here cost `stop` two fsyncs,
	 * for a record no one reads before finish() has saved it again: until the live state is
	 * cleared, after that save, `ps` and `inspect` show the container running anyway.) */
	if (!restart_wanted(&rt->spec->restart, code, rt->record.restart_count, stopped))
		return false;
	int64_t delay = restart_delay_ms(rt->record.restart_count, ms_since(&rt->run_began));
	snprintf(rt->record.status, sizeof(rt->record.status), "restarting");
	if (save_live(rt, 0, true) < 0 || save_state(rt) < 0)
		error_defer(); /* the restart goes on; the record catches up at the next save */
	explain(CHAPTER, "restart policy %s: exit code %d, restart %d in %lld ms",
		restart_policy_name(rt->spec->restart.mode), code, rt->record.restart_count + 1, (long long)delay);
	if (!delay_unless_stopped(id, delay)) {
		snprintf(rt->record.status, sizeof(rt->record.status), "exited");
		save_state(rt);
		return false;
	}
	rt->record.restart_count++;
	return true;
}

static int finish(struct runtime *rt, int code)
{
	struct container *c = &rt->spec->container;
	int rc = 0;
	/* The root first (chapter 04: unmounted; with --rm its folders go too), then the record. */
	close_folder(rt);
	rt->v1_pending = false;
	cgroup_warm_finish(&rt->cgroup_warm); /* a start that failed before SYNC_GO */
	if (rt->rootfs_mounted) {
		rc = rt->rootfs.unmount(rt->rootfs.ctx, rt->spec);
		rt->rootfs_mounted = false;
	}
	if (!rt->recorded)
		return rc;
	char first[1024];
	snprintf(first, sizeof(first), "%s", error_message());
	record_exit(rt, code);
	if (rt->record.started_at == 0)
		rt->record.exit_code = code; /* never started: "Created", with the reason's code */
	bool remove = c->remove && !rt->cgroup_left; /* never lose the only trace of a cgroup */
	if (!remove && save_state(rt) < 0) {
		fail_context("cannot record the exit of container %.12s", c->id);
		error_defer();
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
	rt->recorded = false;
	if (rc < 0)
		fail_errno(0, "%s", first); /* the unmount's message, kept through the steps after it */
	else
		error_clear();
	return rc;
}

/* --- start, wait -------------------------------------------------------------------------- */

/* The container's output into its log (container-log.h), for a monitor (-d: report is the
 * socket to the waiting CLI) or a foreground run (echo: the user's terminal still shows it). */
static int start_log(struct runtime *rt, int report, bool echo)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	container_dir(rt->record.id, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/container.log", dir);
	/* --explain lines go to stderr, that is into the log from now on. */
	/* -a/--attach names the streams the terminal shows (no -a: both); the log keeps both. */
	unsigned attach = rt->spec->container.attach ? rt->spec->container.attach : ATTACH_STDOUT | ATTACH_STDERR;
	if (container_log_start(&rt->log, path, report, echo ? attach & (ATTACH_STDOUT | ATTACH_STDERR) : 0) < 0)
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

/* A failure of ours while the container ran belongs in its log, as a line of its own: stderr
 * is the log's pipe while the container runs (container-log.h), so `logs` keeps it, the
 * foreground run echoes it to the terminal, and a monitor relays it to the CLI that waits
 * for the container to start. */
static void log_failure(void)
{
	fprintf(stderr, "tinydock: %s\n", error_message());
	error_clear();
}

/* Run the container until it ends for good (restarts included), then clean up after it.
 * Returns its exit code. A failure of ours goes into the container's log; one of the clean-up
 * is deferred (error.h) for the top of the process to say: the command, or the monitor. */
static int run_to_the_end(struct runtime *rt)
{
	struct container_hooks hooks = { .ctx = rt, .cgroup_folder = make_cgroup, .cgroup = join_cgroup,
					 .started = started };
	int code = EXIT_TINYDOCK_FAILED;
	/* The restart policy starts the container again from here, as many times as it says; the
	 * rootfs and the record stay as they are. */
	int rc;
	while ((rc = container_run(&rt->spec->container, &hooks, &code)) == 0 && again(rt, code))
		;
	if (rc < 0) {
		fail_context("run");
		log_failure();
	}
	if (finish(rt, code) < 0)
		error_defer(); /* a clean-up step failed: said, and the code is kept */
	return code;
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

int runtime_start(struct runtime *rt)
{
	if (!rt->spec->detach) {
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
		/* The monitor: it runs the container to the end and exits; it never returns. */
		close(sock[0]);
		int code = EXIT_TINYDOCK_FAILED;
		if (become_monitor(rt, sock[1]) == 0) {
			code = run_to_the_end(rt);
		} else {
			fail_context("run"); /* on the CLI's stderr, still ours */
			error_defer();
			if (finish(rt, code) < 0)
				error_defer();
		}
		/* The monitor is the top of its own process: it says what it deferred (error.h). */
		error_report_deferred();
		fflush(NULL);
		_exit(code);
	}
	close(sock[1]);
	explain(CHAPTER, "fork() = %d (the monitor of %.12s)", (int)pid, runtime_id(rt));
	rt->monitor = pid;
	/* What was made is the monitor's from now on: this process lets go of it. */
	rt->rootfs_mounted = false;
	int verdict = wait_for_monitor(sock[0]);
	close(sock[0]);
	return verdict == 's' ? 0 : verdict ? 1 : -1;
}

int runtime_wait(struct runtime *rt)
{
	if (!rt->spec->detach)
		return run_to_the_end(rt);
	int status;
	while (waitpid(rt->monitor, &status, 0) < 0)
		if (errno != EINTR) {
			fail_sys("cannot wait for the monitor %d", (int)rt->monitor);
			return EXIT_TINYDOCK_FAILED;
		}
	rt->monitor = 0;
	return exit_code_for_wait_status(status);
}

void runtime_free(struct runtime *rt)
{
	if (!rt)
		return;
	container_record_free(&rt->record);
	free(rt);
}

/* --- run ------------------------------------------------------------------------------------ */

/* `create`: the container is recorded ("created") and its root made (chapter 04: its writable
 * layer); the root is unmounted again, as after a run that ended, for `start` to mount. Its
 * layer stays even with --rm, which removes a container once it has run. 0, or -1. */
static int leave_created(struct runtime *rt)
{
	struct container *c = &rt->spec->container;
	int rc = 0;
	if (rt->rootfs_mounted) {
		bool remove = c->remove;
		c->remove = false;
		rc = rt->rootfs.unmount(rt->rootfs.ctx, rt->spec);
		c->remove = remove;
		rt->rootfs_mounted = false;
	}
	return rc;
}

int runtime_run(struct runtime_spec *spec, const struct runtime_rootfs *rootfs)
{
	struct runtime *rt;
	const char *command = spec->create_only ? "create" : "run";
	int code = runtime_create(spec, rootfs, &rt);
	if (code != 0) {
		fail_context("%s", command);
		return error_report(code);
	}
	if (spec->create_only) {
		if (!rt->recorded) {
			fail_errno(EACCES, "create: a container that is not recorded cannot be started later");
			return error_report(undo_create(rt, EXIT_TINYDOCK_FAILED));
		}
		code = leave_created(rt) < 0 ? command_failed(command) : 0;
		if (code == 0)
			printf("%s\n", runtime_id(rt));
		runtime_free(rt);
		return code;
	}
	int started = runtime_start(rt);
	if (started != 0) {
		code = EXIT_TINYDOCK_FAILED;
		if (started < 0) {
			fail_context("run");
			error_report(code);
			error_clear();
		}
		/* Without a monitor, what create made is still ours to undo. */
		if (!rt->monitor && finish(rt, code) < 0)
			error_report(code);
	} else if (spec->detach) {
		printf("%s\n", runtime_id(rt));
		fflush(stdout);
		code = 0;
	} else {
		code = runtime_wait(rt);
	}
	runtime_free(rt);
	return code;
}

int runtime_run_detached(struct runtime_spec *spec, const struct runtime_rootfs *rootfs)
{
	spec->detach = true;
	struct runtime *rt;
	if (runtime_create(spec, rootfs, &rt) != 0)
		return -1;
	int started = runtime_start(rt);
	if (started > 0)
		fail_errno(0, "container %.12s failed to start (its monitor said why above)", runtime_id(rt));
	if (started != 0 && !rt->monitor) {
		/* Without a monitor, what create made is still ours to undo. */
		struct error_saved first;
		error_save(&first);
		finish(rt, EXIT_TINYDOCK_FAILED);
		error_restore(&first);
	}
	runtime_free(rt);
	return started == 0 ? 0 : -1;
}

int runtime_cmd_run(int argc, char **argv)
{
	const struct run_flags *flags[] = { &runtime_flags };
	if (asks_for_help(argc, argv))
		return print_run_help(flags, 1);
	struct runtime_spec *spec = calloc(1, sizeof(*spec)); /* large: on the heap */
	if (!spec) {
		fail_errno(ENOMEM, "run");
		return error_report(EXIT_TINYDOCK_FAILED);
	}
	int code = runtime_parse(argc, argv, spec, NULL, 0) < 0 ? usage_error("run", "%s", error_message())
								   : runtime_run(spec, NULL);
	free(spec);
	return code;
}

int runtime_start_again(struct runtime_spec *spec, const struct runtime_rootfs *rootfs)
{
	struct runtime *rt;
	if (runtime_open(spec, rootfs, &rt) != 0)
		return fail_context("failed to start container %.12s", spec->container.id);
	int rc = runtime_start(rt);
	runtime_free(rt);
	if (rc != 0) /* the monitor's lines, relayed to our stderr, said why */
		return fail_errno(0, "failed to start container %.12s", spec->container.id);
	return 0;
}

int runtime_start_recorded(const struct container_record *r)
{
	struct runtime_spec *spec = calloc(1, sizeof(*spec)); /* large: on the heap */
	if (!spec)
		return fail_errno(ENOMEM, "cannot start container %.12s", r->id);
	runtime_spec_read(r, spec);
	spec->detach = true;
	int rc = runtime_start_again(spec, NULL);
	free(spec);
	return rc;
}
