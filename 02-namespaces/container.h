/*
 * container.h - chapter 02's container: what the user asked for, and the pieces that build it.
 *
 * Lecture: "Key idea of containers: Exploit OS kernel's capability of allowing multiple
 * isolated user-space instances". A container is a process with its own view of the
 * system. The kernel has no
 * object called a container; it has namespaces (what a process can see), a root filesystem
 * (pivot_root), and a PID 1. `tinydock run` assembles them, in this order:
 *
 *   run.c       the parent: flags, clone() into new namespaces, the protocol, waiting
 *   sync.c      the named parent/child protocol over a socketpair (SYNC_USERMAP ... SYNC_GO)
 *   userns.c    uid/gid maps, written by the parent for the child
 *   setup.c     the child: THE checklist, top to bottom (read this one first)
 *   mounts.c    /proc, /sys, masked paths        devices.c   /dev, /dev/pts, /dev/shm
 *   requested-mounts.c  the mounts asked for (bind, tmpfs), resolved inside the rootfs
 *   mount-options.c     "ro,noexec,size=64m" into mount(2)'s flags and data (pure)
 *   pivot.c     pivot_root and the old root      links.c     `lo` up (loopback_up), the bridge's veth
 *   init.c      PID 1: forks the command, reaps zombies, passes signals on
 *   terminal.c  -t: a pty inside the container, raw mode and window size outside
 *   options.c   the flags (pure, unit-tested)    namespaces.c clone flags, names, ids
 *   sysctls.c   --sysctl: the namespaced ones    host-entries.c  --add-host lines (both pure)
 *   users.c     -u USER[:GROUP] from the container's /etc/passwd and /etc/group
 *   security.c  capabilities, no_new_privs, seccomp: the very last step before execve
 */
#ifndef TINYDOCK_CONTAINER_H
#define TINYDOCK_CONTAINER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ports.h"
#include "run-flags.h"
#include "security.h"

enum network_mode {
	NETWORK_NONE, /* a new, empty network namespace with only loopback, up */
	NETWORK_HOST, /* share the host's network namespace */
	NETWORK_BRIDGE, /* a new network namespace plugged into a bridge network (network.h) */
};

/* One line of /proc/PID/uid_map or gid_map: ids inside..inside+count-1 are outside..outside+count-1. */
struct id_map {
	unsigned long inside, outside, count;
};

#define MAX_ID_MAPS 8
#define MAX_ALIASES 8
#define MAX_PORTS 32
#define MAX_ENV 256

/* The streams of run -a/--attach (struct container's attach). */
enum { ATTACH_STDIN = 1, ATTACH_STDOUT = 2, ATTACH_STDERR = 4 };
#define CONTAINER_ID_LENGTH 64
#define SHORT_ID_LENGTH 12
/* sethostname(2) refuses names longer than this (HOST_NAME_MAX on Linux). */
#define MAX_HOSTNAME 64

/* The extra mounts a container may be given (chapter 06's -v, --mount and --tmpfs fill them). */
#define MAX_MOUNTS 32

/* --add-host and --sysctl values a container may be given. */
#define MAX_EXTRA_HOSTS 32
#define MAX_SYSCTLS 32
/* Networks a container may join: its first (--network), then these many more. */
#define MAX_MORE_NETWORKS 7

/* A network joined after the first one (a second --network), with its own names there. */
struct network_join {
	const char *name;
	const char *aliases[MAX_ALIASES + 1]; /* NULL-terminated */
	size_t alias_count;
};

/* The kernel's kinds of mount that a container may ask for. */
enum mount_kind {
	MOUNT_BIND,  /* a host file or folder seen at a second place (mount(2), MS_BIND) */
	MOUNT_TMPFS, /* an empty filesystem in memory, gone with the mount (tmpfs(5)) */
};

/* One mount made by the setup, after the rootfs and before pivot_root (requested-mounts.c). */
struct mount_request {
	enum mount_kind kind;
	char source[PATH_MAX];   /* MOUNT_BIND: the host's file or folder, absolute; else "" */
	char target[PATH_MAX];   /* where, inside the container: absolute, resolved inside the rootfs */
	bool read_only;
	char options[256];       /* MOUNT_TMPFS: mount(8)'s words, "size=64m,mode=1777,exec" (mount-options.c) */
};

/* Docker's userns-remap gives root inside a range of 65536 unprivileged ids outside; so do we. */
#define DEFAULT_USERNS_OUTSIDE 100000UL
#define DEFAULT_USERNS_COUNT 65536UL

