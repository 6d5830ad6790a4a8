/*
 * compose-model-internal.h - what the readers of the model share (compose-model.c,
 * compose-service.c, compose-resources.c): where the reading is, messages at a node's line
 * and column, and the readers of the value shapes that recur (a string, a list, a mapping or
 * a list of NAME=value). The tree has been checked against the schema (compose-schema.h)
 * before any of them runs, so they convert; the checks they keep are those the schema does
 * not make (a duration, a size, a port).
 */
#ifndef TINYDOCK_COMPOSE_MODEL_INTERNAL_H
#define TINYDOCK_COMPOSE_MODEL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "compose-model.h"

/* What is being read: the file, and the path of the mapping being read, for messages
 * ("services.web"); ignored collects the keys read but not acted on. */
struct reading {
	const char *file;
	const char *path;
	struct compose_strings *ignored;
};

/* "FILE:LINE:COLUMN: message" for node; returns -1. */
int model_fail_at(const char *file, const struct yaml_node *node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int model_out_of_memory(void);

int model_add_string(struct compose_strings *list, const char *text);
void model_free_strings(struct compose_strings *list);
bool model_is_null(const struct yaml_node *node);
bool model_is_extension(const char *key);

/* A key the model does not act on: its path (r->path, within when not NULL, and value's
 * key: "services.web.build.ssh") is added to r->ignored, and when other is not NULL a copy of
 * value (with its key) to the mapping *other (made when NULL), for `config` to print. */
int model_not_acted_on(const struct reading *r, const char *within, const struct yaml_node *value,
		       struct yaml_node **other);

/* The readers of recurring shapes; key names the value in messages (r->path + "." + key). */
int model_read_string(const struct reading *r, const char *key, const struct yaml_node *node, char **into);
int model_read_list(const struct reading *r, const char *key, const struct yaml_node *node,
		    struct compose_strings *into);
int model_read_string_or_list(const struct reading *r, const char *key, const struct yaml_node *node,
			      struct compose_strings *into);
int model_read_map_or_list(const struct reading *r, const char *key, const struct yaml_node *node,
			   struct compose_strings *into);
int model_read_bool(const struct reading *r, const char *key, const struct yaml_node *node, bool *into);
int model_read_duration(const struct reading *r, const char *key, const struct yaml_node *node, int64_t *ns);
int model_read_integer(const struct reading *r, const char *key, const struct yaml_node *node, int64_t *into);

/* A service of name, read from node (compose-service.c); freed by compose_service_free. */
int compose_service_read(const struct reading *r, const struct yaml_node *node, struct compose_service *service);
void compose_service_free(struct compose_service *service);

/* A top-level section (volumes, networks, secrets, configs) read into *into (compose-resources.c). */
int compose_resources_read(const struct reading *r, const struct yaml_node *node, struct compose_resources *into);
void compose_resources_free(struct compose_resources *resources);

#endif
