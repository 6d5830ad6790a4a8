/*
 * test_raft.c - one Raft node (08-swarm/raft.c) driven by hand: each test gives it inputs and
 * reads its output, rule by rule of Figure 2 of the Raft paper, and the Figure 8 scenario.
 * Whole clusters with faults are in test_raft_sim.c.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "raft.h"

static const struct raft_config three = { { 1, 2, 3 }, 3 };
static const struct raft_config five = { { 1, 2, 3, 4, 5 }, 5 };

static struct raft_options options_for(raft_id id, bool pre_vote)
{
	struct raft_options options = raft_default_options(id, 42);
	options.pre_vote = pre_vote;
	return options;
}

static void start(struct raft_node *node, raft_id id, const struct raft_config *config, bool pre_vote)
{
	struct raft_options options = options_for(id, pre_vote);
	ck_assert_msg(raft_node_init(node, &options, config, NULL, 0) == 0, "%s", error_message());
}

/* A node restarted from a disk holding term, no vote, and entries of the given terms. */
static void restore(struct raft_node *node, raft_id id, const struct raft_config *config, raft_term term,
		    const raft_term *terms, size_t count)
{
	struct raft_persisted disk = { .term = term };
	raft_log_init(&disk.log);
	disk.log.snapshot.config = *config;
	for (size_t i = 0; i < count; i++) {
		struct raft_entry entry = { .term = terms[i], .kind = RAFT_ENTRY_COMMAND };
		ck_assert_int_eq(raft_log_append(&disk.log, &entry), 0);
	}
	struct raft_options options = options_for(id, false);
	ck_assert_int_eq(raft_node_init(node, &options, NULL, &disk, 0), 0);
	raft_persisted_free(&disk);
}

static struct raft_output tick(struct raft_node *node, uint64_t now)
{
	struct raft_input input = { .kind = RAFT_TICK };
	struct raft_output out;
	ck_assert_msg(raft_step(node, &input, now, &out) == 0, "%s", error_message());
	return out;
}

static struct raft_output receive(struct raft_node *node, const struct raft_message *message, uint64_t now)
{
	struct raft_input input = { .kind = RAFT_RECEIVE, .message = message };
	struct raft_output out;
	ck_assert_msg(raft_step(node, &input, now, &out) == 0, "%s", error_message());
	return out;
}

static struct raft_output propose(struct raft_node *node, const char *command, uint64_t now)
{
	struct raft_input input = { .kind = RAFT_PROPOSE, .data = command, .size = strlen(command) };
	struct raft_output out;
	ck_assert_msg(raft_step(node, &input, now, &out) == 0, "%s", error_message());
	return out;
}

static struct raft_output change(struct raft_node *node, enum raft_input_kind kind, raft_id member, uint64_t now)
{
	struct raft_input input = { .kind = kind, .member = member };
	struct raft_output out;
	ck_assert_msg(raft_step(node, &input, now, &out) == 0, "%s", error_message());
	return out;
}

static struct raft_message vote_reply(raft_id from, raft_id to, raft_term term, bool granted)
{
	return (struct raft_message){ .kind = RAFT_REQUEST_VOTE_REPLY, .from = from, .to = to, .term = term,
				      .granted = granted };
}

static struct raft_message append_reply(raft_id from, raft_id to, raft_term term, raft_index match)
{
	return (struct raft_message){ .kind = RAFT_APPEND_ENTRIES_REPLY, .from = from, .to = to, .term = term,
				      .success = true, .match_index = match };
}

static struct raft_message vote_request(raft_id from, raft_id to, raft_term term, raft_index last_index,
					raft_term last_term)
{
	return (struct raft_message){ .kind = RAFT_REQUEST_VOTE, .from = from, .to = to, .term = term,
				      .last_log_index = last_index, .last_log_term = last_term };
}

/* Make node 1 of a fresh or restored node the leader: its timeout passes, node 2 votes. */
static uint64_t elect(struct raft_node *node)
{
	uint64_t now = 2 * node->options.election_timeout_ms;
	tick(node, now);
	ck_assert_int_eq(node->role, RAFT_CANDIDATE);
	struct raft_message yes = vote_reply(2, 1, node->persisted.term, true);
	receive(node, &yes, now + 1);
	ck_assert_int_eq(node->role, RAFT_LEADER);
	return now + 1;
}

static const struct raft_message *message_to(const struct raft_output *out, raft_id to,
					     enum raft_message_kind kind)
{
	for (size_t i = 0; i < out->message_count; i++)
		if (out->messages[i].to == to && out->messages[i].kind == kind)
			return &out->messages[i];
	return NULL;
}

START_TEST(a_follower_that_hears_no_leader_stands_for_election_after_its_timeout)
{
	struct raft_node node;
	start(&node, 1, &three, false);
	struct raft_output out = tick(&node, 999);
	ck_assert_int_eq(node.role, RAFT_FOLLOWER);
	ck_assert_uint_eq(out.message_count, 0);
	ck_assert_uint_ge(raft_next_deadline(&node), 1000); /* drawn from [1000, 2000) */
	ck_assert_uint_lt(raft_next_deadline(&node), 2000);
	out = tick(&node, raft_next_deadline(&node));
	ck_assert_int_eq(node.role, RAFT_CANDIDATE);
	ck_assert_uint_eq(node.persisted.term, 1);
	ck_assert_uint_eq(node.persisted.voted_for, 1);
	ck_assert(out.persist_term_vote); /* its own vote is a vote: on disk before it asks */
	ck_assert_ptr_nonnull(message_to(&out, 2, RAFT_REQUEST_VOTE));
	ck_assert_ptr_nonnull(message_to(&out, 3, RAFT_REQUEST_VOTE));
	raft_node_free(&node);
}
END_TEST

