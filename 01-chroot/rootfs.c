/*
 * rootfs.c - a root filesystem: the folder tree a jailed process will see as "/".
 *
 * Lecture: "For decades, UNIX *chroot* command provided a simple form of filesystem
 * isolation": chroot(2) changes the apparent root directory of a process. Before
 * we can change a root we need one: a folder holding everything a program
 * expects to find from "/" down: a shell and tools in /bin, user names in
 * /etc/passwd, empty folders where /proc, /sys and /dev will be mounted later.
 *
 * We build it from one static busybox binary (Debian: busybox-static). Static
 * matters: a dynamically linked program needs /lib/ld-linux.so and libc inside
 * the new root, and a chroot without them fails with a puzzling "No such file
 * or directory" for a binary that is plainly there (execve(2), ENOENT: "the
 * interpreter of the ELF executable could not be found"). busybox is one binary
 * that acts as ~400 programs depending on the name it was started as, so one
 * hard link per applet name (bin/ls, bin/sh, usr/bin/awk...) is a whole userland,
 * as in Docker's official busybox image.
 *
 * Read chroot.c next: it runs a command inside this folder.
 */
#include "rootfs.h"
#include "cli.h"
#include "error.h"
#include "explain.h"
#include "files.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char CHAPTER[] = "01-chroot";

static const char INSTALL_HINT[] = "install it with: sudo apt-get install busybox-static";

/* True if the ELF file at path has no PT_INTERP program header, i.e. needs no dynamic loader. */
static int is_static_elf(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail_sys("cannot open \"%s\"", path);
	Elf64_Ehdr header;
	int result = 0;
	if (pread(fd, &header, sizeof(header), 0) != (ssize_t)sizeof(header) ||
	    memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 || header.e_ident[EI_CLASS] != ELFCLASS64) {
		close(fd);
		return 0;
	}
	result = 1;
	for (int i = 0; i < header.e_phnum; i++) {
		Elf64_Phdr program;
		off_t at = (off_t)header.e_phoff + (off_t)i * header.e_phentsize;
		if (pread(fd, &program, sizeof(program), at) != (ssize_t)sizeof(program)) {
			result = 0;
			break;
		}
		if (program.p_type == PT_INTERP) {
			result = 0;
			break;
		}
	}
	close(fd);
	return result;
}

const char *find_static_busybox(void)
{
	const char *path = getenv("TINYDOCK_BUSYBOX");
	if (!path || !*path)
		path = DEFAULT_BUSYBOX;
	if (access(path, X_OK) < 0) {
		fail_sys("cannot find a static busybox at \"%s\" (%s)", path, INSTALL_HINT);
		return NULL;
	}
	int is_static = is_static_elf(path);
	if (is_static < 0)
		return NULL;
	if (!is_static) {
		fail_errno(0, "\"%s\" is not a static 64-bit executable, so it cannot run in an empty root (%s)",
			   path, INSTALL_HINT);
		return NULL;
	}
	return path;
}

/*
 * Ask busybox which applets it has and where each lives (`busybox --list-full`
 * prints "bin/ls", "usr/bin/awk", ...). This runs the busybox binary itself, not
 * a shell or a system tool: the binary is the only one that knows its applets.
 * Returns a malloc'd, newline-separated list.
 */
