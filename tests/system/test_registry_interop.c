/*
 * test_registry_interop.c - `tinydock registry serve` with the real tools (05-images).
 *
 * Our registry runs as the binary users run (`tinydock registry serve` on a loopback port
 * the kernel picks, its store in the test's sandbox), and the other side is:
 *   - tinydock push and pull themselves, between two image stores, and a container run
 *     from the image pulled;
 *   - skopeo copy, both ways, from and to OCI layouts made by the test;
 *   - the Docker daemon (docker push, docker pull), when one can be started here: its own
 *     dockerd with --iptables=false --ip-forward=false --bridge=none and all its folders
 *     and its socket in the sandbox, stopped by pid.
 * Each peer that is not installed is skipped with a message.
 */
#include <check.h>
#include <pthread.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "files.h"
#include "harness.h"
#include "http-client.h"
#include "image-base.h"
#include "image-store.h"
#include "oci-fixture.h"
#include "registry-client.h"
#include "blob-store.h"

struct child {
	pid_t pid;
	char addr[64];
	char log[4096];
};

/* Start a program as our child with its output in log; it dies with the test. */
static pid_t spawn(const char *const argv[], const char *log)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

static void stop(pid_t pid)
{
	kill(pid, SIGTERM);
	for (int i = 0; i < 200; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		usleep(50000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* The port a registry wrote in its log ("listening on ... (port N)"), waiting for it. */
static int port_from_log(const char *log)
{
	for (int i = 0; i < 400; i++) { /* at most 20 s */
		size_t size;
		char *text = read_file(log, &size);
		const char *at = text ? strstr(text, "(port ") : NULL;
		int port = at ? atoi(at + 6) : 0;
		free(text);
		if (port > 0)
			return port;
		usleep(50000);
	}
	ck_abort_msg("the registry did not start (see %s)", log);
	return -1;
}

static void start_ours(struct child *c)
{
	char root[4096];
	snprintf(root, sizeof(root), "%s/registry", sandbox.dir);
	snprintf(c->log, sizeof(c->log), "%s/registry-serve.log", sandbox.dir);
	const char *argv[] = { tinydock_binary(), "registry", "serve", "--addr", "127.0.0.1:0", "--root", root, NULL };
	c->pid = spawn(argv, c->log);
	snprintf(c->addr, sizeof(c->addr), "127.0.0.1:%d", port_from_log(c->log));
}

static struct run_result run(const char *const argv[])
{
	struct run_result r = run_program(NULL, 120, argv);
	ck_assert_msg(r.status == 0, "%s failed (%d): %s%s", argv[0], r.status, r.out, r.err);
	return r;
}

static bool file_has(const char *path, const char *text)
{
	size_t size;
	char *content = read_file(path, &size);
	bool found = content && strstr(content, text);
	free(content);
	return found;
}

START_TEST(tinydock_push_and_pull_carry_an_image_between_two_stores)
{
	struct child ours;
	start_ours(&ours);
	char src[4096], dst[4096], ref[256], manifest[SHA256_DIGEST_SIZE], index[4200];
	snprintf(src, sizeof(src), "%s/src", sandbox.dir);
	snprintf(dst, sizeof(dst), "%s/dst", sandbox.dir);
	snprintf(ref, sizeof(ref), "%s/shop/web:1.0", ours.addr);
	oci_fixture_image(src, ref, 3, 200000, manifest);

	struct run_result r = run_tinydock(NULL, 60, "push", "--store", src, ref, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "The push refers to repository"));
	ck_assert_ptr_nonnull(strstr(r.out, ": Pushed "));
	ck_assert_ptr_nonnull(strstr(r.out, manifest));
	run_free(&r);
	r = run_tinydock(NULL, 60, "push", "--store", src, "--chunk-size", "64k", ref, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "Layer already exists"));
	run_free(&r);

	r = run_tinydock(NULL, 60, "pull", "--store", dst, ref, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "Pull complete"));
	run_free(&r);
	snprintf(index, sizeof(index), "%s/index.json", dst);
	ck_assert(file_has(index, manifest));
	r = run_tinydock(NULL, 60, "pull", "--store", dst, ref, NULL);
	ck_assert_ptr_nonnull(strstr(r.out, "Already exists"));
	run_free(&r);

	r = run_tinydock(NULL, 60, "registry", "ls", ours.addr, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "shop/web"));
	ck_assert_ptr_nonnull(strstr(r.out, "1.0"));
	run_free(&r);

	r = run_tinydock(NULL, 60, "pull", "--store", dst, "localhost:1/none", NULL);
	ck_assert_int_eq(r.status, 1); /* docker pull's status for a registry it cannot reach */
	run_free(&r);
	stop(ours.pid);
}
END_TEST

