/*
 * yaml-json.c - a YAML node as JSON: the value the YAML test suite writes down for each case,
 * and what `compose config --format json` prints.
 *
 * JSON is YAML's core schema without the syntax: scalars become null, true/false, numbers or
 * strings by yaml_scalar_type; mappings become objects, whose keys are strings (a key that is
 * a collection has no JSON form, and is an error). Numbers are written in JSON's form:
 * 0o17 and 0x0F become 15, 1. becomes 1. JSON has no infinity or NaN: .inf and .nan stay
 * strings.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "yaml.h"

static struct json *scalar_to_json(const struct yaml_node *node)
{
	int64_t i;
	switch (yaml_scalar_type(node)) {
	case YAML_TYPE_NULL:
		return json_new_null();
	case YAML_TYPE_BOOL: {
		bool b;
		if (yaml_bool(node, &b) == 0)
			return json_new_bool(b);
		break;
	}
	case YAML_TYPE_INT:
		if (yaml_int64(node, &i) == 0)
			return json_new_int(i);
		/* too large for 64 bits: as a floating point number, as JSON readers take it */
		/* fall through */
	case YAML_TYPE_FLOAT: {
		char *end;
		const char *t = node->text;
		double d = strtod(t[0] == '0' && t[1] == 'o' ? "x" : t, &end);
		if (*end == '\0' && isfinite(d))
			return json_new_double(d);
		break;
	}
	case YAML_TYPE_STRING:
		break;
	}
	return json_new_stringn(node->text, node->length);
}

struct json *yaml_to_json(const struct yaml_node *node)
{
	if (node->kind == YAML_SCALAR)
		return scalar_to_json(node);
	struct json *out = node->kind == YAML_MAPPING ? json_new_object() : json_new_array();
	if (!out)
		return NULL;
	yaml_for_each(item, node) {
		struct json *value = yaml_to_json(item);
		if (!value) {
			json_free(out);
			return NULL;
		}
		if (node->kind == YAML_SEQUENCE) {
			if (!json_append(out, value)) {
				json_free(out);
				return NULL;
			}
			continue;
		}
		if (item->key->kind != YAML_SCALAR) {
			json_free(value);
			json_free(out);
			fail_errno(0, "%d:%d: a mapping key that is a %s has no JSON form", item->key->line,
				   item->key->column, item->key->kind == YAML_MAPPING ? "mapping" : "sequence");
			return NULL;
		}
		if (!json_add(out, item->key->text, value)) {
			json_free(out);
			return NULL;
		}
	}
	return out;
}
