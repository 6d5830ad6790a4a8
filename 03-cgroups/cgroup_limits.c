/*
 * cgroup_limits.c - from `docker run --memory 64m --cpus 0.5 ...` to the files a kernel reads
 * (the lecture's CGroups: resource limits).
 *
 * A limit is nothing but a number written to a file of the container's cgroup. What differs
 * between v1 and v2 is the file's name and sometimes the unit:
 *
 *   flag            v1 file (one tree per controller)         v2 file (one tree)
 *   --memory        memory/…/memory.limit_in_bytes            memory.max
 *   --memory-swap   memory/…/memory.memsw.limit_in_bytes      memory.swap.max
 *                   (memory + swap)                           (swap alone: memory-swap - memory)
 *                   (--memory alone: Docker allows as much swap as memory, see memory_and_swap)
 *   --cpus          cpu/…/cpu.cfs_period_us, cpu.cfs_quota_us cpu.max "QUOTA PERIOD"
 *   --cpu-shares    cpu/…/cpu.shares (2..262144)              cpu.weight (1..10000), converted
 *   --pids-limit    pids/…/pids.max                           pids.max
 *   --cpuset-cpus   cpuset/…/cpuset.cpus (+ cpuset.mems)      cpuset.cpus
 *
 * Sources: Documentation/admin-guide/cgroup-v2.rst (the v2 files), Documentation/admin-guide/
 * cgroup-v1/{memory,cpusets,pids}.rst and scheduler/sched-bwc.rst (v1), and the docker run
 * reference for the flags' meaning. This file is pure: it only computes (file, value) pairs;
 * cgroup.c writes them.
 *
 * Read cgroup.c next: creating the cgroup these writes go to.
 */
#include "cgroup_limits.h"
#include "cli.h"
#include "error.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Docker refuses smaller memory limits: the runtime itself needs a few MiB to start a process. */
#define MIN_MEMORY (6 * 1024 * 1024)

/* The kernel's range for cpu.shares (kernel/sched/sched.h: MIN_SHARES, MAX_SHARES). */
#define MIN_SHARES 2
#define MAX_SHARES 262144

/* The smallest CFS quota the kernel accepts is 1 ms (sched-bwc.rst): 0.01 CPU at a 100 ms period. */
#define MIN_NANO_CPUS 10000000LL

static int bad_value(const char *flag, const char *value, const char *expected)
{
	return fail_errno(0, "invalid argument \"%s\" for \"--%s\" flag: %s", value, flag, expected);
}

/* "0", "0-3", "0,2", "0-1,4-5": the kernel's cpu list format (Documentation/admin-guide/cgroup-v2.rst,
 * "cpuset.cpus"). Numbers must rise within a range. */
static bool valid_cpu_list(const char *text)
{
	const char *p = text;
	if (!*p)
		return false;
	for (;;) {
		char *end;
		if (!isdigit((unsigned char)*p))
			return false;
		unsigned long first = strtoul(p, &end, 10);
		p = end;
		if (*p == '-') {
			p++;
			if (!isdigit((unsigned char)*p))
				return false;
			unsigned long last = strtoul(p, &end, 10);
			if (last < first || last > 8191)
				return false;
			p = end;
		}
		if (first > 8191)
			return false;
		if (*p == '\0')
			return true;
		if (*p != ',')
			return false;
		p++;
	}
}

/* "-1" or a size (parse_size: 64m, 1g, 1048576). */
static int parse_size_or_unlimited(const char *text, int64_t *bytes)
{
	if (strcmp(text, "-1") == 0) {
		*bytes = -1;
		return 0;
	}
	return parse_size(text, bytes);
}

static int parse_cpus(const char *flag, const char *value, int64_t *nano_cpus)
{
	const char *expected = "expected a number of CPUs such as 0.5 or 2";
	/* Plain decimals only: strtod alone would also take "1e3", "0x8", "inf" and "nan". */
	if (!value[0] || value[strspn(value, "0123456789.")] != '\0')
		return bad_value(flag, value, expected);
	errno = 0;
	char *end;
	double cpus = strtod(value, &end);
	if (errno != 0 || *end != '\0' || !(cpus <= 1e6))
		return bad_value(flag, value, expected);
	/* Rounded to a billionth, as Docker's NanoCPUs; 0.5 is 500000000 exactly. */
	*nano_cpus = (int64_t)(cpus * 1e9 + 0.5);
	if (*nano_cpus < MIN_NANO_CPUS)
		return bad_value(flag, value, "the smallest CPU limit is 0.01 (a 1 ms quota in each 100 ms)");
	return 0;
}

