/*
 * swarm-machines-plan.c - six machines for a classroom that has one: the plan, as data.
 *
 * The lecture's swarm has managers and workers on machines of their own, some of which die. A
 * classroom VM is one machine, so `tinydock swarm sim up --managers 3 --workers 4` makes seven
 * out of network namespaces (swarm-machines.c). This file decides, without touching the system,
 * what they are:
 *
 *   name       manager1..N, worker1..M: the names Docker's swarm tutorials give their machines
 *   address    on the simulator's subnet (10.199.0.0/24 unless --subnet): the bridge, that is
 *              the host, is .1; manager i is .1i (.11 to .19, Raft's at most 9 members), worker
 *              i is 20+i, so that an address alone tells a manager from a worker
 *   link       the host's end of the machine's cable: BRIDGE-N for address .N, so `ip link`
 *              on the host shows which machine a link leads to (td-swarmsim-21 is worker1)
 *
 * and keeps in one JSON file what the other `sim` commands need after `up` has returned: each
 * machine's node process (pid and start time), and whether its power (`sim kill`) or its cable (`sim partition`) is cut. The file is read back
 * as untrusted input, every member checked, since a student may well edit it.
 *
 * Read swarm-machines.c next: the namespaces, bridge and veths this plan becomes.
 */
#include "swarm-machines-plan.h"
#include "error.h"
#include "json.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint32_t MANAGER_BASE = 10, WORKER_BASE = 20;

const char *swarm_machine_role_name(enum swarm_machine_role role)
{
	return role == SWARM_MACHINE_MANAGER ? "manager" : "worker";
}

/* Host number n of subnet s, or -1 when it is the broadcast address or beyond. */
static int host_address(const struct subnet *s, uint32_t n, struct in_addr *out)
{
	uint32_t hosts = s->prefix >= 32 ? 0 : (uint32_t)1 << (32 - s->prefix);
	if (n + 1 >= hosts)
		return -1;
	out->s_addr = htonl(ntohl(s->network.s_addr) + n);
	return 0;
}

static bool valid_link_name(const char *name)
{
	size_t len = strlen(name);
	if (len == 0 || len > SWARM_MACHINES_BRIDGE_MAX)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_'))
			return false;
	return true;
}

static int add_machine(struct swarm_machines *sim, enum swarm_machine_role role, unsigned index)
{
	struct swarm_machine *m = &sim->machines[sim->count];
	uint32_t n = (role == SWARM_MACHINE_MANAGER ? MANAGER_BASE : WORKER_BASE) + index;
	snprintf(m->name, sizeof(m->name), "%s%u", swarm_machine_role_name(role), index);
	m->role = role;
	if (host_address(&sim->subnet, n, &m->address) < 0) {
		char cidr[32];
		subnet_format(&sim->subnet, cidr, sizeof(cidr));
		return fail_errno(0, "subnet %s is too small for %s (host number %u): use a /24 or larger", cidr, m->name,
				  (unsigned)n);
	}
	char bridge[sizeof(sim->bridge)];
	memcpy(bridge, sim->bridge, sizeof(bridge)); /* not m's own struct: snprintf's arguments may not overlap */
	snprintf(m->link, sizeof(m->link), "%s-%u", bridge, (unsigned)n);
	sim->count++;
	return 0;
}

int swarm_machines_plan(unsigned managers, unsigned workers, const char *subnet, const char *bridge,
			struct swarm_machines *out)
{
	memset(out, 0, sizeof(*out));
	if (managers < 1 || managers > SWARM_MACHINES_MAX_MANAGERS)
		return fail_errno(0, "--managers must be between 1 and %d (Raft's largest membership)",
				  SWARM_MACHINES_MAX_MANAGERS);
	if (workers > SWARM_MACHINES_MAX_WORKERS)
		return fail_errno(0, "--workers must be between 0 and %d", SWARM_MACHINES_MAX_WORKERS);
	if (!valid_link_name(bridge))
		return fail_errno(0, "invalid bridge name \"%s\": 1 to %d letters, digits, '-' or '_' (its links add \"-NNN\")",
				  bridge, SWARM_MACHINES_BRIDGE_MAX);
	snprintf(out->bridge, sizeof(out->bridge), "%s", bridge);
	if (subnet_parse(subnet, &out->subnet) < 0)
		return -1;
	out->gateway = subnet_gateway(&out->subnet);
	for (unsigned i = 1; i <= managers; i++)
		if (add_machine(out, SWARM_MACHINE_MANAGER, i) < 0)
			return -1;
	for (unsigned i = 1; i <= workers; i++)
		if (add_machine(out, SWARM_MACHINE_WORKER, i) < 0)
			return -1;
	return 0;
}

