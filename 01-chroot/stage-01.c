/*
 * stage-01.c - what build/ch01/tinydock is: chapter 01's commands, nothing else (command.h).
 */
#include "chapter-01.h"

#include <stddef.h>

const struct command *const stage_commands[] = { chapter_01_commands, NULL };

/* No simulated machines before chapter 08: --node is refused (command.h). */
int (*const stage_select_node)(const char *name) = NULL;
