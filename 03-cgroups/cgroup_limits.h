/*
 * cgroup_limits.h - Docker's resource flags, and the cgroup files they become in each layout.
 *
 * Pure: no file is touched here, so every translation is unit-tested (tests/unit/test_cgroup_limits.c).
 */
#ifndef TINYDOCK_CGROUP_LIMITS_H
#define TINYDOCK_CGROUP_LIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgroup_layout.h"

/* One field per flag; 0 means "not given". */
struct cgroup_limits {
	int64_t memory;        /* --memory, bytes */
	int64_t memory_swap;   /* --memory-swap: memory plus swap, bytes; -1 = unlimited swap; 0 with
	                          --memory means Docker's default, twice the memory (as much swap) */
	int64_t nano_cpus;     /* --cpus, in billionths of a CPU (Docker's NanoCPUs) */
	uint64_t cpu_shares;   /* --cpu-shares, relative weight 2..262144 (default 1024) */
	int64_t pids_limit;    /* --pids-limit; -1 = unlimited */
	char cpuset_cpus[128]; /* --cpuset-cpus such as "0-2,4"; "" = not given */
};

/* The CFS period Docker uses for --cpus: 100 ms (docker run --help, "--cpu-period"). */
#define CGROUP_CPU_PERIOD_US 100000

/* The flags this file understands, as `run --help` lists them. */
#define CGROUP_LIMITS_HELP                                                                              \
	"  -m, --memory BYTES         Memory limit (e.g. 64m, 1g)\n"                                        \
	"      --memory-swap BYTES    Memory plus swap limit; -1 for unlimited swap\n"                      \
	"      --cpus NUMBER          Number of CPUs (e.g. 0.5)\n"                                          \
	"  -c, --cpu-shares NUMBER    CPU shares, a relative weight (default 1024)\n"                       \
	"      --pids-limit NUMBER    Maximum number of processes; -1 for unlimited\n"                      \
	"      --cpuset-cpus LIST     CPUs in which to allow execution (e.g. 0-1, 0,2)\n"

/* Parse one flag ("memory", "memory-swap", "cpus", "cpu-shares", "pids-limit", "cpuset-cpus",
 * written without the dashes) into limits. -1 with a message such as
 * `invalid argument "6x" for "--memory" flag: ...` on a bad value or an unknown flag. */
int cgroup_limits_set(struct cgroup_limits *limits, const char *flag, const char *value);

/* Check the flags together, as Docker does (swap needs memory, ...); cpu_count bounds --cpus. */
int cgroup_limits_check(const struct cgroup_limits *limits, long cpu_count);

/* True when any limit is given. */
bool cgroup_limits_any(const struct cgroup_limits *limits);

/* The controller a limit needs, as a bit mask (1 << CG_MEMORY | ...). */
unsigned cgroup_limits_controllers(const struct cgroup_limits *limits);

/* v1 cpu.shares (2..262144) to v2 cpu.weight (1..10000), the formula runc and crun use. */
uint64_t cgroup_shares_to_weight(uint64_t shares);

/* One write of a value to a cgroup file. */
struct cgroup_write {
	enum cgroup_controller controller; /* which tree (v1) or which controller must be enabled (v2) */
	const char *file;                  /* "memory.max" */
	char value[64];                    /* "67108864" */
	bool from_parent;                  /* v1 cpuset.mems: copy the parent cgroup's value instead */
	bool optional;                     /* a default, not a flag: skipped if the kernel lacks the file */
};

#define CGROUP_MAX_WRITES 10

/* The writes that apply limits in a layout, in the order they must be done. Returns their count. */
size_t cgroup_limits_writes(const struct cgroup_limits *limits, enum cgroup_mode mode,
			    struct cgroup_write out[CGROUP_MAX_WRITES]);

#endif
