/*
 * dockerfile-dump.c - the parsed tree printed as BuildKit's parser.Node.Dump() prints it, so a
 * Dockerfile read by tinydock can be compared line for line with the reference parser's
 * reading of it (the `result` files next to BuildKit's parser test Dockerfiles):
 *
 *     FROM busybox AS build              (from "busybox" "AS" "build")
 *     COPY --chown=1:1 src/ /var/www     (copy ["--chown=1:1"] "src/" "/var/www")
 *     ENV A=1 B="two words"              (env "A" "1" "B" "\"two words\"")
 *     ONBUILD RUN make                   (onbuild (run "make"))
 *
 * Every argument is written as Go's strconv.Quote writes a string, and the flags as Go's %q
 * writes a []string: a bracketed list of quoted strings. Heredoc bodies are not part of the
 * dump, as in BuildKit (the marker `<<EOF` is, among the arguments).
 */
#include "dockerfile.h"

#include <stdint.h>
#include <string.h>

/*
 * Decode one UTF-8 character as Go does (RFC 3629: no overlong forms, no surrogates, nothing
 * above U+10FFFF). Returns its length, or 0 when the byte at s starts no valid character.
 */
static size_t utf8_decode(const unsigned char *s, size_t left, uint32_t *rune)
{
	if (s[0] < 0x80) {
		*rune = s[0];
		return 1;
	}
	size_t length = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
	if (length == 0 || s[0] > 0xf4 || left < length)
		return 0;
	uint32_t r = s[0] & (0x7f >> length);
	for (size_t i = 1; i < length; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		r = (r << 6) | (s[i] & 0x3f);
	}
	static const uint32_t smallest[] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (r < smallest[length] || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff))
		return 0;
	*rune = r;
	return length;
}

/*
 * Go's unicode.IsPrint, for what a Dockerfile holds: letters, marks, numbers, punctuation,
 * symbols and the ASCII space. Left out here: the C0 and C1 controls, the Unicode spaces other
 * than ' ' (U+00A0, U+1680, U+2000-U+200A, U+202F, U+205F, U+3000), the line and paragraph
 * separators, the common format characters (soft hyphen, zero-width and direction marks, the
 * BOM), private use and noncharacters. Unassigned code points are taken as printable (Go
 * would escape them; it needs the Unicode tables to know).
 */
static bool is_print(uint32_t r)
{
	if (r < 0x20 || (r >= 0x7f && r <= 0xa0) || r == 0xad)
		return false;
	if (r == 0x1680 || (r >= 0x2000 && r <= 0x200f) || (r >= 0x2028 && r <= 0x202f))
		return false;
	if ((r >= 0x205f && r <= 0x206f) || r == 0x3000 || r == 0xfeff || (r >= 0xfff9 && r <= 0xfffb))
		return false;
	if ((r >= 0xe000 && r <= 0xf8ff) || r >= 0xf0000 || (r >= 0xfdd0 && r <= 0xfdef) || (r & 0xfffe) == 0xfffe)
		return false;
	if (r >= 0x600 && r <= 0x605)
		return false;
	return true;
}

/* s as Go's strconv.Quote writes it: "..." with \" \\ \n \t ..., \xNN for a byte that is not
 * UTF-8, \uNNNN or \UNNNNNNNN for a character that is not printable. */
static void quote(const char *s, FILE *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s);
	fputc('"', out);
	while (left > 0) {
		uint32_t r;
		size_t n = utf8_decode(p, left, &r);
		if (n == 0) {
			fprintf(out, "\\x%02x", p[0]);
			p++, left--;
			continue;
		}
		if (r == '"' || r == '\\') {
			fputc('\\', out);
			fputc((int)r, out);
		} else if (is_print(r)) {
			fwrite(p, 1, n, out);
		} else {
			switch (r) {
			case '\a': fputs("\\a", out); break;
			case '\b': fputs("\\b", out); break;
			case '\f': fputs("\\f", out); break;
			case '\n': fputs("\\n", out); break;
			case '\r': fputs("\\r", out); break;
			case '\t': fputs("\\t", out); break;
			case '\v': fputs("\\v", out); break;
			default:
				if (r < ' ' || r == 0x7f)
					fprintf(out, "\\x%02x", (unsigned)r);
				else if (r < 0x10000)
					fprintf(out, "\\u%04x", (unsigned)r);
				else
					fprintf(out, "\\U%08x", (unsigned)r);
			}
		}
		p += n, left -= n;
	}
	fputc('"', out);
}

/* One instruction, without the parentheses around it. */
static void dump_instruction(const struct instruction *in, FILE *out)
{
	fputs(in->keyword, out);
	if (in->flag_count > 0) {
		fputs(" [", out);
		for (size_t i = 0; i < in->flag_count; i++) {
			if (i > 0)
				fputc(' ', out);
			quote(in->flags[i], out);
		}
		fputc(']', out);
	}
	if (in->onbuild) {
		fputs(" (", out);
		dump_instruction(in->onbuild, out);
		fputc(')', out);
	}
	for (size_t i = 0; i < in->arg_count; i++) {
		fputc(' ', out);
		quote(in->args[i], out);
	}
}

void dockerfile_dump(const struct dockerfile *d, FILE *out)
{
	for (size_t i = 0; i < d->count; i++) {
		fputc('(', out);
		dump_instruction(&d->instructions[i], out);
		fputs(")\n", out);
	}
}
