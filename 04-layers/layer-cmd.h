/*
 * layer-cmd.h - `tinydock layer diff|create|apply|mount|unmount` (see layer-cmd.c).
 */
#ifndef TINYDOCK_LAYER_CMD_H
#define TINYDOCK_LAYER_CMD_H

int cmd_layer(int argc, char **argv);

#endif
