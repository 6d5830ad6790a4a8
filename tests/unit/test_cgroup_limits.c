/*
 * test_cgroup_limits.c - the pure half of 03-cgroups: finding the layout in mountinfo, parsing
 * Docker's resource flags, and translating them to (file, value) writes for v1 and v2.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "cgroup.h"
#include "cgroup_stats.h"
#include "cgroup_layout.h"
#include "cgroup_limits.h"
#include "cgroup_warm.h"
#include "error.h"

/* ---- layout from /proc/self/mountinfo ------------------------------------------------------ */

/* This course's CI machine (hybrid), as read from its /proc/self/mountinfo. */
static const char hybrid_mountinfo[] =
	"23 1 0:21 / /sys rw,nosuid,nodev,noexec,relatime - sysfs sysfs rw\n"
	"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	"33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
	"34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
	"35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	"36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
	"39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
	"40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
	"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

/* Ubuntu 22.04 (v2 only); systemd adds an optional field ("shared:9") before the " - ". */
static const char v2_mountinfo[] =
	"24 30 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
	"35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 "
	"rw,nsdelegate,memory_recursiveprot\n";

/* CentOS 7 style v1: cpu and cpuacct mounted together, no v2 tree at all. */
static const char v1_mountinfo[] =
	"25 18 0:21 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:8 - tmpfs tmpfs ro,mode=755\n"
	"28 25 0:25 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:10 - cgroup cgroup rw,cpuacct,cpu\n"
	"29 25 0:26 / /sys/fs/cgroup/memory rw,nosuid shared:11 - cgroup cgroup rw,memory\n"
	"30 25 0:27 / /sys/fs/cgroup/pids rw,nosuid shared:12 - cgroup cgroup rw,pids\n";

START_TEST(mountinfo_of_this_machine_reads_as_hybrid_with_the_v2_tree_at_unified)
{
	struct cgroup_layout l;
	ck_assert_int_eq(cgroup_layout_from_mountinfo(hybrid_mountinfo, "/sys/fs/cgroup", &l), 0);
	ck_assert_int_eq(l.mode, CGROUP_HYBRID);
	ck_assert_str_eq(l.unified, "/sys/fs/cgroup/unified");
	ck_assert_str_eq(l.v1[CG_MEMORY], "/sys/fs/cgroup/memory");
	ck_assert_str_eq(l.v1[CG_CPU], "/sys/fs/cgroup/cpu");
	ck_assert_str_eq(l.v1[CG_CPUACCT], "/sys/fs/cgroup/cpuacct");
	ck_assert_str_eq(l.v1[CG_PIDS], "/sys/fs/cgroup/pids");
	ck_assert(!l.simulated);
}
END_TEST

START_TEST(mountinfo_with_cgroup2_at_the_root_reads_as_v2)
{
	struct cgroup_layout l;
	ck_assert_int_eq(cgroup_layout_from_mountinfo(v2_mountinfo, "/sys/fs/cgroup/", &l), 0);
	ck_assert_int_eq(l.mode, CGROUP_V2);
	ck_assert_str_eq(l.root, "/sys/fs/cgroup");
	ck_assert_str_eq(l.unified, "/sys/fs/cgroup");
	ck_assert_str_eq(l.v1[CG_MEMORY], "");
}
END_TEST

START_TEST(mountinfo_with_comounted_cpu_and_cpuacct_gives_both_the_same_tree)
{
	struct cgroup_layout l;
	ck_assert_int_eq(cgroup_layout_from_mountinfo(v1_mountinfo, "/sys/fs/cgroup", &l), 0);
	ck_assert_int_eq(l.mode, CGROUP_V1);
	ck_assert_str_eq(l.unified, "");
	ck_assert_str_eq(l.v1[CG_CPU], "/sys/fs/cgroup/cpu,cpuacct");
	ck_assert_str_eq(l.v1[CG_CPUACCT], "/sys/fs/cgroup/cpu,cpuacct");
	ck_assert_str_eq(l.v1[CG_CPUSET], "");
}
END_TEST

START_TEST(mountinfo_unescapes_spaces_in_mount_points)
{
	const char text[] = "41 31 0:38 / /tmp/my\\040cgroups rw - cgroup2 cgroup2 rw\n";
	struct cgroup_layout l;
	ck_assert_int_eq(cgroup_layout_from_mountinfo(text, "/tmp/my cgroups", &l), 0);
	ck_assert_int_eq(l.mode, CGROUP_V2);
	ck_assert_str_eq(l.unified, "/tmp/my cgroups");
}
END_TEST

