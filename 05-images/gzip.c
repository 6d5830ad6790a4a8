/*
 * gzip.c - the gzip file format (RFC 1952) around a DEFLATE stream.
 *
 * Lecture: a layer in a registry is "application/vnd.oci.image.layer.v1.tar+gzip": a tarball
 * compressed by gzip. A gzip file is one or more members, each:
 *
 *     1f 8b  08  FLG  MTIME(4)  XFL  OS        the header: magic, method 8 = deflate, flags
 *     [XLEN(2) extra field]     if FLG.FEXTRA   (FLG bits: 0 FTEXT, 1 FHCRC, 2 FEXTRA,
 *     [file name, NUL-ended]    if FLG.FNAME              3 FNAME, 4 FCOMMENT, 5-7 reserved)
 *     [comment, NUL-ended]      if FLG.FCOMMENT
 *     [CRC16(2) of the header]  if FLG.FHCRC
 *     DEFLATE data              see inflate.c
 *     CRC32(4)  ISIZE(4)        the CRC-32 and the length (mod 2^32) of the decompressed data
 *
 * all numbers little-endian. `cat a.gz b.gz` is a valid gzip file whose content is a then b,
 * so members follow each other until the input ends (pigz and some registries write several).
 * Every member's CRC-32 and size are checked; a mismatch is an error, not a warning.
 *
 * Read next: the image store, which verifies the SHA-256 of the compressed blob before it
 * ever reaches this code, and the diff_id (SHA-256 of the tarball) after.
 */
#include "gzip.h"
#include "crc32.h"
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FTEXT = 1, FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16, FRESERVED = 0xE0 };

