/*
 * test_devices.c - the device cgroup (03-cgroups/device-cgroup.c) for real: a container keeps
 * CAP_MKNOD, as Docker's do, so its root can make a node for any device; the device cgroup is
 * what stops it from OPENING one that is not on Docker's default list.
 *
 * The device: /dev/kmsg (character 1:11), opened for writing. The host's root can open it, and
 * for writing nothing but the device cgroup stands in a container's way: the kernel checks
 * CAP_SYSLOG (which a container lacks) only when /dev/kmsg is opened for READING with
 * kernel.dmesg_restrict=1 (devkmsg_open in kernel/printk/printk.c), and a container's root
 * passes the node's permissions (0644, root). Its nodes are made on the sandbox's disk (ext4,
 * not mounted nodev, which would refuse with EACCES instead). Nothing is ever written to it.
 * (/dev/mem and /dev/port do not exist on this machine, and block devices are refused to the
 * host's root too, so neither would show the difference.)
 *
 * Every test first checks that the host itself can open the node, so that an EPERM inside the
 * container can only come from the container's confinement.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "device-cgroup.h"
#include "device-rules.h"
#include "error.h"
#include "files.h"
#include "harness.h"

/* The device, and a shell line that makes its node in the container and opens it. The runs of
 * a test share the sandbox's rootfs, which chapter 03's run uses as it is (the overlay that gives
 * each container its own upper layer is chapter 04's): each run removes an earlier run's node. */
#define DEVICE_MAJOR 1
#define DEVICE_MINOR 11
#define MKNOD_AND_OPEN "rm -f /tmp/kmsg && mknod /tmp/kmsg c 1 11 && probe open /tmp/kmsg w"

/* The host can open the device for writing: else a refusal inside would prove nothing. */
static void assert_the_host_opens_the_device(void)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/host-kmsg", sandbox.dir);
	unlink(path);
	ck_assert_msg(mknod(path, S_IFCHR | 0600, makedev(DEVICE_MAJOR, DEVICE_MINOR)) == 0, "mknod %s: %s", path,
		      strerror(errno));
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "the host cannot open a node of 1:11 for writing (%s): pick another device", strerror(errno));
	close(fd);
	unlink(path);
}

static struct run_result run(const char *arg, ...) __attribute__((sentinel));

