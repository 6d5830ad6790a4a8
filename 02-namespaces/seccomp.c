/*
 * seccomp.c - the container's system call filter, written as classic BPF by hand.
 *
 * Reduced privileges: seccomp. Namespaces change what a process SEES; capabilities
 * change what the kernel LETS it do; but every system call still reaches kernel code, and
 * kernel code has bugs. seccomp ("secure computing", Linux 3.5) lets a process attach a small
 * program to itself that the kernel runs before EVERY system call: it sees the call's number,
 * the architecture and the six argument registers (struct seccomp_data), and returns a
 * verdict: allow, fail with an errno, or kill. The filter is inherited by children and kept
 * across execve, and it can never be removed, only made stricter.
 *
 * The program is classic BPF (the packet filter language of tcpdump, 1992): an accumulator A,
 * loads from the seccomp_data ("ld [0]" loads nr), conditional jumps that only go forward
 * (so every program ends), and "ret" with the verdict. Our program:
 *
 *     ld [4]                      A = arch
 *     jeq #AUDIT_ARCH_X86_64, 1, 0
 *     ret KILL_PROCESS            another ABI (i386 via int 0x80): numbers mean other calls
 *     ld [0]                      A = nr
 *     jge #0x40000000, 0, 1       the x32 ABI: same arch value, numbers with bit 30 set
 *     ret KILL_PROCESS
 *     jgt #466, 0, 1              newer than every call the table knows?
 *     ret ERRNO(ENOSYS)           ... as a kernel without the call would answer
 *     jge #336, 0, 2              x86-64's unassigned numbers 336..423: the same
 *     jgt #423, 1, 0
 *     ret ERRNO(ENOSYS)
 *     jeq #250, 0, 1              keyctl?
 *     ret ERRNO(EPERM)            ... one pair per refused call ...
 *     jeq #56, 0, 4               clone? then look at its flags:
 *     ld [16]                     A = low 32 bits of args[0]
 *     jset #0x7e020000, 0, 1      any CLONE_NEW* flag?
 *     ret ERRNO(EPERM)
 *     ret ALLOW                   clone without new namespaces (fork, threads)
 *     ...
 *     ret ALLOW                   every known number not refused
 *
 * Docker's default profile is an allow list: about 360 calls by name, the rest refused,
 * including calls newer than the profile. Ours names the ~70 known calls that Docker leaves
 * out and allows the other known ones, which is shorter to read and teach; the ceiling makes
 * it as safe as an allow list against new calls: every number above the highest the table
 * was written for (SECCOMP_LAST_KNOWN) is refused until someone reviews it. Which calls, and
 * which kept capability lifts each rule (--cap-add SYS_ADMIN for mount: the capability was
 * given precisely to make that call), follow Docker's profile; a unit test reads the profile
 * and compares the two for every x86-64 number.
 *
 * EPERM or ENOSYS: a call refused by policy says EPERM ("not allowed"), as Docker does. A
 * number the table does not know says ENOSYS ("no such call"), the kernel's own answer on a
 * kernel too old for it, so that programs fall back to an older call as they already do
 * there; runc answers the same above the highest call a profile names. clone3 says ENOSYS
 * for the same reason: glibc then falls back to clone, whose flags the filter can check.
 *
 * References: Documentation/userspace-api/seccomp_filter.rst, seccomp(2), bpf in
 * Documentation/networking/filter.rst (classic BPF), moby's profiles/seccomp/default.json.
 * Read next: security.c, which installs this after dropping capabilities.
 */
#include "seccomp.h"
#include "capabilities.h"
#include "error.h"
#include "explain.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

static const char CHAPTER[] = "02-namespaces";

#if defined(__x86_64__)
#define ARCHITECTURE AUDIT_ARCH_X86_64
/* x32 (64-bit registers, 32-bit pointers) reports AUDIT_ARCH_X86_64 too, with this bit set in
 * the call number: __X32_SYSCALL_BIT in <asm/unistd.h>. A filter that only compares numbers
 * would let x32's "keyctl" through under another number, so any number with this bit dies. */
