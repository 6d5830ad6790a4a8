/*
 * test_swarm_machines.c - the simulated machines' plan and state file (08-swarm/
 * swarm-machines-plan.c), without root: names, addresses, links, and the JSON both ways.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "swarm-machines-plan.h"

static const char *address_of(const struct swarm_machine *m)
{
	static char text[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &m->address, text, sizeof(text));
	return text;
}

START_TEST(three_managers_and_four_workers_get_the_tutorials_names_and_addresses_that_tell_their_role)
{
	struct swarm_machines sim;
	ck_assert_int_eq(swarm_machines_plan(3, 4, SWARM_MACHINES_SUBNET, SWARM_MACHINES_BRIDGE, &sim), 0);
	ck_assert_uint_eq(sim.count, 7);
	static const char *const names[] = { "manager1", "manager2", "manager3", "worker1",
					     "worker2",  "worker3",  "worker4" };
	static const char *const addresses[] = { "10.199.0.11", "10.199.0.12", "10.199.0.13", "10.199.0.21",
						 "10.199.0.22", "10.199.0.23", "10.199.0.24" };
	for (size_t i = 0; i < 7; i++) {
		ck_assert_str_eq(sim.machines[i].name, names[i]);
		ck_assert_str_eq(address_of(&sim.machines[i]), addresses[i]);
		ck_assert_int_eq(sim.machines[i].role, i < 3 ? SWARM_MACHINE_MANAGER : SWARM_MACHINE_WORKER);
	}
	char gateway[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &sim.gateway, gateway, sizeof(gateway));
	ck_assert_str_eq(gateway, "10.199.0.1");
	swarm_machines_free(&sim);
}
END_TEST

START_TEST(a_machines_link_is_named_after_the_bridge_and_its_host_number_and_fits_a_device_name)
{
	struct swarm_machines sim;
	ck_assert_int_eq(swarm_machines_plan(9, 200, "10.7.0.0/16", "td-swarmsim", &sim), 0);
	ck_assert_str_eq(sim.machines[0].link, "td-swarmsim-11");
	ck_assert_str_eq(sim.machines[9].link, "td-swarmsim-21");
	ck_assert_str_eq(sim.machines[sim.count - 1].link, "td-swarmsim-220");
	ck_assert_str_eq(sim.machines[sim.count - 1].name, "worker200");
	for (size_t i = 0; i < sim.count; i++)
		ck_assert_uint_lt(strlen(sim.machines[i].link), 16); /* IFNAMSIZ */
	swarm_machines_free(&sim);
}
END_TEST

START_TEST(counts_a_subnet_and_a_bridge_out_of_range_are_refused_with_the_reason)
{
	struct swarm_machines sim;
	ck_assert_int_eq(swarm_machines_plan(0, 2, SWARM_MACHINES_SUBNET, SWARM_MACHINES_BRIDGE, &sim), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "--managers must be between 1 and 9"));
	ck_assert_int_eq(swarm_machines_plan(10, 2, SWARM_MACHINES_SUBNET, SWARM_MACHINES_BRIDGE, &sim), -1);
	ck_assert_int_eq(swarm_machines_plan(1, 201, SWARM_MACHINES_SUBNET, SWARM_MACHINES_BRIDGE, &sim), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "--workers"));
	ck_assert_int_eq(swarm_machines_plan(1, 1, "10.199.0.1/24", SWARM_MACHINES_BRIDGE, &sim), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "it should be 10.199.0.0/24"));
	ck_assert_int_eq(swarm_machines_plan(1, 1, "10.199.0.0/28", SWARM_MACHINES_BRIDGE, &sim), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "too small for worker1"));
	ck_assert_int_eq(swarm_machines_plan(1, 1, SWARM_MACHINES_SUBNET, "a-bridge-too-long", &sim), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "invalid bridge name"));
	ck_assert_int_eq(swarm_machines_plan(1, 1, SWARM_MACHINES_SUBNET, "../x", &sim), -1);
	error_clear();
}
END_TEST

