/*
 * http-server.h - an HTTP/1.1 server core: accept, a thread per connection, keep-alive.
 *
 * The registry plugs in one handler; the server owns sockets, limits and timeouts.
 */
#ifndef TINYDOCK_HTTP_SERVER_H
#define TINYDOCK_HTTP_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "http-message.h"

/* One request and its response, handed to the handler. */
struct http_exchange;

typedef void (*http_handler)(struct http_exchange *ex, void *ctx);

struct http_server_config {
	const char *addr;          /* "127.0.0.1:5000" (the default), "0.0.0.0:5000", "[::1]:0" ... */
	unsigned max_connections;  /* connections served at once (0: 64); when all are taken, the
				    * longest idle one is closed to make room, else more wait in the backlog */
	int head_timeout_ms;       /* a request head must arrive whole within this (0: 10 s) */
	int idle_timeout_ms;       /* silence allowed between requests and within a body (0: 30 s) */
	int body_timeout_ms;       /* a request body must arrive whole within this ... (0: 60 s) */
	unsigned min_body_rate;    /* ... plus one second for every min_body_rate bytes (0: 16 KiB) */
	struct http_limits limits; /* all zero: http_default_limits */
	http_handler handler;
	void *handler_ctx;
	/* One line per request and per refused connection; NULL: printed on stderr. */
	void (*log)(void *ctx, const char *line);
	void *log_ctx;
};

struct http_server;

/* Bind and listen (printed under --explain); NULL with an error message on failure. */
struct http_server *http_server_open(const struct http_server_config *config);

/* The port actually bound (useful with port 0: the kernel picks a free one). */
int http_server_port(const struct http_server *s);

/* Accept and serve connections until http_server_stop(); returns 0, or -1 on a fatal error. */
int http_server_run(struct http_server *s);

/* Ask run() to return; safe from a signal handler or another thread. */
void http_server_stop(struct http_server *s);

/* After run() returned: close live connections, wait for their threads, free everything. */
void http_server_close(struct http_server *s);

/* --- for handlers --------------------------------------------------------------------- */

const struct http_message *http_exchange_request(const struct http_exchange *ex);

/* The peer's address, "127.0.0.1:43210". */
const char *http_exchange_peer(const struct http_exchange *ex);

/* Read the request body in pieces: >0 bytes, 0 at its end, -1 on error or timeout. A request
 * with "Expect: 100-continue" gets its "100 Continue" on the first read, so a handler that
 * refuses a request before reading its body spares the client from sending it. */
ssize_t http_exchange_read(struct http_exchange *ex, void *buf, size_t size);

/* Send the head (built with http_head_response() and http_head_field(), not finished):
 * content_length >= 0 is sent as Content-Length, < 0 means a chunked body. For a HEAD
 * request the framing is announced but no body bytes go out. */
int http_exchange_send_head(struct http_exchange *ex, struct http_head *head, int64_t content_length);

/* Body bytes, framed as announced. */
int http_exchange_write(struct http_exchange *ex, const void *data, size_t size);
int http_exchange_send_file(struct http_exchange *ex, int fd, off_t offset, uint64_t count);

/* A whole small response in one call: status, optional Content-Type, body (may be NULL). */
int http_exchange_reply(struct http_exchange *ex, int status, const char *content_type, const void *body,
			size_t size);

/* Add a line to the server's log, after the peer's address (a handler's reason for a 500). */
void http_exchange_log(struct http_exchange *ex, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Close the connection after this response instead of keeping it alive. */
void http_exchange_close_after(struct http_exchange *ex);

/* For a handler that streams a response for a long time (server-sent events): true once the
 * client has closed the connection, or the server is closing, so the handler should stop.
 * Does not wait. A client that only sends more bytes (a next request) has not closed. */
bool http_exchange_peer_closed(struct http_exchange *ex);

#endif
