/*
 * test_swarm_store.c - the swarm's store and its commands (08-swarm/swarm-store.c,
 * swarm-command.c, swarm-apply.c).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "swarm-command.h"
#include "swarm-fixtures.h"
#include "swarm-orchestrator.h"
#include "swarm-scheduler.h"
#include "swarm-snapshot.h"

/* A store with one worker and a service "web" of 1 replica whose task 1 is in state. */
static void store_with_task_in(struct swarm_store *store, enum swarm_task_state state)
{
	swarm_store_init(store);
	swarm_fixture_join(store, "w1", SWARM_WORKER);
	struct swarm_service_spec spec = swarm_fixture_spec("web", 1);
	swarm_fixture_create(store, &spec, 0);
	struct swarm_command create;
	swarm_command_init(&create, SWARM_TASK_CREATE, 0);
	swarm_copy_name(create.task.service, sizeof(create.task.service), "web");
	create.task.slot = 1;
	ck_assert_int_eq(swarm_fixture_apply(store, &create), 0);
	if (state >= SWARM_TASK_ASSIGNED && state <= SWARM_TASK_RUNNING) {
		struct swarm_command assign;
		swarm_command_init(&assign, SWARM_TASK_ASSIGN, 0);
		assign.task_id = 1;
		swarm_copy_name(assign.name, sizeof(assign.name), "w1");
		ck_assert_int_eq(swarm_fixture_apply(store, &assign), 0);
	}
	if (store->tasks[0].observed != state)
		ck_assert_int_eq(swarm_fixture_report(store, 1, state, 0), 0);
	ck_assert_int_eq(store->tasks[0].observed, state);
}

START_TEST(every_backward_move_of_a_task_state_is_refused)
{
	for (int from = SWARM_TASK_PENDING; from <= SWARM_TASK_ORPHANED; from++)
		for (int to = SWARM_TASK_NEW; to <= from; to++) {
			struct swarm_store store;
			store_with_task_in(&store, (enum swarm_task_state)from);
			ck_assert_msg(swarm_fixture_report(&store, 1, (enum swarm_task_state)to, 1) == -1,
			              "%s -> %s was accepted", swarm_task_state_name(from), swarm_task_state_name(to));
			ck_assert_ptr_nonnull(strstr(error_message(), "only move forward"));
			ck_assert_int_eq(store.tasks[0].observed, from);
			swarm_store_free(&store);
		}
}
END_TEST

