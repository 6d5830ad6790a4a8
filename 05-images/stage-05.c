/*
 * stage-05.c - what build/ch05/tinydock is: the commands of chapters 01 to 05 (command.h). Chapter
 * 05's table makes `run IMAGE` resolve the image to its layers (the overlay's lowers) and its
 * config (run's defaults).
 */
#include "chapter-01.h"
#include "chapter-02.h"
#include "chapter-03.h"
#include "chapter-04.h"
#include "chapter-05.h"

#include <stddef.h>

const struct command *const stage_commands[] = {
	chapter_01_commands,
	chapter_02_commands,
	chapter_03_commands,
	chapter_04_commands,
	chapter_05_commands,
	NULL,
};

/* No simulated machines before chapter 08: --node is refused (command.h). */
int (*const stage_select_node)(const char *name) = NULL;
