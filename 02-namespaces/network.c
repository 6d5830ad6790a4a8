/*
 * network.c - networks as state on disk, and plugging containers into them.
 *
 * `docker network create` gives containers a private switch. A tinydock
 * network is a folder, TINYDOCK_ROOT/networks/NAME/config, that says which Linux bridge
 * it is and which subnet it hands addresses from. Which containers are connected right
 * now is runtime state: TINYDOCK_RUN/networks/NAME/endpoints (endpoints.c), changed
 * only while holding TINYDOCK_RUN/networks/NAME/lock with flock(2), so that two
 * `tinydock run` started at the same moment never take the same address.
 *
 * network_attach is the checklist that `tinydock run` calls:
 *   1. read the network (the default "bridge" is made on first use)
 *   2. lock its endpoints; drop endpoints whose process is gone (a container killed
 *      with SIGKILL never said goodbye: its namespace, and so its veth, died with it)
 *   3. make sure the bridge exists, has the gateway address and is up (links.c)
 *   4. pick the lowest free address (ipam.c)
 *   5. veth pair, eth0 configured inside the namespace (links.c)
 *   6. record the endpoint; rewrite /etc/hosts of every container on the network
 *      (hosts.c); copy resolv.conf; unlock
 *
 * Read proxy.c next: how a published port reaches the container's address.
 */
#include "network.h"
#include "error.h"
#include "explain.h"
#include "files.h"
#include "hosts.h"
#include "links.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static const char CHAPTER[] = "02-namespaces";

/* A setting from the environment, or its default when unset or empty. */
static const char *setting(const char *variable, const char *fallback)
{
	const char *value = getenv(variable);
	return value && *value ? value : fallback;
}

/* --- locking ------------------------------------------------------------------------------ */

/* flock(2) on path (made if missing); the returned fd holds the lock until closed. Bounded:
 * locks are held for milliseconds, so ten seconds of waiting means something is stuck. */
static int lock_file(const char *path)
{
	int fd = take_lock(path, 10000);
	if (fd >= 0)
		explain(CHAPTER, "flock(\"%s\", LOCK_EX) = 0", path);
	return fd;
}

