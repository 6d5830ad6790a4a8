/*
 * test_tar.c - the tar format (04-layers/tar-*.c): header fields, PAX records, our writer
 * read back by us and by GNU tar, GNU tar's ustar/GNU/PAX output read by us, and broken
 * archives that must fail with the entry and the byte offset.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "files.h"
#include "harness.h"
#include "tar.h"
#include "unit/tar-fixtures.h"

/* --- header fields --------------------------------------------------------- */

START_TEST(octal_fields_parse_with_spaces_and_nuls_around_them)
{
	uint64_t v;
	ck_assert_int_eq(tar_parse_number("0000644\0", 8, &v), 0);
	ck_assert_uint_eq(v, 0644);
	ck_assert_int_eq(tar_parse_number("   755 \0", 8, &v), 0);
	ck_assert_uint_eq(v, 0755);
	ck_assert_int_eq(tar_parse_number("\0\0\0\0\0\0\0\0", 8, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(tar_parse_number("12x4567\0", 8, &v), -1);
	ck_assert_int_eq(tar_parse_number("0000008\0", 8, &v), -1);
}
END_TEST

START_TEST(base256_sizes_beyond_8_gib_parse_and_negative_ones_are_refused)
{
	char field[12];
	uint64_t nine_gib = 9ULL << 30, v;
	tar_format_base256(field, sizeof(field), nine_gib);
	ck_assert_int_eq((unsigned char)field[0], 0x80);
	ck_assert_int_eq(tar_parse_number(field, sizeof(field), &v), 0);
	ck_assert_uint_eq(v, nine_gib);
	memset(field, 0xff, sizeof(field)); /* -1 */
	ck_assert_int_eq(tar_parse_number(field, sizeof(field), &v), -1);
	ck_assert(!tar_format_octal(field, sizeof(field), nine_gib)); /* 11 octal digits end at 8 GiB */
	ck_assert(tar_format_octal(field, sizeof(field), (8ULL << 30) - 1));
}
END_TEST

START_TEST(checksum_is_verified_and_a_flipped_byte_is_caught)
{
	unsigned char h[TAR_BLOCK] = "hello.txt";
	memcpy(h + 257, "ustar\0" "00", 8);
	tar_set_checksum(h);
	ck_assert(tar_checksum_ok(h));
	h[3] ^= 1;
	ck_assert(!tar_checksum_ok(h));
}
END_TEST

START_TEST(ustar_paths_split_at_a_slash_into_prefix_and_name)
{
	char path[400];
	size_t prefix;
	ck_assert(tar_split_ustar_path("short/name", &prefix));
	ck_assert_uint_eq(prefix, 0);
	memset(path, 'a', 120);
	strcpy(path + 120, "/file");
	ck_assert(tar_split_ustar_path(path, &prefix));
	ck_assert_uint_eq(prefix, 120);
	memset(path, 'b', 150); /* a last component of 150 bytes cannot be split */
	path[150] = '\0';
	ck_assert(!tar_split_ustar_path(path, &prefix));
	memset(path, 'c', 300);
	path[160] = '/';
	path[300] = '\0';
	ck_assert(!tar_split_ustar_path(path, &prefix));
	/* The prefix field holds 155 bytes: a '/' at 155 splits, one at 156 does not. */
	memset(path, 'p', 200);
	path[155] = '/';
	path[200] = '\0';
	ck_assert(tar_split_ustar_path(path, &prefix));
	ck_assert_uint_eq(prefix, 155);
	path[155] = 'p';
	path[156] = '/';
	ck_assert(!tar_split_ustar_path(path, &prefix));
}
END_TEST

START_TEST(pax_record_lengths_count_their_own_digits)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	ck_assert_int_eq(tar_pax_append(&buf, &len, &cap, "path", "abc", 3), 0);
	ck_assert_uint_eq(len, 12);
	ck_assert(memcmp(buf, "12 path=abc\n", 12) == 0);
	/* 98 bytes plus 2 digits make 100, which has 3 digits: the record is 101 bytes long. */
	char value[100];
	memset(value, 'v', sizeof(value));
	len = 0;
	ck_assert_int_eq(tar_pax_append(&buf, &len, &cap, "k", value, 94), 0);
	ck_assert(memcmp(buf, "101 k=", 6) == 0);
	ck_assert_uint_eq(len, 101);
	size_t pos = 0, vsize;
	char *key, *val;
	ck_assert_int_eq(tar_pax_next(buf, len, &pos, &key, &val, &vsize), 1);
	ck_assert_str_eq(key, "k");
	ck_assert_uint_eq(vsize, 94);
	ck_assert_int_eq(tar_pax_next(buf, len, &pos, &key, &val, &vsize), 0);
	char bad[] = "99 path=x\n";
	pos = 0;
	ck_assert_int_eq(tar_pax_next(bad, strlen(bad), &pos, &key, &val, &vsize), -1);
	char unterminated[] = "11 path=ab!"; /* the length is right, but a record ends with a newline */
	pos = 0;
	ck_assert_int_eq(tar_pax_next(unterminated, strlen(unterminated), &pos, &key, &val, &vsize), -1);
	free(buf);
}
END_TEST

/* --- our writer, read back by our reader ----------------------------------- */

static char *long_name(char fill, size_t components)
{
	char *p = calloc(components * 51 + 10, 1);
	for (size_t i = 0; i < components; i++) {
		memset(p + i * 51, fill, 50);
		p[i * 51 + 50] = '/';
	}
	strcpy(p + components * 51, "end");
	return p;
}

START_TEST(every_entry_kind_survives_a_round_trip_through_writer_and_reader)
{
	struct membuf out;
	struct tar_writer *w = fixture_begin(&out);
	char *deep = long_name('d', 6); /* 309 bytes: needs a PAX path */
	char *link = long_name('l', 3); /* 156 bytes: needs a PAX linkpath */
	fixture_add(w, TAR_DIRECTORY, "etc/", NULL, NULL);
	fixture_add(w, TAR_REGULAR, "etc/hosts", NULL, "127.0.0.1 localhost\n");
	fixture_add(w, TAR_SYMLINK, "etc/long-link", link, NULL);
	fixture_add(w, TAR_HARDLINK, "etc/hosts.bak", "etc/hosts", NULL);
	fixture_add(w, TAR_REGULAR, deep, NULL, "deep");
	fixture_add(w, TAR_REGULAR, "caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac.txt", NULL, "unicode");
	struct tar_entry dev = fixture_entry(TAR_CHAR, "dev/null", NULL, 0666, 0);
	dev.devmajor = 1, dev.devminor = 3, dev.uid = 3000000, dev.gid = 42;
	dev.uname = strdup("a-user-name-that-is-longer-than-32-bytes");
	dev.mtime.tv_sec = -5;
	ck_assert_int_eq(tar_writer_header(w, &dev), 0);
	tar_entry_clear(&dev);
	struct tar_entry cap = fixture_entry(TAR_REGULAR, "bin/ping", NULL, 04755, 0);
	const unsigned char capability[] = { 0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00 };
	ck_assert_int_eq(tar_entry_add_xattr(&cap, "security.capability", capability, sizeof(capability)), 0);
	ck_assert_int_eq(tar_entry_add_xattr(&cap, "trusted.overlay.opaque", "y", 1), 0);
	ck_assert_int_eq(tar_entry_add_xattr(&cap, "user.mime_type", "application/x-executable", 24), 0);
	ck_assert_int_eq(tar_writer_header(w, &cap), 0);
	tar_entry_clear(&cap);
	fixture_add(w, TAR_FIFO, "run/fifo", NULL, NULL);
	fixture_end(w);
	ck_assert_uint_eq(out.len % TAR_BLOCK, 0);

	struct memsrc src = { out.data, out.len, 0, 77 }; /* odd chunks: the reader must reassemble */
	struct tar_reader *r = tar_reader_new(memsrc_read, &src, "test.tar");
	const struct tar_entry *e;
	char data[64];
	ck_assert_int_eq(tar_reader_next(r, &e), 1);
	ck_assert_str_eq(e->path, "etc/");
	ck_assert_int_eq(e->type, TAR_DIRECTORY);
	ck_assert_int_eq(e->mode, 0755);
	ck_assert_int_eq(tar_reader_next(r, &e), 1);
	ck_assert_str_eq(e->path, "etc/hosts");
	ck_assert_uint_eq(e->size, 20);
	ck_assert_int_eq(e->mtime.tv_sec, 1700000000);
	ck_assert_int_eq(tar_reader_read(r, data, sizeof(data)), 20);
	ck_assert(memcmp(data, "127.0.0.1 localhost\n", 20) == 0);
	ck_assert_int_eq(tar_reader_next(r, &e), 1);
	ck_assert_int_eq(e->type, TAR_SYMLINK);
	ck_assert_str_eq(e->linkname, link);
	ck_assert_int_eq(tar_reader_next(r, &e), 1);
	ck_assert_int_eq(e->type, TAR_HARDLINK);
	ck_assert_str_eq(e->linkname, "etc/hosts");
	ck_assert_int_eq(tar_reader_next(r, &e), 1);
	ck_assert_str_eq(e->path, deep);
	ck_assert_int_eq(tar_reader_next(r, &e), 1); /* the data of the deep file was skipped */
	ck_assert_str_eq(e->path, "caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac.txt");
	ck_assert_int_eq(tar_reader_next(r, &e), 1);
	ck_assert_int_eq(e->type, TAR_CHAR);
	ck_assert_uint_eq(e->devmajor, 1);
	ck_assert_uint_eq(e->devminor, 3);
	ck_assert_uint_eq(e->uid, 3000000);
	ck_assert_uint_eq(e->gid, 42);
	ck_assert_str_eq(e->uname, "a-user-name-that-is-longer-than-32-bytes");
	ck_assert_int_eq(e->mtime.tv_sec, -5);
	ck_assert_int_eq(tar_reader_next(r, &e), 1);
	ck_assert_str_eq(e->path, "bin/ping");
	ck_assert_int_eq(e->mode, 04755);
	ck_assert_uint_eq(e->xattr_count, 2); /* trusted.overlay.* was not written */
	ck_assert_str_eq(e->xattrs[0].name, "security.capability");
	ck_assert_uint_eq(e->xattrs[0].size, sizeof(capability));
	ck_assert(memcmp(e->xattrs[0].value, capability, sizeof(capability)) == 0);
	ck_assert_str_eq(e->xattrs[1].name, "user.mime_type");
	ck_assert_uint_eq(e->xattrs[1].size, 24);
	ck_assert(memcmp(e->xattrs[1].value, "application/x-executable", 24) == 0);
	ck_assert_int_eq(tar_reader_next(r, &e), 1);
	ck_assert_int_eq(e->type, TAR_FIFO);
	ck_assert_int_eq(tar_reader_next(r, &e), 0);
	ck_assert_int_eq(tar_reader_next(r, &e), 0);
	tar_reader_free(r);
	free(deep);
	free(link);
	free(out.data);
}
END_TEST

START_TEST(an_ordinary_entry_is_plain_ustar_without_a_pax_header)
{
	struct membuf out;
	struct tar_writer *w = fixture_begin(&out);
	fixture_add(w, TAR_REGULAR, "etc/hostname", NULL, "box\n");
	fixture_end(w);
	ck_assert_uint_eq(out.len, 4 * TAR_BLOCK); /* header, data, two zero blocks */
	ck_assert_str_eq((char *)out.data, "etc/hostname");
	/* Numbers as GNU tar and Go's archive/tar write them: width-1 octal digits and a NUL. */
	ck_assert(memcmp(out.data + 100, "0000644\0", 8) == 0);
	ck_assert(memcmp(out.data + 108, "0000000\0", 8) == 0);
	ck_assert(memcmp(out.data + 124, "00000000004\0", 12) == 0);
	ck_assert(memcmp(out.data + 136, "14524770400\0", 12) == 0); /* 1700000000 */
	ck_assert(tar_checksum_ok(out.data));
	ck_assert_int_eq(out.data[154], '\0'); /* six digits, NUL, space */
	ck_assert_int_eq(out.data[155], ' ');
	ck_assert(memcmp(out.data + 257, "ustar\0" "00", 8) == 0);
	ck_assert_int_eq(out.data[156], '0');
	ck_assert(memcmp(out.data + TAR_BLOCK, "box\n\0", 5) == 0);
	free(out.data);
}
END_TEST

START_TEST(a_path_of_up_to_255_bytes_is_split_into_the_ustar_prefix_without_a_pax_header)
{
	char *path = long_name('s', 3); /* 153 bytes of folders, then "end" */
	struct membuf out;
	struct tar_writer *w = fixture_begin(&out);
	fixture_add(w, TAR_REGULAR, path, NULL, "x");
	fixture_end(w);
	ck_assert_int_eq(out.data[156], '0'); /* no PAX header in front */
	ck_assert_str_eq((char *)out.data, "end");
	ck_assert(memcmp(out.data + 345, path, 152) == 0 && out.data[345 + 152] == '\0');
	struct memsrc src = { out.data, out.len, 0, 0 };
	struct tar_reader *r = tar_reader_new(memsrc_read, &src, "prefix.tar");
	const struct tar_entry *e;
	ck_assert_int_eq(tar_reader_next(r, &e), 1);
	ck_assert_str_eq(e->path, path);
	tar_reader_free(r);
	free(out.data);
	free(path);
}
END_TEST

START_TEST(a_hard_link_carries_no_data_whatever_size_its_entry_says)
{
	/* A hard link's data is its target's: the header says size 0 and no data follows, even
	 * when the caller filled size from stat(2) of the file (as a folder walk would). */
	struct membuf out;
	struct tar_writer *w = fixture_begin(&out);
	fixture_add(w, TAR_REGULAR, "file", NULL, "12345");
	struct tar_entry link = fixture_entry(TAR_HARDLINK, "link", "file", 0644, 5);
	ck_assert_int_eq(tar_writer_header(w, &link), 0);
	tar_entry_clear(&link);
	fixture_add(w, TAR_REGULAR, "after", NULL, "a");
	fixture_end(w);
	struct memsrc src = { out.data, out.len, 0, 0 };
	struct tar_reader *r = tar_reader_new(memsrc_read, &src, "links.tar");
	const struct tar_entry *e;
	ck_assert_int_eq(tar_reader_next(r, &e), 1);
	ck_assert_int_eq(tar_reader_next(r, &e), 1);
	ck_assert_int_eq(e->type, TAR_HARDLINK);
	ck_assert_uint_eq(e->size, 0);
	ck_assert_uint_eq(e->offset, 2 * TAR_BLOCK);
	ck_assert_int_eq(tar_reader_next(r, &e), 1);
	ck_assert_str_eq(e->path, "after");
	ck_assert_uint_eq(e->offset, 3 * TAR_BLOCK); /* right after the link's header */
	tar_reader_free(r);
	free(out.data);
}
END_TEST

START_TEST(a_size_over_8_gib_is_written_as_a_pax_record_and_read_back)
{
	struct membuf out;
	struct tar_writer *w = fixture_begin(&out);
	struct tar_entry big = fixture_entry(TAR_REGULAR, "huge.img", NULL, 0644, 9ULL << 30);
	ck_assert_int_eq(tar_writer_header(w, &big), 0);
	ck_assert_int_eq(tar_writer_flush(w), 0); /* we do not write 9 GiB of data: headers only */
	tar_writer_free(w);
	tar_entry_clear(&big);
	ck_assert_int_eq(out.data[156], 'x');
	ck_assert_ptr_nonnull(memmem(out.data, out.len, "size=9663676416\n", 16));

	struct memsrc src = { out.data, out.len, 0, 0 };
	struct tar_reader *r = tar_reader_new(memsrc_read, &src, "huge.tar");
	const struct tar_entry *e;
	ck_assert_int_eq(tar_reader_next(r, &e), 1);
	ck_assert_uint_eq(e->size, 9ULL << 30);
	char buf[16];
	ck_assert_int_eq(tar_reader_read(r, buf, sizeof(buf)), -1); /* and then the archive ends */
	ck_assert_ptr_nonnull(strstr(error_message(), "huge.tar: entry \"huge.img\" at byte 0: archive truncated"));
	tar_reader_free(r);
	free(out.data);
}
END_TEST

START_TEST(a_gnu_base256_size_header_is_read)
{
	unsigned char h[3 * TAR_BLOCK] = { 0 };
	strcpy((char *)h, "gnu-huge.img");
	memcpy(h + 100, "0000644", 8);
	memcpy(h + 108, "0000000", 8);
	memcpy(h + 116, "0000000", 8);
	tar_format_base256((char *)h + 124, 12, 10ULL << 30);
	memcpy(h + 136, "14000000000", 12);
	h[156] = '0';
	memcpy(h + 257, "ustar  \0", 8);
	tar_set_checksum(h);
	struct memsrc src = { h, TAR_BLOCK, 0, 0 };
	struct tar_reader *r = tar_reader_new(memsrc_read, &src, "gnu.tar");
	const struct tar_entry *e;
	ck_assert_int_eq(tar_reader_next(r, &e), 1);
	ck_assert_uint_eq(e->size, 10ULL << 30);
	ck_assert_int_eq(e->mtime.tv_sec, 014000000000);
	ck_assert_int_eq(tar_reader_next(r, &e), -1); /* skipping 10 GiB of data that is not there */
	tar_reader_free(r);
}
END_TEST

/* A PAX header of the given type ('x' or 'g') carrying len bytes of records. */
static void add_pax_header(struct membuf *m, char type, const char *records, size_t len)
{
	unsigned char h[TAR_BLOCK] = "PaxHeaders.0/x";
	memcpy(h + 100, "0000644", 8);
	tar_format_octal((char *)h + 124, 12, len);
	h[156] = (unsigned char)type;
	memcpy(h + 257, "ustar\0" "00", 8);
	tar_set_checksum(h);
	membuf_write(m, h, TAR_BLOCK);
	membuf_write(m, records, len);
	static const unsigned char zeros[TAR_BLOCK];
	membuf_write(m, zeros, (TAR_BLOCK - len % TAR_BLOCK) % TAR_BLOCK);
}

static void add_pax_block(struct membuf *m, char type, const char *records)
{
	add_pax_header(m, type, records, strlen(records));
}

/* Read every entry of m; returns what tar_reader_next returned last, and the count read. */
static int read_all(struct membuf *m, const char *name, size_t *entries)
{
	struct memsrc src = { m->data, m->len, 0, 0 };
	struct tar_reader *r = tar_reader_new(memsrc_read, &src, name);
	const struct tar_entry *e;
	int rc;
	*entries = 0;
	while ((rc = tar_reader_next(r, &e)) == 1)
		(*entries)++;
	tar_reader_free(r);
	return rc;
}

START_TEST(pax_global_records_apply_to_every_later_entry_and_local_ones_win)
{
	struct membuf m = { 0 };
	add_pax_block(&m, 'g', "12 uid=4242\n15 mtime=-1.25\n");
	struct tar_writer *w = tar_writer_new(membuf_write, &m);
	fixture_add(w, TAR_REGULAR, "first", NULL, NULL);
	ck_assert_int_eq(tar_writer_flush(w), 0);
	add_pax_block(&m, 'x', "30 mtime=1700000000.123456789\n21 path=renamed/file\n");
	fixture_add(w, TAR_REGULAR, "second", NULL, NULL);
	fixture_end(w);
	struct memsrc src = { m.data, m.len, 0, 0 };
	struct tar_reader *r = tar_reader_new(memsrc_read, &src, "pax.tar");
	const struct tar_entry *e;
	ck_assert_int_eq(tar_reader_next(r, &e), 1);
	ck_assert_str_eq(e->path, "first");
	ck_assert_uint_eq(e->uid, 4242);
	ck_assert_int_eq(e->mtime.tv_sec, -2); /* -1.25 s = -2 s + 0.75 s */
	ck_assert_int_eq(e->mtime.tv_nsec, 750000000);
	ck_assert_uint_eq(e->offset, 1024); /* the global header is not part of the entry */
	ck_assert_int_eq(tar_reader_next(r, &e), 1);
	ck_assert_str_eq(e->path, "renamed/file");
	ck_assert_uint_eq(e->uid, 4242);
	ck_assert_int_eq(e->mtime.tv_sec, 1700000000);
	ck_assert_int_eq(e->mtime.tv_nsec, 123456789);
	ck_assert_int_eq(tar_reader_next(r, &e), 0);
	tar_reader_free(r);
	free(m.data);
}
END_TEST

START_TEST(sparse_and_unknown_entries_are_refused_by_name)
{
	struct membuf m = { 0 };
	add_pax_block(&m, 'x', "22 GNU.sparse.major=1\n");
	struct memsrc src = { m.data, m.len, 0, 0 };
	struct tar_reader *r = tar_reader_new(memsrc_read, &src, "sparse.tar");
	const struct tar_entry *e;
	ck_assert_int_eq(tar_reader_next(r, &e), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "sparse files"));
	tar_reader_free(r);
	free(m.data);
}
END_TEST

