/*
 * template-funcs.c - the functions a template calls, and how a value is printed.
 *
 * Two sets, as Docker's CLI has them:
 *   - Go's builtins (pkg.go.dev/text/template, "Functions"): and, or, not, len, index, print,
 *     printf, println, eq, ne, lt, le, gt, ge;
 *   - Docker's additions (docker/cli's templates package, listed in Docker's "Format command
 *     and log output" page): json, join, split, lower, upper, title, pad, truncate.
 * A value is what encoding/json would have decoded in Go (a string, a float64, a bool, nil, a
 * []interface{}, a map[string]interface{}), so a value prints as Go's fmt prints those:
 * [a b] for a list, map[k:v] for an object (keys in order), <nil> for null.
 *
 * lower, upper and title change ASCII letters only (Go's change every Unicode letter), and
 * printf knows the common verbs (%s %v %d %q %x %X %f %e %g %t %c %%) with flags, width and
 * precision.
 */
#include "template-tree.h"
#include "error.h"
#include "json.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const struct json *template_keep(struct template_values *values, struct json *node)
{
	if (!node)
		return NULL;
	return json_append(values->owned, node);
}

const char *template_type_name(const struct json *value)
{
	if (!value)
		return "<nil>";
	switch (value->type) {
	case JSON_NULL:
		return "<nil>";
	case JSON_FALSE:
	case JSON_TRUE:
		return "bool";
	case JSON_NUMBER:
		return "float64";
	case JSON_STRING:
		return "string";
	case JSON_ARRAY:
		return "[]interface {}";
	case JSON_OBJECT:
		return "map[string]interface {}";
	}
	return "?";
}

bool template_truth(const struct json *value)
{
	double number;
	if (!value)
		return false;
	switch (value->type) {
	case JSON_NULL:
	case JSON_FALSE:
		return false;
	case JSON_TRUE:
		return true;
	case JSON_NUMBER:
		return json_double(value, &number) == 0 && number != 0;
	case JSON_STRING:
		return value->length > 0;
	case JSON_ARRAY:
	case JSON_OBJECT:
		return value->count > 0;
	}
	return false;
}

/* --- printing: Go's %v ----------------------------------------------------------------------- */

static int by_key(const void *a, const void *b)
{
	const struct json *x = *(const struct json *const *)a, *y = *(const struct json *const *)b;
	size_t n = x->key_length < y->key_length ? x->key_length : y->key_length;
	int c = memcmp(x->key, y->key, n);
	return c ? c : (x->key_length > y->key_length) - (x->key_length < y->key_length);
}

static void print_nested(FILE *out, const struct json *value, bool top)
{
	if (!value) {
		fputs(top ? "<no value>" : "<nil>", out);
		return;
	}
	switch (value->type) {
	case JSON_NULL:
		fputs("<nil>", out);
		break;
	case JSON_FALSE:
		fputs("false", out);
		break;
	case JSON_TRUE:
		fputs("true", out);
		break;
	case JSON_NUMBER:
	case JSON_STRING:
		fwrite(value->text, 1, value->length, out);
		break;
	case JSON_ARRAY:
		fputc('[', out);
		json_for_each(element, value) {
			print_nested(out, element, false);
			if (element->next)
				fputc(' ', out);
		}
		fputc(']', out);
		break;
	case JSON_OBJECT: {
		/* Go's fmt prints a map's keys sorted (since Go 1.12), so the output is stable. */
		const struct json **members = calloc(value->count + 1, sizeof(*members));
		size_t count = 0;
		json_for_each(member, value)
			if (members)
				members[count++] = member;
		qsort(members, count, sizeof(*members), by_key);
		fputs("map[", out);
		for (size_t i = 0; i < count; i++) {
			fprintf(out, "%s%.*s:", i ? " " : "", (int)members[i]->key_length, members[i]->key);
			print_nested(out, members[i], false);
		}
		fputc(']', out);
		free(members);
		break;
	}
	}
}

void template_print_value(FILE *out, const struct json *value)
{
	print_nested(out, value, true);
}

/* --- arguments ------------------------------------------------------------------------------- */

