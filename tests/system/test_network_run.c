/*
 * test_network_run.c - `tinydock run` on networks, end to end: the default bridge, user networks
 * and names, published ports, none and host, and nothing leaking.
 *
 * Every test runs real containers (the sandbox's busybox rootfs, with probe in /bin). A
 * container that must keep running while another one talks to it is a `tinydock run` started
 * in the background by start(), with PR_SET_PDEATHSIG: if the test dies, its `run` dies, and
 * the container with it (run's own death signal). Each test gets its own default bridge
 * (tdr<pid>, a free 10.248.X.0/24) and, when it makes a user network, its own bridge for it
 * (tdn<pid>, 10.249.X.0/24): the checked teardown removes them, and the runner removes them
 * again at its end (harness_remove_link_at_end) if a test crashed before its teardown.
 */
#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "files.h"
#include "harness.h"
#include "links.h"

static char user_bridge[16], user_subnet[32];

static long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* In the test's process, before it: its own default bridge, and names for a user network. */
static void own_bridges(void)
{
	harness_use_bridge("tdr", 248);
	snprintf(user_bridge, sizeof(user_bridge), "tdn%d", (int)getpid() % 100000);
	harness_free_subnet(249, user_subnet);
	harness_remove_link_at_end(user_bridge);
}

static void remove_bridges(void)
{
	if (link_remove(getenv("TINYDOCK_BRIDGE")) < 0 || link_remove(user_bridge) < 0)
		error_clear();
}

/* --- running containers ------------------------------------------------------------------- */

/* run_tinydock("run", "--rootfs", rootfs, args...): 20 s at most. */
static struct run_result run(const char *arg, ...) __attribute__((sentinel));
static struct run_result run(const char *arg, ...)
{
	const char *argv[48] = { tinydock_binary(), "run", "--rootfs", sandbox.rootfs };
	int n = 4;
	va_list ap;
	va_start(ap, arg);
	for (const char *a = arg; a && n < 47; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	return run_program(NULL, 20, argv);
}

struct background {
	pid_t pid;
	int out; /* its stdout and stderr */
	char text[16384];
	size_t length;
};

/* `tinydock run --rootfs ROOTFS args...` in the background. */
static void start(struct background *b, const char *const args[])
{
	const char *argv[48] = { tinydock_binary(), "run", "--rootfs", sandbox.rootfs };
	int n = 4;
	for (int i = 0; args[i] && n < 47; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	int out[2];
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	memset(b, 0, sizeof(*b));
	fflush(NULL);
	b->pid = fork();
	ck_assert(b->pid >= 0);
	if (b->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(out[1], 1);
		dup2(out[1], 2);
		int null = open("/dev/null", O_RDONLY);
		dup2(null, 0);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	b->out = out[0];
}

/* Read b's output until needle shows up (true) or timeout_ms pass or it ends (false). */
static bool read_until(struct background *b, const char *needle, int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;
	while (!strstr(b->text, needle)) {
		long left = deadline - now_ms();
		struct pollfd p = { b->out, POLLIN, 0 };
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return false;
		ssize_t n = read(b->out, b->text + b->length, sizeof(b->text) - b->length - 1);
		if (n <= 0)
			return strstr(b->text, needle) != NULL;
		b->length += (size_t)n;
		b->text[b->length] = '\0';
	}
	return true;
}

/* Wait for b to end (SIGTERM first when stop, SIGKILL after timeout_ms); its exit code. */
static int finish(struct background *b, bool stop, int timeout_ms)
{
	if (stop)
		kill(b->pid, SIGTERM);
	long deadline = now_ms() + timeout_ms;
	int status;
	while (waitpid(b->pid, &status, WNOHANG) != b->pid) {
		if (now_ms() > deadline) {
			kill(b->pid, SIGKILL);
			waitpid(b->pid, &status, 0);
			break;
		}
		usleep(5000);
	}
	read_until(b, "\x01never", 100);
	close(b->out);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* --- what is left behind ------------------------------------------------------------------ */

/* The ports of bridge name: /sys/class/net/NAME/brif holds one entry per plugged veth. */
static int bridge_ports(const char *name)
{
	char path[128];
	snprintf(path, sizeof(path), "/sys/class/net/%s/brif", name);
	DIR *d = opendir(path);
	if (!d)
		return 0; /* no bridge, no ports */
	int count = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		count += e->d_name[0] != '.';
	closedir(d);
	return count;
}

/* Lines in the endpoints file of network: the addresses in use. */
static int addresses_in_use(const char *network)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/networks/%s/endpoints", sandbox.run, network);
	char *text = read_file(path, NULL);
	if (!text) {
		error_clear();
		return 0;
	}
	int count = 0;
	for (char *p = text; *p; p++)
		count += *p == '\n';
	free(text);
	return count;
}

/* The hosts and resolv.conf files left in TINYDOCK_RUN/containers/ID/: the network's share of
 * a container's runtime state (chapter 03 keeps more there, for containers it remembers). */
static int network_files_left(void)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/containers", sandbox.run);
	DIR *d = opendir(path);
	if (!d)
		return 0;
	int count = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		static const char *const files[] = { "hosts", "resolv.conf" };
		for (size_t i = 0; i < 2; i++) {
			char file[PATH_MAX + 300];
			snprintf(file, sizeof(file), "%s/%s/%s", path, e->d_name, files[i]);
			count += access(file, F_OK) == 0;
		}
	}
	closedir(d);
	return count;
}

/* Processes whose command line mentions the sandbox: a `run` or a container left behind. */
static int processes_in_sandbox(void)
{
	DIR *proc = opendir("/proc");
	int count = 0;
	struct dirent *e;
	while (proc && (e = readdir(proc))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		char path[64], text[4096];
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, text, sizeof(text) - 1);
		close(fd);
		for (ssize_t i = 0; i < n; i++)
			if (text[i] == '\0')
				text[i] = ' ';
		text[n > 0 ? n : 0] = '\0';
		count += strstr(text, sandbox.dir) != NULL;
	}
	if (proc)
		closedir(proc);
	return count;
}

