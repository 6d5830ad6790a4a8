/*
 * overlay.c - overlayfs: many read-only layers and one writable folder, seen as one tree.
 *
 * Lecture: "copy-on-write: containers share the image's layers and write only to
 * their own thin layer". overlayfs (Documentation/filesystems/overlayfs.rst) merges
 * folders at lookup time:
 *
 *   lowerdir   read-only layers; a name is looked up from the top layer down and
 *              the first hit wins. The kernel's list is TOP FIRST:
 *              "lowerdir=L3:L2:L1" puts L3 over L2 over L1. Our API takes
 *              images' order, lowest first, and reverses it here, once.
 *   upperdir   the container's writable layer. A write to a lower file first
 *              copies the whole file up (copy-up); a delete leaves a whiteout
 *              (a 0/0 character device); a folder that replaces a lower one is
 *              marked opaque (trusted.overlay.opaque=y). changes.c reads these.
 *   workdir    overlay's scratch folder for making copy-ups and whiteouts appear
 *              atomically (prepared there, then renamed into upper); it must be
 *              an empty folder on the same filesystem as upperdir.
 *   target     the merged view: the container's root filesystem.
 *   volatile   (Linux 5.10+) every sync of the upper is skipped: fsync(2) and syncfs(2) in the
 *              container, and the sync of the whole upper filesystem that umount(2) otherwise
 *              waits for (a journal commit, milliseconds). The price: after a crash the upper
 *              is not to be trusted, and overlay refuses to mount it again (it leaves
 *              work/incompat/volatile behind as the mark). Right for a container whose upper
 *              is thrown away when it ends anyway (run --rm), as Podman does for its --rm
 *              containers (podman pull request 10220); wrong for any other.
 *
 * Starting a container copies nothing: the mount takes well under a millisecond
 * whatever the image's size, and two containers of one image share its layers
 * (and the page cache of their files).
 *
 * The one practical snag: mount(2) takes the options as one string of at most a
 * page (4096 bytes), and 100 layers of "/var/lib/tinydock/layers/<64 hex>/diff"
 * need 10 kB. Three ways out, tried in this order:
 *   1. the string fits: plain mount(2), the form every tutorial shows;
 *   2. the new mount API (fsopen(2), fsconfig(2), fsmount(2), move_mount(2)),
 *      passing one layer per fsconfig(FSCONFIG_SET_STRING, "lowerdir+") call
 *      (Linux 6.8+), so there is no length limit at all;
 *   3. chdir into the folder all layers share and pass paths relative to it,
 *      which is how Docker's overlay2 driver does it (with short symlinks).
 * And when overlayfs is missing altogether (some kernels, some nested setups),
 * the layers are copied into the target, and the caller says so.
 *
 * Read next: apply.c and changes.c (whiteouts), then 05-images.
 */
#include "overlay.h"
#include "changes.h"
#include "error.h"
#include "explain.h"
#include "layer.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

static const char CHAPTER[] = "04-layers";

const char *overlay_method_name(enum overlay_method method)
{
	switch (method) {
	case OVERLAY_AUTO: return "auto";
	case OVERLAY_DATA: return "mount(2)";
	case OVERLAY_FSCONFIG: return "fsconfig(lowerdir+)";
	case OVERLAY_RELATIVE: return "mount(2) with relative paths";
	case OVERLAY_COPY: return "copy (no overlayfs)";
	}
	return "?";
}

/* --- the options string (pure) ------------------------------------------------ */

struct text {
	char *buf;
	size_t size, len;
	bool overflow;
};

static void put(struct text *t, const char *s, bool escape)
{
	for (; *s; s++) {
		/* ',' separates options and ':' separates lower layers: inside a path they must
		 * be escaped with '\', and so must '\' itself (overlayfs.rst, "mount options"). */
		if (escape && (*s == ',' || *s == ':' || *s == '\\'))
			put(t, "\\", false);
		if (t->len + 1 >= t->size) {
			t->overflow = true;
			return;
		}
		t->buf[t->len++] = *s;
	}
	t->buf[t->len] = '\0';
}

