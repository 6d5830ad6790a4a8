/*
 * compose-resources.c - the top-level volumes, networks, secrets and configs of a compose
 * file, read into the model (compose-model.h, struct compose_resource).
 *
 * Each is named by its key and made by `up` as PROJECT_KEY (compose-project.h), unless the
 * file gives it a `name:` or says it is `external` (made outside the project, by
 * `docker volume create` or another project: found, never created or removed). A secret or a
 * config has a value: a `file` on the host, an `environment` variable of `compose`, or (a
 * config only) its `content` written inline. The rest (driver options, ipam, labels...) is
 * kept as written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compose-model-internal.h"

/* external: true, a string (older files), or {name: NAME} (deprecated: the name given). */
static int read_external(const struct reading *r, const struct yaml_node *node, struct compose_resource *resource)
{
	if (node->kind == YAML_MAPPING) {
		resource->external = true;
		const struct yaml_node *name = yaml_get(node, "name");
		return name ? model_read_string(r, "external.name", name, &resource->name) : 0;
	}
	if (yaml_bool(node, &resource->external) == 0)
		return 0;
	return model_read_bool(r, "external", node, &resource->external);
}

/* A network's ipam: its config's subnet is acted on (`up` makes the network on it,
 * compose-networks.c), so it is kept as written without a warning; what else it says
 * (a gateway, an ip_range, another ipam driver) is kept and named among the keys not acted on. */
static int read_ipam(const struct reading *r, const struct yaml_node *node, struct yaml_node **other)
{
	if (node->kind == YAML_MAPPING) {
		yaml_for_each(value, node) {
			const char *key = value->key->text;
			bool default_driver = strcmp(key, "driver") == 0 && value->kind == YAML_SCALAR &&
					      strcmp(value->text, "default") == 0;
			if (strcmp(key, "config") == 0) {
				yaml_for_each(item, value) {
					yaml_for_each(field, item) {
						if (strcmp(field->key->text, "subnet") != 0 &&
						    model_not_acted_on(r, "ipam.config", field, NULL) < 0)
							return -1;
					}
				}
			} else if (!default_driver && model_not_acted_on(r, "ipam", value, NULL) < 0) {
				return -1;
			}
		}
	}
	if (!*other && !(*other = calloc(1, sizeof **other)))
		return model_out_of_memory();
	(*other)->kind = YAML_MAPPING;
	(*other)->style = YAML_BLOCK;
	struct yaml_node *copy = yaml_copy(node);
	if (!copy)
		return model_out_of_memory();
	yaml_append(*other, copy);
	return 0;
}

static int read_resource(const struct reading *r, const struct yaml_node *node, struct compose_resource *resource)
{
	if (!(resource->key = strdup(node->key->text)))
		return model_out_of_memory();
	if (model_is_null(node))
		return 0; /* `data:`: every default */
	yaml_for_each(value, node) {
		const char *key = value->key->text;
		int result = 0;
		if (model_is_extension(key))
			continue;
		if (strcmp(key, "name") == 0)
			result = model_read_string(r, key, value, &resource->name);
		else if (strcmp(key, "external") == 0)
			result = read_external(r, value, resource);
		else if (strcmp(key, "driver") == 0)
			result = model_read_string(r, key, value, &resource->driver);
		else if (strcmp(key, "file") == 0)
			result = model_read_string(r, key, value, &resource->file);
		else if (strcmp(key, "environment") == 0)
			result = model_read_string(r, key, value, &resource->environment);
		else if (strcmp(key, "content") == 0)
			result = model_read_string(r, key, value, &resource->content);
		else if (strcmp(key, "labels") == 0)
			result = model_read_map_or_list(r, key, value, &resource->labels);
		else if (strcmp(key, "driver_opts") == 0)
			result = model_read_map_or_list(r, key, value, &resource->driver_opts);
		else if (strcmp(key, "ipam") == 0 && strncmp(r->path, "networks.", strlen("networks.")) == 0)
			result = read_ipam(r, value, &resource->other);
		else
			result = model_not_acted_on(r, NULL, value, &resource->other);
		if (result < 0)
			return -1;
	}
	return 0;
}

int compose_resources_read(const struct reading *r, const struct yaml_node *node, struct compose_resources *into)
{
	if (model_is_null(node))
		return 0;
	if (node->kind != YAML_MAPPING)
		return model_fail_at(r->file, node, "%s must be a mapping", r->path);
	if (!(into->items = calloc(node->count + 1, sizeof *into->items)))
		return model_out_of_memory();
	yaml_for_each(value, node) {
		if (model_is_extension(value->key->text))
			continue;
		char path[512];
		snprintf(path, sizeof path, "%s.%s", r->path, value->key->text);
		struct reading resource_reading = { r->file, path, r->ignored };
		if (read_resource(&resource_reading, value, &into->items[into->count++]) < 0)
			return -1;
	}
	return 0;
}

void compose_resources_free(struct compose_resources *resources)
{
	for (size_t i = 0; i < resources->count; i++) {
		struct compose_resource *r = &resources->items[i];
		free(r->key);
		free(r->name);
		free(r->driver);
		free(r->file);
		free(r->environment);
		free(r->content);
		model_free_strings(&r->labels);
		model_free_strings(&r->driver_opts);
		yaml_free(r->other);
	}
	free(resources->items);
	resources->items = NULL;
	resources->count = 0;
}
