/*
 * namespaces.c - which namespaces a container gets, and its id.
 *
 * Namespaces: what a process can SEE. Each namespace type wraps one global resource
 * so that the processes inside have their own copy (namespaces(7)):
 *
 *   CLONE_NEWPID   process ids: the first process is PID 1 and sees only its descendants
 *   CLONE_NEWNS    the mount table: mounts made inside stay inside (the first namespace, 2002,
 *                  hence the odd name "NEWNS": nobody expected there would be others)
 *   CLONE_NEWUTS   hostname and domain name (UTS: the "UNIX Time-sharing System" struct utsname)
 *   CLONE_NEWIPC   System V IPC objects and POSIX message queues
 *   CLONE_NEWNET   interfaces, addresses, routes, ports, firewall: a whole network stack
 *   CLONE_NEWUSER  uids and gids (and with them capabilities): root inside, nobody outside
 *   CLONE_NEWCGROUP the view of /proc/self/cgroup (chapter 03)
 *
 * A process is created in new namespaces by clone(2) with these flags, or moves into them with
 * unshare(2) and setns(2). Every namespace of a process is a file in /proc/PID/ns/; two processes
 * share a namespace when those files have the same inode (`readlink /proc/PID/ns/pid`).
 *
 * Next: setup.c, the checklist the new process runs.
 */
#include "container.h"
#include "error.h"

#include <errno.h>
#include <linux/sched.h> /* CLONE_INTO_CGROUP (clone3, 5.7) */
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

unsigned long container_clone_flags(const struct container *c)
{
	unsigned long flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC;
	/* none and bridge networks start from a new, empty network namespace; host shares ours. */
	if (c->network != NETWORK_HOST)
		flags |= CLONE_NEWNET;
	/* With CLONE_NEWUSER in the same call, the kernel creates the user namespace first and makes
	 * it the owner of all the others (clone(2)): that is what lets an unprivileged user create
	 * them at all, and what makes "root" inside powerless over the host's resources. */
	if (c->userns)
		flags |= CLONE_NEWUSER;
	return flags;
}

const char *clone_flag_names(unsigned long flags, char *buf, size_t size)
{
	static const struct {
		unsigned long flag;
		const char *name;
	} names[] = {
		{ CLONE_NEWUSER, "CLONE_NEWUSER" }, { CLONE_NEWPID, "CLONE_NEWPID" },
		{ CLONE_NEWNS, "CLONE_NEWNS" },     { CLONE_NEWUTS, "CLONE_NEWUTS" },
		{ CLONE_NEWIPC, "CLONE_NEWIPC" },   { CLONE_NEWNET, "CLONE_NEWNET" },
		{ CLONE_NEWCGROUP, "CLONE_NEWCGROUP" }, { CLONE_INTO_CGROUP, "CLONE_INTO_CGROUP" },
	};
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(flags & names[i].flag))
			continue;
		n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s", n ? "|" : "", names[i].name);
		flags &= ~names[i].flag;
	}
	if (flags & 0xff) {
		/* the low byte is the signal sent to the parent at exit (SIGCHLD, as fork does) */
		n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s", n ? "|" : "",
				      (flags & 0xff) == 17 ? "SIGCHLD" : "signal");
	}
	return buf;
}

int make_container_id(char id[CONTAINER_ID_LENGTH + 1])
{
	unsigned char bytes[CONTAINER_ID_LENGTH / 2];
	/* getrandom(2) with no flags blocks only before the kernel's pool is first seeded. */
	if (getrandom(bytes, sizeof(bytes), 0) != (ssize_t)sizeof(bytes))
		return fail_sys("cannot make a container id: getrandom");
	for (size_t i = 0; i < sizeof(bytes); i++)
		snprintf(id + 2 * i, 3, "%02x", bytes[i]);
	return 0;
}
