/*
 * raft-check.c - the safety properties of Raft (Figure 3 of the paper), checked step by step.
 *
 * Each property is checked where it can first break, with what the checks remember:
 *   election safety       the leader of each term, recorded when a node becomes leader;
 *   leader append-only    a step of a leader that stays leader of its term writes its log only
 *                         after its last entry (the step's persist_from);
 *   log matching          checked as: an (index, term) is always the same entry and follows
 *                         an entry of the same term; by induction down the log, two logs that
 *                         share an (index, term) are then equal up to it. A table of every
 *                         (index, term) ever written holds what it was;
 *   leader completeness   every entry known committed, with the term in which it was first seen
 *                         committed: a leader of a later term must have it, when elected and
 *                         when more is committed;
 *   state machine safety  the hash of the state machine after each index: every node that
 *                         applies up to that index, or installs a snapshot there, must have it.
 *                         And a node never rewrites an entry it has committed.
 *
 * Read next: raft-sim.c, which calls these after every step of every node.
 */
#include "raft-check.h"
#include "error.h"
#include "grow.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct raft_check_written {
	raft_index index; /* 0: a free slot */
	raft_term term;
	uint64_t identity;
	raft_term prev_term;
};

struct raft_check_committed {
	uint64_t identity;
	raft_term seen_in_term; /* the term of the node that first saw it committed */
};

void raft_checks_free(struct raft_checks *checks)
{
	free(checks->leader_of_term);
	free(checks->written);
	free(checks->committed);
	free(checks->state_after);
	memset(checks, 0, sizeof(*checks));
}

static uint64_t mix(uint64_t hash, uint64_t value)
{
	hash ^= value + 0x9e3779b97f4a7c15ull + (hash << 6) + (hash >> 2);
	return hash * 0xff51afd7ed558ccdull;
}

uint64_t raft_entry_identity(const struct raft_entry *entry)
{
	uint64_t hash = mix(mix(1, entry->term), entry->kind);
	for (size_t i = 0; i < entry->size; i++)
		hash = mix(hash, entry->data[i]);
	for (size_t i = 0; entry->kind == RAFT_ENTRY_CONFIG && i < entry->config.count; i++)
		hash = mix(hash, entry->config.members[i]);
	return hash;
}

uint64_t raft_state_after(uint64_t state, const struct raft_entry *entry)
{
	return mix(state ? state : 1, raft_entry_identity(entry));
}

struct raft_check_before raft_check_before(const struct raft_node *node)
{
	return (struct raft_check_before){ node->role, node->persisted.term,
					   raft_log_last_index(&node->persisted.log), node->commit_index };
}

/* --- election safety and leader completeness ------------------------------------------------ */

static int check_election_safety(struct raft_checks *checks, raft_id id, raft_term term)
{
	if (grow_array((void **)&checks->leader_of_term, &checks->terms, term + 1,
		       sizeof(raft_id), "the raft checks' table") < 0)
		return -1;
	raft_id earlier = checks->leader_of_term[term];
	if (earlier && earlier != id)
		return fail_errno(0, "election safety: %u and %u are both leaders of term %" PRIu64, earlier, id, term);
	checks->leader_of_term[term] = id;
	return 0;
}

/* The leader has every entry from `from` on committed in a term before its own. */
static int check_leader_completeness(const struct raft_checks *checks, raft_id id, const struct raft_node *leader,
				     raft_index from)
{
	const struct raft_log *log = &leader->persisted.log;
	if (from <= log->snapshot.index)
		from = log->snapshot.index + 1; /* a snapshot holds only what was committed */
	for (raft_index i = from; i <= checks->committed_count; i++) {
		const struct raft_check_committed *committed = &checks->committed[i - 1];
		if (committed->seen_in_term >= leader->persisted.term)
			continue;
		const struct raft_entry *entry = raft_log_entry(log, i);
		if (!entry || raft_entry_identity(entry) != committed->identity)
			return fail_errno(0, "leader completeness: leader %u of term %" PRIu64 " lacks entry %" PRIu64
					  " committed in term %" PRIu64, id, leader->persisted.term, i,
					  committed->seen_in_term);
	}
	return 0;
}

/* --- log matching ----------------------------------------------------------------------------- */

static struct raft_check_written *written_slot(struct raft_checks *checks, raft_index index, raft_term term)
{
	size_t mask = checks->written_capacity - 1;
	size_t i = mix(mix(7, index), term) & mask;
	while (checks->written[i].index && (checks->written[i].index != index || checks->written[i].term != term))
		i = (i + 1) & mask;
	return &checks->written[i];
}

/* Keep the table at most half full: double it and put every entry back. */
static int grow_written(struct raft_checks *checks)
{
	if (2 * (checks->written_count + 1) <= checks->written_capacity)
		return 0;
	struct raft_check_written *old = checks->written;
	size_t old_capacity = checks->written_capacity;
	size_t capacity = old_capacity ? 2 * old_capacity : 1024;
	checks->written = calloc(capacity, sizeof(*checks->written));
	if (!checks->written) {
		checks->written = old;
		return fail_errno(ENOMEM, "cannot grow the raft checks' table of entries to %zu", capacity);
	}
	checks->written_capacity = capacity;
	for (size_t i = 0; i < old_capacity; i++)
		if (old[i].index)
			*written_slot(checks, old[i].index, old[i].term) = old[i];
	free(old);
	return 0;
}

