/*
 * run.c - `tinydock run`: the parent's side of starting a container.
 *
 * `docker run` = create namespaces + set up the root filesystem + exec the command.
 * This process stays outside the container for its whole life, like Podman's conmon: it
 * clone()s the container's first process into new namespaces, does the steps only an outsider
 * can do (uid maps; in chapter 03 the cgroup; the network), lets the child go, and then waits:
 * it passes the signals it receives on to the container's init, relays the terminal under -t,
 * serves the published ports (-p), and finally exits with the command's exit code.
 *
 *   1. parse and check the flags (options.c): nothing exists yet, so nothing to undo
 *   2. block the signals we pass on (init.h), so none is lost before we can pass it on
 *   3. socketpair + clone(CLONE_NEWPID|CLONE_NEWNS|...): the child runs setup.c (clone3 with
 *      CLONE_INTO_CGROUP when chapter 03 has a cgroup v2 folder for it to be born in)
 *   4. the protocol: take the published host ports; SYNC_USERMAP, SYNC_CGROUP, SYNC_NET (the
 *      veth into the bridge, network.c; the proxy starts forwarding); SYNC_READY; SYNC_GO
 *   5. wait: signals -> init, pty <-> terminal, until init exits; its code is ours
 *   6. the proxy stops, the container leaves its network (veth, address, names): on every
 *      path, also when a step above failed, so that nothing leaks
 *
 * clone(2) is called the way fork(2) is (no new stack: the child gets a copy of ours), so the
 * child simply carries on in container_main() with the struct container it was given.
 *
 * Next: setup.c, the child's side.
 */
#include "container.h"
#include "cli.h"
#include "error.h"
#include "exec.h"
#include "explain.h"
#include "files.h"
#include "host-entries.h"
#include "init.h"
#include "network.h"
#include "proxy.h"
#include "setup.h"
#include "sync.h"
#include "terminal.h"

#include <errno.h>
#include <linux/sched.h> /* clone3(2)'s struct clone_args, CLONE_INTO_CGROUP */
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char CHAPTER[] = "02-namespaces";

static const char HELP_USAGE[] =
	"Usage:  tinydock run --rootfs DIR [OPTIONS] [COMMAND [ARG...]]\n"
	"\n"
	"Run COMMAND (default /bin/sh) in a new container whose root filesystem is DIR:\n"
	"its own PID 1, mounts, hostname, IPC and network, with the host's root unmounted.\n"
	"\n";

static const char HELP_OPTIONS[] =
	"Options:\n"
	"      --rootfs DIR          The root filesystem (a folder; 'tinydock rootfs DIR' makes one)\n"
	"      --hostname NAME       Container host name (default: the short container id)\n"
	"  -e, --env KEY=VALUE       Set an environment variable (KEY alone: pass ours on)\n"
	"  -w, --workdir DIR         Working directory inside the container (absolute)\n"
	"  -u, --user USER[:GROUP]   Run the command as this user (names from the rootfs's /etc/passwd)\n"
	"  -i, --interactive         Keep STDIN open (without it, stdin is /dev/null)\n"
	"  -t, --tty                 Allocate a pseudo-TTY (with -i: an interactive terminal)\n"
	"      --rm                  Remove the container when it exits\n"
	"      --name NAME           Assign a name to the container\n"
	"      --network NETWORK     bridge (default): the bridge network (tinydock0, $TINYDOCK_BRIDGE;\n"
	"                            subnet 172.30.0.0/16, $TINYDOCK_BRIDGE_SUBNET); NAME: a network made\n"
	"                            with 'tinydock network create'; none: only loopback; host: the host's own.\n"
	"                            Given again: the container joins that network too (eth1, ...)\n"
	"      --network-alias NAME  Another name for the container on a user network (its first)\n"
	"      --add-host NAME:IP    A line in /etc/hosts (IP host-gateway: the network's gateway, the host)\n"
	"      --sysctl KEY=VALUE    A kernel parameter of the container's own namespaces (net.*,\n"
	"                            kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*)\n"
	"      --read-only           Mount the root filesystem read-only (volumes and tmpfs stay writable)\n"
	"      --env-file FILE       Read environment variables from FILE: KEY=VALUE lines, # comments,\n"
	"                            KEY alone for ours (-e values win over the file's)\n"
	"  -a, --attach STREAM       stdin, stdout or stderr: the streams a foreground run shows\n"
	"                            (repeatable; default stdout and stderr)\n"
	"      --init                Accepted as Docker's: tinydock's own init is always the container's\n"
	"                            PID 1 (it reaps orphans and passes signals on)\n"
	"  -p, --publish LIST        Publish a container's port to the host: [IP:]HOSTPORT:CONTAINERPORT,\n"
	"                            or CONTAINERPORT for a free host port (TCP only)\n"
	"      --userns              A user namespace: root inside is uid 100000 outside\n"
	"                            (0-65535 -> 100000-165535; a non-root user: its own uid only)\n"
	"      --uidmap C:H:N        Map container uids C..C+N-1 to host uids H..H+N-1 (implies --userns)\n"
	"      --gidmap C:H:N        The same for gids\n"
	"      --privileged          All capabilities, no seccomp filter, no masked /proc paths\n"
	"      --cap-add LIST        Add capabilities (NET_ADMIN,SYS_TIME or ALL)\n"
	"      --cap-drop LIST       Drop capabilities (CHOWN,... or ALL)\n"
	"      --security-opt OPT    seccomp=unconfined, no-new-privileges[=false]\n";

