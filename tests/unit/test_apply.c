/*
 * test_apply.c - unpacking layers (04-layers/apply.c): the path rules, every path-traversal
 * trick we know (each with a crafted archive), whiteouts in delete mode, and broken archives
 * that must leave nothing behind. Each traversal test runs twice: with openat2's
 * RESOLVE_IN_ROOT and with our own O_NOFOLLOW walk.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "error.h"
#include "files.h"
#include "inroot.h"
#include "layer.h"
#include "tar.h"
#include "unit/tar-fixtures.h"

/* --- pure rules --------------------------------------------------------------- */

START_TEST(archive_paths_are_cleaned_and_climbing_out_is_refused)
{
	char out[PATH_MAX];
	static const struct {
		const char *in, *out;
	} ok[] = {
		{ "etc/passwd", "etc/passwd" }, { "./etc/passwd", "etc/passwd" }, { "/etc/passwd", "etc/passwd" },
		{ "etc//x/./y/", "etc/x/y" },   { "a/b/../c", "a/c" },            { "./", "" },
		{ "a/..", "" },                 { "...", "..." },                 { "a/.wh..wh..opq", "a/.wh..wh..opq" },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ck_assert_int_eq(inroot_clean_path(ok[i].in, out, sizeof(out)), 0);
		ck_assert_str_eq(out, ok[i].out);
	}
	ck_assert_int_eq(inroot_clean_path("../etc/passwd", out, sizeof(out)), -1);
	ck_assert_int_eq(inroot_clean_path("a/../../b", out, sizeof(out)), -1);
	ck_assert_int_eq(inroot_clean_path("/..", out, sizeof(out)), -1);
}
END_TEST

START_TEST(whiteout_names_are_recognised)
{
	const char *hidden = NULL;
	ck_assert_int_eq(layer_whiteout(".wh.passwd", &hidden), WHITEOUT_OF_NAME);
	ck_assert_str_eq(hidden, "passwd");
	ck_assert_int_eq(layer_whiteout(".wh..wh..opq", &hidden), WHITEOUT_OF_ALL);
	ck_assert_int_eq(layer_whiteout(".wh..hidden", &hidden), WHITEOUT_OF_NAME);
	ck_assert_str_eq(hidden, ".hidden");
	ck_assert_int_eq(layer_whiteout("passwd", &hidden), NOT_A_WHITEOUT);
	ck_assert_int_eq(layer_whiteout(".whatever", &hidden), NOT_A_WHITEOUT);
	/* ".wh." followed by no basename names no file, and is not the opaque marker */
	ck_assert_int_eq(layer_whiteout(".wh.", &hidden), WHITEOUT_INVALID);
	ck_assert_int_eq(layer_whiteout(".wh..", &hidden), WHITEOUT_INVALID);
	ck_assert_int_eq(layer_whiteout(".wh...", &hidden), WHITEOUT_INVALID);
}
END_TEST

/* --- a sandbox: DIR/root is the target, DIR/outside must never change ---------- */

static char dir[PATH_MAX], root[PATH_MAX], outside[PATH_MAX];

static void setup(void)
{
	fixture_tempdir(dir, sizeof(dir), "apply");
	snprintf(root, sizeof(root), "%s/root", dir);
	snprintf(outside, sizeof(outside), "%s/outside", dir);
	ck_assert_int_eq(mkdir(root, 0755), 0);
	ck_assert_int_eq(mkdir(outside, 0755), 0);
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/secret", outside);
	ck_assert_int_eq(write_file_atomic(path, "host secret\n", 12, 0644), 0);
}

static void teardown(void)
{
	remove_tree(dir);
}

/* Does this kernel (or valgrind, which does not know the call) offer openat2(2)? */
static bool openat2_works(void)
{
	struct open_how how = { .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
	long fd = syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof(how));
	if (fd < 0)
		return false;
	close((int)fd);
	return true;
}

