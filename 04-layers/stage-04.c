/*
 * stage-04.c - what build/ch04/tinydock is: the commands of chapters 01 to 04 (command.h). Chapter
 * 04's table puts `run`, `start` and `restart` on an overlay root: each container its own upper
 * layer over --rootfs DIR.
 */
#include "chapter-01.h"
#include "chapter-02.h"
#include "chapter-03.h"
#include "chapter-04.h"

#include <stddef.h>

const struct command *const stage_commands[] = {
	chapter_01_commands,
	chapter_02_commands,
	chapter_03_commands,
	chapter_04_commands,
	NULL,
};

/* No simulated machines before chapter 08: --node is refused (command.h). */
int (*const stage_select_node)(const char *name) = NULL;
