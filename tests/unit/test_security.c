/*
 * test_security.c - capability names and sets, the security flags, and the seccomp filter
 * (02-namespaces), without root: the filter is run on a small classic-BPF interpreter below,
 * the same way the kernel runs it, for every rule and for the calls that must stay allowed.
 */
#include <check.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "capabilities.h"
#include "error.h"
#include "harness.h"
#include "json.h"
#include "seccomp.h"
#include "security.h"
#include "x86_64_syscalls.h"

/* --- capability names and sets ------------------------------------------------------------ */

START_TEST(capability_names_are_accepted_with_or_without_the_prefix_in_any_case)
{
	ck_assert_int_eq(capability_from_name("CHOWN"), CAP_CHOWN);
	ck_assert_int_eq(capability_from_name("CAP_CHOWN"), CAP_CHOWN);
	ck_assert_int_eq(capability_from_name("cap_sys_admin"), CAP_SYS_ADMIN);
	ck_assert_int_eq(capability_from_name("Net_Admin"), CAP_NET_ADMIN);
	ck_assert_int_eq(capability_from_name("checkpoint_restore"), CAP_CHECKPOINT_RESTORE);
}
END_TEST

START_TEST(every_capability_of_the_kernel_header_has_its_name)
{
	ck_assert_int_eq(CAPABILITY_LAST, CAP_LAST_CAP);
	for (int cap = 0; cap <= CAPABILITY_LAST; cap++) {
		const char *name = capability_name(cap);
		ck_assert_msg(name != NULL, "capability %d has no name", cap);
		ck_assert_int_eq(capability_from_name(name), cap);
	}
	ck_assert_str_eq(capability_name(CAP_SYS_ADMIN), "CAP_SYS_ADMIN");
	ck_assert_ptr_null(capability_name(CAPABILITY_LAST + 1));
	ck_assert_ptr_null(capability_name(-1));
}
END_TEST

START_TEST(an_unknown_capability_is_named_in_the_error)
{
	ck_assert_int_eq(capability_from_name("foo"), -1);
	ck_assert_str_eq(error_message(), "unknown capability \"CAP_FOO\"");
	ck_assert_int_eq(capability_from_name("CAP_"), -1);
	ck_assert_int_eq(capability_from_name(""), -1);

	struct security_settings s;
	security_defaults(&s);
	ck_assert_int_eq(security_cap_add(&s, "NET_ADMIN,cap_foo"), -1);
	ck_assert_str_eq(error_message(), "--cap-add: unknown capability \"CAP_FOO\"");
	ck_assert_int_eq(security_cap_drop(&s, "CAP_BAR"), -1);
	ck_assert_str_eq(error_message(), "--cap-drop: unknown capability \"CAP_BAR\"");
	ck_assert_uint_eq(s.capabilities, capability_docker_default()); /* unchanged by failures */
}
END_TEST

START_TEST(an_empty_name_in_a_list_is_an_error)
{
	uint64_t set;
	ck_assert_int_eq(capability_parse_list("NET_ADMIN,,SYS_TIME", &set), -1);
	ck_assert_str_eq(error_message(), "empty capability name in \"NET_ADMIN,,SYS_TIME\"");
	ck_assert_int_eq(capability_parse_list("", &set), -1);
}
END_TEST

START_TEST(docker_default_set_is_its_fourteen_capabilities)
{
	uint64_t set = capability_docker_default();
	ck_assert_uint_eq(set, 0x00000000a80425fbULL);
	ck_assert_int_eq(__builtin_popcountll(set), 14);
	char names[1024];
	ck_assert_str_eq(capability_set_names(set, names, sizeof(names)),
			 "CAP_CHOWN CAP_DAC_OVERRIDE CAP_FOWNER CAP_FSETID CAP_KILL CAP_SETGID CAP_SETUID "
			 "CAP_SETPCAP CAP_NET_BIND_SERVICE CAP_NET_RAW CAP_SYS_CHROOT CAP_MKNOD CAP_AUDIT_WRITE "
			 "CAP_SETFCAP");
	ck_assert(!(set & CAPABILITY_BIT(CAP_SYS_ADMIN)));
	ck_assert(!(set & CAPABILITY_BIT(CAP_DAC_READ_SEARCH)));
	ck_assert(!(set & CAPABILITY_BIT(CAP_SYS_PTRACE)));
}
END_TEST

START_TEST(all_means_every_capability_the_program_knows)
{
	uint64_t set;
	ck_assert_int_eq(capability_parse_list("ALL", &set), 0);
	ck_assert_uint_eq(set, 0x000001ffffffffffULL);
	ck_assert_int_eq(capability_parse_list("all", &set), 0);
	ck_assert_uint_eq(set, capability_all());
}
END_TEST

START_TEST(a_list_of_names_becomes_a_set)
{
	uint64_t set;
	ck_assert_int_eq(capability_parse_list("NET_ADMIN,sys_time,CAP_SYS_PTRACE", &set), 0);
	ck_assert_uint_eq(set, CAPABILITY_BIT(CAP_NET_ADMIN) | CAPABILITY_BIT(CAP_SYS_TIME) |
				       CAPABILITY_BIT(CAP_SYS_PTRACE));
}
END_TEST

START_TEST(names_of_an_empty_set_say_none_and_a_small_buffer_is_never_overrun)
{
	char names[64];
	ck_assert_str_eq(capability_set_names(0, names, sizeof(names)), "(none)");
	char tiny[20];
	memset(tiny, 'x', sizeof(tiny));
	capability_set_names(capability_all(), tiny, sizeof(tiny));
	ck_assert(memchr(tiny, '\0', sizeof(tiny)) != NULL);
	ck_assert_str_eq(tiny, "CAP_CHOWN");
}
END_TEST

/* --- the flags ----------------------------------------------------------------------------- */

START_TEST(defaults_are_docker_capabilities_no_new_privs_and_the_filter)
{
	struct security_settings s;
	memset(&s, 0xff, sizeof(s));
	security_defaults(&s);
	ck_assert_uint_eq(s.capabilities, capability_docker_default());
	ck_assert(s.no_new_privs);
	ck_assert(s.seccomp);
	ck_assert(!s.privileged);
}
END_TEST

