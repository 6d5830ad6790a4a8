/*
 * test_compose_model.c - the Compose model (07-compose): project, container and network
 * names as Compose v2 makes them, the short and long syntax of ports, every field the model
 * reads and each of its syntaxes, the lecture's shop, and bad files with line and column.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "compose-model.h"
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

/* The lecture's docker-compose.yml, line for line. */
static const char lecture_compose[] =
	"version: '3'\n"
	"\n"
	"services:\n"
	"  product-service:\n"
	"    build: ./product\n"
	"    volumes:\n"
	"      - ./product:/usr/src/app\n"
	"    ports:\n"
	"      - 5001:80\n"
	"\n"
	"  website:\n"
	"    image: php:apache\n"
	"    volumes:\n"
	"      - ./website:/var/www/html\n"
	"    ports:\n"
	"      - 5000:80\n"
	"    depends_on:\n"
	"      - product-service\n";

static struct yaml_node *tree;

static struct compose_project read_model(const char *text)
{
	struct compose_project project;
	tree = yaml_parse("compose.yaml", text, strlen(text));
	ck_assert_msg(tree, "%s", error_message());
	ck_assert_msg(compose_model_read("compose.yaml", tree, &project) == 0, "%s", error_message());
	yaml_free(tree);
	return project;
}

static void check_model_error(const char *text, const char *message)
{
	struct compose_project project;
	struct yaml_node *root = yaml_parse("compose.yaml", text, strlen(text));
	ck_assert_msg(root, "%s", error_message());
	ck_assert_msg(compose_model_read("compose.yaml", root, &project) == -1, "accepted: %s", text);
	ck_assert_str_eq(error_message(), message);
	yaml_free(root);
}

START_TEST(the_lectures_shop_reads_into_two_services)
{
	struct compose_project p = read_model(lecture_compose);
	ck_assert_ptr_null(p.name);
	ck_assert_int_eq(p.service_count, 2);
	const struct compose_service *product = compose_find_service(&p, "product-service");
	const struct compose_service *website = compose_find_service(&p, "website");
	ck_assert_str_eq(product->build.context, "./product");
	ck_assert_ptr_null(product->image);
	ck_assert_int_eq(product->mount_count, 1);
	ck_assert_int_eq(product->mounts[0].type, COMPOSE_MOUNT_BIND);
	ck_assert_str_eq(product->mounts[0].source, "./product");
	ck_assert_str_eq(product->mounts[0].target, "/usr/src/app");
	ck_assert_uint_eq(product->ports[0].published, 5001);
	ck_assert_uint_eq(product->ports[0].target, 80);
	ck_assert_str_eq(website->image, "php:apache");
	ck_assert_str_eq(website->mounts[0].source, "./website");
	ck_assert_uint_eq(website->ports[0].published, 5000);
	ck_assert_int_eq(website->depends_count, 1);
	ck_assert_str_eq(website->depends_on[0].service, "product-service");
	ck_assert_int_eq(website->depends_on[0].condition, COMPOSE_SERVICE_STARTED);
	ck_assert_int_eq(p.ignored.count, 0);
	compose_project_free(&p);
}
END_TEST

START_TEST(services_are_sorted_by_name)
{
	struct compose_project p = read_model("services:\n  web: {image: a}\n  api: {image: b}\n  db: {image: c}\n");
	ck_assert_str_eq(p.services[0].name, "api");
	ck_assert_str_eq(p.services[1].name, "db");
	ck_assert_str_eq(p.services[2].name, "web");
	compose_project_free(&p);
}
END_TEST