static int check_log_matching(struct raft_checks *checks, raft_id id, const struct raft_log *log, raft_index from)
{
	for (raft_index i = from; i <= raft_log_last_index(log); i++) {
		const struct raft_entry *entry = raft_log_entry(log, i);
		raft_term prev_term = 0;
		raft_log_term_at(log, i - 1, &prev_term);
		if (grow_written(checks) < 0)
			return -1;
		struct raft_check_written *seen = written_slot(checks, i, entry->term);
		if (!seen->index) {
			*seen = (struct raft_check_written){ i, entry->term, raft_entry_identity(entry), prev_term };
			checks->written_count++;
		} else if (seen->identity != raft_entry_identity(entry) || seen->prev_term != prev_term) {
			return fail_errno(0, "log matching: node %u's entry %" PRIu64 " of term %" PRIu64
					  " differs from another node's", id, i, entry->term);
		}
	}
	return 0;
}

/* --- what is committed -------------------------------------------------------------------------- */

static int check_committed(struct raft_checks *checks, raft_id id, const struct raft_node *node, raft_index from,
			   const struct raft_node *const *nodes, size_t node_count)
{
	raft_index first_new = checks->committed_count + 1;
	for (raft_index i = from; i <= node->commit_index; i++) {
		const struct raft_entry *entry = raft_log_entry(&node->persisted.log, i);
		if (!entry)
			continue; /* came in a snapshot: raft_check_state covers it */
		if (i <= checks->committed_count) {
			if (checks->committed[i - 1].identity != raft_entry_identity(entry))
				return fail_errno(0, "state machine safety: node %u committed another entry %" PRIu64
						  " than was committed before", id, i);
			continue;
		}
		if (i != checks->committed_count + 1)
			break; /* a gap: another node will fill it first */
		if (grow_array((void **)&checks->committed, &checks->committed_capacity, i,
			       sizeof(*checks->committed), "the raft checks' table") < 0)
			return -1;
		checks->committed[i - 1] = (struct raft_check_committed){ raft_entry_identity(entry),
									  node->persisted.term };
		checks->committed_count = i;
	}
	/* A leader of a later term must already have what was just committed. */
	for (size_t n = 0; n < node_count; n++)
		if (nodes[n] && nodes[n]->role == RAFT_LEADER &&
		    check_leader_completeness(checks, n + 1, nodes[n], first_new) < 0)
			return -1;
	return 0;
}

int raft_check_step(struct raft_checks *checks, raft_id id, const struct raft_node *node,
		    const struct raft_check_before *before, const struct raft_output *out,
		    const struct raft_node *const *nodes, size_t node_count)
{
	if (out->persist_from) {
		if (out->persist_from <= before->commit_index)
			return fail_errno(0, "state machine safety: node %u rewrites its log from %" PRIu64
					  ", below its commit index %" PRIu64, id, out->persist_from, before->commit_index);
		if (before->role == RAFT_LEADER && node->role == RAFT_LEADER && before->term == node->persisted.term &&
		    out->persist_from <= before->last_index)
			return fail_errno(0, "leader append-only: leader %u rewrites its log from %" PRIu64, id,
					  out->persist_from);
		if (check_log_matching(checks, id, &node->persisted.log, out->persist_from) < 0)
			return -1;
	}
	if (node->role == RAFT_LEADER && (before->role != RAFT_LEADER || before->term != node->persisted.term) &&
	    (check_election_safety(checks, id, node->persisted.term) < 0 ||
	     check_leader_completeness(checks, id, node, 1) < 0))
		return -1;
	if (node->commit_index > before->commit_index &&
	    check_committed(checks, id, node, before->commit_index + 1, nodes, node_count) < 0)
		return -1;
	return 0;
}

int raft_check_state(struct raft_checks *checks, raft_id id, raft_index index, uint64_t state)
{
	if (grow_array((void **)&checks->state_after, &checks->state_capacity, index + 1,
		       sizeof(uint64_t), "the raft checks' table") < 0)
		return -1;
	if (checks->state_after[index] == 0)
		checks->state_after[index] = state;
	else if (checks->state_after[index] != state)
		return fail_errno(0, "state machine safety: node %u's state after entry %" PRIu64
				  " differs from another node's", id, index);
	return 0;
}

raft_index raft_checks_committed(const struct raft_checks *checks)
{
	return checks->committed_count;
}

bool raft_checks_committed_entry(const struct raft_checks *checks, raft_index index, uint64_t *identity)
{
	if (index == 0 || index > checks->committed_count)
		return false;
	*identity = checks->committed[index - 1].identity;
	return true;
}

size_t raft_checks_leaders(const struct raft_checks *checks)
{
	size_t leaders = 0;
	for (size_t term = 0; term < checks->terms; term++)
		leaders += checks->leader_of_term[term] != 0;
	return leaders;
}
