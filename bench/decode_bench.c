/* SPDX-License-Identifier: Apache-2.0 */
/*
 * decode_bench.c - nsb_decode against a libmnl-based decoder with the same
 * rules and against runc's unchecked walk, on the same inputs, interleaved.
 *
 *   decode_bench [--capture FILE] [--reps N] [--batch-us N]
 *       Timing table (markdown): for each input and decoder the median over
 *       N repetitions (default 201) of the mean time per message in one batch
 *       of about --batch-us microseconds (default 500); in every repetition
 *       the three decoders run one batch each, in rotating order, so drift of
 *       the machine hits all of them alike. Ends with one line
 *       `decode-ratio-max R`: the worst nsboot/libmnl ratio over the inputs.
 *   decode_bench --check [--mutants N] DIR...
 *       Differential check (check.h); exit 1 on any disagreement.
 *   decode_bench --loop DECODER INPUT N
 *       N calls of one decoder (nsboot, libmnl, floor) on one input (a, b, c)
 *       and nothing else timed: for `valgrind --tool=callgrind
 *       --toggle-collect=bench_<decoder>`, whose total Ir / N is the exact
 *       instruction count per message.
 *
 * Every mode first checks that all decoders accept all inputs and agree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "inputs.h"
#include "peers.h"

#ifndef NSB_BENCH_CAPTURE
#define NSB_BENCH_CAPTURE "corpus/runc/run-default-exec.bin"
#endif

struct scratch {
	struct nsb_bootstrap *out;
	struct nsb_error err;
	struct floor_config floor;
};

typedef int (*decoder_fn)(const struct bench_input *in, struct scratch *s);

/* The measured calls: one function each, never inlined, so callgrind's
 * --toggle-collect can name them. */
__attribute__((noinline)) static int bench_nsboot(const struct bench_input *in, struct scratch *s)
{
	return (int)nsb_decode(in->buf, in->len, &in->opts, s->out, &s->err);
}

__attribute__((noinline)) static int bench_libmnl(const struct bench_input *in, struct scratch *s)
{
	return (int)mnl_peer_decode(in->buf, in->len, &in->opts, s->out, &s->err);
}

__attribute__((noinline)) static int bench_floor(const struct bench_input *in, struct scratch *s)
{
	return floor_decode(in->buf, in->len, &s->floor);
}

enum { D_NSBOOT, D_LIBMNL, D_FLOOR, D_COUNT };

static const struct decoder {
	const char *name;
	const char *label;
	decoder_fn fn;
} decoders[D_COUNT] = {
        [D_NSBOOT] = {"nsboot", "nsboot `nsb_decode`", bench_nsboot},
        [D_LIBMNL] = {"libmnl", "libmnl + same checks", bench_libmnl},
        [D_FLOOR] = {"floor", "runc-style unchecked walk", bench_floor},
};

static volatile int sink;

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* batch - mean ns per call over @iters calls. */
static double batch(const struct decoder *d, const struct bench_input *in, struct scratch *s,
                    unsigned long iters)
{
	double t0 = now_ns();
	int acc = 0;

	for (unsigned long i = 0; i < iters; i++)
		acc += d->fn(in, s);
	sink = acc;
	return (now_ns() - t0) / (double)iters;
}

