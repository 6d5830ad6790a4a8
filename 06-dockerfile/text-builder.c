/*
 * text-builder.c - a growing string (text-builder.h): doubling capacity, so adding n characters
 * one by one costs O(n) copies in all.
 */
#include "text-builder.h"
#include "error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool reserve(struct text_builder *t, size_t more)
{
	if (t->failed)
		return false;
	if (more > (size_t)-1 / 2 - t->length) {
		t->failed = true;
		return false;
	}
	size_t needed = t->length + more + 1;
	if (needed <= t->capacity)
		return true;
	size_t capacity = t->capacity ? t->capacity : 32;
	while (capacity < needed)
		capacity *= 2;
	char *grown = realloc(t->data, capacity);
	if (!grown) {
		t->failed = true;
		return false;
	}
	t->data = grown;
	t->capacity = capacity;
	t->data[t->length] = '\0';
	return true;
}

void text_add(struct text_builder *t, const char *bytes, size_t length)
{
	if (!reserve(t, length))
		return;
	memcpy(t->data + t->length, bytes, length);
	t->length += length;
	t->data[t->length] = '\0';
}

void text_add_char(struct text_builder *t, char c)
{
	text_add(t, &c, 1);
}

void text_add_string(struct text_builder *t, const char *s)
{
	text_add(t, s, strlen(s));
}

char *text_take(struct text_builder *t)
{
	if (!t->failed && !t->data)
		reserve(t, 0);
	if (t->failed) {
		text_free(t);
		fail_errno(ENOMEM, "cannot build a string");
		return NULL;
	}
	char *s = t->data;
	*t = (struct text_builder){ 0 };
	return s;
}

void text_free(struct text_builder *t)
{
	free(t->data);
	*t = (struct text_builder){ 0 };
}
