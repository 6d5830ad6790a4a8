/*
 * template-tree.h - the parsed form of a template, shared by template-parse.c (which builds
 * it) and template-eval.c (which walks it). Not for other files: use template.h.
 *
 * The shapes are Go's parse package's (text/template/parse): a list of nodes, each text or an
 * action; an action holds a pipeline, a pipeline holds commands separated by '|', a command
 * holds operands. Every node remembers its byte offset in the source, for error messages.
 */
#ifndef TINYDOCK_TEMPLATE_TREE_H
#define TINYDOCK_TEMPLATE_TREE_H

#include <stdbool.h>
#include <stddef.h>

enum template_operand_kind {
	OPERAND_DOT,      /* .                        */
	OPERAND_FIELD,    /* .State.Status: fields of dot */
	OPERAND_VARIABLE, /* $ or $name, maybe with fields: $conf.HostPort */
	OPERAND_PIPELINE, /* (index $conf 0), maybe with fields: (index $c 0).HostPort */
	OPERAND_FUNCTION, /* join, len, printf, ...   */
	OPERAND_STRING,   /* "text" or `raw`          */
	OPERAND_NUMBER,   /* 42, -1.5, 0x1f           */
	OPERAND_BOOL,     /* true, false              */
	OPERAND_NIL,      /* nil                      */
};

struct template_pipeline;

struct template_operand {
	enum template_operand_kind kind;
	size_t start, end; /* its text in the source: the position and words of an error */
	char *text;        /* a string's value, a number as written, a variable's or function's name */
	size_t length;
	bool boolean;
	char **fields; /* the names after the operand: .State.Status -> { "State", "Status" } */
	size_t field_count;
	struct template_pipeline *pipeline; /* OPERAND_PIPELINE */
};

struct template_command {
	struct template_operand *operands;
	size_t count;
};

struct template_pipeline {
	size_t start;
	char *variables[2]; /* {{$x := ...}}, {{range $i, $e := ...}} */
	size_t variable_count;
	bool declares; /* := (a new variable) rather than = (assign an existing one) */
	struct template_command *commands;
	size_t count;
};

enum template_node_kind { NODE_TEXT, NODE_ACTION, NODE_IF, NODE_RANGE, NODE_WITH };

struct template_node {
	enum template_node_kind kind;
	size_t start;
	char *text; /* NODE_TEXT */
	size_t length;
	struct template_pipeline *pipeline;
	struct template_node *body, *otherwise; /* the lists of if/range/with and their {{else}} */
	struct template_node *next;
};

struct template {
	char *source;
	struct template_node *root;
};

/* --- template-funcs.c: values and the functions a template calls ---------------------------- */

#include <stdio.h>

struct json;

/* Values a function makes (a split's list, a len's number) live until the execution ends:
 * template_keep hands node to the list that owns them and returns it (NULL: out of memory). */
struct template_values {
	struct json *owned; /* a JSON array */
};
const struct json *template_keep(struct template_values *values, struct json *node);

/* Is name a function a template may call (Go's builtins and Docker's)? */
bool template_function_known(const char *name, size_t length);

/* Call function name with args; a NULL arg is a missing value ("<no value>"). 0 with *result
 * set, or -1 with Go's words for the problem in why ("wrong number of args for join: want 2
 * got 1"). In header mode Docker's text functions return their argument unchanged. */
int template_call(const char *name, struct template_values *values, bool header, const struct json *const *args,
		  size_t count, const struct json **result, char *why, size_t why_size);

/* How an action prints a value: Go's fmt %v of what encoding/json would have decoded
 * ("<no value>" for a missing one, "<nil>" for null, [a b] for a list, map[k:v] for an object). */
void template_print_value(FILE *out, const struct json *value);

/* Go's truth for if, with, and, or, not: false, 0, null, "" and empty lists and objects are
 * false; a missing value is false. */
bool template_truth(const struct json *value);

/* Go's name for the type of a value, as its messages print it ("string", "float64",
 * "[]interface {}", "map[string]interface {}"). */
const char *template_type_name(const struct json *value);

#endif
