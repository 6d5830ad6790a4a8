/*
 * swarm-sim-fixture.h - what the tests of simulated machines (`tinydock swarm sim`) share: taking
 * a simulation down without the command, when the command failed or the test died before it ran.
 */
#ifndef TINYDOCK_SWARM_SIM_FIXTURE_H
#define TINYDOCK_SWARM_SIM_FIXTURE_H

/* Remove every machine of the simulation kept in folder ($TINYDOCK_RUN/swarm-sim), as its state
 * file lists them (processes, containers, namespace mounts, links), then its bridge, with the
 * library itself rather than `sim down`. Nothing there, or a state that does not read: nothing. */
void swarm_sim_remove_machines(const char *folder);

#endif
