/*
 * container-spec.c - a spec into its record and back (see container-spec.h).
 *
 * The spec is what the container's record stores. Docker does the same: `docker
 * create` writes the container's Config and HostConfig into config.v2.json and hostconfig.json,
 * and `docker start` reads them back; the command line that made them is gone by then. One
 * consequence, as in Docker: `-p 80` records the binding as asked (host port 0, HostPort ""),
 * so every start asks the kernel for a free port again (container-record.c).
 */
#include "container-spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int copy_list(struct string_list *list, const char *const *items, size_t count)
{
	string_list_free(list);
	for (size_t i = 0; i < count; i++)
		if (string_list_add(list, items[i]) < 0)
			return -1;
	return 0;
}

static size_t count_of(char *const *items)
{
	size_t n = 0;
	while (items && items[n])
		n++;
	return n;
}

/* "" for an absent string: the record's strings are never NULL. */
#define COPY(field, text) snprintf(field, sizeof(field), "%s", (text) ? (text) : "")

int container_spec_write(const struct container *c, struct container_record *r)
{
	COPY(r->id, c->id);
	COPY(r->rootfs, c->rootfs);
	COPY(r->name, c->name);
	COPY(r->hostname, c->hostname);
	COPY(r->workdir, c->workdir);
	COPY(r->user, c->user);
	r->interactive = c->interactive;
	r->tty = c->tty;
	r->auto_remove = c->remove;
	r->security = c->security; /* its privileged is --privileged: c->privileged says the same */
	COPY(r->network, c->network == NETWORK_NONE   ? "none"
			 : c->network == NETWORK_HOST ? "host"
			 : c->network_name            ? c->network_name
						      : "bridge");
	r->port_count = c->port_count;
	memcpy(r->ports, c->ports, c->port_count * sizeof(c->ports[0]));
	r->userns = c->userns;
	r->uid_map_count = c->uid_map_count;
	memcpy(r->uid_maps, c->uid_maps, c->uid_map_count * sizeof(c->uid_maps[0]));
	r->gid_map_count = c->gid_map_count;
	memcpy(r->gid_maps, c->gid_maps, c->gid_map_count * sizeof(c->gid_maps[0]));
	free(r->mounts);
	r->mounts = NULL;
	r->mount_count = 0;
	for (size_t i = 0; i < c->mount_count; i++) {
		const struct mount_request *m = &c->mounts[i];
		struct recorded_mount *out = container_record_add_mount(r);
		if (!out)
			return -1;
		bool bind = m->kind == MOUNT_BIND;
		COPY(out->type, bind ? "bind" : "tmpfs");
		COPY(out->source, m->source);
		COPY(out->destination, m->target);
		COPY(out->mode, m->read_only ? "ro" : "");
		out->rw = !m->read_only;
		COPY(out->propagation, bind ? "rprivate" : "");
		COPY(out->options, m->options);
	}
	for (size_t i = 0; i < r->more_network_count; i++)
		string_list_free(&r->more_networks[i].aliases);
	r->more_network_count = c->more_network_count;
	for (size_t i = 0; i < c->more_network_count; i++) {
		COPY(r->more_networks[i].name, c->more_networks[i].name);
		if (copy_list(&r->more_networks[i].aliases, c->more_networks[i].aliases, c->more_networks[i].alias_count) < 0)
			return -1;
	}
	r->read_only = c->read_only;
	if (copy_list(&r->extra_hosts, c->extra_hosts, c->extra_host_count) < 0 ||
	    copy_list(&r->sysctls, c->sysctls, c->sysctl_count) < 0 ||
	    copy_list(&r->aliases, c->aliases, c->alias_count) < 0 || copy_list(&r->env, c->env, c->env_count) < 0 ||
	    copy_list(&r->command, (const char *const *)c->command, count_of(c->command)) < 0)
		return -1;
	return 0;
}

/* NULL for "": a spec's absent string. */
static const char *given(const char *text)
{
	return text[0] ? text : NULL;
}

