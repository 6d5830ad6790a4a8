/*
 * container-store.c - containers on disk: the record, the folders, names, the lock, live state.
 *
 * Lecture: "a daemonless runtime keeps its memory in files". Docker's daemon holds every
 * container in memory and writes /var/lib/docker/containers/<id>/config.v2.json as a backup;
 * Podman has no daemon, so every `podman` process reads its state (a database under
 * /var/lib/containers, live state under /run) and takes a lock before it changes anything.
 * tinydock does what Podman does, with plain files:
 *
 *  - config.json is written atomically (write_file_atomic: temp file, fsync, rename(2)), so a
 *    reader sees the old record or the new one, never half of one;
 *  - every read-modify-write happens under flock(2) on one lock file, so that two `run --name
 *    web` at the same moment cannot both see the name free (flock(2): the lock belongs to the
 *    open file, and the kernel drops it when the holder dies, even by SIGKILL);
 *  - whether a container runs is never taken from the record alone: the monitor writes its pid
 *    and start time under $TINYDOCK_RUN (a tmpfs), and a reader checks that this very process
 *    still exists. A pid alone is not enough: pids are reused, the (pid, start time) pair is not.
 *
 * Next: container-log.c (what the monitor writes), runtime.c (the monitor itself).
 */
#include "container-store.h"
#include "capabilities.h"
#include "error.h"
#include "files.h"
#include "json.h"
#include "names.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	string_list_free(&r->command);
	string_list_free(&r->env);
	string_list_free(&r->run_args);
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

