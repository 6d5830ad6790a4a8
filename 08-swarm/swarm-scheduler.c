/*
 * swarm-scheduler.c - filter the nodes, then spread the tasks (swarm-scheduler.h).
 *
 * One round works on a picture of the nodes (struct node_load): what each already carries
 * (tasks in all, tasks of each service, reserved CPU and memory, host ports) counted once from
 * the store, then updated as the round places tasks. That keeps a round at one pass over the
 * store plus tasks x nodes comparisons: 1,000 tasks on 100 nodes is 100,000 cheap checks.
 */
#include "swarm-scheduler.h"

#include "error.h"
#include "swarm-constraint.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node_load {
	const struct swarm_node *node;
	size_t tasks;
	size_t *per_service;        /* tasks of each service, by the service's index in the store */
	int64_t nano_cpus, memory_bytes;
	uint32_t *ports;            /* host-mode ports taken: port | (udp << 16) */
	size_t port_count, port_capacity;
};

struct round {
	const struct swarm_store *store;
	struct node_load *loads;
	size_t *per_service;        /* node_count x service_count counters, one allocation */
	const struct swarm_task **failures; /* finished in failure within SWARM_FAILURE_MEMORY_MS */
	size_t failure_count;
};

/* A task holds resources on its node from the moment it is assigned until it has ended. */
static bool holds_node(const struct swarm_task *task)
{
	return task->node[0] && task->observed >= SWARM_TASK_ASSIGNED && !swarm_task_state_is_final(task->observed);
}

static uint32_t port_key(const struct swarm_port *port)
{
	return port->published | (uint32_t)port->udp << 16;
}

static size_t service_index(const struct swarm_store *store, const char *name)
{
	for (size_t i = 0; i < store->service_count; i++)
		if (strcmp(store->services[i].spec.name, name) == 0)
			return i;
	return store->service_count;
}

static ssize_t node_index(const struct swarm_store *store, const char *id)
{
	for (size_t i = 0; i < store->node_count; i++)
		if (strcmp(store->nodes[i].spec.id, id) == 0)
			return (ssize_t)i;
	return -1;
}

/* Reservations add up without overflowing: past INT64_MAX a node is simply full. */
static int64_t add_reservation(int64_t load, int64_t reservation)
{
	return reservation > INT64_MAX - load ? INT64_MAX : load + reservation;
}

/* Does reservation fit in what capacity has left after load? (All three are >= 0.) */
static bool fits(int64_t load, int64_t reservation, int64_t capacity)
{
	return load <= capacity && reservation <= capacity - load;
}

/* Count task onto the node at index: its service, its reservations, its host ports. */
static int load_add(struct round *round, size_t index, const struct swarm_service *service, size_t service_at)
{
	struct node_load *load = &round->loads[index];
	load->tasks++;
	if (!service)
		return 0;
	load->per_service[service_at]++;
	load->nano_cpus = add_reservation(load->nano_cpus, service->spec.reserve_nano_cpus);
	load->memory_bytes = add_reservation(load->memory_bytes, service->spec.reserve_memory_bytes);
	for (size_t i = 0; i < service->spec.port_count; i++) {
		if (!service->spec.ports[i].host_mode)
			continue;
		if (load->port_count == load->port_capacity) {
			size_t capacity = load->port_capacity ? 2 * load->port_capacity : 8;
			uint32_t *ports = realloc(load->ports, capacity * sizeof(*ports));
			if (!ports)
				return fail_errno(ENOMEM, "cannot count the ports of node \"%s\"", load->node->spec.id);
			load->ports = ports;
			load->port_capacity = capacity;
		}
		load->ports[load->port_count++] = port_key(&service->spec.ports[i]);
	}
	return 0;
}

static void round_free(struct round *round)
{
	for (size_t i = 0; round->loads && i < round->store->node_count; i++)
		free(round->loads[i].ports);
	free(round->loads);
	free(round->per_service);
	free(round->failures);
}

static int round_init(struct round *round, const struct swarm_store *store, uint64_t now)
{
	*round = (struct round){ .store = store };
	size_t nodes = store->node_count, services = store->service_count;
	round->loads = calloc(nodes ? nodes : 1, sizeof(*round->loads));
	round->per_service = calloc(nodes * services + 1, sizeof(size_t));
	round->failures = calloc(store->task_count ? store->task_count : 1, sizeof(*round->failures));
	if (!round->loads || !round->per_service || !round->failures) {
		round_free(round);
		return fail_errno(ENOMEM, "cannot schedule %zu tasks on %zu nodes", store->task_count, nodes);
	}
	for (size_t i = 0; i < nodes; i++) {
		round->loads[i].node = &store->nodes[i];
		round->loads[i].per_service = &round->per_service[i * services];
	}
	for (size_t i = 0; i < store->task_count; i++) {
		const struct swarm_task *task = &store->tasks[i];
		if ((task->observed == SWARM_TASK_FAILED || task->observed == SWARM_TASK_REJECTED) &&
		    task->node[0] && now - task->observed_at < SWARM_FAILURE_MEMORY_MS)
			round->failures[round->failure_count++] = task;
		if (!holds_node(task))
			continue;
		ssize_t at = node_index(store, task->node);
		size_t service_at = service_index(store, task->service);
		const struct swarm_service *service = service_at < services ? &store->services[service_at] : NULL;
		if (at >= 0 && load_add(round, (size_t)at, service, service_at) < 0) {
			round_free(round);
			return -1;
		}
	}
	return 0;
}

/* --- the filters ---------------------------------------------------------------------------- */

