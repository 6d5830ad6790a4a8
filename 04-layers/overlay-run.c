/*
 * overlay-run.c - a container's root filesystem as an overlay: chapter 04's part of `run`.
 *
 * Lecture: "starting a container copies nothing: the image's layers are shared read-only,
 * and the container writes into a thin layer of its own". Chapter 02's `run --rootfs DIR`
 * pivots straight into DIR, so every container changes DIR for all the others. With this
 * extension (run-extension.h), `run` instead:
 *
 *   prepare   lays out $TINYDOCK_ROOT/containers/<id>/fs/{upper,work,merged}, records the
 *             lower layers in fs/lowers (DIR, or the image's layers from chapter 05), mounts
 *             the overlay on fs/merged, and hands fs/merged to chapter 02 as the rootfs;
 *   finished  unmounts fs/merged once the container has ended. fs/upper stays: it is what
 *             the container changed, for `diff`, `commit` and `export` after it exited,
 *             and for `start`. Only --rm removes it.
 *
 * Called again for a container whose fs/ exists (chapter 03's `start` runs the extensions for
 * an existing id), prepare reuses the recorded lowers and the upper, and mounts them again.
 *
 * Two cases step aside, and say why:
 *   - no overlayfs in this kernel: the layers are copied into fs/merged (overlay.c) and a
 *     one-line notice says that this container's changes cannot be diffed or committed;
 *   - not root: mounting an overlay needs CAP_SYS_ADMIN on the host (mount(2)), so a rootless
 *     `run --rootfs DIR` keeps chapter 02's behaviour and uses DIR itself (--explain says so).
 *
 * Read next: container-cmd.c (diff, export, import), then 05-images.
 */
#include "overlay-run.h"
#include "container-fs.h"
#include "container.h"
#include "error.h"
#include "explain.h"
#include "files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static const char CHAPTER[] = "04-layers";

struct overlay_run {
	char **lowers;         /* from overlay_run_set_lowers (chapter 05), else NULL: --rootfs */
	size_t lower_count;
	struct container_fs fs;
	char container_dir[PATH_MAX]; /* .../containers/<id> */
	bool made_container_dir; /* we made it (no chapter 03 runtime before us) */
	bool mounted;          /* we mounted fs/merged: finished unmounts it */
	bool active;           /* prepare succeeded with an overlay (or a copy) */
};

static struct overlay_run state;

int overlay_run_set_lowers(const char *const *folders, size_t count)
{
	char *text = lowers_format(folders, count);
	if (!text)
		return -1;
	lowers_free(state.lowers, state.lower_count);
	state.lowers = NULL;
	state.lower_count = 0;
	int rc = lowers_parse(text, &state.lowers, &state.lower_count);
	free(text);
	return rc;
}

/* The lower layers of a new container: the image's, or the --rootfs folder. */
static int new_container_fs(struct overlay_run *o, struct container *c)
{
	if (o->lowers)
		return container_fs_create(&o->fs, (const char *const *)o->lowers, o->lower_count);
	char dir[PATH_MAX];
	if (!c->rootfs)
		return fail_errno(0, "no root filesystem: give --rootfs DIR (or an image, chapter 05)");
	if (!realpath(c->rootfs, dir))
		return fail_sys("cannot use the rootfs \"%s\"", c->rootfs);
	if (!is_directory(dir))
		return fail_errno(0, "the rootfs \"%s\" is not a directory", c->rootfs);
	const char *lowers[] = { dir };
	return container_fs_create(&o->fs, lowers, 1);
}

/* Mount the stack on fs/merged, unless it is there already: a mount left by a tinydock that
 * was killed (it is this container's, so finished unmounts it), or a root copied before on
 * a kernel without overlayfs. */
static int mount_root(struct overlay_run *o)
{
	if (container_fs_mounted(&o->fs)) {
		explain(CHAPTER, "\"%s\" is mounted already: using it", o->fs.merged);
		o->mounted = true;
		return 0;
	}
	if (container_fs_copied(&o->fs)) {
		explain(CHAPTER, "\"%s\" holds a copied root (no overlayfs): using it", o->fs.merged);
		return 0;
	}
	enum overlay_method used;
	if (container_fs_mount(&o->fs, &used) < 0)
		return -1;
	if (used == OVERLAY_COPY)
		fprintf(stderr,
			"tinydock: overlayfs is not available here: copied %zu layer%s into \"%s\" "
			"(this container's changes cannot be diffed or committed)\n",
			o->fs.lower_count, o->fs.lower_count == 1 ? "" : "s", o->fs.merged);
	else
		o->mounted = true;
	return 0;
}

/* In a user namespace, the container's root is uid 100000 outside, with no rights on our
 * 0700 folders, yet the child must walk down to fs/merged to bind it (mounts.c). Let anyone
 * through (o+x, not o+r: the folders cannot be listed) on the way from the state root, as
 * Docker's userns-remap does for its remapped root (its 0710 folders). */
