/*
 * fuzz_inflate.c - libFuzzer target for inflate and the gzip reader (05-images).
 *
 * The first byte chooses: even, the rest is a raw DEFLATE stream; odd, a gzip file. Any
 * input must end in output or an error, never a crash, an overread or a hang. Output is
 * consumed (and its first and last bytes touched, so ASan sees every chunk's bounds) and
 * capped, so a decompression bomb only costs time up to the cap.
 */
#include <stdint.h>
#include <stdlib.h>

#include "gzip.h"
#include "inflate.h"

enum { OUTPUT_CAP = 64 << 20 };

static volatile uint8_t sink;

static void consume(const uint8_t *chunk, ssize_t n)
{
	sink ^= chunk[0] ^ chunk[n - 1];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	bool gzip = data[0] & 1;
	size_t total = 0;
	const uint8_t *chunk;
	ssize_t n;
	if (gzip) {
		struct gzip_reader *g = gzip_open_memory(data + 1, size - 1);
		if (!g)
			abort();
		while (total < OUTPUT_CAP && (n = gzip_next(g, &chunk)) > 0) {
			consume(chunk, n);
			total += (size_t)n;
		}
		gzip_close(g);
	} else {
		struct memory_source m = { .data = data + 1, .size = size - 1 };
		struct inflater *z = inflater_new(inflate_memory_source, &m);
		if (!z)
			abort();
		while (total < OUTPUT_CAP && (n = inflate_next(z, &chunk)) > 0) {
			consume(chunk, n);
			total += (size_t)n;
		}
		inflater_free(z);
	}
	return 0;
}
