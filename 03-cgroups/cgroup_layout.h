/*
 * cgroup_layout.h - which cgroup hierarchies this machine has, and where they are mounted.
 *
 * Three layouts exist in the wild (see cgroup_layout.c and README.md):
 *   v2 (unified)  one tree at /sys/fs/cgroup holds every controller (most students' VMs)
 *   v1 (legacy)   one tree per controller: /sys/fs/cgroup/memory, /sys/fs/cgroup/cpu, ...
 *   hybrid        the v1 trees, plus a v2 tree at /sys/fs/cgroup/unified that holds no (or few)
 *                 controllers and is used to track processes
 */
#ifndef TINYDOCK_CGROUP_LAYOUT_H
#define TINYDOCK_CGROUP_LAYOUT_H

#include <limits.h>
#include <stdbool.h>

enum cgroup_mode { CGROUP_V1, CGROUP_V2, CGROUP_HYBRID };

/* The controllers tinydock uses. In v2 "cpuacct" does not exist: cpu.stat counts for every cgroup;
 * nor does "devices": a v2 cgroup takes a device program instead (device-cgroup.c); nor does
 * "freezer": every v2 cgroup has cgroup.freeze (freezer.c, for `pause`). */
enum cgroup_controller { CG_MEMORY, CG_CPU, CG_CPUACCT, CG_CPUSET, CG_PIDS, CG_DEVICES, CG_FREEZER, CG_CONTROLLER_COUNT };

struct cgroup_layout {
	enum cgroup_mode mode;
	char root[PATH_MAX];                        /* /sys/fs/cgroup, or TINYDOCK_CGROUP_ROOT */
	char unified[PATH_MAX];                     /* the v2 tree: root (v2), root/unified (hybrid), "" (v1) */
	char v1[CG_CONTROLLER_COUNT][PATH_MAX];     /* v1 and hybrid: each controller's mount point, or "" */
	bool simulated; /* root is a plain folder laid out like cgroupfs (tests): writes create files */
};

/* The controller's name as the kernel spells it ("memory", "cpu", ...). */
const char *cgroup_controller_name(enum cgroup_controller c);

/* "v1", "v2" or "hybrid". */
const char *cgroup_mode_name(enum cgroup_mode mode);

/* Pure: find the layout of the cgroup file systems mounted at root or below it, from the text of
 * /proc/self/mountinfo. Returns 0, or -1 (message recorded) when no cgroup is mounted there. */
int cgroup_layout_from_mountinfo(const char *mountinfo, const char *root, struct cgroup_layout *layout);

/* Find the layout of a plain folder laid out like a cgroup root (tests' fake roots): a v2 root has
 * cgroup.controllers; a v1 root has one folder per controller; hybrid adds unified/cgroup.controllers. */
int cgroup_layout_from_folder(const char *root, struct cgroup_layout *layout);

/* Detect the layout at root: the argument, else $TINYDOCK_CGROUP_ROOT, else /sys/fs/cgroup. Reads
 * /proc/self/mountinfo; a root where no cgroup is mounted is read as a fake folder (simulated). */
int cgroup_detect(const char *root, struct cgroup_layout *layout);

#endif