struct container {
	/* What the user asked for: options.c fills these from the flags (a program may, from container_init). */
	const char *rootfs;       /* --rootfs DIR, as given */
	char hostname[MAX_HOSTNAME + 1]; /* --hostname, or the short id */
	const char *name;         /* --name (kept for chapter 03's `ps`) */
	const char *workdir;      /* -w, absolute; NULL = "/" */
	const char *user;         /* -u USER[:GROUP], names or numbers (users.c); NULL = root */
	bool interactive;         /* -i: keep stdin open */
	/* -a/--attach: the streams of a foreground run that are the terminal's (ATTACH_STDIN, ...);
	 * 0 (no -a) is stdout and stderr, as Docker's default. */
	unsigned attach;
	bool tty;                 /* -t: a pseudo-terminal */
	bool remove;              /* --rm (chapter 03 keeps state to remove) */
	bool privileged;          /* --privileged: no masked paths (and all capabilities, no seccomp) */
	struct security_settings security; /* --cap-add --cap-drop --privileged --security-opt (security.h) */
	enum network_mode network;
	const char *network_name; /* --network as given; NETWORK_BRIDGE: "bridge" when not given (run.c) */
	const char *aliases[MAX_ALIASES + 1]; /* --network-alias, NULL-terminated */
	size_t alias_count;
	struct network_join more_networks[MAX_MORE_NETWORKS]; /* --network given again: joined right after
								   the first, at start (run.c) */
	size_t more_network_count;
	const char *extra_hosts[MAX_EXTRA_HOSTS]; /* --add-host NAME:IP, lines of /etc/hosts (host-entries.h) */
	size_t extra_host_count;
	const char *sysctls[MAX_SYSCTLS]; /* --sysctl KEY=VALUE, namespaced ones only (sysctls.h) */
	size_t sysctl_count;
	bool read_only;           /* --read-only: the root filesystem is mounted read-only */
	struct port_mapping ports[MAX_PORTS]; /* -p: published ports (ports.h) */
	size_t port_count;
	bool userns;              /* --userns, --uidmap, --gidmap, or not root */
	struct id_map uid_maps[MAX_ID_MAPS], gid_maps[MAX_ID_MAPS];
	size_t uid_map_count, gid_map_count;
	const char *env[MAX_ENV]; /* -e K=V (or -e K: the value from our environment) */
	size_t env_count;
	char **command;           /* CMD ARGS..., NULL-terminated; default {"/bin/sh", NULL} */
	struct mount_request mounts[MAX_MOUNTS]; /* made in this order's depth order (parents first) */
	size_t mount_count;

	/* Made by `run` before the clone. */
	char id[CONTAINER_ID_LENGTH + 1];
	char rootfs_path[PATH_MAX]; /* rootfs, made absolute and free of symlinks (realpath) */
	char *default_command[2];
	bool rootless;              /* run by a user that is not root: one-id maps, setgroups denied */
};

/* --- options.c: pure, no system calls -------------------------------------- */

/* The defaults of a container, as `run` without flags has them: the bridge network, Docker's
 * capabilities and seccomp filter, /bin/sh. A program that fills a spec starts here. */
void container_init(struct container *c);

/* Fill c from `run`'s arguments (argv[0] = "run"). Returns 0, or -1 with a one-line message
 * (error.h) that names the bad flag or value. */
int parse_run_options(int argc, char **argv, struct container *c);

/* "CONTAINER:HOST:COUNT" -> map; -1 on a bad one. */
int parse_id_map(const char *text, struct id_map *map);

/* 0 if name can be a hostname (1..64 characters: letters, digits, '-', '.'), else -1. */
int check_hostname(const char *name);

/* The command's environment: PATH, HOSTNAME, TERM (with -t), HOME=home, then -e values, in envp
 * (at most size entries with the NULL); strings live in storage. Pure. */
int build_environment(const struct container *c, const char *home, char **envp, size_t size, char *storage,
		      size_t storage_size);

/* --- namespaces.c ---------------------------------------------------------- */

/* The clone(2) flags for c: CLONE_NEWPID|CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC, plus NEWNET and
 * NEWUSER when asked for. Pure. */
unsigned long container_clone_flags(const struct container *c);

/* "CLONE_NEWPID|CLONE_NEWNS|..." for --explain. Pure. */
const char *clone_flag_names(unsigned long flags, char *buf, size_t size);

/* A new container id: 64 hex digits from getrandom(2). */
int make_container_id(char id[CONTAINER_ID_LENGTH + 1]);

/* --- the pieces the checklist calls ---------------------------------------- */

