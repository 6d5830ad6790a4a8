/*
 * test_http.c - the HTTP/1.1 parser, targets, queries, ranges and the head writer (05-images).
 *
 * Every parser case is run three ways: in one piece, split in two at every byte boundary,
 * and one byte at a time; the events must read the same, since TCP may cut a stream
 * anywhere. The events are written out as text (describe()), so a case reads as the
 * bytes that go in and the lines that must come out.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http-message.h"

/* --- driver ------------------------------------------------------------------------------ */

struct transcript {
	char text[8192];
	size_t len;
	char body[4096];
	size_t body_len;
};

static void say(struct transcript *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct transcript *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t->text + t->len, sizeof(t->text) - t->len, fmt, ap);
	va_end(ap);
	ck_assert_int_lt(n, (int)(sizeof(t->text) - t->len));
	t->len += (size_t)n;
}

static void describe_head(struct transcript *t, const struct http_parser *p)
{
	const struct http_message *m = &p->message;
	if (p->kind == HTTP_PARSE_REQUEST)
		say(t, "%s %s HTTP/1.%d", m->method, m->target, m->minor_version);
	else
		say(t, "%d \"%s\" HTTP/1.%d", m->status, m->reason, m->minor_version);
	for (size_t i = 0; i < m->field_count; i++)
		say(t, " [%s: %s]", m->fields[i].name, m->fields[i].value);
	static const char *const framing[] = { "none", "length", "chunked", "until-close" };
	say(t, " body=%s", framing[m->framing]);
	if (m->framing == HTTP_BODY_LENGTH)
		say(t, ":%llu", (unsigned long long)m->content_length);
	say(t, "%s%s\n", m->keep_alive ? " keep-alive" : " close", m->expect_continue ? " expect-100" : "");
}

static void flush_body(struct transcript *t)
{
	if (t->body_len)
		say(t, "body \"%.*s\"\n", (int)t->body_len, t->body);
	t->body_len = 0;
}

/* Feed input in pieces of at most `piece` bytes, except that the first piece is `first` bytes
 * (0: same as piece). Returns the transcript of events. */
static void run(struct transcript *t, struct http_parser *p, const char *input, size_t size, size_t first,
		size_t piece)
{
	memset(t, 0, sizeof(*t));
	size_t at = 0;
	bool failed = false;
	int guard = 0;
	while (at < size && !failed) {
		size_t n = at == 0 && first ? first : piece;
		if (n > size - at)
			n = size - at;
		size_t off = 0;
		for (;;) {
			ck_assert_int_lt(++guard, 100000);
			size_t used;
			const char *body;
			size_t body_size;
			enum http_event e = http_parse(p, input + at + off, n - off, &used, &body, &body_size);
			off += used;
			if (e == HTTP_NEED_MORE) {
				ck_assert_uint_eq(off, n);
				break;
			}
			if (e == HTTP_HEAD) {
				describe_head(t, p);
			} else if (e == HTTP_BODY) {
				ck_assert_uint_gt(body_size, 0);
				ck_assert_uint_lt(t->body_len + body_size, sizeof(t->body));
				memcpy(t->body + t->body_len, body, body_size);
				t->body_len += body_size;
			} else if (e == HTTP_DONE) {
				flush_body(t);
				say(t, "done\n");
				http_parser_reset(p);
			} else {
				flush_body(t);
				say(t, "error %d %s\n", p->error_status, p->error_reason);
				failed = true;
				break;
			}
		}
		at += n;
	}
	if (!failed && !http_parser_idle(p)) {
		enum http_event e = http_parse_eof(p);
		flush_body(t);
		if (e == HTTP_DONE)
			say(t, "done at close\n");
		else
			say(t, "error %d %s\n", p->error_status, p->error_reason);
	}
}

/* Run input whole, split at every byte, and byte by byte; all must give `expected`. */
static void check_parse_with(enum http_parser_kind kind, const struct http_limits *limits, bool head_request,
			     const char *input, const char *expected)
{
	size_t size = strlen(input);
	struct http_parser p;
	ck_assert_int_eq(http_parser_init(&p, kind, limits), 0);
	struct transcript t;
	for (size_t split = 0; split <= size; split++) {
		for (int way = 0; way < 2; way++) {
			if (way == 1 && split > 0)
				break;
			http_parser_reset(&p);
			p.head_request = head_request;
			if (way == 1)
				run(&t, &p, input, size, 0, 1); /* byte by byte */
			else if (split == 0)
				run(&t, &p, input, size, 0, size ? size : 1); /* whole */
			else
				run(&t, &p, input, size, split, size); /* two pieces */
			if (strcmp(t.text, expected) != 0)
				ck_abort_msg("split %zu way %d:\n--- got\n%s--- expected\n%s", split, way, t.text, expected);
		}
	}
	http_parser_free(&p);
}

