/*
 * json.c - JSON, the text format of container records, `inspect`, and then of images.
 *
 * Its first user is this chapter: a container's record (config.json), its live state
 * (state.json) and `inspect` are JSON, with Docker's field names (container-record.c). So it
 * lives here, in chapter 03, where it is first needed: a later chapter may use an earlier
 * one, never the other way round. Chapter 05 then reads and writes most of its formats with
 * it, since an image is a manifest (JSON) that names a config (JSON) and layers (tarballs) by
 * digest: manifests, configs, index.json and the registry's answers are all JSON.
 *
 * The grammar (RFC 8259, section 2-7) fits on a screen:
 *     value   = object / array / string / number / "true" / "false" / "null"
 *     object  = "{" [ string ":" value *( "," string ":" value ) ] "}"
 *     array   = "[" [ value *( "," value ) ] "]"
 *     number  = [ "-" ] ( "0" / 1-9 *DIGIT ) [ "." 1*DIGIT ] [ ("e"/"E") ["+"/"-"] 1*DIGIT ]
 *     string  = quote *( any character but quote, backslash and U+0000..U+001F / escape ) quote
 *     escape  = \" \\ \/ \b \f \n \r \t or \uXXXX (UTF-16: a pair for characters past U+FFFF)
 * with spaces, tabs, CR and LF allowed between tokens. The text must be UTF-8 (section 8.1).
 *
 * The parser below is recursive descent: one function per rule, each consuming its part of
 * the text. Strict where the RFC is strict (no trailing commas, no comments, no leading
 * zeros, no lone surrogates, no invalid UTF-8), because a lenient parser is a second
 * interpretation of the same bytes, and two readers that disagree about a manifest are a
 * security hole. Nesting is limited (JSON_MAX_DEPTH), so "[[[[..." cannot exhaust the stack.
 * The test runs nst/JSONTestSuite: every y_ file accepted, every n_ file refused.
 *
 * Writing a tree back to text is in json-write.c. Read next: inflate.c, how compressed layers
 * become tarballs again.
 */
#include "json.h"
#include "error.h"
#include "files.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- nodes ----------------------------------------------------------------------------------- */

static struct json *new_node(enum json_type type)
{
	struct json *node = calloc(1, sizeof(*node));
	if (!node)
		fail_sys("json: cannot allocate a node");
	else
		node->type = type;
	return node;
}

/* A copy of n bytes with a NUL after them. */
static char *copy_bytes(const char *text, size_t n)
{
	char *copy = malloc(n + 1);
	if (!copy) {
		fail_sys("json: cannot allocate %zu bytes", n + 1);
		return NULL;
	}
	memcpy(copy, text, n);
	copy[n] = '\0';
	return copy;
}

void json_free(struct json *node)
{
	while (node) {
		struct json *next = node->next;
		json_free(node->first); /* recursion only goes down, never along: depth is bounded */
		free(node->key);
		free(node->text);
		free(node);
		node = next;
	}
}

static void append_child(struct json *parent, struct json *child)
{
	if (parent->last)
		parent->last->next = child;
	else
		parent->first = child;
	parent->last = child;
	parent->count++;
}

/* --- UTF-8 --------------------------------------------------------------------------------- */

/* The length of the well-formed UTF-8 sequence at p (1-4), or 0 if it is not one. RFC 3629,
 * section 4: no overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF. */
