/*
 * yaml-block.c - block collections: structure written by indentation.
 *
 * A block mapping is lines of `key: value` at one indentation; a value is what follows the
 * ':' on its line, or the lines below it that are indented more (a block sequence may also
 * sit at the key's own indentation, as compose files often write their lists):
 *
 *     services:                   a mapping at column 1
 *       web:                      a mapping at column 3, the value of "services"
 *         ports:
 *         - "8080:80"             a sequence at the indentation of its key
 *         command: [nginx, -g, daemon off;]   a flow sequence
 *
 * A key is found by reading a node and then seeing a ':' followed by a blank after it, on
 * the same line (YAML 1.2.2, section 7.4.2: an implicit key is one line). "- a: 1" and
 * "- - a" are compact forms: a collection that starts on the line of a sequence's dash, at
 * the column where it starts. [ ] and { } are read by yaml-flow.c.
 *
 * Tabs never indent (section 6.1): a tab before a block collection is an error.
 */
#include <stdlib.h>

#include "yaml-internal.h"

static struct yaml_node *block_mapping(struct yaml_parser *p, int m, struct yaml_node *first_key);

/* "- a" lines at column m */
static struct yaml_node *block_sequence(struct yaml_parser *p, int m)
{
	struct yaml_node *seq = yaml_node_new(p, YAML_SEQUENCE, YAML_BLOCK, p->at);
	if (!seq)
		return NULL;
	for (;;) {
		yaml_advance(p, 1); /* '-' */
		struct yaml_node *item = yaml_block_node(p, m, AFTER_SEQUENCE_DASH, false);
		if (!item)
			goto fail;
		yaml_append(seq, item);
		int k = yaml_next_content_line(p);
		if (k == -2)
			goto fail;
		bool dash = yaml_peek(p, 0) == '-' && yaml_is_blank_or_end(yaml_peek(p, 1));
		if (k == m && dash)
			continue;
		if (k > m) {
			yaml_fail(p, p->at, "wrong indentation: %s at column %d", "a sequence's items are", m + 1);
			goto fail;
		}
		return seq;
	}
fail:
	yaml_free(seq);
	return NULL;
}

/* A key at the start of a block mapping's line: "key:", "&a key:", "'key':", ": value". */
static struct yaml_node *block_key(struct yaml_parser *p, int m)
{
	struct yaml_properties props = {0};
	struct yaml_node *key = NULL;
	if (yaml_peek(p, 0) == '\t') {
		yaml_fail(p, p->at, "a tab character used for indentation (tabs never indent)");
		return NULL;
	}
	while (yaml_at_property(yaml_peek(p, 0)))
		if (yaml_read_property(p, &props) < 0)
			goto out;
	if (yaml_at_value_indicator(p, false, false)) {
		key = yaml_empty_node(p, p->at);
	} else if (yaml_peek(p, 0) == '-' && yaml_is_blank_or_end(yaml_peek(p, 1))) {
		yaml_fail(p, p->at, "a sequence item where a mapping key is expected");
		goto out;
	} else {
		if (yaml_peek(p, 0) == '*' && (props.anchor || props.tag)) {
			yaml_fail(p, p->at, "an alias cannot have an anchor or a tag");
			goto out;
		}
		key = yaml_flow_content(p, m, false, NULL);
	}
	if (!key)
		goto out;
	if (props.anchor || props.tag) {
		key->line = props.at.line, key->column = props.at.column + 1;
		if (yaml_apply_properties(p, key, &props) < 0) {
			yaml_free(key);
			key = NULL;
			goto out;
		}
	}
	yaml_skip_blanks(p);
	if (!yaml_at_value_indicator(p, false, false)) {
		yaml_fail(p, p->at, "expected ':' after the mapping key that starts at line %d, column %d", key->line,
			  key->column);
		yaml_free(key);
		key = NULL;
	} else if (key->line != p->at.line) {
		yaml_fail(p, yaml_node_mark(key), "a mapping key must be on one line with its ':'");
		yaml_free(key);
		key = NULL;
	}
out:
	yaml_clear_properties(&props);
	return key;
}

