/*
 * test_registry_api.c - the registry's HTTP API over loopback, with an in-memory store (05-images).
 *
 * The store here is a stand-in: it keeps everything in arrays and "hashes" with FNV-1a
 * spelled as 64 hex digits, since sha256 and the real store (an OCI image layout) are
 * written elsewhere in this chapter. What is tested is the API's side of the contract of
 * registry-store.h: which store calls a request makes, and the status codes, headers and
 * bodies that the distribution spec and the real clients expect back.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "error.h"
#include "http-client.h"
#include "http-server.h"
#include "registry-api.h"

/* --- an in-memory store ------------------------------------------------------------------- */

enum { MAX_ITEMS = 32 };

struct item {
	bool used;
	char name[REGISTRY_NAME_MAX + 1];
	char key[REGISTRY_REFERENCE_MAX + 1];   /* blob digest, upload id, or manifest reference */
	char digest[REGISTRY_REFERENCE_MAX + 1];
	char media_type[256];
	char *data;
	size_t size;
};

static struct {
	pthread_mutex_t lock;
	struct item blobs[MAX_ITEMS], uploads[MAX_ITEMS], manifests[MAX_ITEMS];
	int next_upload;
} fake = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void fake_digest(const void *data, size_t size, char out[REGISTRY_REFERENCE_MAX + 1])
{
	int n = snprintf(out, REGISTRY_REFERENCE_MAX + 1, "sha256:");
	for (uint64_t seed = 1; seed <= 4; seed++) {
		uint64_t h = 1469598103934665603u * seed;
		for (size_t i = 0; i < size; i++)
			h = (h ^ ((const unsigned char *)data)[i]) * 1099511628211u;
		n += snprintf(out + n, (size_t)(REGISTRY_REFERENCE_MAX + 1 - n), "%016llx", (unsigned long long)h);
	}
}

static struct item *find(struct item *items, const char *name, const char *key)
{
	for (int i = 0; i < MAX_ITEMS; i++)
		if (items[i].used && (!name || strcmp(items[i].name, name) == 0) && strcmp(items[i].key, key) == 0)
			return &items[i];
	return NULL;
}

static struct item *add(struct item *items, const char *name, const char *key, const void *data, size_t size)
{
	struct item *it = find(items, name, key);
	for (int i = 0; !it && i < MAX_ITEMS; i++)
		if (!items[i].used)
			it = &items[i];
	ck_assert_ptr_nonnull(it);
	free(it->data);
	memset(it, 0, sizeof(*it));
	it->used = true;
	snprintf(it->name, sizeof(it->name), "%s", name);
	snprintf(it->key, sizeof(it->key), "%s", key);
	it->data = malloc(size + 1);
	memcpy(it->data, data, size);
	it->size = size;
	return it;
}

static void drop(struct item *it)
{
	free(it->data);
	memset(it, 0, sizeof(*it));
}

#define LOCKED(expr)                                    \
	({                                              \
		pthread_mutex_lock(&fake.lock);         \
		int rc_ = (expr);                       \
		pthread_mutex_unlock(&fake.lock);       \
		rc_;                                    \
	})

static int do_blob_open(const char *name, const char *digest, int *fd, uint64_t *size)
{
	struct item *b = find(fake.blobs, name, digest);
	if (!b)
		return REGISTRY_BLOB_UNKNOWN;
	*fd = memfd_create("blob", 0);
	ck_assert_int_eq(write(*fd, b->data, b->size), (ssize_t)b->size);
	*size = b->size;
	return 0;
}

static int blob_open(void *ctx, const char *name, const char *digest, int *fd, uint64_t *size)
{
	(void)ctx;
	return LOCKED(do_blob_open(name, digest, fd, size));
}

static int do_blob_delete(const char *name, const char *digest)
{
	struct item *b = find(fake.blobs, name, digest);
	return b ? (drop(b), 0) : REGISTRY_BLOB_UNKNOWN;
}

static int blob_delete(void *ctx, const char *name, const char *digest)
{
	(void)ctx;
	return LOCKED(do_blob_delete(name, digest));
}

static int do_blob_mount(const char *name, const char *digest, const char *from)
{
	struct item *b = find(fake.blobs, from[0] ? from : NULL, digest);
	return b ? (add(fake.blobs, name, digest, b->data, b->size), 0) : REGISTRY_BLOB_UNKNOWN;
}

