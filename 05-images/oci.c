/*
 * oci.c - building and reading manifests, configs and descriptors (see oci.h).
 *
 * Pure functions over json.h trees. A real image (busybox, as this chapter's README draws it):
 *
 *     index.json ──descriptor──▶ manifest ──config──▶ config {architecture, os, config{Cmd..},
 *                                    │                        rootfs{diff_ids[]}, history[]}
 *                                    └──layers[]──▶ layer blobs (tar or tar+gzip)
 *
 * The rules that matter when reading what others wrote (manifest.md, config.md):
 *   - schemaVersion is 2; a descriptor's digest is checked for form here and for content when
 *     the blob is read (blob-store.c);
 *   - layers are listed base first, and config.rootfs.diff_ids has one entry per layer, the
 *     digest of the layer *uncompressed*;
 *   - history entries with "empty_layer": true (ENV, CMD...) have no layer.
 *
 * Read next: image-config.c (changing Config: --change), image-store.c.
 */
#include "oci.h"
#include "error.h"
#include "reference.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

struct json *oci_descriptor_json(const struct oci_descriptor *d)
{
	struct json *o = json_new_object();
	if (!o || !json_add_string(o, "mediaType", d->media_type) || !json_add_string(o, "digest", d->digest) ||
	    !json_add_int(o, "size", (int64_t)d->size)) {
		json_free(o);
		return NULL;
	}
	return o;
}

int oci_descriptor_parse(const struct json *node, struct oci_descriptor *d)
{
	memset(d, 0, sizeof(*d));
	if (!json_is(node, JSON_OBJECT))
		return fail_errno(0, "a descriptor is not a JSON object");
	const char *media = json_get_string(node, "mediaType");
	const char *digest = json_get_string(node, "digest");
	int64_t size;
	if (!digest || !digest_valid(digest))
		return fail_errno(0, "descriptor: digest \"%s\" is not sha256:<64 hex digits>", digest ? digest : "");
	if (json_int64(json_get(node, "size"), &size) < 0 || size < 0)
		return fail_errno(0, "descriptor %s: no valid size", digest);
	snprintf(d->media_type, sizeof(d->media_type), "%s", media ? media : "");
	snprintf(d->digest, sizeof(d->digest), "%s", digest);
	d->size = (uint64_t)size;
	return 0;
}

bool oci_is_manifest_type(const char *media_type)
{
	return strcmp(media_type, MEDIA_OCI_MANIFEST) == 0 || strcmp(media_type, MEDIA_DOCKER_MANIFEST) == 0;
}

bool oci_is_index_type(const char *media_type)
{
	return strcmp(media_type, MEDIA_OCI_INDEX) == 0 || strcmp(media_type, MEDIA_DOCKER_LIST) == 0;
}

bool oci_is_layer_type(const char *media_type, bool *gzip)
{
	static const struct {
		const char *type;
		bool gzip;
	} known[] = {
		{ MEDIA_OCI_LAYER, false },        { MEDIA_OCI_LAYER_GZIP, true },
		{ MEDIA_DOCKER_LAYER, false },     { MEDIA_DOCKER_LAYER_GZIP, true },
		/* non-distributable ("foreign") layers are ordinary tarballs too */
		{ "application/vnd.oci.image.layer.nondistributable.v1.tar", false },
		{ "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", true },
		{ "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", true },
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(media_type, known[i].type) == 0) {
			if (gzip)
				*gzip = known[i].gzip;
			return true;
		}
	return false;
}

struct json *oci_manifest_json(const struct oci_descriptor *config, const struct oci_layer *layers, size_t count)
{
	struct json *m = json_new_object(), *list = NULL;
	if (!m || !json_add_int(m, "schemaVersion", 2) || !json_add_string(m, "mediaType", MEDIA_OCI_MANIFEST) ||
	    !json_add(m, "config", oci_descriptor_json(config)) || !(list = json_add(m, "layers", json_new_array())))
		goto fail;
	for (size_t i = 0; i < count; i++)
		if (!json_append(list, oci_descriptor_json(&layers[i].blob)))
			goto fail;
	return m;
fail:
	json_free(m);
	return NULL;
}

void oci_manifest_free(struct oci_manifest *m)
{
	free(m->layers);
	m->layers = NULL;
	m->layer_count = 0;
}

int oci_manifest_parse(const struct json *manifest, struct oci_manifest *out)
{
	memset(out, 0, sizeof(*out));
	int64_t version;
	if (!json_is(manifest, JSON_OBJECT))
		return fail_errno(0, "manifest: not a JSON object");
	if (json_int64(json_get(manifest, "schemaVersion"), &version) < 0 || version != 2)
		return fail_errno(0, "manifest: schemaVersion is not 2");
	const char *media = json_get_string(manifest, "mediaType");
	if (media && !oci_is_manifest_type(media))
		return fail_errno(0, "manifest: media type %s is not an image manifest", media);
	if (oci_descriptor_parse(json_get(manifest, "config"), &out->config) < 0)
		return fail_context("manifest: config");
	const struct json *layers = json_get(manifest, "layers");
	if (!json_is(layers, JSON_ARRAY))
		return fail_errno(0, "manifest: no layers array");
	out->layers = calloc(layers->count ? layers->count : 1, sizeof(*out->layers));
	if (!out->layers)
		return fail_sys("manifest");
	json_for_each(layer, layers) {
		struct oci_layer *l = &out->layers[out->layer_count];
		if (oci_descriptor_parse(layer, &l->blob) < 0) {
			fail_context("manifest: layer %zu", out->layer_count + 1);
			oci_manifest_free(out);
			return -1;
		}
		if (!oci_is_layer_type(l->blob.media_type, NULL)) {
			fail_errno(0, "manifest: layer %zu has media type \"%s\", not a tar layer", out->layer_count + 1,
				   l->blob.media_type);
			oci_manifest_free(out);
			return -1;
		}
		out->layer_count++;
	}
	return 0;
}

