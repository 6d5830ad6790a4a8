/*
 * http-message.c - parsing HTTP/1.1 messages, byte by byte, with bounds (RFC 9112).
 *
 * Lecture: "Docker Hub (for distributing containers)". A registry is a web server, and
 * everything `docker pull` does is HTTP/1.1 requests over one TCP connection. HTTP/1.1
 * is text: a start line, header lines, a blank line, then a body whose end is told by
 * the head, either by a byte count (Content-Length) or by chunks, each prefixed with
 * its size in hex (Transfer-Encoding: chunked):
 *
 *     PATCH /v2/shop/web/blobs/uploads/3f2a HTTP/1.1\r\n      start line
 *     Host: localhost:5000\r\n                                header lines
 *     Transfer-Encoding: chunked\r\n
 *     \r\n                                                    end of head
 *     5\r\nhello\r\n0\r\n\r\n                                 body: one chunk, last chunk
 *
 * The parser is a state machine over whatever bytes have arrived: TCP delivers a
 * stream, not messages, so a head may come one byte at a time (a slow client, or an
 * attacker) and two requests may come in one read (pipelining). Nothing here touches a
 * socket or a clock; http-server.c owns the timeouts.
 *
 * Why so strict. A parser that holds "whatever the client sends" can be made to hold
 * 10 GB: each line, the number of lines and the whole head are bounded, and the bound
 * is enforced while the bytes arrive, not after. And a parser that is lenient where
 * another is strict lets an attacker smuggle a request past a proxy: if a proxy frames
 * a body by Content-Length and we by Transfer-Encoding, the bytes one calls body the
 * other calls the next request (CVE-2019-18277 in HAProxy, CVE-2022-32213 in Node.js;
 * RFC 9112 section 11.2). So anything with two readings is refused: both
 * Content-Length and Transfer-Encoding, differing Content-Lengths, folded lines
 * (obs-fold), a CR that does not end a line, a LF without CR, whitespace before a colon.
 *
 * Read next: http-target.c (paths, queries, ranges), http-head.c (writing heads),
 * http-server.c (the parser on a socket).
 */
#include "http-message.h"
#include "error.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct http_limits http_default_limits = {
	.max_start_line = 8192,
	.max_field_line = 8192,
	.max_fields = 100,
	.max_head_bytes = 65536,
};

enum state {
	S_START_LINE,
	S_FIELDS,
	S_BODY_LENGTH,
	S_CHUNK_SIZE,
	S_CHUNK_DATA,
	S_CHUNK_DATA_END,
	S_TRAILERS,
	S_UNTIL_CLOSE,
	S_DONE,
	S_ERROR,
};

