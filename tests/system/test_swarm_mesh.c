/*
 * test_swarm_mesh.c - the routing mesh for real (08-swarm/swarm-mesh.c): a mesh in this
 * process, three small HTTP servers as its backends (processes on loopback, each answering its
 * own name), and clients that go through the mesh's published port.
 *
 * Each backend dies with the test's process (PR_SET_PDEATHSIG), so a failed test leaves none
 * behind; the mesh is a thread of the test's process and goes with it too.
 */
#include <check.h>
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
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
#include "network.h"
#include "swarm-command.h"
#include "swarm-mesh-node.h"
#include "swarm-mesh.h"
#include "swarm-vip-hosts.h"
#include "swarm-vip-net.h"
#include "swarm-vip.h"

enum { BACKENDS = 3 };

struct backend {
	pid_t pid;
	uint16_t port;
	char name[16];
};

static struct backend backends[BACKENDS];

/* Read what fits in buffer (size - 1 bytes) until the peer's end; -1 on an error or reset. */
static ssize_t read_all(int fd, char *buffer, size_t size)
{
	size_t used = 0;
	while (used + 1 < size) {
		ssize_t n = read(fd, buffer + used, size - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		used += (size_t)n;
	}
	buffer[used] = '\0';
	return (ssize_t)used;
}

/* The backend's process: answer every request with its name, one connection after another. */
static void serve_name(int listener, const char *name)
{
	for (;;) {
		int client = accept(listener, NULL, NULL);
		if (client < 0)
			continue;
		char request[1024];
		size_t used = 0;
		while (used + 1 < sizeof(request)) {
			ssize_t n = read(client, request + used, sizeof(request) - 1 - used);
			if (n <= 0)
				break;
			used += (size_t)n;
			request[used] = '\0';
			if (strstr(request, "\r\n\r\n"))
				break;
		}
		char reply[128];
		int length = snprintf(reply, sizeof(reply), "HTTP/1.0 200 OK\r\nContent-Length: %zu\r\n\r\n%s",
		                      strlen(name), name);
		ssize_t ignored = write(client, reply, (size_t)length);
		(void)ignored;
		close(client);
	}
}

/* Start backend i on a free port of 127.0.0.1: listening before this returns. */
static void start_backend(int i)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t size = sizeof(address);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&address, sizeof(address)), 0);
	ck_assert_int_eq(listen(fd, 128), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&address, &size), 0);
	backends[i].port = ntohs(address.sin_port);
	snprintf(backends[i].name, sizeof(backends[i].name), "task-%d", i + 1);
	pid_t parent = getpid();
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0); /* the test ended before prctl: nobody needs us */
		serve_name(fd, backends[i].name);
		_exit(0);
	}
	close(fd);
	backends[i].pid = pid;
}

static void kill_backend(int i)
{
	kill(backends[i].pid, SIGKILL);
	waitpid(backends[i].pid, NULL, 0);
	backends[i].pid = 0;
}

static void start_backends(void)
{
	for (int i = 0; i < BACKENDS; i++)
		start_backend(i);
}

static void stop_backends(void)
{
	for (int i = 0; i < BACKENDS; i++)
		if (backends[i].pid > 0)
			kill_backend(i);
}

/* A table with one row: service web, published on port, target 80, the backends given. */
static struct swarm_mesh_table table_for(uint16_t port, const int *which, size_t count)
{
	struct swarm_mesh_table table = { .services = calloc(1, sizeof(struct swarm_mesh_service)), .service_count = 1 };
	ck_assert_ptr_nonnull(table.services);
	struct swarm_mesh_service *row = &table.services[0];
	snprintf(row->name, sizeof(row->name), "web");
	row->published = port;
	row->target = 80;
	row->backends = calloc(count, sizeof(*row->backends));
	for (size_t i = 0; i < count; i++) {
		row->backends[i].host.s_addr = htonl(INADDR_LOOPBACK);
		row->backends[i].port = backends[which[i]].port;
	}
	row->backend_count = count;
	return table;
}

