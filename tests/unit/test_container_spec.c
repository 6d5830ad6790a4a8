/*
 * test_container_spec.c - a spec written into its record, stored as config.json, and read back
 * (03-cgroups/container-spec.c, 05-images/image-run.c): every field of each chapter's part
 * comes back equal, so `start` runs the container that `create` recorded, however its spec was
 * filled. Pure: nothing is made.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "container-spec.h"
#include "error.h"
#include "image-run.h"
#include "json.h"

static const char ID[] = "5e0c000000000000000000000000000000000000000000000000000000000005";

/* The record through its file's JSON and back, as `start` reads what `create` wrote. */
static void store_and_load(const struct container_record *written, struct container_record *loaded)
{
	struct json *doc = container_record_to_json(written);
	ck_assert_ptr_nonnull(doc);
	ck_assert_msg(container_record_from_json(doc, loaded) == 0, "%s", error_message());
	json_free(doc);
}

/* Chapter 02's part with every field away from its default. */
static void fill_container(struct container *c)
{
	static char *command[] = { (char *)"/bin/server", (char *)"--port", (char *)"80", NULL };
	container_init(c);
	snprintf(c->id, sizeof(c->id), "%s", ID);
	c->rootfs = "/srv/box";
	snprintf(c->hostname, sizeof(c->hostname), "web-1");
	c->name = "web";
	c->workdir = "/app";
	c->user = "1000:1000";
	c->interactive = true;
	c->tty = true;
	c->remove = true;
	ck_assert_int_eq(security_cap_add(&c->security, "NET_ADMIN"), 0);
	ck_assert_int_eq(security_cap_drop(&c->security, "CHOWN"), 0);
	ck_assert_int_eq(security_opt(&c->security, "seccomp=unconfined"), 0);
	c->network = NETWORK_BRIDGE;
	c->network_name = "shop";
	c->aliases[0] = "db";
	c->aliases[1] = "primary";
	c->alias_count = 2;
	ck_assert_int_eq(port_mapping_parse("127.0.0.1:8080:80", &c->ports[0]), 0);
	ck_assert_int_eq(port_mapping_parse("443", &c->ports[1]), 0); /* the kernel's choice */
	c->port_count = 2;
	c->userns = true;
	c->uid_maps[0] = (struct id_map){ 0, 100000, 65536 };
	c->uid_map_count = 1;
	c->gid_maps[0] = (struct id_map){ 0, 200000, 1000 };
	c->gid_maps[1] = (struct id_map){ 1000, 300000, 1 };
	c->gid_map_count = 2;
	c->env[0] = "A=1";
	c->env[1] = "B=two words";
	c->env_count = 2;
	c->command = command;
	c->mounts[0] = (struct mount_request){ .kind = MOUNT_BIND, .source = "/srv/site", .target = "/var/www", .read_only = true };
	c->mounts[1] = (struct mount_request){ .kind = MOUNT_TMPFS, .target = "/run", .options = "size=64m,exec" };
	c->mount_count = 2;
}

