/*
 * health-check.c - the health checker: who runs a container's HEALTHCHECK, and how.
 *
 * Docker's daemon runs the check itself: for each check, dockerd asks containerd to exec the
 * command in the container (the same path as `docker exec`), reads its output, and kills it
 * when it takes longer than the timeout (moby, daemon/health.go). tinydock has no daemon; the
 * one process that stays beside a container is its monitor (runtime.c), and the monitor's
 * loop is chapter 02's wait for the container (passing signals on, relaying the terminal).
 * A check that blocked that loop for its whole timeout would hold back `stop`. So the monitor
 * forks a checker, a child of its own, when the container starts, and stops it when the
 * container ends:
 *
 *   monitor --fork--> checker (this file): every Interval, one check:
 *                        fork --> E: its own process group; joins the container as `exec`
 *                                 does (container_exec_run: cgroup, namespaces, root), then
 *                                 forks the command there and waits for it
 *                        read E's output (stdout and stderr, one pipe), and wait for E, its
 *                        exit code, a timeout (then kill(-E, SIGKILL): E, the command and
 *                        whatever the command started, all in E's process group), or the
 *                        monitor's SIGTERM (the container has ended: the same, then exit)
 *                        -> health_record (health.c), health.json written atomically
 *
 * The schedule is Docker's: the first check an Interval after the start, the next an Interval
 * after the previous one ended. Nothing here decides what a result means: that is health.c.
 *
 * What the checker inherits from the monitor is closed first (the published ports' sockets,
 * the sync socket, the report to `run -d`): only stderr stays, the container's log, where
 * --explain lines go. The monitor may have a thread (the port proxy's) when it forks; only the
 * forking thread goes on in the child (fork(2)), so the checker uses only what glibc keeps
 * usable in a child of a threaded process (malloc; stdio for --explain and errors). If the monitor dies, PR_SET_PDEATHSIG ends the checker (prctl(2)); if
 * the checker dies, the same ends a check under way.
 */
#include "health-check.h"
#include "container-exec.h"
#include "container-store.h"
#include "duration.h"
#include "error.h"
#include "exec.h"
#include "explain.h"
#include "files.h"
#include "json.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char CHAPTER[] = "03-cgroups";

/* --- health.json ---------------------------------------------------------------------------- */

static void health_path(const char *id, char *out, size_t size)
{
	char dir[PATH_MAX];
	container_run_dir(id, dir, sizeof(dir));
	snprintf(out, size, "%s/health.json", dir);
}

static int health_save(const char *id, const struct health_state *s)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	container_run_dir(id, dir, sizeof(dir));
	if (make_dirs(dir, 0700) < 0)
		return -1;
	health_path(id, path, sizeof(path));
	struct json *doc = health_state_to_json(s);
	size_t length;
	char *text = doc ? json_write(doc, 0, &length) : NULL;
	json_free(doc);
	if (!text)
		return fail_context("cannot write \"%s\"", path);
	/* Atomic (a temporary file renamed over it): `ps` never reads half a state. */
	int rc = write_file_atomic(path, text, length, 0600);
	free(text);
	return rc;
}

int health_load(const char *id, struct health_state *s)
{
	char path[PATH_MAX + 16];
	health_path(id, path, sizeof(path));
	if (access(path, F_OK) < 0)
		return 1;
	struct json *doc = json_parse_file(path);
	if (!doc)
		return -1;
	health_state_from_json(doc, s);
	json_free(doc);
	return 0;
}

/* --- one check ------------------------------------------------------------------------------ */

/* Everything the checker knows: copies of the monitor's, made by fork(). */
struct checker {
	struct container_record record;
	struct health_config config;
	const char *argv[HEALTH_TEST_MAX + 3];
	pid_t init;
	timestamp_ns started_at;
	int signals; /* signalfd: SIGTERM (stop), SIGCHLD (the check's process ended) */
	struct health_state state;
	struct health_result result; /* the check under way */
};

static int64_t monotonic_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* In E, the check's process: a process group of its own (so that a timeout kills all that the
 * check started), its output into the pipe, then into the container. Never returns. */
