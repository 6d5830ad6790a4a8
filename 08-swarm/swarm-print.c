/*
 * swarm-print.c - rows and documents of the swarm, as docker/cli prints them.
 *
 * Each list is one row object per node, service or task, run through the --format machinery
 * of chapter 03 (format-output.h): Docker's default is itself a `table` format, so the
 * default output and a user's --format take the same path. The words are Docker's: states
 * capitalized in tables ("Running", "Ready", "Active"), lower case in documents, as its API.
 */
#include "swarm-print.h"
#include "duration.h"
#include "error.h"
#include "filters.h"
#include "format-output.h"
#include "humanize.h"
#include "json.h"
#include "sha256.h"
#include "template.h"
#include "timestamp.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void swarm_service_id(const char *name, char id[SWARM_SERVICE_ID_SIZE])
{
	struct sha256 ctx;
	uint8_t digest[SHA256_SIZE];
	char hex[SHA256_HEX_SIZE];
	sha256_init(&ctx);
	sha256_update(&ctx, name, strlen(name));
	sha256_final(&ctx, digest);
	sha256_hex(digest, hex);
	snprintf(id, SWARM_SERVICE_ID_SIZE, "%.25s", hex);
}

/* "running" -> "Running": Docker's tables capitalize the API's words. */
static void capitalized(const char *word, char *out, size_t size)
{
	snprintf(out, size, "%s", word);
	out[0] = (char)toupper((unsigned char)out[0]);
}

/* Run rows (an array of row objects) through format, or Docker's table when format is NULL,
 * with the column names of headers. */
static int print_rows(const struct json *rows, const char *format, const char *table, const char *type,
		      const char *const (*headers)[2], size_t header_count, FILE *out)
{
	struct formatter f;
	if (formatter_open(&f, format && strcmp(format, "table") != 0 ? format : table, type) < 0)
		return -1;
	json_for_each(row, rows)
		if (formatter_add(&f, row, NULL) < 0) {
			formatter_close(&f);
			return -1;
		}
	struct json *names = formatter_strings(headers, header_count);
	if (!names) {
		formatter_close(&f);
		return -1;
	}
	formatter_print(&f, names, out);
	json_free(names);
	formatter_close(&f);
	return 0;
}

/* Add a row of count string pairs to rows; NULL when memory runs out. */
static struct json *add_row(struct json *rows, const char *const (*pairs)[2], size_t count)
{
	struct json *row = formatter_strings(pairs, count);
	if (row && !json_append(rows, row)) {
		json_free(row);
		return NULL;
	}
	return row;
}

static int out_of_memory(const char *what)
{
	return fail_errno(ENOMEM, "cannot print the %s", what);
}

/* --- filters ------------------------------------------------------------------------------- */

const char *const swarm_node_filter_keys[] = { "id", "name", "role", "availability", NULL };
const char *const swarm_service_filter_keys[] = { "id", "name", "mode", "label", NULL };
const char *const swarm_task_filter_keys[] = { "id", "name", "node", "desired-state", NULL };

static bool equals(const char *value, const void *text)
{
	return strcmp(value, text) == 0;
}

/* Does the row pass the filter on key, its value text (matched as Docker matches names)? */
static bool passes(const struct swarm_list_options *o, const char *key, const char *text, bool exact)
{
	return !o->filters || filters_match(o->filters, key, exact ? equals : filter_matches_text, text);
}

static struct json *labels_object(const struct swarm_strings *labels);

/* --- node ls -------------------------------------------------------------------------------- */

/* Leader, Reachable or Unreachable for a manager (from the managers the node asked reaches),
 * "" for a worker. */
static const char *manager_status(const struct swarm_state *state, const struct swarm_node *node)
{
	const struct swarm_manager_status *m = swarm_state_manager(state, node->spec.id);
	if (!m && node->spec.role != SWARM_MANAGER)
		return "";
	if (m && (m->leader || strcmp(state->leader, node->spec.id) == 0))
		return "Leader";
	return m && m->reachable ? "Reachable" : "Unreachable";
}

static const char NODE_TABLE[] =
	"table {{.ID}} {{if .Self}}*{{else}} {{end}}\t{{.Hostname}}\t{{.Status}}\t{{.Availability}}\t{{.ManagerStatus}}";

