/*
 * container-exec.h - one more process in a running container, as `exec` starts it
 * (container-exec.c), for a caller inside tinydock: the health checker (health-check.c) runs
 * its checks this way, as Docker's daemon runs a HEALTHCHECK as an exec.
 */
#ifndef TINYDOCK_CONTAINER_EXEC_H
#define TINYDOCK_CONTAINER_EXEC_H

#include <sys/types.h>

#include "container-record.h"

/* In the calling process, which this gives to the command (it closes every fd above 2 and
 * joins the container: call it in a child of its own): join the cgroup and the namespaces of
 * the container r whose init is the process init, fork the command (NULL-terminated) there
 * with the container's user, environment, working folder and privileges, no terminal, and
 * wait for it. Returns its exit code (126, 127 when it could not run, said on stderr), or -1
 * with the message recorded when the container could not be entered. */
int container_exec_run(const struct container_record *r, pid_t init, char *const *command);

#endif
