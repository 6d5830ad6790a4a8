/*
 * probe.c - a small static program that system tests copy into a root filesystem,
 * to report what a process inside a jail or container sees.
 *
 * The idea comes from crun's tests: rather than guess from the outside, run a
 * tiny program inside and ask. It is static, so it needs nothing from the root
 * filesystem it runs in. Each operation prints `key=value` lines on stdout;
 * several operations run in order:
 *
 *     probe pid hostname ids          pid=1 ppid=0 / hostname=web / uid=0 gid=0 euid=0 egid=0
 *     probe cwd                       cwd=/
 *     probe fds                       fds=0 1 2 (every open fd but the one listing /proc/self/fd;
 *                                     one beyond 2 shows where it leads: fds=0 1 2 3:/tmp/x)
 *     probe ls /                      ls=bin dev etc ... (sorted, one line)
 *     probe mounts                    mount=<mount point> <fstype> <options> (one per mount)
 *     probe caps                      cap_inh= cap_prm= cap_eff=00000000a80425fb cap_bnd= cap_amb=
 *                                     no_new_privs=1 seccomp=2 (one per line)
 *     probe cgroup                    cgroup=<each line of /proc/self/cgroup>
 *     probe open PATH r|w             open=ok, or open=EACCES
 *     probe syscall NAME              syscall=NAME result=ok|EPERM|ENOSYS|... (see try_syscall):
 *                                     chroot mount unshare-user unshare-net clone-user clone3 setns
 *                                     keyctl add_key bpf ptrace perf_event_open userfaultfd
 *                                     open_by_handle_at finit_module fsopen mbind personality-odd
 *                                     sethostname setuid getpid socket-vsock socket-inet
 *                                     process_vm_readv, or nr:N (system call N with the arguments
 *                                     -1, 0, 0, 0, 0, 0); "ok" when the call reached the kernel's
 *                                     code, even if only to be told its arguments were bad
 *     probe alloc MIB                 allocates and touches MIB mebibytes: alloc=ok
 *     probe fork N                    forks N children that wait; forked=K (K < N under a pids limit)
 *     probe sleep SECONDS             sleeps (a long-running command for stop/kill tests)
 *     probe wait-signal               prints waiting=signals once every signal is blocked, waits for
 *                                     one, prints signal=NAME and exits 0
 *     probe ignore-signals            ignores every catchable signal, then pauses forever
 *     probe exit N                    exits with N
 *     probe serve PORT N              TCP on 0.0.0.0:PORT: prints listening=PORT, then serves N
 *                                     connections one by one: reads to EOF, answers HOSTNAME:DATA
 *     probe connect NAME PORT DATA    NAME from /etc/hosts (the file, not NSS: a static binary has
 *                                     no NSS modules), retried up to 10 s until the name is there
 *                                     and the port answers; sends DATA, half-closes, prints
 *                                     resolved=IP and reply=<the answer>
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

static const char *errno_name(int err)
{
	const char *name = strerrorname_np(err);
	return name ? name : "E?";
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_folder(const char *path)
{
	DIR *dir = opendir(path);
	if (!dir) {
		printf("ls=%s\n", errno_name(errno));
		return;
	}
	char *names[4096];
	size_t count = 0;
	struct dirent *entry;
	while ((entry = readdir(dir)) && count < 4096)
		if (strcmp(entry->d_name, ".") && strcmp(entry->d_name, ".."))
			names[count++] = strdup(entry->d_name);
	closedir(dir);
	qsort(names, count, sizeof(names[0]), compare_names);
	printf("ls=");
	for (size_t i = 0; i < count; i++) {
		printf("%s%s", i ? " " : "", names[i]);
		free(names[i]);
	}
	printf("\n");
}

/* The fds this process holds, from /proc/self/fd: what it inherited through execve(2). */
static void list_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	if (!dir) {
		printf("fds=%s\n", errno_name(errno));
		return;
	}
	int fds[1024];
	size_t count = 0;
	struct dirent *entry;
	while ((entry = readdir(dir)) && count < 1024)
		if (entry->d_name[0] != '.' && atoi(entry->d_name) != dirfd(dir))
			fds[count++] = atoi(entry->d_name);
	for (size_t i = 1; i < count; i++) /* readdir gives them in order, but do not rely on it */
		for (size_t j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
			int swap = fds[j];
			fds[j] = fds[j - 1];
			fds[j - 1] = swap;
		}
	printf("fds=");
	for (size_t i = 0; i < count; i++) {
		printf("%s%d", i ? " " : "", fds[i]);
		if (fds[i] > 2) {
			char link[64], target[4096];
			snprintf(link, sizeof(link), "/proc/self/fd/%d", fds[i]);
			ssize_t n = readlink(link, target, sizeof(target) - 1);
			printf(":%.*s", n < 0 ? 1 : (int)n, n < 0 ? "?" : target);
		}
	}
	printf("\n");
	closedir(dir);
}

