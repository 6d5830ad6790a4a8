/*
 * test_swarm_cli_print.c - the swarm as `node ls`, `service ls`, `service ps`, `stack ls` and
 * inspect print it (08-swarm/swarm-print.c), from a `state` reply read back
 * (08-swarm/swarm-cli-state.c) of a store made by the real control loops.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "filters.h"
#include "json.h"
#include "swarm-cli-state.h"
#include "swarm-fixtures.h"
#include "swarm-print.h"
#include "swarm-snapshot.h"

/* A manager m1 (leader), a manager m2 it cannot reach, a worker w1; the service web (2
 * replicas, 8080->80) created at 1 s and updated at 10 s from nginx:1.26 to nginx:1.27; the
 * service shop_api (1 replica) of the stack shop. Read back from the reply a node would send. */
static void fixture_state(struct swarm_state *state)
{
	struct swarm_store store;
	swarm_store_init(&store);
	swarm_fixture_join(&store, "m1", SWARM_MANAGER);
	swarm_fixture_join(&store, "m2", SWARM_MANAGER);
	swarm_fixture_join(&store, "w1", SWARM_WORKER);
	struct swarm_service_spec web = swarm_fixture_spec("web", 2);
	swarm_copy_name(web.image, sizeof(web.image), "nginx:1.26");
	web.ports = calloc(1, sizeof(*web.ports));
	web.ports[0] = (struct swarm_port){ .published = 8080, .target = 80 };
	web.port_count = 1;
	swarm_fixture_create(&store, &web, 1000);
	struct swarm_service_spec api = swarm_fixture_spec("shop_api", 1);
	swarm_strings_add(&api.labels, "com.docker.stack.namespace=shop");
	swarm_fixture_create(&store, &api, 1000);
	swarm_fixture_settle(&store, 1000);
	struct swarm_service_spec newer = swarm_fixture_spec("web", 2);
	swarm_copy_name(newer.image, sizeof(newer.image), "nginx:1.27");
	newer.ports = calloc(1, sizeof(*newer.ports));
	newer.ports[0] = (struct swarm_port){ .published = 8080, .target = 80 };
	newer.port_count = 1;
	newer.update.parallelism = 0; /* all at once: the test needs no clock between batches */
	swarm_fixture_update(&store, &newer, 10000);
	swarm_fixture_settle(&store, 10000);
	size_t size;
	char *snapshot = swarm_store_snapshot(&store, &size);
	ck_assert_ptr_nonnull(snapshot);
	char *reply;
	ck_assert_int_ge(asprintf(&reply, "{\"ok\":true,\"self\":\"m1\",\"leader\":\"m1\",\"managers\":["
					  "{\"id\":\"m1\",\"address\":\"10.0.0.1:2377\",\"reachable\":true,\"leader\":true},"
					  "{\"id\":\"m2\",\"address\":\"10.0.0.2:2377\",\"reachable\":false,\"leader\":false}],"
					  "\"store\":%s}", snapshot), 0);
	ck_assert_msg(swarm_state_read(reply, strlen(reply), state) == 0, "%s", error_message());
	free(reply);
	free(snapshot);
	swarm_store_free(&store);
}

/* What print wrote, as a string to free. */
#define CAPTURE(text, call)                                        \
	do {                                                       \
		size_t size_;                                      \
		FILE *out = open_memstream(&(text), &size_);       \
		ck_assert_msg((call) == 0, "%s", error_message()); \
		fclose(out);                                       \
	} while (0)

START_TEST(node_ls_marks_the_node_asked_and_says_who_leads_and_who_is_unreachable)
{
	struct swarm_state state;
	fixture_state(&state);
	struct swarm_list_options options = { 0 };
	char *text;
	CAPTURE(text, swarm_print_nodes(&state, &options, out));
	ck_assert_str_eq(text, "ID        HOSTNAME   STATUS    AVAILABILITY   MANAGER STATUS\n"
			       "m1 *      m1         Ready     Active         Leader\n"
			       "m2        m2         Ready     Active         Unreachable\n"
			       "w1        w1         Ready     Active         \n");
	free(text);
	options.quiet = true;
	CAPTURE(text, swarm_print_nodes(&state, &options, out));
	ck_assert_str_eq(text, "m1\nm2\nw1\n");
	free(text);
	swarm_state_free(&state);
}
END_TEST

