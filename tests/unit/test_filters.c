/*
 * test_filters.c - `ps --filter` and `images --filter` as Docker combines and matches them
 * (03-cgroups/filters.c, 05-images/image-filter.c).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "filters.h"
#include "image-filter.h"
#include "json.h"

static struct json *parse(const char *text)
{
	return json_parse(text, strlen(text));
}

static struct filters ps_filters(const char *const *texts)
{
	struct filters f = { 0 };
	for (size_t i = 0; texts[i]; i++)
		ck_assert_msg(container_filters_add(&f, texts[i]) == 0, "%s: %s", texts[i], error_message());
	return f;
}

static bool ps_keeps(const char *const *texts, const struct container_facts *c)
{
	struct filters f = ps_filters(texts);
	bool kept = container_filters_match(&f, c);
	filters_free(&f);
	return kept;
}

static const struct container_facts web = { .id = "4f2a9c0d1e2f", .name = "shop-web-1", .image = "nginx",
					    .state = "running", .network = "shop" };
static const struct container_facts job = { .id = "9e8d7c6b5a4f", .name = "job", .image = "busybox:latest",
					    .state = "exited", .network = "bridge", .exit_code = 3 };

START_TEST(no_filter_keeps_every_container)
{
	const char *none[] = { NULL };
	ck_assert(ps_keeps(none, &web) && ps_keeps(none, &job));
}
END_TEST

START_TEST(values_of_one_key_are_alternatives_and_keys_must_all_hold)
{
	const char *either[] = { "status=exited", "status=running", NULL };
	ck_assert(ps_keeps(either, &web) && ps_keeps(either, &job));
	const char *both[] = { "status=exited", "network=shop", NULL };
	ck_assert(!ps_keeps(both, &web) && !ps_keeps(both, &job));
	const char *both_hold[] = { "status=exited", "network=bridge", NULL };
	ck_assert(!ps_keeps(both_hold, &web) && ps_keeps(both_hold, &job));
}
END_TEST

START_TEST(name_and_id_match_as_regular_expressions_found_anywhere)
{
	const char *part[] = { "name=web", NULL };
	ck_assert(ps_keeps(part, &web) && !ps_keeps(part, &job));
	const char *anchored[] = { "name=^job$", NULL };
	ck_assert(!ps_keeps(anchored, &web) && ps_keeps(anchored, &job));
	const char *slashed[] = { "name=^/job$", NULL }; /* Docker's names begin with "/" */
	ck_assert(ps_keeps(slashed, &job));
	const char *prefix[] = { "id=4f2a", NULL };
	ck_assert(ps_keeps(prefix, &web) && !ps_keeps(prefix, &job));
}
END_TEST

START_TEST(label_matches_a_key_or_a_key_and_its_value)
{
	struct json *labels = parse("{\"tier\":\"web\",\"team\":\"a\"}");
	ck_assert_ptr_nonnull(labels);
	struct container_facts labelled = web;
	labelled.labels = labels;
	const char *key[] = { "label=tier", NULL }, *value[] = { "label=tier=web", NULL }, *other[] = { "label=tier=db", NULL };
	ck_assert(ps_keeps(key, &labelled) && ps_keeps(value, &labelled) && !ps_keeps(other, &labelled));
	ck_assert(!ps_keeps(key, &job)); /* no labels at all */
	json_free(labels);
}
END_TEST

START_TEST(ancestor_takes_an_untagged_name_as_latest)
{
	const char *busybox[] = { "ancestor=busybox", NULL }, *tagged[] = { "ancestor=nginx:latest", NULL };
	ck_assert(ps_keeps(busybox, &job) && !ps_keeps(busybox, &web));
	ck_assert(ps_keeps(tagged, &web) && !ps_keeps(tagged, &job));
	const char *other_tag[] = { "ancestor=busybox:1.36", NULL };
	ck_assert(!ps_keeps(other_tag, &job));
}
END_TEST

START_TEST(exited_matches_the_exit_code_of_stopped_containers_only)
{
	const char *three[] = { "exited=3", NULL }, *zero[] = { "exited=0", NULL };
	ck_assert(ps_keeps(three, &job) && !ps_keeps(zero, &job));
	ck_assert(!ps_keeps(zero, &web)); /* running: no exit code yet */
}
END_TEST

