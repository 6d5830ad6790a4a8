/*
 * image-layers.c - storing layers, and unpacking each one once for overlayfs.
 *
 * Unpacking. A container's root filesystem is an overlay whose lower folders are the image's
 * layers (04-layers/overlay.c). Each layer is unpacked once, into layers/<diff_id hex>/, and
 * then shared: a second image with the same base layer, and every container of either, use
 * the same folder (and the same page cache). The steps, each safe against a kill:
 *   1. open the blob; inflate it if it starts with gzip's magic; hash the tar as it is read;
 *   2. layer_unpack() into layers/<hex>.unpack-PID (it unpacks into a ".partial" first);
 *   3. read to the end of the tar and compare its digest with the diff_id the config
 *      promised: a layer that does not match is removed, never used;
 *   4. rename(2) into layers/<hex>: the folder appears whole, or not at all. If another
 *      process won the race, its copy is as good as ours, and ours is removed. Then an
 *      fsync of layers/ makes the new name durable; layer_unpack() had already synced
 *      the files (syncfs) before its own rename, so no power cut can leave a trusted
 *      layers/<hex> whose files never reached the disk.
 *
 * Short names. mount(2) takes overlay's options as one string of at most a page (4096
 * bytes); "lowerdir=" with 64-hex folder names fills it after about 45 layers. Docker's
 * overlay2 driver keeps a folder "l" of short symlinks for that reason, and so do we:
 * l/<the first 12 hex digits of the diff_id> -> ../layers/<hex>, about 30 bytes a layer.
 * overlayfs resolves each lowerdir path like any path, following the link. Twelve digits
 * can collide (2^48 work would make a layer that does on purpose), so a name is only ever
 * used for the layer it already points at: on a clash the next digit is added.
 *
 * Read next: image-run.c (the layers become a container's root), image-gc.c.
 */
#include "image-layers.h"
#include "blob-store.h"
#include "error.h"
#include "explain.h"
#include "files.h"
#include "layer.h"
#include "maybe-gzip.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char CHAPTER[] = "05-images";

/* --- storing -------------------------------------------------------------------------------- */

static int sink_to_blob(void *ctx, const void *buf, size_t size)
{
	return blob_writer_write(ctx, buf, size);
}

int image_layer_store(struct image_store *s, int (*make)(tar_write_fn sink, void *sink_ctx, void *ctx), void *ctx,
		      struct oci_layer *layer)
{
	memset(layer, 0, sizeof(*layer));
	if (image_store_hold(s) < 0)
		return -1;
	struct blob_writer *w = blob_writer_new(s->root);
	if (!w)
		return -1;
	if (make(sink_to_blob, w, ctx) < 0) {
		blob_writer_abort(w);
		return fail_context("cannot make the layer");
	}
	layer->blob.size = blob_writer_size(w);
	if (blob_writer_commit(w, NULL, layer->blob.digest) < 0)
		return -1;
	snprintf(layer->blob.media_type, sizeof(layer->blob.media_type), "%s", MEDIA_OCI_LAYER);
	snprintf(layer->diff_id, sizeof(layer->diff_id), "%s", layer->blob.digest);
	return 0;
}

/* --- reading a layer, inflated if need be, hashed as it goes --------------------------------- */

struct layer_source {
	int fd;
	struct maybe_gzip in;
	struct sha256 hash; /* of the plain tar */
	uint64_t size;
};

static ssize_t source_read(void *ctx, void *buf, size_t size)
{
	struct layer_source *src = ctx;
	ssize_t n = maybe_gzip_read(&src->in, buf, size);
	if (n > 0) {
		sha256_update(&src->hash, buf, (size_t)n);
		src->size += (uint64_t)n;
	}
	return n;
}

