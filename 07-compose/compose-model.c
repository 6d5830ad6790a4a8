/*
 * compose-model.c - reading a compose file's tree into the model (compose-model.h).
 *
 * One reader per key: each checks the node's type (and says which it must be, at the node's
 * line and column) and converts it. Keys that the Compose specification defines but this
 * model does not use are accepted and listed; any other key is an error. The names of keys
 * are those of the specification's JSON schema (compose-spec.json, "definitions"/"service").
 */
#include "compose-model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compose-graph.h"
#include "compose-schema.h"
#include "duration.h"
#include "error.h"
#include "expand.h"

/* The top-level keys of the specification; `version` is read and ignored, as Compose v2 does. */
static const char *const top_level_keys[] = {
	"version", "name", "services", "volumes", "networks", "secrets", "configs", "include", "models",
};

/* Every service key of the specification that this model does not act on (yet). */
static const char *const service_keys_not_acted_on[] = {
	"annotations", "attach", "blkio_config", "cgroup", "cgroup_parent", "cpu_count",
	"cpu_percent", "cpu_period", "cpu_quota", "cpu_rt_period", "cpu_rt_runtime", "cpu_shares", "cpus",
	"cpuset", "credential_spec", "develop", "device_cgroup_rules", "devices", "dns", "dns_opt",
	"dns_search", "domainname", "extends", "external_links", "gpus", "group_add", "ipc", "isolation",
	"label_file", "links", "logging", "mac_address", "mem_limit", "mem_reservation", "mem_swappiness",
	"memswap_limit", "models", "oom_kill_disable", "oom_score_adj", "pid", "pids_limit",
	"platform", "post_start", "pre_stop", "privileged", "provider", "pull_policy",
	"pull_refresh_after", "runtime", "scale", "security_opt", "shm_size", "storage_opt",
	"ulimits", "use_api_socket", "userns_mode", "uts", "volumes_from",
};

static bool listed(const char *key, const char *const *keys, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(key, keys[i]) == 0)
			return true;
	return false;
}