int swarm_print_nodes(const struct swarm_state *state, const struct swarm_list_options *options, FILE *out)
{
	static const char *const headers[][2] = {
		{ "ID", "ID" }, { "Self", "" }, { "Hostname", "HOSTNAME" }, { "Status", "STATUS" },
		{ "Availability", "AVAILABILITY" }, { "ManagerStatus", "MANAGER STATUS" },
	};
	const struct swarm_store *s = &state->store;
	struct json *rows = json_new_array();
	for (size_t i = 0; rows && i < s->node_count; i++) {
		const struct swarm_node *n = &s->nodes[i];
		if (!passes(options, "id", n->spec.id, false) || !passes(options, "name", n->spec.hostname, false) ||
		    !passes(options, "role", swarm_role_name(n->spec.role), true) ||
		    !passes(options, "availability", swarm_availability_name(n->spec.availability), true))
			continue;
		if (options->quiet) {
			fprintf(out, "%s\n", n->spec.id);
			continue;
		}
		char status[16], availability[16];
		capitalized(swarm_node_status_name(n->status), status, sizeof(status));
		capitalized(swarm_availability_name(n->spec.availability), availability, sizeof(availability));
		const char *const fields[][2] = {
			{ "ID", n->spec.id }, { "Hostname", n->spec.hostname }, { "Status", status },
			{ "Availability", availability }, { "ManagerStatus", manager_status(state, n) },
		};
		struct json *row = add_row(rows, fields, sizeof(fields) / sizeof(fields[0]));
		if (!row || !json_add_bool(row, "Self", strcmp(n->spec.id, state->self) == 0)) {
			json_free(rows);
			rows = NULL;
		}
	}
	if (!rows)
		return out_of_memory("nodes");
	int rc = options->quiet ? 0
				: print_rows(rows, options->format, NODE_TABLE, "*formatter.nodeContext", headers,
					     sizeof(headers) / sizeof(headers[0]), out);
	json_free(rows);
	return rc;
}

/* --- service ls ----------------------------------------------------------------------------- */

void swarm_format_ports(const struct swarm_service_spec *spec, char *out, size_t size)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < spec->port_count && used < size; i++) {
		const struct swarm_port *p = &spec->ports[i];
		int n;
		if (p->published)
			n = snprintf(out + used, size - used, "%s*:%u->%u/%s", used ? ", " : "", p->published, p->target,
				     p->udp ? "udp" : "tcp");
		else
			n = snprintf(out + used, size - used, "%s%u/%s", used ? ", " : "", p->target, p->udp ? "udp" : "tcp");
		used += n > 0 ? (size_t)n : 0;
	}
}

void swarm_format_replicas(const struct swarm_store *store, const struct swarm_service *service, char *out,
			   size_t size)
{
	size_t running = 0, wanted = 0;
	for (size_t i = 0; i < store->task_count; i++) {
		const struct swarm_task *t = &store->tasks[i];
		if (strcmp(t->service, service->spec.name) != 0 || t->desired != SWARM_TASK_RUNNING)
			continue;
		wanted++; /* a global service wants one task per eligible node: those the orchestrator made */
		if (t->observed == SWARM_TASK_RUNNING)
			running++;
	}
	if (service->spec.mode == SWARM_REPLICATED)
		wanted = service->spec.replicas;
	snprintf(out, size, "%zu/%zu", running, wanted);
}

static int service_order(const void *a, const void *b)
{
	return strcmp((*(const struct swarm_service *const *)a)->spec.name, (*(const struct swarm_service *const *)b)->spec.name);
}

static const char SERVICE_TABLE[] = "table {{.ID}}\t{{.Name}}\t{{.Mode}}\t{{.Replicas}}\t{{.Image}}\t{{.Ports}}";

