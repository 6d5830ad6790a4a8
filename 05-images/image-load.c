/*
 * image-load.c - `load`: images from an archive (or an OCI layout folder) into the store.
 *
 * The three forms (image-save.c draws them): legacy `docker save` (manifest.json, <hex>.json
 * configs, <id>/layer.tar and their symlinks; skopeo writes <hex>.tar), OCI image layouts (a
 * folder or a tar: oci-layout, index.json, blobs/sha256/), and Docker 25+'s, which is both.
 * The archive, or any layer, may be gzip-compressed.
 *
 * One pass over the archive: each blob goes straight into the store, hashed as it streams and
 * refused unless it matches its name (blob-store.c); small metadata files stay in memory; a
 * legacy layer.tar, whose name says nothing, is stored and then checked against its config's
 * diff_id. Names reach index.json last, image by image, after all of an image's blobs are in
 * place and verified: a load that is killed leaves only unnamed blobs, which `image prune`
 * removes.
 *
 * Read next: the registry (registry-api.c), which moves the same blobs over HTTP.
 */
#include "image-commands.h"
#include "blob-store.h"
#include "cli.h"
#include "error.h"
#include "files.h"
#include "gzip.h"
#include "maybe-gzip.h"
#include "image-layers.h"
#include "image-store.h"
#include "reference.h"
#include "tar.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What an archive held besides blobs: its small files, and where its legacy layers went. */
struct archive_file {
	char *path;
	char *data;                        /* small metadata files (JSON), else NULL */
	size_t size;
	char digest[SHA256_DIGEST_SIZE];   /* a file stored as a blob (layer.tar, <hex>.json) */
	char *link;                        /* a symlink's target, resolved against its folder */
};

struct archive {
	struct archive_file *files;
	size_t count, capacity;
};

static void archive_free(struct archive *a)
{
	for (size_t i = 0; i < a->count; i++) {
		free(a->files[i].path);
		free(a->files[i].data);
		free(a->files[i].link);
	}
	free(a->files);
}

static struct archive_file *archive_add(struct archive *a, const char *path)
{
	if (a->count == a->capacity) {
		size_t capacity = a->capacity ? a->capacity * 2 : 32;
		void *files = realloc(a->files, capacity * sizeof(*a->files));
		if (!files)
			return fail_sys("load"), NULL;
		a->files = files;
		a->capacity = capacity;
	}
	struct archive_file *f = &a->files[a->count];
	memset(f, 0, sizeof(*f));
	/* "./manifest.json" and "manifest.json" are the same file */
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	if (!(f->path = strdup(path)))
		return fail_sys("load"), NULL;
	a->count++;
	return f;
}

/* A file by path, symlinks followed (legacy archives link duplicate layer.tar files). */
static struct archive_file *archive_find(struct archive *a, const char *path)
{
	char want[PATH_MAX];
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	snprintf(want, sizeof(want), "%s", path);
	for (int hops = 0; hops < 8; hops++) {
		struct archive_file *found = NULL;
		for (size_t i = 0; i < a->count && !found; i++)
			if (strcmp(a->files[i].path, want) == 0)
				found = &a->files[i];
		if (!found || !found->link)
			return found;
		snprintf(want, sizeof(want), "%s", found->link);
	}
	return NULL;
}

