/*
 * test_swarm_names.c - "Inside the swarm, the service's name resolves for other services'
 * containers": on simulated machines (`swarm sim`, swarm-sim-fixture.h), a task of service web
 * on worker1 asks `wget http://api:80/` of service api, whose only task runs on manager1.
 *
 * What has to work for that: the leader's mesh table gives api a virtual IP; worker1's node puts
 * it on its bridge and hands the services' names to its executor, which writes "VIP api" into
 * the /etc/hosts of each of its running tasks (swarm_executor_name_services); the task's
 * connection to the VIP reaches worker1's mesh (the VIP is worker1's own address), which relays
 * it to api's task on manager1. The test runs wget in the task's container with
 * `tinydock --node worker1 exec`, as a user would, for a web task that was running before api
 * existed, for one started after, and again after `service rm api`.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "swarm-sim-fixture.h"

/* Seconds a name may take to reach a task's /etc/hosts: the next assignments after the store
 * changed (the dispatcher sends them at once, or within a heartbeat). */
#define NAME_DEADLINE_S 20

/* api's task answers "api" on port 80 (busybox httpd, in the foreground). */
static const char API_COMMAND[] = "mkdir -p /www && echo api > /www/index.html && exec httpd -f -p 80 -h /www";

/* tinydock --node machine ARGS..., its result (the test fails when it cannot run). */
static struct run_result on(const char *machine, int timeout, const char *arg, ...)
{
	const char *args[16];
	size_t n = 0;
	va_list ap;
	va_start(ap, arg);
	for (const char *a = arg; a && n < 15; a = va_arg(ap, const char *))
		args[n++] = a;
	va_end(ap);
	args[n] = NULL;
	return run_tinydock(NULL, timeout, "--node", machine, args[0], args[1], args[2], args[3], args[4], args[5],
			    args[6], args[7], args[8], args[9], args[10], args[11], args[12], args[13], args[14], NULL);
}

/* The ids of service's containers on machine (at most two, "" where there is none). */
static size_t containers_of(const char *machine, const char *service, char ids[2][65])
{
	char filter[128];
	snprintf(filter, sizeof(filter), "label=com.docker.swarm.service.name=%s", service);
	struct run_result r = on(machine, 20, "ps", "-q", "--no-trunc", "--filter", filter, NULL);
	ck_assert_msg(r.status == 0, "ps on %s: %s", machine, r.err);
	size_t count = 0;
	for (char *line = strtok(r.out, "\n"); line && count < 2; line = strtok(NULL, "\n"))
		snprintf(ids[count++], 65, "%s", line);
	run_free(&r);
	return count;
}

/* `wget -qO- http://api:80/` in container on machine: its output ("" when it failed), and what
 * it said on stderr in why. No -T: the busybox here dies of SIGSEGV with it; the run's own
 * timeout bounds the wait. */
static void fetch_api(const char *machine, const char *container, char *answer, size_t size, char *why, size_t why_size)
{
	struct run_result r = on(machine, 20, "exec", container, "wget", "-qO-", "http://api:80/", NULL);
	snprintf(answer, size, "%s", r.status == 0 ? r.out : "");
	snprintf(why, why_size, "exit %d: %s", r.status, r.err);
	run_free(&r);
}

/* Until the deadline: the answer of api seen from container, until it is expected. */
static bool api_answers_within(const char *machine, const char *container, const char *expected, double seconds,
			       char *last, size_t size)
{
	char answer[256];
	for (double deadline = swarm_sim_now() + seconds;;) {
		fetch_api(machine, container, answer, sizeof(answer), last, size);
		if (strcmp(answer, expected) == 0)
			return true;
		if (swarm_sim_now() > deadline)
			return false;
		usleep(200 * 1000);
	}
}

/* Until the deadline: container's /etc/hosts names api (or no longer does). */
static bool hosts_names_api_within(const char *machine, const char *container, bool named, double seconds,
				   char *hosts, size_t size)
{
	for (double deadline = swarm_sim_now() + seconds;;) {
		struct run_result r = on(machine, 20, "exec", container, "cat", "/etc/hosts", NULL);
		snprintf(hosts, size, "%s%s", r.out, r.err);
		bool has = r.status == 0 && strstr(r.out, "\tapi\n") != NULL;
		run_free(&r);
		if (has == named)
			return true;
		if (swarm_sim_now() > deadline)
			return false;
		usleep(200 * 1000);
	}
}

