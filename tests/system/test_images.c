/*
 * test_images.c - the image store as a user meets it: busybox made from the host, names,
 * save/load round trips, archives made by GNU tar, Docker and skopeo, corrupt blobs refused,
 * kills at random moments and concurrent writers (05-images/image-*.c).
 */
#include <check.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "files.h"
#include "harness.h"

/* Run a shell script with $T the tinydock binary, $S the sandbox folder, $R its TINYDOCK_ROOT,
 * "set -e" on. */
static struct run_result sh(int timeout, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static struct run_result sh(int timeout, const char *fmt, ...)
{
	char body[16384], script[17000];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	snprintf(script, sizeof(script), "set -e; T='%s'; S='%s'; R='%s'; cd \"$S\"; %s", tinydock_binary(),
		 sandbox.dir, sandbox.root, body);
	const char *argv[] = { "sh", "-c", script, NULL };
	return run_program(NULL, timeout, argv);
}

#define CHECK_OK(r) ck_assert_msg((r).status == 0, "status %d\nout: %s\nerr: %s", (r).status, (r).out, (r).err)

START_TEST(busybox_is_made_once_from_the_host_and_runs_echo_hi)
{
	struct run_result r = run_tinydock(NULL, 60, "run", "--rm", "busybox", "echo", "hi", NULL);
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "hi\n");
	ck_assert_msg(strstr(r.err, "Unable to find image 'busybox:latest' locally") && !strchr(strchr(r.err, '\n') + 1, '\n'),
		      "one line expected: %s", r.err);
	run_free(&r);
	r = run_tinydock(NULL, 60, "run", "--rm", "busybox:latest", "echo", "again", NULL);
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "again\n");
	ck_assert_msg(!strstr(r.err, "Unable to find"), "made twice: %s", r.err);
	run_free(&r);
	/* an OCI image layout, the layer unpacked once and reached by a short link */
	r = sh(20, "test -f $R/oci-layout; grep -q '\"org.opencontainers.image.ref.name\": \"busybox:latest\"' $R/index.json;"
		   "ls $R/layers | grep -c '^[0-9a-f]\\{64\\}$'; readlink $R/l/*");
	CHECK_OK(r);
	ck_assert_msg(strncmp(r.out, "1\n../layers/", 12) == 0, "%s", r.out);
	run_free(&r);
	/* the config's Cmd ["sh"] is the default command */
	r = run_tinydock("echo from-sh\n", 60, "run", "--rm", "-i", "busybox", NULL);
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "from-sh\n");
	run_free(&r);
}
END_TEST

START_TEST(images_tag_rmi_and_history_print_what_docker_prints)
{
	struct run_result r = sh(60, "$T tag busybox shop/web:1.0 2>/dev/null; $T images; $T images -q; $T history busybox");
	CHECK_OK(r);
	ck_assert_msg(strstr(r.out, "REPOSITORY   TAG       IMAGE ID       CREATED"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "busybox      latest    ") && strstr(r.out, "shop/web     1.0       "), "%s", r.out);
	ck_assert_msg(strstr(r.out, "IMAGE          CREATED") && strstr(r.out, "   CREATED BY    ") && strstr(r.out, "CMD [\"sh\"]") &&
			      strstr(r.out, "<missing>"),
		      "%s", r.out);
	run_free(&r);
	r = sh(30, "$T rmi shop/web:1.0; $T rmi busybox; $T images -q | wc -l; ls $R/blobs/sha256 | wc -l; ls $R/layers | wc -l");
	CHECK_OK(r);
	ck_assert_msg(strncmp(r.out, "Untagged: shop/web:1.0\nUntagged: busybox:latest\nDeleted: sha256:", 64) == 0, "%s",
		      r.out);
	ck_assert_msg(strstr(r.out, "\n0\n0\n"), "blobs or layers left: %s", r.out); /* no container used it */
	run_free(&r);
	r = run_tinydock(NULL, 20, "rmi", "nosuch", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "No such image: nosuch"), "%s", r.err);
	run_free(&r);
}
END_TEST

