/*
 * swarm-mesh.h - the routing mesh on one node: every published port of the swarm open here,
 * each connection carried to one of the service's tasks, on whichever node it runs.
 *
 * Docker builds its mesh in the kernel: an "ingress" overlay network joins the nodes, and
 * IPVS (the kernel's layer-4 load balancer) on each node rewrites each new connection's
 * destination to a task's address, round robin, with iptables rules steering the published
 * port into it. tinydock adds no NAT and no forwarding (it never touches ip_forward or the
 * firewall), so its mesh is the port proxy of chapter 02 grown up: a listening socket per
 * published port on 0.0.0.0 of this node, and for each client a second connection to a task,
 * chosen round robin (swarm-mesh-table.h), at the port its worker published it on. The bytes
 * go through a relay (relay.h), as `docker run -p`'s proxy does.
 *
 * Where it runs: one thread of the node process, with its own poll(2) loop, as the proxy runs
 * in a container's monitor. Not in the node's own loop: relaying is bulk work whose bursts must
 * never delay a Raft heartbeat or an election timer there. Not a child process re-reading a
 * file either: a thread gets each new table by a pointer and a wake-up, with nothing to
 * supervise or to restart. The node calls:
 *
 *     swarm_mesh_start(&mesh);                    once, when it starts
 *     swarm_mesh_update(mesh, &table);            with every table the leader sends
 *     swarm_mesh_stop(mesh);                      when it leaves
 *
 * A table change takes effect for the next connection: a port dropped from the table closes
 * its listener (connections already open finish undisturbed, as IPVS keeps established ones),
 * a port added opens one, a backend gone is chosen no more.
 *
 * A row may also be a service's virtual IP (swarm-vip.h): the address its name resolves to in
 * other tasks' containers, on the service's target port. Each port has one listener, on
 * 0.0.0.0, whatever rows have it: a second listener on VIP:80 beside 0.0.0.0:80 would be
 * refused (socket(7), SO_REUSEADDR: a socket may bind "except when there is an active listening
 * socket bound to the address"). The address each client connected to (getsockname(2)) picks
 * the row: a virtual IP's, or else the published port's.
 *
 * UDP: Docker's mesh carries UDP too (IPVS balances datagrams). This one carries TCP only: a
 * UDP row is refused by swarm_mesh_update with a message saying so, and the rest is served.
 */
#ifndef TINYDOCK_SWARM_MESH_H
#define TINYDOCK_SWARM_MESH_H

#include "swarm-mesh-table.h"

struct swarm_mesh;

/* Start this node's mesh, serving no port yet. -1 (recorded) when the thread or its pipe
 * cannot be made. */
int swarm_mesh_start(struct swarm_mesh **out);

/* Serve table from the next connection on (the mesh keeps its own copy). Listeners are opened
 * here, in the caller's thread, so that a port that cannot be opened is reported to the
 * caller: 0 when every row is served, -1 with the first problem recorded ("routing mesh: cannot
 * publish port 8080 of service web: the address is already in use", or a UDP row) when some
 * row is not; every other row is served all the same. */
int swarm_mesh_update(struct swarm_mesh *mesh, const struct swarm_mesh_table *table);

/* The ports this mesh listens on now or from its next wake-up (the last update's), for
 * `inspect` and tests: at most room of them into ports; returns how many there are. */
size_t swarm_mesh_ports(struct swarm_mesh *mesh, uint16_t *ports, size_t room);

/* Close every listener, reset the connections still open, end the thread, free mesh. NULL is
 * fine. */
void swarm_mesh_stop(struct swarm_mesh *mesh);

#endif
