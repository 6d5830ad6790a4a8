/*
 * template-eval.c - running a parsed template over a JSON value: what {{.State.Status}} means.
 *
 * Go executes a template over "dot", the value being printed (pkg.go.dev/text/template,
 * "Actions"). Here dot is a node of the project's JSON tree (json.h): the inspect document,
 * or the row that `ps` and `images` make for each line. The walk, in Go's terms:
 *
 *   text                     copied to the output
 *   {{pipeline}}             the pipeline's value, printed as Go's fmt prints it (%v)
 *   .Field.Sub               a member of dot, then a member of that; a missing member is
 *                            "<no value>", or an error when the options ask for one (Docker's
 *                            inspect, ps and images do)
 *   a | f b                  f called with b and then a: the value flows left to right
 *   {{if p}}A{{else}}B{{end}}  A when p is true (not false, 0, "", empty or missing)
 *   {{with p}}A{{end}}       A with dot set to p's value, when it is true
 *   {{range p}}A{{end}}      A once per element (of a list) or member (of an object, in
 *                            key order, as Go walks a map), dot set to each
 *   $ and $name              variables: $ is the first dot; range can name index and element
 *
 * An error stops the execution with Go's message, which names the place in the template
 * (line:column, column counted in bytes from 0 on the first line as Go does) and the words of
 * the action that failed: template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"
 *
 * Next: template-funcs.c (the functions), format-output.c (Docker's table and one line per row).
 */
#include "template.h"
#include "template-tree.h"
#include "error.h"
#include "json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct variable {
	const char *name;
	const struct json *value;
};

struct execution {
	const struct template *t;
	const struct template_options *options;
	FILE *out;
	struct template_values values;
	struct variable *variables;
	size_t variable_count, variable_capacity;
	bool failed;
};

/* --- errors ---------------------------------------------------------------------------------- */

/* Go's ErrorContext: "line:column", where the column is the byte offset from the line's start
 * on later lines, and the offset from the start of the template on the first. */
