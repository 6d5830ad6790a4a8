/*
 * test_run_options.c - the pure parts of chapter 02: `run`'s flags, id maps, users, hostnames,
 * the environment, clone and mount flag names, the protocol's names.
 */
#include <check.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "container.h"
#include "env-file.h"
#include "error.h"
#include "init.h"
#include "sync.h"
#include "users.h"

/* parse_run_options on a NULL-terminated list of words after "run" */
static int parse(struct container *c, const char *const words[])
{
	static char *argv[64];
	int argc = 0;
	argv[argc++] = (char *)"run";
	for (int i = 0; words[i]; i++)
		argv[argc++] = (char *)words[i];
	argv[argc] = NULL;
	return parse_run_options(argc, argv, c);
}

START_TEST(flags_fill_the_container_and_the_command_starts_at_the_first_operand)
{
	struct container c;
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--rootfs", "/r", "--hostname", "web", "-e", "A=1", "-e", "B",
							  "-w", "/srv", "-u", "1000:1001", "-it", "--rm", "--name",
							  "shop_1", "--network", "host", "ls", "-l", "/", NULL }),
			 0);
	ck_assert_str_eq(c.rootfs, "/r");
	ck_assert_str_eq(c.hostname, "web");
	ck_assert_int_eq((int)c.env_count, 2);
	ck_assert_str_eq(c.env[1], "B");
	ck_assert_str_eq(c.workdir, "/srv");
	ck_assert_str_eq(c.user, "1000:1001");
	ck_assert(c.interactive && c.tty && c.remove);
	ck_assert_str_eq(c.name, "shop_1");
	ck_assert_int_eq(c.network, NETWORK_HOST);
	ck_assert(!c.userns && !c.privileged);
	/* "-l" belongs to ls: getopt's '+' stops at the first operand */
	ck_assert_str_eq(c.command[0], "ls");
	ck_assert_str_eq(c.command[1], "-l");
	ck_assert_ptr_null(c.command[3]);
}
END_TEST

START_TEST(defaults_are_the_bridge_network_and_bin_sh)
{
	struct container c;
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--rootfs", "/r", NULL }), 0);
	ck_assert_int_eq(c.network, NETWORK_BRIDGE);
	ck_assert_ptr_null(c.network_name); /* run.c settles it: "bridge", or none when rootless */
	ck_assert_int_eq((int)c.port_count, 0);
	ck_assert_str_eq(c.command[0], "/bin/sh");
	ck_assert_ptr_eq(c.command, c.default_command);
	ck_assert_str_eq(c.hostname, "");
	ck_assert(!c.tty && !c.interactive && !c.user);
}
END_TEST

START_TEST(networks_aliases_and_published_ports_are_parsed_as_docker_does)
{
	struct container c;
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--rootfs", "/r", "--network", "shop", "--network-alias", "db",
							  "--network-alias", "database", "-p", "8080:80", "--publish",
							  "127.0.0.1:9000:90/tcp", "-p", "443", "true", NULL }),
			 0);
	ck_assert_int_eq(c.network, NETWORK_BRIDGE);
	ck_assert_str_eq(c.network_name, "shop");
	ck_assert_int_eq((int)c.alias_count, 2);
	ck_assert_str_eq(c.aliases[1], "database");
	ck_assert_ptr_null(c.aliases[2]);
	ck_assert_int_eq((int)c.port_count, 3);
	char text[64];
	port_mapping_format(&c.ports[0], text, sizeof(text));
	ck_assert_str_eq(text, "0.0.0.0:8080->80/tcp");
	port_mapping_format(&c.ports[1], text, sizeof(text));
	ck_assert_str_eq(text, "127.0.0.1:9000->90/tcp");
	port_mapping_format(&c.ports[2], text, sizeof(text));
	ck_assert_str_eq(text, "0.0.0.0:0->443/tcp"); /* the kernel picks the host port */
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--rootfs", "/r", "--net", "bridge", NULL }), 0);
	ck_assert_int_eq(c.network, NETWORK_BRIDGE);
	ck_assert_str_eq(c.network_name, "bridge");
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--rootfs", "/r", "--network", "none", NULL }), 0);
	ck_assert_int_eq(c.network, NETWORK_NONE);
}
END_TEST

