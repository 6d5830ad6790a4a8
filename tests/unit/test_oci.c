/*
 * test_oci.c - the documents of an OCI image (05-images/oci.c), --change (image-config.c) and
 * the command an image runs (image-run.c): pure, no files.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "image-config.h"
#include "image-run.h"
#include "json.h"
#include "oci.h"

static const char D1[] = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
static const char D2[] = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
static const char D3[] = "sha256:3333333333333333333333333333333333333333333333333333333333333333";

static struct json *parse(const char *text)
{
	struct json *j = json_parse(text, strlen(text));
	ck_assert_msg(j != NULL, "%s", error_message());
	return j;
}

START_TEST(a_manifest_written_is_read_back_with_its_config_and_layers_in_order)
{
	struct oci_descriptor config = { .media_type = MEDIA_OCI_CONFIG, .size = 479 };
	strcpy(config.digest, D1);
	struct oci_layer layers[2] = { { .blob = { .media_type = MEDIA_OCI_LAYER, .size = 10 } },
				       { .blob = { .media_type = MEDIA_OCI_LAYER_GZIP, .size = 20 } } };
	strcpy(layers[0].blob.digest, D2);
	strcpy(layers[1].blob.digest, D3);
	struct json *m = oci_manifest_json(&config, layers, 2);
	char *text = json_write(m, 0, NULL);
	ck_assert_str_eq(text, "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
			       "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" "sha256:1111111111111111111111111111111111111111111111111111111111111111" "\",\"size\":479},"
			       "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" "sha256:2222222222222222222222222222222222222222222222222222222222222222" "\",\"size\":10},"
			       "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" "sha256:3333333333333333333333333333333333333333333333333333333333333333" "\",\"size\":20}]}");
	struct oci_manifest back;
	ck_assert_int_eq(oci_manifest_parse(m, &back), 0);
	ck_assert_str_eq(back.config.digest, D1);
	ck_assert_uint_eq(back.layer_count, 2);
	ck_assert_str_eq(back.layers[1].blob.digest, D3);
	ck_assert_uint_eq(back.layers[1].blob.size, 20);
	bool gzip;
	ck_assert(oci_is_layer_type(back.layers[1].blob.media_type, &gzip) && gzip);
	oci_manifest_free(&back);
	free(text);
	json_free(m);
}
END_TEST

START_TEST(docker_media_types_are_accepted_and_foreign_ones_refused)
{
	struct json *m = parse("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
			       "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"digest\":\"" "sha256:1111111111111111111111111111111111111111111111111111111111111111" "\",\"size\":1},"
			       "\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"digest\":\"" "sha256:2222222222222222222222222222222222222222222222222222222222222222" "\",\"size\":2}]}");
	struct oci_manifest parts;
	ck_assert_int_eq(oci_manifest_parse(m, &parts), 0);
	oci_manifest_free(&parts);
	json_free(m);
	m = parse("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"" "sha256:1111111111111111111111111111111111111111111111111111111111111111" "\",\"size\":1},"
		  "\"layers\":[{\"mediaType\":\"application/vnd.example.wasm\",\"digest\":\"" "sha256:2222222222222222222222222222222222222222222222222222222222222222" "\",\"size\":2}]}");
	ck_assert_int_eq(oci_manifest_parse(m, &parts), -1);
	ck_assert_msg(strstr(error_message(), "not a tar layer"), "%s", error_message());
	json_free(m);
	m = parse("{\"schemaVersion\":1}");
	ck_assert_int_eq(oci_manifest_parse(m, &parts), -1);
	json_free(m);
}
END_TEST

START_TEST(a_descriptor_with_a_malformed_digest_or_size_is_refused)
{
	struct oci_descriptor d;
	struct json *j = parse("{\"mediaType\":\"a\",\"digest\":\"sha256:../../etc/passwd\",\"size\":1}");
	ck_assert_int_eq(oci_descriptor_parse(j, &d), -1);
	json_free(j);
	j = parse("{\"mediaType\":\"a\",\"digest\":\"" "sha256:1111111111111111111111111111111111111111111111111111111111111111" "\",\"size\":-5}");
	ck_assert_int_eq(oci_descriptor_parse(j, &d), -1);
	json_free(j);
}
END_TEST

START_TEST(a_config_lists_one_diff_id_per_layer_and_history_for_every_step)
{
	struct json *c = oci_config_new(0);
	ck_assert_str_eq(json_get_string(c, "created"), "1970-01-01T00:00:00Z");
	ck_assert_str_eq(json_get_string(c, "os"), "linux");
	ck_assert_int_eq(oci_config_add_layer(c, D2, 60, "tar", NULL), 0);
	ck_assert_int_eq(oci_config_add_layer(c, NULL, 120, "CMD [\"sh\"]", "why"), 0);
	ck_assert_uint_eq(json_pointer(c, "/rootfs/diff_ids")->count, 1);
	ck_assert_uint_eq(json_get(c, "history")->count, 2);
	bool empty;
	ck_assert_int_eq(json_bool(json_pointer(c, "/history/1/empty_layer"), &empty), 0);
	ck_assert(empty);
	ck_assert_str_eq(json_string(json_pointer(c, "/history/1/comment")), "why");
	ck_assert_int_eq(oci_config_created(c), 120);
	/* the manifest and the config must agree on the number of layers */
	struct oci_manifest m = { .layers = calloc(2, sizeof(struct oci_layer)), .layer_count = 2 };
	ck_assert_int_eq(oci_image_layers(c, &m), -1);
	m.layer_count = 1;
	ck_assert_int_eq(oci_image_layers(c, &m), 0);
	ck_assert_str_eq(m.layers[0].diff_id, D2);
	oci_manifest_free(&m);
	json_free(c);
}
END_TEST

