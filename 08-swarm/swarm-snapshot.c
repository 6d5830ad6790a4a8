/*
 * swarm-snapshot.c - the whole store as bytes, and back (swarm-snapshot.h).
 *
 * Restoring builds a new store aside and swaps it in only when every record has been read and
 * checked, so a bad snapshot never leaves a manager with half a store.
 */
#include "swarm-snapshot.h"

#include "error.h"
#include "grow.h"
#include "swarm-json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* --- writing -------------------------------------------------------------------------------- */

static struct json *node_to_json(const struct swarm_node *node)
{
	struct json *obj = json_new_object();
	bool ok = obj &&
		json_add(obj, "spec", swarm_json_from_node(&node->spec)) &&
		json_add_string(obj, "status", swarm_node_status_name(node->status)) &&
		json_add_int(obj, "status_at", (int64_t)node->status_at);
	if (!ok) {
		json_free(obj);
		return NULL;
	}
	return obj;
}

static struct json *service_to_json(const struct swarm_service *service)
{
	struct json *obj = json_new_object();
	bool ok = obj &&
		json_add(obj, "spec", swarm_json_from_spec(&service->spec)) &&
		json_add_int(obj, "version", (int64_t)service->version) &&
		json_add_int(obj, "versions", (int64_t)service->versions) &&
		json_add(obj, "previous", service->has_previous ? swarm_json_from_spec(&service->previous) : json_new_null()) &&
		json_add_int(obj, "previous_version", (int64_t)service->previous_version) &&
		json_add_string(obj, "update_state", swarm_update_state_name(service->update_state)) &&
		json_add_string(obj, "update_message", service->update_message) &&
		json_add_int(obj, "updated_at", (int64_t)service->updated_at);
	if (!ok) {
		json_free(obj);
		return NULL;
	}
	return obj;
}

static struct json *task_to_json(const struct swarm_task *task)
{
	struct json *obj = json_new_object();
	bool ok = obj &&
		json_add_int(obj, "id", (int64_t)task->id) &&
		json_add_string(obj, "service", task->service) &&
		json_add_int(obj, "slot", task->slot) &&
		json_add_string(obj, "node", task->node) &&
		json_add_int(obj, "service_version", (int64_t)task->service_version) &&
		json_add_string(obj, "desired", swarm_task_state_name(task->desired)) &&
		json_add_string(obj, "observed", swarm_task_state_name(task->observed)) &&
		json_add_string(obj, "message", task->message) &&
		json_add_int(obj, "created_at", (int64_t)task->created_at) &&
		json_add_int(obj, "observed_at", (int64_t)task->observed_at) &&
		json_add_int(obj, "attempt", task->attempt) &&
		json_add_int(obj, "window_start", (int64_t)task->window_start) &&
		swarm_json_add_endpoints(obj, task->endpoints, task->endpoint_count);
	if (!ok) {
		json_free(obj);
		return NULL;
	}
	return obj;
}

char *swarm_store_snapshot(const struct swarm_store *store, size_t *size)
{
	struct json *obj = json_new_object(), *nodes, *services, *tasks;
	bool ok = obj &&
		json_add_int(obj, "next_task_id", (int64_t)store->next_task_id) &&
		json_add_int(obj, "applied", (int64_t)store->applied) &&
		(nodes = json_add(obj, "nodes", json_new_array())) &&
		(services = json_add(obj, "services", json_new_array())) &&
		(tasks = json_add(obj, "tasks", json_new_array()));
	for (size_t i = 0; ok && i < store->node_count; i++)
		ok = json_append(nodes, node_to_json(&store->nodes[i]));
	for (size_t i = 0; ok && i < store->service_count; i++)
		ok = json_append(services, service_to_json(&store->services[i]));
	for (size_t i = 0; ok && i < store->task_count; i++)
		ok = json_append(tasks, task_to_json(&store->tasks[i]));
	char *text = ok ? json_write(obj, 0, size) : NULL;
	json_free(obj);
	if (!text)
		fail_context("cannot write a snapshot of the swarm store");
	return text;
}

/* --- reading -------------------------------------------------------------------------------- */

static int read_node(struct swarm_store *store, const struct json *obj)
{
	if (!json_is(obj, JSON_OBJECT))
		return swarm_json_bad("nodes", "holds something that is not an object");
	if (grow_array((void **)&store->nodes, &store->node_capacity, store->node_count + 1,
		       sizeof(*store->nodes), "the swarm store") < 0)
		return -1;
	struct swarm_node *node = &store->nodes[store->node_count];
	*node = (struct swarm_node){ 0 };
	if (swarm_json_to_node(json_get(obj, "spec"), &node->spec) < 0 ||
	    SWARM_JSON_ENUM(obj, "status", swarm_node_status_names, node->status) < 0 ||
	    SWARM_JSON_UINT(obj, "status_at", INT64_MAX, node->status_at) < 0) {
		swarm_node_spec_free(&node->spec);
		return -1;
	}
	if (swarm_store_node(store, node->spec.id)) {
		swarm_node_spec_free(&node->spec);
		return swarm_json_bad("nodes", "name one id twice");
	}
	store->node_count++;
	return 0;
}

