/*
 * test_registry_disk.c - the registry end to end on loopback: the store on disk, the HTTP
 * API, and the client of push and pull (05-images).
 *
 * A server runs in a thread over a registry_disk in a temporary folder; images are made in
 * one blob store (random layers, a config, a manifest), pushed, and pulled into another.
 * The raw-socket cases are what the client never does: uploads cut off half way, lying
 * digests, many clients pushing the same blob at once.
 */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blob-store.h"
#include "error.h"
#include "files.h"
#include "http-client.h"
#include "http-server.h"
#include "registry-api.h"
#include "registry-client.h"
#include "registry-transfer.h"
#include "registry-disk.h"

static char base[64];
static char reg_root[128], src_root[128], dst_root[128];
static struct registry_disk *disk;
static struct registry_store store;
static struct http_server *server;
static pthread_t server_thread;
static char addr[64];

/* The server's log is not printed; it only tells when the server is done with a PATCH (it
 * logs each request once its handler has returned, http-server.c). */
static atomic_int patches_answered;

static void quiet(void *ctx, const char *line)
{
	(void)ctx;
	if (strstr(line, "\"PATCH "))
		atomic_fetch_add(&patches_answered, 1);
}

static void *serve(void *arg)
{
	http_server_run(arg);
	return NULL;
}

static void setup(void)
{
	snprintf(base, sizeof(base), "/tmp/test-registry-disk-%d-XXXXXX", (int)getpid());
	ck_assert_ptr_nonnull(mkdtemp(base));
	snprintf(reg_root, sizeof(reg_root), "%s/registry", base);
	snprintf(src_root, sizeof(src_root), "%s/src", base);
	snprintf(dst_root, sizeof(dst_root), "%s/dst", base);
	ck_assert_int_eq(blob_store_init(src_root), 0);
	ck_assert_int_eq(blob_store_init(dst_root), 0);
	disk = registry_disk_open(reg_root);
	ck_assert_msg(disk != NULL, "%s", error_message());
	registry_disk_bind(disk, &store);
	struct http_server_config config = {
		.addr = "127.0.0.1:0", .max_connections = 32, .handler = registry_handle, .handler_ctx = &store, .log = quiet,
	};
	server = http_server_open(&config);
	ck_assert_msg(server != NULL, "%s", error_message());
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", http_server_port(server));
	ck_assert_int_eq(pthread_create(&server_thread, NULL, serve, server), 0);
}

static void teardown(void)
{
	http_server_stop(server);
	pthread_join(server_thread, NULL);
	http_server_close(server);
	registry_disk_close(disk);
	remove_tree(base);
}

/* --- images made for the tests ------------------------------------------------------------- */

static void random_blob(const char *root, size_t size, char digest[SHA256_DIGEST_SIZE])
{
	char *data = malloc(size);
	for (size_t at = 0; at < size;)
		at += (size_t)getrandom(data + at, size - at > 65536 ? 65536 : size - at, 0);
	ck_assert_int_eq(blob_write(root, data, size, NULL, digest), 0);
	free(data);
}

/* An image of count random layers in root; its manifest's digest. */
static void make_image(const char *root, int count, size_t layer_size, char manifest[SHA256_DIGEST_SIZE])
{
	char layers[4096] = "", config[512], body[8192], digest[SHA256_DIGEST_SIZE];
	size_t at = 0;
	for (int i = 0; i < count; i++) {
		random_blob(root, layer_size + (size_t)i, digest);
		at += (size_t)snprintf(layers + at, sizeof(layers) - at,
				       "%s{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"%s\",\"size\":%zu}",
				       i ? "," : "", digest, layer_size + (size_t)i);
	}
	int n = snprintf(config, sizeof(config), "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\"}}");
	ck_assert_int_eq(blob_write(root, config, (size_t)n, NULL, digest), 0);
	n = snprintf(body, sizeof(body),
		     "{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_OCI_MANIFEST "\",\"config\":{\"mediaType\":"
		     "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"%s\",\"size\":%d},\"layers\":[%s]}",
		     digest, n, layers);
	ck_assert_int_eq(blob_write(root, body, (size_t)n, NULL, manifest), 0);
}

static bool same_blob(const char *a_root, const char *b_root, const char *digest)
{
	char a[256], b[256];
	blob_path(a_root, digest, a, sizeof(a));
	blob_path(b_root, digest, b, sizeof(b));
	size_t as, bs;
	char *x = read_file(a, &as), *y = read_file(b, &bs);
	bool same = x && y && as == bs && memcmp(x, y, as) == 0;
	free(x);
	free(y);
	return same;
}

