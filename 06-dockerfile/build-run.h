/*
 * build-run.h - RUN: a container of the image built so far, run in this process through the
 * lifecycle API (03-cgroups/runtime.h), its changes kept as a layer.
 */
#ifndef TINYDOCK_BUILD_RUN_H
#define TINYDOCK_BUILD_RUN_H

#include "container.h"
#include "image-store.h"

#include <stdbool.h>
#include <stddef.h>

struct build_run {
	const char *image_id;            /* the parent image (the container record's Image) */
	const struct oci_layer *layers;  /* the parent's layers, lowest first */
	size_t layer_count;
	char *const *argv;               /* what to run: the SHELL and the text, or the exec form */
	const char *const *env;          /* the config's Env and the build args in scope */
	size_t env_count;
	const char *workdir, *user;      /* the config's WorkingDir and User (NULL: / and root) */
	enum network_mode network;       /* --network: host by default (see build-run.c) */
};

/* Run it: " ---> Running in <id>", its output live on ours, then (when it exits 0) its upper
 * folder as a layer, and the container removed whatever happened ("Removing intermediate
 * container <id>").
 * Returns 0 with *exit_code the command's exit code (a layer only when it is 0), or -1 when
 * tinydock failed (message recorded). */
int build_run(struct image_store *s, const struct build_run *run, struct oci_layer *layer, int *exit_code);

#endif
