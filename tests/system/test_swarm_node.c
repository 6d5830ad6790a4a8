/*
 * test_swarm_node.c - node processes on one machine (08-swarm/swarm-node*.c): `swarm init`,
 * managers and a worker joining over TCP, a proposal through a follower, the leader killed
 * and replaced, a killed manager started again from its disk, bad tokens and garbage refused,
 * a worker promoted into Raft and a manager demoted out of it, a task's logs from any node.
 *
 * Each node is a real daemon started by the tinydock binary, with its own TINYDOCK_ROOT and
 * TINYDOCK_RUN (folders n1, n2, ... of the test's folder) and its own loopback address
 * (127.0.0.2, 127.0.0.3, ...: the whole 127.0.0.0/8 is the loopback's, ip(7)), on a port the
 * kernel says is free. Everything started is ended by its pid at the end, also when a test
 * fails: the runner's own teardown (an unchecked fixture, which runs even after the test's
 * process died) kills every node process whose pid file is in the test's folder and whose
 * environment names that folder, so no other process is ever touched, then removes the
 * containers of the nodes' tasks (each node's own `tinydock ps`, `rm -f`).
 *
 * Figures (init, join, the new leader after a SIGKILL of the old one) are printed on stdout.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "files.h"
#include "harness.h"
#include "json.h"
#include "swarm-command.h"
#include "swarm-control.h"
#include "swarm-frame.h"

#define NODES 5
#define DEADLINE_MS 15000
/* The node processes' Raft election timeout, for the figures. */
#define ELECTION_MS 1000

static char folder[PATH_MAX]; /* made by the runner's fixture: n1 .. n5 inside */
static int ports[NODES + 1];

static uint64_t now_ms(void)
{
	return swarm_monotonic_ms();
}

static void pause_ms(int ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&t, NULL);
}

/* Node i's folders in the environment: what `--node` does for the simulator's machines. */
static void use_node(int i)
{
	char root[PATH_MAX], run[PATH_MAX];
	snprintf(root, sizeof root, "%s/n%d/root", folder, i);
	snprintf(run, sizeof run, "%s/n%d/run", folder, i);
	setenv("TINYDOCK_ROOT", root, 1);
	setenv("TINYDOCK_RUN", run, 1);
}

static void address_of(int i, char *address, size_t size)
{
	snprintf(address, size, "127.0.0.%d:%d", i + 1, ports[i]);
}

/* Kill node i's process (by the pid it wrote, when its environment names our folder). */
static pid_t node_pid(int i)
{
	char path[PATH_MAX], env_path[64];
	snprintf(path, sizeof path, "%s/n%d/run/swarm/node.pid", folder, i);
	FILE *f = fopen(path, "r");
	int pid = 0;
	if (!f)
		return 0;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	if (pid <= 1)
		return 0;
	/* the pid is ours only if the process's environment holds our folder */
	snprintf(env_path, sizeof env_path, "/proc/%d/environ", pid);
	size_t size;
	char *environ_text = NULL;
	int fd = open(env_path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		environ_text = calloc(1, 65536);
		size = environ_text ? (size_t)read(fd, environ_text, 65535) : 0;
		for (size_t k = 0; environ_text && k + 1 < size; k++)
			if (environ_text[k] == '\0')
				environ_text[k] = '\n';
		close(fd);
	}
	bool ours = environ_text && strstr(environ_text, folder);
	free(environ_text);
	return ours ? pid : 0;
}