static const char *relative_to(const char *path, const char *prefix)
{
	if (!prefix)
		return path;
	size_t n = strlen(prefix);
	if (strncmp(path, prefix, n) != 0)
		return path;
	if (path[n] == '\0')
		return ".";
	if (path[n] == '/')
		return path + n + 1;
	if (n > 0 && prefix[n - 1] == '/')
		return path + n;
	return path;
}

int overlay_options(const struct overlay *o, const char *strip_prefix, char *buf, size_t size)
{
	struct text t = { buf, size, 0, size == 0 };
	if (size)
		buf[0] = '\0';
	put(&t, "lowerdir=", false);
	for (size_t i = o->lower_count; i-- > 0;) { /* the kernel wants the top layer first */
		put(&t, relative_to(o->lowers[i], strip_prefix), true);
		if (i > 0)
			put(&t, ":", false);
	}
	if (o->upper) {
		put(&t, ",upperdir=", false);
		put(&t, relative_to(o->upper, strip_prefix), true);
		put(&t, ",workdir=", false);
		put(&t, relative_to(o->work, strip_prefix), true);
		if (o->volatile_upper)
			put(&t, ",volatile", false);
	}
	if (t.overflow) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return (int)t.len;
}

static void narrow_common(char *common, const char *path)
{
	size_t i = 0;
	while (common[i] && common[i] == path[i])
		i++;
	if (common[i] == '\0' && (path[i] == '/' || path[i] == '\0'))
		return; /* common is already a folder above path (or path itself) */
	while (i > 0 && common[i] != '/')
		i--;
	common[i > 0 ? i : 1] = '\0'; /* cut back to the last whole folder; "/" at worst */
}

int overlay_common_folder(const struct overlay *o, char *buf, size_t size)
{
	if (o->lower_count == 0 || snprintf(buf, size, "%s", o->lowers[0]) >= (int)size)
		return -1;
	for (size_t i = 1; i < o->lower_count; i++)
		narrow_common(buf, o->lowers[i]);
	if (o->upper) {
		narrow_common(buf, o->upper);
		narrow_common(buf, o->work);
	}
	return 0;
}

/* --- mounting -------------------------------------------------------------------- */

static int mount_data(const struct overlay *o, const char *data)
{
	if (explain_result(CHAPTER, mount("overlay", o->target, "overlay", 0, data),
			   "mount(\"overlay\", \"%s\", \"overlay\", 0, \"%s\")", o->target, data) < 0)
		return fail_sys("cannot mount overlay on \"%s\" (%zu layers)", o->target, o->lower_count);
	return 0;
}

/* fsconfig(2) reports details through the fs context fd: "e overlay: ..." lines. */
static int fs_fail(int fsfd, const char *step, const struct overlay *o)
{
	int saved = errno;
	char log[512] = "";
	ssize_t n = read(fsfd, log, sizeof(log) - 1);
	log[n > 0 ? n : 0] = '\0';
	if (n > 0 && log[n - 1] == '\n')
		log[n - 1] = '\0';
	return fail_errno(saved, "cannot mount overlay on \"%s\": %s%s%s%s", o->target, step, *log ? " (" : "", log,
			  *log ? ")" : "");
}

