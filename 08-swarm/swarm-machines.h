/*
 * swarm-machines.h - simulated machines made of namespaces: make one, run a command on it, cut
 * its power or its cable, and remove it without a trace.
 *
 * A machine NAME of a simulation in folder SIM (swarm-machines-command.c: $TINYDOCK_RUN/swarm-sim):
 *
 *     SIM/NAME/net    its network namespace, held by a bind mount (as ip-netns(8) holds one)
 *     SIM/NAME/uts    its UTS namespace (its hostname is NAME), held the same way
 *     SIM/NAME/root   its TINYDOCK_ROOT (what a machine keeps on its disk)
 *     SIM/NAME/run    its TINYDOCK_RUN (its tmpfs: emptied when it loses power)
 */
#ifndef TINYDOCK_SWARM_MACHINES_H
#define TINYDOCK_SWARM_MACHINES_H

#include "swarm-machines-plan.h"

#include <limits.h>
#include <stdbool.h>

/* SIM/NAME/WHAT into out (PATH_MAX bytes); WHAT "" for the machine's own folder. */
void swarm_machine_path(const char *sim_folder, const struct swarm_machine *m, const char *what, char out[PATH_MAX]);

/* Make machine m: its folders, its namespaces held by bind mounts, its cable (a veth pair from
 * the bridge to eth0 inside, with its address and a route to the host), lo up. The bridge must
 * exist. On failure, what was made of it is left for swarm_machine_remove. */
int swarm_machine_make(const char *sim_folder, const struct swarm_machines *sim, const struct swarm_machine *m);

/* The result of a command run on a machine. */
struct swarm_machine_output {
	int status;   /* its exit status (128+N after signal N) */
	char *out;    /* what it wrote on stdout, NUL-terminated (malloc'd) */
	char *err;    /* and on stderr */
};
void swarm_machine_output_free(struct swarm_machine_output *o);

/* Run argv (argv[0] found on PATH unless it holds a '/') on machine m: a child joins its
 * namespaces (setns(2)) and executes argv with TINYDOCK_ROOT and TINYDOCK_RUN set to the
 * machine's; its stdout and stderr are collected. Waits at most timeout_ms for it to exit
 * (then kills it and fails). 0 with *output filled whatever the exit status; -1 recorded. */
int swarm_machine_run(const char *sim_folder, const struct swarm_machine *m, char *const argv[], int timeout_ms,
		      struct swarm_machine_output *output);

/* How long a command run on a machine may take: swarm init and join return once the node has
 * joined, which takes a few seconds; a minute means it is stuck. */
#define SWARM_MACHINE_COMMAND_TIMEOUT_MS (60 * 1000)

/* Start m's node process with argv (swarm_machine_run), which must exit 0 and leave the node's
 * pid in the machine's TINYDOCK_RUN/swarm/node.pid (as `tinydock swarm init`, `join` and `start`
 * do): m->pid and m->pid_start are set. stdout of argv goes to *out when
 * out is not NULL (malloc'd). */
int swarm_machine_start(const char *sim_folder, struct swarm_machine *m, char *const argv[], char **out);

/* True when m's node process runs (the same process: pid and start time). */
bool swarm_machine_alive(const struct swarm_machine *m);

/* Cut m's power: SIGKILL every process of the machine (those in its network namespace: the
 * node, its containers' monitors, anything run there) and of its containers (their cgroups),
 * unmount what it had mounted and empty its TINYDOCK_RUN, as a reboot empties a tmpfs. */
int swarm_machine_power_off(const char *sim_folder, const struct swarm_machine *m);

/* Cut (true) or mend (false) m's cable: the host's end of its veth down or up. */
int swarm_machine_cut_cable(const struct swarm_machine *m, bool cut);

/* Remove m: power off, its cable, the namespaces' mounts, its folder. What is already gone
 * is fine, so that it can clean up after a failed make. */
int swarm_machine_remove(const char *sim_folder, const struct swarm_machine *m);

/* Enter machine m in this process (its namespaces and state folders), for `--node NAME`. */
int swarm_machine_enter(const char *sim_folder, const struct swarm_machine *m);

#endif
