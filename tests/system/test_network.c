/*
 * test_network.c - chapter 02 networking for real: bridges, veth pairs, namespaces, the proxy.
 *
 * "Containers" here are forked children that unshare(CLONE_NEWNET) (and CLONE_NEWNS, to
 * bind-mount their /etc/hosts as `tinydock run` does) and wait to be told to go, so these
 * tests stand on their own before `run` exists. Each test process's children die with it
 * (PR_SET_PDEATHSIG), and their namespaces, and so their veth pairs, die with them. The
 * bridge is named after the runner's pid (tdt<pid>), its subnet 10.250.X.0/24 chosen from
 * it, and the runner removes it after the test case even if a test crashed.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "files.h"
#include "harness.h"
#include "links.h"
#include "network.h"
#include "proxy.h"
#include "rtnl.h"

static char bridge[16];
static char subnet[32];
static char saved_bridge[16], saved_subnet[32]; /* the harness's, given back after this test case */

struct route_probe {
	struct subnet candidate;
	bool taken;
};

static int route_overlaps(const struct nlmsghdr *h, void *arg)
{
	struct route_probe *probe = arg;
	struct route r;
	if (rtnl_route(h, &r) == 0 && r.prefix > 0) {
		struct subnet theirs = { .network = r.destination, .prefix = r.prefix };
		probe->taken = probe->taken || subnets_overlap(&probe->candidate, &theirs);
	}
	return 0;
}

/* In the runner, before the test case: this run's bridge, and a subnet 10.250.X.0/24 that no
 * route of the host uses yet (other test runs on this machine have bridges of their own). */
static void choose_bridge(void)
{
	snprintf(bridge, sizeof(bridge), "tdt%d", (int)getpid());
	int x = 20 + (int)getpid() % 200;
	for (int tries = 0; tries < 200; tries++, x = 20 + (x - 20 + 1) % 200) {
		snprintf(subnet, sizeof(subnet), "10.250.%d.0/24", x);
		struct route_probe probe = { .taken = false };
		struct rtnl s;
		struct nl_msg m;
		if (subnet_parse(subnet, &probe.candidate) < 0 || rtnl_open(&s) < 0)
			break;
		rtnl_msg_dump_routes(&m);
		int rc = rtnl_dump(&s, &m, route_overlaps, &probe);
		rtnl_close(&s);
		if (rc < 0 || !probe.taken)
			break;
	}
	error_clear();
	snprintf(saved_bridge, sizeof(saved_bridge), "%s", getenv("TINYDOCK_BRIDGE") ? getenv("TINYDOCK_BRIDGE") : "");
	snprintf(saved_subnet, sizeof(saved_subnet), "%s",
		 getenv("TINYDOCK_BRIDGE_SUBNET") ? getenv("TINYDOCK_BRIDGE_SUBNET") : "");
	setenv("TINYDOCK_BRIDGE", bridge, 1);
	setenv("TINYDOCK_BRIDGE_SUBNET", subnet, 1);
}

/* In the runner, after the test case, whatever happened to the tests. */
static void remove_bridge(void)
{
	char second[16];
	snprintf(second, sizeof(second), "%sb", bridge);
	link_remove(bridge);
	link_remove(second); /* made only if the overlap test fails */
	error_clear();
	if (saved_bridge[0]) {
		setenv("TINYDOCK_BRIDGE", saved_bridge, 1);
		setenv("TINYDOCK_BRIDGE_SUBNET", saved_subnet, 1);
	} else {
		unsetenv("TINYDOCK_BRIDGE");
		unsetenv("TINYDOCK_BRIDGE_SUBNET");
	}
}

static void random_id(char id[65])
{
	unsigned char bytes[32];
	ck_assert_int_eq(getrandom(bytes, sizeof(bytes), 0), (ssize_t)sizeof(bytes));
	for (size_t i = 0; i < sizeof(bytes); i++)
		sprintf(id + 2 * i, "%02x", bytes[i]);
}

static bool link_exists(const char *name)
{
	struct rtnl s;
	ck_assert_int_eq(rtnl_open(&s), 0);
	int index = rtnl_link_index_of(&s, name);
	rtnl_close(&s);
	return index > 0;
}

/* Is link name a port of a bridge now? (/sys/class/net/NAME/master: the link to its master) */
static bool on_a_bridge(const char *name)
{
	char path[128];
	snprintf(path, sizeof(path), "/sys/class/net/%s/master", name);
	return access(path, F_OK) == 0;
}

static long now_ms(void);

/* The kernel removes a veth pair with its peer's namespace, asynchronously: wait for it. */
static bool link_goes_within(const char *name, int seconds)
{
	for (long deadline = now_ms() + seconds * 1000L; now_ms() < deadline; usleep(10 * 1000))
		if (!link_exists(name))
			return true;
	error_clear(); /* link_exists' "no such device": the answer, not a failure */
	return !link_exists(name);
}

/* --- namespaced children ------------------------------------------------------------------ */

struct netns_child {
	pid_t pid;
	int go;       /* write the argument here to let the child run its function */
	int listening;/* the child writes a byte here once its server listens */
};

/* In a child: the write end of its `listening` pipe. */
static int listening_fd = -1;

static void say_listening(void)
{
	if (write(listening_fd, "l", 1) != 1)
		_exit(103);
}

typedef int (*child_fn)(const char *arg);

