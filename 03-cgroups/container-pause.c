/*
 * container-pause.c - `pause` and `unpause`: a running container's cgroup frozen and thawed
 * (freezer.c), as `docker pause` does.
 *
 * tinydock keeps no "paused" flag of its own: the cgroup's freezer is the truth, read by every
 * command that shows a container's state (container-view.c), so a container paused by hand with
 * `echo FROZEN > freezer.state` shows as paused too, and a frozen container that was killed
 * shows as exited, as its cgroup is gone. A paused container is still running (inspect:
 * State.Running and State.Paused both true, Status "paused"; ps: "Up 3 seconds (Paused)").
 */
#include "container-pause.h"

#include "cli.h"
#include "container-view.h"
#include "error.h"
#include "freezer.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Long enough for a container of thousands of processes; freezing takes milliseconds. */
#define FREEZE_TIMEOUT_MS 10000

static int open_container_cgroup(const char *id, struct cgroup *cg)
{
	struct cgroup_layout layout;
	if (cgroup_detect(NULL, &layout) < 0 || cgroup_open(&layout, CGROUP_DEFAULT_PARENT, id, cg) < 0)
		return -1;
	return 0;
}

bool container_is_paused(const char *id)
{
	struct cgroup cg;
	bool frozen = false;
	if (open_container_cgroup(id, &cg) < 0 || freezer_get(&cg, freezer_of(&cg), &frozen) < 0)
		error_clear();
	return frozen;
}

int container_thaw(const char *id)
{
	struct cgroup cg;
	if (!container_is_paused(id) || open_container_cgroup(id, &cg) < 0) {
		error_clear();
		return 0;
	}
	int rc = freezer_set(&cg, freezer_of(&cg), false, FREEZE_TIMEOUT_MS);
	if (rc < 0 && error_errno() == ENOENT) {
		error_clear(); /* the signal ended it meanwhile, and its monitor removed the cgroup */
		rc = 0;
	}
	return rc;
}

/* Freeze (pause) or thaw (unpause) one container, with Docker's messages for the wrong state. */
static int set_paused(const char *ref, void *arg)
{
	bool pause = *(bool *)arg;
	struct view v;
	if (view_load(ref, &v) < 0)
		return -1;
	bool paused = strcmp(v.state, "paused") == 0;
	int rc = 0;
	struct cgroup cg;
	if (!is_running(&v))
		rc = fail_errno(0, "Container %s is not running", v.r.id);
	else if (pause && paused)
		rc = fail_errno(0, "Container %s is already paused", v.r.id);
	else if (!pause && !paused)
		rc = fail_errno(0, "Container %s is not paused", v.r.id);
	else if (open_container_cgroup(v.r.id, &cg) < 0)
		rc = -1;
	else
		rc = freezer_set(&cg, freezer_of(&cg), pause, FREEZE_TIMEOUT_MS);
	if (rc == 0)
		printf("%s\n", ref);
	container_record_free(&v.r);
	return rc;
}

static int pause_command(int argc, char **argv, bool pause, const char *help)
{
	if (asks_for_help(argc, argv))
		return print_help(help);
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1])
			return usage_error(argv[0], "unknown flag: %s", argv[i]);
	if (argc < 2)
		return usage_error(argv[0], "requires at least 1 argument");
	return for_each(argc - 1, argv + 1, set_paused, &pause);
}

int cmd_pause(int argc, char **argv)
{
	return pause_command(argc, argv, true,
			     "Usage:  tinydock pause CONTAINER [CONTAINER...]\n\n"
			     "Pause all processes within one or more containers (the cgroup freezer)\n");
}

int cmd_unpause(int argc, char **argv)
{
	return pause_command(argc, argv, false,
			     "Usage:  tinydock unpause CONTAINER [CONTAINER...]\n\n"
			     "Unpause all processes within one or more containers\n");
}
