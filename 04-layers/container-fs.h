/*
 * container-fs.h - a container's root filesystem on disk: its overlay folders.
 *
 * Chapter 04's part of the container folder (03-cgroups/container-store.h has the rest):
 *
 *   $TINYDOCK_ROOT/containers/<id>/fs/lowers   the read-only layers, one absolute folder a
 *                                              line, LOWEST first (the image's order)
 *                                  fs/upper    the container's own changes (upperdir)
 *                                  fs/work     overlay's scratch folder (workdir)
 *                                  fs/merged   the mount point: the container's "/"
 *
 * The lowers are never written: `run --rootfs DIR` has DIR as its one lower, an image its
 * layers. The upper outlives the container, so `diff`, `commit` and `export` work on a stopped
 * container, and `start` mounts the same upper again. Read container-fs.c, then overlay-run.c.
 */
#ifndef TINYDOCK_CONTAINER_FS_H
#define TINYDOCK_CONTAINER_FS_H

#include "overlay.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct container_fs {
	char dir[PATH_MAX]; /* .../containers/<id>/fs */
	char lowers_file[PATH_MAX];
	char upper[PATH_MAX];
	char work[PATH_MAX];
	char merged[PATH_MAX];
	char **lowers; /* from fs/lowers (container_fs_load) or given (container_fs_create) */
	size_t lower_count;
	bool scratch; /* removed when the container ends (--rm): written without fsync (container_fs_create) */
};

/* Pure: "/a\n/b\n" for {"/a", "/b"}, malloc'd. Refuses (NULL, EINVAL) a folder that is not
 * absolute or that holds a newline: it could not be read back. */
char *lowers_format(const char *const *lowers, size_t count);

/* Pure: the folders of text (as lowers_format writes it), malloc'd; free with lowers_free.
 * Refuses an empty list, a relative path, or more than OVERLAY_MAX_LOWERS. */
int lowers_parse(const char *text, char ***lowers, size_t *count);
void lowers_free(char **lowers, size_t count);

/* Fill in the paths of container id's folders (no system call). */
int container_fs_init(struct container_fs *fs, const char *id);

/* Does fs/lowers exist, i.e. was this container's filesystem made before? */
bool container_fs_exists(const struct container_fs *fs);

/* Make fs/upper, fs/work, fs/merged and write fs/lowers (lowest first); the lowers are copied
 * into fs->lowers. */
int container_fs_create(struct container_fs *fs, const char *const *lowers, size_t count);

/* Read fs/lowers into fs->lowers; names the container in the message when it has none. */
int container_fs_load(struct container_fs *fs);

void container_fs_free(struct container_fs *fs);

/* Is something mounted on fs/merged now (a running container, or a mount for `export`)? */
bool container_fs_mounted(const struct container_fs *fs);

/* Was the root copied into fs/merged (no overlayfs here), so that there is no upper to read? */
bool container_fs_copied(const struct container_fs *fs);

/* Mount the overlay of fs->lowers under fs/upper on fs/merged, or copy the layers there when
 * the kernel has no overlayfs (*used = OVERLAY_COPY; the caller says so). */
int container_fs_mount(const struct container_fs *fs, enum overlay_method *used);

/* Unmount fs/merged. */
int container_fs_unmount(const struct container_fs *fs);

#endif
