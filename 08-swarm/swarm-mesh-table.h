/*
 * swarm-mesh-table.h - the routing mesh's table: which published port reaches which tasks,
 * and the round robin that picks one of them for each connection.
 *
 * `docker service create -p 8080:80 web` publishes port 8080 on every node of the swarm, also
 * on nodes that run no task of web: a connection to any node's 8080 reaches one of web's tasks,
 * wherever it runs (Docker's "routing mesh", the ingress network). Every node therefore needs
 * the same table, computed from the store by the leader:
 *
 *     8080/tcp (web, target 80) -> 10.199.0.12:30001 10.199.0.13:30004
 *
 * One row per service port published in ingress mode (a mode=host port is the task's own
 * business on its node, never in the mesh). Its backends are the service's tasks that run now
 * (observed RUNNING and still desired RUNNING: a task told to stop leaves the rotation at once,
 * before its container is stopped), each at its node's host and the port its worker published
 * the target on (the task's endpoint). A node that goes down turns its tasks ORPHANED in the
 * store (swarm-apply.c) and a drained node's tasks are told to stop, so both leave the table
 * through their task's state, with no rule of their own here.
 *
 * The table travels from the leader to every node as JSON (the contract's bytes):
 *
 *     {"services":[{"name":"web","published":8080,"target":80,"protocol":"tcp",
 *                   "backends":["10.199.0.12:30001","10.199.0.13:30004"]}]}
 *
 * (a row for a service's virtual IP, swarm-vip.h, adds "vip":"10.0.0.7"; without it, a row is
 * the published port on every address of the node),
 * and reading it trusts nothing: counts are bounded, addresses are dotted IPv4 with a port,
 * a published port (or a virtual IP's port) appears once.
 *
 * The chooser is Docker's IPVS "rr" scheduler done by hand: each row keeps a cursor, and each
 * new connection takes the next backend. A backend that refused a connection is marked, and
 * skipped by the next connections for SWARM_MESH_FAILED_MS (its task has probably died, and the
 * store will say so soon), then tried again. Pure: time is a parameter, no sockets.
 */
#ifndef TINYDOCK_SWARM_MESH_TABLE_H
#define TINYDOCK_SWARM_MESH_TABLE_H

#include "swarm-store.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bounds on what a table (from the network) may hold: a mesh listens on one socket per row,
 * and the table travels in one message of at most 1 MiB (about 22 bytes per backend). */
#define SWARM_MESH_MAX_SERVICES 256
#define SWARM_MESH_MAX_BACKENDS 4096
/* How long a backend that refused a connection is skipped. Long enough for the next
 * connections to avoid a dead task, short enough that a task that was only starting is back
 * in the rotation within a moment. */
#define SWARM_MESH_FAILED_MS 2000
/* The most backends one connection tries before it is given up (each attempt is a connect
 * with its own deadline; the client waits meanwhile). */
#define SWARM_MESH_MAX_ATTEMPTS 8

struct swarm_mesh_backend {
	struct in_addr host;    /* the task's node */
	uint16_t port;          /* where its worker published the target port */
	uint64_t failed_until;  /* the chooser's mark (ms); not part of the table's bytes */
};

struct swarm_mesh_service {
	char name[SWARM_NAME_MAX];
	/* A virtual-IP row of a stack's service: its name in the compose file ("product-service"
	 * for "shop_product-service"), which Docker gives it as an alias on the stack's network, so
	 * the file's services find each other by the names the file uses. "" otherwise. */
	char alias[SWARM_NAME_MAX];
	/* 0.0.0.0: the routing mesh proper, the published port on every address of every node.
	 * Otherwise the service's virtual IP (swarm-vip.h): the row serves connections to this
	 * address only, on the target port (published == target), for other services' tasks. */
	struct in_addr vip;
	uint16_t published;     /* the port open on every node */
	uint16_t target;        /* the port inside the service's containers */
	bool udp;
	struct swarm_mesh_backend *backends;
	size_t backend_count;
	size_t cursor;          /* the round robin's position; not part of the table's bytes */
};

