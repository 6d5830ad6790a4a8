/*
 * test_volumes.c - volumes as a user meets them (06-dockerfile/volume-*.c, on chapter 02's
 * requested mounts): bind mounts both ways and read-only, named and anonymous volumes that
 * outlive their containers, copy-up, tmpfs, the `volume` command, and a mount target that is
 * a symbolic link in the image, which must not take the mount out of the container.
 *
 * Every container runs with --network none: the tests are about mounts, not bridges.
 */
#include <check.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* Run a shell script with $T the tinydock binary, $S the sandbox folder, $R its TINYDOCK_ROOT
 * and $RUN "$T run --rm --network none", "set -e" on. */
static struct run_result sh(int timeout, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static struct run_result sh(int timeout, const char *fmt, ...)
{
	char body[16384], script[17000];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	snprintf(script, sizeof(script), "set -e; T='%s'; S='%s'; R='%s'; RUN=\"$T run --rm --network none\"; cd \"$S\"; %s",
		 tinydock_binary(), sandbox.dir, sandbox.root, body);
	const char *argv[] = { "sh", "-c", script, NULL };
	return run_program(NULL, timeout, argv);
}

#define CHECK_OK(r) ck_assert_msg((r).status == 0, "status %d\nout: %s\nerr: %s", (r).status, (r).out, (r).err)
#define CHECK_HAS(text, part) ck_assert_msg(strstr((text), (part)), "\"%s\" not in:\n%s", (part), (text))

/* An image "vol/img" of busybox with a seeded /seed folder (an image VOLUME) and symbolic
 * links that point out of the rootfs: /to-root -> /, /up -> ../../.., /to-host -> $S/victim
 * (an absolute path that exists on the host). */
static const char MAKE_IMAGE[] =
	"mkdir -p fs victim src; $T rootfs fs >/dev/null; mkdir -p fs/seed/sub; echo seeded > fs/seed/sub/file;"
	"ln -s / fs/to-root; ln -s ../../.. fs/up; ln -s \"$S/victim\" fs/to-host;"
	"tar --numeric-owner -cf fs.tar -C fs .;"
	"$T import --change 'VOLUME [\"/seed\"]' fs.tar vol/img >/dev/null;";

START_TEST(a_bind_mount_shares_a_host_folder_both_ways_and_ro_refuses_writes_with_erofs)
{
	struct run_result r = sh(60, "mkdir -p site; echo from-host > site/index.html;"
				     "$RUN -v $S/site:/var/www busybox sh -c 'cat /var/www/index.html; echo from-container > /var/www/new';"
				     "cat site/new;"
				     "$RUN -v $S/site:/var/www:ro busybox sh -c 'touch /var/www/ro 2>&1 || true; cat /var/www/index.html';"
				     "$RUN --mount type=bind,src=$S/site,dst=/w,readonly busybox sh -c 'touch /w/x 2>&1 || true';"
				     "test ! -e site/ro; test ! -e site/x");
	CHECK_OK(r);
	ck_assert_msg(strncmp(r.out, "from-host\nfrom-container\n", 25) == 0, "%s", r.out);
	CHECK_HAS(r.out, "touch: /var/www/ro: Read-only file system\nfrom-host\n");
	CHECK_HAS(r.out, "touch: /w/x: Read-only file system");
	run_free(&r);
}
END_TEST

START_TEST(v_makes_a_missing_host_folder_and_mount_refuses_it)
{
	struct run_result r = sh(60, "$RUN -v $S/made/here:/data busybox sh -c 'echo hi > /data/f'; cat made/here/f");
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "hi\n");
	run_free(&r);
	r = sh(60, "$RUN --mount type=bind,source=$S/missing,target=/data busybox true");
	ck_assert_int_eq(r.status, 125);
	CHECK_HAS(r.err, "bind source path does not exist: ");
	CHECK_HAS(r.err, "/missing");
	run_free(&r);
	r = sh(60, "test ! -e missing && echo not-made");
	ck_assert_str_eq(r.out, "not-made\n");
	run_free(&r);
}
END_TEST

START_TEST(a_named_volume_is_made_on_first_use_and_its_data_outlives_the_container)
{
	struct run_result r = sh(90, "$T run --name writer --network none -v site:/data busybox sh -c 'echo kept > /data/f';"
				     "$T rm writer >/dev/null;"
				     "$T volume ls;"
				     "$RUN -v site:/other busybox cat /other/f;"
				     "$RUN --mount source=site,target=/m busybox cat /m/f;"
				     "cat $R/volumes/site/_data/f");
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "DRIVER    VOLUME NAME\nlocal     site\nkept\nkept\nkept\n");
	run_free(&r);
}
END_TEST

START_TEST(rm_v_and_run_rm_remove_anonymous_volumes_but_keep_named_ones)
{
	struct run_result r = sh(90, "$T run --name anon --network none -v /cache -v named:/n busybox true;"
				     "$T volume ls -q | wc -l;"
				     "$T rm -v anon >/dev/null;"
				     "$T volume ls -q;"
				     "$RUN -v /scratch busybox true;"
				     "$T volume ls -q");
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "2\nnamed\nnamed\n");
	run_free(&r);
}
END_TEST

