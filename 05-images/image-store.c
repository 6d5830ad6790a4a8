/*
 * image-store.c - images in an OCI image layout: blobs, manifests, and tags in index.json.
 *
 * Lecture: "images identified by pairs repository:tag". Here a tag is one entry of index.json:
 * a descriptor of a manifest, with the name in annotations:
 *
 *     {"mediaType": "application/vnd.oci.image.manifest.v1+json",
 *      "digest": "sha256:9a1f...", "size": 402,
 *      "annotations": {"org.opencontainers.image.ref.name": "busybox:latest",
 *                      "io.containerd.image.name": "docker.io/library/busybox:latest"}}
 *
 * ref.name is what the OCI layout spec defines for naming (and what skopeo's oci:PATH:REF
 * matches); we store the familiar name there, so one layout can hold many repositories
 * (the spec allows ':' and '/' in it). The full canonical name goes beside it, under the key
 * containerd and Docker 25+ use, so an exported layout keeps the registry and repository.
 * An image with no name keeps an entry without annotations (a "dangling" <none> image).
 *
 * Locks. Readers take no lock: index.json is only ever replaced whole (write_file_atomic),
 * and blobs only ever appear whole (blob-store.c). Two locks order the writers (flock(2),
 * released by the kernel when a process dies, so a killed tinydock never leaves one held):
 *   index.lock  exclusive around read-modify-write of index.json, so two `tag`s never lose
 *               one another's entry;
 *   gc.lock     shared by every process adding content (load, import, commit, run unpacking
 *               layers), exclusive for prune: prune must not delete a blob that a load wrote
 *               a moment ago and has not named in index.json yet.
 *
 * Read next: image-layers.c (unpacking), image-gc.c (prune).
 */
#include "image-store.h"
#include "blob-store.h"
#include "error.h"
#include "explain.h"
#include "files.h"
#include "reference.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char CHAPTER[] = "05-images";

int image_store_open_at(struct image_store *s, const char *root)
{
	char path[PATH_MAX];
	s->gc_fd = -1;
	if ((size_t)snprintf(s->root, sizeof(s->root), "%s", root) >= sizeof(s->root))
		return fail_errno(ENAMETOOLONG, "image store \"%s\"", root);
	if (blob_store_init(root) < 0)
		return fail_context("image store");
	snprintf(path, sizeof(path), "%s/oci-layout", root);
	if (access(path, F_OK) < 0) {
		static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
		if (write_file_atomic(path, layout, sizeof(layout) - 1, 0644) < 0)
			return fail_context("image store");
	}
	snprintf(path, sizeof(path), "%s/index.json", root);
	if (access(path, F_OK) < 0) {
		/* Two processes may both create it: each writes the same empty index atomically. */
		static const char index[] = "{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_OCI_INDEX "\",\"manifests\":[]}";
		if (write_file_atomic(path, index, sizeof(index) - 1, 0644) < 0)
			return fail_context("image store");
	}
	return 0;
}

int image_store_open(struct image_store *s)
{
	return image_store_open_at(s, state_root());
}

void image_store_close(struct image_store *s)
{
	if (s->gc_fd >= 0)
		close(s->gc_fd);
	s->gc_fd = -1;
}

/* flock(2) a lock file in the store; returns the fd holding it. Bounded wait: a lock is held
 * for the length of one load at most, so ten minutes means something is stuck. */
static int store_lock(struct image_store *s, const char *name, int operation)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", s->root, name);
	int fd = take_lock_mode(path, operation, 600000);
	if (fd >= 0)
		explain(CHAPTER, "flock(\"%s\", %s) = 0", path, operation == LOCK_EX ? "LOCK_EX" : "LOCK_SH");
	return fd;
}

int image_store_hold(struct image_store *s)
{
	if (s->gc_fd >= 0)
		return 0;
	s->gc_fd = store_lock(s, "gc.lock", LOCK_SH);
	return s->gc_fd < 0 ? -1 : 0;
}

