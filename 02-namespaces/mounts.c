/*
 * mounts.c - the container's own mount table: private propagation, its root, /proc and /sys.
 *
 * The mount namespace gives a process its own list of mounts. After clone(CLONE_NEWNS)
 * the child has a COPY of the host's mount table; changing the copy must not change the host's.
 * Three details make that true, and each is a step here:
 *
 *  1. Propagation. Since 2.6.15, mounts can be "shared": a mount or unmount under a shared mount
 *     is repeated in every peer, across namespaces (kernel doc: sharedsubtree.rst). systemd
 *     makes "/" shared on boot, so without mount(NULL, "/", NULL, MS_REC|MS_PRIVATE) our
 *     unmount of the old root (pivot.c) would unmount the HOST's root filesystem tree. That is
 *     why propagation is made private first, before any other mount.
 *  2. The rootfs must be a mount point for pivot_root(2) ("new_root must be a mount point");
 *     a folder becomes one by being bound onto itself.
 *  3. /proc is mounted fresh, so it shows the new PID namespace (a proc mount shows the PID
 *     namespace of the process that mounted it, proc(5)); /sys fresh and read-only, so it shows
 *     the new network namespace's interfaces and nobody can write kernel knobs through it.
 *
 * Then, unless --privileged, the paths of /proc that let a process read kernel memory or
 * reconfigure the host are hidden (/dev/null bound over them) or made read-only, the list
 * Docker and runc use (moby's oci/defaults.go): /proc/kcore is the physical memory as an ELF
 * core file; /proc/sysrq-trigger can reboot the host ('b'); /proc/sys holds the kernel's
 * tunables, most of them global and not namespaced.
 *
 * Mount targets are paths inside the rootfs. A rootfs is user data: if its "proc" were a
 * symbolic link to "/etc", mount(2) would follow it and cover the host's /etc in our
 * namespace (runc had a series of such CVEs, e.g. CVE-2019-16884, CVE-2021-30465), so a
 * first-level mount point must be a real folder (mount_point()).
 *
 * Next: devices.c (/dev), then pivot.c.
 */
#include "container.h"
#include "error.h"
#include "explain.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

static const char CHAPTER[] = "02-namespaces";

const char *mount_flag_names(unsigned long flags, char *buf, size_t size)
{
	static const struct {
		unsigned long flag;
		const char *name;
	} names[] = {
		{ MS_BIND, "MS_BIND" },       { MS_REC, "MS_REC" },       { MS_PRIVATE, "MS_PRIVATE" },
		{ MS_REMOUNT, "MS_REMOUNT" }, { MS_RDONLY, "MS_RDONLY" }, { MS_NOSUID, "MS_NOSUID" },
		{ MS_NODEV, "MS_NODEV" },     { MS_NOEXEC, "MS_NOEXEC" }, { MS_STRICTATIME, "MS_STRICTATIME" },
		{ MS_NOATIME, "MS_NOATIME" }, { MS_NODIRATIME, "MS_NODIRATIME" }, { MS_RELATIME, "MS_RELATIME" },
	};
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].flag)
			n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s", n ? "|" : "", names[i].name);
	if (n == 0)
		snprintf(buf, size, "0");
	return buf;
}

int mount_explained(const char *source, const char *target, const char *type, unsigned long flags,
		    const char *data)
{
	char names[160];
	mount_flag_names(flags, names, sizeof(names));
	int rc = mount(source, target, type, flags, data);
	explain_result(CHAPTER, rc, "mount(%s%s%s, \"%s\", %s%s%s, %s, %s%s%s)", source ? "\"" : "",
		       source ? source : "NULL", source ? "\"" : "", target, type ? "\"" : "", type ? type : "NULL",
		       type ? "\"" : "", names, data ? "\"" : "", data ? data : "NULL", data ? "\"" : "");
	if (rc < 0)
		return fail_sys("cannot mount %s on \"%s\"", type ? type : source ? source : "(remount)", target);
	return 0;
}

