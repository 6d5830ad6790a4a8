/*
 * test_swarm_cli_stack.c - compose files as stack services (08-swarm/stack-spec.c, over
 * chapter 07's model with its deploy section): the shop of chapter 07, and the deploy keys of
 * the Compose Deploy Specification's examples.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compose-model.h"
#include "error.h"
#include "files.h"
#include "stack-spec.h"
#include "yaml.h"

#define SHOP "07-compose/examples/shop/docker-compose.yml"

static int model_of(const char *name, const char *text, struct compose_project *project)
{
	struct yaml_node *root = yaml_parse(name, text, strlen(text));
	ck_assert_msg(root, "%s", error_message());
	int rc = compose_model_read(name, root, project);
	yaml_free(root);
	return rc;
}

static const struct swarm_service_spec *spec_named(const struct stack_specs *specs, const char *name)
{
	for (size_t i = 0; i < specs->count; i++)
		if (strcmp(specs->items[i].name, name) == 0)
			return &specs->items[i];
	ck_abort_msg("no service %s", name);
	return NULL;
}

static bool has(const struct swarm_strings *list, const char *text)
{
	for (size_t i = 0; i < list->count; i++)
		if (strcmp(list->items[i], text) == 0)
			return true;
	return false;
}

static char *shop_text(void)
{
	size_t size;
	char *text = read_file(SHOP, &size);
	ck_assert_msg(text, "%s (run from the top of the source tree)", error_message());
	return text;
}

START_TEST(the_shops_service_with_only_build_is_refused_as_docker_ignores_build)
{
	char *text = shop_text();
	struct compose_project project;
	ck_assert_msg(model_of(SHOP, text, &project) == 0, "%s", error_message());
	struct stack_specs specs;
	ck_assert_int_eq(stack_specs_from_project(&project, "shop", &specs), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "service \"product-service\": stack deploy does not build; build and "
						       "push the image first"));
	compose_project_free(&project);
	free(text);
}
END_TEST

START_TEST(the_shop_with_its_image_pushed_deploys_as_services_of_the_stack)
{
	/* What the lesson does after `tinydock build` and `push`: the product service names its
	 * image in the registry, its build: stays for compose. */
	char *text = shop_text();
	const char *build = "    build: ./product\n";
	char *at = strstr(text, build);
	ck_assert_ptr_nonnull(at);
	char *edited;
	ck_assert_int_ge(asprintf(&edited, "%.*s    image: localhost:5000/shop-product\n%s", (int)(at - text), text, at), 0);
	struct compose_project project;
	ck_assert_msg(model_of(SHOP, edited, &project) == 0, "%s", error_message());
	struct stack_specs specs;
	ck_assert_msg(stack_specs_from_project(&project, "shop", &specs) == 0, "%s", error_message());
	ck_assert_uint_eq(specs.count, 2);
	const struct swarm_service_spec *product = spec_named(&specs, "shop_product-service");
	ck_assert_str_eq(product->image, "localhost:5000/shop-product");
	ck_assert_uint_eq(product->port_count, 1);
	ck_assert_uint_eq(product->ports[0].published, 5001);
	ck_assert_uint_eq(product->ports[0].target, 80);
	ck_assert_uint_eq(product->replicas, 1);
	ck_assert(has(&product->labels, "com.docker.stack.namespace=shop"));
	const struct swarm_service_spec *website = spec_named(&specs, "shop_website");
	ck_assert_str_eq(website->image, "busybox-httpd");
	ck_assert_uint_eq(website->ports[0].published, 5000);
	/* build beside image, bind mounts and depends_on: named once each, sorted, as Docker's line */
	char *warning;
	size_t size;
	FILE *out = open_memstream(&warning, &size);
	stack_print_ignored(&specs, out);
	fclose(out);
	ck_assert_str_eq(warning, "Ignoring unsupported options: build, volumes\n\n");
	free(warning);
	stack_specs_free(&specs);
	compose_project_free(&project);
	free(edited);
	free(text);
}
END_TEST

