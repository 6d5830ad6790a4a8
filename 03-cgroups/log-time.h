/*
 * log-time.h - the points in time `logs --since` and `--until` take, as Docker's CLI reads them.
 *
 * `docker logs --help`: "Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative
 * (e.g. "42m" for 42 minutes)". The forms Docker accepts there:
 *
 *     42m, 1h30m, 10s           a Go duration (duration.h): that long before now
 *     1700000000, 1700000000.5  seconds since the epoch, with up to 9 decimals
 *     2026-12-03T17:25:51Z      RFC 3339, with a fraction of a second and/or a +01:00 offset;
 *     2026-12-03T17:25:51       without a zone: the machine's local time (TZ), as Docker's
 *     2026-12-03T17:25  2026-12-03    shorter ones, the missing fields zero
 *
 * Pure (the caller gives now); unit-tested in tests/unit/test_container_store.c.
 */
#ifndef TINYDOCK_LOG_TIME_H
#define TINYDOCK_LOG_TIME_H

#include "timestamp.h"

/* Read text as one of the forms above, relative ones from now. 0, or -1 with a message that
 * names the text. */
int log_time_parse(const char *text, timestamp_ns now, timestamp_ns *t);

#endif