START_TEST(mountinfo_without_cgroups_at_the_root_says_how_to_mount_one)
{
	struct cgroup_layout l;
	ck_assert_int_eq(cgroup_layout_from_mountinfo(v2_mountinfo, "/elsewhere", &l), -1);
	ck_assert_msg(strstr(error_message(), "no cgroup file system is mounted at \"/elsewhere\"") &&
			      strstr(error_message(), "mount -t cgroup2 none /elsewhere"),
		      "%s", error_message());
}
END_TEST

/* ---- our own v1 folder, from /proc/self/cgroup (cgroup_warm.c) ------------------------------ */

START_TEST(own_v1_folder_is_the_first_known_controllers_mount_point_and_path)
{
	struct cgroup_layout l;
	ck_assert_int_eq(cgroup_layout_from_mountinfo(hybrid_mountinfo, "/sys/fs/cgroup", &l), 0);
	const char self[] = "13:name=systemd:/user.slice/session-3.scope\n"
			    "12:pids:/user.slice/session-3.scope\n"
			    "0::/user.slice/session-3.scope\n";
	char folder[PATH_MAX];
	ck_assert_int_eq(cgroup_own_v1_folder(self, &l, folder, sizeof(folder)), 0);
	ck_assert_str_eq(folder, "/sys/fs/cgroup/pids/user.slice/session-3.scope");
}
END_TEST

START_TEST(own_v1_folder_at_a_trees_root_is_its_mount_point_and_comounted_names_count)
{
	struct cgroup_layout l;
	ck_assert_int_eq(cgroup_layout_from_mountinfo(v1_mountinfo, "/sys/fs/cgroup", &l), 0);
	char folder[PATH_MAX];
	ck_assert_int_eq(cgroup_own_v1_folder("4:cpuacct,cpu:/\n", &l, folder, sizeof(folder)), 0);
	ck_assert_str_eq(folder, "/sys/fs/cgroup/cpu,cpuacct");
	ck_assert_int_eq(cgroup_own_v1_folder("4:cpuacct,cpu:/batch", &l, folder, sizeof(folder)), 0);
	ck_assert_str_eq(folder, "/sys/fs/cgroup/cpu,cpuacct/batch");
}
END_TEST

START_TEST(own_v1_folder_is_not_found_on_a_v2_machine)
{
	struct cgroup_layout l;
	ck_assert_int_eq(cgroup_layout_from_mountinfo(v2_mountinfo, "/sys/fs/cgroup", &l), 0);
	char folder[PATH_MAX];
	ck_assert_int_eq(cgroup_own_v1_folder("0::/user.slice\n", &l, folder, sizeof(folder)), -1);
	/* a v1 line of a controller that has no tree here (cpuset was never mounted) names nothing */
	ck_assert_int_eq(cgroup_layout_from_mountinfo(v1_mountinfo, "/sys/fs/cgroup", &l), 0);
	ck_assert_int_eq(cgroup_own_v1_folder("7:cpuset:/\n", &l, folder, sizeof(folder)), -1);
}
END_TEST

/* ---- flags -------------------------------------------------------------------------------- */

START_TEST(memory_takes_docker_sizes)
{
	struct cgroup_limits l = { 0 };
	ck_assert_int_eq(cgroup_limits_set(&l, "memory", "64m"), 0);
	ck_assert_int_eq(l.memory, 64 << 20);
	ck_assert_int_eq(cgroup_limits_set(&l, "memory", "1g"), 0);
	ck_assert_int_eq(l.memory, 1 << 30);
	ck_assert_int_eq(cgroup_limits_set(&l, "memory", "67108864"), 0);
	ck_assert_int_eq(l.memory, 67108864);
}
END_TEST

