/*
 * swarm-visualize-files.h - the visualizer's page, built into the binary.
 *
 * The page (08-swarm/visualizer/index.html, style.css, app.js) is written as ordinary files,
 * to be read and edited as such; at build time the Makefile turns them into a C array each
 * (08-swarm/visualizer/embed-files.c writes build/08-swarm/visualizer-data.c), so that
 * `tinydock swarm visualize` needs no file beside the binary, as a static binary should, and
 * a page can never be served from one version while the server is another.
 */
#ifndef TINYDOCK_SWARM_VISUALIZE_FILES_H
#define TINYDOCK_SWARM_VISUALIZE_FILES_H

#include <stddef.h>

struct swarm_visualize_file {
	const char *path;          /* as requested: "/index.html" */
	const char *content_type;  /* "text/html; charset=utf-8" */
	const unsigned char *bytes; /* followed by a NUL that size does not count */
	size_t size;
};

/* Every file, ending with an entry whose path is NULL (written by embed-files.c). */
extern const struct swarm_visualize_file swarm_visualize_files[];

/* The file a request's path names ("/" is "/index.html"; a query, "?...", is ignored), or
 * NULL when there is none: only the table's own paths are served, so no request can name
 * anything else ("/../etc/passwd" is simply not in the table). */
const struct swarm_visualize_file *swarm_visualize_file_find(const char *target);

#endif