struct swarm_mesh_table {
	struct swarm_mesh_service *services;
	size_t service_count;
};

void swarm_mesh_table_free(struct swarm_mesh_table *table);

/* The table the store implies (table starts zeroed; on -1, recorded, it is left empty). A
 * node whose address is not "IPV4:PORT" cannot be reached by the mesh: its tasks are left out.
 * Rows beyond SWARM_MESH_MAX_SERVICES, and backends beyond SWARM_MESH_MAX_BACKENDS, are left
 * out too (the first ones, in the store's order, are kept). */
int swarm_mesh_table_from_store(const struct swarm_store *store, struct swarm_mesh_table *table);

/* Append to row the backends the store gives it: its service's running tasks' endpoints for
 * row's target and protocol (used by swarm_mesh_table_from_store, and for the virtual IPs'
 * rows by swarm-vip.c). -1 (recorded) when out of memory. */
int swarm_mesh_add_backends(const struct swarm_store *store, struct swarm_mesh_service *row);

/* The table as JSON text (malloc'd, NUL-terminated), or NULL (recorded). */
char *swarm_mesh_table_encode(const struct swarm_mesh_table *table);
/* And back: table starts zeroed; -1 with "mesh table: <problem>" recorded for bytes that are
 * not a table (table left empty). */
int swarm_mesh_table_decode(const char *text, size_t size, struct swarm_mesh_table *table);

/* The routing mesh's row for a published port (vip 0.0.0.0), or NULL. */
struct swarm_mesh_service *swarm_mesh_table_find(const struct swarm_mesh_table *table, uint16_t published,
                                                 bool udp);
/* The row with exactly this vip (0.0.0.0 for the mesh proper), port and protocol, or NULL. */
struct swarm_mesh_service *swarm_mesh_table_row(const struct swarm_mesh_table *table, struct in_addr vip,
                                                uint16_t port, bool udp);
/* The row that serves a connection that arrived at local:port: a virtual IP's row when local
 * is one, else the published port's; NULL when neither. */
struct swarm_mesh_service *swarm_mesh_table_route(const struct swarm_mesh_table *table, struct in_addr local,
                                                  uint16_t port, bool udp);

/* Carry the chooser's state from the table in use to its replacement: a row with the same
 * address and port keeps its cursor, a backend still in it keeps its mark. */
void swarm_mesh_table_carry(struct swarm_mesh_table *fresh, const struct swarm_mesh_table *old);

/* --- the chooser ---------------------------------------------------------------------------- */

/* One client connection's search for a backend: the backends it tried, by address, so that a
 * table that changes meanwhile does not make it try one twice. */
struct swarm_mesh_attempts {
	struct swarm_mesh_backend tried[SWARM_MESH_MAX_ATTEMPTS];
	size_t count;
	size_t start;           /* where the rotation stood when the connection came */
};

/* A new connection to service: take its place in the rotation (advances the cursor). */
void swarm_mesh_begin(struct swarm_mesh_service *service, struct swarm_mesh_attempts *attempts);

/* The backend to try next: the first from the connection's place in the rotation that it has
 * not tried and that is not marked failed at now; when every untried one is marked, the first
 * untried one anyway (a mark is a guess, and refusing the client is worse). Recorded in
 * attempts. NULL when there is none left: every backend was tried once, SWARM_MESH_MAX_ATTEMPTS
 * were made, or the service has no backend. */
const struct swarm_mesh_backend *swarm_mesh_choose(const struct swarm_mesh_service *service,
                                                   struct swarm_mesh_attempts *attempts, uint64_t now);

/* A connection to backend (host, port) of service was refused or timed out at now: skip it
 * until now + SWARM_MESH_FAILED_MS. */
void swarm_mesh_mark_failed(struct swarm_mesh_service *service, struct in_addr host, uint16_t port, uint64_t now);

/* "10.199.0.12:30001" into text (at least 22 bytes). */
void swarm_mesh_backend_format(const struct swarm_mesh_backend *backend, char *text, size_t size);

#endif
