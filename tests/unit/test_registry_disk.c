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
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
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
	if (server) { /* NULL after a restart_server() that failed */
		http_server_stop(server);
		pthread_join(server_thread, NULL);
		http_server_close(server);
	}
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
	/* Look once the server is done with the cut PATCH (at most 20 s): it logs a request after
	 * its handler returned, and by then it has dropped the upload, file and all. */
	for (int64_t deadline = http_now_ms() + 20000; atomic_load(&patches_answered) == answered_before;) {
		ck_assert_msg(http_now_ms() < deadline, "the server did not finish the PATCH within 20 s");
		usleep(10000);
	}
	ck_assert_uint_eq(registry_disk_uploads(disk), 0);
	char dir[256];
	snprintf(dir, sizeof(dir), "%s/blobs/sha256", reg_root);
	ck_assert_int_eq(count_files(dir), 0);
	snprintf(dir, sizeof(dir), "%s/" BLOB_INGEST_DIR, reg_root);
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

/* --- hostile clients ------------------------------------------------------------------------ */

/* Replace the fixture's server by one with the given limits (same store, a new port). */
static void restart_server(struct http_server_config config)
{
	http_server_stop(server);
	pthread_join(server_thread, NULL);
	http_server_close(server);
	config.addr = "127.0.0.1:0";
	config.handler = registry_handle;
	config.handler_ctx = &store;
	if (!config.log)
		config.log = quiet;
	server = http_server_open(&config);
	ck_assert_msg(server != NULL, "%s", error_message());
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", http_server_port(server));
	ck_assert_int_eq(pthread_create(&server_thread, NULL, serve, server), 0);
}

/* A crowd of connections that hold on to the server without ever finishing a request, each
 * reopened as soon as the server closes it, in four kinds:
 *   SILENT        connects and says nothing;
 *   KEPT_ALIVE    sends a small request, then idles, and asks again just before the
 *                 server's idle timeout;
 *   HEAD_TRICKLE  sends a request head a byte per tick (slowloris);
 *   BODY_TRICKLE  sends a whole head announcing a 100 kB manifest, then a byte per tick.
 * One thread drives them all with non-blocking sockets and poll(2). */
enum { CROWD = 200, CROWD_TICK_MS = 100 };
enum crowd_kind { SILENT, KEPT_ALIVE, HEAD_TRICKLE, BODY_TRICKLE, CROWD_KINDS };

struct crowd {
	int port;
	int resend_ms;
	atomic_bool stop;
	atomic_int ticks;
	pthread_t thread;
	struct member {
		int fd;
		enum crowd_kind kind;
		size_t sent;
		int64_t asked_ms;
	} members[CROWD];
	unsigned opened, closed_by_server;
};

static const char KEPT_ALIVE_REQUEST[] = "GET /v2/ HTTP/1.1\r\nHost: crowd\r\n\r\n";
static const char TRICKLED_HEAD[] = "GET /v2/ HTTP/1.1\r\nHost: crowd\r\nX-Slow: ";
static const char TRICKLED_BODY_HEAD[] = "PUT /v2/crowd/manifests/slow HTTP/1.1\r\nHost: crowd\r\n"
					 "Content-Type: " MEDIA_OCI_MANIFEST "\r\nContent-Length: 100000\r\n\r\n";

static void crowd_open(struct crowd *cr, struct member *m)
{
	m->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	m->sent = 0;
	m->asked_ms = 0;
	if (m->fd < 0)
		return;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)cr->port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	connect(m->fd, (struct sockaddr *)&a, sizeof(a)); /* EINPROGRESS: sends wait until it is up */
	cr->opened++;
}

/* Send what this member's script says for this tick; false when the server has closed it. */
static bool crowd_send(struct crowd *cr, struct member *m, int64_t now)
{
	const char *text = NULL;
	size_t size = 0;
	switch (m->kind) {
	case SILENT:
	case CROWD_KINDS:
		return true;
	case KEPT_ALIVE:
		if (m->asked_ms && now - m->asked_ms < cr->resend_ms)
			return true;
		text = KEPT_ALIVE_REQUEST, size = sizeof(KEPT_ALIVE_REQUEST) - 1;
		break;
	case HEAD_TRICKLE:
		text = m->sent < sizeof(TRICKLED_HEAD) - 1 ? TRICKLED_HEAD + m->sent : "a", size = 1;
		break;
	case BODY_TRICKLE:
		if (m->sent == 0)
			text = TRICKLED_BODY_HEAD, size = sizeof(TRICKLED_BODY_HEAD) - 1;
		else
			text = "x", size = 1;
		break;
	}
	ssize_t n = send(m->fd, text, size, MSG_NOSIGNAL);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOTCONN;
	m->sent += (size_t)n;
	m->asked_ms = now;
	return true;
}

