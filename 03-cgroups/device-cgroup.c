/*
 * device-cgroup.c - the container's device rules put into its cgroup (the lecture's CGroups).
 *
 * device-rules.c says which devices a container may use; this file tells the kernel, the way
 * the machine's cgroups take it:
 *
 *   v1 (and hybrid)  the devices controller has three files in each cgroup (kernel doc
 *                    cgroup-v1/devices.rst): devices.allow and devices.deny take one rule per
 *                    write, devices.list shows the result. A new cgroup copies its parent's
 *                    list (on most hosts "a *:* rwm", everything), so we first write "a" to
 *                    devices.deny (refuse everything, forget the copied rules), then each
 *                    rule of the allow list to devices.allow, as runc does.
 *   v2               there is no devices file: the kernel runs the BPF_PROG_TYPE_CGROUP_DEVICE
 *                    programs attached to the process's cgroup and its ancestors on each mknod
 *                    and open of a device node, and refuses with EPERM if one returns 0
 *                    (cgroup-v2.rst, "Device controller"). bpf(BPF_PROG_LOAD) hands the kernel
 *                    the program (its verifier checks it first), bpf(BPF_PROG_ATTACH) puts it on
 *                    the container's cgroup folder.
 *
 * A hybrid machine has both; we use v1's controller there, as runc does. (The kernel would run a
 * program on the v2 folder too, and both must agree: tests/system/test_devices.c attaches one
 * there to check the v2 path on a hybrid machine.)
 *
 * This happens between cgroup_create and cgroup_attach, while the container's first process
 * still waits at SYNC_CGROUP (02-namespaces/setup.c): by the time anything of the container runs,
 * and any `tinydock exec` joins the same cgroup, the rules are in place.
 *
 * Read next: device-show.c, `tinydock devices`, which prints the rules and the program.
 */
#include "device-cgroup.h"
#include "error.h"
#include "explain.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CH "03-cgroups"

int device_cgroup_write_list(const struct cgroup_layout *layout, const char *dir, const struct device_rules *rules)
{
	if (cgroup_write_value(layout, dir, "devices.deny", "a") < 0)
		return -1;
	for (size_t i = 0; i < rules->count; i++) {
		char text[64];
		if (cgroup_write_value(layout, dir, "devices.allow", device_rule_text(&rules->rule[i], text, sizeof(text))) < 0)
			return -1;
	}
	return 0;
}

static long bpf(int command, union bpf_attr *attr)
{
	return syscall(SYS_bpf, command, attr, sizeof(*attr));
}

/* BPF_PROG_LOAD; on a refusal, load again with the verifier's log, which says why. */
static int load_program(const struct device_program *program)
{
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)program->code;
	attr.insn_cnt = (uint32_t)program->length;
	/* Every program declares a license; it matters only for kernel helpers reserved to GPL
	 * programs, and this one calls no helper at all. */
	attr.license = (uint64_t)(uintptr_t)"GPL";
	int fd = (int)bpf(BPF_PROG_LOAD, &attr);
	explain_result(CH, fd, "bpf(BPF_PROG_LOAD, BPF_PROG_TYPE_CGROUP_DEVICE, %zu instructions)", program->length);
	if (fd >= 0)
		return fd;
	int err = errno;
	char log[16384] = "";
	attr.log_buf = (uint64_t)(uintptr_t)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	int again = (int)bpf(BPF_PROG_LOAD, &attr);
	if (again >= 0)
		close(again);
	log[strcspn(log, "\n")] = '\0';
	if (err == EPERM)
		return fail_errno(err, "cannot load the device program (loading BPF programs needs CAP_BPF or root)");
	return fail_errno(err, "cannot load the device program%s%s", log[0] ? ": the verifier says: " : "", log);
}

int device_cgroup_attach_program(const char *dir, const struct device_rules *rules)
{
	struct device_program program;
	if (device_program_build(rules, &program) < 0)
		return -1;
	int cgroup = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgroup < 0)
		return fail_sys("cannot open the cgroup \"%s\"", dir);
	int prog = load_program(&program);
	if (prog < 0) {
		close(cgroup);
		return -1;
	}
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgroup;
	attr.attach_bpf_fd = (uint32_t)prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	/* ALLOW_MULTI, as runc: programs below ours may be added, and run as well as ours (every one
	 * of them must allow); without it no cgroup below could ever have a program of its own. */
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	long rc = bpf(BPF_PROG_ATTACH, &attr);
	int err = errno;
	explain_result(CH, rc, "bpf(BPF_PROG_ATTACH, %s, BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI)", dir);
	/* The cgroup holds the program now; it goes when the cgroup is removed. */
	close(prog);
	close(cgroup);
	if (rc < 0)
		return fail_errno(err, "cannot attach the device program to \"%s\"", dir);
	return 0;
}

int device_cgroup_apply(const struct cgroup *cg, bool privileged)
{
	struct device_rules rules = device_rules_for(privileged);
	if (cg->v1[CG_DEVICES][0])
		return device_cgroup_write_list(&cg->layout, cg->v1[CG_DEVICES], &rules);
	if (!cg->v2[0])
		return fail_errno(0, "no device cgroup for \"%s/%s\": no v1 hierarchy under %s has the devices "
				     "controller, and there is no v2 tree (see /proc/cgroups)",
				  cg->parent, cg->id, cg->layout.root);
	if (explain_enabled()) {
		char list[1024] = "";
		for (size_t i = 0; i < rules.count; i++) {
			size_t used = strlen(list);
			char text[64];
			snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
				 device_rule_text(&rules.rule[i], text, sizeof(text)));
		}
		explain(CH, "device program for %s: allows %s; refuses every other device", cg->v2, list);
	}
	if (cg->layout.simulated) { /* a plain folder (tests' fake roots): no kernel to load into */
		explain(CH, "simulated cgroup root: no program attached to %s", cg->v2);
		return 0;
	}
	return device_cgroup_attach_program(cg->v2, &rules);
}
