/*
 * compose-service.c - one service of a compose file read into the model (compose-model.h).
 *
 * One reader per key: it converts the value, short and long syntax alike, into the one form
 * the model keeps (compose-model.h says which). The tree has been checked against the
 * specification's schema already, so every key here is one the specification defines: the
 * keys tinydock does not act on are kept as written (`other`) and listed (`ignored`), for
 * `config` to print and `up` to warn about.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "error.h"
#include "compose-model-internal.h"
#include "expand.h"

/* command, entrypoint: a list as written, or a string split into words as a shell would
 * split it (quotes and backslashes), without a shell and without expanding anything. */
static int read_command(const struct reading *r, const char *key, const struct yaml_node *node,
			struct compose_strings *into)
{
	if (node->kind == YAML_SEQUENCE)
		return model_read_list(r, key, node, into);
	if (model_is_null(node))
		return 0; /* command: null, the image's */
	if (node->kind != YAML_SCALAR)
		return model_fail_at(r->file, node, "%s.%s must be a string or a list", r->path, key);
	char **words;
	size_t count;
	if (expand_split_literal(node->text, '\\', &words, &count) < 0)
		return fail_context("%s:%d:%d: %s.%s", r->file, node->line, node->column, r->path, key);
	int result = 0;
	for (size_t i = 0; i < count && result == 0; i++)
		result = model_add_string(into, words[i]);
	expand_free_words(words);
	return result;
}

static int read_build(const struct reading *r, const struct yaml_node *node, struct compose_build *build)
{
	if (node->kind == YAML_SCALAR && !model_is_null(node))
		return (build->context = strdup(node->text)) ? 0 : model_out_of_memory();
	if (node->kind != YAML_MAPPING)
		return model_fail_at(r->file, node, "%s.build must be a string or a mapping", r->path);
	if (!(build->context = strdup(".")))
		return model_out_of_memory();
	yaml_for_each(value, node) {
		const char *key = value->key->text;
		int result = 0;
		if (strcmp(key, "context") == 0)
			result = model_read_string(r, "build.context", value, &build->context);
		else if (strcmp(key, "dockerfile") == 0)
			result = model_read_string(r, "build.dockerfile", value, &build->dockerfile);
		else if (strcmp(key, "target") == 0)
			result = model_read_string(r, "build.target", value, &build->target);
		else if (strcmp(key, "args") == 0)
			result = model_read_map_or_list(r, "build.args", value, &build->args);
		else if (!model_is_extension(key))
			result = model_not_acted_on(r, "build", value, NULL);
		if (result < 0)
			return -1;
	}
	return 0;
}

/* A host path in a short volume: what Compose binds rather than names (spec.md, "volumes"). */
static bool is_host_path(const char *source)
{
	return source[0] == '.' || source[0] == '/' || source[0] == '~';
}

/* Short syntax: "TARGET", "SOURCE:TARGET" or "SOURCE:TARGET:MODE" (ro, rw, and options). */
static int read_short_mount(const struct reading *r, const struct yaml_node *node, struct compose_mount *mount)
{
	const char *text = node->text;
	const char *first = strchr(text, ':');
	const char *second = first ? strchr(first + 1, ':') : NULL;
	if (!first) {
		mount->type = COMPOSE_MOUNT_VOLUME; /* anonymous */
		mount->target = strdup(text);
	} else {
		mount->source = strndup(text, (size_t)(first - text));
		mount->target = second ? strndup(first + 1, (size_t)(second - first - 1)) : strdup(first + 1);
		if (!mount->source || !mount->target)
			return model_out_of_memory();
		mount->type = is_host_path(mount->source) ? COMPOSE_MOUNT_BIND : COMPOSE_MOUNT_VOLUME;
		if (second) {
			/* "ro", "rw", or a comma-separated list of options with ro/rw among them. */
			char *modes = strdup(second + 1), *save = NULL;
			if (!modes)
				return model_out_of_memory();
			for (char *m = strtok_r(modes, ",", &save); m; m = strtok_r(NULL, ",", &save))
				if (strcmp(m, "ro") == 0)
					mount->read_only = true;
			free(modes);
		}
	}
	if (!mount->target)
		return model_out_of_memory();
	if (mount->target[0] != '/' || (mount->source && mount->source[0] == '\0'))
		return model_fail_at(r->file, node, "%s.volumes: invalid volume \"%s\": write [SOURCE:]TARGET[:ro], TARGET an absolute path",
			       r->path, text);
	return 0;
}

