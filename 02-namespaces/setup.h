/*
 * setup.h - the container's first process, from clone() to the command's execve (setup.c).
 */
#ifndef TINYDOCK_SETUP_H
#define TINYDOCK_SETUP_H

#include <stdnoreturn.h>

struct container;

/* The child side of clone(): the whole checklist, talking to the parent over sock. */
noreturn void container_main(struct container *c, int sock);

#endif
