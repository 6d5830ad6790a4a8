/*
 * overlay-run.c - a container's root filesystem as an overlay: chapter 04's part of `run`.
 *
 * Lecture: "starting a container copies nothing: the image's layers are shared read-only,
 * and the container writes into a thin layer of its own". Chapter 02's `run --rootfs DIR`
 * pivots straight into DIR, so every container changes DIR for all the others. Chapter 04's
 * `run` gives chapter 03's lifecycle (runtime.h) a rootfs of its own instead:
 *
 *   overlay_rootfs_mount    lays out $TINYDOCK_ROOT/containers/<id>/fs/{upper,work,merged},
 *                           records the lower layers in fs/lowers (DIR, or the image's layers
 *                           that chapter 05 passes), mounts the overlay on fs/merged, and
 *                           hands fs/merged to chapter 02 as the rootfs;
 *   overlay_rootfs_unmount  unmounts fs/merged once the container has ended. fs/upper stays:
 *                           it is what the container changed, for `diff`, `commit` and
 *                           `export` after it exited, and for `start`. Only --rm removes it.
 *
 * Called again for a container whose fs/ exists (`start`), the mount reuses the recorded
 * lowers and the upper, and mounts them again.
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
#include "cli.h"
#include "container-fs.h"
#include "container-spec.h"
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

/* The lower layers of a new container: the image's, or the --rootfs folder. */
static int new_container_fs(struct overlay_rootfs *o, struct container *c)
{
	if (o->lowers)
		return container_fs_create(&o->fs, o->lowers, o->lower_count);
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
static int mount_root(struct overlay_rootfs *o)
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
	if (used == OVERLAY_COPY) {
		/* Not a failure, but the user must know: said by the command (error.h, deferred). */
		fail_errno(0,
			   "overlayfs is not available here: copied %zu layer%s into \"%s\" "
			   "(this container's changes cannot be diffed or committed)",
			   o->fs.lower_count, o->fs.lower_count == 1 ? "" : "s", o->fs.merged);
		error_defer();
	} else {
		o->mounted = true;
	}
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

static int let_userns_through(const struct overlay_rootfs *o)
{
	char containers[PATH_MAX];
	snprintf(containers, sizeof(containers), "%s/containers", state_root());
	const char *folders[] = { state_root(), containers, o->container_dir, o->fs.dir };
	return let_through(folders, sizeof(folders) / sizeof(folders[0]));
}

/* Undo a mount that failed half-way: nobody will unmount what it made. */
static void undo_prepare(struct overlay_rootfs *o, bool created)
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

int overlay_rootfs_mount(struct overlay_rootfs *o, struct container *c)
{
	if (geteuid() != 0 && !o->lowers) {
		explain(CHAPTER, "not root: no overlay (mount(2) needs CAP_SYS_ADMIN on the host); the "
				 "container uses \"%s\" itself",
			c->rootfs ? c->rootfs : "");
		return 0;
	}
	if (container_fs_init(&o->fs, c->id) < 0)
		return -1;
	o->fs.scratch = c->remove && !o->durable;
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
static int unmount_root(struct overlay_rootfs *o)
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

int overlay_rootfs_unmount(struct overlay_rootfs *o, const struct container *c)
{
	if (!o->active)
		return 0;
	int rc = o->mounted ? unmount_root(o) : 0;
	if (rc == 0)
		o->mounted = false;
	/* --rm: chapter 03 removes the container's folder after us; the filesystem goes here, so
	 * that `run --rm` leaves nothing without it, too. */
	if (rc == 0 && c->remove) {
		rc = (int)explain_result(CHAPTER, remove_tree(o->fs.dir), "remove_tree(\"%s\") (--rm)", o->fs.dir);
		if (rc == 0 && o->made_container_dir)
			rmdir(o->container_dir);
	}
	if (rc < 0)
		fail_context("cannot clean up the container's root filesystem");
	container_fs_free(&o->fs);
	o->active = false;
	return rc;
}

static int mount_hook(void *ctx, struct runtime_spec *spec)
{
	struct overlay_rootfs *o = ctx;
	o->durable = spec->create_only;
	return overlay_rootfs_mount(o, &spec->container);
}

static int unmount_hook(void *ctx, struct runtime_spec *spec)
{
	return overlay_rootfs_unmount(ctx, &spec->container);
}

struct runtime_rootfs overlay_rootfs_hooks(struct overlay_rootfs *o)
{
	struct runtime_rootfs hooks = { .ctx = o, .mount = mount_hook, .unmount = unmount_hook };
	return hooks;
}

static const char HELP[] =
	"\n"
	"Root filesystem (chapter 04-layers):\n"
	"  The rootfs (DIR or the image's layers) is the read-only lower layer of an overlay; the\n"
	"  container writes to its own upper folder, kept under $TINYDOCK_ROOT/containers/<id>/fs\n"
	"  until the container is removed (see 'tinydock diff', 'commit', 'export').\n";

const struct run_flags overlay_flags = {
	.chapter = CHAPTER,
	.help = HELP,
};

int overlay_cmd_run(int argc, char **argv)
{
	const struct run_flags *flags[] = { &runtime_flags, &overlay_flags };
	if (asks_for_help(argc, argv))
		return print_run_help(flags, 2);
	struct runtime_spec *spec = calloc(1, sizeof(*spec)); /* large: on the heap */
	if (!spec) {
		fail_errno(ENOMEM, "run");
		return error_report(EXIT_TINYDOCK_FAILED);
	}
	int code;
	if (runtime_parse(argc, argv, spec, flags + 1, 1) < 0) {
		code = usage_error("run", "%s", error_message());
	} else {
		struct overlay_rootfs root = { .lowers = NULL };
		struct runtime_rootfs hooks = overlay_rootfs_hooks(&root);
		code = runtime_run(spec, &hooks);
	}
	free(spec);
	return code;
}

int overlay_start_recorded(const struct container_record *r)
{
	struct runtime_spec *spec = calloc(1, sizeof(*spec)); /* large: on the heap */
	if (!spec)
		return fail_errno(ENOMEM, "cannot start container %.12s", r->id);
	runtime_spec_read(r, spec);
	spec->detach = true;
	/* Its fs/ exists: the mount takes the recorded lowers and the same upper. */
	struct overlay_rootfs root = { .lowers = NULL };
	struct runtime_rootfs hooks = overlay_rootfs_hooks(&root);
	int rc = runtime_start_again(spec, &hooks);
	free(spec);
	return rc;
}

int overlay_cmd_start(int argc, char **argv)
{
	return cmd_start_with(argc, argv, overlay_start_recorded);
}

int overlay_cmd_restart(int argc, char **argv)
{
	return cmd_restart_with(argc, argv, overlay_start_recorded);
}
