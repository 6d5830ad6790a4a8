/*
 * test_run_host_settings.c - `run --network` given twice, --add-host, --sysctl, --read-only
 * (chapter 02, pure), and Compose's networks, extra_hosts, sysctls and read_only mapped onto
 * them (chapter 07).
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "compose-model.h"
#include "compose-networks.h"
#include "compose-service-spec.h"
#include "container-spec.h"
#include "container.h"
#include "error.h"
#include "host-entries.h"
#include "json.h"
#include "sysctls.h"
#include "yaml.h"

static int parse(struct container *c, const char *const words[])
{
	static char *argv[64];
	int argc = 0;
	argv[argc++] = (char *)"run";
	argv[argc++] = (char *)"--rootfs";
	argv[argc++] = (char *)"/r";
	for (int i = 0; words[i]; i++)
		argv[argc++] = (char *)words[i];
	argv[argc] = NULL;
	return parse_run_options(argc, argv, c);
}

/* --- sysctls ------------------------------------------------------------------------------ */

START_TEST(net_sysctls_need_a_network_namespace_of_the_container_s_own)
{
	enum sysctl_namespace ns;
	ck_assert_int_eq(sysctl_check("net.ipv4.ip_unprivileged_port_start=0", true, &ns), 0);
	ck_assert_int_eq(ns, SYSCTL_NET);
	ck_assert_int_eq(sysctl_check("net.ipv4.ip_forward=1", false, &ns), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "host's own network namespace"));
}
END_TEST

START_TEST(ipc_sysctls_are_allowed_and_global_ones_are_refused_with_the_reason)
{
	enum sysctl_namespace ns;
	ck_assert_int_eq(sysctl_check("kernel.shmmax=1048576", false, &ns), 0);
	ck_assert_int_eq(ns, SYSCTL_IPC);
	ck_assert_int_eq(sysctl_check("kernel.sem=250 32000 32 128", true, &ns), 0);
	ck_assert_int_eq(sysctl_check("fs.mqueue.msg_max=20", true, &ns), 0);
	ck_assert_int_eq(ns, SYSCTL_IPC);
	ck_assert_int_eq(sysctl_check("kernel.hostname=web", true, &ns), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "--hostname"));
	ck_assert_int_eq(sysctl_check("vm.swappiness=10", true, &ns), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "would change the host"));
	/* a prefix of a name is not the name */
	ck_assert_int_eq(sysctl_check("kernel.semx=1", true, &ns), -1);
	ck_assert_int_eq(sysctl_check("kernel.shmmax", true, &ns), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "KEY=VALUE"));
}
END_TEST

START_TEST(a_sysctl_key_cannot_climb_out_of_proc_sys)
{
	enum sysctl_namespace ns;
	ck_assert_int_eq(sysctl_check("net/../../kernel/panic=1", true, &ns), -1);
	ck_assert_int_eq(sysctl_check("net..x=1", true, &ns), -1);
	char path[256];
	const char *value;
	ck_assert_int_eq(sysctl_path("net.ipv4.ip_unprivileged_port_start=0", path, sizeof(path), &value), 0);
	ck_assert_str_eq(path, "/proc/sys/net/ipv4/ip_unprivileged_port_start");
	ck_assert_str_eq(value, "0");
}
END_TEST

/* --- --add-host ---------------------------------------------------------------------------- */

START_TEST(add_host_takes_name_colon_ip_name_equals_ip_ipv6_and_host_gateway)
{
	ck_assert_int_eq(host_entry_check("db.local:10.0.0.5"), 0);
	ck_assert_int_eq(host_entry_check("db=10.0.0.5"), 0);
	ck_assert_int_eq(host_entry_check("v6:::1"), 0);
	ck_assert_int_eq(host_entry_check("me:host-gateway"), 0);
	ck_assert_int_eq(host_entry_check("db"), -1);
	ck_assert_int_eq(host_entry_check("db:not-an-ip"), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "not an IP address"));
	ck_assert_int_eq(host_entry_check("bad name:10.0.0.5"), -1);
	ck_assert_int_eq(host_entry_check(":10.0.0.5"), -1);
}
END_TEST

START_TEST(add_host_lines_put_the_address_first_and_host_gateway_becomes_the_gateway)
{
	struct in_addr gateway;
	inet_pton(AF_INET, "172.30.0.1", &gateway);
	const char *entries[] = { "db.local:10.0.0.5", "me:host-gateway", "v6:::1", "x=192.168.1.1" };
	char *text = host_entries_render(entries, 4, gateway);
	ck_assert_str_eq(text, "10.0.0.5\tdb.local\n172.30.0.1\tme\n::1\tv6\n192.168.1.1\tx\n");
	free(text);
}
END_TEST

