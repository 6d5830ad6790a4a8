/*
 * tar-fixtures.c - archives in memory for the tar and layer tests (see tar-fixtures.h).
 */
#include "unit/tar-fixtures.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int membuf_write(void *ctx, const void *buf, size_t size)
{
	struct membuf *m = ctx;
	if (m->len + size > m->cap) {
		size_t cap = m->cap ? m->cap : 4096;
		while (cap < m->len + size)
			cap *= 2;
		m->data = realloc(m->data, cap);
		ck_assert_ptr_nonnull(m->data);
		m->cap = cap;
	}
	memcpy(m->data + m->len, buf, size);
	m->len += size;
	return 0;
}

ssize_t memsrc_read(void *ctx, void *buf, size_t size)
{
	struct memsrc *s = ctx;
	size_t n = s->len - s->pos;
	if (n > size)
		n = size;
	if (s->chunk && n > s->chunk)
		n = s->chunk;
	memcpy(buf, s->data + s->pos, n);
	s->pos += n;
	return (ssize_t)n;
}

struct tar_entry fixture_entry(char type, const char *path, const char *link, mode_t mode, uint64_t size)
{
	struct tar_entry e = { .type = type, .mode = mode, .size = size };
	e.path = strdup(path);
	e.linkname = link ? strdup(link) : NULL;
	e.mtime.tv_sec = 1700000000;
	return e;
}

struct tar_writer *fixture_begin(struct membuf *out)
{
	memset(out, 0, sizeof(*out));
	struct tar_writer *w = tar_writer_new(membuf_write, out);
	ck_assert_ptr_nonnull(w);
	return w;
}

void fixture_add(struct tar_writer *w, char type, const char *path, const char *link, const char *data)
{
	size_t size = data ? strlen(data) : 0;
	struct tar_entry e = fixture_entry(type, path, link, type == TAR_DIRECTORY ? 0755 : 0644, size);
	ck_assert_int_eq(tar_writer_header(w, &e), 0);
	if (size)
		ck_assert_int_eq(tar_writer_data(w, data, size), 0);
	tar_entry_clear(&e);
}

void fixture_end(struct tar_writer *w)
{
	ck_assert_int_eq(tar_writer_finish(w), 0);
	tar_writer_free(w);
}

void fixture_tempdir(char *buf, size_t size, const char *tag)
{
	snprintf(buf, size, "/tmp/tinydock-%s.XXXXXX", tag);
	ck_assert_ptr_nonnull(mkdtemp(buf));
}
