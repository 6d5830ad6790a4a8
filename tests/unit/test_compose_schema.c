/*
 * test_compose_schema.c - the Compose specification's schema as tinydock's table
 * (07-compose/compose-schema.h): the table and compose-spec.json say the same, property by
 * property and type by type, and files are checked against it at every level.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compose-model.h"
#include "compose-schema.h"
#include "error.h"
#include "harness.h"
#include "json.h"
#include "yaml.h"

/* Read from where it is, never copied (see ../shared/corpora/README.md). */
static const char *schema_path(void)
{
	const char *path = getenv("TINYDOCK_COMPOSE_SCHEMA");
	return path ? path : "../shared/corpora/compose-spec/compose-spec.json";
}

/* --- the table against compose-spec.json ----------------------------------------------- */

struct comparison {
	const struct json *definitions;
	char failures[8192];
	int differences, properties;
};

static void differ(struct comparison *c, const char *path, const char *what)
{
	size_t used = strlen(c->failures);
	if (c->differences++ < 40)
		snprintf(c->failures + used, sizeof c->failures - used, "\n  %s: %s", path[0] ? path : "(the file)", what);
}

/* A node with its "$ref"s followed ("#/definitions/service"). */
static const struct json *resolve(const struct comparison *c, const struct json *node)
{
	const char *ref;
	while ((ref = json_get_string(node, "$ref")))
		node = json_get(c->definitions, strrchr(ref, '/') + 1);
	return node;
}

/* The alternatives of a node: itself, or the members of its oneOf/anyOf, flattened. */
static size_t alternatives(const struct comparison *c, const struct json *node, const struct json **out, size_t room)
{
	node = resolve(c, node);
	const struct json *choice = json_get(node, "oneOf") ? json_get(node, "oneOf") : json_get(node, "anyOf");
	if (!choice)
		return room ? (out[0] = node, 1) : 0;
	size_t count = 0;
	json_for_each(alternative, choice)
		count += alternatives(c, alternative, out + count, room - count);
	return count;
}

static unsigned type_named(const char *name)
{
	static const struct { const char *name; unsigned type; } types[] = {
		{ "null", COMPOSE_SCHEMA_NULL }, { "boolean", COMPOSE_SCHEMA_BOOLEAN },
		{ "integer", COMPOSE_SCHEMA_INTEGER }, { "number", COMPOSE_SCHEMA_NUMBER },
		{ "string", COMPOSE_SCHEMA_STRING }, { "array", COMPOSE_SCHEMA_ARRAY },
		{ "object", COMPOSE_SCHEMA_OBJECT },
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcmp(name, types[i].name) == 0)
			return types[i].type;
	ck_abort_msg("a JSON Schema type unknown to the test: %s", name);
	return 0;
}

/* The JSON Schema types an alternative allows ("type", or implied by what it holds). */
static unsigned types_of(const struct json *node)
{
	const struct json *type = json_get(node, "type");
	if (json_is(type, JSON_STRING))
		return type_named(json_string(type));
	unsigned types = 0;
	json_for_each(name, type)
		types |= type_named(json_string(name));
	if (!type && (json_get(node, "properties") || json_get(node, "patternProperties")))
		types = COMPOSE_SCHEMA_OBJECT;
	if (!type && json_get(node, "enum"))
		types = COMPOSE_SCHEMA_STRING;
	return types;
}

