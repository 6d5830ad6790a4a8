/*
 * container-cp.c - `tinydock cp`: files and folders between a container and the host, both
 * ways, or as a tar stream on stdin/stdout ("-"), as `docker cp`.
 *
 *   tinydock cp CONTAINER:SRC HOSTDEST     tinydock cp CONTAINER:SRC -      (tar to stdout)
 *   tinydock cp HOSTSRC CONTAINER:DEST     tinydock cp - CONTAINER:DEST     (tar from stdin)
 *
 * Where the copy lands follows Docker's rules (cp-plan.c). The copy itself is the layer code
 * of this chapter: the source is walked entry by entry without following a symlink
 * (changes.c: layer_walk), and each entry is made by the applier (apply.c), which resolves
 * every path inside the destination's root with openat2(2) RESOLVE_IN_ROOT. That is the whole
 * defence here: a container is the user's, but its files are made by whoever runs it, and a
 * symlink /data -> /etc in it must not make `cp app.conf web:/data/` write the host's /etc
 * (CVE-2018-15664: docker cp raced with a symlink swapped in). Paths read in the container are
 * resolved the same way (inroot.c), so `cp web:/data/passwd .` reads the container's /etc.
 *
 * The container's root: a running container's as its first process sees it, /proc/PID/root
 * (proc(5)), so its volumes are there too; a stopped one's overlay (container-fs.h), mounted on
 * its merged folder for the copy and unmounted after. Owners: what goes into the container is
 * root's, what comes out is the caller's (docker-container-cp(1): "files copied to a container
 * are created with UID:GID of the root user").
 */
#include "container-cmd.h"

#include "cli.h"
#include "container-fs.h"
#include "container-view.h"
#include "cp-plan.h"
#include "error.h"
#include "inroot.h"
#include "layer.h"
#include "tar.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char cp_help[] =
	"Usage:  tinydock cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n"
	"        tinydock cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH\n"
	"\n"
	"Copy files/folders between a container and the local filesystem\n"
	"\n"
	"Use '-' as the source to read a tar archive from stdin and extract it to a directory\n"
	"destination in a container. Use '-' as the destination to stream a tar archive of a\n"
	"container source to stdout.\n"
	"\n"
	"Options:\n"
	"  -a, --archive   Archive mode (copy all uid/gid information)\n";

/* --- the container's root --------------------------------------------------------------- */

struct cp_root {
	char path[PATH_MAX]; /* "/proc/PID/root", or the stopped container's merged folder */
	int fd;              /* O_PATH of path */
	struct container_fs fs;
	bool mounted;        /* we mounted fs for the copy: unmount it after */
	char id[CONTAINER_ID_LENGTH + 1];
};

static int cp_root_open(const char *ref, struct cp_root *root)
{
	memset(root, 0, sizeof(*root));
	root->fd = -1;
	struct view v;
	if (view_load(ref, &v) < 0)
		return -1;
	snprintf(root->id, sizeof(root->id), "%s", v.r.id);
	bool running = is_running(&v) && v.live.pid > 0;
	pid_t pid = v.live.pid;
	container_record_free(&v.r);
	if (running) {
		snprintf(root->path, sizeof(root->path), "/proc/%d/root", (int)pid);
	} else {
		enum overlay_method used;
		if (container_fs_init(&root->fs, root->id) < 0 || container_fs_load(&root->fs) < 0)
			return fail_context("container %.12s has no filesystem to copy from or to", root->id);
		if (container_fs_mount(&root->fs, &used) < 0) {
			container_fs_free(&root->fs);
			return fail_context("cannot mount the filesystem of stopped container %.12s", root->id);
		}
		root->mounted = true;
		snprintf(root->path, sizeof(root->path), "%s", root->fs.merged);
	}
	root->fd = open(root->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root->fd < 0)
		return fail_sys("cannot open the root of container %.12s (\"%s\")", root->id, root->path);
	return 0;
}

static void cp_root_close(struct cp_root *root)
{
	if (root->fd >= 0)
		close(root->fd);
	if (root->mounted) {
		if (container_fs_unmount(&root->fs) < 0)
			error_report(0); /* the copy is done; say what was left mounted */
		error_clear();
		container_fs_free(&root->fs);
	}
}

