/*
 * test_swarm_wire.c - the node-to-node messages (08-swarm/swarm-wire.c): each type survives a
 * round trip through its JSON, and bytes a peer should not have sent are refused with the
 * member that is wrong.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "swarm-wire.h"

/* Encode m, decode the bytes into *back (the caller frees it). */
static void round_trip(const struct swarm_wire_message *m, struct swarm_wire_message *back)
{
	size_t size;
	char *bytes = swarm_wire_encode(m, &size);
	ck_assert_msg(bytes != NULL, "%s", error_message());
	ck_assert_msg(swarm_wire_decode(bytes, size, back) == 0, "%s: %s", error_message(), bytes);
	ck_assert_int_eq(back->type, m->type);
	free(bytes);
}

START_TEST(a_hello_carries_who_speaks_and_its_token)
{
	struct swarm_wire_message m, back;
	swarm_wire_init(&m, SWARM_WIRE_HELLO);
	strcpy(m.token, "SWMTKN-1-abc-def");
	strcpy(m.node, "k3j2h4g5f6d7s8a9q0w1e2r3t");
	strcpy(m.address, "127.0.0.2:2377");
	m.role = SWARM_MANAGER;
	m.raft = 123456;
	size_t size;
	char *bytes = swarm_wire_encode(&m, &size);
	ck_assert_str_eq(bytes, "{\"v\":1,\"type\":\"hello\",\"token\":\"SWMTKN-1-abc-def\",\"node\":"
				"\"k3j2h4g5f6d7s8a9q0w1e2r3t\",\"address\":\"127.0.0.2:2377\",\"role\":\"manager\","
				"\"raft\":123456}");
	free(bytes);
	round_trip(&m, &back);
	ck_assert_str_eq(back.token, m.token);
	ck_assert_str_eq(back.node, m.node);
	ck_assert_str_eq(back.address, m.address);
	ck_assert_int_eq(back.role, SWARM_MANAGER);
	ck_assert_uint_eq(back.raft, 123456);
	swarm_wire_free(&back);
}
END_TEST

START_TEST(an_append_entries_keeps_its_entries_bytes_and_config)
{
	struct raft_entry entries[2] = {
		{ .term = 3, .kind = RAFT_ENTRY_COMMAND, .data = (unsigned char *)"{\"op\":\"node-status\"}\n", .size = 22 },
		{ .term = 3, .kind = RAFT_ENTRY_CONFIG, .config = { .members = { 7, 9 }, .count = 2 } },
	};
	struct swarm_wire_message m, back;
	swarm_wire_init(&m, SWARM_WIRE_RAFT);
	m.raft_message = (struct raft_message){ .kind = RAFT_APPEND_ENTRIES, .from = 7, .to = 9, .term = 3,
						.prev_index = 10, .prev_term = 2, .entries = entries,
						.entry_count = 2, .leader_commit = 10 };
	round_trip(&m, &back);
	const struct raft_message *r = &back.raft_message;
	ck_assert_int_eq(r->kind, RAFT_APPEND_ENTRIES);
	ck_assert_uint_eq(r->from, 7);
	ck_assert_uint_eq(r->to, 9);
	ck_assert_uint_eq(r->prev_index, 10);
	ck_assert_uint_eq(r->leader_commit, 10);
	ck_assert_uint_eq(r->entry_count, 2);
	ck_assert_uint_eq(r->entries[0].size, 22);
	ck_assert_int_eq(memcmp(r->entries[0].data, entries[0].data, 22), 0);
	ck_assert_int_eq(r->entries[1].kind, RAFT_ENTRY_CONFIG);
	ck_assert_uint_eq(r->entries[1].config.count, 2);
	ck_assert_uint_eq(r->entries[1].config.members[1], 9);
	swarm_wire_free(&back);
}
END_TEST