/* The Compose Deploy Specification's example (deploy.md), every key this swarm has. */
static const char deploy_example[] =
	"services:\n"
	"  redis:\n"
	"    image: redis:latest\n"
	"    command: [\"redis-server\", \"--appendonly\", \"yes\"]\n"
	"    environment:\n"
	"      MODE: cache\n"
	"    labels:\n"
	"      com.example.tier: \"backend\"\n"
	"    ports:\n"
	"      - \"6379:6379\"\n"
	"      - target: 9121\n"
	"        published: 9121\n"
	"        mode: host\n"
	"    deploy:\n"
	"      mode: replicated\n"
	"      replicas: 6\n"
	"      endpoint_mode: dnsrr\n"
	"      labels:\n"
	"        com.example.description: \"This label will appear on the web service\"\n"
	"      resources:\n"
	"        limits:\n"
	"          cpus: '0.50'\n"
	"          memory: 50M\n"
	"        reservations:\n"
	"          cpus: '0.25'\n"
	"          memory: 20M\n"
	"      update_config:\n"
	"        parallelism: 2\n"
	"        delay: 10s\n"
	"        failure_action: continue\n"
	"        order: start-first\n"
	"        monitor: 60s\n"
	"      restart_policy:\n"
	"        condition: on-failure\n"
	"        delay: 5s\n"
	"        max_attempts: 3\n"
	"        window: 120s\n"
	"      placement:\n"
	"        constraints:\n"
	"          - node.labels.disktype==ssd\n"
	"          - node.role==worker\n"
	"        preferences:\n"
	"          - spread: node.labels.zone\n"
	"  agent:\n"
	"    image: agent:1\n"
	"    deploy:\n"
	"      mode: global\n";

START_TEST(every_deploy_key_becomes_the_services_field)
{
	struct compose_project project;
	ck_assert_msg(model_of("stack.yml", deploy_example, &project) == 0, "%s", error_message());
	struct stack_specs specs;
	ck_assert_msg(stack_specs_from_project(&project, "db", &specs) == 0, "%s", error_message());
	const struct swarm_service_spec *s = spec_named(&specs, "db_redis");
	ck_assert_str_eq(s->image, "redis:latest");
	ck_assert_uint_eq(s->command.count, 3);
	ck_assert_str_eq(s->command.items[2], "yes");
	ck_assert(has(&s->env, "MODE=cache"));
	ck_assert_int_eq(s->mode, SWARM_REPLICATED);
	ck_assert_uint_eq(s->replicas, 6);
	ck_assert(has(&s->labels, "com.example.description=This label will appear on the web service"));
	ck_assert(has(&s->labels, "com.example.tier=backend"));
	ck_assert(has(&s->labels, "com.docker.stack.namespace=db"));
	ck_assert_int_eq(s->limit_nano_cpus, 500000000);
	ck_assert_int_eq(s->limit_memory_bytes, 50 << 20);
	ck_assert_int_eq(s->reserve_nano_cpus, 250000000);
	ck_assert_int_eq(s->reserve_memory_bytes, 20 << 20);
	ck_assert_uint_eq(s->update.parallelism, 2);
	ck_assert_uint_eq(s->update.delay_ms, 10000);
	ck_assert_int_eq(s->update.failure_action, SWARM_UPDATE_CONTINUE);
	ck_assert_int_eq(s->update.order, SWARM_START_FIRST);
	ck_assert_int_eq(s->restart.condition, SWARM_RESTART_ON_FAILURE);
	ck_assert_uint_eq(s->restart.delay_ms, 5000);
	ck_assert_uint_eq(s->restart.max_attempts, 3);
	ck_assert_uint_eq(s->restart.window_ms, 120000);
	ck_assert_uint_eq(s->constraints.count, 2);
	ck_assert_str_eq(s->constraints.items[0], "node.labels.disktype==ssd");
	ck_assert_uint_eq(s->port_count, 2);
	ck_assert(!s->ports[0].host_mode && s->ports[0].published == 6379);
	ck_assert(s->ports[1].host_mode && s->ports[1].target == 9121);
	const struct swarm_service_spec *agent = spec_named(&specs, "db_agent");
	ck_assert_int_eq(agent->mode, SWARM_GLOBAL);
	ck_assert_uint_eq(agent->replicas, 0);
	/* what the swarm does not do is named, with its place in deploy */
	ck_assert(has(&specs.ignored, "deploy.endpoint_mode"));
	ck_assert(has(&specs.ignored, "deploy.update_config.monitor"));
	ck_assert(has(&specs.ignored, "deploy.placement.preferences"));
	ck_assert_uint_eq(specs.ignored.count, 3);
	stack_specs_free(&specs);
	compose_project_free(&project);
}
END_TEST

