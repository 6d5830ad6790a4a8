/*
 * swarm-machines.c - a machine made of namespaces, a cable, two folders and a hostname.
 *
 * What makes two machines two machines, for a swarm, is that each has its own network stack
 * (addresses, ports, routes), its own name, its own disk and its own processes, and that one
 * can lose power or its cable while the others go on. Linux gives the first two as namespaces
 * (network_namespaces(7), uts_namespaces(7)); the folders are TINYDOCK_ROOT and TINYDOCK_RUN
 * of their own; the processes are those that live in its network namespace.
 *
 * A namespace lives as long as something refers to it: a process in it, an open file of it,
 * or a bind mount of its /proc/PID/ns file. ip-netns(8) keeps a named network namespace with
 * the last: `ip netns add` makes one with unshare(2) and bind-mounts /proc/self/ns/net on
 * /run/netns/NAME, so the namespace outlives the process that made it, empty, ready to be
 * entered with setns(2). swarm_machine_make does the same, for each machine:
 *
 *   1. a child unshare(CLONE_NEWNET | CLONE_NEWUTS)s and sets its hostname to the machine's
 *   2. its /proc/PID/ns/net and ns/uts are bind-mounted on SIM/NAME/net and SIM/NAME/uts
 *   3. chapter 02's veth_plug gives the namespace its cable, as it gives one to a container:
 *      a veth pair from the simulator's bridge (host end BRIDGE-N) to eth0 inside, lo and
 *      eth0 up, the machine's address, and a default route via the bridge's address, the host
 *   4. the child exits; the mounts keep both namespaces
 *
 * On that network every machine reaches every other directly (one subnet, one bridge: frames
 * switched by MAC address), and the host reaches every machine through the bridge's address.
 * The default route does not take a machine further: the host never forwards (ip_forward stays
 * 0, no NAT). It is there for the host's other addresses: Linux takes a packet for any of its
 * addresses on any interface (the "weak host" model, RFC 1122 3.3.4.2), so a registry on the
 * host is reached from a machine at the host's own address, as on a real network. A packet for
 * anywhere else ends at the host, which drops it silently (without forwarding, the kernel sends
 * no "unreachable" back: ip_error, net/ipv4/route.c).
 *
 * Running a command on a machine (swarm_machine_run) is a child that setns(2)es into both
 * namespaces and executes the command with the machine's TINYDOCK_ROOT and TINYDOCK_RUN: what
 * `ip netns exec` does, plus the folders. `tinydock swarm init` run there starts a node process
 * that lives in the machine: it listens on the machine's address, and the containers its tasks
 * become have their monitors in the machine's network namespace, so their published ports are
 * the machine's ports.
 *
 * A machine that loses power (swarm_machine_power_off) loses every process at once, with no
 * chance to say goodbye: SIGKILL. Its processes are found two ways. Every process whose
 * /proc/PID/ns/net is the machine's namespace (the same device and inode, namespaces(7)) runs
 * on the machine: the node, its containers' monitors, anything run there. A container's own
 * processes have namespaces of their own, so they are found by their cgroups instead: one per
 * container recorded in the machine's TINYDOCK_ROOT, killed whole and removed by chapter 03's
 * cgroup_remove. Then what a reboot would not find again goes: the mounts made on the
 * machine's behalf (its containers' overlays) and the contents of its TINYDOCK_RUN.
 *
 * Read swarm-machines-command.c next: the `swarm sim` commands that use these.
 */
#include "swarm-machines.h"
#include "cgroup.h"
#include "container-live.h"
#include "error.h"
#include "explain.h"
#include "files.h"
#include "links.h"
#include "netlink.h"
#include "rtnl.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char CHAPTER[] = "08-swarm";

/* How long a machine's processes may take to die once SIGKILLed (they cannot refuse; the
 * kernel may take a moment to tear down a large one). */
static const int KILL_WAIT_MS = 5000;

void swarm_machine_path(const char *sim_folder, const struct swarm_machine *m, const char *what, char out[PATH_MAX])
{
	snprintf(out, PATH_MAX, "%s/%s%s%s", sim_folder, m->name, what[0] ? "/" : "", what);
}

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* --- making a machine ---------------------------------------------------------------------- */

