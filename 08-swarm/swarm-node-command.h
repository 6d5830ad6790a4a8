/*
 * swarm-node-command.h - `tinydock swarm init|join|join-token|leave` (swarm-node-command.c).
 */
#ifndef TINYDOCK_SWARM_NODE_COMMAND_H
#define TINYDOCK_SWARM_NODE_COMMAND_H

#include <stdbool.h>

/* Run `swarm ARGV[1] ...` when ARGV[1] is one of the node's commands (*handled then true):
 * its exit status. argv[0] is "swarm". */
int swarm_node_command(int argc, char **argv, bool *handled);

#endif
