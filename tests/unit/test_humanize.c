/*
 * test_humanize.c - Docker's words for ages and sizes (03-cgroups/humanize.c).
 */
#include <check.h>

#include "humanize.h"

static const char *duration(int64_t seconds)
{
	static char out[64];
	human_duration(seconds, out, sizeof(out));
	return out;
}

static const char *size_of(uint64_t bytes)
{
	static char out[64];
	human_size(bytes, out, sizeof(out));
	return out;
}

START_TEST(ages_are_worded_as_docker_ps_words_them)
{
	ck_assert_str_eq(duration(0), "Less than a second");
	ck_assert_str_eq(duration(1), "1 second");
	ck_assert_str_eq(duration(3), "3 seconds");
	ck_assert_str_eq(duration(59), "59 seconds");
	ck_assert_str_eq(duration(60), "About a minute");
	ck_assert_str_eq(duration(119), "About a minute");
	ck_assert_str_eq(duration(120), "2 minutes");
	ck_assert_str_eq(duration(59 * 60 + 59), "59 minutes");
	ck_assert_str_eq(duration(3600), "About an hour");
	ck_assert_str_eq(duration(5400), "2 hours");
	ck_assert_str_eq(duration(47 * 3600), "47 hours");
	ck_assert_str_eq(duration(48 * 3600), "2 days");
	ck_assert_str_eq(duration(13 * 86400), "13 days");
	ck_assert_str_eq(duration(14 * 86400), "2 weeks");
	ck_assert_str_eq(duration(60 * 86400), "2 months");
	ck_assert_str_eq(duration(800 * 86400), "2 years");
}
END_TEST

START_TEST(sizes_use_decimal_units_with_three_significant_digits)
{
	ck_assert_str_eq(size_of(0), "0B");
	ck_assert_str_eq(size_of(999), "999B");
	ck_assert_str_eq(size_of(1000), "1kB");
	ck_assert_str_eq(size_of(4260000), "4.26MB");
	ck_assert_str_eq(size_of(1982256), "1.98MB");
	ck_assert_str_eq(size_of(1200000000), "1.2GB");
}
END_TEST

START_TEST(memory_uses_binary_units)
{
	char out[32];
	human_memory(64ULL << 20, out, sizeof(out));
	ck_assert_str_eq(out, "64MiB");
	human_memory(1536 * 1024, out, sizeof(out));
	ck_assert_str_eq(out, "1.5MiB");
	human_memory(512, out, sizeof(out));
	ck_assert_str_eq(out, "512B");
}
END_TEST

Suite *humanize_suite(void)
{
	Suite *s = suite_create("humanize");
	TCase *t = tcase_create("words");
	tcase_add_test(t, ages_are_worded_as_docker_ps_words_them);
	tcase_add_test(t, sizes_use_decimal_units_with_three_significant_digits);
	tcase_add_test(t, memory_uses_binary_units);
	suite_add_tcase(s, t);
	return s;
}
