/*
 * yaml-tree.c - the nodes of a parsed YAML document: making, adding, comparing, copying,
 * freeing, looking up.
 *
 * A document is a tree: every node has one owner (aliases are expanded into copies), a
 * mapping's values are its children and each value owns its key. So a mapping reads like
 * a list of values with names, which is what a compose file is made of:
 *     yaml_for_each(service, yaml_get(root, "services"))
 *             printf("%s\n", service->key->text);
 */
#include <stdlib.h>
#include <string.h>

#include "yaml-internal.h"

struct yaml_node *yaml_node_new(struct yaml_parser *p, enum yaml_kind kind, enum yaml_style style,
				struct yaml_mark at)
{
	struct yaml_node *node = calloc(1, sizeof(*node));
	if (!node) {
		yaml_out_of_memory(p);
		return NULL;
	}
	node->kind = kind;
	node->style = style;
	node->line = at.line;
	node->column = at.column + 1;
	return node;
}

struct yaml_node *yaml_empty_node(struct yaml_parser *p, struct yaml_mark at)
{
	struct yaml_node *node = yaml_node_new(p, YAML_SCALAR, YAML_PLAIN, at);
	if (node && !(node->text = strdup(""))) {
		free(node);
		yaml_out_of_memory(p);
		return NULL;
	}
	return node;
}

void yaml_append(struct yaml_node *collection, struct yaml_node *item)
{
	if (collection->last)
		collection->last->next = item;
	else
		collection->first = item;
	collection->last = item;
	collection->count++;
}

void yaml_free(struct yaml_node *node)
{
	if (!node)
		return;
	struct yaml_node *child = node->first;
	while (child) {
		struct yaml_node *next = child->next;
		yaml_free(child);
		child = next;
	}
	yaml_free(node->key);
	free(node->text);
	free(node->tag);
	free(node);
}

void yaml_free_documents(struct yaml_document *documents)
{
	while (documents) {
		struct yaml_document *next = documents->next;
		yaml_free(documents->root);
		free(documents);
		documents = next;
	}
}

/* Keys are equal when they mean the same: `a` and "a" are the same string, `1` (an integer)
 * and "1" (a string) are not, and every null is the same null. */
bool yaml_same_key(const struct yaml_node *a, const struct yaml_node *b)
{
	if (a->kind != b->kind || a->count != b->count)
		return false;
	if (a->kind == YAML_SCALAR) {
		enum yaml_type type = yaml_scalar_type(a);
		if (type != yaml_scalar_type(b))
			return false;
		return type == YAML_TYPE_NULL || (a->length == b->length && memcmp(a->text, b->text, a->length) == 0);
	}
	for (const struct yaml_node *x = a->first, *y = b->first; x; x = x->next, y = y->next) {
		if (a->kind == YAML_MAPPING && !yaml_same_key(x->key, y->key))
			return false;
		if (!yaml_same_key(x, y))
			return false;
	}
	return true;
}

int yaml_mapping_add(struct yaml_parser *p, struct yaml_node *map, struct yaml_node *key,
		     struct yaml_node *value)
{
	value->key = key;
	/* Quadratic in the number of keys; a compose file's mappings hold tens of them. */
	yaml_for_each(other, map) {
		if (yaml_same_key(other->key, key)) {
			struct yaml_mark at = {0, key->line, key->column - 1};
			int line = other->key->line;
			yaml_free(value);
			return yaml_fail(p, at, "duplicate key (first at line %d): keys of a mapping must be unique", line);
		}
	}
	yaml_append(map, value);
	return 0;
}

/* The number of nodes in the tree (keys included), counting no further than limit. */
size_t yaml_node_count(const struct yaml_node *node, size_t limit)
{
	size_t count = 1 + (node->key ? yaml_node_count(node->key, limit) : 0);
	for (const struct yaml_node *child = node->first; child && count <= limit; child = child->next)
		count += yaml_node_count(child, limit - count);
	return count;
}

static char *copy_bytes(const char *text, size_t length)
{
	char *copy = malloc(length + 1);
	if (copy) {
		memcpy(copy, text, length);
		copy[length] = '\0';
	}
	return copy;
}

/* A deep copy of node and its children (its key too, not its next); NULL when memory runs out. */
struct yaml_node *yaml_copy(const struct yaml_node *node)
{
	struct yaml_node *copy = calloc(1, sizeof(*copy));
	if (!copy)
		return NULL;
	*copy = (struct yaml_node){.kind = node->kind, .style = node->style, .length = node->length,
				   .line = node->line, .column = node->column};
	if ((node->text && !(copy->text = copy_bytes(node->text, node->length))) ||
	    (node->tag && !(copy->tag = strdup(node->tag))) || (node->key && !(copy->key = yaml_copy(node->key)))) {
		yaml_free(copy);
		return NULL;
	}
	for (const struct yaml_node *child = node->first; child; child = child->next) {
		struct yaml_node *child_copy = yaml_copy(child);
		if (!child_copy) {
			yaml_free(copy);
			return NULL;
		}
		yaml_append(copy, child_copy);
	}
	return copy;
}

struct yaml_node *yaml_get(const struct yaml_node *map, const char *key)
{
	if (!map || map->kind != YAML_MAPPING)
		return NULL;
	size_t length = strlen(key);
	yaml_for_each(value, map) {
		const struct yaml_node *k = value->key;
		if (k->kind == YAML_SCALAR && k->length == length && memcmp(k->text, key, length) == 0)
			return value;
	}
	return NULL;
}
