/*
 * build-heredoc.c - COPY's here-documents as files: named after their delimiters, written
 * with BuildKit's mode, their bodies expanded unless the delimiter was quoted (the reference,
 * "Here-Documents": `COPY <<-"EOT" /script.sh` keeps its `$`).
 */
#include "build-heredoc.h"
#include "error.h"
#include "files.h"
#include "heredoc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool heredoc_file_name_ok(const char *name)
{
	return name[0] && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..");
}

int heredoc_copy_words(const struct instruction *in, char ***words, size_t *count, size_t *heredoc_sources)
{
	*words = calloc(in->arg_count + 1, sizeof(**words));
	*count = 0;
	*heredoc_sources = 0;
	if (!*words)
		return fail_errno(ENOMEM, "COPY");
	size_t next = 0;
	for (size_t i = 0; i < in->arg_count; i++) {
		const char *word = in->args[i];
		if (heredoc_is_marker(word) && next < in->heredoc_count) {
			word = in->heredocs[next++].name;
			if (!heredoc_file_name_ok(word)) {
				expand_free_words(*words);
				*words = NULL;
				return fail_errno(0, "Dockerfile line %d: here-document <<%s cannot name a file", in->line,
						  word);
			}
			++*heredoc_sources;
		}
		if (!((*words)[(*count)++] = strdup(word))) {
			expand_free_words(*words);
			*words = NULL;
			return fail_errno(ENOMEM, "COPY");
		}
	}
	return 0;
}

/* One file, mode set exactly (open(2)'s mode passes through the umask; fchmod(2) does not). */
static int write_heredoc_file(const char *dir, const struct heredoc *doc, char escape, const struct expand_env *env)
{
	char *expanded = NULL;
	if (doc->expand && expand_heredoc(doc->content, escape, env, &expanded) < 0)
		return fail_context("here-document <<%s", doc->name);
	const char *content = expanded ? expanded : doc->content;
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, doc->name);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, HEREDOC_FILE_MODE);
	int rc = fd < 0 ? fail_errno(errno, "create %s", path) : 0;
	if (rc == 0 && write_all(fd, content, strlen(content)) < 0)
		rc = fail_errno(errno, "write %s", path);
	if (rc == 0 && fchmod(fd, HEREDOC_FILE_MODE) < 0)
		rc = fail_errno(errno, "chmod %s", path);
	if (fd >= 0)
		close(fd);
	free(expanded);
	return rc;
}

int heredoc_files_write(const char *parent, const struct instruction *in, char escape,
			const struct expand_env *env, char dir[PATH_MAX])
{
	snprintf(dir, PATH_MAX, "%s/heredoc-XXXXXX", parent);
	if (make_dirs(parent, 0700) < 0)
		return -1;
	if (!mkdtemp(dir))
		return fail_errno(errno, "create %s", dir);
	for (size_t i = 0; i < in->heredoc_count; i++) {
		if (!heredoc_file_name_ok(in->heredocs[i].name)) {
			fail_errno(0, "Dockerfile line %d: here-document <<%s cannot name a file", in->line,
				   in->heredocs[i].name);
		} else if (write_heredoc_file(dir, &in->heredocs[i], escape, env) == 0) {
			continue;
		}
		struct error_saved first;
		error_save(&first);
		remove_tree(dir);
		error_restore(&first);
		return -1;
	}
	return 0;
}