START_TEST(registry_serve_d_prints_its_pid_and_serves_until_stopped)
{
	char root[4096], log[4200];
	snprintf(root, sizeof(root), "%s/registry-d", sandbox.dir);
	struct run_result r = run_tinydock(NULL, 20, "registry", "serve", "-d", "--addr", "127.0.0.1:0", "--root", root, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	pid_t pid = atoi(r.out);
	run_free(&r);
	ck_assert_int_gt(pid, 1);
	snprintf(log, sizeof(log), "%s/registry.log", root);
	char addr[64];
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", port_from_log(log));
	r = run_tinydock(NULL, 20, "registry", "ls", addr, NULL);
	int status = r.status;
	run_free(&r);
	kill(pid, SIGTERM); /* not our child (it detached): wait for it to be gone */
	bool gone = false;
	for (int i = 0; i < 400 && !gone; i++, usleep(50000)) /* at most 20 s */
		gone = kill(pid, 0) < 0;
	if (!gone)
		kill(pid, SIGKILL);
	ck_assert_int_eq(status, 0);
	ck_assert(gone);
	ck_assert(file_has(log, "registry: stopped"));
}
END_TEST

START_TEST(skopeo_copies_an_image_to_our_registry_and_back)
{
	if (!have_program("skopeo")) {
		harness_skip("skopeo is not installed (apt-get install skopeo)");
		return;
	}
	struct child ours;
	start_ours(&ours);
	char a[4096], b[4096], dst[4096], from[4200], to[4200], remote[256], manifest[SHA256_DIGEST_SIZE];
	snprintf(a, sizeof(a), "%s/a", sandbox.dir);
	snprintf(b, sizeof(b), "%s/b", sandbox.dir);
	snprintf(dst, sizeof(dst), "%s/dst", sandbox.dir);
	oci_fixture_image(a, "1.0", 2, 100000, manifest);
	snprintf(from, sizeof(from), "oci:%s:1.0", a);
	snprintf(to, sizeof(to), "docker://%s/skopeo/web:1.0", ours.addr);
	const char *push[] = { "skopeo", "copy", "--dest-tls-verify=false", from, to, NULL };
	struct run_result r = run(push);
	run_free(&r);
	snprintf(from, sizeof(from), "docker://%s/skopeo/web:1.0", ours.addr);
	snprintf(to, sizeof(to), "oci:%s:1.0", b);
	const char *pull[] = { "skopeo", "copy", "--src-tls-verify=false", from, to, NULL };
	r = run(pull);
	run_free(&r);
	/* skopeo compresses uncompressed layers for a registry, so the image it pushed has a
	 * digest of its own: the one it wrote back into b. tinydock pulls that same image. */
	char index[4200], pushed[SHA256_DIGEST_SIZE];
	snprintf(index, sizeof(index), "%s/index.json", b);
	size_t size;
	char *text = read_file(index, &size);
	ck_assert_ptr_nonnull(text);
	const char *at = strstr(text, "sha256:");
	ck_assert_ptr_nonnull(at);
	snprintf(pushed, sizeof(pushed), "%.71s", at);
	free(text);
	snprintf(remote, sizeof(remote), "%s/skopeo/web:1.0", ours.addr);
	r = run_tinydock(NULL, 60, "pull", "--store", dst, remote, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, pushed));
	run_free(&r);
	snprintf(index, sizeof(index), "%s/index.json", dst);
	ck_assert(file_has(index, pushed));
	(void)manifest;
	/* skopeo tried TLS first on the plain port, and was closed cleanly. */
	stop(ours.pid);
}
END_TEST

