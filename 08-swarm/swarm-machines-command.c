/*
 * swarm-machines-command.c - `tinydock swarm sim`: the lecture's swarm of machines, some of
 * which die, on the one VM of a classroom.
 *
 *     tinydock swarm sim up --managers 3 --workers 4     seven machines, and a swarm on them
 *     tinydock swarm sim ls                              NAME ADDRESS ROLE PID STATE
 *     tinydock --node worker1 ps                         any command, run as on worker1
 *     tinydock swarm sim kill worker1                    its power cut: every process gone
 *     tinydock swarm sim restart worker1                 its power back: `swarm start` there
 *     tinydock swarm sim partition manager1              its cable pulled out
 *     tinydock swarm sim heal                            every cable back
 *     tinydock swarm sim down                            nothing left
 *
 * `up` makes the bridge (the host is its .1, so the host reaches every machine), then each
 * machine (swarm-machines.c), then starts the swarm with the commands a person would type on
 * each machine of Docker's tutorial: `tinydock swarm init --advertise-addr ADDR` on manager1,
 * `tinydock swarm join-token -q manager|worker` there for the tokens, and `tinydock swarm join
 * --token TOKEN ADDR1:2377` on every other, managers first, one at a time (Raft adds members
 * one by one). A program given after `--` is started on every machine instead of tinydock's
 * node: the machines without a swarm, for trying them out, as the tests do.
 *
 * Everything the other commands need is in SIM/state.json (swarm-machines-plan.c), SIM being
 * $TINYDOCK_RUN/swarm-sim; the commands take SIM.lock (flock) while they change it. `up` writes
 * the state before it makes anything, so that `down` finds whatever an interrupted `up` made.
 */
#include "swarm-machines-command.h"
#include "cli.h"
#include "error.h"
#include "files.h"
#include "links.h"
#include "network.h"
#include "rtnl.h"
#include "swarm-machines.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char SIM_HELP[] =
	"Usage:  tinydock swarm sim COMMAND\n"
	"\n"
	"Simulated machines for a swarm on one host: each machine is a network namespace with\n"
	"its own address on a bridge, its own hostname, and its own TINYDOCK_ROOT and TINYDOCK_RUN\n"
	"under $TINYDOCK_RUN/swarm-sim.\n"
	"\n"
	"Commands:\n"
	"  up [--managers N] [--workers N] [--subnet CIDR] [--bridge NAME] [-- PROGRAM [ARG...]]\n"
	"                    Make the machines (1 manager and 2 workers unless told; the bridge\n"
	"                    " SWARM_MACHINES_BRIDGE " on " SWARM_MACHINES_SUBNET ") and start a swarm on them: swarm init\n"
	"                    on manager1, swarm join on the others. PROGRAM, when given, is run\n"
	"                    on every machine instead, and must leave the pid of the process it\n"
	"                    starts in $TINYDOCK_RUN/swarm/node.pid, as swarm init does\n"
	"  ls                List the machines: NAME, ADDRESS, ROLE, PID, STATE (up, killed,\n"
	"                    partitioned, stopped)\n"
	"  kill NAME         Cut the machine's power: SIGKILL its node process, its containers and\n"
	"                    everything else that runs on it\n"
	"  restart NAME      Power the machine on again: its node starts from what its disk\n"
	"                    keeps (tinydock swarm start)\n"
	"  partition NAME    Cut the machine's cable (the host's end of its veth goes down)\n"
	"  heal [NAME]       Mend the machine's cable (every machine's, without NAME)\n"
	"  down              Stop and remove every machine, the bridge and the folders\n"
	"\n"
	"Any tinydock command runs as on a machine with the global option --node NAME (or\n"
	"TINYDOCK_NODE=NAME): `tinydock --node manager1 swarm join-token worker`.\n";

struct sim_paths {
	char folder[PATH_MAX]; /* $TINYDOCK_RUN/swarm-sim */
	char state[PATH_MAX];  /* its state.json */
	char lock[PATH_MAX];   /* $TINYDOCK_RUN/swarm-sim.lock, beside it: `down` removes the folder */
};

static void sim_paths(struct sim_paths *p)
{
	snprintf(p->folder, sizeof(p->folder), "%s/swarm-sim", state_run());
	snprintf(p->state, sizeof(p->state), "%s/state.json", p->folder);
	snprintf(p->lock, sizeof(p->lock), "%s/swarm-sim.lock", state_run());
}