static struct netns_child netns_spawn(child_fn fn)
{
	int ready[2], go[2], listening[2];
	ck_assert_int_eq(pipe2(ready, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(go, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(listening, O_CLOEXEC), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(60); /* bounded, whatever happens */
		close(ready[0]);
		close(go[1]);
		close(listening[0]);
		listening_fd = listening[1];
		if (unshare(CLONE_NEWNET | CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			_exit(100);
		if (write(ready[1], "r", 1) != 1)
			_exit(101);
		char arg[1024];
		ssize_t n = read(go[0], arg, sizeof(arg) - 1);
		if (n <= 0)
			_exit(102);
		arg[n] = '\0';
		_exit(fn(arg));
	}
	close(ready[1]);
	close(go[0]);
	close(listening[1]);
	char c;
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
	return (struct netns_child){ .pid = pid, .go = go[1], .listening = listening[0] };
}

/* Wait until the child's server listens (bounded). */
static void netns_wait_listening(struct netns_child *c)
{
	struct pollfd p = { .fd = c->listening, .events = POLLIN };
	ck_assert_msg(poll(&p, 1, 10000) == 1, "the server in the namespace did not start");
	char byte;
	ck_assert_int_eq(read(c->listening, &byte, 1), 1);
}

static void netns_go(struct netns_child *c, const char *arg)
{
	ck_assert_int_eq(write(c->go, arg, strlen(arg)), (ssize_t)strlen(arg));
	close(c->go);
	c->go = -1;
}

/* The child's exit code, or -1 after killing it when it took longer than seconds. */
static int netns_wait(struct netns_child *c, int seconds)
{
	if (c->go >= 0) {
		close(c->go);
		c->go = -1;
	}
	close(c->listening);
	int status;
	for (int i = 0; i < seconds * 100; i++) {
		pid_t done = waitpid(c->pid, &status, WNOHANG);
		if (done == c->pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		usleep(10000);
	}
	kill(c->pid, SIGKILL);
	waitpid(c->pid, &status, 0);
	return -1;
}

/* --- what the children do ----------------------------------------------------------------- */

static int bind_hosts(const char *path)
{
	return mount(path, "/etc/hosts", NULL, MS_BIND, NULL);
}

static int listen_on(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int on = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 512) < 0)
		return -1;
	return fd;
}

static void set_timeouts(int fd, int seconds)
{
	struct timeval tv = { .tv_sec = seconds };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int accept_within(int listener, int seconds)
{
	struct pollfd p = { .fd = listener, .events = POLLIN };
	if (poll(&p, 1, seconds * 1000) != 1)
		return -1;
	int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0)
		set_timeouts(fd, 10);
	return fd;
}

/* Read until EOF (the peer's half-close) into buf; the count, or -1. */
static ssize_t read_to_eof(int fd, unsigned char *buf, size_t size)
{
	size_t got = 0;
	for (int reads = 0; reads < 100000; reads++) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return (ssize_t)got;
		got += (size_t)n;
		if (got == size)
			return -1; /* more than expected */
	}
	return -1;
}

static int connect_retrying(struct in_addr address, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr = address, .sin_port = htons((uint16_t)port) };
	for (int tries = 0; tries < 300; tries++) { /* the server may still be starting: 3 s at most */
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -1;
		set_timeouts(fd, 10);
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
			return fd;
		close(fd);
		usleep(10000);
	}
	return -1;
}

static bool resolve(const char *name, struct in_addr *out)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res;
	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return false;
	*out = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
	freeaddrinfo(res);
	return true;
}

enum { PAYLOAD = 1 << 20 };

static unsigned char pattern(size_t i, unsigned seed)
{
	return (unsigned char)((i * 131 + seed * 7 + (i >> 9)) & 0xff);
}

/* "web": bind-mount its hosts file, echo one connection after its half-close, then check
 * that the name of the container that joined later, "db", resolves to that peer. */
static int web_server(const char *hosts)
{
	if (bind_hosts(hosts) < 0)
		return 10;
	int l = listen_on(7000);
	if (l < 0)
		return 11;
	say_listening();
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);
	int fd = accept_within(l, 20);
	if (fd < 0 || getpeername(fd, (struct sockaddr *)&peer, &len) < 0)
		return 12;
	unsigned char *buf = malloc(PAYLOAD + 1);
	ssize_t n = read_to_eof(fd, buf, PAYLOAD + 1);
	if (n != PAYLOAD || write_all(fd, buf, (size_t)n) < 0)
		return 13;
	close(fd);
	struct in_addr db;
	if (!resolve("db", &db))
		return 14;
	return db.s_addr == peer.sin_addr.s_addr ? 0 : 15;
}

/* "db": find "web" by name through its own hosts file, send 1 MiB, half-close, expect it back. */
static int db_client(const char *hosts)
{
	if (bind_hosts(hosts) < 0)
		return 20;
	struct in_addr web;
	if (!resolve("web", &web))
		return 21;
	int fd = connect_retrying(web, 7000);
	if (fd < 0)
		return 22;
	unsigned char *buf = malloc(PAYLOAD + 1);
	for (size_t i = 0; i < PAYLOAD; i++)
		buf[i] = pattern(i, 1);
	if (write_all(fd, buf, PAYLOAD) < 0 || shutdown(fd, SHUT_WR) < 0)
		return 23;
	memset(buf, 0, PAYLOAD);
	if (read_to_eof(fd, buf, PAYLOAD + 1) != PAYLOAD)
		return 24;
	for (size_t i = 0; i < PAYLOAD; i++)
		if (buf[i] != pattern(i, 1))
			return 25;
	return 0;
}