static struct swarm_mesh *mesh_serving(uint16_t port)
{
	static const int all[] = { 0, 1, 2 };
	struct swarm_mesh *mesh;
	ck_assert_msg(swarm_mesh_start(&mesh) == 0, "%s", error_message());
	struct swarm_mesh_table table = table_for(port, all, BACKENDS);
	ck_assert_msg(swarm_mesh_update(mesh, &table) == 0, "%s", error_message());
	swarm_mesh_table_free(&table);
	return mesh;
}

/* GET / on host:port; the body (the backend's name) into body, or -1 for a failed request
 * (refused, reset, no answer in 5 s, no body). */
static int http_get_at(struct in_addr host, uint16_t port, char *body, size_t size)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct timeval limit = { .tv_sec = 5 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
	struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr = host, .sin_port = htons(port) };
	static const char request[] = "GET / HTTP/1.0\r\nHost: web\r\n\r\n";
	char reply[512];
	int rc = -1;
	if (connect(fd, (struct sockaddr *)&address, sizeof(address)) == 0 &&
	    write(fd, request, sizeof(request) - 1) == (ssize_t)(sizeof(request) - 1) &&
	    read_all(fd, reply, sizeof(reply)) > 0) {
		const char *start = strstr(reply, "\r\n\r\n");
		if (start && start[4]) {
			snprintf(body, size, "%s", start + 4);
			rc = 0;
		}
	}
	close(fd);
	return rc;
}

static int http_get(uint16_t port, char *body, size_t size)
{
	return http_get_at((struct in_addr){ .s_addr = htonl(INADDR_LOOPBACK) }, port, body, size);
}

/* Which backend answered: its index, or -1. */
static int backend_named(const char *name)
{
	for (int i = 0; i < BACKENDS; i++)
		if (strcmp(backends[i].name, name) == 0)
			return i;
	return -1;
}

/* Send count requests to port: how many each backend answered, and how many failed. */
static int spread(uint16_t port, int count, int share[BACKENDS])
{
	int failed = 0;
	memset(share, 0, BACKENDS * sizeof(*share));
	for (int i = 0; i < count; i++) {
		char body[64];
		int who;
		if (http_get(port, body, sizeof(body)) < 0 || (who = backend_named(body)) < 0)
			failed++;
		else
			share[who]++;
	}
	return failed;
}

/* A connection to 127.0.0.1:port is refused (nothing listens). */
static bool refused(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	                               .sin_port = htons(port) };
	bool no = connect(fd, (struct sockaddr *)&address, sizeof(address)) < 0 && errno == ECONNREFUSED;
	close(fd);
	return no;
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

START_TEST(thirty_requests_through_the_mesh_go_ten_to_each_of_three_backends)
{
	uint16_t port = (uint16_t)harness_free_port();
	struct swarm_mesh *mesh = mesh_serving(port);
	int share[BACKENDS];
	ck_assert_int_eq(spread(port, 30, share), 0);
	ck_assert_msg(share[0] == 10 && share[1] == 10 && share[2] == 10, "spread %d/%d/%d", share[0], share[1],
	              share[2]);
	swarm_mesh_stop(mesh);
	ck_assert(refused(port));
}
END_TEST

START_TEST(a_killed_backend_costs_no_request_its_connections_go_to_the_next)
{
	uint16_t port = (uint16_t)harness_free_port();
	struct swarm_mesh *mesh = mesh_serving(port);
	int share[BACKENDS];
	ck_assert_int_eq(spread(port, 3, share), 0);
	kill_backend(1); /* the table still lists it: the store has not heard yet */
	ck_assert_int_eq(spread(port, 30, share), 0);
	ck_assert_int_eq(share[1], 0);
	ck_assert_int_eq(share[0] + share[2], 30);
	ck_assert_msg(share[0] >= 10 && share[2] >= 10, "spread %d/%d", share[0], share[2]);
	swarm_mesh_stop(mesh);
}
END_TEST

