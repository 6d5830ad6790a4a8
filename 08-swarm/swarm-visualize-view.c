/*
 * swarm-visualize-view.c - the swarm's state as the visualizer's page draws it
 * (swarm-visualize-view.h).
 *
 * What the page shows, and why:
 *   - a task is shown while it is alive: from NEW to RUNNING. Once it reached a final state
 *     (complete, shutdown, failed, rejected, orphaned) its container is gone, and the store
 *     keeps it only as history; `tinydock service ps` shows that history, the page shows
 *     where things run now. A task still running but desired SHUTDOWN (being replaced in a
 *     rolling update, or on a node being drained) is alive: it is shown, marked as stopping;
 *   - a task is named as Docker names it in `docker service ps`: SERVICE.SLOT ("web.3") for a
 *     replicated service, SERVICE.NODE for a global one (one task per node, slot 0);
 *   - a manager's status is `docker node ls`'s MANAGER STATUS: Leader, Reachable or
 *     Unreachable (the node we asked says which managers it can reach); a worker has none.
 */
#include "swarm-visualize-view.h"

#include "error.h"
#include "json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned swarm_view_service_hue(const char *service)
{
	/* FNV-1a, 32 bits (the offset basis and prime of its specification, draft-eastlake-fnv). */
	uint32_t hash = 2166136261u;
	for (const unsigned char *c = (const unsigned char *)service; *c; c++) {
		hash ^= *c;
		hash *= 16777619u;
	}
	return hash % 360;
}

/* The string member key of obj, or NULL (recorded, naming what) when it is missing. */
static const char *need_string(const struct json *obj, const char *key, const char *what)
{
	const char *text = json_get_string(obj, key);
	if (!text)
		fail_errno(EINVAL, "the swarm's state has %s without a \"%s\"", what, key);
	return text;
}

/* Alive: not yet in a final state (the store's names: "new" .. "running" come first). */
static bool task_state_is_alive(const char *state)
{
	static const char *const alive[] = { "new", "pending", "assigned", "accepted", "preparing", "starting", "running" };
	for (size_t i = 0; i < sizeof(alive) / sizeof(alive[0]); i++)
		if (strcmp(state, alive[i]) == 0)
			return true;
	return false;
}

/* One task of the state as the page's box; NULL (recorded) when a member is missing. */
static struct json *task_view(const struct json *task, unsigned hue)
{
	const char *service = need_string(task, "service", "a task");
	const char *node = service ? need_string(task, "node", "a task") : NULL;
	const char *observed = node ? need_string(task, "observed", "a task") : NULL;
	const char *desired = observed ? need_string(task, "desired", "a task") : NULL;
	int64_t id, slot;
	if (!desired)
		return NULL;
	if (json_int64(json_get(task, "id"), &id) < 0 || json_int64(json_get(task, "slot"), &slot) < 0) {
		fail_errno(EINVAL, "the swarm's state has a task without a numeric \"id\" and \"slot\"");
		return NULL;
	}
	const char *message = json_get_string(task, "message");
	char name[256];
	if (slot > 0)
		snprintf(name, sizeof(name), "%s.%" PRId64, service, slot);
	else
		snprintf(name, sizeof(name), "%s.%s", service, node);
	struct json *view = json_new_object();
	if (!(view && json_add_int(view, "id", id) && json_add_string(view, "name", name) &&
	      json_add_string(view, "service", service) && json_add_string(view, "state", observed) &&
	      json_add_string(view, "desired", desired) && json_add_string(view, "message", message ? message : "") &&
	      json_add_int(view, "hue", hue))) {
		json_free(view);
		return NULL;
	}
	return view;
}

