/*
 * harness.c - sandboxes, running programs with a timeout, cleanup (see harness.h).
 */
#include "harness.h"
#include "json.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "files.h"
#include "ipam.h"
#include "links.h"
#include "rtnl.h"

struct sandbox sandbox;

/* The stage binary of the running test case's chapter (harness_use_stage), "" for $TINYDOCK.
 * Set in the runner process by the test case's unchecked fixture before its tests are forked,
 * so every test of the case inherits it. */
static char stage_binary[PATH_MAX];

const char *tinydock_binary(void)
{
	if (stage_binary[0])
		return stage_binary;
	const char *path = getenv("TINYDOCK");
	return path ? path : "build/tinydock";
}

void harness_stage_binary(int chapter, char path[PATH_MAX])
{
	const char *whole = getenv("TINYDOCK") ? getenv("TINYDOCK") : "build/tinydock";
	const char *slash = strrchr(whole, '/');
	int folder = slash ? (int)(slash - whole) : 1;
	snprintf(path, PATH_MAX, "%.*s/ch%02d/tinydock", folder, slash ? whole : ".", chapter);
}

static void use_stage(int chapter)
{
	harness_stage_binary(chapter, stage_binary);
}

static void end_stage(void)
{
	stage_binary[0] = '\0';
}

/* Check's fixtures take no argument: one per chapter. */
static void stage_01(void) { use_stage(1); }
static void stage_02(void) { use_stage(2); }
static void stage_03(void) { use_stage(3); }
static void stage_04(void) { use_stage(4); }
static void stage_05(void) { use_stage(5); }
static void stage_06(void) { use_stage(6); }
static void stage_07(void) { use_stage(7); }
static void stage_08(void) { use_stage(8); }

void harness_use_stage(struct TCase *t, int chapter)
{
	static void (*const stages[])(void) = { NULL,     stage_01, stage_02, stage_03, stage_04,
						stage_05, stage_06, stage_07, stage_08 };
	if (chapter < 1 || chapter >= (int)(sizeof(stages) / sizeof(stages[0]))) {
		fprintf(stderr, "harness_use_stage: no chapter %d\n", chapter);
		abort();
	}
	tcase_add_unchecked_fixture(t, stages[chapter], end_stage);
}

const char *probe_binary(void)
{
	const char *path = getenv("TINYDOCK_PROBE");
	return path ? path : "build/probe";
}

const char *escape_binary(void)
{
	const char *path = getenv("TINYDOCK_ESCAPE");
	return path ? path : "build/chroot-escape";
}

void harness_source_path(const char *relative, char out[PATH_MAX])
{
	char folder[PATH_MAX];
	snprintf(folder, sizeof(folder), "%s", tinydock_binary());
	for (char *slash; (slash = strrchr(folder, '/'));) {
		*slash = '\0';
		snprintf(out, PATH_MAX, "%s/%s", folder[0] ? folder : "", relative);
		if (access(out, F_OK) == 0)
			return;
	}
	snprintf(out, PATH_MAX, "%s", relative); /* a relative binary: the working folder */
}

/* Every sandbox made is listed in this file, so the runner process can remove what a crashed
 * test left behind. */
static const char *sandbox_list(void)
{
	return getenv("TINYDOCK_SANDBOX_LIST");
}

static void sandbox_setup(void)
{
	snprintf(sandbox.dir, sizeof(sandbox.dir), "/tmp/tinydock-test.XXXXXX");
	ck_assert_msg(mkdtemp(sandbox.dir) != NULL, "mkdtemp: %s", strerror(errno));
	FILE *list = sandbox_list() ? fopen(sandbox_list(), "a") : NULL;
	if (list) {
		fprintf(list, "%s\n", sandbox.dir);
		fclose(list);
	}
	chmod(sandbox.dir, 0755);
	snprintf(sandbox.root, sizeof(sandbox.root), "%s/root", sandbox.dir);
	snprintf(sandbox.run, sizeof(sandbox.run), "%s/run", sandbox.dir);
	snprintf(sandbox.rootfs, sizeof(sandbox.rootfs), "%s/rootfs", sandbox.dir);
	ck_assert_int_eq(make_dirs(sandbox.root, 0755), 0);
	ck_assert_int_eq(make_dirs(sandbox.run, 0755), 0);
	setenv("TINYDOCK_ROOT", sandbox.root, 1);
	setenv("TINYDOCK_RUN", sandbox.run, 1);

	struct run_result r = run_tinydock(NULL, 30, "rootfs", sandbox.rootfs, NULL);
	ck_assert_msg(r.status == 0, "tinydock rootfs failed (%d): %s", r.status, r.err);
	run_free(&r);
	char target[PATH_MAX];
	snprintf(target, sizeof(target), "%s/bin/probe", sandbox.rootfs);
	ck_assert_msg(copy_file(probe_binary(), target) == 0, "copy probe: %s", error_message());
	snprintf(target, sizeof(target), "%s/bin/chroot-escape", sandbox.rootfs);
	ck_assert_msg(copy_file(escape_binary(), target) == 0, "copy escape: %s", error_message());
}