START_TEST(a_service_whose_tasks_are_all_gone_resets_its_clients_at_once)
{
	uint16_t port = (uint16_t)harness_free_port();
	struct swarm_mesh *mesh = mesh_serving(port);
	for (int i = 0; i < BACKENDS; i++)
		kill_backend(i);
	char body[64];
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	ck_assert_int_eq(http_get(port, body, sizeof(body)), -1);
	ck_assert_msg(seconds_since(&start) < 1.0, "the client waited %.2f s", seconds_since(&start));
	swarm_mesh_stop(mesh);
}
END_TEST

START_TEST(a_changed_table_opens_the_new_port_and_closes_the_old)
{
	static const int first_two[] = { 0, 1 }, third[] = { 2 };
	uint16_t old_port = (uint16_t)harness_free_port(), new_port;
	do
		new_port = (uint16_t)harness_free_port();
	while (new_port == old_port);
	struct swarm_mesh *mesh;
	ck_assert_int_eq(swarm_mesh_start(&mesh), 0);
	struct swarm_mesh_table table = table_for(old_port, first_two, 2);
	ck_assert_int_eq(swarm_mesh_update(mesh, &table), 0);
	swarm_mesh_table_free(&table);
	int share[BACKENDS];
	ck_assert_int_eq(spread(old_port, 4, share), 0);
	ck_assert_int_eq(share[2], 0);

	table = table_for(new_port, third, 1);
	ck_assert_int_eq(swarm_mesh_update(mesh, &table), 0);
	swarm_mesh_table_free(&table);
	uint16_t ports[4];
	ck_assert_int_eq(swarm_mesh_ports(mesh, ports, 4), 1);
	ck_assert_int_eq(ports[0], new_port);
	ck_assert_int_eq(spread(new_port, 3, share), 0);
	ck_assert_int_eq(share[2], 3);
	/* the old listener is closed by the mesh's thread at its next wake-up: wait for it */
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (!refused(old_port) && seconds_since(&start) < 2.0)
		usleep(1000);
	ck_assert_msg(refused(old_port), "port %u still open after the table dropped it", old_port);
	swarm_mesh_stop(mesh);
}
END_TEST

START_TEST(a_port_in_use_and_a_udp_port_are_reported_and_the_other_ports_still_served)
{
	uint16_t busy = (uint16_t)harness_free_port(), free_port;
	do
		free_port = (uint16_t)harness_free_port();
	while (free_port == busy);
	int holder = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons(busy) };
	ck_assert_int_eq(bind(holder, (struct sockaddr *)&address, sizeof(address)), 0);
	ck_assert_int_eq(listen(holder, 1), 0);

	static const int one[] = { 0 };
	struct swarm_mesh_table table = table_for(busy, one, 1);
	struct swarm_mesh_service *rows = realloc(table.services, 3 * sizeof(*rows));
	ck_assert_ptr_nonnull(rows);
	table.services = rows;
	rows[1] = (struct swarm_mesh_service){ .name = "dns", .published = 5353, .target = 53, .udp = true };
	rows[2] = (struct swarm_mesh_service){ .name = "api", .published = free_port, .target = 80 };
	rows[2].backends = calloc(1, sizeof(*rows[2].backends));
	rows[2].backends[0] = rows[0].backends[0];
	rows[2].backend_count = 1;
	table.service_count = 3;

	struct swarm_mesh *mesh;
	ck_assert_int_eq(swarm_mesh_start(&mesh), 0);
	ck_assert_int_eq(swarm_mesh_update(mesh, &table), -1);
	char expected[128];
	snprintf(expected, sizeof(expected), "routing mesh: cannot publish port %u of service web: the address is "
	                                     "already in use", busy);
	ck_assert_msg(strstr(error_message(), expected), "%s", error_message());
	ck_assert_int_eq(swarm_mesh_update(mesh, &(struct swarm_mesh_table){ .services = rows + 1, .service_count = 1 }),
	                 -1);
	ck_assert_str_eq(error_message(),
	                 "routing mesh: port 5353/udp of service dns is not published: the mesh carries TCP only");
	ck_assert_int_eq(swarm_mesh_update(mesh, &table), -1);
	char body[64];
	ck_assert_int_eq(http_get(free_port, body, sizeof(body)), 0);
	ck_assert_str_eq(body, backends[0].name);
	swarm_mesh_stop(mesh);
	swarm_mesh_table_free(&table);
	close(holder);
}
END_TEST

