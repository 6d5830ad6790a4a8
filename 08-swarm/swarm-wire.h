/*
 * swarm-wire.h - the messages between a swarm's node processes, as JSON.
 *
 * Each message is one frame (swarm-frame.h) holding one JSON object with a version and a
 * type first: {"v":1,"type":"raft",...}. The types, and who sends them (wire.md tells the
 * whole conversation):
 *
 *   hello        any node opening a connection: its token, node id, address, the role it
 *                claims and, for a manager, its Raft id. Checked before anything else: a
 *                wrong token ends the connection ("refused").
 *   welcome      the answer to a good hello, with the role its token admits; refused: the
 *                answer to a bad one, with why.
 *   raft         a Raft message between managers (raft-message.h), entries' bytes as the
 *                JSON text they are (a line per swarm command).
 *   join         a new node asks to join: its node spec (swarm-store.h).
 *   join-answer  the leader's answer once the node is in the store: the managers' ids and
 *                addresses, and, for a manager, the swarm's secrets (it will check hellos).
 *   redirect     "I do not lead; go to this one" (node id and address of the leader).
 *   heartbeat    a node's agent, every period, to the leader's dispatcher, with the latest
 *                state of each of its tasks (as in a report).
 *   assignments  the leader to an agent: the full set of its tasks, each with its spec, the
 *                routing mesh's table (opaque JSON here), and the node's role in the store
 *                (with the swarm's tokens for a manager): how a node learns it was promoted
 *                or demoted.
 *   report       an agent to the leader: what became of its tasks (with endpoints).
 *   control      a control request forwarded to the leader (swarm-control.h: propose,
 *                state, ...); control-reply: its reply, relayed back.
 *
 * Decoding trusts nothing, since the bytes come from the network: every member is checked for
 * its type and range, every text for its length, every list for its count; a failure records
 * "swarm wire: \"member\" <problem>" and the connection is closed by the caller.
 *
 * Pure: no socket here. Read next: wire.md, then swarm-node.c.
 */
#ifndef TINYDOCK_SWARM_WIRE_H
#define TINYDOCK_SWARM_WIRE_H

#include "raft-message.h"
#include "swarm-dispatcher.h"

#define SWARM_WIRE_VERSION 1
/* "SWMTKN-1-" + 50 + "-" + 25 characters in Docker's shape; room for a little more. */
#define SWARM_TOKEN_MAX 128
#define SWARM_WIRE_ERROR_MAX 512
/* The most of each list one message may carry: bounds for what a peer can make us allocate. */
#define SWARM_WIRE_MAX_ENTRIES 1024
#define SWARM_WIRE_MAX_ASSIGNMENTS 4096
#define SWARM_WIRE_MAX_REPORTS 4096

enum swarm_wire_type {
	SWARM_WIRE_HELLO,
	SWARM_WIRE_WELCOME,
	SWARM_WIRE_REFUSED,
	SWARM_WIRE_RAFT,
	SWARM_WIRE_JOIN,
	SWARM_WIRE_JOIN_ANSWER,
	SWARM_WIRE_REDIRECT,
	SWARM_WIRE_HEARTBEAT,
	SWARM_WIRE_ASSIGNMENTS,
	SWARM_WIRE_REPORT,
	SWARM_WIRE_CONTROL,
	SWARM_WIRE_CONTROL_REPLY,
};

const char *swarm_wire_type_name(enum swarm_wire_type type);

/* One manager as another node knows it. */
struct swarm_wire_manager {
	char node[SWARM_NAME_MAX];
	char address[SWARM_NAME_MAX];
	raft_id raft;
};

/* What became of one task, as an agent reports it. */
struct swarm_wire_report {
	uint64_t task;
	enum swarm_task_state state;
	char message[SWARM_MESSAGE_MAX];
	struct swarm_endpoint endpoints[SWARM_MAX_ENDPOINTS];
	size_t endpoint_count;
};

struct swarm_wire_message {
	enum swarm_wire_type type;

	/* hello: who speaks (role: the role it claims); redirect: the leader (node, address);
	 * welcome: role, the role the hello's token admits */
	char token[SWARM_TOKEN_MAX];
	char node[SWARM_NAME_MAX];
	char address[SWARM_NAME_MAX];
	enum swarm_role role;
	raft_id raft;

	/* refused, and a join-answer that says no */
	char error[SWARM_WIRE_ERROR_MAX];

	/* raft: entries and snapshot owned by the message once decoded */
	struct raft_message raft_message;

	/* join: the node that asks */
	struct swarm_node_spec join;

	/* join-answer; assignments (role, and the tokens when it is manager) */
	struct swarm_wire_manager managers[RAFT_MAX_MEMBERS];
	size_t manager_count;
	char worker_token[SWARM_TOKEN_MAX];  /* both "" for a worker */
	char manager_token[SWARM_TOKEN_MAX];

	/* assignments: as swarm-dispatcher.h's, pointing into tasks and specs (owned when
	 * decoded; when encoding, only assignments is read) */
	struct swarm_assignment *assignments;
	size_t assignment_count;
	struct swarm_task *tasks;
	struct swarm_service_spec *specs;
	char *mesh; /* the routing mesh's table, JSON text; NULL: none */

	/* report, heartbeat */
	struct swarm_wire_report *reports;
	size_t report_count;

	/* control, control-reply: the request or the reply, JSON text (malloc'd when decoded) */
	char *control;
};

/* A message of type with every other field zero. */
void swarm_wire_init(struct swarm_wire_message *message, enum swarm_wire_type type);

/* Free what decoding allocated (the raft message's entries, the assignments, the texts); a
 * message built by hand must own what it points to, or be freed by hand. */
void swarm_wire_free(struct swarm_wire_message *message);

/* The message as compact JSON (malloc'd, NUL-terminated; *size without the NUL), or NULL
 * (recorded) when out of memory or a list is longer than the bounds above. */
char *swarm_wire_encode(const struct swarm_wire_message *message, size_t *size);

/* A message back from bytes a peer sent: 0, or -1 with "swarm wire: <problem>" recorded and
 * nothing left to free. */
int swarm_wire_decode(const void *bytes, size_t size, struct swarm_wire_message *message);

/* One log entry, and a snapshot, as JSON and back: the pieces of a raft message, and of the
 * Raft state a node keeps on disk (swarm-persist.c). Reading fills *entry or *snapshot, whose
 * bytes the caller frees (raft_entry_free, raft_snapshot_free) also on failure. */
struct json;
struct json *swarm_wire_entry_json(const struct raft_entry *entry);
int swarm_wire_entry_read(const struct json *obj, struct raft_entry *entry);
struct json *swarm_wire_snapshot_json(const struct raft_snapshot *snapshot);
int swarm_wire_snapshot_read(const struct json *obj, struct raft_snapshot *snapshot);

#endif
