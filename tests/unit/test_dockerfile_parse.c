/*
 * test_dockerfile_parse.c - the Dockerfile parser (06-dockerfile/dockerfile.c, heredoc.c,
 * dockerfile-dump.c): every rule of the Dockerfile reference's syntax, each checked through
 * the dump BuildKit's parser prints (Node.Dump), and every error with its line.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build-heredoc.h"
#include "dockerfile.h"
#include "error.h"

/* The dump of text, or "error: <message>": a new string. */
static char *dump_of(const char *text)
{
	struct dockerfile d;
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);
	ck_assert_ptr_nonnull(f);
	if (dockerfile_parse("Dockerfile", text, strlen(text), &d) < 0) {
		fprintf(f, "error: %s", error_message());
	} else {
		dockerfile_dump(&d, f);
		dockerfile_free(&d);
	}
	fclose(f);
	return out;
}

#define assert_dump(text, expected)                  \
	do {                                          \
		char *got_ = dump_of(text);           \
		ck_assert_str_eq(got_, expected);     \
		free(got_);                           \
	} while (0)

/* The parse must fail with a message that contains each of the expected parts. */
#define assert_error(text, part)                                                       \
	do {                                                                            \
		struct dockerfile d_;                                                   \
		ck_assert_int_eq(dockerfile_parse("Dockerfile", text, strlen(text), &d_), -1); \
		ck_assert_msg(strstr(error_message(), part), "\"%s\" lacks \"%s\"", error_message(), part); \
		ck_assert_uint_eq(d_.count, 0);                                          \
	} while (0)

static void parse_ok(const char *text, struct dockerfile *d)
{
	ck_assert_msg(dockerfile_parse("Dockerfile", text, strlen(text), d) == 0, "%s", error_message());
}

/* --- Lines ------------------------------------------------------------------------------------ */

START_TEST(a_line_ending_in_the_escape_character_continues_on_the_next)
{
	/* the escape is removed, the lines are joined as they are: spaces kept */
	assert_dump("FROM a\nRUN echo hello \\\n  world\\\nwide\n",
		    "(from \"a\")\n(run \"echo hello   worldwide\")\n");
}
END_TEST

START_TEST(blanks_after_the_escape_character_still_continue_the_line)
{
	assert_dump("FROM a\nRUN echo a \\  \t\n b\n", "(from \"a\")\n(run \"echo a  b\")\n");
}
END_TEST

START_TEST(an_escaped_escape_character_at_the_end_does_not_continue)
{
	assert_dump("FROM a\nRUN echo a\\\\\nRUN b\n", "(from \"a\")\n(run \"echo a\\\\\\\\\")\n(run \"b\")\n");
}
END_TEST

START_TEST(the_escape_directive_makes_the_backtick_the_escape_character)
{
	struct dockerfile d;
	parse_ok("# escape=`\nFROM a\nRUN dir c:\\ `\n  && echo done\n", &d);
	ck_assert_int_eq(d.escape, '`');
	ck_assert_uint_eq(d.count, 2);
	ck_assert_str_eq(d.instructions[1].args[0], "dir c:\\   && echo done");
	dockerfile_free(&d);
}
END_TEST

START_TEST(directive_names_ignore_case_and_blanks_around_the_equals_sign)
{
	struct dockerfile d;
	parse_ok("#  ESCAPE =  `  \nFROM a\n", &d);
	ck_assert_int_eq(d.escape, '`');
	dockerfile_free(&d);
	parse_ok("  # syntax = docker/dockerfile:1\n#escape=\\\nFROM a\n", &d);
	ck_assert_str_eq(d.syntax, "docker/dockerfile:1");
	ck_assert_int_eq(d.escape, '\\');
	dockerfile_free(&d);
}
END_TEST

START_TEST(a_directive_after_a_comment_an_empty_line_or_an_instruction_is_a_comment)
{
	const char *late[] = {
		"# a comment\n# escape=`\nFROM a\nRUN a `\nRUN b\n",
		"\n# escape=`\nFROM a\nRUN a `\nRUN b\n",
		"# unknown=directive\n# escape=`\nFROM a\nRUN a `\nRUN b\n",
		"FROM a\n# escape=`\nRUN a `\nRUN b\n",
	};
	for (size_t i = 0; i < sizeof(late) / sizeof(late[0]); i++) {
		struct dockerfile d;
		parse_ok(late[i], &d);
		ck_assert_msg(d.escape == '\\', "case %zu took the late directive", i);
		ck_assert_uint_eq(d.count, 3); /* the backtick did not continue the line */
		dockerfile_free(&d);
	}
}
END_TEST

