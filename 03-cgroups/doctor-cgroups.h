/*
 * doctor-cgroups.h - chapter 03's checks for `tinydock doctor`: the cgroup layout and where each
 * controller tinydock uses is enabled (01-chroot/doctor.h).
 */
#ifndef TINYDOCK_DOCTOR_CGROUPS_H
#define TINYDOCK_DOCTOR_CGROUPS_H

#include "cgroup_layout.h"
#include "doctor.h"

#include <stdbool.h>

struct cgroup_facts {
	bool mounted;                   /* a cgroup file system was found at all */
	struct cgroup_layout layout;    /* v1, v2 or hybrid, and where each tree is */
	char v2_controllers[256];       /* the v2 tree's cgroup.controllers: what it may hand out */
	char v2_subtree_control[256];   /* its cgroup.subtree_control: what its children have */
};

/* Pure: what chapter 03's facts mean. */
void doctor_judge_cgroups(const struct cgroup_facts *facts, struct doctor_report *r);

/* Read chapter 03's facts: /proc/self/mountinfo (cgroup_detect) and the v2 tree's files. */
void doctor_read_cgroups(struct cgroup_facts *facts);

/* Chapters 01 to 03's checks. */
void doctor_examine_03(struct doctor_report *r);

/* tinydock doctor, as build/ch03/tinydock has it */
int cmd_doctor_03(int argc, char **argv);

#endif
