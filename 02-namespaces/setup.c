/*
 * setup.c - the checklist: everything the container's first process does, in order.
 *
 * A container is built in steps, and the order is the design. This file is the
 * one to read first: container_main() is the whole setup as one list, each line a step that
 * is printed under --explain, and each step's comment says why it comes where it does.
 *
 *   the fds         the parent-death signal; every inherited fd closed but the sync socket
 *   the protocol    SYNC_USERMAP: wait for our uid map, then become root inside (userns.c)
 *                   SYNC_CGROUP:  wait until we are in the cgroup (chapter 03)
 *                   SYNC_NET:     wait for the network (a bridge's veth and eth0 are plugged in
 *                                 from outside, network.c); --network none: loopback up (links.c);
 *                                 then --sysctl, in our own namespaces (sysctls.c)
 *   the filesystem  propagation private, rootfs bound, /proc, /sys, /dev, masked paths,
 *                   a bridge network's /etc/hosts and /etc/resolv.conf, the mounts asked
 *                   for (bind, tmpfs: requested-mounts.c), --read-only on the rootfs alone,
 *                   pivot_root and the old root gone
 *                   (mounts.c, devices.c, pivot.c)
 *   the identity    hostname; under -t, a pty from the container's own devpts (terminal.c)
 *   the start       SYNC_READY, wait for SYNC_GO, then fork the command and be its init
 *   the command     session and terminal, no fd but 0-2, working folder (checked inside the
 *                   root), the user from the container's /etc/passwd, groups/gid/uid,
 *                   environment, capabilities and seccomp (security.c), execve (exec.h)
 *
 * Why this order:
 *  - The uid map comes before everything, because until it is written the process has no
 *    identity in its user namespace (user_namespaces(7)): it is "nobody", and setuid, mount
 *    and file creation fail or create files owned by the overflow id.
 *  - Mount propagation is made private before any mount, and above all before unmounting the
 *    old root: with a shared "/" (systemd's default) that unmount would propagate to the host.
 *  - /proc, /sys and /dev are mounted while the host's /dev is still reachable (devices are
 *    bound from it), and before pivot_root, after which there is nothing left to bind from.
 *    The same holds for /etc/hosts and /etc/resolv.conf, bound from TINYDOCK_RUN (a bind
 *    mount's source must be in our mount table, and after pivot_root the host's is gone), and
 *    for the mounts asked for (-v, --mount, --tmpfs), which come last so that they cover
 *    whatever the steps before put at their targets, as the user asked.
 *  - uid and gid change last before execve, in the command's process: once we are not root,
 *    we could not mount or pivot any more. And the security step (capabilities, seccomp) is
 *    the very last, because a seccomp filter that forbids mount(2) must come after our mounts.
 *
 * Next: init.c (what PID 1 does after this checklist) and run.c (the other side).
 */
#include "setup.h"
#include "chroot.h"
#include "container.h"
#include "error.h"
#include "exec.h"
#include "explain.h"
#include "files.h"
#include "init.h"
#include "links.h"
#include "network.h"
#include "rtnl.h"
#include "sync.h"
#include "sysctls.h"
#include "terminal.h"
#include "users.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/statvfs.h>
#include <unistd.h>

static const char CHAPTER[] = "02-namespaces";

/* If `run` dies (even by SIGKILL), take the whole container with it: no orphaned containers. */
static int die_with_parent(void)
{
	if (explain_result(CHAPTER, prctl(PR_SET_PDEATHSIG, SIGKILL), "prctl(PR_SET_PDEATHSIG, SIGKILL)") < 0)
		return fail_sys("cannot set the parent-death signal");
	return 0;
}

/* Leave the user's terminal session: signals from the keyboard go to `run`, which passes them on
 * once, rather than to every process of the container as well. */
static int new_session(void)
{
	return explain_result(CHAPTER, setsid(), "setsid()") < 0 ? fail_sys("cannot start a new session") : 0;
}

/* CVE-2024-21626 (runc "Leaky Vessels"): an fd of the host left open in a container let it reach
 * the host's filesystem through /proc/self/fd/N, or with fchdir(N). We were cloned with every fd
 * `run` had, and `run` with every fd of its caller that was not close-on-exec; none is the
 * container's business. Only the sync socket stays: it is closed once the setup is done. */
static int close_inherited_fds(int sock)
{
	unsigned keep = (unsigned)sock, first = 3;
	if (keep >= first) { /* (below 3 when `run` was started with 0, 1 or 2 closed) */
		if (keep > first &&
		    explain_result(CHAPTER, close_range(first, keep - 1, 0), "close_range(%u, %u, 0)", first, keep - 1) < 0)
			return fail_sys("cannot close the inherited fds");
		first = keep + 1;
	}
	if (explain_result(CHAPTER, close_range(first, ~0U, 0), "close_range(%u, ~0U, 0)", first) < 0)
		return fail_sys("cannot close the inherited fds");
	return 0;
}