int swarm_print_services(const struct swarm_state *state, const char *stack, const struct swarm_list_options *options,
			 FILE *out)
{
	static const char *const headers[][2] = {
		{ "ID", "ID" },		{ "Name", "NAME" },   { "Mode", "MODE" },
		{ "Replicas", "REPLICAS" }, { "Image", "IMAGE" }, { "Ports", "PORTS" },
	};
	const struct swarm_store *s = &state->store;
	struct json *rows = json_new_array();
	/* by name, as Docker lists them */
	const struct swarm_service **sorted = calloc(s->service_count + 1, sizeof(*sorted));
	for (size_t i = 0; sorted && i < s->service_count; i++)
		sorted[i] = &s->services[i];
	if (sorted)
		qsort(sorted, s->service_count, sizeof(*sorted), service_order);
	else {
		json_free(rows);
		rows = NULL;
	}
	for (size_t i = 0; rows && i < s->service_count; i++) {
		const struct swarm_service *service = sorted[i];
		const char *in = swarm_service_stack(&service->spec);
		if (stack && (!in || strcmp(in, stack) != 0))
			continue;
		char id[SWARM_SERVICE_ID_SIZE], replicas[32], ports[256];
		swarm_service_id(service->spec.name, id);
		if (!passes(options, "id", id, false) || !passes(options, "name", service->spec.name, false) ||
		    !passes(options, "mode", swarm_mode_name(service->spec.mode), true))
			continue;
		if (options->filters && filters_has(options->filters, "label")) {
			struct json *labels = labels_object(&service->spec.labels);
			bool kept = labels && filters_match(options->filters, "label", filter_matches_label, labels);
			json_free(labels);
			if (!kept)
				continue;
		}
		if (!options->no_trunc)
			id[12] = '\0';
		if (options->quiet) {
			fprintf(out, "%s\n", id);
			continue;
		}
		swarm_format_replicas(s, service, replicas, sizeof(replicas));
		swarm_format_ports(&service->spec, ports, sizeof(ports));
		const char *const fields[][2] = {
			{ "ID", id },		{ "Name", service->spec.name },	 { "Mode", swarm_mode_name(service->spec.mode) },
			{ "Replicas", replicas }, { "Image", service->spec.image }, { "Ports", ports },
		};
		if (!add_row(rows, fields, sizeof(fields) / sizeof(fields[0]))) {
			json_free(rows);
			rows = NULL;
		}
	}
	free(sorted);
	if (!rows)
		return out_of_memory("services");
	int rc = options->quiet ? 0
				: print_rows(rows, options->format, SERVICE_TABLE, "*formatter.serviceContext", headers,
					     sizeof(headers) / sizeof(headers[0]), out);
	json_free(rows);
	return rc;
}

/* --- service ps ----------------------------------------------------------------------------- */

/* The image a task runs: its service's spec of the task's version (current or previous). */
static const char *task_image(const struct swarm_service *service, const struct swarm_task *task)
{
	if (service && service->has_previous && task->service_version == service->previous_version)
		return service->previous.image;
	return service ? service->spec.image : "";
}

static bool shown(const struct swarm_task *t, const char *const *services, size_t count, const char *stack,
		  const struct swarm_store *store)
{
	if (stack) {
		const struct swarm_service *service = swarm_store_service(store, t->service);
		const char *in = service ? swarm_service_stack(&service->spec) : NULL;
		return in && strcmp(in, stack) == 0;
	}
	for (size_t i = 0; i < count; i++)
		if (strcmp(services[i], t->service) == 0)
			return true;
	return false;
}

/* Docker's order: by service and slot (a global task's node stands for its slot), the newest
 * task of a slot first, its history after it. */
static int task_order(const void *a, const void *b)
{
	const struct swarm_task *x = *(const struct swarm_task *const *)a, *y = *(const struct swarm_task *const *)b;
	int c = strcmp(x->service, y->service);
	if (c == 0)
		c = x->slot < y->slot ? -1 : x->slot > y->slot;
	if (c == 0)
		c = strcmp(x->node, y->node) * (x->slot == 0);
	if (c == 0)
		c = x->id > y->id ? -1 : x->id < y->id;
	return c;
}

static bool same_slot(const struct swarm_task *a, const struct swarm_task *b)
{
	return a && strcmp(a->service, b->service) == 0 && a->slot == b->slot &&
	       (a->slot != 0 || strcmp(a->node, b->node) == 0);
}

static void task_ports(const struct swarm_task *t, char *out, size_t size)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < t->endpoint_count && used < size; i++) {
		int n = snprintf(out + used, size - used, "%s*:%u->%u/%s", used ? ", " : "", t->endpoints[i].published,
				 t->endpoints[i].target, t->endpoints[i].udp ? "udp" : "tcp");
		used += n > 0 ? (size_t)n : 0;
	}
}

/* Docker's ERROR column: the reason of a task that failed or was refused, in quotes, cut at
 * 30 characters with "…" unless --no-trunc. */
static void task_error(const struct swarm_task *t, bool no_trunc, char *out, size_t size)
{
	out[0] = '\0';
	if (t->observed != SWARM_TASK_FAILED && t->observed != SWARM_TASK_REJECTED)
		return;
	if (!no_trunc && strlen(t->message) > 29)
		snprintf(out, size, "\"%.29s…\"", t->message);
	else
		snprintf(out, size, "\"%s\"", t->message);
}