/* Read and drop what the server sent; false when it has closed the connection. */
static bool crowd_drain(int fd)
{
	char buf[4096];
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0)
			continue;
		return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
	}
}

static void *crowd_run(void *arg)
{
	struct crowd *cr = arg;
	struct pollfd pfd[CROWD];
	int64_t next_tick = http_now_ms();
	while (!atomic_load(&cr->stop)) {
		int64_t now = http_now_ms();
		if (now >= next_tick) {
			for (int i = 0; i < CROWD; i++) {
				struct member *m = &cr->members[i];
				if (m->fd < 0)
					crowd_open(cr, m);
				if (m->fd >= 0 && !crowd_send(cr, m, now)) {
					close(m->fd);
					m->fd = -1;
					cr->closed_by_server++;
				}
			}
			next_tick = now + CROWD_TICK_MS;
			atomic_fetch_add(&cr->ticks, 1);
		}
		for (int i = 0; i < CROWD; i++)
			pfd[i] = (struct pollfd){ .fd = cr->members[i].fd, .events = POLLIN };
		if (poll(pfd, CROWD, (int)(next_tick - now > 0 ? next_tick - now : 0)) <= 0)
			continue;
		for (int i = 0; i < CROWD; i++)
			if (pfd[i].revents && !crowd_drain(cr->members[i].fd)) {
				close(cr->members[i].fd);
				cr->members[i].fd = -1; /* reopened at the next tick */
				cr->closed_by_server++;
			}
	}
	for (int i = 0; i < CROWD; i++)
		if (cr->members[i].fd >= 0)
			close(cr->members[i].fd);
	return NULL;
}

/* The server's log, counted: how often it made room, and cut off a trickled body. */
static atomic_int evictions, late_bodies;

static void count_log(void *ctx, const char *line)
{
	(void)ctx;
	if (strstr(line, "closed to make room"))
		atomic_fetch_add(&evictions, 1);
	if (strstr(line, "request body not received in time"))
		atomic_fetch_add(&late_bodies, 1);
}

START_TEST(a_client_pushes_and_pulls_while_two_hundred_idle_and_trickling_clients_hold_on)
{
	/* Deadlines a few times shorter than the defaults (10 s head, 30 s idle, 60 s body),
	 * so that the crowd's connections are cut off, and come back, while the test runs; a
	 * silent or trickling one may lose its slot after a quarter of the head timeout. */
	restart_server((struct http_server_config){ .max_connections = 64, .head_timeout_ms = 2000,
						    .idle_timeout_ms = 3000, .body_timeout_ms = 1500, .log = count_log });
	char manifest[SHA256_DIGEST_SIZE], pulled[SHA256_DIGEST_SIZE];
	make_image(src_root, 3, 200000, manifest);

	struct crowd *cr = calloc(1, sizeof(*cr));
	ck_assert_ptr_nonnull(cr);
	cr->port = http_server_port(server);
	cr->resend_ms = 2500; /* inside the 3 s idle timeout: without eviction, these never leave */
	for (int i = 0; i < CROWD; i++)
		cr->members[i] = (struct member){ .fd = -1, .kind = (enum crowd_kind)(i % CROWD_KINDS) };
	ck_assert_int_eq(pthread_create(&cr->thread, NULL, crowd_run, cr), 0);
	/* The crowd at work for 2 s: every slot taken, silent ones past their grace (0.5 s). */
	int64_t deadline = http_now_ms() + 10000;
	while (atomic_load(&cr->ticks) < 20 && http_now_ms() < deadline)
		usleep(10000);

	struct registry_client c;
	registry_client_init(&c, addr, "shop/busy");
	c.timeout_ms = 5000;
	c.chunk_size = 65536; /* PATCHes too, each its own request */
	int64_t start = http_now_ms();
	char push_error[512] = "", pull_error[512] = "";
	int pushed = registry_push_image(&c, src_root, manifest, "1.0");
	snprintf(push_error, sizeof(push_error), "%s", error_message());
	uint64_t size;
	int got = pushed == 0 ? registry_pull_image(&c, dst_root, "1.0", pulled, &size, NULL) : -1;
	snprintf(pull_error, sizeof(pull_error), "%s", error_message());
	int64_t took = http_now_ms() - start;
	registry_client_close(&c);

	atomic_store(&cr->stop, true);
	pthread_join(cr->thread, NULL);
	unsigned opened = cr->opened, cut = cr->closed_by_server;
	free(cr);
	ck_assert_msg(pushed == 0, "push: %s", push_error);
	ck_assert_msg(got == 0, "pull: %s", pull_error);
	assert_image_copied(manifest);
	ck_assert_msg(took < 8000, "push and pull took %lld ms", (long long)took);
	ck_assert_uint_ge(opened, CROWD);
	ck_assert_uint_gt(cut, CROWD / CROWD_KINDS); /* the server did cut them off, and they came back */
	ck_assert_int_gt(atomic_load(&evictions), 0);
	ck_assert_int_gt(atomic_load(&late_bodies), 0);
}
END_TEST

