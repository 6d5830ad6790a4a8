/*
 * chapter-07.h - the commands chapter 07 adds to tinydock (compose).
 *
 * Every stage from build/ch07/tinydock on links this table (01-chroot/command.h).
 */
#ifndef TINYDOCK_CHAPTER_07_H
#define TINYDOCK_CHAPTER_07_H

#include "command.h"

extern const struct command chapter_07_commands[];

#endif