/* "FILE:LINE:COLUMN: message" for node. */
static int fail_at(const char *file, const struct yaml_node *node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail_at(const char *file, const struct yaml_node *node, const char *fmt, ...)
{
	char message[512];
	va_list args;
	va_start(args, fmt);
	vsnprintf(message, sizeof message, fmt, args);
	va_end(args);
	return fail_errno(0, "%s:%d:%d: %s", file, node->line, node->column, message);
}

static int out_of_memory(void)
{
	return fail_errno(12, "cannot read the compose file");
}

static int add_string(struct compose_strings *list, const char *text)
{
	char **grown = realloc(list->items, (list->count + 1) * sizeof *grown);
	if (!grown)
		return out_of_memory();
	list->items = grown;
	if (!(list->items[list->count] = strdup(text)))
		return out_of_memory();
	list->count++;
	return 0;
}

static void free_strings(struct compose_strings *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

/* What is being read, for messages: "services.web.ports". */
struct reading {
	const char *file;
	const char *service;
};

static bool is_null(const struct yaml_node *node)
{
	return node->kind == YAML_SCALAR && yaml_scalar_type(node) == YAML_TYPE_NULL;
}

/* A string, a number or a boolean, as Compose takes a scalar where it wants a string. */
static int read_string(const struct reading *r, const char *key, const struct yaml_node *node, char **into)
{
	if (node->kind != YAML_SCALAR || is_null(node))
		return fail_at(r->file, node, "services.%s.%s must be a string", r->service, key);
	free(*into);
	return (*into = strdup(node->text)) ? 0 : out_of_memory();
}

/* A list of strings (numbers allowed, as `expose: [80]`). */
static int read_list(const struct reading *r, const char *key, const struct yaml_node *node,
		     struct compose_strings *into)
{
	if (node->kind != YAML_SEQUENCE)
		return fail_at(r->file, node, "services.%s.%s must be a list", r->service, key);
	yaml_for_each(item, node) {
		if (item->kind != YAML_SCALAR || is_null(item))
			return fail_at(r->file, item, "services.%s.%s must be a list of strings", r->service, key);
		if (add_string(into, item->text) < 0)
			return -1;
	}
	return 0;
}

/* A string or a list of strings (env_file, profiles). */
static int read_string_or_list(const struct reading *r, const char *key, const struct yaml_node *node,
			       struct compose_strings *into)
{
	if (node->kind == YAML_SCALAR && !is_null(node))
		return add_string(into, node->text);
	if (node->kind != YAML_SEQUENCE)
		return fail_at(r->file, node, "services.%s.%s must be a string or a list", r->service, key);
	return read_list(r, key, node, into);
}

/* environment, labels, build.args: a mapping (NAME: value, where a null value means "from the
 * environment") or a list of "NAME=value" strings. Both become "NAME=value" (or "NAME"). */
static int read_map_or_list(const struct reading *r, const char *key, const struct yaml_node *node,
			    struct compose_strings *into)
{
	if (node->kind == YAML_SEQUENCE)
		return read_list(r, key, node, into);
	if (node->kind != YAML_MAPPING)
		return fail_at(r->file, node, "services.%s.%s must be a mapping or a list", r->service, key);
	yaml_for_each(value, node) {
		if (value->kind != YAML_SCALAR)
			return fail_at(r->file, value, "services.%s.%s.%s must be a string, a number or a boolean",
				       r->service, key, value->key->text);
		char *pair;
		int made = is_null(value) ? asprintf(&pair, "%s", value->key->text)
					  : asprintf(&pair, "%s=%s", value->key->text, value->text);
		if (made < 0)
			return out_of_memory();
		int added = add_string(into, pair);
		free(pair);
		if (added < 0)
			return -1;
	}
	return 0;
}

/* command, entrypoint: a list as written, or a string split into words as a shell would
 * split it (quotes and backslashes), without a shell and without expanding anything. */
static int read_command(const struct reading *r, const char *key, const struct yaml_node *node,
			struct compose_strings *into)
{
	if (node->kind == YAML_SEQUENCE)
		return read_list(r, key, node, into);
	if (node->kind != YAML_SCALAR || is_null(node))
		return fail_at(r->file, node, "services.%s.%s must be a string or a list", r->service, key);
	char **words;
	size_t count;
	if (expand_split_literal(node->text, '\\', &words, &count) < 0)
		return fail_context("%s:%d:%d: services.%s.%s", r->file, node->line, node->column, r->service, key);
	int result = 0;
	for (size_t i = 0; i < count && result == 0; i++)
		result = add_string(into, words[i]);
	expand_free_words(words);
	return result;
}

static int read_build(const struct reading *r, const struct yaml_node *node, struct compose_build *build)
{
	if (node->kind == YAML_SCALAR && !is_null(node))
		return (build->context = strdup(node->text)) ? 0 : out_of_memory();
	if (node->kind != YAML_MAPPING)
		return fail_at(r->file, node, "services.%s.build must be a string or a mapping", r->service);
	if (!(build->context = strdup(".")))
		return out_of_memory();
	yaml_for_each(value, node) {
		const char *key = value->key->text;
		int result = 0;
		if (strcmp(key, "context") == 0)
			result = read_string(r, "build.context", value, &build->context);
		else if (strcmp(key, "dockerfile") == 0)
			result = read_string(r, "build.dockerfile", value, &build->dockerfile);
		else if (strcmp(key, "target") == 0)
			result = read_string(r, "build.target", value, &build->target);
		else if (strcmp(key, "args") == 0)
			result = read_map_or_list(r, "build.args", value, &build->args);
		else if (strncmp(key, "x-", 2) != 0 &&
			 !listed(key, (const char *const[]){ "dockerfile_inline", "ssh", "cache_from", "cache_to",
				"additional_contexts", "entitlements", "extra_hosts", "isolation", "privileged",
				"labels", "no_cache", "pull", "network", "shm_size", "secrets", "tags", "ulimits",
				"platforms", "provenance", "sbom" }, 20))
			result = fail_at(r->file, value->key, "unknown key services.%s.build.%s", r->service, key);
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
			return out_of_memory();
		mount->type = is_host_path(mount->source) ? COMPOSE_MOUNT_BIND : COMPOSE_MOUNT_VOLUME;
		if (second) {
			/* "ro", "rw", or a comma-separated list of options with ro/rw among them. */
			char *modes = strdup(second + 1), *save = NULL;
			if (!modes)
				return out_of_memory();
			for (char *m = strtok_r(modes, ",", &save); m; m = strtok_r(NULL, ",", &save))
				if (strcmp(m, "ro") == 0)
					mount->read_only = true;
			free(modes);
		}
	}
	if (!mount->target)
		return out_of_memory();
	if (mount->target[0] != '/' || (mount->source && mount->source[0] == '\0'))
		return fail_at(r->file, node, "services.%s.volumes: invalid volume \"%s\": write [SOURCE:]TARGET[:ro], TARGET an absolute path",
			       r->service, text);
	return 0;
}

static int read_long_mount(const struct reading *r, const struct yaml_node *node, struct compose_mount *mount)
{
	char *type = NULL;
	int result = 0;
	yaml_for_each(value, node) {
		const char *key = value->key->text;
		if (strcmp(key, "type") == 0)
			result = read_string(r, "volumes.type", value, &type);
		else if (strcmp(key, "source") == 0)
			result = read_string(r, "volumes.source", value, &mount->source);
		else if (strcmp(key, "target") == 0)
			result = read_string(r, "volumes.target", value, &mount->target);
		else if (strcmp(key, "read_only") == 0) {
			if (yaml_bool(value, &mount->read_only) < 0)
				result = fail_at(r->file, value, "services.%s.volumes.read_only must be a boolean", r->service);
		} else if (strncmp(key, "x-", 2) != 0 &&
			   !listed(key, (const char *const[]){ "bind", "volume", "tmpfs", "image", "consistency" }, 5))
			result = fail_at(r->file, value->key, "unknown key services.%s.volumes.%s", r->service, key);
		if (result < 0)
			break;
	}
	if (result == 0 && (!type || !mount->target))
		result = fail_at(r->file, node, "services.%s.volumes: a long-syntax volume needs type and target", r->service);
	if (result == 0) {
		if (strcmp(type, "bind") == 0)
			mount->type = COMPOSE_MOUNT_BIND;
		else if (strcmp(type, "volume") == 0)
			mount->type = COMPOSE_MOUNT_VOLUME;
		else if (strcmp(type, "tmpfs") == 0)
			mount->type = COMPOSE_MOUNT_TMPFS;
		else
			result = fail_at(r->file, node, "services.%s.volumes: type \"%s\" is not bind, volume or tmpfs",
					 r->service, type);
	}
	free(type);
	return result;
}

static int read_mounts(const struct reading *r, const struct yaml_node *node, struct compose_service *service)
{
	if (node->kind != YAML_SEQUENCE)
		return fail_at(r->file, node, "services.%s.volumes must be a list", r->service);
	if (!(service->mounts = calloc(node->count + 1, sizeof *service->mounts)))
		return out_of_memory();
	yaml_for_each(item, node) {
		struct compose_mount *mount = &service->mounts[service->mount_count++];
		int result;
		if (item->kind == YAML_SCALAR && !is_null(item))
			result = read_short_mount(r, item, mount);
		else if (item->kind == YAML_MAPPING)
			result = read_long_mount(r, item, mount);
		else
			result = fail_at(r->file, item, "services.%s.volumes items must be strings or mappings", r->service);
		if (result < 0)
			return -1;
	}
	return 0;
}

static int read_ports(const struct reading *r, const struct yaml_node *node, struct compose_service *service)
{
	if (node->kind != YAML_SEQUENCE)
		return fail_at(r->file, node, "services.%s.ports must be a list", r->service);
	if (!(service->ports = calloc(node->count + 1, sizeof *service->ports)))
		return out_of_memory();
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
	return fail_at(r->file, node, "services.%s.depends_on condition must be service_started, service_healthy or "
		       "service_completed_successfully", r->service);
}

static int read_depends_on(const struct reading *r, const struct yaml_node *node, struct compose_service *service)
{
	if (node->kind != YAML_SEQUENCE && node->kind != YAML_MAPPING)
		return fail_at(r->file, node, "services.%s.depends_on must be a list or a mapping", r->service);
	if (!(service->depends_on = calloc(node->count + 1, sizeof *service->depends_on)))
		return out_of_memory();
	yaml_for_each(item, node) {
		struct compose_dependency *d = &service->depends_on[service->depends_count];
		const struct yaml_node *name = node->kind == YAML_SEQUENCE ? item : item->key;
		if (name->kind != YAML_SCALAR || is_null(name))
			return fail_at(r->file, name, "services.%s.depends_on must name services", r->service);
		if (!(d->service = strdup(name->text)))
			return out_of_memory();
		service->depends_count++;
		if (node->kind == YAML_SEQUENCE)
			continue;
		if (item->kind != YAML_MAPPING)
			return fail_at(r->file, item, "services.%s.depends_on.%s must be a mapping", r->service, name->text);
		yaml_for_each(field, item) {
			const char *key = field->key->text;
			if (strcmp(key, "condition") == 0) {
				if (read_condition(r, field, &d->condition) < 0)
					return -1;
			} else if (strcmp(key, "restart") != 0 && strcmp(key, "required") != 0 && strncmp(key, "x-", 2) != 0) {
				return fail_at(r->file, field->key, "unknown key services.%s.depends_on.%s.%s", r->service,
					       name->text, key);
			}
		}
	}
	return 0;
}

static int read_bool(const struct reading *r, const char *key, const struct yaml_node *node, bool *into)
{
	if (yaml_bool(node, into) < 0)
		return fail_at(r->file, node, "services.%s.%s must be a boolean", r->service, key);
	return 0;
}

/* A duration as Compose writes it: Go's time.ParseDuration ("1m30s", "500ms"). */
static int read_duration(const struct reading *r, const char *key, const struct yaml_node *node, int64_t *ns)
{
	if (node->kind != YAML_SCALAR || duration_parse(node->text, ns) < 0)
		return fail_at(r->file, node, "services.%s.%s must be a duration such as 1m30s", r->service, key);
	return 0;
}

static int read_integer(const struct reading *r, const char *key, const struct yaml_node *node, int64_t *into)
{
	if (yaml_int64(node, into) < 0 || *into < 0)
		return fail_at(r->file, node, "services.%s.%s must be a whole number", r->service, key);
	return 0;
}

static int read_healthcheck(const struct reading *r, const struct yaml_node *node, struct compose_healthcheck *h)
{
	if (node->kind != YAML_MAPPING)
		return fail_at(r->file, node, "services.%s.healthcheck must be a mapping", r->service);
	h->retries = -1;
	yaml_for_each(value, node) {
		const char *key = value->key->text;
		int result = 0;
		if (strcmp(key, "test") == 0) {
			/* A string is run by a shell, as CMD-SHELL (the specification, "healthcheck"). */
			if (value->kind == YAML_SCALAR && !is_null(value))
				result = add_string(&h->test, "CMD-SHELL") < 0 ? -1 : add_string(&h->test, value->text);
			else
				result = read_list(r, "healthcheck.test", value, &h->test);
		} else if (strcmp(key, "interval") == 0)
			result = read_duration(r, "healthcheck.interval", value, &h->interval);
		else if (strcmp(key, "timeout") == 0)
			result = read_duration(r, "healthcheck.timeout", value, &h->timeout);
		else if (strcmp(key, "start_period") == 0)
			result = read_duration(r, "healthcheck.start_period", value, &h->start_period);
		else if (strcmp(key, "retries") == 0)
			result = read_integer(r, "healthcheck.retries", value, &h->retries);
		else if (strcmp(key, "disable") == 0)
			result = read_bool(r, "healthcheck.disable", value, &h->disable);
		else if (strcmp(key, "start_interval") != 0 && strncmp(key, "x-", 2) != 0)
			result = fail_at(r->file, value->key, "unknown key services.%s.healthcheck.%s", r->service, key);
		if (result < 0)
			return -1;
	}
	return 0;
}

/* deploy: replicas and resources.limits are read; the rest of deploy (placement, update
 * policy, ...) belongs to a swarm and is accepted as the specification allows. */
static int read_deploy(const struct reading *r, const struct yaml_node *node, struct compose_service *service)
{
	if (node->kind != YAML_MAPPING)
		return fail_at(r->file, node, "services.%s.deploy must be a mapping", r->service);
	const struct yaml_node *replicas = yaml_get(node, "replicas");
	if (replicas && read_integer(r, "deploy.replicas", replicas, &service->replicas) < 0)
		return -1;
	const struct yaml_node *limits = yaml_get(yaml_get(node, "resources"), "limits");
	if (!limits)
		return 0;
	if (limits->kind != YAML_MAPPING)
		return fail_at(r->file, limits, "services.%s.deploy.resources.limits must be a mapping", r->service);
	const struct yaml_node *cpus = yaml_get(limits, "cpus"), *memory = yaml_get(limits, "memory");
	const struct yaml_node *pids = yaml_get(limits, "pids");
	if (cpus && read_string(r, "deploy.resources.limits.cpus", cpus, &service->cpus) < 0)
		return -1;
	if (memory && (memory->kind != YAML_SCALAR || parse_size(memory->text, &service->memory) < 0))
		return fail_at(r->file, memory, "services.%s.deploy.resources.limits.memory must be a size such as 512m",
			       r->service);
	if (pids && read_integer(r, "deploy.resources.limits.pids", pids, &service->pids) < 0)
		return -1;
	return 0;
}

/* networks: a list of names, or a mapping of names to null or {aliases: [...], ...}. */
static int read_networks(const struct reading *r, const struct yaml_node *node, struct compose_service *service)
{
	if (node->kind != YAML_SEQUENCE && node->kind != YAML_MAPPING)
		return fail_at(r->file, node, "services.%s.networks must be a list or a mapping", r->service);
	if (!(service->networks = calloc(node->count + 1, sizeof *service->networks)))
		return out_of_memory();
	yaml_for_each(item, node) {
		struct compose_network_ref *n = &service->networks[service->network_count];
		const struct yaml_node *name = node->kind == YAML_SEQUENCE ? item : item->key;
		if (name->kind != YAML_SCALAR || is_null(name))
			return fail_at(r->file, name, "services.%s.networks must name networks", r->service);
		if (!(n->name = strdup(name->text)))
			return out_of_memory();
		service->network_count++;
		if (node->kind == YAML_SEQUENCE || is_null(item))
			continue;
		if (item->kind != YAML_MAPPING)
			return fail_at(r->file, item, "services.%s.networks.%s must be a mapping", r->service, name->text);
		const struct yaml_node *aliases = yaml_get(item, "aliases");
		if (aliases && read_list(r, "networks.aliases", aliases, &n->aliases) < 0)
			return -1;
	}
	return 0;
}

/* secrets, configs: names, or mappings with source, target, uid, gid and mode. */
static int read_file_refs(const struct reading *r, const char *key, const struct yaml_node *node,
			  struct compose_file_ref **refs, size_t *count)
{
	if (node->kind != YAML_SEQUENCE)
		return fail_at(r->file, node, "services.%s.%s must be a list", r->service, key);
	if (!(*refs = calloc(node->count + 1, sizeof **refs)))
		return out_of_memory();
	yaml_for_each(item, node) {
		struct compose_file_ref *ref = &(*refs)[(*count)++];
		if (item->kind == YAML_SCALAR && !is_null(item)) {
			if (!(ref->source = strdup(item->text)))
				return out_of_memory();
			continue;
		}
		if (item->kind != YAML_MAPPING)
			return fail_at(r->file, item, "services.%s.%s items must be names or mappings", r->service, key);
		yaml_for_each(field, item) {
			const char *name = field->key->text;
			int result = 0;
			if (strcmp(name, "source") == 0)
				result = read_string(r, key, field, &ref->source);
			else if (strcmp(name, "target") == 0)
				result = read_string(r, key, field, &ref->target);
			else if (strcmp(name, "mode") == 0)
				result = read_string(r, key, field, &ref->mode);
			else if (strcmp(name, "uid") != 0 && strcmp(name, "gid") != 0 && strncmp(name, "x-", 2) != 0)
				result = fail_at(r->file, field->key, "unknown key services.%s.%s.%s", r->service, key, name);
			if (result < 0)
				return -1;
		}
		if (!ref->source)
			return fail_at(r->file, item, "services.%s.%s: a long-syntax item needs a source", r->service, key);
	}
	return 0;
}

static int read_service(const char *file, const struct yaml_node *node, struct compose_service *service,
			struct compose_strings *ignored)
{
	struct reading r = { file, service->name };
	service->stop_grace_period = -1;
	service->replicas = 1;
	if (node->kind != YAML_MAPPING)
		return fail_at(file, node, "services.%s must be a mapping", service->name);
	yaml_for_each(value, node) {
		const char *key = value->key->text;
		int result = 0;
		if (strcmp(key, "image") == 0)
			result = read_string(&r, key, value, &service->image);
		else if (strcmp(key, "build") == 0)
			result = read_build(&r, value, &service->build);
		else if (strcmp(key, "command") == 0) {
			service->has_command = true;
			result = read_command(&r, key, value, &service->command);
		} else if (strcmp(key, "entrypoint") == 0) {
			service->has_entrypoint = true;
			result = read_command(&r, key, value, &service->entrypoint);
		} else if (strcmp(key, "environment") == 0)
			result = read_map_or_list(&r, key, value, &service->environment);
		else if (strcmp(key, "labels") == 0)
			result = read_map_or_list(&r, key, value, &service->labels);
		else if (strcmp(key, "env_file") == 0)
			result = read_string_or_list(&r, key, value, &service->env_file);
		else if (strcmp(key, "profiles") == 0)
			result = read_list(&r, key, value, &service->profiles);
		else if (strcmp(key, "expose") == 0)
			result = read_list(&r, key, value, &service->expose);
		else if (strcmp(key, "ports") == 0)
			result = read_ports(&r, value, service);
		else if (strcmp(key, "volumes") == 0)
			result = read_mounts(&r, value, service);
		else if (strcmp(key, "depends_on") == 0)
			result = read_depends_on(&r, value, service);
		else if (strcmp(key, "restart") == 0)
			result = read_string(&r, key, value, &service->restart);
		else if (strcmp(key, "hostname") == 0)
			result = read_string(&r, key, value, &service->hostname);
		else if (strcmp(key, "working_dir") == 0)
			result = read_string(&r, key, value, &service->working_dir);
		else if (strcmp(key, "user") == 0)
			result = read_string(&r, key, value, &service->user);
		else if (strcmp(key, "container_name") == 0)
			result = read_string(&r, key, value, &service->container_name);
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
			result = read_string(&r, key, value, &service->stop_signal);
		else if (strcmp(key, "network_mode") == 0)
			result = read_string(&r, key, value, &service->network_mode);
		else if (strcmp(key, "stop_grace_period") == 0)
			result = read_duration(&r, key, value, &service->stop_grace_period);
		else if (strcmp(key, "stdin_open") == 0)
			result = read_bool(&r, key, value, &service->stdin_open);
		else if (strcmp(key, "tty") == 0)
			result = read_bool(&r, key, value, &service->tty);
		else if (strcmp(key, "init") == 0)
			result = read_bool(&r, key, value, &service->init);
		else if (strcmp(key, "read_only") == 0)
			result = read_bool(&r, key, value, &service->read_only);
		else if (strcmp(key, "cap_add") == 0)
			result = read_list(&r, key, value, &service->cap_add);
		else if (strcmp(key, "cap_drop") == 0)
			result = read_list(&r, key, value, &service->cap_drop);
		else if (strcmp(key, "tmpfs") == 0)
			result = read_string_or_list(&r, key, value, &service->tmpfs);
		else if (strcmp(key, "extra_hosts") == 0)
			result = read_map_or_list(&r, key, value, &service->extra_hosts);
		else if (strcmp(key, "sysctls") == 0)
			result = read_map_or_list(&r, key, value, &service->sysctls);
		else if (listed(key, service_keys_not_acted_on,
				sizeof service_keys_not_acted_on / sizeof service_keys_not_acted_on[0])) {
			char *path;
			if (asprintf(&path, "services.%s.%s", service->name, key) < 0)
				return out_of_memory();
			result = add_string(ignored, path);
			free(path);
		} else if (strncmp(key, "x-", 2) != 0)
			result = fail_at(file, value->key, "unknown key services.%s.%s", service->name, key);
		if (result < 0)
			return -1;
	}
	if (!service->image && !service->build.context)
		return fail_at(file, node, "services.%s has neither an image nor a build", service->name);
	return 0;
}

/* The names of a top-level section (volumes, networks, secrets, configs). */
static int read_names(const char *file, const char *section, const struct yaml_node *node, struct compose_strings *into)
{
	if (is_null(node))
		return 0;
	if (node->kind != YAML_MAPPING)
		return fail_at(file, node, "%s must be a mapping", section);
	yaml_for_each(value, node)
		if (strncmp(value->key->text, "x-", 2) != 0 && add_string(into, value->key->text) < 0)
			return -1;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct compose_service *)a)->name, ((const struct compose_service *)b)->name);
}

