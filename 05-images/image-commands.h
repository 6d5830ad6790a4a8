/*
 * image-commands.h - the image commands, with Docker's output: images, tag, rmi, inspect,
 * history, image (prune and the `image X` spellings), import, commit (image-commands.c,
 * image-create.c), save (image-save.c) and load (image-load.c).
 */
#ifndef TINYDOCK_IMAGE_COMMANDS_H
#define TINYDOCK_IMAGE_COMMANDS_H

#include "image-store.h"

#include <stdint.h>

/* The image's size as stored, as `images` shows it in SIZE: its layer blobs (a gzip layer
 * counts compressed). */
uint64_t image_size(const struct image *img);

int cmd_images(int argc, char **argv);
int cmd_tag(int argc, char **argv);
int cmd_rmi(int argc, char **argv);
int cmd_image_inspect(int argc, char **argv);

struct json;
/* The document of an image for `inspect` (inspect.h): Id, RepoTags, Config, RootFS, ... */
struct json *image_inspect_document(const char *ref);

int cmd_history(int argc, char **argv);
int cmd_image_prune(int argc, char **argv);
int cmd_image(int argc, char **argv); /* image-group.c */
int cmd_image_import(int argc, char **argv);
int cmd_commit(int argc, char **argv);
int cmd_save(int argc, char **argv);
int cmd_load(int argc, char **argv);

#endif