static void create_network(const char *name)
{
	char option[64];
	snprintf(option, sizeof(option), "com.docker.network.bridge.name=%s", user_bridge);
	struct run_result r = run_tinydock(NULL, 10, "network", "create", "--subnet", user_subnet, "-o", option, name, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
}

/* --- names on a user network -------------------------------------------------------------- */

START_TEST(two_containers_on_a_user_network_exchange_data_by_name_and_alias)
{
	create_network("shop");
	struct background db;
	start(&db, (const char *const[]){ "--network", "shop", "--name", "db", "--hostname", "db", "--network-alias",
					  "database", "probe", "serve", "7000", "2", NULL });
	ck_assert_msg(read_until(&db, "listening=7000", 10000), "db: %s", db.text);
	struct run_result r = run("--network", "shop", "--name", "web", "probe", "connect", "db", "7000", "order 1",
				  "connect", "database", "7000", "order 2", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_msg(strstr(r.out, "reply=db:order 1\n") && strstr(r.out, "reply=db:order 2\n"), "%s", r.out);
	char subnet_start[32];
	snprintf(subnet_start, sizeof(subnet_start), "resolved=%s", user_subnet);
	*strrchr(subnet_start, '.') = '\0'; /* "resolved=10.249.X" */
	ck_assert_msg(strstr(r.out, subnet_start) != NULL, "%s", r.out);
	run_free(&r);
	ck_assert_int_eq(finish(&db, false, 10000), 0);
	ck_assert_int_eq(addresses_in_use("shop"), 0);
	ck_assert_int_eq(bridge_ports(user_bridge), 0);
}
END_TEST

START_TEST(a_container_started_later_is_reachable_from_one_started_earlier)
{
	create_network("shop");
	/* first starts alone, and looks for "second" in its /etc/hosts until it is there */
	struct background first;
	start(&first, (const char *const[]){ "--network", "shop", "--name", "first", "probe", "connect", "second", "7100",
					     "hello", NULL });
	/* second must find first in its /etc/hosts: wait (at most 20 s) until first's endpoint
	 * is recorded in the network, which is what those files are made from */
	for (long deadline = now_ms() + 20000; addresses_in_use("shop") < 1 && now_ms() < deadline;)
		usleep(10 * 1000);
	ck_assert_int_eq(addresses_in_use("shop"), 1);
	struct run_result r = run("--network", "shop", "--name", "second", "--hostname", "second", "sh", "-c",
				  "grep -c first /etc/hosts && probe serve 7100 1", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_msg(strncmp(r.out, "1\nlistening=7100\n", 17) == 0, "%s", r.out);
	run_free(&r);
	ck_assert_int_eq(finish(&first, false, 10000), 0);
	ck_assert_msg(strstr(first.text, "reply=second:hello\n") != NULL, "%s", first.text);
	ck_assert_int_eq(addresses_in_use("shop"), 0);
}
END_TEST

/* --- published ports ---------------------------------------------------------------------- */

enum { CLIENTS = 200 };

/* GET / from 127.0.0.1:port; true on "200 OK" with our page. */
static bool get_ok(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
				 .sin_port = htons((uint16_t)port) };
	struct timeval t = { .tv_sec = 5 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &t, sizeof(t));
	char reply[1024] = "";
	static const char request[] = "GET / HTTP/1.0\r\n\r\n";
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 && write(fd, request, sizeof(request) - 1) > 0) {
		size_t n = 0;
		ssize_t got;
		while (n + 1 < sizeof(reply) && (got = read(fd, reply + n, sizeof(reply) - 1 - n)) > 0)
			n += (size_t)got;
		reply[n] = '\0';
	}
	close(fd);
	return strstr(reply, " 200 OK") && strstr(reply, "tinydock page\n");
}

START_TEST(published_ports_reach_httpd_and_serve_200_concurrent_connections_without_loss)
{
	char page[PATH_MAX];
	snprintf(page, sizeof(page), "%s/www", sandbox.rootfs);
	ck_assert_int_eq(make_dirs(page, 0755), 0);
	strcat(page, "/index.html");
	ck_assert_int_eq(write_file_atomic(page, "tinydock page\n", 14, 0644), 0);
	int http = harness_free_port(), echo = harness_free_port();
	char publish_http[48], publish_echo[48];
	snprintf(publish_http, sizeof(publish_http), "127.0.0.1:%d:80", http);
	snprintf(publish_echo, sizeof(publish_echo), "127.0.0.1:%d:81", echo);
	/* busybox httpd on 80 (it goes to the background), then probe serving 200 clients on 81 */
	struct background web;
	start(&web, (const char *const[]){ "--hostname", "web", "-p", publish_http, "-p", publish_echo, "sh", "-c",
					   "httpd -p 80 -h /www && probe serve 81 200", NULL });
	ck_assert_msg(read_until(&web, "listening=81", 10000), "%s", web.text);
	bool up = false;
	for (int tries = 0; tries < 100 && !up; tries++) /* until httpd listens: 10 s at most */
		if (!(up = get_ok(http)))
			usleep(100 * 1000);
	ck_assert_msg(up, "httpd does not answer on port %d: %s", http, web.text);

	/* 200 clients at once: each sends its own line and half-closes (passed on by the proxy),
	 * and must get exactly "web:" and its line back; all wait together in one poll loop */
	int fds[CLIENTS];
	char replies[CLIENTS][64];
	size_t got[CLIENTS];
	bool done[CLIENTS];
	int end_errno[CLIENTS]; /* 0: a clean end (FIN); else how the connection broke (a reset) */
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
				 .sin_port = htons((uint16_t)echo) };
	for (int i = 0; i < CLIENTS; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		ck_assert_int_eq(connect(fds[i], (struct sockaddr *)&a, sizeof(a)), 0);
		got[i] = 0;
		done[i] = false;
		end_errno[i] = 0;
	}
	for (int i = 0; i < CLIENTS; i++) {
		char line[32];
		int n = snprintf(line, sizeof(line), "client %d", i);
		ck_assert_int_eq(write(fds[i], line, (size_t)n), n);
		ck_assert_int_eq(shutdown(fds[i], SHUT_WR), 0);
	}
	int finished = 0;
	long deadline = now_ms() + 30000;
	while (finished < CLIENTS && now_ms() < deadline) {
		struct pollfd p[CLIENTS];
		int n = 0, index[CLIENTS];
		for (int i = 0; i < CLIENTS; i++)
			if (!done[i]) {
				p[n] = (struct pollfd){ fds[i], POLLIN, 0 };
				index[n++] = i;
			}
		if (poll(p, (nfds_t)n, 1000) <= 0)
			continue;
		for (int k = 0; k < n; k++) {
			if (!p[k].revents)
				continue;
			int i = index[k];
			ssize_t r = read(fds[i], replies[i] + got[i], sizeof(replies[i]) - 1 - got[i]);
			if (r > 0 && got[i] + (size_t)r < sizeof(replies[i]) - 1) {
				got[i] += (size_t)r;
				continue;
			}
			got[i] += r > 0 ? (size_t)r : 0;
			end_errno[i] = r < 0 ? errno : 0;
			replies[i][got[i]] = '\0';
			done[i] = true;
			finished++;
		}
	}
	int ok = 0, bad = -1;
	for (int i = 0; i < CLIENTS; i++) {
		char expected[40];
		snprintf(expected, sizeof(expected), "web:client %d", i);
		bool good = done[i] && strcmp(replies[i], expected) == 0;
		ok += good;
		if (!good && bad < 0)
			bad = i;
		close(fds[i]);
	}
	/* A short answer with a clean end is the failure that matters most: a client could not
	 * tell it from a complete one. The message says which of the two it was. */
	ck_assert_msg(ok == CLIENTS, "%d of %d answered right; client %d got %zu bytes (%.60s), then %s", ok, CLIENTS,
		      bad, bad >= 0 ? got[bad] : 0, bad >= 0 ? replies[bad] : "",
		      bad < 0 ? "-" : !done[bad] ? "nothing before the deadline" :
		      end_errno[bad] ? strerror(end_errno[bad]) : "a clean end");

	/* probe ends after 200 clients, so does the container, and its proxy: the ports are free */
	ck_assert_int_eq(finish(&web, false, 10000), 0);
	for (int i = 0; i < 2; i++) {
		a.sin_port = htons((uint16_t)(i ? http : echo));
		int again = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		ck_assert_int_eq(connect(again, (struct sockaddr *)&a, sizeof(a)), -1);
		ck_assert_int_eq(errno, ECONNREFUSED);
		close(again);
	}
	ck_assert_int_eq(addresses_in_use("bridge"), 0);
	ck_assert_int_eq(bridge_ports(getenv("TINYDOCK_BRIDGE")), 0);
}
END_TEST

