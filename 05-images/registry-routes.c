/*
 * registry-routes.c - the registry's URL space: which request is which operation.
 *
 * Lecture: "Docker Hub (for distributing containers)": a registry is a set of
 * repositories ("shop/web"), each holding manifests, reachable by tag ("1.0") or by
 * digest ("sha256:4f2a..."), and blobs, reachable by digest only. The OCI distribution
 * spec gives every operation a URL under /v2/:
 *
 *     GET    /v2/                                    are you a registry?
 *     GET    /v2/<name>/manifests/<tag or digest>    what is this image? (HEAD: does it exist?)
 *     GET    /v2/<name>/blobs/<digest>               give me this layer or config
 *     POST   /v2/<name>/blobs/uploads/               I want to upload a blob
 *     PATCH  /v2/<name>/blobs/uploads/<id>           here are some of its bytes
 *     PUT    /v2/<name>/blobs/uploads/<id>?digest=   that was all; it should hash to this
 *     PUT    /v2/<name>/manifests/<tag>              here is an image made of those blobs
 *     GET    /v2/<name>/tags/list                    which tags are there?
 *
 * A name may itself hold slashes ("library/busybox"), so a path is read from its end:
 * the tail ("/manifests/1.0", "/blobs/uploads/") says what is asked, and everything in
 * front of it is the name.
 *
 * Every name, tag and digest is checked against the spec's patterns here, before any
 * of it reaches the image store, where it becomes part of a file path: the patterns
 * allow no "..", no empty component and no leading "/", so a request cannot name a file
 * outside the store (the class of bug behind CVE-2021-41773 and many like it).
 *
 * Read next: registry.md, the lesson, which follows a `docker pull` through these routes.
 */
#include "registry-routes.h"
#include "http-message.h"
#include "oci.h"
#include "reference.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The spec's patterns for names, tags and digests are reference.h's: `docker tag` and the
 * registry must agree on them, so there is one copy, in reference.c. Digests are sha256 only:
 * a registry that cannot compute an algorithm cannot verify an upload named by it, so it
 * answers DIGEST_INVALID rather than store bytes it cannot check. */

/* --- errors ----------------------------------------------------------------------------- */

static const struct {
	const char *code, *message;
	int status;
} errors[] = {
	[REGISTRY_OK] = { "", "", 200 },
	[REGISTRY_BLOB_UNKNOWN] = { "BLOB_UNKNOWN", "blob unknown to registry", 404 },
	[REGISTRY_BLOB_UPLOAD_INVALID] = { "BLOB_UPLOAD_INVALID", "blob upload invalid", 400 },
	[REGISTRY_BLOB_UPLOAD_UNKNOWN] = { "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry", 404 },
	[REGISTRY_DIGEST_INVALID] = { "DIGEST_INVALID", "provided digest did not match uploaded content", 400 },
	[REGISTRY_MANIFEST_BLOB_UNKNOWN] = { "MANIFEST_BLOB_UNKNOWN",
					     "manifest references a manifest or blob unknown to registry", 400 },
	[REGISTRY_MANIFEST_INVALID] = { "MANIFEST_INVALID", "manifest invalid", 400 },
	[REGISTRY_MANIFEST_UNKNOWN] = { "MANIFEST_UNKNOWN", "manifest unknown to registry", 404 },
	[REGISTRY_NAME_INVALID] = { "NAME_INVALID", "invalid repository name", 400 },
	[REGISTRY_NAME_UNKNOWN] = { "NAME_UNKNOWN", "repository name not known to registry", 404 },
	[REGISTRY_SIZE_INVALID] = { "SIZE_INVALID", "provided length did not match content length", 400 },
	[REGISTRY_TAG_INVALID] = { "TAG_INVALID", "invalid tag", 400 },
	[REGISTRY_UNAUTHORIZED] = { "UNAUTHORIZED", "authentication required", 401 },
	[REGISTRY_DENIED] = { "DENIED", "requested access to the resource is denied", 403 },
	[REGISTRY_UNSUPPORTED] = { "UNSUPPORTED", "the operation is unsupported", 405 },
	[REGISTRY_TOOMANYREQUESTS] = { "TOOMANYREQUESTS", "too many requests", 429 },
};

