/*
 * container-exec.c - `tinydock exec`: run one more process inside a running container.
 *
 * A container is a set of namespaces, so entering one is joining them. The kernel
 * shows each namespace of a process as a file, /proc/PID/ns/{user,ipc,uts,net,pid,cgroup,mnt};
 * setns(2) on an open one moves the caller into it (namespaces(7)). So exec, like `nsenter`,
 * `runc exec` and `docker exec`, does:
 *
 *   0. become non-dumpable, and close every fd of our caller's (see protect_and_close)
 *   1. find the container's init (state.json) and open its namespace files and its root
 *      (/proc/PID/root), while the host's /proc is still what we see
 *   2. join its cgroup (cgroup.procs): limits, `stats` and the device rules (device-cgroup.c)
 *      cover the new process too, before it runs anything in the container
 *   3. setns() into each namespace, the user namespace first (it grants the rights for the
 *      others), the mount namespace last (after it, the host's /proc is gone)
 *   4. chroot into the container's root (the fd from step 1), close the fds of step 1, chdir to
 *      the working folder and check that it is inside the root (chroot.h)
 *   5. fork(): setns(CLONE_NEWPID) changes only where the CHILDREN are born (pid_namespaces(7)),
 *      so the command must be a child; it takes the user, the environment and the container's
 *      own capabilities, no_new_privs and seccomp filter (recorded by `run`: --cap-add,
 *      --cap-drop, --privileged, --security-opt; security.h), then execve()s. As `docker exec`
 *      does: an exec'd process must not hold more than the container's init was given (a
 *      --cap-drop ALL container stays powerless), nor less (--privileged means all of them).
 *      The user namespace needs no record: it is read from /proc/PID/ns/user, and the filter
 *      is built for it as `run` built it.
 *   6. the parent waits, relays the terminal under -t, and exits with the command's code.
 *
 * container_exec_run (container-exec.h) is steps 1-6 without the command line and without a
 * terminal, for a caller inside tinydock: the health checker (health-check.c) runs each check so.
 *
 * Next: container-stats.c.
 */
#include "container-exec.h"
#include "runtime.h"
#include "cgroup.h"
#include "chroot.h"
#include "cli.h"
#include "container-store.h"
#include "container.h"
#include "env-file.h"
#include "error.h"
#include "exec.h"
#include "explain.h"
#include "security.h"
#include "terminal.h"
#include "users.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char CHAPTER[] = "03-cgroups";

static const char help[] =
	"Usage:  tinydock exec [OPTIONS] CONTAINER COMMAND [ARG...]\n"
	"\n"
	"Run a command in a running container: join its namespaces (setns) and its cgroup.\n"
	"\n"
	"Options:\n"
	"  -d, --detach             Run the command in the background (its output is not kept)\n"
	"  -i, --interactive        Keep STDIN open\n"
	"  -t, --tty                Allocate a pseudo-TTY\n"
	"  -e, --env KEY=VALUE      Set an environment variable\n"
	"      --env-file FILE      Read environment variables from FILE (as run's; -e values win)\n"
	"  -w, --workdir DIR        Working directory inside the container\n"
	"  -u, --user USER[:GROUP]  Username or UID\n";

/* The namespaces of a container, in the order they are joined (see step 3). */
static const struct {
	const char *name;
	int type;
} namespaces[] = {
	{ "user", CLONE_NEWUSER }, { "ipc", CLONE_NEWIPC },       { "uts", CLONE_NEWUTS }, { "net", CLONE_NEWNET },
	{ "pid", CLONE_NEWPID },   { "cgroup", CLONE_NEWCGROUP }, { "mnt", CLONE_NEWNS },
};
#define NAMESPACE_COUNT (sizeof(namespaces) / sizeof(namespaces[0]))

struct exec_request {
	struct container c; /* what build_environment and users.c need: env, tty, user, hostname */
	const char *workdir;
	char **command;
	int report; /* -d: where the command's setup says why it failed (close-on-exec), else -1 */
};

/* True when /proc/PID/ns/NAME is a different namespace from ours (joining our own user
 * namespace again is refused with EINVAL, and the others would be no-ops). */
