/*
 * test_namespaces.c - chapter 02 as a user meets it: `tinydock run`, checked from inside by the probe.
 *
 * Every claim of the lesson has a test: the container's own PID 1, hostname, mounts and /dev;
 * the host's root out of reach and chapter 01's escape failing; signals passed on and zombies
 * reaped; exit codes; user namespaces (also rootless); a real terminal under -it, driven
 * through a pty pair as a person would type; and bad input leaving nothing behind.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "files.h"
#include "harness.h"

static long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&t, NULL);
}

/* The parent of pid and its command name, from /proc/PID/stat ("PID (COMM) STATE PPID ...",
 * proc(5)); false if it is gone. COMM may hold anything, so it ends at the LAST ')'. */
static bool process_parent(pid_t pid, pid_t *parent, char *comm, size_t size)
{
	char path[64], stat[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, stat, sizeof(stat) - 1);
	close(fd);
	if (n <= 0)
		return false;
	stat[n] = '\0';
	char *open_paren = strchr(stat, '('), *close_paren = strrchr(stat, ')');
	int ppid;
	if (!open_paren || !close_paren || sscanf(close_paren + 1, " %*c %d", &ppid) != 1)
		return false;
	snprintf(comm, size, "%.*s", (int)(close_paren - open_paren - 1), open_paren + 1);
	*parent = ppid;
	return true;
}

/* Whether a process named comm runs below ancestor (a container's process below `tinydock run`). */
static bool has_descendant_named(pid_t ancestor, const char *comm)
{
	DIR *d = opendir("/proc");
	ck_assert_ptr_nonnull(d);
	struct dirent *e;
	bool found = false;
	while (!found && (e = readdir(d)) != NULL) {
		pid_t pid = (pid_t)atoi(e->d_name), parent;
		char name[64];
		if (pid <= 0 || !process_parent(pid, &parent, name, sizeof(name)) || strcmp(name, comm) != 0)
			continue;
		for (int depth = 0; depth < 32 && parent > 1 && !found; depth++) {
			found = parent == ancestor;
			if (!process_parent(parent, &parent, name, sizeof(name)))
				break;
		}
	}
	closedir(d);
	return found;
}

/* Poll (every 10 ms, at most timeout_ms) until a process named comm runs below ancestor. */
static bool wait_for_descendant(pid_t ancestor, const char *comm, int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;
	while (!has_descendant_named(ancestor, comm)) {
		if (now_ms() >= deadline)
			return false;
		sleep_ms(10);
	}
	return true;
}

/* --- a tinydock run in the background, for signal tests ------------------ */

struct background {
	pid_t pid;
	int out;
	char text[8192];
	size_t length;
};

