/*
 * gzip.h - reading gzip files (RFC 1952): a header, DEFLATE data, a CRC-32 and the size,
 * possibly several such members one after another. Streaming, like inflate.h.
 */
#ifndef TINYDOCK_GZIP_H
#define TINYDOCK_GZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "inflate.h"

struct gzip_reader;

/* Read gzip data from fd (which stays the caller's), from memory (which must outlive the
 * reader), or from any source. NULL if memory runs out. */
struct gzip_reader *gzip_open_fd(int fd);
struct gzip_reader *gzip_open_memory(const void *data, size_t size);
struct gzip_reader *gzip_open(inflate_source *source, void *ctx);
void gzip_close(struct gzip_reader *g);

/* The next piece of decompressed data: *chunk is valid until the next call. Returns its
 * length, 0 at the end of the last member (every CRC-32 and size checked), -1 on error
 * ("gzip: ..." or "inflate: at byte N: ..."). */
ssize_t gzip_next(struct gzip_reader *g, const uint8_t **chunk);

/* The same, copied into buf, for code that wants read(2)'s shape (a tar reader). */
ssize_t gzip_read(struct gzip_reader *g, void *buf, size_t size);

/* True when data starts with gzip's magic bytes 1f 8b: how `load` tells a .tar.gz layer
 * from a plain .tar. */
bool gzip_is_compressed(const void *data, size_t size);

#endif