static struct json *read_index(struct image_store *s)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/index.json", s->root);
	struct json *index = json_parse_file(path);
	if (!index)
		return NULL;
	if (!json_is(json_get(index, "manifests"), JSON_ARRAY)) {
		fail_errno(0, "\"%s\" has no manifests array", path);
		json_free(index);
		return NULL;
	}
	return index;
}

int image_store_edit_index(struct image_store *s, int (*edit)(struct json *index, void *ctx), void *ctx)
{
	char path[PATH_MAX];
	int lock = store_lock(s, "index.lock", LOCK_EX);
	if (lock < 0)
		return -1;
	int rc = -1;
	char *text = NULL;
	struct json *index = read_index(s);
	if (!index || edit(index, ctx) < 0)
		goto out;
	size_t length;
	if (!(text = json_write(index, 2, &length)))
		goto out;
	snprintf(path, sizeof(path), "%s/index.json", s->root);
	rc = write_file_atomic(path, text, length, 0644);
	explain_result(CHAPTER, rc, "rename(\"%s.tmp.%d\", \"%s\") [index.json replaced whole]", path, (int)getpid(),
		       path);
out:
	free(text);
	json_free(index);
	close(lock); /* releases the flock */
	return rc;
}

static void entry_from_json(const struct json *e, struct image_entry *out)
{
	memset(out, 0, sizeof(*out));
	const struct json *annotations = json_get(e, "annotations");
	const char *name = json_get_string(annotations, ANNOTATION_REF_NAME);
	const char *full = json_get_string(annotations, ANNOTATION_IMAGE_NAME);
	char familiar[600], canonical[600];
	/* Prefer the full name (a layout written by Docker has only the tag in ref.name). */
	if (full && image_name_normalise(full, familiar, canonical) == 0)
		snprintf(out->name, sizeof(out->name), "%s", familiar);
	else if (name && strpbrk(name, ":/") && image_name_normalise(name, familiar, canonical) == 0)
		snprintf(out->name, sizeof(out->name), "%s", familiar);
	error_clear();
	snprintf(out->digest, sizeof(out->digest), "%s", json_get_string(e, "digest") ? json_get_string(e, "digest") : "");
	int64_t size = 0;
	json_int64(json_get(e, "size"), &size);
	out->size = (uint64_t)size;
}

int image_store_list(struct image_store *s, struct image_entry **entries, size_t *count)
{
	*entries = NULL;
	*count = 0;
	struct json *index = read_index(s);
	if (!index)
		return -1;
	const struct json *manifests = json_get(index, "manifests");
	*entries = calloc(manifests->count + 1, sizeof(**entries));
	if (!*entries) {
		json_free(index);
		return fail_sys("index.json");
	}
	json_for_each(e, manifests) {
		const char *media = json_get_string(e, "mediaType");
		if (media && !oci_is_manifest_type(media))
			continue; /* an index of several platforms: not something we run */
		entry_from_json(e, &(*entries)[*count]);
		if (digest_valid((*entries)[*count].digest))
			(*count)++;
	}
	json_free(index);
	return 0;
}

int image_name_normalise(const char *text, char familiar[600], char canonical[600])
{
	struct image_reference ref;
	if (reference_parse(text, &ref) < 0)
		return -1;
	if (!ref.tag[0])
		return fail_errno(0, "\"%s\": a name needs a tag, not only a digest", text);
	ref.digest[0] = '\0';
	reference_familiar(&ref, familiar, 600);
	reference_canonical(&ref, canonical, 600);
	return 0;
}

void image_free(struct image *img)
{
	json_free(img->manifest);
	json_free(img->config);
	oci_manifest_free(&img->parts);
	memset(img, 0, sizeof(*img));
}

