/*
 * test_security.c - reduced privileges for real (02-namespaces): a forked child applies a
 * security policy with security_apply(), then executes the probe, which reports what the
 * kernel now lets it do (/proc/self/status, and system calls that must fail with EPERM).
 * No container is needed: capabilities and seccomp belong to a process, not a namespace.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capabilities.h"
#include "error.h"
#include "explain.h"
#include "files.h"
#include "harness.h"
#include "seccomp.h"
#include "security.h"

struct child_setup {
	struct security_settings settings;
	bool as_nobody;   /* setresuid/setresgid to 65534 first, as `run -u 65534:65534` would */
	bool explain;
	bool user_namespace; /* unshare(CLONE_NEWUSER) first, mapping our own uid 0 to 0 */
};

struct child_result {
	int status; /* exit code, 128+N for a signal, -1 on timeout */
	char out[16384];
	char err[16384];
};

/* Read both pipes until they close, at most `seconds`. */
static void collect(int out, int err, struct child_result *r, int seconds)
{
	size_t used[2] = { 0, 0 };
	char *buf[2] = { r->out, r->err };
	struct pollfd fds[2] = { { .fd = out, .events = POLLIN }, { .fd = err, .events = POLLIN } };
	time_t deadline = time(NULL) + seconds;
	int open_count = 2;
	while (open_count > 0 && time(NULL) < deadline) {
		if (poll(fds, 2, 1000) <= 0)
			continue;
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP)))
				continue;
			ssize_t n = read(fds[i].fd, buf[i] + used[i], sizeof(r->out) - 1 - used[i]);
			if (n <= 0) {
				close(fds[i].fd);
				fds[i].fd = -1;
				open_count--;
			} else {
				used[i] += (size_t)n;
			}
		}
	}
	for (int i = 0; i < 2; i++)
		if (fds[i].fd >= 0)
			close(fds[i].fd);
	r->out[used[0]] = '\0';
	r->err[used[1]] = '\0';
}

/* A user namespace of our own, where uid and gid 0 are 0 outside: a process may map its own
 * ids without help (user_namespaces(7)), after writing "deny" to setgroups for the gid map. */
static int enter_user_namespace(void)
{
	if (unshare(CLONE_NEWUSER) < 0)
		return fail_sys("cannot unshare the user namespace");
	if (write_string("/proc/self/setgroups", "deny") < 0 || write_string("/proc/self/uid_map", "0 0 1") < 0 ||
	    write_string("/proc/self/gid_map", "0 0 1") < 0)
		return -1;
	return 0;
}

/* Fork; the child applies setup, then executes argv (the probe unless argv[0] is absolute). */
static void run_child(const struct child_setup *setup, struct child_result *r, const char *const argv[])
{
	int out[2], err[2];
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(err, O_CLOEXEC), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(out[1], STDOUT_FILENO);
		dup2(err[1], STDERR_FILENO);
		explain_enable(setup->explain);
		if (setup->as_nobody) {
			if (security_keep_capabilities() < 0 || setresgid(65534, 65534, 65534) < 0 ||
			    setgroups(0, NULL) < 0 || setresuid(65534, 65534, 65534) < 0) {
				dprintf(STDERR_FILENO, "cannot become nobody: %s %s\n", error_message(), strerror(errno));
				_exit(125);
			}
		}
		if (setup->user_namespace && enter_user_namespace() < 0) {
			dprintf(STDERR_FILENO, "cannot enter a user namespace: %s\n", error_message());
			_exit(125);
		}
		if (security_apply(&setup->settings, setup->user_namespace) < 0)
			_exit(error_report(125));
		const char *program = argv[0][0] == '/' ? argv[0] : probe_binary();
		execv(program, (char *const *)argv);
		dprintf(STDERR_FILENO, "cannot execute %s: %s\n", program, strerror(errno));
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	collect(out[0], err[0], r, 20);
	/* The pipes close a moment before the child becomes a zombie: wait for it, boundedly. */
	int status;
	pid_t done = 0;
	for (int tries = 0; tries < 500 && done == 0; tries++) {
		done = waitpid(pid, &status, WNOHANG);
		if (done == 0)
			usleep(10000);
	}
	if (done != pid) {
		kill(pid, SIGKILL); /* our own child, by pid */
		waitpid(pid, &status, 0);
		r->status = -1;
		return;
	}
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void defaults(struct child_setup *setup)
{
	memset(setup, 0, sizeof(*setup));
	security_defaults(&setup->settings);
}

#define assert_has(haystack, needle) \
	ck_assert_msg(strstr((haystack), (needle)) != NULL, "missing \"%s\" in:\n%s", (needle), (haystack))

/* The value of "Name:\t..." in our own /proc/self/status. */
static void own_status(const char *field, char *value, size_t size)
{
	FILE *f = fopen("/proc/self/status", "r");
	ck_assert_ptr_nonnull(f);
	char line[256];
	size_t length = strlen(field);
	value[0] = '\0';
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, length) == 0 && line[length] == ':') {
			snprintf(value, size, "%s", line + length + 1 + strspn(line + length + 1, " \t"));
			value[strcspn(value, "\n")] = '\0';
		}
	fclose(f);
}

