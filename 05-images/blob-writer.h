/*
 * blob-writer.h - writing a content-addressed blob: hashed while it streams, visible only
 * once its digest is known (and, when one was promised, matched).
 *
 * Both ends of a transfer need this: the registry receiving an upload, and the client
 * (or the image store) receiving a pulled layer. The bytes go to an unnamed file in the
 * blobs folder (open(2) with O_TMPFILE) while sha256.h hashes them; commit gives the file
 * its name blobs/sha256/<hex> with linkat(2). Until then it has no name at all, so a
 * crash, a cut connection or a lying client leaves nothing anyone can see, not even a
 * half-written file to clean up: the kernel frees an unnamed file when its last fd closes.
 */
#ifndef TINYDOCK_BLOB_WRITER_H
#define TINYDOCK_BLOB_WRITER_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "http-conn.h"
#include "sha256.h"

struct blob_writer {
	struct byte_sink sink;  /* so a download can stream into it (http_client_body_to_sink) */
	int fd;
	int dir_fd;             /* the folder that holds sha256/ */
	char tmp_name[64];      /* only when O_TMPFILE is not supported: ".tmp-<random>" */
	struct sha256 hash;
	uint64_t size;          /* bytes written so far */
	bool finished;
	char digest[SHA256_DIGEST_SIZE]; /* after blob_writer_finish */
};

/* Begin a blob in blobs_dir (an OCI layout's "blobs" folder: the blob will be
 * blobs_dir/sha256/<hex>); the folder is made if missing. -1 with a message on failure. */
int blob_writer_open(struct blob_writer *w, const char *blobs_dir);

/* Append bytes (and hash them). */
int blob_writer_write(struct blob_writer *w, const void *data, size_t size);

/* No more bytes: flush them to disk (fsync) and compute the digest into w->digest. */
int blob_writer_finish(struct blob_writer *w);

/* Finish if needed, then name the blob blobs_dir/sha256/<hex>, but only when its digest is
 * expect (when expect is not NULL): returns 0 when committed, 1 when the digest differs (the
 * bytes are dropped), -1 on an error. A blob that is already there is kept: same digest, same
 * bytes, so a concurrent upload of the same blob is no conflict. The writer is closed after. */
int blob_writer_commit(struct blob_writer *w, const char *expect);

/* Drop the bytes: nothing was ever visible. Safe after commit (does nothing) and twice. */
void blob_writer_abort(struct blob_writer *w);

/* The path of a blob in blobs_dir: "blobs_dir/sha256/<hex>"; -1 when digest is malformed or
 * the path does not fit. */
int blob_path(const char *blobs_dir, const char *digest, char *out, size_t size);

#endif
