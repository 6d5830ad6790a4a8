/*
 * stack-spec.c - each compose service into a swarm service spec, key by key.
 *
 * The conversion is docker/cli's (its stack deploy converts the compose model into Swarm's
 * ServiceSpec): names prefixed with the stack, the namespace label on every service, the
 * deploy section into the service's mode, resources and policies. Values are checked here,
 * with the key named, since a wrong one would otherwise only be refused by the managers.
 */
#include "stack-spec.h"
#include "error.h"
#include "swarm-cli-state.h"
#include "swarm-constraint.h"
#include "swarm-service-flags.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The service keys of chapter 07's model a swarm service here has no field for. Docker's own
 * list (its UnsupportedProperties) has build, restart, network_mode, cap_add and others;
 * the rest (volumes, networks, healthcheck, ...) Docker deploys, this swarm does not yet. */
static int note_ignored(const struct compose_service *s, struct swarm_strings *ignored)
{
	const struct {
		const char *key;
		bool present;
	} keys[] = {
		{ "build", s->build.context != NULL },
		{ "entrypoint", s->has_entrypoint },
		{ "env_file", s->env_file.count > 0 },
		{ "expose", s->expose.count > 0 },
		{ "volumes", s->mount_count > 0 },
		{ "restart", s->restart != NULL },
		{ "hostname", s->hostname != NULL },
		{ "working_dir", s->working_dir != NULL },
		{ "user", s->user != NULL },
		{ "container_name", s->container_name != NULL },
		{ "healthcheck", s->has_healthcheck },
		{ "stop_signal", s->stop_signal != NULL },
		{ "stop_grace_period", s->stop_grace_period >= 0 },
		{ "network_mode", s->network_mode != NULL },
		{ "networks", s->network_count > 0 },
		{ "secrets", s->secret_count > 0 },
		{ "configs", s->config_count > 0 },
		{ "stdin_open", s->stdin_open },
		{ "tty", s->tty },
		{ "init", s->init },
		{ "read_only", s->read_only },
		{ "cap_add", s->cap_add.count > 0 },
		{ "cap_drop", s->cap_drop.count > 0 },
		{ "extra_hosts", s->extra_hosts.count > 0 },
		{ "tmpfs", s->tmpfs.count > 0 },
		{ "sysctls", s->sysctls.count > 0 },
		{ "deploy.resources.limits.pids", s->pids > 0 },
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].present && swarm_strings_add(ignored, keys[i].key) < 0)
			return -1;
	for (size_t i = 0; i < s->deploy.unread.count; i++)
		if (swarm_strings_add(ignored, s->deploy.unread.items[i]) < 0)
			return -1;
	return 0;
}

int stack_name_check(const char *name)
{
	size_t length = strlen(name);
	bool ok = length > 0 && length < SWARM_NAME_MAX;
	for (size_t i = 0; ok && i < length; i++) {
		char c = name[i];
		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		     (i > 0 && (c == '-' || c == '_'));
	}
	return ok ? 0 : fail_errno(0, "invalid stack name \"%s\": letters, digits, '-' and '_', starting with a letter or digit",
				   name);
}

/* environment: "NAME=value", or "NAME" alone, which takes the value of the deploying shell
 * (left out when it has none, as Compose leaves an unset variable out). */
