/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_log.c - the two text formats between init and the runtime: the log
 * pipe's JSON lines (nsb_log_format / nsb_log_parse; docs/protocol.md, 'The
 * log pipe') and the pid line (nsb_parse_pid_json; 'The pid line').
 */
#include "testutil.h"

#include <string.h>

#include "nsboot/log.h"
#include "nsboot/parent.h"

static const char *fmt(int level, int stage, long pid, const char *text, size_t len)
{
	static char line[NSB_LOG_LINE_MAX];
	size_t n = nsb_log_format(line, sizeof(line), level, stage, pid, text, len);
	assert_true(n > 0 && n < NSB_LOG_LINE_MAX);
	assert_int_equal(strlen(line), n);
	return line;
}

/* A line a parser must refuse with JSON_SYNTAX at @pos. */
struct bad_line {
	const char *line;
	uint32_t pos;
};

typedef enum nsb_err (*line_parser)(const char *line, struct nsb_error *e);

/* nsb_log_parse of @line into a 64-byte message buffer. */
static enum nsb_err parse_log_line(const char *line, struct nsb_error *e)
{
	char msg[64];
	size_t len;
	int level;
	return nsb_log_parse(line, strlen(line), &level, msg, sizeof(msg), &len, e);
}

/* nsb_parse_pid_json of @line. */
static enum nsb_err parse_pid_line(const char *line, struct nsb_error *e)
{
	pid_t s1 = 0, s2 = 0;
	return nsb_parse_pid_json(line, strlen(line), &s1, &s2, e);
}

/* Every line of @bad is JSON_SYNTAX at its pos; a failure names the line. */
static void assert_json_syntax_errors(line_parser parse, const struct bad_line *bad, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct nsb_error e;
		nsbt_poison(&e);
		enum nsb_err rc = parse(bad[i].line, &e);
		if (rc != NSB_ERR_JSON_SYNTAX || e.pos != bad[i].pos) {
			print_error("'%s': %s at %u, want JSON_SYNTAX at %u\n", bad[i].line,
			            nsb_error_name(rc), e.pos, bad[i].pos);
			fail();
		}
	}
}

static void test_log_line_is_runcs_exact_format(void **state)
{
	(void)state;
	assert_string_equal(fmt(NSB_LOG_DEBUG, NSB_LOG_STAGE_SETUP, 42, "=> nsexec container setup", 25),
	                    "{\"level\":\"debug\", \"msg\": \"nsexec[42]: => nsexec container setup\"}\n");
	assert_string_equal(fmt(NSB_LOG_FATAL, 1, 7, "x", 1),
	                    "{\"level\":\"fatal\", \"msg\": \"nsexec-1[7]: x\"}\n");
	assert_string_equal(fmt(NSB_LOG_PANIC, 0, 1, "", 0),
	                    "{\"level\":\"panic\", \"msg\": \"nsexec-0[1]: \"}\n");
	assert_string_equal(fmt(NSB_LOG_TRACE, 2, 2147483647, "t", 1),
	                    "{\"level\":\"trace\", \"msg\": \"nsexec-2[2147483647]: t\"}\n");
}

static void test_log_escapes_json_specials_controls_and_del(void **state)
{
	(void)state;
	static const char text[] = "a\\b\"c\bd\ne\rf\tg\fh\x01i\x1fj\x7fk\0l\xc3\xa9";
	assert_string_equal(fmt(NSB_LOG_INFO, 0, 3, text, sizeof(text) - 1),
	                    "{\"level\":\"info\", \"msg\": \"nsexec-0[3]: "
	                    "a\\\\b\\\"c\\bd\\ne\\rf\\tg\\fh\\u0001i\\u001fj\\u007fk\\u0000l\xc3\xa9\"}\n");
}

/* The longest line is NSB_LOG_LINE_MAX - 1 bytes with its '\n': a text
 * that makes exactly that line is whole; one byte more and it is cut. */
static void test_log_text_that_fits_exactly_is_not_cut(void **state)
{
	(void)state;
	static char text[NSB_LOG_LINE_MAX];
	const size_t frame = strlen(fmt(NSB_LOG_INFO, 1, 7, "", 0)); /* the line of an empty text */
	const size_t fits = NSB_LOG_LINE_MAX - 1 - frame;

	memset(text, 'x', sizeof(text));
	const char *line = fmt(NSB_LOG_INFO, 1, 7, text, fits);
	assert_int_equal(strlen(line), NSB_LOG_LINE_MAX - 1);
	assert_string_equal(line + strlen(line) - 5, "xx\"}\n");

	line = fmt(NSB_LOG_INFO, 1, 7, text, fits + 1);
	assert_true(strlen(line) <= NSB_LOG_LINE_MAX - 1);
	assert_string_equal(line + strlen(line) - 6, "...\"}\n");
}

