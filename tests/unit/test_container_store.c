/*
 * test_container_store.c - the runtime's pure parts: the record as JSON, name and id-prefix
 * resolution, times, /proc/PID/stat (03-cgroups/container-record.c, container-find.c,
 * container-live.c, timestamp.c).
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capabilities.h"
#include "container-store.h"
#include "error.h"
#include "files.h"
#include "json.h"
#include "log-time.h"

static const char ID_A[] = "4f2a000000000000000000000000000000000000000000000000000000000001";
static const char ID_B[] = "4f2b000000000000000000000000000000000000000000000000000000000002";

START_TEST(a_record_survives_a_round_trip_through_json)
{
	struct container_record r = { 0 }, back;
	snprintf(r.id, sizeof(r.id), "%s", ID_A);
	snprintf(r.name, sizeof(r.name), "web");
	r.created = 1764345903123456789LL;
	snprintf(r.image, sizeof(r.image), "/tmp/box");
	ck_assert_int_eq(string_list_add(&r.command, "sleep"), 0);
	ck_assert_int_eq(string_list_add(&r.command, "60"), 0);
	ck_assert_int_eq(string_list_add(&r.env, "A=b"), 0);
	snprintf(r.status, sizeof(r.status), "exited");
	r.exit_code = 137;
	r.oom_killed = true;
	r.limits.memory = 64 << 20;
	r.limits.nano_cpus = 500000000;
	r.limits.pids_limit = 50;
	r.restart.mode = RESTART_ON_FAILURE;
	r.restart.max_retries = 2;
	r.port_count = 1;
	r.ports[0].host_port = 8080;
	r.ports[0].container_port = 80;
	r.ports[0].host_ip.s_addr = htonl(INADDR_LOOPBACK);

	struct json *doc = container_record_to_json(&r);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(json_get_string(doc, "Name"), "/web");
	ck_assert_str_eq(json_get_string(doc, "Path"), "sleep");
	ck_assert_str_eq(json_string(json_pointer(doc, "/Args/0")), "60");
	ck_assert_str_eq(json_string(json_pointer(doc, "/HostConfig/PortBindings/80~1tcp/0/HostPort")), "8080");
	ck_assert_int_eq(container_record_from_json(doc, &back), 0);
	json_free(doc);

	ck_assert_str_eq(back.id, ID_A);
	ck_assert_str_eq(back.name, "web");
	ck_assert(back.created == r.created);
	ck_assert_uint_eq(back.command.count, 2);
	ck_assert_str_eq(back.command.items[1], "60");
	ck_assert_str_eq(back.env.items[0], "A=b");
	ck_assert_int_eq(back.exit_code, 137);
	ck_assert(back.oom_killed);
	ck_assert(back.limits.memory == 64 << 20);
	ck_assert(back.limits.nano_cpus == 500000000);
	ck_assert(back.limits.pids_limit == 50);
	ck_assert_int_eq(back.restart.mode, RESTART_ON_FAILURE);
	ck_assert_int_eq(back.restart.max_retries, 2);
	ck_assert_uint_eq(back.port_count, 1);
	ck_assert_uint_eq(back.ports[0].host_port, 8080);
	ck_assert_uint_eq(back.ports[0].container_port, 80);
	ck_assert_uint_eq(ntohl(back.ports[0].host_ip.s_addr), INADDR_LOOPBACK);
	container_record_free(&r);
	container_record_free(&back);
}
END_TEST

START_TEST(names_ids_and_unique_prefixes_resolve_as_docker_does)
{
	const char *ids[] = { ID_A, ID_B };
	const char *names[] = { "web", "4f2b" };
	ck_assert_int_eq(container_resolve_among(ID_B, ids, names, 2), 1);
	ck_assert_int_eq(container_resolve_among("web", ids, names, 2), 0);
	ck_assert_int_eq(container_resolve_among("/web", ids, names, 2), 0);
	/* A name wins over an id prefix, as in Docker. */
	ck_assert_int_eq(container_resolve_among("4f2b", ids, names, 2), 1);
	ck_assert_int_eq(container_resolve_among("4f2a", ids, names, 2), 0);
	ck_assert_int_eq(container_resolve_among("4f2", ids, names, 2), -1);
	ck_assert_str_eq(error_message(), "multiple IDs found with provided prefix: 4f2");
	error_clear();
	ck_assert_int_eq(container_resolve_among("db", ids, names, 2), -1);
	ck_assert_str_eq(error_message(), "No such container: db");
	error_clear();
}
END_TEST

