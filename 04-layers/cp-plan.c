/*
 * cp-plan.c - Docker's rules for `cp`, as a table of cases (cp-plan.h).
 *
 * `docker cp` behaves like `cp -a` (recursive, modes and times kept), with rules of its own
 * for the destination, which a student meets as soon as the first copy lands one folder too
 * deep: "app" copied to an existing "/srv" makes "/srv/app", "app/." makes its files land in
 * "/srv" itself. The rules are pure, so they are here alone, tested case by case.
 */
#include "cp-plan.h"

#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

bool cp_wants_contents(const char *path)
{
	size_t len = strlen(path);
	return (len >= 2 && strcmp(path + len - 2, "/.") == 0) || strcmp(path, ".") == 0;
}

static bool ends_with_slash(const char *path)
{
	size_t len = strlen(path);
	return len > 0 && path[len - 1] == '/';
}

/* The last name of path, trailing slashes and "/." ignored ("a/b/" -> "b", "/" -> ""). */
static void last_name(const char *path, char *out, size_t size)
{
	char copy[PATH_MAX];
	snprintf(copy, sizeof(copy), "%s", path);
	size_t len = strlen(copy);
	for (;;) {
		while (len > 1 && copy[len - 1] == '/')
			copy[--len] = '\0';
		if (len >= 2 && strcmp(copy + len - 2, "/.") == 0)
			copy[len -= 2] = '\0';
		else
			break;
	}
	const char *slash = strrchr(copy, '/');
	snprintf(out, size, "%s", slash ? slash + 1 : copy);
}

/* The folder that holds path's last name ("a/b" -> "a", "b" -> ".", "/b" -> "/"). */
static void parent_of(const char *path, char *out, size_t size)
{
	char copy[PATH_MAX];
	snprintf(copy, sizeof(copy), "%s", path);
	size_t len = strlen(copy);
	while (len > 1 && copy[len - 1] == '/')
		copy[--len] = '\0';
	char *slash = strrchr(copy, '/');
	if (!slash)
		snprintf(out, size, ".");
	else if (slash == copy)
		snprintf(out, size, "/");
	else {
		*slash = '\0';
		snprintf(out, size, "%s", copy);
	}
}

int cp_plan_make(const struct cp_paths *p, struct cp_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	char src_name[NAME_MAX + 1], dest_name[NAME_MAX + 1];
	last_name(p->src, src_name, sizeof(src_name));
	last_name(p->dest, dest_name, sizeof(dest_name));
	if (!p->src_is_dir && (ends_with_slash(p->src) || cp_wants_contents(p->src)))
		return fail_errno(ENOTDIR, "\"%s\" is not a directory", p->src);
	if (p->src_is_dir && p->dest_exists && !p->dest_is_dir)
		return fail_errno(EISDIR, "cannot copy a directory to a file: \"%s\"", p->dest);
	if (!p->dest_exists && ends_with_slash(p->dest) && !p->src_is_dir)
		return fail_errno(ENOENT, "destination directory \"%s\" must exist", p->dest);
	if (p->dest_is_dir) {
		/* into DEST: under SRC's own name, or a folder's contents straight in */
		snprintf(plan->into, sizeof(plan->into), "%s", p->dest);
		snprintf(plan->name, sizeof(plan->name), "%s", cp_wants_contents(p->src) ? "" : src_name);
		if (p->src_is_dir && !cp_wants_contents(p->src) && !src_name[0])
			plan->name[0] = '\0'; /* "/" copied into a folder: its contents, as Docker */
		return 0;
	}
	/* DEST missing (made, as a file or a folder) or a file (overwritten): made under its name */
	parent_of(p->dest, plan->into, sizeof(plan->into));
	snprintf(plan->name, sizeof(plan->name), "%s", dest_name);
	if (!dest_name[0])
		return fail_errno(EINVAL, "invalid destination \"%s\"", p->dest);
	return 0;
}
