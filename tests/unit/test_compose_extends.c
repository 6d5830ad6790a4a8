/*
 * test_compose_extends.c - `extends` (07-compose/compose-extends.h): a service merged over
 * its base as the Compose specification's examples show (services.md, "extends"), in one
 * file and from another, with the errors a chain can have.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "compose-extends.h"
#include "compose-model.h"
#include "error.h"
#include "yaml.h"

/* Other files, by path, for the loader. */
static const struct {
	const char *path;
	const char *text;
} other_files[] = {
	{ "dir/common.yaml", "services:\n  webapp:\n    image: web\n    environment: [MODE=prod]\n    ports: [\"8000:80\"]\n"
			     "  chained:\n    extends: webapp\n    user: app\n" },
	{ "dir/loop.yaml", "services:\n  back:\n    extends: {service: forth, file: compose.yaml}\n" },
};

static struct yaml_node *load_from_table(void *context, const char *path)
{
	int *loads = context;
	(*loads)++;
	for (size_t i = 0; i < sizeof other_files / sizeof other_files[0]; i++)
		if (strcmp(path, other_files[i].path) == 0)
			return yaml_parse(path, other_files[i].text, strlen(other_files[i].text));
	fail_errno(2, "cannot open \"%s\"", path);
	return NULL;
}

static int loads;

/* text resolved and read into a model (checked to succeed). */
static struct compose_project resolved(const char *text)
{
	struct yaml_node *root = yaml_parse("dir/compose.yaml", text, strlen(text));
	ck_assert_msg(root, "%s", error_message());
	ck_assert_msg(compose_extends_resolve("dir/compose.yaml", root, load_from_table, &loads) == 0, "%s",
		      error_message());
	struct compose_project project;
	ck_assert_msg(compose_model_read("dir/compose.yaml", root, &project) == 0, "%s", error_message());
	yaml_free(root);
	return project;
}

static void check_refused(const char *text, const char *message)
{
	struct yaml_node *root = yaml_parse("dir/compose.yaml", text, strlen(text));
	ck_assert_msg(root, "%s", error_message());
	ck_assert_msg(compose_extends_resolve("dir/compose.yaml", root, load_from_table, &loads) == -1, "accepted: %s", text);
	ck_assert_str_eq(error_message(), message);
	yaml_free(root);
}

START_TEST(environment_is_merged_key_by_key_with_the_extending_value_winning)
{
	/* The specification's example, in mapping and in list syntax. */
	static const char *const files[] = {
		"services:\n  common:\n    image: busybox\n    environment:\n      TZ: utc\n      PORT: 80\n"
		"  cli:\n    extends:\n      service: common\n    environment:\n      PORT: 8080\n",
		"services:\n  common:\n    image: busybox\n    environment: [TZ=utc, PORT=80]\n"
		"  cli:\n    extends:\n      service: common\n    environment: [PORT=8080]\n",
	};
	for (size_t i = 0; i < 2; i++) {
		struct compose_project p = resolved(files[i]);
		const struct compose_service *cli = compose_find_service(&p, "cli");
		ck_assert_str_eq(cli->image, "busybox");
		ck_assert_int_eq(cli->environment.count, 2);
		ck_assert_str_eq(cli->environment.items[0], "TZ=utc");
		ck_assert_str_eq(cli->environment.items[1], "PORT=8080");
		ck_assert_ptr_null(cli->other); /* extends itself is gone */
		compose_project_free(&p);
	}
}
END_TEST

START_TEST(a_volume_with_the_same_target_replaces_the_base_volume)
{
	struct compose_project p = resolved("services:\n  common:\n    image: busybox\n    volumes:\n"
					    "      - common-volume:/var/lib/backup/data:rw\n      - /cache\n"
					    "  cli:\n    extends:\n      service: common\n    volumes:\n"
					    "      - cli-volume:/var/lib/backup/data:ro\n"
					    "volumes:\n  common-volume:\n  cli-volume:\n");
	const struct compose_service *cli = compose_find_service(&p, "cli");
	ck_assert_int_eq(cli->mount_count, 2);
	ck_assert_str_eq(cli->mounts[0].source, "cli-volume");
	ck_assert(cli->mounts[0].read_only);
	ck_assert_str_eq(cli->mounts[1].target, "/cache");
	compose_project_free(&p);
}
END_TEST

START_TEST(a_chain_of_extends_is_followed_to_its_end)
{
	struct compose_project p = resolved("services:\n  base:\n    image: busybox\n    user: root\n"
					    "  common:\n    image: busybox\n    extends:\n      service: base\n"
					    "  cli:\n    extends:\n      service: common\n");
	const struct compose_service *cli = compose_find_service(&p, "cli");
	ck_assert_str_eq(cli->image, "busybox");
	ck_assert_str_eq(cli->user, "root");
	ck_assert_str_eq(compose_find_service(&p, "common")->user, "root");
	compose_project_free(&p);
}
END_TEST

START_TEST(sequences_are_appended_and_some_keep_each_item_once)
{
	struct compose_project p = resolved("services:\n  common:\n    image: busybox\n    cap_add: [NET_ADMIN]\n"
					    "    ports: [\"80:80\"]\n    dns: 1.1.1.1\n"
					    "  cli:\n    extends: common\n    cap_add: [NET_ADMIN, SYS_TIME]\n"
					    "    ports: [\"80:80\", \"443:443\"]\n    dns: [8.8.8.8]\n");
	const struct compose_service *cli = compose_find_service(&p, "cli");
	ck_assert_int_eq(cli->cap_add.count, 2);
	ck_assert_str_eq(cli->cap_add.items[1], "SYS_TIME");
	ck_assert_int_eq(cli->port_count, 2);
	ck_assert_uint_eq(cli->ports[1].target, 443);
	ck_assert_int_eq(p.ignored.count, 2); /* dns, for common and for cli */
	compose_project_free(&p);
}
END_TEST

