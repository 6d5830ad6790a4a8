/*
 * cli.c - helpers every command uses for its arguments (see cli.h).
 *
 * Commands parse their own flags with getopt_long(3) (through cli_getopt, which takes a long
 * flag by its whole name only, and a boolean flag with Docker's `=true|false`), with a leading
 * '+' in the option string so that parsing stops at the first operand: in
 * `tinydock chroot DIR ls -l` the `-l` belongs to ls, not to tinydock.
 *
 * Docker's CLI is Go's pflag under cobra: a flag that takes no value is a boolean, written alone
 * (--rm) or with a value joined by '=' (--rm=false, -d=false), never as two words. getopt_long
 * refuses a value on a flag that takes none ('?'); cli_getopt reads it instead, with the words
 * Go's strconv.ParseBool reads, and hands it on in optarg for cli_flag_on.
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

/* "tinydock: COMMAND: <message>" and the hint to --help, on stderr. */
static void say_usage(const char *command, const char *fmt, va_list ap)
{
	char message[1024];
	vsnprintf(message, sizeof(message), fmt, ap);
	fprintf(stderr, "tinydock: %s: %s\nSee 'tinydock %s --help'.\n", command, message, command);
}

int usage_error(const char *command, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say_usage(command, fmt, ap);
	va_end(ap);
	return EXIT_TINYDOCK_FAILED;
}

int arguments_error(const char *command, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say_usage(command, fmt, ap);
	va_end(ap);
	return 1;
}

int command_failed(const char *command)
{
	fail_context("%s", command);
	return error_report(EXIT_TINYDOCK_FAILED);
}

bool cli_parse_bool(const char *text, bool *value)
{
	/* Go's strconv.ParseBool, which pflag calls for a boolean flag's value. */
	static const char *const truths[] = { "1", "t", "T", "TRUE", "true", "True" };
	static const char *const falsehoods[] = { "0", "f", "F", "FALSE", "false", "False" };
	for (size_t i = 0; i < sizeof(truths) / sizeof(truths[0]); i++) {
		if (strcmp(text, truths[i]) == 0) {
			*value = true;
			return true;
		}
		if (strcmp(text, falsehoods[i]) == 0) {
			*value = false;
			return true;
		}
	}
	return false;
}

bool cli_flag_on(const char *value)
{
	bool on = true; /* the flag alone; cli_getopt let through only values cli_parse_bool reads */
	if (value)
		cli_parse_bool(value, &on);
	return on;
}

/* The long option named exactly by name[0..length), or -1. */
static int long_option_named(const struct option *longs, const char *name, size_t length)
{
	for (int i = 0; longs && longs[i].name; i++)
		if (strlen(longs[i].name) == length && strncmp(longs[i].name, name, length) == 0)
			return i;
	return -1;
}

/* True if c is a short option of shorts that takes no value (no ':' after it). */
static bool short_option_alone(const char *shorts, int c)
{
	if (c == ':' || c == '=' || c == '+' || c == '-')
		return false;
	const char *at = strchr(shorts, c);
	return at && at[1] != ':';
}

/* getopt_long answered '?' for "--NAME=VALUE" when NAME takes no value. If NAME is a whole long
 * name and VALUE a boolean, that is Docker's "--rm=false": answer with the option, VALUE in optarg. */
static int long_flag_with_value(char **argv, const struct option *longs, int *index)
{
	const char *typed = argv[optind - 1];
	const char *equals = strchr(typed, '=');
	if (strncmp(typed, "--", 2) != 0 || !equals)
		return '?';
	int i = long_option_named(longs, typed + 2, (size_t)(equals - typed - 2));
	bool value;
	if (i < 0 || longs[i].has_arg != no_argument || !cli_parse_bool(equals + 1, &value)) {
		optopt = 0; /* an unknown long flag, not a shorthand one */
		return '?';
	}
	optarg = (char *)equals + 1;
	if (index)
		*index = i;
	if (longs[i].flag) {
		*longs[i].flag = longs[i].val;
		return 0;
	}
	return longs[i].val;
}

/* getopt_long answered c for "-c=VALUE" and stands after the c (short options run together, as
 * in -it, are read one letter a call). Read the rest as the flag's value, as pflag does for
 * "-d=false": let getopt finish the word (its position within one is its own), discarding what
 * it answers, then go on at the next word. */
static int short_flag_with_value(int argc, char **argv, const char *shorts, const struct option *longs, int c)
{
	int word = optind;
	const char *value = argv[word] + 3;
	int quiet = opterr;
	opterr = 0;
	while (optind == word && getopt_long(argc, argv, shorts, longs, NULL) != -1)
		;
	opterr = quiet;
	optind = word + 1; /* a letter of VALUE that takes an argument may have taken the next word */
	bool on;
	if (!cli_parse_bool(value, &on)) {
		optopt = 0;
		return '?';
	}
	optarg = (char *)value;
	return c;
}

int cli_getopt(int argc, char **argv, const char *shorts, const struct option *longs, int *index)
{
	int first = optind > 0 ? optind : 1; /* optind 0 asks glibc to start again, at argv[1] */
	int matched = -1;
	int opt = getopt_long(argc, argv, shorts, longs, &matched);
	if (index)
		*index = matched;
	if (opt == '?' && optind > first)
		return long_flag_with_value(argv, longs, index);
	if (opt == -1 || opt == '?')
		return opt;
	if (matched < 0) {
		if (!short_option_alone(shorts, opt))
			return opt;
		optarg = NULL;
		/* Still within the word it started (it did not move on) and that word is "-c=...": in
		 * a parse that does not reorder its arguments ('+'), the word at first is the one read. */
		if (shorts[0] == '+' && optind == first && optind < argc && argv[optind][0] == '-' &&
		    argv[optind][1] == opt && argv[optind][2] == '=')
			return short_flag_with_value(argc, argv, shorts, longs, opt);
		return opt;
	}
	if (longs[matched].has_arg == no_argument)
		optarg = NULL;
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
			*all = cli_flag_on(optarg);
		else if (opt == 'f')
			*force = cli_flag_on(optarg);
		else
			return usage_error(command, "unknown flag: %s", argv[optind - 1]);
	}
	if (optind < argc)
		return arguments_error(command, "accepts no arguments");
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
