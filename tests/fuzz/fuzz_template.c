/*
 * fuzz_template.c - libFuzzer target for the template engine (03-cgroups/template-*.c) and
 * Docker's table layout (format-output.c).
 *
 * The input's first line is a template, the rest a JSON document (a fixed one when the rest is
 * not JSON). Whatever the bytes, parsing must give a template or Go's error, and executing it
 * in each of the modes the commands use (inspect's, ps's, a table header) must give output or
 * an error, never crash, overread or leak. The output of a table goes through the tabwriter.
 *     make fuzz                            (every tests/fuzz/fuzz_*.c, FUZZ_TIME seconds each)
 *     build/fuzz/fuzz_template CORPUS_DIR  (by hand, for as long as you like)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "format-output.h"
#include "json.h"
#include "template.h"

static const char DOCUMENT[] = "{\"Name\":\"/web\",\"Args\":[\"a\",\"b c\"],\"State\":{\"Status\":\"running\",\"Pid\":7},"
			       "\"Config\":{\"Labels\":{\"k\":\"v\"},\"Env\":[]},\"Health\":null}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *newline = memchr(data, '\n', size);
	size_t template_size = newline ? (size_t)(newline - (const char *)data) : size;
	char *text = strndup((const char *)data, template_size);
	if (!text || strlen(text) != template_size) { /* a NUL inside: no shell passes one */
		free(text);
		return 0;
	}
	struct json *dot = newline ? json_parse(newline + 1, size - template_size - 1) : NULL;
	if (!dot)
		dot = json_parse(DOCUMENT, sizeof(DOCUMENT) - 1);
	error_clear();
	struct template *t = template_parse(text);
	if (t) {
		const struct template_options modes[] = { { .missing_key_error = true },
							  { .strict_type = "*formatter.ContainerContext", .methods = dot },
							  { .header = true },
							  { 0 } };
		for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
			char *out = NULL;
			size_t length = 0;
			int rc = template_execute(t, dot, &modes[i], &out, &length);
			if (rc == 0 || modes[i].header) {
				FILE *sink = fopen("/dev/null", "w");
				if (sink && out)
					tabwriter_print(out, length, sink);
				if (sink)
					fclose(sink);
			}
			free(out);
			error_clear();
		}
		template_free(t);
	}
	error_clear();
	json_free(dot);
	free(text);
	return 0;
}
