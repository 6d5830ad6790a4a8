/*
 * test_build_plan.c - the builder's decisions that need no files (06-dockerfile/build-plan.c,
 * build-config.c, build-copy.c's planning): stages a target needs, the config instructions,
 * COPY's destination rules, --chown names, cache keys and durations.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "build-config.h"
#include "build-context.h"
#include "build-copy.h"
#include "build-plan.h"
#include "build-stdin.h"
#include "dockerfile.h"
#include "error.h"
#include "json.h"
#include "oci.h"

static struct dockerfile parse(const char *text)
{
	struct dockerfile d;
	ck_assert_msg(dockerfile_parse("Dockerfile", text, strlen(text), &d) == 0, "%s", error_message());
	return d;
}

/* --- stages ------------------------------------------------------------------------------- */

START_TEST(a_target_needs_only_the_stages_it_copies_from_or_starts_from)
{
	struct dockerfile d = parse("FROM busybox AS tools\nRUN a\n"
				    "FROM busybox AS unused\nRUN b\n"
				    "FROM tools AS build\nRUN c\n"
				    "FROM scratch AS final\nCOPY --from=build /x /x\n"
				    "FROM busybox\nRUN d\n");
	struct build_plan plan;
	ck_assert_int_eq(build_plan_make(&d, NULL, "final", &plan), 0);
	ck_assert_uint_eq(plan.count, 5);
	ck_assert_uint_eq(plan.target, 3);
	ck_assert(plan.stages[0].needed);   /* tools: build starts FROM it */
	ck_assert(!plan.stages[1].needed);  /* unused */
	ck_assert(plan.stages[2].needed);   /* build: COPY --from */
	ck_assert_int_eq(plan.stages[2].base_stage, 0);
	ck_assert(plan.stages[3].needed);
	ck_assert(!plan.stages[4].needed);  /* after the target */
	build_plan_free(&plan);
	/* no target: the last stage, alone */
	ck_assert_int_eq(build_plan_make(&d, NULL, NULL, &plan), 0);
	ck_assert_uint_eq(plan.target, 4);
	ck_assert(!plan.stages[0].needed && !plan.stages[3].needed && plan.stages[4].needed);
	build_plan_free(&plan);
	dockerfile_free(&d);
}
END_TEST

START_TEST(copy_from_a_stage_number_and_stage_names_ignore_case)
{
	struct dockerfile d = parse("FROM busybox AS Build\nRUN a\nFROM busybox AS other\nRUN b\n"
				    "FROM scratch\nCOPY --from=0 /x /x\n");
	struct build_plan plan;
	ck_assert_int_eq(build_plan_make(&d, NULL, NULL, &plan), 0);
	ck_assert(plan.stages[0].needed && !plan.stages[1].needed);
	ck_assert_int_eq(build_plan_find_stage(&plan, "build", 2), 0);
	ck_assert_int_eq(build_plan_find_stage(&plan, "BUILD", 2), 0);
	ck_assert_int_eq(build_plan_find_stage(&plan, "busybox", 2), -1);
	ck_assert_int_eq(build_plan_find_stage(&plan, "1", 1), -1); /* only earlier stages */
	build_plan_free(&plan);
	dockerfile_free(&d);
}
END_TEST

START_TEST(a_missing_target_and_an_instruction_before_from_are_errors)
{
	struct dockerfile d = parse("FROM busybox AS a\n");
	struct build_plan plan;
	ck_assert_int_eq(build_plan_make(&d, NULL, "b", &plan), -1);
	ck_assert_str_eq(error_message(), "failed to reach build target b in Dockerfile");
	dockerfile_free(&d);
	d = parse("ENV A=1\nFROM busybox\n");
	ck_assert_int_eq(build_plan_make(&d, NULL, NULL, &plan), -1);
	ck_assert_msg(strstr(error_message(), "line 1") && strstr(error_message(), "only ARG"), "%s", error_message());
	dockerfile_free(&d);
}
END_TEST

