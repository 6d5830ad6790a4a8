/*
 * test_volume_flags.c - `run -v`, `--mount` and `--tmpfs` read as Docker reads them, with
 * Docker's messages (06-dockerfile/volume-flags.c). Pure.
 */
#include <check.h>
#include <string.h>

#include "error.h"
#include "volume-flags.h"

static struct volume_request r;

static void refused(int rc, const char *message)
{
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strstr(error_message(), message) != NULL, "\"%s\" does not say \"%s\"", error_message(), message);
	error_clear();
}

START_TEST(a_host_path_source_is_a_bind_mount)
{
	ck_assert_int_eq(parse_volume_flag("/srv/site:/var/www/html", &r), 0);
	ck_assert_int_eq(r.kind, VOLUME_BIND);
	ck_assert_str_eq(r.source, "/srv/site");
	ck_assert_str_eq(r.target, "/var/www/html");
	ck_assert(!r.read_only);
	ck_assert(!r.source_must_exist); /* -v makes a missing host folder */
	ck_assert_int_eq(parse_volume_flag("./site:/data", &r), 0);
	ck_assert_int_eq(r.kind, VOLUME_BIND);
}
END_TEST

START_TEST(ro_and_rw_modes_are_read_and_kept_for_inspect)
{
	ck_assert_int_eq(parse_volume_flag("/srv:/data:ro", &r), 0);
	ck_assert(r.read_only);
	ck_assert_str_eq(r.mode, "ro");
	ck_assert_int_eq(parse_volume_flag("/srv:/data:rw,z", &r), 0);
	ck_assert(!r.read_only);
	ck_assert_int_eq(parse_volume_flag("db:/data:nocopy", &r), 0);
	ck_assert(r.no_copy);
}
END_TEST

START_TEST(a_name_source_is_a_named_volume_and_a_lone_path_an_anonymous_one)
{
	ck_assert_int_eq(parse_volume_flag("site-data_1.0:/data", &r), 0);
	ck_assert_int_eq(r.kind, VOLUME_NAMED);
	ck_assert_str_eq(r.source, "site-data_1.0");
	ck_assert_int_eq(parse_volume_flag("/var/lib/data", &r), 0);
	ck_assert_int_eq(r.kind, VOLUME_ANONYMOUS);
	ck_assert_str_eq(r.target, "/var/lib/data");
	ck_assert_str_eq(r.source, "");
}
END_TEST

START_TEST(bad_v_specifications_get_dockers_messages)
{
	refused(parse_volume_flag("a:/b:ro:x", &r), "invalid volume specification: 'a:/b:ro:x'");
	refused(parse_volume_flag("/srv::ro", &r), "invalid volume specification: '/srv::ro'");
	refused(parse_volume_flag("/srv:data", &r), "invalid mount path: 'data' mount path must be absolute");
	refused(parse_volume_flag("data", &r), "mount path must be absolute");
	refused(parse_volume_flag("/srv:/", &r), "destination can't be '/'");
	refused(parse_volume_flag("/srv:/data:rx", &r), "invalid mode: rx");
	refused(parse_volume_flag("/srv:/data:ro,rw", &r), "invalid mode: ro,rw");
	refused(parse_volume_flag("b@d:/data", &r), "\"b@d\" includes invalid characters for a local volume name");
	refused(parse_volume_flag("_x:/data", &r), "includes invalid characters");
}
END_TEST

START_TEST(mount_reads_every_key_and_its_aliases)
{
	ck_assert_int_eq(parse_mount_flag("type=bind,source=/srv,target=/data,readonly", &r), 0);
	ck_assert_int_eq(r.kind, VOLUME_BIND);
	ck_assert_str_eq(r.source, "/srv");
	ck_assert_str_eq(r.target, "/data");
	ck_assert(r.read_only);
	ck_assert(r.source_must_exist); /* --mount refuses a missing source */
	ck_assert_int_eq(parse_mount_flag("type=bind,src=/srv,dst=/data,ro=false", &r), 0);
	ck_assert(!r.read_only);
	ck_assert_int_eq(parse_mount_flag("type=bind,src=/srv,destination=/data,ro=1", &r), 0);
	ck_assert(r.read_only);
	ck_assert_str_eq(r.target, "/data");
}
END_TEST

