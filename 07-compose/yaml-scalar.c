/*
 * yaml-scalar.c - the four ways to write a scalar: plain, 'single', "double", and block.
 *
 * YAML 1.2.2, chapters 7 and 8:
 *   plain     image: nginx:1.25     no quotes, no escapes; ends at ": " or " #"; may go on over
 *                                   more indented lines, which are folded: a line break
 *                                   becomes a space, an empty line a line break.
 *   'single'  '80:80'               '' is a quote; folded like plain.
 *   "double"  "a\tb \u263A"         backslash escapes (\n \t \x41 \u263A \U0001F600 ...);
 *                                   a backslash at the end of a line joins it to the next.
 *   block     command: |            the text is the more indented lines that follow, kept as
 *               echo one              written (|, literal) or folded into one line (>); a
 *               echo two              final "-" strips the last line break, "+" keeps every
 *                                   trailing one, a digit gives the indentation.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "yaml-internal.h"

/* The text of a scalar as it is decoded. */
struct buffer {
	char *data;
	size_t length, capacity;
	bool failed;
};

static void put_bytes(struct buffer *b, const char *bytes, size_t count)
{
	if (b->failed)
		return;
	if (b->length + count + 1 > b->capacity) {
		size_t capacity = b->capacity ? b->capacity : 64;
		while (capacity < b->length + count + 1)
			capacity *= 2;
		char *data = realloc(b->data, capacity);
		if (!data) {
			b->failed = true;
			return;
		}
		b->data = data, b->capacity = capacity;
	}
	memcpy(b->data + b->length, bytes, count);
	b->length += count;
	b->data[b->length] = '\0';
}

static void put_char(struct buffer *b, char c) { put_bytes(b, &c, 1); }

/* Cut the text back to length bytes (blanks before a line break are not content). */
static void truncate_to(struct buffer *b, size_t length)
{
	b->length = length;
	if (b->data)
		b->data[length] = '\0';
}

static void put_repeated(struct buffer *b, char c, int count)
{
	while (count-- > 0)
		put_char(b, c);
}

/* UTF-8 for a code point (RFC 3629). */
static void put_utf8(struct buffer *b, uint32_t cp)
{
	char out[4];
	if (cp < 0x80) {
		out[0] = (char)cp;
		put_bytes(b, out, 1);
	} else if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6), out[1] = (char)(0x80 | (cp & 0x3F));
		put_bytes(b, out, 2);
	} else if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12), out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		put_bytes(b, out, 3);
	} else {
		out[0] = (char)(0xF0 | cp >> 18), out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), out[3] = (char)(0x80 | (cp & 0x3F));
		put_bytes(b, out, 4);
	}
}

/* The scalar node that owns the buffer's text, or NULL (error recorded; buffer freed). */
static struct yaml_node *finish(struct yaml_parser *p, struct buffer *b, enum yaml_style style,
				struct yaml_mark at)
{
	if (!b->failed && !b->data)
		put_bytes(b, "", 0);
	if (b->failed) {
		free(b->data);
		yaml_out_of_memory(p);
		return NULL;
	}
	struct yaml_node *node = yaml_node_new(p, YAML_SCALAR, style, at);
	if (!node) {
		free(b->data);
		return NULL;
	}
	node->text = b->data;
	node->length = b->length;
	return node;
}

static struct yaml_node *fail_scalar(struct yaml_parser *p, struct buffer *b, struct yaml_mark at,
				     const char *message)
{
	free(b->data);
	yaml_fail(p, at, "%s", message);
	return NULL;
}

/* --- plain ------------------------------------------------------------------------------------ */

bool yaml_plain_can_start(const struct yaml_parser *p, bool flow)
{
	int c = yaml_peek(p, 0), next = yaml_peek(p, 1);
	if (c == 0 || yaml_is_blank_or_end(c))
		return false;
	/* "-", "?" and ":" are indicators only when a blank (or in flow, a flow indicator)
	 * follows: "-1", ":x" and "?y" are plain scalars. */
	if (c == '-' || c == '?' || c == ':')
		return !yaml_is_blank_or_end(next) && !(flow && yaml_is_flow_indicator(next));
	return !strchr(",[]{}#&*!|>'\"%@`", c);
}

