/*
 * apply.c - unpacking a layer into a folder, without ever writing outside it.
 *
 * `docker pull` downloads the layers and unpacks each one. Unpacking
 * is where container tools have had their worst bugs, because a layer comes
 * from anyone and its paths are chosen by the attacker:
 *
 *   "../../etc/cron.d/x", "/etc/passwd"  "Zip Slip" (Snyk, 2018): a path that climbs out.
 *                                          Cleaned lexically: a leading "/" is
 *                                          dropped (the path means inside the
 *                                          root), and a ".." climbing above the
 *                                          root is refused (as Docker does).
 *   "lib -> /etc", then "lib/passwd"       a symlink planted by an earlier entry
 *                                          (or a lower layer) that points out: a
 *                                          plain open("DIR/lib/passwd") follows it
 *                                          to the host's /etc. This is the shape of
 *                                          CVE-2018-15664 (docker cp) and runc's
 *                                          CVE-2021-30465 (a symlink swapped in
 *                                          under a path being resolved).
 *   "x -> /etc/passwd" then hard link "y" to "x", or "x" itself rewritten:
 *                                          following x writes the host's file.
 *
 * So no path is ever handed to the kernel as one string from the folder's path.
 * The parent folder of each entry is opened inside the root (inroot.c:
 * openat2(RESOLVE_IN_ROOT), or a component walk where openat2 is missing): every
 * symlink and ".." is resolved as if the root were "/", exactly what the layer's
 * paths mean inside the container. The last component is never followed: files are
 * created with O_CREAT|O_EXCL|O_NOFOLLOW, anything in the way is removed first,
 * and metadata is set through the new file's fd or with AT_SYMLINK_NOFOLLOW.
 *
 * Then the layer's meaning: whiteouts delete lower files (or become overlay's own
 * whiteouts, see layer.h), owners, modes, times and extended attributes are
 * restored (owners only as root, like GNU tar), folders' times last.
 *
 * Read next: changes.c, which makes layers.
 */
#include "layer.h"
#include "error.h"
#include "explain.h"
#include "files.h"
#include "inroot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

static const char CHAPTER[] = "04-layers";

/* --- whiteout names ------------------------------------------------------------ */

enum whiteout_kind layer_whiteout(const char *name, const char **hidden)
{
	if (strncmp(name, WHITEOUT_PREFIX, strlen(WHITEOUT_PREFIX)) != 0)
		return NOT_A_WHITEOUT;
	if (strcmp(name, WHITEOUT_OPAQUE) == 0)
		return WHITEOUT_OF_ALL;
	/* The prefix plus "the basename of the path to be deleted": "", "." and ".." are no
	 * basename, they would name the folder itself or its parent. */
	const char *target = name + strlen(WHITEOUT_PREFIX);
	if (strcmp(target, "") == 0 || strcmp(target, ".") == 0 || strcmp(target, "..") == 0)
		return WHITEOUT_INVALID;
	if (hidden)
		*hidden = target;
	return WHITEOUT_OF_NAME;
}

/* --- a set of paths this layer has written (for opaque folders) --------------- */

struct path_set {
	char **slots;
	size_t cap, count;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static bool set_contains(const struct path_set *set, const char *path)
{
	if (set->cap == 0)
		return false;
	for (size_t i = hash(path) & (set->cap - 1);; i = (i + 1) & (set->cap - 1)) {
		if (!set->slots[i])
			return false;
		if (strcmp(set->slots[i], path) == 0)
			return true;
	}
}

static int set_add(struct path_set *set, const char *path)
{
	if (set_contains(set, path))
		return 0;
	if ((set->count + 1) * 2 > set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 1024;
		char **slots = calloc(cap, sizeof(*slots));
		if (!slots)
			return -1;
		for (size_t i = 0; i < set->cap; i++) {
			if (!set->slots[i])
				continue;
			size_t j = hash(set->slots[i]) & (cap - 1);
			while (slots[j])
				j = (j + 1) & (cap - 1);
			slots[j] = set->slots[i];
		}
		free(set->slots);
		set->slots = slots;
		set->cap = cap;
	}
	char *copy = strdup(path);
	if (!copy)
		return -1;
	size_t i = hash(path) & (set->cap - 1);
	while (set->slots[i])
		i = (i + 1) & (set->cap - 1);
	set->slots[i] = copy;
	set->count++;
	return 0;
}

static void set_free(struct path_set *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->slots[i]);
	free(set->slots);
}

