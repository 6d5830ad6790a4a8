/*
 * test_device_rules.c - the device rules of 03-cgroups/device-rules.c, without root: the list
 * as devices.allow takes it, the kernel's v1 decision, and the v2 device program RUN on a small
 * eBPF interpreter below over (type, major, minor, access) cases, so that what is checked is the
 * program's logic, not its bytes. The interpreter also checks what the kernel's verifier would
 * refuse: an unknown instruction, a jump out of the program or backwards, an unreachable
 * instruction, a register read before it is written, an exit without r0.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "device-rules.h"
#include "error.h"

/* ---- the interpreter ---------------------------------------------------------------------- */

struct access_case {
	char type;      /* 'c' or 'b' */
	uint32_t major, minor;
	unsigned access;
};

/* Run program on one access as the kernel would: r1 points at the context. Returns r0, and
 * fails the test on anything the verifier would have refused. */
static uint64_t run_program(const struct device_program *p, const struct access_case *a)
{
	struct bpf_cgroup_dev_ctx ctx = {
		.access_type = (a->access << 16) | (a->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR),
		.major = a->major,
		.minor = a->minor,
	};
	uint64_t r[11] = { 0 };
	bool written[11] = { [BPF_REG_1] = true, [BPF_REG_10] = true };
	bool ctx_pointer[11] = { [BPF_REG_1] = true }; /* r1 points at ctx: loads read ctx + off */
	for (size_t pc = 0; pc < p->length;) {
		const struct bpf_insn *in = &p->code[pc];
		uint8_t op = BPF_OP(in->code);
		ck_assert_msg(in->dst_reg <= 10 && in->src_reg <= 10, "bad register at %zu", pc);
		switch (BPF_CLASS(in->code)) {
		case BPF_LDX:
			ck_assert_msg(BPF_MODE(in->code) == BPF_MEM && BPF_SIZE(in->code) == BPF_W, "load at %zu", pc);
			ck_assert_msg(ctx_pointer[in->src_reg], "load through r%u, not the context, at %zu", in->src_reg, pc);
			ck_assert_msg(in->off >= 0 && (size_t)in->off + 4 <= sizeof(ctx) && in->off % 4 == 0,
				      "load of [r1%+d] outside the context at %zu", in->off, pc);
			uint32_t value;
			memcpy(&value, (const char *)&ctx + in->off, 4);
			r[in->dst_reg] = value;
			written[in->dst_reg] = true;
			ctx_pointer[in->dst_reg] = false;
			pc++;
			break;
		case BPF_ALU64: {
			uint64_t operand = (uint64_t)(int64_t)in->imm; /* imm is sign-extended to 64 bits */
			if (BPF_SRC(in->code) == BPF_X) {
				ck_assert_msg(written[in->src_reg], "r%u read before written at %zu", in->src_reg, pc);
				ck_assert_msg(!ctx_pointer[in->src_reg], "arithmetic on the context pointer at %zu", pc);
				operand = r[in->src_reg];
			}
			if (op != BPF_MOV) {
				ck_assert_msg(written[in->dst_reg], "r%u read before written at %zu", in->dst_reg, pc);
				ck_assert_msg(!ctx_pointer[in->dst_reg], "arithmetic on the context pointer at %zu", pc);
			}
			if (op == BPF_MOV)
				r[in->dst_reg] = operand;
			else if (op == BPF_AND)
				r[in->dst_reg] &= operand;
			else if (op == BPF_RSH)
				r[in->dst_reg] >>= operand & 63;
			else
				ck_abort_msg("ALU op %#x at %zu", op, pc);
			written[in->dst_reg] = true;
			ctx_pointer[in->dst_reg] = false;
			pc++;
			break;
		}
		case BPF_JMP:
			if (op == BPF_EXIT) {
				ck_assert_msg(written[BPF_REG_0], "exit without r0 at %zu", pc);
				return r[BPF_REG_0];
			}
			ck_assert_msg(op == BPF_JNE && BPF_SRC(in->code) == BPF_K, "jump %#x at %zu", in->code, pc);
			ck_assert_msg(written[in->dst_reg], "r%u read before written at %zu", in->dst_reg, pc);
			ck_assert_msg(in->off >= 0 && pc + 1 + (size_t)in->off < p->length, "jump out of the program at %zu",
				      pc);
			pc += 1 + (r[in->dst_reg] != (uint64_t)(int64_t)in->imm ? (size_t)in->off : 0);
			break;
		default:
			ck_abort_msg("instruction class %#x at %zu", BPF_CLASS(in->code), pc);
		}
	}
	ck_abort_msg("the program ran off its end");
	return 0;
}