static int blob_mount(void *ctx, const char *name, const char *digest, const char *from)
{
	(void)ctx;
	return LOCKED(do_blob_mount(name, digest, from));
}

static int do_upload_start(const char *name, char id[REGISTRY_UPLOAD_ID_MAX + 1])
{
	snprintf(id, REGISTRY_UPLOAD_ID_MAX + 1, "up-%d", ++fake.next_upload);
	add(fake.uploads, name, id, "", 0);
	return 0;
}

static int upload_start(void *ctx, const char *name, const char *client, char id[REGISTRY_UPLOAD_ID_MAX + 1])
{
	(void)ctx;
	(void)client;
	return LOCKED(do_upload_start(name, id));
}

static int do_upload_size(const char *name, const char *id, uint64_t *size)
{
	struct item *u = find(fake.uploads, name, id);
	return u ? (*size = u->size, 0) : REGISTRY_BLOB_UPLOAD_UNKNOWN;
}

static int upload_size(void *ctx, const char *name, const char *id, uint64_t *size)
{
	(void)ctx;
	return LOCKED(do_upload_size(name, id, size));
}

static int do_upload_write(const char *name, const char *id, const void *data, size_t size)
{
	struct item *u = find(fake.uploads, name, id);
	if (!u)
		return REGISTRY_BLOB_UPLOAD_UNKNOWN;
	u->data = realloc(u->data, u->size + size + 1);
	memcpy(u->data + u->size, data, size);
	u->size += size;
	return 0;
}

static int upload_write(void *ctx, const char *name, const char *id, const void *data, size_t size)
{
	(void)ctx;
	return LOCKED(do_upload_write(name, id, data, size));
}

static int do_upload_finish(const char *name, const char *id, const char *digest)
{
	struct item *u = find(fake.uploads, name, id);
	if (!u)
		return REGISTRY_BLOB_UPLOAD_UNKNOWN;
	char actual[REGISTRY_REFERENCE_MAX + 1];
	fake_digest(u->data, u->size, actual);
	if (strcmp(actual, digest) != 0)
		return REGISTRY_DIGEST_INVALID;
	add(fake.blobs, name, digest, u->data, u->size);
	drop(u);
	return 0;
}

static int upload_finish(void *ctx, const char *name, const char *id, const char *digest)
{
	(void)ctx;
	return LOCKED(do_upload_finish(name, id, digest));
}

static int do_upload_cancel(const char *name, const char *id)
{
	struct item *u = find(fake.uploads, name, id);
	return u ? (drop(u), 0) : REGISTRY_BLOB_UPLOAD_UNKNOWN;
}

static int upload_cancel(void *ctx, const char *name, const char *id)
{
	(void)ctx;
	return LOCKED(do_upload_cancel(name, id));
}

static int do_manifest_get(const char *name, const char *reference, struct registry_manifest *out)
{
	struct item *m = find(fake.manifests, name, reference);
	if (!m)
		return REGISTRY_MANIFEST_UNKNOWN;
	out->body = malloc(m->size);
	memcpy(out->body, m->data, m->size);
	out->size = m->size;
	snprintf(out->media_type, sizeof(out->media_type), "%s", m->media_type);
	snprintf(out->digest, sizeof(out->digest), "%s", m->digest);
	return 0;
}

static int manifest_get(void *ctx, const char *name, const char *reference, struct registry_manifest *out)
{
	(void)ctx;
	return LOCKED(do_manifest_get(name, reference, out));
}

static int do_manifest_put(const char *name, const char *reference, const char *media_type, const void *body,
			   size_t size, char *digest)
{
	fake_digest(body, size, digest);
	if (strchr(reference, ':') && strcmp(reference, digest) != 0)
		return REGISTRY_DIGEST_INVALID;
	const char *keys[2] = { reference, digest };
	for (int i = 0; i < 2; i++) {
		struct item *m = add(fake.manifests, name, keys[i], body, size);
		snprintf(m->digest, sizeof(m->digest), "%s", digest);
		snprintf(m->media_type, sizeof(m->media_type), "%s", media_type);
	}
	return 0;
}

static int manifest_put(void *ctx, const char *name, const char *reference, const char *media_type, const void *body,
			size_t size, char digest[REGISTRY_REFERENCE_MAX + 1])
{
	(void)ctx;
	return LOCKED(do_manifest_put(name, reference, media_type, body, size, digest));
}

