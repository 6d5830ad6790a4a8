/*
 * raft-log.h - the replicated log of a Raft node, with the snapshot that replaces its prefix.
 *
 * Raft (Ongaro and Ousterhout, "In Search of an Understandable Consensus Algorithm", 2014)
 * keeps the managers of a swarm in agreement by agreeing on one thing only: a log, a
 * numbered list of entries. Entry i is the same on every manager that has it, and each
 * manager applies entries in order to the same state machine (for a swarm, the store of
 * nodes, services and tasks), so they all reach the same state.
 *
 * An entry carries the term in which a leader created it (terms number the elections), its
 * kind (a command for the state machine, a leader's no-op, or a new list of managers) and the
 * command's bytes. Indices start at 1; index 0 is "before the log".
 *
 * A log cannot grow forever (section 7 of the paper): once a prefix is applied, the state
 * machine's state at that point is written as a snapshot, and the entries it covers are
 * dropped. So the log here is a snapshot (last index, its term, the managers at that point,
 * the state machine's bytes) followed by the entries after it.
 *
 * Pure data structure: no clock, no socket, no file. raft.c decides what goes in.
 */
#ifndef TINYDOCK_RAFT_LOG_H
#define TINYDOCK_RAFT_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t raft_term;
typedef uint64_t raft_index;
typedef uint32_t raft_id; /* a manager's id; 0 means none */

/* The most managers in one cluster. Swarm advises 3, 5 or 7 ("Administer and maintain a
 * swarm of Docker Engine nodes"); 9 leaves room for a change of membership on top of 7. */
#define RAFT_MAX_MEMBERS 9

/* The managers that vote, in a fixed order. */
struct raft_config {
	raft_id members[RAFT_MAX_MEMBERS];
	size_t count;
};

bool raft_config_has(const struct raft_config *config, raft_id id);

/* The number of votes (or copies) that is a majority of config: count / 2 + 1. */
size_t raft_config_quorum(const struct raft_config *config);

enum raft_entry_kind {
	RAFT_ENTRY_COMMAND, /* bytes for the state machine */
	RAFT_ENTRY_NOOP,    /* appended by each new leader, so it can commit (raft.c says why) */
	RAFT_ENTRY_CONFIG,  /* the new list of managers, in effect as soon as it is in a log */
};

struct raft_entry {
	raft_term term;
	enum raft_entry_kind kind;
	struct raft_config config; /* RAFT_ENTRY_CONFIG */
	unsigned char *data;       /* RAFT_ENTRY_COMMAND: owned by whoever holds the entry */
	size_t size;
};

/* Copy src into *dst (its own copy of the bytes); -1 (recorded) when out of memory. */
int raft_entry_copy(struct raft_entry *dst, const struct raft_entry *src);
void raft_entry_free(struct raft_entry *entry);

/* What the state machine looked like after entry `index`. */
struct raft_snapshot {
	raft_index index;          /* last entry it covers (0: no snapshot) */
	raft_term term;            /* that entry's term */
	struct raft_config config; /* the managers in effect at that entry */
	unsigned char *data;       /* the state machine's bytes, owned */
	size_t size;
};

int raft_snapshot_copy(struct raft_snapshot *dst, const struct raft_snapshot *src);
void raft_snapshot_free(struct raft_snapshot *snapshot);

/* A snapshot followed by entries snapshot.index + 1 .. snapshot.index + count. */
struct raft_log {
	struct raft_snapshot snapshot;
	struct raft_entry *entries;
	size_t count, capacity;
};

void raft_log_init(struct raft_log *log);
void raft_log_free(struct raft_log *log);
int raft_log_copy(struct raft_log *dst, const struct raft_log *src);

/* The index of the last entry (the snapshot's when no entry follows it). */
raft_index raft_log_last_index(const struct raft_log *log);
raft_term raft_log_last_term(const struct raft_log *log);

/* The entry at index, or NULL when index is in the snapshot or past the end. */
const struct raft_entry *raft_log_entry(const struct raft_log *log, raft_index index);

/* The term of the entry at index: the snapshot's term at its own index, 0 at index 0;
 * false when the log does not know it (compacted away or past the end). */
bool raft_log_term_at(const struct raft_log *log, raft_index index, raft_term *term);

/* Append a copy of entry after the last one; -1 (recorded) when out of memory. */
int raft_log_append(struct raft_log *log, const struct raft_entry *entry);

/* Drop the entries from index on (index > snapshot.index). */
void raft_log_truncate(struct raft_log *log, raft_index from);

/* The managers in effect at the end of the log: the last config entry, or the snapshot's. */
const struct raft_config *raft_log_config(const struct raft_log *log);

/* The index of the last config entry after the snapshot, 0 when there is none. */
raft_index raft_log_last_config_index(const struct raft_log *log);

/* Replace the prefix up to index (within the log) by a snapshot of data: the entries up to it
 * are dropped, those after it kept. -1 (recorded) when out of memory; the log is unchanged. */
int raft_log_compact(struct raft_log *log, raft_index index, const void *data, size_t size);

/* Install a snapshot received from the leader (section 7, Figure 13): if the log has the
 * snapshot's last entry, with its term, the entries after it are kept; otherwise the whole
 * log is discarded. -1 (recorded) when out of memory; the log is unchanged. */
int raft_log_install(struct raft_log *log, const struct raft_snapshot *snapshot);

#endif
