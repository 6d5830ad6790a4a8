/*
 * options.c - `tinydock run`'s flags, turned into a struct container. Pure: no system calls.
 *
 * `docker run [OPTIONS] IMAGE [COMMAND] [ARG...]`. The flags keep Docker's names
 * (-e -w -u -i -t -p --rm --name --network --network-alias --hostname --privileged) so that what
 * students type in the lecture works here; chapter 05 replaces --rootfs DIR with an image name.
 *
 * Everything that can be checked without touching the system is checked here, before a single
 * namespace exists: a bad flag costs nothing to undo. getopt_long(3) with a leading '+' stops at
 * the first operand, so in `run --rootfs r ls -l` the -l belongs to ls.
 *
 * Next: namespaces.c (the clone flags these options choose).
 */
#include "container.h"
#include "cli.h"
#include "env-file.h"
#include "error.h"
#include "exec.h"
#include "host-entries.h"
#include "network.h"
#include "sysctls.h"
#include "users.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
	OPT_ROOTFS = 256,
	OPT_HOSTNAME,
	OPT_RM,
	OPT_NAME,
	OPT_NETWORK,
	OPT_NETWORK_ALIAS,
	OPT_USERNS,
	OPT_UIDMAP,
	OPT_GIDMAP,
	OPT_PRIVILEGED,
	OPT_CAP_ADD,
	OPT_CAP_DROP,
	OPT_SECURITY_OPT,
	OPT_ADD_HOST,
	OPT_SYSCTL,
	OPT_READ_ONLY,
	OPT_ENV_FILE,
	OPT_INIT,
	OPT_ATTACH = 'a',
};

static const struct option long_options[] = {
	{ "rootfs", required_argument, NULL, OPT_ROOTFS },
	{ "hostname", required_argument, NULL, OPT_HOSTNAME },
	{ "env", required_argument, NULL, 'e' },
	{ "workdir", required_argument, NULL, 'w' },
	{ "user", required_argument, NULL, 'u' },
	{ "interactive", no_argument, NULL, 'i' },
	{ "tty", no_argument, NULL, 't' },
	{ "rm", no_argument, NULL, OPT_RM },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "network", required_argument, NULL, OPT_NETWORK },
	{ "net", required_argument, NULL, OPT_NETWORK },
	{ "network-alias", required_argument, NULL, OPT_NETWORK_ALIAS },
	{ "publish", required_argument, NULL, 'p' },
	{ "userns", no_argument, NULL, OPT_USERNS },
	{ "uidmap", required_argument, NULL, OPT_UIDMAP },
	{ "gidmap", required_argument, NULL, OPT_GIDMAP },
	{ "privileged", no_argument, NULL, OPT_PRIVILEGED },
	{ "cap-add", required_argument, NULL, OPT_CAP_ADD },
	{ "cap-drop", required_argument, NULL, OPT_CAP_DROP },
	{ "security-opt", required_argument, NULL, OPT_SECURITY_OPT },
	{ "add-host", required_argument, NULL, OPT_ADD_HOST },
	{ "sysctl", required_argument, NULL, OPT_SYSCTL },
	{ "read-only", no_argument, NULL, OPT_READ_ONLY },
	{ "env-file", required_argument, NULL, OPT_ENV_FILE },
	{ "init", no_argument, NULL, OPT_INIT },
	{ "attach", required_argument, NULL, OPT_ATTACH },
	{ NULL, 0, NULL, 0 },
};

int check_hostname(const char *name)
{
	size_t length = strlen(name);
	if (length == 0)
		return fail_errno(0, "invalid hostname \"\": it must not be empty");
	if (length > MAX_HOSTNAME)
		return fail_errno(0, "invalid hostname \"%.20s...\": %zu characters, at most %d (HOST_NAME_MAX)",
				  name, length, MAX_HOSTNAME);
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.')
			return fail_errno(0, "invalid hostname \"%s\": only letters, digits, '-' and '.' (RFC 1123)",
					  name);
	return 0;
}

/* A whole number that fits in an id (uid_t/gid_t are 32-bit; (uid_t)-1 means "no change"). */
static int parse_id(const char *text, unsigned long *id)
{
	unsigned long long value;
	if (parse_uint(text, 4294967294ULL, &value) < 0)
		return -1;
	*id = (unsigned long)value;
	return 0;
}