/* Apply the archive in m to root; _i (the loop index) picks openat2 (0) or the walk (1). */
static int apply(struct membuf *m, int walk)
{
	struct memsrc src = { m->data, m->len, 0, 0 };
	struct tar_reader *r = tar_reader_new(memsrc_read, &src, "crafted.tar");
	struct apply_options options = { .whiteouts = WHITEOUT_DELETE, .no_openat2 = walk };
	struct apply_stats stats;
	int rc = layer_apply(r, root, &options, &stats);
	if (rc == 0) /* without openat2 the apply falls back to the walk by itself */
		ck_assert_int_eq(stats.used_openat2, !walk && openat2_works());
	tar_reader_free(r);
	free(m->data);
	return rc;
}

static void assert_outside_untouched(void)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/secret", outside);
	size_t size;
	char *text = read_file(path, &size);
	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text, "host secret\n");
	free(text);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_nlink, 1); /* nobody made a hard link to it */
	snprintf(path, sizeof(path), "%s/evil", outside);
	ck_assert_int_eq(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/evil", dir);
	ck_assert_int_eq(access(path, F_OK), -1);
}

static char *root_file(const char *rel)
{
	static char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return path;
}

START_TEST(a_dotdot_path_is_refused_zip_slip)
{
	struct membuf m;
	struct tar_writer *w = fixture_begin(&m);
	fixture_add(w, TAR_REGULAR, "../evil", NULL, "pwned");
	fixture_end(w);
	ck_assert_int_eq(apply(&m, _i), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "entry \"../evil\" at byte 0: path climbs out"));
	assert_outside_untouched();
}
END_TEST

START_TEST(an_absolute_path_lands_inside_the_root)
{
	struct membuf m;
	struct tar_writer *w = fixture_begin(&m);
	char abs[PATH_MAX + 16];
	snprintf(abs, sizeof(abs), "%s/evil", outside);
	fixture_add(w, TAR_REGULAR, abs, NULL, "pwned");
	fixture_end(w);
	ck_assert_int_eq(apply(&m, _i), 0);
	assert_outside_untouched();
	ck_assert_int_eq(access(root_file(abs + 1), F_OK), 0);
}
END_TEST

START_TEST(a_planted_absolute_symlink_is_followed_inside_the_root_only)
{
	/* CVE-2018-15664 shape: "escape -> /real/outside", then "escape/evil". */
	struct membuf m;
	struct tar_writer *w = fixture_begin(&m);
	fixture_add(w, TAR_SYMLINK, "escape", outside, NULL);
	fixture_add(w, TAR_REGULAR, "escape/evil", NULL, "pwned");
	fixture_add(w, TAR_REGULAR, "escape/secret", NULL, "overwritten");
	fixture_end(w);
	ck_assert_int_eq(apply(&m, _i), 0);
	assert_outside_untouched();
	char inside[PATH_MAX];
	snprintf(inside, sizeof(inside), "%s/evil", outside + 1);
	ck_assert_int_eq(access(root_file(inside), F_OK), 0); /* ROOT/<outside path>/evil */
}
END_TEST

START_TEST(a_planted_relative_symlink_cannot_climb_out)
{
	struct membuf m;
	struct tar_writer *w = fixture_begin(&m);
	fixture_add(w, TAR_DIRECTORY, "a/", NULL, NULL);
	fixture_add(w, TAR_SYMLINK, "a/up", "../../../../../../../../..", NULL);
	fixture_add(w, TAR_REGULAR, "a/up/evil", NULL, "pwned");
	char through[PATH_MAX + 16];
	snprintf(through, sizeof(through), "a/up%s/evil", outside);
	fixture_add(w, TAR_REGULAR, through, NULL, "pwned");
	fixture_end(w);
	ck_assert_int_eq(apply(&m, _i), 0);
	assert_outside_untouched();
	ck_assert_int_eq(access(root_file("evil"), F_OK), 0); /* ".." stopped at the root */
}
END_TEST

