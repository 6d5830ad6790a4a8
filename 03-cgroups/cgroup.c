/*
 * cgroup.c - a container's control group, from mkdir to rmdir (the lecture's CGroups).
 *
 * Everything here is a file operation in the cgroup file system; there is no cgroup system call:
 *
 *   create   mkdir /sys/fs/cgroup/tinydock/<id>            a new, empty cgroup
 *   limit    write "67108864" to .../memory.max             (cgroup_limits.c says which files)
 *   attach   write the pid to .../cgroup.procs              the process and its future children
 *   watch    read memory.current, cpu.stat, pids.current, memory.events  (cgroup_stats.c)
 *   remove   kill what is left, then rmdir the folder       (a cgroup with processes is EBUSY)
 *
 * v2 adds two rules (Documentation/admin-guide/cgroup-v2.rst, "Controlling Controllers"):
 *   - a controller reaches a child only if the parent lists it in cgroup.subtree_control, so we
 *     enable what we need on the way down: root -> tinydock -> <id>;
 *   - "no internal processes": a cgroup that hands controllers to its children may not hold
 *     processes itself, so processes go in leaves only (our tinydock/ folder never holds any).
 * v1 has one tree per controller, so the same container is a folder in each tree it joins
 * (memory/tinydock/<id>, cpu/tinydock/<id>, ...). A hybrid machine also gets the v2 folder, which
 * holds no controllers but knows every process of the container (and offers cgroup.kill).
 *
 * Every step prints an --explain line after it happened, with its result. Every failure names
 * the file and the value, and says what to do when the kernel's errno alone would puzzle (as crun
 * learned to do: "the cpu controller is not enabled in ...; enable it with: echo +cpu > ...").
 *
 * Read cgroup_stats.c next: reading what the cgroup's processes use.
 */
#include "cgroup.h"
#include "error.h"
#include "explain.h"
#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CH "03-cgroups"

/* Bounds for waiting on the kernel: processes to die, a folder to stop being busy. */
#define WAIT_ROUNDS 200
#define WAIT_STEP_NS 10000000L /* 10 ms: 200 rounds make 2 seconds */

/* ---- pure helpers ------------------------------------------------------------------------ */

const char *cgroup_write_hint(const char *file, int err)
{
	if (strcmp(file, "devices.allow") == 0 && (err == EPERM || err == EINVAL))
		return "a v1 device cgroup may only allow what its parent allows, and nothing while it has children";
	if (err == EACCES || err == EPERM)
		return "changing cgroups needs root (or a cgroup delegated to you)";
	if (err == EROFS)
		return "the cgroup file system is mounted read-only here (inside a container?)";
	if (strcmp(file, "cgroup.subtree_control") == 0) {
		if (err == EBUSY)
			return "this cgroup holds processes, and a cgroup with processes cannot hand controllers to "
			       "its children (the v2 \"no internal processes\" rule): move them to a child cgroup first";
		if (err == ENOENT || err == EINVAL)
			return "the controller is not in this cgroup's cgroup.controllers: enable it in the parent's "
			       "cgroup.subtree_control first";
	}
	if (strcmp(file, "cgroup.procs") == 0) {
		if (err == ENOSPC)
			return "a v1 cpuset with an empty cpuset.cpus or cpuset.mems takes no processes";
		if (err == EBUSY)
			return "the cgroup has controllers enabled for children, so it may not hold processes "
			       "(the v2 \"no internal processes\" rule): processes go in leaves only";
		if (err == ESRCH)
			return "the process has already exited";
	}
	if (strcmp(file, "memory.memsw.limit_in_bytes") == 0 || strcmp(file, "memory.swap.max") == 0) {
		if (err == ENOENT)
			return "swap accounting is off in this kernel (boot with swapaccount=1), so --memory-swap "
			       "cannot be enforced here";
		if (err == EINVAL)
			return "memory plus swap may not be below the memory limit";
	}
	if ((strcmp(file, "memory.max") == 0 || strcmp(file, "memory.limit_in_bytes") == 0) && err == EBUSY)
		return "the cgroup already uses more memory than that, and the kernel could not reclaim enough";
	if ((strcmp(file, "cpu.cfs_quota_us") == 0 || strcmp(file, "cpu.max") == 0) && err == ENOENT)
		return "this kernel has no CPU bandwidth control (CONFIG_CFS_BANDWIDTH)";
	if ((strcmp(file, "cpu.cfs_quota_us") == 0 || strcmp(file, "cpu.max") == 0) && err == EINVAL)
		return "the quota is below 1 ms or above what the parent cgroup allows";
	if (strcmp(file, "cpuset.cpus") == 0 && (err == EINVAL || err == ERANGE))
		return "a CPU in the list does not exist, or is not in the parent cgroup's cpuset.cpus";
	if (err == ENOENT)
		return "this cgroup has no such file: its controller is not enabled for it";
	return NULL;
}

