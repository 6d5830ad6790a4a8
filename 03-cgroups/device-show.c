/*
 * device-show.c - `tinydock devices`: print the device rules a container gets, and the v2
 * device program made from them, instruction by instruction.
 *
 * A teaching command (Docker has none), the companion of `tinydock seccomp`: the list and the
 * program come from device-rules.c exactly as device-cgroup.c applies them. Nothing is loaded.
 * The rules are what a v1 host writes to devices.allow; the program is what a v2 host attaches.
 */
#include "cli.h"
#include "device-cgroup.h"
#include "error.h"

#include <getopt.h>
#include <stdio.h>

static const char HELP[] =
	"Usage:  tinydock devices [OPTIONS]\n"
	"\n"
	"Print the devices a container may use: the rules written to a v1 cgroup's devices.allow\n"
	"(after \"a\" to devices.deny), and the device program (eBPF) attached to a v2 cgroup, one\n"
	"instruction per line with what it is for. Loads nothing.\n"
	"\n"
	"Options:\n"
	"      --privileged   As for a container run with --privileged (every device)\n"
	"\n"
	"Example:\n"
	"  tinydock devices | less\n";

int cmd_devices(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(HELP);
	static const struct option options[] = {
		{ "privileged", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	bool privileged = false;
	int option;
	optind = 1;
	opterr = 0;
	while ((option = cli_getopt(argc, argv, "+", options, NULL)) != -1) {
		if (option != 'p')
			return usage_error("devices", "unknown option \"%s\"", argv[optind - 1]);
		privileged = cli_flag_on(optarg);
	}
	if (optind < argc)
		return usage_error("devices", "takes no arguments, got \"%s\"", argv[optind]);

	struct device_rules rules = device_rules_for(privileged);
	struct device_program program;
	if (device_program_build(&rules, &program) < 0)
		return error_report(EXIT_TINYDOCK_FAILED);
	printf("# cgroup v1: \"a\" to devices.deny, then %zu rule%s to devices.allow%s\n", rules.count,
	       rules.count == 1 ? "" : "s", privileged ? "" : "; every other device is refused");
	for (size_t i = 0; i < rules.count; i++) {
		char text[64];
		printf("%-14s ; %s\n", device_rule_text(&rules.rule[i], text, sizeof(text)), rules.rule[i].what);
	}
	printf("# cgroup v2: the same as a device program, %zu instructions; r1 points at struct bpf_cgroup_dev_ctx,\n"
	       "# r0 = 1 allows, r0 = 0 refuses with EPERM\n",
	       program.length);
	for (size_t i = 0; i < program.length; i++) {
		char text[64];
		printf("%4zu  %-22s ; %s\n", i, device_program_disassemble(&program.code[i], text, sizeof(text)),
		       program.note[i]);
	}
	return 0;
}
