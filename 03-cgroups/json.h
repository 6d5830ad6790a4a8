/*
 * json.h - JSON (RFC 8259): parse text into a tree, look things up, build trees, write text.
 *
 * Container records and `inspect` output (chapter 03, its first user), then image manifests,
 * configs, index.json and the registry's answers (chapter 05) are JSON. A parsed document is a tree of `struct json` nodes; the tree owns all its memory
 * and json_free(root) releases it. Objects keep their members in the order they were read
 * or added, so what is written back is stable (a digest of a written manifest stays the
 * same from one run to the next).
 */
#ifndef TINYDOCK_JSON_H
#define TINYDOCK_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum json_type { JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
	enum json_type type;
	char *key;              /* the member's name when the node is inside an object */
	size_t key_length;      /* keys and strings may hold "\u0000": lengths are exact */
	char *text;             /* a string's decoded UTF-8, or a number as written ("1.5e3") */
	size_t length;          /* bytes in text (not counting the NUL that always follows) */
	struct json *first;     /* an array's elements or an object's members, in order */
	struct json *last;
	size_t count;
	struct json *next;      /* the next element or member of the parent */
};

/* Nesting deeper than this is refused, so that hostile input cannot exhaust the stack. */
#define JSON_MAX_DEPTH 512

/* --- parsing --------------------------------------------------------------------------------- */

/* Parse one JSON text (RFC 8259: any value, surrounded by optional whitespace). NULL on
 * error, with "json: line L, column C: <problem>" recorded (columns count characters). */
struct json *json_parse(const char *text, size_t size);

/* Parse a whole file; errors are prefixed with the path. */
struct json *json_parse_file(const char *path);

void json_free(struct json *node);

/* --- reading a tree ------------------------------------------------------------------------ */

/* An object's member by name (the last one if a key repeats, as Go's encoding/json decides,
 * so we read manifests as Docker and registries do); NULL if absent or obj is no object. */
struct json *json_get(const struct json *obj, const char *key);

/* Visit every element of an array or member of an object, in order (NULL visits nothing):
 *     json_for_each(layer, json_get(manifest, "layers"))
 *             puts(json_get_string(layer, "digest"));
 * This is the way to walk a container: json_at(arr, i) in a loop would be quadratic. */
#define json_for_each(item, container) \
	for (struct json *item = (container) ? (container)->first : NULL; item; item = item->next)

/* An array's element by position; NULL when out of range or arr is no array. */
struct json *json_at(const struct json *arr, size_t index);

/* A node by JSON Pointer (RFC 6901): "/manifests/0/digest"; "~1" stands for "/" and "~0"
 * for "~" inside a key ("/annotations/org.opencontainers.image.ref.name"). "" is the root. */
struct json *json_pointer(const struct json *root, const char *pointer);

/* A string node's text, or NULL when node is NULL or not a string. */
const char *json_string(const struct json *node);

/* A member that is a string: json_string(json_get(obj, key)). */
const char *json_get_string(const struct json *obj, const char *key);

/* A number that is a whole number within int64_t ("12", "-3", also "1e3" and "2.0"); -1 if
 * node is not such a number. */
int json_int64(const struct json *node, int64_t *value);

/* Any number as a double; -1 if node is not a number. */
int json_double(const struct json *node, double *value);

/* true/false; -1 if node is not a boolean. */
int json_bool(const struct json *node, bool *value);

bool json_is(const struct json *node, enum json_type type);

/* Equal as values: objects with the same members in any order, numbers with the same
 * value (1.0 equals 1), strings byte for byte. */
bool json_equal(const struct json *a, const struct json *b);

/* --- building a tree ----------------------------------------------------------------------- */
/* Constructors return NULL (error recorded) when memory runs out. json_add and json_append
 * take ownership of value, even when they fail, and return it (or NULL), so building reads
 * as one expression per member:
 *     if (!json_add(config, "Cmd", json_new_array()) ...                                     */

struct json *json_new_null(void);
struct json *json_new_bool(bool value);
struct json *json_new_int(int64_t value);
struct json *json_new_double(double value); /* NULL for NaN and infinities: JSON has none */
struct json *json_new_string(const char *text);
struct json *json_new_stringn(const char *text, size_t length);
struct json *json_new_array(void);
struct json *json_new_object(void);

/* Append a member to obj (keys may repeat; use json_set to replace). */
struct json *json_add(struct json *obj, const char *key, struct json *value);

/* Replace the member named key in place (keeping its position), or append it. */
struct json *json_set(struct json *obj, const char *key, struct json *value);

/* Append an element to arr. */
struct json *json_append(struct json *arr, struct json *value);

/* Remove (and free) every member named key; returns how many were removed. */
size_t json_remove(struct json *obj, const char *key);

/* Shorthands: add a string, an integer or a boolean member. */
struct json *json_add_string(struct json *obj, const char *key, const char *text);
struct json *json_add_int(struct json *obj, const char *key, int64_t value);
struct json *json_add_bool(struct json *obj, const char *key, bool value);

/* A deep copy. */
struct json *json_copy(const struct json *node);

/* --- writing ------------------------------------------------------------------------------ */

/* Write node as JSON text into a malloc'd NUL-terminated string; *length (if not NULL) gets
 * its size. indent 0 writes the compact form ({"a":1,"b":[true]}), the form manifests are
 * hashed in; indent N puts each member on its own line, N spaces a level, as `inspect` shows. */
char *json_write(const struct json *node, int indent, size_t *length);

#endif
