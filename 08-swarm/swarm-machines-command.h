/*
 * swarm-machines-command.h - `tinydock swarm sim up|down|ls|kill|restart|partition|heal`, and
 * `--node NAME`: a swarm of simulated machines on one host.
 */
#ifndef TINYDOCK_SWARM_MACHINES_COMMAND_H
#define TINYDOCK_SWARM_MACHINES_COMMAND_H

/* tinydock swarm sim COMMAND ...: argv[0] is "sim". */
int swarm_machines_command(int argc, char **argv);

/* Make this process act on simulated machine name (--node NAME, TINYDOCK_NODE=NAME): join its
 * namespaces and use its TINYDOCK_ROOT and TINYDOCK_RUN. -1 recorded when there is no such
 * machine. */
int swarm_machines_select(const char *name);

#endif
