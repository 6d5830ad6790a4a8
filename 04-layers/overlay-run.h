/*
 * overlay-run.h - `run` with an overlayfs root: chapter 04's rootfs for chapter 03's lifecycle.
 *
 * Every container gets $TINYDOCK_ROOT/containers/<id>/fs (container-fs.h): its lower layers
 * stacked read-only under its own upper folder, mounted on fs/merged, which becomes the rootfs
 * that chapter 02 pivots into. `run --rootfs DIR` has DIR as its only lower: the container
 * never changes DIR, and starting it copies nothing. Chapter 05 passes an image's layers as
 * the lowers, in the caller's struct overlay_rootfs.
 */
#ifndef TINYDOCK_OVERLAY_RUN_H
#define TINYDOCK_OVERLAY_RUN_H

#include "container-fs.h"
#include "container.h"
#include "runtime.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* One container's overlay root, owned by the caller. */
struct overlay_rootfs {
	const char *const *lowers; /* a new container's lower folders, LOWEST first, absolute (chapter 05:
				      an image's layers); NULL: the --rootfs folder */
	size_t lower_count;
	bool durable; /* the upper is kept even with --rm (`create`: the container has yet to run),
		       * so it is mounted without overlay's "volatile", which a remount refuses */

	struct container_fs fs;
	char container_dir[PATH_MAX]; /* .../containers/<id> */
	bool made_container_dir;      /* we made it (no chapter 03 record before us) */
	bool mounted;                 /* we mounted fs/merged: unmount unmounts it */
	bool active;                  /* the mount succeeded with an overlay (or a copy) */
};

/* Make the filesystem of container c (or, when its fs/ exists, reuse its recorded lowers and
 * upper: `start`) and mount it: c->rootfs and c->rootfs_path become fs/merged, the path that
 * chapter 02 pivots into. Not root, without lowers: c keeps --rootfs DIR itself (mount(2)
 * needs CAP_SYS_ADMIN on the host). 0, or -1 with the message and nothing left mounted. */
int overlay_rootfs_mount(struct overlay_rootfs *o, struct container *c);

/* Unmount it once the container has ended; with c->remove (--rm) remove the filesystem too. */
int overlay_rootfs_unmount(struct overlay_rootfs *o, const struct container *c);

/* The two above as chapter 03's rootfs hooks (runtime.h), o as their context. */
struct runtime_rootfs overlay_rootfs_hooks(struct overlay_rootfs *o);

/* Chapter 04's lines in `run --help`. */
extern const struct run_flags overlay_flags;

/* `tinydock run` of chapter 04: chapter 03's, with the rootfs as an overlay. */
int overlay_cmd_run(int argc, char **argv);
/* `start`/`restart` of chapter 04: the recorded container, its overlay mounted again. */
int overlay_start_recorded(const struct container_record *r);
int overlay_cmd_start(int argc, char **argv);
int overlay_cmd_restart(int argc, char **argv);

#endif
