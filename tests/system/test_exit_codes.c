/*
 * test_exit_codes.c - the status of a command that goes wrong, as Docker's CLI gives it.
 *
 * A script that follows a tutorial tests `$?`, so tinydock must answer a bad input with the code
 * docker does. Docker's CLI has two kinds of failure (docker run --help, "Exit Status"; the
 * codes below were read from Docker 28.2.2's CLI against a daemon of this test's own):
 *
 *   125  the command line itself is wrong: an unknown flag, a flag's bad value (--rm=maybe,
 *        -a stdio), a `run` that cannot make its container (an image reference that is no name);
 *   1    the request was understood and refused: no such container, image or network, a
 *        container that is not running, a wrong number of arguments ("requires exactly 1
 *        argument"), an unknown command, a bad --since time.
 *
 * The first test holds tinydock to that table; the second, where Docker is installed, runs the
 * same table against Docker itself, so the table is Docker's and not a guess.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* A stopped container named c1 exists when these run (made by each side's own means). */
static const struct {
	const char *args[6];
	int status;
} cases[] = {
	/* 125: the command line */
	{ { "run", "--bogus", "x" }, 125 },
	{ { "run", "--rm=maybe", "x" }, 125 },
	{ { "run", "-a", "stdio", "x" }, 125 },
	{ { "run", "BAD" }, 125 },
	{ { "ps", "--bogus" }, 125 },
	{ { "images", "--bogus" }, 125 },
	{ { "images", "--digests=maybe" }, 125 },
	{ { "images", "--no-trunc=maybe" }, 125 },
	{ { "stop", "--bogus", "c1" }, 125 },
	{ { "network", "prune", "--bogus" }, 125 },
	/* 1: what the command asked for does not exist, or cannot be done */
	{ { "nosuchcommand" }, 1 },
	{ { "stop", "nosuch" }, 1 },
	{ { "rm", "nosuch" }, 1 },
	{ { "logs", "nosuch" }, 1 },
	{ { "inspect", "nosuch" }, 1 },
	{ { "exec", "nosuch", "true" }, 1 },
	{ { "exec", "-d", "nosuch", "true" }, 1 },
	{ { "exec", "c1", "true" }, 1 }, /* not running */
	{ { "kill", "c1" }, 1 },         /* not running */
	{ { "kill", "nosuch" }, 1 },
	{ { "start", "nosuch" }, 1 },
	{ { "port", "nosuch" }, 1 },
	{ { "rmi", "nosuch" }, 1 },
	{ { "tag", "nosuch", "x" }, 1 },
	{ { "pull", "bad::ref" }, 1 },
	{ { "network", "rm", "nosuch" }, 1 },
	{ { "network", "connect", "nosuchnet", "nosuch" }, 1 },
	{ { "network", "disconnect", "nosuchnet", "nosuch" }, 1 },
	{ { "logs", "--since", "yesterday", "c1" }, 1 },
	/* 1 too: a wrong number of arguments */
	{ { "logs" }, 1 },
	{ { "stop" }, 1 },
	{ { "rename", "c1" }, 1 },
	{ { "container", "prune", "x" }, 1 },
};

/* Run prefix (a shell word list: "$T" or "docker -H ...") with each case's arguments in the
 * sandbox's shell; the statuses, one a line, in out. */
static struct run_result run_table(const char *setup, const char *prefix)
{
	char script[16384];
	size_t n = (size_t)snprintf(script, sizeof(script), "cd '%s'; %s\n", sandbox.dir, setup);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n += (size_t)snprintf(script + n, sizeof(script) - n, "%s", prefix);
		for (int a = 0; cases[i].args[a]; a++)
			n += (size_t)snprintf(script + n, sizeof(script) - n, " '%s'", cases[i].args[a]);
		n += (size_t)snprintf(script + n, sizeof(script) - n, " </dev/null >/dev/null 2>&1; echo $?\n");
	}
	ck_assert_uint_lt(n, sizeof(script));
	const char *argv[] = { "bash", "-c", script, NULL };
	return run_program(NULL, 240, argv);
}

/* Compare the statuses printed, one a line, with the table; name is whose they are. */
static void assert_table(const char *out, const char *name)
{
	const char *line = out;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(line && *line, "%s: %zu statuses for %zu cases: %s", name, i, sizeof(cases) / sizeof(cases[0]),
			      out);
		int status = atoi(line);
		char words[128] = "";
		for (int a = 0; cases[i].args[a]; a++)
			snprintf(words + strlen(words), sizeof(words) - strlen(words), " %s", cases[i].args[a]);
		ck_assert_msg(status == cases[i].status, "%s%s: status %d, Docker's is %d", name, words, status,
			      cases[i].status);
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
}

START_TEST(a_bad_reference_or_argument_exits_1_and_a_bad_flag_125_as_docker)
{
	char setup[PATH_MAX * 2];
	snprintf(setup, sizeof(setup), "T='%s'; $T run --name c1 --network none --rootfs '%s' true >/dev/null 2>&1",
		 tinydock_binary(), sandbox.rootfs);
	struct run_result r = run_table(setup, "$T");
	ck_assert_msg(r.status == 0, "%s", r.err);
	assert_table(r.out, "tinydock");
	run_free(&r);
}
END_TEST

START_TEST(docker_itself_gives_the_statuses_of_the_table)
{
	if (!have_program("dockerd") || !have_program("docker"))
		SKIP_TEST("docker.io is not installed");
	/* A daemon of our own in the sandbox (no iptables, no bridge, no ip_forward), stopped by
	 * its pid when the script ends; c1 is a container of an empty image imported from a tar. */
	char setup[4096];
	snprintf(setup, sizeof(setup),
		 "D=$PWD/docker; mkdir -p $D;"
		 "dockerd --iptables=false --ip-forward=false --bridge=none --data-root $D/data --exec-root $D/exec"
		 " --pidfile $D/pid -H unix://$D/sock > $D/log 2>&1 & dpid=$!;"
		 "trap 'docker -H unix://$D/sock rm -f c1 >/dev/null 2>&1; kill $dpid 2>/dev/null;"
		 " for i in $(seq 60); do kill -0 $dpid 2>/dev/null || break; sleep 0.5; done;"
		 " umount -R $D/data 2>/dev/null || true' EXIT;"
		 "DK=\"docker -H unix://$D/sock\"; up=0;"
		 "for i in $(seq 60); do $DK version >/dev/null 2>&1 && { up=1; break; }; sleep 0.5; done;"
		 "if [ $up = 0 ]; then echo 'dockerd is installed but did not start:' >&2; tail -5 $D/log >&2; exit 1; fi;"
		 "tar -cf empty.tar --files-from /dev/null; $DK import empty.tar empty:1 >/dev/null;"
		 "$DK create --name c1 empty:1 /x >/dev/null");
	struct run_result r = run_table(setup, "$DK");
	ck_assert_msg(r.status == 0, "%s", r.err);
	assert_table(r.out, "docker");
	run_free(&r);
}
END_TEST

Suite *exit_codes_suite(void)
{
	Suite *s = suite_create("exit codes");
	TCase *t = tcase_create("exit codes");
	harness_use_sandbox(t);
	tcase_set_timeout(t, 300);
	tcase_add_test(t, a_bad_reference_or_argument_exits_1_and_a_bad_flag_125_as_docker);
	tcase_add_test(t, docker_itself_gives_the_statuses_of_the_table);
	suite_add_tcase(s, t);
	return s;
}
