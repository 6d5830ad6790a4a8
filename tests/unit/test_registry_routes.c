/*
 * test_registry_routes.c - the registry's URL space, its patterns and its error bodies (05-images).
 *
 * Cases follow the OCI distribution spec's endpoint table (end-1 ... end-14) and its
 * patterns for names, tags and digests.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "reference.h"
#include "registry-routes.h"

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define SHA "sha256:" D64

/* Route and describe the outcome in one line, so that a case is a pair of strings. */
static const char *route(const char *method, const char *target)
{
	static const char *const ops[] = {
		"base", "catalog", "tags-list", "manifest-get", "manifest-put", "manifest-delete", "blob-get",
		"blob-delete", "upload-start", "upload-whole", "upload-mount", "upload-chunk", "upload-finish",
		"upload-status", "upload-cancel",
	};
	static char out[1024];
	struct registry_route r;
	if (registry_route(method, target, &r) < 0) {
		snprintf(out, sizeof(out), "%d %s%s%s", r.status, registry_error_code(r.error), r.allow ? " allow=" : "",
			 r.allow ? r.allow : "");
		return out;
	}
	int n = snprintf(out, sizeof(out), "%s%s", ops[r.op], r.head ? " head" : "");
	if (r.name[0])
		n += snprintf(out + n, sizeof(out) - (size_t)n, " name=%s", r.name);
	if (r.reference[0])
		n += snprintf(out + n, sizeof(out) - (size_t)n, " ref=%s%s", r.reference, r.reference_is_digest ? " (digest)" : "");
	if (r.digest[0])
		n += snprintf(out + n, sizeof(out) - (size_t)n, " digest=%s", r.digest);
	if (r.from[0])
		n += snprintf(out + n, sizeof(out) - (size_t)n, " from=%s", r.from);
	if (r.has_n)
		n += snprintf(out + n, sizeof(out) - (size_t)n, " n=%lu", r.n);
	if (r.last[0])
		snprintf(out + n, sizeof(out) - (size_t)n, " last=%s", r.last);
	return out;
}

