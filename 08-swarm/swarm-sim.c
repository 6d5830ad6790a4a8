/*
 * swarm-sim.c - the swarm on a virtual clock, with faults from a seed (swarm-sim.h).
 *
 * The worker model is what a tinydock worker agent will do with real containers, reduced
 * to timers: a container accepted at t runs from t + start delay; one drawn to fail exits
 * non-zero some seconds later; a crashed worker loses every container at once. The manager
 * side is the real code: dispatcher, orchestrator, scheduler and the store. What is checked
 * after each step is in swarm-sim-check.c.
 */
#include "swarm-sim-internal.h"

#include "error.h"
#include "swarm-orchestrator.h"
#include "swarm-scheduler.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* --- randomness and the trace --------------------------------------------------------------- */

/* splitmix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", 2014):
 * one 64-bit state, good enough spread for choosing faults, and trivially replayable. */
static uint64_t next_random(struct swarm_sim *sim)
{
	uint64_t z = (sim->random += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t random_below(struct swarm_sim *sim, uint64_t bound)
{
	return bound ? next_random(sim) % bound : 0;
}

static bool chance(struct swarm_sim *sim, unsigned percent)
{
	return random_below(sim, 100) < percent;
}

void swarm_sim_note(struct swarm_sim *sim, const char *fmt, ...)
{
	char *line = sim->trace[sim->trace_next];
	int used = snprintf(line, sizeof(sim->trace[0]), "%4" PRIu64 ".%03" PRIu64 " s  ", sim->now / 1000, sim->now % 1000);
	va_list args;
	va_start(args, fmt);
	vsnprintf(line + used, sizeof(sim->trace[0]) - (size_t)used, fmt, args);
	va_end(args);
	sim->trace_next = (sim->trace_next + 1) % SWARM_SIM_TRACE;
	if (sim->trace_count < SWARM_SIM_TRACE)
		sim->trace_count++;
}

void swarm_sim_print_trace(const struct swarm_sim *sim, FILE *out)
{
	size_t first = (sim->trace_next + SWARM_SIM_TRACE - sim->trace_count) % SWARM_SIM_TRACE;
	for (size_t i = 0; i < sim->trace_count; i++)
		fprintf(out, "%s\n", sim->trace[(first + i) % SWARM_SIM_TRACE]);
}

/* "web-1.3" or "monitor.w2": how `docker service ps` names a task. */
static const char *task_name(const struct swarm_task *task, char *buffer, size_t size)
{
	if (task->slot)
		snprintf(buffer, size, "%s.%" PRIu32, task->service, task->slot);
	else
		snprintf(buffer, size, "%s.%s", task->service, task->node);
	return buffer;
}

static void note_command(struct swarm_sim *sim, const struct swarm_command *command)
{
	const struct swarm_task *task = swarm_store_task(&sim->store, command->task_id);
	char name[2 * SWARM_NAME_MAX + 16];
	if (task)
		task_name(task, name, sizeof(name));
	switch (command->kind) {
	case SWARM_TASK_CREATE: {
		const struct swarm_task *created = &sim->store.tasks[sim->store.task_count - 1];
		swarm_sim_note(sim, "task %" PRIu64 " %s created (spec v%" PRIu64 ")", created->id,
		     task_name(created, name, sizeof(name)), created->service_version);
		break;
	}
	case SWARM_TASK_ASSIGN:
		swarm_sim_note(sim, "task %" PRIu64 " %s assigned to %s", command->task_id, task ? name : "?", command->name);
		break;
	case SWARM_TASK_STATE:
		if (command->state == SWARM_TASK_RUNNING || command->state >= SWARM_TASK_COMPLETE ||
		    command->state == SWARM_TASK_PENDING)
			swarm_sim_note(sim, "task %" PRIu64 " %s %s%s%s (%s)", command->task_id, task ? name : "?",
			     swarm_task_state_name(command->state), task && task->node[0] ? " on " : "",
			     task ? task->node : "", command->message);
		break;
	case SWARM_TASK_DESIRED:
		swarm_sim_note(sim, "task %" PRIu64 " %s told to %s (%s)", command->task_id, task ? name : "?",
		     swarm_task_state_name(command->state), command->message);
		break;
	case SWARM_NODE_STATUS:
		swarm_sim_note(sim, "node %s %s (%s)", command->name, swarm_node_status_name(command->node_status), command->message);
		break;
	case SWARM_NODE_UPDATE:
		swarm_sim_note(sim, "node %s availability %s", command->node.id, swarm_availability_name(command->node.availability));
		break;
	case SWARM_NODE_JOIN:
		swarm_sim_note(sim, "node %s joined (%s, %.1f CPUs, %lld MiB)", command->node.id, swarm_role_name(command->node.role),
		     (double)command->node.nano_cpus / 1e9, (long long)(command->node.memory_bytes >> 20));
		break;
	case SWARM_SERVICE_CREATE:
	case SWARM_SERVICE_UPDATE: {
		char mode[32] = "global";
		if (command->spec.mode == SWARM_REPLICATED)
			snprintf(mode, sizeof(mode), "%" PRIu32 " replicas", command->spec.replicas);
		swarm_sim_note(sim, "service %s %s: image %s, %s, update %s", command->spec.name,
		     command->kind == SWARM_SERVICE_CREATE ? "created" : "updated", command->spec.image, mode,
		     swarm_update_order_name(command->spec.update.order));
		break;
	}
	case SWARM_SERVICE_UPDATE_STATE:
	case SWARM_SERVICE_ROLLBACK:
		swarm_sim_note(sim, "service %s: %s", command->name, command->message);
		break;
	default:
		swarm_sim_note(sim, "%s", swarm_command_name(command->kind));
	}
}

/* --- proposing: every command through its bytes, into the store ---------------------------- */

static int record_order(struct swarm_sim *sim, const struct swarm_command *command)
{
	const struct swarm_service *service =
		swarm_store_service(&sim->store, command->kind == SWARM_SERVICE_ROLLBACK ? command->name : command->spec.name);
	if (sim->order_count == sim->order_capacity) {
		size_t capacity = sim->order_capacity ? 2 * sim->order_capacity : 16;
		struct version_order *grown = realloc(sim->orders, capacity * sizeof(*grown));
		if (!grown)
			return fail_errno(ENOMEM, "simulation: cannot record a service version");
		sim->orders = grown;
		sim->order_capacity = capacity;
	}
	struct version_order *order = &sim->orders[sim->order_count++];
	swarm_copy_name(order->service, sizeof(order->service), service->spec.name);
	order->version = service->version;
	order->start_first = service->spec.update.order == SWARM_START_FIRST;
	return 0;
}

static int propose_all(struct swarm_sim *sim)
{
	for (size_t i = 0; i < sim->commands.count; i++) {
		size_t size;
		char *bytes = swarm_command_encode(&sim->commands.items[i], &size);
		if (!bytes)
			return -1;
		struct swarm_command decoded;
		int rc = swarm_command_decode(bytes, size, &decoded);
		free(bytes);
		if (rc < 0)
			return fail_context("simulation: a command did not survive its bytes");
		sim->result->commands++;
		if (swarm_store_apply(&sim->store, &decoded) < 0) {
			sim->result->refused++;
			swarm_sim_note(sim, "refused: %s", error_message());
			error_clear();
		} else {
			note_command(sim, &decoded);
			if ((decoded.kind == SWARM_SERVICE_CREATE || decoded.kind == SWARM_SERVICE_UPDATE ||
			     decoded.kind == SWARM_SERVICE_ROLLBACK) && record_order(sim, &decoded) < 0) {
				swarm_command_free(&decoded);
				return -1;
			}
		}
		swarm_command_free(&decoded);
	}
	swarm_commands_clear(&sim->commands);
	return 0;
}

/* --- workers -------------------------------------------------------------------------------- */

struct container *swarm_sim_container_of(struct worker *worker, uint64_t task)
{
	for (size_t i = 0; i < worker->count; i++)
		if (worker->containers[i].task == task)
			return &worker->containers[i];
	return NULL;
}

static void container_remove(struct worker *worker, struct container *container)
{
	*container = worker->containers[--worker->count];
}

static int report(struct swarm_sim *sim, struct worker *worker, uint64_t task, enum swarm_task_state state,
                  const char *message)
{
	return swarm_dispatcher_report(&sim->store, worker->id, task, state, message, sim->now, &sim->commands);
}

static int start_container(struct swarm_sim *sim, struct worker *worker, uint64_t task)
{
	if (worker->count == worker->capacity) {
		size_t capacity = worker->capacity ? 2 * worker->capacity : 8;
		struct container *grown = realloc(worker->containers, capacity * sizeof(*grown));
		if (!grown)
			return fail_errno(ENOMEM, "simulation: worker %s", worker->id);
		worker->containers = grown;
		worker->capacity = capacity;
	}
	const struct swarm_sim_options *o = &sim->options;
	struct container *container = &worker->containers[worker->count++];
	*container = (struct container){
		.task = task,
		.reported = SWARM_TASK_PREPARING,
		.ready_at = sim->now + o->start_min_ms + random_below(sim, o->start_max_ms - o->start_min_ms + 1),
	};
	if (!sim->faults_over && chance(sim, o->fail_percent)) {
		container->fail_at = container->ready_at + 1 + random_below(sim, 8000);
		sim->result->container_failures++;
	}
	if (report(sim, worker, task, SWARM_TASK_ACCEPTED, "accepted") < 0)
		return -1;
	return report(sim, worker, task, SWARM_TASK_PREPARING, "preparing");
}

/* Do what the assignments say: run the tasks desired RUNNING, stop those desired SHUTDOWN,
 * and stop whatever runs here that the set does not name. */
static int worker_sync(struct swarm_sim *sim, struct worker *worker)
{
	struct swarm_assignment *assignments;
	size_t count;
	if (swarm_dispatcher_assignments(&sim->store, worker->id, &assignments, &count) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < count && rc == 0; i++) {
		const struct swarm_assignment *a = &assignments[i];
		struct container *container = swarm_sim_container_of(worker, a->task);
		if (a->desired == SWARM_TASK_RUNNING) {
			if (!container && a->record->observed >= SWARM_TASK_ACCEPTED)
				rc = report(sim, worker, a->task, SWARM_TASK_FAILED, "task lost: the worker restarted");
			else if (!container)
				rc = start_container(sim, worker, a->task);
		} else {
			if (container)
				container_remove(worker, container);
			rc = report(sim, worker, a->task, SWARM_TASK_SHUTDOWN, "shut down");
		}
	}
	/* containers the swarm no longer gives this worker */
	for (size_t i = 0; i < worker->count && rc == 0;) {
		bool listed = false;
		for (size_t j = 0; j < count && !listed; j++)
			listed = assignments[j].task == worker->containers[i].task;
		if (listed)
			i++;
		else
			container_remove(worker, &worker->containers[i]);
	}
	free(assignments);
	return rc;
}

static int worker_step(struct swarm_sim *sim, struct worker *worker)
{
	if (!worker->up) {
		if (!worker->restart_at || sim->now < worker->restart_at)
			return 0;
		worker->up = true;
		worker->restart_at = 0;
		worker->next_heartbeat = sim->now;
		swarm_sim_note(sim, "worker %s starts again, with no containers", worker->id);
	}
	if (sim->now >= worker->next_heartbeat) {
		if (swarm_dispatcher_heartbeat(&sim->dispatcher, &sim->store, worker->id, sim->now, &sim->commands) < 0)
			return -1;
		worker->next_heartbeat += sim->dispatcher.heartbeat_ms;
	}
	if (worker_sync(sim, worker) < 0)
		return -1;
	for (size_t i = 0; i < worker->count;) {
		struct container *c = &worker->containers[i];
		if (c->reported < SWARM_TASK_RUNNING && sim->now >= c->ready_at) {
			c->reported = SWARM_TASK_RUNNING;
			if (report(sim, worker, c->task, SWARM_TASK_STARTING, "starting") < 0 ||
			    report(sim, worker, c->task, SWARM_TASK_RUNNING, "started") < 0)
				return -1;
		}
		if (c->fail_at && c->reported == SWARM_TASK_RUNNING && sim->now >= c->fail_at) {
			if (report(sim, worker, c->task, SWARM_TASK_FAILED, "task: non-zero exit (1)") < 0)
				return -1;
			container_remove(worker, c);
			continue;
		}
		i++;
	}
	return 0;
}

static void worker_crash(struct swarm_sim *sim, struct worker *worker, uint64_t restart_at)
{
	worker->up = false;
	worker->count = 0;
	worker->restart_at = restart_at;
	sim->result->crashes++;
	swarm_sim_note(sim, "worker %s crashes (its containers die with it)", worker->id);
}

/* --- the manager ---------------------------------------------------------------------------- */

static int manager_step(struct swarm_sim *sim)
{
	if (propose_all(sim) < 0 || swarm_dispatcher_tick(&sim->dispatcher, &sim->store, sim->now, &sim->commands) < 0 ||
	    propose_all(sim) < 0)
		return -1;
	if (sim->store.applied == sim->round_applied && sim->now < sim->wake_at)
		return 0;
	sim->wake_at = UINT64_MAX;
	if (swarm_orchestrate(&sim->store, sim->now, &sim->commands, &sim->wake_at) < 0 || propose_all(sim) < 0 ||
	    swarm_schedule(&sim->store, sim->now, &sim->commands) < 0 || propose_all(sim) < 0)
		return -1;
	sim->round_applied = sim->store.applied;
	return 0;
}

/* --- faults --------------------------------------------------------------------------------- */

static int propose_one(struct swarm_sim *sim, struct swarm_command *command)
{
	struct swarm_command *slot = swarm_commands_add(&sim->commands, command->kind, sim->now);
	if (!slot) {
		swarm_command_free(command);
		return -1;
	}
	*slot = *command;
	return propose_all(sim);
}

static int set_availability(struct swarm_sim *sim, const struct swarm_node *node, enum swarm_availability availability)
{
	struct swarm_command command;
	swarm_command_init(&command, SWARM_NODE_UPDATE, sim->now);
	if (swarm_node_spec_copy(&command.node, &node->spec) < 0)
		return -1;
	command.node.availability = availability;
	return propose_one(sim, &command);
}

static int update_service(struct swarm_sim *sim, const struct swarm_service *service, bool scale)
{
	struct swarm_command command;
	swarm_command_init(&command, SWARM_SERVICE_UPDATE, sim->now);
	if (swarm_service_spec_copy(&command.spec, &service->spec) < 0)
		return -1;
	struct swarm_service_spec *spec = &command.spec;
	if (scale) {
		spec->replicas = (uint32_t)random_below(sim, 7);
		sim->result->scalings++;
	} else {
		snprintf(spec->image, sizeof(spec->image), "%s:v%" PRIu64, spec->name, service->versions + 1);
		spec->update.order = chance(sim, 50) ? SWARM_START_FIRST : SWARM_STOP_FIRST;
		spec->update.parallelism = (uint32_t)random_below(sim, 4);
		spec->update.delay_ms = chance(sim, 50) ? 0 : 1000;
		spec->update.failure_action = chance(sim, 50) ? SWARM_UPDATE_CONTINUE : SWARM_UPDATE_ROLLBACK;
		sim->result->updates++;
	}
	return propose_one(sim, &command);
}

static int random_fault(struct swarm_sim *sim)
{
	struct worker *worker = &sim->workers[random_below(sim, sim->options.workers)];
	const struct swarm_node *node = swarm_store_node(&sim->store, worker->id);
	switch (random_below(sim, 4)) {
	case 0:
		if (worker->up)
			worker_crash(sim, worker, sim->now + 1000 + random_below(sim, 10000));
		return 0;
	case 1:
		sim->result->drains += node->spec.availability == SWARM_ACTIVE;
		return set_availability(sim, node, node->spec.availability == SWARM_ACTIVE ? SWARM_DRAIN : SWARM_ACTIVE);
	case 2:
	case 3: {
		const struct swarm_service *service = &sim->store.services[random_below(sim, sim->options.services)];
		return update_service(sim, service, random_below(sim, 4) == 2);
	}
	}
	return 0;
}

/* Faults are over: every worker comes back, every node takes tasks again. */
static int heal(struct swarm_sim *sim)
{
	swarm_sim_note(sim, "faults stop: every worker up, every node active");
	sim->faults_over = true;
	for (size_t i = 0; i < sim->options.workers; i++) {
		struct worker *worker = &sim->workers[i];
		if (!worker->up)
			worker->restart_at = sim->now;
		const struct swarm_node *node = swarm_store_node(&sim->store, worker->id);
		if (node->spec.availability != SWARM_ACTIVE && set_availability(sim, node, SWARM_ACTIVE) < 0)
			return -1;
	}
	return 0;
}

/* --- setting up and running ----------------------------------------------------------------- */

struct swarm_sim_options swarm_sim_default_options(uint64_t seed)
{
	return (struct swarm_sim_options){
		.seed = seed,
		.scenario = SWARM_SIM_CHURN,
		.workers = 5,
		.services = 2,
		.replicas = 3,
		.tick_ms = 50,
		.heartbeat_ms = SWARM_HEARTBEAT_MS,
		.start_min_ms = 100,
		.start_max_ms = 500,
		.fail_percent = 10,
		.fault_percent = 3,
		.fault_time_ms = 20000,
		.settle_limit_ms = 60000,
		.stop_on_converged = true,
	};
}

void swarm_sim_free(struct swarm_sim *sim)
{
	if (!sim)
		return;
	for (size_t i = 0; sim->workers && i < sim->options.workers; i++)
		free(sim->workers[i].containers);
	free(sim->workers);
	free(sim->seen);
	free(sim->keys);
	free(sim->orders);
	swarm_commands_free(&sim->commands);
	swarm_dispatcher_free(&sim->dispatcher);
	swarm_store_free(&sim->store);
	free(sim);
}

static int setup(struct swarm_sim *sim)
{
	const struct swarm_sim_options *o = &sim->options;
	for (size_t i = 0; i < o->workers; i++) {
		struct worker *worker = &sim->workers[i];
		snprintf(worker->id, sizeof(worker->id), "w%zu", i + 1);
		worker->up = true;
		worker->next_heartbeat = random_below(sim, sim->dispatcher.heartbeat_ms);
		struct swarm_command *join = swarm_commands_add(&sim->commands, SWARM_NODE_JOIN, 0);
		if (!join)
			return -1;
		swarm_copy_name(join->node.id, sizeof(join->node.id), worker->id);
		swarm_copy_name(join->node.hostname, sizeof(join->node.hostname), worker->id);
		snprintf(join->node.address, sizeof(join->node.address), "10.0.0.%zu:2377", i + 10);
		join->node.nano_cpus = 4000000000LL;
		join->node.memory_bytes = 8LL << 30;
	}
	for (size_t i = 0; i <= o->services; i++) {
		struct swarm_command *create = swarm_commands_add(&sim->commands, SWARM_SERVICE_CREATE, 0);
		if (!create)
			return -1;
		char name[SWARM_NAME_MAX];
		snprintf(name, sizeof(name), i < o->services ? "web-%zu" : "monitor", i + 1);
		char image[SWARM_IMAGE_MAX];
		snprintf(image, sizeof(image), "%s:v1", name);
		swarm_service_spec_default(&create->spec, name, image);
		create->spec.replicas = o->replicas;
		create->spec.mode = i < o->services ? SWARM_REPLICATED : SWARM_GLOBAL;
		create->spec.reserve_nano_cpus = 100000000;      /* 0.1 CPU */
		create->spec.reserve_memory_bytes = 64LL << 20;
	}
	return propose_all(sim);
}

struct swarm_sim *swarm_sim_new(const struct swarm_sim_options *options)
{
	struct swarm_sim *sim = calloc(1, sizeof(*sim));
	if (!sim) {
		fail_errno(ENOMEM, "cannot start a swarm simulation");
		return NULL;
	}
	sim->options = *options;
	sim->random = options->seed;
	swarm_store_init(&sim->store);
	swarm_dispatcher_init(&sim->dispatcher, options->heartbeat_ms, 0);
	sim->workers = calloc(options->workers ? options->workers : 1, sizeof(*sim->workers));
	if (!sim->workers) {
		swarm_sim_free(sim);
		fail_errno(ENOMEM, "cannot start a swarm simulation");
		return NULL;
	}
	return sim;
}

const struct swarm_store *swarm_sim_store(const struct swarm_sim *sim)
{
	return &sim->store;
}

/* Room for a key per task and per container (a task runs in one container at most). */
static int reserve_scratch(struct swarm_sim *sim, size_t *capacity)
{
	size_t containers = 0;
	for (size_t w = 0; w < sim->options.workers; w++)
		containers += sim->workers[w].count;
	size_t wanted = sim->store.task_count + containers + 1;
	if (wanted <= *capacity)
		return 0;
	wanted *= 2;
	struct running *keys = realloc(sim->keys, wanted * sizeof(*keys));
	struct seen_task *seen = keys ? realloc(sim->seen, wanted * sizeof(*seen)) : NULL;
	if (keys)
		sim->keys = keys;
	if (!keys || !seen)
		return fail_errno(ENOMEM, "simulation: cannot check %zu tasks", sim->store.task_count);
	sim->seen = seen;
	*capacity = wanted;
	return 0;
}

/* The kill-worker scenario's victim: the worker with most containers. */
static struct worker *busiest_worker(struct swarm_sim *sim)
{
	struct worker *busiest = &sim->workers[0];
	for (size_t w = 1; w < sim->options.workers; w++)
		if (sim->workers[w].count > busiest->count)
			busiest = &sim->workers[w];
	return busiest;
}

int swarm_sim_run(struct swarm_sim *sim, struct swarm_sim_result *result)
{
	*result = (struct swarm_sim_result){ .ok = true };
	sim->result = result;
	const struct swarm_sim_options *o = &sim->options;
	bool churn = o->scenario == SWARM_SIM_CHURN;
	uint64_t settle_from = churn ? o->fault_time_ms : 0, deadline = settle_from + o->settle_limit_ms;
	size_t capacity = 0;
	if (!churn)
		sim->faults_over = true;
	if (setup(sim) < 0)
		return -1;
	for (sim->now = 0; result->ok; sim->now += o->tick_ms) {
		if (churn && !sim->faults_over) {
			if (sim->now >= o->fault_time_ms) {
				if (heal(sim) < 0)
					return -1;
			} else if (chance(sim, o->fault_percent) && random_fault(sim) < 0) {
				return -1;
			}
		}
		for (size_t w = 0; w < o->workers; w++)
			if (worker_step(sim, &sim->workers[w]) < 0)
				return -1;
		if (manager_step(sim) < 0 || reserve_scratch(sim, &capacity) < 0)
			return -1;
		if (swarm_sim_check_invariants(sim))
			break;
		if (result->refused) {
			swarm_sim_fail(sim, "the store refused a command of the control loops");
			break;
		}
		if (sim->now >= settle_from && swarm_sim_converged(sim)) {
			if (!churn && !sim->killed_at) {
				/* converged before the kill: now kill, and count the recovery from here */
				struct worker *victim = busiest_worker(sim);
				sim->killed_at = sim->now;
				settle_from = sim->now;
				deadline = sim->now + o->settle_limit_ms;
				worker_crash(sim, victim, 0);
				continue;
			}
			result->converged_ms = sim->now;
			result->recovery_ms = sim->killed_at ? sim->now - sim->killed_at : 0;
			swarm_sim_note(sim, "converged: every service runs as desired");
			if (o->stop_on_converged)
				break;
		}
		if (sim->now >= deadline) {
			if (!result->converged_ms)
				swarm_sim_fail(sim, "not converged %" PRIu64 " ms after the faults stopped", o->settle_limit_ms);
			break;
		}
	}
	result->end_ms = sim->now;
	return 0;
}
