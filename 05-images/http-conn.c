/*
 * http-conn.c - an HTTP/1.1 connection: the socket side of the parser, shared by server and client.
 *
 * Lecture: "Docker Hub (for distributing containers)". Between `docker pull` and the
 * registry there is one TCP connection carrying request after request (keep-alive).
 * This file moves bytes between that socket and http-message.c's parser:
 *
 *   - every read waits with poll(2) until a deadline, so a peer that goes quiet is
 *     dropped instead of holding a thread forever; writes get the same bound from
 *     SO_SNDTIMEO (socket(7)). A deadline per read is not enough against a peer that
 *     trickles a byte now and then ("slowloris"): each read is recent, the message never
 *     ends. So a whole body gets a deadline too, moved on as its bytes arrive at a
 *     minimum rate (the idea of Apache's mod_reqtimeout, written after slowloris);
 *   - the parser is fed at most as many bytes as the caller can take, so a body is
 *     read in pieces of the caller's size and never held whole in memory (a layer may
 *     be gigabytes; 50 clients pulling one must not cost 50 copies of it);
 *   - a body is written with exactly the framing its head announced: chunks, or
 *     Content-Length bytes, no more (a byte more would be read as the next message).
 *
 * Read next: http-server.c (accepting connections) and http-client.c (making them).
 */
#include "http-conn.h"
#include "error.h"
#include "files.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static int write_to_fd(struct byte_sink *sink, const void *data, size_t size)
{
	struct fd_sink *s = (struct fd_sink *)sink;
	return write_all(s->fd, data, size);
}

void fd_sink_init(struct fd_sink *s, int fd)
{
	s->sink.write = write_to_fd;
	s->fd = fd;
}

int64_t http_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int http_conn_init(struct http_conn *c, int fd, enum http_parser_kind kind, const struct http_limits *limits,
		   int timeout_ms)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->timeout_ms = timeout_ms;
	if (http_parser_init(&c->parser, kind, limits) < 0) {
		c->fd = -1;
		return -1;
	}
	/* A send that makes no progress for timeout_ms fails with EAGAIN instead of blocking. */
	struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return 0;
}