START_TEST(id_maps_imply_a_user_namespace)
{
	struct container c;
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--rootfs", "/r", "--uidmap", "0:100000:65536", "--uidmap",
							  "65536:5000:1", "true", NULL }),
			 0);
	ck_assert(c.userns);
	ck_assert_int_eq((int)c.uid_map_count, 2);
	ck_assert(c.uid_maps[1].inside == 65536 && c.uid_maps[1].outside == 5000 && c.uid_maps[1].count == 1);
	ck_assert_int_eq((int)c.gid_map_count, 0);
	default_id_maps(&c, 0, 0);
	ck_assert(c.gid_maps[0].inside == 0 && c.gid_maps[0].outside == DEFAULT_USERNS_OUTSIDE &&
		  c.gid_maps[0].count == DEFAULT_USERNS_COUNT);
	ck_assert_int_eq((int)c.uid_map_count, 2); /* given maps are kept */
}
END_TEST

START_TEST(a_rootless_user_maps_only_its_own_ids)
{
	struct container c;
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--rootfs", "/r", "--userns", NULL }), 0);
	default_id_maps(&c, 1000, 1002);
	ck_assert(c.uid_maps[0].inside == 0 && c.uid_maps[0].outside == 1000 && c.uid_maps[0].count == 1);
	ck_assert(c.gid_maps[0].inside == 0 && c.gid_maps[0].outside == 1002 && c.gid_maps[0].count == 1);
}
END_TEST

START_TEST(bad_flags_and_values_are_refused_with_one_line_naming_them)
{
	struct {
		const char *words[8];
		const char *message;
	} cases[] = {
		{ { "--rootfs", "/r", "--bogus", NULL }, "unknown flag: --bogus" },
		{ { "--rootfs", "/r", "-x", NULL }, "unknown shorthand flag: 'x' in -x" },
		{ { "--rootfs", "/r", "-e", NULL }, "flag needs an argument: -e" },
		{ { "--rootfs", NULL }, "flag needs an argument: --rootfs" },
		{ { "true", NULL }, "expects --rootfs DIR" },
		{ { "--rootfs", "/r", "-u", "", NULL }, "invalid user \"\"" },
		{ { "--rootfs", "/r", "-u", "1:", NULL }, "invalid user \"1:\"" },
		{ { "--rootfs", "/r", "-u", ":5", NULL }, "invalid user \":5\"" },
		{ { "--rootfs", "/r", "-u", "a:b:c", NULL }, "expected USER or USER:GROUP" },
		{ { "--rootfs", "/r", "-u", "a b", NULL }, "invalid user" },
		{ { "--rootfs", "/r", "-u", "4294967295", NULL }, "invalid user" },
		{ { "--rootfs", "/r", "--hostname", "a b", NULL }, "invalid hostname \"a b\"" },
		{ { "--rootfs", "/r", "--hostname", "", NULL }, "must not be empty" },
		{ { "--rootfs", "/r", "-w", "tmp", NULL }, "needs to be an absolute path" },
		{ { "--rootfs", "/r", "--name", "-x", NULL }, "invalid container name" },
		{ { "--rootfs", "/r", "--name", "x", NULL }, "invalid container name" }, /* "+": two at least */
		{ { "--rootfs", "/r", "--network", "none", "-p", "80", NULL },
		  "conflicting options: port publishing and the none network mode" },
		{ { "--rootfs", "/r", "--network", "host", "-p", "8080:80", NULL },
		  "conflicting options: port publishing and the host network mode" },
		{ { "--rootfs", "/r", "--network-alias", "db", NULL },
		  "network-scoped alias is supported only for containers in user defined networks" },
		{ { "--rootfs", "/r", "--network", "none", "--network-alias", "db", NULL },
		  "conflicting options: --network-alias and the none network mode" },
		{ { "--rootfs", "/r", "-p", "80/udp", NULL }, "forwards TCP only" },
		{ { "--rootfs", "/r", "-p", "8080:80:90:1", NULL }, "expected [IP:]HOSTPORT:CONTAINERPORT" },
		{ { "--rootfs", "/r", "--uidmap", "0:0", NULL }, "expected CONTAINER:HOST:COUNT" },
		{ { "--rootfs", "/r", "--gidmap", "0:0:0", NULL }, "COUNT > 0" },
		{ { "--rootfs", "/r", "-e", "=x", NULL }, "invalid environment variable" },
		{ { "--rootfs", "/r", "--cap-add", "CAP_FOO", NULL }, "unknown capability" },
		{ { "--rootfs", "/r", "--security-opt", "apparmor=x", NULL }, "apparmor=x" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct container c;
		error_clear();
		ck_assert_msg(parse(&c, cases[i].words) == -1, "case %zu accepted", i);
		ck_assert_msg(strstr(error_message(), cases[i].message) != NULL, "case %zu: %s", i, error_message());
		ck_assert_msg(strchr(error_message(), '\n') == NULL, "case %zu: two lines", i);
	}
}
END_TEST

START_TEST(security_flags_apply_in_order_and_privileged_turns_everything_off)
{
	struct container c;
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--rootfs", "/r", NULL }), 0);
	ck_assert(c.security.seccomp && c.security.no_new_privs && !c.security.privileged);
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--rootfs", "/r", "--cap-drop", "ALL", "--cap-add",
							  "NET_BIND_SERVICE", NULL }),
			 0);
	ck_assert(c.security.capabilities == (1ULL << 10));
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--rootfs", "/r", "--privileged", NULL }), 0);
	ck_assert(c.privileged && c.security.privileged && !c.security.seccomp);
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--rootfs", "/r", "--security-opt", "seccomp=unconfined", NULL }),
			 0);
	ck_assert(!c.security.seccomp && !c.privileged);
}
END_TEST

