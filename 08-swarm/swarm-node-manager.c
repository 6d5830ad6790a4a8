/*
 * swarm-node-manager.c - a manager node's Raft on real time, sockets and files, and the
 * leader's side of the other nodes' sessions.
 *
 * Every input to Raft goes through one function, step(): raft_step, then what raft.h says
 * to do, in its order: write the state to disk (raft.json, flushed) before any message leaves,
 * send the messages (to each manager over our own connection to it, dialed on demand and
 * redialed with backoff), apply the committed entries to the store (swarm-manager.c). The
 * leader runs its round every SWARM_NODE_ROUND_MS: the workers' heartbeats and reports that
 * arrived, and the control loops' commands, proposed as one entry.
 *
 * A Raft member is a manager node: its Raft id is a hash of its node id
 * (swarm-node-identity.h), so where to reach it is in the store (its node's address), in
 * its hello, or in node.json's list of managers (for a restart, before the store is rebuilt).
 */
#include "swarm-node-internal.h"

#include "error.h"
#include "json.h"
#include "swarm-node-identity.h"
#include "swarm-mesh-node.h"
#include "swarm-snapshot.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* --- peers ---------------------------------------------------------------------------------- */

static struct peer *find_peer(struct node_process *node, raft_id raft)
{
	for (size_t i = 0; i < node->peer_count; i++)
		if (node->peers[i].raft == raft)
			return &node->peers[i];
	return NULL;
}

/* Keep node.json's list of managers in step with the peers, for the next start. */
static void save_peers(struct node_process *node)
{
	struct swarm_identity *id = &node->identity;
	id->manager_count = 0;
	for (size_t i = 0; i < node->peer_count && id->manager_count < RAFT_MAX_MEMBERS; i++) {
		struct swarm_wire_manager *m = &id->managers[id->manager_count++];
		m->raft = node->peers[i].raft;
		swarm_copy_name(m->node, sizeof m->node, node->peers[i].node);
		swarm_copy_name(m->address, sizeof m->address, node->peers[i].address);
	}
	if (swarm_identity_save(id) < 0) {
		node_log("cannot keep the list of managers: %s", error_message());
		error_clear();
	}
}

void manager_learn_peer(struct node_process *node, const char *node_id, const char *address, raft_id raft)
{
	if (raft == node->identity.raft || !address[0])
		return;
	struct peer *peer = find_peer(node, raft);
	if (peer && strcmp(peer->address, address) == 0)
		return;
	if (!peer) {
		if (node->peer_count == sizeof node->peers / sizeof node->peers[0])
			return;
		peer = &node->peers[node->peer_count++];
		memset(peer, 0, sizeof *peer);
		peer->raft = raft;
		peer->backoff_ms = SWARM_NODE_BACKOFF_MIN_MS;
	}
	swarm_copy_name(peer->node, sizeof peer->node, node_id);
	swarm_copy_name(peer->address, sizeof peer->address, address);
	struct conn *old = node_conn(node, peer->conn);
	if (old)
		node_close(node, old, false); /* it moved: dial the new address */
	peer->conn = 0;
	peer->next_dial = 0;
	node_log("manager %s (Raft id %" PRIu32 ") is at %s", node_id, raft, address);
	save_peers(node);
}

/* The managers in the store, where they are. */
static void learn_peers_from_store(struct node_process *node)
{
	const struct swarm_store *store = &node->manager.store;
	for (size_t i = 0; i < store->node_count; i++) {
		const struct swarm_node_spec *spec = &store->nodes[i].spec;
		if (spec->role == SWARM_MANAGER)
			manager_learn_peer(node, spec->id, spec->address, swarm_node_raft_id(spec->id));
	}
}

void manager_peer_welcomed(struct node_process *node, struct conn *conn)
{
	for (size_t i = 0; i < node->peer_count; i++)
		if (node->peers[i].conn == conn->id)
			node->peers[i].backoff_ms = SWARM_NODE_BACKOFF_MIN_MS;
}

