/*
 * test_swarm_executor_spec.c - a task as a container's spec (08-swarm/swarm-task-spec.c), the
 * labels that find it again, and the words for how its container ended
 * (08-swarm/swarm-executor-watch.c's swarm_watch_verdict).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "swarm-executor-watch.h"
#include "swarm-task-spec.h"

/* web: busybox httpd on port 80 (ingress 8080) and 9000 (mode=host on 9000). */
static void web_service(struct swarm_service_spec *s)
{
	swarm_service_spec_default(s, "web", "localhost:5000/shop/web:1");
	const char *command[] = { "httpd", "-f", "-p", "80" };
	for (size_t i = 0; i < 4; i++)
		ck_assert_int_eq(swarm_strings_add(&s->command, command[i]), 0);
	ck_assert_int_eq(swarm_strings_add(&s->env, "GREETING=hello"), 0);
	ck_assert_int_eq(swarm_strings_add(&s->labels, "com.docker.stack.namespace=shop"), 0);
	s->ports = calloc(2, sizeof(*s->ports));
	ck_assert_ptr_nonnull(s->ports);
	s->ports[0] = (struct swarm_port){ .published = 8080, .target = 80 };
	s->ports[1] = (struct swarm_port){ .published = 9000, .target = 9000, .host_mode = true };
	s->port_count = 2;
	s->limit_nano_cpus = 500000000;
	s->limit_memory_bytes = 64 << 20;
}

static struct swarm_task web_task(uint64_t id, uint32_t slot)
{
	return (struct swarm_task){ .id = id, .service = "web", .slot = slot, .node = "node-a",
				    .desired = SWARM_TASK_RUNNING, .observed = SWARM_TASK_ASSIGNED };
}

static bool has_label(const struct runtime_spec *r, const char *label)
{
	for (size_t i = 0; i < r->label_count; i++)
		if (strcmp(r->labels[i], label) == 0)
			return true;
	return false;
}

START_TEST(a_task_is_a_container_named_service_slot_task_with_the_services_settings)
{
	struct swarm_service_spec s;
	web_service(&s);
	struct swarm_task t = web_task(7, 2);
	static struct swarm_task_spec out;
	ck_assert_msg(swarm_task_spec(&t, &s, "node-a", &out) == 0, "%s", error_message());
	const struct runtime_spec *r = &out.spec.image.runtime;
	const struct container *c = &r->container;
	ck_assert_str_eq(c->name, "web.2.7");
	ck_assert_str_eq(out.spec.image.name, "localhost:5000/shop/web:1");
	ck_assert_str_eq(r->image, "localhost:5000/shop/web:1");
	ck_assert(r->detach);
	ck_assert_int_eq(r->restart.mode, RESTART_NO); /* the swarm restarts, not the runtime */
	ck_assert_int_eq(c->network, NETWORK_BRIDGE);
	ck_assert_ptr_null(c->network_name); /* the default bridge */
	ck_assert_str_eq(c->command[0], "httpd");
	ck_assert_str_eq(c->command[3], "80");
	ck_assert_ptr_null(c->command[4]);
	ck_assert_uint_eq(c->env_count, 1);
	ck_assert_str_eq(c->env[0], "GREETING=hello");
	ck_assert_int_eq(r->limits.nano_cpus, 500000000);
	ck_assert_int_eq(r->limits.memory, 64 << 20);
	swarm_task_spec_free(&out);
	swarm_service_spec_free(&s);
}
END_TEST

START_TEST(an_ingress_port_is_published_on_a_free_port_and_a_host_mode_port_on_its_own)
{
	struct swarm_service_spec s;
	web_service(&s);
	struct swarm_task t = web_task(7, 2);
	static struct swarm_task_spec out;
	ck_assert_int_eq(swarm_task_spec(&t, &s, "node-a", &out), 0);
	const struct container *c = &out.spec.image.runtime.container;
	ck_assert_uint_eq(c->port_count, 2);
	ck_assert_uint_eq(c->ports[0].container_port, 80);
	ck_assert_uint_eq(c->ports[0].host_port, 0); /* the kernel's pick, reported as the endpoint */
	ck_assert_uint_eq(c->ports[0].host_ip.s_addr, 0);
	ck_assert_uint_eq(c->ports[1].container_port, 9000);
	ck_assert_uint_eq(c->ports[1].host_port, 9000);
	swarm_task_spec_free(&out);
	swarm_service_spec_free(&s);
}
END_TEST

START_TEST(a_task_container_carries_the_swarms_labels_and_the_services_own)
{
	struct swarm_service_spec s;
	web_service(&s);
	/* a service label may not pass itself off as the swarm's */
	ck_assert_int_eq(swarm_strings_add(&s.labels, "com.docker.swarm.node.id=forged"), 0);
	struct swarm_task t = web_task(7, 2);
	static struct swarm_task_spec out;
	ck_assert_int_eq(swarm_task_spec(&t, &s, "node-a", &out), 0);
	const struct runtime_spec *r = &out.spec.image.runtime;
	ck_assert(has_label(r, "com.docker.stack.namespace=shop"));
	ck_assert(has_label(r, "com.docker.swarm.service.name=web"));
	ck_assert(has_label(r, "com.docker.swarm.task.id=7"));
	ck_assert(has_label(r, "com.docker.swarm.task.name=web.2.7"));
	ck_assert(has_label(r, "com.docker.swarm.node.id=node-a"));
	ck_assert(!has_label(r, "com.docker.swarm.node.id=forged"));
	ck_assert_uint_eq(r->label_count, 5);
	swarm_task_spec_free(&out);
	swarm_service_spec_free(&s);
}
END_TEST

