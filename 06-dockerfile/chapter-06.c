/*
 * chapter-06.c - the commands of chapter 06: volumes, and images built from a Dockerfile.
 *
 * Two rows replace an earlier chapter's command of the same name (command.h): `run` also
 * takes -v, --mount and --tmpfs, and `rm` takes -v.
 */
#include "chapter-06.h"
#include "build-cache.h"
#include "build.h"
#include "image-commands.h"
#include "inspect.h"
#include "network-format.h"
#include "system-volumes.h"
#include "volume-commands.h"
#include "volume-run.h"

#include <stddef.h>

/* `inspect NAME`: a container, an image, a network or a volume, searched in Docker's order. */
static int inspect_any(int argc, char **argv)
{
	static const struct inspect_kind kinds[] = { { "container", container_inspect_document },
						     { "image", image_inspect_document },
						     { "network", network_inspect_document },
						     { "volume", volume_inspect_document } };
	return inspect_command(argc, argv, kinds, 4);
}

const struct command chapter_06_commands[] = {
	/* Volumes (volume-run.c, volume-commands.c): keep these rows together. */
	{ "volume", cmd_volume, "06-dockerfile", "Manage volumes (create, ls, inspect, rm, prune)" },
	{ "run", volume_cmd_run, "06-dockerfile", NULL },
	{ "create", volume_cmd_run, "06-dockerfile", NULL }, /* run's function: create by its name (runtime.h) */
	{ "rm", volume_cmd_rm, "06-dockerfile", NULL },
	{ "inspect", inspect_any, "06-dockerfile", "Show low-level information on containers, images, networks or volumes (JSON)" },
	/* End of the volumes' rows. */
	/* Dockerfile builds (build.c, build-cache.c) */
	{ "build", cmd_build, "06-dockerfile", "Build an image from a Dockerfile" },
	{ "builder", cmd_builder, "06-dockerfile", "Manage the build cache (prune)" },
	/* system df with the volumes and the build cache (system-volumes.c) */
	{ "system", cmd_system_06, "06-dockerfile", NULL },
	{ NULL, NULL, NULL, NULL },
};
