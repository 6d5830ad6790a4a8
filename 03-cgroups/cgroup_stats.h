/*
 * cgroup_stats.h - a cgroup's counters: memory, CPU time, processes, out-of-memory kills.
 */
#ifndef TINYDOCK_CGROUP_STATS_H
#define TINYDOCK_CGROUP_STATS_H

#include <stdint.h>

#include "cgroup.h"

/* What `stats` shows; -1 where a value is unknown, or unlimited for a limit. */
struct cgroup_stats {
	int64_t memory_usage;   /* bytes in use */
	int64_t memory_limit;   /* bytes */
	int64_t memory_peak;    /* the most it ever used, bytes (v2: memory.peak, Linux 5.19+) */
	int64_t cpu_usage_usec; /* CPU time used by all its processes so far */
	int64_t pids_current;
	int64_t pids_limit;
	int64_t oom_kills;      /* processes killed by the out-of-memory killer in this cgroup */
};

int cgroup_read_stats(const struct cgroup *cg, struct cgroup_stats *stats);

/* How many of its processes the out-of-memory killer has killed (0 if none). */
int cgroup_oom_kills(const struct cgroup *cg, int64_t *count);

/* Pure, exposed for tests. */

/* The value of KEY in a "key value" file such as cpu.stat or memory.events; -1 if absent. */
int cgroup_parse_keyed(const char *text, const char *key, int64_t *value);

/* A number or "max" (-1) from a one-value file such as memory.max. */
int cgroup_parse_value(const char *text, int64_t *value);

#endif