/* In a new user namespace we are "nobody" until our map is written; now that it is, become its
 * root (kuid 100000 outside by default), with the full capabilities of that namespace. */
static int become_root_inside(const struct container *c)
{
	if (!c->userns)
		return 0;
	if (explain_result(CHAPTER, setresgid(0, 0, 0), "setresgid(0, 0, 0)") < 0)
		return fail_sys("cannot become gid 0 in the user namespace");
	if (explain_result(CHAPTER, setresuid(0, 0, 0), "setresuid(0, 0, 0)") < 0)
		return fail_sys("cannot become uid 0 in the user namespace");
	return 0;
}

/* CVE-2019-5736: this process runs the HOST's tinydock binary, and /proc/1/exe inside the
 * container points at it; runc's bug was that a container could reopen that file for writing and
 * replace the host's runtime. A non-dumpable process's /proc/PID files (exe, fd, mem, environ)
 * belong to the host's root and need CAP_SYS_PTRACE in the HOST's user namespace (ptrace(2),
 * "Ptrace access mode checking"), which a --userns container never has. Two more locks hold
 * without this one: the command lacks CAP_SYS_PTRACE and init's other capabilities, and a running
 * binary cannot be opened for writing (ETXTBSY). Done after SYNC_USERMAP: a rootless parent could
 * no longer open our /proc/PID/uid_map otherwise (README.md, "PID 1"). */
static int protect_host_binary(void)
{
	if (explain_result(CHAPTER, prctl(PR_SET_DUMPABLE, 0), "prctl(PR_SET_DUMPABLE, 0)") < 0)
		return fail_sys("cannot make the container's init non-dumpable");
	return 0;
}

static int set_hostname(const char *name)
{
	if (explain_result(CHAPTER, sethostname(name, strlen(name)), "sethostname(\"%s\")", name) < 0)
		return fail_sys("cannot set the hostname to \"%s\"", name);
	return 0;
}

/* --network none: nobody plugs anything in, but the loopback of a new network namespace is
 * down; bring it up from inside (links.c says why from inside). A bridge network's lo came
 * up with its eth0, from outside; host shares the host's. */
static int network_inside(const struct container *c)
{
	if (c->network != NETWORK_NONE)
		return 0;
	struct rtnl s;
	if (rtnl_open(&s) < 0)
		return -1;
	int rc = loopback_up(&s);
	rtnl_close(&s);
	return rc;
}

/* --sysctl: written now that our namespaces exist (eth0 too: net.ipv4.conf.eth0.* is there) and
 * while /proc is still the host's mount, whose /proc/sys shows the values of the namespaces of
 * the process that opens a file: ours (sysctls.c). Checked again here, so that nothing can write
 * a parameter of the host's: net.* only with a network namespace of our own. */
static int write_sysctls(const struct container *c)
{
	for (size_t i = 0; i < c->sysctl_count; i++) {
		enum sysctl_namespace ns;
		char path[PATH_MAX];
		const char *value;
		if (sysctl_check(c->sysctls[i], c->network != NETWORK_HOST, &ns) < 0 ||
		    sysctl_path(c->sysctls[i], path, sizeof(path), &value) < 0)
			return -1;
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return fail_sys("cannot set sysctl \"%s\" (\"%s\")", c->sysctls[i], path);
		size_t length = strlen(value);
		ssize_t n = write(fd, value, length);
		int err = errno;
		close(fd);
		explain(CHAPTER, "write %s: \"%s\"", path, value);
		if (n != (ssize_t)length)
			return fail_errno(n < 0 ? err : EIO, "cannot set sysctl \"%s\"", c->sysctls[i]);
	}
	return 0;
}

/* --read-only: the rootfs's own mount (bind_rootfs) becomes read-only, alone: the mounts on
 * top of it (/proc, /dev, /etc/hosts, the volumes and tmpfs asked for) keep their own flags,
 * as Docker leaves them. A bind mount's flags change with MS_REMOUNT|MS_BIND (mount(2),
 * "Creating a bind mount" and "Remounting an existing mount"), which must repeat the flags the
 * mount has: in a user namespace, nosuid, nodev and noexec set by the host are locked, and a
 * remount that would clear them fails with EPERM (mount_namespaces(7), "locked"). */