/* --- what is at a path ---------------------------------------------------------------------- */

/* A path, opened as its parent folder and its last name: inside a container root (resolved in
 * it), or on the host. The stat is of the name itself (a symlink is a symlink). */
struct cp_place {
	int parent;          /* O_PATH fd of the parent folder */
	char name[NAME_MAX + 1]; /* "" for the root itself: st is the root's */
	struct stat st;
	bool exists;
};

static void split_clean(const char *clean, char *parent, size_t size, char *name)
{
	const char *slash = strrchr(clean, '/');
	if (!slash) {
		parent[0] = '\0';
		snprintf(name, NAME_MAX + 1, "%s", clean);
	} else {
		snprintf(parent, size, "%.*s", (int)(slash - clean), clean);
		snprintf(name, NAME_MAX + 1, "%s", slash + 1);
	}
}

/* path inside root: its parent resolved in the root (openat2 RESOLVE_IN_ROOT, inroot.c). A
 * missing parent is an error; a missing name is not (exists false). */
static int place_in_root(const struct cp_root *root, const char *path, struct cp_place *p)
{
	memset(p, 0, sizeof(*p));
	p->parent = -1;
	char clean[PATH_MAX], parent[PATH_MAX];
	if (inroot_clean_path(path, clean, sizeof(clean)) < 0)
		return fail_errno(EINVAL, "invalid path \"%s\"", path);
	split_clean(clean, parent, sizeof(parent), p->name);
	bool use_openat2 = true;
	p->parent = inroot_open_dir(root->fd, root->path, parent, false, &use_openat2);
	if (p->parent < 0)
		return fail_context("Could not find the file %s in container %.12s", path, root->id);
	int rc = p->name[0] ? fstatat(p->parent, p->name, &p->st, AT_SYMLINK_NOFOLLOW)
			    : fstatat(p->parent, "", &p->st, AT_EMPTY_PATH);
	p->exists = rc == 0;
	if (rc < 0 && errno != ENOENT)
		return fail_sys("cannot stat \"%s\" in container %.12s", path, root->id);
	/* A symlink in the container is followed for a folder the user names with "/" or "/."
	 * (it is resolved inside the root, never out of it). */
	if (p->exists && S_ISLNK(p->st.st_mode) && (path[strlen(path) - 1] == '/' || cp_wants_contents(path))) {
		int dir = inroot_open_dir(root->fd, root->path, clean, false, &use_openat2);
		if (dir >= 0) {
			close(p->parent);
			p->parent = dir;
			p->name[0] = '\0';
			fstatat(dir, "", &p->st, AT_EMPTY_PATH);
		}
		error_clear();
	}
	return 0;
}

/* The same on the host: the user's own paths, resolved as any program resolves them. */
static int place_on_host(const char *path, struct cp_place *p)
{
	memset(p, 0, sizeof(*p));
	char copy[PATH_MAX], parent[PATH_MAX];
	snprintf(copy, sizeof(copy), "%s", path);
	size_t len = strlen(copy);
	while (len > 1 && copy[len - 1] == '/')
		copy[--len] = '\0';
	if (len >= 2 && strcmp(copy + len - 2, "/.") == 0)
		copy[len - 2] = '\0';
	char *slash = strrchr(copy, '/');
	if (!slash) {
		snprintf(parent, sizeof(parent), ".");
		snprintf(p->name, sizeof(p->name), "%s", strcmp(copy, ".") == 0 ? "" : copy);
	} else {
		snprintf(parent, sizeof(parent), "%.*s", slash == copy ? 1 : (int)(slash - copy), copy);
		snprintf(p->name, sizeof(p->name), "%s", slash + 1);
	}
	p->parent = open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (p->parent < 0)
		return fail_sys("cannot open folder \"%s\"", parent);
	bool follow = path[strlen(path) - 1] == '/' || cp_wants_contents(path);
	int rc = p->name[0] ? fstatat(p->parent, p->name, &p->st, follow ? 0 : AT_SYMLINK_NOFOLLOW)
			    : fstatat(p->parent, "", &p->st, AT_EMPTY_PATH);
	p->exists = rc == 0;
	if (rc < 0 && errno != ENOENT)
		return fail_sys("cannot stat \"%s\"", path);
	return 0;
}

