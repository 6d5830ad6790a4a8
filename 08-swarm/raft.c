/*
 * raft.c - one manager's Raft: elections, replication, commitment, snapshots and membership.
 *
 * Lecture: "Manager fails → manager's workers are assigned to another manager". For another
 * manager to take over, the managers must agree on the desired state, even when some of them
 * are down or cut off. Raft gets them to agree on a log (raft-log.h) with three mechanisms:
 *
 *   Election (5.2). Every manager is a follower, a candidate or the leader. A follower that
 *   hears nothing from a leader for an election timeout becomes a candidate: it takes the
 *   next term, votes for itself and asks the others. Each manager gives one vote per term,
 *   so at most one candidate gets a majority in a term. The timeout is drawn at random for
 *   each wait, so that two followers rarely stand at once and split the vote.
 *
 *   Replication (5.3). Only the leader takes proposals. It appends them to its log and sends
 *   them to the followers in AppendEntries, with the index and term of the entry before them;
 *   a follower accepts only if its log has that entry (the consistency check), so by
 *   induction an accepted log equals the leader's up to the last new entry. A follower whose
 *   log differs is walked back to where they agree and overwritten from there.
 *
 *   Commitment (5.3, 5.4). An entry is committed once it is stored on a majority, and then
 *   applied. Any two majorities share a manager, and a candidate gets a vote only when its
 *   log is at least as up to date as the voter's (5.4.1), so every future leader has every
 *   committed entry. One subtlety (5.4.2, Figure 8): a leader counts copies only for entries
 *   of its own term; an older entry is committed with them. An entry of an older term can be
 *   on a majority and still be overwritten by a later leader, as the simulator shows.
 *
 * Three additions. A new leader appends a no-op entry at once (section 8 of the paper), so
 * that the entries of earlier terms commit without waiting for a client. From Ongaro's thesis:
 * a would-be candidate first asks for pre-votes (9.6), so a manager that was cut off and comes
 * back with a high term does not depose a healthy leader; and membership changes one manager at
 * a time (4.1): any majority of the old list and any of the new one then share a manager, so a
 * configuration entry can take effect as soon as it is appended, with no joint phase (the
 * paper's section 6 changes any number at once, through a joint configuration).
 *
 * Read next: raft-sim.c, which runs managers against each other with faults.
 */
#include "raft.h"
#include "error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *raft_role_name(enum raft_role role)
{
	switch (role) {
	case RAFT_FOLLOWER: return "follower";
	case RAFT_CANDIDATE: return "candidate";
	case RAFT_LEADER: return "leader";
	}
	return "?";
}

struct raft_options raft_default_options(raft_id id, uint64_t random_seed)
{
	return (struct raft_options){
		.id = id,
		.election_timeout_ms = 1000,
		.heartbeat_ms = 100,
		.pre_vote = true,
		.check_quorum = true,
		.max_batch = 64,
		.random_seed = random_seed,
	};
}

void raft_persisted_free(struct raft_persisted *persisted)
{
	raft_log_free(&persisted->log);
}

/* --- small helpers ------------------------------------------------------------------------ */

static struct raft_log *node_log(struct raft_node *node)
{
	return &node->persisted.log;
}

static raft_term current_term(const struct raft_node *node)
{
	return node->persisted.term;
}

static const struct raft_config *members(const struct raft_node *node)
{
	return raft_log_config(&node->persisted.log);
}

static bool is_member(const struct raft_node *node)
{
	return raft_config_has(members(node), node->options.id);
}

/* splitmix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014):
 * a seeded source, so that a simulated run is the same every time. */
