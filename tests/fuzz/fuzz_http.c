/*
 * fuzz_http.c - libFuzzer target for the HTTP/1.1 parser and the registry router (05-images).
 *
 * Whatever bytes arrive, the parser must neither crash nor read out of bounds nor hold
 * more than its limits, and must read the same events however the bytes are cut: the
 * input is parsed whole and again in pieces whose sizes come from the input itself, and
 * the two readings must agree. Every parsed request target also goes through the
 * registry's router, and every Range header through the range parser.
 *
 *     make fuzz                       (builds every tests/fuzz/fuzz_*.c)
 *     build/fuzz/fuzz_http -max_total_time=60
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http-message.h"
#include "reference.h"
#include "registry-routes.h"

/* A digest of the events: kinds, head fields, body bytes; enough to compare two readings. */
struct summary {
	uint64_t hash;
	size_t events;
};

static void mix(struct summary *s, const void *data, size_t size)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < size; i++)
		s->hash = (s->hash ^ p[i]) * 1099511628211u;
}

static void on_head(struct summary *s, const struct http_parser *p)
{
	const struct http_message *m = &p->message;
	if (p->kind == HTTP_PARSE_REQUEST) {
		mix(s, m->method, strlen(m->method));
		mix(s, m->target, strlen(m->target));
		struct registry_route route;
		registry_route(m->method, m->target, &route);
		uint64_t first, last;
		http_parse_range(http_field_value(m, "Range"), 1000, &first, &last);
	}
	for (size_t i = 0; i < m->field_count; i++) {
		mix(s, m->fields[i].name, strlen(m->fields[i].name));
		mix(s, m->fields[i].value, strlen(m->fields[i].value));
	}
	mix(s, &m->framing, sizeof(m->framing));
	mix(s, &m->content_length, sizeof(m->content_length));
}

/* Parse data in pieces of the given sizes (cycled); body bytes are mixed byte by byte so that
 * different cuts of one body give the same hash. */
static struct summary parse(enum http_parser_kind kind, const uint8_t *data, size_t size, const uint8_t *cuts,
			    size_t ncuts)
{
	struct summary s = { 1469598103934665603u, 0 };
	struct http_parser p;
	static const struct http_limits limits = { 256, 128, 8, 1024 };
	if (http_parser_init(&p, kind, &limits) < 0)
		abort();
	size_t at = 0, cut = 0;
	int failed = 0;
	while (at < size && !failed) {
		size_t n = ncuts ? (size_t)cuts[cut++ % ncuts] + 1 : size;
		if (n > size - at)
			n = size - at;
		size_t off = 0;
		while (!failed) {
			size_t used;
			const char *body;
			size_t body_size;
			enum http_event e = http_parse(&p, (const char *)data + at + off, n - off, &used, &body, &body_size);
			if (used > n - off)
				abort();
			off += used;
			if (e == HTTP_NEED_MORE) {
				if (off != n)
					abort();
				break;
			}
			s.events += e != HTTP_BODY;
			mix(&s, &e, e == HTTP_BODY ? 0 : sizeof(e));
			if (e == HTTP_HEAD)
				on_head(&s, &p);
			else if (e == HTTP_BODY)
				mix(&s, body, body_size);
			else if (e == HTTP_DONE)
				http_parser_reset(&p);
			else if (e == HTTP_ERROR)
				failed = p.error_status;
		}
		at += n;
	}
	mix(&s, &failed, sizeof(failed));
	http_parser_free(&p);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	/* First byte: which parser, and how many cut sizes follow (taken from the input's end). */
	enum http_parser_kind kind = data[0] & 1 ? HTTP_PARSE_RESPONSE : HTTP_PARSE_REQUEST;
	size_t ncuts = (size_t)(data[0] >> 1) % 8;
	data++, size--;
	if (ncuts > size)
		ncuts = size;
	const uint8_t *cuts = data + size - ncuts;
	size -= ncuts;
	struct summary whole = parse(kind, data, size, NULL, 0);
	struct summary pieces = parse(kind, data, size, cuts, ncuts);
	if (whole.hash != pieces.hash || whole.events != pieces.events)
		abort(); /* the same bytes, cut differently, were read differently */

	/* The target helpers on raw input too. */
	char out[512];
	const char *query;
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	http_percent_decode(text, strlen(text), true, out, sizeof(out));
	if (http_split_target(text, out, sizeof(out), &query) == 0)
		http_query_get(query, "digest", out, sizeof(out));
	repository_path_valid(text);
	tag_valid(text);
	digest_valid(text);
	uint64_t a, b;
	http_parse_content_range(text, &a, &b);
	free(text);
	return 0;
}