static int read_long_mount(const struct reading *r, const struct yaml_node *node, struct compose_mount *mount)
{
	char *type = NULL;
	int result = 0;
	yaml_for_each(value, node) {
		const char *key = value->key->text;
		if (strcmp(key, "type") == 0)
			result = model_read_string(r, "volumes.type", value, &type);
		else if (strcmp(key, "source") == 0)
			result = model_read_string(r, "volumes.source", value, &mount->source);
		else if (strcmp(key, "target") == 0)
			result = model_read_string(r, "volumes.target", value, &mount->target);
		else if (strcmp(key, "read_only") == 0) {
			if (yaml_bool(value, &mount->read_only) < 0)
				result = model_fail_at(r->file, value, "%s.volumes.read_only must be a boolean", r->path);
		} else if (!model_is_extension(key))
			result = model_not_acted_on(r, "volumes", value, NULL);
		if (result < 0)
			break;
	}
	if (result == 0 && (!type || !mount->target))
		result = model_fail_at(r->file, node, "%s.volumes: a long-syntax volume needs type and target", r->path);
	if (result == 0) {
		if (strcmp(type, "bind") == 0)
			mount->type = COMPOSE_MOUNT_BIND;
		else if (strcmp(type, "volume") == 0)
			mount->type = COMPOSE_MOUNT_VOLUME;
		else if (strcmp(type, "tmpfs") == 0)
			mount->type = COMPOSE_MOUNT_TMPFS;
		else
			result = model_fail_at(r->file, node, "%s.volumes: type \"%s\" is not bind, volume or tmpfs",
					 r->path, type);
	}
	free(type);
	return result;
}

static int read_mounts(const struct reading *r, const struct yaml_node *node, struct compose_service *service)
{
	if (node->kind != YAML_SEQUENCE)
		return model_fail_at(r->file, node, "%s.volumes must be a list", r->path);
	if (!(service->mounts = calloc(node->count + 1, sizeof *service->mounts)))
		return model_out_of_memory();
	yaml_for_each(item, node) {
		struct compose_mount *mount = &service->mounts[service->mount_count++];
		int result;
		if (item->kind == YAML_SCALAR && !model_is_null(item))
			result = read_short_mount(r, item, mount);
		else if (item->kind == YAML_MAPPING)
			result = read_long_mount(r, item, mount);
		else
			result = model_fail_at(r->file, item, "%s.volumes items must be strings or mappings", r->path);
		if (result < 0)
			return -1;
	}
	return 0;
}

static int read_ports(const struct reading *r, const struct yaml_node *node, struct compose_service *service)
{
	if (node->kind != YAML_SEQUENCE)
		return model_fail_at(r->file, node, "%s.ports must be a list", r->path);
	if (!(service->ports = calloc(node->count + 1, sizeof *service->ports)))
		return model_out_of_memory();
	yaml_for_each(item, node) {
		if (compose_port_read(r->file, item, &service->ports[service->port_count]) < 0)
			return -1;
		service->port_count++;
	}
	return 0;
}

static int read_condition(const struct reading *r, const struct yaml_node *node, enum compose_condition *condition)
{
	static const char *const names[] = { "service_started", "service_healthy", "service_completed_successfully" };
	for (size_t i = 0; i < 3; i++)
		if (node->kind == YAML_SCALAR && strcmp(node->text, names[i]) == 0) {
			*condition = (enum compose_condition)i;
			return 0;
		}
	return model_fail_at(r->file, node, "%s.depends_on condition must be service_started, service_healthy or "
		       "service_completed_successfully", r->path);
}