START_TEST(default_policy_leaves_docker_capabilities_no_new_privs_and_a_filter)
{
	struct child_setup setup;
	defaults(&setup);
	struct child_result r;
	run_child(&setup, &r, (const char *const[]){ "probe", "caps", NULL });
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	assert_has(r.out, "cap_eff=00000000a80425fb\n");
	assert_has(r.out, "cap_prm=00000000a80425fb\n");
	assert_has(r.out, "cap_bnd=00000000a80425fb\n");
	assert_has(r.out, "cap_inh=0000000000000000\n"); /* CVE-2022-24769 */
	assert_has(r.out, "cap_amb=0000000000000000\n");
	assert_has(r.out, "no_new_privs=1\n");
	assert_has(r.out, "seccomp=2\n");
}
END_TEST

START_TEST(default_policy_refuses_what_docker_refuses)
{
	struct child_setup setup;
	defaults(&setup);
	struct child_result r;
	static const char *const refused[] = { "keyctl",      "add_key",         "bpf",         "unshare-user",
					       "clone-user",  "setns",           "perf_event_open", "userfaultfd",
					       "mount",       "open_by_handle_at", "fsopen",    "finit_module",
					       "mbind",       "personality-odd", NULL };
	const char *argv[64] = { "probe" };
	size_t n = 1;
	for (const char *const *call = refused; *call; call++) {
		argv[n++] = "syscall";
		argv[n++] = *call;
	}
	argv[n++] = "syscall";
	argv[n++] = "clone3";
	argv[n] = NULL;
	run_child(&setup, &r, argv);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	for (const char *const *call = refused; *call; call++) {
		char line[128];
		snprintf(line, sizeof(line), "syscall=%s result=EPERM\n", *call);
		assert_has(r.out, line);
	}
	assert_has(r.out, "syscall=clone3 result=ENOSYS\n");
}
END_TEST

START_TEST(default_policy_lets_ordinary_programs_work)
{
	struct child_setup setup;
	defaults(&setup);
	struct child_result r;
	run_child(&setup, &r,
		  (const char *const[]){ "probe", "pid", "open", "/proc/self/status", "r", "fork", "3", "syscall", "getpid",
					 "syscall", "chroot", "syscall", "unshare-net", NULL });
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	assert_has(r.out, "pid=");
	assert_has(r.out, "open=ok\n");
	assert_has(r.out, "forked=3\n");
	assert_has(r.out, "syscall=getpid result=ok\n");
	assert_has(r.out, "syscall=chroot result=ok\n");     /* CAP_SYS_CHROOT is kept */
	assert_has(r.out, "syscall=unshare-net result=EPERM\n");

	/* a dynamically linked shell that forks a child: glibc's start-up and fork pass */
	run_child(&setup, &r, (const char *const[]){ "/bin/sh", "-c", "ls / >/dev/null && echo fine", NULL });
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, "fine\n");
}
END_TEST