START_TEST(a_bad_value_names_the_flag_and_the_value)
{
	struct cgroup_limits l = { 0 };
	ck_assert_int_eq(cgroup_limits_set(&l, "memory", "6x"), -1);
	ck_assert_str_eq(error_message(),
			 "invalid argument \"6x\" for \"--memory\" flag: expected a size such as 64m, 512k or 1g");
	ck_assert_int_eq(cgroup_limits_set(&l, "memory", "0"), -1);
	ck_assert_int_eq(cgroup_limits_set(&l, "memory", ""), -1);
	ck_assert_int_eq(cgroup_limits_set(&l, "memory-swap", "lots"), -1);
	ck_assert_msg(strstr(error_message(), "\"--memory-swap\"") != NULL, "%s", error_message());
	ck_assert_int_eq(cgroup_limits_set(&l, "cpus", "half"), -1);
	ck_assert_str_eq(error_message(),
			 "invalid argument \"half\" for \"--cpus\" flag: expected a number of CPUs such as 0.5 or 2");
	ck_assert_int_eq(cgroup_limits_set(&l, "pids-limit", "-5"), -1);
	ck_assert_msg(strstr(error_message(), "\"--pids-limit\"") != NULL, "%s", error_message());
	ck_assert_int_eq(cgroup_limits_set(&l, "cpu-shares", "1"), -1);
	ck_assert_msg(strstr(error_message(), "from 2 to 262144") != NULL, "%s", error_message());
	ck_assert_int_eq(cgroup_limits_set(&l, "cpuset-cpus", "1-0"), -1);
	ck_assert_msg(strstr(error_message(), "\"--cpuset-cpus\"") != NULL, "%s", error_message());
	ck_assert_int_eq(cgroup_limits_set(&l, "blkio-weight", "10"), -1);
	ck_assert_str_eq(error_message(), "unknown resource flag \"--blkio-weight\"");
	/* nothing was stored by the failures */
	ck_assert(!cgroup_limits_any(&l));
}
END_TEST

START_TEST(memory_swap_takes_a_size_or_minus_one_for_unlimited)
{
	struct cgroup_limits l = { 0 };
	ck_assert_int_eq(cgroup_limits_set(&l, "memory-swap", "128m"), 0);
	ck_assert_int_eq(l.memory_swap, 128 << 20);
	ck_assert_int_eq(cgroup_limits_set(&l, "memory-swap", "-1"), 0);
	ck_assert_int_eq(l.memory_swap, -1);
}
END_TEST

START_TEST(cpus_are_counted_in_billionths_and_refuse_what_the_kernel_cannot_do)
{
	struct cgroup_limits l = { 0 };
	ck_assert_int_eq(cgroup_limits_set(&l, "cpus", "0.5"), 0);
	ck_assert_int_eq(l.nano_cpus, 500000000);
	ck_assert_int_eq(cgroup_limits_set(&l, "cpus", "2"), 0);
	ck_assert_int_eq(l.nano_cpus, 2000000000);
	ck_assert_int_eq(cgroup_limits_set(&l, "cpus", "1.25"), 0);
	ck_assert_int_eq(l.nano_cpus, 1250000000);
	ck_assert_int_eq(cgroup_limits_set(&l, "cpus", ".01"), 0);
	ck_assert_int_eq(l.nano_cpus, 10000000);
	ck_assert_int_eq(cgroup_limits_set(&l, "cpus", "0.001"), -1);
	ck_assert_msg(strstr(error_message(), "the smallest CPU limit is 0.01") != NULL, "%s", error_message());
	ck_assert_int_eq(cgroup_limits_set(&l, "cpus", "0"), -1);
	for (const char *const *bad = (const char *const[]){ "1e3", "0x8", "inf", "nan", "-1", "1.5.2", ".", NULL };
	     *bad; bad++)
		ck_assert_msg(cgroup_limits_set(&l, "cpus", *bad) == -1, "accepted %s", *bad);
}
END_TEST

START_TEST(pids_limit_zero_and_minus_one_mean_unlimited_as_in_docker)
{
	struct cgroup_limits l = { 0 };
	ck_assert_int_eq(cgroup_limits_set(&l, "pids-limit", "50"), 0);
	ck_assert_int_eq(l.pids_limit, 50);
	ck_assert_int_eq(cgroup_limits_set(&l, "pids-limit", "-1"), 0);
	ck_assert_int_eq(l.pids_limit, -1);
	ck_assert_int_eq(cgroup_limits_set(&l, "pids-limit", "0"), 0);
	ck_assert_int_eq(l.pids_limit, -1);
}
END_TEST

