/*
 * raft-sim.c - Raft managers on a simulated network, driven by a seed, checked at every step.
 *
 * The world: a virtual clock in milliseconds; nodes that are raft.c, each with a "disk" (what
 * it persisted, raft_persist) and a state machine (how far it applied, and a hash of all it
 * applied); messages in flight, each delivered after a delay drawn at random, so that they
 * overtake each other; a loss and a duplication rate; links that a partition cuts. The loop
 * takes the earliest of: a message to deliver, a node's timer (raft_next_deadline), the next
 * command for the leader, the next fault. A crash frees the node and keeps its disk; a restart
 * builds a new node from the disk, as a real process would after a reboot.
 *
 * After every step, raft-check.c checks the properties of Figure 3 of the Raft paper
 * (election safety, leader append-only, log matching, leader completeness, state machine
 * safety), and the first one broken stops the run with the seed and the time. And one property
 * of liveness, which the paper argues but does not prove: once faults stop, a leader is elected
 * and a command is applied by every manager within a bounded time (raft_sim_run_seed).
 *
 * Read next: the tests (tests/unit/test_raft_sim.c), and raft.md, the lesson.
 */
#include "raft-sim.h"
#include "error.h"
#include "grow.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct raft_sim_delivery {
	uint64_t at, order;
	struct raft_message message; /* its own copy (raft_message_copy) */
};

struct raft_sim_options raft_sim_default_options(uint64_t seed)
{
	/* Small batches: a follower far behind then takes several round trips, and the
	 * consistency check and the commit bound of AppendEntries are exercised between them. */
	struct raft_options raft = raft_default_options(0, 0);
	raft.max_batch = 4;
	return (struct raft_sim_options){
		.members = 3,
		.seed = seed,
		.raft = raft,
		.min_delay_ms = 1,
		.max_delay_ms = 10,
		.propose_every_ms = 50,
		.snapshot_every = 20,
		.faults = true,
		.fault_every_ms = 200,
		.faults_until_ms = 20000,
	};
}

/* --- small tools ---------------------------------------------------------------------------- */