/* --- broken archives -------------------------------------------------------- */

START_TEST(every_truncation_of_an_archive_is_an_error_or_a_clean_end_never_a_crash)
{
	struct membuf out;
	struct tar_writer *w = fixture_begin(&out);
	char *deep = long_name('t', 4);
	fixture_add(w, TAR_DIRECTORY, "a/", NULL, NULL);
	fixture_add(w, TAR_REGULAR, "a/file", NULL, "some data that spans a little");
	fixture_add(w, TAR_REGULAR, deep, NULL, "x");
	fixture_end(w);
	for (size_t cut = 0; cut < out.len; cut += 37) {
		struct memsrc src = { out.data, cut, 0, 0 };
		struct tar_reader *r = tar_reader_new(memsrc_read, &src, "cut.tar");
		const struct tar_entry *e;
		int rc, entries = 0;
		char buf[100];
		while ((rc = tar_reader_next(r, &e)) == 1) {
			entries++;
			while (tar_reader_read(r, buf, sizeof(buf)) > 0)
				;
		}
		if (rc < 0)
			ck_assert_ptr_nonnull(strstr(error_message(), "at byte"));
		else /* a clean end only on an entry boundary, or inside the final zero blocks */
			ck_assert_msg(cut % TAR_BLOCK == 0 || cut >= out.len - 2 * TAR_BLOCK, "cut at %zu ended cleanly", cut);
		tar_reader_free(r);
	}
	free(deep);
	free(out.data);
}
END_TEST

