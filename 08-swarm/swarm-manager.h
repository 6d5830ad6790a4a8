/*
 * swarm-manager.h - what one manager does with Raft's committed entries and, when it leads,
 * with its control loops: the logic the joined simulation and the node process share.
 *
 * A manager is a Raft node (raft.h) and a store (swarm-store.h). Every entry Raft commits is
 * a batch of swarm commands, a JSON line each; the manager applies them in order to its store
 * (swarm_manager_apply_batch), so every manager's store goes through the same states. When it
 * leads and its store holds everything in its log (caught up: only then does it know what is
 * already decided), it runs the loops of swarm-dispatcher.h, swarm-orchestrator.h and
 * swarm-scheduler.h on its store (swarm_manager_loops) and proposes their commands as one
 * entry (swarm_manager_batch). The workers' heartbeats and reports become commands through
 * the same dispatcher.
 *
 * Pure: the simulation (swarm-cluster-sim.c) runs it on a virtual clock and a simulated
 * network, the node process (swarm-node.c) on CLOCK_MONOTONIC, TCP and files.
 */
#ifndef TINYDOCK_SWARM_MANAGER_H
#define TINYDOCK_SWARM_MANAGER_H

#include "raft.h"
#include "swarm-dispatcher.h"

/* Told of each command of a batch once applied: refused is NULL, or why the store refused it. */
typedef void swarm_manager_applied_fn(void *context, const struct swarm_store *store,
				      const struct swarm_command *command, const char *refused);

/* Apply the commands of one committed entry (bytes: JSON lines) to store, in order. A command
 * the store refuses is refused alike on every manager and skipped; refusal (when not NULL)
 * gets the first refusal's reason, "" when none. -1 (recorded) only when a line is not a
 * command: the log is damaged. */
int swarm_manager_apply_batch(struct swarm_store *store, const void *bytes, size_t size,
			      swarm_manager_applied_fn *applied, void *context, char *refusal, size_t refusal_size);

/* One round of the leader's loops on its store at now: the dispatcher's tick (nodes silent too
 * long are down), then, if that said nothing, the orchestrator, then, if that said nothing, the
 * scheduler, their commands appended to out. Each waits for the store to reflect the one
 * before (a node down first, then its tasks replaced, then placed). The round's commands are
 * out's from round_start on: others already in out (the workers' reports) do not count.
 * -1 (recorded) when out of memory. */
int swarm_manager_loops(const struct swarm_store *store, struct swarm_dispatcher *dispatcher, uint64_t now,
			struct swarm_commands *out, size_t round_start);

/* The commands of list as one entry's bytes, a JSON line each (malloc'd, *size bytes), and
 * the list emptied; NULL (recorded) when out of memory. One entry for a round, not one per
 * command: placing 1,000 tasks is one replication (swarmkit, too, proposes a transaction's
 * store actions as one Raft entry). */
char *swarm_manager_batch(struct swarm_commands *list, size_t *size);

/* --- a manager as the node process runs it -------------------------------------------------- */

struct swarm_manager {
	struct raft_node raft;
	struct swarm_store store;
	raft_index applied;                 /* the last log index the store reflects */
	struct swarm_dispatcher dispatcher; /* the leader's: started afresh each term it leads */
	raft_term dispatcher_term;          /* the term it was started in (0: not leading) */
	struct swarm_commands commands;     /* heartbeats' and reports' commands, waiting for a round */
	size_t snapshot_every;              /* entries applied between snapshots (0: never) */
	uint64_t heartbeat_ms;
};

/* A manager from what its Raft node persisted (NULL: a new one whose members are initial, or
 * none for a manager that joins), its store rebuilt from the snapshot there. -1 recorded. */
int swarm_manager_init(struct swarm_manager *manager, const struct raft_options *options,
		       const struct raft_config *initial, const struct raft_persisted *restored, uint64_t now);
void swarm_manager_free(struct swarm_manager *manager);

/* Step 3 of raft_output (raft.h), after persisting and sending: restore the store from the
 * snapshot when Raft says so, then apply each committed entry; applied is told of each
 * command (with context), entry_done of each entry (its index, term, first refusal or NULL).
 * -1 (recorded) on a damaged log or snapshot. */
typedef void swarm_manager_entry_fn(void *context, raft_index index, raft_term term, const char *refused);
int swarm_manager_apply(struct swarm_manager *manager, const struct raft_output *out,
			swarm_manager_entry_fn *entry_done, void *context);

/* Leading, with a store that holds everything in the log. */
bool swarm_manager_caught_up(const struct swarm_manager *manager);

/* A worker's heartbeat or report at now, on the leader: commands for the next round. */
int swarm_manager_heartbeat(struct swarm_manager *manager, const char *node, uint64_t now);
int swarm_manager_report(struct swarm_manager *manager, const char *node, uint64_t task, enum swarm_task_state state,
			 const char *message, const struct swarm_endpoint *endpoints, size_t endpoint_count, uint64_t now);

/* The leader's round at now: when caught up, the waiting commands and the loops' as one
 * entry (*bytes malloc'd, NULL when there is nothing to propose); when not, the waiting
 * commands are dropped (a heartbeat says its piece again in a second). -1 recorded. */
int swarm_manager_round(struct swarm_manager *manager, uint64_t now, char **bytes, size_t *size);

/* Time for a snapshot: the store's bytes (*bytes malloc'd) and the index they reflect, to
 * hand to raft_step as RAFT_SNAPSHOT_TAKEN; 0 with *bytes NULL when not yet. -1 recorded. */
int swarm_manager_snapshot(struct swarm_manager *manager, char **bytes, size_t *size, raft_index *index);

#endif