START_TEST(from_is_expanded_with_the_args_before_it)
{
	struct dockerfile d = parse("ARG TAG=1.0\nFROM busybox:${TAG}\n");
	const char *vars[] = { "TAG=2.0" };
	struct expand_env env = { vars, 1 };
	struct build_plan plan;
	ck_assert_int_eq(build_plan_make(&d, &env, NULL, &plan), 0);
	ck_assert_str_eq(plan.stages[0].base, "busybox:2.0");
	ck_assert_uint_eq(plan.global_args, 1);
	build_plan_free(&plan);
	dockerfile_free(&d);
}
END_TEST

/* --- small pure helpers --------------------------------------------------------------------- */

START_TEST(workdir_is_relative_to_the_previous_one_and_cleaned)
{
	char *p = build_workdir_join("/a", "b");
	ck_assert_str_eq(p, "/a/b");
	free(p);
	p = build_workdir_join("/a/b", "../c/./d");
	ck_assert_str_eq(p, "/a/c/d");
	free(p);
	p = build_workdir_join("/a", "/x//y/");
	ck_assert_str_eq(p, "/x/y");
	free(p);
	p = build_workdir_join(NULL, "../..");
	ck_assert_str_eq(p, "/");
	free(p);
}
END_TEST

START_TEST(durations_are_read_as_go_writes_them)
{
	int64_t ns;
	ck_assert_int_eq(go_duration_parse("30s", &ns), 0);
	ck_assert_int_eq(ns, 30000000000);
	ck_assert_int_eq(go_duration_parse("1m30s", &ns), 0);
	ck_assert_int_eq(ns, 90000000000);
	ck_assert_int_eq(go_duration_parse("500ms", &ns), 0);
	ck_assert_int_eq(ns, 500000000);
	ck_assert_int_eq(go_duration_parse("1.5h", &ns), 0);
	ck_assert_int_eq(ns, 5400000000000);
	ck_assert_int_eq(go_duration_parse("0", &ns), 0);
	ck_assert_int_eq(ns, 0);
	ck_assert_int_eq(go_duration_parse("30", &ns), -1);
	ck_assert_int_eq(go_duration_parse("5x", &ns), -1);
	ck_assert_int_eq(go_duration_parse("", &ns), -1);
}
END_TEST

START_TEST(a_cache_key_changes_with_the_parent_and_with_any_piece_and_pieces_do_not_run_together)
{
	char a[SHA256_HEX_SIZE], b[SHA256_HEX_SIZE], c[SHA256_HEX_SIZE], d[SHA256_HEX_SIZE];
	struct cache_key k;
	cache_key_begin(&k, "sha256:1");
	cache_key_add(&k, "RUN make");
	cache_key_end(&k, a);
	cache_key_begin(&k, "sha256:2");
	cache_key_add(&k, "RUN make");
	cache_key_end(&k, b);
	cache_key_begin(&k, "sha256:1");
	cache_key_add(&k, "RUN ");
	cache_key_add(&k, "make");
	cache_key_end(&k, c);
	cache_key_of_step("sha256:1", "RUN make", d); /* one text on a parent: the same key */
	ck_assert_str_ne(a, b);
	ck_assert_str_ne(a, c);
	ck_assert_str_eq(a, d);
}
END_TEST

START_TEST(the_shell_form_runs_the_default_shell_or_the_given_one)
{
	const char **argv;
	ck_assert_int_eq(build_shell_form(NULL, "echo hi", &argv), 0);
	ck_assert_str_eq(argv[0], "/bin/sh");
	ck_assert_str_eq(argv[1], "-c");
	ck_assert_str_eq(argv[2], "echo hi");
	ck_assert_ptr_null(argv[3]);
	free(argv);
	const char *const bash[] = { "/bin/bash", "-o", "pipefail", "-c", NULL };
	ck_assert_int_eq(build_shell_form(bash, "x", &argv), 0);
	ck_assert_str_eq(argv[3], "-c");
	ck_assert_str_eq(argv[4], "x");
	free(argv);
	char *nop = build_nop_text("EXPOSE 80");
	ck_assert_str_eq(nop, "/bin/sh -c #(nop)  EXPOSE 80");
	free(nop);
}
END_TEST

