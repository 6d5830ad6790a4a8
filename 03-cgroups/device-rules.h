/*
 * device-rules.h - which devices a container may use: Docker's default list, and the same list
 * as a cgroup v2 device program (eBPF) written by hand.
 *
 * Pure: nothing here touches the kernel, so the list and the program are unit-tested by running
 * the program on a small eBPF interpreter (tests/unit/test_device_rules.c). device-cgroup.h
 * applies them.
 */
#ifndef TINYDOCK_DEVICE_RULES_H
#define TINYDOCK_DEVICE_RULES_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a process does with a device: the kernel's own bits (BPF_DEVCG_ACC_* in <linux/bpf.h>,
 * DEVCG_ACC_* in the v1 controller), "m", "r" and "w" in a rule's text. */
enum device_access {
	DEVICE_MKNOD = BPF_DEVCG_ACC_MKNOD,
	DEVICE_READ = BPF_DEVCG_ACC_READ,
	DEVICE_WRITE = BPF_DEVCG_ACC_WRITE,
	DEVICE_RWM = DEVICE_MKNOD | DEVICE_READ | DEVICE_WRITE,
};

/* A major or minor number that matches every number ("*"). */
#define DEVICE_ANY (-1)

/* One line of the allow list, as devices.allow takes it: "c 1:3 rwm". */
struct device_rule {
	char type;          /* 'c' character, 'b' block, 'a' all (then major and minor are *) */
	int64_t major;      /* or DEVICE_ANY */
	int64_t minor;      /* or DEVICE_ANY */
	unsigned access;    /* enum device_access bits */
	const char *what;   /* "/dev/null", "mknod any character device": for the reader */
};

struct device_rules {
	const struct device_rule *rule;
	size_t count;
};

/* Docker's default list (everything else refused), or --privileged's "a *:* rwm". */
struct device_rules device_rules_for(bool privileged);

/* The rule as devices.allow takes it: "c 1:3 rwm", "c 136:* rwm", "a *:* rwm". */
char *device_rule_text(const struct device_rule *rule, char *buf, size_t size);

/* The kernel's v1 decision, written plainly (Documentation/admin-guide/cgroup-v1/devices.rst,
 * match_exception in security/device_cgroup.c): with "a" denied, an access is allowed when ONE
 * rule matches the type (a matches both), the major and the minor (or has *), and grants every
 * bit asked for. type is 'c' or 'b'. The program below must decide exactly the same. */
bool device_rules_allow(const struct device_rules *rules, char type, uint32_t major, uint32_t minor,
			unsigned access);

/* The v2 device program: BPF_PROG_TYPE_CGROUP_DEVICE, run by the kernel on every mknod and
 * open of a device node by a process of the cgroup, with a struct bpf_cgroup_dev_ctx; it
 * returns 1 to allow, 0 to refuse with EPERM (Documentation/admin-guide/cgroup-v2.rst,
 * "Device controller"). Each instruction has a note saying what it is for. */
#define DEVICE_PROGRAM_MAX 256
struct device_program {
	struct bpf_insn code[DEVICE_PROGRAM_MAX];
	char note[DEVICE_PROGRAM_MAX][64];
	size_t length;
};

/* Assemble the program for rules. -1 (with a message) only when it would not fit. */
int device_program_build(const struct device_rules *rules, struct device_program *program);

/* One instruction as text: "ldxw r2, [r1+0]", "jne r4, 136, +3", "mov r0, 1", "exit". */
char *device_program_disassemble(const struct bpf_insn *insn, char *buf, size_t size);

#endif
