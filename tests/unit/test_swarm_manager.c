/*
 * test_swarm_manager.c - one manager's logic, as the node process and the simulation share it
 * (08-swarm/swarm-manager.c): committed batches into the store, and a lone leader whose rounds
 * place a service's tasks; and the identities and tokens of swarm-node-identity.c.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "swarm-manager.h"
#include "swarm-node-identity.h"

/* A command's line, as a batch holds it. */
static char *line_of(struct swarm_command *command)
{
	size_t size;
	char *bytes = swarm_command_encode(command, &size);
	ck_assert_ptr_nonnull(bytes);
	swarm_command_free(command);
	return bytes;
}

static void node_join(struct swarm_commands *list, const char *id)
{
	struct swarm_command *c = swarm_commands_add(list, SWARM_NODE_JOIN, 10);
	ck_assert_ptr_nonnull(c);
	strcpy(c->node.id, id);
	strcpy(c->node.hostname, id);
	strcpy(c->node.address, "127.0.0.2:2377");
	c->node.nano_cpus = 2000000000;
	c->node.memory_bytes = 1LL << 30;
}

START_TEST(a_batch_is_applied_line_by_line_and_says_its_first_refusal)
{
	struct swarm_commands list = { 0 };
	node_join(&list, "n1");
	node_join(&list, "n1"); /* the same node again: refused */
	node_join(&list, "n2");
	size_t size;
	char *batch = swarm_manager_batch(&list, &size);
	ck_assert_ptr_nonnull(batch);
	ck_assert_uint_eq(list.count, 0);
	ck_assert_int_eq(batch[size - 1], '\n');
	struct swarm_store store;
	swarm_store_init(&store);
	char refusal[SWARM_MESSAGE_MAX];
	ck_assert_int_eq(swarm_manager_apply_batch(&store, batch, size, NULL, NULL, refusal, sizeof refusal), 0);
	ck_assert_uint_eq(store.node_count, 2);
	ck_assert_msg(strstr(refusal, "n1"), "%s", refusal);
	swarm_store_free(&store);
	swarm_commands_free(&list);
	free(batch);
}
END_TEST

START_TEST(a_line_that_is_no_command_is_a_damaged_log)
{
	struct swarm_command command;
	swarm_command_init(&command, SWARM_NODE_STATUS, 5);
	strcpy(command.name, "n1");
	char *line = line_of(&command);
	char batch[512];
	snprintf(batch, sizeof batch, "%s\n{\"op\":\"teleport\"}\n", line);
	free(line);
	struct swarm_store store;
	swarm_store_init(&store);
	ck_assert_int_eq(swarm_manager_apply_batch(&store, batch, strlen(batch), NULL, NULL, NULL, 0), -1);
	swarm_store_free(&store);
}
END_TEST

/* Step the lone manager's Raft with input at now and apply what it commits. */
static void step(struct swarm_manager *m, const struct raft_input *input, uint64_t now)
{
	struct raft_output out;
	ck_assert_int_eq(raft_step(&m->raft, input, now, &out), 0);
	ck_assert_int_eq(swarm_manager_apply(m, &out, NULL, NULL), 0);
}

static void propose(struct swarm_manager *m, const char *bytes, size_t size, uint64_t now)
{
	struct raft_input input = { .kind = RAFT_PROPOSE, .data = bytes, .size = size };
	step(m, &input, now);
}

START_TEST(a_lone_leader_s_rounds_create_and_place_a_service_s_tasks)
{
	struct raft_options options = raft_default_options(1, 7);
	struct raft_config founder = { .members = { 1 }, .count = 1 };
	struct swarm_manager m;
	ck_assert_int_eq(swarm_manager_init(&m, &options, &founder, NULL, 0), 0);
	uint64_t now = 0;
	for (int i = 0; i < 100 && m.raft.role != RAFT_LEADER; i++) {
		now = raft_next_deadline(&m.raft);
		struct raft_input tick = { .kind = RAFT_TICK };
		step(&m, &tick, now);
	}
	ck_assert_int_eq(m.raft.role, RAFT_LEADER);
	struct swarm_commands list = { 0 };
	node_join(&list, "n1");
	struct swarm_command *create = swarm_commands_add(&list, SWARM_SERVICE_CREATE, now);
	swarm_service_spec_default(&create->spec, "web", "busybox:latest");
	create->spec.replicas = 2;
	size_t size;
	char *batch = swarm_manager_batch(&list, &size);
	propose(&m, batch, size, now);
	free(batch);
	ck_assert(swarm_manager_caught_up(&m));
	ck_assert_int_eq(swarm_manager_heartbeat(&m, "n1", now), 0);
	ck_assert_int_eq(swarm_manager_heartbeat(&m, "nobody", now), -1);
	/* round 1: the orchestrator creates two tasks; round 2: the scheduler places them */
	for (int round = 0; round < 3; round++) {
		char *bytes;
		ck_assert_int_eq(swarm_manager_round(&m, now + 100 * round, &bytes, &size), 0);
		if (bytes)
			propose(&m, bytes, size, now + 100 * round);
		free(bytes);
	}
	ck_assert_uint_eq(m.store.task_count, 2);
	for (size_t i = 0; i < 2; i++) {
		ck_assert_str_eq(m.store.tasks[i].node, "n1");
		ck_assert_int_eq(m.store.tasks[i].observed, SWARM_TASK_ASSIGNED);
	}
	/* a worker's report, with where the task's port is, becomes a TASK_STATE with endpoints */
	struct swarm_endpoint endpoint = { .target = 80, .published = 30001 };
	uint64_t task = m.store.tasks[0].id;
	ck_assert_int_eq(swarm_manager_report(&m, "n1", task, SWARM_TASK_RUNNING, "started", &endpoint, 1, now + 400), 0);
	char *bytes;
	ck_assert_int_eq(swarm_manager_round(&m, now + 400, &bytes, &size), 0);
	ck_assert_ptr_nonnull(bytes);
	propose(&m, bytes, size, now + 400);
	free(bytes);
	ck_assert_int_eq(m.store.tasks[0].observed, SWARM_TASK_RUNNING);
	ck_assert_uint_eq(m.store.tasks[0].endpoint_count, 1);
	ck_assert_uint_eq(m.store.tasks[0].endpoints[0].published, 30001);
	swarm_commands_free(&list);
	swarm_manager_free(&m);
}
END_TEST

