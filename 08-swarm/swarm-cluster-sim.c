/*
 * swarm-cluster-sim.c - managers running Raft, each applying the swarm's committed commands to
 * its own store; a leader running the control loops through Raft; workers following it.
 *
 * One step of the world (cluster_step, tick_ms of virtual time):
 *   1. Raft runs for tick_ms (raft_sim_run_until): messages, timers, elections, faults;
 *   2. every manager applies what its Raft node has committed since the last step, or rebuilds
 *      its store when it restarted or received a snapshot, and takes a snapshot now and then;
 *   3. the stores that moved are checked (swarm-cluster-check.c);
 *   4. the workers act: find the leader, heartbeat, take their assignments, start and stop
 *      containers, report;
 *   5. the leader's loops act: dispatcher, orchestrator, scheduler (and the operator's
 *      changes), and the step's commands go to Raft as one entry, a JSON line each.
 * The store only changes in step 2: a command proposed in step 4 or 5 takes effect once a
 * majority of managers has it, a step or more later, or never, if its leader falls first.
 * Between steps, the scenario strikes (swarm-cluster-scenarios.c): a kill, a partition, a
 * restart.
 *
 * Read next: swarm-cluster-check.c, swarm-cluster-scenarios.c, then swarm-simulate.c.
 */
#include "swarm-cluster-sim-internal.h"
#include "error.h"
#include "swarm-manager.h"
#include "swarm-snapshot.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* --- the world ------------------------------------------------------------------------------ */

