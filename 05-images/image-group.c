/*
 * image-group.c - `tinydock image COMMAND`, Docker's management command for images
 * (command-group.h): `image ls` is `images`, `image rm` is `rmi`, `image pull` is `pull`.
 *
 * The table is chapter 05's, as images are. A row names the top-level command that does the
 * work, found in the binary that runs, so `image build` appears with chapter 06's `build`.
 */
#include "command-group.h"
#include "image-commands.h"

#include <stddef.h>

static const struct command_alias image_rows[] = {
	{ "build", "build", NULL, "Build an image from a Dockerfile" },
	{ "history", "history", NULL, "Show the history of an image" },
	{ "import", "import", NULL, "Import the contents from a tarball to create a filesystem image" },
	{ "inspect", NULL, cmd_image_inspect, "Display detailed information on one or more images" },
	{ "load", "load", NULL, "Load an image from a tar archive or STDIN" },
	{ "ls", "images", NULL, "List images" },
	{ "list", "images", NULL, NULL }, /* Docker's alias of ls */
	{ "prune", NULL, cmd_image_prune, "Remove unused images" },
	{ "pull", "pull", NULL, "Download an image from a registry" },
	{ "push", "push", NULL, "Upload an image to a registry" },
	{ "rm", "rmi", NULL, "Remove one or more images" },
	{ "remove", "rmi", NULL, NULL },
	{ "save", "save", NULL, "Save one or more images to a tar archive (streamed to STDOUT by default)" },
	{ "tag", "tag", NULL, "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE" },
	{ NULL, NULL, NULL, NULL },
};

static const struct command_group image_group = { .name = "image", .summary = "Manage images", .rows = image_rows };

int cmd_image(int argc, char **argv)
{
	return command_group_run(&image_group, command_tables(), argc, argv);
}