struct call {
	const char *name;
	struct template_values *values;
	const struct json *const *args;
	size_t count;
	char *why;
	size_t why_size;
};

static int problem(struct call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int problem(struct call *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->why, c->why_size, fmt, ap);
	va_end(ap);
	errno = 0;
	error_clear();
	return -1;
}

static int want_args(struct call *c, size_t want)
{
	if (c->count != want)
		return problem(c, "wrong number of args for %s: want %zu got %zu", c->name, want, c->count);
	return 0;
}

static int want_at_least(struct call *c, size_t want)
{
	if (c->count < want)
		return problem(c, "wrong number of args for %s: want at least %zu got %zu", c->name, want, c->count);
	return 0;
}

static int string_arg(struct call *c, size_t i, const char **text, size_t *length)
{
	const struct json *a = c->args[i];
	if (!a)
		return problem(c, "invalid value; expected string");
	if (!json_is(a, JSON_STRING))
		return problem(c, "wrong type for value; expected string; got %s", template_type_name(a));
	*text = a->text;
	if (length)
		*length = a->length;
	return 0;
}

static int int_arg(struct call *c, size_t i, int64_t *number)
{
	const struct json *a = c->args[i];
	if (!a || json_int64(a, number) < 0)
		return problem(c, "wrong type for value; expected int; got %s", template_type_name(a));
	return 0;
}

static int made(struct call *c, struct json *node, const struct json **result)
{
	if (!(*result = template_keep(c->values, node)))
		return fail_errno(ENOMEM, "cannot execute the template");
	return 0;
}

static int made_text(struct call *c, char *text, size_t length, const struct json **result)
{
	struct json *node = text ? json_new_stringn(text, length) : NULL;
	free(text);
	return made(c, node, result);
}

/* --- Go's builtins --------------------------------------------------------------------------- */

static int fn_and_or(struct call *c, const struct json **result, bool is_and)
{
	if (want_at_least(c, 1) < 0)
		return -1;
	/* The first argument that decides (false for and, true for or), else the last. */
	for (size_t i = 0; i < c->count; i++)
		if (template_truth(c->args[i]) != is_and || i + 1 == c->count) {
			*result = c->args[i];
			break;
		}
	return 0;
}

static int fn_not(struct call *c, const struct json **result)
{
	return want_args(c, 1) < 0 ? -1 : made(c, json_new_bool(!template_truth(c->args[0])), result);
}

static int fn_len(struct call *c, const struct json **result)
{
	if (want_args(c, 1) < 0)
		return -1;
	const struct json *a = c->args[0];
	if (json_is(a, JSON_STRING))
		return made(c, json_new_int((int64_t)a->length), result);
	if (json_is(a, JSON_ARRAY) || json_is(a, JSON_OBJECT))
		return made(c, json_new_int((int64_t)a->count), result);
	if (!a || json_is(a, JSON_NULL))
		return problem(c, "error calling len: len of nil pointer");
	return problem(c, "error calling len: len of type %s", template_type_name(a));
}

static int fn_index(struct call *c, const struct json **result)
{
	if (want_at_least(c, 1) < 0)
		return -1;
	const struct json *item = c->args[0];
	for (size_t i = 1; i < c->count; i++) {
		const struct json *key = c->args[i];
		int64_t at;
		if (!item || json_is(item, JSON_NULL))
			return problem(c, "error calling index: index of untyped nil");
		if (json_is(item, JSON_OBJECT) && json_is(key, JSON_STRING)) {
			item = json_get(item, json_string(key)); /* absent: Go's zero value, <no value> */
		} else if ((json_is(item, JSON_ARRAY) || json_is(item, JSON_STRING)) && json_int64(key, &at) == 0) {
			size_t size = json_is(item, JSON_ARRAY) ? item->count : item->length;
			if (at < 0 || (uint64_t)at >= size)
				return problem(c, "error calling index: index out of range: %lld", (long long)at);
			if (json_is(item, JSON_STRING)) /* a byte, printed as its number, as Go does */
				return made(c, json_new_int((unsigned char)item->text[at]), result);
			item = json_at(item, (size_t)at);
		} else {
			return problem(c, "error calling index: cannot index %s with %s", template_type_name(item),
				       template_type_name(key));
		}
	}
	*result = item;
	return 0;
}

