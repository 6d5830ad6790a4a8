/*
 * doctor-overlay.c - chapter 04's check: can this kernel mount overlayfs?
 *
 * /proc/filesystems lists the file system types the running kernel knows now (proc(5)); a
 * type built as a module appears there only once the module is loaded, which mount(2) asks the
 * kernel to do on first use (request_module "fs-overlay"). So overlay is there, or loadable
 * from /lib/modules, or missing. Without it, `run` copies the layers into the container's
 * folder instead (overlay-run.c): slower and bigger, but chapter 04 still works; the lesson on
 * copy-up and whiteouts needs the real thing.
 *
 * Read next: 05-images/doctor-interop.c.
 */
#include "doctor-overlay.h"
#include "doctor-cgroups.h"
#include "error.h"
#include "files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#define CHAPTER "04-layers"

bool doctor_filesystems_list_overlay(const char *filesystems)
{
	for (const char *line = filesystems; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		const char *name = strchr(line, '\t'); /* "nodev\toverlay" or "\text4" */
		if (name && strncmp(name + 1, "overlay", 7) == 0 && (name[8] == '\n' || name[8] == '\0'))
			return true;
	}
	return false;
}

void doctor_judge_overlay(const struct overlay_facts *f, struct doctor_report *r)
{
	if (f->registered)
		doctor_add(r, CHAPTER, DOCTOR_OK, NULL, "overlayfs: in /proc/filesystems");
	else if (f->loadable)
		doctor_add(r, CHAPTER, DOCTOR_OK, NULL, "overlayfs: a module, loaded on the first mount (or: sudo modprobe overlay)");
	else
		doctor_add(r, CHAPTER, DOCTOR_MISSING, "sudo modprobe overlay (or a kernel with CONFIG_OVERLAY_FS)",
			   "overlayfs: not in this kernel, nor as a module: run copies layers instead of stacking them");
}

void doctor_read_overlay(struct overlay_facts *f)
{
	size_t size;
	char *filesystems = read_file("/proc/filesystems", &size);
	f->registered = filesystems && doctor_filesystems_list_overlay(filesystems);
	free(filesystems);
	error_clear();

	struct utsname u;
	char folder[PATH_MAX];
	struct stat st;
	f->loadable = uname(&u) == 0 &&
		      snprintf(folder, sizeof(folder), "/lib/modules/%s/kernel/fs/overlayfs", u.release) > 0 &&
		      stat(folder, &st) == 0 && S_ISDIR(st.st_mode);
}

void doctor_examine_04(struct doctor_report *r)
{
	doctor_examine_03(r);
	struct overlay_facts facts = { .registered = false };
	doctor_read_overlay(&facts);
	doctor_judge_overlay(&facts, r);
}

int cmd_doctor_04(int argc, char **argv)
{
	return doctor_command(argc, argv, doctor_examine_04);
}
