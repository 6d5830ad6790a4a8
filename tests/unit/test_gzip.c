/*
 * test_gzip.c - CRC-32, inflate and gzip (05-images): the output of gzip at every level
 * inflated back, streaming in small pieces, every header flag, several members, and
 * corrupt input (bit flips, truncation, bad CRC, bad lengths, distances too far back)
 * giving an error, never a crash or a wrong result; and a stream told gzip or plain by its first
 * two bytes, however they arrive.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crc32.h"
#include "error.h"
#include "files.h"
#include "gzip.h"
#include "harness.h"
#include "inflate.h"
#include "maybe-gzip.h"

static void fill_random(uint8_t *buf, size_t size, uint64_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
	for (size_t i = 0; i < size; i++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		buf[i] = (uint8_t)((x * 0x2545f4914f6cdd1dULL) >> 56);
	}
}

/* Text-like data: words from a small vocabulary, so there are many back references, some
 * far (up to the whole 32 KiB window) and some overlapping. */
static uint8_t *make_text(size_t size)
{
	static const char *words[] = { "layer ", "image ", "manifest ", "sha256:", "config ", "the ", "a ",
				       "overlay ", "whiteout\n", "tar ", "{\"digest\": ", "0", "1", "aaaaaaaa" };
	uint8_t *buf = malloc(size);
	uint8_t r[1];
	size_t n = 0;
	for (uint64_t seed = 1; n < size; seed++) {
		fill_random(r, 1, seed);
		const char *w = words[r[0] % (sizeof(words) / sizeof(words[0]))];
		for (; *w && n < size; w++)
			buf[n++] = (uint8_t)*w;
	}
	return buf;
}

/* Decompress all of a gzip buffer; returns the output (malloc'd, *size set) or NULL with the
 * error recorded. */
static uint8_t *gunzip_all(const uint8_t *gz, size_t gz_size, size_t *size)
{
	struct gzip_reader *g = gzip_open_memory(gz, gz_size);
	ck_assert_ptr_nonnull(g);
	size_t cap = 1 << 16, n = 0;
	uint8_t *out = malloc(cap);
	for (;;) {
		const uint8_t *chunk;
		ssize_t got = gzip_next(g, &chunk);
		if (got < 0) {
			free(out);
			out = NULL;
			break;
		}
		if (got == 0)
			break;
		while (n + (size_t)got > cap)
			out = realloc(out, cap *= 2);
		memcpy(out + n, chunk, (size_t)got);
		n += (size_t)got;
	}
	gzip_close(g);
	*size = n;
	return out;
}

/* Run gzip -LEVEL on data in dir; returns the .gz file's bytes. */
static uint8_t *gzip_with_tool(const char *dir, const char *name, const uint8_t *data, size_t size,
			       const char *level, size_t *gz_size)
{
	char path[512], gz[600];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_int_eq(write_file_atomic(path, data, size, 0600), 0);
	const char *argv[] = { "gzip", level, "-k", "-f", path, NULL };
	struct run_result r = run_program(NULL, 60, argv);
	ck_assert_msg(r.status == 0, "gzip %s failed: %s", level, r.err);
	run_free(&r);
	snprintf(gz, sizeof(gz), "%s.gz", path);
	uint8_t *bytes = (uint8_t *)read_file(gz, gz_size);
	ck_assert_ptr_nonnull(bytes);
	unlink(gz);
	return bytes;
}

START_TEST(crc32_gives_the_check_value_of_the_standard_in_one_piece_or_many)
{
	ck_assert_uint_eq(crc32_update(0, "123456789", 9), 0xcbf43926);
	ck_assert_uint_eq(crc32_update(0, "", 0), 0);
	uint8_t data[1000];
	fill_random(data, sizeof(data), 9);
	uint32_t whole = crc32_update(0, data, sizeof(data)), pieces = 0;
	for (size_t off = 0, step = 1; off < sizeof(data); off += step, step = step % 13 + 1)
		pieces = crc32_update(pieces, data + off, off + step > sizeof(data) ? sizeof(data) - off : step);
	ck_assert_uint_eq(whole, pieces);
}
END_TEST

