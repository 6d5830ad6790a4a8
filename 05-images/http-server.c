/*
 * http-server.c - serving HTTP/1.1: accept connections, a thread each, requests one by one.
 *
 * Lecture: "Docker Hub (for distributing containers)". `tinydock registry serve` is this
 * loop with the registry as its handler:
 *
 *     socket() bind(127.0.0.1:5000) listen()
 *     loop: accept() -> a thread for the connection:
 *               read a head (bounded, with a deadline) -> handler -> response
 *               again on the same connection while both sides keep it alive
 *
 * What a server on a network must survive, and how this one does:
 *   - many clients: at most max_connections are served at once, each by its own thread,
 *     so memory stays bounded however many connect. When every slot is taken and another
 *     client knocks, the connection that has waited longest for a request (resting in
 *     keep-alive, silent since it connected, or still sending its head) is closed to make
 *     room: a server may close an idle connection at any time, and clients retry on a new
 *     one (RFC 9112 section 9.3.1). Only when no connection can be closed do newcomers
 *     wait in the kernel's listen backlog (listen(2)). Otherwise a few hundred
 *     connections that say nothing, or ask for "/v2/" every 29 s of a 30 s keep-alive,
 *     would lock out all others;
 *   - slow or silent clients ("slowloris", 2009): a head must arrive whole within
 *     head_timeout_ms of its first byte, a body within body_timeout_ms (moved on a second
 *     for every min_body_rate bytes that arrive), and no read may wait longer than
 *     idle_timeout_ms; a client trickling one byte a second is cut off, with a 408;
 *   - over-long or malformed heads: the parser refuses them (414, 431, 400) after a
 *     bounded number of bytes; the answer is sent and the connection closed;
 *   - TLS: skopeo and podman try https:// first. A TLS ClientHello starts with byte 0x16
 *     (a "handshake" record, RFC 8446 section 5.1), never a letter of a method: we log it
 *     and close the connection cleanly, and the client falls back to plain HTTP;
 *   - closing politely: after an error we shut down our side, then read and drop what
 *     the client is still sending for a moment before close(2); closing with unread data
 *     makes the kernel send a reset, which can destroy the response before it is read
 *     (RFC 9112 section 9.6, "tear-down").
 *
 * Read next: http-client.c, the other end of the connection.
 */
#include "http-server.h"
#include "http-conn.h"
#include "error.h"
#include "explain.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char CHAPTER[] = "05-images";

/* What a connection is doing, so that the server knows which one it can close to make room. */
enum slot_state {
	SLOT_NEW,  /* accepted, waiting for its first request to begin */
	SLOT_IDLE, /* kept alive after a request, waiting for the next one */
	SLOT_HEAD, /* receiving a request head */
	SLOT_BUSY, /* a request is being answered: never interrupted */
};

struct slot {
	int fd;                /* -1: free */
	enum slot_state state;
	int64_t since_ms;      /* when it entered that state (http_now_ms()) */
	bool evicted;          /* shut down to make room; its thread is ending it */
};

struct http_server {
	struct http_server_config config;
	int listen_fd;
	int stop_pipe[2];
	int port;
	pthread_mutex_t lock;
	pthread_cond_t changed; /* a connection ended (CLOCK_MONOTONIC for timed waits) */
	unsigned active;        /* connections being served */
	unsigned evicting;      /* of those, shut down to make room and not ended yet */
	struct slot *slots;     /* max_connections of them */
	atomic_bool stopping;   /* read by connection threads without the lock */
};

struct http_exchange {
	struct http_server *server;
	struct http_conn conn;
	int slot;
	char peer[64];
	/* the request being answered */
	bool head_sent, continue_sent, close_after, body_timed_out;
	int status;
};

/* --- logging ---------------------------------------------------------------------------- */

