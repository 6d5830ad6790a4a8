/*
 * swarm-visualize-view.h - the swarm's state as the visualizer's page draws it.
 *
 * A node answers `{"op":"state"}` with its store as Raft replicated it: nodes, services, and
 * every task the swarm ever made, including the dead ones kept for `service ps` history. The
 * page wants something else: one column per node, and in it the tasks that live there now.
 * This file makes that picture, once, in C, so the browser only draws it and the choices
 * (which tasks count as alive, what a task is called, which colour a service gets) are
 * unit-tested here rather than hidden in JavaScript:
 *
 *     {"error":"","leader":"m1","services":[{"name":"web","hue":212,"running":3,"replicas":3}],
 *      "nodes":[{"id":"m1","hostname":"manager-1","address":"10.199.0.11:2377",
 *                "role":"manager","leader":true,"manager_status":"Leader","status":"ready",
 *                "availability":"active",
 *                "tasks":[{"id":7,"name":"web.1","service":"web","state":"running",
 *                          "desired":"running","message":"started","hue":212}]}],
 *      "pending":[ tasks the scheduler has not placed yet, same fields ]}
 *
 * The text is compact JSON on one line, which is what a server-sent event's data line
 * needs (swarm-visualize-events.h); the same input always gives the same bytes, so the
 * server can tell that nothing changed by comparing them.
 */
#ifndef TINYDOCK_SWARM_VISUALIZE_VIEW_H
#define TINYDOCK_SWARM_VISUALIZE_VIEW_H

#include <stddef.h>

/* The view of a state reply (the text of `{"op":"state"}`'s answer): 0 with *view (malloc'd,
 * NUL-terminated, one line), or -1 with the reason recorded when the reply is not JSON, says
 * "ok":false (its "error" is recorded), or lacks what the page needs. */
int swarm_view_from_state(const char *state_json, size_t size, char **view);

/* The view shown while the state cannot be had: no nodes, and why, for the page to say it
 * (e.g. "this node is not part of a swarm: run `tinydock swarm init`"). NULL when out of memory. */
char *swarm_view_of_error(const char *message);

/* A service's colour on the page, as a hue on the colour wheel (0..359, for CSS hsl()):
 * taken from the name by a hash (FNV-1a), so a service keeps its colour from one change to the
 * next and "web" and "web2" do not look alike. When it falls near the hue of a service created
 * before it, the view turns it further (swarm-visualize-view.c), so no two look the same. */
unsigned swarm_view_service_hue(const char *service);

#endif
