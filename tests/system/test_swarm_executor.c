/*
 * test_swarm_executor.c - a worker's tasks as real containers (08-swarm/swarm-executor.c),
 * driven directly: the test hands the executor assignments it made by hand, as the node's
 * loop would after a dispatcher's message, and polls it as the node's loop does, with
 * poll(2) on its file descriptors and a deadline. No node process, no Raft: the executor
 * alone, against the real runtime, image store and registry.
 *
 * The service is busybox's httpd serving a page that names its container's hostname, with
 * port 80 published (ingress: each task on a free port of the node, its endpoint). The
 * registry is chapter 05's `tinydock registry serve` in the foreground, a child of the test
 * that dies with it (PR_SET_PDEATHSIG) and is killed by its pid at the end; an image pushed
 * there from another state root (another machine, as far as the store can tell) is what a
 * task pulls. The sandbox's teardown removes whatever containers a failed test left.
 *
 * Timings (sync to RUNNING, with and without a pull; a kill to its report) are printed on
 * stdout, for the lesson and the lead's report.
 */
#include <check.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "container-store.h"
#include "error.h"
#include "harness.h"
#include "http-client.h"
#include "image-store.h"
#include "swarm-executor.h"

#define NODE "node-a"
#define DEADLINE_MS 60000

static const char PAGE_COMMAND[] =
	"mkdir -p /www && echo served-by-$(hostname) > /www/index.html && exec httpd -f -p 80 -h /www";

static uint64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* --- a service, its tasks, their assignments ----------------------------------------------- */

struct fixture {
	struct swarm_service_spec service;
	struct swarm_task tasks[4];
	struct swarm_assignment assignments[4];
	size_t count;
};

static void web_service(struct fixture *f, const char *image)
{
	memset(f, 0, sizeof(*f));
	swarm_service_spec_default(&f->service, "web", image);
	const char *command[] = { "sh", "-c", PAGE_COMMAND };
	for (size_t i = 0; i < 3; i++)
		ck_assert_int_eq(swarm_strings_add(&f->service.command, command[i]), 0);
	f->service.ports = calloc(1, sizeof(*f->service.ports));
	ck_assert_ptr_nonnull(f->service.ports);
	f->service.ports[0] = (struct swarm_port){ .published = 8080, .target = 80 };
	f->service.port_count = 1;
}

/* Tasks 1..count of web, in slots 1..count, assigned to this node and desired RUNNING. */
static void assign_tasks(struct fixture *f, size_t count)
{
	f->count = count;
	for (size_t i = 0; i < count; i++) {
		f->tasks[i] = (struct swarm_task){ .id = i + 1, .service = "web", .slot = (uint32_t)(i + 1),
						   .node = NODE, .desired = SWARM_TASK_RUNNING,
						   .observed = SWARM_TASK_ASSIGNED };
		f->assignments[i] = (struct swarm_assignment){ .task = i + 1, .record = &f->tasks[i],
							       .spec = &f->service, .desired = SWARM_TASK_RUNNING };
	}
}

/* --- the node's loop, by hand -------------------------------------------------------------- */

struct seen {
	struct swarm_task_report items[256];
	size_t count;
	uint64_t at[256]; /* when each arrived (now_ms) */
};

static const struct swarm_task_report *find_report(const struct seen *seen, uint64_t task, enum swarm_task_state state)
{
	for (size_t i = 0; i < seen->count; i++)
		if (seen->items[i].task == task && seen->items[i].state == state)
			return &seen->items[i];
	return NULL;
}

static void take_reports(struct swarm_executor *ex, struct seen *seen)
{
	struct swarm_task_report *reports;
	size_t count;
	ck_assert_msg(swarm_executor_poll(ex, now_ms(), &reports, &count) == 0, "%s", error_message());
	for (size_t i = 0; i < count; i++) {
		ck_assert_uint_lt(seen->count, sizeof(seen->items) / sizeof(seen->items[0]));
		seen->at[seen->count] = now_ms();
		seen->items[seen->count++] = reports[i];
	}
	free(reports);
}