static void print_file_lines(const char *path, const char *key)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		printf("%s=%s\n", key, errno_name(errno));
		return;
	}
	char line[4096];
	while (fgets(line, sizeof(line), f))
		printf("%s=%s", key, line);
	fclose(f);
}

static void print_mounts(void)
{
	FILE *f = fopen("/proc/self/mounts", "r");
	if (!f) {
		printf("mount=%s\n", errno_name(errno));
		return;
	}
	char source[1024], target[1024], type[256], options[1024];
	while (fscanf(f, "%1023s %1023s %255s %1023s %*d %*d", source, target, type, options) == 4)
		printf("mount=%s %s %s\n", target, type, options);
	fclose(f);
}

static void print_status_fields(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	if (!f) {
		printf("caps=%s\n", errno_name(errno));
		return;
	}
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		char value[256];
		if (sscanf(line, "CapEff: %255s", value) == 1)
			printf("cap_eff=%s\n", value);
		else if (sscanf(line, "CapBnd: %255s", value) == 1)
			printf("cap_bnd=%s\n", value);
		else if (sscanf(line, "CapPrm: %255s", value) == 1)
			printf("cap_prm=%s\n", value);
		else if (sscanf(line, "CapInh: %255s", value) == 1)
			printf("cap_inh=%s\n", value);
		else if (sscanf(line, "CapAmb: %255s", value) == 1)
			printf("cap_amb=%s\n", value);
		else if (sscanf(line, "NoNewPrivs: %255s", value) == 1)
			printf("no_new_privs=%s\n", value);
		else if (sscanf(line, "Seccomp: %255s", value) == 1)
			printf("seccomp=%s\n", value);
	}
	fclose(f);
}

/* Try one system call that a container's security settings may refuse. */
static void try_syscall(const char *name)
{
	long rc = -1;
	errno = 0;
	if (strcmp(name, "chroot") == 0) {
		rc = chroot("/");
	} else if (strcmp(name, "mount") == 0) {
		rc = mount("none", "/tmp", "tmpfs", 0, NULL);
		if (rc == 0)
			umount("/tmp");
	} else if (strcmp(name, "unshare-user") == 0) {
		rc = unshare(CLONE_NEWUSER);
	} else if (strcmp(name, "unshare-net") == 0) {
		rc = unshare(CLONE_NEWNET);
	} else if (strcmp(name, "keyctl") == 0) {
		rc = syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0);
	} else if (strcmp(name, "bpf") == 0) {
		rc = syscall(SYS_bpf, 0, NULL, 0);
		if (rc < 0 && errno == EINVAL)
			rc = 0; /* the call was allowed; only its arguments were bad */
	} else if (strcmp(name, "ptrace") == 0) {
		rc = ptrace(PTRACE_ATTACH, getppid() > 0 ? getppid() : 1, NULL, NULL);
	} else if (strcmp(name, "perf_event_open") == 0) {
		rc = syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0);
		if (rc < 0 && (errno == EFAULT || errno == EINVAL))
			rc = 0;
	} else if (strcmp(name, "userfaultfd") == 0) {
		rc = syscall(SYS_userfaultfd, 0);
	} else if (strcmp(name, "clone-user") == 0) {
		/* raw clone with a NULL stack: the child runs on a copy of ours, like fork */
		rc = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);
		if (rc == 0)
			_exit(0);
		if (rc > 0)
			waitpid((pid_t)rc, NULL, 0);
	} else if (strcmp(name, "clone3") == 0) {
		rc = syscall(SYS_clone3, NULL, 0);
		if (rc < 0 && (errno == EINVAL || errno == EFAULT))
			rc = 0;
	} else if (strcmp(name, "setns") == 0) {
		rc = setns(-1, 0);
		if (rc < 0 && errno == EBADF)
			rc = 0;
	} else if (strcmp(name, "add_key") == 0) {
		rc = syscall(SYS_add_key, NULL, NULL, NULL, 0, 0);
		if (rc < 0 && (errno == EFAULT || errno == EINVAL))
			rc = 0;
	} else if (strcmp(name, "open_by_handle_at") == 0) {
		rc = syscall(SYS_open_by_handle_at, -1, NULL, 0);
		if (rc < 0 && (errno == EBADF || errno == EFAULT))
			rc = 0;
	} else if (strcmp(name, "finit_module") == 0) {
		rc = syscall(SYS_finit_module, -1, "", 0);
		if (rc < 0 && errno == EBADF)
			rc = 0;
	} else if (strcmp(name, "fsopen") == 0) {
		rc = syscall(SYS_fsopen, "tinydock-no-such-fs", 0);
		if (rc < 0 && errno == ENODEV)
			rc = 0;
		else if (rc >= 0)
			close((int)rc);
	} else if (strcmp(name, "mbind") == 0) {
		rc = syscall(SYS_mbind, NULL, 0, 0, NULL, 0, 0);
		if (rc < 0 && errno == EINVAL)
			rc = 0; /* (ENOSYS would be a kernel built without NUMA) */
	} else if (strcmp(name, "personality-odd") == 0) {
		rc = syscall(SYS_personality, 0x0040000 /* ADDR_NO_RANDOMIZE */);
		if (rc >= 0)
			syscall(SYS_personality, rc); /* put the old persona back */
	} else if (strcmp(name, "socket-vsock") == 0 || strcmp(name, "socket-inet") == 0) {
		rc = socket(name[7] == 'v' ? 40 /* AF_VSOCK */ : AF_INET, SOCK_STREAM, 0);
		if (rc < 0 && errno == EAFNOSUPPORT)
			rc = 0; /* reached the kernel, which has no vsock transport loaded */
		else if (rc >= 0)
			close((int)rc);
	} else if (strcmp(name, "process_vm_readv") == 0) {
		/* read a word of our own memory through the call meant for another process's */
		long word = 42, copy = 0;
		struct iovec local = { &copy, sizeof(copy) }, remote = { &word, sizeof(word) };
		rc = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
		if (rc >= 0 && copy != 42)
			rc = -1, errno = EIO;
	} else if (strncmp(name, "nr:", 3) == 0) {
		rc = syscall(strtol(name + 3, NULL, 10), -1L, 0L, 0L, 0L, 0L, 0L);
		if (rc < 0 && (errno == EBADF || errno == EFAULT || errno == EINVAL))
			rc = 0;
	} else if (strcmp(name, "getpid") == 0) {
		rc = getpid();
	} else if (strcmp(name, "sethostname") == 0) {
		rc = sethostname("probe", 5);
	} else if (strcmp(name, "setuid") == 0) {
		rc = setuid(0);
	} else {
		printf("syscall=%s result=unknown\n", name);
		return;
	}
	printf("syscall=%s result=%s\n", name, rc < 0 ? errno_name(errno) : "ok");
}