/* Remove every container under node i's state (tasks a failed test left running). */
static void remove_containers(int i)
{
	char root[PATH_MAX], run[PATH_MAX];
	snprintf(root, sizeof root, "%s/n%d/root", folder, i);
	snprintf(run, sizeof run, "%s/n%d/run", folder, i);
	if (access(root, F_OK) < 0)
		return;
	const char *argv[] = { "env", NULL, NULL, tinydock_binary(), "ps", "-aq", NULL };
	char root_env[PATH_MAX + 16], run_env[PATH_MAX + 16];
	snprintf(root_env, sizeof root_env, "TINYDOCK_ROOT=%s", root);
	snprintf(run_env, sizeof run_env, "TINYDOCK_RUN=%s", run);
	argv[1] = root_env;
	argv[2] = run_env;
	struct run_result ps = run_program(NULL, 30, argv);
	for (char *id = strtok(ps.out ? ps.out : (char *)"", "\n"); id; id = strtok(NULL, "\n")) {
		const char *rm[] = { "env", root_env, run_env, tinydock_binary(), "rm", "-f", id, NULL };
		struct run_result r = run_program(NULL, 30, rm);
		run_free(&r);
	}
	run_free(&ps);
}

static void kill_all_nodes(void)
{
	if (!folder[0])
		return;
	for (int i = 1; i <= NODES; i++) {
		pid_t pid = node_pid(i);
		if (pid)
			kill(pid, SIGKILL);
	}
	for (int i = 1; i <= NODES; i++)
		remove_containers(i);
}