/* Every blob the image names is in both stores, byte for byte. */
static void assert_image_copied(const char *manifest)
{
	ck_assert(same_blob(src_root, dst_root, manifest));
	size_t size;
	char *body = blob_read(dst_root, manifest, 1 << 20, &size);
	ck_assert_ptr_nonnull(body);
	int count = 0;
	for (char *p = strstr(body, "sha256:"); p; p = strstr(p + 1, "sha256:")) {
		char digest[SHA256_DIGEST_SIZE];
		snprintf(digest, sizeof(digest), "%.71s", p);
		ck_assert_msg(same_blob(src_root, dst_root, digest), "%s differs", digest);
		count++;
	}
	ck_assert_int_gt(count, 1);
	free(body);
}

/* Files in a folder, not counting "." and "..". */
static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* --- raw requests ----------------------------------------------------------------------------- */

static int ask(struct http_client *c, const char *method, const char *target, const char *type, const void *body,
	       size_t size, char *out, size_t out_size)
{
	struct http_head head;
	http_client_start(c, &head, method, target);
	if (type)
		http_head_field(&head, "Content-Type", "%s", type);
	ck_assert_int_eq(http_client_send_head(c, &head, (int64_t)size), 0);
	if (size)
		ck_assert_int_eq(http_client_write(c, body, size), 0);
	ck_assert_int_eq(http_client_end_request(c), 0);
	const struct http_message *m;
	ck_assert_msg(http_client_read_response(c, &m) == 0, "%s", error_message());
	int status = m->status;
	if (out) {
		const char *location = http_field_value(m, "Location");
		snprintf(out, out_size, "%s", location ? location : "");
	}
	char buf[4096];
	while (http_client_read(c, buf, sizeof(buf)) > 0)
		;
	return status;
}

/* --- tests ------------------------------------------------------------------------------------- */

START_TEST(a_multi_layer_image_goes_from_one_store_to_another_through_the_registry)
{
	char manifest[SHA256_DIGEST_SIZE], pulled[SHA256_DIGEST_SIZE];
	make_image(src_root, 4, 300000, manifest);
	struct registry_client c;
	registry_client_init(&c, addr, "shop/web");
	ck_assert_msg(registry_ping(&c) == 0, "%s", error_message());
	ck_assert_msg(registry_push_image(&c, src_root, manifest, "1.0") == 0, "%s", error_message());
	uint64_t size;
	ck_assert_msg(registry_pull_image(&c, dst_root, "1.0", pulled, &size, NULL) == 0, "%s", error_message());
	ck_assert_str_eq(pulled, manifest);
	assert_image_copied(manifest);
	registry_client_close(&c);
}
END_TEST

START_TEST(chunked_uploads_give_the_same_blobs_as_whole_ones)
{
	char manifest[SHA256_DIGEST_SIZE], pulled[SHA256_DIGEST_SIZE];
	make_image(src_root, 3, 100000, manifest);
	struct registry_client c;
	registry_client_init(&c, addr, "shop/chunked");
	c.chunk_size = 32768; /* 4 PATCHes per layer, the last one short */
	ck_assert_msg(registry_push_image(&c, src_root, manifest, "latest") == 0, "%s", error_message());
	uint64_t size;
	ck_assert_msg(registry_pull_image(&c, dst_root, "latest", pulled, &size, NULL) == 0, "%s", error_message());
	assert_image_copied(manifest);
	registry_client_close(&c);
}
END_TEST

START_TEST(a_second_push_sends_no_blob_again)
{
	char manifest[SHA256_DIGEST_SIZE];
	make_image(src_root, 2, 50000, manifest);
	struct registry_client c;
	registry_client_init(&c, addr, "shop/web");
	ck_assert_int_eq(registry_push_image(&c, src_root, manifest, "1.0"), 0);
	char path[256];
	snprintf(path, sizeof(path), "%s/blobs/sha256", src_root);
	size_t size;
	char *body = blob_read(src_root, manifest, 1 << 20, &size);
	char *layer = strstr(strstr(body, "\"layers\""), "sha256:");
	char digest[SHA256_DIGEST_SIZE];
	snprintf(digest, sizeof(digest), "%.71s", layer);
	free(body);
	int fd = blob_open(src_root, digest, NULL);
	ck_assert_int_eq(registry_blob_push(&c, digest, fd, 50000), 1); /* 1: HEAD said it is there */
	close(fd);
	registry_client_close(&c);
}
END_TEST

