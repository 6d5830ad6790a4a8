/*
 * image-save.c - `save`: images as one tar file, to carry them between machines.
 *
 * Three forms of archive exist in the wild, and `load` reads them all:
 *
 *   legacy `docker save` (Docker < 25)     manifest.json   [{"Config": "<hex>.json",
 *                                                            "RepoTags": ["busybox:latest"],
 *                                                            "Layers": ["<id>/layer.tar", ...]}]
 *                                          <hex>.json      the config (named by its digest)
 *                                          <id>/layer.tar  each layer, uncompressed (or a symlink
 *                                                          to an identical one); repositories
 *   OCI image layout (a folder or a tar)   oci-layout, index.json, blobs/sha256/<hex>
 *   `docker save` of Docker 25+            both at once: an OCI layout whose manifest.json
 *                                          points into blobs/sha256/ ("Layers": ["blobs/sha256/..."])
 *
 * `save` writes the third form, so both `docker load` (which reads manifest.json) and OCI
 * tools such as `skopeo copy oci-archive:...` (which read index.json) take it. In index.json
 * it names images as Docker 25 does: the tag in org.opencontainers.image.ref.name and the
 * full name in io.containerd.image.name.
 *
 * Nothing from outside is trusted: every blob is hashed as it is stored and refused when it
 * does not match its name (blob-store.c); each layer's diff_id is checked against the config;
 * names reach index.json only after all of an image's blobs are in place, so a load that is
 * killed leaves at most unnamed blobs that `image prune` removes. `save` writes FILE.tmp.PID
 * and renames it (atomic-file.h), so a killed save never leaves a truncated archive under the wanted name.
 *
 * Read next: image-load.c, which reads this form and the two others.
 */
#include "image-commands.h"
#include "atomic-file.h"
#include "blob-store.h"
#include "cli.h"
#include "error.h"
#include "explain.h"
#include "image-base.h"
#include "image-store.h"
#include "reference.h"
#include "tar.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char CHAPTER[] = "05-images";

struct saved {
	struct image img;
	char (*names)[600]; /* familiar names to record ("" entries skipped) */
	size_t name_count;
};

static int add_entry(struct tar_writer *w, const char *path, char type, uint64_t size)
{
	struct tar_entry e = { .path = (char *)path, .type = type, .mode = type == TAR_DIRECTORY ? 0755 : 0644,
			       .size = size, .mtime = { .tv_sec = 0 } };
	return tar_writer_header(w, &e);
}

static int add_memory(struct tar_writer *w, const char *path, const char *text, size_t size)
{
	return add_entry(w, path, TAR_REGULAR, size) < 0 || tar_writer_data(w, text, size) < 0 ? -1 : 0;
}

static int add_json(struct tar_writer *w, const char *path, const struct json *doc)
{
	size_t size;
	char *text = json_write(doc, 0, &size);
	if (!text)
		return -1;
	int rc = add_memory(w, path, text, size);
	free(text);
	return rc;
}

static bool seen_before(char (*done)[SHA256_DIGEST_SIZE], size_t *count, const char *digest)
{
	for (size_t i = 0; i < *count; i++)
		if (strcmp(done[i], digest) == 0)
			return true;
	snprintf(done[(*count)++], SHA256_DIGEST_SIZE, "%s", digest);
	return false;
}

static int add_blob(struct image_store *s, struct tar_writer *w, const char *digest)
{
	uint64_t size;
	int fd = blob_open(s->root, digest, &size);
	if (fd < 0)
		return -1;
	char path[128];
	snprintf(path, sizeof(path), "blobs/sha256/%s", digest + 7);
	int rc = add_entry(w, path, TAR_REGULAR, size) < 0 || tar_writer_data_from_fd(w, fd, path) < 0 ? -1 : 0;
	close(fd);
	return rc;
}