/* --- service names: virtual IPs on a bridge ------------------------------------------------- */

static char vip_bridge[16];

static void make_vip_bridge(void)
{
	char subnet[32];
	snprintf(vip_bridge, sizeof(vip_bridge), "tdvip%d", (int)getpid() % 100000);
	harness_remove_link_at_end(vip_bridge);
	harness_free_subnet(246, subnet);
	struct subnet gateway_subnet;
	ck_assert_int_eq(subnet_parse(subnet, &gateway_subnet), 0);
	ck_assert_msg(bridge_ensure(vip_bridge, subnet_gateway(&gateway_subnet), gateway_subnet.prefix) == 0, "%s",
	              error_message());
}

static void remove_vip_bridge(void)
{
	link_remove(vip_bridge);
}

/* bind(2) to address works only while it is one of this host's. */
static bool is_local(struct in_addr address)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr = address };
	bool local = bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	return local;
}

START_TEST(each_services_virtual_ip_on_the_bridge_reaches_that_service_on_a_shared_port)
{
	make_vip_bridge();
	/* a subnet of the benchmarking range of this test's own, so that no node is disturbed */
	char cidr[32];
	snprintf(cidr, sizeof(cidr), "198.19.%d.0/24", (int)getpid() % 250);
	struct subnet vips;
	ck_assert_int_eq(subnet_parse(cidr, &vips), 0);
	struct in_addr web_vip = { htonl(ntohl(vips.network.s_addr) + 10) };
	struct in_addr api_vip = { htonl(ntohl(vips.network.s_addr) + 11) };

	/* web and api both listen on port P in their containers; the shop's front publishes P */
	uint16_t port = (uint16_t)harness_free_port();
	static const int one[] = { 0 }, two[] = { 1 }, three[] = { 2 };
	struct swarm_mesh_table table = table_for(port, three, 1), web = table_for(port, one, 1),
	                        api = table_for(port, two, 1);
	struct swarm_mesh_service *rows = realloc(table.services, 3 * sizeof(*rows));
	ck_assert_ptr_nonnull(rows);
	table.services = rows;
	rows[1] = web.services[0];
	rows[2] = api.services[0];
	free(web.services);
	free(api.services);
	snprintf(rows[0].name, sizeof(rows[0].name), "front");
	snprintf(rows[2].name, sizeof(rows[2].name), "api");
	rows[1].vip = web_vip;
	rows[2].vip = api_vip;
	table.service_count = 3;

	struct in_addr addresses[4];
	size_t count = swarm_vip_addresses(&table, addresses, 4);
	ck_assert_int_eq(count, 2);
	ck_assert_msg(swarm_vip_net_sync(vip_bridge, &vips, addresses, count) == 0, "%s", error_message());
	ck_assert(is_local(web_vip) && is_local(api_vip));

	struct swarm_mesh *mesh;
	ck_assert_int_eq(swarm_mesh_start(&mesh), 0);
	ck_assert_msg(swarm_mesh_update(mesh, &table) == 0, "%s", error_message());
	char body[64];
	ck_assert_int_eq(http_get_at(web_vip, port, body, sizeof(body)), 0);
	ck_assert_str_eq(body, backends[0].name);
	ck_assert_int_eq(http_get_at(api_vip, port, body, sizeof(body)), 0);
	ck_assert_str_eq(body, backends[1].name);
	ck_assert_int_eq(http_get(port, body, sizeof(body)), 0); /* any other address: the published port */
	ck_assert_str_eq(body, backends[2].name);
	char *hosts = swarm_vip_hosts(&table);
	char expected[96];
	snprintf(expected, sizeof(expected), "198.19.%d.10\tweb\n198.19.%d.11\tapi\n", (int)getpid() % 250,
	         (int)getpid() % 250);
	ck_assert_str_eq(hosts, expected);
	free(hosts);

	/* web is removed: its address leaves the bridge, api's stays */
	ck_assert_msg(swarm_vip_net_sync(vip_bridge, &vips, &api_vip, 1) == 0, "%s", error_message());
	ck_assert(!is_local(web_vip));
	ck_assert(is_local(api_vip));
	ck_assert_int_eq(swarm_vip_net_sync(vip_bridge, &vips, NULL, 0), 0);
	ck_assert(!is_local(api_vip));
	swarm_mesh_stop(mesh);
	swarm_mesh_table_free(&table);
	remove_vip_bridge();
}
END_TEST

