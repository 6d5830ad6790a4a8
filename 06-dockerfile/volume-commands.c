/*
 * volume-commands.c - `tinydock volume create|ls|inspect|rm|prune`, and `rm -v`.
 *
 * The commands of Docker's local driver, with Docker's output, so a lecture's screenshot
 * matches:
 *
 *   $ tinydock volume create site      site
 *   $ tinydock volume ls               DRIVER    VOLUME NAME
 *                                      local     site
 *   $ tinydock volume inspect site     [{"CreatedAt": ..., "Driver": "local", "Labels": {},
 *                                        "Mountpoint": ".../volumes/site/_data", "Name": "site",
 *                                        "Options": null, "Scope": "local"}]
 *   $ tinydock volume rm site          site   (refused while a container, even stopped, uses it)
 *   $ tinydock volume prune [-a] [-f]  the anonymous volumes no container uses (all with -a),
 *                                      as Docker 23 and later
 *   $ tinydock rm -v CONTAINER         the container, then its anonymous volumes
 */
#include "volume-commands.h"
#include "cli.h"
#include "container-find.h"
#include "container-store.h"
#include "error.h"
#include "inspect.h"
#include "json.h"
#include "runtime.h"
#include "volume-store.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char VOLUME_HELP[] = "Usage:  tinydock volume COMMAND\n"
				  "\n"
				  "Manage volumes: folders under $TINYDOCK_ROOT/volumes that outlive containers.\n"
				  "\n"
				  "Commands:\n"
				  "  create [NAME]     Create a volume (a random name without NAME)\n"
				  "  inspect VOLUME... Display detailed information on one or more volumes\n"
				  "  ls                List volumes (-q: only names)\n"
				  "  prune [-a] [-f]   Remove unused anonymous volumes (-a: all unused volumes)\n"
				  "  rm VOLUME...      Remove one or more volumes not used by any container\n";

static int volume_create_command(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help("Usage:  tinydock volume create [NAME]\n\nCreate a volume.\n");
	if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
		return usage_error("volume create", argc > 2 ? "requires at most 1 argument" : "unknown flag: %s", argv[1]);
	char name[VOLUME_NAME_MAX + 1] = "";
	if (argc == 2)
		snprintf(name, sizeof(name), "%s", argv[1]);
	bool created;
	if (volume_create(name, false, &created) < 0)
		return command_failed("volume create");
	printf("%s\n", name);
	return 0;
}

static int volume_ls(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help("Usage:  tinydock volume ls [-q]\n\nList volumes.\n");
	bool quiet = argc == 2 && (strcmp(argv[1], "-q") == 0 || strcmp(argv[1], "--quiet") == 0);
	if (argc > 2 || (argc == 2 && !quiet))
		return usage_error("volume ls", "unknown flag: %s", argv[1]);
	char **names;
	size_t count;
	if (volume_list(&names, &count) < 0)
		return command_failed("volume ls");
	if (!quiet)
		printf("%-9s %s\n", "DRIVER", "VOLUME NAME");
	for (size_t i = 0; i < count; i++)
		quiet ? printf("%s\n", names[i]) : printf("%-9s %s\n", "local", names[i]);
	volume_list_free(names, count);
	return 0;
}

static struct json *volume_json(const struct volume_info *info)
{
	struct json *v = json_new_object(), *labels = json_new_object();
	bool ok = v && labels && json_add_string(v, "CreatedAt", info->created_at) &&
		  json_add_string(v, "Driver", "local") &&
		  (!info->anonymous || json_add_string(labels, "com.docker.volume.anonymous", "")) &&
		  json_add(v, "Labels", labels) && json_add_string(v, "Mountpoint", info->mountpoint) &&
		  json_add_string(v, "Name", info->name) && json_add(v, "Options", json_new_null()) &&
		  json_add_string(v, "Scope", "local");
	if (!ok) {
		if (!v)
			json_free(labels);
		json_free(v);
		return NULL;
	}
	return v;
}

struct json *volume_inspect_document(const char *name)
{
	struct volume_info info;
	if (volume_load(name, &info) < 0)
		return NULL;
	struct json *doc = volume_json(&info);
	if (!doc)
		fail_errno(ENOMEM, "cannot inspect the volume \"%s\"", name);
	return doc;
}

static int volume_inspect(int argc, char **argv)
{
	static const struct inspect_kind kinds[] = { { "volume", volume_inspect_document } };
	return inspect_command(argc, argv, kinds, 1);
}

static int volume_rm(int argc, char **argv)
{
	if (asks_for_help(argc, argv) || argc < 2)
		return argc < 2 ? arguments_error("volume rm", "requires at least 1 argument")
				: print_help("Usage:  tinydock volume rm VOLUME [VOLUME...]\n\n"
					     "Remove one or more volumes. A volume in use by a container (even a stopped\n"
					     "one) cannot be removed: remove the container first.\n");
	int code = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "--force") == 0)
			continue; /* Docker's -f only hides "no such volume"; we say it anyway */
		if (volume_remove(argv[i], NULL) < 0)
			code = error_report(1); /* and go on with the next, as Docker (its exit code: 1) */
		else
			printf("%s\n", argv[i]);
	}
	return code;
}