static uint64_t sim_random(struct raft_sim *sim)
{
	uint64_t z = (sim->random_state += 0x9e3779b97f4a7c15ull); /* splitmix64, as in raft.c */
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void text_add(struct raft_sim_text *text, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_add(struct raft_sim_text *text, const char *fmt, ...)
{
	for (;;) {
		va_list args;
		va_start(args, fmt);
		size_t room = text->capacity - text->length;
		int n = vsnprintf(text->text ? text->text + text->length : NULL, room, fmt, args);
		va_end(args);
		if (n < 0)
			return;
		if ((size_t)n < room) {
			text->length += n;
			return;
		}
		size_t capacity = text->capacity ? 2 * text->capacity : 4096;
		while (capacity - text->length <= (size_t)n)
			capacity *= 2;
		char *grown = realloc(text->text, capacity);
		if (!grown)
			return; /* the text is for people: a shorter one is no error */
		text->text = grown;
		text->capacity = capacity;
	}
}

#define TRACE(sim, ...) \
	do { \
		if ((sim)->options.trace) { \
			text_add(&(sim)->trace, "%8" PRIu64 " ms  ", (sim)->now); \
			text_add(&(sim)->trace, __VA_ARGS__); \
		} \
	} while (0)

static void timeline(struct raft_sim *sim, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void timeline(struct raft_sim *sim, const char *fmt, ...)
{
	char line[256];
	va_list args;
	va_start(args, fmt);
	vsnprintf(line, sizeof(line), fmt, args);
	va_end(args);
	text_add(&sim->timeline, "%8" PRIu64 " ms  %s\n", sim->now, line);
	TRACE(sim, "%s\n", line);
}

/* A broken property (recorded by raft-check.c): say where and when, and stop the run. */
static int broken(struct raft_sim *sim)
{
	sim->failed = true;
	TRACE(sim, "BROKEN: %s\n", error_message());
	return fail_context("seed %" PRIu64 ", at %" PRIu64 " ms", sim->options.seed, sim->now);
}

/* A property the simulation checks itself (liveness, entries applied in order). */
static int violation(struct raft_sim *sim, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int violation(struct raft_sim *sim, const char *fmt, ...)
{
	char what[512];
	va_list args;
	va_start(args, fmt);
	vsnprintf(what, sizeof(what), fmt, args);
	va_end(args);
	fail_errno(0, "%s", what);
	return broken(sim);
}

static struct raft_sim_node *node_of(struct raft_sim *sim, raft_id id)
{
	return &sim->nodes[id - 1];
}

/* A node's clock: the time it reads when the simulation's clock says sim->now. */
static uint64_t local_time(const struct raft_sim *sim, const struct raft_sim_node *node)
{
	return sim->now * node->clock_rate_ppm / 1000000u;
}

/* When the simulation's clock reaches the node's time `local`: the first millisecond at which
 * local_time is at least `local`, so that a timer never fires before its node sees it due. */
static uint64_t simulation_time(const struct raft_sim_node *node, uint64_t local)
{
	if (local == UINT64_MAX)
		return UINT64_MAX;
	return (local * 1000000u + node->clock_rate_ppm - 1) / node->clock_rate_ppm;
}

/* --- the network ---------------------------------------------------------------------------- */

static bool delivered_before(const struct raft_sim_delivery *a, const struct raft_sim_delivery *b)
{
	return a->at < b->at || (a->at == b->at && a->order < b->order);
}

static int send_message(struct raft_sim *sim, const struct raft_message *message)
{
	if (grow_array((void **)&sim->flight, &sim->flight_capacity, sim->flight_count + 1,
		       sizeof(*sim->flight), "the raft simulation's table") < 0)
		return -1;
	struct raft_sim_delivery delivery = { .order = sim->sent++ };
	uint32_t spread = sim->options.max_delay_ms - sim->options.min_delay_ms + 1;
	delivery.at = sim->now + sim->options.min_delay_ms + sim_random(sim) % spread;
	/* While faults go on, a few messages straggle for up to four election timeouts: the
	 * late duplicates and stale replies that a real network delivers after a retry. */
	if (sim->faulting && sim_random(sim) % 100 < 3)
		delivery.at += sim_random(sim) % (4 * (uint64_t)sim->options.raft.election_timeout_ms);
	if (raft_message_copy(&delivery.message, message) < 0)
		return -1;
	size_t i = sim->flight_count++; /* sift up */
	while (i > 0 && delivered_before(&delivery, &sim->flight[(i - 1) / 2])) {
		sim->flight[i] = sim->flight[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	sim->flight[i] = delivery;
	return 0;
}

static struct raft_sim_delivery take_next_delivery(struct raft_sim *sim)
{
	struct raft_sim_delivery first = sim->flight[0];
	struct raft_sim_delivery last = sim->flight[--sim->flight_count];
	size_t i = 0; /* sift down */
	for (;;) {
		size_t child = 2 * i + 1;
		if (child >= sim->flight_count)
			break;
		if (child + 1 < sim->flight_count && delivered_before(&sim->flight[child + 1], &sim->flight[child]))
			child++;
		if (!delivered_before(&sim->flight[child], &last))
			break;
		sim->flight[i] = sim->flight[child];
		i = child;
	}
	if (sim->flight_count)
		sim->flight[i] = last;
	return first;
}

/* --- one step of one node ------------------------------------------------------------------- */

static int step_node(struct raft_sim *sim, raft_id id, const struct raft_input *input, struct raft_output *out);
static void crash_for_a_while(struct raft_sim *sim, raft_id id);

/* Who leads now, if it changed: a new period of the "who led when" table. */
static void note_leaders(struct raft_sim *sim)
{
	raft_id leader = raft_sim_leader(sim);
	raft_term term = leader ? node_of(sim, leader)->raft.persisted.term : 0;
	struct raft_sim_period *last = sim->period_count ? &sim->periods[sim->period_count - 1] : NULL;
	if (last && last->leader == leader && last->term == term)
		return;
	if (last && last->from == sim->now) {
		*last = (struct raft_sim_period){ sim->now, leader, term }; /* changed twice at once */
		return;
	}
	if (grow_array((void **)&sim->periods, &sim->period_capacity, sim->period_count + 1,
		       sizeof(*sim->periods), "the raft simulation's table") < 0)
		return; /* the table is for people: a shorter one is no error */
	sim->periods[sim->period_count++] = (struct raft_sim_period){ sim->now, leader, term };
}

/* Apply the committed entries to the node's state machine: a running hash of what it applied. */
static int apply(struct raft_sim *sim, raft_id id, const struct raft_output *out)
{
	struct raft_sim_node *node = node_of(sim, id);
	if (out->restore_snapshot) {
		const struct raft_snapshot *snapshot = &node->raft.persisted.log.snapshot;
		if (snapshot->size < sizeof(node->applied_hash))
			return violation(sim, "node %u restores a snapshot of %zu bytes, without its hash", id,
					 snapshot->size);
		memcpy(&node->applied_hash, snapshot->data, sizeof(node->applied_hash));
		node->applied_index = snapshot->index;
		if (raft_check_state(&sim->checks, id, node->applied_index, node->applied_hash) < 0)
			return broken(sim);
		TRACE(sim, "%u restores the snapshot at %" PRIu64 "\n", id, snapshot->index);
		node->snapshots_installed++;
	}
	for (size_t i = 0; i < out->apply_count; i++) {
		raft_index index = out->apply_first + i;
		if (index != node->applied_index + 1)
			return violation(sim, "node %u applies entry %" PRIu64 " after %" PRIu64, id, index,
					 node->applied_index);
		node->applied_hash = raft_state_after(node->applied_hash, &out->apply[i]);
		node->applied_index = index;
		if (raft_check_state(&sim->checks, id, index, node->applied_hash) < 0)
			return broken(sim);
	}
	return 0;
}

/* The state machine writes its state (the hash) as a snapshot every snapshot_every entries. */
static int maybe_snapshot(struct raft_sim *sim, raft_id id)
{
	struct raft_sim_node *node = node_of(sim, id);
	size_t every = sim->options.snapshot_every;
	if (!every || node->applied_index < node->raft.persisted.log.snapshot.index + every)
		return 0;
	struct raft_input input = { .kind = RAFT_SNAPSHOT_TAKEN, .index = node->applied_index,
				    .data = &node->applied_hash, .size = sizeof(node->applied_hash) };
	struct raft_output out;
	TRACE(sim, "%u snapshots at %" PRIu64 "\n", id, node->applied_index);
	return step_node(sim, id, &input, &out);
}

static void describe_message(struct raft_sim *sim, const char *what, const struct raft_message *m)
{
	if (!sim->options.trace)
		return;
	char detail[160] = "";
	switch (m->kind) {
	case RAFT_REQUEST_VOTE:
		snprintf(detail, sizeof(detail), "last entry %" PRIu64 " of term %" PRIu64, m->last_log_index,
			 m->last_log_term);
		break;
	case RAFT_REQUEST_VOTE_REPLY:
		snprintf(detail, sizeof(detail), "%s", m->granted ? "granted" : "refused");
		break;
	case RAFT_APPEND_ENTRIES:
		snprintf(detail, sizeof(detail), "after %" PRIu64 "/%" PRIu64 ": %zu entries, commit %" PRIu64,
			 m->prev_index, m->prev_term, m->entry_count, m->leader_commit);
		break;
	case RAFT_INSTALL_SNAPSHOT:
		snprintf(detail, sizeof(detail), "up to %" PRIu64 "/%" PRIu64, m->snapshot->index, m->snapshot->term);
		break;
	case RAFT_APPEND_ENTRIES_REPLY:
	case RAFT_INSTALL_SNAPSHOT_REPLY:
		if (m->success)
			snprintf(detail, sizeof(detail), "match %" PRIu64, m->match_index);
		else
			snprintf(detail, sizeof(detail), "refused, conflict at %" PRIu64 " (term %" PRIu64 ")",
				 m->conflict_index, m->conflict_term);
		break;
	}
	TRACE(sim, "%s %u -> %u %s%s term %" PRIu64 " %s\n", what, m->from, m->to, m->pre_vote ? "pre-" : "",
	      raft_message_name(m->kind), m->term, detail);
}

/* Step node id and do what its output says, in raft.h's order, checking as it goes. */
static int step_node(struct raft_sim *sim, raft_id id, const struct raft_input *input, struct raft_output *out)
{
	struct raft_sim_node *node = node_of(sim, id);
	struct raft_node *raft = &node->raft;
	struct raft_check_before before = raft_check_before(raft);
	sim->steps++;
	if (raft_step(raft, input, local_time(sim, node), out) < 0)
		return -1;

	/* 1. persist */
	if (raft_persist(&node->disk, raft, out) < 0)
		return -1;
	const struct raft_node *nodes[RAFT_MAX_MEMBERS];
	for (size_t i = 0; i < sim->node_count; i++)
		nodes[i] = sim->nodes[i].up ? &sim->nodes[i].raft : NULL;
	if (raft_check_step(&sim->checks, id, raft, &before, out, nodes, sim->node_count) < 0)
		return broken(sim);
	/* 2. send */
	for (size_t i = 0; i < out->message_count; i++) {
		const struct raft_message *m = &out->messages[i];
		if (sim->loss_percent && sim_random(sim) % 100 < sim->loss_percent) {
			describe_message(sim, "lose", m);
			sim->dropped++;
			continue;
		}
		if (send_message(sim, m) < 0)
			return -1;
		if (sim->duplicate_percent && sim_random(sim) % 100 < sim->duplicate_percent && send_message(sim, m) < 0)
			return -1;
	}
	/* role changes */
	if (out->role_changed || raft->persisted.term != before.term) {
		if (raft->role == RAFT_LEADER) {
			timeline(sim, "%u is leader of term %" PRIu64, id, raft->persisted.term);
			sim->leader_elected_at = sim->now;
		} else if (before.role == RAFT_LEADER) {
			timeline(sim, "%u steps down (term %" PRIu64 ")", id, raft->persisted.term);
		} else {
			TRACE(sim, "%u is %s%s in term %" PRIu64 "\n", id, raft->pre_candidate ? "pre-" : "",
			      raft_role_name(raft->role), raft->persisted.term);
		}
		note_leaders(sim);
	}
	/* 3. apply */
	if (apply(sim, id, out) < 0)
		return -1;
	if (input->kind != RAFT_SNAPSHOT_TAKEN && maybe_snapshot(sim, id) < 0)
		return -1;
	/* While faults go on, a node sometimes crashes right after a step: what it persisted in
	 * the step is all that is left of it (the window raft.h's order of actions is about). */
	if (sim->faulting && input->kind != RAFT_SNAPSHOT_TAKEN && sim_random(sim) % 1000 < 3)
		crash_for_a_while(sim, id);
	return 0;
}

/* --- faults --------------------------------------------------------------------------------- */

void raft_sim_crash(struct raft_sim *sim, raft_id id)
{
	struct raft_sim_node *node = node_of(sim, id);
	if (!node->up)
		return;
	bool was_leader = node->raft.role == RAFT_LEADER;
	raft_node_free(&node->raft);
	node->up = false;
	node->restart_at = 0; /* until restarted by hand, or by crash_for_a_while's time */
	timeline(sim, "%u crashes%s", id, was_leader ? " (it was the leader)" : "");
	note_leaders(sim);
}

static struct raft_options node_options(const struct raft_sim *sim, raft_id id, uint32_t restarts)
{
	struct raft_options options = sim->options.raft;
	options.id = id;
	options.random_seed = sim->options.seed * 1000003u + id * 7919u + restarts;
	return options;
}

int raft_sim_restart(struct raft_sim *sim, raft_id id)
{
	struct raft_sim_node *node = node_of(sim, id);
	if (node->up)
		return 0;
	node->restarts++;
	node->restart_at = 0;
	struct raft_options options = node_options(sim, id, node->restarts);
	if (raft_node_init(&node->raft, &options, NULL, &node->disk, local_time(sim, node)) < 0)
		return -1;
	node->up = true;
	/* The state machine is volatile: it starts again from the snapshot on disk. */
	const struct raft_snapshot *snapshot = &node->disk.log.snapshot;
	node->applied_index = snapshot->index;
	node->applied_hash = 0;
	if (snapshot->size >= sizeof(node->applied_hash))
		memcpy(&node->applied_hash, snapshot->data, sizeof(node->applied_hash));
	timeline(sim, "%u restarts (term %" PRIu64 ", log up to entry %" PRIu64 " on disk)", id, node->disk.term,
		 raft_log_last_index(&node->disk.log));
	return 0;
}

void raft_sim_partition(struct raft_sim *sim, const raft_id *side, size_t count)
{
	bool in_side[RAFT_MAX_MEMBERS] = { false };
	char names[64] = "";
	for (size_t i = 0; i < count; i++) {
		in_side[side[i] - 1] = true;
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%u", i ? " " : "", side[i]);
	}
	if (count == 0 || count == sim->node_count) {
		raft_sim_heal(sim);
		return;
	}
	for (size_t a = 0; a < sim->node_count; a++)
		for (size_t b = 0; b < sim->node_count; b++)
			sim->cut[a][b] = in_side[a] != in_side[b];
	timeline(sim, "partition: {%s} cut off from the others", names);
}

void raft_sim_heal(struct raft_sim *sim)
{
	memset(sim->cut, 0, sizeof(sim->cut));
	timeline(sim, "the network heals");
}

/* A crash drawn from the seed: the node comes back after up to three election timeouts. */
static void crash_for_a_while(struct raft_sim *sim, raft_id id)
{
	raft_sim_crash(sim, id);
	node_of(sim, id)->restart_at = sim->now + 1 + sim_random(sim) % (3 * (uint64_t)sim->options.raft.election_timeout_ms);
}

/* A node drawn at random among those up (or down), 0 when there is none. */
static raft_id random_node(struct raft_sim *sim, bool up)
{
	raft_id candidates[RAFT_MAX_MEMBERS];
	size_t count = 0;
	for (size_t i = 0; i < sim->node_count; i++)
		if (sim->nodes[i].up == up)
			candidates[count++] = i + 1;
	return count ? candidates[sim_random(sim) % count] : 0;
}

/* One fault drawn from the seed: a crash (of the leader, half the time), a restart, a
 * partition, a heal, or new loss and duplication rates. */
static int random_fault(struct raft_sim *sim)
{
	unsigned dice = sim_random(sim) % 100;
	if (dice < 20) {
		raft_id leader = raft_sim_leader(sim), id = random_node(sim, true);
		if (leader && sim_random(sim) % 2)
			id = leader;
		if (id)
			crash_for_a_while(sim, id);
	} else if (dice < 50) {
		raft_id id = random_node(sim, false);
		if (id)
			return raft_sim_restart(sim, id);
	} else if (dice < 65) {
		raft_id side[RAFT_MAX_MEMBERS];
		size_t count = 0;
		for (raft_id n = 1; n <= sim->node_count; n++)
			if (sim_random(sim) % 2)
				side[count++] = n;
		raft_sim_partition(sim, side, count);
	} else if (dice < 85) {
		raft_sim_heal(sim);
	} else {
		sim->loss_percent = sim_random(sim) % 30;
		sim->duplicate_percent = sim_random(sim) % 10;
		TRACE(sim, "loss %u%%, duplication %u%%\n", sim->loss_percent, sim->duplicate_percent);
	}
	return 0;
}

/* Storms and lulls: a fault about every fault_every_ms, and now and then a lull of a few
 * election timeouts, long enough for a leader to be elected and a log to grow, so that the
 * next storm hits a cluster with something to lose. */
static uint64_t next_fault_gap(struct raft_sim *sim)
{
	uint64_t gap = 1 + sim_random(sim) % (2 * (uint64_t)sim->options.fault_every_ms);
	if (sim_random(sim) % 5 == 0)
		gap += sim_random(sim) % (5 * (uint64_t)sim->options.raft.election_timeout_ms);
	return gap;
}

/* Faults are over: every node up, every link mended, no loss. */
static int end_faults(struct raft_sim *sim)
{
	timeline(sim, "faults stop: every node restarts, the network heals");
	sim->faulting = false;
	for (raft_id id = 1; id <= sim->node_count; id++)
		if (raft_sim_restart(sim, id) < 0)
			return -1;
	memset(sim->cut, 0, sizeof(sim->cut));
	sim->loss_percent = sim->duplicate_percent = 0;
	return 0;
}

/* --- the loop ------------------------------------------------------------------------------- */

raft_id raft_sim_leader(const struct raft_sim *sim)
{
	raft_id leader = 0;
	raft_term term = 0;
	for (size_t i = 0; i < sim->node_count; i++) {
		const struct raft_sim_node *node = &sim->nodes[i];
		if (node->up && node->raft.role == RAFT_LEADER && node->raft.persisted.term >= term) {
			leader = i + 1;
			term = node->raft.persisted.term;
		}
	}
	return leader;
}

raft_index raft_sim_committed(const struct raft_sim *sim)
{
	return raft_checks_committed(&sim->checks);
}

/* Step node id with a proposal (a command's bytes, or a membership change). */
static int propose(struct raft_sim *sim, raft_id id, const struct raft_input *input, enum raft_refusal *refusal,
		   raft_index *index)
{
	*refusal = RAFT_NOT_LEADER;
	if (!node_of(sim, id)->up)
		return 0;
	struct raft_output out;
	if (step_node(sim, id, input, &out) < 0)
		return -1;
	*refusal = out.refusal;
	if (index)
		*index = out.proposed_index;
	TRACE(sim, "propose %s at %u: %s %" PRIu64 "\n",
	      input->kind == RAFT_PROPOSE ? "command" : input->kind == RAFT_ADD_MEMBER ? "add member" : "remove member",
	      id, out.refusal == RAFT_ACCEPTED ? "index" : "refused", out.proposed_index);
	return 0;
}

int raft_sim_propose(struct raft_sim *sim, raft_id id, enum raft_input_kind kind, raft_id member,
		     enum raft_refusal *refusal, raft_index *index)
{
	uint64_t command = ++sim->commands; /* a number: each command's bytes differ */
	struct raft_input input = { .kind = kind, .member = member, .data = &command, .size = sizeof(command) };
	return propose(sim, id, &input, refusal, index);
}

int raft_sim_propose_bytes(struct raft_sim *sim, raft_id id, const void *data, size_t size,
			   enum raft_refusal *refusal, raft_index *index)
{
	sim->commands++;
	struct raft_input input = { .kind = RAFT_PROPOSE, .data = data, .size = size };
	return propose(sim, id, &input, refusal, index);
}

int raft_sim_snapshot(struct raft_sim *sim, raft_id id, raft_index index, const void *data, size_t size)
{
	struct raft_sim_node *node = node_of(sim, id);
	if (!node->up || index != node->applied_index || index <= node->raft.persisted.log.snapshot.index)
		return 0;
	/* The hash first, so the checks of state machine safety go on across snapshots. */
	unsigned char *bytes = malloc(sizeof(node->applied_hash) + size);
	if (!bytes)
		return fail_errno(ENOMEM, "cannot take a snapshot of node %u", id);
	memcpy(bytes, &node->applied_hash, sizeof(node->applied_hash));
	memcpy(bytes + sizeof(node->applied_hash), data, size);
	struct raft_input input = { .kind = RAFT_SNAPSHOT_TAKEN, .index = index, .data = bytes,
				    .size = sizeof(node->applied_hash) + size };
	struct raft_output out;
	TRACE(sim, "%u snapshots at %" PRIu64 " (%zu bytes)\n", id, index, size);
	int status = step_node(sim, id, &input, &out);
	free(bytes);
	return status;
}

static int deliver(struct raft_sim *sim)
{
	struct raft_sim_delivery delivery = take_next_delivery(sim);
	struct raft_message *m = &delivery.message;
	int status = 0;
	if (!node_of(sim, m->to)->up || sim->cut[m->from - 1][m->to - 1]) {
		describe_message(sim, "drop", m);
		sim->dropped++;
	} else {
		describe_message(sim, "deliver", m);
		sim->delivered++;
		struct raft_input input = { .kind = RAFT_RECEIVE, .message = m };
		struct raft_output out;
		status = step_node(sim, m->to, &input, &out);
	}
	raft_message_free(m);
	return status;
}

/* The earliest timer of a live node, or restart of a crashed one; UINT64_MAX when none. */
static uint64_t next_timer(const struct raft_sim *sim, raft_id *id)
{
	uint64_t earliest = UINT64_MAX;
	for (size_t i = 0; i < sim->node_count; i++) {
		const struct raft_sim_node *node = &sim->nodes[i];
		if (!node->up && !node->restart_at)
			continue;
		uint64_t at = node->up ? simulation_time(node, raft_next_deadline(&node->raft)) : node->restart_at;
		if (at < earliest) {
			earliest = at;
			*id = i + 1;
		}
	}
	return earliest;
}

int raft_sim_run_until(struct raft_sim *sim, uint64_t until)
{
	while (!sim->failed) {
		raft_id timer_node = 0;
		uint64_t timer = next_timer(sim, &timer_node);
		uint64_t message = sim->flight_count ? sim->flight[0].at : UINT64_MAX;
		uint64_t proposal = sim->options.propose_every_ms ? sim->next_proposal : UINT64_MAX;
		bool faults_due = sim->options.faults && sim->next_fault <= sim->options.faults_until_ms;
		uint64_t fault = faults_due ? sim->next_fault : UINT64_MAX;
		uint64_t next = timer;
		if (message < next)
			next = message;
		if (proposal < next)
			next = proposal;
		if (fault < next)
			next = fault;
		if (next > until) {
			sim->now = until;
			return 0;
		}
		if (next > sim->now)
			sim->now = next;
		int status = 0;
		if (next == message) {
			status = deliver(sim);
		} else if (next == timer && !node_of(sim, timer_node)->up) {
			status = raft_sim_restart(sim, timer_node);
		} else if (next == timer) {
			struct raft_input input = { .kind = RAFT_TICK };
			struct raft_output out;
			status = step_node(sim, timer_node, &input, &out);
		} else if (next == proposal) {
			sim->next_proposal += sim->options.propose_every_ms;
			raft_id leader = raft_sim_leader(sim);
			enum raft_refusal refusal;
			if (leader)
				status = raft_sim_propose(sim, leader, RAFT_PROPOSE, 0, &refusal, NULL);
		} else {
			sim->next_fault += next_fault_gap(sim);
			status = sim->next_fault > sim->options.faults_until_ms ? end_faults(sim) : random_fault(sim);
		}
		if (status < 0)
			return -1;
	}
	return -1;
}

int raft_sim_run_until_true(struct raft_sim *sim, bool (*done)(struct raft_sim *sim, void *arg), void *arg,
			    uint64_t deadline)
{
	/* Run in small slices of virtual time and look in between. */
	while (!done(sim, arg)) {
		if (sim->now >= deadline)
			return 0;
		uint64_t until = sim->now + 5 < deadline ? sim->now + 5 : deadline;
		if (raft_sim_run_until(sim, until) < 0)
			return -1;
	}
	return 1;
}

/* --- setup and whole runs ------------------------------------------------------------------- */

int raft_sim_init(struct raft_sim *sim, const struct raft_sim_options *options)
{
	memset(sim, 0, sizeof(*sim));
	sim->options = *options;
	sim->random_state = options->seed;
	sim->node_count = options->members + options->spares;
	if (options->members == 0 || sim->node_count > RAFT_MAX_MEMBERS || options->min_delay_ms == 0 ||
	    options->max_delay_ms < options->min_delay_ms || options->clock_skew_permille >= 500)
		return fail_errno(EINVAL, "cannot simulate %zu managers and %zu spares with delays of %u to %u ms "
				  "and clocks off by up to %u/1000", options->members, options->spares, options->min_delay_ms,
				  options->max_delay_ms, options->clock_skew_permille);
	struct raft_config initial = { .count = options->members };
	for (size_t i = 0; i < options->members; i++)
		initial.members[i] = i + 1;
	struct raft_config none = { .count = 0 };
	for (raft_id id = 1; id <= sim->node_count; id++) {
		struct raft_sim_node *node = node_of(sim, id);
		node->clock_rate_ppm = 1000000u;
		if (options->clock_skew_permille) { /* drawn only then: a run without skew is as it was */
			uint64_t spread = 2 * 1000 * (uint64_t)options->clock_skew_permille + 1;
			node->clock_rate_ppm = 1000000u - 1000u * options->clock_skew_permille + sim_random(sim) % spread;
		}
		struct raft_options raft = node_options(sim, id, 0);
		if (raft_node_init(&node->raft, &raft, id <= options->members ? &initial : &none, NULL, 0) < 0 ||
		    raft_log_copy(&node->disk.log, &node->raft.persisted.log) < 0) {
			raft_sim_free(sim);
			return -1;
		}
		node->up = true;
	}
	sim->next_fault = options->fault_every_ms;
	sim->faulting = options->faults;
	sim->next_proposal = options->propose_every_ms;
	note_leaders(sim);
	text_add(&sim->timeline, "%8u ms  %zu managers start, none is leader\n", 0u, options->members);
	return 0;
}

void raft_sim_free(struct raft_sim *sim)
{
	for (size_t i = 0; i < sim->node_count; i++) {
		if (sim->nodes[i].up)
			raft_node_free(&sim->nodes[i].raft);
		raft_persisted_free(&sim->nodes[i].disk);
	}
	while (sim->flight_count) {
		struct raft_sim_delivery delivery = take_next_delivery(sim);
		raft_message_free(&delivery.message);
	}
	free(sim->flight);
	raft_checks_free(&sim->checks);
	free(sim->periods);
	free(sim->trace.text);
	free(sim->timeline.text);
	memset(sim, 0, sizeof(*sim));
}

static bool has_leader(struct raft_sim *sim, void *arg)
{
	(void)arg;
	return raft_sim_leader(sim) != 0;
}

/* A command awaited by the liveness check: committed and applied by every member, or lost
 * (another entry was committed at its index: its leader was deposed before it spread). */
struct awaited {
	raft_index index;
	uint64_t identity;
	bool lost;
};

static bool applied_everywhere_or_lost(struct raft_sim *sim, void *arg)
{
	struct awaited *command = arg;
	uint64_t committed;
	if (!raft_checks_committed_entry(&sim->checks, command->index, &committed))
		return false;
	if (committed != command->identity) {
		command->lost = true;
		return true;
	}
	for (size_t i = 0; i < sim->node_count; i++) {
		const struct raft_sim_node *node = &sim->nodes[i];
		bool member = raft_config_has(raft_log_config(&node->raft.persisted.log), i + 1);
		if (member && node->applied_index < command->index)
			return false;
	}
	return true;
}

int raft_sim_run_seed(const struct raft_sim_options *options, uint64_t liveness_ms, struct raft_sim *sim)
{
	if (raft_sim_init(sim, options) < 0)
		return -1;
	uint64_t calm = options->faults ? options->faults_until_ms + 1 : 0;
	if (raft_sim_run_until(sim, calm) < 0)
		return -1;
	/* Liveness: from here on, a command given to a leader is applied everywhere in time. */
	uint64_t deadline = calm + liveness_ms;
	for (;;) {
		int found = raft_sim_run_until_true(sim, has_leader, NULL, deadline);
		if (found < 0)
			return -1;
		if (found == 0)
			return violation(sim, "liveness: no leader %" PRIu64 " ms after faults stopped", liveness_ms);
		raft_id leader = raft_sim_leader(sim);
		enum raft_refusal refusal;
		struct awaited command = { 0 };
		if (raft_sim_propose(sim, leader, RAFT_PROPOSE, 0, &refusal, &command.index) < 0)
			return -1;
		if (refusal != RAFT_ACCEPTED || !node_of(sim, leader)->up)
			continue;
		command.identity = raft_entry_identity(raft_log_entry(&node_of(sim, leader)->raft.persisted.log,
								 command.index));
		found = raft_sim_run_until_true(sim, applied_everywhere_or_lost, &command, deadline);
		if (found < 0)
			return -1;
		if (found == 0)
			return violation(sim, "liveness: a command proposed after faults stopped is not applied by "
					 "every member within %" PRIu64 " ms", liveness_ms);
		if (!command.lost) {
			sim->converged_after_ms = sim->now - calm;
			return 0;
		}
	}
}

int raft_sim_measure_failover(const struct raft_sim_options *options, uint64_t *new_leader_ms)
{
	struct raft_sim_options calm = *options;
	calm.faults = false;
	struct raft_sim sim;
	if (raft_sim_init(&sim, &calm) < 0)
		return -1;
	int status = -1;
	/* Let the first election settle, then kill the leader at a time drawn from the seed, so
	 * that the kill falls anywhere between two heartbeats. */
	uint64_t kill_at = 5000 + sim_random(&sim) % 1000;
	if (raft_sim_run_until(&sim, kill_at) < 0)
		goto out;
	raft_id old = raft_sim_leader(&sim);
	if (!old) {
		fail_errno(0, "seed %" PRIu64 ": no leader after %" PRIu64 " ms", options->seed, kill_at);
		goto out;
	}
	raft_sim_crash(&sim, old);
	int found = raft_sim_run_until_true(&sim, has_leader, NULL, kill_at + 60000);
	if (found <= 0) {
		if (found == 0)
			fail_errno(0, "seed %" PRIu64 ": no new leader within 60 s of the old one's death", options->seed);
		goto out;
	}
	*new_leader_ms = sim.leader_elected_at - kill_at;
	status = 0;
out:
	raft_sim_free(&sim);
	return status;
}

void raft_sim_note(struct raft_sim *sim, const char *fmt, ...)
{
	char line[256];
	va_list args;
	va_start(args, fmt);
	vsnprintf(line, sizeof(line), fmt, args);
	va_end(args);
	timeline(sim, "%s", line);
}

void raft_sim_print_timeline(FILE *out, const struct raft_sim *sim)
{
	if (sim->timeline.text)
		fputs(sim->timeline.text, out);
	fprintf(out, "who led when:\n");
	for (size_t i = 0; i < sim->period_count; i++) {
		const struct raft_sim_period *period = &sim->periods[i];
		uint64_t until = i + 1 < sim->period_count ? sim->periods[i + 1].from : sim->now;
		if (period->leader)
			fprintf(out, "%8" PRIu64 " - %8" PRIu64 " ms  %u, term %" PRIu64 "\n", period->from, until,
				period->leader, period->term);
		else
			fprintf(out, "%8" PRIu64 " - %8" PRIu64 " ms  no leader (%" PRIu64 " ms)\n", period->from, until,
				until - period->from);
	}
}

void raft_sim_print_trace(FILE *out, const struct raft_sim *sim)
{
	if (sim->trace.text)
		fputs(sim->trace.text, out);
}
