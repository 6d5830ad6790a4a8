/*
 * build-stdin.h - `tinydock build -`: stdin holds either a Dockerfile (and there is no context)
 * or a tar archive, plain or gzip-compressed, whose root is the context and which holds the
 * Dockerfile (the docker build reference, "Tarball contexts" and "Build with -"). Docker tells
 * them apart by looking at the bytes, never at a name: a tar's first 512-byte block is a header
 * whose checksum adds up, which no text file's is.
 */
#ifndef TINYDOCK_BUILD_STDIN_H
#define TINYDOCK_BUILD_STDIN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

enum { TAR_BLOCK = 512 };

/* What stdin held: a Dockerfile's text, or a context unpacked into context (a new folder). */
struct build_stdin {
	char *dockerfile;   /* the text, or NULL for a tar context */
	size_t length;
	char context[PATH_MAX]; /* "" for a Dockerfile */
	char folder[PATH_MAX];  /* the new folder holding context, removed by build_stdin_release */
};

/* Pure: is block (size bytes, the stream's start) a tar header? The POSIX ustar magic at
 * offset 257, or (a V7 tar, which has none) a header checksum that adds up (POSIX pax,
 * "ustar Interchange Format": the checksum is the sum of the header's bytes with the
 * checksum field taken as spaces). */
bool build_stdin_is_tar(const unsigned char *block, size_t size);

/* Read fd to its end: a tar archive (gzip-compressed or not) is unpacked into a new folder
 * under parent, refusing entries that leave it; anything else is the Dockerfile's text.
 * parent NULL: stdin is the Dockerfile whatever it holds (`-f - CONTEXT`).
 * 0, or -1 with a message and nothing left behind. */
int build_stdin_read(int fd, const char *parent, struct build_stdin *out);

/* Remove the unpacked context (if any) and free the text. 0, or -1 with a message. */
int build_stdin_release(struct build_stdin *in);

#endif
