/*
 * chapter-07.c - the commands of chapter 07: an application of several containers, declared
 * in a compose file (compose.c).
 */
#include "chapter-07.h"
#include "compose.h"

#include <stddef.h>

const struct command chapter_07_commands[] = {
	{ "compose", cmd_compose, "07-compose", "Define and run multi-container applications" },
	{ NULL, NULL, NULL, NULL },
};
