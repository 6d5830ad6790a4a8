/*
 * swarm-store.c - the swarm's store: its records, how they are found, copied and freed.
 *
 * What changes the store is in swarm-apply.c; this file holds the data (swarm-store.h says
 * what each record means) and the names Docker prints for its enums, so that `docker node ls`
 * and `docker service ps` words ("drain", "Running", "on-failure") are the words here too.
 */
#include "swarm-store.h"

#include "error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void swarm_copy_name(char *dst, size_t size, const char *text)
{
	size_t length = strnlen(text, size - 1);
	memcpy(dst, text, length);
	dst[length] = '\0';
}

/* --- names ---------------------------------------------------------------------------------- */

#define NAME_OF(table, value) \
	((size_t)(value) < sizeof(table) / sizeof(table[0]) ? table[value] : "unknown")

const char *const swarm_role_names[2] = { "worker", "manager" };
const char *const swarm_availability_names[3] = { "active", "pause", "drain" };
const char *const swarm_node_status_names[2] = { "ready", "down" };
const char *const swarm_mode_names[2] = { "replicated", "global" };
const char *const swarm_restart_condition_names[3] = { "none", "on-failure", "any" };
const char *const swarm_failure_action_names[3] = { "pause", "continue", "rollback" };
const char *const swarm_update_order_names[2] = { "stop-first", "start-first" };
const char *const swarm_update_state_names[6] = {
	"", "updating", "paused", "completed", "rollback_started", "rollback_completed",
};
/* `docker service ps` capitalizes them ("Running"); the API and this store do not. */
const char *const swarm_task_state_names[12] = {
	"new", "pending", "assigned", "accepted", "preparing", "starting", "running",
	"complete", "shutdown", "failed", "rejected", "orphaned",
};

const char *swarm_role_name(enum swarm_role role) { return NAME_OF(swarm_role_names, role); }
const char *swarm_availability_name(enum swarm_availability a) { return NAME_OF(swarm_availability_names, a); }
const char *swarm_node_status_name(enum swarm_node_status s) { return NAME_OF(swarm_node_status_names, s); }
const char *swarm_mode_name(enum swarm_mode mode) { return NAME_OF(swarm_mode_names, mode); }
const char *swarm_restart_condition_name(enum swarm_restart_condition c) { return NAME_OF(swarm_restart_condition_names, c); }
const char *swarm_failure_action_name(enum swarm_failure_action a) { return NAME_OF(swarm_failure_action_names, a); }
const char *swarm_update_order_name(enum swarm_update_order o) { return NAME_OF(swarm_update_order_names, o); }
const char *swarm_update_state_name(enum swarm_update_state s) { return NAME_OF(swarm_update_state_names, s); }
const char *swarm_task_state_name(enum swarm_task_state s) { return NAME_OF(swarm_task_state_names, s); }

int swarm_name_lookup(const char *const *names, size_t count, const char *name)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

bool swarm_task_state_is_final(enum swarm_task_state state)
{
	return state >= SWARM_TASK_COMPLETE;
}

/* --- string lists and specs ----------------------------------------------------------------- */

int swarm_strings_add(struct swarm_strings *list, const char *text)
{
	char **items = realloc(list->items, (list->count + 1) * sizeof(*items));
	if (!items)
		return fail_errno(ENOMEM, "cannot add \"%s\" to a list", text);
	list->items = items;
	if (!(items[list->count] = strdup(text)))
		return fail_errno(ENOMEM, "cannot add \"%s\" to a list", text);
	list->count++;
	return 0;
}