START_TEST(a_corrupt_header_is_an_error_naming_its_byte_offset)
{
	struct membuf out;
	struct tar_writer *w = fixture_begin(&out);
	fixture_add(w, TAR_REGULAR, "one", NULL, "1");
	fixture_add(w, TAR_REGULAR, "two", NULL, "2");
	fixture_end(w);
	out.data[1024 + 1] ^= 0x20; /* the second header's name */
	struct memsrc src = { out.data, out.len, 0, 0 };
	struct tar_reader *r = tar_reader_new(memsrc_read, &src, "bad.tar");
	const struct tar_entry *e;
	ck_assert_int_eq(tar_reader_next(r, &e), 1);
	ck_assert_int_eq(tar_reader_next(r, &e), -1);
	ck_assert_str_eq(error_message(), "bad.tar: header at byte 1024: bad header checksum (not a tar archive, or corrupt)");
	ck_assert_int_eq(tar_reader_next(r, &e), -1); /* and it stays failed */
	tar_reader_free(r);
	free(out.data);
}
END_TEST

START_TEST(entries_hidden_after_a_lone_zero_block_or_a_pax_header_with_no_entry_are_refused)
{
	/* One zero block, then more headers: a reader that stops at the first zero block sees
	 * another layer than one that reads on. Neither is right: the archive is refused. */
	static const unsigned char zeros[TAR_BLOCK];
	struct membuf m = { 0 };
	struct tar_writer *w = tar_writer_new(membuf_write, &m);
	fixture_add(w, TAR_REGULAR, "seen", NULL, NULL);
	ck_assert_int_eq(tar_writer_flush(w), 0);
	membuf_write(&m, zeros, TAR_BLOCK);
	fixture_add(w, TAR_REGULAR, "hidden", NULL, NULL);
	fixture_end(w);
	size_t entries;
	ck_assert_int_eq(read_all(&m, "hidden.tar", &entries), -1);
	ck_assert_uint_eq(entries, 1);
	ck_assert_str_eq(error_message(), "hidden.tar: header at byte 1024: a header follows a lone zero block");
	free(m.data);

	/* A PAX header that belongs to no entry: the archive ends where an entry should be. */
	m = (struct membuf){ 0 };
	add_pax_block(&m, 'x', "21 path=renamed/file\n");
	membuf_write(&m, zeros, TAR_BLOCK);
	membuf_write(&m, zeros, TAR_BLOCK);
	ck_assert_int_eq(read_all(&m, "dangling.tar", &entries), -1);
	ck_assert_str_eq(error_message(), "dangling.tar: header at byte 1024: archive ends after a metadata header");
	free(m.data);
}
END_TEST