static const char HELP_NOTES[] =
	"\n"
	"The exit code is the command's (128+N if killed by signal N), 125 if tinydock failed,\n"
	"126 if COMMAND cannot be executed, 127 if it is not found. SIGTERM, SIGINT, SIGHUP,\n"
	"SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH are passed on to the command.\n"
	"\n"
	"Examples:\n"
	"  sudo tinydock rootfs /tmp/box && sudo tinydock run --rm -it --rootfs /tmp/box sh\n"
	"  sudo tinydock --explain run --rootfs /tmp/box --hostname web ps\n"
	"  sudo tinydock run --rootfs /tmp/box -p 8080:80 httpd -f -p 80   (then: curl 127.0.0.1:8080)\n"
	"  tinydock run --rootfs /tmp/box id        (as a normal user: rootless, one uid mapped)\n";

/* Which network, settled before anything exists: a network that is not there is an error now,
 * not after the container has been made. */
static int choose_network(struct container *c)
{
	if (c->network != NETWORK_BRIDGE)
		return 0;
	if (c->rootless) {
		/* A veth pair is made in the host's network namespace, which only root may change.
		 * (Rootless Docker and Podman run slirp4netns or pasta, a network stack in user
		 * space, instead.) Without --network, as a user, the default is none. */
		if (c->network_name || c->port_count > 0)
			return fail_errno(0, "network %s needs root (its veth pair is made in the host's network "
					     "namespace); as uid %d, use --network none or host",
					  c->network_name ? c->network_name : NETWORK_DEFAULT, (int)geteuid());
		explain(CHAPTER, "rootless: network none (a bridge network needs root)");
		c->network = NETWORK_NONE;
		return 0;
	}
	if (!c->network_name)
		c->network_name = NETWORK_DEFAULT;
	struct network n;
	if (network_load(c->network_name, &n) < 0)
		return -1;
	if (strcmp(n.driver, "bridge") != 0)
		return fail_errno(0, "network %s (driver %s) cannot be joined by name; use --network %s", n.name,
				  n.driver, strcmp(n.driver, "null") == 0 ? "none" : n.driver);
	/* The child binds the network's /etc/hosts and /etc/resolv.conf over the rootfs's own
	 * (setup.c); what it binds them onto is made here, by root of the host: under --userns,
	 * root of the container is uid 100000 outside and may not write the rootfs. */
	char path[PATH_MAX + 32];
	if (file_mount_point(c->rootfs_path, "etc", "hosts", path, sizeof(path)) < 0 ||
	    file_mount_point(c->rootfs_path, "etc", "resolv.conf", path, sizeof(path)) < 0)
		return -1;
	return 0;
}

int container_identify(struct container *c)
{
	/* The id names everything made for the container (later: overlay folders, cgroup, record). */
	if (!c->id[0] && make_container_id(c->id) < 0)
		return -1;
	if (!c->hostname[0])
		snprintf(c->hostname, sizeof(c->hostname), "%.*s", SHORT_ID_LENGTH, c->id);
	return 0;
}