void swarm_strings_free(struct swarm_strings *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

int swarm_strings_copy(struct swarm_strings *dst, const struct swarm_strings *src)
{
	*dst = (struct swarm_strings){ 0 };
	for (size_t i = 0; i < src->count; i++)
		if (swarm_strings_add(dst, src->items[i]) < 0) {
			swarm_strings_free(dst);
			return -1;
		}
	return 0;
}

void swarm_service_spec_default(struct swarm_service_spec *spec, const char *name, const char *image)
{
	*spec = (struct swarm_service_spec){
		.mode = SWARM_REPLICATED,
		.replicas = 1,
		.restart = { .condition = SWARM_RESTART_ANY, .delay_ms = 5000 },
		.update = { .parallelism = 1, .failure_action = SWARM_UPDATE_PAUSE, .order = SWARM_STOP_FIRST },
	};
	swarm_copy_name(spec->name, sizeof(spec->name), name);
	swarm_copy_name(spec->image, sizeof(spec->image), image);
}

void swarm_service_spec_free(struct swarm_service_spec *spec)
{
	swarm_strings_free(&spec->command);
	swarm_strings_free(&spec->env);
	swarm_strings_free(&spec->constraints);
	swarm_strings_free(&spec->labels);
	free(spec->ports);
	spec->ports = NULL;
	spec->port_count = 0;
}

int swarm_service_spec_copy(struct swarm_service_spec *dst, const struct swarm_service_spec *src)
{
	*dst = *src;
	dst->command = dst->env = dst->constraints = dst->labels = (struct swarm_strings){ 0 };
	dst->ports = NULL;
	dst->port_count = 0;
	if (swarm_strings_copy(&dst->command, &src->command) < 0 ||
	    swarm_strings_copy(&dst->env, &src->env) < 0 ||
	    swarm_strings_copy(&dst->constraints, &src->constraints) < 0 ||
	    swarm_strings_copy(&dst->labels, &src->labels) < 0)
		goto fail;
	if (src->port_count) {
		if (!(dst->ports = malloc(src->port_count * sizeof(*dst->ports)))) {
			fail_errno(ENOMEM, "cannot copy the ports of service \"%s\"", src->name);
			goto fail;
		}
		memcpy(dst->ports, src->ports, src->port_count * sizeof(*dst->ports));
		dst->port_count = src->port_count;
	}
	return 0;
fail:
	swarm_service_spec_free(dst);
	return -1;
}

int swarm_node_spec_copy(struct swarm_node_spec *dst, const struct swarm_node_spec *src)
{
	*dst = *src;
	return swarm_strings_copy(&dst->labels, &src->labels);
}

void swarm_node_spec_free(struct swarm_node_spec *spec)
{
	swarm_strings_free(&spec->labels);
}

const char *swarm_node_label(const struct swarm_node_spec *node, const char *key)
{
	size_t key_length = strlen(key);
	for (size_t i = 0; i < node->labels.count; i++) {
		const char *label = node->labels.items[i];
		if (strncmp(label, key, key_length) == 0 && label[key_length] == '=')
			return label + key_length + 1;
	}
	return NULL;
}

/* --- the store ------------------------------------------------------------------------------ */

void swarm_store_init(struct swarm_store *store)
{
	*store = (struct swarm_store){ .next_task_id = 1 };
}

void swarm_store_free(struct swarm_store *store)
{
	for (size_t i = 0; i < store->node_count; i++)
		swarm_node_spec_free(&store->nodes[i].spec);
	for (size_t i = 0; i < store->service_count; i++) {
		swarm_service_spec_free(&store->services[i].spec);
		swarm_service_spec_free(&store->services[i].previous);
	}
	free(store->nodes);
	free(store->services);
	free(store->tasks);
	swarm_store_init(store);
}

struct swarm_node *swarm_store_node(const struct swarm_store *store, const char *id)
{
	for (size_t i = 0; i < store->node_count; i++)
		if (strcmp(store->nodes[i].spec.id, id) == 0)
			return &store->nodes[i];
	return NULL;
}

struct swarm_service *swarm_store_service(const struct swarm_store *store, const char *name)
{
	for (size_t i = 0; i < store->service_count; i++)
		if (strcmp(store->services[i].spec.name, name) == 0)
			return &store->services[i];
	return NULL;
}

/* Tasks are kept by ascending id (ids are counted and tasks appended; removal keeps the
 * order), so a task is found by bisection: the dispatcher looks one up per report. */
struct swarm_task *swarm_store_task(const struct swarm_store *store, uint64_t id)
{
	size_t low = 0, high = store->task_count;
	while (low < high) {
		size_t middle = low + (high - low) / 2;
		if (store->tasks[middle].id < id)
			low = middle + 1;
		else
			high = middle;
	}
	return low < store->task_count && store->tasks[low].id == id ? &store->tasks[low] : NULL;
}
