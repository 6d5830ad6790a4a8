/*
 * test_compose_print.c - `compose config` (07-compose/compose-print.h): the canonical form,
 * golden outputs, YAML strings that read back as themselves, and the round trip (what is
 * printed, read again, prints the same) for every fixture and example compose file.
 */
#include <check.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compose-extends.h"
#include "compose-interpolate.h"
#include "compose-model.h"
#include "compose-print.h"
#include "error.h"
#include "files.h"
#include "harness.h"
#include "json.h"
#include "yaml.h"

/* text read as `compose config` reads it (parsed, interpolated with no variables, extends
 * resolved, the model read), named name, printed in format; NULL with the error recorded. */
static char *print_text(const char *text, size_t size, const char *name, enum compose_format format)
{
	static const struct compose_env no_variables = { NULL, 0 };
	struct yaml_node *root = yaml_parse("compose.yaml", text, size);
	struct compose_project project;
	if (!root)
		return NULL;
	if (compose_interpolate_tree(root, "compose.yaml", &no_variables) < 0 ||
	    compose_extends_resolve("compose.yaml", root, NULL, NULL) < 0 ||
	    compose_model_read("compose.yaml", root, &project) < 0) {
		yaml_free(root);
		return NULL;
	}
	yaml_free(root);
	if (name && !project.name)
		project.name = strdup(name);
	char *printed = NULL;
	size_t length;
	FILE *out = open_memstream(&printed, &length);
	ck_assert_ptr_nonnull(out);
	int result = compose_print(out, &project, format);
	fclose(out);
	compose_project_free(&project);
	if (result < 0) {
		free(printed);
		return NULL;
	}
	return printed;
}

static char *printed(const char *text, const char *name, enum compose_format format)
{
	char *result = print_text(text, strlen(text), name, format);
	ck_assert_msg(result, "%s", error_message());
	return result;
}

static const char lecture_compose[] =
	"version: '3'\n\nservices:\n  product-service:\n    build: ./product\n    volumes:\n"
	"      - ./product:/usr/src/app\n    ports:\n      - 5001:80\n\n  website:\n    image: php:apache\n"
	"    volumes:\n      - ./website:/var/www/html\n    ports:\n      - 5000:80\n    depends_on:\n"
	"      - product-service\n";

/* Written from the Compose documentation's description of `docker compose config` (no
 * `docker compose` is installed here to run): the same document, but Compose also makes
 * the build context and bind sources absolute (/home/me/shop/product), writes the defaults
 * `dockerfile: Dockerfile`, `required: true` under a dependency and `bind: {create_host_path:
 * true}` under a bind mount. tinydock's model keeps paths relative to the project folder (the
 * command resolves them), and prints what the file says and the defaults it acts on: the
 * project's name, its default network, the long syntax of ports and volumes. */
static const char lecture_golden[] =
	"name: shop\n"
	"services:\n"
	"  product-service:\n"
	"    build:\n"
	"      context: ./product\n"
	"    networks:\n"
	"      default: null\n"
	"    ports:\n"
	"      - mode: ingress\n"
	"        target: 80\n"
	"        published: \"5001\"\n"
	"        protocol: tcp\n"
	"    volumes:\n"
	"      - type: bind\n"
	"        source: ./product\n"
	"        target: /usr/src/app\n"
	"  website:\n"
	"    depends_on:\n"
	"      product-service:\n"
	"        condition: service_started\n"
	"    image: php:apache\n"
	"    networks:\n"
	"      default: null\n"
	"    ports:\n"
	"      - mode: ingress\n"
	"        target: 80\n"
	"        published: \"5000\"\n"
	"        protocol: tcp\n"
	"    volumes:\n"
	"      - type: bind\n"
	"        source: ./website\n"
	"        target: /var/www/html\n"
	"networks:\n"
	"  default:\n"
	"    name: shop_default\n";

START_TEST(the_lectures_file_prints_as_compose_config_prints_it)
{
	char *yaml = printed(lecture_compose, "shop", COMPOSE_FORMAT_YAML);
	ck_assert_str_eq(yaml, lecture_golden);
	free(yaml);
}
END_TEST

START_TEST(json_prints_the_same_document_two_spaces_a_level)
{
	char *json = printed("services:\n  web:\n    image: nginx\n    environment: [A=1, B]\n    command: nginx -g 'daemon off;'\n"
			     "    healthcheck: {test: [CMD, 'true'], interval: 90s}\n    stop_grace_period: 2s\n"
			     "    secrets: [token]\n"
			     "secrets:\n  token: {environment: TOKEN}\n",
			     "demo", COMPOSE_FORMAT_JSON);
	ck_assert_str_eq(json,
			 "{\n"
			 "  \"name\": \"demo\",\n"
			 "  \"services\": {\n"
			 "    \"web\": {\n"
			 "      \"command\": [\n        \"nginx\",\n        \"-g\",\n        \"daemon off;\"\n      ],\n"
			 "      \"environment\": {\n        \"A\": \"1\",\n        \"B\": null\n      },\n"
			 "      \"healthcheck\": {\n        \"interval\": \"1m30s\",\n"
			 "        \"test\": [\n          \"CMD\",\n          \"true\"\n        ]\n      },\n"
			 "      \"image\": \"nginx\",\n"
			 "      \"networks\": {\n        \"default\": null\n      },\n"
			 "      \"secrets\": [\n        {\n          \"source\": \"token\"\n        }\n      ],\n"
			 "      \"stop_grace_period\": \"2s\"\n"
			 "    }\n"
			 "  },\n"
			 "  \"networks\": {\n    \"default\": {\n      \"name\": \"demo_default\"\n    }\n  },\n"
			 "  \"secrets\": {\n    \"token\": {\n      \"environment\": \"TOKEN\"\n    }\n  }\n"
			 "}\n");
	free(json);
}
END_TEST

