/*
 * test_layers.c - chapter 04 on real overlay mounts (root): whiteouts made by the kernel
 * become layer whiteouts, layers stacked three high keep a deleted file deleted, ownership,
 * capabilities and devices survive a round trip, and 100 layers mount.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "changes.h"
#include "error.h"
#include "files.h"
#include "harness.h"
#include "layer.h"
#include "overlay.h"
#include "tar.h"

static char *at(const char *fmt, const char *rel)
{
	static char paths[8][PATH_MAX];
	static int next;
	char *p = paths[next++ % 8];
	snprintf(p, PATH_MAX, fmt, sandbox.dir, rel);
	return p;
}
#define SB(rel) at("%s/%s", rel)

static void put_file(const char *rel, const char *text)
{
	char *path = SB(rel);
	char parent[PATH_MAX];
	snprintf(parent, sizeof(parent), "%s", path);
	*strrchr(parent, '/') = '\0';
	ck_assert_int_eq(make_dirs(parent, 0755), 0);
	ck_assert_int_eq(write_file_atomic(path, text, strlen(text), 0644), 0);
}

static bool exists(const char *rel)
{
	struct stat st;
	return lstat(SB(rel), &st) == 0;
}

static void mkdirs(const char *rel)
{
	ck_assert_int_eq(make_dirs(SB(rel), 0755), 0);
}

/* Create a layer tarball of the folder rel into rel.tar. */
static void create_layer(const char *rel, const char *tar_rel)
{
	int fd = open(SB(tar_rel), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_msg(layer_create(SB(rel), tar_write_fd, (void *)(intptr_t)fd, NULL) == 0, "%s", error_message());
	close(fd);
}

/* The names in a tarball, one per line. */
static char *list_layer(const char *tar_rel)
{
	int fd = open(SB(tar_rel), O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	struct tar_reader *r = tar_reader_new(tar_read_fd, (void *)(intptr_t)fd, tar_rel);
	static char names[65536];
	names[0] = '\0';
	const struct tar_entry *e;
	int rc;
	while ((rc = tar_reader_next(r, &e)) == 1) {
		strncat(names, e->path, sizeof(names) - strlen(names) - 2);
		strcat(names, "\n");
	}
	ck_assert_msg(rc == 0, "%s", error_message());
	tar_reader_free(r);
	close(fd);
	return names;
}

static void apply_layer(const char *tar_rel, const char *dir_rel, enum whiteout_mode mode, bool fresh)
{
	int fd = open(SB(tar_rel), O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	struct tar_reader *r = tar_reader_new(tar_read_fd, (void *)(intptr_t)fd, tar_rel);
	struct apply_options options = { .whiteouts = mode };
	int rc = fresh ? layer_unpack(r, SB(dir_rel), &options, NULL) : layer_apply(r, SB(dir_rel), &options, NULL);
	ck_assert_msg(rc == 0, "%s", error_message());
	tar_reader_free(r);
	close(fd);
}

static void mount_overlay(const char *const *lower_rels, size_t n, const char *upper_rel, const char *target_rel)
{
	static char lowers[8][PATH_MAX];
	const char *list[8];
	for (size_t i = 0; i < n; i++) {
		snprintf(lowers[i], PATH_MAX, "%s/%s", sandbox.dir, lower_rels[i]);
		list[i] = lowers[i];
	}
	char upper[PATH_MAX], work[PATH_MAX], target[PATH_MAX];
	snprintf(target, sizeof(target), "%s/%s", sandbox.dir, target_rel);
	ck_assert_int_eq(make_dirs(target, 0755), 0);
	struct overlay o = { list, n, NULL, NULL, target, false };
	if (upper_rel) {
		snprintf(upper, sizeof(upper), "%s/%s", sandbox.dir, upper_rel);
		snprintf(work, sizeof(work), "%s/%s.work", sandbox.dir, upper_rel);
		ck_assert_int_eq(make_dirs(upper, 0755), 0);
		ck_assert_int_eq(make_dirs(work, 0755), 0);
		o.upper = upper;
		o.work = work;
	}
	enum overlay_method used;
	ck_assert_msg(overlay_mount(&o, OVERLAY_AUTO, &used) == 0, "%s", error_message());
}

static int refuse_overlay_xattrs(void *ctx, const struct tar_entry *e, int fd)
{
	(void)ctx, (void)fd;
	for (size_t i = 0; i < e->xattr_count; i++)
		ck_assert_msg(strncmp(e->xattrs[i].name, "trusted.overlay.", 16) != 0, "%s: %s", e->path, e->xattrs[i].name);
	return 0;
}

START_TEST(a_deleted_lower_file_becomes_a_whiteout_in_the_upper_and_wh_in_the_layer)
{
	put_file("lower/etc/passwd", "root:x:0:0::/root:/bin/sh\n");
	put_file("lower/etc/hosts", "127.0.0.1 localhost\n");
	put_file("lower/var/cache/old", "stale\n");
	const char *lowers[] = { "lower" };
	mount_overlay(lowers, 1, "upper", "merged");
	ck_assert_int_eq(unlink(SB("merged/etc/hosts")), 0);
	ck_assert_int_eq(remove_tree(SB("merged/var/cache")), 0);
	mkdirs("merged/var/cache");
	put_file("merged/var/cache/new", "fresh\n");
	put_file("merged/etc/passwd", "changed\n");
	ck_assert_int_eq(overlay_unmount(SB("merged")), 0);

	/* The kernel's own records of the changes: */
	struct stat st;
	ck_assert_int_eq(lstat(SB("upper/etc/hosts"), &st), 0);
	ck_assert(S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0));
	char opaque[2];
	ck_assert_int_eq(lgetxattr(SB("upper/var/cache"), "trusted.overlay.opaque", opaque, 2), 1);

	/* overlay's bookkeeping stays on this host: the walk itself leaves it out (the writer
	 * would strip it too, but every other visitor of the walk must not see it either). */
	ck_assert_int_eq(layer_walk(SB("upper"), refuse_overlay_xattrs, NULL), 0);

	create_layer("upper", "layer.tar");
	const char *names = list_layer("layer.tar");
	ck_assert_msg(strstr(names, "etc/.wh.hosts\n") != NULL, "%s", names);
	ck_assert_msg(strstr(names, "var/cache/.wh..wh..opq\n") != NULL, "%s", names);
	ck_assert_msg(strstr(names, "etc/passwd\n") != NULL, "%s", names);
	ck_assert_msg(strstr(names, "etc/hosts\n") == NULL, "%s", names);

	const char *const lower_paths[] = { SB("lower") };
	struct change *changes;
	size_t count;
	ck_assert_int_eq(layer_changes(SB("upper"), lower_paths, 1, &changes, &count), 0);
	char text[1024] = "";
	for (size_t i = 0; i < count; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "%c %s\n", changes[i].kind, changes[i].path);
	changes_free(changes, count);
	ck_assert_str_eq(text, "C /etc\nD /etc/hosts\nC /etc/passwd\nC /var\nC /var/cache\nA /var/cache/new\nD /var/cache/old\n");
}
END_TEST

START_TEST(docker_diff_calls_a_file_deleted_in_a_lower_layer_and_made_again_added)
{
	/* Layer 1 has /a and /b, layer 2 deleted /a (overlay's 0/0 device in its folder), and the
	 * container made /a again: to the image it is new (A), while /b is changed (C). */
	put_file("l1/a", "one\n");
	put_file("l1/b", "bee\n");
	mkdirs("l2");
	ck_assert_int_eq(mknod(SB("l2/a"), S_IFCHR | 0600, makedev(0, 0)), 0);
	put_file("upper/a", "again\n");
	put_file("upper/b", "changed\n");
	const char *const lower_paths[] = { SB("l1"), SB("l2") };
	struct change *changes;
	size_t count;
	ck_assert_int_eq(layer_changes(SB("upper"), lower_paths, 2, &changes, &count), 0);
	ck_assert_uint_eq(count, 2);
	ck_assert_int_eq(changes[0].kind, 'A');
	ck_assert_str_eq(changes[0].path, "/a");
	ck_assert_int_eq(changes[1].kind, 'C');
	ck_assert_str_eq(changes[1].path, "/b");
	changes_free(changes, count);
}
END_TEST

/* Three layers written by hand: 1 makes a, b and dir/x; 2 changes a and adds c; 3 deletes b
 * and replaces dir (opaque) with dir/y. */
static void write_three_layers(void)
{
	static const struct {
		const char *tar, *path, *data;
	} entries[] = {
		{ "l1.tar", "a", "one" },      { "l1.tar", "b", "bee" },       { "l1.tar", "dir/", NULL },
		{ "l1.tar", "dir/x", "x" },    { "l2.tar", "a", "two" },       { "l2.tar", "c", "sea" },
		{ "l3.tar", ".wh.b", "" },     { "l3.tar", "dir/", NULL },     { "l3.tar", "dir/.wh..wh..opq", "" },
		{ "l3.tar", "dir/y", "y" },
	};
	const char *tars[] = { "l1.tar", "l2.tar", "l3.tar" };
	for (int t = 0; t < 3; t++) {
		int fd = open(SB(tars[t]), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		struct tar_writer *w = tar_writer_new(tar_write_fd, (void *)(intptr_t)fd);
		for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
			if (strcmp(entries[i].tar, tars[t]) != 0)
				continue;
			size_t size = entries[i].data ? strlen(entries[i].data) : 0;
			struct tar_entry e = { .path = (char *)entries[i].path, .type = entries[i].data ? TAR_REGULAR : TAR_DIRECTORY,
					       .mode = entries[i].data ? 0644 : 0755, .size = size };
			ck_assert_int_eq(tar_writer_header(w, &e), 0);
			if (size)
				ck_assert_int_eq(tar_writer_data(w, entries[i].data, size), 0);
		}
		ck_assert_int_eq(tar_writer_finish(w), 0);
		tar_writer_free(w);
		close(fd);
	}
}

static void check_three_layer_view(const char *root)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/a", root);
	size_t size;
	char *a = read_file(path, &size);
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a, "two");
	free(a);
	static const char *const present[] = { "c", "dir/y" }, *const absent[] = { "b", "dir/x", ".wh.b", "dir/.wh..wh..opq" };
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", root, present[i]);
		ck_assert_msg(access(path, F_OK) == 0, "%s is missing", path);
	}
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", root, absent[i]);
		ck_assert_msg(access(path, F_OK) != 0, "%s reappeared", path);
	}
}