/* service ps --filter: id, name ("web.1"), node (its ID or hostname), desired-state. Docker's
 * default shows every task; `--filter desired-state=running` hides the history. */
static bool passes_task_filters(const struct swarm_store *s, const struct swarm_task *t,
				const struct swarm_list_options *options)
{
	if (!options->filters)
		return true;
	char id[24], name[SWARM_NAME_MAX * 2 + 8];
	snprintf(id, sizeof(id), "%" PRIu64, t->id);
	if (t->slot)
		snprintf(name, sizeof(name), "%s.%" PRIu32, t->service, t->slot);
	else
		snprintf(name, sizeof(name), "%s.%s", t->service, t->node);
	const struct swarm_node *node = t->node[0] ? swarm_store_node(s, t->node) : NULL;
	bool on_node = !filters_has(options->filters, "node") ||
		       (t->node[0] && (filters_match(options->filters, "node", equals, t->node) ||
				       (node && filters_match(options->filters, "node", equals, node->spec.hostname))));
	return on_node && passes(options, "id", id, false) && passes(options, "name", name, false) &&
	       passes(options, "desired-state", swarm_task_state_name(t->desired), true);
}

static const char TASK_TABLE[] = "table {{.ID}}\t{{.Name}}\t{{.Image}}\t{{.Node}}\t{{.DesiredState}}\t{{.CurrentState}}"
				 "\t{{.Error}}\t{{.Ports}}";

static struct json *task_row(const struct swarm_store *s, const struct swarm_task *t, bool history, uint64_t now_ms,
			     bool no_trunc, struct json *rows)
{
	const struct swarm_service *service = swarm_store_service(s, t->service);
	const struct swarm_node *node = t->node[0] ? swarm_store_node(s, t->node) : NULL;
	char id[24], name[SWARM_NAME_MAX * 2 + 8], desired[16], state[16], current[80], error[SWARM_MESSAGE_MAX + 8];
	char ports[256], ago[40];
	snprintf(id, sizeof(id), "%" PRIu64, t->id);
	if (t->slot)
		snprintf(name, sizeof(name), "%s%s.%" PRIu32, history ? " \\_ " : "", t->service, t->slot);
	else
		snprintf(name, sizeof(name), "%s%s.%s", history ? " \\_ " : "", t->service, t->node);
	capitalized(swarm_task_state_name(t->desired), desired, sizeof(desired));
	capitalized(swarm_task_state_name(t->observed), state, sizeof(state));
	human_duration(now_ms > t->observed_at ? (int64_t)((now_ms - t->observed_at) / 1000) : 0, ago, sizeof(ago));
	snprintf(current, sizeof(current), "%s %s ago", state, ago);
	task_error(t, no_trunc, error, sizeof(error));
	task_ports(t, ports, sizeof(ports));
	const char *const fields[][2] = {
		{ "ID", id },
		{ "Name", name },
		{ "Image", task_image(service, t) },
		{ "Node", node ? node->spec.hostname : t->node },
		{ "DesiredState", desired },
		{ "CurrentState", current },
		{ "Error", error },
		{ "Ports", ports },
	};
	return add_row(rows, fields, sizeof(fields) / sizeof(fields[0]));
}

int swarm_print_tasks(const struct swarm_state *state, const char *const *services, size_t count, const char *stack,
		      uint64_t now_ms, const struct swarm_list_options *options, FILE *out)
{
	static const char *const headers[][2] = {
		{ "ID", "ID" },
		{ "Name", "NAME" },
		{ "Image", "IMAGE" },
		{ "Node", "NODE" },
		{ "DesiredState", "DESIRED STATE" },
		{ "CurrentState", "CURRENT STATE" },
		{ "Error", "ERROR" },
		{ "Ports", "PORTS" },
	};
	const struct swarm_store *s = &state->store;
	const struct swarm_task **tasks = calloc(s->task_count + 1, sizeof(*tasks));
	struct json *rows = json_new_array();
	if (!tasks || !rows) {
		free(tasks);
		json_free(rows);
		return out_of_memory("tasks");
	}
	size_t n = 0;
	for (size_t i = 0; i < s->task_count; i++)
		if (shown(&s->tasks[i], services, count, stack, s) && passes_task_filters(s, &s->tasks[i], options))
			tasks[n++] = &s->tasks[i];
	qsort(tasks, n, sizeof(*tasks), task_order);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		bool history = i > 0 && same_slot(tasks[i - 1], tasks[i]);
		if (options->quiet)
			fprintf(out, "%" PRIu64 "\n", tasks[i]->id);
		else if (!task_row(s, tasks[i], history, now_ms, options->no_trunc, rows))
			rc = out_of_memory("tasks");
	}
	if (rc == 0 && !options->quiet)
		rc = print_rows(rows, options->format, TASK_TABLE, "*formatter.taskContext", headers,
				sizeof(headers) / sizeof(headers[0]), out);
	json_free(rows);
	free(tasks);
	return rc;
}

