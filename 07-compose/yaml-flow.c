/*
 * yaml-flow.c - flow collections, [ ] and { }: JSON's shapes inside YAML.
 *
 *     command: [nginx, -g, "daemon off;"]
 *     labels: {tier: front, "com.example.team": web}
 *
 * Inside brackets, indentation carries no structure: ',' separates entries and entries may
 * spread over lines, which must only stay more indented than the block around them (YAML
 * 1.2.2, chapter 7). A sequence entry may be a pair ("[a: 1]" is a list holding the mapping
 * {a: 1}), whose key is one line. A mapping entry without ':' has an empty (null) value.
 * This file also reads what a node is when it fits on one line (an alias, a quoted or plain
 * scalar, a flow collection), which block structure uses too.
 */
#include <stdlib.h>

#include "yaml-internal.h"

int yaml_enter(struct yaml_parser *p)
{
	if (++p->depth > YAML_MAX_DEPTH)
		return yaml_fail(p, p->at, "nesting deeper than %d levels", YAML_MAX_DEPTH);
	return 0;
}

static struct yaml_node *flow_node(struct yaml_parser *p, int n, bool *json_like);

/* Blanks, comments and line breaks between the parts of a flow collection. Lines must be
 * indented more than n, the block the collection is in. */
static int skip_flow_space(struct yaml_parser *p, int n)
{
	for (;;) {
		bool blank = yaml_skip_blanks(p) || p->at.column == 0 || yaml_is_blank(p->text[p->at.pos - 1]);
		if (yaml_peek(p, 0) == '#' && blank)
			while (yaml_peek(p, 0) != '\n' && yaml_peek(p, 0) != 0)
				yaml_advance(p, 1);
		if (yaml_peek(p, 0) != '\n')
			return 0;
		yaml_advance(p, 1);
		if (yaml_at_document_marker(p))
			return yaml_fail(p, p->at, "a document marker inside [ ] or { }");
		int indent = 0;
		while (yaml_peek(p, 0) == ' ')
			yaml_advance(p, 1), indent++;
		struct yaml_mark line = p->at;
		yaml_skip_blanks(p);
		int c = yaml_peek(p, 0);
		/* The specification wants even the closing bracket indented more than n; libyaml
		 * and go-yaml (Docker Compose's parser) take "key: [\n  a,\n]" with the bracket
		 * under the key, and so do we (for the bracket alone, no other line). */
		bool closing_under_key = indent == n && (c == ']' || c == '}');
		if (indent <= n && c != '\n' && c != 0 && c != '#' && !closing_under_key)
			return yaml_fail(p, line, "a line inside [ ] or { } must be indented more than its parent");
	}
}

/* "[ a, b ]" or "{ a: 1, b }" */
static struct yaml_node *flow_collection(struct yaml_parser *p, int n)
{
	struct yaml_mark start = p->at;
	bool mapping = yaml_peek(p, 0) == '{';
	int close = mapping ? '}' : ']';
	struct yaml_node *collection = yaml_node_new(p, mapping ? YAML_MAPPING : YAML_SEQUENCE, YAML_FLOW, start);
	if (!collection)
		return NULL;
	yaml_advance(p, 1);
	for (;;) {
		if (skip_flow_space(p, n) < 0)
			goto fail;
		if (yaml_peek(p, 0) == 0) {
			yaml_fail(p, start, "'%c' without its closing '%c'", mapping ? '{' : '[', close);
			goto fail;
		}
		if (yaml_peek(p, 0) == close) {
			yaml_advance(p, 1);
			break;
		}
		/* one entry: a node, or key: value (in a sequence, a mapping of one pair) */
		struct yaml_mark entry = p->at;
		bool explicit_key = yaml_peek(p, 0) == '?' && yaml_is_blank_or_end(yaml_peek(p, 1));
		if (explicit_key) {
			yaml_advance(p, 1);
			if (skip_flow_space(p, n) < 0)
				goto fail;
		}
		bool json_key = false;
		struct yaml_node *key;
		int c = yaml_peek(p, 0);
		if (yaml_at_value_indicator(p, true, false) || (explicit_key && (c == ',' || c == close)))
			key = yaml_empty_node(p, p->at);
		else
			key = flow_node(p, n, &json_key);
		if (!key)
			goto fail;
		int key_end_line = p->at.line;
		if (skip_flow_space(p, n) < 0) {
			yaml_free(key);
			goto fail;
		}
		struct yaml_node *value = NULL;
		if (yaml_at_value_indicator(p, true, json_key)) {
			if (!mapping && !explicit_key && (key->line != p->at.line || key_end_line != p->at.line)) {
				yaml_fail(p, p->at, "the key of a pair inside [ ] must be on one line with its ':'");
				yaml_free(key);
				goto fail;
			}
			yaml_advance(p, 1);
			if (skip_flow_space(p, n) < 0) {
				yaml_free(key);
				goto fail;
			}
			c = yaml_peek(p, 0);
			value = c == ',' || c == close ? yaml_empty_node(p, p->at) : flow_node(p, n, NULL);
			if (!value) {
				yaml_free(key);
				goto fail;
			}
		} else if (mapping || explicit_key) {
			if (!(value = yaml_empty_node(p, p->at))) {
				yaml_free(key);
				goto fail;
			}
		}
		if (mapping) {
			if (yaml_mapping_add(p, collection, key, value) < 0)
				goto fail;
		} else if (value) {
			struct yaml_node *pair = yaml_node_new(p, YAML_MAPPING, YAML_FLOW, entry);
			if (!pair || yaml_mapping_add(p, pair, key, value) < 0) {
				if (!pair)
					yaml_free(key), yaml_free(value);
				yaml_free(pair);
				goto fail;
			}
			yaml_append(collection, pair);
		} else {
			yaml_append(collection, key);
		}
		if (skip_flow_space(p, n) < 0)
			goto fail;
		if (yaml_peek(p, 0) == ',') {
			yaml_advance(p, 1);
		} else if (yaml_peek(p, 0) != close) {
			if (yaml_peek(p, 0) == 0)
				yaml_fail(p, start, "'%c' without its closing '%c'", mapping ? '{' : '[', close);
			else
				yaml_fail(p, p->at, "expected ',' or '%c' inside %s", close, mapping ? "{ }" : "[ ]");
			goto fail;
		}
	}
	if (mapping && yaml_merge_keys(p, collection) < 0)
		goto fail;
	return collection;
fail:
	yaml_free(collection);
	return NULL;
}

