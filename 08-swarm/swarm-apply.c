/*
 * swarm-apply.c - how each command changes the store: the one place the store is written.
 *
 * swarm_store_apply is a pure function of the store and the command: the time it uses is the
 * command's "at", task ids come from a counter in the store, and every lookup is in a fixed
 * order. Two managers that apply the same log hold equal stores; that is the whole contract
 * between Raft (which agrees on the log) and the swarm (which interprets it).
 *
 * The rules it keeps, whoever proposes what:
 *   - a task's states only move forward (NEW, PENDING, ..., RUNNING, then an end), its
 *     desired state too (RUNNING, then SHUTDOWN): a late or repeated report from a worker can
 *     never bring a finished task back to life;
 *   - a node that goes down takes its tasks with it: whatever ran there is ORPHANED in the
 *     same command, so no task is ever believed RUNNING on a node that is down;
 *   - a slot keeps its last SWARM_TASK_HISTORY tasks, the finished ones beyond that are
 *     forgotten, oldest first (Swarm's task history retention).
 */
#include "swarm-command.h"
#include "swarm-constraint.h"

#include "error.h"
#include "grow.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int refuse(const struct swarm_command *command, const char *fmt, const char *object, const char *reason)
{
	return fail_errno(EINVAL, "cannot apply %s to %s \"%s\": %s", swarm_command_name(command->kind),
	                  fmt, object, reason);
}

static void remove_task_at(struct swarm_store *store, size_t index)
{
	memmove(&store->tasks[index], &store->tasks[index + 1],
	        (store->task_count - index - 1) * sizeof(store->tasks[0]));
	store->task_count--;
}

/* Tasks of a slot: the same service and slot, and for a global service (slot 0) the same node. */
static bool same_slot(const struct swarm_task *a, const struct swarm_task *b)
{
	return a->slot == b->slot && strcmp(a->service, b->service) == 0 &&
	       (a->slot != 0 || strcmp(a->node, b->node) == 0);
}

/* Forget the oldest finished tasks of task's slot beyond the history limit. Tasks are in id
 * order, which is creation order, so the first finished ones met are the oldest. */
static void keep_slot_history(struct swarm_store *store, const struct swarm_task *newest)
{
	size_t in_slot = 0;
	for (size_t i = 0; i < store->task_count; i++)
		in_slot += same_slot(&store->tasks[i], newest);
	for (size_t i = 0; i < store->task_count && in_slot > SWARM_TASK_HISTORY;) {
		if (same_slot(&store->tasks[i], newest) && swarm_task_state_is_final(store->tasks[i].observed)) {
			remove_task_at(store, i);
			in_slot--;
		} else {
			i++;
		}
	}
}

/* --- services ------------------------------------------------------------------------------- */

static int check_spec(const struct swarm_command *command, const struct swarm_service_spec *spec)
{
	if (!spec->name[0])
		return refuse(command, "service", "", "a service needs a name");
	if (!spec->image[0])
		return refuse(command, "service", spec->name, "a service needs an image");
	if (spec->mode != SWARM_REPLICATED && spec->mode != SWARM_GLOBAL)
		return refuse(command, "service", spec->name, "unknown mode");
	if (spec->replicas > SWARM_MAX_REPLICAS)
		return refuse(command, "service", spec->name, "more replicas than a swarm may run (100000)");
	for (size_t i = 0; i < spec->constraints.count; i++) {
		struct swarm_constraint constraint;
		if (swarm_constraint_parse(spec->constraints.items[i], &constraint) < 0)
			return fail_context("cannot apply %s to service \"%s\"", swarm_command_name(command->kind),
			                    spec->name);
	}
	return 0;
}

/* Swarm's range for the published ports it chooses itself (`docker service create -p 80`:
 * "PublishedPort" is then taken from 30000-32767, the same range as Kubernetes' NodePorts). */
#define SWARM_PORT_FIRST 30000
#define SWARM_PORT_LAST 32767

/* Is ingress port published (TCP or UDP) held by a service other than name, or by another
 * port of spec itself? The routing mesh opens it on every node, so two services cannot share it. */
