/*
 * volume-flags.c - the three ways to ask `run` for a mount, read as Docker reads them.
 *
 * The lecture shows "using a volume to share folder between host and container". Docker has
 * three flags for it, from the oldest to the newest:
 *
 *   -v SOURCE:TARGET[:MODE]   SOURCE is a host path when it starts with "/" (or "." : relative,
 *                             made absolute by the caller), else a volume's name; -v TARGET alone
 *                             is an anonymous volume. MODE: ro, rw, and SELinux's z/Z,
 *                             propagation and nocopy, comma-separated.
 *   --mount type=...,source=...,target=...,readonly   one key=value list, with aliases (src,
 *                             dst, destination, ro); type defaults to volume. Stricter than -v:
 *                             a bind's source must exist (volume-run.c checks).
 *   --tmpfs TARGET[:OPTIONS]  a tmpfs, its options mount(8)'s (02-namespaces/mount-options.c).
 *
 * Error messages are Docker's where Docker has one (opts/mount.go in the CLI, volume/mounts in
 * the daemon), so a message looked up on the web leads to the right answer.
 *
 * Pure: tests/unit/test_volume_flags.c. Next: volume-store.c (where volumes live).
 */
#include "volume-flags.h"
#include "container.h"
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>

bool volume_name_valid(const char *name)
{
	size_t length = strlen(name);
	if (length < 2 || length > VOLUME_NAME_MAX)
		return false;
	for (size_t i = 0; i < length; i++) {
		char ch = name[i];
		bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
		if (!alnum && (i == 0 || (ch != '_' && ch != '.' && ch != '-')))
			return false;
	}
	return true;
}

static int copy_field(char *out, size_t size, const char *text, size_t length, const char *what)
{
	if (length >= size)
		return fail_errno(0, "the %s \"%.*s\" is too long", what, (int)length, text);
	memcpy(out, text, length);
	out[length] = '\0';
	return 0;
}

/* TARGET: absolute, and not "/" (the container would lose its root). */
static int check_target(const char *spec, const char *type, const char *target)
{
	if (target[0] != '/')
		return fail_errno(0, "invalid volume specification: '%s': invalid mount config for type \"%s\": "
				     "invalid mount path: '%s' mount path must be absolute",
				  spec, type, target);
	if (target[strspn(target, "/")] == '\0')
		return fail_errno(0, "invalid volume specification: '%s': invalid mount config for type \"%s\": "
				     "invalid specification: destination can't be '/'",
				  spec, type);
	return 0;
}

/* -v's MODE: "ro", "rw", SELinux's "z"/"Z", a propagation, "nocopy", comma-separated. */
static int parse_mode(const char *mode, struct volume_request *out)
{
	static const char *const accepted[] = { "z", "Z", "private", "rprivate", "shared", "rshared",
						"slave", "rslave", "consistent", "cached", "delegated" };
	bool seen_rw = false;
	char copy[sizeof(out->mode)];
	if (copy_field(copy, sizeof(copy), mode, strlen(mode), "mode") < 0)
		return -1;
	snprintf(out->mode, sizeof(out->mode), "%s", mode);
	for (char *save = NULL, *word = strtok_r(copy, ",", &save); word; word = strtok_r(NULL, ",", &save)) {
		bool known = false;
		if (strcmp(word, "ro") == 0 || strcmp(word, "rw") == 0) {
			if (seen_rw)
				return fail_errno(0, "invalid mode: %s", mode);
			seen_rw = known = true;
			out->read_only = word[1] == 'o';
		} else if (strcmp(word, "nocopy") == 0) {
			known = out->no_copy = true;
		}
		for (size_t i = 0; !known && i < sizeof(accepted) / sizeof(accepted[0]); i++)
			known = strcmp(word, accepted[i]) == 0;
		if (!known)
			return fail_errno(0, "invalid mode: %s", mode);
	}
	return 0;
}

int parse_volume_flag(const char *text, struct volume_request *out)
{
	memset(out, 0, sizeof(*out));
	const char *parts[3];
	size_t lengths[3], count = 0;
	for (const char *p = text;; count++) {
		const char *colon = strchr(p, ':');
		if (count == 3)
			return fail_errno(0, "invalid volume specification: '%s'", text);
		parts[count] = p;
		lengths[count] = colon ? (size_t)(colon - p) : strlen(p);
		if (!colon) {
			count++;
			break;
		}
		p = colon + 1;
	}
	for (size_t i = 0; i < count; i++)
		if (lengths[i] == 0)
			return fail_errno(0, "invalid volume specification: '%s'", text);
	if (count == 1) { /* -v /data: an anonymous volume */
		out->kind = VOLUME_ANONYMOUS;
		if (copy_field(out->target, sizeof(out->target), parts[0], lengths[0], "target") < 0)
			return -1;
		return check_target(text, "volume", out->target);
	}
	if (copy_field(out->source, sizeof(out->source), parts[0], lengths[0], "source") < 0 ||
	    copy_field(out->target, sizeof(out->target), parts[1], lengths[1], "target") < 0)
		return -1;
	bool path = out->source[0] == '/' || out->source[0] == '.';
	out->kind = path ? VOLUME_BIND : VOLUME_NAMED;
	if (check_target(text, path ? "bind" : "volume", out->target) < 0)
		return -1;
	if (!path && !volume_name_valid(out->source))
		return fail_errno(0, "create %s: \"%s\" includes invalid characters for a local volume name, only "
				     "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, "
				     "use absolute path",
				  out->source, out->source);
	return count == 3 ? parse_mode(parts[2], out) : 0;
}