START_TEST(the_syntax_directive_is_recorded_and_acted_on_by_nobody)
{
	struct dockerfile d;
	parse_ok("# syntax=docker/dockerfile:1.4\n# escape=`\nFROM a\n", &d);
	ck_assert_str_eq(d.syntax, "docker/dockerfile:1.4");
	ck_assert_int_eq(d.escape, '`');
	dockerfile_free(&d);
	parse_ok("FROM a\n# syntax=x\n", &d);
	ck_assert_ptr_null(d.syntax);
	dockerfile_free(&d);
}
END_TEST

START_TEST(a_repeated_or_invalid_directive_is_an_error_naming_the_line)
{
	assert_error("# escape=`\n# escape=`\nFROM a\n", "Dockerfile line 2: only one escape parser directive");
	assert_error("# syntax=a\n# syntax=b\nFROM a\n", "line 2: only one syntax parser directive");
	assert_error("# escape=x\nFROM a\n", "line 1: invalid escape token 'x' does not match ` or \\");
}
END_TEST

START_TEST(comments_are_skipped_also_inside_a_continued_instruction)
{
	assert_dump("# top\nFROM a\n  # indented comment\nRUN echo a \\\n# inside\n    # inside too\n  b\n",
		    "(from \"a\")\n(run \"echo a   b\")\n");
	/* '#' elsewhere than first on the line is no comment */
	assert_dump("FROM a\nRUN echo a # not a comment\n", "(from \"a\")\n(run \"echo a # not a comment\")\n");
}
END_TEST

START_TEST(an_empty_continuation_line_is_skipped_with_a_warning)
{
	struct dockerfile d;
	parse_ok("FROM a\nRUN echo a \\\n\n   \n  b\n", &d);
	ck_assert_uint_eq(d.count, 2);
	ck_assert_str_eq(d.instructions[1].args[0], "echo a   b");
	ck_assert_uint_eq(d.warning_count, 2);
	ck_assert_str_eq(d.warnings[0], "[WARNING]: Empty continuation line found in:\n    RUN echo a   b");
	ck_assert_str_eq(d.warnings[1], "[WARNING]: Empty continuation lines will become errors in a future release.");
	dockerfile_free(&d);
	parse_ok("FROM a\nRUN echo a\n\nRUN b\n", &d);
	ck_assert_uint_eq(d.warning_count, 0);
	dockerfile_free(&d);
}
END_TEST

START_TEST(crlf_endings_and_trailing_whitespace_are_accepted)
{
	assert_dump("FROM a  \r\nRUN echo a \\\r\n  b\r\nCMD [\"x\"]  \r\n", "(from \"a\")\n(run \"echo a   b\")\n(cmd \"x\")\n");
}
END_TEST

START_TEST(a_utf8_byte_order_mark_is_skipped)
{
	assert_dump("\xef\xbb\xbf# escape=`\nFROM a\nRUN a `\n b\n", "(from \"a\")\n(run \"a  b\")\n");
}
END_TEST

START_TEST(the_text_need_not_end_in_a_newline_nor_in_a_nul)
{
	const char text[] = "FROM a\nRUN b";
	char *exact = malloc(sizeof(text) - 1); /* no '\0': ASan catches a read past the end */
	memcpy(exact, text, sizeof(text) - 1);
	struct dockerfile d;
	ck_assert_int_eq(dockerfile_parse("Dockerfile", exact, sizeof(text) - 1, &d), 0);
	ck_assert_uint_eq(d.count, 2);
	ck_assert_str_eq(d.instructions[1].args[0], "b");
	dockerfile_free(&d);
	free(exact);
}
END_TEST

START_TEST(keywords_are_case_insensitive_and_dumped_in_lower_case)
{
	assert_dump("from a\nRun b\ncOpY x y\n", "(from \"a\")\n(run \"b\")\n(copy \"x\" \"y\")\n");
	ck_assert_int_eq(instruction_kind_of("HealthCheck"), INSTRUCTION_HEALTHCHECK);
	ck_assert_int_eq(instruction_kind_of("stopsignal"), INSTRUCTION_STOPSIGNAL);
	ck_assert_int_eq(instruction_kind_of("COPPY"), -1);
	ck_assert_int_eq(instruction_kind_of(""), -1);
}
END_TEST

START_TEST(an_unknown_instruction_is_an_error_naming_the_line)
{
	assert_error("FROM a\n\nCOPPY x y\n", "Dockerfile line 3: unknown instruction: COPPY");
	assert_error("FROM a\n--from=x a b\n", "line 2: unknown instruction: --from=x");
}
END_TEST

START_TEST(a_file_with_only_comments_and_blanks_has_no_instructions)
{
	assert_error("# nothing\n\n   \n", "file with no instructions");
	assert_error("", "file with no instructions");
}
END_TEST