struct yaml_node *yaml_flow_content(struct yaml_parser *p, int n, bool flow, bool *json_like)
{
	int c = yaml_peek(p, 0);
	if (json_like)
		*json_like = c == '[' || c == '{' || c == '"' || c == '\'';
	if (c == '*') {
		struct yaml_mark at = p->at;
		char *name = yaml_read_anchor_name(p);
		if (!name)
			return NULL;
		struct yaml_node *copy = yaml_alias(p, name, at);
		free(name);
		return copy;
	}
	if (c == '[' || c == '{')
		return flow_collection(p, n);
	if (c == '"' || c == '\'')
		return yaml_quoted_scalar(p, n);
	if (yaml_plain_can_start(p, flow))
		return yaml_plain_scalar(p, n, flow);
	if (c == '-' || c == '?' || c == ':')
		yaml_fail(p, p->at, "'%c' followed by a blank is not allowed here", c);
	else if (c == '%' || c == '@' || c == '`')
		yaml_fail(p, p->at, "a plain scalar cannot start with the reserved character '%c'", c);
	else if (c == 0 || c == '\n')
		yaml_fail(p, p->at, "a node was expected here");
	else if (c == '\t')
		yaml_fail(p, p->at, "a tab character used for indentation (tabs never indent)");
	else {
		char what[16];
		yaml_describe_char(p, what);
		yaml_fail(p, p->at, "unexpected %s", what);
	}
	return NULL;
}

/* A node inside [ ] or { }, with its anchor and tag. */
static struct yaml_node *flow_node(struct yaml_parser *p, int n, bool *json_like)
{
	if (yaml_enter(p) < 0)
		return NULL;
	struct yaml_properties props = {0};
	struct yaml_node *node = NULL;
	struct yaml_mark start = p->at;
	while (yaml_at_property(yaml_peek(p, 0)))
		if (yaml_read_property(p, &props) < 0 || skip_flow_space(p, n) < 0)
			goto out;
	int c = yaml_peek(p, 0);
	if ((props.anchor || props.tag) && (c == ',' || c == ']' || c == '}' || yaml_at_value_indicator(p, true, false))) {
		node = yaml_empty_node(p, start); /* "[ &a , b ]": an empty node with an anchor */
		if (json_like)
			*json_like = false;
	} else {
		if (c == '*' && (props.anchor || props.tag)) {
			yaml_fail(p, p->at, "an alias cannot have an anchor or a tag");
			goto out;
		}
		node = yaml_flow_content(p, n, true, json_like);
	}
	if (node && (props.anchor || props.tag)) {
		node->line = props.at.line, node->column = props.at.column + 1;
		if (yaml_apply_properties(p, node, &props) < 0) {
			yaml_free(node);
			node = NULL;
		}
	}
out:
	yaml_clear_properties(&props);
	p->depth--;
	return node;
}
