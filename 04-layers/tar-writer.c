/*
 * tar-writer.c - writing PAX-extended ustar, the way Docker writes layers.
 *
 * Lecture: "changes can be committed into new image".
 * Docker's archiver (Go's archive/tar in PAX mode) writes a plain ustar header
 * for every entry, and puts a PAX 'x' header in front only when a field does
 * not fit: a path that cannot be split into ustar's 155 + 100 bytes, a link
 * target over 100 bytes, a size of 8 GiB or more, a uid over 2097151, a name
 * that is not ASCII, an extended attribute (SCHILY.xattr.NAME, the key GNU
 * tar and Go both use). So a layer of ordinary files is a ustar archive that
 * any tar reads, and nothing is lost for the unusual ones. We do the same, so
 * our layers and Docker's look alike byte for byte where it matters.
 *
 * Times are whole seconds, as Docker truncates them (a layer's bytes, and so
 * its sha256, should not depend on nanoseconds nobody asked for).
 * trusted.overlay.* attributes are never written: they are overlayfs's own
 * bookkeeping on this host (opaque folders, redirects), and an archive that
 * carried them could change how another host's overlay resolves paths.
 *
 * Output goes through a write callback in 64 KiB chunks, so a sha256 hasher
 * (chapter 05) or a gzip deflater can sit between this writer and the file.
 *
 * Read next: inroot.c and apply.c, where archives become folders again.
 */
#include "tar.h"
#include "error.h"
#include "files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WRITE_BUFFER (64 * 1024)

struct tar_writer {
	tar_write_fn write;
	void *ctx;
	unsigned char *buf;
	size_t used;
	uint64_t offset;    /* bytes handed to the writer so far (flushed or not) */
	uint64_t remaining; /* data the current entry still owes */
	uint64_t padding;   /* zeros owed after the current entry's data */
	char *path;         /* current entry, for messages */
	bool failed;
};

int tar_write_fd(void *ctx, const void *buf, size_t size)
{
	if (write_all((int)(intptr_t)ctx, buf, size) < 0)
		return fail_sys("cannot write the archive");
	return 0;
}

struct tar_writer *tar_writer_new(tar_write_fn write, void *ctx)
{
	struct tar_writer *w = calloc(1, sizeof(*w));
	if (w)
		w->buf = malloc(WRITE_BUFFER);
	if (!w || !w->buf) {
		free(w);
		fail_errno(ENOMEM, "cannot start an archive");
		return NULL;
	}
	w->write = write;
	w->ctx = ctx;
	return w;
}

void tar_writer_free(struct tar_writer *w)
{
	if (!w)
		return;
	free(w->buf);
	free(w->path);
	free(w);
}

uint64_t tar_writer_offset(const struct tar_writer *w)
{
	return w->offset;
}

static int flush(struct tar_writer *w)
{
	if (w->used == 0)
		return 0;
	if (w->write(w->ctx, w->buf, w->used) < 0) {
		w->failed = true;
		return -1;
	}
	w->used = 0;
	return 0;
}

static int emit(struct tar_writer *w, const void *data, size_t size)
{
	const unsigned char *p = data;
	w->offset += size;
	while (size > 0) {
		if (w->used == WRITE_BUFFER && flush(w) < 0)
			return -1;
		size_t chunk = WRITE_BUFFER - w->used;
		if (chunk > size)
			chunk = size;
		if (p)
			memcpy(w->buf + w->used, p, chunk);
		else
			memset(w->buf + w->used, 0, chunk);
		w->used += chunk;
		size -= chunk;
		if (p)
			p += chunk;
	}
	return 0;
}

/* Finish the previous entry: it must have had all its data; then pad it to the block. */
static int end_entry(struct tar_writer *w)
{
	if (w->failed)
		return fail_errno(0, "the archive is already broken");
	if (w->remaining)
		return fail_errno(0, "\"%s\": %llu bytes of data missing before the next entry",
				  w->path ? w->path : "?", (unsigned long long)w->remaining);
	int rc = emit(w, NULL, (size_t)w->padding);
	w->padding = 0;
	return rc;
}

static bool is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* Copy a string into a fixed field, NUL-padded (a full field has no NUL, as ustar allows). */
static void put_string(unsigned char *field, size_t width, const char *s)
{
	size_t len = strnlen(s, width);
	memcpy(field, s, len);
}