static int take_sim_lock(const struct sim_paths *p)
{
	if (make_dirs(state_run(), 0700) < 0)
		return -1;
	return take_lock(p->lock, 10 * 1000);
}

/* The simulation's state; -1 recorded (ENOENT when there is none). */
static int load(const struct sim_paths *p, struct swarm_machines *sim)
{
	size_t size;
	char *text = read_file(p->state, &size);
	if (!text) {
		if (error_errno() == ENOENT)
			return fail_errno(0, "no simulated machines here (no \"%s\"): `tinydock swarm sim up` makes them",
					  p->state);
		return -1;
	}
	int rc = swarm_machines_from_json(text, size, sim);
	free(text);
	if (rc < 0)
		return fail_context("\"%s\"", p->state);
	return 0;
}

/* The state says which processes are the machines': for root's eyes only. */
static int save(const struct sim_paths *p, const struct swarm_machines *sim)
{
	char *text = swarm_machines_to_json(sim);
	if (!text)
		return fail_context("cannot write the simulation's state");
	int rc = write_file_atomic_nosync(p->state, text, strlen(text), 0600);
	free(text);
	return rc;
}

/* --- up ------------------------------------------------------------------------------------ */

/* The simulator's subnet must be no tinydock network's (the host's routes are checked when the
 * bridge is made, bridge_ensure): two bridges on one subnet would make both unreachable. */
static int check_networks(const struct swarm_machines *sim)
{
	struct network *networks;
	size_t count;
	if (network_list(&networks, &count) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < count && rc == 0; i++) {
		if (strcmp(networks[i].driver, "bridge") != 0 || !subnets_overlap(&sim->subnet, &networks[i].subnet))
			continue;
		char mine[32], theirs[32];
		subnet_format(&sim->subnet, mine, sizeof(mine));
		subnet_format(&networks[i].subnet, theirs, sizeof(theirs));
		rc = fail_errno(0, "subnet %s overlaps tinydock network \"%s\" (%s); choose another one with --subnet",
				mine, networks[i].name, theirs);
	}
	free(networks);
	return rc;
}

/* A bridge of that name left by someone else would be taken over silently by bridge_ensure. */
static int check_bridge_is_new(const char *bridge)
{
	struct rtnl s;
	if (rtnl_open(&s) < 0)
		return -1;
	int index = rtnl_link_index_of(&s, bridge);
	rtnl_close(&s);
	if (index > 0)
		return fail_errno(0, "a link named %s exists already; remove it, or choose another bridge with --bridge",
				  bridge);
	error_clear(); /* "no such device": what we hoped */
	return 0;
}

/* The path of this very binary, so that every machine runs the same tinydock. */
static int self_path(char out[PATH_MAX])
{
	ssize_t n = readlink("/proc/self/exe", out, PATH_MAX - 1);
	if (n < 0)
		return fail_sys("cannot read \"/proc/self/exe\"");
	out[n] = '\0';
	return 0;
}

static void print_started(const struct swarm_machine *m, const char *what)
{
	char address[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &m->address, address, sizeof(address));
	printf("%s (%s): %s, node process %d\n", m->name, address, what, (int)m->pid);
	fflush(stdout);
}

/* A token from `swarm join-token -q ROLE` on manager1: its output, one line. */
static int join_token(const struct sim_paths *p, const struct swarm_machine *manager1, const char *tinydock,
		      const char *role, char *token, size_t size)
{
	char *argv[] = { (char *)tinydock, "swarm", "join-token", "-q", (char *)role, NULL };
	struct swarm_machine_output o;
	if (swarm_machine_run(p->folder, manager1, argv, SWARM_MACHINE_COMMAND_TIMEOUT_MS, &o) < 0)
		return -1;
	int rc = 0;
	o.out[strcspn(o.out, "\r\n")] = '\0';
	if (o.status != 0 || !o.out[0] || strlen(o.out) >= size)
		rc = fail_errno(0, "`tinydock swarm join-token -q %s` on %s exited with %d: %s", role, manager1->name, o.status,
				o.err[0] ? o.err : "no token");
	else
		snprintf(token, size, "%s", o.out);
	swarm_machine_output_free(&o);
	return rc;
}

