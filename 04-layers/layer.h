/*
 * layer.h - image layers: applying a layer tarball to a folder, and making one from a
 * container's upper folder.
 *
 * A layer is a tar archive of the files that changed, with deletions written as
 * whiteouts (the names Docker and the OCI image spec use):
 *     dir/.wh.NAME        NAME was deleted from the layers below
 *     dir/.wh..wh..opq    dir replaced a lower folder: hide everything below it
 * apply.c unpacks such an archive safely; changes.c lists and archives an overlay
 * upper folder. Read 04-layers/README.md first.
 */
#ifndef TINYDOCK_LAYER_H
#define TINYDOCK_LAYER_H

#include "tar.h"

#include <stdbool.h>
#include <stdint.h>

#define WHITEOUT_PREFIX ".wh."
#define WHITEOUT_OPAQUE ".wh..wh..opq"

/* What applying does with a whiteout entry. */
enum whiteout_mode {
	/* Delete: the layer is applied on top of the layers below it in one folder, so
	 * ".wh.NAME" removes NAME and ".wh..wh..opq" empties the folder of lower entries. */
	WHITEOUT_DELETE,
	/* Overlay: the layer is unpacked into its own folder, to be one of overlayfs's lower
	 * folders, so whiteouts become overlay's: ".wh.NAME" a 0/0 character device NAME, and
	 * ".wh..wh..opq" the xattr trusted.overlay.opaque=y on the folder (needs root). */
	WHITEOUT_OVERLAY,
};

struct apply_options {
	enum whiteout_mode whiteouts;
	bool no_openat2; /* resolve paths by walking each component ourselves (tests cover both) */
};

struct apply_stats {
	uint64_t entries, bytes, whiteouts;
	bool used_openat2;
};

/* What a file name in a layer means (the OCI image spec, layer.md "Whiteouts"). */
enum whiteout_kind {
	NOT_A_WHITEOUT,    /* an ordinary name */
	WHITEOUT_OF_NAME,  /* ".wh.NAME": NAME is deleted */
	WHITEOUT_OF_ALL,   /* ".wh..wh..opq": the folder hides everything below it */
	WHITEOUT_INVALID,  /* ".wh.", ".wh..", ".wh...": a whiteout that names no file */
};

/* Pure: the kind of name; for WHITEOUT_OF_NAME, *hidden is set to NAME (may be NULL). */
enum whiteout_kind layer_whiteout(const char *name, const char **hidden);

/* An applier takes entries one at a time (from a tar reader, or from a folder walk). */
struct applier;
struct applier *applier_new(const char *root, const struct apply_options *options);
/* Apply one entry; for a regular file its data comes from read(ctx). */
int applier_entry(struct applier *a, const struct tar_entry *entry, tar_read_fn read, void *ctx);
/* Finish: set folders' times (deferred, as creating files inside changes them). */
int applier_finish(struct applier *a, struct apply_stats *stats);
void applier_free(struct applier *a);

/* Apply a whole archive onto an existing folder, in place. On failure the folder is partly
 * changed: callers apply into folders they made for this and remove them on failure. */
int layer_apply(struct tar_reader *reader, const char *dir, const struct apply_options *options,
		struct apply_stats *stats);

/* Unpack an archive into a new folder dest (which must not exist), atomically: into
 * "dest.partial-PID" first, renamed to dest only when every entry is in place. */
int layer_unpack(struct tar_reader *reader, const char *dest, const struct apply_options *options,
		 struct apply_stats *stats);

#endif