/* The PAX records this entry needs: only for the fields a ustar header cannot hold. */
static int pax_records(const struct tar_entry *e, char **buf, size_t *len, size_t *cap)
{
	char number[32];
	size_t prefix;
	int rc = 0;
	if (!is_ascii(e->path) || !tar_split_ustar_path(e->path, &prefix))
		rc |= tar_pax_append(buf, len, cap, "path", e->path, strlen(e->path));
	if (e->linkname && (strlen(e->linkname) > 100 || !is_ascii(e->linkname)))
		rc |= tar_pax_append(buf, len, cap, "linkpath", e->linkname, strlen(e->linkname));
	if (e->size > 077777777777ULL) {
		snprintf(number, sizeof(number), "%llu", (unsigned long long)e->size);
		rc |= tar_pax_append(buf, len, cap, "size", number, strlen(number));
	}
	if (e->uid > 07777777) {
		snprintf(number, sizeof(number), "%llu", (unsigned long long)e->uid);
		rc |= tar_pax_append(buf, len, cap, "uid", number, strlen(number));
	}
	if (e->gid > 07777777) {
		snprintf(number, sizeof(number), "%llu", (unsigned long long)e->gid);
		rc |= tar_pax_append(buf, len, cap, "gid", number, strlen(number));
	}
	if (e->uname && (strlen(e->uname) > 32 || !is_ascii(e->uname)))
		rc |= tar_pax_append(buf, len, cap, "uname", e->uname, strlen(e->uname));
	if (e->gname && (strlen(e->gname) > 32 || !is_ascii(e->gname)))
		rc |= tar_pax_append(buf, len, cap, "gname", e->gname, strlen(e->gname));
	if (e->mtime.tv_sec < 0 || (uint64_t)e->mtime.tv_sec > 077777777777ULL) {
		snprintf(number, sizeof(number), "%lld", (long long)e->mtime.tv_sec);
		rc |= tar_pax_append(buf, len, cap, "mtime", number, strlen(number));
	}
	for (size_t i = 0; i < e->xattr_count; i++) {
		const struct tar_xattr *x = &e->xattrs[i];
		if (strncmp(x->name, "trusted.overlay.", 16) == 0)
			continue;
		char key[300];
		if (snprintf(key, sizeof(key), "SCHILY.xattr.%s", x->name) >= (int)sizeof(key))
			return fail_errno(ENAMETOOLONG, "\"%s\": extended attribute name too long", e->path);
		rc |= tar_pax_append(buf, len, cap, key, x->value, x->size);
	}
	return rc ? fail_errno(ENOMEM, "cannot write the header of \"%s\"", e->path) : 0;
}

/* Fill a ustar header block for e, with the given type and size. Fields that do not fit
 * are left as zeros: the PAX record before it carries them. */
static void fill_header(unsigned char h[TAR_BLOCK], const struct tar_entry *e, const char *name, char type, uint64_t size)
{
	memset(h, 0, TAR_BLOCK);
	size_t prefix = 0;
	if (is_ascii(name) && tar_split_ustar_path(name, &prefix) && prefix) {
		memcpy(h + 345, name, prefix);
		put_string(h + 0, 100, name + prefix + 1);
	} else {
		put_string(h + 0, 100, name); /* the first 100 bytes; PAX "path" has the rest */
	}
	tar_format_octal((char *)h + 100, 8, e->mode & 07777);
	if (!tar_format_octal((char *)h + 108, 8, e->uid))
		tar_format_octal((char *)h + 108, 8, 0);
	if (!tar_format_octal((char *)h + 116, 8, e->gid))
		tar_format_octal((char *)h + 116, 8, 0);
	if (!tar_format_octal((char *)h + 124, 12, size))
		tar_format_octal((char *)h + 124, 12, 0);
	if (e->mtime.tv_sec < 0 || !tar_format_octal((char *)h + 136, 12, (uint64_t)e->mtime.tv_sec))
		tar_format_octal((char *)h + 136, 12, 0);
	h[156] = (unsigned char)type;
	if (e->linkname && is_ascii(e->linkname))
		put_string(h + 157, 100, e->linkname);
	memcpy(h + 257, "ustar\0" "00", 8);
	if (e->uname && is_ascii(e->uname))
		put_string(h + 265, 32, e->uname);
	if (e->gname && is_ascii(e->gname))
		put_string(h + 297, 32, e->gname);
	if (type == TAR_CHAR || type == TAR_BLOCK_DEVICE) {
		if (!tar_format_octal((char *)h + 329, 8, e->devmajor))
			tar_format_base256((char *)h + 329, 8, e->devmajor);
		if (!tar_format_octal((char *)h + 337, 8, e->devminor))
			tar_format_base256((char *)h + 337, 8, e->devminor);
	} else {
		tar_format_octal((char *)h + 329, 8, 0);
		tar_format_octal((char *)h + 337, 8, 0);
	}
	tar_set_checksum(h);
}

