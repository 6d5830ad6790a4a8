/*
 * registry-transfer.c - push and pull of whole images: a manifest and every blob it names.
 *
 * An image is a manifest that lists a config and layers. Moving an image is
 * walking that list: on a push, every blob first (each skipped when the registry has it),
 * then the manifest, so that a registry never holds a manifest whose blobs are missing; on
 * a pull, the manifest first (for an index, the one for this machine's platform), then
 * every blob the local store lacks, and the manifest stored last, for the same reason.
 * The requests themselves are registry-client.c's.
 *
 * Read next: registry-commands.c (tinydock push and pull), which names the images.
 */
#include "registry-transfer.h"
#include "blob-store.h"
#include "error.h"
#include "json.h"
#include "reference.h"
#include "registry-store.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

/* A manifest list nests one level: an index of manifests. Deeper nesting is refused. */
#define MAX_MANIFEST_DEPTH 2

/* --- images ----------------------------------------------------------------------------------- */

static bool is_index(const struct json *manifest, const char *media_type)
{
	return strcmp(media_type, MEDIA_OCI_INDEX) == 0 || strcmp(media_type, MEDIA_DOCKER_LIST) == 0 ||
	       (!media_type[0] && json_get(manifest, "manifests"));
}

/* The media type a manifest says it has, or the OCI type of its shape. */
static const char *manifest_media_type(const struct json *manifest)
{
	const char *own = json_get_string(manifest, "mediaType");
	return own ? own : json_get(manifest, "manifests") ? MEDIA_OCI_INDEX : MEDIA_OCI_MANIFEST;
}

static int descriptor(const struct json *desc, const char **digest, uint64_t *size)
{
	*digest = json_get_string(desc, "digest");
	int64_t n = 0;
	if (!*digest || !digest_valid(*digest) || json_int64(json_get(desc, "size"), &n) < 0 || n < 0)
		return fail_errno(0, "a descriptor without a valid digest and size");
	*size = (uint64_t)n;
	return 0;
}

static int push_blob_from_store(struct registry_client *c, const char *root, const struct json *desc)
{
	const char *digest;
	uint64_t size, have;
	if (descriptor(desc, &digest, &size) < 0)
		return -1;
	int fd = blob_open(root, digest, &have);
	if (fd < 0)
		return fail_context("pushing");
	int rc = have == size ? registry_blob_push(c, digest, fd, size)
			      : fail_errno(0, "blob %s has %" PRIu64 " bytes, its descriptor says %" PRIu64, digest, have, size);
	close(fd);
	return rc < 0 ? -1 : 0;
}

static int push_manifest(struct registry_client *c, const char *root, const char *digest, const char *reference,
			 int depth)
{
	size_t size;
	char *body = blob_read(root, digest, REGISTRY_MANIFEST_MAX, &size);
	if (!body)
		return -1;
	struct json *m = json_parse(body, size);
	int rc = m ? 0 : fail_context("manifest %s", digest);
	if (rc == 0 && json_get(m, "manifests")) {
		if (depth >= MAX_MANIFEST_DEPTH)
			rc = fail_errno(0, "manifest %s: indexes nested too deep", digest);
		json_for_each(child, json_get(m, "manifests")) {
			const char *child_digest;
			uint64_t child_size;
			if (rc == 0 && descriptor(child, &child_digest, &child_size) == 0)
				rc = push_manifest(c, root, child_digest, child_digest, depth + 1);
			else if (rc == 0)
				rc = -1;
		}
	} else if (rc == 0) {
		rc = push_blob_from_store(c, root, json_get(m, "config"));
		json_for_each(layer, json_get(m, "layers"))
			if (rc == 0)
				rc = push_blob_from_store(c, root, layer);
	}
	char got[SHA256_DIGEST_SIZE];
	if (rc == 0)
		rc = registry_manifest_put(c, reference, manifest_media_type(m), body, size, got);
	json_free(m);
	free(body);
	return rc;
}

int registry_push_image(struct registry_client *c, const char *root, const char *manifest_digest, const char *tag)
{
	return push_manifest(c, root, manifest_digest, tag, 0);
}

/* This machine's platform in the OCI spelling (GOARCH values). */
static const char *platform_architecture(void)
{
	static __thread struct utsname u;
	if (uname(&u) < 0)
		return "amd64";
	if (strcmp(u.machine, "x86_64") == 0)
		return "amd64";
	if (strcmp(u.machine, "aarch64") == 0)
		return "arm64";
	if (strncmp(u.machine, "arm", 3) == 0)
		return "arm";
	return u.machine;
}

/* From an index, the digest of the manifest for linux and this architecture. */
static const char *pick_platform(const struct json *index)
{
	const char *arch = platform_architecture();
	json_for_each(child, json_get(index, "manifests")) {
		const struct json *platform = json_get(child, "platform");
		const char *os = json_get_string(platform, "os"), *a = json_get_string(platform, "architecture");
		if (os && a && strcmp(os, "linux") == 0 && strcmp(a, arch) == 0)
			return json_get_string(child, "digest");
	}
	return NULL;
}

static int pull_blob_into_store(struct registry_client *c, const char *root, const struct json *desc)
{
	const char *digest;
	uint64_t size;
	if (descriptor(desc, &digest, &size) < 0)
		return -1;
	if (blob_exists(root, digest)) {
		registry_progress_note(c, digest, "Already exists");
		return 0;
	}
	return registry_blob_pull(c, digest, size, root);
}

int registry_pull_image(struct registry_client *c, const char *root, const char *reference,
			char digest[SHA256_DIGEST_SIZE], uint64_t *size, char index_digest[SHA256_DIGEST_SIZE])
{
	char *body = NULL, media_type[256];
	size_t body_size;
	if (index_digest)
		index_digest[0] = '\0';
	if (registry_manifest_get(c, reference, &body, &body_size, media_type, digest) < 0)
		return -1;
	struct json *m = json_parse(body, body_size);
	if (m && is_index(m, media_type)) {
		/* An index: keep it (its digest is what the user may pin), then follow our platform. */
		const char *chosen = pick_platform(m);
		char child[SHA256_DIGEST_SIZE];
		snprintf(child, sizeof(child), "%s", chosen ? chosen : "");
		int rc = chosen ? blob_write(root, body, body_size, digest, NULL) : fail_errno(0, "%s: no manifest for linux/%s",
										reference, platform_architecture());
		if (index_digest)
			snprintf(index_digest, SHA256_DIGEST_SIZE, "%s", digest);
		json_free(m);
		free(body);
		m = NULL;
		body = NULL;
		if (rc < 0 || registry_manifest_get(c, child, &body, &body_size, media_type, digest) < 0)
			return -1;
		m = json_parse(body, body_size);
		if (m && is_index(m, media_type)) {
			json_free(m);
			free(body);
			return fail_errno(0, "%s: an index inside an index", reference);
		}
	}
	int rc = m ? 0 : fail_context("manifest %s", reference);
	if (rc == 0 && !json_get(m, "config"))
		rc = fail_errno(0, "manifest %s has no config (a schema 1 manifest?)", reference);
	if (rc == 0)
		rc = pull_blob_into_store(c, root, json_get(m, "config"));
	json_for_each(layer, json_get(m, "layers"))
		if (rc == 0)
			rc = pull_blob_into_store(c, root, layer);
	/* The manifest last: the store never holds a manifest whose blobs are missing. */
	if (rc == 0)
		rc = blob_write(root, body, body_size, digest, NULL);
	if (rc == 0)
		*size = body_size;
	json_free(m);
	free(body);
	return rc;
}