/* Mount points below dir, read from /proc/self/mountinfo, deepest (longest) first. */
static int unmount_below(const char *dir)
{
	size_t len = strlen(dir);
	int unmounted = 0;
	for (int round = 0; round < 64; round++) {
		FILE *f = fopen("/proc/self/mountinfo", "r");
		if (!f)
			return unmounted;
		char line[8192], deepest[PATH_MAX] = "";
		while (fgets(line, sizeof(line), f)) {
			char point[PATH_MAX];
			if (sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1)
				continue;
			if (strncmp(point, dir, len) == 0 && (point[len] == '/' || point[len] == '\0') &&
			    strlen(point) > strlen(deepest))
				snprintf(deepest, sizeof(deepest), "%s", point);
		}
		fclose(f);
		if (!deepest[0])
			break;
		if (umount2(deepest, MNT_DETACH) < 0)
			break;
		unmounted++;
	}
	return unmounted;
}

/* Containers a test left (running under their monitors, with cgroups): `tinydock rm -f` each,
 * with the sandbox's state folders, so that nothing is left running or in the cgroup tree. */
static void remove_containers(const char *dir)
{
	char containers[PATH_MAX], root[PATH_MAX], run[PATH_MAX];
	snprintf(containers, sizeof(containers), "%s/root/containers", dir);
	DIR *d = opendir(containers);
	if (!d)
		return;
	char *saved_root = getenv("TINYDOCK_ROOT") ? strdup(getenv("TINYDOCK_ROOT")) : NULL;
	char *saved_run = getenv("TINYDOCK_RUN") ? strdup(getenv("TINYDOCK_RUN")) : NULL;
	snprintf(root, sizeof(root), "%s/root", dir);
	snprintf(run, sizeof(run), "%s/run", dir);
	setenv("TINYDOCK_ROOT", root, 1);
	setenv("TINYDOCK_RUN", run, 1);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strlen(e->d_name) != 64)
			continue;
		struct run_result r = run_tinydock(NULL, 20, "rm", "-f", e->d_name, NULL);
		run_free(&r);
	}
	closedir(d);
	if (saved_root)
		setenv("TINYDOCK_ROOT", saved_root, 1);
	if (saved_run)
		setenv("TINYDOCK_RUN", saved_run, 1);
	free(saved_root);
	free(saved_run);
}

void sandbox_remove(const char *dir)
{
	if (!dir[0] || strncmp(dir, "/tmp/tinydock-test.", 19) != 0)
		return;
	remove_containers(dir);
	unmount_below(dir);
	remove_tree(dir);
}

static void sandbox_teardown(void)
{
	sandbox_remove(sandbox.dir);
	sandbox.dir[0] = '\0';
}

/* In the runner process, after the test case: remove every sandbox a test left behind. */
static void sandbox_remove_leftovers(void)
{
	const char *path = sandbox_list();
	FILE *list = path ? fopen(path, "r") : NULL;
	if (!list)
		return;
	char dir[PATH_MAX];
	while (fgets(dir, sizeof(dir), list)) {
		dir[strcspn(dir, "\n")] = '\0';
		sandbox_remove(dir);
	}
	fclose(list);
	unlink(path);
}

void harness_use_sandbox(struct TCase *t)
{
	tcase_add_checked_fixture(t, sandbox_setup, sandbox_teardown);
	tcase_add_unchecked_fixture(t, NULL, sandbox_remove_leftovers);
}

