/*
 * swarm-vip.h - service names inside the swarm: each service gets a virtual IP, its name
 * resolves to it in every task's container, and the routing mesh serves it.
 *
 * In Docker, a task of service "shop" reaches service "api" by its name: `curl http://api/`.
 * Two pieces make that work. The manager gives each service a virtual IP (VIP) on each overlay
 * network it joins, and an embedded DNS server, at 127.0.0.11 in every container, answers the
 * service's name with that VIP (and `tasks.api` with the tasks' own addresses). Connections to
 * the VIP are then spread over the tasks by IPVS inside the container's network namespace.
 *
 * tinydock has no DNS server (names are /etc/hosts lines, chapter 02's hosts.c) and no IPVS,
 * so the same idea is built from what it has:
 *   - the VIPs come from a subnet of their own (SWARM_VIP_SUBNET), each node puts them on its
 *     bridge as /32 addresses (swarm-vip-net.h), so a task's packets to a VIP go to its default
 *     gateway, this node, and stop here: the address is the node's own, nothing is forwarded;
 *   - the mesh (swarm-mesh.h) has a row per VIP and target port, and serves it like a published
 *     port: round robin over the service's running tasks, on any node;
 *   - every task's container gets the hosts(5) lines "VIP NAME" of every service
 *     (swarm_vip_hosts), rewritten by its node as services come and go.
 * What this does not do: `tasks.NAME` (the tasks' own addresses are on other nodes' bridges,
 * unreachable without an overlay network), and names of services without a port (no row, so
 * nothing would answer: the name is left out rather than resolve to a silent address).
 *
 * A VIP is chosen from the service's name (a hash into the subnet, the next free address on a
 * collision, in the order services were created), so every manager computes the same one from
 * the same store with nothing stored. The price: when an older service that collided with a
 * newer one is removed, the newer one's VIP moves back to its first choice (its tasks' hosts
 * files are rewritten; connections open to the old VIP break). Docker keeps each VIP in the
 * store instead (the service's Endpoint.VirtualIPs), the better design once the store has room
 * for it.
 */
#ifndef TINYDOCK_SWARM_VIP_H
#define TINYDOCK_SWARM_VIP_H

#include "ipam.h"
#include "swarm-mesh-table.h"
#include "swarm-store.h"

/* Where the virtual IPs come from, unless the node is told otherwise: 198.18.0.0/15 is set
 * aside for benchmarking networks (RFC 2544, RFC 6890) and routed nowhere on the internet, so a
 * /32 of it on the node's bridge hides no real host. */
#define SWARM_VIP_SUBNET "198.18.0.0/16"

/* The VIP of every service (with a port) in store, as rows of table: one per service and target
 * port, listening on VIP:target, with the same backends as the published port would have.
 * Called by the leader after swarm_mesh_table_from_store. -1 (recorded) when out of memory or
 * out of addresses (more services than vips holds). */
int swarm_vip_add_rows(const struct swarm_store *store, const struct subnet *vips, struct swarm_mesh_table *table);

/* The VIP of service name in vips, given the services created before it (names[0..count), in
 * order of creation, name among them): what swarm_vip_add_rows uses. -1 (recorded) when the
 * subnet has no address left. Pure. */
int swarm_vip_of(const struct subnet *vips, const char *const *names, size_t count, const char *name,
                 struct in_addr *out);

/* The hosts(5) lines of the table's VIPs, "198.18.7.3\tapi\n", one per service (malloc'd text,
 * "" for none), for every task's container; NULL (recorded) when out of memory. */
char *swarm_vip_hosts(const struct swarm_mesh_table *table);

/* The distinct VIPs of the table, at most room of them into out; returns how many there are
 * (what the node puts on its bridge, swarm-vip-net.h). */
size_t swarm_vip_addresses(const struct swarm_mesh_table *table, struct in_addr *out, size_t room);

#endif
