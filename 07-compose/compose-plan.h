/*
 * compose-plan.h - what `up` must do, decided before anything is done.
 *
 * `up` compares two pictures: the services as the file says they should be (how many
 * replicas, the hash of each one's configuration: compose-labels.h) and the containers that
 * exist, found by their labels. Each replica of each service then gets one action:
 *
 *     no container numbered N            create it                 Container shop-web-1  Created
 *     one with another config-hash       recreate it (or always,   Container shop-web-1  Recreated
 *                                        with --force-recreate)
 *     one with the same hash, stopped    start it                  Container shop-web-1  Started
 *     one with the same hash, running    leave it                  Container shop-web-1  Running
 *
 * and the containers the file no longer accounts for: a number above the service's replicas
 * is removed (scale down), a service gone from the file is an orphan: reported, and removed
 * only with --remove-orphans, as Compose does. One-off containers (`compose run`) are never
 * part of the plan. Pure: the unit tests check every case without a container.
 */
#ifndef TINYDOCK_COMPOSE_PLAN_H
#define TINYDOCK_COMPOSE_PLAN_H

#include <stdbool.h>
#include <stddef.h>

/* A service as the file wants it. */
struct compose_plan_service {
	const char *name;
	int replicas;
	const char *hash;
	bool selected;      /* named on the command line (or none named): only these are acted on */
};

/* A container that exists, as its labels describe it. */
struct compose_existing {
	const char *service;
	int number;
	const char *hash;
	bool running;
	bool oneoff;
};

enum compose_action_kind {
	COMPOSE_CREATE,     /* service, number */
	COMPOSE_RECREATE,   /* existing replaced: service, number, existing */
	COMPOSE_START,      /* existing, stopped, unchanged */
	COMPOSE_KEEP,       /* existing, running, unchanged */
	COMPOSE_SCALE_DOWN, /* existing numbered above the service's replicas: stop and remove */
	COMPOSE_ORPHAN,     /* existing of a service not in the file */
};

#define COMPOSE_NONE ((size_t)-1)

struct compose_action {
	enum compose_action_kind kind;
	size_t service;     /* index into the services, COMPOSE_NONE for an orphan */
	int number;
	size_t existing;    /* index into the existing containers, COMPOSE_NONE for a create */
};

/* The actions, services in the order given (the caller gives them in start order), replicas
 * by number, then the scale-downs and orphans. Returns 0 with plan (free it), or -1 with the
 * message when memory runs out. */
int compose_plan_up(const struct compose_plan_service *services, size_t service_count,
		    const struct compose_existing *existing, size_t existing_count, bool force_recreate,
		    struct compose_action **plan, size_t *count);

#endif