/* Docker's PortBindings: {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}. */
static struct json *port_bindings(const struct container_record *r)
{
	struct json *bindings = json_new_object();
	for (size_t i = 0; bindings && i < r->port_count; i++) {
		const struct port_mapping *p = &r->ports[i];
		char key[32], host_ip[INET_ADDRSTRLEN] = "", host_port[8];
		snprintf(key, sizeof(key), "%u/tcp", p->container_port);
		if (p->host_ip.s_addr != htonl(INADDR_ANY))
			inet_ntop(AF_INET, &p->host_ip, host_ip, sizeof(host_ip));
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
	ADD(json_add_string(config, "Image", r->image));
	ADD(json_add_string(config, "WorkingDir", r->workdir));
	ADD(json_add(doc, "Config", config));

	ADD(json_add_string(host, "NetworkMode", r->network));
	ADD(json_add(host, "PortBindings", port_bindings(r)));
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
	if (!add_security(host, &r->security))
		ok = false;
	ADD(json_add(doc, "HostConfig", host));

	ADD(json_add_string(net, "IPAddress", r->ip_address));
	ADD(json_add(doc, "NetworkSettings", net));

	/* tinydock's own: the folder and the arguments that `start` gives to `run` again. */
	ADD(json_add_string(doc, "Rootfs", r->rootfs));
	ADD(json_add(doc, "RunArgs", string_array((const char *const *)r->run_args.items, r->run_args.count)));
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

static int64_t get_int(const struct json *obj, const char *key)
{
	int64_t value = 0;
	if (json_int64(json_get(obj, key), &value) < 0)
		return 0;
	return value;
}

static bool get_bool(const struct json *obj, const char *key)
{
	bool value = false;
	json_bool(json_get(obj, key), &value);
	return value;
}

static timestamp_ns get_time(const struct json *obj, const char *key)
{
	timestamp_ns t = 0;
	const char *text = json_get_string(obj, key);
	if (text)
		timestamp_parse(text, &t);
	return t;
}

static void read_ports(const struct json *bindings, struct container_record *r)
{
	json_for_each(binding, bindings)
	{
		if (r->port_count == MAX_PORTS)
			break;
		struct port_mapping *p = &r->ports[r->port_count];
		memset(p, 0, sizeof(*p));
		p->container_port = (uint16_t)atoi(binding->key);
		const struct json *first = json_at(binding, 0);
		const char *ip = json_get_string(first, "HostIp"), *port = json_get_string(first, "HostPort");
		if (!ip || !*ip || inet_pton(AF_INET, ip, &p->host_ip) != 1)
			p->host_ip.s_addr = htonl(INADDR_ANY);
		p->host_port = (uint16_t)(port ? atoi(port) : 0);
		r->port_count++;
	}
}

int container_record_from_json(const struct json *doc, struct container_record *r)
{
	memset(r, 0, sizeof(*r));
	const char *id = json_get_string(doc, "Id"), *name = json_get_string(doc, "Name");
	if (!id || strlen(id) != CONTAINER_ID_LENGTH || !name)
		return fail_errno(0, "the record has no Id or Name");
	copy_string(r->id, sizeof(r->id), id);
	copy_string(r->name, sizeof(r->name), name[0] == '/' ? name + 1 : name);
	r->created = get_time(doc, "Created");
	r->restart_count = (int)get_int(doc, "RestartCount");
	copy_string(r->rootfs, sizeof(r->rootfs), json_get_string(doc, "Rootfs"));

	const struct json *state = json_get(doc, "State");
	copy_string(r->status, sizeof(r->status), json_get_string(state, "Status"));
	r->exit_code = (int)get_int(state, "ExitCode");
	r->oom_killed = get_bool(state, "OOMKilled");
	r->started_at = get_time(state, "StartedAt");
	r->finished_at = get_time(state, "FinishedAt");

	const struct json *config = json_get(doc, "Config");
	copy_string(r->hostname, sizeof(r->hostname), json_get_string(config, "Hostname"));
	copy_string(r->user, sizeof(r->user), json_get_string(config, "User"));
	copy_string(r->image, sizeof(r->image), json_get_string(config, "Image"));
	copy_string(r->workdir, sizeof(r->workdir), json_get_string(config, "WorkingDir"));
	r->tty = get_bool(config, "Tty");
	r->interactive = get_bool(config, "OpenStdin");

	const struct json *host = json_get(doc, "HostConfig");
	copy_string(r->network, sizeof(r->network), json_get_string(host, "NetworkMode"));
	read_ports(json_get(host, "PortBindings"), r);
	const struct json *policy = json_get(host, "RestartPolicy");
	const char *mode = json_get_string(policy, "Name");
	if (mode && restart_policy_parse(mode, &r->restart) < 0)
		error_clear();
	r->restart.max_retries = (int)get_int(policy, "MaximumRetryCount");
	r->auto_remove = get_bool(host, "AutoRemove");
	r->limits.memory = get_int(host, "Memory");
	r->limits.memory_swap = get_int(host, "MemorySwap");
	r->limits.nano_cpus = get_int(host, "NanoCpus");
	r->limits.cpu_shares = (uint64_t)get_int(host, "CpuShares");
	r->limits.pids_limit = get_int(host, "PidsLimit");
	copy_string(r->limits.cpuset_cpus, sizeof(r->limits.cpuset_cpus), json_get_string(host, "CpusetCpus"));
	if (read_security(host, &r->security) < 0)
		return fail_context("HostConfig");

	copy_string(r->ip_address, sizeof(r->ip_address), json_get_string(json_get(doc, "NetworkSettings"), "IPAddress"));

	if (read_strings(json_get(config, "Cmd"), &r->command) < 0 || read_strings(json_get(config, "Env"), &r->env) < 0 ||
	    read_strings(json_get(doc, "RunArgs"), &r->run_args) < 0) {
		container_record_free(r);
		return -1;
	}
	return 0;
}

/* --- folders and the lock ---------------------------------------------------------------- */

void container_dir(const char *id, char *out, size_t size)
{
	snprintf(out, size, "%s/containers%s%s", state_root(), *id ? "/" : "", id);
}

void container_run_dir(const char *id, char *out, size_t size)
{
	snprintf(out, size, "%s/containers%s%s", state_run(), *id ? "/" : "", id);
}

int container_store_lock(void)
{
	char dir[PATH_MAX], path[PATH_MAX + 8];
	container_dir("", dir, sizeof(dir));
	if (make_dirs(dir, 0700) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/.lock", dir);
	/* Holders keep it for milliseconds; 20 s of waiting means a stuck holder. */
	return take_lock(path, 20000);
}

/* --- records ------------------------------------------------------------------------------ */

static void record_path(const char *id, char *out, size_t size)
{
	char dir[PATH_MAX];
	container_dir(id, dir, sizeof(dir));
	snprintf(out, size, "%s/config.json", dir);
}

int container_record_load(const char *id, struct container_record *r)
{
	char path[PATH_MAX + 16];
	record_path(id, path, sizeof(path));
	struct json *doc = json_parse_file(path);
	if (!doc)
		return -1;
	int rc = container_record_from_json(doc, r);
	json_free(doc);
	if (rc < 0)
		return fail_context("%s", path);
	return 0;
}

int container_record_save(const struct container_record *r)
{
	struct json *doc = container_record_to_json(r);
	if (!doc)
		return -1;
	size_t length = 0;
	char *text = json_write(doc, 2, &length);
	json_free(doc);
	if (!text)
		return -1;
	char path[PATH_MAX + 16];
	record_path(r->id, path, sizeof(path));
	int rc = write_file_atomic(path, text, length, 0600);
	free(text);
	return rc;
}

/* The id of the container called name, under the lock; 1 if found, 0 if not, -1 on error. */
static int find_name(const char *name, const char *except_id, char found[CONTAINER_ID_LENGTH + 1])
{
	char **ids;
	size_t count;
	if (container_list(&ids, &count) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < count && rc == 0; i++) {
		struct container_record r;
		if (strcmp(ids[i], except_id) == 0 || container_record_load(ids[i], &r) < 0) {
			error_clear(); /* a container being removed right now: not a name holder */
			continue;
		}
		if (strcmp(r.name, name) == 0) {
			snprintf(found, CONTAINER_ID_LENGTH + 1, "%s", r.id);
			rc = 1;
		}
		container_record_free(&r);
	}
	container_list_free(ids, count);
	return rc;
}

static int name_conflict(const char *name, const char *holder)
{
	return fail_errno(0,
			  "Conflict. The container name \"/%s\" is already in use by container \"%s\". You have to remove "
			  "(or rename) that container to be able to reuse that name.",
			  name, holder);
}

int container_create(const struct container_record *r)
{
	if (!container_name_valid(r->name))
		return fail_errno(0, "Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", r->name);
	int lock = container_store_lock();
	if (lock < 0)
		return -1;
	int rc = -1;
	char holder[CONTAINER_ID_LENGTH + 1], dir[PATH_MAX];
	int found = find_name(r->name, r->id, holder);
	if (found != 0) {
		if (found > 0) {
			name_conflict(r->name, holder);
			rc = 1; /* the name is taken: a caller making names up tries another */
		}
		goto out;
	}
	container_dir(r->id, dir, sizeof(dir));
	if (mkdir(dir, 0700) < 0) {
		fail_sys("cannot create the container folder \"%s\"", dir);
		goto out;
	}
	rc = container_record_save(r);
out:
	close(lock);
	return rc;
}

int container_remove_files(const char *id)
{
	char dir[PATH_MAX];
	container_run_dir(id, dir, sizeof(dir));
	int rc = remove_tree(dir);
	container_dir(id, dir, sizeof(dir));
	if (remove_tree(dir) < 0)
		rc = -1;
	return rc;
}

int container_rename(const char *id, const char *name)
{
	if (!container_name_valid(name))
		return fail_errno(0, "Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name);
	int lock = container_store_lock();
	if (lock < 0)
		return -1;
	int rc = -1;
	char holder[CONTAINER_ID_LENGTH + 1];
	struct container_record r;
	int found = find_name(name, id, holder);
	if (found != 0) {
		if (found > 0)
			name_conflict(name, holder);
		goto out;
	}
	if (container_record_load(id, &r) < 0)
		goto out;
	snprintf(r.name, sizeof(r.name), "%s", name);
	rc = container_record_save(&r);
	container_record_free(&r);
out:
	close(lock);
	return rc;
}

/* --- finding containers ------------------------------------------------------------------- */

int container_resolve_among(const char *ref, const char *const *ids, const char *const *names, size_t count)
{
	/* Docker's order: a full id, then a name, then an id prefix (which must be unique). */
	for (size_t i = 0; i < count; i++)
		if (strcmp(ids[i], ref) == 0)
			return (int)i;
	const char *name = ref[0] == '/' ? ref + 1 : ref;
	for (size_t i = 0; i < count; i++)
		if (names[i] && strcmp(names[i], name) == 0)
			return (int)i;
	int match = -1;
	if (*ref && looks_like_id_prefix(ref))
		for (size_t i = 0; i < count; i++)
			if (strncmp(ids[i], ref, strlen(ref)) == 0) {
				if (match >= 0)
					return fail_errno(0, "multiple IDs found with provided prefix: %s", ref);
				match = (int)i;
			}
	if (match < 0)
		return fail_errno(0, "No such container: %s", ref);
	return match;
}

int container_resolve(const char *ref, char id[CONTAINER_ID_LENGTH + 1])
{
	char **ids;
	size_t count;
	if (container_list(&ids, &count) < 0)
		return -1;
	const char **names = calloc(count + 1, sizeof(*names));
	struct container_record *records = calloc(count + 1, sizeof(*records));
	int rc = -1;
	if (!names || !records) {
		fail_errno(ENOMEM, "cannot look up \"%s\"", ref);
		goto out;
	}
	for (size_t i = 0; i < count; i++) {
		if (container_record_load(ids[i], &records[i]) == 0)
			names[i] = records[i].name;
		else
			error_clear(); /* half made or half removed: findable by id only */
	}
	int index = container_resolve_among(ref, (const char *const *)ids, names, count);
	if (index >= 0) {
		snprintf(id, CONTAINER_ID_LENGTH + 1, "%s", ids[index]);
		rc = 0;
	}
out:
	for (size_t i = 0; records && i < count; i++)
		container_record_free(&records[i]);
	free(records);
	free(names);
	container_list_free(ids, count);
	return rc;
}

static bool is_container_id(const char *name)
{
	return strlen(name) == CONTAINER_ID_LENGTH && looks_like_id_prefix(name);
}

int container_list(char ***ids, size_t *count)
{
	*ids = NULL;
	*count = 0;
	char dir[PATH_MAX];
	container_dir("", dir, sizeof(dir));
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : fail_sys("cannot list the containers in \"%s\"", dir);
	size_t size = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!is_container_id(e->d_name))
			continue;
		if (*count == size) {
			size = size ? size * 2 : 16;
			char **bigger = realloc(*ids, size * sizeof(**ids));
			if (!bigger)
				goto nomem;
			*ids = bigger;
		}
		if (!((*ids)[*count] = strdup(e->d_name)))
			goto nomem;
		(*count)++;
	}
	closedir(d);
	return 0;
nomem:
	closedir(d);
	container_list_free(*ids, *count);
	*ids = NULL;
	*count = 0;
	return fail_errno(ENOMEM, "cannot list the containers");
}

void container_list_free(char **ids, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(ids[i]);
	free(ids);
}

/* --- live state ---------------------------------------------------------------------------- */

static void live_path(const char *id, const char *file, char *out, size_t size)
{
	char dir[PATH_MAX];
	container_run_dir(id, dir, sizeof(dir));
	snprintf(out, size, "%s/%s", dir, file);
}

int container_live_save(const char *id, const struct container_live *live)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], started[TIMESTAMP_SIZE], text[512];
	container_run_dir(id, dir, sizeof(dir));
	if (make_dirs(dir, 0700) < 0)
		return -1;
	timestamp_format(live->started_at, started);
	int length = snprintf(text, sizeof(text),
			      "{\"MonitorPid\": %d, \"MonitorStart\": %llu, \"Pid\": %d, \"PidStart\": %llu, "
			      "\"StartedAt\": \"%s\", \"Restarting\": %s}\n",
			      (int)live->monitor, live->monitor_start, (int)live->pid, live->pid_start, started,
			      live->restarting ? "true" : "false");
	live_path(id, "state.json", path, sizeof(path));
	return write_file_atomic(path, text, (size_t)length, 0600);
}

