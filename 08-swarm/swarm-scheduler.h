/*
 * swarm-scheduler.h - which node runs a task: filter the nodes, then spread.
 *
 * The orchestrator decides that a task should exist; the scheduler decides where. It takes
 * every task that waits for a node (NEW or PENDING, desired RUNNING) and, one by one, in the
 * order they were created:
 *
 *   1. filters the nodes: ready, availability active, the service's constraints satisfied,
 *      enough CPU and memory left for its reservations, no host-mode port it publishes
 *      already taken on the node;
 *   2. among the nodes left, prefers one where this slot has not failed recently (a node
 *      without the image, or with a full disk, would fail it again), then the node with the
 *      fewest tasks of this service (spread: losing one node loses few replicas), then the
 *      node with the fewest tasks at all, then the smallest node id, so that the choice is
 *      deterministic and every run of the simulation repeats;
 *   3. assigns it there (a TASK_ASSIGN command) and counts it at once, so the next task of
 *      the same round sees that node one task fuller.
 *
 * A task that no node can take stays PENDING, with the reason Swarm gives in `docker service
 * ps`: "no suitable node (1 node not available for new tasks; scheduling constraints not
 * satisfied on 2 nodes)". It is tried again in every round, as nodes join or free up; its
 * reason stays the one of its first round (a state is written once: PENDING is not entered
 * twice).
 *
 * Read next: swarm-dispatcher.h (how the assignment reaches the worker).
 */
#ifndef TINYDOCK_SWARM_SCHEDULER_H
#define TINYDOCK_SWARM_SCHEDULER_H

#include "swarm-command.h"

/* A failure of the slot on a node within this long makes the scheduler place the slot's next
 * task elsewhere if it can (Swarm remembers failures for 5 minutes). */
#define SWARM_FAILURE_MEMORY_MS (5 * 60 * 1000)

/* Append to out the commands that place the waiting tasks of store at time now: a TASK_ASSIGN
 * for each placed task, a TASK_STATE PENDING with the reason for each new task that cannot be
 * placed. -1 (recorded) when out of memory. */
int swarm_schedule(const struct swarm_store *store, uint64_t now, struct swarm_commands *out);

#endif