int image_read(struct image_store *s, const char *digest, struct image *img)
{
	memset(img, 0, sizeof(*img));
	size_t size;
	char *text = blob_read(s->root, digest, OCI_JSON_MAX, &size);
	if (!text)
		return fail_context("image %s: manifest", digest);
	img->manifest = json_parse(text, size);
	free(text);
	snprintf(img->digest, sizeof(img->digest), "%s", digest);
	img->manifest_size = size;
	if (!img->manifest || oci_manifest_parse(img->manifest, &img->parts) < 0)
		goto fail;
	snprintf(img->id, sizeof(img->id), "%s", img->parts.config.digest);
	if (!(text = blob_read(s->root, img->id, OCI_JSON_MAX, &size)))
		goto fail;
	img->config = json_parse(text, size);
	free(text);
	if (!img->config || oci_image_layers(img->config, &img->parts) < 0)
		goto fail;
	return 0;
fail:
	fail_context("image %s", digest);
	image_free(img);
	return -1;
}

/* Docker's words; errno stays ENOENT so a caller (the busybox fallback, rmi -f) can tell. */
static int no_such_image(const char *name)
{
	fail_errno(0, "No such image: %s", name);
	errno = ENOENT;
	return -1;
}

static bool is_hex(const char *s)
{
	return *s && strspn(s, "0123456789abcdef") == strlen(s);
}

int image_resolve(struct image_store *s, const char *name, struct image *img)
{
	struct image_entry *entries;
	size_t count;
	if (image_store_list(s, &entries, &count) < 0)
		return -1;
	char found[SHA256_DIGEST_SIZE] = "";
	struct image_reference ref;
	bool is_ref = reference_parse(name, &ref) == 0;
	error_clear();
	if (is_ref && ref.digest[0]) { /* name@sha256:...: the manifest itself */
		for (size_t i = 0; i < count && !found[0]; i++)
			if (strcmp(entries[i].digest, ref.digest) == 0)
				snprintf(found, sizeof(found), "%s", ref.digest);
	} else if (is_ref) {
		char familiar[600];
		reference_familiar(&ref, familiar, sizeof(familiar));
		for (size_t i = 0; i < count && !found[0]; i++)
			if (strcmp(entries[i].name, familiar) == 0)
				snprintf(found, sizeof(found), "%s", entries[i].digest);
	}
	/* An image ID, or a prefix of one, as `docker images` shows them (12 hex digits). */
	const char *hex = strncmp(name, "sha256:", 7) == 0 ? name + 7 : name;
	int matches = 0;
	if (!found[0] && is_hex(hex) && strlen(hex) <= 64) {
		char last_manifest[SHA256_DIGEST_SIZE] = "", last_id[SHA256_DIGEST_SIZE] = "";
		for (size_t i = 0; i < count; i++) {
			struct image candidate;
			if (image_read(s, entries[i].digest, &candidate) < 0) {
				error_clear();
				continue;
			}
			if (strncmp(candidate.id + 7, hex, strlen(hex)) == 0 && strcmp(candidate.id, last_id) != 0) {
				matches++;
				snprintf(last_id, sizeof(last_id), "%s", candidate.id);
				snprintf(last_manifest, sizeof(last_manifest), "%s", candidate.digest);
			}
			image_free(&candidate);
		}
		if (matches == 1)
			snprintf(found, sizeof(found), "%s", last_manifest);
	}
	free(entries);
	if (matches > 1)
		return fail_errno(0, "image ID prefix \"%s\" is ambiguous: %d images match", name, matches);
	if (!found[0])
		return no_such_image(name);
	return image_read(s, found, img);
}

int image_store_put(struct image_store *s, const struct json *config, const struct oci_layer *layers, size_t count,
		    char digest[SHA256_DIGEST_SIZE], uint64_t *size)
{
	size_t length;
	int rc = -1;
	struct oci_descriptor config_desc = { .media_type = MEDIA_OCI_CONFIG };
	struct json *manifest = NULL;
	char *manifest_text = NULL, *text = json_write(config, 0, &length);
	if (!text || blob_write(s->root, text, length, NULL, config_desc.digest) < 0)
		goto out;
	config_desc.size = length;
	if (!(manifest = oci_manifest_json(&config_desc, layers, count)) ||
	    !(manifest_text = json_write(manifest, 0, &length)) ||
	    blob_write(s->root, manifest_text, length, NULL, digest) < 0)
		goto out;
	*size = length;
	rc = 0;
out:
	free(text);
	free(manifest_text);
	json_free(manifest);
	return rc < 0 ? fail_context("cannot store the image") : 0;
}