static void assert_same_container(const struct container *a, const struct container *b)
{
	ck_assert_str_eq(b->id, a->id);
	ck_assert_pstr_eq(b->rootfs, a->rootfs);
	ck_assert_str_eq(b->hostname, a->hostname);
	ck_assert_str_eq(b->name, a->name);
	ck_assert_str_eq(b->workdir, a->workdir);
	ck_assert_str_eq(b->user, a->user);
	ck_assert_int_eq(b->interactive, a->interactive);
	ck_assert_int_eq(b->tty, a->tty);
	ck_assert_int_eq(b->remove, a->remove);
	ck_assert_int_eq(b->privileged, a->privileged);
	ck_assert(b->security.capabilities == a->security.capabilities);
	ck_assert_int_eq(b->security.no_new_privs, a->security.no_new_privs);
	ck_assert_int_eq(b->security.seccomp, a->security.seccomp);
	ck_assert_int_eq(b->security.privileged, a->security.privileged);
	ck_assert_int_eq(b->network, a->network);
	ck_assert_str_eq(b->network_name, a->network_name);
	ck_assert_uint_eq(b->alias_count, a->alias_count);
	for (size_t i = 0; i < a->alias_count; i++)
		ck_assert_str_eq(b->aliases[i], a->aliases[i]);
	ck_assert_ptr_null(b->aliases[b->alias_count]);
	ck_assert_uint_eq(b->port_count, a->port_count);
	for (size_t i = 0; i < a->port_count; i++) {
		ck_assert_uint_eq(b->ports[i].host_ip.s_addr, a->ports[i].host_ip.s_addr);
		ck_assert_uint_eq(b->ports[i].host_port, a->ports[i].host_port);
		ck_assert_uint_eq(b->ports[i].container_port, a->ports[i].container_port);
	}
	ck_assert_int_eq(b->userns, a->userns);
	ck_assert_uint_eq(b->uid_map_count, a->uid_map_count);
	ck_assert_uint_eq(b->gid_map_count, a->gid_map_count);
	ck_assert_mem_eq(b->uid_maps, a->uid_maps, a->uid_map_count * sizeof(a->uid_maps[0]));
	ck_assert_mem_eq(b->gid_maps, a->gid_maps, a->gid_map_count * sizeof(a->gid_maps[0]));
	ck_assert_uint_eq(b->env_count, a->env_count);
	for (size_t i = 0; i < a->env_count; i++)
		ck_assert_str_eq(b->env[i], a->env[i]);
	size_t n = 0;
	for (; a->command[n]; n++)
		ck_assert_str_eq(b->command[n], a->command[n]);
	ck_assert_ptr_null(b->command[n]);
	ck_assert_uint_eq(b->mount_count, a->mount_count);
	for (size_t i = 0; i < a->mount_count; i++) {
		ck_assert_int_eq(b->mounts[i].kind, a->mounts[i].kind);
		ck_assert_str_eq(b->mounts[i].source, a->mounts[i].source);
		ck_assert_str_eq(b->mounts[i].target, a->mounts[i].target);
		ck_assert_int_eq(b->mounts[i].read_only, a->mounts[i].read_only);
		ck_assert_str_eq(b->mounts[i].options, a->mounts[i].options);
	}
}

START_TEST(chapter_02s_part_of_a_spec_comes_back_from_the_record_field_by_field)
{
	struct container c, back;
	struct container_record written = { 0 }, loaded;
	fill_container(&c);
	snprintf(written.id, sizeof(written.id), "%s", ID);
	ck_assert_int_eq(container_spec_write(&c, &written), 0);
	store_and_load(&written, &loaded);
	container_spec_read(&loaded, &back);
	assert_same_container(&c, &back);
	container_record_free(&written);
	container_record_free(&loaded);
}
END_TEST

START_TEST(privileged_host_and_none_networks_and_the_default_command_come_back_too)
{
	struct container c, back;
	container_init(&c);
	snprintf(c.id, sizeof(c.id), "%s", ID);
	c.name = "plain";
	c.rootfs = "/srv/box";
	c.privileged = true;
	security_privileged(&c.security);
	enum network_mode modes[] = { NETWORK_HOST, NETWORK_NONE };
	const char *names[] = { "host", "none" };
	for (size_t i = 0; i < 2; i++) {
		struct container_record written = { 0 }, loaded;
		c.network = modes[i];
		c.network_name = names[i];
		snprintf(written.id, sizeof(written.id), "%s", ID);
		ck_assert_int_eq(container_spec_write(&c, &written), 0);
		store_and_load(&written, &loaded);
		container_spec_read(&loaded, &back);
		ck_assert_int_eq(back.network, modes[i]);
		ck_assert_str_eq(back.network_name, names[i]);
		ck_assert_int_eq(back.privileged, true);
		ck_assert(back.security.capabilities == c.security.capabilities);
		ck_assert_int_eq(back.security.seccomp, false);
		ck_assert_int_eq(back.security.no_new_privs, false);
		ck_assert_str_eq(back.command[0], "/bin/sh");
		ck_assert_ptr_null(back.command[1]);
		ck_assert_ptr_null(back.workdir);
		ck_assert_ptr_null(back.user);
		container_record_free(&written);
		container_record_free(&loaded);
	}
}
END_TEST

/* The record of fill_container's spec, as inspect shows it (free both). */
static struct json *recorded_json(struct container_record *r)
{
	static struct container c; /* large (its mounts): not on the stack */
	fill_container(&c);
	snprintf(r->id, sizeof(r->id), "%s", ID);
	ck_assert_int_eq(container_spec_write(&c, r), 0);
	return container_record_to_json(r);
}