static const char *refusal(const char *text, const char *stack)
{
	struct compose_project project;
	ck_assert_msg(model_of("stack.yml", text, &project) == 0, "%s", error_message());
	struct stack_specs specs;
	ck_assert_int_eq(stack_specs_from_project(&project, stack, &specs), -1);
	compose_project_free(&project);
	return error_message();
}

START_TEST(a_deploy_value_the_swarm_cannot_take_is_refused_naming_the_key)
{
	ck_assert_str_eq(refusal("services:\n  web:\n    image: a\n    deploy:\n      update_config:\n        failure_action: retry\n", "s"),
			 "service \"web\": deploy.update_config.failure_action: \"retry\" is not pause, continue or rollback");
	ck_assert_str_eq(refusal("services:\n  web:\n    image: a\n    deploy:\n      restart_policy:\n        condition: always\n", "s"),
			 "service \"web\": deploy.restart_policy.condition: \"always\" is not none, on-failure or any");
	ck_assert_str_eq(refusal("services:\n  web:\n    image: a\n    deploy:\n      mode: replicated-job\n", "s"),
			 "service \"web\": deploy.mode: \"replicated-job\" is not replicated or global");
	ck_assert_ptr_nonnull(strstr(refusal("services:\n  web:\n    image: a\n    deploy:\n      resources:\n        limits:\n"
					     "          cpus: lots\n", "s"),
				     "deploy.resources.limits.cpus"));
	ck_assert_ptr_nonnull(strstr(refusal("services:\n  web:\n    image: a\n    deploy:\n      placement:\n        constraints:\n"
					     "          - node.colour==red\n", "s"),
				     "service \"web\": deploy.placement.constraints"));
	ck_assert_ptr_nonnull(strstr(refusal("services:\n  web:\n    image: a\n", "bad name"), "invalid stack name \"bad name\""));
}
END_TEST

START_TEST(compose_up_still_reads_replicas_and_limits_from_deploy)
{
	struct compose_project project;
	ck_assert_msg(model_of("stack.yml", deploy_example, &project) == 0, "%s", error_message());
	const struct compose_service *redis = compose_find_service(&project, "redis");
	ck_assert_int_eq(redis->replicas, 6);
	ck_assert_str_eq(redis->cpus, "0.50");
	ck_assert_int_eq(redis->memory, 50 << 20);
	/* the swarm's keys are not among those `up` warns about */
	ck_assert_uint_eq(project.ignored.count, 0);
	compose_project_free(&project);
}
END_TEST

Suite *swarm_cli_stack_suite(void)
{
	Suite *s = suite_create("swarm_cli_stack");
	TCase *tc = tcase_create("stack");
	tcase_add_test(tc, the_shops_service_with_only_build_is_refused_as_docker_ignores_build);
	tcase_add_test(tc, the_shop_with_its_image_pushed_deploys_as_services_of_the_stack);
	tcase_add_test(tc, every_deploy_key_becomes_the_services_field);
	tcase_add_test(tc, a_deploy_value_the_swarm_cannot_take_is_refused_naming_the_key);
	tcase_add_test(tc, compose_up_still_reads_replicas_and_limits_from_deploy);
	suite_add_tcase(s, tc);
	return s;
}
