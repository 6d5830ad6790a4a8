/*
 * yaml-schema.c - what a plain scalar means: YAML 1.2's core schema.
 *
 * A scalar is text; the schema decides which texts are something else (YAML 1.2.2, section
 * 10.3.2, the core schema, a superset of JSON's):
 *     null   null Null NULL ~ and the empty scalar
 *     bool   true True TRUE false False FALSE                 (only these)
 *     int    [-+]?[0-9]+   0o[0-7]+   0x[0-9a-fA-F]+
 *     float  [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?   [-+]?.inf   .nan
 *     str    everything else, and every quoted or block scalar
 * YAML 1.1 read far more: yes/no/on/off/y/n as booleans (the "Norway problem": the country
 * code NO became false), 0777 as octal, 1:30 as a base-60 number (so "- 22:22" was the
 * integer 1342). In 1.2 these are strings: `- 3000:3000` is the string "3000:3000".
 * A tag overrides the schema: `!!str 80` is a string, and the non-specific `!` too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "yaml.h"

static bool is_one_of(const char *text, const char *const words[])
{
	for (size_t i = 0; words[i]; i++)
		if (strcmp(text, words[i]) == 0)
			return true;
	return false;
}

static bool all_digits(const char *s, const char *digits)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr(digits, *s))
			return false;
	return true;
}

static bool is_core_int(const char *t)
{
	if (t[0] == '0' && t[1] == 'o')
		return all_digits(t + 2, "01234567");
	if (t[0] == '0' && t[1] == 'x')
		return all_digits(t + 2, "0123456789abcdefABCDEF");
	if (*t == '-' || *t == '+')
		t++;
	return all_digits(t, "0123456789");
}

static bool is_core_float(const char *t)
{
	static const char *const special[] = {".nan", ".NaN", ".NAN", NULL};
	static const char *const infinity[] = {".inf", ".Inf", ".INF", NULL};
	if (is_one_of(t, special))
		return true;
	if (*t == '-' || *t == '+')
		t++;
	if (is_one_of(t, infinity))
		return true;
	size_t whole = strspn(t, "0123456789");
	t += whole;
	size_t fraction = 0;
	if (*t == '.') {
		t++;
		fraction = strspn(t, "0123456789");
		t += fraction;
	}
	if (whole == 0 && fraction == 0)
		return false;
	if (*t == 'e' || *t == 'E') {
		t++;
		if (*t == '-' || *t == '+')
			t++;
		size_t exponent = strspn(t, "0123456789");
		if (exponent == 0)
			return false;
		t += exponent;
	}
	return *t == '\0';
}

enum yaml_type yaml_scalar_type(const struct yaml_node *node)
{
	static const char *const nulls[] = {"null", "Null", "NULL", "~", "", NULL};
	static const char *const bools[] = {"true", "True", "TRUE", "false", "False", "FALSE", NULL};
	if (node->tag) {
		static const struct {
			const char *tag;
			enum yaml_type type;
		} tags[] = {{"tag:yaml.org,2002:str", YAML_TYPE_STRING}, {"tag:yaml.org,2002:null", YAML_TYPE_NULL},
			    {"tag:yaml.org,2002:bool", YAML_TYPE_BOOL},   {"tag:yaml.org,2002:int", YAML_TYPE_INT},
			    {"tag:yaml.org,2002:float", YAML_TYPE_FLOAT}, {"!", YAML_TYPE_STRING}};
		for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
			if (strcmp(node->tag, tags[i].tag) == 0)
				return tags[i].type;
		/* an application's own tag (!reset, !override): read the text as if untagged */
	}
	if (node->style != YAML_PLAIN || strlen(node->text) != node->length)
		return YAML_TYPE_STRING;
	if (is_one_of(node->text, nulls))
		return YAML_TYPE_NULL;
	if (is_one_of(node->text, bools))
		return YAML_TYPE_BOOL;
	if (is_core_int(node->text))
		return YAML_TYPE_INT;
	if (is_core_float(node->text))
		return YAML_TYPE_FLOAT;
	return YAML_TYPE_STRING;
}

int yaml_int64(const struct yaml_node *node, int64_t *value)
{
	if (!node || node->kind != YAML_SCALAR || yaml_scalar_type(node) != YAML_TYPE_INT || !is_core_int(node->text))
		return -1;
	const char *t = node->text;
	int base = 10;
	if (t[0] == '0' && (t[1] == 'o' || t[1] == 'x')) {
		base = t[1] == 'o' ? 8 : 16;
		t += 2;
	}
	char *end;
	errno = 0;
	long long v = strtoll(t, &end, base);
	if (errno || *end)
		return -1;
	*value = v;
	return 0;
}

int yaml_bool(const struct yaml_node *node, bool *value)
{
	if (!node || node->kind != YAML_SCALAR || yaml_scalar_type(node) != YAML_TYPE_BOOL)
		return -1;
	if (strcmp(node->text, "true") == 0 || strcmp(node->text, "True") == 0 || strcmp(node->text, "TRUE") == 0)
		*value = true;
	else if (strcmp(node->text, "false") == 0 || strcmp(node->text, "False") == 0 ||
		 strcmp(node->text, "FALSE") == 0)
		*value = false;
	else
		return -1; /* tagged !!bool but not one of the six */
	return 0;
}