/* Poll the executor as a node does until task reports state (true), or the deadline. */
static bool wait_for_report(struct swarm_executor *ex, struct seen *seen, uint64_t task, enum swarm_task_state state)
{
	uint64_t deadline = now_ms() + DEADLINE_MS;
	for (;;) {
		take_reports(ex, seen);
		if (find_report(seen, task, state))
			return true;
		uint64_t now = now_ms();
		if (now >= deadline)
			return false;
		struct pollfd fds[64];
		size_t n = swarm_executor_pollfds(ex, fds, 64);
		ck_assert_uint_le(n, 64);
		/* no fd to wait on: the executor has nothing under way, a short nap and look again */
		int rc = poll(fds, n, n ? (int)(deadline - now) : 10);
		ck_assert_msg(rc >= 0 || errno == EINTR, "poll: %s", strerror(errno));
	}
}

/* What the executor said about task, for a failure message. */
static const char *history(const struct seen *seen, uint64_t task)
{
	static char text[4096];
	size_t used = 0;
	text[0] = '\0';
	for (size_t i = 0; i < seen->count && used < sizeof(text) - 200; i++)
		if (seen->items[i].task == task)
			used += (size_t)snprintf(text + used, sizeof(text) - used, "%s (%s); ",
						 swarm_task_state_name(seen->items[i].state), seen->items[i].message);
	return text;
}

#define CHECK_REPORT(ex, seen, task, state)                                                                  \
	ck_assert_msg(wait_for_report((ex), (seen), (task), (state)), "task %d never %s: %s", (int)(task),     \
		      swarm_task_state_name(state), history((seen), (task)))

/* --- what a client sees -------------------------------------------------------------------- */

/* GET / on 127.0.0.1:port until it answers 200 (httpd may still be starting), bounded; the
 * body (static), or NULL. */
static const char *get_page(unsigned port)
{
	static char answer[4096];
	uint64_t deadline = now_ms() + 10000;
	while (now_ms() < deadline) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		ck_assert_int_ge(fd, 0);
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
					 .sin_port = htons((uint16_t)port) };
		struct timeval timeout = { .tv_sec = 2 };
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
		size_t used = 0;
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
			static const char request[] = "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n";
			if (write(fd, request, sizeof(request) - 1) == (ssize_t)(sizeof(request) - 1)) {
				ssize_t n;
				while ((n = read(fd, answer + used, sizeof(answer) - 1 - used)) > 0)
					used += (size_t)n;
			}
		}
		close(fd);
		answer[used] = '\0';
		if (strncmp(answer, "HTTP/1.", 7) == 0 && strstr(answer, " 200 "))
			return strstr(answer, "\r\n\r\n") ? strstr(answer, "\r\n\r\n") + 4 : answer;
		usleep(20000);
	}
	return NULL;
}

/* How many file descriptors this process has open: the executor's pipes and pidfds must all
 * be closed again once their child or container is done with. */
static size_t open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	ck_assert_ptr_nonnull(d);
	size_t count = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		count += e->d_name[0] != '.';
	closedir(d);
	return count; /* the same every time: opendir's own fd is counted in each */
}

static bool container_exists(const char *name)
{
	char id[CONTAINER_ID_LENGTH + 1];
	bool found = container_resolve(name, id) == 0;
	error_clear();
	return found;
}

static size_t container_count(void)
{
	char **ids;
	size_t count;
	ck_assert_int_eq(container_list(&ids, &count), 0);
	container_list_free(ids, count);
	return count;
}

/* Poll the executor as a node does until it has no child at work (its removals done) and
 * container name is gone, bounded; whether that came. */
static bool wait_until_removed(struct swarm_executor *ex, struct seen *seen, const char *name, size_t watched)
{
	for (uint64_t deadline = now_ms() + DEADLINE_MS; now_ms() < deadline;) {
		take_reports(ex, seen);
		if (!container_exists(name) && swarm_executor_pollfds(ex, NULL, 0) == watched)
			return true;
		struct pollfd fds[16];
		size_t n = swarm_executor_pollfds(ex, fds, 16);
		poll(fds, n, 10); /* a monitor still watched stays quiet: look again shortly */
	}
	return false;
}

