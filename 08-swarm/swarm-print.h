/*
 * swarm-print.h - the swarm as Docker prints it: `node ls`, `service ls`, `service ps`,
 * `stack ls`, and the documents of `node inspect` and `service inspect`.
 *
 * The lecture's screenshots are Docker's, so the tables are too (a one-node swarm):
 *
 *     ID                            HOSTNAME   STATUS    AVAILABILITY   MANAGER STATUS
 *     g2gxl5atgftevd77vdchgf636 *   vm         Ready     Active         Leader
 *
 *     ID             NAME      MODE         REPLICAS   IMAGE     PORTS
 *     4b5e57f6eb2f   web       replicated   3/3        busybox   *:8080->80/tcp
 *
 *     ID        NAME        IMAGE     NODE      DESIRED STATE   CURRENT STATE            ERROR     PORTS
 *     6         web.1       busybox   vm        Running         Running 1 second ago               *:45751->80/tcp
 *     1          \_ web.1   busybox   vm        Shutdown        Shutdown 1 second ago
 *
 * Each row is also an object of strings named as docker/cli's formatter contexts name their
 * fields (.ID .Hostname .Status .Availability .ManagerStatus; .Name .Mode .Replicas .Image
 * .Ports; .Node .DesiredState .CurrentState .Error), so --format works as it does with Docker
 * (format-output.h). Pure: everything comes from a state (swarm-cli-state.h) and a clock
 * reading passed in.
 *
 * The store keys a service by its name and a task by a number; the ID column of a service is
 * made from its name (swarm_service_id), so that scripts that read IDs find a stable one.
 */
#ifndef TINYDOCK_SWARM_PRINT_H
#define TINYDOCK_SWARM_PRINT_H

#include "swarm-cli-state.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json;
struct filters;

/* A service's ID: 25 hexadecimal digits of the SHA-256 of its name (Docker's IDs have 25
 * characters); the tables show the first 12. */
#define SWARM_SERVICE_ID_SIZE 26
void swarm_service_id(const char *name, char id[SWARM_SERVICE_ID_SIZE]);

/* How a list is printed: the --format (NULL: Docker's table), -q (IDs only), --no-trunc, and
 * the rows kept: --filter KEY=VALUE (filters.h; NULL: all). */
struct swarm_list_options {
	const char *format;
	bool quiet, no_trunc;
	const struct filters *filters;
};

/* The --filter keys of each list (NULL-terminated), as Docker's:
 *     node ls:     id, name (hostname), role (manager|worker), availability
 *     service ls:  id, name, mode (replicated|global), label (key or key=value)
 *     service ps:  id, name (web.1), node (ID or hostname), desired-state (running|shutdown) */
extern const char *const swarm_node_filter_keys[];
extern const char *const swarm_service_filter_keys[];
extern const char *const swarm_task_filter_keys[];

/* `node ls`: every node, "*" after the one asked. -1 (recorded) on a bad --format. */
int swarm_print_nodes(const struct swarm_state *state, const struct swarm_list_options *options, FILE *out);

/* `service ls`, or `stack services STACK` when stack is not NULL: the services (of the
 * stack), with running/desired replicas and ingress ports. */
int swarm_print_services(const struct swarm_state *state, const char *stack, const struct swarm_list_options *options,
			 FILE *out);

/* `service ps SERVICE...` (names, count of them), or `stack ps STACK` (services NULL, stack
 * set): each slot's newest task, then its history as "\_ web.1"; times are now_ms minus the
 * tasks' observed_at (both milliseconds of the leader's clock, Unix time). Errors are cut at
 * 30 characters unless no_trunc, as Docker's. */
int swarm_print_tasks(const struct swarm_state *state, const char *const *services, size_t count, const char *stack,
		      uint64_t now_ms, const struct swarm_list_options *options, FILE *out);

/* `stack ls`: each stack (a service label com.docker.stack.namespace) and its services' count. */
int swarm_print_stacks(const struct swarm_state *state, const char *format, FILE *out);

/* The documents of `node inspect` and `service inspect`, in Docker's shape (its API's Node
 * and Service objects, the fields this swarm has). NULL when memory runs out (recorded). */
struct json *swarm_node_document(const struct swarm_state *state, const struct swarm_node *node);
struct json *swarm_service_document(const struct swarm_service *service);
/* A spec alone, as the document's "Spec" (what `stack config` prints). */
struct json *swarm_service_spec_document(const struct swarm_service_spec *spec);

/* Documents printed as inspect does: a JSON array, or format run over each (missing keys are
 * an error, as docker/cli's inspect). 0, or -1 recorded. */
int swarm_print_documents(const struct json *documents, const char *format, FILE *out);

/* `service inspect --pretty` and `node inspect --pretty`: the same, for people. */
void swarm_print_service_pretty(const struct swarm_service *service, FILE *out);
void swarm_print_node_pretty(const struct swarm_state *state, const struct swarm_node *node, FILE *out);

/* "*:8080->80/tcp" for each ingress port of spec, ", " between: service ls's PORTS. */
void swarm_format_ports(const struct swarm_service_spec *spec, char *out, size_t size);

/* Running tasks (observed and desired RUNNING) and the tasks wanted: "3/3". */
void swarm_format_replicas(const struct swarm_store *store, const struct swarm_service *service, char *out,
			   size_t size);

#endif
