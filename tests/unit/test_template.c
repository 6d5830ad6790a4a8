/*
 * test_template.c - Go's text/template as Docker's --format uses it (03-cgroups/template-*.c,
 * format-output.c). Each example of Go's text/template documentation and of Docker's "Format
 * command and log output" page is a test, over a document shaped like `docker inspect`'s.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "format-output.h"
#include "json.h"
#include "template.h"

static const char CONTAINER[] =
	"{\"Id\":\"4f2a9c\",\"Name\":\"/Web\",\"Args\":[\"-g\",\"daemon off;\"],"
	"\"Image\":\"sha256:0a1b2c\",\"Names\":[\"web\",\"front\"],"
	"\"State\":{\"Status\":\"running\",\"Pid\":4242,\"Running\":true,\"ExitCode\":0},"
	"\"Config\":{\"Image\":\"nginx\",\"Env\":[\"A=1\",\"B=2\"],\"Labels\":{\"tier\":\"web\",\"app\":\"shop\"}},"
	"\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/srv\",\"Destination\":\"/usr/share/nginx/html\"}],"
	"\"NetworkSettings\":{\"Networks\":{\"bridge\":{\"IPAddress\":\"172.17.0.2\",\"MacAddress\":\"02:42:ac:11:00:02\"},"
	"\"shop\":{\"IPAddress\":\"10.1.0.5\",\"MacAddress\":\"02:42:0a:01:00:05\"}},"
	"\"Ports\":{\"80/tcp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"8080\"}],\"8787/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"80\"}]}},"
	"\"Health\":null,\"LogPath\":\"/var/lib/tinydock/containers/4f2a9c/container.log\"}";

/* The template's output over CONTAINER (or the recorded error, prefixed "error: "). */
static char *run_with(const char *text, const char *document, const struct template_options *options)
{
	struct json *dot = json_parse(document, strlen(document));
	ck_assert_ptr_nonnull(dot);
	struct template *t = template_parse(text);
	char *out = NULL;
	if (!t || template_execute(t, dot, options, &out, NULL) < 0) {
		out = malloc(strlen(error_message()) + 8);
		sprintf(out, "error: %s", error_message());
		error_clear();
	}
	template_free(t);
	json_free(dot);
	return out;
}

static void check(const char *text, const char *want)
{
	char *got = run_with(text, CONTAINER, NULL);
	ck_assert_msg(strcmp(got, want) == 0, "%s\n  gave: [%s]\n  want: [%s]", text, got, want);
	free(got);
}

/* --- Docker's "Format command and log output" page ------------------------------------------ */

START_TEST(join_puts_the_separator_between_the_elements)
{
	check("{{join .Args \" , \"}}", "-g , daemon off;");
	check("{{join .Names \" or \"}}", "web or front");
}
END_TEST

START_TEST(json_encodes_a_value_compactly)
{
	check("{{json .Mounts}}", "[{\"Type\":\"bind\",\"Source\":\"/srv\",\"Destination\":\"/usr/share/nginx/html\"}]");
	check("{{json .State.Status}}", "\"running\"");
	check("{{json .Nope}}", "null");
}
END_TEST

START_TEST(lower_upper_and_title_change_the_case)
{
	check("{{lower .Name}}", "/web");
	check("{{upper .Name}}", "/WEB");
	check("{{title \"/web server_one-two\"}}", "/Web Server_one-Two");
}
END_TEST

START_TEST(split_makes_a_list_that_prints_in_brackets)
{
	check("{{split .Image \":\"}}", "[sha256 0a1b2c]");
	check("{{split (join .Names \"/\") \"/\"}}", "[web front]");
	check("{{index (split .Image \":\") 1}}", "0a1b2c");
}
END_TEST

START_TEST(println_prints_each_value_on_a_new_line)
{
	check("{{range .NetworkSettings.Networks}}{{println .IPAddress}}{{end}}", "172.17.0.2\n10.1.0.5\n");
}
END_TEST

START_TEST(a_table_format_heads_its_columns_and_aligns_them)
{
	struct formatter f;
	ck_assert_int_eq(formatter_open(&f, "table {{.ID}}\\t{{.Repository}}\\t{{.Tag}}\\t{{.Size}}", "image"), 0);
	const char *rows[] = { "{\"ID\":\"0a1b2c3d4e5f\",\"Repository\":\"nginx\",\"Tag\":\"latest\",\"Size\":\"187MB\"}",
			       "{\"ID\":\"9f8e7d6c5b4a\",\"Repository\":\"localhost:5000/shop/web\",\"Tag\":\"1.0\",\"Size\":\"4.26MB\"}" };
	for (int i = 0; i < 2; i++) {
		struct json *row = json_parse(rows[i], strlen(rows[i]));
		ck_assert_int_eq(formatter_add(&f, row, NULL), 0);
		json_free(row);
	}
	const char *names = "{\"ID\":\"IMAGE ID\",\"Repository\":\"REPOSITORY\",\"Tag\":\"TAG\",\"Size\":\"SIZE\"}";
	struct json *headers = json_parse(names, strlen(names));
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	formatter_print(&f, headers, out);
	fclose(out);
	ck_assert_str_eq(text, "IMAGE ID       REPOSITORY                TAG       SIZE\n"
			       "0a1b2c3d4e5f   nginx                     latest    187MB\n"
			       "9f8e7d6c5b4a   localhost:5000/shop/web   1.0       4.26MB\n");
	free(text);
	json_free(headers);
	formatter_close(&f);
}
END_TEST

