/*
 * cgroup_warm.c - why the first write to a v1 cgroup.procs is slow, and how to wait for it less.
 *
 * Moving a process between cgroups takes the write side of cgroup_threadgroup_rwsem, a
 * per-CPU reader-writer semaphore that every fork(2) and exit(2) of the machine reads
 * (kernel/cgroup/cgroup.c). Per-CPU semaphores make reading nearly free and writing dear: the
 * writer first switches the readers to a slow path and must wait one RCU grace period until no
 * CPU can still be on the fast one (rcu_sync_enter, kernel/rcu/sync.c). Here that is 5 to 15 ms,
 * more than the rest of a container's start. Two things make it cheaper:
 *
 *   - A writer that comes while the readers are still switched (within a grace period after
 *     the last writer left, or while another writer waits) pays nothing more: rcu_sync counts
 *     its users and goes back to the fast path only a grace period after the last one.
 *   - The wait is for time to pass, not for work to be done: it may start early.
 *
 * The helper cannot start just anywhere: a move holds cgroup_mutex while it waits, and so
 * blocks every other cgroup operation (mkdir, a limit's write, and clone3(2) with
 * CLONE_INTO_CGROUP) until its grace period is over. Started before the container's cgroup
 * is made, it made the mkdir wait instead (tried: no faster). So it starts once the cgroup is
 * made, with its limits and device rules, and before the container's first process exists
 * (runtime.c, make_cgroup): a helper process moves itself into the cgroup it is already in (a
 * move to where it is still takes the lock: cgroup_procs_write_start locks before it looks at
 * the destination), and while it waits, the first process is cloned, the network is plugged
 * in, the child mounts its filesystems and the record says "running". That clone is a plain
 * one: with CLONE_INTO_CGROUP it would take cgroup_mutex and wait the whole grace period
 * behind the helper; a plain fork only reads the semaphore, which a writer that still waits
 * for its grace period does not block (percpu_down_write, kernel/locking/percpu-rwsem.c). The
 * init's real moves, into every tree, come at SYNC_GO, before anything of the user's runs,
 * and find most of the wait over. The helper changes nothing: same cgroup before and after.
 *
 * A v2 tree needs none of this: the container's first process is born in its cgroup
 * (clone3(2) with CLONE_INTO_CGROUP), which only reads the semaphore. Nor does a machine
 * mounted with the favordynmods option (Documentation/admin-guide/cgroup-v2.rst): it keeps the
 * readers on the slow path for good, and every move is cheap.
 */
#include "cgroup_warm.h"
#include "error.h"
#include "explain.h"
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CH "03-cgroups"

/* Does the comma-separated list name controller c? ("cpu,cpuacct" names cpu and cpuacct) */
static bool names_controller(const char *list, size_t len, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list, *end = list + len; p < end;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		size_t item = comma ? (size_t)(comma - p) : (size_t)(end - p);
		if (item == n && memcmp(p, name, n) == 0)
			return true;
		p += item + 1;
	}
	return false;
}

int cgroup_own_v1_folder(const char *proc_cgroup, const struct cgroup_layout *layout, char *out, size_t size)
{
	for (const char *line = proc_cgroup; *line;) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		const char *first = memchr(line, ':', len);
		const char *second = first ? memchr(first + 1, ':', len - (size_t)(first + 1 - line)) : NULL;
		if (second) {
			const char *path = second + 1;
			int path_len = (int)(line + len - path);
			for (int c = 0; c < CG_CONTROLLER_COUNT; c++) {
				if (!layout->v1[c][0] ||
				    !names_controller(first + 1, (size_t)(second - first - 1), cgroup_controller_name(c)))
					continue;
				/* "/" is the tree's root: the mount point itself */
				if (path_len == 1 && path[0] == '/')
					path_len = 0;
				if (snprintf(out, size, "%s%.*s", layout->v1[c], path_len, path) >= (int)size)
					return -1;
				return 0;
			}
		}
		line += len + (eol ? 1 : 0);
	}
	return -1;
}

pid_t cgroup_warm_start(const struct cgroup_layout *layout)
{
	if (layout->mode == CGROUP_V2 || layout->simulated)
		return 0;
	char *self = read_file("/proc/self/cgroup", NULL);
	char folder[PATH_MAX], procs[PATH_MAX + 16];
	int found = self ? cgroup_own_v1_folder(self, layout, folder, sizeof(folder)) : -1;
	free(self);
	error_clear(); /* an optimisation: what it cannot find, it does not do */
	if (found < 0)
		return 0;
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", folder);
	pid_t pid = fork();
	if (pid == 0) {
		/* The helper: one write of its own pid to the file of the cgroup it is in. The
		 * process it was forked from may have threads (the port proxy), so the child calls
		 * only async-signal-safe functions (signal-safety(7)): no printf, digits by hand. */
		char digits[16], *p = digits + sizeof(digits);
		for (unsigned n = (unsigned)getpid(); p == digits + sizeof(digits) || n; n /= 10)
			*--p = (char)('0' + n % 10);
		size_t len = (size_t)(digits + sizeof(digits) - p);
		int fd = open(procs, O_WRONLY | O_CLOEXEC);
		_exit(fd >= 0 && write(fd, p, len) == (ssize_t)len ? 0 : 1);
	}
	if (pid < 0)
		return 0;
	explain(CH, "fork() = %d: it writes its own pid to %s (where it is), so that the RCU grace period of "
		"the first v1 move starts now, not when the container's init moves",
		(int)pid, procs);
	return pid;
}

void cgroup_warm_finish(pid_t *helper)
{
	if (*helper <= 0)
		return;
	int status;
	while (waitpid(*helper, &status, 0) < 0 && errno == EINTR)
		;
	*helper = 0;
}
