/*
 * rtnl.h - a NETLINK_ROUTE socket: send one request, wait for its answer.
 */
#ifndef TINYDOCK_RTNL_H
#define TINYDOCK_RTNL_H

#include "netlink.h"

#include <sys/types.h>

struct rtnl {
	int fd;
	uint32_t seq;     /* sequence number of the last request */
	char where[48];   /* "" on the host, " [netns of pid 4242]" inside a container's namespace */
};

/* Open a route socket in our own network namespace. */
int rtnl_open(struct rtnl *s);

/* Open a route socket that lives in the network namespace of process pid: a socket belongs
 * to the namespace it was created in, whatever its owner does afterwards. */
int rtnl_open_in_netns(struct rtnl *s, pid_t pid);

void rtnl_close(struct rtnl *s);

/* Send m, wait for the kernel's answer; explained as one line. A kernel refusal is recorded
 * with its errno (EEXIST, ENODEV, ...) and the kernel's own sentence when it gave one. If
 * reply is not NULL, the first non-error message answering m is copied there. */
int rtnl_talk(struct rtnl *s, struct nl_msg *m, void *reply, size_t reply_size);

/* Send a dump request (rtnl_msg_dump_routes) and call each(message, arg) for every answer
 * until the kernel's NLMSG_DONE; each returns 0 to go on, -1 to stop (its error is kept). */
int rtnl_dump(struct rtnl *s, struct nl_msg *m, int (*each)(const struct nlmsghdr *h, void *arg), void *arg);

/* The index of the link named name, or -1 (ENODEV when there is none). */
int rtnl_link_index_of(struct rtnl *s, const char *name);

#endif