/* Read from both pipes until both close or the deadline passes. */
static void collect(int out_fd, int err_fd, char **out, char **err, time_t deadline)
{
	size_t out_len = 0, err_len = 0, out_cap = 4096, err_cap = 4096;
	*out = calloc(1, out_cap);
	*err = calloc(1, err_cap);
	struct pollfd fds[2] = { { out_fd, POLLIN, 0 }, { err_fd, POLLIN, 0 } };
	while (fds[0].fd >= 0 || fds[1].fd >= 0) {
		int wait_ms = (int)(deadline - time(NULL)) * 1000;
		if (wait_ms <= 0 || poll(fds, 2, wait_ms) <= 0)
			break;
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !fds[i].revents)
				continue;
			char **buf = i == 0 ? out : err;
			size_t *len = i == 0 ? &out_len : &err_len, *cap = i == 0 ? &out_cap : &err_cap;
			if (*len + 4096 >= *cap)
				*buf = realloc(*buf, *cap *= 2);
			ssize_t n = read(fds[i].fd, *buf + *len, *cap - *len - 1);
			if (n <= 0) {
				close(fds[i].fd);
				fds[i].fd = -1;
			} else {
				*len += (size_t)n;
				(*buf)[*len] = '\0';
			}
		}
	}
	for (int i = 0; i < 2; i++)
		if (fds[i].fd >= 0)
			close(fds[i].fd);
}

struct run_result run_program(const char *input, int timeout_seconds, const char *const argv[])
{
	struct run_result result = { -1, NULL, NULL };
	int in[2], out[2], err[2];
	ck_assert(pipe2(in, O_CLOEXEC) == 0 && pipe2(out, O_CLOEXEC) == 0 && pipe2(err, O_CLOEXEC) == 0);
	fflush(NULL);
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "harness: cannot execute %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	if (input) {
		signal(SIGPIPE, SIG_IGN);
		write_all(in[1], input, strlen(input));
	}
	close(in[1]);
	time_t deadline = time(NULL) + timeout_seconds;
	collect(out[0], err[0], &result.out, &result.err, deadline);
	int status = 0;
	for (;;) {
		pid_t done = waitpid(pid, &status, WNOHANG);
		if (done == pid)
			break;
		if (time(NULL) >= deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			result.status = -1;
			return result;
		}
		usleep(2000);
	}
	result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return result;
}

struct run_result run_tinydock(const char *input, int timeout_seconds, const char *arg, ...)
{
	const char *argv[64] = { tinydock_binary() };
	int n = 1;
	va_list ap;
	va_start(ap, arg);
	for (const char *a = arg; a && n < 63; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	return run_program(input, timeout_seconds, argv);
}

void run_free(struct run_result *result)
{
	free(result->out);
	free(result->err);
	result->out = result->err = NULL;
}

bool have_program(const char *name)
{
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	char candidate[PATH_MAX];
	while (*path) {
		const char *end = strchrnul(path, ':');
		snprintf(candidate, sizeof(candidate), "%.*s/%s", (int)(end - path), path, name);
		if (access(candidate, X_OK) == 0)
			return true;
		path = *end ? end + 1 : end;
	}
	return false;
}

/* --- bridges -------------------------------------------------------------------------------- */

static pid_t runner_pid;

void harness_remove_link_at_end(const char *name)
{
	const char *path = getenv("TINYDOCK_LINK_LIST");
	FILE *list = path ? fopen(path, "a") : NULL;
	if (list) {
		fprintf(list, "%s\n", name);
		fclose(list);
	}
}

/* At the runner's exit (not a forked test's): remove every listed link. */
static void remove_listed_links(void)
{
	const char *path = getenv("TINYDOCK_LINK_LIST");
	if (getpid() != runner_pid || !path)
		return;
	FILE *list = fopen(path, "r");
	if (!list)
		return;
	char name[64];
	while (fgets(name, sizeof(name), list)) {
		name[strcspn(name, "\n")] = '\0';
		if (name[0] && link_remove(name) < 0)
			error_clear();
	}
	fclose(list);
	unlink(path);
}

struct route_check {
	struct subnet candidate;
	bool taken;
};

static int check_route(const struct nlmsghdr *h, void *arg)
{
	struct route_check *check = arg;
	struct route r;
	if (rtnl_route(h, &r) == 0 && r.prefix > 0) {
		struct subnet theirs = { .network = r.destination, .prefix = r.prefix };
		check->taken = check->taken || subnets_overlap(&check->candidate, &theirs);
	}
	return 0;
}

void harness_free_subnet(int a, char subnet[32])
{
	int x = (int)getpid() % 250;
	for (int tries = 0; tries < 250; tries++, x = (x + 1) % 250) {
		snprintf(subnet, 32, "10.%d.%d.0/24", a, x);
		struct route_check check = { .taken = false };
		struct rtnl s;
		struct nl_msg m;
		if (subnet_parse(subnet, &check.candidate) < 0 || rtnl_open(&s) < 0)
			break;
		rtnl_msg_dump_routes(&m);
		int rc = rtnl_dump(&s, &m, check_route, &check);
		rtnl_close(&s);
		if (rc < 0 || !check.taken)
			break;
	}
	error_clear();
}

int harness_free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY) };
	socklen_t size = sizeof(a);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &size), 0);
	close(fd);
	return ntohs(a.sin_port);
}