static void server_log(struct http_server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void server_log(struct http_server *s, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (s->config.log) {
		s->config.log(s->config.log_ctx, line);
	} else {
		char out[520];
		int n = snprintf(out, sizeof(out), "%s\n", line);
		ssize_t ignored = write(STDERR_FILENO, out, (size_t)(n < (int)sizeof(out) ? n : (int)sizeof(out) - 1));
		(void)ignored;
	}
}

/* --- the exchange API ----------------------------------------------------------------- */

const struct http_message *http_exchange_request(const struct http_exchange *ex)
{
	return &ex->conn.parser.message;
}

const char *http_exchange_peer(const struct http_exchange *ex)
{
	return ex->peer;
}

void http_exchange_log(struct http_exchange *ex, const char *fmt, ...)
{
	char line[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	server_log(ex->server, "%s %s", ex->peer, line);
}

void http_exchange_close_after(struct http_exchange *ex)
{
	ex->close_after = true;
}

bool http_exchange_peer_closed(struct http_exchange *ex)
{
	if (ex->server->stopping)
		return true;
	/* POLLRDHUP: the peer shut down its writing side, or closed (poll(2)); an event stream's
	 * client sends nothing after its request, so that is how its going away shows. */
	struct pollfd pfd = { .fd = ex->conn.fd, .events = POLLIN | POLLRDHUP };
	return ex->conn.eof || (poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)));
}

ssize_t http_exchange_read(struct http_exchange *ex, void *buf, size_t size)
{
	const struct http_message *m = http_exchange_request(ex);
	if (m->expect_continue && !ex->continue_sent && !ex->head_sent && !ex->conn.body_done) {
		static const char go_on[] = "HTTP/1.1 100 Continue\r\n\r\n";
		ex->continue_sent = true;
		if (http_conn_send(&ex->conn, go_on, sizeof(go_on) - 1) < 0)
			return -1;
	}
	ssize_t n = http_conn_read_body(&ex->conn, buf, size);
	if (n < 0 && error_errno() == ETIMEDOUT && !ex->body_timed_out) {
		ex->body_timed_out = true;
		ex->close_after = true; /* the rest of the body is still coming: we cannot read on */
		server_log(ex->server, "%s request body not received in time: closed", ex->peer);
	}
	return n;
}

static bool closing(const struct http_exchange *ex)
{
	return !http_exchange_request(ex)->keep_alive || ex->close_after || ex->server->stopping;
}

int http_exchange_send_head(struct http_exchange *ex, struct http_head *head, int64_t content_length)
{
	if (ex->head_sent)
		return fail_errno(0, "an HTTP response head was already sent");
	const struct http_message *m = http_exchange_request(ex);
	if (closing(ex))
		http_head_field(head, "Connection", "close");
	else if (m->minor_version == 0)
		http_head_field(head, "Connection", "keep-alive");
	if (http_head_finish(head, content_length) < 0)
		return -1;
	ex->head_sent = true;
	ex->status = atoi(head->buf + 9); /* "HTTP/1.1 NNN" */
	bool no_body = strcmp(m->method, "HEAD") == 0 || ex->status == 204 || ex->status == 304;
	return http_conn_send_head(&ex->conn, head, content_length, no_body);
}

int http_exchange_write(struct http_exchange *ex, const void *data, size_t size)
{
	return http_conn_write_body(&ex->conn, data, size);
}

int http_exchange_send_file(struct http_exchange *ex, int fd, off_t offset, uint64_t count)
{
	return http_conn_send_file(&ex->conn, fd, offset, count);
}

int http_exchange_reply(struct http_exchange *ex, int status, const char *content_type, const void *body,
			size_t size)
{
	struct http_head head;
	http_head_response(&head, status);
	if (content_type)
		http_head_field(&head, "Content-Type", "%s", content_type);
	if (http_exchange_send_head(ex, &head, (int64_t)size) < 0)
		return -1;
	return http_exchange_write(ex, body, size);
}

/* --- one connection ------------------------------------------------------------------- */

