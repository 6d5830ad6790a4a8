/*
 * test_layers_run.c - containers on an overlay root (root): `run --rootfs DIR` never changes
 * DIR, containers do not see each other's changes, and `diff`, `export`, `import` and the
 * layer that `commit` archives read a container's layers as Docker's do (the `commit` command
 * itself: test_container_commit.c). Nothing stays mounted, also
 * after failures.
 */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container-cmd.h"
#include "container-fs.h"
#include "container.h"
#include "error.h"
#include "files.h"
#include "harness.h"
#include "overlay-run.h"
#include "overlay.h"

/* run --rootfs sandbox.rootfs [ARGS...], a sentinel-terminated list. */
/* --network none: these tests are about files, and a bridge network binds /etc/hosts over the
 * rootfs (a mount point cannot be removed, as one test does with /etc). */
#define run(...) run_tinydock(NULL, 30, "run", "--network", "none", "--rootfs", sandbox.rootfs, __VA_ARGS__)

/* The ids of the containers in the sandbox, sorted; returns how many (at most max). */
static size_t container_ids(char ids[][CONTAINER_ID_LENGTH + 1], size_t max)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/containers", sandbox.root);
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	size_t count = 0;
	for (int i = 0; i < n; i++) {
		if (strlen(names[i]->d_name) == CONTAINER_ID_LENGTH && count < max)
			snprintf(ids[count++], CONTAINER_ID_LENGTH + 1, "%s", names[i]->d_name);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return count;
}

/* Run one container with a shell script and return its id (there must be no other). */
static void run_script(const char *script, char id[CONTAINER_ID_LENGTH + 1])
{
	struct run_result r = run("sh", "-c", script, NULL);
	ck_assert_msg(r.status == 0, "status %d: %s%s", r.status, r.out, r.err);
	run_free(&r);
	char ids[2][CONTAINER_ID_LENGTH + 1];
	ck_assert_uint_eq(container_ids(ids, 2), 1);
	snprintf(id, CONTAINER_ID_LENGTH + 1, "%s", ids[0]);
}