static void test_log_cuts_long_text_to_one_atomic_write(void **state)
{
	(void)state;
	static char text[3 * NSB_LOG_LINE_MAX];
	memset(text, '\n', sizeof(text)); /* every byte escapes to two */
	const char *line = fmt(NSB_LOG_ERROR, 1, 99, text, sizeof(text));
	size_t n = strlen(line);
	assert_true(n <= NSB_LOG_LINE_MAX - 1);
	assert_string_equal(line + n - 6, "...\"}\n");
	/* never half an escape before the cut mark */
	assert_int_equal(line[n - 7], 'n');
	assert_int_equal(line[n - 8], '\\');
	/* a control byte's \u00xx is never split either */
	memset(text, '\x01', sizeof(text));
	line = fmt(NSB_LOG_ERROR, 1, 99, text, sizeof(text));
	n = strlen(line);
	assert_memory_equal(line + n - 12, "\\u0001...\"}\n", 12);
}

static void test_log_format_refuses_bad_arguments(void **state)
{
	(void)state;
	char small[NSB_LOG_LINE_MAX - 1], line[NSB_LOG_LINE_MAX];
	assert_int_equal(nsb_log_format(small, sizeof(small), 1, 0, 1, "x", 1), 0);
	assert_int_equal(nsb_log_format(line, sizeof(line), -1, 0, 1, "x", 1), 0);
	assert_int_equal(nsb_log_format(line, sizeof(line), NSB_LOG_LEVEL_COUNT, 0, 1, "x", 1), 0);
	assert_int_equal(nsb_log_format(line, sizeof(line), 1, 3, 1, "x", 1), 0);
	assert_int_equal(nsb_log_format(line, sizeof(line), 1, -2, 1, "x", 1), 0);
	assert_int_equal(nsb_log_format(line, sizeof(line), 1, 0, 1, NULL, 1), 0);
}

static void test_log_parse_reads_back_what_format_wrote(void **state)
{
	(void)state;
	static const char text[] = "q\"\\\n\t\x02\x7f\xe2\x82\xac end";
	char msg[NSB_LOG_LINE_MAX];
	size_t len = 0;
	int level = -1;
	struct nsb_error e;
	for (int lv = 0; lv < NSB_LOG_LEVEL_COUNT; lv++) {
		const char *line = fmt(lv, 1, 5, text, sizeof(text) - 1);
		assert_nsb_ok(nsb_log_parse(line, strlen(line) - 1, &level, msg, sizeof(msg), &len, &e), e);
		assert_int_equal(level, lv);
		assert_int_equal(len, strlen("nsexec-1[5]: ") + sizeof(text) - 1);
		assert_memory_equal(msg, "nsexec-1[5]: ", 13);
		assert_memory_equal(msg + 13, text, sizeof(text) - 1);
	}
	/* \u escapes beyond what init writes: BMP code points become UTF-8 */
	const char *other = "{\"level\":\"warning\", \"msg\": \"\\u00e9\\u20ac\\/\"}";
	assert_nsb_ok(nsb_log_parse(other, strlen(other), &level, msg, sizeof(msg), &len, &e), e);
	assert_string_equal(msg, "\xc3\xa9\xe2\x82\xac/");
}

static void test_log_parse_rejects_other_shapes(void **state)
{
	(void)state;
	static const struct bad_line bad[] = {
	        {"", 0},
	        {"{\"level\":\"loud\", \"msg\": \"x\"}", 10},
	        {"{\"level\":\"debug\",\"msg\":\"x\"}", 15},
	        {"{\"level\":\"debug\", \"msg\": \"x\"} ", 29},
	        {"{\"level\":\"debug\", \"msg\": \"x", 27},
	        {"{\"level\":\"debug\", \"msg\": \"x\\q\"}", 28},
	        {"{\"level\":\"debug\", \"msg\": \"x\\u12\"}", 28},
	        {"{\"level\":\"debug\", \"msg\": \"\\ud800\"}", 27},
	        {"{\"level\":\"debug\", \"msg\": \"a\nb\"}", 27},
	        {"{\"msg\": \"x\", \"level\":\"debug\"}", 0},
	};
	assert_json_syntax_errors(parse_log_line, bad, sizeof(bad) / sizeof(bad[0]));
	char msg[64];
	size_t len;
	int level;
	struct nsb_error e;
	/* a message longer than the caller's buffer */
	const char *line = "{\"level\":\"debug\", \"msg\": \"0123456789\"}";
	assert_int_equal(nsb_log_parse(line, strlen(line), &level, msg, 10, &len, &e), NSB_ERR_NO_SPACE);
}