START_TEST(cpuset_cpus_takes_the_kernels_list_format)
{
	struct cgroup_limits l = { 0 };
	for (const char *const *ok = (const char *const[]){ "0", "0-1", "0,2", "0-1,4-5,7", NULL }; *ok; ok++) {
		ck_assert_msg(cgroup_limits_set(&l, "cpuset-cpus", *ok) == 0, "refused %s", *ok);
		ck_assert_str_eq(l.cpuset_cpus, *ok);
	}
	for (const char *const *bad = (const char *const[]){ "", "a", "0-", "-1", "0,,1", "0,", "3-1", "0 1", NULL };
	     *bad; bad++)
		ck_assert_msg(cgroup_limits_set(&l, "cpuset-cpus", *bad) == -1, "accepted \"%s\"", *bad);
}
END_TEST

START_TEST(flags_are_checked_together_with_dockers_words)
{
	struct cgroup_limits l = { 0 };
	l.memory = 4 << 20;
	ck_assert_int_eq(cgroup_limits_check(&l, 2), -1);
	ck_assert_msg(strstr(error_message(), "minimum memory limit allowed is 6MB") != NULL, "%s", error_message());

	l = (struct cgroup_limits){ .memory_swap = 128 << 20 };
	ck_assert_int_eq(cgroup_limits_check(&l, 2), -1);
	ck_assert_msg(strstr(error_message(), "--memory-swap needs --memory") != NULL, "%s", error_message());

	l = (struct cgroup_limits){ .memory = 64 << 20, .memory_swap = 32 << 20 };
	ck_assert_int_eq(cgroup_limits_check(&l, 2), -1);
	ck_assert_msg(strstr(error_message(), "should be larger than memory limit") != NULL, "%s", error_message());

	l = (struct cgroup_limits){ .nano_cpus = 3000000000 };
	ck_assert_int_eq(cgroup_limits_check(&l, 2), -1);
	ck_assert_str_eq(error_message(),
			 "--cpus 3.00: range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available");

	l = (struct cgroup_limits){ .memory = 64 << 20, .memory_swap = -1, .nano_cpus = 2000000000 };
	ck_assert_int_eq(cgroup_limits_check(&l, 2), 0);
}
END_TEST

/* ---- cpu.shares to cpu.weight ------------------------------------------------------------- */

START_TEST(shares_map_linearly_onto_weight_from_end_to_end)
{
	ck_assert_uint_eq(cgroup_shares_to_weight(2), 1);
	ck_assert_uint_eq(cgroup_shares_to_weight(262144), 10000);
	/* Docker's default 1024 is not v2's default 100: the line through both ends gives 39 */
	ck_assert_uint_eq(cgroup_shares_to_weight(1024), 39);
	ck_assert_uint_eq(cgroup_shares_to_weight(512), 20);
	ck_assert_uint_eq(cgroup_shares_to_weight(2048), 79);
	/* out of range values are clamped, as the kernel clamps cpu.shares */
	ck_assert_uint_eq(cgroup_shares_to_weight(0), 1);
	ck_assert_uint_eq(cgroup_shares_to_weight(1000000), 10000);
	/* the map never goes down */
	for (uint64_t s = 2; s < 262144; s += 97)
		ck_assert_uint_le(cgroup_shares_to_weight(s), cgroup_shares_to_weight(s + 97));
}
END_TEST

/* ---- translation to writes ---------------------------------------------------------------- */

static struct cgroup_limits all_limits(void)
{
	struct cgroup_limits l = { 0 };
	ck_assert_int_eq(cgroup_limits_set(&l, "memory", "64m"), 0);
	ck_assert_int_eq(cgroup_limits_set(&l, "memory-swap", "96m"), 0);
	ck_assert_int_eq(cgroup_limits_set(&l, "cpus", "0.5"), 0);
	ck_assert_int_eq(cgroup_limits_set(&l, "cpu-shares", "512"), 0);
	ck_assert_int_eq(cgroup_limits_set(&l, "pids-limit", "50"), 0);
	ck_assert_int_eq(cgroup_limits_set(&l, "cpuset-cpus", "0-1"), 0);
	return l;
}

static void check_write(const struct cgroup_write *w, enum cgroup_controller c, const char *file, const char *value)
{
	ck_assert_int_eq(w->controller, c);
	ck_assert_str_eq(w->file, file);
	ck_assert_str_eq(w->value, value);
	ck_assert(!w->from_parent);
	ck_assert(!w->optional);
}

