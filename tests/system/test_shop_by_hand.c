/*
 * test_shop_by_hand.c - the lecture's Compose shop (07-compose/examples/shop) run without
 * Compose, with chapter 06's commands: what `compose up` will do for it, shown to work first.
 * by-hand.sh itself runs (two images, a network, two containers, and its cleanup); then the
 * same images by hand show the two things the lesson builds on: the website finds the product
 * service by its name on the project's network, whenever it joins, and a bind-mounted folder
 * is served live, over the image's own copy.
 *
 * Each test copies the example into its sandbox (nothing runs in, or edits, the source tree),
 * publishes ports the kernel has just said are free, and makes its network on a bridge and a
 * subnet of its own (tds<pid>, a free 10.247.X.0/24), listed for the runner to remove should
 * the test die; containers a failed test leaves are removed with its sandbox. Pages are fetched
 * with the host's busybox wget (a dependency of the project, unlike curl), polled until a
 * deadline, never after a fixed sleep.
 */
#include <check.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
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
	snprintf(shop_bridge, sizeof(shop_bridge), "tds%d", (int)getpid() % 100000);
	harness_free_subnet(247, shop_subnet);
	harness_remove_link_at_end(shop_bridge);
	website_port = harness_free_port();
	do
		product_port = harness_free_port();
	while (product_port == website_port);
}

/*
 * Run a shell script in $S/shop, a copy of the example, with "set -e" and:
 *   $T   the tinydock binary        $S   the sandbox folder
 *   $WP  the website's host port    $PP  the product service's host port
 *   $SUB, $BR  the network's subnet and bridge
 *   get URL     the body, or a failure (busybox wget -q)
 *   status URL  the HTTP status line's code, "none" while nothing answers
 *   until_ok URL SECONDS  get URL until it answers 2xx, failing after SECONDS
 */
