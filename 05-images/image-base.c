/*
 * image-base.c - base images made here: busybox from the host, and scratch.
 *
 * Lecture: "each layer is in turn an image, lowest layer called base image". Docker pulls
 * its bases from a registry; this course works without a network, so `busybox` is made the first time it is asked for:
 * chapter 01's make_busybox_rootfs() fills a temporary folder, chapter 04's layer_create()
 * writes it as one PAX tar layer, and a config says how to run it (Cmd ["sh"], PATH). It is a
 * real image: `save` it and `docker load` runs it. `scratch`, Docker's name for "no base",
 * is the image with no layers (Docker reserves the name; here it is simply made, empty).
 *
 * Two processes may both find busybox missing: a lock (base.lock) makes the second one wait
 * and then find the first one's image, instead of making a second busybox.
 *
 * Read next: image-run.c.
 */
#include "image-base.h"
#include "changes.h"
#include "error.h"
#include "files.h"
#include "image-config.h"
#include "image-layers.h"
#include "rootfs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int write_folder_layer(tar_write_fn sink, void *sink_ctx, void *ctx)
{
	struct create_stats stats;
	return layer_create(ctx, sink, sink_ctx, &stats);
}

static int make_base(struct image_store *s, const char *familiar, struct image *img)
{
	bool busybox = strcmp(familiar, "busybox:latest") == 0;
	char folder[PATH_MAX], digest[SHA256_DIGEST_SIZE];
	const char *host = busybox ? find_static_busybox() : "";
	if (!host)
		return fail_context("cannot make the busybox image");
	struct oci_layer layer;
	uint64_t size;
	int rc = -1;
	time_t now = time(NULL);
	struct json *config = oci_config_new(now);
	if (!config || image_store_hold(s) < 0)
		goto out;
	struct json *settings = oci_config_settings(config);
	if (!settings || image_config_change(settings, "ENV " IMAGE_DEFAULT_PATH) < 0)
		goto out;
	if (busybox) {
		snprintf(folder, sizeof(folder), "%s/ingest/busybox-%d", s->root, (int)getpid());
		remove_tree(folder);
		if (make_busybox_rootfs(folder) < 0 || image_layer_store(s, write_folder_layer, folder, &layer) < 0)
			goto out;
		char created_by[PATH_MAX + 64];
		snprintf(created_by, sizeof(created_by), "tinydock: the host's static busybox (%s)", host);
		if (oci_config_add_layer(config, layer.diff_id, now, created_by, NULL) < 0 ||
		    image_config_change(settings, "CMD [\"sh\"]") < 0 ||
		    oci_config_add_layer(config, NULL, now, "CMD [\"sh\"]", NULL) < 0)
			goto out;
	}
	if (image_store_put(s, config, &layer, busybox ? 1 : 0, digest, &size) < 0 ||
	    image_store_tag(s, familiar, digest, size) < 0 || image_read(s, digest, img) < 0)
		goto out;
	fprintf(stderr, "Unable to find image '%s' locally: made it from %s (%.19s)\n", familiar,
		busybox ? host : "nothing (no layers)", img->id);
	rc = 0;
out:
	if (busybox) {
		struct error_saved first;
		error_save(&first);
		remove_tree(folder);
		if (rc < 0)
			error_restore(&first);
	}
	json_free(config);
	return rc;
}

int image_make_busybox(struct image_store *s, struct image *img)
{
	return make_base(s, "busybox:latest", img);
}

int image_resolve_or_base(struct image_store *s, const char *name, struct image *img)
{
	if (image_resolve(s, name, img) == 0)
		return 0;
	int err = errno;
	char familiar[600], canonical[600];
	struct error_saved lookup;
	error_save(&lookup);
	bool base = err == ENOENT && image_name_normalise(name, familiar, canonical) == 0 &&
		    (strcmp(familiar, "busybox:latest") == 0 || strcmp(familiar, "scratch:latest") == 0);
	if (!base) {
		error_restore(&lookup); /* the lookup's own message, not the name check's */
		errno = err;
		return -1;
	}
	error_clear();
	char lock_path[PATH_MAX];
	snprintf(lock_path, sizeof(lock_path), "%s/base.lock", s->root);
	int lock = take_lock(lock_path, 60000);
	if (lock < 0)
		return -1;
	/* Someone else may have made it while we waited. */
	int rc = image_resolve(s, familiar, img) == 0 ? 0 : (error_clear(), make_base(s, familiar, img));
	close(lock);
	return rc;
}