#define X32_SYSCALL_BIT 0x40000000u
/* x86-64's own range below the numbers shared by every architecture (424 on): unassigned when
 * the table was written (uprobe has taken 336 since). A new x86-only call would land here,
 * under SECCOMP_LAST_KNOWN, so it is refused as unknown too. */
#define UNASSIGNED_FIRST 336u
#define UNASSIGNED_LAST 423u
#elif defined(__aarch64__)
#define ARCHITECTURE AUDIT_ARCH_AARCH64
#else
#error "seccomp.c knows x86-64 and aarch64: add your architecture's AUDIT_ARCH_ value"
#endif

/* Offsets into struct seccomp_data. The argument registers are 64 bits; classic BPF loads
 * 32: the low half sits first on a little-endian machine. */
#define OFFSET_NR offsetof(struct seccomp_data, nr)
#define OFFSET_ARCH offsetof(struct seccomp_data, arch)
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define OFFSET_ARG0_LOW offsetof(struct seccomp_data, args[0])
#else
#define OFFSET_ARG0_LOW (offsetof(struct seccomp_data, args[0]) + 4)
#endif

/* Every CLONE_NEW* flag that clone(2) takes (CLONE_NEWTIME shares its bit with the exit
 * signal in clone's flags, and clone cannot make a time namespace). Docker's mask is the same. */
#define CLONE_NAMESPACES                                                                           \
	(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | \
	 CLONE_NEWNET)