START_TEST(a_service_without_a_command_runs_its_images_cmd)
{
	struct swarm_service_spec s;
	swarm_service_spec_default(&s, "db", "busybox");
	struct swarm_task t = { .id = 3, .service = "db", .slot = 1 };
	static struct swarm_task_spec out;
	ck_assert_int_eq(swarm_task_spec(&t, &s, "node-a", &out), 0);
	const struct container *c = &out.spec.image.runtime.container;
	ck_assert_ptr_eq(c->command, c->default_command); /* "not given": the image decides */
	ck_assert_uint_eq(c->port_count, 0);
	ck_assert_uint_eq(out.spec.image.runtime.limits.memory, 0);
	swarm_task_spec_free(&out);
	swarm_service_spec_free(&s);
}
END_TEST

START_TEST(a_global_services_task_is_named_after_its_node)
{
	struct swarm_task t = { .id = 12, .service = "agent", .slot = 0 };
	char name[CONTAINER_NAME_MAX + 1];
	ck_assert_int_eq(swarm_task_container_name(&t, "node-b", name, sizeof(name)), 0);
	ck_assert_str_eq(name, "agent.node-b.12");
	ck_assert_int_eq(swarm_task_container_name(&t, "node-b", name, 8), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "too long"));
}
END_TEST

START_TEST(a_udp_port_rejects_the_task_with_the_reason)
{
	struct swarm_service_spec s;
	swarm_service_spec_default(&s, "dns", "busybox");
	s.ports = calloc(1, sizeof(*s.ports));
	ck_assert_ptr_nonnull(s.ports);
	s.ports[0] = (struct swarm_port){ .published = 53, .target = 53, .udp = true };
	s.port_count = 1;
	struct swarm_task t = { .id = 1, .service = "dns", .slot = 1 };
	static struct swarm_task_spec out;
	ck_assert_int_eq(swarm_task_spec(&t, &s, "node-a", &out), -1);
	ck_assert_str_eq(error_message(), "port 53/udp cannot be published here: the port proxy carries TCP only");
	ck_assert_ptr_null(out.command);
	swarm_service_spec_free(&s);
}
END_TEST

START_TEST(the_labels_tell_a_task_of_this_node_from_anything_else)
{
	uint64_t task = 0;
	char *ours[] = { "com.docker.swarm.service.name=web", "com.docker.swarm.task.id=42",
			 "com.docker.swarm.node.id=node-a" };
	ck_assert_int_eq(swarm_task_of_labels(ours, 3, "node-a", &task), 1);
	ck_assert_uint_eq(task, 42);
	ck_assert_int_eq(swarm_task_of_labels(ours, 3, "node-b", &task), 0); /* another node's */
	char *no_task[] = { "com.docker.swarm.node.id=node-a" };
	ck_assert_int_eq(swarm_task_of_labels(no_task, 1, "node-a", &task), 0);
	char *bad_id[] = { "com.docker.swarm.task.id=4x", "com.docker.swarm.node.id=node-a" };
	ck_assert_int_eq(swarm_task_of_labels(bad_id, 2, "node-a", &task), 0);
	char *compose[] = { "com.docker.compose.project=shop" };
	ck_assert_int_eq(swarm_task_of_labels(compose, 1, "node-a", &task), 0);
}
END_TEST

START_TEST(an_ended_container_is_reported_in_dockers_words)
{
	enum swarm_task_state state;
	char message[SWARM_MESSAGE_MAX];
	swarm_watch_verdict("exited", false, 0, false, &state, message);
	ck_assert_int_eq(state, SWARM_TASK_COMPLETE);
	ck_assert_str_eq(message, "finished");
	swarm_watch_verdict("exited", false, 1, false, &state, message);
	ck_assert_int_eq(state, SWARM_TASK_FAILED);
	ck_assert_str_eq(message, "task: non-zero exit (1)");
	swarm_watch_verdict("exited", false, 137, true, &state, message);
	ck_assert_int_eq(state, SWARM_TASK_FAILED);
	ck_assert_str_eq(message, "task: non-zero exit (137): killed for using more than its memory limit");
	swarm_watch_verdict("running", false, 0, false, &state, message);
	ck_assert_int_eq(state, SWARM_TASK_FAILED);
	ck_assert_str_eq(message, "task: its monitor died and its exit was not recorded");
	swarm_watch_verdict("created", false, 0, false, &state, message);
	ck_assert_int_eq(state, SWARM_TASK_FAILED);
	ck_assert_str_eq(message, "task: its container never started");
}
END_TEST

Suite *swarm_executor_spec_suite(void)
{
	Suite *s = suite_create("08-swarm executor spec");
	TCase *t = tcase_create("task spec");
	tcase_add_test(t, a_task_is_a_container_named_service_slot_task_with_the_services_settings);
	tcase_add_test(t, an_ingress_port_is_published_on_a_free_port_and_a_host_mode_port_on_its_own);
	tcase_add_test(t, a_task_container_carries_the_swarms_labels_and_the_services_own);
	tcase_add_test(t, a_service_without_a_command_runs_its_images_cmd);
	tcase_add_test(t, a_global_services_task_is_named_after_its_node);
	tcase_add_test(t, a_udp_port_rejects_the_task_with_the_reason);
	tcase_add_test(t, the_labels_tell_a_task_of_this_node_from_anything_else);
	tcase_add_test(t, an_ended_container_is_reported_in_dockers_words);
	suite_add_tcase(s, t);
	return s;
}
