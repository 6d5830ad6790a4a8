/*
 * raft-message.h - the messages Raft managers send each other.
 *
 * The paper describes them as two RPCs (Figure 2: RequestVote, AppendEntries) and a third for
 * snapshots (Figure 13: InstallSnapshot). Here each call and each reply is a one-way message of
 * its own: on a real network, and in the simulation, a request can arrive without its reply
 * ever coming back, or arrive twice, or late. raft.c never waits for a reply; it acts on each
 * message as it comes, and each carries the sender's term so a stale one is recognised.
 *
 * A message that raft_step hands out points into the node (its entries, its snapshot) and is
 * valid until the node's next step; raft_message_copy gives a message that owns them, for a
 * network that holds it longer.
 */
#ifndef TINYDOCK_RAFT_MESSAGE_H
#define TINYDOCK_RAFT_MESSAGE_H

#include "raft-log.h"

#include <stdbool.h>
#include <stddef.h>

/* The messages of the paper: the RPCs RequestVote, AppendEntries and InstallSnapshot, and
 * their replies, as one-way messages (a reply is a message of its own, possibly lost). */
enum raft_message_kind {
	RAFT_REQUEST_VOTE,
	RAFT_REQUEST_VOTE_REPLY,
	RAFT_APPEND_ENTRIES,
	RAFT_APPEND_ENTRIES_REPLY,
	RAFT_INSTALL_SNAPSHOT,
	RAFT_INSTALL_SNAPSHOT_REPLY,
};

const char *raft_message_name(enum raft_message_kind kind);

struct raft_message {
	enum raft_message_kind kind;
	raft_id from, to;
	raft_term term; /* the sender's term (a pre-vote asks for the term it would take) */

	/* RequestVote: the candidate's last entry, to prove its log is up to date (5.4.1) */
	raft_index last_log_index;
	raft_term last_log_term;
	bool pre_vote; /* RequestVote and its reply: a pre-vote (thesis 9.6) */
	bool granted;  /* RequestVote reply */

	/* AppendEntries: entries after prev_index, which must hold prev_term (5.3) */
	raft_index prev_index;
	raft_term prev_term;
	const struct raft_entry *entries;
	size_t entry_count;
	raft_index leader_commit;

	/* AppendEntries and InstallSnapshot replies */
	bool success;
	raft_index match_index; /* success: the follower's log matches the leader's up to here */
	/* failure: where the leader should look next (the fast back-off of 5.3): the first index
	 * of conflict_term in the follower's log, or the follower's last index + 1 when its log
	 * is too short (conflict_term 0) */
	raft_index conflict_index;
	raft_term conflict_term;

	/* InstallSnapshot (section 7): the whole snapshot in one message */
	const struct raft_snapshot *snapshot;
};

/* A copy of message whose entries and snapshot are its own; -1 (recorded) when out of memory. */
int raft_message_copy(struct raft_message *dst, const struct raft_message *src);
/* Free what raft_message_copy allocated. */
void raft_message_free(struct raft_message *message);

#endif