START_TEST(header_cells_keep_the_column_name_through_text_functions)
{
	const char *names = "{\"Labels\":\"LABELS\",\"Names\":\"NAMES\"}";
	struct template_options header = { .header = true };
	char *got = run_with("{{json .Labels}}\t{{upper .Names}}", names, &header);
	ck_assert_str_eq(got, "LABELS\tNAMES");
	free(got);
}
END_TEST

START_TEST(json_as_the_whole_format_is_json_of_dot)
{
	struct formatter f;
	ck_assert_int_eq(formatter_open(&f, "json", "container"), 0);
	struct json *row = json_parse("{\"ID\":\"4f2a\",\"Names\":\"web\"}", 27);
	ck_assert_int_eq(formatter_add(&f, row, NULL), 0);
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	formatter_print(&f, NULL, out);
	fclose(out);
	ck_assert_str_eq(text, "{\"ID\":\"4f2a\",\"Names\":\"web\"}\n");
	free(text);
	json_free(row);
	formatter_close(&f);
}
END_TEST

/* --- Docker's inspect examples (docker container inspect --help, the reference page) -------- */

START_TEST(inspect_examples_print_addresses_ports_and_config)
{
	check("{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", "172.17.0.210.1.0.5");
	check("{{range .NetworkSettings.Networks}}{{.MacAddress}}{{end}}", "02:42:ac:11:00:0202:42:0a:01:00:05");
	check("{{.LogPath}}", "/var/lib/tinydock/containers/4f2a9c/container.log");
	check("{{.Config.Image}}", "nginx");
	check("{{range $p, $conf := .NetworkSettings.Ports}} {{$p}} -> {{(index $conf 0).HostPort}} {{end}}",
	      " 80/tcp -> 8080  8787/tcp -> 80 ");
	check("{{(index (index .NetworkSettings.Ports \"8787/tcp\") 0).HostPort}}", "80");
	check("{{json .Config}}", "{\"Image\":\"nginx\",\"Env\":[\"A=1\",\"B=2\"],\"Labels\":{\"tier\":\"web\",\"app\":\"shop\"}}");
	check("{{.State.Status}} {{.State.Pid}} {{.State.Running}}", "running 4242 true");
}
END_TEST

/* --- Go's text/template documentation -------------------------------------------------------- */

START_TEST(the_documented_pipelines_all_print_quoted_output)
{
	static const char *const examples[] = {
		"{{\"\\\"output\\\"\"}}",
		"{{`\"output\"`}}",
		"{{printf \"%q\" \"output\"}}",
		"{{\"output\" | printf \"%q\"}}",
		"{{printf \"%q\" (print \"out\" \"put\")}}",
		"{{\"put\" | printf \"%s%s\" \"out\" | printf \"%q\"}}",
		"{{\"output\" | printf \"%s\" | printf \"%q\"}}",
		"{{with \"output\"}}{{printf \"%q\" .}}{{end}}",
		"{{with $x := \"output\" | printf \"%q\"}}{{$x}}{{end}}",
		"{{with $x := \"output\"}}{{printf \"%q\" $x}}{{end}}",
		"{{with $x := \"output\"}}{{$x | printf \"%q\"}}{{end}}",
	};
	for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++)
		check(examples[i], "\"output\"");
}
END_TEST

START_TEST(trim_markers_remove_the_white_space_beside_an_action)
{
	check("{{23 -}} < {{- 45}}", "23<45");
	check("{{- .State.Status -}}\n\n", "running");
	check("a {{- /* a comment */ -}} b", "ab");
	check("{{-3}}", "-3");
}
END_TEST

START_TEST(if_else_if_and_with_choose_by_truth)
{
	check("{{if .State.Running}}up{{else}}down{{end}}", "up");
	check("{{if .State.ExitCode}}failed{{else if .State.Running}}up{{else}}down{{end}}", "up");
	check("{{if .Nope}}x{{else}}missing is false{{end}}", "missing is false");
	check("{{if .Health}}x{{else}}null is false{{end}}", "null is false");
	check("{{with .Config}}{{.Image}}{{end}}", "nginx");
	check("{{with .Nope}}x{{else}}none{{end}}", "none");
	check("{{if and .State.Running (not .State.ExitCode)}}ok{{end}}", "ok");
	check("{{or .Nope \"default\"}}", "default");
}
END_TEST