/* --- tests ----------------------------------------------------------------------------------- */

START_TEST(three_tasks_start_report_running_with_endpoints_and_answer_http_on_them)
{
	struct fixture f;
	web_service(&f, "busybox");
	f.service.limit_memory_bytes = 64 << 20;
	f.service.limit_nano_cpus = 500000000;
	ck_assert_int_eq(swarm_strings_add(&f.service.labels, "com.docker.stack.namespace=shop"), 0);
	assign_tasks(&f, 3);
	struct swarm_executor *ex;
	ck_assert_msg(swarm_executor_open(NODE, "127.0.0.1", &ex) == 0, "%s", error_message());
	static struct seen seen;
	uint64_t began = now_ms();
	ck_assert_msg(swarm_executor_sync(ex, f.assignments, f.count) == 0, "%s", error_message());
	unsigned ports[3];
	for (uint64_t task = 1; task <= 3; task++) {
		CHECK_REPORT(ex, &seen, task, SWARM_TASK_RUNNING);
		/* each step once, in Docker's order */
		enum swarm_task_state order[] = { SWARM_TASK_ACCEPTED, SWARM_TASK_PREPARING, SWARM_TASK_STARTING,
						  SWARM_TASK_RUNNING };
		size_t next = 0;
		for (size_t i = 0; i < seen.count; i++)
			if (seen.items[i].task == task) {
				ck_assert_msg(next < 4 && seen.items[i].state == order[next], "task %d: %s", (int)task,
					      history(&seen, task));
				next++;
			}
		const struct swarm_task_report *running = find_report(&seen, task, SWARM_TASK_RUNNING);
		ck_assert_str_eq(running->message, "started");
		ck_assert_uint_eq(running->endpoint_count, 1);
		ck_assert_uint_eq(running->endpoints[0].target, 80);
		ck_assert_uint_ne(running->endpoints[0].published, 0);
		ck_assert(!running->endpoints[0].udp);
		ports[task - 1] = running->endpoints[0].published;
	}
	printf("swarm executor: 3 tasks of busybox (made from the host's on first use), sync to the last RUNNING: %" PRIu64 " ms\n",
	       seen.at[seen.count - 1] - began);
	ck_assert_uint_ne(ports[0], ports[1]);
	ck_assert_uint_ne(ports[1], ports[2]);
	ck_assert_uint_ne(ports[0], ports[2]);
	for (size_t i = 0; i < 3; i++) {
		const char *page = get_page(ports[i]);
		ck_assert_msg(page && strncmp(page, "served-by-", 10) == 0, "port %u answered: %s", ports[i],
			      page ? page : "(nothing)");
	}
	ck_assert(container_exists("web.1.1"));
	ck_assert(container_exists("web.2.2"));
	ck_assert(container_exists("web.3.3"));
	/* the record says what `docker inspect` of a task's container says */
	char id[CONTAINER_ID_LENGTH + 1];
	struct container_record r;
	ck_assert_int_eq(container_resolve("web.2.2", id), 0);
	ck_assert_int_eq(container_record_load(id, &r), 0);
	ck_assert_int_eq(r.limits.memory, 64 << 20);
	ck_assert_int_eq(r.limits.nano_cpus, 500000000);
	ck_assert_int_eq(r.restart.mode, RESTART_NO);
	ck_assert_str_eq(r.image, "busybox");
	const char *labels[] = { "com.docker.stack.namespace=shop", "com.docker.swarm.service.name=web",
				 "com.docker.swarm.task.id=2", "com.docker.swarm.task.name=web.2.2",
				 "com.docker.swarm.node.id=" NODE };
	for (size_t i = 0; i < 5; i++) {
		bool found = false;
		for (size_t j = 0; j < r.labels.count; j++)
			found = found || strcmp(r.labels.items[j], labels[i]) == 0;
		ck_assert_msg(found, "no label %s", labels[i]);
	}
	container_record_free(&r);
	/* the same set again changes nothing: no second start */
	size_t before = seen.count;
	ck_assert_int_eq(swarm_executor_sync(ex, f.assignments, f.count), 0);
	take_reports(ex, &seen);
	ck_assert_uint_eq(seen.count, before);
	ck_assert_uint_eq(container_count(), 3);
	/* one more, its image here now: the time from an assignment to RUNNING */
	assign_tasks(&f, 4);
	began = now_ms();
	ck_assert_int_eq(swarm_executor_sync(ex, f.assignments, f.count), 0);
	CHECK_REPORT(ex, &seen, 4, SWARM_TASK_RUNNING);
	printf("swarm executor: 1 task of an image in the store, sync to RUNNING: %" PRIu64 " ms\n", now_ms() - began);
	ck_assert_uint_eq(container_count(), 4);
	ck_assert_msg(swarm_executor_stop_all(ex) == 0, "%s", error_message());
	ck_assert_uint_eq(container_count(), 0);
	swarm_executor_close(ex);
	swarm_service_spec_free(&f.service);
}
END_TEST