static char *list_applets(const char *busybox)
{
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		fail_sys("cannot create a pipe");
		return NULL;
	}
	pid_t pid = fork();
	if (pid < 0) {
		fail_sys("cannot fork");
		close(pipefd[0]);
		close(pipefd[1]);
		return NULL;
	}
	if (pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		char *const argv[] = { (char *)"busybox", (char *)"--list-full", NULL };
		char *const envp[] = { NULL };
		execve(busybox, argv, envp);
		_exit(EXIT_NOT_EXECUTABLE);
	}
	close(pipefd[1]);
	size_t cap = 16384, len = 0;
	char *text = malloc(cap);
	ssize_t n = 0;
	while (text) {
		if (len + 1 >= cap) {
			char *bigger = realloc(text, cap *= 2);
			if (!bigger) {
				free(text);
				text = NULL;
				break;
			}
			text = bigger;
		}
		n = read(pipefd[0], text + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(pipefd[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!text || n < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || len == 0) {
		free(text);
		fail_errno(0, "cannot list the applets of \"%s\" with --list-full", busybox);
		return NULL;
	}
	text[len] = '\0';
	return text;
}

/* Link dir/applet to dir/bin/busybox, creating its folder; an applet path must stay inside dir. */
static int link_applet(const char *dir, const char *applet)
{
	if (applet[0] == '/' || strstr(applet, "..") || strcmp(applet, "bin/busybox") == 0)
		return 0;
	char target[PATH_MAX], link_path[PATH_MAX], parent[PATH_MAX];
	snprintf(target, sizeof(target), "%s/bin/busybox", dir);
	if (snprintf(link_path, sizeof(link_path), "%s/%s", dir, applet) >= (int)sizeof(link_path))
		return fail_errno(ENAMETOOLONG, "cannot link applet \"%s\"", applet);
	snprintf(parent, sizeof(parent), "%s", link_path);
	*strrchr(parent, '/') = '\0';
	if (make_dirs(parent, 0755) < 0)
		return -1;
	if (unlink(link_path) < 0 && errno != ENOENT)
		return fail_sys("cannot replace \"%s\"", link_path);
	if (link(target, link_path) < 0)
		return fail_sys("cannot link \"%s\" to \"%s\"", link_path, target);
	return 0;
}

static int write_text(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (write_file_atomic(path, text, strlen(text), 0644) < 0)
		return -1;
	explain(CHAPTER, "write %s", path);
	return 0;
}

int make_busybox_rootfs(const char *dir)
{
	const char *busybox = find_static_busybox();
	if (!busybox)
		return -1;

	/* The folders every Linux program expects; /proc, /sys and /dev stay empty here:
	 * chapter 02 mounts the kernel's filesystems on them. */
	static const struct {
		const char *name;
		mode_t mode;
	} folders[] = {
		{ "", 0755 },	      { "bin", 0755 },	   { "sbin", 0755 }, { "usr/bin", 0755 },
		{ "usr/sbin", 0755 }, { "etc", 0755 },	   { "root", 0700 }, { "home", 0755 },
		{ "var", 0755 },      { "proc", 0555 },	   { "sys", 0555 },  { "dev", 0755 },
		{ "tmp", 01777 },
	};
	for (size_t i = 0; i < sizeof(folders) / sizeof(folders[0]); i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", dir, folders[i].name);
		if (make_dirs(path, folders[i].mode) < 0)
			return -1;
		/* mkdir(2) applies the umask, and /tmp needs its sticky bit: set modes explicitly. */
		if (chmod(path, folders[i].mode) < 0)
			return fail_sys("cannot set the mode of \"%s\"", path);
	}
	explain(CHAPTER, "mkdir %s/{bin,sbin,usr/bin,usr/sbin,etc,root,home,var,proc,sys,dev,tmp}", dir);

	char target[PATH_MAX];
	snprintf(target, sizeof(target), "%s/bin/busybox", dir);
	if (copy_file(busybox, target) < 0)
		return -1;
	explain(CHAPTER, "copy %s -> %s", busybox, target);

	char *applets = list_applets(busybox);
	if (!applets)
		return -1;
	int count = 0, rc = 0;
	for (char *line = strtok(applets, "\n"); line; line = strtok(NULL, "\n")) {
		if ((rc = link_applet(dir, line)) < 0)
			break;
		count++;
	}
	free(applets);
	if (rc < 0)
		return -1;
	explain(CHAPTER, "link %d applets (bin/sh, bin/ls, ...) -> bin/busybox", count);

	if (write_text(dir, "etc/passwd",
		       "root:x:0:0:root:/root:/bin/sh\n"
		       "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n") < 0 ||
	    write_text(dir, "etc/group", "root:x:0:\nnogroup:x:65534:\n") < 0 ||
	    write_text(dir, "etc/hosts",
		       "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n") < 0)
		return -1;
	return 0;
}

static const char HELP[] =
	"Usage:  tinydock rootfs DIR\n"
	"\n"
	"Make a minimal root filesystem in DIR from the host's static busybox:\n"
	"the busybox binary, one link per applet, /etc/passwd, /etc/group, /etc/hosts,\n"
	"and empty /proc, /sys, /dev and /tmp (mode 1777).\n"
	"\n"
	"Environment:\n"
	"  TINYDOCK_BUSYBOX   the static busybox to use (default " DEFAULT_BUSYBOX ")\n"
	"\n"
	"Example:\n"
	"  tinydock rootfs /tmp/jail && sudo tinydock chroot /tmp/jail ls /\n";

int cmd_rootfs(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(HELP);
	if (argc != 2 || argv[1][0] == '-')
		return usage_error("rootfs", "expects exactly one argument, the folder to fill");
	if (make_busybox_rootfs(argv[1]) < 0) {
		fail_context("rootfs");
		return error_report(EXIT_TINYDOCK_FAILED);
	}
	printf("%s\n", argv[1]);
	return 0;
}