static uint64_t next_random(struct raft_node *node)
{
	uint64_t z = (node->random_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Wait a time drawn from [T, 2T) before standing for election (5.2, 9.3 of the thesis). */
static void reset_election_timer(struct raft_node *node)
{
	uint32_t timeout = node->options.election_timeout_ms;
	node->election_deadline = node->now + timeout + next_random(node) % timeout;
}

static void mark_log_changed(struct raft_node *node, raft_index from)
{
	if (node->persist_from == 0 || from < node->persist_from)
		node->persist_from = from;
}

static void set_role(struct raft_node *node, enum raft_role role)
{
	if (node->role != role)
		node->role_changed = true;
	node->role = role;
}

/* A message in the outbox, with sender, receiver and term filled in; NULL when out of memory. */
static struct raft_message *new_message(struct raft_node *node, enum raft_message_kind kind, raft_id to)
{
	if (node->outbox_count == node->outbox_capacity) {
		size_t capacity = node->outbox_capacity ? 2 * node->outbox_capacity : 8;
		struct raft_message *grown = realloc(node->outbox, capacity * sizeof(*grown));
		if (!grown) {
			fail_errno(ENOMEM, "cannot queue a raft message to %u", to);
			return NULL;
		}
		node->outbox = grown;
		node->outbox_capacity = capacity;
	}
	struct raft_message *message = &node->outbox[node->outbox_count++];
	*message = (struct raft_message){ .kind = kind, .from = node->options.id, .to = to,
					  .term = current_term(node) };
	return message;
}

/* Figure 2, "All Servers": a message with a higher term makes any node a follower of that
 * term, with no vote given in it yet. The term and the vote change: both are persisted. */
static void become_follower(struct raft_node *node, raft_term term, raft_id leader)
{
	if (term > current_term(node)) {
		node->persisted.term = term;
		node->persisted.voted_for = 0;
		node->persist_term_vote = true;
	}
	if (node->role != RAFT_FOLLOWER)
		reset_election_timer(node);
	set_role(node, RAFT_FOLLOWER);
	node->pre_candidate = false;
	node->leader = leader;
}

/* 5.4.1: a vote goes only to a candidate whose log is at least as up to date as the voter's:
 * a later last term, or the same last term and a log at least as long. */
static bool log_is_up_to_date(struct raft_node *node, const struct raft_message *request)
{
	raft_term last_term = raft_log_last_term(node_log(node));
	if (request->last_log_term != last_term)
		return request->last_log_term > last_term;
	return request->last_log_index >= raft_log_last_index(node_log(node));
}

/* --- the leader's side of replication ------------------------------------------------------ */

static struct raft_progress *progress_of(struct raft_node *node, raft_id id)
{
	for (size_t i = 0; i < node->progress_count; i++)
		if (node->progress[i].id == id)
			return &node->progress[i];
	return NULL;
}

/* The leader tracks every member but itself; a change of members keeps what it knew. */
static void rebuild_progress(struct raft_node *node)
{
	struct raft_progress old[RAFT_MAX_MEMBERS];
	size_t old_count = node->progress_count;
	memcpy(old, node->progress, sizeof(old));
	const struct raft_config *config = members(node);
	node->progress_count = 0;
	for (size_t i = 0; i < config->count; i++) {
		raft_id id = config->members[i];
		if (id == node->options.id)
			continue;
		/* A member new to this leader gets a whole election timeout to answer (check_quorum). */
		struct raft_progress fresh = { id, raft_log_last_index(node_log(node)) + 1, 0, node->now };
		for (size_t j = 0; j < old_count; j++)
			if (old[j].id == id)
				fresh = old[j];
		node->progress[node->progress_count++] = fresh;
	}
}

/* Send one follower what it lacks: the entries from next_index on (at most max_batch of them),
 * or the snapshot when they have been compacted away. The entries are found in the log when
 * the step ends (finish_step), so that a log growing in the same step cannot leave a
 * message pointing at moved memory. */
static int send_append(struct raft_node *node, struct raft_progress *follower)
{
	struct raft_log *log = node_log(node);
	if (follower->next_index <= log->snapshot.index) {
		struct raft_message *m = new_message(node, RAFT_INSTALL_SNAPSHOT, follower->id);
		if (!m)
			return -1;
		m->snapshot = &log->snapshot;
		return 0;
	}
	struct raft_message *m = new_message(node, RAFT_APPEND_ENTRIES, follower->id);
	if (!m)
		return -1;
	m->prev_index = follower->next_index - 1;
	raft_log_term_at(log, m->prev_index, &m->prev_term);
	raft_index available = raft_log_last_index(log) - m->prev_index;
	m->entry_count = available < node->options.max_batch ? available : node->options.max_batch;
	m->leader_commit = node->commit_index;
	return 0;
}

static int broadcast_append(struct raft_node *node)
{
	for (size_t i = 0; i < node->progress_count; i++)
		if (send_append(node, &node->progress[i]) < 0)
			return -1;
	node->heartbeat_deadline = node->now + node->options.heartbeat_ms;
	return 0;
}

/* 5.3 and 5.4.2: the highest index of the leader's term stored on a majority of the members
 * is committed, and all before it with it. The leader counts itself only while a member: a
 * leader that removed itself keeps leading until the removal is committed (thesis 4.2.2),
 * and then steps down. */
static void advance_commit(struct raft_node *node)
{
	struct raft_log *log = node_log(node);
	const struct raft_config *config = members(node);
	for (raft_index n = raft_log_last_index(log); n > node->commit_index; n--) {
		raft_term term;
		if (!raft_log_term_at(log, n, &term) || term != current_term(node))
			break; /* 5.4.2: never by counting copies of an older term's entry */
		size_t copies = raft_config_has(config, node->options.id) ? 1 : 0;
		for (size_t i = 0; i < node->progress_count; i++)
			if (node->progress[i].match_index >= n && raft_config_has(config, node->progress[i].id))
				copies++;
		if (copies >= raft_config_quorum(config)) {
			node->commit_index = n;
			break;
		}
	}
	if (!is_member(node) && raft_log_last_config_index(log) <= node->commit_index)
		become_follower(node, current_term(node), 0);
}

static int become_leader(struct raft_node *node)
{
	set_role(node, RAFT_LEADER);
	node->pre_candidate = false;
	node->leader = node->options.id;
	node->progress_count = 0;
	rebuild_progress(node);
	/* Section 8: a no-op of the new term. Until an entry of its term is committed, a new
	 * leader cannot know which earlier entries are (5.4.2), nor commit them. */
	struct raft_entry noop = { .term = current_term(node), .kind = RAFT_ENTRY_NOOP };
	if (raft_log_append(node_log(node), &noop) < 0)
		return -1;
	node->term_first_index = raft_log_last_index(node_log(node));
	mark_log_changed(node, node->term_first_index);
	advance_commit(node); /* a cluster of one commits alone */
	return broadcast_append(node);
}

/* --- elections ----------------------------------------------------------------------------- */

static bool count_vote(struct raft_node *node, raft_id voter)
{
	if (!raft_config_has(members(node), voter))
		return false;
	for (size_t i = 0; i < node->vote_count; i++)
		if (node->votes[i] == voter)
			return false;
	node->votes[node->vote_count++] = voter;
	return node->vote_count >= raft_config_quorum(members(node));
}

/* Stand for election (5.2): a pre-vote asks whether the others would vote for us in the next
 * term, without taking it; a real election takes the term and votes for ourselves. */
static int start_election(struct raft_node *node, bool pre_vote)
{
	set_role(node, RAFT_CANDIDATE);
	node->leader = 0;
	node->pre_candidate = pre_vote;
	node->vote_count = 0;
	if (!pre_vote) {
		node->persisted.term++;
		node->persisted.voted_for = node->options.id;
		node->persist_term_vote = true;
	}
	reset_election_timer(node);
	if (count_vote(node, node->options.id))
		return pre_vote ? start_election(node, false) : become_leader(node);
	const struct raft_config *config = members(node);
	for (size_t i = 0; i < config->count; i++) {
		if (config->members[i] == node->options.id)
			continue;
		struct raft_message *m = new_message(node, RAFT_REQUEST_VOTE, config->members[i]);
		if (!m)
			return -1;
		m->term = current_term(node) + (pre_vote ? 1 : 0);
		m->pre_vote = pre_vote;
		m->last_log_index = raft_log_last_index(node_log(node));
		m->last_log_term = raft_log_last_term(node_log(node));
	}
	return 0;
}

static int on_request_vote(struct raft_node *node, const struct raft_message *request)
{
	bool granted;
	raft_term reply_term;
	if (request->pre_vote) {
		/* A pre-vote changes nothing here. It is refused while a leader is heard from:
		 * a manager that was cut off cannot win an election the others do not need. */
		bool leader_alive = node->role == RAFT_LEADER ||
				    (node->leader && node->now < node->leader_contact + node->options.election_timeout_ms);
		granted = request->term > current_term(node) && !leader_alive && log_is_up_to_date(node, request);
		reply_term = granted ? request->term : current_term(node);
	} else {
		if (request->term > current_term(node))
			become_follower(node, request->term, 0);
		raft_id voted_for = node->persisted.voted_for;
		granted = request->term == current_term(node) &&
			  (voted_for == 0 || voted_for == request->from) && log_is_up_to_date(node, request);
		if (granted) {
			node->persisted.voted_for = request->from;
			node->persist_term_vote = true; /* before the reply is sent: see raft.h */
			reset_election_timer(node);
		}
		reply_term = current_term(node);
	}
	struct raft_message *reply = new_message(node, RAFT_REQUEST_VOTE_REPLY, request->from);
	if (!reply)
		return -1;
	reply->term = reply_term;
	reply->pre_vote = request->pre_vote;
	reply->granted = granted;
	return 0;
}

static int on_request_vote_reply(struct raft_node *node, const struct raft_message *reply)
{
	if (reply->pre_vote) {
		bool ours = node->role == RAFT_CANDIDATE && node->pre_candidate &&
			    reply->term == current_term(node) + 1;
		if (ours && reply->granted && count_vote(node, reply->from))
			return start_election(node, false);
		if (!reply->granted && reply->term > current_term(node))
			become_follower(node, reply->term, 0);
		return 0;
	}
	if (reply->term > current_term(node)) {
		become_follower(node, reply->term, 0);
		return 0;
	}
	if (node->role == RAFT_CANDIDATE && !node->pre_candidate && reply->term == current_term(node) &&
	    reply->granted && count_vote(node, reply->from))
		return become_leader(node);
	return 0;
}

/* --- the follower's side of replication ----------------------------------------------------- */

/* A message of the current term from the leader: follow it and restart the election timer. */
static void heard_from_leader(struct raft_node *node, raft_id leader)
{
	if (node->role != RAFT_FOLLOWER || node->leader != leader)
		become_follower(node, current_term(node), leader);
	node->leader_contact = node->now;
	reset_election_timer(node);
}

/* The fast back-off of 5.3: on a mismatch, tell the leader the conflicting term and the first
 * index we hold of it, so it skips a whole term per round trip rather than one entry. */
static void explain_mismatch(struct raft_node *node, raft_index prev_index, struct raft_message *reply)
{
	struct raft_log *log = node_log(node);
	raft_index last = raft_log_last_index(log);
	if (prev_index > last) {
		reply->conflict_index = last + 1;
		reply->conflict_term = 0;
		return;
	}
	raft_log_term_at(log, prev_index, &reply->conflict_term);
	raft_index first = prev_index;
	raft_term term;
	while (first - 1 > log->snapshot.index && raft_log_term_at(log, first - 1, &term) &&
	       term == reply->conflict_term)
		first--;
	reply->conflict_index = first;
}

static int on_append_entries(struct raft_node *node, const struct raft_message *request)
{
	struct raft_message *reply = new_message(node, RAFT_APPEND_ENTRIES_REPLY, request->from);
	if (!reply)
		return -1;
	if (request->term < current_term(node))
		return 0; /* a stale leader: the reply's term tells it to step down */
	heard_from_leader(node, request->from);

	struct raft_log *log = node_log(node);
	raft_index prev = request->prev_index;
	raft_term prev_term = request->prev_term;
	const struct raft_entry *entries = request->entries;
	size_t count = request->entry_count;
	if (prev < log->snapshot.index) {
		/* The start is in our snapshot: committed, so equal to the leader's. Skip it. */
		size_t covered = log->snapshot.index - prev;
		if (covered >= count) {
			reply->success = true;
			reply->match_index = prev + count;
			return 0;
		}
		entries += covered;
		count -= covered;
		prev = log->snapshot.index;
		prev_term = log->snapshot.term;
	}
	raft_term term;
	if (!raft_log_term_at(log, prev, &term) || term != prev_term) {
		explain_mismatch(node, prev, reply); /* the consistency check failed (5.3) */
		return 0;
	}
	/* Figure 2, AppendEntries 3 and 4: an entry that conflicts with a new one (same index,
	 * other term) goes, with all that follow it; new entries are appended. Entries already
	 * there are kept: a late duplicate of an old message must not cut a longer log. */
	for (size_t i = 0; i < count; i++) {
		raft_index index = prev + 1 + i;
		if (raft_log_term_at(log, index, &term)) {
			if (term == entries[i].term)
				continue;
			raft_log_truncate(log, index);
		}
		if (raft_log_append(log, &entries[i]) < 0)
			return -1;
		mark_log_changed(node, index);
	}
	raft_index last_new = prev + count;
	/* Figure 2, AppendEntries 5: commit up to what the leader committed, but only within
	 * what this message proved to match. */
	if (request->leader_commit > node->commit_index) {
		raft_index commit = request->leader_commit < last_new ? request->leader_commit : last_new;
		if (commit > node->commit_index)
			node->commit_index = commit;
	}
	reply->success = true;
	reply->match_index = last_new;
	return 0;
}

static int on_install_snapshot(struct raft_node *node, const struct raft_message *request)
{
	struct raft_message *reply = new_message(node, RAFT_INSTALL_SNAPSHOT_REPLY, request->from);
	if (!reply)
		return -1;
	if (request->term < current_term(node))
		return 0;
	heard_from_leader(node, request->from);
	const struct raft_snapshot *snapshot = request->snapshot;
	if (snapshot->index > node->commit_index) {
		if (raft_log_install(node_log(node), snapshot) < 0)
			return -1;
		node->persist_snapshot = true;
		node->commit_index = snapshot->index;
		node->last_applied = snapshot->index;
		node->restore_snapshot = true;
	}
	/* Our log matches up to the snapshot's end either way: it is committed, as is ours. */
	reply->success = true;
	reply->match_index = snapshot->index;
	return 0;
}

/* A reply to AppendEntries or InstallSnapshot: move the follower's indices and send it more. */
static int on_append_reply(struct raft_node *node, const struct raft_message *reply)
{
	if (node->role != RAFT_LEADER || reply->term != current_term(node))
		return 0;
	struct raft_progress *follower = progress_of(node, reply->from);
	if (!follower)
		return 0;
	follower->last_heard = node->now; /* a refusal is an answer too: it is alive and follows */
	struct raft_log *log = node_log(node);
	raft_index last = raft_log_last_index(log);
	if (reply->success) {
		/* Replies may come late, twice or out of order: indices only move forward. */
		if (reply->match_index > follower->match_index)
			follower->match_index = reply->match_index;
		if (follower->next_index < follower->match_index + 1)
			follower->next_index = follower->match_index + 1;
		advance_commit(node);
		if (node->role == RAFT_LEADER && follower->next_index <= last)
			return send_append(node, follower);
		return 0;
	}
	raft_index next = reply->conflict_index;
	if (reply->conflict_term) {
		/* If we have entries of the follower's conflicting term, resume after our last one. */
		raft_term term;
		for (raft_index i = last; i > log->snapshot.index && raft_log_term_at(log, i, &term); i--) {
			if (term == reply->conflict_term) {
				next = i + 1;
				break;
			}
			if (term < reply->conflict_term)
				break;
		}
	}
	if (next <= follower->match_index)
		next = follower->match_index + 1;
	if (next > last + 1)
		next = last + 1;
	follower->next_index = next;
	return send_append(node, follower);
}

/* --- proposals ----------------------------------------------------------------------------- */

static int append_as_leader(struct raft_node *node, const struct raft_entry *entry, struct raft_output *out)
{
	if (raft_log_append(node_log(node), entry) < 0)
		return -1;
	out->proposed_index = raft_log_last_index(node_log(node));
	mark_log_changed(node, out->proposed_index);
	return 0;
}

static int propose(struct raft_node *node, const struct raft_input *input, struct raft_output *out)
{
	if (node->role != RAFT_LEADER) {
		out->refusal = RAFT_NOT_LEADER;
		return 0;
	}
	struct raft_entry entry = { .term = current_term(node), .kind = RAFT_ENTRY_COMMAND,
				    .data = (unsigned char *)input->data, .size = input->size };
	if (append_as_leader(node, &entry, out) < 0)
		return -1;
	advance_commit(node);
	return broadcast_append(node);
}

/* Thesis 4.1: one manager in or out at a time, and the next change only once this one is
 * committed. The new list is used as soon as it is appended (here now, on a follower when it
 * receives it). The change also waits for the leader's no-op to commit: without that, a
 * leader could append a change on top of an uncommitted one from an earlier term, and two
 * lists that differ by two managers would be in use at once (Ongaro, raft-dev, "bug in
 * single-server membership changes", 2015). */
static int change_members(struct raft_node *node, const struct raft_input *input, struct raft_output *out)
{
	if (node->role != RAFT_LEADER) {
		out->refusal = RAFT_NOT_LEADER;
		return 0;
	}
	if (raft_log_last_config_index(node_log(node)) > node->commit_index ||
	    node->commit_index < node->term_first_index) {
		out->refusal = RAFT_CHANGE_IN_PROGRESS;
		return 0;
	}
	struct raft_config config = *members(node);
	bool present = raft_config_has(&config, input->member);
	if (input->kind == RAFT_ADD_MEMBER) {
		if (present || input->member == 0 || config.count == RAFT_MAX_MEMBERS) {
			out->refusal = RAFT_NOT_A_CHANGE;
			return 0;
		}
		config.members[config.count++] = input->member;
	} else {
		if (!present || config.count == 1) { /* a cluster needs one manager at least */
			out->refusal = RAFT_NOT_A_CHANGE;
			return 0;
		}
		size_t kept = 0;
		for (size_t i = 0; i < config.count; i++)
			if (config.members[i] != input->member)
				config.members[kept++] = config.members[i];
		config.count = kept;
	}
	struct raft_entry entry = { .term = current_term(node), .kind = RAFT_ENTRY_CONFIG, .config = config };
	if (append_as_leader(node, &entry, out) < 0)
		return -1;
	rebuild_progress(node);
	advance_commit(node);
	return node->role == RAFT_LEADER ? broadcast_append(node) : 0;
}

static int take_snapshot(struct raft_node *node, const struct raft_input *input)
{
	struct raft_log *log = node_log(node);
	if (input->index <= log->snapshot.index)
		return 0; /* older than the one we have */
	if (input->index > node->last_applied)
		return fail_errno(EINVAL, "cannot take a raft snapshot at %llu: only %llu entries are applied",
				  (unsigned long long)input->index, (unsigned long long)node->last_applied);
	if (raft_log_compact(log, input->index, input->data, input->size) < 0)
		return -1;
	node->persist_snapshot = true;
	return 0;
}

/* --- the step ------------------------------------------------------------------------------ */

/* Thesis 6.2, check-quorum: has the leader heard from a majority (itself included) within the
 * last election timeout? Followers that stopped hearing it have stood for election by then, so
 * a leader that cannot say yes may already have a successor, and cannot commit anything. */
static bool hears_a_majority(const struct raft_node *node)
{
	const struct raft_config *config = members(node);
	uint64_t timeout = node->options.election_timeout_ms;
	size_t heard = raft_config_has(config, node->options.id) ? 1 : 0;
	for (size_t i = 0; i < node->progress_count; i++) {
		const struct raft_progress *follower = &node->progress[i];
		if (raft_config_has(config, follower->id) && node->now - follower->last_heard < timeout)
			heard++;
	}
	return heard >= raft_config_quorum(config);
}

static int on_tick(struct raft_node *node)
{
	if (node->role == RAFT_LEADER) {
		if (node->options.check_quorum && !hears_a_majority(node)) {
			become_follower(node, current_term(node), 0);
			return 0;
		}
		if (node->now >= node->heartbeat_deadline)
			return broadcast_append(node); /* heartbeats, and resending what was lost */
		return 0;
	}
	if (node->now < node->election_deadline)
		return 0;
	if (!is_member(node)) {
		reset_election_timer(node); /* a manager not (or not yet) in the list never stands */
		return 0;
	}
	return start_election(node, node->options.pre_vote);
}

static int on_receive(struct raft_node *node, const struct raft_message *message)
{
	if (message->to != node->options.id)
		return 0;
	switch (message->kind) {
	case RAFT_REQUEST_VOTE:
		return on_request_vote(node, message);
	case RAFT_REQUEST_VOTE_REPLY:
		return on_request_vote_reply(node, message);
	default:
		break;
	}
	if (message->term > current_term(node)) {
		bool from_leader = message->kind == RAFT_APPEND_ENTRIES || message->kind == RAFT_INSTALL_SNAPSHOT;
		become_follower(node, message->term, from_leader ? message->from : 0);
	}
	switch (message->kind) {
	case RAFT_APPEND_ENTRIES:
		return on_append_entries(node, message);
	case RAFT_INSTALL_SNAPSHOT:
		return on_install_snapshot(node, message);
	default:
		return on_append_reply(node, message);
	}
}

/* Hand out what the step produced; messages get their entries from the log as it is now. */
static void finish_step(struct raft_node *node, struct raft_output *out)
{
	struct raft_log *log = node_log(node);
	for (size_t i = 0; i < node->outbox_count; i++) {
		struct raft_message *m = &node->outbox[i];
		if (m->kind == RAFT_APPEND_ENTRIES)
			m->entries = m->entry_count ? raft_log_entry(log, m->prev_index + 1) : NULL;
	}
	out->messages = node->outbox;
	out->message_count = node->outbox_count;
	out->persist_term_vote = node->persist_term_vote;
	out->persist_snapshot = node->persist_snapshot;
	out->persist_from = node->persist_from;
	out->restore_snapshot = node->restore_snapshot;
	out->role_changed = node->role_changed;
	if (node->commit_index > node->last_applied) {
		out->apply_first = node->last_applied + 1;
		out->apply = raft_log_entry(log, out->apply_first);
		out->apply_count = node->commit_index - node->last_applied;
		node->last_applied = node->commit_index;
	}
}

int raft_step(struct raft_node *node, const struct raft_input *input, uint64_t now, struct raft_output *out)
{
	*out = (struct raft_output){ .refusal = RAFT_ACCEPTED };
	node->outbox_count = 0;
	node->persist_term_vote = node->persist_snapshot = node->restore_snapshot = false;
	node->role_changed = false;
	node->persist_from = 0;
	if (now > node->now)
		node->now = now;
	int status = 0;
	switch (input->kind) {
	case RAFT_TICK:
		status = on_tick(node);
		break;
	case RAFT_RECEIVE:
		status = on_receive(node, input->message);
		break;
	case RAFT_PROPOSE:
		status = propose(node, input, out);
		break;
	case RAFT_ADD_MEMBER:
	case RAFT_REMOVE_MEMBER:
		status = change_members(node, input, out);
		break;
	case RAFT_SNAPSHOT_TAKEN:
		status = take_snapshot(node, input);
		break;
	}
	finish_step(node, out);
	return status;
}

uint64_t raft_next_deadline(const struct raft_node *node)
{
	return node->role == RAFT_LEADER ? node->heartbeat_deadline : node->election_deadline;
}

int raft_node_init(struct raft_node *node, const struct raft_options *options,
		   const struct raft_config *initial, const struct raft_persisted *restored, uint64_t now)
{
	memset(node, 0, sizeof(*node));
	/* A heartbeat must come well within an election timeout, or followers stand for election
	 * under a live leader (5.6); a batch of 0 entries would never replicate anything. */
	if (options->id == 0 || options->heartbeat_ms == 0 || options->heartbeat_ms >= options->election_timeout_ms ||
	    options->max_batch == 0)
		return fail_errno(EINVAL, "cannot start raft node %u: it needs an id, a heartbeat shorter than the "
				  "election timeout (%u ms, %u ms) and batches of 1 entry at least",
				  options->id, options->heartbeat_ms, options->election_timeout_ms);
	node->options = *options;
	node->random_state = options->random_seed ^ ((uint64_t)options->id << 32);
	node->now = now;
	if (restored) {
		node->persisted.term = restored->term;
		node->persisted.voted_for = restored->voted_for;
		if (raft_log_copy(&node->persisted.log, &restored->log) < 0)
			return -1;
	} else if (initial) {
		node->persisted.log.snapshot.config = *initial;
	}
	/* Volatile state starts over (Figure 2): what the snapshot holds is known committed. */
	node->commit_index = node->last_applied = node->persisted.log.snapshot.index;
	node->role = RAFT_FOLLOWER;
	reset_election_timer(node);
	return 0;
}

void raft_node_free(struct raft_node *node)
{
	raft_persisted_free(&node->persisted);
	free(node->outbox);
	memset(node, 0, sizeof(*node));
}

int raft_persist(struct raft_persisted *disk, const struct raft_node *node, const struct raft_output *out)
{
	if (out->persist_term_vote) {
		disk->term = node->persisted.term;
		disk->voted_for = node->persisted.voted_for;
	}
	if (out->persist_snapshot) {
		struct raft_log copy;
		if (raft_log_copy(&copy, &node->persisted.log) < 0)
			return -1;
		raft_log_free(&disk->log);
		disk->log = copy;
		return 0;
	}
	if (out->persist_from) {
		const struct raft_log *log = &node->persisted.log;
		raft_log_truncate(&disk->log, out->persist_from);
		for (raft_index i = out->persist_from; i <= raft_log_last_index(log); i++)
			if (raft_log_append(&disk->log, raft_log_entry(log, i)) < 0)
				return -1;
	}
	return 0;
}
