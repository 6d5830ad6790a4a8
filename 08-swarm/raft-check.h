/*
 * raft-check.h - the safety properties of Raft, checked on a running cluster.
 *
 * Figure 3 of the Raft paper lists what Raft guarantees at all times:
 *   election safety       at most one leader is elected in a term;
 *   leader append-only    a leader never overwrites or deletes entries of its log;
 *   log matching          two logs with an entry of the same index and term are identical
 *                         up to that index;
 *   leader completeness   an entry committed in a term is in the log of every leader of a
 *                         later term;
 *   state machine safety  no two servers apply different entries at one index.
 * The simulation (raft-sim.c) tells a struct raft_checks what each node does, step by step;
 * the checks remember what they need and fail at the first step that breaks a property.
 *
 * Pure: no clock, no output. A broken property is recorded (error.h) as the property's name,
 * the node and the index or term: "election safety: 3 and 2 are both leaders of term 6".
 */
#ifndef TINYDOCK_RAFT_CHECK_H
#define TINYDOCK_RAFT_CHECK_H

#include "raft.h"

#include <stddef.h>
#include <stdint.h>

struct raft_check_written;
struct raft_check_committed;

/* What the checks remember. All zero is an empty memory; raft_checks_free releases it. */
struct raft_checks {
	raft_id *leader_of_term;                 /* by term: election safety */
	size_t terms;
	struct raft_check_written *written;      /* (index, term) -> entry: log matching */
	size_t written_count, written_capacity;
	struct raft_check_committed *committed;  /* by index: what was committed */
	size_t committed_count, committed_capacity;
	uint64_t *state_after;                   /* by index: the state machine's hash after it */
	size_t state_capacity;
};

void raft_checks_free(struct raft_checks *checks);

/* An entry as one number (its term, kind and contents), and the hash of a state machine that
 * applied `entry` after `state` (0 before anything is applied): two state machines that applied
 * the same entries in the same order have the same hash. */
uint64_t raft_entry_identity(const struct raft_entry *entry);
uint64_t raft_state_after(uint64_t state, const struct raft_entry *entry);

/* What a node was before a step: raft_check_step compares it with what it is after. */
struct raft_check_before {
	enum raft_role role;
	raft_term term;
	raft_index last_index, commit_index;
};

struct raft_check_before raft_check_before(const struct raft_node *node);

/* After node `id` took a step whose output is out: leader append-only, no rewrite of a
 * committed entry, log matching of what it wrote, and, when it became leader, election safety
 * and leader completeness; when its commit index moved, what it committed agrees with what was
 * committed before, and every leader of a later term has it (nodes[i] is node i + 1, NULL when
 * down). -1 (recorded) at the first broken property, or when out of memory. */
int raft_check_step(struct raft_checks *checks, raft_id id, const struct raft_node *node,
		    const struct raft_check_before *before, const struct raft_output *out,
		    const struct raft_node *const *nodes, size_t node_count);

/* Node id's state machine has the hash `state` after entry `index`: the same as every other
 * node's after that entry. -1 (recorded) when not. */
int raft_check_state(struct raft_checks *checks, raft_id id, raft_index index, uint64_t state);

/* The highest index known committed, and the identity of a committed entry (false when the
 * index is not known committed). */
raft_index raft_checks_committed(const struct raft_checks *checks);
bool raft_checks_committed_entry(const struct raft_checks *checks, raft_index index, uint64_t *identity);

/* How many terms had a leader. */
size_t raft_checks_leaders(const struct raft_checks *checks);

#endif
