/*
 * compose-service-spec.c - a service's fields into the fields of a container's spec
 * (compose-service-spec.h), each as the `docker run` flag of the same meaning fills it.
 */
#include "compose-service-spec.h"
#include "compose-labels.h"
#include "compose-networks.h"
#include "compose-project.h"
#include "compose-secrets.h"
#include "error.h"
#include "host-entries.h"
#include "sysctls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int compose_strings_add(struct compose_strings *list, const char *text)
{
	char **items = realloc(list->items, (list->count + 1) * sizeof(*items));
	if (!items)
		return fail_errno(ENOMEM, "cannot grow a list");
	list->items = items;
	if (!(items[list->count] = strdup(text)))
		return fail_errno(ENOMEM, "cannot copy \"%s\"", text);
	list->count++;
	return 0;
}

void compose_strings_free(struct compose_strings *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

void compose_spec_strings_free(struct compose_spec_strings *strings)
{
	for (size_t i = 0; i < strings->count; i++)
		free(strings->items[i]);
	free(strings->items);
	free(strings->argv);
	*strings = (struct compose_spec_strings){ 0 };
}

/* Keep text (malloc'd, or NULL when malloc failed) in strings; the text, or NULL with the message. */
static char *keep(struct compose_spec_strings *strings, char *text)
{
	char **items = text ? realloc(strings->items, (strings->count + 1) * sizeof(*items)) : NULL;
	if (!items) {
		free(text);
		fail_errno(ENOMEM, "cannot build the container's spec");
		return NULL;
	}
	strings->items = items;
	items[strings->count++] = text;
	return text;
}

static char *keepf(struct compose_spec_strings *strings, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *keepf(struct compose_spec_strings *strings, const char *fmt, ...)
{
	char *text;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&text, fmt, ap);
	va_end(ap);
	return keep(strings, n < 0 ? NULL : text);
}

static int warn(struct compose_strings *warnings, const struct compose_service *s, const char *field)
{
	char text[512];
	snprintf(text, sizeof(text), "services.%s.%s", s->name, field);
	for (size_t i = 0; i < warnings->count; i++)
		if (strcmp(warnings->items[i], text) == 0)
			return 0;
	return compose_strings_add(warnings, text);
}

/* The command: entrypoint words after the first, then command (Docker: --entrypoint takes one
 * word, and the image's CMD is dropped once an entrypoint is given, so the rest of a list
 * entrypoint leads the command). */
static int command_of(const struct compose_service *s, struct volume_spec *spec, struct compose_spec_strings *strings)
{
	size_t lead = s->has_entrypoint && s->entrypoint.count ? s->entrypoint.count - 1 : 0;
	size_t words = lead + (s->has_command ? s->command.count : 0);
	if (s->has_entrypoint && s->entrypoint.count)
		spec->image.entrypoint = s->entrypoint.items[0];
	if (words == 0)
		return 0; /* the image's (or, with an entrypoint, none) */
	if (!(strings->argv = calloc(words + 1, sizeof(char *))))
		return fail_errno(ENOMEM, "cannot build the command of service \"%s\"", s->name);
	for (size_t i = 0; i < lead; i++)
		strings->argv[i] = s->entrypoint.items[i + 1];
	for (size_t i = lead; i < words; i++)
		strings->argv[i] = s->command.items[i - lead];
	spec->image.runtime.container.command = strings->argv;
	return 0;
}

/* The index in list[0..count) of the variable named as text's, or count. */
static size_t find_variable(const char *const *list, size_t count, const char *text)
{
	size_t length = strcspn(text, "=");
	for (size_t i = 0; i < count; i++)
		if (strncmp(list[i], text, length) == 0 && (list[i][length] == '=' || list[i][length] == '\0'))
			return i;
	return count;
}

/* env_file's variables, then environment's: a name in both takes environment's value, as
 * Compose's precedence says (environment overrides env_file), and a name twice in the files
 * takes its last value. */
static int environment_of(const struct compose_spec_input *in, const struct compose_service *s, struct container *c)
{
	const char *const *environment = (const char *const *)s->environment.items;
	for (size_t i = 0; i < in->env_file_count + s->environment.count; i++) {
		bool from_file = i < in->env_file_count;
		const char *variable = from_file ? in->env_file_vars[i] : environment[i - in->env_file_count];
		if (from_file && find_variable(environment, s->environment.count, variable) < s->environment.count)
			continue;
		size_t at = find_variable(c->env, c->env_count, variable);
		if (at == c->env_count && c->env_count == MAX_ENV)
			return fail_errno(0, "service \"%s\": too many environment variables (at most %d)", s->name, MAX_ENV);
		c->env[at] = variable;
		if (at == c->env_count)
			c->env_count++;
	}
	return 0;
}

static int ports_of(const struct compose_service *s, struct container *c, struct compose_strings *warnings)
{
	for (size_t i = 0; i < s->port_count; i++) {
		const struct compose_port *p = &s->ports[i];
		struct in_addr ip = { .s_addr = htonl(INADDR_ANY) };
		if (strcmp(p->protocol, "tcp") != 0 || (p->host_ip && inet_pton(AF_INET, p->host_ip, &ip) != 1)) {
			/* chapter 02's proxy forwards TCP over IPv4 only */
			if (warn(warnings, s, "ports (udp or IPv6)") < 0)
				return -1;
			continue;
		}
		for (unsigned port = p->target; port <= p->target_end; port++) {
			if (c->port_count == MAX_PORTS)
				return fail_errno(0, "service \"%s\": too many ports (at most %d)", s->name, MAX_PORTS);
			c->ports[c->port_count++] = (struct port_mapping){
				.host_ip = ip,
				.host_port = (uint16_t)(p->published ? p->published + (port - p->target) : 0),
				.container_port = (uint16_t)port,
			};
		}
	}
	return 0;
}

static struct volume_request *next_request(struct volume_spec *spec, const char *service)
{
	if (spec->request_count == MAX_MOUNTS) {
		fail_errno(0, "service \"%s\": too many volumes (at most %d)", service, MAX_MOUNTS);
		return NULL;
	}
	struct volume_request *r = &spec->requests[spec->request_count++];
	memset(r, 0, sizeof(*r));
	return r;
}

static int copy_path(char *out, size_t size, const char *text, const char *service)
{
	if ((size_t)snprintf(out, size, "%s", text) >= size)
		return fail_errno(ENAMETOOLONG, "service \"%s\": path \"%s\"", service, text);
	return 0;
}

/* volumes: a host path relative to the project folder (the specification: "relative to the
 * Compose file's parent folder"), a project's volume as PROJECT_NAME, an anonymous volume;
 * then tmpfs:. */
static int volumes_of(const struct compose_spec_input *in, const struct compose_service *s, struct volume_spec *spec)
{
	for (size_t i = 0; i < s->mount_count; i++) {
		const struct compose_mount *m = &s->mounts[i];
		struct volume_request *r = next_request(spec, s->name);
		if (!r || copy_path(r->target, sizeof(r->target), m->target, s->name) < 0)
			return -1;
		r->read_only = m->read_only;
		if (m->read_only)
			snprintf(r->mode, sizeof(r->mode), "ro");
		if (m->type == COMPOSE_MOUNT_TMPFS) {
			r->kind = VOLUME_TMPFS;
		} else if (m->type == COMPOSE_MOUNT_BIND) {
			r->kind = VOLUME_BIND;
			const char *src = m->source;
			while (src[0] == '.' && src[1] == '/')
				src += 2;
			int n = src[0] == '/' ? snprintf(r->source, sizeof(r->source), "%s", src)
			      : strcmp(src, ".") == 0 ? snprintf(r->source, sizeof(r->source), "%s", in->directory)
						      : snprintf(r->source, sizeof(r->source), "%s/%s", in->directory, src);
			if ((size_t)n >= sizeof(r->source))
				return fail_errno(ENAMETOOLONG, "service \"%s\": bind source \"%s\"", s->name, m->source);
		} else if (!m->source) {
			r->kind = VOLUME_ANONYMOUS;
		} else {
			r->kind = VOLUME_NAMED;
			char *name = compose_volume_name(in->project, m->source);
			if (!name)
				return -1;
			int rc = copy_path(r->source, sizeof(r->source), name, s->name);
			free(name);
			if (rc < 0)
				return -1;
		}
	}
	for (size_t i = 0; i < s->tmpfs.count; i++) {
		struct volume_request *r = next_request(spec, s->name);
		if (!r || parse_tmpfs_flag(s->tmpfs.items[i], r) < 0)
			return r ? fail_context("service \"%s\": tmpfs", s->name) : -1;
	}
	return 0;
}

/* The names a container is known by on one network: its service name (not for `compose run`),
 * its container name, and the aliases the file gives it there, into names[0..*count). */
static void names_on(const struct compose_spec_input *in, const struct compose_service *s, const char *container,
		     const struct compose_network_ref *ref, const char **names, size_t *count)
{
	*count = 0;
	if (!in->oneoff)
		names[(*count)++] = s->name;
	names[(*count)++] = container;
	for (size_t j = 0; ref && j < ref->aliases.count && *count < MAX_ALIASES; j++)
		names[(*count)++] = ref->aliases.items[j];
	names[*count] = NULL;
}

/* A service joins the networks its `networks:` names (none named: `default`, PROJECT_default),
 * the first when its container starts and the others right after, as `run --network A
 * --network B` does; on each it is known by its service name, its container name and the
 * aliases given there: that is how `web` reaches `http://api/`, and why a service reaches
 * only the services it shares a network with (compose-networks.c). */
static int network_of(const struct compose_spec_input *in, const struct compose_service *s, struct container *c,
		      struct compose_spec_strings *strings, struct compose_strings *warnings)
{
	if (s->network_mode) {
		if (strcmp(s->network_mode, "host") == 0) {
			c->network = NETWORK_HOST;
			return 0;
		}
		if (strcmp(s->network_mode, "none") == 0) {
			c->network = NETWORK_NONE;
			return 0;
		}
		if (warn(warnings, s, "network_mode") < 0) /* service:NAME, container:NAME */
			return -1;
	}
	static const struct compose_network_ref DEFAULT = { .name = (char *)"default" };
	size_t count = s->network_count && !s->network_mode ? s->network_count : 1;
	if (count > MAX_MORE_NETWORKS + 1)
		return fail_errno(0, "service \"%s\": too many networks (at most %d)", s->name, MAX_MORE_NETWORKS + 1);
	c->network = NETWORK_BRIDGE;
	for (size_t i = 0; i < count; i++) {
		const struct compose_network_ref *ref = s->network_count && !s->network_mode ? &s->networks[i] : &DEFAULT;
		const struct compose_resource *d = in->model ? compose_network_definition(in->model, ref->name) : NULL;
		char *network = in->model ? compose_network_name(in->project, in->model, ref->name)
					  : compose_default_network(in->project);
		if (!network || !keep(strings, network))
			return -1;
		if (d && d->driver && strcmp(d->driver, "bridge") != 0) {
			/* a bridge all the same: the services still reach each other, on this host */
			char field[256];
			snprintf(field, sizeof(field), "networks (%s: driver %s, made a bridge here)", ref->name, d->driver);
			if (warn(warnings, s, field) < 0)
				return -1;
		}
		if (i == 0) {
			c->network_name = network;
			names_on(in, s, c->name, ref, c->aliases, &c->alias_count);
		} else {
			struct network_join *j = &c->more_networks[c->more_network_count++];
			j->name = network;
			names_on(in, s, c->name, ref, j->aliases, &j->alias_count);
		}
	}
	return 0;
}

/* extra_hosts, sysctls, read_only and tty: --add-host, --sysctl, --read-only and -t. Compose writes
 * extra_hosts as "name:ip" or "name=ip" (the list) or name: ip (the map, read as "name=ip"),
 * and sysctls as a map or a list of "key=value". A sysctl that `run` would refuse is refused
 * here too, with the same reason, before anything is made. */
static int host_settings_of(const struct compose_service *s, struct container *c)
{
	if (s->extra_hosts.count > MAX_EXTRA_HOSTS || s->sysctls.count > MAX_SYSCTLS)
		return fail_errno(0, "service \"%s\": too many extra_hosts or sysctls (at most %d)", s->name, MAX_SYSCTLS);
	for (size_t i = 0; i < s->extra_hosts.count; i++) {
		if (host_entry_check(s->extra_hosts.items[i]) < 0)
			return fail_context("service \"%s\": extra_hosts", s->name);
		c->extra_hosts[c->extra_host_count++] = s->extra_hosts.items[i];
	}
	for (size_t i = 0; i < s->sysctls.count; i++) {
		enum sysctl_namespace ns;
		if (sysctl_check(s->sysctls.items[i], c->network != NETWORK_HOST, &ns) < 0)
			return fail_context("service \"%s\": sysctls", s->name);
		c->sysctls[c->sysctl_count++] = s->sysctls.items[i];
	}
	c->read_only = s->read_only;
	/* tty: `run -t`, a pseudo-terminal: its command's stdin stays open (no end of file) even
	 * detached, which is what stdin_open with tty asks of Compose. `compose run` and `exec`
	 * choose their own terminal, as Compose's do (-T). */
	c->tty = s->tty;
	if (c->extra_host_count > 0 && c->network != NETWORK_BRIDGE)
		return fail_errno(0, "service \"%s\": extra_hosts with network_mode %s (tinydock writes /etc/hosts only "
				     "for a bridge network)", s->name, s->network_mode);
	return 0;
}

static int health_of(const struct compose_service *s, struct runtime_spec *r)
{
	if (!s->has_healthcheck)
		return 0; /* the image's HEALTHCHECK, if any */
	if (s->healthcheck.disable) {
		r->health.test[0] = "NONE";
		r->no_healthcheck = true;
		return 0;
	}
	if (s->healthcheck.test.count > HEALTH_TEST_MAX)
		return fail_errno(0, "service \"%s\": healthcheck test too long (at most %d words)", s->name, HEALTH_TEST_MAX);
	for (size_t i = 0; i < s->healthcheck.test.count; i++)
		r->health.test[i] = s->healthcheck.test.items[i];
	r->health.timing.interval = s->healthcheck.interval;
	r->health.timing.timeout = s->healthcheck.timeout;
	r->health.timing.start_period = s->healthcheck.start_period;
	r->health.timing.retries = s->healthcheck.retries < 0 ? 0 : (int)s->healthcheck.retries;
	return health_config_check(&r->health) < 0 ? fail_context("service \"%s\": healthcheck", s->name) : 0;
}

static int limits_of(const struct compose_service *s, struct runtime_spec *r)
{
	char number[32];
	if (s->cpus && cgroup_limits_set(&r->limits, "cpus", s->cpus) < 0)
		return fail_context("service \"%s\": deploy.resources.limits.cpus", s->name);
	snprintf(number, sizeof(number), "%" PRId64, s->memory);
	if (s->memory && cgroup_limits_set(&r->limits, "memory", number) < 0)
		return fail_context("service \"%s\": deploy.resources.limits.memory", s->name);
	snprintf(number, sizeof(number), "%" PRId64, s->pids);
	if (s->pids && cgroup_limits_set(&r->limits, "pids-limit", number) < 0)
		return fail_context("service \"%s\": deploy.resources.limits.pids", s->name);
	return 0;
}

static int labels_of(const struct compose_spec_input *in, const struct compose_service *s, struct runtime_spec *r,
		     struct compose_spec_strings *strings)
{
	for (size_t i = 0; i < s->labels.count; i++)
		if (runtime_add_label(r, s->labels.items[i]) < 0)
			return fail_context("service \"%s\": labels", s->name);
	const char *ours[] = {
		keepf(strings, COMPOSE_LABEL_PROJECT "=%s", in->project),
		keepf(strings, COMPOSE_LABEL_SERVICE "=%s", s->name),
		keepf(strings, COMPOSE_LABEL_NUMBER "=%d", in->number),
		keepf(strings, COMPOSE_LABEL_ONEOFF "=%s", in->oneoff ? "True" : "False"),
		keepf(strings, COMPOSE_LABEL_CONFIG_HASH "=%s", in->hash),
	};
	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		if (!ours[i] || runtime_add_label(r, ours[i]) < 0)
			return -1;
	return 0;
}

static const struct compose_resource *definition(const struct compose_resources *all, const char *key)
{
	for (size_t i = 0; i < all->count; i++)
		if (strcmp(all->items[i].key, key) == 0)
			return &all->items[i];
	return NULL;
}

/* secrets or configs (is_secret says which): each a file bound read-only at its target
 * (compose-secrets.h); one that cannot be had here is named in the warnings. */
static int files_of(const struct compose_spec_input *in, const struct compose_service *s, bool is_secret,
		    struct volume_spec *spec, struct compose_strings *warnings)
{
	const char *kind = is_secret ? "secrets" : "configs";
	const struct compose_file_ref *refs = is_secret ? s->secrets : s->configs;
	size_t count = is_secret ? s->secret_count : s->config_count;
	if (count > 0 && !in->model)
		return warn(warnings, s, kind);
	for (size_t i = 0; i < count; i++) {
		const struct compose_resource *def =
			definition(is_secret ? &in->model->secret_definitions : &in->model->config_definitions, refs[i].source);
		if (!def)
			return fail_errno(0, "service \"%s\" refers to undefined %s \"%s\"", s->name,
					  is_secret ? "secret" : "config", refs[i].source);
		char source[PATH_MAX];
		int found = compose_secret_source(def, is_secret, in->directory, in->state, source, sizeof source);
		if (found < 0)
			return -1;
		char field[512];
		snprintf(field, sizeof field, "%s.%s%s", kind, refs[i].source, def->external ? " (external)" : "");
		if (found == 1) {
			if (warn(warnings, s, field) < 0)
				return -1;
			continue;
		}
		if (refs[i].mode) { /* a bind mount shows the file's own mode: it cannot be given another */
			snprintf(field, sizeof field, "%s.%s.mode", kind, refs[i].source);
			if (warn(warnings, s, field) < 0)
				return -1;
		}
		struct volume_request *r = next_request(spec, s->name);
		if (!r || compose_secret_target(&refs[i], is_secret, r->target, sizeof r->target) < 0)
			return -1;
		r->kind = VOLUME_BIND;
		snprintf(r->source, sizeof r->source, "%s", source);
		r->read_only = true;
		snprintf(r->mode, sizeof r->mode, "ro");
		r->source_must_exist = true; /* a missing secret file is an error, never made empty */
	}
	return 0;
}

/* Fields with no counterpart in a container here: named in `up`'s warning. */
static int unsupported_of(const struct compose_spec_input *in, const struct compose_service *s,
			  struct compose_strings *warnings)
{
	const struct {
		bool given;
		const char *field;
	} fields[] = {
		/* Compose keeps stdin open for a later `attach`; a detached container here has
		 * /dev/null as stdin and no attach, unless tty: gives it a terminal that stays open */
		{ s->stdin_open && !s->tty && !in->oneoff, "stdin_open (without tty: no attach here)" },
	};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i].given && warn(warnings, s, fields[i].field) < 0)
			return -1;
	return 0;
}