static int read_depends_on(const struct reading *r, const struct yaml_node *node, struct compose_service *service)
{
	if (node->kind != YAML_SEQUENCE && node->kind != YAML_MAPPING)
		return model_fail_at(r->file, node, "%s.depends_on must be a list or a mapping", r->path);
	if (!(service->depends_on = calloc(node->count + 1, sizeof *service->depends_on)))
		return model_out_of_memory();
	yaml_for_each(item, node) {
		struct compose_dependency *d = &service->depends_on[service->depends_count];
		const struct yaml_node *name = node->kind == YAML_SEQUENCE ? item : item->key;
		if (name->kind != YAML_SCALAR || model_is_null(name))
			return model_fail_at(r->file, name, "%s.depends_on must name services", r->path);
		if (!(d->service = strdup(name->text)))
			return model_out_of_memory();
		d->line = name->line;
		d->column = name->column;
		service->depends_count++;
		if (node->kind == YAML_SEQUENCE)
			continue;
		if (item->kind != YAML_MAPPING)
			return model_fail_at(r->file, item, "%s.depends_on.%s must be a mapping", r->path, name->text);
		yaml_for_each(field, item) {
			const char *key = field->key->text;
			if (strcmp(key, "condition") == 0) {
				if (read_condition(r, field, &d->condition) < 0)
					return -1;
			} else if (!model_is_extension(key) && model_not_acted_on(r, "depends_on", field, NULL) < 0) {
				return -1;
			}
		}
	}
	return 0;
}

static int read_healthcheck(const struct reading *r, const struct yaml_node *node, struct compose_healthcheck *h)
{
	if (node->kind != YAML_MAPPING)
		return model_fail_at(r->file, node, "%s.healthcheck must be a mapping", r->path);
	h->retries = -1;
	yaml_for_each(value, node) {
		const char *key = value->key->text;
		int result = 0;
		if (strcmp(key, "test") == 0) {
			/* A string is run by a shell, as CMD-SHELL (the specification, "healthcheck"). */
			if (value->kind == YAML_SCALAR && !model_is_null(value))
				result = model_add_string(&h->test, "CMD-SHELL") < 0 ? -1 : model_add_string(&h->test, value->text);
			else
				result = model_read_list(r, "healthcheck.test", value, &h->test);
		} else if (strcmp(key, "interval") == 0)
			result = model_read_duration(r, "healthcheck.interval", value, &h->interval);
		else if (strcmp(key, "timeout") == 0)
			result = model_read_duration(r, "healthcheck.timeout", value, &h->timeout);
		else if (strcmp(key, "start_period") == 0)
			result = model_read_duration(r, "healthcheck.start_period", value, &h->start_period);
		else if (strcmp(key, "retries") == 0)
			result = model_read_integer(r, "healthcheck.retries", value, &h->retries);
		else if (strcmp(key, "disable") == 0)
			result = model_read_bool(r, "healthcheck.disable", value, &h->disable);
		else if (!model_is_extension(key))
			result = model_not_acted_on(r, "healthcheck", value, NULL);
		if (result < 0)
			return -1;
	}
	return 0;
}

/* The keys of a deploy mapping other than those named in read (NULL-terminated), added to
 * unread as "deploy.WITHIN.KEY", for `stack deploy` to name. */
static int note_unread(const struct yaml_node *node, const char *within, const char *const *read,
		       struct compose_strings *unread)
{
	yaml_for_each(value, node) {
		const char *key = value->key->text;
		bool known = model_is_extension(key);
		for (size_t i = 0; read[i] && !known; i++)
			known = strcmp(key, read[i]) == 0;
		if (known)
			continue;
		char path[256];
		snprintf(path, sizeof(path), "deploy%s%s.%s", within[0] ? "." : "", within, key);
		if (model_add_string(unread, path) < 0)
			return -1;
	}
	return 0;
}

static int read_size(const struct reading *r, const char *key, const struct yaml_node *node, int64_t *bytes)
{
	if (node->kind != YAML_SCALAR || parse_size(node->text, bytes) < 0)
		return model_fail_at(r->file, node, "%s.%s must be a size such as 512m", r->path, key);
	return 0;
}

/* A mapping under deploy, or NULL when not given; -1 when it is not a mapping. */
static int deploy_mapping(const struct reading *r, const struct yaml_node *node, const char *key,
			  const struct yaml_node **out)
{
	*out = yaml_get(node, key);
	if (*out && model_is_null(*out))
		*out = NULL;
	if (*out && (*out)->kind != YAML_MAPPING)
		return model_fail_at(r->file, *out, "%s.deploy.%s must be a mapping", r->path, key);
	return 0;
}

/* deploy.resources: limits (what `up` applies as well) and reservations (what a swarm's
 * scheduler sets aside on a node). */
