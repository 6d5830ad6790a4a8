/*
 * swarm-control-server.c - the node's side of the control socket (swarm-control.h).
 *
 * A client connects to $TINYDOCK_RUN/swarm/control.sock, sends one request, gets one reply.
 * What this node can answer itself it answers (info; state on a manager; propose and
 * join-token on the leader); what needs the leader it forwards: a connection to the leader,
 * our hello, the request as a "control" message, and its "control-reply" relayed to the
 * client (wire.md). The loop never waits for it: the client's connection and the forward are
 * linked, and whichever ends first ends the other.
 *
 * Requests forwarded to us by another node arrive the same way on a TCP connection and are
 * answered here alike, the reply wrapped in a control-reply.
 */
#include "swarm-node-internal.h"

#include "error.h"
#include "json.h"
#include "swarm-control.h"
#include "swarm-executor.h"
#include "files.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* How long a client's request may take: a proposal waits for a commit, which waits for a
 * leader (an election is a few seconds at most). */
#define CONTROL_MS 15000

void control_remove_socket(void)
{
	char path[PATH_MAX];
	if (swarm_control_path(path, sizeof path) == 0)
		unlink(path);
	error_clear();
}

int control_listen(struct node_process *node)
{
	struct sockaddr_un address = { .sun_family = AF_UNIX };
	char folder[PATH_MAX];
	if (swarm_control_path(address.sun_path, sizeof address.sun_path) < 0)
		return -1;
	snprintf(folder, sizeof folder, "%s/swarm", state_run());
	if (make_dirs(folder, 0700) < 0)
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail_sys("cannot create the control socket");
	unlink(address.sun_path); /* a previous node's, which died without removing it */
	/* bind(2) creates the file with the umask's mode: make it 0600 before anyone can connect
	 * (unix(7): connecting needs write permission on the socket file). */
	mode_t old = umask(0177);
	int rc = bind(fd, (struct sockaddr *)&address, sizeof address);
	umask(old);
	if (rc < 0 || listen(fd, 64) < 0) {
		int err = errno;
		close(fd);
		return fail_errno(err, "cannot listen on \"%s\"", address.sun_path);
	}
	return node_add_conn(node, CONN_CONTROL_LISTENER, fd) ? 0 : (close(fd), -1);
}

int control_reply(struct node_process *node, struct conn *conn, const char *reply)
{
	int rc;
	if (conn->kind == CONN_CONTROL) {
		rc = node_send_text(node, conn, reply, strlen(reply));
	} else {
		struct swarm_wire_message message;
		swarm_wire_init(&message, SWARM_WIRE_CONTROL_REPLY);
		message.control = (char *)reply;
		rc = node_send(node, conn, &message);
	}
	if (conn->kind == CONN_CONTROL)
		node_close(node, conn, true);
	return rc;
}

int control_error(struct node_process *node, struct conn *conn, const char *message)
{
	struct json *obj = json_new_object();
	char *text = NULL;
	if (obj && json_add_bool(obj, "ok", false) && json_add_string(obj, "error", message))
		text = json_write(obj, 0, NULL);
	json_free(obj);
	if (!text)
		return -1;
	int rc = control_reply(node, conn, text);
	free(text);
	error_clear();
	return rc;
}

/* Send request on to the leader (or, from a worker, to the manager it follows). */
static int forward(struct node_process *node, struct conn *client, const char *request)
{
	char leader[SWARM_NAME_MAX] = "", address[SWARM_NAME_MAX] = "";
	bool known = node->is_manager ? manager_leader(node, leader, sizeof leader, address, sizeof address)
				      : node->leader_address[0] != '\0';
	if (!node->is_manager)
		swarm_copy_name(address, sizeof address, node->leader_address);
	if (!known || strcmp(address, node->identity.address) == 0)
		return control_error(node, client, "the swarm has no leader at the moment (an election, or too few managers "
						   "reachable): try again");
	if (client->kind != CONN_CONTROL)
		return control_error(node, client, "this manager is not the leader any more: try again");
	struct conn *fwd = node_dial(node, CONN_FORWARD, address);
	if (!fwd)
		return control_error(node, client, error_message());
	struct swarm_wire_message message;
	swarm_wire_init(&message, SWARM_WIRE_CONTROL);
	message.control = (char *)request;
	if (node_send_hello(node, fwd) < 0 || node_send(node, fwd, &message) < 0) {
		node_close(node, fwd, false);
		return control_error(node, client, error_message());
	}
	fwd->deadline = swarm_monotonic_ms() + SWARM_NODE_FORWARD_MS;
	fwd->link = client->id;
	client->link = fwd->id;
	return 0;
}

void control_forwarded(struct node_process *node, struct conn *fwd, const char *reply)
{
	struct conn *client = node_conn(node, fwd->link);
	fwd->link = 0;
	if (!client || client->closing)
		return;
	client->link = 0;
	if (reply)
		control_reply(node, client, reply);
	else
		control_error(node, client, "the leader did not answer: try again");
}