START_TEST(an_image_is_pulled_by_digest_and_the_digest_pins_it)
{
	char first[SHA256_DIGEST_SIZE], second[SHA256_DIGEST_SIZE], pulled[SHA256_DIGEST_SIZE];
	make_image(src_root, 2, 1000, first);
	make_image(src_root, 2, 1000, second);
	struct registry_client c;
	registry_client_init(&c, addr, "shop/web");
	ck_assert_int_eq(registry_push_image(&c, src_root, first, "1.0"), 0);
	ck_assert_int_eq(registry_push_image(&c, src_root, second, "1.0"), 0); /* the tag moves */
	uint64_t size;
	ck_assert_msg(registry_pull_image(&c, dst_root, first, pulled, &size, NULL) == 0, "%s", error_message());
	ck_assert_str_eq(pulled, first);
	ck_assert_int_eq(registry_pull_image(&c, dst_root, "1.0", pulled, &size, NULL), 0);
	ck_assert_str_eq(pulled, second);
	registry_client_close(&c);
}
END_TEST

START_TEST(an_interrupted_upload_leaves_nothing_visible)
{
	struct http_client c;
	ck_assert_int_eq(http_client_connect(&c, addr, 5000), 0);
	char location[512];
	ck_assert_int_eq(ask(&c, "POST", "/v2/lab/blobs/uploads/", NULL, NULL, 0, location, sizeof(location)), 202);
	/* Announce 1 MB, send 1000 bytes, hang up. */
	int answered_before = atomic_load(&patches_answered);
	struct http_head head;
	http_client_start(&c, &head, "PATCH", http_location_target(location));
	ck_assert_int_eq(http_client_send_head(&c, &head, 1000000), 0);
	char junk[1000] = { 0 };
	ck_assert_int_eq(http_client_write(&c, junk, sizeof(junk)), 0);
	http_client_close(&c);
	/* Look once the server is done with the cut PATCH (at most 20 s): whatever it would make
	 * of the 1000 bytes, it has made by then. */
	for (int64_t deadline = http_now_ms() + 20000; atomic_load(&patches_answered) == answered_before;) {
		ck_assert_msg(http_now_ms() < deadline, "the server did not finish the PATCH within 20 s");
		usleep(10000);
	}
	char dir[256];
	snprintf(dir, sizeof(dir), "%s/blobs/sha256", reg_root);
	ck_assert_int_eq(count_files(dir), 0);
	/* The zero-filled 1000 bytes are nowhere to be pulled. */
	uint8_t raw[SHA256_SIZE];
	char digest[SHA256_DIGEST_SIZE];
	sha256(junk, sizeof(junk), raw);
	sha256_digest_string(raw, digest);
	struct registry_client rc;
	registry_client_init(&rc, addr, "lab");
	ck_assert_int_eq(registry_blob_exists(&rc, digest, NULL), 0);
	registry_client_close(&rc);
}
END_TEST

START_TEST(an_upload_whose_bytes_do_not_hash_to_its_digest_is_refused_and_dropped)
{
	struct http_client c;
	ck_assert_int_eq(http_client_connect(&c, addr, 5000), 0);
	char target[512];
	snprintf(target, sizeof(target), "/v2/lab/blobs/uploads/?digest=sha256:%064d", 0);
	ck_assert_int_eq(ask(&c, "POST", target, NULL, "lie", 3, NULL, 0), 400);
	char dir[256];
	snprintf(dir, sizeof(dir), "%s/blobs/sha256", reg_root);
	ck_assert_int_eq(count_files(dir), 0);
	snprintf(dir, sizeof(dir), "%s/" BLOB_INGEST_DIR, reg_root);
	ck_assert_int_eq(count_files(dir), 0);
	ck_assert_uint_eq(registry_disk_uploads(disk), 0);
	http_client_close(&c);
}
END_TEST

struct pusher {
	const char *digest;
	const char *root;
	int result;
	char error[256];
};