START_TEST(a_non_root_user_has_no_capabilities_after_execve)
{
	struct child_setup setup;
	defaults(&setup);
	setup.as_nobody = true;
	struct child_result r;
	run_child(&setup, &r, (const char *const[]){ "probe", "ids", "caps", "syscall", "keyctl", NULL });
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	assert_has(r.out, "uid=65534\n");
	assert_has(r.out, "cap_eff=0000000000000000\n");
	assert_has(r.out, "cap_prm=0000000000000000\n");
	assert_has(r.out, "cap_bnd=00000000a80425fb\n");
	assert_has(r.out, "no_new_privs=1\n");
	assert_has(r.out, "seccomp=2\n");
	assert_has(r.out, "syscall=keyctl result=EPERM\n");
}
END_TEST

START_TEST(a_process_that_lost_its_capabilities_gets_a_clear_error)
{
	int pipefd[2];
	ck_assert_int_eq(pipe(pipefd), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(pipefd[0]);
		/* setresuid without PR_SET_KEEPCAPS: the permitted set is gone, CAP_SETPCAP with it */
		if (setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0)
			_exit(10);
		struct security_settings s;
		security_defaults(&s);
		int rc = security_apply(&s, false);
		dprintf(pipefd[1], "%s", error_message());
		_exit(rc == -1 ? 0 : 11);
	}
	close(pipefd[1]);
	char message[512] = "";
	ssize_t n = read(pipefd[0], message, sizeof(message) - 1);
	message[n > 0 ? n : 0] = '\0';
	close(pipefd[0]);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
	ck_assert_str_eq(message, "cannot drop CAP_CHOWN from the bounding set without CAP_SETPCAP (was it lost in a "
				  "setresuid to a non-root user without PR_SET_KEEPCAPS?): Operation not permitted");
}
END_TEST

START_TEST(the_policy_applies_inside_a_user_namespace_too)
{
	struct child_setup setup;
	defaults(&setup);
	setup.user_namespace = true;
	struct child_result r;
	run_child(&setup, &r,
		  (const char *const[]){ "probe", "ids", "caps", "syscall", "keyctl", "syscall", "unshare-user", "syscall",
					 "mount", NULL });
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	assert_has(r.out, "uid=0\n");
	assert_has(r.out, "cap_eff=00000000a80425fb\n");
	assert_has(r.out, "cap_bnd=00000000a80425fb\n");
	assert_has(r.out, "seccomp=2\n");
	assert_has(r.out, "syscall=keyctl result=EPERM\n");
	assert_has(r.out, "syscall=unshare-user result=EPERM\n");
	/* the filter leaves mount to the kernel here, and the kernel wants CAP_SYS_ADMIN */
	assert_has(r.out, "syscall=mount result=EPERM\n");
}
END_TEST

START_TEST(privileged_keeps_every_capability_and_installs_no_filter)
{
	struct child_setup setup;
	defaults(&setup);
	security_privileged(&setup.settings);
	struct child_result r;
	run_child(&setup, &r, (const char *const[]){ "probe", "caps", "syscall", "keyctl", "syscall", "clone-user", NULL });
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	char bounding[64], line[128];
	own_status("CapBnd", bounding, sizeof(bounding));
	snprintf(line, sizeof(line), "cap_eff=%s\n", bounding);
	assert_has(r.out, line);
	snprintf(line, sizeof(line), "cap_bnd=%s\n", bounding);
	assert_has(r.out, line);
	assert_has(r.out, "no_new_privs=0\n");
	assert_has(r.out, "seccomp=0\n");
	assert_has(r.out, "syscall=keyctl result=ok\n");
	assert_has(r.out, "syscall=clone-user result=ok\n");
}
END_TEST

