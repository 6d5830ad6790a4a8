/*
 * chapter-06.c - the commands of chapter 06: volumes, and images built from a Dockerfile.
 */
#include "chapter-06.h"

#include <stddef.h>

const struct command chapter_06_commands[] = {
	{ NULL, NULL, NULL, NULL },
};