/* An empty file to bind-mount a namespace on (a bind mount needs a target of the same kind). */
static int make_mount_target(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0444);
	if (fd < 0)
		return fail_sys("cannot create \"%s\"", path);
	close(fd);
	return 0;
}

/* The child of step 1: new namespaces, the hostname, then wait until the parent has mounted
 * them and plugged the cable (it closes the pipe). Reports a failed step's errno instead. */
static void hold_namespaces(const char *hostname, int ready, int go)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	int err = 0;
	if (unshare(CLONE_NEWNET | CLONE_NEWUTS) < 0 || sethostname(hostname, strlen(hostname)) < 0)
		err = errno;
	if (write(ready, &err, sizeof(err)) != (ssize_t)sizeof(err) || err)
		_exit(1);
	char byte;
	while (read(go, &byte, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

static int bind_namespace(pid_t pid, const char *kind, const char *target)
{
	char source[64];
	snprintf(source, sizeof(source), "/proc/%d/ns/%s", (int)pid, kind);
	if (make_mount_target(target) < 0)
		return -1;
	if (explain_result(CHAPTER, mount(source, target, NULL, MS_BIND, NULL), "mount(\"%s\", \"%s\", MS_BIND)", source,
			   target) < 0)
		return fail_sys("cannot bind-mount \"%s\" on \"%s\"", source, target);
	return 0;
}

static int make_folders(const char *sim_folder, const struct swarm_machine *m)
{
	char path[PATH_MAX];
	swarm_machine_path(sim_folder, m, "root", path);
	if (make_dirs(path, 0700) < 0)
		return -1;
	swarm_machine_path(sim_folder, m, "run", path);
	return make_dirs(path, 0700);
}

int swarm_machine_make(const char *sim_folder, const struct swarm_machines *sim, const struct swarm_machine *m)
{
	if (make_folders(sim_folder, m) < 0)
		return fail_context("cannot make machine %s", m->name);
	int ready[2], go[2];
	if (pipe2(ready, O_CLOEXEC) < 0)
		return fail_sys("cannot make machine %s: pipe", m->name);
	if (pipe2(go, O_CLOEXEC) < 0) {
		close(ready[0]);
		close(ready[1]);
		return fail_sys("cannot make machine %s: pipe", m->name);
	}
	pid_t child = fork();
	if (child == 0) {
		close(ready[0]);
		close(go[1]);
		hold_namespaces(m->name, ready[1], go[0]);
	}
	close(ready[1]);
	close(go[0]);
	int rc = -1, err = 0;
	char net[PATH_MAX], uts[PATH_MAX];
	swarm_machine_path(sim_folder, m, "net", net);
	swarm_machine_path(sim_folder, m, "uts", uts);
	if (child < 0) {
		fail_sys("cannot fork");
	} else if (read(ready[0], &err, sizeof(err)) != (ssize_t)sizeof(err) || err) {
		fail_errno(err ? err : ECHILD, "cannot make new network and UTS namespaces (unshare, sethostname)");
	} else {
		explain(CHAPTER, "unshare(CLONE_NEWNET|CLONE_NEWUTS), sethostname(\"%s\") in child %d", m->name, (int)child);
		if (bind_namespace(child, "net", net) == 0 && bind_namespace(child, "uts", uts) == 0 &&
		    veth_plug(sim->bridge, m->link, "eth0", true, child, m->address, sim->subnet.prefix, sim->gateway) == 0)
			rc = 0;
	}
	close(ready[0]);
	close(go[1]); /* the child may end: the mounts hold its namespaces now */
	if (child > 0)
		while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
			;
	if (rc < 0)
		return fail_context("cannot make machine %s", m->name);
	return 0;
}

/* --- running a command on a machine -------------------------------------------------------- */

/* In the child: join the machine (its namespaces and folders), execute argv. Never returns. */
static void exec_on_machine(const char *sim_folder, const struct swarm_machine *m, char *const argv[], int out, int err)
{
	if (swarm_machine_enter(sim_folder, m) < 0) {
		dprintf(err, "tinydock: %s\n", error_message());
		_exit(EXIT_TINYDOCK_FAILED);
	}
	unsetenv("TINYDOCK_NODE"); /* chosen already: the command must not choose again */
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC); /* dup2 gives fd 0 without O_CLOEXEC */
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(EXIT_TINYDOCK_FAILED);
	execvp(argv[0], argv);
	dprintf(2, "tinydock: cannot execute \"%s\" on machine %s: %s\n", argv[0], m->name, strerror(errno));
	_exit(errno == ENOENT ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE);
}

struct growing_text {
	char *text;
	size_t length, capacity;
};

/* Read what fd has now into t; false at its end (or an error). */
static bool read_into(int fd, struct growing_text *t)
{
	if (t->length + 4096 + 1 > t->capacity) {
		size_t capacity = t->capacity ? t->capacity * 2 : 8192;
		char *bigger = realloc(t->text, capacity);
		if (!bigger)
			return false;
		t->text = bigger;
		t->capacity = capacity;
	}
	ssize_t n = read(fd, t->text + t->length, 4096);
	if (n <= 0)
		return n < 0 && (errno == EINTR || errno == EAGAIN);
	t->length += (size_t)n;
	t->text[t->length] = '\0';
	return true;
}

void swarm_machine_output_free(struct swarm_machine_output *o)
{
	free(o->out);
	free(o->err);
	o->out = o->err = NULL;
}

/*
 * Collect the child's stdout and stderr until it exits. Not until the pipes close: a command
 * that starts a daemon may leave it holding them (a daemon should not, and tinydock's node
 * does not, but a stand-in might), so once the child has exited only what is there is read.
 */
static int collect(pid_t child, int pipes[2], int timeout_ms, struct swarm_machine_output *o)
{
	struct growing_text texts[2] = { { 0 } };
	struct pollfd fds[2] = { { pipes[0], POLLIN, 0 }, { pipes[1], POLLIN, 0 } };
	long long deadline = now_ms() + timeout_ms;
	int status = 0;
	bool exited = false;
	while (!exited) {
		pid_t done = waitpid(child, &status, WNOHANG);
		if (done == child) {
			exited = true;
			break;
		}
		long long left = deadline - now_ms();
		if (left <= 0)
			break;
		/* Wake at least every 20 ms to see whether the child exited with its pipes still held. */
		if (poll(fds, 2, left < 20 ? (int)left : 20) > 0)
			for (int i = 0; i < 2; i++)
				if (fds[i].fd >= 0 && fds[i].revents && !read_into(fds[i].fd, &texts[i]))
					fds[i].fd = -1;
	}
	for (int i = 0; exited && i < 2; i++) { /* what is left in the pipes, without waiting */
		fcntl(pipes[i], F_SETFL, O_NONBLOCK);
		for (size_t before = (size_t)-1; fds[i].fd >= 0 && before != texts[i].length;) {
			before = texts[i].length;
			if (!read_into(pipes[i], &texts[i]))
				break;
		}
	}
	if (!exited) {
		kill(child, SIGKILL);
		while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
			;
		free(texts[0].text);
		free(texts[1].text);
		return fail_errno(0, "it did not finish within %d ms", timeout_ms);
	}
	o->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	o->out = texts[0].text ? texts[0].text : strdup("");
	o->err = texts[1].text ? texts[1].text : strdup("");
	if (!o->out || !o->err) {
		swarm_machine_output_free(o);
		return fail_errno(ENOMEM, "cannot keep its output");
	}
	return 0;
}

int swarm_machine_run(const char *sim_folder, const struct swarm_machine *m, char *const argv[], int timeout_ms,
		      struct swarm_machine_output *output)
{
	memset(output, 0, sizeof(*output));
	int out[2], err[2];
	if (pipe2(out, O_CLOEXEC) < 0)
		return fail_sys("cannot run \"%s\" on machine %s: pipe", argv[0], m->name);
	if (pipe2(err, O_CLOEXEC) < 0) {
		close(out[0]);
		close(out[1]);
		return fail_sys("cannot run \"%s\" on machine %s: pipe", argv[0], m->name);
	}
	pid_t child = fork();
	if (child == 0)
		exec_on_machine(sim_folder, m, argv, out[1], err[1]);
	close(out[1]);
	close(err[1]);
	int rc;
	if (child < 0) {
		rc = fail_sys("cannot fork");
	} else {
		explain(CHAPTER, "child %d: setns into machine %s's namespaces, execvp(\"%s\")", (int)child, m->name, argv[0]);
		int pipes[2] = { out[0], err[0] };
		rc = collect(child, pipes, timeout_ms, output);
	}
	close(out[0]);
	close(err[0]);
	if (rc < 0)
		return fail_context("cannot run \"%s\" on machine %s", argv[0], m->name);
	return 0;
}

/* The last line of text (a command's error), without its newline, into out. */
static void last_line(const char *text, char *out, size_t size)
{
	size_t end = strlen(text);
	while (end > 0 && text[end - 1] == '\n')
		end--;
	size_t start = end;
	while (start > 0 && text[start - 1] != '\n')
		start--;
	snprintf(out, size, "%.*s", (int)(end - start), text + start);
}

/* The pid in the machine's TINYDOCK_RUN/swarm/node.pid. */
static int read_node_pid(const char *sim_folder, const struct swarm_machine *m, pid_t *pid)
{
	char path[PATH_MAX];
	swarm_machine_path(sim_folder, m, "run/swarm/node.pid", path);
	char *text = read_file(path, NULL);
	if (!text)
		return -1;
	char *end;
	long value = strtol(text, &end, 10);
	bool valid = end != text && (*end == '\0' || *end == '\n') && value > 0 && value <= INT32_MAX;
	free(text);
	if (!valid)
		return fail_errno(0, "\"%s\" holds no pid", path);
	*pid = (pid_t)value;
	return 0;
}

int swarm_machine_start(const char *sim_folder, struct swarm_machine *m, char *const argv[], char **out)
{
	struct swarm_machine_output o;
	if (swarm_machine_run(sim_folder, m, argv, SWARM_MACHINE_COMMAND_TIMEOUT_MS, &o) < 0)
		return -1;
	int rc = 0;
	if (o.status != 0) {
		char why[512];
		last_line(o.err, why, sizeof(why));
		rc = fail_errno(0, "\"%s\" on machine %s exited with %d%s%s", argv[0], m->name, o.status, why[0] ? ": " : "",
				why);
	} else if (read_node_pid(sim_folder, m, &m->pid) < 0 || process_start_time(m->pid, &m->pid_start) < 0) {
		rc = fail_context("\"%s\" on machine %s left no node process", argv[0], m->name);
	}
	if (rc == 0) {
		m->killed = false;
		if (out) {
			*out = o.out;
			o.out = NULL;
		}
	}
	swarm_machine_output_free(&o);
	return rc;
}

bool swarm_machine_alive(const struct swarm_machine *m)
{
	unsigned long long start;
	return m->pid > 0 && process_start_time(m->pid, &start) == 0 && start == m->pid_start;
}

/* --- cutting the power --------------------------------------------------------------------- */

/* SIGKILL every process whose network namespace is the one mounted at net, round after round
 * until none is left (one may fork between our scan and our kill). Our own process never is:
 * it stays on the host. */
static int kill_namespace_processes(const char *net, const char *machine)
{
	struct stat ns;
	if (stat(net, &ns) < 0)
		return errno == ENOENT ? 0 : fail_sys("cannot stat \"%s\"", net);
	for (long long deadline = now_ms() + KILL_WAIT_MS;;) {
		DIR *proc = opendir("/proc");
		if (!proc)
			return fail_sys("cannot read \"/proc\"");
		int found = 0;
		struct dirent *entry;
		while ((entry = readdir(proc)) != NULL) {
			char *end;
			long pid = strtol(entry->d_name, &end, 10);
			if (*end || pid <= 0 || pid == getpid())
				continue;
			char path[64];
			struct stat theirs;
			snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
			/* A process that is gone, or a zombie (no namespaces left), fails the stat. */
			if (stat(path, &theirs) < 0 || theirs.st_dev != ns.st_dev || theirs.st_ino != ns.st_ino)
				continue;
			found++;
			explain_result(CHAPTER, kill((pid_t)pid, SIGKILL), "kill(%ld, SIGKILL) (on machine %s)", pid, machine);
		}
		closedir(proc);
		if (found == 0)
			return 0;
		if (now_ms() > deadline)
			return fail_errno(0, "processes of machine %s still run after %d ms of SIGKILL", machine,
					  KILL_WAIT_MS);
		usleep(5 * 1000);
	}
}

static bool is_container_id(const char *name)
{
	size_t n = strlen(name);
	return n == 64 && strspn(name, "0123456789abcdef") == n;
}

/* Kill and remove the cgroup of every container recorded in the machine's TINYDOCK_ROOT. */
static int kill_container_cgroups(const char *root)
{
	char folder[PATH_MAX];
	snprintf(folder, sizeof(folder), "%s/containers", root);
	DIR *d = opendir(folder);
	if (!d)
		return errno == ENOENT ? 0 : fail_sys("cannot read \"%s\"", folder);
	struct cgroup_layout layout;
	int rc = cgroup_detect(NULL, &layout);
	struct dirent *entry;
	while (rc == 0 && (entry = readdir(d)) != NULL) {
		struct cgroup cg;
		if (!is_container_id(entry->d_name))
			continue;
		if (cgroup_open(&layout, CGROUP_DEFAULT_PARENT, entry->d_name, &cg) < 0) {
			error_clear(); /* it has none: not started, or removed already */
			continue;
		}
		rc = cgroup_remove(&cg);
	}
	closedir(d);
	return rc;
}

/* mountinfo writes a space, tab, newline and backslash in a path as \040, \011, \012, \134. */
static void unescape_mount_point(char *path)
{
	char *out = path;
	for (char *in = path; *in; out++)
		if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' && in[2] <= '7' && in[3] >= '0' &&
		    in[3] <= '7') {
			*out = (char)((in[1] - '0') * 64 + (in[2] - '0') * 8 + (in[3] - '0'));
			in += 4;
		} else {
			*out = *in++;
		}
	*out = '\0';
}