static void place_close(struct cp_place *p)
{
	if (p->parent >= 0)
		close(p->parent);
	p->parent = -1;
}

/* --- where entries go: an applier, or a tar stream -------------------------------------------- */

struct cp_sink {
	struct applier *applier;  /* make the entries under root/prefix ... */
	struct tar_writer *tar;   /* ... or write them to a tar stream */
	char prefix[PATH_MAX];    /* "into/name" (clean, relative to the applier's root), or "name" */
	bool own;                 /* set the owner to uid:gid (else keep the entry's) */
	uid_t uid;
	gid_t gid;
};

/* Take one entry, named relative to the copied source ("" is the source itself). */
static int sink_entry(struct cp_sink *s, const struct tar_entry *entry, const char *relative, int fd)
{
	char path[PATH_MAX * 2];
	const char *sep = s->prefix[0] && relative[0] ? "/" : "";
	snprintf(path, sizeof(path), "%s%s%s", s->prefix, sep, relative);
	if (!path[0])
		return 0; /* the contents of a folder into a folder: the folder itself is not made */
	if (entry->type == TAR_DIRECTORY && path[strlen(path) - 1] != '/')
		strcat(path, "/");
	struct tar_entry e = *entry;
	e.path = path;
	if (s->own) {
		e.uid = s->uid;
		e.gid = s->gid;
		e.uname = e.gname = NULL;
	}
	if (s->tar) {
		if (tar_writer_header(s->tar, &e) < 0)
			return -1;
		return fd >= 0 && e.type == TAR_REGULAR ? tar_writer_data_from_fd(s->tar, fd, path) : 0;
	}
	return applier_entry(s->applier, &e, tar_read_fd, (void *)(intptr_t)fd);
}

static int visit_walked(void *ctx, const struct tar_entry *entry, int fd)
{
	return sink_entry(ctx, entry, entry->path, fd);
}