static void start(struct background *b, const char *const args[])
{
	const char *argv[32] = { tinydock_binary(), "run", "--rootfs", sandbox.rootfs };
	int n = 4;
	for (int i = 0; args[i] && n < 31; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	int out[2];
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	fflush(NULL);
	b->pid = fork();
	ck_assert(b->pid >= 0);
	if (b->pid == 0) {
		dup2(out[1], 1);
		int null = open("/dev/null", O_RDONLY);
		dup2(null, 0);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	b->out = out[0];
	b->length = 0;
	b->text[0] = '\0';
}

/* Read the container's stdout until it contains needle (true) or timeout_ms passes. */
static bool read_until(int fd, char *text, size_t size, size_t *length, const char *needle, int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;
	while (!strstr(text, needle)) {
		long left = deadline - now_ms();
		struct pollfd p = { fd, POLLIN, 0 };
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return false;
		ssize_t n = read(fd, text + *length, size - *length - 1);
		if (n <= 0)
			return strstr(text, needle) != NULL;
		*length += (size_t)n;
		text[*length] = '\0';
	}
	return true;
}

/* Wait for the background run to end (SIGKILL after timeout_ms); its exit code, -1 on timeout. */
static int finish(struct background *b, int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;
	int status;
	for (;;) {
		pid_t done = waitpid(b->pid, &status, WNOHANG);
		if (done == b->pid)
			break;
		if (now_ms() > deadline) {
			kill(b->pid, SIGKILL);
			waitpid(b->pid, &status, 0);
			close(b->out);
			return -1;
		}
		usleep(2000);
	}
	read_until(b->out, b->text, sizeof(b->text), &b->length, "\x01never", 100);
	close(b->out);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* --- what a failed run may leave behind ----------------------------------- */

/* Whether /proc/PID/FILE (cmdline or environ: NUL-separated strings) contains text. */
static bool proc_file_mentions(const char *pid, const char *file, const char *text)
{
	char path[64], data[16384];
	snprintf(path, sizeof(path), "/proc/%s/%s", pid, file);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, data, sizeof(data) - 1);
	close(fd);
	for (ssize_t i = 0; i < n; i++)
		if (data[i] == '\0')
			data[i] = ' ';
	data[n > 0 ? n : 0] = '\0';
	return strstr(data, text) != NULL;
}

/* Processes that belong to this test's sandbox: `run` has it on its command line, and every
 * tinydock process has TINYDOCK_ROOT=<sandbox>/root in its environment (the container's init
 * too, although it shows as "tinydock-init" in ps). */
static int processes_mentioning(const char *text)
{
	DIR *proc = opendir("/proc");
	int count = 0;
	struct dirent *entry;
	while (proc && (entry = readdir(proc))) {
		if (entry->d_name[0] < '1' || entry->d_name[0] > '9')
			continue;
		if (proc_file_mentions(entry->d_name, "cmdline", text) || proc_file_mentions(entry->d_name, "environ", text))
			count++;
	}
	if (proc)
		closedir(proc);
	return count;
}

static int mounts_mentioning(const char *text)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	int count = 0;
	char line[8192];
	while (f && fgets(line, sizeof(line), f))
		count += strstr(line, text) != NULL;
	if (f)
		fclose(f);
	return count;
}

static struct run_result run(const char *input, const char *arg, ...) __attribute__((sentinel));

/* run_tinydock("run", "--rootfs", sandbox.rootfs, args...) */
static struct run_result run(const char *input, const char *arg, ...)
{
	const char *argv[40] = { tinydock_binary(), "run", "--rootfs", sandbox.rootfs };
	int n = 4;
	va_list ap;
	va_start(ap, arg);
	for (const char *a = arg; a && n < 39; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	return run_program(input, 15, argv);
}

/* --- the container's view ------------------------------------------------- */

START_TEST(the_command_runs_under_its_own_pid_1_and_sees_only_its_processes)
{
	/* ps alone, not `ps | wc -l`: the shell forks the two sides of a pipe one after the other,
	 * and ps may read /proc before wc exists (it saw 4 processes instead of 5, now and then).
	 * The `; true` keeps sh from replacing itself with ps, so there are exactly three. */
	struct run_result r = run(NULL, "sh", "-c", "probe pid; ps -o pid,comm; true", NULL);
	ck_assert_int_eq(r.status, 0);
	/* PID 1 is tinydock's init; the command is its child, PID 2 */
	ck_assert_msg(strncmp(r.out, "pid=3\nppid=2\n", 13) == 0, "stdout: %s", r.out);
	/* header + init + sh + ps */
	int lines = 0;
	for (const char *p = r.out + 13; *p; p++)
		lines += *p == '\n';
	ck_assert_msg(lines == 4, "ps saw more (or less) than the container: %s", r.out);
	run_free(&r);
	r = run(NULL, "probe", "pid", NULL);
	ck_assert_str_eq(r.out, "pid=2\nppid=1\n");
	run_free(&r);
	/* PID 1 shows as tinydock's init, not as the host's path and the `run` command line */
	r = run(NULL, "ps", "-o", "pid,args", NULL);
	ck_assert_msg(strstr(r.out, "    1 tinydock-init\n") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "--rootfs") == NULL, "%s", r.out);
	run_free(&r);
}
END_TEST

START_TEST(every_namespace_differs_from_the_host_except_the_network_with_network_host)
{
	const char *types[] = { "pid", "mnt", "uts", "ipc", "net" };
	char host[5][128];
	for (int i = 0; i < 5; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/ns/%s", types[i]);
		ssize_t n = readlink(path, host[i], sizeof(host[i]) - 1);
		ck_assert(n > 0);
		host[i][n] = '\0';
	}
	struct run_result r = run(NULL, "sh", "-c", "for t in pid mnt uts ipc net; do readlink /proc/self/ns/$t; done",
				  NULL);
	ck_assert_int_eq(r.status, 0);
	for (int i = 0; i < 5; i++)
		ck_assert_msg(strstr(r.out, host[i]) == NULL, "%s namespace shared with the host: %s", types[i], r.out);
	run_free(&r);
	r = run(NULL, "--network", "host", "readlink", "/proc/self/ns/net", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strstr(r.out, host[4]) != NULL, "--network host: %s vs %s", r.out, host[4]);
	run_free(&r);
}
END_TEST

START_TEST(hostname_is_the_short_id_by_default_or_the_one_given)
{
	struct run_result r = run(NULL, "sh", "-c", "hostname; echo $HOSTNAME", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_int_eq((int)strlen(r.out), 26);
	ck_assert_int_eq((int)strspn(r.out, "0123456789abcdef"), 12);
	ck_assert(strncmp(r.out, r.out + 13, 12) == 0);
	run_free(&r);
	r = run(NULL, "--hostname", "web-1", "probe", "hostname", NULL);
	ck_assert_str_eq(r.out, "hostname=web-1\n");
	run_free(&r);
	char host[256] = "";
	gethostname(host, sizeof(host));
	ck_assert_str_ne(host, "web-1");
}
END_TEST

START_TEST(proc_sys_and_dev_are_the_containers_own)
{
	struct run_result r = run(NULL, "probe", "mounts", "ls", "/dev", "ls", "/dev/pts", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strstr(r.out, "mount=/proc proc rw,nosuid,nodev,noexec") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "mount=/sys sysfs ro,") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "mount=/dev tmpfs rw,nosuid") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "mount=/dev/pts devpts ") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "ptmxmode=666") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "mount=/dev/shm tmpfs ") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "ls=fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero\n") !=
			      NULL,
		      "%s", r.out);
	/* a new devpts instance: none of the host's terminals */
	ck_assert_msg(strstr(r.out, "ls=ptmx\n") != NULL, "%s", r.out);
	/* the host's root mount is gone: no mount point outside the container's own (an overlay
	 * root's options still name its host folders, lowerdir=..., as Docker's do) */
	char outside[PATH_MAX + 8];
	snprintf(outside, sizeof(outside), "mount=%s", sandbox.dir);
	ck_assert_msg(strstr(r.out, outside) == NULL, "%s", r.out);
	run_free(&r);
	r = run(NULL, "sh", "-c", "echo x > /dev/null && head -c 4 /dev/zero | wc -c && readlink /dev/stdout", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "4\n/proc/self/fd/1\n");
	run_free(&r);
}
END_TEST

START_TEST(proc_paths_are_masked_or_read_only_unless_privileged)
{
	struct run_result r = run(NULL, "sh", "-c",
				  "wc -c < /proc/timer_list; wc -c < /proc/keys; ls /sys/firmware | wc -l; "
				  "echo 1 > /proc/sys/kernel/hostname && echo WROTE",
				  NULL);
	ck_assert_msg(strncmp(r.out, "0\n0\n0\n", 6) == 0, "stdout: %s", r.out);
	ck_assert_msg(strstr(r.out, "WROTE") == NULL, "/proc/sys is writable: %s", r.out);
	ck_assert_msg(strstr(r.err, "Read-only file system") != NULL, "stderr: %s", r.err);
	run_free(&r);
	r = run(NULL, "--privileged", "sh", "-c", "wc -c < /proc/timer_list", NULL);
	ck_assert_msg(atoi(r.out) > 0, "--privileged still masks: %s", r.out);
	run_free(&r);
}
END_TEST

