/*
 * compose-extends.h - `extends`: a service built on another one, as the Compose
 * specification merges them (services.md, "extends").
 *
 *     services:
 *       base:
 *         image: busybox
 *         environment: {TZ: utc, PORT: 80}
 *       web:
 *         extends: base            # or {service: base, file: common.yaml}
 *         environment: {PORT: 8080}
 *
 * web is base with web's own keys merged over it: image busybox, environment TZ=utc and
 * PORT=8080, by the same rules as a file given with a second -f (compose-merge.h). One more
 * rule is extends' own: a service cannot disable a healthcheck its base has.
 *
 * A base may extend another, as long as no chain comes back to where it started (a cycle is
 * an error). It works on the tree, after interpolation and before the model reads it
 * (compose-model.h), so that everything the model checks applies to the merged service.
 * Pure: another file is read through the caller's loader.
 */
#ifndef TINYDOCK_COMPOSE_EXTENDS_H
#define TINYDOCK_COMPOSE_EXTENDS_H

#include "yaml.h"

/* The parsed, interpolated tree of the compose file at path (for `extends: {file: path}`), or
 * NULL with the error recorded. compose_extends_resolve frees it when done. */
typedef struct yaml_node *compose_file_loader(void *context, const char *path);

/* The longest chain of extends followed (a base of a base of ...). */
#define COMPOSE_EXTENDS_MAX_DEPTH 32

/* Merge every service of root (the tree of the file named file) that has `extends` with its
 * base, in place, and remove the `extends` keys. A relative `file:` is found next to file;
 * load reads it (NULL: extending another file is an error). Returns 0, or -1 with
 * "FILE:LINE:COLUMN: services.web.extends: ..." recorded. */
int compose_extends_resolve(const char *file, struct yaml_node *root, compose_file_loader *load, void *context);

#endif