START_TEST(a_port_published_without_a_host_port_gets_a_free_one_that_port_shows)
{
	/* -p 127.0.0.1::80 (Docker's -p CONTAINERPORT form): the kernel picks the host port when
	 * the proxy binds, and `port` and `ps` must show that port, not 0. */
	struct run_result r = run("-d", "--name", "anyport", "-p", "127.0.0.1::80", "probe", "sleep", "30", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	r = run_tinydock(NULL, 10, "port", "anyport", NULL);
	ck_assert_int_eq(r.status, 0);
	unsigned port = 0;
	ck_assert_msg(sscanf(r.out, "80/tcp -> 127.0.0.1:%u", &port) == 1 && port > 0, "port said: %s", r.out);
	run_free(&r);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
				 .sin_port = htons((uint16_t)port) };
	ck_assert_msg(connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0, "nothing listens on the port shown");
	close(fd);
	r = run_tinydock(NULL, 20, "rm", "-f", "anyport", NULL);
	ck_assert_int_eq(r.status, 0);
	run_free(&r);
}
END_TEST

/* The interfaces in the network namespace of container ref, as its /proc/net/dev lists them. */
static bool container_has_interface(const char *ref, const char *name)
{
	struct run_result r = run_tinydock(NULL, 10, "exec", ref, "cat", "/proc/net/dev", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	char wanted[32];
	snprintf(wanted, sizeof(wanted), " %s:", name);
	bool found = strstr(r.out, wanted) != NULL;
	run_free(&r);
	return found;
}

START_TEST(network_connect_and_disconnect_take_a_container_and_prune_removes_unused_networks)
{
	create_network("shop");
	struct run_result r = run("-d", "--name", "box", "probe", "sleep", "60", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	ck_assert(!container_has_interface("box", "eth1"));
	r = run_tinydock(NULL, 20, "network", "connect", "--alias", "store", "shop", "box", NULL);
	ck_assert_msg(r.status == 0 && r.out[0] == '\0', "%d: %s%s", r.status, r.out, r.err);
	run_free(&r);
	ck_assert(container_has_interface("box", "eth1"));
	/* the record says so (inspect), and the network lists the container by its name */
	r = run_tinydock(NULL, 10, "inspect", "-f", "{{json .NetworkSettings.Networks}}", "box", NULL);
	ck_assert_msg(strstr(r.out, "\"shop\"") && strstr(r.out, "\"store\""), "%s", r.out);
	run_free(&r);
	r = run_tinydock(NULL, 10, "network", "inspect", "shop", NULL);
	ck_assert_msg(strstr(r.out, "\"Name\": \"box\""), "%s", r.out);
	run_free(&r);
	/* twice: Docker's error, exit 1 */
	r = run_tinydock(NULL, 20, "network", "connect", "shop", "box", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "endpoint with name box already exists in network shop"), "%s", r.err);
	run_free(&r);
	/* in use: prune keeps it */
	r = run_tinydock(NULL, 20, "network", "prune", "-f", NULL);
	ck_assert_msg(r.status == 0 && !strstr(r.out, "shop"), "%s%s", r.out, r.err);
	run_free(&r);
	r = run_tinydock(NULL, 20, "network", "disconnect", "shop", "box", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	ck_assert(!container_has_interface("box", "eth1"));
	r = run_tinydock(NULL, 10, "network", "disconnect", "shop", "box", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "is not connected to network shop"), "%s", r.err);
	run_free(&r);
	r = run_tinydock(NULL, 20, "rm", "-f", "box", NULL);
	ck_assert_int_eq(r.status, 0);
	run_free(&r);
	/* unused now: prune asks, and an answer other than y keeps it */
	r = run_tinydock("n\n", 20, "network", "prune", NULL);
	ck_assert_msg(r.status == 0 && strstr(r.out, "WARNING!") && !strstr(r.out, "Deleted"), "%s", r.out);
	run_free(&r);
	r = run_tinydock("y\n", 20, "network", "prune", NULL);
	ck_assert_msg(r.status == 0 && strstr(r.out, "Deleted Networks:\nshop\n"), "%s%s", r.out, r.err);
	run_free(&r);
	r = run_tinydock(NULL, 10, "network", "inspect", "shop", NULL);
	ck_assert_int_ne(r.status, 0);
	run_free(&r);
}
END_TEST

START_TEST(a_port_already_in_use_is_a_clear_error_and_leaves_nothing_behind)
{
	int busy = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	ck_assert_int_eq(bind(busy, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(busy, 1), 0);
	ck_assert_int_eq(getsockname(busy, (struct sockaddr *)&a, &len), 0);
	char publish[48], expected[128];
	snprintf(publish, sizeof(publish), "127.0.0.1:%u:80", ntohs(a.sin_port));
	snprintf(expected, sizeof(expected),
		 "tinydock: run: cannot publish port 127.0.0.1:%u: the address is already in use by another program\n",
		 ntohs(a.sin_port));
	struct run_result r = run("-p", "127.0.0.1::80", "-p", publish, "true", NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_str_eq(r.err, expected);
	run_free(&r);
	/* no veth, no address, no container, and the first port (taken before) free again */
	ck_assert_int_eq(bridge_ports(getenv("TINYDOCK_BRIDGE")), 0);
	ck_assert_int_eq(addresses_in_use("bridge"), 0);
	ck_assert_int_eq(network_files_left(), 0);
	ck_assert_int_eq(processes_in_sandbox(), 0);
	close(busy);
}
END_TEST

/* --- modes -------------------------------------------------------------------------------- */

START_TEST(the_default_is_the_bridge_none_has_only_loopback_and_host_shares_the_hosts_network)
{
	/* default: eth0 on the bridge, a default route to its gateway, its own name in /etc/hosts */
	struct run_result r = run("--hostname", "box", "sh", "-c",
				  "ls /sys/class/net | tr '\\n' ' '; echo; ip route | grep default; grep -c box /etc/hosts", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	char gateway[48];
	snprintf(gateway, sizeof(gateway), "default via %s", getenv("TINYDOCK_BRIDGE_SUBNET"));
	*strrchr(gateway, '.') = '\0';
	ck_assert_msg(strncmp(r.out, "eth0 lo \n", 9) == 0 && strstr(r.out, gateway) && strstr(r.out, "\n1\n"), "%s",
		      r.out);
	run_free(&r);
	/* none: only lo, up */
	r = run("--network", "none", "sh", "-c", "ls /sys/class/net; cat /sys/class/net/lo/operstate", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "lo\nunknown\n"); /* lo's operstate is "unknown" when up */
	run_free(&r);
	/* host: the host's network namespace */
	char host_ns[64] = "";
	ck_assert(readlink("/proc/self/ns/net", host_ns, sizeof(host_ns) - 1) > 0);
	r = run("--network", "host", "readlink", "/proc/self/ns/net", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_msg(strstr(r.out, host_ns) != NULL, "%s vs %s", r.out, host_ns);
	run_free(&r);
	/* and publishing into either is refused before anything is made */
	r = run("--network", "host", "-p", "8080:80", "true", NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "conflicting options: port publishing and the host network mode"), "%s", r.err);
	run_free(&r);
	r = run("--network", "none", "-p", "80", "true", NULL);
	ck_assert_msg(strstr(r.err, "conflicting options: port publishing and the none network mode"), "%s", r.err);
	run_free(&r);
	r = run("--network", "nosuch", "true", NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_str_eq(r.err, "tinydock: run: network nosuch not found\n");
	run_free(&r);
	ck_assert_int_eq(bridge_ports(getenv("TINYDOCK_BRIDGE")), 0);
}
END_TEST

/* Under --userns root of the container is uid 100000 outside, and it is the one that looks up
 * the hosts file to bind it: the folders tinydock makes on the way must let it through. */
START_TEST(a_userns_container_gets_its_hosts_file_from_a_run_folder_tinydock_made)
{
	char fresh[PATH_MAX];
	snprintf(fresh, sizeof(fresh), "%s/fresh-run", sandbox.dir);
	setenv("TINYDOCK_RUN", fresh, 1); /* missing: made by tinydock */
	struct run_result r = run("--userns", "--hostname", "box", "sh", "-c", "id -u; grep -c box /etc/hosts", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "0\n1\n");
	run_free(&r);
	struct stat st;
	ck_assert_int_eq(stat(fresh, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0711); /* others may pass, not list */
}
END_TEST

/* --- no leaks ----------------------------------------------------------------------------- */

START_TEST(addresses_and_veths_do_not_leak_after_100_start_stop_cycles)
{
	create_network("cycle");
	long began = now_ms();
	for (int i = 0; i < 100; i++) {
		struct run_result r = run("--network", "cycle", "true", NULL);
		ck_assert_msg(r.status == 0, "cycle %d: %s", i, r.err);
		run_free(&r);
		/* a failing container leaves nothing either (exit code 3, and one that cannot start) */
		if (i % 25 == 0) {
			r = run("--network", "cycle", "sh", "-c", "exit 3", NULL);
			ck_assert_int_eq(r.status, 3);
			run_free(&r);
			r = run("--network", "cycle", "no-such-command", NULL);
			ck_assert_int_eq(r.status, 127);
			run_free(&r);
		}
		ck_assert_msg(now_ms() - began < 60000, "too slow: %d cycles in 60 s", i);
	}
	ck_assert_int_eq(addresses_in_use("cycle"), 0);
	ck_assert_int_eq(bridge_ports(user_bridge), 0);
	ck_assert_int_eq(network_files_left(), 0);
	/* and the next container gets the first address again */
	struct run_result r = run("--network", "cycle", "sh", "-c", "ip -4 addr show eth0 | grep -o 'inet [0-9.]*'", NULL);
	char first[48];
	snprintf(first, sizeof(first), "inet %s", user_subnet);
	strcpy(strrchr(first, '.'), ".2\n");
	ck_assert_str_eq(r.out, first);
	run_free(&r);
}
END_TEST

START_TEST(a_run_killed_with_sigkill_leaves_its_address_to_the_next_container_and_its_name_goes)
{
	create_network("shop");
	struct background b;
	start(&b, (const char *const[]){ "--network", "shop", "--name", "gone", "probe", "serve", "7000", "1", NULL });
	ck_assert_msg(read_until(&b, "listening=7000", 10000), "%s", b.text);
	/* the container's first process, as the endpoints file records it: "ADDRESS PID VETH ..." */
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/networks/shop/endpoints", sandbox.run);
	char *text = read_file(path, NULL);
	ck_assert_ptr_nonnull(text);
	int init = 0;
	ck_assert_int_eq(sscanf(text, "%*s %d", &init), 1);
	free(text);
	kill(b.pid, SIGKILL); /* no goodbye: run cannot detach */
	ck_assert_int_eq(finish(&b, false, 5000), 137);
	/* the container follows its run (PR_SET_PDEATHSIG): at most 20 s */
	for (long deadline = now_ms() + 20000; kill(init, 0) == 0 && now_ms() < deadline;)
		usleep(20 * 1000);
	ck_assert_msg(kill(init, 0) < 0 && errno == ESRCH, "the container's init %d outlived its run", init);
	/* the first address again, and the dead one's name is no longer in /etc/hosts: its
	 * endpoint was reclaimed when this one joined */
	struct run_result r = run("--network", "shop", "--name", "next", "sh", "-c",
				  "ip -4 addr show eth0 | grep -o 'inet [0-9.]*'; grep -c gone /etc/hosts", NULL);
	char first[48];
	snprintf(first, sizeof(first), "inet %s", user_subnet);
	strcpy(strrchr(first, '.'), ".2\n0\n");
	ck_assert_str_eq(r.out, first);
	run_free(&r);
	ck_assert_int_eq(addresses_in_use("shop"), 0);
	ck_assert_int_eq(network_files_left(), 0);
	for (long deadline = now_ms() + 20000; bridge_ports(user_bridge) > 0 && now_ms() < deadline;)
		usleep(20 * 1000);
	ck_assert_int_eq(bridge_ports(user_bridge), 0);
}
END_TEST

/* --- --explain ---------------------------------------------------------------------------- */

START_TEST(explain_tells_the_network_steps_in_order)
{
	create_network("shop");
	struct run_result r = run_tinydock(NULL, 20, "--explain", "run", "--rootfs", sandbox.rootfs, "--network", "shop",
					   "--name", "web", "-p", "127.0.0.1::80", "true", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	const char *steps[] = {
		"] clone(CLONE_NEWPID|CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWNET|SIGCHLD) = ",
		"] bind(127.0.0.1:0) = 0",
		"] SYNC_NET: connect process ",
		"] RTM_NEWLINK veth veth",
		"] RTM_NEWROUTE default via ",
		"] port proxy: connections to 127.0.0.1:",
		"] sync: sent SYNC_NET",
		"/etc/hosts\", NULL, MS_BIND, NULL) = 0",
		"] pivot_root(\".\", \".\") = 0",
		"] execve(\"/bin/true\"",
		"] port proxy stopped: 1 listener(s)",
		/* off the bridge; the kernel removes the pair with the namespace, and may have done so
		 * already (= -1 ENODEV, which network_detach accepts): either way, no RTM_DELLINK */
		"] RTM_SETLINK veth",
		" master 0 = ",
		"of container ",
	};
	const char *at = r.err;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		const char *found = strstr(at, steps[i]);
		ck_assert_msg(found != NULL, "missing (or out of order) %s in: %s", steps[i], r.err);
		/* the child's lines interleave with ours: order is checked among the parent's */
		if (i < 6 || i > 9)
			at = found;
	}
	ck_assert_msg(!strstr(r.err, "] RTM_DELLINK veth"), "the ended container's veth was deleted, not unplugged");
	run_free(&r);
}
END_TEST

Suite *network_run_suite(void)
{
	Suite *s = suite_create("02-namespaces run networks");
	TCase *t = tcase_create("run networks");
	harness_use_stage(t, 2);
	harness_use_sandbox(t);
	tcase_add_checked_fixture(t, own_bridges, remove_bridges);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, two_containers_on_a_user_network_exchange_data_by_name_and_alias);
	tcase_add_test(t, a_container_started_later_is_reachable_from_one_started_earlier);
	tcase_add_test(t, published_ports_reach_httpd_and_serve_200_concurrent_connections_without_loss);
	tcase_add_test(t, a_port_already_in_use_is_a_clear_error_and_leaves_nothing_behind);
	tcase_add_test(t, the_default_is_the_bridge_none_has_only_loopback_and_host_shares_the_hosts_network);
	tcase_add_test(t, a_userns_container_gets_its_hosts_file_from_a_run_folder_tinydock_made);
	tcase_add_test(t, addresses_and_veths_do_not_leak_after_100_start_stop_cycles);
	tcase_add_test(t, a_run_killed_with_sigkill_leaves_its_address_to_the_next_container_and_its_name_goes);
	tcase_add_test(t, explain_tells_the_network_steps_in_order);
	suite_add_tcase(s, t);
	/* Asking which host port was chosen needs a container that outlives its command (run -d)
	 * and `tinydock port`: chapter 03's, so this test is judged by build/ch03/tinydock. */
	TCase *detached = tcase_create("run networks, detached");
	harness_use_stage(detached, 3);
	harness_use_sandbox(detached);
	tcase_add_checked_fixture(detached, own_bridges, remove_bridges);
	tcase_set_timeout(detached, 120);
	tcase_add_test(detached, a_port_published_without_a_host_port_gets_a_free_one_that_port_shows);
	tcase_add_test(detached, network_connect_and_disconnect_take_a_container_and_prune_removes_unused_networks);
	suite_add_tcase(s, detached);
	return s;
}