static int source_open(struct image_store *s, const char *digest, struct layer_source *src)
{
	memset(src, 0, sizeof(*src));
	sha256_init(&src->hash);
	src->fd = blob_open(s->root, digest, NULL);
	if (src->fd < 0)
		return -1;
	char name[16 + SHA256_DIGEST_SIZE];
	snprintf(name, sizeof(name), "layer %s", digest);
	if (maybe_gzip_open(&src->in, src->fd, name) < 0) {
		close(src->fd);
		src->fd = -1;
		return -1;
	}
	return 0;
}

static void source_close(struct layer_source *src)
{
	maybe_gzip_close(&src->in);
	if (src->fd >= 0)
		close(src->fd);
	src->fd = -1;
}

/* Read what is left (a tar's padding after its end blocks) so the hash covers every byte. */
static int source_drain(struct layer_source *src, char digest[SHA256_DIGEST_SIZE])
{
	static __thread char buf[1 << 16];
	ssize_t n;
	while ((n = source_read(src, buf, sizeof(buf))) > 0)
		;
	if (n < 0)
		return -1;
	uint8_t raw[SHA256_SIZE];
	sha256_final(&src->hash, raw);
	sha256_digest_string(raw, digest);
	return 0;
}

int image_layer_diff_id(struct image_store *s, const char *blob_digest, char diff_id[SHA256_DIGEST_SIZE])
{
	struct layer_source src;
	if (source_open(s, blob_digest, &src) < 0)
		return -1;
	int rc = source_drain(&src, diff_id);
	source_close(&src);
	return rc < 0 ? fail_context("layer %s", blob_digest) : 0;
}

/* Plain tar bytes from the import: inflated if need be, and copied into the blob. */
struct import_source {
	struct maybe_gzip in;
	struct blob_writer *blob;
};

static ssize_t import_read(void *ctx, void *buf, size_t size)
{
	struct import_source *src = ctx;
	ssize_t n = maybe_gzip_read(&src->in, buf, size);
	if (n > 0 && blob_writer_write(src->blob, buf, (size_t)n) < 0)
		return -1;
	return n;
}

int image_layer_import_fd(struct image_store *s, int fd, const char *name, struct oci_layer *layer)
{
	memset(layer, 0, sizeof(*layer));
	struct import_source src = { 0 };
	struct tar_reader *reader = NULL;
	int rc = -1;
	if (maybe_gzip_open(&src.in, fd, name) < 0)
		return -1;
	if (image_store_hold(s) < 0 || !(src.blob = blob_writer_new(s->root)))
		goto out;
	if (!(reader = tar_reader_new(import_read, &src, name)))
		goto out;
	const struct tar_entry *entry;
	int more;
	while ((more = tar_reader_next(reader, &entry)) > 0)
		;
	static __thread char buf[1 << 16];
	ssize_t n = 0;
	while (more == 0 && (n = import_read(&src, buf, sizeof(buf))) > 0)
		; /* the rest of the archive (padding after the end blocks) belongs to the layer too */
	if (more < 0 || n < 0)
		goto out;
	layer->blob.size = blob_writer_size(src.blob);
	rc = blob_writer_commit(src.blob, NULL, layer->blob.digest);
	src.blob = NULL;
	snprintf(layer->blob.media_type, sizeof(layer->blob.media_type), "%s", MEDIA_OCI_LAYER);
	snprintf(layer->diff_id, sizeof(layer->diff_id), "%s", layer->blob.digest);
out:
	if (reader)
		tar_reader_free(reader);
	maybe_gzip_close(&src.in);
	blob_writer_abort(src.blob);
	return rc < 0 ? fail_context("cannot import \"%s\"", name) : 0;
}

/* --- short links ------------------------------------------------------------------------------ */

