/*
 * test_swarm_vip.c - service names inside the swarm: virtual IPs, their mesh rows and hosts
 * lines (08-swarm/swarm-vip.c).
 */
#include <check.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "swarm-command.h"
#include "swarm-fixtures.h"
#include "swarm-vip-hosts.h"
#include "swarm-vip.h"

static struct subnet subnet_of(const char *cidr)
{
	struct subnet s;
	ck_assert_msg(subnet_parse(cidr, &s) == 0, "%s", error_message());
	return s;
}

static const char *text_of(struct in_addr address)
{
	static char text[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &address, text, sizeof(text));
	return text;
}

/* Service name with ports (target, published; published 0: target only), created at once. */
static void create_service(struct swarm_store *store, const char *name, const uint16_t (*ports)[2], size_t count)
{
	struct swarm_service_spec spec = swarm_fixture_spec(name, 1);
	spec.ports = calloc(count ? count : 1, sizeof(*spec.ports));
	for (size_t i = 0; i < count; i++)
		spec.ports[i] = (struct swarm_port){ .target = ports[i][0], .published = ports[i][1],
		                                     .host_mode = ports[i][1] == 0 };
	spec.port_count = count;
	swarm_fixture_create(store, &spec, 0);
}

/* api (80 and 9000, unpublished), web (8080->80) and a worker without ports on a node at
 * 10.0.0.5, every task running with target T published on 30000 + T. */
static void swarm_with_three_services(struct swarm_store *store)
{
	swarm_store_init(store);
	swarm_fixture_join(store, "w1", SWARM_WORKER);
	swarm_copy_name(swarm_store_node(store, "w1")->spec.address, SWARM_NAME_MAX, "10.0.0.5:2377");
	create_service(store, "api", (const uint16_t[][2]){ { 80, 0 }, { 9000, 0 } }, 2);
	create_service(store, "web", (const uint16_t[][2]){ { 80, 8080 } }, 1);
	create_service(store, "worker", NULL, 0);
	swarm_fixture_round(store, 1);
	for (size_t i = 0; i < store->task_count; i++) {
		const struct swarm_task *task = &store->tasks[i];
		const struct swarm_service *service = swarm_store_service(store, task->service);
		struct swarm_command report;
		swarm_command_init(&report, SWARM_TASK_STATE, 1);
		report.task_id = task->id;
		report.state = SWARM_TASK_RUNNING;
		for (size_t p = 0; p < service->spec.port_count; p++)
			report.endpoints[report.endpoint_count++] = (struct swarm_endpoint){
				.target = service->spec.ports[p].target,
				.published = (uint16_t)(30000 + service->spec.ports[p].target) };
		ck_assert_msg(swarm_fixture_apply(store, &report) == 0, "%s", error_message());
	}
}

START_TEST(each_service_with_a_port_gets_a_vip_row_per_target_served_by_its_running_tasks)
{
	struct swarm_store store;
	swarm_with_three_services(&store);
	struct swarm_mesh_table table;
	struct subnet vips = subnet_of(SWARM_VIP_SUBNET);
	ck_assert_int_eq(swarm_mesh_table_from_store(&store, &table), 0);
	ck_assert_int_eq(swarm_vip_add_rows(&store, &vips, &table), 0);
	/* 8080 of web, then api:80, api:9000, web:80; the worker has no port, so no row */
	ck_assert_int_eq(table.service_count, 4);
	const struct swarm_mesh_service *api80 = &table.services[1], *api9000 = &table.services[2],
	                                *web80 = &table.services[3];
	ck_assert_str_eq(api80->name, "api");
	ck_assert_int_eq(api80->published, 80);
	ck_assert_int_eq(api9000->published, 9000);
	ck_assert_int_eq(api80->vip.s_addr, api9000->vip.s_addr);
	ck_assert_int_ne(api80->vip.s_addr, web80->vip.s_addr);
	ck_assert(subnet_contains(&vips, api80->vip));
	ck_assert(subnet_contains(&vips, web80->vip));
	ck_assert_int_eq(api9000->backend_count, 1);
	char backend[32];
	swarm_mesh_backend_format(&api9000->backends[0], backend, sizeof(backend));
	ck_assert_str_eq(backend, "10.0.0.5:39000");
	/* the published port and web's VIP on port 80 are different rows, chosen by address */
	ck_assert_ptr_eq(swarm_mesh_table_route(&table, web80->vip, 80, false), web80);
	ck_assert_ptr_eq(swarm_mesh_table_route(&table, api80->vip, 80, false), api80);
	ck_assert_ptr_null(swarm_mesh_table_route(&table, (struct in_addr){ htonl(0x0a000005) }, 80, false));
	ck_assert_ptr_eq(swarm_mesh_table_route(&table, (struct in_addr){ htonl(0x0a000005) }, 8080, false),
	                 &table.services[0]);
	swarm_mesh_table_free(&table);
	swarm_store_free(&store);
}
END_TEST

