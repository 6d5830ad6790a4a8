/*
 * reference.c - naming images: repository, tag and digest.
 *
 * Lecture: images are "stored in a (private or public) Docker registry", "images identified
 * by pairs repository:tag". A reference packs four
 * things into one string:
 *
 *     localhost:5000/shop/web:1.0@sha256:4f2a...
 *     \____________/ \______/ \_/ \___________/
 *        registry      path   tag    digest
 *
 * and most of them may be left out: "busybox" means docker.io/library/busybox:latest. The
 * first component is a registry only if it looks like a host: it contains a '.' or a ':' or is
 * "localhost" (so "shop/web" is a path on Docker Hub, "localhost:5000/shop/web" is not).
 * A tag is a movable name; a digest names content and never moves (chapter 05's README).
 * The grammar is the one the OCI distribution spec and Docker's reference package document.
 */
#include "reference.h"
#include "error.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* over [begin, end) */
static bool path_component_valid(const char *begin, const char *end)
{
	const char *p = begin;
	if (p == end || !is_lower_alnum(*p))
		return false;
	while (p < end) {
		while (p < end && is_lower_alnum(*p))
			p++;
		if (p == end)
			return true;
		/* a separator: ".", "_", "__" or one or more "-" */
		if (*p == '.') {
			p++;
		} else if (*p == '_') {
			p++;
			if (p < end && *p == '_')
				p++;
		} else if (*p == '-') {
			while (p < end && *p == '-')
				p++;
		} else {
			return false;
		}
		if (p == end || !is_lower_alnum(*p))
			return false;
	}
	return true;
}

bool repository_path_valid(const char *path)
{
	if (strlen(path) > 255)
		return false;
	const char *begin = path;
	for (;;) {
		const char *slash = strchr(begin, '/');
		const char *end = slash ? slash : begin + strlen(begin);
		if (!path_component_valid(begin, end))
			return false;
		if (!slash)
			return true;
		begin = slash + 1;
	}
}

bool tag_valid(const char *tag)
{
	size_t len = strlen(tag);
	if (len == 0 || len > 128 || !(isalnum((unsigned char)tag[0]) || tag[0] == '_'))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!isalnum((unsigned char)tag[i]) && !strchr("_.-", tag[i]))
			return false;
	return true;
}

bool digest_valid(const char *digest)
{
	if (strncmp(digest, "sha256:", 7) != 0 || strlen(digest) != 7 + 64)
		return false;
	for (const char *p = digest + 7; *p; p++)
		if (!isdigit((unsigned char)*p) && !(*p >= 'a' && *p <= 'f'))
			return false;
	return true;
}

/* A registry host: letters, digits, '-' and '.', an optional :port; or "localhost". */
static bool domain_valid(const char *domain)
{
	const char *colon = strchr(domain, ':');
	size_t host_len = colon ? (size_t)(colon - domain) : strlen(domain);
	if (host_len == 0)
		return false;
	for (size_t i = 0; i < host_len; i++)
		if (!isalnum((unsigned char)domain[i]) && domain[i] != '-' && domain[i] != '.')
			return false;
	if (colon) {
		if (!colon[1] || strlen(colon + 1) > 5)
			return false;
		for (const char *p = colon + 1; *p; p++)
			if (!isdigit((unsigned char)*p))
				return false;
	}
	return true;
}

int reference_parse(const char *text, struct image_reference *ref)
{
	memset(ref, 0, sizeof(*ref));
	char buf[600];
	if (strlen(text) >= sizeof(buf) || !*text)
		return fail_errno(0, "invalid reference \"%s\": empty or too long", text);
	snprintf(buf, sizeof(buf), "%s", text);

	/* digest: everything after '@' */
	char *at = strchr(buf, '@');
	if (at) {
		*at = '\0';
		if (!digest_valid(at + 1))
			return fail_errno(0, "invalid reference \"%s\": \"%s\" is not a sha256 digest", text, at + 1);
		snprintf(ref->digest, sizeof(ref->digest), "%s", at + 1);
	}
	/* tag: after the last ':' that comes after the last '/' (a ':' before it is a port) */
	char *slash = strrchr(buf, '/');
	char *colon = strrchr(slash ? slash : buf, ':');
	if (colon) {
		*colon = '\0';
		if (!tag_valid(colon + 1))
			return fail_errno(0, "invalid reference \"%s\": \"%s\" is not a valid tag", text, colon + 1);
		snprintf(ref->tag, sizeof(ref->tag), "%s", colon + 1);
	} else if (!at) {
		snprintf(ref->tag, sizeof(ref->tag), DEFAULT_TAG);
	}
	/* registry: the first component, if it looks like a host */
	char *name = buf;
	char *first_slash = strchr(buf, '/');
	if (first_slash && (memchr(buf, '.', (size_t)(first_slash - buf)) || memchr(buf, ':', (size_t)(first_slash - buf)) ||
			    strncmp(buf, "localhost/", 10) == 0)) {
		*first_slash = '\0';
		if (!domain_valid(buf))
			return fail_errno(0, "invalid reference \"%s\": \"%s\" is not a registry address", text, buf);
		snprintf(ref->domain, sizeof(ref->domain), "%s", buf);
		name = first_slash + 1;
	} else {
		snprintf(ref->domain, sizeof(ref->domain), DEFAULT_REGISTRY);
	}
	if (!repository_path_valid(name))
		return fail_errno(0,
				  "invalid reference \"%s\": repository \"%s\" must be lowercase letters, digits and "
				  "separators (. _ __ -), in components separated by /",
				  text, name);
	/* Docker Hub's official images live under library/ */
	if (strcmp(ref->domain, DEFAULT_REGISTRY) == 0 && !strchr(name, '/'))
		snprintf(ref->path, sizeof(ref->path), "library/%s", name);
	else
		snprintf(ref->path, sizeof(ref->path), "%s", name);
	return 0;
}

void reference_repository(const struct image_reference *ref, char *out, size_t size)
{
	if (strcmp(ref->domain, DEFAULT_REGISTRY) != 0)
		snprintf(out, size, "%s/%s", ref->domain, ref->path);
	else if (strncmp(ref->path, "library/", 8) == 0 && !strchr(ref->path + 8, '/'))
		snprintf(out, size, "%s", ref->path + 8);
	else
		snprintf(out, size, "%s", ref->path);
}

static void append_tag_and_digest(const struct image_reference *ref, char *out, size_t size)
{
	size_t n = strlen(out);
	if (ref->tag[0])
		n += (size_t)snprintf(out + n, size > n ? size - n : 0, ":%s", ref->tag);
	if (ref->digest[0] && n < size)
		snprintf(out + n, size - n, "@%s", ref->digest);
}

void reference_familiar(const struct image_reference *ref, char *out, size_t size)
{
	reference_repository(ref, out, size);
	append_tag_and_digest(ref, out, size);
}

void reference_canonical(const struct image_reference *ref, char *out, size_t size)
{
	snprintf(out, size, "%s/%s", ref->domain, ref->path);
	append_tag_and_digest(ref, out, size);
}
