/*
 * test_swarm_cli_flags.c - `service create`, `update` and `scale` flags into specs
 * (08-swarm/swarm-service-flags.c).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "swarm-service-flags.h"

#define ARGC(argv) ((int)(sizeof(argv) / sizeof(argv[0])))

START_TEST(create_reads_dockers_flags_into_a_spec)
{
	char *argv[] = { "create", "--name", "web", "--replicas=3", "-p", "8080:80", "--publish", "published=5353,target=53,protocol=udp",
			 "-e", "MODE=prod", "--env", "LEVEL=2", "--constraint", "node.role==worker", "--limit-memory", "64M",
			 "--limit-cpu", "0.5", "--reserve-cpu", "0.25", "--reserve-memory", "32m", "--restart-condition",
			 "on-failure", "--restart-delay", "2s", "--restart-max-attempts", "4", "--update-parallelism", "2",
			 "--update-delay", "1m30s", "--update-failure-action", "rollback", "--update-order", "start-first",
			 "-l", "tier=front", "-d", "nginx:alpine", "nginx", "-g", "daemon off;" };
	struct swarm_service_spec spec;
	struct swarm_service_options options;
	ck_assert_msg(swarm_service_create_flags(ARGC(argv), argv, &spec, &options) == 0, "%s", error_message());
	ck_assert_str_eq(spec.name, "web");
	ck_assert_str_eq(spec.image, "nginx:alpine");
	ck_assert_int_eq(spec.replicas, 3);
	ck_assert_int_eq(spec.mode, SWARM_REPLICATED);
	ck_assert_uint_eq(spec.port_count, 2);
	ck_assert_uint_eq(spec.ports[0].published, 8080);
	ck_assert_uint_eq(spec.ports[0].target, 80);
	ck_assert(!spec.ports[0].udp);
	ck_assert_uint_eq(spec.ports[1].published, 5353);
	ck_assert_uint_eq(spec.ports[1].target, 53);
	ck_assert(spec.ports[1].udp);
	ck_assert_uint_eq(spec.env.count, 2);
	ck_assert_str_eq(spec.env.items[1], "LEVEL=2");
	ck_assert_str_eq(spec.constraints.items[0], "node.role==worker");
	ck_assert_int_eq(spec.limit_memory_bytes, 64 << 20);
	ck_assert_int_eq(spec.limit_nano_cpus, 500000000);
	ck_assert_int_eq(spec.reserve_nano_cpus, 250000000);
	ck_assert_int_eq(spec.reserve_memory_bytes, 32 << 20);
	ck_assert_int_eq(spec.restart.condition, SWARM_RESTART_ON_FAILURE);
	ck_assert_uint_eq(spec.restart.delay_ms, 2000);
	ck_assert_uint_eq(spec.restart.max_attempts, 4);
	ck_assert_uint_eq(spec.update.parallelism, 2);
	ck_assert_uint_eq(spec.update.delay_ms, 90000);
	ck_assert_int_eq(spec.update.failure_action, SWARM_UPDATE_ROLLBACK);
	ck_assert_int_eq(spec.update.order, SWARM_START_FIRST);
	ck_assert_str_eq(spec.labels.items[0], "tier=front");
	ck_assert(options.detach);
	ck_assert(!options.quiet);
	/* everything after the image is the command, its flags included */
	ck_assert_uint_eq(spec.command.count, 3);
	ck_assert_str_eq(spec.command.items[1], "-g");
	ck_assert_str_eq(spec.command.items[2], "daemon off;");
	swarm_service_spec_free(&spec);
}
END_TEST

START_TEST(create_without_flags_gives_swarms_defaults)
{
	char *argv[] = { "create", "alpine" };
	struct swarm_service_spec spec;
	struct swarm_service_options options;
	ck_assert_int_eq(swarm_service_create_flags(ARGC(argv), argv, &spec, &options), 0);
	ck_assert_str_eq(spec.name, ""); /* the command picks one */
	ck_assert_int_eq(spec.replicas, 1);
	ck_assert_int_eq(spec.restart.condition, SWARM_RESTART_ANY);
	ck_assert_uint_eq(spec.restart.delay_ms, 5000);
	ck_assert_uint_eq(spec.update.parallelism, 1);
	ck_assert_int_eq(spec.update.failure_action, SWARM_UPDATE_PAUSE);
	ck_assert_uint_eq(spec.command.count, 0);
	swarm_service_spec_free(&spec);
}
END_TEST