START_TEST(the_hosts_lines_name_each_service_once_at_its_vip)
{
	struct swarm_store store;
	swarm_with_three_services(&store);
	struct swarm_mesh_table table;
	struct subnet vips = subnet_of(SWARM_VIP_SUBNET);
	ck_assert_int_eq(swarm_mesh_table_from_store(&store, &table), 0);
	ck_assert_int_eq(swarm_vip_add_rows(&store, &vips, &table), 0);
	char *hosts = swarm_vip_hosts(&table);
	char expected[128];
	snprintf(expected, sizeof(expected), "%s\tapi\n", text_of(table.services[1].vip));
	snprintf(expected + strlen(expected), sizeof(expected) - strlen(expected), "%s\tweb\n",
	         text_of(table.services[3].vip));
	ck_assert_str_eq(hosts, expected);
	free(hosts);
	struct in_addr addresses[4];
	ck_assert_int_eq(swarm_vip_addresses(&table, addresses, 4), 2);
	ck_assert_int_eq(addresses[0].s_addr, table.services[1].vip.s_addr);
	ck_assert_int_eq(addresses[1].s_addr, table.services[3].vip.s_addr);
	swarm_mesh_table_free(&table);
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_vip_depends_only_on_the_names_created_before_it)
{
	struct subnet vips = subnet_of(SWARM_VIP_SUBNET);
	const char *before[] = { "api", "web" }, *after[] = { "api", "web", "db", "cache" };
	struct in_addr first, again;
	ck_assert_int_eq(swarm_vip_of(&vips, before, 2, "web", &first), 0);
	ck_assert_int_eq(swarm_vip_of(&vips, after, 4, "web", &again), 0);
	ck_assert_int_eq(first.s_addr, again.s_addr);
	ck_assert(subnet_contains(&vips, first));
}
END_TEST

START_TEST(names_that_collide_get_different_addresses_and_never_the_network_or_broadcast)
{
	struct subnet tiny = subnet_of("198.18.0.0/30"); /* two addresses: .1 and .2 */
	const char *names[] = { "a", "b", "c" };
	struct in_addr a, b;
	ck_assert_int_eq(swarm_vip_of(&tiny, names, 2, "a", &a), 0);
	ck_assert_int_eq(swarm_vip_of(&tiny, names, 2, "b", &b), 0);
	ck_assert_int_ne(a.s_addr, b.s_addr);
	for (int i = 0; i < 2; i++) {
		uint32_t host = ntohl((i ? b : a).s_addr) & 3;
		ck_assert_msg(host == 1 || host == 2, "%s", text_of(i ? b : a));
	}
	struct in_addr c;
	ck_assert_int_eq(swarm_vip_of(&tiny, names, 3, "c", &c), -1);
	ck_assert_str_eq(error_message(), "no virtual IP left in 198.18.0.0/30 for service c: No space left on device");
}
END_TEST

START_TEST(a_stacks_service_is_also_found_by_the_name_its_compose_file_gives_it)
{
	struct swarm_store store;
	swarm_store_init(&store);
	struct swarm_service_spec spec = swarm_fixture_spec("shop_product-service", 1);
	spec.ports = calloc(1, sizeof(*spec.ports));
	spec.ports[0] = (struct swarm_port){ .target = 80, .published = 5001 };
	spec.port_count = 1;
	ck_assert_int_eq(swarm_strings_add(&spec.labels, SWARM_STACK_LABEL "=shop"), 0);
	swarm_fixture_create(&store, &spec, 0);
	/* a name that only looks like a stack's (no label) gets no alias */
	create_service(&store, "not_a-stack", (const uint16_t[][2]){ { 80, 0 } }, 1);
	struct swarm_mesh_table table, back;
	struct subnet vips = subnet_of(SWARM_VIP_SUBNET);
	ck_assert_int_eq(swarm_mesh_table_from_store(&store, &table), 0);
	ck_assert_int_eq(swarm_vip_add_rows(&store, &vips, &table), 0);
	char *text = swarm_mesh_table_encode(&table);
	ck_assert_msg(swarm_mesh_table_decode(text, strlen(text), &back) == 0, "%s", error_message());
	char *hosts = swarm_vip_hosts(&back);
	char expected[160];
	const struct swarm_mesh_service *product = NULL, *other = NULL;
	for (size_t i = 0; i < back.service_count; i++)
		if (back.services[i].vip.s_addr != htonl(INADDR_ANY))
			*(strcmp(back.services[i].name, "not_a-stack") == 0 ? &other : &product) = &back.services[i];
	ck_assert_ptr_nonnull(product);
	ck_assert_ptr_nonnull(other);
	snprintf(expected, sizeof(expected), "%s\tshop_product-service product-service\n", text_of(product->vip));
	snprintf(expected + strlen(expected), sizeof(expected) - strlen(expected), "%s\tnot_a-stack\n", text_of(other->vip));
	ck_assert_str_eq(hosts, expected);
	free(hosts);
	free(text);
	swarm_mesh_table_free(&back);
	swarm_mesh_table_free(&table);
	swarm_store_free(&store);
}
END_TEST

