/*
 * tar-reader.c - reading ustar, GNU and PAX archives as a stream.
 *
 * Pulling an image downloads its layers; each layer is unpacked.
 * The reader turns a stream of bytes into a stream of entries. It holds one
 * 64 KiB buffer and the current entry, never the archive, so a 10 GB layer costs
 * the same memory as a 10 kB one; the bytes come through a read callback, so the
 * stream can be a file, a pipe, or (chapter 05) the output of a gzip inflater.
 *
 * One archive member may take several header blocks in a row:
 *   'g'  PAX global records: defaults for every later entry
 *   'x'  PAX records for the next entry only (path, size, mtime, xattrs, ...)
 *   'L'  GNU: the next entry's long name, as data
 *   'K'  GNU: the next entry's long link target
 * followed by the real header. Precedence, as POSIX pax(1) and GNU tar have it:
 * local PAX record > global PAX record > GNU long name > the header's own field.
 *
 * Every header's checksum is verified and every number parsed strictly: the
 * input is untrusted (a layer pulled from anywhere), so any inconsistency is
 * an error naming the entry and the byte offset, never a guess. Metadata blocks
 * are bounded (1 MiB, as Go's archive/tar does) so a hostile archive cannot make
 * us allocate gigabytes. Work is bounded too: a global header's records reach
 * every later entry, and this reader once copied them into each one, looking
 * every name up in a list: 30 KiB of global xattrs before 5000 empty files took
 * 13.5 s, 1 MiB before 20 files 51 s. So global headers are capped in total, an
 * entry's extended attributes in number and size, and an entry's attributes
 * point into the records they came from, merged in name order in one pass.
 * tests/fuzz/fuzz_tar.c feeds this file random bytes.
 *
 * Read next: tar-writer.c.
 */
#include "tar.h"
#include "error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READ_BUFFER (64 * 1024)
#define META_LIMIT (1024 * 1024) /* largest PAX or GNU long-name block we accept */
#define META_CHAIN 32            /* most metadata headers before one real entry */
/* All global PAX headers of an archive together. Writers put a few defaults or a comment
 * there (git archive: the commit id), never a file's worth of attributes. */
#define GLOBAL_LIMIT (64 * 1024)
/* Extended attributes of one entry: how many, and their names and values together. ext4
 * keeps all of a file's attributes in one block, and listxattr(2) returns at most
 * XATTR_LIST_MAX (64 KiB) of names, so no real file comes near either number. */
#define XATTR_COUNT_LIMIT 1024
#define XATTR_BYTES_LIMIT META_LIMIT

/* The values a PAX 'x' or 'g' header sets. */
enum {
	PAX_PATH = 1 << 0,
	PAX_LINKPATH = 1 << 1,
	PAX_SIZE = 1 << 2,
	PAX_UID = 1 << 3,
	PAX_GID = 1 << 4,
	PAX_UNAME = 1 << 5,
	PAX_GNAME = 1 << 6,
	PAX_MTIME = 1 << 7,
};

struct pax {
	unsigned set;
	struct tar_entry values; /* only the fields named in set, and xattrs */
};

struct tar_reader {
	tar_read_fn read;
	void *ctx;
	char *name;
	unsigned char *buf;
	size_t buf_pos, buf_len;
	uint64_t offset;    /* bytes consumed by the caller's view of the archive */
	uint64_t remaining; /* data bytes of the current entry not yet read */
	uint64_t padding;   /* zero bytes after the data, up to the next block */
	int state;          /* 0 reading, 1 ended, -1 failed */
	struct tar_entry entry;
	struct pax global, local;
	uint64_t global_bytes;    /* data of all global headers so far (GLOBAL_LIMIT) */
	struct tar_xattr *xattrs; /* entry.xattrs: global and local ones merged, not copied */
	size_t xattrs_cap;
	char *gnu_name, *gnu_link;
};

