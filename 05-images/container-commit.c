/*
 * container-commit.c - `tinydock commit`: what a container changed, as a layer named by its
 * sha256.
 *
 * Lecture: "docker commit turns the container's thin writable layer into a new image layer".
 * Chapter 04 reads the upper folder as a layer (changes.c: whiteouts for deletions,
 * ".wh..wh..opq" for replaced folders, hard links kept) and streams it through any
 * tar_write_fn. Naming the result by its content needs SHA-256, which is this chapter's; and
 * chapter 04 cannot call chapter 05 (dependencies point backwards), so the command lives
 * here and puts a hashing sink between chapter 04's tar writer and the file:
 *
 *   container_layer_write(id)  --tar bytes-->  sha256_update + write(2)  -->  layers/commit-PID.tmp
 *                                                                     rename -> layers/<hex>.tar
 *
 * One pass, whatever the size: the digest is known when the last byte is written, and the
 * file gets its name only then, so a layer under its digest's name is always complete. The
 * sha256 of the uncompressed tar is what the OCI image spec calls the layer's DiffID (the
 * image config's rootfs.diff_ids); the image store of this chapter makes an image of it.
 *
 * Docker pauses a running container while it commits (the cgroup freezer), so the upper
 * folder does not change under the walk; tinydock does not yet: commit a stopped container,
 * or one that is not writing.
 */
#include "container-commit.h"
#include "cli.h"
#include "container-cmd.h"
#include "error.h"
#include "explain.h"
#include "files.h"
#include "reference.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char CHAPTER[] = "05-images";

/* A tar_write_fn that hashes what it writes. */
struct hashing_sink {
	int fd;
	struct sha256 hash;
	uint64_t size;
};

static int hashing_write(void *ctx, const void *buf, size_t size)
{
	struct hashing_sink *sink = ctx;
	sha256_update(&sink->hash, buf, size);
	sink->size += size;
	return write_all(sink->fd, buf, size);
}

int commit_container_layer(const char *ref, struct committed_layer *layer)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/layers", state_root());
	if (make_dirs(dir, 0700) < 0)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s/commit-%d.tmp", dir, (int)getpid());
	struct hashing_sink sink = { .fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) };
	if (sink.fd < 0)
		return fail_sys("cannot create \"%s\"", tmp);
	sha256_init(&sink.hash);
	struct create_stats stats;
	int rc = container_layer_write(ref, hashing_write, &sink, &stats);
	if (rc == 0 && fsync(sink.fd) < 0)
		rc = fail_sys("cannot write \"%s\"", tmp);
	if (close(sink.fd) < 0 && rc == 0)
		rc = fail_sys("cannot write \"%s\"", tmp);
	if (rc == 0) {
		uint8_t digest[SHA256_SIZE];
		char hex[SHA256_HEX_SIZE];
		sha256_final(&sink.hash, digest);
		sha256_hex(digest, hex);
		sha256_digest_string(digest, layer->digest);
		snprintf(layer->path, sizeof(layer->path), "%s/%s.tar", dir, hex);
		/* The same changes give the same bytes (changes.c), so the same name: rename(2)
		 * over an existing layer of that digest replaces it with identical content. */
		if (rename(tmp, layer->path) < 0)
			rc = fail_sys("cannot rename \"%s\" to \"%s\"", tmp, layer->path);
		else
			explain(CHAPTER, "rename(\"%s\", \"%s\") after sha256 of %llu bytes = 0", tmp, layer->path,
				(unsigned long long)sink.size);
	}
	if (rc < 0) {
		unlink(tmp);
		return -1;
	}
	layer->size = sink.size;
	layer->entries = stats.entries;
	layer->whiteouts = stats.whiteouts;
	return 0;
}

static const char COMMIT_HELP[] =
	"Usage:  tinydock commit CONTAINER [REPOSITORY[:TAG]]\n"
	"\n"
	"Write a container's changes (its overlay upper folder) as a layer tarball, named by its\n"
	"sha256, into $TINYDOCK_ROOT/layers/<hex>.tar, and print \"sha256:<hex>\". Deleted files\n"
	"become .wh.NAME whiteouts and replaced folders .wh..wh..opq, as in Docker's layers;\n"
	"'tar -tvf' lists it. Works on a stopped container (its changes outlive it).\n";

int cmd_commit(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(COMMIT_HELP);
	if (argc < 2 || argc > 3)
		return usage_error("commit", "requires 1 or 2 arguments: CONTAINER [REPOSITORY[:TAG]]");
	struct image_reference ref;
	if (argc == 3 && reference_parse(argv[2], &ref) < 0)
		return usage_error("commit", "%s", error_message());
	struct committed_layer layer;
	if (commit_container_layer(argv[1], &layer) < 0) {
		fail_context("commit");
		return error_report(EXIT_TINYDOCK_FAILED);
	}
	fprintf(stderr, "layer %s: %llu bytes, %llu entries, %llu whiteouts\n", layer.path,
		(unsigned long long)layer.size, (unsigned long long)layer.entries,
		(unsigned long long)layer.whiteouts);
	if (argc == 3)
		fprintf(stderr, "tinydock: commit: the layer is stored; making it the image \"%s\" needs the image "
				"store (chapter 05, to come)\n",
			argv[2]);
	printf("%s\n", layer.digest);
	return 0;
}
