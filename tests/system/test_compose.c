/*
 * test_compose.c - `tinydock compose` with real containers (07-compose/compose.c,
 * compose-up.c): a project of two busybox services made by the test, brought up, found by
 * its labels, changed, stopped and taken down. Every script takes its project down on exit,
 * also when a step fails.
 */
#include <check.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* A project "shop" in $S/shop: api serves a page with httpd, web sleeps; both on the project's
 * network, made first on a subnet no route of this host uses (other runs may hold 172.31/16). */
static const char PROJECT[] =
	"mkdir -p shop; cd shop;"
	"cat > compose.yaml <<'EOF'\n"
	"services:\n"
	"  api:\n"
	"    image: busybox\n"
	"    command: [\"sh\", \"-c\", \"mkdir -p /www; echo hello-from-api > /www/index.html; exec httpd -f -p 80 -h /www\"]\n"
	"    volumes: [\"data:/data\"]\n"
	"  web:\n"
	"    image: busybox\n"
	"    command: [\"sleep\", \"3600\"]\n"
	"    depends_on: [api]\n"
	"volumes:\n"
	"  data:\n"
	"EOF\n"
	"trap '$T compose down -v --remove-orphans >/dev/null 2>&1 || true' EXIT;"
	/* api_ready: until api's httpd answers web, polled for at most 10 s */
	"api_ready() { i=0; until $T exec shop-web-1 wget -qO- http://api:80/ >/dev/null 2>&1; do"
	"  i=$((i + 1)); test $i -lt 100 || return 1; sleep 0.1; done; };"
	"$T network create --subnet $SUBNET shop_default >/dev/null;";

/* Run a shell script with $T the tinydock binary, $S the sandbox folder and $SUBNET a free
 * subnet, "set -e" on, after PROJECT when with_project. */
static struct run_result run_script(int timeout, bool with_project, const char *fmt, va_list ap)
{
	char body[8192], script[12000], subnet[32] = "";
	vsnprintf(body, sizeof(body), fmt, ap);
	if (with_project)
		harness_free_subnet(247, subnet);
	snprintf(script, sizeof(script), "set -e; T='%s'; S='%s'; SUBNET='%s'; cd \"$S\"; %s %s", tinydock_binary(),
		 sandbox.dir, subnet, with_project ? PROJECT : "", body);
	const char *argv[] = { "sh", "-c", script, NULL };
	return run_program(NULL, timeout, argv);
}