/* Shut down our side, read and drop what still comes for a moment, then let close() happen. */
static void lingering_close(struct http_conn *c)
{
	shutdown(c->fd, SHUT_WR);
	int64_t deadline = http_now_ms() + 1000;
	size_t dropped = 0;
	while (dropped < (1 << 20)) {
		c->in_start = c->in_len = 0;
		if (http_conn_fill(c, deadline) <= 0)
			break;
		dropped += c->in_len;
	}
}

/* Answer a request we cannot parse, and close: after a framing error, nothing that follows
 * on this connection can be trusted to be where a request starts. */
static void refuse_and_close(struct http_exchange *ex, int status, const char *reason)
{
	struct http_head head;
	char body[160];
	int n = snprintf(body, sizeof(body), "%s\n", reason);
	http_head_response(&head, status);
	http_head_field(&head, "Content-Type", "text/plain; charset=utf-8");
	http_head_field(&head, "Connection", "close");
	if (http_head_finish(&head, n) > 0 && http_conn_send(&ex->conn, head.buf, head.len) == 0)
		http_conn_send(&ex->conn, body, (size_t)n);
	lingering_close(&ex->conn);
}

/* Run the handler for the parsed request; false when the connection must end. */
static bool answer(struct http_exchange *ex)
{
	struct http_server *s = ex->server;
	const struct http_message *m = http_exchange_request(ex);
	ex->head_sent = ex->continue_sent = ex->close_after = ex->body_timed_out = false;
	ex->status = 0;
	s->config.handler(ex, s->config.handler_ctx);
	if (!ex->head_sent && ex->body_timed_out) {
		static const char late[] = "request body not received in time\n";
		http_exchange_reply(ex, 408, "text/plain; charset=utf-8", late, sizeof(late) - 1);
	} else if (!ex->head_sent) {
		/* The handler failed before answering: say so, rather than leave the client waiting. */
		server_log(s, "%s handler failed: %s", ex->peer, error_message());
		ex->close_after = true;
		http_exchange_reply(ex, 500, "text/plain; charset=utf-8", "internal server error\n", 22);
	}
	if (http_conn_end_body(&ex->conn) < 0)
		ex->close_after = true; /* the response is cut short: only closing tells the client */
	if (!http_conn_body_finished(&ex->conn))
		ex->close_after = true; /* unread request body: we cannot find the next request */
	server_log(s, "%s \"%s %.200s HTTP/1.%d\" %d", ex->peer, m->method, m->target, m->minor_version, ex->status);
	return !closing(ex);
}

/* Record what the connection is doing; false when it was closed to make room meanwhile. */
static bool slot_enter(struct http_exchange *ex, enum slot_state state)
{
	struct http_server *s = ex->server;
	pthread_mutex_lock(&s->lock);
	struct slot *slot = &s->slots[ex->slot];
	bool evicted = slot->evicted;
	if (!evicted) {
		slot->state = state;
		slot->since_ms = http_now_ms();
	}
	pthread_mutex_unlock(&s->lock);
	return !evicted;
}

