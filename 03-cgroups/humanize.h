/*
 * humanize.h - durations and sizes in the words Docker prints, so screenshots match.
 */
#ifndef TINYDOCK_HUMANIZE_H
#define TINYDOCK_HUMANIZE_H

#include <stddef.h>
#include <stdint.h>

/* "Less than a second", "1 second", "3 seconds", "About a minute", "5 minutes", "About an hour",
 * "3 hours", "4 days", "3 weeks", "5 months", "2 years" (as `docker ps` words an age). */
void human_duration(int64_t seconds, char *out, size_t size);

/* Decimal units with three significant digits, no space: "0B", "999B", "4.26MB", "1.2GB"
 * (as `docker images` prints SIZE). */
void human_size(uint64_t bytes, char *out, size_t size);

/* Binary units for memory, as `docker stats`: "1.5MiB", "64MiB", "2GiB". */
void human_memory(uint64_t bytes, char *out, size_t size);

#endif
