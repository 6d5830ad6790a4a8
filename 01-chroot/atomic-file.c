/*
 * atomic-file.c - write beside, flush, rename (see atomic-file.h for why).
 *
 * Part of the foundation: chapter 01 writes the files of a root through it (rootfs.c, by way
 * of write_file_atomic), and every later chapter its state and archives (network and container
 * records, layers, images, `save`): one way of doing it is easier to trust than five.
 */
#include "atomic-file.h"
#include "files.h"
#include "error.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int atomic_file_open(struct atomic_file *f, const char *path, mode_t mode)
{
	f->fd = -1;
	f->temp[0] = '\0';
	if (snprintf(f->path, sizeof(f->path), "%s", path) >= (int)sizeof(f->path) ||
	    snprintf(f->temp, sizeof(f->temp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(f->temp)) {
		f->temp[0] = '\0';
		return fail_errno(ENAMETOOLONG, "cannot write \"%s\"", path);
	}
	/* O_EXCL never opens what is there: not a leftover, not a symlink someone else put in a
	 * shared folder to have us write through it (open(2), O_EXCL). So the name is cleared first. */
	if (unlink(f->temp) < 0 && errno != ENOENT) {
		fail_sys("cannot remove \"%s\"", f->temp);
		f->temp[0] = '\0';
		return -1;
	}
	f->fd = open(f->temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (f->fd < 0) {
		fail_sys("cannot create \"%s\"", f->temp);
		f->temp[0] = '\0';
		return -1;
	}
	return 0;
}

/* The steps of both commits; durable: with the two fsyncs. */
static int commit(struct atomic_file *f, bool durable)
{
	int fd = f->fd;
	f->fd = -1;
	if (durable && fsync(fd) < 0) {
		fail_sys("cannot write \"%s\"", f->temp);
		close(fd);
	} else if (close(fd) < 0) { /* a file system may report a failed write only here (close(2)) */
		fail_sys("cannot write \"%s\"", f->temp);
	} else if (rename(f->temp, f->path) < 0) {
		fail_sys("cannot rename \"%s\" to \"%s\"", f->temp, f->path);
	} else {
		f->temp[0] = '\0';
		/* the rename changed the folder, which the file's fsync does not cover (files.h) */
		return durable ? sync_parent_folder(f->path) : 0;
	}
	atomic_file_abort(f);
	return -1;
}

int atomic_file_commit(struct atomic_file *f)
{
	return commit(f, true);
}

int atomic_file_commit_nosync(struct atomic_file *f)
{
	return commit(f, false);
}

void atomic_file_abort(struct atomic_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (f->temp[0])
		unlink(f->temp); /* unlink records nothing: the error that brought us here stays */
	f->temp[0] = '\0';
}