START_TEST(repository_names_follow_the_spec_pattern)
{
	static const char *const good[] = {
		"a", "busybox", "library/busybox", "shop/web", "a.b", "a_b", "a__b", "a-b", "a---b", "a0/b1/c2",
		"my-registry.example/team_x/app", "0", "a.b-c_d__e",
	};
	static const char *const bad[] = {
		"", "A", "Busybox", "a/", "/a", "a//b", "a/../b", "..", ".", "a.", ".a", "a_", "-a", "a-",
		"a___b", "a..b", "a._b", "a-.b", "a b", "a:b", "a/B", "a%2fb", "a\\b", "ä",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(repository_path_valid(good[i]), "%s should be valid", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!repository_path_valid(bad[i]), "%s should be invalid", bad[i]);
	char long_name[300];
	memset(long_name, 'a', sizeof(long_name));
	long_name[255] = '\0';
	ck_assert(repository_path_valid(long_name));
	long_name[255] = 'a';
	long_name[256] = '\0';
	ck_assert(!repository_path_valid(long_name));
}
END_TEST

START_TEST(tags_follow_the_spec_pattern)
{
	static const char *const good[] = { "latest", "1.0", "v1.2.3-rc.1", "_x", "A_b-C.d", "0", "__" };
	static const char *const bad[] = { "", ".x", "-x", "a:b", "a/b", "a b", "a+b", "é" };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(tag_valid(good[i]), "%s should be valid", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!tag_valid(bad[i]), "%s should be invalid", bad[i]);
	char tag[200];
	memset(tag, 'a', sizeof(tag));
	tag[128] = '\0';
	ck_assert(tag_valid(tag));
	tag[128] = 'a';
	tag[129] = '\0';
	ck_assert(!tag_valid(tag));
}
END_TEST

START_TEST(digests_are_sha256_in_lowercase_hex)
{
	/* The spec's grammar allows other algorithms ("sha512:...", "multihash+base58:..."); a
	 * registry that cannot compute them cannot verify them, so they are refused too. */
	static const char *const good[] = { SHA };
	static const char *const bad[] = {
		"", "sha256", "sha256:", ":" D64, "sha256:" D64 "0", "sha256:0123", "SHA256:" D64,
		"sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", "sha512:" D64,
		"sha256:" D64 "/../x", "a+:b", "+a:b", "a:b c", "a:b/c", "sha512:" D64 D64,
		"multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(digest_valid(good[i]), "%s should be valid", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!digest_valid(bad[i]), "%s should be invalid", bad[i]);
}
END_TEST

START_TEST(the_base_endpoint_answers_get_and_head)
{
	ck_assert_str_eq(route("GET", "/v2/"), "base");
	ck_assert_str_eq(route("GET", "/v2"), "base");
	ck_assert_str_eq(route("HEAD", "/v2/"), "base head");
	ck_assert_str_eq(route("POST", "/v2/"), "405 UNSUPPORTED allow=GET, HEAD");
	ck_assert_str_eq(route("GET", "/"), "404 UNSUPPORTED");
	ck_assert_str_eq(route("GET", "/v1/_ping"), "404 UNSUPPORTED");
	ck_assert_str_eq(route("GET", "/v2/busybox"), "404 UNSUPPORTED");
}
END_TEST

START_TEST(manifests_are_routed_by_tag_or_digest)
{
	ck_assert_str_eq(route("GET", "/v2/library/busybox/manifests/latest"),
			 "manifest-get name=library/busybox ref=latest");
	ck_assert_str_eq(route("HEAD", "/v2/shop/web/manifests/1.0"), "manifest-get head name=shop/web ref=1.0");
	ck_assert_str_eq(route("GET", "/v2/a/manifests/" SHA), "manifest-get name=a ref=" SHA " (digest)");
	ck_assert_str_eq(route("GET", "/v2/a/manifests/sha256%3A" D64), "manifest-get name=a ref=" SHA " (digest)");
	ck_assert_str_eq(route("PUT", "/v2/a/b/c/manifests/v1"), "manifest-put name=a/b/c ref=v1");
	ck_assert_str_eq(route("DELETE", "/v2/a/manifests/" SHA), "manifest-delete name=a ref=" SHA " (digest)");
	ck_assert_str_eq(route("POST", "/v2/a/manifests/v1"), "405 UNSUPPORTED allow=GET, HEAD, PUT, DELETE");
	ck_assert_str_eq(route("GET", "/v2/a/manifests/.v1"), "400 TAG_INVALID");
	ck_assert_str_eq(route("GET", "/v2/a/manifests/sha256:abc"), "400 DIGEST_INVALID");
	ck_assert_str_eq(route("GET", "/v2/a/manifests/"), "400 TAG_INVALID");
	/* A repository may be called "manifests" or "blobs": the path is read from its end. */
	ck_assert_str_eq(route("GET", "/v2/manifests/manifests/x"), "manifest-get name=manifests ref=x");
	ck_assert_str_eq(route("GET", "/v2/blobs/blobs/" SHA), "blob-get name=blobs ref=" SHA " (digest)");
}
END_TEST

START_TEST(invalid_names_are_refused_before_anything_else)
{
	ck_assert_str_eq(route("GET", "/v2/Library/manifests/latest"), "400 NAME_INVALID");
	ck_assert_str_eq(route("GET", "/v2/../../etc/manifests/latest"), "400 NAME_INVALID");
	ck_assert_str_eq(route("GET", "/v2/a/%2e%2e/b/manifests/latest"), "400 NAME_INVALID");
	ck_assert_str_eq(route("GET", "/v2//a/manifests/latest"), "400 NAME_INVALID");
	ck_assert_str_eq(route("GET", "/v2/a%00b/manifests/latest"), "404 UNSUPPORTED");
	ck_assert_str_eq(route("GET", "/v2/manifests/latest"), "404 UNSUPPORTED");
	ck_assert_str_eq(route("GET", "/v2//manifests/latest"), "400 NAME_INVALID");
	ck_assert_str_eq(route("PUT", "/v2/a b/manifests/latest"), "400 NAME_INVALID");
}
END_TEST

START_TEST(blobs_are_routed_by_digest_only)
{
	ck_assert_str_eq(route("GET", "/v2/a/blobs/" SHA), "blob-get name=a ref=" SHA " (digest)");
	ck_assert_str_eq(route("HEAD", "/v2/a/blobs/" SHA), "blob-get head name=a ref=" SHA " (digest)");
	ck_assert_str_eq(route("DELETE", "/v2/a/blobs/" SHA), "blob-delete name=a ref=" SHA " (digest)");
	ck_assert_str_eq(route("PUT", "/v2/a/blobs/" SHA), "405 UNSUPPORTED allow=GET, HEAD, DELETE");
	ck_assert_str_eq(route("GET", "/v2/a/blobs/latest"), "400 DIGEST_INVALID");
	/* Decoded first: the slashes are slashes, and "x" under "sha256:../.." is no route at all. */
	ck_assert_str_eq(route("GET", "/v2/a/blobs/sha256:..%2f..%2fx"), "404 UNSUPPORTED");
	ck_assert_str_eq(route("GET", "/v2/a/blobs/sha256:..%5c..%5cx"), "400 DIGEST_INVALID");
}
END_TEST

START_TEST(upload_starts_are_plain_whole_or_mounts)
{
	ck_assert_str_eq(route("POST", "/v2/shop/web/blobs/uploads/"), "upload-start name=shop/web");
	ck_assert_str_eq(route("POST", "/v2/shop/web/blobs/uploads"), "upload-start name=shop/web");
	ck_assert_str_eq(route("POST", "/v2/a/blobs/uploads/?digest=" SHA), "upload-whole name=a digest=" SHA);
	ck_assert_str_eq(route("POST", "/v2/a/blobs/uploads/?digest=sha256%3A" D64), "upload-whole name=a digest=" SHA);
	ck_assert_str_eq(route("POST", "/v2/a/blobs/uploads/?mount=" SHA "&from=library%2Fbusybox"),
			 "upload-mount name=a digest=" SHA " from=library/busybox");
	ck_assert_str_eq(route("POST", "/v2/a/blobs/uploads/?from=b&mount=" SHA), "upload-mount name=a digest=" SHA " from=b");
	ck_assert_str_eq(route("POST", "/v2/a/blobs/uploads/?mount=" SHA), "upload-mount name=a digest=" SHA);
	ck_assert_str_eq(route("POST", "/v2/a/blobs/uploads/?mount=" SHA "&from=B"), "400 NAME_INVALID");
	ck_assert_str_eq(route("POST", "/v2/a/blobs/uploads/?mount=nope&from=b"), "400 DIGEST_INVALID");
	ck_assert_str_eq(route("POST", "/v2/a/blobs/uploads/?digest=sha256:zz"), "400 DIGEST_INVALID");
	ck_assert_str_eq(route("GET", "/v2/a/blobs/uploads/"), "405 UNSUPPORTED allow=POST");
}
END_TEST

START_TEST(upload_sessions_are_patched_finished_queried_and_cancelled)
{
	ck_assert_str_eq(route("PATCH", "/v2/a/blobs/uploads/3f2a-9b_c"), "upload-chunk name=a ref=3f2a-9b_c");
	ck_assert_str_eq(route("PUT", "/v2/a/blobs/uploads/3f2a?digest=" SHA), "upload-finish name=a ref=3f2a digest=" SHA);
	ck_assert_str_eq(route("PUT", "/v2/a/blobs/uploads/3f2a"), "400 DIGEST_INVALID");
	ck_assert_str_eq(route("PUT", "/v2/a/blobs/uploads/3f2a?digest=md5:x%2Fy"), "400 DIGEST_INVALID");
	ck_assert_str_eq(route("GET", "/v2/a/blobs/uploads/3f2a"), "upload-status name=a ref=3f2a");
	ck_assert_str_eq(route("DELETE", "/v2/a/blobs/uploads/3f2a"), "upload-cancel name=a ref=3f2a");
	ck_assert_str_eq(route("POST", "/v2/a/blobs/uploads/3f2a"), "405 UNSUPPORTED allow=GET, HEAD, PATCH, PUT, DELETE");
	ck_assert_str_eq(route("PATCH", "/v2/a/blobs/uploads/.."), "404 BLOB_UPLOAD_UNKNOWN");
	ck_assert_str_eq(route("PATCH", "/v2/a/blobs/uploads/a.b"), "404 BLOB_UPLOAD_UNKNOWN");
	ck_assert_str_eq(route("PATCH", "/v2/a/blobs/uploads/"
					"00000000001111111111222222222233333333334444444444555555555566666"),
			 "404 BLOB_UPLOAD_UNKNOWN");
}
END_TEST

START_TEST(listings_take_n_and_last)
{
	ck_assert_str_eq(route("GET", "/v2/shop/web/tags/list"), "tags-list name=shop/web");
	ck_assert_str_eq(route("GET", "/v2/a/tags/list?n=2&last=v1.0"), "tags-list name=a n=2 last=v1.0");
	ck_assert_str_eq(route("GET", "/v2/a/tags/list?n=0"), "tags-list name=a n=0");
	ck_assert_str_eq(route("GET", "/v2/a/tags/list?n=-1"), "400 UNSUPPORTED");
	ck_assert_str_eq(route("GET", "/v2/a/tags/list?n=1x"), "400 UNSUPPORTED");
	ck_assert_str_eq(route("GET", "/v2/a/tags/list?n="), "400 UNSUPPORTED");
	ck_assert_str_eq(route("GET", "/v2/a/tags/list?last=.x"), "400 TAG_INVALID");
	ck_assert_str_eq(route("DELETE", "/v2/a/tags/list"), "405 UNSUPPORTED allow=GET, HEAD");
	ck_assert_str_eq(route("GET", "/v2/_catalog"), "catalog");
	ck_assert_str_eq(route("GET", "/v2/_catalog?n=100&last=library%2Fbusybox"), "catalog n=100 last=library/busybox");
	ck_assert_str_eq(route("GET", "/v2/_catalog?last=Upper"), "400 NAME_INVALID");
	ck_assert_str_eq(route("PUT", "/v2/_catalog"), "405 UNSUPPORTED allow=GET, HEAD");
}
END_TEST

START_TEST(error_bodies_are_the_spec_json)
{
	char body[512];
	long n = registry_error_body(body, sizeof(body), REGISTRY_BLOB_UNKNOWN, SHA);
	static const char expected[] = "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"blob unknown to registry\","
				       "\"detail\":\"" SHA "\"}]}\n";
	ck_assert_int_eq(n, (long)strlen(expected));
	ck_assert_str_eq(body, expected);

	ck_assert_int_gt(registry_error_body(body, sizeof(body), REGISTRY_NAME_UNKNOWN, NULL), 0);
	ck_assert_str_eq(body, "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"repository name not known to registry\"}]}\n");
}
END_TEST

START_TEST(error_details_are_escaped_as_json_strings)
{
	char body[512];
	ck_assert_int_gt(registry_error_body(body, sizeof(body), REGISTRY_MANIFEST_INVALID, "bad \"x\"\\\n\x01"), 0);
	ck_assert_str_eq(body, "{\"errors\":[{\"code\":\"MANIFEST_INVALID\",\"message\":\"manifest invalid\","
			       "\"detail\":\"bad \\\"x\\\"\\\\\\u000a\\u0001\"}]}\n");
	ck_assert_int_eq(registry_error_body(body, 20, REGISTRY_MANIFEST_INVALID, "x"), -1);
}
END_TEST

START_TEST(each_error_has_its_status)
{
	ck_assert_int_eq(registry_error_status(REGISTRY_BLOB_UNKNOWN), 404);
	ck_assert_int_eq(registry_error_status(REGISTRY_MANIFEST_UNKNOWN), 404);
	ck_assert_int_eq(registry_error_status(REGISTRY_NAME_UNKNOWN), 404);
	ck_assert_int_eq(registry_error_status(REGISTRY_BLOB_UPLOAD_UNKNOWN), 404);
	ck_assert_int_eq(registry_error_status(REGISTRY_DIGEST_INVALID), 400);
	ck_assert_int_eq(registry_error_status(REGISTRY_NAME_INVALID), 400);
	ck_assert_int_eq(registry_error_status(REGISTRY_SIZE_INVALID), 400);
	ck_assert_int_eq(registry_error_status(REGISTRY_UNAUTHORIZED), 401);
	ck_assert_int_eq(registry_error_status(REGISTRY_DENIED), 403);
	ck_assert_int_eq(registry_error_status(REGISTRY_UNSUPPORTED), 405);
	ck_assert_int_eq(registry_error_status(REGISTRY_TOOMANYREQUESTS), 429);
	ck_assert_str_eq(registry_error_code(REGISTRY_MANIFEST_BLOB_UNKNOWN), "MANIFEST_BLOB_UNKNOWN");
	ck_assert_str_eq(registry_error_code((enum registry_error)999), "UNSUPPORTED");
}
END_TEST

Suite *registry_routes_suite(void)
{
	Suite *s = suite_create("registry_routes");
	TCase *t = tcase_create("patterns");
	tcase_add_test(t, repository_names_follow_the_spec_pattern);
	tcase_add_test(t, tags_follow_the_spec_pattern);
	tcase_add_test(t, digests_are_sha256_in_lowercase_hex);
	suite_add_tcase(s, t);

	t = tcase_create("routes");
	tcase_add_test(t, the_base_endpoint_answers_get_and_head);
	tcase_add_test(t, manifests_are_routed_by_tag_or_digest);
	tcase_add_test(t, invalid_names_are_refused_before_anything_else);
	tcase_add_test(t, blobs_are_routed_by_digest_only);
	tcase_add_test(t, upload_starts_are_plain_whole_or_mounts);
	tcase_add_test(t, upload_sessions_are_patched_finished_queried_and_cancelled);
	tcase_add_test(t, listings_take_n_and_last);
	suite_add_tcase(s, t);

	t = tcase_create("errors");
	tcase_add_test(t, error_bodies_are_the_spec_json);
	tcase_add_test(t, error_details_are_escaped_as_json_strings);
	tcase_add_test(t, each_error_has_its_status);
	suite_add_tcase(s, t);
	return s;
}
