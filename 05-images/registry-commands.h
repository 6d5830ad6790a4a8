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

#endif