/* --- config instructions ---------------------------------------------------------------------- */

/* Apply each line of text (parsed as a Dockerfile after a FROM) to config. */
static char *apply_all(struct json *config, const char *text, const char *const *vars, size_t count)
{
	char buffer[4096];
	snprintf(buffer, sizeof(buffer), "FROM x\n%s", text);
	struct dockerfile d = parse(buffer);
	struct config_step_state state = { 0 };
	struct expand_env env = { vars, count };
	char *last = NULL;
	for (size_t i = 1; i < d.count; i++) {
		free(last);
		ck_assert_msg(build_config_apply(config, &d.instructions[i], &env, d.escape, &state, &last) == 0, "%s",
			      error_message());
	}
	dockerfile_free(&d);
	return last;
}

static char *settings_text(const struct json *config)
{
	return json_write(json_get(config, "config"), 0, NULL);
}

START_TEST(env_replaces_a_variable_in_place_and_expands_with_the_values_before_it)
{
	struct json *config = oci_config_new(0);
	json_set(oci_config_settings(config), "Env", json_new_array());
	json_append(json_get(oci_config_settings(config), "Env"), json_new_string("PATH=/bin"));
	json_append(json_get(oci_config_settings(config), "Env"), json_new_string("A=old"));
	const char *vars[] = { "A=old" };
	char *what = apply_all(config, "ENV A=new B=$A\n", vars, 1);
	ck_assert_str_eq(what, "ENV A=new B=old");
	char *s = settings_text(config);
	ck_assert_str_eq(s, "{\"Env\":[\"PATH=/bin\",\"A=new\",\"B=old\"]}");
	free(s);
	free(what);
	json_free(config);
}
END_TEST

START_TEST(entrypoint_resets_an_inherited_cmd_but_keeps_one_of_its_stage)
{
	struct json *config = oci_config_new(0);
	json_set(oci_config_settings(config), "Cmd", json_new_array());
	json_append(json_get(oci_config_settings(config), "Cmd"), json_new_string("sh"));
	free(apply_all(config, "ENTRYPOINT [\"/hello\"]\n", NULL, 0));
	char *s = settings_text(config);
	ck_assert_str_eq(s, "{\"Cmd\":null,\"Entrypoint\":[\"/hello\"]}");
	free(s);
	json_free(config);
	config = oci_config_new(0);
	char *what = apply_all(config, "CMD [\"--help\"]\nENTRYPOINT /hello -v\n", NULL, 0);
	ck_assert_str_eq(what, "ENTRYPOINT [\"/bin/sh\" \"-c\" \"/hello -v\"]");
	s = settings_text(config);
	ck_assert_str_eq(s, "{\"Cmd\":[\"--help\"],\"Entrypoint\":[\"/bin/sh\",\"-c\",\"/hello -v\"]}");
	free(s);
	free(what);
	json_free(config);
}
END_TEST

START_TEST(shell_changes_the_shell_form_of_later_instructions)
{
	struct json *config = oci_config_new(0);
	free(apply_all(config, "SHELL [\"/bin/bash\", \"-c\"]\nCMD echo $HOME\n", NULL, 0));
	char *s = settings_text(config);
	ck_assert_str_eq(s, "{\"Shell\":[\"/bin/bash\",\"-c\"],\"Cmd\":[\"/bin/bash\",\"-c\",\"echo $HOME\"]}");
	free(s);
	json_free(config);
}
END_TEST