START_TEST(v2_writes_every_limit_to_its_unified_file)
{
	struct cgroup_limits l = all_limits();
	struct cgroup_write w[CGROUP_MAX_WRITES];
	ck_assert_uint_eq(cgroup_limits_writes(&l, CGROUP_V2, w), 6);
	check_write(&w[0], CG_MEMORY, "memory.max", "67108864");
	check_write(&w[1], CG_MEMORY, "memory.swap.max", "33554432"); /* 96m - 64m: v2 limits swap alone */
	check_write(&w[2], CG_CPU, "cpu.max", "50000 100000");
	check_write(&w[3], CG_CPU, "cpu.weight", "20");
	check_write(&w[4], CG_PIDS, "pids.max", "50");
	check_write(&w[5], CG_CPUSET, "cpuset.cpus", "0-1");
}
END_TEST

START_TEST(v1_writes_every_limit_to_its_controllers_tree_and_copies_cpuset_mems)
{
	struct cgroup_limits l = all_limits();
	struct cgroup_write w[CGROUP_MAX_WRITES];
	ck_assert_uint_eq(cgroup_limits_writes(&l, CGROUP_V1, w), 8);
	check_write(&w[0], CG_MEMORY, "memory.limit_in_bytes", "67108864");
	check_write(&w[1], CG_MEMORY, "memory.memsw.limit_in_bytes", "100663296"); /* memory plus swap */
	check_write(&w[2], CG_CPU, "cpu.cfs_period_us", "100000");
	check_write(&w[3], CG_CPU, "cpu.cfs_quota_us", "50000");
	check_write(&w[4], CG_CPU, "cpu.shares", "512");
	check_write(&w[5], CG_PIDS, "pids.max", "50");
	check_write(&w[6], CG_CPUSET, "cpuset.cpus", "0-1");
	ck_assert_int_eq(w[7].controller, CG_CPUSET);
	ck_assert_str_eq(w[7].file, "cpuset.mems");
	ck_assert(w[7].from_parent);
}
END_TEST

START_TEST(hybrid_writes_the_v1_files_because_its_controllers_live_in_v1)
{
	struct cgroup_limits l = all_limits();
	struct cgroup_write hybrid[CGROUP_MAX_WRITES], v1[CGROUP_MAX_WRITES];
	size_t n = cgroup_limits_writes(&l, CGROUP_HYBRID, hybrid);
	ck_assert_uint_eq(n, cgroup_limits_writes(&l, CGROUP_V1, v1));
	for (size_t i = 0; i < n; i++) {
		ck_assert_str_eq(hybrid[i].file, v1[i].file);
		ck_assert_str_eq(hybrid[i].value, v1[i].value);
	}
}
END_TEST

START_TEST(unlimited_values_are_max_in_v2_and_minus_one_in_v1)
{
	struct cgroup_limits l = { 0 };
	ck_assert_int_eq(cgroup_limits_set(&l, "memory", "64m"), 0);
	ck_assert_int_eq(cgroup_limits_set(&l, "memory-swap", "-1"), 0);
	ck_assert_int_eq(cgroup_limits_set(&l, "pids-limit", "-1"), 0);
	struct cgroup_write w[CGROUP_MAX_WRITES];
	ck_assert_uint_eq(cgroup_limits_writes(&l, CGROUP_V2, w), 3);
	check_write(&w[1], CG_MEMORY, "memory.swap.max", "max");
	check_write(&w[2], CG_PIDS, "pids.max", "max");
	ck_assert_uint_eq(cgroup_limits_writes(&l, CGROUP_V1, w), 3);
	check_write(&w[1], CG_MEMORY, "memory.memsw.limit_in_bytes", "-1");
	check_write(&w[2], CG_PIDS, "pids.max", "max");
}
END_TEST

START_TEST(memory_swap_equal_to_memory_means_no_swap)
{
	struct cgroup_limits l = { .memory = 64 << 20, .memory_swap = 64 << 20 };
	struct cgroup_write w[CGROUP_MAX_WRITES];
	ck_assert_uint_eq(cgroup_limits_writes(&l, CGROUP_V2, w), 2);
	check_write(&w[1], CG_MEMORY, "memory.swap.max", "0");
}
END_TEST