START_TEST(line_numbers_cover_continuations_comments_and_heredocs)
{
	struct dockerfile d;
	parse_ok("# c\nFROM a\nRUN a \\\n# c\n b\nRUN <<EOF\nx\nEOF\nUSER u\n", &d);
	ck_assert_int_eq(d.instructions[0].line, 2);
	ck_assert_int_eq(d.instructions[1].line, 3);
	ck_assert_int_eq(d.instructions[1].end_line, 5);
	ck_assert_int_eq(d.instructions[2].line, 6);
	ck_assert_int_eq(d.instructions[2].end_line, 8);
	ck_assert_int_eq(d.instructions[3].line, 9);
	ck_assert_int_eq(d.instructions[3].end_line, 9);
	/* an error names the first line of the instruction */
	assert_error("FROM a\nCOPY \\\n  onlyone\n", "Dockerfile line 2: COPY requires at least two arguments");
	dockerfile_free(&d);
}
END_TEST

START_TEST(original_keeps_the_instruction_as_written_with_continuations_joined)
{
	struct dockerfile d;
	parse_ok("FROM a\n  COPY --chown=1:1 src/ \\\n   /var/www/html\n", &d);
	ck_assert_str_eq(d.instructions[1].original, "COPY --chown=1:1 src/    /var/www/html");
	ck_assert_str_eq(d.instructions[1].keyword, "copy");
	dockerfile_free(&d);
}
END_TEST

/* --- Instructions ---------------------------------------------------------------------------- */

START_TEST(from_takes_an_image_a_stage_name_and_a_platform_flag)
{
	assert_dump("FROM --platform=linux/amd64 golang:1.21 AS build\nFROM scratch\n",
		    "(from [\"--platform=linux/amd64\"] \"golang:1.21\" \"AS\" \"build\")\n(from \"scratch\")\n");
	assert_dump("from busybox as Base.1\n", "(from \"busybox\" \"as\" \"Base.1\")\n");
}
END_TEST

START_TEST(from_with_a_wrong_number_of_words_or_a_bad_stage_name_is_an_error)
{
	assert_error("FROM\n", "FROM requires either one or three arguments");
	assert_error("FROM a b\n", "FROM requires either one or three arguments");
	assert_error("FROM a IS b\n", "FROM requires either one or three arguments");
	assert_error("FROM a AS 1st\n", "invalid name for build stage: \"1st\"");
	assert_error("FROM a AS b$c\n", "invalid name for build stage");
}
END_TEST

START_TEST(run_cmd_and_entrypoint_take_the_exec_form_as_json_strings)
{
	struct dockerfile d;
	parse_ok("FROM a\nCMD [\"echo\", \"a b\", \"\\u00e9\\n\"]\nRUN echo $HOME\n", &d);
	struct instruction *cmd = &d.instructions[1], *run = &d.instructions[2];
	ck_assert(cmd->json);
	ck_assert_uint_eq(cmd->arg_count, 3);
	ck_assert_str_eq(cmd->args[1], "a b");
	ck_assert_str_eq(cmd->args[2], "\xc3\xa9\n");
	ck_assert(!run->json);
	ck_assert_uint_eq(run->arg_count, 1);
	ck_assert_str_eq(run->args[0], "echo $HOME");
	dockerfile_free(&d);
	assert_dump("FROM a\nENTRYPOINT [ \"/bin/sh\" , \"-c\" ]\nCMD []\n",
		    "(from \"a\")\n(entrypoint \"/bin/sh\" \"-c\")\n(cmd)\n");
}
END_TEST

START_TEST(text_that_is_not_a_valid_json_array_is_the_shell_form)
{
	/* single quotes are not JSON, nor is an unclosed array: the whole rest is a shell command */
	assert_dump("FROM a\nCMD ['echo', 'a']\nRUN [ -f x ] && echo y\nENTRYPOINT [\"a\"\n",
		    "(from \"a\")\n(cmd \"['echo', 'a']\")\n(run \"[ -f x ] && echo y\")\n(entrypoint \"[\\\"a\\\"\")\n");
}
END_TEST

START_TEST(a_json_array_holding_anything_but_strings_is_an_error)
{
	assert_error("FROM a\nCMD [\"a\", 1]\n", "line 2: when using JSON array syntax, arrays must be comprised of strings only");
	assert_error("FROM a\nCOPY [\"a\", null]\n", "arrays must be comprised of strings only");
}
END_TEST

START_TEST(text_after_a_json_array_is_ignored_as_the_reference_decoder_does)
{
	assert_dump("FROM a\nCMD [\"a\"] b c\n", "(from \"a\")\n(cmd \"a\")\n");
}
END_TEST

START_TEST(copy_and_add_split_on_blanks_or_take_a_json_array)
{
	assert_dump("FROM a\nCOPY\tsrc/  a\\ b  /var/www/html\nADD [\"test file\", \"/tmp/test file\"]\n",
		    "(from \"a\")\n(copy \"src/\" \"a\\\\\" \"b\" \"/var/www/html\")\n(add \"test file\" \"/tmp/test file\")\n");
}
END_TEST

