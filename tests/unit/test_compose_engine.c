/*
 * test_compose_engine.c - the pure decisions beneath `compose up` (07-compose): the config
 * hash that makes `up` idempotent (compose-labels.c), the plan that compares the file with the
 * containers' labels (compose-plan.c), a service mapped to a container's spec
 * (compose-service-spec.c), and where the compose file is found (compose-load.c).
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compose-labels.h"
#include "compose-load.h"
#include "compose-merge.h"
#include "compose-model.h"
#include "compose-plan.h"
#include "compose-service-spec.h"
#include "error.h"
#include "yaml.h"

static struct compose_project read_model(const char *text)
{
	struct compose_project project;
	struct yaml_node *tree = yaml_parse("compose.yaml", text, strlen(text));
	ck_assert_msg(tree, "%s", error_message());
	ck_assert_msg(compose_model_read("compose.yaml", tree, &project) == 0, "%s", error_message());
	yaml_free(tree);
	return project;
}

static void hash_of(const char *text, const char *service, char hex[SHA256_HEX_SIZE])
{
	struct compose_project p = read_model(text);
	compose_config_hash(compose_find_service(&p, service), NULL, hex);
	compose_project_free(&p);
}

/* --- the config hash ------------------------------------------------------------------------ */

START_TEST(the_hash_is_the_same_whatever_order_the_keys_are_written_in)
{
	char a[SHA256_HEX_SIZE], b[SHA256_HEX_SIZE];
	hash_of("services:\n  web:\n    image: busybox\n    command: [sleep, '1']\n    user: nobody\n", "web", a);
	hash_of("services:\n  web:\n    user: nobody\n    command: [sleep, '1']\n    image: busybox\n", "web", b);
	ck_assert_str_eq(a, b);
	ck_assert_int_eq(strlen(a), 64);
}
END_TEST

START_TEST(a_changed_command_changes_the_hash_and_replicas_do_not)
{
	char one[SHA256_HEX_SIZE], other[SHA256_HEX_SIZE], scaled[SHA256_HEX_SIZE];
	hash_of("services:\n  web:\n    image: busybox\n    command: [sleep, '1']\n", "web", one);
	hash_of("services:\n  web:\n    image: busybox\n    command: [sleep, '2']\n", "web", other);
	hash_of("services:\n  web:\n    image: busybox\n    command: [sleep, '1']\n    deploy:\n      replicas: 3\n", "web",
		scaled);
	ck_assert_str_ne(one, other);
	ck_assert_str_eq(one, scaled);
}
END_TEST

START_TEST(list_items_cannot_be_regrouped_into_the_same_hash)
{
	char a[SHA256_HEX_SIZE], b[SHA256_HEX_SIZE];
	hash_of("services:\n  web:\n    image: busybox\n    command: [ab, c]\n", "web", a);
	hash_of("services:\n  web:\n    image: busybox\n    command: [a, bc]\n", "web", b);
	ck_assert_str_ne(a, b);
}
END_TEST

START_TEST(a_label_is_found_by_its_whole_key)
{
	char *labels[] = { "com.docker.compose.project.working_dir=/srv", "com.docker.compose.project=shop" };
	ck_assert_str_eq(compose_label(labels, 2, COMPOSE_LABEL_PROJECT), "shop");
	ck_assert_ptr_null(compose_label(labels, 2, COMPOSE_LABEL_SERVICE));
}
END_TEST

/* --- the plan of up ------------------------------------------------------------------------- */

/* The plan as "create web 1, keep api 1, ...". */
static const char *plan_text(const struct compose_plan_service *services, size_t count,
			     const struct compose_existing *existing, size_t existing_count, bool force)
{
	static const char *const words[] = { "create", "recreate", "start", "keep", "scale-down", "orphan" };
	static char text[512];
	struct compose_action *plan;
	size_t n;
	ck_assert_int_eq(compose_plan_up(services, count, existing, existing_count, force, &plan, &n), 0);
	text[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *service = plan[i].service == COMPOSE_NONE ? existing[plan[i].existing].service
								      : services[plan[i].service].name;
		char one[64];
		snprintf(one, sizeof(one), "%s%s %s %d", i ? ", " : "", words[plan[i].kind], service, plan[i].number);
		strcat(text, one);
	}
	free(plan);
	return text;
}

static const struct compose_plan_service shop[] = {
	{ "api", 1, "h-api", true },
	{ "web", 2, "h-web", true },
};