static int longer_first(const void *a, const void *b)
{
	size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);
	return la < lb ? 1 : la > lb ? -1 : 0;
}

/* Unmount everything mounted below folder, the deepest first (MNT_DETACH: a mount still in use
 * goes once its last user does, umount(2)). */
static int unmount_below(const char *folder)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return fail_sys("cannot read \"/proc/self/mountinfo\"");
	size_t length = strlen(folder), count = 0, capacity = 0;
	char **points = NULL, line[8192];
	int rc = 0;
	/* proc(5): "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw": the 5th field. */
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		char point[PATH_MAX];
		if (sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1)
			continue;
		unescape_mount_point(point);
		if (strncmp(point, folder, length) != 0 || point[length] != '/')
			continue;
		if (count == capacity) {
			char **bigger = realloc(points, (capacity = capacity ? capacity * 2 : 16) * sizeof(*points));
			if (!bigger) {
				rc = fail_errno(ENOMEM, "cannot list the mounts below \"%s\"", folder);
				break;
			}
			points = bigger;
		}
		if (!(points[count] = strdup(point)))
			rc = fail_errno(ENOMEM, "cannot list the mounts below \"%s\"", folder);
		else
			count++;
	}
	fclose(f);
	if (count > 1)
		qsort(points, count, sizeof(*points), longer_first);
	for (size_t i = 0; i < count; i++) {
		if (rc == 0 && explain_result(CHAPTER, umount2(points[i], MNT_DETACH), "umount2(\"%s\", MNT_DETACH)", points[i]) < 0 &&
		    errno != EINVAL && errno != ENOENT) /* gone already, with a mount above it */
			rc = fail_sys("cannot unmount \"%s\"", points[i]);
		free(points[i]);
	}
	free(points);
	return rc;
}