START_TEST(build_as_a_mapping_reads_context_dockerfile_target_and_args_in_both_forms)
{
	struct compose_project p = read_model("services:\n  a:\n    build:\n      context: ./app\n      dockerfile: Dockerfile.dev\n"
					      "      target: test\n      args:\n        VERSION: 1\n        FROM_ENV:\n"
					      "  b:\n    build:\n      args: [\"X=1\", Y]\n");
	const struct compose_build *a = &p.services[0].build, *b = &p.services[1].build;
	ck_assert_str_eq(a->context, "./app");
	ck_assert_str_eq(a->dockerfile, "Dockerfile.dev");
	ck_assert_str_eq(a->target, "test");
	ck_assert_int_eq(a->args.count, 2);
	ck_assert_str_eq(a->args.items[0], "VERSION=1");
	ck_assert_str_eq(a->args.items[1], "FROM_ENV");
	ck_assert_str_eq(b->context, "."); /* the default context */
	ck_assert_str_eq(b->args.items[0], "X=1");
	ck_assert_str_eq(b->args.items[1], "Y");
	compose_project_free(&p);
}
END_TEST

START_TEST(a_command_string_is_split_as_a_shell_would_without_a_shell)
{
	struct compose_project p = read_model("services:\n  a:\n    image: busybox\n"
					      "    command: sh -c 'echo \"hello world\"' \"two words\" a\\ b $HOME\n"
					      "    entrypoint: [\"/bin/sh\", \"-c\"]\n");
	const struct compose_service *a = &p.services[0];
	ck_assert(a->has_command);
	ck_assert_int_eq(a->command.count, 6);
	ck_assert_str_eq(a->command.items[0], "sh");
	ck_assert_str_eq(a->command.items[2], "echo \"hello world\"");
	ck_assert_str_eq(a->command.items[3], "two words");
	ck_assert_str_eq(a->command.items[4], "a b");
	ck_assert_str_eq(a->command.items[5], "$HOME");
	ck_assert_int_eq(a->entrypoint.count, 2);
	ck_assert_str_eq(a->entrypoint.items[1], "-c");
	compose_project_free(&p);
}
END_TEST

START_TEST(environment_and_labels_read_as_a_mapping_or_a_list)
{
	struct compose_project p = read_model("services:\n  a:\n    image: x\n    environment:\n      A: 1\n      B: \"two\"\n"
					      "      C:\n      D: true\n    labels: [\"com.example=1\"]\n"
					      "  b:\n    image: x\n    environment: [\"A=1\", B]\n    labels: {tier: web}\n");
	const struct compose_service *a = &p.services[0], *b = &p.services[1];
	ck_assert_int_eq(a->environment.count, 4);
	ck_assert_str_eq(a->environment.items[0], "A=1");
	ck_assert_str_eq(a->environment.items[1], "B=two");
	ck_assert_str_eq(a->environment.items[2], "C");
	ck_assert_str_eq(a->environment.items[3], "D=true");
	ck_assert_str_eq(a->labels.items[0], "com.example=1");
	ck_assert_str_eq(b->environment.items[1], "B");
	ck_assert_str_eq(b->labels.items[0], "tier=web");
	compose_project_free(&p);
}
END_TEST

START_TEST(volumes_are_bind_named_or_anonymous_in_short_and_long_syntax)
{
	struct compose_project p = read_model("services:\n  a:\n    image: x\n    volumes:\n      - ./src:/app:ro\n"
					      "      - /etc/hosts:/h\n      - ~/cache:/c\n      - data:/var/lib/data\n      - /anon\n"
					      "      - type: volume\n        source: data\n        target: /d\n        read_only: true\n"
					      "      - {type: tmpfs, target: /tmp}\n"
					      "volumes:\n  data:\n");
	const struct compose_service *a = &p.services[0];
	ck_assert_int_eq(a->mount_count, 7);
	ck_assert_int_eq(a->mounts[0].type, COMPOSE_MOUNT_BIND);
	ck_assert(a->mounts[0].read_only);
	ck_assert_int_eq(a->mounts[1].type, COMPOSE_MOUNT_BIND);
	ck_assert(!a->mounts[1].read_only);
	ck_assert_int_eq(a->mounts[2].type, COMPOSE_MOUNT_BIND);
	ck_assert_int_eq(a->mounts[3].type, COMPOSE_MOUNT_VOLUME);
	ck_assert_str_eq(a->mounts[3].source, "data");
	ck_assert_int_eq(a->mounts[4].type, COMPOSE_MOUNT_VOLUME);
	ck_assert_ptr_null(a->mounts[4].source);
	ck_assert_str_eq(a->mounts[4].target, "/anon");
	ck_assert(a->mounts[5].read_only);
	ck_assert_int_eq(a->mounts[6].type, COMPOSE_MOUNT_TMPFS);
	ck_assert_int_eq(p.volumes.count, 1);
	ck_assert_str_eq(p.volumes.items[0], "data");
	compose_project_free(&p);
}
END_TEST

