/*
 * test_swarm_cli.c - the swarm's commands against a real one-node swarm: `swarm init` starts
 * the node process (a daemon with Raft, the control socket and the executor) in the test's
 * sandbox, and `service`, `node` and `stack` talk to it as a user's commands would. The
 * tasks run as real containers of busybox (made from the host's on first use).
 *
 * The node listens on 127.0.0.1 at a free port. It is a daemon, not the test's child: the
 * teardown asks it to leave (`swarm leave --force` stops its tasks), then kills it by the pid
 * it wrote if it is still there, also when the test failed; the sandbox's teardown removes
 * whatever containers are left. Waits poll the swarm's state until a deadline.
 */
#include <check.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define DEADLINE_S 60

static pid_t node_pid = -1;

static long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

static size_t lines(const char *text)
{
	size_t count = 0;
	for (; *text; text++)
		count += *text == '\n';
	return count;
}

/* `tinydock swarm init` on a free loopback port; the node's pid kept for the teardown. */
static void init_swarm(void)
{
	char address[32];
	snprintf(address, sizeof address, "127.0.0.1:%d", harness_free_port());
	struct run_result r = run_tinydock(NULL, 40, "swarm", "init", "--advertise-addr", address, "--listen-addr", address,
					   NULL);
	ck_assert_msg(r.status == 0, "swarm init: %s%s", r.out, r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "Swarm initialized: current node ("));
	run_free(&r);
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/swarm/node.pid", sandbox.run);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%d", &node_pid), 1);
	fclose(f);
}

static void stop_swarm(void)
{
	if (node_pid <= 0)
		return;
	struct run_result r = run_tinydock(NULL, 30, "swarm", "leave", "--force", NULL);
	run_free(&r);
	long deadline = now_ms() + 10000;
	while (kill(node_pid, 0) == 0 && now_ms() < deadline)
		usleep(50000); /* the node exits once its tasks are stopped */
	if (kill(node_pid, 0) == 0)
		kill(node_pid, SIGKILL);
	node_pid = -1;
}

/* How often needle is in text. */
static size_t occurrences(const char *text, const char *needle)
{
	size_t count = 0;
	for (const char *at = strstr(text, needle); at; at = strstr(at + 1, needle))
		count++;
	return count;
}

/* Run tinydock with the args of ap until its stdout is exactly expected (times 0), or holds
 * expected times times; fail at the deadline with what it printed last. */
static void wait_for(const char *expected, size_t times, const char *arg, va_list ap)
{
	const char *args[16];
	size_t n = 0;
	for (const char *a = arg; a && n < 15; a = va_arg(ap, const char *))
		args[n++] = a;
	args[n] = NULL;
	long deadline = now_ms() + DEADLINE_S * 1000L;
	char last[4096] = "";
	for (;;) {
		struct run_result r = run_tinydock(NULL, 20, args[0], args[1], args[2], args[3], args[4], args[5], args[6],
						   args[7], NULL);
		bool done = r.status == 0 && (times ? occurrences(r.out, expected) == times : strcmp(r.out, expected) == 0);
		snprintf(last, sizeof last, "%s%s", r.out, r.err);
		run_free(&r);
		if (done)
			return;
		ck_assert_msg(now_ms() < deadline, "after %d s, `%s %s %s` printed:\n%s\nnot %s%s", DEADLINE_S, args[0],
			      args[1], args[2] ? args[2] : "", last, times ? "lines with " : "", expected);
		usleep(200000);
	}
}

static void wait_for_output(const char *expected, const char *arg, ...)
{
	va_list ap;
	va_start(ap, arg);
	wait_for(expected, 0, arg, ap);
	va_end(ap);
}

static void wait_for_lines_with(const char *needle, size_t times, const char *arg, ...)
{
	va_list ap;
	va_start(ap, arg);
	wait_for(needle, times, arg, ap);
	va_end(ap);
}

/* Each task's httpd serves a page that names its container. */
static const char PAGE_COMMAND[] =
	"mkdir -p /www && echo served-by-$(hostname) > /www/index.html && exec httpd -f -p 80 -h /www";

/* GET / on 127.0.0.1:port until a 200 answers (or the deadline): its body, in answer. */
static bool get_page(int port, char *answer, size_t size)
{
	long deadline = now_ms() + 10000;
	while (now_ms() < deadline) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		ck_assert_int_ge(fd, 0);
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
					 .sin_port = htons((uint16_t)port) };
		struct timeval timeout = { .tv_sec = 2 };
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
		size_t used = 0;
		static const char request[] = "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n";
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
		    write(fd, request, sizeof(request) - 1) == (ssize_t)(sizeof(request) - 1)) {
			ssize_t n;
			while (used < size - 1 && (n = read(fd, answer + used, size - 1 - used)) > 0)
				used += (size_t)n;
		}
		close(fd);
		answer[used] = '\0';
		const char *body = strstr(answer, "\r\n\r\n");
		if (strncmp(answer, "HTTP/1.", 7) == 0 && strstr(answer, " 200 ") && body) {
			memmove(answer, body + 4, strlen(body + 4) + 1);
			return true;
		}
		usleep(50000);
	}
	return false;
}

