/*
 * userns.c - user namespaces: root inside, an unprivileged id outside.
 *
 * User namespaces remap uids: root in the container is not root on the host. A new
 * user namespace starts with no ids at all: until someone writes /proc/PID/uid_map, every id
 * inside shows as the overflow id 65534 ("nobody") and the process can do almost nothing.
 * user_namespaces(7) sets the rules that shape this file:
 *
 *  - The maps are written ONCE, by a process outside (here the parent, at SYNC_USERMAP) or by
 *    the process itself; each line is "ID-INSIDE ID-OUTSIDE COUNT".
 *  - A privileged writer (CAP_SETUID in the parent namespace) may map any range. Docker's
 *    userns-remap maps 0..65535 inside to 100000..165535 outside (from /etc/subuid); so do we.
 *  - An unprivileged writer may map exactly one id: its own. That is rootless mode: root inside
 *    is you outside, and nothing more.
 *  - Before an unprivileged writer may write gid_map, it must write "deny" to
 *    /proc/PID/setgroups (since Linux 3.19, CVE-2014-8989): otherwise a user could drop a
 *    supplementary group that a file's permissions use to keep them OUT ("rwx---r--"), by
 *    calling setgroups(2) inside.
 *
 * The child waits for SYNC_USERMAP before anything else, because without a map it has no
 * identity: setresuid(0,...) fails, files it creates would have no owner.
 *
 * Next: setup.c.
 */
#include "container.h"
#include "error.h"
#include "explain.h"
#include "files.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

static const char CHAPTER[] = "02-namespaces";

void default_id_maps(struct container *c, uid_t euid, gid_t egid)
{
	if (c->uid_map_count == 0) {
		c->uid_maps[0] = euid == 0 ? (struct id_map){ 0, DEFAULT_USERNS_OUTSIDE, DEFAULT_USERNS_COUNT }
					   : (struct id_map){ 0, euid, 1 };
		c->uid_map_count = 1;
	}
	if (c->gid_map_count == 0) {
		c->gid_maps[0] = euid == 0 ? (struct id_map){ 0, DEFAULT_USERNS_OUTSIDE, DEFAULT_USERNS_COUNT }
					   : (struct id_map){ 0, egid, 1 };
		c->gid_map_count = 1;
	}
}

static int write_map(pid_t pid, const char *file, const struct id_map *maps, size_t count)
{
	char path[64], text[MAX_ID_MAPS * 40] = "";
	size_t n = 0;
	for (size_t i = 0; i < count; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%lu %lu %lu\n", maps[i].inside, maps[i].outside,
				      maps[i].count);
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	int rc = write_string(path, text);
	/* the map has newlines; show it on one line */
	char shown[sizeof(text)];
	snprintf(shown, sizeof(shown), "%s", text);
	for (char *p = shown; *p; p++)
		if (*p == '\n')
			*p = p[1] ? ',' : '\0';
	explain_result(CHAPTER, rc, "write %s = \"%s\"", path, shown);
	if (rc < 0 && geteuid() != 0)
		return fail_context("an unprivileged user may map only its own id (uid %d)", (int)geteuid());
	return rc;
}

int write_id_maps(const struct container *c, pid_t pid)
{
	if (geteuid() != 0) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
		int rc = write_string(path, "deny");
		explain_result(CHAPTER, rc, "write %s = \"deny\"", path);
		if (rc < 0)
			return -1;
	}
	if (write_map(pid, "uid_map", c->uid_maps, c->uid_map_count) < 0 ||
	    write_map(pid, "gid_map", c->gid_maps, c->gid_map_count) < 0)
		return -1;
	return 0;
}