static bool differs(pid_t pid, const char *name)
{
	char theirs[64], ours[64];
	struct stat a, b;
	snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", (int)pid, name);
	snprintf(ours, sizeof(ours), "/proc/self/ns/%s", name);
	if (stat(theirs, &a) < 0 || stat(ours, &b) < 0)
		return false;
	return a.st_ino != b.st_ino || a.st_dev != b.st_dev;
}

/* Step 0. We are about to join the container while still the host's tinydock, and our child,
 * born in its PID namespace, stays so until its execve: a dumpable process there could be opened
 * through /proc/PID by the container's processes of the same uid, its exe (the host's binary:
 * CVE-2019-5736), its fds and its memory, or ptrace'd (CVE-2016-9962, runc's exec). Not dumpable,
 * those need CAP_SYS_PTRACE in the host's user namespace (ptrace(2), "Ptrace access mode
 * checking"). The child inherits the flag through fork(2), and keeps it until the command's
 * execve resets it (prctl(2), PR_SET_DUMPABLE), when tinydock's binary and fds are gone.
 * And CVE-2024-21626: any fd of our caller's that is not close-on-exec would reach the command,
 * a door to the host (fchdir, or /proc/self/fd/N as the working folder). exec needs none: close
 * them all, before there is a working folder to enter. */
static int protect_and_close(void)
{
	if (explain_result(CHAPTER, prctl(PR_SET_DUMPABLE, 0), "prctl(PR_SET_DUMPABLE, 0)") < 0)
		return fail_sys("cannot make exec non-dumpable");
	if (explain_result(CHAPTER, close_range(3, ~0U, 0), "close_range(3, ~0U, 0)") < 0)
		return fail_sys("cannot close the inherited fds");
	return 0;
}