int image_layer_link(struct image_store *s, const char *diff_id, char path[PATH_MAX])
{
	const char *hex = diff_id + 7;
	char folder[PATH_MAX], target[PATH_MAX], current[PATH_MAX];
	snprintf(folder, sizeof(folder), "%s/l", s->root);
	if (make_dirs(folder, 0755) < 0)
		return -1;
	snprintf(target, sizeof(target), "../layers/%s", hex);
	for (int len = 12; len <= 64; len++) {
		snprintf(path, PATH_MAX, "%s/%.*s", folder, len, hex);
		ssize_t n = readlink(path, current, sizeof(current) - 1);
		if (n >= 0) {
			current[n] = '\0';
			if (strcmp(current, target) == 0)
				return 0;
			continue; /* taken by another layer: one digit more */
		}
		if (errno != ENOENT)
			return fail_sys("cannot read link \"%s\"", path);
		int rc = symlink(target, path);
		explain_result(CHAPTER, rc, "symlink(\"%s\", \"%s\")", target, path);
		if (rc == 0)
			return 0;
		if (errno != EEXIST)
			return fail_sys("cannot make link \"%s\"", path);
		len--; /* another process made it a moment ago: look at it again */
	}
	return fail_errno(0, "no short name left for layer %s", diff_id);
}

/* --- unpacking ------------------------------------------------------------------------------ */

static int unpack_layer(struct image_store *s, const struct oci_layer *layer)
{
	char dest[PATH_MAX], temp[PATH_MAX], got[SHA256_DIGEST_SIZE];
	snprintf(dest, sizeof(dest), "%s/layers/%s", s->root, layer->diff_id + 7);
	if (is_directory(dest))
		return 0; /* unpacked before: shared */
	snprintf(temp, sizeof(temp), "%s.unpack-%d", dest, (int)getpid());
	struct layer_source src;
	if (source_open(s, layer->blob.digest, &src) < 0)
		return -1;
	struct tar_reader *reader = tar_reader_new(source_read, &src, layer->blob.digest);
	struct apply_options options = { .whiteouts = WHITEOUT_OVERLAY };
	struct apply_stats stats = { 0 };
	int rc = -1;
	if (!reader)
		goto out;
	remove_tree(temp); /* a leftover of a killed process with our pid */
	if (layer_unpack(reader, temp, &options, &stats) < 0 || source_drain(&src, got) < 0)
		goto out;
	if (strcmp(got, layer->diff_id) != 0) {
		fail_errno(0, "layer %s: its tar hashes to %s, not to the diff_id %s the image promised",
			   layer->blob.digest, got, layer->diff_id);
		goto out;
	}
	int renamed = rename(temp, dest);
	explain_result(CHAPTER, renamed, "rename(\"%s\", \"%s\") [%llu entries, diff_id verified]", temp, dest,
		       (unsigned long long)stats.entries);
	if (renamed < 0 && !is_directory(dest)) {
		fail_sys("cannot rename \"%s\" to \"%s\"", temp, dest);
		goto out;
	}
	/* layer_unpack synced the files; the name that makes them trusted must reach the disk too */
	if (explain_result(CHAPTER, sync_parent_folder(dest), "fsync(the folder of \"%s\")", dest) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		fail_context("cannot unpack layer %s", layer->diff_id);
	if (reader)
		tar_reader_free(reader);
	source_close(&src);
	if (is_directory(temp)) {
		struct error_saved first;
		error_save(&first);
		remove_tree(temp);
		if (rc < 0)
			error_restore(&first);
	}
	return rc;
}

int image_unpack_layers(struct image_store *s, const struct image *img, char (*lowers)[PATH_MAX])
{
	char folder[PATH_MAX];
	snprintf(folder, sizeof(folder), "%s/layers", s->root);
	if (image_store_hold(s) < 0 || make_dirs(folder, 0755) < 0)
		return -1;
	for (size_t i = 0; i < img->parts.layer_count; i++) {
		const struct oci_layer *layer = &img->parts.layers[i];
		if (unpack_layer(s, layer) < 0 || image_layer_link(s, layer->diff_id, lowers[i]) < 0)
			return -1;
	}
	return 0;
}
