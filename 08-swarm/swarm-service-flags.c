/*
 * swarm-service-flags.c - Docker's service flags, one table, one small function per flag.
 *
 * Every flag of `service create` and `service update` is a row: its name, its one-letter
 * form, whether it takes a value, which of the two commands take it, and the function that
 * writes its value into a spec. create runs each row's function on the defaults as the flags
 * come; update keeps the flags, and runs the same functions, in the order given, on the spec
 * the swarm holds, so `--env-add A=1 --env-rm A` ends with no A, as the user wrote it.
 *
 * The flags are GNU style as Docker's (spf13/pflag): --name web, --name=web, -p 8080:80,
 * -p8080:80, -dq. create stops at the image, so the command's own flags stay its own
 * (`service create alpine ls -l`); update takes its flags before and after the service.
 */
#include "swarm-service-flags.h"
#include "cli.h"
#include "duration.h"
#include "error.h"
#include "swarm-constraint.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FOR_CREATE = 1, FOR_UPDATE = 2, FOR_BOTH = 3 };

struct swarm_flag {
	const char *name;
	char shorthand;
	bool takes_value;
	int commands;
	/* Writes value into spec; -1 with the reason recorded (the caller names the flag). NULL
	 * for the flags that change what the command does, not the spec (-d, -q, --rollback). */
	int (*apply)(struct swarm_service_spec *spec, const char *value);
};

/* --- values --------------------------------------------------------------------------------- */

static int reason(const char *text)
{
	return fail_errno(0, "%s", text);
}

/* A service's name is what other services resolve (a DNS label, RFC 1035): letters, digits,
 * '-' and '_' (Docker allows it), starting with a letter or digit, at most 63 bytes. */
static int set_name(struct swarm_service_spec *spec, const char *value)
{
	size_t length = strlen(value);
	if (length == 0 || length >= SWARM_NAME_MAX)
		return reason("a service name has 1 to 63 characters");
	for (size_t i = 0; i < length; i++) {
		char c = value[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '-' && c != '_')))
			return reason("a service name is letters, digits, '-' and '_', starting with a letter or digit");
	}
	swarm_copy_name(spec->name, sizeof(spec->name), value);
	return 0;
}

static int set_image(struct swarm_service_spec *spec, const char *value)
{
	if (!value[0] || strlen(value) >= SWARM_IMAGE_MAX)
		return reason("an image reference has 1 to 383 characters");
	swarm_copy_name(spec->image, sizeof(spec->image), value);
	return 0;
}

static int number(const char *value, unsigned long long max, unsigned long long *out)
{
	if (parse_uint(value, max, out) < 0)
		return fail_errno(0, "expected a whole number from 0 to %llu", max);
	return 0;
}

static int set_replicas(struct swarm_service_spec *spec, const char *value)
{
	unsigned long long n;
	if (number(value, SWARM_MAX_REPLICAS, &n) < 0)
		return -1;
	spec->replicas = (uint32_t)n;
	return 0;
}

static int set_mode(struct swarm_service_spec *spec, const char *value)
{
	int mode = swarm_name_lookup(swarm_mode_names, SWARM_NAMES(swarm_mode_names), value);
	if (mode < 0)
		return reason("expected replicated or global");
	spec->mode = (enum swarm_mode)mode;
	return 0;
}

int swarm_parse_nano_cpus(const char *flag, const char *text, int64_t *nano_cpus)
{
	/* Plain decimals only: strtod alone would also take "1e3", "0x8", "inf" and "nan". */
	if (!text[0] || text[strspn(text, "0123456789.")] != '\0' || strchr(text, '.') != strrchr(text, '.'))
		return fail_errno(0, "invalid argument \"%s\" for \"--%s\" flag: expected a number of CPUs such as 0.5",
				  text, flag);
	errno = 0;
	char *end;
	double cpus = strtod(text, &end);
	if (errno != 0 || *end != '\0' || !(cpus <= 1e6))
		return fail_errno(0, "invalid argument \"%s\" for \"--%s\" flag: expected a number of CPUs such as 0.5",
				  text, flag);
	*nano_cpus = (int64_t)(cpus * 1e9 + 0.5); /* Docker's NanoCPUs: 0.5 is 500000000 */
	return 0;
}