int parse_id_map(const char *text, struct id_map *map)
{
	char copy[96];
	if (snprintf(copy, sizeof(copy), "%s", text) >= (int)sizeof(copy))
		return fail_errno(0, "invalid id map \"%.20s...\": too long", text);
	char *second = strchr(copy, ':');
	char *third = second ? strchr(second + 1, ':') : NULL;
	if (!second || !third)
		return fail_errno(0, "invalid id map \"%s\": expected CONTAINER:HOST:COUNT", text);
	*second++ = '\0';
	*third++ = '\0';
	unsigned long inside, outside, count;
	if (parse_id(copy, &inside) < 0 || parse_id(second, &outside) < 0 || parse_id(third, &count) < 0 ||
	    count == 0)
		return fail_errno(0, "invalid id map \"%s\": expected CONTAINER:HOST:COUNT, numbers, COUNT > 0", text);
	if (inside + count - 1 > 4294967294UL || outside + count - 1 > 4294967294UL)
		return fail_errno(0, "invalid id map \"%s\": the range goes past the largest id", text);
	map->inside = inside;
	map->outside = outside;
	map->count = count;
	return 0;
}

/* Docker's rule for --name: [a-zA-Z0-9][a-zA-Z0-9_.-]+ */
static int check_name(const char *name)
{
	bool ok = isalnum((unsigned char)name[0]) && name[1] != '\0' && strlen(name) <= 128;
	for (const char *p = name + 1; ok && *p; p++)
		ok = isalnum((unsigned char)*p) || *p == '_' || *p == '.' || *p == '-';
	return ok ? 0 : fail_errno(0, "invalid container name \"%s\": only [a-zA-Z0-9][a-zA-Z0-9_.-]+ allowed", name);
}

static int add_map(struct id_map *maps, size_t *count, const char *text)
{
	if (*count == MAX_ID_MAPS)
		return fail_errno(0, "too many id maps: at most %d", MAX_ID_MAPS);
	if (parse_id_map(text, &maps[*count]) < 0)
		return -1;
	(*count)++;
	return 0;
}

/* Combinations Docker refuses too, checked before anything exists. */
static int check_network_options(const struct container *c)
{
	const char *mode = c->network == NETWORK_NONE ? "none" : c->network == NETWORK_HOST ? "host" : NULL;
	/* A port is published to the container's own address; none has no address but its
	 * loopback, and host has the host's own ports already. (Docker refuses this for
	 * --network container:ID with these words, and only warns "Published ports are
	 * discarded when using host network mode" for host; a flag that silently does
	 * nothing misleads, so tinydock refuses both.) */
	if (c->port_count > 0 && mode)
		return fail_errno(0, "conflicting options: port publishing and the %s network mode", mode);
	if (c->alias_count > 0 && mode)
		return fail_errno(0, "conflicting options: --network-alias and the %s network mode", mode);
	/* Docker's own rule and words: aliases are names on a user-defined network. */
	if (c->alias_count > 0 && (!c->network_name || strcmp(c->network_name, NETWORK_DEFAULT) == 0))
		return fail_errno(0, "network-scoped alias is supported only for containers in user defined networks");
	/* A second network is a second eth: none and host have no eth of ours to add to. */
	if (c->more_network_count > 0 && mode)
		return fail_errno(0, "conflicting options: cannot attach both user-defined and non-user-defined network-modes");
	/* --add-host lines go into the hosts file that a bridge network writes (hosts.c). */
	if (c->extra_host_count > 0 && mode)
		return fail_errno(0, "conflicting options: --add-host and the %s network mode (tinydock writes "
				     "/etc/hosts only for a bridge network)", mode);
	/* Checked once the network is known, whatever the order of the flags. */
	for (size_t i = 0; i < c->sysctl_count; i++) {
		enum sysctl_namespace ns;
		if (sysctl_check(c->sysctls[i], c->network != NETWORK_HOST, &ns) < 0)
			return -1;
	}
	return 0;
}

/* --network NAME: the first one is the container's network; each one after it is joined too,
 * right after the first (Docker 25 and later accept --network more than once). */