static int read_resources(const struct reading *r, const struct yaml_node *resources, struct compose_service *service)
{
	static const char *const read[] = { "limits", "reservations", NULL };
	static const char *const limit_keys[] = { "cpus", "memory", "pids", NULL };
	static const char *const reservation_keys[] = { "cpus", "memory", NULL };
	const struct yaml_node *limits, *reservations;
	if (note_unread(resources, "resources", read, &service->deploy.unread) < 0 ||
	    deploy_mapping(r, resources, "limits", &limits) < 0 ||
	    deploy_mapping(r, resources, "reservations", &reservations) < 0)
		return -1;
	if (limits) {
		const struct yaml_node *cpus = yaml_get(limits, "cpus"), *memory = yaml_get(limits, "memory");
		const struct yaml_node *pids = yaml_get(limits, "pids");
		if (note_unread(limits, "resources.limits", limit_keys, &service->deploy.unread) < 0 ||
		    (cpus && model_read_string(r, "deploy.resources.limits.cpus", cpus, &service->cpus) < 0) ||
		    (memory && read_size(r, "deploy.resources.limits.memory", memory, &service->memory) < 0) ||
		    (pids && model_read_integer(r, "deploy.resources.limits.pids", pids, &service->pids) < 0))
			return -1;
	}
	if (reservations) {
		struct compose_deploy *d = &service->deploy;
		const struct yaml_node *cpus = yaml_get(reservations, "cpus"), *memory = yaml_get(reservations, "memory");
		if (note_unread(reservations, "resources.reservations", reservation_keys, &d->unread) < 0 ||
		    (cpus && model_read_string(r, "deploy.resources.reservations.cpus", cpus, &d->reserve_cpus) < 0) ||
		    (memory && read_size(r, "deploy.resources.reservations.memory", memory, &d->reserve_memory) < 0))
			return -1;
	}
	return 0;
}

/* deploy.update_config: how a rolling update replaces the tasks (docker service update's
 * --update-* flags). */
static int read_update_config(const struct reading *r, const struct yaml_node *node, struct compose_deploy *d)
{
	static const char *const read[] = { "parallelism", "delay", "failure_action", "order", NULL };
	const struct yaml_node *parallelism = yaml_get(node, "parallelism"), *delay = yaml_get(node, "delay");
	const struct yaml_node *action = yaml_get(node, "failure_action"), *order = yaml_get(node, "order");
	d->has_update_config = true;
	return note_unread(node, "update_config", read, &d->unread) < 0 ||
	       (parallelism && model_read_integer(r, "deploy.update_config.parallelism", parallelism,
						  &d->update_parallelism) < 0) ||
	       (delay && model_read_duration(r, "deploy.update_config.delay", delay, &d->update_delay) < 0) ||
	       (action && model_read_string(r, "deploy.update_config.failure_action", action,
					    &d->update_failure_action) < 0) ||
	       (order && model_read_string(r, "deploy.update_config.order", order, &d->update_order) < 0)
		       ? -1 : 0;
}

/* deploy.restart_policy: what a swarm does when a task's container ends (--restart-*). */
static int read_restart_policy(const struct reading *r, const struct yaml_node *node, struct compose_deploy *d)
{
	static const char *const read[] = { "condition", "delay", "max_attempts", "window", NULL };
	const struct yaml_node *condition = yaml_get(node, "condition"), *delay = yaml_get(node, "delay");
	const struct yaml_node *attempts = yaml_get(node, "max_attempts"), *window = yaml_get(node, "window");
	d->has_restart_policy = true;
	return note_unread(node, "restart_policy", read, &d->unread) < 0 ||
	       (condition && model_read_string(r, "deploy.restart_policy.condition", condition,
					       &d->restart_condition) < 0) ||
	       (delay && model_read_duration(r, "deploy.restart_policy.delay", delay, &d->restart_delay) < 0) ||
	       (attempts && model_read_integer(r, "deploy.restart_policy.max_attempts", attempts,
					       &d->restart_max_attempts) < 0) ||
	       (window && model_read_duration(r, "deploy.restart_policy.window", window, &d->restart_window) < 0)
		       ? -1 : 0;
}

/* deploy: replicas and resources.limits are what `up` applies to its containers; the rest
 * (mode, placement, update and restart policies, reservations, labels) is read for a swarm
 * (`stack deploy`), and the keys not read at all are listed in deploy.unread. */
