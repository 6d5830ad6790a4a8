/*
 * stack-spec.h - a compose file as swarm services: what `docker stack deploy` sends.
 *
 * Chapter 07 runs a compose file on one machine: one container per service (or per replica).
 * `stack deploy` runs the same file on a swarm: each service becomes a swarm service named
 * STACK_SERVICE (the stack "shop" and its service "web" give "shop_web"), labelled
 * com.docker.stack.namespace=shop so that `stack ls`, `stack ps` and `stack rm` find its
 * services again. What a swarm service has comes from the file:
 *
 *     image, command, environment, ports  ->  what each task runs
 *     deploy.replicas, deploy.mode         ->  how many tasks (or one per node)
 *     deploy.resources                     ->  limits and reservations
 *     deploy.update_config                 ->  how a rolling update replaces tasks
 *     deploy.restart_policy                ->  what happens when a task ends
 *     deploy.placement.constraints         ->  where tasks may run
 *     deploy.labels, labels                ->  the service's labels
 *
 * A swarm does not build: every node pulls the image from a registry, so a service with only
 * `build:` is refused ("build and push the image first"), and `build:` beside `image:` is
 * ignored, as Docker ignores it. The keys that have no place in a swarm service here (volumes,
 * networks, healthcheck, ...) are listed, for the one line Docker prints:
 *
 *     Ignoring unsupported options: build, volumes
 *
 * Pure: a compose model in, specs out (chapter 07's loader reads the file, compose-load.h).
 */
#ifndef TINYDOCK_STACK_SPEC_H
#define TINYDOCK_STACK_SPEC_H

#include "compose-model.h"
#include "swarm-store.h"

#include <stdio.h>

struct stack_specs {
	struct swarm_service_spec *items;  /* in the model's order (by service name) */
	size_t count;
	struct swarm_strings ignored;      /* the keys not deployed, sorted, each once */
};

/* Is name a stack's name (as a service name: letters, digits, '-' and '_')? -1 recorded if not. */
int stack_name_check(const char *name);

/* The specs of project's services for the stack named stack. 0, or -1 with "service
 * \"NAME\": problem" recorded (and nothing to free). */
int stack_specs_from_project(const struct compose_project *project, const char *stack, struct stack_specs *out);
void stack_specs_free(struct stack_specs *specs);

/* Docker's warning, "Ignoring unsupported options: build, volumes" and a blank line, on out
 * when there is any. */
void stack_print_ignored(const struct stack_specs *specs, FILE *out);

#endif