static void serve_connection(struct http_exchange *ex)
{
	struct http_server *s = ex->server;
	struct http_conn *c = &ex->conn;
	int head_timeout = s->config.head_timeout_ms, idle_timeout = s->config.idle_timeout_ms;
	for (bool first = true;; first = false) {
		if (!first && !slot_enter(ex, SLOT_IDLE))
			return;
		/* Wait for the first byte of a request: a new connection has head_timeout to start
		 * talking, a kept-alive one may rest for idle_timeout. */
		if (c->in_len == 0) {
			int r = http_conn_fill(c, http_now_ms() + (first ? head_timeout : idle_timeout));
			if (r <= 0) {
				if (r < 0 && first)
					server_log(s, "%s sent no request within %d ms: closed", ex->peer, head_timeout);
				return;
			}
		}
		if (first && (unsigned char)c->in[c->in_start] == 0x16) {
			server_log(s, "%s began a TLS handshake on this plain HTTP port: closed "
				      "(the client should use http://, e.g. skopeo --tls-verify=false)", ex->peer);
			lingering_close(c);
			return;
		}
		if (!slot_enter(ex, SLOT_HEAD))
			return;
		int r = http_conn_read_head(c, http_now_ms() + head_timeout);
		if (r == 0)
			return;
		if (r < 0) {
			if (c->parser.error_status) {
				server_log(s, "%s bad request: %d %s", ex->peer, c->parser.error_status, c->parser.error_reason);
				refuse_and_close(ex, c->parser.error_status, c->parser.error_reason);
			} else if (error_errno() == ETIMEDOUT) {
				server_log(s, "%s sent an incomplete request head for %d ms: closed", ex->peer, head_timeout);
				refuse_and_close(ex, 408, "request head not received in time");
			}
			return;
		}
		/* A whole head: from here on the request is answered, never closed to make room. */
		if (!slot_enter(ex, SLOT_BUSY))
			return;
		http_conn_limit_body(c, http_now_ms() + s->config.body_timeout_ms, s->config.min_body_rate);
		if (!answer(ex)) {
			lingering_close(c);
			return;
		}
		http_parser_reset(&c->parser);
	}
}

static void *connection_thread(void *arg)
{
	struct http_exchange *ex = arg;
	struct http_server *s = ex->server;
	serve_connection(ex);
	pthread_mutex_lock(&s->lock);
	struct slot *slot = &s->slots[ex->slot];
	bool evicted = slot->evicted;
	slot->fd = -1; /* before close(): a shutdown() by the server must not hit a reused fd */
	pthread_mutex_unlock(&s->lock);
	if (evicted)
		server_log(s, "%s idle connection closed to make room for a new one", ex->peer);
	http_conn_free(&ex->conn);
	free(ex);
	pthread_mutex_lock(&s->lock);
	s->active--;
	if (evicted)
		s->evicting--;
	pthread_cond_broadcast(&s->changed);
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* --- the listening socket --------------------------------------------------------------- */

static void format_peer(const struct sockaddr_storage *ss, char *out, size_t size)
{
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		port = ntohs(in->sin_port);
		snprintf(out, size, "%s:%d", host, port);
	} else {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		port = ntohs(in6->sin6_port);
		snprintf(out, size, "[%s]:%d", host, port);
	}
}

static int listen_on(const char *addr, int *port_out)
{
	char host[256], port[8];
	if (http_split_host_port(addr, host, sizeof(host), port, sizeof(port)) < 0)
		return fail_errno(0, "cannot listen on \"%s\": expected HOST:PORT, e.g. 127.0.0.1:5000", addr);
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *found;
	int rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &found);
	if (rc != 0)
		return fail_errno(0, "cannot listen on \"%s\": %s", addr, gai_strerror(rc));
	int fd = (int)explain_result(CHAPTER, socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0),
				     "socket(%s, SOCK_STREAM)", found->ai_family == AF_INET6 ? "AF_INET6" : "AF_INET");
	if (fd < 0) {
		freeaddrinfo(found);
		return fail_sys("cannot listen on \"%s\": socket", addr);
	}
	/* Restarting the registry must not wait for old connections in TIME_WAIT (socket(7)). */
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* A long backlog: while every slot is busy, clients wait there. When it is full the
	 * kernel drops their SYNs and they retry only after 1 s, then 3 s (tcp(7)), so a crowd of
	 * connections must not fill it before a real client gets in. SOMAXCONN is the most
	 * listen(2) takes (the kernel caps it at net.core.somaxconn). */
	if (explain_result(CHAPTER, bind(fd, found->ai_addr, found->ai_addrlen), "bind(%d, %s)", fd, addr) < 0 ||
	    explain_result(CHAPTER, listen(fd, SOMAXCONN), "listen(%d, SOMAXCONN)", fd) < 0) {
		fail_sys("cannot listen on \"%s\"", addr);
		freeaddrinfo(found);
		close(fd);
		return -1;
	}
	freeaddrinfo(found);
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &len);
	*port_out = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
						   : ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

