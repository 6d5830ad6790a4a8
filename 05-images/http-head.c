/*
 * http-head.c - writing the head of an HTTP/1.1 request or response, and chunk lines.
 *
 * Lecture: "Docker Hub (for distributing containers)". What the parser reads, this
 * writes: a start line, "Name: value" lines, and the framing of the body, exactly one
 * of Content-Length (the size is known: a blob on disk) or Transfer-Encoding: chunked
 * (it is not: a stream), never both (see http-message.c for why both is dangerous).
 *
 * A value that holds CR or LF would end its line early and start a header line, or a
 * whole response, of the peer's choosing ("response splitting", CWE-113): values come
 * from requests (a tag, a digest), so the writer refuses them rather than trusting
 * every caller to have checked.
 *
 * Read next: http-server.c, which sends these heads.
 */
#include "http-message.h"
#include "error.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *http_reason_phrase(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 206: return "Partial Content";
	case 301: return "Moved Permanently";
	case 304: return "Not Modified";
	case 307: return "Temporary Redirect";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 416: return "Range Not Satisfiable";
	case 417: return "Expectation Failed";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}

static void append(struct http_head *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(struct http_head *h, const char *fmt, ...)
{
	if (h->failed)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(h->buf + h->len, sizeof(h->buf) - h->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(h->buf) - h->len)
		h->failed = true;
	else
		h->len += (size_t)n;
}

void http_head_response(struct http_head *h, int status)
{
	h->len = 0;
	h->failed = false;
	append(h, "HTTP/1.1 %d %s\r\n", status, http_reason_phrase(status));
}

void http_head_request(struct http_head *h, const char *method, const char *target, const char *host)
{
	h->len = 0;
	h->failed = false;
	for (const char *c = target; *c; c++)
		if ((unsigned char)*c <= 0x20 || *c == 0x7f)
			h->failed = true; /* a space would end the target; controls split the line */
	append(h, "%s %s HTTP/1.1\r\n", method, target);
	http_head_field(h, "Host", "%s", host);
}

void http_head_field(struct http_head *h, const char *name, const char *fmt, ...)
{
	if (h->failed)
		return;
	size_t start = h->len;
	append(h, "%s: ", name);
	size_t value_start = h->len;
	va_list ap;
	va_start(ap, fmt);
	int n = h->failed ? -1 : vsnprintf(h->buf + h->len, sizeof(h->buf) - h->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(h->buf) - h->len) {
		h->failed = true;
		return;
	}
	h->len += (size_t)n;
	for (size_t i = value_start; i < h->len; i++) {
		unsigned char c = (unsigned char)h->buf[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			h->len = start;
			h->failed = true;
			return;
		}
	}
	append(h, "\r\n");
}

long http_head_finish(struct http_head *h, int64_t content_length)
{
	/* 1xx and 204 responses MUST NOT carry framing fields (RFC 9110 sections 8.6 and 6.4.1);
	 * a 304's would describe the cached body, which we do not send. */
	bool bodiless = strncmp(h->buf, "HTTP/1.1 1", 10) == 0 || strncmp(h->buf, "HTTP/1.1 204 ", 13) == 0 ||
			strncmp(h->buf, "HTTP/1.1 304 ", 13) == 0;
	if (!bodiless && content_length >= 0)
		http_head_field(h, "Content-Length", "%" PRId64, content_length);
	else if (!bodiless)
		http_head_field(h, "Transfer-Encoding", "chunked");
	append(h, "\r\n");
	if (h->failed)
		return fail_errno(0, "cannot write an HTTP head: too long, or a value holds a line break");
	return (long)h->len;
}

size_t http_chunk_line(char out[24], size_t size)
{
	return (size_t)snprintf(out, 24, "%zx\r\n", size);
}
