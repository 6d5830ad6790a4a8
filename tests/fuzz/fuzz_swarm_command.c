/*
 * fuzz_swarm_command.c - libFuzzer target for the swarm's commands and snapshots
 * (08-swarm/swarm-command.c, swarm-apply.c, swarm-snapshot.c): the bytes Raft's log and its
 * snapshots carry between managers and read back from disk.
 *
 * Whatever the bytes, swarm_command_decode must return a command or an error, never crash,
 * overread or leak. A command it accepts must encode back to bytes that decode to the same
 * bytes again (one command, one encoding), and applying it to a small store, and then a round
 * of the orchestrator and the scheduler, must refuse or change the store without harm. Bytes
 * that are a snapshot instead must restore a store that writes the same bytes again, and that
 * the control loops can work on, however odd its contents.
 *     make fuzz                                   (every target, FUZZ_TIME seconds each)
 *     build/fuzz/fuzz_swarm_command CORPUS_DIR    (by hand, for as long as you like)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "swarm-command.h"
#include "swarm-orchestrator.h"
#include "swarm-scheduler.h"
#include "swarm-snapshot.h"

static void apply_all(struct swarm_store *store, struct swarm_commands *commands)
{
	for (size_t i = 0; i < commands->count; i++)
		swarm_store_apply(store, &commands->items[i]);
	swarm_commands_clear(commands);
}

/* A store with a worker, a service of two replicas and their tasks, for the command to hit. */
static void small_store(struct swarm_store *store)
{
	swarm_store_init(store);
	struct swarm_commands commands = { 0 };
	struct swarm_command *join = swarm_commands_add(&commands, SWARM_NODE_JOIN, 0);
	if (!join)
		abort();
	strcpy(join->node.id, "w1");
	join->node.nano_cpus = 1000000000;
	join->node.memory_bytes = 1 << 30;
	struct swarm_command *create = swarm_commands_add(&commands, SWARM_SERVICE_CREATE, 0);
	if (!create)
		abort();
	swarm_service_spec_default(&create->spec, "web", "web:v1");
	create->spec.replicas = 2;
	apply_all(store, &commands);
	uint64_t wake = UINT64_MAX;
	if (swarm_orchestrate(store, 0, &commands, &wake) < 0)
		abort();
	apply_all(store, &commands);
	swarm_commands_free(&commands);
}

/* A round of the control loops on store at now, on small services only: a service of up to
 * SWARM_MAX_REPLICAS is legitimate, but too slow to reconcile in every run of a fuzzer. */
static void round_on(struct swarm_store *store, uint64_t now)
{
	for (size_t i = 0; i < store->service_count; i++)
		if (store->services[i].spec.replicas > 64)
			return;
	struct swarm_commands commands = { 0 };
	uint64_t wake = UINT64_MAX;
	if (swarm_orchestrate(store, now, &commands, &wake) < 0)
		abort();
	apply_all(store, &commands);
	if (swarm_schedule(store, now, &commands) < 0)
		abort();
	apply_all(store, &commands);
	swarm_commands_free(&commands);
}

static void try_snapshot(const uint8_t *data, size_t size)
{
	struct swarm_store store;
	swarm_store_init(&store);
	if (swarm_store_restore(&store, data, size) < 0) {
		swarm_store_free(&store);
		return;
	}
	size_t length, again_length;
	char *bytes = swarm_store_snapshot(&store, &length);
	struct swarm_store again;
	swarm_store_init(&again);
	if (!bytes || swarm_store_restore(&again, bytes, length) < 0)
		abort(); /* we wrote a snapshot we cannot read back */
	char *again_bytes = swarm_store_snapshot(&again, &again_length);
	if (!again_bytes || again_length != length || memcmp(bytes, again_bytes, length) != 0)
		abort(); /* one store, two snapshots */
	round_on(&store, 1000);
	free(bytes);
	free(again_bytes);
	swarm_store_free(&again);
	swarm_store_free(&store);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct swarm_command command;
	if (swarm_command_decode(data, size, &command) < 0) {
		try_snapshot(data, size);
		error_clear();
		return 0;
	}
	size_t length, again_length;
	char *bytes = swarm_command_encode(&command, &length);
	struct swarm_command again;
	if (!bytes || swarm_command_decode(bytes, length, &again) < 0)
		abort(); /* we wrote a command we cannot read back */
	char *again_bytes = swarm_command_encode(&again, &again_length);
	if (!again_bytes || again_length != length || memcmp(bytes, again_bytes, length) != 0)
		abort(); /* one command, two encodings */

	struct swarm_store store;
	small_store(&store);
	swarm_store_apply(&store, &command);
	round_on(&store, command.at);
	swarm_store_free(&store);
	error_clear();
	free(bytes);
	free(again_bytes);
	swarm_command_free(&command);
	swarm_command_free(&again);
	return 0;
}
