/*
 * container-cmd.h - `tinydock diff`, `export` and `import`: a container's filesystem as layers
 * (container-cmd.c). `commit` needs the layer's sha256, so it lives in chapter 05
 * (05-images/image-create.c), on top of container_layer_write() here.
 */
#ifndef TINYDOCK_CONTAINER_CMD_H
#define TINYDOCK_CONTAINER_CMD_H

#include "changes.h"
#include "tar.h"

/* Write what container id changed (its upper folder) as a layer tarball through sink, with the
 * whiteouts of the OCI image spec (layer_create). For `commit`. */
int container_layer_write(const char *id, tar_write_fn sink, void *sink_ctx, struct create_stats *stats);

int cmd_diff(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_cp(int argc, char **argv); /* container-cp.c */
int cmd_import(int argc, char **argv);

#endif
