/*
 * registry-disk.c - where a registry keeps what is pushed to it: files, named by content.
 *
 * Lecture: "Docker Hub (for distributing containers)": repositories of tagged images. On
 * disk that is three kinds of things (registry-disk.h draws the tree):
 *
 *   blobs       layers, configs and manifests, stored once under their sha256, whoever
 *               pushed them; a file that never changes once it has its name
 *   links       per repository, which blobs and manifests it holds: pushing the same layer
 *               to two repositories stores it once and links it twice, and a mount
 *               (POST ?mount=&from=) is just a new link
 *   tags        per repository, a small file holding a manifest's digest; moving a tag is
 *               replacing that file (rename(2), atomic)
 *
 * Uploads in progress live in memory (one blob_writer of blob-store.h each: a file in
 * ROOT/ingest/ and a running hash), so a PATCH costs a write and a hash update, and the
 * closing PUT only compares two digests before the rename into blobs/. A registry that
 * restarts forgets its unfinished uploads and clears ingest/: clients start those again, as
 * they do after any error.
 *
 * Each upload holds a file descriptor and a slot in a table of MAX_UPLOADS, so a client must
 * not be able to take them all: one address holds at most uploads_per_client of them (more
 * are refused with 429 TOOMANYREQUESTS, the spec's answer to a client that asks too much),
 * and an upload nobody has touched for upload_idle_ms is dropped, file and descriptor, as
 * soon as a new one is started. Pushes touch their upload every few milliseconds; a client
 * that went away never will. A request that fails half way through its body (400) drops
 * its upload too: the bytes it did write cannot be told apart from the ones it did not.
 *
 * Every handler thread of the server calls in here at once: the upload table has a lock,
 * each upload its own (its bytes must go in order), and everything on disk is either
 * immutable (blobs) or replaced whole by rename (links, tags), so readers need no lock.
 *
 * Read next: registry-api.c, which calls these functions for each request.
 */
#include "registry-disk.h"
#include "blob-store.h"
#include "oci.h"
#include "error.h"
#include "explain.h"
#include "files.h"
#include "json.h"
#include "reference.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char CHAPTER[] = "05-images";

/* Uploads held at once; more are refused with 429 until some finish or expire. */
#define MAX_UPLOADS 256
/* The defaults of struct registry_disk_limits. */
#define UPLOADS_PER_CLIENT 32
#define UPLOAD_IDLE_MS (2 * 60 * 1000)
/* Repository names are at most 255 characters, so at most 128 components deep. */
#define MAX_NAME_DEPTH 128

struct upload {
	char id[REGISTRY_UPLOAD_ID_MAX + 1];
	char name[REGISTRY_NAME_MAX + 1];
	char client[64];            /* the address it came from */
	struct blob_writer *writer; /* NULL once finished or cancelled */
	pthread_mutex_t lock;  /* one request at a time writes an upload's bytes, in order */
	unsigned refs;         /* requests using it, plus one while it is in the table */
	int64_t last_used_ms;  /* CLOCK_MONOTONIC */
};