/* Steps 1-4. Returns 0 in the container's namespaces, with *userns saying if it has its own. */
static int enter(const char *id, pid_t pid, const char *workdir, bool *userns)
{
	int fds[NAMESPACE_COUNT], root = -1, rc = -1;
	for (size_t i = 0; i < NAMESPACE_COUNT; i++)
		fds[i] = -1;
	if (protect_and_close() < 0)
		return -1;
	*userns = differs(pid, "user");
	for (size_t i = 0; i < NAMESPACE_COUNT; i++) {
		if (!differs(pid, namespaces[i].name))
			continue;
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, namespaces[i].name);
		fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0) {
			fail_sys("cannot open \"%s\"", path);
			goto out;
		}
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
	root = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		fail_sys("cannot open \"%s\"", path);
		goto out;
	}

	struct cgroup_layout layout;
	struct cgroup cg;
	if (cgroup_detect(NULL, &layout) == 0 && cgroup_open(&layout, CGROUP_DEFAULT_PARENT, id, &cg) == 0) {
		if (cgroup_attach(&cg, getpid()) < 0)
			goto out;
	} else {
		error_clear(); /* a rootless container has no cgroup of its own */
	}

	for (size_t i = 0; i < NAMESPACE_COUNT; i++) {
		if (fds[i] < 0)
			continue;
		int result = setns(fds[i], namespaces[i].type);
		explain_result(CHAPTER, result, "setns(/proc/%d/ns/%s)", (int)pid, namespaces[i].name);
		if (result < 0) {
			fail_sys("cannot join the %s namespace of process %d", namespaces[i].name, (int)pid);
			goto out;
		}
	}
	if (fchdir(root) < 0 || chroot(".") < 0) {
		fail_sys("cannot change root to the container's (/proc/%d/root)", (int)pid);
		goto out;
	}
	explain(CHAPTER, "fchdir(/proc/%d/root), chroot(\".\") = 0", (int)pid);
	/* Done with step 1's fds: none may be open for the chdir to go through, nor reach the
	 * command (they are close-on-exec, but the working folder is entered before any execve). */
	for (size_t i = 0; i < NAMESPACE_COUNT; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
	close(root);
	root = -1;
	const char *dir = workdir && *workdir ? workdir : "/";
	if (explain_result(CHAPTER, chdir(dir), "chdir(\"%s\")", dir) < 0) {
		fail_sys("cannot change to the working folder \"%s\"", dir);
		goto out;
	}
	if (check_cwd_inside_root(CHAPTER) < 0) {
		fail_context("working folder \"%s\"", dir);
		goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; i < NAMESPACE_COUNT; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (root >= 0)
		close(root);
	return rc;
}

/* Step 5a: a session of its own, with the pty as its controlling terminal (setsid(2); TIOCSCTTY,
 * ioctl_tty(2)). */
static int enter_session(int slave)
{
	if (explain_result(CHAPTER, setsid(), "setsid()") < 0)
		return fail_sys("cannot start a session for the terminal");
	return take_terminal(slave);
}

/* Step 5b: the user's groups, gid and uid. The supplementary groups may be refused in a user
 * namespace (setgroups is denied there, user_namespaces(7)): the container's own stay. */
static int become_user(const char *spec, const struct user_identity *id)
{
	if (explain_result(CHAPTER, setgroups(id->group_count, id->groups), "setgroups(%zu, ...)", id->group_count) < 0 &&
	    errno != EPERM)
		return fail_sys("cannot set the supplementary groups of user \"%s\"", spec);
	/* A non-root user would lose every capability at setresuid(); keep them until
	 * security_apply() has dropped the bounding set (security.h). */
	if (id->uid != 0 && security_keep_capabilities() < 0)
		return -1;
	if (explain_result(CHAPTER, setresgid(id->gid, id->gid, id->gid), "setresgid(%u, %u, %u)", id->gid, id->gid,
			   id->gid) < 0)
		return fail_sys("cannot set gid %u of user \"%s\"", id->gid, spec);
	if (explain_result(CHAPTER, setresuid(id->uid, id->uid, id->uid), "setresuid(%u, %u, %u)", id->uid, id->uid,
			   id->uid) < 0)
		return fail_sys("cannot set uid %u of user \"%s\"", id->uid, spec);
	return 0;
}

/* Step 5, in the child: who it runs as, its environment, its privileges; then the command. */
static noreturn void run_command(struct exec_request *x, bool userns, int slave)
{
	static char *envp[MAX_ENV + 8];
	static char storage[65536];
	struct user_identity id;
	const char *spec = x->c.user ? x->c.user : "0";
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	bool ready = (slave < 0 || enter_session(slave) == 0) && resolve_user_in_root(spec, &id) == 0 &&
		     become_user(spec, &id) == 0 &&
		     build_environment(&x->c, id.home, envp, sizeof(envp) / sizeof(envp[0]), storage,
				       sizeof(storage)) == 0 &&
		     security_apply(&x->c.security, userns) == 0;
	int code = ready ? exec_command(CHAPTER, x->command, envp) : EXIT_TINYDOCK_FAILED;
	fail_context("exec");
	if (x->report >= 0) {
		/* exec -d: our stderr is /dev/null already; the CLI waiting on the pipe says it. */
		dprintf(x->report, "%s", error_message());
		_exit(code);
	}
	_exit(error_report(code));
}

/* exec -d: the command on its own, as `docker exec -d` leaves it: its own session, stdin,
 * stdout and stderr on /dev/null (nobody reads them), reaped by the container's init once
 * this process has gone. Its setup errors come back through a close-on-exec pipe, which a
 * successful execve closes: an empty read means the command runs. */
static int run_detached(struct exec_request *x, bool userns)
{
	int report[2];
	if (pipe2(report, O_CLOEXEC) < 0)
		return fail_sys("cannot make the pipe of exec -d");
	fflush(NULL);
	pid_t child = fork();
	if (child == 0) {
		close(report[0]);
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0 ||
		    dup2(null, STDERR_FILENO) < 0 || setsid() < 0)
			_exit(EXIT_TINYDOCK_FAILED);
		x->report = report[1];
		run_command(x, userns, -1);
	}
	close(report[1]);
	if (child < 0) {
		close(report[0]);
		return fail_sys("cannot fork the command");
	}
	char message[ERROR_MESSAGE_SIZE];
	size_t length = 0;
	for (ssize_t n; length + 1 < sizeof(message) &&
			(n = read(report[0], message + length, sizeof(message) - 1 - length)) != 0;) {
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0)
			length += (size_t)n;
	}
	close(report[0]);
	if (length == 0)
		return 0; /* it runs: the container's init reaps it */
	message[length] = '\0';
	int status;
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	fail_errno(0, "%s", message);
	return error_report(exit_code_for_wait_status(status));
}

