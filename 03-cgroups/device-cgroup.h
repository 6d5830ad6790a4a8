/*
 * device-cgroup.h - put a container's device rules (device-rules.h) into its cgroup: the v1
 * devices controller's files, or a v2 device program attached with bpf(2).
 */
#ifndef TINYDOCK_DEVICE_CGROUP_H
#define TINYDOCK_DEVICE_CGROUP_H

#include <stdbool.h>

#include "cgroup.h"
#include "device-rules.h"

/* Docker's default devices for a container's new cgroup (or every device with --privileged),
 * before any process joins it: the v1 devices controller where a v1 tree has it, else a device
 * program on the v2 folder. -1 (and a message) when the cgroup has neither. */
int device_cgroup_apply(const struct cgroup *cg, bool privileged);

/* v1: write "a" to dir/devices.deny, then each rule to dir/devices.allow. */
int device_cgroup_write_list(const struct cgroup_layout *layout, const char *dir, const struct device_rules *rules);

/* v2: load the rules' program (BPF_PROG_LOAD) and attach it to the cgroup folder dir
 * (BPF_PROG_ATTACH, BPF_CGROUP_DEVICE). */
int device_cgroup_attach_program(const char *dir, const struct device_rules *rules);

/* `tinydock devices`: print the rules and the program a container would get. */
int cmd_devices(int argc, char **argv);

#endif
