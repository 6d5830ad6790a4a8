/*
 * version.h - `tinydock version`: what this binary is (version.c).
 */
#ifndef TINYDOCK_VERSION_H
#define TINYDOCK_VERSION_H

#include "command.h"

#include <stdio.h>

/* Pure: print the version block for a binary of these tables (Docker's "Client:" section, with
 * the C compiler in place of the Go version and the chapters the binary links). */
void version_print(FILE *out, const struct command *const *tables, const char *os_arch);

int cmd_version(int argc, char **argv);

#endif
