/*
 * blob-store.c - content-addressed blobs: hash while writing, rename only when the name is proven.
 *
 * See blob-store.h for the idea. The three rules every function here follows:
 *   1. a digest is parsed (sha256_parse_digest) before it becomes part of a path, so a
 *      hostile manifest cannot name "../../etc/passwd";
 *   2. bytes go to ROOT/ingest/ first and reach blobs/sha256/ by rename(2) only after their
 *      digest matched: atomic on one filesystem (rename(2), "If newpath already exists, it
 *      will be atomically replaced");
 *   3. fsync the file before the rename and the folder after it, so that after a crash the
 *      name never points at data that did not reach the disk (the ext4 "zero-length file
 *      after crash" lesson of 2009; see also fsync(2), "Calling fsync() does not necessarily
 *      ensure that the entry in the directory containing the file has also reached disk").
 *
 * Read next: image-store.c.
 */
#include "blob-store.h"
#include "error.h"
#include "explain.h"
#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

static const char CHAPTER[] = "05-images";

struct blob_writer {
	char root[PATH_MAX];
	char temp[PATH_MAX];
	int fd;
	struct sha256 hash;
	uint64_t size;
};

int blob_path(const char *root, const char *digest, char *out, size_t size)
{
	uint8_t raw[SHA256_SIZE];
	if (sha256_parse_digest(digest, raw) < 0)
		return fail_context("blob \"%s\"", digest);
	char hex[SHA256_HEX_SIZE];
	sha256_hex(raw, hex);
	if ((size_t)snprintf(out, size, "%s/blobs/sha256/%s", root, hex) >= size)
		return fail_errno(ENAMETOOLONG, "blob path in \"%s\"", root);
	return 0;
}

int blob_store_init(const char *root)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/blobs/sha256", root);
	if (make_dirs(path, 0755) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", root, BLOB_INGEST_DIR);
	return make_dirs(path, 0700);
}

bool blob_exists(const char *root, const char *digest)
{
	char path[PATH_MAX];
	struct stat st;
	return blob_path(root, digest, path, sizeof(path)) == 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

struct blob_writer *blob_writer_new(const char *root)
{
	if (blob_store_init(root) < 0)
		return NULL;
	struct blob_writer *w = calloc(1, sizeof(*w));
	if (!w) {
		fail_sys("cannot start a blob");
		return NULL;
	}
	uint32_t random = 0;
	if (getrandom(&random, sizeof(random), 0) != sizeof(random))
		random = (uint32_t)rand();
	snprintf(w->root, sizeof(w->root), "%s", root);
	/* The pid in the name lets blob_ingest_cleanup tell a live writer from a dead one. */
	snprintf(w->temp, sizeof(w->temp), "%s/%s/%d-%08x", root, BLOB_INGEST_DIR, (int)getpid(), random);
	w->fd = open(w->temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		fail_sys("cannot create \"%s\"", w->temp);
		free(w);
		return NULL;
	}
	sha256_init(&w->hash);
	return w;
}

int blob_writer_write(struct blob_writer *w, const void *data, size_t size)
{
	if (write_all(w->fd, data, size) < 0)
		return fail_sys("cannot write \"%s\"", w->temp);
	sha256_update(&w->hash, data, size);
	w->size += size;
	return 0;
}

uint64_t blob_writer_size(const struct blob_writer *w)
{
	return w->size;
}

void blob_writer_abort(struct blob_writer *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	unlink(w->temp);
	free(w);
}

int blob_writer_commit(struct blob_writer *w, const char *expected, char digest[SHA256_DIGEST_SIZE])
{
	uint8_t raw[SHA256_SIZE];
	char got[SHA256_DIGEST_SIZE], path[PATH_MAX], folder[PATH_MAX];
	sha256_final(&w->hash, raw);
	sha256_digest_string(raw, got);
	if (digest)
		memcpy(digest, got, sizeof(got));
	if (expected && strcmp(expected, got) != 0) {
		fail_errno(0, "digest mismatch: expected %s, got %s (%llu bytes)", expected, got,
			   (unsigned long long)w->size);
		blob_writer_abort(w);
		return -1;
	}
	if (fsync(w->fd) < 0 || close(w->fd) < 0) {
		fail_sys("cannot write \"%s\"", w->temp);
		w->fd = -1;
		blob_writer_abort(w);
		return -1;
	}
	w->fd = -1;
	blob_path(w->root, got, path, sizeof(path));
	int rc = rename(w->temp, path);
	explain_result(CHAPTER, rc, "rename(\"%s\", \"%s\") [%llu bytes, digest verified]", w->temp, path,
		       (unsigned long long)w->size);
	if (rc < 0) {
		fail_sys("cannot rename \"%s\" to \"%s\"", w->temp, path);
		blob_writer_abort(w);
		return -1;
	}
	snprintf(folder, sizeof(folder), "%s/blobs/sha256", w->root);
	free(w);
	return sync_folder(folder);
}

int blob_write(const char *root, const void *data, size_t size, const char *expected,
	       char digest[SHA256_DIGEST_SIZE])
{
	struct blob_writer *w = blob_writer_new(root);
	if (!w)
		return -1;
	if (blob_writer_write(w, data, size) < 0) {
		blob_writer_abort(w);
		return -1;
	}
	return blob_writer_commit(w, expected, digest);
}

int blob_write_fd(const char *root, int fd, const char *expected, char digest[SHA256_DIGEST_SIZE])
{
	struct blob_writer *w = blob_writer_new(root);
	if (!w)
		return -1;
	static __thread char buf[1 << 16];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fail_sys("cannot read a blob's data");
			blob_writer_abort(w);
			return -1;
		}
		if (n == 0)
			break;
		if (blob_writer_write(w, buf, (size_t)n) < 0) {
			blob_writer_abort(w);
			return -1;
		}
	}
	return blob_writer_commit(w, expected, digest);
}