START_TEST(a_new_project_creates_every_replica_in_order)
{
	ck_assert_str_eq(plan_text(shop, 2, NULL, 0, false), "create api 1, create web 1, create web 2");
}
END_TEST

START_TEST(unchanged_containers_are_kept_running_or_started_and_changed_ones_recreated)
{
	const struct compose_existing existing[] = {
		{ "web", 2, "h-web", false, false },
		{ "api", 1, "h-api", true, false },
		{ "web", 1, "old", true, false },
	};
	ck_assert_str_eq(plan_text(shop, 2, existing, 3, false), "keep api 1, recreate web 1, start web 2");
	ck_assert_str_eq(plan_text(shop, 2, existing, 3, true), "recreate api 1, recreate web 1, recreate web 2");
}
END_TEST

START_TEST(extra_replicas_scale_down_and_gone_services_are_orphans_and_one_offs_are_left_alone)
{
	const struct compose_existing existing[] = {
		{ "api", 1, "h-api", true, false },
		{ "api", 2, "h-api", true, false },
		{ "db", 1, "h-db", true, false },
		{ "web", 7, "h-web", true, true }, /* compose run */
	};
	ck_assert_str_eq(plan_text(shop, 1, existing, 4, false), "keep api 1, scale-down api 2, orphan db 1");
}
END_TEST

START_TEST(services_not_selected_are_not_touched)
{
	const struct compose_plan_service only_web[] = {
		{ "api", 1, "h-api", false },
		{ "web", 1, "h-web", true },
	};
	const struct compose_existing existing[] = { { "api", 1, "old", true, false }, { "api", 2, "h", true, false } };
	ck_assert_str_eq(plan_text(only_web, 2, existing, 2, false), "create web 1");
}
END_TEST

/* --- a service as a container's spec -------------------------------------------------------- */

struct mapped {
	struct compose_project project;
	struct volume_spec *spec;
	struct compose_spec_strings strings;
	struct compose_strings warnings;
};

static void map(struct mapped *m, const char *text, const char *service, char *const *env_file, size_t env_count)
{
	m->project = read_model(text);
	m->spec = calloc(1, sizeof(*m->spec));
	m->strings = (struct compose_spec_strings){ 0 };
	m->warnings = (struct compose_strings){ 0 };
	struct compose_spec_input in = { .project = "shop", .directory = "/srv/shop", .image = "busybox", .hash = "abc",
					 .number = 2, .env_file_vars = env_file, .env_file_count = env_count,
					 .model = &m->project, .state = "/var/lib/tinydock/compose/shop" };
	ck_assert_msg(compose_service_spec(&in, compose_find_service(&m->project, service), m->spec, &m->strings,
					   &m->warnings) == 0,
		      "%s", error_message());
}

static void unmap(struct mapped *m)
{
	compose_spec_strings_free(&m->strings);
	compose_strings_free(&m->warnings);
	compose_project_free(&m->project);
	free(m->spec);
}

START_TEST(a_service_becomes_a_container_named_and_labelled_as_compose_v2_does)
{
	struct mapped m;
	map(&m, "services:\n  web:\n    image: busybox\n    labels: {tier: front}\n", "web", NULL, 0);
	const struct runtime_spec *r = &m.spec->image.runtime;
	ck_assert_str_eq(r->container.name, "shop-web-2");
	ck_assert_str_eq(m.spec->image.name, "busybox");
	ck_assert(r->detach);
	const char *expected[] = { "tier=front", "com.docker.compose.project=shop", "com.docker.compose.service=web",
				   "com.docker.compose.container-number=2", "com.docker.compose.oneoff=False",
				   "com.docker.compose.config-hash=abc" };
	ck_assert_int_eq(r->label_count, 6);
	for (size_t i = 0; i < 6; i++)
		ck_assert_str_eq(r->labels[i], expected[i]);
	unmap(&m);
}
END_TEST

START_TEST(every_service_joins_the_project_network_under_its_service_and_container_names)
{
	struct mapped m;
	map(&m,
	    "services:\n  api:\n    image: busybox\n    networks:\n      default:\n        aliases: [backend]\n", "api",
	    NULL, 0);
	const struct container *c = &m.spec->image.runtime.container;
	ck_assert_int_eq(c->network, NETWORK_BRIDGE);
	ck_assert_str_eq(c->network_name, "shop_default");
	ck_assert_int_eq(c->alias_count, 3);
	ck_assert_str_eq(c->aliases[0], "api");
	ck_assert_str_eq(c->aliases[1], "shop-api-2");
	ck_assert_str_eq(c->aliases[2], "backend");
	unmap(&m);
}
END_TEST

