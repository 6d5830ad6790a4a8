/*
 * registry-api.c - the registry's HTTP API: each route's request and response, over a store.
 *
 * Lecture: "Docker Hub (for distributing containers)". registry-routes.c said which
 * operation a request is; this file answers it the way the OCI distribution spec and
 * the real clients (docker, skopeo, containerd) expect, with the storage behind the
 * small interface of registry-store.h:
 *
 *   pull   GET /v2/                     200 {} and Docker-Distribution-API-Version
 *          GET manifests/<ref>          200, Content-Type as pushed, Docker-Content-Digest
 *          GET blobs/<digest>           200 (or 206 for a Range), streamed with sendfile(2)
 *   push   HEAD blobs/<digest>          200 if the registry has it already: not sent again
 *          POST blobs/uploads/          202, Location of an upload session
 *          PATCH <location>             202, Range 0-<last byte received>
 *          PUT <location>?digest=       201 once the bytes hash to the digest
 *          PUT manifests/<tag>          201, Docker-Content-Digest
 *
 * Bodies are streamed: an upload goes to the store 64 KiB at a time, a blob download
 * goes from file to socket in the kernel; only manifests (at most 4 MiB) and listings
 * are held in memory. That is why 50 clients pulling a 500 MB image cost the server
 * 50 small buffers, not 25 GB.
 *
 * Read next: registry.md, the lesson, which follows `docker pull` and `docker push`
 * through these answers.
 */
#include "registry-api.h"
#include "error.h"
#include "http-message.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void registry_list_free(struct registry_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

/* --- answers ------------------------------------------------------------------------------ */

/* Every answer says which API it speaks: Docker's ping (GET /v2/) looks for this header. */
static void start_head(struct http_head *h, int status)
{
	http_head_response(h, status);
	http_head_field(h, "Docker-Distribution-API-Version", "registry/2.0");
}

static void send_head_only(struct http_exchange *ex, struct http_head *h)
{
	http_exchange_send_head(ex, h, 0);
}

static void reply_error(struct http_exchange *ex, int status, enum registry_error e, const char *detail,
			const char *allow)
{
	char body[1024];
	long n = registry_error_body(body, sizeof(body), e, detail);
	if (n < 0)
		n = registry_error_body(body, sizeof(body), e, NULL);
	struct http_head h;
	start_head(&h, status);
	http_head_field(&h, "Content-Type", "application/json");
	if (allow)
		http_head_field(&h, "Allow", "%s", allow);
	if (http_exchange_send_head(ex, &h, n) == 0)
		http_exchange_write(ex, body, (size_t)n);
}

/* A store's answer that is not 0: the client's mistake (its registry_error) or ours (500). */
static void reply_store_failure(struct http_exchange *ex, int rc, const char *detail)
{
	if (rc > 0) {
		reply_error(ex, registry_error_status((enum registry_error)rc), (enum registry_error)rc, detail, NULL);
		return;
	}
	http_exchange_log(ex, "store failed: %s", error_message());
	static const char body[] = "internal server error\n";
	http_exchange_reply(ex, 500, "text/plain; charset=utf-8", body, sizeof(body) - 1);
}

/* The client's address without its port: "127.0.0.1" of "127.0.0.1:43210", "::1" of
 * "[::1]:43210". Uploads are counted per address, and a client opens a new port for every
 * connection. */
static void client_address(struct http_exchange *ex, char *out, size_t size)
{
	const char *peer = http_exchange_peer(ex);
	if (peer[0] == '[')
		snprintf(out, size, "%.*s", (int)strcspn(peer + 1, "]"), peer + 1);
	else
		snprintf(out, size, "%.*s", (int)(strrchr(peer, ':') ? strrchr(peer, ':') - peer : (long)strlen(peer)), peer);
}

/* --- bodies in and out ---------------------------------------------------------------- */