struct registry_disk {
	char root[PATH_MAX];
	struct registry_disk_limits limits;
	pthread_mutex_t lock; /* the upload table and refcounts */
	struct upload *uploads[MAX_UPLOADS];
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --- paths ----------------------------------------------------------------------------------- */

/* ROOT/repositories/<name>/<what>[/<leaf>] */
static int repo_path(const struct registry_disk *d, char *out, const char *name, const char *what, const char *leaf)
{
	int n = snprintf(out, PATH_MAX, "%s/repositories/%s/%s%s%s", d->root, name, what, leaf ? "/" : "", leaf ? leaf : "");
	if (n >= PATH_MAX)
		return fail_errno(ENAMETOOLONG, "path too long for repository \"%s\"", name);
	return 0;
}

static const char *hex_of(const char *digest)
{
	return digest + strlen("sha256:");
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static bool repo_exists(const struct registry_disk *d, const char *name)
{
	char path[PATH_MAX];
	return repo_path(d, path, name, "", NULL) == 0 && is_directory(path);
}

/* Write a small file whole, or not at all: a temporary file in ROOT/tmp, then rename(2) over
 * the final name, so a reader sees the old content or the new, never half of it. */
static int publish_file(const struct registry_disk *d, const char *path, const char *text)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	if (make_dirs(dir, 0755) < 0)
		return -1;
	uint8_t r[8];
	if (getrandom(r, sizeof(r), 0) != sizeof(r))
		return fail_sys("cannot make a temporary name");
	snprintf(tmp, sizeof(tmp), "%s/tmp/%02x%02x%02x%02x%02x%02x%02x%02x", d->root, r[0], r[1], r[2], r[3], r[4], r[5],
		 r[6], r[7]);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail_sys("cannot create \"%s\"", tmp);
	int rc = write_all(fd, text, strlen(text));
	if (rc == 0 && fsync(fd) < 0)
		rc = fail_sys("cannot flush \"%s\"", tmp);
	close(fd);
	if (rc == 0 && explain_result(CHAPTER, rename(tmp, path), "rename(\"%s\", \"%s\")", tmp, path) < 0)
		rc = fail_sys("cannot rename \"%s\" to \"%s\"", tmp, path);
	if (rc < 0)
		unlink(tmp);
	return rc;
}

/* --- blobs -------------------------------------------------------------------------------------- */

static int link_layer(struct registry_disk *d, const char *name, const char *digest)
{
	char path[PATH_MAX];
	if (repo_path(d, path, name, "_layers", hex_of(digest)) < 0)
		return -1;
	return exists(path) ? 0 : publish_file(d, path, "");
}

static int disk_blob_open(void *ctx, const char *name, const char *digest, int *fd, uint64_t *size)
{
	struct registry_disk *d = ctx;
	char path[PATH_MAX];
	if (repo_path(d, path, name, "_layers", hex_of(digest)) < 0)
		return -1;
	if (!exists(path))
		return REGISTRY_BLOB_UNKNOWN;
	if (blob_path(d->root, digest, path, sizeof(path)) < 0)
		return -1;
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return errno == ENOENT ? REGISTRY_BLOB_UNKNOWN : fail_sys("cannot open \"%s\"", path);
	struct stat st;
	if (fstat(*fd, &st) < 0) {
		fail_sys("cannot stat \"%s\"", path);
		close(*fd);
		return -1;
	}
	*size = (uint64_t)st.st_size;
	return 0;
}

/* Deleting a blob removes the repository's link; the bytes stay for the other repositories
 * that link them (a garbage collector, which Docker's registry runs offline, would free
 * blobs no one links). */
static int disk_blob_delete(void *ctx, const char *name, const char *digest)
{
	struct registry_disk *d = ctx;
	char path[PATH_MAX];
	if (repo_path(d, path, name, "_layers", hex_of(digest)) < 0)
		return -1;
	if (unlink(path) < 0)
		return errno == ENOENT ? REGISTRY_BLOB_UNKNOWN : fail_sys("cannot remove \"%s\"", path);
	return 0;
}

static int disk_blob_mount(void *ctx, const char *name, const char *digest, const char *from)
{
	struct registry_disk *d = ctx;
	char path[PATH_MAX];
	if (from[0]) {
		if (repo_path(d, path, from, "_layers", hex_of(digest)) < 0)
			return -1;
	} else if (blob_path(d->root, digest, path, sizeof(path)) < 0) {
		return -1;
	}
	if (!exists(path))
		return REGISTRY_BLOB_UNKNOWN;
	return link_layer(d, name, digest);
}

/* --- uploads ------------------------------------------------------------------------------------ */

static void upload_free(struct upload *u)
{
	blob_writer_abort(u->writer);
	pthread_mutex_destroy(&u->lock);
	free(u);
}

static void upload_unref_locked(struct upload *u)
{
	if (--u->refs == 0)
		upload_free(u);
}

static void upload_unref(struct registry_disk *d, struct upload *u)
{
	pthread_mutex_lock(&d->lock);
	upload_unref_locked(u);
	pthread_mutex_unlock(&d->lock);
}

/* Find an upload and hold a reference to it; remove takes it out of the table too. */
static struct upload *upload_get(struct registry_disk *d, const char *name, const char *id, bool remove)
{
	struct upload *found = NULL;
	pthread_mutex_lock(&d->lock);
	for (size_t i = 0; i < MAX_UPLOADS; i++) {
		struct upload *u = d->uploads[i];
		if (u && strcmp(u->id, id) == 0 && strcmp(u->name, name) == 0) {
			found = u;
			found->refs++;
			found->last_used_ms = now_ms();
			if (remove) {
				d->uploads[i] = NULL;
				upload_unref_locked(found); /* the table's reference */
			}
			break;
		}
	}
	pthread_mutex_unlock(&d->lock);
	return found;
}

static int disk_upload_start(void *ctx, const char *name, const char *client, char id[REGISTRY_UPLOAD_ID_MAX + 1])
{
	struct registry_disk *d = ctx;
	uint8_t r[16];
	if (getrandom(r, sizeof(r), 0) != sizeof(r))
		return fail_sys("cannot make an upload id");
	struct upload *u = calloc(1, sizeof(*u));
	if (!u)
		return fail_errno(ENOMEM, "cannot start an upload");
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(u->id + 2 * i, 3, "%02x", r[i]);
	snprintf(u->name, sizeof(u->name), "%s", name);
	snprintf(u->client, sizeof(u->client), "%s", client);
	pthread_mutex_init(&u->lock, NULL);
	u->refs = 1;
	u->last_used_ms = now_ms();

	/* Find room before making the file: a refused client costs no descriptor. */
	pthread_mutex_lock(&d->lock);
	size_t slot = MAX_UPLOADS;
	unsigned held = 0;
	for (size_t i = 0; i < MAX_UPLOADS; i++) {
		struct upload *old = d->uploads[i];
		/* refs == 1: only the table holds it, no request is using it right now */
		if (old && old->refs == 1 && u->last_used_ms - old->last_used_ms > d->limits.upload_idle_ms) {
			d->uploads[i] = NULL; /* abandoned: its client went away */
			upload_unref_locked(old);
		} else if (old && strcmp(old->client, u->client) == 0) {
			held++;
		}
		if (!d->uploads[i] && slot == MAX_UPLOADS)
			slot = i;
	}
	if (held >= d->limits.uploads_per_client)
		slot = MAX_UPLOADS;
	if (slot < MAX_UPLOADS)
		d->uploads[slot] = u; /* its id is known to no client yet: no request can find it */
	pthread_mutex_unlock(&d->lock);
	if (slot == MAX_UPLOADS) {
		upload_free(u);
		return REGISTRY_TOOMANYREQUESTS;
	}
	if (!(u->writer = blob_writer_new(d->root))) {
		pthread_mutex_lock(&d->lock);
		d->uploads[slot] = NULL;
		upload_unref_locked(u);
		pthread_mutex_unlock(&d->lock);
		return -1;
	}
	memcpy(id, u->id, sizeof(u->id));
	return 0;
}

static int disk_upload_size(void *ctx, const char *name, const char *id, uint64_t *size)
{
	struct registry_disk *d = ctx;
	struct upload *u = upload_get(d, name, id, false);
	if (!u)
		return REGISTRY_BLOB_UPLOAD_UNKNOWN;
	pthread_mutex_lock(&u->lock);
	*size = u->writer ? blob_writer_size(u->writer) : 0;
	pthread_mutex_unlock(&u->lock);
	upload_unref(d, u);
	return 0;
}

static int disk_upload_write(void *ctx, const char *name, const char *id, const void *data, size_t size)
{
	struct registry_disk *d = ctx;
	struct upload *u = upload_get(d, name, id, false);
	if (!u)
		return REGISTRY_BLOB_UPLOAD_UNKNOWN;
	pthread_mutex_lock(&u->lock);
	/* finished: a finish or cancel took it while this request waited for the lock */
	int rc = !u->writer ? REGISTRY_BLOB_UPLOAD_UNKNOWN : blob_writer_write(u->writer, data, size);
	pthread_mutex_unlock(&u->lock);
	upload_unref(d, u);
	return rc;
}

static int disk_upload_finish(void *ctx, const char *name, const char *id, const char *digest)
{
	struct registry_disk *d = ctx;
	struct upload *u = upload_get(d, name, id, true);
	if (!u)
		return REGISTRY_BLOB_UPLOAD_UNKNOWN;
	pthread_mutex_lock(&u->lock);
	/* commit fills got whatever happens, so a mismatch (the bytes are dropped) is told
	 * apart from a failing disk. */
	char got[SHA256_DIGEST_SIZE] = "";
	int rc = !u->writer ? REGISTRY_BLOB_UPLOAD_UNKNOWN : blob_writer_commit(u->writer, digest, got);
	u->writer = NULL;
	pthread_mutex_unlock(&u->lock);
	upload_unref(d, u);
	if (rc < 0 && got[0] && strcmp(got, digest) != 0)
		return REGISTRY_DIGEST_INVALID;
	if (rc != 0)
		return rc;
	return link_layer(d, name, digest);
}

static int disk_upload_cancel(void *ctx, const char *name, const char *id)
{
	struct registry_disk *d = ctx;
	struct upload *u = upload_get(d, name, id, true);
	if (!u)
		return REGISTRY_BLOB_UPLOAD_UNKNOWN;
	pthread_mutex_lock(&u->lock);
	blob_writer_abort(u->writer);
	u->writer = NULL;
	pthread_mutex_unlock(&u->lock);
	upload_unref(d, u);
	return 0;
}

size_t registry_disk_uploads(struct registry_disk *d)
{
	size_t count = 0;
	pthread_mutex_lock(&d->lock);
	for (size_t i = 0; i < MAX_UPLOADS; i++)
		count += d->uploads[i] != NULL;
	pthread_mutex_unlock(&d->lock);
	return count;
}

/* --- manifests ---------------------------------------------------------------------------------- */

static bool is_digest_reference(const char *reference)
{
	return strchr(reference, ':') != NULL;
}

/* The digest a tag or digest reference names in a repository: 0, MANIFEST_UNKNOWN, or -1. */
static int resolve(struct registry_disk *d, const char *name, const char *reference, char digest[SHA256_DIGEST_SIZE])
{
	char path[PATH_MAX];
	if (is_digest_reference(reference)) {
		snprintf(digest, SHA256_DIGEST_SIZE, "%s", reference);
	} else {
		if (repo_path(d, path, name, "_tags", reference) < 0)
			return -1;
		size_t size;
		char *text = read_file(path, &size);
		if (!text)
			return error_errno() == ENOENT ? REGISTRY_MANIFEST_UNKNOWN : -1;
		snprintf(digest, SHA256_DIGEST_SIZE, "%.*s", (int)strcspn(text, "\n"), text);
		free(text);
		if (!digest_valid(digest))
			return fail_errno(0, "tag file \"%s\" is corrupt", path);
	}
	if (repo_path(d, path, name, "_manifests", hex_of(digest)) < 0)
		return -1;
	return exists(path) ? 0 : REGISTRY_MANIFEST_UNKNOWN;
}

static int disk_manifest_get(void *ctx, const char *name, const char *reference, struct registry_manifest *out)
{
	struct registry_disk *d = ctx;
	if (!repo_exists(d, name))
		return REGISTRY_NAME_UNKNOWN;
	char digest[SHA256_DIGEST_SIZE], path[PATH_MAX];
	int rc = resolve(d, name, reference, digest);
	if (rc != 0)
		return rc;
	if (repo_path(d, path, name, "_manifests", hex_of(digest)) < 0)
		return -1;
	size_t size;
	char *type = read_file(path, &size);
	if (!type)
		return error_errno() == ENOENT ? REGISTRY_MANIFEST_UNKNOWN : -1;
	snprintf(out->media_type, sizeof(out->media_type), "%.*s", (int)strcspn(type, "\n"), type);
	free(type);
	if (blob_path(d->root, digest, path, sizeof(path)) < 0)
		return -1;
	out->body = read_file(path, &out->size);
	if (!out->body)
		return -1;
	snprintf(out->digest, sizeof(out->digest), "%s", digest);
	return 0;
}

/* A descriptor's digest is well formed and the repository holds it (a blob, or for an index
 * a manifest): 0, MANIFEST_INVALID or MANIFEST_BLOB_UNKNOWN. */
static int check_descriptor(struct registry_disk *d, const char *name, const struct json *desc, const char *what)
{
	const char *digest = json_get_string(desc, "digest");
	if (!digest || !digest_valid(digest))
		return REGISTRY_MANIFEST_INVALID;
	if (json_get(desc, "urls"))
		return 0; /* a foreign layer, fetched from its URLs, not from here (image-spec) */
	char path[PATH_MAX];
	if (repo_path(d, path, name, what, hex_of(digest)) < 0)
		return -1;
	return exists(path) ? 0 : REGISTRY_MANIFEST_BLOB_UNKNOWN;
}

/* A manifest refers only to what this repository has: its config and layers (an image
 * manifest), or its manifests (an index). Otherwise a pull of it would fail half way. */
static int check_manifest(struct registry_disk *d, const char *name, const char *body, size_t size, char *media_type,
			  size_t media_type_size)
{
	struct json *m = json_parse(body, size);
	if (!m || !json_is(m, JSON_OBJECT)) {
		json_free(m);
		return REGISTRY_MANIFEST_INVALID;
	}
	int64_t version = 0;
	int rc = json_int64(json_get(m, "schemaVersion"), &version) == 0 && version == 2 ? 0 : REGISTRY_MANIFEST_INVALID;
	/* No Content-Type: the manifest's own mediaType. With both, they must agree: the spec
	 * says so since CVE-2021-41190, where one document read as a manifest or as an index
	 * depending on the header it was served with. */
	const char *own = json_get_string(m, "mediaType");
	if (!media_type[0] && own)
		snprintf(media_type, media_type_size, "%s", own);
	if (!registry_manifest_type(media_type) || (own && strcmp(own, media_type) != 0))
		rc = REGISTRY_MANIFEST_INVALID;
	/* And the type says what shape the document has: an index lists manifests, an image
	 * manifest has a config. */
	bool index = strcmp(media_type, MEDIA_OCI_INDEX) == 0 || strcmp(media_type, MEDIA_DOCKER_LIST) == 0;
	struct json *config = json_get(m, "config");
	if (index ? !json_get(m, "manifests") || config : !config || json_get(m, "manifests"))
		rc = REGISTRY_MANIFEST_INVALID;
	if (rc == 0 && config)
		rc = check_descriptor(d, name, config, "_layers");
	json_for_each(layer, json_get(m, "layers"))
		if (rc == 0)
			rc = check_descriptor(d, name, layer, "_layers");
	json_for_each(child, json_get(m, "manifests"))
		if (rc == 0)
			rc = check_descriptor(d, name, child, "_manifests");
	json_free(m);
	return rc;
}

static int disk_manifest_put(void *ctx, const char *name, const char *reference, const char *content_type,
			     const void *body, size_t size, char digest[REGISTRY_REFERENCE_MAX + 1])
{
	struct registry_disk *d = ctx;
	char media_type[256];
	snprintf(media_type, sizeof(media_type), "%s", content_type);
	int rc = check_manifest(d, name, body, size, media_type, sizeof(media_type));
	if (rc != 0)
		return rc;
	/* The bytes are stored exactly as pushed: re-encoding them would change the digest. */
	const char *expected = is_digest_reference(reference) ? reference : NULL;
	char got[SHA256_DIGEST_SIZE] = "";
	if (blob_write(d->root, body, size, expected, got) < 0)
		return expected && got[0] && strcmp(got, expected) != 0 ? REGISTRY_DIGEST_INVALID : -1;
	snprintf(digest, REGISTRY_REFERENCE_MAX + 1, "%s", got);
	char path[PATH_MAX], line[300];
	snprintf(line, sizeof(line), "%s\n", media_type);
	if (repo_path(d, path, name, "_manifests", hex_of(got)) < 0 || publish_file(d, path, line) < 0)
		return -1;
	if (is_digest_reference(reference))
		return 0;
	snprintf(line, sizeof(line), "%s\n", got);
	if (repo_path(d, path, name, "_tags", reference) < 0 || publish_file(d, path, line) < 0)
		return -1;
	return 0;
}

/* Remove every tag of name that points at digest. */
static int untag_all(struct registry_disk *d, const char *name, const char *digest)
{
	char dir[PATH_MAX];
	if (repo_path(d, dir, name, "_tags", NULL) < 0)
		return -1;
	DIR *dh = opendir(dir);
	if (!dh)
		return errno == ENOENT ? 0 : fail_sys("cannot read \"%s\"", dir);
	struct dirent *e;
	while ((e = readdir(dh))) {
		if (e->d_name[0] == '.')
			continue;
		char target[SHA256_DIGEST_SIZE];
		if (resolve(d, name, e->d_name, target) == 0 && strcmp(target, digest) == 0)
			unlinkat(dirfd(dh), e->d_name, 0);
	}
	closedir(dh);
	return 0;
}

static int disk_manifest_delete(void *ctx, const char *name, const char *reference)
{
	struct registry_disk *d = ctx;
	char path[PATH_MAX];
	if (!is_digest_reference(reference)) {
		if (repo_path(d, path, name, "_tags", reference) < 0)
			return -1;
		if (unlink(path) < 0)
			return errno == ENOENT ? REGISTRY_MANIFEST_UNKNOWN : fail_sys("cannot remove \"%s\"", path);
		return 0;
	}
	if (untag_all(d, name, reference) < 0)
		return -1;
	if (repo_path(d, path, name, "_manifests", hex_of(reference)) < 0)
		return -1;
	if (unlink(path) < 0)
		return errno == ENOENT ? REGISTRY_MANIFEST_UNKNOWN : fail_sys("cannot remove \"%s\"", path);
	return 0;
}

/* --- listings ----------------------------------------------------------------------------------- */

struct names {
	char **items;
	size_t count, cap;
};

static int names_add(struct names *n, const char *s)
{
	if (n->count == n->cap) {
		size_t cap = n->cap ? 2 * n->cap : 16;
		char **bigger = realloc(n->items, cap * sizeof(*bigger));
		if (!bigger)
			return fail_errno(ENOMEM, "cannot list");
		n->items = bigger;
		n->cap = cap;
	}
	if (!(n->items[n->count] = strdup(s)))
		return fail_errno(ENOMEM, "cannot list");
	n->count++;
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort, then keep at most n names after last: the page the client asked for. */
static void page(struct names *all, const char *last, size_t n, struct registry_list *out)
{
	qsort(all->items, all->count, sizeof(*all->items), compare_names);
	size_t first = 0;
	while (first < all->count && last[0] && strcmp(all->items[first], last) <= 0)
		free(all->items[first++]);
	size_t keep = all->count - first < n ? all->count - first : n;
	for (size_t i = first + keep; i < all->count; i++)
		free(all->items[i]);
	memmove(all->items, all->items + first, keep * sizeof(*all->items));
	out->items = all->items;
	out->count = keep;
	out->more = first + keep < all->count;
	if (keep == 0) {
		free(all->items);
		out->items = NULL;
	}
}

static int disk_tags_list(void *ctx, const char *name, const char *last, size_t n, struct registry_list *out)
{
	struct registry_disk *d = ctx;
	if (!repo_exists(d, name))
		return REGISTRY_NAME_UNKNOWN;
	char dir[PATH_MAX];
	if (repo_path(d, dir, name, "_tags", NULL) < 0)
		return -1;
	struct names all = { 0 };
	DIR *dh = opendir(dir);
	if (!dh && errno != ENOENT)
		return fail_sys("cannot read \"%s\"", dir);
	struct dirent *e;
	int rc = 0;
	while (dh && rc == 0 && (e = readdir(dh)))
		if (e->d_name[0] != '.')
			rc = names_add(&all, e->d_name);
	if (dh)
		closedir(dh);
	if (rc < 0) {
		struct registry_list tmp = { .items = all.items, .count = all.count };
		registry_list_free(&tmp);
		return -1;
	}
	page(&all, last, n, out);
	return 0;
}

/* Walk repositories/ for folders that hold manifests: each is a repository, named by its path. */
static int collect_repositories(const char *dir, char *name, size_t len, int depth, struct names *all)
{
	DIR *dh = opendir(dir);
	if (!dh)
		return errno == ENOENT ? 0 : fail_sys("cannot read \"%s\"", dir);
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(dh))) {
		if (e->d_name[0] == '.')
			continue;
		if (strcmp(e->d_name, "_manifests") == 0 && len > 0) {
			name[len] = '\0';
			rc = names_add(all, name);
			continue;
		}
		if (e->d_name[0] == '_' || depth >= MAX_NAME_DEPTH || len + 1 + strlen(e->d_name) > REGISTRY_NAME_MAX)
			continue;
		char sub[PATH_MAX];
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name) >= sizeof(sub) || !is_directory(sub))
			continue;
		size_t at = len ? len + 1 : 0;
		if (len)
			name[len] = '/';
		strcpy(name + at, e->d_name);
		rc = collect_repositories(sub, name, at + strlen(e->d_name), depth + 1, all);
		name[len] = '\0';
	}
	closedir(dh);
	return rc;
}

