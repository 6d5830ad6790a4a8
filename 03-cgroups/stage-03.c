/*
 * stage-03.c - what build/ch03/tinydock is: the commands of chapters 01 to 03 (command.h). Chapter
 * 03's table gives `run` its -d, --name, --rm, --restart, limits and the container's record.
 */
#include "chapter-01.h"
#include "chapter-02.h"
#include "chapter-03.h"

#include <stddef.h>

const struct command *const stage_commands[] = {
	chapter_01_commands,
	chapter_02_commands,
	chapter_03_commands,
	NULL,
};

/* No simulated machines before chapter 08: --node is refused (command.h). */
int (*const stage_select_node)(const char *name) = NULL;