START_TEST(two_namespaces_on_a_bridge_reach_each_other_by_name_even_the_one_that_came_later)
{
	char web_id[65], db_id[65];
	random_id(web_id);
	random_id(db_id);
	struct netns_child web = netns_spawn(web_server), db = netns_spawn(db_client);
	struct network_endpoint web_ep, db_ep;
	const char *aliases[] = { "www", NULL };
	ck_assert_msg(network_attach("bridge", web_id, "web", aliases, web.pid, &web_ep) == 0, "%s", error_message());
	netns_go(&web, web_ep.hosts_path); /* web mounts its hosts file now, before db exists */
	ck_assert_msg(network_attach("bridge", db_id, "db", NULL, db.pid, &db_ep) == 0, "%s", error_message());
	ck_assert_str_eq(web_ep.bridge, bridge);
	ck_assert_int_eq(ntohl(db_ep.address.s_addr), ntohl(web_ep.address.s_addr) + 1);
	netns_go(&db, db_ep.hosts_path);
	ck_assert_int_eq(netns_wait(&db, 30), 0);
	ck_assert_int_eq(netns_wait(&web, 30), 0);
	ck_assert_int_eq(network_detach("bridge", web_id), 0);
	ck_assert_int_eq(network_detach("bridge", db_id), 0);
	/* both ended: their veths leave the bridge at once, and go with their namespaces */
	ck_assert(!on_a_bridge(web_ep.veth) && !on_a_bridge(db_ep.veth));
	ck_assert(link_goes_within(web_ep.veth, 20) && link_goes_within(db_ep.veth, 20));
	/* the container's hosts and resolv.conf leave with it */
	ck_assert(access(web_ep.resolv_path, F_OK) < 0 && access(web_ep.hosts_path, F_OK) < 0);
}
END_TEST

static int wait_for_go(const char *arg)
{
	(void)arg;
	return 0;
}

static int endpoints_in_use(void)
{
	struct endpoint_table t;
	ck_assert_int_eq(network_endpoints("bridge", &t), 0);
	int n = (int)t.count;
	endpoints_free(&t);
	return n;
}

START_TEST(addresses_do_not_leak_after_100_attach_and_detach_cycles)
{
	struct netns_child c = netns_spawn(wait_for_go);
	struct subnet s;
	ck_assert_int_eq(subnet_parse(subnet, &s), 0);
	struct in_addr first = { .s_addr = htonl(ntohl(s.network.s_addr) + 2) };
	char veth[16] = "";
	for (int cycle = 0; cycle < 100; cycle++) {
		char id[65];
		random_id(id);
		struct network_endpoint ep;
		ck_assert_msg(network_attach("bridge", id, "cycle", NULL, c.pid, &ep) == 0, "cycle %d: %s", cycle,
			      error_message());
		ck_assert_msg(ep.address.s_addr == first.s_addr, "cycle %d got another address", cycle);
		/* expected refusals (the bridge exists, its address too) leave no message behind,
		 * or a caller that checks error_message() would report a success as a failure */
		ck_assert_msg(error_message()[0] == '\0', "left behind: %s", error_message());
		ck_assert_int_eq(network_detach("bridge", id), 0);
		ck_assert_msg(error_message()[0] == '\0', "left behind: %s", error_message());
		snprintf(veth, sizeof(veth), "%s", ep.veth);
	}
	ck_assert_int_eq(endpoints_in_use(), 0);
	ck_assert(!link_exists(veth));
	netns_go(&c, "go");
	ck_assert_int_eq(netns_wait(&c, 10), 0);
}
END_TEST

/* A container started again gets the veth name it had (the name holds its id), and its old
 * pair may still be there: the kernel removes it with the old namespace at its own pace. */
START_TEST(a_leftover_link_with_the_containers_veth_name_is_replaced_when_it_joins)
{
	struct netns_child c = netns_spawn(wait_for_go);
	char id[65], veth[16];
	random_id(id);
	snprintf(veth, sizeof(veth), "veth%.11s", id);
	struct rtnl s;
	struct nl_msg m;
	ck_assert_int_eq(rtnl_open(&s), 0);
	rtnl_msg_new_bridge(&m, veth); /* any link under that name does */
	ck_assert_int_eq(rtnl_talk(&s, &m, NULL, 0), 0);
	rtnl_close(&s);
	struct network_endpoint ep;
	ck_assert_msg(network_attach("bridge", id, NULL, NULL, c.pid, &ep) == 0, "%s", error_message());
	ck_assert(on_a_bridge(veth)); /* the new cable, not the leftover */
	/* its process still runs (network disconnect): the pair is removed, not left to the kernel */
	ck_assert_int_eq(network_detach("bridge", id), 0);
	ck_assert(!link_exists(veth));
	netns_go(&c, "go");
	ck_assert_int_eq(netns_wait(&c, 10), 0);
}
END_TEST

