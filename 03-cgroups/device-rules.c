/*
 * device-rules.c - the devices a container may use, as a list and as a program written by hand.
 *
 * Control groups (the lecture's CGroups). Namespaces do not cover devices: a device node is a
 * file holding two numbers (major:minor), and opening it reaches the driver, whatever mount
 * namespace the node was found in. A container's root keeps CAP_MKNOD (Docker keeps it, so that
 * package installs that make nodes work), so `mknod /tmp/disk b 8 0` makes the host's first disk,
 * and an image layer can ship such a node too (04-layers/apply.c makes what the tar lists). What
 * stops the OPEN is the device controller: a per-cgroup allow list, checked by the kernel on
 * every mknod(2) and every open(2) of a device node (devcgroup_inode_permission), whoever asks.
 *
 * Docker's list (runc's default allowed devices; the OCI runtime spec's default devices):
 *
 *     c *:* m      b *:* m        mknod of anything: making a node is harmless, using it is not
 *     c 1:3 1:5 1:7 1:8 1:9 rwm   null zero full random urandom
 *     c 5:0 5:1 5:2 rwm           tty console ptmx
 *     c 136:* rwm                 the pseudo-terminals /dev/pts/N
 *     c 10:200 rwm                /dev/net/tun
 *
 * and everything else refused; --privileged allows "a *:* rwm". Cgroup v1 takes the list as
 * text lines (device-cgroup.c writes them). Cgroup v2 has no device files at all: the same
 * decision is a small eBPF program the kernel runs on each access. It is built here, like the
 * seccomp filter of 02-namespaces/seccomp.c, one instruction at a time:
 *
 *     ldxw r2, [r1+0]      r2 = access_type        (struct bpf_cgroup_dev_ctx, r1 points at it)
 *     mov r3, r2
 *     and r2, 0xffff       r2 = type               (1 block, 2 character)
 *     rsh r3, 16           r3 = access             (1 mknod, 2 read, 4 write)
 *     ldxw r4, [r1+4]      r4 = major
 *     ldxw r5, [r1+8]      r5 = minor
 *                          then one block per rule, "c 1:3 rwm":
 *     jne r2, 2, +4          not a character device: next rule
 *     jne r4, 1, +3          another major: next rule
 *     jne r5, 3, +2          another minor: next rule
 *     mov r0, 1              allow
 *     exit
 *                          and a rule that grants less than rwm, "c *:* m", first checks access:
 *     mov r1, r3
 *     and r1, ~1             any bit asked for that the rule does not grant?
 *     jne r1, 0, +N          then not this rule
 *     ...
 *     mov r0, 0            no rule matched: refuse (EPERM)
 *     exit
 *
 * eBPF (not seccomp's classic BPF) has ten 64-bit registers, loads from the context at an
 * offset, and jumps by a signed offset; the kernel's verifier checks before loading that every
 * path ends in exit with r0 set, and that no instruction is unreachable, which is why a rule
 * that matches everything ("a *:* rwm") ends the program. The decision must be v1's: one rule
 * has to match the device and grant ALL the access asked for (device_rules_allow below).
 *
 * References: Documentation/admin-guide/cgroup-v1/devices.rst, Documentation/admin-guide/
 * cgroup-v2.rst ("Device controller"), Documentation/bpf/instruction-set.rst, bpf(2).
 * Read next: device-cgroup.c, which writes the list (v1) or loads the program (v2).
 */
#include "device-rules.h"
#include "error.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* Docker's default list, in runc's order. */
static const struct device_rule docker_default[] = {
	{ 'c', DEVICE_ANY, DEVICE_ANY, DEVICE_MKNOD, "mknod any character device" },
	{ 'b', DEVICE_ANY, DEVICE_ANY, DEVICE_MKNOD, "mknod any block device" },
	{ 'c', 1, 3, DEVICE_RWM, "/dev/null" },
	{ 'c', 1, 5, DEVICE_RWM, "/dev/zero" },
	{ 'c', 1, 7, DEVICE_RWM, "/dev/full" },
	{ 'c', 1, 8, DEVICE_RWM, "/dev/random" },
	{ 'c', 1, 9, DEVICE_RWM, "/dev/urandom" },
	{ 'c', 5, 0, DEVICE_RWM, "/dev/tty" },
	{ 'c', 5, 1, DEVICE_RWM, "/dev/console" },
	{ 'c', 5, 2, DEVICE_RWM, "/dev/ptmx" },
	{ 'c', 136, DEVICE_ANY, DEVICE_RWM, "/dev/pts/N, the pseudo-terminals" },
	{ 'c', 10, 200, DEVICE_RWM, "/dev/net/tun" },
};