START_TEST(run_booleans_take_dockers_true_and_false_and_the_last_one_given_wins)
{
	struct container c;
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--rootfs", "/r", "--rm=true", "--interactive=false", "-t=1",
							  "--read-only=False", "--userns=f", "true", NULL }),
			 0);
	ck_assert(c.remove && !c.interactive && c.tty && !c.read_only && !c.userns);
	ck_assert_str_eq(c.command[0], "true");
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--rootfs", "/r", "-it", "--rm", "--rm=false", "-i=false", NULL }),
			 0);
	ck_assert(!c.remove && !c.interactive && c.tty);
	/* --privileged=false after --privileged: not privileged, Docker's confinement kept */
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--rootfs", "/r", "--privileged", "--privileged=false", NULL }),
			 0);
	ck_assert(!c.privileged && !c.security.privileged && c.security.seccomp && c.security.no_new_privs);
	/* privileged keeps every capability wherever a --cap-drop stands */
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--rootfs", "/r", "--cap-drop", "ALL", "--privileged=true", NULL }),
			 0);
	ck_assert(c.privileged && c.security.privileged && c.security.capabilities != 0);
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--rootfs", "/r", "--rm=yes", NULL }), -1);
	ck_assert_str_eq(error_message(), "unknown flag: --rm=yes");
}
END_TEST

START_TEST(an_env_file_gives_key_value_lines_and_names_alone_and_skips_comments)
{
	char text[] = "\xEF\xBB\xBF# the shop\n"
		      "GREETING=hello # not a comment\n"
		      "\n"
		      "   \tINDENTED=a=b\r\n"
		      "  # an indented comment\n"
		      "EMPTY=\n"
		      "QUOTED=\"x\"\n"
		      "HOME";
	const char *entries[8] = { "FIRST=-e" };
	size_t count = 1;
	ck_assert_int_eq(env_file_parse("shop.env", text, entries, 8, &count), 0);
	ck_assert_uint_eq(count, 6);
	ck_assert_str_eq(entries[0], "FIRST=-e");
	ck_assert_str_eq(entries[1], "GREETING=hello # not a comment");
	ck_assert_str_eq(entries[2], "INDENTED=a=b");
	ck_assert_str_eq(entries[3], "EMPTY=");
	ck_assert_str_eq(entries[4], "QUOTED=\"x\""); /* no quote removal, as Docker */
	ck_assert_str_eq(entries[5], "HOME");          /* the host's value, at run time */
}
END_TEST