START_TEST(a_task_state_may_skip_ahead)
{
	struct swarm_store store;
	store_with_task_in(&store, SWARM_TASK_ASSIGNED);
	ck_assert_int_eq(swarm_fixture_report(&store, 1, SWARM_TASK_RUNNING, 5), 0);
	ck_assert_int_eq(store.tasks[0].observed, SWARM_TASK_RUNNING);
	ck_assert_uint_eq(store.tasks[0].observed_at, 5);
	ck_assert_int_eq(swarm_fixture_report(&store, 1, SWARM_TASK_FAILED, 6), 0);
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_running_task_keeps_where_its_ports_were_published_until_it_ends)
{
	struct swarm_store store;
	store_with_task_in(&store, SWARM_TASK_STARTING);
	struct swarm_command command;
	swarm_command_init(&command, SWARM_TASK_STATE, 5);
	command.task_id = 1;
	command.state = SWARM_TASK_RUNNING;
	command.endpoints[0] = (struct swarm_endpoint){ .target = 80, .published = 30001 };
	command.endpoint_count = 1;
	/* through its bytes, as a worker's report reaches the store */
	char *bytes = swarm_command_encode(&command, NULL);
	struct swarm_command decoded;
	ck_assert_int_eq(swarm_command_decode(bytes, strlen(bytes), &decoded), 0);
	free(bytes);
	ck_assert_int_eq(swarm_fixture_apply(&store, &decoded), 0);
	ck_assert_uint_eq(store.tasks[0].endpoint_count, 1);
	ck_assert_uint_eq(store.tasks[0].endpoints[0].target, 80);
	ck_assert_uint_eq(store.tasks[0].endpoints[0].published, 30001);
	ck_assert_int_eq(swarm_fixture_report(&store, 1, SWARM_TASK_FAILED, 6), 0);
	ck_assert_uint_eq(store.tasks[0].endpoint_count, 0);
	swarm_command_free(&decoded);
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_desired_state_never_goes_back_to_running)
{
	struct swarm_store store;
	store_with_task_in(&store, SWARM_TASK_RUNNING);
	struct swarm_command command;
	swarm_command_init(&command, SWARM_TASK_DESIRED, 1);
	command.task_id = 1;
	command.state = SWARM_TASK_SHUTDOWN;
	ck_assert_int_eq(swarm_fixture_apply(&store, &command), 0);
	swarm_command_init(&command, SWARM_TASK_DESIRED, 2);
	command.task_id = 1;
	command.state = SWARM_TASK_RUNNING;
	ck_assert_int_eq(swarm_fixture_apply(&store, &command), -1);
	ck_assert_int_eq(store.tasks[0].desired, SWARM_TASK_SHUTDOWN);
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_task_told_to_stop_before_it_reached_a_node_is_shut_down_at_once)
{
	struct swarm_store store;
	store_with_task_in(&store, SWARM_TASK_PENDING);
	struct swarm_command command;
	swarm_command_init(&command, SWARM_TASK_DESIRED, 1);
	command.task_id = 1;
	command.state = SWARM_TASK_SHUTDOWN;
	ck_assert_int_eq(swarm_fixture_apply(&store, &command), 0);
	ck_assert_int_eq(store.tasks[0].observed, SWARM_TASK_SHUTDOWN);
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_node_that_goes_down_orphans_its_tasks_in_the_same_command)
{
	struct swarm_store store;
	store_with_task_in(&store, SWARM_TASK_RUNNING);
	struct swarm_command down;
	swarm_command_init(&down, SWARM_NODE_STATUS, 3000);
	swarm_copy_name(down.name, sizeof(down.name), "w1");
	down.node_status = SWARM_NODE_DOWN;
	ck_assert_int_eq(swarm_fixture_apply(&store, &down), 0);
	ck_assert_int_eq(store.nodes[0].status, SWARM_NODE_DOWN);
	ck_assert_int_eq(store.tasks[0].observed, SWARM_TASK_ORPHANED);
	ck_assert_str_eq(store.tasks[0].message, "node down");
	/* and the worker, back, cannot say it is running again */
	ck_assert_int_eq(swarm_fixture_report(&store, 1, SWARM_TASK_RUNNING, 4000), -1);
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_removed_worker_is_forgotten_and_its_tasks_run_elsewhere)
{
	struct swarm_store store;
	swarm_store_init(&store);
	swarm_fixture_join(&store, "w1", SWARM_WORKER);
	swarm_fixture_join(&store, "w2", SWARM_WORKER);
	swarm_fixture_join(&store, "m1", SWARM_MANAGER);
	struct swarm_service_spec spec = swarm_fixture_spec("web", 4);
	swarm_fixture_create(&store, &spec, 0);
	swarm_fixture_settle(&store, 1);
	size_t on_w1 = swarm_fixture_count(&store, "web", SWARM_TASK_RUNNING, "w1", true);
	ck_assert_uint_gt(on_w1, 0);

	struct swarm_command remove;
	swarm_command_init(&remove, SWARM_NODE_REMOVE, 2);
	swarm_copy_name(remove.name, sizeof(remove.name), "w1");
	ck_assert_int_eq(swarm_fixture_apply(&store, &remove), 0);
	ck_assert_ptr_null(swarm_store_node(&store, "w1"));
	ck_assert_uint_eq(store.node_count, 2);
	ck_assert_uint_eq(swarm_fixture_count(&store, "web", SWARM_TASK_ORPHANED, "w1", false), on_w1);

	swarm_fixture_settle(&store, 3);
	ck_assert_uint_eq(swarm_fixture_count(&store, "web", SWARM_TASK_RUNNING, NULL, true), 4);
	ck_assert_uint_eq(swarm_fixture_count(&store, "web", SWARM_TASK_RUNNING, "w1", true), 0);

	/* a manager is a member of Raft: the store refuses to forget it until it is demoted */
	swarm_command_init(&remove, SWARM_NODE_REMOVE, 4);
	swarm_copy_name(remove.name, sizeof(remove.name), "m1");
	ck_assert_int_eq(swarm_fixture_apply(&store, &remove), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "demote it first"));
	error_clear();
	ck_assert_ptr_nonnull(swarm_store_node(&store, "m1"));
	swarm_store_free(&store);
}
END_TEST

