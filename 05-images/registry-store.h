/*
 * registry-store.h - what the registry's HTTP API asks of the storage behind it.
 *
 * registry-api.c speaks HTTP and the distribution spec; the store keeps blobs,
 * manifests and tags (on disk, as an OCI image layout, in the image store's code).
 * This table of functions is the whole contract between them, so each side can be
 * read, tested and replaced alone (tests/unit/test_registry_api.c runs the API over an
 * in-memory store).
 *
 * Every function returns
 *     0                      success;
 *     a registry_error > 0   the client asked for something wrong or absent (BLOB_UNKNOWN,
 *                            DIGEST_INVALID, ...): answered with the spec's status and body;
 *     -1                     the store itself failed (disk full, I/O error), with a message
 *                            recorded by fail_sys() (error.h): answered 500.
 * Names, tags, digests and upload ids arrive validated against the spec's patterns
 * (registry-routes.c), so they contain no "..", no "/" where none belongs, no NUL.
 *
 * Digests are the store's to verify: upload_write() sees every byte of an upload in
 * order, so a store hashes as the bytes stream in (sha256.h) and upload_finish()
 * compares; a blob becomes visible only after its digest matched, and atomically
 * (rename), so an interrupted or lying upload leaves nothing behind.
 */
#ifndef TINYDOCK_REGISTRY_STORE_H
#define TINYDOCK_REGISTRY_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "registry-routes.h"

/* Manifests are read whole into memory: the spec says to expect at least 4 MiB, and we
 * refuse more (413), so a client cannot make the server hold an arbitrary amount. */
#define REGISTRY_MANIFEST_MAX (4u << 20)

struct registry_manifest {
	char *body;           /* malloc'd, exactly the bytes that were pushed; the API frees it */
	size_t size;
	char media_type[256]; /* the Content-Type it was pushed with, "application/vnd.oci.image.manifest.v1+json" */
	char digest[REGISTRY_REFERENCE_MAX + 1];
};

/* A page of a sorted listing: items are malloc'd strings in a malloc'd array (the API frees
 * them); more says that items follow after the last one. */
struct registry_list {
	char **items;
	size_t count;
	bool more;
};

struct registry_store {
	void *ctx; /* passed as the first argument of every function */

	/* Blobs. blob_open gives a readable fd (the API closes it) and the blob's size. */
	int (*blob_open)(void *ctx, const char *name, const char *digest, int *fd, uint64_t *size);
	int (*blob_delete)(void *ctx, const char *name, const char *digest);
	/* Make a blob that exists in repository from (or anywhere, when from is "") visible in
	 * name too; BLOB_UNKNOWN if it cannot (the API then starts an ordinary upload). */
	int (*blob_mount)(void *ctx, const char *name, const char *digest, const char *from);

	/* Uploads: a session id (letters, digits, '-', '_'; at most REGISTRY_UPLOAD_ID_MAX), the
	 * bytes in order, then finish with the digest of them all. Unknown ids: BLOB_UPLOAD_UNKNOWN.
	 * client is the address the upload comes from ("127.0.0.1"), so that a store can bound
	 * what one client holds (TOOMANYREQUESTS). */
	int (*upload_start)(void *ctx, const char *name, const char *client, char id[REGISTRY_UPLOAD_ID_MAX + 1]);
	int (*upload_size)(void *ctx, const char *name, const char *id, uint64_t *size);
	int (*upload_write)(void *ctx, const char *name, const char *id, const void *data, size_t size);
	int (*upload_finish)(void *ctx, const char *name, const char *id, const char *digest);
	int (*upload_cancel)(void *ctx, const char *name, const char *id);

	/* Manifests, by tag or digest. manifest_put checks the manifest (MANIFEST_INVALID,
	 * MANIFEST_BLOB_UNKNOWN), and when reference is a digest, that the body hashes to it
	 * (DIGEST_INVALID); it fills digest with the body's digest. */
	int (*manifest_get)(void *ctx, const char *name, const char *reference, struct registry_manifest *out);
	int (*manifest_put)(void *ctx, const char *name, const char *reference, const char *media_type,
			    const void *body, size_t size, char digest[REGISTRY_REFERENCE_MAX + 1]);
	int (*manifest_delete)(void *ctx, const char *name, const char *reference);

	/* Listings in lexical order, at most n items after last ("" = from the start). An unknown
	 * repository is NAME_UNKNOWN. */
	int (*tags_list)(void *ctx, const char *name, const char *last, size_t n, struct registry_list *out);
	int (*catalog)(void *ctx, const char *last, size_t n, struct registry_list *out);
};

/* Free the items of a listing. */
void registry_list_free(struct registry_list *list);

#endif