START_TEST(times_are_written_and_read_as_rfc_3339_with_nanoseconds)
{
	char text[TIMESTAMP_SIZE];
	timestamp_format(1764345903123456789LL, text);
	ck_assert_str_eq(text, "2025-11-28T16:05:03.123456789Z");
	timestamp_ns t;
	ck_assert_int_eq(timestamp_parse(text, &t), 0);
	ck_assert(t == 1764345903123456789LL);
	ck_assert_int_eq(timestamp_parse("2025-11-28T16:05:03.5Z", &t), 0);
	ck_assert(t == 1764345903500000000LL);
	timestamp_format(0, text);
	ck_assert_str_eq(text, "0001-01-01T00:00:00Z");
	ck_assert_int_eq(timestamp_parse(text, &t), 0);
	ck_assert(t == 0);
	ck_assert_int_eq(timestamp_parse("yesterday", &t), -1);
}
END_TEST

START_TEST(the_start_time_is_field_22_even_when_the_name_holds_parentheses)
{
	unsigned long long start = 0;
	const char stat[] = "123 (a) b) c) S 1 123 123 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10";
	ck_assert_int_eq(parse_stat_start_time(stat, &start), 0);
	ck_assert_uint_eq(start, 987654);
	ck_assert_int_eq(parse_stat_start_time("123 (x", &start), -1);
}
END_TEST

START_TEST(only_a_live_monitor_makes_a_container_running)
{
	char dir[] = "/tmp/tinydock-unit-store.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	setenv("TINYDOCK_RUN", dir, 1);
	struct container_record r = { 0 };
	snprintf(r.id, sizeof(r.id), "%s", ID_A);
	snprintf(r.status, sizeof(r.status), "running");
	/* No live state (a reboot emptied TINYDOCK_RUN): whatever the record says, it is not running. */
	ck_assert_str_eq(container_state(&r, NULL), "exited");
	snprintf(r.status, sizeof(r.status), "created");
	ck_assert_str_eq(container_state(&r, NULL), "created");

	/* Our own process as its monitor: running. */
	struct container_live live = { .monitor = getpid(), .pid = getpid() };
	ck_assert_int_eq(process_start_time(getpid(), &live.monitor_start), 0);
	ck_assert_int_eq(container_live_save(r.id, &live), 0);
	struct container_live seen;
	ck_assert_str_eq(container_state(&r, &seen), "running");
	ck_assert_int_eq(seen.monitor, getpid());

	/* The same pid with another start time is another process (the pid was reused): not running. */
	live.monitor_start += 1;
	ck_assert_int_eq(container_live_save(r.id, &live), 0);
	ck_assert_str_eq(container_state(&r, NULL), "created");

	/* `stop` marks it, and clearing the live state removes the mark too. */
	ck_assert_int_eq(container_mark_stopping(r.id), 0);
	ck_assert(container_is_stopping(r.id));
	ck_assert_int_eq(container_live_clear(r.id), 0);
	ck_assert(!container_is_stopping(r.id));
	ck_assert_int_eq(container_live_load(r.id, &seen), 1);
	unsetenv("TINYDOCK_RUN");
	ck_assert_int_eq(remove_tree(dir), 0);
}
END_TEST