/* Does the plain scalar stop here (": ", or in flow a flow indicator)? */
static bool plain_stops(const struct yaml_parser *p, bool flow)
{
	int c = yaml_peek(p, 0);
	if (c == ':') {
		int next = yaml_peek(p, 1);
		return yaml_is_blank_or_end(next) || (flow && yaml_is_flow_indicator(next));
	}
	if (c == '#' && yaml_is_blank(p->text[p->at.pos - 1]))
		return true;
	return flow && yaml_is_flow_indicator(c);
}

struct yaml_node *yaml_plain_scalar(struct yaml_parser *p, int n, bool flow)
{
	struct yaml_mark start = p->at;
	struct buffer b = {0};
	for (;;) {
		/* one line's text, without the blanks at its end */
		struct yaml_mark end = p->at;
		size_t kept = b.length;
		while (yaml_peek(p, 0) != '\n' && yaml_peek(p, 0) != 0 && !plain_stops(p, flow)) {
			int c = yaml_peek(p, 0);
			put_char(&b, (char)c);
			yaml_advance(p, 1);
			if (!yaml_is_blank(c))
				end = p->at, kept = b.length;
		}
		truncate_to(&b, kept);
		bool at_break = yaml_peek(p, 0) == '\n';
		p->at = end;
		if (!at_break)
			break;
		/* Does a more indented line go on with it? Look ahead, move only if so. */
		struct yaml_mark line_end = p->at;
		yaml_skip_blanks(p);
		int empty_lines = 0, indent;
		for (;;) {
			yaml_advance(p, 1); /* the line break */
			indent = 0;
			while (yaml_peek(p, 0) == ' ')
				yaml_advance(p, 1), indent++;
			yaml_skip_blanks(p);
			if (yaml_peek(p, 0) != '\n')
				break;
			empty_lines++;
		}
		struct yaml_mark line_start = {p->at.pos - (size_t)p->at.column, p->at.line, 0};
		struct yaml_mark saved = p->at;
		p->at = line_start;
		bool marker = yaml_at_document_marker(p);
		p->at = saved;
		int c = yaml_peek(p, 0);
		if (c == 0 || marker || c == '#' || (flow && yaml_is_flow_indicator(c)) || plain_stops(p, flow)) {
			p->at = line_end;
			break;
		}
		if (indent <= n) {
			if (flow) {
				free(b.data);
				yaml_fail(p, line_start, "a line inside [ ] or { } must be indented more than its parent");
				return NULL;
			}
			p->at = line_end;
			break;
		}
		if (empty_lines == 0)
			put_char(&b, ' ');
		else
			put_repeated(&b, '\n', empty_lines);
	}
	return finish(p, &b, YAML_PLAIN, start);
}

/* --- quoted ------------------------------------------------------------------------------------ */

/* At a line break inside quotes: go to the next line's text, adding what the break means (a
 * space, or a line break per empty line; with escaped, only the empty lines' breaks). */
static int fold_quoted_break(struct yaml_parser *p, int n, struct buffer *b, bool escaped, struct yaml_mark start)
{
	int empty_lines = 0;
	for (;;) {
		yaml_advance(p, 1); /* the line break */
		if (yaml_at_document_marker(p))
			return yaml_fail(p, p->at, "a document marker inside a quoted scalar (it starts at line %d)",
					 start.line);
		int indent = 0;
		while (yaml_peek(p, 0) == ' ')
			yaml_advance(p, 1), indent++;
		struct yaml_mark line_start = p->at;
		yaml_skip_blanks(p);
		if (yaml_peek(p, 0) == 0)
			return yaml_fail(p, start, "a quoted scalar without its closing quote");
		if (yaml_peek(p, 0) == '\n') {
			empty_lines++;
			continue;
		}
		if (indent <= n)
			return yaml_fail(p, line_start, "a quoted scalar's lines must be indented more than its parent (%s)",
					 "tabs are not indentation");
		break;
	}
	if (empty_lines == 0 && !escaped)
		put_char(b, ' ');
	else
		put_repeated(b, '\n', empty_lines);
	return 0;
}

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One escape sequence after the backslash (YAML 1.2.2, section 5.7). */
static int decode_escape(struct yaml_parser *p, struct buffer *b)
{
	struct yaml_mark at = p->at;
	int c = yaml_peek(p, 1);
	const char *simple = "0\0a\ab\bt\t\t\tn\nv\vf\fr\re\x1b \040\"\"//\\\\";
	for (size_t i = 0; i < 28; i += 2) {
		if (c == simple[i] && c != 0) {
			put_char(b, simple[i + 1]);
			yaml_advance(p, 2);
			return 0;
		}
	}
	uint32_t named = c == 'N' ? 0x85 : c == '_' ? 0xA0 : c == 'L' ? 0x2028 : c == 'P' ? 0x2029 : 0;
	if (named) {
		put_utf8(b, named);
		yaml_advance(p, 2);
		return 0;
	}
	int digits = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : 0;
	if (!digits) {
		if (c == 0 || c == '\n')
			return yaml_fail(p, at, "a quoted scalar without its closing quote");
		return yaml_fail(p, at, "unknown escape sequence \"\\%c\" in a double-quoted scalar", c);
	}
	uint32_t cp = 0;
	for (int i = 0; i < digits; i++) {
		int v = hex_value(yaml_peek(p, 2 + (size_t)i));
		if (v < 0)
			return yaml_fail(p, at, "\\%c needs %d hexadecimal digits", c, digits);
		cp = cp << 4 | (uint32_t)v;
	}
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return yaml_fail(p, at, "\\%c escape of U+%X, which is not a Unicode character", c, cp);
	put_utf8(b, cp);
	yaml_advance(p, 2 + (size_t)digits);
	return 0;
}