START_TEST(one_client_holds_at_most_its_share_of_the_upload_table)
{
	struct http_client c;
	ck_assert_int_eq(http_client_connect(&c, addr, 5000), 0);
	int accepted = 0, refused = 0;
	for (int i = 0; i < 300; i++) {
		int status = ask(&c, "POST", "/v2/flood/blobs/uploads/", NULL, NULL, 0, NULL, 0);
		accepted += status == 202;
		refused += status == 429;
	}
	http_client_close(&c);
	ck_assert_int_eq(accepted, 32);
	ck_assert_int_eq(refused, 300 - 32);
	ck_assert_uint_eq(registry_disk_uploads(disk), 32);
	/* Another client still starts uploads, in any repository. */
	char id[REGISTRY_UPLOAD_ID_MAX + 1];
	ck_assert_int_eq(store.upload_start(store.ctx, "flood", "192.0.2.7", id), 0);
	ck_assert_int_eq(store.upload_start(store.ctx, "shop/web", "192.0.2.7", id), 0);
}
END_TEST

START_TEST(an_upload_left_idle_expires_and_its_file_goes_with_it)
{
	enum { IDLE_MS = 1000 };
	registry_disk_set_limits(disk, &(struct registry_disk_limits){ .uploads_per_client = 4, .upload_idle_ms = IDLE_MS });
	char id[5][REGISTRY_UPLOAD_ID_MAX + 1], ingest[256];
	snprintf(ingest, sizeof(ingest), "%s/" BLOB_INGEST_DIR, reg_root);
	int64_t first = http_now_ms();
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(store.upload_start(store.ctx, "lab", "192.0.2.1", id[i]), 0);
	int64_t last = http_now_ms(); /* the youngest of the four started by now */
	ck_assert_int_eq(store.upload_start(store.ctx, "lab", "192.0.2.1", id[4]), REGISTRY_TOOMANYREQUESTS);
	ck_assert_msg(http_now_ms() - first < IDLE_MS, "the machine stalled for a second: nothing was checked");
	ck_assert_int_eq(count_files(ingest), 4);
	/* Once all four have been idle for IDLE_MS (a wait on the clock: the clock is what expiry
	 * depends on), a new upload takes the place of them all, files and all. Waiting for the
	 * youngest matters: polling from the oldest's expiry on, a busy machine could see some of
	 * the four expired and one not yet, and count two uploads. */
	while (http_now_ms() <= last + IDLE_MS)
		usleep(10000);
	ck_assert_int_eq(store.upload_start(store.ctx, "lab", "192.0.2.1", id[4]), 0);
	ck_assert_uint_eq(registry_disk_uploads(disk), 1);
	ck_assert_int_eq(count_files(ingest), 1);
	uint64_t size;
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(store.upload_size(store.ctx, "lab", id[i], &size), REGISTRY_BLOB_UPLOAD_UNKNOWN);
}
END_TEST

START_TEST(a_patch_refused_with_400_keeps_none_of_its_bytes)
{
	struct http_client c;
	ck_assert_int_eq(http_client_connect(&c, addr, 5000), 0);
	char location[512];
	ck_assert_int_eq(ask(&c, "POST", "/v2/lab/blobs/uploads/", NULL, NULL, 0, location, sizeof(location)), 202);
	/* Content-Range says ten bytes, the body has five. */
	struct http_head head;
	http_client_start(&c, &head, "PATCH", http_location_target(location));
	http_head_field(&head, "Content-Range", "0-9");
	ck_assert_int_eq(http_client_send_head(&c, &head, 5), 0);
	ck_assert_int_eq(http_client_write(&c, "short", 5), 0);
	ck_assert_int_eq(http_client_end_request(&c), 0);
	const struct http_message *m;
	ck_assert_int_eq(http_client_read_response(&c, &m), 0);
	ck_assert_int_eq(m->status, 400);
	char buf[1024];
	while (http_client_read(&c, buf, sizeof(buf)) > 0)
		;
	/* The upload is gone with its bytes: its status is unknown, nothing is being written. */
	ck_assert_int_eq(ask(&c, "GET", http_location_target(location), NULL, NULL, 0, NULL, 0), 404);
	ck_assert_uint_eq(registry_disk_uploads(disk), 0);
	char ingest[256];
	snprintf(ingest, sizeof(ingest), "%s/" BLOB_INGEST_DIR, reg_root);
	ck_assert_int_eq(count_files(ingest), 0);
	http_client_close(&c);
}
END_TEST

