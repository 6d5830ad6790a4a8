/*
 * build-config.c - the Dockerfile instructions that change the config, not the files.
 *
 * An image is files (layers) and a config: what to run and how (OCI image spec, config.md).
 * Of the Dockerfile's instructions only RUN, COPY and ADD make layers; every other one edits
 * the config's "config" object, one member each:
 *
 *     CMD ["httpd","-f"]        Cmd          ENTRYPOINT ["/hello"]   Entrypoint
 *     ENV A=1                   Env          LABEL k=v               Labels
 *     EXPOSE 80                 ExposedPorts VOLUME /data            Volumes
 *     USER www                  User         WORKDIR /app            WorkingDir
 *     SHELL ["/bin/bash","-c"]  Shell        STOPSIGNAL SIGINT       StopSignal
 *     HEALTHCHECK CMD ...       Healthcheck  ONBUILD RUN ...         OnBuild
 *
 * The shell form of CMD and ENTRYPOINT becomes the stage's SHELL with the text as its last
 * argument. The reference's table "Understand how CMD and ENTRYPOINT interact" follows from
 * how `run` joins them (image-run.c: Entrypoint then Cmd); the one rule of the build itself:
 * "If CMD is defined from the base image, setting ENTRYPOINT will reset CMD to an empty
 * value" (a CMD of this stage stays).
 *
 * Words are expanded (expand.h) for the instructions the reference lists under "Environment
 * replacement"; CMD, ENTRYPOINT and HEALTHCHECK are not: their shell does it when they run.
 */
#include "build-config.h"
#include "build-plan.h"
#include "error.h"
#include "oci.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool build_config_instruction(enum instruction_kind kind)
{
	return kind != INSTRUCTION_FROM && kind != INSTRUCTION_RUN && kind != INSTRUCTION_COPY &&
	       kind != INSTRUCTION_ADD && kind != INSTRUCTION_ARG;
}

/* --- descriptions: how the history shows a step --------------------------------------------- */

/* A growing string. */
struct text {
	char *s;
	size_t length, size;
};

static int text_add(struct text *t, const char *piece)
{
	size_t n = strlen(piece);
	if (t->length + n + 1 > t->size) {
		size_t size = (t->length + n + 1) * 2;
		char *s = realloc(t->s, size);
		if (!s)
			return fail_errno(0, "out of memory");
		t->s = s;
		t->size = size;
	}
	memcpy(t->s + t->length, piece, n + 1);
	t->length += n;
	return 0;
}

/* Go's %q of a string list, as Docker prints exec forms in history: ["httpd" "-f"]. */
static int text_add_list(struct text *t, const struct json *array)
{
	int rc = text_add(t, "[");
	json_for_each(item, array) {
		rc = rc < 0 ? rc : text_add(t, item == array->first ? "\"" : " \"");
		rc = rc < 0 ? rc : text_add(t, item->text);
		rc = rc < 0 ? rc : text_add(t, "\"");
	}
	return rc < 0 ? rc : text_add(t, "]");
}

/* --- the members --------------------------------------------------------------------------- */

struct json *build_shell_command(const struct json *settings, const char *text)
{
	struct json *argv = json_new_array();
	const struct json *shell = json_get(settings, "Shell");
	if (json_is(shell, JSON_ARRAY) && shell->count > 0) {
		json_for_each(word, shell)
			if (argv && !json_append(argv, json_new_string(word->text)))
				argv = NULL;
	} else if (argv && (!json_append(argv, json_new_string("/bin/sh")) || !json_append(argv, json_new_string("-c")))) {
		argv = NULL;
	}
	if (argv && !json_append(argv, json_new_string(text)))
		argv = NULL;
	return argv;
}

/* CMD, ENTRYPOINT, SHELL, HEALTHCHECK CMD: the exec form's strings, or the shell form. */
static struct json *command_of(const struct json *settings, const struct instruction *in, size_t from)
{
	if (!in->json)
		return in->arg_count > from ? build_shell_command(settings, in->args[from]) : json_new_array();
	struct json *argv = json_new_array();
	for (size_t i = from; argv && i < in->arg_count; i++)
		if (!json_append(argv, json_new_string(in->args[i])))
			argv = NULL;
	return argv;
}

