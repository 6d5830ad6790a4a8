/*
 * chapter-08.c - the commands of chapter 08: the swarm. Its first part is the swarm's brain
 * in a simulator (`swarm simulate`); real managers and workers come later in the chapter.
 */
#include "chapter-08.h"
#include "swarm-simulate.h"

#include <stddef.h>

const struct command chapter_08_commands[] = {
	{ "swarm", cmd_swarm, "08-swarm", "Simulate a swarm (simulate), or run one on simulated machines (sim)" },
	{ NULL, NULL, NULL, NULL },
};
