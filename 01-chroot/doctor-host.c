/*
 * doctor-host.c - chapter 01's checks: the kernel, root, the static busybox, free disk.
 *
 * Chapter 01 needs little: root (chroot(2) needs CAP_SYS_CHROOT, and every later chapter
 * mounts), a busybox linked statically (an empty root has no libc or loader for a dynamic one:
 * rootfs.c), and room under the state root for containers' layers and images. The kernel's
 * version is said first, because every later finding depends on it.
 *
 * Read next: 02-namespaces/doctor-namespaces.c.
 */
#include "doctor.h"
#include "error.h"
#include "files.h"
#include "rootfs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#define CHAPTER "01-chroot"

/* Below this, the course's kernel features are not all there: cgroup v2's cpu controller came
 * in 4.15 (Documentation/admin-guide/cgroup-v2.rst), overlayfs's redirect_dir in 4.10. */
#define KERNEL_OLDEST_MAJOR 4
#define KERNEL_OLDEST_MINOR 15

/* Room for a few images and containers' upper folders; less makes `build` fail half way. */
#define FREE_DISK_WANTED (1LL << 30)

static void say_bytes(char *out, size_t size, long long bytes)
{
	if (bytes >= 1LL << 30)
		snprintf(out, size, "%.1f GiB", (double)bytes / (1LL << 30));
	else
		snprintf(out, size, "%.0f MiB", (double)bytes / (1LL << 20));
}

void doctor_judge_host(const struct host_facts *f, struct doctor_report *r)
{
	int major = 0, minor = 0;
	sscanf(f->kernel, "%d.%d", &major, &minor);
	if (major > KERNEL_OLDEST_MAJOR || (major == KERNEL_OLDEST_MAJOR && minor >= KERNEL_OLDEST_MINOR))
		doctor_add(r, CHAPTER, DOCTOR_OK, NULL, "kernel %s (%s)", f->kernel, f->machine);
	else
		doctor_add(r, CHAPTER, DOCTOR_OPTIONAL, "use a distribution with Linux 4.15 or later",
			   "kernel %s: older than %d.%d, some limits and mounts of chapters 03-04 may fail", f->kernel,
			   KERNEL_OLDEST_MAJOR, KERNEL_OLDEST_MINOR);

	if (f->root)
		doctor_add(r, CHAPTER, DOCTOR_OK, NULL, "root: chroot, mounts and namespaces are allowed");
	else
		doctor_add(r, CHAPTER, DOCTOR_MISSING, "run tinydock with sudo",
			   "root: not root; chroot(2) needs CAP_SYS_CHROOT, mount(2) and most namespaces CAP_SYS_ADMIN");

	switch (f->busybox) {
	case BUSYBOX_STATIC:
		doctor_add(r, CHAPTER, DOCTOR_OK, NULL, "busybox: %s, linked statically", f->busybox_path);
		break;
	case BUSYBOX_DYNAMIC:
		doctor_add(r, CHAPTER, DOCTOR_MISSING, "sudo apt-get install busybox-static",
			   "busybox: %s is linked dynamically, and cannot run in a root without libc", f->busybox_path);
		break;
	case BUSYBOX_ABSENT:
		doctor_add(r, CHAPTER, DOCTOR_MISSING, "sudo apt-get install busybox-static",
			   "busybox: no %s, and every root filesystem here is made from it", f->busybox_path);
		break;
	}

	char free[32];
	say_bytes(free, sizeof(free), f->free_bytes);
	if (f->free_bytes < 0)
		doctor_add(r, CHAPTER, DOCTOR_OPTIONAL, NULL, "disk: cannot tell the free space under %s", f->state_root);
	else if (f->free_bytes >= FREE_DISK_WANTED)
		doctor_add(r, CHAPTER, DOCTOR_OK, NULL, "disk: %s free under %s", free, f->state_root);
	else
		doctor_add(r, CHAPTER, DOCTOR_MISSING, "free some space, or point TINYDOCK_ROOT at a larger disk",
			   "disk: only %s free under %s (images and layers want 1 GiB)", free, f->state_root);
}

/* statvfs(3) of path, or of its nearest folder that exists: the state root is made on first use. */
static long long free_bytes_under(const char *path)
{
	char at[256];
	snprintf(at, sizeof(at), "%s", path);
	for (;;) {
		struct statvfs vfs;
		if (statvfs(at, &vfs) == 0)
			return (long long)vfs.f_bavail * (long long)vfs.f_frsize;
		char *slash = strrchr(at, '/');
		if (!slash || slash == at) {
			if (strcmp(at, "/") == 0)
				return -1;
			snprintf(at, sizeof(at), "/");
		} else {
			*slash = '\0';
		}
	}
}

void doctor_read_host(struct host_facts *f)
{
	struct utsname u;
	if (uname(&u) == 0) {
		snprintf(f->kernel, sizeof(f->kernel), "%s", u.release);
		snprintf(f->machine, sizeof(f->machine), "%s", u.machine);
	}
	f->root = geteuid() == 0;

	const char *busybox = getenv("TINYDOCK_BUSYBOX");
	snprintf(f->busybox_path, sizeof(f->busybox_path), "%s", busybox && *busybox ? busybox : DEFAULT_BUSYBOX);
	if (access(f->busybox_path, X_OK) < 0)
		f->busybox = BUSYBOX_ABSENT;
	else
		f->busybox = find_static_busybox() ? BUSYBOX_STATIC : BUSYBOX_DYNAMIC;
	error_clear(); /* find_static_busybox's message: the judge says it in doctor's words */

	snprintf(f->state_root, sizeof(f->state_root), "%s", state_root());
	f->free_bytes = free_bytes_under(f->state_root);
}

void doctor_examine_01(struct doctor_report *r)
{
	struct host_facts facts = { .free_bytes = -1 };
	doctor_read_host(&facts);
	doctor_judge_host(&facts, r);
}

int cmd_doctor(int argc, char **argv)
{
	return doctor_command(argc, argv, doctor_examine_01);
}