static const char *ingress_port_owner(const struct swarm_store *store, const char *name,
				      const struct swarm_service_spec *spec, const struct swarm_port *port)
{
	for (size_t i = 0; i < store->service_count; i++) {
		const struct swarm_service_spec *other = &store->services[i].spec;
		if (strcmp(other->name, name) == 0)
			continue;
		for (size_t j = 0; j < other->port_count; j++)
			if (!other->ports[j].host_mode && other->ports[j].published == port->published &&
			    other->ports[j].udp == port->udp)
				return other->name;
	}
	for (const struct swarm_port *p = spec->ports; p < port; p++)
		if (!p->host_mode && p->published == port->published && p->udp == port->udp)
			return spec->name;
	return NULL;
}

/* Give each ingress port of spec that asks for none (published 0) a port of the swarm's range:
 * the one the service had before for the same target (an update keeps it), or else the lowest
 * free one. Then refuse a port another service publishes. Applied on every manager alike, so
 * the choice is the same everywhere, as it must be for a replicated store. */
static int assign_published_ports(const struct swarm_store *store, const struct swarm_command *command,
				  struct swarm_service_spec *spec, const struct swarm_service_spec *before)
{
	for (size_t i = 0; i < spec->port_count; i++) {
		struct swarm_port *port = &spec->ports[i];
		if (port->host_mode)
			continue;
		if (port->published == 0) {
			for (size_t j = 0; before && j < before->port_count && !port->published; j++)
				if (!before->ports[j].host_mode && before->ports[j].target == port->target &&
				    before->ports[j].udp == port->udp) {
					port->published = before->ports[j].published;
					if (ingress_port_owner(store, spec->name, spec, port))
						port->published = 0;
				}
			for (uint32_t candidate = SWARM_PORT_FIRST; !port->published && candidate <= SWARM_PORT_LAST; candidate++) {
				port->published = (uint16_t)candidate;
				if (ingress_port_owner(store, spec->name, spec, port))
					port->published = 0;
			}
			if (!port->published)
				return refuse(command, "service", spec->name, "no free port left in 30000-32767");
			continue;
		}
		const char *owner = ingress_port_owner(store, spec->name, spec, port);
		if (owner) {
			char why[SWARM_NAME_MAX + 80];
			snprintf(why, sizeof(why), "port %u/%s is already published by service \"%s\"",
				 (unsigned)port->published, port->udp ? "udp" : "tcp", owner);
			return refuse(command, "service", spec->name, why);
		}
	}
	return 0;
}

static int service_create(struct swarm_store *store, const struct swarm_command *command)
{
	if (check_spec(command, &command->spec) < 0)
		return -1;
	if (swarm_store_service(store, command->spec.name))
		return refuse(command, "service", command->spec.name, "the name is taken");
	if (grow_array((void **)&store->services, &store->service_capacity, store->service_count + 1,
		       sizeof(*store->services), "the swarm store") < 0)
		return -1;
	struct swarm_service *service = &store->services[store->service_count];
	*service = (struct swarm_service){ .version = 1, .versions = 1, .updated_at = command->at };
	if (swarm_service_spec_copy(&service->spec, &command->spec) < 0)
		return -1;
	if (assign_published_ports(store, command, &service->spec, NULL) < 0) {
		swarm_service_spec_free(&service->spec);
		return -1;
	}
	store->service_count++;
	return 0;
}

static bool same_strings(const struct swarm_strings *a, const struct swarm_strings *b)
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++)
		if (strcmp(a->items[i], b->items[i]) != 0)
			return false;
	return true;
}

/* Does the change touch what a task runs? Scaling, or a new restart or update policy, leaves
 * the running tasks as they are (`docker service scale` replaces no task); a new image,
 * command, env, ports, constraints, reservations or limits is a new version, rolled out task by task. */
static bool task_spec_changed(const struct swarm_service_spec *old, const struct swarm_service_spec *new)
{
	return strcmp(old->image, new->image) != 0 || old->mode != new->mode ||
	       !same_strings(&old->command, &new->command) || !same_strings(&old->env, &new->env) ||
	       !same_strings(&old->constraints, &new->constraints) ||
	       old->reserve_nano_cpus != new->reserve_nano_cpus ||
	       old->reserve_memory_bytes != new->reserve_memory_bytes ||
	       old->limit_nano_cpus != new->limit_nano_cpus || old->limit_memory_bytes != new->limit_memory_bytes ||
	       old->port_count != new->port_count ||
	       (old->port_count && memcmp(old->ports, new->ports, old->port_count * sizeof(*old->ports)) != 0);
}

