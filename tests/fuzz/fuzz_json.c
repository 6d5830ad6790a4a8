/*
 * fuzz_json.c - libFuzzer target for the JSON parser and writer (03-cgroups/json.c).
 *
 * Whatever the bytes, json_parse must return a tree or an error, never crash, overread or
 * leak (ASan and UBSan watch). Whatever it accepts must survive a round trip: written
 * compact and indented, parsed again, equal to the first tree.
 *     make fuzz                        (every tests/fuzz/fuzz_*.c, FUZZ_TIME seconds each)
 *     build/fuzz/fuzz_json CORPUS_DIR  (by hand, for as long as you like)
 */
#include <stdint.h>
#include <stdlib.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json *tree = json_parse((const char *)data, size);
	if (!tree)
		return 0;
	for (int indent = 0; indent <= 2; indent += 2) {
		size_t length;
		char *text = json_write(tree, indent, &length);
		if (!text)
			abort();
		struct json *again = json_parse(text, length);
		if (!again || !json_equal(tree, again))
			abort(); /* we wrote something we cannot read back, or read it differently */
		json_free(again);
		free(text);
	}
	json_free(tree);
	return 0;
}