START_TEST(expose_takes_ranges_and_protocols_and_refuses_a_bad_port)
{
	struct json *config = oci_config_new(0);
	const char *vars[] = { "P=8080" };
	free(apply_all(config, "EXPOSE 80 $P/tcp 53/UDP 9000-9001\n", vars, 1));
	char *s = settings_text(config);
	ck_assert_str_eq(s, "{\"ExposedPorts\":{\"80/tcp\":{},\"8080/tcp\":{},\"53/udp\":{},\"9000/tcp\":{},"
			    "\"9001/tcp\":{}}}");
	free(s);
	struct dockerfile d = parse("FROM x\nEXPOSE 70000\n");
	struct config_step_state state = { 0 };
	char *what;
	ck_assert_int_eq(build_config_apply(config, &d.instructions[1], NULL, '\\', &state, &what), -1);
	ck_assert_msg(strstr(error_message(), "line 2: invalid containerPort: 70000"), "%s", error_message());
	dockerfile_free(&d);
	json_free(config);
}
END_TEST

START_TEST(healthcheck_is_stored_as_docker_stores_it)
{
	struct json *config = oci_config_new(0);
	free(apply_all(config, "HEALTHCHECK --interval=30s --timeout=3s --start-period=1m --retries=3 CMD [\"/check\", \"-q\"]\n",
		       NULL, 0));
	char *s = settings_text(config);
	ck_assert_str_eq(s, "{\"Healthcheck\":{\"Test\":[\"CMD\",\"/check\",\"-q\"],\"Interval\":30000000000,"
			    "\"Timeout\":3000000000,\"StartPeriod\":60000000000,\"Retries\":3}}");
	free(s);
	free(apply_all(config, "HEALTHCHECK NONE\n", NULL, 0));
	s = settings_text(config);
	ck_assert_str_eq(s, "{\"Healthcheck\":{\"Test\":[\"NONE\"]}}");
	free(s);
	json_free(config);
}
END_TEST

START_TEST(onbuild_labels_volumes_user_workdir_and_stopsignal_set_their_members)
{
	struct json *config = oci_config_new(0);
	const char *vars[] = { "U=www" };
	free(apply_all(config,
		       "ONBUILD RUN make\nLABEL a=1 \"b c\"=2\nVOLUME [\"/data\"]\nVOLUME /logs /tmp\nUSER $U\n"
		       "WORKDIR /app\nWORKDIR src\nSTOPSIGNAL SIGINT\nMAINTAINER someone\n",
		       vars, 1));
	char *s = settings_text(config);
	ck_assert_str_eq(s, "{\"OnBuild\":[\"RUN make\"],\"Labels\":{\"a\":\"1\",\"b c\":\"2\"},"
			    "\"Volumes\":{\"/data\":{},\"/logs\":{},\"/tmp\":{}},\"User\":\"www\",\"WorkingDir\":\"/app/src\","
			    "\"StopSignal\":\"SIGINT\"}");
	free(s);
	ck_assert_str_eq(json_get_string(config, "author"), "someone");
	json_free(config);
}
END_TEST

/* --- COPY's rules -------------------------------------------------------------------------- */

/* A context of entries by hand: "d/" folders, "l@target" links, others files. */
static void fake_context(struct build_context *ctx, const char *const *paths, size_t count)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->root_fd = -1;
	ctx->entries = calloc(count, sizeof(*ctx->entries));
	for (size_t i = 0; i < count; i++) {
		struct context_entry *e = &ctx->entries[i];
		size_t n = strlen(paths[i]);
		const char *at = strchr(paths[i], '@');
		e->path = strndup(paths[i], at ? (size_t)(at - paths[i]) : paths[i][n - 1] == '/' ? n - 1 : n);
		e->st.st_mode = at ? S_IFLNK | 0777 : paths[i][n - 1] == '/' ? S_IFDIR | 0755 : S_IFREG | 0644;
		e->link = at ? strdup(at + 1) : NULL;
	}
	ctx->count = count;
}

static const char *const files[] = { "a.txt", "b.txt", "link@../out", "src/", "src/index.html", "src/sub/", "src/sub/x.css" };