/* depends_on names services that exist, without a cycle (compose-graph.h). */
static int check_dependencies(const char *file, const struct yaml_node *root, const struct compose_project *project)
{
	struct compose_graph_service *graph = calloc(project->service_count + 1, sizeof *graph);
	const char ***names = calloc(project->service_count + 1, sizeof *names);
	int result = 0;
	if (!graph || !names)
		result = out_of_memory();
	for (size_t i = 0; result == 0 && i < project->service_count; i++) {
		const struct compose_service *s = &project->services[i];
		if (!(names[i] = calloc(s->depends_count + 1, sizeof **names))) {
			result = out_of_memory();
			break;
		}
		for (size_t d = 0; d < s->depends_count; d++)
			names[i][d] = s->depends_on[d].service;
		graph[i] = (struct compose_graph_service){ s->name, names[i], s->depends_count };
	}
	struct compose_start_order order;
	if (result == 0 && compose_start_order(graph, project->service_count, &order) == 0)
		compose_start_order_free(&order);
	else if (result == 0)
		result = fail_context("%s:%d:%d", file, yaml_get(root, "services")->line, yaml_get(root, "services")->column);
	for (size_t i = 0; names && i < project->service_count; i++)
		free(names[i]);
	free(names);
	free(graph);
	return result;
}