/* Step 6: wait for the command, passing signals on and relaying the terminal. */
static int wait_for(pid_t child, struct exec_request *x, int master)
{
	struct terminal t = { .master = -1 };
	sigset_t set;
	sigemptyset(&set);
	int passed[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGWINCH, SIGCHLD };
	for (size_t i = 0; i < sizeof(passed) / sizeof(passed[0]); i++)
		sigaddset(&set, passed[i]);
	int signals = signalfd(-1, &set, SFD_CLOEXEC);
	if (master >= 0 && terminal_start(&t, master, x->c.interactive) < 0)
		error_clear();
	int code = -1;
	while (code < 0) {
		int status;
		pid_t done = waitpid(child, &status, WNOHANG);
		if (done == child) {
			code = exit_code_for_wait_status(status);
			break;
		}
		struct pollfd fds[3] = { { signals, POLLIN, 0 } };
		size_t count = 1 + (master >= 0 ? terminal_poll_fds(&t, fds + 1) : 0);
		if (poll(fds, count, 1000) < 0 && errno != EINTR)
			break;
		if (fds[0].revents & POLLIN) {
			struct signalfd_siginfo info;
			if (read(signals, &info, sizeof(info)) == (ssize_t)sizeof(info)) {
				int sig = (int)info.ssi_signo;
				if (sig == SIGWINCH && master >= 0)
					terminal_copy_size(&t);
				else if (sig != SIGCHLD)
					kill(child, sig);
			}
		}
		if (count > 1)
			terminal_relay(&t, fds + 1, count - 1);
	}
	if (master >= 0)
		terminal_stop(&t);
	if (signals >= 0)
		close(signals);
	return code < 0 ? EXIT_TINYDOCK_FAILED : code;
}

/* What the container runs with, not the defaults: its capabilities and filters, hostname,
 * environment (the container's -e values first: an exec's own come after them, and the last
 * one wins in build_environment), and its user and working folder unless exec gives its own. */
static void request_from_record(struct exec_request *x, const struct container_record *r)
{
	x->c.security = r->security;
	snprintf(x->c.hostname, sizeof(x->c.hostname), "%s", r->hostname);
	for (size_t i = 0; i < r->env.count && x->c.env_count < MAX_ENV / 2; i++)
		x->c.env[x->c.env_count++] = r->env.items[i];
	if (!x->c.user && r->user[0])
		x->c.user = r->user;
	if (!x->workdir && r->workdir[0])
		x->workdir = r->workdir;
}

int container_exec_run(const struct container_record *r, pid_t init, char *const *command)
{
	static struct exec_request x; /* static as cmd_exec's: this process is given to the command */
	x.report = -1;
	request_from_record(&x, r);
	x.command = (char **)command;
	bool userns;
	if (enter(r->id, init, x.workdir, &userns) < 0)
		return -1;
	fflush(NULL);
	pid_t child = fork();
	if (child == 0)
		run_command(&x, userns, -1);
	explain_result(CHAPTER, child, "fork() (born in the container's PID namespace)");
	if (child < 0)
		return fail_sys("cannot fork the command");
	int status;
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return fail_sys("cannot wait for process %d", (int)child);
	return exit_code_for_wait_status(status);
}

