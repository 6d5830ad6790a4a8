/*
 * swarm-cli-state.h - what the CLI knows of the swarm: the `state` reply of the node process,
 * read back into a store and the managers' standing.
 *
 * `docker node ls` and `docker service ps` print what a manager holds. Here the command asks
 * its node process ({"op":"state"} on the control socket), which answers with the whole store
 * (as a Raft snapshot writes it, swarm-snapshot.h) and what only a manager sees: which node it
 * is, who leads, and which managers it reaches. The printers (swarm-print.h) read nothing
 * else, so they are tested with a fixture reply and no swarm at all.
 *
 *     {"ok":true,"self":"n1","leader":"n1","managers":[{"id":"n1","address":"10.0.0.1:2377",
 *      "reachable":true,"leader":true}],"store":{"next_task_id":1,...}}
 */
#ifndef TINYDOCK_SWARM_CLI_STATE_H
#define TINYDOCK_SWARM_CLI_STATE_H

#include "swarm-store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct swarm_manager_status {
	char id[SWARM_NAME_MAX];
	char address[SWARM_NAME_MAX];
	bool reachable, leader;
};

struct swarm_state {
	char self[SWARM_NAME_MAX];      /* the node the command asked */
	char leader[SWARM_NAME_MAX];    /* "" while there is none */
	uint64_t applied_index;         /* the last Raft entry the store holds (0: not said) */
	struct swarm_manager_status *managers;
	size_t manager_count;
	struct swarm_store store;
};

/* Read a `state` reply (text of size bytes) into *state. A reply that says "ok":false gives
 * -1 with its "error" recorded; one that is not a whole state, -1 with the problem. */
int swarm_state_read(const char *reply, size_t size, struct swarm_state *state);
void swarm_state_free(struct swarm_state *state);

/* The manager status of node id, or NULL for a worker (a node the managers' list lacks). */
const struct swarm_manager_status *swarm_state_manager(const struct swarm_state *state, const char *id);

/* The name of the stack a service belongs to (its com.docker.stack.namespace label), or NULL. */
const char *swarm_service_stack(const struct swarm_service_spec *spec);

#endif