struct http_server *http_server_open(const struct http_server_config *config)
{
	struct http_server *s = calloc(1, sizeof(*s));
	if (!s) {
		fail_errno(ENOMEM, "cannot start the HTTP server");
		return NULL;
	}
	s->config = *config;
	if (!s->config.addr)
		s->config.addr = "127.0.0.1:5000";
	if (!s->config.max_connections)
		s->config.max_connections = 64;
	if (!s->config.head_timeout_ms)
		s->config.head_timeout_ms = 10000;
	if (!s->config.idle_timeout_ms)
		s->config.idle_timeout_ms = 30000;
	if (!s->config.body_timeout_ms)
		s->config.body_timeout_ms = 60000;
	if (!s->config.min_body_rate)
		s->config.min_body_rate = 16384;
	if (!s->config.limits.max_head_bytes)
		s->config.limits = http_default_limits;
	s->stop_pipe[0] = s->stop_pipe[1] = -1;
	s->slots = malloc(s->config.max_connections * sizeof(*s->slots));
	if (!s->slots || pipe2(s->stop_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		fail_sys("cannot start the HTTP server");
		goto fail;
	}
	for (unsigned i = 0; i < s->config.max_connections; i++)
		s->slots[i] = (struct slot){ .fd = -1 };
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_t monotonic;
	pthread_condattr_init(&monotonic);
	pthread_condattr_setclock(&monotonic, CLOCK_MONOTONIC);
	pthread_cond_init(&s->changed, &monotonic);
	pthread_condattr_destroy(&monotonic);
	s->listen_fd = listen_on(s->config.addr, &s->port);
	if (s->listen_fd < 0) {
		pthread_mutex_destroy(&s->lock);
		pthread_cond_destroy(&s->changed);
		goto fail;
	}
	return s;
fail:
	if (s->stop_pipe[0] >= 0)
		close(s->stop_pipe[0]), close(s->stop_pipe[1]);
	free(s->slots);
	free(s);
	return NULL;
}

int http_server_port(const struct http_server *s)
{
	return s->port;
}

void http_server_stop(struct http_server *s)
{
	ssize_t ignored = write(s->stop_pipe[1], "x", 1); /* async-signal-safe */
	(void)ignored;
}

static bool stop_requested(struct http_server *s, int timeout_ms)
{
	struct pollfd pfd = { .fd = s->stop_pipe[0], .events = POLLIN };
	return poll(&pfd, 1, timeout_ms) > 0;
}

/* Start a thread for an accepted connection; false if it could not (the socket is closed). */
static bool start_connection(struct http_server *s, int fd, const struct sockaddr_storage *peer)
{
	struct http_exchange *ex = calloc(1, sizeof(*ex));
	if (!ex || http_conn_init(&ex->conn, fd, HTTP_PARSE_REQUEST, &s->config.limits, s->config.idle_timeout_ms) < 0) {
		free(ex);
		close(fd);
		return false;
	}
	ex->server = s;
	format_peer(peer, ex->peer, sizeof(ex->peer));
	/* Heads are small: without TCP_NODELAY, Nagle's algorithm and delayed ACKs hold back
	 * a keep-alive exchange by up to 40 ms (tcp(7)). */
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

	pthread_mutex_lock(&s->lock);
	unsigned slot = 0;
	while (s->slots[slot].fd >= 0)
		slot++;
	s->slots[slot] = (struct slot){ .fd = fd, .state = SLOT_NEW, .since_ms = http_now_ms() };
	ex->slot = (int)slot;
	s->active++;
	pthread_mutex_unlock(&s->lock);

	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 512 * 1024);
	pthread_t thread;
	int err = pthread_create(&thread, &attr, connection_thread, ex);
	pthread_attr_destroy(&attr);
	if (err == 0)
		return true;
	server_log(s, "%s cannot start a thread: %s", ex->peer, strerror(err));
	pthread_mutex_lock(&s->lock);
	s->slots[slot].fd = -1;
	s->active--;
	pthread_mutex_unlock(&s->lock);
	http_conn_free(&ex->conn);
	free(ex);
	return false;
}

