/*
 * init.c - PID 1: the container's first process, and what that job means.
 *
 * PID 1 is special. The first process of a PID namespace plays the role `init`
 * plays for the whole machine (pid_namespaces(7)):
 *
 *  - Orphans are re-parented to it. A process whose parent died becomes PID 1's child, and
 *    when it exits it stays a zombie (an entry in the process table) until PID 1 wait()s for
 *    it. A command that never expected to be PID 1 (a web server, a shell script) does not
 *    reap strangers, and zombies pile up until the pid table is full.
 *  - The kernel protects it from signals. A signal whose action is the default is simply
 *    dropped for PID 1 when it comes from inside the namespace, and from outside only
 *    SIGKILL and SIGSTOP get through. `sleep` or `httpd -f` installs no SIGTERM handler, so as
 *    PID 1 it would ignore `docker stop` until the 10-second timeout ends with SIGKILL.
 *  - When it exits, the kernel kills every other process of the namespace with SIGKILL.
 *
 * So, like Docker's `--init` (tini) and Podman's catatonit, PID 1 is a tiny piece of tinydock:
 * it forks the user's command (which becomes PID 2, an ordinary process with ordinary signal
 * defaults), then waits: each signal in container_signals() is passed on to the command, each
 * SIGCHLD reaps every zombie, and when the command is gone, init exits with its code, which
 * ends the container.
 *
 * A signal is taken with sigwaitinfo(2), not a handler: the signals stay blocked from the
 * clone() on, so one that arrives while the container is still being set up waits, pending,
 * and is passed on as soon as the command exists. Nothing is lost in between.
 *
 * One policy of our own: SIGTERM means "stop". A command that has SIGTERM set to SIG_IGN
 * would otherwise keep the container alive until someone sends SIGKILL (Docker's `stop`
 * waits 10 seconds for that); init sees the ignored SIGTERM in /proc/PID/status and sends
 * SIGKILL at once, and says so under --explain.
 *
 * Next: terminal.c.
 */
#include "init.h"
#include "error.h"
#include "exec.h"
#include "explain.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static const char CHAPTER[] = "02-namespaces";

void container_signals(sigset_t *set, int with_child)
{
	sigemptyset(set);
	static const int passed_on[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
	for (size_t i = 0; i < sizeof(passed_on) / sizeof(passed_on[0]); i++)
		sigaddset(set, passed_on[i]);
	if (with_child)
		sigaddset(set, SIGCHLD);
}

int process_ignores(pid_t pid, int sig)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	uint64_t ignored = 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SigIgn: %" SCNx64, &ignored) == 1)
			break;
	fclose(f);
	return (ignored >> (sig - 1)) & 1;
}

static const char *signal_name(int sig)
{
	static char name[16];
	const char *abbrev = sigabbrev_np(sig);
	snprintf(name, sizeof(name), "SIG%s", abbrev ? abbrev : "?");
	return name;
}

static void pass_on(pid_t command, int sig)
{
	explain_result(CHAPTER, kill(command, sig), "init: kill(%d, %s)", (int)command, signal_name(sig));
	if (sig == SIGTERM && process_ignores(command, SIGTERM))
		explain_result(CHAPTER, kill(command, SIGKILL), "init: kill(%d, SIGKILL) (it ignores SIGTERM)",
			       (int)command);
}

void name_init(const char *name)
{
	/* What ps shows is the memory between arg_start and arg_end (fields 48 and 49 of
	 * /proc/self/stat, proc(5)): our own argv strings, which we may overwrite in place. Without
	 * this, PID 1 would show the host's path of tinydock and the whole `run` command line. */
	char stat[1024];
	FILE *f = fopen("/proc/self/stat", "re");
	size_t n = f ? fread(stat, 1, sizeof(stat) - 1, f) : 0;
	if (f)
		fclose(f);
	stat[n] = '\0';
	char *after_comm = strrchr(stat, ')');
	unsigned long start = 0, end = 0;
	int field = 2;
	for (char *p = after_comm; p && *p && field < 49; p++) {
		if (*p != ' ')
			continue;
		field++;
		if (field == 48)
			start = strtoul(p + 1, NULL, 10);
		else if (field == 49)
			end = strtoul(p + 1, NULL, 10);
	}
	if (start && end > start + strlen(name)) {
		memset((char *)start, 0, end - start);
		memcpy((char *)start, name, strlen(name));
	}
	explain_result(CHAPTER, prctl(PR_SET_NAME, name), "init: prctl(PR_SET_NAME, \"%s\") and argv rewritten", name);
}

noreturn void be_init(pid_t command)
{
	sigset_t set;
	container_signals(&set, 1);
	for (;;) {
		siginfo_t info;
		int sig = sigwaitinfo(&set, &info);
		if (sig < 0) {
			if (errno == EINTR)
				continue;
			fail_sys("init: sigwaitinfo");
			_exit(error_report(EXIT_TINYDOCK_FAILED));
		}
		if (sig != SIGCHLD) {
			pass_on(command, sig);
			continue;
		}
		/* One SIGCHLD may stand for many exits (signals of one kind do not queue): reap all. */
		int status;
		pid_t pid;
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid != command) {
				explain(CHAPTER, "init: waitpid(-1) = %d (a zombie reaped)", (int)pid);
				continue;
			}
			int code = exit_code_for_wait_status(status);
			explain(CHAPTER, "init: waitpid(%d) = exited with %d", (int)pid, code);
			/* Our exit ends the namespace: the kernel SIGKILLs whatever is left. */
			_exit(code);
		}
	}
}