/* The plan's "dest" list, one per line. */
static char *plan_of(const char *const *sources, size_t n, const char *dest, bool dest_is_folder, int *rc)
{
	struct build_context ctx;
	fake_context(&ctx, files, sizeof(files) / sizeof(files[0]));
	struct copy_request req = { .sources = sources, .source_count = n, .dest = dest, .dest_is_folder = dest_is_folder, .line = 7 };
	struct copy_plan plan;
	*rc = copy_plan_make(&ctx, &req, &plan);
	char *text = calloc(1, 4096);
	for (size_t i = 0; *rc == 0 && i < plan.folder_count; i++)
		sprintf(text + strlen(text), "%s/\n", plan.folders[i]);
	for (size_t i = 0; *rc == 0 && i < plan.count; i++)
		sprintf(text + strlen(text), "%s\n", plan.items[i].dest);
	if (*rc == 0)
		copy_plan_free(&plan);
	build_context_close(&ctx);
	return text;
}

START_TEST(copy_of_a_folder_copies_its_contents_not_the_folder)
{
	int rc;
	const char *src[] = { "src/" };
	char *t = plan_of(src, 1, "/var/www/html", false, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(t, "var/\nvar/www/\nvar/www/html/\nvar/www/html/index.html\nvar/www/html/sub\nvar/www/html/sub/x.css\n");
	free(t);
}
END_TEST

START_TEST(copy_with_a_trailing_slash_copies_into_the_folder_and_without_one_names_the_file)
{
	int rc;
	const char *src[] = { "a.txt" };
	char *t = plan_of(src, 1, "/dest/", false, &rc);
	ck_assert_str_eq(t, "dest/\ndest/a.txt\n");
	free(t);
	t = plan_of(src, 1, "/dest", false, &rc);
	ck_assert_str_eq(t, "dest\n");
	free(t);
	/* ... unless dest is a folder in the image */
	t = plan_of(src, 1, "/usr/bin", true, &rc);
	ck_assert_str_eq(t, "usr/\nusr/bin/\nusr/bin/a.txt\n");
	free(t);
}
END_TEST

START_TEST(several_sources_or_a_wildcard_need_a_folder_ending_in_a_slash)
{
	int rc;
	const char *two[] = { "a.txt", "b.txt" };
	char *t = plan_of(two, 2, "/dest", false, &rc);
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strstr(error_message(), "line 7: When using COPY with more than one source file, the destination must be a directory and end with a /"),
		      "%s", error_message());
	free(t);
	const char *wild[] = { "*.txt" };
	t = plan_of(wild, 1, "/dest/", false, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(t, "dest/\ndest/a.txt\ndest/b.txt\n");
	free(t);
	/* a wildcard matches within one path element */
	const char *deep[] = { "src/*.html" };
	t = plan_of(deep, 1, "/w/", false, &rc);
	ck_assert_str_eq(t, "w/\nw/index.html\n");
	free(t);
}
END_TEST

START_TEST(a_source_outside_the_context_or_missing_is_refused)
{
	int rc;
	const char *out[] = { "../etc/passwd" };
	char *t = plan_of(out, 1, "/x", false, &rc);
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strstr(error_message(), "forbidden path outside the build context"), "%s", error_message());
	free(t);
	const char *missing[] = { "nope.txt" };
	t = plan_of(missing, 1, "/x", false, &rc);
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strstr(error_message(), "file not found in build context"), "%s", error_message());
	free(t);
	const char *none[] = { "*.md" };
	t = plan_of(none, 1, "/x/", false, &rc);
	ck_assert_int_eq(rc, -1);
	free(t);
}
END_TEST

START_TEST(chown_takes_numbers_or_names_from_the_image_files)
{
	const char *passwd = "root:x:0:0:root:/root:/bin/sh\nwww:x:33:34:www:/var/www:/bin/false\n";
	const char *group = "root:x:0:\nstaff:x:50:\n";
	uid_t uid;
	gid_t gid;
	ck_assert_int_eq(copy_owner_parse("1000:1001", NULL, NULL, &uid, &gid), 0);
	ck_assert(uid == 1000 && gid == 1001);
	ck_assert_int_eq(copy_owner_parse("42", NULL, NULL, &uid, &gid), 0);
	ck_assert(uid == 42 && gid == 42);
	ck_assert_int_eq(copy_owner_parse("www", passwd, group, &uid, &gid), 0);
	ck_assert(uid == 33 && gid == 34); /* the user's own group */
	ck_assert_int_eq(copy_owner_parse("www:staff", passwd, group, &uid, &gid), 0);
	ck_assert(uid == 33 && gid == 50);
	ck_assert_int_eq(copy_owner_parse("nobody", passwd, group, &uid, &gid), -1);
	ck_assert_msg(strstr(error_message(), "no such user: nobody"), "%s", error_message());
	ck_assert_int_eq(copy_owner_parse("www:wheel", passwd, group, &uid, &gid), -1);
}
END_TEST