START_TEST(cap_flags_apply_in_the_order_given)
{
	struct security_settings s;
	security_defaults(&s);
	ck_assert_int_eq(security_cap_drop(&s, "ALL"), 0);
	ck_assert_uint_eq(s.capabilities, 0);
	ck_assert_int_eq(security_cap_add(&s, "NET_BIND_SERVICE"), 0);
	ck_assert_uint_eq(s.capabilities, CAPABILITY_BIT(CAP_NET_BIND_SERVICE));

	security_defaults(&s);
	ck_assert_int_eq(security_cap_add(&s, "SYS_ADMIN,NET_ADMIN"), 0);
	ck_assert_int_eq(security_cap_drop(&s, "net_raw,MKNOD"), 0);
	ck_assert_uint_eq(s.capabilities, (capability_docker_default() | CAPABILITY_BIT(CAP_SYS_ADMIN) |
					   CAPABILITY_BIT(CAP_NET_ADMIN)) &
						  ~(CAPABILITY_BIT(CAP_NET_RAW) | CAPABILITY_BIT(CAP_MKNOD)));

	ck_assert_int_eq(security_cap_add(&s, "ALL"), 0);
	ck_assert_uint_eq(s.capabilities, capability_all());
}
END_TEST

START_TEST(privileged_keeps_every_capability_and_no_filter)
{
	struct security_settings s;
	security_defaults(&s);
	security_privileged(&s);
	ck_assert(s.privileged);
	ck_assert_uint_eq(s.capabilities, capability_all());
	ck_assert(!s.seccomp);
	ck_assert(!s.no_new_privs);
	ck_assert_int_eq(security_opt(&s, "no-new-privileges"), 0);
	ck_assert(s.no_new_privs);
}
END_TEST

START_TEST(security_opt_reads_docker_spellings)
{
	struct security_settings s;
	security_defaults(&s);
	ck_assert_int_eq(security_opt(&s, "seccomp=unconfined"), 0);
	ck_assert(!s.seccomp);
	ck_assert_int_eq(security_opt(&s, "seccomp=default"), 0);
	ck_assert(s.seccomp);
	ck_assert_int_eq(security_opt(&s, "seccomp:unconfined"), 0);
	ck_assert(!s.seccomp);
	ck_assert_int_eq(security_opt(&s, "no-new-privileges=false"), 0);
	ck_assert(!s.no_new_privs);
	ck_assert_int_eq(security_opt(&s, "no-new-privileges"), 0);
	ck_assert(s.no_new_privs);
	ck_assert_int_eq(security_opt(&s, "no-new-privileges:false"), 0);
	ck_assert(!s.no_new_privs);
	ck_assert_int_eq(security_opt(&s, "no-new-privileges=TRUE"), 0);
	ck_assert(s.no_new_privs);
}
END_TEST

START_TEST(a_bad_security_opt_is_named_in_the_error)
{
	struct security_settings s;
	security_defaults(&s);
	ck_assert_int_eq(security_opt(&s, "seccomp=/etc/profile.json"), -1);
	ck_assert_str_eq(error_message(), "invalid --security-opt \"seccomp=/etc/profile.json\": seccomp profiles "
					  "from files are not supported, use seccomp=default or seccomp=unconfined");
	ck_assert_int_eq(security_opt(&s, "no-new-privileges=maybe"), -1);
	ck_assert_str_eq(error_message(),
			 "invalid --security-opt \"no-new-privileges=maybe\": no-new-privileges takes true or false");
	ck_assert_int_eq(security_opt(&s, "apparmor=unconfined"), -1);
	ck_assert_str_eq(error_message(), "invalid --security-opt \"apparmor=unconfined\": tinydock does not support apparmor");
	ck_assert_int_eq(security_opt(&s, "bogus"), -1);
	ck_assert_str_eq(error_message(), "invalid --security-opt \"bogus\": expected seccomp=unconfined, "
					  "seccomp=default or no-new-privileges[=true|false]");
	ck_assert_int_eq(security_opt(&s, "seccomp"), -1);
	ck_assert_int_eq(security_opt(&s, ""), -1);
	ck_assert(s.seccomp && s.no_new_privs); /* unchanged by failures */
}
END_TEST

/* --- the seccomp filter, run on a classic BPF interpreter ---------------------------------- */

/* What the kernel does with a filter (kernel/seccomp.c, net/core/filter.c), reduced to the
 * instructions a seccomp program may use that ours does. An instruction outside them, a load
 * outside struct seccomp_data or a jump past the end fails the test. */
static uint32_t evaluate(const struct seccomp_program *program, uint32_t arch, uint32_t nr, uint64_t arg0)
{
	struct seccomp_data data = { .nr = (int)nr, .arch = arch, .args = { arg0 } };
	uint32_t a = 0;
	size_t pc = 0;
	for (size_t steps = 0; steps <= program->length; steps++) {
		ck_assert_msg(pc < program->length, "the program runs past its end at %zu", pc);
		const struct sock_filter *insn = &program->code[pc];
		switch (insn->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			ck_assert_msg(insn->k % 4 == 0 && insn->k + 4 <= sizeof(data), "bad load at %zu", pc);
			memcpy(&a, (const char *)&data + insn->k, 4);
			pc++;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += 1 + (a == insn->k ? insn->jt : insn->jf);
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += 1 + (a >= insn->k ? insn->jt : insn->jf);
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += 1 + (a > insn->k ? insn->jt : insn->jf);
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += 1 + ((a & insn->k) ? insn->jt : insn->jf);
			break;
		case BPF_RET | BPF_K:
			return insn->k;
		default:
			ck_abort_msg("unexpected instruction 0x%04x at %zu", insn->code, pc);
		}
	}
	ck_abort_msg("the program does not end");
	return 0;
}

#define ERRNO(e) (SECCOMP_RET_ERRNO | (e))

static struct seccomp_policy default_policy(void)
{
	return (struct seccomp_policy){ .capabilities = capability_docker_default(),
					.in_user_namespace = false,
					.kernel = SECCOMP_KERNEL(6, 1) };
}

static uint32_t verdict(const struct seccomp_policy *policy, long nr, uint64_t arg0)
{
	struct seccomp_program program;
	ck_assert_int_eq(seccomp_build(policy, &program), 0);
	uint32_t result = evaluate(&program, seccomp_architecture(), (uint32_t)nr, arg0);
	seccomp_program_free(&program);
	return result;
}

