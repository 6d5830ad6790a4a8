/*
 * chapter-04.c - the commands of chapter 04: layers by hand, and a container's changes.
 */
#include "chapter-04.h"
#include "container-cmd.h"
#include "layer-cmd.h"

#include <stddef.h>

const struct command chapter_04_commands[] = {
	{ "layer", cmd_layer, "04-layers", "Make, inspect, apply and stack image layers by hand" },
	{ "diff", cmd_diff, "04-layers", "Inspect changes to files or folders on a container's filesystem" },
	{ "export", cmd_export, "04-layers", "Export a container's filesystem as a tar archive" },
	{ NULL, NULL, NULL, NULL },
};
