/*
 * inroot.h - resolving paths inside a root folder, as if it were "/" (see inroot.c).
 */
#ifndef TINYDOCK_INROOT_H
#define TINYDOCK_INROOT_H

#include <stdbool.h>
#include <stddef.h>

/* Pure: turn an archive path into a clean relative path inside the root ("a/b", or "" for
 * the root itself): leading "/" and "./" go, "//" and "." collapse, ".." is resolved
 * lexically. -1 when ".." would climb above the root. */
int inroot_clean_path(const char *path, char *out, size_t size);

/* Open the folder path inside the root folder rootfd, every symlink and ".." resolved as if
 * rootfd were "/"; create missing folders when create is true. Uses openat2(RESOLVE_IN_ROOT)
 * while *use_openat2, and clears it when the kernel has none. root names the root in
 * messages. Returns an O_PATH fd of the folder, or -1. */
int inroot_open_dir(int rootfd, const char *root, const char *path, bool create, bool *use_openat2);

#endif
