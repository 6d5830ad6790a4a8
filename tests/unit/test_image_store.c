/*
 * test_image_store.c - the image store's index.json and names (05-images/image-store.c), in a
 * temporary folder: no root needed.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "files.h"
#include "image-store.h"

static char root[64];
static struct image_store store;

static void setup(void)
{
	snprintf(root, sizeof(root), "/tmp/tinydock-store-test.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	ck_assert_int_eq(image_store_open_at(&store, root), 0);
}

static void teardown(void)
{
	image_store_close(&store);
	remove_tree(root);
}

/* An image with no layers and a Cmd that makes its config (and so its ID) unique. */
static void put_image(const char *cmd, char digest[SHA256_DIGEST_SIZE], uint64_t *size)
{
	struct json *config = oci_config_new(0);
	json_add_string(oci_config_settings(config), "Hostname", cmd);
	ck_assert_int_eq(image_store_put(&store, config, NULL, 0, digest, size), 0);
	json_free(config);
}

static size_t entries_named(const char *name)
{
	struct image_entry *e;
	size_t count, n = 0;
	ck_assert_int_eq(image_store_list(&store, &e, &count), 0);
	for (size_t i = 0; i < count; i++)
		n += strcmp(e[i].name, name) == 0;
	free(e);
	return n;
}

START_TEST(a_new_store_is_an_oci_image_layout)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/oci-layout", root);
	char *text = read_file(path, NULL);
	ck_assert_str_eq(text, "{\"imageLayoutVersion\":\"1.0.0\"}");
	free(text);
	snprintf(path, sizeof(path), "%s/index.json", root);
	struct json *index = json_parse_file(path);
	ck_assert_int_eq(json_get(index, "manifests")->count, 0);
	json_free(index);
}
END_TEST

START_TEST(a_tag_is_an_index_entry_with_the_familiar_and_the_full_name)
{
	char digest[SHA256_DIGEST_SIZE], path[128];
	uint64_t size;
	put_image("a", digest, &size);
	ck_assert_int_eq(image_store_tag(&store, "busybox", digest, size), 0);
	snprintf(path, sizeof(path), "%s/index.json", root);
	struct json *index = json_parse_file(path);
	ck_assert_str_eq(json_string(json_pointer(index, "/manifests/0/annotations/org.opencontainers.image.ref.name")),
			 "busybox:latest");
	ck_assert_str_eq(json_string(json_pointer(index, "/manifests/0/annotations/io.containerd.image.name")),
			 "docker.io/library/busybox:latest");
	json_free(index);
	struct image img;
	ck_assert_int_eq(image_resolve(&store, "docker.io/library/busybox:latest", &img), 0);
	ck_assert_str_eq(img.digest, digest);
	char prefix[16];
	snprintf(prefix, sizeof(prefix), "%.10s", img.id + 7); /* an ID prefix finds it too */
	image_free(&img);
	ck_assert_int_eq(image_resolve(&store, prefix, &img), 0);
	image_free(&img);
	char by_digest[100];
	snprintf(by_digest, sizeof(by_digest), "busybox@%s", digest);
	ck_assert_int_eq(image_resolve(&store, by_digest, &img), 0);
	image_free(&img);
	ck_assert_int_eq(image_resolve(&store, "alpine", &img), -1);
	ck_assert_str_eq(error_message(), "No such image: alpine");
}
END_TEST

START_TEST(moving_a_tag_leaves_the_old_image_untagged_and_untag_removes_the_name)
{
	char a[SHA256_DIGEST_SIZE], b[SHA256_DIGEST_SIZE], removed[SHA256_DIGEST_SIZE];
	uint64_t sa, sb;
	put_image("a", a, &sa);
	put_image("b", b, &sb);
	ck_assert_int_eq(image_store_tag(&store, "web:1", a, sa), 0);
	ck_assert_int_eq(image_store_tag(&store, "web:1", b, sb), 0);
	ck_assert_uint_eq(entries_named("web:1"), 1);
	ck_assert_uint_eq(entries_named(""), 1); /* a, as <none> */
	ck_assert_int_eq(image_store_untag(&store, "web:1", removed), 0);
	ck_assert_str_eq(removed, b);
	ck_assert_int_eq(image_store_untag(&store, "web:1", NULL), -1);
	ck_assert_int_eq(image_store_forget(&store, a), 0);
	ck_assert_uint_eq(entries_named(""), 0);
}
END_TEST

START_TEST(a_tampered_manifest_in_the_store_is_refused_when_read)
{
	char digest[SHA256_DIGEST_SIZE], path[256];
	uint64_t size;
	put_image("a", digest, &size);
	snprintf(path, sizeof(path), "%s/blobs/sha256/%s", root, digest + 7);
	ck_assert_int_eq(write_file_atomic(path, "{}", 2, 0644), 0);
	struct image img;
	ck_assert_int_eq(image_read(&store, digest, &img), -1);
	ck_assert_msg(strstr(error_message(), "corrupt"), "%s", error_message());
}
END_TEST

START_TEST(eight_processes_tagging_at_once_lose_no_tag)
{
	char digest[SHA256_DIGEST_SIZE];
	uint64_t size;
	put_image("a", digest, &size);
	pid_t pids[8];
	for (int i = 0; i < 8; i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] == 0) {
			char name[32];
			for (int k = 0; k < 5; k++) {
				snprintf(name, sizeof(name), "p%d:t%d", i, k);
				if (image_store_tag(&store, name, digest, size) < 0)
					_exit(1);
			}
			_exit(0);
		}
	}
	for (int i = 0; i < 8; i++) {
		int status;
		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	struct image_entry *e;
	size_t count;
	ck_assert_int_eq(image_store_list(&store, &e, &count), 0);
	ck_assert_uint_eq(count, 40);
	free(e);
}
END_TEST

Suite *image_store_suite(void)
{
	Suite *s = suite_create("image_store");
	TCase *t = tcase_create("index");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, a_new_store_is_an_oci_image_layout);
	tcase_add_test(t, a_tag_is_an_index_entry_with_the_familiar_and_the_full_name);
	tcase_add_test(t, moving_a_tag_leaves_the_old_image_untagged_and_untag_removes_the_name);
	tcase_add_test(t, a_tampered_manifest_in_the_store_is_refused_when_read);
	tcase_add_test(t, eight_processes_tagging_at_once_lose_no_tag);
	suite_add_tcase(s, t);
	return s;
}
