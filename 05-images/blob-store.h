/*
 * blob-store.h - content-addressed blobs on disk: ROOT/blobs/sha256/<64 hex digits>.
 *
 * The one place where bytes become a blob, shared by the image store (image-store.c) and the
 * registry's storage (registry-store.h): both keep blobs the way an OCI image layout does.
 *
 * A blob is named by its content. So a blob may only appear under its name once
 * that name is proven: bytes are written to a temporary file in ROOT/ingest/ while they are
 * hashed, and only when the digest matches the one announced (a manifest's, a registry
 * client's) is the file fsync'd and renamed to blobs/sha256/<hex>. rename(2) is atomic
 * within one filesystem (ingest/ and blobs/ are siblings for that reason): a reader sees no
 * blob or the whole blob, never a half-written one, even if the writer is killed.
 *
 *     struct blob_writer *w = blob_writer_new(root);
 *     while ((n = read(fd, buf, sizeof buf)) > 0)
 *             if (blob_writer_write(w, buf, n) < 0) goto fail;
 *     if (blob_writer_commit(w, "sha256:4f2a...", digest) < 0)   // frees w in all cases
 *             ...;                                                // "digest mismatch"
 *
 * Writing a blob that is already there is fine (content-addressed: same name, same bytes);
 * the temporary copy is simply dropped. Removing blobs is the garbage collector's business
 * (image prune), under the store's lock.
 *
 * Read next: image-store.h (what the blobs make up: manifests, configs, layers, tags).
 */
#ifndef TINYDOCK_BLOB_STORE_H
#define TINYDOCK_BLOB_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sha256.h"

#define BLOB_INGEST_DIR "ingest"

/* --- names ---------------------------------------------------------------------------------- */

/* "ROOT/blobs/sha256/<hex>" for digest "sha256:<hex>"; -1 (error recorded) when the digest
 * is malformed (so no "../" can ever reach a path) or the path does not fit. */
int blob_path(const char *root, const char *digest, char *out, size_t size);

/* Make ROOT/blobs/sha256 and ROOT/ingest when missing. */
int blob_store_init(const char *root);

/* True when the blob is present (not verified: see blob_verify). */
bool blob_exists(const char *root, const char *digest);

/* --- writing, streamed and verified --------------------------------------------------------- */

struct blob_writer;

/* Start a blob in ROOT/ingest/<pid>-<random>; NULL (error recorded) on failure. */
struct blob_writer *blob_writer_new(const char *root);

/* Append bytes; they are hashed as they go. */
int blob_writer_write(struct blob_writer *w, const void *data, size_t size);

/* Bytes written so far (for a caller that shows progress or fills a descriptor's size). */
uint64_t blob_writer_size(const struct blob_writer *w);

/* Finish: compare the digest of what was written with expected ("sha256:<hex>", or NULL to
 * accept whatever it is), fsync, rename into blobs/sha256/, fsync the folder. Fills digest
 * (may be NULL) with "sha256:<hex>". Frees w whatever happens; on a mismatch the temporary
 * file is removed and the message says "digest mismatch: expected ..., got ...". */
int blob_writer_commit(struct blob_writer *w, const char *expected, char digest[SHA256_DIGEST_SIZE]);

/* Give up: remove the temporary file and free w (NULL is fine). */
void blob_writer_abort(struct blob_writer *w);

/* A whole buffer as a blob (manifests, configs): blob_writer_* in one call. */
int blob_write(const char *root, const void *data, size_t size, const char *expected,
	       char digest[SHA256_DIGEST_SIZE]);

/* Copy everything read from fd into a blob, verified against expected (may be NULL). */
int blob_write_fd(const char *root, int fd, const char *expected, char digest[SHA256_DIGEST_SIZE]);

/* --- reading ---------------------------------------------------------------------------------- */

/* Open a blob for reading; *size (may be NULL) gets its size. -1 with ENOENT when absent. */
int blob_open(const char *root, const char *digest, uint64_t *size);

/* Read a small blob (at most max bytes) whole, and check it against its digest: a store on a
 * shared disk can be tampered with, and a JSON blob is cheap to hash. NUL-terminated. */
char *blob_read(const char *root, const char *digest, size_t max, size_t *size);

/* Hash the blob on disk and compare with its name; -1 with "digest mismatch" if it differs. */
int blob_verify(const char *root, const char *digest);

/* Remove a blob (a missing one is fine). The caller holds whatever lock protects readers. */
int blob_remove(const char *root, const char *digest);

/* Remove temporary files in ROOT/ingest left by processes that no longer run (a writer that
 * was killed). Returns how many were removed, or -1. */
int blob_ingest_cleanup(const char *root);

#endif
