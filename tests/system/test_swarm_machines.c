/*
 * test_swarm_machines.c - `tinydock swarm sim` for real: machines made of namespaces on a bridge,
 * their power and their cables cut and mended, and nothing left after `down`.
 *
 * The node process of each machine is a stand-in here, not a swarm: `probe serve` (a TCP server
 * that answers HOSTNAME:DATA, so an answer says which machine it came from), started by a shell
 * that writes its pid where `swarm init` writes the node's, under `timeout` so that it ends on
 * its own even if everything else here fails. The swarm itself is tested by its own suites; this
 * one tests the machines.
 *
 * Every test has a bridge (tdsm<pid>) and a subnet (10.242.X.0/24, free on this host) of its own
 * and a sandbox for TINYDOCK_RUN, where the machines' folders and namespace mounts live. After
 * each test that passed, `sim down` runs; after one that failed (or when down fails), the runner
 * reads the state file and removes every machine with the library itself, then the bridge and
 * the sandbox (its mounts included), whatever happened.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
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
#include "rtnl.h"
#include "json.h"
#include "swarm-command.h"
#include "swarm-control.h"
#include "swarm-machines.h"
#include "swarm-sim-fixture.h"

static const int ECHO_PORT = 7000;

static char bridge[16];
static char subnet[32];
static char prefix[16]; /* "10.242.X." */

static double now_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void sim_folder(char out[PATH_MAX])
{
	snprintf(out, PATH_MAX, "%s/swarm-sim", sandbox.run);
}

/* The state as the commands left it. */
static int load_state(struct swarm_machines *sim)
{
	char path[PATH_MAX];
	sim_folder(path);
	strcat(path, "/state.json");
	size_t size;
	char *text = read_file(path, &size);
	if (!text)
		return -1;
	int rc = swarm_machines_from_json(text, size, sim);
	free(text);
	return rc;
}

/* The simulations this test case made, one folder a line, for the runner to remove after a
 * failed test: Check does not run a checked teardown after a failure (the test's process ends). */
static char made_list[64];

static void own_bridge(void)
{
	snprintf(bridge, sizeof(bridge), "tdsm%d", (int)getpid() % 10000000);
	harness_free_subnet(242, subnet);
	snprintf(prefix, sizeof(prefix), "%.*s", (int)(strrchr(subnet, '.') - subnet + 1), subnet);
	harness_remove_link_at_end(bridge);
	FILE *list = fopen(made_list, "a");
	ck_assert_ptr_nonnull(list);
	char folder[PATH_MAX];
	sim_folder(folder);
	fprintf(list, "%s\n", folder);
	fclose(list);
}

/* After each test that passed: `sim down`, as a user would (the down test has done it). */
static void take_everything_down(void)
{
	char folder[PATH_MAX];
	sim_folder(folder);
	strcat(folder, "/state.json");
	if (access(folder, F_OK) < 0)
		return;
	struct run_result r = run_tinydock(NULL, 60, "swarm", "sim", "down", NULL);
	if (r.status != 0) {
		fprintf(stderr, "sim down after the test failed (%d), cleaning up by hand: %s", r.status, r.err);
		sim_folder(folder);
		swarm_sim_remove_machines(folder);
	}
	run_free(&r);
}

/* In the runner, around the test case. */
static void start_list(void)
{
	snprintf(made_list, sizeof(made_list), "/tmp/tinydock-swarm-machines.%d", (int)getpid());
	unlink(made_list);
}

static void remove_leftovers(void)
{
	FILE *list = fopen(made_list, "r");
	char folder[PATH_MAX];
	while (list && fgets(folder, sizeof(folder), list)) {
		folder[strcspn(folder, "\n")] = '\0';
		swarm_sim_remove_machines(folder);
	}
	if (list)
		fclose(list);
	unlink(made_list);
}

