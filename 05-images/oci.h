/*
 * oci.h - the three JSON documents of an OCI image, built and read (pure: no files, unit-tested).
 *
 *   index     which images a layout holds, and their names     (image-index.md, image-layout.md)
 *   manifest  one image: its config blob and its layer blobs     (manifest.md)
 *   config    how to run it, and the layers' uncompressed digests (config.md: rootfs.diff_ids)
 *
 * Each points at the next with a *descriptor*: {"mediaType", "digest", "size"}. The media type
 * says what the bytes are, the digest names them, the size lets a reader refuse a blob that
 * is longer than announced before hashing it all. Docker's own media types (manifest v2
 * schema 2, `docker save`) are the same documents under other names: accepted when read.
 *
 * Read next: image-store.h (where the documents live), image-config.c (--change).
 */
#ifndef TINYDOCK_OCI_H
#define TINYDOCK_OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "json.h"
#include "sha256.h"

#define MEDIA_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MEDIA_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MEDIA_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MEDIA_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"
#define MEDIA_OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define MEDIA_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MEDIA_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MEDIA_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define MEDIA_DOCKER_LAYER "application/vnd.docker.image.rootfs.diff.tar"
#define MEDIA_DOCKER_LAYER_GZIP "application/vnd.docker.image.rootfs.diff.tar.gzip"

/* The tag of an index entry (annotations.md: "Name of the reference for a target"). */
#define ANNOTATION_REF_NAME "org.opencontainers.image.ref.name"
/* The full name, as containerd and Docker 25+ write it in index.json ("docker.io/library/busybox:latest"). */
#define ANNOTATION_IMAGE_NAME "io.containerd.image.name"

/* JSON documents larger than this are refused: a manifest or config is a few KiB. */
#define OCI_JSON_MAX (4u << 20)

struct oci_descriptor {
	char media_type[128];
	char digest[SHA256_DIGEST_SIZE];
	uint64_t size;
};

/* A layer as an image has it: the blob (maybe compressed) and its uncompressed diff_id. */
struct oci_layer {
	struct oci_descriptor blob;
	char diff_id[SHA256_DIGEST_SIZE];
};

/* A manifest read: config and layers (diff_ids filled from the config by oci_image_layers). */
struct oci_manifest {
	struct oci_descriptor config;
	struct oci_layer *layers; /* malloc'd */
	size_t layer_count;
};

/* {"mediaType":..., "digest":..., "size":...}; NULL when memory runs out. */
struct json *oci_descriptor_json(const struct oci_descriptor *d);

/* Read a descriptor: a digest that is sha256 and well-formed, a size that is a whole number. */
int oci_descriptor_parse(const struct json *node, struct oci_descriptor *d);

bool oci_is_manifest_type(const char *media_type);
bool oci_is_index_type(const char *media_type);
/* A layer media type we can unpack (tar or tar+gzip, OCI or Docker); *gzip says which. */
bool oci_is_layer_type(const char *media_type, bool *gzip);

/* A manifest for config and layers (schemaVersion 2, OCI media types). */
struct json *oci_manifest_json(const struct oci_descriptor *config, const struct oci_layer *layers, size_t count);

/* Parse and check a manifest (OCI or Docker v2 schema 2). Free with oci_manifest_free. */
int oci_manifest_parse(const struct json *manifest, struct oci_manifest *out);
void oci_manifest_free(struct oci_manifest *m);

/* Fill the layers' diff_ids from config's rootfs.diff_ids; -1 if their count differs. */
int oci_image_layers(const struct json *config, struct oci_manifest *m);

/* A fresh config: architecture and os of this machine, created, empty Config, no layers. */
struct json *oci_config_new(time_t created);

/* Append a layer's diff_id (or, with diff_id NULL, an empty-layer history entry only) and a
 * history entry {"created", "created_by", "comment", "empty_layer"}. */
int oci_config_add_layer(struct json *config, const char *diff_id, time_t created, const char *created_by,
			 const char *comment);

/* The Config object (made when missing). */
struct json *oci_config_settings(struct json *config);

/* The config's "created" as a time; 0 when absent or malformed. */
time_t oci_config_created(const struct json *config);

/* RFC 3339 in UTC, as the spec wants dates: "2026-11-28T16:01:58Z". */
void oci_time_format(time_t t, char *out, size_t size);
/* RFC 3339 back (fractions ignored, "Z" or "+hh:mm"); -1 when malformed. */
int oci_time_parse(const char *text, time_t *t);

/* "amd64", "arm64", ... : GOARCH names of this machine, as configs spell them. */
const char *oci_architecture(void);

#endif
