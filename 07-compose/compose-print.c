/*
 * compose-print.c - the model as `compose config` prints it (compose-print.h).
 *
 * The model is turned into one JSON tree in the canonical form, and that tree is written as
 * YAML (yaml_write) or as JSON (json_write): one place decides the form, two writers print
 * it. Each part of a service has a function that gives its canonical form; keys the model
 * does not act on were kept as written (compose-model.h, `other`) and are printed as they are.
 * A service's keys are sorted; inside a port, a volume or a top-level definition the keys go
 * in the order `docker compose config` prints them (mode, target, published, protocol...).
 */
#include "compose-print.h"

#include <stdlib.h>
#include <string.h>

#include "compose-project.h"
#include "duration.h"
#include "error.h"

/* Building a tree, with one flag for running out of memory instead of a check per member. */
struct building {
	bool failed;
};

static struct json *add(struct building *b, struct json *object, const char *key, struct json *value)
{
	if (!object || !value) {
		json_free(value);
		b->failed = true;
		return NULL;
	}
	if (!json_add(object, key, value))
		b->failed = true;
	return value;
}

static struct json *append(struct building *b, struct json *array, struct json *value)
{
	if (!array || !value) {
		json_free(value);
		b->failed = true;
		return NULL;
	}
	if (!json_append(array, value))
		b->failed = true;
	return value;
}

static void add_string(struct building *b, struct json *object, const char *key, const char *text)
{
	if (text)
		add(b, object, key, json_new_string(text));
}

static void add_true(struct building *b, struct json *object, const char *key, bool value)
{
	if (value)
		add(b, object, key, json_new_bool(true));
}

/* A duration as Go prints it ("1m30s"), when given (> 0). */
static void add_duration(struct building *b, struct json *object, const char *key, int64_t ns)
{
	char text[DURATION_SIZE];
	if (ns <= 0)
		return;
	duration_format(ns, text);
	add_string(b, object, key, text);
}

static void add_list(struct building *b, struct json *object, const char *key, const struct compose_strings *list)
{
	if (list->count == 0)
		return;
	struct json *array = add(b, object, key, json_new_array());
	for (size_t i = 0; i < list->count; i++)
		append(b, array, json_new_string(list->items[i]));
}

/* "NAME=value" strings as a mapping NAME: value ("NAME" alone: null, a value still to come
 * from the environment). */
static void add_mapping(struct building *b, struct json *object, const char *key, const struct compose_strings *pairs)
{
	if (pairs->count == 0)
		return;
	struct json *map = add(b, object, key, json_new_object());
	for (size_t i = 0; i < pairs->count && map; i++) {
		const char *pair = pairs->items[i];
		const char *equals = strchr(pair, '=');
		char *name = strndup(pair, equals ? (size_t)(equals - pair) : strlen(pair));
		if (!name) {
			b->failed = true;
			return;
		}
		if (!json_set(map, name, equals ? json_new_string(equals + 1) : json_new_null()))
			b->failed = true;
		free(name);
	}
}

/* Keys kept as written (yaml_to_json: typed as YAML's core schema types them). */
static void add_other(struct building *b, struct json *object, const struct yaml_node *other)
{
	yaml_for_each(value, other)
		add(b, object, value->key->text, yaml_to_json(value));
}

/* The members of object in alphabetical order of their keys, as the printed form is sorted. */
static int by_key(const void *a, const void *b)
{
	return strcmp((*(struct json *const *)a)->key, (*(struct json *const *)b)->key);
}

static void sort_members(struct building *b, struct json *object)
{
	if (!object || object->count < 2)
		return;
	struct json **members = calloc(object->count, sizeof *members);
	if (!members) {
		b->failed = true;
		return;
	}
	size_t n = 0;
	json_for_each(member, object)
		members[n++] = member;
	qsort(members, n, sizeof *members, by_key);
	object->first = members[0];
	for (size_t i = 0; i + 1 < n; i++)
		members[i]->next = members[i + 1];
	members[n - 1]->next = NULL;
	object->last = members[n - 1];
	free(members);
}

/* --- a service --------------------------------------------------------------------------- */