static int read_service(struct swarm_store *store, const struct json *obj)
{
	if (!json_is(obj, JSON_OBJECT))
		return swarm_json_bad("services", "holds something that is not an object");
	if (grow_array((void **)&store->services, &store->service_capacity, store->service_count + 1,
		       sizeof(*store->services), "the swarm store") < 0)
		return -1;
	struct swarm_service *service = &store->services[store->service_count];
	*service = (struct swarm_service){ 0 };
	const struct json *previous = json_get(obj, "previous");
	service->has_previous = previous && !json_is(previous, JSON_NULL);
	int rc = swarm_json_to_spec(json_get(obj, "spec"), &service->spec) < 0 ||
		(service->has_previous && swarm_json_to_spec(previous, &service->previous) < 0) ||
		SWARM_JSON_UINT(obj, "version", INT64_MAX, service->version) < 0 ||
		SWARM_JSON_UINT(obj, "versions", INT64_MAX, service->versions) < 0 ||
		SWARM_JSON_UINT(obj, "previous_version", INT64_MAX, service->previous_version) < 0 ||
		SWARM_JSON_ENUM(obj, "update_state", swarm_update_state_names, service->update_state) < 0 ||
		swarm_json_get_text(obj, "update_message", service->update_message, sizeof(service->update_message)) < 0 ||
		SWARM_JSON_UINT(obj, "updated_at", INT64_MAX, service->updated_at) < 0 ? -1 : 0;
	if (rc == 0 && swarm_store_service(store, service->spec.name))
		rc = swarm_json_bad("services", "name one service twice");
	if (rc == 0 && (service->version > service->versions || service->previous_version > service->versions))
		rc = swarm_json_bad("version", "is beyond the versions given");
	if (rc < 0) {
		swarm_service_spec_free(&service->spec);
		swarm_service_spec_free(&service->previous);
		return -1;
	}
	store->service_count++;
	return 0;
}

static int read_task(struct swarm_store *store, const struct json *obj)
{
	if (!json_is(obj, JSON_OBJECT))
		return swarm_json_bad("tasks", "holds something that is not an object");
	struct swarm_task task = { 0 };
	if (SWARM_JSON_UINT(obj, "id", INT64_MAX, task.id) < 0 ||
	    swarm_json_get_text(obj, "service", task.service, sizeof(task.service)) < 0 ||
	    SWARM_JSON_UINT(obj, "slot", UINT32_MAX, task.slot) < 0 ||
	    swarm_json_get_text(obj, "node", task.node, sizeof(task.node)) < 0 ||
	    SWARM_JSON_UINT(obj, "service_version", INT64_MAX, task.service_version) < 0 ||
	    SWARM_JSON_ENUM(obj, "desired", swarm_task_state_names, task.desired) < 0 ||
	    SWARM_JSON_ENUM(obj, "observed", swarm_task_state_names, task.observed) < 0 ||
	    swarm_json_get_text(obj, "message", task.message, sizeof(task.message)) < 0 ||
	    SWARM_JSON_UINT(obj, "created_at", INT64_MAX, task.created_at) < 0 ||
	    SWARM_JSON_UINT(obj, "observed_at", INT64_MAX, task.observed_at) < 0 ||
	    SWARM_JSON_UINT(obj, "attempt", UINT32_MAX, task.attempt) < 0 ||
	    SWARM_JSON_UINT(obj, "window_start", INT64_MAX, task.window_start) < 0 ||
	    swarm_json_get_endpoints(obj, task.endpoints, &task.endpoint_count) < 0)
		return -1;
	/* the store finds tasks by bisection over ascending ids, below the next id it gives */
	if (task.id == 0 || task.id >= store->next_task_id ||
	    (store->task_count && task.id <= store->tasks[store->task_count - 1].id))
		return swarm_json_bad("tasks", "are not in ascending order of id, below next_task_id");
	if (grow_array((void **)&store->tasks, &store->task_capacity, store->task_count + 1,
		       sizeof(*store->tasks), "the swarm store") < 0)
		return -1;
	store->tasks[store->task_count++] = task;
	return 0;
}

int swarm_store_restore(struct swarm_store *store, const void *bytes, size_t size)
{
	struct swarm_store restored;
	swarm_store_init(&restored);
	struct json *obj = json_parse(bytes, size);
	if (!obj)
		return fail_context("swarm snapshot");
	const struct json *nodes = json_get(obj, "nodes"), *services = json_get(obj, "services");
	const struct json *tasks = json_get(obj, "tasks");
	int rc = -1;
	if (!json_is(nodes, JSON_ARRAY) || !json_is(services, JSON_ARRAY) || !json_is(tasks, JSON_ARRAY)) {
		swarm_json_bad("snapshot", "lacks its nodes, services or tasks");
		goto out;
	}
	if (SWARM_JSON_UINT(obj, "next_task_id", INT64_MAX, restored.next_task_id) < 0 ||
	    SWARM_JSON_UINT(obj, "applied", INT64_MAX, restored.applied) < 0)
		goto out;
	json_for_each(item, nodes)
		if (read_node(&restored, item) < 0)
			goto out;
	json_for_each(item, services)
		if (read_service(&restored, item) < 0)
			goto out;
	json_for_each(item, tasks)
		if (read_task(&restored, item) < 0)
			goto out;
	rc = 0;
out:
	json_free(obj);
	if (rc < 0) {
		swarm_store_free(&restored);
		return fail_context("swarm snapshot");
	}
	swarm_store_free(store);
	*store = restored;
	return 0;
}
