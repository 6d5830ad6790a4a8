/*
 * yaml-write.c - a value written as YAML (yaml.h, yaml_write): what `compose config` prints.
 *
 * The value is a JSON tree (json.h), the data model YAML shares with JSON, written in block
 * style, as people write compose files: a mapping one key a line, a sequence one `- ` item a
 * line, nested two spaces deeper. Strings are written plain when a reader would read them
 * back as the same string, and double-quoted otherwise: "5000" (plain, it would be a
 * number), "true", "null", "" and anything starting with an indicator (`-`, `*`, `&`, `{`...)
 * or holding `: ` or ` #`. `yes`, `no`, `on` and `off` are quoted too, and `1000:1000`: YAML
 * 1.2 reads them as strings, YAML 1.1 (and many tools still) as booleans and base-60 numbers.
 */
#include <stdio.h>
#include <string.h>

#include "yaml.h"

/* Whether text, written plain, reads back as the same string in YAML 1.2 and 1.1 alike. */
static bool plain_is_safe(const char *text, size_t length)
{
	static const char *const yaml11_booleans[] = { "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
						       "on", "On", "ON", "off", "Off", "OFF" };
	if (length == 0 || strlen(text) != length)
		return false;
	if (strchr("-?:,[]{}#&*!|>'\"%@` \t", text[0]) || text[length - 1] == ' ' || text[length - 1] == ':')
		return false;
	if (strstr(text, ": ") || strstr(text, " #") || strpbrk(text, "\n\r\t"))
		return false;
	for (size_t i = 0; i < length; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			return false;
	for (size_t i = 0; i < sizeof yaml11_booleans / sizeof yaml11_booleans[0]; i++)
		if (strcmp(text, yaml11_booleans[i]) == 0)
			return false;
	/* YAML 1.1 read 1000:1000 as a number in base 60 (3601000), and 22:22 as 1342. */
	if (strchr(text, ':') && strspn(text, "0123456789:._") == length)
		return false;
	/* What YAML 1.2's core schema would make of it: only a string stays a string. */
	struct yaml_node plain = { .kind = YAML_SCALAR, .style = YAML_PLAIN, .text = (char *)text, .length = length };
	return yaml_scalar_type(&plain) == YAML_TYPE_STRING;
}

static void write_quoted(FILE *out, const char *text, size_t length)
{
	fputc('"', out);
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void write_string(FILE *out, const char *text, size_t length)
{
	if (plain_is_safe(text, length))
		fwrite(text, 1, length, out);
	else
		write_quoted(out, text, length);
}

static bool is_collection(const struct json *value)
{
	return value->type == JSON_OBJECT || value->type == JSON_ARRAY;
}

/* A scalar, an empty collection ({} or []), written where the caller stands. */
static void write_inline(FILE *out, const struct json *value)
{
	switch (value->type) {
	case JSON_NULL: fputs("null", out); break;
	case JSON_TRUE: fputs("true", out); break;
	case JSON_FALSE: fputs("false", out); break;
	case JSON_NUMBER: fputs(value->text, out); break;
	case JSON_STRING: write_string(out, value->text, value->length); break;
	case JSON_ARRAY: fputs("[]", out); break;
	case JSON_OBJECT: fputs("{}", out); break;
	}
}

static void write_block(FILE *out, const struct json *value, int indent, bool first_on_line);

/* A member's value after "key:", or an item's after "- ". */
static void write_value(FILE *out, const struct json *value, int indent, bool after_dash)
{
	if (!is_collection(value) || value->count == 0) {
		fputc(' ', out);
		write_inline(out, value);
		fputc('\n', out);
	} else if (after_dash && value->type == JSON_OBJECT) {
		fputc(' ', out); /* "- key: value": the mapping's first member on the dash's line */
		write_block(out, value, indent, true);
	} else {
		fputc('\n', out);
		write_block(out, value, indent, false);
	}
}

/* A non-empty collection at indent; first_on_line: the line is already indented. */
static void write_block(FILE *out, const struct json *value, int indent, bool first_on_line)
{
	json_for_each(item, value) {
		if (!first_on_line)
			fprintf(out, "%*s", indent, "");
		first_on_line = false;
		if (value->type == JSON_OBJECT) {
			write_string(out, item->key, item->key_length);
			fputc(':', out);
			/* A sequence nests two spaces deeper than its key, as `compose config` does. */
			write_value(out, item, indent + 2, false);
		} else {
			fputc('-', out);
			write_value(out, item, indent + 2, true);
		}
	}
}

int yaml_write(FILE *out, const struct json *value)
{
	if (is_collection(value) && value->count > 0)
		write_block(out, value, 0, false);
	else {
		write_inline(out, value);
		fputc('\n', out);
	}
	return ferror(out) ? -1 : 0;
}
