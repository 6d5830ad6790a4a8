/*
 * capabilities.c - root's power cut into pieces, and a container that keeps only a few.
 *
 * Reduced privileges: capabilities. Since Linux 2.2, what root may do is not one
 * privilege but about forty (capabilities(7)): CAP_CHOWN lets a process chown any file,
 * CAP_NET_BIND_SERVICE bind a port below 1024, CAP_SYS_ADMIN mount filesystems, and so on.
 * A process has five sets of them:
 *   bounding     the most it can ever get again, even by executing a setuid-root program;
 *                PR_CAPBSET_DROP removes a capability for good (for this process and its
 *                children)
 *   permitted    what it may switch on
 *   effective    what the kernel checks right now
 *   inheritable  what may pass through execve to programs marked with file capabilities
 *   ambient      what passes through execve to any program, even as a non-root user
 *
 * A container's root is the host's root (unless a user namespace maps it elsewhere), so the
 * capabilities are what stand between it and the host's kernel. Docker keeps 14 of them and
 * drops the rest; so do we, with the same names and the same flags (--cap-add, --cap-drop).
 * Each dangerous capability has a comment in the table below: the attack it enables.
 *
 * This file talks to the kernel directly: prctl(2) for the bounding and ambient sets and the
 * raw capget(2)/capset(2) system calls (the libcap library wraps exactly these).
 * Read next: seccomp.c (the system calls a container may not make at all), then security.c,
 * which applies both in the right order.
 */
#include "capabilities.h"
#include "error.h"
#include "explain.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char CHAPTER[] = "02-namespaces";

#define NAME(cap) [CAP_##cap] = "CAP_" #cap

/* Numbers from <linux/capability.h>; the comments say what a container could do with each
 * capability Docker drops (and, for those it keeps, what keeps them safe). */