int cgroup_limits_set(struct cgroup_limits *limits, const char *flag, const char *value)
{
	if (!value)
		value = "";
	if (strcmp(flag, "memory") == 0) {
		if (parse_size(value, &limits->memory) < 0 || limits->memory == 0)
			return bad_value(flag, value, "expected a size such as 64m, 512k or 1g");
	} else if (strcmp(flag, "memory-swap") == 0) {
		if (parse_size_or_unlimited(value, &limits->memory_swap) < 0 || limits->memory_swap == 0)
			return bad_value(flag, value, "expected a size such as 128m, or -1 for unlimited swap");
	} else if (strcmp(flag, "cpus") == 0) {
		return parse_cpus(flag, value, &limits->nano_cpus);
	} else if (strcmp(flag, "cpu-shares") == 0) {
		unsigned long long shares;
		if (parse_uint(value, MAX_SHARES, &shares) < 0 || (shares != 0 && shares < MIN_SHARES))
			return bad_value(flag, value, "expected a weight from 2 to 262144 (the default is 1024)");
		limits->cpu_shares = shares; /* 0 leaves the default, as Docker does */
	} else if (strcmp(flag, "pids-limit") == 0) {
		unsigned long long pids;
		if (strcmp(value, "-1") == 0)
			limits->pids_limit = -1;
		else if (parse_uint(value, INT64_MAX, &pids) == 0)
			limits->pids_limit = pids == 0 ? -1 : (int64_t)pids; /* Docker: 0 also means unlimited */
		else
			return bad_value(flag, value, "expected a number of processes, or -1 for unlimited");
	} else if (strcmp(flag, "cpuset-cpus") == 0) {
		if (!valid_cpu_list(value) || strlen(value) >= sizeof(limits->cpuset_cpus))
			return bad_value(flag, value, "expected CPU numbers such as 0, 0-3 or 0,2");
		snprintf(limits->cpuset_cpus, sizeof(limits->cpuset_cpus), "%s", value);
	} else {
		return fail_errno(0, "unknown resource flag \"--%s\"", flag);
	}
	return 0;
}

int cgroup_limits_check(const struct cgroup_limits *limits, long cpu_count)
{
	/* The messages are Docker's own (daemon/daemon_unix.go), so that a search finds the answer. */
	if (limits->memory != 0 && limits->memory < MIN_MEMORY)
		return fail_errno(0, "--memory %" PRId64 ": minimum memory limit allowed is 6MB", limits->memory);
	if (limits->memory_swap != 0 && limits->memory == 0)
		return fail_errno(0, "--memory-swap needs --memory: you should always set the memory limit "
				     "when using the memoryswap limit");
	if (limits->memory_swap > 0 && limits->memory_swap < limits->memory)
		return fail_errno(0, "--memory-swap %" PRId64 " is below --memory %" PRId64 ": minimum "
				     "memoryswap limit should be larger than memory limit (it counts memory plus swap)",
				  limits->memory_swap, limits->memory);
	if (cpu_count > 0 && limits->nano_cpus > (int64_t)cpu_count * 1000000000LL)
		return fail_errno(0, "--cpus %.2f: range of CPUs is from 0.01 to %ld.00, as there %s only %ld "
				     "CPU%s available", (double)limits->nano_cpus / 1e9, cpu_count,
				  cpu_count == 1 ? "is" : "are", cpu_count, cpu_count == 1 ? "" : "s");
	return 0;
}

bool cgroup_limits_any(const struct cgroup_limits *limits)
{
	return cgroup_limits_controllers(limits) != 0;
}

unsigned cgroup_limits_controllers(const struct cgroup_limits *limits)
{
	unsigned mask = 0;
	if (limits->memory || limits->memory_swap)
		mask |= 1u << CG_MEMORY;
	if (limits->nano_cpus || limits->cpu_shares)
		mask |= 1u << CG_CPU;
	if (limits->pids_limit)
		mask |= 1u << CG_PIDS;
	if (limits->cpuset_cpus[0])
		mask |= 1u << CG_CPUSET;
	return mask;
}

/*
 * v1's cpu.shares runs from 2 to 262144 with 1024 as the default; v2's cpu.weight runs from 1 to
 * 10000 with 100 as the default. Both are relative: only the ratio between siblings matters. runc
 * and crun map one range onto the other with a straight line through the two ends,
 *
 *     weight = 1 + (shares - 2) * 9999 / 262142
 *
 * so 2 -> 1 and 262144 -> 10000 (9999 and 262142 are the widths of the two ranges). A line
 * cannot also send 1024 to 100: Docker's default 1024 becomes 39. That is harmless as long as
 * every container is converted the same way, because siblings keep their ratios; it is the
 * conversion the OCI runtimes agreed on (runc: libcontainer/cgroups/utils.go,
 * ConvertCPUSharesToCgroupV2Value; crun: src/libcrun/cgroup-resources.c).
 */
uint64_t cgroup_shares_to_weight(uint64_t shares)
{
	if (shares < MIN_SHARES)
		shares = MIN_SHARES;
	if (shares > MAX_SHARES)
		shares = MAX_SHARES;
	return 1 + ((shares - 2) * 9999) / 262142;
}

static struct cgroup_write *add(struct cgroup_write *w, size_t *n, enum cgroup_controller c, const char *file)
{
	struct cgroup_write *one = &w[(*n)++];
	memset(one, 0, sizeof(*one));
	one->controller = c;
	one->file = file;
	return one;
}