/* --- the applier ------------------------------------------------------------ */

struct dir_time {
	char *path;
	struct timespec mtime;
};

struct applier {
	char *root;            /* for messages */
	int rootfd;
	struct apply_options options;
	bool use_openat2;
	bool as_root;          /* restore owners (and trusted.* xattrs) */
	uid_t euid;            /* who owns what we create, when nothing says otherwise */
	gid_t egid;
	mode_t umask;
	char *cached_parent;   /* the last parent folder resolved, and its fd */
	int cached_fd;
	bool cached_setgid;    /* new files in it take the folder's group (the set-group-ID bit) */
	struct path_set written;
	struct dir_time *dirs;
	size_t dir_count, dir_cap;
	struct apply_stats stats;
	bool source_failed;    /* the data source failed: its message already names the entry */
	char buf[128 * 1024];
};

struct applier *applier_new(const char *root, const struct apply_options *options)
{
	struct applier *a = calloc(1, sizeof(*a));
	if (!a) {
		fail_errno(ENOMEM, "cannot apply a layer to \"%s\"", root);
		return NULL;
	}
	a->rootfd = a->cached_fd = -1;
	a->root = strdup(root);
	if (options)
		a->options = *options;
	a->use_openat2 = !a->options.no_openat2;
	a->as_root = geteuid() == 0;
	a->euid = geteuid();
	a->egid = getegid();
	a->umask = umask(0); /* read it: there is no other way */
	umask(a->umask);
	a->rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (!a->root || a->rootfd < 0) {
		fail_sys("cannot open folder \"%s\"", root);
		applier_free(a);
		return NULL;
	}
	return a;
}

void applier_free(struct applier *a)
{
	if (!a)
		return;
	if (a->rootfd >= 0)
		close(a->rootfd);
	if (a->cached_fd >= 0)
		close(a->cached_fd);
	free(a->cached_parent);
	set_free(&a->written);
	for (size_t i = 0; i < a->dir_count; i++)
		free(a->dirs[i].path);
	free(a->dirs);
	free(a->root);
	free(a);
}

static void forget_cached_parent(struct applier *a)
{
	if (a->cached_fd >= 0)
		close(a->cached_fd);
	a->cached_fd = -1;
	free(a->cached_parent);
	a->cached_parent = NULL;
}

/* The parent folder of an entry, as an fd, resolved inside the root (inroot.c). One
 * folder is cached: a layer lists a folder's files one after another. */
static int open_parent(struct applier *a, const char *parent)
{
	if (a->cached_parent && strcmp(a->cached_parent, parent) == 0)
		return a->cached_fd;
	forget_cached_parent(a);
	int fd = inroot_open_dir(a->rootfd, a->root, parent, true, &a->use_openat2);
	if (fd < 0)
		return -1;
	a->cached_parent = strdup(parent);
	if (!a->cached_parent) {
		close(fd);
		return fail_errno(ENOMEM, "cannot apply to \"%s\"", a->root);
	}
	a->cached_fd = fd;
	struct stat st;
	a->cached_setgid = fstat(fd, &st) < 0 || (st.st_mode & S_ISGID);
	return fd;
}

/* Split a clean path into its parent (in parent_buf) and its last component. */
static const char *split(const char *path, char *parent_buf, size_t size)
{
	const char *slash = strrchr(path, '/');
	if (!slash) {
		parent_buf[0] = '\0';
		return path;
	}
	snprintf(parent_buf, size, "%.*s", (int)(slash - path), path);
	return slash + 1;
}

