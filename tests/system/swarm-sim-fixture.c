/*
 * swarm-sim-fixture.c - simulated machines for a test case, and their removal whatever happened
 * (swarm-sim-fixture.h).
 */
#include "swarm-sim-fixture.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "files.h"
#include "harness.h"
#include "links.h"
#include "swarm-machines.h"

static char bridge[16];
static char subnet[32];
static char prefix[16]; /* "10.242.X." */

/* The simulations this test case made, one folder a line, for the runner to remove after a
 * failed test. */
static char made_list[64];

const char *swarm_sim_bridge(void)
{
	return bridge;
}

const char *swarm_sim_subnet(void)
{
	return subnet;
}

const char *swarm_sim_prefix(void)
{
	return prefix;
}

double swarm_sim_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void swarm_sim_folder(char out[PATH_MAX])
{
	snprintf(out, PATH_MAX, "%s/swarm-sim", sandbox.run);
}

void swarm_sim_address(const char *host_number, char out[32])
{
	snprintf(out, 32, "%s%s", prefix, host_number);
}

void swarm_sim_up(int managers, int workers)
{
	char m[8], w[8];
	snprintf(m, sizeof(m), "%d", managers);
	snprintf(w, sizeof(w), "%d", workers);
	struct run_result r = run_tinydock(NULL, 90, "swarm", "sim", "up", "--managers", m, "--workers", w, "--subnet",
					   subnet, "--bridge", bridge, NULL);
	ck_assert_msg(r.status == 0, "sim up failed (%d): %s%s", r.status, r.out, r.err);
	run_free(&r);
}

/* Before each test: its own bridge and subnet, and its simulation listed for the runner. */
static void own_bridge(void)
{
	snprintf(bridge, sizeof(bridge), "tdsm%d", (int)getpid() % 10000000);
	harness_free_subnet(242, subnet);
	snprintf(prefix, sizeof(prefix), "%.*s", (int)(strrchr(subnet, '.') - subnet + 1), subnet);
	harness_remove_link_at_end(bridge);
	FILE *list = fopen(made_list, "a");
	ck_assert_ptr_nonnull(list);
	char folder[PATH_MAX];
	swarm_sim_folder(folder);
	fprintf(list, "%s\n", folder);
	fclose(list);
}

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

/* After each test that passed: `sim down`, as a user would (unless the test did). */
static void take_everything_down(void)
{
	char folder[PATH_MAX];
	swarm_sim_folder(folder);
	strcat(folder, "/state.json");
	if (access(folder, F_OK) < 0)
		return;
	struct run_result r = run_tinydock(NULL, 60, "swarm", "sim", "down", NULL);
	if (r.status != 0) {
		fprintf(stderr, "sim down after the test failed (%d), cleaning up by hand: %s", r.status, r.err);
		swarm_sim_folder(folder);
		swarm_sim_remove_machines(folder);
	}
	run_free(&r);
}

/* In the runner, around the test case. */
static void start_list(void)
{
	snprintf(made_list, sizeof(made_list), "/tmp/tinydock-swarm-machines.%d", (int)getpid());
	unlink(made_list);
}

static void remove_leftovers(void)
{
	FILE *list = fopen(made_list, "r");
	char folder[PATH_MAX];
	while (list && fgets(folder, sizeof(folder), list)) {
		folder[strcspn(folder, "\n")] = '\0';
		swarm_sim_remove_machines(folder);
	}
	if (list)
		fclose(list);
	unlink(made_list);
}

void swarm_sim_fixture_use(TCase *t)
{
	tcase_add_unchecked_fixture(t, start_list, remove_leftovers);
	tcase_add_checked_fixture(t, own_bridge, take_everything_down);
}