static const struct device_rule everything[] = {
	{ 'a', DEVICE_ANY, DEVICE_ANY, DEVICE_RWM, "every device (--privileged)" },
};

struct device_rules device_rules_for(bool privileged)
{
	if (privileged)
		return (struct device_rules){ everything, sizeof(everything) / sizeof(everything[0]) };
	return (struct device_rules){ docker_default, sizeof(docker_default) / sizeof(docker_default[0]) };
}

static void number_text(int64_t n, char *buf, size_t size)
{
	if (n == DEVICE_ANY)
		snprintf(buf, size, "*");
	else
		snprintf(buf, size, "%lld", (long long)n);
}

char *device_rule_text(const struct device_rule *rule, char *buf, size_t size)
{
	char major[24], minor[24], access[4];
	number_text(rule->major, major, sizeof(major));
	number_text(rule->minor, minor, sizeof(minor));
	size_t n = 0;
	if (rule->access & DEVICE_READ)
		access[n++] = 'r';
	if (rule->access & DEVICE_WRITE)
		access[n++] = 'w';
	if (rule->access & DEVICE_MKNOD)
		access[n++] = 'm';
	access[n] = '\0';
	snprintf(buf, size, "%c %s:%s %s", rule->type, major, minor, access);
	return buf;
}

bool device_rules_allow(const struct device_rules *rules, char type, uint32_t major, uint32_t minor,
			unsigned access)
{
	for (size_t i = 0; i < rules->count; i++) {
		const struct device_rule *r = &rules->rule[i];
		if (r->type != 'a' && r->type != type)
			continue;
		if (r->major != DEVICE_ANY && r->major != (int64_t)major)
			continue;
		if (r->minor != DEVICE_ANY && r->minor != (int64_t)minor)
			continue;
		if (access & ~r->access) /* asks for more than this rule grants */
			continue;
		return true;
	}
	return false;
}

/* ---- assembling --------------------------------------------------------------------------- */

/* The registers of the program, named for what they hold. */
enum { R_RESULT = BPF_REG_0, R_CTX = BPF_REG_1, R_TYPE = BPF_REG_2, R_ACCESS = BPF_REG_3, R_MAJOR = BPF_REG_4,
       R_MINOR = BPF_REG_5, R_SCRATCH = BPF_REG_1 /* the context is not needed once loaded */ };

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	return (struct bpf_insn){ .code = code, .dst_reg = dst & 0xf, .src_reg = src & 0xf, .off = off, .imm = imm };
}

#define LOAD_U32(dst, offset) insn(BPF_LDX | BPF_MEM | BPF_W, (dst), R_CTX, (int16_t)(offset), 0)
#define MOV_REG(dst, src) insn(BPF_ALU64 | BPF_MOV | BPF_X, (dst), (src), 0, 0)
#define MOV_IMM(dst, k) insn(BPF_ALU64 | BPF_MOV | BPF_K, (dst), 0, 0, (k))
#define AND_IMM(dst, k) insn(BPF_ALU64 | BPF_AND | BPF_K, (dst), 0, 0, (k))
#define RSH_IMM(dst, k) insn(BPF_ALU64 | BPF_RSH | BPF_K, (dst), 0, 0, (k))
#define JNE_IMM(dst, k, skip) insn(BPF_JMP | BPF_JNE | BPF_K, (dst), 0, (int16_t)(skip), (k))
#define EXIT() insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static void emit(struct device_program *p, struct bpf_insn code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void emit(struct device_program *p, struct bpf_insn code, const char *fmt, ...)
{
	p->code[p->length] = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->note[p->length], sizeof(p->note[0]), fmt, ap);
	va_end(ap);
	p->length++;
}

/* How many instructions a rule's block takes (its jumps skip to the end of it). */
static size_t block_length(const struct device_rule *r)
{
	return (r->type != 'a') + (r->access != DEVICE_RWM ? 3 : 0) + (r->major != DEVICE_ANY) +
	       (r->minor != DEVICE_ANY) + 2;
}

static bool matches_everything(const struct device_rule *r)
{
	return r->type == 'a' && r->access == DEVICE_RWM;
}

