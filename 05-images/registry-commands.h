/*
 * registry-commands.h - tinydock registry serve|ls, tinydock push, tinydock pull.
 */
#ifndef TINYDOCK_REGISTRY_COMMANDS_H
#define TINYDOCK_REGISTRY_COMMANDS_H

/* tinydock registry serve [--addr A] [--root DIR] [-d] | ls [ADDR] */
int cmd_registry(int argc, char **argv);

/* tinydock push [--chunk-size SIZE] REF: send a local image to its registry. */
int cmd_push(int argc, char **argv);

/* tinydock pull REF: fetch an image from its registry into the local store. */
int cmd_pull(int argc, char **argv);

/* Pull text (NAME[:TAG|@DIGEST] with its registry) into the store at root, printing pull's
 * progress lines on stdout (as `build --pull` does for its FROM images too). 0, or -1 with a
 * message (an unreachable registry named). */
int image_pull(const char *root, const char *text);

#endif
