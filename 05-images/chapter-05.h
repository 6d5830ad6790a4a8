/*
 * chapter-05.h - the commands chapter 05 adds to tinydock (images and registries).
 *
 * Every stage from build/ch05/tinydock on links this table (01-chroot/command.h).
 */
#ifndef TINYDOCK_CHAPTER_05_H
#define TINYDOCK_CHAPTER_05_H

#include "command.h"

extern const struct command chapter_05_commands[];

#endif