START_TEST(mount_type_defaults_to_volume_and_without_source_is_anonymous)
{
	ck_assert_int_eq(parse_mount_flag("source=db,target=/var/lib/db", &r), 0);
	ck_assert_int_eq(r.kind, VOLUME_NAMED);
	ck_assert_str_eq(r.source, "db");
	ck_assert_int_eq(parse_mount_flag("type=volume,target=/cache,volume-nocopy", &r), 0);
	ck_assert_int_eq(r.kind, VOLUME_ANONYMOUS);
	ck_assert(r.no_copy);
}
END_TEST

START_TEST(mount_tmpfs_takes_size_and_mode)
{
	ck_assert_int_eq(parse_mount_flag("type=tmpfs,target=/run,tmpfs-size=64m,tmpfs-mode=1770", &r), 0);
	ck_assert_int_eq(r.kind, VOLUME_TMPFS);
	ck_assert_str_eq(r.options, "size=64m,mode=1770");
}
END_TEST

START_TEST(bad_mount_flags_are_refused_with_their_reason)
{
	refused(parse_mount_flag("type=bind,source=/srv", &r), "target is required");
	refused(parse_mount_flag("type=bind,target=/data", &r), "field Source must not be empty");
	refused(parse_mount_flag("type=tmpfs,source=x,target=/data", &r), "field Source must not be specified");
	refused(parse_mount_flag("type=nfs,target=/data", &r), "mount type \"nfs\" is not supported");
	refused(parse_mount_flag("type=bind,src=/s,dst=/d,colour=red", &r), "unexpected key 'colour' in 'colour=red'");
	refused(parse_mount_flag("type=bind,src=/s,dst=/d,readonly=maybe", &r), "invalid value for readonly: maybe");
	refused(parse_mount_flag("type=bind,src=/s,target", &r), "invalid field 'target' must be a key=value pair");
	refused(parse_mount_flag("type=volume,target=/d,tmpfs-size=1m", &r), "tmpfs options are for type=tmpfs");
	refused(parse_mount_flag("type=bind,src=srv,dst=/d", &r), "'srv' mount path must be absolute");
}
END_TEST

START_TEST(tmpfs_flag_takes_a_path_and_mount_options)
{
	ck_assert_int_eq(parse_tmpfs_flag("/run", &r), 0);
	ck_assert_int_eq(r.kind, VOLUME_TMPFS);
	ck_assert_str_eq(r.target, "/run");
	ck_assert_str_eq(r.options, "");
	ck_assert_int_eq(parse_tmpfs_flag("/run:size=1m,exec,ro", &r), 0);
	ck_assert_str_eq(r.options, "size=1m,exec,ro");
	ck_assert(r.read_only);
	refused(parse_tmpfs_flag("/run:bogus", &r), "invalid tmpfs option \"bogus\"");
	refused(parse_tmpfs_flag("run", &r), "mount path must be absolute");
}
END_TEST

START_TEST(volume_names_follow_dockers_pattern)
{
	ck_assert(volume_name_valid("db"));
	ck_assert(volume_name_valid("my.site-data_2"));
	ck_assert(!volume_name_valid("x"));  /* at least two characters */
	ck_assert(!volume_name_valid("-db"));
	ck_assert(!volume_name_valid("a/b"));
	ck_assert(!volume_name_valid(".."));
}
END_TEST

Suite *volume_flags_suite(void)
{
	Suite *s = suite_create("06-dockerfile volume flags");
	TCase *t = tcase_create("volume flags");
	tcase_add_test(t, a_host_path_source_is_a_bind_mount);
	tcase_add_test(t, ro_and_rw_modes_are_read_and_kept_for_inspect);
	tcase_add_test(t, a_name_source_is_a_named_volume_and_a_lone_path_an_anonymous_one);
	tcase_add_test(t, bad_v_specifications_get_dockers_messages);
	tcase_add_test(t, mount_reads_every_key_and_its_aliases);
	tcase_add_test(t, mount_type_defaults_to_volume_and_without_source_is_anonymous);
	tcase_add_test(t, mount_tmpfs_takes_size_and_mode);
	tcase_add_test(t, bad_mount_flags_are_refused_with_their_reason);
	tcase_add_test(t, tmpfs_flag_takes_a_path_and_mount_options);
	tcase_add_test(t, volume_names_follow_dockers_pattern);
	suite_add_tcase(s, t);
	return s;
}