static int let_through(const char *const *folders, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		struct stat st;
		if (stat(folders[i], &st) < 0)
			return fail_sys("cannot look at \"%s\"", folders[i]);
		if (st.st_mode & S_IXOTH)
			continue;
		mode_t mode = (st.st_mode & 07777) | S_IXOTH;
		if (explain_result(CHAPTER, chmod(folders[i], mode), "chmod(\"%s\", 0%o)", folders[i], mode) < 0)
			return fail_sys("cannot let the user namespace's root through \"%s\"", folders[i]);
	}
	return 0;
}

static int let_userns_through(const struct overlay_run *o)
{
	char containers[PATH_MAX];
	snprintf(containers, sizeof(containers), "%s/containers", state_root());
	const char *folders[] = { state_root(), containers, o->container_dir, o->fs.dir };
	return let_through(folders, sizeof(folders) / sizeof(folders[0]));
}

/* Undo a prepare that failed half-way: the hooks' contract says finished will not be called. */
static void undo_prepare(struct overlay_run *o, bool created)
{
	int saved = errno;
	if (o->mounted && container_fs_unmount(&o->fs) == 0)
		o->mounted = false;
	if (created && !o->mounted)
		remove_tree(o->fs.dir);
	if (o->made_container_dir)
		rmdir(o->container_dir); /* only if empty: chapter 03 may keep its record there */
	container_fs_free(&o->fs);
	errno = saved;
}

static int overlay_prepare(void *ctx, struct container *c)
{
	struct overlay_run *o = ctx;
	if (geteuid() != 0 && !o->lowers) {
		explain(CHAPTER, "not root: no overlay (mount(2) needs CAP_SYS_ADMIN on the host); the "
				 "container uses \"%s\" itself",
			c->rootfs ? c->rootfs : "");
		return 0;
	}
	if (container_fs_init(&o->fs, c->id) < 0)
		return -1;
	snprintf(o->container_dir, sizeof(o->container_dir), "%s/containers/%s", state_root(), c->id);
	o->made_container_dir = !is_directory(o->container_dir);

	bool created = false;
	int rc;
	if (container_fs_exists(&o->fs)) {
		rc = container_fs_load(&o->fs);
		if (rc == 0)
			explain(CHAPTER, "container filesystem exists: %zu lower layer%s, upper \"%s\" kept",
				o->fs.lower_count, o->fs.lower_count == 1 ? "" : "s", o->fs.upper);
	} else {
		rc = new_container_fs(o, c);
		created = rc == 0 || is_directory(o->fs.dir);
	}
	if (rc < 0 || (c->userns && let_userns_through(o) < 0) || mount_root(o) < 0) {
		undo_prepare(o, created);
		return fail_context("cannot make the container's root filesystem");
	}
	/* Chapter 02 takes it from here: run.c resolves c->rootfs into c->rootfs_path. */
	c->rootfs = o->fs.merged;
	snprintf(c->rootfs_path, sizeof(c->rootfs_path), "%s", o->fs.merged);
	o->active = true;
	return 0;
}

/* Unmount fs/merged; a merged folder still in use on the host is detached instead. */
static int unmount_root(struct overlay_run *o)
{
	if (container_fs_unmount(&o->fs) == 0)
		return 0;
	if (error_errno() != EBUSY)
		return -1;
	/* A process on the host still has a file open in it (a shell cd'ed into merged): detach
	 * it now; the kernel frees the mount when its last user goes (umount(2), MNT_DETACH). */
	error_clear();
	if (explain_result(CHAPTER, umount2(o->fs.merged, MNT_DETACH), "umount2(\"%s\", MNT_DETACH)", o->fs.merged) < 0)
		return fail_sys("cannot unmount \"%s\"", o->fs.merged);
	return 0;
}

static void overlay_finished(void *ctx, struct container *c, int code)
{
	struct overlay_run *o = ctx;
	(void)code;
	if (!o->active)
		return;
	int rc = o->mounted ? unmount_root(o) : 0;
	if (rc == 0)
		o->mounted = false;
	/* --rm: chapter 03 removes the container's folder after us (finished hooks run in reverse
	 * order); the filesystem goes here, so that `run --rm` leaves nothing without it, too. */
	if (rc == 0 && c->remove) {
		rc = (int)explain_result(CHAPTER, remove_tree(o->fs.dir), "remove_tree(\"%s\") (--rm)", o->fs.dir);
		if (rc == 0 && o->made_container_dir)
			rmdir(o->container_dir);
	}
	if (rc < 0)
		fail_context("cannot clean up the container's root filesystem");
	container_fs_free(&o->fs);
	o->active = false;
}

static const char HELP[] =
	"\n"
	"Root filesystem (chapter 04-layers):\n"
	"  The rootfs (DIR or the image's layers) is the read-only lower layer of an overlay; the\n"
	"  container writes to its own upper folder, kept under $TINYDOCK_ROOT/containers/<id>/fs\n"
	"  until the container is removed (see 'tinydock diff', 'commit', 'export').\n";

const struct run_extension overlay_run_extension = {
	.chapter = CHAPTER,
	.help = HELP,
	.ctx = &state,
	.prepare = overlay_prepare,
	.finished = overlay_finished,
};