static int cpus(const char *value, int64_t *nano_cpus)
{
	if (swarm_parse_nano_cpus("cpus", value, nano_cpus) < 0) {
		error_clear();
		return reason("expected a number of CPUs such as 0.5");
	}
	return 0;
}

static int set_limit_cpu(struct swarm_service_spec *spec, const char *value)
{
	return cpus(value, &spec->limit_nano_cpus);
}

static int set_reserve_cpu(struct swarm_service_spec *spec, const char *value)
{
	return cpus(value, &spec->reserve_nano_cpus);
}

static int bytes(const char *value, int64_t *out)
{
	if (parse_size(value, out) < 0)
		return reason("expected a size such as 64M, 512k or 1G");
	return 0;
}

static int set_limit_memory(struct swarm_service_spec *spec, const char *value)
{
	return bytes(value, &spec->limit_memory_bytes);
}

static int set_reserve_memory(struct swarm_service_spec *spec, const char *value)
{
	return bytes(value, &spec->reserve_memory_bytes);
}

/* A Go duration ("5s", "1m30s") in milliseconds, as the store keeps policies' times. */
static int milliseconds(const char *value, uint64_t *ms)
{
	int64_t ns;
	if (duration_parse(value, &ns) < 0 || ns < 0) {
		error_clear();
		return reason("expected a duration such as 5s or 1m30s");
	}
	*ms = (uint64_t)ns / 1000000;
	return 0;
}

static int set_restart_condition(struct swarm_service_spec *spec, const char *value)
{
	int c = swarm_name_lookup(swarm_restart_condition_names, SWARM_NAMES(swarm_restart_condition_names), value);
	if (c < 0)
		return reason("expected none, on-failure or any");
	spec->restart.condition = (enum swarm_restart_condition)c;
	return 0;
}

static int set_restart_delay(struct swarm_service_spec *spec, const char *value)
{
	return milliseconds(value, &spec->restart.delay_ms);
}

static int set_restart_window(struct swarm_service_spec *spec, const char *value)
{
	return milliseconds(value, &spec->restart.window_ms);
}

static int set_restart_max_attempts(struct swarm_service_spec *spec, const char *value)
{
	unsigned long long n;
	if (number(value, UINT32_MAX, &n) < 0)
		return -1;
	spec->restart.max_attempts = (uint32_t)n;
	return 0;
}

static int set_update_parallelism(struct swarm_service_spec *spec, const char *value)
{
	unsigned long long n;
	if (number(value, UINT32_MAX, &n) < 0)
		return -1;
	spec->update.parallelism = (uint32_t)n;
	return 0;
}

static int set_update_delay(struct swarm_service_spec *spec, const char *value)
{
	return milliseconds(value, &spec->update.delay_ms);
}

static int set_update_failure_action(struct swarm_service_spec *spec, const char *value)
{
	int a = swarm_name_lookup(swarm_failure_action_names, SWARM_NAMES(swarm_failure_action_names), value);
	if (a < 0)
		return reason("expected pause, continue or rollback");
	spec->update.failure_action = (enum swarm_failure_action)a;
	return 0;
}

static int set_update_order(struct swarm_service_spec *spec, const char *value)
{
	int o = swarm_name_lookup(swarm_update_order_names, SWARM_NAMES(swarm_update_order_names), value);
	if (o < 0)
		return reason("expected stop-first or start-first");
	spec->update.order = (enum swarm_update_order)o;
	return 0;
}

/* --- lists: env, labels, constraints, ports ------------------------------------------------- */

