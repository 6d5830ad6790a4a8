/*
 * swarm-sim-fixture.c - a simulation removed by the library (see swarm-sim-fixture.h).
 */
#include "swarm-sim-fixture.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "error.h"
#include "files.h"
#include "links.h"
#include "swarm-machines.h"

void swarm_sim_remove_machines(const char *folder)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/state.json", folder);
	size_t size;
	char *text = read_file(path, &size);
	struct swarm_machines sim;
	if (text && swarm_machines_from_json(text, size, &sim) == 0) {
		for (size_t i = 0; i < sim.count; i++)
			swarm_machine_remove(folder, &sim.machines[i]);
		link_remove(sim.bridge);
		swarm_machines_free(&sim);
	}
	free(text);
	error_clear();
}