/* The message of create's failure on argv. */
static const char *create_error(int argc, char **argv)
{
	struct swarm_service_spec spec;
	struct swarm_service_options options;
	ck_assert_int_eq(swarm_service_create_flags(argc, argv, &spec, &options), -1);
	return error_message();
}

START_TEST(a_bad_value_is_refused_naming_the_flag_and_the_reason)
{
	char *replicas[] = { "create", "--replicas", "three", "alpine" };
	ck_assert_str_eq(create_error(ARGC(replicas), replicas),
			 "invalid argument \"three\" for \"--replicas\" flag: expected a whole number from 0 to 100000");
	char *mode[] = { "create", "--mode", "everywhere", "alpine" };
	ck_assert_str_eq(create_error(ARGC(mode), mode),
			 "invalid argument \"everywhere\" for \"--mode\" flag: expected replicated or global");
	char *port[] = { "create", "-p", "8080:99999", "alpine" };
	ck_assert_ptr_nonnull(strstr(create_error(ARGC(port), port), "for \"--publish\" flag: expected [PUBLISHED:]TARGET"));
	char *memory[] = { "create", "--limit-memory", "lots", "alpine" };
	ck_assert_ptr_nonnull(strstr(create_error(ARGC(memory), memory), "\"--limit-memory\" flag: expected a size"));
	char *cpu[] = { "create", "--limit-cpu", "1e3", "alpine" };
	ck_assert_ptr_nonnull(strstr(create_error(ARGC(cpu), cpu), "\"--limit-cpu\" flag: expected a number of CPUs"));
	char *delay[] = { "create", "--restart-delay", "5", "alpine" };
	ck_assert_ptr_nonnull(strstr(create_error(ARGC(delay), delay), "\"--restart-delay\" flag: expected a duration"));
	char *constraint[] = { "create", "--constraint", "node.colour==red", "alpine" };
	ck_assert_ptr_nonnull(strstr(create_error(ARGC(constraint), constraint), "for \"--constraint\" flag:"));
	char *name[] = { "create", "--name", "-web", "alpine" };
	ck_assert_ptr_nonnull(strstr(create_error(ARGC(name), name), "for \"--name\" flag: a service name is letters"));
}
END_TEST

START_TEST(an_unknown_flag_a_missing_value_and_a_missing_image_are_usage_errors)
{
	char *unknown[] = { "create", "--colour", "red", "alpine" };
	ck_assert_str_eq(create_error(ARGC(unknown), unknown), "unknown flag: --colour");
	char *missing[] = { "create", "--name" };
	ck_assert_str_eq(create_error(ARGC(missing), missing), "flag needs an argument: --name");
	char *image[] = { "create", "--name", "web" };
	ck_assert_ptr_nonnull(strstr(create_error(ARGC(image), image), "requires at least 1 argument: the image"));
	char *update_only[] = { "create", "--env-add", "A=1", "alpine" };
	ck_assert_str_eq(create_error(ARGC(update_only), update_only), "unknown flag: --env-add");
}
END_TEST

START_TEST(a_global_service_takes_no_replicas)
{
	char *argv[] = { "create", "--mode", "global", "--replicas", "2", "alpine" };
	ck_assert_str_eq(create_error(ARGC(argv), argv), "replicas can only be used with replicated mode");
	char *global[] = { "create", "--mode", "global", "alpine" };
	struct swarm_service_spec spec;
	struct swarm_service_options options;
	ck_assert_int_eq(swarm_service_create_flags(ARGC(global), global, &spec, &options), 0);
	ck_assert_int_eq(spec.mode, SWARM_GLOBAL);
	ck_assert_int_eq(spec.replicas, 0);
	swarm_service_spec_free(&spec);
}
END_TEST

START_TEST(ports_are_read_in_the_short_and_the_long_form)
{
	struct swarm_port p;
	ck_assert_int_eq(swarm_port_parse("8080:80", &p), 0);
	ck_assert(p.published == 8080 && p.target == 80 && !p.udp && !p.host_mode);
	ck_assert_int_eq(swarm_port_parse("53:53/udp", &p), 0);
	ck_assert(p.published == 53 && p.target == 53 && p.udp);
	ck_assert_int_eq(swarm_port_parse("80", &p), 0);
	ck_assert(p.published == 0 && p.target == 80); /* the swarm picks the published port */
	ck_assert_int_eq(swarm_port_parse("published=8080,target=80,mode=host", &p), 0);
	ck_assert(p.published == 8080 && p.target == 80 && p.host_mode);
	ck_assert_int_eq(swarm_port_parse("published=8080", &p), -1); /* no target */
	ck_assert_int_eq(swarm_port_parse("8080:80/sctp", &p), -1);
	ck_assert_int_eq(swarm_port_parse("0:80", &p), -1);
	ck_assert_int_eq(swarm_port_parse(":80", &p), -1);
	ck_assert_int_eq(swarm_port_parse("a:b", &p), -1);
}
END_TEST

