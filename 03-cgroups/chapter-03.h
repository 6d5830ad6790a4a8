/*
 * chapter-03.h - the commands chapter 03 adds to tinydock (limits, and containers that outlive the command).
 *
 * Every stage from build/ch03/tinydock on links this table (01-chroot/command.h).
 */
#ifndef TINYDOCK_CHAPTER_03_H
#define TINYDOCK_CHAPTER_03_H

#include "command.h"

extern const struct command chapter_03_commands[];

#endif