static char *container_path(const char *id, const char *rel)
{
	static char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/containers/%s/%s", sandbox.root, id, rel);
	return path;
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* Is line one of the lines of text? */
static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

/* Nothing of the sandbox is mounted on the host (what /proc/self/mountinfo lists). */
static void assert_nothing_mounted(void)
{
	char *mounts = read_file("/proc/self/mountinfo", NULL);
	ck_assert_ptr_nonnull(mounts);
	char needle[PATH_MAX + 2];
	snprintf(needle, sizeof(needle), " %s/", sandbox.dir);
	ck_assert_msg(strstr(mounts, needle) == NULL, "still mounted:\n%s", mounts);
	free(mounts);
}

START_TEST(a_container_writes_to_its_upper_folder_and_never_to_the_rootfs_folder)
{
	char before[PATH_MAX];
	snprintf(before, sizeof(before), "%s/etc/passwd", sandbox.rootfs);
	char *passwd = read_file(before, NULL);
	char id[CONTAINER_ID_LENGTH + 1];
	run_script("echo hello > /new-file && echo intruder:x:0:0::/:/bin/sh >> /etc/passwd && rm /bin/ls", id);

	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/new-file", sandbox.rootfs);
	ck_assert(!exists(path));
	snprintf(path, sizeof(path), "%s/bin/ls", sandbox.rootfs);
	ck_assert(exists(path));
	char *after = read_file(before, NULL);
	ck_assert_str_eq(after, passwd);
	free(after);
	free(passwd);

	char *text = read_file(container_path(id, "fs/upper/new-file"), NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text, "hello\n");
	free(text);
	/* the lowers file names the rootfs folder itself (nothing was copied), then the shared
	 * init layer with the empty mount point for /etc/resolv.conf that the rootfs lacks */
	text = read_file(container_path(id, "fs/lowers"), NULL);
	char expected[2 * PATH_MAX + 8];
	char *real = realpath(sandbox.rootfs, NULL);
	snprintf(expected, sizeof(expected), "%s\n%s/init-layers/resolv.conf\n", real, sandbox.root);
	ck_assert_str_eq(text, expected);
	free(real);
	free(text);
	/* and the upper holds only the changes: new-file, etc/passwd, the whiteout in bin */
	struct run_result r = run_program(NULL, 10, (const char *[]){ "find", container_path(id, "fs/upper"),
								       "-mindepth", "1", NULL });
	ck_assert_msg(strstr(r.out, "/upper/new-file\n") && strstr(r.out, "/upper/etc/passwd\n") &&
			      strstr(r.out, "/upper/bin/ls\n"),
		      "%s", r.out);
	size_t lines = 0;
	for (const char *p = r.out; (p = strchr(p, '\n')); p++)
		lines++;
	ck_assert_msg(lines == 5, "%s", r.out); /* new-file, etc, etc/passwd, bin, bin/ls */
	run_free(&r);
	assert_nothing_mounted();
}
END_TEST

START_TEST(two_containers_from_one_folder_do_not_see_each_others_changes)
{
	struct run_result r = run("sh", "-c", "echo mine > /mine && rm /bin/cat", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	r = run("sh", "-c", "test ! -e /mine && test -e /bin/cat && echo clean", NULL);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	ck_assert_str_eq(r.out, "clean\n");
	run_free(&r);
	char ids[3][CONTAINER_ID_LENGTH + 1];
	ck_assert_uint_eq(container_ids(ids, 3), 2);
	/* both stacked on the same lower folder (the first line; the shared init layer above) */
	char *a = read_file(container_path(ids[0], "fs/lowers"), NULL);
	char *b = read_file(container_path(ids[1], "fs/lowers"), NULL);
	ck_assert_ptr_nonnull(strchr(a, '\n'));
	*strchr(a, '\n') = '\0';
	ck_assert_ptr_nonnull(strchr(b, '\n'));
	*strchr(b, '\n') = '\0';
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	assert_nothing_mounted();
}
END_TEST

START_TEST(containers_share_one_init_layer_that_rm_keeps_and_nothing_writes_into)
{
	/* The rootfs has /etc/hosts but no /etc/resolv.conf: both containers stand on the one
	 * shared layer that holds its empty mount point, and have no init folder of their own. */
	struct run_result r = run("sh", "-c", "echo mine >> /etc/resolv.conf", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	r = run("cat", "/etc/resolv.conf", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, ""); /* the first one's line went to its own upper */
	run_free(&r);
	char ids[3][CONTAINER_ID_LENGTH + 1];
	ck_assert_uint_eq(container_ids(ids, 3), 2);
	char layer[PATH_MAX], file[PATH_MAX + 32];
	snprintf(layer, sizeof(layer), "%s/init-layers/resolv.conf", sandbox.root);
	snprintf(file, sizeof(file), "%s/etc/resolv.conf", layer);
	for (int i = 0; i < 2; i++) {
		char *lowers = read_file(container_path(ids[i], "fs/lowers"), NULL);
		ck_assert_ptr_nonnull(lowers);
		ck_assert_msg(has_line(lowers, layer), "%s", lowers);
		free(lowers);
		ck_assert(!exists(container_path(ids[i], "fs/init")));
	}
	struct stat st;
	ck_assert_int_eq(stat(file, &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	/* rm removes the containers, not what others may stand on */
	r = run_tinydock(NULL, 10, "rm", ids[0], ids[1], NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	ck_assert_uint_eq(container_ids(ids, 3), 0);
	ck_assert_int_eq(stat(file, &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	/* and a rootfs that has both files needs no init layer at all */
	char resolv[PATH_MAX + 32];
	snprintf(resolv, sizeof(resolv), "%s/etc/resolv.conf", sandbox.rootfs);
	ck_assert_int_eq(write_file_atomic(resolv, "", 0, 0644), 0);
	r = run("true", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	ck_assert_uint_eq(container_ids(ids, 3), 1);
	char *lowers = read_file(container_path(ids[0], "fs/lowers"), NULL);
	char *real = realpath(sandbox.rootfs, NULL);
	char expected[PATH_MAX + 2];
	snprintf(expected, sizeof(expected), "%s\n", real);
	ck_assert_str_eq(lowers, expected);
	free(real);
	free(lowers);
	unlink(resolv);
	assert_nothing_mounted();
}
END_TEST

START_TEST(diff_lists_added_changed_and_deleted_files_as_docker_diff_does)
{
	char id[CONTAINER_ID_LENGTH + 1];
	run_script("echo new > /added && echo more >> /etc/group && rm /bin/ls && mkdir /tmp/dir", id);
	char prefix[8];
	snprintf(prefix, sizeof(prefix), "%.6s", id);
	struct run_result r = run_tinydock(NULL, 10, "diff", prefix, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "A /added\n"
				"C /bin\n"
				"D /bin/ls\n"
				"C /etc\n"
				"C /etc/group\n"
				"C /tmp\n"
				"A /tmp/dir\n");
	run_free(&r);
	r = run_tinydock(NULL, 10, "diff", "no-such-container", NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "tinydock: diff: ") == r.err, "%s", r.err);
	run_free(&r);
}
END_TEST

START_TEST(a_containers_layer_has_whiteouts_opaque_folders_and_hard_links)
{
	char id[CONTAINER_ID_LENGTH + 1];
	run_script("rm /bin/ls && rm -r /etc && mkdir /etc && echo fresh > /etc/only && "
		   "echo x > /linked && ln /linked /linked-too",
		   id);
	/* What `commit` archives (chapter 05 names it by its sha256): the upper, as a layer. */
	char layer[PATH_MAX];
	snprintf(layer, sizeof(layer), "%s/layer.tar", sandbox.dir);
	int fd = open(layer, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	struct create_stats stats;
	char prefix[8];
	snprintf(prefix, sizeof(prefix), "%.6s", id);
	ck_assert_msg(container_layer_write(prefix, tar_write_fd, (void *)(intptr_t)fd, &stats) == 0, "%s",
		      error_message());
	close(fd);
	ck_assert_uint_eq(stats.whiteouts, 2);

	struct run_result r = run_program(NULL, 10, (const char *[]){ "tar", "-tvf", layer, NULL });
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_msg(strstr(r.out, " bin/.wh.ls\n") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, " etc/.wh..wh..opq\n") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, " etc/only\n") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "\nh") != NULL && strstr(r.out, " linked-too link to linked\n") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "passwd") == NULL, "the lower /etc leaked into the layer: %s", r.out);
	run_free(&r);
	assert_nothing_mounted();
}
END_TEST

START_TEST(export_gives_the_merged_tree_of_a_stopped_container_and_leaves_nothing_mounted)
{
	char id[CONTAINER_ID_LENGTH + 1];
	run_script("echo new > /added && rm /bin/ls", id);
	char tar[PATH_MAX];
	snprintf(tar, sizeof(tar), "%s/fs.tar", sandbox.dir);
	struct run_result r = run_tinydock(NULL, 30, "export", "-o", tar, id, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	assert_nothing_mounted();
	ck_assert(!exists(container_path(id, "fs/merged/bin")));

	r = run_program(NULL, 10, (const char *[]){ "tar", "-tf", tar, NULL });
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(has_line(r.out, "added") && has_line(r.out, "bin/busybox") && has_line(r.out, "etc/passwd"),
		      "%s", r.out);
	ck_assert_msg(!has_line(r.out, "bin/ls") && strstr(r.out, ".wh.") == NULL, "%s", r.out);
	run_free(&r);

	/* import it back as an image (chapter 05's `import`), and run a container of it */
	r = run_tinydock(NULL, 30, "import", tar, "exported:1", NULL);
	ck_assert_msg(r.status == 0 && strncmp(r.out, "sha256:", 7) == 0, "%s%s", r.out, r.err);
	run_free(&r);
	r = run_tinydock(NULL, 30, "run", "--rm", "exported:1", "cat", "/added", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "new\n");
	run_free(&r);
	assert_nothing_mounted();
}
END_TEST

START_TEST(export_of_a_running_container_reads_its_mounted_root)
{
	struct run_result r = run("-d", "--name", "live", "sh", "-c", "echo x > /live-file; sleep 30", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	char ids[2][CONTAINER_ID_LENGTH + 1];
	ck_assert_uint_eq(container_ids(ids, 2), 1);
	/* the export must see what the running container wrote: wait for it (at most 20 s) */
	for (int i = 0; i < 400 && !exists(container_path(ids[0], "fs/upper/live-file")); i++)
		usleep(50 * 1000);
	ck_assert_msg(exists(container_path(ids[0], "fs/upper/live-file")), "the container wrote nothing in 20 s");
	char tar[PATH_MAX];
	snprintf(tar, sizeof(tar), "%s/live.tar", sandbox.dir);
	r = run_tinydock(NULL, 30, "export", "-o", tar, "live", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	r = run_program(NULL, 10, (const char *[]){ "tar", "-tf", tar, NULL });
	ck_assert_msg(has_line(r.out, "live-file") && has_line(r.out, "bin/busybox"), "%s", r.out);
	/* the container's own /proc and /dev are mounts in its namespace, not in its root */
	ck_assert_msg(!has_line(r.out, "proc/self"), "%s", r.out);
	run_free(&r);
	r = run_tinydock(NULL, 30, "rm", "-f", "live", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	assert_nothing_mounted();
	ck_assert_uint_eq(container_ids(ids, 2), 0);
}
END_TEST

START_TEST(a_root_copied_without_overlayfs_is_reused_and_has_nothing_to_diff)
{
	/* What a kernel without overlayfs leaves (overlay.c copies the layers into fs/merged). */
	char id[CONTAINER_ID_LENGTH + 1];
	run_script("true", id);
	char copied[PATH_MAX];
	snprintf(copied, sizeof(copied), "%s", container_path(id, "fs/merged"));
	ck_assert_int_eq(overlay_copy_layers((const char *const[]){ sandbox.rootfs }, 1, copied), 0);
	static struct container c;
	snprintf(c.id, sizeof(c.id), "%s", id);
	struct overlay_rootfs root = { .lowers = NULL };
	ck_assert_msg(overlay_rootfs_mount(&root, &c) == 0, "%s", error_message());
	ck_assert_str_eq(c.rootfs_path, copied);
	ck_assert_int_eq(overlay_rootfs_unmount(&root, &c), 0);
	assert_nothing_mounted();
	struct run_result r = run_tinydock(NULL, 10, "diff", id, NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "its root was copied") != NULL, "%s", r.err);
	run_free(&r);
}
END_TEST

START_TEST(the_overlay_is_unmounted_when_the_container_ends_or_fails_to_start)
{
	struct run_result r = run("no-such-command", NULL);
	ck_assert_int_eq(r.status, 127);
	run_free(&r);
	assert_nothing_mounted();
	r = run("sh", "-c", "kill -9 $$", NULL);
	ck_assert_int_eq(r.status, 137);
	run_free(&r);
	assert_nothing_mounted();

	/* a rootfs without /bin/sh and no command: refused after the overlay was mounted */
	char empty[PATH_MAX];
	snprintf(empty, sizeof(empty), "%s/empty", sandbox.dir);
	ck_assert_int_eq(make_dirs(empty, 0755), 0);
	r = run_tinydock(NULL, 10, "run", "--rootfs", empty, NULL);
	ck_assert_int_eq(r.status, 127);
	run_free(&r);
	assert_nothing_mounted();

	/* a rootfs that does not exist: nothing made at all */
	char missing[PATH_MAX];
	snprintf(missing, sizeof(missing), "%s/missing", sandbox.dir);
	r = run_tinydock(NULL, 10, "run", "--rm", "--rootfs", missing, "true", NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "missing") != NULL, "%s", r.err);
	run_free(&r);
	assert_nothing_mounted();
}
END_TEST

START_TEST(run_rm_removes_the_containers_upper_folder)
{
	struct run_result r = run("--rm", "sh", "-c", "echo x > /gone", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	char ids[2][CONTAINER_ID_LENGTH + 1];
	ck_assert_uint_eq(container_ids(ids, 2), 0);
	assert_nothing_mounted();
}
END_TEST

/* The line of the container's root in its /proc/self/mountinfo ("... / / ... - overlay ..."). */
static const char *root_mount_line(const char *mountinfo, char *line, size_t size)
{
	line[0] = '\0';
	for (const char *p = mountinfo; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		int len = (int)strcspn(p, "\n");
		snprintf(line, size, "%.*s", len, p);
		if (strstr(line, " / / ") && strstr(line, " - overlay "))
			return line;
	}
	ck_abort_msg("no overlay root in: %s", mountinfo);
	return NULL;
}

/* A --rm container's upper is thrown away when it ends: overlay may skip every sync of it
 * ("volatile", overlay.c), which makes its unmount cheap; a kept container's upper must
 * survive a power cut, so it is mounted without. The kernel shows the option in mountinfo
 * (Linux 6.x spells it "fsync=volatile"). */
START_TEST(only_a_run_rm_containers_root_is_mounted_volatile)
{
	char line[8192];
	struct run_result r = run("--rm", "cat", "/proc/self/mountinfo", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_msg(strstr(root_mount_line(r.out, line, sizeof(line)), "volatile"), "%s", line);
	run_free(&r);
	r = run("cat", "/proc/self/mountinfo", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_msg(!strstr(root_mount_line(r.out, line, sizeof(line)), "volatile"), "%s", line);
	run_free(&r);
}
END_TEST

START_TEST(start_mounts_the_same_upper_again_and_rm_removes_it)
{
	struct run_result r = run("--name", "again", "sh", "-c", "echo ran >> /count", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	r = run_tinydock(NULL, 30, "start", "again", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	r = run_tinydock(NULL, 30, "wait", "again", NULL);
	ck_assert_msg(r.status == 0 && strcmp(r.out, "0\n") == 0, "%s%s", r.out, r.err);
	run_free(&r);
	char ids[2][CONTAINER_ID_LENGTH + 1];
	ck_assert_uint_eq(container_ids(ids, 2), 1);
	char *count = read_file(container_path(ids[0], "fs/upper/count"), NULL);
	ck_assert_ptr_nonnull(count);
	ck_assert_str_eq(count, "ran\nran\n"); /* the second start wrote into the first one's upper */
	free(count);
	assert_nothing_mounted();
	r = run_tinydock(NULL, 30, "rm", "again", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	ck_assert_uint_eq(container_ids(ids, 2), 0);
	assert_nothing_mounted();
}
END_TEST

START_TEST(preparing_an_existing_container_again_mounts_its_upper_again)
{
	/* What `start` does: mount the root of the same id again. */
	char id[CONTAINER_ID_LENGTH + 1];
	run_script("echo kept > /kept", id);
	static struct container c;
	snprintf(c.id, sizeof(c.id), "%s", id);
	struct overlay_rootfs root = { .lowers = NULL };
	ck_assert_msg(overlay_rootfs_mount(&root, &c) == 0, "%s", error_message());
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/kept", c.rootfs_path);
	char *text = read_file(path, NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text, "kept\n");
	free(text);
	ck_assert_msg(overlay_rootfs_unmount(&root, &c) == 0, "%s", error_message());
	assert_nothing_mounted();
	ck_assert(exists(container_path(id, "fs/upper/kept")));
}
END_TEST

Suite *layers_run_suite(void)
{
	Suite *s = suite_create("layers_run");
	TCase *t = tcase_create("overlay root");
	harness_use_stage(t, 4);
	harness_use_sandbox(t);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, a_container_writes_to_its_upper_folder_and_never_to_the_rootfs_folder);
	tcase_add_test(t, two_containers_from_one_folder_do_not_see_each_others_changes);
	tcase_add_test(t, containers_share_one_init_layer_that_rm_keeps_and_nothing_writes_into);
	tcase_add_test(t, diff_lists_added_changed_and_deleted_files_as_docker_diff_does);
	tcase_add_test(t, a_containers_layer_has_whiteouts_opaque_folders_and_hard_links);
	tcase_add_test(t, export_of_a_running_container_reads_its_mounted_root);
	tcase_add_test(t, a_root_copied_without_overlayfs_is_reused_and_has_nothing_to_diff);
	tcase_add_test(t, the_overlay_is_unmounted_when_the_container_ends_or_fails_to_start);
	tcase_add_test(t, run_rm_removes_the_containers_upper_folder);
	tcase_add_test(t, only_a_run_rm_containers_root_is_mounted_volatile);
	tcase_add_test(t, start_mounts_the_same_upper_again_and_rm_removes_it);
	tcase_add_test(t, preparing_an_existing_container_again_mounts_its_upper_again);
	suite_add_tcase(s, t);
	/* The export test imports its tarball back as an image and runs it: chapter 05's `import`
	 * and `run IMAGE`, so it is judged by build/ch05/tinydock. */
	TCase *images = tcase_create("overlay root, exported as an image");
	harness_use_stage(images, 5);
	harness_use_sandbox(images);
	tcase_set_timeout(images, 60);
	tcase_add_test(images, export_gives_the_merged_tree_of_a_stopped_container_and_leaves_nothing_mounted);
	suite_add_tcase(s, images);
	return s;
}