/* A spec named name publishing target on published (0: the swarm chooses). */
static struct swarm_service_spec spec_publishing(const char *name, uint16_t published, uint16_t target)
{
	struct swarm_service_spec spec = swarm_fixture_spec(name, 1);
	spec.ports = calloc(1, sizeof(*spec.ports));
	ck_assert_ptr_nonnull(spec.ports);
	spec.ports[0] = (struct swarm_port){ .published = published, .target = target };
	spec.port_count = 1;
	return spec;
}

START_TEST(a_port_published_as_zero_gets_a_free_port_of_the_swarm_range_and_keeps_it)
{
	struct swarm_store store;
	swarm_store_init(&store);
	struct swarm_service_spec web = spec_publishing("web", 30000, 80);
	swarm_fixture_create(&store, &web, 0);
	struct swarm_service_spec api = spec_publishing("api", 0, 8080);
	swarm_fixture_create(&store, &api, 0);
	ck_assert_uint_eq(swarm_store_service(&store, "api")->spec.ports[0].published, 30001);

	/* an update that asks again for "any port" keeps the one it has */
	struct swarm_service_spec again = spec_publishing("api", 0, 8080);
	swarm_copy_name(again.image, sizeof(again.image), "api:2");
	swarm_fixture_update(&store, &again, 1);
	ck_assert_uint_eq(swarm_store_service(&store, "api")->spec.ports[0].published, 30001);
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_port_another_service_publishes_is_refused_with_its_name)
{
	struct swarm_store store;
	swarm_store_init(&store);
	struct swarm_service_spec web = spec_publishing("web", 8080, 80);
	swarm_fixture_create(&store, &web, 0);
	struct swarm_command create;
	swarm_command_init(&create, SWARM_SERVICE_CREATE, 1);
	create.spec = spec_publishing("shop", 8080, 80);
	ck_assert_int_eq(swarm_fixture_apply(&store, &create), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "port 8080/tcp is already published by service \"web\""));
	error_clear();
	ck_assert_ptr_null(swarm_store_service(&store, "shop"));
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_slot_keeps_its_last_five_tasks)
{
	struct swarm_store store;
	store_with_task_in(&store, SWARM_TASK_FAILED);
	for (uint64_t id = 2; id <= 9; id++) {
		struct swarm_command create;
		swarm_command_init(&create, SWARM_TASK_CREATE, id);
		swarm_copy_name(create.task.service, sizeof(create.task.service), "web");
		create.task.slot = 1;
		ck_assert_int_eq(swarm_fixture_apply(&store, &create), 0);
		ck_assert_int_eq(swarm_fixture_report(&store, id, SWARM_TASK_FAILED, id), 0);
	}
	ck_assert_uint_eq(store.task_count, SWARM_TASK_HISTORY);
	ck_assert_uint_eq(store.tasks[0].id, 5); /* the oldest ones went first */
	ck_assert_uint_eq(store.tasks[4].id, 9);
	swarm_store_free(&store);
}
END_TEST