int oci_image_layers(const struct json *config, struct oci_manifest *m)
{
	const struct json *ids = json_pointer(config, "/rootfs/diff_ids");
	if (!json_is(ids, JSON_ARRAY))
		return fail_errno(0, "config: no rootfs.diff_ids");
	if (ids->count != m->layer_count)
		return fail_errno(0, "config lists %zu diff_ids for a manifest of %zu layers", ids->count,
				  m->layer_count);
	size_t i = 0;
	json_for_each(id, ids) {
		const char *text = json_string(id);
		if (!text || !digest_valid(text))
			return fail_errno(0, "config: diff_id %zu is not a sha256 digest", i + 1);
		snprintf(m->layers[i++].diff_id, SHA256_DIGEST_SIZE, "%s", text);
	}
	return 0;
}

const char *oci_architecture(void)
{
	static const struct {
		const char *machine, *goarch;
	} names[] = { { "x86_64", "amd64" },   { "aarch64", "arm64" }, { "i686", "386" },
		      { "armv7l", "arm" },      { "ppc64le", "ppc64le" }, { "s390x", "s390x" },
		      { "riscv64", "riscv64" } };
	static struct utsname u;
	if (uname(&u) < 0)
		return "amd64";
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(u.machine, names[i].machine) == 0)
			return names[i].goarch;
	return u.machine;
}

void oci_time_format(time_t t, char *out, size_t size)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int oci_time_parse(const char *text, time_t *t)
{
	struct tm tm = { 0 };
	const char *rest = text ? strptime(text, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	if (!rest)
		return fail_errno(0, "\"%s\" is not an RFC 3339 time", text ? text : "");
	if (*rest == '.')
		for (rest++; *rest >= '0' && *rest <= '9'; rest++)
			;
	long offset = 0;
	int hours, minutes;
	if (*rest == 'Z' || *rest == 'z') {
		rest++;
	} else if ((*rest == '+' || *rest == '-') && sscanf(rest + 1, "%2d:%2d", &hours, &minutes) == 2) {
		offset = (hours * 60L + minutes) * 60 * (*rest == '-' ? -1 : 1);
		rest += 6;
	} else {
		return fail_errno(0, "\"%s\" is not an RFC 3339 time (no time zone)", text);
	}
	if (*rest)
		return fail_errno(0, "\"%s\" is not an RFC 3339 time", text);
	*t = timegm(&tm) - offset;
	return 0;
}

struct json *oci_config_new(time_t created)
{
	char when[40];
	oci_time_format(created, when, sizeof(when));
	struct json *c = json_new_object(), *rootfs = NULL;
	if (!c || !json_add_string(c, "created", when) || !json_add_string(c, "architecture", oci_architecture()) ||
	    !json_add_string(c, "os", "linux") || !json_add(c, "config", json_new_object()) ||
	    !(rootfs = json_add(c, "rootfs", json_new_object())) || !json_add_string(rootfs, "type", "layers") ||
	    !json_add(rootfs, "diff_ids", json_new_array()) || !json_add(c, "history", json_new_array())) {
		json_free(c);
		return NULL;
	}
	return c;
}

struct json *oci_config_settings(struct json *config)
{
	struct json *settings = json_get(config, "config");
	if (json_is(settings, JSON_OBJECT))
		return settings;
	return json_set(config, "config", json_new_object());
}

int oci_config_add_layer(struct json *config, const char *diff_id, time_t created, const char *created_by,
			 const char *comment)
{
	char when[40];
	oci_time_format(created, when, sizeof(when));
	struct json *rootfs = json_get(config, "rootfs");
	if (!json_is(rootfs, JSON_OBJECT)) {
		if (!(rootfs = json_set(config, "rootfs", json_new_object())) || !json_add_string(rootfs, "type", "layers"))
			return -1;
	}
	struct json *ids = json_get(rootfs, "diff_ids");
	if (!json_is(ids, JSON_ARRAY) && !(ids = json_set(rootfs, "diff_ids", json_new_array())))
		return -1;
	struct json *history = json_get(config, "history");
	if (!json_is(history, JSON_ARRAY) && !(history = json_set(config, "history", json_new_array())))
		return -1;
	if (diff_id && !json_append(ids, json_new_string(diff_id)))
		return -1;
	struct json *entry = json_append(history, json_new_object());
	if (!entry || !json_add_string(entry, "created", when) ||
	    (created_by && !json_add_string(entry, "created_by", created_by)) ||
	    (comment && *comment && !json_add_string(entry, "comment", comment)) ||
	    (!diff_id && !json_add_bool(entry, "empty_layer", true)))
		return -1;
	return json_set(config, "created", json_new_string(when)) ? 0 : -1;
}

time_t oci_config_created(const struct json *config)
{
	time_t t = 0;
	const char *text = json_get_string(config, "created");
	if (!text || oci_time_parse(text, &t) < 0)
		return 0;
	return t;
}
