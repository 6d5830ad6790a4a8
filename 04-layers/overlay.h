/*
 * overlay.h - stacking layer folders into one root filesystem with overlayfs.
 */
#ifndef TINYDOCK_OVERLAY_H
#define TINYDOCK_OVERLAY_H

#include <stdbool.h>
#include <stddef.h>

/* How the mount was (or is to be) made; see overlay.c. */
enum overlay_method {
	OVERLAY_AUTO,     /* mount(2) if the options fit in a page, else fsconfig, else relative */
	OVERLAY_DATA,     /* mount(2) with "lowerdir=...,upperdir=...,workdir=..." */
	OVERLAY_FSCONFIG, /* the new mount API: fsopen, fsconfig("lowerdir+") per layer, fsmount */
	OVERLAY_RELATIVE, /* mount(2) with paths relative to a common folder we chdir into */
	OVERLAY_COPY,     /* no overlayfs: the layers were copied into the target */
};

struct overlay {
	const char *const *lowers; /* read-only layer folders, LOWEST FIRST (the image's order) */
	size_t lower_count;
	const char *upper;         /* the container's writable folder; NULL: read-only mount */
	const char *work;          /* overlay's scratch folder, same filesystem as upper */
	const char *target;        /* where the merged view appears */
	bool volatile_upper;       /* the upper need not survive a crash: no sync of it ("volatile") */
};

/* Overlayfs refuses more lower layers than this (OVL_MAX_STACK in fs/overlayfs). */
#define OVERLAY_MAX_LOWERS 500

/* Pure: the mount(2) options string for o, e.g. "lowerdir=/l/2:/l/1,upperdir=/u,workdir=/w"
 * (lowerdir lists the TOP layer first), with ',', ':' and '\' in paths escaped by '\'.
 * Paths are taken relative to strip_prefix when it is not NULL. Returns the length, or -1
 * (ENAMETOOLONG) when it does not fit in size. */
int overlay_options(const struct overlay *o, const char *strip_prefix, char *buf, size_t size);

/* Pure: the longest folder that contains every lower, the upper and the work folder
 * ("/var/lib/tinydock/layers" for ".../layers/<id>/diff"), written to buf. */
int overlay_common_folder(const struct overlay *o, char *buf, size_t size);

/* Mount o at o->target with the given method (OVERLAY_AUTO picks); *used says which. */
int overlay_mount(const struct overlay *o, enum overlay_method method, enum overlay_method *used);

/* Mount, or when overlayfs is not available here, copy the layers (lowest first, their
 * overlay whiteouts honoured) into o->target instead: *used is OVERLAY_COPY then, and the
 * caller should say so (writes then change the target itself; there is no upper to commit). */
int overlay_mount_or_copy(const struct overlay *o, enum overlay_method *used);

/* Copy layer folders (lowest first, overlay format) into target, as the merged view. */
int overlay_copy_layers(const char *const *lowers, size_t count, const char *target);

/* Unmount an overlay mounted at target. */
int overlay_unmount(const char *target);

const char *overlay_method_name(enum overlay_method method);

#endif
