/*
 * system-volumes.h - chapter 06's `system` group: `system df` with the Local Volumes and
 * Build Cache rows, `system prune` with --volumes and the build cache (system-volumes.c).
 */
#ifndef TINYDOCK_SYSTEM_VOLUMES_H
#define TINYDOCK_SYSTEM_VOLUMES_H

int cmd_system_06(int argc, char **argv);

#endif
