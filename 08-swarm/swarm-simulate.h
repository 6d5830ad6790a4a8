/*
 * swarm-simulate.h - `tinydock swarm simulate`: a swarm in the simulator, told as a timeline.
 *
 * The managers, the workers and the network are swarm-cluster-sim.c's, on a virtual clock:
 * a minute of a swarm's life, with a leader killed or a worker lost, takes a fraction of a
 * second, and the same seed tells the same story every time. The command prints who led when,
 * which tasks moved where, and the figures of the scenario, and exits 0 only when every
 * invariant held and the swarm converged.
 */
#ifndef TINYDOCK_SWARM_SIMULATE_H
#define TINYDOCK_SWARM_SIMULATE_H

#include "swarm-cluster-sim.h"

#include <stdio.h>

/* Run options' scenario and tell it on out: 0 when every invariant held and the swarm
 * converged; 1 (with the seed, the failure, a way to replay it and the trace) otherwise; 125
 * (recorded) when the simulation cannot run. */
int swarm_simulate(const struct swarm_cluster_options *options, FILE *out);

/* tinydock swarm simulate [--managers N] [--workers N] [--seed S] [--scenario NAME];
 * argv[0] is "simulate". */
int cmd_swarm_simulate(int argc, char **argv);

#endif
