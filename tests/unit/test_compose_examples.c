/*
 * test_compose_examples.c - chapter 07's examples, as files (07-compose/examples): the shop's
 * compose file is the lecture's line for line, but for the website's image, and the model
 * reads it and the counter's named volume; the CGI scripts that busybox httpd runs are
 * executable, as httpd requires. Run from the top of the source tree, as `make` runs it.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compose-model.h"
#include "error.h"
#include "files.h"
#include "yaml.h"

#define SHOP "07-compose/examples/shop/"
#define COUNTER "07-compose/examples/counter/"

/* The lecture's docker-compose.yml, line for line, and the one line the example changes:
 * php:apache is not in the store of a machine without a registry. */
static const char lecture_compose[] = "version: '3'\n"
				      "\n"
				      "services:\n"
				      "  product-service:\n"
				      "    build: ./product\n"
				      "    volumes:\n"
				      "      - ./product:/usr/src/app\n"
				      "    ports:\n"
				      "      - 5001:80\n"
				      "\n"
				      "  website:\n"
				      "    image: php:apache\n"
				      "    volumes:\n"
				      "      - ./website:/var/www/html\n"
				      "    ports:\n"
				      "      - 5000:80\n"
				      "    depends_on:\n"
				      "      - product-service\n";
static const char lecture_image[] = "    image: php:apache\n";
static const char example_image[] = "    image: busybox-httpd\n";

static char *example_text(const char *path)
{
	size_t size;
	char *text = read_file(path, &size);
	ck_assert_msg(text, "%s (run from the top of the source tree)", error_message());
	ck_assert_uint_eq(strlen(text), size);
	return text;
}

static struct compose_project example_model(const char *path)
{
	char *text = example_text(path);
	struct yaml_node *root = yaml_parse(path, text, strlen(text));
	ck_assert_msg(root, "%s", error_message());
	struct compose_project project;
	ck_assert_msg(compose_model_read(path, root, &project) == 0, "%s", error_message());
	yaml_free(root);
	free(text);
	return project;
}

START_TEST(the_shop_is_the_lectures_compose_file_with_only_the_websites_image_changed)
{
	char *text = example_text(SHOP "docker-compose.yml");
	const char *line = strstr(text, example_image);
	ck_assert_msg(line, "no \"%.*s\" in:\n%s", (int)strlen(example_image) - 1, example_image, text);
	/* Put the lecture's line back: what is left must be the lecture's file, byte for byte. */
	size_t before = (size_t)(line - text), after = strlen(line + strlen(example_image));
	char *restored = malloc(before + strlen(lecture_image) + after + 1);
	memcpy(restored, text, before);
	strcpy(restored + before, lecture_image);
	strcat(restored, line + strlen(example_image));
	ck_assert_str_eq(restored, lecture_compose);
	free(restored);
	free(text);
}
END_TEST

START_TEST(the_shops_website_waits_for_the_product_service_built_from_its_folder)
{
	struct compose_project p = example_model(SHOP "docker-compose.yml");
	const struct compose_service *product = compose_find_service(&p, "product-service");
	const struct compose_service *website = compose_find_service(&p, "website");
	ck_assert_ptr_nonnull(product);
	ck_assert_ptr_nonnull(website);
	ck_assert_str_eq(product->build.context, "./product");
	ck_assert_str_eq(website->image, "busybox-httpd");
	ck_assert_int_eq(website->depends_count, 1);
	ck_assert_str_eq(website->depends_on[0].service, "product-service");
	ck_assert_int_eq(website->mounts[0].type, COMPOSE_MOUNT_BIND);
	ck_assert_str_eq(website->mounts[0].source, "./website");
	ck_assert_str_eq(website->mounts[0].target, "/var/www/html");
	ck_assert_int_eq(p.ignored.count, 0);
	compose_project_free(&p);
	/* the folders the file names: a context with its Dockerfile, and the website's image's */
	struct stat st;
	ck_assert_int_eq(stat(SHOP "product/Dockerfile", &st), 0);
	ck_assert_int_eq(stat(SHOP "busybox-httpd/Dockerfile", &st), 0);
}
END_TEST

START_TEST(the_cgi_scripts_are_executable_as_busybox_httpd_requires)
{
	/* httpd runs a CGI only when it may execute it; otherwise "/" is a 404, quietly. */
	const char *scripts[] = { SHOP "product/cgi-bin/index.cgi", SHOP "website/cgi-bin/index.cgi" };
	for (size_t i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
		struct stat st;
		ck_assert_msg(stat(scripts[i], &st) == 0, "%s is missing", scripts[i]);
		ck_assert_msg(S_ISREG(st.st_mode) && (st.st_mode & 0111) == 0111, "%s is not executable", scripts[i]);
		char *text = example_text(scripts[i]);
		ck_assert_msg(strncmp(text, "#!/bin/sh\n", 10) == 0, "%s does not start with #!/bin/sh", scripts[i]);
		free(text);
	}
}
END_TEST

START_TEST(the_counter_keeps_its_visits_in_a_named_volume_of_the_project)
{
	struct compose_project p = example_model(COUNTER "compose.yaml");
	const struct compose_service *counter = compose_find_service(&p, "counter");
	ck_assert_ptr_nonnull(counter);
	ck_assert_int_eq(counter->mount_count, 1);
	ck_assert_int_eq(counter->mounts[0].type, COMPOSE_MOUNT_VOLUME);
	ck_assert_str_eq(counter->mounts[0].source, "visits");
	ck_assert_str_eq(counter->mounts[0].target, "/data");
	ck_assert_int_eq(p.volumes.count, 1);
	ck_assert_str_eq(p.volumes.items[0], "visits");
	/* the command is three words, and the shell in the container reads the third */
	ck_assert_int_eq(counter->command.count, 3);
	ck_assert_str_eq(counter->command.items[2], "echo visit >> /data/visits && wc -l < /data/visits");
	compose_project_free(&p);
}
END_TEST

Suite *compose_examples_suite(void)
{
	Suite *s = suite_create("compose_examples");
	TCase *tc = tcase_create("compose_examples");
	tcase_add_test(tc, the_shop_is_the_lectures_compose_file_with_only_the_websites_image_changed);
	tcase_add_test(tc, the_shops_website_waits_for_the_product_service_built_from_its_folder);
	tcase_add_test(tc, the_cgi_scripts_are_executable_as_busybox_httpd_requires);
	tcase_add_test(tc, the_counter_keeps_its_visits_in_a_named_volume_of_the_project);
	suite_add_tcase(s, tc);
	return s;
}