START_TEST(a_list_entrypoint_leads_the_command_after_its_first_word)
{
	struct mapped m;
	map(&m, "services:\n  web:\n    image: busybox\n    entrypoint: [sh, -c]\n    command: ['echo hi']\n", "web",
	    NULL, 0);
	ck_assert_str_eq(m.spec->image.entrypoint, "sh");
	char **argv = m.spec->image.runtime.container.command;
	ck_assert_str_eq(argv[0], "-c");
	ck_assert_str_eq(argv[1], "echo hi");
	ck_assert_ptr_null(argv[2]);
	unmap(&m);
}
END_TEST

START_TEST(environment_overrides_env_file_and_a_later_env_file_line_wins)
{
	char *env_file[] = { "A=file", "B=first", "B=second", "C=file" };
	struct mapped m;
	map(&m, "services:\n  web:\n    image: busybox\n    environment:\n      A: set\n      D: ''\n", "web", env_file, 4);
	const struct container *c = &m.spec->image.runtime.container;
	ck_assert_int_eq(c->env_count, 4);
	ck_assert_str_eq(c->env[0], "B=second");
	ck_assert_str_eq(c->env[1], "C=file");
	ck_assert_str_eq(c->env[2], "A=set");
	ck_assert_str_eq(c->env[3], "D=");
	unmap(&m);
}
END_TEST

START_TEST(volumes_bind_relative_to_the_project_name_volumes_by_project_and_keep_ro)
{
	struct mapped m;
	map(&m,
	    "services:\n  web:\n    image: busybox\n    volumes:\n      - ./site:/www:ro\n      - data:/data\n"
	    "      - /cache\n      - /abs:/abs\n    tmpfs: [/run]\nvolumes:\n  data:\n",
	    "web", NULL, 0);
	const struct volume_request *r = m.spec->requests;
	ck_assert_int_eq(m.spec->request_count, 5);
	ck_assert_int_eq(r[0].kind, VOLUME_BIND);
	ck_assert_str_eq(r[0].source, "/srv/shop/site");
	ck_assert_str_eq(r[0].target, "/www");
	ck_assert(r[0].read_only);
	ck_assert_int_eq(r[1].kind, VOLUME_NAMED);
	ck_assert_str_eq(r[1].source, "shop_data");
	ck_assert_int_eq(r[2].kind, VOLUME_ANONYMOUS);
	ck_assert_str_eq(r[2].target, "/cache");
	ck_assert_str_eq(r[3].source, "/abs");
	ck_assert_int_eq(r[4].kind, VOLUME_TMPFS);
	ck_assert_str_eq(r[4].target, "/run");
	unmap(&m);
}
END_TEST

START_TEST(ports_restart_limits_and_healthcheck_fill_their_flags_fields)
{
	struct mapped m;
	map(&m,
	    "services:\n  web:\n    image: busybox\n    ports: ['127.0.0.1:5000:80', '9000-9001:8000-8001']\n"
	    "    restart: on-failure:3\n    deploy:\n      resources:\n        limits: {cpus: '0.5', memory: 64m, pids: 50}\n"
	    "    healthcheck:\n      test: [CMD-SHELL, 'true']\n      interval: 1s\n      retries: 2\n",
	    "web", NULL, 0);
	const struct runtime_spec *r = &m.spec->image.runtime;
	ck_assert_int_eq(r->container.port_count, 3);
	ck_assert_int_eq(r->container.ports[0].host_port, 5000);
	ck_assert_int_eq(r->container.ports[0].container_port, 80);
	ck_assert_int_eq(ntohl(r->container.ports[0].host_ip.s_addr), 0x7f000001);
	ck_assert_int_eq(r->container.ports[2].host_port, 9001);
	ck_assert_int_eq(r->container.ports[2].container_port, 8001);
	ck_assert_int_eq(r->restart.mode, RESTART_ON_FAILURE);
	ck_assert_int_eq(r->restart.max_retries, 3);
	ck_assert_int_eq(r->limits.nano_cpus, 500000000);
	ck_assert_int_eq(r->limits.memory, 64 * 1024 * 1024);
	ck_assert_int_eq(r->limits.pids_limit, 50);
	ck_assert_str_eq(r->health.test[0], "CMD-SHELL");
	ck_assert_str_eq(r->health.test[1], "true");
	ck_assert_int_eq(r->health.timing.interval, 1000000000);
	ck_assert_int_eq(r->health.timing.retries, 2);
	unmap(&m);
}
END_TEST