/* The length of the key of "KEY=value" (the whole text when there is no '='). */
static size_t key_length(const char *text)
{
	return strcspn(text, "=");
}

static void remove_at(struct swarm_strings *list, size_t i)
{
	free(list->items[i]);
	memmove(&list->items[i], &list->items[i + 1], (list->count - i - 1) * sizeof(*list->items));
	list->count--;
}

/* Remove every "KEY=..." (or "KEY") of list whose key is key's. */
static void remove_key(struct swarm_strings *list, const char *key, size_t length)
{
	for (size_t i = 0; i < list->count;)
		if (key_length(list->items[i]) == length && strncmp(list->items[i], key, length) == 0)
			remove_at(list, i);
		else
			i++;
}

/* "KEY=value" replaces KEY's earlier value: the last one given wins, as in Docker. */
static int set_key_value(struct swarm_strings *list, const char *text)
{
	size_t length = key_length(text);
	if (length == 0)
		return reason("expected KEY=VALUE");
	remove_key(list, text, length);
	return swarm_strings_add(list, text);
}

/* -e KEY=value; -e KEY alone takes KEY's value from this environment when it has one, as
 * Docker's CLI does (and is kept as "KEY" otherwise). */
static int set_env(struct swarm_service_spec *spec, const char *value)
{
	if (strchr(value, '=') || !getenv(value))
		return set_key_value(&spec->env, value);
	size_t size = strlen(value) + strlen(getenv(value)) + 2;
	char *pair = malloc(size);
	if (!pair)
		return fail_errno(ENOMEM, "cannot keep the variable %s", value);
	snprintf(pair, size, "%s=%s", value, getenv(value));
	int rc = set_key_value(&spec->env, pair);
	free(pair);
	return rc;
}

static int remove_env(struct swarm_service_spec *spec, const char *value)
{
	remove_key(&spec->env, value, key_length(value));
	return 0;
}

static int set_label(struct swarm_service_spec *spec, const char *value)
{
	return set_key_value(&spec->labels, value);
}

static int remove_label(struct swarm_service_spec *spec, const char *value)
{
	remove_key(&spec->labels, value, key_length(value));
	return 0;
}

static int add_constraint(struct swarm_service_spec *spec, const char *value)
{
	struct swarm_constraint c;
	if (swarm_constraint_parse(value, &c) < 0)
		return -1;
	for (size_t i = 0; i < spec->constraints.count; i++)
		if (strcmp(spec->constraints.items[i], value) == 0)
			return 0;
	return swarm_strings_add(&spec->constraints, value);
}

static int remove_constraint(struct swarm_service_spec *spec, const char *value)
{
	for (size_t i = 0; i < spec->constraints.count;)
		if (strcmp(spec->constraints.items[i], value) == 0)
			remove_at(&spec->constraints, i);
		else
			i++;
	return 0;
}

static int port_number(const char *text, size_t length, uint16_t *port)
{
	char digits[8];
	unsigned long long n;
	if (length == 0 || length >= sizeof(digits))
		return -1;
	memcpy(digits, text, length);
	digits[length] = '\0';
	if (parse_uint(digits, 65535, &n) < 0 || n == 0)
		return -1;
	*port = (uint16_t)n;
	return 0;
}

static int protocol(const char *text, bool *udp)
{
	if (strcmp(text, "tcp") != 0 && strcmp(text, "udp") != 0)
		return -1;
	*udp = text[0] == 'u';
	return 0;
}

