/*
 * registry-client.c - push and pull on the wire: the requests `docker push` and `docker pull`
 * send, in the order registry.md draws them.
 *
 * Lecture: "Docker Hub (for distributing containers)". A pull is: ask for the manifest,
 * then for each blob it names that we do not have, GET it, hashing the bytes as they
 * arrive, and keep it only if the hash is the digest we asked for. A push is the reverse,
 * blobs first (HEAD: does the registry have it already? if not POST, then the bytes, then
 * PUT ?digest=), the manifest last, so that a registry never holds a manifest whose blobs
 * are missing.
 *
 * Everything goes over one kept-alive connection (http-client.h), reopened if the server
 * closed it between two requests. Bodies stream: an upload goes from file to socket with
 * sendfile(2), a download from socket through sha256 into the blob store (blob-store.h),
 * received on one thread while another hashes and writes. At most a megabyte of a layer is
 * in memory at a time; a download cut off part way goes on with a Range request.
 *
 * Read next: registry-transfer.c, which walks an image's manifest and moves its blobs with
 * these calls.
 */
#include "registry-client.h"
#include "blob-store.h"
#include "error.h"
#include "humanize.h"
#include "json.h"
#include "registry-store.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Error bodies and listings are small; more is not read. */
#define SMALL_BODY_MAX (1u << 20)
/* A listing of more pages than this is cut (a registry answering Link forever). */
#define MAX_LIST_PAGES 10000

static const char ACCEPT_MANIFESTS[] = MEDIA_OCI_MANIFEST ", " MEDIA_OCI_INDEX ", " MEDIA_DOCKER_MANIFEST
				       ", " MEDIA_DOCKER_LIST;

void registry_client_init(struct registry_client *c, const char *addr, const char *repository)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->addr, sizeof(c->addr), "%s", addr);
	snprintf(c->repository, sizeof(c->repository), "%s", repository);
	c->timeout_ms = 60000;
	c->http.conn.fd = -1;
}

void registry_client_close(struct registry_client *c)
{
	if (c->connected)
		http_client_close(&c->http);
	c->connected = false;
}

/* --- progress: one line per blob ---------------------------------------------------------- */

struct progress {
	struct registry_client *c;
	char id[13];          /* the first 12 hex digits of the digest, as docker shows a layer */
	const char *verb;     /* "Pushing", "Downloading" */
	uint64_t total, done;
	int64_t start_ms, drawn_ms;
};

static void progress_start(struct progress *p, struct registry_client *c, const char *digest, const char *verb,
			   uint64_t total)
{
	*p = (struct progress){ .c = c, .verb = verb, .total = total, .start_ms = http_now_ms() };
	snprintf(p->id, sizeof(p->id), "%.12s", strchr(digest, ':') ? strchr(digest, ':') + 1 : digest);
}

static void rate_text(const struct progress *p, char *out, size_t size)
{
	double seconds = (double)(http_now_ms() - p->start_ms) / 1000.0;
	char human[32];
	human_size(seconds > 0.001 ? (uint64_t)((double)p->done / seconds) : p->done, human, sizeof(human));
	snprintf(out, size, "%s/s", human);
}

/* On a terminal, redraw the blob's line at most ten times a second. */
static void progress_advance(struct progress *p, uint64_t bytes)
{
	p->done += bytes;
	FILE *out = p->c->progress;
	int64_t now = http_now_ms();
	if (!out || !p->c->progress_tty || now - p->drawn_ms < 100)
		return;
	p->drawn_ms = now;
	char done[32], total[32], rate[48];
	human_size(p->done, done, sizeof(done));
	human_size(p->total, total, sizeof(total));
	rate_text(p, rate, sizeof(rate));
	fprintf(out, "\r%s: %-11s %s/%s  %s\033[K", p->id, p->verb, done, total, rate);
	fflush(out);
}