START_TEST(an_env_file_refuses_a_name_with_blanks_or_none_and_says_the_line)
{
	const char *entries[4];
	size_t count = 0;
	char blank[] = "A=1\nMY VAR=2\n";
	ck_assert_int_eq(env_file_parse("f.env", blank, entries, 4, &count), -1);
	ck_assert_str_eq(error_message(), "f.env line 2: variable \"MY VAR\" contains blanks");
	count = 0;
	char none[] = "=value\n";
	ck_assert_int_eq(env_file_parse("f.env", none, entries, 4, &count), -1);
	ck_assert_str_eq(error_message(), "f.env line 1: no variable name before the '='");
	count = 0;
	char many[] = "A=1\nB=2\nC=3\n";
	ck_assert_int_eq(env_file_parse("f.env", many, entries, 2, &count), -1);
	ck_assert(strstr(error_message(), "too many variables"));
}
END_TEST

START_TEST(run_takes_env_files_before_the_e_values_and_accepts_init_and_attach)
{
	char path[] = "/tmp/tinydock-env-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	const char text[] = "A=from-file\nB=from-file\n";
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	struct container c;
	int rc = parse(&c, (const char *const[]){ "--rootfs", "/r", "-e", "A=from-e", "--env-file", path, "--init",
						  "-a", "STDOUT", "--attach", "stderr", NULL });
	unlink(path);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(c.env_count, 3);
	ck_assert_str_eq(c.env[0], "A=from-file");
	ck_assert_str_eq(c.env[1], "B=from-file");
	ck_assert_str_eq(c.env[2], "A=from-e"); /* later: it wins in build_environment */
	ck_assert_uint_eq(c.attach, ATTACH_STDOUT | ATTACH_STDERR);
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--rootfs", "/r", "-a", "stdio", NULL }), -1);
	ck_assert(strstr(error_message(), "valid streams are STDIN, STDOUT and STDERR"));
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--rootfs", "/r", "--env-file", "/nonexistent/x.env", NULL }),
			 -1);
	ck_assert(strstr(error_message(), "/nonexistent/x.env"));
}
END_TEST

START_TEST(hostnames_up_to_64_characters_are_accepted)
{
	char name[80];
	memset(name, 'a', sizeof(name));
	name[64] = '\0';
	ck_assert_int_eq(check_hostname(name), 0);
	name[64] = 'a';
	name[65] = '\0';
	ck_assert_int_eq(check_hostname(name), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "65 characters, at most 64"));
	ck_assert_int_eq(check_hostname("web-1.example"), 0);
}
END_TEST

static const char PASSWD[] = "root:x:0:0:root:/root:/bin/sh\n"
			     "# a comment\n"
			     "web:x:1000:1000:Web server:/srv/web:/bin/sh\n"
			     "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";
static const char GROUP[] = "root:x:0:\n"
			    "web:x:1000:\n"
			    "audio:x:29:web,other\n"
			    "video:x:44:other,web\n"
			    "nogroup:x:65534:\n";

START_TEST(a_user_name_is_looked_up_in_the_containers_passwd_with_its_groups_and_home)
{
	struct user_identity id;
	ck_assert_int_eq(resolve_user("web", PASSWD, GROUP, &id), 0);
	ck_assert(id.uid == 1000 && id.gid == 1000);
	ck_assert_str_eq(id.home, "/srv/web");
	ck_assert_int_eq((int)id.group_count, 2);
	ck_assert(id.groups[0] == 29 && id.groups[1] == 44);
	ck_assert_int_eq(resolve_user("web:audio", PASSWD, GROUP, &id), 0);
	ck_assert(id.uid == 1000 && id.gid == 29);
	ck_assert_int_eq(resolve_user("0", PASSWD, GROUP, &id), 0);
	ck_assert(id.uid == 0 && id.gid == 0 && id.group_count == 0);
	ck_assert_str_eq(id.home, "/root");
}
END_TEST

