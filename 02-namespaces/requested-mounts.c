/*
 * requested-mounts.c - the mounts a container asks for: a host folder bound in, a tmpfs.
 *
 * A bind mount (mount(2), MS_BIND) shows a folder or file that already exists at a second
 * place: `-v /srv/site:/var/www/html` makes the host's /srv/site appear inside the container,
 * the same inode, so a write on either side is seen on the other. A tmpfs is a new, empty
 * filesystem in memory (tmpfs(5)). Both are made here, in the container's own mount namespace,
 * after its rootfs, /proc and /dev (setup.c) and before pivot_root, while the host's folders
 * can still be named: after pivot_root there is no host path left to bind from.
 *
 * The danger is the target. It is a path inside the rootfs, and the rootfs is the image's, so
 * untrusted: if its /data is a symbolic link to "/", or to "../../..", a mount made with the
 * path "ROOTFS/data" follows the link on the HOST's side and covers a host folder in our mount
 * table. Checking the path first and mounting by name after is not enough either: in
 * CVE-2021-30465 (runc), a second container that shared a volume swapped a checked folder for
 * a symbolic link between runc's check and its mount(2), and the mount landed outside the
 * rootfs. So the target is never used as a path on the host:
 *
 *  1. openat2(2) opens it relative to the rootfs with RESOLVE_IN_ROOT, which resolves every
 *     symbolic link and ".." as if the rootfs were "/" (a link to "/" means the rootfs's own
 *     root), and RESOLVE_NO_MAGICLINKS, which refuses /proc/PID/fd-like links that jump
 *     anywhere; a missing folder is made on the way with mkdirat(2) in the folder opened so far.
 *     A link to a folder that does not exist yet is followed the same way, inside the root,
 *     and the folder made there (as runc's securejoin does). What we hold then is an fd: the
 *     object itself, that no later rename can swap.
 *  2. The new mount is attached to that fd. A bind: open_tree(2) with OPEN_TREE_CLONE makes a
 *     detached copy of the source's mount tree, mount_setattr(2) makes it read-only (with
 *     AT_RECURSIVE, the mounts below it too) BEFORE anyone can see it, and move_mount(2) puts it
 *     on the fd (MOVE_MOUNT_T_EMPTY_PATH). A tmpfs: mount(2) onto "/proc/self/fd/N", the path
 *     the kernel gives back for that very fd, as runc does since that CVE.
 *
 * A target that resolves to the rootfs itself ("/", or a link to it) is refused, as Docker
 * refuses `-v x:/`: the container would lose its root.
 *
 * Next: pivot.c (the last step of the filesystem).
 */
#include "container.h"
#include "error.h"
#include "explain.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char CHAPTER[] = "02-namespaces";

/* path (relative to the rootfs fd root), every link resolved inside it. */
static int open_in_root(int root, const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	return (int)syscall(SYS_openat2, root, *path ? path : ".", &how, sizeof(how));
}

/* A link in the rootfs that points at nothing yet: the path it names (read inside the root, so
 * an absolute one starts at the rootfs) takes its place, followed by the rest. 1 when path was
 * rewritten, 0 when name is no link, -1 on error. */
static int follow_dangling_link(int parent, const char *name, char *path, size_t prefix, size_t next, size_t size)
{
	struct stat st;
	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISLNK(st.st_mode))
		return 0;
	char link[PATH_MAX], rest[PATH_MAX], joined[3 * PATH_MAX];
	ssize_t n = readlinkat(parent, name, link, sizeof(link) - 1);
	if (n < 0)
		return fail_sys("cannot read the link \"/%s\" in the rootfs", path);
	link[n] = '\0';
	snprintf(rest, sizeof(rest), "%s", path + next);
	path[prefix] = '\0'; /* the folder that holds the link */
	snprintf(joined, sizeof(joined), "%s%s%s%s", link[0] == '/' ? "" : path, link[0] == '/' || !prefix ? "" : "/",
		 link + strspn(link, "/"), rest);
	if (strlen(joined) >= size)
		return fail_errno(ENAMETOOLONG, "the mount point's path is too long once its links are followed");
	explain(CHAPTER, "\"%s\" is a link to \"%s\": followed inside the rootfs", name, link);
	memcpy(path, joined, strlen(joined) + 1);
	return 1;
}

/* Open the target inside the rootfs fd root (each missing part made: a folder, or for a file
 * source an empty file as the last part). Returns an O_PATH fd, or -1. */
static int open_target(int root, const struct mount_request *m, bool file)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s", m->target + strspn(m->target, "/"));
	int links = 0;
