/*
 * test_compose_graph.c - start and stop order from depends_on (07-compose/compose-graph.c):
 * levels of services that can start together, the lecture's shop, unknown services, cycles.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "compose-graph.h"
#include "error.h"

/* The order as "a b | c | d": levels separated by bars. */
static char *levels_of(const struct compose_graph_service *services, size_t count)
{
	struct compose_start_order start;
	ck_assert_msg(compose_start_order(services, count, &start) == 0, "%s", error_message());
	static char text[512];
	text[0] = '\0';
	for (size_t l = 0; l < start.levels; l++) {
		if (l)
			strcat(text, " |");
		for (size_t i = start.level_start[l]; i < start.level_start[l + 1]; i++) {
			if (i > start.level_start[l] || l)
				strcat(text, " ");
			strcat(text, services[start.order[i]].name);
		}
	}
	compose_start_order_free(&start);
	return text;
}

static const char *const on_product[] = { "product-service" };

START_TEST(the_website_starts_after_the_product_service_and_stops_before_it)
{
	const struct compose_graph_service shop[] = {
		{ "website", on_product, 1 },
		{ "product-service", NULL, 0 },
	};
	ck_assert_str_eq(levels_of(shop, 2), "product-service | website");
	struct compose_start_order start;
	ck_assert_int_eq(compose_start_order(shop, 2, &start), 0);
	size_t stop[2];
	compose_stop_order(&start, stop);
	ck_assert_int_eq(stop[0], 0); /* website first */
	ck_assert_int_eq(stop[1], 1);
	compose_start_order_free(&start);
}
END_TEST

START_TEST(services_that_do_not_depend_on_each_other_share_a_level)
{
	static const char *const on_db_cache[] = { "db", "cache" };
	static const char *const on_api[] = { "api" };
	static const char *const on_db[] = { "db" };
	const struct compose_graph_service services[] = {
		{ "web", on_api, 1 }, { "api", on_db_cache, 2 }, { "db", NULL, 0 },
		{ "cache", NULL, 0 }, { "worker", on_db, 1 },
	};
	ck_assert_str_eq(levels_of(services, 5), "db cache | api worker | web");
}
END_TEST

START_TEST(a_level_is_one_above_the_highest_dependency_not_the_first)
{
	static const char *const on_a[] = { "a" };
	static const char *const on_a_b[] = { "a", "b" };
	const struct compose_graph_service services[] = { { "c", on_a_b, 2 }, { "b", on_a, 1 }, { "a", NULL, 0 } };
	ck_assert_str_eq(levels_of(services, 3), "a | b | c");
}
END_TEST

START_TEST(a_project_without_services_has_no_levels)
{
	struct compose_start_order start;
	ck_assert_int_eq(compose_start_order(NULL, 0, &start), 0);
	ck_assert_int_eq(start.levels, 0);
	compose_start_order_free(&start);
}
END_TEST

START_TEST(a_dependency_on_an_undefined_service_is_an_error)
{
	static const char *const on_db[] = { "db" };
	const struct compose_graph_service services[] = { { "web", on_db, 1 } };
	struct compose_start_order start;
	ck_assert_int_eq(compose_start_order(services, 1, &start), -1);
	ck_assert_str_eq(error_message(), "service \"web\" depends on undefined service \"db\"");
}
END_TEST

START_TEST(a_cycle_is_an_error_that_names_the_cycle)
{
	static const char *const on_a[] = { "a" };
	static const char *const on_b[] = { "b" };
	static const char *const on_c[] = { "c" };
	const struct compose_graph_service services[] = {
		{ "start", on_a, 1 }, { "a", on_b, 1 }, { "b", on_c, 1 }, { "c", on_a, 1 },
	};
	struct compose_start_order start;
	ck_assert_int_eq(compose_start_order(services, 4, &start), -1);
	ck_assert_str_eq(error_message(), "dependency cycle detected: a -> b -> c -> a");
}
END_TEST

START_TEST(a_service_that_depends_on_itself_is_a_cycle)
{
	static const char *const on_self[] = { "self" };
	const struct compose_graph_service services[] = { { "self", on_self, 1 } };
	struct compose_start_order start;
	ck_assert_int_eq(compose_start_order(services, 1, &start), -1);
	ck_assert_str_eq(error_message(), "dependency cycle detected: self -> self");
}
END_TEST

Suite *compose_graph_suite(void)
{
	Suite *s = suite_create("compose_graph");
	TCase *tc = tcase_create("graph");
	tcase_add_test(tc, the_website_starts_after_the_product_service_and_stops_before_it);
	tcase_add_test(tc, services_that_do_not_depend_on_each_other_share_a_level);
	tcase_add_test(tc, a_level_is_one_above_the_highest_dependency_not_the_first);
	tcase_add_test(tc, a_project_without_services_has_no_levels);
	tcase_add_test(tc, a_dependency_on_an_undefined_service_is_an_error);
	tcase_add_test(tc, a_cycle_is_an_error_that_names_the_cycle);
	tcase_add_test(tc, a_service_that_depends_on_itself_is_a_cycle);
	suite_add_tcase(s, tc);
	return s;
}
