/*
 * stage-06.c - what build/ch06/tinydock is: the commands of chapters 01 to 06 (command.h).
 * Chapter 06 adds volumes to `run` and builds images from a Dockerfile.
 */
#include "chapter-01.h"
#include "chapter-02.h"
#include "chapter-03.h"
#include "chapter-04.h"
#include "chapter-05.h"
#include "chapter-06.h"

#include <stddef.h>

const struct command *const stage_commands[] = {
	chapter_01_commands,
	chapter_02_commands,
	chapter_03_commands,
	chapter_04_commands,
	chapter_05_commands,
	chapter_06_commands,
	NULL,
};

/* No simulated machines before chapter 08: --node is refused (command.h). */
int (*const stage_select_node)(const char *name) = NULL;
