/*
 * container-record.c - the container record to JSON and back (see container-record.h).
 *
 * Writing builds the tree Docker's `inspect` shows; reading is lenient about what is missing
 * (a record an older tinydock wrote) and strict about what the runtime cannot do without: the
 * id and the command. Ports and capabilities are written in Docker's words ("80/tcp",
 * CapAdd/CapDrop against Docker's default set), so the record reads as Docker's would.
 *
 * `-p 80` asks the kernel for a free host port each time the container starts, as Docker does:
 * HostConfig.PortBindings keeps the binding as asked (HostPort ""), NetworkSettings.Ports the
 * port that the last start got (what `ps` and `port` show).
 */
#include "container-record.h"
#include "capabilities.h"
#include "error.h"
#include "json.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- string lists --------------------------------------------------------------------------- */

int string_list_add(struct string_list *list, const char *text)
{
	char **items = realloc(list->items, (list->count + 2) * sizeof(*items));
	if (!items)
		return fail_errno(ENOMEM, "cannot grow a list");
	list->items = items;
	items[list->count] = strdup(text);
	if (!items[list->count])
		return fail_errno(ENOMEM, "cannot copy \"%s\"", text);
	items[++list->count] = NULL;
	return 0;
}

void string_list_free(struct string_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

void container_record_free(struct container_record *r)
{
	string_list_free(&r->health_test);
	string_list_free(&r->command);
	string_list_free(&r->env);
	string_list_free(&r->aliases);
	string_list_free(&r->entrypoint);
	string_list_free(&r->labels);
	string_list_free(&r->extra_hosts);
	string_list_free(&r->sysctls);
	for (size_t i = 0; i < r->more_network_count; i++)
		string_list_free(&r->more_networks[i].aliases);
	r->more_network_count = 0;
	free(r->mounts);
	r->mounts = NULL;
	r->mount_count = 0;
}

struct recorded_mount *container_record_add_mount(struct container_record *r)
{
	struct recorded_mount *mounts = realloc(r->mounts, (r->mount_count + 1) * sizeof(*mounts));
	if (!mounts) {
		fail_errno(ENOMEM, "cannot grow the list of mounts");
		return NULL;
	}
	r->mounts = mounts;
	memset(&mounts[r->mount_count], 0, sizeof(mounts[0]));
	return &mounts[r->mount_count++];
}

/* --- the record as JSON ---------------------------------------------------------------------- */

static struct json *string_array(const char *const *items, size_t count)
{
	struct json *array = json_new_array();
	for (size_t i = 0; array && i < count; i++)
		if (!json_append(array, json_new_string(items[i]))) {
			json_free(array);
			return NULL;
		}
	return array;
}

static struct json *add_time(struct json *obj, const char *key, timestamp_ns t)
{
	char text[TIMESTAMP_SIZE];
	timestamp_format(t, text);
	return json_add_string(obj, key, text);
}

/* Docker's PortBindings and Ports: {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}; a host port
 * for the kernel to choose is HostPort "". */
static struct json *port_bindings(const struct port_mapping *ports, size_t count)
{
	struct json *bindings = json_new_object();
	for (size_t i = 0; bindings && i < count; i++) {
		const struct port_mapping *p = &ports[i];
		char key[32], host_ip[INET_ADDRSTRLEN] = "", host_port[8] = "";
		snprintf(key, sizeof(key), "%u/tcp", p->container_port);
		if (p->host_ip.s_addr != htonl(INADDR_ANY))
			inet_ntop(AF_INET, &p->host_ip, host_ip, sizeof(host_ip));
		if (p->host_port)
			snprintf(host_port, sizeof(host_port), "%u", p->host_port);
		struct json *binding = json_new_object();
		if (!json_add_string(binding, "HostIp", host_ip) || !json_add_string(binding, "HostPort", host_port)) {
			json_free(binding);
			binding = NULL;
		}
		struct json *list = json_new_array();
		if (!binding || !json_append(list, binding) || !json_add(bindings, key, list)) {
			json_free(bindings);
			return NULL;
		}
	}
	return bindings;
}

/* The capabilities and filters of the container, in Docker's HostConfig words. CapAdd and CapDrop
 * are the difference from the starting set (Docker's default, or all of them with --privileged),
 * so that reading them back gives exactly the set the container got, whatever order the flags
 * came in (`--cap-drop ALL --cap-add CHOWN` records CapAdd [] and CapDrop [13 names]). */
static bool add_security(struct json *host, const struct security_settings *s)
{
	uint64_t base = s->privileged ? capability_all() : capability_docker_default();
	struct json *add = json_new_array(), *drop = json_new_array(), *opts = json_new_array();
	bool ok = add && drop && opts;
	for (int cap = 0; ok && cap <= CAPABILITY_LAST; cap++) {
		uint64_t bit = CAPABILITY_BIT(cap);
		if ((s->capabilities & bit) != (base & bit))
			ok = json_append(s->capabilities & bit ? add : drop, json_new_string(capability_name(cap))) != NULL;
	}
	if (ok && !s->privileged && !s->seccomp)
		ok = json_append(opts, json_new_string("seccomp=unconfined")) != NULL;
	if (ok && s->no_new_privs != !s->privileged)
		ok = json_append(opts, json_new_string(s->no_new_privs ? "no-new-privileges=true"
									: "no-new-privileges=false")) != NULL;
	if (!ok) {
		json_free(add);
		json_free(drop);
		json_free(opts);
		return false;
	}
	return json_add_bool(host, "Privileged", s->privileged) && json_add(host, "CapAdd", add) &&
	       json_add(host, "CapDrop", drop) && json_add(host, "SecurityOpt", opts);
}

/* The reverse: a record without these fields (an older one) gets the defaults. */
static int read_security(const struct json *host, struct security_settings *s)
{
	security_defaults(s);
	bool privileged = false;
	if (json_bool(json_get(host, "Privileged"), &privileged) == 0 && privileged)
		security_privileged(s);
	json_for_each(name, json_get(host, "CapAdd"))
		if (json_is(name, JSON_STRING) && security_cap_add(s, json_string(name)) < 0)
			return -1;
	json_for_each(name, json_get(host, "CapDrop"))
		if (json_is(name, JSON_STRING) && security_cap_drop(s, json_string(name)) < 0)
			return -1;
	json_for_each(opt, json_get(host, "SecurityOpt"))
		if (json_is(opt, JSON_STRING) && security_opt(s, json_string(opt)) < 0)
			return -1;
	return 0;
}

/* tinydock's Userns: {"Enabled": true, "UidMap": ["0:100000:65536"], "GidMap": [...]}, the maps
 * in the words of --uidmap and --gidmap (what Docker, with one daemon-wide remapping, lacks). */
static struct json *id_maps(const struct id_map *maps, size_t count)
{
	struct json *array = json_new_array();
	for (size_t i = 0; array && i < count; i++) {
		char text[80];
		snprintf(text, sizeof(text), "%lu:%lu:%lu", maps[i].inside, maps[i].outside, maps[i].count);
		if (!json_append(array, json_new_string(text))) {
			json_free(array);
			return NULL;
		}
	}
	return array;
}

static struct json *userns(const struct container_record *r)
{
	struct json *obj = json_new_object();
	if (obj && (!json_add_bool(obj, "Enabled", r->userns) ||
		    !json_add(obj, "UidMap", id_maps(r->uid_maps, r->uid_map_count)) ||
		    !json_add(obj, "GidMap", id_maps(r->gid_maps, r->gid_map_count)))) {
		json_free(obj);
		return NULL;
	}
	return obj;
}

/* One member of NetworkSettings.Networks: {"Aliases": [...]} under the network's name. */
static bool add_network(struct json *obj, const char *name, const struct string_list *aliases)
{
	struct json *endpoint = json_new_object();
	if (!endpoint || !json_add(endpoint, "Aliases", string_array((const char *const *)aliases->items, aliases->count)) ||
	    !json_add(obj, name, endpoint)) {
		json_free(endpoint);
		return false;
	}
	return true;
}

/* Docker's NetworkSettings.Networks: {"NAME": {"Aliases": [...]}, ...}, the first network
 * first, then those joined after it ({} for a record without a network, as an older tinydock
 * wrote it). */
static struct json *networks(const struct container_record *r)
{
	struct json *obj = json_new_object();
	if (obj && !r->network[0])
		return obj;
	bool ok = obj && add_network(obj, r->network, &r->aliases);
	for (size_t i = 0; ok && i < r->more_network_count; i++)
		ok = add_network(obj, r->more_networks[i].name, &r->more_networks[i].aliases);
	if (!ok) {
		json_free(obj);
		return NULL;
	}
	return obj;
}

/* Docker's Mounts: one object per mount, with Name and Driver only for a volume. */
static struct json *mount_points(const struct container_record *r)
{
	struct json *list = json_new_array();
	for (size_t i = 0; list && i < r->mount_count; i++) {
		const struct recorded_mount *m = &r->mounts[i];
		bool volume = strcmp(m->type, "volume") == 0;
		struct json *point = json_new_object();
		bool ok = point && json_add_string(point, "Type", m->type) &&
			  (!volume || json_add_string(point, "Name", m->name)) &&
			  json_add_string(point, "Source", m->source) &&
			  json_add_string(point, "Destination", m->destination) &&
			  (!volume || json_add_string(point, "Driver", m->driver)) &&
			  json_add_string(point, "Mode", m->mode) && json_add_bool(point, "RW", m->rw) &&
			  json_add_string(point, "Propagation", m->propagation);
		if (!ok || !json_append(list, point)) {
			if (!ok)
				json_free(point);
			json_free(list);
			return NULL;
		}
	}
	return list;
}

/* HostConfig.Binds as -v writes them ("SOURCE:DESTINATION[:MODE]", a volume by its name), null
 * when there are none, as Docker. */
static struct json *binds(const struct container_record *r)
{
	struct json *list = NULL;
	for (size_t i = 0; i < r->mount_count; i++) {
		const struct recorded_mount *m = &r->mounts[i];
		if (strcmp(m->type, "tmpfs") == 0)
			continue;
		char bind[2 * PATH_MAX + 64];
		snprintf(bind, sizeof(bind), "%s:%s%s%s", m->name[0] ? m->name : m->source, m->destination,
			 m->mode[0] ? ":" : "", m->mode);
		if ((!list && !(list = json_new_array())) || !json_append(list, json_new_string(bind))) {
			json_free(list);
			return NULL;
		}
	}
	return list ? list : json_new_null();
}

/* HostConfig.Tmpfs: {"/run": "size=64m"}, null when there is none. */
static struct json *tmpfs_map(const struct container_record *r)
{
	struct json *map = NULL;
	for (size_t i = 0; i < r->mount_count; i++) {
		const struct recorded_mount *m = &r->mounts[i];
		if (strcmp(m->type, "tmpfs") != 0)
			continue;
		if ((!map && !(map = json_new_object())) || !json_add_string(map, m->destination, m->options)) {
			json_free(map);
			return NULL;
		}
	}
	return map ? map : json_new_null();
}

/* Config.Labels, HostConfig.Sysctls: {"KEY": "VALUE"}, from "KEY=VALUE" strings ({} when there
 * is none, as Docker). */
static struct json *key_value_map(const struct string_list *list)
{
	struct json *map = json_new_object();
	for (size_t i = 0; map && i < list->count; i++) {
		const char *label = list->items[i], *equals = strchr(label, '=');
		size_t key_length = equals ? (size_t)(equals - label) : strlen(label);
		char *key = strndup(label, key_length);
		if (!key || !json_add_string(map, key, equals ? equals + 1 : "")) {
			free(key);
			json_free(map);
			return NULL;
		}
		free(key);
	}
	return map;
}

/* ... and back. */
static int read_labels(const struct json *map, struct string_list *labels)
{
	if (!json_is(map, JSON_OBJECT))
		return 0;
	for (const struct json *m = map->first; m; m = m->next) {
		const char *value = json_string(m) ? json_string(m) : "";
		size_t size = m->key_length + strlen(value) + 2;
		char *label = malloc(size);
		if (!label)
			return fail_errno(ENOMEM, "cannot read the labels");
		snprintf(label, size, "%s=%s", m->key, value);
		int rc = string_list_add(labels, label);
		free(label);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Docker writes null for an Entrypoint that is not set. */
static struct json *entrypoint(const struct container_record *r)
{
	if (r->entrypoint.count == 0)
		return json_new_null();
	return string_array((const char *const *)r->entrypoint.items, r->entrypoint.count);
}

/* Each add returns its value or NULL; `ok` collects whether all of them worked. */
#define ADD(expr)                  \
	do {                       \
		if (!(expr))       \
			ok = false; \
	} while (0)

struct json *container_record_to_json(const struct container_record *r)
{
	struct json *doc = json_new_object(), *state = json_new_object(), *config = json_new_object(),
		    *host = json_new_object(), *policy = json_new_object(), *net = json_new_object();
	bool ok = doc && state && config && host && policy && net;
	char name[CONTAINER_NAME_MAX + 2];
	snprintf(name, sizeof(name), "/%s", r->name); /* Docker's names start with "/" */

	ADD(json_add_string(doc, "Id", r->id));
	ADD(add_time(doc, "Created", r->created));
	ADD(json_add_string(doc, "Path", r->command.count ? r->command.items[0] : ""));
	ADD(json_add(doc, "Args", string_array((const char *const *)r->command.items + (r->command.count ? 1 : 0),
					       r->command.count ? r->command.count - 1 : 0)));
	ADD(json_add_string(state, "Status", r->status));
	ADD(json_add_int(state, "ExitCode", r->exit_code));
	ADD(json_add_bool(state, "OOMKilled", r->oom_killed));
	ADD(add_time(state, "StartedAt", r->started_at));
	ADD(add_time(state, "FinishedAt", r->finished_at));
	ADD(json_add(doc, "State", state));
	ADD(json_add_string(doc, "Name", name));
	ADD(json_add_int(doc, "RestartCount", r->restart_count));

	ADD(json_add_string(config, "Hostname", r->hostname));
	ADD(json_add_string(config, "User", r->user));
	ADD(json_add_bool(config, "Tty", r->tty));
	ADD(json_add_bool(config, "OpenStdin", r->interactive));
	ADD(json_add(config, "Env", string_array((const char *const *)r->env.items, r->env.count)));
	ADD(json_add(config, "Cmd", string_array((const char *const *)r->command.items, r->command.count)));
	ADD(json_add(config, "Entrypoint", entrypoint(r)));
	ADD(json_add_string(config, "Image", r->image));
	ADD(json_add_string(config, "WorkingDir", r->workdir));
	ADD(json_add(config, "Labels", key_value_map(&r->labels)));
	if (r->stop_signal[0]) /* Docker: a member only when set */
		ADD(json_add_string(config, "StopSignal", r->stop_signal));
	if (r->stop_timeout_set)
		ADD(json_add_int(config, "StopTimeout", r->stop_timeout));
	if (r->health_test.count || r->health_timing.interval || r->health_timing.timeout ||
	    r->health_timing.start_period || r->health_timing.retries) /* Docker: none is no member */
		ADD(json_add(config, "Healthcheck", health_config_to_json((const char *const *)r->health_test.items,
									 r->health_test.count, &r->health_timing)));
	ADD(json_add(doc, "Config", config));

	ADD(json_add(host, "Binds", binds(r)));
	ADD(json_add(host, "Tmpfs", tmpfs_map(r)));
	ADD(json_add_string(host, "NetworkMode", r->network));
	ADD(json_add(host, "PortBindings", port_bindings(r->ports, r->port_count)));
	ADD(json_add_string(policy, "Name", restart_policy_name(r->restart.mode)));
	ADD(json_add_int(policy, "MaximumRetryCount", r->restart.max_retries));
	ADD(json_add(host, "RestartPolicy", policy));
	ADD(json_add_bool(host, "AutoRemove", r->auto_remove));
	ADD(json_add_int(host, "Memory", r->limits.memory));
	ADD(json_add_int(host, "MemorySwap", r->limits.memory_swap));
	ADD(json_add_int(host, "NanoCpus", r->limits.nano_cpus));
	ADD(json_add_int(host, "CpuShares", (int64_t)r->limits.cpu_shares));
	ADD(json_add_int(host, "PidsLimit", r->limits.pids_limit));
	ADD(json_add_string(host, "CpusetCpus", r->limits.cpuset_cpus));
	ADD(json_add(host, "ExtraHosts", string_array((const char *const *)r->extra_hosts.items, r->extra_hosts.count)));
	ADD(json_add(host, "Sysctls", key_value_map(&r->sysctls)));
	ADD(json_add_bool(host, "ReadonlyRootfs", r->read_only));
	if (!add_security(host, &r->security))
		ok = false;
	ADD(json_add(doc, "HostConfig", host));
	ADD(json_add(doc, "Mounts", mount_points(r)));

	ADD(json_add_string(net, "IPAddress", r->ip_address));
	ADD(json_add(net, "Ports", port_bindings(r->bound, r->bound_count)));
	ADD(json_add(net, "Networks", networks(r)));
	ADD(json_add(doc, "NetworkSettings", net));

	/* tinydock's own, for what Docker lacks: the --rootfs folder, the user namespace's maps. */
	ADD(json_add_string(doc, "Rootfs", r->rootfs));
	ADD(json_add(doc, "Userns", userns(r)));
	if (ok)
		return doc;
	/* json_add took ownership of whatever it was given; free what was never added. */
	json_free(doc);
	fail_errno(ENOMEM, "cannot build the record of container %s", r->id);
	return NULL;
}
#undef ADD

static void copy_string(char *out, size_t size, const char *text)
{
	snprintf(out, size, "%s", text ? text : "");
}

static int read_strings(const struct json *array, struct string_list *list)
{
	json_for_each(item, array)
		if (json_is(item, JSON_STRING) && string_list_add(list, json_string(item)) < 0)
			return -1;
	return 0;
}

int64_t stored_int(const struct json *obj, const char *key)
{
	int64_t value = 0;
	if (json_int64(json_get(obj, key), &value) < 0)
		return 0;
	return value;
}

bool stored_bool(const struct json *obj, const char *key)
{
	bool value = false;
	json_bool(json_get(obj, key), &value);
	return value;
}

timestamp_ns stored_time(const struct json *obj, const char *key)
{
	timestamp_ns t = 0;
	const char *text = json_get_string(obj, key);
	if (text)
		timestamp_parse(text, &t);
	return t;
}

static void read_ports(const struct json *bindings, struct port_mapping *ports, size_t *count)
{
	json_for_each(binding, bindings)
	{
		if (*count == MAX_PORTS)
			break;
		struct port_mapping *p = &ports[*count];
		memset(p, 0, sizeof(*p));
		p->container_port = (uint16_t)atoi(binding->key);
		const struct json *first = json_at(binding, 0);
		const char *ip = json_get_string(first, "HostIp"), *port = json_get_string(first, "HostPort");
		if (!ip || !*ip || inet_pton(AF_INET, ip, &p->host_ip) != 1)
			p->host_ip.s_addr = htonl(INADDR_ANY);
		p->host_port = (uint16_t)(port ? atoi(port) : 0); /* "": the kernel chooses */
		(*count)++;
	}
}

/* The maps of Userns; one that does not parse is an error (the record was written by us). */
static int read_id_maps(const struct json *array, struct id_map *maps, size_t *count)
{
	json_for_each(item, array)
	{
		if (*count == MAX_ID_MAPS || !json_is(item, JSON_STRING) || parse_id_map(json_string(item), &maps[*count]) < 0)
			return fail_errno(0, "the record has a bad id map");
		(*count)++;
	}
	return 0;
}

/* Mounts, and each tmpfs's options from HostConfig.Tmpfs. */
static int read_mounts(const struct json *points, const struct json *tmpfs, struct container_record *r)
{
	json_for_each(point, points)
	{
		struct recorded_mount *m = container_record_add_mount(r);
		if (!m)
			return -1;
		copy_string(m->type, sizeof(m->type), json_get_string(point, "Type"));
		copy_string(m->name, sizeof(m->name), json_get_string(point, "Name"));
		copy_string(m->source, sizeof(m->source), json_get_string(point, "Source"));
		copy_string(m->destination, sizeof(m->destination), json_get_string(point, "Destination"));
		copy_string(m->driver, sizeof(m->driver), json_get_string(point, "Driver"));
		copy_string(m->mode, sizeof(m->mode), json_get_string(point, "Mode"));
		m->rw = stored_bool(point, "RW");
		copy_string(m->propagation, sizeof(m->propagation), json_get_string(point, "Propagation"));
		if (strcmp(m->type, "tmpfs") == 0)
			copy_string(m->options, sizeof(m->options), json_get_string(tmpfs, m->destination));
	}
	return 0;
}

/* The members of NetworkSettings.Networks after the first network's (r->network): the
 * networks joined after it, in order. */
static int read_more_networks(const struct json *map, struct container_record *r)
{
	if (!json_is(map, JSON_OBJECT))
		return 0;
	for (const struct json *m = map->first; m && r->more_network_count < MAX_MORE_NETWORKS; m = m->next) {
		if (strcmp(m->key, r->network) == 0)
			continue;
		struct recorded_network *n = &r->more_networks[r->more_network_count++];
		copy_string(n->name, sizeof(n->name), m->key);
		if (read_strings(json_get(m, "Aliases"), &n->aliases) < 0)
			return -1;
	}
	return 0;
}

int container_record_from_json(const struct json *doc, struct container_record *r)
{
	memset(r, 0, sizeof(*r));
	const char *id = json_get_string(doc, "Id"), *name = json_get_string(doc, "Name");
	if (!id || strlen(id) != CONTAINER_ID_LENGTH || !name)
		return fail_errno(0, "the record has no Id or Name");
	copy_string(r->id, sizeof(r->id), id);
	copy_string(r->name, sizeof(r->name), name[0] == '/' ? name + 1 : name);
	r->created = stored_time(doc, "Created");
	r->restart_count = (int)stored_int(doc, "RestartCount");
	copy_string(r->rootfs, sizeof(r->rootfs), json_get_string(doc, "Rootfs"));

	const struct json *state = json_get(doc, "State");
	copy_string(r->status, sizeof(r->status), json_get_string(state, "Status"));
	r->exit_code = (int)stored_int(state, "ExitCode");
	r->oom_killed = stored_bool(state, "OOMKilled");
	r->started_at = stored_time(state, "StartedAt");
	r->finished_at = stored_time(state, "FinishedAt");

	const struct json *config = json_get(doc, "Config");
	copy_string(r->hostname, sizeof(r->hostname), json_get_string(config, "Hostname"));
	copy_string(r->user, sizeof(r->user), json_get_string(config, "User"));
	copy_string(r->image, sizeof(r->image), json_get_string(config, "Image"));
	copy_string(r->workdir, sizeof(r->workdir), json_get_string(config, "WorkingDir"));
	copy_string(r->stop_signal, sizeof(r->stop_signal), json_get_string(config, "StopSignal"));
	r->stop_timeout_set = json_get(config, "StopTimeout") != NULL;
	r->stop_timeout = (long)stored_int(config, "StopTimeout");
	health_timing_from_json(json_get(config, "Healthcheck"), &r->health_timing);
	if (read_strings(json_get(json_get(config, "Healthcheck"), "Test"), &r->health_test) < 0) {
		container_record_free(r);
		return -1;
	}
	r->tty = stored_bool(config, "Tty");
	r->interactive = stored_bool(config, "OpenStdin");

	const struct json *host = json_get(doc, "HostConfig");
	copy_string(r->network, sizeof(r->network), json_get_string(host, "NetworkMode"));
	read_ports(json_get(host, "PortBindings"), r->ports, &r->port_count);
	const struct json *policy = json_get(host, "RestartPolicy");
	const char *mode = json_get_string(policy, "Name");
	if (mode && restart_policy_parse(mode, &r->restart) < 0)
		error_clear();
	r->restart.max_retries = (int)stored_int(policy, "MaximumRetryCount");
	r->auto_remove = stored_bool(host, "AutoRemove");
	r->read_only = stored_bool(host, "ReadonlyRootfs");
	r->limits.memory = stored_int(host, "Memory");
	r->limits.memory_swap = stored_int(host, "MemorySwap");
	r->limits.nano_cpus = stored_int(host, "NanoCpus");
	r->limits.cpu_shares = (uint64_t)stored_int(host, "CpuShares");
	r->limits.pids_limit = stored_int(host, "PidsLimit");
	copy_string(r->limits.cpuset_cpus, sizeof(r->limits.cpuset_cpus), json_get_string(host, "CpusetCpus"));
	if (read_security(host, &r->security) < 0)
		return fail_context("HostConfig");

	const struct json *net = json_get(doc, "NetworkSettings");
	copy_string(r->ip_address, sizeof(r->ip_address), json_get_string(net, "IPAddress"));
	read_ports(json_get(net, "Ports"), r->bound, &r->bound_count);

	const struct json *userns = json_get(doc, "Userns");
	r->userns = stored_bool(userns, "Enabled");
	if (read_id_maps(json_get(userns, "UidMap"), r->uid_maps, &r->uid_map_count) < 0 ||
	    read_id_maps(json_get(userns, "GidMap"), r->gid_maps, &r->gid_map_count) < 0)
		return -1;

	const struct json *aliases = json_get(json_get(json_get(net, "Networks"), r->network), "Aliases");
	if (read_strings(json_get(config, "Cmd"), &r->command) < 0 || read_strings(json_get(config, "Env"), &r->env) < 0 ||
	    read_strings(json_get(config, "Entrypoint"), &r->entrypoint) < 0 || read_strings(aliases, &r->aliases) < 0 ||
	    read_labels(json_get(config, "Labels"), &r->labels) < 0 ||
	    read_strings(json_get(host, "ExtraHosts"), &r->extra_hosts) < 0 ||
	    read_labels(json_get(host, "Sysctls"), &r->sysctls) < 0 || read_more_networks(json_get(net, "Networks"), r) < 0 ||
	    read_mounts(json_get(doc, "Mounts"), json_get(host, "Tmpfs"), r) < 0) {
		container_record_free(r);
		return -1;
	}
	return 0;
}
