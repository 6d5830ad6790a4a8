/*
 * image-run.h - `tinydock run IMAGE [CMD]`: chapter 05's spec, its image resolved to layers
 * and config defaults, run by chapter 03's lifecycle on chapter 04's overlay.
 */
#ifndef TINYDOCK_IMAGE_RUN_H
#define TINYDOCK_IMAGE_RUN_H

#include "image-store.h"
#include "overlay-run.h"
#include "overlay.h"
#include "runtime.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct json;

/* What a container of chapter 05 is: chapter 03's spec, first (run-flags.h), and ours. */
struct image_spec {
	struct runtime_spec runtime;
	const char *name;       /* the IMAGE operand (NULL: --rootfs DIR) */
	const char *entrypoint; /* --entrypoint */
	bool publish_all;       /* -P: every port the image EXPOSEs, on a free host port */
	bool configured;        /* the image's config is in the spec already (read back from its
				   record): only its layers are still to find */
};

/* Chapter 05's part of the record (container-spec.h): --entrypoint as Config.Entrypoint (the
 * IMAGE is chapter 03's Config.Image). The record keeps the command, Env, WorkingDir and User
 * as they ran, with the image's defaults filled in, as Docker's does; so a spec read back is
 * configured. write takes the runtime_spec of an image_spec (its write_record hook). */
int image_spec_write(const struct runtime_spec *spec, struct container_record *r);
void image_spec_read(const struct container_record *r, struct image_spec *spec);

/* Chapter 05's flags for `run`: --entrypoint, and IMAGE as the first operand. */
extern const struct run_flags image_flags;

#define MAX_COMMAND 256

/* What one container's image resolved to, owned by the caller (start with store.gc_fd = -1). */
struct image_run {
	struct image_store store;               /* open while the container may run */
	struct image image;
	char *argv[MAX_COMMAND];                /* the command: Entrypoint + Cmd or the user's */
	char (*layers)[PATH_MAX];               /* the unpacked layers, lowest first */
	const char *lowers[OVERLAY_MAX_LOWERS]; /* ... as chapter 04's lower folders */
	size_t lower_count;
};

/* Resolve spec's image into r: its layers unpacked, and (unless spec is configured) what the
 * user left out filled from its config (command, Env, WorkingDir, User, Healthcheck). Without an image
 * (--rootfs DIR) nothing to do. 0, or -1 with the message. Release r with image_run_release,
 * after the container's start. */
int image_run_resolve(struct image_spec *spec, struct image_run *r);
void image_run_release(struct image_run *r);

/* Pure: the command a container of an image runs, as Docker decides it (docker run reference,
 * "ENTRYPOINT" and "CMD"): the entrypoint (--entrypoint, else the image's; --entrypoint
 * also drops the image's Cmd) followed by the user's command, or else by the image's Cmd.
 * Writes at most size-1 pointers and a NULL into argv (pointing into the inputs); returns
 * the count, 0 when there is nothing to run, -1 when it does not fit. */
int image_command(const struct json *settings, const char *entrypoint, char *const *user_command, char **argv,
		  size_t size);

/* A later chapter's part of a run (chapter 06: volumes), between the image and the lifecycle.
 * prepare gets the image resolved (r->image.config; r->image is empty for --rootfs DIR), the
 * rootfs hooks that would run the container (chapter 04's overlay), which it may wrap, and
 * whether the spec was read back from its record (`start`). 0, or -1 with the message. */
struct image_run_extension {
	void *ctx;
	int (*prepare)(void *ctx, struct image_spec *spec, const struct image_run *r, bool recorded,
		       struct runtime_rootfs *rootfs);
};

/* The rest of `run` for a parsed spec, with a later chapter's extension (NULL: none): returns
 * the exit code, errors said on stderr (the command layer of `run`). */
int image_run_spec(struct image_spec *spec, const struct image_run_extension *extension);

/* The same as `run -d` for a spec a program filled (chapter 07: a compose service), quietly:
 * 0 with the id in spec->runtime.container.id, or -1 with the message. */
int image_run_detached(struct image_spec *spec, const struct image_run_extension *extension);

/* The same for `start` of a spec read back from its record: 0, or -1 with the message. */
int image_start_spec(struct image_spec *spec, const struct image_run_extension *extension);

/* `tinydock run` of chapter 05: parse -> spec -> image -> start -> wait. */
int image_cmd_run(int argc, char **argv);
/* `start`/`restart` of chapter 05: the recorded container, its image resolved again. */
int image_start_recorded(const struct container_record *record);
int image_cmd_start(int argc, char **argv);
int image_cmd_restart(int argc, char **argv);

#endif