/* `docker node ls`'s MANAGER STATUS of a node: "" for a worker. */
static const char *manager_status(const struct json *state, const char *id, const char *role)
{
	if (strcmp(role, "manager") != 0)
		return "";
	const char *leader = json_get_string(state, "leader");
	if (leader && strcmp(leader, id) == 0)
		return "Leader";
	const struct json *managers = json_get(state, "managers");
	for (size_t i = 0; json_is(managers, JSON_ARRAY) && i < managers->count; i++) {
		const struct json *manager = json_at(managers, i);
		const char *manager_id = json_get_string(manager, "id");
		bool reachable = false;
		if (manager_id && strcmp(manager_id, id) == 0)
			return json_bool(json_get(manager, "reachable"), &reachable) == 0 && reachable ? "Reachable"
													: "Unreachable";
	}
	return "Unreachable";
}

static struct json *node_view(const struct json *state, const struct json *node)
{
	const struct json *spec = json_get(node, "spec");
	const char *id = need_string(spec, "id", "a node");
	const char *hostname = id ? need_string(spec, "hostname", "a node") : NULL;
	const char *role = hostname ? need_string(spec, "role", "a node") : NULL;
	const char *availability = role ? need_string(spec, "availability", "a node") : NULL;
	const char *status = availability ? need_string(node, "status", "a node") : NULL;
	if (!status)
		return NULL;
	const char *address = json_get_string(spec, "address");
	const char *leader = json_get_string(state, "leader");
	struct json *view = json_new_object();
	if (!(view && json_add_string(view, "id", id) && json_add_string(view, "hostname", hostname) &&
	      json_add_string(view, "address", address ? address : "") && json_add_string(view, "role", role) &&
	      json_add_bool(view, "leader", leader && strcmp(leader, id) == 0) &&
	      json_add_string(view, "manager_status", manager_status(state, id, role)) &&
	      json_add_string(view, "status", status) && json_add_string(view, "availability", availability) &&
	      json_add(view, "tasks", json_new_array()))) {
		json_free(view);
		return NULL;
	}
	return view;
}

/* The column of node id in the view's nodes, or NULL. */
static struct json *column_of(const struct json *nodes, const char *id)
{
	for (struct json *node = nodes->first; node; node = node->next)
		if (strcmp(json_get_string(node, "id"), id) == 0)
			return node;
	return NULL;
}

static struct json *service_view(const struct json *service, const struct json *tasks, unsigned hue)
{
	const struct json *spec = json_get(service, "spec");
	const char *name = need_string(spec, "name", "a service");
	const char *mode = name ? need_string(spec, "mode", "a service") : NULL;
	int64_t replicas = 0;
	if (!mode)
		return NULL;
	json_int64(json_get(spec, "replicas"), &replicas);
	int64_t running = 0;
	for (const struct json *task = tasks->first; task; task = task->next) {
		const char *of = json_get_string(task, "service"), *observed = json_get_string(task, "observed");
		const char *desired = json_get_string(task, "desired");
		if (of && observed && desired && strcmp(of, name) == 0 && strcmp(observed, "running") == 0 &&
		    strcmp(desired, "running") == 0)
			running++;
	}
	struct json *view = json_new_object();
	if (!(view && json_add_string(view, "name", name) && json_add_int(view, "hue", hue) &&
	      json_add_string(view, "mode", mode) && json_add_int(view, "running", running) &&
	      json_add_int(view, "replicas", strcmp(mode, "global") == 0 ? -1 : replicas))) {
		json_free(view);
		return NULL;
	}
	return view;
}

/* Hues closer than this look alike, especially as the light tints the page uses. */
#define HUE_APART 30

static unsigned hue_distance(unsigned a, unsigned b)
{
	unsigned d = a > b ? a - b : b - a;
	return d > 180 ? 360 - d : d;
}

/* The hue for the next service: its own, unless a service listed before it (created before
 * it: the store keeps them in that order) already looks like that; then turned on by the
 * golden angle (137.5 degrees, here 137: the step that keeps visiting new parts of the wheel) until it
 * stands apart, as far as twelve services can. So a new service never changes the colour of
 * those already on the page. */
static unsigned distinct_hue(const struct json *services, unsigned hue)
{
	for (int turn = 0; turn < 12; turn++) {
		bool clash = false;
		for (const struct json *s = services->first; s && !clash; s = s->next) {
			int64_t taken;
			clash = json_int64(json_get(s, "hue"), &taken) == 0 && hue_distance(hue, (unsigned)taken) < HUE_APART;
		}
		if (!clash)
			break;
		hue = (hue + 137) % 360;
	}
	return hue;
}

