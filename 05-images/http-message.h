/*
 * http-message.h - HTTP/1.1 messages as bytes: an incremental parser and a head writer.
 *
 * Pure code: no sockets, no clock. Bytes go in, events come out, so every case (a
 * request split at any byte, two pipelined requests, a smuggling attempt) is a unit
 * test. http-server.c and http-client.c put sockets around it. See http-message.c for
 * the grammar (RFC 9112) and the reasons behind each refusal.
 */
#ifndef TINYDOCK_HTTP_MESSAGE_H
#define TINYDOCK_HTTP_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bounds on a message head. Whatever a peer sends, the parser holds at most
 * max_head_bytes of it; past a bound it stops and says which status to answer. */
struct http_limits {
	size_t max_start_line;  /* request line or status line; over it: 414 URI Too Long */
	size_t max_field_line;  /* one header line; over it: 431 */
	size_t max_fields;      /* number of header lines (trailers included); over it: 431 */
	size_t max_head_bytes;  /* start line + all header lines; over it: 431 */
};

/* 8 KiB lines, 100 fields, 64 KiB in all: what nginx and Go's net/http allow, roughly. */
extern const struct http_limits http_default_limits;

struct http_field {
	const char *name;  /* as sent; compare with strcasecmp (names are case-insensitive) */
	const char *value; /* leading and trailing blanks removed */
};

/* How the body of a message is delimited (RFC 9112 section 6.3). */
enum http_framing {
	HTTP_BODY_NONE,        /* no body: most requests, HEAD responses, 1xx, 204, 304 */
	HTTP_BODY_LENGTH,      /* Content-Length bytes */
	HTTP_BODY_CHUNKED,     /* Transfer-Encoding: chunked */
	HTTP_BODY_UNTIL_CLOSE, /* a response without either: the body ends when the server closes */
};

/* A parsed head. Strings point into the parser's buffer and live until the next reset. */
struct http_message {
	const char *method;   /* request: "GET", ... */
	const char *target;   /* request: "/v2/x/manifests/1.0?n=1", raw (not decoded) */
	int status;           /* response: 200, ... */
	const char *reason;   /* response: "OK" */
	int minor_version;    /* the x of HTTP/1.x (0 or 1) */
	struct http_field *fields;
	size_t field_count;
	enum http_framing framing;
	uint64_t content_length; /* for HTTP_BODY_LENGTH */
	bool keep_alive;         /* the connection may carry another message after this one */
	bool expect_continue;    /* request: "Expect: 100-continue" */
};

enum http_parser_kind { HTTP_PARSE_REQUEST, HTTP_PARSE_RESPONSE };

/* What http_parse() found. */
enum http_event {
	HTTP_NEED_MORE, /* all input consumed; feed more bytes */
	HTTP_HEAD,      /* the head is complete: read parser.message */
	HTTP_BODY,      /* *body, *body_size: decoded body bytes (they point into the input) */
	HTTP_DONE,      /* the message is complete; http_parser_reset() for the next one */
	HTTP_ERROR,     /* malformed or over a limit: see error_status and error_reason */
};

struct http_parser {
	enum http_parser_kind kind;
	struct http_limits limits;
	struct http_message message;
	bool head_request;      /* response parser: the request was HEAD, so no body follows */
	int error_status;       /* after HTTP_ERROR: 400, 413, 414, 431, 501 or 505 */
	const char *error_reason; /* after HTTP_ERROR: a fixed phrase for logs and tests */
	/* private */
	int state;
	char *buf;              /* the head's lines, then room for one chunk or trailer line */
	size_t buf_size;
	size_t used;            /* bytes of buf in use */
	size_t line_start;      /* where the line being read begins in buf */
	size_t head_bytes;      /* bytes of the head received so far, CRLFs included */
	size_t empty_lines;     /* empty lines before a request line (tolerated, bounded) */
	uint64_t remaining;     /* body bytes left (length framing) or in the current chunk */
	size_t trailer_fields;
	bool started;           /* some byte of this message has arrived */
};

/* Prepare a parser (allocates its head buffer); -1 on failure. limits may be NULL (defaults). */
int http_parser_init(struct http_parser *p, enum http_parser_kind kind, const struct http_limits *limits);