/* "a/b/layer.tar" -> "../c/layer.tar" gives "a/c/layer.tar". */
static char *resolve_link(const char *path, const char *target)
{
	char buf[PATH_MAX];
	const char *slash = strrchr(path, '/');
	snprintf(buf, sizeof(buf), "%.*s%s", slash ? (int)(slash - path + 1) : 0, path, target);
	/* fold "x/../" */
	char *parts[64];
	int n = 0;
	for (char *save = NULL, *p = strtok_r(buf, "/", &save); p && n < 64; p = strtok_r(NULL, "/", &save)) {
		if (strcmp(p, ".") == 0)
			continue;
		if (strcmp(p, "..") == 0) {
			if (n > 0)
				n--;
			continue;
		}
		parts[n++] = p;
	}
	char out[PATH_MAX] = "";
	for (int i = 0; i < n; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s", i ? "/" : "", parts[i]);
	return strdup(out);
}

static bool blob_path_hex(const char *path, char digest[SHA256_DIGEST_SIZE])
{
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	if (strncmp(path, "blobs/sha256/", 13) != 0)
		return false;
	snprintf(digest, SHA256_DIGEST_SIZE, "sha256:%s", path + 13);
	return digest_valid(digest);
}

/* Legacy configs are "<64 hex>.json" at the top: named by their digest, so verifiable. */
static bool legacy_config_hex(const char *path, char digest[SHA256_DIGEST_SIZE])
{
	if (strlen(path) != 69 || strcmp(path + 64, ".json") != 0)
		return false;
	snprintf(digest, SHA256_DIGEST_SIZE, "sha256:%.64s", path);
	return digest_valid(digest);
}

/* Small files read into memory: top-level ones that are no tarball, and the legacy
 * per-layer "<id>/json" and "<id>/VERSION". */
static bool is_metadata(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t len = strlen(path);
	if (!strchr(path, '/'))
		return !(len > 4 && (strcmp(path + len - 4, ".tar") == 0 || strcmp(path + len - 3, ".gz") == 0));
	return strcmp(base, "json") == 0 || strcmp(base, "VERSION") == 0;
}

struct entry_reader {
	struct tar_reader *tar;
};

static ssize_t entry_read(void *ctx, void *buf, size_t size)
{
	return tar_reader_read(((struct entry_reader *)ctx)->tar, buf, size);
}

static int store_entry(struct image_store *s, struct tar_reader *tar, const char *expected, char digest[SHA256_DIGEST_SIZE])
{
	struct blob_writer *w = blob_writer_new(s->root);
	if (!w)
		return -1;
	static __thread char buf[1 << 16];
	ssize_t n;
	while ((n = tar_reader_read(tar, buf, sizeof(buf))) > 0)
		if (blob_writer_write(w, buf, (size_t)n) < 0) {
			blob_writer_abort(w);
			return -1;
		}
	if (n < 0) {
		blob_writer_abort(w);
		return -1;
	}
	return blob_writer_commit(w, expected, digest);
}

/* Read the whole archive once: blobs into the store (verified by name), small files kept. */
static int read_archive(struct image_store *s, tar_read_fn read, void *ctx, const char *name, struct archive *a)
{
	struct tar_reader *tar = tar_reader_new(read, ctx, name);
	if (!tar)
		return -1;
	const struct tar_entry *e;
	int more, rc = -1;
	while ((more = tar_reader_next(tar, &e)) > 0) {
		char expected[SHA256_DIGEST_SIZE];
		if (e->type == TAR_DIRECTORY)
			continue;
		struct archive_file *f = archive_add(a, e->path);
		if (!f)
			goto out;
		if (e->type == TAR_SYMLINK || e->type == TAR_HARDLINK) {
			/* symlinks are relative to their folder; hard link names are archive paths */
			if (!(f->link = e->type == TAR_SYMLINK ? resolve_link(f->path, e->linkname) : strdup(e->linkname)))
				goto out;
			continue;
		}
		if (e->type != TAR_REGULAR)
			continue;
		if (blob_path_hex(f->path, expected) || legacy_config_hex(f->path, expected)) {
			if (store_entry(s, tar, expected, f->digest) < 0) {
				fail_context("%s: %s", name, f->path);
				goto out;
			}
		} else if (is_metadata(f->path) && e->size <= OCI_JSON_MAX) {
			if (!(f->data = malloc(e->size + 1)))
				goto out;
			size_t got = 0;
			struct entry_reader r = { tar };
			for (ssize_t n; got < e->size && (n = entry_read(&r, f->data + got, e->size - got)) > 0;)
				got += (size_t)n;
			if (got != e->size)
				goto out;
			f->data[got] = '\0';
			f->size = got;
		} else if (store_entry(s, tar, NULL, f->digest) < 0) {
			/* a layer under another name ("<id>/layer.tar", skopeo's "<hex>.tar"):
			 * verified later, against the config's diff_ids */
			goto out;
		}
	}
	rc = more < 0 ? -1 : 0;
out:
	tar_reader_free(tar);
	return rc;
}

/* An OCI layout folder: every blob copied in (verified), the JSON files read. */
static int read_folder(struct image_store *s, const char *dir, struct archive *a)
{
	char path[PATH_MAX];
	static const char *const files[] = { "index.json", "oci-layout", "manifest.json", "repositories" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (access(path, F_OK) < 0)
			continue;
		struct archive_file *f = archive_add(a, files[i]);
		if (!f || !(f->data = read_file(path, &f->size)))
			return -1;
	}
	snprintf(path, sizeof(path), "%s/blobs/sha256", dir);
	DIR *d = opendir(path);
	if (!d)
		return fail_sys("\"%s\" is not an OCI image layout", dir);
	int rc = 0;
	for (struct dirent *e; rc == 0 && (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		char rel[128], expected[SHA256_DIGEST_SIZE];
		snprintf(rel, sizeof(rel), "blobs/sha256/%.64s", e->d_name);
		if (!blob_path_hex(rel, expected))
			continue;
		struct archive_file *f = archive_add(a, rel);
		int fd = f ? openat(dirfd(d), e->d_name, O_RDONLY | O_CLOEXEC) : -1;
		if (fd < 0)
			rc = fail_sys("cannot open \"%s/%s\"", path, e->d_name);
		else if ((rc = blob_write_fd(s->root, fd, expected, f->digest)) < 0)
			fail_context("%s/%s", path, e->d_name);
		if (fd >= 0)
			close(fd);
	}
	closedir(d);
	return rc;
}

static const char *archive_text(struct archive *a, const char *path, size_t *size)
{
	struct archive_file *f = archive_find(a, path);
	if (!f || !f->data)
		return NULL;
	*size = f->size;
	return f->data;
}

/* Check that a manifest's blobs are all present with their announced sizes, and that each
 * layer's tar hashes to the diff_id its config lists. */
static int verify_image(struct image_store *s, struct image *img)
{
	for (size_t i = 0; i < img->parts.layer_count; i++) {
		struct oci_layer *l = &img->parts.layers[i];
		uint64_t size;
		int fd = blob_open(s->root, l->blob.digest, &size);
		if (fd < 0)
			return fail_context("layer %zu is missing from the archive", i + 1);
		close(fd);
		if (size != l->blob.size)
			return fail_errno(0, "layer %s is %llu bytes, the manifest says %llu", l->blob.digest,
					  (unsigned long long)size, (unsigned long long)l->blob.size);
		if (strcmp(l->blob.digest, l->diff_id) == 0)
			continue; /* uncompressed: the blob's own verified digest is the diff_id */
		char diff_id[SHA256_DIGEST_SIZE];
		if (image_layer_diff_id(s, l->blob.digest, diff_id) < 0)
			return -1;
		if (strcmp(diff_id, l->diff_id) != 0)
			return fail_errno(0, "layer %s: its tar hashes to %s, the config says %s", l->blob.digest, diff_id,
					  l->diff_id);
	}
	return 0;
}

static int name_image(struct image_store *s, struct image *img, const char *name, int *loaded)
{
	if (image_store_tag(s, name, img->digest, img->manifest_size) < 0)
		return -1;
	if (name) {
		char familiar[600], canonical[600];
		image_name_normalise(name, familiar, canonical);
		printf("Loaded image: %s\n", familiar);
	} else {
		printf("Loaded image ID: %s\n", img->id);
	}
	(*loaded)++;
	return 0;
}

/* Pick the manifest of our platform out of an image index (a multi-platform image). */
static int pick_platform(struct image_store *s, const char *index_digest, struct oci_descriptor *out)
{
	char *text = blob_read(s->root, index_digest, OCI_JSON_MAX, NULL);
	struct json *index = text ? json_parse(text, strlen(text)) : NULL;
	free(text);
	int rc = fail_errno(0, "image index %s has no manifest for linux/%s", index_digest, oci_architecture());
	json_for_each(m, json_get(index, "manifests")) {
		const char *os = json_get_string(json_get(m, "platform"), "os");
		const char *arch = json_get_string(json_get(m, "platform"), "architecture");
		if (os && arch && strcmp(os, "linux") == 0 && strcmp(arch, oci_architecture()) == 0 &&
		    oci_descriptor_parse(m, out) == 0) {
			error_clear();
			rc = 0;
			break;
		}
	}
	json_free(index);
	return rc;
}

/* The OCI way: index.json names manifests (Docker 25+, skopeo, our own save). */
static int load_index(struct image_store *s, struct archive *a, const char *text, size_t size, int *loaded)
{
	struct json *index = json_parse(text, size), *docker = NULL;
	if (!index)
		return fail_context("index.json");
	size_t docker_size;
	const char *docker_text = archive_text(a, "manifest.json", &docker_size);
	if (docker_text)
		docker = json_parse(docker_text, docker_size);
	error_clear();
	int rc = 0;
	json_for_each(m, json_get(index, "manifests")) {
		struct oci_descriptor d;
		struct image img;
		if (oci_descriptor_parse(m, &d) < 0 ||
		    (oci_is_index_type(d.media_type) && pick_platform(s, d.digest, &d) < 0) ||
		    image_read(s, d.digest, &img) < 0) {
			rc = fail_context("index.json");
			break;
		}
		if (verify_image(s, &img) < 0) {
			rc = fail_context("image %s", img.digest);
			image_free(&img);
			break;
		}
		/* Its name: the full name annotation, a ref.name that is a whole name, or else the
		 * RepoTags that manifest.json gives the same config (Docker's own load does so). */
		const struct json *annotations = json_get(m, "annotations");
		const char *full = json_get_string(annotations, ANNOTATION_IMAGE_NAME);
		const char *ref = json_get_string(annotations, ANNOTATION_REF_NAME);
		const char *name = full ? full : (ref && strpbrk(ref, ":/") ? ref : NULL);
		int named = 0;
		if (name) {
			rc = name_image(s, &img, name, loaded);
			named = 1;
		} else if (docker) {
			json_for_each(item, docker) {
				const char *config = json_get_string(item, "Config");
				if (!config || !strstr(config, img.id + 7))
					continue;
				json_for_each(tag, json_get(item, "RepoTags"))
					if (rc == 0 && json_string(tag)) {
						rc = name_image(s, &img, json_string(tag), loaded);
						named++;
					}
			}
		}
		if (rc == 0 && !named)
			rc = name_image(s, &img, NULL, loaded);
		image_free(&img);
		if (rc < 0)
			break;
	}
	json_free(docker);
	json_free(index);
	return rc;
}

/* The legacy way: manifest.json lists configs and layer.tar paths; we write the OCI manifest. */
static int load_docker_manifest(struct image_store *s, struct archive *a, const char *text, size_t size, int *loaded)
{
	struct json *list = json_parse(text, size);
	if (!json_is(list, JSON_ARRAY)) {
		json_free(list);
		return fail_context("manifest.json is not a list");
	}
	int rc = 0;
	json_for_each(item, list) {
		const char *config_path = json_get_string(item, "Config");
		struct archive_file *config_file = config_path ? archive_find(a, config_path) : NULL;
		const struct json *layer_paths = json_get(item, "Layers");
		struct image img = { 0 };
		char digest[SHA256_DIGEST_SIZE];
		uint64_t manifest_size;
		if (!config_file || !config_file->digest[0]) {
			rc = fail_errno(0, "manifest.json: config \"%s\" is not in the archive", config_path ? config_path : "");
			break;
		}
		size_t count = json_is(layer_paths, JSON_ARRAY) ? layer_paths->count : 0;
		struct oci_layer *layers = calloc(count + 1, sizeof(*layers));
		char *config_text = blob_read(s->root, config_file->digest, OCI_JSON_MAX, NULL);
		struct json *config = config_text ? json_parse(config_text, strlen(config_text)) : NULL;
		free(config_text);
		struct oci_manifest parts = { .layers = layers, .layer_count = count };
		rc = layers && config && oci_image_layers(config, &parts) == 0 ? 0 : -1;
		size_t i = 0;
		json_for_each(path, layer_paths) {
			struct archive_file *f = rc == 0 && json_string(path) ? archive_find(a, json_string(path)) : NULL;
			if (rc < 0)
				break;
			if (!f || !f->digest[0]) {
				rc = fail_errno(0, "manifest.json: layer \"%s\" is not in the archive", json_string(path));
				break;
			}
			uint64_t blob_size;
			int fd = blob_open(s->root, f->digest, &blob_size);
			unsigned char magic[2] = { 0 };
			if (fd < 0 || pread(fd, magic, 2, 0) < 0) {
				rc = -1;
			} else {
				bool gz = gzip_is_compressed(magic, 2);
				snprintf(layers[i].blob.media_type, sizeof(layers[i].blob.media_type), "%s",
					 gz ? MEDIA_OCI_LAYER_GZIP : MEDIA_OCI_LAYER);
				snprintf(layers[i].blob.digest, sizeof(layers[i].blob.digest), "%s", f->digest);
				layers[i].blob.size = blob_size;
			}
			if (fd >= 0)
				close(fd);
			i++;
		}
		if (rc == 0 && image_store_put(s, config, layers, count, digest, &manifest_size) == 0 &&
		    image_read(s, digest, &img) == 0 && verify_image(s, &img) == 0) {
			int named = 0;
			json_for_each(tag, json_get(item, "RepoTags"))
				if (rc == 0 && json_string(tag)) {
					rc = name_image(s, &img, json_string(tag), loaded);
					named++;
				}
			if (rc == 0 && !named)
				rc = name_image(s, &img, NULL, loaded);
		} else {
			rc = fail_context("manifest.json: image %s", config_path);
		}
		image_free(&img);
		json_free(config);
		free(layers);
		if (rc < 0)
			break;
	}
	json_free(list);
	return rc;
}

static const char LOAD_HELP[] =
	"Usage:  tinydock load [OPTIONS]\n"
	"\n"
	"Load images from a tar archive or STDIN: `docker save` archives (legacy and Docker 25+),\n"
	"OCI image layouts (a tar, or a folder with -i DIR), the archive or its layers gzip-\n"
	"compressed. Every blob is checked against its digest, every layer against its diff_id.\n"
	"\n"
	"Options:\n"
	"  -i, --input string   Read from tar archive file (or OCI layout folder), instead of STDIN\n"
	"  -q, --quiet          Suppress the load output\n";

int cmd_load(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(LOAD_HELP);
	static const struct option options[] = { { "input", required_argument, NULL, 'i' },
						 { "quiet", no_argument, NULL, 'q' },
						 { NULL, 0, NULL, 0 } };
	const char *input = NULL;
	bool quiet = false;
	optind = 1;
	opterr = 0;
	for (int opt; (opt = cli_getopt(argc, argv, "+i:q", options, NULL)) != -1;) {
		if (opt == 'i')
			input = optarg;
		else if (opt == 'q')
			quiet = cli_flag_on(optarg);
		else
			return usage_error("load", "unknown flag: %s", argv[optind - 1]);
	}
	if (optind != argc)
		return arguments_error("load", "accepts no arguments");
	if (!input && isatty(STDIN_FILENO))
		return usage_error("load", "requested load from stdin, but stdin is empty");
	struct image_store s = { .gc_fd = -1 };
	struct archive a = { 0 };
	struct maybe_gzip in = { 0 };
	int fd = -1;
	int rc = -1, loaded = 0;
	if (quiet && !freopen("/dev/null", "w", stdout))
		return command_failed("load");
	if (image_store_open(&s) < 0 || image_store_hold(&s) < 0)
		goto out;
	if (input && is_directory(input)) {
		if (read_folder(&s, input, &a) < 0)
			goto out;
	} else {
		fd = input ? open(input, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
		if (fd < 0) {
			fail_sys("open %s", input);
			goto out;
		}
		if (maybe_gzip_open(&in, fd, input ? input : "stdin") < 0 ||
		    read_archive(&s, maybe_gzip_read, &in, input ? input : "stdin", &a) < 0)
			goto out;
	}
	size_t size;
	const char *text;
	if ((text = archive_text(&a, "index.json", &size)))
		rc = load_index(&s, &a, text, size, &loaded);
	else if ((text = archive_text(&a, "manifest.json", &size)))
		rc = load_docker_manifest(&s, &a, text, size, &loaded);
	else
		fail_errno(0, "%s has neither index.json (an OCI layout) nor manifest.json (docker save)",
			   input ? input : "stdin");
	if (rc == 0 && loaded == 0)
		rc = fail_errno(0, "no images found in %s", input ? input : "stdin");
out:
	maybe_gzip_close(&in);
	if (fd > STDIN_FILENO)
		close(fd);
	archive_free(&a);
	image_store_close(&s);
	return rc < 0 ? command_failed("load") : 0;
}
