/*
 * doctor-interop.c - chapter 05's check: are Docker and skopeo here to compare with?
 *
 * An image saved here loads into Docker, a `docker save` archive loads here, and both pull from
 * the registry of registry-commands.c: the exercises that show it need docker or skopeo on the
 * lab machine. Nothing of tinydock needs them, so their absence is "optional", never a failure.
 *
 * Read next: 05-images/README.md, "save and load".
 */
#include "doctor-interop.h"
#include "doctor-overlay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHAPTER "05-images"

static void judge_tool(const char *name, const char *path, const char *fix, struct doctor_report *r)
{
	if (path[0])
		doctor_add(r, CHAPTER, DOCTOR_OK, NULL, "%s: %s (for the interoperability exercises)", name, path);
	else
		doctor_add(r, CHAPTER, DOCTOR_OPTIONAL, fix, "%s: not installed; only the interoperability exercises use it",
			   name);
}

void doctor_judge_interop(const struct interop_facts *f, struct doctor_report *r)
{
	judge_tool("docker", f->docker, "sudo apt-get install docker.io", r);
	judge_tool("skopeo", f->skopeo, "sudo apt-get install skopeo", r);
}

/* The first executable name in a folder of $PATH, as execvp(3) would find it; "" if none. */
static void find_on_path(const char *name, char *out, size_t size)
{
	out[0] = '\0';
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t length = strcspn(path, ":");
		snprintf(out, size, "%.*s/%s", (int)length, path, name);
		if (length > 0 && access(out, X_OK) == 0)
			return;
		path += length + (path[length] == ':');
	}
	out[0] = '\0';
}

void doctor_read_interop(struct interop_facts *f)
{
	find_on_path("docker", f->docker, sizeof(f->docker));
	find_on_path("skopeo", f->skopeo, sizeof(f->skopeo));
}

void doctor_examine_05(struct doctor_report *r)
{
	doctor_examine_04(r);
	struct interop_facts facts;
	doctor_read_interop(&facts);
	doctor_judge_interop(&facts, r);
}

int cmd_doctor_05(int argc, char **argv)
{
	return doctor_command(argc, argv, doctor_examine_05);
}
