/*
 * registry-routes.h - from an HTTP request to a registry operation (OCI distribution spec).
 *
 * Pure code: a method and a target go in, an operation with its validated repository
 * name, reference, digest and query parameters comes out, or the error to answer.
 * Errors are the spec's codes and JSON bodies.
 */
#ifndef TINYDOCK_REGISTRY_ROUTES_H
#define TINYDOCK_REGISTRY_ROUTES_H

#include <stdbool.h>
#include <stddef.h>

/* Longest repository name accepted: clients limit "host[:port]/name" to 255 characters. */
#define REGISTRY_NAME_MAX 255
/* A tag is 1 + up to 127 characters; a digest "sha256:" + 64 hex digits (longer algorithms
 * exist, so leave room). */
#define REGISTRY_REFERENCE_MAX 160
/* Upload session ids are ours (made by the store): letters, digits, '-' and '_'. */
#define REGISTRY_UPLOAD_ID_MAX 64

/* The endpoints of the spec's table ("end-1" ... "end-14"), by what they do. HEAD is the GET
 * operation with route.head set: the same answer without a body (RFC 9110 section 9.3.2). */
enum registry_op {
	REGISTRY_BASE,             /* end-1   GET /v2/ */
	REGISTRY_CATALOG,          /*         GET /v2/_catalog?n=&last= */
	REGISTRY_TAGS_LIST,        /* end-8   GET /v2/<name>/tags/list?n=&last= */
	REGISTRY_MANIFEST_GET,     /* end-3   GET|HEAD /v2/<name>/manifests/<reference> */
	REGISTRY_MANIFEST_PUT,     /* end-7   PUT /v2/<name>/manifests/<reference> */
	REGISTRY_MANIFEST_DELETE,  /* end-9   DELETE /v2/<name>/manifests/<reference> */
	REGISTRY_BLOB_GET,         /* end-2   GET|HEAD /v2/<name>/blobs/<digest> */
	REGISTRY_BLOB_DELETE,      /* end-10  DELETE /v2/<name>/blobs/<digest> */
	REGISTRY_UPLOAD_START,     /* end-4a  POST /v2/<name>/blobs/uploads/ */
	REGISTRY_UPLOAD_WHOLE,     /* end-4b  POST /v2/<name>/blobs/uploads/?digest=<digest> */
	REGISTRY_UPLOAD_MOUNT,     /* end-11  POST /v2/<name>/blobs/uploads/?mount=<digest>&from=<name> */
	REGISTRY_UPLOAD_CHUNK,     /* end-5   PATCH /v2/<name>/blobs/uploads/<id> */
	REGISTRY_UPLOAD_FINISH,    /* end-6   PUT /v2/<name>/blobs/uploads/<id>?digest=<digest> */
	REGISTRY_UPLOAD_STATUS,    /* end-13  GET /v2/<name>/blobs/uploads/<id> */
	REGISTRY_UPLOAD_CANCEL,    /* end-14  DELETE /v2/<name>/blobs/uploads/<id> */
};

/* The spec's error codes ("code-1" ... "code-14"), plus TAG_INVALID from its first version. */
enum registry_error {
	REGISTRY_OK = 0,
	REGISTRY_BLOB_UNKNOWN,
	REGISTRY_BLOB_UPLOAD_INVALID,
	REGISTRY_BLOB_UPLOAD_UNKNOWN,
	REGISTRY_DIGEST_INVALID,
	REGISTRY_MANIFEST_BLOB_UNKNOWN,
	REGISTRY_MANIFEST_INVALID,
	REGISTRY_MANIFEST_UNKNOWN,
	REGISTRY_NAME_INVALID,
	REGISTRY_NAME_UNKNOWN,
	REGISTRY_SIZE_INVALID,
	REGISTRY_TAG_INVALID,
	REGISTRY_UNAUTHORIZED,
	REGISTRY_DENIED,
	REGISTRY_UNSUPPORTED,
	REGISTRY_TOOMANYREQUESTS,
};

struct registry_route {
	enum registry_op op;
	bool head;                                /* a HEAD request: answer without a body */
	char name[REGISTRY_NAME_MAX + 1];         /* the repository, "shop/web" */
	char reference[REGISTRY_REFERENCE_MAX + 1]; /* tag or digest; blob digest; upload id */
	bool reference_is_digest;
	char digest[REGISTRY_REFERENCE_MAX + 1];  /* ?digest= (uploads) or ?mount= ("" if absent) */
	char from[REGISTRY_NAME_MAX + 1];         /* ?from= of a mount ("" if absent) */
	bool has_n;                               /* ?n= given (tags list, catalog) */
	unsigned long n;
	char last[REGISTRY_NAME_MAX + 1];         /* ?last= ("" if absent) */

	/* When routing fails: the status, the spec's code, a detail for the body, and for a
	 * 405 the methods that the path does allow (for the Allow header). */
	int status;
	enum registry_error error;
	const char *detail;
	const char *allow;
};

/* Route a request: 0 with route filled, or -1 with route->status/error/detail set.
 * target is the raw request target (percent-decoding happens here). */
int registry_route(const char *method, const char *target, struct registry_route *route);

/* Is media_type (a Content-Type without parameters) one of the manifests a registry stores? */
bool registry_manifest_type(const char *media_type);

/* Names, tags and digests are checked with reference.h: repository_path_valid(), tag_valid(),
 * digest_valid(). */

/* "BLOB_UNKNOWN", its message "blob unknown to registry", and its usual status (404). */
const char *registry_error_code(enum registry_error e);
const char *registry_error_message(enum registry_error e);
int registry_error_status(enum registry_error e);

/* Write {"errors":[{"code":...,"message":...,"detail":...}]} and a newline into out
 * (detail, a string, is left out when NULL). Returns the length, or -1 when out is too small. */
long registry_error_body(char *out, size_t size, enum registry_error e, const char *detail);

/* Write s as a JSON string (quoted, escaped) at out[at...], storing only what fits below size;
 * returns the position after it, so a pass with size 0 measures. A small escaper for these
 * fixed bodies: json.h is the chapter's general JSON writer. */
size_t registry_json_string(char *out, size_t size, size_t at, const char *s);

#endif
