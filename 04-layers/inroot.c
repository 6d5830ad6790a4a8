/*
 * inroot.c - resolving a path inside a root folder, as if that folder were "/".
 *
 * A container's files are the host's files, seen from another root.
 * When the host works on a container's folder (unpacking a layer into it, copying
 * files in or out), every path it follows belongs to the container, and so does
 * every symlink on the way: "lib -> /etc" means the container's /etc. Following it
 * from the host with open("ROOT/lib/passwd") reaches the host's /etc/passwd. That
 * is the bug class of CVE-2018-15664 (docker cp) and runc's CVE-2021-30465.
 *
 * The rule: resolve from an fd of the root, never from a path string, and treat
 * the root as "/" for every symlink and "..". Linux 5.6 gave this to us as one
 * system call, openat2(2) with RESOLVE_IN_ROOT. Where it is missing (older
 * kernels, a seccomp filter, valgrind), walk_in_root() does the same by hand: one
 * component at a time with openat(O_PATH|O_NOFOLLOW), reading each symlink and
 * walking its target in its place, an absolute target from the root, ".." never
 * above the root, at most 40 symlinks (as the kernel, path_resolution(7)).
 *
 * Read next: apply.c, which unpacks layers through these functions.
 */
#include "inroot.h"
#include "error.h"
#include "explain.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_SYMLINKS 40

int inroot_clean_path(const char *path, char *out, size_t size)
{
	size_t len = 0;
	const char *p = path;
	while (*p) {
		while (*p == '/')
			p++;
		const char *end = strchrnul(p, '/');
		size_t n = (size_t)(end - p);
		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* empty or "." */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (len == 0)
				return -1; /* climbs above the root */
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--; /* the '/' before the removed component */
		} else {
			if (len + (len > 0) + n + 1 > size)
				return -1;
			if (len > 0)
				out[len++] = '/';
			memcpy(out + len, p, n);
			len += n;
		}
		p = end;
	}
	if (size == 0)
		return -1;
	out[len] = '\0';
	return 0;
}

/* Walk path (relative, clean) from the root one component at a time, never letting a
 * symlink or ".." lead outside: a symlink's target is read and walked in its place, an
 * absolute target from the root. Missing folders are created when create is true.
 * Returns an O_PATH fd of the folder. */
static int walk_in_root(int rootfd, const char *root, const char *path, bool create)
{
	size_t cap = strlen(path) + 2;
	char *pending = malloc(cap);
	int *stack = NULL; /* fds of the folders above cur, for ".." */
	size_t depth = 0, stack_cap = 0;
	int cur = -1, hops = 0, result = -1;
	if (!pending) {
		fail_errno(ENOMEM, "cannot resolve \"%s\"", path);
		goto out;
	}
	strcpy(pending, path);
	cur = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0) {
		fail_sys("cannot open folder \"%s\"", root);
		goto out;
	}
	char *rest = pending;
	while (*rest) {
		char *name = rest;
		char *slash = strchr(rest, '/');
		if (slash) {
			*slash = '\0';
			rest = slash + 1;
		} else {
			rest += strlen(rest);
		}
		if (*name == '\0' || strcmp(name, ".") == 0)
			continue;
		if (strcmp(name, "..") == 0) {
			if (depth > 0) { /* at the root, ".." is the root, as after chroot */
				close(cur);
				cur = stack[--depth];
			}
			continue;
		}
		int fd = openat(cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && create) {
			if (mkdirat(cur, name, 0755) < 0 && errno != EEXIST) {
				fail_sys("cannot create folder \"%s\" in \"%s\" (for \"%s\")", name, root, path);
				goto out;
			}
			fd = openat(cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		}
		if (fd < 0) {
			fail_sys("cannot open \"%s\" in \"%s\" (resolving \"%s\")", name, root, path);
			goto out;
		}
		struct stat st;
		if (fstat(fd, &st) < 0) {
			fail_sys("cannot stat \"%s\" in \"%s\"", name, root);
			close(fd);
			goto out;
		}
		if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX];
			ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);
			close(fd);
			if (n < 0 || ++hops > MAX_SYMLINKS) {
				fail_errno(n < 0 ? errno : ELOOP, "cannot resolve \"%s\" in \"%s\"", path, root);
				goto out;
			}
			target[n] = '\0';
			/* Walk the target in place of the link, then whatever was left. */
			size_t need = (size_t)n + 1 + strlen(rest) + 1;
			char *next = malloc(need);
			if (!next) {
				fail_errno(ENOMEM, "cannot resolve \"%s\"", path);
				goto out;
			}
			snprintf(next, need, "%s/%s", target, rest);
			free(pending);
			pending = rest = next;
			if (target[0] == '/') { /* absolute: from the root of the layer, not the host */
				while (depth > 0)
					close(stack[--depth]);
				close(cur);
				cur = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
				if (cur < 0) {
					fail_sys("cannot open folder \"%s\"", root);
					goto out;
				}
			}
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			close(fd);
			fail_errno(ENOTDIR, "cannot resolve \"%s\" in \"%s\": \"%s\" is not a folder", path, root, name);
			goto out;
		}
		if (depth == stack_cap) {
			size_t more = stack_cap ? stack_cap * 2 : 16;
			int *bigger = realloc(stack, more * sizeof(*bigger));
			if (!bigger) {
				close(fd);
				fail_errno(ENOMEM, "cannot resolve \"%s\"", path);
				goto out;
			}
			stack = bigger;
			stack_cap = more;
		}
		stack[depth++] = cur;
		cur = fd;
	}
	result = cur;
	cur = -1;
out:
	if (cur >= 0)
		close(cur);
	while (depth > 0)
		close(stack[--depth]);
	free(stack);
	free(pending);
	return result;
}

int inroot_open_dir(int rootfd, const char *root, const char *path, bool create, bool *use_openat2)
{
	if (*use_openat2) {
		struct open_how how = {
			.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
		};
		int fd = (int)syscall(SYS_openat2, rootfd, *path ? path : ".", &how, sizeof(how));
		if (fd >= 0)
			return fd;
		if (errno == ENOSYS || errno == EPERM || errno == E2BIG) {
			/* No openat2 here (old kernel, or a seccomp filter): walk ourselves from now on. */
			explain("04-layers", "openat2() is not available (%s): resolving paths component by component",
				strerror(errno));
			*use_openat2 = false;
		} else if (!create || errno != ENOENT) {
			return fail_sys("cannot open \"%s\" inside \"%s\"", path, root);
		}
	}
	/* The walk also creates missing folders, as Docker does for an entry whose parents the
	 * layer does not list. */
	return walk_in_root(rootfd, root, path, create);
}