static const char *const names[CAPABILITY_LAST + 1] = {
	NAME(CHOWN),        /* kept: change a file's owner (inside the container's own files) */
	NAME(DAC_OVERRIDE), /* kept: ignore file permissions; the mount namespace limits which files */
	/* Read any file by handle: open_by_handle_at(2) with guessed handles walks the HOST's
	 * filesystem from any file on it. The "shocker" exploit (2014, Docker 0.11) read the host's
	 * /etc/shadow this way; it is why Docker dropped this capability (and seccomp blocks the call). */
	NAME(DAC_READ_SEARCH),
	NAME(FOWNER), /* kept: act as a file's owner (chmod, utime) */
	NAME(FSETID), /* kept: keep setuid bits when writing */
	NAME(KILL),   /* kept: signal any process; the PID namespace hides the host's processes */
	NAME(SETGID), /* kept: change group ids (su, login, daemons dropping privileges) */
	NAME(SETUID), /* kept: change user ids */
	NAME(SETPCAP), /* kept: drop capabilities from the bounding set (what we do here) */
	NAME(LINUX_IMMUTABLE), /* set chattr +i/+a on files: make files undeletable, even for root */
	NAME(NET_BIND_SERVICE), /* kept: bind ports below 1024 (web servers) */
	NAME(NET_BROADCAST),
	/* Configure interfaces, routes, firewall: in the container's own network namespace only,
	 * but it opens netfilter to attack: CVE-2021-22555 (netfilter heap overflow) became a
	 * Kubernetes container escape through CAP_NET_ADMIN in a user namespace. */
	NAME(NET_ADMIN),
	/* kept: raw and packet sockets (ping, tcpdump). Dangerous too: ARP and DNS spoofing of other
	 * containers on the same bridge, and CVE-2020-14386 (AF_PACKET memory corruption, root on the
	 * host). Kubernetes' restricted profile drops it; Docker keeps it for ping. */
	NAME(NET_RAW),
	NAME(IPC_LOCK),  /* lock memory (mlock) beyond RLIMIT_MEMLOCK: starve the host of RAM */
	NAME(IPC_OWNER), /* ignore permissions on System V IPC objects */
	/* Load kernel modules: any code, running as the kernel. The end of all isolation. */
	NAME(SYS_MODULE),
	/* iopl/ioperm, /dev/mem, /dev/port: talk to hardware directly, read physical memory. */
	NAME(SYS_RAWIO),
	NAME(SYS_CHROOT), /* kept: chroot(2), harmless once pivot_root has hidden the host */
	/* ptrace any process (of any uid) we can see, read and write its memory. A runtime process
	 * that joins a running container (tinydock exec, runc exec) is briefly the HOST's binary:
	 * attach to it or open /proc/PID/exe and the host binary is reachable (CVE-2019-5736
	 * overwrote runc itself this way; see security.md). */
	NAME(SYS_PTRACE),
	NAME(SYS_PACCT), /* acct(2): log every process exit of the host into a file */
	/* "The new root" (capabilities(7) calls it overloaded): mount, umount, pivot_root, swapon,
	 * quotactl, setns, sethostname... Mount a host block device, or a cgroup v1 hierarchy
	 * and set its release_agent to a program the host runs as root (CVE-2022-0492). */
	NAME(SYS_ADMIN),
	NAME(SYS_BOOT), /* reboot the host, or kexec_load another kernel into it */
	NAME(SYS_NICE), /* raise priorities, pin NUMA memory (mbind, migrate_pages): starve the host */
	NAME(SYS_RESOURCE), /* ignore resource limits and disk quotas, use reserved disk space */
	NAME(SYS_TIME),       /* set the host's clock: time is not namespaced (except CLOCK_MONOTONIC offsets) */
	NAME(SYS_TTY_CONFIG), /* vhangup(2), reprogram the host's virtual consoles and keyboard */
	/* kept: create device nodes, as Docker keeps it. `mknod sda b 8 0` makes the host's disk;
	 * what refuses to OPEN it is the device cgroup that chapter 03 sets up before the container
	 * runs (03-cgroups/device-cgroup.c: Docker's default devices only). Without a cgroup
	 * (chapter 02's run alone) the node opens. */
	NAME(MKNOD),
	NAME(LEASE),            /* file leases */
	NAME(AUDIT_WRITE),      /* kept: write audit records (sshd, login need it) */
	NAME(AUDIT_CONTROL),    /* change the host's audit rules: blind the auditors */
	NAME(SETFCAP),          /* kept: set file capabilities (package installs that set them) */
	NAME(MAC_OVERRIDE),     /* override AppArmor/SELinux/Smack */
	NAME(MAC_ADMIN),        /* change the AppArmor/SELinux/Smack policy itself */
	NAME(SYSLOG),           /* read the kernel log and kernel addresses: defeats KASLR */
	NAME(WAKE_ALARM),       /* wake the host from suspend */
	NAME(BLOCK_SUSPEND),    /* keep the host from suspending */
	NAME(AUDIT_READ),       /* read the host's audit log through netlink */
	NAME(PERFMON),          /* perf_event_open on everything: side channels, kernel attack surface */
	NAME(BPF),              /* load eBPF programs into the kernel: the verifier is attack surface */
	NAME(CHECKPOINT_RESTORE), /* choose the next PID, read other processes' mapped files */
};

uint64_t capability_all(void)
{
	return (CAPABILITY_BIT(CAPABILITY_LAST) << 1) - 1;
}

uint64_t capability_docker_default(void)
{
	/* moby's oci/caps/defaults.go; the `docker run` reference lists the same fourteen under
	 * "Runtime privilege and Linux capabilities". */
	static const int defaults[] = {
		CAP_CHOWN,  CAP_DAC_OVERRIDE, CAP_FSETID,  CAP_FOWNER,           CAP_MKNOD,
		CAP_NET_RAW, CAP_SETGID,      CAP_SETUID,  CAP_SETFCAP,          CAP_SETPCAP,
		CAP_NET_BIND_SERVICE,         CAP_SYS_CHROOT, CAP_KILL,          CAP_AUDIT_WRITE,
	};
	uint64_t set = 0;
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		set |= CAPABILITY_BIT(defaults[i]);
	return set;
}