/* Remove whatever is at name in pfd (a file, a link, or a whole folder). */
static int remove_existing(struct applier *a, int pfd, const char *name, const char *path)
{
	char display[PATH_MAX];
	snprintf(display, sizeof(display), "%s/%s", a->root, path);
	if (unlinkat(pfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return fail_sys("cannot remove \"%s\"", display);
	/* The cached parent fd stays valid: it is pfd itself, the folder we remove from (one
	 * parent is cached, the current entry's, so nothing removed here can contain it). */
	return remove_tree_at(pfd, name, display);
}

static int restore_xattrs(struct applier *a, int fd, int pfd, const char *name, const struct tar_entry *e)
{
	for (size_t i = 0; i < e->xattr_count; i++) {
		const struct tar_xattr *x = &e->xattrs[i];
		/* overlayfs's own attributes would change how this host's overlay resolves the
		 * layer (opaque folders, redirects to other paths): never take them from an archive. */
		if (strncmp(x->name, "trusted.overlay.", 16) == 0)
			continue;
		int rc;
		if (fd >= 0) {
			rc = fsetxattr(fd, x->name, x->value, x->size, 0);
		} else {
			char proc[64 + NAME_MAX];
			snprintf(proc, sizeof(proc), "/proc/self/fd/%d/%s", pfd, name);
			rc = lsetxattr(proc, x->name, x->value, x->size, 0);
		}
		if (rc < 0) {
			/* A filesystem without xattrs, or trusted.* as non-root: GNU tar warns and goes on. */
			if (errno == ENOTSUP || (errno == EPERM && !a->as_root))
				continue;
			return fail_sys("cannot set extended attribute %s on \"%s/%s\"", x->name, a->root, e->path);
		}
	}
	return 0;
}

static int defer_dir_time(struct applier *a, const char *path, struct timespec mtime)
{
	if (a->dir_count == a->dir_cap) {
		size_t cap = a->dir_cap ? a->dir_cap * 2 : 64;
		struct dir_time *more = realloc(a->dirs, cap * sizeof(*more));
		if (!more)
			return fail_errno(ENOMEM, "cannot apply to \"%s\"", a->root);
		a->dirs = more;
		a->dir_cap = cap;
	}
	char *copy = strdup(path);
	if (!copy)
		return fail_errno(ENOMEM, "cannot apply to \"%s\"", a->root);
	a->dirs[a->dir_count++] = (struct dir_time){ copy, mtime };
	return 0;
}

/* Owner, mode and xattrs through an fd of the new file or folder. A new file that was
 * created with its final mode and is already owned right needs neither call: two system
 * calls saved per file is what keeps unpacking as fast as GNU tar. */
static int finish_fd(struct applier *a, int fd, const struct tar_entry *e, bool created_right)
{
	bool owned_right = created_right && e->uid == a->euid && e->gid == a->egid && !a->cached_setgid;
	if (a->as_root && !owned_right && fchown(fd, (uid_t)e->uid, (gid_t)e->gid) < 0)
		return fail_sys("cannot change the owner of \"%s/%s\"", a->root, e->path);
	/* After chown: chown clears set-user-ID bits (chown(2)). */
	if ((!created_right || !owned_right) && fchmod(fd, e->mode & 07777) < 0)
		return fail_sys("cannot change the mode of \"%s/%s\"", a->root, e->path);
	return restore_xattrs(a, fd, -1, NULL, e);
}

static int write_file(struct applier *a, int pfd, const char *name, const struct tar_entry *e,
		      tar_read_fn read_data, void *ctx)
{
	/* Plain permission bits that the umask leaves alone can be given at creation. */
	bool created_right = (e->mode & 07000) == 0 && (e->mode & a->umask) == 0;
	mode_t mode = created_right ? (e->mode & 0777) : 0600;
	int fd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0 && errno == EEXIST) {
		if (remove_existing(a, pfd, name, e->path) < 0)
			return -1;
		fd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	}
	if (fd < 0)
		return fail_sys("cannot create \"%s/%s\"", a->root, e->path);
	int rc = 0;
	uint64_t left = e->size;
	while (left > 0 && rc == 0) {
		size_t want = left < sizeof(a->buf) ? (size_t)left : sizeof(a->buf);
		ssize_t n = read_data(ctx, a->buf, want);
		if (n < 0)
			rc = -1, a->source_failed = true;
		else if (n == 0)
			rc = fail_errno(0, "\"%s\": data ended %llu bytes early", e->path, (unsigned long long)left);
		else if (write_all(fd, a->buf, (size_t)n) < 0)
			rc = fail_sys("cannot write \"%s/%s\"", a->root, e->path);
		else
			left -= (uint64_t)n;
	}
	if (rc == 0)
		rc = finish_fd(a, fd, e, created_right);
	struct timespec times[2] = { e->mtime, e->mtime };
	if (rc == 0 && futimens(fd, times) < 0)
		rc = fail_sys("cannot set the time of \"%s/%s\"", a->root, e->path);
	if (close(fd) < 0 && rc == 0)
		rc = fail_sys("cannot write \"%s/%s\"", a->root, e->path);
	a->stats.bytes += e->size - left;
	return rc;
}

static int make_dir(struct applier *a, int pfd, const char *name, const char *path, const struct tar_entry *e)
{
	if (mkdirat(pfd, name, 0700) < 0) {
		struct stat st;
		if (errno != EEXIST)
			return fail_sys("cannot create folder \"%s/%s\"", a->root, path);
		/* An existing folder is merged into; anything else in the way is replaced. */
		if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return fail_sys("cannot stat \"%s/%s\"", a->root, path);
		if (!S_ISDIR(st.st_mode)) {
			if (remove_existing(a, pfd, name, path) < 0)
				return -1;
			if (mkdirat(pfd, name, 0700) < 0)
				return fail_sys("cannot create folder \"%s/%s\"", a->root, path);
		}
	}
	int fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail_sys("cannot open folder \"%s/%s\"", a->root, path);
	int rc = finish_fd(a, fd, e, false);
	close(fd);
	if (rc == 0)
		rc = defer_dir_time(a, path, e->mtime);
	return rc;
}

/* Symlinks, hard links, devices and fifos: created by name, metadata set by name without
 * following (the entry is new, made by us, in a folder reached inside the root). */
static int make_special(struct applier *a, int pfd, const char *name, const char *path, const struct tar_entry *e)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		int rc = 0;
		switch (e->type) {
		case TAR_SYMLINK:
			/* The target is stored as is: it is only ever followed inside the container,
			 * or by this file's resolver, both of which keep it inside the root. */
			rc = symlinkat(e->linkname, pfd, name);
			break;
		case TAR_HARDLINK: {
			char clean[PATH_MAX], parent[PATH_MAX];
			if (inroot_clean_path(e->linkname, clean, sizeof(clean)) < 0 || !*clean)
				return fail_errno(0, "entry \"%s\": hard link target \"%s\" is outside the layer", e->path,
						  e->linkname);
			const char *target = split(clean, parent, sizeof(parent));
			/* The target's folder is resolved inside the root like any path, so the link
			 * can only name a file inside it. linkat without AT_SYMLINK_FOLLOW links a
			 * symlink itself, never what it points to. */
			int tfd = inroot_open_dir(a->rootfd, a->root, parent, false, &a->use_openat2);
			if (tfd < 0)
				return fail_context("entry \"%s\": cannot find hard link target \"%s\"", e->path, e->linkname);
			rc = linkat(tfd, target, pfd, name, 0);
			int saved = errno;
			close(tfd);
			errno = saved;
			if (rc < 0 && errno != EEXIST)
				return fail_sys("cannot link \"%s/%s\" to \"%s\"", a->root, path, e->linkname);
			if (rc == 0)
				return 0; /* a hard link shares its target's inode: nothing else to set */
			break;
		}
		case TAR_CHAR:
		case TAR_BLOCK_DEVICE:
			rc = mknodat(pfd, name, (e->type == TAR_CHAR ? S_IFCHR : S_IFBLK) | (e->mode & 07777),
				     makedev(e->devmajor, e->devminor));
			break;
		case TAR_FIFO:
			rc = mkfifoat(pfd, name, e->mode & 07777);
			break;
		}
		if (rc == 0)
			break;
		if (errno != EEXIST || attempt == 1)
			return fail_sys("cannot create \"%s/%s\"", a->root, path);
		if (remove_existing(a, pfd, name, path) < 0)
			return -1;
	}
	if (a->as_root && fchownat(pfd, name, (uid_t)e->uid, (gid_t)e->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return fail_sys("cannot change the owner of \"%s/%s\"", a->root, path);
	if (e->type != TAR_SYMLINK && fchmodat(pfd, name, e->mode & 07777, 0) < 0)
		return fail_sys("cannot change the mode of \"%s/%s\"", a->root, path);
	if (e->type != TAR_SYMLINK && restore_xattrs(a, -1, pfd, name, e) < 0)
		return -1;
	struct timespec times[2] = { e->mtime, e->mtime };
	if (utimensat(pfd, name, times, AT_SYMLINK_NOFOLLOW) < 0)
		return fail_sys("cannot set the time of \"%s/%s\"", a->root, path);
	return 0;
}

/* ".wh..wh..opq" in delete mode: remove every entry of the folder this layer did not write. */
static int empty_opaque_dir(struct applier *a, int pfd, const char *parent)
{
	int fd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = fd < 0 ? NULL : fdopendir(fd);
	if (!dir) {
		if (fd >= 0)
			close(fd);
		return fail_sys("cannot read folder \"%s/%s\"", a->root, parent);
	}
	int rc = 0;
	struct dirent *d;
	char child[PATH_MAX];
	while (rc == 0 && (d = readdir(dir)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		snprintf(child, sizeof(child), "%s%s%s", parent, *parent ? "/" : "", d->d_name);
		if (set_contains(&a->written, child))
			continue;
		rc = remove_existing(a, pfd, d->d_name, child);
	}
	closedir(dir);
	return rc;
}

static int apply_whiteout(struct applier *a, int pfd, const char *parent, enum whiteout_kind kind,
			  const char *hidden, const char *path)
{
	a->stats.whiteouts++;
	if (kind == WHITEOUT_OF_ALL) {
		if (a->options.whiteouts == WHITEOUT_DELETE) {
			int rc = empty_opaque_dir(a, pfd, parent);
			explain(CHAPTER, "%s: opaque folder \"/%s\": removed the lower layers' entries%s", path, parent,
				rc < 0 ? " (failed)" : "");
			return rc;
		}
		char proc[64];
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
		int rc = (int)explain_result(CHAPTER, setxattr(proc, "trusted.overlay.opaque", "y", 1, 0),
					     "setxattr(\"%s/%s\", \"trusted.overlay.opaque\", \"y\")", a->root, parent);
		return rc < 0 ? fail_sys("cannot mark \"%s/%s\" opaque", a->root, parent) : 0;
	}
	char hidden_path[PATH_MAX];
	snprintf(hidden_path, sizeof(hidden_path), "%s%s%s", parent, *parent ? "/" : "", hidden);
	if (remove_existing(a, pfd, hidden, hidden_path) < 0)
		return -1;
	if (a->options.whiteouts == WHITEOUT_DELETE) {
		explain(CHAPTER, "%s: removed \"/%s\"", path, hidden_path);
		return 0;
	}
	/* overlayfs's whiteout: a character device with device number 0/0 (overlayfs.rst). */
	if (explain_result(CHAPTER, mknodat(pfd, hidden, S_IFCHR | 0, makedev(0, 0)),
			   "mknodat(\"%s/%s\", S_IFCHR, 0/0)", a->root, hidden_path) < 0)
		return fail_sys("cannot create the whiteout \"%s/%s\"", a->root, hidden_path);
	return 0;
}

int applier_entry(struct applier *a, const struct tar_entry *e, tar_read_fn read_data, void *ctx)
{
	char path[PATH_MAX], parent[PATH_MAX];
	if (inroot_clean_path(e->path, path, sizeof(path)) < 0)
		return fail_errno(0, "entry \"%s\" at byte %llu: path climbs out of the layer (refused)", e->path,
				  (unsigned long long)e->offset);
	if (*path == '\0')
		return 0; /* "./": the root folder itself belongs to whoever made it, not to the layer */
	const char *name = split(path, parent, sizeof(parent));
	int pfd = open_parent(a, parent);
	if (pfd < 0)
		return fail_context("entry \"%s\" at byte %llu", e->path, (unsigned long long)e->offset);
	a->stats.entries++;
	const char *hidden = NULL;
	enum whiteout_kind kind = layer_whiteout(name, &hidden);
	if (kind == WHITEOUT_INVALID)
		return fail_errno(0, "entry \"%s\" at byte %llu: invalid whiteout (it names no file)", e->path,
				  (unsigned long long)e->offset);
	if (kind != NOT_A_WHITEOUT)
		return apply_whiteout(a, pfd, parent, kind, hidden, path);
	int rc;
	if (e->type == TAR_REGULAR)
		rc = write_file(a, pfd, name, e, read_data, ctx);
	else if (e->type == TAR_DIRECTORY)
		rc = make_dir(a, pfd, name, path, e);
	else
		rc = make_special(a, pfd, name, path, e);
	if (rc < 0)
		return a->source_failed ? -1 : fail_context("entry \"%s\" at byte %llu", e->path, (unsigned long long)e->offset);
	if (set_add(&a->written, path) < 0)
		return fail_errno(ENOMEM, "cannot apply to \"%s\"", a->root);
	return 0;
}

int applier_finish(struct applier *a, struct apply_stats *stats)
{
	/* Folders' times last: every file created inside a folder changed its mtime. */
	char parent[PATH_MAX];
	for (size_t i = 0; i < a->dir_count; i++) {
		const char *name = split(a->dirs[i].path, parent, sizeof(parent));
		int pfd = open_parent(a, parent);
		if (pfd < 0)
			return -1;
		struct timespec times[2] = { a->dirs[i].mtime, a->dirs[i].mtime };
		if (utimensat(pfd, name, times, AT_SYMLINK_NOFOLLOW) < 0 && errno != ENOENT)
			return fail_sys("cannot set the time of \"%s/%s\"", a->root, a->dirs[i].path);
	}
	a->stats.used_openat2 = a->use_openat2;
	if (stats)
		*stats = a->stats;
	return 0;
}

static ssize_t read_entry_data(void *ctx, void *buf, size_t size)
{
	return tar_reader_read(ctx, buf, size);
}

int layer_apply(struct tar_reader *reader, const char *dir, const struct apply_options *options,
		struct apply_stats *stats)
{
	struct applier *a = applier_new(dir, options);
	if (!a)
		return -1;
	const struct tar_entry *e;
	int rc;
	while ((rc = tar_reader_next(reader, &e)) == 1)
		if (applier_entry(a, e, read_entry_data, reader) < 0)
			break;
	if (rc == 0)
		rc = applier_finish(a, stats);
	else
		rc = -1;
	if (rc == 0)
		explain(CHAPTER, "applied %llu entries (%llu bytes, %llu whiteouts) to \"%s\" (paths resolved with %s)",
			(unsigned long long)a->stats.entries, (unsigned long long)a->stats.bytes,
			(unsigned long long)a->stats.whiteouts, dir,
			a->use_openat2 ? "openat2 RESOLVE_IN_ROOT" : "an O_NOFOLLOW walk");
	applier_free(a);
	return rc;
}

/* Never leave a half layer that looks whole; report why it is half, not how its removal went. */
static int discard_partial(const char *partial)
{
	struct error_saved first;
	error_save(&first);
	remove_tree(partial);
	return error_restore(&first);
}

int layer_unpack(struct tar_reader *reader, const char *dest, const struct apply_options *options,
		 struct apply_stats *stats)
{
	char partial[PATH_MAX];
	if (snprintf(partial, sizeof(partial), "%s.partial-%d", dest, (int)getpid()) >= (int)sizeof(partial))
		return fail_errno(ENAMETOOLONG, "cannot unpack into \"%s\"", dest);
	struct stat st;
	if (lstat(dest, &st) == 0)
		return fail_errno(EEXIST, "cannot unpack into \"%s\"", dest);
	if (mkdir(partial, 0755) < 0)
		return fail_sys("cannot create folder \"%s\"", partial);
	if (layer_apply(reader, partial, options, stats) < 0)
		return discard_partial(partial);
	/* The rename makes the layer trusted: whoever sees dest takes it as whole. So its files
	 * must be on the disk before the name is (a power cut in between would otherwise leave a
	 * complete-looking layer of empty or missing files), and the name after: syncfs of the
	 * tree, rename, fsync of the folder that holds the name. */
	if (explain_result(CHAPTER, sync_filesystem(partial), "syncfs(\"%s\")", partial) < 0)
		return discard_partial(partial);
	if (explain_result(CHAPTER, rename(partial, dest), "rename(\"%s\", \"%s\")", partial, dest) < 0) {
		fail_sys("cannot rename \"%s\" to \"%s\"", partial, dest);
		return discard_partial(partial);
	}
	return (int)explain_result(CHAPTER, sync_parent_folder(dest), "fsync(the folder of \"%s\")", dest);
}
