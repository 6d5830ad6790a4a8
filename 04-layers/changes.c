/*
 * changes.c - a container's changes: `docker diff` and `docker commit`, from the upper folder.
 *
 * Lecture: "a container is an image plus a thin writable layer; commit turns that
 * layer into a new read-only image layer". With overlayfs, the writable layer is
 * literally a folder, the upper folder, holding exactly what changed:
 *
 *   a new or modified file   the whole file (copied up on its first write)
 *   a deleted lower file     a whiteout: a character device with number 0/0
 *   a folder replacing a     a folder with the xattr trusted.overlay.opaque=y:
 *   lower one (rm -r; mkdir)   nothing of the lower folder shows through
 *
 * (Documentation/filesystems/overlayfs.rst, "whiteouts and opaque directories".)
 * A layer tarball cannot carry device-0/0 tricks portably, so image layers spell
 * the same facts as names (the OCI image spec, "Whiteouts"):
 *
 *   NAME as 0/0 device   ->  .wh.NAME           (an empty regular file)
 *   opaque folder DIR    ->  DIR/ and DIR/.wh..wh..opq
 *
 * layer_walk() reads the upper folder in that translated form, sorted, so the same
 * folder always gives the same entries in the same order and so the same tar bytes
 * (and, in chapter 05, the same sha256: the layer's name). Hard links stay hard
 * links: the second and later names of an inode become type '1' entries pointing
 * at the first. layer_create() writes the walk as a tarball; layer_changes() lists
 * it as `docker diff` does.
 *
 * Read next: overlay.c, which mounts the layers this file and apply.c make.
 */
#include "changes.h"
#include "error.h"
#include "explain.h"
#include "layer.h"

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

char change_kind(bool whiteout, bool in_lower)
{
	if (whiteout)
		return 'D';
	return in_lower ? 'C' : 'A';
}

static bool is_whiteout(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && major(st->st_rdev) == 0 && minor(st->st_rdev) == 0;
}

/* The extended attributes a layer keeps: not overlay's bookkeeping (trusted.overlay.*,
 * meaningless and dangerous on another host) and not this host's SELinux label. */
