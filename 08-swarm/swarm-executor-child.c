/*
 * swarm-executor-child.c - a task started, or stopped, in a child process of the node
 * (swarm-executor-child.h).
 *
 * The start, top to bottom, as the task's states name its steps:
 *
 *   PREPARING   the image: in the store (or busybox, made from the host's), else pulled from
 *               the registry its name gives (chapter 05's image_pull), one pull at a time on
 *               this node so that three tasks of a new image fetch it once
 *   STARTING    the container: the task's spec (swarm-task-spec.h) created and started under
 *               its monitor as `run -d` does (chapter 06's volume_run_detached)
 *   RUNNING     its record read back: the host port the kernel chose for each target port
 */
#include "swarm-executor-child.h"

#include "container-store.h"
#include "error.h"
#include "explain.h"
#include "files.h"
#include "image-base.h"
#include "registry-commands.h"
#include "runtime.h"
#include "swarm-executor.h"
#include "swarm-task-spec.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char CHAPTER[] = "08-swarm";

/* A note is one atomic write (pipe(7)). */
_Static_assert(sizeof(struct swarm_executor_note) <= PIPE_BUF, "a note must fit one atomic pipe write");

/* The note pipe's write end in the child. */
#define NOTES_FD 3

/* How long a start waits for another task's pull of the same node to finish. */
#define PULL_LOCK_TIMEOUT_MS 300000

static void note(uint64_t task, enum swarm_task_state state, const char *message)
{
	struct swarm_executor_note n = { .task = task, .state = state };
	snprintf(n.message, sizeof(n.message), "%s", message);
	/* The node reads it or has gone; either way there is nothing more to do about it. */
	if (write(NOTES_FD, &n, sizeof(n)) < 0)
		return;
}

/* --- the child's clean start ------------------------------------------------------------------ */

/* Every signal back to its default and unblocked (the node may block some for a signalfd, or
 * ignore SIGPIPE; both would be inherited by the container's processes). */
static void reset_signals(void)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
}

/* The child dies with the node (prctl(2), PR_SET_PDEATHSIG): a node process that restarts
 * adopts the containers it finds, and a start still under way from its previous life would
 * make one after that look, which nobody would watch. A container's monitor, forked from the
 * child, does not inherit this (fork(2) clears it): containers outlive their node. Then stdin
 * and stdout on /dev/null, the note pipe on NOTES_FD (close-on-exec), and every other file
 * descriptor of the node closed (close_range(2), Linux 5.9; a loop before it). */
static int become_child(int notes, pid_t node)
{
	reset_signals();
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return fail_sys("prctl(PR_SET_PDEATHSIG)");
	if (getppid() != node)
		return fail_errno(0, "the node exited before its child began"); /* before the prctl */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0)
		return fail_sys("cannot put /dev/null on the executor child's stdin and stdout");
	if (notes != NOTES_FD && dup3(notes, NOTES_FD, O_CLOEXEC) < 0)
		return fail_sys("cannot move the executor child's note pipe");
	if (notes == NOTES_FD && fcntl(NOTES_FD, F_SETFD, FD_CLOEXEC) < 0)
		return fail_sys("cannot make the note pipe close-on-exec");
	if (syscall(SYS_close_range, NOTES_FD + 1, ~0U, 0) < 0) {
		long max = sysconf(_SC_OPEN_MAX);
		for (int fd = NOTES_FD + 1; fd < (max > 0 ? max : 1024); fd++)
			close(fd);
	}
	return 0;
}

