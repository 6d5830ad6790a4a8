/*
 * rootfs.h - a minimal root filesystem made from the host's static busybox.
 */
#ifndef TINYDOCK_ROOTFS_H
#define TINYDOCK_ROOTFS_H

/* Where Debian's busybox-static package puts its binary, unless TINYDOCK_BUSYBOX says otherwise. */
#define DEFAULT_BUSYBOX "/bin/busybox"

/* The host's static busybox to use (TINYDOCK_BUSYBOX or DEFAULT_BUSYBOX), checked to be a static
 * executable; NULL with a message saying how to install it otherwise. */
const char *find_static_busybox(void);

/* Fill dir (created if missing) with busybox, a link per applet, /etc files and empty mount points. */
int make_busybox_rootfs(const char *dir);

/* tinydock rootfs DIR */
int cmd_rootfs(int argc, char **argv);

#endif
