/*
 * test_doctor.c - what `tinydock doctor` concludes from the facts of a machine
 * (01-chroot/doctor.c and each chapter's doctor-*.c), with machines this one is not.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctor-cgroups.h"
#include "doctor-interop.h"
#include "doctor-namespaces.h"
#include "doctor-overlay.h"
#include "doctor.h"

static struct host_facts a_good_host(void)
{
	struct host_facts f = { .root = true, .busybox = BUSYBOX_STATIC, .free_bytes = 20LL << 30 };
	snprintf(f.kernel, sizeof(f.kernel), "6.8.0-31-generic");
	snprintf(f.machine, sizeof(f.machine), "x86_64");
	snprintf(f.busybox_path, sizeof(f.busybox_path), "/bin/busybox");
	snprintf(f.state_root, sizeof(f.state_root), "/var/lib/tinydock");
	return f;
}

static struct namespace_facts a_good_network(void)
{
	struct namespace_facts f = { .root = true, .max_user_namespaces = 15000, .unprivileged_userns_clone = -1,
				     .apparmor_restricts_userns = -1 };
	snprintf(f.bridge, sizeof(f.bridge), "tinydock0");
	snprintf(f.bridge_subnet, sizeof(f.bridge_subnet), "172.30.0.0/16");
	return f;
}

START_TEST(a_static_busybox_as_root_with_room_to_spare_is_all_ok)
{
	struct doctor_report r = { .count = 0 };
	struct host_facts f = a_good_host();
	doctor_judge_host(&f, &r);
	ck_assert_uint_eq(doctor_missing(&r), 0);
	ck_assert_int_eq(doctor_find(&r, "kernel 6.8.0-31-generic")->verdict, DOCTOR_OK);
	ck_assert_int_eq(doctor_find(&r, "busybox:")->verdict, DOCTOR_OK);
	ck_assert_ptr_nonnull(strstr(doctor_find(&r, "disk:")->what, "20.0 GiB free under /var/lib/tinydock"));
}
END_TEST

START_TEST(a_dynamic_busybox_is_missing_and_the_fix_installs_busybox_static)
{
	struct doctor_report r = { .count = 0 };
	struct host_facts f = a_good_host();
	f.busybox = BUSYBOX_DYNAMIC;
	doctor_judge_host(&f, &r);
	const struct doctor_finding *busybox = doctor_find(&r, "busybox:");
	ck_assert_int_eq(busybox->verdict, DOCTOR_MISSING);
	ck_assert_str_eq(busybox->fix, "sudo apt-get install busybox-static");
	ck_assert_str_eq(busybox->chapter, "01-chroot");
	ck_assert_uint_eq(doctor_missing(&r), 1);
}
END_TEST

START_TEST(without_root_or_disk_space_chapter_01_is_missing_both)
{
	struct doctor_report r = { .count = 0 };
	struct host_facts f = a_good_host();
	f.root = false;
	f.free_bytes = 100LL << 20;
	doctor_judge_host(&f, &r);
	ck_assert_int_eq(doctor_find(&r, "root:")->verdict, DOCTOR_MISSING);
	ck_assert_int_eq(doctor_find(&r, "disk: only 100 MiB free")->verdict, DOCTOR_MISSING);
	ck_assert_uint_eq(doctor_missing(&r), 2);
}
END_TEST

START_TEST(user_namespaces_switched_off_are_missing_with_the_sysctl_that_allows_them)
{
	struct doctor_report r = { .count = 0 };
	struct namespace_facts f = a_good_network();
	f.max_user_namespaces = 0;
	doctor_judge_namespaces(&f, &r);
	const struct doctor_finding *userns = doctor_find(&r, "user namespaces:");
	ck_assert_int_eq(userns->verdict, DOCTOR_MISSING);
	ck_assert_str_eq(userns->fix, "sudo sysctl -w user.max_user_namespaces=15000");
}
END_TEST

START_TEST(apparmor_restricting_user_namespaces_spares_root_but_stops_a_student_without_sudo)
{
	struct doctor_report r = { .count = 0 };
	struct namespace_facts f = a_good_network();
	f.apparmor_restricts_userns = 1; /* Ubuntu 24.04 */
	doctor_judge_namespaces(&f, &r);
	const struct doctor_finding *restricted = doctor_find(&r, "unprivileged user namespaces: restricted by AppArmor");
	ck_assert_ptr_nonnull(restricted);
	ck_assert_int_eq(restricted->verdict, DOCTOR_OPTIONAL);
	ck_assert_str_eq(restricted->fix, "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0");
	ck_assert_uint_eq(doctor_missing(&r), 0);

	struct doctor_report student = { .count = 0 };
	f.root = false;
	doctor_judge_namespaces(&f, &student);
	ck_assert_int_eq(doctor_find(&student, "unprivileged user namespaces: restricted")->verdict, DOCTOR_MISSING);
}
END_TEST