/* The name of a PAX header entry: "DIR/PaxHeaders.0/BASE", as Go's archive/tar names it
 * (readers that do not know PAX extract it as a plain file, so it gets a harmless name). */
static void pax_header_name(char *out, size_t size, const char *path)
{
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	const char *base = path;
	for (size_t i = 0; i + 1 < len; i++)
		if (path[i] == '/')
			base = path + i + 1;
	int dir_len = (int)(base - path);
	snprintf(out, size, "%.*sPaxHeaders.0/%.*s", dir_len, path, (int)(len - (size_t)(base - path)), base);
	/* Keep it within the 100-byte name field and ASCII. */
	out[size - 1 < 100 ? size - 1 : 100] = '\0';
	for (char *p = out; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '_';
}

int tar_writer_header(struct tar_writer *w, const struct tar_entry *e)
{
	if (end_entry(w) < 0)
		return -1;
	char *path = strdup(e->path);
	if (!path)
		return fail_errno(ENOMEM, "cannot write the header of \"%s\"", e->path);
	free(w->path);
	w->path = path;

	char *records = NULL;
	size_t len = 0, cap = 0;
	if (pax_records(e, &records, &len, &cap) < 0)
		return -1;
	unsigned char h[TAR_BLOCK];
	int rc = 0;
	if (len > 0) {
		char name[256];
		pax_header_name(name, sizeof(name), e->path);
		struct tar_entry pax = { .mode = 0644, .mtime = e->mtime };
		fill_header(h, &pax, name, 'x', len);
		rc = emit(w, h, TAR_BLOCK);
		if (rc == 0)
			rc = emit(w, records, len);
		if (rc == 0)
			rc = emit(w, NULL, (TAR_BLOCK - len % TAR_BLOCK) % TAR_BLOCK);
	}
	free(records);
	if (rc < 0)
		return -1;
	uint64_t size = e->type == TAR_REGULAR ? e->size : 0;
	fill_header(h, e, e->path, e->type, size);
	if (emit(w, h, TAR_BLOCK) < 0)
		return -1;
	w->remaining = size;
	w->padding = (TAR_BLOCK - size % TAR_BLOCK) % TAR_BLOCK;
	return 0;
}

int tar_writer_data(struct tar_writer *w, const void *data, size_t size)
{
	if (size > w->remaining)
		return fail_errno(0, "\"%s\": more data than its header announced", w->path ? w->path : "?");
	w->remaining -= size;
	return emit(w, data, size);
}

int tar_writer_data_from_fd(struct tar_writer *w, int fd, const char *path)
{
	/* Read straight into the output buffer: one copy, from the page cache to us. */
	while (w->remaining > 0) {
		if (w->used == WRITE_BUFFER && flush(w) < 0)
			return -1;
		size_t room = WRITE_BUFFER - w->used;
		if (room > w->remaining)
			room = (size_t)w->remaining;
		ssize_t n = read(fd, w->buf + w->used, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail_sys("cannot read \"%s\"", path);
		if (n == 0)
			return fail_errno(0, "\"%s\" shrank while it was being archived (%llu bytes missing)", path,
					  (unsigned long long)w->remaining);
		w->used += (size_t)n;
		w->offset += (uint64_t)n;
		w->remaining -= (uint64_t)n;
	}
	return 0;
}

int tar_writer_flush(struct tar_writer *w)
{
	return flush(w);
}

int tar_writer_finish(struct tar_writer *w)
{
	if (end_entry(w) < 0)
		return -1;
	/* The end of an archive: two zero blocks. */
	if (emit(w, NULL, 2 * TAR_BLOCK) < 0)
		return -1;
	return flush(w);
}