START_TEST(a_candidate_with_a_majority_of_votes_leads_and_appends_a_noop_of_its_term)
{
	struct raft_node node;
	start(&node, 1, &three, false);
	uint64_t now = elect(&node);
	ck_assert_uint_eq(raft_log_last_index(&node.persisted.log), 1);
	ck_assert_int_eq(raft_log_entry(&node.persisted.log, 1)->kind, RAFT_ENTRY_NOOP);
	ck_assert_uint_eq(raft_log_entry(&node.persisted.log, 1)->term, 1);
	struct raft_output out = tick(&node, now + node.options.heartbeat_ms);
	const struct raft_message *heartbeat = message_to(&out, 3, RAFT_APPEND_ENTRIES);
	ck_assert_ptr_nonnull(heartbeat);
	ck_assert_uint_eq(heartbeat->entry_count, 1); /* and it resends what was not acknowledged */
	raft_node_free(&node);
}
END_TEST

START_TEST(a_split_vote_elects_no_one_and_the_candidate_tries_again_in_a_new_term)
{
	struct raft_node node;
	start(&node, 1, &three, false);
	tick(&node, 2000);
	struct raft_message no = vote_reply(2, 1, 1, false);
	receive(&node, &no, 2001);
	ck_assert_int_eq(node.role, RAFT_CANDIDATE);
	tick(&node, raft_next_deadline(&node));
	ck_assert_int_eq(node.role, RAFT_CANDIDATE);
	ck_assert_uint_eq(node.persisted.term, 2);
	raft_node_free(&node);
}
END_TEST

START_TEST(a_node_gives_one_vote_per_term_and_persists_it_before_answering)
{
	struct raft_node node;
	start(&node, 1, &three, false);
	struct raft_message from_2 = vote_request(2, 1, 1, 0, 0), from_3 = vote_request(3, 1, 1, 0, 0);
	struct raft_output out = receive(&node, &from_2, 10);
	ck_assert(out.persist_term_vote);
	ck_assert(message_to(&out, 2, RAFT_REQUEST_VOTE_REPLY)->granted);
	out = receive(&node, &from_3, 11);
	ck_assert(!message_to(&out, 3, RAFT_REQUEST_VOTE_REPLY)->granted);
	out = receive(&node, &from_2, 12); /* the same candidate asking again: the same answer */
	ck_assert(message_to(&out, 2, RAFT_REQUEST_VOTE_REPLY)->granted);
	raft_node_free(&node);
}
END_TEST

START_TEST(a_vote_goes_only_to_a_candidate_whose_log_is_at_least_as_up_to_date)
{
	static const raft_term terms[] = { 1, 2 };
	struct raft_node node;
	restore(&node, 1, &three, 2, terms, 2);
	struct raft_message older_term = vote_request(2, 1, 3, 5, 1); /* longer, but an older last term */
	struct raft_output out = receive(&node, &older_term, 10);
	ck_assert(!message_to(&out, 2, RAFT_REQUEST_VOTE_REPLY)->granted);
	struct raft_message shorter = vote_request(3, 1, 3, 1, 2);
	out = receive(&node, &shorter, 11);
	ck_assert(!message_to(&out, 3, RAFT_REQUEST_VOTE_REPLY)->granted);
	struct raft_message as_long = vote_request(3, 1, 3, 2, 2);
	out = receive(&node, &as_long, 12);
	ck_assert(message_to(&out, 3, RAFT_REQUEST_VOTE_REPLY)->granted);
	raft_node_free(&node);
}
END_TEST

START_TEST(a_leader_steps_down_when_it_sees_a_higher_term)
{
	struct raft_node node;
	start(&node, 1, &three, false);
	uint64_t now = elect(&node);
	struct raft_message newer = { .kind = RAFT_APPEND_ENTRIES_REPLY, .from = 3, .to = 1, .term = 7 };
	struct raft_output out = receive(&node, &newer, now + 5);
	ck_assert_int_eq(node.role, RAFT_FOLLOWER);
	ck_assert(out.role_changed);
	ck_assert_uint_eq(node.persisted.term, 7);
	ck_assert_uint_eq(node.persisted.voted_for, 0);
	ck_assert(out.persist_term_vote);
	raft_node_free(&node);
}
END_TEST

