/*
 * test_swarm_mesh_table.c - the routing mesh's table and round robin (08-swarm/swarm-mesh-table.c).
 */
#include <check.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "swarm-command.h"
#include "swarm-fixtures.h"
#include "swarm-mesh-table.h"

/* Node id joins with its agent at address (the fixtures' nodes all share one). */
static void join_at(struct swarm_store *store, const char *id, const char *address)
{
	swarm_fixture_join(store, id, SWARM_WORKER);
	struct swarm_node *node = swarm_store_node(store, id);
	swarm_copy_name(node->spec.address, sizeof(node->spec.address), address);
}

/* Every task scheduled and desired RUNNING reports RUNNING, its target 80 published on port
 * 30000 + its id, and 90 (a host-mode port) on 31000 + its id. */
static void workers_start_tasks(struct swarm_store *store)
{
	for (size_t i = 0; i < store->task_count; i++) {
		const struct swarm_task *task = &store->tasks[i];
		if (task->observed < SWARM_TASK_ASSIGNED || task->observed >= SWARM_TASK_RUNNING ||
		    task->desired != SWARM_TASK_RUNNING)
			continue;
		struct swarm_command report;
		swarm_command_init(&report, SWARM_TASK_STATE, 1);
		report.task_id = task->id;
		report.state = SWARM_TASK_RUNNING;
		report.endpoints[0] = (struct swarm_endpoint){ .target = 80, .published = (uint16_t)(30000 + task->id) };
		report.endpoints[1] = (struct swarm_endpoint){ .target = 90, .published = (uint16_t)(31000 + task->id) };
		report.endpoint_count = 2;
		ck_assert_msg(swarm_fixture_apply(store, &report) == 0, "%s", error_message());
	}
}

/* Three workers at 10.0.0.1..3, and "web" with 3 replicas publishing 8080->80 through the
 * mesh and 9090->90 in host mode, all running. */
static void swarm_with_web(struct swarm_store *store)
{
	swarm_store_init(store);
	join_at(store, "w1", "10.0.0.1:2377");
	join_at(store, "w2", "10.0.0.2:2377");
	join_at(store, "w3", "10.0.0.3:2377");
	struct swarm_service_spec spec = swarm_fixture_spec("web", 3);
	spec.ports = calloc(2, sizeof(*spec.ports));
	ck_assert_ptr_nonnull(spec.ports);
	spec.ports[0] = (struct swarm_port){ .published = 8080, .target = 80 };
	spec.ports[1] = (struct swarm_port){ .published = 9090, .target = 90, .host_mode = true };
	spec.port_count = 2;
	swarm_fixture_create(store, &spec, 0);
	swarm_fixture_round(store, 1);
	workers_start_tasks(store);
	ck_assert_int_eq(swarm_fixture_count(store, "web", SWARM_TASK_RUNNING, NULL, true), 3);
}

/* The backends of the row for published/tcp, as "HOST:PORT" words joined by spaces. */
static void backends_of(const struct swarm_mesh_table *table, uint16_t published, char *text, size_t size)
{
	const struct swarm_mesh_service *row = swarm_mesh_table_find(table, published, false);
	ck_assert_ptr_nonnull(row);
	text[0] = '\0';
	for (size_t i = 0; i < row->backend_count; i++) {
		char one[32];
		swarm_mesh_backend_format(&row->backends[i], one, sizeof(one));
		snprintf(text + strlen(text), size - strlen(text), "%s%s", i ? " " : "", one);
	}
}

/* The task of web running on node. */
static const struct swarm_task *task_on(const struct swarm_store *store, const char *node)
{
	for (size_t i = 0; i < store->task_count; i++)
		if (strcmp(store->tasks[i].node, node) == 0 && store->tasks[i].observed == SWARM_TASK_RUNNING)
			return &store->tasks[i];
	ck_abort_msg("no task runs on %s", node);
	return NULL;
}