/* ENV a=1 b=2 and LABEL: pairs of words, all expanded before any is set (the reference: in
 * `ENV abc=bye def=$abc`, def gets the value abc had before this instruction). */
static int pairs(struct json *settings, const struct instruction *in, const struct expand_env *env, char escape,
		 struct text *t)
{
	bool is_env = in->kind == INSTRUCTION_ENV;
	if (in->arg_count == 0 || in->arg_count % 2)
		return fail_errno(0, "Dockerfile line %d: %s requires at least one argument", in->line,
				  is_env ? "ENV" : "LABEL");
	const char *member = is_env ? "Env" : "Labels";
	struct json *target = json_get(settings, member);
	if (!json_is(target, is_env ? JSON_ARRAY : JSON_OBJECT) &&
	    !(target = json_set(settings, member, is_env ? json_new_array() : json_new_object())))
		return -1;
	char **words = calloc(in->arg_count, sizeof(*words));
	int rc = words ? 0 : fail_errno(0, "out of memory");
	for (size_t i = 0; i < in->arg_count && rc == 0; i++)
		if (expand_word(in->args[i], escape, env, &words[i]) < 0)
			rc = fail_context("Dockerfile line %d", in->line);
	for (size_t i = 0; i + 1 < in->arg_count && rc == 0; i += 2) {
		if (!*words[i]) {
			rc = fail_errno(0, "Dockerfile line %d: %s names must not be empty", in->line, in->keyword);
			break;
		}
		rc = text_add(t, i ? " " : "");
		rc = rc < 0 ? rc : text_add(t, words[i]);
		rc = rc < 0 ? rc : text_add(t, "=");
		rc = rc < 0 ? rc : text_add(t, words[i + 1]);
		if (rc < 0)
			break;
		if (!is_env) {
			rc = json_set(target, words[i], json_new_string(words[i + 1])) ? 0 : -1;
			continue;
		}
		size_t length = strlen(words[i]);
		char *entry = malloc(length + strlen(words[i + 1]) + 2);
		if (!entry) {
			rc = fail_errno(0, "out of memory");
			break;
		}
		sprintf(entry, "%s=%s", words[i], words[i + 1]);
		struct json *old = NULL;
		json_for_each(e, target)
			if (json_is(e, JSON_STRING) && strncmp(e->text, words[i], length) == 0 && e->text[length] == '=')
				old = e;
		struct json *value = json_new_string(entry);
		free(entry);
		if (!value) {
			rc = -1;
		} else if (old) { /* replaced in place: the order of Env stays */
			free(old->text);
			old->text = value->text;
			old->length = value->length;
			value->text = NULL;
			json_free(value);
		} else if (!json_append(target, value)) {
			rc = -1;
		}
	}
	for (size_t i = 0; words && i < in->arg_count; i++)
		free(words[i]);
	free(words);
	return rc;
}

/* Expanded whitespace-separated words of all arguments (EXPOSE, VOLUME, USER, ...). */
static int expanded_words(const struct instruction *in, const struct expand_env *env, char escape, char ***words,
			  size_t *count)
{
	struct text all = { 0 };
	int rc = 0;
	for (size_t i = 0; i < in->arg_count && rc == 0; i++) {
		rc = text_add(&all, i ? " " : "");
		rc = rc < 0 ? rc : text_add(&all, in->args[i]);
	}
	if (rc == 0 && expand_words(all.s ? all.s : "", escape, env, words, count) < 0)
		rc = fail_context("Dockerfile line %d", in->line);
	free(all.s);
	return rc;
}