/* calibrate - calls per batch so one batch lasts about @batch_ns. */
static unsigned long calibrate(const struct decoder *d, const struct bench_input *in, struct scratch *s,
                               double batch_ns)
{
	unsigned long iters = 1;

	while (iters < (1ul << 30)) {
		double per = batch(d, in, s, iters);
		if (per * (double)iters >= batch_ns / 4.0) {
			unsigned long want = (unsigned long)(batch_ns / (per > 0.1 ? per : 0.1));
			return want ? want : 1;
		}
		iters *= 2;
	}
	return iters;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* quantile - of sorted @v[0..n-1], nearest rank. */
static double quantile(const double *v, size_t n, double q)
{
	size_t k = (size_t)(q * (double)(n - 1) + 0.5);
	return v[k < n ? k : n - 1];
}

struct result {
	double median, p25, p75;
};

static void measure(const struct bench_input *in, struct scratch *s, unsigned reps, double batch_ns,
                    struct result res[D_COUNT])
{
	unsigned long iters[D_COUNT];
	double *samples[D_COUNT];

	for (int d = 0; d < D_COUNT; d++) {
		iters[d] = calibrate(&decoders[d], in, s, batch_ns);
		samples[d] = calloc(reps, sizeof(double));
		if (!samples[d]) {
			perror("decode_bench");
			exit(2);
		}
	}
	for (unsigned r = 0; r < reps; r++)
		for (int k = 0; k < D_COUNT; k++) {
			int d = (int)((r + (unsigned)k) % D_COUNT);
			samples[d][r] = batch(&decoders[d], in, s, iters[d]);
		}
	for (int d = 0; d < D_COUNT; d++) {
		qsort(samples[d], reps, sizeof(double), cmp_double);
		res[d] = (struct result){quantile(samples[d], reps, 0.5), quantile(samples[d], reps, 0.25),
		                         quantile(samples[d], reps, 0.75)};
		free(samples[d]);
	}
}

static int run_timing(const struct bench_input in[BENCH_INPUTS], struct scratch *s, unsigned reps,
                      double batch_ns)
{
	struct result res[BENCH_INPUTS][D_COUNT];
	double worst = 0.0;

	for (int i = 0; i < BENCH_INPUTS; i++)
		measure(&in[i], s, reps, batch_ns, res[i]);

	printf("| input | bytes | decoder | ns/message (median) | IQR (ns) | MB/s | vs libmnl | vs floor "
	       "|\n");
	printf("|---|---:|---|---:|---:|---:|---:|---:|\n");
	for (int i = 0; i < BENCH_INPUTS; i++)
		for (int d = 0; d < D_COUNT; d++) {
			const struct result *r = &res[i][d];
			printf("| %c: %s | %zu | %s | %.1f | %.1f-%.1f | %.0f | %.2fx | %.1fx |\n", in[i].id,
			       in[i].what, in[i].len, decoders[d].label, r->median, r->p25, r->p75,
			       (double)in[i].len / r->median * 1e3, r->median / res[i][D_LIBMNL].median,
			       r->median / res[i][D_FLOOR].median);
		}
	printf("\n");
	for (int i = 0; i < BENCH_INPUTS; i++) {
		double ratio = res[i][D_NSBOOT].median / res[i][D_LIBMNL].median;
		printf("decode-ratio %c nsboot/libmnl %.3f nsboot/floor %.2f\n", in[i].id, ratio,
		       res[i][D_NSBOOT].median / res[i][D_FLOOR].median);
		if (ratio > worst)
			worst = ratio;
	}
	printf("decode-ratio-max %.2f\n", worst);
	return 0;
}

static int run_loop(const struct bench_input in[BENCH_INPUTS], struct scratch *s, const char *dec,
                    const char *input, const char *count)
{
	char *end = NULL;
	unsigned long n = strtoul(count, &end, 10);
	const struct decoder *d = NULL;
	const struct bench_input *x = NULL;
	int acc = 0;

	for (int i = 0; i < D_COUNT; i++)
		if (strcmp(dec, decoders[i].name) == 0)
			d = &decoders[i];
	for (int i = 0; i < BENCH_INPUTS; i++)
		if (input[0] == in[i].id && input[1] == '\0')
			x = &in[i];
	if (!d || !x || !end || *end != '\0' || n == 0) {
		fprintf(stderr, "decode_bench: --loop nsboot|libmnl|floor a|b|c N\n");
		return 2;
	}
	for (unsigned long i = 0; i < n; i++)
		acc += d->fn(x, s);
	sink = acc;
	printf("loop %s %c %lu %zu\n", d->name, x->id, n, x->len);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: decode_bench [--capture FILE] [--reps N] [--batch-us N]\n"
	                "       decode_bench [--capture FILE] --check [--mutants N] DIR...\n"
	                "       decode_bench [--capture FILE] --loop nsboot|libmnl|floor a|b|c N\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *capture = NSB_BENCH_CAPTURE;
	unsigned reps = 201, mutants = 200;
	double batch_ns = 500e3;
	struct bench_input in[BENCH_INPUTS];
	struct scratch s;
	int i = 1, rc;

	memset(&s, 0, sizeof(s));
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--capture") == 0 && i + 1 < argc)
			capture = argv[++i];
		else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
			reps = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--batch-us") == 0 && i + 1 < argc)
			batch_ns = strtod(argv[++i], NULL) * 1e3;
		else if (strcmp(argv[i], "--mutants") == 0 && i + 1 < argc)
			mutants = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--check") == 0 || strcmp(argv[i], "--loop") == 0)
			break;
		else
			return usage();
	}
	if (reps == 0 || !(batch_ns > 0))
		return usage();
	s.out = malloc(sizeof(*s.out));
	if (!s.out || inputs_build(capture, in) != 0 || !check_inputs(in))
		return 2;

	if (i < argc && strcmp(argv[i], "--check") == 0) {
		for (i++; i + 1 < argc && strcmp(argv[i], "--mutants") == 0; i += 2)
			mutants = (unsigned)strtoul(argv[i + 1], NULL, 10);
		rc = i < argc ? check_differential(argv + i, argc - i, mutants) : usage();
	} else if (i < argc && strcmp(argv[i], "--loop") == 0) {
		rc = argc - i == 4 ? run_loop(in, &s, argv[i + 1], argv[i + 2], argv[i + 3]) : usage();
	} else if (i == argc) {
		rc = run_timing(in, &s, reps, batch_ns);
	} else {
		rc = usage();
	}
	inputs_free(in);
	free(s.out);
	return rc;
}
