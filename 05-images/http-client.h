/*
 * http-client.h - an HTTP/1.1 client core: connect, send a request, stream the response.
 *
 * The registry client (push, pull) builds on it: one connection carries many requests.
 */
#ifndef TINYDOCK_HTTP_CLIENT_H
#define TINYDOCK_HTTP_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "http-conn.h"
#include "http-message.h"

struct http_client {
	struct http_conn conn;
	char host[300];    /* sent as Host: "localhost:5000" */
	bool head_request; /* the request in flight is HEAD: its response has no body */
};

/* Connect to "host:port" ("localhost:5000", "127.0.0.1:5000", "[::1]:5000") within timeout_ms,
 * which also bounds every later read and write. -1 with an error message on failure. */
int http_client_connect(struct http_client *c, const char *host_port, int timeout_ms);

void http_client_close(struct http_client *c);

/* Begin a request head ("METHOD target HTTP/1.1", Host); add fields with http_head_field(). */
void http_client_start(struct http_client *c, struct http_head *head, const char *method, const char *target);

/* Send the head: content_length >= 0 is sent as Content-Length, < 0 means a chunked body. */
int http_client_send_head(struct http_client *c, struct http_head *head, int64_t content_length);

/* Body bytes, framed as announced, and the end of the body. */
int http_client_write(struct http_client *c, const void *data, size_t size);
int http_client_send_file(struct http_client *c, int fd, off_t offset, uint64_t count);
int http_client_end_request(struct http_client *c);

/* Read the response head (interim 1xx responses are skipped); *response stays valid until
 * the next request. */
int http_client_read_response(struct http_client *c, const struct http_message **response);

/* Read the response body in pieces: >0 bytes, 0 at the end, -1 on error. */
ssize_t http_client_read(struct http_client *c, void *buf, size_t size);

/* Stream the rest of the response body into sink (a file, or a digest check in front of one). */
int http_client_body_to_sink(struct http_client *c, struct byte_sink *sink, uint64_t *total);

/* True when another request may be sent on this connection: the server keeps it alive and
 * the last response was read to its end. */
bool http_client_reusable(struct http_client *c);

#endif