const char *capability_name(int cap)
{
	return cap >= 0 && cap <= CAPABILITY_LAST ? names[cap] : NULL;
}

int capability_from_name(const char *name)
{
	/* Docker's spelling rules: any case, "CAP_" optional. Normalise to "CAP_NAME". */
	char wanted[64] = "CAP_";
	size_t skip = strncasecmp(name, "CAP_", 4) == 0 ? 4 : 0;
	size_t length = strlen(name + skip);
	if (length == 0 || length >= sizeof(wanted) - 4)
		return fail_errno(0, "unknown capability \"%s\"", name);
	for (size_t i = 0; i < length; i++)
		wanted[4 + i] = (char)toupper((unsigned char)name[skip + i]);
	wanted[4 + length] = '\0';
	for (int cap = 0; cap <= CAPABILITY_LAST; cap++)
		if (strcmp(names[cap], wanted) == 0)
			return cap;
	return fail_errno(0, "unknown capability \"%s\"", wanted);
}

int capability_parse_list(const char *list, uint64_t *set)
{
	uint64_t result = 0;
	const char *item = list;
	for (;;) {
		const char *end = strchr(item, ',');
		size_t length = end ? (size_t)(end - item) : strlen(item);
		char name[64];
		if (length == 0)
			return fail_errno(0, "empty capability name in \"%s\"", list);
		if (length >= sizeof(name))
			return fail_errno(0, "unknown capability \"%.*s...\"", 32, item);
		memcpy(name, item, length);
		name[length] = '\0';
		if (strcasecmp(name, "ALL") == 0) {
			result |= capability_all();
		} else {
			int cap = capability_from_name(name);
			if (cap < 0)
				return -1;
			result |= CAPABILITY_BIT(cap);
		}
		if (!end)
			break;
		item = end + 1;
	}
	*set = result;
	return 0;
}

char *capability_set_names(uint64_t set, char *buf, size_t size)
{
	size_t used = 0;
	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (int cap = 0; cap <= CAPABILITY_LAST; cap++) {
		if (!(set & CAPABILITY_BIT(cap)))
			continue;
		int n = snprintf(buf + used, size - used, "%s%s", used ? " " : "", names[cap]);
		if (n < 0 || (size_t)n >= size - used) {
			buf[used] = '\0'; /* whole names only; the hex value printed beside it is exact */
			return buf;
		}
		used += (size_t)n;
	}
	if (used == 0)
		snprintf(buf, size, "(none)");
	return buf;
}

int capability_kernel_last(void)
{
	/* An older kernel knows fewer capabilities (CAP_BPF came in 5.8): PR_CAPBSET_DROP of an
	 * unknown number fails with EINVAL, and capset refuses bits it does not know. */
	static int last = -1;
	if (last >= 0)
		return last;
	last = CAPABILITY_LAST;
	int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		char text[16];
		ssize_t n = read(fd, text, sizeof(text) - 1);
		if (n > 0) {
			text[n] = '\0';
			int value = atoi(text);
			if (value > 0 && value < CAPABILITY_LAST)
				last = value;
		}
		close(fd);
	}
	return last;
}

uint64_t capability_bounding_set(void)
{
	uint64_t set = 0;
	for (int cap = 0; cap <= capability_kernel_last(); cap++)
		if (prctl(PR_CAPBSET_READ, (unsigned long)cap, 0, 0, 0) == 1)
			set |= CAPABILITY_BIT(cap);
	return set;
}