START_TEST(a_pre_vote_leaves_the_voters_term_alone_and_is_refused_while_a_leader_is_heard)
{
	struct raft_node node;
	start(&node, 1, &three, true);
	struct raft_message heartbeat = { .kind = RAFT_APPEND_ENTRIES, .from = 2, .to = 1, .term = 1 };
	receive(&node, &heartbeat, 100);
	struct raft_message pre = vote_request(3, 1, 2, 0, 0);
	pre.pre_vote = true;
	struct raft_output out = receive(&node, &pre, 500);
	ck_assert(!message_to(&out, 3, RAFT_REQUEST_VOTE_REPLY)->granted);
	ck_assert_uint_eq(node.persisted.term, 1);
	out = receive(&node, &pre, 100 + node.options.election_timeout_ms);
	ck_assert(message_to(&out, 3, RAFT_REQUEST_VOTE_REPLY)->granted);
	ck_assert_uint_eq(node.persisted.term, 1); /* still: a pre-vote is only a question */
	ck_assert(!out.persist_term_vote);
	raft_node_free(&node);
}
END_TEST

START_TEST(a_candidate_with_pre_votes_takes_the_term_only_after_a_majority_said_yes)
{
	struct raft_node node;
	start(&node, 1, &three, true);
	struct raft_output out = tick(&node, 2000);
	ck_assert_uint_eq(node.persisted.term, 0);
	const struct raft_message *ask = message_to(&out, 2, RAFT_REQUEST_VOTE);
	ck_assert(ask->pre_vote);
	ck_assert_uint_eq(ask->term, 1);
	struct raft_message yes = vote_reply(2, 1, 1, true);
	yes.pre_vote = true;
	out = receive(&node, &yes, 2005);
	ck_assert_uint_eq(node.persisted.term, 1);
	ck_assert(!message_to(&out, 3, RAFT_REQUEST_VOTE)->pre_vote);
	raft_node_free(&node);
}
END_TEST

START_TEST(a_follower_refuses_entries_that_do_not_follow_its_log_and_says_where_to_resume)
{
	static const raft_term terms[] = { 1, 1, 2, 2, 2 };
	struct raft_node node;
	restore(&node, 1, &three, 2, terms, 5);
	/* The leader of term 4 believes index 5 holds term 3: it holds 2, from index 3 on. */
	struct raft_message append = { .kind = RAFT_APPEND_ENTRIES, .from = 2, .to = 1, .term = 4,
				       .prev_index = 5, .prev_term = 3 };
	struct raft_output out = receive(&node, &append, 10);
	const struct raft_message *reply = message_to(&out, 2, RAFT_APPEND_ENTRIES_REPLY);
	ck_assert(!reply->success);
	ck_assert_uint_eq(reply->conflict_term, 2);
	ck_assert_uint_eq(reply->conflict_index, 3);
	append.prev_index = 9; /* past the end: resume after our last entry */
	out = receive(&node, &append, 11);
	reply = message_to(&out, 2, RAFT_APPEND_ENTRIES_REPLY);
	ck_assert_uint_eq(reply->conflict_term, 0);
	ck_assert_uint_eq(reply->conflict_index, 6);
	raft_node_free(&node);
}
END_TEST

START_TEST(a_leader_skips_a_whole_conflicting_term_per_round_trip)
{
	static const raft_term terms[] = { 1, 1, 3, 3, 3, 3 };
	struct raft_node node;
	restore(&node, 1, &three, 3, terms, 6);
	uint64_t now = elect(&node); /* term 4; its no-op is entry 7 */
	/* Follower 3 has entries of term 2 from index 3 on, which the leader never had. */
	struct raft_message refused = { .kind = RAFT_APPEND_ENTRIES_REPLY, .from = 3, .to = 1, .term = 4,
					.conflict_index = 3, .conflict_term = 2 };
	struct raft_output out = receive(&node, &refused, now + 5);
	const struct raft_message *retry = message_to(&out, 3, RAFT_APPEND_ENTRIES);
	ck_assert_uint_eq(retry->prev_index, 2);
	ck_assert_uint_eq(retry->prev_term, 1);
	/* Follower 2 has term 3 up to index 4: the leader resumes after its own last entry of term 3. */
	refused.from = 2, refused.conflict_index = 3, refused.conflict_term = 3;
	out = receive(&node, &refused, now + 6);
	retry = message_to(&out, 2, RAFT_APPEND_ENTRIES);
	ck_assert_uint_eq(retry->prev_index, 6);
	raft_node_free(&node);
}
END_TEST

START_TEST(a_follower_drops_a_conflicting_entry_and_all_that_follow_it)
{
	static const raft_term terms[] = { 1, 2, 2, 2 };
	struct raft_node node;
	restore(&node, 1, &three, 2, terms, 4);
	struct raft_entry new_entry = { .term = 3, .kind = RAFT_ENTRY_COMMAND };
	struct raft_message append = { .kind = RAFT_APPEND_ENTRIES, .from = 2, .to = 1, .term = 3,
				       .prev_index = 1, .prev_term = 1, .entries = &new_entry, .entry_count = 1,
				       .leader_commit = 2 };
	struct raft_output out = receive(&node, &append, 10);
	ck_assert(message_to(&out, 2, RAFT_APPEND_ENTRIES_REPLY)->success);
	ck_assert_uint_eq(raft_log_last_index(&node.persisted.log), 2);
	ck_assert_uint_eq(raft_log_entry(&node.persisted.log, 2)->term, 3);
	ck_assert_uint_eq(out.persist_from, 2); /* the disk loses 3 and 4 too */
	ck_assert_uint_eq(out.apply_count, 2);
	/* A late copy of an older, shorter message does not cut the log. */
	append.entry_count = 0;
	out = receive(&node, &append, 11);
	ck_assert_uint_eq(raft_log_last_index(&node.persisted.log), 2);
	ck_assert_uint_eq(out.persist_from, 0);
	raft_node_free(&node);
}
END_TEST

