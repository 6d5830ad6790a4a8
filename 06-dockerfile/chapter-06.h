/*
 * chapter-06.h - the commands chapter 06 adds to tinydock (volumes and Dockerfile builds).
 *
 * Every stage from build/ch06/tinydock on links this table (01-chroot/command.h).
 */
#ifndef TINYDOCK_CHAPTER_06_H
#define TINYDOCK_CHAPTER_06_H

#include "command.h"

extern const struct command chapter_06_commands[];

#endif