static int exec_error(struct execution *e, size_t start, size_t end, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int exec_error(struct execution *e, size_t start, size_t end, const char *fmt, ...)
{
	if (e->failed)
		return -1;
	e->failed = true;
	char message[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	const char *source = e->t->source;
	int line = 1;
	size_t line_start = 0;
	for (size_t i = 0; i < start; i++)
		if (source[i] == '\n') {
			line++;
			line_start = i + 1;
		}
	return fail_errno(0, "template: :%d:%zu: executing \"\" at <%.*s>: %s", line, start - line_start,
			  (int)(end - start), source + start, message);
}

static int out_of_memory(struct execution *e)
{
	e->failed = true;
	return fail_errno(ENOMEM, "cannot execute the template");
}

/* --- variables ------------------------------------------------------------------------------- */

static int push_variable(struct execution *e, const char *name, const struct json *value)
{
	if (e->variable_count == e->variable_capacity) {
		size_t capacity = e->variable_capacity ? 2 * e->variable_capacity : 8;
		struct variable *bigger = realloc(e->variables, capacity * sizeof(*bigger));
		if (!bigger)
			return out_of_memory(e);
		e->variables = bigger;
		e->variable_capacity = capacity;
	}
	e->variables[e->variable_count++] = (struct variable){ name, value };
	return 0;
}

static struct variable *find_variable(struct execution *e, const char *name)
{
	for (size_t i = e->variable_count; i-- > 0;)
		if (strcmp(e->variables[i].name, name) == 0)
			return &e->variables[i];
	return NULL; /* the parser checked every name: not reached */
}

/* --- operands -------------------------------------------------------------------------------- */

static int eval_pipeline(struct execution *e, const struct json *dot, const struct template_pipeline *pipe,
			 const struct json **value);

/* .A.B from value: each name a member of the object before it. */
static int walk_fields(struct execution *e, const struct template_operand *o, const struct json *value,
		       const struct json **result)
{
	for (size_t i = 0; i < o->field_count; i++) {
		const char *name = o->fields[i];
		if (!value) { /* a missing value has no fields: still missing (Go's zero Value) */
			if (e->options && e->options->strict_type)
				return exec_error(e, o->start, o->end, "nil data; no entry for key \"%s\"", name);
			continue;
		}
		if (json_is(value, JSON_NULL))
			return exec_error(e, o->start, o->end, "nil pointer evaluating interface {}.%s", name);
		if (!json_is(value, JSON_OBJECT))
			return exec_error(e, o->start, o->end, "can't evaluate field %s in type %s", name,
					  template_type_name(value));
		const struct json *member = json_get(value, name);
		if (!member && e->options && e->options->strict_type)
			return exec_error(e, o->start, o->end, "can't evaluate field %s in type %s", name,
					  e->options->strict_type);
		if (!member && e->options && e->options->missing_key_error)
			return exec_error(e, o->start, o->end, "map has no entry for key \"%s\"", name);
		value = member;
	}
	*result = value;
	return 0;
}

static int call_function(struct execution *e, const struct template_operand *name, const struct json *const *args,
			 size_t count, const struct json **result)
{
	char why[512];
	bool header = e->options && e->options->header;
	if (template_call(name->text, &e->values, header, args, count, result, why, sizeof(why)) < 0)
		return error_errno() == ENOMEM ? out_of_memory(e) : exec_error(e, name->start, name->end, "%s", why);
	return 0;
}

static int eval_operand(struct execution *e, const struct json *dot, const struct template_operand *o,
			const struct json **value)
{
	const struct json *base = dot;
	struct json *made = NULL;
	switch (o->kind) {
	case OPERAND_DOT:
	case OPERAND_FIELD:
		break;
	case OPERAND_VARIABLE:
		base = find_variable(e, o->text)->value;
		break;
	case OPERAND_PIPELINE:
		if (eval_pipeline(e, dot, o->pipeline, &base) < 0)
			return -1;
		break;
	case OPERAND_FUNCTION: /* a function as an argument is called with none */
		return call_function(e, o, NULL, 0, value);
	case OPERAND_STRING:
		made = json_new_stringn(o->text, o->length);
		break;
	case OPERAND_NUMBER: {
		char *end;
		long long whole = strtoll(o->text, &end, 0);
		made = *end ? json_new_double(strtod(o->text, NULL)) : json_new_int(whole);
		break;
	}
	case OPERAND_BOOL:
		made = json_new_bool(o->boolean);
		break;
	case OPERAND_NIL:
		made = json_new_null();
		break;
	}
	if (o->kind >= OPERAND_STRING && !(base = template_keep(&e->values, made)))
		return out_of_memory(e);
	return walk_fields(e, o, base, value);
}

/* --- commands and pipelines ------------------------------------------------------------------ */

/* One command: a function called with its arguments (and the value piped in, last), or a
 * single operand's value. `.Label "k"` calls a method of dot (template_options.methods). */
static int eval_command(struct execution *e, const struct json *dot, const struct template_command *cmd,
			const struct json *piped, bool has_piped, const struct json **value)
{
	const struct template_operand *first = &cmd->operands[0];
	size_t count = cmd->count - 1 + (has_piped ? 1 : 0);
	if (first->kind != OPERAND_FUNCTION && count == 0)
		return eval_operand(e, dot, first, value);
	const struct json **args = calloc(count + 1, sizeof(*args));
	if (!args)
		return out_of_memory(e);
	int rc = 0;
	for (size_t i = 1; rc == 0 && i < cmd->count; i++)
		rc = eval_operand(e, dot, &cmd->operands[i], &args[i - 1]);
	if (has_piped)
		args[count - 1] = piped;
	if (rc < 0) {
		free(args);
		return -1;
	}
	const struct json *method = first->kind == OPERAND_FIELD && first->field_count == 1 && e->options
					    ? json_get(e->options->methods, first->fields[0])
					    : NULL;
	if (first->kind == OPERAND_FUNCTION) {
		rc = call_function(e, first, args, count, value);
	} else if (method && count == 1 && json_is(args[0], JSON_STRING)) {
		*value = json_get(method, json_string(args[0]));
		if (!*value) /* a method returns a string: "" for a label that is not there */
			*value = template_keep(&e->values, json_new_string(""));
		rc = *value ? 0 : out_of_memory(e);
	} else if (first->kind == OPERAND_FIELD || first->kind == OPERAND_VARIABLE || first->kind == OPERAND_PIPELINE) {
		rc = exec_error(e, first->start, first->end, "%s is not a method but has arguments",
				first->field_count ? first->fields[first->field_count - 1] : "value");
	} else {
		rc = exec_error(e, first->start, first->end, "can't give argument to non-function %.*s",
				(int)(first->end - first->start), e->t->source + first->start);
	}
	free(args);
	return rc;
}

static int eval_pipeline(struct execution *e, const struct json *dot, const struct template_pipeline *pipe,
			 const struct json **value)
{
	const struct json *result = NULL;
	for (size_t i = 0; i < pipe->count; i++)
		if (eval_command(e, dot, &pipe->commands[i], result, i > 0, &result) < 0)
			return -1;
	/* {{$x := v}} declares, {{$x = v}} assigns; in range the variables are set per element. */
	if (pipe->variable_count == 1) {
		if (pipe->declares) {
			if (push_variable(e, pipe->variables[0], result) < 0)
				return -1;
		} else {
			find_variable(e, pipe->variables[0])->value = result;
		}
	}
	*value = result;
	return 0;
}

/* --- control structures ---------------------------------------------------------------------- */

static int walk(struct execution *e, const struct json *dot, const struct template_node *list);

/* A body runs in its own scope: the variables it declares end with it. */
static int walk_scoped(struct execution *e, const struct json *dot, const struct template_node *list)
{
	size_t scope = e->variable_count;
	int rc = walk(e, dot, list);
	e->variable_count = scope;
	return rc;
}

static int by_key(const void *a, const void *b)
{
	const struct json *x = *(const struct json *const *)a, *y = *(const struct json *const *)b;
	size_t n = x->key_length < y->key_length ? x->key_length : y->key_length;
	int c = memcmp(x->key, y->key, n);
	return c ? c : (x->key_length > y->key_length) - (x->key_length < y->key_length);
}

static int range_one(struct execution *e, const struct template_node *n, const struct json *key,
		     const struct json *element)
{
	size_t scope = e->variable_count;
	const struct template_pipeline *pipe = n->pipeline;
	int rc = 0;
	if (pipe->variable_count == 1)
		rc = pipe->declares ? push_variable(e, pipe->variables[0], element)
				    : (find_variable(e, pipe->variables[0])->value = element, 0);
	else if (pipe->variable_count == 2 && pipe->declares)
		rc = push_variable(e, pipe->variables[0], key) < 0 ? -1 : push_variable(e, pipe->variables[1], element);
	else if (pipe->variable_count == 2) {
		find_variable(e, pipe->variables[0])->value = key;
		find_variable(e, pipe->variables[1])->value = element;
	}
	if (rc == 0)
		rc = walk(e, element, n->body);
	e->variable_count = scope;
	return rc;
}

static int walk_range(struct execution *e, const struct json *dot, const struct template_node *n)
{
	const struct json *value;
	size_t scope = e->variable_count;
	/* The range's own variables are set per element, not by eval_pipeline: evaluate the
	 * commands alone, as a pipeline without declarations. */
	struct template_pipeline bare = *n->pipeline;
	bare.variable_count = 0;
	if (eval_pipeline(e, dot, &bare, &value) < 0)
		return -1;
	if (!value || json_is(value, JSON_NULL) || ((json_is(value, JSON_ARRAY) || json_is(value, JSON_OBJECT)) && value->count == 0))
		return walk_scoped(e, dot, n->otherwise);
	if (json_is(value, JSON_ARRAY)) {
		size_t index = 0;
		json_for_each(element, value) {
			const struct json *key = template_keep(&e->values, json_new_int((int64_t)index++));
			if (!key)
				return out_of_memory(e);
			if (range_one(e, n, key, element) < 0)
				return -1;
		}
	} else if (json_is(value, JSON_OBJECT)) {
		const struct json **members = calloc(value->count, sizeof(*members));
		if (!members)
			return out_of_memory(e);
		size_t count = 0;
		json_for_each(member, value)
			members[count++] = member;
		qsort(members, count, sizeof(*members), by_key);
		int rc = 0;
		for (size_t i = 0; rc == 0 && i < count; i++) {
			const struct json *key = template_keep(&e->values, json_new_stringn(members[i]->key, members[i]->key_length));
			rc = key ? range_one(e, n, key, members[i]) : out_of_memory(e);
		}
		free(members);
		if (rc < 0)
			return -1;
	} else {
		const struct template_operand *what = &n->pipeline->commands[0].operands[0];
		return exec_error(e, what->start, what->end, "range can't iterate over %s",
				  json_is(value, JSON_STRING) ? json_string(value) : template_type_name(value));
	}
	e->variable_count = scope;
	return 0;
}

static int walk(struct execution *e, const struct json *dot, const struct template_node *list)
{
	for (const struct template_node *n = list; n; n = n->next) {
		const struct json *value;
		switch (n->kind) {
		case NODE_TEXT:
			fwrite(n->text, 1, n->length, e->out);
			break;
		case NODE_ACTION:
			if (eval_pipeline(e, dot, n->pipeline, &value) < 0)
				return -1;
			if (n->pipeline->variable_count == 0) /* a declaration prints nothing */
				template_print_value(e->out, value);
			break;
		case NODE_IF:
		case NODE_WITH: {
			size_t scope = e->variable_count;
			if (eval_pipeline(e, dot, n->pipeline, &value) < 0)
				return -1;
			bool yes = template_truth(value);
			int rc = walk_scoped(e, yes && n->kind == NODE_WITH ? value : dot, yes ? n->body : n->otherwise);
			e->variable_count = scope;
			if (rc < 0)
				return -1;
			break;
		}
		case NODE_RANGE:
			if (walk_range(e, dot, n) < 0)
				return -1;
			break;
		}
		if (e->failed)
			return -1;
	}
	return 0;
}

int template_execute(const struct template *t, const struct json *dot, const struct template_options *options,
		     char **out, size_t *length)
{
	struct execution e = { .t = t, .options = options };
	char *text = NULL;
	size_t size = 0;
	e.values.owned = json_new_array();
	e.out = e.values.owned ? open_memstream(&text, &size) : NULL;
	int rc = -1;
	if (!e.out)
		out_of_memory(&e);
	else if (push_variable(&e, "$", dot) == 0)
		rc = walk(&e, dot, t->root);
	if (e.out && fclose(e.out) != 0 && rc == 0)
		rc = out_of_memory(&e);
	json_free(e.values.owned);
	free(e.variables);
	if (rc < 0 && !(options && options->header)) {
		free(text);
		return -1;
	}
	*out = text;
	if (length)
		*length = size;
	return rc;
}
