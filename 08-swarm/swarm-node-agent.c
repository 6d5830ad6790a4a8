/*
 * swarm-node-agent.c - every node's session with the leader: heartbeats out, assignments in,
 * tasks run by the executor (swarm-executor.h), their states reported back.
 *
 * Managers run one too, to the leader, even when they are the leader (a connection to its own
 * listener): one path for every node's tasks, as in swarmkit, where a manager's agent talks to
 * the dispatcher like any worker's.
 *
 * Whom to talk to: a manager knows the leader from Raft. A worker tries the managers it knows
 * (from its join answer, kept in node.json) in turn; one that does not lead answers with a
 * redirect to the one that does. When the session breaks (the leader died), the worker tries
 * again, with backoff, until a manager answers: the new leader, once elected.
 *
 * Every heartbeat carries the latest state of each of its tasks: a report lost with a fallen
 * leader is made again to the next one, and one it already has is dropped by its dispatcher
 * (swarm-dispatcher.h) as stale.
 */
#include "swarm-node-internal.h"

#include "error.h"
#include "swarm-executor.h"
#include "swarm-mesh-node.h"
#include "swarm-node-identity.h"

#include <errno.h>
#include <limits.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

/* Keep the latest report of each task. */
static int remember(struct node_process *node, const struct swarm_task_report *report)
{
	struct swarm_wire_report *slot = NULL;
	for (size_t i = 0; i < node->report_count && !slot; i++)
		if (node->reports[i].task == report->task)
			slot = &node->reports[i];
	if (!slot) {
		if (node->report_count == node->report_capacity) {
			size_t capacity = node->report_capacity ? 2 * node->report_capacity : 16;
			struct swarm_wire_report *grown = realloc(node->reports, capacity * sizeof *grown);
			if (!grown)
				return fail_errno(ENOMEM, "cannot keep the state of %zu tasks", capacity);
			node->reports = grown;
			node->report_capacity = capacity;
		}
		slot = &node->reports[node->report_count++];
	}
	slot->task = report->task;
	slot->state = report->state;
	swarm_copy_name(slot->message, sizeof slot->message, report->message);
	slot->endpoint_count = report->endpoint_count > SWARM_MAX_ENDPOINTS ? SWARM_MAX_ENDPOINTS : report->endpoint_count;
	memcpy(slot->endpoints, report->endpoints, slot->endpoint_count * sizeof slot->endpoints[0]);
	return 0;
}

/* The tasks no longer assigned: their last word has reached a leader already. */
static void forget_unassigned(struct node_process *node, const struct swarm_wire_message *assignments)
{
	for (size_t i = 0; i < node->report_count; i++) {
		bool listed = false;
		for (size_t j = 0; j < assignments->assignment_count && !listed; j++)
			listed = assignments->assignments[j].task == node->reports[i].task;
		if (!listed)
			node->reports[i--] = node->reports[--node->report_count];
	}
}

/* Where the agent should be talking: the leader, as far as this node knows. */
static bool target(struct node_process *node, char *leader, size_t leader_size, char *address, size_t address_size)
{
	/* A manager follows Raft's leader; one just promoted knows none until the leader adds it
	 * to the configuration, which it does once this agent speaks to it as a manager: until
	 * then, the leader it followed as a worker. */
	if (node->is_manager && manager_leader(node, leader, leader_size, address, address_size))
		return true;
	if (node->leader_address[0]) {
		swarm_copy_name(leader, leader_size, node->leader_node);
		swarm_copy_name(address, address_size, node->leader_address);
		return true;
	}
	if (!node->identity.manager_count)
		return false;
	const struct swarm_wire_manager *m = &node->identity.managers[node->next_manager % node->identity.manager_count];
	swarm_copy_name(leader, leader_size, m->node);
	swarm_copy_name(address, address_size, m->address);
	return true;
}

static int send_heartbeat(struct node_process *node, struct conn *conn)
{
	struct swarm_wire_message heartbeat;
	swarm_wire_init(&heartbeat, SWARM_WIRE_HEARTBEAT);
	heartbeat.reports = node->reports;
	heartbeat.report_count = node->report_count;
	return node_send(node, conn, &heartbeat);
}

/* The executor's news: reports for the leader, sent at once. */
static int poll_executor(struct node_process *node, uint64_t now)
{
	if (!node->executor)
		return 0;
	struct swarm_task_report *reports;
	size_t count;
	if (swarm_executor_poll(node->executor, swarm_node_wall_ms(), &reports, &count) < 0) {
		node_log("the executor: %s", error_message());
		error_clear();
		return 0;
	}
	int rc = 0;
	for (size_t i = 0; i < count && rc == 0; i++) {
		node_log("task %llu is %s: %s", (unsigned long long)reports[i].task, swarm_task_state_name(reports[i].state),
			 reports[i].message);
		rc = remember(node, &reports[i]);
	}
	free(reports);
	if (count)
		node->agent_next_heartbeat = now;
	return rc;
}