/* "published=8080,target=80,protocol=udp,mode=host": Docker's long form of --publish. */
static int port_parse_long(const char *text, struct swarm_port *port)
{
	char *copy = strdup(text), *save = NULL;
	if (!copy)
		return fail_errno(ENOMEM, "cannot read the port");
	int rc = 0;
	bool has_target = false;
	for (char *field = strtok_r(copy, ",", &save); field && rc == 0; field = strtok_r(NULL, ",", &save)) {
		char *value = strchr(field, '=');
		if (!value) {
			rc = -1;
			break;
		}
		*value++ = '\0';
		if (strcmp(field, "published") == 0)
			rc = port_number(value, strlen(value), &port->published);
		else if (strcmp(field, "target") == 0)
			rc = port_number(value, strlen(value), &port->target), has_target = rc == 0;
		else if (strcmp(field, "protocol") == 0)
			rc = protocol(value, &port->udp);
		else if (strcmp(field, "mode") == 0 && (strcmp(value, "host") == 0 || strcmp(value, "ingress") == 0))
			port->host_mode = value[0] == 'h';
		else
			rc = -1;
	}
	free(copy);
	return rc == 0 && has_target ? 0 : -1;
}

int swarm_port_parse(const char *text, struct swarm_port *port)
{
	*port = (struct swarm_port){ 0 };
	int rc;
	if (strchr(text, '=')) {
		rc = port_parse_long(text, port);
	} else {
		/* PUBLISHED:TARGET[/PROTOCOL] or TARGET[/PROTOCOL] */
		const char *slash = strchr(text, '/'), *end = slash ? slash : text + strlen(text);
		const char *colon = memchr(text, ':', (size_t)(end - text));
		rc = slash ? protocol(slash + 1, &port->udp) : 0;
		if (rc == 0 && colon)
			rc = port_number(text, (size_t)(colon - text), &port->published);
		if (rc == 0)
			rc = colon ? port_number(colon + 1, (size_t)(end - colon - 1), &port->target)
				   : port_number(text, (size_t)(end - text), &port->target);
	}
	if (rc < 0)
		return fail_errno(0, "expected [PUBLISHED:]TARGET[/PROTOCOL] or published=P,target=T[,protocol=udp][,mode=host], "
				  "ports from 1 to 65535");
	return 0;
}

static int add_port(struct swarm_service_spec *spec, const char *value)
{
	struct swarm_port port;
	if (swarm_port_parse(value, &port) < 0)
		return -1;
	for (size_t i = 0; i < spec->port_count; i++) {
		struct swarm_port *p = &spec->ports[i];
		if (p->target == port.target && p->udp == port.udp) {
			*p = port; /* a new mapping of the same target replaces it */
			return 0;
		}
		if (port.published && p->published == port.published && p->udp == port.udp)
			return fail_errno(0, "port %u is already published (to target %u)", port.published, p->target);
	}
	struct swarm_port *grown = realloc(spec->ports, (spec->port_count + 1) * sizeof(*grown));
	if (!grown)
		return fail_errno(ENOMEM, "cannot keep the port");
	spec->ports = grown;
	spec->ports[spec->port_count++] = port;
	return 0;
}

/* --publish-rm TARGET[/PROTOCOL]: Docker removes a published port by its target port. */
static int remove_port(struct swarm_service_spec *spec, const char *value)
{
	struct swarm_port wanted;
	if (strchr(value, ':') || strchr(value, '=') || swarm_port_parse(value, &wanted) < 0) {
		error_clear();
		return reason("expected the target port, TARGET[/PROTOCOL]");
	}
	for (size_t i = 0; i < spec->port_count;)
		if (spec->ports[i].target == wanted.target && spec->ports[i].udp == wanted.udp)
			memmove(&spec->ports[i], &spec->ports[i + 1], (--spec->port_count - i) * sizeof(*spec->ports));
		else
			i++;
	return 0;
}

/* --- the table ------------------------------------------------------------------------------ */