void http_conn_free(struct http_conn *c)
{
	http_parser_free(&c->parser);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* recv(2) into buf, waiting until deadline_ms at most: >0 bytes, 0 when the peer closed, -1 on
 * a timeout or an error. The recv is tried first: when data is waiting, as it is during a long
 * transfer, that saves the poll(2). */
static ssize_t recv_within(struct http_conn *c, void *buf, size_t size, int64_t deadline_ms)
{
	for (;;) {
		ssize_t n = recv(c->fd, buf, size, MSG_DONTWAIT);
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return fail_sys("cannot receive from socket %d", c->fd);
		int64_t left = deadline_ms - http_now_ms();
		if (left <= 0)
			return fail_errno(ETIMEDOUT, "no data from the peer in time");
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		int r = poll(&pfd, 1, (int)(left > 60000 ? 60000 : left));
		if (r < 0 && errno != EINTR)
			return fail_sys("cannot wait for data on socket %d", c->fd);
	}
}

int http_conn_fill(struct http_conn *c, int64_t deadline_ms)
{
	if (c->in_start > 0) { /* keep the unconsumed bytes at the front */
		memmove(c->in, c->in + c->in_start, c->in_len);
		c->in_start = 0;
	}
	if (c->in_len == sizeof(c->in))
		return fail_errno(ENOBUFS, "HTTP input buffer is full");
	ssize_t n = recv_within(c, c->in + c->in_len, sizeof(c->in) - c->in_len, deadline_ms);
	if (n < 0)
		return -1;
	if (n == 0) {
		c->eof = true;
		return 0;
	}
	c->in_len += (size_t)n;
	return 1;
}

/* Run the parser over at most max buffered bytes; consumed bytes leave the buffer. */
static enum http_event parse_buffered(struct http_conn *c, size_t max, const char **body, size_t *body_size)
{
	size_t used;
	size_t feed = c->in_len < max ? c->in_len : max;
	enum http_event e = http_parse(&c->parser, c->in + c->in_start, feed, &used, body, body_size);
	c->in_start += used;
	c->in_len -= used;
	if (c->in_len == 0)
		c->in_start = 0;
	if (e == HTTP_ERROR)
		fail_errno(0, "malformed HTTP message: %s", c->parser.error_reason);
	return e;
}

int http_conn_read_head(struct http_conn *c, int64_t deadline_ms)
{
	c->body_done = false;
	c->body_deadline_ms = 0;
	c->body_received = 0;
	for (;;) {
		const char *body;
		size_t body_size;
		enum http_event e = parse_buffered(c, SIZE_MAX, &body, &body_size);
		if (e == HTTP_HEAD)
			return 1;
		if (e == HTTP_ERROR)
			return -1;
		if (e != HTTP_NEED_MORE)
			return fail_errno(0, "HTTP parser out of step");
		if (c->eof) {
			if (http_parser_idle(&c->parser))
				return 0;
			http_parse_eof(&c->parser);
			return fail_errno(0, "connection closed in the middle of an HTTP head");
		}
		if (http_conn_fill(c, deadline_ms) < 0)
			return -1;
	}
}

void http_conn_limit_body(struct http_conn *c, int64_t deadline_ms, unsigned min_rate)
{
	c->body_deadline_ms = deadline_ms;
	c->body_min_rate = min_rate ? min_rate : 1;
	c->body_received = 0;
}

/* How long the next read of body bytes may wait: timeout_ms, but never past the body's own
 * deadline. */
static int64_t body_read_deadline(const struct http_conn *c)
{
	int64_t deadline = http_now_ms() + c->timeout_ms;
	if (c->body_deadline_ms) {
		uint64_t earned = c->body_received / c->body_min_rate * 1000;
		int64_t whole = c->body_deadline_ms + (int64_t)(earned < INT32_MAX ? earned : INT32_MAX);
		if (whole < deadline)
			deadline = whole;
	}
	return deadline;
}

ssize_t http_conn_read_body(struct http_conn *c, void *buf, size_t size)
{
	while (!c->body_done) {
		const char *body;
		size_t body_size;
		/* Never more input than the caller can take: body bytes <= input bytes. */
		enum http_event e = parse_buffered(c, size, &body, &body_size);
		if (e == HTTP_BODY) {
			memcpy(buf, body, body_size);
			c->body_received += body_size;
			return (ssize_t)body_size;
		}
		if (e == HTTP_DONE) {
			c->body_done = true;
			break;
		}
		if (e == HTTP_ERROR)
			return -1;
		if (e != HTTP_NEED_MORE)
			return fail_errno(0, "HTTP parser out of step");
		if (c->in_len > 0)
			continue;
		/* A long body with nothing buffered: receive straight into the caller's buffer, at
		 * most what the body (or the current chunk) has left, and let the parser count the
		 * bytes. One copy less, and a 64 KiB read instead of 16 KiB. */
		enum http_framing framing = c->parser.message.framing;
		if (!c->eof && c->parser.remaining > 0 && size >= 4096 &&
		    (framing == HTTP_BODY_LENGTH || framing == HTTP_BODY_CHUNKED)) {
			size_t want = c->parser.remaining < size ? (size_t)c->parser.remaining : size;
			ssize_t n = recv_within(c, buf, want, body_read_deadline(c));
			if (n < 0)
				return -1;
			if (n == 0) {
				c->eof = true;
				continue;
			}
			size_t used;
			enum http_event got = http_parse(&c->parser, buf, (size_t)n, &used, &body, &body_size);
			if (got != HTTP_BODY || used != (size_t)n || body != buf)
				return fail_errno(0, "HTTP parser out of step");
			c->body_received += (uint64_t)n;
			return n;
		}
		if (c->eof) {
			if (http_parse_eof(&c->parser) == HTTP_DONE) {
				c->body_done = true;
				break;
			}
			return fail_errno(0, "connection closed in the middle of an HTTP body");
		}
		if (http_conn_fill(c, body_read_deadline(c)) < 0)
			return -1;
	}
	return 0;
}

bool http_conn_body_finished(struct http_conn *c)
{
	if (!c->body_done) {
		const char *body;
		size_t body_size;
		if (parse_buffered(c, 0, &body, &body_size) == HTTP_DONE)
			c->body_done = true;
	}
	return c->body_done;
}

int http_conn_body_to_sink(struct http_conn *c, struct byte_sink *sink, uint64_t *total)
{
	char buf[65536];
	uint64_t sum = 0;
	for (;;) {
		ssize_t n = http_conn_read_body(c, buf, sizeof(buf));
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		if (sink->write(sink, buf, (size_t)n) < 0)
			return -1;
		sum += (uint64_t)n;
	}
	if (total)
		*total = sum;
	return 0;
}

/* sendmsg with MSG_NOSIGNAL: a peer that went away is an EPIPE error, not a SIGPIPE death. */
static int send_iov(struct http_conn *c, struct iovec *iov, int count)
{
	while (count > 0) {
		struct msghdr msg = { .msg_iov = iov, .msg_iovlen = (size_t)count };
		ssize_t n = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail_sys("cannot send on socket %d", c->fd);
		while (count > 0 && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			count--;
		}
		if (count > 0) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

int http_conn_send(struct http_conn *c, const void *data, size_t size)
{
	struct iovec iov = { .iov_base = (void *)data, .iov_len = size };
	return send_iov(c, &iov, 1);
}

int http_conn_send_head(struct http_conn *c, const struct http_head *h, int64_t content_length, bool no_body)
{
	c->out_chunked = content_length < 0 && !no_body;
	c->out_no_body = no_body;
	c->out_left = content_length > 0 && !no_body ? (uint64_t)content_length : 0;
	return http_conn_send(c, h->buf, h->len);
}

int http_conn_write_body(struct http_conn *c, const void *data, size_t size)
{
	if (c->out_no_body || size == 0)
		return 0; /* an empty chunk would be read as the end of the body */
	if (c->out_chunked) {
		char line[24];
		struct iovec iov[3] = {
			{ .iov_base = line, .iov_len = http_chunk_line(line, size) },
			{ .iov_base = (void *)data, .iov_len = size },
			{ .iov_base = (void *)"\r\n", .iov_len = 2 },
		};
		return send_iov(c, iov, 3);
	}
	if (size > c->out_left)
		return fail_errno(0, "more body bytes than the Content-Length that was announced");
	c->out_left -= size;
	return http_conn_send(c, data, size);
}

int http_conn_send_file(struct http_conn *c, int fd, off_t offset, uint64_t count)
{
	if (c->out_no_body || count == 0)
		return 0;
	if (c->out_chunked) {
		char line[24];
		if (http_conn_send(c, line, http_chunk_line(line, count)) < 0)
			return -1;
	} else if (count > c->out_left) {
		return fail_errno(0, "more body bytes than the Content-Length that was announced");
	}
	/* sendfile(2) has no MSG_NOSIGNAL: block SIGPIPE in this thread while it runs, and
	 * swallow the one it raised if the peer went away (the EPIPE says enough). */
	sigset_t pipe_set, old;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	/* TCP_CORK (tcp(7)) while the file goes out: full segments instead of one per page that
	 * TCP_NODELAY would push at once; uncorking sends the tail. */
	int on = 1, off = 0;
	setsockopt(c->fd, IPPROTO_TCP, TCP_CORK, &on, sizeof(on));
	int rc = 0;
	uint64_t left = count;
	while (left > 0) {
		size_t chunk = left > (1u << 30) ? (1u << 30) : (size_t)left;
		ssize_t n = sendfile(c->fd, fd, &offset, chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? errno : EIO;
			if (err == EPIPE) {
				struct timespec zero = { 0, 0 };
				sigtimedwait(&pipe_set, NULL, &zero);
			}
			rc = n < 0 ? fail_errno(err, "cannot send file to socket %d", c->fd)
				   : fail_errno(0, "file ended %llu bytes early while sending", (unsigned long long)left);
			break;
		}
		left -= (uint64_t)n;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_CORK, &off, sizeof(off));
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc < 0)
		return -1;
	if (c->out_chunked)
		return http_conn_send(c, "\r\n", 2);
	c->out_left -= count;
	return 0;
}

int http_conn_end_body(struct http_conn *c)
{
	if (c->out_chunked) {
		c->out_chunked = false;
		return http_conn_send(c, "0\r\n\r\n", 5);
	}
	if (c->out_left > 0)
		return fail_errno(0, "body ended %llu bytes before its Content-Length", (unsigned long long)c->out_left);
	return 0;
}

int http_split_host_port(const char *text, char *host, size_t host_size, char *port, size_t port_size)
{
	const char *colon;
	const char *h = text;
	size_t h_len;
	if (text[0] == '[') { /* "[::1]:5000": an IPv6 address holds colons of its own */
		const char *end = strchr(text, ']');
		if (!end || end[1] != ':')
			return -1;
		h = text + 1;
		h_len = (size_t)(end - h);
		colon = end + 1;
	} else {
		colon = strrchr(text, ':');
		if (!colon || memchr(text, ':', (size_t)(colon - text)))
			return -1;
		h_len = (size_t)(colon - text);
	}
	const char *p = colon + 1;
	size_t p_len = strlen(p);
	if (p_len == 0 || p_len > 5 || strspn(p, "0123456789") != p_len || h_len >= host_size || p_len >= port_size)
		return -1;
	if (atoi(p) > 65535)
		return -1;
	memcpy(host, h, h_len);
	host[h_len] = '\0';
	memcpy(port, p, p_len + 1);
	return 0;
}
