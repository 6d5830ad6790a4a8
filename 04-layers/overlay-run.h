/*
 * overlay-run.h - `run` with an overlayfs root: chapter 04's run extension (run-extension.h).
 *
 * Every container gets $TINYDOCK_ROOT/containers/<id>/fs (container-fs.h): its lower layers
 * stacked read-only under its own upper folder, mounted on fs/merged, which becomes the rootfs
 * that chapter 02 pivots into. `run --rootfs DIR` has DIR as its only lower: the container
 * never changes DIR, and starting it copies nothing.
 *
 * In 08-swarm/tinydock.c this extension comes after the image extension of chapter 05, whose
 * prepare hook hands over the image's layers with overlay_run_set_lowers() before ours runs.
 */
#ifndef TINYDOCK_OVERLAY_RUN_H
#define TINYDOCK_OVERLAY_RUN_H

#include "run-extension.h"

#include <stddef.h>

extern const struct run_extension overlay_run_extension;

/* For a later chapter's prepare hook (chapter 05: an image's unpacked layers): the layer
 * folders of the container being prepared, LOWEST first, absolute paths. They are copied.
 * Without this call the lower is the --rootfs DIR. For a container whose filesystem exists
 * already (`start`), its recorded fs/lowers win and this is ignored. */
int overlay_run_set_lowers(const char *const *folders, size_t count);

#endif
