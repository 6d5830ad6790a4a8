/*
 * inspect.h - `docker inspect`: any object, as JSON or through a --format template.
 *
 * `docker inspect web` finds web among the containers, then the images, networks and volumes
 * (--type says which to search); it prints the objects' documents as one JSON array, or, with
 * -f/--format, the template's output once per object (Docker runs the template over the
 * document as a Go map; a field it lacks is an error). Each chapter that adds a kind of
 * object adds its finder: chapter 03 containers, 05 images, 06 volumes.
 */
#ifndef TINYDOCK_INSPECT_H
#define TINYDOCK_INSPECT_H

#include <stddef.h>

struct json;

struct inspect_kind {
	const char *type; /* "container", "image", ...: the word --type takes */
	/* The document of the object named ref, or NULL with "No such ...: REF" recorded. */
	struct json *(*find)(const char *ref);
};

/* `inspect [-f FORMAT] [--type TYPE] NAME...` over the kinds a binary knows, in the order
 * they are searched. Returns the exit status (1 when a name was not found, as Docker). */
int inspect_command(int argc, char **argv, const struct inspect_kind *kinds, size_t count);

/* The document of a container (Docker's field names, the live state), for inspect_kind. */
struct json *container_inspect_document(const char *ref);

#endif