size_t agent_pollfds(struct node_process *node, struct pollfd *fds, size_t room)
{
	return node->executor ? swarm_executor_pollfds(node->executor, fds, room) : 0;
}

int agent_tick(struct node_process *node, uint64_t now, uint64_t *next)
{
	if (poll_executor(node, now) < 0)
		return -1;
	char leader[SWARM_NAME_MAX] = "", address[SWARM_NAME_MAX] = "";
	bool known = target(node, leader, sizeof leader, address, sizeof address);
	struct conn *conn = node_conn(node, node->agent);
	if (conn && node->is_manager && (!known || strcmp(conn->address, address) != 0)) {
		node_close(node, conn, false); /* the leader changed: follow it */
		node->agent = 0;
		conn = NULL;
	}
	if (!conn && known && now >= node->agent_next_dial) {
		node->agent_next_dial = now + node->agent_backoff_ms;
		conn = node_dial(node, CONN_AGENT, address);
		if (conn && node_send_hello(node, conn) == 0) {
			swarm_copy_name(conn->node, sizeof conn->node, leader);
			node->agent = conn->id;
			node->agent_next_heartbeat = now;
		} else {
			if (conn)
				node_close(node, conn, false);
			conn = NULL;
			error_clear();
		}
	}
	if (conn && now >= node->agent_next_heartbeat) {
		node->agent_next_heartbeat = now + SWARM_HEARTBEAT_MS;
		if (send_heartbeat(node, conn) < 0) {
			error_clear();
			node_close(node, conn, false);
		}
	}
	if (!conn && known && node->agent_next_dial < *next)
		*next = node->agent_next_dial;
	if (conn && node->agent_next_heartbeat < *next)
		*next = node->agent_next_heartbeat;
	if (!known && now + 100 < *next)
		*next = now + 100; /* a manager waits for an election: look again soon */
	return 0;
}

void agent_lost(struct node_process *node, uint64_t now)
{
	node->agent = 0;
	node->agent_next_dial = now + node->agent_backoff_ms;
	node->agent_backoff_ms = node->agent_backoff_ms * 2 > SWARM_NODE_BACKOFF_MAX_MS ? SWARM_NODE_BACKOFF_MAX_MS
											 : node->agent_backoff_ms * 2;
	if (node->agent_backoff_ms < SWARM_NODE_BACKOFF_MIN_MS)
		node->agent_backoff_ms = SWARM_NODE_BACKOFF_MIN_MS;
	if (!node->is_manager) { /* the leader may be gone: ask the next manager who leads */
		if (node->leader_address[0])
			node_log("lost the session with the leader %s", node->leader_node);
		node->leader_address[0] = node->leader_node[0] = '\0';
		node->next_manager++;
	}
}

/* The leader says this node is a manager now (`node promote`): take the swarm's tokens, listen,
 * start a Raft node with no members (the leader adds it once it hears it speak as a manager,
 * and sends it the log), and open the session again, as a manager. */
static void become_manager(struct node_process *node, const struct swarm_wire_message *message)
{
	struct swarm_identity *id = &node->identity;
	node_log("promoted: this node becomes a manager");
	id->role = SWARM_MANAGER;
	id->raft = swarm_node_raft_id(id->node);
	id->founder = false;
	swarm_copy_name(id->worker_token, sizeof id->worker_token, message->worker_token);
	swarm_copy_name(id->manager_token, sizeof id->manager_token, message->manager_token);
	swarm_copy_name(id->token, sizeof id->token, message->manager_token);
	node->is_manager = true;
	char path[PATH_MAX];
	if (swarm_persist_path(path, sizeof path, "raft.json") == 0)
		unlink(path); /* a Raft state of an earlier life as a manager is not this one's */
	if (swarm_identity_save(id) < 0 || node_listen(node) < 0 || manager_start(node) < 0) {
		node_log("cannot become a manager: %s", error_message());
		node->stop = true; /* half a manager would be worse than none: stop, say why */
		return;
	}
	struct conn *conn = node_conn(node, node->agent);
	if (conn)
		node_close(node, conn, false); /* the next hello says manager */
}

/* The leader says this node is a worker now (`node demote`): stop Raft, stop listening, forget
 * the swarm's secrets, and go on as a worker, with the leader it knows. */
static void become_worker(struct node_process *node)
{
	struct swarm_identity *id = &node->identity;
	node_log("demoted: this node becomes a worker");
	manager_leader(node, node->leader_node, sizeof node->leader_node, node->leader_address,
		       sizeof node->leader_address);
	for (size_t i = 0; i < node->conn_count; i++) {
		struct conn *conn = &node->conns[i];
		if (conn->fd >= 0 && (conn->kind == CONN_LISTENER || conn->kind == CONN_PEER || conn->kind == CONN_INBOUND ||
				      conn->kind == CONN_AGENT))
			node_close(node, conn, false);
	}
	manager_stop(node);
	node->is_manager = false;
	node->agent = 0;
	id->role = SWARM_WORKER;
	id->raft = 0;
	id->founder = false;
	swarm_copy_name(id->token, sizeof id->token, id->worker_token);
	id->manager_token[0] = '\0';
	char path[PATH_MAX];
	if (swarm_persist_path(path, sizeof path, "raft.json") == 0)
		unlink(path);
	if (swarm_identity_save(id) < 0) {
		node_log("cannot keep the new role: %s", error_message());
		error_clear();
	}
}

