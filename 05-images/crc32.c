/*
 * crc32.c - CRC-32, the checksum in every gzip trailer.
 *
 * Lecture: a compressed layer carries a checksum of what it decompresses to, so that a
 * broken download or a broken decompressor is noticed. Unlike SHA-256 it is no defence
 * against someone who changes the data on purpose (anyone can fix up a CRC); the digest of
 * the compressed blob in the manifest does that. The CRC catches accidents, cheaply.
 *
 * A CRC is the remainder of the message, read as a polynomial over GF(2), divided by a
 * fixed polynomial: here x^32 + x^26 + x^23 + ... + 1, written 0xEDB88320 with the bits
 * reversed because gzip sends the lowest bit first (RFC 1952, section 8). Division a bit at
 * a time is "shift right; if a 1 fell out, XOR the polynomial". A table of the 256
 * remainders of one byte turns eight of those steps into one lookup; eight tables
 * ("slicing by 8", Intel 2006) handle eight bytes per step, as fast as memory can feed it.
 *
 * Read next: inflate.c.
 */
#include "crc32.h"

#include <pthread.h>
#include <string.h>

static uint32_t table[8][256];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void make_tables(void)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;
		for (int bit = 0; bit < 8; bit++)
			c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		table[0][n] = c;
	}
	/* table[k][n]: the CRC of byte n followed by k zero bytes. */
	for (int k = 1; k < 8; k++)
		for (int n = 0; n < 256; n++)
			table[k][n] = (table[k - 1][n] >> 8) ^ table[0][table[k - 1][n] & 0xFF];
}

uint32_t crc32_update(uint32_t crc, const void *data, size_t size)
{
	pthread_once(&table_once, make_tables);
	const uint8_t *p = data;
	crc = ~crc; /* the register starts as all ones and the result is inverted (RFC 1952, 8) */
	while (size >= 8) {
		uint32_t lo, hi;
		memcpy(&lo, p, 4);
		memcpy(&hi, p + 4, 4);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		lo = __builtin_bswap32(lo);
		hi = __builtin_bswap32(hi);
#endif
		lo ^= crc;
		crc = table[7][lo & 0xFF] ^ table[6][(lo >> 8) & 0xFF] ^ table[5][(lo >> 16) & 0xFF] ^ table[4][lo >> 24] ^
		      table[3][hi & 0xFF] ^ table[2][(hi >> 8) & 0xFF] ^ table[1][(hi >> 16) & 0xFF] ^ table[0][hi >> 24];
		p += 8;
		size -= 8;
	}
	while (size-- > 0)
		crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 0xFF];
	return ~crc;
}