/* "key: value" lines at column m; the first key may have been read already. */
static struct yaml_node *block_mapping(struct yaml_parser *p, int m, struct yaml_node *first_key)
{
	struct yaml_mark start = first_key ? yaml_node_mark(first_key) : p->at;
	struct yaml_node *map = yaml_node_new(p, YAML_MAPPING, YAML_BLOCK, start);
	struct yaml_node *key = first_key;
	if (!map) {
		yaml_free(key);
		return NULL;
	}
	for (;;) {
		struct yaml_node *value;
		if (!key && yaml_peek(p, 0) == '?' && yaml_is_blank_or_end(yaml_peek(p, 1))) {
			/* "? key" and, on a later line, ": value" */
			yaml_advance(p, 1);
			if (!(key = yaml_block_node(p, m, AFTER_EXPLICIT_INDICATOR, false)))
				goto fail;
			int k = yaml_next_content_line(p);
			if (k == -2) {
				yaml_free(key);
				goto fail;
			}
			if (k == m && yaml_peek(p, 0) == ':' && yaml_is_blank_or_end(yaml_peek(p, 1))) {
				yaml_advance(p, 1);
				value = yaml_block_node(p, m, AFTER_EXPLICIT_INDICATOR, false);
			} else {
				value = yaml_empty_node(p, p->at);
			}
		} else {
			if (!key && !(key = block_key(p, m)))
				goto fail;
			yaml_advance(p, 1); /* ':' */
			value = yaml_block_node(p, m, AFTER_MAPPING_COLON, false);
		}
		if (!value) {
			yaml_free(key);
			goto fail;
		}
		if (yaml_mapping_add(p, map, key, value) < 0)
			goto fail;
		key = NULL;
		int k = yaml_next_content_line(p);
		if (k == -2)
			goto fail;
		if (k < m)
			break;
		if (k > m) {
			yaml_fail(p, p->at, "wrong indentation: %s at column %d", "this mapping's keys are", m + 1);
			goto fail;
		}
	}
	if (yaml_merge_keys(p, map) < 0)
		goto fail;
	return map;
fail:
	yaml_free(map);
	return NULL;
}

static bool at_sequence_dash(const struct yaml_parser *p)
{
	return yaml_peek(p, 0) == '-' && yaml_is_blank_or_end(yaml_peek(p, 1));
}

/* Can a block collection start on the same line as what comes before it? "- - a" and
 * "- a: 1" (compact forms) and "? - a" yes; "a: b: c", "a: - b", "--- a: 1" no. */
static bool compact_allowed(enum yaml_block_context context)
{
	return context == AFTER_SEQUENCE_DASH || context == AFTER_EXPLICIT_INDICATOR;
}

struct yaml_node *yaml_block_node(struct yaml_parser *p, int n, enum yaml_block_context context, bool at_line_start)
{
	if (yaml_enter(p) < 0)
		return NULL;
	struct yaml_properties outer = {0}; /* properties on lines before the content */
	struct yaml_properties inner = {0}; /* properties on the content's line */
	struct yaml_node *node = NULL;
	bool same_line = !at_line_start, tab_before = false;
	struct yaml_mark empty_at = p->at;
	if (at_line_start && yaml_peek(p, 0) == '\t')
		tab_before = yaml_skip_blanks(p);
	for (;;) {
		if (!at_line_start)
			tab_before |= yaml_skip_blanks(p);
		at_line_start = false;
		int c = yaml_peek(p, 0);
		bool comment = c == '#' && (p->at.column == 0 || yaml_is_blank(p->text[p->at.pos - 1]));
		if (c == '\n' || c == 0 || comment) {
			/* nothing more on this line: the node is on the lines below, or empty */
			if (inner.anchor || inner.tag) {
				if ((inner.anchor && outer.anchor) || (inner.tag && outer.tag)) {
					yaml_fail(p, inner.at, "a node can have only one anchor and one tag");
					goto out;
				}
				if (!outer.anchor && !outer.tag)
					outer.at = inner.at;
				if (inner.anchor)
					outer.anchor = inner.anchor;
				if (inner.tag)
					outer.tag = inner.tag;
				inner = (struct yaml_properties){0};
			}
			int k = yaml_next_content_line(p);
			if (k == -2)
				goto out;
			if (k > n || (k == n && context == AFTER_MAPPING_COLON && at_sequence_dash(p))) {
				same_line = false;
				tab_before = yaml_peek(p, 0) == '\t';
				yaml_skip_blanks(p);
				continue;
			}
			node = yaml_empty_node(p, outer.anchor || outer.tag ? outer.at : empty_at);
			goto properties;
		}
		if (yaml_at_property(c)) {
			if (yaml_read_property(p, &inner) < 0)
				goto out;
			continue;
		}
		break;
	}

