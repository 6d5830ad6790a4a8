/*
 * image-gc.h - garbage collection of the image store: what no image and no container needs.
 */
#ifndef TINYDOCK_IMAGE_GC_H
#define TINYDOCK_IMAGE_GC_H

#include <stdint.h>

#include "image-store.h"

struct gc_stats {
	unsigned blobs, layers, links, leftovers; /* removed */
	uint64_t bytes;                          /* reclaimed */
};

/* Remove blobs no index.json entry reaches (manifest, config, layers), unpacked layers no
 * image has and no container uses (containers/<id>/fs/lowers), dangling short links, and
 * what killed processes left (ingest files, half-unpacked folders). Takes gc.lock exclusively
 * (waiting for loads in progress) and index.lock. */
int image_store_gc(struct image_store *s, struct gc_stats *stats);

/* Bytes under a folder (files' sizes, a file with N hard links counting 1/N per name). */
uint64_t folder_size(const char *path);

#endif