int compose_service_spec(const struct compose_spec_input *in, const struct compose_service *s,
			 struct volume_spec *spec, struct compose_spec_strings *strings,
			 struct compose_strings *warnings)
{
	struct runtime_spec *r = &spec->image.runtime;
	struct container *c = &r->container;
	container_init(c);
	r->detach = true;
	r->image = in->image;
	spec->image.name = in->image;

	char *name = in->name ? strdup(in->name)
		   : s->container_name ? strdup(s->container_name)
				       : compose_container_name(in->project, s->name, in->number);
	if (!(c->name = keep(strings, name)))
		return -1;
	if (s->hostname) {
		if (check_hostname(s->hostname) < 0)
			return fail_errno(0, "service \"%s\": invalid hostname \"%s\"", s->name, s->hostname);
		snprintf(c->hostname, sizeof(c->hostname), "%s", s->hostname);
	}
	c->workdir = s->working_dir;
	c->user = s->user;
	/* init: tinydock's containers always have an init as PID 1 (02-namespaces/init.c). */
	for (size_t i = 0; i < s->cap_add.count; i++)
		if (security_cap_add(&c->security, s->cap_add.items[i]) < 0)
			return fail_context("service \"%s\": cap_add", s->name);
	for (size_t i = 0; i < s->cap_drop.count; i++)
		if (security_cap_drop(&c->security, s->cap_drop.items[i]) < 0)
			return fail_context("service \"%s\": cap_drop", s->name);
	if (s->restart) {
		if (restart_policy_parse(s->restart, &r->restart) < 0)
			return fail_context("service \"%s\": restart", s->name);
		r->restart_given = true;
	}
	if (command_of(s, spec, strings) < 0 || environment_of(in, s, c) < 0 || ports_of(s, c, warnings) < 0 ||
	    volumes_of(in, s, spec) < 0 || network_of(in, s, c, strings, warnings) < 0 || health_of(s, r) < 0 ||
	    host_settings_of(s, c) < 0 || limits_of(s, r) < 0 || labels_of(in, s, r, strings) < 0 ||
	    files_of(in, s, true, spec, warnings) < 0 || files_of(in, s, false, spec, warnings) < 0 ||
	    unsupported_of(in, s, warnings) < 0)
		return -1;
	return 0;
}
