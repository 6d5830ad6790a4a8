/*
 * compose-extends.c - a service merged over the service it extends (compose-extends.h).
 *
 * Following the chain is done here; the merge itself is compose-merge.h's, the one -f uses:
 * a copy of the base service, into which the extending service's keys are merged. The merged
 * mapping then takes the place of the extending service's body, so positions of both files
 * stay on their nodes, for the model's messages.
 */
#include "compose-extends.h"
#include "compose-merge.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

static int out_of_memory(void)
{
	return fail_errno(12, "cannot merge extends");
}

/* healthcheck: a service cannot disable a check its base has, unless the base disables it
 * too (services.md, "extends", Mappings). */
static int check_healthcheck(const char *file, const struct yaml_node *base, const struct yaml_node *service)
{
	const struct yaml_node *later = yaml_get(service, "healthcheck"), *earlier = yaml_get(base, "healthcheck");
	bool later_disables = false, base_disables = false;
	const struct yaml_node *disable = yaml_get(later, "disable");
	if (!earlier || !disable || yaml_bool(disable, &later_disables) < 0 || !later_disables)
		return 0;
	if (yaml_get(earlier, "disable") && yaml_bool(yaml_get(earlier, "disable"), &base_disables) == 0 && base_disables)
		return 0;
	return fail_errno(0, "%s:%d:%d: healthcheck.disable: true cannot override the healthcheck of the extended service",
			  file, disable->line, disable->column);
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
	int result = check_healthcheck(file, base, service);
	if (result == 0)
		result = compose_merge_service(base, service);
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
