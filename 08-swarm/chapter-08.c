/*
 * chapter-08.c - the commands of chapter 08: the swarm. The swarm's brain in a simulator
 * (`swarm simulate`), then real node processes (`swarm init|join`), on simulated machines
 * (`swarm sim`) or real ones.
 */
#include "chapter-08.h"
#include "swarm-main.h"

#include <stddef.h>

const struct command chapter_08_commands[] = {
	{ "swarm", cmd_swarm, "08-swarm", "Make or join a swarm; simulate one, run one on simulated machines, draw it live" },
	{ NULL, NULL, NULL, NULL },
};