START_TEST(what_a_container_here_cannot_have_is_named_for_ups_warning)
{
	struct mapped m;
	map(&m,
	    "services:\n  web:\n    image: busybox\n    read_only: true\n    sysctls: {net.core.somaxconn: 1024}\n"
	    "    ports: ['53:53/udp']\n",
	    "web", NULL, 0);
	/* read_only and sysctls are --read-only and --sysctl now: only the UDP port is left */
	ck_assert_int_eq(m.warnings.count, 1);
	ck_assert_str_eq(m.warnings.items[0], "services.web.ports (udp or IPv6)");
	ck_assert_int_eq(m.spec->image.runtime.container.port_count, 0);
	unmap(&m);
}
END_TEST

START_TEST(secrets_and_configs_are_files_bound_read_only_at_their_targets)
{
	struct mapped m;
	map(&m,
	    "services:\n  db:\n    image: busybox\n"
	    "    secrets: [db_password, {source: api_key, target: key}]\n"
	    "    configs: [my_cnf, {source: motd, target: /etc/motd}]\n"
	    "secrets:\n  db_password: {file: ./secrets/db.txt}\n  api_key: {environment: API_KEY}\n"
	    "configs:\n  my_cnf: {file: /etc/shop/my.cnf}\n  motd: {content: hello}\n",
	    "db", NULL, 0);
	ck_assert_int_eq(m.spec->request_count, 4);
	const struct {
		const char *source, *target;
	} expected[] = {
		{ "/srv/shop/secrets/db.txt", "/run/secrets/db_password" },
		{ "/var/lib/tinydock/compose/shop/secrets/api_key", "/run/secrets/key" },
		{ "/etc/shop/my.cnf", "/my_cnf" },
		{ "/var/lib/tinydock/compose/shop/configs/motd", "/etc/motd" },
	};
	for (size_t i = 0; i < 4; i++) {
		const struct volume_request *r = &m.spec->requests[i];
		ck_assert_int_eq(r->kind, VOLUME_BIND);
		ck_assert_str_eq(r->source, expected[i].source);
		ck_assert_str_eq(r->target, expected[i].target);
		ck_assert(r->read_only && r->source_must_exist);
	}
	ck_assert_int_eq(m.warnings.count, 0);
	unmap(&m);
}
END_TEST

START_TEST(an_external_secret_is_named_in_ups_warning_and_not_mounted)
{
	struct mapped m;
	map(&m, "services:\n  db:\n    image: busybox\n    secrets: [vault]\nsecrets:\n  vault: {external: true}\n", "db",
	    NULL, 0);
	ck_assert_int_eq(m.spec->request_count, 0);
	ck_assert_int_eq(m.warnings.count, 1);
	ck_assert_str_eq(m.warnings.items[0], "services.db.secrets.vault (external)");
	unmap(&m);
}
END_TEST

/* --- several files, merged ----------------------------------------------------------------- */

static struct compose_project merged(const char *base, const char *over)
{
	struct compose_project project;
	struct yaml_node *a = yaml_parse("compose.yaml", base, strlen(base));
	struct yaml_node *b = yaml_parse("override.yaml", over, strlen(over));
	ck_assert(a && b);
	ck_assert_msg(compose_merge(a, b, "override.yaml") == 0, "%s", error_message());
	ck_assert_msg(compose_model_read("compose.yaml", a, &project) == 0, "%s", error_message());
	yaml_free(a);
	return project;
}

START_TEST(a_later_files_scalars_win_and_services_merge_by_name)
{
	struct compose_project p = merged("services:\n  web:\n    image: busybox\n    user: nobody\n  db:\n    image: db\n",
					  "services:\n  web:\n    image: nginx\n  cache:\n    image: redis\n");
	ck_assert_int_eq(p.service_count, 3);
	const struct compose_service *web = compose_find_service(&p, "web");
	ck_assert_str_eq(web->image, "nginx");
	ck_assert_str_eq(web->user, "nobody");
	ck_assert_str_eq(compose_find_service(&p, "db")->image, "db");
	ck_assert_str_eq(compose_find_service(&p, "cache")->image, "redis");
	compose_project_free(&p);
}
END_TEST

