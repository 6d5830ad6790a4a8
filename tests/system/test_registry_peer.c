/*
 * test_registry_peer.c - the HTTP client core against a registry it did not grow up with (05-images).
 *
 * Debian's docker-registry (the Go reference implementation of the distribution spec,
 * package docker-registry) runs on a loopback port in the test's sandbox, and our client
 * core pushes a blob to it in chunks and pulls it back whole and in part. This checks our
 * framing against Go's net/http on both sides of the wire: a chunked request body, its
 * Location with a query, Range answers, error bodies, keep-alive; then `tinydock push` and
 * `tinydock pull` move a whole image through it. Skipped, and says so,
 * when docker-registry is not installed.
 */
#include <check.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "harness.h"
#include "files.h"
#include "http-client.h"
#include "oci-fixture.h"

/* The blob, and its digest as `printf 'hello registry\n' | sha256sum` prints it. */
static const char BLOB[] = "hello registry\n";
static const char DIGEST[] = "sha256:a413818bef46c4137cd0f93e3e3a5f076c93203564e31e0fd8f6683854be575b";

struct peer {
	pid_t pid;
	char addr[64];
};

/* Start docker-registry with its storage in the sandbox; false (and a skip) when absent. */
static bool start_peer(struct peer *p)
{
	if (!have_program("docker-registry")) {
		harness_skip("docker-registry is not installed (apt-get install docker-registry)");
		return false;
	}
	int port = harness_free_port();
	snprintf(p->addr, sizeof(p->addr), "127.0.0.1:%d", port);
	char config[4096], log[4096];
	snprintf(config, sizeof(config), "%s/registry.yml", sandbox.dir);
	snprintf(log, sizeof(log), "%s/registry.log", sandbox.dir);
	FILE *f = fopen(config, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: %s/data\n"
		   "  delete:\n    enabled: true\nhttp:\n  addr: %s\n", sandbox.dir, p->addr);
	fclose(f);
	p->pid = fork();
	ck_assert_int_ge(p->pid, 0);
	if (p->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* dies with the test, even a failed one */
		FILE *out = freopen(log, "w", stdout);
		(void)out;
		dup2(STDOUT_FILENO, STDERR_FILENO);
		execlp("docker-registry", "docker-registry", "serve", config, (char *)NULL);
		_exit(127);
	}
	/* Wait, bounded, until it accepts connections. */
	for (int i = 0; i < 100; i++) {
		struct http_client c;
		if (http_client_connect(&c, p->addr, 200) == 0) {
			http_client_close(&c);
			return true;
		}
		usleep(50000);
	}
	ck_abort_msg("docker-registry did not start on %s (see %s)", p->addr, log);
	return false;
}

static void stop_peer(struct peer *p)
{
	kill(p->pid, SIGTERM);
	waitpid(p->pid, NULL, 0);
}

/* Send a request with an optional body (chunked in pieces of 4 bytes when chunked). */
static const struct http_message *ask(struct http_client *c, const char *method, const char *target,
				      const char *range, const char *body, bool chunked)
{
	struct http_head head;
	http_client_start(c, &head, method, target);
	if (range)
		http_head_field(&head, "Range", "%s", range);
	if (body)
		http_head_field(&head, "Content-Type", "application/octet-stream");
	size_t len = body ? strlen(body) : 0;
	ck_assert_int_eq(http_client_send_head(c, &head, chunked ? -1 : (int64_t)len), 0);
	for (size_t i = 0; i < len; i += 4)
		ck_assert_int_eq(http_client_write(c, body + i, len - i < 4 ? len - i : 4), 0);
	ck_assert_int_eq(http_client_end_request(c), 0);
	const struct http_message *m;
	ck_assert_msg(http_client_read_response(c, &m) == 0, "%s", error_message());
	return m;
}

static size_t read_all(struct http_client *c, char *out, size_t size)
{
	size_t got = 0;
	ssize_t n;
	while ((n = http_client_read(c, out + got, size - 1 - got)) > 0)
		got += (size_t)n;
	ck_assert_int_eq(n, 0);
	out[got] = '\0';
	return got;
}