START_TEST(a_task_desired_shutdown_is_stopped_removed_and_reported_and_an_unassigned_one_removed)
{
	struct fixture f;
	web_service(&f, "busybox");
	assign_tasks(&f, 2);
	size_t fds_before = open_fds();
	struct swarm_executor *ex;
	ck_assert_msg(swarm_executor_open(NODE, "127.0.0.1", &ex) == 0, "%s", error_message());
	static struct seen seen;
	ck_assert_int_eq(swarm_executor_sync(ex, f.assignments, f.count), 0);
	CHECK_REPORT(ex, &seen, 1, SWARM_TASK_RUNNING);
	unsigned port = find_report(&seen, 1, SWARM_TASK_RUNNING)->endpoints[0].published;

	/* the swarm wants task 1 shut down (a scale down) as soon as it runs, its start child
	 * maybe not even gone yet: stopped, removed, SHUTDOWN */
	f.tasks[0].observed = SWARM_TASK_RUNNING;
	f.tasks[0].desired = f.assignments[0].desired = SWARM_TASK_SHUTDOWN;
	uint64_t asked = now_ms();
	ck_assert_int_eq(swarm_executor_sync(ex, f.assignments, f.count), 0);
	CHECK_REPORT(ex, &seen, 1, SWARM_TASK_SHUTDOWN);
	printf("swarm executor: desired SHUTDOWN to stopped and removed: %" PRIu64 " ms\n", now_ms() - asked);
	ck_assert_str_eq(find_report(&seen, 1, SWARM_TASK_SHUTDOWN)->message, "shutdown");
	ck_assert(!container_exists("web.1.1"));
	CHECK_REPORT(ex, &seen, 2, SWARM_TASK_RUNNING);
	ck_assert(container_exists("web.2.2"));
	ck_assert_ptr_nonnull(get_page(find_report(&seen, 2, SWARM_TASK_RUNNING)->endpoints[0].published));
	/* task 1's published port is closed with it */
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
				 .sin_port = htons((uint16_t)port) };
	ck_assert_msg(connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0, "port %u still open", port);
	close(fd);

	/* then neither task is assigned any more: task 2's container goes too, and nothing is said */
	size_t before = seen.count;
	ck_assert_int_eq(swarm_executor_sync(ex, NULL, 0), 0);
	ck_assert_msg(wait_until_removed(ex, &seen, "web.2.2", 0), "web.2.2 is still there");
	take_reports(ex, &seen);
	ck_assert_msg(seen.count == before, "said after the removal: %s", history(&seen, 2));
	ck_assert_uint_eq(swarm_executor_pollfds(ex, NULL, 0), 0); /* nothing left to watch */
	swarm_executor_close(ex);
	ck_assert_uint_eq(open_fds(), fds_before);
	swarm_service_spec_free(&f.service);
}
END_TEST

