/*
 * swarm-mesh-node.h - the routing mesh and the service names, as the node process uses them:
 * one function on the leader, one on every node.
 *
 *     leader, whenever the store changes:
 *         char *json = swarm_mesh_table_json(&store, NULL);    sent to every node with its
 *                                                              assignments
 *     every node (the leader too), when a table arrives:
 *         swarm_mesh_serve(mesh, json, strlen(json), NULL);    mesh from swarm_mesh_start
 *         hosts = swarm_mesh_hosts_lines(json, strlen(json));  for its tasks' /etc/hosts:
 *         swarm_executor_name_services(executor, hosts);       each running task's container,
 *                                                              and each new one once it runs
 *                                                              (swarm_vip_hosts_install)
 *
 * The table is the contract's JSON (swarm-mesh-table.h): the published ports (open on every
 * node), then each service's virtual IP and target ports (swarm-vip.h).
 */
#ifndef TINYDOCK_SWARM_MESH_NODE_H
#define TINYDOCK_SWARM_MESH_NODE_H

#include "ipam.h"
#include "swarm-mesh.h"
#include "swarm-store.h"

/* The whole table for store as JSON (malloc'd), virtual IPs from vips (NULL:
 * SWARM_VIP_SUBNET), or NULL (recorded). */
char *swarm_mesh_table_json(const struct swarm_store *store, const struct subnet *vips);

/* Serve the table json on this node: the virtual IPs put on the default network's bridge
 * (made if missing, as the first container would make it), then the mesh's listeners and
 * rows. 0, or -1 with the first problem recorded; everything that could be done is done (a
 * port in use leaves the other ports served). */
int swarm_mesh_serve(struct swarm_mesh *mesh, const char *json, size_t size, const struct subnet *vips);

/* The hosts(5) lines that name the services of table json (malloc'd, "" for none), or NULL
 * (recorded) for bytes that are no table. */
char *swarm_mesh_hosts_lines(const char *json, size_t size);

#endif
