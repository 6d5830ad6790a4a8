/*
 * format-output.c - Docker's --format over a list of rows: the `table` prefix, the header row,
 * the columns lined up (docker/cli's formatter package, Context.preFormat and postFormat, read
 * as a specification). The template language itself is template-parse.c and template-eval.c.
 */
#include "format-output.h"
#include "error.h"
#include "json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* "\t" and "\n" as typed in a shell (a backslash and a letter) become a tab and a newline. */
static char *expand_escapes(const char *format)
{
	char *copy = strdup(format);
	if (!copy)
		return NULL;
	size_t n = 0;
	for (size_t i = 0; format[i]; i++) {
		if (format[i] == '\\' && (format[i + 1] == 't' || format[i + 1] == 'n')) {
			copy[n++] = format[++i] == 't' ? '\t' : '\n';
			continue;
		}
		copy[n++] = format[i];
	}
	copy[n] = '\0';
	return copy;
}

int formatter_open(struct formatter *f, const char *format, const char *strict_type)
{
	memset(f, 0, sizeof(*f));
	f->options.strict_type = strict_type;
	if (strcmp(format, "json") == 0) /* Docker 23: --format json is {{json .}} */
		format = "{{json .}}";
	f->table = strncmp(format, "table", 5) == 0;
	if (f->table)
		format += 5;
	/* Docker trims the spaces around what is left (strings.Trim(format, " ")). */
	while (*format == ' ')
		format++;
	char *expanded = expand_escapes(format);
	if (!expanded)
		return fail_errno(ENOMEM, "cannot read the format");
	for (size_t end = strlen(expanded); end > 0 && expanded[end - 1] == ' ';)
		expanded[--end] = '\0';
	f->template = template_parse(expanded);
	free(expanded);
	if (!f->template)
		return fail_context("template parsing error");
	f->rows = open_memstream(&f->text, &f->length);
	if (!f->rows) {
		template_free(f->template);
		f->template = NULL;
		return fail_errno(ENOMEM, "cannot read the format");
	}
	return 0;
}

int formatter_add(struct formatter *f, const struct json *row, const struct json *methods)
{
	f->options.methods = methods;
	char *text;
	size_t length;
	if (template_execute(f->template, row, &f->options, &text, &length) < 0)
		return fail_context("template parsing error"); /* Docker's words, for execution too */
	fwrite(text, 1, length, f->rows);
	fputc('\n', f->rows);
	free(text);
	return 0;
}

static size_t display_width(const char *text, size_t length)
{
	size_t width = 0;
	for (size_t i = 0; i < length; i++)
		width += ((unsigned char)text[i] & 0xc0) != 0x80;
	return width;
}

struct line {
	const char *start;
	size_t length;
	size_t cells; /* tab-terminated cells */
};

void tabwriter_print(const char *text, size_t length, FILE *out)
{
	size_t count = 0;
	for (size_t i = 0; i < length; i++)
		count += text[i] == '\n';
	struct line *lines = calloc(count + 1, sizeof(*lines));
	if (!lines) {
		fwrite(text, 1, length, out);
		return;
	}
	size_t n = 0, start = 0;
	for (size_t i = 0; i <= length; i++) {
		if (i < length && text[i] != '\n')
			continue;
		if (i == length && i == start)
			break;
		lines[n].start = text + start;
		lines[n].length = i - start;
		for (size_t j = start; j < i; j++)
			lines[n].cells += text[j] == '\t';
		n++;
		start = i + 1;
	}
	/* The width of column c in line l: the widest cell c of the block of consecutive lines
	 * that all have a cell c (Go's "column block"), plus the padding, at least the minimum. */
	size_t *cursor = calloc(n + 1, sizeof(*cursor)); /* each line's offset of its next cell */
	char **written = calloc(n + 1, sizeof(*written));
	size_t *sizes = calloc(n + 1, sizeof(*sizes));
	FILE **outs = calloc(n + 1, sizeof(*outs));
	bool ok = cursor && written && sizes && outs;
	for (size_t l = 0; ok && l < n; l++)
		ok = (outs[l] = open_memstream(&written[l], &sizes[l])) != NULL;
	if (!ok) {
		fwrite(text, 1, length, out);
		goto out;
	}
	for (size_t column = 0;; column++) {
		bool any = false;
		for (size_t l = 0; l < n;) {
			if (lines[l].cells <= column) {
				l++;
				continue;
			}
			any = true;
			size_t block_end = l, width = 10;
			for (; block_end < n && lines[block_end].cells > column; block_end++) {
				const char *cell = lines[block_end].start + cursor[block_end];
				const char *tab = memchr(cell, '\t', lines[block_end].length - cursor[block_end]);
				size_t w = display_width(cell, (size_t)(tab - cell)) + 3;
				if (w > width)
					width = w;
			}
			for (; l < block_end; l++) {
				const char *cell = lines[l].start + cursor[l];
				const char *tab = memchr(cell, '\t', lines[l].length - cursor[l]);
				size_t w = display_width(cell, (size_t)(tab - cell));
				fprintf(outs[l], "%.*s%*s", (int)(tab - cell), cell, (int)(width - w), "");
				cursor[l] = (size_t)(tab - lines[l].start) + 1;
			}
		}
		if (!any)
			break;
	}
	for (size_t l = 0; l < n; l++) {
		fwrite(lines[l].start + cursor[l], 1, lines[l].length - cursor[l], outs[l]);
		fclose(outs[l]);
		outs[l] = NULL;
		fwrite(written[l], 1, sizes[l], out);
		fputc('\n', out);
	}
out:
	for (size_t l = 0; outs && l < n; l++)
		if (outs[l])
			fclose(outs[l]);
	for (size_t l = 0; written && l < n; l++)
		free(written[l]);
	free(outs);
	free(sizes);
	free(written);
	free(cursor);
	free(lines);
}

void formatter_print(struct formatter *f, const struct json *headers, FILE *out)
{
	fflush(f->rows);
	if (!f->table) {
		fwrite(f->text, 1, f->length, out);
		return;
	}
	/* The header: the template over the column names; an error there (a field with no name)
	 * stops the header where it is, as Docker ignores it. */
	struct template_options options = { .header = true };
	char *header = NULL;
	size_t header_length = 0;
	if (template_execute(f->template, headers, &options, &header, &header_length) < 0)
		error_clear(); /* Docker ignores it: a header as far as it went */
	char *all = NULL;
	size_t all_length = 0;
	FILE *both = open_memstream(&all, &all_length);
	if (!both) {
		fwrite(f->text, 1, f->length, out);
		free(header);
		return;
	}
	if (header)
		fwrite(header, 1, header_length, both);
	fputc('\n', both);
	fwrite(f->text, 1, f->length, both);
	fclose(both);
	tabwriter_print(all, all_length, out);
	free(all);
	free(header);
}

void formatter_close(struct formatter *f)
{
	if (f->rows)
		fclose(f->rows);
	free(f->text);
	template_free(f->template);
	memset(f, 0, sizeof(*f));
}

struct json *formatter_strings(const char *const (*pairs)[2], size_t count)
{
	struct json *object = json_new_object();
	for (size_t i = 0; object && i < count; i++)
		if (!json_add_string(object, pairs[i][0], pairs[i][1])) {
			json_free(object);
			object = NULL;
		}
	return object;
}
