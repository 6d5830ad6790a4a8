/*
 * expand.h - variable expansion in a Dockerfile, as the reference's shell lexer (BuildKit's
 * frontend/dockerfile/shell) does it: $V ${V} ${V:-w} ${V-w} ${V:+w} ${V+w} ${V:?m} ${V?m},
 * single and double quotes, and the escape character. Pure: the values come from the caller
 * (the build's ARG and ENV so far), never from this process's environment.
 *
 * Which instructions expand (the Dockerfile reference, "Environment replacement"): ADD COPY ENV
 * EXPOSE FROM LABEL STOPSIGNAL USER VOLUME WORKDIR ONBUILD(no) and, in the shell form of RUN,
 * CMD and ENTRYPOINT, nothing: the shell does it.
 */
#ifndef TINYDOCK_EXPAND_H
#define TINYDOCK_EXPAND_H

#include <stddef.h>

/* The variables seen so far: "NAME=value" strings; the last one of a name wins. */
struct expand_env {
	const char *const *vars;
	size_t count;
};

/* Expand one word (quotes removed, escapes applied) into a new string *out (free it).
 * Returns 0, or -1 with a message: "${V:?not set}" unset gives "V: not set". */
int expand_word(const char *word, char escape, const struct expand_env *env, char **out);

/* Expand text and split it into words on unquoted whitespace, as COPY's and EXPOSE's
 * arguments are: *words is a NULL-terminated array of new strings (free with expand_free_words).
 * Returns 0 with *count words, or -1 with a message. */
int expand_words(const char *text, char escape, const struct expand_env *env, char ***words, size_t *count);

void expand_free_words(char **words);

/* Expand the body of a COPY here-document whose delimiter was not quoted (`COPY <<EOF /f`):
 * $V and ${V...} expand and the escape character escapes, but quotes are ordinary characters
 * (BuildKit expands these bodies with its lexer's quote processing off), so `echo "$HOME"`
 * keeps its quotes. Returns 0 with a new string *out, or -1 with a message. */
int expand_heredoc(const char *content, char escape, const struct expand_env *env, char **out);

/* For the parser, which expands nothing (heredoc.c): split text into words as expand_words
 * does, but leave every $V and ${V...} as written; _raw also keeps quotes and escapes
 * (`<<"EOF"` stays `<<"EOF"`), _literal removes them (`"EOF"` is `EOF`). */
int expand_split_raw(const char *text, char escape, char ***words, size_t *count);
int expand_split_literal(const char *text, char escape, char ***words, size_t *count);

#endif
