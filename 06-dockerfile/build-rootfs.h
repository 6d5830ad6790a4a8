/*
 * build-rootfs.h - an image's files during a build, seen through its unpacked layers: is a path
 * a folder (COPY's destination), what metadata has an existing folder, where is /etc/passwd
 * (--chown by name), and a read-only overlay of them all (COPY --from).
 */
#ifndef TINYDOCK_BUILD_ROOTFS_H
#define TINYDOCK_BUILD_ROOTFS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

struct build_rootfs {
	const char *const *layers; /* unpacked layer folders, LOWEST first (overlay form) */
	size_t count;
};

/* Look path (relative, "" for "/") up as the merged view would show it: the topmost layer
 * that has it, unless a layer above deleted it (an overlay whiteout, or an opaque folder).
 * 1 with *st (lstat) and found (the file in its layer, may be NULL), 0 when absent. */
int build_rootfs_lookup(const struct build_rootfs *r, const char *path, struct stat *st, char found[PATH_MAX]);

/* The merged view of the layers as a folder, *view: a read-only overlay (no upperdir) mounted
 * on target (made), or, for one layer, the layer itself. 0, or -1 with the message. */
int build_rootfs_mount(const struct build_rootfs *r, const char *target, const char **view);
/* Undo build_rootfs_mount: unmount and remove target. */
int build_rootfs_unmount(const struct build_rootfs *r, const char *target);

/* Unmount and remove the views "mnt-PID-N" under folder left by a build that was killed
 * (its PID runs no more). */
void build_rootfs_sweep(const char *folder);

#endif