/* EXPOSE 80 80/tcp 53/udp 8000-8002: each port, with /tcp when no protocol is given. */
static int expose(struct json *settings, const struct instruction *in, char **words, size_t count, struct text *t)
{
	struct json *ports = json_get(settings, "ExposedPorts");
	if (!json_is(ports, JSON_OBJECT) && !(ports = json_set(settings, "ExposedPorts", json_new_object())))
		return -1;
	for (size_t i = 0; i < count; i++) {
		char *end, *slash = strchr(words[i], '/');
		const char *protocol = slash ? slash + 1 : "tcp";
		long first = strtol(words[i], &end, 10), last = first;
		if (*end == '-')
			last = strtol(end + 1, &end, 10);
		if (first < 1 || last > 65535 || last < first || (*end && *end != '/') ||
		    (strcasecmp(protocol, "tcp") && strcasecmp(protocol, "udp") && strcasecmp(protocol, "sctp")))
			return fail_errno(0, "Dockerfile line %d: invalid containerPort: %s", in->line, words[i]);
		for (long port = first; port <= last; port++) {
			char key[32];
			snprintf(key, sizeof(key), "%ld/%s", port, protocol);
			for (char *p = key; *p; p++)
				*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
			if (!json_set(ports, key, json_new_object()))
				return -1;
		}
		if (text_add(t, i ? " " : "") < 0 || text_add(t, words[i]) < 0)
			return -1;
	}
	return 0;
}

static int volumes(struct json *settings, char **words, size_t count, struct text *t)
{
	struct json *set = json_get(settings, "Volumes");
	if (!json_is(set, JSON_OBJECT) && !(set = json_set(settings, "Volumes", json_new_object())))
		return -1;
	int rc = text_add(t, "[");
	for (size_t i = 0; i < count && rc == 0; i++) {
		if (!json_set(set, words[i], json_new_object()))
			return -1;
		rc = text_add(t, i ? " " : "");
		rc = rc < 0 ? rc : text_add(t, words[i]);
	}
	return rc < 0 ? rc : text_add(t, "]");
}

/* HEALTHCHECK [--interval=D --timeout=D --start-period=D --start-interval=D --retries=N] CMD ...
 * or NONE, stored as Docker stores it: Healthcheck {Test, Interval, Timeout, StartPeriod,
 * StartInterval, Retries}, durations in nanoseconds, zero values left out. */
static int healthcheck(struct json *settings, const struct instruction *in, struct text *t)
{
	struct json *check = json_new_object();
	struct json *test = json_new_array();
	if (!check || !test) {
		json_free(check);
		json_free(test);
		return -1;
	}
	json_add(check, "Test", test);
	bool none = in->arg_count >= 1 && strcasecmp(in->args[0], "NONE") == 0;
	int rc = 0;
	if (none) {
		rc = json_append(test, json_new_string("NONE")) ? 0 : -1;
	} else if (in->arg_count < 2 || strcasecmp(in->args[0], "CMD") != 0) {
		rc = fail_errno(0, "Dockerfile line %d: HEALTHCHECK needs CMD and a command, or NONE", in->line);
	} else if (in->json) {
		rc = json_append(test, json_new_string("CMD")) ? 0 : -1;
		for (size_t i = 1; i < in->arg_count && rc == 0; i++)
			rc = json_append(test, json_new_string(in->args[i])) ? 0 : -1;
	} else {
		rc = json_append(test, json_new_string("CMD-SHELL")) && json_append(test, json_new_string(in->args[1]))
			     ? 0
			     : -1;
	}
	static const struct {
		const char *flag, *member;
	} durations[] = { { "interval", "Interval" },
			  { "timeout", "Timeout" },
			  { "start-period", "StartPeriod" },
			  { "start-interval", "StartInterval" } };
	for (size_t i = 0; i < sizeof(durations) / sizeof(durations[0]) && rc == 0 && !none; i++) {
		const char *value = instruction_flag(in, durations[i].flag);
		int64_t ns;
		if (!value)
			continue;
		if (go_duration_parse(value, &ns) < 0)
			rc = fail_context("Dockerfile line %d: --%s", in->line, durations[i].flag);
		else if (ns != 0 && !json_add_int(check, durations[i].member, ns))
			rc = -1;
	}
	const char *retries = instruction_flag(in, "retries");
	if (rc == 0 && retries && !none) {
		char *end;
		long n = strtol(retries, &end, 10);
		if (*end || n < 0)
			rc = fail_errno(0, "Dockerfile line %d: --retries must be a whole number: %s", in->line, retries);
		else if (n > 0 && !json_add_int(check, "Retries", n))
			rc = -1;
	}
	rc = rc < 0 ? rc : text_add(t, "HEALTHCHECK &{");
	rc = rc < 0 ? rc : text_add_list(t, test);
	rc = rc < 0 ? rc : text_add(t, "}");
	if (rc < 0) {
		json_free(check);
		return -1;
	}
	return json_set(settings, "Healthcheck", check) ? 0 : -1; /* takes check, moved or not */
}

