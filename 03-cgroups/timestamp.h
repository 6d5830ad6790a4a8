/*
 * timestamp.h - points in time as Docker writes them: RFC 3339 with nanoseconds, in UTC
 * ("2026-11-28T16:05:03.123456789Z"), and "0001-01-01T00:00:00Z" for "never" (Go's zero time,
 * which `docker inspect` shows in FinishedAt of a container that never finished).
 *
 * Pure: unit-tested in tests/unit/test_container_store.c.
 */
#ifndef TINYDOCK_TIMESTAMP_H
#define TINYDOCK_TIMESTAMP_H

#include <stddef.h>
#include <stdint.h>

/* Nanoseconds since the epoch; 0 means "never". */
typedef int64_t timestamp_ns;

#define TIMESTAMP_SIZE 40
#define TIMESTAMP_ZERO "0001-01-01T00:00:00Z"

/* CLOCK_REALTIME now. */
timestamp_ns timestamp_now(void);

/* "2026-11-28T16:05:03.123456789Z", or TIMESTAMP_ZERO for 0. */
void timestamp_format(timestamp_ns t, char out[TIMESTAMP_SIZE]);

/* The reverse (fraction of any length 0..9, "Z" only); TIMESTAMP_ZERO gives 0. -1 if malformed. */
int timestamp_parse(const char *text, timestamp_ns *t);

#endif