static int add_network(struct container *c, const char *name)
{
	enum network_mode mode = strcmp(name, "none") == 0   ? NETWORK_NONE
				 : strcmp(name, "host") == 0 ? NETWORK_HOST
							     : NETWORK_BRIDGE;
	if (!c->network_name) {
		/* none and host are modes; every other name is a bridge network: "bridge" (the
		 * default) or one from `tinydock network create`, looked up when run starts. */
		c->network = mode;
		c->network_name = name;
		return 0;
	}
	if (mode != NETWORK_BRIDGE || c->network != NETWORK_BRIDGE)
		return fail_errno(0, "conflicting options: cannot attach both user-defined and non-user-defined network-modes");
	bool twice = strcmp(c->network_name, name) == 0;
	for (size_t i = 0; i < c->more_network_count; i++)
		twice = twice || strcmp(c->more_networks[i].name, name) == 0;
	if (twice)
		return fail_errno(0, "network %s is given twice", name);
	if (c->more_network_count == MAX_MORE_NETWORKS)
		return fail_errno(0, "too many --network values: at most %d", MAX_MORE_NETWORKS + 1);
	c->more_networks[c->more_network_count++] = (struct network_join){ .name = name };
	return 0;
}

/* -a/--attach STREAM: which of the foreground run's streams are the terminal's (docker run
 * --attach: stdin, stdout or stderr, any case, repeatable). Without -a, stdout and stderr are. */
static int attach_stream(struct container *c, const char *name)
{
	static const struct {
		const char *name;
		unsigned bit;
	} streams[] = { { "stdin", ATTACH_STDIN }, { "stdout", ATTACH_STDOUT }, { "stderr", ATTACH_STDERR } };
	for (size_t i = 0; i < sizeof(streams) / sizeof(streams[0]); i++)
		if (strcasecmp(name, streams[i].name) == 0) {
			c->attach |= streams[i].bit;
			return 0;
		}
	return fail_errno(0, "invalid argument \"%s\" for \"-a, --attach\" flag: valid streams are STDIN, STDOUT and "
			     "STDERR",
			  name);
}

/* Put the --env-file variables before the -e values: Docker's CLI reads the files first, so a
 * variable given both ways takes its -e value (the last one set wins, build_environment). */
static int add_file_variables(struct container *c, const char **from_files, size_t count)
{
	if (count == 0)
		return 0;
	if (count + c->env_count > MAX_ENV)
		return fail_errno(0, "too many environment variables: at most %d with --env-file and -e", MAX_ENV);
	memmove(c->env + count, c->env, c->env_count * sizeof(c->env[0]));
	memcpy(c->env, from_files, count * sizeof(c->env[0]));
	c->env_count += count;
	return 0;
}

/* The later chapter's flags that own option value opt (a long option's val or a short option's letter). */
static const struct run_flags *owner_of(int opt, const struct run_flags *const *flags, size_t count)
{
	for (size_t e = 0; e < count; e++) {
		const struct run_flags *x = flags[e];
		for (const struct option *o = x->options; o && o->name; o++)
			if (o->val == opt)
				return x;
		if (x->short_options && opt > 0 && opt < 128 && opt != ':' && strchr(x->short_options, opt))
			return x;
	}
	return NULL;
}

/* Chapter 02's options followed by every later chapter's, in one table for getopt_long. */
#define MAX_RUN_OPTIONS 128
static int merge_options(const struct run_flags *const *flags, size_t count, struct option *merged, char *shorts,
			 size_t shorts_size)
{
	size_t n = 0;
	for (const struct option *o = long_options; o->name; o++)
		merged[n++] = *o;
	snprintf(shorts, shorts_size, "+:e:w:u:itp:a:");
	for (size_t e = 0; e < count; e++) {
		for (const struct option *o = flags[e]->options; o && o->name; o++) {
			if (n + 1 >= MAX_RUN_OPTIONS)
				return fail_errno(0, "too many run options");
			merged[n++] = *o;
		}
		if (flags[e]->short_options)
			strncat(shorts, flags[e]->short_options, shorts_size - strlen(shorts) - 1);
	}
	memset(&merged[n], 0, sizeof(merged[n]));
	return 0;
}

void container_init(struct container *c)
{
	memset(c, 0, sizeof(*c));
	/* As Docker: the default bridge network. network_name stays NULL until run.c settles it
	 * (a rootless run cannot make veth pairs and gets none instead, see run.c). */
	c->network = NETWORK_BRIDGE;
	/* Docker's capabilities, no_new_privs and seccomp filter: a spec filled by a program is
	 * as confined as one filled from flags, unless it says otherwise. */
	security_defaults(&c->security);
	c->default_command[0] = (char *)"/bin/sh";
	c->default_command[1] = NULL;
	c->command = c->default_command;
}

int parse_run_options(int argc, char **argv, struct container *c)
{
	return parse_run_options_with(argc, argv, c, NULL, 0);
}

