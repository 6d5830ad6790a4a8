/*
 * swarm-node.c - the node process's loop and its connections (swarm-node.h).
 *
 * One poll(2) over every socket: the TCP listener, the control socket, each connection. A
 * turn of the loop reads what arrived (whole frames only, swarm-frame.h), handles each message,
 * writes what can be written, then runs the timers that are due (Raft's, the leader's round,
 * the agent's heartbeat, redials), and sleeps until the next socket event or the next timer.
 * A connection that breaks a rule (no hello in time, a bad token, a frame that is not a
 * message, more output than a peer would ever need) is logged and closed; the node goes on.
 *
 * Read next: swarm-node-manager.c, swarm-node-agent.c, swarm-control-server.c.
 */
#include "swarm-node-internal.h"

#include "error.h"
#include "swarm-node-identity.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int signal)
{
	stop_signal = signal;
}

uint64_t swarm_node_wall_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	return (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
}

void node_log(const char *fmt, ...)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	va_list args;
	va_start(args, fmt);
	fprintf(stderr, "%s node: ", stamp);
	vfprintf(stderr, fmt, args);
	fputc('\n', stderr);
	va_end(args);
}

/* --- connections ------------------------------------------------------------------------------ */

struct conn *node_conn(struct node_process *node, uint64_t id)
{
	for (size_t i = 0; id && i < node->conn_count; i++)
		if (node->conns[i].id == id && node->conns[i].fd >= 0)
			return &node->conns[i];
	return NULL;
}

struct conn *node_add_conn(struct node_process *node, enum conn_kind kind, int fd)
{
	if (node->conn_count == node->conn_capacity) {
		size_t capacity = node->conn_capacity ? 2 * node->conn_capacity : 16;
		struct conn *grown = realloc(node->conns, capacity * sizeof *grown);
		if (!grown) {
			fail_errno(ENOMEM, "cannot keep %zu connections", capacity);
			return NULL;
		}
		node->conns = grown;
		node->conn_capacity = capacity;
	}
	struct conn *conn = &node->conns[node->conn_count++];
	memset(conn, 0, sizeof *conn);
	conn->id = ++node->next_conn_id;
	conn->kind = kind;
	conn->fd = fd;
	swarm_frame_reader_init(&conn->reader);
	return conn;
}

int node_parse_address(const char *address, struct sockaddr_in *sin)
{
	char host[SWARM_NAME_MAX];
	const char *colon = strrchr(address, ':');
	if (!colon || (size_t)(colon - address) >= sizeof host)
		return fail_errno(EINVAL, "cannot use the address \"%s\": not HOST:PORT", address);
	memcpy(host, address, (size_t)(colon - address));
	host[colon - address] = '\0';
	char *end;
	unsigned long port = strtoul(colon + 1, &end, 10);
	if (*end || port == 0 || port > 65535)
		return fail_errno(EINVAL, "cannot use the address \"%s\": the port is not 1 to 65535", address);
	memset(sin, 0, sizeof *sin);
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1)
		return 0;
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *found;
	int rc = getaddrinfo(host, NULL, &hints, &found);
	if (rc != 0)
		return fail_errno(0, "cannot resolve \"%s\": %s", host, gai_strerror(rc));
	sin->sin_addr = ((struct sockaddr_in *)found->ai_addr)->sin_addr;
	freeaddrinfo(found);
	return 0;
}

/* Options of every TCP connection between nodes. No Nagle delay: Raft's messages are small and
 * urgent (tcp(7), TCP_NODELAY). And a bound on how long sent data may stay unacknowledged
 * before the kernel gives the connection up (tcp(7), TCP_USER_TIMEOUT, RFC 5482): a peer cut
 * off by a partition, or a machine switched off, sends no reset, and without it a session
 * would keep writing heartbeats into the void for the quarter of an hour TCP retransmits; with
 * it, the connection fails within seconds and the node dials another manager. */
static void tune_tcp(int fd)
{
	int one = 1;
	unsigned int user_timeout_ms = SWARM_NODE_TCP_TIMEOUT_MS;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout_ms, sizeof user_timeout_ms);
}