START_TEST(depends_on_as_a_mapping_reads_each_condition)
{
	struct compose_project p = read_model("services:\n  web:\n    image: x\n    depends_on:\n"
					      "      db: {condition: service_healthy}\n      init: {condition: service_completed_successfully}\n"
					      "      cache: {condition: service_started, restart: true}\n"
					      "  db: {image: x}\n  init: {image: x}\n  cache: {image: x}\n");
	const struct compose_service *web = compose_find_service(&p, "web");
	ck_assert_int_eq(web->depends_count, 3);
	ck_assert_int_eq(web->depends_on[0].condition, COMPOSE_SERVICE_HEALTHY);
	ck_assert_int_eq(web->depends_on[1].condition, COMPOSE_SERVICE_COMPLETED_SUCCESSFULLY);
	ck_assert_int_eq(web->depends_on[2].condition, COMPOSE_SERVICE_STARTED);
	compose_project_free(&p);
}
END_TEST

START_TEST(plain_string_fields_and_lists_are_read)
{
	struct compose_project p = read_model("name: shop\nservices:\n  a:\n    image: x\n    restart: unless-stopped\n"
					      "    hostname: h\n    working_dir: /w\n    user: \"1000:1000\"\n    container_name: c\n"
					      "    expose: [80, \"443\"]\n    profiles: [debug]\n    env_file: .env.web\n");
	const struct compose_service *a = &p.services[0];
	ck_assert_str_eq(p.name, "shop");
	ck_assert_str_eq(a->restart, "unless-stopped");
	ck_assert_str_eq(a->hostname, "h");
	ck_assert_str_eq(a->working_dir, "/w");
	ck_assert_str_eq(a->user, "1000:1000");
	ck_assert_str_eq(a->container_name, "c");
	ck_assert_str_eq(a->expose.items[0], "80");
	ck_assert_str_eq(a->expose.items[1], "443");
	ck_assert_str_eq(a->profiles.items[0], "debug");
	ck_assert_str_eq(a->env_file.items[0], ".env.web");
	compose_project_free(&p);
}
END_TEST

START_TEST(keys_of_the_specification_not_acted_on_are_accepted_and_listed)
{
	struct compose_project p = read_model("x-common: &c {image: x}\nservices:\n  a:\n    image: x\n    runtime: runc\n"
					      "    gpus: all\n    x-note: mine\n");
	ck_assert_int_eq(p.ignored.count, 2);
	ck_assert_str_eq(p.ignored.items[0], "services.a.runtime");
	ck_assert_str_eq(p.ignored.items[1], "services.a.gpus");
	compose_project_free(&p);
}
END_TEST

START_TEST(an_unknown_key_is_an_error_at_its_line_and_column)
{
	check_model_error("services:\n  web:\n    image: x\n    colour: red\n",
			  "compose.yaml:4:5: unknown key services.web.colour");
	check_model_error("version: '3'\nservise:\n  web: {image: x}\n", "compose.yaml:2:1: unknown top-level key servise");
	check_model_error("services:\n  web:\n    build:\n      contxt: .\n",
			  "compose.yaml:4:7: unknown key services.web.build.contxt");
}
END_TEST

