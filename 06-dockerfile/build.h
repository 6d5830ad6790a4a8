/*
 * build.h - `tinydock build`: a Dockerfile and a context made into an image (build.c), and
 * `tinydock builder prune` (build-cache.c).
 */
#ifndef TINYDOCK_BUILD_H
#define TINYDOCK_BUILD_H

int cmd_build(int argc, char **argv);

#endif