START_TEST(images_digests_no_trunc_and_all_show_what_docker_shows)
{
	struct run_result r = sh(60, "$T run --rm busybox true 2>/dev/null; $T images --digests busybox; "
				     "$T images -q --no-trunc; $T images -a -q; $T images --no-trunc=false -q");
	CHECK_OK(r);
	/* the DIGEST column between TAG and IMAGE ID, with the image's manifest digest */
	ck_assert_msg(strstr(r.out, "REPOSITORY   TAG       DIGEST") && strstr(r.out, "   IMAGE ID       CREATED"), "%s",
		      r.out);
	ck_assert_msg(strstr(r.out, "busybox      latest    sha256:"), "%s", r.out);
	/* --no-trunc: sha256: and 64 digits; -a lists the same images; --no-trunc=false the short IDs */
	const char *whole = strstr(r.out, "\nsha256:");
	ck_assert_msg(whole && strlen(whole) > 72 && whole[72] == '\n', "%s", r.out);
	const char *after = whole + 73;
	ck_assert_msg(strlen(after) == 26 && after[12] == '\n' && strncmp(after, after + 13, 13) == 0 &&
			      strncmp(after, whole + 8, 12) == 0,
		      "%s", r.out);
	run_free(&r);
}
END_TEST

START_TEST(an_image_used_by_a_container_is_refused_by_rmi_unless_forced_and_prune_keeps_its_layers)
{
	struct run_result r = sh(60, "$T run --name keep busybox true 2>/dev/null; $T rmi busybox || echo refused");
	CHECK_OK(r);
	ck_assert_msg(strstr(r.out, "refused") && strstr(r.err, "must force"), "%s%s", r.out, r.err);
	run_free(&r);
	r = sh(60, "$T rmi -f busybox; $T image prune -a -f; ls $R/layers | grep -c '^[0-9a-f]\\{64\\}$';"
		   "$T rm keep >/dev/null; $T image prune -f >/dev/null; ls $R/layers | grep -c '^[0-9a-f]\\{64\\}$' || true");
	CHECK_OK(r);
	ck_assert_msg(strstr(r.out, "Total reclaimed space:") && strstr(r.out, "\n1\n0\n"), "%s", r.out);
	run_free(&r);
}
END_TEST

START_TEST(save_then_load_into_another_root_keeps_names_digests_and_runs)
{
	struct run_result r = sh(120, "$T tag busybox shop/web:1.0 2>/dev/null; $T save busybox shop/web:1.0 -o img.tar;"
				      "tar -tf img.tar | sort | tr '\\n' ' '; echo;"
				      "$T inspect busybox | grep -m1 'busybox@';"
				      "export TINYDOCK_ROOT=$S/other; $T load -i img.tar;"
				      "$T inspect busybox | grep -m1 'busybox@';"
				      "$T run --rm shop/web:1.0 echo round-trip");
	CHECK_OK(r);
	ck_assert_msg(strstr(r.out, " index.json manifest.json oci-layout repositories "), "%s", r.out);
	ck_assert_msg(strstr(r.out, "Loaded image: busybox:latest\nLoaded image: shop/web:1.0\n"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "round-trip\n"), "%s", r.out);
	/* the same manifest digest on both sides: content addressing survives the trip */
	const char *first = strstr(r.out, "busybox@sha256:"), *second = first ? strstr(first + 1, "busybox@sha256:") : NULL;
	ck_assert_ptr_nonnull(second);
	ck_assert_int_eq(strncmp(first, second, 15 + 64), 0);
	run_free(&r);
}
END_TEST