START_TEST(a_port_for_the_kernel_to_choose_is_recorded_as_dockers_empty_host_port)
{
	struct container_record r = { 0 };
	struct json *doc = recorded_json(&r);
	ck_assert_str_eq(json_string(json_pointer(doc, "/HostConfig/PortBindings/443~1tcp/0/HostPort")), "");
	ck_assert_str_eq(json_string(json_pointer(doc, "/HostConfig/PortBindings/80~1tcp/0/HostPort")), "8080");
	ck_assert_str_eq(json_string(json_pointer(doc, "/HostConfig/PortBindings/80~1tcp/0/HostIp")), "127.0.0.1");
	ck_assert_str_eq(json_string(json_pointer(doc, "/NetworkSettings/Networks/shop/Aliases/1")), "primary");
	ck_assert_str_eq(json_get_string(json_get(doc, "HostConfig"), "NetworkMode"), "shop");
	ck_assert_str_eq(json_string(json_pointer(doc, "/Userns/GidMap/1")), "1000:300000:1");
	json_free(doc);
	container_record_free(&r);
}
END_TEST

START_TEST(mounts_are_recorded_as_dockers_mounts_binds_and_tmpfs)
{
	struct container_record r = { 0 };
	struct json *doc = recorded_json(&r);
	ck_assert_str_eq(json_string(json_pointer(doc, "/Mounts/0/Type")), "bind");
	ck_assert_str_eq(json_string(json_pointer(doc, "/Mounts/0/Source")), "/srv/site");
	ck_assert_str_eq(json_string(json_pointer(doc, "/Mounts/0/Destination")), "/var/www");
	ck_assert_str_eq(json_string(json_pointer(doc, "/Mounts/0/Mode")), "ro");
	ck_assert(json_is(json_pointer(doc, "/Mounts/0/RW"), JSON_FALSE));
	ck_assert_str_eq(json_string(json_pointer(doc, "/Mounts/0/Propagation")), "rprivate");
	ck_assert_ptr_null(json_pointer(doc, "/Mounts/0/Name")); /* Name and Driver: a volume's */
	ck_assert_str_eq(json_string(json_pointer(doc, "/HostConfig/Binds/0")), "/srv/site:/var/www:ro");
	ck_assert_str_eq(json_string(json_pointer(doc, "/HostConfig/Tmpfs/~1run")), "size=64m,exec");
	ck_assert_str_eq(json_string(json_pointer(doc, "/Mounts/1/Type")), "tmpfs");
	json_free(doc);
	container_record_free(&r);
}
END_TEST

static void fill_runtime(struct runtime_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	fill_container(&spec->container);
	spec->image = "shop/web:1";
	spec->container.rootfs = NULL; /* an image's container: the image gives the rootfs */
	spec->limits.memory = 64 << 20;
	spec->limits.memory_swap = 128 << 20;
	spec->limits.nano_cpus = 1500000000;
	spec->limits.cpu_shares = 512;
	spec->limits.pids_limit = 50;
	snprintf(spec->limits.cpuset_cpus, sizeof(spec->limits.cpuset_cpus), "0-1");
	spec->restart.mode = RESTART_ON_FAILURE;
	spec->restart.max_retries = 3;
	spec->restart_given = true;
	spec->health.test[0] = "CMD";
	spec->health.test[1] = "/bin/check";
	spec->health.test[2] = "-q";
	spec->health.timing = (struct health_timing){ .interval = 100000000, .timeout = 2000000000,
						      .start_period = 5000000000, .retries = 4 };
}

static void assert_same_runtime(const struct runtime_spec *a, const struct runtime_spec *b)
{
	ck_assert_ptr_null(b->container.rootfs);
	ck_assert_str_eq(b->image, a->image);
	ck_assert(b->limits.memory == a->limits.memory);
	ck_assert(b->limits.memory_swap == a->limits.memory_swap);
	ck_assert(b->limits.nano_cpus == a->limits.nano_cpus);
	ck_assert(b->limits.cpu_shares == a->limits.cpu_shares);
	ck_assert(b->limits.pids_limit == a->limits.pids_limit);
	ck_assert_str_eq(b->limits.cpuset_cpus, a->limits.cpuset_cpus);
	ck_assert_int_eq(b->restart.mode, a->restart.mode);
	ck_assert_int_eq(b->restart.max_retries, a->restart.max_retries);
	ck_assert_int_eq(b->restart_given, a->restart_given);
	ck_assert_int_eq(b->detach, false); /* how one start runs, not what the container is */
	for (size_t i = 0; i <= HEALTH_TEST_MAX && (a->health.test[i] || b->health.test[i]); i++)
		ck_assert_str_eq(b->health.test[i], a->health.test[i]);
	ck_assert(memcmp(&b->health.timing, &a->health.timing, sizeof(a->health.timing)) == 0);
}