static void service_create(const char *arg, ...)
{
	const char *args[16];
	size_t n = 0;
	va_list ap;
	va_start(ap, arg);
	for (const char *a = arg; a && n < 15; a = va_arg(ap, const char *))
		args[n++] = a;
	va_end(ap);
	args[n] = NULL;
	struct run_result r = on("manager1", 90, "service", "create", args[0], args[1], args[2], args[3], args[4], args[5],
				 args[6], args[7], args[8], args[9], args[10], args[11], args[12], NULL);
	ck_assert_msg(r.status == 0, "service create %s %s: %s%s", args[0], args[1], r.out, r.err);
	run_free(&r);
}

START_TEST(a_services_name_resolves_in_the_tasks_of_another_service_on_another_machine)
{
	double start = swarm_sim_now();
	swarm_sim_up(1, 1);
	fprintf(stderr, "swarm sim up of 1 manager and 1 worker: %.2f s\n", swarm_sim_now() - start);

	/* web first, on worker1: its task runs before api exists. */
	service_create("--name", "web", "--constraint", "node.role==worker", "busybox", "sleep", "600", NULL);
	char web[2][65];
	ck_assert_int_eq(containers_of("worker1", "web", web), 1);

	/* api after, on manager1: the older task learns the new name. */
	start = swarm_sim_now();
	service_create("--name", "api", "--constraint", "node.role==manager", "-p", "8080:80", "busybox", "sh", "-c",
		       API_COMMAND, NULL);
	char last[1024], hosts[2048];
	ck_assert_msg(api_answers_within("worker1", web[0], "api\n", NAME_DEADLINE_S, last, sizeof(last)),
		      "web's task, started before api, does not reach http://api:80/ (%s)", last);
	fprintf(stderr, "service create api to its name answering in web's older task: %.2f s\n",
		swarm_sim_now() - start);

	/* A web task started now, with api there already, has the name too. */
	struct run_result r = on("manager1", 90, "service", "scale", "web=2", NULL);
	ck_assert_msg(r.status == 0, "service scale web=2: %s%s", r.out, r.err);
	run_free(&r);
	char both[2][65];
	ck_assert_int_eq(containers_of("worker1", "web", both), 2);
	const char *newer = strcmp(both[0], web[0]) != 0 ? both[0] : both[1];
	ck_assert_msg(api_answers_within("worker1", newer, "api\n", NAME_DEADLINE_S, last, sizeof(last)),
		      "web's task started after api does not reach http://api:80/ (%s)", last);

	/* api removed: its name leaves both tasks. */
	r = on("manager1", 60, "service", "rm", "api", NULL);
	ck_assert_msg(r.status == 0, "service rm api: %s%s", r.out, r.err);
	run_free(&r);
	for (int i = 0; i < 2; i++) {
		ck_assert_msg(hosts_names_api_within("worker1", both[i], false, NAME_DEADLINE_S, hosts, sizeof(hosts)),
			      "api is still named in web's task %.12s after service rm:\n%s", both[i], hosts);
		char answer[256];
		fetch_api("worker1", both[i], answer, sizeof(answer), last, sizeof(last));
		ck_assert_msg(answer[0] == '\0', "http://api:80/ still answers after service rm: %s", answer);
		ck_assert_msg(strstr(last, "bad address") || strstr(last, "api"), "wget failed for another reason: %s",
			      last);
	}
}
END_TEST

Suite *swarm_names_system_suite(void)
{
	Suite *s = suite_create("08-swarm names");
	TCase *t = tcase_create("service names on simulated machines");
	harness_use_stage(t, 8);
	harness_use_sandbox(t);
	swarm_sim_fixture_use(t);
	tcase_set_timeout(t, 240);
	tcase_add_test(t, a_services_name_resolves_in_the_tasks_of_another_service_on_another_machine);
	suite_add_tcase(s, t);
	return s;
}
