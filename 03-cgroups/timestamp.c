/*
 * timestamp.c - RFC 3339 times, the way `docker inspect` and `docker logs -t` print them.
 *
 * Why strings in the record rather than numbers: config.json is for people too (`cat` it in the
 * lab), and Docker's own config.v2.json stores Created/StartedAt/FinishedAt this way. timegm(3)
 * turns the broken-down UTC time back into seconds without touching the TZ environment.
 */
#include "timestamp.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

timestamp_ns timestamp_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (timestamp_ns)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void timestamp_format(timestamp_ns t, char out[TIMESTAMP_SIZE])
{
	if (t <= 0) {
		snprintf(out, TIMESTAMP_SIZE, "%s", TIMESTAMP_ZERO);
		return;
	}
	time_t seconds = (time_t)(t / 1000000000);
	struct tm tm;
	gmtime_r(&seconds, &tm);
	snprintf(out, TIMESTAMP_SIZE, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)(t % 1000000000));
}

int timestamp_parse(const char *text, timestamp_ns *t)
{
	if (strcmp(text, TIMESTAMP_ZERO) == 0) {
		*t = 0;
		return 0;
	}
	struct tm tm = { 0 };
	int used = 0;
	if (sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
		   &tm.tm_sec, &used) != 6 || used != 19)
		return -1;
	const char *p = text + used;
	long fraction = 0;
	int digits = 0;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, digits++)
			if (digits < 9)
				fraction = fraction * 10 + (*p - '0');
	if (strcmp(p, "Z") != 0 || digits > 9)
		return -1;
	for (; digits < 9; digits++)
		fraction *= 10;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*t = (timestamp_ns)timegm(&tm) * 1000000000 + fraction;
	return 0;
}