/* --- run's flags ---------------------------------------------------------------------------- */

START_TEST(a_second_network_flag_joins_that_network_too)
{
	struct container c;
	ck_assert_msg(parse(&c, (const char *const[]){ "--network", "front", "--network-alias", "www", "--network",
						      "back", "true", NULL }) == 0,
		      "%s", error_message());
	ck_assert_str_eq(c.network_name, "front");
	ck_assert_int_eq(c.more_network_count, 1);
	ck_assert_str_eq(c.more_networks[0].name, "back");
	ck_assert_int_eq(c.alias_count, 1);
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--network", "front", "--network", "front", NULL }), -1);
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--network", "host", "--network", "back", NULL }), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "conflicting options"));
}
END_TEST

START_TEST(add_host_sysctl_and_read_only_fill_the_container)
{
	struct container c;
	ck_assert_msg(parse(&c, (const char *const[]){ "--add-host", "db:10.0.0.5", "--sysctl", "net.core.somaxconn=512",
						      "--read-only", NULL }) == 0,
		      "%s", error_message());
	ck_assert_int_eq(c.extra_host_count, 1);
	ck_assert_str_eq(c.extra_hosts[0], "db:10.0.0.5");
	ck_assert_int_eq(c.sysctl_count, 1);
	ck_assert(c.read_only);
	ck_assert(!(parse(&c, (const char *const[]){ NULL }) == 0 && c.read_only));
}
END_TEST

START_TEST(a_net_sysctl_with_the_host_network_is_refused_whatever_the_flag_order)
{
	struct container c;
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--sysctl", "net.ipv4.ip_forward=1", "--network", "host", NULL }),
			 -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "host's own network namespace"));
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--network", "host", "--sysctl", "kernel.shmmni=8192", NULL }),
			 0);
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--network", "none", "--add-host", "a:10.0.0.1", NULL }), -1);
}
END_TEST

START_TEST(the_record_keeps_the_other_networks_extra_hosts_sysctls_and_read_only_for_start)
{
	struct container c, back;
	ck_assert_msg(parse(&c, (const char *const[]){ "--network", "front", "--network-alias", "www", "--network", "back",
						      "--add-host", "db:10.0.0.5", "--sysctl", "net.core.somaxconn=512",
						      "--read-only", "true", NULL }) == 0,
		      "%s", error_message());
	c.more_networks[0].aliases[0] = "api";
	c.more_networks[0].alias_count = 1;
	snprintf(c.id, sizeof(c.id), "%064d", 7);
	struct container_record written = { 0 }, loaded;
	ck_assert_int_eq(container_spec_write(&c, &written), 0);
	struct json *doc = container_record_to_json(&written);
	ck_assert_ptr_nonnull(doc);
	/* in Docker's words: HostConfig.ExtraHosts, Sysctls, ReadonlyRootfs */
	const struct json *host = json_get(doc, "HostConfig");
	ck_assert_str_eq(json_string(json_get(host, "ExtraHosts")->first), "db:10.0.0.5");
	ck_assert_str_eq(json_get_string(json_get(host, "Sysctls"), "net.core.somaxconn"), "512");
	bool read_only = false;
	ck_assert(json_bool(json_get(host, "ReadonlyRootfs"), &read_only) == 0 && read_only);
	ck_assert_msg(container_record_from_json(doc, &loaded) == 0, "%s", error_message());
	json_free(doc);
	container_spec_read(&loaded, &back);
	ck_assert_str_eq(back.network_name, "front");
	ck_assert_int_eq(back.more_network_count, 1);
	ck_assert_str_eq(back.more_networks[0].name, "back");
	ck_assert_int_eq(back.more_networks[0].alias_count, 1);
	ck_assert_str_eq(back.more_networks[0].aliases[0], "api");
	ck_assert_int_eq(back.extra_host_count, 1);
	ck_assert_str_eq(back.extra_hosts[0], "db:10.0.0.5");
	ck_assert_int_eq(back.sysctl_count, 1);
	ck_assert_str_eq(back.sysctls[0], "net.core.somaxconn=512");
	ck_assert(back.read_only);
	container_record_free(&written);
	container_record_free(&loaded);
}
END_TEST

/* --- compose ---------------------------------------------------------------------------------- */

struct mapped {
	struct compose_project project;
	struct volume_spec *spec;
	struct compose_spec_strings strings;
	struct compose_strings warnings;
};

