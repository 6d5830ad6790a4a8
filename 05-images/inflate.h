/*
 * inflate.h - DEFLATE decompression (RFC 1951), streaming: compressed bytes come in from a
 * source, decompressed bytes go out in chunks, and only a 32 KiB window is ever kept.
 */
#ifndef TINYDOCK_INFLATE_H
#define TINYDOCK_INFLATE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Where compressed bytes come from, like read(2): up to size bytes into buf; 0 at the end;
 * -1 after recording an error (error.h). */
typedef ssize_t inflate_source(void *ctx, void *buf, size_t size);

/* A source that reads a file descriptor (ctx points at the int fd). */
ssize_t inflate_fd_source(void *ctx, void *buf, size_t size);

/* A source that reads a buffer in memory (ctx points at a struct memory_source). */
struct memory_source {
	const uint8_t *data;
	size_t size;
	size_t position;
};
ssize_t inflate_memory_source(void *ctx, void *buf, size_t size);

struct inflater;

/* A decompressor reading from source(ctx); NULL if memory runs out. */
struct inflater *inflater_new(inflate_source *source, void *ctx);
void inflater_free(struct inflater *z);

/* Decompress the next piece of the stream. *chunk points at the bytes, valid until the next
 * call. Returns their count, 0 after the final block, or -1 with the error recorded
 * ("inflate: at byte N: <problem>"). */
ssize_t inflate_next(struct inflater *z, const uint8_t **chunk);

/* Read whole bytes that follow the stream (or precede it): a gzip header and trailer.
 * Returns how many were read, fewer than size only at the end of the input; -1 on error. */
ssize_t inflate_read_raw(struct inflater *z, void *buf, size_t size);

/* Begin a new, independent stream on the same input (the next gzip member). */
void inflate_restart(struct inflater *z);

/* How many compressed bytes have been used so far, a partly used one included. */
uint64_t inflate_position(const struct inflater *z);

#endif
