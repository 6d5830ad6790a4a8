/*
 * links.h - the links of a container network: a bridge on the host, a veth pair per container.
 */
#ifndef TINYDOCK_LINKS_H
#define TINYDOCK_LINKS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <sys/types.h>

/* Make bridge `name` if missing, give it gateway/prefix (kept if it has it), bring it up. */
int bridge_ensure(const char *name, struct in_addr gateway, int prefix);

/* Plug the network namespace of process pid into bridge: a veth pair host_name <-> inside
 * ("eth0"), host end on the bridge and up; inside: lo up, the inside end with address/prefix
 * and up, and, when default_route, a default route via gateway (a container's first network;
 * its others are reached through their subnets). On failure, the pair is removed again. */
int veth_plug(const char *bridge, const char *host_name, const char *inside, bool default_route, pid_t pid,
	      struct in_addr address, int prefix, struct in_addr gateway);

/* Fail (with a message) unless process pid has a network namespace other than ours. */
int netns_check_separate(pid_t pid);

/* Remove a link by name (for a veth, both ends go). A link that is already gone is fine. */
int link_remove(const char *name);

/* Take a link off its bridge, leaving it to exist (for a veth whose peer's namespace is dying:
 * the kernel removes the pair with the namespace). A link that is already gone is fine. */
int link_unplug(const char *name);

/* Bring up lo in the namespace of route socket s: rtnl_open in the container's first process
 * (--network none), rtnl_open_in_netns from outside (what veth_plug does). */
struct rtnl;
int loopback_up(struct rtnl *s);

#endif