struct gzip_reader {
	struct inflater *z;
	bool in_member;         /* between a member's header and its trailer */
	bool done;
	unsigned members;       /* members finished so far */
	uint32_t crc;           /* of the member's output so far */
	uint32_t size;          /* the member's output so far, mod 2^32 like ISIZE */
	uint32_t header_crc;    /* of the header bytes read so far (for FHCRC) */
	const uint8_t *pending; /* what gzip_read has not copied out yet */
	size_t pending_size;
	/* the built-in sources */
	int fd;
	struct memory_source memory;
};

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Record "gzip: member N: <problem>" and return -1. */
__attribute__((format(printf, 2, 3)))
static int gzip_error(struct gzip_reader *g, const char *fmt, ...)
{
	char problem[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(problem, sizeof(problem), fmt, ap);
	va_end(ap);
	return fail_errno(0, "gzip: member %u: %s", g->members + 1, problem);
}

/* Exactly n header bytes (added to the header's CRC), or an error naming what was cut off. */
static int header_bytes(struct gzip_reader *g, void *buf, size_t n, const char *what)
{
	ssize_t got = inflate_read_raw(g->z, buf, n);
	if (got < 0)
		return -1;
	if ((size_t)got < n)
		return gzip_error(g, "the input ends inside the %s", what);
	g->header_crc = crc32_update(g->header_crc, buf, n);
	return 0;
}

/* Skip a NUL-terminated field (the file name or the comment). */
static int skip_string(struct gzip_reader *g, const char *what)
{
	uint8_t c;
	do {
		if (header_bytes(g, &c, 1, what) < 0)
			return -1;
	} while (c != 0);
	return 0;
}

/* After the last member only zeros may follow: gzip(1) ignores zero padding ("decompression
 * OK, trailing zero bytes ignored"), as tape-blocked archives have it; anything else is an
 * error rather than silently ignored data. */
static int skip_zero_padding(struct gzip_reader *g)
{
	uint8_t buf[4096];
	ssize_t n;
	while ((n = inflate_read_raw(g->z, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != 0)
				return gzip_error(g, "not in gzip format (garbage after the last member)");
	return n < 0 ? -1 : 0;
}

/* Read a member's header (RFC 1952, 2.3). Returns 1 when a member starts, 0 at a clean end
 * of the input after at least one member, -1 on error. */
static int read_header(struct gzip_reader *g)
{
	uint8_t h[10];
	g->header_crc = 0;
	ssize_t got = inflate_read_raw(g->z, h, 1);
	if (got < 0)
		return -1;
	if (got == 0) {
		if (g->members > 0)
			return 0;
		return gzip_error(g, "the input is empty, not gzip data");
	}
	if (h[0] == 0 && g->members > 0)
		return skip_zero_padding(g);
	g->header_crc = crc32_update(0, h, 1);
	if (header_bytes(g, h + 1, 1, "header") < 0)
		return -1;
	if (h[0] != 0x1f || h[1] != 0x8b)
		return gzip_error(g, "not in gzip format (starts with %02x %02x, not 1f 8b)", h[0], h[1]);
	if (header_bytes(g, h + 2, 8, "header") < 0)
		return -1;
	if (h[2] != 8)
		return gzip_error(g, "unknown compression method %u (only 8, deflate, exists)", h[2]);
	uint8_t flags = h[3];
	if (flags & FRESERVED)
		return gzip_error(g, "reserved header flags are set");
	if (flags & FEXTRA) {
		uint8_t xlen[2], skip[256];
		if (header_bytes(g, xlen, 2, "extra field") < 0)
			return -1;
		for (size_t left = (size_t)xlen[0] | (size_t)xlen[1] << 8; left > 0;) {
			size_t n = left < sizeof(skip) ? left : sizeof(skip);
			if (header_bytes(g, skip, n, "extra field") < 0)
				return -1;
			left -= n;
		}
	}
	if ((flags & FNAME) && skip_string(g, "file name") < 0)
		return -1;
	if ((flags & FCOMMENT) && skip_string(g, "comment") < 0)
		return -1;
	if (flags & FHCRC) {
		uint32_t expected = g->header_crc & 0xFFFF;
		uint8_t crc16[2];
		if (header_bytes(g, crc16, 2, "header CRC") < 0)
			return -1;
		if ((uint32_t)(crc16[0] | crc16[1] << 8) != expected)
			return gzip_error(g, "header CRC mismatch");
	}
	return 1;
}

/* The trailer: the CRC-32 and size of what this member decompressed to. */
static int check_trailer(struct gzip_reader *g)
{
	uint8_t t[8];
	ssize_t got = inflate_read_raw(g->z, t, 8);
	if (got < 0)
		return -1;
	if (got < 8)
		return gzip_error(g, "the input ends before the trailer (CRC-32 and size)");
	if (le32(t) != g->crc)
		return gzip_error(g, "CRC-32 mismatch (the trailer says %08x, the data has %08x)", le32(t), g->crc);
	if (le32(t + 4) != g->size)
		return gzip_error(g, "length mismatch (the trailer says %u bytes, the data has %u)", le32(t + 4), g->size);
	return 0;
}

ssize_t gzip_next(struct gzip_reader *g, const uint8_t **chunk)
{
	while (!g->done) {
		if (!g->in_member) {
			int rc = read_header(g);
			if (rc < 0)
				return -1;
			if (rc == 0) {
				g->done = true;
				break;
			}
			g->in_member = true;
			g->crc = 0;
			g->size = 0;
		}
		ssize_t n = inflate_next(g->z, chunk);
		if (n < 0) {
			fail_context("gzip: member %u", g->members + 1);
			return -1;
		}
		if (n > 0) {
			g->crc = crc32_update(g->crc, *chunk, (size_t)n);
			g->size += (uint32_t)n;
			return n;
		}
		if (check_trailer(g) < 0)
			return -1;
		g->members++;
		g->in_member = false;
		inflate_restart(g->z);
	}
	*chunk = NULL;
	return 0;
}

ssize_t gzip_read(struct gzip_reader *g, void *buf, size_t size)
{
	if (g->pending_size == 0) {
		ssize_t n = gzip_next(g, &g->pending);
		if (n <= 0)
			return n;
		g->pending_size = (size_t)n;
	}
	size_t n = size < g->pending_size ? size : g->pending_size;
	memcpy(buf, g->pending, n);
	g->pending += n;
	g->pending_size -= n;
	return (ssize_t)n;
}

struct gzip_reader *gzip_open(inflate_source *source, void *ctx)
{
	struct gzip_reader *g = calloc(1, sizeof(*g));
	if (!g) {
		fail_sys("gzip: cannot allocate a reader");
		return NULL;
	}
	/* The built-in sources point into the reader itself. */
	if (source == inflate_fd_source && ctx == NULL)
		ctx = &g->fd;
	else if (source == inflate_memory_source && ctx == NULL)
		ctx = &g->memory;
	if (!(g->z = inflater_new(source, ctx))) {
		free(g);
		return NULL;
	}
	return g;
}

struct gzip_reader *gzip_open_fd(int fd)
{
	struct gzip_reader *g = gzip_open(inflate_fd_source, NULL);
	if (g)
		g->fd = fd;
	return g;
}

struct gzip_reader *gzip_open_memory(const void *data, size_t size)
{
	struct gzip_reader *g = gzip_open(inflate_memory_source, NULL);
	if (g)
		g->memory = (struct memory_source){ .data = data, .size = size };
	return g;
}

void gzip_close(struct gzip_reader *g)
{
	if (!g)
		return;
	inflater_free(g->z);
	free(g);
}

bool gzip_is_compressed(const void *data, size_t size)
{
	const uint8_t *p = data;
	return size >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}