START_TEST(the_host_root_is_unreachable_and_the_chroot_escape_fails)
{
	char marker[PATH_MAX];
	snprintf(marker, sizeof(marker), "%s/outside-the-container", sandbox.dir);
	ck_assert_int_eq(write_file_atomic(marker, "host\n", 5, 0644), 0);
	struct run_result r = run(NULL, "probe", "open", marker, "r", "ls", "/", NULL);
	ck_assert_msg(strstr(r.out, "open=ENOENT\n") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "ls=bin dev etc home") != NULL, "%s", r.out);
	run_free(&r);
	/* chapter 01's escape, which works in `tinydock chroot` (test_chroot.c) */
	r = run(NULL, "chroot-escape", "--check", marker, NULL);
	ck_assert_msg(r.status == 1, "escape status %d: %s %s", r.status, r.out, r.err);
	ck_assert_msg(strstr(r.out, "still jailed") != NULL, "%s", r.out);
	run_free(&r);
}
END_TEST

/* How many lines of text start with prefix. */
static int count_lines_starting(const char *text, const char *prefix)
{
	int n = strncmp(text, prefix, strlen(prefix)) == 0;
	for (const char *end = strchr(text, '\n'); end; end = strchr(end + 1, '\n'))
		n += strncmp(end + 1, prefix, strlen(prefix)) == 0;
	return n;
}

START_TEST(the_host_tinydock_binary_cannot_be_opened_for_writing_through_proc_1_exe)
{
	/* CVE-2019-5736 */
	struct run_result r = run(NULL, "probe", "open", "/proc/1/exe", "w", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strstr(r.out, "open=ok") == NULL, "/proc/1/exe opened for writing: %s", r.out);
	run_free(&r);
	/* In a user namespace, root of the container is nobody on the host: both refused. */
	r = run(NULL, "--userns", "probe", "open", "/proc/1/exe", "w", "open", "/proc/1/exe", "r", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s %s", r.status, r.out, r.err);
	ck_assert_msg(count_lines_starting(r.out, "open=") == 2 && strstr(r.out, "open=ok") == NULL, "%s", r.out);
	run_free(&r);
}
END_TEST

START_TEST(network_none_has_only_loopback_and_it_is_up)
{
	struct run_result r = run(NULL, "--network", "none", "sh", "-c", "ls /sys/class/net; cat /sys/class/net/lo/flags", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strncmp(r.out, "lo\n0x", 5) == 0, "%s", r.out);
	ck_assert_msg(strtol(r.out + 3, NULL, 16) & 1, "lo is down: %s", r.out);
	run_free(&r);
}
END_TEST

START_TEST(environment_working_folder_and_user_are_set)
{
	struct run_result r = run(NULL, "-e", "GREETING=hello", "-e", "PATH=/bin", "-w", "/srv/app", "-u", "1000:1001",
				  "probe", "ids", "cwd", "env", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strstr(r.out, "uid=1000\ngid=1001\neuid=1000\negid=1001\n") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "cwd=/srv/app\n") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "env=GREETING=hello\n") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "env=PATH=/bin\n") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "env=HOSTNAME=") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "env=TERM=") == NULL, "TERM without -t: %s", r.out);
	run_free(&r);
	/* names come from the container's /etc/passwd; a number without an entry gets gid 0 (Docker) */
	r = run(NULL, "-u", "nobody", "probe", "ids", "env", NULL);
	ck_assert_msg(strstr(r.out, "uid=65534\ngid=65534\n") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "env=HOME=/nonexistent\n") != NULL, "%s", r.out);
	run_free(&r);
	r = run(NULL, "-u", "4242", "probe", "ids", NULL);
	ck_assert_msg(strstr(r.out, "uid=4242\ngid=0\n") != NULL, "%s", r.out);
	run_free(&r);
}
END_TEST

START_TEST(stdin_is_passed_through_with_i_and_empty_without)
{
	struct run_result r = run("echo from-stdin\n", "-i", "sh", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "from-stdin\n");
	run_free(&r);
	r = run("echo from-stdin\n", "cat", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "");
	run_free(&r);
}
END_TEST

START_TEST(run_reduces_privileges_as_docker_does_and_the_flags_relax_them)
{
	/* the policy itself is tested in test_security.c; here: that run applies it, last */
	struct run_result r = run(NULL, "probe", "caps", "syscall", "keyctl", "syscall", "mount", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strstr(r.out, "cap_eff=00000000a80425fb\n") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "no_new_privs=1\nseccomp=2\n") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "syscall=keyctl result=EPERM\nsyscall=mount result=EPERM\n") != NULL, "%s", r.out);
	run_free(&r);
	r = run(NULL, "--cap-drop", "ALL", "--cap-add", "NET_BIND_SERVICE", "probe", "caps", NULL);
	ck_assert_msg(strstr(r.out, "cap_eff=0000000000000400\n") != NULL, "%s", r.out);
	run_free(&r);
	r = run(NULL, "--security-opt", "seccomp=unconfined", "probe", "caps", "syscall", "keyctl", NULL);
	ck_assert_msg(strstr(r.out, "seccomp=0\n") != NULL, "%s", r.out);
	run_free(&r);
	r = run(NULL, "--privileged", "probe", "caps", "syscall", "mount", NULL);
	ck_assert_msg(strstr(r.out, "seccomp=0\n") != NULL && strstr(r.out, "syscall=mount result=ok") != NULL, "%s",
		      r.out);
	run_free(&r);
	r = run(NULL, "--cap-add", "CAP_FOO", "true", NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "unknown capability") != NULL, "%s", r.err);
	run_free(&r);
}
END_TEST

/* Docker's profile names no call above 466 (removexattrat): 467 (open_tree_attr since Linux
 * 6.15) must be refused, and ENOSYS lets a program fall back as on an older kernel. On a
 * kernel that has 467, the kernel's own answer to our arguments would be EBADF ("ok"). */
