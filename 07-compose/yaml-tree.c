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
#include <stdint.h>
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

void yaml_unlink(struct yaml_node *collection, struct yaml_node *item)
{
	struct yaml_node *before = NULL;
	for (struct yaml_node *at = collection->first; at && at != item; at = at->next)
		before = at;
	if (before)
		before->next = item->next;
	else if (collection->first == item)
		collection->first = item->next;
	else
		return; /* not in collection */
	if (collection->last == item)
		collection->last = before;
	collection->count--;
	item->next = NULL;
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
		/* Compare the texts first: resolving types is the slow part, and most keys differ. */
		if (a->length == b->length && memcmp(a->text, b->text, a->length) == 0)
			return yaml_scalar_type(a) == yaml_scalar_type(b);
		/* Different texts mean the same only as nulls: "~", "null", "" or tagged !!null. */
		bool maybe_null = (a->tag || a->length <= 4) && (b->tag || b->length <= 4);
		return maybe_null && yaml_scalar_type(a) == YAML_TYPE_NULL && yaml_scalar_type(b) == YAML_TYPE_NULL;
	}
	for (const struct yaml_node *x = a->first, *y = b->first; x; x = x->next, y = y->next) {
		if (a->kind == YAML_MAPPING && !yaml_same_key(x->key, y->key))
			return false;
		if (!yaml_same_key(x, y))
			return false;
	}
	return true;
}

/* A hash of what a key means, equal for keys that yaml_same_key finds equal (FNV-1a). */
static size_t key_hash(const struct yaml_node *map, const struct yaml_node *key)
{
	uint64_t h = 1469598103934665603u ^ (uintptr_t)map;
	h = (h ^ (uint64_t)key->kind) * 1099511628211u;
	if (key->kind != YAML_SCALAR)
		return (size_t)((h ^ key->count) * 1099511628211u);
	enum yaml_type type = yaml_scalar_type(key);
	h = (h ^ (uint64_t)type) * 1099511628211u;
	if (type != YAML_TYPE_NULL) /* every null is the same key, however it is written */
		for (size_t i = 0; i < key->length; i++)
			h = (h ^ (unsigned char)key->text[i]) * 1099511628211u;
	return (size_t)h;
}

static int grow_keys(struct yaml_parser *p)
{
	size_t capacity = p->key_capacity ? p->key_capacity * 2 : 64;
	struct yaml_key_slot *slots = calloc(capacity, sizeof(*slots));
	if (!slots)
		return yaml_out_of_memory(p);
	for (size_t i = 0; i < p->key_capacity; i++) {
		if (!p->keys[i].map)
			continue;
		size_t j = p->keys[i].hash & (capacity - 1);
		while (slots[j].map)
			j = (j + 1) & (capacity - 1);
		slots[j] = p->keys[i];
	}
	free(p->keys);
	p->keys = slots;
	p->key_capacity = capacity;
	return 0;
}

void yaml_forget_keys(struct yaml_parser *p)
{
	free(p->keys);
	p->keys = NULL;
	p->key_capacity = p->key_count = 0;
}

int yaml_mapping_add(struct yaml_parser *p, struct yaml_node *map, struct yaml_node *key,
		     struct yaml_node *value)
{
	value->key = key;
	if ((p->key_count + 1) * 2 > p->key_capacity && grow_keys(p) < 0) {
		yaml_free(value);
		return -1;
	}
	/* open addressing in a table kept at most half full */
	size_t hash = key_hash(map, key), i = hash & (p->key_capacity - 1);
	for (; p->keys[i].map; i = (i + 1) & (p->key_capacity - 1)) {
		const struct yaml_key_slot *slot = &p->keys[i];
		if (slot->map == map && slot->hash == hash && yaml_same_key(slot->value->key, key)) {
			struct yaml_mark at = {0, key->line, key->column - 1};
			int line = slot->value->key->line;
			yaml_free(value);
			return yaml_fail(p, at, "duplicate key (first at line %d): keys of a mapping must be unique", line);
		}
	}
	p->keys[i] = (struct yaml_key_slot){map, value, hash};
	p->key_count++;
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
