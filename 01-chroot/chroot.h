/*
 * chroot.h - the first jail: a process whose "/" is another folder.
 */
#ifndef TINYDOCK_CHROOT_H
#define TINYDOCK_CHROOT_H

/* In the calling process: chroot(dir), then chdir("/"), each step explained. */
int enter_chroot(const char *dir);

/* tinydock chroot DIR [CMD ARGS...] */
int cmd_chroot(int argc, char **argv);

#endif