int parse_run_options_with(int argc, char **argv, struct container *c, const struct run_flags *const *flags,
			   size_t count)
{
	struct option merged[MAX_RUN_OPTIONS];
	char shorts[128];
	container_init(c);
	if (merge_options(flags, count, merged, shorts, sizeof(shorts)) < 0)
		return -1;
	opterr = 0; /* we word the errors ourselves, once */
	optind = 0; /* glibc: 0 starts a fresh scan (so unit tests can parse many times) */
	const char *from_files[MAX_ENV]; /* --env-file's variables: before the -e values, which win */
	size_t from_file_count = 0;
	int option;
	while ((option = cli_getopt(argc, argv, shorts, merged, NULL)) != -1) {
		switch (option) {
		case OPT_ROOTFS:
			c->rootfs = optarg;
			break;
		case OPT_HOSTNAME:
			if (check_hostname(optarg) < 0)
				return -1;
			snprintf(c->hostname, sizeof(c->hostname), "%s", optarg);
			break;
		case 'e':
			if (c->env_count == MAX_ENV)
				return fail_errno(0, "too many -e values: at most %d", MAX_ENV);
			if (optarg[0] == '=' || optarg[0] == '\0')
				return fail_errno(0, "invalid environment variable \"%s\": expected KEY=VALUE or KEY",
						  optarg);
			c->env[c->env_count++] = optarg;
			break;
		case 'w':
			if (optarg[0] != '/')
				return fail_errno(0, "the working directory \"%s\" is invalid, it needs to be an absolute path",
						  optarg);
			c->workdir = optarg;
			break;
		case 'u':
			/* only the form here: names are looked up in the container's /etc/passwd (users.c) */
			if (check_user_spec(optarg) < 0)
				return -1;
			c->user = optarg;
			break;
		case 'i':
			c->interactive = cli_flag_on(optarg);
			break;
		case 't':
			c->tty = cli_flag_on(optarg);
			break;
		case OPT_RM:
			c->remove = cli_flag_on(optarg);
			break;
		case OPT_NAME:
			if (check_name(optarg) < 0)
				return -1;
			c->name = optarg;
			break;
		case OPT_NETWORK:
			if (add_network(c, optarg) < 0)
				return -1;
			break;
		case OPT_NETWORK_ALIAS:
			if (c->alias_count == MAX_ALIASES)
				return fail_errno(0, "too many --network-alias values: at most %d", MAX_ALIASES);
			c->aliases[c->alias_count++] = optarg;
			break;
		case 'p':
			if (c->port_count == MAX_PORTS)
				return fail_errno(0, "too many published ports: at most %d", MAX_PORTS);
			if (port_mapping_parse(optarg, &c->ports[c->port_count]) < 0)
				return -1;
			c->port_count++;
			break;
		case OPT_USERNS:
			c->userns = cli_flag_on(optarg);
			break;
		case OPT_UIDMAP:
			if (add_map(c->uid_maps, &c->uid_map_count, optarg) < 0)
				return -1;
			c->userns = true;
			break;
		case OPT_GIDMAP:
			if (add_map(c->gid_maps, &c->gid_map_count, optarg) < 0)
				return -1;
			c->userns = true;
			break;
		case OPT_PRIVILEGED:
			c->privileged = cli_flag_on(optarg); /* applied once every flag is read, below */
			break;
		/* Applied in the order given, as Docker does: --cap-drop ALL --cap-add NET_BIND_SERVICE */
		case OPT_CAP_ADD:
			if (security_cap_add(&c->security, optarg) < 0)
				return -1;
			break;
		case OPT_CAP_DROP:
			if (security_cap_drop(&c->security, optarg) < 0)
				return -1;
			break;
		case OPT_SECURITY_OPT:
			if (security_opt(&c->security, optarg) < 0)
				return -1;
			break;
		case OPT_ADD_HOST:
			if (c->extra_host_count == MAX_EXTRA_HOSTS)
				return fail_errno(0, "too many --add-host values: at most %d", MAX_EXTRA_HOSTS);
			if (host_entry_check(optarg) < 0)
				return -1;
			c->extra_hosts[c->extra_host_count++] = optarg;
			break;
		case OPT_SYSCTL:
			if (c->sysctl_count == MAX_SYSCTLS)
				return fail_errno(0, "too many --sysctl values: at most %d", MAX_SYSCTLS);
			c->sysctls[c->sysctl_count++] = optarg; /* checked once the network is known */
			break;
		case OPT_READ_ONLY:
			c->read_only = cli_flag_on(optarg);
			break;
		case OPT_ENV_FILE:
			if (env_file_load(optarg, from_files, MAX_ENV, &from_file_count) < 0)
				return -1;
			break;
		case OPT_INIT:
			/* Docker's --init puts a small init (tini) in front of the command to reap orphans and
			 * pass signals on; tinydock's own init (init.c) always does both. Accepted, so that a
			 * tutorial's command line runs. */
			break;
		case OPT_ATTACH:
			if (attach_stream(c, optarg) < 0)
				return -1;
			break;
		case ':': /* the ':' after '+' in the option string asks getopt for this case */
			return fail_errno(0, "flag needs an argument: %s", argv[optind - 1]);
		default: {
			const struct run_flags *x = owner_of(option, flags, count);
			if (x && option != '?') {
				if (x->option(c, option, optarg) < 0)
					return -1;
				break;
			}
			if (optopt)
				return fail_errno(0, "unknown shorthand flag: '%c' in -%c", optopt, optopt);
			return fail_errno(0, "unknown flag: %s", argv[optind - 1]);
		}
		}
	}
	if (add_file_variables(c, from_files, from_file_count) < 0)
		return -1;
	/* A privileged container has every capability and no filter whatever --cap-add, --cap-drop
	 * or --security-opt say, and wherever --privileged stands among them (Docker's run
	 * reference, "Runtime privilege and Linux capabilities"); the last of `--privileged` and
	 * `--privileged=false` decides. */
	if (c->privileged)
		security_privileged(&c->security);
	bool operands_taken = false;
	for (size_t e = 0; e < count; e++) {
		if (!flags[e]->operands)
			continue;
		int taken = flags[e]->operands(c, argc - optind, argv + optind);
		if (taken < 0)
			return -1;
		optind += taken;
		operands_taken = operands_taken || taken > 0;
	}
	/* A later chapter that took an operand (chapter 05: IMAGE) provides the rootfs itself. */
	if (!c->rootfs && !operands_taken)
		return fail_errno(0, "expects --rootfs DIR (images come in chapter 05)");
	if (check_network_options(c) < 0)
		return -1;
	if (optind < argc)
		c->command = argv + optind;
	return 0;
}

