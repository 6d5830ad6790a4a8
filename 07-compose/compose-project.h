/*
 * compose-project.h - the names Compose gives a project and what it creates.
 *
 * A project is one application: its name comes from `name:` in the file, else `-p NAME`, else
 * the folder the file is in ("shop" for ~/shop/compose.yaml). Compose v2 normalises it to
 * lowercase letters, digits, `_` and `-`, starting with a letter or a digit, because the name
 * becomes part of container, network and volume names. From it: containers
 * `PROJECT-SERVICE-N` (N counts replicas from 1), the network `PROJECT_default`, and a named
 * volume `PROJECT_VOLUME`. Pure.
 */
#ifndef TINYDOCK_COMPOSE_PROJECT_H
#define TINYDOCK_COMPOSE_PROJECT_H

/* The project's name, normalised, as a new string: from name (the file's `name:`, may be NULL),
 * else flag (-p, may be NULL), else folder (a path: its last component). NULL with an error
 * when the result is empty. */
char *compose_project_name(const char *name, const char *flag, const char *folder);

/* "PROJECT-SERVICE-N", "PROJECT_default", "PROJECT_VOLUME": new strings, NULL on error. */
char *compose_container_name(const char *project, const char *service, int replica);
char *compose_default_network(const char *project);
char *compose_volume_name(const char *project, const char *volume);

#endif