static bool keep_xattr(const char *name)
{
	return strncmp(name, "trusted.overlay.", 16) != 0 && strcmp(name, "security.selinux") != 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct inode_seen {
	dev_t dev;
	ino_t ino;
	char *path;
};

struct walk {
	layer_visit_fn visit;
	void *ctx;
	const char *root;
	struct inode_seen *links; /* first names of hard-linked files */
	size_t link_count, link_cap;
};

static const char *first_name_of(struct walk *w, const struct stat *st)
{
	for (size_t i = 0; i < w->link_count; i++)
		if (w->links[i].dev == st->st_dev && w->links[i].ino == st->st_ino)
			return w->links[i].path;
	return NULL;
}

static int remember_name(struct walk *w, const struct stat *st, const char *path)
{
	if (w->link_count == w->link_cap) {
		size_t cap = w->link_cap ? w->link_cap * 2 : 16;
		struct inode_seen *more = realloc(w->links, cap * sizeof(*more));
		if (!more)
			return fail_errno(ENOMEM, "cannot walk \"%s\"", w->root);
		w->links = more;
		w->link_cap = cap;
	}
	char *copy = strdup(path);
	if (!copy)
		return fail_errno(ENOMEM, "cannot walk \"%s\"", w->root);
	w->links[w->link_count++] = (struct inode_seen){ st->st_dev, st->st_ino, copy };
	return 0;
}

/* Read the kept xattrs, in name order: through fd when the file is open (no path lookup
 * at all), else of dirfd/name without following a symlink. */
static int read_xattrs(struct walk *w, int fd, int dirfd, const char *name, const char *path, struct tar_entry *e)
{
	char proc[64 + NAME_MAX];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d/%s", dirfd, name);
	char names[8192];
	ssize_t len = fd >= 0 ? flistxattr(fd, names, sizeof(names)) : llistxattr(proc, names, sizeof(names));
	if (len < 0)
		return errno == ENOTSUP ? 0 : fail_sys("cannot list the extended attributes of \"%s/%s\"", w->root, path);
	char *list[256];
	size_t count = 0;
	for (char *p = names; p < names + len && count < 256; p += strlen(p) + 1)
		if (keep_xattr(p))
			list[count++] = p;
	if (count > 1)
		qsort(list, count, sizeof(list[0]), compare_names);
	for (size_t i = 0; i < count; i++) {
		char value[65536];
		ssize_t n = fd >= 0 ? fgetxattr(fd, list[i], value, sizeof(value)) : lgetxattr(proc, list[i], value, sizeof(value));
		if (n < 0)
			return fail_sys("cannot read extended attribute %s of \"%s/%s\"", list[i], w->root, path);
		if (tar_entry_add_xattr(e, list[i], value, (size_t)n) < 0)
			return fail_errno(ENOMEM, "cannot walk \"%s\"", w->root);
	}
	return 0;
}

static void entry_from_stat(struct tar_entry *e, const struct stat *st)
{
	e->mode = st->st_mode & 07777;
	e->uid = st->st_uid;
	e->gid = st->st_gid;
	e->mtime.tv_sec = st->st_mtim.tv_sec; /* whole seconds, as Docker writes them */
}

static int walk_dir(struct walk *w, int dirfd, const char *prefix);

/* One name in a folder: build its entry (or entries) and visit them. */
static int walk_one(struct walk *w, int dirfd, const char *prefix, const char *name)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof(path), "%s%s", prefix, name) >= (int)sizeof(path))
		return fail_errno(ENAMETOOLONG, "cannot walk \"%s/%s%s\"", w->root, prefix, name);
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return fail_sys("cannot stat \"%s/%s\"", w->root, path);
	struct tar_entry e = { 0 };
	int fd = -1, rc = -1;
	entry_from_stat(&e, &st);
	if (is_whiteout(&st)) {
		/* overlay's deleted NAME becomes the layer's ".wh.NAME" (an empty file, 0600 as Docker's) */
		char whiteout[PATH_MAX];
		snprintf(whiteout, sizeof(whiteout), "%s" WHITEOUT_PREFIX "%s", prefix, name);
		e.path = strdup(whiteout);
		e.type = TAR_REGULAR;
		e.mode = 0600;
		rc = e.path ? w->visit(w->ctx, &e, -1) : fail_errno(ENOMEM, "cannot walk");
		tar_entry_clear(&e);
		return rc;
	}
	if (S_ISSOCK(st.st_mode))
		return 0; /* tar has no sockets; they belong to a running process anyway */
	/* The OCI image spec (layer.md, "Whiteouts"): names beginning with ".wh." are whiteout
	 * markers, so no image filesystem has such a file. Archived, a container's own
	 * "etc/.wh.passwd" would delete /etc/passwd of the layers below, for everyone. */
	if (layer_whiteout(name, NULL) != NOT_A_WHITEOUT)
		return fail_errno(0, "cannot take \"%s/%s\" into a layer: the name is reserved for whiteouts", w->root,
				  path);
	if (S_ISDIR(st.st_mode)) {
		int sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0) {
			fail_sys("cannot open folder \"%s/%s\"", w->root, path);
			goto out;
		}
		char dir_path[PATH_MAX + 1];
		snprintf(dir_path, sizeof(dir_path), "%s/", path);
		e.path = strdup(dir_path);
		e.type = TAR_DIRECTORY;
		char opaque[2];
		bool is_opaque = fgetxattr(sub, "trusted.overlay.opaque", opaque, sizeof(opaque)) == 1 && opaque[0] == 'y';
		if (!e.path || read_xattrs(w, sub, dirfd, name, path, &e) < 0 || w->visit(w->ctx, &e, -1) < 0) {
			close(sub);
			goto out;
		}
		if (is_opaque) {
			struct tar_entry marker = { .type = TAR_REGULAR, .mode = e.mode, .uid = e.uid, .gid = e.gid,
						    .mtime = e.mtime };
			char marker_path[PATH_MAX + 16];
			snprintf(marker_path, sizeof(marker_path), "%s" WHITEOUT_OPAQUE, dir_path);
			marker.path = strdup(marker_path);
			int vr = marker.path ? w->visit(w->ctx, &marker, -1) : -1;
			tar_entry_clear(&marker);
			if (vr < 0) {
				close(sub);
				goto out;
			}
		}
		rc = walk_dir(w, sub, dir_path); /* closes sub */
		goto out;
	}
	e.path = strdup(path);
	if (!e.path) {
		fail_errno(ENOMEM, "cannot walk \"%s\"", w->root);
		goto out;
	}
	if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
		const char *first = first_name_of(w, &st);
		if (first) {
			e.type = TAR_HARDLINK;
			e.linkname = strdup(first);
			rc = e.linkname ? w->visit(w->ctx, &e, -1) : fail_errno(ENOMEM, "cannot walk");
			goto out;
		}
		if (remember_name(w, &st, path) < 0)
			goto out;
	}
	if (S_ISREG(st.st_mode)) {
		e.type = TAR_REGULAR;
		e.size = (uint64_t)st.st_size;
		fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			fail_sys("cannot open \"%s/%s\"", w->root, path);
			goto out;
		}
	} else if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(dirfd, name, target, sizeof(target) - 1);
		if (n < 0) {
			fail_sys("cannot read the link \"%s/%s\"", w->root, path);
			goto out;
		}
		target[n] = '\0';
		e.type = TAR_SYMLINK;
		e.linkname = strdup(target);
	} else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		e.type = S_ISCHR(st.st_mode) ? TAR_CHAR : TAR_BLOCK_DEVICE;
		e.devmajor = major(st.st_rdev);
		e.devminor = minor(st.st_rdev);
	} else if (S_ISFIFO(st.st_mode)) {
		e.type = TAR_FIFO;
	}
	if (read_xattrs(w, fd, dirfd, name, path, &e) < 0)
		goto out;
	rc = w->visit(w->ctx, &e, fd);