START_TEST(a_number_needs_no_entry_and_then_gets_gid_0_as_in_docker)
{
	struct user_identity id;
	ck_assert_int_eq(resolve_user("1000", PASSWD, GROUP, &id), 0);
	ck_assert(id.uid == 1000 && id.gid == 1000); /* the entry with uid 1000 gives its gid */
	ck_assert_int_eq(resolve_user("4242", PASSWD, GROUP, &id), 0);
	ck_assert(id.uid == 4242 && id.gid == 0);
	ck_assert_str_eq(id.home, "/");
	ck_assert_int_eq(resolve_user("4242:77", NULL, NULL, &id), 0);
	ck_assert(id.uid == 4242 && id.gid == 77);
}
END_TEST

START_TEST(an_unknown_user_or_group_name_is_refused_with_docker_s_words)
{
	struct user_identity id;
	ck_assert_int_eq(resolve_user("abc", PASSWD, GROUP, &id), -1);
	ck_assert_str_eq(error_message(), "unable to find user abc: no matching entries in passwd file");
	ck_assert_int_eq(resolve_user("web:staff", PASSWD, GROUP, &id), -1);
	ck_assert_str_eq(error_message(), "unable to find group staff: no matching entries in group file");
	ck_assert_int_eq(resolve_user("nobody", NULL, NULL, &id), -1);
}
END_TEST

START_TEST(id_maps_that_run_past_the_largest_id_are_refused)
{
	struct id_map map;
	ck_assert_int_eq(parse_id_map("0:4294967290:10", &map), -1);
	ck_assert_int_eq(parse_id_map("0:100000:65536", &map), 0);
	ck_assert(map.inside == 0 && map.outside == 100000 && map.count == 65536);
}
END_TEST

START_TEST(the_environment_has_docker_defaults_and_the_last_e_wins)
{
	struct container c;
	setenv("TINYDOCK_TEST_PASSED", "from-outside", 1);
	unsetenv("TINYDOCK_TEST_MISSING");
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--rootfs", "/r", "-t", "-e", "A=1", "-e", "A=2", "-e",
							  "PATH=/bin", "-e", "TINYDOCK_TEST_PASSED", "-e",
							  "TINYDOCK_TEST_MISSING", NULL }),
			 0);
	strcpy(c.hostname, "box");
	char *envp[16], storage[1024];
	ck_assert_int_eq(build_environment(&c, "/root", envp, 16, storage, sizeof(storage)), 0);
	ck_assert_str_eq(envp[0], "PATH=/bin");
	ck_assert_str_eq(envp[1], "HOSTNAME=box");
	ck_assert_str_eq(envp[2], "TERM=xterm");
	ck_assert_str_eq(envp[3], "HOME=/root");
	ck_assert_str_eq(envp[4], "A=2");
	ck_assert_str_eq(envp[5], "TINYDOCK_TEST_PASSED=from-outside");
	ck_assert_ptr_null(envp[6]);
	/* too small a buffer is an error, not an overflow */
	ck_assert_int_eq(build_environment(&c, "/root", envp, 16, storage, 20), -1);
}
END_TEST

