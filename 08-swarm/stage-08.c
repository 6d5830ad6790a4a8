/*
 * stage-08.c - what build/ch08/tinydock is: the whole system (command.h), every chapter's
 * commands; the Makefile links build/tinydock as this file.
 */
#include "chapter-01.h"
#include "chapter-02.h"
#include "chapter-03.h"
#include "chapter-04.h"
#include "chapter-05.h"
#include "chapter-06.h"
#include "chapter-07.h"
#include "chapter-08.h"
#include "swarm-machines-command.h"

#include <stddef.h>

const struct command *const stage_commands[] = {
	chapter_01_commands,
	chapter_02_commands,
	chapter_03_commands,
	chapter_04_commands,
	chapter_05_commands,
	chapter_06_commands,
	chapter_07_commands,
	chapter_08_commands,
	NULL,
};

/* --node NAME: a machine of `tinydock swarm sim` (command.h). */
int (*const stage_select_node)(const char *name) = swarm_machines_select;