START_TEST(gzip_output_of_every_level_inflates_to_the_original)
{
	if (!have_program("gzip")) {
		harness_skip("gzip is not installed");
		return;
	}
	char dir[] = "/tmp/tinydock-gzip.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	enum { SIZE = 300 * 1024 }; /* past the 128 KiB output buffer, so the window slides */
	uint8_t *text = make_text(SIZE), *random = malloc(SIZE), *mixed = malloc(SIZE);
	fill_random(random, SIZE, 4);
	for (size_t i = 0; i < SIZE; i++) /* runs of random bytes between runs of text */
		mixed[i] = (i / 5000) % 2 ? random[i] : text[i];
	struct { const char *name; const uint8_t *data; size_t size; } inputs[] = {
		{ "text", text, SIZE }, { "random", random, SIZE }, { "mixed", mixed, SIZE },
		{ "short", (const uint8_t *)"hello, hello, hello", 19 }, { "empty", (const uint8_t *)"", 0 },
	};
	static const char *levels[] = { "-1", "-2", "-3", "-4", "-5", "-6", "-7", "-8", "-9" };
	for (size_t in = 0; in < sizeof(inputs) / sizeof(inputs[0]); in++) {
		for (size_t l = 0; l < 9; l++) {
			size_t gz_size, size;
			uint8_t *gz = gzip_with_tool(dir, inputs[in].name, inputs[in].data, inputs[in].size, levels[l], &gz_size);
			uint8_t *out = gunzip_all(gz, gz_size, &size);
			ck_assert_msg(out, "%s at %s: %s", inputs[in].name, levels[l], error_message());
			ck_assert_msg(size == inputs[in].size && memcmp(out, inputs[in].data, size) == 0,
				      "%s at %s: different output (%zu bytes, expected %zu)", inputs[in].name, levels[l],
				      size, inputs[in].size);
			free(out);
			free(gz);
		}
	}
	/* `cat a.gz b.gz` is one gzip file with two members: text at -1, then random at -9. */
	size_t a_size, b_size, size;
	uint8_t *a = gzip_with_tool(dir, "a", text, SIZE, "-1", &a_size);
	uint8_t *b = gzip_with_tool(dir, "b", random, SIZE, "-9", &b_size);
	uint8_t *both = malloc(a_size + b_size);
	memcpy(both, a, a_size);
	memcpy(both + a_size, b, b_size);
	uint8_t *out = gunzip_all(both, a_size + b_size, &size);
	ck_assert_msg(out, "%s", error_message());
	ck_assert_uint_eq(size, 2 * SIZE);
	ck_assert(memcmp(out, text, SIZE) == 0 && memcmp(out + SIZE, random, SIZE) == 0);
	free(out);
	free(both);
	free(a);
	free(b);

	free(text);
	free(random);
	free(mixed);
	ck_assert_int_eq(remove_tree(dir), 0);
}
END_TEST

/* A source that hands out a few bytes at a time, to show nothing needs the whole input. */
struct trickle {
	const uint8_t *data;
	size_t size, position, step;
};

static ssize_t trickle_source(void *ctx, void *buf, size_t size)
{
	struct trickle *t = ctx;
	size_t n = t->size - t->position;
	n = n < t->step ? n : t->step;
	n = n < size ? n : size;
	memcpy(buf, t->data + t->position, n);
	t->position += n;
	t->step = t->step % 11 + 1; /* 1..11 bytes per read */
	return (ssize_t)n;
}