static int read_deploy(const struct reading *r, const struct yaml_node *node, struct compose_service *service)
{
	static const char *const read[] = { "replicas", "mode", "labels", "resources", "update_config",
					    "restart_policy", "placement", NULL };
	static const char *const placement_keys[] = { "constraints", NULL };
	struct compose_deploy *d = &service->deploy;
	if (model_is_null(node))
		return 0;
	if (node->kind != YAML_MAPPING)
		return model_fail_at(r->file, node, "%s.deploy must be a mapping", r->path);
	const struct yaml_node *replicas = yaml_get(node, "replicas"), *mode = yaml_get(node, "mode");
	const struct yaml_node *labels = yaml_get(node, "labels");
	const struct yaml_node *resources, *update, *restart, *placement;
	if (note_unread(node, "", read, &d->unread) < 0 ||
	    (replicas && model_read_integer(r, "deploy.replicas", replicas, &service->replicas) < 0) ||
	    (mode && model_read_string(r, "deploy.mode", mode, &d->mode) < 0) ||
	    (labels && model_read_map_or_list(r, "deploy.labels", labels, &d->labels) < 0) ||
	    deploy_mapping(r, node, "resources", &resources) < 0 || deploy_mapping(r, node, "update_config", &update) < 0 ||
	    deploy_mapping(r, node, "restart_policy", &restart) < 0 || deploy_mapping(r, node, "placement", &placement) < 0)
		return -1;
	if (resources && read_resources(r, resources, service) < 0)
		return -1;
	if (update && read_update_config(r, update, d) < 0)
		return -1;
	if (restart && read_restart_policy(r, restart, d) < 0)
		return -1;
	if (placement) {
		const struct yaml_node *constraints = yaml_get(placement, "constraints");
		if (note_unread(placement, "placement", placement_keys, &d->unread) < 0 ||
		    (constraints && model_read_list(r, "deploy.placement.constraints", constraints, &d->constraints) < 0))
			return -1;
	}
	return 0;
}

/* networks: a list of names, or a mapping of names to null or {aliases: [...], ...}. */
static int read_networks(const struct reading *r, const struct yaml_node *node, struct compose_service *service)
{
	if (node->kind != YAML_SEQUENCE && node->kind != YAML_MAPPING)
		return model_fail_at(r->file, node, "%s.networks must be a list or a mapping", r->path);
	if (!(service->networks = calloc(node->count + 1, sizeof *service->networks)))
		return model_out_of_memory();
	yaml_for_each(item, node) {
		struct compose_network_ref *n = &service->networks[service->network_count];
		const struct yaml_node *name = node->kind == YAML_SEQUENCE ? item : item->key;
		if (name->kind != YAML_SCALAR || model_is_null(name))
			return model_fail_at(r->file, name, "%s.networks must name networks", r->path);
		if (!(n->name = strdup(name->text)))
			return model_out_of_memory();
		service->network_count++;
		if (node->kind == YAML_SEQUENCE || model_is_null(item))
			continue;
		if (item->kind != YAML_MAPPING)
			return model_fail_at(r->file, item, "%s.networks.%s must be a mapping", r->path, name->text);
		const struct yaml_node *aliases = yaml_get(item, "aliases");
		if (aliases && model_read_list(r, "networks.aliases", aliases, &n->aliases) < 0)
			return -1;
	}
	return 0;
}

/* secrets, configs: names, or mappings with source, target, uid, gid and mode. */
static int read_file_refs(const struct reading *r, const char *key, const struct yaml_node *node,
			  struct compose_file_ref **refs, size_t *count)
{
	if (node->kind != YAML_SEQUENCE)
		return model_fail_at(r->file, node, "%s.%s must be a list", r->path, key);
	if (!(*refs = calloc(node->count + 1, sizeof **refs)))
		return model_out_of_memory();
	yaml_for_each(item, node) {
		struct compose_file_ref *ref = &(*refs)[(*count)++];
		if (item->kind == YAML_SCALAR && !model_is_null(item)) {
			if (!(ref->source = strdup(item->text)))
				return model_out_of_memory();
			continue;
		}
		if (item->kind != YAML_MAPPING)
			return model_fail_at(r->file, item, "%s.%s items must be names or mappings", r->path, key);
		yaml_for_each(field, item) {
			const char *name = field->key->text;
			int result = 0;
			if (strcmp(name, "source") == 0)
				result = model_read_string(r, key, field, &ref->source);
			else if (strcmp(name, "target") == 0)
				result = model_read_string(r, key, field, &ref->target);
			else if (strcmp(name, "mode") == 0)
				result = model_read_string(r, key, field, &ref->mode);
			else if (!model_is_extension(name))
				result = model_not_acted_on(r, key, field, NULL);
			if (result < 0)
				return -1;
		}
		if (!ref->source)
			return model_fail_at(r->file, item, "%s.%s: a long-syntax item needs a source", r->path, key);
	}
	return 0;
}

