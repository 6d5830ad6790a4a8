/*
 * fuzz_yaml.c - libFuzzer target for the YAML parser (07-compose/yaml*.c).
 *
 * Whatever the bytes, yaml_parse_stream must return documents or an error, never crash,
 * overread, leak or run away (ASan and UBSan watch; the alias limit and the nesting limit keep
 * every input small and shallow). Whatever it accepts must convert to JSON, or fail cleanly
 * for a key that has no JSON form.
 *     make fuzz                        (every tests/fuzz/fuzz_*.c, FUZZ_TIME seconds each)
 *     build/fuzz/fuzz_yaml CORPUS_DIR  (by hand, for as long as you like)
 * Seeds: tests/fuzz/seeds/fuzz_yaml, the YAML test suite's inputs (MIT, see LICENSE there).
 */
#include <stdint.h>
#include <stdlib.h>

#include "json.h"
#include "yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct yaml_document *documents;
	if (yaml_parse_stream("fuzz.yaml", (const char *)data, size, &documents) < 0)
		return 0;
	for (struct yaml_document *d = documents; d; d = d->next) {
		struct json *json = yaml_to_json(d->root);
		if (json) {
			char *text = json_write(json, 0, NULL);
			free(text);
			json_free(json);
		}
	}
	yaml_free_documents(documents);
	return 0;
}