static int disk_catalog(void *ctx, const char *last, size_t n, struct registry_list *out)
{
	struct registry_disk *d = ctx;
	char dir[PATH_MAX], name[REGISTRY_NAME_MAX + 2] = "";
	snprintf(dir, sizeof(dir), "%s/repositories", d->root);
	struct names all = { 0 };
	if (collect_repositories(dir, name, 0, 0, &all) < 0) {
		struct registry_list tmp = { .items = all.items, .count = all.count };
		registry_list_free(&tmp);
		return -1;
	}
	page(&all, last, n, out);
	return 0;
}

/* --- the store ---------------------------------------------------------------------------------- */

struct registry_disk *registry_disk_open(const char *root)
{
	struct registry_disk *d = calloc(1, sizeof(*d));
	if (!d) {
		fail_errno(ENOMEM, "cannot open the registry store");
		return NULL;
	}
	char tmp[PATH_MAX];
	if ((size_t)snprintf(d->root, sizeof(d->root), "%s", root) >= sizeof(d->root) - 64) {
		fail_errno(ENAMETOOLONG, "cannot use \"%s\" as the registry's root", root);
		free(d);
		return NULL;
	}
	snprintf(tmp, sizeof(tmp), "%s/tmp", root);
	/* Leftovers of a crash in tmp/ and ingest/ were never visible; clear them. */
	if ((is_directory(tmp) && remove_tree(tmp) < 0) || make_dirs(tmp, 0755) < 0 || blob_store_init(root) < 0 ||
	    blob_ingest_cleanup(root) < 0) {
		fail_context("cannot open the registry store in \"%s\"", root);
		free(d);
		return NULL;
	}
	pthread_mutex_init(&d->lock, NULL);
	registry_disk_set_limits(d, &(struct registry_disk_limits){ 0 });
	return d;
}