/* Fork a child that runs work(ctx) once it is clean, and exits. */
static int fork_child(int (*work)(const void *ctx), const void *ctx, const char *what,
		      struct swarm_executor_child *out)
{
	*out = (struct swarm_executor_child){ .notes = -1, .exited = -1 };
	int pipe_fds[2];
	if (pipe2(pipe_fds, O_CLOEXEC) < 0)
		return fail_sys("cannot make a pipe to %s", what);
	fflush(NULL); /* nothing buffered here may be written twice, by the child too */
	pid_t node = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		close(pipe_fds[0]);
		close(pipe_fds[1]);
		return fail_sys("cannot fork to %s", what);
	}
	if (pid == 0) {
		close(pipe_fds[0]);
		int code = become_child(pipe_fds[1], node) == 0 && work(ctx) == 0 ? 0 : 1;
		if (code)
			fprintf(stderr, "tinydock: %s: %s\n", what, error_message());
		error_report_deferred();
		_exit(code);
	}
	close(pipe_fds[1]);
	explain(CHAPTER, "fork() = %d (to %s)", (int)pid, what);
	out->pid = pid;
	out->notes = pipe_fds[0];
	if (fcntl(out->notes, F_SETFL, O_NONBLOCK) < 0) {
		/* a blocking read would stall the node: take no risk, wait for the child here */
		fail_sys("cannot make the pipe to %s non-blocking", what);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		swarm_executor_child_close(out);
		return -1;
	}
	/* An unreaped child keeps its pid, so this fd is surely the child's. */
	out->exited = (int)syscall(SYS_pidfd_open, pid, 0);
	return 0;
}

/* --- start ------------------------------------------------------------------------------------ */

struct start_work {
	const struct swarm_assignment *a;
	const char *node;
};

/* Is image in the store (busybox and scratch count: they are made here)? */
static bool image_here(const char *image)
{
	struct image_store store = { .gc_fd = -1 };
	struct image img = { 0 };
	bool here = image_store_open(&store) == 0 && image_resolve_or_base(&store, image, &img) == 0;
	if (here)
		image_free(&img);
	image_store_close(&store);
	error_clear();
	return here;
}

/* The image in the store, pulled when missing, under the node's pull lock (so that the
 * starts of three tasks of one image pull it once: the second and third find it here once
 * the lock is theirs). 0, or -1 with the reason recorded. */
static int ensure_image(const char *image)
{
	if (image_here(image))
		return 0;
	char folder[PATH_MAX], lock_path[PATH_MAX + 16];
	snprintf(folder, sizeof(folder), "%s/swarm", state_run());
	snprintf(lock_path, sizeof(lock_path), "%s/pull.lock", folder);
	if (make_dirs(folder, 0700) < 0)
		return -1;
	int lock = take_lock(lock_path, PULL_LOCK_TIMEOUT_MS);
	if (lock < 0)
		return -1;
	bool here = image_here(image);
	explain(CHAPTER, "image %s %s (holding %s)", image, here ? "pulled meanwhile by another task" : "not here: pulling it",
		lock_path);
	int rc = here ? 0 : image_pull(state_root(), image);
	close(lock);
	return rc;
}

/* Docker's words for an image neither here nor to be had: "No such image: busybox:1.36". */
static void no_such_image(uint64_t task, const char *image)
{
	char familiar[600], canonical[600], message[SWARM_MESSAGE_MAX];
	if (image_name_normalise(image, familiar, canonical) < 0)
		snprintf(familiar, sizeof(familiar), "%s", image);
	error_clear();
	snprintf(message, sizeof(message), "No such image: %s", familiar);
	note(task, SWARM_TASK_REJECTED, message);
}

/* A container that failed to start leaves its record ("created"), as Docker's does; a task's
 * is removed, since the swarm makes a new task (and container) rather than start it again. */
static void remove_leftover(const char *name)
{
	struct error_saved first;
	error_save(&first);
	char id[CONTAINER_ID_LENGTH + 1];
	if (container_resolve(name, id) == 0)
		container_remove(id, true);
	error_restore(&first);
}

/* The RUNNING note: the container's id, and the host port its record says each target port
 * got (NetworkSettings.Ports: the kernel's pick for a port asked as 0). */