/* The swarm, as a person would start it on each machine of Docker's tutorial. */
static int start_swarm(const struct sim_paths *p, struct swarm_machines *sim)
{
	char tinydock[PATH_MAX], address[INET_ADDRSTRLEN], leader[INET_ADDRSTRLEN + 8];
	if (self_path(tinydock) < 0)
		return -1;
	struct swarm_machine *manager1 = &sim->machines[0];
	inet_ntop(AF_INET, &manager1->address, address, sizeof(address));
	char *init[] = { tinydock, "swarm", "init", "--advertise-addr", address, NULL };
	if (swarm_machine_start(p->folder, manager1, init, NULL) < 0 || save(p, sim) < 0)
		return -1;
	print_started(manager1, "swarm init");
	char tokens[2][256];
	if (join_token(p, manager1, tinydock, "manager", tokens[0], sizeof(tokens[0])) < 0 ||
	    join_token(p, manager1, tinydock, "worker", tokens[1], sizeof(tokens[1])) < 0)
		return -1;
	snprintf(leader, sizeof(leader), "%s:%d", address, SWARM_MACHINES_NODE_PORT);
	for (size_t i = 1; i < sim->count; i++) {
		struct swarm_machine *m = &sim->machines[i];
		bool manager = m->role == SWARM_MACHINE_MANAGER;
		char *join[] = { tinydock, "swarm", "join", "--token", tokens[manager ? 0 : 1], leader, NULL };
		if (swarm_machine_start(p->folder, m, join, NULL) < 0 || save(p, sim) < 0)
			return -1;
		print_started(m, manager ? "swarm join as a manager" : "swarm join as a worker");
	}
	return 0;
}

/* Every machine's node process is the given program instead. */
static int start_program(const struct sim_paths *p, struct swarm_machines *sim)
{
	for (size_t i = 0; i < sim->count; i++) {
		if (swarm_machine_start(p->folder, &sim->machines[i], sim->node_command, NULL) < 0 || save(p, sim) < 0)
			return -1;
		print_started(&sim->machines[i], sim->node_command[0]);
	}
	return 0;
}

static int tear_down(const struct sim_paths *p, const struct swarm_machines *sim);

static int sim_up(const struct sim_paths *p, struct swarm_machines *sim)
{
	if (access(p->state, F_OK) == 0)
		return fail_errno(0, "the machines are up already (\"%s\"): `tinydock swarm sim down` first", p->state);
	if (check_networks(sim) < 0 || check_bridge_is_new(sim->bridge) < 0)
		return -1;
	if (make_dirs(p->folder, 0700) < 0 || save(p, sim) < 0)
		return -1;
	char subnet[32];
	subnet_format(&sim->subnet, subnet, sizeof(subnet));
	int rc = bridge_ensure(sim->bridge, sim->gateway, sim->subnet.prefix);
	if (rc == 0) {
		char gateway[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &sim->gateway, gateway, sizeof(gateway));
		printf("bridge %s: %s, the host is %s\n", sim->bridge, subnet, gateway);
	}
	for (size_t i = 0; rc == 0 && i < sim->count; i++)
		rc = swarm_machine_make(p->folder, sim, &sim->machines[i]);
	if (rc == 0)
		rc = sim->node_command ? start_program(p, sim) : start_swarm(p, sim);
	if (rc < 0) { /* undo it all: a half-made swarm teaches nothing */
		struct error_saved first;
		error_save(&first);
		if (tear_down(p, sim) < 0)
			error_defer();
		return error_restore(&first);
	}
	return 0;
}

/* --- down, ls, kill, restart, partition, heal ---------------------------------------------- */

/* Remove every machine, the bridge and the folder; goes on past a failure, reports the first. */
static int tear_down(const struct sim_paths *p, const struct swarm_machines *sim)
{
	struct error_saved first = { .message = "" };
	for (size_t i = 0; i < sim->count; i++)
		if (swarm_machine_remove(p->folder, &sim->machines[i]) < 0) {
			if (!first.message[0])
				error_save(&first);
		} else {
			printf("%s: removed\n", sim->machines[i].name);
		}
	if (link_remove(sim->bridge) < 0) {
		if (!first.message[0])
			error_save(&first);
	} else {
		printf("bridge %s: removed\n", sim->bridge);
	}
	if (remove_tree(p->folder) < 0 && !first.message[0])
		error_save(&first);
	return first.message[0] ? error_restore(&first) : 0;
}

