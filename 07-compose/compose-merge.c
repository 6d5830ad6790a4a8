/*
 * compose-merge.c - the Compose specification's merge rules on YAML trees (compose-merge.h),
 * one implementation for `-f a.yaml -f b.yaml` and for `extends`.
 *
 * The later value is merged into the earlier one, each by the rule of its path inside the
 * service ("environment", "deploy.resources.limits", "volumes"). Before two values are
 * merged, both are brought to one form (a list of NAME=value becomes a mapping, a string
 * build becomes {context: ...}), so that `environment: [A=1]` in one file and
 * `environment: {B: 2}` in the other merge as the specification shows. The later tree is only
 * read: what it gives is copied, so positions of both files stay on their nodes, for the
 * model's messages.
 */
#include "compose-merge.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/* --- the rules, by path ---------------------------------------------------------------- */

/* A path is a key's place inside a service ("environment", "healthcheck.test"); outside
 * services (top-level networks, volumes, x-...) it is NULL, and only the plain rules apply:
 * mappings key by key, sequences appended, scalars replaced. */

enum merge_rule {
	MERGE_APPEND,        /* the earlier items, then the later ones */
	MERGE_APPEND_UNIQUE, /* the same, each item once */
	MERGE_BY_TARGET,     /* items keyed by their path in the container */
	MERGE_REPLACE,       /* the later value replaces the earlier */
};

static const struct {
	const char *path;
	enum merge_rule rule;
} merge_rules[] = {
	{ "command", MERGE_REPLACE },
	{ "entrypoint", MERGE_REPLACE },
	{ "healthcheck.test", MERGE_REPLACE },
	{ "volumes", MERGE_BY_TARGET },
	{ "devices", MERGE_BY_TARGET },
	{ "blkio_config.device_read_bps", MERGE_BY_TARGET },
	{ "blkio_config.device_read_iops", MERGE_BY_TARGET },
	{ "blkio_config.device_write_bps", MERGE_BY_TARGET },
	{ "blkio_config.device_write_iops", MERGE_BY_TARGET },
	{ "cap_add", MERGE_APPEND_UNIQUE },
	{ "cap_drop", MERGE_APPEND_UNIQUE },
	{ "configs", MERGE_APPEND_UNIQUE },
	{ "deploy.placement.constraints", MERGE_APPEND_UNIQUE },
	{ "deploy.placement.preferences", MERGE_APPEND_UNIQUE },
	{ "deploy.resources.reservations.generic_resources", MERGE_APPEND_UNIQUE },
	{ "device_cgroup_rules", MERGE_APPEND_UNIQUE },
	{ "expose", MERGE_APPEND_UNIQUE },
	{ "external_links", MERGE_APPEND_UNIQUE },
	{ "ports", MERGE_APPEND_UNIQUE },
	{ "secrets", MERGE_APPEND_UNIQUE },
	{ "security_opt", MERGE_APPEND_UNIQUE },
};

/* Written as a mapping or a list of NAME=value: merged as the mapping. */
static const char *const list_or_dict_paths[] = {
	"annotations", "build.args", "build.labels", "build.extra_hosts", "deploy.labels",
	"environment", "labels", "sysctls", "extra_hosts",
};

/* Written as a list of names or a mapping from names: merged as the mapping. */
static const char *const names_or_dict_paths[] = { "networks", "depends_on" };

/* Written as a string or a list of strings: merged as the list. */
static const char *const string_or_list_paths[] = { "dns", "dns_search", "env_file", "tmpfs", "label_file" };

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

static bool among(const char *path, const char *const *paths, size_t count)
{
	if (!path)
		return false;
	for (size_t i = 0; i < count; i++)
		if (strcmp(path, paths[i]) == 0)
			return true;
	return false;
}

static enum merge_rule rule_of(const char *path)
{
	if (!path)
		return MERGE_APPEND;
	for (size_t i = 0; i < COUNT(merge_rules); i++)
		if (strcmp(path, merge_rules[i].path) == 0)
			return merge_rules[i].rule;
	return MERGE_APPEND;
}

/* --- nodes ------------------------------------------------------------------------------ */

