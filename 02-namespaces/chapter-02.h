/*
 * chapter-02.h - the commands chapter 02 adds to tinydock (run in namespaces, networks, seccomp).
 *
 * Every stage from build/ch02/tinydock on links this table (01-chroot/command.h).
 */
#ifndef TINYDOCK_CHAPTER_02_H
#define TINYDOCK_CHAPTER_02_H

#include "command.h"

extern const struct command chapter_02_commands[];

#endif
