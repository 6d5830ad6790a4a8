/*
 * chroot.h - the first jail: a process whose "/" is another folder.
 */
#ifndef TINYDOCK_CHROOT_H
#define TINYDOCK_CHROOT_H

/* In the calling process: chroot(dir), then chdir("/"), each step explained. */
int enter_chroot(const char *dir);

/* After a chdir inside a new root: fail unless the working folder is reachable from "/", that
 * is, inside the root. A working folder left outside is the door chroot-escape.c walks through,
 * and CVE-2024-21626's (a working folder of /proc/self/fd/N, N an fd of a host folder). Explained
 * under chapter. */
int check_cwd_inside_root(const char *chapter);

/* tinydock chroot DIR [CMD ARGS...] */
int cmd_chroot(int argc, char **argv);

#endif