/* The verifier's rule that every instruction can be reached (the kernel says "unreachable insn"). */
static void assert_every_instruction_is_reachable(const struct device_program *p)
{
	bool reached[DEVICE_PROGRAM_MAX] = { [0] = true };
	for (size_t pc = 0; pc < p->length; pc++) {
		if (!reached[pc])
			ck_abort_msg("instruction %zu can never run", pc);
		const struct bpf_insn *in = &p->code[pc];
		bool is_exit = in->code == (BPF_JMP | BPF_EXIT);
		if (!is_exit && pc + 1 < p->length)
			reached[pc + 1] = true;
		if (BPF_CLASS(in->code) == BPF_JMP && !is_exit && pc + 1 + (size_t)in->off < p->length)
			reached[pc + 1 + in->off] = true;
	}
	ck_assert_msg(p->code[p->length - 1].code == (BPF_JMP | BPF_EXIT), "the last instruction is not exit");
}

static struct device_program build(bool privileged)
{
	struct device_rules rules = device_rules_for(privileged);
	struct device_program p;
	ck_assert_msg(device_program_build(&rules, &p) == 0, "%s", error_message());
	assert_every_instruction_is_reachable(&p);
	return p;
}

static bool program_allows(const struct device_program *p, char type, uint32_t major, uint32_t minor, unsigned access)
{
	struct access_case a = { type, major, minor, access };
	uint64_t r0 = run_program(p, &a);
	ck_assert_msg(r0 == 0 || r0 == 1, "r0 = %llu", (unsigned long long)r0);
	return r0 == 1;
}

/* ---- the list ----------------------------------------------------------------------------- */

START_TEST(the_default_list_is_dockers_in_devices_allow_syntax)
{
	static const char *const expected[] = {
		"c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm",
		"c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm", "c 10:200 rwm",
	};
	struct device_rules rules = device_rules_for(false);
	ck_assert_uint_eq(rules.count, sizeof(expected) / sizeof(expected[0]));
	for (size_t i = 0; i < rules.count; i++) {
		char text[64];
		ck_assert_str_eq(device_rule_text(&rules.rule[i], text, sizeof(text)), expected[i]);
	}
}
END_TEST

START_TEST(privileged_allows_every_device_in_one_rule)
{
	struct device_rules rules = device_rules_for(true);
	char text[64];
	ck_assert_uint_eq(rules.count, 1);
	ck_assert_str_eq(device_rule_text(&rules.rule[0], text, sizeof(text)), "a *:* rwm");
	ck_assert(device_rules_allow(&rules, 'b', 8, 0, DEVICE_RWM));
}
END_TEST

START_TEST(one_rule_must_grant_every_access_asked_for)
{
	struct device_rules rules = device_rules_for(false);
	ck_assert(device_rules_allow(&rules, 'c', 1, 11, DEVICE_MKNOD));           /* c *:* m */
	ck_assert(!device_rules_allow(&rules, 'c', 1, 11, DEVICE_WRITE));          /* /dev/kmsg */
	ck_assert(!device_rules_allow(&rules, 'c', 1, 11, DEVICE_MKNOD | DEVICE_READ));
	ck_assert(!device_rules_allow(&rules, 'b', 8, 0, DEVICE_READ));            /* the host's disk */
	ck_assert(device_rules_allow(&rules, 'c', 1, 3, DEVICE_RWM));
	ck_assert(device_rules_allow(&rules, 'c', 136, 42, DEVICE_READ | DEVICE_WRITE));
	ck_assert(!device_rules_allow(&rules, 'b', 1, 3, DEVICE_READ));            /* a block 1:3 is not null */
}
END_TEST

/* ---- the program -------------------------------------------------------------------------- */

START_TEST(the_program_allows_the_default_devices_and_refuses_the_others)
{
	struct device_program p = build(false);
	ck_assert(program_allows(&p, 'c', 1, 3, DEVICE_READ | DEVICE_WRITE));   /* /dev/null */
	ck_assert(program_allows(&p, 'c', 1, 9, DEVICE_READ));                  /* /dev/urandom */
	ck_assert(program_allows(&p, 'c', 5, 2, DEVICE_READ | DEVICE_WRITE));   /* /dev/ptmx */
	ck_assert(program_allows(&p, 'c', 136, 3, DEVICE_READ | DEVICE_WRITE)); /* /dev/pts/3 */
	ck_assert(program_allows(&p, 'c', 10, 200, DEVICE_RWM));                /* /dev/net/tun */
	ck_assert(program_allows(&p, 'c', 1, 11, DEVICE_MKNOD));                /* making a node is fine */
	ck_assert(program_allows(&p, 'b', 8, 0, DEVICE_MKNOD));
	ck_assert(!program_allows(&p, 'c', 1, 11, DEVICE_WRITE));               /* /dev/kmsg */
	ck_assert(!program_allows(&p, 'c', 1, 1, DEVICE_READ));                 /* /dev/mem */
	ck_assert(!program_allows(&p, 'b', 8, 0, DEVICE_READ));                 /* /dev/sda */
	ck_assert(!program_allows(&p, 'c', 10, 229, DEVICE_READ | DEVICE_WRITE)); /* /dev/fuse */
	ck_assert(!program_allows(&p, 'c', 4, 1, DEVICE_WRITE));                /* the host's /dev/tty1 */
	ck_assert(!program_allows(&p, 'b', 136, 0, DEVICE_READ));               /* the pts rule is for c only */
}
END_TEST