START_TEST(a_follower_commits_no_further_than_what_the_message_proved_to_match)
{
	static const raft_term terms[] = { 1, 1, 1 };
	struct raft_node node;
	restore(&node, 1, &three, 1, terms, 3);
	/* Entries 2 and 3 may be a dead leader's; this message proves only entry 1. */
	struct raft_message append = { .kind = RAFT_APPEND_ENTRIES, .from = 2, .to = 1, .term = 2,
				       .prev_index = 1, .prev_term = 1, .leader_commit = 5 };
	struct raft_output out = receive(&node, &append, 10);
	ck_assert_uint_eq(node.commit_index, 1);
	ck_assert_uint_eq(out.apply_count, 1);
	raft_node_free(&node);
}
END_TEST

START_TEST(a_leader_never_overwrites_its_log)
{
	struct raft_node node;
	start(&node, 1, &three, false);
	uint64_t now = elect(&node);
	propose(&node, "a", now);
	/* A deposed leader of an earlier term sends conflicting entries: refused, nothing changes. */
	struct raft_entry other = { .term = 0, .kind = RAFT_ENTRY_COMMAND };
	struct raft_message stale = { .kind = RAFT_APPEND_ENTRIES, .from = 3, .to = 1, .term = 0,
				      .prev_index = 0, .entries = &other, .entry_count = 1 };
	struct raft_output out = receive(&node, &stale, now + 1);
	ck_assert(!message_to(&out, 3, RAFT_APPEND_ENTRIES_REPLY)->success);
	ck_assert_int_eq(node.role, RAFT_LEADER);
	ck_assert_uint_eq(raft_log_last_index(&node.persisted.log), 2);
	ck_assert_uint_eq(raft_log_entry(&node.persisted.log, 1)->term, 1);
	ck_assert_uint_eq(out.persist_from, 0);
	raft_node_free(&node);
}
END_TEST

START_TEST(an_entry_is_committed_once_a_majority_stores_it_and_not_before)
{
	struct raft_node node;
	start(&node, 1, &five, false);
	tick(&node, 2000);
	struct raft_message yes = vote_reply(2, 1, 1, true);
	receive(&node, &yes, 2001);
	yes.from = 3;
	receive(&node, &yes, 2002);
	ck_assert_int_eq(node.role, RAFT_LEADER);
	struct raft_output out = propose(&node, "web=3", 2003);
	ck_assert_int_eq(out.refusal, RAFT_ACCEPTED);
	ck_assert_uint_eq(out.proposed_index, 2);
	struct raft_message ack = append_reply(2, 1, 1, 2);
	receive(&node, &ack, 2010);
	ck_assert_uint_eq(node.commit_index, 0); /* 2 copies of 5 */
	ack.from = 4;
	out = receive(&node, &ack, 2011);
	ck_assert_uint_eq(node.commit_index, 2); /* 3 of 5 */
	ck_assert_uint_eq(out.apply_first, 1);
	ck_assert_uint_eq(out.apply_count, 2);
	ck_assert_mem_eq(out.apply[1].data, "web=3", 5);
	raft_node_free(&node);
}
END_TEST

/* Section 5.4.2: a leader counts copies only of entries of its own term. */
START_TEST(an_entry_of_an_earlier_term_is_committed_only_through_one_of_the_current_term)
{
	/* S1 led term 2 and wrote entry 2 (term 2), crashed, and now leads term 4 (Figure 8 (c)). */
	static const raft_term terms[] = { 1, 2 };
	struct raft_node node;
	restore(&node, 1, &five, 3, terms, 2);
	tick(&node, 2000);
	struct raft_message yes = vote_reply(2, 1, 4, true);
	receive(&node, &yes, 2001);
	yes.from = 3;
	receive(&node, &yes, 2002);
	ck_assert_int_eq(node.role, RAFT_LEADER); /* term 4, its no-op is entry 3 */
	/* Entry 2 reaches S2 and S3: with S1, a majority of five. */
	struct raft_message ack = append_reply(2, 1, 4, 2);
	receive(&node, &ack, 2010);
	ack.from = 3;
	receive(&node, &ack, 2011);
	ck_assert_uint_eq(node.commit_index, 0); /* not committed: S5 could still overwrite it */
	/* The no-op of term 4 reaches them: now it is committed, and entry 2 with it. */
	ack.match_index = 3;
	receive(&node, &ack, 2012);
	ack.from = 2;
	struct raft_output out = receive(&node, &ack, 2013);
	ck_assert_uint_eq(node.commit_index, 3);
	ck_assert_uint_eq(out.apply_count, 3);
	raft_node_free(&node);
}
END_TEST

/* Figure 8 (d): why 5.4.2 is needed. Entry 2 of term 2 is on a majority (S1, S2, S3), but S5,
 * whose last entry is of term 3, can still be elected with the votes of S2, S3 and S4, and
 * overwrite it. Had S1 counted its copies and committed it, a committed entry would be lost. */
