/*
 * system-df.h - `tinydock system df`: the disk the images and containers take, as `docker
 * system df` reports it; and chapter 05's `system` group (df, prune) and `info` (system-df.c).
 */
#ifndef TINYDOCK_SYSTEM_DF_H
#define TINYDOCK_SYSTEM_DF_H

#include <stdint.h>
#include <stdio.h>

/* One line of the report: how many there are, how many are in use, the bytes they take, and
 * the bytes a prune would give back. */
struct df_row {
	const char *type; /* "Images", "Containers", "Local Volumes", "Build Cache" */
	long total, active;
	uint64_t size, reclaimable;
};

/* Pure: print rows under Docker's header, TYPE TOTAL ACTIVE SIZE RECLAIMABLE, the reclaimable
 * share in percent after its size ("11.63MB (70%)") as Docker's does for images and volumes. */
void df_print(FILE *out, const struct df_row *rows, size_t count);

int cmd_system_df(int argc, char **argv);
int cmd_system_prune(int argc, char **argv);
int cmd_system_05(int argc, char **argv);
int cmd_info_05(int argc, char **argv);

#endif