static int mount_fsconfig(const struct overlay *o)
{
	int fsfd = (int)explain_result(CHAPTER, fsopen("overlay", FSOPEN_CLOEXEC), "fsopen(\"overlay\")");
	if (fsfd < 0)
		return fail_sys("cannot mount overlay on \"%s\": fsopen", o->target);
	int mfd = -1, rc = -1;
	/* One fsconfig call per layer, top first, each value a plain path: no escaping and no
	 * page limit. (A value may be at most 256 bytes, which is why "lowerdir" itself won't do.) */
	for (size_t i = o->lower_count; i-- > 0;) {
		if (fsconfig(fsfd, FSCONFIG_SET_STRING, "lowerdir+", o->lowers[i], 0) < 0) {
			explain(CHAPTER, "fsconfig(fs, FSCONFIG_SET_STRING, \"lowerdir+\", \"%s\") = -1 (%s)", o->lowers[i],
				strerror(errno));
			fs_fail(fsfd, "fsconfig lowerdir+", o);
			goto out;
		}
	}
	explain(CHAPTER, "fsconfig(fs, FSCONFIG_SET_STRING, \"lowerdir+\", ...) x %zu, top layer \"%s\" = 0",
		o->lower_count, o->lowers[o->lower_count - 1]);
	if (o->upper &&
	    (explain_result(CHAPTER, fsconfig(fsfd, FSCONFIG_SET_STRING, "upperdir", o->upper, 0),
			    "fsconfig(fs, FSCONFIG_SET_STRING, \"upperdir\", \"%s\")", o->upper) < 0 ||
	     explain_result(CHAPTER, fsconfig(fsfd, FSCONFIG_SET_STRING, "workdir", o->work, 0),
			    "fsconfig(fs, FSCONFIG_SET_STRING, \"workdir\", \"%s\")", o->work) < 0)) {
		fs_fail(fsfd, "fsconfig upperdir/workdir", o);
		goto out;
	}
	if (o->upper && o->volatile_upper &&
	    explain_result(CHAPTER, fsconfig(fsfd, FSCONFIG_SET_FLAG, "volatile", NULL, 0),
			   "fsconfig(fs, FSCONFIG_SET_FLAG, \"volatile\")") < 0) {
		fs_fail(fsfd, "fsconfig volatile", o);
		goto out;
	}
	if (explain_result(CHAPTER, fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0), "fsconfig(fs, FSCONFIG_CMD_CREATE)") < 0) {
		fs_fail(fsfd, "fsconfig create", o);
		goto out;
	}
	mfd = (int)explain_result(CHAPTER, fsmount(fsfd, FSMOUNT_CLOEXEC, 0), "fsmount(fs)");
	if (mfd < 0) {
		fs_fail(fsfd, "fsmount", o);
		goto out;
	}
	if (explain_result(CHAPTER, move_mount(mfd, "", AT_FDCWD, o->target, MOVE_MOUNT_F_EMPTY_PATH),
			   "move_mount(mnt, \"\", AT_FDCWD, \"%s\", MOVE_MOUNT_F_EMPTY_PATH)", o->target) < 0) {
		fail_sys("cannot mount overlay on \"%s\": move_mount", o->target);
		goto out;
	}
	rc = 0;
out:
	if (mfd >= 0)
		close(mfd);
	close(fsfd);
	return rc;
}

static int mount_relative(const struct overlay *o, char *data, size_t size)
{
	char common[PATH_MAX];
	if (overlay_common_folder(o, common, sizeof(common)) < 0)
		return fail_errno(ENAMETOOLONG, "cannot mount overlay on \"%s\"", o->target);
	if (overlay_options(o, common, data, size) < 0 || (size_t)strlen(data) + 1 > (size_t)sysconf(_SC_PAGESIZE))
		return fail_errno(ENAMETOOLONG, "cannot mount overlay on \"%s\": %zu layers do not fit in a page even as "
				  "paths relative to \"%s\"", o->target, o->lower_count, common);
	/* overlayfs resolves relative layer paths from the caller's working folder. The working
	 * folder is per process: this must not race with other threads' relative paths. */
	int saved = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (saved < 0)
		return fail_sys("cannot open the working folder");
	if (explain_result(CHAPTER, chdir(common), "chdir(\"%s\")", common) < 0) {
		close(saved);
		return fail_sys("cannot chdir to \"%s\"", common);
	}
	int rc = mount_data(o, data);
	if (fchdir(saved) < 0 && rc == 0)
		rc = fail_sys("cannot return to the working folder");
	close(saved);
	return rc;
}