START_TEST(the_address_of_a_container_that_died_without_detaching_is_reused)
{
	struct netns_child dead = netns_spawn(wait_for_go), next = netns_spawn(wait_for_go);
	char id[65], id2[65];
	random_id(id);
	random_id(id2);
	struct network_endpoint a, b;
	ck_assert_int_eq(network_attach("bridge", id, NULL, NULL, dead.pid, &a), 0);
	kill(dead.pid, SIGKILL);
	netns_wait(&dead, 10);
	ck_assert_int_eq(endpoints_in_use(), 0);
	ck_assert(!link_exists(a.veth)); /* no cable left behind either */
	ck_assert_int_eq(network_attach("bridge", id2, NULL, NULL, next.pid, &b), 0);
	ck_assert_uint_eq(a.address.s_addr, b.address.s_addr);
	ck_assert_int_eq(network_detach("bridge", id2), 0);
	netns_go(&next, "go");
	ck_assert_int_eq(netns_wait(&next, 10), 0);
}
END_TEST

START_TEST(attaching_a_process_that_is_gone_fails_and_takes_no_address)
{
	struct netns_child c = netns_spawn(wait_for_go);
	pid_t gone = c.pid;
	netns_go(&c, "go");
	ck_assert_int_eq(netns_wait(&c, 10), 0);
	char id[65];
	random_id(id);
	ck_assert_int_eq(network_attach("bridge", id, "ghost", NULL, gone, NULL), -1);
	ck_assert_msg(strstr(error_message(), "cannot connect container") != NULL, "%s", error_message());
	ck_assert_int_eq(endpoints_in_use(), 0);
	char veth[16];
	snprintf(veth, sizeof(veth), "veth%.11s", id);
	ck_assert(!link_exists(veth));
}
END_TEST

enum { RACERS = 8 };

struct attached {
	struct in_addr address;
	char id[65];
};

/* A separate process that attaches one namespace and reports the address it got. */
static pid_t attach_in_a_process(pid_t target, int report)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	alarm(30);
	struct attached a = { 0 };
	unsigned char bytes[32];
	if (getrandom(bytes, sizeof(bytes), 0) != (ssize_t)sizeof(bytes))
		_exit(1);
	for (size_t i = 0; i < sizeof(bytes); i++)
		sprintf(a.id + 2 * i, "%02x", bytes[i]);
	struct network_endpoint ep;
	if (network_attach("bridge", a.id, NULL, NULL, target, &ep) < 0) {
		fprintf(stderr, "%s\n", error_message());
		_exit(2);
	}
	a.address = ep.address;
	_exit(write(report, &a, sizeof(a)) == (ssize_t)sizeof(a) ? 0 : 3);
}

START_TEST(attaches_at_the_same_moment_never_share_an_address)
{
	struct netns_child c[RACERS];
	pid_t racers[RACERS];
	int report[2];
	ck_assert_int_eq(pipe2(report, O_CLOEXEC), 0);
	for (int i = 0; i < RACERS; i++)
		c[i] = netns_spawn(wait_for_go);
	for (int i = 0; i < RACERS; i++)
		racers[i] = attach_in_a_process(c[i].pid, report[1]);
	close(report[1]);
	struct attached got[RACERS];
	for (int i = 0; i < RACERS; i++) {
		int status;
		ck_assert_int_eq(waitpid(racers[i], &status, 0), racers[i]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "attacher %d failed", i);
	}
	for (int i = 0; i < RACERS; i++)
		ck_assert_int_eq(read(report[0], &got[i], sizeof(got[i])), (ssize_t)sizeof(got[i]));
	close(report[0]);
	for (int i = 0; i < RACERS; i++)
		for (int j = i + 1; j < RACERS; j++)
			ck_assert_msg(got[i].address.s_addr != got[j].address.s_addr, "two containers got %s",
				      inet_ntoa(got[i].address));
	ck_assert_int_eq(endpoints_in_use(), RACERS);
	for (int i = 0; i < RACERS; i++) {
		ck_assert_int_eq(network_detach("bridge", got[i].id), 0);
		netns_go(&c[i], "go");
		ck_assert_int_eq(netns_wait(&c[i], 10), 0);
	}
	ck_assert_int_eq(endpoints_in_use(), 0);
}
END_TEST

START_TEST(a_new_bridge_never_takes_a_subnet_the_host_already_routes)
{
	struct netns_child a = netns_spawn(wait_for_go), b = netns_spawn(wait_for_go);
	char id[65], id2[65];
	random_id(id);
	random_id(id2);
	ck_assert_msg(network_attach("bridge", id, NULL, NULL, a.pid, NULL) == 0, "%s", error_message());
	/* A second tinydock (its own state) wants the same subnet on another bridge. */
	char second[16], root[PATH_MAX], run[PATH_MAX];
	snprintf(second, sizeof(second), "%sb", bridge);
	snprintf(root, sizeof(root), "%s/second-root", sandbox.dir);
	snprintf(run, sizeof(run), "%s/second-run", sandbox.dir);
	setenv("TINYDOCK_ROOT", root, 1);
	setenv("TINYDOCK_RUN", run, 1);
	setenv("TINYDOCK_BRIDGE", second, 1);
	ck_assert_int_eq(network_attach("bridge", id2, NULL, NULL, b.pid, NULL), -1);
	char expected[128];
	snprintf(expected, sizeof(expected), "subnet %s overlaps the host's route to %s", subnet, subnet);
	ck_assert_msg(strstr(error_message(), expected) != NULL, "%s", error_message());
	ck_assert(!link_exists(second));
	setenv("TINYDOCK_ROOT", sandbox.root, 1);
	setenv("TINYDOCK_RUN", sandbox.run, 1);
	setenv("TINYDOCK_BRIDGE", bridge, 1);
	ck_assert_int_eq(network_detach("bridge", id), 0);
	netns_go(&a, "go");
	netns_go(&b, "go");
	ck_assert_int_eq(netns_wait(&a, 10), 0);
	ck_assert_int_eq(netns_wait(&b, 10), 0);
}
END_TEST