/* Go's basic kinds for eq and lt: -1 for one that cannot be compared. */
static int compare(struct call *c, const struct json *a, const struct json *b, bool ordered, int *order)
{
	double x, y;
	if (!a || !b)
		return problem(c, "error calling %s: invalid type for comparison", c->name);
	if (json_is(a, JSON_NUMBER) && json_is(b, JSON_NUMBER) && json_double(a, &x) == 0 && json_double(b, &y) == 0) {
		*order = (x > y) - (x < y);
		return 0;
	}
	if (json_is(a, JSON_STRING) && json_is(b, JSON_STRING)) {
		size_t n = a->length < b->length ? a->length : b->length;
		int m = memcmp(a->text, b->text, n);
		*order = m ? (m > 0) - (m < 0) : (a->length > b->length) - (a->length < b->length);
		return 0;
	}
	bool bool_a = json_is(a, JSON_TRUE) || json_is(a, JSON_FALSE), bool_b = json_is(b, JSON_TRUE) || json_is(b, JSON_FALSE);
	if (!ordered && bool_a && bool_b) {
		*order = a->type != b->type;
		return 0;
	}
	if (!ordered && json_is(a, JSON_NULL) && json_is(b, JSON_NULL)) {
		*order = 0;
		return 0;
	}
	if (ordered || (a->type != b->type && !(bool_a && bool_b)))
		return problem(c, "error calling %s: %s", c->name,
			       ordered && a->type == b->type ? "invalid type for comparison" : "incompatible types for comparison");
	return problem(c, "error calling %s: non-comparable type %s", c->name, template_type_name(a));
}

static int fn_compare(struct call *c, const struct json **result)
{
	const char *op = c->name;
	int order;
	if (strcmp(op, "eq") == 0) { /* eq a b c: a == b || a == c */
		if (want_at_least(c, 2) < 0)
			return -1;
		bool equal = false;
		for (size_t i = 1; i < c->count && !equal; i++) {
			if (compare(c, c->args[0], c->args[i], false, &order) < 0)
				return -1;
			equal = order == 0;
		}
		return made(c, json_new_bool(equal), result);
	}
	if (want_args(c, 2) < 0 || compare(c, c->args[0], c->args[1], strcmp(op, "ne") != 0, &order) < 0)
		return -1;
	bool yes = strcmp(op, "ne") == 0 ? order != 0
		 : strcmp(op, "lt") == 0 ? order < 0
		 : strcmp(op, "le") == 0 ? order <= 0
		 : strcmp(op, "gt") == 0 ? order > 0
					 : order >= 0;
	return made(c, json_new_bool(yes), result);
}

/* print and println: fmt.Sprint puts a space between two operands when neither is a string,
 * fmt.Sprintln between all of them, and a newline at the end. */
static int fn_print(struct call *c, const struct json **result, bool line)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	if (!out)
		return fail_errno(ENOMEM, "cannot execute the template");
	for (size_t i = 0; i < c->count; i++) {
		bool strings = json_is(c->args[i], JSON_STRING) || (i > 0 && json_is(c->args[i - 1], JSON_STRING));
		if (i > 0 && (line || !strings))
			fputc(' ', out);
		if (c->args[i])
			template_print_value(out, c->args[i]);
		else
			fputs("<nil>", out);
	}
	if (line)
		fputc('\n', out);
	fclose(out);
	return made_text(c, text, size, result);
}

