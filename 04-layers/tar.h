/*
 * tar.h - the tar archive format: what a container image layer is made of.
 *
 * An archive is a sequence of 512-byte blocks: for each file one header block
 * (name, mode, owner, size, mtime, type, link target: see tar-format.c for the
 * layout), then the file's bytes rounded up to whole blocks, and two zero
 * blocks at the end. Three dialects matter for layers, and the reader takes all
 * of them; the writer produces the one Docker writes (PAX-extended ustar):
 *
 *   ustar (POSIX.1-1988)  name 100 bytes (+ a 155-byte prefix), sizes < 8 GiB
 *   GNU                   long names in extra 'L'/'K' entries, base-256 numbers
 *   PAX (POSIX.1-2001)    an 'x' entry before a file carries "key=value"
 *                         records that override the header: path, linkpath,
 *                         size, uid, gid, uname, gname, mtime, SCHILY.xattr.*
 *
 * Both directions stream: the reader pulls bytes through a read callback and
 * the writer pushes them through a write callback, so a multi-gigabyte layer
 * never sits in memory, and a gzip inflater (chapter 05) or a sha256 hasher can
 * be chained in front of the reader or behind the writer.
 *
 * Read next: tar-format.c (the header block), tar-reader.c, tar-writer.c, then
 * apply.c (unpacking a layer safely).
 */
#ifndef TINYDOCK_TAR_H
#define TINYDOCK_TAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define TAR_BLOCK 512

/* Entry types, as the typeflag byte of the header spells them. */
enum tar_type {
	TAR_REGULAR = '0',
	TAR_HARDLINK = '1',
	TAR_SYMLINK = '2',
	TAR_CHAR = '3',
	TAR_BLOCK_DEVICE = '4',
	TAR_DIRECTORY = '5',
	TAR_FIFO = '6',
};

struct tar_xattr {
	char *name;          /* e.g. "security.capability" */
	unsigned char *value; /* binary, not NUL-terminated */
	size_t size;
};

/* One archive member, as the reader returns it and the writer takes it. */
struct tar_entry {
	char *path;          /* as stored: "etc/passwd", "etc/" (no leading "./" removed) */
	char *linkname;      /* target of a symlink or hard link, else NULL */
	char type;           /* enum tar_type */
	mode_t mode;         /* permission bits only (07777) */
	uint64_t uid, gid;
	char *uname, *gname; /* may be NULL */
	struct timespec mtime;
	uint64_t size;       /* bytes of data that follow (regular files only) */
	unsigned devmajor, devminor;
	struct tar_xattr *xattrs; /* from the reader: sorted by name, each name once */
	size_t xattr_count;
	uint64_t offset;     /* byte offset of this entry's first header in the archive */
};

/* Free everything an entry owns and zero it. */
void tar_entry_clear(struct tar_entry *entry);

/* Append (a copy of) an extended attribute to an entry; -1 on ENOMEM. Names are not looked
 * up: give each name once (the writer writes every one it is given). */
int tar_entry_add_xattr(struct tar_entry *entry, const char *name, const void *value, size_t size);

/* --- reading ------------------------------------------------------------ */

/* Read up to size bytes; return the count, 0 at the end of input, -1 with the error recorded. */
typedef ssize_t (*tar_read_fn)(void *ctx, void *buf, size_t size);

/* A read callback for a file descriptor: pass (void *)(intptr_t)fd as ctx. */
ssize_t tar_read_fd(void *ctx, void *buf, size_t size);

struct tar_reader;

/* A reader pulling from read(ctx); name ("layer.tar") is used in error messages. */
struct tar_reader *tar_reader_new(tar_read_fn read, void *ctx, const char *name);
void tar_reader_free(struct tar_reader *reader);

/* The next entry: 1 with *entry filled (owned by the reader until the next call),
 * 0 at the end of the archive, -1 on a corrupt or truncated archive (the message
 * names the entry and the byte offset). Unread data of the previous entry is skipped. */
int tar_reader_next(struct tar_reader *reader, const struct tar_entry **entry);

/* Read the current entry's data: the count, 0 at its end, -1 when the archive is truncated. */
ssize_t tar_reader_read(struct tar_reader *reader, void *buf, size_t size);

/* Bytes consumed from the input so far. */
uint64_t tar_reader_offset(const struct tar_reader *reader);

/* --- writing ------------------------------------------------------------ */

/* Write all size bytes or return -1 with the error recorded. This is the sink: a file,
 * a hasher that passes bytes on (chapter 05), a gzip deflater, a socket. */
typedef int (*tar_write_fn)(void *ctx, const void *buf, size_t size);

/* A write callback for a file descriptor: pass (void *)(intptr_t)fd as ctx. */
int tar_write_fd(void *ctx, const void *buf, size_t size);

struct tar_writer;

struct tar_writer *tar_writer_new(tar_write_fn write, void *ctx);
void tar_writer_free(struct tar_writer *writer);

/* Write an entry's header (and a PAX header before it when a field does not fit ustar).
 * For a regular file, exactly entry->size bytes of data must follow through tar_writer_data. */
int tar_writer_header(struct tar_writer *writer, const struct tar_entry *entry);

/* Write data of the current entry; padding to the block is added by the next header or close. */
int tar_writer_data(struct tar_writer *writer, const void *data, size_t size);

/* Copy the current entry's data from fd (exactly the size announced in the header). */
int tar_writer_data_from_fd(struct tar_writer *writer, int fd, const char *path);

/* Hand everything buffered so far to the sink (the archive is not ended). */
int tar_writer_flush(struct tar_writer *writer);

/* End the archive (two zero blocks) and flush; the writer can then only be freed. */
int tar_writer_finish(struct tar_writer *writer);

/* Bytes written so far. */
uint64_t tar_writer_offset(const struct tar_writer *writer);

/* --- the header block (tar-format.c): pure functions, unit-tested -------- */

/* Parse a numeric header field: octal text, or GNU base-256 when the top bit of
 * the first byte is set. -1 on garbage, or a negative or too large value. */
int tar_parse_number(const char *field, size_t width, uint64_t *value);

/* Write value as zero-padded octal with a NUL terminator; false if it does not fit. */
bool tar_format_octal(char *field, size_t width, uint64_t value);

/* Write value in GNU base-256 (for device numbers too large for octal). */
void tar_format_base256(char *field, size_t width, uint64_t value);

/* Verify a header block's checksum (unsigned sum, or the historic signed one). */
bool tar_checksum_ok(const unsigned char block[TAR_BLOCK]);

/* Compute and store a header block's checksum. */
void tar_set_checksum(unsigned char block[TAR_BLOCK]);

/* Split path into ustar's prefix (<=155) and name (<=100) at a '/'; false if impossible. */
bool tar_split_ustar_path(const char *path, size_t *prefix_len);

/* Append one PAX record "LEN key=value\n" to buf (growing it); -1 on ENOMEM. */
int tar_pax_append(char **buf, size_t *len, size_t *cap, const char *key, const void *value, size_t value_size);

/* Parse the next PAX record of data[0..size) at *pos; 1 with key/value pointing
 * into data (key NUL-terminated in place), 0 at the end, -1 if malformed. */
int tar_pax_next(char *data, size_t size, size_t *pos, char **key, char **value, size_t *value_size);

#endif