struct conn *node_dial(struct node_process *node, enum conn_kind kind, const char *address)
{
	struct sockaddr_in sin;
	if (node_parse_address(address, &sin) < 0)
		return NULL;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fail_sys("cannot create a socket for %s", address);
		return NULL;
	}
	tune_tcp(fd);
	int rc = connect(fd, (struct sockaddr *)&sin, sizeof sin);
	if (rc < 0 && errno != EINPROGRESS) {
		fail_sys("cannot connect to %s", address);
		close(fd);
		return NULL;
	}
	struct conn *conn = node_add_conn(node, kind, fd);
	if (!conn) {
		close(fd);
		return NULL;
	}
	conn->connecting = rc < 0;
	conn->deadline = swarm_monotonic_ms() + SWARM_NODE_HELLO_MS;
	swarm_copy_name(conn->address, sizeof conn->address, address);
	return conn;
}

int node_send_text(struct node_process *node, struct conn *conn, const char *text, size_t length)
{
	(void)node;
	unsigned char header[SWARM_FRAME_HEADER];
	if (swarm_frame_header(length, header) < 0)
		return -1;
	size_t need = conn->out_length + sizeof header + length;
	if (need > SWARM_NODE_OUTPUT_MAX)
		return fail_errno(ENOBUFS, "%s (%s) takes no more: %zu bytes wait already", conn->node[0] ? conn->node : "a peer",
				  conn->address, conn->out_length);
	if (need > conn->out_capacity) {
		size_t capacity = 2 * need;
		char *grown = realloc(conn->out, capacity);
		if (!grown)
			return fail_errno(ENOMEM, "cannot queue %zu bytes", need);
		conn->out = grown;
		conn->out_capacity = capacity;
	}
	memcpy(conn->out + conn->out_length, header, sizeof header);
	memcpy(conn->out + conn->out_length + sizeof header, text, length);
	conn->out_length = need;
	return 0;
}

int node_send(struct node_process *node, struct conn *conn, const struct swarm_wire_message *message)
{
	size_t length;
	char *text = swarm_wire_encode(message, &length);
	if (!text)
		return -1;
	int rc = node_send_text(node, conn, text, length);
	free(text);
	return rc;
}

int node_send_hello(struct node_process *node, struct conn *conn)
{
	struct swarm_wire_message hello;
	swarm_wire_init(&hello, SWARM_WIRE_HELLO);
	swarm_copy_name(hello.token, sizeof hello.token, node->identity.token);
	swarm_copy_name(hello.node, sizeof hello.node, node->identity.node);
	swarm_copy_name(hello.address, sizeof hello.address, node->identity.address);
	hello.role = node->identity.role;
	hello.raft = node->identity.raft;
	return node_send(node, conn, &hello);
}

void node_close(struct node_process *node, struct conn *conn, bool flush)
{
	(void)node;
	conn->closing = true;
	if (!flush)
		conn->out_length = conn->out_sent = 0;
	/* what is left to write gets a few seconds: a peer that does not read is not waited for */
	uint64_t last = swarm_monotonic_ms() + SWARM_NODE_HELLO_MS;
	if (!conn->deadline || conn->deadline > last)
		conn->deadline = last;
}

/* Really close, and tell whoever waits on it. */
static void destroy(struct node_process *node, struct conn *conn)
{
	uint64_t id = conn->id;
	enum conn_kind kind = conn->kind;
	close(conn->fd);
	conn->fd = -1;
	swarm_frame_reader_free(&conn->reader);
	free(conn->out);
	free(conn->request);
	free(conn->last_assignments);
	conn->out = conn->request = conn->last_assignments = NULL;
	if (kind == CONN_FORWARD)
		control_forwarded(node, conn, NULL);
	if (kind == CONN_AGENT && node->agent == id)
		agent_lost(node, swarm_monotonic_ms());
	if (kind == CONN_INBOUND)
		control_relayed(node, conn, NULL);
	if (node->manager_started)
		manager_forget_conn(node, id);
	struct conn *linked = node_conn(node, conn->link);
	if (kind == CONN_CONTROL && linked)
		node_close(node, linked, false);
}

/* Write what waits; -1 when the connection broke. */
static int flush(struct conn *conn)
{
	while (conn->out_sent < conn->out_length) {
		ssize_t n = send(conn->fd, conn->out + conn->out_sent, conn->out_length - conn->out_sent, MSG_NOSIGNAL);
		if (n > 0) {
			conn->out_sent += (size_t)n;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			return 0;
		} else if (n < 0 && errno != EINTR) {
			return fail_sys("cannot write to %s", conn->address[0] ? conn->address : "a client");
		}
	}
	conn->out_length = conn->out_sent = 0;
	return 0;
}

