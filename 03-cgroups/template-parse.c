/*
 * template-parse.c - reading a Go template into a tree, once, before any row is printed.
 *
 * A template is text with actions between {{ and }}. The text is copied as it is; an action
 * is a pipeline (`.Names`, `join .Args " , "`, `.Name | upper`) or a control word with a body
 * (`if`, `range`, `with`, closed by `end`, maybe split by `else`). The grammar is Go's
 * (pkg.go.dev/text/template, "Actions", "Arguments", "Pipelines", "Variables"); this parser
 * is a recursive descent over the text, one function per rule, without a token list:
 *
 *     list      = { text | "{{" action "}}" }
 *     action    = "if" pipeline | "range" pipeline | "with" pipeline | "else" | "end"
 *               | "/ *" comment "* /" | pipeline
 *     pipeline  = [ variable [ "," variable ] ( ":=" | "=" ) ] command { "|" command }
 *     command   = operand { operand }
 *     operand   = ( "." | field | variable | "(" pipeline ")" | function | string | number
 *                 | "true" | "false" | "nil" ) { field }
 *
 * "{{- " and " -}}" trim the white space before and after an action, so a template can be
 * laid out on several lines and still print one. Errors are Go's words with Go's line
 * number ("template: :1: unexpected EOF"): the name between "template: " and ":1" is the
 * template's name, which Docker leaves empty.
 *
 * Next: template-eval.c, which walks the tree over a JSON value.
 */
#include "template.h"
#include "template-tree.h"
#include "error.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	const char *source;
	size_t size, at;
	bool trim_next_text; /* the last action ended with " -}}" */
	bool failed;
	const char **variables; /* the variables in scope (Go checks them as it parses) */
	size_t variable_count, variable_capacity;
};

enum list_end { LIST_EOF, LIST_END, LIST_ELSE };

static struct template_pipeline *parse_pipeline(struct parser *p, bool in_parentheses, int max_variables,
						const char *context);

/* --- errors and freeing ---------------------------------------------------------------------- */

static int line_at(const struct parser *p, size_t at)
{
	int line = 1;
	for (size_t i = 0; i < at && i < p->size; i++)
		line += p->source[i] == '\n';
	return line;
}