static void progress_end(struct progress *p, const char *state)
{
	FILE *out = p->c->progress;
	if (!out)
		return;
	char done[32], rate[48];
	human_size(p->done, done, sizeof(done));
	rate_text(p, rate, sizeof(rate));
	double seconds = (double)(http_now_ms() - p->start_ms) / 1000.0;
	if (p->done > 0 && seconds >= 0.05)
		fprintf(out, "%s%s: %s %s in %.2fs (%s)%s\n", p->c->progress_tty ? "\r" : "", p->id, state, done, seconds,
			rate, p->c->progress_tty ? "\033[K" : "");
	else if (p->done > 0) /* too quick for a meaningful rate */
		fprintf(out, "%s%s: %s %s%s\n", p->c->progress_tty ? "\r" : "", p->id, state, done,
			p->c->progress_tty ? "\033[K" : "");
	else
		fprintf(out, "%s%s: %s%s\n", p->c->progress_tty ? "\r" : "", p->id, state, p->c->progress_tty ? "\033[K" : "");
	fflush(out);
}

void registry_progress_note(struct registry_client *c, const char *digest, const char *state)
{
	struct progress p;
	progress_start(&p, c, digest, "", 0);
	progress_end(&p, state);
}

/* --- one request, one response ----------------------------------------------------------- */

struct request {
	const char *method;
	const char *target;
	const char *accept;
	const char *content_type;
	const char *content_range;
	const char *range;
	const void *body;      /* a body in memory ... */
	size_t body_size;
	int fd;                /* ... or from a file (fd >= 0): fd_count bytes from fd_offset */
	uint64_t fd_offset, fd_count;
	struct progress *progress;
};

static int ensure_connected(struct registry_client *c)
{
	if (c->connected && http_client_reusable(&c->http))
		return 0;
	registry_client_close(c);
	if (http_client_connect(&c->http, c->addr, c->timeout_ms) < 0)
		return fail_context("registry %s", c->addr);
	c->connected = true;
	return 0;
}

static int send_body_from_file(struct registry_client *c, const struct request *rq)
{
	/* In slices, so that the progress line moves; each slice is still one sendfile(2). */
	const uint64_t slice = 4u << 20;
	for (uint64_t at = 0; at < rq->fd_count;) {
		uint64_t n = rq->fd_count - at < slice ? rq->fd_count - at : slice;
		if (http_client_send_file(&c->http, rq->fd, (off_t)(rq->fd_offset + at), n) < 0)
			return -1;
		at += n;
		if (rq->progress)
			progress_advance(rq->progress, n);
	}
	return 0;
}

static int try_exchange(struct registry_client *c, const struct request *rq, const struct http_message **response)
{
	struct http_head head;
	http_client_start(&c->http, &head, rq->method, rq->target);
	if (rq->accept)
		http_head_field(&head, "Accept", "%s", rq->accept);
	if (rq->content_type)
		http_head_field(&head, "Content-Type", "%s", rq->content_type);
	if (rq->content_range)
		http_head_field(&head, "Content-Range", "%s", rq->content_range);
	if (rq->range)
		http_head_field(&head, "Range", "%s", rq->range);
	bool has_body = rq->fd >= 0 || rq->body;
	int64_t length = rq->fd >= 0 ? (int64_t)rq->fd_count : (int64_t)rq->body_size;
	/* PUT and POST carry a length even when empty: some servers want Content-Length: 0. */
	bool announce = has_body || strcmp(rq->method, "PUT") == 0 || strcmp(rq->method, "POST") == 0 ||
			strcmp(rq->method, "PATCH") == 0;
	if (http_client_send_head(&c->http, &head, announce ? length : 0) < 0)
		return -1;
	if (rq->fd >= 0 && send_body_from_file(c, rq) < 0)
		return -1;
	if (rq->body && rq->body_size && http_client_write(&c->http, rq->body, rq->body_size) < 0)
		return -1;
	if (http_client_end_request(&c->http) < 0)
		return -1;
	return http_client_read_response(&c->http, response);
}

/* Send a request and read the response head. A kept-alive connection may have been closed by
 * the server while we were idle: then the request is sent once more on a new connection. */