/* A code from outside the table (a store returning a stray number) is reported as UNSUPPORTED
 * rather than read past the table's end. */
static enum registry_error known(enum registry_error e)
{
	return (unsigned)e < sizeof(errors) / sizeof(errors[0]) ? e : REGISTRY_UNSUPPORTED;
}

const char *registry_error_code(enum registry_error e)
{
	return errors[known(e)].code;
}

const char *registry_error_message(enum registry_error e)
{
	return errors[known(e)].message;
}

int registry_error_status(enum registry_error e)
{
	return errors[known(e)].status;
}

/* A small JSON string escaper for the registry's fixed bodies (errors, listings of names and
 * tags); json.h, the chapter's JSON reader and writer, is the general one. */
size_t registry_json_string(char *out, size_t size, size_t at, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	if (at < size)
		out[at] = '"';
	at++;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		char esc[7];
		size_t n;
		if (*c == '"' || *c == '\\') {
			esc[0] = '\\', esc[1] = (char)*c, n = 2;
		} else if (*c < 0x20 || *c == 0x7f) {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[*c >> 4], esc[5] = hex[*c & 15], n = 6;
		} else {
			esc[0] = (char)*c, n = 1;
		}
		for (size_t i = 0; i < n; i++, at++)
			if (at < size)
				out[at] = esc[i];
	}
	if (at < size)
		out[at] = '"';
	return at + 1;
}

static size_t put_text(char *out, size_t size, size_t at, const char *s)
{
	for (; *s; s++, at++)
		if (at < size)
			out[at] = *s;
	return at;
}

long registry_error_body(char *out, size_t size, enum registry_error e, const char *detail)
{
	e = known(e);
	size_t at = put_text(out, size, 0, "{\"errors\":[{\"code\":");
	at = registry_json_string(out, size, at, errors[e].code);
	at = put_text(out, size, at, ",\"message\":");
	at = registry_json_string(out, size, at, errors[e].message);
	if (detail) {
		at = put_text(out, size, at, ",\"detail\":");
		at = registry_json_string(out, size, at, detail);
	}
	at = put_text(out, size, at, "}]}\n");
	if (at >= size)
		return -1;
	out[at] = '\0';
	return (long)at;
}

/* --- routing ---------------------------------------------------------------------------- */

static int refuse(struct registry_route *r, int status, enum registry_error e, const char *detail)
{
	r->status = status;
	r->error = e;
	r->detail = detail;
	return -1;
}

static int method_not_allowed(struct registry_route *r, const char *allow)
{
	r->allow = allow;
	return refuse(r, 405, REGISTRY_UNSUPPORTED, "method not allowed here");
}

static bool ends_with(const char *s, size_t len, const char *tail)
{
	size_t n = strlen(tail);
	return len >= n && memcmp(s + len - n, tail, n) == 0;
}

static bool is_get(const char *method, struct registry_route *r)
{
	if (strcmp(method, "HEAD") == 0)
		r->head = true;
	return r->head || strcmp(method, "GET") == 0;
}

/* ?n=&last= of the two listing endpoints. last is a tag (tags list) or a name (catalog). */
static int take_pagination(struct registry_route *r, const char *query, bool last_is_tag)
{
	char n[24];
	int found = http_query_get(query, "n", n, sizeof(n));
	if (found < 0)
		return refuse(r, 400, REGISTRY_UNSUPPORTED, "n must be a number");
	if (found) {
		char *end;
		if (!isdigit((unsigned char)n[0]) || (r->n = strtoul(n, &end, 10), *end) || r->n > 1000000)
			return refuse(r, 400, REGISTRY_UNSUPPORTED, "n must be a number from 0 to 1000000");
		r->has_n = true;
	}
	found = http_query_get(query, "last", r->last, sizeof(r->last));
	if (found < 0 || (found && last_is_tag && !tag_valid(r->last)))
		return refuse(r, 400, last_is_tag ? REGISTRY_TAG_INVALID : REGISTRY_NAME_INVALID, "invalid last");
	if (found && !last_is_tag && !repository_path_valid(r->last))
		return refuse(r, 400, REGISTRY_NAME_INVALID, "invalid last");
	return 0;
}

