/*
 * humanize.c - turning seconds and bytes into the words `docker ps`, `docker images` and
 * `docker stats` print.
 *
 * Students compare tinydock's output with the lecture's screenshots of Docker, so the
 * columns use Docker's wording: a container is "Up 3 seconds" or "Exited (0) 2 minutes ago",
 * an image is "4.26MB". The thresholds below are those of Docker's documented output
 * (for instance, anything from 48 hours to two weeks is counted in days).
 */
#include "humanize.h"

#include <stdio.h>

void human_duration(int64_t seconds, char *out, size_t size)
{
	int64_t minutes = seconds / 60;
	int64_t hours = (seconds + 1800) / 3600; /* rounded, as Docker does for hours */
	if (seconds < 1)
		snprintf(out, size, "Less than a second");
	else if (seconds == 1)
		snprintf(out, size, "1 second");
	else if (seconds < 60)
		snprintf(out, size, "%lld seconds", (long long)seconds);
	else if (minutes == 1)
		snprintf(out, size, "About a minute");
	else if (minutes < 60)
		snprintf(out, size, "%lld minutes", (long long)minutes);
	else if (hours == 1)
		snprintf(out, size, "About an hour");
	else if (hours < 48)
		snprintf(out, size, "%lld hours", (long long)hours);
	else if (hours < 24 * 7 * 2)
		snprintf(out, size, "%lld days", (long long)(hours / 24));
	else if (hours < 24 * 30 * 2)
		snprintf(out, size, "%lld weeks", (long long)(hours / 24 / 7));
	else if (hours < 24 * 365 * 2)
		snprintf(out, size, "%lld months", (long long)(hours / 24 / 30));
	else
		snprintf(out, size, "%lld years", (long long)(seconds / 3600 / 24 / 365));
}

/* Three significant digits in the largest unit that keeps the number below the base. */
static void scaled(double value, double base, const char *const units[], int count, char *out, size_t size)
{
	int unit = 0;
	while (value >= base && unit < count - 1) {
		value /= base;
		unit++;
	}
	snprintf(out, size, "%.3g%s", value, units[unit]);
}

void human_size(uint64_t bytes, char *out, size_t size)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB" };
	scaled((double)bytes, 1000.0, units, 6, out, size);
}

void human_memory(uint64_t bytes, char *out, size_t size)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	scaled((double)bytes, 1024.0, units, 6, out, size);
}