static int exchange(struct registry_client *c, const struct request *rq, const struct http_message **response)
{
	bool reused = c->connected && http_client_reusable(&c->http);
	if (ensure_connected(c) < 0)
		return -1;
	if (try_exchange(c, rq, response) == 0)
		return 0;
	if (!reused)
		return fail_context("%s %s", rq->method, rq->target);
	registry_client_close(c);
	if (rq->progress)
		rq->progress->done = 0;
	if (ensure_connected(c) < 0 || try_exchange(c, rq, response) < 0)
		return fail_context("%s %s", rq->method, rq->target);
	return 0;
}

/* Read a small body whole (NUL-terminated), at most max bytes. */
static char *read_small_body(struct registry_client *c, size_t max, size_t *size)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (cap - len < 2) {
			if (cap >= max + 1) {
				free(buf);
				fail_errno(EFBIG, "registry %s: response body larger than %zu bytes", c->addr, max);
				return NULL;
			}
			char *bigger = realloc(buf, cap * 2);
			if (!bigger)
				break;
			buf = bigger;
			cap *= 2;
		}
		ssize_t n = http_client_read(&c->http, buf + len, cap - len - 1);
		if (n < 0) {
			free(buf);
			return NULL;
		}
		if (n == 0) {
			buf[len] = '\0';
			if (size)
				*size = len;
			return buf;
		}
		len += (size_t)n;
	}
	free(buf);
	fail_errno(ENOMEM, "cannot read a response");
	return NULL;
}

static void discard_body(struct registry_client *c)
{
	char buf[4096];
	for (int i = 0; i < 1024 && http_client_read(&c->http, buf, sizeof(buf)) > 0; i++)
		;
}

/* The registry said no: record "<what>: 404 MANIFEST_UNKNOWN: manifest unknown (detail)" from
 * the spec's error body, or the status alone. Returns -1. */
static int registry_refused(struct registry_client *c, const struct http_message *m, const char *what)
{
	int status = m->status;
	char text[512] = "";
	size_t size;
	char *body = c->http.head_request ? NULL : read_small_body(c, SMALL_BODY_MAX, &size);
	struct json *doc = body ? json_parse(body, size) : NULL;
	struct json *first = json_at(json_get(doc, "errors"), 0);
	if (first) {
		const char *code = json_get_string(first, "code"), *message = json_get_string(first, "message");
		const char *detail = json_get_string(first, "detail");
		snprintf(text, sizeof(text), ": %s: %s%s%s%s", code ? code : "?", message ? message : "", detail ? " (" : "",
			 detail ? detail : "", detail ? ")" : "");
	}
	json_free(doc);
	free(body);
	return fail_errno(0, "%s: registry %s answered %d %s%s", what, c->addr, status, http_reason_phrase(status), text);
}

/* --- blobs -------------------------------------------------------------------------------- */

int registry_ping(struct registry_client *c)
{
	const struct http_message *m;
	struct request rq = { .method = "GET", .target = "/v2/", .fd = -1 };
	if (exchange(c, &rq, &m) < 0)
		return -1;
	if (m->status != 200)
		return registry_refused(c, m, "GET /v2/");
	discard_body(c);
	return 0;
}

int registry_blob_exists(struct registry_client *c, const char *digest, uint64_t *size)
{
	char target[600];
	snprintf(target, sizeof(target), "/v2/%s/blobs/%s", c->repository, digest);
	const struct http_message *m;
	struct request rq = { .method = "HEAD", .target = target, .fd = -1 };
	if (exchange(c, &rq, &m) < 0)
		return -1;
	if (m->status == 404)
		return 0;
	if (m->status != 200)
		return registry_refused(c, m, target);
	if (size)
		*size = m->framing == HTTP_BODY_LENGTH ? m->content_length : 0;
	return 1;
}

/* The Location of an upload, as a target to send the next request to. */
static int upload_location(struct registry_client *c, const struct http_message *m, char *out, size_t size)
{
	const char *location = http_field_value(m, "Location");
	const char *target = location ? http_location_target(location) : NULL;
	if (!target)
		return fail_errno(0, "registry %s: an upload answer without a usable Location", c->addr);
	if ((size_t)snprintf(out, size, "%s", target) >= size)
		return fail_errno(ENAMETOOLONG, "registry %s: upload Location too long", c->addr);
	return 0;
}

