/*
 * format-output.h - Docker's --format for a list: one template over many rows, with `table`.
 *
 * docker/cli runs every --format the same way (its formatter package): "\t" and "\n" typed as
 * two characters become a tab and a newline; "json" stands for {{json .}}; a format that starts
 * with "table" prints a header row first (the template run over the column names, so
 * `table {{.ID}}\t{{.Names}}` heads its columns "CONTAINER ID" and "NAMES") and lines the
 * tab-separated cells up as Go's text/tabwriter does (cells at least 10 wide, 3 spaces apart).
 * Each row's output ends with a newline.
 */
#ifndef TINYDOCK_FORMAT_OUTPUT_H
#define TINYDOCK_FORMAT_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "template.h"

struct json;

struct formatter {
	struct template *template;
	bool table;
	struct template_options options;
	char *text; /* the rows so far */
	size_t length;
	FILE *rows;
};

/* Parse format for rows of the Go type named strict_type (a missing field is an error, as in
 * Docker's ps, images, network ls), or NULL (a missing field prints "<no value>", as inspect).
 * -1 with "template parsing error: template: :1: ..." recorded. */
int formatter_open(struct formatter *f, const char *format, const char *strict_type);

/* Run the template over one row, adding its output and a newline; methods: the row's methods
 * that take an argument (template_options.methods), or NULL. -1 on an execution error. */
int formatter_add(struct formatter *f, const struct json *row, const struct json *methods);

/* Print what was added to out: for a table, the header row made from headers (an object that
 * maps each field to its column name: {"ID": "CONTAINER ID"}) first, and the columns aligned. */
void formatter_print(struct formatter *f, const struct json *headers, FILE *out);

void formatter_close(struct formatter *f);

/* A row or the headers of a list, as a JSON object of strings made from count pairs {field,
 * text} ({"ID": "CONTAINER ID"}, {"ID": "0a1b2c3d4e5f"}): docker/cli's formatter contexts give
 * every field as a string. NULL when memory runs out. */
struct json *formatter_strings(const char *const (*pairs)[2], size_t count);

/* Go's text/tabwriter as Docker configures it: each tab-terminated cell padded to its column
 * block's widest cell plus 3, at least 10 characters (UTF-8 characters, not bytes). */
void tabwriter_print(const char *text, size_t length, FILE *out);

#endif
