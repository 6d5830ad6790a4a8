/*
 * test_compose_shop.c - the lecture's shop (07-compose/examples/shop) end to end through
 * `tinydock compose`, as a user runs it: build the website's image, `compose up -d`, read the
 * page (which the website makes by fetching http://product-service by name), `compose ps`,
 * `tinydock ps`, a second `up -d` that touches nothing, `compose stop` within a second, and
 * `compose down`.
 *
 * The test runs a copy of the example in its sandbox (nothing runs in, or edits, the source
 * tree). The copy's compose file publishes ports the kernel has just said are free instead of
 * the lecture's fixed 5000 and 5001, which another run or program may hold. The project's
 * network shop_default is made first on a bridge and a subnet of the test's own (tdc<pid>, a
 * free 10.247.X.0/24), as test_compose.c does, so that parallel runs never meet; `compose
 * down` removes it as it removes a network it made. The script takes the project down on
 * exit, also when a step fails; the bridge is listed for the runner to remove should the test
 * die; images go with the sandbox's state folder.
 */
#include <check.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

static char shop_bridge[16], shop_subnet[32];
static int website_port, product_port;

/* In the test's process, before it: the network's bridge and subnet, and two ports. */
static void own_network_and_ports(void)
{
	snprintf(shop_bridge, sizeof(shop_bridge), "tdc%d", (int)getpid() % 100000);
	harness_free_subnet(247, shop_subnet);
	harness_remove_link_at_end(shop_bridge);
	website_port = harness_free_port();
	do
		product_port = harness_free_port();
	while (product_port == website_port);
}

/*
 * Run a script in $S/shop, a copy of the example whose compose file publishes $WP (the
 * website) and $PP (the product service) in place of 5000 and 5001, with "set -e" and:
 *   $T   the tinydock binary        ms   milliseconds since the epoch
 *   get URL               the body, or a failure (the host's busybox wget, as curl may be absent)
 *   until_ok URL SECONDS  get URL until it answers 2xx, failing after SECONDS
 */
static struct run_result shop_script(int timeout, const char *body)
{
	char example[PATH_MAX], script[16384];
	harness_source_path("07-compose/examples/shop", example);
	snprintf(script, sizeof(script),
		 "set -e; T='%s'; S='%s'; WP=%d; PP=%d;"
		 "ms() { echo $(($(date +%%s%%N) / 1000000)); };"
		 "get() { busybox wget -q -O - \"$1\"; };"
		 "until_ok() { end=$(($(date +%%s) + $2)); until get \"$1\"; do"
		 "  if [ $(date +%%s) -ge $end ]; then echo \"no answer from $1 in $2 s\" >&2; return 1; fi; sleep 0.1; done; };"
		 "cp -a '%s' \"$S/shop\"; cd \"$S/shop\";"
		 "sed -i \"s/- 5001:80/- $PP:80/; s/- 5000:80/- $WP:80/\" docker-compose.yml;"
		 "grep -q \"$WP:80\" docker-compose.yml; grep -q \"$PP:80\" docker-compose.yml;"
		 "trap '$T compose down -v >/dev/null 2>&1 || true' EXIT;"
		 "$T network create --subnet '%s' -o com.docker.network.bridge.name='%s' shop_default >/dev/null;"
		 "%s",
		 tinydock_binary(), sandbox.dir, website_port, product_port, example, shop_subnet, shop_bridge, body);
	const char *argv[] = { "sh", "-c", script, NULL };
	return run_program(NULL, timeout, argv);
}

#define CHECK_OK(r) ck_assert_msg((r).status == 0, "status %d\nout: %s\nerr: %s", (r).status, (r).out, (r).err)
#define CHECK_HAS(text, part) ck_assert_msg(strstr((text), (part)), "\"%s\" not in:\n%s", (part), (text))

/* The text of out after the line that is exactly marker (a marker the script echoes). */
static const char *after(const char *out, const char *marker)
{
	const char *at = strstr(out, marker);
	ck_assert_msg(at, "\"%s\" not in:\n%s", marker, out);
	return at + strlen(marker);
}

