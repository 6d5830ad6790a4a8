/*
 * cli.h - what every command does with its arguments: help, usage errors, numbers.
 *
 * Each command is a function `int cmd_NAME(int argc, char **argv)` (argv[0] is
 * the command's name) in the chapter that teaches it; each chapter's table maps
 * names to functions (command.h), as git does with its builtins. A command
 * returns its exit status: 0, the status of the process it ran, or 125
 * (EXIT_TINYDOCK_FAILED) after error_report().
 */
#ifndef TINYDOCK_CLI_H
#define TINYDOCK_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#define TINYDOCK_VERSION "0.1.0"

/* getopt_long(3), with Docker's CLI's rules for flag names and boolean values.
 *
 * A long flag is taken only by its whole name. getopt_long accepts any unambiguous prefix
 * ("--priv" for --privileged, "--pid host" for --pids-limit host); Docker's CLI does not, and a
 * student's `--pid host` must be an unknown flag, not a pids limit. A shortened name is
 * answered as an unknown flag ('?', with argv[optind - 1] the flag).
 *
 * A flag that takes no value (no_argument, or a short option without ':') is a boolean, and
 * Docker's CLI (Go's pflag) also takes it with a value joined by '=': `--rm=true`,
 * `--detach=false`, `-d=false` (the short form when the option string starts with '+', as
 * every command's does). The flag is then answered with the value in optarg, and optarg is
 * NULL when the flag came alone: read it with cli_flag_on(optarg). A value cli_parse_bool does
 * not read is answered as an unknown flag. `--rm false` stays the flag alone followed by the
 * operand "false", as in Docker. */
int cli_getopt(int argc, char **argv, const char *shorts, const struct option *longs, int *index);

/* Go's strconv.ParseBool, which pflag applies to a boolean flag's value: 1 t T TRUE true True
 * are true, 0 f F FALSE false False are false. False (and *value untouched) for anything else. */
bool cli_parse_bool(const char *text, bool *value);

/* The value of a boolean flag cli_getopt answered, from its optarg: true for the flag alone
 * (NULL), else the value it was given (`--rm=false`). Every boolean flag is read through it:
 * `c->remove = cli_flag_on(optarg);` */
bool cli_flag_on(const char *value);

/* Print a command's help text on stdout; returns 0 so `return print_help(text);` reads well. */
int print_help(const char *text);

/* Print "tinydock: COMMAND: <message>" and "See 'tinydock COMMAND --help'." on stderr; returns 125. */
int usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The same for a wrong number of arguments ("requires exactly 1 argument"), but returns 1: Docker's
 * CLI answers those with status 1 and an unknown flag or a bad flag value with 125 (`docker logs`
 * alone exits 1, `docker logs --bogus x` 125). */
int arguments_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Put the command's name in front of the recorded error and report it, "tinydock: COMMAND:
 * <message>" on stderr (error.h); returns 125: `return command_failed("save");` */
int command_failed(const char *command);

/* The flags of a prune command, as Docker's take them: -a/--all and -f/--force. Returns 0, or
 * the exit code after naming the unknown flag (usage_error): `if ((code = ...)) return code;` */
int parse_prune_flags(const char *command, int argc, char **argv, bool *all, bool *force);

/* Ask before a command removes things, as Docker's prune commands do: print "WARNING! <what>"
 * and "Are you sure you want to continue? [y/N] " on stdout, and read the answer from stdin.
 * True only for an answer that starts with y or Y (no answer, end of input: no). */
bool confirmed(const char *what);

/* True if any argument before a lone "--" (or before the first non-option) is -h or --help. */
bool asks_for_help(int argc, char **argv);

/* Parse a size such as 64m, 1g, 512k or 1048576 (bytes) as Docker does; -1 on a bad one. */
int parse_size(const char *text, int64_t *bytes);

/* Parse a whole non-negative decimal number that fits in *value; -1 otherwise. */
int parse_uint(const char *text, unsigned long long max, unsigned long long *value);

#endif
