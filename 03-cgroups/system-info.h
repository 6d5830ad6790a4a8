/*
 * system-info.h - `tinydock info` (and `system info`): what this machine's tinydock holds and
 * runs on, in `docker info`'s words (system-info.c).
 */
#ifndef TINYDOCK_SYSTEM_INFO_H
#define TINYDOCK_SYSTEM_INFO_H

#include "command-group.h"

#include <stdio.h>

/* What a later chapter adds to the report: chapter 04 has a storage driver, chapter 05 images. */
struct system_info_more {
	const char *storage_driver; /* "overlay", or NULL: no line (containers on a plain rootfs) */
	long images;                /* how many images, or -1: no line */
};

/* The facts, gathered by system_info_gather and printed by system_info_print (pure). */
struct system_info {
	long containers, running, paused, stopped;
	char cgroup_version[8];   /* Docker's "1" or "2" */
	char cgroup_layout[8];    /* tinydock's "v1", "v2" or "hybrid" */
	char kernel[128], os[128], arch[64], name[128], root[4096];
	long cpus;
	unsigned long long memory; /* bytes */
};

/* Read the facts from the container store, the cgroup mounts, uname(2), /etc/os-release,
 * sysconf(3) and sysinfo(2). 0, or -1 with the message recorded. */
int system_info_gather(struct system_info *info);

/* Print them as `docker info` lays out its Server part. */
void system_info_print(FILE *out, const struct system_info *info, const struct system_info_more *more);

/* `info` for a chapter's binary: gather, then print with what the chapter adds. */
int system_info_command(int argc, char **argv, const struct system_info_more *more);

int cmd_info(int argc, char **argv);

/* `system COMMAND` of chapter 03: info; chapter 05's group extends it with df and prune. */
extern const struct command_group system_group;
int cmd_system(int argc, char **argv);

#endif