START_TEST(figure_8_an_entry_of_an_earlier_term_on_a_majority_can_still_be_overwritten)
{
	static const raft_term s2_log[] = { 1, 2 };
	struct raft_node s2;
	restore(&s2, 2, &five, 4, s2_log, 2);
	struct raft_message s5_asks = vote_request(5, 2, 5, 2, 3);
	struct raft_output out = receive(&s2, &s5_asks, 10);
	ck_assert(message_to(&out, 5, RAFT_REQUEST_VOTE_REPLY)->granted); /* term 3 > term 2 */
	struct raft_entry s5_entry = { .term = 3, .kind = RAFT_ENTRY_COMMAND };
	struct raft_message s5_appends = { .kind = RAFT_APPEND_ENTRIES, .from = 5, .to = 2, .term = 5,
					   .prev_index = 1, .prev_term = 1, .entries = &s5_entry,
					   .entry_count = 1 };
	out = receive(&s2, &s5_appends, 20);
	ck_assert(message_to(&out, 5, RAFT_APPEND_ENTRIES_REPLY)->success);
	ck_assert_uint_eq(raft_log_entry(&s2.persisted.log, 2)->term, 3); /* entry 2 of term 2 is gone */
	ck_assert_uint_eq(out.persist_from, 2);
	raft_node_free(&s2);
}
END_TEST

START_TEST(a_lone_manager_leads_and_commits_alone)
{
	static const struct raft_config one = { { 1 }, 1 };
	struct raft_node node;
	start(&node, 1, &one, true);
	tick(&node, 2000);
	ck_assert_int_eq(node.role, RAFT_LEADER);
	struct raft_output out = propose(&node, "x", 2001);
	ck_assert_uint_eq(node.commit_index, 2);
	ck_assert_uint_eq(out.apply_count, 1);
	raft_node_free(&node);
}
END_TEST

START_TEST(a_follower_refuses_a_proposal_and_names_no_index)
{
	struct raft_node node;
	start(&node, 1, &three, true);
	struct raft_output out = propose(&node, "x", 10);
	ck_assert_int_eq(out.refusal, RAFT_NOT_LEADER);
	ck_assert_uint_eq(raft_log_last_index(&node.persisted.log), 0);
	raft_node_free(&node);
}
END_TEST

/* Step node with input at now and write what the step says to disk, as a real caller does. */
static void step_to_disk(struct raft_node *node, const struct raft_input *input, uint64_t now,
			 struct raft_persisted *disk)
{
	struct raft_output out;
	ck_assert_msg(raft_step(node, input, now, &out) == 0, "%s", error_message());
	ck_assert_msg(raft_persist(disk, node, &out) == 0, "%s", error_message());
}

START_TEST(a_restarted_node_has_its_term_vote_and_log_from_disk_and_nothing_else)
{
	struct raft_node node;
	start(&node, 1, &three, false);
	struct raft_persisted disk = { 0 };
	ck_assert_int_eq(raft_log_copy(&disk.log, &node.persisted.log), 0);
	struct raft_input timeout = { .kind = RAFT_TICK };
	step_to_disk(&node, &timeout, 2000, &disk);
	struct raft_message yes = vote_reply(2, 1, 1, true);
	struct raft_input vote = { .kind = RAFT_RECEIVE, .message = &yes };
	step_to_disk(&node, &vote, 2001, &disk);
	struct raft_input command = { .kind = RAFT_PROPOSE, .data = "a", .size = 1 };
	step_to_disk(&node, &command, 2002, &disk);
	struct raft_message ack = append_reply(2, 1, 1, 2);
	struct raft_input acked = { .kind = RAFT_RECEIVE, .message = &ack };
	step_to_disk(&node, &acked, 2003, &disk);
	ck_assert_uint_eq(node.commit_index, 2);
	raft_node_free(&node);

	struct raft_options options = options_for(1, false);
	ck_assert_int_eq(raft_node_init(&node, &options, NULL, &disk, 5000), 0);
	ck_assert_uint_eq(node.persisted.term, 1);
	ck_assert_uint_eq(node.persisted.voted_for, 1);
	ck_assert_uint_eq(raft_log_last_index(&node.persisted.log), 2);
	ck_assert_int_eq(raft_log_entry(&node.persisted.log, 1)->kind, RAFT_ENTRY_NOOP);
	ck_assert_mem_eq(raft_log_entry(&node.persisted.log, 2)->data, "a", 1);
	ck_assert_int_eq(node.role, RAFT_FOLLOWER); /* volatile: starts over */
	ck_assert_uint_eq(node.commit_index, 0);    /* learnt again from the next leader */
	ck_assert_uint_ge(raft_next_deadline(&node), 6000);
	raft_persisted_free(&disk);
	raft_node_free(&node);
}
END_TEST