/* Our connection to the peer, dialed when there is none (and the backoff allows). */
static struct conn *peer_conn(struct node_process *node, struct peer *peer, uint64_t now)
{
	struct conn *conn = node_conn(node, peer->conn);
	if (conn && !conn->closing)
		return conn;
	if (now < peer->next_dial)
		return NULL;
	peer->next_dial = now + peer->backoff_ms;
	peer->backoff_ms = peer->backoff_ms * 2 > SWARM_NODE_BACKOFF_MAX_MS ? SWARM_NODE_BACKOFF_MAX_MS : peer->backoff_ms * 2;
	conn = node_dial(node, CONN_PEER, peer->address);
	if (!conn || node_send_hello(node, conn) < 0) {
		error_clear();
		if (conn)
			node_close(node, conn, false);
		return NULL;
	}
	conn->raft = peer->raft;
	swarm_copy_name(conn->node, sizeof conn->node, peer->node);
	peer->conn = conn->id;
	return conn;
}

/* --- Raft ------------------------------------------------------------------------------------ */

static struct waiter *find_waiter(struct node_process *node, raft_index index, size_t *at)
{
	for (size_t i = 0; i < node->waiter_count; i++)
		if (node->waiters[i].index == index) {
			*at = i;
			return &node->waiters[i];
		}
	return NULL;
}

/* An entry was applied: answer whoever waited on it. */
static void entry_applied(void *context, raft_index index, raft_term term, const char *refused)
{
	struct node_process *node = context;
	size_t at;
	struct waiter *waiter;
	while ((waiter = find_waiter(node, index, &at))) {
		struct conn *client = node_conn(node, waiter->conn);
		if (client) {
			char reply[SWARM_MESSAGE_MAX + 128];
			if (term != waiter->term)
				control_error(node, client, "the command was lost with a change of leader: try again");
			else if (refused)
				control_error(node, client, refused);
			else {
				snprintf(reply, sizeof reply, "{\"ok\":true,\"index\":%" PRIu64 "}", index);
				control_reply(node, client, reply);
			}
		}
		node->waiters[at] = node->waiters[--node->waiter_count];
	}
	for (size_t i = 0; i < node->joiner_count; i++) {
		struct joiner *joiner = &node->joiners[i];
		if (joiner->index != index || joiner->committed)
			continue;
		struct conn *conn = node_conn(node, joiner->conn);
		if (term != joiner->term || refused) {
			if (conn) {
				struct swarm_wire_message answer;
				swarm_wire_init(&answer, SWARM_WIRE_JOIN_ANSWER);
				swarm_copy_name(answer.error, sizeof answer.error,
						refused ? refused : "the join was lost with a change of leader: try again");
				node_send(node, conn, &answer);
				node_close(node, conn, true);
			}
			node->joiners[i--] = node->joiners[--node->joiner_count];
			continue;
		}
		joiner->committed = true;
	}
}

/* The leader's sessions: send each node its assignments when they changed. */
static void push_assignments(struct node_process *node, struct conn *conn);

static void push_all_assignments(struct node_process *node)
{
	for (size_t i = 0; i < node->conn_count; i++)
		if (node->conns[i].fd >= 0 && node->conns[i].session && !node->conns[i].closing)
			push_assignments(node, &node->conns[i]);
}