/* RFC 9110 section 5.6.2: the characters of a token (method names, field names). */
static bool is_tchar(unsigned char c)
{
	return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Field values may hold visible ASCII, SP, HTAB and obs-text (bytes >= 0x80); never NUL,
 * CR, LF or other controls (RFC 9110 section 5.5). */
static bool is_field_vchar(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static enum http_event fail_with(struct http_parser *p, int status, const char *reason)
{
	p->state = S_ERROR;
	p->error_status = status;
	p->error_reason = reason;
	return HTTP_ERROR;
}

int http_parser_init(struct http_parser *p, enum http_parser_kind kind, const struct http_limits *limits)
{
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->limits = limits ? *limits : http_default_limits;
	/* The head, plus room for one chunk-size or trailer line after it. */
	p->buf_size = p->limits.max_head_bytes + p->limits.max_field_line + 4;
	p->buf = malloc(p->buf_size);
	p->message.fields = calloc(p->limits.max_fields + 1, sizeof(struct http_field));
	if (!p->buf || !p->message.fields) {
		http_parser_free(p);
		return fail_errno(ENOMEM, "cannot allocate an HTTP parser");
	}
	http_parser_reset(p);
	return 0;
}

void http_parser_reset(struct http_parser *p)
{
	struct http_field *fields = p->message.fields;
	memset(&p->message, 0, sizeof(p->message));
	p->message.fields = fields;
	p->state = S_START_LINE;
	p->error_status = 0;
	p->error_reason = NULL;
	p->used = p->line_start = p->head_bytes = p->empty_lines = p->trailer_fields = 0;
	p->remaining = 0;
	p->started = false;
}

void http_parser_free(struct http_parser *p)
{
	free(p->buf);
	free(p->message.fields);
	p->buf = NULL;
	p->message.fields = NULL;
}

bool http_parser_idle(const struct http_parser *p)
{
	return p->state == S_START_LINE && !p->started;
}

const char *http_field_value(const struct http_message *m, const char *name)
{
	for (size_t i = 0; i < m->field_count; i++)
		if (strcasecmp(m->fields[i].name, name) == 0)
			return m->fields[i].value;
	return NULL;
}

/*
 * Collect one line into buf at line_start, from in[*pos..size). Returns 1 with the line
 * NUL-terminated in place of its CRLF, 0 when the input ran out first, -1 (error set) when
 * the line is longer than max_line or badly ended. The length is checked as bytes arrive,
 * so a 10 GB line is refused after max_line bytes, not after 10 GB.
 */
static int take_line(struct http_parser *p, const char *in, size_t size, size_t *pos, size_t max_line,
		     int over_status, const char *over_reason, bool in_head)
{
	const char *start = in + *pos;
	const char *lf = memchr(start, '\n', size - *pos);
	size_t n = lf ? (size_t)(lf - start) + 1 : size - *pos;
	size_t have = p->used - p->line_start;
	/* Without its LF, a line may hold max_line bytes and the CR that ends it. */
	size_t body_bytes = have + (lf ? n - 1 : n);
	if (body_bytes > max_line + 1) {
		fail_with(p, over_status, over_reason);
		return -1;
	}
	if (in_head && p->head_bytes + n > p->limits.max_head_bytes) {
		fail_with(p, 431, "header section too large");
		return -1;
	}
	if (n > 0)
		p->started = true;
	memcpy(p->buf + p->used, start, n);
	p->used += n;
	*pos += n;
	if (in_head)
		p->head_bytes += n;
	if (!lf)
		return 0;

	char *line = p->buf + p->line_start;
	size_t len = p->used - p->line_start; /* with CR LF */
	/* RFC 9112 section 2.2: a recipient MAY accept a bare LF; we do not, since a peer that
	 * ends lines with LF is one that another parser would read differently. */
	if (len < 2 || line[len - 2] != '\r') {
		fail_with(p, 400, "line ends with LF without CR");
		return -1;
	}
	/* "A sender MUST NOT generate a bare CR ... a recipient ... MUST consider it invalid". */
	if (memchr(line, '\r', len - 2)) {
		fail_with(p, 400, "bare CR inside a line");
		return -1;
	}
	/* A NUL would end the C string early: what we check would not be what we got. */
	if (memchr(line, '\0', len - 2)) {
		fail_with(p, 400, "NUL byte inside a line");
		return -1;
	}
	line[len - 2] = '\0';
	p->used -= 1; /* keep the NUL, drop the LF */
	return 1;
}

/* "HTTP/1.1" and "HTTP/1.0" are spoken; another HTTP/x.y is answered 505, anything else 400. */
static int parse_version(struct http_parser *p, const char *v, size_t len)
{
	if (len == 8 && memcmp(v, "HTTP/1.", 7) == 0 && (v[7] == '0' || v[7] == '1')) {
		p->message.minor_version = v[7] - '0';
		return 0;
	}
	if (len == 8 && memcmp(v, "HTTP/", 5) == 0 && isdigit((unsigned char)v[5]) && v[6] == '.' &&
	    isdigit((unsigned char)v[7])) {
		fail_with(p, 505, "HTTP version not supported");
		return -1;
	}
	fail_with(p, 400, "malformed HTTP version");
	return -1;
}

/* request-line = method SP request-target SP HTTP-version (RFC 9112 section 3), one SP each. */
static int parse_request_line(struct http_parser *p, char *line)
{
	char *sp1 = line;
	while (is_tchar((unsigned char)*sp1))
		sp1++;
	if (sp1 == line || *sp1 != ' ')
		return fail_with(p, 400, "malformed method"), -1;
	char *target = sp1 + 1;
	char *sp2 = target;
	while ((unsigned char)*sp2 > 0x20 && (unsigned char)*sp2 < 0x7f)
		sp2++;
	if (sp2 == target || *sp2 != ' ')
		return fail_with(p, 400, "malformed request target"), -1;
	char *version = sp2 + 1;
	if (parse_version(p, version, strlen(version)) < 0)
		return -1;
	*sp1 = *sp2 = '\0';
	p->message.method = line;
	p->message.target = target;
	return 0;
}

/* status-line = HTTP-version SP 3DIGIT SP [ reason-phrase ] (RFC 9112 section 4). */
static int parse_status_line(struct http_parser *p, char *line)
{
	char *sp = strchr(line, ' ');
	if (!sp)
		return fail_with(p, 502, "malformed status line"), -1;
	if (parse_version(p, line, (size_t)(sp - line)) < 0)
		return -1;
	char *code = sp + 1;
	if (!isdigit((unsigned char)code[0]) || !isdigit((unsigned char)code[1]) || !isdigit((unsigned char)code[2]) ||
	    (code[3] != ' ' && code[3] != '\0') || code[0] < '1' || code[0] > '5')
		return fail_with(p, 502, "malformed status code"), -1;
	p->message.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
	const char *reason = code[3] ? code + 4 : "";
	for (const char *c = reason; *c; c++)
		if (!is_field_vchar((unsigned char)*c))
			return fail_with(p, 502, "control byte in reason phrase"), -1;
	p->message.reason = reason;
	return 0;
}

/* field-line = field-name ":" OWS field-value OWS (RFC 9112 section 5). name/value may be NULL
 * (trailers are checked, then dropped). */
static int parse_field_line(struct http_parser *p, char *line, const char **name, const char **value)
{
	/* A line starting with a blank continues the previous one (obs-fold): RFC 9112 section 5.2
	 * lets a server reject it with 400, and we do, rather than guess how a proxy joined it. */
	if (line[0] == ' ' || line[0] == '\t')
		return fail_with(p, 400, "obsolete line folding"), -1;
	char *colon = line;
	while (is_tchar((unsigned char)*colon))
		colon++;
	if (colon == line)
		return fail_with(p, 400, "malformed field name"), -1;
	if (*colon != ':') /* "Content-Length : 5" is refused: section 5.1 says MUST reject */
		return fail_with(p, 400, *colon == ' ' || *colon == '\t' ? "whitespace before colon"
									: "malformed field name"), -1;
	*colon = '\0';
	char *v = colon + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	char *end = v + strlen(v);
	for (char *c = v; c < end; c++)
		if (!is_field_vchar((unsigned char)*c))
			return fail_with(p, 400, "control byte in field value"), -1;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
	if (name)
		*name = line;
	if (value)
		*value = v;
	return 0;
}

/* Call fn for each element of a comma-separated list in every field named name (RFC 9110
 * section 5.6.1); elements are trimmed, empty ones skipped. Stops early when fn returns != 0. */
static int each_list_element(const struct http_message *m, const char *name,
			     int (*fn)(const char *element, size_t len, void *ctx), void *ctx)
{
	for (size_t i = 0; i < m->field_count; i++) {
		if (strcasecmp(m->fields[i].name, name) != 0)
			continue;
		const char *s = m->fields[i].value;
		while (*s) {
			const char *comma = strchr(s, ',');
			const char *e = comma ? comma : s + strlen(s);
			const char *a = s, *b = e;
			while (a < b && (*a == ' ' || *a == '\t'))
				a++;
			while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
				b--;
			if (b > a) {
				int r = fn(a, (size_t)(b - a), ctx);
				if (r)
					return r;
			}
			s = comma ? comma + 1 : e;
		}
	}
	return 0;
}

struct connection_tokens {
	bool close, keep_alive;
};

static int see_connection_token(const char *e, size_t len, void *ctx)
{
	struct connection_tokens *t = ctx;
	if (len == 5 && strncasecmp(e, "close", 5) == 0)
		t->close = true;
	else if (len == 10 && strncasecmp(e, "keep-alive", 10) == 0)
		t->keep_alive = true;
	return 0;
}

struct codings {
	size_t count;
	bool last_is_chunked;
};

static int see_coding(const char *e, size_t len, void *ctx)
{
	struct codings *c = ctx;
	c->count++;
	c->last_is_chunked = len == 7 && strncasecmp(e, "chunked", 7) == 0;
	return 0;
}

struct lengths {
	size_t count;
	uint64_t value;
	int problem; /* 1: not a number, 2: differing values */
};

static int see_length(const char *e, size_t len, void *ctx)
{
	struct lengths *l = ctx;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)e[i]) || v > (UINT64_MAX / 2 - 9) / 10)
			return l->problem = 1;
		v = v * 10 + (uint64_t)(e[i] - '0');
	}
	if (l->count++ > 0 && v != l->value)
		return l->problem = 2;
	l->value = v;
	return 0;
}