static noreturn void check_process(const struct checker *k, int output, pid_t checker)
{
	setpgid(0, 0);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != checker)
		_exit(EXIT_TINYDOCK_FAILED);
	explain_enable(false); /* what it writes is the check's output, shown by `inspect` */
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(output, STDOUT_FILENO) < 0 ||
	    dup2(output, STDERR_FILENO) < 0)
		_exit(EXIT_TINYDOCK_FAILED);
	int code = container_exec_run(&k->record, k->init, (char *const *)k->argv);
	if (code < 0) {
		fail_context("exec");
		code = error_report(EXIT_TINYDOCK_FAILED);
	}
	fflush(NULL);
	_exit(code);
}

/* Read what the check wrote; false once the pipe is closed (or broken). */
static bool read_output(int fd, struct health_result *r)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));
	if (n > 0)
		health_output_append(r, buf, (size_t)n);
	return n > 0 || (n < 0 && (errno == EINTR || errno == EAGAIN));
}

/* Collect every child that has ended: E, and the orphans of a killed check (see checker_main).
 * True when E was one of them, with its status. */
static bool reap(pid_t e, int *status)
{
	bool found = false;
	int st;
	pid_t pid;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		if (pid == e) {
			found = true;
			*status = st;
		}
	return found;
}

/* Kill the check's process group and collect E. */
static void kill_check(pid_t e)
{
	kill(-e, SIGKILL);
	while (waitpid(e, NULL, 0) < 0 && errno == EINTR)
		;
	int ignored;
	reap(0, &ignored);
}

/* Run one check into *r. Returns 0, or 1 when the monitor asked us to stop (the check killed). */
static int run_check(struct checker *k, struct health_result *r)
{
	memset(r, 0, sizeof(*r));
	r->start = timestamp_now();
	int64_t timeout = health_timeout(&k->config.timing);
	int64_t deadline = monotonic_ms() + (timeout + 999999) / 1000000;
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		fail_sys("cannot make a pipe for the health check");
		goto failed;
	}
	fflush(NULL);
	pid_t checker = getpid(), e = fork();
	if (e == 0)
		check_process(k, pipefd[1], checker);
	close(pipefd[1]);
	if (e < 0) {
		close(pipefd[0]);
		fail_sys("cannot fork the health check");
		goto failed;
	}
	setpgid(e, e); /* also here: kill(-e) must work even before E has run at all */
	int output = pipefd[0], status = 0, stop = 0;
	bool exited = false, timed_out = false;
	while (!exited && !stop && !timed_out) {
		struct pollfd fds[2] = { { k->signals, POLLIN, 0 }, { output, POLLIN, 0 } };
		int64_t left = deadline - monotonic_ms();
		if (left <= 0) {
			timed_out = true;
			break;
		}
		if (poll(fds, output >= 0 ? 2 : 1, (int)(left < 60000 ? left : 60000)) < 0 && errno != EINTR)
			break;
		if (output >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) && !read_output(output, r)) {
			close(output);
			output = -1;
		}
		if (fds[0].revents & POLLIN) {
			struct signalfd_siginfo info;
			if (read(k->signals, &info, sizeof(info)) == (ssize_t)sizeof(info) && info.ssi_signo == SIGTERM)
				stop = 1;
		}
		exited = reap(e, &status);
	}
	if (!exited)
		kill_check(e);
	if (output >= 0) {
		/* What is left in the pipe; a process the check left running in the background
		 * may hold it open, so never wait for the end of it. */
		fcntl(output, F_SETFL, O_NONBLOCK);
		char buf[4096];
		ssize_t n;
		while ((n = read(output, buf, sizeof(buf))) > 0)
			health_output_append(r, buf, (size_t)n);
		close(output);
	}
	r->end = timestamp_now();
	if (timed_out) {
		health_timed_out(r, timeout);
	} else {
		r->exit_code = exited ? exit_code_for_wait_status(status) : -1;
		health_output_finish(r);
	}
	return stop;
failed:
	/* Docker's words for a check that could not run: exit code -1, the reason as its output. */
	r->exit_code = -1;
	health_output_append(r, error_message(), strlen(error_message()));
	error_clear();
	r->end = timestamp_now();
	return 0;
}

/* --- the checker ---------------------------------------------------------------------------- */