/* `sim up` with the stand-in node on every machine. */
static void up(int managers, int workers)
{
	char script[1024], m[8], w[8];
	snprintf(script, sizeof(script),
		 "mkdir -p \"$TINYDOCK_RUN/swarm\"; timeout 120 %s serve %d 100000 >/dev/null 2>&1 </dev/null & "
		 "echo $! > \"$TINYDOCK_RUN/swarm/node.pid\"",
		 probe_binary(), ECHO_PORT);
	snprintf(m, sizeof(m), "%d", managers);
	snprintf(w, sizeof(w), "%d", workers);
	struct run_result r = run_tinydock(NULL, 60, "swarm", "sim", "up", "--managers", m, "--workers", w, "--subnet",
					   subnet, "--bridge", bridge, "--", "/bin/sh", "-c", script, NULL);
	ck_assert_msg(r.status == 0, "sim up failed (%d): %s%s", r.status, r.out, r.err);
	run_free(&r);
}

static void address_of(const char *host_number, char out[32])
{
	snprintf(out, 32, "%s%s", prefix, host_number);
}

/*
 * Connect to address:ECHO_PORT from machine (NULL: the host), send data, and give back the
 * answer ("" when there was none within a second). A child does it, so that it can join the
 * machine's network namespace (setns(2)) without taking the test along.
 */
static void exchange(const char *machine, const char *address, const char *data, char reply[256])
{
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(fds[0]);
		if (machine) {
			char path[PATH_MAX];
			sim_folder(path);
			snprintf(path + strlen(path), PATH_MAX - strlen(path), "/%s/net", machine);
			int ns = open(path, O_RDONLY);
			if (ns < 0 || setns(ns, CLONE_NEWNET) < 0)
				_exit(2);
		}
		int s = socket(AF_INET, SOCK_STREAM, 0);
		/* SO_SNDTIMEO bounds connect(2) too (socket(7)); SO_RCVTIMEO the answer. */
		struct timeval second = { .tv_sec = 1 };
		setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &second, sizeof(second));
		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &second, sizeof(second));
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)ECHO_PORT) };
		inet_pton(AF_INET, address, &a.sin_addr);
		if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0 || write(s, data, strlen(data)) < 0 ||
		    shutdown(s, SHUT_WR) < 0)
			_exit(1);
		char buf[256];
		ssize_t n = read(s, buf, sizeof(buf) - 1);
		if (n > 0 && write(fds[1], buf, (size_t)n) != n)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	size_t got = 0;
	ssize_t n;
	struct pollfd p = { fds[0], POLLIN, 0 };
	while (got < 255 && poll(&p, 1, 5000) > 0 && (n = read(fds[0], reply + got, 255 - got)) > 0)
		got += (size_t)n;
	reply[got] = '\0';
	close(fds[0]);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

/* Retry exchange until it gives the expected answer, within seconds. */
static bool answers_within(const char *machine, const char *address, const char *expected, double seconds)
{
	char reply[256];
	for (double deadline = now_seconds() + seconds;;) {
		exchange(machine, address, "ping", reply);
		if (strcmp(reply, expected) == 0)
			return true;
		if (now_seconds() > deadline)
			return false;
		usleep(50 * 1000);
	}
}

