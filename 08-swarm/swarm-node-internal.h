/*
 * swarm-node-internal.h - the node process's own state, shared by its files: swarm-node.c
 * (the loop and the connections), swarm-node-manager.c (Raft, the peers, the leader's side),
 * swarm-node-agent.c (the session with the leader), swarm-control-server.c (the control
 * socket). Not an interface: swarm-node.h is.
 */
#ifndef TINYDOCK_SWARM_NODE_INTERNAL_H
#define TINYDOCK_SWARM_NODE_INTERNAL_H

#include "swarm-frame.h"
#include "swarm-manager.h"
#include "swarm-node.h"
#include "swarm-wire.h"

#include <poll.h>
#include <stdio.h>

/* A hello must arrive this soon after a connection opens; a control request, this soon. */
#define SWARM_NODE_HELLO_MS 5000
/* What may wait in a connection's output before the peer counts as stuck and is dropped. */
#define SWARM_NODE_OUTPUT_MAX (16u << 20)
/* Reconnecting: first after this long, then doubling up to the maximum. */
#define SWARM_NODE_BACKOFF_MIN_MS 100
#define SWARM_NODE_BACKOFF_MAX_MS 2000
/* Sent data unacknowledged this long ends a TCP connection (a partition, a machine off). */
#define SWARM_NODE_TCP_TIMEOUT_MS 5000
/* A forwarded control request, and a join, wait at most this long for their answer. */
#define SWARM_NODE_FORWARD_MS 10000

enum conn_kind {
	CONN_LISTENER,   /* the TCP listener */
	CONN_CONTROL_LISTENER,
	CONN_INBOUND,    /* accepted from TCP: a hello first, then what its messages say */
	CONN_PEER,       /* dialed to a manager, for our Raft messages to it */
	CONN_AGENT,      /* dialed to the leader: our agent's session */
	CONN_FORWARD,    /* dialed to the leader, carrying one control request of a client */
	CONN_CONTROL,    /* a client on the control socket */
};

struct conn {
	uint64_t id;              /* unique in this process: links outlive array positions */
	enum conn_kind kind;
	int fd;
	bool connecting;          /* a non-blocking connect(2) in progress */
	bool closing;             /* close once the output is written */
	bool authenticated;       /* inbound: its hello was good */
	uint64_t deadline;        /* monotonic: give up then (0: none) */
	struct swarm_frame_reader reader;
	char *out;                /* frames waiting to be written */
	size_t out_length, out_sent, out_capacity;

	/* who is at the other end (inbound after hello; dialed: who we dialed) */
	char node[SWARM_NAME_MAX];
	char address[SWARM_NAME_MAX];
	enum swarm_role role;     /* the role it claims */
	enum swarm_role token_role; /* the role its token admits */
	raft_id raft;

	uint64_t link;            /* CONTROL: its FORWARD; FORWARD: its CONTROL (conn ids) */
	char *request;            /* FORWARD: the request to send once connected */
	bool session;             /* INBOUND: an agent's session (sent a heartbeat) */
	char *last_assignments;   /* INBOUND session: the last set sent, to send only changes */
};

/* A manager this node knows: where it is, and our connection to it. */
struct peer {
	raft_id raft;
	char node[SWARM_NAME_MAX];
	char address[SWARM_NAME_MAX];
	uint64_t conn;            /* our CONN_PEER to it (0: none) */
	uint64_t next_dial;
	uint32_t backoff_ms;
};

/* A control client waiting for its proposal's entry to be applied. */
struct waiter {
	uint64_t conn;
	raft_index index;
	raft_term term;
};

/* A control request relayed by the leader to the node that can answer it (a task's logs),
 * over that node's session: its answer comes back on the session, in order. */
struct relay {
	uint64_t session;
	uint64_t client;
};

/* A node that asked to join, waiting for its NODE_JOIN to be applied, then (a manager) for
 * its place in Raft's configuration. */
struct joiner {
	uint64_t conn;
	raft_index index;
	raft_term term;
	bool committed;           /* its NODE_JOIN is in the store */
	raft_id raft;             /* a manager's, 0 for a worker */
	char node[SWARM_NAME_MAX];
};

struct node_process {
	struct swarm_identity identity;
	bool is_manager;
	bool stop;                /* leave or SIGTERM: the loop ends */
	bool leaving;             /* leave: remove the state once stopped */
	uint64_t next_conn_id;

	struct conn *conns;
	size_t conn_count, conn_capacity;

	/* the manager's part */
	struct swarm_manager manager;
	bool manager_started;
	struct peer peers[RAFT_MAX_MEMBERS * 2];
	size_t peer_count;
	struct waiter *waiters;
	size_t waiter_count, waiter_capacity;
	struct joiner joiners[8];
	size_t joiner_count;
	uint64_t next_round;      /* monotonic: the leader's next round */
	struct relay relays[64];
	size_t relay_count;
	raft_id last_leader;

