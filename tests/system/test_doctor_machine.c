/*
 * test_doctor_machine.c - `tinydock doctor` on this machine: it finds what the rest of the
 * system tests depend on, names the cgroup layout the kernel really has, and each chapter's
 * binary checks its own chapters only.
 */
#include <arpa/inet.h>
#include <check.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>

#include "harness.h"

/* The layout, found as `stat -fc %T` finds it (03-cgroups/README.md), not by the code tested. */
static const char *layout_by_statfs(void)
{
	struct statfs fs;
	if (statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
		return "cgroup layout: v2";
	if (statfs("/sys/fs/cgroup/unified", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
		return "cgroup layout: hybrid";
	return "cgroup layout: v1";
}

START_TEST(doctor_on_this_machine_exits_0_and_names_its_cgroup_layout)
{
	struct run_result r = run_tinydock(NULL, 30, "doctor", NULL);
	ck_assert_msg(r.status == 0, "doctor exited %d:\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(strstr(r.out, layout_by_statfs()), "no \"%s\" in:\n%s", layout_by_statfs(), r.out);
	ck_assert_ptr_nonnull(strstr(r.out, "  ok        overlayfs:"));
	ck_assert_ptr_nonnull(strstr(r.out, "  ok        busybox: "));
	ck_assert_ptr_nonnull(strstr(r.out, "This machine has what every chapter here needs."));
	run_free(&r);
}
END_TEST

/* A subnet the host routes through a link of its own (not a bridge of tinydock's), or "". */
static void a_routed_subnet(char subnet[32], char link[16])
{
	subnet[0] = '\0';
	FILE *routes = fopen("/proc/net/route", "re");
	ck_assert_ptr_nonnull(routes);
	char line[256];
	while (!subnet[0] && fgets(line, sizeof(line), routes)) {
		unsigned destination, mask;
		if (sscanf(line, "%15s %x %*x %*x %*u %*u %*u %x", link, &destination, &mask) != 3)
			continue;
		int prefix = __builtin_popcount(mask);
		if (prefix < 8 || prefix > 30 || strncmp(link, "td", 2) == 0 || strncmp(link, "tinydock", 8) == 0)
			continue;
		struct in_addr network = { .s_addr = destination };
		snprintf(subnet, 32, "%s/%d", inet_ntoa(network), prefix);
	}
	fclose(routes);
}

START_TEST(doctor_fails_and_says_the_fix_when_the_bridge_subnet_is_taken)
{
	char subnet[32], link[16], expected[128];
	a_routed_subnet(subnet, link);
	if (!subnet[0])
		SKIP_TEST("this host routes no subnet through a link of its own");
	setenv("TINYDOCK_BRIDGE_SUBNET", subnet, 1);
	struct run_result r = run_tinydock(NULL, 30, "doctor", NULL);
	ck_assert_msg(r.status == 1, "doctor exited %d:\n%s", r.status, r.out);
	snprintf(expected, sizeof(expected), "  missing   bridge subnet: %s", subnet);
	ck_assert_msg(strstr(r.out, expected), "no \"%s\" in:\n%s", expected, r.out);
	ck_assert_ptr_nonnull(strstr(r.out, "fix: export TINYDOCK_BRIDGE_SUBNET="));
	run_free(&r);
}
END_TEST

START_TEST(chapter_01s_binary_checks_chapter_01_only)
{
	char binary[PATH_MAX];
	harness_stage_binary(1, binary);
	const char *argv[] = { binary, "doctor", NULL };
	struct run_result r = run_program(NULL, 30, argv);
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "01-chroot\n"));
	ck_assert_ptr_null(strstr(r.out, "02-namespaces"));
	ck_assert_ptr_null(strstr(r.out, "cgroup"));
	run_free(&r);
}
END_TEST

Suite *doctor_machine_suite(void)
{
	Suite *s = suite_create("doctor on this machine");
	TCase *t = tcase_create("doctor");
	harness_use_sandbox(t);
	tcase_add_test(t, doctor_on_this_machine_exits_0_and_names_its_cgroup_layout);
	tcase_add_test(t, doctor_fails_and_says_the_fix_when_the_bridge_subnet_is_taken);
	tcase_add_test(t, chapter_01s_binary_checks_chapter_01_only);
	suite_add_tcase(s, t);
	return s;
}