START_TEST(rfc3339_times_with_fractions_and_offsets_are_read)
{
	time_t t;
	ck_assert_int_eq(oci_time_parse("2024-01-02T03:04:05Z", &t), 0);
	ck_assert_int_eq(t, 1704164645);
	ck_assert_int_eq(oci_time_parse("2024-01-02T03:04:05.123456789Z", &t), 0);
	ck_assert_int_eq(t, 1704164645);
	ck_assert_int_eq(oci_time_parse("2024-01-02T04:04:05+01:00", &t), 0);
	ck_assert_int_eq(t, 1704164645);
	ck_assert_int_eq(oci_time_parse("2024-01-02 03:04:05", &t), -1);
	char out[40];
	oci_time_format(1704164645, out, sizeof(out));
	ck_assert_str_eq(out, "2024-01-02T03:04:05Z");
}
END_TEST

START_TEST(change_instructions_set_the_config_as_docker_does)
{
	struct json *s = json_new_object();
	ck_assert_int_eq(image_config_change(s, "CMD [\"sh\",\"-c\",\"echo hi\"]"), 0);
	ck_assert_str_eq(json_string(json_pointer(s, "/Cmd/2")), "echo hi");
	ck_assert_int_eq(image_config_change(s, "CMD echo hi"), 0); /* shell form */
	ck_assert_str_eq(json_string(json_pointer(s, "/Cmd/0")), "/bin/sh");
	ck_assert_str_eq(json_string(json_pointer(s, "/Cmd/2")), "echo hi");
	ck_assert_int_eq(image_config_change(s, "ENV A=1 B=\"two words\""), 0);
	ck_assert_int_eq(image_config_change(s, "ENV A 3"), 0); /* old form, replaces A in place */
	ck_assert_str_eq(image_config_env(s, "A"), "3");
	ck_assert_str_eq(image_config_env(s, "B"), "two words");
	ck_assert_str_eq(json_string(json_pointer(s, "/Env/0")), "A=3");
	ck_assert_int_eq(image_config_change(s, "EXPOSE 80 53/udp"), 0);
	ck_assert_ptr_nonnull(json_pointer(s, "/ExposedPorts/80~1tcp"));
	ck_assert_ptr_nonnull(json_pointer(s, "/ExposedPorts/53~1udp"));
	ck_assert_int_eq(image_config_change(s, "WORKDIR /srv"), 0);
	ck_assert_int_eq(image_config_change(s, "USER nobody"), 0);
	ck_assert_int_eq(image_config_change(s, "LABEL team=shop"), 0);
	ck_assert_str_eq(json_string(json_pointer(s, "/Labels/team")), "shop");
	ck_assert_int_eq(image_config_change(s, "WORKDIR relative"), -1);
	ck_assert_int_eq(image_config_change(s, "EXPOSE 99999"), -1);
	ck_assert_int_eq(image_config_change(s, "RUN rm -rf /"), -1);
	ck_assert_msg(strstr(error_message(), "RUN is not one of"), "%s", error_message());
	json_free(s);
}
END_TEST

START_TEST(the_command_is_entrypoint_then_the_users_command_or_the_images_cmd)
{
	struct json *s = parse("{\"Entrypoint\":[\"/bin/app\",\"--serve\"],\"Cmd\":[\"--port\",\"80\"]}");
	char *argv[16];
	char *user[] = { "--port", "8080", NULL };
	ck_assert_int_eq(image_command(s, NULL, NULL, argv, 16), 4);
	ck_assert_str_eq(argv[0], "/bin/app");
	ck_assert_str_eq(argv[3], "80");
	ck_assert_int_eq(image_command(s, NULL, user, argv, 16), 4);
	ck_assert_str_eq(argv[3], "8080");
	/* --entrypoint replaces the entrypoint and drops the image's Cmd */
	ck_assert_int_eq(image_command(s, "echo", NULL, argv, 16), 1);
	ck_assert_str_eq(argv[0], "echo");
	ck_assert_ptr_null(argv[1]);
	ck_assert_int_eq(image_command(s, "", user, argv, 16), 2);
	ck_assert_str_eq(argv[0], "--port");
	ck_assert_int_eq(image_command(s, NULL, NULL, argv, 3), -1);
	json_free(s);
	s = parse("{}");
	ck_assert_int_eq(image_command(s, NULL, NULL, argv, 16), 0);
	json_free(s);
}
END_TEST

Suite *oci_suite(void)
{
	Suite *s = suite_create("oci");
	TCase *t = tcase_create("documents");
	tcase_add_test(t, a_manifest_written_is_read_back_with_its_config_and_layers_in_order);
	tcase_add_test(t, docker_media_types_are_accepted_and_foreign_ones_refused);
	tcase_add_test(t, a_descriptor_with_a_malformed_digest_or_size_is_refused);
	tcase_add_test(t, a_config_lists_one_diff_id_per_layer_and_history_for_every_step);
	tcase_add_test(t, rfc3339_times_with_fractions_and_offsets_are_read);
	tcase_add_test(t, change_instructions_set_the_config_as_docker_does);
	tcase_add_test(t, the_command_is_entrypoint_then_the_users_command_or_the_images_cmd);
	suite_add_tcase(s, t);
	return s;
}
