/*
 * swarm-visualize-files.c - finding a file of the page by the path a browser asks for
 * (swarm-visualize-files.h). The files themselves are in the generated visualizer-data.c.
 */
#include "swarm-visualize-files.h"

#include <string.h>

const struct swarm_visualize_file *swarm_visualize_file_find(const char *target)
{
	size_t length = strcspn(target, "?#");
	if (length == 1 && target[0] == '/')
		return swarm_visualize_file_find("/index.html");
	for (const struct swarm_visualize_file *file = swarm_visualize_files; file->path; file++)
		if (strlen(file->path) == length && memcmp(file->path, target, length) == 0)
			return file;
	return NULL;
}