START_TEST(command_and_healthcheck_test_are_replaced_not_appended)
{
	struct compose_project p = resolved("services:\n  common:\n    image: busybox\n    command: [echo, foo]\n"
					    "    healthcheck: {test: [CMD, 'true'], interval: 5s}\n"
					    "  cli:\n    extends: common\n    command: [echo, bar]\n    healthcheck: {test: [CMD, 'false']}\n");
	const struct compose_service *cli = compose_find_service(&p, "cli");
	ck_assert_int_eq(cli->command.count, 2);
	ck_assert_str_eq(cli->command.items[1], "bar");
	ck_assert_int_eq(cli->healthcheck.test.count, 2);
	ck_assert_str_eq(cli->healthcheck.test.items[1], "false");
	ck_assert_int_eq(cli->healthcheck.interval, 5000000000LL);
	compose_project_free(&p);
}
END_TEST

START_TEST(build_networks_and_depends_on_merge_across_their_two_syntaxes)
{
	struct compose_project p = resolved("services:\n  db: {image: x}\n  cache: {image: x}\n"
					    "  common:\n    build: ./app\n    networks: [front]\n    depends_on: [db]\n"
					    "  cli:\n    extends: common\n    build: {dockerfile: Dockerfile.dev}\n"
					    "    networks: {back: {aliases: [api]}}\n"
					    "    depends_on: {cache: {condition: service_healthy}}\n"
					    "networks:\n  front:\n  back:\n");
	const struct compose_service *cli = compose_find_service(&p, "cli");
	ck_assert_str_eq(cli->build.context, "./app");
	ck_assert_str_eq(cli->build.dockerfile, "Dockerfile.dev");
	ck_assert_int_eq(cli->network_count, 2);
	ck_assert_str_eq(cli->networks[1].aliases.items[0], "api");
	ck_assert_int_eq(cli->depends_count, 2);
	ck_assert_str_eq(cli->depends_on[0].service, "db");
	ck_assert_int_eq(cli->depends_on[1].condition, COMPOSE_SERVICE_HEALTHY);
	compose_project_free(&p);
}
END_TEST

START_TEST(a_service_of_another_file_is_read_next_to_the_extending_file)
{
	loads = 0;
	struct compose_project p = resolved("services:\n  web:\n    extends: {service: chained, file: common.yaml}\n"
					    "    environment: {DEBUG: 1}\n");
	const struct compose_service *web = compose_find_service(&p, "web");
	ck_assert_int_eq(loads, 1);
	ck_assert_str_eq(web->image, "web");
	ck_assert_str_eq(web->user, "app");
	ck_assert_int_eq(web->environment.count, 2);
	ck_assert_str_eq(web->environment.items[1], "DEBUG=1");
	ck_assert_int_eq(p.service_count, 1); /* the base is not part of the project */
	compose_project_free(&p);
}
END_TEST

START_TEST(a_cycle_an_unknown_base_and_a_missing_file_are_errors_at_the_extends)
{
	check_refused("services:\n  a: {extends: b, image: x}\n  b: {extends: a, image: x}\n",
		      "dir/compose.yaml:3:16: services.b.extends: a cycle: a -> b -> a");
	check_refused("services:\n  a:\n    extends: a\n", "dir/compose.yaml:3:14: services.a.extends: a cycle: a -> a");
	check_refused("services:\n  a:\n    extends: nothere\n",
		      "dir/compose.yaml:3:14: services.a.extends: no service \"nothere\" in dir/compose.yaml");
	check_refused("services:\n  a:\n    extends: {service: x, file: gone.yaml}\n",
		      "dir/compose.yaml:3:33: services.a.extends: cannot open \"dir/gone.yaml\": No such file or directory");
	check_refused("services:\n  forth:\n    extends: {service: back, file: loop.yaml}\n",
		      "dir/loop.yaml:3:24: services.back.extends: a cycle: forth -> back -> forth");
}
END_TEST

START_TEST(disabling_a_healthcheck_the_base_has_is_an_error)
{
	check_refused("services:\n  a: {image: x, healthcheck: {test: [CMD, 'true']}}\n"
		      "  b: {extends: a, healthcheck: {disable: true}}\n",
		      "dir/compose.yaml:3:42: healthcheck.disable: true cannot override the healthcheck of the extended service");
}
END_TEST

Suite *compose_extends_suite(void)
{
	Suite *s = suite_create("compose_extends");
	TCase *tc = tcase_create("merge");
	tcase_add_test(tc, environment_is_merged_key_by_key_with_the_extending_value_winning);
	tcase_add_test(tc, a_volume_with_the_same_target_replaces_the_base_volume);
	tcase_add_test(tc, a_chain_of_extends_is_followed_to_its_end);
	tcase_add_test(tc, sequences_are_appended_and_some_keep_each_item_once);
	tcase_add_test(tc, command_and_healthcheck_test_are_replaced_not_appended);
	tcase_add_test(tc, build_networks_and_depends_on_merge_across_their_two_syntaxes);
	tcase_add_test(tc, a_service_of_another_file_is_read_next_to_the_extending_file);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, a_cycle_an_unknown_base_and_a_missing_file_are_errors_at_the_extends);
	tcase_add_test(tc, disabling_a_healthcheck_the_base_has_is_an_error);
	suite_add_tcase(s, tc);
	return s;
}