struct tag_edit {
	const char *familiar, *canonical; /* NULL: add untagged */
	const char *digest;
	uint64_t size;
	char removed[SHA256_DIGEST_SIZE];
	bool found;
};

static bool entry_named(const struct json *e, const char *familiar)
{
	struct image_entry entry;
	entry_from_json(e, &entry);
	return strcmp(entry.name, familiar) == 0;
}

static int count_entries(const struct json *index, const char *digest)
{
	int n = 0;
	json_for_each(e, json_get(index, "manifests")) {
		const char *d = json_get_string(e, "digest");
		if (d && strcmp(d, digest) == 0)
			n++;
	}
	return n;
}

static struct json *new_entry(const char *digest, uint64_t size, const char *familiar, const char *canonical)
{
	struct oci_descriptor d = { .media_type = MEDIA_OCI_MANIFEST, .size = size };
	snprintf(d.digest, sizeof(d.digest), "%s", digest);
	struct json *e = oci_descriptor_json(&d), *annotations;
	if (e && familiar &&
	    (!(annotations = json_add(e, "annotations", json_new_object())) ||
	     !json_add_string(annotations, ANNOTATION_IMAGE_NAME, canonical) ||
	     !json_add_string(annotations, ANNOTATION_REF_NAME, familiar))) {
		json_free(e);
		return NULL;
	}
	return e;
}

/* Remove entry e (a member of manifests); keep its image as an untagged entry if that was its
 * last name, as Docker keeps a <none> image when a tag moves away from it. */
static int drop_entry(struct json *manifests, struct json *victim, bool keep_dangling)
{
	char digest[SHA256_DIGEST_SIZE];
	int64_t size = 0;
	snprintf(digest, sizeof(digest), "%s", json_get_string(victim, "digest") ? json_get_string(victim, "digest") : "");
	json_int64(json_get(victim, "size"), &size);
	/* unlink victim from the array */
	struct json **link = &manifests->first, *prev = NULL;
	while (*link && *link != victim) {
		prev = *link;
		link = &(*link)->next;
	}
	if (!*link)
		return 0;
	*link = victim->next;
	if (manifests->last == victim)
		manifests->last = prev;
	manifests->count--;
	victim->next = NULL;
	json_free(victim);
	if (keep_dangling && digest_valid(digest)) {
		bool still = false;
		json_for_each(e, manifests)
			if (json_get_string(e, "digest") && strcmp(json_get_string(e, "digest"), digest) == 0)
				still = true;
		if (!still && !json_append(manifests, new_entry(digest, (uint64_t)size, NULL, NULL)))
			return -1;
	}
	return 0;
}

static int tag_index(struct json *index, void *ctx)
{
	struct tag_edit *t = ctx;
	struct json *manifests = json_get(index, "manifests");
	if (!t->familiar) {
		if (count_entries(index, t->digest) > 0)
			return 0;
		return json_append(manifests, new_entry(t->digest, t->size, NULL, NULL)) ? 0 : -1;
	}
	json_for_each(e, manifests)
		if (entry_named(e, t->familiar)) {
			const char *d = json_get_string(e, "digest");
			if (d && strcmp(d, t->digest) == 0)
				return 0; /* already so */
			if (drop_entry(manifests, e, true) < 0)
				return -1;
			break;
		}
	/* the image's untagged entry, if any, gives way to the name */
	json_for_each(e, manifests) {
		const char *d = json_get_string(e, "digest");
		if (d && strcmp(d, t->digest) == 0 && !json_get(e, "annotations")) {
			drop_entry(manifests, e, false);
			break;
		}
	}
	return json_append(manifests, new_entry(t->digest, t->size, t->familiar, t->canonical)) ? 0 : -1;
}