/* env_file: a path, or a list of paths and {path, required, format} mappings. */
static int read_env_files(const struct reading *r, const struct yaml_node *node, struct compose_strings *into)
{
	if (node->kind != YAML_SEQUENCE)
		return model_read_string_or_list(r, "env_file", node, into);
	yaml_for_each(item, node) {
		const struct yaml_node *path = item->kind == YAML_MAPPING ? yaml_get(item, "path") : item;
		if (!path || path->kind != YAML_SCALAR || model_is_null(path))
			return model_fail_at(r->file, item, "%s.env_file items must be paths", r->path);
		if (model_add_string(into, path->text) < 0)
			return -1;
		yaml_for_each(field, item)
			if (item->kind == YAML_MAPPING && strcmp(field->key->text, "path") != 0 &&
			    !model_is_extension(field->key->text) && model_not_acted_on(r, "env_file", field, NULL) < 0)
				return -1;
	}
	return 0;
}

int compose_service_read(const struct reading *service_reading, const struct yaml_node *node,
			 struct compose_service *service)
{
	const char *file = service_reading->file;
	struct reading r = *service_reading;
	service->stop_grace_period = -1;
	service->replicas = 1;
	service->deploy.update_parallelism = service->deploy.update_delay = -1;
	service->deploy.restart_delay = service->deploy.restart_window = service->deploy.restart_max_attempts = -1;
	if (node->kind != YAML_MAPPING)
		return model_fail_at(file, node, "%s must be a mapping", r.path);
	yaml_for_each(value, node) {
		const char *key = value->key->text;
		int result = 0;
		if (strcmp(key, "image") == 0)
			result = model_read_string(&r, key, value, &service->image);
		else if (strcmp(key, "build") == 0)
			result = read_build(&r, value, &service->build);
		else if (strcmp(key, "command") == 0) {
			service->has_command = !model_is_null(value);
			result = read_command(&r, key, value, &service->command);
		} else if (strcmp(key, "entrypoint") == 0) {
			service->has_entrypoint = !model_is_null(value);
			result = read_command(&r, key, value, &service->entrypoint);
		} else if (strcmp(key, "environment") == 0)
			result = model_read_map_or_list(&r, key, value, &service->environment);
		else if (strcmp(key, "labels") == 0)
			result = model_read_map_or_list(&r, key, value, &service->labels);
		else if (strcmp(key, "env_file") == 0)
			result = read_env_files(&r, value, &service->env_file);
		else if (strcmp(key, "profiles") == 0)
			result = model_read_list(&r, key, value, &service->profiles);
		else if (strcmp(key, "expose") == 0)
			result = model_read_list(&r, key, value, &service->expose);
		else if (strcmp(key, "ports") == 0)
			result = read_ports(&r, value, service);
		else if (strcmp(key, "volumes") == 0)
			result = read_mounts(&r, value, service);
		else if (strcmp(key, "depends_on") == 0)
			result = read_depends_on(&r, value, service);
		else if (strcmp(key, "restart") == 0)
			result = model_read_string(&r, key, value, &service->restart);
		else if (strcmp(key, "hostname") == 0)
			result = model_read_string(&r, key, value, &service->hostname);
		else if (strcmp(key, "working_dir") == 0)
			result = model_read_string(&r, key, value, &service->working_dir);
		else if (strcmp(key, "user") == 0)
			result = model_read_string(&r, key, value, &service->user);
		else if (strcmp(key, "container_name") == 0)
			result = model_read_string(&r, key, value, &service->container_name);
		else if (strcmp(key, "healthcheck") == 0) {
			service->has_healthcheck = true;
			result = read_healthcheck(&r, value, &service->healthcheck);
		} else if (strcmp(key, "secrets") == 0)
			result = read_file_refs(&r, key, value, &service->secrets, &service->secret_count);
		else if (strcmp(key, "configs") == 0)
			result = read_file_refs(&r, key, value, &service->configs, &service->config_count);
		else if (strcmp(key, "networks") == 0)
			result = read_networks(&r, value, service);
		else if (strcmp(key, "deploy") == 0)
			result = read_deploy(&r, value, service);
		else if (strcmp(key, "stop_signal") == 0)
			result = model_read_string(&r, key, value, &service->stop_signal);
		else if (strcmp(key, "network_mode") == 0)
			result = model_read_string(&r, key, value, &service->network_mode);
		else if (strcmp(key, "stop_grace_period") == 0)
			result = model_read_duration(&r, key, value, &service->stop_grace_period);
		else if (strcmp(key, "stdin_open") == 0)
			result = model_read_bool(&r, key, value, &service->stdin_open);
		else if (strcmp(key, "tty") == 0)
			result = model_read_bool(&r, key, value, &service->tty);
		else if (strcmp(key, "init") == 0)
			result = model_read_bool(&r, key, value, &service->init);
		else if (strcmp(key, "read_only") == 0)
			result = model_read_bool(&r, key, value, &service->read_only);
		else if (strcmp(key, "cap_add") == 0)
			result = model_read_list(&r, key, value, &service->cap_add);
		else if (strcmp(key, "cap_drop") == 0)
			result = model_read_list(&r, key, value, &service->cap_drop);
		else if (strcmp(key, "tmpfs") == 0)
			result = model_read_string_or_list(&r, key, value, &service->tmpfs);
		else if (strcmp(key, "extra_hosts") == 0)
			result = model_read_map_or_list(&r, key, value, &service->extra_hosts);
		else if (strcmp(key, "sysctls") == 0)
			result = model_read_map_or_list(&r, key, value, &service->sysctls);
		else if (!model_is_extension(key))
			result = model_not_acted_on(&r, NULL, value, &service->other);
		if (result < 0)
			return -1;
	}
	if (!service->image && !service->build.context)
		return model_fail_at(file, node, "%s has neither an image nor a build", r.path);
	return 0;
}

