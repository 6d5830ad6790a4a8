/*
 * build-context.h - the files a build may copy from: a folder read once, .dockerignore
 * applied, never a symbolic link followed; and the digests of their contents, remembered
 * between builds (a stat cache) so that an unchanged file is not read again.
 *
 * The same tree also stands for a stage's or an image's files (COPY --from), read from a
 * read-only overlay of its layers.
 */
#ifndef TINYDOCK_BUILD_CONTEXT_H
#define TINYDOCK_BUILD_CONTEXT_H

#include "dockerignore.h"
#include "sha256.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

struct context_entry {
	char *path;        /* relative to the root, '/'-separated: "src/index.html" */
	struct stat st;    /* lstat(2): the entry itself, never what a link points at */
	char *link;        /* a symbolic link's target, as stored */
	bool hashed;
	uint8_t sum[SHA256_SIZE]; /* a regular file's content digest, once hashed */
};

struct build_context {
	char root[PATH_MAX];     /* the folder, absolute */
	int root_fd;             /* open on it (-1 for an empty context) */
	struct context_entry *entries; /* sorted by path (strcmp) */
	size_t count;
	/* The stat cache: the digests of the last build, by path, with the stat they were made for. */
	struct context_entry *known;
	size_t known_count;
	char cache_file[PATH_MAX]; /* "" when no cache is kept (a stage's files) */
	size_t files_read;       /* regular files whose content was read for a digest */
};

/* Read the tree under dir (rules may be NULL), entries sorted; with cache_file (may be NULL)
 * the digests of an earlier build are loaded from it. dir NULL gives an empty context. */
int build_context_open(struct build_context *ctx, const char *dir, const struct ignore_rules *rules,
		       const char *cache_file);

/* The entry at path ("" or "." is the root folder, which has no entry: NULL), or NULL. */
struct context_entry *build_context_find(struct build_context *ctx, const char *path);

/* The content digest of a regular file: from the stat cache when its size, mode, mtime,
 * ctime and inode are what they were, else read and hashed (files_read counts it). */
int build_context_digest(struct build_context *ctx, struct context_entry *entry);

/* Open a regular file of the context for reading, no symbolic link followed on the way. */
int build_context_open_file(const struct build_context *ctx, const char *path);

/* Write the stat cache back (atomically) when a digest was made. */
int build_context_save(struct build_context *ctx);

void build_context_close(struct build_context *ctx);

/* Pure: is path (relative) inside folder (relative, "" for the root)? "a/b" is in "a". */
bool context_path_within(const char *path, const char *folder);

#endif