/* The runner's fixture: a folder for the nodes; at the end, every node killed, the folder gone. */
static void make_folder(void)
{
	snprintf(folder, sizeof folder, "/tmp/tinydock-swarm-node.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(folder));
}

static void remove_folder(void)
{
	kill_all_nodes();
	pause_ms(100);
	remove_tree(folder);
	folder[0] = '\0';
}

/* The test's own fixture: fresh node folders and ports; at the end, the nodes killed. */
static void fresh_nodes(void)
{
	kill_all_nodes(); /* a test that failed before its teardown left them running */
	for (int i = 1; i <= NODES; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/n%d", folder, i);
		remove_tree(path);
		ck_assert_int_eq(make_dirs(path, 0700), 0);
		ports[i] = harness_free_port();
	}
}

static void end_nodes(void)
{
	kill_all_nodes();
}

/* `tinydock swarm ...` as node i; the result is the caller's to free. */
static struct run_result swarm_as(int i, const char *a, const char *b, const char *c, const char *d, const char *e,
				  const char *f, const char *g, const char *h)
{
	use_node(i);
	return run_tinydock(NULL, 60, "swarm", a, b, c, d, e, f, g, h, (char *)NULL);
}

static uint64_t init_node(int i)
{
	char address[64];
	address_of(i, address, sizeof address);
	uint64_t start = now_ms();
	struct run_result r = swarm_as(i, "init", "--advertise-addr", address, "--listen-addr", address, NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "swarm init: %s", r.err);
	ck_assert_msg(strstr(r.out, "Swarm initialized: current node (") && strstr(r.out, ") is now a manager."), "%s", r.out);
	ck_assert_msg(strstr(r.out, "tinydock swarm join --token SWMTKN-1-"), "%s", r.out);
	run_free(&r);
	return now_ms() - start;
}

static char *join_token(int manager, const char *role)
{
	struct run_result r = swarm_as(manager, "join-token", "-q", role, NULL, NULL, NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "join-token: %s", r.err);
	r.out[strcspn(r.out, "\n")] = '\0';
	char *token = strdup(r.out);
	run_free(&r);
	return token;
}

static uint64_t join_node(int i, int through, const char *role)
{
	char address[64], target[64];
	address_of(i, address, sizeof address);
	address_of(through, target, sizeof target);
	char *token = join_token(1, role);
	uint64_t start = now_ms();
	struct run_result r =
		swarm_as(i, "join", "--token", token, "--advertise-addr", address, "--listen-addr", address, target);
	uint64_t took = now_ms() - start;
	char expected[64];
	snprintf(expected, sizeof expected, "This node joined a swarm as a %s.\n", role);
	ck_assert_msg(r.status == 0, "swarm join: %s", r.err);
	ck_assert_str_eq(r.out, expected);
	run_free(&r);
	free(token);
	return took;
}

/* A control request to node i: the parsed reply (the test fails when there is none). */
static struct json *ask(int i, const char *request)
{
	use_node(i);
	char *reply;
	ck_assert_msg(swarm_control_call(request, &reply, 10000) == 0, "node %d: %s", i, error_message());
	struct json *tree = json_parse(reply, strlen(reply));
	ck_assert_msg(tree != NULL, "%s", reply);
	free(reply);
	return tree;
}

/* Node i's leader, as its info says ("" when it knows none, or does not answer). */
static void leader_of(int i, char *leader, size_t size)
{
	use_node(i);
	char *reply;
	leader[0] = '\0';
	if (swarm_control_call("{\"op\":\"info\"}", &reply, 1000) < 0) {
		error_clear();
		return;
	}
	struct json *tree = json_parse(reply, strlen(reply));
	const char *text = tree ? json_get_string(tree, "leader") : NULL;
	snprintf(leader, size, "%s", text ? text : "");
	json_free(tree);
	free(reply);
}

static int node_index_of(const char *id)
{
	for (int i = 1; i <= NODES; i++) {
		struct json *info = NULL;
		use_node(i);
		char *reply;
		if (swarm_control_call("{\"op\":\"info\"}", &reply, 1000) < 0) {
			error_clear();
			continue;
		}
		info = json_parse(reply, strlen(reply));
		free(reply);
		bool same = info && strcmp(json_get_string(info, "node"), id) == 0;
		json_free(info);
		if (same)
			return i;
	}
	return 0;
}

/* Propose creating service name (no replicas) through node i: its reply. */
static struct json *create_service(int i, const char *name)
{
	struct swarm_command command;
	swarm_command_init(&command, SWARM_SERVICE_CREATE, 0);
	swarm_service_spec_default(&command.spec, name, "busybox:latest");
	command.spec.replicas = 0;
	size_t size;
	char *bytes = swarm_command_encode(&command, &size);
	swarm_command_free(&command);
	ck_assert_ptr_nonnull(bytes);
	char *request = malloc(size + 64);
	snprintf(request, size + 64, "{\"op\":\"propose\",\"command\":%s}", bytes);
	free(bytes);
	struct json *reply = ask(i, request);
	free(request);
	return reply;
}

static bool has_service(const struct json *state, const char *name)
{
	json_for_each(service, json_pointer(state, "/store/services"))
		if (strcmp(json_get_string(json_get(service, "spec"), "name"), name) == 0)
			return true;
	return false;
}

static bool ok(const struct json *reply)
{
	bool value = false;
	return json_bool(json_get(reply, "ok"), &value) == 0 && value;
}

START_TEST(three_managers_and_a_worker_agree_on_one_leader_and_survive_its_loss)
{
	uint64_t init_ms = init_node(1);
	uint64_t join_ms = join_node(2, 1, "manager");
	join_node(3, 2, "manager"); /* through a follower: sent on to the leader */
	join_node(4, 1, "worker");
	printf("swarm node: init %" PRIu64 " ms (its election included), a manager's join %" PRIu64 " ms\n", init_ms, join_ms);

	/* state, from the worker (forwarded to a manager): 4 nodes, 3 managers, one leader */
	struct json *state = ask(4, "{\"op\":\"state\"}");
	ck_assert_msg(ok(state), "%s", json_get_string(state, "error"));
	ck_assert_uint_eq(json_pointer(state, "/store/nodes")->count, 4);
	ck_assert_uint_eq(json_get(state, "managers")->count, 3);
	int leaders = 0;
	json_for_each(m, json_get(state, "managers")) {
		bool leader = false;
		json_bool(json_get(m, "leader"), &leader);
		leaders += leader;
	}
	ck_assert_int_eq(leaders, 1);
	json_free(state);

	char leader[64];
	leader_of(1, leader, sizeof leader);
	int leading = node_index_of(leader);
	ck_assert_int_ne(leading, 0);
	int follower = leading == 2 ? 3 : 2;

	/* asked of a follower, every manager is reachable: the leader's view, not the follower's
	 * (a follower talks to the leader alone and would call the other follower unreachable) */
	state = ask(follower, "{\"op\":\"state\"}");
	ck_assert_msg(ok(state), "%s", json_get_string(state, "error"));
	json_for_each(m, json_get(state, "managers")) {
		bool reachable = false;
		json_bool(json_get(m, "reachable"), &reachable);
		ck_assert_msg(reachable, "manager %s unreachable, asked of a follower", json_get_string(m, "id"));
	}
	json_free(state);

	/* a proposal through a follower is committed */
	struct json *reply = create_service(follower, "web");
	ck_assert_msg(ok(reply), "%s", json_get_string(reply, "error"));
	json_free(reply);
	reply = create_service(4, "web"); /* the same again, through the worker: refused by the store */
	ck_assert(!ok(reply));
	ck_assert_msg(strstr(json_get_string(reply, "error"), "the name is taken"), "%s", json_get_string(reply, "error"));
	json_free(reply);

	/* SIGKILL of the leader: another answers as leader within a deadline */
	pid_t pid = node_pid(leading);
	ck_assert_int_gt(pid, 0);
	uint64_t killed = now_ms();
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	char new_leader[64] = "";
	int other = leading == 1 ? 2 : 1;
	while (now_ms() - killed < DEADLINE_MS) {
		leader_of(other, new_leader, sizeof new_leader);
		if (new_leader[0] && strcmp(new_leader, leader) != 0)
			break;
		pause_ms(10);
	}
	uint64_t failover = now_ms() - killed;
	ck_assert_msg(new_leader[0] && strcmp(new_leader, leader) != 0, "no new leader after %" PRIu64 " ms", failover);
	printf("swarm node: the leader SIGKILLed, a new leader answers after %" PRIu64 " ms (election timeout %d ms)\n",
	       failover, ELECTION_MS);
	state = ask(other, "{\"op\":\"state\"}");
	ck_assert(has_service(state, "web")); /* nothing committed was lost */
	json_free(state);

	/* the killed manager, started again from its disk, rejoins and catches up */
	use_node(leading);
	struct run_result r = run_tinydock(NULL, 60, "swarm", "start", (char *)NULL);
	ck_assert_msg(r.status == 0, "swarm start: %s", r.err);
	run_free(&r);
	reply = create_service(other, "api"); /* committed after its death */
	ck_assert_msg(ok(reply), "%s", json_get_string(reply, "error"));
	json_free(reply);
	bool caught_up = false;
	for (uint64_t start = now_ms(); !caught_up && now_ms() - start < DEADLINE_MS; pause_ms(50)) {
		state = ask(leading, "{\"op\":\"state\"}");
		caught_up = has_service(state, "web") && has_service(state, "api") &&
			    strcmp(json_get_string(state, "leader"), new_leader) == 0;
		json_free(state);
	}
	ck_assert_msg(caught_up, "the restarted manager did not catch up with the leader");

	/* the worker killed and started again: it finds the new leader (its old one is a follower
	 * now, which sends it on) */
	pid = node_pid(4);
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	use_node(4);
	r = run_tinydock(NULL, 60, "swarm", "start", (char *)NULL);
	ck_assert_msg(r.status == 0, "swarm start (worker): %s", r.err);
	ck_assert_msg(strstr(r.out, " started again as a worker.\n"), "%s", r.out);
	run_free(&r);
	char followed[64];
	leader_of(4, followed, sizeof followed);
	ck_assert_str_eq(followed, new_leader);
}
END_TEST

START_TEST(a_join_with_a_wrong_token_is_refused_and_logged)
{
	init_node(1);
	char *token = join_token(1, "worker");
	token[strlen(token) - 1] = token[strlen(token) - 1] == 'a' ? 'b' : 'a'; /* a wrong secret */
	char address[64], target[64];
	address_of(2, address, sizeof address);
	address_of(1, target, sizeof target);
	struct run_result r = swarm_as(2, "join", "--token", token, "--advertise-addr", address, target, NULL, NULL);
	ck_assert_int_ne(r.status, 0);
	ck_assert_msg(strstr(r.err, "refused this node: invalid join token: the secret is wrong"), "%s", r.err);
	run_free(&r);
	/* not in the swarm: no state was kept */
	use_node(2);
	char *reply;
	ck_assert_int_eq(swarm_control_call("{\"op\":\"info\"}", &reply, 1000), -1);
	/* the manager said why in its log */
	char log_path[PATH_MAX];
	snprintf(log_path, sizeof log_path, "%s/n1/run/swarm/node.log", folder);
	char *log = read_file(log_path, NULL);
	ck_assert_ptr_nonnull(log);
	ck_assert_msg(strstr(log, "refused") && strstr(log, "the secret is wrong"), "%s", log);
	free(log);
	free(token);
	r = swarm_as(2, "join", "--token", "SWMTKN-1-nope", target, NULL, NULL, NULL, NULL);
	ck_assert_int_ne(r.status, 0);
	ck_assert_msg(strstr(r.err, "invalid join token: not in the form"), "%s", r.err);
	run_free(&r);
}
END_TEST

/* Raw bytes to node 1's TCP port. */
static void send_raw(const void *bytes, size_t size)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)ports[1]) };
	inet_pton(AF_INET, "127.0.0.2", &sin.sin_addr);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	ck_assert_int_eq(write(fd, bytes, size), (ssize_t)size);
	char buffer[256];
	struct timeval wait = { 5, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
	while (read(fd, buffer, sizeof buffer) > 0) /* until the node hangs up */
		;
	close(fd);
}