static void check_request(const char *input, const char *expected)
{
	check_parse_with(HTTP_PARSE_REQUEST, NULL, false, input, expected);
}

static void check_response(const char *input, const char *expected)
{
	check_parse_with(HTTP_PARSE_RESPONSE, NULL, false, input, expected);
}

/* --- requests ---------------------------------------------------------------------------- */

START_TEST(a_get_request_is_one_head_and_no_body)
{
	check_request("GET /v2/ HTTP/1.1\r\nHost: localhost:5000\r\nUser-Agent: docker/24\r\n\r\n",
		      "GET /v2/ HTTP/1.1 [Host: localhost:5000] [User-Agent: docker/24] body=none keep-alive\n"
		      "done\n");
}
END_TEST

START_TEST(field_values_lose_their_surrounding_blanks_but_keep_inner_ones)
{
	check_request("GET / HTTP/1.1\r\nHost:x\r\nAccept: \t a, b \t\r\nX-Empty:\r\n\r\n",
		      "GET / HTTP/1.1 [Host: x] [Accept: a, b] [X-Empty: ] body=none keep-alive\ndone\n");
}
END_TEST

START_TEST(an_empty_line_before_the_request_line_is_ignored)
{
	check_request("\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", "GET / HTTP/1.1 [Host: x] body=none keep-alive\ndone\n");
}
END_TEST

START_TEST(a_content_length_body_is_handed_out_exactly)
{
	check_request("PUT /v2/a/manifests/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
		      "PUT /v2/a/manifests/1 HTTP/1.1 [Host: x] [Content-Length: 5] body=length:5 keep-alive\n"
		      "body \"hello\"\ndone\n");
}
END_TEST

START_TEST(a_zero_content_length_is_an_empty_body)
{
	check_request("POST /v2/a/blobs/uploads/ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
		      "POST /v2/a/blobs/uploads/ HTTP/1.1 [Host: x] [Content-Length: 0] body=length:0 keep-alive\n"
		      "done\n");
}
END_TEST

START_TEST(a_chunked_body_is_decoded_with_extensions_and_trailers_dropped)
{
	check_request("PATCH /u HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
		      "5\r\nhello\r\n"
		      "6;name=value\r\n world\r\n"
		      "A \r\n, 10 bytes\r\n"
		      "0\r\nX-Checksum: abc\r\n\r\n",
		      "PATCH /u HTTP/1.1 [Host: x] [Transfer-Encoding: chunked] body=chunked keep-alive\n"
		      "body \"hello world, 10 bytes\"\ndone\n");
}
END_TEST

START_TEST(transfer_encoding_is_matched_without_regard_to_case)
{
	check_request("PATCH /u HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ChUnKeD\r\n\r\n1\r\na\r\n00\r\n\r\n",
		      "PATCH /u HTTP/1.1 [Host: x] [Transfer-Encoding: ChUnKeD] body=chunked keep-alive\n"
		      "body \"a\"\ndone\n");
}
END_TEST

START_TEST(pipelined_requests_come_out_one_after_the_other)
{
	check_request("GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
		      "PUT /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
		      "PATCH /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nde\r\n0\r\n\r\n"
		      "GET /d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		      "GET /a HTTP/1.1 [Host: x] body=none keep-alive\ndone\n"
		      "PUT /b HTTP/1.1 [Host: x] [Content-Length: 3] body=length:3 keep-alive\nbody \"abc\"\ndone\n"
		      "PATCH /c HTTP/1.1 [Host: x] [Transfer-Encoding: chunked] body=chunked keep-alive\n"
		      "body \"de\"\ndone\n"
		      "GET /d HTTP/1.1 [Host: x] [Connection: close] body=none close\ndone\n");
}
END_TEST

START_TEST(http_1_0_closes_unless_it_asks_for_keep_alive)
{
	check_request("GET / HTTP/1.0\r\n\r\n", "GET / HTTP/1.0 body=none close\ndone\n");
	check_request("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
		      "GET / HTTP/1.0 [Connection: Keep-Alive] body=none keep-alive\ndone\n");
	check_request("GET / HTTP/1.1\r\nHost: x\r\nConnection: foo, close\r\n\r\n",
		      "GET / HTTP/1.1 [Host: x] [Connection: foo, close] body=none close\ndone\n");
}
END_TEST