START_TEST(debians_unprivileged_userns_clone_off_is_said_with_its_sysctl)
{
	struct doctor_report r = { .count = 0 };
	struct namespace_facts f = a_good_network();
	f.unprivileged_userns_clone = 0;
	doctor_judge_namespaces(&f, &r);
	const struct doctor_finding *off = doctor_find(&r, "unprivileged user namespaces: only root");
	ck_assert_int_eq(off->verdict, DOCTOR_OPTIONAL);
	ck_assert_str_eq(off->fix, "sudo sysctl -w kernel.unprivileged_userns_clone=1");
}
END_TEST

static const char routes[] =
	"Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
	"eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
	"tinydock0\t00001EAC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n"
	"tun0\t00001EAC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n";

START_TEST(proc_net_route_is_read_as_links_and_subnets)
{
	struct route_fact r[8];
	ck_assert_uint_eq(doctor_parse_routes(routes, r, 8), 3);
	ck_assert_str_eq(r[0].link, "eth0");
	ck_assert_int_eq(r[0].prefix, 0);
	ck_assert_str_eq(r[1].link, "tinydock0");
	ck_assert_int_eq(r[1].prefix, 16);
	ck_assert_str_eq(inet_ntoa(r[1].network), "172.30.0.0");
	ck_assert_uint_eq(doctor_parse_routes(routes, r, 2), 2);
}
END_TEST

START_TEST(a_vpn_routing_the_bridge_subnet_is_a_clash_but_the_bridge_and_the_default_route_are_not)
{
	struct namespace_facts f = a_good_network();
	f.route_count = doctor_parse_routes(routes, f.routes, DOCTOR_MAX_ROUTES);
	struct doctor_report r = { .count = 0 };
	doctor_judge_namespaces(&f, &r);
	const struct doctor_finding *clash = doctor_find(&r, "bridge subnet:");
	ck_assert_int_eq(clash->verdict, DOCTOR_MISSING);
	ck_assert_ptr_nonnull(strstr(clash->what, "overlaps 172.30.0.0/16, routed through tun0"));
	ck_assert_ptr_nonnull(strstr(clash->fix, "TINYDOCK_BRIDGE_SUBNET="));

	f.route_count = 2; /* the default route and tinydock0's own */
	struct doctor_report free_subnet = { .count = 0 };
	doctor_judge_namespaces(&f, &free_subnet);
	ck_assert_int_eq(doctor_find(&free_subnet, "bridge subnet:")->verdict, DOCTOR_OK);
}
END_TEST

static struct cgroup_facts *a_v2_machine(const char *controllers, const char *subtree_control)
{
	struct cgroup_facts *f = calloc(1, sizeof(*f));
	f->mounted = true;
	f->layout.mode = CGROUP_V2;
	snprintf(f->layout.root, sizeof(f->layout.root), "/sys/fs/cgroup");
	snprintf(f->layout.unified, sizeof(f->layout.unified), "/sys/fs/cgroup");
	snprintf(f->v2_controllers, sizeof(f->v2_controllers), "%s", controllers);
	snprintf(f->v2_subtree_control, sizeof(f->v2_subtree_control), "%s", subtree_control);
	return f;
}