#define CAP(name) CAPABILITY_BIT(CAP_##name)
/* REFUSE(keyctl) is a rule that refuses keyctl with EPERM; options follow as field initialisers. */
#define REFUSE(call, ...) \
	{ .nr = __NR_##call, .name = #call, .error = EPERM, .match = SECCOMP_MATCH_ANY, __VA_ARGS__ }

/* Calls newer than the kernel headers of the machine that builds tinydock. Numbers from 424
 * on are the same on every architecture (arch/x86/entry/syscalls/syscall_64.tbl). */
#ifndef __NR_lsm_get_self_attr
#define __NR_lsm_get_self_attr 459
#define __NR_lsm_set_self_attr 460
#define __NR_lsm_list_modules 461
#endif

/* The rules, grouped by the attack they stop (security.md tells the stories). Which calls,
 * and which capability lifts each rule, follow Docker's default profile for x86-64 call by
 * call; a unit test reads the profile and compares every number from 0 to 1023. */
const struct seccomp_rule seccomp_rules[] = {
	/* The kernel keyring is not namespaced: a container could read or fill the host's keys,
	 * and its code had bugs like CVE-2016-0728 (a reference count overflow to root). */
	REFUSE(keyctl),
	REFUSE(add_key),
	REFUSE(request_key),

	/* eBPF programs run in the kernel after a verifier checks them; verifier bugs gave
	 * kernel read/write to anyone who could load one (CVE-2017-16995, CVE-2021-3490). */
	REFUSE(bpf, .unless_capabilities = CAP(SYS_ADMIN) | CAP(BPF)),

	/* Before Linux 4.8 a tracer could change a system call's number AFTER seccomp had
	 * checked it, so ptrace walked around the filter. Since 4.8 seccomp checks again after
	 * the tracer; ptrace of processes of other users still needs CAP_SYS_PTRACE, and the
	 * PID namespace hides the host's processes. So, like Docker, we refuse ptrace and its
	 * two memory-copying cousins only on older kernels: strace and gdb work inside. */
	REFUSE(ptrace, .unless_capabilities = CAP(SYS_PTRACE), .until_kernel = SECCOMP_KERNEL(4, 8)),
	REFUSE(process_vm_readv, .unless_capabilities = CAP(SYS_PTRACE), .until_kernel = SECCOMP_KERNEL(4, 8)),
	REFUSE(process_vm_writev, .unless_capabilities = CAP(SYS_PTRACE), .until_kernel = SECCOMP_KERNEL(4, 8)),
	/* Compare another process's kernel objects, take a copy of its file descriptor, advise
	 * the kernel about its memory: Docker leaves these to CAP_SYS_PTRACE on every kernel. */
	REFUSE(kcmp, .unless_capabilities = CAP(SYS_PTRACE)),
	REFUSE(pidfd_getfd, .unless_capabilities = CAP(SYS_PTRACE)),
	REFUSE(process_madvise, .unless_capabilities = CAP(SYS_PTRACE)),

	/* Replace the running kernel, or restart the machine: not the container's to decide.
	 * CAP_SYS_BOOT lifts reboot (in a PID namespace it only ends the container, see
	 * pid_namespaces(7)), never kexec. */
	REFUSE(kexec_load),
#ifdef __NR_kexec_file_load
	REFUSE(kexec_file_load),
#endif
	REFUSE(reboot, .unless_capabilities = CAP(SYS_BOOT)),

	/* A kernel module is code running as the kernel. */
	REFUSE(init_module, .unless_capabilities = CAP(SYS_MODULE)),
	REFUSE(finit_module, .unless_capabilities = CAP(SYS_MODULE)),
	REFUSE(delete_module, .unless_capabilities = CAP(SYS_MODULE)),
#ifdef __NR_create_module
	REFUSE(create_module), /* Linux 2.4's module calls: gone from the kernel, refused anyway */
	REFUSE(get_kernel_syms),
	REFUSE(query_module),
#endif

	/* Mounting a block device of the host, or a cgroup v1 hierarchy with a release_agent
	 * (CVE-2022-0492), reaches out of the container. In a container with its own user
	 * namespace the kernel itself only lets the container mount in its own mount namespace
	 * (and only filesystems marked safe for it), so there the calls are left to the kernel
	 * (our addition: Docker's profile knows nothing of user namespaces). pivot_root is
	 * refused even with CAP_SYS_ADMIN, as in Docker: only --privileged has it. */
	REFUSE(mount, .unless_capabilities = CAP(SYS_ADMIN), .unless_user_namespace = true),
	REFUSE(umount2, .unless_capabilities = CAP(SYS_ADMIN), .unless_user_namespace = true),
	REFUSE(pivot_root, .unless_user_namespace = true),
	/* The new mount API (Linux 5.2). fsconfig is where CVE-2022-0185 lived: a heap overflow
	 * in the legacy-option parser, reachable by anyone who could unshare a user namespace. */
	REFUSE(fsopen, .unless_capabilities = CAP(SYS_ADMIN)),
	REFUSE(fsconfig, .unless_capabilities = CAP(SYS_ADMIN)),
	REFUSE(fsmount, .unless_capabilities = CAP(SYS_ADMIN)),
	REFUSE(fspick, .unless_capabilities = CAP(SYS_ADMIN)),
	REFUSE(open_tree, .unless_capabilities = CAP(SYS_ADMIN)),
	REFUSE(move_mount, .unless_capabilities = CAP(SYS_ADMIN)),
#ifdef __NR_mount_setattr
	REFUSE(mount_setattr, .unless_capabilities = CAP(SYS_ADMIN)),
#endif

	/* New namespaces from inside: a new USER namespace gives its creator every capability
	 * inside it, and with them the kernel code that used to be root-only (netfilter,
	 * filesystem mounts: CVE-2022-0185, CVE-2021-22555). clone is checked on its flags, so
	 * fork and threads still work; unshare is refused whole, as Docker does (a program that
	 * only wants unshare(CLONE_FILES) is rare, and one rule less to get wrong). */
	{ .nr = __NR_clone, .name = "clone", .detail = "new namespaces", .error = EPERM, .match = SECCOMP_MATCH_FLAGS,
	  .mask = CLONE_NAMESPACES, .unless_capabilities = CAP(SYS_ADMIN) },
	REFUSE(unshare, .unless_capabilities = CAP(SYS_ADMIN)),
#ifdef __NR_clone3
	/* clone3 passes its flags in a struct in memory, and BPF sees only registers: the filter
	 * cannot check them. ENOSYS (not EPERM) makes glibc >= 2.34 fall back to clone, whose
	 * flags we can check. */
	{ .nr = __NR_clone3, .name = "clone3", .detail = "ENOSYS", .error = ENOSYS, .match = SECCOMP_MATCH_ANY,
	  .unless_capabilities = CAP(SYS_ADMIN) },
#endif
	/* Join another namespace through a file descriptor (one leaked from the host, say). */
	REFUSE(setns, .unless_capabilities = CAP(SYS_ADMIN)),
	/* The container's names are the runtime's to set (--hostname); the kernel wants
	 * CAP_SYS_ADMIN for them too. */
	REFUSE(sethostname, .unless_capabilities = CAP(SYS_ADMIN)),
	REFUSE(setdomainname, .unless_capabilities = CAP(SYS_ADMIN)),
	/* chroot inside the container is harmless with the capability the kernel asks for, and
	 * refused without it (--cap-drop SYS_CHROOT), as in Docker. */
	REFUSE(chroot, .unless_capabilities = CAP(SYS_CHROOT)),

	/* The "shocker" escape (2014): open_by_handle_at opens a file of the HOST's filesystem
	 * from a guessed handle, without any path, so the mount namespace does not stop it.
	 * (name_to_handle_at only makes a handle, and Docker allows it.) */
	REFUSE(open_by_handle_at, .unless_capabilities = CAP(DAC_READ_SEARCH)),

	/* Performance counters watch the whole machine (side channels) and are a large, buggy
	 * kernel surface; userfaultfd lets an exploit pause the kernel in the middle of copying
	 * from user memory, the classic way to win a kernel race (no capability lifts it). */
	REFUSE(perf_event_open, .unless_capabilities = CAP(SYS_ADMIN) | CAP(PERFMON)),
	REFUSE(userfaultfd),
	REFUSE(fanotify_init, .unless_capabilities = CAP(SYS_ADMIN)),
	/* io_uring: a second system call interface that seccomp cannot see into, and the source
	 * of many kernel exploits; Docker refuses it since moby 25. */
#ifdef __NR_io_uring_setup
	REFUSE(io_uring_setup),
	REFUSE(io_uring_enter),
	REFUSE(io_uring_register),
#endif
	/* Sockets of two families: AF_VSOCK (40) talks to the hypervisor and, in a virtual
	 * machine's guest, to the host (CVE-2021-26708 was a race in it to root); AF_ALG (38)
	 * is the kernel's crypto API as a socket, a large surface with a history of
	 * use-after-frees (CVE-2019-8912). Docker's profile allows every other family. */
	{ .nr = __NR_socket, .name = "socket", .detail = "AF_ALG AF_VSOCK", .error = EPERM,
	  .match = SECCOMP_MATCH_VALUES, .values = { 38 /* AF_ALG */, 40 /* AF_VSOCK */ }, .value_count = 2 },

	/* Host-wide state that no namespace covers: swap, the clock, process accounting, disk
	 * quotas, the kernel log (which shows kernel addresses, defeating KASLR). adjtimex and
	 * clock_adjtime are allowed, as in Docker: they only read the clock unless the kernel
	 * finds CAP_SYS_TIME. */
	REFUSE(swapon),
	REFUSE(swapoff),
	REFUSE(settimeofday, .unless_capabilities = CAP(SYS_TIME)),
	REFUSE(clock_settime, .unless_capabilities = CAP(SYS_TIME)),
	REFUSE(acct, .unless_capabilities = CAP(SYS_PACCT)),
	REFUSE(quotactl, .unless_capabilities = CAP(SYS_ADMIN)),
#ifdef __NR_quotactl_fd
	REFUSE(quotactl_fd, .unless_capabilities = CAP(SYS_ADMIN)),
#endif
	REFUSE(syslog, .unless_capabilities = CAP(SYS_ADMIN) | CAP(SYSLOG)),
	REFUSE(vhangup, .unless_capabilities = CAP(SYS_TTY_CONFIG)),
#ifdef __NR_lookup_dcookie
	REFUSE(lookup_dcookie, .unless_capabilities = CAP(SYS_ADMIN)),
#endif
	/* The security modules' attributes of a process (Linux 6.8): its AppArmor or SELinux
	 * label is the runtime's business. */
	REFUSE(lsm_get_self_attr, .unless_capabilities = CAP(SYS_ADMIN)),
	REFUSE(lsm_set_self_attr, .unless_capabilities = CAP(SYS_ADMIN)),
	REFUSE(lsm_list_modules, .unless_capabilities = CAP(SYS_ADMIN)),
	/* Direct access to I/O ports: talk to the host's hardware. */
#ifdef __NR_iopl
	REFUSE(iopl, .unless_capabilities = CAP(SYS_RAWIO)),
	REFUSE(ioperm, .unless_capabilities = CAP(SYS_RAWIO)),
#endif
	/* NUMA memory placement: pin memory on the host's nodes, disturb other tenants. Moving
	 * pages of other processes is refused whatever the capabilities. */
	REFUSE(mbind, .unless_capabilities = CAP(SYS_NICE)),
	REFUSE(set_mempolicy, .unless_capabilities = CAP(SYS_NICE)),
	REFUSE(get_mempolicy, .unless_capabilities = CAP(SYS_NICE)),
#ifdef __NR_set_mempolicy_home_node
	REFUSE(set_mempolicy_home_node, .unless_capabilities = CAP(SYS_NICE)),
#endif
	REFUSE(migrate_pages),
	REFUSE(move_pages),

	/* personality(2) with odd personas switches off protections for the process and its
	 * children: ADDR_NO_RANDOMIZE (no ASLR), READ_IMPLIES_EXEC (executable data). Allowed:
	 * PER_LINUX (0), PER_LINUX32 (8), UNAME26 (0x20000) and both, and 0xffffffff (a query). */
	{ .nr = __NR_personality, .name = "personality", .detail = "odd values", .error = EPERM,
	  .match = SECCOMP_MATCH_NOT_VALUES, .values = { 0x0, 0x8, 0x20000, 0x20008, 0xffffffff }, .value_count = 5 },

	/* Obsolete or never implemented calls, that nothing needs: old code that nobody reviews
	 * is attack surface (uselib: CVE-2004-1235). */
#ifdef __NR_vm86
	REFUSE(vm86),
	REFUSE(vm86old),
#endif
#ifdef __NR_nfsservctl
	REFUSE(nfsservctl),
#endif
#ifdef __NR_uselib
	REFUSE(uselib),
#endif
#ifdef __NR_sysfs
	REFUSE(sysfs),
#endif
#ifdef __NR__sysctl
	REFUSE(_sysctl),
#endif
#ifdef __NR_ustat
	REFUSE(ustat),
#endif
#ifdef __NR_getpmsg
	/* Numbers reserved for code that never entered Linux (STREAMS, AFS, the TUX web server,
	 * Linux-VServer): the kernel answers ENOSYS; refused before they reach it, as in Docker. */
	REFUSE(getpmsg),
	REFUSE(putpmsg),
	REFUSE(afs_syscall),
	REFUSE(tuxcall),
	REFUSE(security),
	REFUSE(vserver),
#endif
};

const size_t seccomp_rule_count = sizeof(seccomp_rules) / sizeof(seccomp_rules[0]);

bool seccomp_rule_applies(const struct seccomp_rule *rule, const struct seccomp_policy *policy)
{
	if (rule->unless_capabilities & policy->capabilities)
		return false;
	if (rule->unless_user_namespace && policy->in_user_namespace)
		return false;
	if (rule->until_kernel && policy->kernel >= rule->until_kernel)
		return false;
	return true;
}

uint32_t seccomp_architecture(void)
{
	return ARCHITECTURE;
}

/* --- assembling ------------------------------------------------------------------------ */

struct assembler {
	struct sock_filter *code;
	const char **notes;
	size_t length, capacity;
};

static int emit(struct assembler *a, struct sock_filter insn, const char *note)
{
	if (a->length == a->capacity) {
		size_t capacity = a->capacity ? 2 * a->capacity : 128;
		struct sock_filter *code = realloc(a->code, capacity * sizeof(*code));
		if (!code)
			return fail_sys("cannot assemble the seccomp filter");
		a->code = code;
		const char **notes = realloc(a->notes, capacity * sizeof(*notes));
		if (!notes)
			return fail_sys("cannot assemble the seccomp filter");
		a->notes = notes;
		a->capacity = capacity;
	}
	a->code[a->length] = insn;
	a->notes[a->length] = note;
	a->length++;
	return 0;
}

#define LOAD(offset) ((struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)(offset)))
#define RETURN(verdict) ((struct sock_filter)BPF_STMT(BPF_RET | BPF_K, (verdict)))
#define JUMP(op, k, jt, jf) ((struct sock_filter)BPF_JUMP(BPF_JMP | (op) | BPF_K, (k), (jt), (jf)))
#define REFUSAL(error) (SECCOMP_RET_ERRNO | ((uint32_t)(error) & SECCOMP_RET_DATA))

/* Each rule is tested only when A holds the call number, and falls through to the next rule
 * with A unchanged when the number does not match; a rule that loads an argument ends with
 * its own "ret ALLOW", so A is never stale. All jumps are short and forward. */
static int emit_rule(struct assembler *a, const struct seccomp_rule *rule)
{
	uint32_t nr = (uint32_t)rule->nr;
	int rc = 0;
	switch (rule->match) {
	case SECCOMP_MATCH_ANY:
		rc |= emit(a, JUMP(BPF_JEQ, nr, 0, 1), rule->name);
		rc |= emit(a, RETURN(REFUSAL(rule->error)), "refuse");
		break;
	case SECCOMP_MATCH_FLAGS:
		rc |= emit(a, JUMP(BPF_JEQ, nr, 0, 4), rule->name);
		rc |= emit(a, LOAD(OFFSET_ARG0_LOW), "load the flags (low 32 bits of args[0])");
		rc |= emit(a, JUMP(BPF_JSET, rule->mask, 0, 1), "a new namespace?");
		rc |= emit(a, RETURN(REFUSAL(rule->error)), "refuse");
		rc |= emit(a, RETURN(SECCOMP_RET_ALLOW), "allow");
		break;
	case SECCOMP_MATCH_VALUES: {
		/* a matching value jumps over "ret ALLOW" to the refusal */
		uint8_t n = (uint8_t)rule->value_count;
		rc |= emit(a, JUMP(BPF_JEQ, nr, 0, (uint8_t)(n + 3)), rule->name);
		rc |= emit(a, LOAD(OFFSET_ARG0_LOW), "load args[0] (low 32 bits)");
		for (uint8_t i = 0; i < n; i++)
			rc |= emit(a, JUMP(BPF_JEQ, rule->values[i], (uint8_t)(n - i), 0), "a refused value?");
		rc |= emit(a, RETURN(SECCOMP_RET_ALLOW), "allow");
		rc |= emit(a, RETURN(REFUSAL(rule->error)), "refuse");
		break;
	}
	case SECCOMP_MATCH_NOT_VALUES: {
		uint8_t n = (uint8_t)rule->value_count;
		rc |= emit(a, JUMP(BPF_JEQ, nr, 0, (uint8_t)(n + 3)), rule->name);
		rc |= emit(a, LOAD(OFFSET_ARG0_LOW), "load args[0] (low 32 bits)");
		for (uint8_t i = 0; i < n; i++)
			rc |= emit(a, JUMP(BPF_JEQ, rule->values[i], (uint8_t)(n - i), 0), "an allowed value?");
		rc |= emit(a, RETURN(REFUSAL(rule->error)), "refuse");
		rc |= emit(a, RETURN(SECCOMP_RET_ALLOW), "allow");
		break;
	}
	}
	return rc ? -1 : 0;
}

int seccomp_build(const struct seccomp_policy *policy, struct seccomp_program *program)
{
	struct assembler a = { 0 };
	int rc = 0;
	rc |= emit(&a, LOAD(OFFSET_ARCH), "load the architecture");
	rc |= emit(&a, JUMP(BPF_JEQ, ARCHITECTURE, 1, 0), "the architecture this filter is for?");
	rc |= emit(&a, RETURN(SECCOMP_RET_KILL_PROCESS), "another ABI: kill");
	rc |= emit(&a, LOAD(OFFSET_NR), "load the system call number");
#ifdef X32_SYSCALL_BIT
	rc |= emit(&a, JUMP(BPF_JGE, X32_SYSCALL_BIT, 0, 1), "an x32 system call?");
	rc |= emit(&a, RETURN(SECCOMP_RET_KILL_PROCESS), "the x32 ABI: kill");
#endif
	/* A number the table was not written for is refused, as an allow list would: ENOSYS, the
	 * kernel's own answer for a call it does not have, so that a program falls back to an
	 * older call as it would on an older kernel (glibc does, for clone3, statx, ...). runc
	 * answers so above the highest call Docker's profile names. */
	rc |= emit(&a, JUMP(BPF_JGT, SECCOMP_LAST_KNOWN, 0, 1), "newer than every call this table knows?");
	rc |= emit(&a, RETURN(REFUSAL(ENOSYS)), "unknown: refuse as a kernel without it would");
#ifdef UNASSIGNED_FIRST
	rc |= emit(&a, JUMP(BPF_JGE, UNASSIGNED_FIRST, 0, 2), "x86-64's unassigned numbers,");
	rc |= emit(&a, JUMP(BPF_JGT, UNASSIGNED_LAST, 1, 0), "336 to 423?");
	rc |= emit(&a, RETURN(REFUSAL(ENOSYS)), "unknown: refuse as a kernel without it would");
#endif
	for (size_t i = 0; i < seccomp_rule_count && rc == 0; i++)
		if (seccomp_rule_applies(&seccomp_rules[i], policy))
			rc |= emit_rule(&a, &seccomp_rules[i]);
	rc |= emit(&a, RETURN(SECCOMP_RET_ALLOW), "everything else: allow");
	if (rc != 0 || a.length > BPF_MAXINSNS) {
		free(a.code);
		free(a.notes);
		return rc ? -1 : fail_errno(0, "the seccomp filter has %zu instructions, over the kernel's %d",
					    a.length, BPF_MAXINSNS);
	}
	program->code = a.code;
	program->notes = a.notes;
	program->length = a.length;
	return 0;
}

void seccomp_program_free(struct seccomp_program *program)
{
	free(program->code);
	free((void *)program->notes);
	program->code = NULL;
	program->notes = NULL;
	program->length = 0;
}

static const char *verdict_text(uint32_t k, char *buf, size_t size)
{
	uint32_t action = k & SECCOMP_RET_ACTION_FULL;
	if (action == SECCOMP_RET_ALLOW)
		snprintf(buf, size, "ALLOW");
	else if (action == SECCOMP_RET_KILL_PROCESS)
		snprintf(buf, size, "KILL_PROCESS");
	else if (action == SECCOMP_RET_KILL_THREAD)
		snprintf(buf, size, "KILL_THREAD");
	else if (action == SECCOMP_RET_ERRNO) {
		const char *name = strerrorname_np((int)(k & SECCOMP_RET_DATA));
		snprintf(buf, size, "ERRNO(%s)", name ? name : "?");
	} else
		snprintf(buf, size, "#0x%08x", k);
	return buf;
}

char *seccomp_disassemble(const struct sock_filter *insn, char *buf, size_t size)
{
	char verdict[32];
	static const struct {
		uint16_t code;
		const char *name;
	} jumps[] = {
		{ BPF_JMP | BPF_JEQ | BPF_K, "jeq" },
		{ BPF_JMP | BPF_JGT | BPF_K, "jgt" },
		{ BPF_JMP | BPF_JGE | BPF_K, "jge" },
		{ BPF_JMP | BPF_JSET | BPF_K, "jset" },
	};
	if (insn->code == (BPF_LD | BPF_W | BPF_ABS)) {
		snprintf(buf, size, "ld [%u]", insn->k);
		return buf;
	}
	if (insn->code == (BPF_RET | BPF_K)) {
		snprintf(buf, size, "ret %s", verdict_text(insn->k, verdict, sizeof(verdict)));
		return buf;
	}
	for (size_t i = 0; i < sizeof(jumps) / sizeof(jumps[0]); i++)
		if (insn->code == jumps[i].code) {
			/* small constants (system call numbers) in decimal, as syscall tables list
			 * them; masks and architectures in hex */
			snprintf(buf, size, insn->k < 4096 ? "%s #%u, %u, %u" : "%s #0x%x, %u, %u", jumps[i].name,
				 insn->k, insn->jt, insn->jf);
			return buf;
		}
	snprintf(buf, size, "code=0x%04x jt=%u jf=%u k=0x%x", insn->code, insn->jt, insn->jf, insn->k);
	return buf;
}

size_t seccomp_refused_names(const struct seccomp_policy *policy, char *buf, size_t size)
{
	size_t count = 0, used = 0;
	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < seccomp_rule_count; i++) {
		const struct seccomp_rule *rule = &seccomp_rules[i];
		if (!seccomp_rule_applies(rule, policy))
			continue;
		int n = snprintf(buf + used, size - used, "%s%s%s%s%s", count ? " " : "", rule->name,
				 rule->detail ? "(" : "", rule->detail ? rule->detail : "", rule->detail ? ")" : "");
		if (n > 0 && (size_t)n < size - used)
			used += (size_t)n;
		count++;
	}
	return count;
}

