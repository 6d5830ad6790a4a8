/*
 * cgroup_warm.h - the grace period of the first v1 move, paid while the container is being
 * made rather than after (cgroup_warm.c says why it exists at all).
 */
#ifndef TINYDOCK_CGROUP_WARM_H
#define TINYDOCK_CGROUP_WARM_H

#include <stddef.h>
#include <sys/types.h>

#include "cgroup_layout.h"

/* Start a helper process that moves itself to the v1 cgroup it is already in. Returns its pid,
 * or 0 when there is nothing to warm (a v2 tree, a simulated root, no v1 folder of ours to be
 * found); never fails: the helper only saves time. */
pid_t cgroup_warm_start(const struct cgroup_layout *layout);

/* Reap the helper (*helper > 0), once the move it warmed up for is done; sets *helper to 0. */
void cgroup_warm_finish(pid_t *helper);

/* Pure, exposed for tests: the folder of our own cgroup in one v1 tree of layout, from the text
 * of /proc/self/cgroup ("hierarchy-id:controllers:path" lines, cgroups(7)). Returns 0, or -1
 * when no line names a v1 controller that layout has a tree for. */
int cgroup_own_v1_folder(const char *proc_cgroup, const struct cgroup_layout *layout, char *out, size_t size);

#endif