/* The text of ONBUILD's instruction, as written after the keyword ("RUN make"). */
static const char *onbuild_text(const struct instruction *in)
{
	const char *p = in->original + strspn(in->original, " \t");
	p += strcspn(p, " \t");
	return p + strspn(p, " \t");
}

char *build_workdir_join(const char *current, const char *path)
{
	size_t size = strlen(path) + (current ? strlen(current) : 0) + 3;
	char *joined = malloc(size), *clean = malloc(size);
	if (!joined || !clean) {
		free(joined);
		free(clean);
		return NULL;
	}
	snprintf(joined, size, "%s/%s", path[0] == '/' || !current ? "" : current, path);
	/* Clean as Go's path.Clean: no empty or "." elements, ".." removes the one before it. */
	size_t n = 0;
	for (char *save, *e = strtok_r(joined, "/", &save); e; e = strtok_r(NULL, "/", &save)) {
		if (strcmp(e, ".") == 0)
			continue;
		if (strcmp(e, "..") == 0) {
			while (n > 0 && clean[--n] != '/')
				;
			continue;
		}
		clean[n++] = '/';
		memcpy(clean + n, e, strlen(e));
		n += strlen(e);
	}
	if (n == 0)
		clean[n++] = '/';
	clean[n] = '\0';
	free(joined);
	return clean;
}

/* --- one instruction ----------------------------------------------------------------------- */

