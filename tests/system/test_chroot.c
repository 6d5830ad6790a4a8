/*
 * test_chroot.c - chapter 01 as a user meets it: rootfs, chroot, exit codes, the escape.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "files.h"
#include "harness.h"

static bool exists_in_rootfs(const char *path)
{
	char full[PATH_MAX];
	snprintf(full, sizeof(full), "%s/%s", sandbox.rootfs, path);
	return access(full, F_OK) == 0;
}

START_TEST(rootfs_makes_a_busybox_userland_with_etc_files_and_mount_points)
{
	ck_assert(exists_in_rootfs("bin/busybox"));
	ck_assert(exists_in_rootfs("bin/sh"));
	ck_assert(exists_in_rootfs("bin/ls"));
	ck_assert(exists_in_rootfs("etc/passwd"));
	ck_assert(exists_in_rootfs("etc/group"));
	ck_assert(exists_in_rootfs("etc/hosts"));
	for (const char *const *d = (const char *const[]){ "proc", "sys", "dev", "tmp", NULL }; *d; d++) {
		char full[PATH_MAX];
		snprintf(full, sizeof(full), "%s/%s", sandbox.rootfs, *d);
		ck_assert_msg(is_directory(full), "%s is missing", *d);
	}
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s/tmp", sandbox.rootfs);
	struct stat st;
	ck_assert_int_eq(stat(tmp, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 01777);
	/* one link per applet: the shell is the busybox binary itself */
	char sh[PATH_MAX], busybox[PATH_MAX];
	snprintf(sh, sizeof(sh), "%s/bin/sh", sandbox.rootfs);
	snprintf(busybox, sizeof(busybox), "%s/bin/busybox", sandbox.rootfs);
	struct stat a, b;
	ck_assert(stat(sh, &a) == 0 && stat(busybox, &b) == 0);
	ck_assert(a.st_ino == b.st_ino);
}
END_TEST

START_TEST(rootfs_without_busybox_says_how_to_install_it)
{
	setenv("TINYDOCK_BUSYBOX", "/nonexistent/busybox", 1);
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/other", sandbox.dir);
	struct run_result r = run_tinydock(NULL, 10, "rootfs", dir, NULL);
	unsetenv("TINYDOCK_BUSYBOX");
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "apt-get install busybox-static") != NULL, "stderr: %s", r.err);
	run_free(&r);
}
END_TEST

START_TEST(chroot_runs_the_command_with_root_and_working_folder_at_dir)
{
	struct run_result r = run_tinydock(NULL, 10, "chroot", sandbox.rootfs, "probe", "cwd", "ls", "/", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strstr(r.out, "cwd=/\n") != NULL, "stdout: %s", r.out);
	ck_assert_msg(strstr(r.out, "ls=bin dev etc home") != NULL, "stdout: %s", r.out);
	run_free(&r);
}
END_TEST

START_TEST(chroot_defaults_to_bin_sh_and_passes_stdin_through)
{
	struct run_result r = run_tinydock("echo from-the-jail; ls /bin/busybox\n", 10, "chroot", sandbox.rootfs, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "from-the-jail\n/bin/busybox\n");
	run_free(&r);
}
END_TEST

START_TEST(chroot_exits_with_the_command_exit_code_or_128_plus_the_signal)
{
	struct run_result r = run_tinydock(NULL, 10, "chroot", sandbox.rootfs, "probe", "exit", "42", NULL);
	ck_assert_int_eq(r.status, 42);
	run_free(&r);
	r = run_tinydock(NULL, 10, "chroot", sandbox.rootfs, "sh", "-c", "kill -KILL $$", NULL);
	ck_assert_int_eq(r.status, 137);
	run_free(&r);
}
END_TEST

START_TEST(chroot_does_not_isolate_processes_hostname_or_network)
{
	/* The jail shares the host's pid numbering, hostname and network: one of the lesson's points. */
	struct run_result r = run_tinydock(NULL, 10, "chroot", sandbox.rootfs, "probe", "pid", "hostname", NULL);
	ck_assert_int_eq(r.status, 0);
	char host[256], expected[300];
	gethostname(host, sizeof(host));
	snprintf(expected, sizeof(expected), "hostname=%s\n", host);
	ck_assert_msg(strstr(r.out, expected) != NULL, "stdout: %s", r.out);
	ck_assert_msg(strstr(r.out, "pid=1\n") == NULL, "a chroot does not get its own pid 1: %s", r.out);
	run_free(&r);
}
END_TEST

START_TEST(the_escape_reaches_the_host_root_from_inside_tinydock_chroot)
{
	/* A marker that exists only outside the jail. */
	char marker[PATH_MAX];
	snprintf(marker, sizeof(marker), "%s/outside-the-jail", sandbox.dir);
	ck_assert_int_eq(write_file_atomic(marker, "host\n", 5, 0644), 0);
	struct run_result r = run_tinydock(NULL, 10, "chroot", sandbox.rootfs, "probe", "open", marker, "r", NULL);
	ck_assert_str_eq(r.out, "open=ENOENT\n");
	run_free(&r);
	r = run_tinydock(NULL, 10, "chroot", sandbox.rootfs, "chroot-escape", "--check", marker, NULL);
	ck_assert_msg(r.status == 0, "escape failed (%d): %s %s", r.status, r.out, r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "escaped:"));
	run_free(&r);
}
END_TEST