static void print_list(const struct swarm_machines *sim)
{
	printf("%-12s%-16s%-10s%-9s%s\n", "NAME", "ADDRESS", "ROLE", "PID", "STATE");
	for (size_t i = 0; i < sim->count; i++) {
		const struct swarm_machine *m = &sim->machines[i];
		char address[INET_ADDRSTRLEN], pid[16] = "-";
		inet_ntop(AF_INET, &m->address, address, sizeof(address));
		bool alive = !m->killed && swarm_machine_alive(m);
		if (alive)
			snprintf(pid, sizeof(pid), "%d", (int)m->pid);
		printf("%-12s%-16s%-10s%-9s%s\n", m->name, address, swarm_machine_role_name(m->role), pid,
		       swarm_machine_state(m, alive));
	}
}

static int sim_kill(const struct sim_paths *p, struct swarm_machines *sim, struct swarm_machine *m)
{
	if (swarm_machine_power_off(p->folder, m) < 0)
		return -1;
	m->killed = true;
	printf("%s: power cut, node process %d and everything else on it killed\n", m->name, (int)m->pid);
	return save(p, sim);
}

static int sim_restart(const struct sim_paths *p, struct swarm_machines *sim, struct swarm_machine *m)
{
	if (!m->killed && swarm_machine_alive(m))
		return fail_errno(0, "machine %s runs: `tinydock swarm sim kill %s` first", m->name, m->name);
	if (m->pid == 0)
		return fail_errno(0, "machine %s never started a node process: nothing to restart", m->name);
	/* The power comes back: a machine that was killed starts from its disk alone, as a
	 * Docker host's daemon does at boot: `tinydock swarm start` takes the node's identity,
	 * Raft log and snapshot back from TINYDOCK_ROOT/swarm. A stand-in program is run again. */
	if (swarm_machine_power_off(p->folder, m) < 0)
		return -1;
	char tinydock[PATH_MAX];
	char *start[] = { tinydock, "swarm", "start", NULL };
	if (!sim->node_command && self_path(tinydock) < 0)
		return -1;
	if (swarm_machine_start(p->folder, m, sim->node_command ? sim->node_command : start, NULL) < 0)
		return -1;
	print_started(m, "restarted");
	return save(p, sim);
}

static int sim_cable(const struct sim_paths *p, struct swarm_machines *sim, struct swarm_machine *m, bool cut)
{
	if (swarm_machine_cut_cable(m, cut) < 0)
		return -1;
	m->partitioned = cut;
	printf("%s: %s\n", m->name, cut ? "partitioned (its cable is cut)" : "healed (its cable is back)");
	return save(p, sim);
}

/* --- the command --------------------------------------------------------------------------- */

static int number_flag(const char *flag, const char *value, unsigned *out)
{
	unsigned long long n;
	if (!value || parse_uint(value, 1000, &n) < 0)
		return usage_error("swarm sim up", "%s needs a number", flag);
	*out = (unsigned)n;
	return 0;
}

/* up's flags into a plan. */
static int parse_up(int argc, char **argv, struct swarm_machines *sim)
{
	unsigned managers = 1, workers = 2;
	const char *subnet = SWARM_MACHINES_SUBNET, *bridge = SWARM_MACHINES_BRIDGE;
	int i = 2, code;
	for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "--managers") == 0) {
			if ((code = number_flag(argv[i], value, &managers)))
				return code;
		} else if (strcmp(argv[i], "--workers") == 0) {
			if ((code = number_flag(argv[i], value, &workers)))
				return code;
		} else if (strcmp(argv[i], "--subnet") == 0 && value) {
			subnet = value;
		} else if (strcmp(argv[i], "--bridge") == 0 && value) {
			bridge = value;
		} else {
			return usage_error("swarm sim up", "unknown flag or missing value: %s", argv[i]);
		}
		i++;
	}
	if (swarm_machines_plan(managers, workers, subnet, bridge, sim) < 0) {
		code = usage_error("swarm sim up", "%s", error_message());
		error_clear();
		return code;
	}
	if (i < argc && i + 1 == argc)
		return usage_error("swarm sim up", "a program to run is expected after --");
	if (i + 1 < argc && !(sim->node_command = swarm_machines_copy_argv(argv + i + 1, argc - i - 1)))
		return error_report(EXIT_TINYDOCK_FAILED);
	return 0;
}