START_TEST(a_task_whose_container_is_killed_is_reported_failed_with_its_exit_code)
{
	struct fixture f;
	web_service(&f, "busybox");
	assign_tasks(&f, 1);
	struct swarm_executor *ex;
	ck_assert_msg(swarm_executor_open(NODE, "127.0.0.1", &ex) == 0, "%s", error_message());
	static struct seen seen;
	ck_assert_int_eq(swarm_executor_sync(ex, f.assignments, f.count), 0);
	CHECK_REPORT(ex, &seen, 1, SWARM_TASK_RUNNING);
	struct run_result r = run_tinydock(NULL, 20, "kill", "web.1.1", NULL);
	ck_assert_msg(r.status == 0, "kill: %s", r.err);
	run_free(&r);
	uint64_t killed = now_ms();
	CHECK_REPORT(ex, &seen, 1, SWARM_TASK_FAILED);
	printf("swarm executor: container killed to FAILED reported: %" PRIu64 " ms\n", now_ms() - killed);
	ck_assert_str_eq(find_report(&seen, 1, SWARM_TASK_FAILED)->message, "task: non-zero exit (137)");
	/* its container is kept (for its logs) while the swarm still lists the task here, then
	 * removed once the swarm lets go of it */
	ck_assert(container_exists("web.1.1"));
	ck_assert_int_eq(swarm_executor_sync(ex, NULL, 0), 0);
	ck_assert_msg(wait_until_removed(ex, &seen, "web.1.1", 0), "web.1.1 is still there");
	swarm_executor_close(ex);
	swarm_service_spec_free(&f.service);
}
END_TEST

/* The container's /etc/hosts as its processes read it (the test fails if exec does). */
static char *hosts_seen_in(const char *container)
{
	struct run_result r = run_tinydock(NULL, 20, "exec", container, "cat", "/etc/hosts", NULL);
	ck_assert_msg(r.status == 0, "exec cat /etc/hosts: %s", r.err);
	char *hosts = strdup(r.out);
	run_free(&r);
	return hosts;
}

START_TEST(the_services_names_reach_a_task_once_it_runs_and_follow_each_change_while_it_runs)
{
	struct fixture f;
	web_service(&f, "busybox");
	assign_tasks(&f, 1);
	struct swarm_executor *ex;
	ck_assert_msg(swarm_executor_open(NODE, "127.0.0.1", &ex) == 0, "%s", error_message());
	static struct seen seen;
	/* names known before the task starts: written in the poll that hears it runs */
	ck_assert_int_eq(swarm_executor_name_services(ex, "198.18.0.7\tapi\n"), 0);
	ck_assert_int_eq(swarm_executor_sync(ex, f.assignments, f.count), 0);
	CHECK_REPORT(ex, &seen, 1, SWARM_TASK_RUNNING);
	char *hosts = hosts_seen_in("web.1.1");
	ck_assert_msg(strstr(hosts, "198.18.0.7\tapi\n"), "api is not named in the task once it runs:\n%s", hosts);
	free(hosts);
	/* a service created, one removed, while the task runs */
	ck_assert_int_eq(swarm_executor_name_services(ex, "198.18.0.9\tdb\n"), 0);
	hosts = hosts_seen_in("web.1.1");
	ck_assert_msg(strstr(hosts, "198.18.0.9\tdb\n") && !strstr(hosts, "\tapi\n"), "the names did not follow:\n%s",
		      hosts);
	free(hosts);
	/* the last service gone: no line names a service, the task's own lines stay */
	ck_assert_int_eq(swarm_executor_name_services(ex, ""), 0);
	hosts = hosts_seen_in("web.1.1");
	ck_assert_msg(!strstr(hosts, "198.18.") && strstr(hosts, "localhost"), "after the last service:\n%s", hosts);
	free(hosts);
	ck_assert_int_eq(swarm_executor_sync(ex, NULL, 0), 0);
	ck_assert_msg(wait_until_removed(ex, &seen, "web.1.1", 0), "web.1.1 is still there");
	swarm_executor_close(ex);
	swarm_service_spec_free(&f.service);
}
END_TEST