START_TEST(an_install_snapshot_carries_the_store)
{
	struct raft_snapshot snapshot = { .index = 40, .term = 2, .config = { .members = { 1 }, .count = 1 },
					  .data = (unsigned char *)"{\"next_task_id\":1}", .size = 18 };
	struct swarm_wire_message m, back;
	swarm_wire_init(&m, SWARM_WIRE_RAFT);
	m.raft_message = (struct raft_message){ .kind = RAFT_INSTALL_SNAPSHOT, .from = 1, .to = 2, .term = 2,
						.snapshot = &snapshot };
	round_trip(&m, &back);
	ck_assert_ptr_nonnull(back.raft_message.snapshot);
	ck_assert_uint_eq(back.raft_message.snapshot->index, 40);
	ck_assert_uint_eq(back.raft_message.snapshot->size, 18);
	swarm_wire_free(&back);
}
END_TEST

START_TEST(assignments_carry_each_task_with_its_spec_the_mesh_and_the_node_s_role)
{
	struct swarm_service_spec spec;
	swarm_service_spec_default(&spec, "web", "nginx:1.25");
	spec.replicas = 2;
	struct swarm_task task = { .id = 42, .slot = 1, .service_version = 1, .observed = SWARM_TASK_ASSIGNED };
	strcpy(task.service, "web");
	strcpy(task.node, "n1");
	struct swarm_assignment assignment = { .task = 42, .record = &task, .spec = &spec, .desired = SWARM_TASK_RUNNING };
	struct swarm_wire_message m, back;
	swarm_wire_init(&m, SWARM_WIRE_ASSIGNMENTS);
	m.assignments = &assignment;
	m.assignment_count = 1;
	m.mesh = "{\"services\":[]}";
	m.role = SWARM_MANAGER; /* promoted: it gets the tokens */
	strcpy(m.manager_token, "SWMTKN-1-x-m");
	round_trip(&m, &back);
	ck_assert_int_eq(back.role, SWARM_MANAGER);
	ck_assert_str_eq(back.manager_token, "SWMTKN-1-x-m");
	ck_assert_uint_eq(back.assignment_count, 1);
	ck_assert_uint_eq(back.assignments[0].task, 42);
	ck_assert_int_eq(back.assignments[0].desired, SWARM_TASK_RUNNING);
	ck_assert_str_eq(back.assignments[0].record->service, "web");
	ck_assert_str_eq(back.assignments[0].spec->image, "nginx:1.25");
	ck_assert_uint_eq(back.assignments[0].spec->replicas, 2);
	ck_assert_str_eq(back.mesh, "{\"services\":[]}");
	swarm_wire_free(&back);
	swarm_service_spec_free(&spec);
}
END_TEST

START_TEST(a_report_carries_states_and_endpoints)
{
	struct swarm_wire_report report = { .task = 7, .state = SWARM_TASK_RUNNING, .message = "started",
					    .endpoints = { { .target = 80, .published = 30001 } }, .endpoint_count = 1 };
	struct swarm_wire_message m, back;
	swarm_wire_init(&m, SWARM_WIRE_REPORT);
	m.reports = &report;
	m.report_count = 1;
	round_trip(&m, &back);
	ck_assert_uint_eq(back.report_count, 1);
	ck_assert_int_eq(back.reports[0].state, SWARM_TASK_RUNNING);
	ck_assert_uint_eq(back.reports[0].endpoints[0].published, 30001);
	swarm_wire_free(&back);
}
END_TEST

START_TEST(a_join_answer_names_the_managers_and_the_tokens)
{
	struct swarm_wire_message m, back;
	swarm_wire_init(&m, SWARM_WIRE_JOIN_ANSWER);
	m.manager_count = 2;
	strcpy(m.managers[0].node, "a");
	strcpy(m.managers[0].address, "127.0.0.2:2377");
	m.managers[0].raft = 5;
	strcpy(m.managers[1].node, "b");
	strcpy(m.managers[1].address, "127.0.0.3:2377");
	m.managers[1].raft = 6;
	strcpy(m.worker_token, "SWMTKN-1-x-w");
	round_trip(&m, &back);
	ck_assert_uint_eq(back.manager_count, 2);
	ck_assert_str_eq(back.managers[1].address, "127.0.0.3:2377");
	ck_assert_str_eq(back.worker_token, "SWMTKN-1-x-w");
	ck_assert_str_eq(back.manager_token, "");
	swarm_wire_free(&back);
}
END_TEST