/* readonly, readonly=true|false|1|0 (and volume-nocopy the same way). */
static int parse_bool(const char *key, const char *value, bool *out)
{
	if (!value || strcasecmp(value, "true") == 0 || strcmp(value, "1") == 0)
		*out = true;
	else if (strcasecmp(value, "false") == 0 || strcmp(value, "0") == 0)
		*out = false;
	else
		return fail_errno(0, "invalid value for %s: %s", key, value);
	return 0;
}

/* tmpfs-size=BYTES and tmpfs-mode=OCTAL as tmpfs(5)'s size= and mode=. */
static int add_tmpfs_option(struct volume_request *out, const char *key, const char *value)
{
	size_t used = strlen(out->options);
	int n = snprintf(out->options + used, sizeof(out->options) - used, "%s%s=%s", used ? "," : "", key, value);
	if (n < 0 || (size_t)n >= sizeof(out->options) - used)
		return fail_errno(0, "the tmpfs options are too long");
	return 0;
}

static bool is_key(const char *key, const char *a, const char *b, const char *c)
{
	return strcmp(key, a) == 0 || (b && strcmp(key, b) == 0) || (c && strcmp(key, c) == 0);
}

int parse_mount_flag(const char *text, struct volume_request *out)
{
	memset(out, 0, sizeof(*out));
	char type[16] = "volume";
	char *copy = strdup(text);
	if (!copy)
		return fail_errno(0, "out of memory reading --mount");
	int rc = 0;
	bool read_only = false, no_copy = false;
	for (char *save = NULL, *field = strtok_r(copy, ",", &save); field && rc == 0;
	     field = strtok_r(NULL, ",", &save)) {
		char *value = strchr(field, '=');
		if (value)
			*value++ = '\0';
		const char *key = field;
		if (is_key(key, "readonly", "ro", NULL))
			rc = parse_bool(key, value, &read_only);
		else if (is_key(key, "volume-nocopy", NULL, NULL))
			rc = parse_bool(key, value, &no_copy);
		else if (!value)
			rc = fail_errno(0, "invalid field '%s' must be a key=value pair", key);
		else if (is_key(key, "type", NULL, NULL))
			rc = copy_field(type, sizeof(type), value, strlen(value), "type");
		else if (is_key(key, "source", "src", NULL))
			rc = copy_field(out->source, sizeof(out->source), value, strlen(value), "source");
		else if (is_key(key, "target", "dst", "destination"))
			rc = copy_field(out->target, sizeof(out->target), value, strlen(value), "target");
		else if (is_key(key, "tmpfs-size", NULL, NULL))
			rc = add_tmpfs_option(out, "size", value);
		else if (is_key(key, "tmpfs-mode", NULL, NULL))
			rc = add_tmpfs_option(out, "mode", value);
		else if (!is_key(key, "bind-propagation", "consistency", "volume-driver"))
			rc = fail_errno(0, "unexpected key '%s' in '%s=%s'", key, key, value);
	}
	free(copy);
	if (rc < 0)
		return fail_context("invalid argument \"%s\" for \"--mount\" flag", text);
	out->read_only = read_only;
	out->no_copy = no_copy;
	if (!out->target[0])
		return fail_errno(0, "invalid argument \"%s\" for \"--mount\" flag: target is required", text);
	if (strcmp(type, "bind") == 0) {
		out->kind = VOLUME_BIND;
		out->source_must_exist = true;
		if (!out->source[0])
			return fail_errno(0, "invalid mount config for type \"bind\": field Source must not be empty");
		if (out->source[0] != '/' && out->source[0] != '.')
			return fail_errno(0, "invalid mount config for type \"bind\": invalid mount path: '%s' mount path "
					     "must be absolute",
					  out->source);
	} else if (strcmp(type, "volume") == 0) {
		out->kind = out->source[0] ? VOLUME_NAMED : VOLUME_ANONYMOUS;
		if (out->source[0] && !volume_name_valid(out->source))
			return fail_errno(0, "create %s: \"%s\" includes invalid characters for a local volume name, "
					     "only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed",
					  out->source, out->source);
	} else if (strcmp(type, "tmpfs") == 0) {
		out->kind = VOLUME_TMPFS;
		if (out->source[0])
			return fail_errno(0, "invalid mount config for type \"tmpfs\": field Source must not be specified");
	} else {
		return fail_errno(0, "invalid argument \"%s\" for \"--mount\" flag: mount type \"%s\" is not supported "
				     "(bind, volume, tmpfs)",
				  text, type);
	}
	if (out->kind != VOLUME_TMPFS && out->options[0])
		return fail_errno(0, "invalid mount config for type \"%s\": tmpfs options are for type=tmpfs", type);
	return check_target(text, type, out->target);
}

int parse_tmpfs_flag(const char *text, struct volume_request *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = VOLUME_TMPFS;
	const char *colon = strchr(text, ':');
	size_t length = colon ? (size_t)(colon - text) : strlen(text);
	if (copy_field(out->target, sizeof(out->target), text, length, "target") < 0)
		return -1;
	if (colon && copy_field(out->options, sizeof(out->options), colon + 1, strlen(colon + 1), "options") < 0)
		return -1;
	if (check_target(text, "tmpfs", out->target) < 0)
		return -1;
	/* The options are checked now, not when the container starts. */
	unsigned long flags;
	char data[sizeof(out->options)];
	if (tmpfs_mount_options(out->options, &flags, data, sizeof(data)) < 0)
		return fail_context("--tmpfs %s", text);
	out->read_only = (flags & MS_RDONLY) != 0;
	return 0;
}
