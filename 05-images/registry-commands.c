/*
 * registry-commands.c - `tinydock registry serve`, `registry ls`, `push` and `pull`.
 *
 * Lecture: "Docker Hub (for distributing containers)". `registry serve` is the hub: the
 * HTTP server of http-server.c answering with registry-api.c over the files of
 * registry-disk.c. `push` and `pull` are the two directions of registry-client.c between
 * that hub and the local image store (an OCI image layout at $TINYDOCK_ROOT, image-store.h:
 * push reads an image by name there, pull adds blobs and then names the image):
 *
 *     tinydock registry serve -d                   # a registry on 127.0.0.1:5000
 *     tinydock push localhost:5000/shop/web:1.0    # an image of the store, to it
 *     tinydock pull localhost:5000/shop/web:1.0    # and back, on any machine
 *     tinydock registry ls                         # what it holds
 *
 * Read next: registry.md, the lesson, with the same requests made by hand with curl.
 */
#include "registry-commands.h"
#include "blob-store.h"
#include "cli.h"
#include "error.h"
#include "files.h"
#include "http-server.h"
#include "image-store.h"
#include "json.h"
#include "reference.h"
#include "registry-api.h"
#include "registry-client.h"
#include "registry-transfer.h"
#include "registry-disk.h"
#include "registry-store.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_ADDR "127.0.0.1:5000"

/* --- registry serve -------------------------------------------------------------------------- */

static const char REGISTRY_HELP[] =
	"Usage:  tinydock registry COMMAND\n"
	"\n"
	"A registry: repositories of tagged images over HTTP (the OCI distribution API), which\n"
	"docker, skopeo and tinydock push to and pull from.\n"
	"\n"
	"Commands:\n"
	"  serve [OPTIONS]   Run a registry\n"
	"      --addr HOST:PORT   Where to listen (default " DEFAULT_ADDR "; port 0: any free port)\n"
	"      --root DIR         Where to keep its blobs, manifests and tags\n"
	"                         (default $TINYDOCK_ROOT/registry)\n"
	"  -d, --detach           Run in the background, log to ROOT/registry.log, print the pid\n"
	"  ls [ADDR]         List the repositories of a registry and their tags (default " DEFAULT_ADDR ")\n"
	"\n"
	"Examples:\n"
	"  tinydock registry serve -d\n"
	"  tinydock push localhost:5000/shop/web:1.0\n"
	"  tinydock registry ls localhost:5000\n";

static struct http_server *serving;

static void on_stop_signal(int sig)
{
	(void)sig;
	if (serving)
		http_server_stop(serving);
}

static void log_line(void *ctx, const char *line)
{
	(void)ctx;
	/* One fprintf per line: stdio locks the stream, so threads' lines do not mix. */
	fprintf(stderr, "%s\n", line);
}

/* -d: the server is bound (so a busy port is reported here); the child serves, detached
 * from the terminal, writing its log to a file; the parent prints the child's pid. */
static int detach(const char *root)
{
	char log[PATH_MAX];
	snprintf(log, sizeof(log), "%s/registry.log", root);
	int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail_sys("cannot open the log \"%s\"", log);
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(fd);
		return fail_sys("cannot fork the registry");
	}
	if (pid > 0) {
		printf("%d\n", (int)pid);
		fflush(stdout);
		_exit(0);
	}
	setsid();
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null >= 0)
		dup2(null, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
	if (null >= 0)
		close(null);
	return 0;
}