START_TEST(running_tasks_are_the_backends_at_their_nodes_host_and_published_port)
{
	struct swarm_store store;
	swarm_with_web(&store);
	struct swarm_mesh_table table;
	ck_assert_int_eq(swarm_mesh_table_from_store(&store, &table), 0);
	ck_assert_int_eq(table.service_count, 1); /* 9090 is host mode: not in the mesh */
	ck_assert_ptr_null(swarm_mesh_table_find(&table, 9090, false));
	const struct swarm_mesh_service *web = swarm_mesh_table_find(&table, 8080, false);
	ck_assert_str_eq(web->name, "web");
	ck_assert_int_eq(web->target, 80);
	char got[128];
	backends_of(&table, 8080, got, sizeof(got));
	/* tasks in the store's order (by id); the scheduler spread them one per node */
	char sorted[128] = "";
	for (size_t i = 0; i < store.task_count; i++) {
		char one[32];
		const struct swarm_task *task = &store.tasks[i];
		snprintf(one, sizeof(one), "%s10.0.0.%c:%lu", i ? " " : "", task->node[1], 30000 + (unsigned long)task->id);
		strcat(sorted, one);
	}
	ck_assert_str_eq(got, sorted);
	ck_assert_int_eq(web->backend_count, 3);
	swarm_mesh_table_free(&table);
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_task_not_yet_running_is_not_a_backend)
{
	struct swarm_store store;
	swarm_store_init(&store);
	join_at(&store, "w1", "10.0.0.1:2377");
	struct swarm_service_spec spec = swarm_fixture_spec("web", 2);
	spec.ports = calloc(1, sizeof(*spec.ports));
	spec.ports[0] = (struct swarm_port){ .published = 8080, .target = 80 };
	spec.port_count = 1;
	swarm_fixture_create(&store, &spec, 0);
	swarm_fixture_round(&store, 1);
	ck_assert_int_eq(swarm_fixture_report(&store, 1, SWARM_TASK_STARTING, 1), 0);
	struct swarm_mesh_table table;
	ck_assert_int_eq(swarm_mesh_table_from_store(&store, &table), 0);
	/* the port is open on every node already: connections wait for a task, or are refused */
	ck_assert_int_eq(swarm_mesh_table_find(&table, 8080, false)->backend_count, 0);
	swarm_mesh_table_free(&table);
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_drained_nodes_task_leaves_as_soon_as_it_is_told_to_stop)
{
	struct swarm_store store;
	swarm_with_web(&store);
	uint64_t leaving = task_on(&store, "w2")->id;
	swarm_fixture_availability(&store, "w2", SWARM_DRAIN);
	swarm_fixture_round(&store, 2); /* the orchestrator tells w2's task to stop */
	const struct swarm_task *task = swarm_store_task(&store, leaving);
	ck_assert_int_eq(task->observed, SWARM_TASK_RUNNING);
	ck_assert_int_eq(task->desired, SWARM_TASK_SHUTDOWN);
	struct swarm_mesh_table table;
	ck_assert_int_eq(swarm_mesh_table_from_store(&store, &table), 0);
	char got[128];
	backends_of(&table, 8080, got, sizeof(got));
	ck_assert_ptr_null(strstr(got, "10.0.0.2:"));
	ck_assert_int_eq(swarm_mesh_table_find(&table, 8080, false)->backend_count, 2);
	swarm_mesh_table_free(&table);
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_down_nodes_tasks_leave_once_they_are_orphaned)
{
	struct swarm_store store;
	swarm_with_web(&store);
	struct swarm_command down;
	swarm_command_init(&down, SWARM_NODE_STATUS, 3);
	swarm_copy_name(down.name, sizeof(down.name), "w3");
	down.node_status = SWARM_NODE_DOWN;
	ck_assert_int_eq(swarm_fixture_apply(&store, &down), 0);
	struct swarm_mesh_table table;
	ck_assert_int_eq(swarm_mesh_table_from_store(&store, &table), 0);
	char got[128];
	backends_of(&table, 8080, got, sizeof(got));
	ck_assert_ptr_null(strstr(got, "10.0.0.3:"));
	ck_assert_ptr_nonnull(strstr(got, "10.0.0.1:"));
	ck_assert_ptr_nonnull(strstr(got, "10.0.0.2:"));
	swarm_mesh_table_free(&table);
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_node_without_an_ipv4_address_gives_no_backend)
{
	struct swarm_store store;
	swarm_with_web(&store);
	struct swarm_node *node = swarm_store_node(&store, "w1");
	swarm_copy_name(node->spec.address, sizeof(node->spec.address), "worker-1.example:2377");
	struct swarm_mesh_table table;
	ck_assert_int_eq(swarm_mesh_table_from_store(&store, &table), 0);
	ck_assert_int_eq(swarm_mesh_table_find(&table, 8080, false)->backend_count, 2);
	swarm_mesh_table_free(&table);
	swarm_store_free(&store);
}
END_TEST

