/*
 * swarm-sim-fixture.h - simulated machines (`tinydock swarm sim`) for a test case: a bridge
 * and a subnet of the test's own, `sim up`, and nothing left afterwards, also when a test
 * failed.
 *
 * Each test gets a bridge (tdsm<pid>) and a subnet (10.242.X.0/24, free on this host), and its
 * sandbox holds the machines' folders and namespace mounts (TINYDOCK_RUN/swarm-sim). After a
 * test that passed, `sim down` runs, as a user would; after one that failed (Check ends the
 * test's process, so no checked teardown runs), the runner reads the state file of every
 * simulation the test case made and removes each machine with the library itself (its
 * processes, containers included, then its namespaces), then the bridge.
 */
#ifndef TINYDOCK_SWARM_SIM_FIXTURE_H
#define TINYDOCK_SWARM_SIM_FIXTURE_H

#include <limits.h>
#include <stdbool.h>

struct TCase;

/* The fixtures above for every test of t (after harness_use_sandbox). */
void swarm_sim_fixture_use(struct TCase *t);

/* The test's bridge ("tdsm1234"), subnet ("10.242.7.0/24") and address prefix ("10.242.7."). */
const char *swarm_sim_bridge(void);
const char *swarm_sim_subnet(void);
const char *swarm_sim_prefix(void);

/* The simulation's folder: TINYDOCK_RUN/swarm-sim. */
void swarm_sim_folder(char out[PATH_MAX]);

/* `swarm sim up --managers M --workers W` on the test's bridge and subnet, with a real node
 * process on each machine; the test fails when it does. */
void swarm_sim_up(int managers, int workers);

/* The machine's address: prefix + host_number ("21" for worker1). */
void swarm_sim_address(const char *host_number, char out[32]);

/* Remove every machine of the simulation kept in folder ($TINYDOCK_RUN/swarm-sim), as its state
 * file lists them (processes, containers, namespace mounts, links), then its bridge, with the
 * library itself rather than `sim down` (which may be what failed). Nothing there: nothing. */
void swarm_sim_remove_machines(const char *folder);

/* Seconds on the monotonic clock, for deadlines and figures. */
double swarm_sim_now(void);

#endif
