/*
 * exec.h - starting the user's command and turning how it ended into an exit code.
 */
#ifndef TINYDOCK_EXEC_H
#define TINYDOCK_EXEC_H

#include <stddef.h>

/* PATH used when the environment has none (the same default Docker puts in images). */
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Find name on path (a colon list), as execvp(3) would, in the current root: a name with a '/'
 * is used as it is. Writes the chosen file to out. Returns 0, or -1 with errno ENOENT (not found:
 * exit 127) or EACCES (found but not executable: exit 126) and a message naming the command. */
int find_command(const char *name, const char *path, char *out, size_t size);

/* The exit code for an execve(2) errno: 127 when the file is missing, 126 otherwise. */
int exit_code_for_exec_errno(int err);

/* The exit code a shell would report for a waitpid(2) status: the code, or 128+N for signal N. */
int exit_code_for_wait_status(int status);

/* Find argv[0] on PATH and execve it with envp, explaining the step under chapter; only returns
 * on failure, with the message recorded and the exit code (126 or 127) returned. */
int exec_command(const char *chapter, char *const argv[], char *const envp[]);

#endif
