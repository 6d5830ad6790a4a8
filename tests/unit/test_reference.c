/*
 * test_reference.c - image references (05-images/reference.c).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "reference.h"

static const char DIGEST[] = "sha256:4f2a1c3b5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708";

static void check_reference(const char *text, const char *domain, const char *path, const char *tag,
			    const char *familiar, const char *canonical)
{
	struct image_reference ref;
	ck_assert_msg(reference_parse(text, &ref) == 0, "%s: %s", text, error_message());
	ck_assert_str_eq(ref.domain, domain);
	ck_assert_str_eq(ref.path, path);
	ck_assert_str_eq(ref.tag, tag);
	char out[600];
	reference_familiar(&ref, out, sizeof(out));
	ck_assert_str_eq(out, familiar);
	reference_canonical(&ref, out, sizeof(out));
	ck_assert_str_eq(out, canonical);
}

START_TEST(short_names_mean_docker_hub_library_and_latest)
{
	check_reference("busybox", "docker.io", "library/busybox", "latest", "busybox:latest",
			"docker.io/library/busybox:latest");
	check_reference("busybox:1.36", "docker.io", "library/busybox", "1.36", "busybox:1.36",
			"docker.io/library/busybox:1.36");
	check_reference("shop/web:1.0", "docker.io", "shop/web", "1.0", "shop/web:1.0", "docker.io/shop/web:1.0");
	check_reference("docker.io/library/alpine", "docker.io", "library/alpine", "latest", "alpine:latest",
			"docker.io/library/alpine:latest");
}
END_TEST

START_TEST(a_first_component_with_a_dot_a_port_or_localhost_is_a_registry)
{
	check_reference("localhost:5000/shop/web:1.0", "localhost:5000", "shop/web", "1.0",
			"localhost:5000/shop/web:1.0", "localhost:5000/shop/web:1.0");
	check_reference("localhost/web", "localhost", "web", "latest", "localhost/web:latest", "localhost/web:latest");
	check_reference("registry.example.org/team/app", "registry.example.org", "team/app", "latest",
			"registry.example.org/team/app:latest", "registry.example.org/team/app:latest");
	check_reference("127.0.0.1:5000/x", "127.0.0.1:5000", "x", "latest", "127.0.0.1:5000/x:latest",
			"127.0.0.1:5000/x:latest");
}
END_TEST

START_TEST(a_digest_pins_content_with_or_without_a_tag)
{
	char text[200], expected[300];
	struct image_reference ref;
	snprintf(text, sizeof(text), "busybox@%s", DIGEST);
	ck_assert_int_eq(reference_parse(text, &ref), 0);
	ck_assert_str_eq(ref.tag, "");
	ck_assert_str_eq(ref.digest, DIGEST);
	char out[600];
	reference_familiar(&ref, out, sizeof(out));
	snprintf(expected, sizeof(expected), "busybox@%s", DIGEST);
	ck_assert_str_eq(out, expected);
	snprintf(text, sizeof(text), "localhost:5000/web:2@%s", DIGEST);
	ck_assert_int_eq(reference_parse(text, &ref), 0);
	ck_assert_str_eq(ref.tag, "2");
	ck_assert_str_eq(ref.domain, "localhost:5000");
}
END_TEST

START_TEST(bad_references_are_refused_with_the_reason)
{
	struct image_reference ref;
	const char *bad[] = { "", "Busybox", "web:", "web:-x", "a//b", "web/", "/web", "a..b", "web@sha256:12",
			      "web@md5:aa", "exa mple", "localhost:99999999/x", "web:../../etc", "_web" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(reference_parse(bad[i], &ref) == -1, "accepted \"%s\"", bad[i]);
	reference_parse("Busybox", &ref);
	ck_assert_ptr_nonnull(strstr(error_message(), "must be lowercase"));
}
END_TEST

START_TEST(repository_paths_follow_the_distribution_spec)
{
	ck_assert(repository_path_valid("shop/web"));
	ck_assert(repository_path_valid("a__b/c--d/e.f"));
	ck_assert(!repository_path_valid("a___b"));
	ck_assert(!repository_path_valid("a.-b"));
	ck_assert(!repository_path_valid(".."));
	ck_assert(!repository_path_valid("shop/../etc"));
	ck_assert(tag_valid("v1.0_rc-2"));
	ck_assert(!tag_valid(".hidden"));
	ck_assert(digest_valid(DIGEST));
	ck_assert(!digest_valid("sha256:ABCDEF"));
}
END_TEST

START_TEST(a_tag_has_at_most_128_characters)
{
	/* The distribution spec's tag: [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}. */
	char tag[130];
	memset(tag, 'a', sizeof(tag) - 1);
	tag[128] = '\0';
	ck_assert(tag_valid(tag));
	tag[128] = 'a';
	tag[129] = '\0';
	ck_assert(!tag_valid(tag));
}
END_TEST

START_TEST(a_digest_is_lowercase_hex_only)
{
	/* The OCI image spec: a sha256 digest's encoded part matches [a-f0-9]{64}; an uppercase one
	 * would name the same bytes twice. */
	char upper[sizeof(DIGEST)];
	snprintf(upper, sizeof(upper), "%s", DIGEST);
	upper[7] = 'F'; /* "sha256:F..." */
	ck_assert(digest_valid(DIGEST));
	ck_assert(!digest_valid(upper));
	upper[7] = 'g';
	ck_assert(!digest_valid(upper));
}
END_TEST

Suite *reference_suite(void)
{
	Suite *s = suite_create("reference");
	TCase *t = tcase_create("parse");
	tcase_add_test(t, short_names_mean_docker_hub_library_and_latest);
	tcase_add_test(t, a_first_component_with_a_dot_a_port_or_localhost_is_a_registry);
	tcase_add_test(t, a_digest_pins_content_with_or_without_a_tag);
	tcase_add_test(t, bad_references_are_refused_with_the_reason);
	tcase_add_test(t, repository_paths_follow_the_distribution_spec);
	tcase_add_test(t, a_tag_has_at_most_128_characters);
	tcase_add_test(t, a_digest_is_lowercase_hex_only);
	suite_add_tcase(s, t);
	return s;
}
