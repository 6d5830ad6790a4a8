/*
 * raft-sim.h - a deterministic simulation of Raft managers: a virtual clock, a network that
 * delays, loses, duplicates and reorders, partitions, crashes and restarts, all drawn from one
 * seed, with the safety properties of the Raft paper checked after every step.
 *
 * A distributed bug shows up once in a million runs on real machines and never again. Here a
 * run is a function of its seed: the same seed replays the same run, event for event, so a
 * failure found once is a failure that can be read (the trace) and fixed. The nodes are the
 * real raft.c, stepped in one process; nothing sleeps, so a minute of cluster life takes
 * milliseconds.
 *
 * Pure like raft.c: no clock, no socket, no file; the trace and the timeline are text in
 * memory, printed by whoever asks.
 */
#ifndef TINYDOCK_RAFT_SIM_H
#define TINYDOCK_RAFT_SIM_H

#include "raft-check.h"
#include "raft.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct raft_sim_options {
	size_t members;          /* managers in the first configuration, ids 1..members */
	size_t spares;           /* more nodes (ids after them), up but in no configuration */
	uint64_t seed;
	struct raft_options raft; /* for every node; id and random_seed are set per node */
	uint32_t min_delay_ms, max_delay_ms; /* one-way delay of a message, drawn per message */
	uint32_t propose_every_ms;  /* the leader gets a command this often (0: never) */
	size_t snapshot_every;      /* a node snapshots after this many applied entries (0: never) */
	bool faults;                /* crashes, restarts, partitions, loss, duplication... */
	uint32_t fault_every_ms;    /* ...one drawn this often... */
	uint64_t faults_until_ms;   /* ...until then, when everything heals and restarts */
	bool trace;                 /* keep a line per event (for replaying a failure) */
	/* Each node's clock runs fast or slow by up to this many thousandths, drawn per node: its
	 * timers (election timeout, heartbeat) fire early or late by as much, as on machines whose
	 * clocks drift. 0: every node's clock is the simulation's. */
	unsigned clock_skew_permille;
};

/* 3 managers, 1 to 10 ms delays, a command every 50 ms, a snapshot every 20 entries, faults
 * about every 200 ms (with lulls) for 20 s, Raft's default options (1 s election timeout,
 * 100 ms heartbeat, pre-vote) but for batches of 4 entries. */
struct raft_sim_options raft_sim_default_options(uint64_t seed);

/* A growing text (the trace, the timeline). */
struct raft_sim_text {
	char *text;
	size_t length, capacity;
};

struct raft_sim_node {
	bool up;
	struct raft_node raft;        /* valid while up */
	struct raft_persisted disk;   /* what it wrote: survives a crash */
	uint32_t restarts;
	uint64_t restart_at;          /* down: when it comes back by itself (0: when restarted) */
	raft_index applied_index;     /* its state machine: how far it applied... */
	uint64_t applied_hash;        /* ...and a hash of everything it applied, in order */
	uint32_t snapshots_installed; /* snapshots received from a leader */
	uint32_t clock_rate_ppm;      /* its clock: millionths of the simulation's (1000000: exact) */
};

struct raft_sim_delivery;

/* From `from` on, `leader` led in `term` (0: no leader), as the highest term's live leader. */
struct raft_sim_period {
	uint64_t from;
	raft_id leader;
	raft_term term;
};

struct raft_sim {
	struct raft_sim_options options;
	uint64_t now, random_state;
	struct raft_sim_node nodes[RAFT_MAX_MEMBERS]; /* node id i + 1 */
	size_t node_count;
	bool cut[RAFT_MAX_MEMBERS][RAFT_MAX_MEMBERS]; /* no message from a to b */
	unsigned loss_percent, duplicate_percent;
	uint64_t next_fault, next_proposal, commands;
	bool faulting, failed;

	/* messages in flight, a heap by delivery time (then by sending order) */
	struct raft_sim_delivery *flight;
	size_t flight_count, flight_capacity;
	uint64_t sent;

