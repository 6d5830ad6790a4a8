/*
 * version.c - `tinydock version`, in the shape of `docker version`'s client part.
 *
 * Docker prints its version, the Go compiler that built it, its Git commit and the platform
 * (OS/Arch: the GOOS/GOARCH it was built for), then asks the daemon for the server's part.
 * tinydock has no daemon: every command does its work in the process you start. So this is the
 * client part only, with the C compiler that built the binary (the compiler's own __VERSION__)
 * and, what only tinydock has, the chapters this binary links (command.h): build/ch03/tinydock
 * knows chapters 01 to 03 and nothing later.
 */
#include "version.h"

#include "cli.h"

#include <string.h>
#include <sys/utsname.h>

/* The platform this binary was compiled for, in Go's words (GOARCH), as Docker prints it. */
static const char *compiled_arch(void)
{
#if defined(__x86_64__)
	return "amd64";
#elif defined(__aarch64__)
	return "arm64";
#elif defined(__i386__)
	return "386";
#elif defined(__arm__)
	return "arm";
#elif defined(__riscv) && __riscv_xlen == 64
	return "riscv64";
#else
	return "unknown";
#endif
}

/* The compiler, named: gcc's __VERSION__ is its number alone, clang's names itself. */
static const char *compiler(void)
{
#if defined(__clang__)
	return __VERSION__;
#elif defined(__GNUC__)
	return "gcc " __VERSION__;
#else
	return __VERSION__;
#endif
}

/* One table per chapter (command.h), so a table's first row names its chapter. */
static void print_chapters(FILE *out, const struct command *const *tables)
{
	for (size_t t = 0; tables[t]; t++)
		if (tables[t][0].name)
			fprintf(out, "%s%s", t ? " " : "", tables[t][0].chapter);
	fputc('\n', out);
}

void version_print(FILE *out, const struct command *const *tables, const char *os_arch)
{
	fprintf(out, "Client:\n");
	fprintf(out, " Version:           %s\n", TINYDOCK_VERSION);
	fprintf(out, " C compiler:        %s\n", compiler());
	fprintf(out, " OS/Arch:           %s\n", os_arch);
	fprintf(out, " Chapters:          ");
	print_chapters(out, tables);
	fprintf(out, "\nServer: none (tinydock has no daemon: each command does its work itself)\n");
}

int cmd_version(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help("Usage:  tinydock version\n\nShow the tinydock version information\n");
	if (argc > 1)
		return usage_error("version", "accepts no arguments");
	char os_arch[64];
	snprintf(os_arch, sizeof(os_arch), "linux/%s", compiled_arch());
	version_print(stdout, command_tables(), os_arch);
	return 0;
}