START_TEST(the_store_refuses_a_name_in_use_and_finds_containers_by_name_and_prefix)
{
	char dir[] = "/tmp/tinydock-unit-store.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	setenv("TINYDOCK_ROOT", dir, 1);
	struct container_record a = { 0 }, b = { 0 };
	snprintf(a.id, sizeof(a.id), "%s", ID_A);
	snprintf(a.name, sizeof(a.name), "web");
	snprintf(a.status, sizeof(a.status), "created");
	b = a;
	snprintf(b.id, sizeof(b.id), "%s", ID_B);
	ck_assert_int_eq(container_create(&a), 0);
	ck_assert_int_eq(container_create(&b), 1);
	ck_assert_msg(strstr(error_message(), "Conflict. The container name \"/web\" is already in use by container \"4f2a"),
		      "%s", error_message());
	error_clear();
	snprintf(b.name, sizeof(b.name), "db");
	ck_assert_int_eq(container_create(&b), 0);

	char id[65];
	ck_assert_int_eq(container_resolve("db", id), 0);
	ck_assert_str_eq(id, ID_B);
	ck_assert_int_eq(container_resolve("4f2a", id), 0);
	ck_assert_str_eq(id, ID_A);
	ck_assert_int_eq(container_resolve("4f", id), -1);
	error_clear();
	ck_assert_int_eq(container_rename(ID_B, "web"), -1);
	error_clear();
	ck_assert_int_eq(container_rename(ID_B, "cache"), 0);
	struct container_record back;
	ck_assert_int_eq(container_record_load(ID_B, &back), 0);
	ck_assert_str_eq(back.name, "cache");
	container_record_free(&back);
	ck_assert_int_eq(container_resolve("cache", id), 0);
	ck_assert_str_eq(id, ID_B);
	ck_assert_int_eq(container_remove_files(ID_B), 0);
	ck_assert_int_eq(container_resolve("cache", id), -1);
	ck_assert_str_eq(error_message(), "No such container: cache");
	error_clear();
	unsetenv("TINYDOCK_ROOT");
	ck_assert_int_eq(remove_tree(dir), 0);
}
END_TEST

/* Through JSON and back, the settings `exec` must apply again. */
static struct security_settings security_round_trip(const struct security_settings *s, struct json **doc_out)
{
	struct container_record r = { 0 }, back;
	snprintf(r.id, sizeof(r.id), "%s", ID_A);
	snprintf(r.name, sizeof(r.name), "sec");
	r.security = *s;
	struct json *doc = container_record_to_json(&r);
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(container_record_from_json(doc, &back), 0);
	container_record_free(&back);
	*doc_out = doc;
	return back.security;
}

START_TEST(the_capabilities_and_filters_of_a_container_are_recorded_as_docker_names_them)
{
	struct security_settings s, back;
	struct json *doc;
	/* --cap-drop ALL --cap-add NET_BIND_SERVICE: one capability left, whatever the order. */
	security_defaults(&s);
	ck_assert_int_eq(security_cap_drop(&s, "ALL"), 0);
	ck_assert_int_eq(security_cap_add(&s, "NET_BIND_SERVICE"), 0);
	back = security_round_trip(&s, &doc);
	ck_assert(back.capabilities == CAPABILITY_BIT(capability_from_name("NET_BIND_SERVICE")));
	ck_assert(back.seccomp && back.no_new_privs && !back.privileged);
	ck_assert_uint_eq(json_pointer(doc, "/HostConfig/CapDrop")->count, 13);
	ck_assert_uint_eq(json_pointer(doc, "/HostConfig/CapAdd")->count, 0);
	json_free(doc);

	/* --cap-add SYS_ADMIN --security-opt seccomp=unconfined --security-opt no-new-privileges=false */
	security_defaults(&s);
	ck_assert_int_eq(security_cap_add(&s, "SYS_ADMIN"), 0);
	ck_assert_int_eq(security_opt(&s, "seccomp=unconfined"), 0);
	ck_assert_int_eq(security_opt(&s, "no-new-privileges=false"), 0);
	back = security_round_trip(&s, &doc);
	ck_assert(back.capabilities == s.capabilities);
	ck_assert(!back.seccomp && !back.no_new_privs);
	ck_assert_str_eq(json_string(json_pointer(doc, "/HostConfig/CapAdd/0")), "CAP_SYS_ADMIN");
	ck_assert_str_eq(json_string(json_pointer(doc, "/HostConfig/SecurityOpt/0")), "seccomp=unconfined");
	json_free(doc);

	/* --privileged: everything, no filter; and a record without these fields: the defaults. */
	security_defaults(&s);
	security_privileged(&s);
	back = security_round_trip(&s, &doc);
	ck_assert(back.privileged && back.capabilities == capability_all() && !back.seccomp && !back.no_new_privs);
	bool privileged = false;
	ck_assert_int_eq(json_bool(json_pointer(doc, "/HostConfig/Privileged"), &privileged), 0);
	ck_assert(privileged);
	json_free(doc);

	struct container_record old;
	const char text[] = "{\"Id\": \"4f2a000000000000000000000000000000000000000000000000000000000001\", "
			    "\"Name\": \"/old\", \"HostConfig\": {}}";
	doc = json_parse(text, strlen(text));
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(container_record_from_json(doc, &old), 0);
	ck_assert(old.security.capabilities == capability_docker_default() && old.security.seccomp);
	container_record_free(&old);
	json_free(doc);
}
END_TEST