	struct raft_checks checks; /* the properties of Raft, after every step (raft-check.h) */

	/* figures */
	uint64_t steps, delivered, dropped;
	struct raft_sim_period *periods;      /* who led when (raft_sim_print_timeline) */
	size_t period_count, period_capacity;
	uint64_t leader_elected_at;           /* when the last leader was elected */
	uint64_t converged_after_ms;          /* run_seed: from calm to a command applied everywhere */

	struct raft_sim_text trace, timeline;
};

/* Start the nodes at time 0. -1 (recorded) when out of memory. */
int raft_sim_init(struct raft_sim *sim, const struct raft_sim_options *options);
void raft_sim_free(struct raft_sim *sim);

/* Run every event up to time `until`. -1 (recorded) when a property of Raft was broken (the
 * message says which, where and when) or out of memory. */
int raft_sim_run_until(struct raft_sim *sim, uint64_t until);

/* Run until done(sim, arg) holds or time `deadline` passes; 1 when it held, 0 when time ran
 * out, -1 as raft_sim_run_until. */
int raft_sim_run_until_true(struct raft_sim *sim, bool (*done)(struct raft_sim *sim, void *arg),
			    void *arg, uint64_t deadline);

/* The faults, by hand (tests, scenarios): */
void raft_sim_crash(struct raft_sim *sim, raft_id id);
int raft_sim_restart(struct raft_sim *sim, raft_id id);
/* Cut every link between the nodes in side (ids) and the others; heal mends every link. */
void raft_sim_partition(struct raft_sim *sim, const raft_id *side, size_t count);
void raft_sim_heal(struct raft_sim *sim);

/* The live leader of the highest term, 0 when none is up. */
raft_id raft_sim_leader(const struct raft_sim *sim);

/* Give node id an input now (a command, a membership change) and handle its output. The
 * node's refusal, if any, is in *refusal; proposed index in *index. -1 as run_until. */
int raft_sim_propose(struct raft_sim *sim, raft_id id, enum raft_input_kind kind, raft_id member,
		     enum raft_refusal *refusal, raft_index *index);

/* The same with a command of the caller's: its bytes (copied into the log). */
int raft_sim_propose_bytes(struct raft_sim *sim, raft_id id, const void *data, size_t size,
			   enum raft_refusal *refusal, raft_index *index);

/* A state machine of the caller's (with snapshot_every 0) wrote its state after entry index,
 * which node id has applied: the snapshot holds the node's hash of what it applied (8 bytes,
 * so that the checks go on across snapshots), then data. Nothing when the node is down, has
 * applied another index, or has a later snapshot. -1 as run_until. */
int raft_sim_snapshot(struct raft_sim *sim, raft_id id, raft_index index, const void *data, size_t size);

/* The highest index committed anywhere, as far as the checks saw. */
raft_index raft_sim_committed(const struct raft_sim *sim);

/* One whole run of a seed: faults until faults_until_ms, then every node restarted and every
 * link healed; a leader must then be elected and a new command applied by every member
 * within liveness_ms. 0 when every check held; -1 (recorded: which check, seed, time). */
int raft_sim_run_seed(const struct raft_sim_options *options, uint64_t liveness_ms,
		      struct raft_sim *sim);

/* Kill the leader of a calm cluster at a time drawn from the seed; *new_leader_ms is the
 * virtual time until another is elected. -1 (recorded) when none is within 60 s. */
int raft_sim_measure_failover(const struct raft_sim_options *options, uint64_t *new_leader_ms);

/* Add a line of the caller's to the timeline, at the current time. */
void raft_sim_note(struct raft_sim *sim, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print the events (elections, crashes, restarts, partitions, heals, notes), then a table of
 * who led when. */
void raft_sim_print_timeline(FILE *out, const struct raft_sim *sim);

/* Print the trace kept with options.trace. */
void raft_sim_print_trace(FILE *out, const struct raft_sim *sim);

#endif