START_TEST(a_variable_whose_name_begins_another_s_is_a_variable_of_its_own)
{
	struct container c;
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--rootfs", "/r", "-e", "HOST=x", "-e", "PAT=y", NULL }), 0);
	strcpy(c.hostname, "box");
	char *envp[16], storage[1024];
	ck_assert_int_eq(build_environment(&c, "/root", envp, 16, storage, sizeof(storage)), 0);
	ck_assert_str_eq(envp[1], "HOSTNAME=box");
	ck_assert_str_eq(envp[3], "HOST=x");
	ck_assert_str_eq(envp[4], "PAT=y");
	ck_assert_ptr_null(envp[5]);
	ck_assert_str_eq(envp[0], "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
}
END_TEST

START_TEST(clone_flags_follow_the_network_and_userns_options)
{
	struct container c;
	char names[256];
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--rootfs", "/r", NULL }), 0);
	ck_assert_str_eq(clone_flag_names(container_clone_flags(&c) | SIGCHLD, names, sizeof(names)),
			 "CLONE_NEWPID|CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWNET|SIGCHLD");
	ck_assert_int_eq(parse(&c, (const char *const[]){ "--rootfs", "/r", "--network", "host", "--userns", NULL }), 0);
	ck_assert_str_eq(clone_flag_names(container_clone_flags(&c), names, sizeof(names)),
			 "CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC");
}
END_TEST

START_TEST(mount_flags_are_named_for_explain)
{
	char names[160];
	ck_assert_str_eq(mount_flag_names(MS_REC | MS_PRIVATE, names, sizeof(names)), "MS_REC|MS_PRIVATE");
	ck_assert_str_eq(mount_flag_names(0, names, sizeof(names)), "0");
	ck_assert_str_eq(mount_flag_names(MS_BIND | MS_REMOUNT | MS_RDONLY, names, sizeof(names)),
			 "MS_BIND|MS_REMOUNT|MS_RDONLY");
}
END_TEST

START_TEST(container_ids_are_64_hex_digits_and_differ)
{
	char a[CONTAINER_ID_LENGTH + 1], b[CONTAINER_ID_LENGTH + 1];
	ck_assert_int_eq(make_container_id(a), 0);
	ck_assert_int_eq(make_container_id(b), 0);
	ck_assert_int_eq((int)strlen(a), 64);
	ck_assert_int_eq((int)strspn(a, "0123456789abcdef"), 64);
	ck_assert_str_ne(a, b);
}
END_TEST

START_TEST(the_protocol_steps_have_names_and_the_signals_passed_on_are_docker_s)
{
	ck_assert_str_eq(sync_step_name(SYNC_USERMAP), "SYNC_USERMAP");
	ck_assert_str_eq(sync_step_name(SYNC_GO), "SYNC_GO");
	sigset_t set;
	container_signals(&set, 0);
	ck_assert(sigismember(&set, SIGTERM) && sigismember(&set, SIGWINCH) && sigismember(&set, SIGUSR2));
	ck_assert(!sigismember(&set, SIGCHLD) && !sigismember(&set, SIGKILL));
	container_signals(&set, 1);
	ck_assert(sigismember(&set, SIGCHLD));
}
END_TEST

Suite *run_options_suite(void)
{
	Suite *s = suite_create("02-namespaces options");
	TCase *t = tcase_create("options");
	tcase_add_test(t, flags_fill_the_container_and_the_command_starts_at_the_first_operand);
	tcase_add_test(t, defaults_are_the_bridge_network_and_bin_sh);
	tcase_add_test(t, networks_aliases_and_published_ports_are_parsed_as_docker_does);
	tcase_add_test(t, id_maps_imply_a_user_namespace);
	tcase_add_test(t, a_rootless_user_maps_only_its_own_ids);
	tcase_add_test(t, bad_flags_and_values_are_refused_with_one_line_naming_them);
	tcase_add_test(t, security_flags_apply_in_order_and_privileged_turns_everything_off);
	tcase_add_test(t, run_booleans_take_dockers_true_and_false_and_the_last_one_given_wins);
	tcase_add_test(t, an_env_file_gives_key_value_lines_and_names_alone_and_skips_comments);
	tcase_add_test(t, an_env_file_refuses_a_name_with_blanks_or_none_and_says_the_line);
	tcase_add_test(t, run_takes_env_files_before_the_e_values_and_accepts_init_and_attach);
	tcase_add_test(t, hostnames_up_to_64_characters_are_accepted);
	tcase_add_test(t, a_user_name_is_looked_up_in_the_containers_passwd_with_its_groups_and_home);
	tcase_add_test(t, a_number_needs_no_entry_and_then_gets_gid_0_as_in_docker);
	tcase_add_test(t, an_unknown_user_or_group_name_is_refused_with_docker_s_words);
	tcase_add_test(t, id_maps_that_run_past_the_largest_id_are_refused);
	tcase_add_test(t, the_environment_has_docker_defaults_and_the_last_e_wins);
	tcase_add_test(t, a_variable_whose_name_begins_another_s_is_a_variable_of_its_own);
	tcase_add_test(t, clone_flags_follow_the_network_and_userns_options);
	tcase_add_test(t, mount_flags_are_named_for_explain);
	tcase_add_test(t, container_ids_are_64_hex_digits_and_differ);
	tcase_add_test(t, the_protocol_steps_have_names_and_the_signals_passed_on_are_docker_s);
	suite_add_tcase(s, t);
	return s;
}
