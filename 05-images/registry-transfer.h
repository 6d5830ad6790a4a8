/*
 * registry-transfer.h - push and pull of whole images between a registry and a local blob
 * store (blob-store.h: the image store's root, or any folder with blobs/).
 */
#ifndef TINYDOCK_REGISTRY_TRANSFER_H
#define TINYDOCK_REGISTRY_TRANSFER_H

#include "registry-client.h"

/* Push the manifest blob manifest_digest of the store at root, and every blob it names (for an
 * index, its manifests and theirs), then tag it as tag. Blobs the registry has are skipped. */
int registry_push_image(struct registry_client *c, const char *root, const char *manifest_digest, const char *tag);

/* Pull reference (tag or digest) into the store at root: the manifest (for an index, the one
 * for this machine's platform, linux/amd64 or linux/arm64, as Docker picks it), its config
 * and layers; blobs already in the store are not fetched again. digest gets the manifest's
 * (the image's) digest, size its size; index_digest (may be NULL) the digest of what the
 * reference named when that was an index ("" otherwise). */
int registry_pull_image(struct registry_client *c, const char *root, const char *reference,
			char digest[SHA256_DIGEST_SIZE], uint64_t *size, char index_digest[SHA256_DIGEST_SIZE]);

#endif