START_TEST(a_process_in_the_hosts_own_namespace_is_refused_before_anything_changes)
{
	char id[65];
	random_id(id);
	ck_assert_int_eq(network_attach("bridge", id, NULL, NULL, getpid(), NULL), -1);
	ck_assert_msg(strstr(error_message(), "is in the host's network namespace") != NULL, "%s", error_message());
	char veth[16];
	snprintf(veth, sizeof(veth), "veth%.11s", id);
	ck_assert(!link_exists(veth));
	ck_assert_int_eq(endpoints_in_use(), 0);
}
END_TEST

/* --network none: only lo, and it must be up for 127.0.0.1 to work. */
static int talk_to_myself(const char *arg)
{
	(void)arg;
	int l = listen_on(7100);
	struct in_addr lo = { .s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr = lo, .sin_port = htons(7100) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	return l >= 0 && fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 ? 0 : 30;
}

START_TEST(loopback_comes_up_in_a_namespace_with_no_other_network)
{
	struct netns_child c = netns_spawn(talk_to_myself);
	struct rtnl inside;
	ck_assert_msg(rtnl_open_in_netns(&inside, c.pid) == 0, "%s", error_message());
	ck_assert_msg(loopback_up(&inside) == 0, "%s", error_message());
	rtnl_close(&inside);
	netns_go(&c, "go");
	ck_assert_int_eq(netns_wait(&c, 10), 0);
}
END_TEST

/* --- the proxy ---------------------------------------------------------------------------- */

enum { CLIENTS = 200, CLIENT_BYTES = 16 * 1024 };

static void *echo_after_eof(void *arg)
{
	int fd = (int)(long)arg;
	unsigned char *buf = malloc(CLIENT_BYTES + 1);
	ssize_t n = read_to_eof(fd, buf, CLIENT_BYTES + 1);
	long ok = n == CLIENT_BYTES && write_all(fd, buf, (size_t)n) == 0;
	free(buf);
	close(fd);
	return (void *)ok;
}

/* In the namespace: serve CLIENTS connections at once, each answered only after its EOF. */
static int many_server(const char *arg)
{
	(void)arg;
	int l = listen_on(8000);
	if (l < 0)
		return 40;
	say_listening();
	pthread_t threads[CLIENTS];
	int served = 0;
	for (; served < CLIENTS; served++) {
		int fd = accept_within(l, 20);
		if (fd < 0 || pthread_create(&threads[served], NULL, echo_after_eof, (void *)(long)fd) != 0)
			break;
	}
	int ok = 0;
	for (int i = 0; i < served; i++) {
		void *r;
		pthread_join(threads[i], &r);
		ok += r != NULL;
	}
	return ok == CLIENTS ? 0 : 41;
}

static struct proxy *publish(struct network_endpoint *ep, int container_port, struct port_mapping *m)
{
	char spec[64];
	snprintf(spec, sizeof(spec), "127.0.0.1:0:%d", container_port);
	ck_assert_int_eq(port_mapping_parse(spec, m), 0);
	struct proxy *p = proxy_start(m, 1, ep->address);
	ck_assert_msg(p != NULL, "%s", error_message());
	ck_assert_uint_ne(m->host_port, 0);
	return p;
}

/* The setup the proxy tests share: start fn's server in a namespace on the bridge (id names
 * its endpoint), publish its port through a proxy, and connect a client on loopback to it. */
static int client_of_a_published_server(child_fn fn, int port, struct netns_child *server, char id[65],
					struct proxy **p, struct port_mapping *m)
{
	*server = netns_spawn(fn);
	random_id(id);
	struct network_endpoint ep;
	ck_assert_msg(network_attach("bridge", id, NULL, NULL, server->pid, &ep) == 0, "%s", error_message());
	netns_go(server, "go");
	netns_wait_listening(server);
	*p = publish(&ep, port, m);
	struct in_addr lo = { .s_addr = htonl(INADDR_LOOPBACK) };
	int fd = connect_retrying(lo, m->host_port);
	ck_assert_int_ge(fd, 0);
	return fd;
}

START_TEST(the_proxy_serves_200_concurrent_connections_without_losing_a_byte)
{
	struct netns_child server = netns_spawn(many_server);
	char id[65];
	random_id(id);
	struct network_endpoint ep;
	ck_assert_msg(network_attach("bridge", id, "server", NULL, server.pid, &ep) == 0, "%s", error_message());
	netns_go(&server, "go");
	netns_wait_listening(&server);
	struct port_mapping m;
	struct proxy *p = publish(&ep, 8000, &m);
	struct in_addr lo = { .s_addr = htonl(INADDR_LOOPBACK) };
	static int fds[CLIENTS];
	/* All connected before any is answered: they are really concurrent in the proxy. */
	for (int i = 0; i < CLIENTS; i++) {
		fds[i] = connect_retrying(lo, m.host_port);
		ck_assert_int_ge(fds[i], 0);
	}
	unsigned char *buf = malloc(CLIENT_BYTES + 1);
	for (int i = 0; i < CLIENTS; i++) {
		for (size_t j = 0; j < CLIENT_BYTES; j++)
			buf[j] = pattern(j, (unsigned)i);
		ck_assert_int_eq(write_all(fds[i], buf, CLIENT_BYTES), 0);
		ck_assert_int_eq(shutdown(fds[i], SHUT_WR), 0); /* the half-close the server waits for */
	}
	int intact = 0;
	for (int i = 0; i < CLIENTS; i++) {
		ssize_t n = read_to_eof(fds[i], buf, CLIENT_BYTES + 1);
		bool same = n == CLIENT_BYTES;
		for (size_t j = 0; same && j < CLIENT_BYTES; j++)
			same = buf[j] == pattern(j, (unsigned)i);
		intact += same;
		close(fds[i]);
	}
	free(buf);
	ck_assert_int_eq(intact, CLIENTS);
	ck_assert_int_eq(netns_wait(&server, 30), 0);
	proxy_stop(p);
	ck_assert_int_eq(network_detach("bridge", id), 0);
}
END_TEST

/* In the namespace: greet, close the sending side first, then count what the client sends. */
static int greet_then_listen(const char *arg)
{
	(void)arg;
	int l = listen_on(8001);
	if (l < 0)
		return 52;
	say_listening();
	int fd = accept_within(l, 20);
	if (fd < 0 || write_all(fd, "hello\n", 6) < 0 || shutdown(fd, SHUT_WR) < 0)
		return 50;
	unsigned char buf[64];
	ssize_t n = read_to_eof(fd, buf, sizeof(buf));
	return n == 9 && memcmp(buf, "goodbye!\n", 9) == 0 ? 0 : 51;
}

START_TEST(a_half_close_from_the_container_reaches_the_client_and_the_other_way_stays_open)
{
	struct netns_child server;
	char id[65];
	struct port_mapping m;
	struct proxy *p;
	int fd = client_of_a_published_server(greet_then_listen, 8001, &server, id, &p, &m);
	unsigned char buf[64];
	ck_assert_int_eq(read_to_eof(fd, buf, sizeof(buf)), 6); /* EOF arrives: the server shut down first */
	ck_assert_int_eq(memcmp(buf, "hello\n", 6), 0);
	ck_assert_int_eq(write_all(fd, "goodbye!\n", 9), 0); /* and we can still talk */
	close(fd);
	ck_assert_int_eq(netns_wait(&server, 20), 0);
	proxy_stop(p);
	ck_assert_int_eq(network_detach("bridge", id), 0);
}
END_TEST

/* In the namespace: accept one client, say so, then hold the connection open until the
 * proxy breaks it off. */
static int hold_until_closed(const char *arg)
{
	(void)arg;
	int l = listen_on(8002);
	if (l < 0)
		return 60;
	say_listening();
	int fd = accept_within(l, 20);
	if (fd < 0 || write_all(fd, "ready\n", 6) < 0)
		return 61;
	unsigned char buf[16];
	return read_to_eof(fd, buf, sizeof(buf)) < 0 && errno == ECONNRESET ? 0 : 62;
}

static long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

START_TEST(stopping_the_proxy_closes_its_port_and_resets_a_connection_still_held_open)
{
	struct netns_child server;
	char id[65];
	struct port_mapping m;
	struct proxy *p;
	int fd = client_of_a_published_server(hold_until_closed, 8002, &server, id, &p, &m);
	struct in_addr lo = { .s_addr = htonl(INADDR_LOOPBACK) };
	char ready[6];
	ck_assert_int_eq(read(fd, ready, sizeof(ready)), 6); /* the connection reached the container */
	long before = now_ms();
	proxy_stop(p);
	long took = now_ms() - before;
	/* Nothing moves on this connection, so the drain ends after its idle spell, well before
	 * its deadline (3 s), and the connection is broken off: a reset on both sides, never a
	 * clean end that would pass for a complete answer. */
	ck_assert_msg(took < 2500, "proxy_stop took %ld ms for an idle connection", took);
	unsigned char buf[16];
	errno = 0;
	ck_assert_int_eq(read_to_eof(fd, buf, sizeof(buf)), -1);
	ck_assert_int_eq(errno, ECONNRESET);
	close(fd);
	ck_assert_int_eq(netns_wait(&server, 10), 0); /* the container saw the reset too */
	int again = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in port = { .sin_family = AF_INET, .sin_addr = lo, .sin_port = htons(m.host_port) };
	ck_assert_int_eq(connect(again, (struct sockaddr *)&port, sizeof(port)), -1);
	ck_assert_int_eq(errno, ECONNREFUSED); /* nobody listens there any more */
	close(again);
	ck_assert_int_eq(network_detach("bridge", id), 0);
}
END_TEST

enum { LAST_REPLY = 32 << 20 };

/* In the namespace: answer one client with LAST_REPLY bytes, then close and end, as a
 * container whose last reply is still on its way when it exits. */
static int reply_then_exit(const char *arg)
{
	(void)arg;
	int l = listen_on(8004);
	if (l < 0)
		return 70;
	say_listening();
	int fd = accept_within(l, 20);
	if (fd < 0)
		return 71;
	enum { CHUNK = 64 * 1024 };
	static unsigned char chunk[CHUNK];
	for (size_t at = 0; at < LAST_REPLY; at += CHUNK) {
		for (size_t i = 0; i < CHUNK; i++)
			chunk[i] = pattern(at + i, 4);
		if (write_all(fd, chunk, CHUNK) < 0)
			return 72;
	}
	return close(fd) == 0 ? 0 : 73;
}

static void *stop_proxy(void *p)
{
	proxy_stop(p);
	return NULL;
}

START_TEST(a_reply_the_container_sent_before_the_proxy_stops_reaches_its_client_whole)
{
	struct netns_child server;
	char id[65];
	struct port_mapping m;
	struct proxy *p;
	int fd = client_of_a_published_server(reply_then_exit, 8004, &server, id, &p, &m);
	unsigned char first;
	ck_assert_int_eq(read(fd, &first, 1), 1); /* the reply is on its way */
	/* The proxy is told to stop while most of the reply is still in the buffers between the
	 * container and us (the container's exit does the same in `tinydock run`). */
	pthread_t stopper;
	ck_assert_int_eq(pthread_create(&stopper, NULL, stop_proxy, p), 0);
	static unsigned char rest[LAST_REPLY];
	ssize_t n = read_to_eof(fd, rest, sizeof(rest));
	int read_errno = errno;
	pthread_join(stopper, NULL);
	close(fd);
	ck_assert_msg(n == LAST_REPLY - 1, "the client got %zd of %d bytes, then %s", n + 1, LAST_REPLY,
		      n < 0 ? strerror(read_errno) : "a clean end");
	ck_assert_int_eq(first, pattern(0, 4));
	bool intact = true;
	for (size_t i = 0; intact && i < LAST_REPLY - 1; i++)
		intact = rest[i] == pattern(i + 1, 4);
	ck_assert(intact);
	ck_assert_int_eq(netns_wait(&server, 20), 0);
	ck_assert_int_eq(network_detach("bridge", id), 0);
}
END_TEST

START_TEST(a_client_of_a_port_nobody_listens_on_in_the_container_is_reset)
{
	struct netns_child idle = netns_spawn(wait_for_go);
	char id[65];
	random_id(id);
	struct network_endpoint ep;
	ck_assert_msg(network_attach("bridge", id, NULL, NULL, idle.pid, &ep) == 0, "%s", error_message());
	struct port_mapping m;
	struct proxy *p = publish(&ep, 8003, &m);
	struct in_addr lo = { .s_addr = htonl(INADDR_LOOPBACK) };
	for (int i = 0; i < 3; i++) { /* and the proxy goes on serving after each */
		int fd = connect_retrying(lo, m.host_port);
		ck_assert_int_ge(fd, 0);
		char byte;
		errno = 0;
		ck_assert_int_eq(read(fd, &byte, 1), -1);
		ck_assert_int_eq(errno, ECONNRESET);
		close(fd);
	}
	proxy_stop(p);
	ck_assert_int_eq(network_detach("bridge", id), 0);
	netns_go(&idle, "go");
	ck_assert_int_eq(netns_wait(&idle, 10), 0);
}
END_TEST

START_TEST(a_port_already_in_use_gives_a_clear_error_and_leaves_nothing_open)
{
	int busy = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	ck_assert_int_eq(bind(busy, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(busy, 1), 0);
	ck_assert_int_eq(getsockname(busy, (struct sockaddr *)&a, &len), 0);
	char spec[64];
	snprintf(spec, sizeof(spec), "127.0.0.1:%u:80", ntohs(a.sin_port));
	struct port_mapping m[2];
	ck_assert_int_eq(port_mapping_parse("127.0.0.1:0:81", &m[0]), 0);
	ck_assert_int_eq(port_mapping_parse(spec, &m[1]), 0);
	struct in_addr target = { .s_addr = htonl(INADDR_LOOPBACK) };
	ck_assert_ptr_null(proxy_start(m, 2, target));
	char expected[128];
	snprintf(expected, sizeof(expected),
		 "cannot publish port 127.0.0.1:%u: the address is already in use by another program",
		 ntohs(a.sin_port));
	ck_assert_str_eq(error_message(), expected);
	/* the first port, opened before the failure, was closed again */
	int again = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in first = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
				     .sin_port = htons(m[0].host_port) };
	ck_assert_int_eq(bind(again, (struct sockaddr *)&first, sizeof(first)), 0);
	close(again);
	/* and the command says the same */
	struct run_result r = run_tinydock(NULL, 10, "proxy", "-p", spec, "--to", "127.0.0.1", NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "already in use") != NULL, "stderr: %s", r.err);
	run_free(&r);
	close(busy);
}
END_TEST