/* One input into Raft, and what follows from it (raft.h: persist, send, apply). */
static int step(struct node_process *node, const struct raft_input *input, uint64_t now)
{
	struct swarm_manager *m = &node->manager;
	struct raft_output out;
	if (raft_step(&m->raft, input, now, &out) < 0)
		return -1;
	if ((out.persist_term_vote || out.persist_snapshot || out.persist_from) && swarm_raft_save(&m->raft.persisted) < 0)
		return fail_context("cannot keep Raft's state (term %" PRIu64 ")", m->raft.persisted.term);
	for (size_t i = 0; i < out.message_count; i++) {
		const struct raft_message *message = &out.messages[i];
		struct peer *peer = find_peer(node, message->to);
		struct conn *conn = peer ? peer_conn(node, peer, now) : NULL;
		if (!conn)
			continue; /* unreachable for now: Raft sends again */
		struct swarm_wire_message wire;
		swarm_wire_init(&wire, SWARM_WIRE_RAFT);
		wire.raft_message = *message;
		if (node_send(node, conn, &wire) < 0) {
			node_log("cannot send to manager %s: %s", peer->node, error_message());
			error_clear();
			node_close(node, conn, false);
		}
	}
	size_t nodes_before = m->store.node_count;
	if (swarm_manager_apply(m, &out, entry_applied, node) < 0)
		return -1;
	if (out.restore_snapshot || m->store.node_count != nodes_before)
		learn_peers_from_store(node);
	if (out.role_changed)
		node_log("Raft: %s in term %" PRIu64, raft_role_name(m->raft.role), m->raft.persisted.term);
	if (out.apply_count && m->raft.role == RAFT_LEADER)
		push_all_assignments(node);
	if (input->kind == RAFT_PROPOSE || input->kind == RAFT_ADD_MEMBER || input->kind == RAFT_REMOVE_MEMBER) {
		if (out.refusal != RAFT_ACCEPTED)
			return 1;
		return 2; /* accepted at out.proposed_index: the caller reads it below */
	}
	return 0;
}

/* Room for one more waiter. */
static int reserve_waiter(struct node_process *node)
{
	if (node->waiter_count < node->waiter_capacity)
		return 0;
	size_t capacity = node->waiter_capacity ? 2 * node->waiter_capacity : 8;
	struct waiter *grown = realloc(node->waiters, capacity * sizeof *grown);
	if (!grown)
		return fail_errno(ENOMEM, "cannot keep a proposal's client");
	node->waiters = grown;
	node->waiter_capacity = capacity;
	return 0;
}

/* Propose bytes. Whoever waits for them (a control client, a joiner: client or joiner, or
 * neither) is registered first, at the index the entry will take: with one manager, Raft
 * commits it within this very step. -1 recorded when this node cannot take it. */
static int propose(struct node_process *node, const char *bytes, size_t size, uint64_t client, struct joiner *joiner)
{
	struct swarm_manager *m = &node->manager;
	raft_index index = raft_log_last_index(&m->raft.persisted.log) + 1;
	raft_term term = m->raft.persisted.term;
	if (client) {
		if (reserve_waiter(node) < 0)
			return -1;
		node->waiters[node->waiter_count++] = (struct waiter){ .conn = client, .index = index, .term = term };
	}
	if (joiner) {
		joiner->index = index;
		joiner->term = term;
		node->joiner_count++;
	}
	struct raft_input input = { .kind = RAFT_PROPOSE, .data = bytes, .size = size };
	int rc = step(node, &input, swarm_monotonic_ms());
	if (rc == 2)
		return 0;
	manager_forget_conn(node, client);
	if (joiner)
		manager_forget_conn(node, joiner->conn);
	return rc < 0 ? -1 : fail_errno(0, "this manager is not the leader any more: try again");
}