START_TEST(an_empty_volume_is_filled_from_the_image_folder_once_and_an_image_volume_is_anonymous)
{
	struct run_result r = sh(120, "%s"
				      "$RUN -v seedvol:/seed vol/img sh -c 'cat /seed/sub/file; echo mine > /seed/sub/file';"
				      "$RUN -v seedvol:/seed vol/img cat /seed/sub/file;"
				      "$RUN -v $S/src:/seed vol/img ls /seed | wc -l;"
				      "$T run --name img-vol --network none vol/img cat /seed/sub/file;"
				      "$T inspect img-vol | grep -c '\"Type\": \"volume\"';"
				      "$T rm -v img-vol >/dev/null; $T volume ls -q",
				 MAKE_IMAGE);
	CHECK_OK(r);
	/* seeded once, then the volume's own data; a bind mount is never filled */
	ck_assert_str_eq(r.out, "seeded\nmine\n0\nseeded\n1\nseedvol\n");
	run_free(&r);
}
END_TEST

START_TEST(tmpfs_has_its_size_and_is_noexec_unless_told_exec)
{
	/* a script, not a copy of busybox: it fits in 1m, and runs under any name */
	struct run_result r = sh(60, "$RUN --tmpfs /t:size=1m busybox sh -c "
				     "'grep \" /t \" /proc/mounts; printf \"#!/bin/sh\\necho ran\\n\" > /t/s; chmod +x /t/s;"
				     " /t/s 2>&1 || echo refused';"
				     "$RUN --mount type=tmpfs,dst=/t,tmpfs-size=2m busybox sh -c 'grep \" /t \" /proc/mounts';"
				     "$RUN --tmpfs /t:exec busybox sh -c 'printf \"#!/bin/sh\\necho ran\\n\" > /t/s; chmod +x /t/s; /t/s'");
	CHECK_OK(r);
	CHECK_HAS(r.out, "tmpfs /t tmpfs rw,nosuid,nodev,noexec,relatime,size=1024k");
	CHECK_HAS(r.out, "Permission denied\nrefused\n");
	CHECK_HAS(r.out, "size=2048k");
	CHECK_HAS(r.out, "ran\n");
	run_free(&r);
	r = sh(20, "$RUN --tmpfs /t:bogus busybox true");
	ck_assert_int_eq(r.status, 125);
	CHECK_HAS(r.err, "invalid tmpfs option \"bogus\"");
	run_free(&r);
}
END_TEST

START_TEST(volume_create_ls_inspect_rm_and_prune_print_what_docker_prints)
{
	struct run_result r = sh(60, "$T volume create data; $T volume create data2 >/dev/null; $T volume create | wc -c;"
				     "$T volume ls; $T volume inspect data; $T volume prune -f; $T volume ls -q | grep -c .;"
				     "$T volume prune -a -f; $T volume ls -q | wc -l; $T volume rm data 2>&1 || echo gone");
	CHECK_OK(r);
	ck_assert_msg(strncmp(r.out, "data\n65\nDRIVER    VOLUME NAME\n", 30) == 0, "%s", r.out);
	CHECK_HAS(r.out, "local     data\nlocal     data2\n");
	CHECK_HAS(r.out, "        \"Driver\": \"local\",\n");
	CHECK_HAS(r.out, "        \"Labels\": {},\n");
	CHECK_HAS(r.out, "/volumes/data/_data\",\n        \"Name\": \"data\",\n        \"Options\": null,\n"
			 "        \"Scope\": \"local\"\n");
	/* `volume create` without a name is not anonymous: prune alone keeps all three, -a takes them */
	CHECK_HAS(r.out, "Total reclaimed space: 0B\n3\n");
	CHECK_HAS(r.out, "Deleted Volumes:\n");
	CHECK_HAS(r.out, "\n0\n");
	CHECK_HAS(r.out, "get data: no such volume\ngone\n");
	run_free(&r);
}
END_TEST

START_TEST(a_volume_used_by_a_stopped_container_cannot_be_removed_and_the_error_names_it)
{
	struct run_result r = sh(60, "$T run --name user --network none -v busy:/d busybox true;"
				     "$T inspect user | grep -m1 '\"Id\"' | cut -d'\"' -f4");
	CHECK_OK(r);
	char id[80];
	snprintf(id, sizeof(id), "[%.64s]\n", r.out);
	run_free(&r);
	r = sh(30, "$T volume rm busy");
	ck_assert_int_eq(r.status, 1);
	CHECK_HAS(r.err, "tinydock: remove busy: volume is in use - [");
	CHECK_HAS(r.err, id); /* the error names the container */
	run_free(&r);
	r = sh(30, "$T volume prune -a -f; $T rm user >/dev/null; $T volume rm busy");
	CHECK_OK(r);
	CHECK_HAS(r.out, "Total reclaimed space: 0B\nbusy\n");
	run_free(&r);
}
END_TEST

