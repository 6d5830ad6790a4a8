/*
 * compose-validate.c - a compose file checked against the specification's schema
 * (compose-schema.h).
 *
 * A walk of the tree and the table side by side: at each node, its YAML kind and scalar type
 * must be one of the types the shape allows; a mapping's keys must be the shape's keys (or
 * extensions, `x-...`), with the required ones present; a sequence's items are checked
 * against the items' shape. The path walked ("services.web.ports[1]") names the value in the
 * message, and the node gives its line and column, so that a typo reads
 *
 *     compose.yaml:4:5: unknown key services.web.colour
 *
 * The first problem found is the one reported: a file is fixed one line at a time.
 */
#include "compose-schema.h"

#include <stdio.h>
#include <string.h>

#include "error.h"

/* The longest path named in a message; a longer one (a service named with a thousand
 * characters) is cut. The schema's deepest path has 7 levels, so the walk stays shallow. */
#define PATH_SIZE 512

static bool is_extension(const char *key)
{
	return strncmp(key, "x-", 2) == 0;
}

/* The JSON type a YAML node has (yaml.h: a plain scalar is typed by the core schema). */
static unsigned type_of(const struct yaml_node *node)
{
	if (node->kind == YAML_SEQUENCE)
		return COMPOSE_SCHEMA_ARRAY;
	if (node->kind == YAML_MAPPING)
		return COMPOSE_SCHEMA_OBJECT;
	switch (yaml_scalar_type(node)) {
	case YAML_TYPE_NULL: return COMPOSE_SCHEMA_NULL;
	case YAML_TYPE_BOOL: return COMPOSE_SCHEMA_BOOLEAN;
	case YAML_TYPE_INT: return COMPOSE_SCHEMA_INTEGER | COMPOSE_SCHEMA_NUMBER;
	case YAML_TYPE_FLOAT: return COMPOSE_SCHEMA_NUMBER;
	case YAML_TYPE_STRING: break;
	}
	return COMPOSE_SCHEMA_STRING;
}

/* Whether node has a type the shape allows. A string may be written as any other scalar:
 * `image: 3` and `version: 3` are read as the text written. */
static bool type_allowed(const struct compose_schema *shape, const struct yaml_node *node)
{
	unsigned type = type_of(node);
	if (type & shape->types)
		return true;
	return node->kind == YAML_SCALAR && type != COMPOSE_SCHEMA_NULL && (shape->types & COMPOSE_SCHEMA_STRING);
}

/* "a mapping or a list", for a message. */
static void describe_types(unsigned types, char *out, size_t size)
{
	static const struct { unsigned type; const char *words; } names[] = {
		{ COMPOSE_SCHEMA_OBJECT, "a mapping" }, { COMPOSE_SCHEMA_ARRAY, "a list" },
		{ COMPOSE_SCHEMA_STRING, "a string" }, { COMPOSE_SCHEMA_NUMBER, "a number" },
		{ COMPOSE_SCHEMA_INTEGER, "a whole number" }, { COMPOSE_SCHEMA_BOOLEAN, "a boolean" },
	};
	size_t count = 0, written = 0, total = 0;
	if (types & COMPOSE_SCHEMA_NUMBER)
		types &= ~(unsigned)COMPOSE_SCHEMA_INTEGER; /* "a number" says it */
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		total += (types & names[i].type) != 0;
	out[0] = '\0';
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!(types & names[i].type))
			continue;
		const char *joint = count == 0 ? "" : count + 1 == total ? " or " : ", ";
		int n = snprintf(out + written, size - written, "%s%s", joint, names[i].words);
		if (n < 0 || (size_t)n >= size - written)
			return;
		written += (size_t)n;
		count++;
	}
}

static int fail_at(const char *file, const struct yaml_node *node, const char *path, const char *problem)
{
	return fail_errno(0, "%s:%d:%d: %s%s%s", file, node->line, node->column, path, path[0] ? " " : "", problem);
}

static int check(const char *file, const struct yaml_node *node, const struct compose_schema *shape, char *path);

