/*
 * test_compose_registry.c - `compose push` and `compose pull` (07-compose/compose-images.c)
 * with chapter 05's registry on this machine: what a team does to run on one machine what was
 * built on another. A service with both `build:` and `image: 127.0.0.1:PORT/shop/app:1` is
 * built and pushed under that name; in a fresh state root (another machine, as far as tinydock
 * can tell) `compose pull` fetches it and `compose up -d` runs it without building.
 *
 * The registry is `tinydock registry serve -d` on 127.0.0.1 and a port the kernel picks (read
 * back from its log, as 05-images/demo.sh does), storing in the sandbox; the script stops it on
 * exit, and takes the project down, also when a step fails. The fresh state root is a second
 * TINYDOCK_ROOT and TINYDOCK_RUN in the sandbox.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define CHECK_OK(r) ck_assert_msg((r).status == 0, "status %d\nout: %s\nerr: %s", (r).status, (r).out, (r).err)
#define CHECK_HAS(text, part) ck_assert_msg(strstr((text), (part)), "\"%s\" not in:\n%s", (part), (text))
#define CHECK_LACKS(text, part) ck_assert_msg(!strstr((text), (part)), "\"%s\" in:\n%s", (part), (text))

/* The text of out after marker (a line the script echoes). */
static const char *after(const char *out, const char *marker)
{
	const char *at = strstr(out, marker);
	ck_assert_msg(at, "\"%s\" not in:\n%s", marker, out);
	return at + strlen(marker);
}

START_TEST(compose_push_sends_the_built_image_and_compose_pull_elsewhere_fetches_it_for_up)
{
	/* the project's network, made first in the fresh state root on a bridge and a subnet of
	 * the test's own, as test_compose.c does, so that parallel runs never meet */
	char script[8192], subnet[32], bridge[16];
	harness_free_subnet(247, subnet);
	snprintf(bridge, sizeof(bridge), "tdr%d", (int)getpid() % 100000);
	harness_remove_link_at_end(bridge);
	snprintf(script, sizeof(script),
		 "set -e; T='%s'; S='%s'; cd \"$S\";"
		 "registry_pid=;"
		 "finish() {"
		 "  TINYDOCK_ROOT=$S/elsewhere TINYDOCK_RUN=$S/elsewhere-run $T compose down >/dev/null 2>&1 || true;"
		 "  if [ -n \"$registry_pid\" ]; then kill \"$registry_pid\" 2>/dev/null || true; fi; };"
		 "trap finish EXIT;"
		 "registry_pid=$($T registry serve -d --addr 127.0.0.1:0 --root \"$S/registry\");"
		 "end=$(($(date +%%s) + 10)); until grep -q 'listening on' \"$S/registry/registry.log\" 2>/dev/null; do"
		 "  [ $(date +%%s) -lt $end ] || { echo 'the registry never listened' >&2; exit 1; }; sleep 0.05; done;"
		 "port=$(sed -n 's/.*(port \\([0-9]*\\)).*/\\1/p' \"$S/registry/registry.log\");"
		 "mkdir -p shop/app; cd shop;"
		 "echo 'FROM busybox' > app/Dockerfile;"
		 "echo 'CMD [\"sh\", \"-c\", \"echo ran-the-pushed-image; exec sleep 3600\"]' >> app/Dockerfile;"
		 "printf 'services:\\n  app:\\n    build: ./app\\n    image: 127.0.0.1:%%s/shop/app:1\\n'"
		 "  \"$port\" > compose.yaml;"
		 "echo '== build'; $T compose build 2>&1;"
		 "echo '== pull before the push';"
		 "TINYDOCK_ROOT=$S/elsewhere TINYDOCK_RUN=$S/elsewhere-run $T compose pull 2>&1 && echo pull-passed;"
		 "echo '== push'; $T compose push 2>&1;"
		 "echo '== registry'; $T registry ls \"127.0.0.1:$port\";"
		 "export TINYDOCK_ROOT=$S/elsewhere TINYDOCK_RUN=$S/elsewhere-run;"
		 "echo \"== elsewhere before: $($T images -q | wc -l) image(s)\";"
		 "echo '== pull'; $T compose pull 2>&1;"
		 "echo '== images'; $T images --format '{{.Repository}}:{{.Tag}}';"
		 "$T network create --subnet '%s' -o com.docker.network.bridge.name='%s' shop_default >/dev/null;"
		 "echo '== up'; $T compose up -d --no-build 2>&1;"
		 "end=$(($(date +%%s) + 10)); until $T logs shop-app-1 2>&1 | grep -q ran-the-pushed-image; do"
		 "  [ $(date +%%s) -lt $end ] || { echo 'the pulled image never ran' >&2; exit 1; }; sleep 0.05; done;"
		 "echo '== running'; $T ps --format '{{.Names}} {{.Image}}'",
		 tinydock_binary(), sandbox.dir, subnet, bridge);
	const char *argv[] = { "sh", "-c", script, NULL };
	struct run_result r = run_program(NULL, 240, argv);
	CHECK_OK(r);
	CHECK_HAS(after(r.out, "== build\n"), " Service app  Built");
	/* nothing in the registry yet: the service can be built, so a warning and no failure */
	const char *early = after(r.out, "== pull before the push\n");
	CHECK_HAS(early, "WARN[0000] ");
	CHECK_HAS(early, "it can be built from source: tinydock compose build app\n");
	CHECK_HAS(early, "pull-passed\n");
	CHECK_HAS(after(r.out, "== push\n"), " Service app  Pushing");
	CHECK_HAS(after(r.out, "== registry\n"), "shop/app:1");
	CHECK_HAS(r.out, "== elsewhere before: 0 image(s)\n");
	CHECK_HAS(after(r.out, "== pull\n"), " Service app  Pulling");
	CHECK_HAS(after(r.out, "== images\n"), "/shop/app:1\n");
	const char *up = after(r.out, "== up\n");
	CHECK_LACKS(up, "Building");
	CHECK_HAS(up, " Container shop-app-1  Started");
	CHECK_HAS(after(r.out, "== running\n"), "shop-app-1 127.0.0.1:");
	run_free(&r);
}
END_TEST

Suite *compose_registry_suite(void)
{
	Suite *s = suite_create("07-compose registry");
	TCase *t = tcase_create("compose registry");
	harness_use_stage(t, 7);
	harness_use_sandbox(t);
	tcase_set_timeout(t, 300);
	tcase_add_test(t, compose_push_sends_the_built_image_and_compose_pull_elsewhere_fetches_it_for_up);
	suite_add_tcase(s, t);
	return s;
}
