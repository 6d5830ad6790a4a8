/*
 * system-df.h - `tinydock system df`: the disk the images and containers take, as `docker
 * system df` reports it; and chapter 05's `system` group (df, prune) and `info` (system-df.c).
 */
#ifndef TINYDOCK_SYSTEM_DF_H
#define TINYDOCK_SYSTEM_DF_H

#include <stddef.h>
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

/* The Images and Containers rows, for a later chapter's report (chapter 06 adds volumes and
 * the build cache). 0, or -1 with the message. */
int df_images_row(struct df_row *row);
int df_containers_row(struct df_row *row);

/* `system df` with these rows after the Images and Containers ones (0 of them: chapter 05's). */
int system_df_command(int argc, char **argv, int (*const *more)(struct df_row *row), size_t count);

/* Chapter 05's `system` group (df, prune), for a later chapter's to extend. */
struct command_group;
extern const struct command_group system_group_05;

int cmd_system_df(int argc, char **argv);
int cmd_system_prune(int argc, char **argv);
int cmd_system_05(int argc, char **argv);
int cmd_info_05(int argc, char **argv);

#endif