/* Remove what folder holds, keeping the folder (a tmpfs after a reboot). */
static int empty_folder(const char *folder)
{
	int fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : fail_sys("cannot open \"%s\"", folder);
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return fail_sys("cannot read \"%s\"", folder);
	}
	int rc = 0;
	struct dirent *entry;
	while (rc == 0 && (entry = readdir(d)) != NULL) {
		if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
			continue;
		char display[PATH_MAX];
		snprintf(display, sizeof(display), "%s/%s", folder, entry->d_name);
		rc = remove_tree_at(dirfd(d), entry->d_name, display);
	}
	closedir(d);
	return rc;
}

int swarm_machine_power_off(const char *sim_folder, const struct swarm_machine *m)
{
	char net[PATH_MAX], root[PATH_MAX], run[PATH_MAX];
	swarm_machine_path(sim_folder, m, "net", net);
	swarm_machine_path(sim_folder, m, "root", root);
	swarm_machine_path(sim_folder, m, "run", run);
	/* The machine's own processes first, so that no node or monitor is left to start a
	 * container again while its cgroups are emptied. */
	if (kill_namespace_processes(net, m->name) < 0 || kill_container_cgroups(root) < 0 || unmount_below(root) < 0 ||
	    unmount_below(run) < 0 || empty_folder(run) < 0)
		return fail_context("cannot cut the power of machine %s", m->name);
	return 0;
}