START_TEST(stdin_is_a_tar_context_only_when_its_first_block_is_a_tar_header)
{
	unsigned char block[TAR_BLOCK] = { 0 };
	/* a V7 header: a name, a mode, and a checksum that adds up (the field counted as spaces) */
	snprintf((char *)block, 100, "Dockerfile");
	memcpy(block + 100, "0000644", 8);
	unsigned sum = 0;
	for (size_t i = 0; i < TAR_BLOCK; i++)
		sum += i >= 148 && i < 156 ? ' ' : block[i];
	snprintf((char *)block + 148, 8, "%06o", sum);
	ck_assert(build_stdin_is_tar(block, sizeof(block)));
	block[0] = 'X'; /* the sum no longer adds up */
	ck_assert(!build_stdin_is_tar(block, sizeof(block)));
	memcpy(block + 257, "ustar", 5); /* POSIX's magic says it outright */
	ck_assert(build_stdin_is_tar(block, sizeof(block)));
	/* a Dockerfile, even a long one, is text; a short stream is no tar */
	char text[TAR_BLOCK];
	memset(text, '#', sizeof(text));
	memcpy(text, "FROM busybox\n", 13);
	ck_assert(!build_stdin_is_tar((const unsigned char *)text, sizeof(text)));
	ck_assert(!build_stdin_is_tar(block, 100));
}
END_TEST

Suite *build_plan_suite(void)
{
	Suite *s = suite_create("build_plan");
	TCase *t = tcase_create("build_plan");
	tcase_add_test(t, stdin_is_a_tar_context_only_when_its_first_block_is_a_tar_header);
	tcase_add_test(t, a_target_needs_only_the_stages_it_copies_from_or_starts_from);
	tcase_add_test(t, copy_from_a_stage_number_and_stage_names_ignore_case);
	tcase_add_test(t, a_missing_target_and_an_instruction_before_from_are_errors);
	tcase_add_test(t, from_is_expanded_with_the_args_before_it);
	tcase_add_test(t, workdir_is_relative_to_the_previous_one_and_cleaned);
	tcase_add_test(t, durations_are_read_as_go_writes_them);
	tcase_add_test(t, a_cache_key_changes_with_the_parent_and_with_any_piece_and_pieces_do_not_run_together);
	tcase_add_test(t, the_shell_form_runs_the_default_shell_or_the_given_one);
	tcase_add_test(t, env_replaces_a_variable_in_place_and_expands_with_the_values_before_it);
	tcase_add_test(t, entrypoint_resets_an_inherited_cmd_but_keeps_one_of_its_stage);
	tcase_add_test(t, shell_changes_the_shell_form_of_later_instructions);
	tcase_add_test(t, expose_takes_ranges_and_protocols_and_refuses_a_bad_port);
	tcase_add_test(t, healthcheck_is_stored_as_docker_stores_it);
	tcase_add_test(t, onbuild_labels_volumes_user_workdir_and_stopsignal_set_their_members);
	tcase_add_test(t, copy_of_a_folder_copies_its_contents_not_the_folder);
	tcase_add_test(t, copy_with_a_trailing_slash_copies_into_the_folder_and_without_one_names_the_file);
	tcase_add_test(t, several_sources_or_a_wildcard_need_a_folder_ending_in_a_slash);
	tcase_add_test(t, a_source_outside_the_context_or_missing_is_refused);
	tcase_add_test(t, chown_takes_numbers_or_names_from_the_image_files);
	suite_add_tcase(s, t);
	return s;
}