static size_t count_fields(const struct http_message *m, const char *name)
{
	size_t n = 0;
	for (size_t i = 0; i < m->field_count; i++)
		n += strcasecmp(m->fields[i].name, name) == 0;
	return n;
}

/* The head is complete: decide how the body is framed and whether the connection persists
 * (RFC 9112 sections 6.3 and 9.3), refusing every head that could be read two ways. */
static int decide_framing(struct http_parser *p)
{
	struct http_message *m = &p->message;
	bool request = p->kind == HTTP_PARSE_REQUEST;
	int bad = request ? 400 : 502;

	struct connection_tokens conn = { 0 };
	each_list_element(m, "Connection", see_connection_token, &conn);
	m->keep_alive = !conn.close && (m->minor_version == 1 || conn.keep_alive);

	if (request && m->minor_version == 1 && count_fields(m, "Host") != 1)
		return fail_with(p, 400, "missing or repeated Host"), -1;

	if (request) {
		const char *expect = http_field_value(m, "Expect");
		if (expect) {
			if (strcasecmp(expect, "100-continue") != 0)
				return fail_with(p, 417, "unsupported expectation"), -1;
			m->expect_continue = m->minor_version == 1;
		}
	}

	bool has_te = count_fields(m, "Transfer-Encoding") > 0;
	bool has_cl = count_fields(m, "Content-Length") > 0;
	struct lengths cl = { 0 };
	if (has_cl) {
		each_list_element(m, "Content-Length", see_length, &cl);
		if (cl.problem == 2)
			return fail_with(p, bad, "differing Content-Length values"), -1;
		if (cl.problem || cl.count == 0)
			return fail_with(p, bad, "malformed Content-Length"), -1;
	}

	/* Responses to HEAD, and 1xx, 204 and 304 responses, never have a body, whatever they say. */
	if (!request && (p->head_request || m->status < 200 || m->status == 204 || m->status == 304)) {
		m->framing = HTTP_BODY_NONE;
		return 0;
	}
	if (has_te) {
		/* Section 6.1: HTTP/1.0 has no Transfer-Encoding; such a message's framing is faulty. */
		if (m->minor_version == 0)
			return fail_with(p, bad, "Transfer-Encoding in an HTTP/1.0 message"), -1;
		/* Section 6.1 lets TE override CL, "but such a message might indicate an attempt to
		 * perform request smuggling"; we refuse it outright. */
		if (has_cl)
			return fail_with(p, bad, "both Content-Length and Transfer-Encoding"), -1;
		struct codings codings = { 0 };
		each_list_element(m, "Transfer-Encoding", see_coding, &codings);
		if (codings.count == 1 && codings.last_is_chunked) {
			m->framing = HTTP_BODY_CHUNKED;
			return 0;
		}
		if (!codings.last_is_chunked)
			return fail_with(p, bad, "chunked is not the final transfer coding"), -1;
		return fail_with(p, request ? 501 : 502, "transfer coding not supported"), -1;
	}
	if (has_cl) {
		m->framing = HTTP_BODY_LENGTH;
		m->content_length = cl.value;
		return 0;
	}
	if (request) {
		m->framing = HTTP_BODY_NONE;
	} else {
		m->framing = HTTP_BODY_UNTIL_CLOSE;
		m->keep_alive = false;
	}
	return 0;
}

