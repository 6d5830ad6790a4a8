/*
 * compose-graph.h - the order in which a project's services start and stop, from depends_on.
 *
 * `depends_on: [db]` says web must start after db. The services and their dependencies form a
 * directed graph; a start order is a topological order of it (Kahn, "Topological sorting of
 * large networks", 1962). Grouped in levels: level 0 depends on nothing, level n on services of
 * levels below n only, so every service of one level can start at the same time. Stopping
 * goes the other way: the last level first, so no service loses what it depends on while it
 * runs. A cycle (a needs b, b needs a) has no order and is an error that names it, as Compose
 * does: "dependency cycle detected: a -> b -> a".
 *
 * Pure, and independent of the model: services are indices with names.
 */
#ifndef TINYDOCK_COMPOSE_GRAPH_H
#define TINYDOCK_COMPOSE_GRAPH_H

#include <stddef.h>

/* One service: its name and the names it depends on. */
struct compose_graph_service {
	const char *name;
	const char *const *depends_on;
	size_t depends_count;
};

/* The services by level: order[level_start[l] .. level_start[l + 1]) are the indices (into
 * the caller's array) of level l, in the caller's order; level_start has levels + 1 entries. */
struct compose_start_order {
	size_t *order;
	size_t *level_start;
	size_t levels;
	size_t count;
	/* When compose_start_order fails on an undefined service or a cycle: the entry at fault,
	 * services[failed_service].depends_on[failed_dependency] (the one that closes the cycle),
	 * so that the caller can point at where it is written. */
	size_t failed_service, failed_dependency;
};

/* Compute the levels. Returns 0, or -1 with `service "web" depends on undefined service "db"`
 * or `dependency cycle detected: a -> b -> a` recorded. */
int compose_start_order(const struct compose_graph_service *services, size_t count, struct compose_start_order *start);

/* The stop order: the start order reversed, into stop[count] (the caller's array). */
void compose_stop_order(const struct compose_start_order *start, size_t *stop);

void compose_start_order_free(struct compose_start_order *start);

#endif
