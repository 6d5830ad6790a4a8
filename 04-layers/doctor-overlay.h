/*
 * doctor-overlay.h - chapter 04's check for `tinydock doctor`: overlayfs (01-chroot/doctor.h).
 */
#ifndef TINYDOCK_DOCTOR_OVERLAY_H
#define TINYDOCK_DOCTOR_OVERLAY_H

#include "doctor.h"

#include <stdbool.h>

struct overlay_facts {
	bool registered; /* "overlay" is in /proc/filesystems: the kernel can mount it now */
	bool loadable;   /* /lib/modules/$(uname -r)/kernel/fs/overlayfs/ holds the module */
};

/* Pure: /proc/filesystems's text lists overlay ("nodev\toverlay"). */
bool doctor_filesystems_list_overlay(const char *filesystems);

/* Pure: what chapter 04's facts mean. */
void doctor_judge_overlay(const struct overlay_facts *facts, struct doctor_report *r);

void doctor_read_overlay(struct overlay_facts *facts);

/* Chapters 01 to 04's checks. */
void doctor_examine_04(struct doctor_report *r);

/* tinydock doctor, as build/ch04/tinydock has it */
int cmd_doctor_04(int argc, char **argv);

#endif
