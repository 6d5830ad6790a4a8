/*
 * seccomp.h - the container's system call filter: classic BPF written by hand.
 *
 * Two halves: seccomp_build() assembles the program from the rule table (pure: no system
 * call, unit-tested by running the program on a small BPF interpreter), seccomp_install()
 * hands it to the kernel.
 */
#ifndef TINYDOCK_SECCOMP_H
#define TINYDOCK_SECCOMP_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The highest system call number the rule table was written against: removexattrat (466,
 * Linux 6.13), the highest that Docker's default profile names. Every number above it is
 * refused with ENOSYS, the kernel's own answer for a call it does not have: a call added to
 * Linux later stays refused until someone reviews it and moves this line. */
#define SECCOMP_LAST_KNOWN 466

/* KERNEL_VERSION-style number: (major << 16) | (minor << 8). */
#define SECCOMP_KERNEL(major, minor) (((unsigned)(major) << 16) | ((unsigned)(minor) << 8))

/* What the filter depends on, as in Docker's default profile. */
struct seccomp_policy {
	uint64_t capabilities;  /* kept capabilities: a rule gated by one of them is lifted */
	bool in_user_namespace; /* mount, umount2, pivot_root act on a mount namespace we own */
	unsigned kernel;        /* SECCOMP_KERNEL(major, minor) of the running kernel */
};

/* How a rule looks at the call's first argument. */
enum seccomp_match {
	SECCOMP_MATCH_ANY,        /* refuse the call whatever its arguments */
	SECCOMP_MATCH_FLAGS,      /* refuse when (low 32 bits of arg0) & mask != 0 */
	SECCOMP_MATCH_NOT_VALUES, /* refuse unless the low 32 bits of arg0 are one of values[] */
	SECCOMP_MATCH_VALUES,     /* refuse when the low 32 bits of arg0 are one of values[] */
};

#define SECCOMP_MAX_VALUES 6

/* One line of the filter: refuse system call nr with errno error, unless lifted. */
struct seccomp_rule {
	int nr;
	const char *name;
	const char *detail;        /* what is refused, when not the whole call: "new namespaces" */
	int error;                 /* EPERM, or ENOSYS (clone3: make libc fall back to clone) */
	enum seccomp_match match;
	uint32_t mask;             /* SECCOMP_MATCH_FLAGS */
	uint32_t values[SECCOMP_MAX_VALUES]; /* SECCOMP_MATCH_NOT_VALUES, SECCOMP_MATCH_VALUES */
	size_t value_count;
	uint64_t unless_capabilities; /* lifted when any of these is kept (Docker's "includes caps") */
	bool unless_user_namespace;   /* lifted in a container with its own user namespace */
	unsigned until_kernel;        /* non-zero: only refused on kernels older than this */
};

/* The rule table, in the order the program tests it. */
extern const struct seccomp_rule seccomp_rules[];
extern const size_t seccomp_rule_count;

/* True when the rule is part of the filter for this policy. */
bool seccomp_rule_applies(const struct seccomp_rule *rule, const struct seccomp_policy *policy);

/* The audit architecture the filter accepts (AUDIT_ARCH_X86_64 on x86-64). */
uint32_t seccomp_architecture(void);

/* An assembled program: code[i] with a note[i] saying what the instruction is for. */
struct seccomp_program {
	struct sock_filter *code;
	const char **notes;
	size_t length;
};

/* Assemble the filter for policy (malloc'd; free with seccomp_program_free). */
int seccomp_build(const struct seccomp_policy *policy, struct seccomp_program *program);
void seccomp_program_free(struct seccomp_program *program);

/* One instruction as text, e.g. "jeq #250, 0, 1" ("ld [0]", "ret ERRNO(EPERM)"). */
char *seccomp_disassemble(const struct sock_filter *insn, char *buf, size_t size);

/* The refused system calls of the policy as "keyctl add_key ..." into buf; returns the count
 * (not counting the numbers refused as unknown: above SECCOMP_LAST_KNOWN, x86-64's gap). */
size_t seccomp_refused_names(const struct seccomp_policy *policy, char *buf, size_t size);

/* The running kernel as SECCOMP_KERNEL(major, minor), from uname(2). */
unsigned seccomp_running_kernel(void);

/* seccomp(SECCOMP_SET_MODE_FILTER) for the calling thread; the caller has set
 * PR_SET_NO_NEW_PRIVS or still holds CAP_SYS_ADMIN. Explained with a summary. */
int seccomp_install(const struct seccomp_program *program, const struct seccomp_policy *policy);

#endif