static const struct seccomp_rule *rule_named(const char *name)
{
	for (size_t i = 0; i < seccomp_rule_count; i++)
		if (strcmp(seccomp_rules[i].name, name) == 0)
			return &seccomp_rules[i];
	return NULL;
}

START_TEST(the_filter_first_checks_the_architecture)
{
	struct seccomp_policy policy = default_policy();
	struct seccomp_program program;
	ck_assert_int_eq(seccomp_build(&policy, &program), 0);
	char text[64];
	ck_assert_str_eq(seccomp_disassemble(&program.code[0], text, sizeof(text)), "ld [4]");
	ck_assert_uint_eq(evaluate(&program, AUDIT_ARCH_I386, SYS_getpid, 0), SECCOMP_RET_KILL_PROCESS);
	ck_assert_uint_eq(evaluate(&program, AUDIT_ARCH_AARCH64 == seccomp_architecture() ? AUDIT_ARCH_X86_64
											   : AUDIT_ARCH_AARCH64,
				   SYS_getpid, 0),
			  SECCOMP_RET_KILL_PROCESS);
	ck_assert_uint_eq(evaluate(&program, seccomp_architecture(), SYS_getpid, 0), SECCOMP_RET_ALLOW);
	seccomp_program_free(&program);
}
END_TEST

#ifdef __x86_64__
START_TEST(x32_system_calls_are_killed)
{
	struct seccomp_policy policy = default_policy();
	ck_assert_uint_eq(verdict(&policy, 0x40000000 | SYS_getpid, 0), SECCOMP_RET_KILL_PROCESS);
	ck_assert_uint_eq(verdict(&policy, 0x40000000 | SYS_keyctl, 0), SECCOMP_RET_KILL_PROCESS);
}
END_TEST
#endif

/* Every rule of the table gives its verdict, with arguments that trigger it and that do not. */
START_TEST(every_rule_refuses_its_call_under_the_default_policy)
{
	struct seccomp_policy policy = default_policy();
	struct seccomp_program program;
	ck_assert_int_eq(seccomp_build(&policy, &program), 0);
	uint32_t arch = seccomp_architecture();
	int checked = 0;
	for (size_t i = 0; i < seccomp_rule_count; i++) {
		const struct seccomp_rule *rule = &seccomp_rules[i];
		uint32_t nr = (uint32_t)rule->nr;
		uint32_t refused = ERRNO((uint32_t)rule->error);
		if (!seccomp_rule_applies(rule, &policy)) {
			ck_assert_msg(evaluate(&program, arch, nr, 0) == SECCOMP_RET_ALLOW, "%s", rule->name);
			continue;
		}
		checked++;
		switch (rule->match) {
		case SECCOMP_MATCH_ANY:
			ck_assert_msg(evaluate(&program, arch, nr, 0) == refused, "%s", rule->name);
			ck_assert_msg(evaluate(&program, arch, nr, ~0ULL) == refused, "%s", rule->name);
			break;
		case SECCOMP_MATCH_FLAGS:
			for (int bit = 0; bit < 32; bit++) {
				uint32_t flag = 1u << bit;
				uint32_t expected = (rule->mask & flag) ? refused : SECCOMP_RET_ALLOW;
				ck_assert_msg(evaluate(&program, arch, nr, flag) == expected, "%s flag 0x%x", rule->name,
					      flag);
			}
			break;
		case SECCOMP_MATCH_VALUES:
			for (size_t v = 0; v < rule->value_count; v++)
				ck_assert_msg(evaluate(&program, arch, nr, rule->values[v]) == refused, "%s %#x", rule->name,
					      rule->values[v]);
			ck_assert_msg(evaluate(&program, arch, nr, 0) == SECCOMP_RET_ALLOW, "%s", rule->name);
			ck_assert_msg(evaluate(&program, arch, nr, 2) == SECCOMP_RET_ALLOW, "%s", rule->name);
			break;
		case SECCOMP_MATCH_NOT_VALUES:
			for (size_t v = 0; v < rule->value_count; v++)
				ck_assert_msg(evaluate(&program, arch, nr, rule->values[v]) == SECCOMP_RET_ALLOW, "%s %#x",
					      rule->name, rule->values[v]);
			ck_assert_msg(evaluate(&program, arch, nr, 0x0040000) == refused, "%s", rule->name);
			ck_assert_msg(evaluate(&program, arch, nr, 0x0400000) == refused, "%s", rule->name);
			break;
		}
	}
	ck_assert_int_gt(checked, 50);
	seccomp_program_free(&program);
}
END_TEST

START_TEST(the_calls_docker_refuses_are_refused)
{
	static const char *const refused[] = {
		"keyctl", "add_key", "request_key", "bpf", "kexec_load", "kexec_file_load", "init_module",
		"finit_module", "delete_module", "mount", "umount2", "pivot_root", "setns", "unshare",
		"open_by_handle_at", "perf_event_open", "userfaultfd", "swapon", "swapoff", "reboot",
		"settimeofday", "clock_settime", "acct", "quotactl", "syslog", "move_pages", "mbind",
		"set_mempolicy", "get_mempolicy", "migrate_pages", "fsopen", "fsmount", "fsconfig", "fspick",
		"open_tree", "move_mount", "kcmp", "pidfd_getfd", "process_madvise", "sethostname",
		"setdomainname", "lsm_get_self_attr", "lsm_set_self_attr", "lsm_list_modules",
#ifdef __x86_64__
		"lookup_dcookie", "iopl", "ioperm", "create_module", "get_kernel_syms", "query_module",
		"nfsservctl", "uselib", "sysfs", "_sysctl", "ustat", "getpmsg", "putpmsg", "afs_syscall",
		"tuxcall", "security", "vserver",
#endif
	};
	struct seccomp_policy policy = default_policy();
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		const struct seccomp_rule *rule = rule_named(refused[i]);
		ck_assert_msg(rule != NULL, "%s is not in the table", refused[i]);
		ck_assert_msg(verdict(&policy, rule->nr, 0) == ERRNO(EPERM), "%s is not refused", refused[i]);
	}
}
END_TEST