/* A digest in a query (?digest=, ?mount=): present and valid, or the request is refused. */
static int take_digest(struct registry_route *r, const char *query, const char *key, bool required)
{
	int found = http_query_get(query, key, r->digest, sizeof(r->digest));
	if (found == 0 && !required)
		return 0;
	if (found == 0)
		return refuse(r, 400, REGISTRY_DIGEST_INVALID, "the digest parameter is missing");
	if (found < 0 || !digest_valid(r->digest))
		return refuse(r, 400, REGISTRY_DIGEST_INVALID, "malformed digest");
	return 1;
}

static bool upload_id_valid(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > REGISTRY_UPLOAD_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char)id[i]) || id[i] == '-' || id[i] == '_'))
			return false;
	return true;
}

enum kind { K_TAGS, K_UPLOADS, K_UPLOAD, K_MANIFEST, K_BLOB };

/* Read "<name>/<tail>" from its end: which kind of resource, where the name ends, and the
 * last segment (reference, digest or upload id). */
static int split_resource(const char *rest, enum kind *kind, size_t *name_len, const char **last)
{
	size_t len = strlen(rest);
	if (ends_with(rest, len, "/tags/list")) {
		*kind = K_TAGS, *name_len = len - strlen("/tags/list");
		return 0;
	}
	if (ends_with(rest, len, "/blobs/uploads/") || ends_with(rest, len, "/blobs/uploads")) {
		*kind = K_UPLOADS, *name_len = len - strlen("/blobs/uploads") - (rest[len - 1] == '/');
		return 0;
	}
	const char *slash = strrchr(rest, '/');
	if (!slash)
		return -1;
	size_t prefix = (size_t)(slash - rest);
	*last = slash + 1;
	if (ends_with(rest, prefix, "/manifests"))
		*kind = K_MANIFEST, *name_len = prefix - strlen("/manifests");
	else if (ends_with(rest, prefix, "/blobs/uploads"))
		*kind = K_UPLOAD, *name_len = prefix - strlen("/blobs/uploads");
	else if (ends_with(rest, prefix, "/blobs"))
		*kind = K_BLOB, *name_len = prefix - strlen("/blobs");
	else
		return -1;
	return 0;
}

