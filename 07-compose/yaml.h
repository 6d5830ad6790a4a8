/*
 * yaml.h - YAML 1.2, read into a tree: the language of compose files.
 *
 * A compose file is YAML: indentation for structure, `key: value` mappings, `- item`
 * sequences, quoted and unquoted scalars, `|` and `>` block scalars, anchors (&name), aliases
 * (*name) and merge keys (<<: *name) to share settings between services. This parser reads
 * the whole of YAML 1.2 (https://yaml.org/spec/1.2.2/) that a file can hold, and builds a
 * tree of nodes that the Compose model walks. Pure: no system calls; the caller reads the
 * file and hands over its bytes.
 *
 * Scalars are kept as text, with their style: YAML 1.2's core schema decides what a plain
 * scalar means (yaml_scalar_type): `3000:3000`, `yes` and `no` stay strings, `"80"` quoted
 * is a string, `80` is an integer. Aliases are expanded into copies, so the tree is a tree
 * (every node has one owner) and an alias bomb is refused (YAML_MAX_ALIAS_NODES). Every node
 * knows where it was written, so a later check can say "compose.yaml:12:7: ...".
 *
 * Read 07-compose/yaml.md for the lesson: how YAML is read, with examples.
 */
#ifndef TINYDOCK_YAML_H
#define TINYDOCK_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"

enum yaml_kind { YAML_SCALAR, YAML_SEQUENCE, YAML_MAPPING };

/* How a node was written. The style of a scalar decides its type: only a plain scalar is
 * resolved by the core schema; quoted and block scalars are strings. */
enum yaml_style {
	YAML_PLAIN,         /* unquoted:      port: 80 */
	YAML_SINGLE_QUOTED, /* 'it''s'         */
	YAML_DOUBLE_QUOTED, /* "tab:\t"        */
	YAML_LITERAL,       /* |  keeps line breaks */
	YAML_FOLDED,        /* >  folds lines into one */
	YAML_BLOCK,         /* a collection written by indentation */
	YAML_FLOW,          /* a collection written with [ ] or { } */
};

/* What a scalar means, by the core schema (YAML 1.2.2, section 10.3.2) or its tag. */
enum yaml_type { YAML_TYPE_NULL, YAML_TYPE_BOOL, YAML_TYPE_INT, YAML_TYPE_FLOAT, YAML_TYPE_STRING };

struct yaml_node {
	enum yaml_kind kind;
	enum yaml_style style;
	char *tag;           /* the resolved tag ("tag:yaml.org,2002:str", "!local"), or NULL */
	char *text;          /* a scalar's content, decoded, NUL-terminated */
	size_t length;       /* bytes in text (a "\0" escape may put a NUL inside) */
	struct yaml_node *key;   /* in a mapping, the key of this value (owned by this node) */
	struct yaml_node *first; /* a sequence's items, or a mapping's values (each with its key) */
	struct yaml_node *last;
	size_t count;
	struct yaml_node *next;  /* the next item or value of the parent */
	int line, column;        /* where the node begins, 1-based; columns count characters */
};

/* One document of a stream (`---` separates them). */
struct yaml_document {
	struct yaml_node *root;
	struct yaml_document *next;
};

/* Nesting deeper than this is refused, so that hostile input cannot exhaust the stack. */
#define YAML_MAX_DEPTH 256

/* The most nodes that aliases may add to one document by copying what they name. "Billion
 * laughs": nine anchors, each a list of ten aliases of the one before, are 10^9 nodes from
 * one kilobyte of text (CVE-2019-11253 took down Kubernetes' API server this way). A compose
 * file that shares a few settings between services stays far below this. */
#define YAML_MAX_ALIAS_NODES 100000

/* Parse a stream of any number of documents. *documents gets the list (NULL for a stream
 * with none); returns the number of documents, or -1 with "NAME:LINE:COLUMN: problem"
 * recorded (error.h). name is the file's name for messages. */
int yaml_parse_stream(const char *name, const char *text, size_t size, struct yaml_document **documents);

/* Parse a stream of one document (a compose file): its root, a null scalar for an empty
 * stream; a second document is an error. NULL on error, recorded as above. */
struct yaml_node *yaml_parse(const char *name, const char *text, size_t size);

void yaml_free(struct yaml_node *node);
void yaml_free_documents(struct yaml_document *documents);

/* A deep copy of node (its key too, for a mapping's value); NULL when memory runs out. */
struct yaml_node *yaml_copy(const struct yaml_node *node);

/* Add item at the end of a sequence, or of a mapping (item->key is then its key). */
void yaml_append(struct yaml_node *collection, struct yaml_node *item);

/* Take item out of collection (not freed: the caller owns it now). */
void yaml_unlink(struct yaml_node *collection, struct yaml_node *item);

/* The type of a scalar: by its tag if it has one (!!str, !!int, ...), else by the core schema
 * when it is plain, else a string. Not meaningful for collections. */
enum yaml_type yaml_scalar_type(const struct yaml_node *node);

/* A mapping's value by key (a scalar key equal to key); NULL if absent or map is no mapping. */
struct yaml_node *yaml_get(const struct yaml_node *map, const char *key);

/* Visit every item of a sequence or value of a mapping (item->key is its key), in order. */
#define yaml_for_each(item, collection) \
	for (struct yaml_node *item = (collection) ? (collection)->first : NULL; item; item = item->next)

/* A scalar's integer value by the core schema (decimal, 0o octal, 0x hex); -1 when node is no
 * integer or does not fit. */
int yaml_int64(const struct yaml_node *node, int64_t *value);

/* A boolean (true/false and their capitalised forms only: `yes` is a string); -1 otherwise. */
int yaml_bool(const struct yaml_node *node, bool *value);

/* The node as JSON: scalars typed by yaml_scalar_type, mappings as objects (keys must be
 * scalars). .inf and .nan, which JSON has no number for, become strings. NULL on error. */
struct json *yaml_to_json(const struct yaml_node *node);

/* Write value as block YAML to out (yaml-write.c): strings plain where they read back as the
 * same strings, double-quoted otherwise. Returns 0, or -1 when out reports an error. */
int yaml_write(FILE *out, const struct json *value);

#endif
