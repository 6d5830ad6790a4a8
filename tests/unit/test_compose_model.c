/*
 * test_compose_model.c - the Compose model (07-compose): project, container and network
 * names as Compose v2 makes them, and the short and long syntax of ports.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "compose-ports.h"
#include "compose-project.h"
#include "error.h"
#include "yaml.h"

static void check_name(const char *name, const char *flag, const char *folder, const char *expected)
{
	char *got = compose_project_name(name, flag, folder);
	ck_assert_msg(got, "%s", error_message());
	ck_assert_str_eq(got, expected);
	free(got);
}

START_TEST(the_project_is_named_by_name_then_the_flag_then_the_folder)
{
	check_name("shop", "other", "/home/me/dir", "shop");
	check_name(NULL, "other", "/home/me/dir", "other");
	check_name(NULL, NULL, "/home/me/My Shop/", "myshop");
	check_name("", NULL, "/srv/app", "app");
}
END_TEST

START_TEST(a_project_name_is_lowercased_and_keeps_only_letters_digits_underscore_and_dash)
{
	check_name("My_Shop-2.0!", NULL, NULL, "my_shop-20");
	check_name("__-Shop", NULL, NULL, "shop"); /* must start with a letter or a digit */
	check_name(NULL, NULL, "/tmp/.hidden", "hidden");
	ck_assert_ptr_null(compose_project_name("--", NULL, NULL));
	ck_assert_str_eq(error_message(), "project name \"--\" must contain a lowercase letter or a digit");
}
END_TEST

START_TEST(containers_are_project_service_n_and_the_network_is_project_default)
{
	char *container = compose_container_name("shop", "product-service", 1);
	char *network = compose_default_network("shop");
	char *volume = compose_volume_name("shop", "data");
	ck_assert_str_eq(container, "shop-product-service-1");
	ck_assert_str_eq(network, "shop_default");
	ck_assert_str_eq(volume, "shop_data");
	free(container);
	free(network);
	free(volume);
}
END_TEST

static struct compose_port port_of(const char *text)
{
	struct compose_port port;
	ck_assert_msg(compose_port_parse(text, &port) == 0, "%s: %s", text, error_message());
	return port;
}

START_TEST(a_short_port_maps_a_host_port_to_a_container_port)
{
	struct compose_port p = port_of("5000:80");
	ck_assert_uint_eq(p.published, 5000);
	ck_assert_uint_eq(p.published_end, 5000);
	ck_assert_uint_eq(p.target, 80);
	ck_assert_uint_eq(p.target_end, 80);
	ck_assert_str_eq(p.protocol, "tcp");
	ck_assert_ptr_null(p.host_ip);
	compose_port_free(&p);
	p = port_of("80");
	ck_assert_uint_eq(p.published, 0); /* the kernel picks */
	ck_assert_uint_eq(p.target, 80);
	compose_port_free(&p);
}
END_TEST

START_TEST(a_short_port_takes_an_address_a_range_and_udp)
{
	struct compose_port p = port_of("127.0.0.1:5000:80/udp");
	ck_assert_str_eq(p.host_ip, "127.0.0.1");
	ck_assert_str_eq(p.protocol, "udp");
	compose_port_free(&p);
	p = port_of("[::1]:6000:6001");
	ck_assert_str_eq(p.host_ip, "::1");
	ck_assert_uint_eq(p.published, 6000);
	ck_assert_uint_eq(p.target, 6001);
	compose_port_free(&p);
	p = port_of("9090-9091:8080-8081");
	ck_assert_uint_eq(p.published_end, 9091);
	ck_assert_uint_eq(p.target_end, 8081);
	compose_port_free(&p);
	p = port_of("127.0.0.1::80");
	ck_assert_str_eq(p.host_ip, "127.0.0.1");
	ck_assert_uint_eq(p.published, 0);
	compose_port_free(&p);
	p = port_of("8000-8010:80");
	ck_assert_uint_eq(p.published_end, 8010);
	compose_port_free(&p);
}
END_TEST

START_TEST(a_malformed_short_port_is_refused)
{
	static const char *const bad[] = { "", "0", "65536", "abc", "80/sctp", ":80", "5000-4000:80",
					   "9090-9092:8080-8081", "1:2:3:4", "[::1]5000:80" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct compose_port p;
		ck_assert_msg(compose_port_parse(bad[i], &p) == -1, "accepted \"%s\"", bad[i]);
	}
	ck_assert_str_eq(error_message(),
			 "invalid port \"[::1]5000:80\": write [HOST_IP:][PUBLISHED:]TARGET[/tcp|/udp]");
}
END_TEST

START_TEST(a_long_port_reads_target_published_address_protocol_and_mode)
{
	const char *text = "- target: 80\n  published: \"8080\"\n  host_ip: 127.0.0.1\n  protocol: udp\n  mode: host\n";
	struct yaml_node *root = yaml_parse("compose.yaml", text, strlen(text));
	struct compose_port p;
	ck_assert_msg(compose_port_read("compose.yaml", root->first, &p) == 0, "%s", error_message());
	ck_assert_uint_eq(p.target, 80);
	ck_assert_uint_eq(p.published, 8080);
	ck_assert_str_eq(p.host_ip, "127.0.0.1");
	ck_assert_str_eq(p.protocol, "udp");
	ck_assert_str_eq(p.mode, "host");
	compose_port_free(&p);
	yaml_free(root);
}
END_TEST

START_TEST(a_bad_port_names_its_line_and_column)
{
	const char *text = "ports:\n  - target: 80\n    colour: red\n  - \"70000:80\"\n  - published: 80\n";
	struct yaml_node *root = yaml_parse("compose.yaml", text, strlen(text));
	struct yaml_node *ports = yaml_get(root, "ports");
	struct compose_port p;
	ck_assert_int_eq(compose_port_read("compose.yaml", ports->first, &p), -1);
	ck_assert_str_eq(error_message(), "compose.yaml:3:5: unknown key \"colour\" in a port");
	ck_assert_int_eq(compose_port_read("compose.yaml", ports->first->next, &p), -1);
	ck_assert_str_eq(error_message(),
			 "compose.yaml:4:5: invalid port \"70000:80\": write [HOST_IP:][PUBLISHED:]TARGET[/tcp|/udp]");
	ck_assert_int_eq(compose_port_read("compose.yaml", ports->last, &p), -1);
	ck_assert_str_eq(error_message(), "compose.yaml:5:5: a port needs a target");
	yaml_free(root);
}
END_TEST

Suite *compose_model_suite(void)
{
	Suite *s = suite_create("compose_model");
	TCase *tc = tcase_create("names");
	tcase_add_test(tc, the_project_is_named_by_name_then_the_flag_then_the_folder);
	tcase_add_test(tc, a_project_name_is_lowercased_and_keeps_only_letters_digits_underscore_and_dash);
	tcase_add_test(tc, containers_are_project_service_n_and_the_network_is_project_default);
	suite_add_tcase(s, tc);
	tc = tcase_create("ports");
	tcase_add_test(tc, a_short_port_maps_a_host_port_to_a_container_port);
	tcase_add_test(tc, a_short_port_takes_an_address_a_range_and_udp);
	tcase_add_test(tc, a_malformed_short_port_is_refused);
	tcase_add_test(tc, a_long_port_reads_target_published_address_protocol_and_mode);
	tcase_add_test(tc, a_bad_port_names_its_line_and_column);
	suite_add_tcase(s, tc);
	return s;
}
