/*
 * format-commands.c - `tinydock sha256sum` and `tinydock gunzip`: the chapter's formats,
 * driven from the shell.
 *
 * A layer's ID is the digest of its bytes. These two commands let a student
 * check that with the tools they know: `tinydock sha256sum f` prints what `sha256sum f`
 * prints, and `tinydock gunzip < layer.tar.gz | tar t` reads a compressed layer. They are
 * also what bench.sh times against sha256sum, openssl and gzip.
 *
 * Read sha256.c and gzip.c for the formats themselves.
 */
#include "format-commands.h"
#include "cli.h"
#include "error.h"
#include "files.h"
#include "gzip.h"
#include "sha256.h"

#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char SHA256SUM_HELP[] =
	"Usage:  tinydock sha256sum [FILE...]\n"
	"\n"
	"Print the SHA-256 digest of each FILE (standard input when there is none, or for \"-\"),\n"
	"in the format of coreutils' sha256sum: 64 hex digits, two spaces, the name.\n"
	"An image names its layers, configs and manifests by this digest (\"sha256:<hex>\").\n"
	"\n"
	"TINYDOCK_SHA256=portable forces the portable code when the CPU has SHA extensions.\n"
	"\n"
	"Example:\n"
	"  tinydock sha256sum layer.tar && sha256sum layer.tar\n";

/* sha256sum (coreutils, "Output format") marks a name holding a backslash or a newline with
 * a leading backslash and escapes those characters, so that every line stays one line. */
static void print_sum(const char *hex, const char *name)
{
	if (!strpbrk(name, "\\\n")) {
		printf("%s  %s\n", hex, name);
		return;
	}
	printf("\\%s  ", hex);
	for (const char *p = name; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", stdout);
		else if (*p == '\n')
			fputs("\\n", stdout);
		else
			putchar(*p);
	}
	putchar('\n');
}

int cmd_sha256sum(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(SHA256SUM_HELP);
	int first = 1;
	if (first < argc && strcmp(argv[first], "--") == 0)
		first++;
	else if (first < argc && argv[first][0] == '-' && argv[first][1] != '\0')
		return usage_error("sha256sum", "unknown option \"%s\"", argv[first]);
	char *stdin_only[] = { "-" };
	char **names = first < argc ? argv + first : stdin_only;
	int count = first < argc ? argc - first : 1;

	int status = 0;
	for (int i = 0; i < count; i++) {
		uint8_t digest[SHA256_SIZE];
		int rc = strcmp(names[i], "-") == 0 ? sha256_fd(0, digest) : sha256_file(names[i], digest);
		if (rc < 0) {
			/* Like sha256sum: report, go on with the other files, fail at the end. */
			error_report(1);
			status = 1;
			continue;
		}
		char hex[SHA256_HEX_SIZE];
		sha256_hex(digest, hex);
		print_sum(hex, names[i]);
	}
	if (fflush(stdout) != 0)
		return fail_sys("sha256sum: cannot write the output"), error_report(1);
	return status;
}

static const char GUNZIP_HELP[] =
	"Usage:  tinydock gunzip < FILE.gz > FILE\n"
	"\n"
	"Decompress gzip data (every member, every CRC-32 and size checked) from standard input\n"
	"to standard output, like 'gzip -d -c'. It keeps only a 32 KiB window and a buffer in\n"
	"memory, however large the input.\n"
	"\n"
	"Example:\n"
	"  tinydock gunzip < layer.tar.gz | tar -t\n";

int cmd_gunzip(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(GUNZIP_HELP);
	if (argc > 1)
		return usage_error("gunzip", "it reads standard input and takes no arguments");
	struct gzip_reader *g = gzip_open_fd(0);
	if (!g)
		return error_report(1);
	int status = 0;
	for (;;) {
		const uint8_t *chunk;
		ssize_t n = gzip_next(g, &chunk);
		if (n == 0)
			break;
		if (n < 0 || write_all(1, chunk, (size_t)n) < 0) {
			status = error_report(1);
			break;
		}
	}
	gzip_close(g);
	return status;
}
