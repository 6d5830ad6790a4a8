/*
 * test_swarm_docker_stack.c - one stack file for tinydock's swarm and for Docker's:
 * 08-swarm/examples/shop-stack.yml, deployed from images tinydock built and pushed to its own
 * registry, by `tinydock stack deploy` on simulated machines (swarm-sim-fixture.h) and by
 * `docker stack deploy` on a Docker daemon of the test's own, in swarm mode.
 *
 * The steps are a script, tests/swarm-docker-stack.sh, which a reader can run by hand; this
 * test brings the machines up (and down, also after a failure), gives the script a registry
 * address both sides reach (the host's address on the simulation's bridge, which Docker is told
 * to reach over plain HTTP with --insecure-registry), and reads its verdict. Where Docker is not
 * installed, or its swarm mode does not start here, tinydock's half is still checked and the
 * test is skipped with the exact reason (what refused it).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "swarm-sim-fixture.h"

/* The script in the source tree the binary was built in: the first folder above
 * build/tinydock or build/ch08/tinydock that holds it. */
static void script_path(char out[PATH_MAX])
{
	char folder[PATH_MAX];
	snprintf(folder, sizeof folder, "%s", tinydock_binary());
	for (char *slash; (slash = strrchr(folder, '/'));) {
		*slash = '\0';
		snprintf(out, PATH_MAX, "%.3800s/tests/swarm-docker-stack.sh", folder[0] ? folder : "");
		if (access(out, F_OK) == 0)
			return;
	}
	snprintf(out, PATH_MAX, "tests/swarm-docker-stack.sh"); /* a relative binary: the working folder */
}

START_TEST(the_shops_stack_file_runs_on_tinydocks_swarm_and_on_dockers)
{
	swarm_sim_up(1, 1);
	char script[PATH_MAX], registry[64], mesh[32];
	script_path(script);
	snprintf(registry, sizeof(registry), "%s1:%d", swarm_sim_prefix(), harness_free_port());
	swarm_sim_address("21", mesh); /* the page asked of worker1, wherever the tasks run */
	setenv("T", tinydock_binary(), 1);
	setenv("S", sandbox.dir, 1);
	setenv("REGISTRY", registry, 1);
	setenv("MANAGER", "manager1", 1);
	setenv("MESH", mesh, 1);
	const char *argv[] = { "bash", script, NULL };
	struct run_result r = run_program(NULL, 300, argv);
	printf("%s", r.out);
	const char *skip = strstr(r.out, "skip: ");
	if (r.status == 77 && skip) {
		char reason[1024];
		snprintf(reason, sizeof(reason), "%.*s", (int)strcspn(skip + 6, "\n"), skip + 6);
		run_free(&r);
		SKIP_TEST("Docker's half: %s (tinydock's half passed)", reason);
	}
	if (r.status != 0)
		fprintf(stderr, "%s", r.err); /* the whole story: longer than a Check message may be */
	ck_assert_msg(r.status == 0, "%s exited %d: %.300s", script, r.status, r.err);
	ck_assert_msg(strstr(r.out, "tinydock: the page through the routing mesh") &&
			      strstr(r.out, "docker: the page in its task"),
		      "%s", r.out);
	run_free(&r);
}
END_TEST

Suite *swarm_docker_stack_system_suite(void)
{
	Suite *s = suite_create("08-swarm docker stack");
	TCase *t = tcase_create("one stack file, two swarms");
	harness_use_stage(t, 8);
	harness_use_sandbox(t);
	swarm_sim_fixture_use(t);
	tcase_set_timeout(t, 360);
	tcase_add_test(t, the_shops_stack_file_runs_on_tinydocks_swarm_and_on_dockers);
	suite_add_tcase(s, t);
	return s;
}
