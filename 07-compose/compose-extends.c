/*
 * compose-extends.c - a service merged over the service it extends (compose-extends.h).
 *
 * The merge works on YAML trees: a copy of the base service, into which the extending
 * service's keys are merged one by one, each by the rule of its path ("environment",
 * "deploy.resources.limits", "volumes"). Before two values are merged, both are brought to
 * one form (a list of NAME=value becomes a mapping, a string build becomes {context: ...}),
 * so that `environment: [A=1]` in one and `environment: {B: 2}` in the other merge as the
 * specification shows. The merged mapping then takes the place of the extending service's
 * body, so positions of both files stay on their nodes, for the model's messages.
 */
#include "compose-extends.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/* --- the rules, by path ---------------------------------------------------------------- */

enum merge_rule {
	MERGE_APPEND,        /* base's items, then main's */
	MERGE_APPEND_UNIQUE, /* the same, each item once */
	MERGE_BY_TARGET,     /* items keyed by their path in the container */
	MERGE_REPLACE,       /* main's value replaces base's */
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
	for (size_t i = 0; i < count; i++)
		if (strcmp(path, paths[i]) == 0)
			return true;
	return false;
}

static enum merge_rule rule_of(const char *path)
{
	for (size_t i = 0; i < COUNT(merge_rules); i++)
		if (strcmp(path, merge_rules[i].path) == 0)
			return merge_rules[i].rule;
	return MERGE_APPEND;
}

/* --- nodes ------------------------------------------------------------------------------ */

