/*
 * security.c - reduced privileges: the last steps before a container's command runs.
 *
 * Least privilege. Namespaces hide the host; this file takes away the power to
 * reach it anyway. Three mechanisms, applied in this order, each printed under --explain:
 *
 *   1. capabilities (capabilities.c): the bounding set first (PR_CAPBSET_DROP needs
 *      CAP_SETPCAP, which the next step may take away), then capset(2) for the permitted,
 *      effective and inheritable sets, and an empty ambient set, so that a non-root user
 *      (-u 1000) has no capability at all after execve.
 *   2. no_new_privs (prctl(PR_SET_NO_NEW_PRIVS), Linux 3.5): execve can never again raise
 *      privileges: setuid-root programs and file capabilities stop working. It is what lets
 *      an unprivileged process install a seccomp filter, and it is kept across fork and exec.
 *   3. seccomp (seccomp.c): a BPF filter refusing the system calls a container has no
 *      business making. Last, so that every earlier step may still use the calls it needs
 *      (prctl, capset), and the filter only has to allow what the container's command does.
 *
 * One twist, as in runc: with --security-opt no-new-privileges=false the kernel accepts a
 * filter only from a process holding CAP_SYS_ADMIN, which step 1 takes away. Then the filter
 * is installed between the bounding set and capset (it allows prctl and capset).
 *
 * `docker run --privileged` skips all of it: every capability, no filter. Masked /proc paths,
 * the fourth layer, are mounts, done by `tinydock run` (run.c and its helpers).
 * Read next: security.md, the lesson, with the attacks each step stops.
 */
#include "security.h"
#include "capabilities.h"
#include "error.h"
#include "explain.h"
#include "seccomp.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>

static const char CHAPTER[] = "02-namespaces";

void security_defaults(struct security_settings *s)
{
	s->capabilities = capability_docker_default();
	/* Docker leaves no_new_privs off unless asked; we turn it on by default, because a
	 * container's root has no business running setuid programs to gain more. */
	s->no_new_privs = true;
	s->seccomp = true;
	s->privileged = false;
}

void security_privileged(struct security_settings *s)
{
	s->privileged = true;
	s->capabilities = capability_all();
	s->seccomp = false;
	s->no_new_privs = false;
}

int security_cap_add(struct security_settings *s, const char *names)
{
	uint64_t set;
	if (capability_parse_list(names, &set) < 0)
		return fail_context("--cap-add");
	s->capabilities |= set;
	return 0;
}

int security_cap_drop(struct security_settings *s, const char *names)
{
	uint64_t set;
	if (capability_parse_list(names, &set) < 0)
		return fail_context("--cap-drop");
	s->capabilities &= ~set;
	return 0;
}

/* strconv.ParseBool's spellings, which Docker accepts. */
static int parse_bool(const char *text, bool *value)
{
	static const char *const yes[] = { "1", "t", "true" }, *const no[] = { "0", "f", "false" };
	for (size_t i = 0; i < 3; i++) {
		if (strcasecmp(text, yes[i]) == 0)
			return *value = true, 0;
		if (strcasecmp(text, no[i]) == 0)
			return *value = false, 0;
	}
	return -1;
}

