/*
 * http-client.c - the client side of HTTP/1.1: what `tinydock pull` and `push` speak.
 *
 * Lecture: "Docker Hub (for distributing containers)". A pull is a conversation on one
 * connection: GET /v2/, GET the manifest, GET each blob that is missing. The client
 * opens the connection once (connect(2), with a timeout: a registry that does not
 * answer must not hang `pull` forever), then sends request after request on it while
 * the server keeps it alive, reading each response to its end before the next request,
 * since the next response starts exactly where this one's body ends.
 *
 * A response body is streamed to a byte_sink (http-conn.h) piece by piece: a layer of
 * a gigabyte passes through a 64 KiB buffer. The sink is where a digest check plugs in
 * (sha256.h): it hashes each piece on its way to the file, and the download is
 * accepted only if the hash matches the digest it was asked by.
 *
 * Read next: registry.md, the lesson that puts these requests in order.
 */
#include "http-client.h"
#include "error.h"
#include "explain.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char CHAPTER[] = "05-images";

/* connect(2) on a non-blocking socket, then wait for it with poll(2): the only way to give
 * a connection attempt a time limit (connect(2), EINPROGRESS). */
static int connect_within(const struct addrinfo *a, int timeout_ms, const char *where)
{
	int fd = socket(a->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return fail_sys("cannot connect to %s: socket", where);
	int rc = connect(fd, a->ai_addr, a->ai_addrlen);
	if (rc < 0 && errno == EINPROGRESS) {
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		int r;
		do
			r = poll(&pfd, 1, timeout_ms);
		while (r < 0 && errno == EINTR);
		int err = 0;
		socklen_t len = sizeof(err);
		if (r == 0)
			err = ETIMEDOUT;
		else if (r < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		errno = err;
		rc = err ? -1 : 0;
	}
	explain_result(CHAPTER, rc, "connect(%d, %s)", fd, where);
	if (rc < 0) {
		fail_sys("cannot connect to %s", where);
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

int http_client_connect(struct http_client *c, const char *host_port, int timeout_ms)
{
	memset(c, 0, sizeof(*c));
	c->conn.fd = -1;
	char host[256], port[8];
	if (http_split_host_port(host_port, host, sizeof(host), port, sizeof(port)) < 0 || !host[0])
		return fail_errno(0, "cannot connect to \"%s\": expected HOST:PORT", host_port);
	snprintf(c->host, sizeof(c->host), "%s", host_port);
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };
	struct addrinfo *found;
	int rc = getaddrinfo(host, port, &hints, &found);
	if (rc != 0)
		return fail_errno(0, "cannot connect to \"%s\": %s", host_port, gai_strerror(rc));
	int fd = -1;
	/* "localhost" may resolve to ::1 and 127.0.0.1: try each address in turn. */
	for (struct addrinfo *a = found; a && fd < 0; a = a->ai_next)
		fd = connect_within(a, timeout_ms, host_port);
	freeaddrinfo(found);
	if (fd < 0)
		return -1;
	if (http_conn_init(&c->conn, fd, HTTP_PARSE_RESPONSE, NULL, timeout_ms) < 0) {
		close(fd);
		return -1;
	}
	return 0;
}

void http_client_close(struct http_client *c)
{
	if (c->conn.fd >= 0)
		http_conn_free(&c->conn);
}

void http_client_start(struct http_client *c, struct http_head *head, const char *method, const char *target)
{
	c->head_request = strcmp(method, "HEAD") == 0;
	http_head_request(head, method, target, c->host);
}

int http_client_send_head(struct http_client *c, struct http_head *head, int64_t content_length)
{
	if (http_head_finish(head, content_length) < 0)
		return -1;
	return http_conn_send_head(&c->conn, head, content_length, false);
}

int http_client_write(struct http_client *c, const void *data, size_t size)
{
	return http_conn_write_body(&c->conn, data, size);
}

int http_client_send_file(struct http_client *c, int fd, off_t offset, uint64_t count)
{
	return http_conn_send_file(&c->conn, fd, offset, count);
}

int http_client_end_request(struct http_client *c)
{
	return http_conn_end_body(&c->conn);
}

int http_client_read_response(struct http_client *c, const struct http_message **response)
{
	for (int interim = 0; interim < 10; interim++) {
		http_parser_reset(&c->conn.parser);
		c->conn.parser.head_request = c->head_request;
		int r = http_conn_read_head(&c->conn, http_now_ms() + c->conn.timeout_ms);
		if (r == 0)
			return fail_errno(0, "%s closed the connection without a response", c->host);
		if (r < 0)
			return fail_context("reading the response from %s", c->host);
		if (c->conn.parser.message.status >= 200) {
			*response = &c->conn.parser.message;
			return 0;
		}
		/* "100 Continue" and other interim responses precede the real one (RFC 9110 15.2). */
	}
	return fail_errno(0, "%s sent too many interim responses", c->host);
}

ssize_t http_client_read(struct http_client *c, void *buf, size_t size)
{
	return http_conn_read_body(&c->conn, buf, size);
}

int http_client_body_to_sink(struct http_client *c, struct byte_sink *sink, uint64_t *total)
{
	return http_conn_body_to_sink(&c->conn, sink, total);
}

bool http_client_reusable(struct http_client *c)
{
	return c->conn.fd >= 0 && c->conn.parser.message.keep_alive && http_conn_body_finished(&c->conn) &&
	       !c->conn.eof;
}
