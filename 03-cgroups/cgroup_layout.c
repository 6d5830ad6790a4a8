/*
 * cgroup_layout.c - telling cgroup v1, v2 and hybrid apart (the lecture's CGroups).
 *
 * A control group (cgroup) is a set of processes that the kernel accounts and limits together:
 * memory, CPU time, number of processes. The interface is a file system: a cgroup is a folder,
 * its processes are listed in cgroup.procs, and its limits are files such as memory.max.
 *
 * Linux has two versions of that file system, and machines mount them in three ways:
 *
 *   v1       each controller is its own tree, mounted at /sys/fs/cgroup/<controller> (type
 *            "cgroup", the controller named in the mount options: "rw,memory"). A process has
 *            one place in each tree. Some distributions mount two controllers together
 *            ("rw,cpu,cpuacct" at /sys/fs/cgroup/cpu,cpuacct).
 *   v2       one tree for all controllers, mounted at /sys/fs/cgroup (type "cgroup2"). Fedora 31+,
 *            Ubuntu 21.10+, Debian 11+: what most students have.
 *   hybrid   the v1 trees, plus a v2 tree at /sys/fs/cgroup/unified that systemd uses to track
 *            processes; controllers stay in v1 (Ubuntu 18.04 and 20.04, this course's CI machine).
 *
 * The kernel says what is mounted where in /proc/self/mountinfo (proc(5)): the field after " - "
 * is the file system type, and for v1 the super options list the controllers. That is all this
 * file reads. Docker and runc decide the same way (runc: libcontainer/cgroups/utils.go, with
 * statfs(2) magic numbers for the root; the mountinfo lines carry the same fact).
 *
 * Read cgroup_limits.c next: what a limit looks like in each layout.
 */
#include "cgroup_layout.h"
#include "error.h"
#include "files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const controller_names[CG_CONTROLLER_COUNT] = {
	[CG_MEMORY] = "memory", [CG_CPU] = "cpu", [CG_CPUACCT] = "cpuacct",
	[CG_CPUSET] = "cpuset", [CG_PIDS] = "pids", [CG_DEVICES] = "devices",
	[CG_FREEZER] = "freezer",
};

const char *cgroup_controller_name(enum cgroup_controller c)
{
	return c < CG_CONTROLLER_COUNT ? controller_names[c] : "?";
}

const char *cgroup_mode_name(enum cgroup_mode mode)
{
	switch (mode) {
	case CGROUP_V1: return "v1";
	case CGROUP_V2: return "v2";
	case CGROUP_HYBRID: return "hybrid";
	}
	return "?";
}

static void layout_reset(struct cgroup_layout *layout, const char *root)
{
	memset(layout, 0, sizeof(*layout));
	snprintf(layout->root, sizeof(layout->root), "%s", root);
	/* "/sys/fs/cgroup/" and "/sys/fs/cgroup" are the same root */
	size_t len = strlen(layout->root);
	while (len > 1 && layout->root[len - 1] == '/')
		layout->root[--len] = '\0';
}

