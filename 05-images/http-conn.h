/*
 * http-conn.h - one HTTP/1.1 connection: a socket, a parser, and the bytes between them.
 *
 * What the server (http-server.c) and the client (http-client.c) share: reading with a
 * timeout, handing received bytes to the parser, reading a body in pieces, and writing
 * a body framed by Content-Length or by chunks.
 */
#ifndef TINYDOCK_HTTP_CONN_H
#define TINYDOCK_HTTP_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "http-message.h"

/* Where body bytes go: a file, a pipe, or a filter in front of one. A digest check is a sink
 * that hashes what it is given (sha256.h) and passes it on, so a download is verified while
 * it streams, without a second read. write returns 0, or -1 with an error message. */
struct byte_sink {
	int (*write)(struct byte_sink *sink, const void *data, size_t size);
};

/* The simplest sink: write_all() to a file descriptor. */
struct fd_sink {
	struct byte_sink sink;
	int fd;
};
void fd_sink_init(struct fd_sink *s, int fd);

struct http_conn {
	int fd;
	int timeout_ms;          /* for each read and write; a peer silent for longer is dropped */
	struct http_parser parser;
	char in[16384];          /* received bytes the parser has not consumed yet */
	size_t in_start, in_len;
	bool eof;                /* the peer closed its side */
	bool body_done;          /* the incoming message's body has been read to its end */
	bool out_chunked;        /* the outgoing message is framed by chunks */
	bool out_no_body;        /* the outgoing message has no body (a response to HEAD) */
	uint64_t out_left;       /* Content-Length bytes still to send */
	/* A deadline for the whole incoming body (0: none, only timeout_ms per read): it must be
	 * in by body_deadline_ms, plus a second for every body_min_rate bytes received. */
	int64_t body_deadline_ms;
	unsigned body_min_rate;
	uint64_t body_received;
};

/* Take over fd (closed by http_conn_free); -1 if the parser cannot be allocated. */
int http_conn_init(struct http_conn *c, int fd, enum http_parser_kind kind, const struct http_limits *limits,
		   int timeout_ms);
void http_conn_free(struct http_conn *c);

/* Milliseconds on the monotonic clock, for deadlines. */
int64_t http_now_ms(void);

/* Receive more bytes, waiting until deadline_ms at most (http_now_ms() time). 1: got some,
 * 0: the peer closed, -1: timeout (errno ETIMEDOUT) or error, with a message. */
int http_conn_fill(struct http_conn *c, int64_t deadline_ms);

/* Read until the parser has a head: 1 with c->parser.message ready, 0 when the peer closed
 * between messages, -1 on a timeout, an error, or a malformed head (parser.error_status set). */
int http_conn_read_head(struct http_conn *c, int64_t deadline_ms);

/* Give the body that follows the head just read a deadline: deadline_ms (http_now_ms() time),
 * moved on by a second for every min_rate bytes that arrive. A body trickled a byte at a
 * time then fails with ETIMEDOUT at the deadline, however recent its last byte; a large
 * body sent at min_rate or faster is never cut off. */
void http_conn_limit_body(struct http_conn *c, int64_t deadline_ms, unsigned min_rate);

/* Read up to size body bytes: >0 bytes, 0 at the end of the body, -1 on error (ETIMEDOUT when
 * a read or the body's deadline ran out). */
ssize_t http_conn_read_body(struct http_conn *c, void *buf, size_t size);

/* True when the incoming body has been read to its end (a message without a body is at its
 * end at once); does not wait for bytes. */
bool http_conn_body_finished(struct http_conn *c);

/* Stream the rest of the body into sink; *total (may be NULL) gets the byte count. */
int http_conn_body_to_sink(struct http_conn *c, struct byte_sink *sink, uint64_t *total);

/* Send bytes as they are (heads); -1 on error. */
int http_conn_send(struct http_conn *c, const void *data, size_t size);

/* Send a finished head and prepare body framing: content_length < 0 means chunked. */
int http_conn_send_head(struct http_conn *c, const struct http_head *h, int64_t content_length, bool no_body);

/* Send body bytes, framed as the head said (dropped for a response to HEAD). */
int http_conn_write_body(struct http_conn *c, const void *data, size_t size);

/* Send count bytes of a file from offset with sendfile(2): the kernel copies page cache to
 * socket, the bytes never pass through our memory. */
int http_conn_send_file(struct http_conn *c, int fd, off_t offset, uint64_t count);

/* End the body: the last chunk of a chunked body; for Content-Length, check all was sent. */
int http_conn_end_body(struct http_conn *c);

/* Split "host:port", "[v6]:port" or ":port" (host "" then); -1 when malformed. */
int http_split_host_port(const char *text, char *host, size_t host_size, char *port, size_t port_size);

#endif