START_TEST(a_file_deleted_in_layer_three_stays_deleted_applied_in_one_folder)
{
	write_three_layers();
	mkdirs("flat");
	apply_layer("l1.tar", "flat", WHITEOUT_DELETE, false);
	apply_layer("l2.tar", "flat", WHITEOUT_DELETE, false);
	apply_layer("l3.tar", "flat", WHITEOUT_DELETE, false);
	check_three_layer_view(SB("flat"));
}
END_TEST

START_TEST(a_file_deleted_in_layer_three_stays_deleted_in_an_overlay_of_three_layer_folders)
{
	write_three_layers();
	apply_layer("l1.tar", "layer1", WHITEOUT_OVERLAY, true);
	apply_layer("l2.tar", "layer2", WHITEOUT_OVERLAY, true);
	apply_layer("l3.tar", "layer3", WHITEOUT_OVERLAY, true);
	struct stat st;
	ck_assert_int_eq(lstat(SB("layer3/b"), &st), 0); /* overlay's whiteout, made from ".wh.b" */
	ck_assert(S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0));
	const char *lowers[] = { "layer1", "layer2", "layer3" };
	mount_overlay(lowers, 3, "upper", "merged");
	check_three_layer_view(SB("merged"));
	ck_assert_int_eq(overlay_unmount(SB("merged")), 0);
	/* And without overlayfs: copying the three folders gives the same view. */
	mkdirs("copied");
	const char *const folders[] = { SB("layer1"), SB("layer2"), SB("layer3") };
	ck_assert_msg(overlay_copy_layers(folders, 3, SB("copied")) == 0, "%s", error_message());
	check_three_layer_view(SB("copied"));
}
END_TEST