static int out_of_memory(void)
{
	return fail_errno(12, "cannot merge extends");
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
	bool to_build = node->kind == YAML_SCALAR && strcmp(path, "build") == 0;
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

static int merge_into(const char *file, struct yaml_node *parent, struct yaml_node *base, const struct yaml_node *main,
		      const char *path);

static int merge_sequences(struct yaml_node *base, const struct yaml_node *main, enum merge_rule rule)
{
	yaml_for_each(item, main) {
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

/* healthcheck: main cannot disable a check the base has, unless the base disables it too
 * (services.md, "extends", Mappings). */
static int check_healthcheck(const char *file, const struct yaml_node *base, const struct yaml_node *main)
{
	bool main_disables = false, base_disables = false;
	const struct yaml_node *disable = yaml_get(main, "disable");
	if (!disable || yaml_bool(disable, &main_disables) < 0 || !main_disables)
		return 0;
	if (yaml_get(base, "disable") && yaml_bool(yaml_get(base, "disable"), &base_disables) == 0 && base_disables)
		return 0;
	return fail_errno(0, "%s:%d:%d: healthcheck.disable: true cannot override the healthcheck of the extended service",
			  file, disable->line, disable->column);
}

static int merge_mappings(const char *file, struct yaml_node *base, const struct yaml_node *main, const char *path)
{
	if (strcmp(path, "healthcheck") == 0 && check_healthcheck(file, base, main) < 0)
		return -1;
	yaml_for_each(value, main) {
		if (value->key->kind != YAML_SCALAR)
			continue; /* refused by the model's check of keys */
		char child_path[512];
		snprintf(child_path, sizeof child_path, "%s%s%s", path, path[0] ? "." : "", value->key->text);
		struct yaml_node *existing = yaml_get(base, value->key->text);
		if (existing) {
			if (merge_into(file, base, existing, value, child_path) < 0)
				return -1;
			continue;
		}
		struct yaml_node *copy = normalised_copy(value, child_path);
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

/* Merge main (the extending service's value at path) into base (the value in the copy of
 * the base service, a child of parent). */
static int merge_into(const char *file, struct yaml_node *parent, struct yaml_node *base, const struct yaml_node *main,
		      const char *path)
{
	enum merge_rule rule = rule_of(path);
	struct yaml_node *main_form = normalised_copy(main, path);
	if (!main_form)
		return out_of_memory();
	if (rule != MERGE_REPLACE) {
		struct yaml_node *base_form = normalised_copy(base, path);
		if (!base_form) {
			yaml_free(main_form);
			return out_of_memory();
		}
		replace_child(parent, base, base_form);
		base = base_form;
	}
	int result = 0;
	if (rule != MERGE_REPLACE && base->kind == YAML_MAPPING && main_form->kind == YAML_MAPPING)
		result = merge_mappings(file, base, main_form, path);
	else if (rule != MERGE_REPLACE && base->kind == YAML_SEQUENCE && main_form->kind == YAML_SEQUENCE)
		result = merge_sequences(base, main_form, rule);
	else { /* scalars, replaced values, and values of different kinds: main's wins */
		replace_child(parent, base, main_form);
		return 0;
	}
	yaml_free(main_form);
	return result;
}

/* --- following extends -------------------------------------------------------------------- */

/* A service being resolved: the chain from the first one, to find a cycle. */
struct link {
	const char *file;
	const char *service;
	const struct link *previous;
};

struct resolution {
	compose_file_loader *load;
	void *context;
};

static int cycle_error(const char *file, const struct yaml_node *at, const struct link *chain, const char *service)
{
	char names[1024] = "";
	size_t depth = 0;
	const struct link *links[COMPOSE_EXTENDS_MAX_DEPTH + 2];
	for (const struct link *l = chain; l && depth < COMPOSE_EXTENDS_MAX_DEPTH + 1; l = l->previous)
		links[depth++] = l;
	for (size_t i = depth; i-- > 0;) {
		size_t used = strlen(names);
		snprintf(names + used, sizeof names - used, "%s -> ", links[i]->service);
	}
	size_t used = strlen(names);
	snprintf(names + used, sizeof names - used, "%s", service);
	return fail_errno(0, "%s:%d:%d: services.%s.extends: a cycle: %s", file, at->line, at->column, chain->service, names);
}

/* The file a relative `file:` names, next to the file that names it. */
static char *path_next_to(const char *file, const char *other)
{
	const char *slash = strrchr(file, '/');
	char *path;
	if (other[0] == '/' || !slash)
		return strdup(other);
	return asprintf(&path, "%.*s/%s", (int)(slash - file), file, other) < 0 ? NULL : path;
}

static int resolve_service(const struct resolution *how, const char *file, struct yaml_node *root,
			   struct yaml_node *service, const struct link *chain, size_t depth);

/* The base service that `extends` names, resolved itself, copied into *base. */
static int find_base(const struct resolution *how, const char *file, struct yaml_node *root,
		     const struct yaml_node *extends, const struct link *chain, size_t depth, struct yaml_node **base)
{
	const struct yaml_node *name = extends, *other = NULL;
	if (extends->kind == YAML_MAPPING) {
		name = yaml_get(extends, "service");
		other = yaml_get(extends, "file");
	}
	if (!name || name->kind != YAML_SCALAR || (other && other->kind != YAML_SCALAR))
		return fail_errno(0, "%s:%d:%d: services.%s.extends must be a service name or {service: NAME, file: FILE}",
				  file, extends->line, extends->column, chain->service);
	char *other_file = other ? path_next_to(file, other->text) : NULL;
	if (other && !other_file)
		return out_of_memory();
	const char *base_file = other ? other_file : file;
	int result = 0;
	/* A cycle is found before reading a file, so that two files extending each other are
	 * not read again and again. */
	for (const struct link *l = chain; result == 0 && l; l = l->previous)
		if (strcmp(l->service, name->text) == 0 && strcmp(l->file, base_file) == 0)
			result = cycle_error(file, name, chain, name->text);
	if (result == 0 && depth >= COMPOSE_EXTENDS_MAX_DEPTH)
		result = fail_errno(0, "%s:%d:%d: services.%s.extends: more than %d services extended in a chain", file,
				    name->line, name->column, chain->service, COMPOSE_EXTENDS_MAX_DEPTH);
	struct yaml_node *other_root = NULL;
	if (result == 0 && other && !how->load)
		result = fail_errno(0, "%s:%d:%d: services.%s.extends: no other file can be read here", file, other->line,
				    other->column, chain->service);
	else if (result == 0 && other && !(other_root = how->load(how->context, other_file)))
		result = fail_context("%s:%d:%d: services.%s.extends", file, other->line, other->column, chain->service);
	struct yaml_node *base_root = other ? other_root : root;
	struct yaml_node *found = result == 0 ? yaml_get(yaml_get(base_root, "services"), name->text) : NULL;
	if (result == 0 && !found)
		result = fail_errno(0, "%s:%d:%d: services.%s.extends: no service \"%s\" in %s", file, name->line, name->column,
				    chain->service, name->text, base_file);
	if (result == 0)
		result = resolve_service(how, base_file, base_root, found, chain, depth + 1);
	if (result == 0 && !(*base = yaml_copy(found)))
		result = out_of_memory();
	yaml_free(other_root);
	free(other_file);
	return result;
}

static int resolve_service(const struct resolution *how, const char *file, struct yaml_node *root,
			   struct yaml_node *service, const struct link *chain, size_t depth)
{
	struct yaml_node *extends = yaml_get(service, "extends");
	if (!extends)
		return 0;
	const struct link here = { file, service->key->text, chain };
	struct yaml_node *base = NULL;
	if (find_base(how, file, root, extends, &here, depth, &base) < 0)
		return -1;
	yaml_unlink(service, extends);
	yaml_free(extends);
	/* The merged service is the base's copy with the service's keys merged in; it takes the
	 * service's body, the service keeps its place and key. */
	yaml_free(base->key);
	base->key = NULL;
	if (base->kind != YAML_MAPPING || service->kind != YAML_MAPPING) {
		yaml_free(base);
		return fail_errno(0, "%s:%d:%d: services.%s: a service to extend and its base must be mappings", file,
				  service->line, service->column, service->key->text);
	}
	int result = merge_mappings(file, base, service, "");
	if (result == 0) {
		struct yaml_node *old_first = service->first;
		service->first = base->first;
		service->last = base->last;
		service->count = base->count;
		base->first = old_first; /* freed with base */
		base->last = NULL;
	}
	yaml_free(base);
	return result;
}

int compose_extends_resolve(const char *file, struct yaml_node *root, compose_file_loader *load, void *context)
{
	const struct resolution how = { load, context };
	const struct yaml_node *services = yaml_get(root, "services");
	if (!services || services->kind != YAML_MAPPING)
		return 0; /* nothing to extend; the schema check says what is wrong */
	yaml_for_each(service, services)
		if (service->kind == YAML_MAPPING && service->key->kind == YAML_SCALAR &&
		    resolve_service(&how, file, root, service, NULL, 0) < 0)
			return -1;
	return 0;
}
