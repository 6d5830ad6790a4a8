/*
 * cgroup.h - a container's cgroup: create it with its limits, put a process in it, read its
 * usage (cgroup_stats.h), remove it. Works on v1, v2 and hybrid (cgroup_layout.h).
 */
#ifndef TINYDOCK_CGROUP_H
#define TINYDOCK_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup_layout.h"
#include "cgroup_limits.h"

/* Where containers' cgroups go below each tree's root, like Docker's "docker/<id>". */
#define CGROUP_DEFAULT_PARENT "tinydock"

struct cgroup {
	struct cgroup_layout layout;
	char parent[128];                       /* "tinydock" */
	char id[128];                           /* the container's id */
	char v2[PATH_MAX];                      /* its folder in the v2 tree (v2, hybrid), or "" */
	char v1[CG_CONTROLLER_COUNT][PATH_MAX]; /* its folder in each v1 tree it joined, or "" */
};

/* Create parent/id with the limits written (not yet holding any process). On v2 the controllers
 * it needs are enabled in the parents' cgroup.subtree_control first. */
int cgroup_create(const struct cgroup_layout *layout, const char *parent, const char *id,
		  const struct cgroup_limits *limits, struct cgroup *cg);

/* Find the folders of an existing cgroup parent/id (for stats, rm); -1 if none exists. */
int cgroup_open(const struct cgroup_layout *layout, const char *parent, const char *id, struct cgroup *cg);

/* Write value to dir/file in one write(2), explained; a failure names the file and the value, with
 * advice (cgroup_write_hint). On a simulated root the file is created. */
int cgroup_write_value(const struct cgroup_layout *layout, const char *dir, const char *file, const char *value);

/* Move a process into the cgroup (every tree it has): its children are born inside. */
int cgroup_attach(const struct cgroup *cg, pid_t pid);

/* Open the cgroup's v2 folder for a process to be born in (clone3(2), CLONE_INTO_CGROUP): 0
 * with *folder the descriptor (the caller closes it), or *folder = -1 when there is none to be
 * born in (v1 only, or a simulated root); -1 with a message when the open fails. */
int cgroup_open_folder(const struct cgroup *cg, int *folder);

/* cgroup_attach for a process born in the v2 folder: only the v1 trees are left (hybrid), as
 * CLONE_INTO_CGROUP can name a folder of the v2 tree alone (clone(2)). */
int cgroup_attach_v1(const struct cgroup *cg, pid_t pid);

/* The pids of the processes in the cgroup (malloc'd, *count of them). */
int cgroup_pids(const struct cgroup *cg, pid_t **pids, size_t *count);

/* Kill whatever still runs in it, then remove its folders (retrying while the kernel says EBUSY). */
int cgroup_remove(const struct cgroup *cg);

/* Pure, exposed for tests. */

/* Advice for a failed write of a cgroup file, or NULL: why the kernel says err, and what to do. */
const char *cgroup_write_hint(const char *file, int err);

#endif