START_TEST(a_v2_only_machine_with_memory_not_delegated_misses_memory)
{
	struct cgroup_facts *f = a_v2_machine("cpuset cpu io pids", "cpu pids");
	struct doctor_report r = { .count = 0 };
	doctor_judge_cgroups(f, &r);
	ck_assert_ptr_nonnull(doctor_find(&r, "cgroup layout: v2 (one tree at /sys/fs/cgroup)"));
	const struct doctor_finding *memory = doctor_find(&r, "memory:");
	ck_assert_int_eq(memory->verdict, DOCTOR_MISSING);
	ck_assert_str_eq(memory->chapter, "03-cgroups");
	ck_assert_ptr_nonnull(strstr(memory->fix, "echo +memory >"));
	ck_assert_int_eq(doctor_find(&r, "cpu:")->verdict, DOCTOR_OK);
	ck_assert_ptr_nonnull(strstr(doctor_find(&r, "cpuset:")->what, "tinydock enables it"));
	ck_assert_uint_eq(doctor_missing(&r), 1);
	free(f);
}
END_TEST

START_TEST(a_v2_machine_without_cpuset_is_still_fit_for_chapter_03)
{
	struct cgroup_facts *f = a_v2_machine("cpu memory pids", "");
	struct doctor_report r = { .count = 0 };
	doctor_judge_cgroups(f, &r);
	ck_assert_int_eq(doctor_find(&r, "cpuset:")->verdict, DOCTOR_OPTIONAL);
	ck_assert_uint_eq(doctor_missing(&r), 0);
	free(f);
}
END_TEST

START_TEST(a_hybrid_machine_is_named_with_its_v1_trees_and_its_empty_v2_tree)
{
	struct cgroup_facts *f = calloc(1, sizeof(*f));
	f->mounted = true;
	f->layout.mode = CGROUP_HYBRID;
	snprintf(f->layout.root, sizeof(f->layout.root), "/sys/fs/cgroup");
	snprintf(f->layout.unified, sizeof(f->layout.unified), "/sys/fs/cgroup/unified");
	snprintf(f->layout.v1[CG_MEMORY], PATH_MAX, "/sys/fs/cgroup/memory");
	snprintf(f->layout.v1[CG_CPU], PATH_MAX, "/sys/fs/cgroup/cpu,cpuacct");
	struct doctor_report r = { .count = 0 };
	doctor_judge_cgroups(f, &r);
	ck_assert_ptr_nonnull(doctor_find(&r, "cgroup layout: hybrid"));
	ck_assert_ptr_nonnull(doctor_find(&r, "v2 tree /sys/fs/cgroup/unified: no controllers"));
	ck_assert_str_eq(doctor_find(&r, "cpu:")->what, "cpu: a v1 tree at /sys/fs/cgroup/cpu,cpuacct");
	ck_assert_int_eq(doctor_find(&r, "pids:")->verdict, DOCTOR_MISSING); /* not mounted */
	free(f);
}
END_TEST

START_TEST(no_cgroup_file_system_at_all_is_missing)
{
	struct cgroup_facts *f = calloc(1, sizeof(*f));
	struct doctor_report r = { .count = 0 };
	doctor_judge_cgroups(f, &r);
	ck_assert_int_eq(doctor_find(&r, "cgroup layout:")->verdict, DOCTOR_MISSING);
	free(f);
}
END_TEST