#define SET(one, ...) snprintf((one)->value, sizeof((one)->value), __VA_ARGS__)

/*
 * Docker's rule for swap (docker run reference, "--memory-swap details"): --memory alone lets the
 * container use as much swap as memory, so memory plus swap is twice the memory. That default is
 * written as optional: a kernel without swap accounting (no memsw files) just does not get it, as
 * Docker only warns there. A --memory-swap the user gave is never optional.
 */
static int64_t memory_and_swap(const struct cgroup_limits *l, bool *optional)
{
	*optional = l->memory_swap == 0 && l->memory > 0;
	return *optional ? 2 * l->memory : l->memory_swap;
}

static size_t writes_v2(const struct cgroup_limits *l, struct cgroup_write *w)
{
	size_t n = 0;
	bool optional;
	int64_t total = memory_and_swap(l, &optional);
	if (l->memory)
		SET(add(w, &n, CG_MEMORY, "memory.max"), "%" PRId64, l->memory);
	/* v2 limits swap alone; Docker's flag counts memory plus swap, so subtract. */
	if (total == -1) {
		SET(add(w, &n, CG_MEMORY, "memory.swap.max"), "max");
	} else if (total > 0) {
		struct cgroup_write *swap = add(w, &n, CG_MEMORY, "memory.swap.max");
		SET(swap, "%" PRId64, total - l->memory);
		swap->optional = optional;
	}
	/* cpu.max is "QUOTA PERIOD": run at most QUOTA microseconds in each PERIOD. */
	if (l->nano_cpus)
		SET(add(w, &n, CG_CPU, "cpu.max"), "%" PRId64 " %d",
		    (int64_t)(l->nano_cpus * CGROUP_CPU_PERIOD_US / 1000000000LL), CGROUP_CPU_PERIOD_US);
	if (l->cpu_shares)
		SET(add(w, &n, CG_CPU, "cpu.weight"), "%" PRIu64, cgroup_shares_to_weight(l->cpu_shares));
	if (l->pids_limit == -1)
		SET(add(w, &n, CG_PIDS, "pids.max"), "max");
	else if (l->pids_limit > 0)
		SET(add(w, &n, CG_PIDS, "pids.max"), "%" PRId64, l->pids_limit);
	/* An empty v2 cpuset.mems means "the parent's", so only the CPUs are written. */
	if (l->cpuset_cpus[0])
		SET(add(w, &n, CG_CPUSET, "cpuset.cpus"), "%s", l->cpuset_cpus);
	return n;
}

static size_t writes_v1(const struct cgroup_limits *l, struct cgroup_write *w)
{
	size_t n = 0;
	bool optional;
	int64_t total = memory_and_swap(l, &optional);
	/* memsw must never be below the memory limit, so the memory limit goes first. */
	if (l->memory)
		SET(add(w, &n, CG_MEMORY, "memory.limit_in_bytes"), "%" PRId64, l->memory);
	if (total) {
		struct cgroup_write *memsw = add(w, &n, CG_MEMORY, "memory.memsw.limit_in_bytes");
		SET(memsw, "%" PRId64, total);
		memsw->optional = optional;
	}
	if (l->nano_cpus) {
		SET(add(w, &n, CG_CPU, "cpu.cfs_period_us"), "%d", CGROUP_CPU_PERIOD_US);
		SET(add(w, &n, CG_CPU, "cpu.cfs_quota_us"), "%" PRId64,
		    (int64_t)(l->nano_cpus * CGROUP_CPU_PERIOD_US / 1000000000LL));
	}
	if (l->cpu_shares)
		SET(add(w, &n, CG_CPU, "cpu.shares"), "%" PRIu64, l->cpu_shares);
	if (l->pids_limit == -1)
		SET(add(w, &n, CG_PIDS, "pids.max"), "max");
	else if (l->pids_limit > 0)
		SET(add(w, &n, CG_PIDS, "pids.max"), "%" PRId64, l->pids_limit);
	/* A new v1 cpuset starts with no CPUs and no memory nodes, and a process cannot join it
	 * until both are set (cpusets.rst, "Tasks may not be attached to a cpuset with empty cpus or
	 * mems": ENOSPC). The memory nodes are the parent's. */
	if (l->cpuset_cpus[0]) {
		SET(add(w, &n, CG_CPUSET, "cpuset.cpus"), "%s", l->cpuset_cpus);
		add(w, &n, CG_CPUSET, "cpuset.mems")->from_parent = true;
	}
	return n;
}

size_t cgroup_limits_writes(const struct cgroup_limits *limits, enum cgroup_mode mode,
			    struct cgroup_write out[CGROUP_MAX_WRITES])
{
	/* A hybrid machine keeps its controllers in the v1 trees: limits are v1 files. */
	return mode == CGROUP_V2 ? writes_v2(limits, out) : writes_v1(limits, out);
}