START_TEST(garbage_on_the_wire_is_dropped_and_the_node_goes_on)
{
	init_node(1);
	send_raw("\xff\xff\xff\xff", 4);                        /* a length of 4 GiB */
	send_raw("\x00\x00\x00\x00", 4);                        /* a length of 0 */
	send_raw("\x00\x00\x00\x05{nope", 9);                   /* not JSON */
	send_raw("\x00\x00\x00\x27{\"v\":1,\"type\":\"heartbeat\",\"reports\":[]}", 43); /* no hello */
	send_raw("GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27);          /* the wrong protocol */
	struct json *info = ask(1, "{\"op\":\"info\"}");
	ck_assert(ok(info));
	json_free(info);
	char log_path[PATH_MAX];
	snprintf(log_path, sizeof log_path, "%s/n1/run/swarm/node.log", folder);
	char *log = read_file(log_path, NULL);
	ck_assert_ptr_nonnull(log);
	ck_assert_msg(strstr(log, "its length 4294967295 is not within 1 to 1048576"), "%s", log);
	ck_assert_msg(strstr(log, "its first message is heartbeat, not hello"), "%s", log);
	free(log);
}
END_TEST

START_TEST(a_worker_leaves_and_a_manager_leaves_only_with_force)
{
	init_node(1);
	join_node(2, 1, "worker");
	struct run_result r = swarm_as(2, "leave", NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "Node left the swarm.\n");
	run_free(&r);
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/n2/root/swarm/node.json", folder);
	ck_assert_int_eq(access(path, F_OK), -1);
	r = swarm_as(1, "leave", NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	ck_assert_int_ne(r.status, 0);
	ck_assert_msg(strstr(r.err, "use --force"), "%s", r.err);
	run_free(&r);
	r = swarm_as(1, "leave", "--force", NULL, NULL, NULL, NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	r = swarm_as(1, "join-token", "worker", NULL, NULL, NULL, NULL, NULL, NULL);
	ck_assert_int_ne(r.status, 0);
	ck_assert_msg(strstr(r.err, "not part of a swarm"), "%s", r.err);
	run_free(&r);
}
END_TEST

/* Node i's id, as its info says. */
static char *id_of(int i)
{
	struct json *info = ask(i, "{\"op\":\"info\"}");
	char *id = strdup(json_get_string(info, "node"));
	json_free(info);
	return id;
}

/* `node promote` or `node demote` as the CLI does it: a NODE_UPDATE of node target's spec with
 * its new role, proposed through node via. */
static void set_role(int via, int target, const char *role)
{
	char *id = id_of(target);
	/* A manager just promoted answers from its own store until it hears from the leader (a
	 * heartbeat away), and that store may not hold the target's join yet: ask until it does. */
	struct json *state = NULL, *spec = NULL;
	for (uint64_t start = now_ms(); !spec && now_ms() - start < DEADLINE_MS; pause_ms(50)) {
		json_free(state);
		state = ask(via, "{\"op\":\"state\"}");
		json_for_each(record, json_pointer(state, "/store/nodes"))
			if (strcmp(json_get_string(json_get(record, "spec"), "id"), id) == 0)
				spec = json_get(record, "spec");
	}
	ck_assert_msg(spec != NULL, "node %d's state never listed node %d", via, target);
	ck_assert_ptr_nonnull(json_set(spec, "role", json_new_string(role)));
	char *text = json_write(spec, 0, NULL);
	char request[4096];
	snprintf(request, sizeof request, "{\"op\":\"propose\",\"command\":{\"op\":\"node-update\",\"at\":0,\"node\":%s}}", text);
	struct json *reply = ask(via, request);
	ck_assert_msg(ok(reply), "%s", json_get_string(reply, "error"));
	json_free(reply);
	free(text);
	json_free(state);
	free(id);
}

/* Wait until node i's state lists count managers and node target's info says role. */
static void wait_for_roles(int i, size_t count, int target, const char *role)
{
	size_t managers = 0;
	char said[32] = "";
	for (uint64_t start = now_ms(); now_ms() - start < DEADLINE_MS; pause_ms(50)) {
		struct json *state = ask(i, "{\"op\":\"state\"}"), *info = ask(target, "{\"op\":\"info\"}");
		managers = json_get(state, "managers") ? json_get(state, "managers")->count : 0;
		snprintf(said, sizeof said, "%s", json_get_string(info, "role"));
		json_free(state);
		json_free(info);
		if (managers == count && strcmp(said, role) == 0)
			return;
	}
	ck_abort_msg("%zu managers and node %d a %s, not %zu and a %s", managers, target, said, count, role);
}

START_TEST(a_promoted_worker_joins_raft_and_a_demoted_manager_leaves_it)
{
	init_node(1);
	join_node(2, 1, "worker");
	join_node(3, 1, "worker");
	set_role(1, 2, "manager");
	wait_for_roles(1, 2, 2, "manager");
	set_role(2, 3, "manager"); /* through the new manager, a follower */
	wait_for_roles(3, 3, 3, "manager");
	/* the promoted managers hold the store: a proposal through one is committed */
	struct json *reply = create_service(3, "web");
	ck_assert_msg(ok(reply), "%s", json_get_string(reply, "error"));
	json_free(reply);
	set_role(1, 2, "worker");
	wait_for_roles(1, 2, 2, "worker");
	struct run_result r = swarm_as(2, "join-token", "worker", NULL, NULL, NULL, NULL, NULL, NULL);
	ck_assert_int_ne(r.status, 0); /* a worker shows no tokens */
	run_free(&r);
}
END_TEST

/* A task's logs, node i asked. */
static struct json *logs_of(int i, uint64_t task)
{
	char request[64];
	snprintf(request, sizeof request, "{\"op\":\"logs\",\"task\":%" PRIu64 "}", task);
	return ask(i, request);
}

START_TEST(a_task_s_logs_are_given_by_any_node_and_tasks_stop_when_their_node_leaves)
{
	init_node(1);
	join_node(2, 1, "worker");
	struct swarm_command command;
	swarm_command_init(&command, SWARM_SERVICE_CREATE, 0);
	swarm_service_spec_default(&command.spec, "talk", "busybox:latest");
	command.spec.replicas = 2;
	ck_assert_int_eq(swarm_strings_add(&command.spec.command, "sh"), 0);
	ck_assert_int_eq(swarm_strings_add(&command.spec.command, "-c"), 0);
	ck_assert_int_eq(swarm_strings_add(&command.spec.command, "echo said-by-$(hostname); exec sleep 600"), 0);
	size_t size;
	char *bytes = swarm_command_encode(&command, &size);
	swarm_command_free(&command);
	char *request = malloc(size + 64);
	snprintf(request, size + 64, "{\"op\":\"propose\",\"command\":%s}", bytes);
	free(bytes);
	struct json *reply = ask(2, request); /* through the worker */
	free(request);
	ck_assert_msg(ok(reply), "%s", json_get_string(reply, "error"));
	json_free(reply);
	/* both tasks run, one on each node (the scheduler spreads them) */
	uint64_t tasks[2] = { 0, 0 };
	size_t running = 0;
	for (uint64_t start = now_ms(); running < 2 && now_ms() - start < 30000; pause_ms(100)) {
		struct json *state = ask(1, "{\"op\":\"state\"}");
		running = 0;
		json_for_each(t, json_pointer(state, "/store/tasks")) {
			int64_t id;
			json_int64(json_get(t, "id"), &id);
			if (strcmp(json_get_string(t, "observed"), "running") == 0 && running < 2)
				tasks[running++] = (uint64_t)id;
		}
		json_free(state);
	}
	ck_assert_msg(running == 2, "the service's tasks did not run");
	/* every task's logs, asked of either node */
	for (int via = 1; via <= 2; via++)
		for (size_t k = 0; k < 2; k++) {
			struct json *logs = NULL;
			for (uint64_t start = now_ms(); now_ms() - start < 10000; pause_ms(100)) {
				json_free(logs);
				logs = logs_of(via, tasks[k]);
				if (ok(logs) && json_get(logs, "lines")->count > 0)
					break;
			}
			ck_assert_msg(ok(logs), "%s", json_get_string(logs, "error"));
			const char *line = json_string(json_at(json_get(logs, "lines"), 0));
			ck_assert_msg(line && strncmp(line, "said-by-", 8) == 0, "%s", line ? line : "(no line)");
			json_free(logs);
		}
	/* leave stops this node's tasks: its containers are gone */
	struct run_result r = swarm_as(2, "leave", NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	use_node(2);
	r = run_tinydock(NULL, 30, "ps", "-aq", (char *)NULL);
	ck_assert_str_eq(r.out, "");
	run_free(&r);
}
END_TEST

Suite *swarm_node_suite(void)
{
	Suite *s = suite_create("08-swarm node processes");
	TCase *t = tcase_create("nodes");
	harness_use_stage(t, 8);
	tcase_add_unchecked_fixture(t, make_folder, remove_folder);
	tcase_add_checked_fixture(t, fresh_nodes, end_nodes);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, three_managers_and_a_worker_agree_on_one_leader_and_survive_its_loss);
	tcase_add_test(t, a_join_with_a_wrong_token_is_refused_and_logged);
	tcase_add_test(t, garbage_on_the_wire_is_dropped_and_the_node_goes_on);
	tcase_add_test(t, a_worker_leaves_and_a_manager_leaves_only_with_force);
	tcase_add_test(t, a_promoted_worker_joins_raft_and_a_demoted_manager_leaves_it);
	tcase_add_test(t, a_task_s_logs_are_given_by_any_node_and_tasks_stop_when_their_node_leaves);
	suite_add_tcase(s, t);
	return s;
}