	/* the agent's part */
	struct swarm_executor *executor; /* NULL: this node runs no tasks (it could not open one) */
	struct swarm_mesh *mesh;  /* the routing mesh (NULL: it could not start) */
	char *mesh_table;         /* the last table served, JSON */
	uint64_t agent;           /* its CONN_AGENT (0: none) */
	char leader_node[SWARM_NAME_MAX];      /* whom it follows ("" when it does not know) */
	char leader_address[SWARM_NAME_MAX];
	size_t next_manager;      /* a worker without a leader tries the managers in turn */
	uint64_t agent_next_dial, agent_next_heartbeat;
	uint32_t agent_backoff_ms;
	struct swarm_wire_report *reports; /* the latest state of each task, sent every heartbeat */
	size_t report_count, report_capacity;
	size_t assignment_count;  /* the last set received (shown by info) */
};

/* --- the clocks ------------------------------------------------------------------------------ */
/* The swarm's time (the "at" of commands, the store's times, the loops' now): wall-clock
 * milliseconds, the one clock that means the same on every machine, so a new leader reads the
 * old leader's times right. Timers and Raft use swarm_monotonic_ms (swarm-frame.h), which a
 * clock change cannot make jump. */
uint64_t swarm_node_wall_ms(void);

/* --- swarm-node.c: connections ---------------------------------------------------------------- */
struct conn *node_conn(struct node_process *node, uint64_t id);
struct conn *node_add_conn(struct node_process *node, enum conn_kind kind, int fd);
/* Dial HOST:PORT without blocking: a CONN of kind, connecting; NULL recorded. */
struct conn *node_dial(struct node_process *node, enum conn_kind kind, const char *address);
/* Listen on identity.listen (TCP): what a manager does. -1 recorded. */
int node_listen(struct node_process *node);
/* Queue a frame on conn (the bytes are copied); -1 recorded: drop the connection. */
int node_send_text(struct node_process *node, struct conn *conn, const char *text, size_t length);
int node_send(struct node_process *node, struct conn *conn, const struct swarm_wire_message *message);
/* Our hello, queued first on a connection we dialed. */
int node_send_hello(struct node_process *node, struct conn *conn);
/* Close conn at the end of this turn of the loop (after its output, when flush). */
void node_close(struct node_process *node, struct conn *conn, bool flush);
/* "2026-12-03T16:00:00Z node: <message>" on the node's log (stderr). */
void node_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "HOST:PORT" (an IPv4 address or a name) into a socket address; -1 recorded. */
struct sockaddr_in;
int node_parse_address(const char *address, struct sockaddr_in *sin);

/* --- swarm-node-manager.c ----------------------------------------------------------------------- */
int manager_start(struct node_process *node);
void manager_stop(struct node_process *node);
/* Timers: Raft's tick, the leader's round, redials. The next monotonic time it wants. */
int manager_tick(struct node_process *node, uint64_t now, uint64_t *next);
/* A message from an authenticated manager or agent on conn. */
int manager_receive(struct node_process *node, struct conn *conn, struct swarm_wire_message *message);
/* Propose one command (JSON text of a command object) for the control client conn. */
int manager_propose(struct node_process *node, struct conn *client, const char *command_json);
/* The manager's "state" reply (malloc'd JSON text). */
char *manager_state(struct node_process *node);
/* Where the leader is (the node's own address when it leads); false when unknown. */
bool manager_leader(struct node_process *node, char *leader_node, size_t node_size, char *address, size_t address_size);
/* A CONN_PEER we dialed was welcomed: reconnect quickly next time it breaks. */
void manager_peer_welcomed(struct node_process *node, struct conn *conn);
/* A conn closed: forget it wherever it is waited on. */
void manager_forget_conn(struct node_process *node, uint64_t conn);
/* A hello from a manager told us where it is. */
void manager_learn_peer(struct node_process *node, const char *node_id, const char *address, raft_id raft);

/* --- swarm-node-agent.c ------------------------------------------------------------------------- */
int agent_start(struct node_process *node);
int agent_tick(struct node_process *node, uint64_t now, uint64_t *next);
/* The executor's file descriptors for the loop's poll (swarm_executor_pollfds). */
size_t agent_pollfds(struct node_process *node, struct pollfd *fds, size_t room);
int agent_receive(struct node_process *node, struct conn *conn, struct swarm_wire_message *message);
void agent_lost(struct node_process *node, uint64_t now);
/* Close the executor (stopping every task first when stop_tasks: the node leaves). */
void agent_free(struct node_process *node, bool stop_tasks);

/* --- swarm-control-server.c ------------------------------------------------------------------- */
int control_listen(struct node_process *node);
int control_request(struct node_process *node, struct conn *conn, const char *request, size_t length);
/* Answer a control client (on the control socket, or a node that forwarded its client's
 * request: as a control-reply) with reply, JSON text; the connection then closes. */
int control_reply(struct node_process *node, struct conn *conn, const char *reply);
/* Answer a control client: {"ok":false,"error":message}. */
int control_error(struct node_process *node, struct conn *conn, const char *message);
/* A forwarded request's reply arrived on conn (a FORWARD), or it failed (reply NULL). */
void control_forwarded(struct node_process *node, struct conn *forward, const char *reply);
/* A relayed request's answer arrived on session (reply NULL: the session ended first). */
void control_relayed(struct node_process *node, struct conn *session, const char *reply);
/* A control request that came down our own session from the leader: answer it on conn. */
int control_from_leader(struct node_process *node, struct conn *conn, const char *request);
/* Remove the control socket's file (the node stops). */
void control_remove_socket(void);

#endif