/* Step 1, the part that needs the system: the rootfs, the identity of the caller, the network. */
int container_prepare(struct container *c)
{
	if (!realpath(c->rootfs, c->rootfs_path)) {
		fail_sys("cannot use the rootfs \"%s\"", c->rootfs);
		return EXIT_TINYDOCK_FAILED;
	}
	struct stat st;
	if (stat(c->rootfs_path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fail_errno(0, "the rootfs \"%s\" is not a directory", c->rootfs);
		return EXIT_TINYDOCK_FAILED;
	}
	if (c->command == c->default_command) {
		/* The shell is looked for before anything is made, so that nothing needs undoing. */
		char shell[PATH_MAX + 8];
		snprintf(shell, sizeof(shell), "%s/bin/sh", c->rootfs_path);
		if (lstat(shell, &st) < 0) {
			fail_errno(0, "no command given, and the rootfs \"%s\" has no /bin/sh", c->rootfs);
			return EXIT_NOT_FOUND;
		}
	}
	/* As Docker: a pty relays keystrokes; a pipe has none (no Ctrl-D, no hang-up), so a shell
	 * reading the pty would wait forever after the pipe runs dry. */
	if (c->tty && c->interactive && !isatty(STDIN_FILENO)) {
		fail_errno(0, "the input device is not a TTY: -it needs a terminal on stdin (to pipe input, use -i alone)");
		return EXIT_TINYDOCK_FAILED;
	}
	if (geteuid() != 0) {
		/* Rootless: only a user namespace lets us create the others (user_namespaces(7)). */
		c->rootless = true;
		if (!c->userns)
			explain(CHAPTER, "not root (uid %d): rootless mode, with a user namespace", (int)geteuid());
		c->userns = true;
	}
	if (c->userns)
		default_id_maps(c, geteuid(), getegid());
	return choose_network(c) < 0 ? EXIT_TINYDOCK_FAILED : 0;
}

/* Why clone() failed, in words a student can act on. */
static int clone_failed(const struct container *c, unsigned long flags)
{
	int err = errno;
	if (c->rootless && (err == EPERM || err == ENOSPC || err == EACCES))
		return fail_errno(err, "cannot create a user namespace as uid %d for a rootless container (the kernel "
				       "forbids it here: see user.max_user_namespaces, kernel.unprivileged_userns_clone, "
				       "kernel.apparmor_restrict_unprivileged_userns; or run as root)",
				  (int)geteuid());
	char names[256];
	return fail_errno(err, "cannot clone(%s)", clone_flag_names(flags, names, sizeof(names)));
}

/* Stop a child we will not let go on, and collect it. */
static void abandon(pid_t pid)
{
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* The child failed during setup: it printed why; its exit code is ours. */
static int child_status(pid_t pid)
{
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return EXIT_TINYDOCK_FAILED;
	return exit_code_for_wait_status(status);
}

/* Before the clone: the cgroup folder the child is to be born in (chapter 03), or -1. */
static int cgroup_folder(struct container *c, const struct container_hooks *hooks, int *folder)
{
	*folder = -1;
	return hooks && hooks->cgroup_folder ? hooks->cgroup_folder(hooks->ctx, c, folder) : 0;
}

/* The container's first process: clone(2) as fork(2) is called (no new stack: the child goes
 * on with a copy of ours), or, given a cgroup v2 folder, clone3(2) with CLONE_INTO_CGROUP: the
 * child is born in that cgroup. Moving a process in later, by writing its pid to cgroup.procs,
 * takes the write side of a lock every fork(2) of the machine reads (cgroup_threadgroup_rwsem,
 * kernel/cgroup/cgroup.c), and the first writer waits for an RCU grace period, 5 to 15 ms here;
 * a process born inside needs no move, and fork only reads that lock. The kernel knows the flag
 * from 5.7 (an older one says ENOSYS before 5.3, E2BIG for the larger clone_args): then the
 * child is born in our cgroup, and *born_in_folder tells the SYNC_CGROUP hook to move it. */
static pid_t clone_container(const struct container *c, int folder, bool *born_in_folder)
{
	unsigned long flags = container_clone_flags(c);
	char names[256];
	*born_in_folder = false;
	if (folder >= 0) {
		struct clone_args args = { .flags = flags | CLONE_INTO_CGROUP, .exit_signal = SIGCHLD,
					   .cgroup = (uint64_t)folder };
		pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
		if (pid == 0)
			return 0;
		if (pid > 0 || (errno != ENOSYS && errno != E2BIG)) {
			explain_result(CHAPTER, pid, "clone3({flags=%s, exit_signal=SIGCHLD, cgroup=%d})",
				       clone_flag_names(args.flags, names, sizeof(names)), folder);
			*born_in_folder = pid > 0;
			return pid;
		}
		explain(CHAPTER, "clone3(CLONE_INTO_CGROUP): %s (a kernel before 5.7): clone, then a move at %s",
			strerror(errno), sync_step_name(SYNC_CGROUP));
	}
	pid_t pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid != 0)
		explain_result(CHAPTER, pid, "clone(%s)", clone_flag_names(flags | SIGCHLD, names, sizeof(names)));
	return pid;
}

/* SYNC_CGROUP: chapter 03 puts the child in its cgroup here, before it runs anything of the user's. */
static int join_cgroup(struct container *c, pid_t pid, bool born_in_folder, const struct container_hooks *hooks)
{
	if (hooks && hooks->cgroup)
		return hooks->cgroup(hooks->ctx, c, pid, born_in_folder);
	explain(CHAPTER, "%s: no cgroup to join for %d (chapter 03 adds one)", sync_step_name(SYNC_CGROUP), (int)pid);
	return 0;
}

/* Just before SYNC_GO: the container exists, its command has not started (chapter 03 records it). */
static int announce_start(struct container *c, pid_t pid, const struct container_hooks *hooks)
{
	return hooks && hooks->started ? hooks->started(hooks->ctx, c, pid) : 0;
}

/* What run made for the container's network, undone by unplug_network on every path. */
struct network_state {
	struct proxy *proxy;                /* -p: listening from the start, forwarding from SYNC_NET */
	bool attached;                      /* network_attach succeeded: network_detach at the end */
	struct network_endpoint endpoint;   /* the container's address on its network */
	size_t more_attached;               /* how many of c->more_networks it joined too */
};

/* Before SYNC_USERMAP: take the published host ports. A port that is in use fails here, when
 * the container is only a process waiting for its first step: killing it leaves nothing. */
static int publish_ports(struct container *c, struct network_state *net)
{
	if (c->port_count == 0)
		return 0;
	net->proxy = proxy_listen(c->ports, c->port_count);
	return net->proxy ? 0 : -1;
}

/* The names besides --name that the container's address gets in /etc/hosts: its
 * --network-alias values and, as Docker does, its hostname (programs look up their own
 * name), unless the hostname is the short id, which is always there. NULL-terminated. */
static void network_aliases(const struct container *c, const char *aliases[MAX_ALIASES + 2])
{
	size_t n = 0;
	bool listed = strncmp(c->hostname, c->id, SHORT_ID_LENGTH) == 0 || (c->name && strcmp(c->hostname, c->name) == 0);
	for (; n < c->alias_count; n++) {
		aliases[n] = c->aliases[n];
		listed = listed || strcmp(aliases[n], c->hostname) == 0;
	}
	if (!listed)
		aliases[n++] = c->hostname;
	aliases[n] = NULL;
}

/* --add-host: the lines, host-gateway as the first network's gateway (the bridge's address on
 * the host), kept in TINYDOCK_RUN/containers/ID/extra-hosts, where network.c appends them to the
 * container's hosts file each time it rewrites it. */
static int write_extra_hosts(const struct container *c)
{
	if (c->extra_host_count == 0)
		return 0;
	struct network n;
	if (network_load(c->network_name, &n) < 0)
		return -1;
	char *text = host_entries_render(c->extra_hosts, c->extra_host_count, n.gateway);
	if (!text)
		return -1;
	char path[PATH_MAX], folder[PATH_MAX];
	network_container_file(c->id, "extra-hosts", path, sizeof(path));
	network_container_file(c->id, "", folder, sizeof(folder));
	int rc = make_dirs(folder, 0755) < 0 ? -1 : write_file_atomic_nosync(path, text, strlen(text), 0644);
	free(text);
	return rc;
}

/* SYNC_NET: a bridge network gets its veth pair, eth0, address and route now (network.c),
 * from outside: the child waits, with an empty network namespace. Then the published ports
 * forward to the address it got. --network none needs nothing from outside (the child brings
 * `lo` up itself); host shares ours. */
static int plug_network(const struct container *c, pid_t pid, struct network_state *net)
{
	if (c->network != NETWORK_BRIDGE) {
		explain(CHAPTER, "%s: network %s, nothing to plug into %d from outside", sync_step_name(SYNC_NET),
			c->network == NETWORK_HOST ? "host" : "none", (int)pid);
		return 0;
	}
	explain(CHAPTER, "%s: connect process %d to network %s", sync_step_name(SYNC_NET), (int)pid,
		c->network_name);
	if (write_extra_hosts(c) < 0)
		return -1;
	const char *aliases[MAX_ALIASES + 2];
	network_aliases(c, aliases);
	if (network_attach(c->network_name, c->id, c->name, aliases, pid, &net->endpoint) < 0)
		return -1;
	net->attached = true;
	/* Then its other networks, before its command runs (a second --network, or a Compose
	 * service's networks after its first): eth1, eth2..., with its name on each. */
	for (; net->more_attached < c->more_network_count; net->more_attached++) {
		const struct network_join *j = &c->more_networks[net->more_attached];
		explain(CHAPTER, "%s: connect process %d to network %s too", sync_step_name(SYNC_NET), (int)pid, j->name);
		if (network_attach(j->name, c->id, c->name, j->aliases, pid, NULL) < 0)
			return -1;
	}
	return net->proxy ? proxy_forward(net->proxy, net->endpoint.address) : 0;
}

/* Step 6: stop the proxy (its clients are closed), then leave the network: the veth goes, the
 * address returns to the pool, the other containers' /etc/hosts forget this one. A failure
 * here must not hide the one that brought us here (failed): the first message is kept.
 * Returns 0, or -1 when leaving failed. */
static int unplug_network(const struct container *c, struct network_state *net, bool failed)
{
	proxy_stop(net->proxy);
	net->proxy = NULL;
	if (!net->attached) {
		/* the --add-host lines written before a first attach that failed (else the last
		 * network_detach removes them with the container's other network files) */
		char path[PATH_MAX];
		network_container_file(c->id, "extra-hosts", path, sizeof(path));
		if (c->extra_host_count > 0)
			unlink(path);
		return 0;
	}
	net->attached = false;
	char first[1024];
	snprintf(first, sizeof(first), "%s", error_message());
	int err = error_errno();
	bool left = true;
	/* the networks joined last first: the first one's going removes the container's files */
	while (net->more_attached > 0)
		left = network_detach(c->more_networks[--net->more_attached].name, c->id) == 0 && left;
	if (network_detach(c->network_name, c->id) == 0 && left)
		return 0;
	if (failed)
		fail_errno(err, "%s", first); /* the first failure is the one to report */
	return -1;
}

/* Step 4: the parent's turns in the protocol (sync.h). Returns 0, 1 when the child has gone
 * (already reaped: *code holds its exit code; it said why), or -1 when we failed (message
 * recorded, child killed). */
static int parent_steps(struct container *c, pid_t pid, bool born_in_folder, int sock, int *master, int *code,
			const struct container_hooks *hooks, struct network_state *net)
{
	*code = EXIT_TINYDOCK_FAILED;
	if (publish_ports(c, net) < 0)
		goto ours;
	if (c->userns && write_id_maps(c, pid) < 0)
		goto ours;
	if (sync_send(sock, SYNC_USERMAP, -1) < 0)
		goto theirs;
	if (join_cgroup(c, pid, born_in_folder, hooks) < 0)
		goto ours;
	if (sync_send(sock, SYNC_CGROUP, -1) < 0)
		goto theirs;
	if (plug_network(c, pid, net) < 0)
		goto ours;
	if (sync_send(sock, SYNC_NET, -1) < 0 || sync_expect(sock, SYNC_READY, master) < 0)
		goto theirs;
	if (c->tty && *master < 0) {
		fail_errno(0, "the container sent no terminal");
		goto ours;
	}
	return 0;
ours:
	abandon(pid);
	return -1;
theirs:
	error_clear();
	*code = child_status(pid);
	return 1;
}

/* One signal from the signalfd: pass it on, follow the window, or collect init. Returns init's
 * exit code once it has exited, -1 otherwise. */
static int handle_signal(const struct container *c, pid_t pid, int signals, struct terminal *t)
{
	struct signalfd_siginfo info;
	if (read(signals, &info, sizeof(info)) != (ssize_t)sizeof(info))
		return -1;
	int sig = (int)info.ssi_signo;
	if (sig == SIGCHLD) {
		int status;
		if (waitpid(pid, &status, WNOHANG) != pid)
			return -1;
		int code = exit_code_for_wait_status(status);
		explain(CHAPTER, "waitpid(%d) = exited with %d", (int)pid, code);
		return code;
	}
	if (sig == SIGWINCH && c->tty)
		terminal_copy_size(t); /* the kernel tells the container's foreground job itself */
	else
		explain_result(CHAPTER, kill(pid, sig), "kill(%d, SIG%s) (passed on to init)", (int)pid, sigabbrev_np(sig));
	return -1;
}

/* Step 5: until init exits, pass signals on and relay the terminal. Returns the exit code. */
static int wait_for_container(const struct container *c, pid_t pid, int signals, struct terminal *t)
{
	for (;;) {
		struct pollfd fds[3] = { { signals, POLLIN, 0 } };
		size_t count = 1 + (c->tty ? terminal_poll_fds(t, fds + 1) : 0);
		if (poll(fds, count, -1) < 0) {
			if (errno == EINTR)
				continue;
			return fail_sys("cannot wait for the container");
		}
		/* Signals first: a new window size must reach the pty before keys typed after it. */
		if (fds[0].revents & POLLIN) {
			int code = handle_signal(c, pid, signals, t);
			if (code >= 0)
				return code;
		}
		if (count > 1)
			terminal_relay(t, fds + 1, count - 1);
	}
}

int container_run(struct container *c, const struct container_hooks *hooks, int *code)
{
	int rc = -1, sock[2] = { -1, -1 }, signals = -1, master = -1;
	struct terminal terminal = { .master = -1 };
	struct network_state net = { .proxy = NULL };
	sigset_t set, old;
	*code = EXIT_TINYDOCK_FAILED;
	container_signals(&set, 1);
	sigprocmask(SIG_BLOCK, &set, &old);
	/* A reader that goes away (| head) must not kill us before the container is stopped. */
	signal(SIGPIPE, SIG_IGN);

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) < 0) {
		fail_sys("cannot create the sync socketpair");
		goto out;
	}
	signals = signalfd(-1, &set, SFD_CLOEXEC);
	if (signals < 0) {
		fail_sys("cannot create a signalfd");
		goto out;
	}
	int folder;
	if (cgroup_folder(c, hooks, &folder) < 0)
		goto out;
	bool born_in_folder;
	fflush(NULL);
	pid_t pid = clone_container(c, folder, &born_in_folder);
	if (pid == 0) {
		close(sock[0]);
		close(signals);
		container_main(c, sock[1]);
	}
	if (pid < 0) {
		clone_failed(c, container_clone_flags(c));
		goto out;
	}
	close(sock[1]);
	sock[1] = -1;

	int steps = parent_steps(c, pid, born_in_folder, sock[0], &master, code, hooks, &net);
	if (steps != 0) {
		rc = steps > 0 ? 0 : -1; /* the child failed and said why: its code is the run's */
		goto out;
	}
	if (c->tty && terminal_start(&terminal, master, c->interactive) < 0) {
		abandon(pid);
		goto out;
	}
	master = -1;
	/* Chapter 03 records the running container here, before it is let go. */
	if (announce_start(c, pid, hooks) < 0) {
		abandon(pid);
		goto out;
	}
	if (sync_send(sock[0], SYNC_GO, -1) < 0) {
		*code = child_status(pid);
		goto out;
	}
	*code = wait_for_container(c, pid, signals, &terminal);
	rc = 0;
	if (*code < 0) {
		abandon(pid);
		*code = EXIT_TINYDOCK_FAILED;
		rc = -1;
	}