int manager_start(struct node_process *node)
{
	struct swarm_identity *id = &node->identity;
	struct raft_options options = raft_default_options(id->raft, swarm_monotonic_ms() ^ id->raft);
	options.election_timeout_ms = SWARM_NODE_ELECTION_MS;
	options.heartbeat_ms = SWARM_NODE_RAFT_HEARTBEAT_MS;
	/* An entry is a round's batch of commands, a few kilobytes (hundreds with a thousand
	 * tasks placed at once): 16 of them keep an append-entries well inside one frame. */
	options.max_batch = 16;
	const char *election = getenv("TINYDOCK_SWARM_ELECTION_MS");
	if (election && atoi(election) >= 100)
		options.election_timeout_ms = (uint32_t)atoi(election);
	if (options.heartbeat_ms * 3 > options.election_timeout_ms)
		options.heartbeat_ms = options.election_timeout_ms / 5;
	struct raft_persisted restored;
	int found = swarm_raft_load(&restored);
	if (found < 0)
		return -1;
	struct raft_config founder = { .members = { id->raft }, .count = 1 };
	/* A new swarm's first manager is its only member: there is no leader to wait for, so its
	 * Raft starts as if its election timeout had already run out (its clock's origin set that
	 * far back; time only moves forward from there), and the first tick elects it. */
	uint64_t now = swarm_monotonic_ms();
	uint64_t origin = !found && id->founder && now > 2 * (uint64_t)options.election_timeout_ms
				  ? now - 2 * (uint64_t)options.election_timeout_ms
				  : now;
	int rc = swarm_manager_init(&node->manager, &options, found ? NULL : id->founder ? &founder : NULL,
				    found ? &restored : NULL, origin);
	if (found)
		raft_persisted_free(&restored);
	if (rc < 0)
		return fail_context("cannot start this manager's Raft");
	node->manager_started = true;
	for (size_t i = 0; i < id->manager_count; i++)
		manager_learn_peer(node, id->managers[i].node, id->managers[i].address, id->managers[i].raft);
	learn_peers_from_store(node);
	if (!found && swarm_raft_save(&node->manager.raft.persisted) < 0)
		return -1;
	node_log("Raft id %" PRIu32 ", term %" PRIu64 ", %zu entries after the snapshot at %" PRIu64 ", election timeout %" PRIu32
		 " ms", id->raft, node->manager.raft.persisted.term, node->manager.raft.persisted.log.count,
		 node->manager.raft.persisted.log.snapshot.index, options.election_timeout_ms);
	return 0;
}

void manager_stop(struct node_process *node)
{
	swarm_manager_free(&node->manager);
	free(node->waiters);
	node->manager_started = false;
}

void manager_forget_conn(struct node_process *node, uint64_t conn)
{
	for (size_t i = 0; i < node->waiter_count; i++)
		if (node->waiters[i].conn == conn)
			node->waiters[i--] = node->waiters[--node->waiter_count];
	for (size_t i = 0; i < node->joiner_count; i++)
		if (node->joiners[i].conn == conn && !(node->joiners[i].committed && node->joiners[i].raft))
			node->joiners[i--] = node->joiners[--node->joiner_count];
}

bool manager_leader(struct node_process *node, char *leader_node, size_t node_size, char *address, size_t address_size)
{
	raft_id leader = node->manager.raft.leader;
	if (node->manager.raft.role == RAFT_LEADER)
		leader = node->identity.raft;
	if (!leader)
		return false;
	if (leader == node->identity.raft) {
		swarm_copy_name(leader_node, node_size, node->identity.node);
		swarm_copy_name(address, address_size, node->identity.address);
		return true;
	}
	struct peer *peer = find_peer(node, leader);
	if (!peer)
		return false;
	swarm_copy_name(leader_node, node_size, peer->node);
	swarm_copy_name(address, address_size, peer->address);
	return true;
}

/* --- the leader's side: joins, sessions, proposals ------------------------------------------ */

static void answer_join(struct node_process *node, struct joiner *joiner)
{
	struct conn *conn = node_conn(node, joiner->conn);
	if (!conn)
		return;
	struct swarm_wire_message answer;
	swarm_wire_init(&answer, SWARM_WIRE_JOIN_ANSWER);
	struct swarm_wire_manager *self = &answer.managers[answer.manager_count++];
	swarm_copy_name(self->node, sizeof self->node, node->identity.node);
	swarm_copy_name(self->address, sizeof self->address, node->identity.address);
	self->raft = node->identity.raft;
	const struct raft_config *config = raft_log_config(&node->manager.raft.persisted.log);
	for (size_t i = 0; i < config->count && answer.manager_count < RAFT_MAX_MEMBERS; i++) {
		struct peer *peer = find_peer(node, config->members[i]);
		if (!peer || peer->raft == joiner->raft)
			continue;
		struct swarm_wire_manager *m = &answer.managers[answer.manager_count++];
		swarm_copy_name(m->node, sizeof m->node, peer->node);
		swarm_copy_name(m->address, sizeof m->address, peer->address);
		m->raft = peer->raft;
	}
	if (joiner->raft) {
		swarm_copy_name(answer.worker_token, sizeof answer.worker_token, node->identity.worker_token);
		swarm_copy_name(answer.manager_token, sizeof answer.manager_token, node->identity.manager_token);
	}
	node_log("node %s joined as a %s", joiner->node, joiner->raft ? "manager" : "worker");
	node_send(node, conn, &answer);
	node_close(node, conn, true);
}

