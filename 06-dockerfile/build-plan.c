/*
 * build-plan.c - what a build will do, decided before anything is run (build-plan.h).
 *
 * A Dockerfile with several FROMs is a multi-stage build: each FROM starts a stage, a stage
 * may start FROM an earlier one or COPY --from it, and `--target NAME` stops at the stage of
 * that name. The Dockerfile reference ("Multi-stage builds"): only the stages the target
 * depends on need building, so the plan is a walk backwards from the target along FROM and
 * COPY --from. Everything here is pure: no files, no clock.
 *
 * Read next: build-config.c (what the config instructions do), build.c (the driver).
 */
#include "build-plan.h"
#include "error.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *instruction_flag(const struct instruction *in, const char *name)
{
	size_t length = strlen(name);
	for (size_t i = 0; i < in->flag_count; i++) {
		const char *f = in->flags[i];
		if (strncmp(f, "--", 2) == 0 && strncmp(f + 2, name, length) == 0 && f[2 + length] == '=')
			return f + 3 + length;
	}
	return NULL;
}

static char *lower_copy(const char *text)
{
	char *s = strdup(text);
	for (char *p = s; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

long build_plan_find_stage(const struct build_plan *plan, const char *name, size_t before)
{
	char *end;
	long index = strtol(name, &end, 10);
	if (*name && *end == '\0')
		return index >= 0 && (size_t)index < before ? index : -1;
	for (size_t i = before; i-- > 0;) /* the latest stage of that name */
		if (plan->stages[i].name && strcasecmp(plan->stages[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* FROM image [AS name]: expanded with the global ARGs (the reference: "ARG before FROM"). */
static int read_from(const struct instruction *in, const struct expand_env *globals, struct build_stage *stage)
{
	if (in->arg_count != 1 && !(in->arg_count == 3 && strcasecmp(in->args[1], "as") == 0))
		return fail_errno(0, "Dockerfile line %d: FROM requires either one or three arguments", in->line);
	if (expand_word(in->args[0], '\\', globals, &stage->base) < 0)
		return fail_context("Dockerfile line %d", in->line);
	if (!*stage->base)
		return fail_errno(0, "Dockerfile line %d: base name (%s) should not be blank", in->line, in->args[0]);
	if (in->arg_count == 3 && !(stage->name = lower_copy(in->args[2])))
		return fail_errno(0, "out of memory");
	return 0;
}

/* Mark stage i and, recursively, the earlier stages it uses. */
static void mark_needed(struct build_plan *plan, const struct dockerfile *d, size_t i)
{
	struct build_stage *stage = &plan->stages[i];
	if (stage->needed)
		return;
	stage->needed = true;
	if (stage->base_stage >= 0)
		mark_needed(plan, d, (size_t)stage->base_stage);
	for (size_t n = stage->first; n < stage->end; n++) {
		const struct instruction *in = &d->instructions[n];
		const char *from = (in->kind == INSTRUCTION_COPY || in->kind == INSTRUCTION_ADD)
					   ? instruction_flag(in, "from")
					   : NULL;
		long used = from ? build_plan_find_stage(plan, from, i) : -1;
		if (used >= 0)
			mark_needed(plan, d, (size_t)used);
	}
}

int build_plan_make(const struct dockerfile *d, const struct expand_env *globals, const char *target,
		    struct build_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	size_t froms = 0;
	for (size_t i = 0; i < d->count; i++)
		froms += d->instructions[i].kind == INSTRUCTION_FROM;
	if (froms == 0)
		return fail_errno(0, "Dockerfile has no FROM: a build starts from an image (or FROM scratch)");
	plan->stages = calloc(froms, sizeof(*plan->stages));
	if (!plan->stages)
		return fail_errno(0, "out of memory");
	for (size_t i = 0; i < d->count; i++) {
		const struct instruction *in = &d->instructions[i];
		if (in->kind == INSTRUCTION_FROM) {
			struct build_stage *stage = &plan->stages[plan->count++];
			stage->first = i;
			stage->end = d->count;
			if (plan->count > 1)
				plan->stages[plan->count - 2].end = i;
			if (read_from(in, globals, stage) < 0)
				goto fail;
			stage->base_stage = build_plan_find_stage(plan, stage->base, plan->count - 1);
			if (stage->base_stage >= 0 && strspn(stage->base, "0123456789") == strlen(stage->base))
				stage->base_stage = -1; /* FROM 0 names an image, never a stage */
		} else if (plan->count == 0) {
			if (in->kind != INSTRUCTION_ARG) {
				fail_errno(0, "Dockerfile line %d: %s before the first FROM: only ARG may come first",
					   in->line, in->keyword);
				goto fail;
			}
			plan->global_args = i + 1;
		}
	}
	plan->target = plan->count - 1;
	if (target) {
		long t = -1;
		for (size_t i = 0; i < plan->count && t < 0; i++)
			if (plan->stages[i].name && strcasecmp(plan->stages[i].name, target) == 0)
				t = (long)i;
		if (t < 0) {
			fail_errno(0, "failed to reach build target %s in Dockerfile", target);
			goto fail;
		}
		plan->target = (size_t)t;
	}
	mark_needed(plan, d, plan->target);
	return 0;
fail:
	build_plan_free(plan);
	return -1;
}

void build_plan_free(struct build_plan *plan)
{
	for (size_t i = 0; i < plan->count; i++) {
		free(plan->stages[i].base);
		free(plan->stages[i].name);
	}
	free(plan->stages);
	memset(plan, 0, sizeof(*plan));
}

int build_shell_form(const char *const *shell, const char *text, const char ***argv)
{
	static const char *const default_shell[] = { "/bin/sh", "-c", NULL };
	if (!shell || !shell[0])
		shell = default_shell;
	size_t n = 0;
	while (shell[n])
		n++;
	const char **v = calloc(n + 2, sizeof(*v));
	if (!v)
		return fail_errno(0, "out of memory");
	memcpy(v, shell, n * sizeof(*v));
	v[n] = text;
	*argv = v;
	return 0;
}

char *build_nop_text(const char *what)
{
	static const char prefix[] = "/bin/sh -c #(nop)  ";
	char *text = malloc(sizeof(prefix) + strlen(what));
	if (text)
		sprintf(text, "%s%s", prefix, what);
	return text;
}

void cache_key_begin(struct cache_key *k, const char *parent_id)
{
	sha256_init(&k->hash);
	cache_key_add(k, parent_id ? parent_id : "scratch");
}

void cache_key_add_bytes(struct cache_key *k, const void *data, size_t size)
{
	char length[24];
	int n = snprintf(length, sizeof(length), "%zu:", size);
	sha256_update(&k->hash, length, (size_t)n);
	sha256_update(&k->hash, data, size);
}

void cache_key_add(struct cache_key *k, const char *piece)
{
	cache_key_add_bytes(k, piece, strlen(piece));
}

void cache_key_end(struct cache_key *k, char hex[SHA256_HEX_SIZE])
{
	uint8_t digest[SHA256_SIZE];
	sha256_final(&k->hash, digest);
	sha256_hex(digest, hex);
}

void cache_key_of_step(const char *parent_id, const char *text, char hex[SHA256_HEX_SIZE])
{
	struct cache_key key;
	cache_key_begin(&key, parent_id);
	cache_key_add(&key, text);
	cache_key_end(&key, hex);
}

int go_duration_parse(const char *text, int64_t *nanoseconds)
{
	static const struct {
		const char *unit;
		int64_t ns;
	} units[] = { { "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 },
		      { "m", 60000000000 }, { "h", 3600000000000 } };
	const char *p = text;
	int64_t total = 0;
	if (!*p)
		return fail_errno(0, "invalid duration \"%s\"", text);
	if (strcmp(p, "0") == 0) {
		*nanoseconds = 0;
		return 0;
	}
	while (*p) {
		char *end;
		double value = strtod(p, &end);
		if (end == p || value < 0)
			return fail_errno(0, "invalid duration \"%s\"", text);
		size_t length = strspn(end, "numsh\xc2\xb5");
		int64_t unit = 0;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]) && length; i++)
			for (size_t l = length; l > 0 && !unit; l--)
				if (strlen(units[i].unit) == l && strncmp(end, units[i].unit, l) == 0) {
					unit = units[i].ns;
					length = l;
				}
		if (!unit)
			return fail_errno(0, "invalid duration \"%s\": a number needs a unit (ns, us, ms, s, m, h)",
					  text);
		total += (int64_t)(value * (double)unit);
		p = end + length;
	}
	*nanoseconds = total;
	return 0;
}
