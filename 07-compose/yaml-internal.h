/*
 * yaml-internal.h - what the files of the YAML parser share, and nobody else needs.
 *
 * The parser reads the text once, front to back, by hand (recursive descent): yaml-reader.c
 * moves through the characters and knows lines, columns, comments and indentation;
 * yaml-scalar.c reads the four kinds of scalars; yaml-properties.c anchors and tags;
 * yaml-block.c and yaml-flow.c collections; yaml-document.c the documents of a stream;
 * yaml-anchors.c expands aliases and merge keys; yaml-tree.c makes, copies and frees nodes;
 * yaml-schema.c says what a scalar means, and yaml-json.c turns a tree into JSON.
 */
#ifndef TINYDOCK_YAML_INTERNAL_H
#define TINYDOCK_YAML_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "yaml.h"

/* A place in the text: byte offset, 1-based line, 0-based column in characters. */
struct yaml_mark {
	size_t pos;
	int line;
	int column;
};

struct yaml_anchor {
	char *name;
	struct yaml_node *node; /* not owned: the node lives in the document's tree */
};

/* One key of a mapping being read, in the parser's index of keys (yaml-tree.c). */
struct yaml_key_slot {
	const struct yaml_node *map;   /* NULL: a free slot */
	const struct yaml_node *value; /* its key is value->key */
	size_t hash;
};

struct yaml_tag_handle {
	char *handle; /* "!e!" */
	char *prefix; /* "tag:example.com,2000:" */
};

struct yaml_parser {
	const char *name; /* the file, for messages */
	const char *text; /* the input, line breaks made '\n', no NUL inside */
	size_t size;
	struct yaml_mark at;

	/* next_content_line() leaves the reader at the first character after the indentation of
	 * the next line with content; asked again from there it answers at once. */
	bool ready;
	size_t ready_pos;
	int ready_indent;

	int depth;
	struct yaml_anchor *anchors;
	size_t anchor_count;
	size_t alias_nodes; /* nodes added by alias expansion in this document */
	struct yaml_node *discarded; /* merge-key entries taken out of their mapping (an anchor
	                              * may still point into them until the document ends) */
	struct yaml_tag_handle *handles;
	size_t handle_count;
	/* Every key of the document's mappings, hashed, so that finding a duplicate key takes
	 * the same time whatever the size of the mapping. */
	struct yaml_key_slot *keys;
	size_t key_capacity, key_count;
};

/* --- yaml-reader.c: characters, lines, comments, errors ------------------------------------ */

/* The byte k places ahead, or 0 at the end (the input holds no NUL). */
static inline int yaml_peek(const struct yaml_parser *p, size_t k)
{
	return p->at.pos + k < p->size ? (unsigned char)p->text[p->at.pos + k] : 0;
}

static inline bool yaml_is_blank(int c) { return c == ' ' || c == '\t'; }
static inline bool yaml_is_blank_or_end(int c) { return c == ' ' || c == '\t' || c == '\n' || c == 0; }
static inline bool yaml_is_flow_indicator(int c)
{
	return c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
}

void yaml_advance(struct yaml_parser *p, size_t count);