START_TEST(a_stream_fed_a_few_bytes_at_a_time_and_read_a_few_bytes_at_a_time_is_whole)
{
	if (!have_program("gzip")) {
		harness_skip("gzip is not installed");
		return;
	}
	char dir[] = "/tmp/tinydock-gzip.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	enum { SIZE = 200 * 1024 };
	uint8_t *text = make_text(SIZE);
	size_t gz_size;
	uint8_t *gz = gzip_with_tool(dir, "text", text, SIZE, "-6", &gz_size);
	struct trickle t = { .data = gz, .size = gz_size, .step = 1 };
	struct gzip_reader *g = gzip_open(trickle_source, &t);
	uint8_t *out = malloc(SIZE + 1);
	size_t n = 0, want = 1;
	ssize_t got;
	while ((got = gzip_read(g, out + n, n + want > SIZE + 1 ? SIZE + 1 - n : want)) > 0) {
		n += (size_t)got;
		want = want % 17 + 1;
	}
	ck_assert_msg(got == 0, "%s", error_message());
	ck_assert_uint_eq(n, SIZE);
	ck_assert(memcmp(out, text, SIZE) == 0);
	gzip_close(g);
	free(out);
	free(gz);
	free(text);
	ck_assert_int_eq(remove_tree(dir), 0);
}
END_TEST

START_TEST(chunks_never_exceed_the_buffer_however_long_the_stream)
{
	/* 64 MiB of zeros compress to ~64 KiB; the reader must hand them out in pieces. */
	if (!have_program("gzip")) {
		harness_skip("gzip is not installed");
		return;
	}
	char dir[] = "/tmp/tinydock-gzip.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	enum { SIZE = 64 << 20 };
	uint8_t *zeros = calloc(1, SIZE);
	size_t gz_size;
	uint8_t *gz = gzip_with_tool(dir, "zeros", zeros, SIZE, "-9", &gz_size);
	free(zeros);
	struct gzip_reader *g = gzip_open_memory(gz, gz_size);
	size_t total = 0, largest = 0;
	const uint8_t *chunk;
	ssize_t got;
	while ((got = gzip_next(g, &chunk)) > 0) {
		total += (size_t)got;
		largest = (size_t)got > largest ? (size_t)got : largest;
		ck_assert(chunk[0] == 0 && chunk[got - 1] == 0);
	}
	ck_assert_int_eq(got, 0);
	ck_assert_uint_eq(total, SIZE);
	ck_assert_uint_le(largest, 128 * 1024);
	gzip_close(g);
	free(gz);
	ck_assert_int_eq(remove_tree(dir), 0);
}
END_TEST

/* --- hand-made streams -------------------------------------------------------------------- */

/* A gzip member around one stored block holding data, with the given header flags. */
static size_t make_member(uint8_t *out, uint8_t flags, const char *data)
{
	size_t n = 0, len = strlen(data);
	uint8_t header[10] = { 0x1f, 0x8b, 8, flags, 0x78, 0x56, 0x34, 0x12, 0, 3 };
	memcpy(out, header, 10);
	n = 10;
	if (flags & 4) { /* FEXTRA: XLEN = 6, one subfield "AB" of 2 bytes */
		memcpy(out + n, "\x06\x00" "AB\x02\x00xy", 8);
		n += 8;
	}
	if (flags & 8) { /* FNAME */
		memcpy(out + n, "layer.tar", 10);
		n += 10;
	}
	if (flags & 16) { /* FCOMMENT */
		memcpy(out + n, "a comment", 10);
		n += 10;
	}
	if (flags & 2) { /* FHCRC: the low 16 bits of the CRC-32 of the header so far */
		uint32_t crc = crc32_update(0, out, n);
		out[n++] = (uint8_t)crc;
		out[n++] = (uint8_t)(crc >> 8);
	}
	out[n++] = 1; /* BFINAL = 1, BTYPE = 00 stored */
	out[n++] = (uint8_t)len;
	out[n++] = (uint8_t)(len >> 8);
	out[n++] = (uint8_t)~len;
	out[n++] = (uint8_t)(~len >> 8);
	memcpy(out + n, data, len);
	n += len;
	uint32_t crc = crc32_update(0, data, len);
	for (int i = 0; i < 4; i++)
		out[n++] = (uint8_t)(crc >> (8 * i));
	for (int i = 0; i < 4; i++)
		out[n++] = (uint8_t)(len >> (8 * i));
	return n;
}