/* A legacy `docker save` archive made by hand: GNU tar, sha256sum, a config and manifest.json. */
static const char HAND_MADE[] =
	"mkdir -p fs hand/l1; $T rootfs fs >/dev/null; echo by-hand > fs/msg;"
	"tar --numeric-owner -cf hand/l1/layer.tar -C fs .;"
	"diff=$(sha256sum hand/l1/layer.tar | cut -d' ' -f1);"
	"%s" /* optional: gzip the layer */
	"printf '{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"cat\",\"/msg\"]},"
	"\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:%%s\"]}}' $diff > config.json;"
	"cfg=$(sha256sum config.json | cut -d' ' -f1); cp config.json hand/$cfg.json;"
	"printf '[{\"Config\":\"%%s.json\",\"RepoTags\":[\"hand/made:%s\"],\"Layers\":[\"l1/layer.tar\"]}]' $cfg"
	" > hand/manifest.json;"
	"tar -cf hand.tar -C hand .;";

START_TEST(a_docker_save_archive_made_with_gnu_tar_loads_and_runs_plain_or_gzip)
{
	struct run_result r = sh(120, HAND_MADE, "", "plain");
	CHECK_OK(r);
	run_free(&r);
	r = sh(60, "$T load -i hand.tar; $T run --rm hand/made:plain");
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "Loaded image: hand/made:plain\nby-hand\n");
	run_free(&r);
	r = sh(120, "rm -rf fs hand hand.tar; " "%s", "");
	run_free(&r);
	r = sh(120, HAND_MADE, "gzip -9 hand/l1/layer.tar; mv hand/l1/layer.tar.gz hand/l1/layer.tar;", "gzip");
	CHECK_OK(r);
	run_free(&r);
	r = sh(60, "gzip -c hand.tar > hand.tar.gz; $T load < hand.tar.gz; $T run --rm hand/made:gzip;"
		   "grep -l 'tar+gzip' $R/blobs/sha256/* | wc -l");
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "Loaded image: hand/made:gzip\nby-hand\n1\n");
	run_free(&r);
}
END_TEST

START_TEST(blobs_and_layers_that_do_not_match_their_digests_are_refused_and_nothing_is_named)
{
	struct run_result r = sh(120, HAND_MADE, "", "plain");
	CHECK_OK(r);
	run_free(&r);
	/* 1. a config whose content is not what its name says */
	r = sh(60, "cp -r hand bad1; cfg=$(ls bad1 | grep json$ | grep -v manifest);"
		   "sed -i 's/cat/dog/' bad1/$cfg; tar -cf bad1.tar -C bad1 .;"
		   "$T load -i bad1.tar || echo refused; $T images -q | wc -l");
	CHECK_OK(r);
	ck_assert_msg(strstr(r.out, "refused\n0\n") && strstr(r.err, "digest mismatch"), "%s%s", r.out, r.err);
	run_free(&r);
	/* 2. a layer whose tar is not the diff_id the config promised */
	r = sh(60, "cp -r hand bad2; echo extra > fs/extra; tar -cf bad2/l1/layer.tar -C fs .; tar -cf bad2.tar -C bad2 .;"
		   "$T load -i bad2.tar || echo refused; $T images -q | wc -l; ls $R/ingest | wc -l");
	CHECK_OK(r);
	ck_assert_msg(strstr(r.out, "refused\n0\n0\n") && strstr(r.err, "the config says"), "%s%s", r.out, r.err);
	run_free(&r);
	/* 3. an OCI layout blob renamed: its name does not match */
	r = sh(60, "$T save busybox -o ok.tar 2>/dev/null; mkdir lay; tar -xf ok.tar -C lay;"
		   "big=$(ls -S lay/blobs/sha256 | head -1); printf 'x' >> lay/blobs/sha256/$big;"
		   "export TINYDOCK_ROOT=$S/other; $T load -i lay || echo refused; $T images -q | wc -l;"
		   "ls -A $S/other/ingest 2>/dev/null | wc -l");
	CHECK_OK(r);
	ck_assert_msg(strstr(r.out, "refused\n0\n0\n") && strstr(r.err, "digest mismatch"), "%s%s", r.out, r.err);
	run_free(&r);
}
END_TEST