/* The source's own entry (a folder, a file, a symlink), from its place. */
static int source_entry(const struct cp_place *src, struct tar_entry *e, int *fd)
{
	memset(e, 0, sizeof(*e));
	*fd = -1;
	e->mode = src->st.st_mode & 07777;
	e->uid = src->st.st_uid;
	e->gid = src->st.st_gid;
	e->mtime.tv_sec = src->st.st_mtim.tv_sec;
	if (S_ISDIR(src->st.st_mode)) {
		e->type = TAR_DIRECTORY;
	} else if (S_ISREG(src->st.st_mode)) {
		e->type = TAR_REGULAR;
		e->size = (uint64_t)src->st.st_size;
		*fd = openat(src->parent, src->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (*fd < 0)
			return fail_sys("cannot open \"%s\"", src->name);
	} else if (S_ISLNK(src->st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(src->parent, src->name, target, sizeof(target) - 1);
		if (n < 0)
			return fail_sys("cannot read the link \"%s\"", src->name);
		target[n] = '\0';
		e->type = TAR_SYMLINK;
		e->linkname = strdup(target);
		if (!e->linkname)
			return fail_errno(ENOMEM, "cp");
	} else {
		return fail_errno(EINVAL, "cannot copy \"%s\": not a file, folder or symlink", src->name);
	}
	return 0;
}

/* Copy the source at src into the sink: its own entry, then (a folder) everything below it. */
static int copy_source(const struct cp_place *src, struct cp_sink *sink)
{
	struct tar_entry e;
	int fd;
	int rc = source_entry(src, &e, &fd);
	if (rc == 0)
		rc = sink_entry(sink, &e, "", fd);
	if (fd >= 0)
		close(fd);
	e.path = NULL;
	tar_entry_clear(&e);
	if (rc < 0 || !S_ISDIR(src->st.st_mode))
		return rc;
	/* The folder itself, opened here without following a symlink, is walked by its fd's
	 * name in /proc/self/fd (proc(5)): the walk starts at exactly this folder. */
	int dir = src->name[0] ? openat(src->parent, src->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
			       : openat(src->parent, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return fail_sys("cannot open folder \"%s\"", src->name[0] ? src->name : "/");
	char walked[64];
	snprintf(walked, sizeof(walked), "/proc/self/fd/%d", dir);
	rc = layer_walk(walked, visit_walked, sink);
	close(dir);
	return rc;
}

/* --- the four directions ------------------------------------------------------------------- */

static const struct apply_options apply_plain = { .whiteouts = WHITEOUT_DELETE };

/* A sink that makes entries under root/into/name, resolved in root. */
static int open_applier_sink(struct cp_sink *sink, const char *root, const char *into, const char *name)
{
	char clean[PATH_MAX];
	if (inroot_clean_path(into, clean, sizeof(clean)) < 0)
		return fail_errno(EINVAL, "invalid path \"%s\"", into);
	snprintf(sink->prefix, sizeof(sink->prefix), "%s%s%s", clean, clean[0] && name[0] ? "/" : "", name);
	sink->applier = applier_new(root, &apply_plain);
	return sink->applier ? 0 : -1;
}

static int finish_sink(struct cp_sink *sink, int rc)
{
	if (sink->applier) {
		struct apply_stats stats;
		if (rc == 0)
			rc = applier_finish(sink->applier, &stats);
		applier_free(sink->applier);
	}
	if (sink->tar) {
		if (rc == 0)
			rc = tar_writer_finish(sink->tar);
		tar_writer_free(sink->tar);
	}
	return rc;
}

/* CONTAINER:SRC -> host DEST, or "-" (a tar stream on stdout, the source under its name). */
static int copy_out(struct cp_root *root, const char *src, const char *dest)
{
	struct cp_place from, to = { .parent = -1 };
	if (place_in_root(root, src, &from) < 0)
		return -1;
	int rc = -1;
	struct cp_sink sink = { .own = true, .uid = geteuid(), .gid = getegid() };
	if (!from.exists) {
		rc = fail_errno(0, "Could not find the file %s in container %.12s", src, root->id);
		goto out;
	}
	if (strcmp(dest, "-") == 0) {
		sink.own = false; /* a tar stream keeps the owners, as Docker's */
		sink.tar = tar_writer_new(tar_write_fd, (void *)(intptr_t)STDOUT_FILENO);
		snprintf(sink.prefix, sizeof(sink.prefix), "%s", cp_wants_contents(src) ? "" : from.name);
		rc = sink.tar ? copy_source(&from, &sink) : -1;
		rc = finish_sink(&sink, rc);
		goto out;
	}
	if (place_on_host(dest, &to) < 0)
		goto out;
	struct cp_paths paths = { src, dest, S_ISDIR(from.st.st_mode), to.exists, to.exists && S_ISDIR(to.st.st_mode) };
	struct cp_plan plan;
	if (cp_plan_make(&paths, &plan) < 0 || open_applier_sink(&sink, plan.into, "", plan.name) < 0)
		goto out;
	rc = finish_sink(&sink, copy_source(&from, &sink));
out:
	place_close(&from);
	place_close(&to);
	return rc;
}

/* host SRC -> CONTAINER:DEST. */
static int copy_in(struct cp_root *root, const char *src, const char *dest)
{
	struct cp_place from, to = { .parent = -1 };
	if (place_on_host(src, &from) < 0)
		return -1;
	int rc = -1;
	if (!from.exists) {
		rc = fail_errno(0, "could not find the file \"%s\"", src);
		goto out;
	}
	if (place_in_root(root, dest, &to) < 0)
		goto out;
	bool dest_is_dir = to.exists && S_ISDIR(to.st.st_mode);
	if (to.exists && S_ISLNK(to.st.st_mode)) {
		/* DEST a symlink in the container: a folder if it leads to one inside the root */
		char clean[PATH_MAX];
		bool use_openat2 = true;
		int dir = inroot_clean_path(dest, clean, sizeof(clean)) == 0
				  ? inroot_open_dir(root->fd, root->path, clean, false, &use_openat2)
				  : -1;
		dest_is_dir = dir >= 0;
		if (dir >= 0)
			close(dir);
		error_clear();
	}
	struct cp_paths paths = { src, dest, S_ISDIR(from.st.st_mode), to.exists, dest_is_dir };
	struct cp_plan plan;
	struct cp_sink sink = { .own = true, .uid = 0, .gid = 0 };
	if (cp_plan_make(&paths, &plan) < 0 || open_applier_sink(&sink, root->path, plan.into, plan.name) < 0)
		goto out;
	rc = finish_sink(&sink, copy_source(&from, &sink));
out:
	place_close(&from);
	place_close(&to);
	return rc;
}

/* "-" -> CONTAINER:DEST: a tar stream from stdin, unpacked into the folder DEST. */
static ssize_t read_entry_data(void *ctx, void *buf, size_t size)
{
	return tar_reader_read(ctx, buf, size);
}

static int copy_stream_in(struct cp_root *root, const char *dest)
{
	struct cp_place to;
	if (place_in_root(root, dest, &to) < 0)
		return -1;
	bool is_dir = to.exists && S_ISDIR(to.st.st_mode);
	place_close(&to);
	if (!is_dir)
		return fail_errno(0, "destination \"%s\" must be a directory", dest);
	struct cp_sink sink = { .own = false };
	if (open_applier_sink(&sink, root->path, dest, "") < 0)
		return -1;
	struct tar_reader *reader = tar_reader_new(tar_read_fd, (void *)(intptr_t)STDIN_FILENO, "stdin");
	int rc = reader ? 0 : -1;
	const struct tar_entry *e;
	int more = 0;
	while (rc == 0 && (more = tar_reader_next(reader, &e)) == 1) {
		const char *base = strrchr(e->path, '/');
		base = base && base[1] ? base + 1 : e->path;
		/* A stream is files, not a layer: a whiteout name would delete what it names. */
		if (layer_whiteout(base, NULL) != NOT_A_WHITEOUT) {
			rc = fail_errno(EINVAL, "\"%s\" in the archive: the name is reserved for layer whiteouts", e->path);
			break;
		}
		struct tar_entry copy = *e;
		char path[PATH_MAX * 2];
		snprintf(path, sizeof(path), "%s%s%s", sink.prefix, sink.prefix[0] ? "/" : "", e->path);
		copy.path = path;
		rc = applier_entry(sink.applier, &copy, read_entry_data, reader);
	}
	if (rc == 0 && more < 0)
		rc = -1;
	tar_reader_free(reader);
	return finish_sink(&sink, rc);
}

/* "CONTAINER:PATH": the container's name and the path in it (NULL: a host path). A host path
 * with a colon is written "./a:b", as Docker asks. */
static const char *container_part(const char *arg, char *container, size_t size)
{
	const char *colon = strchr(arg, ':');
	if (!colon || arg[0] == '/' || arg[0] == '.' || colon == arg)
		return NULL;
	snprintf(container, size, "%.*s", (int)(colon - arg), arg);
	return colon + 1;
}

int cmd_cp(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(cp_help);
	int first = 1;
	while (first < argc && argv[first][0] == '-' && argv[first][1]) {
		if (strcmp(argv[first], "-a") != 0 && strcmp(argv[first], "--archive") != 0)
			return usage_error("cp", "unknown flag: %s", argv[first]);
		first++; /* -a: the owners are kept; tinydock keeps modes and times either way */
	}
	if (argc - first != 2)
		return usage_error("cp", "requires exactly 2 arguments");
	const char *src = argv[first], *dest = argv[first + 1];
	char from_container[256], to_container[256];
	const char *src_path = container_part(src, from_container, sizeof(from_container));
	const char *dest_path = container_part(dest, to_container, sizeof(to_container));
	if (src_path && dest_path)
		return usage_error("cp", "copying between containers is not supported");
	if (!src_path && !dest_path)
		return usage_error("cp", "must specify at least one container source");
	if (src_path && !*src_path)
		src_path = "/";
	if (dest_path && !*dest_path)
		dest_path = "/";
	struct cp_root root;
	if (cp_root_open(src_path ? from_container : to_container, &root) < 0) {
		cp_root_close(&root);
		return error_report(1);
	}
	int rc;
	if (src_path)
		rc = copy_out(&root, src_path, dest);
	else if (strcmp(src, "-") == 0)
		rc = copy_stream_in(&root, dest_path);
	else
		rc = copy_in(&root, src, dest_path);
	cp_root_close(&root);
	return rc < 0 ? error_report(1) : 0;
}