static uint64_t sim_random(struct swarm_cluster_sim *sim)
{
	uint64_t z = (sim->random += 0x9e3779b97f4a7c15ull); /* splitmix64, as in raft.c */
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t cluster_random_below(struct swarm_cluster_sim *sim, uint64_t bound)
{
	return bound ? sim_random(sim) % bound : 0;
}

int cluster_broken(struct swarm_cluster_sim *sim, const char *fmt, ...)
{
	char what[384];
	va_list args;
	va_start(args, fmt);
	vsnprintf(what, sizeof(what), fmt, args);
	va_end(args);
	struct swarm_cluster_result *result = sim->result;
	if (result->ok) {
		result->ok = false;
		snprintf(result->failure, sizeof(result->failure), "seed %" PRIu64 ", at %" PRIu64 " ms: %s",
			 sim->options.seed, sim->now, what);
		raft_sim_note(&sim->raft, "BROKEN: %s", what);
	}
	return 1;
}

struct raft_sim_node *cluster_raft_node(struct swarm_cluster_sim *sim, raft_id id)
{
	return &sim->raft.nodes[id - 1];
}

/* "web-1.3": how `docker service ps` names the task of a slot. */
const char *cluster_task_name(const struct swarm_task *task, char *buffer, size_t size)
{
	snprintf(buffer, size, "%s.%" PRIu32, task->service, task->slot);
	return buffer;
}

/* --- the managers: committed entries into stores --------------------------------------------- */

/* The node the slot of task ran on before it, "" when none (the slot's first task). */
static const char *previous_node(const struct swarm_store *store, const struct swarm_task *task)
{
	const char *node = "";
	for (size_t i = 0; i < store->task_count && store->tasks[i].id < task->id; i++) {
		const struct swarm_task *other = &store->tasks[i];
		if (other->slot == task->slot && strcmp(other->service, task->service) == 0 && other->node[0])
			node = other->node;
	}
	return node;
}

/* The timeline's line for a command applied for the first time: who went down, which task
 * went where, what runs. The rest (task states on the way) is in the trace. */
static void note_command(struct swarm_cluster_sim *sim, const struct swarm_store *store,
			 const struct swarm_command *command)
{
	const struct swarm_task *task = swarm_store_task(store, command->task_id);
	char name[2 * SWARM_NAME_MAX + 16];
	switch (command->kind) {
	case SWARM_NODE_STATUS:
		raft_sim_note(&sim->raft, "node %s is %s (%s)", command->name, swarm_node_status_name(command->node_status),
			      command->message);
		break;
	case SWARM_TASK_ASSIGN: {
		if (!task)
			break;
		const char *before = previous_node(store, task);
		if (before[0] && strcmp(before, command->name) != 0) {
			sim->result->moves++;
			raft_sim_note(&sim->raft, "task %s moves from %s to %s", cluster_task_name(task, name, sizeof(name)), before,
				      command->name);
		} else if (sim->options.workers <= 10) {
			raft_sim_note(&sim->raft, "task %s is placed on %s", cluster_task_name(task, name, sizeof(name)),
				      command->name);
		}
		break;
	}
	case SWARM_SERVICE_CREATE:
	case SWARM_SERVICE_UPDATE:
		raft_sim_note(&sim->raft, "service %s %s: %" PRIu32 " replicas", command->spec.name,
			      command->kind == SWARM_SERVICE_CREATE ? "created" : "updated", command->spec.replicas);
		break;
	default:
		break;
	}
}

/* Rebuild the store of manager id from the snapshot its Raft node holds: what a manager does
 * when it restarts, or when the leader sends it a snapshot because it is too far behind. */
static int restore_store(struct swarm_cluster_sim *sim, raft_id id)
{
	struct manager *manager = &sim->managers[id - 1];
	const struct raft_snapshot *snapshot = &cluster_raft_node(sim, id)->raft.persisted.log.snapshot;
	swarm_store_free(&manager->store);
	swarm_store_init(&manager->store);
	/* raft_sim_snapshot put the simulation's hash of the log first; the store's bytes follow. */
	if (snapshot->size > sizeof(uint64_t) &&
	    swarm_store_restore(&manager->store, snapshot->data + sizeof(uint64_t), snapshot->size - sizeof(uint64_t)) < 0)
		return cluster_broken(sim, "manager %u cannot restore the snapshot at %" PRIu64 ": %s", id, snapshot->index,
			      error_message());
	manager->applied = snapshot->index;
	return 0;
}

/* What the timeline learns of each command applied for the first time. */
struct first_apply {
	struct swarm_cluster_sim *sim;
	bool first_time;
};

static void noted(void *context, const struct swarm_store *store, const struct swarm_command *command,
		  const char *refused)
{
	struct first_apply *apply = context;
	if (!apply->first_time)
		return;
	if (!refused)
		note_command(apply->sim, store, command);
	apply->sim->result->entries++;
}

/* Apply the commands of one entry, a line each, to manager id's store (swarm-manager.c, as
 * the node process does). */
static int apply_batch(struct swarm_cluster_sim *sim, raft_id id, raft_index index, const struct raft_entry *entry)
{
	struct manager *manager = &sim->managers[id - 1];
	struct first_apply apply = { .sim = sim, .first_time = index > sim->noted };
	if (swarm_manager_apply_batch(&manager->store, entry->data, entry->size, noted, &apply, NULL, 0) < 0)
		return cluster_broken(sim, "manager %u cannot read entry %" PRIu64 ": %s", id, index, error_message());
	if (apply.first_time)
		sim->noted = index;
	return 0;
}

/* Bring manager id's store up to what its Raft node has applied. */
static int sync_manager(struct swarm_cluster_sim *sim, raft_id id)
{
	struct manager *manager = &sim->managers[id - 1];
	struct raft_sim_node *node = cluster_raft_node(sim, id);
	if (!node->up) {
		if (manager->up) { /* a crash: the store was in memory, it is gone */
			swarm_store_free(&manager->store);
			swarm_store_init(&manager->store);
			manager->up = false;
		}
		return 0;
	}
	if (!manager->up || manager->restarts != node->restarts) { /* it restarted: start over */
		manager->up = true;
		manager->restarts = node->restarts;
		swarm_store_free(&manager->store);
		swarm_store_init(&manager->store);
		manager->applied = manager->checked = 0;
	}
	const struct raft_log *log = &node->raft.persisted.log;
	if (log->snapshot.index > manager->applied && restore_store(sim, id))
		return 1;
	for (raft_index index = manager->applied + 1; index <= node->raft.last_applied; index++) {
		const struct raft_entry *entry = raft_log_entry(log, index);
		manager->applied = index;
		if (entry->kind != RAFT_ENTRY_COMMAND)
			continue; /* a leader's no-op, a change of managers: nothing for the store */
		if (apply_batch(sim, id, index, entry) != 0)
			return 1;
	}
	size_t every = sim->options.snapshot_every;
	if (every && manager->applied >= log->snapshot.index + every && manager->applied == node->applied_index) {
		size_t size;
		char *bytes = swarm_store_snapshot(&manager->store, &size);
		if (!bytes)
			return -1;
		int status = raft_sim_snapshot(&sim->raft, id, manager->applied, bytes, size);
		free(bytes);
		if (status < 0)
			return cluster_broken(sim, "%s", error_message());
	}
	return 0;
}

/* --- the leader ----------------------------------------------------------------------------- */

/* The leader's store holds everything in its log: only then does it know what is committed,
 * and only then are its loops' answers not already on their way. */
bool cluster_leader_caught_up(struct swarm_cluster_sim *sim)
{
	if (!sim->leader)
		return false;
	const struct manager *manager = &sim->managers[sim->leader - 1];
	struct raft_sim_node *node = cluster_raft_node(sim, sim->leader);
	return manager->up && node->up && manager->applied == raft_log_last_index(&node->raft.persisted.log);
}

/* Propose the commands gathered in sim->commands to the leader as one entry: their JSON
 * bytes, one command a line (swarm_manager_batch). Every manager applies the lines in order. */
static int propose_all(struct swarm_cluster_sim *sim)
{
	if (!sim->commands.count)
		return 0;
	size_t length;
	char *batch = swarm_manager_batch(&sim->commands, &length);
	if (!batch)
		return -1;
	enum raft_refusal refusal;
	int status = 0;
	if (raft_sim_propose_bytes(&sim->raft, sim->leader, batch, length, &refusal, NULL) < 0)
		status = cluster_broken(sim, "%s", error_message());
	free(batch);
	return status;
}

/* The leader of the highest term, as Raft says; a new one gets a fresh dispatcher. */
static int follow_raft_leader(struct swarm_cluster_sim *sim)
{
	raft_id leader = raft_sim_leader(&sim->raft);
	raft_term term = leader ? cluster_raft_node(sim, leader)->raft.persisted.term : 0;
	if (leader == sim->leader && term == sim->leader_term)
		return 0;
	sim->leader = leader;
	sim->leader_term = term;
	if (!leader)
		return 0;
	/* Heartbeat times are the old leader's memory, lost with it: every worker gets a whole
	 * grace period to find the new leader before it can be declared down. */
	swarm_dispatcher_free(&sim->dispatcher);
	swarm_dispatcher_init(&sim->dispatcher, sim->options.heartbeat_ms, sim->now);
	return 0;
}

/* The operator's commands: the workers join, the services are created (once the leader is
 * up to date and they are not in its store yet), and kill-leader's change of replicas. */
static int operator_commands(struct swarm_cluster_sim *sim, const struct swarm_store *store)
{
	const struct swarm_cluster_options *o = &sim->options;
	for (size_t i = 0; i < o->workers; i++) {
		const struct worker *worker = &sim->workers[i];
		if (swarm_store_node(store, worker->id))
			continue;
		struct swarm_command *join = swarm_commands_add(&sim->commands, SWARM_NODE_JOIN, sim->now);
		if (!join)
			return -1;
		swarm_copy_name(join->node.id, sizeof(join->node.id), worker->id);
		swarm_copy_name(join->node.hostname, sizeof(join->node.hostname), worker->id);
		snprintf(join->node.address, sizeof(join->node.address), "10.0.%zu.%zu:2377", (i + 10) / 250,
			 (i + 10) % 250);
		join->node.nano_cpus = 4000000000LL;
		join->node.memory_bytes = 8LL << 30;
	}
	for (size_t i = 0; i < o->services; i++) {
		char name[SWARM_NAME_MAX], image[SWARM_IMAGE_MAX];
		snprintf(name, sizeof(name), "web-%zu", i + 1);
		const struct swarm_service *service = swarm_store_service(store, name);
		uint32_t replicas = o->replicas + (i == 0 ? sim->extra_replicas : 0);
		if (service && service->spec.replicas == replicas)
			continue;
		struct swarm_command *command =
			swarm_commands_add(&sim->commands, service ? SWARM_SERVICE_UPDATE : SWARM_SERVICE_CREATE, sim->now);
		if (!command)
			return -1;
		if (service) {
			if (swarm_service_spec_copy(&command->spec, &service->spec) < 0)
				return -1;
		} else {
			snprintf(image, sizeof(image), "%s:v1", name);
			swarm_service_spec_default(&command->spec, name, image);
		}
		command->spec.replicas = replicas;
	}
	return 0;
}

/* The leader's loops, on its store (swarm-manager.c, as the node process runs them), after
 * the operator's changes; their commands join the workers' reports in sim->commands, and all
 * are proposed at once. */
static int leader_step(struct swarm_cluster_sim *sim)
{
	const struct swarm_store *store = &sim->managers[sim->leader - 1].store;
	size_t before = sim->commands.count;
	if (operator_commands(sim, store) < 0)
		return -1;
	return swarm_manager_loops(store, &sim->dispatcher, sim->now, &sim->commands, before);
}

/* --- the workers ---------------------------------------------------------------------------- */

struct container *cluster_container_of(struct worker *worker, uint64_t task)
{
	for (size_t i = 0; i < worker->count; i++)
		if (worker->containers[i].task == task)
			return &worker->containers[i];
	return NULL;
}

/* A worker that has no leader, or whose leader no longer leads, asks a manager who leads
 * (the manager's Raft node knows the leader it last heard from), and follows that one. A
 * leader cut off from the others still calls itself leader until check-quorum makes it step
 * down: its workers stay with it until then, and the new leader does not hear them. */
static void find_leader(struct swarm_cluster_sim *sim, struct worker *worker)
{
	if (worker->leader) {
		struct raft_sim_node *node = cluster_raft_node(sim, worker->leader);
		if (node->up && node->raft.role == RAFT_LEADER)
			return;
	}
	raft_id asked = worker->leader;
	if (!asked || !cluster_raft_node(sim, asked)->up)
		asked = 1 + (raft_id)cluster_random_below(sim, sim->options.managers);
	struct raft_sim_node *node = cluster_raft_node(sim, asked);
	raft_id hint = node->up ? node->raft.leader : 0;
	raft_id before = worker->leader;
	worker->leader = hint && cluster_raft_node(sim, hint)->up && cluster_raft_node(sim, hint)->raft.role == RAFT_LEADER ? hint : 0;
	if (worker->leader && worker->leader != before && sim->options.workers <= 10)
		raft_sim_note(&sim->raft, "worker %s follows leader %u", worker->id, worker->leader);
}

static int report(struct swarm_cluster_sim *sim, struct worker *worker, uint64_t task, enum swarm_task_state state,
		  const char *message)
{
	const struct swarm_store *store = &sim->managers[sim->leader - 1].store;
	return swarm_dispatcher_report(store, worker->id, task, state, message, sim->now, &sim->commands);
}

/* Do what the assignments say (swarm-dispatcher.h), then report every container's state: a
 * report lost with a fallen leader is made again, and a stale one is dropped by the dispatcher. */
static int worker_sync(struct swarm_cluster_sim *sim, struct worker *worker)
{
	const struct swarm_store *store = &sim->managers[sim->leader - 1].store;
	struct swarm_assignment *assignments;
	size_t count;
	if (swarm_dispatcher_assignments(store, worker->id, &assignments, &count) < 0)
		return -1;
	int status = 0;
	for (size_t i = 0; i < count && status == 0; i++) {
		const struct swarm_assignment *a = &assignments[i];
		struct container *container = cluster_container_of(worker, a->task);
		if (a->desired != SWARM_TASK_RUNNING) {
			if (container)
				*container = worker->containers[--worker->count];
			status = report(sim, worker, a->task, SWARM_TASK_SHUTDOWN, "shut down");
		} else if (!container && a->record->observed >= SWARM_TASK_ACCEPTED) {
			status = report(sim, worker, a->task, SWARM_TASK_FAILED, "task lost: the worker restarted");
		} else if (!container) {
			if (worker->count == worker->capacity) {
				size_t capacity = worker->capacity ? 2 * worker->capacity : 8;
				struct container *grown = realloc(worker->containers, capacity * sizeof(*grown));
				if (!grown) {
					status = fail_errno(ENOMEM, "swarm simulation: worker %s", worker->id);
					break;
				}
				worker->containers = grown;
				worker->capacity = capacity;
			}
			const struct swarm_cluster_options *o = &sim->options;
			worker->containers[worker->count++] = (struct container){
				.task = a->task,
				.ready_at = sim->now + o->start_min_ms + cluster_random_below(sim, o->start_max_ms - o->start_min_ms + 1),
			};
		}
	}
	for (size_t i = 0; i < worker->count && status == 0;) { /* what the swarm no longer gives it */
		bool listed = false;
		for (size_t j = 0; j < count && !listed; j++)
			listed = assignments[j].task == worker->containers[i].task;
		if (listed)
			i++;
		else
			worker->containers[i] = worker->containers[--worker->count];
	}
	free(assignments);
	for (size_t i = 0; i < worker->count && status == 0; i++) {
		struct container *c = &worker->containers[i];
		c->running = c->running || sim->now >= c->ready_at;
		status = c->running ? report(sim, worker, c->task, SWARM_TASK_RUNNING, "started")
				    : report(sim, worker, c->task, SWARM_TASK_PREPARING, "preparing");
	}
	return status;
}

/* A worker's turn: find the leader, heartbeat, and, when the leader's store is up to date
 * (caught_up), do what it says and report. */
static int worker_step(struct swarm_cluster_sim *sim, struct worker *worker, bool caught_up)
{
	if (!worker->up)
		return 0;
	find_leader(sim, worker);
	if (!worker->leader || worker->leader != sim->leader)
		return 0; /* no leader, or one whose term is over: nothing it says will count */
	const struct swarm_store *store = &sim->managers[sim->leader - 1].store;
	if (!swarm_store_node(store, worker->id))
		return 0; /* not joined yet */
	if (sim->now >= worker->next_heartbeat) {
		worker->next_heartbeat = sim->now + sim->options.heartbeat_ms;
		if (swarm_dispatcher_heartbeat(&sim->dispatcher, store, worker->id, sim->now, &sim->commands) < 0)
			return -1;
	}
	return caught_up ? worker_sync(sim, worker) : 0;
}

void cluster_worker_crash(struct swarm_cluster_sim *sim, struct worker *worker)
{
	worker->up = false;
	worker->count = 0;
	raft_sim_note(&sim->raft, "worker %s crashes (its containers die with it)", worker->id);
}

void cluster_worker_restart(struct swarm_cluster_sim *sim, struct worker *worker)
{
	if (worker->up)
		return;
	worker->up = true;
	worker->leader = 0;
	worker->next_heartbeat = sim->now;
	raft_sim_note(&sim->raft, "worker %s starts again, with no containers", worker->id);
}

/* --- one step ----------------------------------------------------------------------------- */

int cluster_step(struct swarm_cluster_sim *sim)
{
	if (raft_sim_run_until(&sim->raft, sim->now + sim->options.tick_ms) < 0)
		return cluster_broken(sim, "%s", error_message());
	sim->now = sim->raft.now;
	int status = 0;
	for (raft_id id = 1; id <= sim->options.managers && status == 0; id++)
		status = sync_manager(sim, id);
	if (status == 0)
		status = cluster_check_stores(sim);
	if (status == 0)
		status = follow_raft_leader(sim);
	bool caught_up = cluster_leader_caught_up(sim);
	for (size_t i = 0; i < sim->options.workers && status == 0; i++)
		status = worker_step(sim, &sim->workers[i], caught_up);
	if (status == 0 && caught_up)
		status = leader_step(sim);
	if (status == 0 && caught_up)
		return propose_all(sim);
	swarm_commands_clear(&sim->commands); /* a heartbeat's "ready again" is asked again at the next */
	return status;
}

/* --- setup --------------------------------------------------------------------------------- */

struct swarm_cluster_options swarm_cluster_default_options(uint64_t seed)
{
	return (struct swarm_cluster_options){
		.seed = seed,
		.scenario = SWARM_CLUSTER_KILL_LEADER,
		.managers = 3,
		.workers = 5,
		.services = 2,
		.replicas = 3,
		.tick_ms = 50,
		.heartbeat_ms = SWARM_HEARTBEAT_MS,
		.start_min_ms = 100,
		.start_max_ms = 500,
		.down_for_ms = 10000,
		.churn_until_ms = 20000,
		.churn_clock_skew_permille = 50,
		.settle_limit_ms = 60000,
		/* Small, so that runs take snapshots, and send them to managers that fell behind
		 * (Swarm's --snapshot-interval is 10,000 entries). */
		.snapshot_every = 8,
		.check_stores = true,
		.raft = raft_default_options(0, 0),
	};
}

struct swarm_cluster_sim *swarm_cluster_sim_new(const struct swarm_cluster_options *options)
{
	if (options->managers == 0 || options->managers > RAFT_MAX_MEMBERS || options->workers == 0 ||
	    options->tick_ms == 0 || options->start_max_ms < options->start_min_ms) {
		fail_errno(EINVAL, "cannot simulate %zu managers (1 to %d) and %zu workers (1 at least)", options->managers,
			   RAFT_MAX_MEMBERS, options->workers);
		return NULL;
	}
	struct swarm_cluster_sim *sim = calloc(1, sizeof(*sim));
	struct worker *workers = calloc(options->workers, sizeof(*workers));
	if (!sim || !workers) {
		free(sim);
		free(workers);
		fail_errno(ENOMEM, "cannot start a swarm simulation");
		return NULL;
	}
	sim->options = *options;
	sim->random = options->seed ^ 0x5157a12du;
	sim->workers = workers;
	for (size_t i = 0; i < RAFT_MAX_MEMBERS; i++)
		swarm_store_init(&sim->managers[i].store);
	for (size_t i = 0; i < options->workers; i++) {
		struct worker *worker = &workers[i];
		snprintf(worker->id, sizeof(worker->id), "w%zu", i + 1);
		worker->up = true;
		worker->next_heartbeat = cluster_random_below(sim, options->heartbeat_ms);
	}
	swarm_dispatcher_init(&sim->dispatcher, options->heartbeat_ms, 0);
	struct raft_sim_options raft = raft_sim_default_options(options->seed);
	raft.members = options->managers;
	raft.raft = options->raft;
	raft.propose_every_ms = 0;      /* the swarm's commands are the only ones */
	raft.snapshot_every = 0;        /* the managers snapshot their stores themselves */
	raft.faults = options->scenario == SWARM_CLUSTER_CHURN;
	raft.faults_until_ms = options->churn_until_ms;
	if (raft.faults)
		raft.clock_skew_permille = options->churn_clock_skew_permille;
	raft.trace = options->trace;
	if (raft_sim_init(&sim->raft, &raft) < 0) {
		swarm_cluster_sim_free(sim);
		return NULL;
	}
	return sim;
}

void swarm_cluster_sim_free(struct swarm_cluster_sim *sim)
{
	if (!sim)
		return;
	for (size_t i = 0; i < sim->options.workers; i++)
		free(sim->workers[i].containers);
	free(sim->workers);
	for (size_t i = 0; i < RAFT_MAX_MEMBERS; i++)
		swarm_store_free(&sim->managers[i].store);
	swarm_dispatcher_free(&sim->dispatcher);
	swarm_commands_free(&sim->commands);
	raft_sim_free(&sim->raft);
	free(sim->store_hash);
	free(sim);
}

const struct swarm_store *swarm_cluster_sim_store(const struct swarm_cluster_sim *sim, raft_id id)
{
	if (id == 0 || id > sim->options.managers || !sim->managers[id - 1].up)
		return NULL;
	return &sim->managers[id - 1].store;
}

void swarm_cluster_sim_print_timeline(const struct swarm_cluster_sim *sim, FILE *out)
{
	raft_sim_print_timeline(out, &sim->raft);
}

void swarm_cluster_sim_print_trace(const struct swarm_cluster_sim *sim, FILE *out)
{
	raft_sim_print_trace(out, &sim->raft);
}