/* Gone, or a zombie that nobody reaped yet: either way it runs no more. */
static bool process_gone(pid_t pid)
{
	char path[64], text[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return true;
	ssize_t n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return true;
	text[n] = '\0';
	const char *state = strrchr(text, ')');
	return state && state[1] == ' ' && (state[2] == 'Z' || state[2] == 'X');
}

static const char *const names[] = { "manager1", "manager2", "worker1", "worker2" };
static const char *const hosts[] = { "11", "12", "21", "22" };

START_TEST(every_machine_reaches_every_other_and_the_host_reaches_all)
{
	up(2, 2);
	char address[32], expected[64];
	for (int to = 0; to < 4; to++) {
		address_of(hosts[to], address);
		snprintf(expected, sizeof(expected), "%s:ping", names[to]);
		ck_assert_msg(answers_within(NULL, address, expected, 5), "the host does not reach %s at %s", names[to],
			      address);
		for (int from = 0; from < 4; from++)
			ck_assert_msg(answers_within(names[from], address, expected, 5), "%s does not reach %s at %s",
				      names[from], names[to], address);
	}
	struct run_result r = run_tinydock(NULL, 10, "swarm", "sim", "ls", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strstr(r.out, "NAME        ADDRESS         ROLE      PID      STATE\n"), "%s", r.out);
	snprintf(address, sizeof(address), "worker2     %s22", prefix);
	ck_assert_msg(strstr(r.out, address) && strstr(r.out, "worker   "), "%s", r.out);
	ck_assert_int_eq(strstr(r.out, " up\n") != NULL, 1);
	run_free(&r);
	/* --node: any command runs as on the machine, with its own state folders. */
	r = run_tinydock(NULL, 10, "--node", "worker1", "ps", "-a", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	/* Its TINYDOCK_RUN is the machine's: there is no simulation in there. */
	r = run_tinydock(NULL, 10, "--node", "worker1", "swarm", "sim", "ls", NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "/swarm-sim/worker1/run/swarm-sim/state.json"), "%s", r.err);
	run_free(&r);
	r = run_tinydock(NULL, 10, "--node", "worker9", "ps", NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "no machine \"worker9\" in the simulation (it has manager1, manager2, worker1, worker2)"),
		      "%s", r.err);
	run_free(&r);
}
END_TEST