START_TEST(run_refuses_calls_newer_than_its_filter_and_vsock_but_allows_process_vm_readv)
{
	struct run_result r = run(NULL, "probe", "syscall", "nr:467", "syscall", "nr:1000", "syscall", "socket-vsock",
				  "syscall", "socket-inet", "syscall", "process_vm_readv", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.out, "syscall=nr:467 result=ENOSYS\n") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "syscall=nr:1000 result=ENOSYS\n") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "syscall=socket-vsock result=EPERM\n") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "syscall=socket-inet result=ok\n") != NULL, "%s", r.out);
	/* allowed by the filter since Linux 4.8, as ptrace; our own memory needs no capability */
	ck_assert_msg(strstr(r.out, "syscall=process_vm_readv result=ok\n") != NULL, "%s", r.out);
	run_free(&r);
	/* unconfined: the same numbers reach the kernel */
	r = run(NULL, "--security-opt", "seccomp=unconfined", "probe", "syscall", "socket-vsock", NULL);
	ck_assert_msg(strstr(r.out, "syscall=socket-vsock result=ok\n") != NULL, "%s", r.out);
	run_free(&r);
}
END_TEST

/* --- PID 1's duties -------------------------------------------------------- */

START_TEST(signals_sent_to_run_reach_the_command)
{
	struct background b;
	start(&b, (const char *const[]){ "probe", "wait-signal", NULL });
	ck_assert(read_until(b.out, b.text, sizeof(b.text), &b.length, "waiting=signals", 10000));
	kill(b.pid, SIGUSR1);
	ck_assert_int_eq(finish(&b, 10000), 0);
	ck_assert_msg(strstr(b.text, "signal=SIGUSR1\n") != NULL, "%s", b.text);
}
END_TEST

START_TEST(a_command_that_ignores_signals_still_stops_at_once_on_sigterm)
{
	struct background b;
	start(&b, (const char *const[]){ "probe", "ignore-signals", NULL });
	ck_assert(read_until(b.out, b.text, sizeof(b.text), &b.length, "ignoring=all", 10000));
	long started = now_ms();
	kill(b.pid, SIGTERM);
	ck_assert_int_eq(finish(&b, 5000), 128 + SIGKILL);
	ck_assert_msg(now_ms() - started < 2000, "took %ld ms", now_ms() - started);

	/* busybox sleep installs no handler: as PID 1 it would ignore SIGTERM; as PID 2 it dies */
	start(&b, (const char *const[]){ "sh", "-c", "echo started; exec sleep 60", NULL });
	ck_assert(read_until(b.out, b.text, sizeof(b.text), &b.length, "started", 10000));
	ck_assert_msg(wait_for_descendant(b.pid, "sleep", 20000), "sleep did not start within 20 s");
	started = now_ms();
	kill(b.pid, SIGTERM);
	ck_assert_int_eq(finish(&b, 5000), 128 + SIGTERM);
	ck_assert_msg(now_ms() - started < 2000, "took %ld ms", now_ms() - started);
}
END_TEST

START_TEST(init_reaps_orphaned_zombies)
{
	/* The subshell exits at once, so its sleep is re-parented to PID 1; when it exits, only
	 * an init that wait()s removes it from the process table. The shell waits (at most 10 s,
	 * within run()'s 15) until no process named sleep is left, living or zombie, then counts
	 * the zombies. */
	struct run_result r = run(NULL, "sh", "-c",
				  "(sleep 0.1 &); (sleep 0.1 &); i=0;"
				  "while ps -o comm | grep -q '^sleep$' && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done;"
				  "ps -o pid,ppid,stat,comm | grep -c ' Z '",
				  NULL);
	ck_assert_msg(strcmp(r.out, "0\n") == 0, "zombies: %s %s", r.out, r.err);
	run_free(&r);
}
END_TEST

START_TEST(the_exit_code_is_the_commands_or_128_plus_the_signal)
{
	struct run_result r = run(NULL, "probe", "exit", "42", NULL);
	ck_assert_int_eq(r.status, 42);
	run_free(&r);
	r = run(NULL, "sh", "-c", "kill -KILL $$", NULL);
	ck_assert_int_eq(r.status, 137);
	run_free(&r);
	r = run(NULL, "true", NULL);
	ck_assert_int_eq(r.status, 0);
	run_free(&r);
}
END_TEST

/* --- user namespaces --------------------------------------------------------- */

START_TEST(userns_maps_root_inside_to_an_unprivileged_range_outside)
{
	struct run_result r = run(NULL, "--userns", "sh", "-c", "probe ids; cat /proc/self/uid_map /proc/self/gid_map",
				  NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strstr(r.out, "uid=0\ngid=0\n") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "         0     100000      65536\n         0     100000      65536\n") != NULL,
		      "%s", r.out);
	run_free(&r);
	r = run(NULL, "--uidmap", "0:200000:1000", "--gidmap", "0:300000:10", "-u", "5:6", "sh", "-c",
		"probe ids; cat /proc/self/uid_map /proc/self/gid_map", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strstr(r.out, "uid=5\ngid=6\n") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "200000       1000\n") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "300000         10\n") != NULL, "%s", r.out);
	run_free(&r);
	/* the container's root is uid 100000 outside: a 0700 folder on the way stops it, clearly */
	ck_assert_int_eq(chmod(sandbox.dir, 0700), 0);
	r = run(NULL, "--userns", "true", NULL);
	chmod(sandbox.dir, 0755);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "root is uid 100000 outside") != NULL && strstr(r.err, "chmod o+x") != NULL, "%s",
		      r.err);
	run_free(&r);
	/* sharing the host's network, a user namespace cannot mount a sysfs: the host's, read-only */
	r = run(NULL, "--userns", "--network", "host", "sh", "-c", "ls /sys/class/net | grep -c .; touch /sys/x", NULL);
	ck_assert_msg(atoi(r.out) > 1, "%s", r.out);
	ck_assert_msg(strstr(r.err, "Read-only file system") != NULL, "%s", r.err);
	run_free(&r);
	/* a uid outside the map is refused, clearly */
	r = run(NULL, "--gidmap", "0:300000:10", "-u", "50:50", "true", NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "is it mapped in the user namespace?") != NULL, "%s", r.err);
	run_free(&r);
}
END_TEST