static struct run_result sh(int timeout, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static struct run_result sh(int timeout, const char *fmt, ...)
{
	char body[8192], script[16384], example[PATH_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	/* the example beside the binary's source tree: build/tinydock -> ../07-compose/... */
	const char *self = getenv("TINYDOCK");
	snprintf(example, sizeof(example), "%s", self ? self : "build/tinydock");
	char *slash = strrchr(example, '/');
	snprintf(slash ? slash + 1 : example, sizeof(example) - (size_t)(slash ? slash + 1 - example : 0),
		 "../07-compose/examples/shop");
	snprintf(script, sizeof(script),
		 "set -e; T='%s'; S='%s'; WP=%d; PP=%d; SUB='%s'; BR='%s';"
		 "get() { busybox wget -q -O - \"$1\"; };"
		 "status() { busybox wget -S -q -O /dev/null \"$1\" 2>&1 | sed -n 's/^ *HTTP\\/1\\.[01] \\([0-9]*\\).*/\\1/p;q' | grep . || echo none; };"
		 "until_ok() { end=$(($(date +%%s) + $2)); until get \"$1\"; do"
		 "  if [ $(date +%%s) -ge $end ]; then echo \"no answer from $1 in $2 s\" >&2; return 1; fi; sleep 0.1; done; };"
		 "cp -a '%s' \"$S/shop\"; cd \"$S/shop\"; %s",
		 tinydock_binary(), sandbox.dir, website_port, product_port, shop_subnet, shop_bridge, example, body);
	const char *argv[] = { "sh", "-c", script, NULL };
	return run_program(NULL, timeout, argv);
}

#define CHECK_OK(r) ck_assert_msg((r).status == 0, "status %d\nout: %s\nerr: %s", (r).status, (r).out, (r).err)
#define CHECK_HAS(text, part) ck_assert_msg(strstr((text), (part)), "\"%s\" not in:\n%s", (part), (text))

/* The lecture's four products, as the website's page lists them. */
static const char FOUR_PRODUCTS[] = "    <ul>\n"
				    "      <li>Ice cream</li>\n"
				    "      <li>Chocolate</li>\n"
				    "      <li>Fruit</li>\n"
				    "      <li>Eggs</li>\n"
				    "    </ul>\n";

/* Build both images and make the network, as by-hand.sh does. */
static const char IMAGES_AND_NETWORK[] =
	"$T build -q -t shop-product-service ./product >/dev/null;"
	"$T build -q -t busybox-httpd ./busybox-httpd >/dev/null;"
	"$T network create --subnet $SUB -o com.docker.network.bridge.name=$BR shop_default >/dev/null;";

START_TEST(by_hand_sh_serves_the_shop_with_the_four_products_and_removes_what_it_made)
{
	struct run_result r = sh(180, "TINYDOCK=$T WEBSITE_PORT=$WP PRODUCT_PORT=$PP SHOP_SUBNET=$SUB SHOP_BRIDGE=$BR"
				      " ./by-hand.sh;"
				      "echo \"left: $($T ps -aq | wc -l) container(s), $($T network ls | grep -c shop_default)"
				      " network(s), bridge $(test -e /sys/class/net/$BR && echo present || echo gone)\"");
	CHECK_OK(r);
	CHECK_HAS(r.out, "$ tinydock network create --subnet ");
	CHECK_HAS(r.out, "shop-website-1\n");
	CHECK_HAS(r.out, "shop-product-service-1\n");
	char ports[64];
	snprintf(ports, sizeof(ports), "0.0.0.0:%d->80/tcp", website_port);
	CHECK_HAS(r.out, ports);
	CHECK_HAS(r.out, "<title>My Shop</title>");
	CHECK_HAS(r.out, "<h1>Welcome to my shop</h1>");
	CHECK_HAS(r.out, FOUR_PRODUCTS);
	CHECK_HAS(r.out, "{\"products\": [\"Ice cream\", \"Chocolate\", \"Fruit\", \"Eggs\"]}\n");
	CHECK_HAS(r.out, "left: 0 container(s), 0 network(s), bridge gone\n");
	run_free(&r);
}
END_TEST

START_TEST(the_website_finds_the_product_service_by_its_alias_once_it_joins_the_network)
{
	struct run_result r = sh(180,
				 "%s"
				 "$T run -d --name shop-website-1 --network shop_default"
				 "  -v \"$PWD/website:/var/www/html\" -p $WP:80 busybox-httpd >/dev/null;"
				 /* httpd listens: any answer but 2xx, since the product service is not there */
				 "end=$(($(date +%%s) + 20)); while [ \"$(status http://127.0.0.1:$WP/)\" = none ]; do"
				 "  [ $(date +%%s) -lt $end ] || { echo 'the website never listened' >&2; exit 1; }; sleep 0.1; done;"
				 "echo \"alone: $(status http://127.0.0.1:$WP/)\";"
				 "$T run -d --name shop-product-service-1 --network shop_default --network-alias product-service"
				 "  -v \"$PWD/product:/usr/src/app\" shop-product-service >/dev/null;"
				 "until_ok http://127.0.0.1:$WP/ 20;"
				 "$T exec shop-website-1 grep product-service /etc/hosts;"
				 "$T logs shop-website-1 2>&1;"
				 "$T rm -f shop-website-1 shop-product-service-1 >/dev/null; $T network rm shop_default >/dev/null",
				 IMAGES_AND_NETWORK);
	CHECK_OK(r);
	/* Before: the name is in nobody's /etc/hosts, the page says so with a 502 ... */
	CHECK_HAS(r.out, "alone: 502\n");
	CHECK_HAS(r.out, "index.cgi: no answer from http://product-service/\n");
	/* ... after: the website's /etc/hosts was rewritten in place, and the same server lists the
	 * products, with no restart. */
	CHECK_HAS(r.out, FOUR_PRODUCTS);
	CHECK_HAS(r.out, "\tshop-product-service-1 product-service ");
	run_free(&r);
}
END_TEST

START_TEST(an_edit_in_the_bind_mounted_product_folder_is_served_at_once_and_the_image_keeps_its_copy)
{
	struct run_result r = sh(180,
				 "%s"
				 "$T run -d --name shop-product-service-1 --network shop_default"
				 "  -v \"$PWD/product:/usr/src/app\" -p $PP:80 shop-product-service >/dev/null;"
				 "until_ok http://127.0.0.1:$PP/ 20;"
				 "sed -i 's/\"Eggs\"/\"Eggs\", \"Milk\"/' product/cgi-bin/index.cgi;"
				 "get http://127.0.0.1:$PP/;"
				 "echo \"in the image: $($T run --rm --network none shop-product-service"
				 "  grep -c Milk /usr/src/app/cgi-bin/index.cgi || true)\";"
				 "$T rm -f shop-product-service-1 >/dev/null; $T network rm shop_default >/dev/null",
				 IMAGES_AND_NETWORK);
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "{\"products\": [\"Ice cream\", \"Chocolate\", \"Fruit\", \"Eggs\"]}\n"
				"{\"products\": [\"Ice cream\", \"Chocolate\", \"Fruit\", \"Eggs\", \"Milk\"]}\n"
				"in the image: 0\n");
	run_free(&r);
}
END_TEST

Suite *shop_by_hand_suite(void)
{
	Suite *s = suite_create("shop_by_hand");
	TCase *t = tcase_create("shop_by_hand");
	harness_use_stage(t, 6);
	harness_use_sandbox(t);
	tcase_add_checked_fixture(t, own_network_and_ports, NULL);
	tcase_set_timeout(t, 240);
	tcase_add_test(t, by_hand_sh_serves_the_shop_with_the_four_products_and_removes_what_it_made);
	tcase_add_test(t, the_website_finds_the_product_service_by_its_alias_once_it_joins_the_network);
	tcase_add_test(t, an_edit_in_the_bind_mounted_product_folder_is_served_at_once_and_the_image_keeps_its_copy);
	suite_add_tcase(s, t);
	return s;
}
