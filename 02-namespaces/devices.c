/*
 * devices.c - the container's /dev: a small tmpfs with only the devices a program expects.
 *
 * The container gets its own /dev. The host's /dev holds every disk, every
 * terminal, /dev/mem and /dev/kmsg; a process that can open /dev/sda can read any file of the
 * host whatever its mount namespace says. So the container's /dev is a fresh, empty tmpfs into
 * which we put the few devices every program takes for granted (the same set as runc's
 * default devices and the OCI runtime spec, "Default Devices"):
 *
 *   null zero full random urandom tty   bound from the host's /dev (mknod(2) would need
 *                                       CAP_MKNOD, which a user namespace never has; a bind
 *                                       mount of the host's node works in both cases)
 *   pts/ (devpts, newinstance)          the container's own pseudo-terminals: a fresh devpts
 *                                       instance, so the host's terminals are not listed and
 *                                       numbering starts at /dev/pts/0 (kernel doc: devpts.rst)
 *   ptmx -> pts/ptmx                    the multiplexer of THAT instance (ptmxmode=0666)
 *   shm/ (tmpfs), mqueue/ (mqueue)      POSIX shared memory and message queues, which belong
 *                                       to the IPC namespace
 *   fd stdin stdout stderr              links into /proc/self/fd, as on any Linux system
 *
 * Next: pivot.c.
 */
#include "container.h"
#include "error.h"
#include "explain.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static const char CHAPTER[] = "02-namespaces";

static int make_dir(const char *path, mode_t mode)
{
	int rc = mkdir(path, mode);
	explain_result(CHAPTER, rc, "mkdir(\"%s\", 0%o)", path, (unsigned)mode);
	return rc < 0 && errno != EEXIST ? fail_sys("cannot create \"%s\"", path) : 0;
}

static int make_link(const char *target, const char *path)
{
	int rc = symlink(target, path);
	explain_result(CHAPTER, rc, "symlink(\"%s\", \"%s\")", target, path);
	return rc < 0 ? fail_sys("cannot link \"%s\" to \"%s\"", path, target) : 0;
}

/* An empty file in the new /dev, with the host's device node bound over it. */
static int bind_device(const char *dev, const char *name)
{
	char host[64], path[PATH_MAX + 64];
	snprintf(host, sizeof(host), "/dev/%s", name);
	snprintf(path, sizeof(path), "%s/%s", dev, name);
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
	if (fd < 0)
		return fail_sys("cannot create \"%s\"", path);
	close(fd);
	return mount_explained(host, path, NULL, MS_BIND, NULL);
}

int populate_dev(const struct container *c)
{
	char dev[PATH_MAX + 8], path[PATH_MAX + 64];
	snprintf(dev, sizeof(dev), "%s/dev", c->rootfs_path);
	struct stat st;
	if (lstat(dev, &st) < 0) {
		if (errno != ENOENT || make_dir(dev, 0755) < 0)
			return fail_sys("cannot make the mount point \"%s\"", dev);
	} else if (!S_ISDIR(st.st_mode)) {
		return fail_errno(0, "cannot mount on \"%s\": not a folder (a symbolic link or file in the rootfs)",
				  dev);
	}
	if (mount_explained("tmpfs", dev, "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k") < 0)
		return -1;

	static const char *const devices[] = { "null", "zero", "full", "random", "urandom", "tty" };
	for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++)
		if (bind_device(dev, devices[i]) < 0)
			return -1;

	snprintf(path, sizeof(path), "%s/pts", dev);
	/* gid=5 is the "tty" group, which a user namespace may not have mapped: leave it out there. */
	if (make_dir(path, 0755) < 0 ||
	    mount_explained("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC,
			    c->userns ? "newinstance,ptmxmode=0666,mode=0620"
				      : "newinstance,ptmxmode=0666,mode=0620,gid=5") < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/ptmx", dev);
	if (make_link("pts/ptmx", path) < 0)
		return -1;

	snprintf(path, sizeof(path), "%s/shm", dev);
	if (make_dir(path, 01777) < 0 ||
	    mount_explained("shm", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k") < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/mqueue", dev);
	if (make_dir(path, 0755) < 0 || mount_explained("mqueue", path, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return -1;

	static const char *const links[][2] = {
		{ "/proc/self/fd", "fd" },
		{ "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" },
		{ "/proc/self/fd/2", "stderr" },
	};
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dev, links[i][1]);
		if (make_link(links[i][0], path) < 0)
			return -1;
	}
	return 0;
}
