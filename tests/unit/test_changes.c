/*
 * test_changes.c - a folder read as a layer (04-layers/changes.c) without overlayfs or root:
 * what layer_create writes for each kind of file, in which order, and the names it refuses.
 * Overlay's whiteouts (0/0 devices, which need CAP_MKNOD) and opaque folders (trusted.*
 * xattrs) are covered by the system tests in tests/system/test_layers.c.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "changes.h"
#include "error.h"
#include "files.h"
#include "tar.h"
#include "unit/tar-fixtures.h"

static char dir[PATH_MAX];

static void setup(void)
{
	fixture_tempdir(dir, sizeof(dir), "changes");
}

static void teardown(void)
{
	remove_tree(dir);
}

static char *in_dir(const char *rel)
{
	static char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return path;
}

static void make_file(const char *rel, const char *text, mode_t mode, time_t mtime)
{
	ck_assert_int_eq(write_file_atomic(in_dir(rel), text, strlen(text), mode), 0);
	ck_assert_int_eq(chmod(in_dir(rel), mode), 0); /* past the umask */
	struct timespec times[2] = { { mtime, 0 }, { mtime, 0 } };
	ck_assert_int_eq(utimensat(AT_FDCWD, in_dir(rel), times, AT_SYMLINK_NOFOLLOW), 0);
}

START_TEST(a_folder_is_archived_in_name_order_with_modes_times_links_and_xattrs)
{
	ck_assert_int_eq(mkdir(in_dir("etc"), 0750), 0);
	make_file("etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0644, 1600000000);
	make_file("etc/b-tool", "#!/bin/sh\n", 04755, 1600000001);
	char first[PATH_MAX];
	snprintf(first, sizeof(first), "%s", in_dir("etc/b-tool"));
	ck_assert_int_eq(link(first, in_dir("etc/c-alias")), 0);
	ck_assert_int_eq(symlink("/etc/passwd", in_dir("etc/a-link")), 0);
	ck_assert_int_eq(mkfifo(in_dir("etc/d-fifo"), 0600), 0);
	/* A user xattr where the temporary folder's filesystem keeps them (ext4 does; tmpfs
	 * before Linux 6.6 does not): either way the entry must say exactly what the file has. */
	bool xattrs = setxattr(in_dir("etc/passwd"), "user.origin", "test", 4, 0) == 0;
	ck_assert_msg(xattrs || errno == ENOTSUP || errno == EOPNOTSUPP, "setxattr: %s", strerror(errno));

	struct membuf out = { 0 };
	struct create_stats stats;
	ck_assert_msg(layer_create(dir, membuf_write, &out, &stats) == 0, "%s", error_message());
	ck_assert_uint_eq(stats.entries, 6);
	ck_assert_uint_eq(stats.whiteouts, 0);

	struct memsrc src = { out.data, out.len, 0, 0 };
	struct tar_reader *r = tar_reader_new(memsrc_read, &src, "layer.tar");
	const struct tar_entry *e;
	char data[64];
	ck_assert_int_eq(tar_reader_next(r, &e), 1);
	ck_assert_str_eq(e->path, "etc/");
	ck_assert_int_eq(e->type, TAR_DIRECTORY);
	ck_assert_int_eq(e->mode, 0750);
	ck_assert_int_eq(tar_reader_next(r, &e), 1);
	ck_assert_str_eq(e->path, "etc/a-link");
	ck_assert_int_eq(e->type, TAR_SYMLINK);
	ck_assert_str_eq(e->linkname, "/etc/passwd");
	ck_assert_int_eq(tar_reader_next(r, &e), 1);
	ck_assert_str_eq(e->path, "etc/b-tool");
	ck_assert_int_eq(e->type, TAR_REGULAR);
	ck_assert_int_eq(e->mode, 04755);
	ck_assert_int_eq(e->mtime.tv_sec, 1600000001);
	ck_assert_uint_eq(e->size, 10);
	ck_assert_int_eq(tar_reader_next(r, &e), 1);
	ck_assert_str_eq(e->path, "etc/c-alias"); /* the second name of b-tool */
	ck_assert_int_eq(e->type, TAR_HARDLINK);
	ck_assert_str_eq(e->linkname, "etc/b-tool");
	ck_assert_int_eq(tar_reader_next(r, &e), 1);
	ck_assert_str_eq(e->path, "etc/d-fifo");
	ck_assert_int_eq(e->type, TAR_FIFO);
	ck_assert_int_eq(e->mode, 0600);
	ck_assert_int_eq(tar_reader_next(r, &e), 1);
	ck_assert_str_eq(e->path, "etc/passwd");
	ck_assert_int_eq(e->mode, 0644);
	ck_assert_int_eq(e->mtime.tv_sec, 1600000000);
	ck_assert_uint_eq(e->uid, getuid());
	ck_assert_int_eq(tar_reader_read(r, data, sizeof(data)), 26);
	ck_assert(memcmp(data, "root:x:0:0::/root:/bin/sh\n", 26) == 0);
	ck_assert_uint_eq(e->xattr_count, (xattrs ? 1 : 0));
	if (xattrs) {
		ck_assert_str_eq(e->xattrs[0].name, "user.origin");
		ck_assert_uint_eq(e->xattrs[0].size, 4);
		ck_assert(memcmp(e->xattrs[0].value, "test", 4) == 0);
	}
	ck_assert_int_eq(tar_reader_next(r, &e), 0);
	tar_reader_free(r);
	free(out.data);
}
END_TEST

START_TEST(a_file_named_like_a_whiteout_is_refused_instead_of_becoming_one)
{
	/* OCI image spec, layer.md: names beginning with ".wh." are whiteout markers, so no image
	 * filesystem has one. Written into a layer, a container's own "etc/.wh.passwd" would
	 * delete the image's /etc/passwd for everyone who pulls it. */
	static const char *const names[] = { ".wh.passwd", ".wh.", ".wh..wh..opq" };
	ck_assert_int_eq(mkdir(in_dir("etc"), 0755), 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char rel[64];
		snprintf(rel, sizeof(rel), "etc/%s", names[i]);
		make_file(rel, "", 0644, 1600000000);
		struct membuf out = { 0 };
		ck_assert_int_eq(layer_create(dir, membuf_write, &out, NULL), -1);
		char expected[PATH_MAX + 128];
		snprintf(expected, sizeof(expected), "cannot take \"%s/%s\" into a layer: the name is reserved for whiteouts", dir, rel);
		ck_assert_msg(strstr(error_message(), expected), "%s", error_message());
		free(out.data);
		struct change *changes;
		size_t count;
		ck_assert_int_eq(layer_changes(dir, NULL, 0, &changes, &count), -1);
		ck_assert_msg(strstr(error_message(), expected), "%s", error_message());
		ck_assert_int_eq(unlink(in_dir(rel)), 0);
	}
}
END_TEST

Suite *changes_suite(void)
{
	Suite *s = suite_create("changes");
	TCase *t = tcase_create("walk");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, a_folder_is_archived_in_name_order_with_modes_times_links_and_xattrs);
	tcase_add_test(t, a_file_named_like_a_whiteout_is_refused_instead_of_becoming_one);
	suite_add_tcase(s, t);
	return s;
}