static size_t utf8_length(const unsigned char *p, const unsigned char *end)
{
	size_t avail = (size_t)(end - p);
	unsigned char c = p[0];
	if (c < 0x80)
		return 1;
	size_t n;
	unsigned char lo = 0x80, hi = 0xBF; /* the range allowed for the second byte */
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
	else
		return 0;
	if (avail < n || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* --- the parser ---------------------------------------------------------------------------- */

struct parser {
	const char *start; /* the whole text, for line and column numbers */
	const char *p;     /* the next byte to read */
	const char *end;
	int depth;
};

/* Record "json: line L, column C: <message>" for the position at, and return NULL. Lines
 * and columns count from 1; a column counts characters, not bytes, as an editor shows it. */
__attribute__((format(printf, 3, 4)))
static void *parse_error(const struct parser *ps, const char *at, const char *fmt, ...)
{
	size_t line = 1, column = 1;
	for (const char *q = ps->start; q < at; q++) {
		if (*q == '\n')
			line++, column = 1;
		else if ((*q & 0xC0) != 0x80) /* not a UTF-8 continuation byte */
			column++;
	}
	char message[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	fail_errno(0, "json: line %zu, column %zu: %s", line, column, message);
	return NULL;
}

/* "expected X" at the current position, or "unexpected end of input, expected X". */
static void *expected(const struct parser *ps, const char *what)
{
	if (ps->p >= ps->end)
		return parse_error(ps, ps->p, "unexpected end of input, expected %s", what);
	return parse_error(ps, ps->p, "expected %s", what);
}

static void skip_whitespace(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static bool at(const struct parser *ps, char c)
{
	return ps->p < ps->end && *ps->p == c;
}

static int hex4(const char *p, const char *end, uint32_t *value)
{
	if (end - p < 4)
		return -1;
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v << 4 | (uint32_t)d;
	}
	*value = v;
	return 0;
}

/* One \uXXXX escape (p at the backslash), with its low surrogate when it is a high one.
 * Advances *pp past what it used; -1 after recording the error. */
static int unicode_escape(struct parser *ps, const char **pp, uint32_t *cp)
{
	const char *p = *pp;
	if (hex4(p + 2, ps->end, cp) < 0)
		return parse_error(ps, p, "invalid \\u escape: expected four hex digits"), -1;
	p += 6;
	if (*cp >= 0xDC00 && *cp <= 0xDFFF)
		return parse_error(ps, *pp, "invalid \\u escape: low surrogate \\u%04X without a high one", *cp), -1;
	if (*cp >= 0xD800 && *cp <= 0xDBFF) {
		/* UTF-16 (RFC 8259, section 7): a character past U+FFFF is a high surrogate
		 * D800-DBFF followed by a low one DC00-DFFF, 10 bits of the character each. */
		uint32_t low;
		if (ps->end - p < 6 || p[0] != '\\' || p[1] != 'u' || hex4(p + 2, ps->end, &low) < 0 ||
		    low < 0xDC00 || low > 0xDFFF)
			return parse_error(ps, *pp, "invalid \\u escape: high surrogate \\u%04X without a low one", *cp), -1;
		*cp = 0x10000 + ((*cp - 0xD800) << 10) + (low - 0xDC00);
		p += 6;
	}
	*pp = p;
	return 0;
}

/* A string (ps->p at its opening quote) into a malloc'd UTF-8 buffer. */
static char *parse_string(struct parser *ps, size_t *length)
{
	const char *open = ps->p++;
	/* First find the closing quote, so the buffer can be sized: the decoded text is never
	 * longer than the escaped one. */
	const char *q = ps->p;
	while (q < ps->end && *q != '"')
		q += *q == '\\' && q + 1 < ps->end ? 2 : 1;
	if (q >= ps->end)
		return parse_error(ps, open, "unterminated string");
	char *out = malloc((size_t)(q - ps->p) + 1);
	if (!out) {
		fail_sys("json: cannot allocate a string");
		return NULL;
	}
	size_t n = 0;
	const char *p = ps->p;
	while (p < q) {
		unsigned char c = (unsigned char)*p;
		if (c == '\\') {
			static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
			const char *e = p[1] ? strchr(from, p[1]) : NULL;
			if (e) {
				out[n++] = to[e - from];
				p += 2;
			} else if (p[1] == 'u') {
				uint32_t cp;
				if (unicode_escape(ps, &p, &cp) < 0)
					goto fail;
				n += utf8_encode(cp, out + n);
			} else {
				parse_error(ps, p, "invalid escape '\\%c' in a string", p[1] >= 0x20 && p[1] < 0x7f ? p[1] : '?');
				goto fail;
			}
		} else if (c < 0x20) {
			parse_error(ps, p, "control character U+%04X in a string must be escaped", c);
			goto fail;
		} else {
			size_t len = utf8_length((const unsigned char *)p, (const unsigned char *)q);
			if (len == 0) {
				parse_error(ps, p, "invalid UTF-8 byte 0x%02x in a string", c);
				goto fail;
			}
			memcpy(out + n, p, len);
			n += len;
			p += len;
		}
	}
	out[n] = '\0';
	*length = n;
	ps->p = q + 1;
	return out;
fail:
	free(out);
	return NULL;
}

static bool is_digit(const struct parser *ps, const char *p)
{
	return p < ps->end && *p >= '0' && *p <= '9';
}

/* A number, kept as the text it was written as (RFC 8259, section 6 leaves precision to the
 * reader: a 64-bit size must not be rounded through a double). */
static struct json *parse_number(struct parser *ps)
{
	const char *s = ps->p, *p = s;
	if (*p == '-')
		p++;
	if (!is_digit(ps, p))
		return parse_error(ps, p, "invalid number: expected a digit");
	if (*p == '0' && is_digit(ps, p + 1))
		return parse_error(ps, p, "invalid number: leading zeros are not allowed");
	while (is_digit(ps, p))
		p++;
	if (p < ps->end && *p == '.') {
		if (!is_digit(ps, ++p))
			return parse_error(ps, p, "invalid number: expected a digit after '.'");
		while (is_digit(ps, p))
			p++;
	}
	if (p < ps->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < ps->end && (*p == '+' || *p == '-'))
			p++;
		if (!is_digit(ps, p))
			return parse_error(ps, p, "invalid number: expected a digit in the exponent");
		while (is_digit(ps, p))
			p++;
	}
	struct json *node = new_node(JSON_NUMBER);
	if (node && !(node->text = copy_bytes(s, (size_t)(p - s)))) {
		free(node);
		return NULL;
	}
	if (node)
		node->length = (size_t)(p - s);
	ps->p = p;
	return node;
}

static struct json *parse_value(struct parser *ps);

/* An array or an object (ps->p at '[' or '{'): values separated by commas. */
static struct json *parse_container(struct parser *ps)
{
	bool object = *ps->p == '{';
	char close = object ? '}' : ']';
	if (++ps->depth > JSON_MAX_DEPTH)
		return parse_error(ps, ps->p, "nesting deeper than %d levels", JSON_MAX_DEPTH);
	struct json *node = new_node(object ? JSON_OBJECT : JSON_ARRAY);
	if (!node)
		return NULL;
	ps->p++;
	skip_whitespace(ps);
	if (at(ps, close)) {
		ps->p++;
		ps->depth--;
		return node;
	}
	for (;;) {
		char *key = NULL;
		size_t key_length = 0;
		if (object) {
			if (!at(ps, '"'))
				goto expected_key;
			if (!(key = parse_string(ps, &key_length)))
				goto fail;
			skip_whitespace(ps);
			if (!at(ps, ':')) {
				free(key);
				expected(ps, "':'");
				goto fail;
			}
			ps->p++;
			skip_whitespace(ps);
		}
		struct json *child = parse_value(ps);
		if (!child) {
			free(key);
			goto fail;
		}
		child->key = key;
		child->key_length = key_length;
		append_child(node, child);
		skip_whitespace(ps);
		if (at(ps, ',')) {
			ps->p++;
			skip_whitespace(ps);
			continue;
		}
		if (at(ps, close)) {
			ps->p++;
			ps->depth--;
			return node;
		}
		expected(ps, object ? "',' or '}'" : "',' or ']'");
		goto fail;
	}
expected_key:
	expected(ps, "a string key in double quotes");
fail:
	json_free(node);
	return NULL;
}

static struct json *parse_literal(struct parser *ps, const char *word, enum json_type type)
{
	size_t n = strlen(word);
	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
		return expected(ps, "a value");
	ps->p += n;
	return new_node(type);
}

static struct json *parse_value(struct parser *ps)
{
	if (ps->p >= ps->end)
		return expected(ps, "a value");
	switch (*ps->p) {
	case '{':
	case '[':
		return parse_container(ps);
	case '"': {
		struct json *node = new_node(JSON_STRING);
		if (node && !(node->text = parse_string(ps, &node->length))) {
			free(node);
			return NULL;
		}
		return node;
	}
	case 't':
		return parse_literal(ps, "true", JSON_TRUE);
	case 'f':
		return parse_literal(ps, "false", JSON_FALSE);
	case 'n':
		return parse_literal(ps, "null", JSON_NULL);
	default:
		if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
			return parse_number(ps);
		return expected(ps, "a value");
	}
}

struct json *json_parse(const char *text, size_t size)
{
	struct parser ps = { .start = text, .p = text, .end = text + size };
	/* RFC 8259, section 8.1: "Implementations MUST NOT add a byte order mark"; we refuse one
	 * with a message that says what it is, rather than "expected a value". */
	if (size >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		return parse_error(&ps, text, "a byte order mark (U+FEFF) is not allowed before JSON text");
	skip_whitespace(&ps);
	struct json *root = parse_value(&ps);
	if (!root)
		return NULL;
	skip_whitespace(&ps);
	if (ps.p < ps.end) {
		json_free(root);
		return expected(&ps, "the end of the input after the value");
	}
	return root;
}

struct json *json_parse_file(const char *path)
{
	size_t size;
	char *text = read_file(path, &size);
	if (!text)
		return NULL;
	struct json *root = json_parse(text, size);
	free(text);
	if (!root)
		fail_context("cannot parse \"%s\"", path);
	return root;
}

/* --- reading a tree ------------------------------------------------------------------------ */

bool json_is(const struct json *node, enum json_type type)
{
	return node && node->type == type;
}

static bool key_is(const struct json *member, const char *key, size_t length)
{
	return member->key_length == length && memcmp(member->key, key, length) == 0;
}

static struct json *get_n(const struct json *obj, const char *key, size_t length)
{
	if (!json_is(obj, JSON_OBJECT))
		return NULL;
	struct json *found = NULL;
	for (struct json *m = obj->first; m; m = m->next)
		if (key_is(m, key, length))
			found = m;
	return found;
}

struct json *json_get(const struct json *obj, const char *key)
{
	return get_n(obj, key, strlen(key));
}

struct json *json_at(const struct json *arr, size_t index)
{
	if (!json_is(arr, JSON_ARRAY))
		return NULL;
	struct json *e = arr->first;
	while (e && index-- > 0)
		e = e->next;
	return e;
}

struct json *json_pointer(const struct json *root, const char *pointer)
{
	const struct json *node = root;
	const char *p = pointer;
	while (node && *p) {
		if (*p != '/')
			return NULL;
		p++;
		/* One reference token, with ~1 -> '/' and ~0 -> '~' (RFC 6901, section 4). */
		char token[1024];
		size_t n = 0;
		for (; *p && *p != '/'; p++) {
			char c = *p;
			if (c == '~') {
				if (p[1] != '0' && p[1] != '1')
					return NULL;
				c = *++p == '0' ? '~' : '/';
			}
			if (n + 1 >= sizeof(token))
				return NULL;
			token[n++] = c;
		}
		token[n] = '\0';
		if (node->type == JSON_OBJECT) {
			node = get_n(node, token, n);
		} else if (node->type == JSON_ARRAY) {
			char *end;
			if (n == 0 || (token[0] == '0' && n > 1) || token[0] < '0' || token[0] > '9')
				return NULL;
			unsigned long long index = strtoull(token, &end, 10);
			node = *end ? NULL : json_at(node, (size_t)index);
		} else {
			return NULL;
		}
	}
	return (struct json *)node;
}

const char *json_string(const struct json *node)
{
	return json_is(node, JSON_STRING) ? node->text : NULL;
}

const char *json_get_string(const struct json *obj, const char *key)
{
	return json_string(json_get(obj, key));
}

int json_double(const struct json *node, double *value)
{
	if (!json_is(node, JSON_NUMBER))
		return -1;
	/* strtod reads '.' as the decimal point because tinydock never calls setlocale(3). */
	*value = strtod(node->text, NULL);
	return 0;
}

int json_int64(const struct json *node, int64_t *value)
{
	if (!json_is(node, JSON_NUMBER))
		return -1;
	if (!strpbrk(node->text, ".eE")) {
		errno = 0;
		long long v = strtoll(node->text, NULL, 10);
		if (errno == ERANGE)
			return -1;
		*value = v;
		return 0;
	}
	/* "1e3" or "2.0": whole numbers written another way. */
	double d = strtod(node->text, NULL);
	if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) || (double)(int64_t)d != d)
		return -1;
	*value = (int64_t)d;
	return 0;
}

int json_bool(const struct json *node, bool *value)
{
	if (!node || (node->type != JSON_TRUE && node->type != JSON_FALSE))
		return -1;
	*value = node->type == JSON_TRUE;
	return 0;
}

bool json_equal(const struct json *a, const struct json *b)
{
	if (!a || !b)
		return a == b;
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case JSON_NUMBER: {
		if (a->length == b->length && memcmp(a->text, b->text, a->length) == 0)
			return true;
		double x = 0, y = 0;
		json_double(a, &x);
		json_double(b, &y);
		return x == y;
	}
	case JSON_STRING:
		return a->length == b->length && memcmp(a->text, b->text, a->length) == 0;
	case JSON_ARRAY:
		if (a->count != b->count)
			return false;
		for (const struct json *x = a->first, *y = b->first; x; x = x->next, y = y->next)
			if (!json_equal(x, y))
				return false;
		return true;
	case JSON_OBJECT:
		if (a->count != b->count)
			return false;
		for (const struct json *x = a->first; x; x = x->next)
			if (!json_equal(get_n(a, x->key, x->key_length), get_n(b, x->key, x->key_length)))
				return false;
		return true;
	default:
		return true;
	}
}