int blob_open(const char *root, const char *digest, uint64_t *size)
{
	char path[PATH_MAX];
	if (blob_path(root, digest, path, sizeof(path)) < 0)
		return -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail_sys("blob %s", digest);
	struct stat st;
	if (fstat(fd, &st) < 0) {
		fail_sys("cannot stat \"%s\"", path);
		close(fd);
		return -1;
	}
	if (size)
		*size = (uint64_t)st.st_size;
	return fd;
}

char *blob_read(const char *root, const char *digest, size_t max, size_t *size)
{
	char path[PATH_MAX];
	if (blob_path(root, digest, path, sizeof(path)) < 0)
		return NULL;
	struct stat st;
	if (stat(path, &st) < 0) {
		fail_sys("blob %s", digest);
		return NULL;
	}
	if ((uint64_t)st.st_size > max) {
		fail_errno(EFBIG, "blob %s is %lld bytes, more than the %zu allowed", digest, (long long)st.st_size,
			   max);
		return NULL;
	}
	size_t length;
	char *data = read_file(path, &length);
	if (!data)
		return NULL;
	uint8_t raw[SHA256_SIZE];
	char got[SHA256_DIGEST_SIZE];
	sha256(data, length, raw);
	sha256_digest_string(raw, got);
	if (strcmp(got, digest) != 0) {
		fail_errno(0, "blob %s is corrupt: its content hashes to %s", digest, got);
		free(data);
		return NULL;
	}
	if (size)
		*size = length;
	return data;
}

int blob_verify(const char *root, const char *digest)
{
	char path[PATH_MAX], got[SHA256_DIGEST_SIZE];
	uint8_t raw[SHA256_SIZE];
	if (blob_path(root, digest, path, sizeof(path)) < 0 || sha256_file(path, raw) < 0)
		return -1;
	sha256_digest_string(raw, got);
	if (strcmp(got, digest) != 0)
		return fail_errno(0, "digest mismatch: blob %s hashes to %s", digest, got);
	return 0;
}

int blob_remove(const char *root, const char *digest)
{
	char path[PATH_MAX];
	if (blob_path(root, digest, path, sizeof(path)) < 0)
		return -1;
	int rc = unlink(path);
	explain_result(CHAPTER, rc, "unlink(\"%s\")", path);
	if (rc < 0 && errno != ENOENT)
		return fail_sys("cannot remove \"%s\"", path);
	return 0;
}

int blob_ingest_cleanup(const char *root)
{
	char folder[PATH_MAX];
	snprintf(folder, sizeof(folder), "%s/%s", root, BLOB_INGEST_DIR);
	DIR *dir = opendir(folder);
	if (!dir)
		return errno == ENOENT ? 0 : fail_sys("cannot open \"%s\"", folder);
	int removed = 0;
	struct dirent *e;
	while ((e = readdir(dir))) {
		int pid;
		if (sscanf(e->d_name, "%d-", &pid) != 1 || pid <= 0)
			continue;
		/* kill(pid, 0) fails with ESRCH when no such process exists (kill(2)). */
		if (kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		if (unlinkat(dirfd(dir), e->d_name, 0) == 0)
			removed++;
	}
	closedir(dir);
	return removed;
}