static int registry_serve(int argc, char **argv)
{
	static const struct option options[] = {
		{ "addr", required_argument, NULL, 'a' },
		{ "root", required_argument, NULL, 'r' },
		{ "detach", no_argument, NULL, 'd' },
		{ 0 },
	};
	const char *addr = DEFAULT_ADDR;
	char root[PATH_MAX];
	snprintf(root, sizeof(root), "%s/registry", state_root());
	bool background = false;
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "+a:r:d", options, NULL)) != -1) {
		if (c == 'a')
			addr = optarg;
		else if (c == 'r')
			snprintf(root, sizeof(root), "%s", optarg);
		else if (c == 'd')
			background = cli_flag_on(optarg);
		else
			return usage_error("registry serve", "unknown option");
	}
	if (optind != argc)
		return usage_error("registry serve", "takes no operands");

	struct registry_disk *disk = registry_disk_open(root);
	if (!disk)
		return error_report(EXIT_TINYDOCK_FAILED);
	struct registry_store store;
	registry_disk_bind(disk, &store);
	struct http_server_config config = { .addr = addr, .handler = registry_handle, .handler_ctx = &store,
					     .log = log_line };
	struct http_server *server = http_server_open(&config);
	if (!server) {
		registry_disk_close(disk);
		fail_context("registry serve");
		return error_report(EXIT_TINYDOCK_FAILED);
	}
	if (background && detach(root) < 0) {
		http_server_close(server);
		registry_disk_close(disk);
		return error_report(EXIT_TINYDOCK_FAILED);
	}
	serving = server;
	struct sigaction sa = { .sa_handler = on_stop_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a client gone away is an EPIPE on its connection, not our end */
	fprintf(stderr, "registry: listening on %s (port %d), storing in %s (pid %d)\n", addr, http_server_port(server),
		root, (int)getpid());
	int rc = http_server_run(server);
	serving = NULL;
	http_server_close(server);
	registry_disk_close(disk);
	fprintf(stderr, "registry: stopped\n");
	if (rc < 0)
		return error_report(EXIT_TINYDOCK_FAILED);
	return 0;
}

/* --- registry ls --------------------------------------------------------------------------- */

static void free_items(char **items, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(items[i]);
	free(items);
}

static int registry_ls(int argc, char **argv)
{
	if (argc > 2)
		return usage_error("registry ls", "takes at most one ADDR");
	const char *addr = argc == 2 ? argv[1] : DEFAULT_ADDR;
	struct registry_client client;
	registry_client_init(&client, addr, "");
	char **repos = NULL;
	size_t count = 0;
	int rc = registry_list(&client, "/v2/_catalog", "repositories", &repos, &count);
	if (rc == 0)
		printf("%-40s %s\n", "REPOSITORY", "TAG");
	for (size_t i = 0; rc == 0 && i < count; i++) {
		char path[600], **tags = NULL;
		size_t tag_count = 0;
		snprintf(path, sizeof(path), "/v2/%s/tags/list", repos[i]);
		rc = registry_list(&client, path, "tags", &tags, &tag_count);
		for (size_t t = 0; rc == 0 && t < tag_count; t++)
			printf("%-40s %s\n", repos[i], tags[t]);
		if (rc == 0 && tag_count == 0)
			printf("%-40s %s\n", repos[i], "<none>");
		free_items(tags, tag_count);
	}
	free_items(repos, count);
	registry_client_close(&client);
	if (rc < 0)
		return error_report(EXIT_TINYDOCK_FAILED);
	return 0;
}

int cmd_registry(int argc, char **argv)
{
	if (argc < 2 || asks_for_help(2, argv))
		return argc < 2 ? usage_error("registry", "requires a COMMAND (serve or ls)") : print_help(REGISTRY_HELP);
	if (strcmp(argv[1], "serve") == 0)
		return asks_for_help(argc - 1, argv + 1) ? print_help(REGISTRY_HELP) : registry_serve(argc - 1, argv + 1);
	if (strcmp(argv[1], "ls") == 0)
		return asks_for_help(argc - 1, argv + 1) ? print_help(REGISTRY_HELP) : registry_ls(argc - 1, argv + 1);
	return usage_error("registry", "unknown command \"%s\"", argv[1]);
}

/* --- push and pull ------------------------------------------------------------------------- */

/* REF as a registry, a repository and a tag or digest; docker.io needs TLS and tokens. */
static int parse_remote(const char *text, struct image_reference *ref, const char *command)
{
	if (reference_parse(text, ref) < 0)
		return fail_context("%s", command);
	if (strcmp(ref->domain, DEFAULT_REGISTRY) == 0)
		return fail_errno(0, "%s %s: only registries reached over plain HTTP are supported (name one: "
				  "localhost:5000/%s)", command, text, ref->path);
	return 0;
}

static void client_for(struct registry_client *client, const struct image_reference *ref)
{
	registry_client_init(client, ref->domain, ref->path);
	client->progress = stdout;
	client->progress_tty = isatty(STDOUT_FILENO);
}

static const char PUSH_HELP[] =
	"Usage:  tinydock push [OPTIONS] NAME[:TAG]\n"
	"\n"
	"Upload an image of the local store to a registry (the registry is NAME's first part:\n"
	"localhost:5000/shop/web:1.0). Blobs the registry already has are not sent again.\n"
	"\n"
	"Options:\n"
	"      --chunk-size SIZE   Send each blob in PATCH requests of SIZE bytes (e.g. 8m)\n"
	"                          instead of one PUT\n"
	"      --store DIR         The image store to read (default $TINYDOCK_ROOT)\n";

