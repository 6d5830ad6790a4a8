/*
 * doctor-interop.h - chapter 05's check for `tinydock doctor`: Docker and skopeo, for the
 * exercises that pass images between them and tinydock (01-chroot/doctor.h).
 */
#ifndef TINYDOCK_DOCTOR_INTEROP_H
#define TINYDOCK_DOCTOR_INTEROP_H

#include "doctor.h"

struct interop_facts {
	char docker[256]; /* where docker is on PATH, or "" */
	char skopeo[256]; /* where skopeo is on PATH, or "" */
};

/* Pure: what chapter 05's facts mean. Both are optional: no chapter needs them. */
void doctor_judge_interop(const struct interop_facts *facts, struct doctor_report *r);

void doctor_read_interop(struct interop_facts *facts);

/* Chapters 01 to 05's checks. */
void doctor_examine_05(struct doctor_report *r);

/* tinydock doctor, as build/ch05/tinydock and later have it */
int cmd_doctor_05(int argc, char **argv);

#endif
