/*
 * fuzz_tar.c - libFuzzer target for the tar reader (04-layers/tar-reader.c).
 *
 * Layers come from anywhere, so the reader must turn any byte string into entries or a
 * clean error: never a crash, a hang, an over-read or a huge allocation. The input is fed
 * in small, varying chunks (the first byte picks the chunk size) so that every header and
 * PAX record is also split across reads, and each entry's path goes through the layer path
 * rules of apply.c. Run with `make fuzz` (clang, AddressSanitizer, UBSan), bounded in time:
 *     make fuzz FUZZ_SECONDS=300
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "inroot.h"
#include "layer.h"
#include "tar.h"

struct input {
	const uint8_t *data;
	size_t size, pos, chunk;
};

static ssize_t read_input(void *ctx, void *buf, size_t size)
{
	struct input *in = ctx;
	size_t n = in->size - in->pos;
	if (n > size)
		n = size;
	if (n > in->chunk)
		n = in->chunk;
	memcpy(buf, in->data + in->pos, n);
	in->pos += n;
	return (ssize_t)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	struct input in = { data + 1, size - 1, 0, (size_t)data[0] * 7 + 1 };
	struct tar_reader *r = tar_reader_new(read_input, &in, "fuzz.tar");
	if (!r)
		return 0;
	const struct tar_entry *e;
	char buf[1000], clean[4096];
	for (int entries = 0; entries < 10000 && tar_reader_next(r, &e) == 1; entries++) {
		inroot_clean_path(e->path, clean, sizeof(clean));
		if (e->linkname)
			inroot_clean_path(e->linkname, clean, sizeof(clean));
		for (size_t i = 0; i < e->xattr_count; i++)
			if (e->xattrs[i].size)
				buf[0] = (char)e->xattrs[i].value[e->xattrs[i].size - 1];
		while (tar_reader_read(r, buf, sizeof(buf)) > 0)
			;
	}
	tar_reader_free(r);
	return 0;
}