START_TEST(ordinary_calls_fork_and_threads_stay_allowed)
{
	struct seccomp_policy policy = default_policy();
	static const long calls[] = { SYS_read,   SYS_write,         SYS_openat,        SYS_close,     SYS_execve,
				      SYS_mmap,   SYS_getpid,        SYS_wait4,         SYS_chroot,    SYS_seccomp,
				      SYS_prctl,  SYS_capset,        SYS_socket,        SYS_futex,     SYS_exit_group,
				      SYS_adjtimex, SYS_clock_adjtime, SYS_name_to_handle_at, SYS_process_vm_readv,
				      SYS_process_vm_writev };
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		ck_assert_msg(verdict(&policy, calls[i], 0) == SECCOMP_RET_ALLOW, "call %ld", calls[i]);
	/* glibc's fork() and pthread_create() */
	ck_assert_uint_eq(verdict(&policy, SYS_clone, CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | SIGCHLD),
			  SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(verdict(&policy, SYS_clone,
				  CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
					  CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID),
			  SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(verdict(&policy, SYS_personality, 0xffffffff), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(verdict(&policy, SYS_ptrace, 0), SECCOMP_RET_ALLOW);
}
END_TEST

START_TEST(new_namespaces_are_refused_and_clone3_says_enosys)
{
	struct seccomp_policy policy = default_policy();
	ck_assert_uint_eq(verdict(&policy, SYS_clone, CLONE_NEWUSER | SIGCHLD), ERRNO(EPERM));
	ck_assert_uint_eq(verdict(&policy, SYS_clone, CLONE_NEWNET), ERRNO(EPERM));
	ck_assert_uint_eq(verdict(&policy, SYS_unshare, CLONE_NEWUSER), ERRNO(EPERM));
	ck_assert_uint_eq(verdict(&policy, SYS_unshare, CLONE_NEWNS | CLONE_FILES), ERRNO(EPERM));
	ck_assert_uint_eq(verdict(&policy, SYS_unshare, CLONE_FILES), ERRNO(EPERM)); /* whole, as Docker */
	ck_assert_uint_eq(verdict(&policy, SYS_clone3, 0), ERRNO(ENOSYS));
	ck_assert_uint_eq(verdict(&policy, SYS_setns, 0), ERRNO(EPERM));
}
END_TEST

START_TEST(unusual_personalities_are_refused)
{
	struct seccomp_policy policy = default_policy();
	ck_assert_uint_eq(verdict(&policy, SYS_personality, 0), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(verdict(&policy, SYS_personality, 0x0040000 /* ADDR_NO_RANDOMIZE */), ERRNO(EPERM));
	ck_assert_uint_eq(verdict(&policy, SYS_personality, 0x0400000 /* READ_IMPLIES_EXEC */), ERRNO(EPERM));
	/* the kernel reads an unsigned int: the high half of the register is not the persona */
	ck_assert_uint_eq(verdict(&policy, SYS_personality, 0x100000000ULL), SECCOMP_RET_ALLOW);
}
END_TEST

START_TEST(mount_is_left_to_the_kernel_in_a_user_namespace)
{
	struct seccomp_policy policy = default_policy();
	policy.in_user_namespace = true;
	ck_assert_uint_eq(verdict(&policy, SYS_mount, 0), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(verdict(&policy, SYS_umount2, 0), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(verdict(&policy, SYS_pivot_root, 0), SECCOMP_RET_ALLOW);
	/* CVE-2022-0185 lived in fsconfig, exactly where a user namespace reaches */
	ck_assert_uint_eq(verdict(&policy, SYS_fsconfig, 0), ERRNO(EPERM));
	ck_assert_uint_eq(verdict(&policy, SYS_unshare, CLONE_NEWUSER), ERRNO(EPERM));
}
END_TEST

START_TEST(a_kept_capability_lifts_the_rules_it_was_given_for)
{
	struct seccomp_policy policy = default_policy();
	policy.capabilities |= CAPABILITY_BIT(CAP_SYS_ADMIN);
	ck_assert_uint_eq(verdict(&policy, SYS_mount, 0), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(verdict(&policy, SYS_clone, CLONE_NEWUSER), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(verdict(&policy, SYS_clone3, 0), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(verdict(&policy, SYS_unshare, CLONE_NEWNET), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(verdict(&policy, SYS_sethostname, 0), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(verdict(&policy, SYS_keyctl, 0), ERRNO(EPERM)); /* no capability lifts it */
	ck_assert_uint_eq(verdict(&policy, SYS_pivot_root, 0), ERRNO(EPERM)); /* not even SYS_ADMIN */
	ck_assert_uint_eq(verdict(&policy, SYS_mbind, 0), ERRNO(EPERM));
	policy.capabilities |= CAPABILITY_BIT(CAP_SYS_NICE) | CAPABILITY_BIT(CAP_SYS_TIME) | CAPABILITY_BIT(CAP_SYS_PTRACE);
	ck_assert_uint_eq(verdict(&policy, SYS_mbind, 0), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(verdict(&policy, SYS_move_pages, 0), ERRNO(EPERM)); /* Docker lifts it never */
	ck_assert_uint_eq(verdict(&policy, SYS_settimeofday, 0), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(verdict(&policy, SYS_pidfd_getfd, 0), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(verdict(&policy, SYS_userfaultfd, 0), ERRNO(EPERM));
	policy = default_policy();
	policy.capabilities &= ~CAPABILITY_BIT(CAP_SYS_CHROOT); /* --cap-drop SYS_CHROOT */
	ck_assert_uint_eq(verdict(&policy, SYS_chroot, 0), ERRNO(EPERM));
}
END_TEST

START_TEST(ptrace_is_refused_only_before_linux_4_8)
{
	struct seccomp_policy policy = default_policy();
	policy.kernel = SECCOMP_KERNEL(4, 4);
	ck_assert_uint_eq(verdict(&policy, SYS_ptrace, 0), ERRNO(EPERM));
	ck_assert_uint_eq(verdict(&policy, SYS_process_vm_readv, 0), ERRNO(EPERM));
	policy.kernel = SECCOMP_KERNEL(4, 8);
	ck_assert_uint_eq(verdict(&policy, SYS_ptrace, 0), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(verdict(&policy, SYS_process_vm_readv, 0), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(verdict(&policy, SYS_kcmp, 0), ERRNO(EPERM)); /* on every kernel */
	policy.kernel = SECCOMP_KERNEL(4, 4);
	policy.capabilities |= CAPABILITY_BIT(CAP_SYS_PTRACE);
	ck_assert_uint_eq(verdict(&policy, SYS_ptrace, 0), SECCOMP_RET_ALLOW);
}
END_TEST

/* The ceiling: a number the table was not written for is refused, as Docker's allow list
 * refuses every call it does not name (open_tree_attr is 467 on Linux 6.15 and later). */
START_TEST(numbers_above_the_highest_known_call_are_refused_with_enosys)
{
	struct seccomp_policy policy = default_policy();
	static const uint32_t unknown[] = { 467, 468, 470, 500, 547, 1000, 0x3fffffff };
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		ck_assert_msg(verdict(&policy, unknown[i], 0) == ERRNO(ENOSYS), "number %u", unknown[i]);
	/* even with every capability: a capability lifts rules, never the ceiling */
	policy.capabilities = capability_all();
	ck_assert_uint_eq(verdict(&policy, 467, 0), ERRNO(ENOSYS));
	policy = default_policy();
	ck_assert_uint_eq(verdict(&policy, 466 /* removexattrat, the highest known */, 0), SECCOMP_RET_ALLOW);
#ifdef __x86_64__
	/* x86-64's own unassigned numbers below the shared ones, 337..423 (uprobe took 336) */
	static const uint32_t gap[] = { 336, 337, 400, 423 };
	for (size_t i = 0; i < sizeof(gap) / sizeof(gap[0]); i++)
		ck_assert_msg(verdict(&policy, gap[i], 0) == ERRNO(ENOSYS), "number %u", gap[i]);
	ck_assert_uint_eq(verdict(&policy, 335 /* uretprobe */, 0), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(verdict(&policy, 424 /* pidfd_send_signal */, 0), SECCOMP_RET_ALLOW);
#endif
}
END_TEST

/* Docker's profile allows socket() for families < 38, 39 and > 40: AF_ALG (38, the kernel's
 * crypto API) and AF_VSOCK (40, sockets to the hypervisor and the host) are refused. */
START_TEST(socket_refuses_af_vsock_and_af_alg_and_allows_the_other_families)
{
	struct seccomp_policy policy = default_policy();
	ck_assert_uint_eq(verdict(&policy, SYS_socket, 40 /* AF_VSOCK */), ERRNO(EPERM));
	ck_assert_uint_eq(verdict(&policy, SYS_socket, 38 /* AF_ALG */), ERRNO(EPERM));
	static const uint64_t allowed[] = { 1 /* AF_UNIX */, 2 /* AF_INET */, 10 /* AF_INET6 */, 16 /* AF_NETLINK */,
					    17 /* AF_PACKET */, 37, 39 /* AF_NFC */, 41 /* AF_KCM */, 45 };
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		ck_assert_msg(verdict(&policy, SYS_socket, allowed[i]) == SECCOMP_RET_ALLOW, "family %llu",
			      (unsigned long long)allowed[i]);
	/* the kernel reads an int: a high half in the register does not hide AF_VSOCK */
	ck_assert_uint_eq(verdict(&policy, SYS_socket, 0x100000028ULL), ERRNO(EPERM));
	/* no capability lifts it in Docker's profile */
	policy.capabilities = capability_all();
	ck_assert_uint_eq(verdict(&policy, SYS_socket, 40), ERRNO(EPERM));
}
END_TEST

/* --- Docker's profile, read where it is and evaluated for x86-64 -------------------------- */

#ifdef __x86_64__
/* Read in place, never copied into the project; the test says "skipped" when it is absent. */
static const char *docker_profile_path(void)
{
	const char *path = getenv("TINYDOCK_DOCKER_SECCOMP");
	return path ? path : "../shared/corpora/docker-seccomp/default.json";
}

enum profile_op { OP_NE, OP_LT, OP_LE, OP_EQ, OP_GE, OP_GT, OP_MASKED_EQ };

/* One entry of the profile's "syscalls" array, its names turned into x86-64 numbers. */
struct profile_rule {
	bool lists[X86_64_SYSCALL_COUNT]; /* lists[nr]: the rule names that call */
	bool allow;                       /* SCMP_ACT_ALLOW, else SCMP_ACT_ERRNO with errno_ret */
	uint32_t errno_ret;
	bool x86_64;                      /* its includes/excludes arches let it apply on amd64 */
	uint64_t includes_caps, excludes_caps;
	unsigned includes_kernel, excludes_kernel; /* SECCOMP_KERNEL(); 0 when absent */
	struct {
		unsigned index;
		enum profile_op op;
		uint64_t value, value_two;
	} args[6];
	size_t arg_count;
};

struct profile {
	struct profile_rule rules[64];
	size_t count;
	uint32_t default_errno;
};

static int syscall_number(const char *name)
{
	for (int nr = 0; nr < X86_64_SYSCALL_COUNT; nr++)
		if (x86_64_syscall_names[nr] && strcmp(x86_64_syscall_names[nr], name) == 0)
			return nr;
	return -1; /* a call of another architecture (chown32, _llseek, ...) */
}

static uint64_t profile_caps(const struct json *list)
{
	uint64_t caps = 0;
	json_for_each(name, list) {
		int cap = capability_from_name(json_string(name));
		ck_assert_msg(cap >= 0, "the profile names an unknown capability %s", json_string(name));
		caps |= CAPABILITY_BIT(cap);
	}
	return caps;
}

static bool names_amd64(const struct json *arches)
{
	json_for_each(arch, arches)
		if (strcmp(json_string(arch), "amd64") == 0)
			return true;
	return false;
}

static unsigned profile_kernel(const struct json *text)
{
	unsigned major = 0, minor = 0;
	if (!text)
		return 0;
	ck_assert_int_eq(sscanf(json_string(text), "%u.%u", &major, &minor), 2);
	return SECCOMP_KERNEL(major, minor);
}

static enum profile_op profile_op(const char *op)
{
	static const char *const ops[] = { [OP_NE] = "SCMP_CMP_NE", [OP_LT] = "SCMP_CMP_LT", [OP_LE] = "SCMP_CMP_LE",
					   [OP_EQ] = "SCMP_CMP_EQ", [OP_GE] = "SCMP_CMP_GE", [OP_GT] = "SCMP_CMP_GT",
					   [OP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ" };
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(op, ops[i]) == 0)
			return (enum profile_op)i;
	ck_abort_msg("the profile uses an operator this test does not know: %s", op);
	return OP_EQ;
}

static uint64_t json_u64(const struct json *node)
{
	int64_t value = 0;
	if (node)
		ck_assert_int_eq(json_int64(node, &value), 0);
	return (uint64_t)value;
}

/* Everything the profile says, or false (and the reason) when it is not there. */
static bool read_docker_profile(struct profile *p)
{
	struct json *doc = json_parse_file(docker_profile_path());
	if (!doc)
		return false;
	memset(p, 0, sizeof(*p));
	ck_assert_str_eq(json_get_string(doc, "defaultAction"), "SCMP_ACT_ERRNO");
	p->default_errno = json_get(doc, "defaultErrnoRet") ? (uint32_t)json_u64(json_get(doc, "defaultErrnoRet")) : EPERM;
	json_for_each(entry, json_get(doc, "syscalls")) {
		ck_assert_uint_lt(p->count, sizeof(p->rules) / sizeof(p->rules[0]));
		struct profile_rule *rule = &p->rules[p->count++];
		json_for_each(name, json_get(entry, "names")) {
			int nr = syscall_number(json_string(name));
			if (nr >= 0)
				rule->lists[nr] = true;
		}
		const char *action = json_get_string(entry, "action");
		ck_assert_msg(strcmp(action, "SCMP_ACT_ALLOW") == 0 || strcmp(action, "SCMP_ACT_ERRNO") == 0,
			      "the profile uses an action this test does not know: %s", action);
		rule->allow = strcmp(action, "SCMP_ACT_ALLOW") == 0;
		rule->errno_ret = json_get(entry, "errnoRet") ? (uint32_t)json_u64(json_get(entry, "errnoRet"))
							       : p->default_errno;
		const struct json *in = json_get(entry, "includes"), *ex = json_get(entry, "excludes");
		const struct json *in_arches = json_get(in, "arches"), *ex_arches = json_get(ex, "arches");
		rule->x86_64 = (!in_arches || in_arches->count == 0 || names_amd64(in_arches)) && !names_amd64(ex_arches);
		rule->includes_caps = profile_caps(json_get(in, "caps"));
		rule->excludes_caps = profile_caps(json_get(ex, "caps"));
		rule->includes_kernel = profile_kernel(json_get(in, "minKernel"));
		rule->excludes_kernel = profile_kernel(json_get(ex, "minKernel"));
		json_for_each(arg, json_get(entry, "args")) {
			ck_assert_uint_lt(rule->arg_count, 6);
			rule->args[rule->arg_count].index = (unsigned)json_u64(json_get(arg, "index"));
			rule->args[rule->arg_count].op = profile_op(json_get_string(arg, "op"));
			rule->args[rule->arg_count].value = json_u64(json_get(arg, "value"));
			rule->args[rule->arg_count].value_two = json_u64(json_get(arg, "valueTwo"));
			rule->arg_count++;
		}
	}
	json_free(doc);
	return true;
}

/* Which entries Docker keeps for a container, as moby's setupSeccomp decides: every included
 * capability held, no excluded one held, the arch and the kernel version right. */
static bool profile_rule_applies(const struct profile_rule *rule, const struct seccomp_policy *policy)
{
	return rule->x86_64 && (rule->includes_caps & policy->capabilities) == rule->includes_caps &&
	       !(rule->excludes_caps & policy->capabilities) &&
	       (!rule->includes_kernel || policy->kernel >= rule->includes_kernel) &&
	       (!rule->excludes_kernel || policy->kernel < rule->excludes_kernel);
}

static bool profile_args_match(const struct profile_rule *rule, uint64_t arg0)
{
	for (size_t i = 0; i < rule->arg_count; i++) {
		ck_assert_msg(rule->args[i].index == 0, "the profile checks argument %u; this test samples only the first",
			      rule->args[i].index);
		uint64_t v = rule->args[i].value;
		bool ok = false;
		switch (rule->args[i].op) {
		case OP_NE: ok = arg0 != v; break;
		case OP_LT: ok = arg0 < v; break;
		case OP_LE: ok = arg0 <= v; break;
		case OP_EQ: ok = arg0 == v; break;
		case OP_GE: ok = arg0 >= v; break;
		case OP_GT: ok = arg0 > v; break;
		case OP_MASKED_EQ: ok = (arg0 & v) == rule->args[i].value_two; break;
		}
		if (!ok)
			return false;
	}
	return true;
}

/* runc refuses with ENOSYS every number above the highest one the kept entries name (its
 * "ENOSYS stub", libcontainer/seccomp/patchbpf), so that programs fall back as on an older
 * kernel; below it, a call no entry allows gets the profile's default errno. */
static int profile_highest(const struct profile *p, const struct seccomp_policy *policy)
{
	int highest = -1;
	for (size_t r = 0; r < p->count; r++)
		if (profile_rule_applies(&p->rules[r], policy))
			for (int nr = highest + 1; nr < X86_64_SYSCALL_COUNT; nr++)
				if (p->rules[r].lists[nr])
					highest = nr;
	return highest;
}

static uint32_t docker_verdict(const struct profile *p, const struct seccomp_policy *policy, uint32_t nr, uint64_t arg0)
{
	if ((int64_t)nr > profile_highest(p, policy))
		return ERRNO(ENOSYS);
	bool found = false;
	uint32_t result = ERRNO(p->default_errno);
	for (size_t r = 0; r < p->count; r++) {
		const struct profile_rule *rule = &p->rules[r];
		if (!rule->lists[nr] || !profile_rule_applies(rule, policy) || !profile_args_match(rule, arg0))
			continue;
		uint32_t v = rule->allow ? SECCOMP_RET_ALLOW : ERRNO(rule->errno_ret);
		ck_assert_msg(!found || v == result, "the profile gives %s two verdicts", x86_64_syscall_names[nr]);
		found = true;
		result = v;
	}
	return result;
}

/* The only places where tinydock's answer is meant to differ from Docker's. Both refuse in
 * each: only the errno differs. Not compared here, and stricter on purpose: a first argument
 * with its high half set (libseccomp compares 64 bits, while socket and personality read an
 * int, so Docker allows socket(0x100000028), which is AF_VSOCK to the kernel; we look at the
 * low half, see socket_refuses_...), the i386 and x32 ABIs (Docker filters them with their own
 * numbers, we kill them: the_filter_first_checks_the_architecture), and --userns (Docker has
 * no such rule: mount_is_left_to_the_kernel_in_a_user_namespace). */
static bool intended_difference(uint32_t nr, uint32_t ours, uint32_t docker)
{
	/* x86-64's unassigned numbers 336..423: no entry of the profile names them, so Docker
	 * answers EPERM; tinydock answers ENOSYS there as above its highest known number, the
	 * kernel's own answer for a call it lacks, which lets a program fall back (uprobe, 336,
	 * came after the profile and the table). */
	if (nr >= 336 && nr <= 423 && ours == ERRNO(ENOSYS) && docker == ERRNO(EPERM))
		return true;
	return false;
}

static const char *verdict_name(uint32_t v, char *buf, size_t size)
{
	if (v == SECCOMP_RET_ALLOW)
		snprintf(buf, size, "ALLOW");
	else if ((v & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO)
		snprintf(buf, size, "ERRNO(%s)", strerrorname_np((int)(v & SECCOMP_RET_DATA)));
	else
		snprintf(buf, size, "%#x", v);
	return buf;
}

/* Compare every number 0..1023 (x86-64's ~380 calls, its holes, the ceiling and far above)
 * under one policy; the arguments Docker or tinydock look at are sampled at their edges. */
static size_t compare_with_docker(const struct profile *p, const struct seccomp_policy *policy, char *report,
				  size_t size, size_t *used)
{
	static const uint64_t samples[] = { 0,        1,          2,          8,          37,         38,
					    39,       40,         41,         0x20000,    0x20008,    0x40000,
					    0x400000, 0x10000000, 0x01200011, 0x7e020000, 0xffffffff };
	struct seccomp_program program;
	ck_assert_int_eq(seccomp_build(policy, &program), 0);
	size_t differences = 0;
	for (uint32_t nr = 0; nr < 1024; nr++) {
		bool looks_at_args = false;
		for (size_t r = 0; r < p->count; r++)
			looks_at_args |= nr < X86_64_SYSCALL_COUNT && p->rules[r].lists[nr] && p->rules[r].arg_count > 0;
		for (size_t i = 0; i < seccomp_rule_count; i++)
			looks_at_args |= (uint32_t)seccomp_rules[i].nr == nr && seccomp_rules[i].match != SECCOMP_MATCH_ANY;
		size_t sample_count = looks_at_args ? sizeof(samples) / sizeof(samples[0]) : 1;
		for (size_t s = 0; s < sample_count; s++) {
			uint32_t ours = evaluate(&program, seccomp_architecture(), nr, samples[s]);
			uint32_t docker = docker_verdict(p, policy, nr, samples[s]);
			if (ours == docker || intended_difference(nr, ours, docker))
				continue;
			char a[32], b[32];
			differences++;
			int n = snprintf(report + *used, size - *used, "\n  caps %#llx kernel %u.%u: %u %s arg0=%#llx: tinydock %s, Docker %s",
					 (unsigned long long)policy->capabilities, policy->kernel >> 16, (policy->kernel >> 8) & 0xff, nr,
					 nr < X86_64_SYSCALL_COUNT && x86_64_syscall_names[nr] ? x86_64_syscall_names[nr] : "-",
					 (unsigned long long)samples[s], verdict_name(ours, a, sizeof(a)),
					 verdict_name(docker, b, sizeof(b)));
			if (n > 0 && (size_t)n < size - *used)
				*used += (size_t)n;
		}
	}
	seccomp_program_free(&program);
	return differences;
}

START_TEST(the_filter_decides_every_x86_64_number_as_docker_s_profile_does)
{
	static struct profile profile;
	if (!read_docker_profile(&profile)) {
		harness_skip("Docker's profile is not at %s (%s): set TINYDOCK_DOCKER_SECCOMP", docker_profile_path(),
			     error_message());
		return;
	}
	struct seccomp_policy docker_default = default_policy();
	ck_assert_msg(profile_highest(&profile, &docker_default) == SECCOMP_LAST_KNOWN,
		      "Docker's profile names calls up to %d, the filter's table up to %d: review the calls between",
		      profile_highest(&profile, &docker_default), SECCOMP_LAST_KNOWN);
	/* the default capabilities on a current and on a pre-4.8 kernel, then each other
	 * capability added alone (--cap-add X), then all of them (--cap-add ALL) */
	struct seccomp_policy policies[2 + CAPABILITY_LAST + 2];
	size_t count = 0;
	policies[count++] = default_policy();
	policies[count] = default_policy();
	policies[count++].kernel = SECCOMP_KERNEL(4, 4);
	for (int cap = 0; cap <= CAPABILITY_LAST; cap++)
		if (!(capability_docker_default() & CAPABILITY_BIT(cap))) {
			policies[count] = default_policy();
			policies[count++].capabilities |= CAPABILITY_BIT(cap);
		}
	policies[count] = default_policy();
	policies[count++].capabilities = capability_all();

	static char report[3000]; /* Check carries at most about 4 KiB of message */
	size_t used = 0, differences = 0;
	report[0] = '\0';
	for (size_t i = 0; i < count; i++)
		differences += compare_with_docker(&profile, &policies[i], report, sizeof(report), &used);
	ck_assert_msg(differences == 0, "%zu decisions differ from Docker's profile:%s", differences, report);
}
END_TEST
#endif

START_TEST(every_jump_lands_inside_the_program_and_the_last_instruction_allows)
{
	struct seccomp_policy policies[] = { default_policy(), default_policy(), default_policy() };
	policies[1].capabilities = 0;
	policies[1].kernel = SECCOMP_KERNEL(3, 10);
	policies[2].capabilities = capability_all();
	policies[2].in_user_namespace = true;
	for (size_t p = 0; p < 3; p++) {
		struct seccomp_program program;
		ck_assert_int_eq(seccomp_build(&policies[p], &program), 0);
		ck_assert_uint_le(program.length, BPF_MAXINSNS);
		for (size_t i = 0; i < program.length; i++) {
			const struct sock_filter *insn = &program.code[i];
			ck_assert_ptr_nonnull(program.notes[i]);
			if (BPF_CLASS(insn->code) == BPF_JMP) {
				ck_assert_uint_lt(i + 1 + insn->jt, program.length);
				ck_assert_uint_lt(i + 1 + insn->jf, program.length);
			}
		}
		const struct sock_filter *last = &program.code[program.length - 1];
		ck_assert_uint_eq(last->code, BPF_RET | BPF_K);
		ck_assert_uint_eq(last->k, SECCOMP_RET_ALLOW);
		seccomp_program_free(&program);
	}
}
END_TEST

START_TEST(the_disassembly_reads_like_the_lesson)
{
	struct seccomp_policy policy = default_policy();
	struct seccomp_program program;
	ck_assert_int_eq(seccomp_build(&policy, &program), 0);
	char text[64], expected[64];
	snprintf(expected, sizeof(expected), "jeq #0x%x, 1, 0", seccomp_architecture());
	ck_assert_str_eq(seccomp_disassemble(&program.code[1], text, sizeof(text)), expected);
	ck_assert_str_eq(seccomp_disassemble(&program.code[2], text, sizeof(text)), "ret KILL_PROCESS");
	ck_assert_str_eq(seccomp_disassemble(&program.code[3], text, sizeof(text)), "ld [0]");
	ck_assert_str_eq(seccomp_disassemble(&program.code[program.length - 1], text, sizeof(text)), "ret ALLOW");
	/* the first rule: keyctl */
	size_t first = 1;
	while (strcmp(program.notes[first], "keyctl") != 0)
		first++;
	snprintf(expected, sizeof(expected), "jeq #%u, 0, 1", (unsigned)SYS_keyctl);
	ck_assert_str_eq(seccomp_disassemble(&program.code[first], text, sizeof(text)), expected);
	ck_assert_str_eq(seccomp_disassemble(&program.code[first + 1], text, sizeof(text)), "ret ERRNO(EPERM)");
	seccomp_program_free(&program);
}
END_TEST

START_TEST(the_summary_lists_the_refused_calls)
{
	struct seccomp_policy policy = default_policy();
	char names[4096];
	size_t count = seccomp_refused_names(&policy, names, sizeof(names));
	size_t applies = 0;
	for (size_t i = 0; i < seccomp_rule_count; i++)
		applies += seccomp_rule_applies(&seccomp_rules[i], &policy);
	ck_assert_uint_eq(count, applies);
	ck_assert_msg(strncmp(names, "keyctl add_key request_key bpf ", 31) == 0, "%s", names);
	ck_assert_msg(strstr(names, " clone(new namespaces) ") != NULL, "%s", names);
	ck_assert_msg(strstr(names, " clone3(ENOSYS) ") != NULL, "%s", names);
	ck_assert_msg(strstr(names, " ptrace ") == NULL, "%s", names);
}
END_TEST

Suite *security_suite(void)
{
	Suite *s = suite_create("security");
	TCase *names = tcase_create("capability names");
	tcase_add_test(names, capability_names_are_accepted_with_or_without_the_prefix_in_any_case);
	tcase_add_test(names, every_capability_of_the_kernel_header_has_its_name);
	tcase_add_test(names, an_unknown_capability_is_named_in_the_error);
	tcase_add_test(names, an_empty_name_in_a_list_is_an_error);
	tcase_add_test(names, docker_default_set_is_its_fourteen_capabilities);
	tcase_add_test(names, all_means_every_capability_the_program_knows);
	tcase_add_test(names, a_list_of_names_becomes_a_set);
	tcase_add_test(names, names_of_an_empty_set_say_none_and_a_small_buffer_is_never_overrun);
	suite_add_tcase(s, names);

	TCase *flags = tcase_create("flags");
	tcase_add_test(flags, defaults_are_docker_capabilities_no_new_privs_and_the_filter);
	tcase_add_test(flags, cap_flags_apply_in_the_order_given);
	tcase_add_test(flags, privileged_keeps_every_capability_and_no_filter);
	tcase_add_test(flags, security_opt_reads_docker_spellings);
	tcase_add_test(flags, a_bad_security_opt_is_named_in_the_error);
	suite_add_tcase(s, flags);

	TCase *filter = tcase_create("seccomp filter");
	/* Comparing every x86_64 number, under the default policy and under each capability
	 * added alone, with Docker's profile runs the filter in its interpreter thousands of
	 * times: about 1 s on a quiet machine, 2.5 s at load 6, and past Check's default 4 s
	 * beside the CPU burners of `make stress`. */
	tcase_set_timeout(filter, 30);
	tcase_add_test(filter, the_filter_first_checks_the_architecture);
#ifdef __x86_64__
	tcase_add_test(filter, x32_system_calls_are_killed);
#endif
	tcase_add_test(filter, every_rule_refuses_its_call_under_the_default_policy);
	tcase_add_test(filter, the_calls_docker_refuses_are_refused);
	tcase_add_test(filter, ordinary_calls_fork_and_threads_stay_allowed);
	tcase_add_test(filter, new_namespaces_are_refused_and_clone3_says_enosys);
	tcase_add_test(filter, unusual_personalities_are_refused);
	tcase_add_test(filter, mount_is_left_to_the_kernel_in_a_user_namespace);
	tcase_add_test(filter, a_kept_capability_lifts_the_rules_it_was_given_for);
	tcase_add_test(filter, ptrace_is_refused_only_before_linux_4_8);
	tcase_add_test(filter, numbers_above_the_highest_known_call_are_refused_with_enosys);
	tcase_add_test(filter, socket_refuses_af_vsock_and_af_alg_and_allows_the_other_families);
#ifdef __x86_64__
	tcase_add_test(filter, the_filter_decides_every_x86_64_number_as_docker_s_profile_does);
#endif
	tcase_add_test(filter, every_jump_lands_inside_the_program_and_the_last_instruction_allows);
	tcase_add_test(filter, the_disassembly_reads_like_the_lesson);
	tcase_add_test(filter, the_summary_lists_the_refused_calls);
	suite_add_tcase(s, filter);
	return s;
}