static const struct swarm_flag FLAGS[] = {
	{ "name", 0, true, FOR_CREATE, set_name },
	{ "image", 0, true, FOR_UPDATE, set_image },
	{ "replicas", 0, true, FOR_BOTH, set_replicas },
	{ "mode", 0, true, FOR_CREATE, set_mode },
	{ "publish", 'p', true, FOR_CREATE, add_port },
	{ "publish-add", 0, true, FOR_UPDATE, add_port },
	{ "publish-rm", 0, true, FOR_UPDATE, remove_port },
	{ "env", 'e', true, FOR_CREATE, set_env },
	{ "env-add", 0, true, FOR_UPDATE, set_env },
	{ "env-rm", 0, true, FOR_UPDATE, remove_env },
	{ "label", 'l', true, FOR_CREATE, set_label },
	{ "label-add", 0, true, FOR_UPDATE, set_label },
	{ "label-rm", 0, true, FOR_UPDATE, remove_label },
	{ "constraint", 0, true, FOR_CREATE, add_constraint },
	{ "constraint-add", 0, true, FOR_UPDATE, add_constraint },
	{ "constraint-rm", 0, true, FOR_UPDATE, remove_constraint },
	{ "limit-cpu", 0, true, FOR_BOTH, set_limit_cpu },
	{ "limit-memory", 0, true, FOR_BOTH, set_limit_memory },
	{ "reserve-cpu", 0, true, FOR_BOTH, set_reserve_cpu },
	{ "reserve-memory", 0, true, FOR_BOTH, set_reserve_memory },
	{ "restart-condition", 0, true, FOR_BOTH, set_restart_condition },
	{ "restart-delay", 0, true, FOR_BOTH, set_restart_delay },
	{ "restart-max-attempts", 0, true, FOR_BOTH, set_restart_max_attempts },
	{ "restart-window", 0, true, FOR_BOTH, set_restart_window },
	{ "update-parallelism", 0, true, FOR_BOTH, set_update_parallelism },
	{ "update-delay", 0, true, FOR_BOTH, set_update_delay },
	{ "update-failure-action", 0, true, FOR_BOTH, set_update_failure_action },
	{ "update-order", 0, true, FOR_BOTH, set_update_order },
	{ "detach", 'd', false, FOR_BOTH, NULL },
	{ "quiet", 'q', false, FOR_BOTH, NULL },
	{ "rollback", 0, false, FOR_UPDATE, NULL },
};
#define FLAG_COUNT (sizeof(FLAGS) / sizeof(FLAGS[0]))

static const struct swarm_flag *find_long(const char *name, size_t length, int command)
{
	for (size_t i = 0; i < FLAG_COUNT; i++)
		if ((FLAGS[i].commands & command) && strlen(FLAGS[i].name) == length &&
		    strncmp(FLAGS[i].name, name, length) == 0)
			return &FLAGS[i];
	return NULL;
}

static const struct swarm_flag *find_short(char letter, int command)
{
	for (size_t i = 0; i < FLAG_COUNT; i++)
		if ((FLAGS[i].commands & command) && FLAGS[i].shorthand == letter)
			return &FLAGS[i];
	return NULL;
}

/* Run flag's function on spec, the reason it records reworded as Docker's CLI words a bad
 * value: invalid argument "VALUE" for "--FLAG" flag: REASON. */
static int apply_flag(const struct swarm_flag *flag, const char *value, struct swarm_service_spec *spec)
{
	if (!flag->apply || flag->apply(spec, value) == 0)
		return 0;
	char why[ERROR_MESSAGE_SIZE];
	snprintf(why, sizeof(why), "%s", error_message());
	return fail_errno(0, "invalid argument \"%s\" for \"--%s\" flag: %s", value, flag->name, why);
}

/* What one flag found on the command line is handed to. */
typedef int (*flag_found)(void *context, const struct swarm_flag *flag, const char *value);

/* Walk argv[1..] for the flags of command, handing each to found. Positional arguments go to
 * positional[] (at most room); with interspersed false, the first one ends the flags and it
 * and everything after are positional (an image and its command). */