START_TEST(expect_100_continue_is_noticed_and_other_expectations_are_refused)
{
	check_request("PUT /b HTTP/1.1\r\nHost: x\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\nz",
		      "PUT /b HTTP/1.1 [Host: x] [Expect: 100-Continue] [Content-Length: 1] body=length:1 keep-alive "
		      "expect-100\nbody \"z\"\ndone\n");
	check_request("PUT /b HTTP/1.1\r\nHost: x\r\nExpect: something\r\n\r\n", "error 417 unsupported expectation\n");
}
END_TEST

START_TEST(the_same_content_length_twice_is_accepted)
{
	check_request("PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab",
		      "PUT / HTTP/1.1 [Host: x] [Content-Length: 2] [Content-Length: 2] body=length:2 keep-alive\n"
		      "body \"ab\"\ndone\n");
	check_request("PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 2, 2\r\n\r\nab",
		      "PUT / HTTP/1.1 [Host: x] [Content-Length: 2, 2] body=length:2 keep-alive\nbody \"ab\"\ndone\n");
}
END_TEST

START_TEST(an_absolute_form_target_and_a_query_pass_through_raw)
{
	check_request("GET http://h:5000/v2/?a=%20 HTTP/1.1\r\nHost: h:5000\r\n\r\n",
		      "GET http://h:5000/v2/?a=%20 HTTP/1.1 [Host: h:5000] body=none keep-alive\ndone\n");
}
END_TEST

/* --- smuggling and malformed requests ---------------------------------------------------- */