static int route_manifest(const char *method, const char *ref, struct registry_route *r)
{
	if (is_get(method, r))
		r->op = REGISTRY_MANIFEST_GET;
	else if (strcmp(method, "PUT") == 0)
		r->op = REGISTRY_MANIFEST_PUT;
	else if (strcmp(method, "DELETE") == 0)
		r->op = REGISTRY_MANIFEST_DELETE;
	else
		return method_not_allowed(r, "GET, HEAD, PUT, DELETE");
	snprintf(r->reference, sizeof(r->reference), "%s", ref);
	if (strchr(ref, ':')) {
		if (!digest_valid(ref))
			return refuse(r, 400, REGISTRY_DIGEST_INVALID, "malformed digest");
		r->reference_is_digest = true;
	} else if (!tag_valid(ref)) {
		return refuse(r, 400, REGISTRY_TAG_INVALID, "a tag is [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
	}
	return 0;
}

static int route_blob(const char *method, const char *digest, struct registry_route *r)
{
	if (is_get(method, r))
		r->op = REGISTRY_BLOB_GET;
	else if (strcmp(method, "DELETE") == 0)
		r->op = REGISTRY_BLOB_DELETE;
	else
		return method_not_allowed(r, "GET, HEAD, DELETE");
	if (!digest_valid(digest))
		return refuse(r, 400, REGISTRY_DIGEST_INVALID, "malformed digest");
	snprintf(r->reference, sizeof(r->reference), "%s", digest);
	r->reference_is_digest = true;
	return 0;
}

static int route_uploads(const char *method, const char *query, struct registry_route *r)
{
	if (strcmp(method, "POST") != 0)
		return method_not_allowed(r, "POST");
	/* A mount is asked with ?mount=<digest>&from=<name>; the spec lets from be optional. */
	int mount = take_digest(r, query, "mount", false);
	if (mount < 0)
		return -1;
	if (mount) {
		int found = http_query_get(query, "from", r->from, sizeof(r->from));
		if (found < 0 || (found && !repository_path_valid(r->from)))
			return refuse(r, 400, REGISTRY_NAME_INVALID, "invalid from");
		r->op = REGISTRY_UPLOAD_MOUNT;
		return 0;
	}
	int whole = take_digest(r, query, "digest", false);
	if (whole < 0)
		return -1;
	r->op = whole ? REGISTRY_UPLOAD_WHOLE : REGISTRY_UPLOAD_START;
	return 0;
}

static int route_upload(const char *method, const char *id, const char *query, struct registry_route *r)
{
	if (strcmp(method, "PATCH") == 0)
		r->op = REGISTRY_UPLOAD_CHUNK;
	else if (strcmp(method, "PUT") == 0)
		r->op = REGISTRY_UPLOAD_FINISH;
	else if (is_get(method, r))
		r->op = REGISTRY_UPLOAD_STATUS;
	else if (strcmp(method, "DELETE") == 0)
		r->op = REGISTRY_UPLOAD_CANCEL;
	else
		return method_not_allowed(r, "GET, HEAD, PATCH, PUT, DELETE");
	/* Ids are made by the store; anything else cannot name an upload. */
	if (!upload_id_valid(id))
		return refuse(r, 404, REGISTRY_BLOB_UPLOAD_UNKNOWN, "no such upload");
	snprintf(r->reference, sizeof(r->reference), "%s", id);
	if (r->op == REGISTRY_UPLOAD_FINISH && take_digest(r, query, "digest", true) < 0)
		return -1;
	return 0;
}

int registry_route(const char *method, const char *target, struct registry_route *r)
{
	memset(r, 0, sizeof(*r));
	char path[1024];
	const char *query;
	if (http_split_target(target, path, sizeof(path), &query) < 0)
		return refuse(r, 404, REGISTRY_UNSUPPORTED, "malformed or too long path");
	if (strcmp(path, "/v2") == 0 || strcmp(path, "/v2/") == 0) {
		r->op = REGISTRY_BASE;
		return is_get(method, r) ? 0 : method_not_allowed(r, "GET, HEAD");
	}
	if (strncmp(path, "/v2/", 4) != 0)
		return refuse(r, 404, REGISTRY_UNSUPPORTED, "not a registry API path");
	const char *rest = path + 4;
	if (strcmp(rest, "_catalog") == 0) {
		r->op = REGISTRY_CATALOG;
		if (!is_get(method, r))
			return method_not_allowed(r, "GET, HEAD");
		return take_pagination(r, query, false);
	}

	enum kind kind;
	size_t name_len;
	const char *last = NULL;
	if (split_resource(rest, &kind, &name_len, &last) < 0)
		return refuse(r, 404, REGISTRY_UNSUPPORTED, "not a registry API path");
	if (name_len == 0 || name_len > REGISTRY_NAME_MAX)
		return refuse(r, 400, REGISTRY_NAME_INVALID, "invalid repository name");
	memcpy(r->name, rest, name_len);
	r->name[name_len] = '\0';
	if (!repository_path_valid(r->name))
		return refuse(r, 400, REGISTRY_NAME_INVALID, "invalid repository name");

	switch (kind) {
	case K_TAGS:
		r->op = REGISTRY_TAGS_LIST;
		if (!is_get(method, r))
			return method_not_allowed(r, "GET, HEAD");
		return take_pagination(r, query, true);
	case K_UPLOADS:
		return route_uploads(method, query, r);
	case K_UPLOAD:
		return route_upload(method, last, query, r);
	case K_MANIFEST:
		return route_manifest(method, last, r);
	case K_BLOB:
		return route_blob(method, last, r);
	}
	return refuse(r, 404, REGISTRY_UNSUPPORTED, "not a registry API path");
}

/* The manifests a registry of images stores: the OCI image spec's manifest and index, and
 * Docker's schema 2 manifest and manifest list, which the OCI ones were written from. */
bool registry_manifest_type(const char *media_type)
{
	return strcmp(media_type, MEDIA_OCI_MANIFEST) == 0 || strcmp(media_type, MEDIA_OCI_INDEX) == 0 ||
	       strcmp(media_type, MEDIA_DOCKER_MANIFEST) == 0 || strcmp(media_type, MEDIA_DOCKER_LIST) == 0;
}
