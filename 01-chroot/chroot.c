/*
 * chroot.c - `tinydock chroot DIR [CMD...]`: run a command with its root folder changed.
 *
 * Lecture: "chroot and jails: change the apparent root directory for a running
 * process and its children". After chroot(2), every absolute path the process
 * uses, "/bin/sh", "/etc/passwd", "..", is resolved from DIR: the rest of the
 * host's files have no name any more. That is the whole mechanism, and it is
 * the oldest ancestor of a container (Version 7 Unix, 1979).
 *
 * What chroot does NOT do, and the README shows with commands: the process
 * still sees every process on the host (once /proc is mounted), the host's
 * network, hostname, users and memory. And a root process can climb out
 * (chroot-escape.c): chroot(2) changes where path lookup starts, nothing more;
 * it does not even change the working folder, which is why we chdir("/") right
 * after, and why the escape works. Chapter 02 replaces it with pivot_root and
 * namespaces.
 *
 * The steps, each printed under --explain:
 *   1. check DIR is a folder, and that we are root (chroot needs CAP_SYS_CHROOT)
 *   2. fork: the parent waits, so that it can report 128+N for a signal
 *   3. child: chroot(DIR), chdir("/"), execve(CMD) found on PATH inside DIR
 *   4. parent: the command's exit code becomes ours
 */
#include "chroot.h"
#include "cli.h"
#include "error.h"
#include "exec.h"
#include "explain.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char CHAPTER[] = "01-chroot";

int enter_chroot(const char *dir)
{
	if (explain_result(CHAPTER, chroot(dir), "chroot(\"%s\")", dir) < 0)
		return fail_sys("cannot chroot to \"%s\"", dir);
	/* chroot(2) leaves the working folder where it was, outside the new root:
	 * without this chdir, "." would still be a door to the host. */
	if (explain_result(CHAPTER, chdir("/"), "chdir(\"/\")") < 0)
		return fail_sys("cannot chdir to \"/\" inside \"%s\"", dir);
	return 0;
}

int check_cwd_inside_root(const char *chapter)
{
	/* The getcwd system call (not glibc's getcwd(3), which turns the answer into ENOENT) returns
	 * a path that starts with "(unreachable)" when the working folder is not below the root
	 * (getcwd(3), "C library/kernel differences"): the folder is there, but no path from "/"
	 * leads to it, which is what an escape looks like. */
	char cwd[PATH_MAX];
	if (syscall(SYS_getcwd, cwd, sizeof(cwd)) < 0)
		return fail_sys("cannot read the working folder");
	if (cwd[0] != '/')
		return fail_errno(0, "the working folder \"%s\" is outside the root: refusing to start there", cwd);
	/* And the path must lead back to the same folder: "." and cwd, one inode. */
	struct stat here, there;
	if (stat(".", &here) < 0 || stat(cwd, &there) < 0)
		return fail_sys("cannot check the working folder \"%s\"", cwd);
	if (here.st_dev != there.st_dev || here.st_ino != there.st_ino)
		return fail_errno(0, "the working folder is not \"%s\" seen from the root: refusing to start there", cwd);
	explain(chapter, "getcwd() = \"%s\", inside the root", cwd);
	return 0;
}

static const char HELP[] =
	"Usage:  tinydock chroot DIR [COMMAND [ARG...]]\n"
	"\n"
	"Run COMMAND (default /bin/sh) with its root folder at DIR and its working folder\n"
	"at /, like chroot(8). The exit code is the command's (128+N if killed by signal N),\n"
	"125 if tinydock failed, 126 if COMMAND cannot be executed, 127 if it is not found.\n"
	"\n"
	"Needs root. Make a DIR with 'tinydock rootfs DIR'.\n"
	"\n"
	"Example:\n"
	"  sudo tinydock --explain chroot /tmp/jail ls /\n";

/* The child: steps 3 and 4 of the checklist. Never returns. */
static void run_jailed(const char *dir, char **command)
{
	explain(CHAPTER, "fork() = 0 in the child, pid %d", (int)getpid());
	if (enter_chroot(dir) < 0)
		_exit(error_report(EXIT_TINYDOCK_FAILED));
	int code = exec_command(CHAPTER, command, environ);
	fail_context("chroot");
	_exit(error_report(code));
}

int cmd_chroot(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(HELP);
	int first = 1;
	if (first < argc && strcmp(argv[first], "--") == 0)
		first++;
	if (first >= argc)
		return usage_error("chroot", "expects a folder: tinydock chroot DIR [COMMAND...]");
	const char *dir = argv[first];
	char *default_command[] = { (char *)"/bin/sh", NULL };
	char **command = first + 1 < argc ? argv + first + 1 : default_command;

	/* 1. check what we can before touching anything */
	struct stat st;
	if (stat(dir, &st) < 0) {
		fail_sys("chroot: cannot use \"%s\"", dir);
		return error_report(EXIT_TINYDOCK_FAILED);
	}
	if (!S_ISDIR(st.st_mode)) {
		fail_errno(0, "chroot: \"%s\" is not a directory", dir);
		return error_report(EXIT_TINYDOCK_FAILED);
	}
	if (geteuid() != 0) {
		fail_errno(0, "chroot: must be run as root (chroot(2) needs CAP_SYS_CHROOT); try: sudo tinydock chroot %s",
			   dir);
		return error_report(EXIT_TINYDOCK_FAILED);
	}
	/* A jailed shell without PATH would find nothing; give it the usual one. */
	if (!getenv("PATH"))
		setenv("PATH", DEFAULT_PATH, 1);
	fflush(NULL);

	/* 2. fork, so that the parent can wait and report how the command ended */
	pid_t pid = fork();
	if (pid < 0) {
		fail_sys("chroot: cannot fork");
		return error_report(EXIT_TINYDOCK_FAILED);
	}
	if (pid == 0)
		run_jailed(dir, command);

	/* 4. As the C library's system function does: Ctrl-C and Ctrl-\ go to the command (same process group), not to us. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fail_sys("chroot: cannot wait for process %d", (int)pid);
			return error_report(EXIT_TINYDOCK_FAILED);
		}
	}
	int code = exit_code_for_wait_status(status);
	explain(CHAPTER, "waitpid(%d) = exited with %d", (int)pid, code);
	return code;
}