START_TEST(cap_drop_all_and_cap_add_shape_the_sets)
{
	struct child_setup setup;
	defaults(&setup);
	ck_assert_int_eq(security_cap_drop(&setup.settings, "ALL"), 0);
	struct child_result r;
	run_child(&setup, &r, (const char *const[]){ "probe", "caps", "syscall", "chroot", NULL });
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	assert_has(r.out, "cap_eff=0000000000000000\n");
	assert_has(r.out, "cap_bnd=0000000000000000\n");
	assert_has(r.out, "syscall=chroot result=EPERM\n");

	ck_assert_int_eq(security_cap_add(&setup.settings, "NET_ADMIN,sys_admin"), 0);
	run_child(&setup, &r, (const char *const[]){ "probe", "caps", "syscall", "unshare-net", NULL });
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	assert_has(r.out, "cap_eff=0000000000201000\n"); /* bits 12 and 21 */
	/* CAP_SYS_ADMIN lifts the namespace rules, as in Docker: unshare reaches the kernel */
	assert_has(r.out, "syscall=unshare-net result=ok\n");
}
END_TEST

START_TEST(seccomp_unconfined_keeps_the_capability_limits_without_a_filter)
{
	struct child_setup setup;
	defaults(&setup);
	ck_assert_int_eq(security_opt(&setup.settings, "seccomp=unconfined"), 0);
	struct child_result r;
	run_child(&setup, &r, (const char *const[]){ "probe", "caps", "syscall", "keyctl", NULL });
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	assert_has(r.out, "cap_eff=00000000a80425fb\n");
	assert_has(r.out, "seccomp=0\n");
	assert_has(r.out, "syscall=keyctl result=ok\n");
}
END_TEST

START_TEST(without_no_new_privs_the_filter_is_installed_while_cap_sys_admin_is_held)
{
	struct child_setup setup;
	defaults(&setup);
	ck_assert_int_eq(security_opt(&setup.settings, "no-new-privileges=false"), 0);
	struct child_result r;
	run_child(&setup, &r, (const char *const[]){ "probe", "caps", "syscall", "keyctl", NULL });
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	assert_has(r.out, "cap_eff=00000000a80425fb\n");
	assert_has(r.out, "no_new_privs=0\n");
	assert_has(r.out, "seccomp=2\n");
	assert_has(r.out, "syscall=keyctl result=EPERM\n");
}
END_TEST

/* The filter by itself, with every capability still held: mount is refused by seccomp, not
 * by a missing CAP_SYS_ADMIN. In a private mount namespace, so a failing test mounts nothing
 * anyone else can see. */
START_TEST(the_filter_alone_refuses_mount_to_a_process_holding_cap_sys_admin)
{
	char dir[] = "/tmp/tinydock-security.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			_exit(10);
		struct seccomp_policy policy = { .capabilities = capability_docker_default(),
						 .kernel = seccomp_running_kernel() };
		struct seccomp_program program;
		if (seccomp_build(&policy, &program) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    seccomp_install(&program, &policy) < 0)
			_exit(11);
		if (mount("none", dir, "tmpfs", 0, NULL) == 0)
			_exit(12);
		_exit(errno == EPERM ? 0 : 13);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	rmdir(dir);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
}
END_TEST

#ifdef __x86_64__
/* Fork, apply the default policy, make one system call through another ABI; the exit status. */
static int status_after_foreign_call(bool x32)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct security_settings s;
		security_defaults(&s);
		if (security_apply(&s, false) < 0)
			_exit(125);
		long result;
		if (x32) /* x32's getpid: the x86-64 number with __X32_SYSCALL_BIT */
			result = syscall(0x40000000 | SYS_getpid);
		else /* i386's getpid (20) through the 32-bit entry, int 0x80 */
			__asm__ volatile("int $0x80" : "=a"(result) : "a"(20L) : "memory");
		_exit(result < 0 ? 1 : 0);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

START_TEST(a_system_call_of_another_abi_kills_the_process)
{
	ck_assert_int_eq(status_after_foreign_call(false), 128 + SIGSYS);
	ck_assert_int_eq(status_after_foreign_call(true), 128 + SIGSYS);
}
END_TEST
#endif