/* `tinydock run --rootfs <sandbox rootfs> args...` */
static struct run_result run(const char *arg, ...)
{
	const char *argv[40] = { tinydock_binary(), "run", "--rootfs", sandbox.rootfs };
	int n = 4;
	va_list ap;
	va_start(ap, arg);
	for (const char *a = arg; a && n < 39; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	return run_program(NULL, 20, argv);
}

/* ---- through tinydock run and exec ------------------------------------------------------- */

START_TEST(container_root_may_mknod_a_host_device_but_the_device_cgroup_refuses_to_open_it)
{
	assert_the_host_opens_the_device();
	struct run_result r = run("sh", "-c", MKNOD_AND_OPEN, NULL);
	ck_assert_msg(r.status == 0, "mknod failed inside (%d): %s %s", r.status, r.out, r.err);
	ck_assert_msg(strstr(r.out, "open=EPERM\n") != NULL, "a container opened 1:11: %s %s", r.out, r.err);
	run_free(&r);
}
END_TEST

START_TEST(the_default_devices_still_open_in_a_container)
{
	struct run_result r = run("probe", "open", "/dev/null", "w", "open", "/dev/zero", "r", "open", "/dev/full", "w",
				  "open", "/dev/random", "r", "open", "/dev/urandom", "r", "open", "/dev/ptmx", "w", NULL);
	ck_assert_msg(r.status == 0, "run failed (%d): %s", r.status, r.err);
	ck_assert_msg(strcmp(r.out, "open=ok\nopen=ok\nopen=ok\nopen=ok\nopen=ok\nopen=ok\n") == 0, "%s", r.out);
	run_free(&r);
	/* The rule is about the device number, not the path: a new node of /dev/null's 1:3 opens. */
	r = run("sh", "-c", "mknod /tmp/null c 1 3 && probe open /tmp/null w", NULL);
	ck_assert_msg(r.status == 0 && strcmp(r.out, "open=ok\n") == 0, "(%d) %s %s", r.status, r.out, r.err);
	run_free(&r);
}
END_TEST

START_TEST(a_device_node_shipped_in_the_root_filesystem_cannot_be_opened)
{
	assert_the_host_opens_the_device();
	/* What an image layer can carry (04-layers/apply.c makes any character node it lists); the
	 * --rootfs folder is the lower layer of the container's overlay, as an image's layers are.
	 * (Not tried with --userns: an overlay mounted in a user namespace is nodev, EACCES.) */
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/kmsg", sandbox.rootfs);
	ck_assert_int_eq(mknod(path, S_IFCHR | 0666, makedev(DEVICE_MAJOR, DEVICE_MINOR)), 0);
	struct run_result r = run("probe", "open", "/kmsg", "w", NULL);
	ck_assert_msg(r.status == 0, "run failed (%d): %s", r.status, r.err);
	ck_assert_msg(strcmp(r.out, "open=EPERM\n") == 0, "the image's node opened: %s", r.out);
	run_free(&r);
}
END_TEST

START_TEST(a_privileged_container_may_open_every_device)
{
	assert_the_host_opens_the_device();
	struct run_result r = run("--privileged", "sh", "-c", MKNOD_AND_OPEN, NULL);
	ck_assert_msg(r.status == 0, "run --privileged failed (%d): %s %s", r.status, r.out, r.err);
	ck_assert_msg(strcmp(r.out, "open=ok\n") == 0, "%s %s", r.out, r.err);
	run_free(&r);
}
END_TEST

START_TEST(exec_into_a_running_container_is_held_to_the_same_devices)
{
	assert_the_host_opens_the_device();
	struct run_result r = run_tinydock(NULL, 20, "run", "-d", "--rootfs", sandbox.rootfs, "--name", "devs", "sleep",
					   "30", NULL);
	ck_assert_msg(r.status == 0, "run -d failed (%d): %s", r.status, r.err);
	run_free(&r);
	r = run_tinydock(NULL, 20, "exec", "devs", "sh", "-c", MKNOD_AND_OPEN, NULL);
	ck_assert_msg(r.status == 0, "exec failed (%d): %s %s", r.status, r.out, r.err);
	ck_assert_msg(strcmp(r.out, "open=EPERM\n") == 0, "exec opened 1:11: %s %s", r.out, r.err);
	run_free(&r);
	r = run_tinydock(NULL, 20, "exec", "devs", "probe", "open", "/dev/null", "w", NULL);
	ck_assert_msg(r.status == 0 && strcmp(r.out, "open=ok\n") == 0, "(%d) %s %s", r.status, r.out, r.err);
	run_free(&r);
	r = run_tinydock(NULL, 20, "rm", "-f", "devs", NULL);
	run_free(&r);
}
END_TEST

START_TEST(explain_shows_the_device_rules_as_they_are_applied)
{
	struct run_result r = run_tinydock(NULL, 20, "--explain", "run", "--rootfs", sandbox.rootfs, "true", NULL);
	ck_assert_msg(r.status == 0, "run failed (%d): %s", r.status, r.err);
	struct cgroup_layout layout;
	ck_assert_msg(cgroup_detect("/sys/fs/cgroup", &layout) == 0, "%s", error_message());
	if (layout.v1[CG_DEVICES][0]) {
		/* v1: refuse everything first, then allow each default device (devices.rst) */
		const char *deny = strstr(r.err, "/devices.deny = a\n");
		const char *allow = strstr(r.err, "/devices.allow = c 1:3 rwm\n");
		ck_assert_msg(deny && allow && deny < allow, "%.3000s", r.err);
		ck_assert_msg(strstr(r.err, "[03-cgroups] write ") && strstr(r.err, "/devices.allow = c 136:* rwm\n"),
			      "%.3000s", r.err);
	} else {
		ck_assert_msg(strstr(r.err, "[03-cgroups] bpf(BPF_PROG_ATTACH, ") != NULL, "%.3000s", r.err);
	}
	run_free(&r);
}
END_TEST

START_TEST(tinydock_devices_prints_the_rules_and_the_program)
{
	struct run_result r = run_tinydock(NULL, 10, "devices", NULL);
	ck_assert_msg(r.status == 0, "(%d) %s", r.status, r.err);
	ck_assert_msg(strstr(r.out, "c 1:3 rwm") && strstr(r.out, "c *:* m") && strstr(r.out, "exit"), "%.2000s", r.out);
	run_free(&r);
	r = run_tinydock(NULL, 10, "devices", "--privileged", NULL);
	ck_assert_msg(r.status == 0 && strstr(r.out, "a *:* rwm") && !strstr(r.out, "c 1:3 rwm"), "%.2000s", r.out);
	run_free(&r);
}
END_TEST

/* ---- the v2 device program on this machine's v2 tree ------------------------------------- */

static char parent[64];

static void parent_setup(void)
{
	snprintf(parent, sizeof(parent), "tinydock-devtest-%d", (int)getpid());
}

/* Remove what a test left below parent in every tree (the runner process does it, even after a
 * test crashed). It leaves no error message behind: the suites after it run in children of
 * this process, and some check that no error was recorded. */
static void parent_teardown(void)
{
	struct cgroup_layout layout;
	if (!parent[0] || cgroup_detect("/sys/fs/cgroup", &layout) < 0) {
		error_clear();
		return;
	}
	struct cgroup cg;
	if (cgroup_open(&layout, parent, "v2", &cg) == 0 && cgroup_remove(&cg) < 0)
		fprintf(stderr, "test_devices: cleanup: %s\n", error_message());
	error_clear();
	char dir[PATH_MAX];
	for (int c = 0; c < CG_CONTROLLER_COUNT; c++)
		if (layout.v1[c][0] && snprintf(dir, sizeof(dir), "%s/%s", layout.v1[c], parent) > 0)
			rmdir(dir);
	if (layout.unified[0] && snprintf(dir, sizeof(dir), "%s/%s", layout.unified, parent) > 0)
		rmdir(dir);
}

/* In a child moved into the v2 folder only: open path for writing; its errno, or 0. */
static int open_in_v2_cgroup(const char *v2, const char *path)
{
	int result[2];
	ck_assert_int_eq(pipe(result), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char procs[PATH_MAX], me[32];
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", v2);
		snprintf(me, sizeof(me), "%d", (int)getpid());
		int err = write_string(procs, me) == 0 ? 0 : -1;
		if (err == 0) {
			int fd = open(path, O_WRONLY | O_CLOEXEC);
			err = fd >= 0 ? 0 : errno;
		}
		if (write(result[1], &err, sizeof(err)) != sizeof(err))
			_exit(1);
		_exit(0);
	}
	close(result[1]);
	int err = -2;
	ck_assert_int_eq(read(result[0], &err, sizeof(err)), (ssize_t)sizeof(err));
	close(result[0]);
	int status;
	waitpid(pid, &status, 0);
	ck_assert_msg(err != -1, "the child could not join %s", v2);
	return err;
}

START_TEST(a_device_program_on_a_v2_cgroup_refuses_what_the_rules_do_not_allow)
{
	struct cgroup_layout layout;
	ck_assert_msg(cgroup_detect("/sys/fs/cgroup", &layout) == 0, "%s", error_message());
	ck_assert_msg(layout.unified[0], "this machine has no v2 tree at all (v1 only)");
	assert_the_host_opens_the_device();
	char node[PATH_MAX];
	snprintf(node, sizeof(node), "%s/kmsg", sandbox.dir);
	ck_assert_int_eq(mknod(node, S_IFCHR | 0600, makedev(DEVICE_MAJOR, DEVICE_MINOR)), 0);

	struct cgroup_limits none = { 0 };
	struct cgroup cg;
	ck_assert_msg(cgroup_create(&layout, parent, "v2", &none, &cg) == 0, "%s", error_message());
	ck_assert(cg.v2[0]);
	ck_assert_int_eq(open_in_v2_cgroup(cg.v2, node), 0); /* no program yet */
	struct device_rules rules = device_rules_for(false);
	ck_assert_msg(device_cgroup_attach_program(cg.v2, &rules) == 0, "%s", error_message());
	ck_assert_int_eq(open_in_v2_cgroup(cg.v2, node), EPERM);
	ck_assert_int_eq(open_in_v2_cgroup(cg.v2, "/dev/null"), 0);
	ck_assert_msg(cgroup_remove(&cg) == 0, "%s", error_message());
}
END_TEST

/* The whole run on this machine's v2 tree, as on a v2-only machine: TINYDOCK_CGROUP_ROOT points
 * tinydock at it (on a hybrid machine it is /sys/fs/cgroup/unified), and there is no devices
 * file there, so `run` loads and attaches the device program. */
START_TEST(on_a_v2_tree_run_attaches_a_device_program_that_refuses_the_device)
{
	struct cgroup_layout layout;
	ck_assert_msg(cgroup_detect("/sys/fs/cgroup", &layout) == 0, "%s", error_message());
	ck_assert_msg(layout.unified[0], "this machine has no v2 tree at all (v1 only)");
	assert_the_host_opens_the_device();
	ck_assert_int_eq(setenv("TINYDOCK_CGROUP_ROOT", layout.unified, 1), 0);
	struct run_result r = run_tinydock(NULL, 20, "--explain", "run", "--rootfs", sandbox.rootfs, "sh", "-c",
					   MKNOD_AND_OPEN "; probe open /dev/null w", NULL);
	ck_assert_msg(r.status == 0, "run failed (%d): %.3000s", r.status, r.err);
	ck_assert_msg(strcmp(r.out, "open=EPERM\nopen=ok\n") == 0, "%s", r.out);
	ck_assert_msg(strstr(r.err, "[03-cgroups] bpf(BPF_PROG_ATTACH, ") && strstr(r.err, "BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI) = 0\n"),
		      "%.3000s", r.err);
	ck_assert_msg(!strstr(r.err, "devices.deny"), "%.3000s", r.err);
	run_free(&r);
	r = run("--privileged", "sh", "-c", MKNOD_AND_OPEN, NULL);
	ck_assert_msg(r.status == 0 && strcmp(r.out, "open=ok\n") == 0, "(%d) %s %.2000s", r.status, r.out, r.err);
	run_free(&r);
	unsetenv("TINYDOCK_CGROUP_ROOT");
}
END_TEST

Suite *devices_suite(void)
{
	Suite *s = suite_create("03-cgroups-devices");
	TCase *t = tcase_create("device cgroup");
	harness_use_stage(t, 3);
	harness_use_sandbox(t);
	tcase_add_unchecked_fixture(t, parent_setup, parent_teardown);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, container_root_may_mknod_a_host_device_but_the_device_cgroup_refuses_to_open_it);
	tcase_add_test(t, the_default_devices_still_open_in_a_container);
	tcase_add_test(t, a_device_node_shipped_in_the_root_filesystem_cannot_be_opened);
	tcase_add_test(t, a_privileged_container_may_open_every_device);
	tcase_add_test(t, exec_into_a_running_container_is_held_to_the_same_devices);
	tcase_add_test(t, explain_shows_the_device_rules_as_they_are_applied);
	tcase_add_test(t, tinydock_devices_prints_the_rules_and_the_program);
	tcase_add_test(t, a_device_program_on_a_v2_cgroup_refuses_what_the_rules_do_not_allow);
	tcase_add_test(t, on_a_v2_tree_run_attaches_a_device_program_that_refuses_the_device);
	suite_add_tcase(s, t);
	return s;
}
