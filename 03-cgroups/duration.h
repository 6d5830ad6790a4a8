/*
 * duration.h - lengths of time as Docker's flags take and print them: Go's time.Duration
 * text ("1s", "500ms", "1m30s", "1.5h", "-2us"), because docker/cli parses --health-interval and
 * its siblings with Go's time.ParseDuration, and the daemon prints a duration with %v
 * ("Health check exceeded timeout (30s)").
 *
 * Pure: unit-tested in tests/unit/test_health.c.
 */
#ifndef TINYDOCK_DURATION_H
#define TINYDOCK_DURATION_H

#include <stddef.h>
#include <stdint.h>

/* Go's time.ParseDuration: a sign, then one or more decimal numbers each with a unit (ns, us,
 * µs, ms, s, m, h), or "0" alone. *ns gets nanoseconds. -1 with Go's message recorded
 * (`time: invalid duration "x"`, `time: missing unit in duration "1"`, ...). */
int duration_parse(const char *text, int64_t *ns);

/* Go's Duration.String(): "0s", "100ms", "1.5µs", "30s", "1m30s", "2h0m0s". */
#define DURATION_SIZE 40
void duration_format(int64_t ns, char out[DURATION_SIZE]);

#endif