static int walk_flags(int argc, char **argv, int command, bool interspersed, flag_found found, void *context,
		      int *first_positional)
{
	*first_positional = argc;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--") == 0) {
			*first_positional = i + 1;
			return 0;
		}
		if (arg[0] != '-' || arg[1] == '\0') {
			if (!interspersed) {
				*first_positional = i;
				return 0;
			}
			if (*first_positional == argc)
				*first_positional = i;
			else
				return fail_errno(0, "\"%s\" accepts one service, not \"%s\" as well", argv[0], arg);
			continue;
		}
		if (arg[1] == '-') {
			const char *name = arg + 2, *equals = strchr(name, '=');
			size_t length = equals ? (size_t)(equals - name) : strlen(name);
			const struct swarm_flag *flag = find_long(name, length, command);
			if (!flag)
				return fail_errno(0, "unknown flag: --%.*s", (int)length, name);
			const char *value = equals ? equals + 1 : NULL;
			if (flag->takes_value && !value) {
				if (i + 1 >= argc)
					return fail_errno(0, "flag needs an argument: --%s", flag->name);
				value = argv[++i];
			} else if (!flag->takes_value && value) {
				return fail_errno(0, "flag --%s takes no value", flag->name);
			}
			if (found(context, flag, value) < 0)
				return -1;
			continue;
		}
		/* -dq (letters that take no value), -p 8080:80, -p8080:80 */
		for (const char *letter = arg + 1; *letter; letter++) {
			const struct swarm_flag *flag = find_short(*letter, command);
			if (!flag)
				return fail_errno(0, "unknown shorthand flag: '%c' in %s", *letter, arg);
			if (!flag->takes_value) {
				if (found(context, flag, NULL) < 0)
					return -1;
				continue;
			}
			const char *value = letter[1] ? letter + 1 : NULL;
			if (!value) {
				if (i + 1 >= argc)
					return fail_errno(0, "flag needs an argument: '%c' in -%c", *letter, *letter);
				value = argv[++i];
			}
			if (found(context, flag, value) < 0)
				return -1;
			break;
		}
	}
	return 0;
}

static void note_option(struct swarm_service_options *options, bool *rollback, const struct swarm_flag *flag)
{
	if (strcmp(flag->name, "detach") == 0)
		options->detach = true;
	else if (strcmp(flag->name, "quiet") == 0)
		options->quiet = true;
	else if (strcmp(flag->name, "rollback") == 0 && rollback)
		*rollback = true;
}

/* --- create --------------------------------------------------------------------------------- */

struct creating {
	struct swarm_service_spec *spec;
	struct swarm_service_options *options;
	bool replicas_given;
};

static int create_found(void *context, const struct swarm_flag *flag, const char *value)
{
	struct creating *c = context;
	note_option(c->options, NULL, flag);
	if (flag->apply == set_replicas)
		c->replicas_given = true;
	return apply_flag(flag, value, c->spec);
}

int swarm_service_create_flags(int argc, char **argv, struct swarm_service_spec *spec,
			       struct swarm_service_options *options)
{
	swarm_service_spec_default(spec, "", "");
	*options = (struct swarm_service_options){ 0 };
	struct creating c = { spec, options, false };
	int image;
	if (walk_flags(argc, argv, FOR_CREATE, false, create_found, &c, &image) < 0)
		goto fail;
	if (image >= argc) {
		fail_errno(0, "\"service create\" requires at least 1 argument: the image");
		goto fail;
	}
	if (set_image(spec, argv[image]) < 0) {
		fail_context("invalid image \"%s\"", argv[image]);
		goto fail;
	}
	for (int i = image + 1; i < argc; i++)
		if (swarm_strings_add(&spec->command, argv[i]) < 0)
			goto fail;
	/* Docker's message: a global service runs one task per node, so a count makes no sense. */
	if (spec->mode == SWARM_GLOBAL && c.replicas_given) {
		fail_errno(0, "replicas can only be used with replicated mode");
		goto fail;
	}
	if (spec->mode == SWARM_GLOBAL)
		spec->replicas = 0;
	return 0;
fail:
	swarm_service_spec_free(spec);
	return -1;
}