/* --- building a tree ----------------------------------------------------------------------- */

struct json *json_new_null(void)
{
	return new_node(JSON_NULL);
}

struct json *json_new_bool(bool value)
{
	return new_node(value ? JSON_TRUE : JSON_FALSE);
}

static struct json *new_text_node(enum json_type type, const char *text, size_t length)
{
	struct json *node = new_node(type);
	if (!node)
		return NULL;
	if (!(node->text = copy_bytes(text, length))) {
		free(node);
		return NULL;
	}
	node->length = length;
	return node;
}

struct json *json_new_int(int64_t value)
{
	char text[32];
	int n = snprintf(text, sizeof(text), "%lld", (long long)value);
	return new_text_node(JSON_NUMBER, text, (size_t)n);
}

struct json *json_new_double(double value)
{
	if (!isfinite(value)) {
		fail_errno(EINVAL, "json: %f cannot be written as a JSON number", value);
		return NULL;
	}
	/* The shortest form that reads back as the same double. */
	char text[40];
	int n = 0;
	for (int precision = 15; precision <= 17; precision++) {
		n = snprintf(text, sizeof(text), "%.*g", precision, value);
		if (strtod(text, NULL) == value)
			break;
	}
	return new_text_node(JSON_NUMBER, text, (size_t)n);
}