int image_store_tag(struct image_store *s, const char *name, const char *digest, uint64_t size)
{
	char familiar[600], canonical[600];
	struct tag_edit t = { .digest = digest, .size = size };
	if (name) {
		if (image_name_normalise(name, familiar, canonical) < 0)
			return -1;
		t.familiar = familiar;
		t.canonical = canonical;
	}
	return image_store_edit_index(s, tag_index, &t);
}

static int untag_index(struct json *index, void *ctx)
{
	struct tag_edit *t = ctx;
	struct json *manifests = json_get(index, "manifests");
	json_for_each(e, manifests)
		if (entry_named(e, t->familiar)) {
			snprintf(t->removed, sizeof(t->removed), "%s", json_get_string(e, "digest"));
			t->found = true;
			return drop_entry(manifests, e, false);
		}
	return 0;
}

int image_store_untag(struct image_store *s, const char *name, char removed[SHA256_DIGEST_SIZE])
{
	char familiar[600], canonical[600];
	if (image_name_normalise(name, familiar, canonical) < 0)
		return -1;
	struct tag_edit t = { .familiar = familiar, .canonical = canonical };
	if (image_store_edit_index(s, untag_index, &t) < 0)
		return -1;
	if (!t.found)
		return no_such_image(name);
	if (removed)
		snprintf(removed, SHA256_DIGEST_SIZE, "%s", t.removed);
	return 0;
}

static int forget_index(struct json *index, void *ctx)
{
	const char *digest = ctx;
	struct json *manifests = json_get(index, "manifests");
	for (bool again = true; again;) {
		again = false;
		json_for_each(e, manifests) {
			const char *d = json_get_string(e, "digest");
			if (d && strcmp(d, digest) == 0) {
				drop_entry(manifests, e, false);
				again = true;
				break;
			}
		}
	}
	return 0;
}

int image_store_forget(struct image_store *s, const char *digest)
{
	return image_store_edit_index(s, forget_index, (void *)digest);
}

int image_store_names(struct image_store *s, const char *digest, char (**names)[600], size_t *count)
{
	struct image_entry *entries;
	size_t n;
	*names = NULL;
	*count = 0;
	if (image_store_list(s, &entries, &n) < 0)
		return -1;
	*names = calloc(n + 1, sizeof(**names));
	if (!*names) {
		free(entries);
		return fail_sys("names");
	}
	for (size_t i = 0; i < n; i++)
		if (entries[i].name[0] && strcmp(entries[i].digest, digest) == 0)
			snprintf((*names)[(*count)++], 600, "%s", entries[i].name);
	free(entries);
	return 0;
}

bool image_in_use(struct image_store *s, const struct image *img, char who[65])
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/containers", s->root);
	DIR *dir = opendir(path);
	if (!dir)
		return false;
	bool used = false;
	for (struct dirent *e; !used && (e = readdir(dir));) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/containers/%s/config.json", s->root, e->d_name);
		struct json *config = json_parse_file(path);
		if (!config)
			continue;
		/* Docker's container record: "Image" is the image ID; "Config.Image" the name the
		 * user gave (which we resolve: a tag may have moved since, the ID has not). */
		const char *id = json_get_string(config, "Image");
		const char *name = json_pointer(config, "/Config/Image") ? json_string(json_pointer(config, "/Config/Image")) : NULL;
		if (id && (strcmp(id, img->id) == 0 || strcmp(id, img->digest) == 0)) {
			used = true;
		} else if (name && *name && *name != '/') {
			struct image other;
			if (image_resolve(s, name, &other) == 0) {
				used = strcmp(other.id, img->id) == 0;
				image_free(&other);
			}
		}
		if (used)
			snprintf(who, 65, "%s", e->d_name);
		json_free(config);
	}
	closedir(dir);
	error_clear();
	return used;
}