START_TEST(chapter_03s_part_of_a_spec_comes_back_from_the_record_field_by_field)
{
	struct runtime_spec spec, back;
	struct container_record written = { 0 }, loaded;
	fill_runtime(&spec);
	ck_assert_int_eq(runtime_spec_write(&spec, &written), 0);
	store_and_load(&written, &loaded);
	runtime_spec_read(&loaded, &back);
	assert_same_runtime(&spec, &back);
	struct container rootfs_less = spec.container;
	assert_same_container(&rootfs_less, &back.container); /* and chapter 02's, with it */
	container_record_free(&written);
	container_record_free(&loaded);
}
END_TEST

START_TEST(labels_are_recorded_as_dockers_config_labels_object_and_come_back)
{
	struct runtime_spec spec, back;
	struct container_record written = { 0 }, loaded;
	memset(&spec, 0, sizeof(spec));
	container_init(&spec.container);
	snprintf(spec.container.id, sizeof(spec.container.id), "%s", ID);
	spec.image = "busybox";
	ck_assert_int_eq(runtime_add_label(&spec, "com.docker.compose.project=shop"), 0);
	ck_assert_int_eq(runtime_add_label(&spec, "tier"), 0);
	ck_assert_int_eq(runtime_add_label(&spec, "com.docker.compose.project=other"), 0); /* last wins */
	ck_assert_int_eq(runtime_add_label(&spec, "=x"), -1);
	ck_assert_int_eq(spec.label_count, 2);
	ck_assert_int_eq(runtime_spec_write(&spec, &written), 0);
	struct json *doc = container_record_to_json(&written);
	const struct json *labels = json_get(json_get(doc, "Config"), "Labels");
	ck_assert(json_is(labels, JSON_OBJECT));
	ck_assert_str_eq(json_get_string(labels, "com.docker.compose.project"), "other");
	ck_assert_str_eq(json_get_string(labels, "tier"), "");
	json_free(doc);
	store_and_load(&written, &loaded);
	runtime_spec_read(&loaded, &back);
	ck_assert_int_eq(back.label_count, 2);
	ck_assert_str_eq(back.labels[0], "com.docker.compose.project=other");
	ck_assert_str_eq(back.labels[1], "tier=");
	container_record_free(&written);
	container_record_free(&loaded);
}
END_TEST

START_TEST(stop_signal_and_timeout_are_recorded_as_dockers_config_members_only_when_given)
{
	struct runtime_spec spec, back;
	struct container_record written = { 0 }, loaded;
	memset(&spec, 0, sizeof(spec));
	container_init(&spec.container);
	snprintf(spec.container.id, sizeof(spec.container.id), "%s", ID);
	ck_assert_int_eq(runtime_spec_write(&spec, &written), 0);
	struct json *doc = container_record_to_json(&written);
	ck_assert_ptr_null(json_get(json_get(doc, "Config"), "StopSignal"));
	ck_assert_ptr_null(json_get(json_get(doc, "Config"), "StopTimeout"));
	json_free(doc);
	container_record_free(&written);

	memset(&written, 0, sizeof(written));
	spec.stop_signal = "SIGUSR1";
	spec.stop_timeout = 0; /* zero is a timeout too: SIGKILL at once */
	spec.stop_timeout_given = true;
	ck_assert_int_eq(runtime_spec_write(&spec, &written), 0);
	doc = container_record_to_json(&written);
	ck_assert_str_eq(json_get_string(json_get(doc, "Config"), "StopSignal"), "SIGUSR1");
	ck_assert(json_get(json_get(doc, "Config"), "StopTimeout") != NULL);
	json_free(doc);
	store_and_load(&written, &loaded);
	runtime_spec_read(&loaded, &back);
	ck_assert_str_eq(back.stop_signal, "SIGUSR1");
	ck_assert(back.stop_timeout_given);
	ck_assert_int_eq(back.stop_timeout, 0);
	container_record_free(&written);
	container_record_free(&loaded);
}
END_TEST