START_TEST(explain_shows_each_step_with_the_sets_in_hex_and_names)
{
	struct child_setup setup;
	defaults(&setup);
	setup.explain = true;
	struct child_result r;
	run_child(&setup, &r, (const char *const[]){ "probe", "pid", NULL });
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	assert_has(r.err, "[02-namespaces] prctl(PR_CAPBSET_DROP, cap) for ");
	assert_has(r.err, "[02-namespaces] bounding set now 0x00000000a80425fb: CAP_CHOWN CAP_DAC_OVERRIDE");
	assert_has(r.err, "[02-namespaces] capset(effective=permitted=0x00000000a80425fb, inheritable=0x0000000000000000) "
			  "[CAP_CHOWN ");
	assert_has(r.err, "[02-namespaces] prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL) = 0\n");
	assert_has(r.err, "[02-namespaces] prctl(PR_SET_NO_NEW_PRIVS, 1) = 0\n");
	assert_has(r.err, " BPF instructions, checks the architecture, refuses every number above 466 (ENOSYS) and ");
	assert_has(r.err, "keyctl add_key request_key bpf ");
	assert_has(r.err, "[02-namespaces] seccomp(SECCOMP_SET_MODE_FILTER, 0, {len=");
	/* in the order they happen */
	const char *drop = strstr(r.err, "PR_CAPBSET_DROP"), *capset = strstr(r.err, "capset("),
		   *nnp = strstr(r.err, "PR_SET_NO_NEW_PRIVS"), *filter = strstr(r.err, "seccomp(SECCOMP");
	ck_assert(drop && capset && nnp && filter && drop < capset && capset < nnp && nnp < filter);
}
END_TEST

START_TEST(seccomp_command_prints_the_filter_and_names_a_bad_capability)
{
	struct run_result r = run_tinydock(NULL, 10, "seccomp", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	assert_has(r.out, "capabilities kept: 0x00000000a80425fb\n");
	assert_has(r.out, "; refuses every number above 466 and ");
	assert_has(r.out, "   0  ld [4]                     ; load the architecture\n");
#ifdef __x86_64__
	assert_has(r.out, "   6  jgt #466, 0, 1             ; newer than every call this table knows?\n"
			  "   7  ret ERRNO(ENOSYS)          ; unknown: refuse as a kernel without it would\n");
#endif
	assert_has(r.out, "ret ERRNO(EPERM)           ; refuse\n");
	assert_has(r.out, "; keyctl\n");
	run_free(&r);

	r = run_tinydock(NULL, 10, "seccomp", "--cap-add", "SYS_ADMIN", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strstr(r.out, "; mount\n") == NULL, "mount still refused with CAP_SYS_ADMIN:\n%s", r.out);
	run_free(&r);

	r = run_tinydock(NULL, 10, "seccomp", "--cap-add", "FOO", NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_str_eq(r.err, "tinydock: --cap-add: unknown capability \"CAP_FOO\"\n");
	run_free(&r);
}
END_TEST

Suite *security_system_suite(void)
{
	Suite *s = suite_create("security (root)");
	TCase *t = tcase_create("reduced privileges");
	harness_use_stage(t, 2);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, default_policy_leaves_docker_capabilities_no_new_privs_and_a_filter);
	tcase_add_test(t, default_policy_refuses_what_docker_refuses);
	tcase_add_test(t, default_policy_lets_ordinary_programs_work);
	tcase_add_test(t, a_non_root_user_has_no_capabilities_after_execve);
	tcase_add_test(t, a_process_that_lost_its_capabilities_gets_a_clear_error);
	tcase_add_test(t, the_policy_applies_inside_a_user_namespace_too);
	tcase_add_test(t, privileged_keeps_every_capability_and_installs_no_filter);
	tcase_add_test(t, cap_drop_all_and_cap_add_shape_the_sets);
	tcase_add_test(t, seccomp_unconfined_keeps_the_capability_limits_without_a_filter);
	tcase_add_test(t, without_no_new_privs_the_filter_is_installed_while_cap_sys_admin_is_held);
	tcase_add_test(t, the_filter_alone_refuses_mount_to_a_process_holding_cap_sys_admin);
#ifdef __x86_64__
	tcase_add_test(t, a_system_call_of_another_abi_kills_the_process);
#endif
	tcase_add_test(t, explain_shows_each_step_with_the_sets_in_hex_and_names);
	tcase_add_test(t, seccomp_command_prints_the_filter_and_names_a_bad_capability);
	suite_add_tcase(s, t);
	return s;
}