START_TEST(a_literal_dollar_is_printed_as_two_so_the_output_reads_back_the_same)
{
	char *yaml = printed("services:\n  web:\n    image: x\n    command: echo $$HOME\n", NULL, COMPOSE_FORMAT_YAML);
	ck_assert_msg(strstr(yaml, "      - $$HOME\n"), "%s", yaml);
	free(yaml);
}
END_TEST

START_TEST(keys_not_acted_on_are_printed_as_written)
{
	char *yaml = printed("services:\n  web:\n    image: x\n    privileged: true\n    logging: {driver: none}\n"
			     "networks:\n  back: {ipam: {config: [{subnet: 10.5.0.0/16}]}}\n",
			     NULL, COMPOSE_FORMAT_YAML);
	ck_assert_msg(strstr(yaml, "    logging:\n      driver: none\n"), "%s", yaml);
	ck_assert_msg(strstr(yaml, "    privileged: true\n"), "%s", yaml);
	ck_assert_msg(strstr(yaml, "    ipam:\n      config:\n        - subnet: 10.5.0.0/16\n"), "%s", yaml);
	free(yaml);
}
END_TEST

/* --- strings read back as themselves ---------------------------------------------------- */

START_TEST(every_string_is_written_so_that_yaml_reads_it_back_as_the_same_string)
{
	static const char *const strings[] = {
		"", "plain", "true", "false", "null", "~", "yes", "No", "on", "80", "-1", "1.5", "0o17", "0x1F", ".inf",
		"- x", "a: b", "a #b", "#x", " lead", "trail ", "multi\nline", "tab\there", "quote\"s", "back\\slash",
		":x", "x:", "*star", "&amp", "!bang", "%pct", "@at", "`bt", "{", "[", "]", ",", "?", "|", ">", "'",
		"5000:80", "1000:1000", "22:22", "http://example.com:80/a?b=c#d", "echo $$HOME", "ünïcode", "a\x01" "b",
	};
	struct json *map = json_new_object(), *list = json_new_array();
	for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
		json_add_string(map, strings[i][0] ? strings[i] : "empty", strings[i]);
		json_append(list, json_new_string(strings[i]));
	}
	json_add(map, "all", list);
	char *text = NULL;
	size_t length;
	FILE *out = open_memstream(&text, &length);
	ck_assert_int_eq(yaml_write(out, map), 0);
	fclose(out);
	struct yaml_node *root = yaml_parse("written.yaml", text, length);
	ck_assert_msg(root, "%s\n%s", error_message(), text);
	struct json *again = yaml_to_json(root);
	ck_assert_msg(json_equal(map, again), "read back differently:\n%s", text);
	json_free(again);
	yaml_free(root);
	json_free(map);
	free(text);
}
END_TEST

/* --- round trips -------------------------------------------------------------------------- */