/* Record "NAME:LINE:COLUMN: message" for the place at and return -1. */
int yaml_fail(const struct yaml_parser *p, struct yaml_mark at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same, for running out of memory. */
int yaml_out_of_memory(const struct yaml_parser *p);

/* The character at the reader, for a message: 'x', 'é', or U+0007 for a control character. */
void yaml_describe_char(const struct yaml_parser *p, char out[16]);

/* Skip spaces and tabs on this line; returns true if a tab was among them. */
bool yaml_skip_blanks(struct yaml_parser *p);

/* True when the reader is at a "---" or "..." that starts a line and stands alone. */
bool yaml_at_document_marker(const struct yaml_parser *p);

/* After a node: skip blanks and a comment to the end of the line (anything else there is an
 * error), then blank and comment-only lines. Leaves the reader after the indentation of the
 * next line with content and returns that indentation (spaces only: a tab after them is not
 * indentation); -1 at the end of the document (the end of the text, "---" or "..."); -2 on
 * error. */
int yaml_next_content_line(struct yaml_parser *p);

/* The same, from the start of a line (the beginning of the stream). */
int yaml_first_content_line(struct yaml_parser *p);

/* --- yaml-tree.c: nodes --------------------------------------------------------------------- */

struct yaml_node *yaml_node_new(struct yaml_parser *p, enum yaml_kind kind, enum yaml_style style,
				struct yaml_mark at);
/* An empty (null) plain scalar, the value of `key:` with nothing after it. */
struct yaml_node *yaml_empty_node(struct yaml_parser *p, struct yaml_mark at);
/* Add key: value to map; an equal key already there is an error (YAML 1.2 section 3.2.1.1:
 * keys are unique). Takes ownership of both, also on failure. */
int yaml_mapping_add(struct yaml_parser *p, struct yaml_node *map, struct yaml_node *key,
		     struct yaml_node *value);
bool yaml_same_key(const struct yaml_node *a, const struct yaml_node *b);
size_t yaml_node_count(const struct yaml_node *node, size_t limit);

/* --- yaml-scalar.c: the four kinds of scalars ------------------------------------------------ */

/* A plain scalar, possibly over several lines more indented than n; flow: inside [ ] or { }. */
struct yaml_node *yaml_plain_scalar(struct yaml_parser *p, int n, bool flow);
/* 'single' or "double" quoted; continuation lines more indented than n. */
struct yaml_node *yaml_quoted_scalar(struct yaml_parser *p, int n);
/* A | or > block scalar of a node at indentation n. */
struct yaml_node *yaml_block_scalar(struct yaml_parser *p, int n);
/* Can a plain scalar start here? */
bool yaml_plain_can_start(const struct yaml_parser *p, bool flow);

/* --- yaml-properties.c: a node's anchor (&name) and tag (!tag), %TAG handles ---------------- */

struct yaml_properties {
	char *anchor;
	char *tag;
	struct yaml_mark at; /* where the first of them begins */
};

/* Read one property (the reader is at '&' or '!') into props, then the blanks after it. */
int yaml_read_property(struct yaml_parser *p, struct yaml_properties *props);
/* Give node the properties (defining the anchor); props is emptied, also on failure. */
int yaml_apply_properties(struct yaml_parser *p, struct yaml_node *node, struct yaml_properties *props);
void yaml_clear_properties(struct yaml_properties *props);
/* The name after '&' or '*' (the reader is on that character); NULL if empty or no memory. */
char *yaml_read_anchor_name(struct yaml_parser *p);
/* A %TAG directive's handle and prefix, for the rest of the document. */
int yaml_define_tag_handle(struct yaml_parser *p, const char *handle, const char *prefix);
void yaml_forget_tag_handles(struct yaml_parser *p);

/* --- shared by yaml-block.c and yaml-flow.c ------------------------------------------------ */

static inline struct yaml_mark yaml_node_mark(const struct yaml_node *node)
{
	return (struct yaml_mark){0, node->line, node->column - 1};
}

/* An anchor (&name) or a tag (!tag) starts here. */
static inline bool yaml_at_property(int c) { return c == '&' || c == '!'; }

/* A ':' that makes what came before it a key. */
static inline bool yaml_at_value_indicator(const struct yaml_parser *p, bool flow, bool json_key)
{
	if (yaml_peek(p, 0) != ':')
		return false;
	int next = yaml_peek(p, 1);
	/* after a quoted key or a [ ] { } key in flow, "key":value needs no space (7.4.1) */
	return yaml_is_blank_or_end(next) || (flow && (yaml_is_flow_indicator(next) || json_key));
}

/* One level deeper into the document; refused past YAML_MAX_DEPTH (leave with p->depth--). */
int yaml_enter(struct yaml_parser *p);

/* --- yaml-flow.c: [ ] and { }, and the nodes that can stand on one line ----------------------- */

/* The content of a node after its properties: an alias, a [ ] or { } collection, or a
 * scalar (plain, or quoted); flow: inside [ ] or { }; json_like (if not NULL) is set when it
 * is quoted or a collection, after which "key":value needs no blank. */
struct yaml_node *yaml_flow_content(struct yaml_parser *p, int n, bool flow, bool *json_like);

/* --- yaml-block.c: collections written by indentation ---------------------------------------- */

/* Where a block node is: after "- ", after "key:", after "? " or ":" of an explicit entry, or
 * as a document's root. It decides what may start on the same line ("- - a" is a sequence
 * in a sequence, "a: - b" is an error). */
enum yaml_block_context { AFTER_SEQUENCE_DASH, AFTER_MAPPING_COLON, AFTER_EXPLICIT_INDICATOR, DOCUMENT_ROOT };

/* The node after an indicator on the current line (at_line_start: the reader is after the
 * indentation of a line, the root of a document without "---"); n is the indentation of the
 * parent (-1 for a document's root). */
struct yaml_node *yaml_block_node(struct yaml_parser *p, int n, enum yaml_block_context context, bool at_line_start);

/* --- yaml-anchors.c: anchors, aliases, merge keys -------------------------------------------- */

int yaml_define_anchor(struct yaml_parser *p, const char *name, struct yaml_node *node);
/* *name: a copy of the node the anchor names, counted against YAML_MAX_ALIAS_NODES. */
struct yaml_node *yaml_alias(struct yaml_parser *p, const char *name, struct yaml_mark at);
/* Replace map's `<<` entries by the entries they merge in. */
int yaml_merge_keys(struct yaml_parser *p, struct yaml_node *map);
void yaml_forget_anchors(struct yaml_parser *p);
/* Empty the index of keys (at a document's end). */
void yaml_forget_keys(struct yaml_parser *p);

#endif
