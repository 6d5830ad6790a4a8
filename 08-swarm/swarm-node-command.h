/*
 * swarm-node-command.h - `tinydock swarm init|join|join-token|leave|start` (swarm-node-command.c).
 */
#ifndef TINYDOCK_SWARM_NODE_COMMAND_H
#define TINYDOCK_SWARM_NODE_COMMAND_H

#include <stdbool.h>

/* The node process's commands, each with its --help; argv[0] is the command's own name
 * ("init"), as swarm-main.c hands it on. */
int cmd_swarm_init(int argc, char **argv);
int cmd_swarm_join(int argc, char **argv);
int cmd_swarm_join_token(int argc, char **argv);
int cmd_swarm_leave(int argc, char **argv);
int cmd_swarm_start(int argc, char **argv);

#endif
