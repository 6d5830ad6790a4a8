/*
 * tar-fixtures.h - archives in memory for the tar and layer tests (not a suite).
 */
#ifndef TINYDOCK_TAR_FIXTURES_H
#define TINYDOCK_TAR_FIXTURES_H

#include "tar.h"

#include <stddef.h>

/* A growing memory buffer: the sink of a tar_writer in tests. */
struct membuf {
	unsigned char *data;
	size_t len, cap;
};
int membuf_write(void *ctx, const void *buf, size_t size);

/* A memory source for a tar_reader, handing out at most chunk bytes per read (0: any). */
struct memsrc {
	const unsigned char *data;
	size_t len, pos, chunk;
};
ssize_t memsrc_read(void *ctx, void *buf, size_t size);

/* Describe an entry for fixtures: tar_entry with the given fields (strings are copied). */
struct tar_entry fixture_entry(char type, const char *path, const char *link, mode_t mode, uint64_t size);

/* Start an archive in *out; add entries (data for regular files); finish. Asserts on failure. */
struct tar_writer *fixture_begin(struct membuf *out);
void fixture_add(struct tar_writer *w, char type, const char *path, const char *link, const char *data);
void fixture_end(struct tar_writer *w);

/* Make a temporary folder (mkdtemp under /tmp) into buf; asserts. */
void fixture_tempdir(char *buf, size_t size, const char *tag);

#endif
