/*
 * build-copy.h - COPY and ADD: files of the context (or of a stage, --from) written straight
 * into a layer, no container needed.
 */
#ifndef TINYDOCK_BUILD_COPY_H
#define TINYDOCK_BUILD_COPY_H

#include "build-context.h"
#include "build-plan.h"
#include "image-store.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* One file of the source as it lands in the image. */
struct copy_item {
	struct context_entry *entry;
	char *dest;   /* relative to the image's "/": "var/www/html/index.html" */
	bool unpack;  /* ADD of a local tar archive: its entries go under dest */
};

struct copy_plan {
	struct copy_item *items;
	size_t count;
	char **folders; /* the destination folders to make first, parents before children */
	size_t folder_count;
	bool from_folder; /* a source was a folder (history says "dir:", else "file:") */
};

/* What the instruction asks for, its words expanded by the caller. */
struct copy_request {
	const char *const *sources; /* relative to the source's root ("src/", "*.html") */
	size_t source_count;
	const char *dest;           /* absolute (WORKDIR joined), a trailing '/' kept */
	bool dest_is_folder;        /* dest exists in the image as a folder */
	bool add;                   /* ADD: a local tar archive is unpacked */
	bool keep_owner;            /* COPY --from: files keep their owner (the context's go to root) */
	bool owner_given;           /* --chown */
	uid_t uid;
	gid_t gid;
	bool mode_given;            /* --chmod */
	mode_t mode;
	int line;                   /* for messages */
};

/* Match the sources in src (wildcards per path element, as filepath.Match) and decide each
 * file's destination by the reference's rules: a folder's CONTENTS are copied; several
 * sources (or a wildcard) need a destination folder ending in '/'; a destination ending in '/'
 * or naming an existing folder receives the file under its own name. 0, or -1 with a message
 * naming the line ("COPY failed: file not found in build context: ..."). */
int copy_plan_make(struct build_context *src, const struct copy_request *req, struct copy_plan *plan);
void copy_plan_free(struct copy_plan *plan);

/* Feed what decides the layer into a cache key: destinations, modes, owners, link targets and
 * the content digests (the stat cache spares unchanged files' reads). */
int copy_plan_key(struct build_context *src, const struct copy_request *req, const struct copy_plan *plan,
		  struct cache_key *key);

/* Write the layer: the destination folders (with the metadata the image has for those that
 * exist: lookup), then every item. Stored in s; fills layer. */
struct build_rootfs;
int copy_plan_write(struct image_store *s, struct build_context *src, const struct copy_request *req,
		    const struct copy_plan *plan, const struct build_rootfs *image, struct oci_layer *layer);

/* --chown=USER[:GROUP]: numbers, or names looked up in the image's /etc/passwd and /etc/group
 * texts (either may be NULL). Pure. 0, or -1 with a message. */
int copy_owner_parse(const char *spec, const char *passwd, const char *group, uid_t *uid, gid_t *gid);

#endif