START_TEST(service_ls_counts_running_replicas_of_those_wanted_and_shows_the_ingress_ports)
{
	struct swarm_state state;
	fixture_state(&state);
	struct swarm_list_options options = { .format = "{{.Name}} {{.Mode}} {{.Replicas}} {{.Image}} {{.Ports}}" };
	char *text;
	CAPTURE(text, swarm_print_services(&state, NULL, &options, out));
	ck_assert_str_eq(text, "shop_api replicated 1/1 shop_api:v1 \n" /* by name, as Docker sorts them */
			       "web replicated 2/2 nginx:1.27 *:8080->80/tcp\n");
	free(text);
	/* the default table: an ID of 12 hexadecimal digits first */
	options.format = NULL;
	CAPTURE(text, swarm_print_services(&state, NULL, &options, out));
	char id[SWARM_SERVICE_ID_SIZE];
	swarm_service_id("web", id);
	ck_assert_msg(strstr(text, "ID             NAME       MODE         REPLICAS   IMAGE         PORTS\n"), "%s", text);
	ck_assert_msg(strstr(text, id) == NULL, "%s", text); /* the whole ID is not shown */
	id[12] = '\0';
	ck_assert_msg(strstr(text, id) && strstr(text, id)[12] == ' ', "%s", text);
	free(text);
	swarm_state_free(&state);
}
END_TEST

START_TEST(stack_services_lists_only_the_services_of_the_stack)
{
	struct swarm_state state;
	fixture_state(&state);
	struct swarm_list_options options = { .format = "{{.Name}}" };
	char *text;
	CAPTURE(text, swarm_print_services(&state, "shop", &options, out));
	ck_assert_str_eq(text, "shop_api\n");
	free(text);
	CAPTURE(text, swarm_print_stacks(&state, NULL, out));
	ck_assert_str_eq(text, "NAME      SERVICES\nshop      1\n");
	free(text);
	swarm_state_free(&state);
}
END_TEST

START_TEST(service_ps_shows_each_slots_newest_task_then_its_history)
{
	struct swarm_state state;
	fixture_state(&state);
	struct swarm_list_options options = {
		.format = "{{.Name}}|{{.Image}}|{{.Node}}|{{.DesiredState}}|{{.CurrentState}}|{{.Error}}"
	};
	const char *web[] = { "web" };
	char *text;
	CAPTURE(text, swarm_print_tasks(&state, web, 1, NULL, 15000, &options, out));
	/* two slots; in each, the task of the update (10 s) runs, the first one (1 s) was shut down */
	const char *lines[] = { "web.1|nginx:1.27|", "|Running|Running 5 seconds ago|", " \\_ web.1|nginx:1.26|",
				"|Shutdown|Shutdown 5 seconds ago|", "web.2|nginx:1.27|", " \\_ web.2|nginx:1.26|" };
	const char *at = text;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		const char *found = strstr(at, lines[i]);
		ck_assert_msg(found, "\"%s\" not in order in:\n%s", lines[i], text);
		at = found + strlen(lines[i]);
	}
	int count = 0;
	for (const char *c = text; *c; c++)
		count += *c == '\n';
	ck_assert_int_eq(count, 4);
	free(text);
	options = (struct swarm_list_options){ 0 };
	CAPTURE(text, swarm_print_tasks(&state, web, 1, NULL, 15000, &options, out));
	const char *header = "ID        NAME        IMAGE        NODE      DESIRED STATE   CURRENT STATE            ERROR     PORTS\n";
	ck_assert_msg(strncmp(text, header, strlen(header)) == 0, "%s", text);
	ck_assert_ptr_nonnull(strstr(text, "\n1          \\_ web.1   nginx:1.26   "));
	free(text);
	swarm_state_free(&state);
}
END_TEST

