/*
 * text-builder.h - a string that grows as it is written: the parser, the expander and the dumper
 * build their results a character at a time. An allocation failure is remembered (failed) and
 * checked once at the end, so the code that writes reads straight down without a check per
 * character. Pure.
 */
#ifndef TINYDOCK_TEXT_BUILDER_H
#define TINYDOCK_TEXT_BUILDER_H

#include <stdbool.h>
#include <stddef.h>

struct text_builder {
	char *data;    /* always '\0'-terminated once anything was written; NULL before */
	size_t length;
	size_t capacity;
	bool failed;   /* an allocation failed: the text is incomplete */
};

void text_add_char(struct text_builder *t, char c);
void text_add(struct text_builder *t, const char *bytes, size_t length);
void text_add_string(struct text_builder *t, const char *s);

/* The text as a new string ("" when nothing was written), the builder emptied; NULL (with an
 * error recorded) when an allocation failed on the way. */
char *text_take(struct text_builder *t);

void text_free(struct text_builder *t);

#endif
