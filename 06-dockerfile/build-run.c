/*
 * build-run.c - RUN: one container per step, its writable layer kept as the step's layer.
 *
 * The lecture's picture of an image, a stack of read-only layers with a container's writable
 * layer on top, is exactly how RUN works: the image built so far is the container's lower
 * folders, the command writes into the overlay's upper folder, and that folder, read as a
 * layer (04-layers/changes.c: deletions become .wh. whiteouts), is the step's new layer. It is
 * `docker run` then `docker commit`, and so here it is chapter 03's lifecycle
 * (runtime_create -> runtime_start -> runtime_wait -> runtime_remove) with chapter 04's overlay
 * as the root, called in this process like `run` calls it: no second tinydock process.
 *
 * The network. Docker's RUN joins the default bridge, which Docker NATs to the outside world.
 * tinydock never adds NAT rules (02-namespaces/networking.md), so a RUN on our bridge could
 * not fetch a package; RUN uses the host's network by default instead (`build --network
 * host`), which is what Docker does with `--network host`. `--network none` or `bridge`
 * choose otherwise.
 *
 * Read next: build.c.
 */
#include "build-run.h"
#include "changes.h"
#include "container-fs.h"
#include "error.h"
#include "files.h"
#include "image-layers.h"
#include "overlay-run.h"
#include "runtime.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int write_upper(tar_write_fn sink, void *sink_ctx, void *ctx)
{
	struct create_stats stats;
	return layer_create(ctx, sink, sink_ctx, &stats);
}

/* The parent's layers unpacked, as overlay lower folders (scratch: one empty folder). */
static int lower_folders(struct image_store *s, const struct build_run *run, char (**folders)[PATH_MAX],
			 const char ***lowers, size_t *count)
{
	size_t n = run->layer_count ? run->layer_count : 1;
	*folders = calloc(n, sizeof(**folders));
	*lowers = calloc(n, sizeof(**lowers));
	if (!*folders || !*lowers)
		return fail_errno(ENOMEM, "RUN");
	struct image img = { .parts = { .layers = (struct oci_layer *)run->layers, .layer_count = run->layer_count } };
	if (image_unpack_layers(s, &img, *folders) < 0)
		return -1;
	if (run->layer_count == 0) {
		snprintf((*folders)[0], PATH_MAX, "%s/layers/empty", s->root);
		if (make_dirs((*folders)[0], 0755) < 0)
			return -1;
	}
	for (size_t i = 0; i < n; i++)
		(*lowers)[i] = (*folders)[i];
	*count = n;
	return 0;
}

int build_run(struct image_store *s, const struct build_run *run, struct oci_layer *layer, int *exit_code)
{
	char (*folders)[PATH_MAX] = NULL;
	const char **lowers = NULL;
	size_t count = 0;
	struct runtime_spec *spec = calloc(1, sizeof(*spec)); /* large: on the heap */
	struct runtime *rt = NULL;
	int rc = -1;
	*exit_code = -1;
	if (!spec) {
		fail_errno(ENOMEM, "RUN");
		goto out;
	}
	if (lower_folders(s, run, &folders, &lowers, &count) < 0)
		goto out;
	struct container *c = &spec->container;
	container_init(c);
	c->command = (char **)run->argv;
	c->workdir = run->workdir && *run->workdir ? run->workdir : NULL;
	c->user = run->user && *run->user ? run->user : NULL;
	c->network = run->network;
	c->network_name = run->network == NETWORK_HOST ? "host" : run->network == NETWORK_NONE ? "none" : NULL;
	if (run->env_count > MAX_ENV) {
		fail_errno(0, "RUN: more than %d variables", MAX_ENV);
		goto out;
	}
	for (size_t i = 0; i < run->env_count; i++)
		c->env[i] = run->env[i];
	c->env_count = run->env_count;
	spec->image = run->image_id;
	struct overlay_rootfs root = { .lowers = lowers, .lower_count = count };
	struct runtime_rootfs hooks = overlay_rootfs_hooks(&root);
	int code = runtime_create(spec, &hooks, &rt);
	if (code != 0) {
		fail_context("RUN");
		goto out;
	}
	printf(" ---> Running in %.12s\n", runtime_id(rt));
	fflush(stdout);
	if (runtime_start(rt) != 0) {
		fail_context("RUN: cannot start container %.12s", runtime_id(rt));
		goto out;
	}
	*exit_code = runtime_wait(rt);
	struct container_fs fs;
	rc = 0;
	if (*exit_code == 0 && (container_fs_init(&fs, runtime_id(rt)) < 0 ||
				image_layer_store(s, write_upper, fs.upper, layer) < 0))
		rc = fail_context("RUN: cannot keep the changes of container %.12s", runtime_id(rt));
out:
	if (rt) {
		struct error_saved first;
		error_save(&first);
		printf("Removing intermediate container %.12s\n", runtime_id(rt));
		fflush(stdout);
		if (runtime_remove(rt) < 0 && rc == 0)
			rc = -1;
		else if (rc < 0)
			error_restore(&first);
		runtime_free(rt);
	}
	free(folders);
	free(lowers);
	free(spec);
	return rc;
}
