/*
 * yaml-reader.c - moving through YAML text: lines, columns, blanks, comments, indentation.
 *
 * YAML's structure is its indentation: a line's indentation is the number of SPACES it
 * starts with (YAML 1.2.2, section 6.1: "tab characters must not be used in indentation",
 * since editors disagree on how wide a tab is). A comment starts with '#' at the start of a
 * line or after a blank ("a#b" is text), and runs to the end of the line. Lines that are
 * blank or only a comment carry no structure and are skipped. The reader keeps the line and
 * column of where it is, so that every node and every error can say where it was written.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "error.h"
#include "yaml-internal.h"

void yaml_advance(struct yaml_parser *p, size_t count)
{
	while (count-- > 0 && p->at.pos < p->size) {
		unsigned char c = (unsigned char)p->text[p->at.pos++];
		if (c == '\n') {
			p->at.line++;
			p->at.column = 0;
		} else if ((c & 0xC0) != 0x80) {
			p->at.column++; /* a UTF-8 continuation byte is part of the same character */
		}
	}
}

int yaml_fail(const struct yaml_parser *p, struct yaml_mark at, const char *fmt, ...)
{
	char message[512];
	va_list args;
	va_start(args, fmt);
	vsnprintf(message, sizeof(message), fmt, args);
	va_end(args);
	return fail_errno(0, "%s:%d:%d: %s", p->name, at.line, at.column + 1, message);
}

int yaml_out_of_memory(const struct yaml_parser *p)
{
	return fail_errno(ENOMEM, "%s: cannot parse", p->name);
}

void yaml_describe_char(const struct yaml_parser *p, char out[16])
{
	unsigned char c = (unsigned char)yaml_peek(p, 0);
	if (c < 0x20 || c == 0x7F) {
		snprintf(out, 16, "U+%04X", c); /* a control character, shown by its number */
		return;
	}
	size_t length = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2; /* UTF-8's lead byte */
	if (length > p->size - p->at.pos)
		length = p->size - p->at.pos;
	snprintf(out, 16, "'%.*s'", (int)length, p->text + p->at.pos);
}

bool yaml_skip_blanks(struct yaml_parser *p)
{
	bool tab = false;
	while (yaml_is_blank(yaml_peek(p, 0))) {
		tab |= yaml_peek(p, 0) == '\t';
		yaml_advance(p, 1);
	}
	return tab;
}

bool yaml_at_document_marker(const struct yaml_parser *p)
{
	if (p->at.column != 0)
		return false;
	int c = yaml_peek(p, 0);
	return (c == '-' || c == '.') && yaml_peek(p, 1) == c && yaml_peek(p, 2) == c &&
	       yaml_is_blank_or_end(yaml_peek(p, 3));
}

/* A '#' starts a comment at the start of a line or after a blank. */
static bool at_comment(const struct yaml_parser *p)
{
	return yaml_peek(p, 0) == '#' && (p->at.column == 0 || yaml_is_blank(p->text[p->at.pos - 1]));
}

/* From the start of a line: skip lines that are blank or a comment; stop after the
 * indentation of the first line with content. */
int yaml_first_content_line(struct yaml_parser *p)
{
	for (;;) {
		if (yaml_at_document_marker(p) || p->at.pos >= p->size) {
			p->ready = true, p->ready_pos = p->at.pos, p->ready_indent = -1;
			return -1;
		}
		int indent = 0;
		while (yaml_peek(p, 0) == ' ')
			yaml_advance(p, 1), indent++;
		struct yaml_mark content = p->at;
		yaml_skip_blanks(p);
		if (at_comment(p))
			while (yaml_peek(p, 0) != '\n' && yaml_peek(p, 0) != 0)
				yaml_advance(p, 1);
		if (yaml_peek(p, 0) == '\n') {
			yaml_advance(p, 1);
			continue;
		}
		if (yaml_peek(p, 0) == 0)
			continue; /* the end of the text, handled at the top */
		p->at = content; /* a line with content: stay after its indentation */
		p->ready = true, p->ready_pos = p->at.pos, p->ready_indent = indent;
		return indent;
	}
}

int yaml_next_content_line(struct yaml_parser *p)
{
	if (p->ready && p->ready_pos == p->at.pos)
		return p->ready_indent;
	bool blank = yaml_skip_blanks(p) || p->at.column == 0 || yaml_is_blank(p->text[p->at.pos - 1]);
	if (yaml_peek(p, 0) == '#' && blank)
		while (yaml_peek(p, 0) != '\n' && yaml_peek(p, 0) != 0)
			yaml_advance(p, 1);
	int c = yaml_peek(p, 0);
	if (c == '#')
		return yaml_fail(p, p->at, "a comment needs a space before its '#'"), -2;
	if (c != '\n' && c != 0) {
		char what[16];
		yaml_describe_char(p, what);
		return yaml_fail(p, p->at, "unexpected %s after a complete node", what), -2;
	}
	yaml_advance(p, 1);
	return yaml_first_content_line(p);
}
