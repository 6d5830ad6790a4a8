/*
 * heredoc.c - here-documents in a Dockerfile (the Dockerfile reference, "Here-Documents";
 * POSIX Shell Command Language 2.7.4 "Here-Document" for the shell's own).
 *
 *     RUN <<EOF                       COPY <<-"EOT" /etc/motd
 *     apt-get update                  	Hello, $USER          (tab stripped, $USER kept:
 *     apt-get install -y curl         	EOT                    the delimiter is quoted)
 *     EOF
 *
 * The line is split into words as the shell would (quotes and escapes kept, nothing expanded),
 * and every word of the form [n]<<[-]WORD opens a document, read from the following lines up to
 * the line that is exactly WORD, in the order the markers appear: `RUN cat <<A <<B` reads A's
 * body, then B's. Quoting any part of WORD ('EOF', "EOF", E"OF") turns expansion off for the
 * body; `<<-` strips leading tabs from the body and from the delimiter line.
 * A word is a marker only when all of it is: `a<<EOF` or `<<A<<B` is not one.
 */
#include "heredoc.h"
#include "error.h"
#include "expand.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Reference: the shell lexer behind these markers always uses '\' (BuildKit's NewLex('\\')),
 * whatever `# escape=` says. */
#define MARKER_ESCAPE '\\'

static size_t count_quotes(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\'' || *s == '"';
	return n;
}

/* Parse word as [digits]<<[-]rest; on success *marker owns a new name. 1 when it is a marker,
 * 0 when not, -1 on a memory failure. */
static int parse_marker(const char *word, struct heredoc_marker *marker)
{
	const char *p = word;
	while (*p >= '0' && *p <= '9')
		p++;
	if (strncmp(p, "<<", 2) != 0)
		return 0;
	p += 2;
	bool chomp = *p == '-';
	if (chomp)
		p++;
	if (*p == '\0' || strchr(p, '<'))
		return 0;
	char **literal = NULL, **raw = NULL;
	size_t literal_count = 0, raw_count = 0;
	if (expand_split_literal(p, MARKER_ESCAPE, &literal, &literal_count) < 0 ||
	    expand_split_raw(p, MARKER_ESCAPE, &raw, &raw_count) < 0) {
		expand_free_words(literal);
		expand_free_words(raw);
		/* an unbalanced quote: not a marker (the reference ignores the error too) */
		if (error_errno() == ENOMEM)
			return -1;
		error_clear();
		return 0;
	}
	int result = 0;
	if (literal_count == 1 && raw_count == 1) {
		marker->name = literal[0];
		literal[0] = NULL;
		marker->chomp = chomp;
		/* quotes were removed from the name: some part of it was quoted */
		marker->expand = count_quotes(marker->name) == count_quotes(raw[0]);
		result = 1;
	}
	expand_free_words(literal);
	expand_free_words(raw);
	return result;
}

bool heredoc_is_marker(const char *word)
{
	struct heredoc_marker marker = { 0 };
	int r = parse_marker(word, &marker);
	free(marker.name);
	error_clear();
	return r == 1;
}

int heredoc_markers_of(const char *line, struct heredoc_marker **markers, size_t *count)
{
	*markers = NULL;
	*count = 0;
	char **words = NULL;
	size_t word_count = 0;
	if (expand_split_raw(line, MARKER_ESCAPE, &words, &word_count) < 0) {
		if (error_errno() == ENOMEM)
			return -1;
		error_clear(); /* unbalanced quotes: no heredocs, as in the reference */
		return 0;
	}
	struct heredoc_marker *found = calloc(word_count ? word_count : 1, sizeof(*found));
	if (!found) {
		expand_free_words(words);
		return fail_errno(ENOMEM, "cannot read heredocs");
	}
	size_t n = 0;
	for (size_t i = 0; i < word_count; i++) {
		int r = parse_marker(words[i], &found[n]);
		if (r < 0) {
			heredoc_markers_free(found, n);
			expand_free_words(words);
			return fail_errno(ENOMEM, "cannot read heredocs");
		}
		n += r;
	}
	expand_free_words(words);
	*markers = found;
	*count = n;
	return 0;
}

void heredoc_markers_free(struct heredoc_marker *markers, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(markers[i].name);
	free(markers);
}

void heredoc_strip_tabs(char *content)
{
	char *out = content;
	bool line_start = true;
	for (const char *in = content; *in; in++) {
		if (line_start && *in == '\t')
			continue;
		line_start = *in == '\n';
		*out++ = *in;
	}
	*out = '\0';
}