/* A user's own state folders, as tinydock picks them when not root (files.h): point the
 * environment of uid 65534 at folders of its own in the sandbox, without TINYDOCK_ROOT/RUN. */
static void make_user_state_folders(uid_t uid, char data[PATH_MAX], char runtime[PATH_MAX])
{
	snprintf(data, PATH_MAX, "%s/user-data", sandbox.dir);
	snprintf(runtime, PATH_MAX, "%s/user-run", sandbox.dir);
	ck_assert_int_eq(mkdir(data, 0700), 0);
	ck_assert_int_eq(mkdir(runtime, 0700), 0);
	ck_assert_int_eq(chown(data, uid, uid), 0);
	ck_assert_int_eq(chown(runtime, uid, uid), 0);
}

static void use_user_state_folders(const char *data, const char *runtime)
{
	unsetenv("TINYDOCK_ROOT");
	unsetenv("TINYDOCK_RUN");
	setenv("XDG_DATA_HOME", data, 1);
	setenv("XDG_RUNTIME_DIR", runtime, 1);
}

/* The one container recorded under data/tinydock: its log's text (static buffer). */
static const char *recorded_log(const char *data)
{
	static char text[8192];
	char dir[PATH_MAX + 32], path[PATH_MAX * 2];
	snprintf(dir, sizeof(dir), "%s/tinydock/containers", data);
	DIR *d = opendir(dir);
	ck_assert_msg(d != NULL, "no containers folder in %s", dir);
	struct dirent *e;
	int found = 0;
	text[0] = '\0';
	while ((e = readdir(d))) {
		if (strlen(e->d_name) != 64)
			continue;
		found++;
		snprintf(path, sizeof(path), "%s/%s/container.log", dir, e->d_name);
		size_t length = 0;
		char *log = read_file(path, &length);
		snprintf(text, sizeof(text), "%s", log ? log : "");
		free(log);
	}
	closedir(d);
	ck_assert_int_eq(found, 1);
	return text;
}

/* Whether the kernel lets uid 65534 create a user namespace, asked of the kernel itself
 * (unshare(2) in a child that dropped to that uid), not read from tinydock's error message:
 * a tinydock that fails for another reason must fail the test, not skip it. */
static bool kernel_allows_unprivileged_user_namespaces(char *why, size_t size)
{
	int pipefd[2];
	ck_assert_int_eq(pipe(pipefd), 0);
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		close(pipefd[0]);
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			_exit(99);
		int rc = unshare(CLONE_NEWUSER) == 0 ? 0 : errno;
		(void)!write(pipefd[1], &rc, sizeof(rc));
		_exit(0);
	}
	close(pipefd[1]);
	int rc = -1, status;
	ssize_t n = read(pipefd[0], &rc, sizeof(rc));
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	ck_assert_msg(n == sizeof(rc), "the probe child could not drop to uid 65534 (status %d)", status);
	snprintf(why, size, "unshare(CLONE_NEWUSER) as uid 65534: %s", strerror(rc));
	return rc == 0;
}

START_TEST(a_normal_user_runs_a_rootless_container_with_its_own_uid_as_root)
{
	char why[128];
	if (!kernel_allows_unprivileged_user_namespaces(why, sizeof(why)))
		SKIP_TEST("this kernel refuses unprivileged user namespaces (%s)", why);
	char binary[PATH_MAX], data[PATH_MAX], runtime[PATH_MAX];
	make_user_state_folders(65534, data, runtime);
	snprintf(binary, sizeof(binary), "%s/tinydock", sandbox.dir);
	ck_assert_int_eq(copy_file(tinydock_binary(), binary), 0);
	int out[2];
	ck_assert_int_eq(pipe(out), 0);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(out[1], 2);
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			_exit(99);
		use_user_state_folders(data, runtime);
		execl(binary, "tinydock", "run", "--rootfs", sandbox.rootfs, "sh", "-c",
		      "probe ids hostname; cat /proc/self/uid_map", (char *)NULL);
		_exit(98);
	}
	close(out[1]);
	char text[4096] = "";
	size_t length = 0;
	read_until(out[0], text, sizeof(text), &length, "\x01never", 10000);
	close(out[0]);
	int status;
	waitpid(pid, &status, 0);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d: %s", status, text);
	ck_assert_msg(strstr(text, "uid=0\n") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "         0      65534          1\n") != NULL, "%s", text);
	/* Recorded in the user's own folder (chapter 03), with its log. */
	const char *log = recorded_log(data);
	ck_assert_msg(strstr(log, "{\"log\":\"uid=0\\n\",\"stream\":\"stdout\"") != NULL, "%s", log);
}
END_TEST

/* Write text to an existing file; false on failure. */
static bool put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	bool ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	if (fd >= 0)
		close(fd);
	return ok;
}