int cmd_exec(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(help);
	static const struct option long_options[] = { { "interactive", no_argument, NULL, 'i' },
						      { "tty", no_argument, NULL, 't' },
						      { "env", required_argument, NULL, 'e' },
						      { "workdir", required_argument, NULL, 'w' },
						      { "user", required_argument, NULL, 'u' },
						      { "detach", no_argument, NULL, 'd' },
						      { "env-file", required_argument, NULL, 'E' },
						      { 0 } };
	static struct exec_request x;
	x.report = -1;
	bool detach = false;
	const char *from_files[MAX_ENV / 2]; /* --env-file's: before the -e values, which win */
	size_t from_file_count = 0;
	int opt;
	optind = 0;
	opterr = 0;
	const char *extra_env[MAX_ENV];
	size_t extra = 0;
	while ((opt = cli_getopt(argc, argv, "+dite:w:u:", long_options, NULL)) != -1) {
		switch (opt) {
		case 'd':
			detach = cli_flag_on(optarg);
			break;
		case 'E':
			if (env_file_load(optarg, from_files, MAX_ENV / 2, &from_file_count) < 0)
				return usage_error("exec", "%s", error_message());
			break;
		case 'i':
			x.c.interactive = cli_flag_on(optarg);
			break;
		case 't':
			x.c.tty = cli_flag_on(optarg);
			break;
		case 'e':
			if (extra == MAX_ENV / 2)
				return usage_error("exec", "too many -e values");
			extra_env[extra++] = optarg;
			break;
		case 'w':
			if (optarg[0] != '/')
				return usage_error("exec", "the working directory \"%s\" is not absolute", optarg);
			x.workdir = optarg;
			break;
		case 'u':
			if (check_user_spec(optarg) < 0)
				return usage_error("exec", "%s", error_message());
			x.c.user = optarg;
			break;
		default:
			return usage_error("exec", "unknown flag: %s", argv[optind - 1]);
		}
	}
	if (argc - optind < 2)
		return arguments_error("exec", "requires at least 2 arguments: CONTAINER COMMAND [ARG...]");
	if (x.c.tty && x.c.interactive && !isatty(STDIN_FILENO))
		return usage_error("exec", "the input device is not a TTY: -it needs a terminal on stdin");

	char id[CONTAINER_ID_LENGTH + 1];
	struct container_record r;
	struct container_live live;
	if (container_resolve(argv[optind], id) < 0 || container_record_load(id, &r) < 0)
		return error_report(1);
	int code = -1; /* until the command has run: then its exit status */
	if (strcmp(container_state(&r, &live), "running") != 0 || live.pid <= 0) {
		/* Docker's status 1: the request is refused, the command line was fine */
		fail_errno(0, "exec: container %s is not running", r.id);
		container_record_free(&r);
		return error_report(1);
	}
	request_from_record(&x, &r);
	for (size_t i = 0; i < from_file_count && x.c.env_count < MAX_ENV; i++)
		x.c.env[x.c.env_count++] = from_files[i];
	for (size_t i = 0; i < extra && x.c.env_count < MAX_ENV; i++)
		x.c.env[x.c.env_count++] = extra_env[i];
	x.command = argv + optind + 1;

	bool userns;
	if (enter(r.id, live.pid, x.workdir, &userns) < 0)
		goto out;
	if (detach) {
		code = run_detached(&x, userns);
		goto out;
	}
	int master = -1, slave = -1;
	if (x.c.tty && open_pty(&master, &slave) < 0)
		goto out;
	/* Block what we pass on before the fork, so that none is lost (as run.c does). */
	sigset_t set;
	sigemptyset(&set);
	int passed[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGWINCH, SIGCHLD };
	for (size_t i = 0; i < sizeof(passed) / sizeof(passed[0]); i++)
		sigaddset(&set, passed[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	fflush(NULL);
	pid_t child = fork();
	if (child == 0) {
		if (master >= 0)
			close(master);
		run_command(&x, userns, slave);
	}
	explain_result(CHAPTER, child, "fork() (born in the container's PID namespace)");
	if (slave >= 0)
		close(slave);
	if (child < 0) {
		fail_sys("cannot fork the command");
		if (master >= 0)
			close(master);
		goto out;
	}
	code = wait_for(child, &x, master);
out:
	container_record_free(&r);
	return code < 0 ? command_failed("exec") : code;
}
