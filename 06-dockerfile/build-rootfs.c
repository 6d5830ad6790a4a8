/*
 * build-rootfs.c - looking into an image's layers without running a container.
 *
 * Layers are unpacked once each, in overlay form (05-images/image-layers.h): a deleted file is
 * a 0/0 character device, a folder that replaced a lower one carries the xattr
 * trusted.overlay.opaque=y (Documentation/filesystems/overlayfs.rst, "whiteouts and opaque
 * directories"). A lookup reads them as overlayfs does, top layer first, so COPY can ask "is
 * /usr/bin a folder?" (then `COPY tool /usr/bin` puts the file in it) without a mount. For
 * COPY --from, which walks whole folders, the kernel does the merging: a read-only overlay
 * (no upperdir) of the stage's layers.
 */
#include "build-rootfs.h"
#include "error.h"
#include "files.h"
#include "overlay.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

static bool is_whiteout(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0);
}

static bool is_opaque(const char *folder)
{
	char value[2];
	return getxattr(folder, "trusted.overlay.opaque", value, sizeof(value)) == 1 && value[0] == 'y';
}

int build_rootfs_lookup(const struct build_rootfs *r, const char *path, struct stat *st, char found[PATH_MAX])
{
	for (size_t i = r->count; i-- > 0;) {
		char file[PATH_MAX];
		size_t base = strlen(r->layers[i]);
		if ((size_t)snprintf(file, sizeof(file), "%s/%s", r->layers[i], path) >= sizeof(file))
			return fail_errno(ENAMETOOLONG, "\"%s\"", path);
		/* Walk down the path in this layer: ancestors first, then the path itself. */
		char *end = file + base;
		for (;;) {
			char *next = *path ? strchr(end + 1, '/') : NULL;
			if (next)
				*next = '\0';
			struct stat here;
			bool exists = lstat(file, &here) == 0;
			bool last = !next;
			if (exists && is_whiteout(&here))
				return 0; /* deleted in this layer: hidden below too */
			if (exists && last) {
				*st = here;
				if (found)
					snprintf(found, PATH_MAX, "%s", file);
				return 1;
			}
			if (exists && !S_ISDIR(here.st_mode))
				return 0; /* a file replaced the folder */
			if (!exists) {
				/* Not in this layer; the folder above it, if opaque, hides the lower layers. */
				char *slash = strrchr(file, '/');
				if (slash && slash > file + base) {
					*slash = '\0';
					if (is_opaque(file))
						return 0;
				}
				break;
			}
			*next = '/';
			end = next;
		}
	}
	return 0;
}

int build_rootfs_mount(const struct build_rootfs *r, const char *target, const char **view)
{
	*view = target;
	if (r->count == 1) { /* one layer is its own merged view (it has nothing to hide) */
		*view = r->layers[0];
		return 0;
	}
	if (make_dirs(target, 0700) < 0)
		return -1;
	if (r->count == 0)
		return 0; /* scratch: the empty folder is the whole view */
	struct overlay o = { .lowers = r->layers, .lower_count = r->count, .target = target };
	enum overlay_method used;
	return overlay_mount(&o, OVERLAY_AUTO, &used);
}

int build_rootfs_unmount(const struct build_rootfs *r, const char *target)
{
	if (r->count > 1 && overlay_unmount(target) < 0)
		return -1;
	return rmdir(target) < 0 && errno != ENOENT ? fail_sys("cannot remove \"%s\"", target) : 0;
}

void build_rootfs_sweep(const char *folder)
{
	DIR *dir = opendir(folder);
	if (!dir)
		return;
	for (struct dirent *d; (d = readdir(dir));) {
		int pid;
		unsigned n;
		char path[PATH_MAX];
		if (sscanf(d->d_name, "mnt-%d-%u", &pid, &n) != 2 || pid <= 0 || kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "%.*s/%s", PATH_MAX - 300, folder, d->d_name);
		umount2(path, MNT_DETACH); /* EINVAL when nothing is mounted: fine */
		rmdir(path);
	}
	closedir(dir);
}