START_TEST(range_walks_lists_and_objects_in_key_order)
{
	check("{{range .Config.Env}}[{{.}}]{{end}}", "[A=1][B=2]");
	check("{{range $i, $e := .Names}}{{$i}}={{$e}} {{end}}", "0=web 1=front ");
	check("{{range $k, $v := .Config.Labels}}{{$k}}:{{$v}};{{end}}", "app:shop;tier:web;");
	check("{{range .Nope}}x{{else}}empty{{end}}", "empty");
	check("{{range .Config.Env}}{{$.Config.Image}}{{end}}", "nginxnginx");
}
END_TEST

START_TEST(comparison_functions_compare_numbers_and_strings)
{
	check("{{eq .State.Status \"exited\" \"running\"}}", "true");
	check("{{ne .State.Pid 0}} {{lt 1 2}} {{le 2 2}} {{gt \"b\" \"a\"}} {{ge 1.5 2}}", "true true true true false");
	check("{{eq .State.Status 1}}",
	      "error: template: :1:2: executing \"\" at <eq>: error calling eq: incompatible types for comparison");
}
END_TEST

START_TEST(len_index_and_printf_work_as_in_go)
{
	check("{{len .Config.Env}} {{len .Name}} {{len .Config.Labels}}", "2 4 2");
	check("{{index .Config.Labels \"tier\"}} {{index .Names 1}}", "web front");
	check("{{index .Config.Labels \"nope\"}}", "<no value>");
	check("{{printf \"%-6s|%5d|%.2f|%x|%v\" .State.Status .State.Pid 1.5 255 .Names}}", "running| 4242|1.50|ff|[web front]");
	check("{{printf \"%d\"}}", "%!d(MISSING)");
	check("{{printf \"[%05s][%-4v][%99999d]\" \"ab\" 1 2}}", "[   ab][1   ][%!(BADWIDTH)2]");
	char *huge = run_with("{{printf \"%d|%c\" 1e19 1e9}}", CONTAINER, NULL); /* no int64: Go's %!d(float64=...) */
	ck_assert_msg(strncmp(huge, "%!d(float64=", 12) == 0 && strstr(huge, "|%!c(float64="), "%s", huge);
	free(huge);
	check("{{printf \"%d\" .Name}}", "%!d(string=/Web)");
	check("{{print 1 2 \"a\" \"b\" 3}}", "1 2ab3");
	check("{{index .Names 5}}", "error: template: :1:2: executing \"\" at <index>: error calling index: index out of range: 5");
}
END_TEST

START_TEST(a_value_prints_as_go_prints_decoded_json)
{
	check("{{.Config.Labels}}", "map[app:shop tier:web]");
	check("{{.Names}}", "[web front]");
	check("{{.Health}}", "<nil>");
	check("{{.Nope}}", "<no value>");
	check("{{.Nope.Deeper}}", "<no value>");
	check("{{$x := .Name}}{{$x}}", "/Web");
}
END_TEST

START_TEST(pad_and_truncate_are_dockers)
{
	check("[{{pad .State.Status 2 1}}]", "[  running ]");
	check("[{{pad \"\" 2 1}}]", "[]");
	check("{{truncate .Id 4}}", "4f2a");
	check("{{truncate .Id 40}}", "4f2a9c");
}
END_TEST

/* --- errors, worded as Go words them ----------------------------------------------------------- */

START_TEST(a_missing_field_of_a_go_struct_is_an_error_at_its_place)
{
	struct template_options strict = { .strict_type = "*formatter.ContainerContext" };
	char *got = run_with("{{.Names}} {{.Nope}}", "{\"Names\":\"web\"}", &strict);
	ck_assert_str_eq(got, "error: template: :1:13: executing \"\" at <.Nope>: can't evaluate field Nope in type "
			      "*formatter.ContainerContext");
	free(got);
	got = run_with("x\n  {{.State.Nope.X}}", CONTAINER, &strict);
	ck_assert_str_eq(got, "error: template: :2:4: executing \"\" at <.State.Nope.X>: can't evaluate field Nope in type "
			      "*formatter.ContainerContext");
	free(got);
}
END_TEST

START_TEST(a_missing_key_is_an_error_where_docker_inspect_makes_it_one)
{
	struct template_options map = { .missing_key_error = true };
	char *got = run_with("{{.State.Status}} {{.Nope}}", CONTAINER, &map);
	ck_assert_str_eq(got, "error: template: :1:20: executing \"\" at <.Nope>: map has no entry for key \"Nope\"");
	free(got);
	got = run_with("{{index .Config.Labels \"nope\"}}", CONTAINER, &map); /* index is no field: Go's zero value */
	ck_assert_str_eq(got, "<no value>");
	free(got);
}
END_TEST