static void wait_for_signal(void)
{
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	printf("waiting=signals\n");
	fflush(stdout);
	int sig = 0;
	sigwait(&all, &sig);
	printf("signal=SIG%s\n", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
}

static void ignore_signals(void)
{
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_IGN);
	printf("ignoring=all\n");
	fflush(stdout);
	for (;;)
		pause();
}

static void fork_children(long count)
{
	long forked = 0;
	for (; forked < count; forked++) {
		pid_t pid = fork();
		if (pid < 0)
			break;
		if (pid == 0) {
			sleep(5);
			_exit(0);
		}
	}
	printf("forked=%ld\n", forked);
	fflush(stdout);
	while (forked-- > 0)
		wait(NULL);
}

static void allocate(long mib)
{
	size_t size = (size_t)mib << 20;
	char *memory = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (memory == MAP_FAILED) {
		printf("alloc=%s\n", errno_name(errno));
		return;
	}
	for (size_t i = 0; i < size; i += 4096)
		memory[i] = 1;
	printf("alloc=ok\n");
	munmap(memory, size);
}

/* Everything a peer sends until it half-closes (at most size - 1 bytes, NUL-terminated). */
static size_t read_all(int fd, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t got;
	while (n + 1 < size && (got = read(fd, buf + n, size - 1 - n)) > 0)
		n += (size_t)got;
	buf[n] = '\0';
	return n;
}

static void serve(int port, long count)
{
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), on = 1;
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	/* A backlog for many clients at once: they wait their turn instead of being dropped. */
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1024) < 0) {
		printf("listening=%s\n", errno_name(errno));
		exit(1);
	}
	printf("listening=%d\n", port);
	char name[256] = "", data[4096], reply[4400];
	gethostname(name, sizeof(name));
	for (long i = 0; i < count; i++) {
		int c = accept(l, NULL, NULL);
		if (c < 0)
			exit(1);
		read_all(c, data, sizeof(data));
		int n = snprintf(reply, sizeof(reply), "%s:%s", name, data);
		if (write(c, reply, (size_t)n) != n)
			exit(1);
		close(c);
	}
	close(l);
}

/* NAME's address from /etc/hosts: the first line that lists it. */
static int lookup_hosts(const char *name, struct in_addr *out)
{
	FILE *f = fopen("/etc/hosts", "r");
	if (!f)
		return -1;
	char line[1024];
	int found = -1;
	while (found < 0 && fgets(line, sizeof(line), f)) {
		char *save, *address = strtok_r(line, " \t\n", &save);
		if (!address || address[0] == '#')
			continue;
		for (char *word; found < 0 && (word = strtok_r(NULL, " \t\n", &save));)
			if (strcmp(word, name) == 0 && inet_pton(AF_INET, address, out) == 1)
				found = 0;
	}
	fclose(f);
	return found;
}