/* --- messages --------------------------------------------------------------------------------- */

/* The first message of an inbound connection: its hello, token checked before anything else. */
static int check_hello(struct node_process *node, struct conn *conn, const struct swarm_wire_message *message)
{
	struct swarm_wire_message answer;
	if (message->type != SWARM_WIRE_HELLO) {
		node_log("refused a connection: its first message is %s, not hello", swarm_wire_type_name(message->type));
		return -1;
	}
	int role = swarm_token_role(message->token, node->identity.worker_token, node->identity.manager_token);
	const char *why = NULL;
	if (role < 0)
		why = error_message();
	else if (message->role == SWARM_MANAGER && role != SWARM_MANAGER)
		why = "a worker's token does not make a manager";
	else if (message->role == SWARM_MANAGER && message->raft != swarm_node_raft_id(message->node))
		why = "the Raft id is not the node's";
	if (why) {
		node_log("refused %s (%s, node %s): %s", conn->address, swarm_role_name(message->role), message->node, why);
		swarm_wire_init(&answer, SWARM_WIRE_REFUSED);
		swarm_copy_name(answer.error, sizeof answer.error, why);
		node_send(node, conn, &answer);
		error_clear();
		return -1;
	}
	conn->authenticated = true;
	conn->deadline = 0;
	conn->role = message->role;
	conn->token_role = role;
	conn->raft = message->raft;
	swarm_copy_name(conn->node, sizeof conn->node, message->node);
	swarm_copy_name(conn->address, sizeof conn->address, message->address);
	if (message->role == SWARM_MANAGER && node->manager_started)
		manager_learn_peer(node, message->node, message->address, message->raft);
	swarm_wire_init(&answer, SWARM_WIRE_WELCOME);
	answer.role = role; /* a node that joins learns from it which role its token gives */
	return node_send(node, conn, &answer);
}

/* One frame from conn. -1: close it (logged here). */
static int handle_frame(struct node_process *node, struct conn *conn, const char *body, size_t length)
{
	if (conn->kind == CONN_CONTROL)
		return control_request(node, conn, body, length);
	struct swarm_wire_message message;
	if (swarm_wire_decode(body, length, &message) < 0) {
		node_log("dropped a connection from %s: %s", conn->address[0] ? conn->address : "a peer", error_message());
		error_clear();
		return -1;
	}
	int rc = 0;
	if (conn->kind == CONN_INBOUND && !conn->authenticated)
		rc = check_hello(node, conn, &message);
	else if (message.type == SWARM_WIRE_REFUSED) {
		node_log("%s refused us: %s", conn->address, message.error);
		rc = -1;
	} else if (message.type == SWARM_WIRE_WELCOME) {
		/* A connection we dialed is up when the other side welcomed us: until then its
		 * deadline stands (a connect(2) to a machine that is off waits minutes otherwise). */
		if (conn->kind != CONN_FORWARD)
			conn->deadline = 0;
		if (conn->kind == CONN_PEER && node->manager_started)
			manager_peer_welcomed(node, conn);
	}
	else if (conn->kind == CONN_AGENT)
		rc = agent_receive(node, conn, &message);
	else if (conn->kind == CONN_FORWARD && message.type == SWARM_WIRE_CONTROL_REPLY) {
		control_forwarded(node, conn, message.control);
		node_close(node, conn, false);
	} else if (conn->kind == CONN_INBOUND && message.type == SWARM_WIRE_CONTROL_REPLY) {
		control_relayed(node, conn, message.control);
	} else if (conn->kind == CONN_INBOUND && message.type == SWARM_WIRE_CONTROL) {
		rc = control_request(node, conn, message.control, strlen(message.control));
	} else if (conn->kind == CONN_INBOUND && node->manager_started) {
		rc = manager_receive(node, conn, &message);
	} else {
		node_log("dropped a connection from %s: a %s message is not for this node", conn->address,
			 swarm_wire_type_name(message.type));
		rc = -1;
	}
	swarm_wire_free(&message);
	if (rc < 0 && error_message()[0]) {
		node_log("dropped a connection from %s: %s", conn->address[0] ? conn->address : "a client", error_message());
		error_clear();
	}
	return rc;
}

