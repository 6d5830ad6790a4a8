/*
 * freezer.c - the cgroup freezer: `pause` stops every process of a container at once, without
 * a signal it could see or catch, and `unpause` lets them all go on.
 *
 * SIGSTOP would do it one process at a time, racing with forks, and a process sees it (its
 * parent gets SIGCHLD, a shell prints "Stopped"). The freezer works on the cgroup: the kernel
 * stops every task in it, and every task that forks into it, in the "refrigerator" (the same
 * state as for system suspend), and the tasks never learn of it (docker-pause(1)).
 *
 *   v1 (Documentation/admin-guide/cgroup-v1/freezer-subsystem.rst): a controller of its own.
 *      Write FROZEN to freezer.state; it reads FREEZING until every task is stopped, then
 *      FROZEN. Write THAWED to let them go on.
 *   v2 (Documentation/admin-guide/cgroup-v2.rst, "Core Interface Files", Linux 5.2): no
 *      controller, every cgroup but the root has cgroup.freeze. Write 1; cgroup.events says
 *      "frozen 1" once every task is stopped. Write 0 to thaw.
 *
 * A frozen task still takes SIGKILL in v2 (it dies: the kernel lets a fatal signal through);
 * a v1 frozen task may wait for the thaw (older kernels), and any other signal waits for it in
 * both. So `kill` and `stop` of a paused container thaw it after the signal is sent
 * (container-lifecycle.c), and it handles the signal as if never paused.
 */
#include "freezer.h"

#include "container-view.h"
#include "error.h"
#include "files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum freezer_kind freezer_of(const struct cgroup *cg)
{
	if (cg->v1[CG_FREEZER][0])
		return FREEZER_V1;
	return cg->v2[0] ? FREEZER_V2 : FREEZER_NONE;
}

const char *freezer_name(enum freezer_kind kind)
{
	return kind == FREEZER_V1 ? "v1 freezer" : kind == FREEZER_V2 ? "v2 cgroup.freeze" : "no freezer";
}

int freezer_events_frozen(const char *events)
{
	for (const char *line = events; line && *line;) {
		if (strncmp(line, "frozen ", 7) == 0)
			return line[7] == '1' ? 1 : 0;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -1;
}

/* The folder and the file that asks, for this kind. */
static const char *freezer_folder(const struct cgroup *cg, enum freezer_kind kind)
{
	return kind == FREEZER_V1 ? cg->v1[CG_FREEZER] : cg->v2;
}

/* folder/file into path (PATH_MAX); -1 with the message when too long. */
static int join(char *path, const char *folder, const char *file)
{
	if (snprintf(path, PATH_MAX, "%s/%s", folder, file) >= PATH_MAX)
		return fail_errno(ENAMETOOLONG, "cgroup path \"%s/%s\" is too long", folder, file);
	return 0;
}

/* The text of folder/file, trailing newline cut (malloc'd), or NULL with the message. */
static char *read_value(const char *folder, const char *file)
{
	char path[PATH_MAX];
	if (join(path, folder, file) < 0)
		return NULL;
	char *text = read_file(path, NULL);
	if (text)
		text[strcspn(text, "\n")] = '\0';
	return text;
}

/* Has the kernel finished? v1: freezer.state is FROZEN (or THAWED); v2: cgroup.events says
 * frozen 1 (or 0). 1 yes, 0 not yet, -1 with the message. */
static int reached(const struct cgroup *cg, enum freezer_kind kind, bool frozen)
{
	const char *folder = freezer_folder(cg, kind);
	if (kind == FREEZER_V1) {
		char *state = read_value(folder, "freezer.state");
		if (!state)
			return -1;
		int done = strcmp(state, frozen ? "FROZEN" : "THAWED") == 0;
		free(state);
		return done;
	}
	char path[PATH_MAX];
	if (join(path, folder, "cgroup.events") < 0)
		return -1;
	char *events = read_file(path, NULL);
	if (!events)
		return -1;
	int value = freezer_events_frozen(events);
	free(events);
	if (value < 0)
		return fail_errno(ENOTSUP, "\"%s\" has no \"frozen\" key: the v2 freezer needs Linux 5.2 or later", path);
	return value == frozen;
}

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int freezer_set(const struct cgroup *cg, enum freezer_kind kind, bool frozen, long timeout_ms)
{
	if (kind == FREEZER_NONE)
		return fail_errno(ENOENT, "cgroup \"%s/%s\" is in no freezer: no v1 freezer tree, no v2 folder", cg->parent,
				  cg->id);
	const char *folder = freezer_folder(cg, kind);
	const char *file = kind == FREEZER_V1 ? "freezer.state" : "cgroup.freeze";
	const char *value = kind == FREEZER_V1 ? (frozen ? "FROZEN" : "THAWED") : (frozen ? "1" : "0");
	if (cgroup_write_value(&cg->layout, folder, file, value) < 0)
		return -1;
	/* The write only asks: a task in a system call is stopped on its way back to user space,
	 * so wait for the kernel's answer, polling (a few milliseconds for a container). */
	long long deadline = now_ms() + timeout_ms;
	for (;;) {
		int done = reached(cg, kind, frozen);
		if (done != 0)
			return done < 0 ? -1 : 0;
		if (now_ms() >= deadline)
			return fail_errno(ETIMEDOUT, "%s/%s: still not %s after %ld ms", folder,
					  kind == FREEZER_V1 ? "freezer.state" : "cgroup.events", frozen ? "frozen" : "thawed",
					  timeout_ms);
		sleep_ms(1);
	}
}

int freezer_get(const struct cgroup *cg, enum freezer_kind kind, bool *frozen)
{
	if (kind == FREEZER_NONE) {
		*frozen = false;
		return 0;
	}
	const char *folder = freezer_folder(cg, kind);
	char *value = read_value(folder, kind == FREEZER_V1 ? "freezer.state" : "cgroup.freeze");
	if (!value)
		return -1;
	/* v1: FREEZING counts, as Docker's Paused is what was asked. */
	*frozen = kind == FREEZER_V1 ? strcmp(value, "THAWED") != 0 : strcmp(value, "1") == 0;
	free(value);
	return 0;
}