int container_live_load(const char *id, struct container_live *live)
{
	memset(live, 0, sizeof(*live));
	char path[PATH_MAX + 16];
	live_path(id, "state.json", path, sizeof(path));
	if (access(path, F_OK) < 0)
		return 1;
	struct json *doc = json_parse_file(path);
	if (!doc) {
		/* Removed between the two calls: no live state. */
		if (access(path, F_OK) < 0) {
			error_clear();
			return 1;
		}
		return -1;
	}
	live->monitor = (pid_t)get_int(doc, "MonitorPid");
	live->monitor_start = (unsigned long long)get_int(doc, "MonitorStart");
	live->pid = (pid_t)get_int(doc, "Pid");
	live->pid_start = (unsigned long long)get_int(doc, "PidStart");
	live->started_at = get_time(doc, "StartedAt");
	live->restarting = get_bool(doc, "Restarting");
	json_free(doc);
	return 0;
}

int container_live_clear(const char *id)
{
	char path[PATH_MAX + 16];
	live_path(id, "state.json", path, sizeof(path));
	if (unlink(path) < 0 && errno != ENOENT)
		return fail_sys("cannot remove \"%s\"", path);
	live_path(id, "stopping", path, sizeof(path));
	unlink(path);
	return 0;
}

int parse_stat_start_time(const char *stat, unsigned long long *start)
{
	/* "PID (comm) S PPID ...": comm may contain anything, so count fields after the LAST ')'.
	 * The state is field 3; starttime is field 22, i.e. the 20th after the ')'. */
	const char *p = strrchr(stat, ')');
	if (!p)
		return -1;
	p++;
	for (int field = 2; field < 21; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return -1;
	}
	char *end;
	errno = 0;
	*start = strtoull(p + 1, &end, 10);
	return errno || end == p + 1 ? -1 : 0;
}

int process_start_time(pid_t pid, unsigned long long *start)
{
	char path[64], text[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	text[n] = '\0';
	return parse_stat_start_time(text, start);
}

bool container_monitor_alive(const struct container_live *live)
{
	unsigned long long start;
	return live->monitor > 0 && process_start_time(live->monitor, &start) == 0 && start == live->monitor_start;
}

const char *container_state(const struct container_record *r, struct container_live *live)
{
	struct container_live ignored;
	if (!live)
		live = &ignored;
	if (container_live_load(r->id, live) == 0 && container_monitor_alive(live))
		return live->restarting ? "restarting" : "running";
	error_clear();
	memset(live, 0, sizeof(*live));
	if (strcmp(r->status, "created") == 0)
		return "created";
	return "exited";
}

int container_mark_stopping(const char *id)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	container_run_dir(id, dir, sizeof(dir));
	if (make_dirs(dir, 0700) < 0)
		return -1;
	live_path(id, "stopping", path, sizeof(path));
	return write_file_atomic(path, "", 0, 0600);
}

bool container_is_stopping(const char *id)
{
	char path[PATH_MAX + 16];
	live_path(id, "stopping", path, sizeof(path));
	return access(path, F_OK) == 0;
}
