/*
 * container-commit.h - `tinydock commit`: a container's changes as a content-addressed layer
 * (container-commit.c).
 */
#ifndef TINYDOCK_CONTAINER_COMMIT_H
#define TINYDOCK_CONTAINER_COMMIT_H

#include <limits.h>
#include <stdint.h>

#include "sha256.h"

struct committed_layer {
	char digest[SHA256_DIGEST_SIZE]; /* "sha256:<hex>" of the tar: the layer's DiffID */
	char path[PATH_MAX];             /* $TINYDOCK_ROOT/layers/<hex>.tar */
	uint64_t size;                   /* bytes of the tar */
	uint64_t entries, whiteouts;
};

/* Write container ref's changes (name or id prefix) as a layer tarball into
 * $TINYDOCK_ROOT/layers/, named by its sha256. For chapter 05's image store to build on. */
int commit_container_layer(const char *ref, struct committed_layer *layer);

/* tinydock commit CONTAINER [REPO[:TAG]] */
int cmd_commit(int argc, char **argv);

#endif