void container_spec_read(const struct container_record *r, struct container *c)
{
	container_init(c);
	COPY(c->id, r->id);
	c->rootfs = given(r->rootfs);
	c->name = given(r->name);
	COPY(c->hostname, r->hostname);
	c->workdir = given(r->workdir);
	c->user = given(r->user);
	c->interactive = r->interactive;
	c->tty = r->tty;
	c->remove = r->auto_remove;
	c->security = r->security;
	c->privileged = r->security.privileged;
	if (strcmp(r->network, "none") == 0)
		c->network = NETWORK_NONE;
	else if (strcmp(r->network, "host") == 0)
		c->network = NETWORK_HOST;
	/* The default bridge stays unnamed: run.c settles it (a rootless run gets none instead). */
	c->network_name = strcmp(r->network, "bridge") == 0 ? NULL : given(r->network);
	for (size_t i = 0; i < r->aliases.count && i < MAX_ALIASES; i++)
		c->aliases[c->alias_count++] = r->aliases.items[i];
	for (size_t i = 0; i < r->more_network_count && i < MAX_MORE_NETWORKS; i++) {
		struct network_join *j = &c->more_networks[c->more_network_count++];
		j->name = r->more_networks[i].name;
		for (size_t a = 0; a < r->more_networks[i].aliases.count && a < MAX_ALIASES; a++)
			j->aliases[j->alias_count++] = r->more_networks[i].aliases.items[a];
	}
	for (size_t i = 0; i < r->extra_hosts.count && i < MAX_EXTRA_HOSTS; i++)
		c->extra_hosts[c->extra_host_count++] = r->extra_hosts.items[i];
	for (size_t i = 0; i < r->sysctls.count && i < MAX_SYSCTLS; i++)
		c->sysctls[c->sysctl_count++] = r->sysctls.items[i];
	c->read_only = r->read_only;
	c->port_count = r->port_count;
	memcpy(c->ports, r->ports, r->port_count * sizeof(r->ports[0]));
	c->userns = r->userns;
	c->uid_map_count = r->uid_map_count;
	memcpy(c->uid_maps, r->uid_maps, r->uid_map_count * sizeof(r->uid_maps[0]));
	c->gid_map_count = r->gid_map_count;
	memcpy(c->gid_maps, r->gid_maps, r->gid_map_count * sizeof(r->gid_maps[0]));
	for (size_t i = 0; i < r->env.count && i < MAX_ENV; i++)
		c->env[c->env_count++] = r->env.items[i];
	if (r->command.count > 0)
		c->command = r->command.items;
	/* A volume is a bind of its folder (chapter 06): starting again needs nothing more. */
	for (size_t i = 0; i < r->mount_count && c->mount_count < MAX_MOUNTS; i++) {
		const struct recorded_mount *m = &r->mounts[i];
		struct mount_request *out = &c->mounts[c->mount_count++];
		out->kind = strcmp(m->type, "tmpfs") == 0 ? MOUNT_TMPFS : MOUNT_BIND;
		COPY(out->source, m->source);
		COPY(out->target, m->destination);
		out->read_only = !m->rw;
		COPY(out->options, m->options);
	}
}

int runtime_spec_write(const struct runtime_spec *spec, struct container_record *r)
{
	if (container_spec_write(&spec->container, r) < 0)
		return -1;
	/* Config.Image names what the container runs: the image, or else the folder. */
	COPY(r->image, spec->image ? spec->image : r->rootfs);
	r->limits = spec->limits;
	r->restart = spec->restart;
	COPY(r->stop_signal, spec->stop_signal ? spec->stop_signal : "");
	r->stop_timeout = spec->stop_timeout;
	r->stop_timeout_set = spec->stop_timeout_given;
	size_t words = 0;
	while (spec->health.test[words])
		words++;
	if (copy_list(&r->health_test, spec->health.test, words) < 0)
		return -1;
	r->health_timing = spec->health.timing;
	if (copy_list(&r->labels, spec->labels, spec->label_count) < 0)
		return -1;
	return spec->write_record ? spec->write_record(spec, r) : 0;
}

void runtime_spec_read(const struct container_record *r, struct runtime_spec *spec)
{
	struct runtime_spec zero = { .image = NULL };
	*spec = zero;
	container_spec_read(r, &spec->container);
	spec->image = r->rootfs[0] ? NULL : given(r->image);
	spec->limits = r->limits;
	spec->restart = r->restart;
	spec->stop_signal = given(r->stop_signal);
	spec->stop_timeout = r->stop_timeout;
	spec->stop_timeout_given = r->stop_timeout_set;
	spec->restart_given = r->restart.mode != RESTART_NO;
	for (size_t i = 0; i < r->health_test.count && i < HEALTH_TEST_MAX; i++)
		spec->health.test[i] = r->health_test.items[i];
	spec->health.timing = r->health_timing;
	for (size_t i = 0; i < r->labels.count && i < RUNTIME_MAX_LABELS; i++)
		spec->labels[spec->label_count++] = r->labels.items[i];
}
