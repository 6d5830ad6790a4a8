/*
 * compose-plan.c - the plan of `up`: each wanted replica matched with the container that has
 * its service and number, then what is left over (compose-plan.h).
 */
#include "compose-plan.h"
#include "error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool add(struct compose_action **plan, size_t *count, size_t *capacity, struct compose_action action)
{
	if (*count == *capacity) {
		size_t bigger = *capacity ? *capacity * 2 : 8;
		struct compose_action *grown = realloc(*plan, bigger * sizeof(*grown));
		if (!grown)
			return false;
		*plan = grown;
		*capacity = bigger;
	}
	(*plan)[(*count)++] = action;
	return true;
}

/* The existing container of service numbered number, not a one-off; COMPOSE_NONE if none. */
static size_t find(const struct compose_existing *existing, size_t count, const char *service, int number)
{
	for (size_t i = 0; i < count; i++)
		if (!existing[i].oneoff && existing[i].number == number && strcmp(existing[i].service, service) == 0)
			return i;
	return COMPOSE_NONE;
}

static size_t service_index(const struct compose_plan_service *services, size_t count, const char *name)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(services[i].name, name) == 0)
			return i;
	return COMPOSE_NONE;
}

int compose_plan_up(const struct compose_plan_service *services, size_t service_count,
		    const struct compose_existing *existing, size_t existing_count, bool force_recreate,
		    struct compose_action **plan, size_t *count)
{
	size_t capacity = 0;
	*plan = NULL;
	*count = 0;
	bool ok = true;
	for (size_t s = 0; ok && s < service_count; s++) {
		if (!services[s].selected)
			continue;
		for (int n = 1; ok && n <= services[s].replicas; n++) {
			size_t e = find(existing, existing_count, services[s].name, n);
			struct compose_action a = { .service = s, .number = n, .existing = e };
			if (e == COMPOSE_NONE)
				a.kind = COMPOSE_CREATE;
			else if (force_recreate || !existing[e].hash || strcmp(existing[e].hash, services[s].hash) != 0)
				a.kind = COMPOSE_RECREATE;
			else
				a.kind = existing[e].running ? COMPOSE_KEEP : COMPOSE_START;
			ok = add(plan, count, &capacity, a);
		}
	}
	for (size_t e = 0; ok && e < existing_count; e++) {
		if (existing[e].oneoff)
			continue;
		size_t s = service_index(services, service_count, existing[e].service);
		if (s == COMPOSE_NONE)
			ok = add(plan, count, &capacity,
				 (struct compose_action){ COMPOSE_ORPHAN, COMPOSE_NONE, existing[e].number, e });
		else if (services[s].selected && existing[e].number > services[s].replicas)
			ok = add(plan, count, &capacity,
				 (struct compose_action){ COMPOSE_SCALE_DOWN, s, existing[e].number, e });
	}
	if (!ok) {
		free(*plan);
		*plan = NULL;
		*count = 0;
		return fail_errno(ENOMEM, "cannot plan the project's containers");
	}
	return 0;
}
