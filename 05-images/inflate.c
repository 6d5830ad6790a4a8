/*
 * inflate.c - DEFLATE decompression (RFC 1951): how a .tar.gz layer becomes a tarball again.
 *
 * Layers are stored and shipped as compressed tarballs. Docker and registries
 * compress layers with gzip, and gzip's compressed data is DEFLATE. A DEFLATE stream is a
 * series of blocks; each block is a series of two kinds of instructions:
 *
 *   - a literal: "output byte 'e'";
 *   - a back reference (LZ77): "copy 12 bytes from 3000 bytes back in the output".
 *
 * A back reference reaches at most 32 KiB back, so a decompressor only keeps the last
 * 32 KiB it produced (the window), however long the stream: a 2 GiB layer is inflated with
 * a few hundred KiB of memory. Repeated text, tar headers and zero padding become short
 * references; that is most of the saving.
 *
 * The instructions are written with Huffman codes: frequent symbols get short bit strings,
 * rare ones long strings, and no code is the prefix of another, so the reader can tell
 * where each ends. Literals and lengths share one alphabet (0-255 bytes, 256 end of block,
 * 257-285 lengths), distances have another (0-29). A block says how it is coded:
 *
 *   type 0 "stored":  no compression, a length and the raw bytes (for incompressible data);
 *   type 1 "fixed":   the codes of RFC 1951 section 3.2.6, known in advance;
 *   type 2 "dynamic": the block starts with its own code, itself described compactly by
 *                     the lengths of its codes (a canonical Huffman code is fully given by
 *                     the length of each symbol's code), those lengths run-length coded and
 *                     Huffman coded once more (3.2.7).
 *
 * Decoding fast: reading a code bit by bit is slow. Instead the next FAST_BITS (10) bits of
 * input index a table that gives the symbol and its length at once; all codes up to 10 bits
 * long, which is nearly every symbol decoded, take one lookup. The rare longer codes fall
 * back to a bit-by-bit walk of the canonical code (decode_slow), which needs no table.
 *
 * Everything from outside is checked: block types, code lengths (over-subscribed or
 * incomplete codes), lengths and distances (never before the start of the output), stored
 * lengths against their complement, and the end of input. A broken stream is an error
 * message naming the byte where it broke, never a read or write out of bounds.
 *
 * Read next: gzip.c, the wrapper around a DEFLATE stream with a name and a CRC-32.
 */
#include "inflate.h"
#include "error.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	WINDOW = 32768,                 /* how far back a distance may reach (RFC 1951, 2) */
	MAX_MATCH = 258,                /* the longest copy */
	OUT_SIZE = 4 * WINDOW,          /* the window plus room for ~96 KiB of new output */
	IN_SIZE = 64 * 1024,
	MAX_BITS = 15,                  /* the longest Huffman code */
	FAST_BITS = 10,
	LITLEN_SYMBOLS = 288,
	DIST_SYMBOLS = 32,
};

/* A canonical Huffman code, ready for decoding. */
struct huffman {
	uint16_t fast[1 << FAST_BITS];  /* by the next FAST_BITS bits: symbol << 4 | length, 0 = longer code */
	uint16_t count[MAX_BITS + 1];   /* how many codes of each length */
	uint16_t symbol[LITLEN_SYMBOLS];/* the symbols in code order (by length, then value) */
};

enum state { BLOCK_HEADER, STORED, HUFFMAN, STREAM_END, BROKEN };

struct inflater {
	inflate_source *source;
	void *ctx;
	enum state state;
	bool final;                     /* the current block is the last one */
	size_t stored_left;             /* bytes left in a stored block */
	const struct huffman *litlen;   /* the codes of the current block */
	const struct huffman *dist;

	/* Input: bytes read from the source, and a bit buffer. DEFLATE packs bits starting
	 * from the lowest bit of each byte (RFC 1951, 3.1.1), so bits are taken from the
	 * bottom of `bits` and new bytes go on top. */
	uint64_t bits;
	unsigned nbits;
	uint8_t *in;
	size_t in_pos, in_end;
	bool in_eof;
	uint64_t in_total;              /* bytes read from the source */

	/* Output: out[0..out_pos) is the last output, at least the window's worth of it once
	 * there is that much; new bytes are written at out_pos. */
	uint8_t *out;
	size_t out_pos;

	struct huffman dynamic_litlen, dynamic_dist;
};

/* RFC 1951, 3.2.5: the base value and extra bits of each length and distance symbol. */
static const uint16_t length_base[29] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
					  35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t length_extra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
					  3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dist_base[30] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
					257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577 };
static const uint8_t dist_extra[30] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
					7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