/* Every type, every access combination, and the majors and minors the rules name (with their
 * neighbours): the program decides as the kernel's v1 list does, case by case. */
static void assert_program_agrees_with_the_list(bool privileged)
{
	struct device_rules rules = device_rules_for(privileged);
	struct device_program p = build(privileged);
	static const uint32_t numbers[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 135, 136, 137, 199, 200, 201, 259, 65535 };
	size_t count = sizeof(numbers) / sizeof(numbers[0]), cases = 0;
	for (int t = 0; t < 2; t++)
		for (size_t ma = 0; ma < count; ma++)
			for (size_t mi = 0; mi < count; mi++)
				for (unsigned access = 1; access <= DEVICE_RWM; access++) {
					char type = t ? 'b' : 'c';
					bool want = device_rules_allow(&rules, type, numbers[ma], numbers[mi], access);
					bool got = program_allows(&p, type, numbers[ma], numbers[mi], access);
					ck_assert_msg(want == got, "%c %u:%u access %u: the list says %d, the program %d", type,
						      numbers[ma], numbers[mi], access, want, got);
					cases++;
				}
	ck_assert_uint_eq(cases, 2 * count * count * 7);
}

START_TEST(the_program_decides_every_case_as_the_v1_list_does)
{
	assert_program_agrees_with_the_list(false);
}
END_TEST

START_TEST(the_privileged_program_allows_everything_and_has_no_dead_code)
{
	assert_program_agrees_with_the_list(true);
	struct device_program p = build(true);
	/* the six loads of the prologue, then "mov r0, 1; exit": nothing after it could run */
	ck_assert_uint_eq(p.length, 8);
}
END_TEST

START_TEST(instructions_read_as_an_assembler_listing)
{
	struct device_program p = build(false);
	char text[64];
	ck_assert_str_eq(device_program_disassemble(&p.code[0], text, sizeof(text)), "ldxw r2, [r1+0]");
	ck_assert_str_eq(device_program_disassemble(&p.code[1], text, sizeof(text)), "mov r3, r2");
	ck_assert_str_eq(device_program_disassemble(&p.code[2], text, sizeof(text)), "and r2, 0xffff");
	ck_assert_str_eq(device_program_disassemble(&p.code[3], text, sizeof(text)), "rsh r3, 16");
	ck_assert_str_eq(device_program_disassemble(&p.code[5], text, sizeof(text)), "ldxw r5, [r1+8]");
	/* the first rule, c *:* m: a character device, asking for nothing but mknod */
	ck_assert_str_eq(device_program_disassemble(&p.code[6], text, sizeof(text)), "jne r2, 2, +5");
	ck_assert_str_eq(device_program_disassemble(&p.code[7], text, sizeof(text)), "mov r1, r3");
	ck_assert_str_eq(device_program_disassemble(&p.code[8], text, sizeof(text)), "and r1, 0xfffffffe");
	ck_assert_str_eq(device_program_disassemble(&p.code[9], text, sizeof(text)), "jne r1, 0, +2");
	ck_assert_str_eq(device_program_disassemble(&p.code[10], text, sizeof(text)), "mov r0, 1");
	ck_assert_str_eq(device_program_disassemble(&p.code[11], text, sizeof(text)), "exit");
	ck_assert_str_eq(p.note[6], "c *:* m: a character device? (mknod any character device)");
	ck_assert_str_eq(device_program_disassemble(&p.code[p.length - 2], text, sizeof(text)), "mov r0, 0");
}
END_TEST

Suite *device_rules_suite(void)
{
	Suite *s = suite_create("device_rules");
	TCase *t = tcase_create("rules");
	tcase_add_test(t, the_default_list_is_dockers_in_devices_allow_syntax);
	tcase_add_test(t, privileged_allows_every_device_in_one_rule);
	tcase_add_test(t, one_rule_must_grant_every_access_asked_for);
	tcase_add_test(t, the_program_allows_the_default_devices_and_refuses_the_others);
	tcase_add_test(t, the_program_decides_every_case_as_the_v1_list_does);
	tcase_add_test(t, the_privileged_program_allows_everything_and_has_no_dead_code);
	tcase_add_test(t, instructions_read_as_an_assembler_listing);
	suite_add_tcase(s, t);
	return s;
}
