/*
 * template.h - Go's text/template, as Docker's --format uses it, over the project's JSON.
 *
 * `docker ps --format '{{.Names}}'`, `docker inspect -f '{{.State.Status}}' web`: the text
 * between {{ and }} is an action of Go's template language (pkg.go.dev/text/template), run
 * over the object being printed. Docker adds a few functions (json, join, split, lower, upper,
 * title, pad, truncate: docker/cli's templates package) and the `table` prefix (format-output.h).
 * template.md explains the language to a student who has only met it in Docker's docs.
 *
 * A template is parsed once (template-parse.c) and then executed over each row or object
 * (template-eval.c, template-funcs.c); both are pure: no files, no clock. Errors are worded
 * as Go words them, with the place in the template ("template: :1:2: executing \"\" at
 * <.Nope>: map has no entry for key \"Nope\""), because that is what a student searches for.
 */
#ifndef TINYDOCK_TEMPLATE_H
#define TINYDOCK_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

struct json;
struct template;

/* Parse text. NULL on a syntax error, recorded as Go's parser words it:
 * "template: :1: function \"nope\" not defined" (the line; Go gives no column here). */
struct template *template_parse(const char *text);

void template_free(struct template *t);

struct template_options {
	/* A missing field prints "<no value>" (Go's default), unless one of these is set:
	 * strict_type, a type name: "can't evaluate field Nope in type NAME", as for the Go
	 * structs behind `docker ps` and `docker images`; missing_key_error: "map has no entry for
	 * key \"Nope\"", as `docker inspect` (docker/cli 28 runs its template over the document as
	 * a Go map with the option missingkey=error). */
	const char *strict_type;
	bool missing_key_error;
	/* Methods of dot that take an argument, as Docker's ps row has `.Label "tier"`: an object
	 * whose member NAME is looked up by the argument (NULL: none). Kept apart from dot, so
	 * that {{json .}} shows the fields only, as Docker's does. */
	const struct json *methods;
	/* The header row of a `table` format: Docker runs the template over the column names
	 * with json, join, split, lower, upper, title and truncate returning their argument. */
	bool header;
};

/* Execute t over dot. The output (malloc'd, NUL-terminated) goes to *out, *length bytes; on
 * an error -1 with Go's message recorded and nothing in *out, except in header mode: there
 * *out has what was written before the error, as Docker prints that much of a header (Go
 * writes as it goes). options may be NULL. */
int template_execute(const struct template *t, const struct json *dot, const struct template_options *options,
		     char **out, size_t *length);

#endif
