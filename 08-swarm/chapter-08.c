/*
 * chapter-08.c - the commands of chapter 08: the swarm. The swarm's brain in a simulator
 * (`swarm simulate`), then real node processes (`swarm init|join`), on simulated machines
 * (`swarm sim`) or real ones, and the commands that use a swarm (`node`, `service`, `stack`).
 */
#include "chapter-08.h"
#include "swarm-cli.h"
#include "swarm-main.h"

#include <stddef.h>

const struct command chapter_08_commands[] = {
	{ "swarm", cmd_swarm, "08-swarm", "Make or join a swarm; simulate one, run one on simulated machines, draw it live" },
	{ "node", cmd_node, "08-swarm", "Manage swarm nodes (ls, inspect, update, promote, demote)" },
	{ "service", cmd_service, "08-swarm", "Manage swarm services (create, ls, ps, scale, update, rollback, rm)" },
	{ "stack", cmd_stack, "08-swarm", "Deploy a compose file to the swarm as a stack (deploy, ls, ps, rm)" },
	{ NULL, NULL, NULL, NULL },
};