/* A routing mesh table arrived: serve it when it changed (the published ports on this node,
 * the services' virtual IPs), and give the services' names to the executor, for its tasks'
 * /etc/hosts (it writes them only when they changed: most new tables only move backends). */
static void serve_mesh(struct node_process *node, const char *table)
{
	if (!node->mesh || !table || (node->mesh_table && strcmp(node->mesh_table, table) == 0))
		return;
	if (swarm_mesh_serve(node->mesh, table, strlen(table), NULL) < 0) {
		node_log("the routing mesh: %s", error_message());
		error_clear();
	}
	char *names = node->executor ? swarm_mesh_hosts_lines(table, strlen(table)) : NULL;
	if (node->executor && (!names || swarm_executor_name_services(node->executor, names) < 0)) {
		node_log("the services' names: %s", error_message());
		error_clear();
	}
	free(names);
	free(node->mesh_table);
	node->mesh_table = strdup(table);
}

int agent_receive(struct node_process *node, struct conn *conn, struct swarm_wire_message *message)
{
	if (message->type == SWARM_WIRE_REDIRECT) {
		uint64_t now = swarm_monotonic_ms();
		node->agent = 0; /* not lost: sent on */
		node_close(node, conn, false);
		if (node->is_manager) {
			node->agent_next_dial = now + SWARM_NODE_BACKOFF_MIN_MS;
		} else if (message->address[0] && strcmp(message->address, conn->address) != 0) {
			swarm_copy_name(node->leader_node, sizeof node->leader_node, message->node);
			swarm_copy_name(node->leader_address, sizeof node->leader_address, message->address);
			node->agent_next_dial = now; /* go there at once */
		} else { /* no leader known there yet (an election): ask again, or another */
			node->leader_address[0] = node->leader_node[0] = '\0';
			node->next_manager++;
			node->agent_next_dial = now + SWARM_NODE_BACKOFF_MIN_MS;
		}
		return 0;
	}
	if (message->type == SWARM_WIRE_CONTROL)
		return control_from_leader(node, conn, message->control);
	if (message->type != SWARM_WIRE_ASSIGNMENTS)
		return fail_errno(EPROTO, "a %s message is not for an agent", swarm_wire_type_name(message->type));
	if (message->role == SWARM_MANAGER && !node->is_manager && message->manager_token[0]) {
		become_manager(node, message);
		return 0;
	}
	if (message->role == SWARM_WORKER && node->is_manager) {
		become_worker(node);
		return 0;
	}
	node->agent_backoff_ms = SWARM_NODE_BACKOFF_MIN_MS;
	if (!node->is_manager && strcmp(node->leader_address, conn->address) != 0) {
		swarm_copy_name(node->leader_node, sizeof node->leader_node, conn->node);
		swarm_copy_name(node->leader_address, sizeof node->leader_address, conn->address);
		node_log("follows the leader %s at %s", conn->node, conn->address);
	}
	if (message->assignment_count != node->assignment_count)
		node_log("%zu tasks assigned", message->assignment_count);
	node->assignment_count = message->assignment_count;
	forget_unassigned(node, message);
	if (node->executor && swarm_executor_sync(node->executor, message->assignments, message->assignment_count) < 0) {
		node_log("the executor: %s", error_message());
		error_clear();
	}
	serve_mesh(node, message->mesh);
	return 0;
}

int agent_start(struct node_process *node)
{
	node->agent_backoff_ms = SWARM_NODE_BACKOFF_MIN_MS;
	char host[SWARM_NAME_MAX];
	swarm_copy_name(host, sizeof host, node->identity.address);
	char *colon = strrchr(host, ':');
	if (colon)
		*colon = '\0';
	if (swarm_executor_open(node->identity.node, host, &node->executor) < 0) {
		/* The swarm's control plane still works: this node just runs no tasks. */
		node_log("runs no tasks: %s", error_message());
		error_clear();
		node->executor = NULL;
	}
	if (swarm_mesh_start(&node->mesh) < 0) {
		node_log("serves no published ports: %s", error_message());
		error_clear();
		node->mesh = NULL;
	}
	return 0;
}

void agent_free(struct node_process *node, bool stop_tasks)
{
	if (node->executor) {
		if (stop_tasks && swarm_executor_stop_all(node->executor) < 0) {
			node_log("cannot stop every task: %s", error_message());
			error_clear();
		}
		swarm_executor_close(node->executor);
		node->executor = NULL;
	}
	if (node->mesh)
		swarm_mesh_stop(node->mesh);
	node->mesh = NULL;
	free(node->mesh_table);
	node->mesh_table = NULL;
	free(node->reports);
	node->reports = NULL;
	node->report_count = node->report_capacity = 0;
}