START_TEST(a_load_or_save_killed_at_random_moments_leaves_the_store_readable_and_images_whole)
{
	/* An image big enough to be caught mid-way: 24 MiB of random data in one layer. */
	struct run_result r = sh(180, "mkdir fs; $T rootfs fs >/dev/null; head -c 24M /dev/urandom > fs/big;"
				      "tar -cf fs.tar -C fs .; $T import fs.tar big:1 >/dev/null; $T save big:1 -o big.tar");
	CHECK_OK(r);
	run_free(&r);
	/* Eight rounds: load, save and commit, each killed after 0-90 ms; the store must be readable,
	 * every named image complete, and a final load must succeed. Bounded: 8 x (<1 s). */
	r = sh(240, "export TINYDOCK_ROOT=$S/kill; $T images >/dev/null;"
		    "$T run --name changed busybox sh -c 'dd if=/dev/urandom of=/big bs=1048576 count=16 2>/dev/null';"
		    "for i in 1 2 3 4 5 6 7 8; do"
		    "  ms=$(( $(od -An -N1 -tu1 /dev/urandom) %% 90 ));"
		    "  $T load -i big.tar >/dev/null 2>&1 & pid=$!;"
		    "  $T save big:1 -o out.tar >/dev/null 2>&1 & spid=$!;"
		    "  $T commit changed committed:$i >/dev/null 2>&1 & cpid=$!;"
		    "  sleep $(printf '0.%%03d' $ms); kill -9 $pid $spid $cpid 2>/dev/null || true;"
		    "  wait $pid $spid $cpid 2>/dev/null || true;"
		    "  test ! -e out.tar || tar -tf out.tar >/dev/null;" /* never a truncated archive under the name */
		    "  $T images -q >/dev/null;"
		    "  for id in $($T images -q); do $T run --rm $id true || { echo BROKEN $id; exit 1; }; done;"
		    "done; $T load -i big.tar; $T run --rm big:1 sh -c 'wc -c < /big';"
		    "$T image prune -f >/dev/null; ls $S/kill/ingest | wc -l; ls $S/kill/layers | grep -c -v '^[0-9a-f]*$' || true");
	CHECK_OK(r);
	/* after prune: no ingest leftovers, no half-unpacked layer folders */
	ck_assert_msg(strstr(r.out, "Loaded image: big:1\n25165824\n0\n0\n"), "%s", r.out);
	run_free(&r);
}
END_TEST

START_TEST(concurrent_loads_tags_and_removals_lose_nothing)
{
	struct run_result r = sh(120, "$T save busybox -o bb.tar 2>/dev/null; $T rmi busybox >/dev/null;"
				      "for i in 1 2 3 4; do $T load -i bb.tar >/dev/null & done; wait;"
				      "for i in $(seq 1 12); do $T tag busybox t$i:x & done;"
				      "for i in 1 2 3; do $T load -i bb.tar >/dev/null & done; wait;"
				      "for i in $(seq 1 6); do $T rmi t$i:x >/dev/null & done; wait;"
				      "$T images | grep -c ' x ' ; $T images -q | sort -u | wc -l;"
				      "$T run --rm t12:x echo still-runs");
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "6\n1\nstill-runs\n");
	run_free(&r);
}
END_TEST

START_TEST(import_with_changes_makes_an_image_that_runs_its_cmd_with_its_env_and_workdir)
{
	struct run_result r = sh(120, "mkdir fs; $T rootfs fs >/dev/null; echo imported > fs/msg; tar -czf fs.tgz -C fs .;"
				      "$T import -c 'CMD [\"sh\",\"-c\",\"cat /msg; echo $A; pwd\"]' -c 'ENV A=1' -c 'WORKDIR /tmp'"
				      " -c 'EXPOSE 80' fs.tgz shop/imp:1 >/dev/null;"
				      "$T run --rm shop/imp:1; $T run --rm -e A=2 -w / shop/imp:1;"
				      "$T run --rm --entrypoint echo shop/imp:1 over ridden;"
				      "$T inspect shop/imp:1 | grep -c '\"80/tcp\"'");
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "imported\n1\n/tmp\nimported\n2\n/\nover ridden\n1\n");
	run_free(&r);
}
END_TEST