restart:;
	size_t length = strlen(path);
	while (length > 0 && path[length - 1] == '/')
		path[--length] = '\0';
	/* Open the prefixes one at a time: path[0..end) is the part opened so far. */
	for (size_t end = 0; end <= length;) {
		size_t next = end;
		while (next < length && path[next] != '/')
			next++;
		char saved = path[next];
		path[next] = '\0';
		int fd = open_in_root(root, path);
		if (fd < 0 && errno == ENOENT) {
			char *slash = strrchr(path, '/');
			const char *name = slash ? slash + 1 : path;
			if (slash)
				*slash = '\0';
			int parent = open_in_root(root, slash ? path : "");
			if (slash)
				*slash = '/';
			int made = -1;
			if (parent >= 0) {
				path[next] = saved;
				int followed = follow_dangling_link(parent, name, path, slash ? (size_t)(slash - path) : 0,
								    next, sizeof(path));
				if (followed != 0) {
					close(parent);
					if (followed < 0)
						return -1;
					if (++links > 40) /* as the kernel's MAXSYMLINKS */
						return fail_errno(ELOOP, "cannot resolve the mount point \"%s\"", m->target);
					goto restart;
				}
				path[next] = '\0';
				if (next == length && file) {
					int f = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
					made = f < 0 ? -1 : close(f);
				} else {
					made = mkdirat(parent, name, 0755);
				}
				close(parent);
			}
			explain_result(CHAPTER, made, "%s(\"/%s\") in the rootfs (a mount point)",
				       next == length && file ? "open(O_CREAT|O_EXCL)" : "mkdirat", path);
			if (made < 0)
				return fail_sys("cannot make the mount point \"/%s\"", path);
			fd = open_in_root(root, path);
		}
		if (fd < 0) {
			int err = errno;
			if (err == ENOSYS)
				return fail_errno(err, "cannot open \"/%s\" inside the rootfs: openat2(2) needs Linux 5.6",
						  path);
			return fail_errno(err, "cannot open the mount point \"/%s\" inside the rootfs", path);
		}
		path[next] = saved;
		if (next >= length) {
			explain(CHAPTER, "openat2(rootfs, \"/%s\", O_PATH, RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS) = %d", path,
				fd);
			return fd;
		}
		close(fd);
		end = next + 1;
	}
	return -1; /* not reached: the loop returns at its last part */
}

/* The target must be of the source's kind, and not the rootfs itself. */
static int check_target(int root, int target, const struct mount_request *m, bool file)
{
	struct stat r, t;
	if (fstat(root, &r) < 0 || fstat(target, &t) < 0)
		return fail_sys("cannot stat the mount point \"%s\"", m->target);
	if (r.st_dev == t.st_dev && r.st_ino == t.st_ino)
		return fail_errno(0, "cannot mount on \"%s\": it is the container's root (\"/\" inside)", m->target);
	if (file ? !S_ISREG(t.st_mode) : !S_ISDIR(t.st_mode))
		return fail_errno(ENOTDIR, "cannot mount %s on \"%s\": the mount point is not a %s", m->source,
				  m->target, file ? "file" : "folder");
	return 0;
}

static int bind_into(int root, const struct mount_request *m)
{
	int tree = (int)explain_result(CHAPTER, open_tree(AT_FDCWD, m->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE),
				       "open_tree(\"%s\", OPEN_TREE_CLONE|AT_RECURSIVE)", m->source);
	if (tree < 0)
		return fail_sys("cannot bind \"%s\"", m->source);
	int target = -1, rc = -1;
	struct stat st;
	if (fstat(tree, &st) < 0) {
		fail_sys("cannot stat \"%s\"", m->source);
		goto out;
	}
	bool file = !S_ISDIR(st.st_mode);
	if (m->read_only) {
		struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
		if (explain_result(CHAPTER, mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)),
				   "mount_setattr(%d, AT_RECURSIVE, MOUNT_ATTR_RDONLY)", tree) < 0) {
			fail_sys("cannot make the bind of \"%s\" read-only", m->source);
			goto out;
		}
	}
	target = open_target(root, m, file);
	if (target < 0 || check_target(root, target, m, file) < 0)
		goto out;
	if (explain_result(CHAPTER, move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH),
			   "move_mount(%d, \"\", %d, \"\") (\"%s\" on \"%s\")", tree, target, m->source, m->target) < 0) {
		fail_sys("cannot bind \"%s\" on \"%s\"", m->source, m->target);
		goto out;
	}
	rc = 0;
out:
	if (target >= 0)
		close(target);
	close(tree);
	return rc;
}

static int tmpfs_into(int root, const struct mount_request *m)
{
	unsigned long flags;
	char data[sizeof(m->options)], at[64];
	if (tmpfs_mount_options(m->options, &flags, data, sizeof(data)) < 0)
		return fail_context("tmpfs on \"%s\"", m->target);
	if (m->read_only)
		flags |= MS_RDONLY;
	int target = open_target(root, m, false);
	if (target < 0)
		return -1;
	int rc = check_target(root, target, m, false);
	snprintf(at, sizeof(at), "/proc/self/fd/%d", target);
	if (rc == 0 && (rc = mount_explained("tmpfs", at, "tmpfs", flags, data[0] ? data : NULL)) < 0)
		fail_context("tmpfs on \"%s\"", m->target);
	close(target);
	return rc;
}

int make_requested_mounts(const struct container *c)
{
	if (c->mount_count == 0)
		return 0;
	size_t order[MAX_MOUNTS];
	mount_order(c->mounts, c->mount_count, order);
	/* The cwd is the rootfs, bound onto itself (bind_rootfs): the root of every lookup. */
	int root = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return fail_sys("cannot open the rootfs");
	int rc = 0;
	for (size_t i = 0; i < c->mount_count && rc == 0; i++) {
		const struct mount_request *m = &c->mounts[order[i]];
		rc = m->kind == MOUNT_BIND ? bind_into(root, m) : tmpfs_into(root, m);
		/* The mount points are made as the container's root: in a user namespace, an
		 * unprivileged uid outside, which the image's folders (owned by the host's root) do
		 * not let in. Docker makes them before entering the namespace; we do not yet. */
		if (rc < 0 && c->userns && (error_errno() == EACCES || error_errno() == EPERM))
			fail_context("in the user namespace, root is uid %lu outside and may not write the image's folders: "
				     "mount on a folder the image has",
				     c->uid_maps[0].outside);
	}
	close(root);
	return rc;
}