/* mountinfo escapes space, tab, newline and backslash as \040 \011 \012 \134 (proc(5)). */
static void unescape_octal(char *s)
{
	char *out = s;
	for (const char *in = s; *in; ) {
		if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' && in[2] <= '7' && in[3] >= '0' &&
		    in[3] <= '7') {
			*out++ = (char)((in[1] - '0') * 64 + (in[2] - '0') * 8 + (in[3] - '0'));
			in += 4;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
}

/* True when path is root or lies below it. */
static bool at_or_below(const char *path, const char *root)
{
	size_t len = strlen(root);
	if (strcmp(root, "/") == 0)
		return path[0] == '/';
	return strncmp(path, root, len) == 0 && (path[len] == '\0' || path[len] == '/');
}

/* Record, for a v1 mount, every controller named in its super options ("rw,cpu,cpuacct"). */
static void note_v1_controllers(struct cgroup_layout *layout, const char *mount_point, char *options)
{
	char *save = NULL;
	for (char *opt = strtok_r(options, ",", &save); opt; opt = strtok_r(NULL, ",", &save))
		for (int c = 0; c < CG_CONTROLLER_COUNT; c++)
			if (strcmp(opt, controller_names[c]) == 0)
				snprintf(layout->v1[c], sizeof(layout->v1[c]), "%s", mount_point);
}

int cgroup_layout_from_mountinfo(const char *mountinfo, const char *root, struct cgroup_layout *layout)
{
	layout_reset(layout, root);
	bool v2_at_root = false, any_v1 = false;
	char v2_below[PATH_MAX] = "";
	const char *line = mountinfo;
	while (line && *line) {
		const char *end = strchrnul(line, '\n');
		char text[8192];
		size_t len = (size_t)(end - line);
		if (len < sizeof(text)) {
			memcpy(text, line, len);
			text[len] = '\0';
			/* ID PARENT MAJ:MIN ROOT MOUNT_POINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER_OPTIONS */
			char mount_point[PATH_MAX], type[64], super[1024];
			const char *dash = strstr(text, " - ");
			if (dash && sscanf(text, "%*s %*s %*s %*s %4095s", mount_point) == 1 &&
			    sscanf(dash + 3, "%63s %*s %1023s", type, super) == 2) {
				unescape_octal(mount_point);
				if (at_or_below(mount_point, layout->root)) {
					if (strcmp(type, "cgroup2") == 0) {
						if (strcmp(mount_point, layout->root) == 0)
							v2_at_root = true;
						else
							snprintf(v2_below, sizeof(v2_below), "%s", mount_point);
					} else if (strcmp(type, "cgroup") == 0) {
						any_v1 = true;
						note_v1_controllers(layout, mount_point, super);
					}
				}
			}
		}
		line = *end ? end + 1 : end;
	}
	if (v2_at_root) {
		layout->mode = CGROUP_V2;
		snprintf(layout->unified, sizeof(layout->unified), "%s", layout->root);
		memset(layout->v1, 0, sizeof(layout->v1));
		return 0;
	}
	if (any_v1) {
		layout->mode = v2_below[0] ? CGROUP_HYBRID : CGROUP_V1;
		snprintf(layout->unified, sizeof(layout->unified), "%s", v2_below);
		return 0;
	}
	return fail_errno(0, "no cgroup file system is mounted at \"%s\" (see /proc/self/mountinfo; "
			     "mount one with: mount -t cgroup2 none %s)", layout->root, layout->root);
}

static bool file_exists(const char *dir, const char *name)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

int cgroup_layout_from_folder(const char *root, struct cgroup_layout *layout)
{
	layout_reset(layout, root);
	layout->simulated = true;
	if (!is_directory(layout->root))
		return fail_errno(ENOENT, "cannot use \"%s\" as the cgroup root", layout->root);
	if (file_exists(layout->root, "cgroup.controllers")) {
		layout->mode = CGROUP_V2;
		snprintf(layout->unified, sizeof(layout->unified), "%s", layout->root);
		return 0;
	}
	bool any_v1 = false;
	for (int c = 0; c < CG_CONTROLLER_COUNT; c++) {
		char dir[PATH_MAX];
		snprintf(dir, sizeof(dir), "%s/%s", layout->root, controller_names[c]);
		if (file_exists(dir, "cgroup.procs")) {
			snprintf(layout->v1[c], sizeof(layout->v1[c]), "%s", dir);
			any_v1 = true;
		}
	}
	if (!any_v1)
		return fail_errno(0, "\"%s\" looks like no cgroup root: it has neither cgroup.controllers (v2) "
				     "nor controller folders with cgroup.procs (v1)", layout->root);
	layout->mode = CGROUP_V1;
	char unified[PATH_MAX];
	snprintf(unified, sizeof(unified), "%s/unified", layout->root);
	if (file_exists(unified, "cgroup.controllers")) {
		layout->mode = CGROUP_HYBRID;
		snprintf(layout->unified, sizeof(layout->unified), "%s", unified);
	}
	return 0;
}

int cgroup_detect(const char *root, struct cgroup_layout *layout)
{
	if (!root || !*root)
		root = getenv("TINYDOCK_CGROUP_ROOT");
	bool chosen = root && *root;
	if (!chosen)
		root = "/sys/fs/cgroup";
	char *mountinfo = read_file("/proc/self/mountinfo", NULL);
	if (!mountinfo)
		return fail_context("cannot find the cgroup layout");
	int rc = cgroup_layout_from_mountinfo(mountinfo, root, layout);
	free(mountinfo);
	if (rc == 0 || !chosen)
		return rc;
	/* Nothing mounted there: a fake root made by a test (or a mistake, which the folder check names). */
	return cgroup_layout_from_folder(root, layout);
}