/* Joins whose NODE_JOIN is applied: a worker is answered; a manager is first added to Raft's
 * configuration, one at a time (a change waits for the one before to commit). */
static int advance_joins(struct node_process *node, uint64_t now)
{
	for (size_t i = 0; i < node->joiner_count; i++) {
		struct joiner *joiner = &node->joiners[i];
		if (!joiner->committed)
			continue;
		if (joiner->raft) {
			if (node->manager.raft.role != RAFT_LEADER)
				continue;
			struct raft_input input = { .kind = RAFT_ADD_MEMBER, .member = joiner->raft };
			int rc = step(node, &input, now);
			if (rc < 0)
				return -1;
			if (rc == 1 && !raft_config_has(raft_log_config(&node->manager.raft.persisted.log), joiner->raft))
				continue; /* another change is in progress: the next round */
			node_log("Raft: manager %s (id %" PRIu32 ") is in the configuration", joiner->node, joiner->raft);
		}
		answer_join(node, joiner);
		node->joiners[i--] = node->joiners[--node->joiner_count];
	}
	return 0;
}

static void push_assignments(struct node_process *node, struct conn *conn)
{
	struct swarm_wire_message message;
	swarm_wire_init(&message, SWARM_WIRE_ASSIGNMENTS);
	if (swarm_dispatcher_assignments(&node->manager.store, conn->node, &message.assignments,
					 &message.assignment_count) < 0) {
		error_clear();
		return;
	}
	/* The node's role in the store: a node promoted or demoted learns it here, a promoted
	 * one with the swarm's tokens (it will check hellos, and show them). */
	const struct swarm_node *record = swarm_store_node(&node->manager.store, conn->node);
	if (record && record->spec.role == SWARM_MANAGER) {
		message.role = SWARM_MANAGER;
		swarm_copy_name(message.worker_token, sizeof message.worker_token, node->identity.worker_token);
		swarm_copy_name(message.manager_token, sizeof message.manager_token, node->identity.manager_token);
	}
	/* The routing mesh's table goes to every node with its assignments (swarm-mesh-node.h). */
	if (!(message.mesh = swarm_mesh_table_json(&node->manager.store, NULL)))
		error_clear();
	size_t length;
	char *text = swarm_wire_encode(&message, &length);
	free(message.assignments);
	free(message.mesh);
	if (!text) {
		error_clear();
		return;
	}
	if (conn->last_assignments && strcmp(conn->last_assignments, text) == 0) {
		free(text);
		return;
	}
	if (node_send_text(node, conn, text, length) < 0) {
		error_clear();
		node_close(node, conn, false);
		free(text);
		return;
	}
	free(conn->last_assignments);
	conn->last_assignments = text;
}

/* Not the leader: tell the sender who is (or that nobody is known yet), and hang up. */
static int redirect(struct node_process *node, struct conn *conn)
{
	struct swarm_wire_message answer;
	swarm_wire_init(&answer, SWARM_WIRE_REDIRECT);
	manager_leader(node, answer.node, sizeof answer.node, answer.address, sizeof answer.address);
	node_send(node, conn, &answer);
	node_close(node, conn, true);
	return 0;
}

