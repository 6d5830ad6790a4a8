/*
 * doctor.h - `tinydock doctor`: what this machine has, chapter by chapter, and what to fix.
 *
 * A lab VM fails in a few known ways: no static busybox, user namespaces switched off or
 * restricted by AppArmor, a cgroup controller that is not delegated, no overlayfs, a subnet
 * already taken by the host's own network. doctor looks for each before a lab does, and says
 * for each chapter what works, what is missing and the command that fixes it.
 *
 * Each check is two parts: reading facts from the machine (/proc, /sys, statvfs, PATH), and a
 * pure decision on those facts (what to say, and whether a chapter can work). The decisions are
 * unit-tested with invented facts (a v2-only machine with memory not delegated, AppArmor
 * restricting user namespaces) that this machine could never show.
 *
 * Each chapter adds the checks of what it teaches, as it adds flags to `run` (run-flags.h): its
 * doctor_examine_NN calls the earlier chapter's, then checks its own, and its table's `doctor`
 * row runs doctor_command with it. build/ch02/tinydock checks what chapters 01 and 02 need.
 */
#ifndef TINYDOCK_DOCTOR_H
#define TINYDOCK_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum doctor_verdict {
	DOCTOR_OK,       /* works */
	DOCTOR_MISSING,  /* a chapter needs it: doctor exits 1 */
	DOCTOR_OPTIONAL, /* missing, but only an exercise or a fallback needs it */
};

struct doctor_finding {
	char chapter[24];           /* "03-cgroups" */
	enum doctor_verdict verdict;
	char what[256];             /* "cgroup layout: hybrid (...)" */
	char fix[256];              /* the command that fixes it, or "" */
};

#define DOCTOR_MAX_FINDINGS 48

struct doctor_report {
	struct doctor_finding findings[DOCTOR_MAX_FINDINGS];
	size_t count;
};

/* Add a finding (fix may be NULL); findings past DOCTOR_MAX_FINDINGS are dropped. */
void doctor_add(struct doctor_report *r, const char *chapter, enum doctor_verdict verdict, const char *fix,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The finding whose text starts with prefix, or NULL (for tests and for later checks). */
const struct doctor_finding *doctor_find(const struct doctor_report *r, const char *prefix);

/* How many findings say DOCTOR_MISSING. */
size_t doctor_missing(const struct doctor_report *r);

/* Print the report, grouped by chapter, then a summary line. */
void doctor_print(FILE *out, const struct doctor_report *r);

/* `tinydock doctor`: examine fills a report, which is printed; exit 0 when nothing a chapter
 * needs is missing, else 1. */
int doctor_command(int argc, char **argv, void (*examine)(struct doctor_report *r));

/* --- chapter 01: the kernel, root, busybox-static, disk ------------------------------------ */

enum busybox_state { BUSYBOX_ABSENT, BUSYBOX_DYNAMIC, BUSYBOX_STATIC };

struct host_facts {
	char kernel[65];                 /* uname -r */
	char machine[65];                /* uname -m */
	bool root;                       /* effective uid 0 */
	char busybox_path[256];          /* TINYDOCK_BUSYBOX or /bin/busybox */
	enum busybox_state busybox;
	char state_root[256];            /* TINYDOCK_ROOT or /var/lib/tinydock */
	long long free_bytes;            /* available under state_root (or its nearest parent); -1 unknown */
};

/* Pure: what chapter 01's facts mean. */
void doctor_judge_host(const struct host_facts *facts, struct doctor_report *r);

/* Read chapter 01's facts from this machine. */
void doctor_read_host(struct host_facts *facts);

/* Chapter 01's checks (read, then judge). */
void doctor_examine_01(struct doctor_report *r);

/* tinydock doctor, as build/ch01/tinydock has it */
int cmd_doctor(int argc, char **argv);

#endif