/* The listener has a connection: accept it (a hello must follow within the deadline). */
static void accept_one(struct node_process *node, struct conn *listener)
{
	struct sockaddr_storage from;
	socklen_t size = sizeof from;
	int fd = accept4(listener->fd, (struct sockaddr *)&from, &size, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	struct conn *conn = node_add_conn(node, listener->kind == CONN_LISTENER ? CONN_INBOUND : CONN_CONTROL, fd);
	if (!conn) {
		close(fd);
		return;
	}
	conn->deadline = swarm_monotonic_ms() + SWARM_NODE_HELLO_MS;
	if (from.ss_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&from;
		char host[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof host);
		snprintf(conn->address, sizeof conn->address, "%s:%u", host, ntohs(sin->sin_port));
		tune_tcp(fd);
	}
}

/* conn is readable (or writable, or broken). */
static void serve(struct node_process *node, struct conn *conn, short revents)
{
	if (conn->kind == CONN_LISTENER || conn->kind == CONN_CONTROL_LISTENER) {
		accept_one(node, conn);
		return;
	}
	if (conn->connecting && (revents & (POLLOUT | POLLERR | POLLHUP))) {
		int err = 0;
		socklen_t size = sizeof err;
		getsockopt(conn->fd, SOL_SOCKET, SO_ERROR, &err, &size);
		if (err) {
			node_close(node, conn, false);
			return;
		}
		conn->connecting = false;
	}
	if (revents & (POLLIN | POLLHUP | POLLERR)) {
		/* Every whole frame there is: a peer may send several in one segment. At most a few
		 * per turn, so that one busy peer cannot starve the others (and the timers). */
		for (int frames = 0; frames < 64 && !conn->closing; frames++) {
			char *body;
			size_t length;
			uint64_t id = conn->id;
			int rc = swarm_frame_reader_read(&conn->reader, conn->fd, &body, &length);
			if (rc == 0)
				break;
			if (rc < 0) {
				if (!strstr(error_message(), "closed the connection"))
					node_log("dropped a connection from %s: %s", conn->address[0] ? conn->address : "a client",
						 error_message());
				error_clear();
				node_close(node, conn, false);
				break;
			}
			rc = handle_frame(node, conn, body, length);
			free(body);
			conn = node_conn(node, id); /* handling may have grown the array */
			if (!conn)
				return;
			if (rc < 0)
				node_close(node, conn, true);
		}
	}
	if (!conn->connecting && conn->out_length && flush(conn) < 0) {
		error_clear();
		node_close(node, conn, false);
	}
}

/* --- the loop ----------------------------------------------------------------------------------- */

int node_listen(struct node_process *node)
{
	struct sockaddr_in sin;
	if (node_parse_address(node->identity.listen, &sin) < 0)
		return -1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail_sys("cannot create a socket to listen on %s", node->identity.listen);
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one); /* a restart right after a stop */
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(fd, 64) < 0) {
		int err = errno;
		close(fd);
		return fail_errno(err, "cannot listen on %s", node->identity.listen);
	}
	return node_add_conn(node, CONN_LISTENER, fd) ? 0 : (close(fd), -1);
}

/* Drop what is closed (after writing what it should); compact the array. */
static void sweep(struct node_process *node, uint64_t now)
{
	for (size_t i = 0; i < node->conn_count; i++) {
		struct conn *conn = &node->conns[i];
		if (conn->fd >= 0 && conn->deadline && now >= conn->deadline) {
			if (conn->kind == CONN_INBOUND && !conn->authenticated && !conn->closing)
				node_log("dropped a connection from %s: no hello within %d ms", conn->address, SWARM_NODE_HELLO_MS);
			node_close(node, conn, false);
		}
		if (conn->fd >= 0 && conn->closing && (conn->out_length == 0 || conn->connecting || flush(conn) < 0 ||
							 conn->out_length == 0))
			destroy(node, conn);
		error_clear();
	}
	size_t kept = 0;
	for (size_t i = 0; i < node->conn_count; i++)
		if (node->conns[i].fd >= 0)
			node->conns[kept++] = node->conns[i];
	node->conn_count = kept;
}

