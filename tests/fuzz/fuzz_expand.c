/*
 * fuzz_expand.c - libFuzzer target for variable expansion (06-dockerfile/expand.c).
 *
 * The first byte picks the escape character ('\' or '`'); the rest, up to a NUL, is the text.
 * Expansion must return a string or an error, never crash or leak, and the lexer's four ways
 * of reading (one word, words, raw words, literal words) must agree on whether the text is
 * well formed where their rules are the same: one word and words read it identically.
 * A text with no '$', quote or escape character expands to itself.
 *     make fuzz FUZZ_TIME=120
 *     build/fuzz/fuzz_expand CORPUS_DIR
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expand.h"

static const char *const vars[] = { "A=1", "EMPTY=", "SPACED=a b  c", "BARE", "QUOTE='\"", "A=2" };
static const struct expand_env env = { vars, sizeof(vars) / sizeof(vars[0]) };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	char escape = (data[0] & 1) ? '`' : '\\';
	char *text = strndup((const char *)data + 1, size - 1);
	if (!text)
		return 0;

	char *word = NULL;
	int word_result = expand_word(text, escape, &env, &word);
	char **words = NULL;
	size_t count = 0;
	int words_result = expand_words(text, escape, &env, &words, &count);
	if ((word_result == 0) != (words_result == 0))
		abort();
	if (words_result == 0) {
		if (words[count] != NULL)
			abort();
		for (size_t i = 0; i < count; i++)
			if (words[i][0] == '\0') /* an empty word is never made */
				abort();
	}
	if (word_result == 0 && !strpbrk(text, "$'\"") && !strchr(text, escape) && strcmp(word, text) != 0)
		abort();
	free(word);
	expand_free_words(words);

	if (expand_split_raw(text, escape, &words, &count) == 0)
		expand_free_words(words);
	if (expand_split_literal(text, escape, &words, &count) == 0)
		expand_free_words(words);
	free(text);
	return 0;
}