/* Go's %q of a string: double quotes, with backslash escapes for what is not printable. */
static void put_quoted(FILE *out, const char *text, size_t length)
{
	fputc('"', out);
	for (size_t i = 0; i < length; i++) {
		unsigned char ch = (unsigned char)text[i];
		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", out);
		else if (ch == '\t')
			fputs("\\t", out);
		else if (ch == '\r')
			fputs("\\r", out);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(out, "\\x%02x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

/* The flags C defines for %s: '-', the width and the precision ('#', '0', '+' and ' ' are
 * undefined for it in C11 7.21.6.1, though Go accepts and ignores them). */
static void text_spec(const char *spec, char *out, size_t size)
{
	size_t n = 0;
	for (; *spec && n + 1 < size; spec++)
		if (!strchr("#0+ ", *spec) || (*spec == '0' && n > 0 && (isdigit((unsigned char)out[n - 1]) || out[n - 1] == '.')))
			out[n++] = *spec;
	out[n] = '\0';
}

/* One verb of printf with its flags, width and precision (spec: "%-08.3"), applied to a. */
static void put_verb(FILE *out, const char *full_spec, char verb, const struct json *a)
{
	char format[48], text_only[32];
	bool text_verb = verb == 's' || verb == 'v' || verb == 'q' || verb == 't';
	text_spec(full_spec, text_only, sizeof(text_only));
	const char *spec = text_verb ? text_only : full_spec;
	double number = 0;
	bool is_number = json_is(a, JSON_NUMBER) && json_double(a, &number) == 0;
	if (verb == 'v' || (verb == 's' && !json_is(a, JSON_STRING) && a) || verb == 'q' || verb == 't') {
		char *text = NULL;
		size_t size = 0;
		FILE *buffer = open_memstream(&text, &size);
		if (!buffer)
			return;
		if (verb == 'q' && json_is(a, JSON_STRING))
			put_quoted(buffer, a->text, a->length);
		else if (verb == 't' && !(json_is(a, JSON_TRUE) || json_is(a, JSON_FALSE)))
			fprintf(buffer, "%%!t(%s=", template_type_name(a)), template_print_value(buffer, a), fputc(')', buffer);
		else if (a)
			template_print_value(buffer, a);
		else
			fputs("<nil>", buffer);
		fclose(buffer);
		snprintf(format, sizeof(format), "%ss", spec);
		fprintf(out, format, text ? text : "");
		free(text);
	} else if (verb == 's') {
		snprintf(format, sizeof(format), "%ss", spec);
		fprintf(out, format, a ? a->text : "%!s(<nil>)");
	} else if ((verb == 'd' || verb == 'x' || verb == 'X' || (verb == 'c' && number >= 0 && number < 256)) && is_number &&
		   number == floor(number) && number >= -0x1p63 && number < 0x1p63) { /* a whole int64 */
		if (verb == 'c') {
			fputc((int)number, out);
			return;
		}
		snprintf(format, sizeof(format), "%sll%c", spec, verb);
		fprintf(out, format, (long long)number);
	} else if ((verb == 'x' || verb == 'X') && json_is(a, JSON_STRING)) {
		for (size_t i = 0; i < a->length; i++)
			fprintf(out, verb == 'x' ? "%02x" : "%02X", (unsigned char)a->text[i]);
	} else if ((verb == 'f' || verb == 'F' || verb == 'e' || verb == 'E' || verb == 'g' || verb == 'G') && is_number) {
		snprintf(format, sizeof(format), "%s%c", spec, verb);
		fprintf(out, format, number);
	} else { /* Go's way of saying the verb does not fit the value: %!d(string=web) */
		fprintf(out, "%%!%c(%s=", verb, template_type_name(a));
		template_print_value(out, a);
		fputc(')', out);
	}
}

static int fn_printf(struct call *c, const struct json **result)
{
	const char *format;
	size_t length;
	if (want_at_least(c, 1) < 0 || string_arg(c, 0, &format, &length) < 0)
		return -1;
	char *text = NULL;
	size_t size = 0, next = 1;
	FILE *out = open_memstream(&text, &size);
	if (!out)
		return fail_errno(ENOMEM, "cannot execute the template");
	for (size_t i = 0; i < length; i++) {
		if (format[i] != '%') {
			fputc(format[i], out);
			continue;
		}
		char spec[32] = "%";
		size_t n = 1, digits = 0, longest = 0;
		while (i + 1 < length && strchr("-+# 0123456789.", format[i + 1]) && n < sizeof(spec) - 1) {
			digits = isdigit((unsigned char)format[i + 1]) ? digits + 1 : 0;
			longest = digits > longest ? digits : longest;
			spec[n++] = format[++i];
		}
		spec[n] = '\0';
		if (i + 1 >= length) {
			fputs("%!(NOVERB)", out);
			break;
		}
		char verb = format[++i];
		if (longest > 4) { /* Go refuses widths past 10^6, here past 9999: no page of spaces */
			fputs("%!(BADWIDTH)", out);
			spec[1] = '\0'; /* and prints the value without them, as Go does */
		}
		if (verb == '%') {
			fputc('%', out);
		} else if (next >= c->count) {
			fprintf(out, "%%!%c(MISSING)", verb);
		} else {
			put_verb(out, spec, verb, c->args[next++]);
		}
	}
	for (; next < c->count; next++) {
		fprintf(out, "%%!(EXTRA %s=", template_type_name(c->args[next]));
		template_print_value(out, c->args[next]);
		fputc(')', out);
	}
	fclose(out);
	return made_text(c, text, size, result);
}

/* --- Docker's functions ---------------------------------------------------------------------- */

/* json: the compact encoding (Docker's encoder escapes no HTML and ends with no newline). */
static int fn_json(struct call *c, const struct json **result)
{
	if (want_args(c, 1) < 0)
		return -1;
	if (!c->args[0])
		return made_text(c, strdup("null"), 4, result);
	size_t length;
	char *text = json_write(c->args[0], 0, &length);
	if (!text)
		return -1;
	return made_text(c, text, length, result);
}

static int fn_join(struct call *c, const struct json **result)
{
	const char *separator;
	size_t separator_length;
	if (want_args(c, 2) < 0 || string_arg(c, 1, &separator, &separator_length) < 0)
		return -1;
	const struct json *list = c->args[0];
	if (!json_is(list, JSON_ARRAY))
		return problem(c, "wrong type for value; expected []string; got %s", template_type_name(list));
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	if (!out)
		return fail_errno(ENOMEM, "cannot execute the template");
	json_for_each(element, list) {
		if (!json_is(element, JSON_STRING)) {
			fclose(out);
			free(text);
			return problem(c, "wrong type for value; expected []string; got []interface {}");
		}
		fwrite(element->text, 1, element->length, out);
		if (element->next)
			fwrite(separator, 1, separator_length, out);
	}
	fclose(out);
	return made_text(c, text, size, result);
}

/* split: strings.Split, so "" as separator cuts after each UTF-8 character. */
static int fn_split(struct call *c, const struct json **result)
{
	const char *text, *separator;
	size_t length, separator_length;
	if (want_args(c, 2) < 0 || string_arg(c, 0, &text, &length) < 0 ||
	    string_arg(c, 1, &separator, &separator_length) < 0)
		return -1;
	struct json *list = json_new_array();
	size_t from = 0;
	for (size_t i = 0; list && i <= length;) {
		bool cut;
		size_t skip;
		if (separator_length == 0) {
			if (i == length)
				break;
			skip = 1;
			while (i + skip < length && ((unsigned char)text[i + skip] & 0xc0) == 0x80)
				skip++;
			if (!json_append(list, json_new_stringn(text + i, skip)))
				list = NULL;
			i += skip;
			continue;
		}
		cut = i + separator_length <= length && memcmp(text + i, separator, separator_length) == 0;
		if (cut || i == length) {
			if (!json_append(list, json_new_stringn(text + from, i - from))) {
				list = NULL;
				break;
			}
			i += cut ? separator_length : 1;
			from = i;
		} else {
			i++;
		}
	}
	return made(c, list, result);
}

static int fn_case(struct call *c, const struct json **result)
{
	const char *text;
	size_t length;
	if (want_args(c, 1) < 0 || string_arg(c, 0, &text, &length) < 0)
		return -1;
	char *copy = malloc(length + 1);
	if (!copy)
		return made(c, NULL, result);
	bool word_start = true;
	for (size_t i = 0; i < length; i++) {
		unsigned char ch = (unsigned char)text[i];
		if (strcmp(c->name, "lower") == 0)
			copy[i] = (char)tolower(ch);
		else if (strcmp(c->name, "upper") == 0)
			copy[i] = (char)toupper(ch);
		else /* title: strings.Title, a letter after a separator (not a letter, digit or _) */
			copy[i] = (char)(word_start ? toupper(ch) : ch);
		word_start = ch < 0x80 && !isalnum(ch) && ch != '_';
	}
	return made_text(c, copy, length, result);
}

/* pad: Docker's padWithSpace, spaces before and after a value that is not empty. */
static int fn_pad(struct call *c, const struct json **result)
{
	const char *text;
	size_t length;
	int64_t before, after;
	if (want_args(c, 3) < 0 || string_arg(c, 0, &text, &length) < 0 || int_arg(c, 1, &before) < 0 ||
	    int_arg(c, 2, &after) < 0)
		return -1;
	if (length == 0 || before < 0 || after < 0 || before > 4096 || after > 4096) {
		*result = c->args[0];
		return 0;
	}
	char *padded = malloc(length + (size_t)before + (size_t)after + 1);
	if (!padded)
		return made(c, NULL, result);
	memset(padded, ' ', (size_t)before);
	memcpy(padded + before, text, length);
	memset(padded + before + length, ' ', (size_t)after);
	return made_text(c, padded, length + (size_t)before + (size_t)after, result);
}

/* truncate: Docker's truncateWithLength, the first n bytes. */
static int fn_truncate(struct call *c, const struct json **result)
{
	const char *text;
	size_t length;
	int64_t n;
	if (want_args(c, 2) < 0 || string_arg(c, 0, &text, &length) < 0 || int_arg(c, 1, &n) < 0)
		return -1;
	if (n < 0 || (size_t)n >= length) {
		*result = c->args[0];
		return 0;
	}
	return made(c, json_new_stringn(text, (size_t)n), result);
}

/* --- the table of functions ------------------------------------------------------------------ */

enum kind { PLAIN, AND, OR, PRINT, PRINTLN, TEXT /* Docker's: the argument itself in a header */ };

static const struct function {
	const char *name;
	int (*run)(struct call *c, const struct json **result);
	enum kind kind;
} functions[] = {
	{ "and", NULL, AND },       { "or", NULL, OR },           { "not", fn_not, PLAIN },
	{ "len", fn_len, PLAIN },   { "index", fn_index, PLAIN }, { "print", NULL, PRINT },
	{ "println", NULL, PRINTLN }, { "printf", fn_printf, PLAIN }, { "eq", fn_compare, PLAIN },
	{ "ne", fn_compare, PLAIN }, { "lt", fn_compare, PLAIN },   { "le", fn_compare, PLAIN },
	{ "gt", fn_compare, PLAIN }, { "ge", fn_compare, PLAIN },   { "json", fn_json, TEXT },
	{ "join", fn_join, TEXT },  { "split", fn_split, TEXT },  { "lower", fn_case, TEXT },
	{ "upper", fn_case, TEXT }, { "title", fn_case, TEXT },   { "pad", fn_pad, PLAIN },
	{ "truncate", fn_truncate, TEXT },
};

static const struct function *find_function(const char *name, size_t length)
{
	for (size_t i = 0; i < sizeof(functions) / sizeof(functions[0]); i++)
		if (strlen(functions[i].name) == length && memcmp(functions[i].name, name, length) == 0)
			return &functions[i];
	return NULL;
}

bool template_function_known(const char *name, size_t length)
{
	return find_function(name, length) != NULL;
}

int template_call(const char *name, struct template_values *values, bool header, const struct json *const *args,
		  size_t count, const struct json **result, char *why, size_t why_size)
{
	const struct function *f = find_function(name, strlen(name));
	struct call c = { .name = name, .values = values, .args = args, .count = count, .why = why, .why_size = why_size };
	why[0] = '\0';
	*result = NULL;
	if (!f)
		return problem(&c, "function \"%s\" not defined", name);
	if (header && f->kind == TEXT) { /* Docker's HeaderFunctions: keep the column's name */
		const char *text;
		if (count < 1 || string_arg(&c, 0, &text, NULL) < 0)
			return count < 1 ? want_at_least(&c, 1) : -1;
		*result = args[0];
		return 0;
	}
	switch (f->kind) {
	case AND:
	case OR:
		return fn_and_or(&c, result, f->kind == AND);
	case PRINT:
	case PRINTLN:
		return fn_print(&c, result, f->kind == PRINTLN);
	default:
		return f->run(&c, result);
	}
}