/* The hue given to service in the view's list (0 for a task of a service not in the store). */
static unsigned hue_of(const struct json *services, const char *service)
{
	for (const struct json *s = services->first; s; s = s->next) {
		int64_t hue;
		if (strcmp(json_get_string(s, "name"), service) == 0 && json_int64(json_get(s, "hue"), &hue) == 0)
			return (unsigned)hue;
	}
	return 0;
}

/* Fill view from the reply state; -1 recorded when something is missing. */
static int build_view(const struct json *state, struct json *view)
{
	bool ok_flag = false;
	if (json_bool(json_get(state, "ok"), &ok_flag) < 0)
		return fail_errno(EINVAL, "the swarm's state is not a reply: it has no \"ok\"");
	if (!ok_flag) {
		const char *error = json_get_string(state, "error");
		return fail_errno(0, "%s", error ? error : "the node refused to give the swarm's state");
	}
	const struct json *store = json_get(state, "store");
	const struct json *nodes = json_get(store, "nodes"), *services = json_get(store, "services");
	const struct json *tasks = json_get(store, "tasks");
	if (!json_is(nodes, JSON_ARRAY) || !json_is(services, JSON_ARRAY) || !json_is(tasks, JSON_ARRAY))
		return fail_errno(EINVAL, "the swarm's state lacks the store's nodes, services or tasks");
	const char *leader = json_get_string(state, "leader");
	struct json *service_list, *node_list, *pending;
	if (!json_add_string(view, "error", "") || !json_add_string(view, "leader", leader ? leader : "") ||
	    !(service_list = json_add(view, "services", json_new_array())) ||
	    !(node_list = json_add(view, "nodes", json_new_array())) ||
	    !(pending = json_add(view, "pending", json_new_array())))
		return -1;
	for (const struct json *service = services->first; service; service = service->next) {
		const char *name = json_get_string(json_get(service, "spec"), "name");
		unsigned hue = name ? distinct_hue(service_list, swarm_view_service_hue(name)) : 0;
		if (!json_append(service_list, service_view(service, tasks, hue)))
			return -1;
	}
	for (const struct json *node = nodes->first; node; node = node->next)
		if (!json_append(node_list, node_view(state, node)))
			return -1;
	for (const struct json *task = tasks->first; task; task = task->next) {
		const char *observed = json_get_string(task, "observed");
		if (observed && !task_state_is_alive(observed))
			continue;
		const char *service = json_get_string(task, "service");
		struct json *box = task_view(task, service ? hue_of(service_list, service) : 0);
		if (!box)
			return -1;
		const char *node = json_get_string(task, "node");
		struct json *column = node[0] ? column_of(node_list, node) : NULL;
		/* A task placed on a node the store no longer has (removed meanwhile) waits with
		 * the unplaced ones: it is not running anywhere the page can show. */
		if (!json_append(column ? json_get(column, "tasks") : pending, box))
			return -1;
	}
	return 0;
}

int swarm_view_from_state(const char *state_json, size_t size, char **view_text)
{
	struct json *state = json_parse(state_json, size);
	if (!state)
		return fail_context("cannot read the swarm's state");
	struct json *view = json_new_object();
	int rc = view ? build_view(state, view) : -1;
	if (rc == 0 && !(*view_text = json_write(view, 0, NULL)))
		rc = -1;
	json_free(view);
	json_free(state);
	return rc;
}

char *swarm_view_of_error(const char *message)
{
	struct json *view = json_new_object();
	char *text = NULL;
	if (view && json_add_string(view, "error", message) && json_add_string(view, "leader", "") &&
	    json_add(view, "services", json_new_array()) && json_add(view, "nodes", json_new_array()) &&
	    json_add(view, "pending", json_new_array()))
		text = json_write(view, 0, NULL);
	json_free(view);
	return text;
}