/* --- stack ls ------------------------------------------------------------------------------- */

static int name_order(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int swarm_print_stacks(const struct swarm_state *state, const char *format, FILE *out)
{
	static const char *const headers[][2] = { { "Name", "NAME" }, { "Services", "SERVICES" } };
	const struct swarm_store *s = &state->store;
	struct json *rows = json_new_array();
	/* Stacks in order of name, as Docker sorts them; each counted once. */
	const char **names = calloc(s->service_count + 1, sizeof(*names));
	size_t stacks = 0;
	for (size_t i = 0; names && i < s->service_count; i++) {
		const char *stack = swarm_service_stack(&s->services[i].spec);
		bool seen = !stack;
		for (size_t j = 0; j < stacks && !seen; j++)
			seen = strcmp(names[j], stack) == 0;
		if (!seen)
			names[stacks++] = stack;
	}
	qsort(names, stacks, sizeof(*names), name_order);
	for (size_t j = 0; rows && names && j < stacks; j++) {
		size_t members = 0;
		for (size_t i = 0; i < s->service_count; i++) {
			const char *stack = swarm_service_stack(&s->services[i].spec);
			members += stack && strcmp(stack, names[j]) == 0;
		}
		char count[24];
		snprintf(count, sizeof(count), "%zu", members);
		const char *const fields[][2] = { { "Name", names[j] }, { "Services", count } };
		if (!add_row(rows, fields, 2)) {
			json_free(rows);
			rows = NULL;
		}
	}
	int rc = rows && names ? print_rows(rows, format, "table {{.Name}}\t{{.Services}}", "*formatter.stackContext",
					     headers, 2, out)
			       : out_of_memory("stacks");
	free(names);
	json_free(rows);
	return rc;
}

/* --- inspect -------------------------------------------------------------------------------- */

/* "KEY=value" strings as the object {"KEY": "value"}, as Docker's Labels. */
static struct json *labels_object(const struct swarm_strings *labels)
{
	struct json *o = json_new_object();
	for (size_t i = 0; o && i < labels->count; i++) {
		const char *label = labels->items[i], *equals = strchr(label, '=');
		char key[256];
		snprintf(key, sizeof(key), "%.*s", equals ? (int)(equals - label) : (int)strlen(label), label);
		if (!json_set(o, key, json_new_string(equals ? equals + 1 : ""))) {
			json_free(o);
			o = NULL;
		}
	}
	return o;
}

static struct json *strings_array(const struct swarm_strings *list)
{
	struct json *a = json_new_array();
	for (size_t i = 0; a && i < list->count; i++)
		if (!json_append(a, json_new_string(list->items[i]))) {
			json_free(a);
			a = NULL;
		}
	return a;
}

/* Go's time.Time in JSON, from the store's milliseconds. */
static struct json *time_value(uint64_t ms)
{
	char text[TIMESTAMP_SIZE];
	timestamp_format((timestamp_ns)ms * 1000000, text);
	return json_new_string(text);
}

struct json *swarm_node_document(const struct swarm_state *state, const struct swarm_node *node)
{
	const struct swarm_node_spec *n = &node->spec;
	char host[SWARM_NAME_MAX];
	snprintf(host, sizeof(host), "%.*s", (int)strcspn(n->address, ":"), n->address);
	struct json *o = json_new_object(), *spec, *description, *resources, *status;
	bool ok = o && json_add_string(o, "ID", n->id) && (spec = json_add(o, "Spec", json_new_object())) &&
		  json_add(spec, "Labels", labels_object(&n->labels)) &&
		  json_add_string(spec, "Role", swarm_role_name(n->role)) &&
		  json_add_string(spec, "Availability", swarm_availability_name(n->availability)) &&
		  (description = json_add(o, "Description", json_new_object())) &&
		  json_add_string(description, "Hostname", n->hostname) &&
		  (resources = json_add(description, "Resources", json_new_object())) &&
		  json_add_int(resources, "NanoCPUs", n->nano_cpus) && json_add_int(resources, "MemoryBytes", n->memory_bytes) &&
		  (status = json_add(o, "Status", json_new_object())) &&
		  json_add_string(status, "State", swarm_node_status_name(node->status)) &&
		  json_add_string(status, "Addr", host) && json_add(status, "Timestamp", time_value(node->status_at));
	const char *manager = manager_status(state, node);
	if (ok && manager[0]) {
		struct json *m = json_add(o, "ManagerStatus", json_new_object());
		char reachability[16];
		snprintf(reachability, sizeof(reachability), "%s", strcmp(manager, "Unreachable") == 0 ? "unreachable" : "reachable");
		ok = m && json_add_bool(m, "Leader", strcmp(manager, "Leader") == 0) &&
		     json_add_string(m, "Reachability", reachability) && json_add_string(m, "Addr", n->address);
	}
	if (!ok) {
		json_free(o);
		out_of_memory("node");
		return NULL;
	}
	return o;
}

static struct json *resources_object(int64_t nano_cpus, int64_t memory_bytes)
{
	struct json *o = json_new_object();
	if (o && ((nano_cpus && !json_add_int(o, "NanoCPUs", nano_cpus)) ||
		  (memory_bytes && !json_add_int(o, "MemoryBytes", memory_bytes)))) {
		json_free(o);
		return NULL;
	}
	return o;
}

static struct json *ports_array(const struct swarm_service_spec *spec)
{
	struct json *a = json_new_array();
	for (size_t i = 0; a && i < spec->port_count; i++) {
		const struct swarm_port *p = &spec->ports[i];
		struct json *port = json_append(a, json_new_object());
		if (!port || !json_add_string(port, "Protocol", p->udp ? "udp" : "tcp") ||
		    !json_add_int(port, "TargetPort", p->target) || !json_add_int(port, "PublishedPort", p->published) ||
		    !json_add_string(port, "PublishMode", p->host_mode ? "host" : "ingress")) {
			json_free(a);
			a = NULL;
		}
	}
	return a;
}

/* EndpointSpec: the virtual IP mode, the published ports. */
static struct json *endpoint_spec(const struct swarm_service_spec *spec)
{
	struct json *o = json_new_object();
	if (o && (!json_add_string(o, "Mode", "vip") || (spec->port_count && !json_add(o, "Ports", ports_array(spec))))) {
		json_free(o);
		return NULL;
	}
	return o;
}

/* A spec in the shape of Docker's ServiceSpec; durations in nanoseconds, as its API. */
struct json *swarm_service_spec_document(const struct swarm_service_spec *spec)
{
	struct json *o = json_new_object(), *task, *container, *resources, *restart, *placement, *mode, *update;
	bool ok = o && json_add_string(o, "Name", spec->name) && json_add(o, "Labels", labels_object(&spec->labels)) &&
		  (task = json_add(o, "TaskTemplate", json_new_object())) &&
		  (container = json_add(task, "ContainerSpec", json_new_object())) &&
		  json_add_string(container, "Image", spec->image) &&
		  (!spec->command.count || json_add(container, "Args", strings_array(&spec->command))) &&
		  (!spec->env.count || json_add(container, "Env", strings_array(&spec->env))) &&
		  (resources = json_add(task, "Resources", json_new_object())) &&
		  json_add(resources, "Limits", resources_object(spec->limit_nano_cpus, spec->limit_memory_bytes)) &&
		  json_add(resources, "Reservations", resources_object(spec->reserve_nano_cpus, spec->reserve_memory_bytes)) &&
		  (restart = json_add(task, "RestartPolicy", json_new_object())) &&
		  json_add_string(restart, "Condition", swarm_restart_condition_name(spec->restart.condition)) &&
		  json_add_int(restart, "Delay", (int64_t)spec->restart.delay_ms * 1000000) &&
		  json_add_int(restart, "MaxAttempts", spec->restart.max_attempts) &&
		  (!spec->restart.window_ms || json_add_int(restart, "Window", (int64_t)spec->restart.window_ms * 1000000)) &&
		  (placement = json_add(task, "Placement", json_new_object())) &&
		  (!spec->constraints.count || json_add(placement, "Constraints", strings_array(&spec->constraints))) &&
		  (mode = json_add(o, "Mode", json_new_object()));
	if (ok && spec->mode == SWARM_GLOBAL) {
		ok = json_add(mode, "Global", json_new_object()) != NULL;
	} else if (ok) {
		struct json *replicated = json_add(mode, "Replicated", json_new_object());
		ok = replicated && json_add_int(replicated, "Replicas", spec->replicas);
	}
	ok = ok && (update = json_add(o, "UpdateConfig", json_new_object())) &&
	     json_add_int(update, "Parallelism", spec->update.parallelism) &&
	     (!spec->update.delay_ms || json_add_int(update, "Delay", (int64_t)spec->update.delay_ms * 1000000)) &&
	     json_add_string(update, "FailureAction", swarm_failure_action_name(spec->update.failure_action)) &&
	     json_add_string(update, "Order", swarm_update_order_name(spec->update.order)) &&
	     json_add(o, "EndpointSpec", endpoint_spec(spec));
	if (!ok) {
		json_free(o);
		return NULL;
	}
	return o;
}

struct json *swarm_service_document(const struct swarm_service *service)
{
	char id[SWARM_SERVICE_ID_SIZE];
	swarm_service_id(service->spec.name, id);
	struct json *o = json_new_object(), *version, *endpoint;
	bool ok = o && json_add_string(o, "ID", id) && (version = json_add(o, "Version", json_new_object())) &&
		  json_add_int(version, "Index", (int64_t)service->version) &&
		  json_add(o, "UpdatedAt", time_value(service->updated_at)) && json_add(o, "Spec", swarm_service_spec_document(&service->spec)) &&
		  (!service->has_previous || json_add(o, "PreviousSpec", swarm_service_spec_document(&service->previous))) &&
		  (endpoint = json_add(o, "Endpoint", json_new_object())) &&
		  json_add(endpoint, "Spec", endpoint_spec(&service->spec)) &&
		  (!service->spec.port_count || json_add(endpoint, "Ports", ports_array(&service->spec)));
	if (ok && service->update_state != SWARM_UPDATE_NONE) {
		struct json *update = json_add(o, "UpdateStatus", json_new_object());
		ok = update && json_add_string(update, "State", swarm_update_state_name(service->update_state)) &&
		     json_add_string(update, "Message", service->update_message);
	}
	if (!ok) {
		json_free(o);
		out_of_memory("service");
		return NULL;
	}
	return o;
}

int swarm_print_documents(const struct json *documents, const char *format, FILE *out)
{
	if (!format) {
		char *text = json_write(documents, 4, NULL);
		if (!text)
			return out_of_memory("documents");
		fprintf(out, "%s\n", text);
		free(text);
		return 0;
	}
	struct template *t = template_parse(format);
	if (!t)
		return fail_context("template parsing error");
	struct template_options options = { .missing_key_error = true };
	int rc = 0;
	json_for_each(doc, documents) {
		char *text;
		size_t length;
		if (template_execute(t, doc, &options, &text, &length) < 0) {
			rc = fail_context("template parsing error");
			break;
		}
		fwrite(text, 1, length, out);
		fputc('\n', out);
		free(text);
	}
	template_free(t);
	return rc;
}

/* --- --pretty ------------------------------------------------------------------------------- */

static void print_cpus(FILE *out, const char *label, int64_t nano_cpus)
{
	if (nano_cpus)
		fprintf(out, "%s%" PRId64 ".%02" PRId64 "\n", label, nano_cpus / 1000000000, nano_cpus % 1000000000 / 10000000);
}

static void print_memory(FILE *out, const char *label, int64_t bytes)
{
	char text[32];
	if (!bytes)
		return;
	human_memory((uint64_t)bytes, text, sizeof(text));
	fprintf(out, "%s%s\n", label, text);
}

static void print_duration(FILE *out, const char *label, uint64_t ms)
{
	char text[DURATION_SIZE];
	duration_format((int64_t)ms * 1000000, text);
	fprintf(out, "%s%s\n", label, text);
}

/* The layout of docker/cli's service inspect --pretty, the fields this swarm has. */
void swarm_print_service_pretty(const struct swarm_service *service, FILE *out)
{
	const struct swarm_service_spec *s = &service->spec;
	char id[SWARM_SERVICE_ID_SIZE];
	swarm_service_id(s->name, id);
	fprintf(out, "\nID:\t\t%s\nName:\t\t%s\n", id, s->name);
	if (s->labels.count) {
		fprintf(out, "Labels:\n");
		for (size_t i = 0; i < s->labels.count; i++)
			fprintf(out, " %s\n", s->labels.items[i]);
	}
	if (s->mode == SWARM_GLOBAL)
		fprintf(out, "Service Mode:\tGlobal\n");
	else
		fprintf(out, "Service Mode:\tReplicated\n Replicas:\t%" PRIu32 "\n", s->replicas);
	if (service->update_state != SWARM_UPDATE_NONE)
		fprintf(out, "UpdateStatus:\n State:\t\t%s\n Message:\t%s\n", swarm_update_state_name(service->update_state),
			service->update_message);
	if (s->constraints.count) {
		fprintf(out, "Placement:\n Constraints:\t[");
		for (size_t i = 0; i < s->constraints.count; i++)
			fprintf(out, "%s%s", i ? " " : "", s->constraints.items[i]);
		fprintf(out, "]\n");
	}
	fprintf(out, "UpdateConfig:\n Parallelism:\t%" PRIu32 "\n", s->update.parallelism);
	if (s->update.delay_ms)
		print_duration(out, " Delay:\t\t", s->update.delay_ms);
	fprintf(out, " On failure:\t%s\n Update order:      %s\n", swarm_failure_action_name(s->update.failure_action),
		swarm_update_order_name(s->update.order));
	fprintf(out, "ContainerSpec:\n Image:\t\t%s\n", s->image);
	if (s->command.count) {
		fprintf(out, " Args:\t\t");
		for (size_t i = 0; i < s->command.count; i++)
			fprintf(out, "%s%s", i ? " " : "", s->command.items[i]);
		fprintf(out, "\n");
	}
	if (s->env.count) {
		fprintf(out, " Env:\t\t");
		for (size_t i = 0; i < s->env.count; i++)
			fprintf(out, "%s%s", i ? " " : "", s->env.items[i]);
		fprintf(out, "\n");
	}
	if (s->limit_nano_cpus || s->limit_memory_bytes || s->reserve_nano_cpus || s->reserve_memory_bytes) {
		fprintf(out, "Resources:\n");
		if (s->reserve_nano_cpus || s->reserve_memory_bytes) {
			fprintf(out, " Reservations:\n");
			print_cpus(out, "  CPU:\t\t", s->reserve_nano_cpus);
			print_memory(out, "  Memory:\t", s->reserve_memory_bytes);
		}
		if (s->limit_nano_cpus || s->limit_memory_bytes) {
			fprintf(out, " Limits:\n");
			print_cpus(out, "  CPU:\t\t", s->limit_nano_cpus);
			print_memory(out, "  Memory:\t", s->limit_memory_bytes);
		}
	}
	fprintf(out, "RestartPolicy:\n Condition:\t%s\n", swarm_restart_condition_name(s->restart.condition));
	print_duration(out, " Delay:\t\t", s->restart.delay_ms);
	fprintf(out, " MaxAttempts:\t%" PRIu32 "\n", s->restart.max_attempts);
	fprintf(out, "Endpoint Mode:\tvip\n");
	if (s->port_count) {
		fprintf(out, "Ports:\n");
		for (size_t i = 0; i < s->port_count; i++)
			fprintf(out, " PublishedPort = %u\n  Protocol = %s\n  TargetPort = %u\n  PublishMode = %s\n",
				s->ports[i].published, s->ports[i].udp ? "udp" : "tcp", s->ports[i].target,
				s->ports[i].host_mode ? "host" : "ingress");
	}
}

void swarm_print_node_pretty(const struct swarm_state *state, const struct swarm_node *node, FILE *out)
{
	const struct swarm_node_spec *n = &node->spec;
	const char *manager = manager_status(state, node);
	fprintf(out, "ID:\t\t\t%s\nHostname:\t\t%s\n", n->id, n->hostname);
	if (n->labels.count) {
		fprintf(out, "Labels:\n");
		for (size_t i = 0; i < n->labels.count; i++)
			fprintf(out, " - %s\n", n->labels.items[i]);
	}
	fprintf(out, "Status:\n State:\t\t\t%s\n Availability:\t\t%s\n Address:\t\t%.*s\n",
		swarm_node_status_name(node->status), swarm_availability_name(n->availability), (int)strcspn(n->address, ":"),
		n->address);
	if (manager[0])
		fprintf(out, "Manager Status:\n Address:\t\t%s\n Raft Status:\t\t%s\n Leader:\t\t%s\n", n->address,
			strcmp(manager, "Unreachable") == 0 ? "Unreachable" : "Reachable",
			strcmp(manager, "Leader") == 0 ? "Yes" : "No");
	fprintf(out, "Platform:\n Operating System:\tlinux\nResources:\n");
	print_cpus(out, " CPUs:\t\t\t", n->nano_cpus);
	print_memory(out, " Memory:\t\t", n->memory_bytes);
}
