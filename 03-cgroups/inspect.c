/*
 * inspect.c - `docker inspect`, for every kind of object a binary knows (inspect.h).
 *
 * Docker's CLI searches the kinds in turn when no --type is given (a container first, then an
 * image, ...), prints the documents as one JSON array indented by 4, or runs the -f template
 * over each document and prints one line per object (a field the document does not have is an
 * error, as in docker/cli 28: "map has no entry for key"). A name that matches nothing is reported
 * ("Error: No such object: web") and the others are still printed; the exit status is then 1.
 */
#include "inspect.h"
#include "cli.h"
#include "error.h"
#include "json.h"
#include "template.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(const struct inspect_kind *kinds, size_t count)
{
	printf("Usage:  tinydock inspect [OPTIONS] NAME|ID [NAME|ID...]\n"
	       "\n"
	       "Return low-level information on objects (");
	for (size_t i = 0; i < count; i++)
		printf("%s%ss", i ? (i + 1 == count ? " or " : ", ") : "", kinds[i].type);
	printf("),\nas JSON with Docker's field names.\n"
	       "\n"
	       "Options:\n"
	       "  -f, --format string   Format output using a Go template, run over each object:\n"
	       "                        -f '{{.State.Status}}', -f '{{json .Config}}'\n"
	       "  -s, --size            Display total file sizes (accepted; sizes are not computed)\n"
	       "      --type string     Only search objects of this type (");
	for (size_t i = 0; i < count; i++)
		printf("%s%s", i ? ", " : "", kinds[i].type);
	printf(")\n");
}

static struct json *find(const char *ref, const struct inspect_kind *kinds, size_t count, const char *type)
{
	for (size_t i = 0; i < count; i++) {
		if (type && strcmp(type, kinds[i].type) != 0)
			continue;
		struct json *doc = kinds[i].find(ref);
		if (doc || type)
			return doc;
		error_clear();
	}
	fail_errno(0, "No such object: %s", ref);
	return NULL;
}

/* One object through the template: its output and a newline, or -1 (Docker's words). */
static int print_formatted(const struct template *t, const struct json *doc)
{
	char *text;
	size_t length;
	struct template_options options = { .missing_key_error = true };
	if (template_execute(t, doc, &options, &text, &length) < 0)
		return fail_context("template parsing error");
	fwrite(text, 1, length, stdout);
	putchar('\n');
	free(text);
	return 0;
}

int inspect_command(int argc, char **argv, const struct inspect_kind *kinds, size_t count)
{
	if (asks_for_help(argc, argv)) {
		help(kinds, count);
		return 0;
	}
	static const struct option options[] = { { "format", required_argument, NULL, 'f' },
						 { "type", required_argument, NULL, 't' },
						 { "size", no_argument, NULL, 's' },
						 { NULL, 0, NULL, 0 } };
	const char *format = NULL, *type = NULL;
	optind = 0;
	opterr = 0;
	for (int opt; (opt = cli_getopt(argc, argv, "+f:s", options, NULL)) != -1;) {
		if (opt == 'f')
			format = optarg;
		else if (opt == 't')
			type = optarg;
		else if (opt != 's')
			return usage_error("inspect", "unknown flag, or a flag without its value: %s", argv[optind - 1]);
	}
	if (optind >= argc)
		return arguments_error("inspect", "requires at least 1 argument");
	bool known = !type;
	for (size_t i = 0; i < count && !known; i++)
		known = strcmp(type, kinds[i].type) == 0;
	if (!known)
		return usage_error("inspect", "\"%s\" is not a valid value for --type", type);
	struct template *t = NULL;
	if (format && !(t = template_parse(format))) {
		fail_context("template parsing error");
		return error_report(EXIT_TINYDOCK_FAILED);
	}
	struct json *all = json_new_array();
	int status = all ? 0 : command_failed("inspect");
	size_t printed = 0;
	for (int i = optind; all && i < argc; i++) {
		struct json *doc = find(argv[i], kinds, count, type);
		if (!doc) {
			status = error_report(1); /* and go on with the next, as Docker */
			error_clear();
			continue;
		}
		if (t && print_formatted(t, doc) < 0) {
			status = error_report(1); /* and go on with the next, as Docker */
			error_clear();
		} else if (t) {
			printed++;
		}
		json_append(all, doc);
	}
	if (t && printed == 0) /* docker/cli's TemplateInspector.Flush: an empty line for no output */
		putchar('\n');
	if (!t && all) {
		char *text = json_write(all, 4, NULL);
		if (text)
			printf("%s\n", text);
		else
			status = command_failed("inspect");
		free(text);
	}
	template_free(t);
	json_free(all);
	return status;
}