struct json *json_new_string(const char *text)
{
	return new_text_node(JSON_STRING, text, strlen(text));
}

struct json *json_new_stringn(const char *text, size_t length)
{
	return new_text_node(JSON_STRING, text, length);
}

struct json *json_new_array(void)
{
	return new_node(JSON_ARRAY);
}

struct json *json_new_object(void)
{
	return new_node(JSON_OBJECT);
}

struct json *json_add(struct json *obj, const char *key, struct json *value)
{
	if (!value)
		return NULL;
	if (!json_is(obj, JSON_OBJECT) || value->key) {
		json_free(value);
		fail_errno(EINVAL, "json: a member can only be added to an object, once");
		return NULL;
	}
	if (!(value->key = copy_bytes(key, strlen(key)))) {
		json_free(value);
		return NULL;
	}
	value->key_length = strlen(key);
	append_child(obj, value);
	return value;
}

struct json *json_set(struct json *obj, const char *key, struct json *value)
{
	struct json *old = json_get(obj, key);
	if (!old || !value)
		return old ? NULL : json_add(obj, key, value);
	/* Swap the contents, so the member keeps its place (and its key) in the object. */
	struct json saved = *old;
	old->type = value->type;
	old->text = value->text;
	old->length = value->length;
	old->first = value->first;
	old->last = value->last;
	old->count = value->count;
	value->text = saved.text;
	value->first = saved.first;
	value->next = NULL;
	json_free(value);
	return old;
}