static void add_build(struct building *b, struct json *service, const struct compose_build *build)
{
	if (!build->context)
		return;
	struct json *object = add(b, service, "build", json_new_object());
	add_mapping(b, object, "args", &build->args);
	add_string(b, object, "context", build->context);
	add_string(b, object, "dockerfile", build->dockerfile);
	add_string(b, object, "target", build->target);
}

/* A port range becomes one entry a port, as Compose prints it; a range of published ports
 * for one target stays a range ("8000-8010"). */
static void add_ports(struct building *b, struct json *service, const struct compose_service *s)
{
	if (s->port_count == 0)
		return;
	struct json *array = add(b, service, "ports", json_new_array());
	for (size_t i = 0; i < s->port_count; i++) {
		const struct compose_port *p = &s->ports[i];
		bool one_target = p->target == p->target_end;
		for (unsigned offset = 0; offset <= p->target_end - p->target; offset++) {
			struct json *port = append(b, array, json_new_object());
			char published[16];
			add_string(b, port, "mode", p->mode ? p->mode : "ingress");
			add_string(b, port, "host_ip", p->host_ip);
			add(b, port, "target", json_new_int(p->target + offset));
			if (p->published && one_target && p->published_end != p->published)
				snprintf(published, sizeof published, "%u-%u", p->published, p->published_end);
			else
				snprintf(published, sizeof published, "%u", p->published + offset);
			if (p->published) /* a string, as Compose prints it: it may be a range */
				add_string(b, port, "published", published);
			add_string(b, port, "protocol", p->protocol);
		}
	}
}

static void add_volumes(struct building *b, struct json *service, const struct compose_service *s)
{
	static const char *const types[] = { "volume", "bind", "tmpfs" };
	if (s->mount_count == 0)
		return;
	struct json *array = add(b, service, "volumes", json_new_array());
	for (size_t i = 0; i < s->mount_count; i++) {
		const struct compose_mount *m = &s->mounts[i];
		struct json *mount = append(b, array, json_new_object());
		add_string(b, mount, "type", types[m->type]);
		add_string(b, mount, "source", m->source);
		add_string(b, mount, "target", m->target);
		add_true(b, mount, "read_only", m->read_only);
	}
}

static void add_depends_on(struct building *b, struct json *service, const struct compose_service *s)
{
	static const char *const conditions[] = { "service_started", "service_healthy", "service_completed_successfully" };
	if (s->depends_count == 0)
		return;
	struct json *map = add(b, service, "depends_on", json_new_object());
	for (size_t i = 0; i < s->depends_count; i++) {
		struct json *dependency = add(b, map, s->depends_on[i].service, json_new_object());
		add_string(b, dependency, "condition", conditions[s->depends_on[i].condition]);
	}
}

static void add_healthcheck(struct building *b, struct json *service, const struct compose_service *s)
{
	if (!s->has_healthcheck)
		return;
	const struct compose_healthcheck *h = &s->healthcheck;
	struct json *object = add(b, service, "healthcheck", json_new_object());
	add_true(b, object, "disable", h->disable);
	add_duration(b, object, "interval", h->interval);
	if (h->retries >= 0)
		add(b, object, "retries", json_new_int(h->retries));
	add_duration(b, object, "start_period", h->start_period);
	add_list(b, object, "test", &h->test);
	add_duration(b, object, "timeout", h->timeout);
}

static void add_deploy(struct building *b, struct json *service, const struct compose_service *s)
{
	if (s->replicas == 1 && !s->cpus && !s->memory && !s->pids)
		return;
	struct json *deploy = add(b, service, "deploy", json_new_object());
	if (s->replicas != 1)
		add(b, deploy, "replicas", json_new_int(s->replicas));
	if (!s->cpus && !s->memory && !s->pids)
		return;
	struct json *limits = add(b, add(b, deploy, "resources", json_new_object()), "limits", json_new_object());
	add_string(b, limits, "cpus", s->cpus);
	if (s->memory)
		add(b, limits, "memory", json_new_int(s->memory));
	if (s->pids)
		add(b, limits, "pids", json_new_int(s->pids));
}

/* The networks a service joins: the project's default one when it names none (and shares
 * no other container's or the host's network). */
