/*
 * log-time.c - `logs --since/--until`'s points in time (log-time.h): a duration back from now,
 * seconds since the epoch, or an RFC 3339 date and time (a zone, or local time without one).
 */
#include "log-time.h"
#include "duration.h"
#include "error.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define NS_PER_SECOND 1000000000LL

/* Exactly count digits at *p, as a number; advances *p. */
static bool digits(const char **p, int count, int *value)
{
	int v = 0;
	for (int i = 0; i < count; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += count;
	*value = v;
	return true;
}

/* ".123" (1 to 9 digits) at *p as nanoseconds; nothing there is 0. Advances *p. */
static bool fraction(const char **p, int64_t *ns)
{
	*ns = 0;
	if (**p != '.')
		return true;
	(*p)++;
	int n = 0;
	int64_t scale = NS_PER_SECOND;
	while (isdigit((unsigned char)**p) && n < 9) {
		scale /= 10;
		*ns += (**p - '0') * scale;
		(*p)++;
		n++;
	}
	return n > 0 && !isdigit((unsigned char)**p);
}

/* Seconds since the epoch, "1700000000" or "1700000000.000000001" (docker's Unix form). */
static bool unix_seconds(const char *text, timestamp_ns *t)
{
	const char *p = text;
	long long seconds = 0;
	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p)) {
		if (seconds > 9000000000LL)
			return false;
		seconds = seconds * 10 + (*p++ - '0');
	}
	int64_t ns;
	if (!fraction(&p, &ns) || *p != '\0')
		return false;
	*t = seconds * NS_PER_SECOND + ns;
	return true;
}

/* YYYY-MM-DD[THH:MM[:SS[.frac]]][Z|+HH:MM|-HH:MM]. */
static bool calendar(const char *text, timestamp_ns *t)
{
	const char *p = text;
	struct tm tm = { 0 };
	int year, month, day, hour = 0, minute = 0, second = 0;
	int64_t ns = 0;
	if (!digits(&p, 4, &year) || *p++ != '-' || !digits(&p, 2, &month) || *p++ != '-' || !digits(&p, 2, &day))
		return false;
	if (*p == 'T') {
		p++;
		if (!digits(&p, 2, &hour) || *p++ != ':' || !digits(&p, 2, &minute))
			return false;
		if (*p == ':') {
			p++;
			if (!digits(&p, 2, &second) || !fraction(&p, &ns))
				return false;
		}
	}
	if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
		return false;
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = minute;
	tm.tm_sec = second;
	time_t seconds;
	if (*p == '\0') {
		tm.tm_isdst = -1; /* no zone: local time, daylight saving as the date has it (mktime(3)) */
		seconds = mktime(&tm);
	} else if (*p == 'Z' && p[1] == '\0') {
		seconds = timegm(&tm);
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1, offset_hours, offset_minutes;
		if (!digits(&p, 2, &offset_hours) || *p++ != ':' || !digits(&p, 2, &offset_minutes) || *p != '\0')
			return false;
		/* 17:00+01:00 is 16:00 in UTC: the offset is taken away. */
		seconds = timegm(&tm) - sign * (offset_hours * 3600 + offset_minutes * 60);
	} else {
		return false;
	}
	*t = (timestamp_ns)seconds * NS_PER_SECOND + ns;
	return true;
}

int log_time_parse(const char *text, timestamp_ns now, timestamp_ns *t)
{
	int64_t back;
	if (duration_parse(text, &back) == 0) {
		*t = now - back;
		return 0;
	}
	error_clear(); /* not a duration: one of the other forms */
	if (unix_seconds(text, t) || calendar(text, t))
		return 0;
	return fail_errno(0, "invalid value for a time: \"%s\" (a duration such as 10m, seconds since the epoch, or "
			     "an RFC 3339 time such as 2026-01-02T13:23:37Z)",
			  text);
}