static void expect_output(const uint8_t *gz, size_t size, const char *expected)
{
	size_t n;
	uint8_t *out = gunzip_all(gz, size, &n);
	ck_assert_msg(out, "%s", error_message());
	ck_assert_uint_eq(n, strlen(expected));
	ck_assert(memcmp(out, expected, n) == 0);
	free(out);
}

static void expect_error(const uint8_t *gz, size_t size, const char *message)
{
	size_t n;
	uint8_t *out = gunzip_all(gz, size, &n);
	ck_assert_msg(out == NULL, "accepted, expected \"%s\"", message);
	ck_assert_msg(strstr(error_message(), message), "error \"%s\", expected \"%s\"", error_message(), message);
}

START_TEST(every_header_flag_is_understood_and_members_follow_each_other)
{
	uint8_t gz[1024];
	for (uint8_t flags = 0; flags < 32; flags++) {
		size_t n = make_member(gz, flags, "hello");
		expect_output(gz, n, "hello");
	}
	size_t n = make_member(gz, 8, "first ");
	n += make_member(gz + n, 2 | 4 | 16, "second ");
	n += make_member(gz + n, 0, "");
	n += make_member(gz + n, 0, "third");
	expect_output(gz, n, "first second third");
	memset(gz + n, 0, 512); /* zero padding after the last member is ignored, as gzip does */
	expect_output(gz, n + 512, "first second third");
}
END_TEST

START_TEST(a_broken_header_or_trailer_is_named_in_the_error)
{
	uint8_t gz[256];
	size_t n = make_member(gz, 2 | 8, "hello");
	gz[21] ^= 1; /* the header CRC */
	expect_error(gz, n, "gzip: member 1: header CRC mismatch");

	n = make_member(gz, 0, "hello");
	gz[n - 8] ^= 0x10;
	expect_error(gz, n, "gzip: member 1: CRC-32 mismatch (the trailer says");
	n = make_member(gz, 0, "hello");
	gz[n - 4] = 6;
	expect_error(gz, n, "gzip: member 1: length mismatch (the trailer says 6 bytes, the data has 5)");

	n = make_member(gz, 0, "hello");
	gz[3] = 0x20;
	expect_error(gz, n, "gzip: member 1: reserved header flags are set");
	gz[3] = 0;
	gz[2] = 7;
	expect_error(gz, n, "gzip: member 1: unknown compression method 7");
	expect_error((const uint8_t *)"PK\x03\x04 a zip file", 15, "gzip: member 1: not in gzip format (starts with 50 4b, not 1f 8b)");
	expect_error((const uint8_t *)"", 0, "gzip: member 1: the input is empty, not gzip data");

	n = make_member(gz, 0, "hello");
	memcpy(gz + n, "garbage", 7);
	expect_error(gz, n + 7, "gzip: member 2: not in gzip format");

	n = make_member(gz, 0, "hello");
	gz[11] ^= 0xFF; /* LEN no longer matches NLEN */
	expect_error(gz, n, "inflate: at byte 14: stored block length 250 does not match its complement");

	n = make_member(gz, 8, "hello");
	expect_error(gz, 14, "gzip: member 1: the input ends inside the file name");
}
END_TEST

/* A bit writer for DEFLATE: plain values go lowest bit first, Huffman codes highest first. */
struct bits {
	uint8_t data[64];
	size_t nbits;
};