static const char *const fixtures[] = {
	lecture_compose,
	"name: Rich App\nx-defaults: &d\n  restart: unless-stopped\nservices:\n  api:\n    <<: *d\n"
	"    build:\n      context: ./api\n      dockerfile: Dockerfile.dev\n      target: test\n      args: [VERSION=1.2, DEBUG]\n"
	"    command: sh -c 'echo \"$$HOME\"'\n    entrypoint: [/init, --]\n"
	"    environment:\n      MODE: production\n      EMPTY: \"\"\n      FLAG: \"yes\"\n"
	"    labels: [com.example=1]\n    env_file: [.env.api]\n    expose: [80, \"443\"]\n"
	"    ports: [\"127.0.0.1:9090-9091:8080-8081/udp\", \"8000-8010:80\", \"[::1]:6000:6001\", {target: 22, published: 2222, mode: host}]\n"
	"    volumes:\n      - data:/var/lib/data:ro\n      - ./src:/src\n      - /anonymous\n      - type: tmpfs\n        target: /tmp\n"
	"    depends_on:\n      db: {condition: service_healthy}\n      migrate: {condition: service_completed_successfully}\n"
	"    healthcheck:\n      test: curl -f http://localhost || exit 1\n      interval: 90s\n      timeout: 500ms\n"
	"      retries: 3\n      start_period: 1h\n"
	"    deploy: {replicas: 2, resources: {limits: {cpus: \"0.5\", memory: 512m, pids: 64}}}\n"
	"    networks:\n      back: {aliases: [api.internal]}\n      front:\n"
	"    secrets: [pw, {source: key, target: /etc/key, mode: \"0400\"}]\n    configs: [motd]\n"
	"    privileged: true\n    logging: {driver: json-file, options: {max-size: 10m}}\n"
	"    stop_grace_period: 1m\n    stop_signal: SIGINT\n    hostname: api\n    working_dir: /src\n    user: \"1000:1000\"\n"
	"    container_name: the-api\n    profiles: [debug]\n    stdin_open: true\n    tty: true\n    init: true\n    read_only: true\n"
	"    cap_add: [NET_ADMIN]\n    cap_drop: [ALL]\n    extra_hosts: [\"db:10.0.0.2\"]\n    tmpfs: /run\n"
	"    sysctls: {net.core.somaxconn: 1024}\n"
	"  db:\n    image: postgres:16\n    network_mode: host\n    healthcheck: {disable: true}\n"
	"  migrate:\n    extends: db\n    command: [migrate]\n"
	"volumes:\n  data:\n  old: {external: true}\n  named: {name: my-data, driver: local, driver_opts: {type: tmpfs}, labels: {a: b}}\n"
	"networks:\n  back: {driver: bridge, internal: true, ipam: {config: [{subnet: 10.5.0.0/16}]}}\n  front:\n"
	"secrets:\n  pw: {file: ./pw.txt}\n  key: {environment: KEY}\n"
	"configs:\n  motd: {content: \"hello $$USER\"}\n"
	"models:\n  llm: {model: ai/smollm2}\n",
	"services:\n  one: {image: busybox, command: [\"true\"]}\n",
	"services:\n  web:\n    image: x\n    networks: [default, other]\nnetworks:\n  other:\n",
};

/* Printed, read again and printed again: the same text. */
static void check_round_trip(const char *what, const char *text, size_t size, const char *name)
{
	char *first = print_text(text, size, name, COMPOSE_FORMAT_YAML);
	ck_assert_msg(first, "%s: %s", what, error_message());
	char *second = print_text(first, strlen(first), NULL, COMPOSE_FORMAT_YAML);
	ck_assert_msg(second, "%s: the printed file is refused: %s\n%s", what, error_message(), first);
	ck_assert_msg(strcmp(first, second) == 0, "%s: printed differently the second time:\n%s\n---\n%s", what, first, second);
	free(first);
	free(second);
}

START_TEST(every_fixture_printed_and_read_again_gives_the_same_model)
{
	for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++) {
		char what[32];
		snprintf(what, sizeof what, "fixture %zu", i);
		check_round_trip(what, fixtures[i], strlen(fixtures[i]), i % 2 ? "project" : NULL);
	}
}
END_TEST

START_TEST(every_example_compose_file_of_the_course_round_trips)
{
	glob_t found;
	int checked = 0;
	if (glob("[0-9][0-9]-*/examples/*/*compose*.y*ml", 0, NULL, &found) == 0) {
		for (size_t i = 0; i < found.gl_pathc; i++) {
			size_t size;
			char *text = read_file(found.gl_pathv[i], &size);
			ck_assert_msg(text, "%s", error_message());
			check_round_trip(found.gl_pathv[i], text, size, "example");
			free(text);
			checked++;
		}
		globfree(&found);
	}
	if (checked == 0)
		harness_skip("no example compose file in the course yet (NN-*/examples/*/*compose*.yml)");
}
END_TEST

START_TEST(the_json_printed_is_the_tree_the_yaml_prints)
{
	char *json = printed(fixtures[1], NULL, COMPOSE_FORMAT_JSON);
	char *yaml = printed(fixtures[1], NULL, COMPOSE_FORMAT_YAML);
	struct json *from_json = json_parse(json, strlen(json));
	struct yaml_node *root = yaml_parse("printed.yaml", yaml, strlen(yaml));
	ck_assert_msg(from_json && root, "%s", error_message());
	struct json *from_yaml = yaml_to_json(root);
	ck_assert(json_equal(from_json, from_yaml));
	json_free(from_json);
	json_free(from_yaml);
	yaml_free(root);
	free(json);
	free(yaml);
}
END_TEST

Suite *compose_print_suite(void)
{
	Suite *s = suite_create("compose_print");
	TCase *tc = tcase_create("config");
	tcase_add_test(tc, the_lectures_file_prints_as_compose_config_prints_it);
	tcase_add_test(tc, json_prints_the_same_document_two_spaces_a_level);
	tcase_add_test(tc, a_literal_dollar_is_printed_as_two_so_the_output_reads_back_the_same);
	tcase_add_test(tc, keys_not_acted_on_are_printed_as_written);
	tcase_add_test(tc, every_string_is_written_so_that_yaml_reads_it_back_as_the_same_string);
	suite_add_tcase(s, tc);
	tc = tcase_create("round trip");
	tcase_add_test(tc, every_fixture_printed_and_read_again_gives_the_same_model);
	tcase_add_test(tc, every_example_compose_file_of_the_course_round_trips);
	tcase_add_test(tc, the_json_printed_is_the_tree_the_yaml_prints);
	suite_add_tcase(s, tc);
	return s;
}