START_TEST(a_service_is_created_listed_scaled_updated_rolled_back_and_removed_through_the_node)
{
	init_swarm();
	struct run_result r = run_tinydock(NULL, 20, "node", "ls", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_msg(strstr(r.out, " *   ") && strstr(r.out, "Ready     Active         Leader\n"), "%s", r.out);
	run_free(&r);
	int port = harness_free_port();
	char publish[32];
	snprintf(publish, sizeof publish, "%d:80", port);
	/* without -d, create waits for the tasks, as Docker's does */
	r = run_tinydock(NULL, DEADLINE_S + 10, "service", "create", "--name", "web", "--replicas", "2", "-p", publish,
			 "busybox", "sh", "-c", PAGE_COMMAND, NULL);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	ck_assert_msg(strlen(r.out) > 26 && r.out[25] == '\n', "the ID first: %s", r.out);
	ck_assert_ptr_nonnull(strstr(r.out, "overall progress: 2 out of 2 tasks\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "verify: Service web converged\n"));
	run_free(&r);
	char ls[128];
	snprintf(ls, sizeof ls, "web|replicated|2/2|busybox|*:%d->80/tcp\n", port);
	wait_for_output(ls, "service", "ls", "--format", "{{.Name}}|{{.Mode}}|{{.Replicas}}|{{.Image}}|{{.Ports}}", NULL);
	/* each task is on this node, running, with its port published on it */
	r = run_tinydock(NULL, 20, "service", "ps", "--format", "{{.Name}} {{.Node}} {{.DesiredState}} {{.Ports}}", "web",
			 NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_uint_eq(lines(r.out), 2);
	ck_assert_ptr_nonnull(strstr(r.out, "web.1 "));
	ck_assert_ptr_nonnull(strstr(r.out, "web.2 "));
	ck_assert_ptr_nonnull(strstr(r.out, " Running *:"));
	run_free(&r);
	/* the published port answers on the node, from both tasks in turn (the routing mesh) */
	char first[256], second[256];
	ck_assert_msg(get_page(port, first, sizeof first), "nothing answered on port %d", port);
	ck_assert_msg(get_page(port, second, sizeof second), "nothing answered on port %d", port);
	ck_assert_msg(strncmp(first, "served-by-", 10) == 0 && strcmp(first, second) != 0, "%s then %s", first, second);
	/* scale */
	r = run_tinydock(NULL, DEADLINE_S + 10, "service", "scale", "web=3", NULL);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "web scaled to 3\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "verify: Service web converged\n"));
	run_free(&r);
	wait_for_output("3\n", "service", "inspect", "-f", "{{.Spec.Mode.Replicated.Replicas}}", "web", NULL);
	/* a rolling update replaces every task; the old ones are the slots' history */
	r = run_tinydock(NULL, DEADLINE_S + 10, "service", "update", "--env-add", "COLOUR=blue", "web", NULL);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	run_free(&r);
	r = run_tinydock(NULL, 20, "service", "ps", "--format", "{{.Name}}|{{.DesiredState}}", "web", NULL);
	ck_assert_ptr_nonnull(strstr(r.out, "web.1|Running\n \\_ web.1|Shutdown\n"));
	run_free(&r);
	wait_for_output("web.1\nweb.2\nweb.3\n", "service", "ps", "--filter", "desired-state=running", "--format",
			"{{.Name}}", "web", NULL);
	wait_for_output("[\"COLOUR=blue\"]\n", "service", "inspect", "-f",
			"{{json (index .Spec.TaskTemplate.ContainerSpec \"Env\")}}", "web", NULL);
	r = run_tinydock(NULL, DEADLINE_S + 10, "service", "rollback", "web", NULL);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	run_free(&r);
	wait_for_output("null\n", "service", "inspect", "-f", "{{json (index .Spec.TaskTemplate.ContainerSpec \"Env\")}}", "web",
			NULL); /* the env added is gone */
	/* rm: the service goes, and its containers with it */
	r = run_tinydock(NULL, 20, "service", "rm", "web", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "web\n");
	run_free(&r);
	wait_for_output("", "service", "ls", "-q", NULL);
	wait_for_output("", "ps", "-aq", "--filter", "label=com.docker.swarm.service.name=web", NULL);
}
END_TEST

START_TEST(a_compose_file_is_deployed_as_a_stack_and_removed_with_it)
{
	init_swarm();
	char file[PATH_MAX];
	snprintf(file, sizeof file, "%s/stack.yml", sandbox.dir);
	FILE *f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fputs("services:\n"
	      "  web:\n"
	      "    image: busybox\n"
	      "    command: [\"httpd\", \"-f\", \"-p\", \"80\"]\n"
	      "    build: ./web\n"
	      "    deploy:\n"
	      "      replicas: 2\n"
	      "      labels: [\"tier=front\"]\n"
	      "      resources: {limits: {memory: 64M}}\n"
	      "  worker:\n"
	      "    image: busybox\n"
	      "    command: sleep 1000\n",
	      f);
	fclose(f);
	struct run_result r = run_tinydock(NULL, 40, "stack", "deploy", "-c", file, "shop", NULL);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	ck_assert_str_eq(r.out, "Creating service shop_web\nCreating service shop_worker\n");
	ck_assert_str_eq(r.err, "Ignoring unsupported options: build\n\n");
	run_free(&r);
	wait_for_output("shop_web 2/2\nshop_worker 1/1\n", "stack", "services", "--format", "{{.Name}} {{.Replicas}}", "shop",
			NULL);
	wait_for_output("NAME      SERVICES\nshop      2\n", "stack", "ls", NULL);
	r = run_tinydock(NULL, 20, "stack", "ps", "--format", "{{.Name}} {{.CurrentState}}", "shop", NULL);
	ck_assert_uint_eq(lines(r.out), 3);
	ck_assert_ptr_nonnull(strstr(r.out, "shop_web.2 Running "));
	run_free(&r);
	wait_for_output("67108864 tier=front\n", "service", "inspect", "-f",
			"{{.Spec.TaskTemplate.Resources.Limits.MemoryBytes}} tier={{index .Spec.Labels \"tier\"}}", "shop_web",
			NULL);
	/* deployed again: the same services, updated in place */
	r = run_tinydock(NULL, 40, "stack", "deploy", "-c", file, "shop", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "Updating service shop_web (id: "));
	run_free(&r);
	r = run_tinydock(NULL, 40, "stack", "rm", "shop", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "Removing service shop_web\nRemoving service shop_worker\n");
	run_free(&r);
	wait_for_output("NAME      SERVICES\n", "stack", "ls", NULL);
	wait_for_output("", "ps", "-aq", "--filter", "label=com.docker.stack.namespace=shop", NULL);
}
END_TEST

START_TEST(a_drained_node_runs_no_task_and_an_active_one_runs_them_again)
{
	init_swarm();
	struct run_result r = run_tinydock(NULL, DEADLINE_S + 10, "service", "create", "--name", "web", "--replicas", "2",
					   "busybox", "sleep", "1000", NULL);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	run_free(&r);
	r = run_tinydock(NULL, 20, "node", "update", "--availability", "drain", "self", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	wait_for_output("Drain\n", "node", "ls", "--format", "{{.Availability}}", NULL);
	/* the only node is drained: the tasks stop, and the new ones wait for a node */
	wait_for_output("0/2\n", "service", "ls", "--format", "{{.Replicas}}", NULL);
	wait_for_output("", "ps", "-q", "--filter", "label=com.docker.swarm.service.name=web", NULL);
	r = run_tinydock(NULL, 20, "node", "update", "--availability", "active", "self", NULL);
	ck_assert_int_eq(r.status, 0);
	run_free(&r);
	wait_for_output("2/2\n", "service", "ls", "--format", "{{.Replicas}}", NULL);
}
END_TEST

START_TEST(service_logs_shows_each_tasks_output_under_its_name)
{
	init_swarm();
	struct run_result r = run_tinydock(NULL, DEADLINE_S + 10, "service", "create", "-q", "--name", "talk", "--replicas",
					   "2", "busybox", "sh", "-c", "echo hello from $(hostname); echo bye; exec sleep 1000",
					   NULL);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	run_free(&r);
	wait_for_lines_with("    | hello from ", 2, "service", "logs", "talk", NULL);
	wait_for_lines_with("    | bye\n", 2, "service", "logs", "--tail", "1", "talk", NULL);
	r = run_tinydock(NULL, 20, "service", "logs", "--tail", "1", "talk", NULL);
	ck_assert_msg(strncmp(r.out, "talk.1.", 7) == 0 && strstr(r.out, "\ntalk.2."), "%s", r.out);
	ck_assert_uint_eq(lines(r.out), 2);
	run_free(&r);
}
END_TEST

Suite *swarm_cli_suite(void)
{
	Suite *s = suite_create("08-swarm cli");
	TCase *t = tcase_create("cli");
	harness_use_stage(t, 8);
	harness_use_sandbox(t);
	tcase_add_checked_fixture(t, NULL, stop_swarm);
	tcase_set_timeout(t, 300);
	tcase_add_test(t, a_service_is_created_listed_scaled_updated_rolled_back_and_removed_through_the_node);
	tcase_add_test(t, a_compose_file_is_deployed_as_a_stack_and_removed_with_it);
	tcase_add_test(t, a_drained_node_runs_no_task_and_an_active_one_runs_them_again);
	tcase_add_test(t, service_logs_shows_each_tasks_output_under_its_name);
	suite_add_tcase(s, t);
	return s;
}
