/*
 * registry-api.h - the registry's HTTP API: a request handler over a registry_store.
 */
#ifndef TINYDOCK_REGISTRY_API_H
#define TINYDOCK_REGISTRY_API_H

#include "http-server.h"
#include "registry-store.h"

/* The http_handler of a registry: pass a struct registry_store * as its ctx. */
void registry_handle(struct http_exchange *ex, void *store);

/* {"name":"shop/web","tags":["1.0","latest"]} (name given) or {"repositories":[...]} (name
 * NULL), malloc'd, with its length in *size; NULL when out of memory. */
char *registry_list_json(const char *name, const struct registry_list *list, size_t *size);

#endif
