/*
 * changes.h - what a container changed: its overlay upper folder, read as a layer.
 *
 * `docker diff` lists the changes (A added, C changed, D deleted); `docker commit` archives
 * them as a layer tarball. Both start from the same walk of the upper folder (changes.c).
 */
#ifndef TINYDOCK_CHANGES_H
#define TINYDOCK_CHANGES_H

#include "tar.h"

#include <stdbool.h>
#include <stddef.h>

/* Visit one entry of a layer folder, in archive order. fd is open on a regular file's
 * data (read exactly entry->size bytes from it), else -1. */
typedef int (*layer_visit_fn)(void *ctx, const struct tar_entry *entry, int fd);

/* Walk an upper folder (or any layer folder in overlay format) as a layer: sorted, depth
 * first, overlay whiteouts (0/0 character devices) turned into ".wh.NAME" entries, opaque
 * folders (trusted.overlay.opaque=y) followed by a ".wh..wh..opq" entry, second names of
 * a hard-linked file as hard links, trusted.overlay.* and security.selinux left out. */
int layer_walk(const char *dir, layer_visit_fn visit, void *ctx);

struct create_stats {
	uint64_t entries, bytes, whiteouts;
};

/* Write dir as a layer tarball through sink (a file, or later a hasher in front of one).
 * The same folder gives the same bytes. */
int layer_create(const char *dir, tar_write_fn sink, void *sink_ctx, struct create_stats *stats);

/* Pure: the kind of change of an upper entry: 'D' for an overlay whiteout, 'C' when the
 * path exists in a lower layer, 'A' when it does not. */
char change_kind(bool whiteout, bool in_lower);

struct change {
	char kind;  /* 'A', 'C' or 'D' */
	char *path; /* "/etc/passwd" */
};

/* The changes of upper over lowers (lowest first), sorted by path as `docker diff` prints
 * them. Free with changes_free. */
int layer_changes(const char *upper, const char *const *lowers, size_t lower_count, struct change **changes,
		  size_t *count);
void changes_free(struct change *changes, size_t count);

#endif
