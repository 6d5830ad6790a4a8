/*
 * raft.h - one manager's Raft, as a pure state machine: inputs and the time go in, actions
 * come out.
 *
 * The node never reads a clock, never opens a socket and never writes a file. The caller
 * hands it one input at a time with the current time in milliseconds (raft_step), and the node
 * answers with what to do (struct raft_output): state to write to disk, messages to send,
 * entries to apply to the state machine. So a whole cluster runs inside one test, on a
 * virtual clock and a network that loses and reorders on purpose (raft-sim.c), and the swarm
 * daemon later puts real time, sockets and files around the same code.
 *
 * The rules are those of Figure 2 of the Raft paper (Ongaro and Ousterhout, "In Search of an
 * Understandable Consensus Algorithm", USENIX ATC 2014); raft.c cites them where it keeps them,
 * and names the additions from Ongaro's thesis ("Consensus: Bridging Theory and Practice",
 * Stanford, 2014): pre-vote and membership changes of one manager at a time.
 */
#ifndef TINYDOCK_RAFT_H
#define TINYDOCK_RAFT_H

#include "raft-log.h"
#include "raft-message.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum raft_role { RAFT_FOLLOWER, RAFT_CANDIDATE, RAFT_LEADER };

const char *raft_role_name(enum raft_role role);

struct raft_options {
	raft_id id;
	/* A follower that hears nothing from a leader for a time drawn at random from
	 * [election_timeout_ms, 2 * election_timeout_ms) starts an election (5.2). */
	uint32_t election_timeout_ms;
	uint32_t heartbeat_ms;    /* a leader sends AppendEntries at least this often */
	bool pre_vote;            /* ask before standing for election (thesis 9.6) */
	/* A leader that has not heard from a majority within an election timeout steps down
	 * (thesis 6.2): cut off in a minority, it would otherwise keep the title, and the clients
	 * and workers that reach it would wait on a leader that can commit nothing. */
	bool check_quorum;
	size_t max_batch;         /* entries in one AppendEntries at most */
	uint64_t random_seed;     /* the source of the randomized timeouts */
};

/* 1 s election timeout, 100 ms heartbeat, pre-vote and check-quorum on, 64 entries a message. */
struct raft_options raft_default_options(raft_id id, uint64_t random_seed);

/* What must survive a crash (Figure 2, "Persistent state on all servers"): the term, the
 * vote given in it and the log. The rest of a node (its role, the commit index, a leader's
 * view of its followers) is rebuilt after a restart. */
struct raft_persisted {
	raft_term term;
	raft_id voted_for;
	struct raft_log log;
};

void raft_persisted_free(struct raft_persisted *persisted);

/* A proposal is refused by a node that cannot take it now; the caller asks the leader. */
enum raft_refusal {
	RAFT_ACCEPTED,
	RAFT_NOT_LEADER,
	RAFT_CHANGE_IN_PROGRESS, /* a membership change is not committed yet */
	RAFT_NOT_A_CHANGE,       /* adding a member, removing a non-member or the last one */
};

enum raft_input_kind {
	RAFT_TICK,            /* time has passed: timers may fire */
	RAFT_RECEIVE,         /* a message arrived */
	RAFT_PROPOSE,         /* a command for the log (leader only) */
	RAFT_ADD_MEMBER,      /* a membership change: one manager in (leader only) */
	RAFT_REMOVE_MEMBER,   /* or one out */
	RAFT_SNAPSHOT_TAKEN,  /* the state machine wrote its state after entry `index` */
};

struct raft_input {
	enum raft_input_kind kind;
	const struct raft_message *message; /* RAFT_RECEIVE */
	const void *data;                   /* RAFT_PROPOSE: the command; RAFT_SNAPSHOT_TAKEN: the state */
	size_t size;
	raft_id member;                     /* RAFT_ADD_MEMBER, RAFT_REMOVE_MEMBER */
	raft_index index;                   /* RAFT_SNAPSHOT_TAKEN: at most the last applied */
};

