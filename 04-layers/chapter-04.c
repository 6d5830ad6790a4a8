/*
 * chapter-04.c - the commands of chapter 04: layers by hand, and a container's changes.
 *
 * `import` here unpacks a tarball into a layer folder; chapter 05's row of the same name replaces
 * it with an import that makes an image (an image needs the digests of chapter 05).
 */
#include "chapter-04.h"
#include "container-cmd.h"
#include "doctor-overlay.h"
#include "layer-cmd.h"
#include "overlay-run.h"

#include <stddef.h>

const struct command chapter_04_commands[] = {
	{ "layer", cmd_layer, "04-layers", "Make, inspect, apply and stack image layers by hand" },
	{ "diff", cmd_diff, "04-layers", "Inspect changes to files or folders on a container's filesystem" },
	{ "export", cmd_export, "04-layers", "Export a container's filesystem as a tar archive" },
	{ "cp", cmd_cp, "04-layers", "Copy files/folders between a container and the local filesystem" },
	{ "import", cmd_import, "04-layers", "Unpack a filesystem tarball into a new layer folder, for run --rootfs" },
	/* chapter 03's run, start and restart, each container on its own overlay root */
	{ "run", overlay_cmd_run, "04-layers", NULL },
	{ "create", overlay_cmd_run, "04-layers", NULL }, /* run's function: create by its name (runtime.h) */
	{ "start", overlay_cmd_start, "04-layers", NULL },
	{ "restart", overlay_cmd_restart, "04-layers", NULL },
	{ "doctor", cmd_doctor_04, "04-layers", NULL }, /* and overlayfs */
	{ NULL, NULL, NULL, NULL },
};