static int heartbeat(struct node_process *node, struct conn *conn, const struct swarm_wire_message *message)
{
	if (node->manager.raft.role != RAFT_LEADER)
		return redirect(node, conn);
	uint64_t wall = swarm_node_wall_ms();
	conn->session = true;
	if (!swarm_store_node(&node->manager.store, conn->node))
		return 0; /* its join is not applied here yet */
	if (swarm_manager_heartbeat(&node->manager, conn->node, wall) < 0)
		return -1;
	for (size_t i = 0; i < message->report_count; i++) {
		const struct swarm_wire_report *r = &message->reports[i];
		if (swarm_manager_report(&node->manager, conn->node, r->task, r->state, r->message, r->endpoints,
					 r->endpoint_count, wall) < 0)
			return -1;
	}
	push_assignments(node, conn);
	return 0;
}

static int join(struct node_process *node, struct conn *conn, struct swarm_wire_message *message)
{
	if (node->manager.raft.role != RAFT_LEADER)
		return redirect(node, conn);
	struct swarm_node_spec *spec = &message->join;
	const char *why = NULL;
	if (strcmp(spec->id, conn->node) != 0)
		why = "the node asks to join as another node than its hello said";
	else if (spec->role == SWARM_MANAGER && conn->token_role != SWARM_MANAGER)
		why = "a worker's token does not make a manager";
	else if (swarm_store_node(&node->manager.store, spec->id))
		why = "a node with this id is in the swarm already";
	else if (node->joiner_count == sizeof node->joiners / sizeof node->joiners[0])
		why = "too many joins at once: try again";
	else if (spec->role == SWARM_MANAGER &&
		 raft_log_config(&node->manager.raft.persisted.log)->count >= RAFT_MAX_MEMBERS - 1)
		why = "the swarm has as many managers as it may";
	if (why) {
		struct swarm_wire_message answer;
		swarm_wire_init(&answer, SWARM_WIRE_JOIN_ANSWER);
		snprintf(answer.error, sizeof answer.error, "cannot join node %s: %s", spec->id, why);
		node_log("%s", answer.error);
		node_send(node, conn, &answer);
		node_close(node, conn, true);
		return 0;
	}
	swarm_copy_name(spec->address, sizeof spec->address, conn->address);
	struct swarm_command command;
	swarm_command_init(&command, SWARM_NODE_JOIN, swarm_node_wall_ms());
	command.node = *spec;
	size_t size;
	char *bytes = swarm_command_encode(&command, &size);
	if (!bytes)
		return -1;
	struct joiner *joiner = &node->joiners[node->joiner_count];
	memset(joiner, 0, sizeof *joiner);
	joiner->conn = conn->id;
	joiner->raft = spec->role == SWARM_MANAGER ? swarm_node_raft_id(spec->id) : 0;
	swarm_copy_name(joiner->node, sizeof joiner->node, spec->id);
	int rc = propose(node, bytes, size, 0, joiner);
	free(bytes);
	if (rc < 0)
		return -1;
	conn->deadline = swarm_monotonic_ms() + SWARM_NODE_FORWARD_MS;
	if (spec->role == SWARM_MANAGER)
		manager_learn_peer(node, spec->id, spec->address, joiner->raft);
	return 0;
}

int manager_receive(struct node_process *node, struct conn *conn, struct swarm_wire_message *message)
{
	switch (message->type) {
	case SWARM_WIRE_RAFT: {
		if (conn->role != SWARM_MANAGER || message->raft_message.from != conn->raft ||
		    message->raft_message.to != node->identity.raft)
			return fail_errno(EPERM, "a Raft message from %s does not come from the manager it names", conn->node);
		struct raft_input input = { .kind = RAFT_RECEIVE, .message = &message->raft_message };
		return step(node, &input, swarm_monotonic_ms()) < 0 ? -1 : 0;
	}
	case SWARM_WIRE_HEARTBEAT:
	case SWARM_WIRE_REPORT: /* a report is a heartbeat too: the node spoke */
		return heartbeat(node, conn, message);
	case SWARM_WIRE_JOIN:
		return join(node, conn, message);
	default:
		return fail_errno(EPROTO, "a %s message is not for a manager", swarm_wire_type_name(message->type));
	}
}