static int map(struct mapped *m, const char *text, const char *service)
{
	struct yaml_node *root = yaml_parse("compose.yaml", text, strlen(text));
	ck_assert_msg(root, "%s", error_message());
	ck_assert_msg(compose_model_read("compose.yaml", root, &m->project) == 0, "%s", error_message());
	yaml_free(root);
	m->spec = calloc(1, sizeof(*m->spec));
	m->strings = (struct compose_spec_strings){ 0 };
	m->warnings = (struct compose_strings){ 0 };
	struct compose_spec_input in = { .project = "shop", .model = &m->project, .directory = "/srv/shop",
					 .image = "busybox", .hash = "abc", .number = 1 };
	return compose_service_spec(&in, compose_find_service(&m->project, service), m->spec, &m->strings, &m->warnings);
}

static void unmap(struct mapped *m)
{
	compose_spec_strings_free(&m->strings);
	compose_strings_free(&m->warnings);
	compose_project_free(&m->project);
	free(m->spec);
}

static const char THREE_TIERS[] = "services:\n"
				  "  web: {image: busybox}\n"
				  "  proxy:\n"
				  "    image: busybox\n"
				  "    networks:\n"
				  "      front:\n"
				  "      back: {aliases: [gateway]}\n"
				  "  db: {image: busybox, networks: [back]}\n"
				  "networks:\n"
				  "  front: {name: shop-front}\n"
				  "  back:\n"
				  "    ipam: {config: [{subnet: 10.251.9.0/24}]}\n"
				  "  outside: {external: true}\n";

START_TEST(a_service_on_two_networks_joins_the_first_then_the_other_with_its_names_on_each)
{
	struct mapped m;
	ck_assert_msg(map(&m, THREE_TIERS, "proxy") == 0, "%s", error_message());
	const struct container *c = &m.spec->image.runtime.container;
	ck_assert_str_eq(c->network_name, "shop-front"); /* name: as written */
	ck_assert_int_eq(c->alias_count, 2);
	ck_assert_str_eq(c->aliases[0], "proxy");
	ck_assert_int_eq(c->more_network_count, 1);
	ck_assert_str_eq(c->more_networks[0].name, "shop_back"); /* PROJECT_KEY */
	ck_assert_int_eq(c->more_networks[0].alias_count, 3);
	ck_assert_str_eq(c->more_networks[0].aliases[0], "proxy");
	ck_assert_str_eq(c->more_networks[0].aliases[1], "shop-proxy-1");
	ck_assert_str_eq(c->more_networks[0].aliases[2], "gateway");
	ck_assert_ptr_null(c->more_networks[0].aliases[3]);
	ck_assert_int_eq(m.warnings.count, 0);
	unmap(&m);
}
END_TEST

START_TEST(the_project_s_networks_are_named_as_compose_names_them_with_their_subnet)
{
	struct mapped m;
	ck_assert_msg(map(&m, THREE_TIERS, "web") == 0, "%s", error_message());
	ck_assert_str_eq(m.spec->image.runtime.container.network_name, "shop_default");
	struct compose_strings keys = { 0 };
	ck_assert_int_eq(compose_networks_used(&m.project, &keys), 0);
	ck_assert_int_eq(keys.count, 3); /* default (web), front and back; outside is joined by none */
	char *outside = compose_network_name("shop", &m.project, "outside");
	ck_assert_str_eq(outside, "outside");
	free(outside);
	ck_assert_str_eq(compose_network_subnet(compose_network_definition(&m.project, "back")), "10.251.9.0/24");
	ck_assert_ptr_null(compose_network_subnet(compose_network_definition(&m.project, "front")));
	compose_strings_free(&keys);
	unmap(&m);
}
END_TEST

START_TEST(a_driver_other_than_bridge_is_named_in_the_warning)
{
	struct mapped m;
	ck_assert_msg(map(&m, "services:\n  a: {image: busybox, networks: [o]}\nnetworks:\n  o: {driver: overlay}\n", "a") ==
			      0,
		      "%s", error_message());
	ck_assert_int_eq(m.warnings.count, 1);
	ck_assert_str_eq(m.warnings.items[0], "services.a.networks (o: driver overlay, made a bridge here)");
	unmap(&m);
}
END_TEST

START_TEST(extra_hosts_sysctls_and_read_only_become_run_s_flags)
{
	struct mapped m;
	ck_assert_msg(map(&m,
			  "services:\n  a:\n    image: busybox\n    read_only: true\n"
			  "    extra_hosts: ['db:10.0.0.5', 'me=host-gateway']\n"
			  "    sysctls: {net.ipv4.ip_unprivileged_port_start: 0}\n",
			  "a") == 0,
		      "%s", error_message());
	const struct container *c = &m.spec->image.runtime.container;
	ck_assert(c->read_only);
	ck_assert_int_eq(c->extra_host_count, 2);
	ck_assert_str_eq(c->extra_hosts[1], "me=host-gateway");
	ck_assert_int_eq(c->sysctl_count, 1);
	ck_assert_str_eq(c->sysctls[0], "net.ipv4.ip_unprivileged_port_start=0");
	ck_assert_int_eq(m.warnings.count, 0);
	unmap(&m);
	struct mapped map_form;
	ck_assert_int_eq(map(&map_form, "services:\n  a:\n    image: busybox\n    extra_hosts: {db: 10.0.0.5}\n", "a"), 0);
	ck_assert_str_eq(map_form.spec->image.runtime.container.extra_hosts[0], "db=10.0.0.5");
	unmap(&map_form);
}
END_TEST