START_TEST(a_partition_cuts_one_machine_off_and_heal_brings_it_back)
{
	up(1, 2);
	char worker1[32], worker2[32];
	address_of("21", worker1);
	address_of("22", worker2);
	ck_assert(answers_within(NULL, worker1, "worker1:ping", 5));
	struct run_result r = run_tinydock(NULL, 10, "swarm", "sim", "partition", "worker1", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	char reply[256];
	exchange(NULL, worker1, "ping", reply);
	ck_assert_msg(reply[0] == '\0', "the host still reaches a partitioned worker1: %s", reply);
	exchange("manager1", worker1, "ping", reply);
	ck_assert_msg(reply[0] == '\0', "manager1 still reaches a partitioned worker1: %s", reply);
	exchange("worker1", worker2, "ping", reply);
	ck_assert_msg(reply[0] == '\0', "a partitioned worker1 still reaches worker2: %s", reply);
	ck_assert_msg(answers_within("manager1", worker2, "worker2:ping", 5), "the others are cut off too");
	r = run_tinydock(NULL, 10, "swarm", "sim", "ls", NULL);
	ck_assert_msg(strstr(r.out, "partitioned\n"), "%s", r.out);
	run_free(&r);
	r = run_tinydock(NULL, 10, "swarm", "sim", "heal", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	ck_assert_msg(answers_within(NULL, worker1, "worker1:ping", 5), "heal did not bring worker1 back");
	ck_assert_msg(answers_within("manager1", worker1, "worker1:ping", 5), "heal did not bring worker1 back");
}
END_TEST

START_TEST(kill_ends_every_process_of_the_machine_its_containers_too_and_restart_starts_its_node_again)
{
	up(1, 2);
	struct swarm_machines sim;
	ck_assert_int_eq(load_state(&sim), 0);
	pid_t node = sim.machines[1].pid, other = sim.machines[2].pid;
	swarm_machines_free(&sim);
	/* A container on worker1: its own namespaces, so only its cgroup tells it is worker1's. */
	struct run_result r = run_tinydock(NULL, 30, "--node", "worker1", "run", "-d", "--network", "none", "--rootfs",
					   sandbox.rootfs, "probe", "sleep", "300", NULL);
	ck_assert_msg(r.status == 0, "run -d on worker1 failed: %s", r.err);
	char id[65];
	snprintf(id, sizeof(id), "%.64s", r.out);
	run_free(&r);
	r = run_tinydock(NULL, 10, "--node", "worker1", "inspect", "-f", "{{.State.Pid}}", id, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	pid_t container = (pid_t)atoi(r.out);
	run_free(&r);
	ck_assert_int_gt(container, 0);
	ck_assert(!process_gone(container) && !process_gone(node));

	r = run_tinydock(NULL, 30, "swarm", "sim", "kill", "worker1", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	ck_assert_msg(process_gone(node), "worker1's node process %d survived the kill", (int)node);
	ck_assert_msg(process_gone(container), "worker1's container %d survived the kill", (int)container);
	ck_assert_msg(!process_gone(other), "worker2's node process died with worker1");
	char address[32], run[PATH_MAX];
	address_of("22", address);
	ck_assert_msg(answers_within(NULL, address, "worker2:ping", 5), "worker2 stopped answering");
	sim_folder(run);
	strcat(run, "/worker1/run/swarm");
	ck_assert_msg(access(run, F_OK) < 0, "worker1's TINYDOCK_RUN kept its files across the power cut");
	r = run_tinydock(NULL, 10, "swarm", "sim", "ls", NULL);
	ck_assert_msg(strstr(r.out, "-        killed\n"), "%s", r.out);
	run_free(&r);

	r = run_tinydock(NULL, 30, "swarm", "sim", "restart", "worker1", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	address_of("21", address);
	ck_assert_msg(answers_within(NULL, address, "worker1:ping", 5), "worker1 does not answer after restart");
	r = run_tinydock(NULL, 10, "--node", "worker1", "ps", "-a", NULL);
	ck_assert_msg(strstr(r.out, "Exited (137)"), "the container's record should say it was killed: %s", r.out);
	run_free(&r);
}
END_TEST

/* True when some mount point is at or below folder. */
static bool mounted_below(const char *folder)
{
	char *info = read_file("/proc/self/mountinfo", NULL);
	ck_assert_ptr_nonnull(info);
	bool found = strstr(info, folder) != NULL;
	free(info);
	return found;
}

static bool link_exists(const char *name)
{
	struct rtnl s;
	ck_assert_int_eq(rtnl_open(&s), 0);
	int index = rtnl_link_index_of(&s, name);
	rtnl_close(&s);
	error_clear();
	return index > 0;
}

START_TEST(down_leaves_no_namespace_mount_link_bridge_process_or_folder)
{
	up(2, 2);
	struct swarm_machines sim;
	ck_assert_int_eq(load_state(&sim), 0);
	char folder[PATH_MAX];
	sim_folder(folder);
	ck_assert(mounted_below(folder) && link_exists(bridge) && link_exists(sim.machines[3].link));
	/* While it is up, its subnet is the host's: another simulation may not take it. */
	char other_run[PATH_MAX], other_bridge[16];
	snprintf(other_run, sizeof(other_run), "%s/other", sandbox.dir);
	snprintf(other_bridge, sizeof(other_bridge), "%.9sb", bridge);
	const char *argv[] = { "env", NULL, tinydock_binary(), "swarm", "sim", "up", "--subnet", subnet, "--bridge",
			       other_bridge, "--", "true", NULL };
	char env[PATH_MAX + 16];
	snprintf(env, sizeof(env), "TINYDOCK_RUN=%s", other_run);
	argv[1] = env;
	harness_remove_link_at_end(other_bridge);
	struct run_result r = run_program(NULL, 30, argv);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "overlaps the host's route to"), "%s", r.err);
	ck_assert(!link_exists(other_bridge));
	run_free(&r);

	r = run_tinydock(NULL, 60, "swarm", "sim", "down", NULL);
	ck_assert_msg(r.status == 0, "sim down failed: %s", r.err);
	ck_assert_msg(strstr(r.out, "worker2: removed\n") && strstr(r.out, "removed\n"), "%s", r.out);
	run_free(&r);
	ck_assert_msg(!mounted_below(folder), "a mount is left below %s", folder);
	ck_assert_msg(!link_exists(bridge), "the bridge %s is left", bridge);
	for (size_t i = 0; i < sim.count; i++) {
		ck_assert_msg(!link_exists(sim.machines[i].link), "the link %s is left", sim.machines[i].link);
		double deadline = now_seconds() + 5;
		while (!process_gone(sim.machines[i].pid) && now_seconds() < deadline)
			usleep(10 * 1000);
		ck_assert_msg(process_gone(sim.machines[i].pid), "%s's node process is left", sim.machines[i].name);
	}
	ck_assert_msg(access(folder, F_OK) < 0, "the folder %s is left", folder);
	swarm_machines_free(&sim);
	r = run_tinydock(NULL, 10, "swarm", "sim", "ls", NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "no simulated machines here"), "%s", r.err);
	run_free(&r);
}
END_TEST

/* The machine's node's answer to {"op":"info"} (through its control socket), or NULL. */
static struct json *node_info(const char *machine)
{
	char run[PATH_MAX];
	sim_folder(run);
	snprintf(run + strlen(run), PATH_MAX - strlen(run), "/%s/run", machine);
	char *saved = strdup(getenv("TINYDOCK_RUN"));
	setenv("TINYDOCK_RUN", run, 1);
	char *reply = NULL;
	struct json *info = NULL;
	if (swarm_control_call("{\"op\":\"info\"}", &reply, 2000) == 0 && swarm_control_reply_ok(reply) == 0)
		info = json_parse(reply, strlen(reply));
	error_clear();
	free(reply);
	setenv("TINYDOCK_RUN", saved, 1);
	free(saved);
	return info;
}

/* The leader machine's node sees, as an id ("" for none), into leader (at most 64 bytes). */
static bool leader_seen_by(const char *machine, char leader[64], char self[64])
{
	struct json *info = node_info(machine);
	if (!info)
		return false;
	const char *l = json_get_string(info, "leader"), *id = json_get_string(info, "node");
	snprintf(leader, 64, "%s", l ? l : "");
	if (self)
		snprintf(self, 64, "%s", id ? id : "");
	json_free(info);
	return l != NULL;
}

/* Wait until machine's node names a leader other than not (""), within seconds. */
static bool new_leader_within(const char *machine, const char *not, char leader[64], double seconds)
{
	for (double deadline = now_seconds() + seconds; now_seconds() < deadline; usleep(50 * 1000))
		if (leader_seen_by(machine, leader, NULL) && leader[0] && strcmp(leader, not) != 0)
			return true;
	return false;
}

START_TEST(a_swarm_on_the_machines_elects_a_new_leader_when_the_leaders_power_is_cut)
{
	char m[8], w[8];
	snprintf(m, sizeof(m), "%d", 3);
	snprintf(w, sizeof(w), "%d", 1);
	double start = now_seconds();
	struct run_result r = run_tinydock(NULL, 90, "swarm", "sim", "up", "--managers", m, "--workers", w, "--subnet",
					   subnet, "--bridge", bridge, NULL);
	ck_assert_msg(r.status == 0, "sim up failed (%d): %s%s", r.status, r.out, r.err);
	ck_assert_msg(strstr(r.out, "manager1 (") && strstr(r.out, "): swarm init, node process ") &&
			      strstr(r.out, "worker1 (") && strstr(r.out, "swarm join as a worker"),
		      "%s", r.out);
	run_free(&r);
	fprintf(stderr, "swarm sim up of 3 managers and 1 worker: %.2f s\n", now_seconds() - start);

	/* Each node runs on its machine: its hostname and its address are the machine's. */
	static const char *const machines[] = { "manager1", "manager2", "manager3", "worker1" };
	static const char *const numbers[] = { "11", "12", "13", "21" };
	for (int i = 0; i < 4; i++) {
		struct json *info = node_info(machines[i]);
		ck_assert_msg(info != NULL, "%s's node does not answer", machines[i]);
		char address[40];
		snprintf(address, sizeof(address), "%s%s:2377", prefix, numbers[i]);
		ck_assert_str_eq(json_get_string(info, "hostname"), machines[i]);
		ck_assert_str_eq(json_get_string(info, "address"), address);
		json_free(info);
	}
	char leader[64], manager1[64];
	ck_assert(leader_seen_by("manager1", leader, manager1));
	ck_assert_str_eq(leader, manager1);

	r = run_tinydock(NULL, 30, "swarm", "sim", "kill", "manager1", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	start = now_seconds();
	ck_assert_msg(new_leader_within("manager2", manager1, leader, 10), "no new leader 10 s after manager1's power cut");
	fprintf(stderr, "a new leader after manager1's power cut: %.2f s\n", now_seconds() - start);
	ck_assert_msg(node_info("manager1") == NULL, "manager1's node still answers after the power cut");

	r = run_tinydock(NULL, 60, "swarm", "sim", "restart", "manager1", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	char back[64];
	ck_assert_msg(new_leader_within("manager1", "", back, 10), "manager1 knows no leader after its restart");
	ck_assert_msg(strcmp(back, manager1) != 0, "manager1 still thinks it leads");
}
END_TEST

/* The leader's state, asked through machine's node (a worker forwards it), or NULL. */
static struct json *swarm_state(const char *machine)
{
	char run[PATH_MAX];
	sim_folder(run);
	snprintf(run + strlen(run), PATH_MAX - strlen(run), "/%s/run", machine);
	char *saved = strdup(getenv("TINYDOCK_RUN"));
	setenv("TINYDOCK_RUN", run, 1);
	char *reply = NULL;
	struct json *state = NULL;
	if (swarm_control_call("{\"op\":\"state\"}", &reply, 3000) == 0 && swarm_control_reply_ok(reply) == 0)
		state = json_parse(reply, strlen(reply));
	error_clear();
	free(reply);
	setenv("TINYDOCK_RUN", saved, 1);
	free(saved);
	return state;
}

/* Propose, through manager1, a service of replicas tasks that sleep in busybox. */
static void create_sleepers(const char *name, uint32_t replicas)
{
	struct swarm_command command;
	swarm_command_init(&command, SWARM_SERVICE_CREATE, 0);
	swarm_service_spec_default(&command.spec, name, "busybox:latest");
	command.spec.replicas = replicas;
	ck_assert_int_eq(swarm_strings_add(&command.spec.command, "sleep"), 0);
	ck_assert_int_eq(swarm_strings_add(&command.spec.command, "300"), 0);
	size_t size;
	char *bytes = swarm_command_encode(&command, &size);
	swarm_command_free(&command);
	ck_assert_ptr_nonnull(bytes);
	char *request = malloc(size + 64), run[PATH_MAX], *reply = NULL;
	snprintf(request, size + 64, "{\"op\":\"propose\",\"command\":%s}", bytes);
	free(bytes);
	sim_folder(run);
	strcat(run, "/manager1/run");
	char *saved = strdup(getenv("TINYDOCK_RUN"));
	setenv("TINYDOCK_RUN", run, 1);
	int rc = swarm_control_call(request, &reply, 10000);
	setenv("TINYDOCK_RUN", saved, 1);
	free(saved);
	free(request);
	ck_assert_msg(rc == 0 && swarm_control_reply_ok(reply) == 0, "service create: %s", rc == 0 ? reply : error_message());
	free(reply);
}

/* The id of the node whose hostname is machine, from a state ("" when absent). */
static void node_id_of(const struct json *state, const char *machine, char id[64])
{
	id[0] = '\0';
	json_for_each(node, json_pointer(state, "/store/nodes")) {
		const struct json *spec = json_get(node, "spec");
		if (strcmp(json_get_string(spec, "hostname"), machine) == 0)
			snprintf(id, 64, "%s", json_get_string(spec, "id"));
	}
}

/* How many tasks run, and how many of them on node (an id, or "" for none). */
static void count_running(const struct json *state, const char *node, int *running, int *on_node)
{
	*running = *on_node = 0;
	json_for_each(task, json_pointer(state, "/store/tasks")) {
		const char *observed = json_get_string(task, "observed"), *desired = json_get_string(task, "desired");
		if (!observed || !desired || strcmp(observed, "running") != 0 || strcmp(desired, "running") != 0)
			continue;
		(*running)++;
		if (strcmp(json_get_string(task, "node"), node) == 0)
			(*on_node)++;
	}
}

/* Wait, within seconds, until replicas tasks run, none on node; true when they do. */
static bool all_running_elsewhere_within(const char *ask, int replicas, const char *node, double seconds)
{
	for (double deadline = now_seconds() + seconds; now_seconds() < deadline; usleep(100 * 1000)) {
		struct json *state = swarm_state(ask);
		int running = 0, on_node = 0;
		if (state)
			count_running(state, node, &running, &on_node);
		json_free(state);
		if (running == replicas && on_node == 0)
			return true;
	}
	return false;
}

START_TEST(a_workers_power_cut_ends_its_tasks_and_the_swarm_runs_them_on_the_others)
{
	struct run_result r = run_tinydock(NULL, 90, "swarm", "sim", "up", "--managers", "1", "--workers", "2", "--subnet",
					   subnet, "--bridge", bridge, NULL);
	ck_assert_msg(r.status == 0, "sim up failed (%d): %s%s", r.status, r.out, r.err);
	run_free(&r);
	create_sleepers("web", 6);
	ck_assert_msg(all_running_elsewhere_within("manager1", 6, "", 60), "the 6 tasks of web never all ran");
	struct json *state = swarm_state("manager1");
	ck_assert_ptr_nonnull(state);
	char worker1[64];
	int running, on_worker1;
	node_id_of(state, "worker1", worker1);
	count_running(state, worker1, &running, &on_worker1);
	json_free(state);
	ck_assert_msg(on_worker1 > 0, "the scheduler put no task on worker1");
	/* worker1's tasks are containers of its own, recorded in its TINYDOCK_ROOT. */
	r = run_tinydock(NULL, 10, "--node", "worker1", "ps", "-q", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	int containers = 0;
	for (const char *line = r.out; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : line + strlen(line))
		containers++;
	ck_assert_int_eq(containers, on_worker1);
	run_free(&r);

	double start = now_seconds();
	r = run_tinydock(NULL, 30, "swarm", "sim", "kill", "worker1", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	r = run_tinydock(NULL, 10, "--node", "worker1", "ps", "-q", NULL);
	ck_assert_msg(r.status == 0 && r.out[0] == '\0', "worker1's containers still run after its power cut: %s", r.out);
	run_free(&r);
	ck_assert_msg(all_running_elsewhere_within("manager1", 6, worker1, 30),
		      "web's tasks did not all run again on manager1 and worker2 within 30 s");
	fprintf(stderr, "worker1's %d tasks running elsewhere after its power cut: %.2f s\n", on_worker1,
		now_seconds() - start);
}
END_TEST

Suite *swarm_machines_system_suite(void)
{
	Suite *s = suite_create("08-swarm machines");
	TCase *t = tcase_create("simulated machines");
	harness_use_stage(t, 8);
	harness_use_sandbox(t);
	tcase_add_unchecked_fixture(t, start_list, remove_leftovers);
	tcase_add_checked_fixture(t, own_bridge, take_everything_down);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, every_machine_reaches_every_other_and_the_host_reaches_all);
	tcase_add_test(t, a_partition_cuts_one_machine_off_and_heal_brings_it_back);
	tcase_add_test(t, kill_ends_every_process_of_the_machine_its_containers_too_and_restart_starts_its_node_again);
	tcase_add_test(t, down_leaves_no_namespace_mount_link_bridge_process_or_folder);
	tcase_add_test(t, a_swarm_on_the_machines_elects_a_new_leader_when_the_leaders_power_is_cut);
	tcase_add_test(t, a_workers_power_cut_ends_its_tasks_and_the_swarm_runs_them_on_the_others);
	suite_add_tcase(s, t);
	return s;
}