int cmd_push(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(PUSH_HELP);
	static const struct option options[] = {
		{ "chunk-size", required_argument, NULL, 'c' },
		{ "store", required_argument, NULL, 's' },
		{ 0 },
	};
	const char *root = state_root();
	int64_t chunk = 0;
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "+", options, NULL)) != -1) {
		if (c == 'c' && (parse_size(optarg, &chunk) < 0 || chunk <= 0))
			return usage_error("push", "invalid --chunk-size \"%s\"", optarg);
		else if (c == 's')
			root = optarg;
		else if (c != 'c')
			return usage_error("push", "unknown option");
	}
	if (optind != argc - 1)
		return arguments_error("push", "requires exactly one NAME[:TAG]");
	/* A push or pull that fails exits with 1, as docker push and pull (a refused request). */
	struct image_reference ref;
	if (parse_remote(argv[optind], &ref, "push") < 0)
		return error_report(1);
	char repository[600];
	reference_repository(&ref, repository, sizeof(repository));
	struct image_store store;
	struct image img;
	if (image_store_open_at(&store, root) < 0 || image_resolve(&store, argv[optind], &img) < 0)
		return error_report(1);
	printf("The push refers to repository [%s]\n", repository);
	struct registry_client client;
	client_for(&client, &ref);
	client.chunk_size = (uint64_t)chunk;
	const char *tag = ref.digest[0] ? ref.digest : ref.tag;
	int rc = registry_push_image(&client, root, img.digest, tag);
	registry_client_close(&client);
	if (rc == 0)
		printf("%s: digest: %s size: %" PRIu64 "\n", tag, img.digest, img.manifest_size);
	image_free(&img);
	image_store_close(&store);
	if (rc < 0)
		return error_report(1);
	return 0;
}

static const char PULL_HELP[] =
	"Usage:  tinydock pull [OPTIONS] NAME[:TAG|@DIGEST]\n"
	"\n"
	"Download an image from a registry (NAME's first part: localhost:5000/shop/web:1.0) into\n"
	"the local store. Every blob is verified against its digest before it is kept; blobs the\n"
	"store has already are not downloaded again.\n"
	"\n"
	"Options:\n"
	"      --store DIR   The image store to write (default $TINYDOCK_ROOT)\n";

int cmd_pull(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(PULL_HELP);
	static const struct option options[] = { { "store", required_argument, NULL, 's' }, { 0 } };
	const char *root = state_root();
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "+", options, NULL)) != -1) {
		if (c != 's')
			return usage_error("pull", "unknown option");
		root = optarg;
	}
	if (optind != argc - 1)
		return arguments_error("pull", "requires exactly one NAME[:TAG|@DIGEST]");
	return image_pull(root, argv[optind]) < 0 ? error_report(1) : 0;
}

int image_pull(const char *root, const char *text)
{
	struct image_reference ref;
	if (parse_remote(text, &ref, "pull") < 0)
		return -1;
	/* Hold the store: a concurrent prune must keep the blobs written here before index.json
	 * names them. */
	struct image_store store;
	if (image_store_open_at(&store, root) < 0 || image_store_hold(&store) < 0)
		return -1;
	const char *wanted = ref.digest[0] ? ref.digest : ref.tag;
	printf("%s: Pulling from %s\n", wanted, ref.path);
	struct registry_client client;
	client_for(&client, &ref);
	char digest[SHA256_DIGEST_SIZE], index_digest[SHA256_DIGEST_SIZE];
	uint64_t size = 0;
	int rc = registry_pull_image(&client, root, wanted, digest, &size, index_digest);
	registry_client_close(&client);
	char name[700];
	reference_familiar(&ref, name, sizeof(name));
	/* By tag, the name points at the image; by digest, Docker keeps it without a name. */
	if (rc == 0)
		rc = image_store_tag(&store, ref.digest[0] ? NULL : name, digest, size);
	image_store_close(&store);
	if (rc < 0)
		return -1;
	printf("Digest: %s\n", index_digest[0] ? index_digest : digest);
	printf("Status: Downloaded image for %s\n%s\n", name, name);
	return 0;
}