START_TEST(the_table_reads_back_what_it_writes)
{
	struct swarm_store store;
	swarm_with_web(&store);
	struct swarm_mesh_table table, back;
	ck_assert_int_eq(swarm_mesh_table_from_store(&store, &table), 0);
	char *text = swarm_mesh_table_encode(&table);
	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(strstr(text, "{\"services\":[{\"name\":\"web\",\"published\":8080,\"target\":80,"
	                                   "\"protocol\":\"tcp\",\"backends\":[\"10.0.0."));
	ck_assert_msg(swarm_mesh_table_decode(text, strlen(text), &back) == 0, "%s", error_message());
	char *again = swarm_mesh_table_encode(&back);
	ck_assert_str_eq(again, text);
	free(again);
	free(text);
	swarm_mesh_table_free(&back);
	swarm_mesh_table_free(&table);
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_table_with_bad_bytes_is_refused_with_the_reason)
{
	static const struct {
		const char *text, *reason;
	} cases[] = {
		{ "[]", "\"services\" is missing" },
		{ "{\"services\":[{\"name\":\"web\",\"published\":70000,\"target\":80,\"protocol\":\"tcp\",\"backends\":[]}]}",
		  "\"published\"" },
		{ "{\"services\":[{\"name\":\"web\",\"published\":0,\"target\":80,\"protocol\":\"tcp\",\"backends\":[]}]}",
		  "port 0" },
		{ "{\"services\":[{\"name\":\"web\",\"published\":80,\"target\":80,\"protocol\":\"sctp\",\"backends\":[]}]}",
		  "\"protocol\"" },
		{ "{\"services\":[{\"name\":\"web\",\"published\":80,\"target\":80,\"protocol\":\"tcp\","
		  "\"backends\":[\"10.0.0.1\"]}]}", "\"10.0.0.1\" is not IPV4:PORT" },
		{ "{\"services\":[{\"name\":\"web\",\"published\":80,\"target\":80,\"protocol\":\"tcp\","
		  "\"backends\":[\"10.0.0.1:99999\"]}]}", "is not IPV4:PORT" },
		{ "{\"services\":[{\"name\":\"web\",\"published\":80,\"target\":80,\"protocol\":\"tcp\","
		  "\"backends\":[\"example.com:80\"]}]}", "is not IPV4:PORT" },
		{ "{\"services\":[{\"name\":\"web\",\"published\":80,\"target\":80,\"protocol\":\"tcp\",\"backends\":[7]}]}",
		  "(not a string)" },
		{ "{\"services\":[{\"name\":\"a\",\"published\":80,\"target\":80,\"protocol\":\"tcp\",\"backends\":[]},"
		  "{\"name\":\"b\",\"published\":80,\"target\":81,\"protocol\":\"tcp\",\"backends\":[]}]}",
		  "port 80/tcp is published by both \"a\" and \"b\"" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct swarm_mesh_table table;
		ck_assert_int_eq(swarm_mesh_table_decode(cases[i].text, strlen(cases[i].text), &table), -1);
		ck_assert_msg(strstr(error_message(), cases[i].reason) && strstr(error_message(), "mesh table"),
		              "%s: %s", cases[i].text, error_message());
		ck_assert_int_eq(table.service_count, 0);
		ck_assert_ptr_null(table.services);
	}
}
END_TEST

START_TEST(a_table_with_too_many_backends_is_refused)
{
	size_t count = SWARM_MESH_MAX_BACKENDS + 1, size = 128 + count * 20, used;
	char *text = malloc(size);
	used = (size_t)snprintf(text, size, "{\"services\":[{\"name\":\"web\",\"published\":80,\"target\":80,"
	                                    "\"protocol\":\"tcp\",\"backends\":[");
	for (size_t i = 0; i < count; i++)
		used += (size_t)snprintf(text + used, size - used, "%s\"10.0.%zu.%zu:80\"", i ? "," : "", i / 250, i % 250);
	snprintf(text + used, size - used, "]}]}");
	struct swarm_mesh_table table;
	ck_assert_int_eq(swarm_mesh_table_decode(text, strlen(text), &table), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "holds more than 4096"));
	free(text);
}
END_TEST