struct json *json_append(struct json *arr, struct json *value)
{
	if (!value)
		return NULL;
	if (!json_is(arr, JSON_ARRAY)) {
		json_free(value);
		fail_errno(EINVAL, "json: an element can only be appended to an array");
		return NULL;
	}
	append_child(arr, value);
	return value;
}

size_t json_remove(struct json *obj, const char *key)
{
	if (!json_is(obj, JSON_OBJECT))
		return 0;
	size_t removed = 0, length = strlen(key);
	struct json **link = &obj->first, *previous = NULL;
	while (*link) {
		struct json *m = *link;
		if (key_is(m, key, length)) {
			*link = m->next;
			m->next = NULL;
			json_free(m);
			obj->count--;
			removed++;
		} else {
			previous = m;
			link = &m->next;
		}
	}
	obj->last = previous;
	return removed;
}

struct json *json_add_string(struct json *obj, const char *key, const char *text)
{
	return json_add(obj, key, json_new_string(text));
}

struct json *json_add_int(struct json *obj, const char *key, int64_t value)
{
	return json_add(obj, key, json_new_int(value));
}

struct json *json_add_bool(struct json *obj, const char *key, bool value)
{
	return json_add(obj, key, json_new_bool(value));
}

struct json *json_copy(const struct json *node)
{
	if (!node)
		return NULL;
	struct json *copy = new_node(node->type);
	if (!copy)
		return NULL;
	if (node->text && !(copy->text = copy_bytes(node->text, node->length)))
		goto fail;
	copy->length = node->length;
	if (node->key && !(copy->key = copy_bytes(node->key, node->key_length)))
		goto fail;
	copy->key_length = node->key_length;
	for (const struct json *c = node->first; c; c = c->next) {
		struct json *child = json_copy(c);
		if (!child)
			goto fail;
		append_child(copy, child);
	}
	return copy;
fail:
	json_free(copy);
	return NULL;
}