START_TEST(overlay_is_found_in_proc_filesystems_and_a_longer_name_is_not_it)
{
	ck_assert(doctor_filesystems_list_overlay("nodev\tsysfs\n\text4\nnodev\toverlay\n"));
	ck_assert(doctor_filesystems_list_overlay("nodev\toverlay"));
	ck_assert(!doctor_filesystems_list_overlay("nodev\toverlayfs2\n\text4\n"));
	ck_assert(!doctor_filesystems_list_overlay(""));

	struct doctor_report r = { .count = 0 };
	struct overlay_facts none = { .registered = false, .loadable = false };
	doctor_judge_overlay(&none, &r);
	ck_assert_int_eq(doctor_find(&r, "overlayfs:")->verdict, DOCTOR_MISSING);
	ck_assert_ptr_nonnull(strstr(doctor_find(&r, "overlayfs:")->fix, "modprobe overlay"));
}
END_TEST

START_TEST(no_docker_and_no_skopeo_are_optional_and_fail_nothing)
{
	struct interop_facts f = { .docker = "", .skopeo = "/usr/bin/skopeo" };
	struct doctor_report r = { .count = 0 };
	doctor_judge_interop(&f, &r);
	ck_assert_int_eq(doctor_find(&r, "docker:")->verdict, DOCTOR_OPTIONAL);
	ck_assert_int_eq(doctor_find(&r, "skopeo:")->verdict, DOCTOR_OK);
	ck_assert_uint_eq(doctor_missing(&r), 0);
}
END_TEST

START_TEST(the_report_is_printed_by_chapter_with_each_fix_under_its_finding)
{
	struct doctor_report r = { .count = 0 };
	doctor_add(&r, "01-chroot", DOCTOR_OK, NULL, "kernel 6.8.0");
	doctor_add(&r, "03-cgroups", DOCTOR_MISSING, "echo +memory > x", "memory: not delegated");
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	doctor_print(out, &r);
	fclose(out);
	ck_assert_str_eq(text, "01-chroot\n"
			       "  ok        kernel 6.8.0\n"
			       "\n"
			       "03-cgroups\n"
			       "  missing   memory: not delegated\n"
			       "            fix: echo +memory > x\n"
			       "\n"
			       "1 thing a chapter needs is missing: see \"missing\" above.\n");
	free(text);
}
END_TEST

Suite *doctor_suite(void)
{
	Suite *s = suite_create("doctor");
	TCase *t = tcase_create("doctor");
	tcase_add_test(t, a_static_busybox_as_root_with_room_to_spare_is_all_ok);
	tcase_add_test(t, a_dynamic_busybox_is_missing_and_the_fix_installs_busybox_static);
	tcase_add_test(t, without_root_or_disk_space_chapter_01_is_missing_both);
	tcase_add_test(t, user_namespaces_switched_off_are_missing_with_the_sysctl_that_allows_them);
	tcase_add_test(t, apparmor_restricting_user_namespaces_spares_root_but_stops_a_student_without_sudo);
	tcase_add_test(t, debians_unprivileged_userns_clone_off_is_said_with_its_sysctl);
	tcase_add_test(t, proc_net_route_is_read_as_links_and_subnets);
	tcase_add_test(t, a_vpn_routing_the_bridge_subnet_is_a_clash_but_the_bridge_and_the_default_route_are_not);
	tcase_add_test(t, a_v2_only_machine_with_memory_not_delegated_misses_memory);
	tcase_add_test(t, a_v2_machine_without_cpuset_is_still_fit_for_chapter_03);
	tcase_add_test(t, a_hybrid_machine_is_named_with_its_v1_trees_and_its_empty_v2_tree);
	tcase_add_test(t, no_cgroup_file_system_at_all_is_missing);
	tcase_add_test(t, overlay_is_found_in_proc_filesystems_and_a_longer_name_is_not_it);
	tcase_add_test(t, no_docker_and_no_skopeo_are_optional_and_fail_nothing);
	tcase_add_test(t, the_report_is_printed_by_chapter_with_each_fix_under_its_finding);
	suite_add_tcase(s, t);
	return s;
}