START_TEST(memory_alone_allows_as_much_swap_as_memory_like_docker_where_swap_is_accounted)
{
	struct cgroup_limits l = { .memory = 64 << 20 };
	struct cgroup_write w[CGROUP_MAX_WRITES];
	ck_assert_uint_eq(cgroup_limits_writes(&l, CGROUP_V2, w), 2);
	check_write(&w[0], CG_MEMORY, "memory.max", "67108864");
	ck_assert_str_eq(w[1].file, "memory.swap.max");
	ck_assert_str_eq(w[1].value, "67108864");
	ck_assert(w[1].optional); /* a default: skipped on a kernel without swap accounting */
	ck_assert(!w[0].optional);
	ck_assert_uint_eq(cgroup_limits_writes(&l, CGROUP_V1, w), 2);
	ck_assert_str_eq(w[1].file, "memory.memsw.limit_in_bytes");
	ck_assert_str_eq(w[1].value, "134217728");
	ck_assert(w[1].optional);
	/* a swap limit the user gave is never optional */
	l.memory_swap = 96 << 20;
	ck_assert_uint_eq(cgroup_limits_writes(&l, CGROUP_V1, w), 2);
	ck_assert(!w[1].optional);
}
END_TEST

START_TEST(cpu_quota_follows_the_cpus_in_every_layout)
{
	const struct { const char *cpus, *v2, *v1; } cases[] = {
		{ "0.01", "1000 100000", "1000" }, { "0.5", "50000 100000", "50000" },
		{ "1", "100000 100000", "100000" }, { "1.5", "150000 100000", "150000" },
		{ "2", "200000 100000", "200000" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cgroup_limits l = { 0 };
		ck_assert_int_eq(cgroup_limits_set(&l, "cpus", cases[i].cpus), 0);
		struct cgroup_write w[CGROUP_MAX_WRITES];
		ck_assert_uint_eq(cgroup_limits_writes(&l, CGROUP_V2, w), 1);
		check_write(&w[0], CG_CPU, "cpu.max", cases[i].v2);
		ck_assert_uint_eq(cgroup_limits_writes(&l, CGROUP_V1, w), 2);
		check_write(&w[1], CG_CPU, "cpu.cfs_quota_us", cases[i].v1);
	}
}
END_TEST

START_TEST(no_flags_mean_no_writes_and_no_controllers)
{
	struct cgroup_limits l = { 0 };
	struct cgroup_write w[CGROUP_MAX_WRITES];
	ck_assert_uint_eq(cgroup_limits_writes(&l, CGROUP_V2, w), 0);
	ck_assert_uint_eq(cgroup_limits_writes(&l, CGROUP_V1, w), 0);
	ck_assert_uint_eq(cgroup_limits_controllers(&l), 0);
	l = all_limits();
	ck_assert_uint_eq(cgroup_limits_controllers(&l),
			  1u << CG_MEMORY | 1u << CG_CPU | 1u << CG_PIDS | 1u << CG_CPUSET);
}
END_TEST

/* ---- reading cgroup files ----------------------------------------------------------------- */

START_TEST(keyed_files_give_the_value_of_a_whole_key)
{
	const char cpu_stat[] = "usage_usec 5023\nuser_usec 4000\nsystem_usec 1023\nnr_periods 10\n";
	int64_t v = 0;
	ck_assert_int_eq(cgroup_parse_keyed(cpu_stat, "usage_usec", &v), 0);
	ck_assert_int_eq(v, 5023);
	ck_assert_int_eq(cgroup_parse_keyed(cpu_stat, "system_usec", &v), 0);
	ck_assert_int_eq(v, 1023);
	ck_assert_int_eq(cgroup_parse_keyed(cpu_stat, "usage", &v), -1); /* a prefix is not a key */
	const char events[] = "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n";
	ck_assert_int_eq(cgroup_parse_keyed(events, "oom_kill", &v), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(cgroup_parse_keyed(events, "oom", &v), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(cgroup_parse_keyed("", "oom_kill", &v), -1);
}
END_TEST

START_TEST(one_value_files_read_max_as_unlimited)
{
	int64_t v = 0;
	ck_assert_int_eq(cgroup_parse_value("max\n", &v), 0);
	ck_assert_int_eq(v, -1);
	ck_assert_int_eq(cgroup_parse_value("67108864\n", &v), 0);
	ck_assert_int_eq(v, 67108864);
	ck_assert_int_eq(cgroup_parse_value("", &v), -1);
	ck_assert_int_eq(cgroup_parse_value("12 34\n", &v), -1);
	ck_assert_int_eq(cgroup_parse_value("maximum\n", &v), -1);
}
END_TEST

START_TEST(write_failures_get_advice_for_the_puzzling_errnos)
{
	ck_assert_ptr_nonnull(strstr(cgroup_write_hint("cgroup.subtree_control", EBUSY), "no internal processes"));
	ck_assert_ptr_nonnull(strstr(cgroup_write_hint("cgroup.procs", ENOSPC), "cpuset"));
	ck_assert_ptr_nonnull(strstr(cgroup_write_hint("memory.memsw.limit_in_bytes", ENOENT), "swapaccount=1"));
	ck_assert_ptr_nonnull(strstr(cgroup_write_hint("memory.swap.max", ENOENT), "swapaccount=1"));
	ck_assert_ptr_nonnull(strstr(cgroup_write_hint("cpuset.cpus", EINVAL), "does not exist"));
	ck_assert_ptr_nonnull(strstr(cgroup_write_hint("pids.max", ENOENT), "controller is not enabled"));
	ck_assert_ptr_nonnull(strstr(cgroup_write_hint("memory.max", EACCES), "root"));
	ck_assert_ptr_null(cgroup_write_hint("memory.max", EINTR));
}
END_TEST

Suite *cgroup_limits_suite(void)
{
	Suite *s = suite_create("cgroup_limits");
	TCase *t = tcase_create("layout");
	tcase_add_test(t, mountinfo_of_this_machine_reads_as_hybrid_with_the_v2_tree_at_unified);
	tcase_add_test(t, mountinfo_with_cgroup2_at_the_root_reads_as_v2);
	tcase_add_test(t, mountinfo_with_comounted_cpu_and_cpuacct_gives_both_the_same_tree);
	tcase_add_test(t, own_v1_folder_is_the_first_known_controllers_mount_point_and_path);
	tcase_add_test(t, own_v1_folder_at_a_trees_root_is_its_mount_point_and_comounted_names_count);
	tcase_add_test(t, own_v1_folder_is_not_found_on_a_v2_machine);
	tcase_add_test(t, mountinfo_unescapes_spaces_in_mount_points);
	tcase_add_test(t, mountinfo_without_cgroups_at_the_root_says_how_to_mount_one);
	suite_add_tcase(s, t);
	t = tcase_create("flags");
	tcase_add_test(t, memory_takes_docker_sizes);
	tcase_add_test(t, a_bad_value_names_the_flag_and_the_value);
	tcase_add_test(t, memory_swap_takes_a_size_or_minus_one_for_unlimited);
	tcase_add_test(t, cpus_are_counted_in_billionths_and_refuse_what_the_kernel_cannot_do);
	tcase_add_test(t, pids_limit_zero_and_minus_one_mean_unlimited_as_in_docker);
	tcase_add_test(t, cpuset_cpus_takes_the_kernels_list_format);
	tcase_add_test(t, flags_are_checked_together_with_dockers_words);
	tcase_add_test(t, shares_map_linearly_onto_weight_from_end_to_end);
	suite_add_tcase(s, t);
	t = tcase_create("writes");
	tcase_add_test(t, v2_writes_every_limit_to_its_unified_file);
	tcase_add_test(t, v1_writes_every_limit_to_its_controllers_tree_and_copies_cpuset_mems);
	tcase_add_test(t, hybrid_writes_the_v1_files_because_its_controllers_live_in_v1);
	tcase_add_test(t, unlimited_values_are_max_in_v2_and_minus_one_in_v1);
	tcase_add_test(t, memory_swap_equal_to_memory_means_no_swap);
	tcase_add_test(t, memory_alone_allows_as_much_swap_as_memory_like_docker_where_swap_is_accounted);
	tcase_add_test(t, cpu_quota_follows_the_cpus_in_every_layout);
	tcase_add_test(t, no_flags_mean_no_writes_and_no_controllers);
	tcase_add_test(t, keyed_files_give_the_value_of_a_whole_key);
	tcase_add_test(t, one_value_files_read_max_as_unlimited);
	tcase_add_test(t, write_failures_get_advice_for_the_puzzling_errnos);
	suite_add_tcase(s, t);
	return s;
}