START_TEST(a_wrong_type_is_an_error_at_its_line_and_column)
{
	check_model_error("services:\n  web:\n    image: x\n    ports: \"80:80\"\n",
			  "compose.yaml:4:12: services.web.ports must be a list");
	check_model_error("services:\n  web:\n    image: [x]\n", "compose.yaml:3:12: services.web.image must be a string");
	check_model_error("services:\n  web:\n    image: x\n    environment: 3\n",
			  "compose.yaml:4:18: services.web.environment must be a mapping or a list");
	check_model_error("services:\n  web:\n    image: x\n    depends_on:\n      db: {condition: started}\n  db: {image: x}\n",
			  "compose.yaml:5:23: services.web.depends_on.db.condition must be service_started, service_healthy or "
			  "service_completed_successfully");
	check_model_error("services:\n  web: {}\n", "compose.yaml:2:8: services.web has neither an image nor a build");
	check_model_error("services:\n  web:\n    image: x\n    volumes: [\"data:relative\"]\n",
			  "compose.yaml:4:15: services.web.volumes: invalid volume \"data:relative\": write [SOURCE:]TARGET[:ro], "
			  "TARGET an absolute path");
}
END_TEST

START_TEST(an_unknown_service_in_depends_on_and_a_cycle_are_errors_at_the_entry_at_fault)
{
	check_model_error("services:\n  web:\n    image: x\n    depends_on: [db]\n",
			  "compose.yaml:4:18: service \"web\" depends on undefined service \"db\"");
	check_model_error("services:\n  web:\n    image: x\n    depends_on:\n      db: {condition: service_healthy}\n",
			  "compose.yaml:5:7: service \"web\" depends on undefined service \"db\"");
	/* The entry that closes the cycle: b's dependency on a. */
	check_model_error("services:\n  a: {image: x, depends_on: [b]}\n  b: {image: x, depends_on: [a]}\n",
			  "compose.yaml:3:30: dependency cycle detected: a -> b -> a");
	check_model_error("services:\n  a:\n    image: x\n    depends_on: [c]\n  b:\n    image: x\n    depends_on: [a]\n"
			  "  c:\n    image: x\n    depends_on:\n      - b\n",
			  "compose.yaml:7:18: dependency cycle detected: a -> c -> b -> a");
}
END_TEST

START_TEST(healthcheck_deploy_and_the_runtime_options_are_read)
{
	struct compose_project p = read_model(
		"services:\n  a:\n    image: x\n    healthcheck:\n      test: curl -f http://localhost\n      interval: 1m30s\n"
		"      timeout: 10s\n      retries: 3\n      start_period: 500ms\n"
		"    deploy:\n      replicas: 2\n      resources:\n        limits: {cpus: \"0.5\", memory: 512m, pids: 100}\n"
		"    stop_signal: SIGINT\n    stop_grace_period: 1m\n    stdin_open: true\n    tty: true\n    init: true\n"
		"    read_only: true\n    cap_add: [NET_ADMIN]\n    cap_drop: [ALL]\n    network_mode: host\n"
		"    extra_hosts: [\"db:10.0.0.2\"]\n    tmpfs: /run\n    sysctls: {net.core.somaxconn: 1024}\n"
		"  b:\n    image: x\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n  c:\n    image: x\n    healthcheck: {disable: true}\n");
	const struct compose_service *a = &p.services[0], *b = &p.services[1], *c = &p.services[2];
	ck_assert(a->has_healthcheck);
	ck_assert_int_eq(a->healthcheck.test.count, 2);
	ck_assert_str_eq(a->healthcheck.test.items[0], "CMD-SHELL");
	ck_assert_str_eq(a->healthcheck.test.items[1], "curl -f http://localhost");
	ck_assert_int_eq(a->healthcheck.interval, 90000000000LL);
	ck_assert_int_eq(a->healthcheck.timeout, 10000000000LL);
	ck_assert_int_eq(a->healthcheck.retries, 3);
	ck_assert_int_eq(a->healthcheck.start_period, 500000000LL);
	ck_assert_int_eq(a->replicas, 2);
	ck_assert_str_eq(a->cpus, "0.5");
	ck_assert_int_eq(a->memory, 512LL * 1024 * 1024);
	ck_assert_int_eq(a->pids, 100);
	ck_assert_str_eq(a->stop_signal, "SIGINT");
	ck_assert_int_eq(a->stop_grace_period, 60000000000LL);
	ck_assert(a->stdin_open && a->tty && a->init && a->read_only);
	ck_assert_str_eq(a->cap_add.items[0], "NET_ADMIN");
	ck_assert_str_eq(a->cap_drop.items[0], "ALL");
	ck_assert_str_eq(a->network_mode, "host");
	ck_assert_str_eq(a->extra_hosts.items[0], "db:10.0.0.2");
	ck_assert_str_eq(a->tmpfs.items[0], "/run");
	ck_assert_str_eq(a->sysctls.items[0], "net.core.somaxconn=1024");
	ck_assert_str_eq(b->healthcheck.test.items[0], "CMD");
	ck_assert_int_eq(b->healthcheck.retries, -1);
	ck_assert_int_eq(b->replicas, 1);
	ck_assert_int_eq(b->stop_grace_period, -1);
	ck_assert(c->healthcheck.disable);
	compose_project_free(&p);
}
END_TEST