/* A row "web" with n backends 10.0.0.1:8001 ... 10.0.0.n:800n. */
static struct swarm_mesh_service row_of(size_t n)
{
	struct swarm_mesh_service row = { .name = "web", .published = 8080, .target = 80 };
	row.backends = calloc(n, sizeof(*row.backends));
	for (size_t i = 0; i < n; i++) {
		row.backends[i].host.s_addr = htonl(0x0a000001 + (uint32_t)i);
		row.backends[i].port = (uint16_t)(8001 + i);
	}
	row.backend_count = n;
	return row;
}

START_TEST(round_robin_gives_each_backend_the_same_share)
{
	struct swarm_mesh_service row = row_of(3);
	size_t share[3] = { 0 };
	for (int connection = 0; connection < 30; connection++) {
		struct swarm_mesh_attempts attempts;
		swarm_mesh_begin(&row, &attempts);
		const struct swarm_mesh_backend *backend = swarm_mesh_choose(&row, &attempts, 0);
		ck_assert_ptr_nonnull(backend);
		share[backend->port - 8001]++;
	}
	ck_assert_int_eq(share[0], 10);
	ck_assert_int_eq(share[1], 10);
	ck_assert_int_eq(share[2], 10);
	free(row.backends);
}
END_TEST

START_TEST(a_refused_connection_tries_every_other_backend_once_then_gives_up)
{
	struct swarm_mesh_service row = row_of(3);
	struct swarm_mesh_attempts attempts;
	swarm_mesh_begin(&row, &attempts);
	bool seen[3] = { false };
	for (int i = 0; i < 3; i++) {
		const struct swarm_mesh_backend *backend = swarm_mesh_choose(&row, &attempts, 100);
		ck_assert_ptr_nonnull(backend);
		ck_assert(!seen[backend->port - 8001]);
		seen[backend->port - 8001] = true;
		swarm_mesh_mark_failed(&row, backend->host, backend->port, 100);
	}
	ck_assert_ptr_null(swarm_mesh_choose(&row, &attempts, 100));
	free(row.backends);
}
END_TEST

START_TEST(a_failed_backend_is_skipped_for_a_while_then_tried_again)
{
	struct swarm_mesh_service row = row_of(3);
	swarm_mesh_mark_failed(&row, row.backends[1].host, row.backends[1].port, 1000);
	size_t share[3] = { 0 };
	for (int connection = 0; connection < 30; connection++) {
		struct swarm_mesh_attempts attempts;
		swarm_mesh_begin(&row, &attempts);
		share[swarm_mesh_choose(&row, &attempts, 1000 + SWARM_MESH_FAILED_MS - 1)->port - 8001]++;
	}
	ck_assert_int_eq(share[1], 0);
	ck_assert_int_eq(share[0] + share[2], 30);
	/* its time is up: back in the rotation */
	struct swarm_mesh_attempts attempts;
	int to_second = 0;
	for (int connection = 0; connection < 3; connection++) {
		swarm_mesh_begin(&row, &attempts);
		to_second += swarm_mesh_choose(&row, &attempts, 1000 + SWARM_MESH_FAILED_MS)->port == 8002;
	}
	ck_assert_int_eq(to_second, 1);
	free(row.backends);
}
END_TEST