static int loop(struct node_process *node)
{
	struct pollfd *fds = NULL;
	size_t fds_capacity = 0;
	int rc = 0;
	while (!node->stop && !stop_signal) {
		uint64_t now = swarm_monotonic_ms(), next = now + 1000;
		if ((node->manager_started && manager_tick(node, now, &next) < 0) || agent_tick(node, now, &next) < 0) {
			rc = -1;
			break;
		}
		sweep(node, now);
		size_t executor_fds = agent_pollfds(node, NULL, 0);
		if (node->conn_count + executor_fds > fds_capacity) {
			size_t capacity = (node->conn_count + executor_fds) * 2;
			struct pollfd *grown = realloc(fds, capacity * sizeof *fds);
			if (!grown) {
				rc = fail_errno(ENOMEM, "cannot poll %zu connections", node->conn_count);
				break;
			}
			fds = grown;
			fds_capacity = capacity;
		}
		for (size_t i = 0; i < node->conn_count; i++) {
			struct conn *conn = &node->conns[i];
			fds[i] = (struct pollfd){ .fd = conn->fd, .events = POLLIN };
			if (conn->connecting || conn->out_length)
				fds[i].events |= POLLOUT;
			if (conn->deadline && conn->deadline < next)
				next = conn->deadline;
		}
		now = swarm_monotonic_ms();
		int timeout = next > now ? (int)(next - now) : 0;
		/* the executor's: a ready one just wakes the loop, whose next turn polls the executor */
		executor_fds = agent_pollfds(node, fds + node->conn_count, fds_capacity - node->conn_count);
		if (executor_fds > fds_capacity - node->conn_count)
			executor_fds = fds_capacity - node->conn_count;
		int ready = poll(fds, node->conn_count + executor_fds, timeout);
		if (ready < 0 && errno != EINTR) {
			rc = fail_sys("cannot poll the node's connections");
			break;
		}
		size_t count = node->conn_count; /* serving may add connections: they wait a turn */
		for (size_t i = 0; ready > 0 && i < count; i++) {
			if (!fds[i].revents)
				continue;
			uint64_t id = node->conns[i].id;
			struct conn *conn = node_conn(node, id);
			if (conn && !conn->closing)
				serve(node, conn, fds[i].revents);
		}
	}
	free(fds);
	return rc;
}

static void tell_ready(int *ready, const char *line)
{
	if (*ready < 0)
		return;
	ssize_t written = write(*ready, line, strlen(line));
	(void)written;
	close(*ready);
	*ready = -1;
}

int swarm_node_run(const struct swarm_identity *identity, int ready)
{
	struct node_process *node = calloc(1, sizeof *node);
	if (!node)
		return fail_errno(ENOMEM, "cannot start the node");
	node->identity = *identity;
	node->is_manager = identity->role == SWARM_MANAGER;
	struct sigaction action = { .sa_handler = on_stop_signal };
	sigaction(SIGTERM, &action, NULL);
	sigaction(SIGINT, &action, NULL);
	signal(SIGPIPE, SIG_IGN);
	int rc = 0;
	if ((node->is_manager && (node_listen(node) < 0 || manager_start(node) < 0)) || control_listen(node) < 0 ||
	    agent_start(node) < 0)
		rc = -1;
	if (rc == 0) {
		node_log("node %s (%s) is up as a %s, at %s", identity->node, identity->hostname,
			 swarm_role_name(identity->role), identity->address);
		tell_ready(&ready, "ok\n");
		rc = loop(node);
	}
	if (rc < 0) {
		char line[ERROR_MESSAGE_SIZE + 2];
		snprintf(line, sizeof line, "%s\n", error_message());
		tell_ready(&ready, line);
		node_log("stops: %s", error_message());
	} else {
		node_log("stops%s", node->leaving ? ": it left the swarm" : stop_signal ? " (signal)" : "");
	}
	for (size_t i = 0; i < node->conn_count; i++)
		if (node->conns[i].fd >= 0)
			destroy(node, &node->conns[i]);
	free(node->conns);
	if (node->manager_started)
		manager_stop(node);
	agent_free(node, node->leaving);
	control_remove_socket();
	if (node->leaving && swarm_persist_remove() < 0)
		rc = -1;
	free(node);
	return rc;
}