static void add_networks(struct building *b, struct json *service, const struct compose_service *s)
{
	if (s->network_count == 0 && s->network_mode)
		return;
	struct json *map = add(b, service, "networks", json_new_object());
	if (s->network_count == 0)
		add(b, map, "default", json_new_null());
	for (size_t i = 0; i < s->network_count; i++) {
		const struct compose_network_ref *n = &s->networks[i];
		if (n->aliases.count == 0) {
			add(b, map, n->name, json_new_null());
			continue;
		}
		add_list(b, add(b, map, n->name, json_new_object()), "aliases", &n->aliases);
	}
}

static void add_file_refs(struct building *b, struct json *service, const char *key, const struct compose_file_ref *refs,
			  size_t count)
{
	if (count == 0)
		return;
	struct json *array = add(b, service, key, json_new_array());
	for (size_t i = 0; i < count; i++) {
		struct json *ref = append(b, array, json_new_object());
		add_string(b, ref, "source", refs[i].source);
		add_string(b, ref, "target", refs[i].target);
		add_string(b, ref, "mode", refs[i].mode);
	}
}

static struct json *service_tree(struct building *b, const struct compose_service *s)
{
	struct json *service = json_new_object();
	add_build(b, service, &s->build);
	add_list(b, service, "cap_add", &s->cap_add);
	add_list(b, service, "cap_drop", &s->cap_drop);
	if (s->has_command)
		add_list(b, service, "command", &s->command);
	add_file_refs(b, service, "configs", s->configs, s->config_count);
	add_string(b, service, "container_name", s->container_name);
	add_depends_on(b, service, s);
	add_deploy(b, service, s);
	if (s->has_entrypoint)
		add_list(b, service, "entrypoint", &s->entrypoint);
	add_list(b, service, "env_file", &s->env_file);
	add_mapping(b, service, "environment", &s->environment);
	add_list(b, service, "expose", &s->expose);
	add_list(b, service, "extra_hosts", &s->extra_hosts);
	add_healthcheck(b, service, s);
	add_string(b, service, "hostname", s->hostname);
	add_string(b, service, "image", s->image);
	add_true(b, service, "init", s->init);
	add_mapping(b, service, "labels", &s->labels);
	add_string(b, service, "network_mode", s->network_mode);
	add_networks(b, service, s);
	add_ports(b, service, s);
	add_list(b, service, "profiles", &s->profiles);
	add_true(b, service, "read_only", s->read_only);
	add_string(b, service, "restart", s->restart);
	add_file_refs(b, service, "secrets", s->secrets, s->secret_count);
	add_true(b, service, "stdin_open", s->stdin_open);
	if (s->stop_grace_period >= 0) {
		char text[DURATION_SIZE];
		duration_format(s->stop_grace_period, text);
		add_string(b, service, "stop_grace_period", text);
	}
	add_string(b, service, "stop_signal", s->stop_signal);
	add_mapping(b, service, "sysctls", &s->sysctls);
	add_list(b, service, "tmpfs", &s->tmpfs);
	add_true(b, service, "tty", s->tty);
	add_string(b, service, "user", s->user);
	add_volumes(b, service, s);
	add_string(b, service, "working_dir", s->working_dir);
	add_other(b, service, s->other);
	sort_members(b, service);
	if (!service)
		b->failed = true;
	return service;
}

/* --- the top level --------------------------------------------------------------------- */

/* A network's or a volume's name on the host: as given, the key itself when external,
 * else PROJECT_KEY (compose-project.h). */
static char *host_name(const struct compose_project *p, const struct compose_resource *r)
{
	if (r->name)
		return strdup(r->name);
	if (r->external)
		return strdup(r->key);
	char *project = p->name ? compose_project_name(p->name, NULL, NULL) : NULL;
	char *name = project ? compose_volume_name(project, r->key) : NULL;
	free(project);
	return name;
}

static struct json *resource_tree(struct building *b, const struct compose_project *p, const struct compose_resource *r,
				  bool named_on_host)
{
	struct json *object = json_new_object();
	char *name = named_on_host ? host_name(p, r) : (r->name ? strdup(r->name) : NULL);
	add_string(b, object, "name", name);
	free(name);
	add_string(b, object, "driver", r->driver);
	add_mapping(b, object, "driver_opts", &r->driver_opts);
	add_true(b, object, "external", r->external);
	add_string(b, object, "file", r->file);
	add_string(b, object, "environment", r->environment);
	add_string(b, object, "content", r->content);
	add_mapping(b, object, "labels", &r->labels);
	add_other(b, object, r->other);
	if (!object)
		b->failed = true;
	return object;
}