out:
	if (fd >= 0)
		close(fd);
	tar_entry_clear(&e);
	return rc;
}

static int walk_dir(struct walk *w, int dirfd, const char *prefix)
{
	DIR *dir = fdopendir(dirfd);
	if (!dir) {
		close(dirfd);
		return fail_sys("cannot read folder \"%s/%s\"", w->root, prefix);
	}
	char **names = NULL;
	size_t count = 0, cap = 0;
	int rc = 0;
	struct dirent *d;
	errno = 0;
	while ((d = readdir(dir)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		if (count == cap) {
			cap = cap ? cap * 2 : 64;
			char **more = realloc(names, cap * sizeof(*more));
			if (!more) {
				rc = fail_errno(ENOMEM, "cannot read folder \"%s/%s\"", w->root, prefix);
				break;
			}
			names = more;
		}
		if (!(names[count] = strdup(d->d_name))) {
			rc = fail_errno(ENOMEM, "cannot read folder \"%s/%s\"", w->root, prefix);
			break;
		}
		count++;
	}
	/* readdir order is the filesystem's hash order: sort, so the layer is reproducible. */
	if (count > 1)
		qsort(names, count, sizeof(*names), compare_names);
	for (size_t i = 0; rc == 0 && i < count; i++)
		rc = walk_one(w, dirfd, prefix, names[i]);
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
	closedir(dir);
	return rc;
}

int layer_walk(const char *root, layer_visit_fn visit, void *ctx)
{
	struct walk w = { .visit = visit, .ctx = ctx, .root = root };
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail_sys("cannot open folder \"%s\"", root);
	int rc = walk_dir(&w, fd, "");
	for (size_t i = 0; i < w.link_count; i++)
		free(w.links[i].path);
	free(w.links);
	return rc;
}

/* --- docker commit: the walk as a tarball ---------------------------------------- */

struct create {
	struct tar_writer *writer;
	struct create_stats stats;
	const char *root;
};

static int write_entry(void *ctx, const struct tar_entry *e, int fd)
{
	struct create *c = ctx;
	if (tar_writer_header(c->writer, e) < 0)
		return fail_context("cannot archive \"%s/%s\"", c->root, e->path);
	c->stats.entries++;
	const char *base = strrchr(e->path, '/');
	if (layer_whiteout(base ? base + 1 : e->path, NULL) != NOT_A_WHITEOUT)
		c->stats.whiteouts++;
	if (fd >= 0) {
		char display[PATH_MAX];
		snprintf(display, sizeof(display), "%s/%s", c->root, e->path);
		if (tar_writer_data_from_fd(c->writer, fd, display) < 0)
			return -1;
		c->stats.bytes += e->size;
	}
	return 0;
}

int layer_create(const char *dir, tar_write_fn sink, void *sink_ctx, struct create_stats *stats)
{
	struct create c = { .root = dir };
	c.writer = tar_writer_new(sink, sink_ctx);
	if (!c.writer)
		return -1;
	int rc = layer_walk(dir, write_entry, &c);
	if (rc == 0)
		rc = tar_writer_finish(c.writer);
	if (rc == 0)
		explain("04-layers", "archived \"%s\": %llu entries, %llu bytes of data, %llu whiteouts, %llu bytes of tar",
			dir, (unsigned long long)c.stats.entries, (unsigned long long)c.stats.bytes,
			(unsigned long long)c.stats.whiteouts, (unsigned long long)tar_writer_offset(c.writer));
	tar_writer_free(c.writer);
	if (rc == 0 && stats)
		*stats = c.stats;
	return rc;
}

/* --- docker diff: the walk as A/C/D lines ----------------------------------------- */

struct diff {
	const char *const *lowers;
	size_t lower_count;
	struct change *list;
	size_t count, cap;
};

/* Does rel (no leading '/') exist in the merged view of the lowers? Top layer first: a
 * whiteout there hides it, an opaque parent folder hides everything below. */
static bool in_lowers(const struct diff *d, const char *rel)
{
	char path[PATH_MAX], parent[PATH_MAX];
	for (size_t i = d->lower_count; i-- > 0;) {
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", d->lowers[i], rel);
		if (lstat(path, &st) == 0)
			return !is_whiteout(&st);
		snprintf(parent, sizeof(parent), "%s", path);
		char *slash = strrchr(parent, '/');
		*slash = '\0';
		char opaque[2];
		if (lgetxattr(parent, "trusted.overlay.opaque", opaque, sizeof(opaque)) == 1 && opaque[0] == 'y')
			return false;
	}
	return false;
}

static int add_change(struct diff *d, char kind, const char *rel)
{
	if (d->count == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		struct change *more = realloc(d->list, cap * sizeof(*more));
		if (!more)
			return fail_errno(ENOMEM, "cannot list changes");
		d->list = more;
		d->cap = cap;
	}
	size_t len = strlen(rel);
	char *path = malloc(len + 2);
	if (!path)
		return fail_errno(ENOMEM, "cannot list changes");
	path[0] = '/';
	memcpy(path + 1, rel, len + 1);
	if (len > 0 && path[len] == '/')
		path[len] = '\0'; /* "/etc", not "/etc/" */
	d->list[d->count++] = (struct change){ kind, path };
	return 0;
}

/* An opaque folder hides every lower entry under it that the upper does not have: each is a D. */
static int add_hidden_by_opaque(struct diff *d, const char *dir_rel, const char *upper_dir)
{
	for (size_t i = 0; i < d->lower_count; i++) {
		char lower[PATH_MAX];
		snprintf(lower, sizeof(lower), "%s/%s", d->lowers[i], dir_rel);
		DIR *dir = opendir(lower);
		if (!dir)
			continue;
		struct dirent *e;
		int rc = 0;
		while (rc == 0 && (e = readdir(dir)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			char upper[PATH_MAX], rel[PATH_MAX];
			struct stat st;
			snprintf(upper, sizeof(upper), "%s/%s", upper_dir, e->d_name);
			snprintf(rel, sizeof(rel), "%s%s", dir_rel, e->d_name);
			if (lstat(upper, &st) == 0 || !in_lowers(d, rel))
				continue; /* still visible, or already hidden by a higher lower layer */
			bool listed = false;
			for (size_t j = 0; j < d->count && !listed; j++)
				listed = d->list[j].kind == 'D' && strcmp(d->list[j].path + 1, rel) == 0;
			if (!listed)
				rc = add_change(d, 'D', rel);
		}
		closedir(dir);
		if (rc < 0)
			return -1;
	}
	return 0;
}

struct diff_walk {
	struct diff *d;
	const char *upper;
};

static int diff_entry(void *ctx, const struct tar_entry *e, int fd)
{
	(void)fd;
	struct diff_walk *dw = ctx;
	struct diff *d = dw->d;
	char parent[PATH_MAX];
	const char *slash = strrchr(e->path, '/');
	/* for "a/b/" the name is "b", for "a/.wh.x" it is ".wh.x" */
	size_t len = strlen(e->path);
	if (len > 1 && e->path[len - 1] == '/') {
		const char *p = e->path + len - 1;
		while (p > e->path && p[-1] != '/')
			p--;
		slash = p > e->path ? p - 1 : NULL;
	}
	const char *name = slash ? slash + 1 : e->path;
	snprintf(parent, sizeof(parent), "%.*s", slash ? (int)(slash - e->path + 1) : 0, e->path);
	const char *hidden = NULL;
	enum whiteout_kind kind = layer_whiteout(name, &hidden);
	if (kind == WHITEOUT_OF_NAME) {
		char rel[PATH_MAX];
		snprintf(rel, sizeof(rel), "%s%s", parent, hidden);
		return add_change(d, change_kind(true, true), rel);
	}
	if (kind == WHITEOUT_OF_ALL) { /* the opaque marker of folder parent */
		char upper_dir[PATH_MAX];
		snprintf(upper_dir, sizeof(upper_dir), "%s/%s", dw->upper, parent);
		return add_hidden_by_opaque(d, parent, upper_dir);
	}
	char rel[PATH_MAX];
	snprintf(rel, sizeof(rel), "%s", e->path);
	if (len > 1 && rel[len - 1] == '/')
		rel[len - 1] = '\0';
	return add_change(d, change_kind(false, in_lowers(d, rel)), e->path);
}

static int compare_changes(const void *a, const void *b)
{
	return strcmp(((const struct change *)a)->path, ((const struct change *)b)->path);
}

int layer_changes(const char *upper, const char *const *lowers, size_t lower_count, struct change **changes,
		  size_t *count)
{
	struct diff d = { .lowers = lowers, .lower_count = lower_count };
	struct diff_walk dw = { &d, upper };
	if (layer_walk(upper, diff_entry, &dw) < 0) {
		changes_free(d.list, d.count);
		return -1;
	}
	/* docker diff prints in path order ("/etc", "/etc-x", "/etc/a"), not walk order. */
	if (d.count > 1)
		qsort(d.list, d.count, sizeof(*d.list), compare_changes);
	*changes = d.list;
	*count = d.count;
	return 0;
}

void changes_free(struct change *changes, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(changes[i].path);
	free(changes);
}
