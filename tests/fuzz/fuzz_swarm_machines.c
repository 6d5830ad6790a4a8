/*
 * fuzz_swarm_machines.c - libFuzzer target for the state file of `tinydock swarm sim`
 * (08-swarm/swarm-machines-plan.c), which a student may edit by hand between two commands.
 *
 * Whatever the bytes, swarm_machines_from_json must fill a simulation or refuse it with a
 * message, never crash, overread or leak. A simulation it accepts names only machines whose
 * names are safe as folder names and whose addresses are on its subnet, and writes back to
 * text that reads back to the same text (one state, one file).
 *     make fuzz                                    (every target, FUZZ_TIME seconds each)
 *     build/fuzz/fuzz_swarm_machines CORPUS_DIR    (by hand, for as long as you like)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "swarm-machines-plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct swarm_machines sim, again;
	if (swarm_machines_from_json((const char *)data, size, &sim) < 0) {
		error_clear();
		return 0;
	}
	for (size_t i = 0; i < sim.count; i++)
		if (strchr(sim.machines[i].name, '/') || strcmp(sim.machines[i].name, "..") == 0 ||
		    !subnet_contains(&sim.subnet, sim.machines[i].address))
			abort();
	char *text = swarm_machines_to_json(&sim);
	if (!text)
		abort();
	if (swarm_machines_from_json(text, strlen(text), &again) < 0)
		abort();
	char *twice = swarm_machines_to_json(&again);
	if (!twice || strcmp(text, twice) != 0)
		abort();
	free(twice);
	free(text);
	swarm_machines_free(&again);
	swarm_machines_free(&sim);
	return 0;
}
