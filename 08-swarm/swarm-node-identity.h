/*
 * swarm-node-identity.h - a node's name in the swarm, and the tokens that let a node in.
 *
 * Node ids look like Docker's: 25 characters of [a-z0-9] drawn at random ("k3j2h4g5f6d7...").
 * A manager's Raft id (raft-log.h: a number) is a hash of its node id, so every manager can
 * tell which node a Raft member is, and so where to reach it, from the store alone.
 *
 * A join token has Docker's shape, SWMTKN-1-<digest>-<secret>: "1" the format's version, the
 * digest 50 characters naming the swarm (Docker's is the hash of its root CA certificate;
 * here, drawn at random by `swarm init`), the secret 25 characters, one for workers and one
 * for managers. The token a node shows in its hello says both which swarm it is for and which
 * role it may take. Docker then gives each node a TLS certificate and checks that on every
 * connection; here the token itself is shown in every hello, over plain TCP: good for a class
 * on one machine or a private network, not for the internet (wire.md says so).
 */
#ifndef TINYDOCK_SWARM_NODE_IDENTITY_H
#define TINYDOCK_SWARM_NODE_IDENTITY_H

#include "raft-log.h"
#include "swarm-store.h"

#define SWARM_NODE_ID_LENGTH 25
#define SWARM_TOKEN_DIGEST_LENGTH 50
#define SWARM_TOKEN_SECRET_LENGTH 25

/* length random characters of [a-z0-9] into text (length + 1 bytes), from getrandom(2). */
int swarm_random_text(char *text, size_t length);

/* The Raft id of the manager whose node id is node: FNV-1a, never 0. */
raft_id swarm_node_raft_id(const char *node);

/* A new swarm's two tokens (size bytes each): one digest, two secrets. */
int swarm_new_tokens(char *worker, char *manager, size_t size);

/* Which role token admits: SWARM_MANAGER or SWARM_WORKER, or -1 (recorded, with the reason a
 * user can act on) when it is not a token of this swarm. */
int swarm_token_role(const char *token, const char *worker_token, const char *manager_token);

/* Is text a token in Docker's shape? (checked before it is sent anywhere) */
bool swarm_token_well_formed(const char *text);

#endif