int manager_propose(struct node_process *node, struct conn *client, const char *command_json)
{
	struct swarm_command command;
	if (swarm_command_decode(command_json, strlen(command_json), &command) < 0)
		return control_error(node, client, error_message());
	command.at = swarm_node_wall_ms(); /* the leader's clock, not the client's */
	size_t size;
	char *bytes = swarm_command_encode(&command, &size);
	swarm_command_free(&command);
	if (!bytes)
		return -1;
	int rc = propose(node, bytes, size, client->id, NULL);
	free(bytes);
	return rc < 0 ? control_error(node, client, error_message()) : 0;
}

/* Is manager raft reachable, as far as this manager can tell? The leader knows when each
 * answered last (raft.h, struct raft_progress); a follower knows when the leader spoke last,
 * and of the others only whether it holds a connection to them. */
static bool heard_from(struct node_process *node, raft_id raft, struct peer *peer)
{
	const struct raft_node *r = &node->manager.raft;
	uint64_t now = swarm_monotonic_ms(), recent = 2 * (uint64_t)r->options.election_timeout_ms;
	if (r->role == RAFT_LEADER) {
		for (size_t i = 0; i < r->progress_count; i++)
			if (r->progress[i].id == raft)
				return now - r->progress[i].last_heard < recent;
		return false;
	}
	if (raft == r->leader)
		return now - r->leader_contact < recent;
	struct conn *conn = peer ? node_conn(node, peer->conn) : NULL;
	return conn && !conn->connecting && !conn->closing;
}

char *manager_state(struct node_process *node)
{
	struct swarm_manager *m = &node->manager;
	char leader_node[SWARM_NAME_MAX] = "", leader_address[SWARM_NAME_MAX];
	manager_leader(node, leader_node, sizeof leader_node, leader_address, sizeof leader_address);
	size_t size;
	char *store_text = swarm_store_snapshot(&m->store, &size);
	struct json *store = store_text ? json_parse(store_text, size) : NULL;
	free(store_text);
	struct json *obj = json_new_object(), *managers = NULL;
	/* applied_index: the last Raft entry this store holds. A manager that is not the leader
	 * applies an entry a heartbeat after the leader committed it, so a command that proposed
	 * through it waits for its own entry here before it reads again (swarm_cli_propose). */
	bool ok = store && obj && json_add_bool(obj, "ok", true) && json_add_string(obj, "self", node->identity.node) &&
		  json_add_string(obj, "leader", leader_node) &&
		  json_add_int(obj, "applied_index", (int64_t)m->raft.last_applied) &&
		  (managers = json_add(obj, "managers", json_new_array()));
	const struct raft_config *config = raft_log_config(&m->raft.persisted.log);
	for (size_t i = 0; ok && i < config->count; i++) {
		raft_id raft = config->members[i];
		struct peer *peer = find_peer(node, raft);
		bool self = raft == node->identity.raft;
		bool reachable = self || heard_from(node, raft, peer);
		struct json *item = json_append(managers, json_new_object());
		ok = item && json_add_string(item, "id", self ? node->identity.node : peer ? peer->node : "") &&
		     json_add_string(item, "address", self ? node->identity.address : peer ? peer->address : "") &&
		     json_add_bool(item, "reachable", reachable) &&
		     json_add_bool(item, "leader", strcmp(self ? node->identity.node : peer ? peer->node : "", leader_node) == 0);
	}
	char *text = NULL;
	if (ok && json_add(obj, "store", store))
		text = json_write(obj, 0, NULL);
	else if (!ok)
		json_free(store);
	json_free(obj);
	return text;
}