/* Apply command to store, which must accept it; the command is freed. */
static void apply(struct swarm_store *store, struct swarm_command *command)
{
	ck_assert_msg(swarm_store_apply(store, command) == 0, "%s", error_message());
	swarm_command_free(command);
}

/* A store as the leader holds it: node n1 at 127.0.0.1, service "api" (port target in its
 * containers, not published) whose tasks run on backends 0 and 1 (their target published on the
 * backend's port), and "front", publishing front_port, whose one task is backend 2. (Not port
 * 80: the mesh listens on the target's port on 0.0.0.0, which another program may hold.) */
static void store_with_api_and_front(struct swarm_store *store, uint16_t target, uint16_t front_port)
{
	swarm_store_init(store);
	struct swarm_command c;
	swarm_command_init(&c, SWARM_NODE_JOIN, 1);
	snprintf(c.node.id, sizeof(c.node.id), "n1");
	snprintf(c.node.hostname, sizeof(c.node.hostname), "n1");
	snprintf(c.node.address, sizeof(c.node.address), "127.0.0.1:2377");
	c.node.role = SWARM_MANAGER;
	apply(store, &c);
	const char *names[] = { "api", "front" };
	for (int s = 0; s < 2; s++) {
		swarm_command_init(&c, SWARM_SERVICE_CREATE, 1);
		swarm_service_spec_default(&c.spec, names[s], "shop:1");
		c.spec.replicas = s == 0 ? 2 : 1;
		c.spec.ports = calloc(1, sizeof(*c.spec.ports));
		c.spec.ports[0] = (struct swarm_port){ .target = target, .published = s == 0 ? 0 : front_port,
		                                       .host_mode = s == 0 };
		c.spec.port_count = 1;
		apply(store, &c);
	}
	/* api's tasks run on backends 0 and 1, front's on backend 2 */
	for (int b = 0; b < BACKENDS; b++) {
		swarm_command_init(&c, SWARM_TASK_CREATE, 1);
		snprintf(c.task.service, sizeof(c.task.service), "%s", names[b == 2]);
		c.task.slot = b == 2 ? 1 : (uint32_t)b + 1;
		c.task.service_version = 1;
		apply(store, &c);
		uint64_t id = store->tasks[store->task_count - 1].id;
		swarm_command_init(&c, SWARM_TASK_ASSIGN, 1);
		c.task_id = id;
		snprintf(c.name, sizeof(c.name), "n1");
		apply(store, &c);
		swarm_command_init(&c, SWARM_TASK_STATE, 1);
		c.task_id = id;
		c.state = SWARM_TASK_RUNNING;
		c.endpoints[0] = (struct swarm_endpoint){ .target = target, .published = backends[b].port };
		c.endpoint_count = 1;
		apply(store, &c);
	}
}