uint64_t inflate_position(const struct inflater *z)
{
	uint64_t loaded = z->in_total - (z->in_end - z->in_pos); /* bytes moved into `bits` or out */
	return (8 * loaded - z->nbits + 7) / 8;                  /* a partly used byte counts */
}

/* Record "inflate: at byte N: <problem>", N being the byte (from 0) that holds the last bit
 * read, mark the stream broken and return -1. */
__attribute__((format(printf, 2, 3)))
static int broken(struct inflater *z, const char *fmt, ...)
{
	char message[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	z->state = BROKEN;
	uint64_t position = inflate_position(z);
	return fail_errno(0, "inflate: at byte %llu: %s", (unsigned long long)(position ? position - 1 : 0), message);
}

/* --- sources -------------------------------------------------------------------------------- */

ssize_t inflate_fd_source(void *ctx, void *buf, size_t size)
{
	int fd = *(int *)ctx;
	for (;;) {
		ssize_t n = read(fd, buf, size);
		if (n >= 0)
			return n;
		if (errno != EINTR)
			return fail_sys("cannot read compressed data");
	}
}

ssize_t inflate_memory_source(void *ctx, void *buf, size_t size)
{
	struct memory_source *m = ctx;
	size_t left = m->size - m->position;
	size_t n = size < left ? size : left;
	memcpy(buf, m->data + m->position, n);
	m->position += n;
	return (ssize_t)n;
}

/* --- bits ----------------------------------------------------------------------------------- */

/* Read more input when the buffer is empty; false at the end of input or on an error. */
static bool fill_input(struct inflater *z, int *error)
{
	if (z->in_eof)
		return false;
	ssize_t n = z->source(z->ctx, z->in, IN_SIZE);
	if (n < 0) {
		*error = broken(z, "%s", error_message());
		return false;
	}
	if (n == 0) {
		z->in_eof = true;
		return false;
	}
	z->in_pos = 0;
	z->in_end = (size_t)n;
	z->in_total += (size_t)n;
	return true;
}

/* Top the bit buffer up to at least 56 bits, or as many as the input has left. */
static int refill(struct inflater *z)
{
	int error = 0;
	while (z->nbits < 56) {
		if (z->in_pos == z->in_end && !fill_input(z, &error))
			return error;
		if (z->in_end - z->in_pos >= 8) {
			/* Eight bytes in one load; keep the whole ones that fit. */
			uint64_t v;
			memcpy(&v, z->in + z->in_pos, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
			v = __builtin_bswap64(v);
#endif
			unsigned take = (63 - z->nbits) / 8;
			v &= (1ULL << (8 * take)) - 1;
			z->bits |= v << z->nbits;
			z->nbits += 8 * take;
			z->in_pos += take;
		} else {
			z->bits |= (uint64_t)z->in[z->in_pos++] << z->nbits;
			z->nbits += 8;
		}
	}
	return 0;
}

static int truncated(struct inflater *z)
{
	return broken(z, "unexpected end of compressed data");
}

/* Take n (<= 32) bits; the caller has refilled. -1 if the input ended first. */
static inline int64_t take_bits(struct inflater *z, unsigned n)
{
	if (z->nbits < n)
		return truncated(z);
	uint32_t v = (uint32_t)(z->bits & ((1ULL << n) - 1));
	z->bits >>= n;
	z->nbits -= n;
	return v;
}

/* Take n bits, refilling first: for block headers, where speed does not matter. */
static int64_t get_bits(struct inflater *z, unsigned n)
{
	if (z->nbits < n && refill(z) < 0)
		return -1;
	return take_bits(z, n);
}

/* --- Huffman codes ------------------------------------------------------------------------ */

static unsigned reverse_bits(unsigned code, unsigned length)
{
	unsigned r = 0;
	for (unsigned i = 0; i < length; i++, code >>= 1)
		r = r << 1 | (code & 1);
	return r;
}

/* Build the code with the given length per symbol (0 = unused). Returns how many codes of
 * the space are left unused (0 for a complete code), or -1 for an over-subscribed one:
 * more codes of some length than there are bit strings for (RFC 1951, 3.2.2). */
static int build_huffman(struct huffman *h, const uint8_t *lengths, unsigned n)
{
	memset(h->count, 0, sizeof(h->count));
	for (unsigned s = 0; s < n; s++)
		h->count[lengths[s]]++;
	h->count[0] = 0;
	int left = 1; /* bit strings of the current length still free */
	for (unsigned len = 1; len <= MAX_BITS; len++) {
		left = left * 2 - h->count[len];
		if (left < 0)
			return -1;
	}
	/* Symbols sorted by code: by length, then by symbol value (canonical order, 3.2.2). */
	uint16_t offset[MAX_BITS + 2] = { 0 };
	for (unsigned len = 1; len <= MAX_BITS; len++)
		offset[len + 1] = (uint16_t)(offset[len] + h->count[len]);
	for (unsigned s = 0; s < n; s++)
		if (lengths[s])
			h->symbol[offset[lengths[s]]++] = (uint16_t)s;

	/* The fast table: each code of up to FAST_BITS bits fills every entry whose low bits
	 * are the code (reversed, since bits arrive lowest first). */
	memset(h->fast, 0, sizeof(h->fast));
	unsigned code = 0, index = 0;
	for (unsigned len = 1; len <= FAST_BITS; len++, code <<= 1) {
		for (unsigned k = 0; k < h->count[len]; k++, code++, index++) {
			uint16_t entry = (uint16_t)(h->symbol[index] << 4 | len);
			for (unsigned i = reverse_bits(code, len); i < (1u << FAST_BITS); i += 1u << len)
				h->fast[i] = entry;
		}
	}
	return left;
}

/* A code longer than FAST_BITS, or no code at all: walk the canonical code a bit at a time.
 * Of all codes of a length, the first has the value `first`, and they are consecutive. */
static int decode_slow(struct inflater *z, const struct huffman *h)
{
	int code = 0, first = 0, index = 0;
	for (unsigned len = 1; len <= MAX_BITS; len++) {
		if (len > z->nbits)
			return truncated(z);
		code |= (int)(z->bits >> (len - 1)) & 1;
		int count = h->count[len];
		if (code - first < count) {
			z->bits >>= len;
			z->nbits -= len;
			return h->symbol[index + code - first];
		}
		index += count;
		first = (first + count) << 1;
		code <<= 1;
	}
	return broken(z, "invalid Huffman code");
}

static inline int decode(struct inflater *z, const struct huffman *h)
{
	uint16_t entry = h->fast[z->bits & ((1u << FAST_BITS) - 1)];
	unsigned len = entry & 15;
	if (entry == 0 || len > z->nbits)
		return decode_slow(z, h);
	z->bits >>= len;
	z->nbits -= len;
	return entry >> 4;
}

/* The fixed codes of RFC 1951, 3.2.6, built once for all inflaters. They include the
 * symbols 286, 287 (lengths) and 30, 31 (distances) that must never appear. */
static struct huffman fixed_litlen, fixed_dist;
static pthread_once_t fixed_once = PTHREAD_ONCE_INIT;

static void build_fixed(void)
{
	uint8_t lengths[LITLEN_SYMBOLS];
	for (int s = 0; s < LITLEN_SYMBOLS; s++)
		lengths[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
	build_huffman(&fixed_litlen, lengths, LITLEN_SYMBOLS);
	memset(lengths, 5, DIST_SYMBOLS);
	build_huffman(&fixed_dist, lengths, DIST_SYMBOLS);
}

/* --- block headers -------------------------------------------------------------------------- */

/* A complete code is required, except that a code with a single symbol may use one bit
 * string of length 1 and leave the other unused (what zlib's inftrees.c also accepts), and a
 * distance code may be empty when a block has only literals. */
static bool acceptable(int left, const struct huffman *h)
{
	unsigned used = 0;
	for (unsigned len = 1; len <= MAX_BITS; len++)
		used += h->count[len];
	return left == 0 || (used == 1 && h->count[1] == 1) || used == 0;
}

/* A dynamic block's header (RFC 1951, 3.2.7): the code lengths of its two codes, themselves
 * Huffman coded with a "code length code" whose lengths come first. */
static int read_dynamic_codes(struct inflater *z)
{
	static const uint8_t order[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };
	int64_t hlit = get_bits(z, 5), hdist = get_bits(z, 5), hclen = get_bits(z, 4);
	if (hlit < 0 || hdist < 0 || hclen < 0)
		return -1;
	unsigned nlit = (unsigned)hlit + 257, ndist = (unsigned)hdist + 1, nlen = (unsigned)hclen + 4;
	if (nlit > 286 || ndist > 30)
		return broken(z, "dynamic block with %u length and %u distance codes (at most 286 and 30)", nlit, ndist);

	uint8_t lengths[LITLEN_SYMBOLS + DIST_SYMBOLS] = { 0 };
	for (unsigned i = 0; i < nlen; i++) {
		int64_t v = get_bits(z, 3);
		if (v < 0)
			return -1;
		lengths[order[i]] = (uint8_t)v;
	}
	struct huffman *lencode = &z->dynamic_litlen; /* borrowed until the real one is built */
	if (build_huffman(lencode, lengths, 19) != 0)
		return broken(z, "invalid code length code (over-subscribed or incomplete)");

	/* The lengths of both codes, one sequence: 0-15 are lengths, 16 repeats the previous
	 * length 3-6 times, 17 and 18 give 3-10 and 11-138 zeros. */
	unsigned n = 0;
	while (n < nlit + ndist) {
		if (refill(z) < 0)
			return -1;
		int sym = decode(z, lencode);
		if (sym < 0)
			return -1;
		if (sym < 16) {
			lengths[n++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16 && n == 0)
			return broken(z, "code length repeat with no previous length");
		uint8_t value = sym == 16 ? lengths[n - 1] : 0;
		int64_t extra = take_bits(z, sym == 16 ? 2 : sym == 17 ? 3 : 7);
		if (extra < 0)
			return -1;
		int64_t repeat = extra + (sym == 18 ? 11 : 3);
		if (n + (unsigned)repeat > nlit + ndist)
			return broken(z, "code length repeat past the end of the lengths");
		memset(lengths + n, value, (size_t)repeat);
		n += (unsigned)repeat;
	}
	if (lengths[256] == 0)
		return broken(z, "dynamic block without an end-of-block code");

	int left = build_huffman(&z->dynamic_litlen, lengths, nlit);
	if (left < 0 || !acceptable(left, &z->dynamic_litlen))
		return broken(z, "invalid literal/length code (over-subscribed or incomplete)");
	/* The distances' lengths follow the literals' in the same array. */
	uint8_t dist_lengths[DIST_SYMBOLS] = { 0 };
	memcpy(dist_lengths, lengths + nlit, ndist);
	left = build_huffman(&z->dynamic_dist, dist_lengths, ndist);
	if (left < 0 || !acceptable(left, &z->dynamic_dist))
		return broken(z, "invalid distance code (over-subscribed or incomplete)");
	z->litlen = &z->dynamic_litlen;
	z->dist = &z->dynamic_dist;
	return 0;
}

/* The three bits that start a block, then what the block's type needs (RFC 1951, 3.2.3). */
static int read_block_header(struct inflater *z)
{
	int64_t header = get_bits(z, 3);
	if (header < 0)
		return -1;
	z->final = header & 1;
	switch (header >> 1) {
	case 0: { /* stored: skip to a byte boundary; LEN and NLEN, its ones' complement */
		take_bits(z, z->nbits % 8);
		int64_t len = get_bits(z, 16), nlen = get_bits(z, 16);
		if (len < 0 || nlen < 0)
			return -1;
		if (len != (~nlen & 0xFFFF))
			return broken(z, "stored block length %lld does not match its complement", (long long)len);
		z->stored_left = (size_t)len;
		z->state = STORED;
		return 0;
	}
	case 1:
		pthread_once(&fixed_once, build_fixed);
		z->litlen = &fixed_litlen;
		z->dist = &fixed_dist;
		z->state = HUFFMAN;
		return 0;
	case 2:
		if (read_dynamic_codes(z) < 0)
			return -1;
		z->state = HUFFMAN;
		return 0;
	default:
		return broken(z, "invalid block type 3");
	}
}

/* --- block bodies --------------------------------------------------------------------------- */

/* Copy up to `room` bytes of a stored block: first whole bytes left in the bit buffer, then
 * straight from the input buffer. */
static int copy_stored(struct inflater *z, size_t room)
{
	while (z->stored_left > 0 && room > 0) {
		if (z->nbits >= 8) {
			z->out[z->out_pos++] = (uint8_t)take_bits(z, 8);
			z->stored_left--, room--;
			continue;
		}
		int error = 0;
		if (z->in_pos == z->in_end && !fill_input(z, &error))
			return error < 0 ? error : truncated(z);
		size_t n = z->in_end - z->in_pos;
		n = n < z->stored_left ? n : z->stored_left;
		n = n < room ? n : room;
		memcpy(z->out + z->out_pos, z->in + z->in_pos, n);
		z->in_pos += n;
		z->out_pos += n;
		z->stored_left -= n;
		room -= n;
	}
	if (z->stored_left == 0)
		z->state = z->final ? STREAM_END : BLOCK_HEADER;
	return 0;
}

/* Decode literals and back references until the end of the block or until the output
 * buffer has no room for another longest copy. The hot loop of the whole chapter. */
static int decode_huffman(struct inflater *z)
{
	const struct huffman *litlen = z->litlen, *dist = z->dist;
	uint8_t *out = z->out;
	size_t pos = z->out_pos;
	int rc = 0;
	while (pos < OUT_SIZE - MAX_MATCH) {
		/* 48 bits are enough for the longest length and distance with extra bits. */
		if (z->nbits < 48 && (rc = refill(z)) < 0)
			break;
		int sym = decode(z, litlen);
		if (sym < 256) {
			if (sym < 0) {
				rc = -1;
				break;
			}
			out[pos++] = (uint8_t)sym;
			continue;
		}
		if (sym == 256) {
			z->state = z->final ? STREAM_END : BLOCK_HEADER;
			break;
		}
		if (sym > 285) {
			rc = broken(z, "invalid length symbol %d", sym);
			break;
		}
		int64_t extra = take_bits(z, length_extra[sym - 257]);
		int dsym = extra < 0 ? -1 : decode(z, dist);
		if (dsym < 0) {
			rc = -1;
			break;
		}
		if (dsym > 29) {
			rc = broken(z, "invalid distance symbol %d", dsym);
			break;
		}
		size_t length = length_base[sym - 257] + (size_t)extra;
		int64_t dextra = take_bits(z, dist_extra[dsym]);
		if (dextra < 0) {
			rc = -1;
			break;
		}
		size_t distance = dist_base[dsym] + (size_t)dextra;
		if (distance > pos) {
			/* pos counts every byte still in the window: farther back is before the
			 * start of the stream. */
			z->out_pos = pos;
			rc = broken(z, "distance %zu is too far back (only %zu bytes of output)", distance, pos);
			break;
		}
		uint8_t *dst = out + pos;
		const uint8_t *src = dst - distance;
		if (distance >= length) {
			memcpy(dst, src, length);
		} else {
			/* Overlapping: "copy 10 from 1 back" repeats one byte ten times (2.4 of the
			 * RFC); byte by byte gives exactly that. */
			for (size_t i = 0; i < length; i++)
				dst[i] = src[i];
		}
		pos += length;
	}
	z->out_pos = pos;
	return rc;
}

/* --- the stream ----------------------------------------------------------------------------- */

ssize_t inflate_next(struct inflater *z, const uint8_t **chunk)
{
	if (z->state == BROKEN)
		return fail_errno(0, "inflate: the stream is already broken");
	/* The caller is done with the last chunk: keep only the window. */
	if (z->out_pos > WINDOW) {
		memmove(z->out, z->out + z->out_pos - WINDOW, WINDOW);
		z->out_pos = WINDOW;
	}
	size_t start = z->out_pos;
	while (z->out_pos < OUT_SIZE - MAX_MATCH) {
		int rc = 0;
		if (z->state == BLOCK_HEADER)
			rc = read_block_header(z);
		else if (z->state == STORED)
			rc = copy_stored(z, OUT_SIZE - z->out_pos);
		else if (z->state == HUFFMAN)
			rc = decode_huffman(z);
		else
			break; /* STREAM_END */
		if (rc < 0)
			return -1;
	}
	*chunk = z->out + start;
	return (ssize_t)(z->out_pos - start);
}

ssize_t inflate_read_raw(struct inflater *z, void *buf, size_t size)
{
	uint8_t *p = buf;
	size_t done = 0;
	take_bits(z, z->nbits % 8); /* whole bytes only: a stream ends on a byte boundary for gzip */
	while (done < size && z->nbits >= 8)
		p[done++] = (uint8_t)take_bits(z, 8);
	while (done < size) {
		int error = 0;
		if (z->in_pos == z->in_end && !fill_input(z, &error)) {
			if (error < 0)
				return -1;
			break;
		}
		size_t n = z->in_end - z->in_pos;
		n = n < size - done ? n : size - done;
		memcpy(p + done, z->in + z->in_pos, n);
		z->in_pos += n;
		done += n;
	}
	return (ssize_t)done;
}

void inflate_restart(struct inflater *z)
{
	z->state = BLOCK_HEADER;
	z->final = false;
	z->out_pos = 0; /* a new stream cannot refer back into the last one */
}

struct inflater *inflater_new(inflate_source *source, void *ctx)
{
	struct inflater *z = calloc(1, sizeof(*z));
	if (z) {
		z->in = malloc(IN_SIZE);
		z->out = malloc(OUT_SIZE);
	}
	if (!z || !z->in || !z->out) {
		fail_sys("inflate: cannot allocate buffers");
		inflater_free(z);
		return NULL;
	}
	z->source = source;
	z->ctx = ctx;
	z->state = BLOCK_HEADER;
	return z;
}

void inflater_free(struct inflater *z)
{
	if (!z)
		return;
	free(z->in);
	free(z->out);
	free(z);
}