	struct yaml_mark start = p->at;
	int c = yaml_peek(p, 0);
	if ((c == '-' || c == '?') && yaml_is_blank_or_end(yaml_peek(p, 1))) {
		if (same_line && !compact_allowed(context)) {
			yaml_fail(p, start, "a block %s cannot start on this line", c == '-' ? "sequence" : "mapping");
			goto out;
		}
		if (inner.anchor || inner.tag) {
			yaml_fail(p, inner.at, "an anchor or tag on the line of a '%c' entry belongs to no node", c);
			goto out;
		}
		if (tab_before) {
			yaml_fail(p, start, "a tab before a block collection (tabs never indent)");
			goto out;
		}
		node = c == '-' ? block_sequence(p, start.column) : block_mapping(p, start.column, NULL);
	} else if (c == '|' || c == '>') {
		node = yaml_block_scalar(p, n);
	} else {
		struct yaml_mark key_start = inner.anchor || inner.tag ? inner.at : start;
		bool empty_key = yaml_at_value_indicator(p, false, false);
		if (c == '*' && (inner.anchor || inner.tag)) {
			yaml_fail(p, p->at, "an alias cannot have an anchor or a tag");
			goto out;
		}
		node = empty_key ? yaml_empty_node(p, start) : yaml_flow_content(p, n, false, NULL);
		if (!node)
			goto out;
		if (!empty_key)
			yaml_skip_blanks(p);
		if (!yaml_at_value_indicator(p, false, false)) { /* a scalar or a flow collection */
			if (c == '*' && (outer.anchor || outer.tag)) {
				yaml_fail(p, start, "an alias cannot have an anchor or a tag");
				goto out;
			}
			goto properties;
		}
		/* a key: the node starts a block mapping */
		if (same_line && !compact_allowed(context)) {
			yaml_fail(p, p->at, "a mapping cannot start on this line (is a value missing quotes?)");
			goto out;
		}
		if (node->line != p->at.line) {
			yaml_fail(p, yaml_node_mark(node), "a mapping key must be on one line with its ':'");
			goto out;
		}
		if (tab_before) {
			yaml_fail(p, key_start, "a tab before a block mapping (tabs never indent)");
			goto out;
		}
		if (inner.anchor || inner.tag) {
			node->line = inner.at.line, node->column = inner.at.column + 1;
			if (yaml_apply_properties(p, node, &inner) < 0)
				goto out;
		}
		struct yaml_node *key = node;
		node = block_mapping(p, key_start.column, key);
	}

properties: /* the node is read: give it its anchor and tag */
	if (!node)
		goto out;
	if ((inner.anchor && outer.anchor) || (inner.tag && outer.tag)) {
		yaml_fail(p, inner.at, "a node can have only one anchor and one tag");
		goto out;
	}
	if (inner.anchor || inner.tag) {
		node->line = inner.at.line, node->column = inner.at.column + 1;
		if (yaml_apply_properties(p, node, &inner) < 0)
			goto out;
	}
	if (outer.anchor || outer.tag) {
		if (node->line == 0 || node->line > outer.at.line)
			node->line = outer.at.line, node->column = outer.at.column + 1;
		if (yaml_apply_properties(p, node, &outer) < 0)
			goto out;
	}
	yaml_clear_properties(&inner);
	yaml_clear_properties(&outer);
	p->depth--;
	return node;
out:
	yaml_free(node);
	yaml_clear_properties(&inner);
	yaml_clear_properties(&outer);
	p->depth--;
	return NULL;
}