/* --- cutting the cable --------------------------------------------------------------------- */

int swarm_machine_cut_cable(const struct swarm_machine *m, bool cut)
{
	/* RTM_SETLINK with IFF_UP in ifi_change: only that flag changes, to 0 (down) or IFF_UP
	 * (rtnetlink(7)). Down, the host's end drops every frame, and the machine's eth0 sees
	 * its carrier go (NO-CARRIER): a cable pulled out, on one machine only. */
	struct nl_msg msg;
	nl_msg_init(&msg, RTM_SETLINK, 0);
	struct ifinfomsg *ifi = nl_msg_reserve(&msg, sizeof(*ifi));
	if (ifi) {
		ifi->ifi_family = AF_UNSPEC;
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = cut ? 0 : IFF_UP;
	}
	nl_attr_put_string(&msg, IFLA_IFNAME, m->link);
	struct rtnl s;
	if (rtnl_open(&s) < 0)
		return -1;
	int rc = rtnl_talk(&s, &msg, NULL, 0);
	rtnl_close(&s);
	if (rc < 0)
		return fail_context("cannot %s the cable of machine %s (link %s)", cut ? "cut" : "mend", m->name, m->link);
	return 0;
}

/* --- removing a machine -------------------------------------------------------------------- */

static int unmount_namespace(const char *path)
{
	if (explain_result(CHAPTER, umount2(path, MNT_DETACH), "umount2(\"%s\", MNT_DETACH)", path) < 0 &&
	    errno != EINVAL && errno != ENOENT) /* not mounted (a failed make), or no file */
		return fail_sys("cannot unmount \"%s\"", path);
	return 0;
}

