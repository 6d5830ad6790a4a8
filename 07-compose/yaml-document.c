/*
 * yaml-document.c - a YAML stream: documents, their markers and directives.
 *
 * One file may hold several documents (YAML 1.2.2, chapter 9): "---" starts one, "..." ends
 * one, and before a "---" directives may say which YAML it is (%YAML 1.2) and name tag
 * handles (%TAG). A file with no marker is one document. A compose file is one document;
 * yaml_parse says so when there are more.
 *
 * Before parsing, line breaks are made '\n' (a "\r\n" or lone "\r" is one line break,
 * section 5.4), and control characters, which YAML text cannot hold, are refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaml-internal.h"

/* "%YAML 1.2" or "%TAG !e! tag:example.com,2000:"; others are reserved and ignored (6.8). */
static int directive(struct yaml_parser *p, bool *seen_yaml)
{
	struct yaml_mark start = p->at;
	yaml_advance(p, 1);
	size_t from = p->at.pos;
	while (!yaml_is_blank_or_end(yaml_peek(p, 0)))
		yaml_advance(p, 1);
	size_t name_length = p->at.pos - from;
	const char *name = p->text + from;
	char words[2][256] = {"", ""};
	for (int i = 0; i < 2; i++) {
		yaml_skip_blanks(p);
		if (yaml_peek(p, 0) == '#')
			break;
		size_t word = p->at.pos;
		while (!yaml_is_blank_or_end(yaml_peek(p, 0)))
			yaml_advance(p, 1);
		snprintf(words[i], sizeof(words[i]), "%.*s", (int)(p->at.pos - word), p->text + word);
	}
	if (name_length == 4 && memcmp(name, "YAML", 4) == 0) {
		if (*seen_yaml)
			return yaml_fail(p, start, "a second %%YAML directive for the same document");
		*seen_yaml = true;
		if (strncmp(words[0], "1.", 2) != 0 || !words[0][2])
			return yaml_fail(p, start, "YAML version \"%s\" is not 1.x", words[0]);
	} else if (name_length == 3 && memcmp(name, "TAG", 3) == 0) {
		if (words[0][0] != '!' || words[0][strlen(words[0]) - 1] != '!' || !words[1][0])
			return yaml_fail(p, start, "a %%TAG directive is \"%%TAG !handle! prefix\"");
		if (yaml_define_tag_handle(p, words[0], words[1]) < 0)
			return -1;
	}
	return yaml_next_content_line(p) == -2 ? -1 : 0;
}

/* Step over "---" or "..."; what may follow on the line is checked by the caller. */
static void marker(struct yaml_parser *p)
{
	yaml_advance(p, 3);
}

static int parse_documents(struct yaml_parser *p, struct yaml_document **documents)
{
	struct yaml_document **tail = documents;
	int count = 0;
	int k = yaml_first_content_line(p);
	for (;;) {
		bool seen_yaml = false, directives = false;
		while (k >= 0 && p->at.column == 0 && yaml_peek(p, 0) == '%') {
			directives = true;
			if (directive(p, &seen_yaml) < 0)
				return -1;
			k = yaml_next_content_line(p);
		}
		if (p->at.pos >= p->size) {
			if (directives)
				return yaml_fail(p, p->at, "directives without a document (\"---\") after them");
			return count;
		}
		bool explicit = yaml_at_document_marker(p) && yaml_peek(p, 0) == '-';
		if (yaml_at_document_marker(p) && !explicit) { /* "..." with no document before it */
			marker(p);
			if ((k = yaml_next_content_line(p)) == -2)
				return -1;
			continue;
		}
		if (directives && !explicit)
			return yaml_fail(p, p->at, "directives must be followed by \"---\"");
		struct yaml_node *root;
		if (explicit) {
			marker(p);
			root = yaml_block_node(p, -1, DOCUMENT_ROOT, false);
		} else {
			root = yaml_block_node(p, -1, DOCUMENT_ROOT, true);
		}
		if (!root)
			return -1;
		struct yaml_document *document = calloc(1, sizeof(*document));
		if (!document) {
			yaml_free(root);
			return yaml_out_of_memory(p);
		}
		document->root = root;
		*tail = document;
		tail = &document->next;
		count++;
		yaml_forget_anchors(p); /* anchors do not reach into the next document */
		k = yaml_next_content_line(p);
		if (k == -2)
			return -1;
		if (k >= 0)
			return yaml_fail(p, p->at, "unexpected content after the document's end%s",
					 " (wrong indentation, or a missing ':' or '-'?)");
		if (p->at.pos < p->size && yaml_peek(p, 0) == '.') {
			marker(p);
			yaml_forget_tag_handles(p);
			if ((k = yaml_next_content_line(p)) == -2)
				return -1;
		} else if (p->at.pos < p->size) {
			yaml_forget_tag_handles(p);
		}
	}
}

/* The text with "\r\n" and "\r" made "\n"; NULL (error recorded) for a NUL byte. */
static char *normalize(struct yaml_parser *p, const char *text, size_t size, size_t *length)
{
	char *copy = malloc(size + 1);
	if (!copy) {
		yaml_out_of_memory(p);
		return NULL;
	}
	size_t out = 0;
	struct yaml_mark at = {0, 1, 0};
	for (size_t i = 0; i < size; i++) {
		char c = text[i];
		unsigned char u = (unsigned char)c;
		if ((u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7F) {
			/* YAML text is printable characters only (section 5.1); a double-quoted
			 * scalar can still hold any of them, escaped: "\x07" */
			free(copy);
			yaml_fail(p, at, "the control character U+%04X, which YAML text cannot hold (escape it in "
				  "double quotes)", u);
			return NULL;
		}
		if (c == '\r') {
			if (i + 1 < size && text[i + 1] == '\n')
				continue;
			c = '\n';
		}
		if (c == '\n')
			at.line++, at.column = 0;
		else if (((unsigned char)c & 0xC0) != 0x80)
			at.column++;
		copy[out++] = c;
	}
	copy[out] = '\0';
	*length = out;
	return copy;
}

int yaml_parse_stream(const char *name, const char *text, size_t size, struct yaml_document **documents)
{
	struct yaml_parser p = {.name = name ? name : "yaml", .at = {0, 1, 0}};
	*documents = NULL;
	char *normal = normalize(&p, text, size, &p.size);
	if (!normal)
		return -1;
	p.text = normal;
	if (p.size >= 3 && memcmp(p.text, "\xEF\xBB\xBF", 3) == 0) { /* a byte order mark */
		p.text += 3;
		p.size -= 3;
	}
	int count = parse_documents(&p, documents);
	yaml_forget_anchors(&p);
	yaml_forget_tag_handles(&p);
	free(normal);
	if (count < 0) {
		yaml_free_documents(*documents);
		*documents = NULL;
	}
	return count;
}

struct yaml_node *yaml_parse(const char *name, const char *text, size_t size)
{
	struct yaml_document *documents;
	int count = yaml_parse_stream(name, text, size, &documents);
	if (count < 0)
		return NULL;
	if (count > 1) {
		struct yaml_parser p = {.name = name ? name : "yaml"};
		struct yaml_mark at = {0, documents->next->root->line, documents->next->root->column - 1};
		yaml_free_documents(documents);
		yaml_fail(&p, at, "a second document in a file that holds one");
		return NULL;
	}
	if (count == 0) {
		struct yaml_parser p = {.name = name ? name : "yaml"};
		return yaml_empty_node(&p, (struct yaml_mark){0, 1, 0});
	}
	struct yaml_node *root = documents->root;
	free(documents);
	return root;
}
