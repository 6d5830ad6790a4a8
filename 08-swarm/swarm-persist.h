/*
 * swarm-persist.h - what a node keeps on disk, under $TINYDOCK_ROOT/swarm/:
 *
 *   node.json   who it is: its id, hostname, role, Raft id, addresses, the token it shows in
 *               every hello, and, on a manager, the swarm's secrets (to check others' tokens
 *               and print `swarm join-token`); the managers it knows (where to reconnect).
 *   raft.json   a manager's Raft state (raft.h, "what must survive a crash"): the term, the
 *               vote, the snapshot (the store's bytes) and the entries after it.
 *
 * Both are written whole, to a temporary file that is flushed and renamed over the old one
 * (atomic-file.h): after a crash there is the old file or the new one, never a torn one. Raft
 * asks for its state to be on disk before any message that depends on it leaves
 * (raft.h, struct raft_output), so raft.json is fsync'ed on every change. Written whole, the
 * file costs a write of the store and at most snapshot_every entries each time: a log of
 * appends with a checksum per record would cost less, for a longer lesson.
 */
#ifndef TINYDOCK_SWARM_PERSIST_H
#define TINYDOCK_SWARM_PERSIST_H

#include "raft.h"
#include "swarm-wire.h"

#include <limits.h>

/* A node's identity and secrets (node.json). */
struct swarm_identity {
	char node[SWARM_NAME_MAX];       /* 25 characters of [a-z0-9], as Docker's node ids */
	char hostname[SWARM_NAME_MAX];
	enum swarm_role role;
	raft_id raft;                    /* a manager's Raft id (0 on a worker) */
	char address[SWARM_NAME_MAX];    /* advertised: where other nodes reach it, HOST:PORT */
	char listen[SWARM_NAME_MAX];     /* where it listens, HOST:PORT */
	char token[SWARM_TOKEN_MAX];     /* what it shows in a hello: its role's join token */
	char worker_token[SWARM_TOKEN_MAX];  /* managers: the swarm's two join tokens */
	char manager_token[SWARM_TOKEN_MAX];
	struct swarm_wire_manager managers[RAFT_MAX_MEMBERS]; /* the managers it knows */
	size_t manager_count;
	bool founder;                    /* swarm init made it: Raft starts with it as sole member */
};

/* $TINYDOCK_ROOT/swarm/NAME into path; -1 recorded when it does not fit. */
int swarm_persist_path(char *path, size_t size, const char *name);

/* Write identity to node.json (creating the folder, mode 0700: it holds the secrets). */
int swarm_identity_save(const struct swarm_identity *identity);
/* Read node.json: 1 with *identity, 0 when there is none (not in a swarm), -1 recorded. */
int swarm_identity_load(struct swarm_identity *identity);

/* Write the Raft state (term, vote, snapshot, entries) to raft.json and flush it. */
int swarm_raft_save(const struct raft_persisted *state);
/* Read raft.json: 1 with *state (the caller's to free), 0 when there is none, -1 recorded. */
int swarm_raft_load(struct raft_persisted *state);

/* Remove node.json and raft.json (swarm leave). */
int swarm_persist_remove(void);

#endif