START_TEST(a_normal_user_is_told_clearly_when_the_kernel_refuses_user_namespaces)
{
	/* Without touching the machine's settings: as uid 65534, enter a user namespace of our own
	 * (uid 65534 mapped to itself, so tinydock is still "not root" in it), and set ITS limit
	 * user.max_user_namespaces to 0, which every namespace created below it must respect. */
	char binary[PATH_MAX], data[PATH_MAX], runtime[PATH_MAX];
	make_user_state_folders(65534, data, runtime);
	snprintf(binary, sizeof(binary), "%s/tinydock", sandbox.dir);
	ck_assert_int_eq(copy_file(tinydock_binary(), binary), 0);
	int err[2];
	ck_assert_int_eq(pipe(err), 0);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(err[1], 2);
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			_exit(99);
		use_user_state_folders(data, runtime);
		/* changing uid made us non-dumpable, which hands our /proc/self files to root */
		prctl(PR_SET_DUMPABLE, 1);
		if (unshare(CLONE_NEWUSER) < 0)
			_exit(97); /* unprivileged user namespaces are refused already */
		if (!put("/proc/self/setgroups", "deny") || !put("/proc/self/uid_map", "65534 65534 1") ||
		    !put("/proc/self/gid_map", "65534 65534 1") || !put("/proc/sys/user/max_user_namespaces", "0"))
			_exit(96);
		execl(binary, "tinydock", "run", "--rootfs", sandbox.rootfs, "true", (char *)NULL);
		_exit(98);
	}
	close(err[1]);
	char text[4096] = "";
	size_t length = 0;
	read_until(err[0], text, sizeof(text), &length, "\x01never", 10000);
	close(err[0]);
	int status;
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && (WEXITSTATUS(status) == 97 || WEXITSTATUS(status) == 96)) {
		harness_skip("cannot make a user namespace with a limit of 0 here (step %d)", WEXITSTATUS(status));
		return;
	}
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 125, "status %d: %s", status, text);
	ck_assert_msg(strstr(text, "tinydock: run: cannot create a user namespace as uid 65534 for a rootless container") != NULL,
		      "%s", text);
	ck_assert_msg(strstr(text, "max_user_namespaces") != NULL, "%s", text);
	ck_assert_msg(strchr(text, '\n') == text + strlen(text) - 1, "more than one line: %s", text);
}
END_TEST

/* --- the terminal ------------------------------------------------------------ */

static void type(int master, const char *text)
{
	ck_assert_int_eq(write_all(master, text, strlen(text)), 0);
}

START_TEST(it_gives_a_real_terminal_with_size_ctrl_c_and_job_control)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	ck_assert(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0);
	char *slave_name = ptsname(master);
	struct winsize size = { .ws_row = 30, .ws_col = 100 };
	ck_assert_int_eq(ioctl(master, TIOCSWINSZ, &size), 0);
	struct termios before;
	ck_assert_int_eq(tcgetattr(master, &before), 0);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		/* the user's terminal: a session whose controlling terminal is the slave */
		setsid();
		int slave = open(slave_name, O_RDWR);
		ioctl(slave, TIOCSCTTY, 0);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		execl(tinydock_binary(), "tinydock", "run", "-it", "--rootfs", sandbox.rootfs, "sh", (char *)NULL);
		_exit(127);
	}
	static char screen[65536];
	size_t length = 0;
	screen[0] = '\0';
	bool prompt = read_until(master, screen, sizeof(screen), &length, "# ", 10000);
	/* the terminal is ours, in raw mode, while the container runs */
	struct termios during;
	tcgetattr(master, &during);

	type(master, "tty; stty size; echo M$((40+2))\r");
	bool first = read_until(master, screen, sizeof(screen), &length, "M42", 5000);
	/* Ctrl-C interrupts the container's foreground job, not the shell nor tinydock */
	type(master, "echo Z$((1+2)); sleep 30\r");
	read_until(master, screen, sizeof(screen), &length, "Z3", 5000);
	bool sleeping = wait_for_descendant(pid, "sleep", 20000);
	type(master, "\x03");
	long started = now_ms();
	type(master, "echo C$((1+1))\r");
	bool interrupted = read_until(master, screen, sizeof(screen), &length, "C2", 5000);
	long interrupt_ms = now_ms() - started;
	/* job control: a background job, listed by jobs */
	type(master, "sleep 40 &\r");
	type(master, "jobs; echo J$((2+3))\r");
	bool jobs = read_until(master, screen, sizeof(screen), &length, "J5", 5000);
	/* the window grows: the kernel sends SIGWINCH to tinydock, which copies the size */
	size = (struct winsize){ .ws_row = 40, .ws_col = 120 };
	ioctl(master, TIOCSWINSZ, &size);
	/* Asked again until the new size shows (at most 20 s): tinydock copies it when SIGWINCH
	 * comes, some time after the ioctl. */
	bool resized = false;
	for (long deadline = now_ms() + 20000; !resized && now_ms() < deadline;) {
		/* each answer read into the screen's free end, and looked at alone */
		char *answer = screen + length;
		size_t answer_length = 0;
		type(master, "stty size; echo W$((3+4))\r");
		bool answered = read_until(master, answer, sizeof(screen) - length, &answer_length, "W7", 5000);
		length += answer_length;
		if (!answered)
			break;
		resized = strstr(answer, "40 120") != NULL;
	}
	type(master, "exit 3\r");
	/* Wait (at most 20 s) for tinydock to end, reading what it still writes to the terminal. */
	int status = -1;
	for (long deadline = now_ms() + 20000; waitpid(pid, &status, WNOHANG) == 0 && now_ms() < deadline;) {
		read_until(master, screen, sizeof(screen), &length, "\x01never", 50);
		sleep_ms(10);
	}
	if (!WIFEXITED(status)) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	struct termios after;
	tcgetattr(master, &after);
	close(master);

	ck_assert_msg(prompt, "no prompt: %s", screen);
	ck_assert_msg(!(during.c_lflag & (ICANON | ECHO)), "the terminal was not in raw mode");
	ck_assert_msg(first, "screen: %s", screen);
	ck_assert_msg(strstr(screen, "/dev/pts/0") != NULL, "tty inside is not the container's: %s", screen);
	ck_assert_msg(strstr(screen, "30 100") != NULL, "size not copied: %s", screen);
	ck_assert_msg(sleeping, "sleep 30 did not start: %s", screen);
	ck_assert_msg(interrupted && interrupt_ms < 3000, "Ctrl-C did not stop sleep: %s", screen);
	ck_assert_msg(jobs && strstr(screen, "Running") != NULL, "no job control: %s", screen);
	ck_assert_msg(resized && strstr(screen, "40 120") != NULL, "size not followed: %s", screen);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 3, "status %d: %s", status, screen);
	ck_assert_msg(after.c_lflag == before.c_lflag && after.c_iflag == before.c_iflag &&
			      after.c_oflag == before.c_oflag,
		      "the terminal's mode was not restored");
}
END_TEST