int overlay_mount(const struct overlay *o, enum overlay_method method, enum overlay_method *used)
{
	if (o->lower_count == 0 || o->lower_count > OVERLAY_MAX_LOWERS)
		return fail_errno(EINVAL, "cannot mount overlay on \"%s\": %zu layers (1 to %d allowed)", o->target,
				  o->lower_count, OVERLAY_MAX_LOWERS);
	if (!o->upper && o->lower_count < 2)
		return fail_errno(EINVAL, "cannot mount overlay on \"%s\": a read-only overlay needs two layers", o->target);
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t size = 64 + 2 * (o->upper ? strlen(o->upper) + strlen(o->work) : 0);
	for (size_t i = 0; i < o->lower_count; i++)
		size += 2 * strlen(o->lowers[i]) + 1;
	char *data = malloc(size);
	if (!data)
		return fail_errno(ENOMEM, "cannot mount overlay on \"%s\"", o->target);
	int len = overlay_options(o, NULL, data, size);
	int rc = -1;
	bool automatic = method == OVERLAY_AUTO;
	if (method == OVERLAY_AUTO)
		method = (len >= 0 && (size_t)len < page) ? OVERLAY_DATA : OVERLAY_FSCONFIG;
	if (method == OVERLAY_DATA) {
		if (len < 0 || (size_t)len >= page)
			fail_errno(ENAMETOOLONG, "cannot mount overlay on \"%s\": options of %d bytes exceed a page", o->target, len);
		else
			rc = mount_data(o, data);
	} else if (method == OVERLAY_FSCONFIG) {
		rc = mount_fsconfig(o);
		if (rc < 0 && automatic && (error_errno() == EINVAL || error_errno() == ENOSYS)) {
			/* Before Linux 6.8 overlay has no "lowerdir+": fall back to relative paths. */
			explain(CHAPTER, "fsconfig(\"lowerdir+\") is not supported here: relative paths instead");
			method = OVERLAY_RELATIVE;
		}
	}
	if (method == OVERLAY_RELATIVE)
		rc = mount_relative(o, data, size);
	free(data);
	if (rc == 0 && used)
		*used = method;
	return rc;
}

int overlay_unmount(const char *target)
{
	if (explain_result(CHAPTER, umount2(target, 0), "umount2(\"%s\", 0)", target) < 0)
		return fail_sys("cannot unmount \"%s\"", target);
	return 0;
}

/* --- without overlayfs: copying ------------------------------------------------- */

static int copy_entry(void *ctx, const struct tar_entry *e, int fd)
{
	return applier_entry(ctx, e, tar_read_fd, (void *)(intptr_t)fd);
}

int overlay_copy_layers(const char *const *lowers, size_t count, const char *target)
{
	/* Each layer folder is walked as a layer (its overlay whiteouts become ".wh." entries)
	 * and applied on top of the ones below: the same result as the merged view. */
	struct apply_options options = { .whiteouts = WHITEOUT_DELETE };
	for (size_t i = 0; i < count; i++) {
		struct applier *a = applier_new(target, &options);
		if (!a)
			return -1;
		int rc = layer_walk(lowers[i], copy_entry, a);
		if (rc == 0)
			rc = applier_finish(a, NULL);
		applier_free(a);
		if (rc < 0)
			return fail_context("cannot copy layer \"%s\" into \"%s\"", lowers[i], target);
		explain(CHAPTER, "copied layer %zu/%zu \"%s\" into \"%s\"", i + 1, count, lowers[i], target);
	}
	return 0;
}

int overlay_mount_or_copy(const struct overlay *o, enum overlay_method *used)
{
	if (overlay_mount(o, OVERLAY_AUTO, used) == 0)
		return 0;
	if (error_errno() != ENODEV)
		return -1;
	/* ENODEV from mount(2): the kernel has no overlay filesystem (not built, module absent). */
	explain(CHAPTER, "overlayfs is not available (%s): copying %zu layers into \"%s\"", error_message(),
		o->lower_count, o->target);
	if (overlay_copy_layers(o->lowers, o->lower_count, o->target) < 0)
		return -1;
	*used = OVERLAY_COPY;
	return 0;
}