static void enter_body(struct http_parser *p)
{
	switch (p->message.framing) {
	case HTTP_BODY_NONE:
		p->state = S_DONE;
		break;
	case HTTP_BODY_LENGTH:
		p->state = S_BODY_LENGTH;
		p->remaining = p->message.content_length;
		break;
	case HTTP_BODY_CHUNKED:
		p->state = S_CHUNK_SIZE;
		break;
	case HTTP_BODY_UNTIL_CLOSE:
		p->state = S_UNTIL_CLOSE;
		break;
	}
	/* Chunk-size and trailer lines reuse the space after the head. */
	p->line_start = p->used;
}

/* chunk = chunk-size [ chunk-ext ] CRLF (RFC 9112 section 7.1); extensions are ignored. */
static int parse_chunk_size(struct http_parser *p, const char *line)
{
	uint64_t size = 0;
	const char *c = line;
	for (; isxdigit((unsigned char)*c); c++) {
		if (size >> 56) /* more than 2^60 bytes: no real chunk is that big */
			return fail_with(p, 400, "chunk size too large"), -1;
		size = size * 16 + (uint64_t)(isdigit((unsigned char)*c) ? *c - '0' : (tolower((unsigned char)*c) - 'a' + 10));
	}
	if (c == line)
		return fail_with(p, 400, "malformed chunk size"), -1;
	while (*c == ' ' || *c == '\t')
		c++;
	if (*c && *c != ';')
		return fail_with(p, 400, "malformed chunk size"), -1;
	for (; *c; c++)
		if (!is_field_vchar((unsigned char)*c))
			return fail_with(p, 400, "control byte in chunk extension"), -1;
	p->remaining = size;
	p->state = size ? S_CHUNK_DATA : S_TRAILERS;
	return 0;
}

