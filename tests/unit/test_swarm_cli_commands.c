/*
 * test_swarm_cli_commands.c - the node, service and stack commands over the control socket
 * (08-swarm/swarm-cli*.c, stack-cli.c), against a child that plays a one-manager node: it
 * answers `state` with its store and applies each `propose`d command with the store's own
 * swarm_store_apply, refusals included. No control loop runs in it, so no task is made or
 * run: these tests check what the commands ask of the swarm, and what they print of it.
 */
#include <check.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "files.h"
#include "json.h"
#include "swarm-cli.h"
#include "swarm-command.h"
#include "swarm-control.h"
#include "swarm-frame.h"
#include "swarm-print.h"
#include "swarm-snapshot.h"

static char run_dir[] = "/tmp/tinydock-cli-test-XXXXXX";
static pid_t node = -1;

/* --- the node, played by a child ------------------------------------------------------------ */

/*
 * The lagging node: a manager that is not the leader. The leader has committed and applied a
 * proposal when it answers, but this node applies it only later (here: at the third `state`
 * asked after it), and says in each state which entry its store holds ("applied_index"), as
 * the node process does. The plain node says nothing of it.
 */
static bool lagging;
static struct swarm_command pending;
static bool has_pending;
static int states_since;

static char *answer(struct swarm_store *store, const char *request, size_t length)
{
	struct json *root = json_parse(request, length);
	const char *op = json_get_string(root, "op");
	char *reply = NULL;
	if (op && strcmp(op, "state") == 0) {
		if (has_pending && ++states_since >= 3) {
			if (swarm_store_apply(store, &pending) < 0)
				_exit(1);
			swarm_command_free(&pending);
			has_pending = false;
		}
		size_t size;
		char *snapshot = swarm_store_snapshot(store, &size), applied[48] = "";
		if (lagging)
			snprintf(applied, sizeof applied, "\"applied_index\":%" PRIu64 ",", store->applied);
		if (asprintf(&reply, "{\"ok\":true,\"self\":\"m1\",\"leader\":\"m1\",%s\"managers\":[{\"id\":\"m1\","
				     "\"address\":\"10.0.0.1:2377\",\"reachable\":true,\"leader\":true}],\"store\":%s}",
			     applied, snapshot) < 0)
			reply = NULL;
		free(snapshot);
	} else if (op && strcmp(op, "propose") == 0 && lagging && !has_pending) {
		size_t size;
		char *bytes = json_write(json_get(root, "command"), 0, &size);
		if (!bytes || swarm_command_decode(bytes, size, &pending) < 0)
			_exit(1);
		free(bytes);
		has_pending = true;
		states_since = 0;
		if (asprintf(&reply, "{\"ok\":true,\"index\":%" PRIu64 "}", store->applied + 1) < 0)
			reply = NULL;
	} else if (op && strcmp(op, "propose") == 0) {
		size_t size;
		char *bytes = json_write(json_get(root, "command"), 0, &size);
		struct swarm_command command;
		int rc = bytes ? swarm_command_decode(bytes, size, &command) : -1;
		if (rc == 0) {
			rc = swarm_store_apply(store, &command);
			swarm_command_free(&command);
		}
		free(bytes);
		struct json *out = json_new_object();
		json_add_bool(out, "ok", rc == 0);
		if (rc == 0)
			json_add_int(out, "index", (int64_t)store->applied);
		else
			json_add_string(out, "error", error_message());
		reply = json_write(out, 0, NULL);
		json_free(out);
	} else {
		reply = strdup("{\"ok\":false,\"error\":\"unknown op\"}");
	}
	json_free(root);
	return reply;
}

/* A node joins the child's store. No Check call here: the child is not the test's process. */
static void join(struct swarm_store *store, const char *id, enum swarm_role role)
{
	struct swarm_command command;
	swarm_command_init(&command, SWARM_NODE_JOIN, 0);
	swarm_copy_name(command.node.id, sizeof(command.node.id), id);
	swarm_copy_name(command.node.hostname, sizeof(command.node.hostname), id);
	swarm_copy_name(command.node.address, sizeof(command.node.address), "10.0.0.1:2377");
	command.node.role = role;
	if (swarm_store_apply(store, &command) < 0)
		_exit(1);
	swarm_command_free(&command);
}

