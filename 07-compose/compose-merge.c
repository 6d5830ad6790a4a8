/*
 * compose-merge.c - the merge rules of the Compose specification on two YAML trees
 * (compose-merge.h). Nodes of the overriding tree are moved into the base, never copied.
 */
#include "compose-merge.h"
#include "error.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Take the first child out of parent's list. */
static struct yaml_node *take_first(struct yaml_node *parent)
{
	struct yaml_node *n = parent->first;
	if (!n)
		return NULL;
	parent->first = n->next;
	if (!parent->first)
		parent->last = NULL;
	parent->count--;
	n->next = NULL;
	return n;
}

static void append(struct yaml_node *parent, struct yaml_node *n)
{
	n->next = NULL;
	if (parent->last)
		parent->last->next = n;
	else
		parent->first = n;
	parent->last = n;
	parent->count++;
}

/* Put n in old's place in parent's list, and free old (n takes old's key when it is a value). */
static void replace(struct yaml_node *parent, struct yaml_node *old, struct yaml_node *n)
{
	struct yaml_node **link = &parent->first;
	while (*link != old)
		link = &(*link)->next;
	n->next = old->next;
	*link = n;
	if (parent->last == old)
		parent->last = n;
	old->next = NULL;
	yaml_free(old);
}

static bool key_is(const struct yaml_node *value, const char *key)
{
	return value->key && value->key->kind == YAML_SCALAR && strcmp(value->key->text, key) == 0;
}

static struct yaml_node *find_key(const struct yaml_node *map, const struct yaml_node *key)
{
	yaml_for_each(v, map)
		if (v->key && key && v->key->kind == YAML_SCALAR && key->kind == YAML_SCALAR &&
		    strcmp(v->key->text, key->text) == 0)
			return v;
	return NULL;
}

/* A volume's target: the long syntax's `target`, or the second field of "SOURCE:TARGET[:MODE]"
 * (the whole string for an anonymous "/data"). Written into out (size bytes). */
static void volume_target(const struct yaml_node *item, char *out, size_t size)
{
	out[0] = '\0';
	if (item->kind == YAML_MAPPING) {
		const struct yaml_node *t = yaml_get(item, "target");
		if (t && t->kind == YAML_SCALAR)
			snprintf(out, size, "%s", t->text);
		return;
	}
	if (item->kind != YAML_SCALAR)
		return;
	const char *colon = strchr(item->text, ':');
	const char *target = colon ? colon + 1 : item->text;
	snprintf(out, size, "%.*s", (int)strcspn(target, ":"), target);
}

/* volumes: an item of over with the target of an item of base replaces it; the rest are added. */
static void merge_volumes(struct yaml_node *base, struct yaml_node *over)
{
	struct yaml_node *item;
	while ((item = take_first(over))) {
		char target[4096], other[4096];
		volume_target(item, target, sizeof(target));
		struct yaml_node *same = NULL;
		yaml_for_each(b, base) {
			volume_target(b, other, sizeof(other));
			if (target[0] && strcmp(target, other) == 0)
				same = b;
		}
		if (same)
			replace(base, same, item);
		else
			append(base, item);
	}
}

static int merge_value(struct yaml_node *map, struct yaml_node *old, struct yaml_node *n, const char *name);

static int merge_mappings(struct yaml_node *base, struct yaml_node *over, const char *name)
{
	struct yaml_node *n;
	while ((n = take_first(over))) {
		struct yaml_node *old = find_key(base, n->key);
		if (!old)
			append(base, n);
		else if (merge_value(base, old, n, name) < 0) {
			while ((n = take_first(over)))
				yaml_free(n);
			return -1;
		}
	}
	return 0;
}

/* Merge value n (of over) into old (the same key's value in map); n is consumed. */
static int merge_value(struct yaml_node *map, struct yaml_node *old, struct yaml_node *n, const char *name)
{
	if (old->kind == YAML_MAPPING && n->kind == YAML_MAPPING) {
		int rc = merge_mappings(old, n, name);
		yaml_free(n);
		return rc;
	}
	if (old->kind == YAML_SEQUENCE && n->kind == YAML_SEQUENCE && !key_is(n, "command") &&
	    !key_is(n, "entrypoint") && !key_is(n, "test")) {
		if (key_is(n, "volumes"))
			merge_volumes(old, n);
		else {
			struct yaml_node *item;
			while ((item = take_first(n)))
				append(old, item);
		}
		yaml_free(n);
		return 0;
	}
	if (old->kind != YAML_SCALAR && n->kind != YAML_SCALAR && old->kind != n->kind) {
		int rc = fail_errno(0, "%s:%d:%d: cannot merge \"%s\": a %s here, a %s in the file before (line %d); "
				       "write both the same way",
				    name, n->line, n->column, n->key ? n->key->text : "",
				    n->kind == YAML_MAPPING ? "mapping" : "list", old->kind == YAML_MAPPING ? "mapping" : "list",
				    old->line);
		yaml_free(n);
		return rc;
	}
	replace(map, old, n); /* a scalar, command, entrypoint, healthcheck.test: the later wins */
	return 0;
}

int compose_merge(struct yaml_node *base, struct yaml_node *over, const char *over_name)
{
	if (over->kind == YAML_SCALAR && over->length == 0) { /* an empty file changes nothing */
		yaml_free(over);
		return 0;
	}
	if (base->kind != YAML_MAPPING || over->kind != YAML_MAPPING) {
		yaml_free(over);
		return fail_errno(0, "%s: a compose file is a mapping (services: ...)", over_name);
	}
	int rc = merge_mappings(base, over, over_name);
	yaml_free(over);
	return rc;
}