static const struct compose_schema_key *table_key(const struct compose_schema *shape, const char *name)
{
	for (const struct compose_schema_key *k = shape->keys; k && k->name; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

static bool is_required(const struct json *alternative, const char *name)
{
	json_for_each(required, json_get(alternative, "required"))
		if (strcmp(json_string(required), name) == 0)
			return true;
	return false;
}

static void compare(struct comparison *c, const struct json *node, const struct compose_schema *shape, const char *path);

static void compare_child(struct comparison *c, const struct json *node, const struct compose_schema *shape,
			  const char *path, const char *suffix)
{
	char child[512];
	snprintf(child, sizeof child, "%s%s%s", path, path[0] && suffix[0] != '[' ? "." : "", suffix);
	if (!shape)
		return differ(c, child, "missing from the table");
	compare(c, node, shape, child);
}

/* The object parts of one alternative: its properties (each known to the table, with the
 * same types, and no key of the table unknown to it), and its named values. */
static void compare_object(struct comparison *c, const struct json *alternative, const struct compose_schema *shape,
			   const char *path)
{
	const struct json *properties = json_get(alternative, "properties");
	json_for_each(property, properties) {
		const struct compose_schema_key *key = table_key(shape, property->key);
		c->properties++;
		compare_child(c, property, key ? key->shape : NULL, path, property->key);
		if (key && key->required != is_required(alternative, property->key))
			differ(c, path, key->required ? "the table requires a key the schema does not" :
							"the schema requires a key the table does not");
	}
	for (const struct compose_schema_key *k = shape->keys; properties && k && k->name; k++)
		if (!json_get(properties, k->name)) {
			char child[512];
			snprintf(child, sizeof child, "%s%s%s", path, path[0] ? "." : "", k->name);
			differ(c, child, "in the table, not in the schema");
		}
	json_for_each(pattern, json_get(alternative, "patternProperties"))
		if (strcmp(pattern->key, "^x-") != 0)
			compare_child(c, pattern, shape->values, path, "*");
	const struct json *additional = json_get(alternative, "additionalProperties");
	if (json_is(additional, JSON_OBJECT))
		compare_child(c, additional, shape->values, path, "*");
}

static void compare_enum(struct comparison *c, const struct json *values, const struct compose_schema *shape,
			 const char *path)
{
	size_t count = 0;
	json_for_each(value, values) {
		bool found = false;
		for (const char *const *word = shape->allowed; word && *word; word++)
			found = found || strcmp(*word, json_string(value)) == 0;
		if (!found)
			differ(c, path, "an allowed value missing from the table");
		count++;
	}
	size_t table = 0;
	for (const char *const *word = shape->allowed; word && *word; word++)
		table++;
	if (table != count)
		differ(c, path, "the table allows other values");
}

static void compare(struct comparison *c, const struct json *node, const struct compose_schema *shape, const char *path)
{
	const struct json *choices[16];
	size_t count = alternatives(c, node, choices, 16);
	unsigned types = 0;
	bool has_enum = false;
	for (size_t i = 0; i < count; i++) {
		types |= types_of(choices[i]);
		if (json_get(choices[i], "properties") || json_get(choices[i], "patternProperties") ||
		    json_get(choices[i], "additionalProperties"))
			compare_object(c, choices[i], shape, path);
		if (json_get(choices[i], "items"))
			compare_child(c, json_get(choices[i], "items"), shape->items, path, "[]");
		if (json_get(choices[i], "enum")) {
			compare_enum(c, json_get(choices[i], "enum"), shape, path);
			has_enum = true;
		}
	}
	if (types != shape->types) {
		char what[64];
		snprintf(what, sizeof what, "types 0x%x in the schema, 0x%x in the table", types, shape->types);
		differ(c, path, what);
	}
	if (!has_enum && shape->allowed)
		differ(c, path, "the table limits values, the schema does not");
}

START_TEST(every_property_of_the_specifications_schema_is_in_the_table_with_its_types)
{
	struct json *schema = json_parse_file(schema_path());
	if (!schema) {
		harness_skip("the Compose specification's schema is not at %s", schema_path());
		return;
	}
	struct comparison c = { .definitions = json_get(schema, "definitions") };
	compare(&c, schema, &compose_file_schema, "");
	json_free(schema);
	ck_assert_msg(c.differences == 0, "%d differences between compose-spec.json and compose-schema.c:%s",
		      c.differences, c.failures);
	ck_assert_int_gt(c.properties, 300); /* the walk went everywhere, not only the top */
}
END_TEST

/* A value the schema node allows, as deep as the schema goes: an object with every property
 * (and one named value), an array of one item, a scalar of the node's type (the first
 * allowed word of an enumeration). */
static struct json *example_of(const struct comparison *c, const struct json *node)
{
	const struct json *choices[16];
	size_t count = alternatives(c, node, choices, 16);
	const struct json *object = NULL, *array = NULL;
	unsigned types = 0;
	for (size_t i = 0; i < count; i++) {
		unsigned t = types_of(choices[i]);
		types |= t;
		if ((t & COMPOSE_SCHEMA_OBJECT) && !object)
			object = choices[i];
		if ((t & COMPOSE_SCHEMA_ARRAY) && json_get(choices[i], "items") && !array)
			array = choices[i];
	}
	if (object) {
		struct json *value = json_new_object();
		json_for_each(property, json_get(object, "properties"))
			json_add(value, property->key, example_of(c, property));
		json_for_each(pattern, json_get(object, "patternProperties"))
			if (strcmp(pattern->key, "^x-") != 0)
				json_add(value, "name1", example_of(c, pattern));
		if (json_is(json_get(object, "additionalProperties"), JSON_OBJECT))
			json_add(value, "name1", example_of(c, json_get(object, "additionalProperties")));
		return value;
	}
	if (array) {
		struct json *value = json_new_array();
		json_append(value, example_of(c, json_get(array, "items")));
		return value;
	}
	for (size_t i = 0; i < count; i++)
		if (json_get(choices[i], "enum"))
			return json_copy(json_get(choices[i], "enum")->first);
	if (types & COMPOSE_SCHEMA_STRING)
		return json_new_string("text");
	if (types & COMPOSE_SCHEMA_INTEGER)
		return json_new_int(1);
	if (types & COMPOSE_SCHEMA_NUMBER)
		return json_new_double(1.5);
	if (types & COMPOSE_SCHEMA_BOOLEAN)
		return json_new_bool(true);
	return json_new_null();
}

START_TEST(a_file_with_every_key_of_the_schema_at_every_level_is_accepted)
{
	struct json *schema = json_parse_file(schema_path());
	if (!schema) {
		harness_skip("the Compose specification's schema is not at %s", schema_path());
		return;
	}
	struct comparison c = { .definitions = json_get(schema, "definitions") };
	struct json *everything = example_of(&c, schema);
	char *text = NULL;
	size_t length;
	FILE *out = open_memstream(&text, &length);
	ck_assert_int_eq(yaml_write(out, everything), 0);
	fclose(out);
	struct yaml_node *root = yaml_parse("everything.yaml", text, length);
	ck_assert_msg(root, "%s", error_message());
	ck_assert_msg(compose_schema_check("everything.yaml", root) == 0, "%s", error_message());
	ck_assert_ptr_nonnull(yaml_get(yaml_get(yaml_get(yaml_get(root, "services"), "name1"), "deploy"), "placement"));
	ck_assert_int_gt(length, 5000); /* every key, not a few */
	yaml_free(root);
	free(text);
	json_free(everything);
	json_free(schema);
}
END_TEST

/* --- files checked --------------------------------------------------------------------- */

static int check_text(const char *text)
{
	struct yaml_node *root = yaml_parse("compose.yaml", text, strlen(text));
	ck_assert_msg(root, "%s", error_message());
	int result = compose_schema_check("compose.yaml", root);
	yaml_free(root);
	return result;
}

static void check_accepted(const char *text)
{
	ck_assert_msg(check_text(text) == 0, "refused: %s\n%s", error_message(), text);
}

static void check_refused(const char *text, const char *message)
{
	ck_assert_msg(check_text(text) == -1, "accepted: %s", text);
	ck_assert_str_eq(error_message(), message);
}

START_TEST(the_bodies_of_top_level_volumes_networks_secrets_and_configs_are_accepted)
{
	check_accepted("version: '3.8'\n"
		       "services:\n  web: {image: x}\n"
		       "volumes:\n"
		       "  data:\n"
		       "  db:\n    driver: local\n    driver_opts: {type: tmpfs, device: tmpfs, o: size=100m}\n"
		       "    labels: {tier: db}\n    name: my-db\n"
		       "  old:\n    external: true\n"
		       "networks:\n"
		       "  front:\n"
		       "  back:\n    driver: bridge\n    internal: true\n    enable_ipv6: false\n    attachable: true\n"
		       "    ipam:\n      driver: default\n      config:\n        - subnet: 172.28.0.0/16\n"
		       "          ip_range: 172.28.5.0/24\n          gateway: 172.28.5.254\n"
		       "          aux_addresses: {host1: 172.28.1.5}\n"
		       "  outside:\n    external: {name: corp}\n"
		       "secrets:\n"
		       "  db_password: {file: ./db.txt}\n  token: {environment: TOKEN}\n  shared: {external: true, name: s}\n"
		       "configs:\n"
		       "  nginx: {file: ./nginx.conf}\n  inline: {content: \"hello $${X}\"}\n  labelled: {file: f, labels: [a=b]}\n"
		       "x-anything: [1, 2, {deep: true}]\n");
}
END_TEST

START_TEST(keys_of_every_level_of_a_service_are_accepted)
{
	check_accepted("services:\n  web:\n    image: x\n"
		       "    deploy:\n      mode: replicated\n      replicas: 2\n"
		       "      placement: {constraints: [node.role==manager], preferences: [{spread: node.labels.zone}]}\n"
		       "      update_config: {parallelism: 2, delay: 10s, order: stop-first}\n"
		       "      restart_policy: {condition: on-failure, max_attempts: 3}\n"
		       "      resources:\n        limits: {cpus: '0.5', memory: 50M, pids: 1}\n"
		       "        reservations:\n          devices: [{capabilities: [gpu], count: 1}]\n"
		       "    develop:\n      watch:\n        - {path: ./src, action: sync, target: /app, ignore: [node_modules/]}\n"
		       "    logging: {driver: json-file, options: {max-size: 10m}}\n"
		       "    ulimits: {nproc: 65535, nofile: {soft: 20000, hard: 40000}}\n"
		       "    extends: {service: base, file: common.yaml}\n"
		       "    blkio_config: {weight: 300, device_read_bps: [{path: /dev/sda, rate: 12mb}]}\n"
		       "    volumes:\n      - type: bind\n        source: ./a\n        target: /a\n"
		       "        bind: {propagation: rprivate, create_host_path: true, selinux: z}\n"
		       "    post_start:\n      - command: [echo, hi]\n        user: root\n"
		       "    cpus: 1.5\n    mem_limit: 1g\n    pid: null\n    gpus: all\n    x-local: {any: thing}\n");
}
END_TEST

START_TEST(an_unknown_key_anywhere_is_an_error_naming_its_path)
{
	check_refused("services:\n  web: {image: x}\nvolumes:\n  data:\n    drivr: local\n",
		      "compose.yaml:5:5: unknown key volumes.data.drivr");
	check_refused("services:\n  web:\n    image: x\n    deploy:\n      resources:\n        limit: {cpus: '1'}\n",
		      "compose.yaml:6:9: unknown key services.web.deploy.resources.limit");
	check_refused("services:\n  web:\n    image: x\n    ports:\n      - target: 80\n        publish: 8080\n",
		      "compose.yaml:6:9: unknown key services.web.ports[0].publish");
	check_refused("networks:\n  back:\n    ipam:\n      config:\n        - subnet: 10.0.0.0/8\n          gw: 10.0.0.1\n",
		      "compose.yaml:6:11: unknown key networks.back.ipam.config[0].gw");
	check_refused("servces: {}\n", "compose.yaml:1:1: unknown top-level key servces");
}
END_TEST

START_TEST(a_value_of_a_wrong_type_is_an_error_saying_what_was_expected)
{
	check_refused("services:\n  web:\n    image: x\n    ports: \"80:80\"\n",
		      "compose.yaml:4:12: services.web.ports must be a list");
	check_refused("services:\n  web:\n    image: x\n    build: [.]\n",
		      "compose.yaml:4:12: services.web.build must be a mapping or a string");
	check_refused("services:\n  web:\n    image: x\n    use_api_socket: \"yes\"\n",
		      "compose.yaml:4:21: services.web.use_api_socket must be a boolean");
	check_refused("secrets:\n  token:\n", "compose.yaml:2:9: secrets.token must be a mapping");
	check_refused("volumes:\n  data: [x]\n", "compose.yaml:2:9: volumes.data must be a mapping");
	check_refused("services:\n  web:\n    image: x\n    networks: {front: {priority: high}}\n",
		      "compose.yaml:4:34: services.web.networks.front.priority must be a number");
	check_refused("services:\n  web:\n    image: x\n    environment: {A: [1]}\n",
		      "compose.yaml:4:22: services.web.environment.A must be a string, a number or a boolean");
}
END_TEST

START_TEST(a_value_outside_an_enumeration_and_a_missing_required_key_are_errors)
{
	check_refused("services:\n  web:\n    image: x\n    cgroup: shared\n",
		      "compose.yaml:4:13: services.web.cgroup must be host or private");
	check_refused("services:\n  web:\n    image: x\n    volumes:\n      - source: ./a\n        target: /a\n",
		      "compose.yaml:5:9: services.web.volumes[0] needs type");
	check_refused("services:\n  web:\n    image: x\n    ulimits: {nofile: {soft: 1}}\n",
		      "compose.yaml:4:23: services.web.ulimits.nofile needs hard");
}
END_TEST

START_TEST(a_string_may_be_written_as_a_number_or_a_boolean_but_not_as_null)
{
	check_accepted("version: 3\nservices:\n  web:\n    image: 3\n    hostname: true\n");
	check_refused("services:\n  web:\n    image:\n", "compose.yaml:3:11: services.web.image must be a string");
}
END_TEST

START_TEST(a_service_name_of_any_length_is_checked_like_any_other)
{
	/* Found by fuzz_compose: a path longer than the message buffer refused a valid file. */
	char name[700], text[1000];
	memset(name, 'a', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	snprintf(text, sizeof text, "services:\n  %s:\n    build: {context: ., args: {A: 1}}\n", name);
	check_accepted(text);
}
END_TEST

START_TEST(the_model_refuses_what_the_schema_refuses)
{
	struct compose_project project;
	const char *text = "services:\n  web: {image: x}\nnetworks:\n  back: {driver: bridge, colour: red}\n";
	struct yaml_node *root = yaml_parse("compose.yaml", text, strlen(text));
	ck_assert_int_eq(compose_model_read("compose.yaml", root, &project), -1);
	ck_assert_str_eq(error_message(), "compose.yaml:4:26: unknown key networks.back.colour");
	yaml_free(root);
}
END_TEST

Suite *compose_schema_suite(void)
{
	Suite *s = suite_create("compose_schema");
	TCase *tc = tcase_create("specification");
	tcase_add_test(tc, every_property_of_the_specifications_schema_is_in_the_table_with_its_types);
	tcase_add_test(tc, a_file_with_every_key_of_the_schema_at_every_level_is_accepted);
	suite_add_tcase(s, tc);
	tc = tcase_create("check");
	tcase_add_test(tc, the_bodies_of_top_level_volumes_networks_secrets_and_configs_are_accepted);
	tcase_add_test(tc, keys_of_every_level_of_a_service_are_accepted);
	tcase_add_test(tc, an_unknown_key_anywhere_is_an_error_naming_its_path);
	tcase_add_test(tc, a_value_of_a_wrong_type_is_an_error_saying_what_was_expected);
	tcase_add_test(tc, a_value_outside_an_enumeration_and_a_missing_required_key_are_errors);
	tcase_add_test(tc, a_string_may_be_written_as_a_number_or_a_boolean_but_not_as_null);
	tcase_add_test(tc, a_service_name_of_any_length_is_checked_like_any_other);
	tcase_add_test(tc, the_model_refuses_what_the_schema_refuses);
	suite_add_tcase(s, tc);
	return s;
}