enum filter { NOT_AVAILABLE, CONSTRAINTS, RESOURCES, HOST_PORTS, FILTERS };

static const char *const filter_reasons[FILTERS] = {
	[NOT_AVAILABLE] = "%zu node%s not available for new tasks",
	[CONSTRAINTS] = "scheduling constraints not satisfied on %zu node%s",
	[RESOURCES] = "insufficient resources on %zu node%s",
	[HOST_PORTS] = "host-mode port already in use on %zu node%s",
};

/* The first filter node fails for service, or FILTERS when it passes them all. */
static enum filter filter_node(const struct node_load *load, const struct swarm_service *service)
{
	const struct swarm_node *node = load->node;
	if (node->status != SWARM_NODE_READY || node->spec.availability != SWARM_ACTIVE)
		return NOT_AVAILABLE;
	if (!swarm_constraints_match(&service->spec.constraints, &node->spec))
		return CONSTRAINTS;
	if (!fits(load->nano_cpus, service->spec.reserve_nano_cpus, node->spec.nano_cpus) ||
	    !fits(load->memory_bytes, service->spec.reserve_memory_bytes, node->spec.memory_bytes))
		return RESOURCES;
	for (size_t i = 0; i < service->spec.port_count; i++)
		if (service->spec.ports[i].host_mode)
			for (size_t j = 0; j < load->port_count; j++)
				if (load->ports[j] == port_key(&service->spec.ports[i]))
					return HOST_PORTS;
	return FILTERS;
}

static bool failed_here_recently(const struct round *round, const struct swarm_task *task, const struct swarm_node *node)
{
	for (size_t i = 0; i < round->failure_count; i++) {
		const struct swarm_task *failed = round->failures[i];
		if (failed->slot == task->slot && strcmp(failed->node, node->spec.id) == 0 &&
		    strcmp(failed->service, task->service) == 0)
			return true;
	}
	return false;
}

/* Is candidate a better home than best for a task of the service at service_at? */
static bool better(const struct round *round, const struct swarm_task *task, size_t service_at,
                   const struct node_load *candidate, const struct node_load *best)
{
	bool candidate_failed = failed_here_recently(round, task, candidate->node);
	bool best_failed = failed_here_recently(round, task, best->node);
	if (candidate_failed != best_failed)
		return best_failed;
	if (candidate->per_service[service_at] != best->per_service[service_at])
		return candidate->per_service[service_at] < best->per_service[service_at];
	if (candidate->tasks != best->tasks)
		return candidate->tasks < best->tasks;
	return strcmp(candidate->node->spec.id, best->node->spec.id) < 0;
}

/* "no suitable node (1 node not available for new tasks; ...)", the filters in their order. */
static void explain(char *message, size_t size, const size_t counts[FILTERS])
{
	size_t used = (size_t)snprintf(message, size, "no suitable node (");
	const char *separator = "";
	for (int f = 0; f < FILTERS; f++) {
		if (!counts[f] || used >= size)
			continue;
		used += (size_t)snprintf(message + used, size - used, "%s", separator);
		if (used < size)
			used += (size_t)snprintf(message + used, size - used, filter_reasons[f], counts[f],
			                         counts[f] == 1 ? "" : "s");
		separator = "; ";
	}
	if (!counts[NOT_AVAILABLE] && !counts[CONSTRAINTS] && !counts[RESOURCES] && !counts[HOST_PORTS] && used < size)
		used += (size_t)snprintf(message + used, size - used, "no nodes");
	if (used < size)
		snprintf(message + used, size - used, ")");
}

static int schedule_task(struct round *round, const struct swarm_task *task, uint64_t now, struct swarm_commands *out)
{
	const struct swarm_store *store = round->store;
	size_t service_at = service_index(store, task->service);
	if (service_at == store->service_count)
		return 0; /* being removed: its tasks are shut down, not placed */
	const struct swarm_service *service = &store->services[service_at];
	size_t counts[FILTERS] = { 0 };
	struct node_load *best = NULL;
	for (size_t i = 0; i < store->node_count; i++) {
		struct node_load *load = &round->loads[i];
		if (task->node[0] && strcmp(task->node, load->node->spec.id) != 0)
			continue; /* a global task: its node or none */
		enum filter failed = filter_node(load, service);
		if (failed != FILTERS)
			counts[failed]++;
		else if (!best || better(round, task, service_at, load, best))
			best = load;
	}
	struct swarm_command *command;
	if (best) {
		if (!(command = swarm_commands_add(out, SWARM_TASK_ASSIGN, now)))
			return -1;
		command->task_id = task->id;
		swarm_copy_name(command->name, sizeof(command->name), best->node->spec.id);
		return load_add(round, (size_t)(best - round->loads), service, service_at);
	}
	if (task->observed != SWARM_TASK_NEW)
		return 0; /* PENDING already, with its reason */
	if (!(command = swarm_commands_add(out, SWARM_TASK_STATE, now)))
		return -1;
	command->task_id = task->id;
	command->state = SWARM_TASK_PENDING;
	explain(command->message, sizeof(command->message), counts);
	return 0;
}

int swarm_schedule(const struct swarm_store *store, uint64_t now, struct swarm_commands *out)
{
	struct round round;
	if (round_init(&round, store, now) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < store->task_count && rc == 0; i++) {
		const struct swarm_task *task = &store->tasks[i];
		if (task->observed <= SWARM_TASK_PENDING && task->desired == SWARM_TASK_RUNNING)
			rc = schedule_task(&round, task, now, out);
	}
	round_free(&round);
	return rc;
}