int swarm_machine_remove(const char *sim_folder, const struct swarm_machine *m)
{
	char net[PATH_MAX], uts[PATH_MAX], folder[PATH_MAX];
	swarm_machine_path(sim_folder, m, "net", net);
	swarm_machine_path(sim_folder, m, "uts", uts);
	swarm_machine_path(sim_folder, m, "", folder);
	/* With its processes gone and its mounts undone, nothing refers to the namespaces: the
	 * kernel destroys them, and the veth pair with the network namespace (veth(4)). The link
	 * is removed first all the same, so that it is gone when we return, not some time later. */
	if (swarm_machine_power_off(sim_folder, m) < 0 || link_remove(m->link) < 0 || unmount_namespace(net) < 0 ||
	    unmount_namespace(uts) < 0 || remove_tree(folder) < 0)
		return fail_context("cannot remove machine %s", m->name);
	return 0;
}

/* --- entering a machine (--node) ----------------------------------------------------------- */

int swarm_machine_enter(const char *sim_folder, const struct swarm_machine *m)
{
	char path[PATH_MAX];
	static const struct { const char *file; int type; } spaces[] = { { "net", CLONE_NEWNET }, { "uts", CLONE_NEWUTS } };
	for (size_t i = 0; i < sizeof(spaces) / sizeof(spaces[0]); i++) {
		swarm_machine_path(sim_folder, m, spaces[i].file, path);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return fail_sys("cannot enter machine %s: cannot open \"%s\"", m->name, path);
		int rc = (int)explain_result(CHAPTER, setns(fd, spaces[i].type), "setns(\"%s\")", path);
		int err = errno;
		close(fd);
		if (rc < 0)
			return fail_errno(err, "cannot enter machine %s: setns \"%s\"%s", m->name, path,
					  err == EPERM ? " (entering a namespace needs root)" : "");
	}
	swarm_machine_path(sim_folder, m, "root", path);
	setenv("TINYDOCK_ROOT", path, 1);
	swarm_machine_path(sim_folder, m, "run", path);
	setenv("TINYDOCK_RUN", path, 1);
	return 0;
}