/* --- hostile registries ------------------------------------------------------------------------ */

/* Whatever is asked, a blob without end, in chunks: 32 MiB unless the client hangs up. */
static void endless_chunked_handler(struct http_exchange *ex, void *ctx)
{
	(void)ctx;
	static char junk[65536];
	struct http_head h;
	http_head_response(&h, 200);
	if (http_exchange_send_head(ex, &h, -1) < 0)
		return;
	for (int i = 0; i < 512 && http_exchange_write(ex, junk, sizeof(junk)) == 0; i++)
		;
}

/* The same without framing: a response with neither Content-Length nor chunks, whose body
 * ends when the server closes (RFC 9112 section 6.3). One connection, on a raw socket. */
struct endless_raw {
	int listen_fd;
	pthread_t thread;
};

static void *endless_raw_serve(void *arg)
{
	struct endless_raw *e = arg;
	int fd = accept4(e->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct timeval tv = { .tv_sec = 5 };
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	char request[4096];
	ssize_t ignored = recv(fd, request, sizeof(request), 0);
	(void)ignored;
	static const char head[] = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";
	static char junk[65536];
	bool ok = send(fd, head, sizeof(head) - 1, MSG_NOSIGNAL) > 0;
	for (int i = 0; ok && i < 512; i++)
		ok = send(fd, junk, sizeof(junk), MSG_NOSIGNAL) > 0;
	close(fd);
	return NULL;
}

/* Pull a 1000-byte blob from addr: it must fail, say why, quickly, and leave nothing. */
static void assert_overlong_blob_refused(const char *from)
{
	char data[1000] = { 1 }, digest[SHA256_DIGEST_SIZE];
	uint8_t raw[SHA256_SIZE];
	sha256(data, sizeof(data), raw);
	sha256_digest_string(raw, digest);
	struct registry_client c;
	registry_client_init(&c, from, "hostile");
	c.timeout_ms = 5000;
	int64_t start = http_now_ms();
	int rc = registry_blob_pull(&c, digest, sizeof(data), dst_root);
	int64_t took = http_now_ms() - start;
	char error[512];
	snprintf(error, sizeof(error), "%s", error_message());
	registry_client_close(&c);
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strstr(error, "sent more than the 1000 bytes the manifest gives it"), "%s", error);
	ck_assert_int_lt(took, 2000);
	char dir[256];
	snprintf(dir, sizeof(dir), "%s/blobs/sha256", dst_root);
	ck_assert_int_eq(count_files(dir), 0);
	snprintf(dir, sizeof(dir), "%s/" BLOB_INGEST_DIR, dst_root);
	ck_assert_int_eq(count_files(dir), 0);
}

START_TEST(a_chunked_blob_longer_than_its_descriptor_is_refused_and_nothing_kept)
{
	struct http_server_config config = { .addr = "127.0.0.1:0", .handler = endless_chunked_handler, .log = quiet };
	struct http_server *s = http_server_open(&config);
	ck_assert_ptr_nonnull(s);
	pthread_t thread;
	ck_assert_int_eq(pthread_create(&thread, NULL, serve, s), 0);
	char hostile_addr[64];
	snprintf(hostile_addr, sizeof(hostile_addr), "127.0.0.1:%d", http_server_port(s));
	assert_overlong_blob_refused(hostile_addr);
	http_server_stop(s);
	pthread_join(thread, NULL);
	http_server_close(s);
}
END_TEST

