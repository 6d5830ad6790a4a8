/*
 * container-pause.h - `pause` and `unpause` of a container, with its cgroup's freezer
 * (container-pause.c, freezer.h).
 */
#ifndef TINYDOCK_CONTAINER_PAUSE_H
#define TINYDOCK_CONTAINER_PAUSE_H

#include <stdbool.h>

/* Is the container's cgroup frozen (or freezing)? False when it has none or it cannot be read. */
bool container_is_paused(const char *id);

/* Thaw a paused container (nothing for one that is not): after `kill` or `stop` sent their
 * signal, so that the container's processes take it. 0, or -1 with the message. */
int container_thaw(const char *id);

int cmd_pause(int argc, char **argv);
int cmd_unpause(int argc, char **argv);

#endif