static int write_archive(struct image_store *s, struct saved *images, size_t count, struct tar_writer *w)
{
	size_t blob_total = 0, done_count = 0;
	for (size_t i = 0; i < count; i++)
		blob_total += 2 + images[i].img.parts.layer_count;
	char (*done)[SHA256_DIGEST_SIZE] = calloc(blob_total + 1, sizeof(*done));
	struct json *index = json_new_object(), *manifests = NULL, *docker = json_new_array(), *repos = json_new_object();
	int rc = -1;
	if (!done || !index || !docker || !repos || !json_add_int(index, "schemaVersion", 2) ||
	    !json_add_string(index, "mediaType", MEDIA_OCI_INDEX) ||
	    !(manifests = json_add(index, "manifests", json_new_array())))
		goto out;
	if (add_entry(w, "blobs/", TAR_DIRECTORY, 0) < 0 || add_entry(w, "blobs/sha256/", TAR_DIRECTORY, 0) < 0)
		goto out;
	for (size_t i = 0; i < count; i++) {
		struct image *img = &images[i].img;
		/* blobs: layers, config, manifest (each once) */
		for (size_t l = 0; l < img->parts.layer_count; l++)
			if (!seen_before(done, &done_count, img->parts.layers[l].blob.digest) &&
			    add_blob(s, w, img->parts.layers[l].blob.digest) < 0)
				goto out;
		if ((!seen_before(done, &done_count, img->id) && add_blob(s, w, img->id) < 0) ||
		    (!seen_before(done, &done_count, img->digest) && add_blob(s, w, img->digest) < 0))
			goto out;
		/* manifest.json (what `docker load` reads): one item per image, all its names */
		char path[128];
		struct json *item = NULL, *tags = NULL, *layers;
		snprintf(path, sizeof(path), "blobs/sha256/%s", img->id + 7);
		json_for_each(other, docker)
			if (strcmp(json_get_string(other, "Config"), path) == 0)
				item = other;
		if (item) {
			tags = json_get(item, "RepoTags");
		} else {
			if (!(item = json_append(docker, json_new_object())) || !json_add_string(item, "Config", path) ||
			    !(tags = json_add(item, "RepoTags", json_new_array())) ||
			    !(layers = json_add(item, "Layers", json_new_array())))
				goto out;
			for (size_t l = 0; l < img->parts.layer_count; l++) {
				snprintf(path, sizeof(path), "blobs/sha256/%s", img->parts.layers[l].blob.digest + 7);
				if (!json_append(layers, json_new_string(path)))
					goto out;
			}
		}
		/* index.json: one entry per name (or one unnamed), Docker 25's annotations */
		struct oci_descriptor d = { .media_type = MEDIA_OCI_MANIFEST, .size = img->manifest_size };
		snprintf(d.digest, sizeof(d.digest), "%s", img->digest);
		for (size_t n = 0; n < images[i].name_count || (n == 0 && images[i].name_count == 0); n++) {
			struct json *entry = json_append(manifests, oci_descriptor_json(&d));
			if (!entry)
				goto out;
			if (images[i].name_count == 0)
				break;
			char familiar[600], canonical[600];
			if (image_name_normalise(images[i].names[n], familiar, canonical) < 0)
				goto out;
			struct image_reference ref;
			reference_parse(familiar, &ref);
			char repository[600];
			reference_repository(&ref, repository, sizeof(repository));
			struct json *annotations = json_add(entry, "annotations", json_new_object()), *repo;
			if (!annotations || !json_add_string(annotations, ANNOTATION_IMAGE_NAME, canonical) ||
			    !json_add_string(annotations, ANNOTATION_REF_NAME, ref.tag) ||
			    !json_append(tags, json_new_string(familiar)))
				goto out;
			/* repositories: the legacy map repository -> tag -> top layer's id */
			if (img->parts.layer_count) {
				if (!(repo = json_get(repos, repository)) && !(repo = json_add(repos, repository, json_new_object())))
					goto out;
				if (!json_set(repo, ref.tag, json_new_string(img->parts.layers[img->parts.layer_count - 1].blob.digest + 7)))
					goto out;
			}
		}
	}
	static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
	if (add_json(w, "index.json", index) < 0 || add_json(w, "manifest.json", docker) < 0 ||
	    add_memory(w, "oci-layout", layout, sizeof(layout) - 1) < 0 || add_json(w, "repositories", repos) < 0 ||
	    tar_writer_finish(w) < 0)
		goto out;
	rc = 0;
out:
	free(done);
	json_free(index);
	json_free(docker);
	json_free(repos);
	return rc;
}

