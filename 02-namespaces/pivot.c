/*
 * pivot.c - pivot_root(2): the rootfs becomes "/", and the host's root is let go.
 *
 * chroot(2) changes where path lookup starts; pivot_root(2) changes the root MOUNT. Chapter
 * 01 showed that root can climb out of a chroot: chroot(2) only moves the process's root
 * pointer, and the host's whole tree is still mounted above it, reachable by a working folder
 * left outside. pivot_root(2) works on the mount table instead: it makes new_root the root mount
 * of the mount namespace and moves the old root mount to put_old. Once put_old is unmounted,
 * the host's filesystem is not in this namespace's mount table at all; there is nothing above
 * "/" left to climb to, whatever chdir("..") or chroot() the process tries (test_namespaces.c
 * runs chapter 01's chroot-escape to show it).
 *
 * pivot_root(".", ".") is the trick from the man page (NOTES) that runc and crun use: with the
 * rootfs as working folder, the old root is stacked on top of "/", so no put_old folder has to
 * be made inside the user's rootfs; umount2(".", MNT_DETACH) then peels it off. MNT_DETACH
 * because the old root is busy (our own open files point into it).
 *
 * Next: init.c.
 */
#include "container.h"
#include "error.h"
#include "explain.h"

#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char CHAPTER[] = "02-namespaces";

int pivot_to_cwd(void)
{
	/* glibc has no wrapper for pivot_root(2) */
	if (explain_result(CHAPTER, syscall(SYS_pivot_root, ".", "."), "pivot_root(\".\", \".\")") < 0)
		return fail_sys("cannot pivot_root to the rootfs");
	if (explain_result(CHAPTER, umount2(".", MNT_DETACH), "umount2(\".\", MNT_DETACH)") < 0)
		return fail_sys("cannot unmount the old root");
	if (explain_result(CHAPTER, chdir("/"), "chdir(\"/\")") < 0)
		return fail_sys("cannot chdir to the new \"/\"");
	return 0;
}