START_TEST(explain_prints_chroot_chdir_and_execve)
{
	setenv("TINYDOCK_EXPLAIN", "1", 1);
	struct run_result r = run_tinydock(NULL, 10, "chroot", sandbox.rootfs, "true", NULL);
	unsetenv("TINYDOCK_EXPLAIN");
	ck_assert_int_eq(r.status, 0);
	char expected[PATH_MAX + 64];
	snprintf(expected, sizeof(expected), "[01-chroot] chroot(\"%s\") = 0\n", sandbox.rootfs);
	ck_assert_msg(strstr(r.err, expected) != NULL, "stderr: %s", r.err);
	ck_assert_ptr_nonnull(strstr(r.err, "[01-chroot] chdir(\"/\") = 0\n"));
	ck_assert_ptr_nonnull(strstr(r.err, "[01-chroot] execve(\"/bin/true\", [\"true\"])\n"));
	run_free(&r);

	r = run_tinydock(NULL, 10, "--explain", "chroot", sandbox.rootfs, "true", NULL);
	ck_assert_ptr_nonnull(strstr(r.err, expected));
	run_free(&r);
}
END_TEST

START_TEST(bad_input_gets_one_line_and_docker_exit_codes)
{
	char file[PATH_MAX];
	snprintf(file, sizeof(file), "%s/etc/passwd", sandbox.rootfs);
	struct {
		const char *dir, *command;
		int status;
		const char *message;
	} cases[] = {
		{ "/nonexistent-jail", "true", 125, "tinydock: chroot: cannot use \"/nonexistent-jail\": No such file" },
		{ file, "true", 125, "is not a directory" },
		{ sandbox.rootfs, "no-such-command", 127, "\"no-such-command\": executable file not found in $PATH" },
		{ sandbox.rootfs, "/etc/passwd", 126, "\"/etc/passwd\" is not executable" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run_result r = run_tinydock(NULL, 10, "chroot", cases[i].dir, cases[i].command, NULL);
		ck_assert_msg(r.status == cases[i].status, "%s %s: status %d", cases[i].dir, cases[i].command, r.status);
		ck_assert_msg(strstr(r.err, cases[i].message) != NULL, "stderr: %s", r.err);
		ck_assert_msg(strchr(r.err, '\n') == r.err + strlen(r.err) - 1, "more than one line: %s", r.err);
		run_free(&r);
	}
}
END_TEST

START_TEST(chroot_as_a_normal_user_says_it_needs_root)
{
	/* Copy the binary where an unprivileged user can run it, then run it as nobody. */
	char binary[PATH_MAX];
	snprintf(binary, sizeof(binary), "%s/tinydock", sandbox.dir);
	ck_assert_int_eq(copy_file(tinydock_binary(), binary), 0);
	int out[2];
	ck_assert_int_eq(pipe(out), 0);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(out[1], 2);
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(99);
		execl(binary, "tinydock", "chroot", sandbox.rootfs, "true", (char *)NULL);
		_exit(98);
	}
	close(out[1]);
	char err[1024] = "";
	ssize_t n = read(out[0], err, sizeof(err) - 1);
	err[n > 0 ? n : 0] = '\0';
	close(out[0]);
	int status;
	waitpid(pid, &status, 0);
	ck_assert_int_eq(WEXITSTATUS(status), 125);
	ck_assert_msg(strstr(err, "must be run as root") != NULL, "stderr: %s", err);
}
END_TEST

START_TEST(help_and_version_are_there_for_every_command)
{
	struct run_result r = run_tinydock(NULL, 10, "--version", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "tinydock version "));
	run_free(&r);
	r = run_tinydock(NULL, 10, "--help", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "chroot"));
	run_free(&r);
	r = run_program(NULL, 10, (const char *[]){ tinydock_binary(), NULL });
	ck_assert_int_eq(r.status, 0); /* tinydock alone: the help on stdout, as `docker` alone */
	ck_assert_ptr_nonnull(strstr(r.out, "Usage:  tinydock"));
	run_free(&r);
	r = run_tinydock(NULL, 10, "chroot", "--help", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "Usage:  tinydock chroot DIR"));
	run_free(&r);
	r = run_tinydock(NULL, 10, "rootfs", "--help", NULL);
	ck_assert_ptr_nonnull(strstr(r.out, "Usage:  tinydock rootfs DIR"));
	run_free(&r);
	r = run_tinydock(NULL, 10, "no-such-command", NULL);
	ck_assert_int_eq(r.status, 1); /* Docker's exit code for an unknown command */
	ck_assert_ptr_nonnull(strstr(r.err, "'no-such-command' is not a tinydock command"));
	run_free(&r);
}
END_TEST

Suite *chroot_suite(void)
{
	Suite *s = suite_create("01-chroot");
	TCase *t = tcase_create("chroot");
	harness_use_stage(t, 1);
	harness_use_sandbox(t);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, rootfs_makes_a_busybox_userland_with_etc_files_and_mount_points);
	tcase_add_test(t, rootfs_without_busybox_says_how_to_install_it);
	tcase_add_test(t, chroot_runs_the_command_with_root_and_working_folder_at_dir);
	tcase_add_test(t, chroot_defaults_to_bin_sh_and_passes_stdin_through);
	tcase_add_test(t, chroot_exits_with_the_command_exit_code_or_128_plus_the_signal);
	tcase_add_test(t, chroot_does_not_isolate_processes_hostname_or_network);
	tcase_add_test(t, the_escape_reaches_the_host_root_from_inside_tinydock_chroot);
	tcase_add_test(t, explain_prints_chroot_chdir_and_execve);
	tcase_add_test(t, bad_input_gets_one_line_and_docker_exit_codes);
	tcase_add_test(t, chroot_as_a_normal_user_says_it_needs_root);
	tcase_add_test(t, help_and_version_are_there_for_every_command);
	suite_add_tcase(s, t);
	return s;
}