static void *push_same_blob(void *arg)
{
	struct pusher *p = arg;
	struct registry_client c;
	registry_client_init(&c, addr, "race");
	uint64_t size;
	int fd = blob_open(p->root, p->digest, &size);
	/* Skip the HEAD shortcut: every thread uploads the whole blob. */
	char target[512];
	struct http_client *h = &c.http;
	p->result = -1;
	if (fd >= 0 && http_client_connect(h, addr, 10000) == 0) {
		struct http_head head;
		snprintf(target, sizeof(target), "/v2/race/blobs/uploads/?digest=%s", p->digest);
		http_client_start(h, &head, "POST", target);
		if (http_client_send_head(h, &head, (int64_t)size) == 0 && http_client_send_file(h, fd, 0, size) == 0 &&
		    http_client_end_request(h) == 0) {
			const struct http_message *m;
			if (http_client_read_response(h, &m) == 0)
				p->result = m->status;
		}
		http_client_close(h);
	}
	snprintf(p->error, sizeof(p->error), "%s", error_message());
	if (fd >= 0)
		close(fd);
	return NULL;
}

START_TEST(concurrent_pushes_of_the_same_blob_all_succeed_and_store_it_once)
{
	char digest[SHA256_DIGEST_SIZE];
	random_blob(src_root, 2 << 20, digest);
	enum { N = 8 };
	pthread_t threads[N];
	struct pusher p[N];
	for (int i = 0; i < N; i++) {
		p[i] = (struct pusher){ .digest = digest, .root = src_root };
		ck_assert_int_eq(pthread_create(&threads[i], NULL, push_same_blob, &p[i]), 0);
	}
	for (int i = 0; i < N; i++) {
		pthread_join(threads[i], NULL);
		ck_assert_msg(p[i].result == 201, "pusher %d: %d %s", i, p[i].result, p[i].error);
	}
	char dir[256];
	snprintf(dir, sizeof(dir), "%s/blobs/sha256", reg_root);
	ck_assert_int_eq(count_files(dir), 1);
	ck_assert(same_blob(src_root, reg_root, digest));
	struct registry_client c;
	registry_client_init(&c, addr, "race");
	ck_assert_int_eq(registry_blob_pull(&c, digest, 2 << 20, dst_root), 0);
	ck_assert(same_blob(src_root, dst_root, digest));
	registry_client_close(&c);
}
END_TEST

START_TEST(a_blob_changed_on_the_server_is_refused_by_the_puller)
{
	char digest[SHA256_DIGEST_SIZE];
	random_blob(src_root, 10000, digest);
	struct registry_client c;
	registry_client_init(&c, addr, "lab");
	int fd = blob_open(src_root, digest, NULL);
	ck_assert_int_eq(registry_blob_push(&c, digest, fd, 10000), 0);
	close(fd);
	/* Someone with access to the registry's disk flips a byte. */
	char path[256];
	blob_path(reg_root, digest, path, sizeof(path));
	fd = open(path, O_WRONLY);
	ck_assert_int_eq(pwrite(fd, "X", 1, 5000), 1);
	close(fd);
	ck_assert_int_eq(registry_blob_pull(&c, digest, 10000, dst_root), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "digest mismatch"));
	ck_assert(!blob_exists(dst_root, digest));
	registry_client_close(&c);
}
END_TEST

START_TEST(manifests_are_checked_before_they_are_stored)
{
	struct http_client c;
	ck_assert_int_eq(http_client_connect(&c, addr, 5000), 0);
	char body[512];
	int n = snprintf(body, sizeof(body),
			 "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:%064d\",\"size\":1},\"layers\":[]}", 0);
	/* It names a config the repository does not have. */
	ck_assert_int_eq(ask(&c, "PUT", "/v2/lab/manifests/1.0", MEDIA_OCI_MANIFEST, body, (size_t)n, NULL, 0), 400);
	/* Not JSON, not schema 2. */
	ck_assert_int_eq(ask(&c, "PUT", "/v2/lab/manifests/1.0", MEDIA_OCI_MANIFEST, "nope", 4, NULL, 0), 400);
	ck_assert_int_eq(ask(&c, "PUT", "/v2/lab/manifests/1.0", MEDIA_OCI_MANIFEST, "{\"schemaVersion\":1}", 19, NULL, 0),
			 400);
	/* Put by a digest that is not the body's. */
	char target[256];
	snprintf(target, sizeof(target), "/v2/lab/manifests/sha256:%064d", 0);
	char index[] = "{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_OCI_INDEX "\",\"manifests\":[]}";
	ck_assert_int_eq(ask(&c, "PUT", target, MEDIA_OCI_INDEX, index, strlen(index), NULL, 0), 400);
	/* An empty index is a valid manifest, stored as given. */
	ck_assert_int_eq(ask(&c, "PUT", "/v2/lab/manifests/empty", MEDIA_OCI_INDEX, index, strlen(index), NULL, 0), 201);
	http_client_close(&c);

	struct registry_client rc;
	registry_client_init(&rc, addr, "lab");
	char *got, type[256], digest[SHA256_DIGEST_SIZE];
	size_t size;
	ck_assert_int_eq(registry_manifest_get(&rc, "empty", &got, &size, type, digest), 0);
	ck_assert_str_eq(type, MEDIA_OCI_INDEX);
	ck_assert_str_eq(got, index);
	free(got);
	ck_assert_int_eq(registry_manifest_get(&rc, "nope", &got, &size, type, digest), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "404 Not Found: MANIFEST_UNKNOWN"));
	registry_client_close(&rc);
}
END_TEST

