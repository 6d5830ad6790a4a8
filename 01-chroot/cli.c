/*
 * cli.c - helpers every command uses for its arguments (see cli.h).
 *
 * Commands parse their own flags with getopt_long(3) (through cli_getopt, which takes a long
 * flag by its whole name only), with a leading '+' in the option string so that parsing stops
 * at the first operand: in `tinydock chroot DIR ls -l` the `-l` belongs to ls, not to tinydock.
 */
#include "cli.h"
#include "error.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int print_help(const char *text)
{
	fputs(text, stdout);
	return 0;
}

int usage_error(const char *command, const char *fmt, ...)
{
	char message[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	fprintf(stderr, "tinydock: %s: %s\nSee 'tinydock %s --help'.\n", command, message, command);
	return EXIT_TINYDOCK_FAILED;
}

int command_failed(const char *command)
{
	fail_context("%s", command);
	return error_report(EXIT_TINYDOCK_FAILED);
}

int cli_getopt(int argc, char **argv, const char *shorts, const struct option *longs, int *index)
{
	int first = optind > 0 ? optind : 1; /* optind 0 asks glibc to start again, at argv[1] */
	int matched = -1;
	int opt = getopt_long(argc, argv, shorts, longs, &matched);
	if (index)
		*index = matched;
	if (opt == -1 || opt == '?' || matched < 0)
		return opt;
	/* A long flag matched: find what was typed for it among the arguments this call read (the
	 * flag, and its value when it took the next one), and refuse a shortened name. */
	const char *name = longs[matched].name;
	size_t whole = strlen(name);
	for (int i = first; i < optind && i < argc; i++) {
		const char *typed = argv[i];
		if (strncmp(typed, "--", 2) != 0)
			continue;
		size_t length = strcspn(typed + 2, "=");
		if (length < whole && strncmp(typed + 2, name, length) == 0) {
			optind = i + 1; /* argv[optind - 1] is the flag, for the caller's "unknown flag" */
			if (index)
				*index = -1;
			return '?';
		}
	}
	return opt;
}

int parse_prune_flags(const char *command, int argc, char **argv, bool *all, bool *force)
{
	static const struct option options[] = { { "all", no_argument, NULL, 'a' },
						 { "force", no_argument, NULL, 'f' },
						 { NULL, 0, NULL, 0 } };
	*all = *force = false;
	optind = 1;
	opterr = 0;
	for (int opt; (opt = cli_getopt(argc, argv, "+af", options, NULL)) != -1;) {
		if (opt == 'a')
			*all = true;
		else if (opt == 'f')
			*force = true;
		else
			return usage_error(command, "unknown flag: %s", argv[optind - 1]);
	}
	if (optind < argc)
		return usage_error(command, "accepts no arguments");
	return 0;
}

bool confirmed(const char *what)
{
	printf("WARNING! %s\nAre you sure you want to continue? [y/N] ", what);
	fflush(stdout);
	char answer[16] = "";
	return fgets(answer, sizeof(answer), stdin) && (answer[0] == 'y' || answer[0] == 'Y');
}

bool asks_for_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0 || argv[i][0] != '-')
			return false;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return true;
	}
	return false;
}

int parse_uint(const char *text, unsigned long long max, unsigned long long *value)
{
	if (!text || !isdigit((unsigned char)text[0]))
		return -1;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*value = v;
	return 0;
}

int parse_size(const char *text, int64_t *bytes)
{
	if (!text || !isdigit((unsigned char)text[0]))
		return -1;
	errno = 0;
	char *end;
	double number = strtod(text, &end);
	if (errno != 0 || number < 0)
		return -1;
	double unit = 1;
	switch (tolower((unsigned char)*end)) {
	case '\0': break;
	case 'b': unit = 1; break;
	case 'k': unit = 1024.0; break;
	case 'm': unit = 1024.0 * 1024; break;
	case 'g': unit = 1024.0 * 1024 * 1024; break;
	case 't': unit = 1024.0 * 1024 * 1024 * 1024; break;
	default: return -1;
	}
	if (*end != '\0') {
		end++;
		/* Docker accepts "64m", "64mb" and "64MiB"-style suffixes alike. */
		if (tolower((unsigned char)*end) == 'i')
			end++;
		if (tolower((unsigned char)*end) == 'b')
			end++;
		if (*end != '\0')
			return -1;
	}
	double total = number * unit;
	if (total > 9.2e18)
		return -1;
	*bytes = (int64_t)total;
	return 0;
}