START_TEST(a_machine_is_found_by_name_and_an_unknown_name_lists_those_there_are)
{
	struct swarm_machines sim;
	ck_assert_int_eq(swarm_machines_plan(1, 2, SWARM_MACHINES_SUBNET, SWARM_MACHINES_BRIDGE, &sim), 0);
	ck_assert_ptr_eq(swarm_machines_find(&sim, "worker2"), &sim.machines[2]);
	ck_assert_ptr_null(swarm_machines_find(&sim, "worker3"));
	ck_assert_str_eq(error_message(), "no machine \"worker3\" in the simulation (it has manager1, worker1, worker2)");
	error_clear();
	swarm_machines_free(&sim);
}
END_TEST

START_TEST(the_state_word_says_killed_before_partitioned_and_stopped_without_a_node_process)
{
	struct swarm_machine m = { .killed = false, .partitioned = false };
	ck_assert_str_eq(swarm_machine_state(&m, true), "up");
	ck_assert_str_eq(swarm_machine_state(&m, false), "stopped");
	m.partitioned = true;
	ck_assert_str_eq(swarm_machine_state(&m, true), "partitioned");
	m.killed = true;
	ck_assert_str_eq(swarm_machine_state(&m, false), "killed");
}
END_TEST

START_TEST(the_state_file_gives_back_every_machine_its_process_and_its_cuts)
{
	struct swarm_machines sim, back;
	ck_assert_int_eq(swarm_machines_plan(2, 1, "10.198.5.0/24", "tdss7", &sim), 0);
	char *node[] = { "/bin/probe", "serve", "7000", NULL };
	sim.node_command = swarm_machines_copy_argv(node, -1);
	sim.machines[1].pid = 4242;
	sim.machines[1].pid_start = 123456789012ULL;
	sim.machines[1].partitioned = true;
	sim.machines[2].killed = true;
	char *text = swarm_machines_to_json(&sim);
	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(swarm_machines_from_json(text, strlen(text), &back), 0);
	ck_assert_str_eq(back.bridge, "tdss7");
	ck_assert_uint_eq(back.subnet.prefix, 24);
	ck_assert_uint_eq(back.count, 3);
	ck_assert_str_eq(back.node_command[2], "7000");
	ck_assert_ptr_null(back.node_command[3]);
	ck_assert_int_eq(back.machines[1].pid, 4242);
	ck_assert(back.machines[1].pid_start == 123456789012ULL);
	ck_assert(back.machines[1].partitioned && !back.machines[1].killed);
	ck_assert(back.machines[2].killed && !back.machines[2].partitioned);
	ck_assert_int_eq(back.machines[2].role, SWARM_MACHINE_WORKER);
	ck_assert_str_eq(back.machines[2].link, "tdss7-21");
	ck_assert_str_eq(address_of(&back.machines[2]), "10.198.5.21");
	char *again = swarm_machines_to_json(&back);
	ck_assert_str_eq(again, text);
	free(again);
	free(text);
	swarm_machines_free(&back);
	swarm_machines_free(&sim);
}
END_TEST

static void assert_refused(const char *text, const char *why)
{
	struct swarm_machines sim;
	ck_assert_int_eq(swarm_machines_from_json(text, strlen(text), &sim), -1);
	ck_assert_msg(strstr(error_message(), why), "\"%s\" does not say %s", error_message(), why);
	error_clear();
}