START_TEST(flags_before_the_arguments_are_kept_with_quotes_removed)
{
	assert_dump("FROM a\nCOPY --from=build --chown=\"1:1\" --chmod=644 src/ /dst/\n",
		    "(from \"a\")\n(copy [\"--from=build\" \"--chown=1:1\" \"--chmod=644\"] \"src/\" \"/dst/\")\n");
	/* a word starting with "--" after the first argument is an argument; "--" ends the flags */
	assert_dump("FROM a\nRUN --network=none ls --all\nCOPY --link -- --weird /dst\n",
		    "(from \"a\")\n(run [\"--network=none\"] \"ls --all\")\n(copy [\"--link\"] \"--weird\" \"/dst\")\n");
	assert_dump("FROM a\nRUN --mount=type=cache,target=/c --mount=type=tmpfs,target=/t make\n",
		    "(from \"a\")\n(run [\"--mount=type=cache,target=/c\" \"--mount=type=tmpfs,target=/t\"] \"make\")\n");
}
END_TEST

START_TEST(a_flag_the_instruction_does_not_take_is_an_error)
{
	assert_error("FROM a\nCOPY --form=build a b\n", "line 2: unknown flag: --form");
	assert_error("FROM a\nWORKDIR --x=1 /a\n", "unknown flag: --x");
	assert_error("FROM a\nCOPY --from a b\n", "missing a value on flag: --from");
	assert_error("FROM a\nCOPY --from=x --from=y a b\n", "duplicate flag specified: --from");
	assert_error("FROM a\nCOPY --link=maybe a b\n", "expecting boolean value for flag --link");
}
END_TEST

START_TEST(env_takes_a_name_and_the_rest_or_name_value_pairs)
{
	assert_dump("FROM a\nENV PATH /usr/local/bin:$PATH and more\nENV A=1 B=\"two words\" C=x\\ y D=\n",
		    "(from \"a\")\n(env \"PATH\" \"/usr/local/bin:$PATH and more\")\n"
		    "(env \"A\" \"1\" \"B\" \"\\\"two words\\\"\" \"C\" \"x\\\\ y\" \"D\" \"\")\n");
}
END_TEST

START_TEST(env_and_label_without_a_value_or_an_equals_sign_are_errors)
{
	assert_error("FROM a\nENV\n", "ENV requires at least one argument");
	assert_error("FROM a\nENV A\n", "ENV must have two arguments");
	assert_error("FROM a\nENV A=1 B\n", "syntax error - can't find = in \"B\"");
	assert_error("FROM a\nENV =x\n", "ENV names can not be blank");
	assert_error("FROM a\nLABEL\n", "LABEL requires at least one argument");
}
END_TEST

START_TEST(label_keeps_quotes_for_the_builder_to_remove)
{
	assert_dump("FROM a\nLABEL \"com.example.vendor\"=\"ACME Inc\" version=1.0 'desc'='a b'\n",
		    "(from \"a\")\n(label \"\\\"com.example.vendor\\\"\" \"\\\"ACME Inc\\\"\" \"version\" \"1.0\" \"'desc'\" \"'a b'\")\n");
}
END_TEST

START_TEST(arg_takes_names_with_or_without_a_default)
{
	assert_dump("ARG VERSION=1.0 DEBUG \"MSG=hello world\"\nFROM a:$VERSION\n",
		    "(arg \"VERSION=1.0\" \"DEBUG\" \"\\\"MSG=hello world\\\"\")\n(from \"a:$VERSION\")\n");
	assert_error("ARG\nFROM a\n", "line 1: ARG requires at least one argument");
}
END_TEST

START_TEST(workdir_user_stopsignal_and_maintainer_take_the_rest_of_the_line)
{
	assert_dump("FROM a\nWORKDIR /my app\nUSER 1000:1000\nSTOPSIGNAL SIGTERM\nMAINTAINER A B <a@b.c>\n",
		    "(from \"a\")\n(workdir \"/my app\")\n(user \"1000:1000\")\n(stopsignal \"SIGTERM\")\n"
		    "(maintainer \"A B <a@b.c>\")\n");
	assert_error("FROM a\nWORKDIR\n", "WORKDIR requires exactly one argument");
	assert_error("FROM a\nUSER\n", "USER requires exactly one argument");
	assert_error("FROM a\nSTOPSIGNAL\n", "STOPSIGNAL requires exactly one argument");
	assert_error("FROM a\nMAINTAINER\n", "MAINTAINER requires exactly one argument");
}
END_TEST

START_TEST(expose_splits_its_ports_on_blanks)
{
	assert_dump("FROM a\nEXPOSE 80/tcp  443 53/udp\n", "(from \"a\")\n(expose \"80/tcp\" \"443\" \"53/udp\")\n");
	assert_error("FROM a\nEXPOSE\n", "EXPOSE requires at least one argument");
}
END_TEST

