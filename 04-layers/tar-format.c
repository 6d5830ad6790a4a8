/*
 * tar-format.c - the 512-byte tar header block, its numbers, its checksum, and PAX records.
 *
 * An image layer is a tarball. This file is the byte layout of one
 * header (POSIX.1-1988 ustar, see tar(5) and the pax(1) specification):
 *
 *   offset  size  field      notes
 *        0   100  name       NUL-terminated unless exactly 100 bytes long
 *      100     8  mode       octal text, e.g. "0000644\0"
 *      108     8  uid        octal (or GNU base-256 when the top bit of byte 0 is set)
 *      116     8  gid
 *      124    12  size       octal: 11 digits make the 8 GiB limit of plain ustar
 *      136    12  mtime      seconds since 1970, octal
 *      148     8  chksum     sum of all 512 bytes with this field taken as spaces
 *      156     1  typeflag   '0' file, '1' hard link, '2' symlink, '3'/'4' char/block
 *                            device, '5' folder, '6' fifo; 'x'/'g' PAX, 'L'/'K' GNU
 *      157   100  linkname
 *      257     6  magic      "ustar\0" (POSIX) or "ustar " (GNU, with version " \0")
 *      263     2  version    "00"
 *      265    32  uname, 297 32 gname
 *      329     8  devmajor, 337 8 devminor
 *      345   155  prefix     POSIX: the path is prefix + "/" + name
 *      500    12  (padding)
 *
 * Everything here is pure (no I/O), so the unit tests pin each rule down.
 * Read next: tar-reader.c.
 */
#include "tar.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tar_parse_number(const char *field, size_t width, uint64_t *value)
{
	const unsigned char *p = (const unsigned char *)field;
	uint64_t v = 0;
	if (width > 0 && (p[0] & 0x80)) {
		/* GNU base-256: big-endian two's complement; 0xff in front means negative,
		 * which no size, uid or device may be. */
		if (p[0] == 0xff)
			return -1;
		v = p[0] & 0x7f;
		for (size_t i = 1; i < width; i++) {
			if (v >> 56)
				return -1; /* would overflow 64 bits */
			v = (v << 8) | p[i];
		}
		*value = v;
		return 0;
	}
	size_t i = 0;
	/* Old archivers pad on the left with spaces, and some leave a field all NULs. */
	while (i < width && (p[i] == ' ' || p[i] == '\0'))
		i++;
	for (; i < width && p[i] >= '0' && p[i] <= '7'; i++) {
		if (v >> 61)
			return -1;
		v = (v << 3) | (uint64_t)(p[i] - '0');
	}
	/* The number ends with a space or NUL, or at the end of the field. */
	for (; i < width; i++)
		if (p[i] != ' ' && p[i] != '\0')
			return -1;
	*value = v;
	return 0;
}

bool tar_format_octal(char *field, size_t width, uint64_t value)
{
	/* width-1 digits and a NUL, as GNU tar and Go's archive/tar write them. */
	char text[32];
	int n = snprintf(text, sizeof(text), "%0*llo", (int)(width - 1), (unsigned long long)value);
	if (n < 0 || (size_t)n > width - 1)
		return false;
	memcpy(field, text, width - 1);
	field[width - 1] = '\0';
	return true;
}

void tar_format_base256(char *field, size_t width, uint64_t value)
{
	unsigned char *p = (unsigned char *)field;
	for (size_t i = width; i-- > 0;) {
		p[i] = (unsigned char)(value & 0xff);
		value >>= 8;
	}
	p[0] = 0x80;
}

static void checksums(const unsigned char block[TAR_BLOCK], long *unsigned_sum, long *signed_sum)
{
	long u = 0, s = 0;
	for (int i = 0; i < TAR_BLOCK; i++) {
		unsigned char c = (i >= 148 && i < 156) ? ' ' : block[i];
		u += c;
		s += (signed char)c;
	}
	*unsigned_sum = u;
	*signed_sum = s;
}

