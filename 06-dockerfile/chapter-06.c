/*
 * chapter-06.c - the commands of chapter 06: volumes, and images built from a Dockerfile.
 */
#include "chapter-06.h"
#include "build-cache.h"
#include "build.h"

#include <stddef.h>

const struct command chapter_06_commands[] = {
	/* Dockerfile builds (build.c, build-cache.c) */
	{ "build", cmd_build, "06-dockerfile", "Build an image from a Dockerfile" },
	{ "builder", cmd_builder, "06-dockerfile", "Manage the build cache (prune)" },
	{ NULL, NULL, NULL, NULL },
};