START_TEST(a_table_from_the_leaders_store_served_on_a_node_reaches_services_by_name_and_by_port)
{
	uint16_t front_port = (uint16_t)harness_free_port(), target;
	do
		target = (uint16_t)harness_free_port();
	while (target == front_port);
	struct swarm_store store;
	store_with_api_and_front(&store, target, front_port);
	char cidr[32];
	snprintf(cidr, sizeof(cidr), "198.19.%d.0/24", (int)getpid() % 250);
	struct subnet vips;
	ck_assert_int_eq(subnet_parse(cidr, &vips), 0);
	char *json = swarm_mesh_table_json(&store, &vips); /* the leader */
	ck_assert_msg(json, "%s", error_message());
	swarm_store_free(&store);

	struct swarm_mesh *mesh; /* a node */
	ck_assert_int_eq(swarm_mesh_start(&mesh), 0);
	ck_assert_msg(swarm_mesh_serve(mesh, json, strlen(json), &vips) == 0, "%s", error_message());
	/* what a task's /etc/hosts gets: "VIP<tab>api" and "VIP<tab>front" */
	char *hosts = swarm_mesh_hosts_lines(json, strlen(json));
	ck_assert_ptr_nonnull(hosts);
	char api_address[INET_ADDRSTRLEN] = "";
	ck_assert_msg(sscanf(hosts, "%15[0-9.]\tapi\n", api_address) == 1, "%s", hosts);
	ck_assert_ptr_nonnull(strstr(hosts, "\tfront\n"));
	struct in_addr api_vip;
	ck_assert_int_eq(inet_pton(AF_INET, api_address, &api_vip), 1);
	int share[BACKENDS] = { 0 };
	for (int i = 0; i < 4; i++) {
		char body[64];
		ck_assert_int_eq(http_get_at(api_vip, target, body, sizeof(body)), 0);
		ck_assert_int_ge(backend_named(body), 0);
		share[backend_named(body)]++;
	}
	ck_assert_msg(share[0] == 2 && share[1] == 2 && share[2] == 0, "api: %d/%d/%d", share[0], share[1], share[2]);
	char body[64];
	ck_assert_int_eq(http_get(front_port, body, sizeof(body)), 0);
	ck_assert_str_eq(body, backends[2].name);

	/* every service gone: the addresses leave the bridge, the ports close */
	ck_assert_int_eq(swarm_mesh_serve(mesh, "{\"services\":[]}", 15, &vips), 0);
	ck_assert(!is_local(api_vip));
	swarm_mesh_stop(mesh);
	ck_assert(refused(front_port));
	free(hosts);
	free(json);
}
END_TEST

