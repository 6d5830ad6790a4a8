/*
 * swarm-sim-check.c - what must hold after every step of the simulation, and what "converged"
 * means (swarm-sim.h lists them).
 *
 * The checks look at both sides: the store (what the managers believe) and the worker models
 * (what actually runs). A slot is counted as one number (slot_key), and the running tasks of
 * a step are sorted by it, so counting them per slot is one pass.
 */
#include "swarm-sim-internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static bool rolled_out_start_first(const struct swarm_sim *sim, const char *service, uint64_t version)
{
	for (size_t i = sim->order_count; i-- > 0;)
		if (sim->orders[i].version == version && strcmp(sim->orders[i].service, service) == 0)
			return sim->orders[i].start_first;
	return false;
}

int swarm_sim_fail(struct swarm_sim *sim, const char *fmt, ...)
{
	va_list args;
	va_start(args, fmt);
	vsnprintf(sim->result->failure, sizeof(sim->result->failure), fmt, args);
	va_end(args);
	sim->result->ok = false;
	swarm_sim_note(sim, "INVARIANT BROKEN: %s", sim->result->failure);
	return 1;
}

static size_t service_at(const struct swarm_store *store, const char *name)
{
	for (size_t i = 0; i < store->service_count; i++)
		if (strcmp(store->services[i].spec.name, name) == 0)
			return i;
	return store->service_count;
}

/* A slot as one number: service index, slot or node index (global), for sorting and counting. */
static uint64_t slot_key(const struct swarm_store *store, const struct swarm_task *task)
{
	uint64_t service = service_at(store, task->service), slot = task->slot;
	if (!slot) {
		const struct swarm_node *node = swarm_store_node(store, task->node);
		slot = node ? (uint64_t)(node - store->nodes) : UINT32_MAX;
	}
	return service << 32 | slot;
}

static int by_key(const void *a, const void *b)
{
	const struct running *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->task < y->task ? -1 : x->task > y->task;
}

/* At most one running task per slot among keys; two when the newer one was started by a
 * start-first update (it starts before its predecessor stops, as Swarm allows). */
static int check_slots(struct swarm_sim *sim, size_t count, const char *where)
{
	qsort(sim->keys, count, sizeof(*sim->keys), by_key);
	for (size_t i = 0; i < count;) {
		size_t j = i + 1;
		while (j < count && sim->keys[j].key == sim->keys[i].key)
			j++;
		size_t index = (size_t)(sim->keys[i].key >> 32);
		const struct swarm_service *service = index < sim->store.service_count ? &sim->store.services[index] : NULL;
		size_t allowed = service && rolled_out_start_first(sim, service->spec.name, sim->keys[j - 1].version) ? 2 : 1;
		if (j - i > allowed)
			return swarm_sim_fail(sim, "%zu tasks running in slot %" PRIu64 " of service %s %s",
			            j - i, sim->keys[i].key & 0xffffffffu, service ? service->spec.name : "?", where);
		i = j;
	}
	return 0;
}

int swarm_sim_check_invariants(struct swarm_sim *sim)
{
	const struct swarm_store *store = &sim->store;
	size_t count = 0;
	for (size_t i = 0; i < store->task_count; i++) {
		const struct swarm_task *task = &store->tasks[i];
		if (task->observed != SWARM_TASK_RUNNING)
			continue;
		const struct swarm_node *node = swarm_store_node(store, task->node);
		if (!node || node->status != SWARM_NODE_READY)
			return swarm_sim_fail(sim, "task %" PRIu64 " is running on node %s, which is not ready", task->id, task->node);
		/* a task told to stop may still be running until its worker says so (or its node is
		 * found down): the store's rule is about the tasks it wants running */
		if (task->desired == SWARM_TASK_RUNNING)
			sim->keys[count++] = (struct running){ slot_key(store, task), task->id, task->service_version };
	}
	if (check_slots(sim, count, "in the store"))
		return 1;
	count = 0;
	for (size_t w = 0; w < sim->options.workers; w++)
		for (size_t i = 0; i < sim->workers[w].count; i++) {
			const struct container *c = &sim->workers[w].containers[i];
			const struct swarm_task *task = swarm_store_task(store, c->task);
			if (c->reported == SWARM_TASK_RUNNING && task)
				sim->keys[count++] = (struct running){ slot_key(store, task), task->id, task->service_version };
		}
	if (check_slots(sim, count, "on the workers"))
		return 1;
	/* forward only: walk the last step's states and this one's, both by id */
	size_t j = 0;
	for (size_t i = 0; i < sim->seen_count; i++) {
		while (j < store->task_count && store->tasks[j].id < sim->seen[i].id)
			j++;
		if (j == store->task_count || store->tasks[j].id != sim->seen[i].id)
			continue;
		if (store->tasks[j].observed < sim->seen[i].observed || store->tasks[j].desired < sim->seen[i].desired)
			return swarm_sim_fail(sim, "task %" PRIu64 " went back from %s to %s", sim->seen[i].id,
			            swarm_task_state_name(sim->seen[i].observed), swarm_task_state_name(store->tasks[j].observed));
	}
	for (size_t i = 0; i < store->task_count; i++)
		sim->seen[i] = (struct seen_task){ store->tasks[i].id, store->tasks[i].observed, store->tasks[i].desired };
	sim->seen_count = store->task_count;
	return 0;
}

/* Is every service's desired state the actual one: each slot running the current spec, on a
 * live worker, nothing else running, no update half done? */
bool swarm_sim_converged(struct swarm_sim *sim)
{
	const struct swarm_store *store = &sim->store;
	size_t expected = 0, count = 0;
	for (size_t s = 0; s < store->service_count; s++) {
		const struct swarm_service *service = &store->services[s];
		if (service->update_state == SWARM_UPDATE_UPDATING || service->update_state == SWARM_UPDATE_ROLLBACK_STARTED)
			return false;
		if (service->spec.mode == SWARM_REPLICATED)
			expected += service->spec.replicas;
		else
			for (size_t n = 0; n < store->node_count; n++)
				expected += store->nodes[n].status == SWARM_NODE_READY &&
				            store->nodes[n].spec.availability == SWARM_ACTIVE;
	}
	for (size_t i = 0; i < store->task_count; i++) {
		const struct swarm_task *task = &store->tasks[i];
		if (task->observed != SWARM_TASK_RUNNING)
			continue;
		const struct swarm_service *service = swarm_store_service(store, task->service);
		if (!service || task->desired != SWARM_TASK_RUNNING || task->service_version != service->version)
			return false;
		if (service->spec.mode == SWARM_REPLICATED && task->slot > service->spec.replicas)
			return false;
		struct worker *worker = NULL;
		for (size_t w = 0; w < sim->options.workers && !worker; w++)
			if (strcmp(sim->workers[w].id, task->node) == 0)
				worker = &sim->workers[w];
		struct container *container = worker && worker->up ? swarm_sim_container_of(worker, task->id) : NULL;
		if (!container || container->reported != SWARM_TASK_RUNNING)
			return false;
		sim->keys[count++] = (struct running){ slot_key(store, task), task->id, task->service_version };
	}
	if (count != expected)
		return false;
	qsort(sim->keys, count, sizeof(*sim->keys), by_key);
	for (size_t i = 1; i < count; i++)
		if (sim->keys[i].key == sim->keys[i - 1].key)
			return false;
	return true;
}