START_TEST(a_state_file_edited_into_nonsense_is_refused_with_the_member_at_fault)
{
	const char *head = "{\"bridge\":\"td-swarmsim\",\"subnet\":\"10.199.0.0/24\",\"gateway\":\"10.199.0.1\",\"machines\":[";
	char text[1024];
	assert_refused("[]", "not a JSON object");
	assert_refused("{\"bridge\":\"td-swarmsim\"}", "\"subnet\" is missing");
	snprintf(text, sizeof(text), "%s{\"name\":\"../etc\",\"role\":\"worker\",\"address\":\"10.199.0.21\","
		 "\"link\":\"td-swarmsim-21\",\"pid\":1,\"pid_start\":1,\"killed\":false,\"partitioned\":false}]}", head);
	assert_refused(text, "\"name\" is not a machine's name");
	snprintf(text, sizeof(text), "%s{\"name\":\"worker1\",\"role\":\"boss\",\"address\":\"10.199.0.21\","
		 "\"link\":\"td-swarmsim-21\",\"pid\":1,\"pid_start\":1,\"killed\":false,\"partitioned\":false}]}", head);
	assert_refused(text, "\"role\" is neither");
	snprintf(text, sizeof(text), "%s{\"name\":\"worker1\",\"role\":\"worker\",\"address\":\"192.168.1.5\","
		 "\"link\":\"td-swarmsim-21\",\"pid\":1,\"pid_start\":1,\"killed\":false,\"partitioned\":false}]}", head);
	assert_refused(text, "\"address\" is not on the simulation's subnet");
	snprintf(text, sizeof(text), "%s{\"name\":\"worker1\",\"role\":\"worker\",\"address\":\"10.199.0.21\","
		 "\"link\":\"eth0\",\"pid\":1,\"pid_start\":1,\"killed\":false,\"partitioned\":false}]}", head);
	assert_refused(text, "\"link\" is not one of the bridge's links");
	assert_refused("{\"bridge\":\"td-swarmsim\",\"subnet\":\"10.199.0.0/24\",\"gateway\":\"10.199.0.1\","
		       "\"node_command\":[1],\"machines\":[]}",
		       "\"node_command\" is not a non-empty array of strings");
	snprintf(text, sizeof(text), "%s{\"name\":\"worker1\",\"role\":\"worker\",\"address\":\"10.199.0.21\","
		 "\"link\":\"td-swarmsim-21\",\"pid\":-5,\"pid_start\":1,\"killed\":false,"
		 "\"partitioned\":false}]}", head);
	assert_refused(text, "\"pid\" is missing or not a whole number");
	snprintf(text, sizeof(text), "%s{\"name\":\"worker1\",\"role\":\"worker\",\"address\":\"10.199.0.21\","
		 "\"link\":\"td-swarmsim-21\",\"pid\":1,\"pid_start\":1,\"killed\":false,\"partitioned\":false},"
		 "{\"name\":\"worker1\",\"role\":\"worker\",\"address\":\"10.199.0.22\","
		 "\"link\":\"td-swarmsim-22\",\"pid\":1,\"pid_start\":1,\"killed\":false,\"partitioned\":false}]}", head);
	assert_refused(text, "machines worker1 and worker1 share a name, an address or a link");
}
END_TEST

Suite *swarm_machines_suite(void)
{
	Suite *s = suite_create("swarm_machines");
	TCase *tc = tcase_create("plan");
	tcase_add_test(tc, three_managers_and_four_workers_get_the_tutorials_names_and_addresses_that_tell_their_role);
	tcase_add_test(tc, a_machines_link_is_named_after_the_bridge_and_its_host_number_and_fits_a_device_name);
	tcase_add_test(tc, counts_a_subnet_and_a_bridge_out_of_range_are_refused_with_the_reason);
	tcase_add_test(tc, a_machine_is_found_by_name_and_an_unknown_name_lists_those_there_are);
	tcase_add_test(tc, the_state_word_says_killed_before_partitioned_and_stopped_without_a_node_process);
	tcase_add_test(tc, the_state_file_gives_back_every_machine_its_process_and_its_cuts);
	tcase_add_test(tc, a_state_file_edited_into_nonsense_is_refused_with_the_member_at_fault);
	suite_add_tcase(s, tc);
	return s;
}
