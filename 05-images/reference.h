/*
 * reference.h - image references: "busybox", "shop/web:1.0", "localhost:5000/shop/web@sha256:...".
 */
#ifndef TINYDOCK_REFERENCE_H
#define TINYDOCK_REFERENCE_H

#include <stdbool.h>
#include <stddef.h>

#define DEFAULT_REGISTRY "docker.io"
#define DEFAULT_TAG "latest"

struct image_reference {
	char domain[256]; /* "docker.io" when the reference names none, or "localhost:5000" */
	char path[256];   /* "library/busybox", "shop/web" */
	char tag[129];    /* "latest" when neither a tag nor a digest was given; "" with a digest only */
	char digest[160]; /* "sha256:<64 hex>", or "" */
};

/* Parse and normalise a reference as Docker does; -1 with a message naming the problem. */
int reference_parse(const char *text, struct image_reference *ref);

/* The short form users type and `images` shows: "busybox:latest", "localhost:5000/shop/web:1.0". */
void reference_familiar(const struct image_reference *ref, char *out, size_t size);

/* The repository alone, in short form: "busybox", "localhost:5000/shop/web". */
void reference_repository(const struct image_reference *ref, char *out, size_t size);

/* The full, canonical form: "docker.io/library/busybox:latest". */
void reference_canonical(const struct image_reference *ref, char *out, size_t size);

/* One repository path as the OCI distribution spec allows it: components of
 * [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* separated by '/'. */
bool repository_path_valid(const char *path);

/* A tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}. */
bool tag_valid(const char *tag);

/* A digest: "sha256:" and 64 lowercase hex digits (the only algorithm tinydock computes). */
bool digest_valid(const char *digest);

#endif