START_TEST(bad_filters_are_refused_in_dockers_words)
{
	struct filters f = { 0 };
	ck_assert_int_eq(container_filters_add(&f, "status"), -1);
	ck_assert_str_eq(error_message(),
			 "invalid argument \"status\" for \"-f, --filter\" flag: bad format of filter (expected name=value)");
	ck_assert_int_eq(container_filters_add(&f, "colour=red"), -1);
	ck_assert_str_eq(error_message(), "invalid filter 'colour'");
	ck_assert_int_eq(container_filters_add(&f, "status=sleeping"), -1);
	ck_assert_str_eq(error_message(), "invalid filter 'status=sleeping'");
	ck_assert_int_eq(container_filters_add(&f, "exited=x"), -1);
	ck_assert_str_eq(error_message(), "invalid filter 'exited=x'");
	ck_assert_int_eq(container_filters_add(&f, "since=web"), -1);
	ck_assert_str_eq(error_message(), "tinydock's ps does not filter on 'since' yet (it knows id, name, label, status, "
					  "ancestor, exited, network)");
	ck_assert_int_eq(image_filters_add(&f, "dangling=maybe"), -1);
	ck_assert_str_eq(error_message(), "invalid filter 'dangling=maybe'");
	ck_assert_uint_eq(f.count, 0);
	error_clear();
	filters_free(&f);
}
END_TEST

static bool images_keep(const char *text, const char *name, const struct json *labels)
{
	struct filters f = { 0 };
	ck_assert_int_eq(image_filters_add(&f, text), 0);
	struct image_facts image = { .name = name, .labels = labels };
	bool kept = image_filters_match(&f, &image);
	filters_free(&f);
	return kept;
}

START_TEST(reference_globs_match_the_name_or_the_repository)
{
	ck_assert(images_keep("reference=busybox", "busybox:latest", NULL));
	ck_assert(images_keep("reference=busybox:latest", "busybox:latest", NULL));
	ck_assert(!images_keep("reference=busybox:1.36", "busybox:latest", NULL));
	ck_assert(images_keep("reference=shop/*", "shop/web:1.0", NULL));
	ck_assert(!images_keep("reference=*", "shop/web:1.0", NULL)); /* "*" stops at "/", as path.Match */
	ck_assert(images_keep("reference=*/*:1.0", "shop/web:1.0", NULL));
	ck_assert(images_keep("reference=localhost:5000/shop/web", "localhost:5000/shop/web:2", NULL));
	ck_assert(!images_keep("reference=*", "", NULL)); /* an untagged image has no reference */
}
END_TEST

START_TEST(dangling_keeps_untagged_or_named_images)
{
	ck_assert(images_keep("dangling=true", "", NULL) && !images_keep("dangling=true", "busybox:latest", NULL));
	ck_assert(!images_keep("dangling=false", "", NULL) && images_keep("dangling=false", "busybox:latest", NULL));
}
END_TEST

START_TEST(image_labels_are_the_configs)
{
	struct json *labels = parse("{\"org.opencontainers.image.version\":\"1.0\"}");
	ck_assert_ptr_nonnull(labels);
	ck_assert(images_keep("label=org.opencontainers.image.version", "shop/web:1.0", labels));
	ck_assert(images_keep("label=org.opencontainers.image.version=1.0", "shop/web:1.0", labels));
	ck_assert(!images_keep("label=org.opencontainers.image.version=2.0", "shop/web:1.0", labels));
	ck_assert(!images_keep("label=org.opencontainers.image.version", "busybox:latest", NULL));
	json_free(labels);
}
END_TEST

Suite *filters_suite(void)
{
	Suite *s = suite_create("filters");
	TCase *ps = tcase_create("ps");
	tcase_add_test(ps, no_filter_keeps_every_container);
	tcase_add_test(ps, values_of_one_key_are_alternatives_and_keys_must_all_hold);
	tcase_add_test(ps, name_and_id_match_as_regular_expressions_found_anywhere);
	tcase_add_test(ps, label_matches_a_key_or_a_key_and_its_value);
	tcase_add_test(ps, ancestor_takes_an_untagged_name_as_latest);
	tcase_add_test(ps, exited_matches_the_exit_code_of_stopped_containers_only);
	tcase_add_test(ps, bad_filters_are_refused_in_dockers_words);
	suite_add_tcase(s, ps);
	TCase *images = tcase_create("images");
	tcase_add_test(images, reference_globs_match_the_name_or_the_repository);
	tcase_add_test(images, dangling_keeps_untagged_or_named_images);
	tcase_add_test(images, image_labels_are_the_configs);
	suite_add_tcase(s, images);
	return s;
}