START_TEST(a_task_whose_command_exits_by_itself_is_complete_or_failed_as_its_exit_code_says_and_keeps_its_logs)
{
	struct fixture f;
	web_service(&f, "busybox");
	swarm_strings_free(&f.service.command);
	const char *command[] = { "sh", "-c", "echo exiting with $CODE; exit $CODE" };
	for (size_t i = 0; i < 3; i++)
		ck_assert_int_eq(swarm_strings_add(&f.service.command, command[i]), 0);
	ck_assert_int_eq(swarm_strings_add(&f.service.env, "CODE=0"), 0);
	assign_tasks(&f, 1);
	struct swarm_executor *ex;
	ck_assert_msg(swarm_executor_open(NODE, "127.0.0.1", &ex) == 0, "%s", error_message());
	static struct seen seen;
	ck_assert_int_eq(swarm_executor_sync(ex, f.assignments, f.count), 0);
	CHECK_REPORT(ex, &seen, 1, SWARM_TASK_COMPLETE);
	ck_assert_str_eq(find_report(&seen, 1, SWARM_TASK_COMPLETE)->message, "finished");
	free(f.service.env.items[0]);
	ck_assert_ptr_nonnull(f.service.env.items[0] = strdup("CODE=3"));
	f.tasks[1] = f.tasks[0];
	f.tasks[1].id = 2;
	f.assignments[1] = f.assignments[0];
	f.assignments[1].task = 2;
	f.assignments[1].record = &f.tasks[1];
	ck_assert_int_eq(swarm_executor_sync(ex, f.assignments, 2), 0);
	CHECK_REPORT(ex, &seen, 2, SWARM_TASK_FAILED);
	ck_assert_str_eq(find_report(&seen, 2, SWARM_TASK_FAILED)->message, "task: non-zero exit (3)");
	/* what it said, for `service logs`: its container is kept while the task is assigned */
	struct swarm_strings lines = { 0 };
	ck_assert_msg(swarm_executor_logs(ex, 2, -1, &lines) == 0, "%s", error_message());
	ck_assert_uint_eq(lines.count, 1);
	ck_assert_str_eq(lines.items[0], "exiting with 3");
	swarm_strings_free(&lines);
	ck_assert_int_eq(swarm_executor_logs(ex, 99, -1, &lines), -1);
	ck_assert_str_eq(error_message(), "task 99 has no container on node " NODE ": No such file or directory");
	ck_assert_int_eq(swarm_executor_stop_all(ex), 0);
	ck_assert_uint_eq(container_count(), 0);
	swarm_executor_close(ex);
	swarm_service_spec_free(&f.service);
}
END_TEST

START_TEST(a_task_for_an_image_neither_here_nor_pullable_is_rejected_with_no_such_image)
{
	/* one on Docker Hub (not reachable here), one on a registry port nobody listens on */
	char unreachable[128];
	snprintf(unreachable, sizeof(unreachable), "127.0.0.1:%d/nosuch/web:1", harness_free_port());
	const char *images[] = { "nosuch-image", unreachable };
	const char *said[] = { "No such image: nosuch-image:latest", NULL };
	char expected[200];
	snprintf(expected, sizeof(expected), "No such image: %s", unreachable);
	said[1] = expected;
	for (size_t i = 0; i < 2; i++) {
		struct fixture f;
		web_service(&f, images[i]);
		assign_tasks(&f, 1);
		f.tasks[0].id = f.assignments[0].task = 10 + i;
		struct swarm_executor *ex;
		ck_assert_msg(swarm_executor_open(NODE, "127.0.0.1", &ex) == 0, "%s", error_message());
		static struct seen seen;
		ck_assert_int_eq(swarm_executor_sync(ex, f.assignments, f.count), 0);
		CHECK_REPORT(ex, &seen, 10 + i, SWARM_TASK_REJECTED);
		ck_assert_str_eq(find_report(&seen, 10 + i, SWARM_TASK_REJECTED)->message, said[i]);
		ck_assert_ptr_null(find_report(&seen, 10 + i, SWARM_TASK_STARTING));
		ck_assert_uint_eq(container_count(), 0);
		swarm_executor_close(ex);
		swarm_service_spec_free(&f.service);
	}
}
END_TEST