START_TEST(a_sysctl_of_the_host_is_refused_by_compose_as_by_run)
{
	struct mapped m;
	ck_assert_int_eq(map(&m, "services:\n  a:\n    image: busybox\n    sysctls: [vm.swappiness=1]\n", "a"), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "service \"a\": sysctls"));
	unmap(&m);
	ck_assert_int_eq(map(&m, "services:\n  a:\n    image: busybox\n    network_mode: host\n"
				 "    sysctls: [net.ipv4.ip_forward=1]\n", "a"),
			 -1);
	unmap(&m);
}
END_TEST

START_TEST(an_ipam_subnet_is_acted_on_and_only_the_rest_of_ipam_is_named_as_ignored)
{
	struct mapped m;
	ck_assert_msg(map(&m,
			  "services:\n  a: {image: busybox, networks: [n]}\nnetworks:\n  n:\n    ipam:\n"
			  "      driver: default\n      config: [{subnet: 10.9.0.0/24, gateway: 10.9.0.254}]\n",
			  "a") == 0,
		      "%s", error_message());
	ck_assert_int_eq(m.project.ignored.count, 1);
	ck_assert_str_eq(m.project.ignored.items[0], "networks.n.ipam.config.gateway");
	ck_assert_str_eq(compose_network_subnet(compose_network_definition(&m.project, "n")), "10.9.0.0/24");
	unmap(&m);
}
END_TEST

START_TEST(tty_becomes_dash_t_and_stdin_open_without_it_is_named_in_the_warning)
{
	struct mapped m;
	ck_assert_int_eq(map(&m, "services:\n  a: {image: busybox, tty: true, stdin_open: true}\n", "a"), 0);
	ck_assert(m.spec->image.runtime.container.tty);
	ck_assert_int_eq(m.warnings.count, 0);
	unmap(&m);
	ck_assert_int_eq(map(&m, "services:\n  a: {image: busybox, stdin_open: true}\n", "a"), 0);
	ck_assert(!m.spec->image.runtime.container.tty);
	ck_assert_int_eq(m.warnings.count, 1);
	ck_assert_str_eq(m.warnings.items[0], "services.a.stdin_open (without tty: no attach here)");
	unmap(&m);
}
END_TEST

Suite *run_host_settings_suite(void)
{
	Suite *s = suite_create("run host settings");
	TCase *t = tcase_create("flags and compose");
	tcase_add_test(t, net_sysctls_need_a_network_namespace_of_the_container_s_own);
	tcase_add_test(t, ipc_sysctls_are_allowed_and_global_ones_are_refused_with_the_reason);
	tcase_add_test(t, a_sysctl_key_cannot_climb_out_of_proc_sys);
	tcase_add_test(t, add_host_takes_name_colon_ip_name_equals_ip_ipv6_and_host_gateway);
	tcase_add_test(t, add_host_lines_put_the_address_first_and_host_gateway_becomes_the_gateway);
	tcase_add_test(t, a_second_network_flag_joins_that_network_too);
	tcase_add_test(t, add_host_sysctl_and_read_only_fill_the_container);
	tcase_add_test(t, a_net_sysctl_with_the_host_network_is_refused_whatever_the_flag_order);
	tcase_add_test(t, the_record_keeps_the_other_networks_extra_hosts_sysctls_and_read_only_for_start);
	tcase_add_test(t, a_service_on_two_networks_joins_the_first_then_the_other_with_its_names_on_each);
	tcase_add_test(t, the_project_s_networks_are_named_as_compose_names_them_with_their_subnet);
	tcase_add_test(t, a_driver_other_than_bridge_is_named_in_the_warning);
	tcase_add_test(t, extra_hosts_sysctls_and_read_only_become_run_s_flags);
	tcase_add_test(t, a_sysctl_of_the_host_is_refused_by_compose_as_by_run);
	tcase_add_test(t, tty_becomes_dash_t_and_stdin_open_without_it_is_named_in_the_warning);
	tcase_add_test(t, an_ipam_subnet_is_acted_on_and_only_the_rest_of_ipam_is_named_as_ignored);
	suite_add_tcase(s, t);
	return s;
}