static int running_note(uint64_t task, const char *id)
{
	struct container_record r;
	if (container_record_load(id, &r) < 0)
		return -1;
	struct swarm_executor_note n = { .task = task, .state = SWARM_TASK_RUNNING };
	snprintf(n.message, sizeof(n.message), "started");
	snprintf(n.container, sizeof(n.container), "%s", id);
	for (size_t i = 0; i < r.bound_count && n.endpoint_count < SWARM_MAX_ENDPOINTS; i++)
		n.endpoints[n.endpoint_count++] = (struct swarm_endpoint){
			.target = r.bound[i].container_port,
			.published = r.bound[i].host_port,
		};
	container_record_free(&r);
	if (write(NOTES_FD, &n, sizeof(n)) < 0)
		return fail_sys("cannot tell the node that task %" PRIu64 " runs", task);
	return 0;
}

static int start_task(const void *ctx)
{
	const struct start_work *w = ctx;
	const struct swarm_assignment *a = w->a;
	const char *image = a->spec->image;
	note(a->task, SWARM_TASK_PREPARING, "preparing");
	if (ensure_image(image) < 0) {
		/* the reason (an unreachable registry, no such tag) goes to the node's log */
		fprintf(stderr, "tinydock: task %" PRIu64 ": %s\n", a->task, error_message());
		no_such_image(a->task, image);
		return 0;
	}
	note(a->task, SWARM_TASK_STARTING, "starting");
	struct swarm_task_spec *spec = calloc(1, sizeof(*spec)); /* large: the mounts' paths */
	if (!spec)
		return fail_errno(ENOMEM, "task %" PRIu64, a->task);
	char message[SWARM_MESSAGE_MAX];
	int rc = 0;
	if (swarm_task_spec(a->record, a->spec, w->node, spec) < 0) {
		note(a->task, SWARM_TASK_REJECTED, error_message());
	} else if (volume_run_detached(&spec->spec) < 0) {
		snprintf(message, sizeof(message), "starting container failed: %s", error_message());
		remove_leftover(spec->name);
		note(a->task, SWARM_TASK_FAILED, message);
	} else {
		rc = running_note(a->task, spec->spec.image.runtime.container.id);
	}
	swarm_task_spec_free(spec);
	free(spec);
	return rc;
}

int swarm_executor_start_child(const struct swarm_assignment *a, const char *node_id, struct swarm_executor_child *out)
{
	char what[64];
	snprintf(what, sizeof(what), "start task %" PRIu64, a->task);
	struct start_work work = { a, node_id };
	return fork_child(start_task, &work, what, out);
}

/* --- stop ------------------------------------------------------------------------------------- */

struct stop_work {
	uint64_t task;
	const char *container;
};

static int stop_task(const void *ctx)
{
	const struct stop_work *w = ctx;
	if (container_stop(w->container, SIGTERM, SWARM_STOP_GRACE_SECONDS) < 0 ||
	    container_remove(w->container, true) < 0)
		return -1;
	note(w->task, SWARM_TASK_SHUTDOWN, "shutdown");
	return 0;
}

int swarm_executor_stop_child(uint64_t task, const char *container, struct swarm_executor_child *out)
{
	char what[64];
	snprintf(what, sizeof(what), "stop task %" PRIu64, task);
	struct stop_work work = { task, container };
	return fork_child(stop_task, &work, what, out);
}

/* --- the parent's side ------------------------------------------------------------------------ */

int swarm_executor_child_note(struct swarm_executor_child *child, struct swarm_executor_note *note)
{
	if (child->notes < 0)
		return 0;
	ssize_t n;
	while ((n = read(child->notes, note, sizeof(*note))) < 0 && errno == EINTR)
		;
	return n == (ssize_t)sizeof(*note) ? 1 : 0; /* whole notes only: they are written whole */
}

bool swarm_executor_child_done(struct swarm_executor_child *child)
{
	if (child->pid <= 0)
		return true;
	int status;
	pid_t got;
	while ((got = waitpid(child->pid, &status, WNOHANG)) < 0 && errno == EINTR)
		;
	if (got == 0)
		return false;
	child->pid = 0; /* reaped (or, ECHILD, reaped by someone else: gone all the same) */
	return true;
}

void swarm_executor_child_close(struct swarm_executor_child *child)
{
	if (child->notes >= 0)
		close(child->notes);
	if (child->exited >= 0)
		close(child->exited);
	child->notes = child->exited = -1;
}