void registry_disk_close(struct registry_disk *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < MAX_UPLOADS; i++)
		if (d->uploads[i])
			upload_unref_locked(d->uploads[i]);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

void registry_disk_set_limits(struct registry_disk *d, const struct registry_disk_limits *limits)
{
	pthread_mutex_lock(&d->lock);
	d->limits.uploads_per_client = limits->uploads_per_client ? limits->uploads_per_client : UPLOADS_PER_CLIENT;
	d->limits.upload_idle_ms = limits->upload_idle_ms ? limits->upload_idle_ms : UPLOAD_IDLE_MS;
	pthread_mutex_unlock(&d->lock);
}

void registry_disk_bind(struct registry_disk *d, struct registry_store *store)
{
	*store = (struct registry_store){
		.ctx = d,
		.blob_open = disk_blob_open,
		.blob_delete = disk_blob_delete,
		.blob_mount = disk_blob_mount,
		.upload_start = disk_upload_start,
		.upload_size = disk_upload_size,
		.upload_write = disk_upload_write,
		.upload_finish = disk_upload_finish,
		.upload_cancel = disk_upload_cancel,
		.manifest_get = disk_manifest_get,
		.manifest_put = disk_manifest_put,
		.manifest_delete = disk_manifest_delete,
		.tags_list = disk_tags_list,
		.catalog = disk_catalog,
	};
}
