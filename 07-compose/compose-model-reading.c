/*
 * compose-model-reading.c - the readers that every part of the model shares
 * (compose-model-internal.h): a scalar as a string, lists, NAME=value mappings, booleans,
 * durations, and the keys kept as written because tinydock does not act on them.
 */
#include "compose-model-internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "error.h"

int model_fail_at(const char *file, const struct yaml_node *node, const char *fmt, ...)
{
	char message[512];
	va_list args;
	va_start(args, fmt);
	vsnprintf(message, sizeof message, fmt, args);
	va_end(args);
	return fail_errno(0, "%s:%d:%d: %s", file, node->line, node->column, message);
}

int model_out_of_memory(void)
{
	return fail_errno(12, "cannot read the compose file");
}

int model_add_string(struct compose_strings *list, const char *text)
{
	char **grown = realloc(list->items, (list->count + 1) * sizeof *grown);
	if (!grown)
		return model_out_of_memory();
	list->items = grown;
	if (!(list->items[list->count] = strdup(text)))
		return model_out_of_memory();
	list->count++;
	return 0;
}

void model_free_strings(struct compose_strings *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

bool model_is_null(const struct yaml_node *node)
{
	return node->kind == YAML_SCALAR && yaml_scalar_type(node) == YAML_TYPE_NULL;
}

/* `x-...`: an extension, for the file's own use (the specification, "Extension"). */
bool model_is_extension(const char *key)
{
	return strncmp(key, "x-", 2) == 0;
}

int model_not_acted_on(const struct reading *r, const char *within, const struct yaml_node *value,
		       struct yaml_node **other)
{
	char *path;
	if (asprintf(&path, "%s%s%s%s%s", r->path, r->path[0] ? "." : "", within ? within : "", within ? "." : "",
		     value->key->text) < 0)
		return model_out_of_memory();
	int added = model_add_string(r->ignored, path);
	free(path);
	if (added < 0 || !other)
		return added;
	if (!*other && !(*other = calloc(1, sizeof **other)))
		return model_out_of_memory();
	(*other)->kind = YAML_MAPPING;
	(*other)->style = YAML_BLOCK;
	struct yaml_node *copy = yaml_copy(value);
	if (!copy)
		return model_out_of_memory();
	yaml_append(*other, copy);
	return 0;
}

/* A string, a number or a boolean, as Compose takes a scalar where it wants a string. */
int model_read_string(const struct reading *r, const char *key, const struct yaml_node *node, char **into)
{
	if (node->kind != YAML_SCALAR || model_is_null(node))
		return model_fail_at(r->file, node, "%s.%s must be a string", r->path, key);
	free(*into);
	return (*into = strdup(node->text)) ? 0 : model_out_of_memory();
}

/* A list of strings (numbers allowed, as `expose: [80]`). */
int model_read_list(const struct reading *r, const char *key, const struct yaml_node *node,
		    struct compose_strings *into)
{
	if (node->kind != YAML_SEQUENCE)
		return model_fail_at(r->file, node, "%s.%s must be a list", r->path, key);
	yaml_for_each(item, node) {
		if (item->kind != YAML_SCALAR || model_is_null(item))
			return model_fail_at(r->file, item, "%s.%s must be a list of strings", r->path, key);
		if (model_add_string(into, item->text) < 0)
			return -1;
	}
	return 0;
}

/* A string or a list of strings (env_file, tmpfs). */
int model_read_string_or_list(const struct reading *r, const char *key, const struct yaml_node *node,
			      struct compose_strings *into)
{
	if (node->kind == YAML_SCALAR && !model_is_null(node))
		return model_add_string(into, node->text);
	return model_read_list(r, key, node, into);
}

/* environment, labels, build.args: a mapping (NAME: value, where a null value means "from the
 * environment") or a list of "NAME=value" strings. Both become "NAME=value" (or "NAME"). */
int model_read_map_or_list(const struct reading *r, const char *key, const struct yaml_node *node,
			   struct compose_strings *into)
{
	if (node->kind == YAML_SEQUENCE)
		return model_read_list(r, key, node, into);
	if (node->kind != YAML_MAPPING)
		return model_fail_at(r->file, node, "%s.%s must be a mapping or a list", r->path, key);
	yaml_for_each(value, node) {
		if (value->kind != YAML_SCALAR)
			return model_fail_at(r->file, value, "%s.%s.%s must be a string, a number or a boolean", r->path,
					     key, value->key->text);
		char *pair;
		int made = model_is_null(value) ? asprintf(&pair, "%s", value->key->text)
						: asprintf(&pair, "%s=%s", value->key->text, value->text);
		if (made < 0)
			return model_out_of_memory();
		int added = model_add_string(into, pair);
		free(pair);
		if (added < 0)
			return -1;
	}
	return 0;
}

int model_read_bool(const struct reading *r, const char *key, const struct yaml_node *node, bool *into)
{
	if (yaml_bool(node, into) < 0)
		return model_fail_at(r->file, node, "%s.%s must be a boolean", r->path, key);
	return 0;
}

/* A duration as Compose writes it: Go's time.ParseDuration ("1m30s", "500ms"). */
int model_read_duration(const struct reading *r, const char *key, const struct yaml_node *node, int64_t *ns)
{
	if (node->kind != YAML_SCALAR || duration_parse(node->text, ns) < 0)
		return model_fail_at(r->file, node, "%s.%s must be a duration such as 1m30s", r->path, key);
	return 0;
}

int model_read_integer(const struct reading *r, const char *key, const struct yaml_node *node, int64_t *into)
{
	if (yaml_int64(node, into) < 0 || *into < 0)
		return model_fail_at(r->file, node, "%s.%s must be a whole number", r->path, key);
	return 0;
}