START_TEST(a_forwarded_control_request_keeps_its_json)
{
	struct swarm_wire_message m, back;
	swarm_wire_init(&m, SWARM_WIRE_CONTROL);
	m.control = "{\"op\":\"propose\",\"command\":{\"op\":\"node-status\"}}";
	round_trip(&m, &back);
	ck_assert_str_eq(back.control, m.control);
	swarm_wire_free(&back);
}
END_TEST

/* Decode text, expect a refusal whose message is expected. */
static void refused(const char *text, const char *expected)
{
	struct swarm_wire_message m;
	ck_assert_int_eq(swarm_wire_decode(text, strlen(text), &m), -1);
	ck_assert_str_eq(error_message(), expected);
}

#define BAD ": Invalid argument" /* swarm-json.h's checks record EINVAL */

START_TEST(bytes_that_are_not_a_message_are_refused_with_the_member_at_fault)
{
	refused("[1,2]", "swarm wire: \"message\" is not a JSON object" BAD);
	refused("{\"type\":\"hello\"}", "swarm wire: \"v\" is missing or not a whole number" BAD);
	refused("{\"v\":2,\"type\":\"hello\"}", "swarm wire: version 2 is not this node's (1): Protocol error");
	refused("{\"v\":1,\"type\":\"shout\"}", "swarm wire: \"type\" names no known value" BAD);
	refused("{\"v\":1,\"type\":\"hello\",\"token\":\"t\",\"node\":\"n\",\"address\":\"a\",\"role\":\"king\",\"raft\":1}",
		"swarm wire: \"role\" names no known value" BAD);
	refused("{\"v\":1,\"type\":\"hello\",\"token\":\"t\",\"node\":\"n\",\"address\":\"a\",\"role\":\"worker\",\"raft\":-1}",
		"swarm wire: \"raft\" is out of range" BAD);
	refused("{\"v\":1,\"type\":\"raft\",\"kind\":\"install-snapshot\",\"from\":1,\"to\":2,\"term\":1,"
		"\"last_log_index\":0,\"last_log_term\":0,\"pre_vote\":false,\"granted\":false,\"prev_index\":0,"
		"\"prev_term\":0,\"entries\":[],\"leader_commit\":0,\"success\":false,\"match_index\":0,"
		"\"conflict_index\":0,\"conflict_term\":0}",
		"swarm wire: \"snapshot\" is missing from an install-snapshot" BAD);
	refused("{\"v\":1,\"type\":\"report\",\"reports\":[{\"task\":1,\"state\":\"running\",\"message\":\"m\"}]}",
		"swarm wire: \"endpoints\" is missing or not an array" BAD);
}
END_TEST

START_TEST(a_text_longer_than_its_field_is_refused)
{
	char text[512];
	char node[200];
	memset(node, 'a', sizeof node - 1);
	node[sizeof node - 1] = '\0';
	snprintf(text, sizeof text, "{\"v\":1,\"type\":\"redirect\",\"node\":\"%s\",\"address\":\"x\"}", node);
	refused(text, "swarm wire: \"node\" is too long or holds a NUL" BAD);
}
END_TEST

Suite *swarm_wire_suite(void)
{
	Suite *s = suite_create("08-swarm wire");
	TCase *t = tcase_create("wire");
	tcase_add_test(t, a_hello_carries_who_speaks_and_its_token);
	tcase_add_test(t, an_append_entries_keeps_its_entries_bytes_and_config);
	tcase_add_test(t, an_install_snapshot_carries_the_store);
	tcase_add_test(t, assignments_carry_each_task_with_its_spec_the_mesh_and_the_node_s_role);
	tcase_add_test(t, a_report_carries_states_and_endpoints);
	tcase_add_test(t, a_join_answer_names_the_managers_and_the_tokens);
	tcase_add_test(t, a_forwarded_control_request_keeps_its_json);
	tcase_add_test(t, bytes_that_are_not_a_message_are_refused_with_the_member_at_fault);
	tcase_add_test(t, a_text_longer_than_its_field_is_refused);
	suite_add_tcase(s, t);
	return s;
}