static char *info(struct node_process *node)
{
	char leader[SWARM_NAME_MAX] = "", address[SWARM_NAME_MAX];
	if (node->is_manager)
		manager_leader(node, leader, sizeof leader, address, sizeof address);
	else
		swarm_copy_name(leader, sizeof leader, node->leader_node);
	struct json *obj = json_new_object();
	char *text = NULL;
	if (obj && json_add_bool(obj, "ok", true) && json_add_string(obj, "node", node->identity.node) &&
	    json_add_string(obj, "hostname", node->identity.hostname) &&
	    json_add_string(obj, "role", swarm_role_name(node->identity.role)) &&
	    json_add_string(obj, "address", node->identity.address) && json_add_string(obj, "leader", leader) &&
	    json_add_string(obj, "state", "active") && json_add_int(obj, "tasks", (int64_t)node->assignment_count))
		text = json_write(obj, 0, NULL);
	json_free(obj);
	return text;
}

static int answer_text(struct node_process *node, struct conn *conn, char *text)
{
	if (!text)
		return control_error(node, conn, error_message());
	int rc = control_reply(node, conn, text);
	free(text);
	return rc;
}

static int join_token(struct node_process *node, struct conn *conn, const char *role)
{
	if (!node->is_manager)
		return control_error(node, conn, "this node is not a swarm manager: a worker cannot show join tokens "
						 "(run the command on a manager)");
	const char *token = role && strcmp(role, "manager") == 0 ? node->identity.manager_token
			    : role && strcmp(role, "worker") == 0  ? node->identity.worker_token
								     : NULL;
	if (!token)
		return control_error(node, conn, "join-token takes a role: worker or manager");
	struct json *obj = json_new_object();
	char *text = NULL;
	if (obj && json_add_bool(obj, "ok", true) && json_add_string(obj, "token", token))
		text = json_write(obj, 0, NULL);
	json_free(obj);
	return answer_text(node, conn, text);
}

static int leave(struct node_process *node, struct conn *conn, const struct json *request)
{
	bool force = false;
	json_bool(json_get(request, "force"), &force);
	if (node->is_manager && !force)
		return control_error(node, conn,
				     "you are leaving the swarm on a manager: the remaining managers may lose their quorum "
				     "and with it the swarm's state; use --force to leave anyway");
	node_log("leaving the swarm");
	node->leaving = true;
	node->stop = true;
	return control_reply(node, conn, "{\"ok\":true}");
}

/* --- a task's logs ----------------------------------------------------------------------------
 * The output of a task's container is on the task's node. The CLI asks its own node; a node
 * that has the task answers from its executor (swarm_executor_logs); one that does not asks the
 * leader; the leader knows from its store where the task is and relays the request down that
 * node's session (the one connection every node keeps with it, workers included, who do not
 * listen), and the answer back up. */

/* {"ok":true,"lines":[...]} of task from this node's executor; NULL (recorded) when it has none. */
static char *own_logs(struct node_process *node, uint64_t task)
{
	if (!node->executor)
		return fail_errno(ENOENT, "this node runs no tasks"), NULL;
	struct swarm_strings lines = { 0 };
	char *text = NULL;
	if (swarm_executor_logs(node->executor, task, -1, &lines) == 0) {
		struct json *obj = json_new_object(), *array = NULL;
		bool ok = obj && json_add_bool(obj, "ok", true) && (array = json_add(obj, "lines", json_new_array()));
		for (size_t i = 0; ok && i < lines.count; i++)
			ok = json_append(array, json_new_string(lines.items[i])) != NULL;
		if (ok)
			text = json_write(obj, 0, NULL);
		json_free(obj);
	}
	swarm_strings_free(&lines);
	return text;
}

int control_from_leader(struct node_process *node, struct conn *conn, const char *request)
{
	struct json *tree = json_parse(request, strlen(request));
	int64_t task = 0;
	const char *op = tree ? json_get_string(tree, "op") : NULL;
	char *reply = NULL;
	if (op && strcmp(op, "logs") == 0 && json_int64(json_get(tree, "task"), &task) == 0 && task > 0)
		reply = own_logs(node, (uint64_t)task);
	else
		fail_errno(EINVAL, "a node answers its leader's \"logs\" requests only");
	json_free(tree);
	struct json *error = NULL;
	if (!reply) { /* the answer is an error, as a control reply */
		error = json_new_object();
		if (error && json_add_bool(error, "ok", false) && json_add_string(error, "error", error_message()))
			reply = json_write(error, 0, NULL);
		json_free(error);
		error_clear();
		if (!reply)
			return -1;
	}
	struct swarm_wire_message message;
	swarm_wire_init(&message, SWARM_WIRE_CONTROL_REPLY);
	message.control = reply;
	int rc = node_send(node, conn, &message);
	free(reply);
	return rc;
}

