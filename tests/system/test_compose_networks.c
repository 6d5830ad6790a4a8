/*
 * test_compose_networks.c - a compose project on several networks, and the services' host
 * settings (extra_hosts, sysctls, read_only, tmpfs), with real containers: each script takes
 * its project down (`compose down -v`) on exit, also when a step fails.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "harness.h"

#define CHECK_OK(r) ck_assert_msg((r).status == 0, "status %d\nout: %s\nerr: %s", (r).status, (r).out, (r).err)
#define CHECK_HAS(text, part) ck_assert_msg(strstr((text), (part)), "\"%s\" not in:\n%s", (part), (text))
#define CHECK_LACKS(text, part) ck_assert_msg(!strstr((text), (part)), "\"%s\" in:\n%s", (part), (text))

/* Run a shell script in $S/tiers, with $T the tinydock binary, $FRONT and $BACK two free
 * subnets, "set -e" on, the project taken down on exit. */
static struct run_result sh(int timeout, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static struct run_result sh(int timeout, const char *fmt, ...)
{
	char body[8192], script[12000], front[32], back[32];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	harness_free_subnet(244, front);
	harness_free_subnet(243, back);
	snprintf(script, sizeof(script),
		 "set -e; T='%s'; S='%s'; FRONT='%s'; BACK='%s'; mkdir -p \"$S/tiers\"; cd \"$S/tiers\";"
		 "trap '$T compose down -v --remove-orphans >/dev/null 2>&1 || true' EXIT; %s",
		 tinydock_binary(), sandbox.dir, front, back, body);
	const char *argv[] = { "sh", "-c", script, NULL };
	return run_program(NULL, timeout, argv);
}

/* web on the front, db on the back, proxy on both: the lecture's three tiers. */
static const char THREE_TIERS[] =
	"cat > compose.yaml <<EOF\n"
	"services:\n"
	"  web:\n"
	"    image: busybox\n"
	"    command: [sleep, '3600']\n"
	"    networks: [front]\n"
	"  proxy:\n"
	"    image: busybox\n"
	"    command: [sleep, '3600']\n"
	"    networks:\n"
	"      front:\n"
	"      back: {aliases: [gateway]}\n"
	"  db:\n"
	"    image: busybox\n"
	"    command: [sleep, '3600']\n"
	"    networks: [back]\n"
	"networks:\n"
	"  front:\n"
	"    ipam: {config: [{subnet: $FRONT}]}\n"
	"  back:\n"
	"    ipam: {config: [{subnet: $BACK}]}\n"
	"EOF\n";

START_TEST(services_reach_each_other_on_shared_networks_and_not_across_disjoint_ones)
{
	struct run_result r = sh(120, "%s"
				      "$T compose up -d;"
				      "$T network inspect tiers_front | grep -q \"\\\"Subnet\\\": \\\"$FRONT\\\"\" && echo front-subnet;"
				      "$T exec tiers-web-1 ping -c1 -W2 proxy >/dev/null && echo web-reaches-proxy;"
				      "$T exec tiers-proxy-1 ping -c1 -W2 db >/dev/null && echo proxy-reaches-db;"
				      "$T exec tiers-db-1 ping -c1 -W2 gateway >/dev/null && echo db-reaches-proxy-by-alias;"
				      "$T exec tiers-web-1 ping -c1 -W2 db 2>&1 || true;"
				      "$T exec tiers-db-1 ping -c1 -W2 web 2>&1 || true;"
				      /* started again from its record: both networks still */
				      "$T compose stop >/dev/null; $T compose start >/dev/null;"
				      "$T exec tiers-proxy-1 ping -c1 -W2 db >/dev/null && $T exec tiers-proxy-1 ping -c1 -W2 web >/dev/null"
				      "  && echo proxy-on-both-after-start;"
				      "$T compose down;"
				      "$T network ls | grep tiers_ || echo networks-removed",
				 THREE_TIERS);
	CHECK_OK(r);
	CHECK_HAS(r.out, " Network tiers_front  Created");
	CHECK_HAS(r.out, " Network tiers_back  Created");
	CHECK_HAS(r.out, "front-subnet\n");
	CHECK_HAS(r.out, "web-reaches-proxy\n");
	CHECK_HAS(r.out, "proxy-reaches-db\n");
	CHECK_HAS(r.out, "db-reaches-proxy-by-alias\n");
	CHECK_HAS(r.out, "ping: bad address 'db'");
	CHECK_HAS(r.out, "ping: bad address 'web'");
	CHECK_HAS(r.out, "proxy-on-both-after-start\n");
	CHECK_LACKS(r.err, "WARN"); /* nothing in the file was left undone */
	CHECK_HAS(r.out, " Network tiers_back  Removed");
	CHECK_HAS(r.out, "networks-removed\n");
	run_free(&r);
}
END_TEST

START_TEST(an_external_network_is_joined_as_named_and_outlives_down_and_name_is_honoured)
{
	struct run_result r = sh(120, "ext=h12ext$$;"
				      "trap '$T compose down -v >/dev/null 2>&1 || true; $T network rm $ext >/dev/null 2>&1 || true' EXIT;"
				      "$T network create --subnet $BACK $ext >/dev/null;"
				      "cat > compose.yaml <<EOF\n"
				      "services:\n"
				      "  app:\n"
				      "    image: busybox\n"
				      "    command: [sleep, '3600']\n"
				      "    networks: [outside, mine]\n"
				      "networks:\n"
				      "  outside: {external: true, name: $ext}\n"
				      "  mine:\n"
				      "    name: tiers-own-$$\n"
				      "    ipam: {config: [{subnet: $FRONT}]}\n"
				      "EOF\n"
				      "$T compose up -d;"
				      "$T network inspect $ext | grep -q '\"Name\": \"tiers-app-1\"' && echo joined-external;"
				      "$T network inspect tiers-own-$$ | grep -q '\"Name\": \"tiers-app-1\"' && echo joined-named;"
				      "$T compose down;"
				      "$T network inspect $ext >/dev/null && echo external-kept;"
				      "$T network inspect tiers-own-$$ >/dev/null 2>&1 || echo named-removed;"
				      "sed -i 's/name: h12ext.*/name: h12missing}/' compose.yaml;"
				      "$T compose up -d 2>&1 || true");
	CHECK_OK(r);
	CHECK_HAS(r.out, "joined-external\n");
	CHECK_HAS(r.out, "joined-named\n");
	CHECK_HAS(r.out, "external-kept\n");
	CHECK_HAS(r.out, "named-removed\n");
	CHECK_HAS(r.out, "network h12missing declared as external, but could not be found");
	run_free(&r);
}
END_TEST

START_TEST(extra_hosts_sysctls_read_only_and_tmpfs_act_inside_the_service)
{
	char *forward_before = read_file("/proc/sys/net/ipv4/ip_forward", NULL);
	ck_assert_ptr_nonnull(forward_before);
	struct run_result r = sh(120, "cat > compose.yaml <<EOF\n"
				      "services:\n"
				      "  app:\n"
				      "    image: busybox\n"
				      "    command: [sleep, '3600']\n"
				      "    read_only: true\n"
				      "    tmpfs: [/scratch]\n"
				      "    extra_hosts: ['db.local:10.1.2.3', 'host.docker.internal=host-gateway']\n"
				      "    sysctls: {net.ipv4.ip_unprivileged_port_start: 0}\n"
				      "    networks: [front]\n"
				      "  shell:\n"
				      "    image: busybox\n"
				      "    command: [sh]\n"
				      "    tty: true\n"
				      "    stdin_open: true\n"
				      "    networks: [front]\n"
				      "networks:\n"
				      "  front:\n"
				      "    ipam: {config: [{subnet: $FRONT}]}\n"
				      "EOF\n"
				      "$T compose up -d;"
				      /* the shell's stdin is a terminal: it waits there, as with docker compose */
				      "echo shell-stdin: $($T exec tiers-shell-1 readlink /proc/2/fd/0);"
				      "$T exec tiers-app-1 cat /proc/sys/net/ipv4/ip_unprivileged_port_start;"
				      "$T exec tiers-app-1 grep -x '10.1.2.3.db.local' /etc/hosts;"
				      "gw=$($T exec tiers-app-1 ip route | awk '/^default/{print $3}');"
				      "$T exec tiers-app-1 grep -qx \"$gw.host.docker.internal\" /etc/hosts && echo gateway-line;"
				      "$T exec tiers-app-1 touch /written 2>&1 || true;"
				      "$T exec tiers-app-1 touch /scratch/written && echo tmpfs-written;"
				      /* started again from its record: the same settings */
				      "$T compose restart >/dev/null;"
				      "$T exec tiers-app-1 sh -c 'touch /again 2>&1; grep -c db.local /etc/hosts;"
				      " cat /proc/sys/net/ipv4/ip_unprivileged_port_start' || true");
	CHECK_OK(r);
	CHECK_LACKS(r.err, "WARN");
	CHECK_HAS(r.out, "0\n10.1.2.3\tdb.local\n");
	CHECK_HAS(r.out, "gateway-line\n");
	CHECK_HAS(r.out, "shell-stdin: /dev/pts/0\n");
	CHECK_HAS(r.out, "Read-only file system");
	CHECK_HAS(r.out, "tmpfs-written\n");
	CHECK_HAS(r.out, "touch: /again: Read-only file system\n1\n0\n");
	char *forward_after = read_file("/proc/sys/net/ipv4/ip_forward", NULL);
	ck_assert_ptr_nonnull(forward_after);
	ck_assert_str_eq(forward_after, forward_before);
	ck_assert_str_eq(forward_after, "0\n");
	free(forward_before);
	free(forward_after);
	run_free(&r);
}
END_TEST

Suite *compose_networks_suite(void)
{
	Suite *s = suite_create("07-compose networks");
	TCase *t = tcase_create("compose networks");
	harness_use_stage(t, 7);
	harness_use_sandbox(t);
	tcase_set_timeout(t, 300);
	tcase_add_test(t, services_reach_each_other_on_shared_networks_and_not_across_disjoint_ones);
	tcase_add_test(t, an_external_network_is_joined_as_named_and_outlives_down_and_name_is_honoured);
	tcase_add_test(t, extra_hosts_sysctls_read_only_and_tmpfs_act_inside_the_service);
	suite_add_tcase(s, t);
	return s;
}