/* Capture the tmux pane into screen until it shows needle (true), at most 20 s. */
static bool tmux_screen_until(const char *const capture[], const char *needle, char *screen, size_t size)
{
	long deadline = now_ms() + 20000;
	for (;;) {
		struct run_result r = run_program(NULL, 5, capture);
		snprintf(screen, size, "%s", r.out ? r.out : "");
		run_free(&r);
		if (strstr(screen, needle))
			return true;
		if (now_ms() >= deadline)
			return false;
		sleep_ms(50);
	}
}

START_TEST(it_works_in_tmux_as_a_person_would_use_it)
{
	if (!have_program("tmux"))
		SKIP_TEST("tmux is not installed");
	char server[64], command[PATH_MAX * 2 + 128];
	snprintf(server, sizeof(server), "tinydock-test-%d", (int)getpid());
	snprintf(command, sizeof(command), "%s run -it --rootfs %s sh; echo EXIT=$?; sleep 30", tinydock_binary(),
		 sandbox.rootfs);
	const char *start_tmux[] = { "tmux", "-L", server, "new-session", "-d", "-x", "90", "-y", "25", command, NULL };
	struct run_result r = run_program(NULL, 10, start_tmux);
	int started = r.status;
	run_free(&r);
	const char *send_1[] = { "tmux", "-L", server, "send-keys", "hostname; stty size", "Enter", NULL };
	const char *send_2[] = { "tmux", "-L", server, "send-keys", "exit 7", "Enter", NULL };
	const char *capture[] = { "tmux", "-L", server, "capture-pane", "-p", NULL };
	const char *stop[] = { "tmux", "-L", server, "kill-server", NULL };
	char screen[8192] = "";
	/* Each step waits (at most 20 s) for what a person would see first: the prompt, the
	 * answer, the exit. */
	bool prompt = false, answer = false, exited = false;
	if (started == 0) {
		prompt = tmux_screen_until(capture, "/ #", screen, sizeof(screen));
		run_free((r = run_program(NULL, 5, send_1), &r));
		answer = prompt && tmux_screen_until(capture, "25 90", screen, sizeof(screen));
		run_free((r = run_program(NULL, 5, send_2), &r));
		exited = answer && tmux_screen_until(capture, "EXIT=", screen, sizeof(screen));
	}
	run_free((r = run_program(NULL, 5, stop), &r));
	ck_assert_int_eq(started, 0);
	ck_assert_msg(prompt, "no prompt: %s", screen);
	ck_assert_msg(answer, "screen: %s", screen);
	ck_assert_msg(exited && strstr(screen, "EXIT=7") != NULL, "screen: %s", screen);
}
END_TEST

/* --- --explain and bad input ----------------------------------------------- */

START_TEST(explain_shows_every_namespace_mount_pivot_id_change_and_the_exec)
{
	const char *argv[] = { tinydock_binary(), "--explain", "run", "--rootfs", sandbox.rootfs, "--hostname", "box",
			       "--userns", "-u", "7", "true", NULL };
	struct run_result r = run_program(NULL, 15, argv);
	ck_assert_int_eq(r.status, 0);
	const char *expected[] = {
		"] clone(CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWNET|SIGCHLD) = ",
		"/uid_map = \"0 100000 65536\" = 0",
		"sync: received SYNC_USERMAP",
		"] setresuid(0, 0, 0) = 0",
		"] mount(NULL, \"/\", NULL, MS_REC|MS_PRIVATE, NULL) = 0",
		"\"proc\", MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL) = 0",
		"\"devpts\", MS_NOSUID|MS_NOEXEC, \"newinstance,ptmxmode=0666,mode=0620\") = 0",
		"] pivot_root(\".\", \".\") = 0",
		"] umount2(\".\", MNT_DETACH) = 0",
		"] sethostname(\"box\") = 0",
		"] setresuid(7, 7, 7) = 0",
		"] seccomp(SECCOMP_SET_MODE_FILTER, 0, ",
		"] execve(\"/bin/true\", [\"true\"])",
		"] init: waitpid(2) = exited with 0",
	};
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
		ck_assert_msg(strstr(r.err, expected[i]) != NULL, "missing %s in: %s", expected[i], r.err);
	/* propagation is private before the rootfs bind, which comes before pivot_root */
	ck_assert(strstr(r.err, "MS_REC|MS_PRIVATE") < strstr(r.err, "MS_BIND|MS_REC"));
	ck_assert(strstr(r.err, "MS_BIND|MS_REC") < strstr(r.err, "pivot_root"));
	/* and the security step is the last before execve */
	ck_assert(strstr(r.err, "setresuid(7, 7, 7)") < strstr(r.err, "seccomp(SECCOMP_SET_MODE_FILTER"));
	ck_assert(strstr(r.err, "seccomp(SECCOMP_SET_MODE_FILTER") < strstr(r.err, "execve("));
	run_free(&r);
}
END_TEST