START_TEST(errors_carry_the_spec_codes)
{
	struct registry_client c;
	registry_client_init(&c, addr, "nothing/here");
	char **items;
	size_t count;
	ck_assert_int_eq(registry_list(&c, "/v2/nothing/here/tags/list", "tags", &items, &count), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "404 Not Found: NAME_UNKNOWN"));
	ck_assert_int_eq(registry_list(&c, "/v2/Bad/tags/list", "tags", &items, &count), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "400 Bad Request: NAME_INVALID"));
	char target[256];
	snprintf(target, sizeof(target), "/v2/a/../b/blobs/sha256:%064d", 0);
	ck_assert_int_eq(registry_list(&c, target, "x", &items, &count), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "NAME_INVALID"));
	registry_client_close(&c);
}
END_TEST

START_TEST(catalog_and_tags_come_in_pages)
{
	char manifest[SHA256_DIGEST_SIZE];
	make_image(src_root, 1, 100, manifest);
	static const char *const repos[] = { "b/two", "a/one", "c" };
	static const char *const tags[] = { "3", "1", "2", "latest" };
	for (size_t r = 0; r < 3; r++) {
		struct registry_client c;
		registry_client_init(&c, addr, repos[r]);
		for (size_t t = 0; t < 4; t++)
			ck_assert_int_eq(registry_push_image(&c, src_root, manifest, tags[t]), 0);
		registry_client_close(&c);
	}
	struct http_client h;
	ck_assert_int_eq(http_client_connect(&h, addr, 5000), 0);
	struct http_head head;
	http_client_start(&h, &head, "GET", "/v2/_catalog?n=2");
	ck_assert_int_eq(http_client_send_head(&h, &head, 0), 0);
	const struct http_message *m;
	ck_assert_int_eq(http_client_read_response(&h, &m), 0);
	ck_assert_str_eq(http_field_value(m, "Link"), "</v2/_catalog?n=2&last=b/two>; rel=\"next\"");
	char body[512] = "";
	ssize_t n, at = 0;
	while ((n = http_client_read(&h, body + at, sizeof(body) - 1 - (size_t)at)) > 0)
		at += n;
	ck_assert_str_eq(body, "{\"repositories\":[\"a/one\",\"b/two\"]}\n");
	http_client_close(&h);

	/* The client follows the Links to the end. */
	struct registry_client c;
	registry_client_init(&c, addr, "");
	char **items;
	size_t count;
	ck_assert_int_eq(registry_list(&c, "/v2/b/two/tags/list?n=1", "tags", &items, &count), 0);
	ck_assert_uint_eq(count, 4);
	ck_assert_str_eq(items[0], "1");
	ck_assert_str_eq(items[3], "latest");
	for (size_t i = 0; i < count; i++)
		free(items[i]);
	free(items);
	registry_client_close(&c);
}
END_TEST