START_TEST(execution_errors_name_the_action_and_the_problem)
{
	check("{{.Health.Status}}",
	      "error: template: :1:2: executing \"\" at <.Health.Status>: nil pointer evaluating interface {}.Status");
	check("{{.Name.First}}", "error: template: :1:2: executing \"\" at <.Name.First>: can't evaluate field First in type string");
	check("{{join .Name \",\"}}",
	      "error: template: :1:2: executing \"\" at <join>: wrong type for value; expected []string; got string");
	check("{{lower}}", "error: template: :1:2: executing \"\" at <lower>: wrong number of args for lower: want 1 got 0");
	check("{{range .Name}}x{{end}}", "error: template: :1:8: executing \"\" at <.Name>: range can't iterate over /Web");
}
END_TEST

START_TEST(syntax_errors_name_the_line_as_go_does)
{
	check("{{.Name", "error: template: :1: unclosed action");
	check("{{nope .Name}}", "error: template: :1: function \"nope\" not defined");
	check("{{if .Name}}x", "error: template: :1: unexpected EOF");
	check("x{{end}}", "error: template: :1: unexpected {{end}}");
	check("a\nb {{$y}}", "error: template: :2: undefined variable \"$y\"");
	check("{{\"open}}", "error: template: :1: unterminated quoted string");
	check("{{}}", "error: template: :1: missing value for command");
	check("{{template \"x\"}}", "error: template: :1: {{template}} is not supported by tinydock's templates");
	check("{{$k := 1}}{{range $k, $v = .Names}}{{end}}", "error: template: :1: undefined variable \"$v\"");
}
END_TEST

START_TEST(a_method_with_an_argument_looks_the_argument_up)
{
	/* docker ps --format '{{.Label "tier"}}': a method of Docker's row, a lookup here. */
	struct json *methods = json_parse("{\"Label\":{\"tier\":\"web\"}}", 24);
	struct template_options options = { .strict_type = "*formatter.ContainerContext", .methods = methods };
	char *got = run_with("{{.Label \"tier\"}}[{{.Label \"nope\"}}]", "{\"Names\":\"web\"}", &options);
	ck_assert_str_eq(got, "web[]");
	free(got);
	got = run_with("{{.Names \"x\"}}", "{\"Names\":\"web\"}", &options);
	ck_assert_str_eq(got, "error: template: :1:2: executing \"\" at <.Names>: Names is not a method but has arguments");
	free(got);
	json_free(methods);
}
END_TEST

Suite *template_suite(void)
{
	Suite *s = suite_create("template");
	TCase *docker = tcase_create("docker");
	tcase_add_test(docker, join_puts_the_separator_between_the_elements);
	tcase_add_test(docker, json_encodes_a_value_compactly);
	tcase_add_test(docker, lower_upper_and_title_change_the_case);
	tcase_add_test(docker, split_makes_a_list_that_prints_in_brackets);
	tcase_add_test(docker, println_prints_each_value_on_a_new_line);
	tcase_add_test(docker, a_table_format_heads_its_columns_and_aligns_them);
	tcase_add_test(docker, header_cells_keep_the_column_name_through_text_functions);
	tcase_add_test(docker, json_as_the_whole_format_is_json_of_dot);
	tcase_add_test(docker, inspect_examples_print_addresses_ports_and_config);
	tcase_add_test(docker, pad_and_truncate_are_dockers);
	tcase_add_test(docker, a_method_with_an_argument_looks_the_argument_up);
	suite_add_tcase(s, docker);
	TCase *go = tcase_create("go");
	tcase_add_test(go, the_documented_pipelines_all_print_quoted_output);
	tcase_add_test(go, trim_markers_remove_the_white_space_beside_an_action);
	tcase_add_test(go, if_else_if_and_with_choose_by_truth);
	tcase_add_test(go, range_walks_lists_and_objects_in_key_order);
	tcase_add_test(go, comparison_functions_compare_numbers_and_strings);
	tcase_add_test(go, len_index_and_printf_work_as_in_go);
	tcase_add_test(go, a_value_prints_as_go_prints_decoded_json);
	suite_add_tcase(s, go);
	TCase *errors = tcase_create("errors");
	tcase_add_test(errors, a_missing_field_of_a_go_struct_is_an_error_at_its_place);
	tcase_add_test(errors, a_missing_key_is_an_error_where_docker_inspect_makes_it_one);
	tcase_add_test(errors, execution_errors_name_the_action_and_the_problem);
	tcase_add_test(errors, syntax_errors_name_the_line_as_go_does);
	suite_add_tcase(s, errors);
	return s;
}