/*
 * What the caller must do after a step, in this order:
 *   1. persist: write the term and vote, then the log from persist_from on (entries after it
 *      on disk are gone), or the snapshot, and flush (raft_persist does it to a copy);
 *   2. only then send the messages: a vote or an acknowledgement is a promise made on the
 *      strength of state that must not be forgotten in a crash (Figure 2: "Updated on stable
 *      storage before responding to RPCs"). A node that voted, crashed before writing the
 *      vote and restarted could vote again in the same term, and two leaders could be
 *      elected in it; one that acknowledged entries it then lost could let a leader count
 *      them as committed on a majority that no longer has them;
 *   3. restore the state machine from the snapshot when restore_snapshot says so, then apply
 *      the entries apply[0 .. apply_count).
 * Everything points into the node and stays valid until its next raft_step: copy what you keep.
 */
struct raft_output {
	bool persist_term_vote;
	bool persist_snapshot;
	raft_index persist_from; /* 0: the log on disk is up to date */

	const struct raft_message *messages;
	size_t message_count;

	bool restore_snapshot; /* the log's snapshot replaces the state machine */
	const struct raft_entry *apply;
	size_t apply_count;
	raft_index apply_first; /* the index of apply[0] */

	bool role_changed; /* the node became follower, candidate or leader */
	enum raft_refusal refusal; /* for a proposal or a membership change */
	raft_index proposed_index; /* where an accepted proposal sits in the log */
};

struct raft_progress {
	raft_id id;
	raft_index next_index;  /* the next entry to send it (Figure 2, "Volatile state on leaders") */
	raft_index match_index; /* the highest entry known to be in its log */
	uint64_t last_heard;    /* when it last answered (check_quorum) */
};

struct raft_node {
	struct raft_options options;
	struct raft_persisted persisted;

	enum raft_role role;
	raft_id leader; /* 0 when unknown */
	raft_index commit_index, last_applied;

	uint64_t now;               /* the time of the last step */
	uint64_t election_deadline; /* follower, candidate: when to stand for election */
	uint64_t heartbeat_deadline;/* leader: when to send AppendEntries to everyone */
	uint64_t leader_contact;    /* when a leader was last heard from */
	uint64_t random_state;

	bool pre_candidate;         /* a candidate asking for pre-votes (no term taken yet) */
	raft_id votes[RAFT_MAX_MEMBERS]; /* who granted this election's (pre-)votes */
	size_t vote_count;

	struct raft_progress progress[RAFT_MAX_MEMBERS]; /* leader: one per other member */
	size_t progress_count;
	raft_index term_first_index; /* leader: its no-op; changes wait until it is committed */

	struct raft_message *outbox;
	size_t outbox_count, outbox_capacity;
	bool persist_term_vote, persist_snapshot, restore_snapshot, role_changed;
	raft_index persist_from;
};

/* Start a node at time now (its options checked: -1 and recorded when unusable) from what it
 * persisted (NULL: a new node, with term 0, no vote, and a log
 * whose snapshot at index 0 holds initial, the first managers; a manager that joins an
 * existing cluster starts with no members and learns them from the leader's log).
 * -1 (recorded) when out of memory. */
int raft_node_init(struct raft_node *node, const struct raft_options *options,
		   const struct raft_config *initial, const struct raft_persisted *restored,
		   uint64_t now);
void raft_node_free(struct raft_node *node);

/* Take one input at time now (milliseconds, never going back). Returns -1 (recorded) when out
 * of memory, or for a snapshot past the last applied entry; out says what to do. */
int raft_step(struct raft_node *node, const struct raft_input *input, uint64_t now,
	      struct raft_output *out);

/* The next time the node has something to do without an input (a timer): call raft_step
 * with RAFT_TICK then. */
uint64_t raft_next_deadline(const struct raft_node *node);

/* Do step 1 of raft_output to an in-memory copy of the disk: what a real caller writes. */
int raft_persist(struct raft_persisted *disk, const struct raft_node *node,
		 const struct raft_output *out);

#endif
