/*
 * doctor-cgroups.c - chapter 03's checks: which cgroup layout, and each controller's place.
 *
 * A limit works only if its controller is there for tinydock's cgroups:
 *   v1, hybrid  each controller is a tree of its own, mounted under /sys/fs/cgroup/<name>; one
 *               that is not mounted cannot limit anything (cgroups(7), "Cgroups version 1")
 *   v2          one tree; a controller reaches a cgroup only if every parent lists it in
 *               cgroup.subtree_control, and a parent can hand out only what its own
 *               cgroup.controllers lists (Documentation/admin-guide/cgroup-v2.rst, "Enabling and
 *               Disabling"). tinydock writes "+memory" and the others into the tree's
 *               subtree_control itself when it makes a container's cgroup; what it cannot do is
 *               enable a controller the tree was not given: inside a container, or in a systemd
 *               unit without Delegate=yes, memory is often missing from cgroup.controllers.
 *
 * memory, cpu and pids are what chapter 03 teaches and needs; cpuset only for --cpuset-cpus.
 *
 * Read next: 04-layers/doctor-overlay.c.
 */
#include "doctor-cgroups.h"
#include "doctor-namespaces.h"
#include "error.h"
#include "files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHAPTER "03-cgroups"

/* Is name a word of the space-separated list? */
static bool listed(const char *list, const char *name)
{
	size_t length = strlen(name);
	for (const char *at = list; (at = strstr(at, name)); at += length)
		if ((at == list || at[-1] == ' ') && (at[length] == '\0' || at[length] == ' ' || at[length] == '\n'))
			return true;
	return false;
}

static void judge_v2_controller(const struct cgroup_facts *f, enum cgroup_controller c, enum doctor_verdict need,
				struct doctor_report *r)
{
	const char *name = cgroup_controller_name(c);
	const char *tree = f->layout.unified;
	if (listed(f->v2_subtree_control, name)) {
		doctor_add(r, CHAPTER, DOCTOR_OK, NULL, "%s: enabled for %s's children (cgroup.subtree_control)", name, tree);
	} else if (listed(f->v2_controllers, name)) {
		doctor_add(r, CHAPTER, DOCTOR_OK, NULL,
			   "%s: available in %s (cgroup.controllers); tinydock enables it in cgroup.subtree_control",
			   name, tree);
	} else {
		char fix[256];
		snprintf(fix, sizeof(fix), "echo +%s > <the parent of %s>/cgroup.subtree_control (systemd: Delegate=yes)",
			 name, tree);
		doctor_add(r, CHAPTER, need, fix, "%s: not delegated to %s (not in its cgroup.controllers)", name, tree);
	}
}

static void judge_v1_controller(const struct cgroup_facts *f, enum cgroup_controller c, enum doctor_verdict need,
				struct doctor_report *r)
{
	const char *name = cgroup_controller_name(c);
	if (f->layout.v1[c][0]) {
		doctor_add(r, CHAPTER, DOCTOR_OK, NULL, "%s: a v1 tree at %s", name, f->layout.v1[c]);
	} else if (f->layout.mode == CGROUP_HYBRID && listed(f->v2_controllers, name)) {
		judge_v2_controller(f, c, need, r); /* a hybrid machine may give a controller to v2 */
	} else {
		char fix[256];
		snprintf(fix, sizeof(fix), "sudo mkdir -p %s/%s && sudo mount -t cgroup -o %s cgroup %s/%s", f->layout.root,
			 name, name, f->layout.root, name);
		doctor_add(r, CHAPTER, need, fix, "%s: no v1 tree mounted for it", name);
	}
}

void doctor_judge_cgroups(const struct cgroup_facts *f, struct doctor_report *r)
{
	if (!f->mounted) {
		doctor_add(r, CHAPTER, DOCTOR_MISSING, "sudo mount -t cgroup2 none /sys/fs/cgroup",
			   "cgroup layout: no cgroup file system is mounted");
		return;
	}
	const struct cgroup_layout *l = &f->layout;
	switch (l->mode) {
	case CGROUP_V2:
		doctor_add(r, CHAPTER, DOCTOR_OK, NULL, "cgroup layout: v2 (one tree at %s)", l->unified);
		break;
	case CGROUP_V1:
		doctor_add(r, CHAPTER, DOCTOR_OK, NULL, "cgroup layout: v1 (a tree per controller under %s)", l->root);
		break;
	case CGROUP_HYBRID:
		doctor_add(r, CHAPTER, DOCTOR_OK, NULL,
			   "cgroup layout: hybrid (v1 trees per controller under %s, a v2 tree at %s)", l->root,
			   l->unified);
		doctor_add(r, CHAPTER, DOCTOR_OK, NULL, "v2 tree %s: %s%s", l->unified,
			   f->v2_controllers[0] ? "controllers " : "no controllers (it tracks processes only)",
			   f->v2_controllers);
		break;
	}

	static const struct {
		enum cgroup_controller controller;
		enum doctor_verdict need; /* when it is missing */
	} wanted[] = {
		{ CG_MEMORY, DOCTOR_MISSING },
		{ CG_CPU, DOCTOR_MISSING },
		{ CG_PIDS, DOCTOR_MISSING },
		{ CG_CPUSET, DOCTOR_OPTIONAL },
	};
	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		if (l->mode == CGROUP_V2)
			judge_v2_controller(f, wanted[i].controller, wanted[i].need, r);
		else
			judge_v1_controller(f, wanted[i].controller, wanted[i].need, r);
	}
}

/* The first line of a cgroup file into out ("" when it cannot be read). */
static void read_line(const char *folder, const char *name, char *out, size_t size)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", folder, name);
	size_t length;
	char *text = read_file(path, &length);
	snprintf(out, size, "%s", text ? text : "");
	out[strcspn(out, "\n")] = '\0';
	free(text);
	error_clear(); /* an unreadable file is an empty list: the judge says what is missing */
}

void doctor_read_cgroups(struct cgroup_facts *f)
{
	f->mounted = cgroup_detect(NULL, &f->layout) == 0;
	error_clear();
	if (f->mounted && f->layout.unified[0]) {
		read_line(f->layout.unified, "cgroup.controllers", f->v2_controllers, sizeof(f->v2_controllers));
		read_line(f->layout.unified, "cgroup.subtree_control", f->v2_subtree_control,
			  sizeof(f->v2_subtree_control));
	}
}

void doctor_examine_03(struct doctor_report *r)
{
	doctor_examine_02(r);
	struct cgroup_facts *facts = calloc(1, sizeof(*facts)); /* the layout's paths: 30 KiB */
	if (!facts) {
		doctor_add(r, CHAPTER, DOCTOR_MISSING, NULL, "cgroups: out of memory while checking");
		return;
	}
	doctor_read_cgroups(facts);
	doctor_judge_cgroups(facts, r);
	free(facts);
}

int cmd_doctor_03(int argc, char **argv)
{
	return doctor_command(argc, argv, doctor_examine_03);
}