START_TEST(command_is_replaced_lists_appended_and_a_volume_replaced_by_its_target)
{
	struct compose_project p =
		merged("services:\n  web:\n    image: busybox\n    command: [sleep, '1']\n    cap_add: [NET_ADMIN]\n"
		       "    volumes: ['./a:/data', '/cache']\n",
		       "services:\n  web:\n    command: [sleep, '2']\n    cap_add: [SYS_TIME]\n    volumes: ['./b:/data:ro']\n");
	const struct compose_service *web = compose_find_service(&p, "web");
	ck_assert_int_eq(web->command.count, 2);
	ck_assert_str_eq(web->command.items[1], "2");
	ck_assert_int_eq(web->cap_add.count, 2);
	ck_assert_str_eq(web->cap_add.items[1], "SYS_TIME");
	ck_assert_int_eq(web->mount_count, 2);
	ck_assert_str_eq(web->mounts[0].source, "./b");
	ck_assert(web->mounts[0].read_only);
	ck_assert_str_eq(web->mounts[1].target, "/cache");
	compose_project_free(&p);
}
END_TEST

START_TEST(a_list_in_one_file_and_a_mapping_in_the_other_merge_as_the_mapping)
{
	struct compose_project p = merged("services:\n  web:\n    image: busybox\n    environment: [A=1, B=1]\n"
					  "    ports: ['80:80']\n",
					  "services:\n  web:\n    environment:\n      A: 2\n    ports: ['80:80', '81:81']\n");
	const struct compose_service *web = compose_find_service(&p, "web");
	ck_assert_int_eq(web->environment.count, 2);
	ck_assert_str_eq(web->environment.items[0], "A=2");
	ck_assert_str_eq(web->environment.items[1], "B=1");
	ck_assert_int_eq(web->port_count, 2);
	compose_project_free(&p);
}
END_TEST

/* --- the whole load: files, variables, merge, extends -------------------------------------- */

/* Write text into folder/name (a test's temporary folder). */
static void write_into(const char *folder, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", folder, name);
	FILE *f = fopen(path, "w");
	ck_assert_msg(f, "cannot write %s", path);
	fputs(text, f);
	fclose(f);
}

START_TEST(load_follows_extends_into_another_file_interpolated_with_the_projects_variables)
{
	char folder[] = "/tmp/compose-load-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(folder));
	write_into(folder, ".env", "TAG=1.36\n");
	write_into(folder, "common.yaml", "services:\n  base:\n    image: busybox:${TAG}\n    environment: [MODE=prod]\n");
	write_into(folder, "compose.yaml",
		   "services:\n  web:\n    extends: {file: common.yaml, service: base}\n    environment: {PORT: 80}\n");
	write_into(folder, "override.yaml", "services:\n  web:\n    environment: [MODE=dev]\n");
	char file[512], override[512];
	snprintf(file, sizeof file, "%s/compose.yaml", folder);
	snprintf(override, sizeof override, "%s/override.yaml", folder);
	struct compose_options options = { .files = { file, override }, .file_count = 2 };
	struct compose_loaded loaded;
	int rc = compose_load(&options, &loaded);
	for (const char *const *name = (const char *const[]){ ".env", "common.yaml", "compose.yaml", "override.yaml", NULL };
	     *name; name++) {
		char path[512];
		snprintf(path, sizeof path, "%s/%s", folder, *name);
		unlink(path);
	}
	rmdir(folder);
	ck_assert_msg(rc == 0, "%s", error_message());
	const struct compose_service *web = compose_find_service(&loaded.model, "web");
	ck_assert_ptr_nonnull(web);
	ck_assert_str_eq(web->image, "busybox:1.36");
	ck_assert_int_eq(web->environment.count, 2);
	ck_assert_str_eq(web->environment.items[0], "MODE=dev");
	ck_assert_str_eq(web->environment.items[1], "PORT=80");
	compose_loaded_free(&loaded);
}
END_TEST

/* --- where the file is ---------------------------------------------------------------------- */

static const char *const *present;

static bool fake_exists(const char *path)
{
	for (size_t i = 0; present[i]; i++)
		if (strcmp(present[i], path) == 0)
			return true;
	return false;
}

static char *find(const char *folder, const char *const *files)
{
	present = files;
	return compose_find_file(folder, fake_exists);
}

