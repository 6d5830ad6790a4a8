/*
 * container-fs.c - a container's root filesystem on disk: lowers, upper, work, merged.
 *
 * Lecture: "images structured into (read-only) layers", "running container can write in
 * new top layer".
 * Here that layer is a folder, fs/upper, with its overlay companions beside it, kept under
 * the container's folder for as long as the container exists. overlay.c knows how to
 * mount any stack; this file knows where a container's stack lives and remembers its lowers
 * in fs/lowers, so that `diff`, `commit`, `export` and a later `start` find them again
 * without asking chapter 05 which image the container came from.
 *
 * Read next: overlay-run.c (how `run` uses it), container-cmd.c (diff, export, import).
 */
#include "container-fs.h"
#include "error.h"
#include "explain.h"
#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char CHAPTER[] = "04-layers";

char *lowers_format(const char *const *lowers, size_t count)
{
	size_t size = 1;
	for (size_t i = 0; i < count; i++) {
		if (lowers[i][0] != '/' || strchr(lowers[i], '\n')) {
			fail_errno(EINVAL, "cannot record the layer folder \"%s\": it must be an absolute path "
					   "without a newline",
				   lowers[i]);
			return NULL;
		}
		size += strlen(lowers[i]) + 1;
	}
	char *text = malloc(size), *end = text;
	if (!text) {
		fail_sys("cannot record %zu layer folders", count);
		return NULL;
	}
	for (size_t i = 0; i < count; i++)
		end += sprintf(end, "%s\n", lowers[i]);
	*end = '\0';
	return text;
}

void lowers_free(char **lowers, size_t count)
{
	for (size_t i = 0; i < count && lowers; i++)
		free(lowers[i]);
	free(lowers);
}

int lowers_parse(const char *text, char ***lowers, size_t *count)
{
	size_t n = 0, cap = 0;
	char **list = NULL;
	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		size_t length = end ? (size_t)(end - line) : strlen(line);
		if (length > 0) {
			if (line[0] != '/' || n == OVERLAY_MAX_LOWERS) {
				lowers_free(list, n);
				return fail_errno(EINVAL, "bad layer list: %s",
						  n == OVERLAY_MAX_LOWERS ? "too many layers" : "a path is not absolute");
			}
			if (n == cap) {
				cap = cap ? 2 * cap : 8;
				char **bigger = realloc(list, cap * sizeof(*list));
				if (!bigger) {
					lowers_free(list, n);
					return fail_sys("cannot read the layer list");
				}
				list = bigger;
			}
			list[n] = strndup(line, length);
			if (!list[n]) {
				lowers_free(list, n);
				return fail_sys("cannot read the layer list");
			}
			n++;
		}
		line += length + (end != NULL);
	}
	if (n == 0) {
		free(list);
		return fail_errno(EINVAL, "bad layer list: it is empty");
	}
	*lowers = list;
	*count = n;
	return 0;
}

int container_fs_init(struct container_fs *fs, const char *id)
{
	memset(fs, 0, sizeof(*fs));
	int n = snprintf(fs->dir, sizeof(fs->dir), "%s/containers/%s/fs", state_root(), id);
	if (n < 0 || (size_t)n + sizeof("/lowers") > sizeof(fs->dir))
		return fail_errno(ENAMETOOLONG, "cannot use the state folder \"%s\"", state_root());
	snprintf(fs->lowers_file, sizeof(fs->lowers_file), "%s/lowers", fs->dir);
	snprintf(fs->upper, sizeof(fs->upper), "%s/upper", fs->dir);
	snprintf(fs->work, sizeof(fs->work), "%s/work", fs->dir);
	snprintf(fs->merged, sizeof(fs->merged), "%s/merged", fs->dir);
	return 0;
}

bool container_fs_exists(const struct container_fs *fs)
{
	return access(fs->lowers_file, F_OK) == 0;
}

