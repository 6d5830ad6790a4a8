/*
 * image-layers.h - layers in the image store: stored as blobs, unpacked once for overlayfs.
 *
 * A layer has two names (README section 1): the digest of its blob as stored or shipped
 * (maybe gzip-compressed: what the manifest lists) and its diff_id, the digest of the plain
 * tar (what the config lists). Unpacked, it lives in $TINYDOCK_ROOT/layers/<diff_id hex>/ in
 * overlay form (04-layers/layer.h, WHITEOUT_OVERLAY), shared by every image and container
 * that has it, and is reached through a short link $TINYDOCK_ROOT/l/<12+ hex> (image-layers.c
 * explains why).
 */
#ifndef TINYDOCK_IMAGE_LAYERS_H
#define TINYDOCK_IMAGE_LAYERS_H

#include <limits.h>

#include "image-store.h"
#include "tar.h"

/* Store a layer made by a tar writer: make(sink, ctx) writes an uncompressed tar through
 * sink, which becomes a blob whose digest is also its diff_id. Fills layer. */
int image_layer_store(struct image_store *s, int (*make)(tar_write_fn sink, void *sink_ctx, void *ctx), void *ctx,
		      struct oci_layer *layer);

/* Store a tarball read from fd (plain or gzip-compressed: inflated first) as an uncompressed
 * layer blob. Every entry is read through the tar reader, so what is not a tar is refused. */
int image_layer_import_fd(struct image_store *s, int fd, const char *name, struct oci_layer *layer);

/* The diff_id of a stored layer blob: its digest, or, when compressed (gzip magic), the
 * digest of what it inflates to. */
int image_layer_diff_id(struct image_store *s, const char *blob_digest, char diff_id[SHA256_DIGEST_SIZE]);

/* Make sure every layer of img is unpacked, and write their short paths, LOWEST FIRST, into
 * lowers (img->parts.layer_count entries). A layer whose tar does not hash to its diff_id is
 * refused and nothing of it is left. */
int image_unpack_layers(struct image_store *s, const struct image *img, char (*lowers)[PATH_MAX]);

/* The link name of an unpacked layer ("l/4f2a1c3b5d6e"), made if missing: path gets the
 * absolute "ROOT/l/<short>". */
int image_layer_link(struct image_store *s, const char *diff_id, char path[PATH_MAX]);

#endif
