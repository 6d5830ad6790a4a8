/*
 * volume-run.h - a container's volumes: chapter 06's `run` (-v, --mount, --tmpfs, an image's
 * VOLUME), and what a program that fills a spec (the builder) calls to give it volumes.
 */
#ifndef TINYDOCK_VOLUME_RUN_H
#define TINYDOCK_VOLUME_RUN_H

#include "image-run.h"
#include "volume-flags.h"

#include <stdbool.h>
#include <stddef.h>

struct json;

/* What one of the container's mounts is, beyond chapter 02's bind: the volume it binds. */
struct volume_use {
	size_t mount;                        /* index in container.mounts */
	char name[VOLUME_NAME_MAX + 1];      /* the volume ("" for a bind or a tmpfs) */
	char mode[32];                       /* -v's MODE, for inspect's Mode */
	bool anonymous;                      /* -v /data, an image's VOLUME */
	bool copy_up;                        /* a volume made now: fill it from the image's folder */
};

struct volume_uses {
	struct volume_use items[MAX_MOUNTS];
	size_t count;
};

/* What a container of chapter 06 is: chapter 05's spec, first (run-flags.h), and its mounts. */
struct volume_spec {
	struct image_spec image;
	struct volume_request requests[MAX_MOUNTS]; /* -v, --mount, --tmpfs, in the order given */
	size_t request_count;
	struct volume_uses uses;
	struct runtime_rootfs inner;                /* chapter 04's rootfs hooks, wrapped */
};

/* Chapter 06's flags for `run`: -v/--volume, --mount, --tmpfs. */
extern const struct run_flags volume_flags;

/* Give spec the mounts of requests, then an anonymous volume for each of image_volumes's
 * targets (an image config's "Volumes" object, or NULL) that no request covers: volumes made
 * (or found), bind sources made absolute (and, for -v, made when missing), spec's container's
 * mounts filled. uses says which mount is which volume. 0, or -1 with the message. */
int volumes_into_spec(struct image_spec *spec, const struct volume_request *requests, size_t count,
		      const struct json *image_volumes, struct volume_uses *uses);

/* Docker's copy-up: each volume of uses made by this run (copy_up) whose folder in the mounted
 * rootfs (container->rootfs_path) holds files gets a copy of them, while it is still empty.
 * 0, or -1 with the message. */
int volumes_copy_up(const struct container *c, const struct volume_uses *uses);

/* Remove the anonymous volumes of uses (--rm), except from the in-use check container id;
 * a failure is deferred (error.h) and the others removed. -1 if one failed. */
int volumes_remove_anonymous(const struct volume_uses *uses, const char *id);

/* The rest of `run` for a spec a program filled (chapter 07's `compose run`), in the
 * foreground or with -d as spec says: returns the exit code, errors said on stderr. */
int volume_run(struct volume_spec *spec);

/* A spec a program filled (chapter 07: a compose service; requests as -v/--mount/--tmpfs would
 * give them) created and started under its monitor, as `run -d` does but printing nothing:
 * 0 with the id in spec->image.runtime.container.id, or -1 with the message. */
int volume_run_detached(struct volume_spec *spec);

/* Chapter 06's `run`: chapter 05's, with volumes. */
int volume_cmd_run(int argc, char **argv);

#endif