struct swarm_machine *swarm_machines_find(struct swarm_machines *sim, const char *name)
{
	for (size_t i = 0; i < sim->count; i++)
		if (strcmp(sim->machines[i].name, name) == 0)
			return &sim->machines[i];
	char names[256] = "";
	size_t used = 0;
	for (size_t i = 0; i < sim->count && used < sizeof(names); i++)
		used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s", i ? ", " : "", sim->machines[i].name);
	fail_errno(0, "no machine \"%s\" in the simulation (it has %s)", name, sim->count ? names : "none");
	return NULL;
}

char **swarm_machines_copy_argv(char *const *argv, int count)
{
	size_t n = 0;
	while (count < 0 ? argv[n] != NULL : n < (size_t)count)
		n++;
	char **copy = calloc(n + 1, sizeof(*copy));
	if (!copy) {
		fail_errno(ENOMEM, "cannot copy a command of %zu words", n);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (!(copy[i] = strdup(argv[i]))) {
			swarm_machines_free_argv(copy);
			fail_errno(ENOMEM, "cannot copy a command of %zu words", n);
			return NULL;
		}
	return copy;
}

void swarm_machines_free_argv(char **argv)
{
	if (!argv)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}

void swarm_machines_free(struct swarm_machines *sim)
{
	swarm_machines_free_argv(sim->node_command);
	sim->node_command = NULL;
}

const char *swarm_machine_state(const struct swarm_machine *machine, bool alive)
{
	if (machine->killed)
		return "killed";
	if (!alive)
		return "stopped";
	return machine->partitioned ? "partitioned" : "up";
}

/* --- the state file ----------------------------------------------------------------------- */

static struct json *json_from_argv(char **argv)
{
	struct json *array = json_new_array();
	for (char **p = argv; array && *p; p++)
		if (!json_append(array, json_new_string(*p))) {
			json_free(array);
			return NULL;
		}
	return array;
}

static struct json *json_from_address(struct in_addr address)
{
	char text[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &address, text, sizeof(text));
	return json_new_string(text);
}

static struct json *json_from_machine(const struct swarm_machine *m)
{
	struct json *obj = json_new_object();
	if (!obj || !json_add_string(obj, "name", m->name) ||
	    !json_add_string(obj, "role", swarm_machine_role_name(m->role)) ||
	    !json_add(obj, "address", json_from_address(m->address)) || !json_add_string(obj, "link", m->link) ||
	    !json_add_int(obj, "pid", m->pid) ||
	    !json_add_int(obj, "pid_start", (int64_t)m->pid_start) || !json_add_bool(obj, "killed", m->killed) ||
	    !json_add_bool(obj, "partitioned", m->partitioned)) {
		json_free(obj);
		return NULL;
	}
	return obj;
}

char *swarm_machines_to_json(const struct swarm_machines *sim)
{
	char subnet[32];
	subnet_format(&sim->subnet, subnet, sizeof(subnet));
	struct json *root = json_new_object(), *machines = json_new_array();
	bool ok = root && machines && json_add_string(root, "bridge", sim->bridge) &&
		  json_add_string(root, "subnet", subnet) && json_add(root, "gateway", json_from_address(sim->gateway)) &&
		  (!sim->node_command || json_add(root, "node_command", json_from_argv(sim->node_command)));
	for (size_t i = 0; ok && i < sim->count; i++)
		ok = json_append(machines, json_from_machine(&sim->machines[i])) != NULL;
	char *text = NULL;
	if (ok) {
		ok = json_add(root, "machines", machines) != NULL;
		machines = NULL; /* json_add owns it now, even when it failed */
	}
	if (ok)
		text = json_write(root, 2, NULL);
	json_free(machines);
	json_free(root);
	return text;
}

/* The members' readers: each records "\"member\" <problem>" and returns -1. */
static int bad(const char *key, const char *problem)
{
	return fail_errno(0, "\"%s\" %s", key, problem);
}

static int get_text(const struct json *obj, const char *key, char *dst, size_t size)
{
	const char *text = json_get_string(obj, key);
	if (!text)
		return bad(key, "is missing or not a string");
	if (strlen(text) >= size)
		return bad(key, "is too long");
	snprintf(dst, size, "%s", text);
	return 0;
}

static int get_address(const struct json *obj, const char *key, struct in_addr *out)
{
	char text[INET_ADDRSTRLEN];
	if (get_text(obj, key, text, sizeof(text)) < 0)
		return -1;
	if (inet_pton(AF_INET, text, out) != 1)
		return bad(key, "is not an IPv4 address");
	return 0;
}

static int get_bool(const struct json *obj, const char *key, bool *out)
{
	if (json_bool(json_get(obj, key), out) < 0)
		return bad(key, "is missing or not true or false");
	return 0;
}

static int get_uint(const struct json *obj, const char *key, int64_t max, int64_t *out)
{
	if (json_int64(json_get(obj, key), out) < 0 || *out < 0 || *out > max)
		return bad(key, "is missing or not a whole number in range");
	return 0;
}

/* An optional array of strings (absent: *out stays NULL). */
static int get_argv(const struct json *obj, const char *key, char ***out)
{
	const struct json *array = json_get(obj, key);
	if (!array)
		return 0;
	if (!json_is(array, JSON_ARRAY) || array->count == 0)
		return bad(key, "is not a non-empty array of strings");
	char **argv = calloc(array->count + 1, sizeof(*argv));
	if (!argv)
		return fail_errno(ENOMEM, "cannot read \"%s\"", key);
	size_t n = 0;
	json_for_each(item, array) {
		const char *word = json_string(item);
		if (!word || !(argv[n++] = strdup(word))) {
			swarm_machines_free_argv(argv);
			return bad(key, "is not a non-empty array of strings");
		}
	}
	*out = argv;
	return 0;
}

static int machine_from_json(const struct json *obj, struct swarm_machines *sim)
{
	struct swarm_machine *m = &sim->machines[sim->count];
	char role[16];
	int64_t pid, start;
	if (!json_is(obj, JSON_OBJECT))
		return fail_errno(0, "a machine is not an object");
	if (get_text(obj, "name", m->name, sizeof(m->name)) < 0 || get_text(obj, "role", role, sizeof(role)) < 0 ||
	    get_address(obj, "address", &m->address) < 0 || get_text(obj, "link", m->link, sizeof(m->link)) < 0 ||
	    get_uint(obj, "pid", INT32_MAX, &pid) < 0 || get_uint(obj, "pid_start", INT64_MAX, &start) < 0 ||
	    get_bool(obj, "killed", &m->killed) < 0 || get_bool(obj, "partitioned", &m->partitioned) < 0)
		return -1;
	m->pid = (pid_t)pid;
	m->pid_start = (unsigned long long)start;
	if (strcmp(role, "manager") == 0)
		m->role = SWARM_MACHINE_MANAGER;
	else if (strcmp(role, "worker") == 0)
		m->role = SWARM_MACHINE_WORKER;
	else
		return bad("role", "is neither \"manager\" nor \"worker\"");
	sim->count++;
	/* The name becomes a folder's name and the link a device's: nothing else may pass. */
	if (!valid_link_name(m->name) || strchr(m->name, '/'))
		return bad("name", "is not a machine's name");
	if (!subnet_contains(&sim->subnet, m->address))
		return bad("address", "is not on the simulation's subnet");
	if (strncmp(m->link, sim->bridge, strlen(sim->bridge)) != 0)
		return bad("link", "is not one of the bridge's links");
	for (const struct swarm_machine *other = sim->machines; other < m; other++)
		if (strcmp(other->name, m->name) == 0 || other->address.s_addr == m->address.s_addr ||
		    strcmp(other->link, m->link) == 0)
			return fail_errno(0, "machines %s and %s share a name, an address or a link", other->name, m->name);
	return 0;
}

int swarm_machines_from_json(const char *text, size_t size, struct swarm_machines *out)
{
	memset(out, 0, sizeof(*out));
	struct json *root = json_parse(text, size);
	if (!root)
		return -1;
	char subnet[32];
	int rc = -1;
	if (!json_is(root, JSON_OBJECT)) {
		fail_errno(0, "the state is not a JSON object");
		goto out;
	}
	if (get_text(root, "bridge", out->bridge, sizeof(out->bridge)) < 0 ||
	    get_text(root, "subnet", subnet, sizeof(subnet)) < 0 || subnet_parse(subnet, &out->subnet) < 0 ||
	    get_address(root, "gateway", &out->gateway) < 0 || get_argv(root, "node_command", &out->node_command) < 0)
		goto out;
	if (!valid_link_name(out->bridge)) {
		bad("bridge", "is not a bridge's name");
		goto out;
	}
	const struct json *machines = json_get(root, "machines");
	if (!json_is(machines, JSON_ARRAY) || machines->count > SWARM_MACHINES_MAX) {
		bad("machines", "is missing, not an array, or too long");
		goto out;
	}
	json_for_each(machine, machines)
		if (machine_from_json(machine, out) < 0)
			goto out;
	rc = 0;
out:
	json_free(root);
	if (rc < 0) {
		swarm_machines_free(out);
		fail_context("the simulation's state");
	}
	return rc;
}