START_TEST(volume_takes_a_json_array_or_words)
{
	assert_dump("FROM a\nVOLUME [\"/data\", \"/var/log\"]\nVOLUME /a /b\n",
		    "(from \"a\")\n(volume \"/data\" \"/var/log\")\n(volume \"/a\" \"/b\")\n");
	assert_error("FROM a\nVOLUME\n", "VOLUME requires at least one argument");
	assert_error("FROM a\nVOLUME [\"\"]\n", "VOLUME specified can not be an empty string");
}
END_TEST

START_TEST(shell_takes_only_the_json_form)
{
	assert_dump("FROM a\nSHELL [\"/bin/bash\", \"-c\"]\n", "(from \"a\")\n(shell \"/bin/bash\" \"-c\")\n");
	assert_error("FROM a\nSHELL /bin/bash -c\n", "SHELL requires the arguments to be in JSON form");
	assert_error("FROM a\nSHELL []\n", "SHELL requires at least one argument");
}
END_TEST

START_TEST(healthcheck_takes_none_or_flags_and_a_command_in_either_form)
{
	struct dockerfile d;
	parse_ok("FROM a\nHEALTHCHECK NONE\nHEALTHCHECK --interval=5s --retries=3 \\\n  CMD curl -f http://localhost/\n"
		 "HEALTHCHECK CMD [\"/check\", \"-q\"]\n", &d);
	ck_assert(!d.instructions[2].json);
	ck_assert(d.instructions[3].json);
	dockerfile_free(&d);
	assert_dump("FROM a\nHEALTHCHECK NONE\nHEALTHCHECK --interval=5s --retries=3 \\\n  CMD curl -f http://localhost/\n"
		    "HEALTHCHECK   CMD   a b\nHEALTHCHECK --timeout=3s CMD [\"/check\", \"-q\"]\n",
		    "(from \"a\")\n(healthcheck \"NONE\")\n"
		    "(healthcheck [\"--interval=5s\" \"--retries=3\"] \"CMD\" \"curl -f http://localhost/\")\n"
		    "(healthcheck \"CMD\" \"a b\")\n(healthcheck [\"--timeout=3s\"] \"CMD\" \"/check\" \"-q\")\n");
}
END_TEST

START_TEST(a_healthcheck_without_a_known_type_or_command_is_an_error)
{
	assert_error("FROM a\nHEALTHCHECK\n", "HEALTHCHECK requires at least one argument");
	assert_error("FROM a\nHEALTHCHECK NONE x\n", "HEALTHCHECK NONE takes no arguments");
	assert_error("FROM a\nHEALTHCHECK CONNECT TCP 7000\n", "unknown type \"CONNECT\" in HEALTHCHECK (try CMD)");
	assert_error("FROM a\nHEALTHCHECK CMD\n", "missing command after HEALTHCHECK CMD");
	assert_error("FROM a\nHEALTHCHECK --interval 5s CMD x\n", "missing a value on flag: --interval");
}
END_TEST

START_TEST(onbuild_holds_one_trigger_instruction)
{
	struct dockerfile d;
	parse_ok("FROM a\nONBUILD COPY --from=build . /app\n", &d);
	ck_assert_uint_eq(d.instructions[1].arg_count, 0);
	ck_assert_ptr_nonnull(d.instructions[1].onbuild);
	ck_assert_int_eq(d.instructions[1].onbuild->kind, INSTRUCTION_COPY);
	ck_assert_str_eq(d.instructions[1].original, "ONBUILD COPY --from=build . /app");
	dockerfile_free(&d);
	/* found by fuzzing: the trigger had no line numbers */
	parse_ok("FROM a\n\nONBUILD RUN \\\n make\n", &d);
	ck_assert_int_eq(d.instructions[1].onbuild->line, 3);
	ck_assert_int_eq(d.instructions[1].onbuild->end_line, 4);
	dockerfile_free(&d);
	assert_dump("FROM a\nonbuild run make  install\nONBUILD COPY --from=build . /app\n",
		    "(from \"a\")\n(onbuild (run \"make  install\"))\n(onbuild (copy [\"--from=build\"] \".\" \"/app\"))\n");
}
END_TEST

