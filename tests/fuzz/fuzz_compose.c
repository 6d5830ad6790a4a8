/*
 * fuzz_compose.c - libFuzzer target for the Compose model (07-compose/compose-*.c).
 *
 * Whatever the bytes, parsing, interpolating and reading them into the model must give a
 * model or an error, never crash, overread or leak (ASan and UBSan watch). The environment is
 * fixed, so that `${VAR:-...}` paths of both kinds are taken.
 *     make fuzz                            (every tests/fuzz/fuzz_*.c, FUZZ_TIME seconds each)
 *     build/fuzz/fuzz_compose CORPUS_DIR   (by hand, for as long as you like)
 */
#include <stdint.h>
#include <stdlib.h>

#include "compose-env-file.h"
#include "compose-interpolate.h"
#include "compose-model.h"
#include "yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const vars[] = { "TAG=1.0", "EMPTY=", "PORT=80" };
	const struct compose_env env = { vars, 3 };
	struct compose_env_file file;
	if (compose_env_file_parse("fuzz.env", (const char *)data, size, &env, &file) == 0)
		compose_env_file_free(&file);
	struct yaml_node *root = yaml_parse("fuzz.yaml", (const char *)data, size);
	if (!root)
		return 0;
	struct compose_project project;
	if (compose_interpolate_tree(root, "fuzz.yaml", &env) == 0 && compose_model_read("fuzz.yaml", root, &project) == 0)
		compose_project_free(&project);
	yaml_free(root);
	return 0;
}
