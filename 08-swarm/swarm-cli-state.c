/*
 * swarm-cli-state.c - the `state` reply read back: the store through swarm_store_restore,
 * which trusts nothing (a reply comes from another process, relayed from another machine),
 * and the managers' list checked member by member as the swarm's JSON readers do.
 */
#include "swarm-cli-state.h"
#include "error.h"
#include "json.h"
#include "swarm-json.h"
#include "swarm-snapshot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* "applied_index", when the node says it (a node of an older tinydock does not: 0). */
static int read_applied_index(const struct json *root, struct swarm_state *state)
{
	int64_t index = 0;
	if (json_get(root, "applied_index") && swarm_json_get_int(root, "applied_index", 0, INT64_MAX, &index) < 0)
		return -1;
	state->applied_index = (uint64_t)index;
	return 0;
}

static int read_managers(const struct json *list, struct swarm_state *state)
{
	if (!list)
		return 0;
	if (list->type != JSON_ARRAY)
		return swarm_json_bad("managers", "is not an array");
	if (list->count && !(state->managers = calloc(list->count, sizeof(*state->managers))))
		return fail_errno(ENOMEM, "cannot read the managers");
	json_for_each(item, list) {
		struct swarm_manager_status *m = &state->managers[state->manager_count];
		const struct json *reachable = json_get(item, "reachable"), *leader = json_get(item, "leader");
		if (swarm_json_get_text(item, "id", m->id, sizeof(m->id)) < 0 ||
		    swarm_json_get_text(item, "address", m->address, sizeof(m->address)) < 0)
			return -1;
		if (json_bool(reachable, &m->reachable) < 0 || json_bool(leader, &m->leader) < 0)
			return swarm_json_bad("managers", "need \"reachable\" and \"leader\" as booleans");
		state->manager_count++;
	}
	return 0;
}

int swarm_state_read(const char *reply, size_t size, struct swarm_state *state)
{
	*state = (struct swarm_state){ 0 };
	swarm_store_init(&state->store);
	struct json *root = json_parse(reply, size);
	if (!root)
		return fail_context("cannot read the swarm's state");
	int rc = -1;
	bool ok = false;
	const char *error = json_get_string(root, "error");
	if (json_bool(json_get(root, "ok"), &ok) < 0 || !ok) {
		fail_errno(0, "%s", error ? error : "the node process answered without \"ok\"");
		goto done;
	}
	const struct json *store = json_get(root, "store");
	char *bytes = NULL;
	size_t length = 0;
	if (!store || store->type != JSON_OBJECT) {
		swarm_json_bad("store", "is missing or not an object");
	} else if (swarm_json_get_text(root, "self", state->self, sizeof(state->self)) == 0 &&
		   swarm_json_get_text(root, "leader", state->leader, sizeof(state->leader)) == 0 &&
		   read_applied_index(root, state) == 0 && read_managers(json_get(root, "managers"), state) == 0 &&
		   (bytes = json_write(store, 0, &length)) != NULL) {
		rc = swarm_store_restore(&state->store, bytes, length);
	}
	free(bytes);
done:
	json_free(root);
	if (rc < 0) {
		fail_context("cannot read the swarm's state");
		swarm_state_free(state);
	}
	return rc;
}

void swarm_state_free(struct swarm_state *state)
{
	free(state->managers);
	state->managers = NULL;
	state->manager_count = 0;
	swarm_store_free(&state->store);
}

const struct swarm_manager_status *swarm_state_manager(const struct swarm_state *state, const char *id)
{
	for (size_t i = 0; i < state->manager_count; i++)
		if (strcmp(state->managers[i].id, id) == 0)
			return &state->managers[i];
	return NULL;
}

const char *swarm_service_stack(const struct swarm_service_spec *spec)
{
	size_t length = strlen(SWARM_STACK_LABEL);
	for (size_t i = 0; i < spec->labels.count; i++) {
		const char *label = spec->labels.items[i];
		if (strncmp(label, SWARM_STACK_LABEL, length) == 0 && label[length] == '=')
			return label + length + 1;
	}
	return NULL;
}