/* Forget the current message, keeping the buffer: for the next message on a connection. */
void http_parser_reset(struct http_parser *p);

void http_parser_free(struct http_parser *p);

/* Consume bytes from in[0..size) until something happens; *consumed says how many were used
 * (the rest belongs to a later call). For HTTP_BODY, *body and *body_size are set. */
enum http_event http_parse(struct http_parser *p, const char *in, size_t size, size_t *consumed,
			   const char **body, size_t *body_size);

/* The peer closed the connection: HTTP_DONE when that ends the message (until-close framing, or
 * nothing of a next message had arrived yet), HTTP_ERROR when the message was cut short. */
enum http_event http_parse_eof(struct http_parser *p);

/* True while the parser is between messages (nothing of the next one has arrived). */
bool http_parser_idle(const struct http_parser *p);

/* The first field of that name (case-insensitive), or NULL. */
const char *http_field_value(const struct http_message *m, const char *name);

/* --- pieces of a request target --------------------------------------------------------- */

/* Decode %XX escapes of in[0..size) into out (NUL-terminated); with plus_is_space, '+' is ' '
 * (query strings, application/x-www-form-urlencoded). -1 on a bad escape, %00 or no room. */
int http_percent_decode(const char *in, size_t size, bool plus_is_space, char *out, size_t out_size);

/* Split a target into its decoded path and its raw query (after '?', "" when none). An
 * absolute-form target ("http://host/path") is reduced to its path. -1 when malformed. */
int http_split_target(const char *target, char *path, size_t path_size, const char **query);

/* The request target to send for a Location a server answered with: "/v2/a/blobs/uploads/1?_state=x"
 * as it is, or the same after "http://host:port" (the spec allows both). NULL when neither. */
const char *http_location_target(const char *location);

/* Find key in a raw query "a=1&b=2" and decode its value into out: 1 found, 0 absent,
 * -1 malformed or too long. A key without '=' has the value "". */
int http_query_get(const char *query, const char *key, char *out, size_t out_size);

/* --- ranges ------------------------------------------------------------------------------- */

enum http_range_result {
	HTTP_RANGE_WHOLE,         /* no usable Range: send the whole body with 200 */
	HTTP_RANGE_PARTIAL,       /* send bytes first..last (inclusive) with 206 */
	HTTP_RANGE_UNSATISFIABLE, /* 416 with "Content-Range: bytes * / size" */
};

/* Interpret a Range header ("bytes=0-99", "bytes=100-", "bytes=-100") against a body of size
 * bytes (RFC 9110 section 14). value may be NULL. Multiple ranges are answered whole. */
enum http_range_result http_parse_range(const char *value, uint64_t size, uint64_t *first, uint64_t *last);

/* Parse a Content-Range of an upload chunk: "N-M" (OCI distribution spec) or "bytes N-M/L|*". */
int http_parse_content_range(const char *value, uint64_t *first, uint64_t *last);

/* --- writing heads ------------------------------------------------------------------------ */

/* A head being written: start line, then fields, then the blank line. */
struct http_head {
	char buf[8192];
	size_t len;
	bool failed; /* too long, or a value with CR, LF or NUL (response splitting) */
};

/* Start "HTTP/1.1 404 Not Found\r\n". */
void http_head_response(struct http_head *h, int status);

/* Start "GET /v2/ HTTP/1.1\r\nHost: host\r\n". */
void http_head_request(struct http_head *h, const char *method, const char *target, const char *host);

/* Add "Name: value\r\n"; a value with CR, LF or other control bytes fails the head. */
void http_head_field(struct http_head *h, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Add the framing field ("Content-Length: N", or "Transfer-Encoding: chunked" when length < 0)
 * and the blank line. Returns the head's length, or -1 (and an error message) if it failed. */
long http_head_finish(struct http_head *h, int64_t content_length);

/* The chunk-size line of a chunk of size bytes: "1f4\r\n"; returns its length. */
size_t http_chunk_line(char out[24], size_t size);

/* "OK", "Not Found", ... ("Unknown" for a status we never send). */
const char *http_reason_phrase(int status);

#endif