void harness_use_bridge(const char *prefix, int a)
{
	char bridge[16], subnet[32];
	snprintf(bridge, sizeof(bridge), "%s%d", prefix, (int)getpid() % 100000);
	harness_free_subnet(a, subnet);
	setenv("TINYDOCK_BRIDGE", bridge, 1);
	setenv("TINYDOCK_BRIDGE_SUBNET", subnet, 1);
	harness_remove_link_at_end(bridge);
}

void harness_begin(void)
{
	char file[64];
	snprintf(file, sizeof(file), "/tmp/tinydock-skipped.%d", (int)getpid());
	setenv("TINYDOCK_SKIP_FILE", file, 1);
	unlink(file);
	snprintf(file, sizeof(file), "/tmp/tinydock-sandboxes.%d", (int)getpid());
	setenv("TINYDOCK_SANDBOX_LIST", file, 1);
	unlink(file);
	snprintf(file, sizeof(file), "/tmp/tinydock-links.%d", (int)getpid());
	setenv("TINYDOCK_LINK_LIST", file, 1);
	unlink(file);
	runner_pid = getpid();
	atexit(remove_listed_links);
	/* `tinydock run` joins the default bridge network unless told otherwise. */
	if (geteuid() == 0 && !getenv("TINYDOCK_BRIDGE"))
		harness_use_bridge("tdh", 247);
}

void harness_skip(const char *fmt, ...)
{
	char reason[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	/* A record is one line, "TEST<tab>REASON": a reason that spans lines (a daemon's error
	 * output) is flattened, so that the runner counts skipped tests, not lines. */
	for (char *c = reason; *c; c++)
		if (*c == '\n' || *c == '\r' || *c == '\t')
			*c = ' ';
	printf("skipped: %s: %s\n", tcase_name(), reason);
	fflush(stdout);
	/* One record per test, however many times it (or its helpers) calls harness_skip: each
	 * test runs in a process of its own (CK_FORK), and under CK_FORK=no one after the other. */
	static char recorded_for[300];
	char test[300];
	snprintf(test, sizeof(test), "%d %s", (int)getpid(), tcase_name());
	const char *file = getenv("TINYDOCK_SKIP_FILE");
	if (!file || strcmp(test, recorded_for) == 0)
		return;
	snprintf(recorded_for, sizeof(recorded_for), "%s", test);
	FILE *f = fopen(file, "a");
	if (f) {
		fprintf(f, "%s\t%s\n", tcase_name(), reason);
		fclose(f);
	}
}

struct json *inspect_json(const char *ref)
{
	struct run_result r = run_tinydock(NULL, 10, "inspect", ref, NULL);
	ck_assert_msg(r.status == 0, "inspect %s failed: %s", ref, r.err);
	struct json *doc = json_parse(r.out, strlen(r.out));
	ck_assert_msg(doc != NULL, "inspect printed no JSON: %s", r.out);
	run_free(&r);
	struct json *first = json_copy(json_at(doc, 0));
	json_free(doc);
	return first;
}