/* Append "KEY=VALUE" to envp, replacing an earlier entry with the same KEY (the last -e wins). */
static int put_env(char **envp, size_t *count, size_t size, char **storage, char *end, const char *key,
		   size_t key_length, const char *value)
{
	size_t need = key_length + 1 + strlen(value) + 1;
	if (*storage + need > end)
		return fail_errno(0, "the environment is too large");
	char *entry = *storage;
	snprintf(entry, need, "%.*s=%s", (int)key_length, key, value);
	*storage += need;
	for (size_t i = 0; i < *count; i++) {
		if (strncmp(envp[i], entry, key_length + 1) == 0) {
			envp[i] = entry;
			return 0;
		}
	}
	if (*count + 1 >= size)
		return fail_errno(0, "too many environment variables");
	envp[(*count)++] = entry;
	envp[*count] = NULL;
	return 0;
}

int build_environment(const struct container *c, const char *home, char **envp, size_t size, char *storage,
		      size_t storage_size)
{
	size_t count = 0;
	char *end = storage + storage_size;
	envp[0] = NULL;
	/* What Docker gives every container: PATH, HOSTNAME, HOME (and TERM with -t). */
	if (put_env(envp, &count, size, &storage, end, "PATH", 4, DEFAULT_PATH) < 0 ||
	    put_env(envp, &count, size, &storage, end, "HOSTNAME", 8, c->hostname) < 0 ||
	    (c->tty && put_env(envp, &count, size, &storage, end, "TERM", 4, "xterm") < 0) ||
	    put_env(envp, &count, size, &storage, end, "HOME", 4, home) < 0)
		return -1;
	for (size_t i = 0; i < c->env_count; i++) {
		const char *item = c->env[i];
		const char *equals = strchr(item, '=');
		/* `-e KEY` alone passes our own value on, and nothing when we have none (Docker). */
		const char *value = equals ? equals + 1 : getenv(item);
		if (!value)
			continue;
		size_t key_length = equals ? (size_t)(equals - item) : strlen(item);
		if (put_env(envp, &count, size, &storage, end, item, key_length, value) < 0)
			return -1;
	}
	return 0;
}