START_TEST(onbuild_refuses_onbuild_from_and_maintainer_as_triggers)
{
	assert_error("FROM a\nONBUILD ONBUILD RUN x\n", "line 2: chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
	assert_error("FROM a\nONBUILD FROM b\n", "FROM isn't allowed as an ONBUILD trigger");
	assert_error("FROM a\nONBUILD MAINTAINER me\n", "MAINTAINER isn't allowed as an ONBUILD trigger");
	assert_error("FROM a\nONBUILD\n", "ONBUILD requires at least one argument");
	assert_error("FROM a\nONBUILD COPPY a b\n", "unknown instruction: COPPY");
}
END_TEST

/* --- Heredocs -------------------------------------------------------------------------------- */

START_TEST(a_heredoc_of_run_is_the_lines_up_to_its_delimiter)
{
	struct dockerfile d;
	parse_ok("FROM a\nRUN <<EOF\napt-get update\n  echo $HOME\nEOF\nUSER x\n", &d);
	ck_assert_uint_eq(d.count, 3);
	struct instruction *run = &d.instructions[1];
	ck_assert_uint_eq(run->heredoc_count, 1);
	ck_assert_str_eq(run->heredocs[0].name, "EOF");
	ck_assert_str_eq(run->heredocs[0].content, "apt-get update\n  echo $HOME\n");
	ck_assert(run->heredocs[0].expand);
	ck_assert_str_eq(run->args[0], "<<EOF");
	dockerfile_free(&d);
	/* the body is not in the dump, as in BuildKit's */
	assert_dump("FROM a\nRUN python3 <<EOF\nprint(1)\nEOF\n", "(from \"a\")\n(run \"python3 <<EOF\")\n");
}
END_TEST

START_TEST(a_quoted_delimiter_turns_expansion_off)
{
	const char *quoted[] = { "RUN <<\"EOF\"\n", "RUN <<'EOF'\n", "RUN <<E\"O\"F\n", "RUN <<-'EOF'\n" };
	for (size_t i = 0; i < sizeof(quoted) / sizeof(quoted[0]); i++) {
		char text[128];
		snprintf(text, sizeof(text), "FROM a\n%s$X\nEOF\n", quoted[i]);
		struct dockerfile d;
		parse_ok(text, &d);
		ck_assert_uint_eq(d.instructions[1].heredoc_count, 1);
		ck_assert_str_eq(d.instructions[1].heredocs[0].name, "EOF");
		ck_assert_msg(!d.instructions[1].heredocs[0].expand, "%s expands", quoted[i]);
		ck_assert_str_eq(d.instructions[1].heredocs[0].content, "$X\n");
		dockerfile_free(&d);
	}
}
END_TEST

START_TEST(a_dash_strips_leading_tabs_from_the_body_and_the_delimiter_line)
{
	struct dockerfile d;
	parse_ok("FROM a\nRUN <<-EOF\n\t\techo a\n  \tkept\n\tEOF\nRUN <<EOF\n\tEOF\nEOF\n", &d);
	ck_assert_str_eq(d.instructions[1].heredocs[0].content, "echo a\n  \tkept\n");
	/* without the dash a tab-indented delimiter is a body line */
	ck_assert_str_eq(d.instructions[2].heredocs[0].content, "\tEOF\n");
	dockerfile_free(&d);
}
END_TEST

START_TEST(several_heredocs_on_one_line_are_read_in_order)
{
	struct dockerfile d;
	parse_ok("FROM a\nRUN cat <<A > /a && cat <<B > /b\nfirst\nA\nsecond\nB\nRUN 3<<C cat <&3\nthird\nC\n", &d);
	struct instruction *run = &d.instructions[1];
	ck_assert_uint_eq(run->heredoc_count, 2);
	ck_assert_str_eq(run->heredocs[0].name, "A");
	ck_assert_str_eq(run->heredocs[0].content, "first\n");
	ck_assert_str_eq(run->heredocs[1].name, "B");
	ck_assert_str_eq(run->heredocs[1].content, "second\n");
	ck_assert_str_eq(d.instructions[2].heredocs[0].name, "C");
	ck_assert_str_eq(d.instructions[2].heredocs[0].content, "third\n");
	dockerfile_free(&d);
}
END_TEST

START_TEST(copy_takes_heredocs_as_sources_but_not_as_its_destination)
{
	struct dockerfile d;
	parse_ok("FROM a\nCOPY <<one.txt <<two.txt /dst/\n1\none.txt\n2\ntwo.txt\n", &d);
	ck_assert_uint_eq(d.instructions[1].heredoc_count, 2);
	ck_assert_str_eq(d.instructions[1].heredocs[1].name, "two.txt");
	ck_assert_str_eq(d.instructions[1].heredocs[1].content, "2\n");
	ck_assert_uint_eq(d.instructions[1].arg_count, 3);
	dockerfile_free(&d);
	assert_error("FROM a\nCOPY x <<EOF\ny\nEOF\n", "COPY cannot accept a heredoc as a destination");
}
END_TEST

START_TEST(an_unterminated_heredoc_is_an_error)
{
	assert_error("FROM a\nRUN <<EOF\necho a\n", "Dockerfile line 2: unterminated heredoc EOF");
	assert_error("FROM a\nRUN <<EOF\necho a\n EOF\n", "unterminated heredoc");
}
END_TEST

START_TEST(only_shell_form_run_copy_and_add_open_heredocs)
{
	struct dockerfile d;
	parse_ok("FROM a\nRUN [\"cat\", \"<<EOF\"]\nCMD cat <<EOF\nLABEL a=<<EOF\nRUN a<<EOF b\nRUN <<\n", &d);
	ck_assert_uint_eq(d.count, 6);
	for (size_t i = 0; i < d.count; i++)
		ck_assert_uint_eq(d.instructions[i].heredoc_count, 0);
	dockerfile_free(&d);
	/* ONBUILD RUN does: the body belongs to the trigger */
	parse_ok("FROM a\nONBUILD RUN <<EOF\nmake\nEOF\n", &d);
	ck_assert_uint_eq(d.instructions[1].onbuild->heredoc_count, 1);
	ck_assert_str_eq(d.instructions[1].onbuild->heredocs[0].content, "make\n");
	dockerfile_free(&d);
}
END_TEST

/* --- The dump -------------------------------------------------------------------------------- */

START_TEST(the_dump_quotes_every_string_as_go_does)
{
	/* tab, backslash, quote, a control character, a non-printing space, an invalid byte, and
	 * printable UTF-8 left as it is */
	assert_dump("FROM a\nCMD [\"\\t\\\\\\\"\\u0001\\u00a0\\u200b\", \"caf\xc3\xa9 \xe2\x82\xac\"]\nRUN x\xffy\n",
		    "(from \"a\")\n(cmd \"\\t\\\\\\\"\\x01\\u00a0\\u200b\" \"caf\xc3\xa9 \xe2\x82\xac\")\n(run \"x\\xffy\")\n");
}
END_TEST

START_TEST(a_whole_dockerfile_dumps_as_the_reference_parser_prints_it)
{
	const char *text = "# syntax=docker/dockerfile:1\n"
			   "ARG BASE=busybox\n"
			   "FROM $BASE AS build\n"
			   "LABEL maintainer\tSomeone <s@example.com>\n"
			   "WORKDIR /src\n"
			   "COPY --chown=1:1 src/ /var/www/html\n"
			   "RUN\tapk add --no-cache \\\n"
			   "\tcurl \\\n"
			   "\tgit\n"
			   "ENV\tPATH\t/opt/bin:$PATH\n"
			   "EXPOSE 80\n"
			   "ENTRYPOINT\t[\"httpd\", \"-f\"]\n"
			   "CMD -p 80\n";
	assert_dump(text, "(arg \"BASE=busybox\")\n"
			  "(from \"$BASE\" \"AS\" \"build\")\n"
			  "(label \"maintainer\" \"Someone <s@example.com>\")\n"
			  "(workdir \"/src\")\n"
			  "(copy [\"--chown=1:1\"] \"src/\" \"/var/www/html\")\n"
			  "(run \"apk add --no-cache \\tcurl \\tgit\")\n"
			  "(env \"PATH\" \"/opt/bin:$PATH\")\n"
			  "(expose \"80\")\n"
			  "(entrypoint \"httpd\" \"-f\")\n"
			  "(cmd \"-p 80\")\n");
}
END_TEST

START_TEST(copy_heredoc_sources_become_files_named_after_their_delimiters)
{
	struct dockerfile d;
	parse_ok("FROM a\nCOPY --chmod=755 <<-\"EOT\" <<two /opt/\n\tx\n\tEOT\ny\ntwo\n", &d);
	char **words;
	size_t count, heredocs;
	ck_assert_int_eq(heredoc_copy_words(&d.instructions[1], &words, &count, &heredocs), 0);
	ck_assert_uint_eq(count, 3);
	ck_assert_uint_eq(heredocs, 2);
	ck_assert_str_eq(words[0], "EOT");
	ck_assert_str_eq(words[1], "two");
	ck_assert_str_eq(words[2], "/opt/");
	ck_assert_ptr_null(words[3]);
	expand_free_words(words);
	dockerfile_free(&d);
	/* a delimiter that is no single file name is refused, naming the line */
	parse_ok("FROM a\nCOPY <<\"a/b\" /x\nbody\na/b\n", &d);
	ck_assert_int_eq(heredoc_copy_words(&d.instructions[1], &words, &count, &heredocs), -1);
	ck_assert_msg(strstr(error_message(), "line 2: here-document <<a/b cannot name a file"), "%s", error_message());
	dockerfile_free(&d);
	ck_assert(heredoc_file_name_ok("EOF"));
	ck_assert(!heredoc_file_name_ok(".."));
	ck_assert(!heredoc_file_name_ok("."));
}
END_TEST

Suite *dockerfile_parse_suite(void)
{
	Suite *s = suite_create("dockerfile parse");
	TCase *lines = tcase_create("lines");
	tcase_add_test(lines, a_line_ending_in_the_escape_character_continues_on_the_next);
	tcase_add_test(lines, blanks_after_the_escape_character_still_continue_the_line);
	tcase_add_test(lines, an_escaped_escape_character_at_the_end_does_not_continue);
	tcase_add_test(lines, the_escape_directive_makes_the_backtick_the_escape_character);
	tcase_add_test(lines, directive_names_ignore_case_and_blanks_around_the_equals_sign);
	tcase_add_test(lines, a_directive_after_a_comment_an_empty_line_or_an_instruction_is_a_comment);
	tcase_add_test(lines, the_syntax_directive_is_recorded_and_acted_on_by_nobody);
	tcase_add_test(lines, a_repeated_or_invalid_directive_is_an_error_naming_the_line);
	tcase_add_test(lines, comments_are_skipped_also_inside_a_continued_instruction);
	tcase_add_test(lines, an_empty_continuation_line_is_skipped_with_a_warning);
	tcase_add_test(lines, crlf_endings_and_trailing_whitespace_are_accepted);
	tcase_add_test(lines, a_utf8_byte_order_mark_is_skipped);
	tcase_add_test(lines, the_text_need_not_end_in_a_newline_nor_in_a_nul);
	tcase_add_test(lines, keywords_are_case_insensitive_and_dumped_in_lower_case);
	tcase_add_test(lines, an_unknown_instruction_is_an_error_naming_the_line);
	tcase_add_test(lines, a_file_with_only_comments_and_blanks_has_no_instructions);
	tcase_add_test(lines, line_numbers_cover_continuations_comments_and_heredocs);
	tcase_add_test(lines, original_keeps_the_instruction_as_written_with_continuations_joined);
	suite_add_tcase(s, lines);

	TCase *instructions = tcase_create("instructions");
	tcase_add_test(instructions, from_takes_an_image_a_stage_name_and_a_platform_flag);
	tcase_add_test(instructions, from_with_a_wrong_number_of_words_or_a_bad_stage_name_is_an_error);
	tcase_add_test(instructions, run_cmd_and_entrypoint_take_the_exec_form_as_json_strings);
	tcase_add_test(instructions, text_that_is_not_a_valid_json_array_is_the_shell_form);
	tcase_add_test(instructions, a_json_array_holding_anything_but_strings_is_an_error);
	tcase_add_test(instructions, text_after_a_json_array_is_ignored_as_the_reference_decoder_does);
	tcase_add_test(instructions, copy_and_add_split_on_blanks_or_take_a_json_array);
	tcase_add_test(instructions, flags_before_the_arguments_are_kept_with_quotes_removed);
	tcase_add_test(instructions, a_flag_the_instruction_does_not_take_is_an_error);
	tcase_add_test(instructions, env_takes_a_name_and_the_rest_or_name_value_pairs);
	tcase_add_test(instructions, env_and_label_without_a_value_or_an_equals_sign_are_errors);
	tcase_add_test(instructions, label_keeps_quotes_for_the_builder_to_remove);
	tcase_add_test(instructions, arg_takes_names_with_or_without_a_default);
	tcase_add_test(instructions, workdir_user_stopsignal_and_maintainer_take_the_rest_of_the_line);
	tcase_add_test(instructions, expose_splits_its_ports_on_blanks);
	tcase_add_test(instructions, volume_takes_a_json_array_or_words);
	tcase_add_test(instructions, shell_takes_only_the_json_form);
	tcase_add_test(instructions, healthcheck_takes_none_or_flags_and_a_command_in_either_form);
	tcase_add_test(instructions, a_healthcheck_without_a_known_type_or_command_is_an_error);
	tcase_add_test(instructions, onbuild_holds_one_trigger_instruction);
	tcase_add_test(instructions, onbuild_refuses_onbuild_from_and_maintainer_as_triggers);
	suite_add_tcase(s, instructions);

	TCase *heredocs = tcase_create("heredocs");
	tcase_add_test(heredocs, a_heredoc_of_run_is_the_lines_up_to_its_delimiter);
	tcase_add_test(heredocs, a_quoted_delimiter_turns_expansion_off);
	tcase_add_test(heredocs, a_dash_strips_leading_tabs_from_the_body_and_the_delimiter_line);
	tcase_add_test(heredocs, several_heredocs_on_one_line_are_read_in_order);
	tcase_add_test(heredocs, copy_takes_heredocs_as_sources_but_not_as_its_destination);
	tcase_add_test(heredocs, an_unterminated_heredoc_is_an_error);
	tcase_add_test(heredocs, copy_heredoc_sources_become_files_named_after_their_delimiters);
	tcase_add_test(heredocs, only_shell_form_run_copy_and_add_open_heredocs);
	suite_add_tcase(s, heredocs);

	TCase *dump = tcase_create("dump");
	tcase_add_test(dump, the_dump_quotes_every_string_as_go_does);
	tcase_add_test(dump, a_whole_dockerfile_dumps_as_the_reference_parser_prints_it);
	suite_add_tcase(s, dump);
	return s;
}