void control_relayed(struct node_process *node, struct conn *session, const char *reply)
{
	for (size_t i = 0; i < node->relay_count; i++) {
		if (node->relays[i].session != session->id)
			continue;
		struct conn *client = node_conn(node, node->relays[i].client);
		memmove(&node->relays[i], &node->relays[i + 1], (node->relay_count - i - 1) * sizeof node->relays[0]);
		node->relay_count--;
		if (client && !client->closing) {
			if (reply)
				control_reply(node, client, reply);
			else
				control_error(node, client, "the task's node went away before it answered");
		}
		if (reply)
			return; /* one answer, for the oldest request on this session */
		i--;
	}
}

static int logs(struct node_process *node, struct conn *client, const struct json *tree, const char *request)
{
	int64_t task;
	if (json_int64(json_get(tree, "task"), &task) < 0 || task <= 0)
		return control_error(node, client, "logs needs a \"task\" id");
	char *own = own_logs(node, (uint64_t)task);
	if (own) {
		int rc = control_reply(node, client, own);
		free(own);
		return rc;
	}
	error_clear();
	if (!(node->is_manager && node->manager.raft.role == RAFT_LEADER))
		return forward(node, client, request);
	const struct swarm_task *t = swarm_store_task(&node->manager.store, (uint64_t)task);
	if (!t || !t->node[0])
		return control_error(node, client, "no such task, or it was never given to a node");
	struct conn *session = NULL;
	for (size_t i = 0; i < node->conn_count && !session; i++) {
		struct conn *c = &node->conns[i];
		if (c->fd >= 0 && !c->closing && c->session && strcmp(c->node, t->node) == 0)
			session = c;
	}
	char message[SWARM_NAME_MAX + 96];
	snprintf(message, sizeof message, "the task's node %s has no session with the leader (down?)", t->node);
	if (!session || strcmp(t->node, node->identity.node) == 0)
		return control_error(node, client, message);
	if (node->relay_count == sizeof node->relays / sizeof node->relays[0])
		return control_error(node, client, "too many requests under way: try again");
	struct swarm_wire_message relay;
	swarm_wire_init(&relay, SWARM_WIRE_CONTROL);
	relay.control = (char *)request;
	if (node_send(node, session, &relay) < 0)
		return control_error(node, client, error_message());
	node->relays[node->relay_count++] = (struct relay){ .session = session->id, .client = client->id };
	return 0;
}

/* The swarm's state, as the leader sees it: only the leader knows which managers answer (a
 * follower talks to the leader alone, so it would call every other follower unreachable). A
 * worker, and a follower that heard from its leader lately, ask the leader; a manager with no
 * leader in sight (an election, a partition) answers from its own store, which may lag. */
static int answer_state(struct node_process *node, struct conn *client, const char *request)
{
	if (!node->is_manager)
		return forward(node, client, request);
	const struct raft_node *raft = &node->manager.raft;
	bool leader_in_sight = raft->role == RAFT_FOLLOWER && raft->leader &&
			       swarm_monotonic_ms() - raft->leader_contact < raft->options.election_timeout_ms;
	if (leader_in_sight && client->kind == CONN_CONTROL)
		return forward(node, client, request);
	return answer_text(node, client, manager_state(node));
}

int control_request(struct node_process *node, struct conn *conn, const char *request, size_t length)
{
	conn->deadline = swarm_monotonic_ms() + CONTROL_MS;
	struct json *tree = json_parse(request, length);
	const char *op = tree ? json_get_string(tree, "op") : NULL;
	int rc;
	bool leading = node->is_manager && node->manager.raft.role == RAFT_LEADER;
	if (!op) {
		rc = control_error(node, conn, "a control request is a JSON object with \"op\"");
	} else if (strcmp(op, "info") == 0) {
		rc = answer_text(node, conn, info(node));
	} else if (strcmp(op, "state") == 0) {
		rc = answer_state(node, conn, request);
	} else if (strcmp(op, "propose") == 0) {
		const struct json *command = json_get(tree, "command");
		char *text = json_is(command, JSON_OBJECT) ? json_write(command, 0, NULL) : NULL;
		if (!text)
			rc = control_error(node, conn, "propose needs a \"command\" object");
		else if (leading)
			rc = manager_propose(node, conn, text);
		else
			rc = forward(node, conn, request);
		free(text);
	} else if (strcmp(op, "join-token") == 0) {
		rc = join_token(node, conn, json_get_string(tree, "role"));
	} else if (strcmp(op, "logs") == 0) {
		rc = logs(node, conn, tree, request);
	} else if (strcmp(op, "leave") == 0 && conn->kind == CONN_CONTROL) {
		rc = leave(node, conn, tree);
	} else {
		char message[128];
		snprintf(message, sizeof message, "unknown control request \"%.40s\"", op);
		rc = control_error(node, conn, message);
	}
	json_free(tree);
	return rc;
}
