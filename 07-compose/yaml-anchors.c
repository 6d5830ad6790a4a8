/*
 * yaml-anchors.c - anchors, aliases and merge keys: writing a thing once and using it twice.
 *
 *     x-defaults: &defaults       &defaults names the mapping that follows
 *       restart: always
 *     services:
 *       web:
 *         <<: *defaults           *defaults is that mapping again; << merges its keys in,
 *         image: nginx            and keys written here win over merged ones
 *
 * An alias stands for the very node its anchor named (YAML 1.2.2, section 3.2.2.2). Here it
 * becomes a copy, so the document stays a tree that the Compose model can walk and free
 * without knowing about sharing. Copies cost: nine anchors, each a list of ten aliases of the
 * one before ("billion laughs"), expand to 10^9 nodes from a kilobyte of text. CVE-2019-11253
 * took Kubernetes' API server down with such a file; go-yaml, which Docker Compose uses, now
 * refuses documents whose aliases expand too much. We count every node an alias adds and
 * refuse the document past YAML_MAX_ALIAS_NODES.
 *
 * Merge keys are not YAML 1.2 but a type of YAML 1.1 (https://yaml.org/type/merge.html) that
 * compose files use everywhere, and that Docker Compose supports: `<<: *a` or `<<: [*a, *b]`,
 * the first mapping of the list winning over the later ones.
 */
#include <stdlib.h>
#include <string.h>

#include "yaml-internal.h"

int yaml_define_anchor(struct yaml_parser *p, const char *name, struct yaml_node *node)
{
	/* An anchor may be defined again: from there on the name is the new node (7.1 of the
	 * specification's examples). */
	for (size_t i = 0; i < p->anchor_count; i++) {
		if (strcmp(p->anchors[i].name, name) == 0) {
			p->anchors[i].node = node;
			return 0;
		}
	}
	struct yaml_anchor *anchors = realloc(p->anchors, (p->anchor_count + 1) * sizeof(*anchors));
	if (!anchors)
		return yaml_out_of_memory(p);
	p->anchors = anchors;
	char *copy = strdup(name);
	if (!copy)
		return yaml_out_of_memory(p);
	anchors[p->anchor_count++] = (struct yaml_anchor){copy, node};
	return 0;
}

void yaml_forget_anchors(struct yaml_parser *p)
{
	for (size_t i = 0; i < p->anchor_count; i++)
		free(p->anchors[i].name);
	free(p->anchors);
	p->anchors = NULL, p->anchor_count = 0;
	p->alias_nodes = 0;
	yaml_forget_keys(p);
	while (p->discarded) {
		struct yaml_node *next = p->discarded->next;
		yaml_free(p->discarded);
		p->discarded = next;
	}
}

struct yaml_node *yaml_alias(struct yaml_parser *p, const char *name, struct yaml_mark at)
{
	const struct yaml_node *target = NULL;
	for (size_t i = 0; i < p->anchor_count && !target; i++)
		if (strcmp(p->anchors[i].name, name) == 0)
			target = p->anchors[i].node;
	if (!target) {
		/* Also an alias inside the node its anchor names: that node is not complete yet,
		 * and a node that contains itself has no end. */
		yaml_fail(p, at, "the alias *%s names no anchor defined before it", name);
		return NULL;
	}
	size_t left = YAML_MAX_ALIAS_NODES - p->alias_nodes;
	size_t count = yaml_node_count(target, left);
	if (count > left) {
		yaml_fail(p, at, "aliases expand to more than %d nodes: refused, as an alias bomb (billion laughs)",
			  YAML_MAX_ALIAS_NODES);
		return NULL;
	}
	p->alias_nodes += count;
	struct yaml_node *copy = yaml_copy(target);
	if (!copy) {
		yaml_out_of_memory(p);
		return NULL;
	}
	yaml_free(copy->key); /* a copied key of a mapping's value is not the alias's key */
	copy->key = NULL;
	copy->line = at.line;
	copy->column = at.column + 1;
	return copy;
}

static bool is_merge_key(const struct yaml_node *key)
{
	return key->kind == YAML_SCALAR && key->style == YAML_PLAIN && strcmp(key->text, "<<") == 0 &&
	       (!key->tag || strcmp(key->tag, "tag:yaml.org,2002:merge") == 0);
}

static bool has_key(const struct yaml_node *map, const struct yaml_node *key)
{
	yaml_for_each(value, map)
		if (yaml_same_key(value->key, key))
			return true;
	return false;
}

/* Copy the entries of source that map lacks into map, before the entry `before`. (Copies:
 * source may be a node an anchor names, which a later alias must find as it was.) */
static int merge_from(struct yaml_parser *p, struct yaml_node *map, const struct yaml_node *source,
		      struct yaml_node *before)
{
	yaml_for_each(value, source) {
		if (has_key(map, value->key))
			continue;
		struct yaml_node *copy = yaml_copy(value);
		if (!copy)
			return yaml_out_of_memory(p);
		struct yaml_node **at = &map->first;
		while (*at != before)
			at = &(*at)->next;
		copy->next = before;
		*at = copy;
		if (!before)
			map->last = copy;
		map->count++;
	}
	return 0;
}

int yaml_merge_keys(struct yaml_parser *p, struct yaml_node *map)
{
	struct yaml_node **link = &map->first;
	while (*link) {
		struct yaml_node *entry = *link;
		if (!is_merge_key(entry->key)) {
			link = &entry->next;
			continue;
		}
		struct yaml_mark at = {0, entry->line, entry->column - 1};
		if (entry->kind == YAML_SEQUENCE) {
			yaml_for_each(item, entry)
				if (item->kind != YAML_MAPPING)
					return yaml_fail(p, (struct yaml_mark){0, item->line, item->column - 1},
							 "a merge key (<<) takes a mapping or a list of mappings");
		} else if (entry->kind != YAML_MAPPING) {
			return yaml_fail(p, at, "a merge key (<<) takes a mapping or a list of mappings");
		}
		/* Take the << entry out first, so its own key is not among the map's. */
		*link = entry->next;
		map->count--;
		if (map->last == entry) {
			map->last = NULL;
			for (struct yaml_node *v = map->first; v; v = v->next)
				map->last = v;
		}
		struct yaml_node *before = entry->next;
		entry->next = NULL;
		/* It may still be named by an anchor: keep it to the document's end. */
		entry->next = p->discarded;
		p->discarded = entry;
		if (entry->kind == YAML_MAPPING) {
			if (merge_from(p, map, entry, before) < 0)
				return -1;
		} else {
			yaml_for_each(item, entry)
				if (merge_from(p, map, item, before) < 0)
					return -1;
		}
		/* go on after the merged entries: find `before` again */
		link = &map->first;
		while (*link != before)
			link = &(*link)->next;
	}
	return 0;
}
