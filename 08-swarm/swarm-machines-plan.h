/*
 * swarm-machines-plan.h - the simulated machines of `tinydock swarm sim`, as data: their names,
 * addresses and links, and the state file that remembers them between commands. Pure.
 *
 * swarm-machines.c makes the machines this plan describes (namespaces, a bridge, veth pairs,
 * node processes) and writes down in the state file what became of them.
 */
#ifndef TINYDOCK_SWARM_MACHINES_PLAN_H
#define TINYDOCK_SWARM_MACHINES_PLAN_H

#include "ipam.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The simulator's defaults: a bridge name of 11 characters leaves room for "-NNN" in its
 * links' names (IFNAMSIZ is 16 with the NUL, netdevice(7)). */
#define SWARM_MACHINES_BRIDGE "td-swarmsim"
#define SWARM_MACHINES_SUBNET "10.199.0.0/24"
#define SWARM_MACHINES_BRIDGE_MAX 11
/* Raft's largest membership (raft-log.h) for managers; workers as many as a /24 holds. */
#define SWARM_MACHINES_MAX_MANAGERS 9
#define SWARM_MACHINES_MAX_WORKERS 200
#define SWARM_MACHINES_MAX (SWARM_MACHINES_MAX_MANAGERS + SWARM_MACHINES_MAX_WORKERS)
/* The port a swarm node listens on (Docker's 2377). */
#define SWARM_MACHINES_NODE_PORT 2377

enum swarm_machine_role { SWARM_MACHINE_MANAGER, SWARM_MACHINE_WORKER };

struct swarm_machine {
	char name[16];                 /* manager1, worker3: as Docker's tutorials name them */
	enum swarm_machine_role role;
	struct in_addr address;        /* on the simulator's subnet */
	char link[16];                 /* the host end of its veth pair: BRIDGE-N, N its host number */
	pid_t pid;                     /* its node process, 0 when none was started */
	unsigned long long pid_start;  /* that process's start time (proc(5) field 22): pids are reused */
	bool killed;                   /* `sim kill` cut its power */
	bool partitioned;              /* `sim partition` cut its cable */
};

struct swarm_machines {
	char bridge[16];
	struct subnet subnet;
	struct in_addr gateway;        /* the bridge's own address: the host on the simulator's network */
	char **node_command;           /* a program run as every machine's node process in place of
					* tinydock's swarm (init/join), or NULL (malloc'd, NULL-terminated) */
	size_t count;
	struct swarm_machine machines[SWARM_MACHINES_MAX];
};

/* Plan managers + workers machines on subnet (CIDR) behind bridge: manager i at host number
 * 10+i, worker i at 20+i (10.199.0.11 is manager1, 10.199.0.21 worker1), so an address says
 * the role. -1 recorded for counts out of range, a bad subnet or bridge, or addresses that do
 * not fit in the subnet. *out is zeroed first; free it with swarm_machines_free. */
int swarm_machines_plan(unsigned managers, unsigned workers, const char *subnet, const char *bridge,
			struct swarm_machines *out);

/* The machine named name, or NULL (with a message naming the machines there are). */
struct swarm_machine *swarm_machines_find(struct swarm_machines *sim, const char *name);

/* A NULL-terminated copy of argv (count strings, or up to its NULL when count is -1); NULL
 * recorded when memory runs out. */
char **swarm_machines_copy_argv(char *const *argv, int count);
void swarm_machines_free_argv(char **argv);

/* "manager", "worker" */
const char *swarm_machine_role_name(enum swarm_machine_role role);

/* What `sim ls` says of a machine, given whether its node process is alive: "killed" (its
 * power is cut), "partitioned" (its cable), "up", or "stopped" (no node process runs). */
const char *swarm_machine_state(const struct swarm_machine *machine, bool alive);

/* The state file's JSON text (malloc'd), and back: *out is filled (zeroed first) or -1 recorded
 * with what is wrong. Everything is checked, as the file may have been edited by hand. */
char *swarm_machines_to_json(const struct swarm_machines *sim);
int swarm_machines_from_json(const char *text, size_t size, struct swarm_machines *out);

void swarm_machines_free(struct swarm_machines *sim);

#endif