static void serve(int listener)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL); /* gone with the test, whatever becomes of it */
	/* Nothing of the test's but the socket: with CK_FORK=no, Check's own files are open here. */
	listener = dup2(listener, 3);
	close_range(4, ~0U, 0);
	struct swarm_store store;
	swarm_store_init(&store);
	join(&store, "m1", SWARM_MANAGER);
	join(&store, "w1", SWARM_WORKER);
	for (;;) {
		int fd = accept(listener, NULL, NULL);
		if (fd < 0)
			continue;
		char *request, *reply;
		size_t length;
		if (swarm_frame_read(fd, &request, &length, swarm_monotonic_ms() + 5000) == 0) {
			if ((reply = answer(&store, request, length)))
				swarm_frame_write(fd, reply, strlen(reply), swarm_monotonic_ms() + 5000);
			free(reply);
			free(request);
		}
		close(fd);
	}
}

static void start_node(void)
{
	strcpy(run_dir, "/tmp/tinydock-cli-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(run_dir));
	setenv("TINYDOCK_RUN", run_dir, 1);
	char path[PATH_MAX], folder[PATH_MAX];
	snprintf(folder, sizeof folder, "%s/swarm", run_dir);
	ck_assert_int_eq(mkdir(folder, 0700), 0);
	ck_assert_int_eq(swarm_control_path(path, sizeof path), 0);
	int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un address = { .sun_family = AF_UNIX };
	strcpy(address.sun_path, path);
	ck_assert_int_eq(bind(listener, (struct sockaddr *)&address, sizeof address), 0);
	ck_assert_int_eq(listen(listener, 8), 0);
	node = fork();
	if (node == 0)
		serve(listener); /* before any Check call: the child must not write to Check's messages */
	ck_assert_int_ge(node, 0);
	close(listener);
}

static void stop_node(void)
{
	if (node > 0) {
		kill(node, SIGKILL);
		waitpid(node, NULL, 0);
		node = -1;
	}
	remove_tree(run_dir);
	unsetenv("TINYDOCK_RUN");
}

/* --- running a command ---------------------------------------------------------------------- */

/* Run cmd over the words of line (split at spaces), its stdout captured into *out. */
static int run(int (*cmd)(int, char **), const char *line, char **out)
{
	char *copy = strdup(line), *argv[32], *save = NULL;
	int argc = 0;
	for (char *word = strtok_r(copy, " ", &save); word && argc < 31; word = strtok_r(NULL, " ", &save))
		argv[argc++] = word;
	argv[argc] = NULL;
	fflush(stdout);
	FILE *capture = tmpfile();
	int saved = dup(1);
	dup2(fileno(capture), 1);
	int status = cmd(argc, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	off_t size = lseek(fileno(capture), 0, SEEK_END);
	char *text = calloc(1, (size_t)size + 1);
	ck_assert_int_eq(pread(fileno(capture), text, (size_t)size, 0), size);
	fclose(capture);
	free(copy);
	if (out)
		*out = text;
	else
		free(text);
	return status;
}

static void state_now(struct swarm_state *state)
{
	ck_assert_msg(swarm_cli_state(state) == 0, "%s", error_message());
}

START_TEST(service_create_proposes_the_spec_and_prints_the_services_id)
{
	char *out;
	ck_assert_int_eq(run(cmd_service, "service create -d --name web --replicas 2 -p 8080:80 --limit-memory 64M "
					   "nginx:1.26 nginx -g daemon",
			     &out),
			 0);
	char id[SWARM_SERVICE_ID_SIZE];
	swarm_service_id("web", id);
	ck_assert_str_eq(strtok(out, "\n"), id); /* the ID, alone on its line */
	free(out);
	struct swarm_state state;
	state_now(&state);
	const struct swarm_service *web = swarm_store_service(&state.store, "web");
	ck_assert_ptr_nonnull(web);
	ck_assert_str_eq(web->spec.image, "nginx:1.26");
	ck_assert_uint_eq(web->spec.replicas, 2);
	ck_assert_uint_eq(web->spec.ports[0].published, 8080);
	ck_assert_int_eq(web->spec.limit_memory_bytes, 64 << 20);
	ck_assert_uint_eq(web->spec.command.count, 3);
	swarm_state_free(&state);
	/* a second service of the same name: the swarm's refusal, said by the command, exit 1 */
	ck_assert_int_eq(run(cmd_service, "service create -d --name web alpine", NULL), 1);
}
END_TEST

START_TEST(service_scale_and_update_change_only_what_they_name)
{
	ck_assert_int_eq(run(cmd_service, "service create -d --name web --replicas 2 -e A=1 nginx:1.26", NULL), 0);
	char *out;
	ck_assert_int_eq(run(cmd_service, "service scale -d web=5", &out), 0);
	ck_assert_str_eq(out, "web scaled to 5\n");
	free(out);
	ck_assert_int_eq(run(cmd_service, "service update -d --image nginx:1.27 --env-add B=2 web", &out), 0);
	ck_assert_str_eq(out, "web\n");
	free(out);
	struct swarm_state state;
	state_now(&state);
	const struct swarm_service *web = swarm_store_service(&state.store, "web");
	ck_assert_uint_eq(web->spec.replicas, 5);
	ck_assert_str_eq(web->spec.image, "nginx:1.27");
	ck_assert_uint_eq(web->spec.env.count, 2);
	ck_assert_uint_eq(web->version, 2);            /* a new image is a new version */
	ck_assert_str_eq(web->previous.image, "nginx:1.26");
	swarm_state_free(&state);
	ck_assert_int_eq(run(cmd_service, "service rollback -d web", &out), 0);
	free(out);
	state_now(&state);
	ck_assert_str_eq(swarm_store_service(&state.store, "web")->spec.image, "nginx:1.26");
	swarm_state_free(&state);
	ck_assert_int_eq(run(cmd_service, "service scale -d nope=1", NULL), 1);
}
END_TEST

START_TEST(service_ls_and_inspect_print_what_the_node_holds)
{
	ck_assert_int_eq(run(cmd_service, "service create -d --name web --replicas 3 -p 8080:80 nginx", NULL), 0);
	char *out;
	ck_assert_int_eq(run(cmd_service, "service ls --format {{.Name}}|{{.Replicas}}|{{.Ports}}", &out), 0);
	ck_assert_str_eq(out, "web|0/3|*:8080->80/tcp\n"); /* no task runs: nothing runs tasks here */
	free(out);
	ck_assert_int_eq(run(cmd_service, "service inspect -f {{.Spec.Mode.Replicated.Replicas}} web", &out), 0);
	ck_assert_str_eq(out, "3\n");
	free(out);
	ck_assert_int_eq(run(cmd_service, "service inspect --pretty web", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "Name:\t\tweb\n"));
	ck_assert_ptr_nonnull(strstr(out, " Replicas:\t3\n"));
	free(out);
	ck_assert_int_eq(run(cmd_service, "service rm web", &out), 0);
	ck_assert_str_eq(out, "web\n");
	free(out);
	ck_assert_int_eq(run(cmd_service, "service ls -q", &out), 0);
	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

START_TEST(node_update_drains_a_node_and_labels_it)
{
	char *out;
	ck_assert_int_eq(run(cmd_node, "node update --availability drain --label-add zone=a w1", &out), 0);
	ck_assert_str_eq(out, "w1\n");
	free(out);
	ck_assert_int_eq(run(cmd_node, "node ls --format {{.Hostname}}:{{.Availability}}:{{.ManagerStatus}}", &out), 0);
	ck_assert_str_eq(out, "m1:Active:Leader\nw1:Drain:\n");
	free(out);
	ck_assert_int_eq(run(cmd_node, "node inspect -f {{.Spec.Labels.zone}} w1", &out), 0);
	ck_assert_str_eq(out, "a\n");
	free(out);
	ck_assert_int_eq(run(cmd_node, "node promote w1", &out), 0);
	ck_assert_str_eq(out, "Node w1 promoted to a manager in the swarm.\n");
	free(out);
	ck_assert_int_eq(run(cmd_node, "node inspect -f {{.Spec.Role}} self w1", &out), 0);
	ck_assert_str_eq(out, "manager\nmanager\n");
	free(out);
	ck_assert_int_eq(run(cmd_node, "node update --availability sleepy w1", NULL), 1);
}
END_TEST

START_TEST(stack_deploy_creates_then_updates_and_prunes_only_when_asked)
{
	char file[PATH_MAX];
	snprintf(file, sizeof file, "%s/stack.yml", run_dir);
	FILE *f = fopen(file, "w");
	fputs("services:\n  web:\n    image: nginx:1.26\n    ports: [\"8080:80\"]\n    deploy:\n      replicas: 3\n"
	      "  api:\n    image: api:1\n",
	      f);
	fclose(f);
	char line[PATH_MAX + 64], *out;
	snprintf(line, sizeof line, "stack deploy -c %s shop", file);
	ck_assert_int_eq(run(cmd_stack, line, &out), 0);
	ck_assert_str_eq(out, "Creating service shop_api\nCreating service shop_web\n");
	free(out);
	ck_assert_int_eq(run(cmd_stack, "stack ls", &out), 0);
	ck_assert_str_eq(out, "NAME      SERVICES\nshop      2\n");
	free(out);
	/* the file loses api and scales web: deploy updates web, keeps api; --prune removes it */
	f = fopen(file, "w");
	fputs("services:\n  web:\n    image: nginx:1.26\n    ports: [\"8080:80\"]\n    deploy:\n      replicas: 5\n", f);
	fclose(f);
	ck_assert_int_eq(run(cmd_stack, line, &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "Updating service shop_web (id: "));
	free(out);
	ck_assert_int_eq(run(cmd_stack, "stack services --format {{.Name}}:{{.Replicas}} shop", &out), 0);
	ck_assert_str_eq(out, "shop_api:0/1\nshop_web:0/5\n");
	free(out);
	snprintf(line, sizeof line, "stack deploy --prune -c %s shop", file);
	ck_assert_int_eq(run(cmd_stack, line, &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "Removing service shop_api\n"));
	free(out);
	ck_assert_int_eq(run(cmd_stack, "stack rm shop", &out), 0);
	ck_assert_str_eq(out, "Removing service shop_web\n");
	free(out);
	ck_assert_int_eq(run(cmd_stack, "stack ls", &out), 0);
	ck_assert_str_eq(out, "NAME      SERVICES\n");
	free(out);
}
END_TEST

static void start_lagging_node(void)
{
	lagging = true;
	start_node();
	lagging = false;
}

START_TEST(a_command_through_a_lagging_manager_returns_once_that_manager_holds_its_change)
{
	ck_assert_int_eq(run(cmd_service, "service create -d --name web --replicas 2 nginx:1.26", NULL), 0);
	struct swarm_state state;
	state_now(&state); /* what a next command reads there: the service, not the store before it */
	ck_assert_ptr_nonnull(swarm_store_service(&state.store, "web"));
	swarm_state_free(&state);
	/* an update right after a rollback reads the spec the rollback left, not the one before */
	ck_assert_int_eq(run(cmd_service, "service update -d --image nginx:1.27 web", NULL), 0);
	ck_assert_int_eq(run(cmd_service, "service rollback -d web", NULL), 0);
	ck_assert_int_eq(run(cmd_service, "service update -d --env-add B=2 web", NULL), 0);
	state_now(&state);
	const struct swarm_service *web = swarm_store_service(&state.store, "web");
	ck_assert_str_eq(web->spec.image, "nginx:1.26");
	ck_assert_uint_eq(web->spec.env.count, 1);
	swarm_state_free(&state);
}
END_TEST

START_TEST(without_a_node_every_command_says_to_init_or_join)
{
	stop_node();
	setenv("TINYDOCK_RUN", "/nonexistent-tinydock-run", 1);
	ck_assert_int_eq(run(cmd_service, "service ls", NULL), 1);
	ck_assert_int_eq(run(cmd_node, "node ls", NULL), 1);
	ck_assert_int_eq(run(cmd_stack, "stack ls", NULL), 1);
	unsetenv("TINYDOCK_RUN");
}
END_TEST

Suite *swarm_cli_commands_suite(void)
{
	Suite *s = suite_create("swarm_cli_commands");
	TCase *tc = tcase_create("commands");
	tcase_add_checked_fixture(tc, start_node, stop_node);
	tcase_add_test(tc, service_create_proposes_the_spec_and_prints_the_services_id);
	tcase_add_test(tc, service_scale_and_update_change_only_what_they_name);
	tcase_add_test(tc, service_ls_and_inspect_print_what_the_node_holds);
	tcase_add_test(tc, node_update_drains_a_node_and_labels_it);
	tcase_add_test(tc, stack_deploy_creates_then_updates_and_prunes_only_when_asked);
	tcase_add_test(tc, without_a_node_every_command_says_to_init_or_join);
	suite_add_tcase(s, tc);
	TCase *lag = tcase_create("a manager that applies late");
	tcase_add_checked_fixture(lag, start_lagging_node, stop_node);
	tcase_add_test(lag, a_command_through_a_lagging_manager_returns_once_that_manager_holds_its_change);
	suite_add_tcase(s, lag);
	return s;
}
