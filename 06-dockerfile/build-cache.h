/*
 * build-cache.h - the build cache: what each step made, by its cache key (build-plan.h),
 * kept under $TINYDOCK_ROOT/build-cache/ so that it survives between builds.
 */
#ifndef TINYDOCK_BUILD_CACHE_H
#define TINYDOCK_BUILD_CACHE_H

#include "json.h"
#include "oci.h"
#include "sha256.h"

#include <limits.h>
#include <stdbool.h>

/* What a step made: the image config after it, and its layer when it made one. */
struct cache_result {
	struct json *config;
	bool has_layer;
	struct oci_layer layer;
};

/* "$TINYDOCK_ROOT/build-cache" into folder. */
void build_cache_folder(char folder[PATH_MAX]);

/* The result of the step with this key: 1 with *result (free with cache_result_free), 0 when
 * there is none (or its layer's blob is gone: `image prune` removed it), -1 on error. */
int build_cache_get(const char *key, struct cache_result *result);

/* Remember a step's result (written atomically; a failed write only costs a later rebuild). */
int build_cache_put(const char *key, const struct cache_result *result);

void cache_result_free(struct cache_result *result);

/* `tinydock builder prune`: remove the build cache. */
int cmd_builder(int argc, char **argv);

#endif