static int service_update(struct swarm_store *store, const struct swarm_command *command)
{
	struct swarm_service *service = swarm_store_service(store, command->spec.name);
	if (!service)
		return refuse(command, "service", command->spec.name, "no such service");
	if (check_spec(command, &command->spec) < 0)
		return -1;
	struct swarm_service_spec spec;
	if (swarm_service_spec_copy(&spec, &command->spec) < 0)
		return -1;
	if (assign_published_ports(store, command, &spec, &service->spec) < 0) {
		swarm_service_spec_free(&spec);
		return -1;
	}
	if (!task_spec_changed(&service->spec, &spec)) {
		swarm_service_spec_free(&service->spec);
		service->spec = spec;
		return 0;
	}
	swarm_service_spec_free(&service->previous);
	service->previous = service->spec;
	service->has_previous = true;
	service->spec = spec;
	service->previous_version = service->version;
	service->version = ++service->versions;
	service->update_state = SWARM_UPDATE_UPDATING;
	service->update_message[0] = '\0';
	service->updated_at = command->at;
	return 0;
}

/* `docker service rollback`, or an update's failure action: the previous spec comes back with
 * its version, and the orchestrator replaces the tasks of the other one like in any update. */
static int service_rollback(struct swarm_store *store, const struct swarm_command *command)
{
	struct swarm_service *service = swarm_store_service(store, command->name);
	if (!service)
		return refuse(command, "service", command->name, "no such service");
	if (!service->has_previous)
		return refuse(command, "service", command->name, "it has no previous spec");
	struct swarm_service_spec swapped = service->spec;
	service->spec = service->previous;
	service->previous = swapped;
	uint64_t version = service->version;
	service->version = service->previous_version;
	service->previous_version = version;
	service->update_state = SWARM_UPDATE_ROLLBACK_STARTED;
	swarm_copy_name(service->update_message, sizeof(service->update_message), command->message);
	service->updated_at = command->at;
	return 0;
}

static int service_update_state(struct swarm_store *store, const struct swarm_command *command)
{
	struct swarm_service *service = swarm_store_service(store, command->name);
	if (!service)
		return refuse(command, "service", command->name, "no such service");
	service->update_state = command->update_state;
	swarm_copy_name(service->update_message, sizeof(service->update_message), command->message);
	service->updated_at = command->at;
	return 0;
}

/* A removed service's tasks are told to shut down; each is forgotten once it has finished
 * (task_state), since no slot of a removed service will ever be filled again. */
static int service_remove(struct swarm_store *store, const struct swarm_command *command)
{
	struct swarm_service *service = swarm_store_service(store, command->name);
	if (!service)
		return refuse(command, "service", command->name, "no such service");
	for (size_t i = 0; i < store->task_count;) {
		struct swarm_task *task = &store->tasks[i];
		if (strcmp(task->service, command->name) != 0) {
			i++;
			continue;
		}
		if (swarm_task_state_is_final(task->observed) || task->observed < SWARM_TASK_ASSIGNED) {
			remove_task_at(store, i);
			continue;
		}
		if (task->desired < SWARM_TASK_SHUTDOWN) {
			task->desired = SWARM_TASK_SHUTDOWN;
			swarm_copy_name(task->message, sizeof(task->message), "service removed");
		}
		i++;
	}
	swarm_service_spec_free(&service->spec);
	swarm_service_spec_free(&service->previous);
	size_t index = (size_t)(service - store->services);
	memmove(service, service + 1, (store->service_count - index - 1) * sizeof(*service));
	store->service_count--;
	return 0;
}

/* --- nodes ---------------------------------------------------------------------------------- */

static int node_join(struct swarm_store *store, const struct swarm_command *command)
{
	if (!command->node.id[0])
		return refuse(command, "node", "", "a node needs an id");
	if (swarm_store_node(store, command->node.id))
		return refuse(command, "node", command->node.id, "the id is taken");
	if (grow_array((void **)&store->nodes, &store->node_capacity, store->node_count + 1,
		       sizeof(*store->nodes), "the swarm store") < 0)
		return -1;
	struct swarm_node *node = &store->nodes[store->node_count];
	*node = (struct swarm_node){ .status = SWARM_NODE_READY, .status_at = command->at };
	if (swarm_node_spec_copy(&node->spec, &command->node) < 0)
		return -1;
	store->node_count++;
	return 0;
}

