/*
 * chapter-08.h - the commands chapter 08 adds to tinydock (the swarm).
 *
 * build/ch08/tinydock links this table after chapter 07's (01-chroot/command.h).
 */
#ifndef TINYDOCK_CHAPTER_08_H
#define TINYDOCK_CHAPTER_08_H

#include "command.h"

extern const struct command chapter_08_commands[];

#endif