/* --- the commands ------------------------------------------------------------------------- */

START_TEST(network_commands_create_list_inspect_and_remove_like_docker)
{
	char bridge_option[64];
	snprintf(bridge_option, sizeof(bridge_option), "com.docker.network.bridge.name=tdu%d", (int)getpid() % 100000);
	struct run_result r = run_tinydock(NULL, 10, "network", "create", "--subnet", "10.249.7.0/24", "-o",
					   bridge_option, "shop", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_uint_eq(strlen(r.out), 65); /* the id and a newline */
	char id[13];
	snprintf(id, sizeof(id), "%s", r.out);
	run_free(&r);

	r = run_tinydock(NULL, 10, "network", "ls", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strncmp(r.out, "NETWORK ID     NAME      DRIVER    SCOPE\n", 41) == 0, "%s", r.out);
	char row[128];
	snprintf(row, sizeof(row), "%s   shop      bridge    local\n", id);
	ck_assert_msg(strstr(r.out, row) != NULL, "%s", r.out);
	ck_assert(strstr(r.out, "   none      null      local\n") != NULL);
	ck_assert(strstr(r.out, "   host      host      local\n") != NULL);
	run_free(&r);

	r = run_tinydock(NULL, 10, "network", "inspect", "shop", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert(strstr(r.out, "\"Subnet\": \"10.249.7.0/24\"") && strstr(r.out, "\"Gateway\": \"10.249.7.1\""));
	ck_assert(strstr(r.out, "\"Containers\": {}") != NULL);
	run_free(&r);

	r = run_tinydock(NULL, 10, "network", "create", "--subnet", "10.249.7.128/25", "other", NULL);
	ck_assert_int_eq(r.status, 1); /* a refused request: Docker's status 1 */
	ck_assert_msg(strstr(r.err, "invalid subnet \"10.249.7.128/25\"") == NULL, "%s", r.err);
	ck_assert_msg(strstr(r.err, "overlaps with network shop (10.249.7.0/24)") != NULL, "%s", r.err);
	run_free(&r);
	r = run_tinydock(NULL, 10, "network", "create", "shop", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "network with name shop already exists") != NULL, "%s", r.err);
	run_free(&r);
	r = run_tinydock(NULL, 10, "network", "create", "--subnet", "10.249.8.1/24", "bad", NULL);
	ck_assert_msg(strstr(r.err, "it should be 10.249.8.0/24") != NULL, "%s", r.err);
	run_free(&r);
	r = run_tinydock(NULL, 10, "network", "rm", "bridge", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "bridge is a pre-defined network and cannot be removed") != NULL, "%s", r.err);
	run_free(&r);

	r = run_tinydock(NULL, 10, "network", "rm", "shop", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "shop\n");
	run_free(&r);
	r = run_tinydock(NULL, 10, "network", "inspect", "shop", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "network shop not found") != NULL, "%s", r.err);
	run_free(&r);
}
END_TEST