unsigned seccomp_running_kernel(void)
{
	struct utsname u;
	unsigned major = 0, minor = 0;
	if (uname(&u) == 0)
		sscanf(u.release, "%u.%u", &major, &minor);
	return SECCOMP_KERNEL(major, minor);
}

/* --- installing ------------------------------------------------------------------------ */

int seccomp_install(const struct seccomp_program *program, const struct seccomp_policy *policy)
{
	if (explain_enabled()) {
		char refused[4096];
		size_t count = seccomp_refused_names(policy, refused, sizeof(refused));
		explain(CHAPTER,
			"seccomp filter: %zu BPF instructions, checks the architecture, refuses every number above %d "
			"(ENOSYS) and %zu system calls: %s",
			program->length, SECCOMP_LAST_KNOWN, count, refused);
	}
	struct sock_fprog fprog = { .len = (unsigned short)program->length, .filter = program->code };
	/* seccomp(2) rather than prctl(PR_SET_SECCOMP): the same filter, plus flags for later
	 * (SECCOMP_FILTER_FLAG_TSYNC to cover every thread; we are single-threaded here). */
	long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog);
	explain_result(CHAPTER, rc, "seccomp(SECCOMP_SET_MODE_FILTER, 0, {len=%zu})", program->length);
	if (rc < 0)
		return fail_sys("cannot install the seccomp filter%s",
				errno == EACCES ? " (needs no_new_privs or CAP_SYS_ADMIN)" : "");
	return 0;
}