START_TEST(bad_input_gets_one_clear_line_and_leaves_nothing_behind)
{
	char empty[PATH_MAX], trap[PATH_MAX], long_name[80];
	snprintf(empty, sizeof(empty), "%s/empty-rootfs", sandbox.dir);
	ck_assert_int_eq(make_dirs(empty, 0755), 0);
	/* a rootfs whose /proc is a symbolic link to the host's /etc: refused mid-setup */
	snprintf(trap, sizeof(trap), "%s/proc", sandbox.rootfs);
	memset(long_name, 'a', 70);
	long_name[70] = '\0';
	struct {
		const char *args[6];
		int status;
		const char *message;
	} cases[] = {
		{ { "no-such-command" }, 127, "tinydock: run: \"no-such-command\": executable file not found in $PATH" },
		{ { "/etc/passwd" }, 126, "tinydock: run: \"/etc/passwd\" is not executable" },
		{ { "-u", "abc", "true" }, 125, "tinydock: run: unable to find user abc: no matching entries in passwd file" },
		{ { "-u", "a:b:c", "true" }, 125, "tinydock: run: invalid user \"a:b:c\"" },
		{ { "--hostname", long_name, "true" }, 125, "70 characters, at most 64" },
		{ { "--bogus", "true" }, 125, "tinydock: run: unknown flag: --bogus" },
		{ { "-w", "relative", "true" }, 125, "it needs to be an absolute path" },
		{ { "--network", "nosuch", "true" }, 125, "tinydock: run: network nosuch not found" },
		{ { "-it", "sh" }, 125, "tinydock: run: the input device is not a TTY" },
		{ { "--uidmap", "0:1", "true" }, 125, "expected CONTAINER:HOST:COUNT" },
		{ { "TRAP" }, 125, "not a folder" },
		{ { "EMPTY" }, 127, "has no /bin/sh" },
	};
	int mounts_before = mounts_mentioning(sandbox.dir);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *argv[16] = { tinydock_binary(), "run", "--rootfs", sandbox.rootfs };
		int n = 4;
		if (strcmp(cases[i].args[0], "EMPTY") == 0) {
			argv[3] = empty;
		} else if (strcmp(cases[i].args[0], "TRAP") == 0) {
			rmdir(trap);
			ck_assert_int_eq(symlink("/etc", trap), 0);
			argv[n++] = "true";
		} else {
			for (int a = 0; cases[i].args[a]; a++)
				argv[n++] = cases[i].args[a];
		}
		argv[n] = NULL;
		struct run_result r = run_program(NULL, 15, argv);
		if (strcmp(cases[i].args[0], "TRAP") == 0) {
			unlink(trap);
			mkdir(trap, 0755);
		}
		ck_assert_msg(r.status == cases[i].status, "case %zu: status %d: %s", i, r.status, r.err);
		ck_assert_msg(strstr(r.err, cases[i].message) != NULL, "case %zu: stderr: %s", i, r.err);
		/* one line (usage errors add Docker's "See 'tinydock run --help'." hint) */
		char *second = strchr(r.err, '\n');
		ck_assert_msg(second && (second[1] == '\0' || strncmp(second + 1, "See 'tinydock run --help'.\n", 27) == 0),
			      "case %zu: more than one line: %s", i, r.err);
		run_free(&r);
		ck_assert_int_eq(mounts_mentioning(sandbox.dir), mounts_before);
		ck_assert_msg(processes_mentioning(sandbox.dir) == 0, "case %zu left a process behind", i);
	}
}
END_TEST

START_TEST(a_killed_run_takes_its_container_with_it)
{
	struct background b;
	start(&b, (const char *const[]){ "probe", "ignore-signals", NULL });
	ck_assert(read_until(b.out, b.text, sizeof(b.text), &b.length, "ignoring=all", 10000));
	/* run, its logger (chapter 03 keeps the log of a foreground run too) and the container's init */
	ck_assert_int_eq(processes_mentioning(sandbox.dir), 3);
	kill(b.pid, SIGKILL);
	ck_assert_int_eq(finish(&b, 5000), 137);
	int left = -1;
	for (long deadline = now_ms() + 20000; (left = processes_mentioning(sandbox.dir)) != 0 && now_ms() < deadline;)
		sleep_ms(20);
	ck_assert_msg(left == 0, "the container outlived its run process (20 s)");
}
END_TEST

Suite *namespaces_suite(void)
{
	Suite *s = suite_create("02-namespaces");
	TCase *t = tcase_create("run");
	harness_use_stage(t, 2);
	harness_use_sandbox(t);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, the_command_runs_under_its_own_pid_1_and_sees_only_its_processes);
	tcase_add_test(t, every_namespace_differs_from_the_host_except_the_network_with_network_host);
	tcase_add_test(t, hostname_is_the_short_id_by_default_or_the_one_given);
	tcase_add_test(t, proc_sys_and_dev_are_the_containers_own);
	tcase_add_test(t, proc_paths_are_masked_or_read_only_unless_privileged);
	tcase_add_test(t, the_host_root_is_unreachable_and_the_chroot_escape_fails);
	tcase_add_test(t, the_host_tinydock_binary_cannot_be_opened_for_writing_through_proc_1_exe);
	tcase_add_test(t, network_none_has_only_loopback_and_it_is_up);
	tcase_add_test(t, environment_working_folder_and_user_are_set);
	tcase_add_test(t, stdin_is_passed_through_with_i_and_empty_without);
	tcase_add_test(t, run_reduces_privileges_as_docker_does_and_the_flags_relax_them);
	tcase_add_test(t, run_refuses_calls_newer_than_its_filter_and_vsock_but_allows_process_vm_readv);
	tcase_add_test(t, signals_sent_to_run_reach_the_command);
	tcase_add_test(t, a_command_that_ignores_signals_still_stops_at_once_on_sigterm);
	tcase_add_test(t, init_reaps_orphaned_zombies);
	tcase_add_test(t, the_exit_code_is_the_commands_or_128_plus_the_signal);
	tcase_add_test(t, userns_maps_root_inside_to_an_unprivileged_range_outside);
	tcase_add_test(t, a_normal_user_is_told_clearly_when_the_kernel_refuses_user_namespaces);
	tcase_add_test(t, it_gives_a_real_terminal_with_size_ctrl_c_and_job_control);
	tcase_add_test(t, it_works_in_tmux_as_a_person_would_use_it);
	tcase_add_test(t, explain_shows_every_namespace_mount_pivot_id_change_and_the_exec);
	tcase_add_test(t, bad_input_gets_one_clear_line_and_leaves_nothing_behind);
	suite_add_tcase(s, t);
	/* Two tests of run that check what chapter 03 adds to every run, so they are judged by
	 * build/ch03/tinydock: the rootless run's record and log under the user's own state folder,
	 * and the logger process that goes with a killed run. */
	TCase *recorded = tcase_create("run, recorded by chapter 03");
	harness_use_stage(recorded, 3);
	harness_use_sandbox(recorded);
	tcase_set_timeout(recorded, 60);
	tcase_add_test(recorded, a_normal_user_runs_a_rootless_container_with_its_own_uid_as_root);
	tcase_add_test(recorded, a_killed_run_takes_its_container_with_it);
	suite_add_tcase(s, recorded);
	return s;
}
