/*
 * maybe-gzip.c - looking at two bytes before deciding how to read the rest (see maybe-gzip.h).
 *
 * The bytes read to decide are kept, and the one source below serves them before reading on:
 * both the inflater and the plain reader start from it, so neither misses them.
 */
#include "maybe-gzip.h"
#include "error.h"
#include "gzip.h"
#include "tar.h"

#include <stdint.h>
#include <string.h>
#include <unistd.h>

/* The raw bytes: the kept head first, then the fd. */
static ssize_t raw_read(void *ctx, void *buf, size_t size)
{
	struct maybe_gzip *in = ctx;
	if (in->head_used < in->head_size && size > 0) {
		size_t n = in->head_size - in->head_used < size ? in->head_size - in->head_used : size;
		memcpy(buf, in->head + in->head_used, n);
		in->head_used += n;
		return (ssize_t)n;
	}
	return tar_read_fd((void *)(intptr_t)in->fd, buf, size);
}

int maybe_gzip_open(struct maybe_gzip *in, int fd, const char *name)
{
	memset(in, 0, sizeof(*in));
	in->fd = fd;
	/* A pipe may hand over one byte at a time: read until two, or the end. */
	while (in->head_size < sizeof(in->head)) {
		ssize_t n = tar_read_fd((void *)(intptr_t)fd, in->head + in->head_size, sizeof(in->head) - in->head_size);
		if (n < 0)
			return fail_context("%s", name);
		if (n == 0)
			break;
		in->head_size += (size_t)n;
	}
	if (gzip_is_compressed(in->head, in->head_size) && !(in->gzip = gzip_open(raw_read, in)))
		return fail_context("%s", name);
	return 0;
}

ssize_t maybe_gzip_read(void *ctx, void *buf, size_t size)
{
	struct maybe_gzip *in = ctx;
	return in->gzip ? gzip_read(in->gzip, buf, size) : raw_read(in, buf, size);
}

void maybe_gzip_close(struct maybe_gzip *in)
{
	if (in->gzip)
		gzip_close(in->gzip);
	in->gzip = NULL;
}