static int do_manifest_delete(const char *name, const char *reference)
{
	struct item *m = find(fake.manifests, name, reference);
	return m ? (drop(m), 0) : REGISTRY_MANIFEST_UNKNOWN;
}

static int manifest_delete(void *ctx, const char *name, const char *reference)
{
	(void)ctx;
	return LOCKED(do_manifest_delete(name, reference));
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted distinct keys (tags) or names (catalog) after last, at most n. */
static int do_list(const char *name, const char *last, size_t n, struct registry_list *out)
{
	char *all[MAX_ITEMS];
	size_t count = 0;
	for (int i = 0; i < MAX_ITEMS; i++) {
		struct item *m = &fake.manifests[i];
		if (!m->used || (name && strcmp(m->name, name) != 0) || (name && strchr(m->key, ':')))
			continue;
		const char *value = name ? m->key : m->name;
		bool seen = false;
		for (size_t j = 0; j < count; j++)
			seen = seen || strcmp(all[j], value) == 0;
		if (!seen)
			all[count++] = (char *)value;
	}
	if (name && count == 0)
		return REGISTRY_NAME_UNKNOWN;
	qsort(all, count, sizeof(all[0]), compare_strings);
	out->items = calloc(MAX_ITEMS, sizeof(char *));
	for (size_t i = 0; i < count; i++) {
		if (strcmp(all[i], last) <= 0)
			continue;
		if (out->count == n) {
			out->more = true;
			break;
		}
		out->items[out->count++] = strdup(all[i]);
	}
	return 0;
}

static int tags_list(void *ctx, const char *name, const char *last, size_t n, struct registry_list *out)
{
	(void)ctx;
	return LOCKED(do_list(name, last, n, out));
}

static int catalog(void *ctx, const char *last, size_t n, struct registry_list *out)
{
	(void)ctx;
	return LOCKED(do_list(NULL, last, n, out));
}

static struct registry_store store = {
	.blob_open = blob_open, .blob_delete = blob_delete, .blob_mount = blob_mount,
	.upload_start = upload_start, .upload_size = upload_size, .upload_write = upload_write,
	.upload_finish = upload_finish, .upload_cancel = upload_cancel,
	.manifest_get = manifest_get, .manifest_put = manifest_put, .manifest_delete = manifest_delete,
	.tags_list = tags_list, .catalog = catalog,
};

/* --- a registry on loopback, and a client ------------------------------------------------ */

static struct http_server *server;
static pthread_t server_thread;
static char addr[64];
static struct http_client client;

static void *serve(void *arg)
{
	http_server_run(arg);
	return NULL;
}

static void quiet(void *ctx, const char *line)
{
	(void)ctx, (void)line;
}

static void setup(void)
{
	struct http_server_config config = {
		.addr = "127.0.0.1:0", .max_connections = 8, .handler = registry_handle, .handler_ctx = &store, .log = quiet,
	};
	server = http_server_open(&config);
	ck_assert_msg(server != NULL, "%s", error_message());
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", http_server_port(server));
	ck_assert_int_eq(pthread_create(&server_thread, NULL, serve, server), 0);
	ck_assert_int_eq(http_client_connect(&client, addr, 5000), 0);
}

static void teardown(void)
{
	http_client_close(&client);
	http_server_stop(server);
	pthread_join(server_thread, NULL);
	http_server_close(server);
}

struct reply {
	int status;
	char body[8192];
	size_t size;
	char location[256], digest[128], range[64], content_range[64], content_type[128], link[256], length[32];
	char api_version[32], allow[64];
};

static void copy_field(const struct http_message *m, const char *name, char *out, size_t size)
{
	const char *v = http_field_value(m, name);
	snprintf(out, size, "%s", v ? v : "");
}

/* One request; fields is a NULL-terminated list of name, value pairs. chunked: send the body
 * in chunks of 4 bytes. */
static void call(const char *method, const char *target, const char *const *fields, const char *body, bool chunked,
		 struct reply *r)
{
	if (!http_client_reusable(&client) && client.conn.parser.message.status != 0) {
		http_client_close(&client);
		ck_assert_int_eq(http_client_connect(&client, addr, 5000), 0);
	}
	struct http_head head;
	http_client_start(&client, &head, method, target);
	for (int i = 0; fields && fields[i]; i += 2)
		http_head_field(&head, fields[i], "%s", fields[i + 1]);
	size_t len = body ? strlen(body) : 0;
	ck_assert_int_eq(http_client_send_head(&client, &head, chunked ? -1 : (int64_t)len), 0);
	for (size_t i = 0; i < len; i += chunked ? 4 : len)
		ck_assert_int_eq(http_client_write(&client, body + i, chunked && len - i > 4 ? 4 : len - i), 0);
	ck_assert_int_eq(http_client_end_request(&client), 0);
	const struct http_message *m;
	ck_assert_msg(http_client_read_response(&client, &m) == 0, "%s", error_message());
	memset(r, 0, sizeof(*r));
	r->status = m->status;
	copy_field(m, "Location", r->location, sizeof(r->location));
	copy_field(m, "Docker-Content-Digest", r->digest, sizeof(r->digest));
	copy_field(m, "Range", r->range, sizeof(r->range));
	copy_field(m, "Content-Range", r->content_range, sizeof(r->content_range));
	copy_field(m, "Content-Type", r->content_type, sizeof(r->content_type));
	copy_field(m, "Link", r->link, sizeof(r->link));
	copy_field(m, "Content-Length", r->length, sizeof(r->length));
	copy_field(m, "Docker-Distribution-API-Version", r->api_version, sizeof(r->api_version));
	copy_field(m, "Allow", r->allow, sizeof(r->allow));
	ssize_t n;
	while ((n = http_client_read(&client, r->body + r->size, sizeof(r->body) - 1 - r->size)) > 0)
		r->size += (size_t)n;
	ck_assert_int_eq(n, 0);
	r->body[r->size] = '\0';
}

static void get(const char *target, struct reply *r)
{
	call("GET", target, NULL, NULL, false, r);
}

/* Push a blob the monolithic way (POST, then PUT with the body); returns its digest. */
static void push_blob(const char *name, const char *content, char digest[REGISTRY_REFERENCE_MAX + 1])
{
	fake_digest(content, strlen(content), digest);
	struct reply r;
	char target[512];
	snprintf(target, sizeof(target), "/v2/%s/blobs/uploads/", name);
	call("POST", target, NULL, NULL, false, &r);
	ck_assert_int_eq(r.status, 202);
	snprintf(target, sizeof(target), "%s?digest=%s", r.location, digest);
	call("PUT", target, NULL, content, false, &r);
	ck_assert_int_eq(r.status, 201);
}

/* --- tests --------------------------------------------------------------------------------- */

START_TEST(the_base_endpoint_says_it_is_a_v2_registry)
{
	struct reply r;
	get("/v2/", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "{}");
	ck_assert_str_eq(r.api_version, "registry/2.0");
	ck_assert_str_eq(r.content_type, "application/json");
}
END_TEST

START_TEST(a_blob_pushed_by_post_then_put_can_be_pulled_whole_or_in_part)
{
	struct reply r;
	call("POST", "/v2/shop/web/blobs/uploads/", NULL, NULL, false, &r);
	ck_assert_int_eq(r.status, 202);
	ck_assert_str_eq(r.location, "/v2/shop/web/blobs/uploads/up-1");
	ck_assert_str_eq(r.range, "0-0");
	char digest[REGISTRY_REFERENCE_MAX + 1], target[512];
	fake_digest("hello blob", 10, digest);
	snprintf(target, sizeof(target), "%s?digest=%s", r.location, digest);
	call("PUT", target, NULL, "hello blob", false, &r);
	ck_assert_int_eq(r.status, 201);
	char location[512];
	snprintf(location, sizeof(location), "/v2/shop/web/blobs/%s", digest);
	ck_assert_str_eq(r.location, location);
	ck_assert_str_eq(r.digest, digest);

	call("HEAD", location, NULL, NULL, false, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.length, "10");
	ck_assert_uint_eq(r.size, 0);
	ck_assert_str_eq(r.digest, digest);

	get(location, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "hello blob");
	ck_assert_str_eq(r.content_type, "application/octet-stream");

	static const char *const rest[] = { "Range", "bytes=6-", NULL };
	call("GET", location, rest, NULL, false, &r);
	ck_assert_int_eq(r.status, 206);
	ck_assert_str_eq(r.body, "blob");
	ck_assert_str_eq(r.content_range, "bytes 6-9/10");
	static const char *const beyond[] = { "Range", "bytes=50-", NULL };
	call("GET", location, beyond, NULL, false, &r);
	ck_assert_int_eq(r.status, 416);
	ck_assert_str_eq(r.content_range, "bytes */10");
}
END_TEST

START_TEST(a_chunked_upload_takes_patches_in_order_only)
{
	struct reply r;
	call("POST", "/v2/a/blobs/uploads/", NULL, NULL, false, &r);
	char session[256], target[512];
	snprintf(session, sizeof(session), "%s", r.location);
	static const char *const first[] = { "Content-Range", "0-5", "Content-Type", "application/octet-stream", NULL };
	call("PATCH", session, first, "hello ", false, &r);
	ck_assert_int_eq(r.status, 202);
	ck_assert_str_eq(r.range, "0-5");
	ck_assert_str_eq(r.location, session);

	static const char *const wrong[] = { "Content-Range", "3-5", NULL };
	call("PATCH", session, wrong, "xyz", false, &r);
	ck_assert_int_eq(r.status, 416);
	ck_assert_str_eq(r.range, "0-5");

	get(session, &r);
	ck_assert_int_eq(r.status, 204);
	ck_assert_str_eq(r.range, "0-5");

	call("PATCH", session, NULL, "world", true, &r); /* as docker does: chunked, no Content-Range */
	ck_assert_int_eq(r.status, 202);
	ck_assert_str_eq(r.range, "0-10");

	char digest[REGISTRY_REFERENCE_MAX + 1];
	fake_digest("hello worl", 10, digest);
	snprintf(target, sizeof(target), "%s?digest=%s", session, digest);
	call("PUT", target, NULL, NULL, false, &r);
	ck_assert_int_eq(r.status, 400);
	char expected[512];
	snprintf(expected, sizeof(expected), "{\"errors\":[{\"code\":\"DIGEST_INVALID\",\"message\":\"provided digest "
					     "did not match uploaded content\",\"detail\":\"%s\"}]}\n", digest);
	ck_assert_str_eq(r.body, expected);
	ck_assert_str_eq(r.content_type, "application/json");

	fake_digest("hello world!", 12, digest);
	snprintf(target, sizeof(target), "%s?digest=%s", session, digest);
	call("PUT", target, NULL, "!", false, &r); /* the last chunk may come with the PUT */
	ck_assert_int_eq(r.status, 201);
	ck_assert_str_eq(r.digest, digest);
	snprintf(target, sizeof(target), "/v2/a/blobs/%s", digest);
	get(target, &r);
	ck_assert_str_eq(r.body, "hello world!");
}
END_TEST

START_TEST(a_single_post_with_a_digest_pushes_a_whole_blob)
{
	char digest[REGISTRY_REFERENCE_MAX + 1], target[512];
	fake_digest("in one go", 9, digest);
	snprintf(target, sizeof(target), "/v2/a/blobs/uploads/?digest=%s", digest);
	struct reply r;
	call("POST", target, NULL, "in one go", false, &r);
	ck_assert_int_eq(r.status, 201);
	ck_assert_str_eq(r.digest, digest);
	call("POST", target, NULL, "something else", false, &r);
	ck_assert_int_eq(r.status, 400);
	ck_assert_ptr_nonnull(strstr(r.body, "\"DIGEST_INVALID\""));
}
END_TEST

START_TEST(a_blob_is_mounted_from_another_repository_or_an_upload_begins)
{
	char digest[REGISTRY_REFERENCE_MAX + 1], target[512];
	push_blob("library/busybox", "layer bytes", digest);
	snprintf(target, sizeof(target), "/v2/shop/web/blobs/uploads/?mount=%s&from=library/busybox", digest);
	struct reply r;
	call("POST", target, NULL, NULL, false, &r);
	ck_assert_int_eq(r.status, 201);
	char location[512];
	snprintf(location, sizeof(location), "/v2/shop/web/blobs/%s", digest);
	ck_assert_str_eq(r.location, location);
	get(location, &r);
	ck_assert_str_eq(r.body, "layer bytes");

	fake_digest("unknown", 7, digest);
	snprintf(target, sizeof(target), "/v2/shop/web/blobs/uploads/?mount=%s&from=library/busybox", digest);
	call("POST", target, NULL, NULL, false, &r);
	ck_assert_int_eq(r.status, 202);
	ck_assert_ptr_nonnull(strstr(r.location, "/v2/shop/web/blobs/uploads/"));
}
END_TEST

START_TEST(a_manifest_is_pushed_by_tag_and_pulled_by_tag_or_digest)
{
	static const char manifest[] = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}";
	static const char *const type[] = { "Content-Type", "application/vnd.oci.image.manifest.v1+json; x=y", NULL };
	struct reply r;
	call("PUT", "/v2/shop/web/manifests/1.0", type, manifest, false, &r);
	ck_assert_int_eq(r.status, 201);
	char digest[REGISTRY_REFERENCE_MAX + 1], target[512];
	fake_digest(manifest, strlen(manifest), digest);
	ck_assert_str_eq(r.digest, digest);
	snprintf(target, sizeof(target), "/v2/shop/web/manifests/%s", digest);
	ck_assert_str_eq(r.location, target);

	get("/v2/shop/web/manifests/1.0", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, manifest);
	ck_assert_str_eq(r.content_type, "application/vnd.oci.image.manifest.v1+json");
	ck_assert_str_eq(r.digest, digest);
	get(target, &r);
	ck_assert_str_eq(r.body, manifest);
	call("HEAD", "/v2/shop/web/manifests/1.0", NULL, NULL, false, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(r.size, 0);
	ck_assert_int_eq(atoi(r.length), (int)strlen(manifest));

	get("/v2/shop/web/manifests/2.0", &r);
	ck_assert_int_eq(r.status, 404);
	ck_assert_str_eq(r.body, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown to registry\","
				 "\"detail\":\"2.0\"}]}\n");
}
END_TEST

START_TEST(tags_are_listed_in_order_a_page_at_a_time)
{
	static const char *const type[] = { "Content-Type", "application/vnd.oci.image.manifest.v1+json", NULL };
	struct reply r;
	static const char *const tags[] = { "latest", "1.0", "2.0" };
	for (int i = 0; i < 3; i++) {
		char target[128];
		snprintf(target, sizeof(target), "/v2/shop/web/manifests/%s", tags[i]);
		call("PUT", target, type, "{}", false, &r);
		ck_assert_int_eq(r.status, 201);
	}
	call("PUT", "/v2/library/busybox/manifests/1", type, "{\"a\":1}", false, &r);

	get("/v2/shop/web/tags/list", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "{\"name\":\"shop/web\",\"tags\":[\"1.0\",\"2.0\",\"latest\"]}\n");
	ck_assert_str_eq(r.link, "");
	get("/v2/shop/web/tags/list?n=2", &r);
	ck_assert_str_eq(r.body, "{\"name\":\"shop/web\",\"tags\":[\"1.0\",\"2.0\"]}\n");
	ck_assert_str_eq(r.link, "</v2/shop/web/tags/list?n=2&last=2.0>; rel=\"next\"");
	get("/v2/shop/web/tags/list?n=2&last=2.0", &r);
	ck_assert_str_eq(r.body, "{\"name\":\"shop/web\",\"tags\":[\"latest\"]}\n");
	ck_assert_str_eq(r.link, "");
	get("/v2/shop/web/tags/list?n=0", &r);
	ck_assert_str_eq(r.body, "{\"name\":\"shop/web\",\"tags\":[]}\n");
	get("/v2/nothing/here/tags/list", &r);
	ck_assert_int_eq(r.status, 404);
	ck_assert_ptr_nonnull(strstr(r.body, "\"NAME_UNKNOWN\""));

	get("/v2/_catalog", &r);
	ck_assert_str_eq(r.body, "{\"repositories\":[\"library/busybox\",\"shop/web\"]}\n");
	get("/v2/_catalog?n=1", &r);
	ck_assert_str_eq(r.body, "{\"repositories\":[\"library/busybox\"]}\n");
	ck_assert_str_eq(r.link, "</v2/_catalog?n=1&last=library/busybox>; rel=\"next\"");
}
END_TEST

START_TEST(bad_requests_get_the_spec_error_bodies)
{
	struct reply r;
	get("/v2/Shop/manifests/1.0", &r);
	ck_assert_int_eq(r.status, 400);
	ck_assert_str_eq(r.body, "{\"errors\":[{\"code\":\"NAME_INVALID\",\"message\":\"invalid repository name\","
				 "\"detail\":\"invalid repository name\"}]}\n");
	ck_assert_str_eq(r.api_version, "registry/2.0");
	call("DELETE", "/v2/_catalog", NULL, NULL, false, &r);
	ck_assert_int_eq(r.status, 405);
	ck_assert_str_eq(r.allow, "GET, HEAD");
	get("/v2/a/blobs/sha256:0000000000000000000000000000000000000000000000000000000000000000", &r);
	ck_assert_int_eq(r.status, 404);
	ck_assert_ptr_nonnull(strstr(r.body, "\"BLOB_UNKNOWN\""));
	get("/v2/a/blobs/uploads/nope", &r);
	ck_assert_int_eq(r.status, 404);
	ck_assert_ptr_nonnull(strstr(r.body, "\"BLOB_UPLOAD_UNKNOWN\""));
	/* A manifest whose Content-Type no spec names is refused before the store sees it. */
	static const char *const html[] = { "Content-Type", "text/html", NULL };
	call("PUT", "/v2/a/manifests/page", html, "{\"schemaVersion\":2}", false, &r);
	ck_assert_int_eq(r.status, 400);
	ck_assert_ptr_nonnull(strstr(r.body, "\"MANIFEST_INVALID\""));
	get("/v2/a/manifests/page", &r);
	ck_assert_int_eq(r.status, 404);
}
END_TEST

START_TEST(a_manifest_over_four_mebibytes_is_refused_before_it_is_read)
{
	struct http_head head;
	http_client_start(&client, &head, "PUT", "/v2/a/manifests/big");
	ck_assert_int_eq(http_client_send_head(&client, &head, 5 << 20), 0);
	const struct http_message *m;
	ck_assert_int_eq(http_client_read_response(&client, &m), 0);
	ck_assert_int_eq(m->status, 413);
	ck_assert_str_eq(http_field_value(m, "Connection"), "close");
}
END_TEST

START_TEST(deleted_blobs_and_cancelled_uploads_are_gone)
{
	char digest[REGISTRY_REFERENCE_MAX + 1], target[512];
	push_blob("a", "to delete", digest);
	snprintf(target, sizeof(target), "/v2/a/blobs/%s", digest);
	struct reply r;
	call("DELETE", target, NULL, NULL, false, &r);
	ck_assert_int_eq(r.status, 202);
	get(target, &r);
	ck_assert_int_eq(r.status, 404);

	call("POST", "/v2/a/blobs/uploads/", NULL, NULL, false, &r);
	snprintf(target, sizeof(target), "%s", r.location);
	call("DELETE", target, NULL, NULL, false, &r);
	ck_assert_int_eq(r.status, 204);
	get(target, &r);
	ck_assert_int_eq(r.status, 404);
}
END_TEST

START_TEST(listings_are_written_as_json)
{
	char *items[] = { "1.0", "we\"ird" };
	struct registry_list list = { .items = items, .count = 2 };
	size_t size;
	char *body = registry_list_json("a/b", &list, &size);
	ck_assert_str_eq(body, "{\"name\":\"a/b\",\"tags\":[\"1.0\",\"we\\\"ird\"]}\n");
	ck_assert_uint_eq(size, strlen(body));
	free(body);
	list.count = 0;
	body = registry_list_json(NULL, &list, &size);
	ck_assert_str_eq(body, "{\"repositories\":[]}\n");
	free(body);
}
END_TEST

Suite *registry_api_suite(void)
{
	Suite *s = suite_create("registry_api");
	TCase *t = tcase_create("loopback");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 30);
	tcase_add_test(t, the_base_endpoint_says_it_is_a_v2_registry);
	tcase_add_test(t, a_blob_pushed_by_post_then_put_can_be_pulled_whole_or_in_part);
	tcase_add_test(t, a_chunked_upload_takes_patches_in_order_only);
	tcase_add_test(t, a_single_post_with_a_digest_pushes_a_whole_blob);
	tcase_add_test(t, a_blob_is_mounted_from_another_repository_or_an_upload_begins);
	tcase_add_test(t, a_manifest_is_pushed_by_tag_and_pulled_by_tag_or_digest);
	tcase_add_test(t, tags_are_listed_in_order_a_page_at_a_time);
	tcase_add_test(t, bad_requests_get_the_spec_error_bodies);
	tcase_add_test(t, a_manifest_over_four_mebibytes_is_refused_before_it_is_read);
	tcase_add_test(t, deleted_blobs_and_cancelled_uploads_are_gone);
	suite_add_tcase(s, t);
	t = tcase_create("bodies");
	tcase_add_test(t, listings_are_written_as_json);
	suite_add_tcase(s, t);
	return s;
}