ssize_t tar_read_fd(void *ctx, void *buf, size_t size)
{
	int fd = (int)(intptr_t)ctx;
	for (;;) {
		ssize_t n = read(fd, buf, size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail_sys("cannot read the archive");
		return n;
	}
}

void tar_entry_clear(struct tar_entry *e)
{
	free(e->path);
	free(e->linkname);
	free(e->uname);
	free(e->gname);
	for (size_t i = 0; i < e->xattr_count; i++) {
		free(e->xattrs[i].name);
		free(e->xattrs[i].value);
	}
	free(e->xattrs);
	memset(e, 0, sizeof(*e));
}

int tar_entry_add_xattr(struct tar_entry *e, const char *name, const void *value, size_t size)
{
	unsigned char *copy = malloc(size ? size : 1);
	if (!copy)
		return -1;
	memcpy(copy, value, size);
	struct tar_xattr *more = realloc(e->xattrs, (e->xattr_count + 1) * sizeof(*more));
	char *name_copy = strdup(name);
	if (!more || !name_copy) {
		if (more)
			e->xattrs = more;
		free(copy);
		free(name_copy);
		return -1;
	}
	e->xattrs = more;
	e->xattrs[e->xattr_count++] = (struct tar_xattr){ name_copy, copy, size };
	return 0;
}

static void pax_clear(struct pax *p)
{
	tar_entry_clear(&p->values);
	p->set = 0;
}

/* The current entry's xattrs belong to the PAX records (see build_entry): detach them first. */
static void entry_clear(struct tar_reader *r)
{
	r->entry.xattrs = NULL;
	r->entry.xattr_count = 0;
	tar_entry_clear(&r->entry);
}

/* Sorting pointers into the array, equal names keep their order: the address is the position. */
static int by_name_then_position(const void *a, const void *b)
{
	const struct tar_xattr *x = *(struct tar_xattr *const *)a, *y = *(struct tar_xattr *const *)b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x > y) - (x < y);
}

/* Sort an entry's xattrs by name, keeping only the last of equal names: as for every PAX
 * keyword, a later record wins. n log n, where looking each name up was n squared. */
static int sort_xattrs(struct tar_entry *e)
{
	size_t n = e->xattr_count;
	if (n < 2)
		return 0;
	struct tar_xattr **order = malloc(n * sizeof(*order));
	struct tar_xattr *sorted = malloc(n * sizeof(*sorted));
	if (!order || !sorted) {
		free(order);
		free(sorted);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		order[i] = &e->xattrs[i];
	qsort(order, n, sizeof(*order), by_name_then_position);
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && strcmp(order[i]->name, order[i + 1]->name) == 0) {
			free(order[i]->name);
			free(order[i]->value);
		} else {
			sorted[kept++] = *order[i];
		}
	}
	free(order);
	free(e->xattrs);
	e->xattrs = sorted;
	e->xattr_count = kept;
	return 0;
}

/* Merge two lists sorted by name into out (room for both): on equal names the later list
 * wins, and the earlier one's attribute is freed when the lists own theirs. One pass. */
static size_t merge_xattrs(struct tar_xattr *out, struct tar_xattr *earlier, size_t n_earlier,
			   const struct tar_xattr *later, size_t n_later, bool free_replaced)
{
	size_t i = 0, j = 0, n = 0;
	while (i < n_earlier || j < n_later) {
		int c = i == n_earlier ? 1 : j == n_later ? -1 : strcmp(earlier[i].name, later[j].name);
		if (c < 0) {
			out[n++] = earlier[i++];
			continue;
		}
		if (c == 0) {
			if (free_replaced) {
				free(earlier[i].name);
				free(earlier[i].value);
			}
			i++;
		}
		out[n++] = later[j++];
	}
	return n;
}

static uint64_t xattr_bytes(const struct tar_entry *e)
{
	uint64_t total = 0;
	for (size_t i = 0; i < e->xattr_count; i++)
		total += strlen(e->xattrs[i].name) + e->xattrs[i].size;
	return total;
}

/* The reason an entry's xattrs are over a limit, or NULL (why is a buffer for it). */
static const char *xattrs_over_limit(const struct tar_entry *e, char *why, size_t size)
{
	uint64_t bytes = xattr_bytes(e);
	if (e->xattr_count > XATTR_COUNT_LIMIT)
		snprintf(why, size, "%zu extended attributes, more than the limit of %d", e->xattr_count,
			 XATTR_COUNT_LIMIT);
	else if (bytes > XATTR_BYTES_LIMIT)
		snprintf(why, size, "extended attributes of %llu bytes, more than the %d-byte limit",
			 (unsigned long long)bytes, XATTR_BYTES_LIMIT);
	else
		return NULL;
	return why;
}

