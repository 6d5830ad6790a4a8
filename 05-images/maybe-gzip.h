/*
 * maybe-gzip.h - a stream that may be gzip-compressed, told by its first two bytes.
 *
 * Docker ships layers as .tar.gz and stores some as plain .tar; `import` takes either, and
 * `load` takes an archive either way. No file name or media type can be trusted to say which,
 * but every gzip member starts with the bytes 1f 8b (RFC 1952, section 2.3.1) and a tar never
 * does (it starts with a file name). So the stream's first two bytes are read, and then given
 * back as the start of the data: to the inflater when they are gzip's magic, to the reader
 * as they are otherwise. That works on a pipe too, where nothing can be read twice.
 */
#ifndef TINYDOCK_MAYBE_GZIP_H
#define TINYDOCK_MAYBE_GZIP_H

#include <stddef.h>
#include <sys/types.h>

struct maybe_gzip {
	int fd;                   /* the caller's, left open */
	unsigned char head[2];    /* the bytes read to look for the magic, given back first */
	size_t head_size, head_used;
	struct gzip_reader *gzip; /* NULL when the stream is plain */
};

/* Read fd's first bytes and, when they are gzip's magic, start inflating. name is for messages. */
int maybe_gzip_open(struct maybe_gzip *in, int fd, const char *name);

/* The stream's plain bytes, inflated or as they are: read(2)'s shape, for a tar reader
 * (ctx is the struct maybe_gzip). 0 at the end, -1 with the error recorded. */
ssize_t maybe_gzip_read(void *ctx, void *buf, size_t size);

/* Stop inflating; fd stays open. */
void maybe_gzip_close(struct maybe_gzip *in);

#endif