START_TEST(a_blob_is_mounted_from_another_repository_without_its_bytes)
{
	char digest[SHA256_DIGEST_SIZE];
	random_blob(src_root, 5000, digest);
	struct registry_client c;
	registry_client_init(&c, addr, "library/base");
	int fd = blob_open(src_root, digest, NULL);
	ck_assert_int_eq(registry_blob_push(&c, digest, fd, 5000), 0);
	close(fd);
	registry_client_close(&c);

	struct http_client h;
	ck_assert_int_eq(http_client_connect(&h, addr, 5000), 0);
	char target[512];
	snprintf(target, sizeof(target), "/v2/shop/web/blobs/%s", digest);
	ck_assert_int_eq(ask(&h, "HEAD", target, NULL, NULL, 0, NULL, 0), 404); /* repositories are apart */
	snprintf(target, sizeof(target), "/v2/shop/web/blobs/uploads/?mount=%s&from=library/base", digest);
	ck_assert_int_eq(ask(&h, "POST", target, NULL, NULL, 0, NULL, 0), 201);
	snprintf(target, sizeof(target), "/v2/shop/web/blobs/%s", digest);
	ck_assert_int_eq(ask(&h, "HEAD", target, NULL, NULL, 0, NULL, 0), 200);
	/* From a repository that does not have it: an ordinary upload starts instead. */
	snprintf(target, sizeof(target), "/v2/other/blobs/uploads/?mount=%s&from=nowhere", digest);
	ck_assert_int_eq(ask(&h, "POST", target, NULL, NULL, 0, NULL, 0), 202);
	http_client_close(&h);
}
END_TEST

START_TEST(deleting_a_tag_or_a_manifest_takes_it_away)
{
	char manifest[SHA256_DIGEST_SIZE];
	make_image(src_root, 1, 100, manifest);
	struct registry_client c;
	registry_client_init(&c, addr, "lab");
	ck_assert_int_eq(registry_push_image(&c, src_root, manifest, "a"), 0);
	ck_assert_int_eq(registry_push_image(&c, src_root, manifest, "b"), 0);
	registry_client_close(&c);
	struct http_client h;
	ck_assert_int_eq(http_client_connect(&h, addr, 5000), 0);
	ck_assert_int_eq(ask(&h, "DELETE", "/v2/lab/manifests/a", NULL, NULL, 0, NULL, 0), 202);
	ck_assert_int_eq(ask(&h, "GET", "/v2/lab/manifests/a", NULL, NULL, 0, NULL, 0), 404);
	ck_assert_int_eq(ask(&h, "GET", "/v2/lab/manifests/b", NULL, NULL, 0, NULL, 0), 200);
	char target[256];
	snprintf(target, sizeof(target), "/v2/lab/manifests/%s", manifest);
	ck_assert_int_eq(ask(&h, "DELETE", target, NULL, NULL, 0, NULL, 0), 202);
	ck_assert_int_eq(ask(&h, "GET", "/v2/lab/manifests/b", NULL, NULL, 0, NULL, 0), 404); /* its tags went too */
	ck_assert_int_eq(ask(&h, "GET", target, NULL, NULL, 0, NULL, 0), 404);
	http_client_close(&h);
}
END_TEST

START_TEST(an_index_is_pushed_with_its_manifests_and_pulled_for_this_platform)
{
	char amd64[SHA256_DIGEST_SIZE], arm64[SHA256_DIGEST_SIZE], index[SHA256_DIGEST_SIZE];
	make_image(src_root, 2, 1000, amd64);
	make_image(src_root, 1, 1000, arm64);
	char body[2048];
	int n = snprintf(body, sizeof(body),
			 "{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_OCI_INDEX "\",\"manifests\":["
			 "{\"mediaType\":\"" MEDIA_OCI_MANIFEST "\",\"digest\":\"%s\",\"size\":1,"
			 "\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}},"
			 "{\"mediaType\":\"" MEDIA_OCI_MANIFEST "\",\"digest\":\"%s\",\"size\":1,"
			 "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}",
			 arm64, amd64);
	ck_assert_int_eq(blob_write(src_root, body, (size_t)n, NULL, index), 0);
	struct registry_client c;
	registry_client_init(&c, addr, "multi");
	ck_assert_msg(registry_push_image(&c, src_root, index, "1.0") == 0, "%s", error_message());
	char pulled[SHA256_DIGEST_SIZE], named[SHA256_DIGEST_SIZE];
	uint64_t size;
	ck_assert_msg(registry_pull_image(&c, dst_root, "1.0", pulled, &size, named) == 0, "%s", error_message());
	ck_assert_str_eq(named, index);
	/* This test machine is x86_64 or aarch64: the pull follows its own platform. */
#if defined(__aarch64__)
	ck_assert_str_eq(pulled, arm64);
#else
	ck_assert_str_eq(pulled, amd64);
#endif
	ck_assert(blob_exists(dst_root, index));
	ck_assert(same_blob(src_root, dst_root, pulled));
	registry_client_close(&c);
}
END_TEST

