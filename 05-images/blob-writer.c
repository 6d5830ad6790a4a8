/*
 * blob-writer.c - a blob comes into existence only whole and only under its true name.
 *
 * Lecture: "a layer is identified by the digest of its content". Whoever receives a
 * blob, the registry from `docker push` or the client from a pull, must not trust the
 * sender: the digest is computed here, over the bytes as they arrive, and compared with
 * the one promised before the blob gets a name. Three steps, each a system call:
 *
 *   openat(blobs/sha256, ".", O_TMPFILE)   a file with no name: invisible, and freed by the
 *                                          kernel if we crash or give up (open(2), O_TMPFILE)
 *   write(fd) + sha256_update()            stream and hash in the same pass
 *   linkat("/proc/self/fd/N", "<hex>")     give it its name, atomically, once the hash is
 *                                          known (open(2) shows exactly this use of linkat)
 *
 * Where a file system has no O_TMPFILE, the blob is written to ".tmp-<random>" and renamed
 * instead: still atomic, but a crash can leave that file behind.
 *
 * Read next: registry-disk.c (the registry's store) and registry-client.c (pull), which
 * both receive blobs through this.
 */
#include "blob-writer.h"
#include "error.h"
#include "explain.h"
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define CHAPTER "05-images"

int blob_path(const char *blobs_dir, const char *digest, char *out, size_t size)
{
	uint8_t raw[SHA256_SIZE];
	if (sha256_parse_digest(digest, raw) < 0)
		return -1;
	if ((size_t)snprintf(out, size, "%s/sha256/%s", blobs_dir, digest + strlen("sha256:")) >= size)
		return fail_errno(ENAMETOOLONG, "cannot name blob %s in \"%s\"", digest, blobs_dir);
	return 0;
}

static int sink_write(struct byte_sink *sink, const void *data, size_t size)
{
	return blob_writer_write((struct blob_writer *)sink, data, size);
}

static void writer_close(struct blob_writer *w)
{
	if (w->fd >= 0)
		close(w->fd);
	if (w->dir_fd >= 0)
		close(w->dir_fd);
	w->fd = w->dir_fd = -1;
}

/* No O_TMPFILE (some file systems, old kernels): a named temporary file, renamed at commit. */
static int open_named_temporary(struct blob_writer *w, const char *dir)
{
	uint8_t r[8];
	if (getrandom(r, sizeof(r), 0) != sizeof(r))
		return fail_sys("cannot make a temporary name");
	snprintf(w->tmp_name, sizeof(w->tmp_name), ".tmp-%02x%02x%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4],
		 r[5], r[6], r[7]);
	w->fd = (int)explain_result(CHAPTER, openat(w->dir_fd, w->tmp_name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644),
				    "openat(\"%s\", \"%s\", O_CREAT|O_EXCL)", dir, w->tmp_name);
	if (w->fd < 0)
		return fail_sys("cannot create a blob in \"%s\"", dir);
	return 0;
}

int blob_writer_open(struct blob_writer *w, const char *blobs_dir)
{
	memset(w, 0, sizeof(*w));
	w->sink.write = sink_write;
	w->fd = w->dir_fd = -1;
	char dir[PATH_MAX];
	if ((size_t)snprintf(dir, sizeof(dir), "%s/sha256", blobs_dir) >= sizeof(dir))
		return fail_errno(ENAMETOOLONG, "cannot use \"%s\" for blobs", blobs_dir);
	if (make_dirs(dir, 0755) < 0)
		return -1;
	w->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w->dir_fd < 0)
		return fail_sys("cannot open \"%s\"", dir);
	w->fd = (int)explain_result(CHAPTER, openat(w->dir_fd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0644),
				    "openat(\"%s\", \".\", O_TMPFILE|O_RDWR)", dir);
	if (w->fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL) && open_named_temporary(w, dir) == 0)
		errno = 0;
	if (w->fd < 0) {
		if (errno)
			fail_sys("cannot create a blob in \"%s\"", dir);
		writer_close(w);
		return -1;
	}
	sha256_init(&w->hash);
	return 0;
}

int blob_writer_write(struct blob_writer *w, const void *data, size_t size)
{
	if (write_all(w->fd, data, size) < 0)
		return fail_context("cannot write a blob");
	sha256_update(&w->hash, data, size);
	w->size += size;
	return 0;
}

int blob_writer_finish(struct blob_writer *w)
{
	if (w->finished)
		return 0;
	/* The name must never point at bytes still only in the page cache: after a power cut a
	 * blob under its digest's name would hold zeros (ext4 orders data before the link only
	 * with data=ordered, and not for a link made with linkat). */
	if (fsync(w->fd) < 0)
		return fail_sys("cannot flush a blob to disk");
	uint8_t raw[SHA256_SIZE];
	sha256_final(&w->hash, raw);
	sha256_digest_string(raw, w->digest);
	w->finished = true;
	return 0;
}

int blob_writer_commit(struct blob_writer *w, const char *expect)
{
	if (blob_writer_finish(w) < 0)
		return -1;
	if (expect && strcmp(expect, w->digest) != 0) {
		blob_writer_abort(w);
		return 1;
	}
	const char *hex = w->digest + strlen("sha256:");
	int rc;
	if (w->tmp_name[0]) {
		rc = (int)explain_result(CHAPTER, renameat(w->dir_fd, w->tmp_name, w->dir_fd, hex), "renameat(\"%s\", \"%s\")",
					 w->tmp_name, hex);
	} else {
		char proc[64];
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", w->fd);
		rc = (int)explain_result(CHAPTER, linkat(AT_FDCWD, proc, w->dir_fd, hex, AT_SYMLINK_FOLLOW),
					 "linkat(\"%s\", \"sha256/%s\", AT_SYMLINK_FOLLOW)", proc, hex);
		if (rc < 0 && errno == EEXIST)
			rc = 0; /* the same digest is there already: the same bytes */
	}
	if (rc < 0) {
		fail_sys("cannot name blob %s", w->digest);
		blob_writer_abort(w);
		return -1;
	}
	/* The new name is an entry of the folder: flush the folder too (fsync(2), NOTES). */
	if (fsync(w->dir_fd) < 0) {
		fail_sys("cannot flush the blobs folder");
		writer_close(w);
		return -1;
	}
	w->tmp_name[0] = '\0';
	writer_close(w);
	return 0;
}

void blob_writer_abort(struct blob_writer *w)
{
	if (w->tmp_name[0] && w->dir_fd >= 0)
		unlinkat(w->dir_fd, w->tmp_name, 0);
	w->tmp_name[0] = '\0';
	writer_close(w);
}