START_TEST(a_bad_duration_size_or_boolean_is_an_error_at_its_value)
{
	check_model_error("services:\n  a:\n    image: x\n    stop_grace_period: soon\n",
			  "compose.yaml:4:24: services.a.stop_grace_period must be a duration such as 1m30s");
	check_model_error("services:\n  a:\n    image: x\n    deploy: {resources: {limits: {memory: lots}}}\n",
			  "compose.yaml:4:43: services.a.deploy.resources.limits.memory must be a size such as 512m");
	check_model_error("services:\n  a:\n    image: x\n    tty: yes\n", "compose.yaml:4:10: services.a.tty must be a boolean");
}
END_TEST

START_TEST(networks_read_as_a_list_or_a_mapping_with_aliases)
{
	struct compose_project p = read_model("services:\n  a:\n    image: x\n    networks: [front, back]\n"
					      "  b:\n    image: x\n    networks:\n      front:\n      back:\n        aliases: [db, database]\n"
					      "networks:\n  front:\n  back:\n");
	const struct compose_service *a = &p.services[0], *b = &p.services[1];
	ck_assert_int_eq(a->network_count, 2);
	ck_assert_str_eq(a->networks[1].name, "back");
	ck_assert_int_eq(b->network_count, 2);
	ck_assert_int_eq(b->networks[0].aliases.count, 0);
	ck_assert_str_eq(b->networks[1].aliases.items[1], "database");
	ck_assert_int_eq(p.networks.count, 2);
	compose_project_free(&p);
}
END_TEST

START_TEST(secrets_and_configs_read_in_short_and_long_syntax)
{
	struct compose_project p = read_model("services:\n  a:\n    image: x\n    secrets:\n      - db_password\n"
					      "      - source: api_key\n        target: /etc/key\n        mode: \"0400\"\n"
					      "    configs: [nginx]\n"
					      "secrets:\n  db_password: {file: ./db.txt}\n  api_key: {file: ./key}\nconfigs:\n  nginx: {file: ./n.conf}\n");
	const struct compose_service *a = &p.services[0];
	ck_assert_int_eq(a->secret_count, 2);
	ck_assert_str_eq(a->secrets[0].source, "db_password");
	ck_assert_ptr_null(a->secrets[0].target);
	ck_assert_str_eq(a->secrets[1].target, "/etc/key");
	ck_assert_str_eq(a->secrets[1].mode, "0400");
	ck_assert_str_eq(a->configs[0].source, "nginx");
	ck_assert_int_eq(p.secrets.count, 2);
	ck_assert_str_eq(p.configs.items[0], "nginx");
	compose_project_free(&p);
}
END_TEST