START_TEST(both_content_length_and_transfer_encoding_are_refused)
{
	check_request("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		      "error 400 both Content-Length and Transfer-Encoding\n");
	check_request("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n",
		      "error 400 both Content-Length and Transfer-Encoding\n");
}
END_TEST

START_TEST(differing_content_lengths_are_refused)
{
	check_request("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\n",
		      "error 400 differing Content-Length values\n");
	check_request("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4, 40\r\n\r\n",
		      "error 400 differing Content-Length values\n");
}
END_TEST

START_TEST(a_content_length_that_is_not_plain_digits_is_refused)
{
	check_request("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +4\r\n\r\n", "error 400 malformed Content-Length\n");
	check_request("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0x10\r\n\r\n", "error 400 malformed Content-Length\n");
	check_request("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \r\n\r\n", "error 400 malformed Content-Length\n");
	check_request("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n",
		      "error 400 malformed Content-Length\n");
}
END_TEST

START_TEST(obsolete_line_folding_is_refused)
{
	check_request("GET / HTTP/1.1\r\nHost: x\r\nX-A: one\r\n two\r\n\r\n", "error 400 obsolete line folding\n");
	check_request("GET / HTTP/1.1\r\nHost: x\r\nX-A: one\r\n\ttwo\r\n\r\n", "error 400 obsolete line folding\n");
}
END_TEST

START_TEST(a_bare_cr_or_a_bare_lf_is_refused)
{
	check_request("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", "error 400 bare CR inside a line\n");
	check_request("GET / HTTP/1.1\nHost: x\r\n\r\n", "error 400 line ends with LF without CR\n");
	check_request("GET / HTTP/1.1\r\nHost: x\n\n", "error 400 line ends with LF without CR\n");
}
END_TEST

START_TEST(whitespace_before_a_colon_is_refused)
{
	check_request("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n",
		      "error 400 whitespace before colon\n");
	check_request("GET / HTTP/1.1\r\nHost: x\r\n: empty\r\n\r\n", "error 400 malformed field name\n");
	check_request("GET / HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n", "error 400 whitespace before colon\n");
}
END_TEST

START_TEST(control_bytes_in_a_field_value_are_refused)
{
	static const char input[] = "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n";
	struct http_parser p;
	ck_assert_int_eq(http_parser_init(&p, HTTP_PARSE_REQUEST, NULL), 0);
	struct transcript t;
	run(&t, &p, input, sizeof(input) - 1, 0, sizeof(input));
	ck_assert_str_eq(t.text, "error 400 NUL byte inside a line\n");
	http_parser_free(&p);
	check_request("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x7f\r\n\r\n", "error 400 control byte in field value\n");
}
END_TEST

START_TEST(transfer_codings_other_than_chunked_alone_are_refused)
{
	check_request("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
		      "error 501 transfer coding not supported\n");
	check_request("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
		      "error 400 chunked is not the final transfer coding\n");
	check_request("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n",
		      "error 400 chunked is not the final transfer coding\n");
	check_request("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n",
		      "error 400 chunked is not the final transfer coding\n");
	check_request("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
		      "error 400 Transfer-Encoding in an HTTP/1.0 message\n");
}
END_TEST

START_TEST(malformed_chunks_are_refused)
{
	static const char head[] = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
	static const char *const cases[][2] = {
		{ "zz\r\n", "error 400 malformed chunk size\n" },
		{ "\r\n", "error 400 malformed chunk size\n" },
		{ "-1\r\n", "error 400 malformed chunk size\n" },
		{ "5 x\r\n", "error 400 malformed chunk size\n" },
		{ "3\r\nabcdef\r\n", "body \"abc\"\nerror 400 chunk data longer than its size\n" },
		{ "3\r\nabc\n0\r\n\r\n", "body \"abc\"\nerror 400 line ends with LF without CR\n" },
		{ "fffffffffffffffff\r\n", "error 400 chunk size too large\n" },
		{ "1;a\x01\r\n", "error 400 control byte in chunk extension\n" },
		{ "0\r\nX-A : b\r\n\r\n", "error 400 whitespace before colon\n" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char input[256], expected[512];
		snprintf(input, sizeof(input), "%s%s", head, cases[i][0]);
		snprintf(expected, sizeof(expected),
			 "POST / HTTP/1.1 [Host: x] [Transfer-Encoding: chunked] body=chunked keep-alive\n%s",
			 cases[i][1]);
		check_request(input, expected);
	}
}
END_TEST

START_TEST(a_request_line_must_be_method_space_target_space_version)
{
	check_request("GET  / HTTP/1.1\r\n\r\n", "error 400 malformed request target\n");
	check_request("GET / HTTP/1.1 \r\n\r\n", "error 400 malformed HTTP version\n");
	check_request("GET /a b HTTP/1.1\r\n\r\n", "error 400 malformed HTTP version\n");
	check_request("G(T / HTTP/1.1\r\n\r\n", "error 400 malformed method\n");
	check_request("GET / http/1.1\r\n\r\n", "error 400 malformed HTTP version\n");
	check_request("GET / HTTP/2.0\r\n\r\n", "error 505 HTTP version not supported\n");
	check_request("GET /\x80 HTTP/1.1\r\n\r\n", "error 400 malformed request target\n");
	check_request("\x16\x03\x01\x02\x05\x01\r\n", "error 400 malformed method\n");
}
END_TEST

START_TEST(an_http_1_1_request_needs_exactly_one_host)
{
	check_request("GET / HTTP/1.1\r\n\r\n", "error 400 missing or repeated Host\n");
	check_request("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", "error 400 missing or repeated Host\n");
}
END_TEST

START_TEST(a_connection_closed_mid_message_is_an_error)
{
	check_request("GET / HTTP/1.1\r\nHost: x\r\n", "error 400 connection closed in the middle of a message\n");
	check_request("PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\nabc",
		      "PUT / HTTP/1.1 [Host: x] [Content-Length: 9] body=length:9 keep-alive\n"
		      "body \"abc\"\nerror 400 connection closed in the middle of a message\n");
}
END_TEST

/* --- limits ------------------------------------------------------------------------------ */

static const struct http_limits small = {
	.max_start_line = 40, .max_field_line = 30, .max_fields = 3, .max_head_bytes = 100,
};

START_TEST(a_request_line_over_the_limit_is_414)
{
	/* 40 bytes exactly pass, 41 do not. */
	check_parse_with(HTTP_PARSE_REQUEST, &small, false, "GET /aaaaaaaaaaaaaaaaaaaaaaaaaa HTTP/1.1\r\nHost: x\r\n\r\n",
			 "GET /aaaaaaaaaaaaaaaaaaaaaaaaaa HTTP/1.1 [Host: x] body=none keep-alive\ndone\n");
	check_parse_with(HTTP_PARSE_REQUEST, &small, false, "GET /aaaaaaaaaaaaaaaaaaaaaaaaaaa HTTP/1.1\r\nHost: x\r\n\r\n",
			 "error 414 request line too long\n");
}
END_TEST

START_TEST(a_header_line_over_the_limit_is_431)
{
	check_parse_with(HTTP_PARSE_REQUEST, &small, false, "GET / HTTP/1.1\r\nHost: x\r\nX: 4567890123456789012345678901\r\n\r\n",
			 "error 431 header line too long\n");
	check_parse_with(HTTP_PARSE_REQUEST, &small, false, "GET / HTTP/1.1\r\nHost: x\r\nX: 456789012345678901234567890\r\n\r\n",
			 "GET / HTTP/1.1 [Host: x] [X: 456789012345678901234567890] body=none keep-alive\ndone\n");
}
END_TEST

START_TEST(too_many_header_fields_is_431)
{
	check_parse_with(HTTP_PARSE_REQUEST, &small, false, "GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n",
			 "error 431 too many header fields\n");
}
END_TEST

START_TEST(a_head_over_the_total_limit_is_431)
{
	check_parse_with(HTTP_PARSE_REQUEST, &small, false,
			 "GET / HTTP/1.1\r\nHost: x\r\nA: 123456789012345678901234\r\nB: 123456789012345678901234\r\nC: 123456789012345678901234\r\n\r\n",
			 "error 431 header section too large\n");
}
END_TEST

START_TEST(an_endless_header_line_is_refused_without_waiting_for_its_end)
{
	/* 1 MB of header and no line end: the parser stops after the limit, holding 8 KiB. */
	size_t size = 1 << 20;
	char *input = malloc(size);
	memset(input, 'a', size);
	memcpy(input, "GET / HTTP/1.1\r\nX: ", 19);
	struct http_parser p;
	ck_assert_int_eq(http_parser_init(&p, HTTP_PARSE_REQUEST, NULL), 0);
	size_t used;
	const char *body;
	size_t body_size;
	size_t at = 0;
	enum http_event e = HTTP_NEED_MORE;
	while (at < size && e == HTTP_NEED_MORE) {
		e = http_parse(&p, input + at, 4096, &used, &body, &body_size);
		at += used;
	}
	ck_assert_int_eq(e, HTTP_ERROR);
	ck_assert_int_eq(p.error_status, 431);
	ck_assert_uint_le(at, 16384);
	http_parser_free(&p);
	free(input);
}
END_TEST

START_TEST(too_many_trailer_fields_is_431)
{
	check_parse_with(HTTP_PARSE_REQUEST, &small, false,
			 "PUT / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: 1\r\nB: 2\r\n\r\n",
			 "PUT / HTTP/1.1 [Host: x] [Transfer-Encoding: chunked] body=chunked keep-alive\n"
			 "error 431 too many trailer fields\n");
}
END_TEST

START_TEST(too_many_empty_lines_before_a_request_are_refused)
{
	check_request("\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n", "error 400 too many empty lines before the request\n");
}
END_TEST

/* --- responses --------------------------------------------------------------------------- */

START_TEST(a_response_with_content_length_is_read_exactly)
{
	check_response("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nDocker-Content-Digest: sha256:ab\r\n\r\n{}",
		       "200 \"OK\" HTTP/1.1 [Content-Length: 2] [Docker-Content-Digest: sha256:ab] body=length:2 "
		       "keep-alive\nbody \"{}\"\ndone\n");
}
END_TEST

START_TEST(a_chunked_response_is_decoded)
{
	check_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
		       "200 \"OK\" HTTP/1.1 [Transfer-Encoding: chunked] body=chunked keep-alive\nbody \"abc\"\ndone\n");
}
END_TEST

START_TEST(a_response_without_length_ends_when_the_server_closes)
{
	check_response("HTTP/1.0 200 OK\r\n\r\nall of it",
		       "200 \"OK\" HTTP/1.0 body=until-close close\nbody \"all of it\"\ndone at close\n");
}
END_TEST

START_TEST(responses_to_head_and_204_and_304_have_no_body)
{
	check_parse_with(HTTP_PARSE_RESPONSE, NULL, true, "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n",
			 "200 \"OK\" HTTP/1.1 [Content-Length: 1234] body=none keep-alive\ndone\n");
	check_response("HTTP/1.1 204 No Content\r\n\r\n", "204 \"No Content\" HTTP/1.1 body=none keep-alive\ndone\n");
	check_response("HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n",
		       "304 \"Not Modified\" HTTP/1.1 [Content-Length: 7] body=none keep-alive\ndone\n");
}
END_TEST

START_TEST(a_100_continue_comes_before_the_real_response)
{
	check_response("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
		       "100 \"Continue\" HTTP/1.1 body=none keep-alive\ndone\n"
		       "201 \"Created\" HTTP/1.1 [Content-Length: 0] body=length:0 keep-alive\ndone\n");
}
END_TEST

START_TEST(a_status_line_may_have_an_empty_reason)
{
	check_response("HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n",
		       "404 \"\" HTTP/1.1 [Content-Length: 0] body=length:0 keep-alive\ndone\n");
	check_response("HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n",
		       "404 \"\" HTTP/1.1 [Content-Length: 0] body=length:0 keep-alive\ndone\n");
	check_response("HTTP/1.1 20 OK\r\n\r\n", "error 502 malformed status code\n");
	check_response("SSH-2.0-OpenSSH\r\n\r\n", "error 502 malformed status line\n");
}
END_TEST

/* --- targets, queries, ranges -------------------------------------------------------------- */

START_TEST(percent_escapes_are_decoded_and_bad_ones_refused)
{
	char out[64];
	ck_assert_int_eq(http_percent_decode("a%2Fb%3a%7e", 11, false, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "a/b:~");
	ck_assert_int_eq(http_percent_decode("a+b", 3, false, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "a+b");
	ck_assert_int_eq(http_percent_decode("a+b", 3, true, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "a b");
	ck_assert_int_eq(http_percent_decode("%00", 3, false, out, sizeof(out)), -1);
	ck_assert_int_eq(http_percent_decode("%4", 2, false, out, sizeof(out)), -1);
	ck_assert_int_eq(http_percent_decode("%", 1, false, out, sizeof(out)), -1);
	ck_assert_int_eq(http_percent_decode("%zz", 3, false, out, sizeof(out)), -1);
	ck_assert_int_eq(http_percent_decode("abcd", 4, false, out, 4), -1);
	ck_assert_int_eq(http_percent_decode("abc", 3, false, out, 4), 0);
}
END_TEST

START_TEST(a_target_splits_into_a_decoded_path_and_a_raw_query)
{
	char path[64];
	const char *query;
	ck_assert_int_eq(http_split_target("/v2/a%2Eb/tags/list?n=2&last=x", path, sizeof(path), &query), 0);
	ck_assert_str_eq(path, "/v2/a.b/tags/list");
	ck_assert_str_eq(query, "n=2&last=x");
	ck_assert_int_eq(http_split_target("/v2/", path, sizeof(path), &query), 0);
	ck_assert_str_eq(query, "");
	ck_assert_int_eq(http_split_target("http://localhost:5000/v2/?x", path, sizeof(path), &query), 0);
	ck_assert_str_eq(path, "/v2/");
	ck_assert_str_eq(query, "x");
	ck_assert_int_eq(http_split_target("*", path, sizeof(path), &query), -1);
	ck_assert_int_eq(http_split_target("v2/", path, sizeof(path), &query), -1);
	ck_assert_int_eq(http_split_target("/v2/%00", path, sizeof(path), &query), -1);
	ck_assert_int_eq(http_split_target("/v2/#frag", path, sizeof(path), &query), -1);
}
END_TEST

START_TEST(a_location_becomes_a_request_target)
{
	ck_assert_str_eq(http_location_target("/v2/a/blobs/uploads/1"), "/v2/a/blobs/uploads/1");
	ck_assert_str_eq(http_location_target("http://127.0.0.1:5000/v2/a/blobs/uploads/1?_state=x%3D"),
			 "/v2/a/blobs/uploads/1?_state=x%3D");
	ck_assert_str_eq(http_location_target("HTTPS://registry.example/v2/"), "/v2/");
	ck_assert_ptr_null(http_location_target("http://host"));
	ck_assert_ptr_null(http_location_target("v2/a"));
	ck_assert_ptr_null(http_location_target("/v2/a b"));
}
END_TEST

START_TEST(query_values_are_found_by_key_and_decoded)
{
	char v[128];
	const char *q = "mount=sha256%3Aabc&from=library%2Fbusybox&digest&n=10&last=v1.0+rc";
	ck_assert_int_eq(http_query_get(q, "mount", v, sizeof(v)), 1);
	ck_assert_str_eq(v, "sha256:abc");
	ck_assert_int_eq(http_query_get(q, "from", v, sizeof(v)), 1);
	ck_assert_str_eq(v, "library/busybox");
	ck_assert_int_eq(http_query_get(q, "digest", v, sizeof(v)), 1);
	ck_assert_str_eq(v, "");
	ck_assert_int_eq(http_query_get(q, "last", v, sizeof(v)), 1);
	ck_assert_str_eq(v, "v1.0 rc");
	ck_assert_int_eq(http_query_get(q, "mou", v, sizeof(v)), 0);
	ck_assert_int_eq(http_query_get("", "n", v, sizeof(v)), 0);
	ck_assert_int_eq(http_query_get("n=%zz", "n", v, sizeof(v)), -1);
	ck_assert_int_eq(http_query_get("n=123456", "n", v, 4), -1);
}
END_TEST

START_TEST(byte_ranges_are_resolved_against_the_size)
{
	uint64_t a = 99, b = 99;
	ck_assert_int_eq(http_parse_range("bytes=0-99", 1000, &a, &b), HTTP_RANGE_PARTIAL);
	ck_assert(a == 0 && b == 99);
	ck_assert_int_eq(http_parse_range("bytes=500-", 1000, &a, &b), HTTP_RANGE_PARTIAL);
	ck_assert(a == 500 && b == 999);
	ck_assert_int_eq(http_parse_range("bytes=-100", 1000, &a, &b), HTTP_RANGE_PARTIAL);
	ck_assert(a == 900 && b == 999);
	ck_assert_int_eq(http_parse_range("bytes=-5000", 1000, &a, &b), HTTP_RANGE_PARTIAL);
	ck_assert(a == 0 && b == 999);
	ck_assert_int_eq(http_parse_range("bytes=900-5000", 1000, &a, &b), HTTP_RANGE_PARTIAL);
	ck_assert(a == 900 && b == 999);
	ck_assert_int_eq(http_parse_range("bytes=1000-", 1000, &a, &b), HTTP_RANGE_UNSATISFIABLE);
	ck_assert_int_eq(http_parse_range("bytes=-0", 1000, &a, &b), HTTP_RANGE_UNSATISFIABLE);
	ck_assert_int_eq(http_parse_range(NULL, 1000, &a, &b), HTTP_RANGE_WHOLE);
	ck_assert_int_eq(http_parse_range("bytes=5-1", 1000, &a, &b), HTTP_RANGE_WHOLE);
	ck_assert_int_eq(http_parse_range("bytes=0-1,5-6", 1000, &a, &b), HTTP_RANGE_WHOLE);
	ck_assert_int_eq(http_parse_range("items=0-1", 1000, &a, &b), HTTP_RANGE_WHOLE);
	ck_assert_int_eq(http_parse_range("bytes=x-1", 1000, &a, &b), HTTP_RANGE_WHOLE);
	ck_assert_int_eq(http_parse_range("bytes=99999999999999999999-", 1000, &a, &b), HTTP_RANGE_WHOLE);
}
END_TEST

START_TEST(an_upload_content_range_is_parsed_in_both_spellings)
{
	uint64_t a, b;
	ck_assert_int_eq(http_parse_content_range("0-1023", &a, &b), 0);
	ck_assert(a == 0 && b == 1023);
	ck_assert_int_eq(http_parse_content_range("bytes 1024-2047/4096", &a, &b), 0);
	ck_assert(a == 1024 && b == 2047);
	ck_assert_int_eq(http_parse_content_range("bytes 1024-2047/*", &a, &b), 0);
	ck_assert_int_eq(http_parse_content_range("5-4", &a, &b), -1);
	ck_assert_int_eq(http_parse_content_range("0-", &a, &b), -1);
	ck_assert_int_eq(http_parse_content_range("0-10/5", &a, &b), -1);
	ck_assert_int_eq(http_parse_content_range("0-10 ", &a, &b), -1);
}
END_TEST

/* --- writing ---------------------------------------------------------------------------- */

START_TEST(a_response_head_is_written_byte_for_byte)
{
	struct http_head h;
	http_head_response(&h, 201);
	http_head_field(&h, "Location", "/v2/%s/blobs/%s", "a", "sha256:00");
	long n = http_head_finish(&h, 0);
	static const char expected[] = "HTTP/1.1 201 Created\r\nLocation: /v2/a/blobs/sha256:00\r\nContent-Length: 0\r\n\r\n";
	ck_assert_int_eq(n, (long)strlen(expected));
	ck_assert_str_eq(h.buf, expected);

	http_head_response(&h, 200);
	ck_assert_int_gt(http_head_finish(&h, -1), 0);
	ck_assert_str_eq(h.buf, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
}
END_TEST

START_TEST(a_request_head_carries_host)
{
	struct http_head h;
	http_head_request(&h, "HEAD", "/v2/a/blobs/sha256:00", "localhost:5000");
	ck_assert_int_gt(http_head_finish(&h, 0), 0);
	ck_assert_str_eq(h.buf, "HEAD /v2/a/blobs/sha256:00 HTTP/1.1\r\nHost: localhost:5000\r\nContent-Length: 0\r\n\r\n");
	http_head_request(&h, "GET", "/a b", "h");
	ck_assert_int_eq(http_head_finish(&h, 0), -1);
}
END_TEST

START_TEST(a_field_value_with_a_line_break_fails_the_head)
{
	struct http_head h;
	http_head_response(&h, 200);
	http_head_field(&h, "Location", "/v2/x\r\nSet-Cookie: evil=1");
	ck_assert_int_eq(http_head_finish(&h, 0), -1);
	http_head_response(&h, 200);
	http_head_field(&h, "X-Long", "%9000d", 1);
	ck_assert_int_eq(http_head_finish(&h, 0), -1);
}
END_TEST

START_TEST(written_heads_parse_back_to_what_was_written)
{
	struct http_head h;
	http_head_response(&h, 206);
	http_head_field(&h, "Content-Range", "bytes %d-%d/%d", 0, 2, 10);
	ck_assert_int_gt(http_head_finish(&h, 3), 0);
	char input[256];
	snprintf(input, sizeof(input), "%sabc", h.buf);
	check_response(input, "206 \"Partial Content\" HTTP/1.1 [Content-Range: bytes 0-2/10] [Content-Length: 3] "
			      "body=length:3 keep-alive\nbody \"abc\"\ndone\n");
}
END_TEST

START_TEST(chunk_lines_are_hex_sizes)
{
	char line[24];
	ck_assert_uint_eq(http_chunk_line(line, 500), 5);
	ck_assert_str_eq(line, "1f4\r\n");
	ck_assert_uint_eq(http_chunk_line(line, 0), 3);
	ck_assert_str_eq(line, "0\r\n");
}
END_TEST

Suite *http_suite(void)
{
	Suite *s = suite_create("http");
	TCase *t = tcase_create("requests");
	tcase_add_test(t, a_get_request_is_one_head_and_no_body);
	tcase_add_test(t, field_values_lose_their_surrounding_blanks_but_keep_inner_ones);
	tcase_add_test(t, an_empty_line_before_the_request_line_is_ignored);
	tcase_add_test(t, a_content_length_body_is_handed_out_exactly);
	tcase_add_test(t, a_zero_content_length_is_an_empty_body);
	tcase_add_test(t, a_chunked_body_is_decoded_with_extensions_and_trailers_dropped);
	tcase_add_test(t, transfer_encoding_is_matched_without_regard_to_case);
	tcase_add_test(t, pipelined_requests_come_out_one_after_the_other);
	tcase_add_test(t, http_1_0_closes_unless_it_asks_for_keep_alive);
	tcase_add_test(t, expect_100_continue_is_noticed_and_other_expectations_are_refused);
	tcase_add_test(t, the_same_content_length_twice_is_accepted);
	tcase_add_test(t, an_absolute_form_target_and_a_query_pass_through_raw);
	suite_add_tcase(s, t);

	t = tcase_create("smuggling");
	tcase_add_test(t, both_content_length_and_transfer_encoding_are_refused);
	tcase_add_test(t, differing_content_lengths_are_refused);
	tcase_add_test(t, a_content_length_that_is_not_plain_digits_is_refused);
	tcase_add_test(t, obsolete_line_folding_is_refused);
	tcase_add_test(t, a_bare_cr_or_a_bare_lf_is_refused);
	tcase_add_test(t, whitespace_before_a_colon_is_refused);
	tcase_add_test(t, control_bytes_in_a_field_value_are_refused);
	tcase_add_test(t, transfer_codings_other_than_chunked_alone_are_refused);
	tcase_add_test(t, malformed_chunks_are_refused);
	tcase_add_test(t, a_request_line_must_be_method_space_target_space_version);
	tcase_add_test(t, an_http_1_1_request_needs_exactly_one_host);
	tcase_add_test(t, a_connection_closed_mid_message_is_an_error);
	suite_add_tcase(s, t);

	t = tcase_create("limits");
	tcase_add_test(t, a_request_line_over_the_limit_is_414);
	tcase_add_test(t, a_header_line_over_the_limit_is_431);
	tcase_add_test(t, too_many_header_fields_is_431);
	tcase_add_test(t, a_head_over_the_total_limit_is_431);
	tcase_add_test(t, an_endless_header_line_is_refused_without_waiting_for_its_end);
	tcase_add_test(t, too_many_trailer_fields_is_431);
	tcase_add_test(t, too_many_empty_lines_before_a_request_are_refused);
	suite_add_tcase(s, t);

	t = tcase_create("responses");
	tcase_add_test(t, a_response_with_content_length_is_read_exactly);
	tcase_add_test(t, a_chunked_response_is_decoded);
	tcase_add_test(t, a_response_without_length_ends_when_the_server_closes);
	tcase_add_test(t, responses_to_head_and_204_and_304_have_no_body);
	tcase_add_test(t, a_100_continue_comes_before_the_real_response);
	tcase_add_test(t, a_status_line_may_have_an_empty_reason);
	suite_add_tcase(s, t);

	t = tcase_create("targets");
	tcase_add_test(t, percent_escapes_are_decoded_and_bad_ones_refused);
	tcase_add_test(t, a_target_splits_into_a_decoded_path_and_a_raw_query);
	tcase_add_test(t, a_location_becomes_a_request_target);
	tcase_add_test(t, query_values_are_found_by_key_and_decoded);
	tcase_add_test(t, byte_ranges_are_resolved_against_the_size);
	tcase_add_test(t, an_upload_content_range_is_parsed_in_both_spellings);
	suite_add_tcase(s, t);

	t = tcase_create("writing");
	tcase_add_test(t, a_response_head_is_written_byte_for_byte);
	tcase_add_test(t, a_request_head_carries_host);
	tcase_add_test(t, a_field_value_with_a_line_break_fails_the_head);
	tcase_add_test(t, written_heads_parse_back_to_what_was_written);
	tcase_add_test(t, chunk_lines_are_hex_sizes);
	suite_add_tcase(s, t);
	return s;
}