/* Every key of a compose file is a string: YAML allows a list as a key (`? [a, b]`), Compose
 * does not, and the readers below compare keys as text. */
static int check_keys(const char *file, const struct yaml_node *node)
{
	yaml_for_each(item, node) {
		if (node->kind == YAML_MAPPING && (item->key->kind != YAML_SCALAR || !item->key->text))
			return fail_at(file, item->key, "a key must be a string");
		if (check_keys(file, item) < 0)
			return -1;
	}
	return 0;
}

int compose_model_read(const char *file, const struct yaml_node *root, struct compose_project *project)
{
	memset(project, 0, sizeof *project);
	if (check_keys(file, root) < 0)
		return -1;
	if (root->kind != YAML_MAPPING)
		return fail_at(file, root, "a compose file must be a mapping");
	if (compose_schema_check(file, root) < 0)
		return -1;
	const struct yaml_node *services = NULL;
	yaml_for_each(value, root) {
		const char *key = value->key->text;
		int result = 0;
		if (!listed(key, top_level_keys, sizeof top_level_keys / sizeof top_level_keys[0]) &&
		    strncmp(key, "x-", 2) != 0)
			result = fail_at(file, value->key, "unknown top-level key %s", key);
		else if (strcmp(key, "name") == 0) {
			if (value->kind != YAML_SCALAR || is_null(value))
				result = fail_at(file, value, "name must be a string");
			else if (!(project->name = strdup(value->text)))
				result = out_of_memory();
		} else if (strcmp(key, "services") == 0) {
			if (value->kind != YAML_MAPPING && !is_null(value))
				result = fail_at(file, value, "services must be a mapping");
			services = value;
		} else if (strcmp(key, "volumes") == 0)
			result = read_names(file, key, value, &project->volumes);
		else if (strcmp(key, "networks") == 0)
			result = read_names(file, key, value, &project->networks);
		else if (strcmp(key, "secrets") == 0)
			result = read_names(file, key, value, &project->secrets);
		else if (strcmp(key, "configs") == 0)
			result = read_names(file, key, value, &project->configs);
		else if (strcmp(key, "include") == 0 || strcmp(key, "models") == 0)
			result = add_string(&project->ignored, key);
		if (result < 0)
			goto failed;
	}
	if (services && services->kind == YAML_MAPPING) {
		if (!(project->services = calloc(services->count + 1, sizeof *project->services)))
			goto failed_memory;
		yaml_for_each(value, services) {
			if (strncmp(value->key->text, "x-", 2) == 0)
				continue;
			struct compose_service *service = &project->services[project->service_count++];
			if (!(service->name = strdup(value->key->text)))
				goto failed_memory;
			if (read_service(file, value, service, &project->ignored) < 0)
				goto failed;
		}
		qsort(project->services, project->service_count, sizeof *project->services, by_name);
		if (check_dependencies(file, root, project) < 0)
			goto failed;
	}
	return 0;
failed_memory:
	out_of_memory();
failed:
	compose_project_free(project);
	return -1;
}

