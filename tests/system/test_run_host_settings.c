/*
 * test_run_host_settings.c - `tinydock run` with --network given twice, --add-host, --sysctl
 * and --read-only (chapter 02), with real containers in the sandbox's busybox rootfs. Each
 * script removes what it made (its containers, its networks and their bridges) on exit, also
 * when a step fails.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "files.h"
#include "harness.h"

#define CHECK_OK(r) ck_assert_msg((r).status == 0, "status %d\nout: %s\nerr: %s", (r).status, (r).out, (r).err)
#define CHECK_HAS(text, part) ck_assert_msg(strstr((text), (part)), "\"%s\" not in:\n%s", (part), (text))

/* Run a shell script with $T the tinydock binary and $R the rootfs, "set -e" on. */
static struct run_result sh(int timeout, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static struct run_result sh(int timeout, const char *fmt, ...)
{
	char body[8192], script[10000];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	snprintf(script, sizeof(script), "set -e; T='%s'; R='%s'; cd '%s'; %s", tinydock_binary(), sandbox.rootfs,
		 sandbox.dir, body);
	const char *argv[] = { "sh", "-c", script, NULL };
	return run_program(NULL, timeout, argv);
}

/* The host's value of a sysctl, as text. */
static char *host_sysctl(const char *path)
{
	char *text = read_file(path, NULL);
	ck_assert_ptr_nonnull(text);
	return text;
}

START_TEST(a_container_on_two_networks_reaches_both_and_one_on_the_front_alone_cannot_resolve_the_back)
{
	char front[32], back[32], bridges[2][16];
	harness_free_subnet(246, front);
	harness_free_subnet(245, back);
	snprintf(bridges[0], sizeof(bridges[0]), "thf%d", (int)getpid() % 100000);
	snprintf(bridges[1], sizeof(bridges[1]), "thb%d", (int)getpid() % 100000);
	harness_remove_link_at_end(bridges[0]);
	harness_remove_link_at_end(bridges[1]);
	struct run_result r = sh(
		60,
		"trap 'kill $db 2>/dev/null || true; wait $db 2>/dev/null || true; $T network rm front back >/dev/null 2>&1 || true' EXIT;"
		"$T network create --subnet %s -o com.docker.network.bridge.name=%s front >/dev/null;"
		"$T network create --subnet %s -o com.docker.network.bridge.name=%s back >/dev/null;"
		"$T run --rootfs $R --name db --network back sleep 30 & db=$!;"
		/* until db is on its network: its name is in the network's endpoints */
		"i=0; until $T network inspect back | grep -q '\"Name\": \"db\"'; do"
		"  i=$((i + 1)); test $i -lt 100; sleep 0.1; done;"
		"$T run --rootfs $R --name proxy --network front --network back sh -c "
		"  'ip -4 -o addr | grep -c \" eth[01] \"; ip route | grep -c ^default; ping -c1 -W2 db >/dev/null && echo proxy-reaches-db';"
		"$T run --rootfs $R --name web --network front sh -c 'ping -c1 -W2 db 2>&1 || true'",
		front, bridges[0], back, bridges[1]);
	CHECK_OK(r);
	CHECK_HAS(r.out, "2\n1\nproxy-reaches-db\n"); /* eth0 and eth1, one default route */
	CHECK_HAS(r.out, "bad address 'db'");
	run_free(&r);
}
END_TEST

START_TEST(a_container_that_leaves_one_of_its_networks_forgets_the_names_there_and_keeps_the_others)
{
	char front[32], back[32], bridges[2][16];
	harness_free_subnet(246, front);
	harness_free_subnet(245, back);
	snprintf(bridges[0], sizeof(bridges[0]), "tlf%d", (int)getpid() % 100000);
	snprintf(bridges[1], sizeof(bridges[1]), "tlb%d", (int)getpid() % 100000);
	harness_remove_link_at_end(bridges[0]);
	harness_remove_link_at_end(bridges[1]);
	struct run_result r = sh(
		60,
		"trap 'kill $db $web 2>/dev/null || true; wait $db $web 2>/dev/null || true;"
		"  $T network rm front back >/dev/null 2>&1 || true' EXIT;"
		"$T network create --subnet %s -o com.docker.network.bridge.name=%s front >/dev/null;"
		"$T network create --subnet %s -o com.docker.network.bridge.name=%s back >/dev/null;"
		"joined() { i=0; until $T network inspect $1 | grep -qw \"$2\"; do"
		"  i=$((i + 1)); test $i -lt 100; sleep 0.1; done; };"
		"$T run --rootfs $R --name db --network back sleep 30 & db=$!; joined back db;"
		"$T run --rootfs $R --name web --network front sleep 30 & web=$!; joined front web;"
		"$T run --rootfs $R --name proxy --network front --network back sh -c "
		"  'grep -qw db /etc/hosts && echo db-known; i=0; while grep -qw db /etc/hosts; do"
		"   i=$((i + 1)); test $i -lt 100 || exit 1; sleep 0.1; done; echo db-forgotten;"
		"   grep -qw web /etc/hosts && echo web-kept' & proxy=$!;"
		"joined back proxy; $T network disconnect back proxy; wait $proxy",
		front, bridges[0], back, bridges[1]);
	CHECK_OK(r);
	CHECK_HAS(r.out, "db-known\ndb-forgotten\nweb-kept\n");
	run_free(&r);
}
END_TEST

START_TEST(add_host_puts_its_lines_in_etc_hosts_and_host_gateway_is_the_network_gateway)
{
	struct run_result r = sh(30, "$T run --rootfs $R --add-host db.local:10.1.2.3 --add-host me:host-gateway sh -c "
				     "'grep -x \"10.1.2.3.db.local\" /etc/hosts;"
				     " test \"$(awk \"/\\tme$/{print \\$1}\" /etc/hosts)\" = \"$(ip route | awk \"/^default/{print \\$3}\")\""
				     " && echo gateway-matches'");
	CHECK_OK(r);
	CHECK_HAS(r.out, "10.1.2.3\tdb.local\n");
	CHECK_HAS(r.out, "gateway-matches\n");
	run_free(&r);
}
END_TEST

START_TEST(read_only_makes_a_write_to_the_root_fail_with_erofs_while_dev_shm_stays_writable)
{
	struct run_result r = sh(30, "$T run --rootfs $R --read-only sh -c "
				     "'touch /written 2>&1 || true; touch /dev/shm/written && echo shm-written;"
				     " echo ok > /etc/hosts && echo hosts-written'");
	CHECK_OK(r);
	CHECK_HAS(r.out, "Read-only file system");
	CHECK_HAS(r.out, "shm-written\n");
	CHECK_HAS(r.out, "hosts-written\n"); /* Docker's /etc/hosts stays writable too */
	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/written", sandbox.rootfs);
	ck_assert_msg(access(path, F_OK) != 0, "the rootfs was written through --read-only");
	/* and without the flag, the same write works: the test can tell them apart */
	struct run_result w = sh(30, "$T run --rootfs $R sh -c 'touch /written && echo root-written'");
	CHECK_OK(w);
	CHECK_HAS(w.out, "root-written\n");
	run_free(&w);
	run_free(&r);
}
END_TEST

START_TEST(a_net_sysctl_is_seen_inside_and_never_on_the_host)
{
	static const char PORT_START[] = "/proc/sys/net/ipv4/ip_unprivileged_port_start";
	char *forward_before = host_sysctl("/proc/sys/net/ipv4/ip_forward");
	char *port_before = host_sysctl(PORT_START);
	struct run_result r = sh(30, "$T run --rootfs $R --sysctl net.ipv4.ip_unprivileged_port_start=0 "
				     "--sysctl kernel.shmmni=1234 sh -c "
				     "'cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/shmmni'");
	CHECK_OK(r);
	CHECK_HAS(r.out, "0\n1234\n");
	char *port_after = host_sysctl(PORT_START), *forward_after = host_sysctl("/proc/sys/net/ipv4/ip_forward");
	ck_assert_str_eq(port_after, port_before);
	ck_assert_str_eq(forward_after, forward_before);
	ck_assert_str_eq(forward_after, "0\n"); /* never enabled, by this test or any other */
	free(forward_before);
	free(forward_after);
	free(port_before);
	free(port_after);
	run_free(&r);
}
END_TEST

START_TEST(sysctls_of_the_host_are_refused_with_the_reason_before_anything_runs)
{
	struct run_result r = run_tinydock(NULL, 20, "run", "--rootfs", sandbox.rootfs, "--sysctl", "kernel.hostname=x",
					   "true", NULL);
	ck_assert_int_eq(r.status, 125);
	CHECK_HAS(r.err, "sysctl \"kernel.hostname\" is not allowed: use --hostname");
	run_free(&r);
	r = run_tinydock(NULL, 20, "run", "--rootfs", sandbox.rootfs, "--network", "host", "--sysctl",
			 "net.ipv4.ip_forward=1", "true", NULL);
	ck_assert_int_eq(r.status, 125);
	CHECK_HAS(r.err, "would change the host's own network namespace");
	run_free(&r);
	char *forward = host_sysctl("/proc/sys/net/ipv4/ip_forward");
	ck_assert_str_eq(forward, "0\n");
	free(forward);
}
END_TEST

Suite *run_host_settings_system_suite(void)
{
	Suite *s = suite_create("02-namespaces run host settings");
	TCase *t = tcase_create("run host settings");
	harness_use_stage(t, 2);
	harness_use_sandbox(t);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, a_container_on_two_networks_reaches_both_and_one_on_the_front_alone_cannot_resolve_the_back);
	tcase_add_test(t, a_container_that_leaves_one_of_its_networks_forgets_the_names_there_and_keeps_the_others);
	tcase_add_test(t, add_host_puts_its_lines_in_etc_hosts_and_host_gateway_is_the_network_gateway);
	tcase_add_test(t, read_only_makes_a_write_to_the_root_fail_with_erofs_while_dev_shm_stays_writable);
	tcase_add_test(t, a_net_sysctl_is_seen_inside_and_never_on_the_host);
	tcase_add_test(t, sysctls_of_the_host_are_refused_with_the_reason_before_anything_runs);
	suite_add_tcase(s, t);
	return s;
}