static int make_rootfs_read_only(const struct container *c)
{
	if (!c->read_only)
		return 0;
	struct statvfs st;
	if (statvfs(c->rootfs_path, &st) < 0)
		return fail_sys("cannot read the flags of the rootfs \"%s\"", c->rootfs_path);
	unsigned long kept = (st.f_flag & ST_NOSUID ? MS_NOSUID : 0) | (st.f_flag & ST_NODEV ? MS_NODEV : 0) |
			     (st.f_flag & ST_NOEXEC ? MS_NOEXEC : 0) | (st.f_flag & ST_NOATIME ? MS_NOATIME : 0) |
			     (st.f_flag & ST_NODIRATIME ? MS_NODIRATIME : 0) | (st.f_flag & ST_RELATIME ? MS_RELATIME : 0);
	return mount_explained(NULL, c->rootfs_path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | kept, NULL);
}

/* A bridge network's names: network_attach wrote this container's hosts file (every container
 * of the network, rewritten in place when one joins or leaves) and resolv.conf; they cover the
 * rootfs's own. */
static int bind_network_files(const struct container *c)
{
	if (c->network != NETWORK_BRIDGE)
		return 0;
	char hosts[PATH_MAX], resolv[PATH_MAX];
	network_container_file(c->id, "hosts", hosts, sizeof(hosts));
	network_container_file(c->id, "resolv.conf", resolv, sizeof(resolv));
	if (bind_file_into(c, hosts, "etc", "hosts") == 0 && bind_file_into(c, resolv, "etc", "resolv.conf") == 0)
		return 0;
	/* As for the rootfs (bind_rootfs): the lookup is done as the container's root. */
	if (error_errno() == EACCES && c->userns)
		fail_context("in the user namespace, root is uid %lu outside, and every folder on the way to \"%s\" "
			     "must let it through (chmod o+x)",
			     c->uid_maps[0].outside, hosts);
	return -1;
}

/* --- the command's process (PID 2) ---------------------------------------- */

/* Undo what `run` and init set for themselves: blocked signals and ignored SIGPIPE. */
static int reset_signals(void)
{
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigset_t none;
	sigemptyset(&none);
	return sigprocmask(SIG_SETMASK, &none, NULL) < 0 ? fail_sys("cannot unblock signals") : 0;
}

static int standard_input(const struct container *c, int slave)
{
	if (c->tty)
		return explain_result(CHAPTER, setsid(), "setsid()") < 0 ? fail_sys("cannot start a session")
									: take_terminal(slave);
	if (c->interactive)
		return 0;
	/* Without -i, Docker gives the command an empty stdin, never the user's keyboard. */
	int fd = open("/dev/null", O_RDONLY);
	if (fd < 0 || dup2(fd, STDIN_FILENO) < 0)
		return fail_sys("cannot open /dev/null as stdin");
	explain(CHAPTER, "dup2(open(\"/dev/null\"), 0) = 0");
	if (fd != STDIN_FILENO)
		close(fd);
	return 0;
}

static int make_workdir(const struct container *c)
{
	/* Docker creates a missing working folder (as root, before the user changes). */
	return c->workdir ? make_dirs(c->workdir, 0755) : 0;
}

static int enter_workdir(const struct container *c)
{
	const char *dir = c->workdir ? c->workdir : "/";
	if (explain_result(CHAPTER, chdir(dir), "chdir(\"%s\")", dir) < 0)
		return fail_sys("cannot enter the working directory \"%s\"", dir);
	/* -w names a path inside the container, but a path can lead out of it (through a symlink
	 * of /proc, say): check where we landed, as runc does since CVE-2024-21626. */
	if (check_cwd_inside_root(CHAPTER) < 0)
		return fail_context("working directory \"%s\"", dir);
	return 0;
}

/* Who the command runs as: -u looked up in the container's /etc/passwd and /etc/group, now that
 * "/" is the container's (users.c). Without -u: root. */
static int resolve_identity(const struct container *c, struct user_identity *id)
{
	const char *spec = c->user ? c->user : "0";
	if (resolve_user_in_root(spec, id) < 0)
		return -1;
	explain(CHAPTER, "user \"%s\" in /etc/passwd, /etc/group: uid %u, gid %u, %zu supplementary groups, home %s",
		spec, id->uid, id->gid, id->group_count, id->home);
	return 0;
}