static int apply(struct json *config, struct json *settings, const struct instruction *in,
		 const struct expand_env *env, char escape, struct config_step_state *state, struct text *t)
{
	char **words = NULL;
	size_t count = 0;
	int rc = 0;
	const char *keyword = in->kind == INSTRUCTION_MAINTAINER ? "MAINTAINER" : NULL;
	switch (in->kind) {
	case INSTRUCTION_CMD:
	case INSTRUCTION_ENTRYPOINT: {
		bool cmd = in->kind == INSTRUCTION_CMD;
		struct json *argv = command_of(settings, in, 0);
		/* Described first: json_set may move argv's contents into the member it replaces. */
		rc = argv ? text_add(t, cmd ? "CMD " : "ENTRYPOINT ") : -1;
		rc = rc < 0 ? rc : text_add_list(t, argv);
		if (rc < 0 || !json_set(settings, cmd ? "Cmd" : "Entrypoint", argv))
			return -1;
		if (cmd)
			state->cmd_set = true;
		else if (!state->cmd_set && !json_set(settings, "Cmd", json_new_null()))
			return -1;
		return 0;
	}
	case INSTRUCTION_SHELL: {
		if (!in->json || in->arg_count == 0)
			return fail_errno(0, "Dockerfile line %d: SHELL requires the arguments to be in JSON form",
					  in->line);
		struct json *argv = command_of(settings, in, 0);
		rc = argv ? text_add(t, "SHELL ") : -1;
		rc = rc < 0 ? rc : text_add_list(t, argv);
		return rc < 0 || !json_set(settings, "Shell", argv) ? -1 : 0;
	}
	case INSTRUCTION_ENV:
	case INSTRUCTION_LABEL:
		rc = text_add(t, in->kind == INSTRUCTION_ENV ? "ENV " : "LABEL ");
		return rc < 0 ? rc : pairs(settings, in, env, escape, t);
	case INSTRUCTION_HEALTHCHECK:
		return healthcheck(settings, in, t);
	case INSTRUCTION_ONBUILD: {
		struct json *triggers = json_get(settings, "OnBuild");
		if (!json_is(triggers, JSON_ARRAY) && !(triggers = json_set(settings, "OnBuild", json_new_array())))
			return -1;
		if (!json_append(triggers, json_new_string(onbuild_text(in))))
			return -1;
		rc = text_add(t, "ONBUILD ");
		return rc < 0 ? rc : text_add(t, onbuild_text(in));
	}
	default:
		break;
	}
	/* The rest take words, expanded. */
	if (in->json && in->kind == INSTRUCTION_VOLUME) {
		words = calloc(in->arg_count + 1, sizeof(*words));
		for (size_t i = 0; words && i < in->arg_count; i++)
			if (expand_word(in->args[i], escape, env, &words[count++]) < 0)
				rc = fail_context("Dockerfile line %d", in->line);
		if (!words)
			return fail_errno(0, "out of memory");
	} else {
		rc = expanded_words(in, env, escape, &words, &count);
	}
	if (rc == 0 && count == 0)
		rc = fail_errno(0, "Dockerfile line %d: %s requires at least one argument", in->line, in->keyword);
	if (rc < 0)
		goto out;
	switch (in->kind) {
	case INSTRUCTION_EXPOSE:
		rc = text_add(t, "EXPOSE ");
		rc = rc < 0 ? rc : expose(settings, in, words, count, t);
		break;
	case INSTRUCTION_VOLUME:
		rc = text_add(t, "VOLUME ");
		rc = rc < 0 ? rc : volumes(settings, words, count, t);
		break;
	case INSTRUCTION_USER:
	case INSTRUCTION_STOPSIGNAL:
		if (count != 1) {
			rc = fail_errno(0, "Dockerfile line %d: %s requires exactly one argument", in->line, in->keyword);
			break;
		}
		rc = json_set(settings, in->kind == INSTRUCTION_USER ? "User" : "StopSignal", json_new_string(words[0]))
			     ? 0
			     : -1;
		rc = rc < 0 ? rc : text_add(t, in->kind == INSTRUCTION_USER ? "USER " : "STOPSIGNAL ");
		rc = rc < 0 ? rc : text_add(t, words[0]);
		break;
	case INSTRUCTION_WORKDIR: {
		if (count != 1) {
			rc = fail_errno(0, "Dockerfile line %d: WORKDIR requires exactly one argument", in->line);
			break;
		}
		char *dir = build_workdir_join(json_get_string(settings, "WorkingDir"), words[0]);
		rc = dir && json_set(settings, "WorkingDir", json_new_string(dir)) ? 0 : -1;
		rc = rc < 0 ? rc : text_add(t, "WORKDIR ");
		rc = rc < 0 ? rc : text_add(t, dir);
		free(dir);
		break;
	}
	case INSTRUCTION_MAINTAINER: {
		struct text all = { 0 };
		for (size_t i = 0; i < count && rc == 0; i++) {
			rc = text_add(&all, i ? " " : "");
			rc = rc < 0 ? rc : text_add(&all, words[i]);
		}
		rc = rc < 0 ? rc : (json_set(config, "author", json_new_string(all.s)) ? 0 : -1);
		rc = rc < 0 ? rc : text_add(t, keyword);
		rc = rc < 0 ? rc : text_add(t, " ");
		rc = rc < 0 ? rc : text_add(t, all.s);
		free(all.s);
		break;
	}
	default:
		rc = fail_errno(0, "Dockerfile line %d: %s changes no config", in->line, in->keyword);
	}
out:
	expand_free_words(words);
	return rc;
}

int build_config_apply(struct json *config, const struct instruction *in, const struct expand_env *env, char escape,
		       struct config_step_state *state, char **description)
{
	*description = NULL;
	struct json *settings = oci_config_settings(config);
	if (!settings)
		return -1;
	struct text t = { 0 };
	if (apply(config, settings, in, env, escape, state, &t) < 0) {
		free(t.s);
		return -1;
	}
	*description = t.s;
	return 0;
}