START_TEST(raft_persist_writes_what_the_step_changed)
{
	static const raft_term terms[] = { 1, 1, 1 };
	struct raft_node node;
	restore(&node, 1, &three, 1, terms, 3);
	struct raft_persisted disk;
	disk.term = 1, disk.voted_for = 0;
	ck_assert_int_eq(raft_log_copy(&disk.log, &node.persisted.log), 0);
	struct raft_entry entry = { .term = 2, .kind = RAFT_ENTRY_COMMAND };
	struct raft_message append = { .kind = RAFT_APPEND_ENTRIES, .from = 2, .to = 1, .term = 2,
				       .prev_index = 1, .prev_term = 1, .entries = &entry, .entry_count = 1 };
	struct raft_output out = receive(&node, &append, 10);
	ck_assert(out.persist_term_vote);
	ck_assert_int_eq(raft_persist(&disk, &node, &out), 0);
	ck_assert_uint_eq(disk.term, 2);
	ck_assert_uint_eq(raft_log_last_index(&disk.log), 2);
	ck_assert_uint_eq(raft_log_entry(&disk.log, 2)->term, 2);
	/* A vote in the same term: only the vote changes, and it is written. */
	struct raft_message request = vote_request(3, 1, 2, 2, 2);
	out = receive(&node, &request, 20);
	ck_assert(message_to(&out, 3, RAFT_REQUEST_VOTE_REPLY)->granted);
	ck_assert_int_eq(raft_persist(&disk, &node, &out), 0);
	ck_assert_uint_eq(disk.voted_for, 3);
	raft_persisted_free(&disk);
	raft_node_free(&node);
}
END_TEST

/* --- snapshots (section 7) --- */

START_TEST(a_snapshot_replaces_the_applied_prefix_of_the_log)
{
	struct raft_node node;
	start(&node, 1, &three, false);
	uint64_t now = elect(&node);
	propose(&node, "a", now);
	propose(&node, "b", now);
	struct raft_message ack = append_reply(2, 1, 1, 3);
	receive(&node, &ack, now + 1);
	ck_assert_uint_eq(node.last_applied, 3);
	struct raft_input taken = { .kind = RAFT_SNAPSHOT_TAKEN, .index = 2, .data = "state", .size = 5 };
	struct raft_output out;
	ck_assert_int_eq(raft_step(&node, &taken, now + 2, &out), 0);
	ck_assert(out.persist_snapshot);
	const struct raft_log *log = &node.persisted.log;
	ck_assert_uint_eq(log->snapshot.index, 2);
	ck_assert_uint_eq(log->snapshot.term, 1);
	ck_assert_uint_eq(log->count, 1); /* entry 3 stays */
	ck_assert_ptr_null(raft_log_entry(log, 2));
	ck_assert_uint_eq(raft_log_last_index(log), 3);
	/* Not past what is applied: the state machine has no state there yet. */
	taken.index = 9;
	ck_assert_int_eq(raft_step(&node, &taken, now + 3, &out), -1);
	raft_node_free(&node);
}
END_TEST

START_TEST(a_leader_sends_its_snapshot_to_a_follower_behind_it)
{
	struct raft_node node;
	start(&node, 1, &three, false);
	uint64_t now = elect(&node);
	propose(&node, "a", now);
	struct raft_message ack = append_reply(2, 1, 1, 2);
	receive(&node, &ack, now + 1);
	struct raft_input taken = { .kind = RAFT_SNAPSHOT_TAKEN, .index = 2, .data = "state", .size = 5 };
	struct raft_output out;
	ck_assert_int_eq(raft_step(&node, &taken, now + 2, &out), 0);
	/* Follower 3 never answered: it needs entries 1 and 2, which are gone. */
	out = tick(&node, now + 200);
	const struct raft_message *install = message_to(&out, 3, RAFT_INSTALL_SNAPSHOT);
	ck_assert_ptr_nonnull(install);
	ck_assert_uint_eq(install->snapshot->index, 2);
	ck_assert_mem_eq(install->snapshot->data, "state", 5);
	struct raft_message installed = { .kind = RAFT_INSTALL_SNAPSHOT_REPLY, .from = 3, .to = 1, .term = 1,
					  .success = true, .match_index = 2 };
	receive(&node, &installed, now + 201);
	out = tick(&node, now + 400);
	ck_assert_ptr_nonnull(message_to(&out, 3, RAFT_APPEND_ENTRIES));
	raft_node_free(&node);
}
END_TEST

START_TEST(a_follower_installs_a_snapshot_and_keeps_the_entries_after_it)
{
	static const raft_term terms[] = { 1, 1, 1, 1 };
	struct raft_node node;
	restore(&node, 1, &three, 1, terms, 4);
	struct raft_snapshot snapshot = { .index = 2, .term = 1, .config = three,
					  .data = (unsigned char *)"st", .size = 2 };
	struct raft_message install = { .kind = RAFT_INSTALL_SNAPSHOT, .from = 2, .to = 1, .term = 1,
					.snapshot = &snapshot };
	struct raft_output out = receive(&node, &install, 10);
	ck_assert(out.persist_snapshot);
	ck_assert(out.restore_snapshot);
	ck_assert_uint_eq(node.commit_index, 2);
	ck_assert_uint_eq(raft_log_last_index(&node.persisted.log), 4);
	ck_assert(message_to(&out, 2, RAFT_INSTALL_SNAPSHOT_REPLY)->success);
	/* One that does not match our log replaces all of it. */
	snapshot.index = 6, snapshot.term = 2;
	out = receive(&node, &install, 11);
	ck_assert_uint_eq(raft_log_last_index(&node.persisted.log), 6);
	ck_assert_uint_eq(node.persisted.log.count, 0);
	ck_assert_uint_eq(node.last_applied, 6);
	raft_node_free(&node);
}
END_TEST