struct yaml_node *yaml_quoted_scalar(struct yaml_parser *p, int n)
{
	struct yaml_mark start = p->at;
	int quote = yaml_peek(p, 0);
	struct buffer b = {0};
	size_t content_end = 0; /* blanks written before a line break are not content */
	yaml_advance(p, 1);
	for (;;) {
		int c = yaml_peek(p, 0);
		if (c == 0)
			return fail_scalar(p, &b, start, "a quoted scalar without its closing quote");
		if (c == quote && quote == '\'' && yaml_peek(p, 1) == '\'') {
			put_char(&b, '\'');
			yaml_advance(p, 2);
			content_end = b.length;
		} else if (c == quote) {
			yaml_advance(p, 1);
			break;
		} else if (c == '\\' && quote == '"' && yaml_peek(p, 1) == '\n') {
			truncate_to(&b, content_end); /* an escaped line break joins the lines */
			yaml_advance(p, 1);
			if (fold_quoted_break(p, n, &b, true, start) < 0) {
				free(b.data);
				return NULL;
			}
			content_end = b.length;
		} else if (c == '\\' && quote == '"') {
			if (decode_escape(p, &b) < 0) {
				free(b.data);
				return NULL;
			}
			content_end = b.length;
		} else if (c == '\n') {
			truncate_to(&b, content_end);
			if (fold_quoted_break(p, n, &b, false, start) < 0) {
				free(b.data);
				return NULL;
			}
			content_end = b.length;
		} else {
			put_char(&b, (char)c);
			yaml_advance(p, 1);
			if (!yaml_is_blank(c))
				content_end = b.length;
		}
	}
	return finish(p, &b, quote == '"' ? YAML_DOUBLE_QUOTED : YAML_SINGLE_QUOTED, start);
}

/* --- block ------------------------------------------------------------------------------------ */

/* The header after | or >: an indentation digit and a chomping sign, in either order. */
static int block_header(struct yaml_parser *p, int *indentation, int *chomping)
{
	*indentation = 0, *chomping = 0;
	for (int i = 0; i < 2; i++) {
		int c = yaml_peek(p, 0);
		if (c >= '1' && c <= '9' && !*indentation) {
			*indentation = c - '0';
			yaml_advance(p, 1);
		} else if (c == '0' || (c >= '1' && c <= '9')) {
			return yaml_fail(p, p->at, "a block scalar's indentation indicator is one digit, 1 to 9");
		} else if ((c == '+' || c == '-') && !*chomping) {
			*chomping = c;
			yaml_advance(p, 1);
		}
	}
	bool blank = yaml_skip_blanks(p) || yaml_is_blank(p->text[p->at.pos - 1]);
	if (yaml_peek(p, 0) == '#') {
		if (!blank)
			return yaml_fail(p, p->at, "a comment needs a space before its '#'");
		while (yaml_peek(p, 0) != '\n' && yaml_peek(p, 0) != 0)
			yaml_advance(p, 1);
	}
	if (yaml_peek(p, 0) != '\n' && yaml_peek(p, 0) != 0)
		return yaml_fail(p, p->at, "unexpected text after a block scalar's indicator");
	return 0;
}