START_TEST(publish_all_puts_every_exposed_tcp_port_on_a_free_host_port)
{
	int fixed = harness_free_port();
	struct run_result r = sh(120, "mkdir fs; $T rootfs fs >/dev/null; tar -czf fs.tgz -C fs .;"
				      "$T import -c 'EXPOSE 80 8080/tcp 53/udp' fs.tgz shop/exposed:1 >/dev/null;"
				      "$T run -d -P -p %d:8080 --name web shop/exposed:1 sleep 60 >/dev/null;"
				      "$T port web",
				 fixed);
	CHECK_OK(r);
	/* 80 on a port the kernel chose, 8080 where -p put it, 53/udp not at all (TCP only) */
	unsigned chosen = 0, given = 0;
	const char *eighty = strncmp(r.out, "80/tcp", 6) == 0 ? r.out : strstr(r.out, "\n80/tcp");
	const char *eighty_eighty = strstr(r.out, "8080/tcp");
	ck_assert_msg(eighty && eighty_eighty && sscanf(eighty + (*eighty == '\n'), "80/tcp -> 0.0.0.0:%u", &chosen) == 1 &&
			      sscanf(eighty_eighty, "8080/tcp -> 0.0.0.0:%u", &given) == 1,
		      "%s", r.out);
	ck_assert_msg(chosen > 0 && chosen != (unsigned)fixed, "%s", r.out);
	ck_assert_uint_eq(given, (unsigned)fixed);
	ck_assert_msg(!strstr(r.out, "53"), "%s", r.out);
	run_free(&r);
	r = sh(30, "$T rm -f web >/dev/null; $T run --rm -P --network none shop/exposed:1 true; echo $?");
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "0\n"); /* -P publishes nothing on network none, as Docker */
	run_free(&r);
}
END_TEST

START_TEST(a_stopped_image_container_starts_again_with_its_entrypoint_cmd_and_env_once)
{
	/* The record keeps the command and Env as they ran, the image's defaults filled in: a
	 * start must not put the image's entrypoint or Env in front of them a second time. */
	struct run_result r = sh(120, "mkdir fs; $T rootfs fs >/dev/null; tar -czf fs.tgz -C fs .;"
				      "$T import -c 'ENTRYPOINT [\"sh\",\"-c\",\"echo $A$B $0; env | grep -c ^A=\"]'"
				      " -c 'ENV A=1' fs.tgz shop/ep:1 >/dev/null;"
				      "$T run --name twice -e B=2 shop/ep:1 x; $T start twice >/dev/null;"
				      "$T wait twice; $T logs twice");
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "12 x\n1\n0\n12 x\n1\n12 x\n1\n");
	run_free(&r);
}
END_TEST

START_TEST(skopeo_reads_the_store_and_copies_both_ways)
{
	if (!have_program("skopeo")) {
		harness_skip("skopeo is not installed");
		return;
	}
	struct run_result r = sh(180, "$T images >/dev/null; $T tag busybox x 2>/dev/null;"
				      "skopeo inspect oci:$R:busybox:latest | grep -c '\"Architecture\"';"
				      "skopeo copy -q oci:$R:busybox:latest docker-archive:$S/da.tar:sk/da:1;"
				      "skopeo copy -q oci:$R:busybox:latest oci:$S/lay:sk;"
				      "$T save busybox -o ours.tar; skopeo copy -q docker-archive:ours.tar oci:$S/fromours:x;"
				      "skopeo copy -q docker-archive:ours.tar oci:$R:sk/into:1; $T run --rm sk/into:1 echo into-our-store;"
				      "export TINYDOCK_ROOT=$S/other; $T load -i da.tar; $T load -i lay; $T load -i fromours;"
				      "$T run --rm sk/da:1 echo via-skopeo");
	CHECK_OK(r);
	static const char expected[] = "1\ninto-our-store\nLoaded image: sk/da:1\nLoaded image ID: sha256:";
	ck_assert_msg(strncmp(r.out, expected, strlen(expected)) == 0, "%s", r.out);
	ck_assert_msg(strstr(r.out, "via-skopeo\n"), "%s", r.out);
	run_free(&r);
}
END_TEST