/* Does node id hold a session with us, as a manager (it said so in its hello)? */
static bool manager_session(struct node_process *node, const char *id)
{
	for (size_t i = 0; i < node->conn_count; i++) {
		const struct conn *conn = &node->conns[i];
		if (conn->fd >= 0 && !conn->closing && conn->session && conn->role == SWARM_MANAGER &&
		    strcmp(conn->node, id) == 0)
			return true;
	}
	return false;
}

/* `node promote` and `node demote` change a node's role in the store; the leader makes Raft's
 * configuration follow, one change at a time: a promoted node is added once it speaks as a
 * manager (it learned its role from its assignments and started its Raft), a demoted one is
 * removed. The leader itself is not removed by itself: demoted, it stops its Raft (its agent
 * learns the role like any node's), the others elect a leader, and that one removes it. */
static int reconcile_members(struct node_process *node, uint64_t now)
{
	struct swarm_manager *m = &node->manager;
	if (!swarm_manager_caught_up(m))
		return 0;
	const struct raft_config *config = raft_log_config(&m->raft.persisted.log);
	for (size_t i = 0; i < m->store.node_count; i++) {
		const struct swarm_node_spec *spec = &m->store.nodes[i].spec;
		raft_id raft = swarm_node_raft_id(spec->id);
		struct raft_input input = { .member = raft };
		if (spec->role == SWARM_MANAGER && !raft_config_has(config, raft) && manager_session(node, spec->id))
			input.kind = RAFT_ADD_MEMBER;
		else if (spec->role == SWARM_WORKER && raft_config_has(config, raft) && raft != node->identity.raft)
			input.kind = RAFT_REMOVE_MEMBER;
		else
			continue;
		if (input.kind == RAFT_ADD_MEMBER)
			manager_learn_peer(node, spec->id, spec->address, raft);
		int rc = step(node, &input, now);
		if (rc < 0)
			return -1;
		if (rc == 2)
			node_log("Raft: node %s %s the configuration (%s)", spec->id,
				 input.kind == RAFT_ADD_MEMBER ? "is added to" : "is removed from",
				 input.kind == RAFT_ADD_MEMBER ? "promoted" : "demoted");
		return 0; /* one change at a time */
	}
	return 0;
}

int manager_tick(struct node_process *node, uint64_t now, uint64_t *next)
{
	struct swarm_manager *m = &node->manager;
	if (now >= raft_next_deadline(&m->raft)) {
		struct raft_input tick = { .kind = RAFT_TICK };
		if (step(node, &tick, now) < 0)
			return -1;
	}
	if (m->raft.leader != node->last_leader) {
		node->last_leader = m->raft.leader;
		char leader[SWARM_NAME_MAX] = "", address[SWARM_NAME_MAX] = "";
		manager_leader(node, leader, sizeof leader, address, sizeof address);
		node_log("the leader is %s", leader[0] ? leader : "unknown");
	}
	if (advance_joins(node, now) < 0 || reconcile_members(node, now) < 0)
		return -1;
	if (m->raft.role == RAFT_LEADER && now >= node->next_round) {
		node->next_round = now + SWARM_NODE_ROUND_MS;
		char *bytes;
		size_t size;
		if (swarm_manager_round(m, swarm_node_wall_ms(), &bytes, &size) < 0)
			return -1;
		if (bytes) {
			if (propose(node, bytes, size, 0, NULL) < 0)
				error_clear();
			free(bytes);
		}
	}
	char *snapshot;
	size_t size;
	raft_index index;
	if (swarm_manager_snapshot(m, &snapshot, &size, &index) < 0)
		return -1;
	if (snapshot) {
		struct raft_input taken = { .kind = RAFT_SNAPSHOT_TAKEN, .data = snapshot, .size = size, .index = index };
		int rc = step(node, &taken, now);
		free(snapshot);
		if (rc < 0)
			return -1;
	}
	uint64_t deadline = raft_next_deadline(&m->raft);
	if (deadline < *next)
		*next = deadline;
	if (m->raft.role == RAFT_LEADER && node->next_round < *next)
		*next = node->next_round;
	return 0;
}
