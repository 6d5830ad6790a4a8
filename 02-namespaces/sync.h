/*
 * sync.h - the named protocol between `tinydock run` (the parent) and the container's first
 * process (the child), over a socketpair.
 *
 * After clone(2), parent and child run at the same time, but some steps must happen in order:
 * only the parent (outside) can write the child's uid map, put it in a cgroup or plug a network
 * cable into its namespace, and the child must not go on before that is done. So they take
 * turns, and each turn has a name:
 *
 *     parent                                   child (PID 1 in the new namespaces)
 *     clone() ---------------------------------> waits
 *     writes uid_map, gid_map    SYNC_USERMAP -> now has an identity: becomes root inside
 *     joins the cgroup           SYNC_CGROUP  -> (chapter 03)
 *     plugs in the network       SYNC_NET     -> brings interfaces up
 *                                              mounts, pivot_root, hostname, terminal
 *     (takes the terminal)  <-   SYNC_READY      (with the pty's master fd, under -t)
 *     records the container      SYNC_GO      -> forks the command: ids, execve
 *
 * If either side dies, the other reads end-of-file and stops: no step is skipped silently.
 */
#ifndef TINYDOCK_SYNC_H
#define TINYDOCK_SYNC_H

enum sync_step {
	SYNC_USERMAP = 1, /* parent -> child: uid/gid maps written (or nothing to write) */
	SYNC_CGROUP,      /* parent -> child: the child is in its cgroup */
	SYNC_NET,         /* parent -> child: the network namespace has its interfaces */
	SYNC_READY,       /* child -> parent: root filesystem ready; carries the pty master under -t */
	SYNC_GO,          /* parent -> child: start the command */
};

/* "SYNC_USERMAP" ... for messages and --explain. */
const char *sync_step_name(enum sync_step step);

/* Send step, with fd attached (SCM_RIGHTS) when fd >= 0. */
int sync_send(int sock, enum sync_step step, int fd);

/* Wait for step; fd (may be NULL) receives an attached fd or -1. Returns 0, or -1 when the other
 * side sent something else or closed (message recorded; errno 0 for a clean close). */
int sync_expect(int sock, enum sync_step step, int *fd);

#endif