static int append_digest(char *target, size_t size, const char *digest)
{
	size_t len = strlen(target);
	if ((size_t)snprintf(target + len, size - len, "%cdigest=%s", strchr(target, '?') ? '&' : '?', digest) >= size - len)
		return fail_errno(ENAMETOOLONG, "upload target too long");
	return 0;
}

int registry_blob_push(struct registry_client *c, const char *digest, int fd, uint64_t size)
{
	int present = registry_blob_exists(c, digest, NULL);
	struct progress p;
	progress_start(&p, c, digest, "Pushing", size);
	if (present != 0) {
		if (present > 0)
			progress_end(&p, "Layer already exists");
		return present;
	}
	char target[2048];
	snprintf(target, sizeof(target), "/v2/%s/blobs/uploads/", c->repository);
	const struct http_message *m;
	struct request rq = { .method = "POST", .target = target, .fd = -1 };
	if (exchange(c, &rq, &m) < 0)
		return -1;
	if (m->status != 202)
		return registry_refused(c, m, "starting an upload");
	if (upload_location(c, m, target, sizeof(target)) < 0)
		return -1;
	discard_body(c);

	/* Chunked: PATCH pieces, each saying where it belongs (Content-Range), following the
	 * Location each answer gives (it may carry the upload's state in its query). */
	uint64_t sent = 0;
	while (c->chunk_size > 0 && sent < size) {
		uint64_t n = size - sent < c->chunk_size ? size - sent : c->chunk_size;
		char range[64];
		snprintf(range, sizeof(range), "%" PRIu64 "-%" PRIu64, sent, sent + n - 1);
		struct request patch = { .method = "PATCH", .target = target, .content_type = "application/octet-stream",
					 .content_range = range, .fd = fd, .fd_offset = sent, .fd_count = n, .progress = &p };
		if (exchange(c, &patch, &m) < 0)
			return -1;
		if (m->status != 202)
			return registry_refused(c, m, "sending a chunk");
		if (upload_location(c, m, target, sizeof(target)) < 0)
			return -1;
		discard_body(c);
		sent += n;
	}
	/* The closing PUT carries the rest (all of it when monolithic) and the digest. */
	if (append_digest(target, sizeof(target), digest) < 0)
		return -1;
	struct request put = { .method = "PUT", .target = target, .content_type = "application/octet-stream", .fd = fd,
			       .fd_offset = sent, .fd_count = size - sent, .progress = &p };
	if (exchange(c, &put, &m) < 0)
		return -1;
	if (m->status != 201)
		return registry_refused(c, m, "finishing an upload");
	const char *got = http_field_value(m, "Docker-Content-Digest");
	discard_body(c);
	if (got && strcmp(got, digest) != 0)
		return fail_errno(0, "registry %s stored blob %s as %s", c->addr, digest, got);
	progress_end(&p, "Pushed");
	return 0;
}

/* Bytes of a download: into the blob writer (hashing them), and the progress line. Never
 * more than the descriptor's size: a registry that sends a body without a Content-Length
 * (chunked, or ended by closing) could otherwise fill the disk before the digest check
 * at the end finds that the bytes were not the blob. */
struct pull_sink {
	struct byte_sink sink;
	struct blob_writer *writer;
	struct progress *progress;
	uint64_t size;  /* the descriptor's */
	bool too_long;  /* the registry sent more: no retry will mend that */
};

static int pull_sink_write(struct byte_sink *sink, const void *data, size_t size)
{
	struct pull_sink *s = (struct pull_sink *)sink;
	if (size > s->size - blob_writer_size(s->writer)) {
		s->too_long = true;
		return fail_errno(EFBIG, "the registry sent more than the %" PRIu64 " bytes the manifest gives it", s->size);
	}
	if (blob_writer_write(s->writer, data, size) < 0)
		return -1;
	progress_advance(s->progress, size);
	return 0;
}