const struct compose_service *compose_find_service(const struct compose_project *project, const char *name)
{
	for (size_t i = 0; i < project->service_count; i++)
		if (strcmp(project->services[i].name, name) == 0)
			return &project->services[i];
	return NULL;
}

static void free_service(struct compose_service *s)
{
	free(s->name);
	free(s->image);
	free(s->build.context);
	free(s->build.dockerfile);
	free(s->build.target);
	free_strings(&s->build.args);
	free_strings(&s->command);
	free_strings(&s->entrypoint);
	free_strings(&s->environment);
	free_strings(&s->env_file);
	free_strings(&s->expose);
	free_strings(&s->labels);
	free_strings(&s->profiles);
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
	free_strings(&s->healthcheck.test);
	free(s->stop_signal);
	free(s->network_mode);
	free(s->cpus);
	free_strings(&s->cap_add);
	free_strings(&s->cap_drop);
	free_strings(&s->extra_hosts);
	free_strings(&s->tmpfs);
	free_strings(&s->sysctls);
	for (size_t i = 0; i < s->network_count; i++) {
		free(s->networks[i].name);
		free_strings(&s->networks[i].aliases);
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
}

void compose_project_free(struct compose_project *project)
{
	for (size_t i = 0; i < project->service_count; i++)
		free_service(&project->services[i]);
	free(project->services);
	free(project->name);
	free_strings(&project->volumes);
	free_strings(&project->networks);
	free_strings(&project->secrets);
	free_strings(&project->configs);
	free_strings(&project->ignored);
	memset(project, 0, sizeof *project);
}