/* ---- file operations, each one explained ------------------------------------------------- */

static int path_join(char *out, const char *dir, const char *name)
{
	if (snprintf(out, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX)
		return fail_errno(ENAMETOOLONG, "cgroup path \"%s/%s\" is too long", dir, name);
	return 0;
}

/* Write value to dir/file. On a simulated (fake) root the file is created, as the kernel would
 * have made it when the folder was created. */
int cgroup_write_value(const struct cgroup_layout *layout, const char *dir, const char *file, const char *value)
{
	char path[PATH_MAX];
	if (path_join(path, dir, file) < 0)
		return -1;
	int flags = O_WRONLY | O_CLOEXEC | (layout->simulated ? O_CREAT | O_TRUNC : 0);
	size_t len = strlen(value);
	ssize_t n = -1;
	int fd = open(path, flags, 0644);
	if (fd >= 0) {
		/* One write(2): the kernel takes a cgroup value whole, from a single write. */
		n = write(fd, value, len);
		int err = errno;
		close(fd);
		errno = err;
	}
	if (n >= 0 && (size_t)n == len) {
		explain(CH, "write %s = %s", path, value);
		return 0;
	}
	int err = n >= 0 ? EIO : errno;
	errno = err;
	explain_result(CH, -1, "write %s = %s", path, value);
	const char *hint = cgroup_write_hint(file, err);
	if (!hint)
		return fail_errno(err, "cannot write \"%s\" to \"%s\"", value, path);
	fail_errno(0, "cannot write \"%s\" to \"%s\": %s (%s)", value, path, strerror(err), hint);
	errno = err;
	return -1;
}

/* Read a small cgroup file; a missing one reads as "" when missing_ok. */
static char *cg_read(const char *dir, const char *file, bool missing_ok)
{
	char path[PATH_MAX];
	if (path_join(path, dir, file) < 0)
		return NULL;
	char *text = read_file(path, NULL);
	if (!text && missing_ok && errno == ENOENT) {
		error_clear();
		return strdup("");
	}
	return text;
}

/* mkdir, explained; an existing folder is fine unless must_be_new. */
static int cg_mkdir(const char *path, bool must_be_new)
{
	if (!must_be_new && is_directory(path))
		return 0;
	if (explain_result(CH, mkdir(path, 0755), "mkdir %s", path) == 0)
		return 0;
	if (errno == EEXIST && !must_be_new)
		return 0;
	if (errno == EEXIST)
		return fail_sys("cannot create cgroup \"%s\" (a container with this id is running, or one was "
				"not cleaned up: remove it with rmdir)", path);
	return fail_sys("cannot create cgroup \"%s\"", path);
}

/* True when the word is in a space-separated list such as cgroup.controllers. */
static bool has_word(const char *list, const char *word)
{
	size_t len = strlen(word);
	for (const char *p = list; (p = strstr(p, word)) != NULL; p += len)
		if ((p == list || p[-1] == ' ') && (p[len] == '\0' || p[len] == ' ' || p[len] == '\n'))
			return true;
	return false;
}

static bool valid_part(const char *s, size_t len)
{
	if (len == 0 || (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!(s[i] == '-' || s[i] == '_' || s[i] == '.' || (s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	return true;
}

/* The parent may have several levels ("tinydock/tests"); the id is one folder name. Nothing may
 * climb out of the tree: no "..", no "/" in front. */
static int check_names(const char *parent, const char *id)
{
	for (const char *p = parent;;) {
		const char *slash = strchrnul(p, '/');
		if (!valid_part(p, (size_t)(slash - p)))
			return fail_errno(EINVAL, "invalid cgroup parent \"%s\"", parent);
		if (!*slash)
			break;
		p = slash + 1;
	}
	if (!valid_part(id, strlen(id)))
		return fail_errno(EINVAL, "invalid cgroup name \"%s\"", id);
	if (strlen(parent) >= sizeof(((struct cgroup *)0)->parent) || strlen(id) >= sizeof(((struct cgroup *)0)->id))
		return fail_errno(ENAMETOOLONG, "cgroup name \"%s/%s\" is too long", parent, id);
	return 0;
}

/* The controllers a container joins in v1: the accounting ones always (stats need them), cpuset
 * only when asked (a new v1 cpuset has to be filled in before it can take a process). */
static unsigned v1_joined(const struct cgroup_layout *layout, unsigned required)
{
	unsigned mask = 0;
	for (int c = 0; c < CG_CONTROLLER_COUNT; c++)
		if (layout->v1[c][0] && (c != CG_CPUSET || (required & (1u << CG_CPUSET))))
			mask |= 1u << c;
	return mask;
}

/* True when controller c is the first one of its folder (co-mounted v1 trees share a folder). */
static bool first_in_folder(const struct cgroup *cg, int c)
{
	if (!cg->v1[c][0])
		return false;
	for (int before = 0; before < c; before++)
		if (strcmp(cg->v1[before], cg->v1[c]) == 0)
			return false;
	return true;
}

/* ---- v2: enable controllers on the way down ---------------------------------------------- */

/* "+memory +pids" (plus) or "memory pids" */
static void mask_to_words(unsigned mask, bool plus, char *out, size_t size)
{
	out[0] = '\0';
	for (int c = 0; c < CG_CONTROLLER_COUNT; c++)
		if (mask & (1u << c)) {
			size_t len = strlen(out);
			snprintf(out + len, size - len, "%s%s%s", len ? " " : "", plus ? "+" : "", cgroup_controller_name(c));
		}
}

/* Make sure dir/cgroup.subtree_control lists every controller of mask; required ones must succeed. */
static int enable_in(const struct cgroup_layout *layout, const char *dir, unsigned mask, unsigned required)
{
	char *current = cg_read(dir, "cgroup.subtree_control", true);
	if (!current)
		return -1;
	unsigned missing = 0;
	for (int c = 0; c < CG_CONTROLLER_COUNT; c++)
		if ((mask & (1u << c)) && !has_word(current, cgroup_controller_name(c)))
			missing |= 1u << c;
	free(current);
	/* The required ones first, in one write, so that a failure names exactly them. */
	unsigned batches[2] = { missing & required, missing & ~required };
	for (int b = 0; b < 2; b++) {
		if (!batches[b])
			continue;
		char words[128];
		mask_to_words(batches[b], true, words, sizeof(words));
		if (cgroup_write_value(layout, dir, "cgroup.subtree_control", words) == 0)
			continue;
		if (b == 1) { /* wanted for stats only: go on without it */
			error_clear();
			continue;
		}
		char names[128], reason[1024];
		mask_to_words(batches[b], false, names, sizeof(names));
		snprintf(reason, sizeof(reason), "%s", error_message());
		return fail_errno(0, "the %s controller%s not enabled in %s/cgroup.subtree_control and tinydock "
				     "could not enable %s (%s); enable %s with: echo \"%s\" > %s/cgroup.subtree_control",
				  names, strchr(names, ' ') ? "s are" : " is", dir, strchr(names, ' ') ? "them" : "it",
				  reason, strchr(names, ' ') ? "them" : "it", words, dir);
	}
	return 0;
}

static int create_v2(struct cgroup *cg, const struct cgroup_limits *limits)
{
	const struct cgroup_layout *layout = &cg->layout;
	unsigned required = cgroup_limits_controllers(limits);
	/* memory.current and pids.current exist only where those controllers are on; stats want them. */
	unsigned wanted = required | 1u << CG_MEMORY | 1u << CG_PIDS;

	/* 1. What the v2 tree offers at all. */
	char *offered = cg_read(layout->unified, "cgroup.controllers", layout->simulated);
	if (!offered)
		return -1;
	unsigned available = 0;
	for (int c = 0; c < CG_CONTROLLER_COUNT; c++)
		if (has_word(offered, cgroup_controller_name(c)))
			available |= 1u << c;
	offered[strcspn(offered, "\n")] = '\0';
	for (int c = 0; c < CG_CONTROLLER_COUNT; c++)
		if ((required & (1u << c)) && !(available & (1u << c))) {
			fail_errno(0, "the %s controller is not available: %s/cgroup.controllers lists \"%s\" (the "
				      "kernel lacks it, or a v1 hierarchy holds it: see /proc/cgroups)",
				   cgroup_controller_name(c), layout->unified, offered);
			free(offered);
			return -1;
		}
	free(offered);

	/* 2. Down the parent's levels: enable in each level, then create the next. */
	unsigned enable = wanted & available;
	char level[PATH_MAX];
	snprintf(level, sizeof(level), "%s", layout->unified);
	for (const char *p = cg->parent; *p; ) {
		const char *slash = strchrnul(p, '/');
		if (enable_in(layout, level, enable, required) < 0)
			return -1;
		size_t len = strlen(level);
		snprintf(level + len, sizeof(level) - len, "/%.*s", (int)(slash - p), p);
		if (cg_mkdir(level, false) < 0)
			return -1;
		p = *slash ? slash + 1 : slash;
	}
	if (enable_in(layout, level, enable, required) < 0)
		return -1;

	/* 3. The leaf: the container's own cgroup, where its processes will live. */
	if (path_join(cg->v2, level, cg->id) < 0 || cg_mkdir(cg->v2, true) < 0) {
		cg->v2[0] = '\0';
		return -1;
	}
	return 0;
}

/* ---- v1 (and hybrid): one folder per tree ------------------------------------------------ */

/* A new v1 cpuset is empty; an intermediate one (tinydock/) gets its parent's CPUs and memory. */
static int fill_cpuset_from_parent(const struct cgroup_layout *layout, const char *dir, const char *parent_dir)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	for (int i = 0; i < 2; i++) {
		char *mine = cg_read(dir, files[i], layout->simulated);
		if (!mine)
			return -1;
		bool empty = mine[strspn(mine, " \n")] == '\0';
		free(mine);
		if (!empty)
			continue;
		char *theirs = cg_read(parent_dir, files[i], false);
		if (!theirs)
			return -1;
		theirs[strcspn(theirs, "\n")] = '\0';
		int rc = cgroup_write_value(layout, dir, files[i], theirs);
		free(theirs);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* mkdir mount/parent..., then mount/parent/id; returns the leaf in out. */
static int make_path(const struct cgroup_layout *layout, const char *mount, const char *parent, const char *id,
		     bool cpuset, char out[PATH_MAX])
{
	char level[PATH_MAX];
	snprintf(level, sizeof(level), "%s", mount);
	for (const char *p = parent; *p; ) {
		const char *slash = strchrnul(p, '/');
		char above[PATH_MAX];
		snprintf(above, sizeof(above), "%s", level);
		size_t len = strlen(level);
		snprintf(level + len, sizeof(level) - len, "/%.*s", (int)(slash - p), p);
		if (cg_mkdir(level, false) < 0)
			return -1;
		if (cpuset && fill_cpuset_from_parent(layout, level, above) < 0)
			return -1;
		p = *slash ? slash + 1 : slash;
	}
	if (path_join(out, level, id) < 0)
		return -1;
	if (cg_mkdir(out, true) < 0) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

static int create_v1(struct cgroup *cg, const struct cgroup_limits *limits)
{
	const struct cgroup_layout *layout = &cg->layout;
	unsigned required = cgroup_limits_controllers(limits);
	for (int c = 0; c < CG_CONTROLLER_COUNT; c++)
		if ((required & (1u << c)) && !layout->v1[c][0])
			return fail_errno(0, "the %s controller is not mounted: no v1 hierarchy under %s has it (see "
					     "/proc/self/mountinfo and /proc/cgroups; mount it with: mkdir %s/%s && "
					     "mount -t cgroup -o %s cgroup %s/%s)",
					  cgroup_controller_name(c), layout->root, layout->root,
					  cgroup_controller_name(c), cgroup_controller_name(c), layout->root,
					  cgroup_controller_name(c));
	unsigned joined = v1_joined(layout, required);
	for (int c = 0; c < CG_CONTROLLER_COUNT; c++) {
		if (!(joined & (1u << c)))
			continue;
		/* Co-mounted controllers (cpu,cpuacct) share one tree, hence one folder. */
		int same = -1;
		for (int before = 0; before < c; before++)
			if ((joined & (1u << before)) && strcmp(layout->v1[before], layout->v1[c]) == 0)
				same = before;
		if (same >= 0) {
			memcpy(cg->v1[c], cg->v1[same], sizeof(cg->v1[c])); /* same size, never the same element */
			continue;
		}
		if (make_path(layout, layout->v1[c], cg->parent, cg->id, c == CG_CPUSET, cg->v1[c]) < 0)
			return -1;
	}
	/* Hybrid: the v2 tree has no controllers for us, but it tracks every process of the container,
	 * which makes "who is still running" and cgroup.kill exact. */
	if (layout->mode == CGROUP_HYBRID && layout->unified[0])
		if (make_path(layout, layout->unified, cg->parent, cg->id, false, cg->v2) < 0)
			return -1;
	return 0;
}

/* ---- the public steps -------------------------------------------------------------------- */

static int start(struct cgroup *cg, const struct cgroup_layout *layout, const char *parent, const char *id)
{
	memset(cg, 0, sizeof(*cg));
	if (check_names(parent, id) < 0)
		return -1;
	cg->layout = *layout;
	snprintf(cg->parent, sizeof(cg->parent), "%s", parent);
	snprintf(cg->id, sizeof(cg->id), "%s", id);
	return 0;
}

static int write_limits(const struct cgroup *cg, const struct cgroup_limits *limits)
{
	struct cgroup_write writes[CGROUP_MAX_WRITES];
	size_t count = cgroup_limits_writes(limits, cg->layout.mode, writes);
	for (size_t i = 0; i < count; i++) {
		const struct cgroup_write *w = &writes[i];
		const char *dir = cg->layout.mode == CGROUP_V2 ? cg->v2 : cg->v1[w->controller];
		if (!w->from_parent) {
			if (cgroup_write_value(&cg->layout, dir, w->file, w->value) == 0)
				continue;
			if (!w->optional || error_errno() != ENOENT)
				return -1;
			error_clear(); /* Docker's swap default, on a kernel without swap accounting */
			explain(CH, "no %s here (no swap accounting): swap stays unlimited", w->file);
			continue;
		}
		char parent_dir[PATH_MAX];
		snprintf(parent_dir, sizeof(parent_dir), "%s", dir);
		*strrchr(parent_dir, '/') = '\0';
		char *value = cg_read(parent_dir, w->file, false);
		if (!value)
			return -1;
		value[strcspn(value, "\n")] = '\0';
		int rc = cgroup_write_value(&cg->layout, dir, w->file, value);
		free(value);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Undo a half-made cgroup without losing the error that stopped us. */
static int undo_create(const struct cgroup *cg)
{
	struct error_saved first;
	error_save(&first);
	cgroup_remove(cg);
	return error_restore(&first);
}

int cgroup_create(const struct cgroup_layout *layout, const char *parent, const char *id,
		  const struct cgroup_limits *limits, struct cgroup *cg)
{
	if (start(cg, layout, parent, id) < 0)
		return -1;
	int rc = layout->mode == CGROUP_V2 ? create_v2(cg, limits) : create_v1(cg, limits);
	if (rc == 0)
		rc = write_limits(cg, limits);
	if (rc < 0)
		return undo_create(cg);
	return 0;
}

int cgroup_open(const struct cgroup_layout *layout, const char *parent, const char *id, struct cgroup *cg)
{
	if (start(cg, layout, parent, id) < 0)
		return -1;
	bool found = false;
	char path[PATH_MAX];
	if (layout->unified[0]) {
		snprintf(path, sizeof(path), "%s/%s/%s", layout->unified, parent, id);
		if (is_directory(path)) {
			snprintf(cg->v2, sizeof(cg->v2), "%s", path);
			found = true;
		}
	}
	if (layout->mode != CGROUP_V2)
		for (int c = 0; c < CG_CONTROLLER_COUNT; c++) {
			if (!layout->v1[c][0])
				continue;
			snprintf(path, sizeof(path), "%s/%s/%s", layout->v1[c], parent, id);
			if (is_directory(path)) {
				snprintf(cg->v1[c], sizeof(cg->v1[c]), "%s", path);
				found = true;
			}
		}
	if (!found)
		return fail_errno(ENOENT, "no cgroup \"%s/%s\" under %s", parent, id, layout->root);
	return 0;
}

int cgroup_attach_v1(const struct cgroup *cg, pid_t pid)
{
	char text[32];
	snprintf(text, sizeof(text), "%d", (int)pid);
	for (int c = 0; c < CG_CONTROLLER_COUNT; c++)
		if (first_in_folder(cg, c) && cgroup_write_value(&cg->layout, cg->v1[c], "cgroup.procs", text) < 0)
			return fail_context("cannot move process %d into its cgroup", (int)pid);
	return 0;
}

int cgroup_attach(const struct cgroup *cg, pid_t pid)
{
	if (cgroup_attach_v1(cg, pid) < 0)
		return -1;
	char text[32];
	snprintf(text, sizeof(text), "%d", (int)pid);
	if (cg->v2[0] && cgroup_write_value(&cg->layout, cg->v2, "cgroup.procs", text) < 0)
		return fail_context("cannot move process %d into its cgroup", (int)pid);
	return 0;
}

int cgroup_open_folder(const struct cgroup *cg, int *folder)
{
	*folder = -1;
	if (!cg->v2[0] || cg->layout.simulated)
		return 0;
	/* O_PATH is enough: the kernel only looks up the cgroup behind the descriptor. */
	*folder = open(cg->v2, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*folder < 0)
		return fail_sys("cannot open the cgroup folder \"%s\"", cg->v2);
	return 0;
}

/* Append the pids listed in dir/cgroup.procs to *pids, skipping ones already there. */
static int collect_pids(const char *dir, pid_t **pids, size_t *count, size_t *cap)
{
	/* a folder already gone holds no process: removing twice is fine */
	char *text = cg_read(dir, "cgroup.procs", true);
	if (!text)
		return -1;
	for (char *p = text; *p; ) {
		char *end;
		long pid = strtol(p, &end, 10);
		if (end == p)
			break;
		p = end + (*end == '\n');
		bool seen = false;
		for (size_t i = 0; i < *count && !seen; i++)
			seen = (*pids)[i] == pid;
		if (seen || pid <= 0)
			continue;
		if (*count == *cap) {
			size_t bigger = *cap ? *cap * 2 : 16;
			pid_t *grown = realloc(*pids, bigger * sizeof(pid_t));
			if (!grown) {
				free(text);
				return fail_errno(ENOMEM, "cannot list the processes of \"%s\"", dir);
			}
			*pids = grown;
			*cap = bigger;
		}
		(*pids)[(*count)++] = (pid_t)pid;
	}
	free(text);
	return 0;
}

int cgroup_pids(const struct cgroup *cg, pid_t **pids, size_t *count)
{
	size_t cap = 0;
	*pids = NULL;
	*count = 0;
	if (cg->v2[0] && collect_pids(cg->v2, pids, count, &cap) < 0)
		goto fail;
	for (int c = 0; c < CG_CONTROLLER_COUNT; c++)
		if (first_in_folder(cg, c) && collect_pids(cg->v1[c], pids, count, &cap) < 0)
			goto fail;
	return 0;
fail:
	free(*pids);
	*pids = NULL;
	*count = 0;
	return -1;
}

static void pause_step(void)
{
	struct timespec step = { 0, WAIT_STEP_NS };
	nanosleep(&step, NULL);
}

/*
 * Kill every process of the cgroup and wait until none is left. v2 (5.14+) has cgroup.kill,
 * which kills the whole cgroup at once, new forks included. Without it we read cgroup.procs and
 * kill each pid, round after round, because a process may fork between our read and our kill
 * (the pids limit bounds how many can appear). Bounded: WAIT_ROUNDS rounds of 10 ms.
 */
static int kill_all(const struct cgroup *cg)
{
	if (cg->layout.simulated)
		return 0;
	/* The usual case, a container whose init was its last process and has been reaped: one
	 * read of each tree's cgroup.procs finds them all empty, and there is nothing to kill. */
	pid_t *left;
	size_t left_count;
	if (cgroup_pids(cg, &left, &left_count) < 0)
		return -1;
	free(left);
	if (left_count == 0)
		return 0;
	char kill_file[PATH_MAX] = "";
	bool kill_file_used = false;
	if (cg->v2[0] && path_join(kill_file, cg->v2, "cgroup.kill") == 0 && access(kill_file, F_OK) == 0) {
		if (cgroup_write_value(&cg->layout, cg->v2, "cgroup.kill", "1") < 0)
			error_clear(); /* fall back to killing pid by pid */
		else
			kill_file_used = true;
	}
	for (int round = 0; round < WAIT_ROUNDS; round++) {
		pid_t *pids;
		size_t count;
		if (cgroup_pids(cg, &pids, &count) < 0)
			return -1;
		if (count == 0)
			return 0;
		if (!kill_file_used || round > WAIT_ROUNDS / 2)
			for (size_t i = 0; i < count; i++)
				explain_result(CH, kill(pids[i], SIGKILL), "kill(%d, SIGKILL)", (int)pids[i]);
		free(pids);
		pause_step();
	}
	return fail_errno(EBUSY, "processes of cgroup \"%s/%s\" still run after %d ms of killing", cg->parent, cg->id,
			  (int)(WAIT_ROUNDS * (WAIT_STEP_NS / 1000000)));
}

/* A fake root's folder holds the files our writes created; the kernel's hold none of their own. */
static void remove_simulated_files(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *entry;
	while ((entry = readdir(d)) != NULL)
		if (entry->d_type == DT_REG)
			unlinkat(dirfd(d), entry->d_name, 0);
	closedir(d);
}

/* rmdir, retrying while the kernel is still releasing the cgroup (EBUSY right after the last
 * process died: the exit is not complete until its parent has reaped it, or a moment later). */
static int remove_folder(const struct cgroup_layout *layout, const char *dir)
{
	if (layout->simulated)
		remove_simulated_files(dir);
	for (int round = 0;; round++) {
		int rc = rmdir(dir);
		if (rc == 0 || errno == ENOENT || errno != EBUSY || round == WAIT_ROUNDS) {
			explain_result(CH, rc, "rmdir %s", dir);
			if (rc < 0 && errno == ENOENT)
				return 0;
			if (rc < 0)
				return fail_sys("cannot remove cgroup \"%s\"", dir);
			return 0;
		}
		pause_step();
	}
}

int cgroup_remove(const struct cgroup *cg)
{
	int rc = kill_all(cg);
	for (int c = 0; c < CG_CONTROLLER_COUNT; c++)
		if (first_in_folder(cg, c) && remove_folder(&cg->layout, cg->v1[c]) < 0)
			rc = -1;
	if (cg->v2[0] && remove_folder(&cg->layout, cg->v2) < 0)
		rc = -1;
	return rc;
}