START_TEST(our_client_pushes_a_blob_in_chunks_to_docker_registry_and_pulls_it_back)
{
	struct peer p;
	if (!start_peer(&p))
		return;
	struct http_client c;
	ck_assert_int_eq(http_client_connect(&c, p.addr, 5000), 0);
	char body[4096], target[2048];

	const struct http_message *m = ask(&c, "GET", "/v2/", NULL, NULL, false);
	ck_assert_int_eq(m->status, 200);
	ck_assert_str_eq(http_field_value(m, "Docker-Distribution-API-Version"), "registry/2.0");
	read_all(&c, body, sizeof(body));

	m = ask(&c, "POST", "/v2/lab/hello/blobs/uploads/", NULL, NULL, false);
	ck_assert_int_eq(m->status, 202);
	read_all(&c, body, sizeof(body));
	/* Its Location is absolute and carries a query of its own (_state): keep it as it is. */
	const char *location = http_location_target(http_field_value(m, "Location"));
	ck_assert_ptr_nonnull(location);
	snprintf(target, sizeof(target), "%s", location);

	m = ask(&c, "PATCH", target, NULL, BLOB, true);
	ck_assert_int_eq(m->status, 202);
	ck_assert_str_eq(http_field_value(m, "Range"), "0-14");
	snprintf(target, sizeof(target), "%s", http_location_target(http_field_value(m, "Location")));
	read_all(&c, body, sizeof(body));

	size_t len = strlen(target);
	snprintf(target + len, sizeof(target) - len, "%cdigest=%s", strchr(target, '?') ? '&' : '?', DIGEST);
	m = ask(&c, "PUT", target, NULL, NULL, false);
	ck_assert_int_eq(m->status, 201);
	ck_assert_str_eq(http_field_value(m, "Docker-Content-Digest"), DIGEST);
	read_all(&c, body, sizeof(body));

	snprintf(target, sizeof(target), "/v2/lab/hello/blobs/%s", DIGEST);
	m = ask(&c, "HEAD", target, NULL, NULL, false);
	ck_assert_int_eq(m->status, 200);
	ck_assert_str_eq(http_field_value(m, "Content-Length"), "15");
	ck_assert_uint_eq(read_all(&c, body, sizeof(body)), 0);

	m = ask(&c, "GET", target, "bytes=6-", NULL, false);
	ck_assert_int_eq(m->status, 206);
	read_all(&c, body, sizeof(body));
	ck_assert_str_eq(body, "registry\n");

	m = ask(&c, "GET", target, NULL, NULL, false);
	ck_assert_int_eq(m->status, 200);
	int fd = memfd_create("blob", 0);
	struct fd_sink sink;
	fd_sink_init(&sink, fd);
	uint64_t total;
	ck_assert_int_eq(http_client_body_to_sink(&c, &sink.sink, &total), 0);
	ck_assert_uint_eq(total, 15);
	ck_assert_int_eq(pread(fd, body, sizeof(body), 0), 15);
	ck_assert(memcmp(body, BLOB, 15) == 0);
	close(fd);
	ck_assert(http_client_reusable(&c)); /* everything above went over one connection */

	http_client_close(&c);
	stop_peer(&p);
}
END_TEST

START_TEST(docker_registry_errors_parse_as_the_spec_json)
{
	struct peer p;
	if (!start_peer(&p))
		return;
	struct http_client c;
	ck_assert_int_eq(http_client_connect(&c, p.addr, 5000), 0);
	char body[4096];
	const struct http_message *m = ask(&c, "GET", "/v2/lab/hello/manifests/nope", NULL, NULL, false);
	ck_assert_int_eq(m->status, 404);
	read_all(&c, body, sizeof(body));
	ck_assert_msg(strstr(body, "\"code\":\"MANIFEST_UNKNOWN\"") || strstr(body, "\"code\":\"NAME_UNKNOWN\""),
		      "body: %s", body);

	/* A wrong digest at the end of an upload is refused: the registry hashes what it got. */
	m = ask(&c, "POST", "/v2/lab/hello/blobs/uploads/", NULL, NULL, false);
	ck_assert_int_eq(m->status, 202);
	char target[2048];
	snprintf(target, sizeof(target), "%s", http_location_target(http_field_value(m, "Location")));
	read_all(&c, body, sizeof(body));
	size_t len = strlen(target);
	snprintf(target + len, sizeof(target) - len, "%cdigest=sha256:%064d", strchr(target, '?') ? '&' : '?', 0);
	m = ask(&c, "PUT", target, NULL, BLOB, false);
	ck_assert_int_eq(m->status, 400);
	read_all(&c, body, sizeof(body));
	ck_assert_msg(strstr(body, "\"code\":\"DIGEST_INVALID\""), "body: %s", body);
	http_client_close(&c);
	stop_peer(&p);
}
END_TEST

START_TEST(tinydock_pushes_an_image_to_docker_registry_and_pulls_it_back)
{
	struct peer p;
	if (!start_peer(&p))
		return;
	char src[4096], dst[4096], ref[256], manifest[SHA256_DIGEST_SIZE], index[4200];
	snprintf(src, sizeof(src), "%s/src", sandbox.dir);
	snprintf(dst, sizeof(dst), "%s/dst", sandbox.dir);
	snprintf(ref, sizeof(ref), "%s/peer/web:1.0", p.addr);
	oci_fixture_image(src, ref, 3, 100000, manifest);
	/* Chunked, so that Go's side of PATCH with Content-Range and its _state query are used. */
	struct run_result r = run_tinydock(NULL, 60, "push", "--store", src, "--chunk-size", "40k", ref, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, manifest));
	run_free(&r);
	r = run_tinydock(NULL, 60, "pull", "--store", dst, ref, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "Pull complete"));
	run_free(&r);
	snprintf(index, sizeof(index), "%s/index.json", dst);
	size_t size;
	char *text = read_file(index, &size);
	ck_assert_ptr_nonnull(strstr(text, manifest));
	free(text);
	r = run_tinydock(NULL, 60, "registry", "ls", p.addr, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "peer/web"));
	run_free(&r);
	stop_peer(&p);
}
END_TEST

Suite *registry_peer_suite(void)
{
	Suite *s = suite_create("registry_peer");
	TCase *t = tcase_create("docker-registry");
	harness_use_stage(t, 5);
	harness_use_sandbox(t);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, our_client_pushes_a_blob_in_chunks_to_docker_registry_and_pulls_it_back);
	tcase_add_test(t, docker_registry_errors_parse_as_the_spec_json);
	tcase_add_test(t, tinydock_pushes_an_image_to_docker_registry_and_pulls_it_back);
	suite_add_tcase(s, t);
	return s;
}
