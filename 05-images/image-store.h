/*
 * image-store.h - the image store: an OCI image layout at $TINYDOCK_ROOT, tags in index.json.
 *
 *     $TINYDOCK_ROOT/
 *       oci-layout                 {"imageLayoutVersion": "1.0.0"}
 *       index.json                 one descriptor per (image, name): the tags
 *       blobs/sha256/<hex>         manifests, configs, layer tarballs (blob-store.h)
 *       ingest/                    blobs being written (renamed into blobs/ when verified)
 *       layers/<diff_id hex>/      each layer unpacked ONCE, overlay whiteouts (for lowerdir=)
 *       l/<short>                  -> ../layers/<hex>: short names that keep lowerdir= short
 *       index.lock, gc.lock        flock(2) files (see image-store.c, "Locks")
 *
 * Because it is a standard layout, other tools read it:
 *     skopeo inspect oci:$TINYDOCK_ROOT:busybox:latest
 * (skopeo's oci: transport is oci:PATH:REF, REF matched against the annotation
 * org.opencontainers.image.ref.name, which here holds the familiar name "busybox:latest").
 *
 * Read next: image-store.c, then image-layers.c, image-run.c.
 */
#ifndef TINYDOCK_IMAGE_STORE_H
#define TINYDOCK_IMAGE_STORE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "oci.h"

struct image_store {
	char root[PATH_MAX];
	int gc_fd; /* a shared lock on gc.lock while this process adds content (-1: none) */
};

/* One image read from the store. */
struct image {
	char digest[SHA256_DIGEST_SIZE]; /* the manifest's digest: pins the whole image */
	uint64_t manifest_size;
	char id[SHA256_DIGEST_SIZE];     /* the config's digest: Docker's IMAGE ID */
	struct json *manifest, *config;
	struct oci_manifest parts;       /* config descriptor, layers with their diff_ids */
};

/* One entry of index.json. */
struct image_entry {
	char name[600];                 /* "busybox:latest"; "" for an untagged (dangling) image */
	char digest[SHA256_DIGEST_SIZE];
	uint64_t size;
};

/* Open (and create when missing) the store at state_root() or at root. */
int image_store_open(struct image_store *s);
int image_store_open_at(struct image_store *s, const char *root);
void image_store_close(struct image_store *s);

/* Take the shared "adding content" lock, so that a concurrent prune keeps the blobs this
 * process writes before they are named in index.json. Released by image_store_close. */
int image_store_hold(struct image_store *s);

/* Read index.json (under no lock: it is replaced atomically, so a reader sees a whole one). */
int image_store_list(struct image_store *s, struct image_entry **entries, size_t *count);

/* Change index.json under the index lock: read, edit(index, ctx), write atomically. */
int image_store_edit_index(struct image_store *s, int (*edit)(struct json *index, void *ctx), void *ctx);

/* Read the image whose manifest is digest (manifest and config verified against digests). */
int image_read(struct image_store *s, const char *digest, struct image *img);
void image_free(struct image *img);

/* Find an image by name ("busybox", "shop/web:1.0", "busybox@sha256:..."), by ID or a unique
 * ID prefix ("4f2a", "sha256:4f2a..."). -1 with errno ENOENT and "No such image: NAME". */
int image_resolve(struct image_store *s, const char *name, struct image *img);

/* Write config and manifest blobs for an image made of layers (already in the store); fills
 * digest and *size with the manifest's. Does not name it. */
int image_store_put(struct image_store *s, const struct json *config, const struct oci_layer *layers, size_t count,
		    char digest[SHA256_DIGEST_SIZE], uint64_t *size);

/* Point name at the manifest digest (moving it if it pointed elsewhere; the image it leaves
 * stays, untagged, as Docker's "<none>" image). name is normalised ("busybox" -> busybox:latest).
 * name NULL adds the image untagged, when it has no entry yet. */
int image_store_tag(struct image_store *s, const char *name, const char *digest, uint64_t size);

/* Remove a name; *removed (may be NULL) gets the digest it pointed at. ENOENT when absent. */
int image_store_untag(struct image_store *s, const char *name, char removed[SHA256_DIGEST_SIZE]);

/* Remove every entry for a manifest digest (the image is gone; prune reclaims its blobs). */
int image_store_forget(struct image_store *s, const char *digest);

/* The names index.json gives digest, in order ("busybox:latest", ...). Free with free() of the
 * array (one allocation). */
int image_store_names(struct image_store *s, const char *digest, char (**names)[600], size_t *count);

/* The normalised familiar name of a reference ("busybox" -> "busybox:latest") and its
 * canonical form ("docker.io/library/busybox:latest"), or -1 if it is no valid name. */
int image_name_normalise(const char *text, char familiar[600], char canonical[600]);

/* --- images in use ------------------------------------------------------------------------- */

/* True (with the container's id in who) when a container's record names this image
 * ($TINYDOCK_ROOT/containers/<id>/config.json: "Image" is the image ID, as Docker writes it). */
bool image_in_use(struct image_store *s, const struct image *img, char who[65]);

#endif
