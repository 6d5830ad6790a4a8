/*
 * image-config.c - Dockerfile-style instructions applied to an image's settings (image-config.h).
 *
 * Only the instructions that change metadata: they are what `--change` accepts (Docker's
 * commit/import documentation lists CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME,
 * WORKDIR). The two forms of CMD and ENTRYPOINT are Docker's: a JSON array is the exact argv
 * ("exec form"); anything else is a shell command, run as /bin/sh -c "..." ("shell form").
 *
 * Read next: image-store.c.
 */
#include "image-config.h"
#include "error.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *skip_spaces(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Exec form (a JSON array of strings) or shell form. */
static struct json *command_value(const char *text)
{
	struct json *parsed = *text == '[' ? json_parse(text, strlen(text)) : NULL;
	if (parsed) {
		bool strings = json_is(parsed, JSON_ARRAY);
		json_for_each(item, parsed)
			strings = strings && json_is(item, JSON_STRING);
		if (strings)
			return parsed;
		json_free(parsed);
	}
	error_clear();
	struct json *argv = json_new_array();
	if (!argv || !json_append(argv, json_new_string("/bin/sh")) || !json_append(argv, json_new_string("-c")) ||
	    !json_append(argv, json_new_string(text))) {
		json_free(argv);
		return NULL;
	}
	return argv;
}

/* Words separated by spaces; "KEY=VALUE" or the old "KEY VALUE" form for ENV and LABEL. */
static int key_values(struct json *settings, const char *member, const char *text, bool env)
{
	struct json *target = json_get(settings, member);
	if (!json_is(target, env ? JSON_ARRAY : JSON_OBJECT) &&
	    !(target = json_set(settings, member, env ? json_new_array() : json_new_object())))
		return -1;
	char pairs[64][2][1024];
	size_t n = 0;
	if (!strchr(text, '=')) { /* ENV KEY VALUE (the whole rest is the value) */
		const char *space = strpbrk(text, " \t");
		if (!space)
			return fail_errno(0, "%s needs KEY=VALUE", env ? "ENV" : "LABEL");
		snprintf(pairs[0][0], sizeof(pairs[0][0]), "%.*s", (int)(space - text), text);
		snprintf(pairs[0][1], sizeof(pairs[0][1]), "%s", skip_spaces(space));
		n = 1;
	} else {
		for (const char *p = skip_spaces(text); *p && n < 64; p = skip_spaces(p)) {
			const char *eq = strchr(p, '=');
			if (!eq)
				return fail_errno(0, "%s: \"%s\" is not KEY=VALUE", env ? "ENV" : "LABEL", p);
			snprintf(pairs[n][0], sizeof(pairs[n][0]), "%.*s", (int)(eq - p), p);
			p = eq + 1;
			size_t len = 0;
			char quote = (*p == '"' || *p == '\'') ? *p++ : 0;
			while (*p && (quote ? *p != quote : (*p != ' ' && *p != '\t')) && len < sizeof(pairs[n][1]) - 1)
				pairs[n][1][len++] = *p++;
			pairs[n][1][len] = '\0';
			if (quote && *p == quote)
				p++;
			n++;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!env) {
			if (!json_set(target, pairs[i][0], json_new_string(pairs[i][1])))
				return -1;
			continue;
		}
		char entry[2100];
		snprintf(entry, sizeof(entry), "%s=%s", pairs[i][0], pairs[i][1]);
		size_t keylen = strlen(pairs[i][0]);
		struct json *old = NULL;
		json_for_each(e, target)
			if (json_is(e, JSON_STRING) && strncmp(e->text, pairs[i][0], keylen) == 0 && e->text[keylen] == '=')
				old = e;
		if (old) { /* replace in place, keeping the order */
			struct json *value = json_new_string(entry);
			if (!value)
				return -1;
			free(old->text);
			old->text = value->text;
			old->length = value->length;
			value->text = NULL;
			json_free(value);
		} else if (!json_append(target, json_new_string(entry))) {
			return -1;
		}
	}
	return 0;
}