static bool uses_default_network(const struct compose_project *p)
{
	for (size_t i = 0; i < p->service_count; i++)
		if (p->services[i].network_count == 0 && !p->services[i].network_mode)
			return true;
	return false;
}

static void add_section(struct building *b, struct json *root, const char *key, const struct compose_project *p,
			const struct compose_resources *resources, bool named_on_host)
{
	bool default_network = strcmp(key, "networks") == 0 && uses_default_network(p);
	if (resources->count == 0 && !default_network)
		return;
	struct json *section = add(b, root, key, json_new_object());
	for (size_t i = 0; i < resources->count; i++) {
		add(b, section, resources->items[i].key, resource_tree(b, p, &resources->items[i], named_on_host));
		if (strcmp(resources->items[i].key, "default") == 0)
			default_network = false;
	}
	if (default_network) {
		/* The network every service joins unless it names others, made by the project. */
		struct json *network = add(b, section, "default", json_new_object());
		char *project = p->name ? compose_project_name(p->name, NULL, NULL) : NULL;
		char *name = project ? compose_default_network(project) : NULL;
		free(project);
		add_string(b, network, "name", name);
		free(name);
	}
}

/* Every `$` of a string value written `$$`: the values are resolved, and the printed file,
 * read again, is interpolated again (compose-interpolate.h); `$$` is how it says "a dollar". */
static void escape_dollars(struct building *b, struct json *node)
{
	if (!node)
		return;
	if (node->type == JSON_STRING && memchr(node->text, '$', node->length)) {
		size_t dollars = 0;
		for (size_t i = 0; i < node->length; i++)
			dollars += node->text[i] == '$';
		char *escaped = malloc(node->length + dollars + 1);
		if (!escaped) {
			b->failed = true;
			return;
		}
		size_t at = 0;
		for (size_t i = 0; i < node->length; i++) {
			escaped[at++] = node->text[i];
			if (node->text[i] == '$')
				escaped[at++] = '$';
		}
		escaped[at] = '\0';
		free(node->text);
		node->text = escaped;
		node->length = at;
	}
	json_for_each(child, node)
		escape_dollars(b, child);
}

struct json *compose_config_tree(const struct compose_project *p)
{
	struct building b = { false };
	struct json *root = json_new_object();
	/* The name as Compose uses it: lowercase letters, digits, _ and - (compose-project.h). */
	char *name = p->name ? compose_project_name(p->name, NULL, NULL) : NULL;
	if (p->name && !name) {
		json_free(root);
		return NULL;
	}
	add_string(&b, root, "name", name);
	free(name);
	if (p->service_count > 0) {
		struct json *services = add(&b, root, "services", json_new_object());
		for (size_t i = 0; i < p->service_count; i++)
			add(&b, services, p->services[i].name, service_tree(&b, &p->services[i]));
	}
	add_section(&b, root, "networks", p, &p->network_definitions, true);
	add_section(&b, root, "volumes", p, &p->volume_definitions, true);
	add_section(&b, root, "secrets", p, &p->secret_definitions, false);
	add_section(&b, root, "configs", p, &p->config_definitions, false);
	add_other(&b, root, p->other);
	escape_dollars(&b, root);
	if (b.failed || !root) {
		json_free(root);
		fail_errno(12, "cannot print the compose model");
		return NULL;
	}
	return root;
}

int compose_print(FILE *out, const struct compose_project *project, enum compose_format format)
{
	struct json *tree = compose_config_tree(project);
	if (!tree)
		return -1;
	int result = 0;
	if (format == COMPOSE_FORMAT_JSON) {
		size_t length;
		char *text = json_write(tree, 2, &length);
		if (!text || fwrite(text, 1, length, out) != length || fputc('\n', out) == EOF)
			result = -1;
		free(text);
	} else {
		result = yaml_write(out, tree);
	}
	json_free(tree);
	if (result < 0 || fflush(out) == EOF)
		return fail_sys("cannot print the compose model");
	return 0;
}