static void put_bits(struct bits *b, unsigned value, unsigned n)
{
	for (unsigned i = 0; i < n; i++, b->nbits++)
		if (value >> i & 1)
			b->data[b->nbits / 8] |= (uint8_t)(1 << (b->nbits % 8));
}

static void put_code(struct bits *b, unsigned code, unsigned n)
{
	for (unsigned i = n; i-- > 0; b->nbits++)
		if (code >> i & 1)
			b->data[b->nbits / 8] |= (uint8_t)(1 << (b->nbits % 8));
}

static ssize_t inflate_all(const uint8_t *data, size_t size, uint8_t *out, size_t out_size)
{
	struct memory_source m = { .data = data, .size = size };
	struct inflater *z = inflater_new(inflate_memory_source, &m);
	size_t n = 0;
	ssize_t got;
	const uint8_t *chunk;
	while ((got = inflate_next(z, &chunk)) > 0) {
		ck_assert_uint_le(n + (size_t)got, out_size);
		memcpy(out + n, chunk, (size_t)got);
		n += (size_t)got;
	}
	inflater_free(z);
	return got < 0 ? -1 : (ssize_t)n;
}

START_TEST(fixed_huffman_literals_and_an_overlapping_copy_decode)
{
	/* "ab" then "copy 6 from 2 back": "abababab". Fixed code (RFC 1951, 3.2.6): literals
	 * 0-143 are 8 bits from 0x30, length 3-10 symbols 257-264 are 7 bits from 1. */
	struct bits b = { 0 };
	put_bits(&b, 1, 1);  /* BFINAL */
	put_bits(&b, 1, 2);  /* BTYPE = fixed */
	put_code(&b, 0x30 + 'a', 8);
	put_code(&b, 0x30 + 'b', 8);
	put_code(&b, 260 - 256, 7); /* length 6 */
	put_code(&b, 1, 5);         /* distance 2 */
	put_code(&b, 0, 7);         /* end of block */
	uint8_t out[64];
	ssize_t n = inflate_all(b.data, (b.nbits + 7) / 8, out, sizeof(out));
	ck_assert_msg(n == 8, "%s", error_message());
	ck_assert(memcmp(out, "abababab", 8) == 0);
}
END_TEST

START_TEST(a_distance_before_the_start_of_the_output_is_refused)
{
	struct bits b = { 0 };
	put_bits(&b, 1, 1);
	put_bits(&b, 1, 2);
	put_code(&b, 0x30 + 'a', 8);
	put_code(&b, 257 - 256, 7); /* length 3 */
	put_code(&b, 1, 5);         /* distance 2, but only 1 byte was written */
	put_code(&b, 0, 7);
	uint8_t out[64];
	ck_assert_int_eq(inflate_all(b.data, (b.nbits + 7) / 8, out, sizeof(out)), -1);
	ck_assert_str_eq(error_message(), "inflate: at byte 2: distance 2 is too far back (only 1 bytes of output)");
}
END_TEST

START_TEST(invalid_block_types_and_symbols_are_refused)
{
	uint8_t type3[] = { 0x07 };
	uint8_t out[64];
	ck_assert_int_eq(inflate_all(type3, 1, out, sizeof(out)), -1);
	ck_assert_str_eq(error_message(), "inflate: at byte 0: invalid block type 3");

	struct bits b = { 0 };
	put_bits(&b, 1, 1);
	put_bits(&b, 1, 2);
	put_code(&b, 0xC6, 8); /* literal/length 286: in the fixed code, never valid */
	ck_assert_int_eq(inflate_all(b.data, (b.nbits + 7) / 8, out, sizeof(out)), -1);
	ck_assert_str_eq(error_message(), "inflate: at byte 1: invalid length symbol 286");

	memset(&b, 0, sizeof(b));
	put_bits(&b, 1, 1);
	put_bits(&b, 1, 2);
	put_code(&b, 0x30 + 'a', 8);
	put_code(&b, 1, 7);
	put_code(&b, 30, 5); /* distance symbol 30: never valid */
	ck_assert_int_eq(inflate_all(b.data, (b.nbits + 7) / 8, out, sizeof(out)), -1);
	ck_assert_str_eq(error_message(), "inflate: at byte 2: invalid distance symbol 30");

	memset(&b, 0, sizeof(b));
	put_bits(&b, 1, 1);
	put_bits(&b, 2, 2);   /* dynamic */
	put_bits(&b, 30, 5);  /* HLIT: 287 codes, more than 286 */
	put_bits(&b, 0, 5);
	put_bits(&b, 0, 4);
	ck_assert_int_eq(inflate_all(b.data, (b.nbits + 7) / 8, out, sizeof(out)), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "dynamic block with 287 length and 1 distance codes"));
}
END_TEST

