/*
 * image-run.h - `tinydock run IMAGE [CMD]`: chapter 05's run extension (run-extension.h).
 */
#ifndef TINYDOCK_IMAGE_RUN_H
#define TINYDOCK_IMAGE_RUN_H

#include "run-extension.h"

#include <stddef.h>

struct json;

extern const struct run_extension image_run_extension;

/* Pure: the command a container of an image runs, as Docker decides it (docker run reference,
 * "ENTRYPOINT" and "CMD"): the entrypoint (--entrypoint, else the image's; --entrypoint
 * also drops the image's Cmd) followed by the user's command, or else by the image's Cmd.
 * Writes at most size-1 pointers and a NULL into argv (pointing into the inputs); returns
 * the count, 0 when there is nothing to run, -1 when it does not fit. */
int image_command(const struct json *settings, const char *entrypoint, char *const *user_command, char **argv,
		  size_t size);

#endif