/* --- membership (one server at a time) --- */

START_TEST(a_leader_adds_one_manager_at_a_time)
{
	struct raft_node node;
	start(&node, 1, &three, false);
	uint64_t now = elect(&node);
	struct raft_output out = change(&node, RAFT_ADD_MEMBER, 4, now);
	ck_assert_int_eq(out.refusal, RAFT_CHANGE_IN_PROGRESS); /* its no-op is not committed yet */
	struct raft_message ack = append_reply(2, 1, 1, 1);
	receive(&node, &ack, now + 1);
	out = change(&node, RAFT_ADD_MEMBER, 4, now + 2);
	ck_assert_int_eq(out.refusal, RAFT_ACCEPTED);
	/* In effect at once: 4 managers, a majority is 3, and 4 is sent entries. */
	ck_assert_uint_eq(raft_log_config(&node.persisted.log)->count, 4);
	ck_assert_ptr_nonnull(message_to(&out, 4, RAFT_APPEND_ENTRIES));
	ck_assert_int_eq(change(&node, RAFT_ADD_MEMBER, 5, now + 3).refusal, RAFT_CHANGE_IN_PROGRESS);
	ack.match_index = 2;
	receive(&node, &ack, now + 4);
	ck_assert_uint_eq(node.commit_index, 1); /* 2 copies of 4 */
	ack.from = 4;
	receive(&node, &ack, now + 5);
	ck_assert_uint_eq(node.commit_index, 2);
	ck_assert_int_eq(change(&node, RAFT_ADD_MEMBER, 4, now + 6).refusal, RAFT_NOT_A_CHANGE);
	ck_assert_int_eq(change(&node, RAFT_ADD_MEMBER, 5, now + 7).refusal, RAFT_ACCEPTED);
	raft_node_free(&node);
}
END_TEST

START_TEST(a_removed_leader_leads_until_its_removal_is_committed_then_steps_down)
{
	struct raft_node node;
	start(&node, 1, &three, false);
	uint64_t now = elect(&node);
	struct raft_message ack = append_reply(2, 1, 1, 1);
	receive(&node, &ack, now + 1);
	struct raft_output out = change(&node, RAFT_REMOVE_MEMBER, 1, now + 2);
	ck_assert_int_eq(out.refusal, RAFT_ACCEPTED);
	ck_assert_int_eq(node.role, RAFT_LEADER);
	ack.match_index = 2;
	receive(&node, &ack, now + 3); /* 1 of {2, 3}: not yet */
	ck_assert_int_eq(node.role, RAFT_LEADER);
	ack.from = 3;
	out = receive(&node, &ack, now + 4);
	ck_assert_uint_eq(node.commit_index, 2);
	ck_assert_int_eq(node.role, RAFT_FOLLOWER);
	ck_assert(out.role_changed);
	/* And never stands again: it is no member. */
	tick(&node, now + 10000);
	ck_assert_int_eq(node.role, RAFT_FOLLOWER);
	raft_node_free(&node);
}
END_TEST

START_TEST(a_new_manager_never_stands_until_a_leader_adds_it)
{
	static const struct raft_config none = { { 0 }, 0 };
	struct raft_node node;
	start(&node, 4, &none, true);
	struct raft_output out = tick(&node, 100000);
	ck_assert_int_eq(node.role, RAFT_FOLLOWER);
	ck_assert_uint_eq(out.message_count, 0);
	struct raft_entry added = { .term = 1, .kind = RAFT_ENTRY_CONFIG, .config = { { 1, 2, 3, 4 }, 4 } };
	struct raft_message append = { .kind = RAFT_APPEND_ENTRIES, .from = 1, .to = 4, .term = 1,
				       .entries = &added, .entry_count = 1 };
	receive(&node, &append, 100001);
	ck_assert(raft_config_has(raft_log_config(&node.persisted.log), 4));
	tick(&node, 200000);
	ck_assert_int_eq(node.role, RAFT_CANDIDATE);
	raft_node_free(&node);
}
END_TEST

START_TEST(a_truncated_membership_change_is_undone_with_its_entry)
{
	struct raft_node node;
	start(&node, 2, &three, false);
	struct raft_entry added = { .term = 1, .kind = RAFT_ENTRY_CONFIG, .config = { { 1, 2, 3, 4 }, 4 } };
	struct raft_message append = { .kind = RAFT_APPEND_ENTRIES, .from = 1, .to = 2, .term = 1,
				       .entries = &added, .entry_count = 1 };
	receive(&node, &append, 10);
	ck_assert_uint_eq(raft_log_config(&node.persisted.log)->count, 4);
	struct raft_entry other = { .term = 2, .kind = RAFT_ENTRY_COMMAND };
	struct raft_message next_leader = { .kind = RAFT_APPEND_ENTRIES, .from = 3, .to = 2, .term = 2,
					    .entries = &other, .entry_count = 1 };
	receive(&node, &next_leader, 20);
	ck_assert_uint_eq(raft_log_config(&node.persisted.log)->count, 3);
	raft_node_free(&node);
}
END_TEST

