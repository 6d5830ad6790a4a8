/*
 * image-filter.h - `docker images --filter`: reference, dangling, label.
 *
 * reference=PATTERN matches the name as `docker images` shows it ("busybox:latest", and the
 * repository alone, "busybox") with shell-style globs where "*" stops at "/" (Go's path.Match,
 * here fnmatch(3) with FNM_PATHNAME): `reference=shop/web*`, `reference=*:1.0`. dangling=true
 * keeps the untagged images (<none>), dangling=false the named ones. label=KEY or KEY=VALUE
 * looks at the image config's Labels (a Dockerfile's LABEL). Keys combine as filters.h says.
 * Pure: unit-tested in tests/unit/test_filters.c.
 */
#ifndef TINYDOCK_IMAGE_FILTER_H
#define TINYDOCK_IMAGE_FILTER_H

#include <stdbool.h>

#include "filters.h"

struct json;

struct image_facts {
	const char *name;          /* "busybox:latest", or "" for an untagged image */
	const struct json *labels; /* the config's config.Labels, or NULL */
};

/* Add a filter of `images`; dangling must be true or false. */
int image_filters_add(struct filters *f, const char *text);

bool image_filters_match(const struct filters *f, const struct image_facts *image);

#endif