/* May this connection be closed to make room? Never while a request is answered. A
 * connection kept alive after a request may be closed at once: its client knows to send
 * again on a new connection (RFC 9112 section 9.3.1). A new one, or one whose head is still
 * coming in, gets a quarter of head_timeout first: a client that has just connected may not
 * have been given the CPU to write its request yet (a busy machine, many threads), while a
 * silent or trickling one is still there after that. */
static bool evictable(const struct http_server *s, const struct slot *slot, int64_t now)
{
	if (slot->fd < 0 || slot->evicted || slot->state == SLOT_BUSY)
		return false;
	return slot->state == SLOT_IDLE || now - slot->since_ms >= s->config.head_timeout_ms / 4;
}

/* Close the connection that has waited longest for a request (idle, silent, or trickling its
 * head) to make room for a new client; false when there is none. Called with the lock held. The
 * connection's thread sees the end of the stream and ends it. */
static bool evict_longest_idle(struct http_server *s)
{
	struct slot *oldest = NULL;
	int64_t now = http_now_ms();
	for (unsigned i = 0; i < s->config.max_connections; i++) {
		struct slot *slot = &s->slots[i];
		if (evictable(s, slot, now) && (!oldest || slot->since_ms < oldest->since_ms))
			oldest = slot;
	}
	if (!oldest)
		return false;
	oldest->evicted = true;
	s->evicting++;
	shutdown(oldest->fd, SHUT_RDWR);
	return true;
}

/* A client is waiting to be accepted: return once a slot is free for it, making room if
 * need be (false when the server is asked to stop meanwhile). */
static bool wait_for_slot(struct http_server *s)
{
	pthread_mutex_lock(&s->lock);
	while (s->active >= s->config.max_connections) {
		if (s->active - s->evicting >= s->config.max_connections)
			evict_longest_idle(s); /* one at a time: the next waits until this one is gone */
		/* Woken when a connection ends; every 50 ms, to look for a stop request and for
		 * connections that finished their request and became idle meanwhile. */
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += 50 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->changed, &s->lock, &until);
		if (stop_requested(s, 0)) {
			pthread_mutex_unlock(&s->lock);
			return false;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return true;
}

int http_server_run(struct http_server *s)
{
	for (;;) {
		struct pollfd pfd[2] = { { .fd = s->listen_fd, .events = POLLIN }, { .fd = s->stop_pipe[0], .events = POLLIN } };
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return fail_sys("cannot wait for connections");
		}
		if (pfd[1].revents)
			return 0;
		if (!wait_for_slot(s))
			return 0;
		struct sockaddr_storage peer;
		socklen_t len = sizeof(peer);
		int fd = accept4(s->listen_fd, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOMEM || errno == ENOBUFS)
				stop_requested(s, 100); /* out of descriptors: pause instead of spinning */
			continue; /* EINTR, ECONNABORTED, and the like: the next client may fare better */
		}
		if (explain_enabled()) {
			char who[64];
			format_peer(&peer, who, sizeof(who));
			explain(CHAPTER, "accept4(%d) = %d (%s)", s->listen_fd, fd, who);
		}
		start_connection(s, fd, &peer);
	}
}

void http_server_close(struct http_server *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	/* Wake every connection thread: their reads see the end of the stream and return. */
	for (unsigned i = 0; i < s->config.max_connections; i++)
		if (s->slots[i].fd >= 0)
			shutdown(s->slots[i].fd, SHUT_RDWR);
	while (s->active > 0)
		pthread_cond_wait(&s->changed, &s->lock);
	pthread_mutex_unlock(&s->lock);
	explain_result(CHAPTER, close(s->listen_fd), "close(%d)", s->listen_fd);
	close(s->stop_pipe[0]);
	close(s->stop_pipe[1]);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->changed);
	free(s->slots);
	free(s);
}