/* The commands that name one machine (heal may name none). */
static int run_on_machine(const struct sim_paths *p, struct swarm_machines *sim, const char *command, const char *name)
{
	if (strcmp(command, "heal") == 0 && !name) {
		for (size_t i = 0; i < sim->count; i++)
			if (sim->machines[i].partitioned && sim_cable(p, sim, &sim->machines[i], false) < 0)
				return -1;
		return 0;
	}
	struct swarm_machine *m = swarm_machines_find(sim, name);
	if (!m)
		return -1;
	if (strcmp(command, "kill") == 0)
		return sim_kill(p, sim, m);
	if (strcmp(command, "restart") == 0)
		return sim_restart(p, sim, m);
	return sim_cable(p, sim, m, strcmp(command, "partition") == 0);
}

int swarm_machines_command(int argc, char **argv)
{
	if (argc < 2 || asks_for_help(argc, argv))
		return argc < 2 ? usage_error("swarm sim", "requires a command: up, ls, kill, restart, partition, heal, down")
				: print_help(SIM_HELP);
	const char *command = argv[1];
	static const char *const one_machine[] = { "kill", "restart", "partition", "heal" };
	bool names_machine = false;
	for (size_t i = 0; i < sizeof(one_machine) / sizeof(one_machine[0]); i++)
		names_machine = names_machine || strcmp(command, one_machine[i]) == 0;
	if (!names_machine && strcmp(command, "up") != 0 && strcmp(command, "ls") != 0 && strcmp(command, "down") != 0)
		return usage_error("swarm sim", "unknown command \"%s\"", command);
	if (strcmp(command, "up") != 0 && argc > (names_machine ? 3 : 2))
		return usage_error("swarm sim", "%s takes %s", command, names_machine ? "one machine's name" : "no arguments");
	if (names_machine && strcmp(command, "heal") != 0 && argc != 3)
		return usage_error("swarm sim", "%s needs a machine's name", command);

	/* Namespaces, mounts and links are root's to make (CAP_SYS_ADMIN, CAP_NET_ADMIN): say so
	 * before anything is half made. */
	if (geteuid() != 0 && strcmp(command, "ls") != 0) {
		fail_errno(EPERM, "%s needs root: machines are namespaces, mounts, a bridge and veth pairs", command);
		return command_failed("swarm sim");
	}
	struct swarm_machines sim = { .count = 0 };
	if (strcmp(command, "up") == 0) {
		int code = parse_up(argc, argv, &sim);
		if (code) {
			swarm_machines_free(&sim);
			return code;
		}
	}
	struct sim_paths p;
	sim_paths(&p);
	int lock = take_sim_lock(&p);
	if (lock < 0) {
		swarm_machines_free(&sim);
		return command_failed("swarm sim");
	}
	int rc;
	if (strcmp(command, "up") == 0) {
		rc = sim_up(&p, &sim);
		if (rc == 0)
			print_list(&sim);
	} else if ((rc = load(&p, &sim)) == 0) {
		if (strcmp(command, "ls") == 0)
			print_list(&sim);
		else if (strcmp(command, "down") == 0)
			rc = tear_down(&p, &sim);
		else
			rc = run_on_machine(&p, &sim, command, argc > 2 ? argv[2] : NULL);
	}
	close(lock);
	swarm_machines_free(&sim);
	return rc < 0 ? command_failed("swarm sim") : 0;
}

int swarm_machines_select(const char *name)
{
	struct sim_paths p;
	struct swarm_machines sim;
	sim_paths(&p);
	if (load(&p, &sim) < 0)
		return fail_context("--node %s", name);
	const struct swarm_machine *m = swarm_machines_find(&sim, name);
	int rc = m ? swarm_machine_enter(p.folder, m) : -1;
	swarm_machines_free(&sim);
	if (rc < 0)
		return fail_context("--node %s", name);
	return 0;
}
