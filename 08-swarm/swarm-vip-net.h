/*
 * swarm-vip-net.h - the services' virtual IPs on this node's bridge (swarm-vip.h says why).
 *
 * A task's container sends everything outside its own subnet to its default gateway: the
 * node's bridge. An address of the node is the node's wherever it is configured ("weak host"
 * model, RFC 1122 3.3.4.2), so a virtual IP put on the bridge as a /32 is delivered to the
 * node's own sockets, the mesh's listeners, and nothing is ever forwarded: no ip_forward, no
 * NAT. The same address on every node is no conflict either: each node's bridge is its own
 * segment, and a /32 adds no route towards the other nodes.
 */
#ifndef TINYDOCK_SWARM_VIP_NET_H
#define TINYDOCK_SWARM_VIP_NET_H

#include "ipam.h"

#include <netinet/in.h>
#include <stddef.h>

/* Make the addresses of link that lie in subnet exactly vips[0..count): each missing one added
 * (a /32), each other one of subnet removed (a service that is gone). Addresses outside subnet
 * (the bridge's own gateway) are never touched. -1 (recorded) when the link does not exist or
 * the kernel refuses; what was done until then stays, and the next call finishes it. */
int swarm_vip_net_sync(const char *link, const struct subnet *subnet, const struct in_addr *vips, size_t count);

#endif
