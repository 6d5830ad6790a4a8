/*
 * exec.c - running the user's command: PATH lookup, execve, exit codes.
 *
 * Every chapter ends the same way: after the jail is built, the process
 * replaces itself with the user's program through execve(2). Two details make
 * this feel like a real tool:
 *
 *  - The command is looked up on PATH *inside* the new root, after chroot or
 *    pivot_root, because that is the filesystem the program will live in.
 *  - Failures map to the exit codes Docker and POSIX shells use: 127 when the
 *    command is not found, 126 when it exists but cannot be executed, and
 *    128+N when it was killed by signal N (see bash(1), "EXIT STATUS").
 */
#include "exec.h"
#include "error.h"
#include "explain.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* 0 if file is an executable regular file; -1 with errno ENOENT or EACCES otherwise. */
static int check_executable(const char *file)
{
	struct stat st;
	if (stat(file, &st) < 0)
		return -1;
	if (S_ISDIR(st.st_mode) || access(file, X_OK) < 0) {
		errno = EACCES;
		return -1;
	}
	return 0;
}

int find_command(const char *name, const char *path, char *out, size_t size)
{
	if (name[0] == '\0')
		return fail_errno(ENOENT, "cannot run an empty command");
	if (strchr(name, '/')) {
		if (check_executable(name) < 0)
			return errno == ENOENT ? fail_sys("\"%s\" not found", name)
					       : fail_errno(EACCES, "\"%s\" is not executable", name);
		snprintf(out, size, "%s", name);
		return 0;
	}
	bool found_but_not_executable = false;
	const char *dir = path && *path ? path : DEFAULT_PATH;
	while (*dir) {
		const char *end = strchrnul(dir, ':');
		int len = (int)(end - dir);
		/* An empty PATH entry means the current folder (execvp(3)). */
		snprintf(out, size, "%.*s%s%s", len, dir, len ? "/" : "", name);
		if (check_executable(out) == 0)
			return 0;
		if (errno == EACCES)
			found_but_not_executable = true;
		dir = *end ? end + 1 : end;
	}
	if (found_but_not_executable)
		return fail_errno(EACCES, "\"%s\": found in $PATH but not executable", name);
	/* Docker's words for the same failure, so that students recognise it. */
	return fail_errno(ENOENT, "\"%s\": executable file not found in $PATH", name);
}

int exit_code_for_exec_errno(int err)
{
	return err == ENOENT ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE;
}

int exit_code_for_wait_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_TINYDOCK_FAILED;
}

/* Format argv as ["a", "b c"] for --explain, escaping quotes and control characters as strace does. */
static void format_argv(char *const argv[], char *buf, size_t size)
{
	size_t n = 0;
	buf[n++] = '[';
	for (int i = 0; argv[i] && n + 8 < size; i++) {
		if (i)
			n += (size_t)snprintf(buf + n, size - n, ", ");
		buf[n++] = '"';
		for (const char *c = argv[i]; *c && n + 8 < size; c++) {
			if (*c == '"' || *c == '\\')
				n += (size_t)snprintf(buf + n, size - n, "\\%c", *c);
			else if (*c == '\n')
				n += (size_t)snprintf(buf + n, size - n, "\\n");
			else if ((unsigned char)*c < 0x20)
				n += (size_t)snprintf(buf + n, size - n, "\\x%02x", (unsigned char)*c);
			else
				buf[n++] = *c;
		}
		buf[n++] = '"';
	}
	if (n + 5 >= size)
		n = size - 5;
	snprintf(buf + n, size - n, "]");
}

int exec_command(const char *chapter, char *const argv[], char *const envp[])
{
	const char *path = NULL;
	for (int i = 0; envp[i]; i++)
		if (strncmp(envp[i], "PATH=", 5) == 0)
			path = envp[i] + 5;
	char file[4096];
	if (find_command(argv[0], path, file, sizeof(file)) < 0)
		return exit_code_for_exec_errno(error_errno());
	char shown[1024];
	format_argv(argv, shown, sizeof(shown));
	/* Printed before the call: a successful execve never returns to print it. */
	explain(chapter, "execve(\"%s\", %s)", file, shown);
	execve(file, argv, envp);
	int err = errno;
	fail_sys("cannot execute \"%s\"", file);
	return exit_code_for_exec_errno(err);
}