static int expose(struct json *settings, const char *text)
{
	struct json *ports = json_get(settings, "ExposedPorts");
	if (!json_is(ports, JSON_OBJECT) && !(ports = json_set(settings, "ExposedPorts", json_new_object())))
		return -1;
	for (const char *p = skip_spaces(text); *p; p = skip_spaces(p)) {
		char word[64], key[80];
		size_t len = strcspn(p, " \t");
		snprintf(word, sizeof(word), "%.*s", (int)len, p);
		p += len;
		char *end;
		long port = strtol(word, &end, 10);
		if (port < 1 || port > 65535 || (*end && strcmp(end, "/tcp") && strcmp(end, "/udp") && strcmp(end, "/sctp")))
			return fail_errno(0, "EXPOSE: \"%s\" is not PORT[/tcp|/udp|/sctp]", word);
		snprintf(key, sizeof(key), "%ld%s", port, *end ? end : "/tcp");
		if (!json_set(ports, key, json_new_object()))
			return -1;
	}
	return 0;
}

int image_config_change(struct json *settings, const char *instruction)
{
	const char *p = skip_spaces(instruction);
	size_t len = strcspn(p, " \t");
	char word[16];
	if (len == 0 || len >= sizeof(word))
		return fail_errno(0, "--change \"%s\": no instruction", instruction);
	snprintf(word, sizeof(word), "%.*s", (int)len, p);
	const char *arg = skip_spaces(p + len);
	if (!*arg)
		return fail_errno(0, "--change \"%s\": %s needs an argument", instruction, word);
	int rc;
	if (strcasecmp(word, "CMD") == 0 || strcasecmp(word, "ENTRYPOINT") == 0) {
		rc = json_set(settings, strcasecmp(word, "CMD") == 0 ? "Cmd" : "Entrypoint", command_value(arg)) ? 0 : -1;
	} else if (strcasecmp(word, "ENV") == 0) {
		rc = key_values(settings, "Env", arg, true);
	} else if (strcasecmp(word, "LABEL") == 0) {
		rc = key_values(settings, "Labels", arg, false);
	} else if (strcasecmp(word, "WORKDIR") == 0) {
		rc = *arg == '/' ? (json_set(settings, "WorkingDir", json_new_string(arg)) ? 0 : -1)
				 : fail_errno(0, "WORKDIR \"%s\" is not absolute", arg);
	} else if (strcasecmp(word, "USER") == 0) {
		rc = json_set(settings, "User", json_new_string(arg)) ? 0 : -1;
	} else if (strcasecmp(word, "STOPSIGNAL") == 0) {
		rc = json_set(settings, "StopSignal", json_new_string(arg)) ? 0 : -1;
	} else if (strcasecmp(word, "EXPOSE") == 0) {
		rc = expose(settings, arg);
	} else if (strcasecmp(word, "VOLUME") == 0) {
		struct json *volumes = json_get(settings, "Volumes");
		if (!json_is(volumes, JSON_OBJECT))
			volumes = json_set(settings, "Volumes", json_new_object());
		struct json *list = command_value(arg); /* ["/a","/b"], or one path */
		rc = volumes && list ? 0 : -1;
		if (list && *arg == '[') {
			json_for_each(v, list)
				if (rc == 0 && !json_set(volumes, v->text, json_new_object()))
					rc = -1;
		} else if (list && !json_set(volumes, arg, json_new_object())) {
			rc = -1;
		}
		json_free(list);
	} else {
		return fail_errno(0, "--change \"%s\": %s is not one of CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, "
				     "VOLUME, WORKDIR, STOPSIGNAL", instruction, word);
	}
	return rc < 0 ? fail_context("--change \"%s\"", instruction) : 0;
}

const char *image_config_env(const struct json *settings, const char *name)
{
	size_t len = strlen(name);
	const char *found = NULL;
	json_for_each(e, json_get(settings, "Env"))
		if (json_is(e, JSON_STRING) && strncmp(e->text, name, len) == 0 && e->text[len] == '=')
			found = e->text + len + 1;
	return found;
}

const char **image_config_strings(const struct json *node, size_t *count)
{
	*count = 0;
	if (!json_is(node, JSON_ARRAY) || node->count == 0)
		return NULL;
	const char **v = calloc(node->count + 1, sizeof(*v));
	if (!v)
		return NULL;
	json_for_each(item, node) {
		if (!json_is(item, JSON_STRING)) {
			free(v);
			*count = 0;
			return NULL;
		}
		v[(*count)++] = item->text;
	}
	return v;
}
