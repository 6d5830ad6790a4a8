/*
 * registry-client.h - the client side of the distribution API: what push and pull send.
 *
 * Blob and manifest operations on one repository of one registry, over one kept-alive
 * connection (reopened when the server closes it). registry-transfer.h moves whole images
 * with them.
 */
#ifndef TINYDOCK_REGISTRY_CLIENT_H
#define TINYDOCK_REGISTRY_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "http-client.h"
#include "oci.h" /* the media types */
#include "sha256.h"


struct registry_client {
	struct http_client http;
	bool connected;
	char addr[256];        /* "localhost:5000" */
	char repository[256];  /* "shop/web" */
	int timeout_ms;
	uint64_t chunk_size;   /* push: 0 sends each blob in one PUT; N sends PATCHes of N bytes */
	FILE *progress;        /* where progress lines go (NULL: none) */
	bool progress_tty;     /* redraw one line per blob; else one line when each blob is done */
};

/* Prepare a client for addr ("localhost:5000") and a repository ("shop/web"); connects on the
 * first request. */
void registry_client_init(struct registry_client *c, const char *addr, const char *repository);
void registry_client_close(struct registry_client *c);

/* GET /v2/: 0 when it is a v2 registry, -1 with a message otherwise. */
int registry_ping(struct registry_client *c);

/* HEAD a blob: 1 present (*size set, may be NULL), 0 absent, -1 on error. */
int registry_blob_exists(struct registry_client *c, const char *digest, uint64_t *size);

/* Upload size bytes of fd as blob digest, unless the registry has it already (HEAD first):
 * 1 skipped, 0 uploaded, -1 on error (the registry's error message included). */
int registry_blob_push(struct registry_client *c, const char *digest, int fd, uint64_t size);

/* Download a blob into the blob store at root, verified against its digest before it is
 * named there (blob-store.h). expected_size is its descriptor's size: a registry that sends
 * more is cut off at that many bytes, one that sends fewer is refused too. */
int registry_blob_pull(struct registry_client *c, const char *digest, uint64_t expected_size, const char *root);

/* PUT a manifest under reference (a tag or its digest); digest gets what the registry says. */
int registry_manifest_put(struct registry_client *c, const char *reference, const char *media_type, const void *body,
			  size_t size, char digest[SHA256_DIGEST_SIZE]);

/* GET a manifest (any of the media types above); body is malloc'd (NUL-terminated). The body
 * is hashed: by digest it must match the reference, by tag the registry's
 * Docker-Content-Digest when it sends one. */
int registry_manifest_get(struct registry_client *c, const char *reference, char **body, size_t *size,
			  char media_type[256], char digest[SHA256_DIGEST_SIZE]);

/* GET a listing, following Link pages: path is "/v2/_catalog" or "/v2/<name>/tags/list", key
 * "repositories" or "tags". items is a malloc'd array of malloc'd strings. */
int registry_list(struct registry_client *c, const char *path, const char *key, char ***items, size_t *count);

/* One progress line for a blob that needs no transfer: "<id>: Already exists". */
void registry_progress_note(struct registry_client *c, const char *digest, const char *state);

#endif
