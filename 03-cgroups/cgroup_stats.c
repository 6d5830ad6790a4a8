/*
 * cgroup_stats.c - watching a cgroup: what its processes use, and whether the OOM killer struck
 * (the lecture's CGroups: accounting; `docker stats`, `docker inspect` OOMKilled).
 *
 * Accounting is the other half of a cgroup: the kernel counts, per cgroup, the memory charged to
 * its processes, the CPU time they ran, how many there are, and how often the out-of-memory
 * killer had to kill one. Reading those counters is reading files:
 *
 *   what               v2 file                    v1 file (in that controller's tree)
 *   memory in use      memory.current             memory.usage_in_bytes
 *   memory limit       memory.max ("max")         memory.limit_in_bytes (2^63 - 4096 = none)
 *   memory peak        memory.peak (5.19+)        memory.max_usage_in_bytes
 *   CPU time           cpu.stat usage_usec        cpuacct.usage (nanoseconds)
 *   processes          pids.current, pids.max     pids.current, pids.max
 *   OOM kills          memory.events oom_kill     memory.oom_control oom_kill (4.13+)
 *
 * The parsers of the two file shapes (one value; "key value" lines) are pure and unit-tested.
 * Read cgroup_cmd.c next: the commands that print these numbers.
 */
#include "cgroup_stats.h"
#include "error.h"
#include "files.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cgroup_parse_keyed(const char *text, const char *key, int64_t *value)
{
	size_t len = strlen(key);
	for (const char *line = text; line && *line; ) {
		if (strncmp(line, key, len) == 0 && line[len] == ' ') {
			char *end;
			errno = 0;
			long long v = strtoll(line + len + 1, &end, 10);
			if (errno == 0 && end != line + len + 1) {
				*value = v;
				return 0;
			}
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -1;
}

int cgroup_parse_value(const char *text, int64_t *value)
{
	if (strncmp(text, "max", 3) == 0 && (text[3] == '\0' || text[3] == '\n')) {
		*value = -1;
		return 0;
	}
	char *end;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (errno != 0 || end == text || (*end != '\0' && *end != '\n'))
		return -1;
	*value = v;
	return 0;
}

/* Read dir/file whole (a few lines at most). */
static char *read_counter_file(const char *dir, const char *file)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path)) {
		fail_errno(ENAMETOOLONG, "cgroup path \"%s/%s\" is too long", dir, file);
		return NULL;
	}
	return read_file(path, NULL);
}

static int cg_read_value(const char *dir, const char *file, int64_t *value)
{
	char *text = read_counter_file(dir, file);
	if (!text)
		return -1;
	int rc = cgroup_parse_value(text, value);
	free(text);
	if (rc < 0)
		return fail_errno(0, "cannot read a number from \"%s/%s\"", dir, file);
	return 0;
}

static int cg_read_keyed(const char *dir, const char *file, const char *key, int64_t *value)
{
	char *text = read_counter_file(dir, file);
	if (!text)
		return -1;
	int rc = cgroup_parse_keyed(text, key, value);
	free(text);
	if (rc < 0)
		return fail_errno(0, "\"%s/%s\" has no \"%s\" line", dir, file, key);
	return 0;
}

/* v1 says "no limit" with the largest page-aligned 63-bit number (9223372036854771712). */
static int64_t v1_limit(int64_t value)
{
	return value >= (INT64_C(1) << 62) ? -1 : value;
}

int cgroup_oom_kills(const struct cgroup *cg, int64_t *count)
{
	*count = 0;
	if (cg->layout.mode == CGROUP_V2) {
		/* memory.events counts OOM kills in this cgroup and below (cgroup-v2.rst, "oom_kill"). */
		if (!cg->v2[0])
			return fail_errno(ENOENT, "cgroup \"%s/%s\" has no v2 folder", cg->parent, cg->id);
		return cg_read_keyed(cg->v2, "memory.events", "oom_kill", count);
	}
	const char *dir = cg->v1[CG_MEMORY];
	if (!dir[0])
		return fail_errno(0, "cgroup \"%s/%s\" is in no memory hierarchy", cg->parent, cg->id);
	/* Since Linux 4.13 memory.oom_control has an oom_kill counter. Older kernels only count how
	 * often the limit was hit (memory.failcnt): the best evidence they give. */
	if (cg_read_keyed(dir, "memory.oom_control", "oom_kill", count) == 0)
		return 0;
	error_clear();
	int64_t failcnt = 0;
	if (cg_read_value(dir, "memory.failcnt", &failcnt) < 0)
		return -1;
	*count = failcnt > 0 ? 1 : 0;
	return 0;
}

int cgroup_read_stats(const struct cgroup *cg, struct cgroup_stats *s)
{
	*s = (struct cgroup_stats){ -1, -1, -1, -1, -1, -1, -1 };
	int64_t v;
	if (cg->layout.mode == CGROUP_V2) {
		const char *dir = cg->v2;
		if (cg_read_value(dir, "memory.current", &v) == 0)
			s->memory_usage = v;
		if (cg_read_value(dir, "memory.max", &v) == 0)
			s->memory_limit = v;
		if (cg_read_value(dir, "memory.peak", &v) == 0)
			s->memory_peak = v;
		if (cg_read_keyed(dir, "cpu.stat", "usage_usec", &v) == 0)
			s->cpu_usage_usec = v;
		if (cg_read_value(dir, "pids.current", &v) == 0)
			s->pids_current = v;
		if (cg_read_value(dir, "pids.max", &v) == 0)
			s->pids_limit = v;
	} else {
		if (cg->v1[CG_MEMORY][0] && cg_read_value(cg->v1[CG_MEMORY], "memory.usage_in_bytes", &v) == 0)
			s->memory_usage = v;
		if (cg->v1[CG_MEMORY][0] && cg_read_value(cg->v1[CG_MEMORY], "memory.limit_in_bytes", &v) == 0)
			s->memory_limit = v1_limit(v);
		if (cg->v1[CG_MEMORY][0] && cg_read_value(cg->v1[CG_MEMORY], "memory.max_usage_in_bytes", &v) == 0)
			s->memory_peak = v;
		/* cpuacct.usage is in nanoseconds */
		if (cg->v1[CG_CPUACCT][0] && cg_read_value(cg->v1[CG_CPUACCT], "cpuacct.usage", &v) == 0)
			s->cpu_usage_usec = v / 1000;
		if (cg->v1[CG_PIDS][0] && cg_read_value(cg->v1[CG_PIDS], "pids.current", &v) == 0)
			s->pids_current = v;
		if (cg->v1[CG_PIDS][0] && cg_read_value(cg->v1[CG_PIDS], "pids.max", &v) == 0)
			s->pids_limit = v;
	}
	if (cgroup_oom_kills(cg, &v) == 0)
		s->oom_kills = v;
	/* A value that cannot be read is shown as unknown; stats never fail for one missing file. */
	error_clear();
	return 0;
}
