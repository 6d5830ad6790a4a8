/*
 * fuzz_compose.c - libFuzzer target for the Compose model (07-compose/compose-*.c).
 *
 * Whatever the bytes, parsing, interpolating, resolving extends, checking against the
 * schema, reading them into the model and printing the model back (as YAML and as JSON) must
 * give a result or an error, never crash, overread or leak (ASan and UBSan watch). The
 * environment is fixed, so that `${VAR:-...}` paths of both kinds are taken; `extends: {file:
 * ...}` reads the same bytes again as the other file, so that chains across files, and their
 * cycles, are reached too. What is printed must read back into a model.
 *     make fuzz                            (every tests/fuzz/fuzz_*.c, FUZZ_TIME seconds each)
 *     build/fuzz/fuzz_compose CORPUS_DIR   (by hand, for as long as you like)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compose-env-file.h"
#include "compose-extends.h"
#include "compose-interpolate.h"
#include "compose-model.h"
#include "compose-print.h"
#include "error.h"
#include "yaml.h"

struct input {
	const char *data;
	size_t size;
};

static const char *const vars[] = { "TAG=1.0", "EMPTY=", "PORT=80" };
static const struct compose_env env = { vars, 3 };

/* Every other file is the input itself, parsed and interpolated as the main file is. */
static struct yaml_node *load_the_input_again(void *context, const char *path)
{
	const struct input *input = context;
	struct yaml_node *root = yaml_parse(path, input->data, input->size);
	if (root && compose_interpolate_tree(root, path, &env) < 0) {
		yaml_free(root);
		return NULL;
	}
	return root;
}

/* Print project; what is printed as YAML must read back into a model. */
static void print_and_read_back(struct compose_project *project)
{
	char *text = NULL;
	size_t length = 0;
	FILE *out = open_memstream(&text, &length);
	if (!out)
		return;
	int printed = compose_print(out, project, COMPOSE_FORMAT_YAML);
	fclose(out);
	if (printed == 0) {
		struct yaml_node *again = yaml_parse("printed.yaml", text, length);
		struct compose_project reread;
		if (!again || compose_interpolate_tree(again, "printed.yaml", &(struct compose_env){ NULL, 0 }) < 0 ||
		    compose_model_read("printed.yaml", again, &reread) < 0) {
			fprintf(stderr, "the printed model does not read back: %s\n%.*s\n", error_message(), (int)length, text);
			abort();
		}
		compose_project_free(&reread);
		yaml_free(again);
	}
	free(text);
	FILE *null = fopen("/dev/null", "w");
	if (null) {
		compose_print(null, project, COMPOSE_FORMAT_JSON);
		fclose(null);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct compose_env_file file;
	if (compose_env_file_parse("fuzz.env", (const char *)data, size, &env, &file) == 0)
		compose_env_file_free(&file);
	struct yaml_node *root = yaml_parse("dir/fuzz.yaml", (const char *)data, size);
	if (!root)
		return 0;
	struct input input = { (const char *)data, size };
	struct compose_project project;
	if (compose_interpolate_tree(root, "dir/fuzz.yaml", &env) == 0 &&
	    compose_extends_resolve("dir/fuzz.yaml", root, load_the_input_again, &input) == 0 &&
	    compose_model_read("dir/fuzz.yaml", root, &project) == 0) {
		print_and_read_back(&project);
		compose_project_free(&project);
	}
	yaml_free(root);
	return 0;
}
