/*
 * compose-graph.c - start levels by depends_on (compose-graph.h).
 *
 * First every dependency is resolved to an index (an unknown name is an error), then a depth
 * first search finds a cycle if there is one (a service met again while it is still on the
 * path is a cycle, and the path from it is the cycle's name), and then each service's level
 * is one more than the highest level of what it depends on.
 */
#include "compose-graph.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "text-builder.h"

enum visit { UNSEEN, ON_PATH, DONE };

struct graph {
	const struct compose_graph_service *services;
	size_t count;
	size_t **edges;  /* edges[i]: the indices service i depends on */
	enum visit *state;
	size_t *path;    /* the depth first search's current path */
	size_t depth;
	size_t *level;
	size_t failed_service, failed_dependency; /* the entry at fault, on an error */
};

static int find(const struct graph *g, const char *name, size_t *index)
{
	for (size_t i = 0; i < g->count; i++)
		if (strcmp(g->services[i].name, name) == 0) {
			*index = i;
			return 0;
		}
	return -1;
}

static int cycle_error(const struct graph *g, size_t again)
{
	struct text_builder names = { 0 };
	size_t from = 0;
	while (g->path[from] != again)
		from++;
	for (size_t i = from; i < g->depth; i++) {
		text_add_string(&names, g->services[g->path[i]].name);
		text_add_string(&names, " -> ");
	}
	text_add_string(&names, g->services[again].name);
	char *said = text_take(&names);
	if (!said)
		return -1;
	fail_errno(0, "dependency cycle detected: %s", said);
	free(said);
	return -1;
}

/* Visit service i: its level is set when it returns, or -1 for a cycle. */
static int visit(struct graph *g, size_t i)
{
	if (g->state[i] == DONE)
		return 0;
	if (g->state[i] == ON_PATH)
		return cycle_error(g, i);
	g->state[i] = ON_PATH;
	g->path[g->depth++] = i;
	size_t level = 0;
	for (size_t d = 0; d < g->services[i].depends_count; d++) {
		size_t on = g->edges[i][d];
		if (g->state[on] == ON_PATH) {
			g->failed_service = i;
			g->failed_dependency = d;
		}
		if (visit(g, on) < 0)
			return -1;
		if (g->level[on] + 1 > level)
			level = g->level[on] + 1;
	}
	g->depth--;
	g->state[i] = DONE;
	g->level[i] = level;
	return 0;
}

static void free_graph(struct graph *g)
{
	if (g->edges)
		for (size_t i = 0; i < g->count; i++)
			free(g->edges[i]);
	free(g->edges);
	free(g->state);
	free(g->path);
	free(g->level);
}

static int build_graph(struct graph *g)
{
	g->edges = calloc(g->count + 1, sizeof *g->edges);
	g->state = calloc(g->count + 1, sizeof *g->state);
	g->path = calloc(g->count + 1, sizeof *g->path);
	g->level = calloc(g->count + 1, sizeof *g->level);
	if (!g->edges || !g->state || !g->path || !g->level)
		return fail_errno(12, "cannot order the services");
	for (size_t i = 0; i < g->count; i++) {
		const struct compose_graph_service *s = &g->services[i];
		if (!(g->edges[i] = calloc(s->depends_count + 1, sizeof **g->edges)))
			return fail_errno(12, "cannot order the services");
		for (size_t d = 0; d < s->depends_count; d++)
			if (find(g, s->depends_on[d], &g->edges[i][d]) < 0) {
				g->failed_service = i;
				g->failed_dependency = d;
				return fail_errno(0, "service \"%s\" depends on undefined service \"%s\"", s->name,
						  s->depends_on[d]);
			}
	}
	return 0;
}

int compose_start_order(const struct compose_graph_service *services, size_t count, struct compose_start_order *start)
{
	struct graph g = { .services = services, .count = count };
	memset(start, 0, sizeof *start);
	if (build_graph(&g) < 0)
		goto failed;
	for (size_t i = 0; i < count; i++)
		if (visit(&g, i) < 0)
			goto failed;
	size_t levels = 0;
	for (size_t i = 0; i < count; i++)
		if (g.level[i] + 1 > levels)
			levels = g.level[i] + 1;
	start->order = calloc(count + 1, sizeof *start->order);
	start->level_start = calloc(levels + 1, sizeof *start->level_start);
	if (!start->order || !start->level_start) {
		fail_errno(12, "cannot order the services");
		goto failed;
	}
	/* Level by level, each in the caller's order: stable, so the output is predictable. */
	size_t at = 0;
	for (size_t l = 0; l < levels; l++) {
		start->level_start[l] = at;
		for (size_t i = 0; i < count; i++)
			if (g.level[i] == l)
				start->order[at++] = i;
	}
	start->level_start[levels] = at;
	start->levels = levels;
	start->count = count;
	free_graph(&g);
	return 0;
failed:
	free_graph(&g);
	compose_start_order_free(start);
	start->failed_service = g.failed_service;
	start->failed_dependency = g.failed_dependency;
	return -1;
}

void compose_stop_order(const struct compose_start_order *start, size_t *stop)
{
	for (size_t i = 0; i < start->count; i++)
		stop[i] = start->order[start->count - 1 - i];
}

void compose_start_order_free(struct compose_start_order *start)
{
	free(start->order);
	free(start->level_start);
	memset(start, 0, sizeof *start);
}