START_TEST(bit_flips_and_truncation_give_an_error_or_the_right_data_never_a_crash)
{
	if (!have_program("gzip")) {
		harness_skip("gzip is not installed");
		return;
	}
	char dir[] = "/tmp/tinydock-gzip.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	enum { SIZE = 40 * 1024 };
	uint8_t *text = make_text(SIZE);
	size_t gz_size;
	uint8_t *gz = gzip_with_tool(dir, "text", text, SIZE, "-6", &gz_size);
	uint8_t *copy = malloc(gz_size);

	/* Every prefix is refused (the whole file being the only complete one). */
	for (size_t cut = 0; cut < gz_size; cut++) {
		size_t n;
		uint8_t *out = gunzip_all(gz, cut, &n);
		ck_assert_msg(out == NULL, "a file cut to %zu of %zu bytes was accepted", cut, gz_size);
		ck_assert_msg(strstr(error_message(), "end") || strstr(error_message(), "empty"),
			      "cut at %zu: %s", cut, error_message());
	}
	/* A flipped bit either breaks the stream or is caught by the CRC-32. A few flips do not
	 * change the data: in MTIME, OS or the file name, in the padding after the last block, or
	 * in a distance that copies the same bytes from another place of repetitive text; those
	 * may pass, and then the output must be exactly right. */
	uint8_t r[4];
	int refused = 0;
	for (uint64_t i = 0; i < 3000; i++) {
		fill_random(r, sizeof(r), i + 100);
		size_t at = (r[0] | r[1] << 8 | r[2] << 16) % gz_size;
		memcpy(copy, gz, gz_size);
		unsigned bit = r[3] % 8;
		copy[at] ^= (uint8_t)(1 << bit);
		size_t n;
		uint8_t *out = gunzip_all(copy, gz_size, &n);
		if (!out) {
			refused++;
			ck_assert_msg(strncmp(error_message(), "gzip: ", 6) == 0, "%s", error_message());
			continue;
		}
		ck_assert_msg(n == SIZE && memcmp(out, text, SIZE) == 0, "flip of bit %u at byte %zu gave wrong data", bit, at);
		free(out);
	}
	ck_assert_int_gt(refused, 2900);
	free(copy);
	free(gz);
	free(text);
	ck_assert_int_eq(remove_tree(dir), 0);
}
END_TEST

/* Send data as SOCK_SEQPACKET records, the first two of one byte each: every read(2) then
 * returns one record (unix(7)), so the reader meets the magic split in two, as on a slow pipe. */
static pid_t send_in_records(int fd, const uint8_t *data, size_t size)
{
	pid_t pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid > 0)
		return pid;
	for (size_t at = 0, record = 1; at < size; at += record, record = at < 2 ? 1 : 4096)
		if (write(fd, data + at, size - at < record ? size - at : record) < 0)
			_exit(1);
	_exit(0);
}