START_TEST(a_symlink_in_the_image_cannot_take_a_mount_target_out_of_the_rootfs)
{
	struct run_result r = sh(120, "%s echo secret > src/marker;"
				      /* an absolute link to a host path: followed inside the container's root */
				      "$RUN -v $S/src:/to-host vol/img sh -c 'cat /to-host/marker; readlink /to-host';"
				      "ls victim | wc -l",
				 MAKE_IMAGE);
	CHECK_OK(r);
	char expected[PATH_MAX + 64];
	snprintf(expected, sizeof(expected), "secret\n%s/victim\n0\n", sandbox.dir);
	ck_assert_str_eq(r.out, expected);
	run_free(&r);
	/* links that reach the container's root ("/" and "../../..") are refused, not followed out */
	const char *links[] = { "/to-root", "/up", "/up/" };
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		r = sh(60, "$RUN -v $S/src:%s vol/img true", links[i]);
		ck_assert_msg(r.status == 125, "%s: status %d\n%s", links[i], r.status, r.err);
		CHECK_HAS(r.err, "it is the container's root");
		run_free(&r);
	}
	r = sh(20, "ls victim | wc -l; test ! -e $R/marker; test ! -e $R/containers/marker");
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "0\n");
	run_free(&r);
}
END_TEST

START_TEST(start_of_a_stopped_container_mounts_again_and_inspect_shows_mounts_as_docker)
{
	struct run_result r = sh(90, "mkdir -p host;"
				     "$T run --name again --network none -v log:/data -v $S/host:/h:ro busybox "
				     "sh -c 'echo run >> /data/log; ls /h >/dev/null';"
				     "$T start again >/dev/null; $T wait again; cat $R/volumes/log/_data/log;"
				     "$T inspect again");
	CHECK_OK(r);
	CHECK_HAS(r.out, "0\nrun\nrun\n");
	CHECK_HAS(r.out, "\"Mounts\": [\n            {\n                \"Type\": \"volume\",\n"
			 "                \"Name\": \"log\",\n                \"Source\": \"");
	CHECK_HAS(r.out, "/volumes/log/_data\",\n                \"Destination\": \"/data\",\n"
			 "                \"Driver\": \"local\",\n                \"Mode\": \"z\",\n"
			 "                \"RW\": true,\n                \"Propagation\": \"\"\n");
	CHECK_HAS(r.out, "                \"Type\": \"bind\",\n                \"Source\": \"");
	CHECK_HAS(r.out, "/host\",\n                \"Destination\": \"/h\",\n                \"Mode\": \"ro\",\n"
			 "                \"RW\": false,\n                \"Propagation\": \"rprivate\"\n");
	CHECK_HAS(r.out, "\"Binds\": [\n");
	CHECK_HAS(r.out, "\"log:/data");
	run_free(&r);
	r = sh(30, "$T rm again >/dev/null");
	CHECK_OK(r);
	run_free(&r);
}
END_TEST

START_TEST(bad_volume_flags_fail_before_anything_is_made)
{
	struct run_result r = sh(30, "$RUN -v a:b busybox true");
	ck_assert_int_eq(r.status, 125);
	CHECK_HAS(r.err, "invalid mount path: 'b' mount path must be absolute");
	run_free(&r);
	r = sh(30, "$RUN -v /x:/d -v /y:/d busybox true");
	ck_assert_int_eq(r.status, 125);
	CHECK_HAS(r.err, "Duplicate mount point: /d");
	run_free(&r);
	r = sh(30, "$T volume ls -q | wc -l; test ! -e /x && echo clean");
	ck_assert_str_eq(r.out, "0\nclean\n");
	run_free(&r);
}
END_TEST

Suite *volumes_suite(void)
{
	Suite *s = suite_create("06-dockerfile volumes");
	TCase *t = tcase_create("volumes");
	harness_use_stage(t, 6);
	harness_use_sandbox(t);
	tcase_set_timeout(t, 300);
	tcase_add_test(t, a_bind_mount_shares_a_host_folder_both_ways_and_ro_refuses_writes_with_erofs);
	tcase_add_test(t, v_makes_a_missing_host_folder_and_mount_refuses_it);
	tcase_add_test(t, a_named_volume_is_made_on_first_use_and_its_data_outlives_the_container);
	tcase_add_test(t, rm_v_and_run_rm_remove_anonymous_volumes_but_keep_named_ones);
	tcase_add_test(t, an_empty_volume_is_filled_from_the_image_folder_once_and_an_image_volume_is_anonymous);
	tcase_add_test(t, tmpfs_has_its_size_and_is_noexec_unless_told_exec);
	tcase_add_test(t, volume_create_ls_inspect_rm_and_prune_print_what_docker_prints);
	tcase_add_test(t, a_volume_used_by_a_stopped_container_cannot_be_removed_and_the_error_names_it);
	tcase_add_test(t, a_symlink_in_the_image_cannot_take_a_mount_target_out_of_the_rootfs);
	tcase_add_test(t, start_of_a_stopped_container_mounts_again_and_inspect_shows_mounts_as_docker);
	tcase_add_test(t, bad_volume_flags_fail_before_anything_is_made);
	suite_add_tcase(s, t);
	return s;
}
