/*
 * compose-model.c - a compose file's tree read into the model (compose-model.h): the project.
 *
 * In three passes, each of which can trust the one before: the tree is checked against the
 * specification's schema (compose-schema.h: every key known, every value of its type); each
 * service (compose-service.c) and each top-level volume, network, secret and config
 * (compose-resources.c) is read; then the services are checked together, as only a whole
 * project can be: what depends_on names exists, and the dependencies have no cycle.
 */
#include "compose-model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compose-graph.h"
#include "compose-model-internal.h"
#include "compose-schema.h"
#include "error.h"

/* The keys of a top-level section, in the file's order (the list kept beside the full
 * definitions, for a quick look-up). */
static int list_keys(const struct compose_resources *resources, struct compose_strings *into)
{
	for (size_t i = 0; i < resources->count; i++)
		if (model_add_string(into, resources->items[i].key) < 0)
			return -1;
	return 0;
}

static int read_section(const char *file, const struct yaml_node *node, struct compose_resources *resources,
			struct compose_strings *keys, struct compose_strings *ignored)
{
	struct reading r = { file, node->key->text, ignored };
	if (compose_resources_read(&r, node, resources) < 0)
		return -1;
	return list_keys(resources, keys);
}

static int read_services(const char *file, const struct yaml_node *services, struct compose_project *project)
{
	if (model_is_null(services))
		return 0;
	if (!(project->services = calloc(services->count + 1, sizeof *project->services)))
		return model_out_of_memory();
	yaml_for_each(value, services) {
		if (model_is_extension(value->key->text))
			continue;
		struct compose_service *service = &project->services[project->service_count++];
		if (!(service->name = strdup(value->key->text)))
			return model_out_of_memory();
		char path[512];
		snprintf(path, sizeof path, "services.%s", service->name);
		struct reading r = { file, path, &project->ignored };
		if (compose_service_read(&r, value, service) < 0)
			return -1;
	}
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct compose_service *)a)->name, ((const struct compose_service *)b)->name);
}

/* depends_on names services that exist, without a cycle (compose-graph.h); an error points at
 * the entry at fault: the unknown name, or the dependency that closes the cycle. */
static int check_dependencies(const char *file, const struct compose_project *project)
{
	struct compose_graph_service *graph = calloc(project->service_count + 1, sizeof *graph);
	const char ***names = calloc(project->service_count + 1, sizeof *names);
	int result = 0;
	if (!graph || !names)
		result = model_out_of_memory();
	for (size_t i = 0; result == 0 && i < project->service_count; i++) {
		const struct compose_service *s = &project->services[i];
		if (!(names[i] = calloc(s->depends_count + 1, sizeof **names))) {
			result = model_out_of_memory();
			break;
		}
		for (size_t d = 0; d < s->depends_count; d++)
			names[i][d] = s->depends_on[d].service;
		graph[i] = (struct compose_graph_service){ s->name, names[i], s->depends_count };
	}
	struct compose_start_order order;
	if (result == 0 && compose_start_order(graph, project->service_count, &order) == 0) {
		compose_start_order_free(&order);
	} else if (result == 0 && error_errno() == 0) {
		const struct compose_dependency *at =
			&project->services[order.failed_service].depends_on[order.failed_dependency];
		result = fail_context("%s:%d:%d", file, at->line, at->column);
	} else {
		result = -1;
	}
	for (size_t i = 0; names && i < project->service_count; i++)
		free(names[i]);
	free(names);
	free(graph);
	return result;
}

/* Every key of a compose file is a string: YAML allows a list as a key (`? [a, b]`), Compose
 * does not, and every reader compares keys as text. */
static int check_keys(const char *file, const struct yaml_node *node)
{
	yaml_for_each(item, node) {
		if (node->kind == YAML_MAPPING && (item->key->kind != YAML_SCALAR || !item->key->text))
			return model_fail_at(file, item->key, "a key must be a string");
		if (check_keys(file, item) < 0)
			return -1;
	}
	return 0;
}

static int read_project(const char *file, const struct yaml_node *root, struct compose_project *project)
{
	struct reading top = { file, "", &project->ignored };
	yaml_for_each(value, root) {
		const char *key = value->key->text;
		int result = 0;
		if (model_is_extension(key) || strcmp(key, "version") == 0)
			continue; /* version: obsolete, read and ignored as Compose v2 does */
		if (strcmp(key, "name") == 0)
			result = model_read_string(&top, key, value, &project->name);
		else if (strcmp(key, "services") == 0)
			result = read_services(file, value, project);
		else if (strcmp(key, "volumes") == 0)
			result = read_section(file, value, &project->volume_definitions, &project->volumes, &project->ignored);
		else if (strcmp(key, "networks") == 0)
			result = read_section(file, value, &project->network_definitions, &project->networks, &project->ignored);
		else if (strcmp(key, "secrets") == 0)
			result = read_section(file, value, &project->secret_definitions, &project->secrets, &project->ignored);
		else if (strcmp(key, "configs") == 0)
			result = read_section(file, value, &project->config_definitions, &project->configs, &project->ignored);
		else
			result = model_not_acted_on(&top, NULL, value, &project->other); /* include, models */
		if (result < 0)
			return -1;
	}
	if (project->service_count > 1)
		qsort(project->services, project->service_count, sizeof *project->services, by_name);
	return check_dependencies(file, project);
}

int compose_model_read(const char *file, const struct yaml_node *root, struct compose_project *project)
{
	memset(project, 0, sizeof *project);
	if (check_keys(file, root) < 0 || compose_schema_check(file, root) < 0)
		return -1;
	if (read_project(file, root, project) < 0) {
		compose_project_free(project);
		return -1;
	}
	return 0;
}

const struct compose_service *compose_find_service(const struct compose_project *project, const char *name)
{
	for (size_t i = 0; i < project->service_count; i++)
		if (strcmp(project->services[i].name, name) == 0)
			return &project->services[i];
	return NULL;
}

void compose_project_free(struct compose_project *project)
{
	for (size_t i = 0; i < project->service_count; i++)
		compose_service_free(&project->services[i]);
	free(project->services);
	free(project->name);
	model_free_strings(&project->volumes);
	model_free_strings(&project->networks);
	model_free_strings(&project->secrets);
	model_free_strings(&project->configs);
	compose_resources_free(&project->volume_definitions);
	compose_resources_free(&project->network_definitions);
	compose_resources_free(&project->secret_definitions);
	compose_resources_free(&project->config_definitions);
	model_free_strings(&project->ignored);
	yaml_free(project->other);
	memset(project, 0, sizeof *project);
}