static int out_of_memory(void)
{
	return fail_errno(ENOMEM, "cannot merge compose files");
}

static struct yaml_node *new_node(enum yaml_kind kind, const struct yaml_node *at)
{
	struct yaml_node *node = calloc(1, sizeof *node);
	if (!node)
		return NULL;
	node->kind = kind;
	node->style = kind == YAML_SCALAR ? YAML_PLAIN : YAML_BLOCK;
	node->line = at->line;
	node->column = at->column;
	return node;
}

static struct yaml_node *new_scalar(const char *text, size_t length, enum yaml_style style, const struct yaml_node *at)
{
	struct yaml_node *node = new_node(YAML_SCALAR, at);
	if (!node || !(node->text = strndup(text, length))) {
		free(node);
		return NULL;
	}
	node->length = length;
	node->style = style;
	return node;
}

/* Put replacement where old is in parent (a mapping keeps old's key on it); old is freed. */
static void replace_child(struct yaml_node *parent, struct yaml_node *old, struct yaml_node *replacement)
{
	struct yaml_node *before = NULL;
	for (struct yaml_node *at = parent->first; at != old; at = at->next)
		before = at;
	yaml_free(replacement->key);
	replacement->key = old->key;
	old->key = NULL;
	replacement->next = old->next;
	if (before)
		before->next = replacement;
	else
		parent->first = replacement;
	if (parent->last == old)
		parent->last = replacement;
	old->next = NULL;
	yaml_free(old);
}

/* Equal as values: kinds, texts and children (with their keys) alike. */
static bool same_value(const struct yaml_node *a, const struct yaml_node *b)
{
	if (a->kind != b->kind || a->count != b->count)
		return false;
	if (a->kind == YAML_SCALAR)
		return a->length == b->length && memcmp(a->text, b->text, a->length) == 0;
	for (const struct yaml_node *x = a->first, *y = b->first; x && y; x = x->next, y = y->next)
		if ((x->key && (!y->key || !same_value(x->key, y->key))) || !same_value(x, y))
			return false;
	return true;
}

/* --- one form before merging -------------------------------------------------------------- */

/* ["A=1", "B"] as {A: "1", B: null}; extra_hosts may write "host:ip" too. */
static struct yaml_node *list_as_mapping(const struct yaml_node *list, bool colon_too)
{
	struct yaml_node *map = new_node(YAML_MAPPING, list);
	if (!map)
		return NULL;
	yaml_for_each(item, list) {
		if (item->kind != YAML_SCALAR)
			continue; /* the schema check refuses it later */
		const char *text = item->text;
		const char *split = strchr(text, '=');
		if (!split && colon_too)
			split = strchr(text, ':');
		size_t name_length = split ? (size_t)(split - text) : strlen(text);
		struct yaml_node *key = new_scalar(text, name_length, YAML_PLAIN, item);
		struct yaml_node *value = split ? new_scalar(split + 1, strlen(split + 1), YAML_DOUBLE_QUOTED, item)
						: new_scalar("", 0, YAML_PLAIN, item);
		if (!key || !value) {
			yaml_free(key);
			yaml_free(value);
			yaml_free(map);
			return NULL;
		}
		value->key = key;
		yaml_append(map, value);
	}
	return map;
}

/* [front, back] as {front: null, back: null}; depends_on's [db] as {db: {condition:
 * service_started}}, the default the list form means. */
static struct yaml_node *names_as_mapping(const struct yaml_node *list, bool dependencies)
{
	struct yaml_node *map = new_node(YAML_MAPPING, list);
	if (!map)
		return NULL;
	yaml_for_each(item, list) {
		if (item->kind != YAML_SCALAR)
			continue;
		struct yaml_node *key = yaml_copy(item), *value;
		if (dependencies) {
			value = new_node(YAML_MAPPING, item);
			struct yaml_node *condition = new_scalar("service_started", 15, YAML_PLAIN, item);
			struct yaml_node *condition_key = new_scalar("condition", 9, YAML_PLAIN, item);
			if (value && condition && condition_key) {
				condition->key = condition_key;
				yaml_append(value, condition);
			} else {
				yaml_free(condition);
				yaml_free(condition_key);
				yaml_free(value);
				value = NULL;
			}
		} else {
			value = new_scalar("", 0, YAML_PLAIN, item);
		}
		if (!key || !value) {
			yaml_free(key);
			yaml_free(value);
			yaml_free(map);
			return NULL;
		}
		value->key = key;
		yaml_append(map, value);
	}
	return map;
}