START_TEST(a_node_refuses_options_it_cannot_keep)
{
	struct raft_node node;
	struct raft_options options = raft_default_options(1, 42);
	options.heartbeat_ms = options.election_timeout_ms; /* followers would stand under a live leader */
	ck_assert_int_eq(raft_node_init(&node, &options, &three, NULL, 0), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "heartbeat shorter than the election timeout"));
	options = raft_default_options(0, 42);
	ck_assert_int_eq(raft_node_init(&node, &options, &three, NULL, 0), -1);
	options = raft_default_options(1, 42);
	options.max_batch = 0;
	ck_assert_int_eq(raft_node_init(&node, &options, &three, NULL, 0), -1);
}
END_TEST

START_TEST(a_message_copy_owns_its_entries_and_snapshot)
{
	struct raft_entry entry = { .term = 1, .kind = RAFT_ENTRY_COMMAND, .data = (unsigned char *)"abc", .size = 3 };
	struct raft_snapshot snapshot = { .index = 4, .term = 1, .data = (unsigned char *)"s", .size = 1 };
	struct raft_message message = { .kind = RAFT_APPEND_ENTRIES, .entries = &entry, .entry_count = 1,
					.snapshot = &snapshot };
	struct raft_message copy;
	ck_assert_int_eq(raft_message_copy(&copy, &message), 0);
	ck_assert_ptr_ne(copy.entries, message.entries);
	ck_assert_ptr_ne(copy.entries[0].data, entry.data);
	ck_assert_mem_eq(copy.entries[0].data, "abc", 3);
	ck_assert_mem_eq(copy.snapshot->data, "s", 1);
	raft_message_free(&copy);
}
END_TEST

Suite *raft_suite(void)
{
	Suite *s = suite_create("raft");
	TCase *election = tcase_create("election");
	tcase_add_test(election, a_follower_that_hears_no_leader_stands_for_election_after_its_timeout);
	tcase_add_test(election, a_candidate_with_a_majority_of_votes_leads_and_appends_a_noop_of_its_term);
	tcase_add_test(election, a_split_vote_elects_no_one_and_the_candidate_tries_again_in_a_new_term);
	tcase_add_test(election, a_node_gives_one_vote_per_term_and_persists_it_before_answering);
	tcase_add_test(election, a_vote_goes_only_to_a_candidate_whose_log_is_at_least_as_up_to_date);
	tcase_add_test(election, a_leader_steps_down_when_it_sees_a_higher_term);
	tcase_add_test(election, a_pre_vote_leaves_the_voters_term_alone_and_is_refused_while_a_leader_is_heard);
	tcase_add_test(election, a_candidate_with_pre_votes_takes_the_term_only_after_a_majority_said_yes);
	suite_add_tcase(s, election);
	TCase *replication = tcase_create("replication");
	tcase_add_test(replication, a_follower_refuses_entries_that_do_not_follow_its_log_and_says_where_to_resume);
	tcase_add_test(replication, a_leader_skips_a_whole_conflicting_term_per_round_trip);
	tcase_add_test(replication, a_follower_drops_a_conflicting_entry_and_all_that_follow_it);
	tcase_add_test(replication, a_follower_commits_no_further_than_what_the_message_proved_to_match);
	tcase_add_test(replication, a_leader_never_overwrites_its_log);
	tcase_add_test(replication, an_entry_is_committed_once_a_majority_stores_it_and_not_before);
	tcase_add_test(replication, an_entry_of_an_earlier_term_is_committed_only_through_one_of_the_current_term);
	tcase_add_test(replication, figure_8_an_entry_of_an_earlier_term_on_a_majority_can_still_be_overwritten);
	tcase_add_test(replication, a_lone_manager_leads_and_commits_alone);
	tcase_add_test(replication, a_follower_refuses_a_proposal_and_names_no_index);
	tcase_add_test(replication, a_restarted_node_has_its_term_vote_and_log_from_disk_and_nothing_else);
	tcase_add_test(replication, raft_persist_writes_what_the_step_changed);
	tcase_add_test(replication, a_message_copy_owns_its_entries_and_snapshot);
	tcase_add_test(replication, a_node_refuses_options_it_cannot_keep);
	suite_add_tcase(s, replication);
	TCase *snapshots = tcase_create("snapshots");
	tcase_add_test(snapshots, a_snapshot_replaces_the_applied_prefix_of_the_log);
	tcase_add_test(snapshots, a_leader_sends_its_snapshot_to_a_follower_behind_it);
	tcase_add_test(snapshots, a_follower_installs_a_snapshot_and_keeps_the_entries_after_it);
	suite_add_tcase(s, snapshots);
	TCase *membership = tcase_create("membership");
	tcase_add_test(membership, a_leader_adds_one_manager_at_a_time);
	tcase_add_test(membership, a_removed_leader_leads_until_its_removal_is_committed_then_steps_down);
	tcase_add_test(membership, a_new_manager_never_stands_until_a_leader_adds_it);
	tcase_add_test(membership, a_truncated_membership_change_is_undone_with_its_entry);
	suite_add_tcase(s, membership);
	return s;
}
