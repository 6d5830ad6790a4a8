/*
 * cp-plan.h - where `tinydock cp SRC DEST` puts what it copies, by Docker's rules for
 * trailing slashes and folders (cp-plan.c). Pure: the caller says what exists.
 */
#ifndef TINYDOCK_CP_PLAN_H
#define TINYDOCK_CP_PLAN_H

#include <limits.h>
#include <stdbool.h>

/* What is known of the two paths before copying. */
struct cp_paths {
	const char *src, *dest;  /* as typed ("/etc/hosts", "out/", "app/.") */
	bool src_is_dir;         /* SRC is a folder (a symlink is not: it is copied as a link) */
	bool dest_exists;
	bool dest_is_dir;
};

/* Where the copy goes: entries are made in folder `into`, the source under `name` (a folder's
 * entries under name/...), or, with name "", a folder's entries straight into `into`. */
struct cp_plan {
	char into[PATH_MAX];
	char name[NAME_MAX + 1];
};

/* Plan the copy. Docker's rules (docker-container-cp(1)):
 *   SRC a file:   DEST missing: the file is made as DEST (DEST ending in "/": the folder must
 *                 exist); DEST a file: overwritten; DEST a folder: copied into it, same name.
 *   SRC a folder: DEST missing: made as DEST, with SRC's contents; DEST a file: refused;
 *                 DEST a folder: SRC copied into it, or, when SRC ends in "/.", SRC's contents.
 *   SRC ending in "/" must be a folder.
 * 0, or -1 with Docker's words for the refusal recorded. */
int cp_plan_make(const struct cp_paths *paths, struct cp_plan *plan);

/* Pure: does path end in "/." (a folder's contents, not the folder)? */
bool cp_wants_contents(const char *path);

#endif