/* The number of spaces that start the line at pos, and whether only blanks follow them. */
static int line_spaces(const struct yaml_parser *p, size_t pos, bool *blank_only, bool *has_tab)
{
	int spaces = 0;
	while (pos < p->size && p->text[pos] == ' ')
		pos++, spaces++;
	*has_tab = false;
	while (pos < p->size && yaml_is_blank(p->text[pos]))
		*has_tab = true, pos++;
	*blank_only = pos >= p->size || p->text[pos] == '\n';
	return spaces;
}

/* Find the content's indentation from its first non-empty line (section 8.1.1.1). */
static int detect_indentation(struct yaml_parser *p, int n, int *indentation)
{
	int longest_empty = 0;
	struct yaml_mark saved = p->at;
	while (p->at.pos < p->size) {
		yaml_advance(p, 1); /* the line break */
		if (p->at.pos >= p->size)
			break;
		bool blank_only, has_tab;
		int spaces = line_spaces(p, p->at.pos, &blank_only, &has_tab);
		if (blank_only && !has_tab) {
			if (spaces > longest_empty)
				longest_empty = spaces;
		} else if (blank_only && spaces <= n) {
			struct yaml_mark at = p->at;
			p->at = saved;
			return yaml_fail(p, at, "a tab where a block scalar's indentation is expected");
		} else {
			if (spaces > n && longest_empty > spaces) {
				struct yaml_mark at = p->at;
				p->at = saved;
				return yaml_fail(p, at, "a block scalar's first line is less indented than an empty line "
						 "before it");
			}
			*indentation = spaces > n ? spaces : n + 1;
			p->at = saved;
			return 0;
		}
		while (yaml_peek(p, 0) != '\n' && yaml_peek(p, 0) != 0)
			yaml_advance(p, 1);
	}
	p->at = saved;
	*indentation = longest_empty > n + 1 ? longest_empty : n + 1;
	return 0;
}

struct yaml_node *yaml_block_scalar(struct yaml_parser *p, int n)
{
	struct yaml_mark start = p->at;
	bool folded = yaml_peek(p, 0) == '>';
	yaml_advance(p, 1);
	int indicator, chomping, indentation = 0;
	if (block_header(p, &indicator, &chomping) < 0)
		return NULL;
	if (indicator)
		indentation = (n < 0 ? 0 : n) + indicator;
	else if (detect_indentation(p, n, &indentation) < 0)
		return NULL;

	struct buffer b = {0};
	int empty_lines = 0;       /* empty lines since the last line of text */
	bool any_text = false, previous_more_indented = false;
	struct yaml_mark last_line_end = p->at; /* the end of the last line that belongs to us */
	while (p->at.pos < p->size) {
		yaml_advance(p, 1); /* the line break */
		if (p->at.pos >= p->size || yaml_at_document_marker(p))
			break;
		bool blank_only, has_tab;
		int spaces = line_spaces(p, p->at.pos, &blank_only, &has_tab);
		if (spaces < indentation && !(blank_only && !has_tab))
			break; /* a less indented line with text: the scalar ended before it */
		if (spaces <= indentation && blank_only && !has_tab) {
			empty_lines++;
		} else {
			yaml_advance(p, (size_t)indentation);
			size_t from = p->at.pos;
			while (yaml_peek(p, 0) != '\n' && yaml_peek(p, 0) != 0)
				yaml_advance(p, 1);
			bool more_indented = yaml_is_blank(p->text[from]);
			if (!any_text)
				put_repeated(&b, '\n', empty_lines);
			else if (folded && !more_indented && !previous_more_indented && empty_lines == 0)
				put_char(&b, ' '); /* folded: a single line break becomes a space */
			else if (folded && !more_indented && !previous_more_indented)
				put_repeated(&b, '\n', empty_lines);
			else
				put_repeated(&b, '\n', 1 + empty_lines);
			put_bytes(&b, p->text + from, p->at.pos - from);
			any_text = true, previous_more_indented = more_indented, empty_lines = 0;
		}
		while (yaml_peek(p, 0) != '\n' && yaml_peek(p, 0) != 0)
			yaml_advance(p, 1);
		last_line_end = p->at;
	}
	p->at = last_line_end;
	/* chomping: "-" strips the final line break, "+" keeps it and the empty lines after it */
	if (chomping == '+')
		put_repeated(&b, '\n', (any_text ? 1 : 0) + empty_lines);
	else if (chomping == 0 && any_text)
		put_char(&b, '\n');
	return finish(p, &b, folded ? YAML_FOLDED : YAML_LITERAL, start);
}