START_TEST(history_never_forgets_a_task_that_still_runs)
{
	struct swarm_store store;
	store_with_task_in(&store, SWARM_TASK_RUNNING);
	for (int i = 0; i < 7; i++) {
		struct swarm_command create;
		swarm_command_init(&create, SWARM_TASK_CREATE, 1);
		swarm_copy_name(create.task.service, sizeof(create.task.service), "web");
		create.task.slot = 1;
		ck_assert_int_eq(swarm_fixture_apply(&store, &create), 0);
	}
	ck_assert_ptr_nonnull(swarm_store_task(&store, 1));
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_name_a_node_id_a_constraint_and_the_replicas_are_checked_when_applied)
{
	struct swarm_store store;
	swarm_store_init(&store);
	swarm_fixture_join(&store, "w1", SWARM_WORKER);
	struct swarm_command again;
	swarm_command_init(&again, SWARM_NODE_JOIN, 0);
	swarm_copy_name(again.node.id, sizeof(again.node.id), "w1");
	ck_assert_int_eq(swarm_fixture_apply(&store, &again), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "the id is taken"));

	struct swarm_service_spec spec = swarm_fixture_spec("web", 1);
	swarm_fixture_create(&store, &spec, 0);
	struct swarm_command twice;
	swarm_command_init(&twice, SWARM_SERVICE_CREATE, 0);
	twice.spec = swarm_fixture_spec("web", 2);
	ck_assert_int_eq(swarm_fixture_apply(&store, &twice), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "the name is taken"));

	struct swarm_command bad;
	swarm_command_init(&bad, SWARM_SERVICE_CREATE, 0);
	bad.spec = swarm_fixture_spec("api", 1);
	ck_assert_int_eq(swarm_strings_add(&bad.spec.constraints, "node.colour==red"), 0);
	ck_assert_int_eq(swarm_fixture_apply(&store, &bad), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "unknown key \"node.colour\""));
	ck_assert_uint_eq(store.service_count, 1);

	struct swarm_command huge;
	swarm_command_init(&huge, SWARM_SERVICE_CREATE, 0);
	huge.spec = swarm_fixture_spec("huge", SWARM_MAX_REPLICAS + 1);
	ck_assert_int_eq(swarm_fixture_apply(&store, &huge), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "more replicas than a swarm may run"));
	swarm_store_free(&store);
}
END_TEST

START_TEST(an_update_makes_a_new_version_and_a_rollback_brings_the_old_spec_back)
{
	struct swarm_store store;
	swarm_store_init(&store);
	struct swarm_service_spec spec = swarm_fixture_spec("web", 3);
	swarm_fixture_create(&store, &spec, 0);
	spec = swarm_fixture_spec("web", 3);
	swarm_copy_name(spec.image, sizeof(spec.image), "web:v2");
	swarm_fixture_update(&store, &spec, 10);
	const struct swarm_service *web = swarm_store_service(&store, "web");
	ck_assert_uint_eq(web->version, 2);
	ck_assert_int_eq(web->update_state, SWARM_UPDATE_UPDATING);
	ck_assert_str_eq(web->previous.image, "web:v1");

	struct swarm_command rollback;
	swarm_command_init(&rollback, SWARM_SERVICE_ROLLBACK, 20);
	swarm_copy_name(rollback.name, sizeof(rollback.name), "web");
	ck_assert_int_eq(swarm_fixture_apply(&store, &rollback), 0);
	ck_assert_uint_eq(web->version, 1); /* the old spec's number: its tasks are up to date */
	ck_assert_str_eq(web->spec.image, "web:v1");
	ck_assert_str_eq(web->previous.image, "web:v2");
	ck_assert_int_eq(web->update_state, SWARM_UPDATE_ROLLBACK_STARTED);
	swarm_store_free(&store);
}
END_TEST

START_TEST(scaling_changes_no_version_so_no_task_is_replaced)
{
	struct swarm_store store;
	swarm_store_init(&store);
	struct swarm_service_spec spec = swarm_fixture_spec("web", 3);
	swarm_fixture_create(&store, &spec, 0);
	spec = swarm_fixture_spec("web", 7);
	swarm_fixture_update(&store, &spec, 10);
	const struct swarm_service *web = swarm_store_service(&store, "web");
	ck_assert_uint_eq(web->version, 1);
	ck_assert_uint_eq(web->spec.replicas, 7);
	ck_assert_int_eq(web->update_state, SWARM_UPDATE_NONE);
	swarm_store_free(&store);
}
END_TEST