int capability_drop_bounding(uint64_t keep)
{
	/* One prctl per capability: the kernel has no call that takes a whole set. A capability
	 * that is already out of the bounding set is skipped, so this also works for a process
	 * that lost CAP_SETPCAP after its bounding set was already small enough. */
	char dropped[2048];
	size_t used = 0;
	int count = 0;
	dropped[0] = '\0';
	for (int cap = 0; cap <= capability_kernel_last(); cap++) {
		if (keep & CAPABILITY_BIT(cap))
			continue;
		if (prctl(PR_CAPBSET_READ, (unsigned long)cap, 0, 0, 0) != 1)
			continue;
		if (prctl(PR_CAPBSET_DROP, (unsigned long)cap, 0, 0, 0) < 0) {
			int err = errno;
			explain_result(CHAPTER, -1, "prctl(PR_CAPBSET_DROP, %s)", names[cap]);
			/* EPERM: no CAP_SETPCAP in the effective set, typically because the process
			 * changed to a non-root uid without PR_SET_KEEPCAPS and lost them all. */
			return fail_errno(err, "cannot drop %s from the bounding set%s", names[cap],
					  err == EPERM ? " without CAP_SETPCAP (was it lost in a setresuid "
							 "to a non-root user without PR_SET_KEEPCAPS?)"
						       : "");
		}
		int n = snprintf(dropped + used, sizeof(dropped) - used, "%s%s", count ? " " : "",
				 names[cap] + 4);
		if (n > 0 && (size_t)n < sizeof(dropped) - used)
			used += (size_t)n;
		count++;
	}
	if (explain_enabled()) {
		explain(CHAPTER, "prctl(PR_CAPBSET_DROP, cap) for %d capabilities: %s = 0", count,
			count ? dropped : "(none to drop)");
		char kept[2048];
		uint64_t now = capability_bounding_set(); /* read back from the kernel: the truth */
		explain(CHAPTER, "bounding set now 0x%016llx: %s", (unsigned long long)now,
			capability_set_names(now, kept, sizeof(kept)));
	}
	return 0;
}

/* capget(2)/capset(2) take 64 bits as two 32-bit halves (_LINUX_CAPABILITY_VERSION_3). */
int capability_get(uint64_t *effective, uint64_t *permitted, uint64_t *inheritable)
{
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &header, data) < 0)
		return fail_sys("cannot read the capabilities (capget)");
	*effective = (uint64_t)data[1].effective << 32 | data[0].effective;
	*permitted = (uint64_t)data[1].permitted << 32 | data[0].permitted;
	*inheritable = (uint64_t)data[1].inheritable << 32 | data[0].inheritable;
	return 0;
}

int capability_set(uint64_t effective, uint64_t permitted, uint64_t inheritable)
{
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2] = {
		{ (uint32_t)effective, (uint32_t)permitted, (uint32_t)inheritable },
		{ (uint32_t)(effective >> 32), (uint32_t)(permitted >> 32), (uint32_t)(inheritable >> 32) },
	};
	long rc = syscall(SYS_capset, &header, data);
	if (explain_enabled()) {
		char kept[2048];
		if (effective == permitted)
			explain_result(CHAPTER, rc, "capset(effective=permitted=0x%016llx, inheritable=0x%016llx) [%s]",
				       (unsigned long long)effective, (unsigned long long)inheritable,
				       capability_set_names(permitted, kept, sizeof(kept)));
		else
			explain_result(CHAPTER, rc, "capset(effective=0x%016llx, permitted=0x%016llx, inheritable=0x%016llx)",
				       (unsigned long long)effective, (unsigned long long)permitted,
				       (unsigned long long)inheritable);
	}
	if (rc < 0)
		return fail_sys("cannot set the capabilities to effective=0x%016llx permitted=0x%016llx (capset)",
				(unsigned long long)effective, (unsigned long long)permitted);
	return 0;
}

int capability_clear_ambient(void)
{
	/* Ambient capabilities (Linux 4.3) survive execve even for a non-root user. We keep none,
	 * so a container started with -u 1000 has no capabilities at all after execve, as in
	 * Docker: the kernel clears permitted and effective when a non-root user executes a
	 * program without file capabilities. EINVAL: a kernel older than 4.3 has no ambient set. */
	int rc = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	explain_result(CHAPTER, rc, "prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)");
	if (rc < 0 && errno != EINVAL)
		return fail_sys("cannot clear the ambient capabilities");
	return 0;
}