static void *parse_error(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void *parse_error(struct parser *p, const char *fmt, ...)
{
	if (p->failed)
		return NULL;
	char message[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	fail_errno(0, "template: :%d: %s", line_at(p, p->at), message);
	p->failed = true;
	return NULL;
}

static void *out_of_memory(struct parser *p)
{
	if (!p->failed)
		fail_errno(ENOMEM, "cannot parse the template");
	p->failed = true;
	return NULL;
}

static void free_pipeline(struct template_pipeline *pipe);

static void free_operand(struct template_operand *o)
{
	free(o->text);
	for (size_t i = 0; i < o->field_count; i++)
		free(o->fields[i]);
	free(o->fields);
	free_pipeline(o->pipeline);
}

static void free_pipeline(struct template_pipeline *pipe)
{
	if (!pipe)
		return;
	for (size_t i = 0; i < pipe->variable_count; i++)
		free(pipe->variables[i]);
	for (size_t c = 0; c < pipe->count; c++) {
		for (size_t i = 0; i < pipe->commands[c].count; i++)
			free_operand(&pipe->commands[c].operands[i]);
		free(pipe->commands[c].operands);
	}
	free(pipe->commands);
	free(pipe);
}

static void free_list(struct template_node *n)
{
	while (n) {
		struct template_node *next = n->next;
		free(n->text);
		free_pipeline(n->pipeline);
		free_list(n->body);
		free_list(n->otherwise);
		free(n);
		n = next;
	}
}

void template_free(struct template *t)
{
	if (!t)
		return;
	free_list(t->root);
	free(t->source);
	free(t);
}

/* --- the characters of an action ------------------------------------------------------------- */

static bool at_end(const struct parser *p)
{
	return p->at >= p->size;
}

static char peek(const struct parser *p, size_t ahead)
{
	return p->at + ahead < p->size ? p->source[p->at + ahead] : '\0';
}

static bool starts(const struct parser *p, const char *word)
{
	size_t n = strlen(word);
	return p->size - p->at >= n && memcmp(p->source + p->at, word, n) == 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || ((unsigned char)c & 0x80);
}

static size_t skip_spaces(struct parser *p)
{
	size_t from = p->at;
	while (!at_end(p) && is_space(peek(p, 0)))
		p->at++;
	return p->at - from;
}

/* The right delimiter: "}}", or " -}}", which also trims the white space after it. */
static bool at_close(const struct parser *p)
{
	if (starts(p, "}}"))
		return true;
	return starts(p, "-}}") && p->at > 0 && is_space(p->source[p->at - 1]);
}

static int expect_close(struct parser *p)
{
	skip_spaces(p);
	if (starts(p, "}}")) {
		p->at += 2;
		return 0;
	}
	if (at_close(p)) {
		p->at += 3;
		p->trim_next_text = true;
		return 0;
	}
	if (at_end(p))
		return parse_error(p, "unclosed action"), -1;
	return parse_error(p, "unexpected \"%c\" in command", peek(p, 0)), -1;
}

static char *name_at(struct parser *p, size_t from)
{
	while (!at_end(p) && is_name_char(peek(p, 0)))
		p->at++;
	char *name = strndup(p->source + from, p->at - from);
	return name ? name : out_of_memory(p);
}

/* --- variables in scope ---------------------------------------------------------------------- */

static int declare(struct parser *p, const char *name)
{
	if (p->variable_count == p->variable_capacity) {
		size_t capacity = p->variable_capacity ? 2 * p->variable_capacity : 8;
		const char **bigger = realloc(p->variables, capacity * sizeof(*bigger));
		if (!bigger)
			return out_of_memory(p), -1;
		p->variables = bigger;
		p->variable_capacity = capacity;
	}
	p->variables[p->variable_count++] = name;
	return 0;
}

static bool declared(const struct parser *p, const char *name)
{
	if (strcmp(name, "$") == 0)
		return true;
	for (size_t i = p->variable_count; i-- > 0;)
		if (strcmp(p->variables[i], name) == 0)
			return true;
	return false;
}

/* --- operands -------------------------------------------------------------------------------- */

/* .Name.Other after an operand: each one a field of what comes before. */
static int parse_fields(struct parser *p, struct template_operand *o)
{
	while (peek(p, 0) == '.' && is_name_char(peek(p, 1)) && !isdigit((unsigned char)peek(p, 1))) {
		p->at++;
		char **bigger = realloc(o->fields, (o->field_count + 1) * sizeof(*bigger));
		if (!bigger)
			return out_of_memory(p), -1;
		o->fields = bigger;
		char *name = name_at(p, p->at);
		if (!name)
			return -1;
		o->fields[o->field_count++] = name;
	}
	return 0;
}

static void put_utf8(char *out, size_t *n, unsigned long c)
{
	if (c < 0x80) {
		out[(*n)++] = (char)c;
	} else if (c < 0x800) {
		out[(*n)++] = (char)(0xc0 | (c >> 6));
		out[(*n)++] = (char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		out[(*n)++] = (char)(0xe0 | (c >> 12));
		out[(*n)++] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[(*n)++] = (char)(0x80 | (c & 0x3f));
	} else {
		out[(*n)++] = (char)(0xf0 | (c >> 18));
		out[(*n)++] = (char)(0x80 | ((c >> 12) & 0x3f));
		out[(*n)++] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[(*n)++] = (char)(0x80 | (c & 0x3f));
	}
}

/* "..." with Go's escapes (\n \t \" \\ \xHH \uHHHH ...), or `...` taken as it is. */
static int parse_string(struct parser *p, struct template_operand *o)
{
	char quote = peek(p, 0);
	size_t from = ++p->at;
	while (!at_end(p) && peek(p, 0) != quote && (quote == '`' || peek(p, 0) != '\n')) {
		if (quote == '"' && peek(p, 0) == '\\' && p->at + 1 < p->size)
			p->at++;
		p->at++;
	}
	if (at_end(p) || peek(p, 0) != quote)
		return parse_error(p, quote == '`' ? "unterminated raw quoted string" : "unterminated quoted string"), -1;
	size_t to = p->at++;
	o->text = malloc(to - from + 1); /* escapes only shrink the text */
	if (!o->text)
		return out_of_memory(p), -1;
	size_t n = 0;
	for (size_t i = from; i < to; i++) {
		char c = p->source[i];
		if (quote == '`' || c != '\\') {
			o->text[n++] = c;
			continue;
		}
		char e = p->source[++i];
		static const char simple[] = "a\ab\bf\fn\nr\rt\tv\v\\\\\"\"''";
		const char *known = strchr(simple, e);
		if (known && (known - simple) % 2 == 0) {
			o->text[n++] = known[1];
			continue;
		}
		int digits = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
		unsigned long code = 0;
		if (!digits || to - i - 1 < (size_t)digits)
			return parse_error(p, "unknown escape sequence: \\%c", e), -1;
		for (int d = 0; d < digits; d++) {
			char h = p->source[++i];
			if (!isxdigit((unsigned char)h))
				return parse_error(p, "invalid syntax in quoted string"), -1;
			code = code * 16 + (unsigned long)(isdigit((unsigned char)h) ? h - '0' : (tolower(h) - 'a' + 10));
		}
		if (e == 'x')
			o->text[n++] = (char)code;
		else
			put_utf8(o->text, &n, code);
	}
	o->text[n] = '\0';
	o->length = n;
	o->kind = OPERAND_STRING;
	return 0;
}

/* 42, -1, 1.5, 1e3, 0x1F: kept as written, checked here so a bad one fails before any row. */
static int parse_number(struct parser *p, struct template_operand *o)
{
	size_t from = p->at;
	if (peek(p, 0) == '-' || peek(p, 0) == '+')
		p->at++;
	while (!at_end(p) && (isalnum((unsigned char)peek(p, 0)) || peek(p, 0) == '.' || peek(p, 0) == '_' ||
			      ((peek(p, 0) == '-' || peek(p, 0) == '+') && strchr("eEpP", p->source[p->at - 1]))))
		p->at++;
	o->text = strndup(p->source + from, p->at - from);
	if (!o->text)
		return out_of_memory(p), -1;
	o->length = p->at - from;
	char *end;
	errno = 0;
	(void)strtoll(o->text, &end, 0);
	if (*end) {
		(void)strtod(o->text, &end);
		if (*end || strchr(o->text, 'x') || strchr(o->text, 'X'))
			return parse_error(p, "bad number syntax: \"%s\"", o->text), -1;
	}
	o->kind = OPERAND_NUMBER;
	return 0;
}

static int parse_operand(struct parser *p, struct template_operand *o)
{
	memset(o, 0, sizeof(*o));
	o->start = p->at;
	char c = peek(p, 0), next = peek(p, 1);
	int rc = 0;
	if (c == '.' && is_name_char(next) && !isdigit((unsigned char)next)) {
		o->kind = OPERAND_FIELD;
		rc = parse_fields(p, o);
	} else if (c == '.' && !isdigit((unsigned char)next)) {
		o->kind = OPERAND_DOT;
		p->at++;
	} else if (c == '$') {
		o->kind = OPERAND_VARIABLE;
		o->text = name_at(p, ++p->at - 1);
		if (!o->text)
			return -1;
		o->length = strlen(o->text);
		if (!declared(p, o->text))
			return parse_error(p, "undefined variable \"%s\"", o->text), -1;
		rc = parse_fields(p, o);
	} else if (c == '"' || c == '`') {
		rc = parse_string(p, o);
	} else if (isdigit((unsigned char)c) || ((c == '-' || c == '+' || c == '.') && isdigit((unsigned char)next))) {
		rc = parse_number(p, o);
	} else if (c == '(') {
		p->at++;
		o->kind = OPERAND_PIPELINE;
		o->pipeline = parse_pipeline(p, true, 0, "parenthesized pipeline");
		rc = o->pipeline ? parse_fields(p, o) : -1;
	} else if (is_name_char(c)) {
		o->text = name_at(p, p->at);
		if (!o->text)
			return -1;
		o->length = strlen(o->text);
		if (strcmp(o->text, "true") == 0 || strcmp(o->text, "false") == 0) {
			o->kind = OPERAND_BOOL;
			o->boolean = o->text[0] == 't';
		} else if (strcmp(o->text, "nil") == 0) {
			o->kind = OPERAND_NIL;
		} else if (template_function_known(o->text, o->length)) {
			o->kind = OPERAND_FUNCTION;
		} else {
			p->at = o->start;
			return parse_error(p, "function \"%s\" not defined", o->text), -1;
		}
	} else {
		return parse_error(p, "unexpected \"%c\" in operand", c), -1;
	}
	o->end = p->at;
	return rc;
}

/* --- commands and pipelines ------------------------------------------------------------------ */

static bool command_ends(const struct parser *p, bool in_parentheses)
{
	if (at_end(p) || peek(p, 0) == '|')
		return true;
	return in_parentheses ? peek(p, 0) == ')' : at_close(p);
}

static int parse_command(struct parser *p, struct template_command *cmd, bool in_parentheses)
{
	for (;;) {
		size_t spaces = skip_spaces(p);
		if (command_ends(p, in_parentheses))
			return 0;
		if (cmd->count > 0 && spaces == 0 && peek(p, 0) != '(')
			return parse_error(p, "unexpected \"%c\" in operand", peek(p, 0)), -1;
		struct template_operand *bigger = realloc(cmd->operands, (cmd->count + 1) * sizeof(*bigger));
		if (!bigger)
			return out_of_memory(p), -1;
		cmd->operands = bigger;
		int rc = parse_operand(p, &cmd->operands[cmd->count]);
		cmd->count++; /* counted even when it failed: free_operand frees what it holds */
		if (rc < 0)
			return -1;
	}
}

/* "$x :=", "$x =", "$i, $e :=": the variables a pipeline declares or assigns, if any. */
static int parse_declaration(struct parser *p, struct template_pipeline *pipe, int max_variables)
{
	size_t from = p->at;
	char *names[2] = { NULL, NULL };
	size_t n = 0;
	while (peek(p, 0) == '$' && n < (size_t)max_variables) {
		size_t start = p->at++;
		names[n] = name_at(p, start);
		if (!names[n])
			goto undo;
		n++;
		skip_spaces(p);
		if (peek(p, 0) != ',' || n == (size_t)max_variables)
			break;
		p->at++;
		skip_spaces(p);
	}
	if (n > 0 && (starts(p, ":=") || (peek(p, 0) == '=' && peek(p, 1) != '='))) {
		bool declares = peek(p, 0) == ':';
		p->at += declares ? 2 : 1;
		for (size_t i = 0; i < n; i++)
			if (!declares && !declared(p, names[i])) {
				parse_error(p, "undefined variable \"%s\"", names[i]);
				goto undo;
			}
		pipe->declares = declares; /* the names are the pipeline's only now, all checked */
		for (size_t i = 0; i < n; i++)
			pipe->variables[pipe->variable_count++] = names[i];
		return 0;
	}
undo:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	p->at = from;
	return p->failed ? -1 : 0;
}

static struct template_pipeline *parse_pipeline(struct parser *p, bool in_parentheses, int max_variables,
						const char *context)
{
	struct template_pipeline *pipe = calloc(1, sizeof(*pipe));
	if (!pipe)
		return out_of_memory(p);
	skip_spaces(p);
	pipe->start = p->at;
	if (max_variables > 0 && parse_declaration(p, pipe, max_variables) < 0)
		goto fail;
	for (;;) {
		struct template_command *bigger = realloc(pipe->commands, (pipe->count + 1) * sizeof(*bigger));
		if (!bigger) {
			out_of_memory(p);
			goto fail;
		}
		pipe->commands = bigger;
		struct template_command *cmd = &pipe->commands[pipe->count++];
		memset(cmd, 0, sizeof(*cmd));
		if (parse_command(p, cmd, in_parentheses) < 0)
			goto fail;
		if (cmd->count == 0) {
			if (at_end(p))
				parse_error(p, in_parentheses ? "unclosed left paren" : "unclosed action");
			else
				parse_error(p, "missing value for %s", pipe->count > 1 ? "command" : context);
			goto fail;
		}
		if (peek(p, 0) != '|')
			break;
		p->at++;
	}
	if (in_parentheses) {
		if (peek(p, 0) != ')') {
			parse_error(p, "unclosed left paren");
			goto fail;
		}
		p->at++;
	}
	/* Declared only now: `{{$x := $x}}` may not use the $x it declares. */
	for (size_t i = 0; i < pipe->variable_count; i++)
		if (pipe->declares && declare(p, pipe->variables[i]) < 0)
			goto fail;
	return pipe;
fail:
	free_pipeline(pipe);
	return NULL;
}

/* --- lists and control structures ------------------------------------------------------------ */

static struct template_node *new_node(struct parser *p, enum template_node_kind kind, size_t start)
{
	struct template_node *n = calloc(1, sizeof(*n));
	if (!n)
		return out_of_memory(p);
	n->kind = kind;
	n->start = start;
	return n;
}

static struct template_node *parse_list(struct parser *p, enum list_end *end);

/* if, range, with: the pipeline, the body, and an {{else}} part; `{{else if ...}}` and
 * `{{else with ...}}` are an if (a with) inside the else part that shares the {{end}}. */
static struct template_node *parse_control(struct parser *p, enum template_node_kind kind, size_t start)
{
	static const char *const words[] = { [NODE_IF] = "if", [NODE_RANGE] = "range", [NODE_WITH] = "with" };
	struct template_node *n = new_node(p, kind, start);
	if (!n)
		return NULL;
	size_t scope = p->variable_count;
	n->pipeline = parse_pipeline(p, false, kind == NODE_RANGE ? 2 : 1, words[kind]);
	if (!n->pipeline || expect_close(p) < 0)
		goto fail;
	enum list_end end;
	n->body = parse_list(p, &end);
	if (p->failed)
		goto fail;
	if (end == LIST_ELSE) {
		skip_spaces(p);
		size_t chained = p->at;
		if ((kind == NODE_IF && starts(p, "if") && is_space(peek(p, 2))) ||
		    (kind == NODE_WITH && starts(p, "with") && is_space(peek(p, 4)))) {
			p->at += kind == NODE_IF ? 2 : 4;
			n->otherwise = parse_control(p, kind, chained);
			if (!n->otherwise)
				goto fail;
			p->variable_count = scope;
			return n;
		}
		if (expect_close(p) < 0)
			goto fail;
		n->otherwise = parse_list(p, &end);
		if (p->failed)
			goto fail;
		if (end == LIST_ELSE) {
			parse_error(p, "expected end; found {{else}}");
			goto fail;
		}
	}
	if (end == LIST_EOF) {
		parse_error(p, "unexpected EOF");
		goto fail;
	}
	p->variable_count = scope;
	return n;
fail:
	p->variable_count = scope;
	free_list(n);
	return NULL;
}

/* The word that starts an action ("if", "end", ...), if it is one of the control words. */
static bool keyword(struct parser *p, const char *word)
{
	size_t n = strlen(word);
	if (!starts(p, word) || is_name_char(peek(p, n)))
		return false;
	p->at += n;
	return true;
}

/* One action, after its "{{": a node, or NULL with *end set for {{end}} and {{else}} (and
 * NULL with *end LIST_EOF for a comment, which makes no node). */
static struct template_node *parse_action(struct parser *p, enum list_end *end)
{
	*end = LIST_EOF;
	skip_spaces(p);
	size_t start = p->at;
	if (starts(p, "/*")) {
		const char *close = memmem(p->source + p->at, p->size - p->at, "*/", 2);
		if (!close)
			return parse_error(p, "unclosed comment");
		p->at = (size_t)(close - p->source) + 2;
		expect_close(p);
		return NULL;
	}
	if (keyword(p, "end")) {
		*end = LIST_END;
		expect_close(p);
		return NULL;
	}
	if (keyword(p, "else")) {
		*end = LIST_ELSE;
		return NULL;
	}
	if (keyword(p, "if"))
		return parse_control(p, NODE_IF, start);
	if (keyword(p, "range"))
		return parse_control(p, NODE_RANGE, start);
	if (keyword(p, "with"))
		return parse_control(p, NODE_WITH, start);
	static const char *const unsupported[] = { "define", "template", "block", "break", "continue" };
	for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++)
		if (keyword(p, unsupported[i]))
			return parse_error(p, "{{%s}} is not supported by tinydock's templates", unsupported[i]);
	struct template_node *n = new_node(p, NODE_ACTION, start);
	if (!n)
		return NULL;
	n->pipeline = parse_pipeline(p, false, 1, "command");
	if (!n->pipeline || expect_close(p) < 0) {
		free_list(n);
		return NULL;
	}
	return n;
}

static struct template_node *parse_list(struct parser *p, enum list_end *end)
{
	struct template_node *first = NULL, **tail = &first;
	*end = LIST_EOF;
	while (!at_end(p) && !p->failed) {
		const char *open = memmem(p->source + p->at, p->size - p->at, "{{", 2);
		size_t text_end = open ? (size_t)(open - p->source) : p->size;
		size_t text_start = p->at, action = text_end + 2;
		if (p->trim_next_text)
			while (text_start < text_end && is_space(p->source[text_start]))
				text_start++;
		p->trim_next_text = false;
		if (open && text_end + 3 < p->size && open[2] == '-' && is_space(open[3])) {
			action = text_end + 3; /* "{{- ": trim the white space before */
			while (text_end > text_start && is_space(p->source[text_end - 1]))
				text_end--;
		}
		if (text_end > text_start) {
			struct template_node *text = new_node(p, NODE_TEXT, text_start);
			if (!text || !(text->text = strndup(p->source + text_start, text_end - text_start))) {
				free(text);
				out_of_memory(p);
				break;
			}
			text->length = text_end - text_start;
			*tail = text;
			tail = &text->next;
		}
		if (!open) {
			p->at = p->size;
			break;
		}
		p->at = action;
		struct template_node *n = parse_action(p, end);
		if (n) {
			*tail = n;
			tail = &n->next;
		} else if (*end != LIST_EOF || p->failed) {
			break;
		}
	}
	if (p->failed) {
		free_list(first);
		return NULL;
	}
	return first;
}

struct template *template_parse(const char *text)
{
	struct parser p = { .source = text, .size = strlen(text) };
	struct template *t = calloc(1, sizeof(*t));
	if (!t || !(t->source = strdup(text))) {
		free(t);
		fail_errno(ENOMEM, "cannot parse the template");
		return NULL;
	}
	p.source = t->source;
	enum list_end end;
	t->root = parse_list(&p, &end);
	if (!p.failed && end != LIST_EOF)
		parse_error(&p, "unexpected {{%s}}", end == LIST_END ? "end" : "else");
	free(p.variables);
	if (p.failed) {
		template_free(t);
		return NULL;
	}
	return t;
}