START_TEST(docker_loads_and_runs_our_save_and_we_load_and_run_dockers)
{
	if (!have_program("dockerd") || !have_program("docker")) {
		harness_skip("docker.io is not installed");
		return;
	}
	/* A daemon of our own in the sandbox (no iptables, no bridge), stopped by its pid. */
	struct run_result r = sh(240,
		"D=$S/docker; mkdir -p $D;"
		"dockerd --iptables=false --ip-forward=false --bridge=none --data-root $D/data --exec-root $D/exec"
		" --pidfile $D/pid -H unix://$D/sock > $D/log 2>&1 & dpid=$!;"
		"trap 'kill $dpid 2>/dev/null; for i in $(seq 60); do kill -0 $dpid 2>/dev/null || break; sleep 0.5; done;"
		"      umount -R $D/data 2>/dev/null || true' EXIT;"
		"DK=\"docker -H unix://$D/sock\"; up=0;"
		"for i in $(seq 60); do $DK version >/dev/null 2>&1 && { up=1; break; }; sleep 0.5; done;"
		"if [ $up = 0 ]; then echo 'dockerd is installed but did not start:' >&2; tail -5 $D/log >&2; exit 1; fi;"
		"$T save busybox -o ours.tar 2>/dev/null; $DK load -i ours.tar;"
		"$DK run --rm --network none busybox echo docker-runs-ours;"
		"mkdir fs; $T rootfs fs >/dev/null; echo from-docker > fs/msg; tar -cf fs.tar -C fs .;"
		"$DK import -c 'CMD [\"cat\",\"/msg\"]' fs.tar dk/imp:1 >/dev/null; $DK save dk/imp:1 -o theirs.tar;"
		"$T load -i theirs.tar; $T run --rm dk/imp:1");
	CHECK_OK(r);
	ck_assert_msg(strstr(r.out, "Loaded image: busybox:latest\ndocker-runs-ours\nLoaded image: dk/imp:1\nfrom-docker\n"),
		      "%s", r.out);
	run_free(&r);
}
END_TEST

Suite *images_suite(void)
{
	Suite *s = suite_create("images");
	TCase *t = tcase_create("store");
	harness_use_stage(t, 5);
	harness_use_sandbox(t);
	tcase_set_timeout(t, 300);
	tcase_add_test(t, busybox_is_made_once_from_the_host_and_runs_echo_hi);
	tcase_add_test(t, images_tag_rmi_and_history_print_what_docker_prints);
	tcase_add_test(t, images_digests_no_trunc_and_all_show_what_docker_shows);
	tcase_add_test(t, an_image_used_by_a_container_is_refused_by_rmi_unless_forced_and_prune_keeps_its_layers);
	tcase_add_test(t, save_then_load_into_another_root_keeps_names_digests_and_runs);
	tcase_add_test(t, a_docker_save_archive_made_with_gnu_tar_loads_and_runs_plain_or_gzip);
	tcase_add_test(t, blobs_and_layers_that_do_not_match_their_digests_are_refused_and_nothing_is_named);
	tcase_add_test(t, a_load_or_save_killed_at_random_moments_leaves_the_store_readable_and_images_whole);
	tcase_add_test(t, concurrent_loads_tags_and_removals_lose_nothing);
	tcase_add_test(t, import_with_changes_makes_an_image_that_runs_its_cmd_with_its_env_and_workdir);
	tcase_add_test(t, publish_all_puts_every_exposed_tcp_port_on_a_free_host_port);
	tcase_add_test(t, a_stopped_image_container_starts_again_with_its_entrypoint_cmd_and_env_once);
	tcase_add_test(t, skopeo_reads_the_store_and_copies_both_ways);
	tcase_add_test(t, docker_loads_and_runs_our_save_and_we_load_and_run_dockers);
	suite_add_tcase(s, t);
	return s;
}