START_TEST(owners_modes_capabilities_devices_and_hard_links_survive_create_and_apply)
{
	put_file("src/bin/ping", "ELF...");
	ck_assert_int_eq(chown(SB("src/bin/ping"), 1234, 5678), 0);
	ck_assert_int_eq(chmod(SB("src/bin/ping"), 04755), 0);
	/* VFS_CAP_REVISION_2, CAP_NET_RAW (13) permitted+effective: what `setcap cap_net_raw+ep` writes */
	const unsigned char cap[20] = { 0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00 };
	ck_assert_int_eq(setxattr(SB("src/bin/ping"), "security.capability", cap, sizeof(cap), 0), 0);
	ck_assert_int_eq(link(SB("src/bin/ping"), SB("src/bin/ping6")), 0);
	mkdirs("src/dev");
	ck_assert_int_eq(mknod(SB("src/dev/null"), S_IFCHR | 0666, makedev(1, 3)), 0);
	ck_assert_int_eq(mkfifo(SB("src/dev/fifo"), 0600), 0);
	ck_assert_int_eq(symlink("bin/ping", SB("src/link")), 0);
	create_layer("src", "meta.tar");
	apply_layer("meta.tar", "dst", WHITEOUT_DELETE, true);

	struct stat st, st6;
	ck_assert_int_eq(stat(SB("dst/bin/ping"), &st), 0);
	ck_assert_int_eq(st.st_uid, 1234);
	ck_assert_int_eq(st.st_gid, 5678);
	ck_assert_int_eq(st.st_mode & 07777, 04755);
	unsigned char got[32];
	ck_assert_int_eq(getxattr(SB("dst/bin/ping"), "security.capability", got, sizeof(got)), (ssize_t)sizeof(cap));
	ck_assert(memcmp(got, cap, sizeof(cap)) == 0);
	ck_assert_int_eq(stat(SB("dst/bin/ping6"), &st6), 0);
	ck_assert_uint_eq(st.st_ino, st6.st_ino);
	ck_assert_int_eq(lstat(SB("dst/dev/null"), &st), 0);
	ck_assert(S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3));
	ck_assert_int_eq(lstat(SB("dst/dev/fifo"), &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	char target[64];
	ssize_t n = readlink(SB("dst/link"), target, sizeof(target));
	ck_assert(n == 8 && memcmp(target, "bin/ping", 8) == 0);
	/* The same folder gives the same bytes. */
	create_layer("src", "meta2.tar");
	size_t s1, s2;
	char *b1 = read_file(SB("meta.tar"), &s1), *b2 = read_file(SB("meta2.tar"), &s2);
	ck_assert(s1 == s2 && memcmp(b1, b2, s1) == 0);
	free(b1);
	free(b2);
}
END_TEST

START_TEST(the_busybox_rootfs_round_trips_through_a_layer_and_still_runs)
{
	int fd = open(SB("rootfs.tar"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_eq(layer_create(sandbox.rootfs, tar_write_fd, (void *)(intptr_t)fd, NULL), 0);
	close(fd);
	if (have_program("tar")) {
		const char *argv[] = { "tar", "-tvf", SB("rootfs.tar"), NULL };
		struct run_result r = run_program(NULL, 30, argv);
		ck_assert_int_eq(r.status, 0);
		ck_assert_msg(strstr(r.out, "bin/sh link to bin/") != NULL || strstr(r.out, "bin/busybox link to") != NULL,
			      "busybox applets should be hard links: %.400s", r.out);
		run_free(&r);
	}
	struct run_result r = run_tinydock(NULL, 30, "layer", "apply", SB("rootfs.tar"), SB("copy"), NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	r = run_tinydock(NULL, 30, "chroot", SB("copy"), "/bin/sh", "-c", "echo alive", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "alive\n");
	run_free(&r);
}
END_TEST

START_TEST(layer_diff_and_create_work_from_the_command_line)
{
	put_file("lower/etc/motd", "hi\n");
	const char *lowers[] = { "lower" };
	mount_overlay(lowers, 1, "upper", "merged");
	ck_assert_int_eq(unlink(SB("merged/etc/motd")), 0);
	put_file("merged/new", "n\n");
	ck_assert_int_eq(overlay_unmount(SB("merged")), 0);
	struct run_result r = run_tinydock(NULL, 10, "layer", "diff", SB("upper"), SB("lower"), NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "C /etc\nD /etc/motd\nA /new\n");
	run_free(&r);
	r = run_tinydock(NULL, 10, "layer", "create", SB("upper"), "-o", SB("c.tar"), NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	ck_assert_ptr_nonnull(strstr(list_layer("c.tar"), "etc/.wh.motd\n"));
	r = run_tinydock(NULL, 10, "layer", "apply", SB("nonexistent.tar"), SB("x"), NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_ptr_nonnull(strstr(r.err, "nonexistent.tar"));
	run_free(&r);
}
END_TEST

/* 100 layer folders under long absolute names (layers/<64 hex>/diff), each with a file f<i>,
 * the first and last with a file "shadowed", and the overlay of them onto c/merged. */
static struct overlay hundred_layers(void)
{
	static char paths[100][PATH_MAX], upper[PATH_MAX], work[PATH_MAX], merged[PATH_MAX];
	static const char *lowers[100];
	for (int i = 0; i < 100; i++) {
		char rel[128], file[160];
		snprintf(rel, sizeof(rel), "layers/%064x/diff", i);
		snprintf(file, sizeof(file), "%s/f%d", rel, i);
		put_file(file, "x");
		snprintf(paths[i], PATH_MAX, "%s/%s", sandbox.dir, rel);
		lowers[i] = paths[i];
	}
	put_file("layers/0000000000000000000000000000000000000000000000000000000000000063/diff/shadowed", "top");
	put_file("layers/0000000000000000000000000000000000000000000000000000000000000000/diff/shadowed", "bottom");
	mkdirs("c/upper");
	mkdirs("c/work");
	mkdirs("c/merged");
	/* SB()'s buffers are reused */
	snprintf(upper, sizeof(upper), "%s", SB("c/upper"));
	snprintf(work, sizeof(work), "%s", SB("c/work"));
	snprintf(merged, sizeof(merged), "%s", SB("c/merged"));
	return (struct overlay){ lowers, 100, upper, work, merged, false };
}

/* Whether the running kernel is release major.minor or later (uname(2)). */
static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int have_major = 0, have_minor = 0;
	ck_assert_int_eq(uname(&u), 0);
	ck_assert_int_eq(sscanf(u.release, "%d.%d", &have_major, &have_minor), 2);
	return have_major > major || (have_major == major && have_minor >= minor);
}

START_TEST(a_hundred_layers_mount_through_fsconfig_lowerdir_plus_from_linux_6_8)
{
	/* "lowerdir+" came in Linux 6.8 (filesystems/overlayfs.rst): on an older kernel the
	 * EINVAL is expected, on a newer one any failure is tinydock's. */
	if (!kernel_at_least(6, 8))
		SKIP_TEST("this kernel's overlayfs has no \"lowerdir+\" (Linux < 6.8)");
	struct overlay o = hundred_layers();
	enum overlay_method used;
	ck_assert_msg(overlay_mount(&o, OVERLAY_FSCONFIG, &used) == 0, "%s", error_message());
	ck_assert(exists("c/merged/f0") && exists("c/merged/f99"));
	size_t size;
	char *text = read_file(SB("c/merged/shadowed"), &size);
	ck_assert_str_eq(text, "top"); /* the last layer given is the top one */
	free(text);
	ck_assert_int_eq(overlay_unmount(SB("c/merged")), 0);
}
END_TEST

START_TEST(a_hundred_long_layer_paths_exceed_a_page_of_mount_data_but_short_relative_ones_fit)
{
	struct overlay o = hundred_layers();
	enum overlay_method used;
	ck_assert_int_eq(overlay_mount(&o, OVERLAY_DATA, &used), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "exceed a page"));
	/* Relative paths save the common folder only: 100 names of 76 bytes still exceed a page
	 * (which is why Docker's overlay2 also keeps short symlinks, "l/<26 chars>"). */
	ck_assert_int_eq(overlay_mount(&o, OVERLAY_RELATIVE, &used), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "do not fit in a page"));
	/* With short names below a long common folder, they fit. */
	static char paths[100][PATH_MAX];
	static const char *lowers[100];
	for (int i = 0; i < 100; i++) {
		char rel[64];
		snprintf(rel, sizeof(rel), "a-rather-long-folder-name-for-the-store/s/%d/f%d", i, i);
		put_file(rel, "x");
		snprintf(paths[i], PATH_MAX, "%s/a-rather-long-folder-name-for-the-store/s/%d", sandbox.dir, i);
		lowers[i] = paths[i];
	}
	o.lowers = lowers;
	o.upper = o.work = NULL; /* read-only this time */
	ck_assert_msg(overlay_mount(&o, OVERLAY_RELATIVE, &used) == 0, "%s", error_message());
	ck_assert(exists("c/merged/f0") && exists("c/merged/f99"));
	ck_assert_int_eq(overlay_unmount(SB("c/merged")), 0);
}
END_TEST

START_TEST(a_layer_made_from_an_upper_and_applied_to_its_lower_gives_the_merged_view)
{
	if (!have_program("diff")) {
		harness_skip("diff is not installed");
		return;
	}
	/* The lower: the busybox root filesystem (hard links included); the merged view after
	 * a container's worth of changes; then the lower copied, with the layer applied. */
	const char *copy_argv[] = { "cp", "-a", sandbox.rootfs, SB("lower"), NULL };
	struct run_result r = run_program(NULL, 30, copy_argv);
	ck_assert_int_eq(r.status, 0);
	run_free(&r);
	const char *lowers[] = { "lower" };
	mount_overlay(lowers, 1, "upper", "merged");
	ck_assert_int_eq(unlink(SB("merged/bin/ls")), 0);           /* a deleted hard link */
	ck_assert_int_eq(remove_tree(SB("merged/etc")), 0);          /* a replaced folder */
	put_file("merged/etc/hostname", "box\n");
	put_file("merged/etc/deep/er/file", "deep\n");
	put_file("merged/bin/new-tool", "#!/bin/sh\n");
	ck_assert_int_eq(link(SB("merged/bin/new-tool"), SB("merged/bin/new-alias")), 0);
	ck_assert_int_eq(chmod(SB("merged/tmp"), 0700), 0);         /* metadata-only copy-up */
	ck_assert_int_eq(symlink("/etc/hostname", SB("merged/hostname-link")), 0);
	create_layer("upper", "container.tar");
	/* Compare with the merged view while it is still mounted. */
	apply_layer("container.tar", "lower", WHITEOUT_DELETE, false);
	const char *diff_argv[] = { "diff", "-r", "--no-dereference", SB("merged"), SB("lower"), NULL };
	r = run_program(NULL, 60, diff_argv);
	ck_assert_msg(r.status == 0, "merged view and lower+layer differ:\n%.2000s", r.out);
	run_free(&r);
	struct stat a, b;
	ck_assert_int_eq(lstat(SB("lower/tmp"), &a), 0);
	ck_assert_int_eq(a.st_mode & 07777, 0700);
	ck_assert_int_eq(stat(SB("lower/bin/new-tool"), &a), 0);
	ck_assert_int_eq(stat(SB("lower/bin/new-alias"), &b), 0);
	ck_assert_uint_eq(a.st_ino, b.st_ino);
	ck_assert_int_eq(overlay_unmount(SB("merged")), 0);
}
END_TEST

Suite *layers_suite(void)
{
	Suite *s = suite_create("layers");
	TCase *t = tcase_create("overlay");
	harness_use_stage(t, 4);
	harness_use_sandbox(t);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, a_deleted_lower_file_becomes_a_whiteout_in_the_upper_and_wh_in_the_layer);
	tcase_add_test(t, docker_diff_calls_a_file_deleted_in_a_lower_layer_and_made_again_added);
	tcase_add_test(t, a_file_deleted_in_layer_three_stays_deleted_applied_in_one_folder);
	tcase_add_test(t, a_file_deleted_in_layer_three_stays_deleted_in_an_overlay_of_three_layer_folders);
	tcase_add_test(t, owners_modes_capabilities_devices_and_hard_links_survive_create_and_apply);
	tcase_add_test(t, the_busybox_rootfs_round_trips_through_a_layer_and_still_runs);
	tcase_add_test(t, layer_diff_and_create_work_from_the_command_line);
	tcase_add_test(t, a_hundred_layers_mount_through_fsconfig_lowerdir_plus_from_linux_6_8);
	tcase_add_test(t, a_hundred_long_layer_paths_exceed_a_page_of_mount_data_but_short_relative_ones_fit);
	tcase_add_test(t, a_layer_made_from_an_upper_and_applied_to_its_lower_gives_the_merged_view);
	suite_add_tcase(s, t);
	return s;
}
