/*
 * image-base.h - the images that exist without a network: busybox (from the host's static
 * busybox) and scratch (no layers at all).
 */
#ifndef TINYDOCK_IMAGE_BASE_H
#define TINYDOCK_IMAGE_BASE_H

#include "image-store.h"

/* image_resolve(), and when name is busybox[:latest] or scratch[:latest] and missing, make it
 * (announced on one line on stderr) and return it. */
int image_resolve_or_base(struct image_store *s, const char *name, struct image *img);

/* Make busybox:latest from the host's static busybox: one PAX layer, Cmd ["sh"]. */
int image_make_busybox(struct image_store *s, struct image *img);

#endif
