/*
 * swarm-cluster-check.c - the invariants of the joined swarm, and when it has converged.
 *
 * After every step of the simulation (swarm-cluster-sim.c), for each manager whose store moved:
 *   - the same store at the same index: the store's bytes (swarm_store_snapshot) hashed and
 *     compared with the hash any other manager had after that log index. State machine
 *     replication promises exactly this: the same commands, in the same order, into the same
 *     deterministic function (swarm_store_apply), give the same store;
 *   - no slot with two running tasks, and every running task on a ready node, in the store.
 * Raft's own properties (one leader a term, committed entries never lost or changed) are
 * checked by raft-check.c, inside raft-sim.c, at every Raft step.
 */
#include "swarm-cluster-sim-internal.h"
#include "error.h"
#include "swarm-snapshot.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* FNV-1a (64 bits): a store's bytes as one number. */
static uint64_t hash_bytes(const char *bytes, size_t size)
{
	uint64_t hash = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < size; i++)
		hash = (hash ^ (unsigned char)bytes[i]) * 0x100000001b3ull;
	return hash | 1; /* never 0: 0 is "not seen yet" */
}

/* Invariant: two managers that applied the log up to the same index hold the same store. */
static int check_same_store(struct swarm_cluster_sim *sim, raft_id id)
{
	struct manager *manager = &sim->managers[id - 1];
	if (manager->applied >= sim->store_hash_capacity) {
		size_t capacity = sim->store_hash_capacity ? sim->store_hash_capacity : 1024;
		while (capacity <= manager->applied)
			capacity *= 2;
		uint64_t *grown = realloc(sim->store_hash, capacity * sizeof(*grown));
		if (!grown)
			return fail_errno(ENOMEM, "swarm simulation: cannot remember %zu stores", capacity);
		memset(grown + sim->store_hash_capacity, 0, (capacity - sim->store_hash_capacity) * sizeof(*grown));
		sim->store_hash = grown;
		sim->store_hash_capacity = capacity;
	}
	size_t size;
	char *bytes = swarm_store_snapshot(&manager->store, &size);
	if (!bytes)
		return -1;
	uint64_t hash = hash_bytes(bytes, size);
	free(bytes);
	uint64_t *seen = &sim->store_hash[manager->applied];
	if (*seen && *seen != hash)
		return cluster_broken(sim, "manager %u's store differs from another's after entry %" PRIu64, id, manager->applied);
	*seen = hash;
	return 0;
}

/* Invariants on a store: no slot with two running tasks; every running task on a ready node.
 * (A worker cut off from the leader keeps its containers until it hears from it again, as in
 * Swarm: the store, what the swarm believes and acts on, is where these must hold.) */
static int check_store(struct swarm_cluster_sim *sim, raft_id id)
{
	const struct swarm_store *store = &sim->managers[id - 1].store;
	for (size_t i = 0; i < store->task_count; i++) {
		const struct swarm_task *task = &store->tasks[i];
		if (task->observed != SWARM_TASK_RUNNING)
			continue;
		const struct swarm_node *node = swarm_store_node(store, task->node);
		char name[2 * SWARM_NAME_MAX + 16];
		if (!node || node->status != SWARM_NODE_READY)
			return cluster_broken(sim, "manager %u's store has task %s running on %s, which is down", id,
				      cluster_task_name(task, name, sizeof(name)), task->node);
		for (size_t j = i + 1; j < store->task_count; j++) {
			const struct swarm_task *other = &store->tasks[j];
			if (other->observed == SWARM_TASK_RUNNING && other->slot == task->slot &&
			    strcmp(other->service, task->service) == 0)
				return cluster_broken(sim, "manager %u's store has two running tasks in slot %s (%" PRIu64
					      " and %" PRIu64 ")", id, cluster_task_name(task, name, sizeof(name)), task->id, other->id);
		}
	}
	return 0;
}

/* The stores that moved since the last step. */
int cluster_check_stores(struct swarm_cluster_sim *sim)
{
	int status = 0;
	for (raft_id id = 1; id <= sim->options.managers && status == 0; id++) {
		struct manager *manager = &sim->managers[id - 1];
		if (!sim->options.check_stores || !manager->up || manager->applied == manager->checked)
			continue;
		manager->checked = manager->applied;
		if ((status = check_same_store(sim, id)) == 0)
			status = check_store(sim, id);
	}
	return status;
}

/* The task of a worker's container, if the store wants it running there and it runs. */
static bool runs(struct swarm_cluster_sim *sim, const struct swarm_task *task)
{
	for (size_t w = 0; w < sim->options.workers; w++) {
		struct worker *worker = &sim->workers[w];
		if (worker->up && strcmp(worker->id, task->node) == 0) {
			const struct container *c = cluster_container_of(worker, task->id);
			return c && c->running;
		}
	}
	return false;
}

/* Desired equals actual: a leader up to date, every live manager at its index, every slot of every
 * service with one task RUNNING in the store and in the container of a live worker, and no
 * container running that the store does not want. */
bool cluster_converged(struct swarm_cluster_sim *sim)
{
	if (!cluster_leader_caught_up(sim))
		return false;
	const struct swarm_store *store = &sim->managers[sim->leader - 1].store;
	for (raft_id id = 1; id <= sim->options.managers; id++) {
		const struct manager *manager = &sim->managers[id - 1];
		if (cluster_raft_node(sim, id)->up && (!manager->up || manager->applied != sim->managers[sim->leader - 1].applied))
			return false; /* a live manager behind (one that is down catches up when it returns) */
	}
	if (store->service_count != sim->options.services)
		return false;
	size_t wanted = 0, running = 0;
	for (size_t s = 0; s < store->service_count; s++) {
		const struct swarm_service *service = &store->services[s];
		wanted += service->spec.replicas;
		for (uint32_t slot = 1; slot <= service->spec.replicas; slot++) {
			bool found = false;
			for (size_t i = 0; i < store->task_count && !found; i++) {
				const struct swarm_task *task = &store->tasks[i];
				found = task->slot == slot && task->desired == SWARM_TASK_RUNNING &&
					task->observed == SWARM_TASK_RUNNING && strcmp(task->service, service->spec.name) == 0 &&
					runs(sim, task);
			}
			if (!found)
				return false;
		}
	}
	for (size_t w = 0; w < sim->options.workers; w++)
		for (size_t i = 0; sim->workers[w].up && i < sim->workers[w].count; i++)
			running++;
	return running == wanted;
}