/* groups, then gid, then uid: each later step takes away the right to do the earlier ones. */
static int set_ids(const struct container *c, const struct user_identity *id)
{
	char list[MAX_SUPPLEMENTARY_GROUPS * 12] = "";
	for (size_t i = 0, n = 0; i < id->group_count; i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%u", i ? ", " : "", id->groups[i]);
	int rc = setgroups(id->group_count, id->groups);
	explain_result(CHAPTER, rc, "setgroups(%zu, [%s])", id->group_count, list);
	/* In rootless mode setgroups is denied (userns.c); the host user's groups stay, unmapped. */
	if (rc < 0 && !(errno == EPERM && c->rootless))
		return fail_sys("cannot set the supplementary groups");
	if (!c->user)
		return 0;
	/* A non-root user would lose every capability at setresuid(); keep them until
	 * security_apply() has dropped the bounding set (security.h). */
	if (id->uid != 0 && security_keep_capabilities() < 0)
		return -1;
	if (explain_result(CHAPTER, setresgid(id->gid, id->gid, id->gid), "setresgid(%u, %u, %u)", id->gid, id->gid,
			   id->gid) < 0)
		return fail_sys("cannot set gid %u%s", id->gid, c->userns ? " (is it mapped in the user namespace?)" : "");
	if (explain_result(CHAPTER, setresuid(id->uid, id->uid, id->uid), "setresuid(%u, %u, %u)", id->uid, id->uid,
			   id->uid) < 0)
		return fail_sys("cannot set uid %u%s", id->uid, c->userns ? " (is it mapped in the user namespace?)" : "");
	return 0;
}

/* The command's process starts with init's fds: 0-2 and, under -t, the pty, which
 * standard_input has just made 0-2. Anything else, an fd opened by a step of the setup, must
 * not reach the command, nor be there for the chdir to the working folder to go through
 * (/proc/self/fd/N, CVE-2024-21626): closed now, not merely marked close-on-exec. */
static int close_fds_before_workdir(void)
{
	if (explain_result(CHAPTER, close_range(3, ~0U, 0), "close_range(3, ~0U, 0)") < 0)
		return fail_sys("cannot close the fds above 2");
	return 0;
}

static noreturn void start_command(const struct container *c, int slave)
{
	static char *envp[MAX_ENV + 8];
	static char storage[65536];
	struct user_identity id;
	if (reset_signals()
	    || standard_input(c, slave)
	    || close_fds_before_workdir()
	    || make_workdir(c)
	    || resolve_identity(c, &id)
	    || set_ids(c, &id)
	    || enter_workdir(c)
	    || build_environment(c, id.home, envp, sizeof(envp) / sizeof(envp[0]), storage, sizeof(storage))
	    || security_apply(&c->security, c->userns)) {
		fail_context("run");
		_exit(error_report(EXIT_TINYDOCK_FAILED));
	}
	int code = exec_command(CHAPTER, c->command, envp);
	fail_context("run");
	_exit(error_report(code));
}

/* --- the checklist ------------------------------------------------------- */

noreturn void container_main(struct container *c, int sock)
{
	int master = -1, slave = -1;
	if (   die_with_parent()
	    || close_inherited_fds(sock)
	    || new_session()
	    || sync_expect(sock, SYNC_USERMAP, NULL)
	    || become_root_inside(c)
	    || protect_host_binary()
	    || sync_expect(sock, SYNC_CGROUP, NULL)
	    || sync_expect(sock, SYNC_NET, NULL)
	    || network_inside(c)
	    || write_sysctls(c)
	    || make_mounts_private()
	    || bind_rootfs(c)
	    || mount_proc_and_sys(c)
	    || populate_dev(c)
	    || (!c->privileged && mask_paths_in(c->rootfs_path))
	    || bind_network_files(c)
	    || make_requested_mounts(c)
	    || make_rootfs_read_only(c)
	    || pivot_to_cwd()
	    || set_hostname(c->hostname)
	    || (c->tty && open_pty(&master, &slave))
	    || sync_send(sock, SYNC_READY, master)
	    || sync_expect(sock, SYNC_GO, NULL)) {
		fail_context("run");
		_exit(error_report(EXIT_TINYDOCK_FAILED));
	}
	if (master >= 0)
		close(master);
	close(sock);

	/* We are PID 1. The command becomes PID 2; we stay, as its init. It waits until we have
	 * taken our name (name_init overwrites our argv, which c's strings point into, so only
	 * after the fork): else a quick `ps` in it could see PID 1 as the host's path and the
	 * whole `run` command line. The pipe's end closing is the signal (pipe(7)). */
	int named[2];
	if (pipe2(named, O_CLOEXEC) < 0) {
		fail_sys("run: cannot make the init's pipe");
		_exit(error_report(EXIT_TINYDOCK_FAILED));
	}
	pid_t command = fork();
	if (command < 0) {
		fail_sys("run: cannot fork the command");
		_exit(error_report(EXIT_TINYDOCK_FAILED));
	}
	if (command == 0) {
		close(named[1]);
		char end;
		while (read(named[0], &end, 1) < 0 && errno == EINTR)
			;
		close(named[0]);
		start_command(c, slave);
	}
	close(named[0]);
	explain(CHAPTER, "init: fork() = %d (the command)", (int)command);
	if (slave >= 0)
		close(slave);
	name_init("tinydock-init");
	close(named[1]);
	be_init(command);
}