/* Check node with path + suffix as its path ("services" + ".web", "ports" + "[1]"). */
static int check_child(const char *file, const struct yaml_node *node, const struct compose_schema *shape,
		       char *path, const char *suffix)
{
	size_t length = strlen(path);
	snprintf(path + length, PATH_SIZE - length, "%s", suffix); /* cut, for names of absurd length */
	int result = check(file, node, shape, path);
	path[length] = '\0';
	return result;
}

static const struct compose_schema_key *find_key(const struct compose_schema *shape, const char *name)
{
	for (const struct compose_schema_key *k = shape->keys; k && k->name; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

static int check_mapping(const char *file, const struct yaml_node *node, const struct compose_schema *shape, char *path)
{
	yaml_for_each(value, node) {
		if (value->key->kind != YAML_SCALAR || !value->key->text)
			return fail_at(file, value->key, "", "a key must be a string");
		const char *key = value->key->text;
		if (is_extension(key))
			continue;
		const struct compose_schema *child = shape->values;
		if (shape->keys) {
			const struct compose_schema_key *known = find_key(shape, key);
			if (!known) {
				if (path[0] == '\0')
					return fail_errno(0, "%s:%d:%d: unknown top-level key %s", file, value->key->line,
							  value->key->column, key);
				return fail_errno(0, "%s:%d:%d: unknown key %s.%s", file, value->key->line, value->key->column,
						  path, key);
			}
			child = known->shape;
		}
		char suffix[PATH_SIZE];
		snprintf(suffix, sizeof suffix, "%s%s", path[0] ? "." : "", key);
		if (child && check_child(file, value, child, path, suffix) < 0)
			return -1;
	}
	for (const struct compose_schema_key *k = shape->keys; k && k->name; k++)
		if (k->required && !yaml_get(node, k->name)) {
			char problem[128];
			snprintf(problem, sizeof problem, "needs %s", k->name);
			return fail_at(file, node, path, problem);
		}
	return 0;
}

static int check_allowed(const char *file, const struct yaml_node *node, const struct compose_schema *shape,
			 const char *path)
{
	for (const char *const *word = shape->allowed; *word; word++)
		if (strcmp(node->text, *word) == 0)
			return 0;
	char problem[256] = "must be ";
	size_t written = strlen(problem);
	for (const char *const *word = shape->allowed; *word && written < sizeof problem; word++) {
		const char *joint = word == shape->allowed ? "" : word[1] ? ", " : " or ";
		int n = snprintf(problem + written, sizeof problem - written, "%s%s", joint, *word);
		if (n < 0)
			break;
		written += (size_t)n;
	}
	return fail_at(file, node, path, problem);
}

static int check(const char *file, const struct yaml_node *node, const struct compose_schema *shape, char *path)
{
	if (!type_allowed(shape, node)) {
		char types[128], problem[160];
		describe_types(shape->types, types, sizeof types);
		snprintf(problem, sizeof problem, "must be %s", types);
		return fail_at(file, node, path, problem);
	}
	if (node->kind == YAML_MAPPING)
		return check_mapping(file, node, shape, path);
	if (node->kind == YAML_SEQUENCE) {
		size_t index = 0;
		yaml_for_each(item, node) {
			char suffix[32];
			snprintf(suffix, sizeof suffix, "[%zu]", index++);
			if (shape->items && check_child(file, item, shape->items, path, suffix) < 0)
				return -1;
		}
		return 0;
	}
	/* An enum is a list of strings; a scalar of another type the shape allows (none in the
	 * specification today) would not be one of them. */
	if (shape->allowed && !(type_of(node) & shape->types & ~(unsigned)COMPOSE_SCHEMA_STRING))
		return check_allowed(file, node, shape, path);
	return 0;
}

int compose_schema_check(const char *file, const struct yaml_node *root)
{
	char path[PATH_SIZE] = "";
	if (root->kind != YAML_MAPPING)
		return fail_errno(0, "%s:%d:%d: a compose file must be a mapping", file, root->line, root->column);
	return check(file, root, &compose_file_schema, path);
}