START_TEST(the_last_value_of_a_variable_or_a_label_wins)
{
	char *argv[] = { "create", "-e", "A=1", "-e", "B=2", "-e", "A=3", "-l", "x=1", "-l", "x=2", "alpine" };
	struct swarm_service_spec spec;
	struct swarm_service_options options;
	ck_assert_int_eq(swarm_service_create_flags(ARGC(argv), argv, &spec, &options), 0);
	ck_assert_uint_eq(spec.env.count, 2);
	ck_assert_str_eq(spec.env.items[0], "B=2");
	ck_assert_str_eq(spec.env.items[1], "A=3");
	ck_assert_uint_eq(spec.labels.count, 1);
	ck_assert_str_eq(spec.labels.items[0], "x=2");
	swarm_service_spec_free(&spec);
}
END_TEST

START_TEST(short_flags_combine_and_take_attached_values)
{
	char *argv[] = { "create", "-dq", "-p8080:80", "--name=web", "alpine" };
	struct swarm_service_spec spec;
	struct swarm_service_options options;
	ck_assert_int_eq(swarm_service_create_flags(ARGC(argv), argv, &spec, &options), 0);
	ck_assert(options.detach && options.quiet);
	ck_assert_uint_eq(spec.ports[0].published, 8080);
	ck_assert_str_eq(spec.name, "web");
	swarm_service_spec_free(&spec);
}
END_TEST

/* A spec as create makes it from argv. */
static struct swarm_service_spec created(int argc, char **argv)
{
	struct swarm_service_spec spec;
	struct swarm_service_options options;
	ck_assert_msg(swarm_service_create_flags(argc, argv, &spec, &options) == 0, "%s", error_message());
	return spec;
}

START_TEST(update_changes_only_what_its_flags_name_in_the_order_given)
{
	char *create[] = { "create", "--name", "web", "--replicas", "3", "-p", "8080:80", "-p", "9090:90", "-e", "A=1", "-e", "B=2",
			   "--constraint", "node.role==worker", "--limit-memory", "64M", "nginx:1.26" };
	struct swarm_service_spec spec = created(ARGC(create), create);
	char *argv[] = { "update", "--image", "nginx:1.27", "--env-add", "C=3", "--env-rm", "A", "--publish-rm", "80",
			 "--publish-add", "8443:443", "--constraint-rm", "node.role==worker", "--constraint-add",
			 "node.labels.zone==a", "web", "--update-parallelism", "2", "--env-add", "C=4" };
	struct swarm_service_update update;
	ck_assert_msg(swarm_service_update_flags(ARGC(argv), argv, &update) == 0, "%s", error_message());
	ck_assert_str_eq(update.service, "web");
	ck_assert_msg(swarm_service_update_apply(&update, &spec) == 0, "%s", error_message());
	ck_assert_str_eq(spec.image, "nginx:1.27");
	ck_assert_int_eq(spec.replicas, 3);       /* not named: kept */
	ck_assert_int_eq(spec.limit_memory_bytes, 64 << 20);
	ck_assert_uint_eq(spec.env.count, 2);
	ck_assert_str_eq(spec.env.items[0], "B=2");
	ck_assert_str_eq(spec.env.items[1], "C=4");
	ck_assert_uint_eq(spec.port_count, 2);
	ck_assert_uint_eq(spec.ports[0].target, 90);
	ck_assert_uint_eq(spec.ports[1].published, 8443);
	ck_assert_uint_eq(spec.constraints.count, 1);
	ck_assert_str_eq(spec.constraints.items[0], "node.labels.zone==a");
	ck_assert_uint_eq(spec.update.parallelism, 2);
	swarm_service_update_free(&update);
	swarm_service_spec_free(&spec);
}
END_TEST