/* The files the runtime binds over a container's own (/etc/hosts, /etc/resolv.conf from the
 * network, chapter 02) need something to be bound onto. If no lower layer has one, creating it
 * in the merged view would put it in the upper folder, and every `diff` and `commit` would show
 * it as the container's own change. Docker's answer, copied here in idea: an "init" layer between
 * the image and the container, holding just those empty files (its <id>-init layer).
 *
 * Docker makes one per container. Here there is one per file, made once and shared by every
 * container whose image lacks the file, as the image's own layers are: an empty file is the same
 * for all, and nothing ever writes into a lower layer (overlayfs copies a file up into the upper
 * before changing it; a bind mount over it changes nothing below). One per container cost, on
 * every run, two folders and a file made and removed; for a kept container three fsyncs before
 * `run -d` returns, and at `rm` the removal of a file already on disk (on a disk mounted with
 * "discard" and no journal, ext4 trims its block at once: 0.3 to 4 ms measured).
 *
 *   $TINYDOCK_ROOT/init-layers/hosts/etc/hosts
 *   $TINYDOCK_ROOT/init-layers/resolv.conf/etc/resolv.conf */
static const char *const MOUNT_POINT_FILES[] = { "etc/hosts", "etc/resolv.conf" };
#define INIT_LAYER_COUNT (sizeof(MOUNT_POINT_FILES) / sizeof(MOUNT_POINT_FILES[0]))

static bool in_some_lower(const char *const *lowers, size_t count, const char *file)
{
	for (size_t i = 0; i < count; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", lowers[i], file);
		struct stat st;
		if (lstat(path, &st) == 0)
			return true;
	}
	return false;
}

/* A file of the container's filesystem, written atomically; durable (fsync) unless the
 * filesystem is scratch: a --rm container's is removed when it ends, and after a power cut
 * there is nothing to start it again from (its record is not durable either, runtime.c). */
static int write_file(const struct container_fs *fs, const char *path, const char *text, size_t size)
{
	return fs->scratch ? write_file_atomic_nosync(path, text, size, 0644)
			   : write_file_atomic(path, text, size, 0644);
}

/* The shared init layer that holds the empty file (a path such as "etc/resolv.conf"), made if it
 * is not there yet; its folder in layer. It appears whole or not at all: it is built under a
 * temporary name, made durable, then renamed into place (rename(2) is atomic). Two runs that
 * build it at once both succeed: the second rename finds the folder there (EEXIST or
 * ENOTEMPTY, rename(2)) and that run uses the first one's. */
static int shared_init_layer(const char *file, char *layer, size_t size)
{
	const char *name = strrchr(file, '/') + 1;
	char parent[PATH_MAX], temp[PATH_MAX], path[PATH_MAX], folder[PATH_MAX];
	snprintf(parent, sizeof(parent), "%s/init-layers", state_root());
	if ((size_t)snprintf(layer, size, "%s/%s", parent, name) >= size)
		return fail_errno(ENAMETOOLONG, "cannot use the state folder \"%s\"", state_root());
	if (is_directory(layer))
		return 0;
	snprintf(temp, sizeof(temp), "%s/.%s.%d", parent, name, (int)getpid());
	snprintf(path, sizeof(path), "%s/%s", temp, file);
	snprintf(folder, sizeof(folder), "%s", path);
	*strrchr(folder, '/') = '\0';
	if (make_dirs(parent, 0755) < 0 || remove_tree(temp) < 0)
		return -1;
	if (make_dirs(folder, 0755) < 0 || write_file_atomic(path, "", 0, 0644) < 0 || sync_folder(temp) < 0 ||
	    (rename(temp, layer) < 0 && errno != EEXIST && errno != ENOTEMPTY &&
	     fail_sys("cannot rename \"%s\" to \"%s\"", temp, layer) < 0)) {
		struct error_saved saved;
		error_save(&saved);
		remove_tree(temp);
		return error_restore(&saved);
	}
	if (is_directory(temp)) { /* another run renamed its own into place first: theirs is whole */
		remove_tree(temp);
		error_clear();
		return 0;
	}
	if (sync_folder(parent) < 0 || sync_parent_folder(parent) < 0)
		return -1;
	explain(CHAPTER, "init layer \"%s\": the empty mount point for /%s, made once, shared by every container",
		layer, file);
	return 0;
}