START_TEST(top_level_definitions_read_name_external_driver_and_where_a_value_comes_from)
{
	struct compose_project p = read_model(
		"services:\n  a: {image: x}\n"
		"volumes:\n  data:\n  db: {driver: local, driver_opts: {type: tmpfs}, labels: [tier=db], name: shop-db}\n"
		"  old: {external: true}\n  older: {external: {name: legacy}}\n"
		"networks:\n  back: {internal: true, ipam: {driver: default}}\n"
		"secrets:\n  pw: {file: ./pw.txt}\n  token: {environment: TOKEN}\n"
		"configs:\n  motd: {content: hello}\n");
	ck_assert_int_eq(p.volume_definitions.count, 4);
	const struct compose_resource *data = &p.volume_definitions.items[0], *db = &p.volume_definitions.items[1];
	ck_assert_str_eq(data->key, "data");
	ck_assert_ptr_null(data->name);
	ck_assert(!data->external);
	ck_assert_str_eq(db->name, "shop-db");
	ck_assert_str_eq(db->driver, "local");
	ck_assert_str_eq(db->driver_opts.items[0], "type=tmpfs");
	ck_assert_str_eq(db->labels.items[0], "tier=db");
	ck_assert(p.volume_definitions.items[2].external);
	ck_assert(p.volume_definitions.items[3].external);
	ck_assert_str_eq(p.volume_definitions.items[3].name, "legacy");
	ck_assert_str_eq(p.volumes.items[3], "older");
	ck_assert_ptr_nonnull(yaml_get(p.network_definitions.items[0].other, "ipam"));
	ck_assert_str_eq(p.secret_definitions.items[0].file, "./pw.txt");
	ck_assert_str_eq(p.secret_definitions.items[1].environment, "TOKEN");
	ck_assert_str_eq(p.config_definitions.items[0].content, "hello");
	compose_project_free(&p);
}
END_TEST

START_TEST(keys_not_acted_on_are_kept_as_written_and_listed_by_their_path)
{
	struct compose_project p = read_model("services:\n  a:\n    image: x\n    privileged: true\n"
					      "    build: {context: ., ssh: [default]}\n    logging: {driver: none}\n"
					      "networks:\n  back: {attachable: true}\n");
	const struct compose_service *a = &p.services[0];
	ck_assert_int_eq(p.ignored.count, 4);
	ck_assert_str_eq(p.ignored.items[0], "services.a.privileged");
	ck_assert_str_eq(p.ignored.items[1], "services.a.build.ssh");
	ck_assert_str_eq(p.ignored.items[2], "services.a.logging");
	ck_assert_str_eq(p.ignored.items[3], "networks.back.attachable");
	ck_assert_int_eq(a->other->count, 2); /* privileged and logging; build.ssh is listed only */
	ck_assert_str_eq(yaml_get(yaml_get(a->other, "logging"), "driver")->text, "none");
	compose_project_free(&p);
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
	tc = tcase_create("model");
	tcase_add_test(tc, the_lectures_shop_reads_into_two_services);
	tcase_add_test(tc, services_are_sorted_by_name);
	tcase_add_test(tc, build_as_a_mapping_reads_context_dockerfile_target_and_args_in_both_forms);
	tcase_add_test(tc, a_command_string_is_split_as_a_shell_would_without_a_shell);
	tcase_add_test(tc, environment_and_labels_read_as_a_mapping_or_a_list);
	tcase_add_test(tc, volumes_are_bind_named_or_anonymous_in_short_and_long_syntax);
	tcase_add_test(tc, depends_on_as_a_mapping_reads_each_condition);
	tcase_add_test(tc, plain_string_fields_and_lists_are_read);
	tcase_add_test(tc, keys_of_the_specification_not_acted_on_are_accepted_and_listed);
	tcase_add_test(tc, an_unknown_key_is_an_error_at_its_line_and_column);
	tcase_add_test(tc, a_wrong_type_is_an_error_at_its_line_and_column);
	tcase_add_test(tc, an_unknown_service_in_depends_on_and_a_cycle_are_errors_at_the_entry_at_fault);
	tcase_add_test(tc, healthcheck_deploy_and_the_runtime_options_are_read);
	tcase_add_test(tc, a_bad_duration_size_or_boolean_is_an_error_at_its_value);
	tcase_add_test(tc, networks_read_as_a_list_or_a_mapping_with_aliases);
	tcase_add_test(tc, secrets_and_configs_read_in_short_and_long_syntax);
	tcase_add_test(tc, top_level_definitions_read_name_external_driver_and_where_a_value_comes_from);
	tcase_add_test(tc, keys_not_acted_on_are_kept_as_written_and_listed_by_their_path);
	suite_add_tcase(s, tc);
	return s;
}