/* Hand out up to p->remaining body bytes that are already in the input, without copying. */
static enum http_event give_body(struct http_parser *p, const char *in, size_t size, size_t *pos,
				 const char **body, size_t *body_size, bool until_close)
{
	size_t n = size - *pos;
	if (!until_close && n > p->remaining)
		n = (size_t)p->remaining;
	*body = in + *pos;
	*body_size = n;
	*pos += n;
	if (!until_close)
		p->remaining -= n;
	return HTTP_BODY;
}

enum http_event http_parse(struct http_parser *p, const char *in, size_t size, size_t *consumed,
			   const char **body, size_t *body_size)
{
	size_t pos = 0;
	enum http_event event = HTTP_NEED_MORE;
	*body = NULL;
	*body_size = 0;
	for (;;) {
		int r;
		switch ((enum state)p->state) {
		case S_START_LINE:
			r = take_line(p, in, size, &pos, p->limits.max_start_line, p->kind == HTTP_PARSE_REQUEST ? 414 : 502,
				      p->kind == HTTP_PARSE_REQUEST ? "request line too long" : "status line too long", true);
			if (r <= 0)
				goto out;
			if (p->buf[p->line_start] == '\0' && p->kind == HTTP_PARSE_REQUEST) {
				/* Section 2.2: a server SHOULD ignore at least one empty line before a request. */
				if (++p->empty_lines > 4) {
					event = fail_with(p, 400, "too many empty lines before the request");
					goto out;
				}
				p->used = p->line_start;
				continue;
			}
			r = p->kind == HTTP_PARSE_REQUEST ? parse_request_line(p, p->buf + p->line_start)
							  : parse_status_line(p, p->buf + p->line_start);
			if (r < 0)
				goto out;
			p->line_start = p->used;
			p->state = S_FIELDS;
			continue;
		case S_FIELDS:
			r = take_line(p, in, size, &pos, p->limits.max_field_line, 431, "header line too long", true);
			if (r <= 0)
				goto out;
			if (p->buf[p->line_start] == '\0') {
				if (decide_framing(p) < 0)
					goto out;
				enter_body(p);
				event = HTTP_HEAD;
				goto out;
			}
			if (p->message.field_count == p->limits.max_fields) {
				event = fail_with(p, 431, "too many header fields");
				goto out;
			}
			struct http_field *f = &p->message.fields[p->message.field_count];
			if (parse_field_line(p, p->buf + p->line_start, &f->name, &f->value) < 0)
				goto out;
			p->message.field_count++;
			p->line_start = p->used;
			continue;
		case S_BODY_LENGTH:
		case S_CHUNK_DATA:
			if (p->remaining == 0) {
				p->state = p->state == S_BODY_LENGTH ? S_DONE : S_CHUNK_DATA_END;
				continue;
			}
			if (pos == size)
				goto out;
			event = give_body(p, in, size, &pos, body, body_size, false);
			goto out;
		case S_UNTIL_CLOSE:
			if (pos < size)
				event = give_body(p, in, size, &pos, body, body_size, true);
			goto out;
		case S_CHUNK_SIZE:
			r = take_line(p, in, size, &pos, p->limits.max_field_line, 400, "chunk size line too long", false);
			if (r <= 0)
				goto out;
			if (parse_chunk_size(p, p->buf + p->line_start) < 0)
				goto out;
			p->used = p->line_start;
			continue;
		case S_CHUNK_DATA_END:
			r = take_line(p, in, size, &pos, 0, 400, "chunk data longer than its size", false);
			if (r <= 0)
				goto out;
			p->used = p->line_start;
			p->state = S_CHUNK_SIZE;
			continue;
		case S_TRAILERS:
			r = take_line(p, in, size, &pos, p->limits.max_field_line, 431, "trailer line too long", false);
			if (r <= 0)
				goto out;
			if (p->buf[p->line_start] == '\0') {
				p->state = S_DONE;
				continue;
			}
			/* Trailers are checked like header lines, counted against the same limit, and
			 * dropped: nothing here needs them, and merging them into the head is how
			 * a trailer could override a header that was already acted on. */
			if (++p->trailer_fields + p->message.field_count > p->limits.max_fields) {
				event = fail_with(p, 431, "too many trailer fields");
				goto out;
			}
			if (parse_field_line(p, p->buf + p->line_start, NULL, NULL) < 0)
				goto out;
			p->used = p->line_start;
			continue;
		case S_DONE:
			event = HTTP_DONE;
			goto out;
		case S_ERROR:
			event = HTTP_ERROR;
			goto out;
		}
	}
out:
	if (p->state == S_ERROR)
		event = HTTP_ERROR;
	*consumed = pos;
	return event;
}

enum http_event http_parse_eof(struct http_parser *p)
{
	if (p->state == S_UNTIL_CLOSE || p->state == S_DONE || http_parser_idle(p)) {
		if (p->state == S_UNTIL_CLOSE)
			p->state = S_DONE;
		return HTTP_DONE;
	}
	if (p->state != S_ERROR)
		fail_with(p, 400, "connection closed in the middle of a message");
	return HTTP_ERROR;
}