/* Wait until the monotonic time due (ms), or a SIGTERM: true when it is time, false to stop. */
static bool wait_until(const struct checker *k, int64_t due)
{
	for (;;) {
		int64_t left = due - monotonic_ms();
		if (left <= 0)
			return true;
		struct pollfd fd = { k->signals, POLLIN, 0 };
		if (poll(&fd, 1, (int)(left < 60000 ? left : 60000)) > 0) {
			struct signalfd_siginfo info;
			if (read(k->signals, &info, sizeof(info)) == (ssize_t)sizeof(info) && info.ssi_signo == SIGTERM)
				return false;
			int ignored;
			reap(0, &ignored); /* a killed check's orphans, ending now */
		}
	}
}

static noreturn void checker_main(struct checker *k, pid_t monitor)
{
	/* Ended with the monitor, even a SIGKILLed one (prctl(2): the signal comes when the
	 * parent dies; checking the parent afterwards closes the race with a death before it). */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != monitor)
		_exit(0);
	/* A check killed at its timeout leaves orphans: the command E forked inside the container
	 * dies with E, but after it. An orphan goes to the nearest "child subreaper" above it, else
	 * to the init of its dead parent's PID namespace, here the host's (prctl(2),
	 * PR_SET_CHILD_SUBREAPER): a zombie of the container's namespace that the host's init
	 * reaps when it gets to it, and the kernel does not let the container's namespace end
	 * before it is reaped (pid_namespaces(7)): `stop` waited a second for it. As a subreaper,
	 * the checker gets them, and reaps them at once (reap). */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		_exit(EXIT_TINYDOCK_FAILED);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL); /* the monitor's mask stays blocked too (Ctrl-C is its) */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0 || close_range(3, ~0U, 0) < 0)
		_exit(EXIT_TINYDOCK_FAILED);
	k->signals = signalfd(-1, &set, SFD_CLOEXEC);
	if (k->signals < 0)
		_exit(EXIT_TINYDOCK_FAILED);
	int64_t interval_ms = (health_interval(&k->config.timing) + 999999) / 1000000;
	struct health_result *result = &k->result;
	const char *id = k->record.id;
	for (int64_t due = monotonic_ms() + interval_ms; wait_until(k, due); due = monotonic_ms() + interval_ms) {
		if (run_check(k, result))
			break;
		health_record(&k->state, &k->config.timing, k->started_at, result);
		explain(CHAPTER, "health check of %.12s: exit code %d in %lld ms: %s, failing streak %d", id,
			result->exit_code, (long long)((result->end - result->start) / 1000000),
			health_status_name(k->state.status), k->state.failing_streak);
		if (health_save(id, &k->state) < 0) {
			fail_context("health check of container %.12s", id);
			error_report(0);
			error_clear();
		}
	}
	_exit(0);
}

int health_checker_start(const struct container_record *r, const struct health_config *c, pid_t init,
			 timestamp_ns started_at, pid_t *checker)
{
	*checker = 0;
	struct checker *k = calloc(1, sizeof(*k));
	if (!k)
		return fail_errno(ENOMEM, "cannot start the health check of container %.12s", r->id);
	/* Shallow copies: the strings stay the caller's, and the child has its own copy of all. */
	k->record = *r;
	k->config = *c;
	k->init = init;
	k->started_at = started_at;
	health_command(&k->config, k->argv);
	/* As Docker at every start: "starting", no failures yet, the Log of earlier runs kept. */
	if (health_load(r->id, &k->state) < 0)
		error_clear(); /* unreadable: start afresh */
	health_begin(&k->state);
	char interval[DURATION_SIZE], timeout[DURATION_SIZE];
	duration_format(health_interval(&c->timing), interval);
	duration_format(health_timeout(&c->timing), timeout);
	int rc = health_save(r->id, &k->state);
	pid_t monitor = getpid();
	pid_t pid = rc < 0 ? -1 : fork();
	if (pid == 0)
		checker_main(k, monitor);
	free(k);
	if (rc < 0)
		return fail_context("cannot start the health check of container %.12s", r->id);
	if (pid < 0)
		return fail_sys("cannot fork the health checker of container %.12s", r->id);
	explain(CHAPTER, "fork() = %d: the health checker of %.12s (every %s, timeout %s, %d retries)", (int)pid,
		r->id, interval, timeout, health_retries(&c->timing));
	*checker = pid;
	return 0;
}

void health_checker_stop(pid_t *checker)
{
	if (*checker <= 0)
		return;
	kill(*checker, SIGTERM);
	while (waitpid(*checker, NULL, 0) < 0 && errno == EINTR)
		;
	*checker = 0;
}
