/*
 * duration.c - Go's duration syntax, read and written (see duration.h).
 *
 * The grammar of time.ParseDuration (Go's time package documentation): "a possibly signed
 * sequence of decimal numbers, each with optional fraction and a unit suffix", units "ns",
 * "us" (or "µs"), "ms", "s", "m", "h". So "1m30s" is 90 seconds, "1.5s" is 1500 ms and ".5s"
 * is 500 ms; "1" (no unit) is an error except for "0". A value beyond what int64 nanoseconds
 * hold (about 292 years) is refused.
 *
 * Writing is Duration.String(): below a second, one unit with a fraction ("1.5ms"); from a
 * second on, hours, minutes and seconds ("1h0m5s"), trailing zeros of the fraction dropped.
 */
#include "duration.h"
#include "error.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define NS_PER_US 1000ULL
#define NS_PER_MS 1000000ULL
#define NS_PER_S 1000000000ULL

static const struct {
	const char *name;
	uint64_t ns;
} units[] = {
	{ "ns", 1 },
	{ "us", NS_PER_US },
	{ "\u00b5s", NS_PER_US }, /* U+00B5 MICRO SIGN */
	{ "\u03bcs", NS_PER_US }, /* U+03BC GREEK SMALL LETTER MU */
	{ "ms", NS_PER_MS },
	{ "s", NS_PER_S },
	{ "m", 60 * NS_PER_S },
	{ "h", 3600 * NS_PER_S },
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int invalid(const char *text)
{
	return fail_errno(0, "time: invalid duration \"%s\"", text);
}

int duration_parse(const char *text, int64_t *ns)
{
	const char *s = text;
	bool negative = false;
	if (*s == '-' || *s == '+')
		negative = *s++ == '-';
	if (strcmp(s, "0") == 0) {
		*ns = 0;
		return 0;
	}
	if (!*s)
		return invalid(text);
	/* The magnitude, in unsigned nanoseconds: up to 2^63 for a negative value (INT64_MIN). */
	const uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	uint64_t total = 0;
	while (*s) {
		if (*s != '.' && !is_digit(*s))
			return invalid(text);
		uint64_t whole = 0;
		const char *start = s;
		for (; is_digit(*s); s++) {
			if (whole > (UINT64_MAX - 9) / 10)
				return invalid(text); /* more digits than any duration */
			whole = whole * 10 + (uint64_t)(*s - '0');
		}
		bool before = s != start, after = false;
		/* The fraction: as many digits as fit, the rest only read (Go's leadingFraction). */
		uint64_t fraction = 0;
		double scale = 1;
		if (*s == '.') {
			s++;
			bool overflow = false;
			for (start = s; is_digit(*s); s++) {
				if (overflow || fraction > (UINT64_MAX / 10 - 9)) {
					overflow = true;
					continue;
				}
				fraction = fraction * 10 + (uint64_t)(*s - '0');
				scale *= 10;
			}
			after = s != start;
		}
		if (!before && !after)
			return invalid(text);
		size_t length = strcspn(s, ".0123456789");
		if (length == 0)
			return fail_errno(0, "time: missing unit in duration \"%s\"", text);
		uint64_t unit = 0;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (strlen(units[i].name) == length && strncmp(s, units[i].name, length) == 0)
				unit = units[i].ns;
		if (!unit)
			return fail_errno(0, "time: unknown unit \"%.*s\" in duration \"%s\"", (int)length, s, text);
		s += length;
		if (whole > limit / unit)
			return invalid(text);
		uint64_t value = whole * unit;
		value += (uint64_t)((double)fraction * ((double)unit / scale));
		if (value > limit || total > limit - value)
			return invalid(text);
		total += value;
	}
	*ns = negative ? (int64_t)(0 - total) : (int64_t)total;
	return 0;
}

/* Write the digits of v's last prec decimal places into buf ending at *w, without trailing
 * zeros and without the point when they are all zero; returns v without them. */
static uint64_t put_fraction(char *buf, size_t *w, uint64_t v, int prec)
{
	bool printing = false;
	for (int i = 0; i < prec; i++) {
		int digit = (int)(v % 10);
		printing = printing || digit != 0;
		if (printing)
			buf[--*w] = (char)('0' + digit);
		v /= 10;
	}
	if (printing)
		buf[--*w] = '.';
	return v;
}

static void put_integer(char *buf, size_t *w, uint64_t v)
{
	do {
		buf[--*w] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
}

static void put_text(char *buf, size_t *w, const char *text)
{
	size_t n = strlen(text);
	*w -= n;
	memcpy(buf + *w, text, n);
}

void duration_format(int64_t ns, char out[DURATION_SIZE])
{
	char buf[DURATION_SIZE];
	size_t w = sizeof(buf) - 1;
	buf[w] = '\0';
	bool negative = ns < 0;
	uint64_t u = negative ? 0 - (uint64_t)ns : (uint64_t)ns;
	if (u == 0) {
		snprintf(out, DURATION_SIZE, "0s");
		return;
	}
	if (u < NS_PER_S) {
		/* One unit, the largest that keeps a digit before the point. */
		int prec = u < NS_PER_US ? 0 : u < NS_PER_MS ? 3 : 6;
		put_text(buf, &w, u < NS_PER_US ? "ns" : u < NS_PER_MS ? "\u00b5s" : "ms");
		u = put_fraction(buf, &w, u, prec);
		put_integer(buf, &w, u);
	} else {
		put_text(buf, &w, "s");
		u = put_fraction(buf, &w, u, 9); /* now whole seconds */
		put_integer(buf, &w, u % 60);
		u /= 60;
		if (u > 0) {
			put_text(buf, &w, "m");
			put_integer(buf, &w, u % 60);
			u /= 60;
			if (u > 0) {
				put_text(buf, &w, "h");
				put_integer(buf, &w, u);
			}
		}
	}
	if (negative)
		buf[--w] = '-';
	snprintf(out, DURATION_SIZE, "%s", buf + w);
}