static int add_environment(const struct compose_service *s, struct swarm_service_spec *spec)
{
	for (size_t i = 0; i < s->environment.count; i++) {
		const char *entry = s->environment.items[i];
		if (strchr(entry, '=')) {
			if (swarm_strings_add(&spec->env, entry) < 0)
				return -1;
			continue;
		}
		const char *value = getenv(entry);
		if (!value)
			continue;
		size_t size = strlen(entry) + strlen(value) + 2;
		char *pair = malloc(size);
		if (!pair)
			return fail_errno(ENOMEM, "cannot keep the variable %s", entry);
		snprintf(pair, size, "%s=%s", entry, value);
		int rc = swarm_strings_add(&spec->env, pair);
		free(pair);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* ports: each mapping of a range is a port of its own; host mode as the long syntax says. */
static int add_ports(const struct compose_service *s, struct swarm_service_spec *spec, struct swarm_strings *ignored)
{
	size_t total = 0;
	for (size_t i = 0; i < s->port_count; i++)
		total += s->ports[i].target_end - s->ports[i].target + 1;
	if (total > 1024)
		return fail_errno(0, "ports: %zu ports is more than a service publishes here (1024)", total);
	if (total && !(spec->ports = calloc(total, sizeof(*spec->ports))))
		return fail_errno(ENOMEM, "cannot keep the ports");
	for (size_t i = 0; i < s->port_count; i++) {
		const struct compose_port *p = &s->ports[i];
		if (p->host_ip && swarm_strings_add(ignored, "ports.host_ip") < 0)
			return -1;
		for (unsigned offset = 0; p->target + offset <= p->target_end; offset++)
			spec->ports[spec->port_count++] = (struct swarm_port){
				.target = (uint16_t)(p->target + offset),
				.published = (uint16_t)(p->published ? p->published + offset : 0),
				.udp = strcmp(p->protocol, "udp") == 0,
				.host_mode = p->mode && strcmp(p->mode, "host") == 0,
			};
	}
	return 0;
}

static int add_labels(const struct compose_strings *labels, struct swarm_service_spec *spec)
{
	for (size_t i = 0; i < labels->count; i++)
		if (swarm_strings_add(&spec->labels, labels->items[i]) < 0)
			return -1;
	return 0;
}

/* A name of table (Docker's words), or -1 recorded naming key and the words it takes. */
static int word(const char *key, const char *value, const char *const *table, size_t count, const char *expected)
{
	int found = swarm_name_lookup(table, count, value);
	if (found < 0)
		return fail_errno(0, "%s: \"%s\" is not %s", key, value, expected);
	return found;
}

static uint64_t ms(int64_t ns)
{
	return (uint64_t)ns / 1000000;
}

static int read_deploy(const struct compose_service *s, struct swarm_service_spec *spec)
{
	const struct compose_deploy *d = &s->deploy;
	int found;
	if (d->mode) {
		if ((found = word("deploy.mode", d->mode, swarm_mode_names, SWARM_NAMES(swarm_mode_names),
				  "replicated or global")) < 0)
			return -1;
		spec->mode = (enum swarm_mode)found;
	}
	if (s->replicas > SWARM_MAX_REPLICAS)
		return fail_errno(0, "deploy.replicas: %lld is more than a swarm runs (%d)", (long long)s->replicas,
				  SWARM_MAX_REPLICAS);
	spec->replicas = spec->mode == SWARM_GLOBAL ? 0 : (uint32_t)s->replicas;
	if (s->cpus && swarm_parse_nano_cpus("deploy.resources.limits.cpus", s->cpus, &spec->limit_nano_cpus) < 0)
		return -1;
	spec->limit_memory_bytes = s->memory;
	if (d->reserve_cpus &&
	    swarm_parse_nano_cpus("deploy.resources.reservations.cpus", d->reserve_cpus, &spec->reserve_nano_cpus) < 0)
		return -1;
	spec->reserve_memory_bytes = d->reserve_memory;
	if (d->update_parallelism >= 0)
		spec->update.parallelism = d->update_parallelism > UINT32_MAX ? UINT32_MAX : (uint32_t)d->update_parallelism;
	if (d->update_delay >= 0)
		spec->update.delay_ms = ms(d->update_delay);
	if (d->update_failure_action) {
		if ((found = word("deploy.update_config.failure_action", d->update_failure_action, swarm_failure_action_names,
				  SWARM_NAMES(swarm_failure_action_names), "pause, continue or rollback")) < 0)
			return -1;
		spec->update.failure_action = (enum swarm_failure_action)found;
	}
	if (d->update_order) {
		if ((found = word("deploy.update_config.order", d->update_order, swarm_update_order_names,
				  SWARM_NAMES(swarm_update_order_names), "stop-first or start-first")) < 0)
			return -1;
		spec->update.order = (enum swarm_update_order)found;
	}
	if (d->restart_condition) {
		if ((found = word("deploy.restart_policy.condition", d->restart_condition, swarm_restart_condition_names,
				  SWARM_NAMES(swarm_restart_condition_names), "none, on-failure or any")) < 0)
			return -1;
		spec->restart.condition = (enum swarm_restart_condition)found;
	}
	if (d->restart_delay >= 0)
		spec->restart.delay_ms = ms(d->restart_delay);
	if (d->restart_window >= 0)
		spec->restart.window_ms = ms(d->restart_window);
	if (d->restart_max_attempts >= 0)
		spec->restart.max_attempts = d->restart_max_attempts > UINT32_MAX ? UINT32_MAX : (uint32_t)d->restart_max_attempts;
	for (size_t i = 0; i < d->constraints.count; i++) {
		struct swarm_constraint c;
		if (swarm_constraint_parse(d->constraints.items[i], &c) < 0)
			return fail_context("deploy.placement.constraints");
		if (swarm_strings_add(&spec->constraints, d->constraints.items[i]) < 0)
			return -1;
	}
	return 0;
}

static int service_spec(const struct compose_service *s, const char *stack, struct swarm_service_spec *spec,
			struct swarm_strings *ignored)
{
	if (!s->image)
		return fail_errno(0, "stack deploy does not build; build and push the image first, and name it with image:");
	char name[SWARM_NAME_MAX * 2 + 2];
	snprintf(name, sizeof(name), "%s_%s", stack, s->name);
	if (strlen(name) >= SWARM_NAME_MAX)
		return fail_errno(0, "the service's name in the swarm, \"%s\", is longer than 63 characters", name);
	if (strlen(s->image) >= SWARM_IMAGE_MAX)
		return fail_errno(0, "image: a reference has at most 383 characters");
	swarm_service_spec_default(spec, name, s->image);
	for (size_t i = 0; i < s->command.count; i++)
		if (swarm_strings_add(&spec->command, s->command.items[i]) < 0)
			return -1;
	char namespace[SWARM_NAME_MAX + 32];
	snprintf(namespace, sizeof(namespace), "%s=%s", SWARM_STACK_LABEL, stack);
	if (add_environment(s, spec) < 0 || add_ports(s, spec, ignored) < 0 || add_labels(&s->deploy.labels, spec) < 0 ||
	    add_labels(&s->labels, spec) < 0 || swarm_strings_add(&spec->labels, namespace) < 0 ||
	    read_deploy(s, spec) < 0 || note_ignored(s, ignored) < 0)
		return -1;
	return 0;
}

static int text_order(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort the list and keep each string once. */
static void sort_unique(struct swarm_strings *list)
{
	if (list->count == 0)
		return;
	qsort(list->items, list->count, sizeof(*list->items), text_order);
	size_t kept = 1;
	for (size_t i = 1; i < list->count; i++) {
		if (strcmp(list->items[i], list->items[kept - 1]) == 0)
			free(list->items[i]);
		else
			list->items[kept++] = list->items[i];
	}
	list->count = kept;
}

int stack_specs_from_project(const struct compose_project *project, const char *stack, struct stack_specs *out)
{
	*out = (struct stack_specs){ 0 };
	if (stack_name_check(stack) < 0)
		return -1;
	if (project->service_count && !(out->items = calloc(project->service_count, sizeof(*out->items))))
		return fail_errno(ENOMEM, "cannot convert the services");
	for (size_t i = 0; i < project->service_count; i++) {
		const struct compose_service *s = &project->services[i];
		int rc = service_spec(s, stack, &out->items[out->count], &out->ignored);
		out->count++; /* freed with the others, whole or in part */
		if (rc < 0) {
			fail_context("service \"%s\"", s->name);
			stack_specs_free(out);
			return -1;
		}
	}
	/* What chapter 07's model accepted without acting on it ("services.web.runtime"): the key. */
	for (size_t i = 0; i < project->ignored.count; i++) {
		const char *path = project->ignored.items[i], *dot = strchr(path, '.');
		const char *key = strncmp(path, "services.", 9) == 0 && dot && strchr(dot + 1, '.') ? strchr(dot + 1, '.') + 1 : path;
		if (swarm_strings_add(&out->ignored, key) < 0) {
			stack_specs_free(out);
			return -1;
		}
	}
	sort_unique(&out->ignored);
	return 0;
}

void stack_specs_free(struct stack_specs *specs)
{
	for (size_t i = 0; i < specs->count; i++)
		swarm_service_spec_free(&specs->items[i]);
	free(specs->items);
	swarm_strings_free(&specs->ignored);
	*specs = (struct stack_specs){ 0 };
}

void stack_print_ignored(const struct stack_specs *specs, FILE *out)
{
	if (!specs->ignored.count)
		return;
	fprintf(out, "Ignoring unsupported options: ");
	for (size_t i = 0; i < specs->ignored.count; i++)
		fprintf(out, "%s%s", i ? ", " : "", specs->ignored.items[i]);
	fprintf(out, "\n\n");
}