START_TEST(the_shop_comes_up_lists_the_four_products_stops_within_a_second_and_goes_down)
{
	struct run_result r = shop_script(
		240, "$T build -q -t busybox-httpd ./busybox-httpd >/dev/null;"
		     "echo '== up'; $T compose up -d 2>&1;"
		     /* the website lists the products once its CGI reaches product-service by name */
		     "echo '== page'; until_ok http://127.0.0.1:$WP/ 30;"
		     "echo '== compose ps'; $T compose ps;"
		     "echo '== ps'; $T ps --format '{{.Names}} {{.Status}}';"
		     "ids() { $T ps -q --no-trunc | sort | tr '\\n' ' '; };"
		     "before=$(ids); echo '== second up'; $T compose up -d 2>&1;"
		     "test \"$before\" = \"$(ids)\" && echo ids-kept;"
		     "echo '== stop'; start=$(ms); $T compose stop 2>&1; echo \"stop-ms: $(($(ms) - start))\";"
		     "echo \"running after stop: $($T ps -q | wc -l)\";"
		     "echo '== down'; $T compose down 2>&1;"
		     "echo \"containers after down: $($T ps -aq | wc -l)\";"
		     "$T network ls | grep -q shop_default || echo network-removed");
	CHECK_OK(r);
	const char *up = after(r.out, "== up\n");
	CHECK_HAS(up, " Container shop-product-service-1  Started");
	CHECK_HAS(up, " Container shop-website-1  Started");
	/* depends_on: the product service is started before the website */
	ck_assert_msg(strstr(up, "shop-product-service-1  Started") < strstr(up, "shop-website-1  Started"),
		      "the website started before the product service:\n%s", up);

	const char *page = after(r.out, "== page\n");
	CHECK_HAS(page, "<h1>Welcome to my shop</h1>");
	CHECK_HAS(page, "    <ul>\n"
			"      <li>Ice cream</li>\n"
			"      <li>Chocolate</li>\n"
			"      <li>Fruit</li>\n"
			"      <li>Eggs</li>\n"
			"    </ul>\n");

	/* compose ps: both services, up, each with its published port */
	const char *compose_ps = after(r.out, "== compose ps\n");
	char website_row[128], product_row[128];
	snprintf(website_row, sizeof(website_row), "0.0.0.0:%d->80/tcp", website_port);
	snprintf(product_row, sizeof(product_row), "0.0.0.0:%d->80/tcp", product_port);
	const char *website = strstr(compose_ps, "\nshop-website-1 ");
	const char *product = strstr(compose_ps, "\nshop-product-service-1 ");
	ck_assert_msg(website && product, "both containers not in compose ps:\n%s", compose_ps);
	char line[512];
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(website + 1, "\n"), website + 1);
	CHECK_HAS(line, " website ");
	CHECK_HAS(line, " Up ");
	CHECK_HAS(line, website_row);
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(product + 1, "\n"), product + 1);
	CHECK_HAS(line, " product-service ");
	CHECK_HAS(line, " Up ");
	CHECK_HAS(line, product_row);

	const char *ps = after(r.out, "== ps\n");
	CHECK_HAS(ps, "shop-product-service-1 Up");
	CHECK_HAS(ps, "shop-website-1 Up");

	const char *second = after(r.out, "== second up\n");
	CHECK_HAS(second, " Container shop-product-service-1  Running\n");
	CHECK_HAS(second, " Container shop-website-1  Running\n");
	CHECK_HAS(second, "ids-kept\n");

	/* stop: httpd is PID 2 under tinydock's init, which passes SIGTERM on: no grace period */
	const char *stop = after(r.out, "== stop\n");
	CHECK_HAS(stop, " Container shop-website-1  Stopped");
	CHECK_HAS(stop, " Container shop-product-service-1  Stopped");
	int stop_ms = -1;
	const char *figure = strstr(stop, "stop-ms: ");
	ck_assert_ptr_nonnull(figure);
	ck_assert_int_eq(sscanf(figure, "stop-ms: %d", &stop_ms), 1);
	ck_assert_msg(stop_ms >= 0 && stop_ms < 1000, "compose stop took %d ms", stop_ms);
	CHECK_HAS(stop, "running after stop: 0\n");

	const char *down = after(r.out, "== down\n");
	CHECK_HAS(down, " Container shop-website-1  Removed");
	CHECK_HAS(down, " Container shop-product-service-1  Removed");
	CHECK_HAS(down, " Network shop_default  Removed");
	CHECK_HAS(down, "containers after down: 0\n");
	CHECK_HAS(down, "network-removed\n");
	run_free(&r);
}
END_TEST

Suite *compose_shop_suite(void)
{
	Suite *s = suite_create("07-compose shop");
	TCase *t = tcase_create("compose shop");
	harness_use_stage(t, 7);
	harness_use_sandbox(t);
	tcase_add_checked_fixture(t, own_network_and_ports, NULL);
	tcase_set_timeout(t, 300);
	tcase_add_test(t, the_shop_comes_up_lists_the_four_products_stops_within_a_second_and_goes_down);
	suite_add_tcase(s, t);
	return s;
}