/* --- the registry -------------------------------------------------------------------------- */

/* chapter 05's registry, in the foreground, a child that dies with the test. */
static pid_t start_registry(const char *addr)
{
	char root[PATH_MAX], log[PATH_MAX];
	snprintf(root, sizeof(root), "%s/registry", sandbox.dir);
	snprintf(log, sizeof(log), "%s/registry.log", sandbox.dir);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* dies with the test, even a failed one */
		FILE *out = freopen(log, "w", stdout);
		(void)out;
		dup2(STDOUT_FILENO, STDERR_FILENO);
		execl(tinydock_binary(), "tinydock", "registry", "serve", "--addr", addr, "--root", root, (char *)NULL);
		_exit(127);
	}
	for (uint64_t deadline = now_ms() + 10000; now_ms() < deadline; usleep(20000)) {
		struct http_client c;
		if (http_client_connect(&c, addr, 200) == 0) {
			http_client_close(&c);
			return pid;
		}
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	ck_abort_msg("the registry did not listen on %s (see %s)", addr, log);
	return -1;
}

START_TEST(a_task_whose_image_is_only_in_a_registry_is_pulled_and_runs)
{
	char addr[64], image[128], script[4096];
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", harness_free_port());
	snprintf(image, sizeof(image), "%s/swarm/web:1", addr);
	pid_t registry = start_registry(addr);
	/* pushed from another state root: another machine built it */
	snprintf(script, sizeof(script),
		 "set -e; export TINYDOCK_ROOT='%s/elsewhere' TINYDOCK_RUN='%s/elsewhere-run';"
		 "'%s' tag busybox '%s'; '%s' push '%s'",
		 sandbox.dir, sandbox.dir, tinydock_binary(), image, tinydock_binary(), image);
	const char *argv[] = { "sh", "-c", script, NULL };
	struct run_result r = run_program(NULL, 60, argv);
	if (r.status != 0) {
		kill(registry, SIGKILL);
		waitpid(registry, NULL, 0);
		ck_abort_msg("push failed (%d): %s %s", r.status, r.out, r.err);
	}
	run_free(&r);

	struct fixture f;
	web_service(&f, image);
	assign_tasks(&f, 2);
	struct swarm_executor *ex;
	ck_assert_msg(swarm_executor_open(NODE, "127.0.0.1", &ex) == 0, "%s", error_message());
	static struct seen seen;
	uint64_t began = now_ms();
	ck_assert_int_eq(swarm_executor_sync(ex, f.assignments, f.count), 0);
	bool ran = wait_for_report(ex, &seen, 1, SWARM_TASK_RUNNING) && wait_for_report(ex, &seen, 2, SWARM_TASK_RUNNING);
	uint64_t took = now_ms() - began;
	kill(registry, SIGTERM);
	waitpid(registry, NULL, 0);
	ck_assert_msg(ran, "task 1: %s\ntask 2: %s", history(&seen, 1), history(&seen, 2));
	printf("swarm executor: 2 tasks of an image pulled from the registry, sync to the last RUNNING: %" PRIu64
	       " ms\n", took);
	const char *page = get_page(find_report(&seen, 2, SWARM_TASK_RUNNING)->endpoints[0].published);
	ck_assert_msg(page && strncmp(page, "served-by-", 10) == 0, "answered: %s", page ? page : "(nothing)");
	/* the image is in this node's store now, under its name */
	struct image_store store = { .gc_fd = -1 };
	struct image img;
	ck_assert_int_eq(image_store_open(&store), 0);
	ck_assert_msg(image_resolve(&store, image, &img) == 0, "%s", error_message());
	image_free(&img);
	image_store_close(&store);
	ck_assert_int_eq(swarm_executor_stop_all(ex), 0);
	swarm_executor_close(ex);
	swarm_service_spec_free(&f.service);
}
END_TEST

