/*
 * compose-schema.h - the Compose specification's schema, as a table, and a tree checked
 * against it.
 *
 * The specification publishes what a compose file may hold as a JSON Schema
 * (https://github.com/compose-spec/compose-spec, schema/compose-spec.json): every key at
 * every level, and the types of its value. compose-schema.c writes that schema down as C
 * data, one shape per object of the schema, so a reader can look up `services.web.build`
 * and see what it takes. compose_schema_check walks a parsed compose file along the table
 * before the model reads it, so that every file gets the same answer to "is this a compose
 * file?", including the parts tinydock does not act on (top-level `volumes`' drivers,
 * `deploy.placement`, `develop.watch`, ...): an unknown key or a wrong type anywhere is an
 * error at its line and column, and a valid file is never refused.
 *
 * The table and the specification are kept in step by a unit test that walks
 * compose-spec.json and compares every property it defines, with its types, to the table.
 *
 * Pure.
 */
#ifndef TINYDOCK_COMPOSE_SCHEMA_H
#define TINYDOCK_COMPOSE_SCHEMA_H

#include <stdbool.h>

#include "yaml.h"

/* The JSON types a value may have (a JSON Schema "type", or the union of a "oneOf"). */
enum {
	COMPOSE_SCHEMA_NULL = 1 << 0,
	COMPOSE_SCHEMA_BOOLEAN = 1 << 1,
	COMPOSE_SCHEMA_INTEGER = 1 << 2,
	COMPOSE_SCHEMA_NUMBER = 1 << 3,   /* an integer or a float */
	COMPOSE_SCHEMA_STRING = 1 << 4,
	COMPOSE_SCHEMA_ARRAY = 1 << 5,
	COMPOSE_SCHEMA_OBJECT = 1 << 6,
};

struct compose_schema_key;

/* What one value may be. An object has either fixed keys (keys) or keys that are names the
 * file chooses (values: the shape of each value, as `services` or `environment`), or
 * neither (any keys and values). Keys that start with `x-` are extensions, allowed in every
 * object. */
struct compose_schema {
	unsigned types;                          /* COMPOSE_SCHEMA_* */
	const struct compose_schema_key *keys;   /* ends with a NULL name */
	const struct compose_schema *values;
	const struct compose_schema *items;      /* an array's items */
	const char *const *allowed;              /* the only strings allowed (an "enum"), NULL-ended */
};

struct compose_schema_key {
	const char *name;
	const struct compose_schema *shape;
	bool required;
};

/* The shape of a whole compose file. */
extern const struct compose_schema compose_file_schema;

/* Check root (a parsed compose file called file) against compose_file_schema. A value the
 * schema wants as a string may be any scalar but null (`image: 3` is the string "3", as the
 * model reads it). Returns 0, or -1 with "FILE:LINE:COLUMN: unknown key services.web.colour",
 * "...: services.web.ports must be a list" and the like recorded. */
int compose_schema_check(const char *file, const struct yaml_node *root);

#endif