START_TEST(update_checks_its_values_before_the_service_is_read)
{
	char *argv[] = { "update", "--replicas", "-1", "web" };
	struct swarm_service_update update;
	ck_assert_int_eq(swarm_service_update_flags(ARGC(argv), argv, &update), -1);
	ck_assert_str_eq(error_message(),
			 "invalid argument \"-1\" for \"--replicas\" flag: expected a whole number from 0 to 100000");
	char *none[] = { "update", "--image", "x" };
	ck_assert_int_eq(swarm_service_update_flags(ARGC(none), none, &update), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "requires exactly 1 argument"));
	char *two[] = { "update", "web", "api" };
	ck_assert_int_eq(swarm_service_update_flags(ARGC(two), two, &update), -1);
	char *create_only[] = { "update", "--name", "x", "web" };
	ck_assert_int_eq(swarm_service_update_flags(ARGC(create_only), create_only, &update), -1);
	ck_assert_str_eq(error_message(), "unknown flag: --name");
}
END_TEST

START_TEST(update_of_replicas_on_a_global_service_is_refused)
{
	char *create[] = { "create", "--name", "agent", "--mode", "global", "alpine" };
	struct swarm_service_spec spec = created(ARGC(create), create);
	char *argv[] = { "update", "--replicas", "3", "agent" };
	struct swarm_service_update update;
	ck_assert_int_eq(swarm_service_update_flags(ARGC(argv), argv, &update), 0);
	ck_assert_int_eq(swarm_service_update_apply(&update, &spec), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "global"));
	swarm_service_update_free(&update);
	swarm_service_spec_free(&spec);
}
END_TEST

START_TEST(update_rollback_takes_no_other_change)
{
	char *argv[] = { "update", "--rollback", "web" };
	struct swarm_service_update update;
	ck_assert_int_eq(swarm_service_update_flags(ARGC(argv), argv, &update), 0);
	ck_assert(update.rollback);
	swarm_service_update_free(&update);
	char *mixed[] = { "update", "--rollback", "--image", "x", "web" };
	ck_assert_int_eq(swarm_service_update_flags(ARGC(mixed), mixed, &update), -1);
}
END_TEST

START_TEST(scale_reads_service_equals_replicas_pairs)
{
	char *argv[] = { "scale", "web=5", "api=0" };
	struct swarm_scale *scales;
	size_t count;
	ck_assert_int_eq(swarm_service_scale_args(ARGC(argv), argv, &scales, &count), 0);
	ck_assert_uint_eq(count, 2);
	ck_assert_str_eq(scales[0].service, "web");
	ck_assert_uint_eq(scales[0].replicas, 5);
	ck_assert_str_eq(scales[1].service, "api");
	ck_assert_uint_eq(scales[1].replicas, 0);
	free(scales);
	char *bad[] = { "scale", "web" };
	ck_assert_int_eq(swarm_service_scale_args(ARGC(bad), bad, &scales, &count), -1);
	ck_assert_str_eq(error_message(), "invalid scale specifier \"web\": expected SERVICE=REPLICAS");
	char *bad_number[] = { "scale", "web=many" };
	ck_assert_int_eq(swarm_service_scale_args(ARGC(bad_number), bad_number, &scales, &count), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "\"many\" is not a whole number"));
	char *none[] = { "scale" };
	ck_assert_int_eq(swarm_service_scale_args(ARGC(none), none, &scales, &count), -1);
}
END_TEST

Suite *swarm_cli_flags_suite(void)
{
	Suite *s = suite_create("swarm_cli_flags");
	TCase *tc = tcase_create("flags");
	tcase_add_test(tc, create_reads_dockers_flags_into_a_spec);
	tcase_add_test(tc, create_without_flags_gives_swarms_defaults);
	tcase_add_test(tc, a_bad_value_is_refused_naming_the_flag_and_the_reason);
	tcase_add_test(tc, an_unknown_flag_a_missing_value_and_a_missing_image_are_usage_errors);
	tcase_add_test(tc, a_global_service_takes_no_replicas);
	tcase_add_test(tc, ports_are_read_in_the_short_and_the_long_form);
	tcase_add_test(tc, the_last_value_of_a_variable_or_a_label_wins);
	tcase_add_test(tc, short_flags_combine_and_take_attached_values);
	tcase_add_test(tc, update_changes_only_what_its_flags_name_in_the_order_given);
	tcase_add_test(tc, update_checks_its_values_before_the_service_is_read);
	tcase_add_test(tc, update_of_replicas_on_a_global_service_is_refused);
	tcase_add_test(tc, update_rollback_takes_no_other_change);
	tcase_add_test(tc, scale_reads_service_equals_replicas_pairs);
	suite_add_tcase(s, tc);
	return s;
}
