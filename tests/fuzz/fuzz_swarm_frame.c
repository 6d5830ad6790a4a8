/*
 * fuzz_swarm_frame.c - libFuzzer target for the frame reader (08-swarm/swarm-frame.c).
 *
 * Whatever bytes a peer sends, split however, the reader must hand out frames whose length
 * is the one announced and within the maximum, or refuse the stream, never crash, overread
 * or leak. The input is read twice, whole and a byte at a time: both give the same frames.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "swarm-frame.h"

/* Feed data in pieces of step bytes; return a hash of the frames seen and how they ended. */
static uint64_t read_all(const uint8_t *data, size_t size, size_t step)
{
	struct swarm_frame_reader reader;
	swarm_frame_reader_init(&reader);
	uint64_t seen = 1469598103934665603ull;
	size_t at = 0;
	while (at < size) {
		size_t piece = size - at < step ? size - at : step, used;
		char *body;
		size_t length;
		int rc = swarm_frame_reader_feed(&reader, data + at, piece, &used, &body, &length);
		if (used > piece)
			abort();
		at += used;
		if (rc < 0) {
			seen = seen * 31 + 7;
			break;
		}
		if (rc == 1) {
			if (length == 0 || length > SWARM_FRAME_MAX || body[length] != '\0')
				abort();
			for (size_t i = 0; i < length; i++)
				seen = (seen ^ (uint8_t)body[i]) * 1099511628211ull;
			seen = seen * 31 + length;
			free(body);
		}
	}
	swarm_frame_reader_free(&reader);
	return seen;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (read_all(data, size, size ? size : 1) != read_all(data, size, 1))
		abort(); /* the same bytes split differently gave different frames */
	return 0;
}