START_TEST(vip_rows_read_back_from_the_tables_bytes)
{
	struct swarm_store store;
	swarm_with_three_services(&store);
	struct swarm_mesh_table table, back;
	struct subnet vips = subnet_of(SWARM_VIP_SUBNET);
	ck_assert_int_eq(swarm_mesh_table_from_store(&store, &table), 0);
	ck_assert_int_eq(swarm_vip_add_rows(&store, &vips, &table), 0);
	char *text = swarm_mesh_table_encode(&table);
	char member[64];
	snprintf(member, sizeof(member), "{\"name\":\"api\",\"vip\":\"%s\",\"published\":80,", text_of(table.services[1].vip));
	ck_assert_msg(strstr(text, member), "%s", text);
	ck_assert_ptr_null(strstr(text, "\"vip\":\"0.0.0.0\""));
	ck_assert_msg(swarm_mesh_table_decode(text, strlen(text), &back) == 0, "%s", error_message());
	ck_assert_int_eq(back.service_count, 4);
	ck_assert_int_eq(back.services[1].vip.s_addr, table.services[1].vip.s_addr);
	ck_assert_int_eq(back.services[0].vip.s_addr, htonl(INADDR_ANY));
	static const char bad[] = "{\"services\":[{\"name\":\"a\",\"vip\":\"nowhere\",\"published\":80,\"target\":80,"
	                          "\"protocol\":\"tcp\",\"backends\":[]}]}";
	struct swarm_mesh_table refused;
	ck_assert_int_eq(swarm_mesh_table_decode(bad, strlen(bad), &refused), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "\"vip\" is not an IPv4 address"));
	free(text);
	swarm_mesh_table_free(&back);
	swarm_mesh_table_free(&table);
	swarm_store_free(&store);
}
END_TEST

START_TEST(the_services_block_is_added_replaced_and_removed_leaving_the_other_lines)
{
	static const char base[] = "127.0.0.1\tlocalhost\n172.30.0.2\tabc123 web.1\n";
	char *added = swarm_vip_hosts_replace(base, "198.18.0.7\tapi\n");
	ck_assert_str_eq(added, "127.0.0.1\tlocalhost\n172.30.0.2\tabc123 web.1\n" SWARM_VIP_HOSTS_BEGIN
	                        "198.18.0.7\tapi\n" SWARM_VIP_HOSTS_END);
	char *replaced = swarm_vip_hosts_replace(added, "198.18.0.7\tapi\n198.18.0.9\tdb\n");
	ck_assert_str_eq(replaced, "127.0.0.1\tlocalhost\n172.30.0.2\tabc123 web.1\n" SWARM_VIP_HOSTS_BEGIN
	                           "198.18.0.7\tapi\n198.18.0.9\tdb\n" SWARM_VIP_HOSTS_END);
	char *removed = swarm_vip_hosts_replace(replaced, "");
	ck_assert_str_eq(removed, base);
	free(added);
	free(replaced);
	free(removed);
}
END_TEST

START_TEST(lines_after_the_block_stay_and_a_last_line_without_newline_gets_one)
{
	char *moved = swarm_vip_hosts_replace("a\n" SWARM_VIP_HOSTS_BEGIN "1.2.3.4\told\n" SWARM_VIP_HOSTS_END
	                                      "10.0.0.1\textra\n", "5.6.7.8\tnew\n");
	ck_assert_str_eq(moved, "a\n10.0.0.1\textra\n" SWARM_VIP_HOSTS_BEGIN "5.6.7.8\tnew\n" SWARM_VIP_HOSTS_END);
	char *joined = swarm_vip_hosts_replace("127.0.0.1\tlocalhost", "5.6.7.8\tnew\n");
	ck_assert_str_eq(joined, "127.0.0.1\tlocalhost\n" SWARM_VIP_HOSTS_BEGIN "5.6.7.8\tnew\n" SWARM_VIP_HOSTS_END);
	char *cut = swarm_vip_hosts_replace("a\n" SWARM_VIP_HOSTS_BEGIN "1.2.3.4\told\n", "");
	ck_assert_str_eq(cut, "a\n");
	free(moved);
	free(joined);
	free(cut);
}
END_TEST

Suite *swarm_vip_suite(void)
{
	Suite *s = suite_create("swarm vip");
	TCase *tc = tcase_create("vip");
	tcase_add_test(tc, each_service_with_a_port_gets_a_vip_row_per_target_served_by_its_running_tasks);
	tcase_add_test(tc, the_hosts_lines_name_each_service_once_at_its_vip);
	tcase_add_test(tc, a_stacks_service_is_also_found_by_the_name_its_compose_file_gives_it);
	tcase_add_test(tc, a_vip_depends_only_on_the_names_created_before_it);
	tcase_add_test(tc, names_that_collide_get_different_addresses_and_never_the_network_or_broadcast);
	tcase_add_test(tc, vip_rows_read_back_from_the_tables_bytes);
	tcase_add_test(tc, the_services_block_is_added_replaced_and_removed_leaving_the_other_lines);
	tcase_add_test(tc, lines_after_the_block_stay_and_a_last_line_without_newline_gets_one);
	suite_add_tcase(s, tc);
	return s;
}