int make_mounts_private(void)
{
	return mount_explained(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

int bind_rootfs(const struct container *c)
{
	const char *rootfs = c->rootfs_path;
	if (mount_explained(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0) {
		/* Inside a user namespace, path lookup is done as the container's root, an unprivileged
		 * uid outside: a 0700 folder on the way (mktemp -d makes those) stops it. */
		if (error_errno() == EACCES && c->userns)
			fail_context("in the user namespace, root is uid %lu outside, and every folder on the way to "
				     "the rootfs must let it through (chmod o+x)",
				     c->uid_maps[0].outside);
		return -1;
	}
	if (explain_result(CHAPTER, chdir(rootfs), "chdir(\"%s\")", rootfs) < 0)
		return fail_sys("cannot enter \"%s\"", rootfs);
	return 0;
}

/* "rootfs/name" in path, after making sure name is a real folder there (created if missing). */
static int mount_point(const char *rootfs, const char *name, char *path, size_t size)
{
	snprintf(path, size, "%s/%s", rootfs, name);
	struct stat st;
	if (lstat(path, &st) < 0) {
		if (errno != ENOENT)
			return fail_sys("cannot make the mount point \"%s\"", path);
		if (mkdir(path, 0755) == 0) {
			explain(CHAPTER, "mkdir(\"%s\", 0755) = 0", path);
			return 0;
		}
		/* EEXIST: another run on the same rootfs made it between our lstat and mkdir (twenty
		 * `run -d` at once on a new --rootfs DIR do). Then it is there: look at what it is. */
		if (errno != EEXIST || lstat(path, &st) < 0)
			return fail_sys("cannot make the mount point \"%s\"", path);
	}
	if (!S_ISDIR(st.st_mode))
		return fail_errno(0, "cannot mount on \"%s\": not a folder (a symbolic link or file in the rootfs)",
				  path);
	return 0;
}

int mount_proc_and_sys(const struct container *c)
{
	char path[PATH_MAX + 16];
	const unsigned long safe = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	if (mount_point(c->rootfs_path, "proc", path, sizeof(path)) < 0 ||
	    mount_explained("proc", path, "proc", safe, NULL) < 0)
		return -1;
	if (mount_point(c->rootfs_path, "sys", path, sizeof(path)) < 0)
		return -1;
	int rc = mount("sysfs", path, "sysfs", safe | MS_RDONLY, NULL);
	explain_result(CHAPTER, rc, "mount(\"sysfs\", \"%s\", \"sysfs\", MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL)", path);
	if (rc == 0)
		return 0;
	if (!(errno == EPERM && c->userns && c->network == NETWORK_HOST))
		return fail_sys("cannot mount sysfs on \"%s\"", path);
	/* A fresh sysfs needs CAP_SYS_ADMIN over the network namespace (it shows its interfaces):
	 * in a user namespace that shares the host's network (--userns --network host) we have not,
	 * so we show the host's /sys instead, as runc does; its files still belong to the host's root. */
	if (mount_explained("/sys", path, NULL, MS_BIND | MS_REC, NULL) < 0)
		return -1;
	/* Read-only on top; the remount must repeat the flags the host's mount already has,
	 * which a user namespace may not clear (they are "locked", mount_namespaces(7)). */
	struct statvfs fs;
	if (statvfs(path, &fs) < 0)
		return fail_sys("cannot read the mount flags of \"%s\"", path);
	unsigned long locked = (fs.f_flag & ST_NOSUID ? MS_NOSUID : 0) | (fs.f_flag & ST_NODEV ? MS_NODEV : 0) |
			       (fs.f_flag & ST_NOEXEC ? MS_NOEXEC : 0) | (fs.f_flag & ST_NOATIME ? MS_NOATIME : 0) |
			       (fs.f_flag & ST_NODIRATIME ? MS_NODIRATIME : 0) | (fs.f_flag & ST_RELATIME ? MS_RELATIME : 0);
	return mount_explained(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | locked, NULL);
}

int file_mount_point(const char *rootfs, const char *folder, const char *name, char *path, size_t size)
{
	if (mount_point(rootfs, folder, path, size) < 0)
		return -1;
	size_t length = strlen(path);
	snprintf(path + length, size - length, "/%s", name);
	/* lstat(2), not stat(2): a symbolic link is refused rather than followed out of the rootfs.
	 * A missing file is made, empty: the mount point. With chapter 04 the rootfs is an overlay
	 * and the new file lands in the container's own upper layer; a bare --rootfs DIR keeps the
	 * empty file afterwards, which is harmless (it is only what the mount covers). */
	struct stat st;
	if (lstat(path, &st) < 0) {
		int fd = errno == ENOENT ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644) : -1;
		if (fd >= 0) {
			close(fd);
			explain(CHAPTER, "open(\"%s\", O_CREAT|O_EXCL) = 0 (an empty mount point)", path);
			return 0;
		}
		/* EEXIST: made by another run on the same rootfs since our lstat (as in mount_point);
		 * O_EXCL still made sure we opened nothing that was there. Look at what it is. */
		if (errno != EEXIST || lstat(path, &st) < 0)
			return fail_sys("cannot make the mount point \"%s\"", path);
	}
	if (!S_ISREG(st.st_mode)) {
		return fail_errno(0, "cannot mount on \"%s\": not a regular file (a symbolic link or other in the rootfs)",
				  path);
	}
	return 0;
}

int bind_file_into(const struct container *c, const char *source, const char *folder, const char *name)
{
	char path[PATH_MAX + 32];
	if (file_mount_point(c->rootfs_path, folder, name, path, sizeof(path)) < 0)
		return -1;
	return mount_explained(source, path, NULL, MS_BIND, NULL);
}

/* Docker's lists (moby oci/defaults.go, runc's "maskedPaths" and "readonlyPaths"). */
static const char *const masked_paths[] = {
	"proc/asound", "proc/acpi", "proc/kcore", "proc/keys", "proc/latency_stats", "proc/timer_list",
	"proc/timer_stats", "proc/sched_debug", "proc/scsi", "sys/firmware", "sys/devices/virtual/powercap",
};
static const char *const read_only_paths[] = {
	"proc/bus", "proc/fs", "proc/irq", "proc/sys", "proc/sysrq-trigger",
};

/* Hide one path: a file gets /dev/null bound over it, a folder an empty read-only tmpfs. */
static int mask_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return errno == ENOENT ? 0 : fail_sys("cannot mask \"%s\"", path);
	if (S_ISDIR(st.st_mode))
		return mount_explained("tmpfs", path, "tmpfs", MS_RDONLY, "size=0");
	return mount_explained("/dev/null", path, NULL, MS_BIND, NULL);
}

/* Make one path read-only: bind it onto itself, then remount that bind read-only. The remount
 * repeats nosuid|nodev|noexec: in a user namespace the kernel refuses to clear flags that the
 * mount already had ("locked" flags, mount_namespaces(7)). */
static int make_read_only(const char *path)
{
	if (access(path, F_OK) < 0)
		return 0;
	if (mount_explained(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
		return -1;
	return mount_explained(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			       NULL);
}

int mask_paths_in(const char *rootfs)
{
	char path[PATH_MAX + 64];
	for (size_t i = 0; i < sizeof(masked_paths) / sizeof(masked_paths[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", rootfs, masked_paths[i]);
		if (mask_path(path) < 0)
			return -1;
	}
	for (size_t i = 0; i < sizeof(read_only_paths) / sizeof(read_only_paths[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", rootfs, read_only_paths[i]);
		if (make_read_only(path) < 0)
			return -1;
	}
	return 0;
}
