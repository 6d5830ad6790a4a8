/*
 * chapter-04.h - the commands chapter 04 adds to tinydock (layers, and a container's changes).
 *
 * Every stage from build/ch04/tinydock on links this table (01-chroot/command.h).
 */
#ifndef TINYDOCK_CHAPTER_04_H
#define TINYDOCK_CHAPTER_04_H

#include "command.h"

extern const struct command chapter_04_commands[];

#endif
