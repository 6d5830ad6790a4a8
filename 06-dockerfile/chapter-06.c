/*
 * chapter-06.c - the commands of chapter 06: volumes, and images built from a Dockerfile.
 *
 * Two rows replace an earlier chapter's command of the same name (command.h): `run` also
 * takes -v, --mount and --tmpfs, and `rm` takes -v.
 */
#include "chapter-06.h"
#include "build-cache.h"
#include "build.h"
#include "volume-commands.h"
#include "volume-run.h"

#include <stddef.h>

const struct command chapter_06_commands[] = {
	/* Volumes (volume-run.c, volume-commands.c): keep these rows together. */
	{ "volume", cmd_volume, "06-dockerfile", "Manage volumes (create, ls, inspect, rm, prune)" },
	{ "run", volume_cmd_run, "06-dockerfile", NULL },
	{ "rm", volume_cmd_rm, "06-dockerfile", NULL },
	/* End of the volumes' rows. */
	/* Dockerfile builds (build.c, build-cache.c) */
	{ "build", cmd_build, "06-dockerfile", "Build an image from a Dockerfile" },
	{ "builder", cmd_builder, "06-dockerfile", "Manage the build cache (prune)" },
	{ NULL, NULL, NULL, NULL },
};