/* Read all of a stream through maybe_gzip; returns the plain bytes (malloc'd). */
static uint8_t *read_maybe_gzip(const uint8_t *data, size_t size, size_t plain_size, size_t *got)
{
	int fds[2];
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds), 0);
	pid_t sender = send_in_records(fds[1], data, size);
	close(fds[1]);
	struct maybe_gzip in;
	ck_assert_msg(maybe_gzip_open(&in, fds[0], "test stream") == 0, "%s", error_message());
	uint8_t *out = malloc(plain_size + 1);
	ssize_t n;
	*got = 0;
	while ((n = maybe_gzip_read(&in, out + *got, plain_size + 1 - *got)) > 0)
		*got += (size_t)n;
	ck_assert_msg(n == 0, "%s", error_message());
	maybe_gzip_close(&in);
	close(fds[0]);
	int status;
	ck_assert_int_eq(waitpid(sender, &status, 0), sender);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return out;
}

START_TEST(a_stream_is_inflated_only_when_it_starts_with_gzip_magic_however_it_arrives)
{
	if (!have_program("gzip")) {
		harness_skip("gzip is not installed");
		return;
	}
	char dir[] = "/tmp/tinydock-gzip.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	enum { SIZE = 100 * 1024 };
	uint8_t *text = make_text(SIZE);
	size_t gz_size, got;
	uint8_t *gz = gzip_with_tool(dir, "text", text, SIZE, "-6", &gz_size);
	uint8_t *out = read_maybe_gzip(gz, gz_size, SIZE, &got);
	ck_assert_uint_eq(got, SIZE);
	ck_assert(memcmp(out, text, SIZE) == 0);
	free(out);
	out = read_maybe_gzip(text, SIZE, SIZE, &got); /* plain: given back as it is, from byte 0 */
	ck_assert_uint_eq(got, SIZE);
	ck_assert(memcmp(out, text, SIZE) == 0);
	free(out);
	out = read_maybe_gzip(gz, 1, SIZE, &got); /* one byte: too short to be gzip, so plain */
	ck_assert_uint_eq(got, 1);
	ck_assert_uint_eq(out[0], 0x1f);
	free(out);
	free(gz);
	free(text);
	ck_assert_int_eq(remove_tree(dir), 0);
}
END_TEST

START_TEST(gzip_data_is_recognised_by_its_magic_bytes)
{
	ck_assert(gzip_is_compressed("\x1f\x8b\x08", 3));
	ck_assert(!gzip_is_compressed("ustar", 5));
	ck_assert(!gzip_is_compressed("\x1f", 1));
}
END_TEST

Suite *gzip_suite(void)
{
	Suite *s = suite_create("gzip");
	TCase *t = tcase_create("inflate");
	tcase_set_timeout(t, 120);
	tcase_add_test(t, crc32_gives_the_check_value_of_the_standard_in_one_piece_or_many);
	tcase_add_test(t, gzip_output_of_every_level_inflates_to_the_original);
	tcase_add_test(t, a_stream_fed_a_few_bytes_at_a_time_and_read_a_few_bytes_at_a_time_is_whole);
	tcase_add_test(t, chunks_never_exceed_the_buffer_however_long_the_stream);
	tcase_add_test(t, fixed_huffman_literals_and_an_overlapping_copy_decode);
	tcase_add_test(t, a_stream_is_inflated_only_when_it_starts_with_gzip_magic_however_it_arrives);
	suite_add_tcase(s, t);
	t = tcase_create("corrupt_input");
	tcase_set_timeout(t, 120);
	tcase_add_test(t, every_header_flag_is_understood_and_members_follow_each_other);
	tcase_add_test(t, a_broken_header_or_trailer_is_named_in_the_error);
	tcase_add_test(t, a_distance_before_the_start_of_the_output_is_refused);
	tcase_add_test(t, invalid_block_types_and_symbols_are_refused);
	tcase_add_test(t, bit_flips_and_truncation_give_an_error_or_the_right_data_never_a_crash);
	tcase_add_test(t, gzip_data_is_recognised_by_its_magic_bytes);
	suite_add_tcase(s, t);
	return s;
}
