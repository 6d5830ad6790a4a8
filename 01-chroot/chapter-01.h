/*
 * chapter-01.h - the commands chapter 01 adds to tinydock (root filesystems and chroot).
 *
 * Every stage from build/ch01/tinydock on links this table (01-chroot/command.h).
 */
#ifndef TINYDOCK_CHAPTER_01_H
#define TINYDOCK_CHAPTER_01_H

#include "command.h"

extern const struct command chapter_01_commands[];

#endif