static const char PRUNE_HELP[] = "Usage:  tinydock volume prune [OPTIONS]\n"
				 "\n"
				 "Remove the anonymous volumes that no container uses (all unused volumes with -a).\n"
				 "\n"
				 "Options:\n"
				 "  -a, --all     Remove named volumes too, not only anonymous ones\n"
				 "  -f, --force   Do not prompt for confirmation\n";

static int volume_prune(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(PRUNE_HELP);
	bool all, force;
	int code = parse_prune_flags("volume prune", argc, argv, &all, &force);
	if (code)
		return code;
	if (!force && !confirmed(all ? "This will remove all local volumes not used by at least one container."
				    : "This will remove anonymous local volumes not used by at least one container."))
		return 0;
	char **names;
	size_t count;
	if (volume_list(&names, &count) < 0)
		return command_failed("volume prune");
	bool header = false;
	for (size_t i = 0; i < count; i++) {
		struct volume_info info;
		size_t users;
		char ids[1][CONTAINER_ID_LENGTH + 1];
		if (volume_load(names[i], &info) < 0 || volume_users(names[i], ids, 1, &users) < 0) {
			error_report(0);
			continue;
		}
		if (users > 0 || (!all && !info.anonymous))
			continue;
		if (volume_remove(names[i], NULL) < 0) {
			error_report(0);
			continue;
		}
		if (!header)
			printf("Deleted Volumes:\n");
		header = true;
		printf("%s\n", names[i]);
	}
	volume_list_free(names, count);
	printf("%sTotal reclaimed space: 0B\n", header ? "\n" : "");
	return 0;
}

int cmd_volume(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int, char **);
	} sub[] = {
		{ "create", volume_create_command }, { "ls", volume_ls }, { "list", volume_ls },
		{ "inspect", volume_inspect },       { "rm", volume_rm }, { "remove", volume_rm },
		{ "prune", volume_prune },
	};
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return argc < 2 ? (fputs(VOLUME_HELP, stderr), EXIT_TINYDOCK_FAILED) : print_help(VOLUME_HELP);
	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++)
		if (strcmp(argv[1], sub[i].name) == 0)
			return sub[i].run(argc - 1, argv + 1);
	return usage_error("volume", "unknown command \"%s\"", argv[1]);
}

/* --- rm -v ----------------------------------------------------------------------------------- */

/* The anonymous volumes of container ref, appended to names (the record says which volumes it
 * mounts, their labels which are anonymous). */
static void anonymous_volumes_of(const char *ref, char ***names, size_t *count)
{
	char id[CONTAINER_ID_LENGTH + 1];
	struct container_record r;
	if (container_resolve(ref, id) < 0 || container_record_load(id, &r) < 0) {
		error_clear(); /* cmd_rm says it */
		return;
	}
	for (size_t i = 0; i < r.mount_count; i++) {
		struct volume_info info;
		if (strcmp(r.mounts[i].type, "volume") != 0 || volume_load(r.mounts[i].name, &info) < 0 ||
		    !info.anonymous) {
			error_clear();
			continue;
		}
		char **more = realloc(*names, (*count + 1) * sizeof(*more));
		if (!more)
			break;
		*names = more;
		if (((*names)[*count] = strdup(info.name)))
			(*count)++;
	}
	container_record_free(&r);
}

int volume_cmd_rm(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help("Usage:  tinydock rm [OPTIONS] CONTAINER [CONTAINER...]\n"
				  "\n"
				  "Remove one or more containers: their record, log, live state and leftover cgroup.\n"
				  "\n"
				  "Options:\n"
				  "  -f, --force     Force the removal of a running container (uses SIGKILL)\n"
				  "  -v, --volumes   Remove the anonymous volumes of the container\n");
	/* Take -v/--volumes out; chapter 03's rm does the rest (-f, the containers). */
	char **rest = calloc((size_t)argc + 1, sizeof(*rest));
	if (!rest)
		return command_failed("rm");
	bool volumes = false, options = true;
	int n = 0;
	for (int i = 0; i < argc; i++) {
		char *a = argv[i];
		if (i > 0 && options && strcmp(a, "--") == 0)
			options = false;
		if (i > 0 && options && (strcmp(a, "-v") == 0 || strcmp(a, "--volumes") == 0)) {
			volumes = true;
			continue;
		}
		if (i > 0 && options && (strcmp(a, "-fv") == 0 || strcmp(a, "-vf") == 0)) {
			volumes = true;
			a = "-f";
		}
		rest[n++] = a;
	}
	char **names = NULL;
	size_t count = 0;
	for (int i = 1; volumes && i < n; i++)
		if (rest[i][0] != '-')
			anonymous_volumes_of(rest[i], &names, &count);
	int code = cmd_rm(n, rest);
	for (size_t i = 0; i < count; i++) {
		/* Only the volumes of containers that are gone now (rm of another may have failed). */
		if (volume_remove(names[i], NULL) < 0)
			error_clear(); /* still used: by a container rm refused, or another */
		free(names[i]);
	}
	free(names);
	free(rest);
	return code;
}