/* `docker node update --availability --role --label-add`: the new spec replaces the old. */
static int node_update(struct swarm_store *store, const struct swarm_command *command)
{
	struct swarm_node *node = swarm_store_node(store, command->node.id);
	if (!node)
		return refuse(command, "node", command->node.id, "no such node");
	struct swarm_node_spec spec;
	if (swarm_node_spec_copy(&spec, &command->node) < 0)
		return -1;
	swarm_node_spec_free(&node->spec);
	node->spec = spec;
	return 0;
}

/* The tasks on node that may still run there are ORPHANED: nobody knows what became of them,
 * and the orchestrator replaces them elsewhere. */
static void orphan_tasks_of(struct swarm_store *store, const char *node, uint64_t at, const char *why)
{
	for (size_t i = 0; i < store->task_count; i++) {
		struct swarm_task *task = &store->tasks[i];
		if (strcmp(task->node, node) != 0 || swarm_task_state_is_final(task->observed))
			continue;
		if (task->observed < SWARM_TASK_ASSIGNED)
			continue; /* a global task waiting for its node: it was never there */
		task->observed = SWARM_TASK_ORPHANED;
		task->observed_at = at;
		task->endpoint_count = 0;
		swarm_copy_name(task->message, sizeof(task->message), why);
	}
}

static int node_status(struct swarm_store *store, const struct swarm_command *command)
{
	struct swarm_node *node = swarm_store_node(store, command->name);
	if (!node)
		return refuse(command, "node", command->name, "no such node");
	if (node->status == command->node_status)
		return 0;
	node->status = command->node_status;
	node->status_at = command->at;
	if (node->status == SWARM_NODE_DOWN)
		orphan_tasks_of(store, node->spec.id, command->at, command->message[0] ? command->message : "node down");
	return 0;
}

/* `docker node rm`: the swarm forgets the node. A manager is refused: it is a member of Raft,
 * and leaving Raft is a change of its own (`node demote` first, as Docker asks). Whether the
 * node is down or removed anyway (--force) is the command's question, not the store's. */
static int node_remove(struct swarm_store *store, const struct swarm_command *command)
{
	struct swarm_node *node = swarm_store_node(store, command->name);
	if (!node)
		return refuse(command, "node", command->name, "no such node");
	if (node->spec.role == SWARM_MANAGER)
		return refuse(command, "node", command->name, "it is a manager: demote it first");
	orphan_tasks_of(store, node->spec.id, command->at, "node removed");
	swarm_node_spec_free(&node->spec);
	size_t index = (size_t)(node - store->nodes);
	memmove(&store->nodes[index], &store->nodes[index + 1], (store->node_count - index - 1) * sizeof(store->nodes[0]));
	store->node_count--;
	return 0;
}

/* --- tasks ---------------------------------------------------------------------------------- */

static int task_create(struct swarm_store *store, const struct swarm_command *command)
{
	const struct swarm_task *wanted = &command->task;
	const struct swarm_service *service = swarm_store_service(store, wanted->service);
	if (!service)
		return refuse(command, "service", wanted->service, "no such service");
	if (service->spec.mode == SWARM_REPLICATED && wanted->slot == 0)
		return refuse(command, "service", wanted->service, "a replicated task needs a slot");
	if (service->spec.mode == SWARM_GLOBAL && (wanted->slot != 0 || !swarm_store_node(store, wanted->node)))
		return refuse(command, "service", wanted->service, "a global task needs a node and no slot");
	if (grow_array((void **)&store->tasks, &store->task_capacity, store->task_count + 1,
		       sizeof(*store->tasks), "the swarm store") < 0)
		return -1;
	struct swarm_task *task = &store->tasks[store->task_count++];
	*task = *wanted;
	task->id = store->next_task_id++;
	task->desired = SWARM_TASK_RUNNING;
	task->observed = SWARM_TASK_NEW;
	task->created_at = task->observed_at = command->at;
	swarm_copy_name(task->message, sizeof(task->message), "created");
	struct swarm_task newest = *task;
	keep_slot_history(store, &newest);
	return 0;
}

