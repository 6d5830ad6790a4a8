/*
 * swarm-fixtures.c - small swarms for the swarm tests (swarm-fixtures.h).
 */
#include "swarm-fixtures.h"

#include "error.h"
#include "swarm-orchestrator.h"
#include "swarm-scheduler.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int swarm_fixture_apply(struct swarm_store *store, struct swarm_command *command)
{
	size_t size;
	char *bytes = swarm_command_encode(command, &size);
	ck_assert_msg(bytes, "encode: %s", error_message());
	struct swarm_command decoded;
	ck_assert_msg(swarm_command_decode(bytes, size, &decoded) == 0, "decode %s: %s", bytes, error_message());
	free(bytes);
	int rc = swarm_store_apply(store, &decoded);
	swarm_command_free(&decoded);
	swarm_command_free(command);
	return rc;
}

void swarm_fixture_apply_all(struct swarm_store *store, struct swarm_commands *list)
{
	for (size_t i = 0; i < list->count; i++)
		ck_assert_msg(swarm_fixture_apply(store, &list->items[i]) == 0, "refused: %s", error_message());
	list->count = 0;
}

void swarm_fixture_join(struct swarm_store *store, const char *id, enum swarm_role role)
{
	struct swarm_command command;
	swarm_command_init(&command, SWARM_NODE_JOIN, 0);
	swarm_copy_name(command.node.id, sizeof(command.node.id), id);
	swarm_copy_name(command.node.hostname, sizeof(command.node.hostname), id);
	swarm_copy_name(command.node.address, sizeof(command.node.address), "10.0.0.1:2377");
	command.node.role = role;
	command.node.nano_cpus = 4000000000LL;
	command.node.memory_bytes = 8LL << 30;
	ck_assert_int_eq(swarm_fixture_apply(store, &command), 0);
}

struct swarm_service_spec swarm_fixture_spec(const char *name, uint32_t replicas)
{
	struct swarm_service_spec spec;
	char image[SWARM_IMAGE_MAX];
	snprintf(image, sizeof(image), "%s:v1", name);
	swarm_service_spec_default(&spec, name, image);
	spec.replicas = replicas;
	return spec;
}

static void apply_spec(struct swarm_store *store, enum swarm_command_kind kind, struct swarm_service_spec *spec,
                       uint64_t at)
{
	struct swarm_command command;
	swarm_command_init(&command, kind, at);
	command.spec = *spec;
	*spec = (struct swarm_service_spec){ 0 };
	ck_assert_msg(swarm_fixture_apply(store, &command) == 0, "refused: %s", error_message());
}

void swarm_fixture_create(struct swarm_store *store, struct swarm_service_spec *spec, uint64_t at)
{
	apply_spec(store, SWARM_SERVICE_CREATE, spec, at);
}

void swarm_fixture_update(struct swarm_store *store, struct swarm_service_spec *spec, uint64_t at)
{
	apply_spec(store, SWARM_SERVICE_UPDATE, spec, at);
}

void swarm_fixture_availability(struct swarm_store *store, const char *node, enum swarm_availability availability)
{
	struct swarm_command command;
	swarm_command_init(&command, SWARM_NODE_UPDATE, 0);
	ck_assert_int_eq(swarm_node_spec_copy(&command.node, &swarm_store_node(store, node)->spec), 0);
	command.node.availability = availability;
	ck_assert_int_eq(swarm_fixture_apply(store, &command), 0);
}

size_t swarm_fixture_round(struct swarm_store *store, uint64_t now)
{
	struct swarm_commands out = { 0 };
	uint64_t wake = UINT64_MAX;
	ck_assert_int_eq(swarm_orchestrate(store, now, &out, &wake), 0);
	size_t count = out.count;
	swarm_fixture_apply_all(store, &out);
	ck_assert_int_eq(swarm_schedule(store, now, &out), 0);
	count += out.count;
	swarm_fixture_apply_all(store, &out);
	swarm_commands_free(&out);
	return count;
}

int swarm_fixture_report(struct swarm_store *store, uint64_t task, enum swarm_task_state state, uint64_t at)
{
	struct swarm_command command;
	swarm_command_init(&command, SWARM_TASK_STATE, at);
	command.task_id = task;
	command.state = state;
	return swarm_fixture_apply(store, &command);
}

size_t swarm_fixture_workers(struct swarm_store *store, uint64_t now)
{
	size_t changed = 0;
	for (size_t i = 0; i < store->task_count; i++) {
		const struct swarm_task *task = &store->tasks[i];
		if (task->observed < SWARM_TASK_ASSIGNED || swarm_task_state_is_final(task->observed))
			continue;
		enum swarm_task_state next = task->desired == SWARM_TASK_RUNNING ? SWARM_TASK_RUNNING : SWARM_TASK_SHUTDOWN;
		if (task->observed == next)
			continue;
		ck_assert_int_eq(swarm_fixture_report(store, task->id, next, now), 0);
		changed++;
	}
	return changed;
}

void swarm_fixture_settle(struct swarm_store *store, uint64_t now)
{
	for (int i = 0; i < 50; i++)
		if (swarm_fixture_round(store, now) + swarm_fixture_workers(store, now) == 0)
			return;
	ck_abort_msg("the swarm did not settle in 50 rounds");
}

size_t swarm_fixture_count(const struct swarm_store *store, const char *service, int state, const char *node,
                           bool live)
{
	size_t count = 0;
	for (size_t i = 0; i < store->task_count; i++) {
		const struct swarm_task *task = &store->tasks[i];
		count += (!service || strcmp(task->service, service) == 0) && (state < 0 || (int)task->observed == state) &&
		         (!node || strcmp(task->node, node) == 0) && (!live || task->desired == SWARM_TASK_RUNNING);
	}
	return count;
}

const struct swarm_task *swarm_fixture_latest(const struct swarm_store *store, const char *service, uint32_t slot)
{
	const struct swarm_task *latest = NULL;
	for (size_t i = 0; i < store->task_count; i++)
		if (store->tasks[i].slot == slot && strcmp(store->tasks[i].service, service) == 0)
			latest = &store->tasks[i];
	return latest;
}