/* A copy of node in the form its path merges in (a list-or-mapping as a mapping, a
 * string-or-list as a list, a string build as {context: ...}), or a plain copy. */
static struct yaml_node *normalised_copy(const struct yaml_node *node, const char *path)
{
	if (node->kind == YAML_SEQUENCE && among(path, list_or_dict_paths, COUNT(list_or_dict_paths)))
		return list_as_mapping(node, strstr(path, "extra_hosts") != NULL);
	if (node->kind == YAML_SEQUENCE && among(path, names_or_dict_paths, COUNT(names_or_dict_paths)))
		return names_as_mapping(node, strcmp(path, "depends_on") == 0);
	bool to_list = node->kind == YAML_SCALAR && among(path, string_or_list_paths, COUNT(string_or_list_paths));
	bool to_build = node->kind == YAML_SCALAR && path && strcmp(path, "build") == 0;
	if (!to_list && !to_build)
		return yaml_copy(node);
	struct yaml_node *wrapper = new_node(to_list ? YAML_SEQUENCE : YAML_MAPPING, node);
	struct yaml_node *item = yaml_copy(node);
	struct yaml_node *key = to_build ? new_scalar("context", 7, YAML_PLAIN, node) : NULL;
	if (!wrapper || !item || (to_build && !key)) {
		yaml_free(wrapper);
		yaml_free(item);
		yaml_free(key);
		return NULL;
	}
	yaml_free(item->key);
	item->key = key;
	yaml_append(wrapper, item);
	return wrapper;
}

/* --- merging ---------------------------------------------------------------------------- */

/* The path inside the container an item of volumes, devices or blkio_config.device_* is
 * for: "SOURCE:TARGET[:MODE]" or "TARGET" written short, target or path written long. */
static const char *target_of(const struct yaml_node *item, size_t *length)
{
	if (item->kind == YAML_MAPPING) {
		const struct yaml_node *target = yaml_get(item, "target");
		if (!target)
			target = yaml_get(item, "path");
		if (!target || target->kind != YAML_SCALAR)
			return NULL;
		*length = target->length;
		return target->text;
	}
	if (item->kind != YAML_SCALAR)
		return NULL;
	const char *first = strchr(item->text, ':');
	if (!first) {
		*length = item->length;
		return item->text;
	}
	const char *second = strchr(first + 1, ':');
	*length = second ? (size_t)(second - first - 1) : strlen(first + 1);
	return first + 1;
}

static struct yaml_node *same_target(const struct yaml_node *list, const struct yaml_node *item)
{
	size_t length, other_length;
	const char *target = target_of(item, &length);
	if (!target)
		return NULL;
	yaml_for_each(candidate, list) {
		const char *other = target_of(candidate, &other_length);
		if (other && other_length == length && memcmp(other, target, length) == 0)
			return candidate;
	}
	return NULL;
}

static int merge_into(struct yaml_node *parent, struct yaml_node *base, const struct yaml_node *later, const char *path);

static int merge_sequences(struct yaml_node *base, const struct yaml_node *later, enum merge_rule rule)
{
	yaml_for_each(item, later) {
		struct yaml_node *existing = NULL;
		if (rule == MERGE_APPEND_UNIQUE) {
			yaml_for_each(candidate, base)
				if (same_value(candidate, item))
					existing = candidate;
			if (existing)
				continue;
		}
		struct yaml_node *copy = yaml_copy(item);
		if (!copy)
			return out_of_memory();
		if (rule == MERGE_BY_TARGET && (existing = same_target(base, item)))
			replace_child(base, existing, copy);
		else
			yaml_append(base, copy);
	}
	return 0;
}