bool tar_checksum_ok(const unsigned char block[TAR_BLOCK])
{
	uint64_t stored;
	if (tar_parse_number((const char *)block + 148, 8, &stored) < 0)
		return false;
	long u, s;
	checksums(block, &u, &s);
	/* Some old tars summed signed chars; POSIX says unsigned. Accept both, like GNU tar. */
	return stored == (uint64_t)u || (s >= 0 && stored == (uint64_t)s);
}

void tar_set_checksum(unsigned char block[TAR_BLOCK])
{
	long u, s;
	checksums(block, &u, &s);
	/* Six octal digits, NUL, space: the historic form every reader accepts. */
	snprintf((char *)block + 148, 8, "%06lo", u);
	block[155] = ' ';
}

bool tar_split_ustar_path(const char *path, size_t *prefix_len)
{
	size_t len = strlen(path);
	if (len <= 100) {
		*prefix_len = 0;
		return true;
	}
	/* The split must be at a '/', with at most 155 bytes before it and 100 after. */
	for (size_t i = len - 1; i > 0; i--) {
		if (path[i] != '/')
			continue;
		if (len - i - 1 > 100)
			return false; /* any later '/' leaves even more after it */
		if (i <= 155 && len - i - 1 > 0) {
			*prefix_len = i;
			return true;
		}
	}
	return false;
}

int tar_pax_append(char **buf, size_t *len, size_t *cap, const char *key, const void *value, size_t value_size)
{
	/* "LEN key=value\n" where LEN counts the whole record, its own digits included:
	 * try the digit count of the rest, and add one if LEN itself gains a digit. */
	size_t rest = 1 + strlen(key) + 1 + value_size + 1; /* ' ' key '=' value '\n' */
	size_t digits = 1;
	for (size_t t = rest; t >= 10; t /= 10)
		digits++;
	size_t total = rest + digits;
	char lenbuf[24];
	int n = snprintf(lenbuf, sizeof(lenbuf), "%zu", total);
	if ((size_t)n != digits) {
		total++;
		n = snprintf(lenbuf, sizeof(lenbuf), "%zu", total);
	}
	if (*len + total + 1 > *cap) {
		size_t bigger = (*cap ? *cap * 2 : 512);
		while (bigger < *len + total + 1)
			bigger *= 2;
		char *p = realloc(*buf, bigger);
		if (!p) {
			errno = ENOMEM;
			return -1;
		}
		*buf = p;
		*cap = bigger;
	}
	char *out = *buf + *len;
	memcpy(out, lenbuf, (size_t)n);
	out += n;
	*out++ = ' ';
	memcpy(out, key, strlen(key));
	out += strlen(key);
	*out++ = '=';
	memcpy(out, value, value_size);
	out += value_size;
	*out++ = '\n';
	*len += total;
	return 0;
}

int tar_pax_next(char *data, size_t size, size_t *pos, char **key, char **value, size_t *value_size)
{
	size_t p = *pos;
	if (p >= size)
		return 0;
	/* A run of NULs at the end (padding some writers leave) ends the records. */
	if (data[p] == '\0')
		return 0;
	size_t len = 0, start = p;
	while (p < size && data[p] >= '0' && data[p] <= '9') {
		if (len > size)
			return -1;
		len = len * 10 + (size_t)(data[p] - '0');
		p++;
	}
	if (p == start || p >= size || data[p] != ' ' || len > size - start || len < 5)
		return -1;
	size_t end = start + len; /* one past the '\n' */
	if (data[end - 1] != '\n')
		return -1;
	char *k = data + p + 1;
	char *eq = memchr(k, '=', (size_t)(data + end - 1 - k));
	if (!eq || eq == k)
		return -1;
	*eq = '\0';
	*key = k;
	*value = eq + 1;
	*value_size = (size_t)(data + end - 1 - (eq + 1));
	*pos = end;
	return 1;
}