static struct run_result sh(int timeout, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static struct run_result sh(int timeout, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct run_result r = run_script(timeout, true, fmt, ap);
	va_end(ap);
	return r;
}

/* The same without the project: for commands that make no container. */
static struct run_result sh_alone(int timeout, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static struct run_result sh_alone(int timeout, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct run_result r = run_script(timeout, false, fmt, ap);
	va_end(ap);
	return r;
}

#define CHECK_OK(r) ck_assert_msg((r).status == 0, "status %d\nout: %s\nerr: %s", (r).status, (r).out, (r).err)
#define CHECK_HAS(text, part) ck_assert_msg(strstr((text), (part)), "\"%s\" not in:\n%s", (part), (text))
#define CHECK_LACKS(text, part) ck_assert_msg(!strstr((text), (part)), "\"%s\" in:\n%s", (part), (text))

START_TEST(up_starts_labelled_containers_that_reach_each_other_by_service_name)
{
	struct run_result r = sh(120, "$T compose up -d;"
				      "$T inspect shop-web-1 | grep -q '\"com.docker.compose.project\": \"shop\"';"
				      "$T inspect shop-web-1 | grep -q '\"com.docker.compose.service\": \"web\"';"
				      "$T inspect shop-web-1 | grep -q '\"com.docker.compose.container-number\": \"1\"';"
				      "$T inspect shop-web-1 | grep -q '\"com.docker.compose.oneoff\": \"False\"';"
				      "$T inspect shop-web-1 | grep -q '\"com.docker.compose.config-hash\": \"[0-9a-f]\\{64\\}\"';"
				      "api_ready;"
				      "echo page: $($T exec shop-web-1 wget -qO- http://api:80/);"
				      "echo by-name: $($T exec shop-web-1 wget -qO- http://shop-api-1:80/);"
				      "$T compose ps");
	CHECK_OK(r);
	CHECK_HAS(r.out, " Container shop-api-1  Started");
	CHECK_HAS(r.out, " Container shop-web-1  Started");
	CHECK_HAS(r.out, "page: hello-from-api");
	CHECK_HAS(r.out, "by-name: hello-from-api");
	CHECK_HAS(r.out, "NAME         IMAGE     COMMAND                  SERVICE   STATUS");
	CHECK_HAS(r.out, "\"sleep 3600\"             web       Up");
	run_free(&r);
}
END_TEST

START_TEST(a_second_up_touches_nothing_and_a_changed_service_alone_is_recreated)
{
	struct run_result r = sh(120, "$T compose up -d >/dev/null;"
				      "api=$($T inspect shop-api-1 | grep '\"Id\"'); web=$($T inspect shop-web-1 | grep '\"Id\"');"
				      "echo SECOND; $T compose up -d;"
				      "test \"$api\" = \"$($T inspect shop-api-1 | grep '\"Id\"')\" && echo api-kept;"
				      "test \"$web\" = \"$($T inspect shop-web-1 | grep '\"Id\"')\" && echo web-kept;"
				      "sed -i 's/\"3600\"/\"3601\"/' compose.yaml; echo CHANGED; $T compose up -d;"
				      "test \"$api\" = \"$($T inspect shop-api-1 | grep '\"Id\"')\" && echo api-still-kept;"
				      "test \"$web\" != \"$($T inspect shop-web-1 | grep '\"Id\"')\" && echo web-recreated;"
				      "$T compose ps | grep -q 'sleep 3601'");
	CHECK_OK(r);
	const char *second = strstr(r.out, "SECOND"), *changed = strstr(r.out, "CHANGED");
	ck_assert_ptr_nonnull(second);
	ck_assert_ptr_nonnull(changed);
	CHECK_HAS(second, " Container shop-api-1  Running\n Container shop-web-1  Running\n");
	CHECK_HAS(r.out, "api-kept\nweb-kept\n");
	CHECK_HAS(changed, " Container shop-api-1  Running\n");
	CHECK_HAS(changed, " Container shop-web-1  Recreated\n");
	CHECK_HAS(r.out, "api-still-kept\nweb-recreated\n");
	run_free(&r);
}
END_TEST

START_TEST(stop_returns_quickly_for_containers_that_handle_sigterm_and_down_removes_everything)
{
	struct run_result r = sh(120, "$T compose up -d >/dev/null;"
				      "start=$(date +%%s%%N); $T compose stop; end=$(date +%%s%%N);"
				      "echo stop-ms: $(( (end - start) / 1000000 ));"
				      "$T compose ps -a | grep -q 'Exited'; $T compose ps | grep -c shop- || true;"
				      "$T volume ls -q | grep -qx shop_data && echo volume-kept-by-down;"
				      "$T compose down;"
				      "$T ps -a | grep shop- || echo no-containers;"
				      "$T network ls | grep -q shop_default || echo no-network;"
				      "$T volume ls -q | grep -qx shop_data && echo volume-still-there;"
				      "$T compose down -v;"
				      "$T volume ls -q | grep -qx shop_data || echo volume-removed");
	CHECK_OK(r);
	CHECK_HAS(r.out, " Container shop-web-1  Stopped");
	CHECK_HAS(r.out, " Container shop-api-1  Stopped");
	/* web stops first: it depends on api */
	ck_assert(strstr(r.out, " Container shop-web-1  Stopped") < strstr(r.out, " Container shop-api-1  Stopping"));
	const char *ms = strstr(r.out, "stop-ms: ");
	ck_assert_ptr_nonnull(ms);
	ck_assert_msg(atoi(ms + 9) < 5000, "stop took %d ms", atoi(ms + 9));
	CHECK_HAS(r.out, "no-containers");
	CHECK_HAS(r.out, " Network shop_default  Removed");
	CHECK_HAS(r.out, "no-network");
	CHECK_HAS(r.out, "volume-still-there");
	CHECK_HAS(r.out, "volume-removed");
	run_free(&r);
}
END_TEST

START_TEST(depends_on_service_healthy_waits_for_the_health_check)
{
	struct run_result r = sh(120, "cat > compose.yaml <<'EOF'\n"
				      "services:\n"
				      "  api:\n"
				      "    image: busybox\n"
				      "    command: [\"sh\", \"-c\", \"sleep 1; touch /tmp/ready; exec sleep 3600\"]\n"
				      "    healthcheck:\n"
				      "      test: [\"CMD\", \"test\", \"-e\", \"/tmp/ready\"]\n"
				      "      interval: 200ms\n"
				      "      retries: 30\n"
				      "  web:\n"
				      "    image: busybox\n"
				      "    command: [\"sleep\", \"3600\"]\n"
				      "    depends_on:\n"
				      "      api:\n"
				      "        condition: service_healthy\n"
				      "EOF\n"
				      "$T compose up -d; $T compose ps");
	CHECK_OK(r);
	const char *healthy = strstr(r.out, " Container shop-api-1  Healthy");
	ck_assert_msg(healthy, "no Healthy line:\n%s", r.out);
	const char *web = strstr(r.out, " Container shop-web-1  Created");
	ck_assert_ptr_nonnull(web);
	ck_assert(healthy < web);
	CHECK_HAS(r.out, "(healthy)");
	run_free(&r);
}
END_TEST

START_TEST(service_completed_successfully_waits_for_the_exit_and_a_failure_stops_up)
{
	struct run_result r = sh(120, "cat > compose.yaml <<'EOF'\n"
				      "services:\n"
				      "  migrate:\n"
				      "    image: busybox\n"
				      "    command: [\"sh\", \"-c\", \"sleep 0.5; exit ${MIGRATE_EXIT:-0}\"]\n"
				      "    stdin_open: true\n"
				      "  web:\n"
				      "    image: busybox\n"
				      "    command: [\"sleep\", \"3600\"]\n"
				      "    depends_on:\n"
				      "      migrate:\n"
				      "        condition: service_completed_successfully\n"
				      "EOF\n"
				      "$T compose up -d 2>&1;"
				      "$T compose rm -s -f >/dev/null 2>&1;" /* the test's network stays */
				      "echo FAILING; MIGRATE_EXIT=3 $T compose up -d 2>&1 && exit 1;"
				      "$T compose ps -a");
	CHECK_OK(r);
	const char *failing = strstr(r.out, "FAILING");
	ck_assert_ptr_nonnull(failing);
	const char *exited = strstr(r.out, " Container shop-migrate-1  Exited"), *web = strstr(r.out, " Container shop-web-1  Created");
	ck_assert_msg(exited && web && exited < web && web < failing, "%s", r.out);
	/* the one warning of up: what a container here cannot have */
	CHECK_HAS(r.out, "WARN[0000] not supported here, ignored: services.migrate.stdin_open (without tty: no attach here)\n");
	CHECK_HAS(failing, "tinydock: service \"migrate\" didn't complete successfully: exit 3");
	CHECK_LACKS(failing, "shop-web-1");
	run_free(&r);
}
END_TEST

/* deploy.replicas: N containers numbered from 1; fewer replicas remove the highest numbers.
 * And ports: published on the host by chapter 02's proxy. */
START_TEST(replicas_are_numbered_containers_scaled_down_from_the_top_and_ports_are_published)
{
	struct run_result r = sh(120, "PORT=$((20000 + $$ %% 10000));"
				      "cat > compose.yaml <<EOF\n"
				      "services:\n"
				      "  api:\n"
				      "    image: busybox\n"
				      "    command: [\"sh\", \"-c\", \"mkdir -p /www; echo published > /www/index.html; exec httpd -f -p 80 -h /www\"]\n"
				      "    ports: [\"127.0.0.1:$PORT:80\"]\n"
				      "  web:\n"
				      "    image: busybox\n"
				      "    command: [\"sleep\", \"3600\"]\n"
				      "    deploy:\n"
				      "      replicas: 3\n"
				      "EOF\n"
				      "$T compose up -d;"
				      "i=0; until wget -qO- http://127.0.0.1:$PORT/ 2>/dev/null; do"
				      "  i=$((i + 1)); test $i -lt 100; sleep 0.1; done;"
				      "$T compose ps;"
				      "sed -i 's/replicas: 3/replicas: 1/' compose.yaml; echo SCALED; $T compose up -d; $T compose ps");
	CHECK_OK(r);
	CHECK_HAS(r.out, " Container shop-web-1  Started");
	CHECK_HAS(r.out, " Container shop-web-2  Started");
	CHECK_HAS(r.out, " Container shop-web-3  Started");
	CHECK_HAS(r.out, "published\n");
	CHECK_HAS(r.out, "127.0.0.1:");
	CHECK_HAS(r.out, "->80/tcp");
	const char *scaled = strstr(r.out, "SCALED");
	ck_assert_ptr_nonnull(scaled);
	CHECK_HAS(scaled, " Container shop-web-1  Running");
	CHECK_HAS(scaled, " Container shop-web-2  Removed");
	CHECK_HAS(scaled, " Container shop-web-3  Removed");
	CHECK_LACKS(strstr(scaled, "NAME"), "shop-web-2");
	run_free(&r);
}
END_TEST

START_TEST(a_dependency_cycle_is_one_error_naming_the_cycle)
{
	struct run_result r = sh(60, "cat > compose.yaml <<'EOF'\n"
				     "services:\n"
				     "  a:\n"
				     "    image: busybox\n"
				     "    depends_on: [b]\n"
				     "  b:\n"
				     "    image: busybox\n"
				     "    depends_on: [a]\n"
				     "EOF\n"
				     "$T compose up -d");
	ck_assert_int_ne(r.status, 0);
	CHECK_HAS(r.err, "dependency cycle detected: a -> b -> a");
	CHECK_LACKS(r.out, "Container");
	run_free(&r);
}
END_TEST

START_TEST(exec_and_run_reach_a_service_by_its_name_and_a_one_off_is_labelled_as_such)
{
	struct run_result r = sh(120, "$T compose up -d >/dev/null; api_ready;"
				      "echo exec: $($T compose exec -T web wget -qO- http://api/);"
				      "echo run: $($T compose run --no-deps -T web sh -c 'echo $X; wget -qO- http://api/' );"
				      "name=$($T ps -a | grep -o 'shop-web-run-[0-9a-f]*');"
				      "echo one-off: $name;"
				      "$T inspect $name | grep -q '\"com.docker.compose.oneoff\": \"True\"' && echo labelled-true;"
				      "echo SECOND; $T compose up -d;"
				      "$T compose run --rm --no-deps -T -e X=set web sh -c 'echo env: $X';"
				      "$T ps -a | grep -c 'shop-web-run-'");
	CHECK_OK(r);
	CHECK_HAS(r.out, "exec: hello-from-api");
	CHECK_HAS(r.out, "run: hello-from-api");
	CHECK_HAS(r.out, "one-off: shop-web-run-");
	CHECK_HAS(r.out, "labelled-true");
	const char *second = strstr(r.out, "SECOND");
	ck_assert_ptr_nonnull(second);
	CHECK_LACKS(second, "run-"); /* up leaves one-offs alone: no orphan, no removal */
	CHECK_HAS(r.out, "env: set\n1\n"); /* --rm removed its own; the first one-off stays */
	run_free(&r);
}
END_TEST

/* stubborn handles SIGTERM and goes on (an ignored SIGTERM would be met by init's SIGKILL at
 * once: 02-namespaces/init.c), so only the grace period ends it. */
START_TEST(stop_uses_the_services_stop_signal_and_grace_period)
{
	struct run_result r = sh(120, "cat > compose.yaml <<'EOF'\n"
				      "services:\n"
				      "  stubborn:\n"
				      "    image: busybox\n"
				      "    command: [\"sh\", \"-c\", \"trap 'echo not yet' TERM; touch /ready; while true; do sleep 0.1; done\"]\n"
				      "    stop_grace_period: 1s\n"
				      "  polite:\n"
				      "    image: busybox\n"
				      "    command: [\"sh\", \"-c\", \"trap 'exit 0' USR1; touch /ready; while true; do sleep 0.1; done\"]\n"
				      "    stop_signal: SIGUSR1\n"
				      "EOF\n"
				      "$T compose up -d >/dev/null;"
				      /* both traps set: a condition polled with a deadline of 10 s */
				      "for s in polite stubborn; do i=0; until $T compose exec -T $s test -e /ready 2>/dev/null; do"
				      "  i=$((i + 1)); test $i -lt 100; sleep 0.1; done; done;"
				      "start=$(date +%%s%%N); $T compose stop polite >/dev/null; end=$(date +%%s%%N);"
				      "echo polite-ms: $(( (end - start) / 1000000 ));"
				      "start=$(date +%%s%%N); $T compose stop stubborn >/dev/null; end=$(date +%%s%%N);"
				      "echo stubborn-ms: $(( (end - start) / 1000000 ));"
				      "$T compose ps -a");
	CHECK_OK(r);
	const char *polite = strstr(r.out, "polite-ms: "), *stubborn = strstr(r.out, "stubborn-ms: ");
	ck_assert(polite && stubborn);
	ck_assert_msg(atoi(polite + 11) < 900, "polite took %d ms", atoi(polite + 11));
	ck_assert_msg(atoi(stubborn + 13) >= 1000 && atoi(stubborn + 13) < 5000, "stubborn took %d ms", atoi(stubborn + 13));
	CHECK_HAS(r.out, "Exited (0)");   /* polite: its USR1 trap */
	CHECK_HAS(r.out, "Exited (137)"); /* stubborn: SIGKILL after its grace period */
	run_free(&r);
}
END_TEST

START_TEST(an_override_file_changes_a_service_as_the_merge_rules_say)
{
	struct run_result r = sh(120, "cat > compose.override.yaml <<'EOF'\n"
				      "services:\n"
				      "  web:\n"
				      "    command: [\"sleep\", \"4242\"]\n"
				      "EOF\n"
				      "$T compose -f compose.yaml -f compose.override.yaml up -d >/dev/null;"
				      "$T compose ps");
	CHECK_OK(r);
	CHECK_HAS(r.out, "\"sleep 4242\"");
	CHECK_HAS(r.out, "shop-api-1");
	run_free(&r);
}
END_TEST

START_TEST(a_service_with_build_runs_the_image_built_as_project_service_and_down_rmi_removes_it)
{
	struct run_result r = sh(180, "mkdir -p app; echo built-page > app/index.html;"
				      "cat > app/Dockerfile <<'EOF'\n"
				      "FROM busybox\n"
				      "COPY index.html /www/index.html\n"
				      "CMD [\"httpd\", \"-f\", \"-p\", \"80\", \"-h\", \"/www\"]\n"
				      "EOF\n"
				      "cat > compose.yaml <<'EOF'\n"
				      "services:\n"
				      "  app:\n"
				      "    build: ./app\n"
				      "  web:\n"
				      "    image: busybox\n"
				      "    command: [\"sleep\", \"3600\"]\n"
				      "EOF\n"
				      "$T compose up -d;"
				      "i=0; until $T exec shop-web-1 wget -qO- http://app/ 2>/dev/null; do"
				      "  i=$((i + 1)); test $i -lt 100; sleep 0.1; done;"
				      "$T images | grep -q '^shop-app ' && echo image-named;"
				      "echo SECOND; $T compose up -d;"
				      "echo DOWN; $T compose down --rmi local;"
				      "$T images | grep -q '^shop-app ' || echo image-removed;"
				      "$T images | grep -q '^busybox ' && echo busybox-kept");
	CHECK_OK(r);
	CHECK_HAS(r.out, " Service app  Built");
	CHECK_HAS(r.out, "built-page");
	CHECK_HAS(r.out, "image-named");
	const char *second = strstr(r.out, "SECOND");
	ck_assert_ptr_nonnull(second);
	CHECK_HAS(second, " Container shop-app-1  Running");
	ck_assert_ptr_null(strstr(second, "Building"));
	CHECK_HAS(r.out, "image-removed");
	CHECK_HAS(r.out, "busybox-kept");
	run_free(&r);
}
END_TEST

START_TEST(config_prints_the_shop_resolved_under_its_name_and_the_printed_file_reads_back_the_same)
{
	char example[PATH_MAX];
	harness_source_path("07-compose/examples/shop", example);
	struct run_result r = sh_alone(60, "cp -a '%s' \"$S/lecture-shop\"; cd \"$S/lecture-shop\";"
					   "$T compose config > ../printed.yaml; cat ../printed.yaml;"
					   "$T compose -f - config < ../printed.yaml > ../again.yaml;"
					   "cmp ../printed.yaml ../again.yaml && echo READ-BACK-SAME;"
					   "echo SERVICES; $T compose config --services;"
					   "$T compose config -q && echo VALID;"
					   "$T compose config --format json | head -c 2; echo;"
					   "printf 'services:\\n  web:\\n    image: [oops]\\n' > ../bad.yaml;"
					   "$T compose -f ../bad.yaml config -q 2>&1 || echo INVALID;"
					   "printf 'services:\\n  app: {image: busybox}\\n  debug: {image: busybox, profiles: [debug]}\\n'"
					   "  > ../profiles.yaml;"
					   "echo PROFILES; $T compose -f ../profiles.yaml config --services;"
					   "echo DEBUG; $T compose -f ../profiles.yaml --profile debug config --services",
				       example);
	CHECK_OK(r);
	CHECK_HAS(r.out, "name: lecture-shop\n");
	CHECK_HAS(r.out, "  product-service:\n    build:\n      context: ./product\n");
	CHECK_HAS(r.out, "        published: \"5000\"\n");
	CHECK_HAS(r.out, "READ-BACK-SAME");
	CHECK_HAS(r.out, "SERVICES\nproduct-service\nwebsite\nVALID\n{\n");
	CHECK_HAS(r.out, "bad.yaml:3:");
	CHECK_HAS(r.out, "INVALID");
	CHECK_HAS(r.out, "PROFILES\napp\nDEBUG\napp\ndebug\n"); /* a profile's service only when enabled */
	run_free(&r);
}
END_TEST

/* Two services that say two lines each; each then sleeps (SLEEP) or ends (with EXIT_ONE's and
 * EXIT_TWO's codes), written over PROJECT's file. */
#define TWO_SPEAKERS(SLEEP, EXIT_ONE, EXIT_TWO)                                                      \
	"cat > compose.yaml <<'EOF'\n"                                                               \
	"services:\n"                                                                                \
	"  one:\n"                                                                                   \
	"    image: busybox\n"                                                                       \
	"    command: [\"sh\", \"-c\", \"echo one-first; echo one-last; " SLEEP "exit " EXIT_ONE "\"]\n" \
	"    stop_grace_period: 2s\n"                                                                \
	"  two:\n"                                                                                   \
	"    image: busybox\n"                                                                       \
	"    command: [\"sh\", \"-c\", \"echo two-first; echo two-last; " SLEEP "exit " EXIT_TWO "\"]\n" \
	"    stop_grace_period: 2s\n"                                                                \
	"EOF\n"

/* A container that handles SIGTERM by going on: only SIGKILL ends it. (One that ignores it
 * would be killed at once: stop sees that the signal cannot end it.) */
#define STUBBORN "trap 'echo not yet' TERM; while :; do sleep 0.1; done; "

/* until_in FILE TEXT: poll FILE for TEXT, at most 20 s. */
#define UNTIL_IN                                                                                     \
	"until_in() { i=0; until grep -q \"$2\" \"$1\" 2>/dev/null; do"                                \
	"  i=$((i + 1)); test $i -lt 200 || { echo \"no $2 in $1:\"; cat \"$1\"; return 1; }; sleep 0.1; done; };"

START_TEST(logs_tail_1_of_two_services_shows_each_ones_last_line_with_its_prefix)
{
	struct run_result r = sh(120, TWO_SPEAKERS("sleep 3600; ", "0", "0")
				 "$T compose up -d >/dev/null;"
				 "i=0; until $T logs shop-one-1 | grep -q one-last && $T logs shop-two-1 | grep -q two-last;"
				 "  do i=$((i + 1)); test $i -lt 200; sleep 0.1; done;"
				 "echo LOGS; $T compose logs --tail 1 --no-color; echo ONE; $T compose logs --tail 1 two");
	CHECK_OK(r);
	const char *logs = strstr(r.out, "LOGS\n"), *one = strstr(r.out, "ONE\n");
	ck_assert(logs && one);
	/* The two started together: their lines come in the order they were written, either. */
	ck_assert_int_eq(one - logs, (int)strlen("LOGS\nshop-one-1  | one-last\nshop-two-1  | two-last\n"));
	CHECK_HAS(logs, "\nshop-one-1  | one-last\n");
	CHECK_HAS(logs, "\nshop-two-1  | two-last\n");
	ck_assert_str_eq(one, "ONE\nshop-two-1  | two-last\n");
	run_free(&r);
}
END_TEST

START_TEST(attached_up_of_two_services_that_print_and_exit_returns_with_both_lines_and_their_codes)
{
	struct run_result r = sh(120, TWO_SPEAKERS("", "0", "3")
				 "status=0; $T compose up > up.out 2>&1 || status=$?;"
				 "cat up.out; echo \"status=$status\"");
	CHECK_OK(r);
	/* The two run at once: each one's lines in its order, the two interleaved as written. */
	const char *lines[] = { "shop-one-1  | one-first\n", "shop-one-1  | one-last\n", "shop-two-1  | two-first\n",
				"shop-two-1  | two-last\n" };
	for (size_t i = 0; i < 4; i++)
		CHECK_HAS(r.out, lines[i]);
	ck_assert(strstr(r.out, lines[0]) < strstr(r.out, lines[1]) && strstr(r.out, lines[2]) < strstr(r.out, lines[3]));
	CHECK_HAS(r.out, "shop-one-1 exited with code 0\n");
	CHECK_HAS(r.out, "shop-two-1 exited with code 3\n");
	CHECK_HAS(r.out, "status=0\n"); /* docker compose up: 0 when the containers ended by themselves */
	run_free(&r);
}
END_TEST

START_TEST(abort_on_container_exit_stops_the_others_and_returns_the_first_exit_code)
{
	struct run_result r = sh(120, TWO_SPEAKERS("", "0", "5")
				 "sed -i 's/echo one-last; exit 0/echo one-last; exec sleep 3600/' compose.yaml;"
				 "status=0; $T compose up --abort-on-container-exit > up.out 2>&1 || status=$?;"
				 "cat up.out; echo \"status=$status\"; $T compose ps -a");
	CHECK_OK(r);
	CHECK_HAS(r.out, "shop-two-1 exited with code 5\n");
	CHECK_HAS(r.out, "Aborting on container exit...\n");
	CHECK_HAS(r.out, " Container shop-one-1  Stopped\n");
	CHECK_HAS(r.out, "status=5\n");
	CHECK_LACKS(r.out, "Up "); /* nothing left running */
	run_free(&r);
}
END_TEST

START_TEST(attached_up_sent_sigint_stops_the_containers_within_the_grace_period_and_exits)
{
	/* Both ignore SIGTERM: each is killed when its 2 s grace period ends. */
	struct run_result r = sh(120, TWO_SPEAKERS(STUBBORN, "0", "0") UNTIL_IN
				 "$T compose up > up.out 2>&1 & up=$!;"
				 "until_in up.out two-last; until_in up.out one-last;"
				 "start=$(date +%%s); kill -INT $up; status=0; wait $up || status=$?; end=$(date +%%s);"
				 "cat up.out; echo \"status=$status took=$((end - start))\"; $T compose ps -a");
	CHECK_OK(r);
	CHECK_HAS(r.out, "Gracefully stopping... (press Ctrl+C again to force)\n");
	CHECK_HAS(r.out, " Container shop-one-1  Stopped\n");
	CHECK_HAS(r.out, " Container shop-two-1  Stopped\n");
	CHECK_HAS(r.out, "status=130 ");
	const char *took = strstr(r.out, "took=");
	ck_assert_ptr_nonnull(took);
	ck_assert_msg(atoi(took + 5) >= 1 && atoi(took + 5) <= 5, "stopping took %d s, the grace period is 2 s",
		      atoi(took + 5));
	CHECK_HAS(r.out, "shop-one-1 exited with code 137\n"); /* SIGKILL when the grace period ended */
	CHECK_LACKS(r.out, "Up ");
	run_free(&r);
}
END_TEST

START_TEST(a_second_sigint_kills_the_containers_instead_of_waiting_for_their_grace_period)
{
	struct run_result r = sh(120, TWO_SPEAKERS(STUBBORN, "0", "0") UNTIL_IN
				 "sed -i 's/stop_grace_period: 2s/stop_grace_period: 60s/' compose.yaml;"
				 "$T compose up > up.out 2>&1 & up=$!;"
				 "until_in up.out two-last; until_in up.out one-last;"
				 "start=$(date +%%s); kill -INT $up; until_in up.out Gracefully; until_in up.out Stopping;"
				 "kill -INT $up || echo 'up had ended already'; status=0; wait $up || status=$?; end=$(date +%%s);"
				 "cat up.out; echo \"status=$status took=$((end - start))\"; $T compose ps -a");
	CHECK_OK(r);
	CHECK_HAS(r.out, " Container shop-one-1  Killed\n");
	CHECK_HAS(r.out, "status=130 ");
	const char *took = strstr(r.out, "took=");
	ck_assert_ptr_nonnull(took);
	ck_assert_msg(atoi(took + 5) <= 10, "took %d s: the second Ctrl-C did not kill", atoi(took + 5));
	CHECK_LACKS(r.out, "Up ");
	run_free(&r);
}
END_TEST

START_TEST(a_container_reads_its_secrets_and_configs_from_files_it_cannot_change)
{
	struct run_result r = sh(120, "mkdir -p secrets; echo s3cret > secrets/db.txt;"
				      "cat > compose.yaml <<'EOF'\n"
				      "services:\n"
				      "  reader:\n"
				      "    image: busybox\n"
				      "    command: [\"sh\", \"-c\", \"cat /run/secrets/db_password /run/secrets/token /motd;"
				      " echo x 2>/dev/null > /run/secrets/db_password || echo read-only\"]\n"
				      "    secrets: [db_password, token]\n"
				      "    configs: [{source: motd, target: /motd}]\n"
				      "secrets:\n"
				      "  db_password: {file: ./secrets/db.txt}\n"
				      "  token: {environment: SHOP_TOKEN}\n"
				      "configs:\n"
				      "  motd: {content: \"welcome\\n\"}\n"
				      "EOF\n"
				      "echo SHOP_TOKEN=t0ken > .env;" /* the variable from .env, as interpolation reads it */
				      "$T compose up --no-color 2>&1; cat secrets/db.txt;"
				      "values=\"${TINYDOCK_ROOT:-/var/lib/tinydock}/compose/shop\";"
				      "test -f \"$values/secrets/token\" && echo value-written;"
				      "$T compose down >/dev/null; test -e \"$values\" || echo values-removed");
	CHECK_OK(r);
	CHECK_HAS(r.out, "shop-reader-1  | s3cret\n");
	CHECK_HAS(r.out, "shop-reader-1  | t0kenwelcome\n"); /* the variable's value has no newline */
	CHECK_HAS(r.out, "shop-reader-1  | read-only\n");
	CHECK_HAS(r.out, "shop-reader-1 exited with code 0\n");
	CHECK_LACKS(r.out, "WARN");
	CHECK_HAS(r.out, "\ns3cret\n"); /* the file on the host, unchanged */
	CHECK_HAS(r.out, "value-written\nvalues-removed\n");
	run_free(&r);
}
END_TEST

Suite *compose_suite(void)
{
	Suite *s = suite_create("07-compose compose");
	TCase *t = tcase_create("compose");
	harness_use_stage(t, 7);
	harness_use_sandbox(t);
	tcase_set_timeout(t, 300);
	tcase_add_test(t, up_starts_labelled_containers_that_reach_each_other_by_service_name);
	tcase_add_test(t, a_second_up_touches_nothing_and_a_changed_service_alone_is_recreated);
	tcase_add_test(t, stop_returns_quickly_for_containers_that_handle_sigterm_and_down_removes_everything);
	tcase_add_test(t, depends_on_service_healthy_waits_for_the_health_check);
	tcase_add_test(t, service_completed_successfully_waits_for_the_exit_and_a_failure_stops_up);
	tcase_add_test(t, replicas_are_numbered_containers_scaled_down_from_the_top_and_ports_are_published);
	tcase_add_test(t, a_dependency_cycle_is_one_error_naming_the_cycle);
	tcase_add_test(t, exec_and_run_reach_a_service_by_its_name_and_a_one_off_is_labelled_as_such);
	tcase_add_test(t, stop_uses_the_services_stop_signal_and_grace_period);
	tcase_add_test(t, an_override_file_changes_a_service_as_the_merge_rules_say);
	tcase_add_test(t, a_service_with_build_runs_the_image_built_as_project_service_and_down_rmi_removes_it);
	tcase_add_test(t, config_prints_the_shop_resolved_under_its_name_and_the_printed_file_reads_back_the_same);
	tcase_add_test(t, logs_tail_1_of_two_services_shows_each_ones_last_line_with_its_prefix);
	tcase_add_test(t, attached_up_of_two_services_that_print_and_exit_returns_with_both_lines_and_their_codes);
	tcase_add_test(t, abort_on_container_exit_stops_the_others_and_returns_the_first_exit_code);
	tcase_add_test(t, attached_up_sent_sigint_stops_the_containers_within_the_grace_period_and_exits);
	tcase_add_test(t, a_second_sigint_kills_the_containers_instead_of_waiting_for_their_grace_period);
	tcase_add_test(t, a_container_reads_its_secrets_and_configs_from_files_it_cannot_change);
	suite_add_tcase(s, t);
	return s;
}