static int merge_mappings(struct yaml_node *base, const struct yaml_node *later, const char *path)
{
	yaml_for_each(value, later) {
		if (value->key->kind != YAML_SCALAR)
			continue; /* refused by the model's check of keys */
		char child_path[512];
		if (path)
			snprintf(child_path, sizeof child_path, "%s%s%s", path, path[0] ? "." : "", value->key->text);
		struct yaml_node *existing = yaml_get(base, value->key->text);
		if (existing) {
			if (merge_into(base, existing, value, path ? child_path : NULL) < 0)
				return -1;
			continue;
		}
		struct yaml_node *copy = normalised_copy(value, path ? child_path : NULL);
		if (!copy)
			return out_of_memory();
		if (!copy->key && !(copy->key = yaml_copy(value->key))) {
			yaml_free(copy);
			return out_of_memory();
		}
		yaml_append(base, copy);
	}
	return 0;
}

/* Merge later (the later value at path, a service's key path, or NULL outside services) into
 * base (the earlier value, a child of parent). */
static int merge_into(struct yaml_node *parent, struct yaml_node *base, const struct yaml_node *later, const char *path)
{
	enum merge_rule rule = rule_of(path);
	struct yaml_node *later_form = normalised_copy(later, path);
	if (!later_form)
		return out_of_memory();
	if (rule != MERGE_REPLACE) {
		struct yaml_node *base_form = normalised_copy(base, path);
		if (!base_form) {
			yaml_free(later_form);
			return out_of_memory();
		}
		replace_child(parent, base, base_form);
		base = base_form;
	}
	int result = 0;
	if (rule != MERGE_REPLACE && base->kind == YAML_MAPPING && later_form->kind == YAML_MAPPING)
		result = merge_mappings(base, later_form, path);
	else if (rule != MERGE_REPLACE && base->kind == YAML_SEQUENCE && later_form->kind == YAML_SEQUENCE)
		result = merge_sequences(base, later_form, rule);
	else { /* scalars, replaced values, and values of different kinds: later's wins */
		replace_child(parent, base, later_form);
		return 0;
	}
	yaml_free(later_form);
	return result;
}

/* --- the two entry points -------------------------------------------------------------------- */

int compose_merge_service(struct yaml_node *base, const struct yaml_node *later)
{
	return merge_mappings(base, later, "");
}

/* services: by name; a service in both files merged by the rules, a new one added. */
static int merge_services(struct yaml_node *base, const struct yaml_node *later)
{
	yaml_for_each(service, later) {
		if (service->key->kind != YAML_SCALAR)
			continue; /* refused by the model's check of names */
		struct yaml_node *existing = yaml_get(base, service->key->text);
		if (existing && existing->kind == YAML_MAPPING && service->kind == YAML_MAPPING) {
			if (compose_merge_service(existing, service) < 0)
				return -1;
			continue;
		}
		struct yaml_node *copy = yaml_copy(service);
		if (!copy)
			return out_of_memory();
		if (existing)
			replace_child(base, existing, copy);
		else
			yaml_append(base, copy);
	}
	return 0;
}

int compose_merge(struct yaml_node *base, struct yaml_node *over, const char *over_name)
{
	int result = 0;
	if (over->kind == YAML_SCALAR && over->length == 0) /* an empty file changes nothing */
		goto done;
	if (base->kind != YAML_MAPPING || over->kind != YAML_MAPPING) {
		result = fail_errno(0, "%s: a compose file is a mapping (services: ...)", over_name);
		goto done;
	}
	struct yaml_node *services = yaml_get(over, "services");
	struct yaml_node *base_services = yaml_get(base, "services");
	if (services && base_services && services->kind == YAML_MAPPING && base_services->kind == YAML_MAPPING) {
		result = merge_services(base_services, services);
		yaml_unlink(over, services);
		yaml_free(services);
	}
	/* The rest (name, networks, volumes, secrets, configs, x-...): mappings key by key,
	 * sequences appended, scalars replaced. */
	if (result == 0)
		result = merge_mappings(base, over, NULL);
done:
	yaml_free(over);
	return result;
}