/* A download in two threads: this one receives, a helper hashes and writes, through a ring of
 * buffers. Receiving (the kernel's copy out of the socket) and hashing then run on two cores
 * at once instead of taking turns, which on a fast link is what bounds a pull. */
enum { RING_SLOTS = 4, RING_SLOT_SIZE = 256 << 10 };

struct ring {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	char *slots[RING_SLOTS];
	size_t sizes[RING_SLOTS];
	size_t first, count;   /* filled slots waiting for the writer, oldest first */
	bool received_all;     /* the receiver will fill no more */
	bool write_failed;     /* the writer stopped; error holds why */
	struct error_saved error;
	struct byte_sink *sink;
};

static void *ring_writer(void *arg)
{
	struct ring *r = arg;
	pthread_mutex_lock(&r->lock);
	for (;;) {
		while (r->count == 0 && !r->received_all)
			pthread_cond_wait(&r->changed, &r->lock);
		if (r->count == 0)
			break;
		size_t slot = r->first;
		pthread_mutex_unlock(&r->lock);
		int rc = r->sink->write(r->sink, r->slots[slot], r->sizes[slot]);
		pthread_mutex_lock(&r->lock);
		if (rc < 0) {
			/* Error messages are per thread (error.h): hand this one to the receiver. */
			error_save(&r->error);
			r->write_failed = true;
			pthread_cond_signal(&r->changed);
			break;
		}
		r->first = (r->first + 1) % RING_SLOTS;
		r->count--;
		pthread_cond_signal(&r->changed);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* Receive the rest of the response body into sink, as http_client_body_to_sink() does, with
 * the writing on a second thread. */
static int receive_to_sink(struct registry_client *c, struct byte_sink *sink)
{
	struct ring r = { .sink = sink };
	for (size_t i = 0; i < RING_SLOTS; i++)
		if (!(r.slots[i] = malloc(RING_SLOT_SIZE))) {
			for (size_t j = 0; j < i; j++)
				free(r.slots[j]);
			return fail_errno(ENOMEM, "cannot receive a blob");
		}
	pthread_mutex_init(&r.lock, NULL);
	pthread_cond_init(&r.changed, NULL);
	pthread_t writer;
	int rc = pthread_create(&writer, NULL, ring_writer, &r);
	if (rc != 0) {
		rc = fail_errno(rc, "cannot start a thread");
		goto out;
	}
	for (bool end = false; !end;) {
		pthread_mutex_lock(&r.lock);
		while (r.count == RING_SLOTS && !r.write_failed)
			pthread_cond_wait(&r.changed, &r.lock);
		bool stop = r.write_failed;
		size_t slot = (r.first + r.count) % RING_SLOTS;
		pthread_mutex_unlock(&r.lock);
		if (stop)
			break;
		size_t filled = 0; /* only the receiver touches a slot that is not counted */
		while (filled < RING_SLOT_SIZE) {
			ssize_t n = http_client_read(&c->http, r.slots[slot] + filled, RING_SLOT_SIZE - filled);
			if (n < 0)
				rc = -1;
			if (n <= 0) {
				end = true;
				break;
			}
			filled += (size_t)n;
		}
		pthread_mutex_lock(&r.lock);
		if (filled > 0) {
			r.sizes[slot] = filled;
			r.count++;
		}
		if (end)
			r.received_all = true;
		pthread_cond_signal(&r.changed);
		pthread_mutex_unlock(&r.lock);
	}
	pthread_mutex_lock(&r.lock);
	r.received_all = true; /* also when the writer failed: it has stopped already */
	pthread_cond_signal(&r.changed);
	pthread_mutex_unlock(&r.lock);
	pthread_join(writer, NULL);
	if (r.write_failed)
		rc = error_restore(&r.error);
out:
	pthread_cond_destroy(&r.changed);
	pthread_mutex_destroy(&r.lock);
	for (size_t i = 0; i < RING_SLOTS; i++)
		free(r.slots[i]);
	return rc;
}

/* GET a blob from offset on (a Range request when offset > 0): 0 with the body ready to read,
 * 1 when the registry ignored the Range and sends the whole blob, -1 on an error. */
static int blob_get(struct registry_client *c, const char *target, const char *digest, uint64_t offset,
		    uint64_t expected_size)
{
	char range[48];
	snprintf(range, sizeof(range), "bytes=%" PRIu64 "-", offset);
	const struct http_message *m;
	struct request rq = { .method = "GET", .target = target, .fd = -1 };
	if (offset > 0)
		rq.range = range;
	if (exchange(c, &rq, &m) < 0)
		return -1;
	if (m->status != 200 && !(offset > 0 && m->status == 206))
		return registry_refused(c, m, digest);
	uint64_t first = 0, last = 0;
	const char *content_range = http_field_value(m, "Content-Range");
	if (m->status == 206 && (!content_range || http_parse_content_range(content_range, &first, &last) < 0 ||
				 first != offset)) {
		registry_client_close(c);
		return fail_errno(0, "blob %s: the registry answered a Range for byte %" PRIu64 " with \"%s\"", digest,
				  offset, content_range ? content_range : "");
	}
	uint64_t whole = m->status == 206 ? offset + m->content_length : m->content_length;
	if (m->framing == HTTP_BODY_LENGTH && whole != expected_size) {
		registry_client_close(c);
		return fail_errno(0, "blob %s: the registry sends %" PRIu64 " bytes, the manifest says %" PRIu64, digest,
				  whole, expected_size);
	}
	return offset > 0 && m->status == 200 ? 1 : 0;
}

/* A download cut off part way (the network, a restarted server) goes on where it stopped,
 * with a Range request (RFC 9110 section 14): the bytes so far are in the blob writer, whose
 * hash goes on too. A few tries, then the error. */
#define PULL_TRIES 3

int registry_blob_pull(struct registry_client *c, const char *digest, uint64_t expected_size, const char *root)
{
	char target[600];
	snprintf(target, sizeof(target), "/v2/%s/blobs/%s", c->repository, digest);
	struct progress p;
	progress_start(&p, c, digest, "Downloading", expected_size);
	struct pull_sink sink = { .sink.write = pull_sink_write, .writer = blob_writer_new(root), .progress = &p,
				  .size = expected_size };
	if (!sink.writer)
		return -1;
	for (int attempt = 1;; attempt++) {
		uint64_t offset = blob_writer_size(sink.writer);
		int rc = blob_get(c, target, digest, offset, expected_size);
		if (rc == 1) { /* a registry without Range support: start again from byte 0 */
			blob_writer_abort(sink.writer);
			if (!(sink.writer = blob_writer_new(root)))
				return -1;
			p.done = 0;
		}
		if (rc >= 0 && receive_to_sink(c, &sink.sink) == 0)
			break;
		registry_client_close(c); /* the rest of that body may still be on the wire */
		bool progressed = blob_writer_size(sink.writer) > offset;
		if (rc < 0 || sink.too_long || attempt >= PULL_TRIES || !progressed) {
			blob_writer_abort(sink.writer);
			return fail_context("downloading blob %s", digest);
		}
	}
	if (blob_writer_size(sink.writer) != expected_size) {
		uint64_t got = blob_writer_size(sink.writer);
		blob_writer_abort(sink.writer);
		return fail_errno(0, "blob %s from %s: %" PRIu64 " bytes, the manifest says %" PRIu64, digest, c->addr, got,
				  expected_size);
	}
	/* The check that makes a download trustworthy: the bytes hash to what we asked for. */
	if (blob_writer_commit(sink.writer, digest, NULL) < 0)
		return fail_context("blob %s from %s", digest, c->addr);
	progress_end(&p, "Pull complete");
	return 0;
}

/* --- manifests ------------------------------------------------------------------------------ */

int registry_manifest_put(struct registry_client *c, const char *reference, const char *media_type, const void *body,
			  size_t size, char digest[SHA256_DIGEST_SIZE])
{
	char target[600];
	snprintf(target, sizeof(target), "/v2/%s/manifests/%s", c->repository, reference);
	const struct http_message *m;
	struct request rq = { .method = "PUT", .target = target, .content_type = media_type, .body = body,
			      .body_size = size, .fd = -1 };
	if (exchange(c, &rq, &m) < 0)
		return -1;
	if (m->status != 201)
		return registry_refused(c, m, target);
	const char *got = http_field_value(m, "Docker-Content-Digest");
	uint8_t raw[SHA256_SIZE];
	sha256(body, size, raw);
	sha256_digest_string(raw, digest);
	discard_body(c);
	if (got && strcmp(got, digest) != 0)
		return fail_errno(0, "registry %s stored manifest %s as %s", c->addr, digest, got);
	return 0;
}

int registry_manifest_get(struct registry_client *c, const char *reference, char **body, size_t *size,
			  char media_type[256], char digest[SHA256_DIGEST_SIZE])
{
	char target[600];
	snprintf(target, sizeof(target), "/v2/%s/manifests/%s", c->repository, reference);
	const struct http_message *m;
	struct request rq = { .method = "GET", .target = target, .accept = ACCEPT_MANIFESTS, .fd = -1 };
	if (exchange(c, &rq, &m) < 0)
		return -1;
	if (m->status != 200)
		return registry_refused(c, m, target);
	const char *type = http_field_value(m, "Content-Type");
	snprintf(media_type, 256, "%.*s", type ? (int)strcspn(type, "; ") : 0, type ? type : "");
	char announced[REGISTRY_REFERENCE_MAX + 1] = "";
	const char *header = http_field_value(m, "Docker-Content-Digest");
	if (header)
		snprintf(announced, sizeof(announced), "%s", header);
	*body = read_small_body(c, REGISTRY_MANIFEST_MAX, size);
	if (!*body)
		return fail_context("reading manifest %s", reference);
	uint8_t raw[SHA256_SIZE];
	sha256(*body, *size, raw);
	sha256_digest_string(raw, digest);
	const char *expected = strchr(reference, ':') ? reference : announced[0] ? announced : NULL;
	if (expected && strcmp(expected, digest) != 0) {
		free(*body);
		*body = NULL;
		return fail_errno(0, "manifest %s from %s: digest mismatch, got %s", reference, c->addr, digest);
	}
	return 0;
}

/* --- listings --------------------------------------------------------------------------------- */

/* The target of a Link: <...>; rel="next" header, or NULL. */
static const char *next_link(const struct http_message *m, char *out, size_t size)
{
	const char *link = http_field_value(m, "Link");
	if (!link || link[0] != '<' || !strstr(link, "rel=\"next\""))
		return NULL;
	size_t len = strcspn(link + 1, ">");
	if (len + 1 > size)
		return NULL;
	snprintf(out, size, "%.*s", (int)len, link + 1);
	return http_location_target(out) ? out : NULL;
}

int registry_list(struct registry_client *c, const char *path, const char *key, char ***items, size_t *count)
{
	*items = NULL;
	*count = 0;
	char target[1024];
	snprintf(target, sizeof(target), "%s", path);
	for (int page = 0; page < MAX_LIST_PAGES; page++) {
		const struct http_message *m;
		struct request rq = { .method = "GET", .target = target, .fd = -1 };
		if (exchange(c, &rq, &m) < 0)
			return -1;
		if (m->status != 200)
			return registry_refused(c, m, path);
		char link[1024];
		bool more = next_link(m, link, sizeof(link)) != NULL;
		size_t size;
		char *body = read_small_body(c, SMALL_BODY_MAX, &size);
		struct json *doc = body ? json_parse(body, size) : NULL;
		free(body);
		if (!doc)
			return fail_context("listing %s", path);
		json_for_each(item, json_get(doc, key)) {
			const char *s = json_string(item);
			char **bigger = s ? realloc(*items, (*count + 1) * sizeof(**items)) : NULL;
			if (bigger) {
				*items = bigger;
				(*items)[*count] = strdup(s);
				*count += (*items)[*count] != NULL;
			}
		}
		json_free(doc);
		if (!more)
			return 0;
		snprintf(target, sizeof(target), "%s", http_location_target(link));
	}
	return 0;
}