/* A Docker daemon of our own: folders and socket in the sandbox, no iptables, no bridge. */
static bool start_dockerd(struct child *d, char *host, size_t size)
{
	if (!have_program("dockerd") || !have_program("docker") || !have_program("skopeo")) {
		harness_skip("dockerd, docker or skopeo is not installed (apt-get install docker.io skopeo)");
		return false;
	}
	char data[4096], exec_root[4096], pidfile[4096];
	snprintf(data, sizeof(data), "%s/docker-data", sandbox.dir);
	snprintf(exec_root, sizeof(exec_root), "/tmp/tdk-exec-%d", (int)getpid()); /* short: it holds sockets */
	snprintf(pidfile, sizeof(pidfile), "%s/docker.pid", sandbox.dir);
	snprintf(host, size, "unix:///tmp/tdk-%d.sock", (int)getpid());
	snprintf(d->log, sizeof(d->log), "%s/dockerd.log", sandbox.dir);
	const char *argv[] = { "dockerd", "--iptables=false", "--ip-forward=false", "--bridge=none", "--data-root", data,
			       "--exec-root", exec_root, "--pidfile", pidfile, "-H", host, NULL };
	d->pid = spawn(argv, d->log);
	for (int i = 0; i < 120; i++) {
		const char *version[] = { "docker", "-H", host, "version", NULL };
		struct run_result r = run_program(NULL, 10, version);
		int status = r.status;
		run_free(&r);
		if (status == 0)
			return true;
		if (waitpid(d->pid, NULL, WNOHANG) == d->pid)
			break;
		usleep(250000);
	}
	stop(d->pid);
	/* Installed but not starting is a broken machine or a broken test, not a missing peer. */
	char *log = read_file(d->log, NULL);
	const char *tail = log ? log + strlen(log) : NULL;
	for (int lines = 0; tail && tail > log && lines < 6; )
		lines += *--tail == '\n';
	ck_abort_msg("dockerd is installed but did not start; the end of %s:\n%s", d->log, tail ? tail : "(no log)");
	return false;
}

START_TEST(docker_pushes_to_and_pulls_from_our_registry)
{
	struct child docker;
	char host[128];
	if (!start_dockerd(&docker, host, sizeof(host)))
		return;
	struct child ours;
	start_ours(&ours);
	char a[4096], from[4200], to[4200], remote[256], manifest[SHA256_DIGEST_SIZE];
	snprintf(a, sizeof(a), "%s/a", sandbox.dir);
	oci_fixture_image(a, "1.0", 2, 100000, manifest);
	snprintf(from, sizeof(from), "oci:%s:1.0", a);
	snprintf(to, sizeof(to), "docker-archive:%s/image.tar:interop/web:1.0", sandbox.dir);
	const char *archive[] = { "skopeo", "copy", from, to, NULL };
	struct run_result r = run(archive);
	run_free(&r);
	snprintf(remote, sizeof(remote), "%s/interop/web:1.0", ours.addr);
	const char *load[] = { "docker", "-H", host, "load", "-i", to + strlen("docker-archive:"), NULL };
	*strrchr((char *)load[5], ':') = '\0';
	*strrchr((char *)load[5], ':') = '\0';
	r = run(load);
	run_free(&r);
	const char *tag[] = { "docker", "-H", host, "tag", "interop/web:1.0", remote, NULL };
	r = run(tag);
	run_free(&r);
	const char *push[] = { "docker", "-H", host, "push", remote, NULL };
	r = run(push);
	ck_assert_ptr_nonnull(strstr(r.out, "digest: sha256:"));
	run_free(&r);
	const char *rmi[] = { "docker", "-H", host, "rmi", remote, "interop/web:1.0", NULL };
	r = run(rmi);
	run_free(&r);
	const char *pull[] = { "docker", "-H", host, "pull", remote, NULL };
	r = run(pull);
	ck_assert_ptr_nonnull(strstr(r.out, "Downloaded newer image"));
	run_free(&r);
	const char *rmi2[] = { "docker", "-H", host, "rmi", remote, NULL };
	r = run_program(NULL, 60, rmi2);
	run_free(&r);
	stop(ours.pid);
	stop(docker.pid);
	char socket_path[128];
	snprintf(socket_path, sizeof(socket_path), "%s", host + strlen("unix://"));
	unlink(socket_path);
	char exec_root[64];
	snprintf(exec_root, sizeof(exec_root), "/tmp/tdk-exec-%d", (int)getpid());
	remove_tree(exec_root);
}
END_TEST