START_TEST(a_failed_tasks_error_is_quoted_and_cut_unless_no_trunc)
{
	struct swarm_state state;
	fixture_state(&state);
	struct swarm_task *task = &state.store.tasks[state.store.task_count - 1];
	task->observed = SWARM_TASK_FAILED;
	swarm_copy_name(task->message, sizeof(task->message), "task: non-zero exit (1): the image's command failed");
	struct swarm_list_options options = { .format = "{{.Error}}" };
	const char *names[] = { task->service };
	char *text;
	CAPTURE(text, swarm_print_tasks(&state, names, 1, NULL, 15000, &options, out));
	ck_assert_ptr_nonnull(strstr(text, "\"task: non-zero exit (1): the …\"\n"));
	free(text);
	options.no_trunc = true;
	CAPTURE(text, swarm_print_tasks(&state, names, 1, NULL, 15000, &options, out));
	ck_assert_ptr_nonnull(strstr(text, "\"task: non-zero exit (1): the image's command failed\"\n"));
	free(text);
	swarm_state_free(&state);
}
END_TEST

START_TEST(service_inspect_has_dockers_shape)
{
	struct swarm_state state;
	fixture_state(&state);
	struct json *doc = swarm_service_document(swarm_store_service(&state.store, "web"));
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(json_string(json_pointer(doc, "/Spec/Name")), "web");
	ck_assert_str_eq(json_string(json_pointer(doc, "/Spec/TaskTemplate/ContainerSpec/Image")), "nginx:1.27");
	ck_assert_str_eq(json_string(json_pointer(doc, "/PreviousSpec/TaskTemplate/ContainerSpec/Image")), "nginx:1.26");
	int64_t value;
	ck_assert_int_eq(json_int64(json_pointer(doc, "/Spec/Mode/Replicated/Replicas"), &value), 0);
	ck_assert_int_eq(value, 2);
	ck_assert_int_eq(json_int64(json_pointer(doc, "/Spec/EndpointSpec/Ports/0/PublishedPort"), &value), 0);
	ck_assert_int_eq(value, 8080);
	ck_assert_int_eq(json_int64(json_pointer(doc, "/Spec/TaskTemplate/RestartPolicy/Delay"), &value), 0);
	ck_assert_int_eq(value, 5000000000); /* nanoseconds, as Docker's API */
	ck_assert_str_eq(json_string(json_pointer(doc, "/Spec/UpdateConfig/FailureAction")), "pause");
	ck_assert_str_eq(json_string(json_pointer(doc, "/UpdateStatus/State")), "completed"); /* the orchestrator finished it */
	struct json *all = json_new_array();
	json_append(all, doc);
	char *text;
	CAPTURE(text, swarm_print_documents(all, "{{.Spec.Name}} {{index .Spec.TaskTemplate.ContainerSpec.Image}}", out));
	ck_assert_str_eq(text, "web nginx:1.27\n");
	free(text);
	json_free(all);
	swarm_state_free(&state);
}
END_TEST

START_TEST(node_inspect_has_dockers_shape)
{
	struct swarm_state state;
	fixture_state(&state);
	struct json *leader = swarm_node_document(&state, swarm_store_node(&state.store, "m1"));
	struct json *worker = swarm_node_document(&state, swarm_store_node(&state.store, "w1"));
	ck_assert_str_eq(json_string(json_pointer(leader, "/Spec/Role")), "manager");
	ck_assert_str_eq(json_string(json_pointer(leader, "/Status/Addr")), "10.0.0.1");
	ck_assert_str_eq(json_string(json_pointer(leader, "/ManagerStatus/Addr")), "10.0.0.1:2377");
	ck_assert_int_eq(json_pointer(leader, "/ManagerStatus/Leader")->type, JSON_TRUE);
	ck_assert_ptr_null(json_get(worker, "ManagerStatus"));
	ck_assert_str_eq(json_string(json_pointer(worker, "/Description/Hostname")), "w1");
	json_free(leader);
	json_free(worker);
	swarm_state_free(&state);
}
END_TEST