START_TEST(removing_a_service_tells_its_running_tasks_to_stop)
{
	struct swarm_store store;
	store_with_task_in(&store, SWARM_TASK_RUNNING);
	struct swarm_command remove;
	swarm_command_init(&remove, SWARM_SERVICE_REMOVE, 1);
	swarm_copy_name(remove.name, sizeof(remove.name), "web");
	ck_assert_int_eq(swarm_fixture_apply(&store, &remove), 0);
	ck_assert_uint_eq(store.service_count, 0);
	ck_assert_int_eq(store.tasks[0].desired, SWARM_TASK_SHUTDOWN);
	/* once it has stopped, nothing of the service is left */
	ck_assert_int_eq(swarm_fixture_report(&store, 1, SWARM_TASK_SHUTDOWN, 2), 0);
	ck_assert_uint_eq(store.task_count, 0);
	swarm_store_free(&store);
}
END_TEST

/* --- the bytes ------------------------------------------------------------------------------- */

static void assert_round_trip(struct swarm_command *command)
{
	size_t size, again_size;
	char *bytes = swarm_command_encode(command, &size);
	ck_assert_ptr_nonnull(bytes);
	struct swarm_command decoded;
	ck_assert_msg(swarm_command_decode(bytes, size, &decoded) == 0, "%s: %s", bytes, error_message());
	char *again = swarm_command_encode(&decoded, &again_size);
	ck_assert_str_eq(again, bytes);
	ck_assert_int_eq(decoded.kind, command->kind);
	ck_assert_uint_eq(decoded.at, command->at);
	free(bytes);
	free(again);
	swarm_command_free(&decoded);
	swarm_command_free(command);
}

START_TEST(every_command_survives_its_bytes)
{
	for (int kind = SWARM_SERVICE_CREATE; kind <= SWARM_TASK_DESIRED; kind++) {
		struct swarm_command command;
		swarm_command_init(&command, (enum swarm_command_kind)kind, 123456789);
		command.spec = swarm_fixture_spec("web", 5);
		command.spec.mode = SWARM_GLOBAL;
		ck_assert_int_eq(swarm_strings_add(&command.spec.command, "sh"), 0);
		ck_assert_int_eq(swarm_strings_add(&command.spec.command, "-c \"echo hi\"\n"), 0);
		ck_assert_int_eq(swarm_strings_add(&command.spec.env, "A=é"), 0);
		ck_assert_int_eq(swarm_strings_add(&command.spec.constraints, "node.labels.zone==a"), 0);
		command.spec.ports = calloc(2, sizeof(*command.spec.ports));
		command.spec.port_count = 2;
		command.spec.ports[0] = (struct swarm_port){ 8080, 80, false, true };
		command.spec.ports[1] = (struct swarm_port){ 53, 53, true, false };
		command.spec.reserve_memory_bytes = 1LL << 40;
		command.spec.restart = (struct swarm_restart_policy){ SWARM_RESTART_ON_FAILURE, 250, 3, 60000 };
		command.spec.update = (struct swarm_update_config){ 2, 1000, SWARM_UPDATE_ROLLBACK, SWARM_START_FIRST };
		swarm_copy_name(command.node.id, sizeof(command.node.id), "w7");
		command.node.role = SWARM_MANAGER;
		command.node.availability = SWARM_DRAIN;
		ck_assert_int_eq(swarm_strings_add(&command.node.labels, "zone=a"), 0);
		swarm_copy_name(command.task.service, sizeof(command.task.service), "web");
		command.task.slot = 4;
		command.task.attempt = 2;
		command.task_id = 42;
		command.state = SWARM_TASK_REJECTED;
		command.node_status = SWARM_NODE_DOWN;
		command.update_state = SWARM_UPDATE_ROLLBACK_COMPLETED;
		swarm_copy_name(command.name, sizeof(command.name), "web");
		swarm_copy_name(command.message, sizeof(command.message), "why \"quoted\"");
		assert_round_trip(&command);
	}
}
END_TEST

START_TEST(a_task_state_command_is_one_readable_line_of_json)
{
	struct swarm_command command;
	swarm_command_init(&command, SWARM_TASK_STATE, 5200);
	command.task_id = 42;
	command.state = SWARM_TASK_RUNNING;
	swarm_copy_name(command.message, sizeof(command.message), "started");
	char *bytes = swarm_command_encode(&command, NULL);
	ck_assert_str_eq(bytes, "{\"op\":\"task-state\",\"at\":5200,\"task\":42,\"state\":\"running\",\"message\":\"started\","
				"\"endpoints\":[]}");
	free(bytes);
}
END_TEST