static void test_log_level_names_round_trip(void **state)
{
	(void)state;
	for (int lv = 0; lv < NSB_LOG_LEVEL_COUNT; lv++) {
		int back = -1;
		const char *name = nsb_log_level_name(lv);
		assert_non_null(name);
		assert_true(nsb_log_level_from_name(name, strlen(name), &back));
		assert_int_equal(back, lv);
	}
	int out;
	assert_null(nsb_log_level_name(7));
	assert_null(nsb_log_level_name(-1));
	assert_false(nsb_log_level_from_name("debu", 4, &out));
	assert_false(nsb_log_level_from_name("debug\0", 6, &out));
	assert_false(nsb_log_level_from_name("warn", 4, &out));
}

static void test_pid_json_accepts_exactly_runcs_line(void **state)
{
	(void)state;
	pid_t s1 = 0, s2 = 0;
	struct nsb_error e;
	const char *ok = "{\"stage1_pid\":12,\"stage2_pid\":2147483647}";
	assert_nsb_ok(nsb_parse_pid_json(ok, strlen(ok), &s1, &s2, &e), e);
	assert_int_equal(s1, 12);
	assert_int_equal(s2, 2147483647);
	static const struct bad_line bad[] = {
	        {"", 0},
	        {"{\"stage1_pid\":0,\"stage2_pid\":1}", 14},
	        {"{\"stage1_pid\":01,\"stage2_pid\":1}", 14},
	        {"{\"stage1_pid\":-1,\"stage2_pid\":1}", 14},
	        {"{\"stage1_pid\":1,\"stage2_pid\":2147483648}", 29},
	        {"{\"stage1_pid\":1, \"stage2_pid\":2}", 15},
	        {"{\"stage2_pid\":2,\"stage1_pid\":1}", 0},
	        {"{\"stage1_pid\":1,\"stage2_pid\":2}\n", 31},
	        {"{\"stage1_pid\":1,\"stage2_pid\":2", 30},
	        {"{\"stage1_pid\":1,\"stage2_pid\":2}}", 31},
	};
	assert_json_syntax_errors(parse_pid_line, bad, sizeof(bad) / sizeof(bad[0]));
}

static void test_parent_refuses_a_bootstrap_init_would_wait_on(void **state)
{
	(void)state;
	unsigned char msg[32] = {0};
	uint32_t len = 40; /* claims more than is sent */
	struct nsb_parent_result res;
	struct nsb_error e;
	memcpy(msg, &len, 4);
	struct nsb_parent_config cfg = {
	        .bootstrap = msg, .bootstrap_len = sizeof(msg), .init_path = "/nonexistent"};
	assert_int_equal(nsb_parent_run(&cfg, &res, &e), NSB_ERR_TRUNCATED);
	assert_int_equal(res.stage0, 0); /* nothing was started */
	cfg.bootstrap_len = 15;
	assert_int_equal(nsb_parent_run(&cfg, &res, &e), NSB_ERR_SHORT_HEADER);
	cfg.init_path = NULL;
	assert_int_equal(nsb_parent_run(&cfg, &res, &e), NSB_ERR_INVALID_ARGUMENT);
}

static void test_log_parse_edge_shapes(void **state)
{
	(void)state;
	static const struct bad_line bad[] = {
	        /* the line ends inside the level name */
	        {"{\"level\":\"deb", 10},
	        /* a byte above 'z' right after the level name */
	        {"{\"level\":\"debug{\", \"msg\": \"x\"}", 15},
	        /* a backslash as the last byte */
	        {"{\"level\":\"debug\", \"msg\": \"x\\", 28},
	        /* \u with a non-hex digit above 'f', and one above 'F' */
	        {"{\"level\":\"debug\", \"msg\": \"\\u00g0\"}", 27},
	        {"{\"level\":\"debug\", \"msg\": \"\\u00G0\"}", 27},
	        /* \u with fewer than four bytes left */
	        {"{\"level\":\"debug\", \"msg\": \"\\u0", 27},
	        /* the closing quote is the last byte, or is not followed by '}' */
	        {"{\"level\":\"debug\", \"msg\": \"x\"", 28},
	        {"{\"level\":\"debug\", \"msg\": \"x\"]", 28},
	};
	assert_json_syntax_errors(parse_log_line, bad, sizeof(bad) / sizeof(bad[0]));
	char msg[64];
	size_t len;
	int level;
	struct nsb_error e;
	/* upper-case hex, and a code point just above the surrogates */
	const char *ok = "{\"level\":\"info\", \"msg\": \"\\u00C9\\uE000\"}";
	assert_nsb_ok(nsb_log_parse(ok, strlen(ok), &level, msg, sizeof(msg), &len, &e), e);
	assert_int_equal(level, NSB_LOG_INFO);
	assert_string_equal(msg, "\xc3\x89\xee\x80\x80");
	assert_int_equal(len, 5);
}