START_TEST(a_running_tasks_hosts_file_follows_the_services_in_place_and_in_its_extra_hosts)
{
	static const char id[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	char hosts[PATH_MAX], extra[PATH_MAX], folder[PATH_MAX];
	network_container_file(id, "hosts", hosts, sizeof(hosts));
	network_container_file(id, "extra-hosts", extra, sizeof(extra));
	network_container_file(id, "", folder, sizeof(folder));
	ck_assert_int_eq(make_dirs(folder, 0755), 0);
	static const char localhost[] = "127.0.0.1\tlocalhost\n", registry[] = "10.0.0.9\tregistry\n";
	ck_assert_int_eq(write_file_atomic_nosync(hosts, localhost, strlen(localhost), 0644), 0);
	ck_assert_int_eq(write_file_atomic_nosync(extra, registry, strlen(registry), 0644), 0); /* --add-host */
	struct stat before;
	ck_assert_int_eq(stat(hosts, &before), 0);

	ck_assert_msg(swarm_vip_hosts_install(id, "198.18.0.7\tapi\n") == 0, "%s", error_message());
	char *text = read_file(hosts, NULL);
	ck_assert_str_eq(text, "127.0.0.1\tlocalhost\n" SWARM_VIP_HOSTS_BEGIN "198.18.0.7\tapi\n" SWARM_VIP_HOSTS_END);
	free(text);
	struct stat after;
	ck_assert_int_eq(stat(hosts, &after), 0);
	ck_assert_int_eq(before.st_ino, after.st_ino); /* the bind mount in the container sees it */
	text = read_file(extra, NULL); /* chapter 02 appends this on its next rewrite */
	ck_assert_str_eq(text, "10.0.0.9\tregistry\n" SWARM_VIP_HOSTS_BEGIN "198.18.0.7\tapi\n" SWARM_VIP_HOSTS_END);
	free(text);

	ck_assert_int_eq(swarm_vip_hosts_install(id, ""), 0); /* the last service is gone */
	text = read_file(extra, NULL);
	ck_assert_str_eq(text, "10.0.0.9\tregistry\n");
	free(text);
	text = read_file(hosts, NULL);
	ck_assert_str_eq(text, "127.0.0.1\tlocalhost\n");
	free(text);
}
END_TEST

/* The price of the mesh: one more connection and a relay per request. A bounded loop of
 * requests, direct to a backend then through the mesh; the figures are printed for the lesson. */
START_TEST(requests_per_second_through_the_mesh_and_direct)
{
	enum { REQUESTS = 2000 };
	uint16_t port = (uint16_t)harness_free_port();
	struct swarm_mesh *mesh = mesh_serving(port);
	double rate[2];
	for (int through_mesh = 0; through_mesh < 2; through_mesh++) {
		struct timespec start;
		clock_gettime(CLOCK_MONOTONIC, &start);
		int failed = 0, done = 0;
		/* round robin over the three, direct too, so that both loops see the same servers */
		for (; done < REQUESTS && seconds_since(&start) < 20.0; done++) {
			char body[64];
			uint16_t to = through_mesh ? port : backends[done % BACKENDS].port;
			failed += http_get(to, body, sizeof(body)) < 0;
		}
		ck_assert_int_eq(failed, 0);
		rate[through_mesh] = done / seconds_since(&start);
	}
	printf("routing mesh: %.0f requests/s through the mesh, %.0f direct (%.2fx), %d sequential HTTP/1.0 "
	       "requests on loopback\n", rate[1], rate[0], rate[1] / rate[0], REQUESTS);
	swarm_mesh_stop(mesh);
}
END_TEST

Suite *swarm_mesh_system_suite(void)
{
	Suite *s = suite_create("08-swarm mesh");
	TCase *t = tcase_create("mesh");
	tcase_add_checked_fixture(t, start_backends, stop_backends);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, thirty_requests_through_the_mesh_go_ten_to_each_of_three_backends);
	tcase_add_test(t, a_killed_backend_costs_no_request_its_connections_go_to_the_next);
	tcase_add_test(t, a_service_whose_tasks_are_all_gone_resets_its_clients_at_once);
	tcase_add_test(t, a_changed_table_opens_the_new_port_and_closes_the_old);
	tcase_add_test(t, a_port_in_use_and_a_udp_port_are_reported_and_the_other_ports_still_served);
	tcase_add_test(t, each_services_virtual_ip_on_the_bridge_reaches_that_service_on_a_shared_port);
	tcase_add_test(t, requests_per_second_through_the_mesh_and_direct);
	suite_add_tcase(s, t);
	TCase *node = tcase_create("node");
	harness_use_sandbox(node); /* the default network's state (its bridge: the harness's own) */
	tcase_add_checked_fixture(node, start_backends, stop_backends);
	tcase_set_timeout(node, 60);
	tcase_add_test(node, a_table_from_the_leaders_store_served_on_a_node_reaches_services_by_name_and_by_port);
	tcase_add_test(node, a_running_tasks_hosts_file_follows_the_services_in_place_and_in_its_extra_hosts);
	suite_add_tcase(s, node);
	return s;
}
