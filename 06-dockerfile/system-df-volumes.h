/*
 * system-df-volumes.h - chapter 06's `system` group: `system df` with the Local Volumes and
 * Build Cache rows (system-df-volumes.c).
 */
#ifndef TINYDOCK_SYSTEM_DF_VOLUMES_H
#define TINYDOCK_SYSTEM_DF_VOLUMES_H

int cmd_system_06(int argc, char **argv);

#endif
