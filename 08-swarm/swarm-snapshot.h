/*
 * swarm-snapshot.h - the whole store as bytes, and back: what a Raft snapshot holds.
 *
 * Raft's log would grow forever if every command since the swarm began were kept. So now and
 * then a manager writes its whole store down (a snapshot), and the log before it can go; a
 * manager that is far behind, or new, receives the snapshot instead of the old commands, and
 * replaces its store with it (section 7 of the Raft paper, "Log compaction").
 *
 * The bytes are one JSON object: the store's counters, then its nodes, services and tasks, each
 * with every field, in the store's own order, so the same store always gives the same bytes:
 *
 *     {"next_task_id":12,"applied":40,"nodes":[...],"services":[...],"tasks":[...]}
 */
#ifndef TINYDOCK_SWARM_SNAPSHOT_H
#define TINYDOCK_SWARM_SNAPSHOT_H

#include "swarm-store.h"

/* The store as bytes (malloc'd, NUL-terminated; *size without the NUL), or NULL (recorded). */
char *swarm_store_snapshot(const struct swarm_store *store, size_t *size);

/* Replace *store with the one the bytes hold. Bytes that are not a whole, consistent store
 * (a field missing, two nodes with one id, tasks out of order) are refused: -1 with
 * "swarm snapshot: <problem>" recorded, and *store left as it was. */
int swarm_store_restore(struct swarm_store *store, const void *bytes, size_t size);

#endif