START_TEST(a_reply_that_is_not_ok_is_an_error_with_its_message)
{
	struct swarm_state state;
	const char *reply = "{\"ok\":false,\"error\":\"this node is not a swarm manager\"}";
	ck_assert_int_eq(swarm_state_read(reply, strlen(reply), &state), -1);
	ck_assert_str_eq(error_message(), "cannot read the swarm's state: this node is not a swarm manager");
	const char *broken = "{\"ok\":true,\"self\":\"m1\",\"leader\":\"\",\"store\":{\"nodes\":7}}";
	ck_assert_int_eq(swarm_state_read(broken, strlen(broken), &state), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "cannot read the swarm's state: swarm snapshot"));
}
END_TEST

START_TEST(a_bad_format_is_an_error_not_a_table)
{
	struct swarm_state state;
	fixture_state(&state);
	struct swarm_list_options options = { .format = "{{.Nope}}" };
	FILE *out = fopen("/dev/null", "w");
	ck_assert_int_eq(swarm_print_nodes(&state, &options, out), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "Nope"));
	fclose(out);
	swarm_state_free(&state);
}
END_TEST

START_TEST(filters_keep_the_rows_docker_would_keep)
{
	struct swarm_state state;
	fixture_state(&state);
	struct filters filters = { 0 };
	struct swarm_list_options options = { .format = "{{.Name}}", .filters = &filters };
	const char *web[] = { "web" };
	char *text;
	/* the history goes; the running tasks stay */
	ck_assert_int_eq(filters_add(&filters, "desired-state=running", swarm_task_filter_keys), 0);
	CAPTURE(text, swarm_print_tasks(&state, web, 1, NULL, 15000, &options, out));
	ck_assert_str_eq(text, "web.1\nweb.2\n");
	free(text);
	filters_free(&filters);
	ck_assert_int_eq(filters_add(&filters, "role=worker", swarm_node_filter_keys), 0);
	options.format = "{{.ID}}";
	CAPTURE(text, swarm_print_nodes(&state, &options, out));
	ck_assert_str_eq(text, "w1\n");
	free(text);
	filters_free(&filters);
	ck_assert_int_eq(filters_add(&filters, "label=com.docker.stack.namespace=shop", swarm_service_filter_keys), 0);
	options.format = "{{.Name}}";
	CAPTURE(text, swarm_print_services(&state, NULL, &options, out));
	ck_assert_str_eq(text, "shop_api\n");
	free(text);
	filters_free(&filters);
	ck_assert_int_eq(filters_add(&filters, "colour=red", swarm_service_filter_keys), -1);
	swarm_state_free(&state);
}
END_TEST

Suite *swarm_cli_print_suite(void)
{
	Suite *s = suite_create("swarm_cli_print");
	TCase *tc = tcase_create("print");
	tcase_add_test(tc, node_ls_marks_the_node_asked_and_says_who_leads_and_who_is_unreachable);
	tcase_add_test(tc, service_ls_counts_running_replicas_of_those_wanted_and_shows_the_ingress_ports);
	tcase_add_test(tc, stack_services_lists_only_the_services_of_the_stack);
	tcase_add_test(tc, service_ps_shows_each_slots_newest_task_then_its_history);
	tcase_add_test(tc, a_failed_tasks_error_is_quoted_and_cut_unless_no_trunc);
	tcase_add_test(tc, service_inspect_has_dockers_shape);
	tcase_add_test(tc, node_inspect_has_dockers_shape);
	tcase_add_test(tc, a_reply_that_is_not_ok_is_an_error_with_its_message);
	tcase_add_test(tc, a_bad_format_is_an_error_not_a_table);
	tcase_add_test(tc, filters_keep_the_rows_docker_would_keep);
	suite_add_tcase(s, tc);
	return s;
}