void compose_service_free(struct compose_service *s)
{
	free(s->name);
	free(s->image);
	free(s->build.context);
	free(s->build.dockerfile);
	free(s->build.target);
	model_free_strings(&s->build.args);
	model_free_strings(&s->command);
	model_free_strings(&s->entrypoint);
	model_free_strings(&s->environment);
	model_free_strings(&s->env_file);
	model_free_strings(&s->expose);
	model_free_strings(&s->labels);
	model_free_strings(&s->profiles);
	for (size_t i = 0; i < s->port_count; i++)
		compose_port_free(&s->ports[i]);
	free(s->ports);
	for (size_t i = 0; i < s->mount_count; i++) {
		free(s->mounts[i].source);
		free(s->mounts[i].target);
	}
	free(s->mounts);
	for (size_t i = 0; i < s->depends_count; i++)
		free(s->depends_on[i].service);
	free(s->depends_on);
	free(s->restart);
	free(s->hostname);
	free(s->working_dir);
	free(s->user);
	free(s->container_name);
	model_free_strings(&s->healthcheck.test);
	free(s->stop_signal);
	free(s->network_mode);
	free(s->cpus);
	free(s->deploy.mode);
	model_free_strings(&s->deploy.labels);
	free(s->deploy.reserve_cpus);
	model_free_strings(&s->deploy.constraints);
	free(s->deploy.update_failure_action);
	free(s->deploy.update_order);
	free(s->deploy.restart_condition);
	model_free_strings(&s->deploy.unread);
	model_free_strings(&s->cap_add);
	model_free_strings(&s->cap_drop);
	model_free_strings(&s->extra_hosts);
	model_free_strings(&s->tmpfs);
	model_free_strings(&s->sysctls);
	for (size_t i = 0; i < s->network_count; i++) {
		free(s->networks[i].name);
		model_free_strings(&s->networks[i].aliases);
	}
	free(s->networks);
	for (size_t i = 0; i < s->secret_count; i++) {
		free(s->secrets[i].source);
		free(s->secrets[i].target);
		free(s->secrets[i].mode);
	}
	free(s->secrets);
	for (size_t i = 0; i < s->config_count; i++) {
		free(s->configs[i].source);
		free(s->configs[i].target);
		free(s->configs[i].mode);
	}
	free(s->configs);
	yaml_free(s->other);
}