int device_program_build(const struct device_rules *rules, struct device_program *p)
{
	size_t length = 6 + 2;
	for (size_t i = 0; i < rules->count; i++)
		length += block_length(&rules->rule[i]);
	if (length > DEVICE_PROGRAM_MAX)
		return fail_errno(0, "a device program of %zu rules would need %zu instructions, over %d", rules->count,
				  length, DEVICE_PROGRAM_MAX);
	p->length = 0;
	emit(p, LOAD_U32(R_TYPE, offsetof(struct bpf_cgroup_dev_ctx, access_type)), "r2 = access_type");
	emit(p, MOV_REG(R_ACCESS, R_TYPE), "r3 = access_type");
	emit(p, AND_IMM(R_TYPE, 0xffff), "r2 = the type: 1 block, 2 character");
	emit(p, RSH_IMM(R_ACCESS, 16), "r3 = the access: 1 mknod, 2 read, 4 write");
	emit(p, LOAD_U32(R_MAJOR, offsetof(struct bpf_cgroup_dev_ctx, major)), "r4 = major");
	emit(p, LOAD_U32(R_MINOR, offsetof(struct bpf_cgroup_dev_ctx, minor)), "r5 = minor");
	for (size_t i = 0; i < rules->count; i++) {
		const struct device_rule *r = &rules->rule[i];
		char text[64];
		device_rule_text(r, text, sizeof(text));
		/* Each test jumps past the rest of the block: to the next rule, or the final refusal. */
		size_t next = p->length + block_length(r);
		int32_t type = r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;
		if (r->type != 'a')
			emit(p, JNE_IMM(R_TYPE, type, next - p->length - 1), "%s: %s? (%s)", text,
			     r->type == 'b' ? "a block device" : "a character device", r->what);
		if (r->access != DEVICE_RWM) {
			emit(p, MOV_REG(R_SCRATCH, R_ACCESS), "%s: r1 = the access asked for", text);
			emit(p, AND_IMM(R_SCRATCH, (int32_t)~r->access), "%s: keep what the rule does not grant", text);
			emit(p, JNE_IMM(R_SCRATCH, 0, next - p->length - 1), "%s: all of it granted?", text);
		}
		if (r->major != DEVICE_ANY)
			emit(p, JNE_IMM(R_MAJOR, (int32_t)r->major, next - p->length - 1), "%s: major %lld?", text,
			     (long long)r->major);
		if (r->minor != DEVICE_ANY)
			emit(p, JNE_IMM(R_MINOR, (int32_t)r->minor, next - p->length - 1), "%s: minor %lld?", text,
			     (long long)r->minor);
		emit(p, MOV_IMM(R_RESULT, 1), "%s: allow", text);
		emit(p, EXIT(), "%s", text);
		/* Nothing after a rule that allows everything could ever run, and the verifier refuses
		 * a program with an unreachable instruction. */
		if (matches_everything(r))
			return 0;
	}
	emit(p, MOV_IMM(R_RESULT, 0), "no rule allows it: refuse (EPERM)");
	emit(p, EXIT(), "refuse");
	return 0;
}

/* ---- reading ------------------------------------------------------------------------------ */

char *device_program_disassemble(const struct bpf_insn *in, char *buf, size_t size)
{
	static const char *const alu[] = { [BPF_MOV >> 4] = "mov", [BPF_AND >> 4] = "and", [BPF_RSH >> 4] = "rsh" };
	uint8_t op = BPF_OP(in->code);
	switch (BPF_CLASS(in->code)) {
	case BPF_LDX:
		if (BPF_MODE(in->code) == BPF_MEM && BPF_SIZE(in->code) == BPF_W) {
			snprintf(buf, size, "ldxw r%u, [r%u%+d]", in->dst_reg, in->src_reg, in->off);
			return buf;
		}
		break;
	case BPF_ALU64:
		if ((op == BPF_MOV || op == BPF_AND || op == BPF_RSH) && BPF_SRC(in->code) == BPF_X) {
			snprintf(buf, size, "%s r%u, r%u", alu[op >> 4], in->dst_reg, in->src_reg);
			return buf;
		}
		if (op == BPF_MOV || op == BPF_RSH) {
			snprintf(buf, size, "%s r%u, %d", alu[op >> 4], in->dst_reg, in->imm);
			return buf;
		}
		if (op == BPF_AND) {
			snprintf(buf, size, "and r%u, %#x", in->dst_reg, (uint32_t)in->imm);
			return buf;
		}
		break;
	case BPF_JMP:
		if (op == BPF_EXIT) {
			snprintf(buf, size, "exit");
			return buf;
		}
		if (op == BPF_JNE && BPF_SRC(in->code) == BPF_K) {
			snprintf(buf, size, "jne r%u, %d, %+d", in->dst_reg, in->imm, in->off);
			return buf;
		}
		break;
	}
	snprintf(buf, size, "code=%#04x dst=r%u src=r%u off=%d imm=%d", in->code, in->dst_reg, in->src_reg, in->off,
		 in->imm);
	return buf;
}
