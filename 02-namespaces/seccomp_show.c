/*
 * seccomp_show.c - `tinydock seccomp`: print the filter a container would get, instruction by
 * instruction, the way the kernel will run it.
 *
 * A teaching command (Docker has none): the BPF program of seccomp.c is built exactly as
 * security_apply() builds it, with the same flags (--cap-add, --cap-drop, --userns), and
 * printed with a note per instruction. Nothing is installed. Use it to read the program that
 * security.md explains, and to see a rule appear after adding it to the table in seccomp.c.
 */
#include "capabilities.h"
#include "cli.h"
#include "error.h"
#include "seccomp.h"
#include "security.h"

#include <getopt.h>
#include <stdio.h>

static const char HELP[] =
	"Usage:  tinydock seccomp [OPTIONS]\n"
	"\n"
	"Print the seccomp filter (classic BPF) that 'tinydock run' installs in a container with\n"
	"the same options, one instruction per line with what it is for. Installs nothing.\n"
	"\n"
	"Options:\n"
	"      --cap-add list     Add Linux capabilities (lifts the rules they were given for)\n"
	"      --cap-drop list    Drop Linux capabilities\n"
	"      --userns           As for a container with its own user namespace\n"
	"\n"
	"Example:\n"
	"  tinydock seccomp | less\n"
	"  tinydock seccomp --cap-add SYS_ADMIN | grep -c refuse\n";

int cmd_seccomp(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(HELP);
	static const struct option options[] = {
		{ "cap-add", required_argument, NULL, 'a' },
		{ "cap-drop", required_argument, NULL, 'd' },
		{ "userns", no_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	struct security_settings settings;
	security_defaults(&settings);
	bool userns = false;
	int option;
	optind = 1;
	opterr = 0;
	while ((option = cli_getopt(argc, argv, "+", options, NULL)) != -1) {
		int rc = 0;
		if (option == 'a')
			rc = security_cap_add(&settings, optarg);
		else if (option == 'd')
			rc = security_cap_drop(&settings, optarg);
		else if (option == 'u')
			userns = cli_flag_on(optarg);
		else
			return usage_error("seccomp", "unknown option \"%s\"", argv[optind - 1]);
		if (rc < 0)
			return error_report(EXIT_TINYDOCK_FAILED);
	}
	if (optind < argc)
		return usage_error("seccomp", "takes no arguments, got \"%s\"", argv[optind]);

	struct seccomp_policy policy = {
		.capabilities = settings.capabilities,
		.in_user_namespace = userns,
		.kernel = seccomp_running_kernel(),
	};
	struct seccomp_program program;
	if (seccomp_build(&policy, &program) < 0)
		return error_report(EXIT_TINYDOCK_FAILED);
	char names[4096];
	size_t refused = seccomp_refused_names(&policy, names, sizeof(names));
	printf("# %zu instructions; refuses every number above %d and %zu system calls; capabilities kept: 0x%016llx\n",
	       program.length, SECCOMP_LAST_KNOWN, refused, (unsigned long long)policy.capabilities);
	for (size_t i = 0; i < program.length; i++) {
		char text[64];
		printf("%4zu  %-26s ; %s\n", i, seccomp_disassemble(&program.code[i], text, sizeof(text)),
		       program.notes[i]);
	}
	seccomp_program_free(&program);
	return 0;
}
