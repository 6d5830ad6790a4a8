/*
 * chapter-08.c - the commands of chapter 08: the swarm. Its first part is the swarm's brain
 * in a simulator (`swarm simulate`); real managers and workers come later in the chapter.
 */
#include "chapter-08.h"
#include "swarm-cli.h"
#include "swarm-simulate.h"

#include <stddef.h>

const struct command chapter_08_commands[] = {
	{ "swarm", cmd_swarm, "08-swarm", "Simulate a swarm of managers and workers (simulate)" },
	{ "node", cmd_node, "08-swarm", "Manage swarm nodes (ls, inspect, update, promote, demote)" },
	{ "service", cmd_service, "08-swarm", "Manage swarm services (create, ls, ps, scale, update, rollback, rm)" },
	{ "stack", cmd_stack, "08-swarm", "Deploy a compose file to the swarm as a stack (deploy, ls, ps, rm)" },
	{ NULL, NULL, NULL, NULL },
};
