/*
 * init.h - PID 1 of a container (see init.c).
 */
#ifndef TINYDOCK_INIT_H
#define TINYDOCK_INIT_H

#include <signal.h>
#include <stdnoreturn.h>
#include <sys/types.h>

/* The signals passed on to the command (TERM INT HUP QUIT USR1 USR2 WINCH), plus SIGCHLD when
 * with_child is true: the set `run` and init block and wait for. */
void container_signals(sigset_t *set, int with_child);

/* True when process pid ignores sig (the SigIgn mask of /proc/PID/status, proc(5)). */
int process_ignores(pid_t pid, int sig);

/* Show as name in ps (argv and comm), instead of the `run` command line and the host's path. */
void name_init(const char *name);

/* Be PID 1 for the command already forked as `command`: pass signals on, reap every zombie,
 * and exit with the command's exit code (128+N for signal N) once it has gone. */
noreturn void be_init(pid_t command);

#endif
