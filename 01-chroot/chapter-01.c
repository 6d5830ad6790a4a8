/*
 * chapter-01.c - the commands of chapter 01: a root filesystem, and chroot(2) into it.
 */
#include "chapter-01.h"
#include "chroot.h"
#include "doctor.h"
#include "rootfs.h"
#include "version.h"

#include <stddef.h>

const struct command chapter_01_commands[] = {
	{ "rootfs", cmd_rootfs, "01-chroot", "Make a minimal root filesystem from the host's static busybox" },
	{ "chroot", cmd_chroot, "01-chroot", "Run a command with its root folder changed (chroot(2))" },
	{ "doctor", cmd_doctor, "01-chroot", "Check this machine for what each chapter needs, and say how to fix it" },
	{ "version", cmd_version, "01-chroot", "Show the tinydock version information" },
	{ NULL, NULL, NULL, NULL },
};