static const char SAVE_HELP[] =
	"Usage:  tinydock save [OPTIONS] IMAGE [IMAGE...]\n"
	"\n"
	"Save one or more images to a tar archive (streamed to STDOUT by default): Docker 25's\n"
	"form, an OCI image layout with a manifest.json, which `docker load`, `tinydock load`\n"
	"and `skopeo` (oci-archive:, docker-archive:) all read.\n"
	"\n"
	"Options:\n"
	"  -o, --output string   Write to a file, instead of STDOUT\n";

int cmd_save(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(SAVE_HELP);
	static const struct option options[] = { { "output", required_argument, NULL, 'o' }, { NULL, 0, NULL, 0 } };
	const char *output = NULL;
	optind = 1;
	opterr = 0;
	/* No leading '+': as in `docker save IMAGE -o FILE`, the flag may follow the images
	 * (getopt then permutes argv, getopt(3) "By default, getopt() permutes..."). */
	for (int opt; (opt = cli_getopt(argc, argv, "o:", options, NULL)) != -1;) {
		if (opt != 'o')
			return usage_error("save", "unknown flag: %s", argv[optind - 1]);
		output = optarg;
	}
	if (optind >= argc)
		return arguments_error("save", "requires at least 1 argument");
	if (!output && isatty(STDOUT_FILENO))
		return usage_error("save", "cowardly refusing to save to a terminal. Use the -o flag or redirect");
	size_t count = (size_t)(argc - optind);
	struct saved *images = calloc(count, sizeof(*images));
	struct image_store s = { .gc_fd = -1 };
	struct tar_writer *w = NULL;
	struct atomic_file file = { .fd = STDOUT_FILENO }; /* -o FILE: written whole, or not at all */
	int rc = -1;
	/* hold: a prune must not take blobs from under the archive being written */
	if (!images || image_store_open(&s) < 0 || image_store_hold(&s) < 0)
		goto out;
	for (size_t i = 0; i < count; i++) {
		const char *name = argv[optind + (int)i];
		if (image_resolve_or_base(&s, name, &images[i].img) < 0)
			goto out;
		/* A name saves that name; an ID saves every name of the image (Docker's rule). */
		char familiar[600], canonical[600], (*all)[600] = NULL;
		size_t n = 0;
		if (image_store_names(&s, images[i].img.digest, &all, &n) < 0)
			goto out;
		bool by_name = false;
		if (image_name_normalise(name, familiar, canonical) == 0)
			for (size_t k = 0; k < n; k++)
				by_name = by_name || strcmp(all[k], familiar) == 0;
		error_clear();
		if (by_name) {
			snprintf(all[0], 600, "%s", familiar);
			n = 1;
		}
		images[i].names = all;
		images[i].name_count = n;
	}
	if (output && atomic_file_open(&file, output, 0644) < 0)
		goto out;
	w = tar_writer_new(tar_write_fd, (void *)(intptr_t)file.fd);
	if (!w || write_archive(&s, images, count, w) < 0)
		goto out;
	if (output &&
	    explain_result(CHAPTER, atomic_file_commit(&file), "rename(\"%s.tmp.%d\", \"%s\") [after fsync]", output,
			   (int)getpid(), output) < 0)
		goto out;
	rc = 0;
out:
	if (w)
		tar_writer_free(w);
	if (output)
		atomic_file_abort(&file); /* nothing left to do after a commit */
	for (size_t i = 0; images && i < count; i++) {
		image_free(&images[i].img);
		free(images[i].names);
	}
	free(images);
	image_store_close(&s);
	return rc < 0 ? command_failed("save") : 0;
}