/* The lock for creating and removing networks. */
static int lock_networks(void)
{
	char dir[PATH_MAX], path[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/networks", state_root());
	if (make_dirs(dir, 0700) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/.lock", dir);
	return lock_file(path);
}

/* The lock for a network's endpoints. */
static int lock_endpoints(const char *name)
{
	char dir[PATH_MAX], path[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/networks/%s", state_run(), name);
	/* TINYDOCK_RUN itself 0711: others may pass through, to the hosts files that a --userns
	 * container (root inside, uid 100000 outside) bind-mounts, but not list it. */
	if (make_dirs(state_run(), 0711) < 0 || make_dirs(dir, 0700) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/lock", dir);
	return lock_file(path);
}

/* --- the config file ---------------------------------------------------------------------- */

static bool valid_name(const char *name)
{
	/* Docker's rule: [a-zA-Z0-9][a-zA-Z0-9_.-]*; it keeps names safe as path components. */
	size_t n = strlen(name);
	if (n == 0 || n >= sizeof(((struct network *)0)->name) || !isalnum((unsigned char)name[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("_.-", name[i]))
			return false;
	return true;
}

static void config_path(const char *name, char *out, size_t size)
{
	snprintf(out, size, "%s/networks/%s/config", state_root(), name);
}

static int parse_config(const char *path, const char *text, struct network *n)
{
	memset(n, 0, sizeof(*n));
	const char *line = text;
	for (int number = 1; line && *line; number++) {
		const char *end = strchr(line, '\n');
		char key[32], value[128];
		if (sscanf(line, "%31[^=]=%127[^\n]", key, value) != 2)
			return fail_errno(0, "\"%s\", line %d: expected KEY=VALUE", path, number);
		if (strcmp(key, "name") == 0)
			snprintf(n->name, sizeof(n->name), "%s", value);
		else if (strcmp(key, "id") == 0)
			snprintf(n->id, sizeof(n->id), "%s", value);
		else if (strcmp(key, "driver") == 0)
			snprintf(n->driver, sizeof(n->driver), "%s", value);
		else if (strcmp(key, "bridge") == 0)
			snprintf(n->bridge, sizeof(n->bridge), "%s", value);
		else if (strcmp(key, "created") == 0)
			snprintf(n->created, sizeof(n->created), "%s", value);
		else if (strcmp(key, "subnet") == 0 && subnet_parse(value, &n->subnet) < 0)
			return fail_context("\"%s\", line %d", path, number);
		else if (strcmp(key, "gateway") == 0 && inet_pton(AF_INET, value, &n->gateway) != 1)
			return fail_errno(0, "\"%s\", line %d: bad gateway \"%s\"", path, number, value);
		line = end ? end + 1 : NULL;
	}
	if (!n->name[0] || !n->id[0] || !n->driver[0])
		return fail_errno(0, "\"%s\": name, id or driver missing", path);
	if (strcmp(n->driver, "bridge") == 0 && (!n->bridge[0] || n->subnet.prefix == 0))
		return fail_errno(0, "\"%s\": a bridge network needs bridge and subnet", path);
	return 0;
}

static int store_config(const struct network *n)
{
	char dir[PATH_MAX], path[PATH_MAX], text[1024], cidr[32] = "", gateway[INET_ADDRSTRLEN] = "";
	snprintf(dir, sizeof(dir), "%s/networks/%s", state_root(), n->name);
	if (make_dirs(dir, 0700) < 0)
		return -1;
	int len = snprintf(text, sizeof(text), "name=%s\nid=%s\ndriver=%s\ncreated=%s\n", n->name, n->id, n->driver,
			   n->created);
	if (strcmp(n->driver, "bridge") == 0) {
		subnet_format(&n->subnet, cidr, sizeof(cidr));
		inet_ntop(AF_INET, &n->gateway, gateway, sizeof(gateway));
		len += snprintf(text + len, sizeof(text) - (size_t)len, "bridge=%s\nsubnet=%s\ngateway=%s\n", n->bridge,
				cidr, gateway);
	}
	config_path(n->name, path, sizeof(path));
	return write_file_atomic(path, text, (size_t)len, 0600);
}

static int new_id(char *out)
{
	unsigned char bytes[32];
	if (getrandom(bytes, sizeof(bytes), 0) != (ssize_t)sizeof(bytes))
		return fail_sys("cannot make a network id");
	for (size_t i = 0; i < sizeof(bytes); i++)
		sprintf(out + 2 * i, "%02x", bytes[i]);
	return 0;
}

static void now_rfc3339(char *out, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static bool valid_bridge_name(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n >= 16) /* IFNAMSIZ, with its NUL */
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("_.-", name[i]))
			return false;
	return true;
}

/* Make the predefined networks bridge, host and none if they are not there yet. Caller holds
 * the networks lock. */
static int ensure_predefined(void)
{
	static const char *const names[] = { "bridge", "host", "none" };
	static const char *const drivers[] = { "bridge", "host", "null" };
	for (size_t i = 0; i < 3; i++) {
		char path[PATH_MAX];
		config_path(names[i], path, sizeof(path));
		if (access(path, F_OK) == 0)
			continue;
		struct network n = { 0 };
		snprintf(n.name, sizeof(n.name), "%s", names[i]);
		snprintf(n.driver, sizeof(n.driver), "%s", drivers[i]);
		now_rfc3339(n.created, sizeof(n.created));
		if (new_id(n.id) < 0)
			return -1;
		if (strcmp(names[i], "bridge") == 0) {
			const char *bridge = setting("TINYDOCK_BRIDGE", DEFAULT_BRIDGE);
			const char *cidr = setting("TINYDOCK_BRIDGE_SUBNET", DEFAULT_BRIDGE_SUBNET);
			if (!valid_bridge_name(bridge))
				return fail_errno(0, "TINYDOCK_BRIDGE=\"%s\" is not a valid link name (at most 15 of a-z 0-9 _ . -)",
						  bridge);
			if (subnet_parse(cidr, &n.subnet) < 0)
				return fail_context("TINYDOCK_BRIDGE_SUBNET");
			snprintf(n.bridge, sizeof(n.bridge), "%s", bridge);
			n.gateway = subnet_gateway(&n.subnet);
		}
		if (store_config(&n) < 0)
			return -1;
	}
	return 0;
}

static int load_config(const char *name, struct network *out)
{
	char path[PATH_MAX];
	config_path(name, path, sizeof(path));
	char *text = read_file(path, NULL);
	if (!text) {
		if (error_errno() == ENOENT)
			return fail_errno(0, "network %s not found", name);
		return -1;
	}
	int rc = parse_config(path, text, out);
	free(text);
	return rc;
}

int network_load(const char *name, struct network *out)
{
	if (!valid_name(name))
		return fail_errno(0, "network %s not found", name);
	char path[PATH_MAX];
	config_path(name, path, sizeof(path));
	if (access(path, F_OK) < 0) {
		int lock = lock_networks();
		if (lock < 0)
			return -1;
		int rc = ensure_predefined();
		close(lock);
		if (rc < 0)
			return -1;
	}
	return load_config(name, out);
}

static int compare_networks(const void *a, const void *b)
{
	return strcmp(((const struct network *)a)->name, ((const struct network *)b)->name);
}

/* Every network, sorted by name; the caller holds the networks lock. */
static int list_locked(struct network **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	int rc = ensure_predefined();
	if (rc < 0)
		return -1;
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/networks", state_root());
	DIR *d = opendir(dir);
	if (!d)
		return fail_sys("cannot list \"%s\"", dir);
	struct dirent *entry;
	while ((entry = readdir(d))) {
		if (entry->d_name[0] == '.' || !valid_name(entry->d_name))
			continue;
		struct network *more = realloc(*out, (*count + 1) * sizeof(*more));
		if (!more) {
			rc = fail_errno(ENOMEM, "cannot list networks");
			break;
		}
		*out = more;
		if (load_config(entry->d_name, &(*out)[*count]) < 0) {
			rc = -1;
			break;
		}
		(*count)++;
	}
	closedir(d);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*count = 0;
		return -1;
	}
	qsort(*out, *count, sizeof(**out), compare_networks);
	return 0;
}

int network_list(struct network **out, size_t *count)
{
	int lock = lock_networks();
	if (lock < 0)
		return -1;
	int rc = list_locked(out, count);
	close(lock);
	return rc;
}

/* A subnet for a network created without --subnet: the first 172.31.N.0/24 that no
 * other tinydock network overlaps. */
static int free_subnet(const struct network *all, size_t count, struct subnet *out)
{
	for (int third = 0; third < 256; third++) {
		struct in_addr base = { .s_addr = htonl((172u << 24) | (31u << 16) | ((unsigned)third << 8)) };
		struct subnet candidate = { .network = base, .prefix = 24 };
		bool taken = false;
		for (size_t i = 0; i < count && !taken; i++)
			taken = strcmp(all[i].driver, "bridge") == 0 && subnets_overlap(&candidate, &all[i].subnet);
		if (!taken) {
			*out = candidate;
			return 0;
		}
	}
	return fail_errno(0, "no free subnet left in 172.31.0.0/16; give one with --subnet");
}

int network_create(const char *name, const char *subnet, const char *bridge, struct network *out)
{
	if (!valid_name(name))
		return fail_errno(0, "invalid network name \"%s\": use letters, digits, _ . - (at most 63)", name);
	if (bridge && !valid_bridge_name(bridge))
		return fail_errno(0, "invalid bridge name \"%s\": at most 15 of letters, digits, _ . -", bridge);
	/* Under the lock from the check to the write: two creates at once cannot both take
	 * the same name or overlapping subnets. */
	int lock = lock_networks();
	if (lock < 0)
		return fail_context("cannot create network %s", name);
	struct network *all = NULL;
	size_t count = 0;
	int rc = -1;
	struct network n = { 0 };
	if (list_locked(&all, &count) < 0)
		goto out;
	char path[PATH_MAX];
	config_path(name, path, sizeof(path));
	if (access(path, F_OK) == 0) {
		fail_errno(0, "network with name %s already exists", name);
		goto out;
	}
	snprintf(n.name, sizeof(n.name), "%s", name);
	snprintf(n.driver, sizeof(n.driver), "bridge");
	now_rfc3339(n.created, sizeof(n.created));
	if (new_id(n.id) < 0)
		goto out;
	if ((subnet ? subnet_parse(subnet, &n.subnet) : free_subnet(all, count, &n.subnet)) < 0)
		goto out;
	for (size_t i = 0; i < count; i++) {
		if (strcmp(all[i].driver, "bridge") != 0)
			continue;
		if (subnets_overlap(&n.subnet, &all[i].subnet)) {
			char mine[32], theirs[32];
			subnet_format(&n.subnet, mine, sizeof(mine));
			subnet_format(&all[i].subnet, theirs, sizeof(theirs));
			fail_errno(0, "subnet %s overlaps with network %s (%s)", mine, all[i].name, theirs);
			goto out;
		}
		if (bridge && strcmp(bridge, all[i].bridge) == 0) {
			fail_errno(0, "bridge %s is already used by network %s", bridge, all[i].name);
			goto out;
		}
	}
	n.gateway = subnet_gateway(&n.subnet);
	/* Like Docker's br-<id>: unique, and recognisable as ours in `ip link`. */
	if (bridge)
		snprintf(n.bridge, sizeof(n.bridge), "%s", bridge);
	else
		snprintf(n.bridge, sizeof(n.bridge), "td-%.12s", n.id);
	/* Docker makes the bridge at once; tinydock waits until the first container joins
	 * (bridge_ensure), so that a network nobody uses changes nothing in the kernel. */
	rc = store_config(&n);
	if (rc == 0 && out)
		*out = n;
out:
	close(lock);
	free(all);
	if (rc < 0)
		fail_context("cannot create network %s", name);
	return rc;
}

/* --- endpoints ---------------------------------------------------------------------------- */

static void endpoints_path(const char *name, char *out, size_t size)
{
	snprintf(out, size, "%s/networks/%s/endpoints", state_run(), name);
}

static int load_endpoints(const char *name, struct endpoint_table *t)
{
	char path[PATH_MAX];
	endpoints_path(name, path, sizeof(path));
	t->items = NULL;
	t->count = 0;
	char *text = read_file(path, NULL);
	if (!text && error_errno() == ENOENT) {
		error_clear(); /* no endpoints file yet: nobody is connected */
		return 0;
	}
	if (!text)
		return -1;
	int rc = endpoints_parse(text, t);
	free(text);
	if (rc < 0)
		return fail_context("\"%s\"", path);
	return 0;
}

static int store_endpoints(const char *name, const struct endpoint_table *t)
{
	char path[PATH_MAX];
	endpoints_path(name, path, sizeof(path));
	char *text = endpoints_format(t);
	if (!text)
		return -1;
	/* Under TINYDOCK_RUN: which containers are connected now, which a power cut ends (no fsync,
	 * atomic-file.h). */
	int rc = write_file_atomic_nosync(path, text, strlen(text), 0600);
	free(text);
	if (rc == 0)
		explain(CHAPTER, "write %s: %zu container(s) connected", path, t->count);
	return rc;
}

/* A container's hosts and resolv.conf, once it has left the network; its folder too, once
 * nothing else (chapter 03's state) is left in it. */
static void remove_container_files(const char *id)
{
	static const char *const files[] = { "hosts", "resolv.conf", "extra-hosts", "" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/containers/%s/%s", state_run(), id, files[i]);
		if (files[i][0])
			unlink(path);
		else
			rmdir(path);
	}
}

/* Drop endpoints whose process is gone; true when any was dropped. (A pid that the kernel
 * has given to an unrelated process keeps its address until that process ends too: at
 * worst a late return to the pool, never two containers with one address.) */
static bool drop_dead(struct endpoint_table *t)
{
	bool dropped = false;
	for (size_t i = t->count; i-- > 0;) {
		if (kill(t->items[i].pid, 0) == 0 || errno != ESRCH)
			continue;
		char ip[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &t->items[i].address, ip, sizeof(ip));
		explain(CHAPTER, "process %d of container %.12s is gone: address %s is free again", (int)t->items[i].pid,
			t->items[i].id, ip);
		/* Its namespace died with it, and the kernel removes both ends of its veth then;
		 * that cleanup runs asynchronously (net/core/net_namespace.c, cleanup_net), so
		 * delete the host end now rather than race a new container for the name. */
		if (link_remove(t->items[i].veth) < 0)
			error_clear();
		remove_container_files(t->items[i].id);
		endpoints_remove_at(t, i);
		dropped = true;
	}
	return dropped;
}

void network_container_file(const char *container_id, const char *file, char *out, size_t size)
{
	snprintf(out, size, "%s/containers/%s/%s", state_run(), container_id, file);
}

/* How many networks the hosts files look across at most (a container joins at most 8). */
#define HOSTS_NETWORKS_MAX 256

/* The endpoints of every other network that has any (TINYDOCK_RUN/networks/NAME/endpoints),
 * but network `except`, whose table the caller holds: one network after the other in *all,
 * network g's at [bounds[g], bounds[g + 1]). Read without their locks: each file is replaced
 * whole (atomic-file.h), and the hosts lock orders the writers (lock_hosts). */
static int other_endpoints(const char *except, struct endpoint_table *all, size_t *bounds, size_t *groups)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/networks", state_run());
	*groups = 0;
	bounds[0] = 0;
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : fail_sys("cannot list \"%s\"", dir);
	int rc = 0;
	struct dirent *entry;
	while (rc == 0 && *groups < HOSTS_NETWORKS_MAX && (entry = readdir(d))) {
		if (entry->d_name[0] == '.' || !valid_name(entry->d_name) || strcmp(entry->d_name, except) == 0)
			continue;
		struct endpoint_table t;
		if (load_endpoints(entry->d_name, &t) < 0) {
			rc = -1;
			break;
		}
		for (size_t i = 0; rc == 0 && i < t.count; i++)
			rc = endpoints_add(all, &t.items[i]);
		endpoints_free(&t);
		bounds[++*groups] = all->count;
	}
	closedir(d);
	return rc;
}

/* The hosts file of container self on `network` (its endpoints t): the names of every
 * container it shares a network with (others: the other networks' endpoints, network g at
 * [bounds[g], bounds[g + 1])), then its --add-host lines (run.c writes them to
 * TINYDOCK_RUN/containers/ID/extra-hosts). So a container on two networks, a proxy between a
 * front and a back network, finds the containers of both; one on the front alone, only the
 * front's: Docker's rule, a name resolves on the networks a container shares with it. */
static char *render_hosts_of(const char *self, const char *network, const struct endpoint_table *t,
			     const struct endpoint_table *others, const size_t *bounds, size_t groups)
{
	struct endpoint_table seen = { 0 };
	char *text = NULL, *extra = NULL;
	for (size_t i = 0; i < t->count; i++)
		if (endpoints_add(&seen, &t->items[i]) < 0)
			goto out;
	for (size_t g = 0; g < groups; g++) {
		bool mine = false;
		for (size_t i = bounds[g]; i < bounds[g + 1] && !mine; i++)
			mine = strcmp(others->items[i].id, self) == 0;
		for (size_t i = bounds[g]; mine && i < bounds[g + 1]; i++)
			if (endpoints_add(&seen, &others->items[i]) < 0)
				goto out;
	}
	if (!(text = hosts_render(self, network, &seen)))
		goto out;
	char path[PATH_MAX];
	network_container_file(self, "extra-hosts", path, sizeof(path));
	if (!(extra = read_file(path, NULL))) {
		if (error_errno() == ENOENT) {
			error_clear(); /* no --add-host */
			goto out;
		}
		free(text);
		text = NULL;
		goto out;
	}
	char *both;
	if (asprintf(&both, "%s%s", text, extra) < 0) {
		fail_errno(ENOMEM, "cannot make a hosts file");
		both = NULL;
	}
	free(text);
	text = both;
out:
	free(extra);
	endpoints_free(&seen);
	return text;
}

/* The hosts lock: held while hosts files are rewritten, so that the last writer has read every
 * network's endpoints as stored (each writer stores its own network's before taking it), and
 * no container is left with a file written from an older view. */
static int lock_hosts(void)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/networks/.hosts-lock", state_run());
	return lock_file(path);
}

/* Rewrite the hosts file of every container on the network (and, through render_hosts_of,
 * with the names of its other networks). */
static int write_all_hosts(const char *network, const struct endpoint_table *t)
{
	int lock = lock_hosts();
	if (lock < 0)
		return -1;
	struct endpoint_table others = { 0 };
	size_t bounds[HOSTS_NETWORKS_MAX + 1], groups;
	int rc = other_endpoints(network, &others, bounds, &groups);
	for (size_t i = 0; rc == 0 && i < t->count; i++) {
		char dir[PATH_MAX], path[PATH_MAX];
		snprintf(dir, sizeof(dir), "%s/containers/%s", state_run(), t->items[i].id);
		if (make_dirs(dir, 0755) < 0) {
			rc = -1;
			break;
		}
		network_container_file(t->items[i].id, "hosts", path, sizeof(path));
		char *text = render_hosts_of(t->items[i].id, network, t, &others, bounds, groups);
		rc = text ? hosts_write(path, text) : -1;
		free(text);
		if (rc == 0)
			explain(CHAPTER, "write %s: the names of the %zu container(s) on network %s", path, t->count,
				network);
	}
	endpoints_free(&others);
	close(lock);
	return rc;
}

int network_endpoints(const char *name, struct endpoint_table *out)
{
	int lock = lock_endpoints(name);
	if (lock < 0)
		return -1;
	int rc = load_endpoints(name, out);
	if (rc == 0 && drop_dead(out) && store_endpoints(name, out) < 0) {
		endpoints_free(out);
		rc = -1;
	}
	close(lock);
	return rc;
}

static int fill_endpoint(const char *id, const char *name, const char *const *aliases, pid_t pid,
			 struct endpoint *e)
{
	memset(e, 0, sizeof(*e));
	if (strlen(id) < 12 || strlen(id) >= sizeof(e->id) || strspn(id, "0123456789abcdef") != strlen(id))
		return fail_errno(0, "invalid container id \"%s\": expected 12 to 64 hex digits", id);
	snprintf(e->id, sizeof(e->id), "%s", id);
	e->pid = pid;
	if (name && *name) {
		if (!valid_name(name))
			return fail_errno(0, "invalid container name \"%s\"", name);
		snprintf(e->name, sizeof(e->name), "%s", name);
	}
	for (size_t i = 0; aliases && aliases[i]; i++) {
		if (i == ENDPOINT_ALIASES_MAX)
			return fail_errno(0, "too many network aliases (at most %d)", ENDPOINT_ALIASES_MAX);
		if (!valid_name(aliases[i]))
			return fail_errno(0, "invalid network alias \"%s\"", aliases[i]);
		snprintf(e->aliases[i], sizeof(e->aliases[i]), "%s", aliases[i]);
		e->alias_count = i + 1;
	}
	return 0;
}

/* The lowest address of network n that none of its endpoints holds. */
static int pick_address(const struct network *n, const struct endpoint_table *t, struct in_addr *out)
{
	struct in_addr *used = calloc(t->count + 1, sizeof(*used));
	if (!used)
		return fail_errno(ENOMEM, "cannot allocate an address");
	for (size_t i = 0; i < t->count; i++)
		used[i] = t->items[i].address;
	int rc = ipam_pick(&n->subnet, n->gateway, used, t->count, out);
	free(used);
	return rc;
}

/* The interface a container gets on one more network: eth0 and veth<id> on its first, then
 * eth1 and veth<id>-1, ... on the next (the lowest that its other networks' endpoints do not
 * hold), so that one container may be on several networks, each with its own cable. Only the
 * first carries the default route (*first): a second one would say EEXIST, and traffic to
 * the outside leaves by one way. */
static int interface_of(const char *id, const char *network, struct endpoint *e, char *inside, size_t size,
			bool *first)
{
	struct endpoint_table others = { 0 };
	size_t bounds[HOSTS_NETWORKS_MAX + 1], groups;
	if (other_endpoints(network, &others, bounds, &groups) < 0)
		return -1;
	for (unsigned k = 0; k <= 9; k++) {
		char veth[sizeof(e->veth)];
		/* veth + 11 (or 9, a '-' and the number) hex digits of the id: 15 characters, the most
		 * a link name may have (IFNAMSIZ). */
		if (k == 0)
			snprintf(veth, sizeof(veth), "veth%.11s", id);
		else
			snprintf(veth, sizeof(veth), "veth%.9s-%u", id, k);
		bool taken = false;
		for (size_t i = 0; i < others.count && !taken; i++)
			taken = strcmp(others.items[i].id, id) == 0 && strcmp(others.items[i].veth, veth) == 0;
		if (taken)
			continue;
		snprintf(e->veth, sizeof(e->veth), "%s", veth);
		snprintf(inside, size, "eth%u", k);
		*first = k == 0;
		endpoints_free(&others);
		return 0;
	}
	endpoints_free(&others);
	return fail_errno(0, "container %.12s is on too many networks (at most 10)", id);
}

/* Whether container id is on a network other than `network`. */
static bool on_another_network(const char *id, const char *network)
{
	struct endpoint_table others = { 0 };
	size_t bounds[HOSTS_NETWORKS_MAX + 1], groups;
	bool on = false;
	if (other_endpoints(network, &others, bounds, &groups) < 0)
		error_clear(); /* cannot tell: keep its files (they go with its folder, chapter 03) */
	else
		on = endpoints_find(&others, id) >= 0;
	endpoints_free(&others);
	return on;
}

int network_attach(const char *network, const char *container_id, const char *name, const char *const *aliases,
		   pid_t pid, struct network_endpoint *out)
{
	struct network n;
	struct endpoint e;
	struct endpoint_table t = { 0 };
	int lock = -1, rc = -1;
	bool plugged = false, first = false;
	char inside[16];

	/* 1. the network */
	if (network_load(network, &n) < 0)
		goto out;
	if (strcmp(n.driver, "bridge") != 0) {
		fail_errno(0, "network %s (driver %s) has no bridge to connect to", network, n.driver);
		goto out;
	}
	if (fill_endpoint(container_id, name, aliases, pid, &e) < 0 || netns_check_separate(pid) < 0)
		goto out;
	/* 2. its endpoints, locked until we are done */
	lock = lock_endpoints(n.name);
	if (lock < 0 || load_endpoints(n.name, &t) < 0)
		goto out;
	drop_dead(&t);
	if (endpoints_find(&t, container_id) >= 0) {
		fail_errno(0, "container %.12s is already connected to network %s", container_id, network);
		goto out;
	}
	for (size_t i = 0; e.name[0] && i < t.count; i++)
		if (strcmp(t.items[i].name, e.name) == 0) {
			fail_errno(0, "the name %s is already in use on network %s by container %.12s", e.name, network,
				   t.items[i].id);
			goto out;
		}
	/* 3. the bridge, and which cable: eth0, or eth1... when the container has a network already */
	if (bridge_ensure(n.bridge, n.gateway, n.subnet.prefix) < 0 ||
	    interface_of(container_id, n.name, &e, inside, sizeof(inside), &first) < 0)
		goto out;
	/* 4. an address */
	if (pick_address(&n, &t, &e.address) < 0)
		goto out;
	char ip[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &e.address, ip, sizeof(ip));
	explain(CHAPTER, "address %s/%d for container %.12s (lowest free in network %s)", ip, n.subnet.prefix,
		container_id, n.name);
	/* 5. the cable, and eth0 inside. A link with its name already there is a leftover of this
	 * same container (the name holds its id), from a run whose namespace the kernel has not
	 * finished removing (network_detach): it goes first, or the new pair could not be made. */
	if (if_nametoindex(e.veth) != 0 && link_remove(e.veth) < 0)
		goto out;
	if (veth_plug(n.bridge, e.veth, inside, first, pid, e.address, n.subnet.prefix, n.gateway) < 0)
		goto out;
	plugged = true;
	/* 6. the records, and everyone's /etc/hosts */
	if (endpoints_add(&t, &e) < 0 || store_endpoints(n.name, &t) < 0)
		goto out;
	if (write_all_hosts(n.name, &t) < 0)
		goto out;
	char resolv[PATH_MAX];
	network_container_file(container_id, "resolv.conf", resolv, sizeof(resolv));
	if (resolv_conf_copy(resolv) < 0)
		goto out;
	explain(CHAPTER, "write %s: the host's name servers", resolv);
	if (out) {
		memset(out, 0, sizeof(*out));
		snprintf(out->network, sizeof(out->network), "%s", n.name);
		snprintf(out->bridge, sizeof(out->bridge), "%s", n.bridge);
		snprintf(out->veth, sizeof(out->veth), "%s", e.veth);
		out->address = e.address;
		out->gateway = n.gateway;
		out->prefix = n.subnet.prefix;
		network_container_file(container_id, "hosts", out->hosts_path, sizeof(out->hosts_path));
		snprintf(out->resolv_path, sizeof(out->resolv_path), "%s", resolv);
	}
	rc = 0;
out:
	if (rc < 0 && plugged) {
		struct error_saved first;
		error_save(&first);
		link_remove(e.veth);
		long i = endpoints_find(&t, container_id);
		if (i >= 0) {
			endpoints_remove_at(&t, (size_t)i);
			store_endpoints(n.name, &t);
		}
		error_restore(&first);
	}
	if (lock >= 0)
		close(lock);
	endpoints_free(&t);
	if (rc < 0)
		fail_context("cannot connect container %.12s to network %s", container_id, network);
	return rc;
}

/* A container that leaves one network and stays on others (`network disconnect`): its own
 * hosts file forgets the names of the network it left, by a rewrite of the files of a network
 * it is still on (the first one found; its file then lists the containers of all of them). */
static int rewrite_hosts_of_other_network(const char *id, const char *left)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/networks", state_run());
	DIR *d = opendir(dir);
	if (!d)
		return fail_sys("cannot list \"%s\"", dir);
	int rc = 0;
	struct dirent *entry;
	while ((entry = readdir(d))) {
		if (entry->d_name[0] == '.' || !valid_name(entry->d_name) || strcmp(entry->d_name, left) == 0)
			continue;
		struct endpoint_table t;
		if (load_endpoints(entry->d_name, &t) < 0) {
			rc = -1;
			break;
		}
		bool on = endpoints_find(&t, id) >= 0;
		if (on)
			rc = write_all_hosts(entry->d_name, &t);
		endpoints_free(&t);
		if (on)
			break;
	}
	closedir(d);
	return rc;
}

int network_detach(const char *network, const char *container_id)
{
	struct network n;
	struct endpoint_table t = { 0 };
	int rc = -1;
	if (network_load(network, &n) < 0)
		return fail_context("cannot disconnect container %.12s", container_id);
	int lock = lock_endpoints(n.name);
	if (lock < 0 || load_endpoints(n.name, &t) < 0)
		goto out;
	long i = endpoints_find(&t, container_id);
	if (i < 0) {
		rc = 0;
		goto out;
	}
	/* A container that has ended (its first process is gone, and so is its network
	 * namespace, or it is going): its veth only leaves the bridge, and the kernel removes the
	 * pair with the namespace (links.c, link_unplug). A process that still runs (`network
	 * disconnect`) keeps its namespace: its cable is removed. */
	bool ended = kill(t.items[i].pid, 0) < 0 && errno == ESRCH;
	if ((ended ? link_unplug(t.items[i].veth) : link_remove(t.items[i].veth)) < 0)
		goto out;
	char ip[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &t.items[i].address, ip, sizeof(ip));
	explain(CHAPTER, "address %s of container %.12s returns to network %s", ip, container_id, n.name);
	endpoints_remove_at(&t, (size_t)i);
	drop_dead(&t);
	if (store_endpoints(n.name, &t) < 0 || write_all_hosts(n.name, &t) < 0)
		goto out;
	if (!on_another_network(container_id, n.name))
		remove_container_files(container_id);
	else if (rewrite_hosts_of_other_network(container_id, n.name) < 0)
		goto out;
	rc = 0;
out:
	if (lock >= 0)
		close(lock);
	endpoints_free(&t);
	if (rc < 0)
		fail_context("cannot disconnect container %.12s from network %s", container_id, network);
	return rc;
}

int network_remove(const char *name)
{
	struct network n;
	if (network_load(name, &n) < 0)
		return -1;
	if (strcmp(name, "bridge") == 0 || strcmp(name, "host") == 0 || strcmp(name, "none") == 0)
		return fail_errno(0, "%s is a pre-defined network and cannot be removed", name);
	int lock = lock_networks();
	if (lock < 0)
		return -1;
	struct endpoint_table t = { 0 };
	int rc = network_endpoints(name, &t);
	if (rc == 0 && t.count > 0)
		rc = fail_errno(0, "network %s has active endpoints (%zu containers connected)", name, t.count);
	endpoints_free(&t);
	if (rc == 0)
		rc = link_remove(n.bridge);
	char dir[PATH_MAX];
	if (rc == 0) {
		snprintf(dir, sizeof(dir), "%s/networks/%s", state_run(), name);
		rc = remove_tree(dir);
	}
	if (rc == 0) {
		snprintf(dir, sizeof(dir), "%s/networks/%s", state_root(), name);
		rc = remove_tree(dir);
	}
	close(lock);
	if (rc < 0)
		fail_context("cannot remove network %s", name);
	return rc;
}
