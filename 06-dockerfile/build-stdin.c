/*
 * build-stdin.c - `tinydock build -`: the bytes on stdin sniffed, then unpacked as a context
 * (with chapter 04's applier, which keeps every entry inside the folder it unpacks into) or
 * kept as the Dockerfile. A pipe cannot be read twice, so the first block read to decide is
 * given back to whichever reader comes next.
 */
#include "build-stdin.h"
#include "error.h"
#include "files.h"
#include "layer.h"
#include "maybe-gzip.h"
#include "tar.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

bool build_stdin_is_tar(const unsigned char *block, size_t size)
{
	if (size < TAR_BLOCK)
		return false;
	if (memcmp(block + 257, "ustar", 5) == 0)
		return true;
	/* The checksum field: bytes 148..155, octal digits ended by NUL or space. */
	unsigned long stored = 0, sum = 0;
	size_t i = 148;
	while (i < 156 && block[i] == ' ')
		i++;
	size_t digits = 0;
	for (; i < 156 && block[i] >= '0' && block[i] <= '7'; i++, digits++)
		stored = stored * 8 + (block[i] - '0');
	if (digits == 0 || block[0] == '\0')
		return false;
	for (size_t j = 0; j < TAR_BLOCK; j++)
		sum += j >= 148 && j < 156 ? ' ' : block[j];
	return sum == stored;
}

/* The stream with its first block given back: what was sniffed, then the rest. */
struct replay {
	struct maybe_gzip *in;
	unsigned char head[TAR_BLOCK];
	size_t head_size, head_used;
};

static ssize_t replay_read(void *ctx, void *buf, size_t size)
{
	struct replay *r = ctx;
	if (r->head_used < r->head_size) {
		size_t n = r->head_size - r->head_used < size ? r->head_size - r->head_used : size;
		memcpy(buf, r->head + r->head_used, n);
		r->head_used += n;
		return (ssize_t)n;
	}
	return maybe_gzip_read(r->in, buf, size);
}

static int read_text(struct replay *r, struct build_stdin *out)
{
	size_t size = 0;
	for (ssize_t n = 1; n > 0;) {
		if (out->length + 4096 > size) {
			char *bigger = realloc(out->dockerfile, size = size * 2 + 8192);
			if (!bigger)
				return fail_errno(ENOMEM, "reading the Dockerfile from stdin");
			out->dockerfile = bigger;
		}
		if ((n = replay_read(r, out->dockerfile + out->length, size - out->length - 1)) < 0)
			return fail_context("reading the Dockerfile from stdin");
		out->length += (size_t)n;
	}
	return 0;
}

static int unpack_context(struct replay *r, const char *parent, struct build_stdin *out)
{
	if (make_dirs(parent, 0700) < 0)
		return -1;
	/* a folder of our own (mkdtemp(3)), whatever a killed build left behind */
	snprintf(out->folder, sizeof(out->folder), "%s/stdin-context-XXXXXX", parent);
	if (!mkdtemp(out->folder)) {
		out->folder[0] = '\0';
		return fail_errno(errno, "create a folder for the context under %s", parent);
	}
	snprintf(out->context, sizeof(out->context), "%s/context", out->folder);
	struct tar_reader *reader = tar_reader_new(replay_read, r, "the context on stdin");
	if (!reader)
		return -1;
	struct apply_options options = { .whiteouts = WHITEOUT_DELETE };
	struct apply_stats stats;
	int rc = layer_unpack(reader, out->context, &options, &stats);
	tar_reader_free(reader);
	if (rc < 0)
		return fail_context("unpacking the build context from stdin");
	return 0;
}

int build_stdin_read(int fd, const char *parent, struct build_stdin *out)
{
	memset(out, 0, sizeof(*out));
	struct maybe_gzip in;
	if (maybe_gzip_open(&in, fd, "stdin") < 0)
		return -1;
	struct replay r = { .in = &in };
	int rc = 0;
	while (rc == 0 && parent && r.head_size < TAR_BLOCK) {
		ssize_t n = maybe_gzip_read(&in, r.head + r.head_size, TAR_BLOCK - r.head_size);
		if (n < 0)
			rc = fail_context("reading stdin");
		else if (n == 0)
			break;
		else
			r.head_size += (size_t)n;
	}
	if (rc == 0)
		rc = parent && build_stdin_is_tar(r.head, r.head_size) ? unpack_context(&r, parent, out) : read_text(&r, out);
	maybe_gzip_close(&in);
	if (rc < 0) {
		struct error_saved first;
		error_save(&first);
		build_stdin_release(out);
		error_restore(&first);
	}
	return rc;
}

int build_stdin_release(struct build_stdin *in)
{
	free(in->dockerfile);
	in->dockerfile = NULL;
	int rc = in->folder[0] ? remove_tree(in->folder) : 0;
	in->context[0] = in->folder[0] = '\0';
	return rc;
}
