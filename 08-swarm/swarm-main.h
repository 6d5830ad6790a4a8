/*
 * swarm-main.h - `tinydock swarm COMMAND`: the swarm's commands under one name (swarm-main.c).
 */
#ifndef TINYDOCK_SWARM_MAIN_H
#define TINYDOCK_SWARM_MAIN_H

/* argv[0] is "swarm", argv[1] the command; its exit status (125 for a usage error). */
int cmd_swarm(int argc, char **argv);

#endif