START_TEST(a_rootfs_container_records_its_folder_as_the_image_and_has_no_image_when_read)
{
	struct runtime_spec spec, back;
	struct container_record written = { 0 }, loaded;
	memset(&spec, 0, sizeof(spec));
	container_init(&spec.container);
	snprintf(spec.container.id, sizeof(spec.container.id), "%s", ID);
	spec.container.name = "box";
	spec.container.rootfs = "/srv/box";
	ck_assert_int_eq(runtime_spec_write(&spec, &written), 0);
	ck_assert_str_eq(written.image, "/srv/box");
	store_and_load(&written, &loaded);
	runtime_spec_read(&loaded, &back);
	ck_assert_str_eq(back.container.rootfs, "/srv/box");
	ck_assert_ptr_null(back.image);
	ck_assert_int_eq(back.restart.mode, RESTART_NO);
	ck_assert_int_eq(back.restart_given, false);
	container_record_free(&written);
	container_record_free(&loaded);
}
END_TEST

START_TEST(chapter_05s_part_of_a_spec_comes_back_from_the_record_field_by_field)
{
	struct image_spec spec, back;
	struct container_record written = { 0 }, loaded;
	memset(&spec, 0, sizeof(spec));
	fill_runtime(&spec.runtime);
	spec.runtime.write_record = image_spec_write;
	spec.name = spec.runtime.image;
	spec.entrypoint = "/bin/tini";
	ck_assert_int_eq(runtime_spec_write(&spec.runtime, &written), 0);
	store_and_load(&written, &loaded);
	image_spec_read(&loaded, &back);
	ck_assert_str_eq(back.name, spec.name);
	ck_assert_str_eq(back.entrypoint, spec.entrypoint);
	ck_assert(back.runtime.write_record == image_spec_write);
	ck_assert_int_eq(back.configured, true); /* the record has the image's defaults already */
	assert_same_runtime(&spec.runtime, &back.runtime);
	assert_same_container(&spec.runtime.container, &back.runtime.container);
	container_record_free(&written);
	container_record_free(&loaded);

	/* Without --entrypoint: Docker's null, and none read back. */
	spec.entrypoint = NULL;
	struct container_record none = { 0 };
	snprintf(none.id, sizeof(none.id), "%s", ID);
	ck_assert_int_eq(runtime_spec_write(&spec.runtime, &none), 0);
	struct json *doc = container_record_to_json(&none);
	ck_assert(json_is(json_get(json_get(doc, "Config"), "Entrypoint"), JSON_NULL));
	ck_assert_int_eq(container_record_from_json(doc, &loaded), 0);
	image_spec_read(&loaded, &back);
	ck_assert_ptr_null(back.entrypoint);
	json_free(doc);
	container_record_free(&none);
	container_record_free(&loaded);
}
END_TEST

Suite *container_spec_suite(void)
{
	Suite *s = suite_create("03-cgroups container spec in its record");
	TCase *t = tcase_create("round trip");
	tcase_add_test(t, chapter_02s_part_of_a_spec_comes_back_from_the_record_field_by_field);
	tcase_add_test(t, privileged_host_and_none_networks_and_the_default_command_come_back_too);
	tcase_add_test(t, a_port_for_the_kernel_to_choose_is_recorded_as_dockers_empty_host_port);
	tcase_add_test(t, mounts_are_recorded_as_dockers_mounts_binds_and_tmpfs);
	tcase_add_test(t, chapter_03s_part_of_a_spec_comes_back_from_the_record_field_by_field);
	tcase_add_test(t, a_rootfs_container_records_its_folder_as_the_image_and_has_no_image_when_read);
	tcase_add_test(t, labels_are_recorded_as_dockers_config_labels_object_and_come_back);
	tcase_add_test(t, stop_signal_and_timeout_are_recorded_as_dockers_config_members_only_when_given);
	tcase_add_test(t, chapter_05s_part_of_a_spec_comes_back_from_the_record_field_by_field);
	suite_add_tcase(s, t);
	return s;
}