static void test_log_parse_refuses_bad_arguments(void **state)
{
	(void)state;
	const char *line = "{\"level\":\"debug\", \"msg\": \"x\"}";
	size_t n = strlen(line), len = 0;
	char msg[16];
	int level;
	struct nsb_error e;
	nsbt_poison(&e);
	assert_nsb_err(nsb_log_parse(NULL, n, &level, msg, sizeof msg, &len, &e), e, NSB_ERR_INVALID_ARGUMENT,
	               0, NSB_ATTR_NONE, 0);
	assert_int_equal(nsb_log_parse(line, n, NULL, msg, sizeof msg, &len, &e), NSB_ERR_INVALID_ARGUMENT);
	assert_int_equal(nsb_log_parse(line, n, &level, NULL, sizeof msg, &len, &e),
	                 NSB_ERR_INVALID_ARGUMENT);
	assert_int_equal(nsb_log_parse(line, n, &level, msg, 0, &len, &e), NSB_ERR_INVALID_ARGUMENT);
	assert_int_equal(nsb_log_parse(line, n, &level, msg, sizeof msg, NULL, &e), NSB_ERR_INVALID_ARGUMENT);
	assert_nsb_ok(nsb_log_parse(line, n, &level, msg, sizeof msg, &len, &e), e);
	assert_false(nsb_log_level_from_name(NULL, 5, &level));
	assert_false(nsb_log_level_from_name("debug", 5, NULL));
}

static void test_log_format_takes_null_text_of_length_zero(void **state)
{
	(void)state;
	assert_string_equal(fmt(NSB_LOG_WARNING, 2, 9, NULL, 0),
	                    "{\"level\":\"warning\", \"msg\": \"nsexec-2[9]: \"}\n");
	assert_int_equal(nsb_log_format(NULL, NSB_LOG_LINE_MAX, NSB_LOG_INFO, 0, 1, "x", 1), 0);
}

static void test_pid_json_refuses_a_line_ending_before_a_pid_and_null_arguments(void **state)
{
	(void)state;
	pid_t s1 = 0, s2 = 0;
	struct nsb_error e;
	const char *cut = "{\"stage1_pid\":";
	nsbt_poison(&e);
	assert_nsb_err(nsb_parse_pid_json(cut, strlen(cut), &s1, &s2, &e), e, NSB_ERR_JSON_SYNTAX, 0,
	               NSB_ATTR_NONE, 14);
	const char *letter = "{\"stage1_pid\":a,\"stage2_pid\":2}";
	nsbt_poison(&e);
	assert_nsb_err(nsb_parse_pid_json(letter, strlen(letter), &s1, &s2, &e), e, NSB_ERR_JSON_SYNTAX, 0,
	               NSB_ATTR_NONE, 14);
	const char *ok = "{\"stage1_pid\":1,\"stage2_pid\":2}";
	nsbt_poison(&e);
	assert_nsb_err(nsb_parse_pid_json(NULL, 5, &s1, &s2, &e), e, NSB_ERR_INVALID_ARGUMENT, 0,
	               NSB_ATTR_NONE, 0);
	assert_int_equal(nsb_parse_pid_json(ok, strlen(ok), NULL, &s2, &e), NSB_ERR_INVALID_ARGUMENT);
	assert_int_equal(nsb_parse_pid_json(ok, strlen(ok), &s1, NULL, &e), NSB_ERR_INVALID_ARGUMENT);
	assert_int_equal(s1, 0); /* nothing written on refusal */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_log_line_is_runcs_exact_format),
	        cmocka_unit_test(test_log_escapes_json_specials_controls_and_del),
	        cmocka_unit_test(test_log_cuts_long_text_to_one_atomic_write),
	        cmocka_unit_test(test_log_text_that_fits_exactly_is_not_cut),
	        cmocka_unit_test(test_log_format_refuses_bad_arguments),
	        cmocka_unit_test(test_log_parse_reads_back_what_format_wrote),
	        cmocka_unit_test(test_log_parse_rejects_other_shapes),
	        cmocka_unit_test(test_log_level_names_round_trip),
	        cmocka_unit_test(test_pid_json_accepts_exactly_runcs_line),
	        cmocka_unit_test(test_parent_refuses_a_bootstrap_init_would_wait_on),
	        cmocka_unit_test(test_log_parse_edge_shapes),
	        cmocka_unit_test(test_log_parse_refuses_bad_arguments),
	        cmocka_unit_test(test_log_format_takes_null_text_of_length_zero),
	        cmocka_unit_test(test_pid_json_refuses_a_line_ending_before_a_pid_and_null_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