/* userns.c, in the parent: write setgroups, uid_map and gid_map of process pid. */
int write_id_maps(const struct container *c, pid_t pid);
/* userns.c: default maps when none were given (root: 0->100000 x65536; a user: 0->own id). */
void default_id_maps(struct container *c, uid_t euid, gid_t egid);

/* mounts.c, in the child: propagation private, the rootfs bound onto itself, cwd there. */
int make_mounts_private(void);
int bind_rootfs(const struct container *c);
/* mounts.c: mount(2) with its --explain line and error message. */
int mount_explained(const char *source, const char *target, const char *type, unsigned long flags,
		    const char *data);
/* mounts.c: "MS_BIND|MS_REC" for --explain. Pure. */
const char *mount_flag_names(unsigned long flags, char *buf, size_t size);
/* mounts.c: /proc and /sys (read-only) inside c->rootfs_path. */
int mount_proc_and_sys(const struct container *c);
/* mounts.c: rootfs/folder/name in path, after making sure folder is a real folder and name a
 * regular file there (both made when missing), never a symbolic link. */
int file_mount_point(const char *rootfs, const char *folder, const char *name, char *path, size_t size);
/* mounts.c: bind the file source over rootfs/folder/name (e.g. "etc", "hosts"), checked as above. */
int bind_file_into(const struct container *c, const char *source, const char *folder, const char *name);
/* mounts.c: Docker's masked and read-only paths under rootfs's /proc and /sys. */
int mask_paths_in(const char *rootfs);

/* mount-options.c: a tmpfs's options ("ro,noexec,size=64m,mode=1777") into mount(2)'s flags
 * and data string ("size=64m,mode=1777"). Docker's defaults first: nosuid, nodev, noexec, which
 * "suid", "dev", "exec" take back. -1 with a message naming an unknown option. Pure. */
int tmpfs_mount_options(const char *text, unsigned long *flags, char *data, size_t size);
/* mount-options.c: the order to make mounts in, parents before children ("/a" before "/a/b",
 * then as given): order[] gets the indexes of mounts. Pure. */
void mount_order(const struct mount_request *mounts, size_t count, size_t *order);

/* requested-mounts.c: make c->mounts inside the rootfs (the cwd, bind_rootfs), each target
 * resolved without leaving it. */
int make_requested_mounts(const struct container *c);

/* devices.c: /dev as a tmpfs with the usual nodes, /dev/pts, /dev/shm, /dev/mqueue, links. */
int populate_dev(const struct container *c);

/* pivot.c: make the cwd (the rootfs) "/" and detach the old root. */
int pivot_to_cwd(void);

/* --- run.c ----------------------------------------------------------------- */

/* Where a later chapter steps into one run of a container (chapter 03: the cgroup and the
 * record). Any hook may be NULL; each returns 0, or -1 with a message recorded. */
struct container_hooks {
	void *ctx;
	/* Before the clone: *folder = an open cgroup v2 folder for the child to be born in
	 * (clone3(2), CLONE_INTO_CGROUP), which stays the hook's to close; or -1: it is born in
	 * ours. Where the kernel is older than 5.7, it is born in ours all the same. */
	int (*cgroup_folder)(void *ctx, struct container *c, int *folder);
	/* At SYNC_CGROUP, the child waiting: put it into its cgroup. born_in_folder: it was born
	 * in the folder given above, so only what that cannot cover is left (cgroup v1 trees). */
	int (*cgroup)(void *ctx, struct container *c, pid_t pid, bool born_in_folder);
	/* Just before SYNC_GO: the container exists and is about to run the command. */
	int (*started)(void *ctx, struct container *c, pid_t pid);
};

/* A new id (unless c has one: an existing container started again) and, without --hostname,
 * the short id as the hostname. 0, or -1 with the message recorded. */
int container_identify(struct container *c);

/* Step 1's part that needs the system: the rootfs (c->rootfs, or c->rootfs_path when a later
 * chapter mounted one), the shell, the caller's identity, the network. Nothing is made. Returns
 * 0, or the exit code (125, 127) with the message recorded. */
int container_prepare(struct container *c);

/* Steps 2-6: one run of the container, until its init exits; everything made for the run is
 * undone on every path. Returns 0 with *code the exit code of the command (or of a child that
 * failed during setup and said why itself), or -1 when we failed (message recorded; *code is
 * the exit code to give: 125, or the child's when it was gone at the last step). */
int container_run(struct container *c, const struct container_hooks *hooks, int *code);

/* tinydock run --rootfs DIR [OPTIONS] [CMD ARGS...] */
int cmd_run(int argc, char **argv);

#endif