START_TEST(an_image_made_here_is_pushed_pulled_into_another_store_and_runs_there)
{
	struct child ours;
	start_ours(&ours);
	/* busybox:latest from the host's busybox, then named for the registry with `tag`. */
	struct image_store store;
	struct image img;
	ck_assert_int_eq(image_store_open(&store), 0);
	ck_assert_msg(image_make_busybox(&store, &img) == 0, "%s", error_message());
	image_free(&img);
	image_store_close(&store);
	char ref[256], other[4096];
	snprintf(ref, sizeof(ref), "%s/lib/busybox:1", ours.addr);
	struct run_result t = run_tinydock(NULL, 60, "tag", "busybox", ref, NULL);
	ck_assert_msg(t.status == 0, "%s", t.err);
	run_free(&t);

	struct run_result r = run_tinydock(NULL, 60, "push", ref, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	snprintf(other, sizeof(other), "%s/other-root", sandbox.dir);
	setenv("TINYDOCK_ROOT", other, 1); /* another machine, as far as images go */
	r = run_tinydock(NULL, 60, "pull", ref, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	r = run_tinydock(NULL, 60, "images", NULL);
	ck_assert_ptr_nonnull(strstr(r.out, "lib/busybox"));
	run_free(&r);
	r = run_tinydock(NULL, 60, "run", "--rm", ref, "echo", "pulled-and-ran", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "pulled-and-ran\n");
	run_free(&r);
	setenv("TINYDOCK_ROOT", sandbox.root, 1);
	stop(ours.pid);
}
END_TEST

/* VmRSS of a process, in KiB (proc(5)). */
static long rss_kib(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	long kib = -1;
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kib = atol(line + 6);
	if (f)
		fclose(f);
	return kib;
}

struct puller {
	const char *addr, *target;
	uint64_t received;
};

static void *pull_and_discard(void *arg)
{
	struct puller *p = arg;
	struct http_client c;
	if (http_client_connect(&c, p->addr, 30000) < 0)
		return NULL;
	struct http_head head;
	http_client_start(&c, &head, "GET", p->target);
	const struct http_message *m;
	if (http_client_send_head(&c, &head, 0) == 0 && http_client_read_response(&c, &m) == 0 && m->status == 200) {
		char buf[65536];
		ssize_t n;
		/* Slowly, so that all fifty downloads are in flight at once. */
		while ((n = http_client_read(&c, buf, sizeof(buf))) > 0) {
			p->received += (uint64_t)n;
			usleep(200);
		}
	}
	http_client_close(&c);
	return NULL;
}

START_TEST(fifty_concurrent_pulls_leave_the_server_memory_flat)
{
	struct child ours;
	start_ours(&ours);
	enum { CLIENTS = 50, SIZE = 16 << 20 };
	char src[4096], digest[SHA256_DIGEST_SIZE], target[256];
	snprintf(src, sizeof(src), "%s/src", sandbox.dir);
	ck_assert_int_eq(blob_store_init(src), 0);
	char *data = calloc(1, SIZE);
	for (size_t i = 0; i < SIZE; i += 4096)
		data[i] = (char)i;
	ck_assert_int_eq(blob_write(src, data, SIZE, NULL, digest), 0);
	free(data);
	struct registry_client c;
	registry_client_init(&c, ours.addr, "load/test");
	int fd = blob_open(src, digest, NULL);
	ck_assert_int_eq(registry_blob_push(&c, digest, fd, SIZE), 0);
	close(fd);
	registry_client_close(&c);

	long before = rss_kib(ours.pid), peak = before;
	snprintf(target, sizeof(target), "/v2/load/test/blobs/%s", digest);
	pthread_t threads[CLIENTS];
	struct puller pullers[CLIENTS];
	for (int i = 0; i < CLIENTS; i++) {
		pullers[i] = (struct puller){ .addr = ours.addr, .target = target };
		ck_assert_int_eq(pthread_create(&threads[i], NULL, pull_and_discard, &pullers[i]), 0);
	}
	for (int i = 0; i < 100; i++) { /* sample for a second while they download */
		long now = rss_kib(ours.pid);
		if (now > peak)
			peak = now;
		usleep(10000);
	}
	uint64_t total = 0;
	for (int i = 0; i < CLIENTS; i++) {
		pthread_join(threads[i], NULL);
		total += pullers[i].received;
	}
	stop(ours.pid);
	ck_assert_uint_eq(total, (uint64_t)CLIENTS * SIZE);
	/* 50 x 16 MiB went out; a server holding blobs in memory would grow by 800 MiB. */
	ck_assert_msg(peak - before < 32 * 1024, "VmRSS grew from %ld to %ld KiB", before, peak);
}
END_TEST

Suite *registry_interop_suite(void)
{
	Suite *s = suite_create("registry_interop");
	TCase *t = tcase_create("tools");
	harness_use_stage(t, 5);
	harness_use_sandbox(t);
	tcase_set_timeout(t, 240);
	tcase_add_test(t, tinydock_push_and_pull_carry_an_image_between_two_stores);
	tcase_add_test(t, registry_serve_d_prints_its_pid_and_serves_until_stopped);
	tcase_add_test(t, fifty_concurrent_pulls_leave_the_server_memory_flat);
	tcase_add_test(t, an_image_made_here_is_pushed_pulled_into_another_store_and_runs_there);
	tcase_add_test(t, skopeo_copies_an_image_to_our_registry_and_back);
	tcase_add_test(t, docker_pushes_to_and_pulls_from_our_registry);
	suite_add_tcase(s, t);
	return s;
}