START_TEST(bytes_that_are_not_a_command_are_refused_with_the_reason)
{
	static const struct { const char *bytes, *reason; } cases[] = {
		{ "not json", "json" },
		{ "[1]", "not a JSON object" },
		{ "{\"op\":\"task-explode\",\"at\":1}", "\"op\" names no known value" },
		{ "{\"op\":\"task-state\",\"at\":1,\"task\":1,\"state\":\"sleeping\",\"message\":\"\"}", "\"state\"" },
		{ "{\"op\":\"task-state\",\"at\":-1,\"task\":1,\"state\":\"running\",\"message\":\"\"}", "\"at\" is out of range" },
		{ "{\"op\":\"task-state\",\"at\":1,\"state\":\"running\",\"message\":\"\"}", "\"task\" is missing" },
		{ "{\"op\":\"node-status\",\"at\":1,\"name\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"status\":\"down\",\"message\":\"\"}",
		  "\"name\" is too long" },
		{ "{\"op\":\"service-create\",\"at\":1,\"spec\":{\"name\":\"web\"}}", "not a whole service spec" },
		{ "{\"op\":\"node-status\",\"at\":1,\"name\":\"a\\u0000b\",\"status\":\"down\",\"message\":\"\"}", "NUL" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct swarm_command command;
		ck_assert_int_eq(swarm_command_decode(cases[i].bytes, strlen(cases[i].bytes), &command), -1);
		ck_assert_msg(strstr(error_message(), cases[i].reason), "%s: %s", cases[i].bytes, error_message());
	}
}
END_TEST

/* Two managers applying the same log end with equal stores. */
static void assert_same_store(const struct swarm_store *a, const struct swarm_store *b)
{
	ck_assert_uint_eq(a->task_count, b->task_count);
	ck_assert_uint_eq(a->next_task_id, b->next_task_id);
	for (size_t i = 0; i < a->task_count; i++) {
		const struct swarm_task *x = &a->tasks[i], *y = &b->tasks[i];
		ck_assert_uint_eq(x->id, y->id);
		ck_assert_str_eq(x->node, y->node);
		ck_assert_int_eq(x->observed, y->observed);
		ck_assert_int_eq(x->desired, y->desired);
		ck_assert_uint_eq(x->observed_at, y->observed_at);
		ck_assert_str_eq(x->message, y->message);
	}
	ck_assert_uint_eq(a->node_count, b->node_count);
	for (size_t i = 0; i < a->node_count; i++)
		ck_assert_int_eq(a->nodes[i].status, b->nodes[i].status);
	ck_assert_uint_eq(a->service_count, b->service_count);
	for (size_t i = 0; i < a->service_count; i++)
		ck_assert_uint_eq(a->services[i].version, b->services[i].version);
}

struct log {
	char *entries[512];
	size_t count;
};

/* The leader: every command applied is kept as bytes in the log first. */
static void leader_apply(struct swarm_store *store, struct swarm_commands *commands, struct log *log)
{
	for (size_t i = 0; i < commands->count; i++) {
		ck_assert_uint_lt(log->count, 512);
		char *bytes = swarm_command_encode(&commands->items[i], NULL);
		log->entries[log->count++] = bytes;
		struct swarm_command decoded;
		ck_assert_int_eq(swarm_command_decode(bytes, strlen(bytes), &decoded), 0);
		ck_assert_int_eq(swarm_store_apply(store, &decoded), 0);
		swarm_command_free(&decoded);
	}
	swarm_commands_clear(commands);
}

START_TEST(managers_that_apply_the_same_log_hold_the_same_store)
{
	struct swarm_store leader, follower;
	swarm_store_init(&leader);
	swarm_store_init(&follower);
	struct log log = { 0 };
	struct swarm_commands out = { 0 };
	for (int i = 1; i <= 3; i++) {
		struct swarm_command *join = swarm_commands_add(&out, SWARM_NODE_JOIN, 0);
		snprintf(join->node.id, sizeof(join->node.id), "w%d", i);
		join->node.nano_cpus = 4000000000LL;
		join->node.memory_bytes = 8LL << 30;
	}
	swarm_commands_add(&out, SWARM_SERVICE_CREATE, 0)->spec = swarm_fixture_spec("web", 5);
	leader_apply(&leader, &out, &log);
	for (uint64_t now = 0; now < 12000; now += 500) {
		uint64_t wake = UINT64_MAX;
		ck_assert_int_eq(swarm_orchestrate(&leader, now, &out, &wake), 0);
		leader_apply(&leader, &out, &log);
		ck_assert_int_eq(swarm_schedule(&leader, now, &out), 0);
		leader_apply(&leader, &out, &log);
		/* workers: odd tasks fail, the others run */
		for (size_t i = 0; i < leader.task_count; i++) {
			const struct swarm_task *task = &leader.tasks[i];
			if (task->observed == SWARM_TASK_ASSIGNED) {
				struct swarm_command *report = swarm_commands_add(&out, SWARM_TASK_STATE, now + 100);
				report->task_id = task->id;
				report->state = task->id % 2 ? SWARM_TASK_FAILED : SWARM_TASK_RUNNING;
			}
		}
		leader_apply(&leader, &out, &log);
	}
	/* the follower reads the log back from its bytes only */
	for (size_t i = 0; i < log.count; i++) {
		struct swarm_command command;
		ck_assert_int_eq(swarm_command_decode(log.entries[i], strlen(log.entries[i]), &command), 0);
		ck_assert_int_eq(swarm_store_apply(&follower, &command), 0);
		swarm_command_free(&command);
		free(log.entries[i]);
	}
	ck_assert_uint_gt(leader.task_count, 5); /* failures were replaced: the log did something */
	assert_same_store(&leader, &follower);
	swarm_commands_free(&out);
	swarm_store_free(&leader);
	swarm_store_free(&follower);
}
END_TEST

/* --- snapshots ----------------------------------------------------------------------------- */

/* A store with some history: nodes, a service updated once, failures replaced. */
static void busy_store(struct swarm_store *store)
{
	swarm_store_init(store);
	swarm_fixture_join(store, "w1", SWARM_WORKER);
	swarm_fixture_join(store, "w2", SWARM_MANAGER);
	struct swarm_service_spec spec = swarm_fixture_spec("web", 3);
	ck_assert_int_eq(swarm_strings_add(&spec.env, "MODE=prod"), 0);
	swarm_fixture_create(store, &spec, 0);
	swarm_fixture_settle(store, 0);
	spec = swarm_fixture_spec("web", 3);
	swarm_copy_name(spec.image, sizeof(spec.image), "web:v2");
	swarm_fixture_update(store, &spec, 100);
	swarm_fixture_settle(store, 100);
	ck_assert_int_eq(swarm_fixture_report(store, swarm_fixture_latest(store, "web", 2)->id, SWARM_TASK_FAILED, 200), 0);
	swarm_fixture_settle(store, 6000);
}

START_TEST(a_snapshot_restores_the_same_store)
{
	struct swarm_store store, restored;
	busy_store(&store);
	size_t size, again_size;
	char *bytes = swarm_store_snapshot(&store, &size);
	ck_assert_ptr_nonnull(bytes);
	swarm_store_init(&restored);
	ck_assert_msg(swarm_store_restore(&restored, bytes, size) == 0, "%s", error_message());
	assert_same_store(&store, &restored);
	char *again = swarm_store_snapshot(&restored, &again_size);
	ck_assert_str_eq(again, bytes); /* the same store, the same bytes */
	/* and the restored store goes on like the original */
	ck_assert_int_eq(swarm_fixture_report(&store, 1, SWARM_TASK_FAILED, 7000), 0);
	ck_assert_int_eq(swarm_fixture_report(&restored, 1, SWARM_TASK_FAILED, 7000), 0);
	swarm_fixture_settle(&store, 20000);
	swarm_fixture_settle(&restored, 20000);
	assert_same_store(&store, &restored);
	free(bytes);
	free(again);
	swarm_store_free(&store);
	swarm_store_free(&restored);
}
END_TEST

START_TEST(a_bad_snapshot_is_refused_and_the_store_is_left_as_it_was)
{
	struct swarm_store store;
	busy_store(&store);
	size_t tasks = store.task_count;
	static const char *const bad[] = {
		"{\"next_task_id\":1,\"applied\":0,\"nodes\":[],\"services\":[]}",
		"{\"next_task_id\":9,\"applied\":0,\"nodes\":[],\"services\":[],\"tasks\":[{\"id\":12}]}",
		"{\"next_task_id\":1,\"applied\":0,\"nodes\":[{\"spec\":{\"id\":\"w1\",\"hostname\":\"\",\"address\":\"\","
		"\"role\":\"worker\",\"availability\":\"active\",\"nano_cpus\":1,\"memory_bytes\":1,\"labels\":[]},"
		"\"status\":\"ready\",\"status_at\":0},{\"spec\":{\"id\":\"w1\",\"hostname\":\"\",\"address\":\"\","
		"\"role\":\"worker\",\"availability\":\"active\",\"nano_cpus\":1,\"memory_bytes\":1,\"labels\":[]},"
		"\"status\":\"ready\",\"status_at\":0}],\"services\":[],\"tasks\":[]}",
	};
	static const char *const reasons[] = { "lacks its nodes, services or tasks", "\"service\" is missing",
	                                      "name one id twice" };
	for (size_t i = 0; i < 3; i++) {
		ck_assert_int_eq(swarm_store_restore(&store, bad[i], strlen(bad[i])), -1);
		ck_assert_msg(strstr(error_message(), reasons[i]), "%s", error_message());
		ck_assert_ptr_nonnull(strstr(error_message(), "swarm snapshot: "));
		ck_assert_uint_eq(store.task_count, tasks);
	}
	swarm_store_free(&store);
}
END_TEST

Suite *swarm_store_suite(void)
{
	Suite *s = suite_create("swarm_store");
	TCase *tc = tcase_create("store");
	tcase_add_test(tc, every_backward_move_of_a_task_state_is_refused);
	tcase_add_test(tc, a_task_state_may_skip_ahead);
	tcase_add_test(tc, a_running_task_keeps_where_its_ports_were_published_until_it_ends);
	tcase_add_test(tc, a_desired_state_never_goes_back_to_running);
	tcase_add_test(tc, a_task_told_to_stop_before_it_reached_a_node_is_shut_down_at_once);
	tcase_add_test(tc, a_node_that_goes_down_orphans_its_tasks_in_the_same_command);
	tcase_add_test(tc, a_removed_worker_is_forgotten_and_its_tasks_run_elsewhere);
	tcase_add_test(tc, a_port_published_as_zero_gets_a_free_port_of_the_swarm_range_and_keeps_it);
	tcase_add_test(tc, a_port_another_service_publishes_is_refused_with_its_name);
	tcase_add_test(tc, a_slot_keeps_its_last_five_tasks);
	tcase_add_test(tc, history_never_forgets_a_task_that_still_runs);
	tcase_add_test(tc, a_name_a_node_id_a_constraint_and_the_replicas_are_checked_when_applied);
	tcase_add_test(tc, an_update_makes_a_new_version_and_a_rollback_brings_the_old_spec_back);
	tcase_add_test(tc, scaling_changes_no_version_so_no_task_is_replaced);
	tcase_add_test(tc, removing_a_service_tells_its_running_tasks_to_stop);
	tcase_add_test(tc, every_command_survives_its_bytes);
	tcase_add_test(tc, a_task_state_command_is_one_readable_line_of_json);
	tcase_add_test(tc, bytes_that_are_not_a_command_are_refused_with_the_reason);
	tcase_add_test(tc, managers_that_apply_the_same_log_hold_the_same_store);
	tcase_add_test(tc, a_snapshot_restores_the_same_store);
	tcase_add_test(tc, a_bad_snapshot_is_refused_and_the_store_is_left_as_it_was);
	suite_add_tcase(s, tc);
	return s;
}