START_TEST(a_chain_of_symlinks_stays_inside)
{
	struct membuf m;
	struct tar_writer *w = fixture_begin(&m);
	fixture_add(w, TAR_SYMLINK, "one", "two", NULL);
	fixture_add(w, TAR_SYMLINK, "two", "/three/..", NULL);
	fixture_add(w, TAR_DIRECTORY, "three/", NULL, NULL);
	fixture_add(w, TAR_SYMLINK, "three/four", dir, NULL);
	fixture_add(w, TAR_REGULAR, "one/three/four/outside/evil", NULL, "pwned");
	fixture_end(w);
	ck_assert_int_eq(apply(&m, _i), 0);
	assert_outside_untouched();
}
END_TEST

START_TEST(a_symlink_loop_is_an_error_not_a_hang)
{
	struct membuf m;
	struct tar_writer *w = fixture_begin(&m);
	fixture_add(w, TAR_SYMLINK, "loop", "loop", NULL);
	fixture_add(w, TAR_REGULAR, "loop/evil", NULL, "x");
	fixture_end(w);
	ck_assert_int_eq(apply(&m, _i), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "loop/evil"));
}
END_TEST

START_TEST(a_file_replaces_a_planted_symlink_instead_of_writing_through_it)
{
	struct membuf m;
	struct tar_writer *w = fixture_begin(&m);
	char target[PATH_MAX + 16];
	snprintf(target, sizeof(target), "%s/secret", outside);
	fixture_add(w, TAR_SYMLINK, "passwd", target, NULL);
	fixture_add(w, TAR_REGULAR, "passwd", NULL, "mine");
	fixture_add(w, TAR_SYMLINK, "dir", outside, NULL);
	fixture_add(w, TAR_DIRECTORY, "dir/", NULL, NULL); /* replaces the link, does not chmod outside */
	fixture_end(w);
	ck_assert_int_eq(apply(&m, _i), 0);
	assert_outside_untouched();
	struct stat st;
	ck_assert_int_eq(lstat(root_file("passwd"), &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(lstat(root_file("dir"), &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
}
END_TEST

START_TEST(a_hard_link_cannot_reach_a_file_outside)
{
	struct membuf m;
	struct tar_writer *w = fixture_begin(&m);
	char target[PATH_MAX + 16];
	snprintf(target, sizeof(target), "%s/secret", outside);
	fixture_add(w, TAR_HARDLINK, "h1", target, NULL); /* absolute: means ROOT/<target>, missing */
	fixture_end(w);
	ck_assert_int_eq(apply(&m, _i), -1);
	assert_outside_untouched();

	w = fixture_begin(&m);
	fixture_add(w, TAR_HARDLINK, "h2", "../outside/secret", NULL);
	fixture_end(w);
	ck_assert_int_eq(apply(&m, _i), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "outside the layer"));
	assert_outside_untouched();

	w = fixture_begin(&m);
	fixture_add(w, TAR_SYMLINK, "link", outside, NULL);
	fixture_add(w, TAR_HARDLINK, "h3", "link/secret", NULL); /* through a planted symlink */
	fixture_end(w);
	ck_assert_int_eq(apply(&m, _i), -1);
	assert_outside_untouched();

	w = fixture_begin(&m);
	snprintf(target, sizeof(target), "%s/secret", outside);
	fixture_add(w, TAR_SYMLINK, "sym", target, NULL);
	fixture_add(w, TAR_HARDLINK, "h4", "sym", NULL); /* links the symlink itself, not its target */
	fixture_add(w, TAR_REGULAR, "h4", NULL, "overwrite");
	fixture_end(w);
	ck_assert_int_eq(apply(&m, _i), 0);
	assert_outside_untouched();
}
END_TEST

START_TEST(a_whiteout_cannot_delete_outside)
{
	struct membuf m;
	struct tar_writer *w = fixture_begin(&m);
	fixture_add(w, TAR_SYMLINK, "out", outside, NULL);
	fixture_add(w, TAR_REGULAR, "out/.wh.secret", NULL, NULL);
	fixture_add(w, TAR_SYMLINK, "out2", outside, NULL);
	fixture_add(w, TAR_REGULAR, "out2/.wh..wh..opq", NULL, NULL);
	fixture_end(w);
	ck_assert_int_eq(apply(&m, _i), 0);
	assert_outside_untouched();
}
END_TEST

/* --- whiteouts in delete mode ----------------------------------------------------- */

START_TEST(whiteouts_remove_lower_files_and_opaque_folders_keep_only_this_layers_entries)
{
	struct membuf m;
	struct tar_writer *w = fixture_begin(&m);
	fixture_add(w, TAR_DIRECTORY, "etc/", NULL, NULL);
	fixture_add(w, TAR_REGULAR, "etc/keep", NULL, "k");
	fixture_add(w, TAR_REGULAR, "etc/gone", NULL, "g");
	fixture_add(w, TAR_DIRECTORY, "etc/sub/", NULL, NULL);
	fixture_add(w, TAR_REGULAR, "etc/sub/file", NULL, "f");
	fixture_add(w, TAR_DIRECTORY, "opq/", NULL, NULL);
	fixture_add(w, TAR_REGULAR, "opq/lower", NULL, "l");
	fixture_end(w);
	ck_assert_int_eq(apply(&m, _i), 0);

	w = fixture_begin(&m);
	fixture_add(w, TAR_REGULAR, "etc/.wh.gone", NULL, NULL);
	fixture_add(w, TAR_REGULAR, "etc/.wh.sub", NULL, NULL);
	fixture_add(w, TAR_REGULAR, "etc/.wh.never-existed", NULL, NULL);
	fixture_add(w, TAR_DIRECTORY, "opq/", NULL, NULL);
	fixture_add(w, TAR_REGULAR, "opq/-new-before-marker", NULL, "n"); /* sorts before ".wh." */
	fixture_add(w, TAR_REGULAR, "opq/.wh..wh..opq", NULL, NULL);
	fixture_add(w, TAR_REGULAR, "opq/upper", NULL, "u");
	fixture_end(w);
	ck_assert_msg(apply(&m, _i) == 0, "%s", error_message());
	ck_assert_int_eq(access(root_file("etc/keep"), F_OK), 0);
	ck_assert_int_eq(access(root_file("etc/gone"), F_OK), -1);
	ck_assert_int_eq(access(root_file("etc/sub"), F_OK), -1);
	ck_assert_int_eq(access(root_file("etc/.wh.gone"), F_OK), -1);
	ck_assert_int_eq(access(root_file("opq/lower"), F_OK), -1);
	ck_assert_int_eq(access(root_file("opq/-new-before-marker"), F_OK), 0);
	ck_assert_int_eq(access(root_file("opq/upper"), F_OK), 0);
	ck_assert_int_eq(access(root_file("opq/.wh..wh..opq"), F_OK), -1);
}
END_TEST

START_TEST(modes_times_and_hard_links_are_restored)
{
	struct membuf m;
	struct tar_writer *w = fixture_begin(&m);
	struct tar_entry e = fixture_entry(TAR_REGULAR, "bin/tool", NULL, 0751, 3);
	e.mtime.tv_sec = 1234567890;
	ck_assert_int_eq(tar_writer_header(w, &e), 0);
	ck_assert_int_eq(tar_writer_data(w, "abc", 3), 0);
	tar_entry_clear(&e);
	fixture_add(w, TAR_HARDLINK, "bin/alias", "bin/tool", NULL);
	e = fixture_entry(TAR_DIRECTORY, "bin/", NULL, 0711, 0);
	e.mtime.tv_sec = 1000000000; /* a folder after its files: its time must still stick */
	ck_assert_int_eq(tar_writer_header(w, &e), 0);
	tar_entry_clear(&e);
	e = fixture_entry(TAR_FIFO, "run/pipe", NULL, 0666, 0); /* bits the umask would clear */
	ck_assert_int_eq(tar_writer_header(w, &e), 0);
	tar_entry_clear(&e);
	fixture_end(w);
	ck_assert_int_eq(apply(&m, _i), 0);
	struct stat a, b;
	ck_assert_int_eq(stat(root_file("bin/tool"), &a), 0);
	ck_assert_int_eq(a.st_mode & 07777, 0751);
	ck_assert_int_eq(a.st_mtime, 1234567890);
	ck_assert_int_eq(stat(root_file("bin/alias"), &b), 0);
	ck_assert_uint_eq(a.st_ino, b.st_ino);
	ck_assert_int_eq(stat(root_file("bin"), &a), 0);
	ck_assert_int_eq(a.st_mode & 07777, 0711);
	ck_assert_int_eq(a.st_mtime, 1000000000);
	ck_assert_int_eq(lstat(root_file("run/pipe"), &a), 0);
	ck_assert(S_ISFIFO(a.st_mode));
	ck_assert_int_eq(a.st_mode & 07777, 0666);
}
END_TEST

/* Does the filesystem of the sandbox keep user.* extended attributes? */
static bool user_xattrs_kept(void)
{
	char probe[PATH_MAX + 16];
	snprintf(probe, sizeof(probe), "%s/xattr-probe", dir);
	ck_assert_int_eq(write_file_atomic(probe, "", 0, 0644), 0);
	int rc = setxattr(probe, "user.probe", "1", 1, 0);
	ck_assert_msg(rc == 0 || errno == ENOTSUP, "setxattr: %s", strerror(errno));
	unlink(probe);
	return rc == 0;
}

START_TEST(extended_attributes_are_restored_but_never_overlays_own)
{
	struct membuf m;
	struct tar_writer *w = fixture_begin(&m);
	struct tar_entry e = fixture_entry(TAR_REGULAR, "file", NULL, 0644, 0);
	ck_assert_int_eq(tar_entry_add_xattr(&e, "user.color", "blue", 4), 0);
	ck_assert_int_eq(tar_writer_header(w, &e), 0);
	tar_entry_clear(&e);
	e = fixture_entry(TAR_DIRECTORY, "folder/", NULL, 0755, 0);
	ck_assert_int_eq(tar_entry_add_xattr(&e, "user.color", "red", 3), 0);
	ck_assert_int_eq(tar_writer_header(w, &e), 0);
	tar_entry_clear(&e);
	ck_assert_int_eq(tar_writer_flush(w), 0);
	/* The writer never writes trusted.overlay.*: a PAX header by hand, as an attacker's. */
	char *records = NULL;
	size_t len = 0, cap = 0;
	ck_assert_int_eq(tar_pax_append(&records, &len, &cap, "SCHILY.xattr.trusted.overlay.opaque", "y", 1), 0);
	unsigned char block[TAR_BLOCK] = "PaxHeaders.0/opaque";
	memcpy(block + 100, "0000644", 8);
	tar_format_octal((char *)block + 124, 12, len);
	block[156] = 'x';
	memcpy(block + 257, "ustar\0" "00", 8);
	tar_set_checksum(block);
	membuf_write(&m, block, TAR_BLOCK);
	memset(block, 0, sizeof(block));
	memcpy(block, records, len);
	membuf_write(&m, block, TAR_BLOCK);
	free(records);
	fixture_add(w, TAR_DIRECTORY, "opaque/", NULL, NULL);
	fixture_end(w);
	ck_assert_msg(apply(&m, _i) == 0, "%s", error_message());

	char value[16];
	ssize_t n = getxattr(root_file("file"), "user.color", value, sizeof(value));
	if (user_xattrs_kept()) {
		ck_assert_msg(n == 4 && memcmp(value, "blue", 4) == 0, "file: %zd", n);
		n = getxattr(root_file("folder"), "user.color", value, sizeof(value));
		ck_assert_msg(n == 3 && memcmp(value, "red", 3) == 0, "folder: %zd", n);
	} else {
		ck_assert_int_eq(n, -1); /* applying went on without them, as GNU tar does */
	}
	/* As root, setting it would succeed: it must not have been tried. */
	ck_assert_int_eq(getxattr(root_file("opaque"), "trusted.overlay.opaque", value, sizeof(value)), -1);
}
END_TEST

START_TEST(a_whiteout_that_names_no_file_is_refused_not_taken_for_the_opaque_marker)
{
	/* OCI image spec, layer.md "Whiteouts": the prefix ".wh." plus the basename of the path
	 * to delete. ".wh." names no file: obeying it as the opaque marker (as this applier once
	 * did) empties the folder of everything the layers below put there. */
	static const char *const names[] = { "etc/.wh.", "etc/.wh..", "etc/.wh..." };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct membuf m;
		struct tar_writer *w = fixture_begin(&m);
		fixture_add(w, TAR_DIRECTORY, "etc/", NULL, NULL);
		fixture_add(w, TAR_REGULAR, "etc/passwd", NULL, "root:x:0:0::/root:/bin/sh\n");
		fixture_end(w);
		ck_assert_int_eq(apply(&m, _i), 0);
		w = fixture_begin(&m);
		fixture_add(w, TAR_REGULAR, names[i], NULL, NULL);
		fixture_end(w);
		ck_assert_int_eq(apply(&m, _i), -1);
		char expected[128];
		snprintf(expected, sizeof(expected), "entry \"%s\" at byte 0: invalid whiteout", names[i]);
		ck_assert_msg(strstr(error_message(), expected), "%s: %s", names[i], error_message());
		ck_assert_int_eq(access(root_file("etc/passwd"), F_OK), 0);
		ck_assert_int_eq(access(root_file("etc"), F_OK), 0);
	}
}
END_TEST

/* --- broken archives leave nothing half-done ---------------------------------------- */

/* What sync_observer saw while a layer was unpacked into unpack_dest. */
static char unpack_dest[PATH_MAX + 8];
static char sync_log[1024];

static void log_sync(const char *step, const char *path)
{
	char partial[PATH_MAX + 32], file[PATH_MAX + 40];
	snprintf(partial, sizeof(partial), "%s.partial-%d", unpack_dest, (int)getpid());
	snprintf(file, sizeof(file), "%s/b", partial);
	size_t used = strlen(sync_log);
	snprintf(sync_log + used, sizeof(sync_log) - used, "%s %s (dest %s, partial/b %s); ", step,
		 strcmp(path, partial) == 0 ? "partial" : strcmp(path, dir) == 0 ? "parent" : path,
		 access(unpack_dest, F_OK) == 0 ? "there" : "absent", access(file, F_OK) == 0 ? "there" : "absent");
}

/* Power loss, not kill -9: the name that makes a layer trusted must not reach the disk before
 * its files (syncfs of the tree, then rename), and must itself reach it (the folder's fsync). */
START_TEST(unpack_syncs_the_files_before_the_rename_and_the_folder_after)
{
	struct membuf m;
	struct tar_writer *w = fixture_begin(&m);
	fixture_add(w, TAR_REGULAR, "a", NULL, "first");
	fixture_add(w, TAR_REGULAR, "b", NULL, "second");
	fixture_end(w);
	struct memsrc src = { m.data, m.len, 0, 0 };
	struct tar_reader *r = tar_reader_new(memsrc_read, &src, "whole.tar");
	snprintf(unpack_dest, sizeof(unpack_dest), "%s/layer", dir);
	struct apply_options options = { .whiteouts = WHITEOUT_DELETE };
	sync_log[0] = '\0';
	sync_observer = log_sync;
	int rc = layer_unpack(r, unpack_dest, &options, NULL);
	sync_observer = NULL;
	ck_assert_msg(rc == 0, "%s", error_message());
	ck_assert_str_eq(sync_log, "syncfs partial (dest absent, partial/b there); "
				   "fsync folder parent (dest there, partial/b absent); ");
	tar_reader_free(r);
	free(m.data);
}
END_TEST

START_TEST(a_truncated_layer_is_an_error_and_unpack_leaves_no_folder)
{
	struct membuf m;
	struct tar_writer *w = fixture_begin(&m);
	fixture_add(w, TAR_REGULAR, "a", NULL, "first");
	fixture_add(w, TAR_REGULAR, "b", NULL, "second file, cut in the middle");
	fixture_end(w);
	struct memsrc src = { m.data, 1536 + 10, 0, 0 };
	struct tar_reader *r = tar_reader_new(memsrc_read, &src, "cut.tar");
	char dest[PATH_MAX + 8];
	snprintf(dest, sizeof(dest), "%s/layer", dir);
	struct apply_options options = { .whiteouts = WHITEOUT_DELETE, .no_openat2 = _i };
	ck_assert_int_eq(layer_unpack(r, dest, &options, NULL), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "entry \"b\" at byte 1024"));
	ck_assert_int_eq(access(dest, F_OK), -1);
	char partial[PATH_MAX + 32];
	snprintf(partial, sizeof(partial), "%s.partial-%d", dest, (int)getpid());
	ck_assert_int_eq(access(partial, F_OK), -1);
	tar_reader_free(r);

	src = (struct memsrc){ m.data, m.len, 0, 0 };
	r = tar_reader_new(memsrc_read, &src, "whole.tar");
	ck_assert_int_eq(layer_unpack(r, dest, &options, NULL), 0);
	snprintf(partial, sizeof(partial), "%s/b", dest);
	ck_assert_int_eq(access(partial, F_OK), 0);
	tar_reader_free(r);
	free(m.data);
}
END_TEST

Suite *apply_suite(void)
{
	Suite *s = suite_create("apply");
	TCase *t = tcase_create("rules");
	tcase_add_test(t, archive_paths_are_cleaned_and_climbing_out_is_refused);
	tcase_add_test(t, whiteout_names_are_recognised);
	suite_add_tcase(s, t);
	t = tcase_create("traversal");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_loop_test(t, a_dotdot_path_is_refused_zip_slip, 0, 2);
	tcase_add_loop_test(t, an_absolute_path_lands_inside_the_root, 0, 2);
	tcase_add_loop_test(t, a_planted_absolute_symlink_is_followed_inside_the_root_only, 0, 2);
	tcase_add_loop_test(t, a_planted_relative_symlink_cannot_climb_out, 0, 2);
	tcase_add_loop_test(t, a_chain_of_symlinks_stays_inside, 0, 2);
	tcase_add_loop_test(t, a_symlink_loop_is_an_error_not_a_hang, 0, 2);
	tcase_add_loop_test(t, a_file_replaces_a_planted_symlink_instead_of_writing_through_it, 0, 2);
	tcase_add_loop_test(t, a_hard_link_cannot_reach_a_file_outside, 0, 2);
	tcase_add_loop_test(t, a_whiteout_cannot_delete_outside, 0, 2);
	suite_add_tcase(s, t);
	t = tcase_create("layers");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_loop_test(t, whiteouts_remove_lower_files_and_opaque_folders_keep_only_this_layers_entries, 0, 2);
	tcase_add_loop_test(t, a_whiteout_that_names_no_file_is_refused_not_taken_for_the_opaque_marker, 0, 2);
	tcase_add_loop_test(t, modes_times_and_hard_links_are_restored, 0, 2);
	tcase_add_loop_test(t, extended_attributes_are_restored_but_never_overlays_own, 0, 2);
	tcase_add_loop_test(t, a_truncated_layer_is_an_error_and_unpack_leaves_no_folder, 0, 2);
	tcase_add_test(t, unpack_syncs_the_files_before_the_rename_and_the_folder_after);
	suite_add_tcase(s, t);
	return s;
}
