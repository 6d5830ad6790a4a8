/*
 * stage-08.c - what build/ch08/tinydock is: the whole system (command.h), every chapter's
 * commands, and `run` with every extension; the Makefile links build/tinydock as this file.
 * When chapters 06 and 07 are written, their tables and run extensions join the lists here.
 */
#include "chapter-01.h"
#include "chapter-02.h"
#include "chapter-03.h"
#include "chapter-04.h"
#include "chapter-05.h"
#include "image-run.h"
#include "overlay-run.h"
#include "run-extension.h"
#include "runtime.h"

#include <stddef.h>

/* --- `run` in this stage ------------------------------------------------------------------
 * Chapter 02's run with the extensions linked so far (02-namespaces/run-extension.h), in this
 * order: each prepare hook may use what the ones before it set up. */
static const struct run_extension *const run_extensions[] = {
	&runtime_run_extension, /* 03-cgroups: -d, --name, --rm, --restart, limits, state, monitor */
	&image_run_extension,   /* 05-images: IMAGE operand, config defaults, layers as lowers */
	&overlay_run_extension, /* 04-layers: the rootfs as an overlay (image layers or --rootfs DIR) */
};

static int cmd_run_extended(int argc, char **argv)
{
	return run_with_extensions(argc, argv, run_extensions, sizeof(run_extensions) / sizeof(run_extensions[0]));
}

static const struct command run_in_this_stage[] = {
	{ "run", cmd_run_extended, "08-swarm", NULL },
	{ NULL, NULL, NULL, NULL },
};
/* --- end of `run` ------------------------------------------------------------------------ */

const struct command *const stage_commands[] = {
	chapter_01_commands,
	chapter_02_commands,
	chapter_03_commands,
	chapter_04_commands,
	chapter_05_commands,
	run_in_this_stage,
	NULL,
};
