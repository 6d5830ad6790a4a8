/*
 * fuzz_swarm_wire.c - libFuzzer target for the node-to-node message decoder
 * (08-swarm/swarm-wire.c).
 *
 * A peer may send anything: swarm_wire_decode must refuse it or return a message, never
 * crash, overread or leak. What it accepts must encode again and decode to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "swarm-wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct swarm_wire_message message;
	if (swarm_wire_decode(data, size, &message) < 0)
		return 0;
	size_t length, again_length;
	char *text = swarm_wire_encode(&message, &length);
	if (!text)
		abort(); /* what we read, we must be able to write */
	struct swarm_wire_message again;
	if (swarm_wire_decode(text, length, &again) < 0)
		abort();
	char *text_again = swarm_wire_encode(&again, &again_length);
	if (!text_again || again_length != length || memcmp(text, text_again, length) != 0)
		abort(); /* read differently the second time */
	free(text_again);
	free(text);
	swarm_wire_free(&again);
	swarm_wire_free(&message);
	return 0;
}