/* The shared init layers of the mount-point files that no lower has, appended to all[*count]. */
static int add_init_layers(const char *const *lowers, size_t count, const char **all, size_t *all_count,
			   char layers[][PATH_MAX])
{
	size_t made = 0;
	for (size_t i = 0; i < INIT_LAYER_COUNT; i++) {
		if (in_some_lower(lowers, count, MOUNT_POINT_FILES[i]))
			continue;
		if (shared_init_layer(MOUNT_POINT_FILES[i], layers[made], PATH_MAX) < 0)
			return -1;
		all[(*all_count)++] = layers[made++]; /* above the image: just below the container's upper */
	}
	return 0;
}

int container_fs_create(struct container_fs *fs, const char *const *lowers, size_t count)
{
	char *text = NULL;
	const char **all = calloc(count + INIT_LAYER_COUNT, sizeof(*all));
	int rc = -1;
	if (!all)
		return fail_errno(ENOMEM, "cannot make the container's filesystem");
	/* 0700: the upper holds the container's files with the container's owners and modes;
	 * nobody else on the host should reach them through here (Docker's overlay2 does the same). */
	if (make_dirs(fs->dir, 0700) < 0 || make_dirs(fs->upper, 0755) < 0 || make_dirs(fs->work, 0700) < 0 ||
	    make_dirs(fs->merged, 0755) < 0)
		goto out;
	char init[INIT_LAYER_COUNT][PATH_MAX];
	memcpy(all, lowers, count * sizeof(*all));
	size_t all_count = count;
	if (add_init_layers(lowers, count, all, &all_count, init) < 0)
		goto out;
	count = all_count;
	text = lowers_format(all, count);
	if (!text || lowers_parse(text, &fs->lowers, &fs->lower_count) < 0)
		goto out;
	/* Written last, atomically: fs/lowers existing means the folders above exist too. */
	if (write_file(fs, fs->lowers_file, text, strlen(text)) < 0)
		goto out;
	explain(CHAPTER, "container filesystem: %zu lower layer%s, upper \"%s\"", count, count == 1 ? "" : "s",
		fs->upper);
	rc = 0;
out:
	free(all);
	free(text);
	return rc;
}

int container_fs_load(struct container_fs *fs)
{
	char *text = read_file(fs->lowers_file, NULL);
	if (!text)
		return fail_context("the container has no filesystem of chapter 04");
	int rc = lowers_parse(text, &fs->lowers, &fs->lower_count);
	free(text);
	if (rc < 0)
		return fail_context("\"%s\"", fs->lowers_file);
	return 0;
}

void container_fs_free(struct container_fs *fs)
{
	lowers_free(fs->lowers, fs->lower_count);
	fs->lowers = NULL;
	fs->lower_count = 0;
}

bool container_fs_mounted(const struct container_fs *fs)
{
	/* A mount point is on another device than its parent (the way mountpoint(1) decides for
	 * most file systems; an overlay always has its own st_dev). */
	struct stat merged, parent;
	return stat(fs->merged, &merged) == 0 && stat(fs->dir, &parent) == 0 && merged.st_dev != parent.st_dev;
}

bool container_fs_copied(const struct container_fs *fs)
{
	/* An unmounted mount point is empty; a root copied into it (no overlayfs) is not. */
	if (container_fs_mounted(fs))
		return false;
	DIR *d = opendir(fs->merged);
	if (!d)
		return false;
	bool copied = false;
	for (struct dirent *e; !copied && (e = readdir(d));)
		copied = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return copied;
}

int container_fs_mount(const struct container_fs *fs, enum overlay_method *used)
{
	struct overlay o = {
		.lowers = (const char *const *)fs->lowers,
		.lower_count = fs->lower_count,
		.upper = fs->upper,
		.work = fs->work,
		.target = fs->merged,
		/* A scratch upper goes when the container ends: nothing in it is worth a sync, and
		 * without one the unmount is 30 us instead of 1.5 to 3 ms here (overlay.c). */
		.volatile_upper = fs->scratch,
	};
	int rc = overlay_mount_or_copy(&o, used);
	if (rc < 0 && o.volatile_upper && error_errno() == EINVAL) {
		/* Before Linux 5.10 overlay has no "volatile": the same mount, synced. */
		explain(CHAPTER, "overlay refused \"volatile\" (%s): mounting without it", error_message());
		error_clear();
		o.volatile_upper = false;
		rc = overlay_mount_or_copy(&o, used);
	}
	return rc;
}

int container_fs_unmount(const struct container_fs *fs)
{
	return overlay_unmount(fs->merged);
}