START_TEST(compose_yaml_is_preferred_to_the_older_names)
{
	char *found = find("/srv/shop", (const char *[]){ "/srv/shop/docker-compose.yml", "/srv/shop/compose.yml",
							  "/srv/shop/compose.yaml", NULL });
	ck_assert_str_eq(found, "/srv/shop/compose.yaml");
	free(found);
	found = find("/srv/shop", (const char *[]){ "/srv/shop/docker-compose.yml", "/srv/shop/docker-compose.yaml", NULL });
	ck_assert_str_eq(found, "/srv/shop/docker-compose.yaml");
	free(found);
}
END_TEST

START_TEST(the_file_is_looked_for_in_the_parent_folders_up_to_the_root)
{
	char *found = find("/srv/shop/web/src", (const char *[]){ "/srv/docker-compose.yml", NULL });
	ck_assert_str_eq(found, "/srv/docker-compose.yml");
	free(found);
	found = find("/srv/shop", (const char *[]){ "/compose.yaml", NULL });
	ck_assert_str_eq(found, "/compose.yaml");
	free(found);
}
END_TEST

START_TEST(no_file_anywhere_is_an_error_that_says_where_it_looked)
{
	ck_assert_ptr_null(find("/srv/shop", (const char *[]){ NULL }));
	ck_assert_ptr_nonnull(strstr(error_message(), "no configuration file provided: not found"));
	ck_assert_ptr_nonnull(strstr(error_message(), "/srv/shop"));
}
END_TEST

Suite *compose_engine_suite(void)
{
	Suite *s = suite_create("compose engine");
	TCase *hash = tcase_create("config hash");
	tcase_add_test(hash, the_hash_is_the_same_whatever_order_the_keys_are_written_in);
	tcase_add_test(hash, a_changed_command_changes_the_hash_and_replicas_do_not);
	tcase_add_test(hash, list_items_cannot_be_regrouped_into_the_same_hash);
	tcase_add_test(hash, a_label_is_found_by_its_whole_key);
	suite_add_tcase(s, hash);
	TCase *plan = tcase_create("plan of up");
	tcase_add_test(plan, a_new_project_creates_every_replica_in_order);
	tcase_add_test(plan, unchanged_containers_are_kept_running_or_started_and_changed_ones_recreated);
	tcase_add_test(plan, extra_replicas_scale_down_and_gone_services_are_orphans_and_one_offs_are_left_alone);
	tcase_add_test(plan, services_not_selected_are_not_touched);
	suite_add_tcase(s, plan);
	TCase *spec = tcase_create("service to spec");
	tcase_add_test(spec, a_service_becomes_a_container_named_and_labelled_as_compose_v2_does);
	tcase_add_test(spec, every_service_joins_the_project_network_under_its_service_and_container_names);
	tcase_add_test(spec, a_list_entrypoint_leads_the_command_after_its_first_word);
	tcase_add_test(spec, environment_overrides_env_file_and_a_later_env_file_line_wins);
	tcase_add_test(spec, volumes_bind_relative_to_the_project_name_volumes_by_project_and_keep_ro);
	tcase_add_test(spec, ports_restart_limits_and_healthcheck_fill_their_flags_fields);
	tcase_add_test(spec, what_a_container_here_cannot_have_is_named_for_ups_warning);
	tcase_add_test(spec, secrets_and_configs_are_files_bound_read_only_at_their_targets);
	tcase_add_test(spec, an_external_secret_is_named_in_ups_warning_and_not_mounted);
	suite_add_tcase(s, spec);
	TCase *merge = tcase_create("merge");
	tcase_add_test(merge, a_later_files_scalars_win_and_services_merge_by_name);
	tcase_add_test(merge, command_is_replaced_lists_appended_and_a_volume_replaced_by_its_target);
	tcase_add_test(merge, a_list_in_one_file_and_a_mapping_in_the_other_merge_as_the_mapping);
	tcase_add_test(merge, load_follows_extends_into_another_file_interpolated_with_the_projects_variables);
	suite_add_tcase(s, merge);
	TCase *file = tcase_create("file discovery");
	tcase_add_test(file, compose_yaml_is_preferred_to_the_older_names);
	tcase_add_test(file, the_file_is_looked_for_in_the_parent_folders_up_to_the_root);
	tcase_add_test(file, no_file_anywhere_is_an_error_that_says_where_it_looked);
	suite_add_tcase(s, file);
	return s;
}