START_TEST(logs_since_and_until_take_durations_epoch_seconds_and_rfc_3339_times)
{
	timestamp_ns now = 1764782751LL * 1000000000LL; /* 2025-12-03T17:25:51Z */
	timestamp_ns t;
	ck_assert_int_eq(log_time_parse("10m", now, &t), 0);
	ck_assert_int_eq(t, now - 600LL * 1000000000LL);
	ck_assert_int_eq(log_time_parse("1h30m", now, &t), 0);
	ck_assert_int_eq(t, now - 5400LL * 1000000000LL);
	ck_assert_int_eq(log_time_parse("1700000000", now, &t), 0);
	ck_assert_int_eq(t, 1700000000LL * 1000000000LL);
	ck_assert_int_eq(log_time_parse("1700000000.000000001", now, &t), 0);
	ck_assert_int_eq(t, 1700000000LL * 1000000000LL + 1);
	ck_assert_int_eq(log_time_parse("2025-12-03T17:25:51Z", now, &t), 0);
	ck_assert_int_eq(t, now);
	ck_assert_int_eq(log_time_parse("2025-12-03T17:25:51.5Z", now, &t), 0);
	ck_assert_int_eq(t, now + 500000000LL);
	ck_assert_int_eq(log_time_parse("2025-12-03T18:25:51+01:00", now, &t), 0);
	ck_assert_int_eq(t, now);
	ck_assert_int_eq(log_time_parse("2025-12-03T12:25:51-05:00", now, &t), 0);
	ck_assert_int_eq(t, now);
	/* without a zone: local time; TZ=UTC makes it the same instant as with Z */
	setenv("TZ", "UTC", 1);
	tzset();
	ck_assert_int_eq(log_time_parse("2025-12-03T17:25", now, &t), 0);
	ck_assert_int_eq(t, now - 51LL * 1000000000LL);
	ck_assert_int_eq(log_time_parse("2025-12-03", now, &t), 0);
	ck_assert_int_eq(t, (now / 1000000000LL - (17 * 3600 + 25 * 60 + 51)) * 1000000000LL);
	unsetenv("TZ");
	tzset();
	const char *bad[] = { "yesterday", "2025-13-01", "2025-12-03T17", "10 minutes", "1.2.3", "" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(log_time_parse(bad[i], now, &t) == -1, "%s", bad[i]);
		ck_assert(strstr(error_message(), "invalid value for a time"));
	}
}
END_TEST

Suite *container_store_suite(void)
{
	Suite *s = suite_create("container_store");
	TCase *t = tcase_create("container_store");
	tcase_add_test(t, a_record_survives_a_round_trip_through_json);
	tcase_add_test(t, the_capabilities_and_filters_of_a_container_are_recorded_as_docker_names_them);
	tcase_add_test(t, names_ids_and_unique_prefixes_resolve_as_docker_does);
	tcase_add_test(t, times_are_written_and_read_as_rfc_3339_with_nanoseconds);
	tcase_add_test(t, logs_since_and_until_take_durations_epoch_seconds_and_rfc_3339_times);
	tcase_add_test(t, the_start_time_is_field_22_even_when_the_name_holds_parentheses);
	tcase_add_test(t, only_a_live_monitor_makes_a_container_running);
	tcase_add_test(t, the_store_refuses_a_name_in_use_and_finds_containers_by_name_and_prefix);
	suite_add_tcase(s, t);
	return s;
}
