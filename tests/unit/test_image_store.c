/*
 * test_image_store.c - the image store's index.json and names (05-images/image-store.c), in a
 * temporary folder: no root needed.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "files.h"
#include "image-gc.h"
#include "image-layers.h"
#include "image-store.h"
#include "tar.h"

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

START_TEST(a_short_layer_link_taken_by_another_layer_gets_one_digit_more)
{
	const char *a = "sha256:4f2a1c3b5d6e00000000000000000000000000000000000000000000000000aa";
	const char *b = "sha256:4f2a1c3b5d6e00000000000000000000000000000000000000000000000000bb";
	char pa[PATH_MAX], pb[PATH_MAX], again[PATH_MAX];
	ck_assert_int_eq(image_layer_link(&store, a, pa), 0);
	ck_assert_int_eq(image_layer_link(&store, b, pb), 0);
	ck_assert(strstr(pa, "/l/4f2a1c3b5d6e") && strlen(strrchr(pa, '/') + 1) == 12);
	ck_assert(strstr(pb, "/l/4f2a1c3b5d6e0") && strlen(strrchr(pb, '/') + 1) == 13);
	ck_assert_int_eq(image_layer_link(&store, a, again), 0); /* stable: the same name again */
	ck_assert_str_eq(again, pa);
}
END_TEST

/* A one-file tar written through the store's layer writer. */
static int tiny_layer(tar_write_fn sink, void *sink_ctx, void *ctx)
{
	const char *text = ctx;
	struct tar_writer *w = tar_writer_new(sink, sink_ctx);
	struct tar_entry e = { .path = "file", .type = TAR_REGULAR, .mode = 0644, .size = strlen(text) };
	int rc = tar_writer_header(w, &e) < 0 || tar_writer_data(w, text, strlen(text)) < 0 || tar_writer_finish(w) < 0 ? -1 : 0;
	tar_writer_free(w);
	return rc;
}

static size_t blob_count(void)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/blobs/sha256", root);
	DIR *d = opendir(path);
	ck_assert_ptr_nonnull(d);
	size_t n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

START_TEST(prune_removes_what_no_image_reaches_and_keeps_a_shared_layer)
{
	struct oci_layer base, top;
	ck_assert_int_eq(image_layer_store(&store, tiny_layer, "base", &base), 0);
	ck_assert_int_eq(image_layer_store(&store, tiny_layer, "top", &top), 0);
	ck_assert_str_eq(base.diff_id, base.blob.digest); /* stored uncompressed */
	struct oci_layer two[2] = { base, top };
	char d1[SHA256_DIGEST_SIZE], d2[SHA256_DIGEST_SIZE];
	uint64_t s1, s2;
	struct json *config = oci_config_new(0);
	oci_config_add_layer(config, base.diff_id, 0, "base", NULL);
	ck_assert_int_eq(image_store_put(&store, config, two, 1, d1, &s1), 0);
	oci_config_add_layer(config, top.diff_id, 0, "top", NULL);
	ck_assert_int_eq(image_store_put(&store, config, two, 2, d2, &s2), 0);
	json_free(config);
	ck_assert_int_eq(image_store_tag(&store, "one", d1, s1), 0);
	ck_assert_int_eq(image_store_tag(&store, "two", d2, s2), 0);
	ck_assert_uint_eq(blob_count(), 6); /* 2 layers, 2 configs, 2 manifests */
	struct gc_stats stats;
	ck_assert_int_eq(image_store_gc(&store, &stats), 0);
	ck_assert_uint_eq(stats.blobs, 0);
	ck_assert_int_eq(image_store_untag(&store, "two", NULL), 0);
	ck_assert_int_eq(image_store_gc(&store, &stats), 0);
	ck_assert_uint_eq(stats.blobs, 3); /* top, two's config and manifest; base is one's too */
	ck_assert_uint_eq(blob_count(), 3);
	struct image img;
	ck_assert_int_eq(image_resolve(&store, "one", &img), 0);
	image_free(&img);
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
	tcase_add_test(t, a_short_layer_link_taken_by_another_layer_gets_one_digit_more);
	tcase_add_test(t, prune_removes_what_no_image_reaches_and_keeps_a_shared_layer);
	suite_add_tcase(s, t);
	return s;
}