int security_opt(struct security_settings *s, const char *opt)
{
	/* "key=value"; Docker still reads the older "key:value". */
	size_t key_length = strcspn(opt, "=:");
	const char *value = opt[key_length] ? opt + key_length + 1 : NULL;
	char key[32];
	if (key_length >= sizeof(key))
		key_length = sizeof(key) - 1;
	memcpy(key, opt, key_length);
	key[key_length] = '\0';

	if (strcmp(key, "no-new-privileges") == 0) {
		bool on = true;
		if (value && parse_bool(value, &on) < 0)
			return fail_errno(0, "invalid --security-opt \"%s\": no-new-privileges takes true or false", opt);
		s->no_new_privs = on;
		return 0;
	}
	if (strcmp(key, "seccomp") == 0 && value) {
		if (strcmp(value, "unconfined") == 0) {
			s->seccomp = false;
			return 0;
		}
		if (strcmp(value, "default") == 0 || strcmp(value, "builtin") == 0) {
			s->seccomp = true;
			return 0;
		}
		return fail_errno(0, "invalid --security-opt \"%s\": seccomp profiles from files are not supported, "
				  "use seccomp=default or seccomp=unconfined", opt);
	}
	if (strcmp(key, "apparmor") == 0 || strcmp(key, "label") == 0 || strcmp(key, "systempaths") == 0)
		return fail_errno(0, "invalid --security-opt \"%s\": tinydock does not support %s", opt, key);
	return fail_errno(0, "invalid --security-opt \"%s\": expected seccomp=unconfined, seccomp=default "
			  "or no-new-privileges[=true|false]", opt);
}

int security_keep_capabilities(void)
{
	/* Changing every uid from 0 to non-zero clears the permitted set (capabilities(7),
	 * "Effect of user ID changes on capabilities") unless SECBIT_KEEP_CAPS is set. */
	if (explain_result(CHAPTER, prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0), "prctl(PR_SET_KEEPCAPS, 1)") < 0)
		return fail_sys("cannot keep the capabilities across setuid");
	return 0;
}

static int set_no_new_privs(void)
{
	if (explain_result(CHAPTER, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS, 1)") < 0)
		return fail_sys("cannot set no_new_privs");
	return 0;
}

/* The capabilities to keep: what was asked, limited to what this process holds itself (a
 * capability cannot be given away by a process that does not have it) and to what the
 * kernel knows. */
static uint64_t capabilities_to_keep(const struct security_settings *s, uint64_t permitted)
{
	uint64_t known = (CAPABILITY_BIT(capability_kernel_last()) << 1) - 1;
	uint64_t wanted = (s->privileged ? capability_all() : s->capabilities) & known;
	uint64_t keep = wanted & permitted;
	if (wanted != keep) {
		char names[2048];
		explain(CHAPTER, "not held by tinydock itself, so not kept: %s",
			capability_set_names(wanted & ~keep, names, sizeof(names)));
	}
	return keep;
}

int security_apply(const struct security_settings *s, bool in_user_namespace)
{
	uint64_t effective, permitted, inheritable;
	if (capability_get(&effective, &permitted, &inheritable) < 0)
		return -1;
	uint64_t keep = capabilities_to_keep(s, permitted);
	bool filter = s->seccomp && !s->privileged;
	struct seccomp_policy policy = {
		.capabilities = keep,
		.in_user_namespace = in_user_namespace,
		.kernel = seccomp_running_kernel(),
	};
	struct seccomp_program program = { 0 };
	int rc = -1;

	if (filter && seccomp_build(&policy, &program) < 0)
		goto out;
	/* After setresuid() to a non-root user (with PR_SET_KEEPCAPS) the effective set is
	 * empty: raise it to the permitted set to hold CAP_SETPCAP for the bounding set. */
	if (effective != permitted && capability_set(permitted, permitted, inheritable) < 0)
		goto out;
	if (capability_drop_bounding(keep) < 0)
		goto out;
	if (filter && !s->no_new_privs && seccomp_install(&program, &policy) < 0)
		goto out;
	/* Inheritable empty, as Docker since CVE-2022-24769: a non-empty inheritable set let
	 * programs with inheritable file capabilities gain them inside the container. */
	if (capability_set(keep, keep, 0) < 0)
		goto out;
	if (capability_clear_ambient() < 0)
		goto out;
	if (s->no_new_privs && set_no_new_privs() < 0)
		goto out;
	if (filter && s->no_new_privs && seccomp_install(&program, &policy) < 0)
		goto out;
	if (!filter)
		explain(CHAPTER, "no seccomp filter (%s)", s->privileged ? "--privileged" : "seccomp=unconfined");
	rc = 0;
out:
	seccomp_program_free(&program);
	return rc;
}