static void connect_to(const char *name, int port, const char *data)
{
	struct in_addr address;
	int fd = -1;
	for (int tries = 0; tries < 200; tries++) { /* 200 x 50 ms: 10 s */
		if (lookup_hosts(name, &address) == 0) {
			struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr = address, .sin_port = htons((uint16_t)port) };
			fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
			if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
				break;
			close(fd);
			fd = -1;
		}
		struct timespec t = { 0, 50 * 1000 * 1000 };
		nanosleep(&t, NULL);
	}
	if (fd < 0) {
		printf("resolved=%s\nreply=%s\n", lookup_hosts(name, &address) == 0 ? "yes" : "no", errno_name(errno));
		return;
	}
	char text[INET_ADDRSTRLEN], reply[4400];
	inet_ntop(AF_INET, &address, text, sizeof(text));
	size_t length = strlen(data);
	if (write(fd, data, length) != (ssize_t)length || shutdown(fd, SHUT_WR) < 0)
		exit(1);
	read_all(fd, reply, sizeof(reply));
	close(fd);
	printf("resolved=%s\nreply=%s\n", text, reply);
}

static int need(int i, int argc, const char *op)
{
	if (i >= argc) {
		fprintf(stderr, "probe: %s needs an argument\n", op);
		exit(2);
	}
	return i;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i < argc; i++) {
		const char *op = argv[i];
		if (strcmp(op, "pid") == 0) {
			printf("pid=%d\nppid=%d\n", (int)getpid(), (int)getppid());
		} else if (strcmp(op, "hostname") == 0) {
			char name[256] = "";
			gethostname(name, sizeof(name));
			printf("hostname=%s\n", name);
		} else if (strcmp(op, "ids") == 0) {
			printf("uid=%d\ngid=%d\neuid=%d\negid=%d\n", (int)getuid(), (int)getgid(), (int)geteuid(),
			       (int)getegid());
		} else if (strcmp(op, "cwd") == 0) {
			char cwd[4096];
			printf("cwd=%s\n", getcwd(cwd, sizeof(cwd)) ? cwd : errno_name(errno));
		} else if (strcmp(op, "fds") == 0) {
			list_fds();
		} else if (strcmp(op, "ls") == 0) {
			list_folder(argv[i = need(i + 1, argc, op)]);
		} else if (strcmp(op, "mounts") == 0) {
			print_mounts();
		} else if (strcmp(op, "caps") == 0) {
			print_status_fields();
		} else if (strcmp(op, "cgroup") == 0) {
			print_file_lines("/proc/self/cgroup", "cgroup");
		} else if (strcmp(op, "env") == 0) {
			extern char **environ;
			for (char **e = environ; *e; e++)
				printf("env=%s\n", *e);
		} else if (strcmp(op, "open") == 0) {
			const char *path = argv[i = need(i + 1, argc, op)];
			const char *mode = argv[i = need(i + 1, argc, op)];
			int fd = open(path, strcmp(mode, "w") == 0 ? O_WRONLY : O_RDONLY);
			printf("open=%s\n", fd < 0 ? errno_name(errno) : "ok");
			if (fd >= 0)
				close(fd);
		} else if (strcmp(op, "syscall") == 0) {
			try_syscall(argv[i = need(i + 1, argc, op)]);
		} else if (strcmp(op, "alloc") == 0) {
			allocate(atol(argv[i = need(i + 1, argc, op)]));
		} else if (strcmp(op, "fork") == 0) {
			fork_children(atol(argv[i = need(i + 1, argc, op)]));
		} else if (strcmp(op, "sleep") == 0) {
			double seconds = atof(argv[i = need(i + 1, argc, op)]);
			struct timespec t = { (time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9) };
			while (nanosleep(&t, &t) < 0 && errno == EINTR)
				;
		} else if (strcmp(op, "wait-signal") == 0) {
			wait_for_signal();
		} else if (strcmp(op, "ignore-signals") == 0) {
			ignore_signals();
		} else if (strcmp(op, "serve") == 0) {
			int port = atoi(argv[i = need(i + 1, argc, op)]);
			serve(port, atol(argv[i = need(i + 1, argc, op)]));
		} else if (strcmp(op, "connect") == 0) {
			const char *name = argv[i = need(i + 1, argc, op)];
			int port = atoi(argv[i = need(i + 1, argc, op)]);
			connect_to(name, port, argv[i = need(i + 1, argc, op)]);
		} else if (strcmp(op, "exit") == 0) {
			exit(atoi(argv[i = need(i + 1, argc, op)]));
		} else {
			fprintf(stderr, "probe: unknown operation \"%s\"\n", op);
			return 2;
		}
	}
	return 0;
}