static int task_assign(struct swarm_store *store, const struct swarm_command *command)
{
	struct swarm_task *task = swarm_store_task(store, command->task_id);
	char id[24];
	snprintf(id, sizeof(id), "%llu", (unsigned long long)command->task_id);
	if (!task)
		return refuse(command, "task", id, "no such task");
	if (task->observed >= SWARM_TASK_ASSIGNED)
		return refuse(command, "task", id, "it was assigned already");
	if (task->desired > SWARM_TASK_RUNNING)
		return refuse(command, "task", id, "it is shutting down");
	const struct swarm_node *node = swarm_store_node(store, command->name);
	if (!node)
		return refuse(command, "task", id, "no such node");
	if (task->node[0] && strcmp(task->node, command->name) != 0)
		return refuse(command, "task", id, "a global task runs on its own node only");
	swarm_copy_name(task->node, sizeof(task->node), command->name);
	task->observed = SWARM_TASK_ASSIGNED;
	task->observed_at = command->at;
	swarm_copy_name(task->message, sizeof(task->message), "scheduler assigned task to node");
	return 0;
}

static int task_state(struct swarm_store *store, const struct swarm_command *command)
{
	struct swarm_task *task = swarm_store_task(store, command->task_id);
	char id[24];
	snprintf(id, sizeof(id), "%llu", (unsigned long long)command->task_id);
	if (!task)
		return refuse(command, "task", id, "no such task");
	if (command->state <= task->observed)
		return refuse(command, "task", id, "task states only move forward");
	if (command->state > SWARM_TASK_ASSIGNED && command->state <= SWARM_TASK_RUNNING && !task->node[0])
		return refuse(command, "task", id, "it is on no node");
	task->observed = command->state;
	task->observed_at = command->at;
	swarm_copy_name(task->message, sizeof(task->message), command->message);
	/* Where the worker published the task's ports; an ended task is reachable nowhere, and the
	 * routing mesh must stop sending it connections. */
	if (command->endpoint_count || swarm_task_state_is_final(task->observed)) {
		task->endpoint_count = swarm_task_state_is_final(task->observed) ? 0 : command->endpoint_count;
		memcpy(task->endpoints, command->endpoints, task->endpoint_count * sizeof(*task->endpoints));
	}
	if (swarm_task_state_is_final(task->observed) && !swarm_store_service(store, task->service))
		remove_task_at(store, (size_t)(task - store->tasks));
	return 0;
}

static int task_desired(struct swarm_store *store, const struct swarm_command *command)
{
	struct swarm_task *task = swarm_store_task(store, command->task_id);
	char id[24];
	snprintf(id, sizeof(id), "%llu", (unsigned long long)command->task_id);
	if (!task)
		return refuse(command, "task", id, "no such task");
	if (command->state <= task->desired)
		return refuse(command, "task", id, "desired states only move forward");
	task->desired = command->state;
	swarm_copy_name(task->message, sizeof(task->message), command->message);
	/* A task that no worker has yet was never started: it is shut down here and now. */
	if (task->desired >= SWARM_TASK_SHUTDOWN && task->observed < SWARM_TASK_ASSIGNED) {
		task->observed = SWARM_TASK_SHUTDOWN;
		task->observed_at = command->at;
	}
	return 0;
}

int swarm_store_apply(struct swarm_store *store, const struct swarm_command *command)
{
	static int (*const apply[])(struct swarm_store *, const struct swarm_command *) = {
		[SWARM_SERVICE_CREATE] = service_create,
		[SWARM_SERVICE_UPDATE] = service_update,
		[SWARM_SERVICE_REMOVE] = service_remove,
		[SWARM_SERVICE_UPDATE_STATE] = service_update_state,
		[SWARM_SERVICE_ROLLBACK] = service_rollback,
		[SWARM_NODE_JOIN] = node_join,
		[SWARM_NODE_UPDATE] = node_update,
		[SWARM_NODE_STATUS] = node_status,
		[SWARM_TASK_CREATE] = task_create,
		[SWARM_TASK_ASSIGN] = task_assign,
		[SWARM_TASK_STATE] = task_state,
		[SWARM_TASK_DESIRED] = task_desired,
		[SWARM_NODE_REMOVE] = node_remove,
	};
	store->applied++;
	if ((size_t)command->kind >= sizeof(apply) / sizeof(apply[0]))
		return fail_errno(EINVAL, "cannot apply an unknown swarm command (%d)", (int)command->kind);
	return apply[command->kind](store, command);
}
