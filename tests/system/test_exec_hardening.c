/*
 * test_exec_hardening.c - what a container must not get from the process that starts it, or
 * from a run/exec that reads the container's own files: the caller's fds (CVE-2024-21626), a
 * working folder outside its root, a hang or unbounded memory from a planted /etc/passwd, and a
 * dumpable process of the host's tinydock to reach through /proc (CVE-2016-9962).
 *
 * The caller's fd is a folder of the host opened without O_CLOEXEC, as a careless caller (or
 * the runc CVE's attacker, who counts on one) would hold it: every process tinydock starts
 * inherits it unless tinydock closes it. Each test has its own sandbox; every wait is bounded.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/kcmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "files.h"
#include "harness.h"
#include "json.h"

/* A folder of the host, open WITHOUT O_CLOEXEC: tinydock (and its children) inherit it. */
static int open_host_folder(void)
{
	int fd = open(sandbox.dir, O_RDONLY | O_DIRECTORY);
	ck_assert_msg(fd > 2, "cannot open %s: %s", sandbox.dir, strerror(errno));
	return fd;
}

/* `run -d --network none --rootfs ROOTFS <args>`: the id it printed (static buffer). */
#define START(...) start_detached((const char *[]){ __VA_ARGS__, NULL })
static const char *start_detached(const char **args)
{
	static char id[65];
	const char *argv[32] = { tinydock_binary(), "run", "-d", "--network", "none", "--rootfs", sandbox.rootfs };
	size_t n = 7;
	for (; *args && n < 31; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	struct run_result r = run_program(NULL, 20, argv);
	ck_assert_msg(r.status == 0, "run -d failed (%d): %s", r.status, r.err);
	ck_assert_uint_eq(strlen(r.out), 65);
	snprintf(id, sizeof(id), "%.64s", r.out);
	run_free(&r);
	return id;
}

/* The host pid of the container's init, from inspect. */
static int init_pid(const char *id)
{
	struct run_result r = run_tinydock(NULL, 10, "inspect", id, NULL);
	ck_assert_msg(r.status == 0, "inspect failed: %s", r.err);
	struct json *doc = json_parse(r.out, strlen(r.out));
	ck_assert_msg(doc != NULL, "inspect printed no JSON: %s", r.out);
	int64_t pid = -1;
	json_int64(json_get(json_get(json_at(doc, 0), "State"), "Pid"), &pid);
	json_free(doc);
	run_free(&r);
	ck_assert_msg(pid > 1, "no pid for %s", id);
	return (int)pid;
}

START_TEST(exec_hands_the_command_no_fd_of_its_caller)
{
	int fd = open_host_folder();
	const char *id = START("probe", "sleep", "30");
	struct run_result r = run_tinydock(NULL, 10, "exec", id, "probe", "fds", NULL);
	ck_assert_msg(r.status == 0, "exec failed (%d): %s", r.status, r.err);
	ck_assert_str_eq(r.out, "fds=0 1 2\n");
	run_free(&r);
	r = run_tinydock(NULL, 10, "exec", "-w", "/tmp", id, "probe", "fds", NULL);
	ck_assert_str_eq(r.out, "fds=0 1 2\n");
	run_free(&r);
	close(fd);
}
END_TEST

START_TEST(run_hands_the_command_and_its_init_no_fd_of_its_caller)
{
	int fd = open_host_folder();
	struct run_result r = run_tinydock(NULL, 20, "run", "--rm", "--network", "none", "--rootfs", sandbox.rootfs,
					   "probe", "fds", NULL);
	ck_assert_msg(r.status == 0, "run failed (%d): %s", r.status, r.err);
	ck_assert_str_eq(r.out, "fds=0 1 2\n");
	run_free(&r);
	r = run_tinydock(NULL, 20, "run", "--rm", "--network", "none", "-w", "/tmp", "--rootfs", sandbox.rootfs,
			 "probe", "fds", NULL);
	ck_assert_str_eq(r.out, "fds=0 1 2\n");
	run_free(&r);

	/* The init (PID 1) lives as long as the container: it must not keep the fd either. Its
	 * /proc/PID/fd is read from the host, where the test is root. */
	const char *id = START("probe", "sleep", "30");
	char dir[64], link[128], target[PATH_MAX];
	snprintf(dir, sizeof(dir), "/proc/%d/fd", init_pid(id));
	for (int n = 0; n < 64; n++) {
		snprintf(link, sizeof(link), "%s/%d", dir, n);
		ssize_t len = readlink(link, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		ck_assert_msg(strcmp(target, sandbox.dir) != 0, "the container's init holds fd %d: %s", n, target);
	}
	close(fd);
}
END_TEST

/* runc's CVE-2024-21626: a working folder of /proc/self/fd/N, N the leaked fd of a host folder,
 * put the command's cwd on the host. Whatever the fd, the command must never start outside the
 * container's root: here the fd is gone when the chdir happens, so it fails, and says so. */
START_TEST(a_workdir_through_a_leaked_fd_never_lands_outside_the_root)
{
	int fd = open_host_folder();
	char workdir[64];
	snprintf(workdir, sizeof(workdir), "/proc/self/fd/%d", fd);

	const char *id = START("probe", "sleep", "30");
	struct run_result r = run_tinydock(NULL, 10, "exec", "-w", workdir, id, "probe", "cwd", "ls", ".", NULL);
	ck_assert_msg(r.status == 125, "exec -w %s: status %d, out: %s", workdir, r.status, r.out);
	ck_assert_str_eq(r.out, "");
	ck_assert_msg(strstr(r.err, workdir), "%s", r.err);
	run_free(&r);

	r = run_tinydock(NULL, 20, "run", "--rm", "--network", "none", "-w", workdir, "--rootfs", sandbox.rootfs,
			 "probe", "cwd", "ls", ".", NULL);
	ck_assert_msg(r.status == 125, "run -w %s: status %d, out: %s", workdir, r.status, r.out);
	ck_assert_str_eq(r.out, "");
	ck_assert_msg(strstr(r.err, workdir), "%s", r.err);
	run_free(&r);
	close(fd);
}
END_TEST

/* From inside the container (its root is its own to write): replace /etc/passwd with a FIFO
 * (kind 'p') or a symlink to /dev/zero ('z'). */
static void plant_passwd(const char *id, char kind)
{
	const char *script = kind == 'p' ? "rm /etc/passwd && mknod /etc/passwd p" : "ln -sf /dev/zero /etc/passwd";
	struct run_result r = run_tinydock(NULL, 10, "exec", id, "sh", "-c", script, NULL);
	ck_assert_msg(r.status == 0, "cannot plant /etc/passwd (%d): %s", r.status, r.err);
	run_free(&r);
}

/* The same in the rootfs, from the host, before a container starts. */
static void plant_passwd_in_rootfs(char kind)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/etc/passwd", sandbox.rootfs);
	ck_assert(unlink(path) == 0 || errno == ENOENT);
	if (kind == 'p')
		ck_assert_int_eq(mkfifo(path, 0644), 0);
	else
		ck_assert_int_eq(symlink("/dev/zero", path), 0);
}

static double now_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Nobody writes to the FIFO, so reading it would wait forever; /dev/zero never ends. Either way
 * exec -u (and run -u) must refuse the file at once and name it. The container plants it as it
 * runs, and waits for someone to exec into it; an image could ship it. */
static void refuse_planted_passwd(char kind)
{
	const char *id = START("-m", "64m", "probe", "sleep", "30");
	plant_passwd(id, kind);
	double start = now_seconds();
	struct run_result r = run_tinydock(NULL, 10, "exec", "-u", "someuser", id, "probe", "ids", NULL);
	ck_assert_msg(r.status == 125, "exec -u: status %d (-1: killed after 10 s), err: %s", r.status, r.err);
	ck_assert_msg(strstr(r.err, "\"/etc/passwd\""), "%s", r.err);
	ck_assert_msg(now_seconds() - start < 5, "exec -u took %.1f s", now_seconds() - start);
	run_free(&r);

	plant_passwd_in_rootfs(kind);
	start = now_seconds();
	r = run_tinydock(NULL, 10, "run", "--rm", "--network", "none", "-m", "64m", "-u", "someuser", "--rootfs",
			 sandbox.rootfs, "probe", "ids", NULL);
	ck_assert_msg(r.status == 125, "run -u: status %d (-1: killed after 10 s), err: %s", r.status, r.err);
	ck_assert_msg(strstr(r.err, "\"/etc/passwd\""), "%s", r.err);
	ck_assert_msg(now_seconds() - start < 5, "run -u took %.1f s", now_seconds() - start);
	run_free(&r);
}

START_TEST(exec_u_refuses_a_fifo_as_etc_passwd_at_once)
{
	refuse_planted_passwd('p');
}
END_TEST

START_TEST(exec_u_refuses_etc_passwd_linked_to_dev_zero_at_once)
{
	refuse_planted_passwd('z');
}
END_TEST

/* kcmp(2) of our memory with pid's, as root but without CAP_SYS_PTRACE in the effective set.
 * kcmp asks for ptrace read access on the target's real credentials (ptrace(2), "Ptrace access
 * mode checking"): a process of the same uid with the same permitted set gets through, unless
 * the target is not dumpable; then it takes CAP_SYS_PTRACE, which the caller has dropped.
 * Returns 0 when allowed, or the errno. */
static int compare_without_cap_sys_ptrace(pid_t pid)
{
	fflush(NULL);
	pid_t child = fork();
	ck_assert(child >= 0);
	if (child == 0) {
		struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct data[2];
		if (syscall(SYS_capget, &header, data) < 0)
			_exit(100);
		data[CAP_SYS_PTRACE / 32].effective &= ~(1U << (CAP_SYS_PTRACE % 32));
		if (syscall(SYS_capset, &header, data) < 0)
			_exit(101);
		_exit(syscall(SYS_kcmp, getpid(), pid, KCMP_VM, 0, 0) < 0 ? errno : 0);
	}
	int status;
	ck_assert(waitpid(child, &status, 0) == child && WIFEXITED(status));
	ck_assert_msg(WEXITSTATUS(status) < 100, "cannot drop CAP_SYS_PTRACE (%d)", WEXITSTATUS(status));
	return WEXITSTATUS(status);
}

/* True once process pid has joined the container's mount namespace (that of init). */
static bool joined(pid_t pid, int init)
{
	char ours[64], theirs[64], a[64] = "", b[64] = "";
	snprintf(ours, sizeof(ours), "/proc/%d/ns/mnt", (int)pid);
	snprintf(theirs, sizeof(theirs), "/proc/%d/ns/mnt", init);
	return readlink(ours, a, sizeof(a) - 1) > 0 && readlink(theirs, b, sizeof(b) - 1) > 0 && strcmp(a, b) == 0;
}

/* CVE-2016-9962 class: `exec` joins the container (and its child, the command until execve,
 * is born in its PID namespace) while still the host's binary, holding what the host gave it.
 * It must be non-dumpable from before the first setns: then its /proc/PID entries (exe, fd,
 * cwd, mem) open only with CAP_SYS_PTRACE over the host's user namespace. */
START_TEST(exec_is_not_dumpable_once_it_joins_the_container)
{
	const char *id = START("probe", "sleep", "30");
	int init = init_pid(id);
	fflush(NULL);
	pid_t exec = fork();
	ck_assert(exec >= 0);
	if (exec == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 1);
		execl(tinydock_binary(), tinydock_binary(), "exec", id, "probe", "sleep", "20", (char *)NULL);
		_exit(127);
	}
	bool in = false;
	for (int waited = 0; waited < 5000 && !in; waited += 10) {
		in = joined(exec, init);
		if (!in)
			usleep(10000);
	}
	ck_assert_msg(in, "exec never joined the container's mount namespace");
	/* The control: the same check on a dumpable process of root's, this test, succeeds; so a
	 * refusal below is the dumpable flag's doing. */
	ck_assert_int_eq(compare_without_cap_sys_ptrace(getpid()), 0);
	int err = compare_without_cap_sys_ptrace(exec);
	kill(exec, SIGKILL);
	waitpid(exec, NULL, 0);
	ck_assert_msg(err == EPERM, "kcmp with exec (%d) without CAP_SYS_PTRACE: %s", (int)exec,
		      err ? strerror(err) : "allowed: exec is dumpable");
}
END_TEST

Suite *exec_hardening_suite(void)
{
	Suite *s = suite_create("03-cgroups exec and run hardening");
	TCase *t = tcase_create("exec-hardening");
	harness_use_stage(t, 3);
	harness_use_sandbox(t);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, exec_hands_the_command_no_fd_of_its_caller);
	tcase_add_test(t, run_hands_the_command_and_its_init_no_fd_of_its_caller);
	tcase_add_test(t, a_workdir_through_a_leaked_fd_never_lands_outside_the_root);
	tcase_add_test(t, exec_u_refuses_a_fifo_as_etc_passwd_at_once);
	tcase_add_test(t, exec_u_refuses_etc_passwd_linked_to_dev_zero_at_once);
	tcase_add_test(t, exec_is_not_dumpable_once_it_joins_the_container);
	suite_add_tcase(s, t);
	return s;
}
