/*
 * doctor.c - the doctor's report: findings per chapter, printed as a checklist, and the command.
 *
 * The checks themselves live with the chapter that needs them (doctor-host.c here,
 * doctor-namespaces.c in 02, ...); this file only collects what they found and says it, so that
 * a finding reads the same whichever chapter made it:
 *
 *     03-cgroups
 *       ok        cgroup layout: hybrid (v1 controllers, a v2 tree at /sys/fs/cgroup/unified)
 *       missing   memory: not delegated to /sys/fs/cgroup
 *                 fix: echo +memory > /sys/fs/cgroup/cgroup.subtree_control
 *
 * Read next: doctor-host.c, the first chapter's checks.
 */
#include "doctor.h"
#include "cli.h"

#include <stdarg.h>
#include <string.h>

void doctor_add(struct doctor_report *r, const char *chapter, enum doctor_verdict verdict, const char *fix,
		const char *fmt, ...)
{
	if (r->count >= DOCTOR_MAX_FINDINGS)
		return;
	struct doctor_finding *f = &r->findings[r->count++];
	snprintf(f->chapter, sizeof(f->chapter), "%s", chapter);
	f->verdict = verdict;
	snprintf(f->fix, sizeof(f->fix), "%s", fix ? fix : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->what, sizeof(f->what), fmt, ap);
	va_end(ap);
}

const struct doctor_finding *doctor_find(const struct doctor_report *r, const char *prefix)
{
	for (size_t i = 0; i < r->count; i++)
		if (strncmp(r->findings[i].what, prefix, strlen(prefix)) == 0)
			return &r->findings[i];
	return NULL;
}

size_t doctor_missing(const struct doctor_report *r)
{
	size_t missing = 0;
	for (size_t i = 0; i < r->count; i++)
		missing += r->findings[i].verdict == DOCTOR_MISSING;
	return missing;
}

static const char *verdict_word(enum doctor_verdict v)
{
	switch (v) {
	case DOCTOR_OK:
		return "ok";
	case DOCTOR_MISSING:
		return "missing";
	case DOCTOR_OPTIONAL:
		return "optional";
	}
	return "?";
}

void doctor_print(FILE *out, const struct doctor_report *r)
{
	const char *chapter = "";
	for (size_t i = 0; i < r->count; i++) {
		const struct doctor_finding *f = &r->findings[i];
		if (strcmp(f->chapter, chapter) != 0) {
			chapter = f->chapter;
			fprintf(out, "%s%s\n", i ? "\n" : "", chapter);
		}
		fprintf(out, "  %-9s %s\n", verdict_word(f->verdict), f->what);
		if (f->fix[0])
			fprintf(out, "  %-9s fix: %s\n", "", f->fix);
	}
	size_t missing = doctor_missing(r);
	if (missing == 0)
		fprintf(out, "\nThis machine has what every chapter here needs.\n");
	else
		fprintf(out, "\n%zu thing%s a chapter needs %s missing: see \"missing\" above.\n", missing,
			missing == 1 ? "" : "s", missing == 1 ? "is" : "are");
}

static const char doctor_help[] =
	"Usage:  tinydock doctor\n"
	"\n"
	"Check this machine for what each chapter needs, and say, chapter by chapter, what works,\n"
	"what is missing and the command that fixes it: the kernel, root, busybox-static, free\n"
	"disk (01), user namespaces and a free subnet for the default bridge (02), the cgroup\n"
	"layout and its controllers (03), overlayfs (04), Docker and skopeo for the exercises\n"
	"that compare with them (05, optional).\n"
	"\n"
	"Exit status: 0 when nothing a chapter needs is missing, 1 otherwise.\n";

int doctor_command(int argc, char **argv, void (*examine)(struct doctor_report *r))
{
	if (asks_for_help(argc, argv))
		return print_help(doctor_help);
	if (argc > 1)
		return usage_error("doctor", "takes no arguments");
	struct doctor_report report = { .count = 0 };
	examine(&report);
	doctor_print(stdout, &report);
	return doctor_missing(&report) ? 1 : 0;
}
