/*
 * fuzz_dockerfile.c - libFuzzer target for the Dockerfile parser (06-dockerfile/dockerfile.c,
 * heredoc.c, dockerfile-dump.c) and, on the same bytes, the .dockerignore reader.
 *
 * Whatever the bytes, dockerfile_parse must return instructions or an error, never crash,
 * overread (the input is not '\0'-terminated) or leak. What it returns must hold together:
 * at least one instruction, lines in order, the keyword of each kind, no NULL strings, an
 * ONBUILD trigger that is never ONBUILD, FROM or MAINTAINER, and the same dump when the text
 * is parsed again. The .dockerignore rules the bytes make must answer for any path.
 *     make fuzz FUZZ_TIME=120
 *     build/fuzz/fuzz_dockerfile CORPUS_DIR
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dockerfile.h"
#include "dockerignore.h"

static void check_instruction(const struct instruction *in, int previous_end, bool is_trigger)
{
	if (!in->keyword || !in->original || in->line <= previous_end || in->end_line < in->line)
		abort();
	if (instruction_kind_of(in->keyword) != (int)in->kind)
		abort();
	for (size_t i = 0; i < in->flag_count; i++)
		if (!in->flags[i] || strncmp(in->flags[i], "--", 2) != 0)
			abort();
	for (size_t i = 0; i < in->arg_count; i++)
		if (!in->args[i])
			abort();
	for (size_t i = 0; i < in->heredoc_count; i++)
		if (!in->heredocs[i].name || !in->heredocs[i].content || !in->heredocs[i].name[0])
			abort();
	if (in->kind == INSTRUCTION_ONBUILD) {
		if (is_trigger || !in->onbuild)
			abort();
		if (in->onbuild->kind == INSTRUCTION_ONBUILD || in->onbuild->kind == INSTRUCTION_FROM ||
		    in->onbuild->kind == INSTRUCTION_MAINTAINER)
			abort();
		check_instruction(in->onbuild, in->line - 1, true);
	}
}

static char *dump(const struct dockerfile *d)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	if (!f)
		abort();
	dockerfile_dump(d, f);
	fclose(f);
	return text;
}

static void fuzz_dockerignore(const char *text, size_t size)
{
	struct ignore_rules rules;
	if (ignore_rules_parse(text, size, &rules) < 0)
		return;
	static const char *const paths[] = { "a", "a/b", "a/b/c.txt", "node_modules/x", "docs/README.md", ".git" };
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		ignore_rules_exclude(&rules, paths[i]);
		ignore_rules_may_include_under(&rules, paths[i]);
	}
	for (size_t i = 0; i < rules.count && i < 8; i++)
		ignore_rules_exclude(&rules, rules.patterns[i].pattern);
	ignore_rules_free(&rules);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact copy, so ASan sees a read one byte past the end */
	char *text = malloc(size ? size : 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	struct dockerfile d;
	if (dockerfile_parse("Dockerfile", text, size, &d) == 0) {
		if (d.count == 0 || (d.escape != '\\' && d.escape != '`'))
			abort();
		int end = 0;
		for (size_t i = 0; i < d.count; i++) {
			check_instruction(&d.instructions[i], end, false);
			end = d.instructions[i].end_line;
		}
		struct dockerfile again;
		if (dockerfile_parse("Dockerfile", text, size, &again) < 0)
			abort();
		char *first = dump(&d), *second = dump(&again);
		if (strcmp(first, second) != 0)
			abort();
		free(first);
		free(second);
		dockerfile_free(&again);
		dockerfile_free(&d);
	}
	if (size <= 4096)
		fuzz_dockerignore(text, size);
	free(text);
	return 0;
}
