/*
 * json-write.c - writing a JSON tree (json.h) back to text, for manifests, configs and `inspect`.
 *
 * Two layouts: compact ({"a":1,"b":[true]}), the bytes that are hashed and stored, and
 * indented, one member per line, as `inspect` shows. Members come out in the order they are
 * in the tree, so the same tree always gives the same bytes and so the same digest. Strings
 * get exactly the escapes RFC 8259 (section 7) requires: quote, backslash and the control
 * characters U+0000..U+001F; everything else, UTF-8 included, is written as it is.
 *
 * Read json.c first for the tree this walks.
 */
#include "json.h"
#include "error.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growing output buffer; after a failed allocation it stops growing and says so. */
struct out {
	char *data;
	size_t length, capacity;
	bool failed;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->failed)
		return;
	if (o->length + n + 1 > o->capacity) {
		size_t capacity = o->capacity ? o->capacity : 256;
		while (o->length + n + 1 > capacity)
			capacity *= 2;
		char *bigger = realloc(o->data, capacity);
		if (!bigger) {
			o->failed = true;
			return;
		}
		o->data = bigger;
		o->capacity = capacity;
	}
	memcpy(o->data + o->length, s, n);
	o->length += n;
	o->data[o->length] = '\0';
}

static void put_char(struct out *o, char c)
{
	put(o, &c, 1);
}

/* A string with the escapes RFC 8259 requires: quote, backslash, and U+0000..U+001F. */
static void put_string(struct out *o, const char *s, size_t n)
{
	put_char(o, '"');
	size_t run = 0; /* bytes that need no escape, written in one go */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\') {
			run++;
			continue;
		}
		put(o, s + i - run, run);
		run = 0;
		char escape[8];
		const char *short_form = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\t' ? "\\t" :
					 c == '\r' ? "\\r" : c == '\b' ? "\\b" : c == '\f' ? "\\f" : NULL;
		if (!short_form) {
			snprintf(escape, sizeof(escape), "\\u%04x", c);
			short_form = escape;
		}
		put(o, short_form, strlen(short_form));
	}
	put(o, s + n - run, run);
	put_char(o, '"');
}

static void put_newline(struct out *o, int indent, int level)
{
	if (indent <= 0)
		return;
	put_char(o, '\n');
	for (int i = 0; i < indent * level; i++)
		put_char(o, ' ');
}

static void put_value(struct out *o, const struct json *node, int indent, int level)
{
	switch (node->type) {
	case JSON_NULL:
		put(o, "null", 4);
		break;
	case JSON_FALSE:
		put(o, "false", 5);
		break;
	case JSON_TRUE:
		put(o, "true", 4);
		break;
	case JSON_NUMBER:
		put(o, node->text, node->length);
		break;
	case JSON_STRING:
		put_string(o, node->text, node->length);
		break;
	case JSON_ARRAY:
	case JSON_OBJECT: {
		bool object = node->type == JSON_OBJECT;
		put_char(o, object ? '{' : '[');
		for (const struct json *c = node->first; c; c = c->next) {
			put_newline(o, indent, level + 1);
			if (object) {
				put_string(o, c->key, c->key_length);
				put(o, indent > 0 ? ": " : ":", indent > 0 ? 2 : 1);
			}
			put_value(o, c, indent, level + 1);
			if (c->next)
				put_char(o, ',');
		}
		if (node->first)
			put_newline(o, indent, level);
		put_char(o, object ? '}' : ']');
		break;
	}
	}
}

char *json_write(const struct json *node, int indent, size_t *length)
{
	struct out o = { 0 };
	put_value(&o, node, indent, 0);
	if (o.failed) {
		free(o.data);
		fail_errno(ENOMEM, "json: cannot write a document of %zu bytes", o.length);
		return NULL;
	}
	if (length)
		*length = o.length;
	return o.data;
}