START_TEST(when_every_backend_is_marked_one_is_tried_anyway)
{
	struct swarm_mesh_service row = row_of(2);
	swarm_mesh_mark_failed(&row, row.backends[0].host, row.backends[0].port, 0);
	swarm_mesh_mark_failed(&row, row.backends[1].host, row.backends[1].port, 0);
	struct swarm_mesh_attempts attempts;
	swarm_mesh_begin(&row, &attempts);
	ck_assert_ptr_nonnull(swarm_mesh_choose(&row, &attempts, 1));
	ck_assert_ptr_nonnull(swarm_mesh_choose(&row, &attempts, 1));
	ck_assert_ptr_null(swarm_mesh_choose(&row, &attempts, 1));
	free(row.backends);
}
END_TEST

START_TEST(a_service_without_backends_has_nothing_to_choose)
{
	struct swarm_mesh_service row = { .name = "web", .published = 8080, .target = 80 };
	struct swarm_mesh_attempts attempts;
	swarm_mesh_begin(&row, &attempts);
	ck_assert_ptr_null(swarm_mesh_choose(&row, &attempts, 0));
}
END_TEST

START_TEST(a_new_table_keeps_the_rotation_and_the_marks_of_backends_still_in_it)
{
	struct swarm_mesh_table old = { .services = calloc(1, sizeof(struct swarm_mesh_service)), .service_count = 1 };
	struct swarm_mesh_table fresh = { .services = calloc(1, sizeof(struct swarm_mesh_service)), .service_count = 1 };
	old.services[0] = row_of(3);
	old.services[0].cursor = 7;
	swarm_mesh_mark_failed(&old.services[0], old.services[0].backends[2].host, 8003, 50);
	fresh.services[0] = row_of(4);
	swarm_mesh_table_carry(&fresh, &old);
	ck_assert_int_eq(fresh.services[0].cursor, 7);
	ck_assert_int_eq(fresh.services[0].backends[2].failed_until, 50 + SWARM_MESH_FAILED_MS);
	ck_assert_int_eq(fresh.services[0].backends[3].failed_until, 0);
	swarm_mesh_table_free(&old);
	swarm_mesh_table_free(&fresh);
}
END_TEST

Suite *swarm_mesh_table_suite(void)
{
	Suite *s = suite_create("swarm mesh table");
	TCase *tc = tcase_create("table");
	tcase_add_test(tc, running_tasks_are_the_backends_at_their_nodes_host_and_published_port);
	tcase_add_test(tc, a_task_not_yet_running_is_not_a_backend);
	tcase_add_test(tc, a_drained_nodes_task_leaves_as_soon_as_it_is_told_to_stop);
	tcase_add_test(tc, a_down_nodes_tasks_leave_once_they_are_orphaned);
	tcase_add_test(tc, a_node_without_an_ipv4_address_gives_no_backend);
	tcase_add_test(tc, the_table_reads_back_what_it_writes);
	tcase_add_test(tc, a_table_with_bad_bytes_is_refused_with_the_reason);
	tcase_add_test(tc, a_table_with_too_many_backends_is_refused);
	suite_add_tcase(s, tc);
	TCase *rr = tcase_create("round robin");
	tcase_add_test(rr, round_robin_gives_each_backend_the_same_share);
	tcase_add_test(rr, a_refused_connection_tries_every_other_backend_once_then_gives_up);
	tcase_add_test(rr, a_failed_backend_is_skipped_for_a_while_then_tried_again);
	tcase_add_test(rr, when_every_backend_is_marked_one_is_tried_anyway);
	tcase_add_test(rr, a_service_without_backends_has_nothing_to_choose);
	tcase_add_test(rr, a_new_table_keeps_the_rotation_and_the_marks_of_backends_still_in_it);
	suite_add_tcase(s, rr);
	return s;
}
