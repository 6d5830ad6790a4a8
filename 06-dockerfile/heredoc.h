/*
 * heredoc.h - the here-documents of RUN, COPY and ADD: which words of a line open one
 * (`<<EOF`, `<<-EOF`, `<<"EOF"`, `3<<EOF`), and the tab stripping of `<<-`. The parser
 * (dockerfile.c) reads their bodies from the lines that follow. Pure.
 */
#ifndef TINYDOCK_HEREDOC_H
#define TINYDOCK_HEREDOC_H

#include <stdbool.h>
#include <stddef.h>

struct heredoc_marker {
	char *name;  /* the delimiter, quotes removed */
	bool expand; /* no part of the delimiter was quoted */
	bool chomp;  /* `<<-`: leading tabs are stripped from the body and the delimiter line */
};

/* The markers of line (the whole instruction, as written), in order. 0, or -1 (memory). */
int heredoc_markers_of(const char *line, struct heredoc_marker **markers, size_t *count);
void heredoc_markers_free(struct heredoc_marker *markers, size_t count);

/* Is word one heredoc marker (`<<EOF`)? COPY refuses one as its destination. */
bool heredoc_is_marker(const char *word);

/* Remove the leading tabs of every line of content, in place (`<<-`). */
void heredoc_strip_tabs(char *content);

#endif
