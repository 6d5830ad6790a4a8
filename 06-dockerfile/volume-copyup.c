/*
 * volume-copyup.c - Docker's copy-up: an empty volume mounted on a folder of the image starts
 * as a copy of that folder.
 *
 * An image's /var/lib/mysql holds a fresh database; `-v db:/var/lib/mysql` mounts a volume over
 * it. A mount hides what is below it, so without help the database would vanish behind an empty
 * folder. Docker copies the image's folder into the volume the first time, while the volume is
 * empty (files, folders, symbolic links, modes and owners), and never again: from then on the
 * volume is the data, and it outlives the image's layers. A bind mount is never filled (the host
 * folder is the user's), and `volume-nocopy` / `-v name:/x:nocopy` turn it off.
 *
 * The image's folder is read in the container's mounted rootfs, a tree the image controls: it
 * is opened with openat2(RESOLVE_IN_ROOT) (04-layers/inroot.c), and the walk below opens every
 * entry relative to its folder with O_NOFOLLOW, copying a symbolic link as a link, so nothing
 * the image names can make us read a host file.
 */
#include "volume-run.h"
#include "error.h"
#include "explain.h"
#include "inroot.h"
#include "volume-store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static const char CHAPTER[] = "06-dockerfile";

static int copy_entries(int from, int to, const char *where, size_t *copied);

static int copy_regular(int from, const char *name, int to, const struct stat *st, const char *where)
{
	int in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int out = in < 0 ? -1 : openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st->st_mode & 07777);
	int rc = in < 0 || out < 0 ? -1 : 0;
	char buf[65536];
	for (ssize_t n; rc == 0 && (n = read(in, buf, sizeof(buf))) != 0;) {
		if (n < 0 && errno == EINTR)
			continue;
		for (ssize_t done = 0, w; rc == 0 && n > 0 && done < n; done += w)
			if ((w = write(out, buf + done, (size_t)(n - done))) < 0)
				rc = -1;
		if (n < 0)
			rc = -1;
	}
	if (rc < 0)
		fail_sys("cannot copy \"%s/%s\" into the volume", where, name);
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return rc;
}

/* One entry of folder from into folder to, with its owner, mode and times. */
static int copy_entry(int from, int to, const char *name, const char *where, size_t *copied)
{
	struct stat st;
	if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return fail_sys("cannot read \"%s/%s\"", where, name);
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", where, name);
	int rc = 0;
	if (S_ISDIR(st.st_mode)) {
		if (mkdirat(to, name, 0700) < 0)
			return fail_sys("cannot make \"%s\" in the volume", path);
		int sub_from = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int sub_to = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		rc = sub_from < 0 || sub_to < 0 ? fail_sys("cannot open \"%s\"", path) : copy_entries(sub_from, sub_to, path, copied);
		if (rc == 0 && fchmod(sub_to, st.st_mode & 07777) < 0)
			rc = fail_sys("cannot set the mode of \"%s\" in the volume", path);
		if (sub_from >= 0)
			close(sub_from);
		if (sub_to >= 0)
			close(sub_to);
	} else if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(from, name, target, sizeof(target) - 1);
		if (n < 0)
			return fail_sys("cannot read the link \"%s\"", path);
		target[n] = '\0';
		if (symlinkat(target, to, name) < 0)
			return fail_sys("cannot make the link \"%s\" in the volume", path);
	} else if (S_ISREG(st.st_mode)) {
		rc = copy_regular(from, name, to, &st, where);
	} else if (mknodat(to, name, st.st_mode, st.st_rdev) < 0) { /* fifos, sockets, devices */
		return fail_sys("cannot make \"%s\" in the volume", path);
	}
	if (rc < 0)
		return -1;
	if (fchownat(to, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return fail_sys("cannot set the owner of \"%s\" in the volume", path);
	struct timespec times[2] = { st.st_atim, st.st_mtim };
	if (utimensat(to, name, times, AT_SYMLINK_NOFOLLOW) < 0)
		return fail_sys("cannot set the times of \"%s\" in the volume", path);
	(*copied)++;
	return 0;
}

static int copy_entries(int from, int to, const char *where, size_t *copied)
{
	int fd = dup(from);
	DIR *dir = fd < 0 ? NULL : fdopendir(fd);
	if (!dir) {
		if (fd >= 0)
			close(fd);
		return fail_sys("cannot list \"%s\"", where);
	}
	int rc = 0;
	for (struct dirent *e; rc == 0 && (e = readdir(dir));)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			rc = copy_entry(from, to, e->d_name, where, copied);
	closedir(dir);
	return rc;
}

/* true if the folder fd has no entry; -1 when it cannot be read. */
static int is_empty(int fd, const char *where)
{
	int copy = dup(fd);
	DIR *dir = copy < 0 ? NULL : fdopendir(copy);
	if (!dir) {
		if (copy >= 0)
			close(copy);
		return fail_sys("cannot list \"%s\"", where);
	}
	int empty = 1;
	for (struct dirent *e; empty && (e = readdir(dir));)
		empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
	closedir(dir);
	return empty;
}

/* Copy the image's folder target (inside root) into the volume folder data, if it is empty. */
static int copy_up_one(int root, const char *rootfs, const char *target, const char *data, const char *name)
{
	bool use_openat2 = true;
	int image_dir = -1, from = -1, to = -1, rc = 0;
	to = open(data, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (to < 0)
		return fail_sys("cannot open volume %s", name);
	int empty = is_empty(to, data);
	if (empty != 1) {
		close(to);
		return empty < 0 ? -1 : 0; /* not empty: the volume's data stays as it is */
	}
	image_dir = inroot_open_dir(root, rootfs, target, false, &use_openat2);
	if (image_dir < 0) {
		/* Nothing there in the image (or not a folder): nothing to copy, the mount makes the folder. */
		error_clear();
		close(to);
		return 0;
	}
	/* The O_PATH fd cannot be listed: reopen it as a folder, through itself. */
	from = openat(image_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	size_t copied = 0;
	rc = from < 0 ? fail_sys("cannot open \"%s\" in the image", target) : copy_entries(from, to, target, &copied);
	if (rc == 0) {
		struct stat st;
		if (fstat(from, &st) == 0 && (fchmod(to, st.st_mode & 07777) < 0 || fchown(to, st.st_uid, st.st_gid) < 0))
			rc = fail_sys("cannot give volume %s the mode and owner of \"%s\"", name, target);
	}
	if (rc == 0 && copied)
		explain(CHAPTER, "copy-up: %zu entries of the image's \"%s\" into the empty volume %s", copied, target,
			name);
	if (from >= 0)
		close(from);
	close(image_dir);
	close(to);
	return rc < 0 ? fail_context("copy-up of \"%s\" into volume %s", target, name) : 0;
}

int volumes_copy_up(const struct container *c, const struct volume_uses *uses)
{
	int root = -1, rc = 0;
	for (size_t i = 0; i < uses->count && rc == 0; i++) {
		const struct volume_use *use = &uses->items[i];
		if (!use->name[0] || !use->copy_up)
			continue;
		if (root < 0 && (root = open(c->rootfs_path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
			return fail_sys("cannot open the rootfs \"%s\"", c->rootfs_path);
		const struct mount_request *m = &c->mounts[use->mount];
		rc = copy_up_one(root, c->rootfs_path, m->target, m->source, use->name);
	}
	if (root >= 0)
		close(root);
	return rc;
}