/* Stream the request body into an upload; *received counts the bytes. */
static int body_to_upload(struct http_exchange *ex, const struct registry_store *st, const char *name, const char *id,
			  uint64_t *received)
{
	char buf[65536];
	*received = 0;
	for (;;) {
		ssize_t n = http_exchange_read(ex, buf, sizeof(buf));
		if (n < 0)
			return REGISTRY_BLOB_UPLOAD_INVALID; /* the client's body broke off or was malformed */
		if (n == 0)
			return 0;
		int rc = st->upload_write(st->ctx, name, id, buf, (size_t)n);
		if (rc != 0)
			return rc;
		*received += (uint64_t)n;
	}
}

/* Read a whole manifest, at most REGISTRY_MANIFEST_MAX bytes: 0, 413 too big, -1 broken off. */
static int read_manifest(struct http_exchange *ex, char **body, size_t *size)
{
	const struct http_message *m = http_exchange_request(ex);
	if (m->framing == HTTP_BODY_LENGTH && m->content_length > REGISTRY_MANIFEST_MAX)
		return 413;
	size_t cap = m->framing == HTTP_BODY_LENGTH ? (size_t)m->content_length + 1 : 65536;
	char *buf = malloc(cap);
	size_t len = 0;
	for (;;) {
		if (!buf)
			return -1;
		if (len == cap) {
			if (cap > REGISTRY_MANIFEST_MAX) {
				free(buf);
				return 413;
			}
			cap *= 2;
			char *bigger = realloc(buf, cap);
			if (!bigger)
				free(buf);
			buf = bigger;
			continue;
		}
		ssize_t n = http_exchange_read(ex, buf + len, cap - len);
		if (n < 0) {
			free(buf);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > REGISTRY_MANIFEST_MAX) {
		free(buf);
		return 413;
	}
	*body = buf;
	*size = len;
	return 0;
}

char *registry_list_json(const char *name, const struct registry_list *list, size_t *size)
{
	/* Two passes of the same writer: the first measures, the second writes. */
	char *out = NULL;
	size_t cap = 0, at = 0;
	for (int pass = 0; pass < 2; pass++) {
		at = 0;
		if (name) {
			at += (size_t)snprintf(out ? out + at : NULL, out ? cap - at : 0, "{\"name\":");
			at = registry_json_string(out, cap, at, name);
			at += (size_t)snprintf(out ? out + at : NULL, out ? cap - at : 0, ",\"tags\":[");
		} else {
			at += (size_t)snprintf(out ? out + at : NULL, out ? cap - at : 0, "{\"repositories\":[");
		}
		for (size_t i = 0; i < list->count; i++) {
			if (i > 0 && (at += 1) <= cap && out)
				out[at - 1] = ',';
			at = registry_json_string(out, cap, at, list->items[i]);
		}
		at += (size_t)snprintf(out ? out + at : NULL, out ? cap - at : 0, "]}\n");
		if (pass == 0) {
			cap = at + 1;
			out = malloc(cap);
			if (!out)
				return NULL;
		}
	}
	*size = at;
	return out;
}

/* --- the operations -------------------------------------------------------------------- */

static void api_base(struct http_exchange *ex)
{
	struct http_head h;
	start_head(&h, 200);
	http_head_field(&h, "Content-Type", "application/json");
	if (http_exchange_send_head(ex, &h, 2) == 0)
		http_exchange_write(ex, "{}", 2);
}

static void api_manifest_get(struct http_exchange *ex, const struct registry_store *st, const struct registry_route *r)
{
	struct registry_manifest man = { 0 };
	int rc = st->manifest_get(st->ctx, r->name, r->reference, &man);
	if (rc != 0) {
		reply_store_failure(ex, rc, r->reference);
		return;
	}
	struct http_head h;
	start_head(&h, 200);
	http_head_field(&h, "Content-Type", "%s", man.media_type);
	http_head_field(&h, "Docker-Content-Digest", "%s", man.digest);
	http_head_field(&h, "ETag", "\"%s\"", man.digest);
	if (http_exchange_send_head(ex, &h, (int64_t)man.size) == 0)
		http_exchange_write(ex, man.body, man.size);
	free(man.body);
}

static void api_manifest_put(struct http_exchange *ex, const struct registry_store *st, const struct registry_route *r)
{
	/* The media type is the Content-Type without parameters (the spec: ignore them). It is
	 * stored, and sent back as the Content-Type of every pull: only a type of manifest is
	 * accepted, never "text/html" for a browser to render. Without one, the store goes
	 * by the manifest's own mediaType. */
	char media_type[256] = "";
	const char *type = http_field_value(http_exchange_request(ex), "Content-Type");
	if (type)
		snprintf(media_type, sizeof(media_type), "%.*s", (int)strcspn(type, "; \t"), type);
	if (type && !registry_manifest_type(media_type)) {
		http_exchange_close_after(ex); /* its body stays unread */
		reply_error(ex, 400, REGISTRY_MANIFEST_INVALID, "not a manifest's media type", NULL);
		return;
	}
	char *body = NULL;
	size_t size = 0;
	int rc = read_manifest(ex, &body, &size);
	if (rc == 413) {
		http_exchange_close_after(ex);
		reply_error(ex, 413, REGISTRY_SIZE_INVALID, "a manifest may have at most 4 MiB", NULL);
		return;
	}
	if (rc < 0) {
		reply_error(ex, 400, REGISTRY_MANIFEST_INVALID, "the manifest body was cut short", NULL);
		return;
	}
	char digest[REGISTRY_REFERENCE_MAX + 1] = "";
	rc = st->manifest_put(st->ctx, r->name, r->reference, media_type, body, size, digest);
	free(body);
	if (rc != 0) {
		reply_store_failure(ex, rc, r->reference);
		return;
	}
	struct http_head h;
	start_head(&h, 201);
	http_head_field(&h, "Location", "/v2/%s/manifests/%s", r->name, digest);
	http_head_field(&h, "Docker-Content-Digest", "%s", digest);
	send_head_only(ex, &h);
}

static void api_blob_get(struct http_exchange *ex, const struct registry_store *st, const struct registry_route *r)
{
	int fd = -1;
	uint64_t size = 0;
	int rc = st->blob_open(st->ctx, r->name, r->reference, &fd, &size);
	if (rc != 0) {
		reply_store_failure(ex, rc, r->reference);
		return;
	}
	/* Range: a client that lost a download half way asks for the rest (RFC 9110 section 14). */
	uint64_t first = 0, last = size ? size - 1 : 0;
	const char *range = http_field_value(http_exchange_request(ex), "Range");
	enum http_range_result want = http_parse_range(range, size, &first, &last);
	struct http_head h;
	if (want == HTTP_RANGE_UNSATISFIABLE) {
		start_head(&h, 416);
		http_head_field(&h, "Content-Range", "bytes */%" PRIu64, size);
		send_head_only(ex, &h);
		close(fd);
		return;
	}
	start_head(&h, want == HTTP_RANGE_PARTIAL ? 206 : 200);
	http_head_field(&h, "Content-Type", "application/octet-stream");
	http_head_field(&h, "Docker-Content-Digest", "%s", r->reference);
	http_head_field(&h, "ETag", "\"%s\"", r->reference);
	http_head_field(&h, "Accept-Ranges", "bytes");
	if (want == HTTP_RANGE_PARTIAL)
		http_head_field(&h, "Content-Range", "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64, first, last, size);
	uint64_t count = size ? last - first + 1 : 0;
	if (http_exchange_send_head(ex, &h, (int64_t)count) == 0 &&
	    http_exchange_send_file(ex, fd, (off_t)first, count) < 0)
		http_exchange_log(ex, "sending blob %s: %s", r->reference, error_message());
	close(fd);
}

/* 202 with where to send the rest of an upload, and how much has arrived. */
static void reply_upload_progress(struct http_exchange *ex, int status, const struct registry_route *r,
				  const char *id, uint64_t size)
{
	struct http_head h;
	start_head(&h, status);
	http_head_field(&h, "Location", "/v2/%s/blobs/uploads/%s", r->name, id);
	http_head_field(&h, "Docker-Upload-UUID", "%s", id);
	/* Range is inclusive: after 0 bytes as after 1 byte, clients expect "0-0". */
	http_head_field(&h, "Range", "0-%" PRIu64, size ? size - 1 : 0);
	send_head_only(ex, &h);
}

static void reply_blob_created(struct http_exchange *ex, const struct registry_route *r, const char *digest)
{
	struct http_head h;
	start_head(&h, 201);
	http_head_field(&h, "Location", "/v2/%s/blobs/%s", r->name, digest);
	http_head_field(&h, "Docker-Content-Digest", "%s", digest);
	send_head_only(ex, &h);
}

static void api_upload_start(struct http_exchange *ex, const struct registry_store *st, const struct registry_route *r)
{
	if (r->op == REGISTRY_UPLOAD_MOUNT) {
		int rc = st->blob_mount(st->ctx, r->name, r->digest, r->from);
		if (rc == 0) {
			reply_blob_created(ex, r, r->digest);
			return;
		}
		if (rc < 0) {
			reply_store_failure(ex, rc, r->digest);
			return;
		}
		/* Not mountable: the spec says to start an ordinary upload instead (202). */
	}
	char id[REGISTRY_UPLOAD_ID_MAX + 1], client[64];
	client_address(ex, client, sizeof(client));
	int rc = st->upload_start(st->ctx, r->name, client, id);
	if (rc != 0) {
		reply_store_failure(ex, rc, r->name);
		return;
	}
	if (r->op != REGISTRY_UPLOAD_WHOLE) {
		reply_upload_progress(ex, 202, r, id, 0);
		return;
	}
	/* POST ?digest=: the whole blob in this one request. */
	uint64_t received;
	rc = body_to_upload(ex, st, r->name, id, &received);
	if (rc == 0)
		rc = st->upload_finish(st->ctx, r->name, id, r->digest);
	if (rc != 0) {
		st->upload_cancel(st->ctx, r->name, id);
		reply_store_failure(ex, rc, r->digest);
		return;
	}
	reply_blob_created(ex, r, r->digest);
}

/* PATCH and the closing PUT: append the body (checking its Content-Range), then for PUT finish. */
static void api_upload_data(struct http_exchange *ex, const struct registry_store *st, const struct registry_route *r)
{
	uint64_t size;
	int rc = st->upload_size(st->ctx, r->name, r->reference, &size);
	if (rc != 0) {
		reply_store_failure(ex, rc, r->reference);
		return;
	}
	const char *range = http_field_value(http_exchange_request(ex), "Content-Range");
	uint64_t first, last;
	if (range) {
		if (http_parse_content_range(range, &first, &last) < 0) {
			reply_error(ex, 400, REGISTRY_BLOB_UPLOAD_INVALID, "malformed Content-Range", NULL);
			return;
		}
		/* Chunks must come in order: "the first byte of a chunk being the last chunk's
		 * <end-of-range> plus one", else 416 and the client asks where we are. */
		if (first != size) {
			http_exchange_close_after(ex); /* its body stays unread */
			reply_upload_progress(ex, 416, r, r->reference, size);
			return;
		}
	}
	uint64_t received;
	rc = body_to_upload(ex, st, r->name, r->reference, &received);
	if (rc == 0 && range && received != last - first + 1)
		rc = REGISTRY_SIZE_INVALID;
	if (rc != 0) {
		/* Some of the body may be written, the rest not: the upload can no longer be
		 * trusted to hold what the client thinks it sent. It ends here, bytes and file;
		 * the client starts a new one, as after any error. */
		st->upload_cancel(st->ctx, r->name, r->reference);
		reply_store_failure(ex, rc, r->reference);
		return;
	}
	if (r->op == REGISTRY_UPLOAD_CHUNK) {
		reply_upload_progress(ex, 202, r, r->reference, size + received);
		return;
	}
	rc = st->upload_finish(st->ctx, r->name, r->reference, r->digest);
	if (rc != 0) {
		reply_store_failure(ex, rc, r->digest);
		return;
	}
	reply_blob_created(ex, r, r->digest);
}

static void api_upload_status(struct http_exchange *ex, const struct registry_store *st, const struct registry_route *r)
{
	uint64_t size;
	int rc = st->upload_size(st->ctx, r->name, r->reference, &size);
	if (rc != 0)
		reply_store_failure(ex, rc, r->reference);
	else
		reply_upload_progress(ex, 204, r, r->reference, size);
}

/* DELETE of a manifest, a blob (202) or an upload (204). */
static void api_delete(struct http_exchange *ex, const struct registry_store *st, const struct registry_route *r)
{
	int rc;
	if (r->op == REGISTRY_MANIFEST_DELETE)
		rc = st->manifest_delete(st->ctx, r->name, r->reference);
	else if (r->op == REGISTRY_BLOB_DELETE)
		rc = st->blob_delete(st->ctx, r->name, r->reference);
	else
		rc = st->upload_cancel(st->ctx, r->name, r->reference);
	if (rc != 0) {
		reply_store_failure(ex, rc, r->reference);
		return;
	}
	struct http_head h;
	start_head(&h, r->op == REGISTRY_UPLOAD_CANCEL ? 204 : 202);
	send_head_only(ex, &h);
}

/* tags/list and _catalog: a sorted page, and a Link to the next one (RFC 8288). */
static void api_list(struct http_exchange *ex, const struct registry_store *st, const struct registry_route *r)
{
	bool tags = r->op == REGISTRY_TAGS_LIST;
	size_t n = r->has_n ? r->n : SIZE_MAX;
	struct registry_list list = { 0 };
	int rc = n == 0 ? 0 : tags ? st->tags_list(st->ctx, r->name, r->last, n, &list) : st->catalog(st->ctx, r->last, n, &list);
	if (rc != 0) {
		reply_store_failure(ex, rc, tags ? r->name : NULL);
		return;
	}
	size_t size;
	char *body = registry_list_json(tags ? r->name : NULL, &list, &size);
	if (!body) {
		registry_list_free(&list);
		fail_errno(ENOMEM, "cannot list");
		reply_store_failure(ex, -1, NULL);
		return;
	}
	struct http_head h;
	start_head(&h, 200);
	http_head_field(&h, "Content-Type", "application/json");
	if (list.more && list.count > 0 && r->has_n) {
		if (tags)
			http_head_field(&h, "Link", "</v2/%s/tags/list?n=%lu&last=%s>; rel=\"next\"", r->name, r->n,
					list.items[list.count - 1]);
		else
			http_head_field(&h, "Link", "</v2/_catalog?n=%lu&last=%s>; rel=\"next\"", r->n, list.items[list.count - 1]);
	}
	if (http_exchange_send_head(ex, &h, (int64_t)size) == 0)
		http_exchange_write(ex, body, size);
	free(body);
	registry_list_free(&list);
}

void registry_handle(struct http_exchange *ex, void *store)
{
	const struct registry_store *st = store;
	const struct http_message *m = http_exchange_request(ex);
	struct registry_route r;
	if (registry_route(m->method, m->target, &r) < 0) {
		reply_error(ex, r.status, r.error, r.detail, r.allow);
		return;
	}
	switch (r.op) {
	case REGISTRY_BASE:
		api_base(ex);
		break;
	case REGISTRY_MANIFEST_GET:
		api_manifest_get(ex, st, &r);
		break;
	case REGISTRY_MANIFEST_PUT:
		api_manifest_put(ex, st, &r);
		break;
	case REGISTRY_BLOB_GET:
		api_blob_get(ex, st, &r);
		break;
	case REGISTRY_UPLOAD_START:
	case REGISTRY_UPLOAD_WHOLE:
	case REGISTRY_UPLOAD_MOUNT:
		api_upload_start(ex, st, &r);
		break;
	case REGISTRY_UPLOAD_CHUNK:
	case REGISTRY_UPLOAD_FINISH:
		api_upload_data(ex, st, &r);
		break;
	case REGISTRY_UPLOAD_STATUS:
		api_upload_status(ex, st, &r);
		break;
	case REGISTRY_MANIFEST_DELETE:
	case REGISTRY_BLOB_DELETE:
	case REGISTRY_UPLOAD_CANCEL:
		api_delete(ex, st, &r);
		break;
	case REGISTRY_TAGS_LIST:
	case REGISTRY_CATALOG:
		api_list(ex, st, &r);
		break;
	}
}