START_TEST(a_huge_pax_header_is_refused_before_it_is_allocated)
{
	unsigned char h[TAR_BLOCK] = "PaxHeaders.0/x";
	memcpy(h + 100, "0000644", 8);
	tar_format_octal((char *)h + 124, 12, 077777777777ULL);
	h[156] = 'x';
	memcpy(h + 257, "ustar\0" "00", 8);
	tar_set_checksum(h);
	struct memsrc src = { h, sizeof(h), 0, 0 };
	struct tar_reader *r = tar_reader_new(memsrc_read, &src, "bomb.tar");
	const struct tar_entry *e;
	ck_assert_int_eq(tar_reader_next(r, &e), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "larger than the"));
	tar_reader_free(r);
}
END_TEST

/* --- hostile metadata: bounded, and read in linear time ------------------------ */

/* PAX records "SCHILY.xattr.user.TAG<i>=value" for i in [0, count): value_size bytes of 'v'. */
static char *xattr_records(const char *tag, size_t count, size_t value_size, size_t *len)
{
	char *buf = NULL, key[64];
	size_t cap = 0;
	char *value = malloc(value_size + 1);
	memset(value, 'v', value_size);
	*len = 0;
	for (size_t i = 0; i < count; i++) {
		snprintf(key, sizeof(key), "SCHILY.xattr.user.%s%05zu", tag, i);
		ck_assert_int_eq(tar_pax_append(&buf, len, &cap, key, value, value_size), 0);
	}
	free(value);
	return buf;
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* The budget for reading the crafted archives below: a loaded CI machine (or valgrind)
 * reads them in well under a second; the quadratic reader this guards against took
 * minutes (51 s for 1 MiB of global records and 20 files). */
#define READ_BUDGET_SECONDS 5.0

START_TEST(a_global_header_with_a_thousand_xattrs_before_many_files_is_read_in_linear_time)
{
	struct membuf m = { 0 };
	size_t len;
	char *records = xattr_records("g", 1000, 1, &len); /* about 30 KiB: within every limit */
	add_pax_header(&m, 'g', records, len);
	free(records);
	struct tar_writer *w = tar_writer_new(membuf_write, &m);
	char path[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(path, sizeof(path), "f%d", i);
		fixture_add(w, TAR_REGULAR, path, NULL, NULL);
	}
	fixture_end(w);

	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	struct memsrc src = { m.data, m.len, 0, 0 };
	struct tar_reader *r = tar_reader_new(memsrc_read, &src, "global.tar");
	const struct tar_entry *e;
	int rc, entries = 0;
	while ((rc = tar_reader_next(r, &e)) == 1) {
		ck_assert_uint_eq(e->xattr_count, 1000); /* every file gets the global attributes */
		entries++;
	}
	ck_assert_msg(rc == 0, "%s", error_message());
	ck_assert_int_eq(entries, 5000);
	double took = seconds_since(&start);
	ck_assert_msg(took < READ_BUDGET_SECONDS, "5000 entries with 1000 global xattrs took %.1f s", took);
	tar_reader_free(r);
	free(m.data);
}
END_TEST

START_TEST(global_headers_larger_than_the_limit_are_refused_naming_the_header_and_the_limit)
{
	/* The reviewer's archive: 1 MiB of global xattr records, then 20 files. */
	struct membuf m = { 0 };
	size_t len;
	char *records = xattr_records("g", 30000, 1, &len);
	ck_assert_uint_le(len, 1024 * 1024);
	add_pax_header(&m, 'g', records, len);
	free(records);
	struct tar_writer *w = tar_writer_new(membuf_write, &m);
	for (int i = 0; i < 20; i++)
		fixture_add(w, TAR_REGULAR, "file", NULL, NULL);
	fixture_end(w);
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	size_t entries;
	ck_assert_int_eq(read_all(&m, "big.tar", &entries), -1);
	ck_assert_msg(seconds_since(&start) < READ_BUDGET_SECONDS, "refusing took %.1f s", seconds_since(&start));
	char expected[200];
	snprintf(expected, sizeof(expected),
		 "big.tar: header at byte 0: global PAX headers of %zu bytes in all, more than the 65536-byte limit", len);
	ck_assert_str_eq(error_message(), expected);
	ck_assert_uint_eq(entries, 0);
	free(m.data);

	/* A run of global headers, each small, adds up to the same limit. */
	m = (struct membuf){ 0 };
	records = xattr_records("h", 1000, 1, &len);
	w = tar_writer_new(membuf_write, &m);
	for (int i = 0; i < 4; i++) {
		add_pax_header(&m, 'g', records, len);
		fixture_add(w, TAR_REGULAR, "file", NULL, NULL);
		ck_assert_int_eq(tar_writer_flush(w), 0); /* in order with the headers written here */
	}
	fixture_end(w);
	free(records);
	ck_assert_int_eq(read_all(&m, "run.tar", &entries), -1);
	ck_assert_uint_eq(entries, 2); /* about 30 KiB each: the third passes 64 KiB */
	ck_assert_ptr_nonnull(strstr(error_message(), "global PAX headers of"));
	ck_assert_ptr_nonnull(strstr(error_message(), "more than the 65536-byte limit"));
	free(m.data);
}
END_TEST

START_TEST(a_chain_of_pax_headers_cannot_pile_up_more_xattrs_than_a_file_may_have)
{
	/* 31 local headers (with the entry's own, the most the reader takes in a row) of 1000 new names each. */
	struct membuf m = { 0 };
	size_t len, first_len = 0;
	for (int i = 0; i < 31; i++) {
		char tag[8];
		snprintf(tag, sizeof(tag), "c%d_", i);
		char *records = xattr_records(tag, 1000, 1, &len);
		add_pax_header(&m, 'x', records, len);
		free(records);
		if (i == 0)
			first_len = len;
	}
	struct tar_writer *w = tar_writer_new(membuf_write, &m);
	fixture_add(w, TAR_REGULAR, "victim", NULL, NULL);
	fixture_end(w);
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	size_t entries;
	ck_assert_int_eq(read_all(&m, "chain.tar", &entries), -1);
	ck_assert_msg(seconds_since(&start) < READ_BUDGET_SECONDS, "refusing took %.1f s", seconds_since(&start));
	char expected[200];
	uint64_t second = TAR_BLOCK + (first_len + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
	snprintf(expected, sizeof(expected),
		 "chain.tar: header at byte %llu: 2000 extended attributes, more than the limit of 1024",
		 (unsigned long long)second);
	ck_assert_str_eq(error_message(), expected);
	free(m.data);

	/* One header alone with more names than the limit. */
	m = (struct membuf){ 0 };
	char *records = xattr_records("one", 1025, 1, &len);
	add_pax_header(&m, 'x', records, len);
	free(records);
	w = tar_writer_new(membuf_write, &m);
	fixture_add(w, TAR_REGULAR, "victim", NULL, NULL);
	fixture_end(w);
	ck_assert_int_eq(read_all(&m, "one.tar", &entries), -1);
	ck_assert_str_eq(error_message(), "one.tar: header at byte 0: more than the limit of 1024 extended attributes in one PAX header");
	free(m.data);
}
END_TEST

START_TEST(global_and_local_xattrs_over_the_limits_together_are_refused_naming_the_entry)
{
	struct membuf m = { 0 };
	size_t len;
	char *records = xattr_records("g", 600, 1, &len);
	add_pax_header(&m, 'g', records, len);
	free(records);
	records = xattr_records("l", 600, 1, &len);
	uint64_t entry_at = (uint64_t)m.len;
	add_pax_header(&m, 'x', records, len);
	free(records);
	struct tar_writer *w = tar_writer_new(membuf_write, &m);
	fixture_add(w, TAR_REGULAR, "etc/many", NULL, NULL);
	fixture_end(w);
	size_t entries;
	ck_assert_int_eq(read_all(&m, "many.tar", &entries), -1);
	char expected[200];
	snprintf(expected, sizeof(expected),
		 "many.tar: entry \"etc/many\" at byte %llu: 1200 extended attributes, more than the limit of 1024",
		 (unsigned long long)entry_at);
	ck_assert_str_eq(error_message(), expected);
	free(m.data);

	/* Bytes: 60 KiB of global value and a local value just under 1 MiB pass 1 MiB together. */
	m = (struct membuf){ 0 };
	records = xattr_records("big", 1, 60 * 1024, &len);
	add_pax_header(&m, 'g', records, len);
	free(records);
	entry_at = (uint64_t)m.len;
	records = xattr_records("huge", 1, 1024 * 1024 - 64, &len);
	add_pax_header(&m, 'x', records, len);
	free(records);
	w = tar_writer_new(membuf_write, &m);
	fixture_add(w, TAR_REGULAR, "etc/heavy", NULL, NULL);
	fixture_end(w);
	ck_assert_int_eq(read_all(&m, "heavy.tar", &entries), -1);
	snprintf(expected, sizeof(expected),
		 "heavy.tar: entry \"etc/heavy\" at byte %llu: extended attributes of %d bytes, more than the "
		 "1048576-byte limit",
		 (unsigned long long)entry_at, (int)(strlen("user.big00000") + 60 * 1024 + strlen("user.huge00000") + 1024 * 1024 - 64));
	ck_assert_str_eq(error_message(), expected);
	free(m.data);
}
END_TEST

START_TEST(a_later_xattr_record_wins_over_an_earlier_one_and_a_local_over_a_global_one)
{
	struct membuf m = { 0 };
	add_pax_block(&m, 'g', "30 SCHILY.xattr.user.a=global\n30 SCHILY.xattr.user.b=global\n");
	add_pax_block(&m, 'x', "29 SCHILY.xattr.user.b=first\n30 SCHILY.xattr.user.b=second\n"
			       "29 SCHILY.xattr.user.c=local\n");
	struct tar_writer *w = tar_writer_new(membuf_write, &m);
	fixture_add(w, TAR_REGULAR, "one", NULL, NULL);
	fixture_add(w, TAR_REGULAR, "two", NULL, NULL);
	fixture_end(w);
	struct memsrc src = { m.data, m.len, 0, 0 };
	struct tar_reader *r = tar_reader_new(memsrc_read, &src, "wins.tar");
	const struct tar_entry *e;
	ck_assert_int_eq(tar_reader_next(r, &e), 1);
	ck_assert_uint_eq(e->xattr_count, 3); /* in name order */
	static const char *const names[] = { "user.a", "user.b", "user.c" };
	static const char *const values[] = { "global", "second", "local" };
	for (int i = 0; i < 3; i++) {
		ck_assert_str_eq(e->xattrs[i].name, names[i]);
		ck_assert_uint_eq(e->xattrs[i].size, strlen(values[i]));
		ck_assert(memcmp(e->xattrs[i].value, values[i], strlen(values[i])) == 0);
	}
	ck_assert_int_eq(tar_reader_next(r, &e), 1); /* the local records were for "one" only */
	ck_assert_uint_eq(e->xattr_count, 2);
	ck_assert(memcmp(e->xattrs[1].value, "global", 6) == 0);
	ck_assert_int_eq(tar_reader_next(r, &e), 0);
	tar_reader_free(r);
	free(m.data);
}
END_TEST

/* --- GNU tar, both ways ----------------------------------------------------- */

static int run_tar(const char *const argv[])
{
	struct run_result res = run_program(NULL, 60, argv);
	int status = res.status;
	if (status != 0)
		fprintf(stderr, "tar failed (%d): %s\n", status, res.err);
	run_free(&res);
	return status;
}

/* Fill dir with the cases a layer meets: long names (>100, >255), long link targets,
 * unicode, a hard link, a user xattr. */
static void make_tree(const char *dir, char *deep_path, size_t size)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/usr/share/doc", dir);
	ck_assert_int_eq(make_dirs(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/usr/share/doc/README", dir);
	ck_assert_int_eq(write_file_atomic(path, "read me\n", 8, 0644), 0);
	char *deep = long_name('n', 5); /* 263 bytes with "end" */
	snprintf(deep_path, size, "%s", deep);
	char *slash = strrchr(deep, '/');
	*slash = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, deep);
	ck_assert_int_eq(make_dirs(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/%s/end", dir, deep);
	ck_assert_int_eq(write_file_atomic(path, "deep\n", 5, 0600), 0);
	free(deep);
	char *target = long_name('t', 3);
	snprintf(path, sizeof(path), "%s/long-link", dir);
	ck_assert_int_eq(symlink(target, path), 0);
	free(target);
	snprintf(path, sizeof(path), "%s/\xc3\xbcnic\xc3\xb8" "de.txt", dir);
	ck_assert_int_eq(write_file_atomic(path, "u\n", 2, 0644), 0);
	char other[PATH_MAX];
	snprintf(other, sizeof(other), "%s/usr/share/doc/README.hardlink", dir);
	snprintf(path, sizeof(path), "%s/usr/share/doc/README", dir);
	ck_assert_int_eq(link(path, other), 0);
	/* Where the filesystem keeps user xattrs (tmpfs before Linux 6.6 does not), GNU tar
	 * archives this one from the file; the pax archive carries another in any case. */
	setxattr(path, "user.tinydock", "yes", 3, 0);
}

START_TEST(gnu_tar_archives_in_ustar_gnu_and_pax_formats_are_read)
{
	if (!have_program("tar")) {
		harness_skip("GNU tar is not installed");
		return;
	}
	static const char *const formats[] = { "gnu", "pax", "ustar" };
	char dir[PATH_MAX], tree[PATH_MAX], archive[PATH_MAX], deep[PATH_MAX];
	fixture_tempdir(dir, sizeof(dir), "tar-read");
	snprintf(tree, sizeof(tree), "%s/tree", dir);
	ck_assert_int_eq(mkdir(tree, 0755), 0);
	make_tree(tree, deep, sizeof(deep));
	bool user_xattrs = getxattr(strcat(strcpy(archive, tree), "/usr/share/doc/README"), "user.tinydock", NULL, 0) == 3;
	for (size_t f = 0; f < 3; f++) {
		snprintf(archive, sizeof(archive), "%s/%s.tar", dir, formats[f]);
		char format[32];
		snprintf(format, sizeof(format), "--format=%s", formats[f]);
		const char *argv[] = { "tar", format, "--xattrs", "--sort=name", "-C", tree, "-cf", archive, ".", NULL };
		if (strcmp(formats[f], "ustar") == 0) {
			/* ustar cannot hold the 263-byte name or the 156-byte link: GNU tar skips them */
			argv[2] = "--exclude=long-link";
			argv[3] = "--exclude=nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn";
		}
		if (strcmp(formats[f], "gnu") == 0)
			argv[2] = "--no-xattrs"; /* GNU format has no place for xattrs */
		if (strcmp(formats[f], "pax") == 0) /* a record GNU tar writes whatever the filesystem keeps */
			argv[3] = "--pax-option=SCHILY.xattr.user.from-gnu-tar:=pax";
		ck_assert_int_eq(run_tar(argv), 0);
		int fd = open(archive, O_RDONLY);
		struct tar_reader *r = tar_reader_new(tar_read_fd, (void *)(intptr_t)fd, archive);
		const struct tar_entry *e;
		int rc, seen_deep = 0, seen_link = 0, seen_hard = 0, seen_unicode = 0, seen_xattr = 0, seen_option = 0;
		while ((rc = tar_reader_next(r, &e)) == 1) {
			const char *p = e->path[0] == '.' && e->path[1] == '/' ? e->path + 2 : e->path;
			if (strcmp(p, deep) == 0 && e->size == 5)
				seen_deep = 1;
			if (strcmp(p, "long-link") == 0 && e->type == TAR_SYMLINK && strlen(e->linkname) == 156)
				seen_link = 1;
			if (e->type == TAR_HARDLINK && strstr(e->linkname, "usr/share/doc/README"))
				seen_hard = 1;
			if (strcmp(p, "\xc3\xbcnic\xc3\xb8" "de.txt") == 0)
				seen_unicode = 1;
			for (size_t i = 0; i < e->xattr_count; i++) {
				const struct tar_xattr *x = &e->xattrs[i];
				if (strcmp(x->name, "user.tinydock") == 0 && x->size == 3 && memcmp(x->value, "yes", 3) == 0)
					seen_xattr = 1;
				if (strcmp(p, "usr/share/doc/README") == 0 && strcmp(x->name, "user.from-gnu-tar") == 0 &&
				    x->size == 3 && memcmp(x->value, "pax", 3) == 0)
					seen_option = 1;
			}
		}
		ck_assert_msg(rc == 0, "%s: %s", formats[f], error_message());
		bool full = strcmp(formats[f], "ustar") != 0;
		ck_assert_msg(seen_deep == full && seen_link == full, "%s: long names", formats[f]);
		ck_assert_msg(seen_hard && seen_unicode, "%s: hard link or unicode name missing", formats[f]);
		bool pax = strcmp(formats[f], "pax") == 0;
		ck_assert_msg(seen_option == pax, "%s: the xattr GNU tar wrote is %s", formats[f], seen_option ? "there" : "missing");
		ck_assert_msg(seen_xattr == (pax && user_xattrs), "%s: the file's xattr", formats[f]);
		tar_reader_free(r);
		close(fd);
	}
	remove_tree(dir);
}
END_TEST

/* Does the filesystem of dir keep user.* extended attributes? */
static bool user_xattrs_kept(const char *dir)
{
	char probe[PATH_MAX];
	snprintf(probe, sizeof(probe), "%s/xattr-probe", dir);
	ck_assert_int_eq(write_file_atomic(probe, "", 0, 0644), 0);
	int rc = setxattr(probe, "user.probe", "1", 1, 0);
	ck_assert_msg(rc == 0 || errno == ENOTSUP, "setxattr: %s", strerror(errno));
	unlink(probe);
	return rc == 0;
}

START_TEST(gnu_tar_lists_and_extracts_what_our_writer_wrote)
{
	if (!have_program("tar")) {
		harness_skip("GNU tar is not installed");
		return;
	}
	char dir[PATH_MAX], archive[PATH_MAX], out_dir[PATH_MAX], path[PATH_MAX];
	fixture_tempdir(dir, sizeof(dir), "tar-write");
	snprintf(archive, sizeof(archive), "%s/ours.tar", dir);
	snprintf(out_dir, sizeof(out_dir), "%s/out", dir);
	ck_assert_int_eq(mkdir(out_dir, 0755), 0);
	int fd = open(archive, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	struct tar_writer *w = tar_writer_new(tar_write_fd, (void *)(intptr_t)fd);
	char *deep = long_name('w', 5);
	char *target = long_name('k', 3);
	fixture_add(w, TAR_DIRECTORY, "etc/", NULL, NULL);
	fixture_add(w, TAR_REGULAR, "etc/motd", NULL, "hello from tinydock\n");
	fixture_add(w, TAR_HARDLINK, "etc/motd.link", "etc/motd", NULL);
	fixture_add(w, TAR_SYMLINK, "etc/far", target, NULL);
	fixture_add(w, TAR_REGULAR, deep, NULL, "deep\n");
	fixture_add(w, TAR_REGULAR, "\xe2\x98\x83.txt", NULL, "snow\n");
	struct tar_entry x = fixture_entry(TAR_REGULAR, "etc/with-xattr", NULL, 0644, 0);
	ck_assert_int_eq(tar_entry_add_xattr(&x, "user.color", "blue", 4), 0);
	ck_assert_int_eq(tar_writer_header(w, &x), 0);
	tar_entry_clear(&x);
	fixture_end(w);
	close(fd);

	const char *list[] = { "tar", "-tvf", archive, NULL };
	struct run_result res = run_program(NULL, 60, list);
	ck_assert_int_eq(res.status, 0);
	ck_assert_ptr_nonnull(strstr(res.out, "etc/motd.link link to etc/motd"));
	ck_assert_ptr_nonnull(strstr(res.out, deep));
	ck_assert_ptr_nonnull(strstr(res.out, target));
	ck_assert_msg(strstr(res.err, "warning") == NULL, "tar warned: %s", res.err);
	run_free(&res);
	/* GNU tar reads our xattr record from the archive, whatever the filesystem here keeps. */
	const char *list_xattrs[] = { "tar", "--xattrs", "-tvvf", archive, NULL };
	res = run_program(NULL, 60, list_xattrs);
	ck_assert_int_eq(res.status, 0);
	ck_assert_msg(strstr(res.out, "etc/with-xattr\n  x: 4 user.color\n"), "tar -tvv: %s", res.out);
	run_free(&res);
	const char *extract[] = { "tar", "--xattrs", "--xattrs-include=user.*", "-C", out_dir, "-xf", archive, NULL };
	ck_assert_int_eq(run_tar(extract), 0);
	snprintf(path, sizeof(path), "%s/etc/motd", out_dir);
	size_t size;
	char *text = read_file(path, &size);
	ck_assert_str_eq(text, "hello from tinydock\n");
	free(text);
	struct stat a, b;
	snprintf(path, sizeof(path), "%s/etc/motd.link", out_dir);
	ck_assert_int_eq(stat(path, &b), 0);
	snprintf(path, sizeof(path), "%s/etc/motd", out_dir);
	ck_assert_int_eq(stat(path, &a), 0);
	ck_assert_uint_eq(a.st_ino, b.st_ino);
	ck_assert_int_eq(a.st_mtime, 1700000000);
	snprintf(path, sizeof(path), "%s/%s", out_dir, deep);
	ck_assert_int_eq(access(path, F_OK), 0);
	char got[400];
	snprintf(path, sizeof(path), "%s/etc/far", out_dir);
	ssize_t n = readlink(path, got, sizeof(got) - 1);
	ck_assert_int_eq(n, (ssize_t)strlen(target));
	snprintf(path, sizeof(path), "%s/\xe2\x98\x83.txt", out_dir);
	ck_assert_int_eq(access(path, F_OK), 0);
	/* Extracted, the attribute is on the file where the filesystem keeps user xattrs; where
	 * it does not (tmpfs before Linux 6.6), the listing above is the check. */
	snprintf(path, sizeof(path), "%s/etc/with-xattr", out_dir);
	char color[8];
	ssize_t xn = getxattr(path, "user.color", color, sizeof(color));
	if (user_xattrs_kept(out_dir))
		ck_assert_msg(xn == 4 && memcmp(color, "blue", 4) == 0, "user.color: %zd", xn);
	else
		ck_assert_int_eq(xn, -1);
	free(deep);
	free(target);
	remove_tree(dir);
}
END_TEST

Suite *tar_suite(void)
{
	Suite *s = suite_create("tar");
	TCase *t = tcase_create("format");
	tcase_add_test(t, octal_fields_parse_with_spaces_and_nuls_around_them);
	tcase_add_test(t, base256_sizes_beyond_8_gib_parse_and_negative_ones_are_refused);
	tcase_add_test(t, checksum_is_verified_and_a_flipped_byte_is_caught);
	tcase_add_test(t, ustar_paths_split_at_a_slash_into_prefix_and_name);
	tcase_add_test(t, pax_record_lengths_count_their_own_digits);
	suite_add_tcase(s, t);
	t = tcase_create("round-trip");
	tcase_add_test(t, every_entry_kind_survives_a_round_trip_through_writer_and_reader);
	tcase_add_test(t, an_ordinary_entry_is_plain_ustar_without_a_pax_header);
	tcase_add_test(t, a_path_of_up_to_255_bytes_is_split_into_the_ustar_prefix_without_a_pax_header);
	tcase_add_test(t, a_hard_link_carries_no_data_whatever_size_its_entry_says);
	tcase_add_test(t, a_size_over_8_gib_is_written_as_a_pax_record_and_read_back);
	tcase_add_test(t, a_gnu_base256_size_header_is_read);
	tcase_add_test(t, pax_global_records_apply_to_every_later_entry_and_local_ones_win);
	tcase_add_test(t, sparse_and_unknown_entries_are_refused_by_name);
	suite_add_tcase(s, t);
	t = tcase_create("broken");
	tcase_add_test(t, every_truncation_of_an_archive_is_an_error_or_a_clean_end_never_a_crash);
	tcase_add_test(t, a_corrupt_header_is_an_error_naming_its_byte_offset);
	tcase_add_test(t, entries_hidden_after_a_lone_zero_block_or_a_pax_header_with_no_entry_are_refused);
	tcase_add_test(t, a_huge_pax_header_is_refused_before_it_is_allocated);
	suite_add_tcase(s, t);
	t = tcase_create("limits");
	tcase_set_timeout(t, 120); /* the tests time themselves: a hang shows as their own failure */
	tcase_add_test(t, a_global_header_with_a_thousand_xattrs_before_many_files_is_read_in_linear_time);
	tcase_add_test(t, global_headers_larger_than_the_limit_are_refused_naming_the_header_and_the_limit);
	tcase_add_test(t, a_chain_of_pax_headers_cannot_pile_up_more_xattrs_than_a_file_may_have);
	tcase_add_test(t, global_and_local_xattrs_over_the_limits_together_are_refused_naming_the_entry);
	tcase_add_test(t, a_later_xattr_record_wins_over_an_earlier_one_and_a_local_over_a_global_one);
	suite_add_tcase(s, t);
	t = tcase_create("gnu-tar");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, gnu_tar_archives_in_ustar_gnu_and_pax_formats_are_read);
	tcase_add_test(t, gnu_tar_lists_and_extracts_what_our_writer_wrote);
	suite_add_tcase(s, t);
	return s;
}
