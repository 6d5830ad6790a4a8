/*
 * http-target.c - what a request asks for: its path, its query, the byte range it wants.
 *
 * Lecture: "Docker Hub (for distributing containers)". A registry request names its
 * object in the target, "/v2/shop/web/blobs/uploads/3f2a?digest=sha256%3A4f...", and
 * some requests name a part of it, "Range: bytes=1048576-" to resume a download.
 *
 * Percent-decoding happens once, here, before routing: a path is compared and validated
 * in its decoded form only, so "%2e%2e" cannot pass as something other than "..", and
 * "%00" is refused, since a NUL would cut the C string that later names a file.
 * (CVE-2021-41773, Apache httpd's path traversal, came from checking a path before
 * decoding it.)
 *
 * Read next: registry-routes.c, which turns a decoded path into a registry operation.
 */
#include "http-message.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int http_percent_decode(const char *in, size_t size, bool plus_is_space, char *out, size_t out_size)
{
	size_t o = 0;
	for (size_t i = 0; i < size; i++) {
		char c = in[i];
		if (c == '%') {
			if (i + 2 >= size)
				return -1;
			int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return -1;
			c = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+' && plus_is_space) {
			c = ' ';
		} else if (c == '\0') {
			return -1;
		}
		if (o + 1 >= out_size)
			return -1;
		out[o++] = c;
	}
	if (o >= out_size)
		return -1;
	out[o] = '\0';
	return 0;
}

int http_split_target(const char *target, char *path, size_t path_size, const char **query)
{
	/* absolute-form (RFC 9112 section 3.2.2): a server MUST accept it; the authority is
	 * ignored, since this server answers for one host only. */
	if (strncasecmp(target, "http://", 7) == 0 || strncasecmp(target, "https://", 8) == 0) {
		target = strchr(target, ':') + 3;
		target += strcspn(target, "/?");
		if (*target != '/')
			return -1;
	}
	if (target[0] != '/')
		return -1; /* origin-form only: "*" and authority-form mean nothing to a registry */
	size_t len = strcspn(target, "?#");
	if (target[len] == '#')
		return -1; /* a fragment is never sent (RFC 9110 section 4.2.4) */
	*query = target[len] == '?' ? target + len + 1 : "";
	return http_percent_decode(target, len, false, path, path_size);
}

const char *http_location_target(const char *location)
{
	if (strncasecmp(location, "http://", 7) == 0 || strncasecmp(location, "https://", 8) == 0) {
		location = strchr(location, ':') + 3;
		location += strcspn(location, "/?#");
	}
	if (location[0] != '/')
		return NULL;
	for (const char *c = location; *c; c++)
		if ((unsigned char)*c <= 0x20 || *c == 0x7f)
			return NULL; /* it goes into a request line as it is */
	return location;
}

int http_query_get(const char *query, const char *key, char *out, size_t out_size)
{
	size_t key_len = strlen(key);
	const char *s = query;
	while (*s) {
		size_t len = strcspn(s, "&");
		size_t name_len = strcspn(s, "=&");
		if (name_len == key_len && strncmp(s, key, key_len) == 0) {
			const char *v = s + name_len;
			size_t v_len = len - name_len;
			if (*v == '=') {
				v++;
				v_len--;
			}
			return http_percent_decode(v, v_len, true, out, out_size) < 0 ? -1 : 1;
		}
		s += len;
		if (*s == '&')
			s++;
	}
	return 0;
}

/* Parse a decimal number of 1..19 digits from *s, advancing it. */
static int take_number(const char **s, uint64_t *value)
{
	const char *c = *s;
	uint64_t v = 0;
	while (isdigit((unsigned char)*c)) {
		if (c - *s >= 18)
			return -1;
		v = v * 10 + (uint64_t)(*c++ - '0');
	}
	if (c == *s)
		return -1;
	*s = c;
	*value = v;
	return 0;
}

enum http_range_result http_parse_range(const char *value, uint64_t size, uint64_t *first, uint64_t *last)
{
	/* RFC 9110 section 14.2: a Range that is malformed, in another unit, or asks for
	 * several ranges may be ignored; the whole body is then sent with 200. */
	if (!value || strncasecmp(value, "bytes=", 6) != 0)
		return HTTP_RANGE_WHOLE;
	const char *s = value + 6;
	while (*s == ' ' || *s == '\t')
		s++;
	uint64_t a = 0, b = 0;
	bool suffix = *s == '-', open_end = false;
	if (suffix) {
		s++;
		if (take_number(&s, &b) < 0)
			return HTTP_RANGE_WHOLE;
	} else {
		if (take_number(&s, &a) < 0 || *s++ != '-')
			return HTTP_RANGE_WHOLE;
		if (isdigit((unsigned char)*s)) {
			if (take_number(&s, &b) < 0 || b < a)
				return HTTP_RANGE_WHOLE;
		} else {
			open_end = true;
		}
	}
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s != '\0')
		return HTTP_RANGE_WHOLE; /* "bytes=0-1,5-6": more than one range */
	if (suffix) {
		/* "bytes=-N": the last N bytes. */
		if (b == 0 || size == 0)
			return HTTP_RANGE_UNSATISFIABLE;
		*first = b >= size ? 0 : size - b;
		*last = size - 1;
		return HTTP_RANGE_PARTIAL;
	}
	if (a >= size)
		return HTTP_RANGE_UNSATISFIABLE;
	*first = a;
	*last = open_end || b >= size ? size - 1 : b;
	return HTTP_RANGE_PARTIAL;
}

int http_parse_content_range(const char *value, uint64_t *first, uint64_t *last)
{
	const char *s = value;
	if (strncasecmp(s, "bytes ", 6) == 0)
		s += 6;
	if (take_number(&s, first) < 0 || *s++ != '-' || take_number(&s, last) < 0 || *last < *first)
		return -1;
	if (*s == '/') {
		s++;
		uint64_t total;
		if (*s == '*')
			s++;
		else if (take_number(&s, &total) < 0 || total <= *last)
			return -1;
	}
	return *s == '\0' ? 0 : -1;
}