START_TEST(a_follower_s_round_proposes_nothing_and_drops_what_waited)
{
	struct raft_options options = raft_default_options(2, 7);
	struct raft_config two = { .members = { 1, 2 }, .count = 2 };
	struct swarm_manager m;
	ck_assert_int_eq(swarm_manager_init(&m, &options, &two, NULL, 0), 0);
	struct swarm_command *c = swarm_commands_add(&m.commands, SWARM_NODE_STATUS, 0);
	ck_assert_ptr_nonnull(c);
	char *bytes;
	size_t size;
	ck_assert_int_eq(swarm_manager_round(&m, 50, &bytes, &size), 0);
	ck_assert_ptr_null(bytes);
	ck_assert_uint_eq(m.commands.count, 0);
	swarm_manager_free(&m);
}
END_TEST

START_TEST(node_ids_are_25_characters_of_docker_s_alphabet)
{
	char a[SWARM_NODE_ID_LENGTH + 1], b[SWARM_NODE_ID_LENGTH + 1];
	ck_assert_int_eq(swarm_random_text(a, SWARM_NODE_ID_LENGTH), 0);
	ck_assert_int_eq(swarm_random_text(b, SWARM_NODE_ID_LENGTH), 0);
	ck_assert_uint_eq(strlen(a), 25);
	ck_assert_uint_eq(strspn(a, "abcdefghijklmnopqrstuvwxyz0123456789"), 25);
	ck_assert_str_ne(a, b);
	ck_assert_uint_eq(swarm_node_raft_id(a), swarm_node_raft_id(a));
	ck_assert_uint_ne(swarm_node_raft_id(a), 0);
}
END_TEST

START_TEST(a_token_admits_its_role_in_its_swarm_only)
{
	char worker[128], manager[128], other_worker[128], other_manager[128];
	ck_assert_int_eq(swarm_new_tokens(worker, manager, sizeof worker), 0);
	ck_assert_int_eq(swarm_new_tokens(other_worker, other_manager, sizeof worker), 0);
	ck_assert(swarm_token_well_formed(worker));
	ck_assert_uint_eq(strlen(worker), strlen("SWMTKN-1-") + 50 + 1 + 25);
	ck_assert_int_eq(strncmp(worker, manager, strlen("SWMTKN-1-") + 50), 0); /* one digest */
	ck_assert_int_eq(swarm_token_role(worker, worker, manager), SWARM_WORKER);
	ck_assert_int_eq(swarm_token_role(manager, worker, manager), SWARM_MANAGER);
	ck_assert_int_eq(swarm_token_role(other_worker, worker, manager), -1);
	ck_assert_str_eq(error_message(), "invalid join token: it is for another swarm: Operation not permitted");
	char wrong[128];
	strcpy(wrong, worker);
	wrong[strlen(wrong) - 1] = wrong[strlen(wrong) - 1] == 'a' ? 'b' : 'a';
	ck_assert_int_eq(swarm_token_role(wrong, worker, manager), -1);
	ck_assert_str_eq(error_message(), "invalid join token: the secret is wrong (rotated or mistyped): Operation not permitted");
	ck_assert_int_eq(swarm_token_role("SWMTKN-1-short", worker, manager), -1);
	ck_assert(!swarm_token_well_formed("SWMTKN-2-aaaa"));
}
END_TEST

Suite *swarm_manager_suite(void)
{
	Suite *s = suite_create("08-swarm manager");
	TCase *t = tcase_create("manager");
	tcase_add_test(t, a_batch_is_applied_line_by_line_and_says_its_first_refusal);
	tcase_add_test(t, a_line_that_is_no_command_is_a_damaged_log);
	tcase_add_test(t, a_lone_leader_s_rounds_create_and_place_a_service_s_tasks);
	tcase_add_test(t, a_follower_s_round_proposes_nothing_and_drops_what_waited);
	tcase_add_test(t, node_ids_are_25_characters_of_docker_s_alphabet);
	tcase_add_test(t, a_token_admits_its_role_in_its_swarm_only);
	suite_add_tcase(s, t);
	return s;
}
