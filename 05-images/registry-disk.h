/*
 * registry-disk.h - the registry's storage on disk: the registry_store of registry-store.h.
 *
 *   ROOT/blobs/sha256/<hex>                       every blob and manifest, once, by content
 *   ROOT/repositories/<name>/_layers/<hex>        empty: this repository may read that blob
 *   ROOT/repositories/<name>/_manifests/<hex>     this repository has that manifest (holds
 *                                                 its media type)
 *   ROOT/repositories/<name>/_tags/<tag>          holds the digest the tag points at
 *   ROOT/ingest/, ROOT/tmp/                       being written, not visible
 *
 * Names never collide with "_layers" and friends: a component of a repository name starts
 * with [a-z0-9]. Uploads in progress are files in ROOT/ingest/ (blob-store.h), renamed into
 * blobs/ only once their digest matched.
 */
#ifndef TINYDOCK_REGISTRY_DISK_H
#define TINYDOCK_REGISTRY_DISK_H

#include "registry-store.h"

struct registry_disk;

/* Open (making the folders if needed) a store under root; NULL with a message on failure. */
struct registry_disk *registry_disk_open(const char *root);

/* Drop the uploads in progress and free the store. */
void registry_disk_close(struct registry_disk *d);

/* The table of functions the HTTP API calls (registry-api.h), bound to d. */
void registry_disk_bind(struct registry_disk *d, struct registry_store *store);

/* What the upload table allows: at most uploads_per_client sessions from one address (0: 32),
 * and a session untouched for upload_idle_ms (0: 2 minutes) is dropped, its file and
 * descriptor with it, when room is needed. */
struct registry_disk_limits {
	unsigned uploads_per_client;
	int upload_idle_ms;
};
void registry_disk_set_limits(struct registry_disk *d, const struct registry_disk_limits *limits);

/* Uploads in progress (for tests and the server's log). */
size_t registry_disk_uploads(struct registry_disk *d);

#endif