/* A server that cuts the first download of its blob half way, then honours Range. */
static struct {
	char data[300000];
	char digest[SHA256_DIGEST_SIZE];
	int requests;
	char range[64];
} flaky;

static void flaky_handler(struct http_exchange *ex, void *ctx)
{
	(void)ctx;
	const char *range = http_field_value(http_exchange_request(ex), "Range");
	snprintf(flaky.range, sizeof(flaky.range), "%s", range ? range : "");
	struct http_head h;
	if (flaky.requests++ == 0) {
		http_head_response(&h, 200);
		http_exchange_send_head(ex, &h, sizeof(flaky.data));
		http_exchange_write(ex, flaky.data, sizeof(flaky.data) / 2); /* and no more */
		return;
	}
	uint64_t first = 0, last = 0;
	ck_assert_int_eq(http_parse_range(range, sizeof(flaky.data), &first, &last), HTTP_RANGE_PARTIAL);
	http_head_response(&h, 206);
	http_head_field(&h, "Content-Range", "bytes %llu-%llu/%zu", (unsigned long long)first, (unsigned long long)last,
			sizeof(flaky.data));
	http_exchange_send_head(ex, &h, (int64_t)(last - first + 1));
	http_exchange_write(ex, flaky.data + first, last - first + 1);
}

START_TEST(a_download_cut_off_half_way_goes_on_with_a_range_request)
{
	for (size_t at = 0; at < sizeof(flaky.data);)
		at += (size_t)getrandom(flaky.data + at, sizeof(flaky.data) - at, 0);
	uint8_t raw[SHA256_SIZE];
	sha256(flaky.data, sizeof(flaky.data), raw);
	sha256_digest_string(raw, flaky.digest);
	struct http_server_config config = { .addr = "127.0.0.1:0", .handler = flaky_handler, .log = quiet };
	struct http_server *s = http_server_open(&config);
	ck_assert_ptr_nonnull(s);
	pthread_t thread;
	ck_assert_int_eq(pthread_create(&thread, NULL, serve, s), 0);
	char flaky_addr[64];
	snprintf(flaky_addr, sizeof(flaky_addr), "127.0.0.1:%d", http_server_port(s));

	struct registry_client c;
	registry_client_init(&c, flaky_addr, "flaky");
	int rc = registry_blob_pull(&c, flaky.digest, sizeof(flaky.data), dst_root);
	registry_client_close(&c);
	http_server_stop(s);
	pthread_join(thread, NULL);
	http_server_close(s);
	ck_assert_msg(rc == 0, "%s", error_message());
	ck_assert_int_eq(flaky.requests, 2);
	ck_assert_str_eq(flaky.range, "bytes=150000-");
	ck_assert(blob_exists(dst_root, flaky.digest));
}
END_TEST

Suite *registry_disk_suite(void)
{
	Suite *s = suite_create("registry_disk");
	TCase *t = tcase_create("loopback");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, a_multi_layer_image_goes_from_one_store_to_another_through_the_registry);
	tcase_add_test(t, chunked_uploads_give_the_same_blobs_as_whole_ones);
	tcase_add_test(t, a_second_push_sends_no_blob_again);
	tcase_add_test(t, an_image_is_pulled_by_digest_and_the_digest_pins_it);
	tcase_add_test(t, an_index_is_pushed_with_its_manifests_and_pulled_for_this_platform);
	tcase_add_test(t, an_interrupted_upload_leaves_nothing_visible);
	tcase_add_test(t, an_upload_whose_bytes_do_not_hash_to_its_digest_is_refused_and_dropped);
	tcase_add_test(t, concurrent_pushes_of_the_same_blob_all_succeed_and_store_it_once);
	tcase_add_test(t, a_blob_changed_on_the_server_is_refused_by_the_puller);
	tcase_add_test(t, a_download_cut_off_half_way_goes_on_with_a_range_request);
	tcase_add_test(t, manifests_are_checked_before_they_are_stored);
	tcase_add_test(t, errors_carry_the_spec_codes);
	tcase_add_test(t, catalog_and_tags_come_in_pages);
	tcase_add_test(t, a_blob_is_mounted_from_another_repository_without_its_bytes);
	tcase_add_test(t, deleting_a_tag_or_a_manifest_takes_it_away);
	suite_add_tcase(s, t);
	return s;
}