START_TEST(a_close_delimited_blob_longer_than_its_descriptor_is_refused_and_nothing_kept)
{
	struct endless_raw e;
	e.listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(a);
	ck_assert_int_eq(bind(e.listen_fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(e.listen_fd, 1), 0);
	ck_assert_int_eq(getsockname(e.listen_fd, (struct sockaddr *)&a, &len), 0);
	ck_assert_int_eq(pthread_create(&e.thread, NULL, endless_raw_serve, &e), 0);
	char hostile_addr[64];
	snprintf(hostile_addr, sizeof(hostile_addr), "127.0.0.1:%d", ntohs(a.sin_port));
	assert_overlong_blob_refused(hostile_addr);
	pthread_join(e.thread, NULL);
	close(e.listen_fd);
}
END_TEST

/* --- manifests' media types ------------------------------------------------------------------- */

START_TEST(a_manifest_is_accepted_only_with_a_media_type_the_specs_name)
{
	static const char index[] = "{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_OCI_INDEX "\",\"manifests\":[]}";
	static const char list[] = "{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_DOCKER_LIST "\",\"manifests\":[]}";
	static const char bare[] = "{\"schemaVersion\":2,\"manifests\":[]}";
	struct registry_client rc;
	registry_client_init(&rc, addr, "lab");
	char digest[SHA256_DIGEST_SIZE], type[256], *got;
	size_t size;
	/* A type no spec names would be served back verbatim to every puller. */
	ck_assert_int_eq(registry_manifest_put(&rc, "html", "text/html", bare, strlen(bare), digest), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "400 Bad Request: MANIFEST_INVALID"));
	ck_assert_int_eq(registry_manifest_put(&rc, "blob", "application/octet-stream", bare, strlen(bare), digest), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "400 Bad Request: MANIFEST_INVALID"));
	/* A Content-Type that is not the manifest's own mediaType (CVE-2021-41190), even one of
	 * the same shape. */
	ck_assert_int_eq(registry_manifest_put(&rc, "mixed", MEDIA_OCI_MANIFEST, index, strlen(index), digest), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "400 Bad Request: MANIFEST_INVALID"));
	ck_assert_int_eq(registry_manifest_put(&rc, "mixed", MEDIA_DOCKER_LIST, index, strlen(index), digest), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "400 Bad Request: MANIFEST_INVALID"));
	/* An index type on a body shaped as an image manifest, and the other way round. */
	char body[512];
	int n = snprintf(body, sizeof(body), "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:%064d\",\"size\":1},\"layers\":[]}", 0);
	ck_assert_int_eq(registry_manifest_put(&rc, "shape", MEDIA_OCI_INDEX, body, (size_t)n, digest), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "400 Bad Request: MANIFEST_INVALID"));
	ck_assert_int_eq(registry_manifest_put(&rc, "shape", MEDIA_DOCKER_MANIFEST, bare, strlen(bare), digest), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "400 Bad Request: MANIFEST_INVALID"));
	ck_assert_int_eq(registry_manifest_get(&rc, "html", &got, &size, type, digest), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "404 Not Found"));

	/* The four the specs name are stored, and served with their type; a push without a
	 * Content-Type takes the manifest's own mediaType. */
	ck_assert_int_eq(registry_manifest_put(&rc, "index", MEDIA_OCI_INDEX "; charset=utf-8", index, strlen(index), digest), 0);
	ck_assert_int_eq(registry_manifest_put(&rc, "list", MEDIA_DOCKER_LIST, list, strlen(list), digest), 0);
	ck_assert_int_eq(registry_manifest_put(&rc, "untyped", NULL, index, strlen(index), digest), 0);
	static const char *const tags[] = { "index", "list", "untyped" };
	static const char *const types[] = { MEDIA_OCI_INDEX, MEDIA_DOCKER_LIST, MEDIA_OCI_INDEX };
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(registry_manifest_get(&rc, tags[i], &got, &size, type, digest), 0);
		ck_assert_str_eq(type, types[i]);
		free(got);
	}
	/* Without a type of its own or a Content-Type, there is nothing to go by. */
	ck_assert_int_eq(registry_manifest_put(&rc, "bare", NULL, bare, strlen(bare), digest), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "400 Bad Request: MANIFEST_INVALID"));
	registry_client_close(&rc);
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
	tcase_add_test(t, one_client_holds_at_most_its_share_of_the_upload_table);
	tcase_add_test(t, an_upload_left_idle_expires_and_its_file_goes_with_it);
	tcase_add_test(t, a_patch_refused_with_400_keeps_none_of_its_bytes);
	tcase_add_test(t, a_chunked_blob_longer_than_its_descriptor_is_refused_and_nothing_kept);
	tcase_add_test(t, a_close_delimited_blob_longer_than_its_descriptor_is_refused_and_nothing_kept);
	tcase_add_test(t, a_manifest_is_accepted_only_with_a_media_type_the_specs_name);
	suite_add_tcase(s, t);
	/* Its own case, so that it can be run and timed alone (CK_RUN_CASE=crowd). */
	TCase *crowd = tcase_create("crowd");
	tcase_add_checked_fixture(crowd, setup, teardown);
	tcase_set_timeout(crowd, 60);
	tcase_add_test(crowd, a_client_pushes_and_pulls_while_two_hundred_idle_and_trickling_clients_hold_on);
	suite_add_tcase(s, crowd);
	return s;
}
