/*
 * stage-02.c - what build/ch02/tinydock is: the commands of chapters 01 and 02 (command.h).
 *
 * `run` is chapter 02's own (cmd_run: no extensions): namespaces, pivot_root and PID 1, in the
 * foreground, on the --rootfs DIR as it is.
 */
#include "chapter-01.h"
#include "chapter-02.h"

#include <stddef.h>

const struct command *const stage_commands[] = { chapter_01_commands, chapter_02_commands, NULL };

/* No simulated machines before chapter 08: --node is refused (command.h). */
int (*const stage_select_node)(const char *name) = NULL;