START_TEST(a_new_executor_of_the_node_adopts_its_running_containers_and_removes_the_unassigned)
{
	struct fixture f;
	web_service(&f, "busybox");
	assign_tasks(&f, 2);
	struct swarm_executor *ex;
	ck_assert_msg(swarm_executor_open(NODE, "127.0.0.1", &ex) == 0, "%s", error_message());
	static struct seen seen, again;
	ck_assert_int_eq(swarm_executor_sync(ex, f.assignments, f.count), 0);
	CHECK_REPORT(ex, &seen, 1, SWARM_TASK_RUNNING);
	CHECK_REPORT(ex, &seen, 2, SWARM_TASK_RUNNING);
	swarm_executor_close(ex); /* the node process went away; its containers go on */
	unsigned port = find_report(&seen, 1, SWARM_TASK_RUNNING)->endpoints[0].published;
	ck_assert_ptr_nonnull(get_page(port));

	/* another node's executor on this machine leaves them alone */
	struct swarm_executor *other;
	ck_assert_int_eq(swarm_executor_open("node-b", "127.0.0.1", &other), 0);
	static struct seen none;
	take_reports(other, &none);
	ck_assert_uint_eq(none.count, 0);
	ck_assert_int_eq(swarm_executor_sync(other, NULL, 0), 0);
	swarm_executor_close(other);
	ck_assert_uint_eq(container_count(), 2);

	ck_assert_msg(swarm_executor_open(NODE, "127.0.0.1", &ex) == 0, "%s", error_message());
	take_reports(ex, &again);
	const struct swarm_task_report *adopted = find_report(&again, 1, SWARM_TASK_RUNNING);
	ck_assert_msg(adopted, "%s", history(&again, 1));
	ck_assert_uint_eq(adopted->endpoints[0].published, port);
	ck_assert_ptr_nonnull(find_report(&again, 2, SWARM_TASK_RUNNING));
	/* task 2 is no longer the node's: removed; task 1 is kept, not started twice */
	f.tasks[0].observed = SWARM_TASK_RUNNING;
	ck_assert_int_eq(swarm_executor_sync(ex, f.assignments, 1), 0);
	ck_assert_msg(wait_until_removed(ex, &again, "web.2.2", 1), "web.2.2 is still there");
	ck_assert(container_exists("web.1.1"));
	/* and it still watches task 1: a kill is noticed */
	struct run_result r = run_tinydock(NULL, 20, "kill", "web.1.1", NULL);
	ck_assert_int_eq(r.status, 0);
	run_free(&r);
	CHECK_REPORT(ex, &again, 1, SWARM_TASK_FAILED);
	ck_assert_int_eq(swarm_executor_stop_all(ex), 0);
	ck_assert_uint_eq(container_count(), 0);
	swarm_executor_close(ex);
	swarm_service_spec_free(&f.service);
}
END_TEST

Suite *swarm_executor_suite(void)
{
	Suite *s = suite_create("08-swarm executor");
	TCase *t = tcase_create("executor");
	harness_use_stage(t, 8);
	harness_use_sandbox(t);
	tcase_set_timeout(t, 180);
	tcase_add_test(t, three_tasks_start_report_running_with_endpoints_and_answer_http_on_them);
	tcase_add_test(t, a_task_desired_shutdown_is_stopped_removed_and_reported_and_an_unassigned_one_removed);
	tcase_add_test(t, a_task_whose_container_is_killed_is_reported_failed_with_its_exit_code);
	tcase_add_test(t, the_services_names_reach_a_task_once_it_runs_and_follow_each_change_while_it_runs);
	tcase_add_test(t, a_task_whose_command_exits_by_itself_is_complete_or_failed_as_its_exit_code_says_and_keeps_its_logs);
	tcase_add_test(t, a_task_for_an_image_neither_here_nor_pullable_is_rejected_with_no_such_image);
	tcase_add_test(t, a_task_whose_image_is_only_in_a_registry_is_pulled_and_runs);
	tcase_add_test(t, a_new_executor_of_the_node_adopts_its_running_containers_and_removes_the_unassigned);
	suite_add_tcase(s, t);
	return s;
}