/* --- update --------------------------------------------------------------------------------- */

static int update_found(void *context, const struct swarm_flag *flag, const char *value)
{
	struct swarm_service_update *u = context;
	note_option(&u->options, &u->rollback, flag);
	if (!flag->apply)
		return 0;
	/* Checked now, on a scratch spec, so that a bad value is reported before anything is
	 * read from the swarm; applied for real by swarm_service_update_apply. */
	struct swarm_service_spec scratch;
	swarm_service_spec_default(&scratch, "", "");
	int rc = apply_flag(flag, value, &scratch);
	swarm_service_spec_free(&scratch);
	if (rc < 0)
		return -1;
	struct swarm_update_flag *grown = realloc(u->flags, (u->count + 1) * sizeof(*grown));
	if (!grown)
		return fail_errno(ENOMEM, "cannot keep the flags");
	u->flags = grown;
	u->flags[u->count++] = (struct swarm_update_flag){ flag, value };
	return 0;
}

int swarm_service_update_flags(int argc, char **argv, struct swarm_service_update *update)
{
	*update = (struct swarm_service_update){ 0 };
	int service;
	if (walk_flags(argc, argv, FOR_UPDATE, true, update_found, update, &service) < 0)
		goto fail;
	if (service >= argc) {
		fail_errno(0, "\"service update\" requires exactly 1 argument: the service");
		goto fail;
	}
	update->service = argv[service];
	if (update->rollback && update->count) {
		fail_errno(0, "--rollback goes back to the previous spec: it takes no other change");
		goto fail;
	}
	return 0;
fail:
	swarm_service_update_free(update);
	return -1;
}

int swarm_service_update_apply(const struct swarm_service_update *update, struct swarm_service_spec *spec)
{
	for (size_t i = 0; i < update->count; i++) {
		const struct swarm_update_flag *f = &update->flags[i];
		if (f->flag->apply == set_replicas && spec->mode == SWARM_GLOBAL)
			return fail_errno(0, "service %s is global: --replicas can only be used with replicated mode",
					  spec->name);
		if (apply_flag(f->flag, f->value, spec) < 0)
			return -1;
	}
	return 0;
}

void swarm_service_update_free(struct swarm_service_update *update)
{
	free(update->flags);
	update->flags = NULL;
	update->count = 0;
}

/* --- scale ---------------------------------------------------------------------------------- */

int swarm_service_scale_args(int argc, char **argv, struct swarm_scale **scales, size_t *count)
{
	*scales = NULL;
	*count = 0;
	if (argc < 2)
		return fail_errno(0, "\"service scale\" requires at least 1 argument: SERVICE=REPLICAS");
	struct swarm_scale *all = calloc((size_t)argc, sizeof(*all));
	if (!all)
		return fail_errno(ENOMEM, "cannot read the arguments");
	for (int i = 1; i < argc; i++) {
		const char *equals = strchr(argv[i], '=');
		unsigned long long n;
		size_t length = equals ? (size_t)(equals - argv[i]) : 0;
		if (!equals || length == 0 || length >= SWARM_NAME_MAX) {
			free(all);
			return fail_errno(0, "invalid scale specifier \"%s\": expected SERVICE=REPLICAS", argv[i]);
		}
		if (parse_uint(equals + 1, SWARM_MAX_REPLICAS, &n) < 0) {
			free(all);
			return fail_errno(0, "invalid replicas value for service \"%.*s\": \"%s\" is not a whole number from 0 "
					  "to %d", (int)length, argv[i], equals + 1, SWARM_MAX_REPLICAS);
		}
		memcpy(all[i - 1].service, argv[i], length);
		all[i - 1].replicas = (uint32_t)n;
	}
	*scales = all;
	*count = (size_t)argc - 1;
	return 0;
}