START_TEST(connect_explains_each_netlink_request_and_rm_waits_for_disconnect)
{
	struct netns_child c = netns_spawn(wait_for_go);
	char pid[16];
	snprintf(pid, sizeof(pid), "%d", (int)c.pid);
	struct run_result r = run_tinydock(NULL, 10, "--explain", "network", "connect", "--name", "lab", "bridge", pid, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	char line[128];
	snprintf(line, sizeof(line), "<-> eth0 (netns of pid %s) = 0\n", pid);
	ck_assert_msg(strstr(r.err, "[02-namespaces] RTM_NEWLINK veth veth") && strstr(r.err, line), "%s", r.err);
	char gateway[32];
	snprintf(gateway, sizeof(gateway), "%s", subnet);
	*strrchr(gateway, '.') = '\0'; /* "10.250.X" */
	snprintf(line, sizeof(line), "RTM_NEWROUTE default via %s.1 dev 2 [netns of pid %s] = 0", gateway, pid);
	ck_assert_msg(strstr(r.err, line) != NULL, "missing %s in %s", line, r.err);
	run_free(&r);
	r = run_tinydock(NULL, 10, "network", "inspect", "bridge", NULL);
	ck_assert_msg(strstr(r.out, "\"Name\": \"lab\"") != NULL, "%s", r.out);
	run_free(&r);
	r = run_tinydock(NULL, 10, "network", "disconnect", "bridge", "lab", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	ck_assert_int_eq(endpoints_in_use(), 0);
	netns_go(&c, "go");
	ck_assert_int_eq(netns_wait(&c, 10), 0);
}
END_TEST

Suite *network_system_suite(void)
{
	Suite *s = suite_create("02-namespaces network");
	TCase *t = tcase_create("network");
	harness_use_stage(t, 2);
	tcase_add_unchecked_fixture(t, choose_bridge, remove_bridge);
	harness_use_sandbox(t);
	tcase_set_timeout(t, 90);
	tcase_add_test(t, two_namespaces_on_a_bridge_reach_each_other_by_name_even_the_one_that_came_later);
	tcase_add_test(t, addresses_do_not_leak_after_100_attach_and_detach_cycles);
	tcase_add_test(t, a_leftover_link_with_the_containers_veth_name_is_replaced_when_it_joins);
	tcase_add_test(t, the_address_of_a_container_that_died_without_detaching_is_reused);
	tcase_add_test(t, attaching_a_process_that_is_gone_fails_and_takes_no_address);
	tcase_add_test(t, attaches_at_the_same_moment_never_share_an_address);
	tcase_add_test(t, a_new_bridge_never_takes_a_subnet_the_host_already_routes);
	tcase_add_test(t, a_process_in_the_hosts_own_namespace_is_refused_before_anything_changes);
	tcase_add_test(t, loopback_comes_up_in_a_namespace_with_no_other_network);
	tcase_add_test(t, the_proxy_serves_200_concurrent_connections_without_losing_a_byte);
	tcase_add_test(t, a_half_close_from_the_container_reaches_the_client_and_the_other_way_stays_open);
	tcase_add_test(t, stopping_the_proxy_closes_its_port_and_resets_a_connection_still_held_open);
	tcase_add_test(t, a_reply_the_container_sent_before_the_proxy_stops_reaches_its_client_whole);
	tcase_add_test(t, a_client_of_a_port_nobody_listens_on_in_the_container_is_reset);
	tcase_add_test(t, a_port_already_in_use_gives_a_clear_error_and_leaves_nothing_open);
	tcase_add_test(t, network_commands_create_list_inspect_and_remove_like_docker);
	tcase_add_test(t, connect_explains_each_netlink_request_and_rm_waits_for_disconnect);
	suite_add_tcase(s, t);
	return s;
}