out:
	if (unplug_network(c, &net, rc < 0) < 0)
		rc = -1;
	terminal_stop(&terminal);
	if (master >= 0)
		close(master);
	for (int i = 0; i < 2; i++)
		if (sock[i] >= 0)
			close(sock[i]);
	if (signals >= 0)
		close(signals);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

int print_run_help(const struct run_flags *const *flags, size_t count)
{
	fputs(HELP_USAGE, stdout);
	fputs(HELP_OPTIONS, stdout);
	for (size_t i = 0; i < count; i++)
		if (flags[i]->help)
			fputs(flags[i]->help, stdout);
	fputs(HELP_NOTES, stdout);
	return 0;
}

/* Chapter 02's `run`: parse -> prepare -> run, in this process, with no record and no cgroup. */
int cmd_run(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_run_help(NULL, 0);
	/* On the heap: large, and the child of clone() keeps using its copy. */
	struct container *c = calloc(1, sizeof(*c));
	if (!c) {
		fail_errno(ENOMEM, "run");
		return error_report(EXIT_TINYDOCK_FAILED);
	}
	int code = EXIT_TINYDOCK_FAILED;
	if (parse_run_options(argc, argv, c) < 0) {
		code = usage_error("run", "%s", error_message());
		goto out;
	}
	if (container_identify(c) < 0)
		goto failed;
	code = container_prepare(c);
	if (code != 0 || container_run(c, NULL, &code) < 0)
		goto failed;
	goto out;
failed:
	fail_context("run");
	error_report(code);
out:
	free(c);
	return code;
}