struct tar_reader *tar_reader_new(tar_read_fn read, void *ctx, const char *name)
{
	struct tar_reader *r = calloc(1, sizeof(*r));
	if (r) {
		r->buf = malloc(READ_BUFFER);
		r->name = strdup(name ? name : "archive");
	}
	if (!r || !r->buf || !r->name) {
		tar_reader_free(r);
		fail_errno(ENOMEM, "cannot read \"%s\"", name);
		return NULL;
	}
	r->read = read;
	r->ctx = ctx;
	return r;
}

void tar_reader_free(struct tar_reader *r)
{
	if (!r)
		return;
	entry_clear(r);
	pax_clear(&r->global);
	pax_clear(&r->local);
	free(r->xattrs);
	free(r->gnu_name);
	free(r->gnu_link);
	free(r->buf);
	free(r->name);
	free(r);
}

uint64_t tar_reader_offset(const struct tar_reader *r)
{
	return r->offset;
}

/* Record "NAME: entry "PATH" at byte N: reason" (or "header at byte N") and fail the reader. */
__attribute__((format(printf, 4, 5)))
static int corrupt(struct tar_reader *r, const char *path, uint64_t at, const char *fmt, ...)
{
	char why[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	r->state = -1;
	if (path)
		return fail_errno(0, "%s: entry \"%.200s\" at byte %llu: %s", r->name, path, (unsigned long long)at, why);
	return fail_errno(0, "%s: header at byte %llu: %s", r->name, (unsigned long long)at, why);
}

/* Copy up to size bytes of input into dst; returns the count (short only at end of input), -1 on error. */
static ssize_t input(struct tar_reader *r, void *dst, size_t size)
{
	size_t done = 0;
	while (done < size) {
		if (r->buf_pos == r->buf_len) {
			/* A large read goes straight to the caller's buffer: no copy. */
			if (size - done >= READ_BUFFER) {
				ssize_t n = r->read(r->ctx, (char *)dst + done, size - done);
				if (n < 0)
					return fail_context("%s", r->name);
				if (n == 0)
					break;
				done += (size_t)n;
				r->offset += (uint64_t)n;
				continue;
			}
			ssize_t n = r->read(r->ctx, r->buf, READ_BUFFER);
			if (n < 0)
				return fail_context("%s", r->name);
			if (n == 0)
				break;
			r->buf_pos = 0;
			r->buf_len = (size_t)n;
		}
		size_t chunk = r->buf_len - r->buf_pos;
		if (chunk > size - done)
			chunk = size - done;
		if (dst)
			memcpy((char *)dst + done, r->buf + r->buf_pos, chunk);
		r->buf_pos += chunk;
		r->offset += chunk;
		done += chunk;
	}
	return (ssize_t)done;
}

/* Skip n bytes of input; returns the number skipped (short at end of input) or -1. */
static int64_t skip(struct tar_reader *r, uint64_t n)
{
	uint64_t done = 0;
	while (done < n) {
		size_t chunk = n - done > READ_BUFFER ? READ_BUFFER : (size_t)(n - done);
		if (r->buf_pos == r->buf_len) {
			ssize_t got = r->read(r->ctx, r->buf, READ_BUFFER);
			if (got < 0)
				return fail_context("%s", r->name);
			if (got == 0)
				break;
			r->buf_pos = 0;
			r->buf_len = (size_t)got;
		}
		if (chunk > r->buf_len - r->buf_pos)
			chunk = r->buf_len - r->buf_pos;
		r->buf_pos += chunk;
		r->offset += chunk;
		done += chunk;
	}
	return (int64_t)done;
}

static uint64_t padding_of(uint64_t size)
{
	return (TAR_BLOCK - size % TAR_BLOCK) % TAR_BLOCK;
}

ssize_t tar_reader_read(struct tar_reader *r, void *buf, size_t size)
{
	if (r->state != 0)
		return r->state < 0 ? -1 : 0;
	if (size > r->remaining)
		size = (size_t)r->remaining;
	if (size == 0)
		return 0;
	uint64_t at = r->offset;
	ssize_t n = input(r, buf, size);
	if (n < 0)
		return -1;
	if (n == 0)
		return corrupt(r, r->entry.path, r->entry.offset,
			       "archive truncated at byte %llu, %llu bytes of data missing",
			       (unsigned long long)at, (unsigned long long)r->remaining);
	r->remaining -= (uint64_t)n;
	return n;
}

/* Read a metadata entry's data (PAX records or a GNU long name) into a NUL-terminated buffer. */
static char *read_meta(struct tar_reader *r, uint64_t size, uint64_t at, const char *what)
{
	if (size > META_LIMIT) {
		corrupt(r, NULL, at, "%s of %llu bytes is larger than the %d-byte limit", what,
			(unsigned long long)size, META_LIMIT);
		return NULL;
	}
	char *data = malloc((size_t)size + 1);
	if (!data) {
		fail_errno(ENOMEM, "cannot read %s", what);
		return NULL;
	}
	uint64_t total = size + padding_of(size);
	ssize_t n = input(r, data, (size_t)size);
	int64_t pad = n == (ssize_t)size ? skip(r, total - size) : 0;
	if (n < 0 || pad < 0) {
		free(data);
		return NULL;
	}
	if ((uint64_t)n != size || (uint64_t)pad != total - size) {
		free(data);
		corrupt(r, NULL, at, "archive truncated inside %s", what);
		return NULL;
	}
	data[size] = '\0';
	return data;
}

static int parse_decimal(const char *text, size_t len, uint64_t *value)
{
	uint64_t v = 0;
	if (len == 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9' || v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(text[i] - '0');
	}
	*value = v;
	return 0;
}

/* PAX times are decimal seconds with an optional fraction: "1700000000.123456789", "-1.5". */
static int parse_pax_time(const char *text, size_t len, struct timespec *ts)
{
	bool negative = len > 0 && text[0] == '-';
	const char *p = text + negative, *end = text + len;
	const char *dot = memchr(p, '.', (size_t)(end - p));
	uint64_t sec;
	if (parse_decimal(p, (size_t)((dot ? dot : end) - p), &sec) < 0 || sec > INT64_MAX / 2)
		return -1;
	long nsec = 0;
	if (dot) {
		int digits = 0;
		for (const char *q = dot + 1; q < end; q++) {
			if (*q < '0' || *q > '9')
				return -1;
			if (digits++ < 9)
				nsec = nsec * 10 + (*q - '0');
		}
		for (; digits < 9; digits++)
			nsec *= 10;
	}
	if (negative && nsec > 0) { /* -1.5 s is 2 s before the epoch plus 0.5 s */
		ts->tv_sec = -(time_t)sec - 1;
		ts->tv_nsec = 1000000000L - nsec;
	} else {
		ts->tv_sec = negative ? -(time_t)sec : (time_t)sec;
		ts->tv_nsec = nsec;
	}
	return 0;
}

static int set_string(char **field, const char *value, size_t size)
{
	if (memchr(value, '\0', size))
		return -1; /* a path with a NUL in it is no path */
	char *copy = strndup(value, size);
	if (!copy)
		return -1;
	free(*field);
	*field = copy;
	return 0;
}

/* Parse the records of a PAX header into p; keys we do not use (atime, comment...) are ignored. */
static int parse_pax(struct tar_reader *r, char *data, size_t size, struct pax *p, uint64_t at)
{
	struct tar_entry fresh = { 0 }; /* this header's xattrs, merged into p's at the end */
	size_t pos = 0;
	char *key, *value;
	size_t len;
	int rc;
	while ((rc = tar_pax_next(data, size, &pos, &key, &value, &len)) == 1) {
		int bad = 0;
		uint64_t number = 0;
		if (strcmp(key, "path") == 0) {
			bad = set_string(&p->values.path, value, len);
			p->set |= PAX_PATH;
		} else if (strcmp(key, "linkpath") == 0) {
			bad = set_string(&p->values.linkname, value, len);
			p->set |= PAX_LINKPATH;
		} else if (strcmp(key, "uname") == 0) {
			bad = set_string(&p->values.uname, value, len);
			p->set |= PAX_UNAME;
		} else if (strcmp(key, "gname") == 0) {
			bad = set_string(&p->values.gname, value, len);
			p->set |= PAX_GNAME;
		} else if (strcmp(key, "size") == 0 || strcmp(key, "uid") == 0 || strcmp(key, "gid") == 0) {
			bad = parse_decimal(value, len, &number);
			if (key[0] == 's') {
				p->values.size = number;
				p->set |= PAX_SIZE;
			} else if (key[0] == 'u') {
				p->values.uid = number;
				p->set |= PAX_UID;
			} else {
				p->values.gid = number;
				p->set |= PAX_GID;
			}
		} else if (strcmp(key, "mtime") == 0) {
			bad = parse_pax_time(value, len, &p->values.mtime);
			p->set |= PAX_MTIME;
		} else if (strncmp(key, "SCHILY.xattr.", 13) == 0 && key[13]) {
			if (fresh.xattr_count == XATTR_COUNT_LIMIT) {
				tar_entry_clear(&fresh);
				return corrupt(r, NULL, at, "more than the limit of %d extended attributes in one PAX header",
					       XATTR_COUNT_LIMIT);
			}
			bad = tar_entry_add_xattr(&fresh, key + 13, value, len);
		} else if (strncmp(key, "GNU.sparse.", 11) == 0) {
			tar_entry_clear(&fresh);
			return corrupt(r, NULL, at, "sparse files (%s) are not supported in layers", key);
		}
		if (bad) {
			tar_entry_clear(&fresh);
			return corrupt(r, NULL, at, "invalid PAX record \"%s\"", key);
		}
	}
	if (rc < 0) {
		tar_entry_clear(&fresh);
		return corrupt(r, NULL, at, "malformed PAX record at offset %zu of the PAX header", pos);
	}
	/* This header's attributes replace the same names of earlier headers (of a chain of local
	 * ones, or every global one so far); p keeps them sorted and distinct. */
	struct tar_entry *v = &p->values;
	struct tar_xattr *merged = NULL;
	if (fresh.xattr_count && (sort_xattrs(&fresh) < 0 ||
				  !(merged = malloc((v->xattr_count + fresh.xattr_count) * sizeof(*merged))))) {
		tar_entry_clear(&fresh);
		return fail_errno(ENOMEM, "cannot read \"%s\"", r->name);
	}
	if (merged) {
		v->xattr_count = merge_xattrs(merged, v->xattrs, v->xattr_count, fresh.xattrs, fresh.xattr_count, true);
		free(v->xattrs);
		v->xattrs = merged;
		free(fresh.xattrs); /* its attributes moved into merged */
	}
	char why[128];
	if (xattrs_over_limit(v, why, sizeof(why)))
		return corrupt(r, NULL, at, "%s", why);
	return 0;
}

static int apply_pax(struct tar_entry *e, const struct pax *p)
{
	const struct tar_entry *v = &p->values;
	if ((p->set & PAX_PATH) && set_string(&e->path, v->path, strlen(v->path)) < 0)
		return -1;
	if ((p->set & PAX_LINKPATH) && set_string(&e->linkname, v->linkname, strlen(v->linkname)) < 0)
		return -1;
	if ((p->set & PAX_UNAME) && set_string(&e->uname, v->uname, strlen(v->uname)) < 0)
		return -1;
	if ((p->set & PAX_GNAME) && set_string(&e->gname, v->gname, strlen(v->gname)) < 0)
		return -1;
	if (p->set & PAX_SIZE)
		e->size = v->size;
	if (p->set & PAX_UID)
		e->uid = v->uid;
	if (p->set & PAX_GID)
		e->gid = v->gid;
	if (p->set & PAX_MTIME)
		e->mtime = v->mtime;
	return 0;
}

/* The entry's xattrs: the global and the local ones merged, the local winning. They are not
 * copied: entry.xattrs points at r->xattrs, whose attributes belong to r->global and
 * r->local, which stay as they are until the next tar_reader_next. */
static int merge_entry_xattrs(struct tar_reader *r, struct tar_entry *e)
{
	struct tar_entry *g = &r->global.values, *l = &r->local.values;
	size_t n = g->xattr_count + l->xattr_count;
	if (n > r->xattrs_cap) {
		struct tar_xattr *more = realloc(r->xattrs, n * sizeof(*more));
		if (!more)
			return -1;
		r->xattrs = more;
		r->xattrs_cap = n;
	}
	e->xattrs = r->xattrs;
	e->xattr_count = merge_xattrs(r->xattrs, g->xattrs, g->xattr_count, l->xattrs, l->xattr_count, false);
	return 0;
}

static bool all_zero(const unsigned char *block)
{
	for (int i = 0; i < TAR_BLOCK; i++)
		if (block[i])
			return false;
	return true;
}

static bool header_only(char type)
{
	/* These carry no data, whatever their size field says (as Go's archive/tar reads them). */
	return type == TAR_HARDLINK || type == TAR_SYMLINK || type == TAR_CHAR ||
	       type == TAR_BLOCK_DEVICE || type == TAR_DIRECTORY || type == TAR_FIFO;
}

/* Fill r->entry from a real (non-metadata) header block and the pending metadata. */
static int build_entry(struct tar_reader *r, const unsigned char *h, uint64_t first)
{
	struct tar_entry *e = &r->entry;
	bool posix = memcmp(h + 257, "ustar\0", 6) == 0;
	bool gnu = memcmp(h + 257, "ustar  \0", 8) == 0;
	char path[256 + 2];
	size_t name_len = strnlen((const char *)h, 100);
	size_t prefix_len = posix ? strnlen((const char *)h + 345, 155) : 0;
	/* GNU tar reuses the prefix field for atime/ctime, so only POSIX ustar has one. */
	if (prefix_len)
		snprintf(path, sizeof(path), "%.*s/%.*s", (int)prefix_len, h + 345, (int)name_len, h);
	else
		snprintf(path, sizeof(path), "%.*s", (int)name_len, h);

	uint64_t mode, mtime;
	const char *bad = NULL;
	if (tar_parse_number((const char *)h + 100, 8, &mode) < 0)
		bad = "mode";
	else if (tar_parse_number((const char *)h + 108, 8, &e->uid) < 0)
		bad = "uid";
	else if (tar_parse_number((const char *)h + 116, 8, &e->gid) < 0)
		bad = "gid";
	else if (tar_parse_number((const char *)h + 124, 12, &e->size) < 0)
		bad = "size";
	else if (tar_parse_number((const char *)h + 136, 12, &mtime) < 0 || mtime > INT64_MAX / 2)
		bad = "mtime";
	if (bad)
		return corrupt(r, path, first, "invalid %s field", bad);
	e->mode = (mode_t)(mode & 07777);
	e->mtime.tv_sec = (time_t)mtime;
	e->type = (char)h[156];
	if (posix || gnu) {
		uint64_t major, minor;
		if (tar_parse_number((const char *)h + 329, 8, &major) < 0 || major > UINT32_MAX ||
		    tar_parse_number((const char *)h + 337, 8, &minor) < 0 || minor > UINT32_MAX)
			return corrupt(r, path, first, "invalid device number");
		e->devmajor = (unsigned)major;
		e->devminor = (unsigned)minor;
	}
	if (set_string(&e->path, path, strlen(path)) < 0)
		return fail_errno(ENOMEM, "cannot read \"%s\"", r->name);
	size_t link_len = strnlen((const char *)h + 157, 100);
	if (link_len && set_string(&e->linkname, (const char *)h + 157, link_len) < 0)
		return fail_errno(ENOMEM, "cannot read \"%s\"", r->name);
	if ((posix || gnu) && h[265] && set_string(&e->uname, (const char *)h + 265, strnlen((const char *)h + 265, 32)) < 0)
		return fail_errno(ENOMEM, "cannot read \"%s\"", r->name);
	if ((posix || gnu) && h[297] && set_string(&e->gname, (const char *)h + 297, strnlen((const char *)h + 297, 32)) < 0)
		return fail_errno(ENOMEM, "cannot read \"%s\"", r->name);

	/* Precedence, lowest first: header, GNU long names, global PAX, local PAX. */
	if (r->gnu_name && set_string(&e->path, r->gnu_name, strlen(r->gnu_name)) < 0)
		return fail_errno(ENOMEM, "cannot read \"%s\"", r->name);
	if (r->gnu_link && set_string(&e->linkname, r->gnu_link, strlen(r->gnu_link)) < 0)
		return fail_errno(ENOMEM, "cannot read \"%s\"", r->name);
	if (apply_pax(e, &r->global) < 0 || apply_pax(e, &r->local) < 0 || merge_entry_xattrs(r, e) < 0)
		return fail_errno(ENOMEM, "cannot read \"%s\"", r->name);
	char why[128];
	if (xattrs_over_limit(e, why, sizeof(why)))
		return corrupt(r, e->path, first, "%s", why);

	if (e->type == '\0' || e->type == '7') /* old regular file, contiguous file */
		e->type = TAR_REGULAR;
	size_t plen = strlen(e->path);
	if (e->type == TAR_REGULAR && plen > 0 && e->path[plen - 1] == '/')
		e->type = TAR_DIRECTORY; /* pre-POSIX archives mark folders with a '/' only */
	if (e->type == 'S')
		return corrupt(r, e->path, first, "sparse files are not supported in layers");
	if (e->type < TAR_REGULAR || e->type > TAR_FIFO)
		return corrupt(r, e->path, first, "unsupported entry type '%c' (0x%02x)",
			       e->type >= 32 && e->type < 127 ? e->type : '?', (unsigned char)e->type);
	if (plen == 0)
		return corrupt(r, e->path, first, "empty path");
	if ((e->type == TAR_HARDLINK || e->type == TAR_SYMLINK) && (!e->linkname || !*e->linkname))
		return corrupt(r, e->path, first, "link without a target");
	if (header_only(e->type))
		e->size = 0;
	e->offset = first;
	r->remaining = e->size;
	r->padding = padding_of(e->size);
	return 0;
}

int tar_reader_next(struct tar_reader *r, const struct tar_entry **out)
{
	if (r->state != 0)
		return r->state < 0 ? -1 : 0;
	/* Skip what the caller did not read of the previous entry, and its padding. */
	uint64_t rest = r->remaining + r->padding;
	if (rest) {
		int64_t n = skip(r, rest);
		if (n < 0)
			return -1;
		if ((uint64_t)n != rest)
			return corrupt(r, r->entry.path, r->entry.offset, "archive truncated at byte %llu inside the data",
				       (unsigned long long)r->offset);
		r->remaining = r->padding = 0;
	}
	entry_clear(r);
	pax_clear(&r->local);
	free(r->gnu_name);
	free(r->gnu_link);
	r->gnu_name = r->gnu_link = NULL;

	unsigned char h[TAR_BLOCK];
	uint64_t first = r->offset;
	for (int chain = 0; chain < META_CHAIN; chain++) {
		uint64_t at = r->offset;
		ssize_t n = input(r, h, TAR_BLOCK);
		if (n < 0)
			return -1;
		if (n == 0 && chain == 0) {
			/* Input ended on an entry boundary without the two zero blocks: GNU tar and
			 * Go accept that, and so do we (nothing is lost). */
			r->state = 1;
			return 0;
		}
		if (n < TAR_BLOCK)
			return corrupt(r, NULL, at, "archive truncated inside a header (%zd of 512 bytes)", n);
		if (all_zero(h)) {
			if (chain > 0)
				return corrupt(r, NULL, at, "archive ends after a metadata header");
			/* The end: two zero blocks (or one, then the end of input). */
			n = input(r, h, TAR_BLOCK);
			if (n < 0)
				return -1;
			if (n == TAR_BLOCK && !all_zero(h))
				return corrupt(r, NULL, at + TAR_BLOCK, "a header follows a lone zero block");
			r->state = 1;
			return 0;
		}
		if (!tar_checksum_ok(h))
			return corrupt(r, NULL, at, "bad header checksum (not a tar archive, or corrupt)");
		char type = (char)h[156];
		if (type != 'x' && type != 'g' && type != 'L' && type != 'K') {
			if (build_entry(r, h, first) < 0)
				return -1;
			*out = &r->entry;
			return 1;
		}
		uint64_t size;
		if (tar_parse_number((const char *)h + 124, 12, &size) < 0)
			return corrupt(r, NULL, at, "invalid size field");
		if (type == 'g') {
			uint64_t total;
			if (__builtin_add_overflow(r->global_bytes, size, &total) || total > GLOBAL_LIMIT)
				return corrupt(r, NULL, at, "global PAX headers of %llu bytes in all, more than the %d-byte limit",
					       (unsigned long long)(total < size ? UINT64_MAX : total), GLOBAL_LIMIT);
			r->global_bytes = total;
		}
		char *data = read_meta(r, size, at, type == 'x' || type == 'g' ? "a PAX header" : "a GNU long name");
		if (!data)
			return -1;
		int rc = 0;
		if (type == 'x' || type == 'g') {
			struct pax *p = type == 'x' ? &r->local : &r->global;
			rc = parse_pax(r, data, (size_t)size, p, at);
			free(data);
		} else {
			char **slot = type == 'L' ? &r->gnu_name : &r->gnu_link;
			free(*slot);
			*slot = data; /* NUL-terminated; GNU tar includes the NUL in the size */
		}
		if (rc < 0)
			return -1;
		if (type == 'g')
			first = r->offset; /* a global header is not part of the next entry */
	}
	return corrupt(r, NULL, first, "more than %d metadata headers in a row", META_CHAIN);
}
